"""Fanout pimd (and igmpd) configuration for lab nodes, shared by the demo (topologies/demo/demo.py) and the pimd e2e tests
(tests/e2e/pimd_*.py).

pimd_yaml(node, interfaces, static_mroutes) renders a pimd YAML config whose sockets and pid file live in the
node's run dir (namespaces share the file system, so two pimds must not share /run/fanout paths).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


def pimd_yaml(node, interfaces: dict[str, dict], static_mroutes: list[dict] | None = None,
              extra: str = "", log_level: str = "info", debug: list[str] | None = None) -> str:
    """interfaces: {ifname: {yaml key: value}}; static_mroutes: [{source, group, iif, oifs}]."""
    run = Path(node.run_dir)
    lines = ["daemon:",
             f"  status-socket: {node.socket_path('pimd')}",
             f"  ipc-socket: {run / 'pimd-ipc.sock'}",
             f"  pid-file: {run / 'pimd.pid'}",
             f"  log-level: {log_level}",
             f"  debug: {_value(debug or [])}",
             "interfaces:"]
    for name, keys in interfaces.items():
        lines.append(f"  - name: {name}")
        lines += [f"    {k}: {_value(v)}" for k, v in keys.items()]
    if static_mroutes:
        lines.append("static-mroutes:")
        for m in static_mroutes:
            lines += [f"  - source: {m['source']}", f"    group: {m['group']}", f"    iif: {m['iif']}",
                      f"    oifs: {_value(m['oifs'])}"]
    return "\n".join(lines) + "\n" + extra


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


def neighbors(node, ifname: str | None = None) -> list[dict]:
    """`show ip pim neighbor` of the node's pimd, as a list of neighbor objects."""
    data = node.fanout("show ip pim neighbor" + (f" {ifname}" if ifname else ""))
    return data.get("neighbors", [])


def neighbor_addresses(node, ifname: str | None = None) -> set[str]:
    return {n["address"] for n in neighbors(node, ifname)}


def mroute(node, source: str, group: str) -> dict | None:
    """The `show ip mroute` row of (source, group), if any."""
    for r in node.fanout("show ip mroute").get("routes", []):
        if r["source"] == source and r["group"] == group:
            return r
    return None
