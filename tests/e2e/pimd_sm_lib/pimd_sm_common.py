"""Helpers shared by the PIM-SM e2e tests (tests/e2e/pimd_sm_*.py). This file lives in a subdirectory so the
e2e glob (tests/e2e/*.py) does not register it as a test."""

from __future__ import annotations

from pathlib import Path


def check(cond, what: str) -> None:
    """Fails loudly with `what` (which says what was expected and what was seen), else prints it as passed."""
    if not cond:
        raise AssertionError(what)
    print(f"ok - {what}", flush=True)


def igmpd_yaml(node, interfaces: list[str], version: int = 3, query_interval: str = "10s") -> str:
    """igmpd next to pimd in `node` (same run dir, so it finds pimd's IPC socket), querier on `interfaces`."""
    run = Path(node.run_dir)
    lines = ["daemon:", f"  status-socket: {node.socket_path('igmpd')}", f"  ipc-socket: {run / 'pimd-ipc.sock'}",
             f"  pid-file: {run / 'igmpd.pid'}", "  log-level: info", "interfaces:"]
    for name in interfaces:
        lines += [f"  - name: {name}", f"    version: {version}", f"    query-interval: {query_interval}",
                  "    query-response-interval: 2s", "    last-member-query-interval: 200ms",
                  "    last-member-query-count: 2"]
    lines += ["ipc:", "  enabled: true"]
    return "\n".join(lines) + "\n"


_KEYS = {"join": "joins", "upstream": "upstream", "assert": "asserts", "rpf": "rpf"}


def show(node, command: str) -> list[dict]:
    """Rows of `show ip pim join|upstream|assert|rpf` (JSON), each tagged with the node's name as "router"."""
    data = node.fanout(command)
    rows = data[_KEYS[command.split()[-1]]]
    for r in rows:
        r["router"] = node.name
    return rows


def mroute_oifs(row) -> list[str]:
    """Sorted oif names of a `show ip mroute` row (None -> [])."""
    return sorted(o["interface"] for o in (row or {}).get("oifs", []))
