"""Reads the Arista EOS startup configs of the containerlab scenarios into the facts the static checker needs.

EOS configs are indentation-structured (3 spaces per level, `!` lines are comments/separators). This reader
keeps that tree and pulls out: interfaces (address, PIM sparse mode, border-router, DR priority, inbound ACL),
static routes, multicast routing, static RPs and RFC 4610 `anycast-rp` lines, MSDP (originator-id, peers with
mesh-group and local-interface) and IP access lists. Syntax follows Arista's documented forms:

    router multicast / ipv4 / routing            (older: ip multicast-routing)
    router pim sparse-mode / ipv4 / rp address A [G/M]   and   anycast-rp ANYCAST PEER [register-count N]
    router msdp / originator-id local-interface IF / peer A / mesh-group NAME, local-interface IF
    interface X / ip address A/M, pim ipv4 sparse-mode, pim ipv4 border-router, ip access-group ACL in
    ip access-list NAME / [SEQ] permit|deny PROTO SRC DST
    ip route P/M NEXTHOP
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field


@dataclass
class Block:
    text: str
    line: int
    children: list["Block"] = field(default_factory=list)


@dataclass
class EosInterface:
    name: str
    addresses: list[ipaddress.IPv4Interface] = field(default_factory=list)
    pim_sparse: bool = False
    border_router: bool = False
    dr_priority: int | None = None
    acl_in: str | None = None


@dataclass
class MsdpPeer:
    address: ipaddress.IPv4Address
    mesh_groups: list[str] = field(default_factory=list)
    local_interface: str | None = None


@dataclass
class EosConfig:
    path: str
    hostname: str | None = None
    interfaces: dict[str, EosInterface] = field(default_factory=dict)
    routes: list[tuple[ipaddress.IPv4Network, ipaddress.IPv4Address]] = field(default_factory=list)
    multicast_routing: bool = False
    ip_routing: bool = False
    rps: list[tuple[ipaddress.IPv4Address, ipaddress.IPv4Network]] = field(default_factory=list)
    anycast_rps: list[tuple[ipaddress.IPv4Address, ipaddress.IPv4Address]] = field(default_factory=list)
    msdp_originator_interface: str | None = None
    msdp_peers: list[MsdpPeer] = field(default_factory=list)
    acls: dict[str, list[str]] = field(default_factory=dict)  # name -> entries without sequence numbers
    errors: list[str] = field(default_factory=list)


def parse_tree(text: str) -> list[Block]:
    """Lines into a tree by indentation; '!' lines and blank lines are dropped."""
    root = Block("", 0)
    stack: list[tuple[int, Block]] = [(-1, root)]
    for n, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("!"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        while stack[-1][0] >= indent:
            stack.pop()
        block = Block(stripped, n)
        stack[-1][1].children.append(block)
        stack.append((indent, block))
    return root.children


def _words(b: Block) -> list[str]:
    return b.text.split()


ALL_GROUPS = ipaddress.ip_network("224.0.0.0/4")


def _parse_interface(cfg: EosConfig, b: Block) -> None:
    name = _words(b)[1]
    itf = cfg.interfaces.setdefault(name, EosInterface(name))
    for c in b.children:
        w = _words(c)
        try:
            if w[:2] == ["ip", "address"] and len(w) >= 3:
                itf.addresses.append(ipaddress.IPv4Interface(w[2]))
            elif w == ["pim", "ipv4", "sparse-mode"]:
                itf.pim_sparse = True
            elif w == ["pim", "ipv4", "border-router"]:
                itf.border_router = True
            elif w[:3] == ["pim", "ipv4", "dr-priority"] and len(w) == 4:
                itf.dr_priority = int(w[3])
            elif w[:2] == ["ip", "access-group"] and len(w) == 4 and w[3] == "in":
                itf.acl_in = w[2]
        except ValueError as e:
            cfg.errors.append(f"{cfg.path}:{c.line}: {c.text}: {e}")


def _parse_pim(cfg: EosConfig, b: Block) -> None:
    for af in b.children:
        if af.text != "ipv4":
            continue
        for c in af.children:
            w = _words(c)
            try:
                if w[:2] == ["rp", "address"] and len(w) >= 3:
                    groups = ipaddress.IPv4Network(w[3]) if len(w) >= 4 and "/" in w[3] else ALL_GROUPS
                    cfg.rps.append((ipaddress.IPv4Address(w[2]), groups))
                elif w[0] == "anycast-rp" and len(w) >= 3:
                    cfg.anycast_rps.append((ipaddress.IPv4Address(w[1]), ipaddress.IPv4Address(w[2])))
            except ValueError as e:
                cfg.errors.append(f"{cfg.path}:{c.line}: {c.text}: {e}")


def _parse_msdp(cfg: EosConfig, b: Block) -> None:
    for c in b.children:
        w = _words(c)
        if w[:2] == ["originator-id", "local-interface"] and len(w) == 3:
            cfg.msdp_originator_interface = w[2]
        elif w[0] == "peer" and len(w) == 2:
            try:
                peer = MsdpPeer(ipaddress.IPv4Address(w[1]))
            except ValueError as e:
                cfg.errors.append(f"{cfg.path}:{c.line}: {c.text}: {e}")
                continue
            for p in c.children:
                pw = _words(p)
                if pw[0] == "mesh-group" and len(pw) == 2:
                    peer.mesh_groups.append(pw[1])
                elif pw[0] == "local-interface" and len(pw) == 2:
                    peer.local_interface = pw[1]
            cfg.msdp_peers.append(peer)


def _parse_top(cfg: EosConfig, b: Block) -> None:
    w = _words(b)
    if w[0] == "hostname" and len(w) == 2:
        cfg.hostname = w[1]
    elif w[0] == "interface" and len(w) == 2:
        _parse_interface(cfg, b)
    elif w == ["ip", "routing"]:
        cfg.ip_routing = True
    elif w == ["ip", "multicast-routing"]:
        cfg.multicast_routing = True
    elif w == ["router", "multicast"]:
        cfg.multicast_routing |= any(af.text == "ipv4" and any(c.text == "routing" for c in af.children)
                                     for af in b.children)
    elif w == ["router", "pim", "sparse-mode"]:
        _parse_pim(cfg, b)
    elif w == ["router", "msdp"]:
        _parse_msdp(cfg, b)
    elif w[:2] == ["ip", "access-list"] and len(w) == 3:
        cfg.acls[w[2]] = [re.sub(r"^\d+\s+", "", c.text) for c in b.children]
    elif w[:2] == ["ip", "route"] and len(w) >= 4:
        try:
            cfg.routes.append((ipaddress.IPv4Network(w[2]), ipaddress.IPv4Address(w[3])))
        except ValueError as e:
            cfg.errors.append(f"{cfg.path}:{b.line}: {b.text}: {e}")


def parse_eos(text: str, path: str) -> EosConfig:
    cfg = EosConfig(path)
    for b in parse_tree(text):
        _parse_top(cfg, b)
    return cfg


def clab_to_eos_interface(ifname: str) -> str | None:
    """containerlab's cEOS data interface ethN is EOS EthernetN (eth0 is management)."""
    m = re.fullmatch(r"eth([1-9]\d*)", ifname)
    return f"Ethernet{m.group(1)}" if m else None


def eos_to_clab_interface(name: str) -> str | None:
    m = re.fullmatch(r"Ethernet([1-9]\d*)", name)
    return f"eth{m.group(1)}" if m else None


def acl_permits_pim_to(entries: list[str], rp: ipaddress.IPv4Address) -> bool:
    """True when `permit pim any host RP` comes before the first `deny ip any any`."""
    for e in entries:
        w = e.split()
        if w[:2] == ["deny", "ip"] and w[2:4] == ["any", "any"]:
            return False
        if w == ["permit", "pim", "any", "host", str(rp)] or w == ["permit", "pim", "any", f"{rp}/32"]:
            return True
    return False
