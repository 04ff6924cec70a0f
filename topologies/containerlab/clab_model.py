"""Loads one containerlab scenario folder (topologies/containerlab/<name>/) into a model the static checker
(clab_check.py) reasons about: nodes with their interfaces, addresses, routes and PIM interfaces, links, EOS
startup configs (eos_config.py) and the Fanout daemons' configs (pimd / igmpd / beacon YAML, mini_yaml.py).

Interface names are native: cEOS nodes use EOS names (containerlab's eth1 is Ethernet1), Linux nodes use their
Linux names (eth1, lo). Addresses of Linux nodes come from the node's `exec` lines (`ip addr add A/M dev IF`,
`... autojoin` for a group a host joins) and routes from `ip route add P via NH`; a Fanout node is a Linux node
whose exec starts pimd or igmpd (`... -f CONFIG`); `sh -c "cat A B > C"` builds a config C from parts.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import eos_config
import mini_yaml

KINDS = ("linux", "arista_ceos")
LOOPBACKS = re.compile(r"^(lo|Loopback\d+)$")


@dataclass
class FanoutDaemon:
    name: str                      # pimd | igmpd
    container_config: str          # the -f path inside the container
    parts: list[Path]              # host files the config is made of (several when built by `cat`)
    config: Any = None             # parsed YAML (None when unreadable)


@dataclass
class Node:
    name: str
    kind: str
    image: str | None = None
    addrs: dict[str, list[ipaddress.IPv4Interface]] = field(default_factory=dict)
    routes: list[tuple[ipaddress.IPv4Network, ipaddress.IPv4Address]] = field(default_factory=list)
    joined: dict[str, list[ipaddress.IPv4Address]] = field(default_factory=dict)  # host: iface -> groups
    pim: set[str] = field(default_factory=set)       # interfaces running PIM
    eos: eos_config.EosConfig | None = None
    daemons: dict[str, FanoutDaemon] = field(default_factory=dict)
    binds: list[tuple[Path, str]] = field(default_factory=list)  # (host path, container path)

    @property
    def is_fanout(self) -> bool:
        return bool(self.daemons)

    def owns(self, ip: ipaddress.IPv4Address) -> str | None:
        for ifname, lst in self.addrs.items():
            if any(a.ip == ip for a in lst):
                return ifname
        return None

    def all_ips(self) -> set[ipaddress.IPv4Address]:
        return {a.ip for lst in self.addrs.values() for a in lst}


@dataclass
class Link:
    a: str
    a_if: str
    b: str
    b_if: str

    def other(self, node: str, ifname: str) -> tuple[str, str] | None:
        if (node, ifname) == (self.a, self.a_if):
            return self.b, self.b_if
        if (node, ifname) == (self.b, self.b_if):
            return self.a, self.a_if
        return None


@dataclass
class Scenario:
    name: str
    folder: Path
    clab_file: Path | None = None
    nodes: dict[str, Node] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def err(self, what: str) -> None:
        self.errors.append(what)

    def neighbor(self, node: str, ifname: str) -> tuple[str, str] | None:
        for link in self.links:
            o = link.other(node, ifname)
            if o:
                return o
        return None

    def linked_interfaces(self, node: str) -> set[str]:
        out = set()
        for link in self.links:
            if link.a == node:
                out.add(link.a_if)
            if link.b == node:
                out.add(link.b_if)
        return out

    def owners(self, ip: ipaddress.IPv4Address) -> list[str]:
        return [n.name for n in self.nodes.values() if n.owns(ip)]


def read_yaml(path: Path, sc: Scenario) -> Any:
    """mini_yaml, cross-checked against PyYAML when that happens to be installed."""
    text = path.read_text()
    try:
        value = mini_yaml.loads(text, str(path))
    except mini_yaml.YamlError as e:
        sc.err(str(e))
        return None
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        return value
    try:
        other = mini_yaml.normalize_pyyaml(yaml.safe_load(text))
    except yaml.YAMLError as e:
        sc.err(f"{path}: PyYAML refuses it: {e}")
        return value
    if other != value:
        sc.err(f"{path}: the YAML subset reader and PyYAML disagree (unsupported construct?)")
    return value


# ---- Linux nodes: exec lines ------------------------------------------------------------------------------------


def _exec_ip(sc: Scenario, node: Node, argv: list[str], line: str) -> None:
    obj, verb = argv[1], argv[2] if len(argv) > 2 else ""
    try:
        if obj in ("addr", "address", "a") and verb == "add" and "dev" in argv:
            ifname = argv[argv.index("dev") + 1]
            iface = ipaddress.IPv4Interface(argv[3])
            if "autojoin" in argv or iface.ip.is_multicast:
                node.joined.setdefault(ifname, []).append(iface.ip)
            else:
                node.addrs.setdefault(ifname, []).append(iface)
        elif obj in ("route", "r") and verb == "add" and "via" in argv:
            node.routes.append((ipaddress.IPv4Network(argv[3]), ipaddress.IPv4Address(argv[argv.index("via") + 1])))
    except (ValueError, IndexError) as e:
        sc.err(f"{node.name}: exec '{line}': {e}")


def _host_path(node: Node, container_path: str) -> Path | None:
    for host, target in node.binds:
        if container_path == target:
            return host
        if container_path.startswith(target.rstrip("/") + "/"):
            return host / container_path[len(target.rstrip("/")) + 1:]
    return None


def _parse_exec(sc: Scenario, node: Node, lines: list[str]) -> None:
    generated: dict[str, list[str]] = {}
    for line in lines:
        try:
            argv = shlex.split(line)
        except ValueError as e:
            sc.err(f"{node.name}: exec '{line}': {e}")
            continue
        if not argv:
            continue
        if argv[0] == "ip" and len(argv) >= 3:
            _exec_ip(sc, node, argv, line)
        elif argv[0] == "sh" and argv[1:2] == ["-c"] and len(argv) == 3:
            m = re.fullmatch(r"\s*cat\s+(.+?)\s*>\s*(\S+)\s*", argv[2])
            if m:
                generated[m.group(2)] = m.group(1).split()
        elif Path(argv[0]).name in ("pimd", "igmpd"):
            if "-f" not in argv or argv.index("-f") + 1 >= len(argv):
                sc.err(f"{node.name}: exec '{line}': a Fanout daemon needs -f CONFIG")
                continue
            cfg = argv[argv.index("-f") + 1]
            parts = []
            for p in generated.get(cfg, [cfg]):
                host = _host_path(node, p)
                if host is None:
                    sc.err(f"{node.name}: {p} is not inside any bind of the node")
                else:
                    parts.append(host)
            name = Path(argv[0]).name
            node.daemons[name] = FanoutDaemon(name, cfg, parts)


def _load_linux(sc: Scenario, node: Node, spec: dict) -> None:
    for b in spec.get("binds") or []:
        fields = str(b).split(":")
        if len(fields) < 2:
            sc.err(f"{node.name}: bind '{b}' is not HOST:CONTAINER[:MODE]")
            continue
        host = (sc.folder / fields[0]).resolve() if not fields[0].startswith("/") else Path(fields[0])
        node.binds.append((host, fields[1]))
        inside = sc.folder.resolve() in host.parents or host == sc.folder.resolve()
        if inside and not host.exists():
            sc.err(f"{node.name}: bind source {fields[0]} does not exist in {sc.folder.name}/")
    _parse_exec(sc, node, [str(x) for x in spec.get("exec") or []])
    for d in node.daemons.values():
        missing = [p for p in d.parts if not p.is_file()]
        if missing or not d.parts:
            sc.err(f"{node.name}: {d.name} config {d.container_config}: missing {', '.join(map(str, missing))}")
            continue
        text = "".join(p.read_text() for p in d.parts)
        try:
            d.config = mini_yaml.loads(text, " + ".join(str(p) for p in d.parts))
        except mini_yaml.YamlError as e:
            sc.err(str(e))
        for p in d.parts:
            read_yaml(p, sc)  # each part alone must also be valid YAML (PyYAML cross-check)
    node.addrs.setdefault("lo", [])
    pimd = node.daemons.get("pimd")
    if pimd and isinstance(pimd.config, dict):
        for itf in pimd.config.get("interfaces") or []:
            if isinstance(itf, dict) and itf.get("pim", "true") == "true" and itf.get("name"):
                node.pim.add(str(itf["name"]))


# ---- cEOS nodes -------------------------------------------------------------------------------------------------


def _load_eos(sc: Scenario, node: Node, spec: dict) -> None:
    start = spec.get("startup-config")
    if not start:
        sc.err(f"{node.name}: an arista_ceos node needs a startup-config")
        return
    path = sc.folder / str(start)
    if not path.is_file():
        sc.err(f"{node.name}: startup-config {start} does not exist")
        return
    node.eos = eos_config.parse_eos(path.read_text(), str(path))
    sc.errors.extend(node.eos.errors)
    for name, itf in node.eos.interfaces.items():
        node.addrs[name] = list(itf.addresses)
        if itf.pim_sparse:
            node.pim.add(name)
    node.routes = list(node.eos.routes)


# ---- the topology file ------------------------------------------------------------------------------------------


def _load_links(sc: Scenario, links: Any) -> None:
    used: set[tuple[str, str]] = set()
    for i, link in enumerate(links if isinstance(links, list) else []):
        eps = link.get("endpoints") if isinstance(link, dict) else None
        if not isinstance(eps, list) or len(eps) != 2:
            sc.err(f"links[{i}]: endpoints must list exactly two 'node:interface'")
            continue
        ends = []
        for ep in eps:
            node, _, ifname = str(ep).partition(":")
            if node not in sc.nodes:
                sc.err(f"links[{i}]: endpoint '{ep}' names unknown node '{node}'")
                break
            if not re.fullmatch(r"eth[1-9]\d*", ifname):
                sc.err(f"links[{i}]: endpoint '{ep}': data interfaces are eth1, eth2, ... (eth0 is management)")
                break
            if sc.nodes[node].kind == "arista_ceos":
                ifname = eos_config.clab_to_eos_interface(ifname) or ifname
            if (node, ifname) in used:
                sc.err(f"links[{i}]: interface {node}:{ifname} is used by two links")
                break
            used.add((node, ifname))
            ends.append((node, ifname))
        if len(ends) == 2:
            if ends[0][0] == ends[1][0]:
                sc.err(f"links[{i}]: both ends on node {ends[0][0]}")
            sc.links.append(Link(ends[0][0], ends[0][1], ends[1][0], ends[1][1]))


def load_scenario(folder: Path) -> Scenario:
    sc = Scenario(folder.name, folder)
    files = sorted(folder.glob("*.clab.yml")) + sorted(folder.glob("*.clab.yaml"))
    if len(files) != 1:
        sc.err(f"{folder}: expected exactly one *.clab.yml, found {len(files)}")
        return sc
    sc.clab_file = files[0]
    doc = read_yaml(files[0], sc)
    if not isinstance(doc, dict):
        sc.err(f"{files[0]}: not a mapping")
        return sc
    if doc.get("name") != folder.name or files[0].name != f"{folder.name}.clab.yml":
        sc.err(f"{files[0].name}: name '{doc.get('name')}' must equal the folder name '{folder.name}' "
               f"(and the file be {folder.name}.clab.yml): the README's clab-<name>-<node> names rely on it")
    topo = doc.get("topology")
    nodes = topo.get("nodes") if isinstance(topo, dict) else None
    if not isinstance(nodes, dict) or not nodes:
        sc.err(f"{files[0].name}: topology.nodes is missing or empty")
        return sc
    for name, spec in nodes.items():
        spec = spec if isinstance(spec, dict) else {}
        node = Node(str(name), str(spec.get("kind")), spec.get("image"))
        sc.nodes[node.name] = node
        if node.kind not in KINDS:
            sc.err(f"node {name}: kind '{node.kind}' (this lab uses {', '.join(KINDS)})")
            continue
        if not node.image:
            sc.err(f"node {name}: no image")
        if node.kind == "arista_ceos":
            _load_eos(sc, node, spec)
        else:
            _load_linux(sc, node, spec)
    _load_links(sc, topo.get("links"))
    return sc
