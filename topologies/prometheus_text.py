"""The Prometheus text format as the daemons' metrics serve it (`fanout show metrics`, the HTTP endpoint), parsed
strictly for the e2e tests: what Prometheus would refuse raises AssertionError."""

import re

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text: str) -> dict:
    """{(name, frozenset(labels)): value}; checks every family has one HELP and one TYPE before its samples, its
    samples are not split by another family, and no series appears twice (what Prometheus refuses)."""
    out, typed, helped, current = {}, set(), set(), None
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            if name in helped:
                raise AssertionError(f"HELP of {name} twice")
            helped.add(name)
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            if kind not in ("counter", "gauge"):
                raise AssertionError(f"TYPE of {name} is {kind}, not counter or gauge")
            if name in typed:
                raise AssertionError(f"TYPE of {name} twice")
            typed.add(name)
            current = name
            continue
        if line.startswith("#"):
            continue  # a comment (fanout show metrics: a daemon that did not answer)
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError(f"unparseable metrics line: {line!r}")
        name, labels, value = m.groups()
        if name not in typed:
            raise AssertionError(f"sample {name} before its TYPE line")
        if name != current:
            raise AssertionError(f"sample {name} inside family {current}")
        key = (name, frozenset(LABEL.findall(labels or "")))
        if key in out:
            raise AssertionError(f"series {name}{{{labels}}} twice")
        out[key] = float(value)
    return out


def metric(m: dict, fam: str, **labels) -> float:
    """The value of the series of family fam with exactly these labels (AssertionError naming the families there
    are when it is missing)."""
    key = (fam, frozenset(labels.items()))
    if key not in m:
        raise AssertionError(f"metric {fam}{labels} missing; have {sorted(k[0] for k in m)[:80]}")
    return m[key]


def show_metrics(node) -> dict:
    """`fanout show metrics` in node (both daemons' samples, each labelled with its daemon), parsed."""
    return parse_prometheus(node.fanout("show metrics", json_output=False))
