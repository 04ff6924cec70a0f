#!/usr/bin/env python3
"""README config reference check (ctest readme_config_reference, label integration).

Asks the daemons themselves which keys they accept: for each configuration section, a minimal valid file plus
one unknown key is given to `DAEMON --check-config`; the refusal lists the allowed keys ("unknown key
(allowed: a, b, c)", with FILE:LINE:COL). Every allowed key must appear in the README's "Configuration
reference" as `key` in that daemon's part, so a key added to a parser without documentation fails here.
Usage: config_reference_test.py BUILD_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (section name in messages, YAML text with the marker key `zz-unknown` placed inside the section). A name
# ending in "?" is a section still being wired into the daemon: when the daemon refuses the section itself
# (a top-level unknown key), the probe is reported and skipped instead of failing.
PROBES = {
    "pimd": [
        ("top level", "zz-unknown: 1\n"),
        ("daemon", "daemon:\n  zz-unknown: 1\n"),
        ("metrics", "metrics:\n  zz-unknown: 1\n"),
        ("interfaces[]", "interfaces:\n  - name: eth0\n    zz-unknown: 1\n"),
        ("rp[]", "rp:\n  - address: 10.0.0.1\n    zz-unknown: 1\n"),
        ("static-mroutes[]", "interfaces:\n  - {name: eth0, pim: true}\n  - {name: eth1, pim: true}\n"
                             "static-mroutes:\n  - {source: 10.0.0.1, group: 239.1.1.1, iif: eth0, oifs: [eth1],"
                             " zz-unknown: 1}\n"),
        ("beacons[]", "beacons:\n  - interface: tun0\n    published: [{source: 10.1.1.1, group: 233.1.1.1}]\n"
                      "    zz-unknown: 1\n"),
        ("msdp?", "msdp:\n  local-address: 10.0.0.1\n  zz-unknown: 1\n"),
        ("msdp.peers[]?", "msdp:\n  local-address: 10.0.0.1\n  peers:\n    - address: 10.0.0.2\n"
                         "      zz-unknown: 1\n"),
        ("anycast-rp?", "anycast-rp:\n  address: 10.0.0.100\n  members: [10.0.0.1, 10.0.0.2]\n  zz-unknown: 1\n"),
    ],
    "igmpd": [
        ("top level", "zz-unknown: 1\n"),
        ("daemon", "daemon:\n  zz-unknown: 1\n"),
        ("metrics", "metrics:\n  zz-unknown: 1\n"),
        ("interfaces[]", "interfaces:\n  - name: eth0\n    zz-unknown: 1\n"),
        ("ipc", "ipc:\n  zz-unknown: 1\n"),
        ("proxy", "interfaces:\n  - {name: eth0}\n  - {name: eth1}\nproxy:\n  upstream: eth0\n"
                  "  downstreams: [eth1]\n  zz-unknown: 1\n"),
    ],
}
ALLOWED = re.compile(r"zz-unknown: unknown key \(allowed: ([^)]*)\)")


def readme_part(daemon: str) -> str:
    text = open(os.path.join(SRC, "README.md")).read()
    start = text.find("## Configuration reference")
    if start < 0:
        raise SystemExit("README.md has no '## Configuration reference' section")
    end = text.find("\n## ", start + 1)
    ref = text[start:end if end > 0 else len(text)]
    text = ""
    for title in (f"### {daemon}", "### Both daemons"):  # its own part and the shared daemon/metrics part
        part = ref.find(title)
        if part < 0:
            raise SystemExit(f"README.md reference has no '{title}' part")
        nxt = ref.find("\n### ", part + 1)
        text += ref[part:nxt if nxt > 0 else len(ref)]
    return text


def main() -> int:
    build = sys.argv[1]
    failures, checked = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for daemon, probes in PROBES.items():
            exe = os.path.join(build, daemon, daemon)
            doc = readme_part(daemon)
            for section, yaml in probes:
                path = os.path.join(tmp, f"{daemon}.yaml")
                with open(path, "w") as f:
                    f.write(yaml)
                r = subprocess.run([exe, "--check-config", "-f", path], capture_output=True, text=True)
                m = ALLOWED.search(r.stderr)
                top = yaml.split(":", 1)[0]
                if section.endswith("?") and f":1:1: {top}: unknown key" in r.stderr:
                    print(f"{daemon} {section}: section '{top}' not accepted by this build: skipped")
                    continue
                if r.returncode != 1 or not m:
                    failures.append(f"{daemon} {section}: expected an unknown-key refusal listing the allowed "
                                    f"keys, got rc {r.returncode}: {r.stderr.strip()}")
                    continue
                keys = [k.strip() for k in m.group(1).split(",") if k.strip()]
                missing = [k for k in keys if f"`{k}`" not in doc]
                checked += len(keys)
                print(f"{daemon} {section}: {len(keys)} keys{'; missing ' + str(missing) if missing else ''}")
                if missing:
                    failures.append(f"{daemon} {section}: not in README's reference: {', '.join(missing)}")
    for f in failures:
        print("FAIL:", f)
    print(f"config reference: {checked} keys checked, {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
