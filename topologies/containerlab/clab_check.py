#!/usr/bin/env python3
"""Static checker for the containerlab scenarios (no root, no containerlab, no cEOS needed).

    python3 topologies/containerlab/clab_check.py [SCENARIO_DIR ...]     # default: every scenario here

For each scenario folder it loads the topology (clab_model.py) and checks that the files agree with each other:
topology structure (name, kinds, link endpoints, unique interfaces), addressing (every linked interface addressed,
both ends of a link in one subnet, static next hops connected, no address owned twice except the anycast RP),
EOS configs (hostname, multicast routing, PIM sparse mode on every linked interface), one RP agreed by every EOS
`rp address` and every Fanout `rp:` entry with the same group range, RPF towards the RP through PIM neighbors
(a hop-by-hop walk over the static routes), MSDP (reciprocal peers at the other side's local-interface address,
equal mesh groups, originator-id interface), anycast RP owners joined by MSDP or `anycast-rp`, Fanout configs
(`pimd/igmpd --check-config` when the binaries are built, else a key check against etc/pimd.yaml and
igmpd/core/igmp_config.hpp), the beacon (RP, source owned by the client, the device's inbound ACL permitting
`pim any host RP` ahead of any deny, RPF of the source back through the client), receivers behind an IGMP
interface, and what each scenario's README promises (EXPECT below).
"""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import eos_config  # noqa: E402
import mini_yaml  # noqa: E402
from clab_model import LOOPBACKS, Node, Scenario, load_scenario  # noqa: E402

REPO = HERE.parent.parent
SSM = ipaddress.ip_network("232.0.0.0/8")
DEFAULT_BEACON_RP = ipaddress.ip_address("10.0.0.0")

# What each scenario must contain (its README describes the same): EOS nodes, Fanout nodes and their daemons
# ("beacon": pimd's config has a beacons section), who owns the RP, source/receiver hosts and the router they
# hang off, the RP address when fixed by the design, the RP address MSDP SAs carry.
EXPECT: dict[str, dict[str, Any]] = {
    "fanout-lhr-under-eos-rp": dict(eos={"rp"}, fanout={"lhr": {"pimd", "igmpd"}}, rp_owners={"rp"},
                                    sources={"src": "rp"}, receivers={"rcv": "lhr"}),
    "fanout-rp-eos-dr": dict(eos={"dr"}, fanout={"rp": {"pimd"}}, rp_owners={"rp"}, sources={"src": "dr"},
                             receivers={}),
    "beacon-two-eos-anycast-rp": dict(eos={"dz1", "dz2"}, fanout={"client": {"pimd", "igmpd", "beacon"}},
                                      rp_owners={"dz1", "dz2"}, sources={}, receivers={"sub": "client"},
                                      rp="10.0.0.0", sa_rp="10.0.0.0", beacon_device="dz1"),
}

# igmpd has no YAML loader yet: its keys, in pimd's style, from igmpd/core/igmp_config.hpp (IgmpConfig,
# IgmpInterfaceConfig; tests/e2e/containerlab_static_test.py checks this list against the header).
IGMPD_SCHEMA: dict[str, Any] = {
    "daemon": {k: None for k in ("status-socket", "ipc-socket", "pid-file", "log-level", "debug")},
    "interfaces": [{k: None for k in (
        "name", "enabled", "version", "robustness", "query-interval", "query-response-interval",
        "startup-query-interval", "startup-query-count", "last-member-query-interval", "last-member-query-count",
        "other-querier-present-interval", "immediate-leave", "max-groups", "max-sources-per-group",
        "static-groups", "proxy-role", "follow-older-querier")} | {"static-sources": [{"source": None,
                                                                                       "group": None}]}],
    "ssm-range": None,
    "proxy-alternate-upstream": None,
}
# pimd's beacon section as pimd/core/beacon/beacon_config.hpp's BeaconSpec has it (pimd's loader has no key yet).
BEACON_SCHEMA: dict[str, Any] = {
    "beacons": [{"interface": None, "rp": None, "interval": None, "first-send-spread": None,
                 "published": [{"source": None, "group": None}],
                 "heartbeat": {"source-port": None, "dest-port": None, "payload": None}}]}


# ---- small helpers ----------------------------------------------------------------------------------------------


def ip(value: Any) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(str(value))
    except ValueError:
        return None


def net(value: Any) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(str(value))
    except ValueError:
        return None


def find_binary(name: str) -> Path | None:
    """As topologies/lab.py: FANOUT_<NAME>_BIN, else FANOUT_BUILD_DIR (ctest sets it), else build/release."""
    if os.environ.get(f"FANOUT_{name.upper()}_BIN"):
        return Path(os.environ[f"FANOUT_{name.upper()}_BIN"])
    build = Path(os.environ.get("FANOUT_BUILD_DIR") or REPO / "build" / "release")
    p = build / name / name
    return p if p.is_file() and os.access(p, os.X_OK) else None


def schema_of(value: Any) -> Any:
    """The key tree of a documented example file (etc/pimd.yaml): mappings, lists of mappings, scalars."""
    if isinstance(value, dict):
        return {k: schema_of(v) for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        merged: dict = {}
        for v in value:
            for k, s in schema_of(v).items():
                merged.setdefault(k, s)
        return [merged]
    return None


def check_keys(value: Any, schema: Any, path: str, errors: list[str]) -> None:
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a mapping")
            return
        for k, v in value.items():
            if k not in schema:
                errors.append(f"{path}.{k}: unknown key (allowed: {', '.join(schema)})".replace("$.", ""))
            else:
                check_keys(v, schema[k], f"{path}.{k}", errors)
    elif isinstance(schema, list):
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            errors.append(f"{path}: expected a list of mappings")
            return
        for i, v in enumerate(value):
            check_keys(v, schema[0], f"{path}[{i}]", errors)
    elif isinstance(value, (dict,)) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
        errors.append(f"{path}: expected a scalar or a flat list")


# ---- routing: hop-by-hop walk over connected subnets and static routes -----------------------------------------


def lookup(node: Node, dst: ipaddress.IPv4Address) -> tuple[str, ipaddress.IPv4Address | None] | None:
    """Longest match: (out interface, next hop or None when dst is on the connected subnet)."""
    best: tuple[int, str, ipaddress.IPv4Address | None] | None = None
    for ifname, lst in node.addrs.items():
        for a in lst:
            if a.network.prefixlen < 32 and dst in a.network and (not best or a.network.prefixlen > best[0]):
                best = (a.network.prefixlen, ifname, None)
    for prefix, nh in node.routes:
        if dst in prefix and (not best or prefix.prefixlen > best[0]):
            out = next((i for i, lst in node.addrs.items() for a in lst
                        if a.network.prefixlen < 32 and nh in a.network), None)
            if out:
                best = (prefix.prefixlen, out, nh)
    return (best[1], best[2]) if best else None


def walk(sc: Scenario, start: str, dst: ipaddress.IPv4Address) -> tuple[list[tuple[str, str]], str | None]:
    """Follows routes from start to the node owning dst: ([(node, out interface)...], error or None)."""
    hops: list[tuple[str, str]] = []
    node = sc.nodes[start]
    for _ in range(10):
        if node.owns(dst):
            return hops, None
        r = lookup(node, dst)
        if not r:
            return hops, f"{node.name} has no route to {dst}"
        out, nh = r
        peer = sc.neighbor(node.name, out)
        if not peer:
            return hops, f"{node.name} routes {dst} out of {out}, which is not linked"
        want = nh or dst
        if not sc.nodes[peer[0]].owns(want) and nh is not None:
            return hops, f"{node.name}: next hop {nh} for {dst} is not {peer[0]}'s address on {out}'s link"
        hops.append((node.name, out))
        node = sc.nodes[peer[0]]
    return hops, f"routing loop from {start} to {dst}"


# ---- checks -----------------------------------------------------------------------------------------------------


def check_addressing(sc: Scenario) -> None:
    for node in sc.nodes.values():
        linked = sc.linked_interfaces(node.name)
        for ifname in linked:
            if not node.addrs.get(ifname):
                sc.err(f"{node.name}: linked interface {ifname} has no IPv4 address")
        for ifname, lst in node.addrs.items():
            if lst and ifname not in linked and not LOOPBACKS.match(ifname):
                sc.err(f"{node.name}: {ifname} has an address but no link in the topology")
        for prefix, nh in node.routes:
            if not lookup(node, nh) or lookup(node, nh)[1] is not None:
                sc.err(f"{node.name}: route {prefix} via {nh}: the next hop is not on a connected subnet")
    for link in sc.links:
        a, b = sc.nodes[link.a].addrs.get(link.a_if, []), sc.nodes[link.b].addrs.get(link.b_if, [])
        if a and b and not any(x.network == y.network and x.ip != y.ip for x in a for y in b):
            sc.err(f"link {link.a}:{link.a_if} - {link.b}:{link.b_if}: the ends are not in one subnet "
                   f"({', '.join(map(str, a))} / {', '.join(map(str, b))})")
    seen: dict[ipaddress.IPv4Address, str] = {}
    rp = rp_address(sc)
    for node in sc.nodes.values():
        for a in node.all_ips():
            if a in seen and a != rp:
                sc.err(f"address {a} is on both {seen[a]} and {node.name} (only the anycast RP may be shared)")
            seen[a] = node.name


def check_eos(sc: Scenario) -> None:
    for node in sc.nodes.values():
        if not node.eos:
            continue
        cfg = node.eos
        if cfg.hostname != node.name:
            sc.err(f"{node.name}: hostname in {Path(cfg.path).name} is '{cfg.hostname}'")
        if not cfg.ip_routing:
            sc.err(f"{node.name}: 'ip routing' is missing")
        if not cfg.multicast_routing:
            sc.err(f"{node.name}: multicast routing is off (router multicast / ipv4 / routing)")
        for ifname in sc.linked_interfaces(node.name):
            if ifname not in cfg.interfaces:
                sc.err(f"{node.name}: linked interface {ifname} is not configured")
            elif not cfg.interfaces[ifname].pim_sparse:
                sc.err(f"{node.name}: linked interface {ifname} lacks 'pim ipv4 sparse-mode'")
        if len({a for a, _ in cfg.rps}) != 1:
            sc.err(f"{node.name}: expected exactly one 'rp address' under router pim sparse-mode / ipv4, "
                   f"found {[str(a) for a, _ in cfg.rps]}")


def rp_address(sc: Scenario) -> ipaddress.IPv4Address | None:
    for node in sc.nodes.values():
        if node.eos and node.eos.rps:
            return node.eos.rps[0][0]
    for node in sc.nodes.values():
        cfg = node.daemons.get("pimd")
        if cfg and isinstance(cfg.config, dict) and cfg.config.get("rp"):
            return ip(cfg.config["rp"][0].get("address"))
    return None


def rp_entries(sc: Scenario) -> list[tuple[str, ipaddress.IPv4Address | None, set]]:
    """(who, address, group prefixes) for every EOS rp address and every Fanout rp entry."""
    out = []
    for node in sc.nodes.values():
        if node.eos:
            out += [(f"{node.name} (EOS)", a, {g}) for a, g in node.eos.rps]
        cfg = node.daemons.get("pimd")
        if cfg and isinstance(cfg.config, dict):
            for e in cfg.config.get("rp") or []:
                groups = e.get("groups") if isinstance(e, dict) else None
                groups = {net(g) for g in groups} if isinstance(groups, list) else {net("224.0.0.0/4")}
                out.append((f"{node.name} (Fanout)", ip(e.get("address")) if isinstance(e, dict) else None, groups))
    return out


def check_rp(sc: Scenario) -> None:
    entries = rp_entries(sc)
    if not entries:
        sc.err("no RP configured anywhere")
        return
    first = entries[0]
    for who, addr, groups in entries:
        if addr != first[1] or groups != first[2]:
            sc.err(f"RP disagreement: {who} has {addr} for {sorted(map(str, groups))}, "
                   f"{first[0]} has {first[1]} for {sorted(map(str, first[2]))}")
    rp = first[1]
    owners = sc.owners(rp) if rp else []
    if not owners:
        sc.err(f"RP {rp} is not an address of any node")
    for node in sc.nodes.values():
        if not (node.eos or "pimd" in node.daemons) or node.name in owners or rp is None:
            continue
        hops, error = walk(sc, node.name, rp)
        if error:
            sc.err(f"RPF towards RP {rp} from {node.name}: {error}")
        elif hops:
            peer = sc.neighbor(hops[0][0], hops[0][1])
            if hops[0][1] not in node.pim or not peer or peer[1] not in sc.nodes[peer[0]].pim:
                sc.err(f"RPF towards RP {rp} from {node.name} leaves by {hops[0][1]}, which is not a PIM "
                       f"adjacency (PIM on both ends)")
    eos_owners = [o for o in owners if sc.nodes[o].eos]
    for o in eos_owners:
        cfg = sc.nodes[o].eos
        for other in eos_owners:
            if other == o:
                continue
            other_ips = sc.nodes[other].all_ips() - {rp}
            if not any(p.address in other_ips for p in cfg.msdp_peers) and \
               not any(peer in other_ips for _, peer in cfg.anycast_rps):
                sc.err(f"anycast RP {rp}: {o} has neither an MSDP peer nor an anycast-rp entry for {other}")


def check_msdp(sc: Scenario, sa_rp: str | None) -> None:
    for node in sc.nodes.values():
        cfg = node.eos
        if not cfg:
            continue
        for anycast, peer in cfg.anycast_rps:
            if anycast != rp_address(sc):
                sc.err(f"{node.name}: anycast-rp {anycast} is not the RP {rp_address(sc)}")
            if not any(sc.nodes[o].eos for o in sc.owners(peer)):
                sc.err(f"{node.name}: anycast-rp peer {peer} is not an address of an EOS node")
        if cfg.msdp_peers and cfg.msdp_originator_interface:
            itf = cfg.interfaces.get(cfg.msdp_originator_interface)
            if not itf or not itf.addresses:
                sc.err(f"{node.name}: msdp originator-id interface {cfg.msdp_originator_interface} "
                       f"does not exist or has no address")
            elif sa_rp and str(itf.addresses[0].ip) != sa_rp:
                sc.err(f"{node.name}: SAs would carry RP {itf.addresses[0].ip} (originator-id "
                       f"{cfg.msdp_originator_interface}), the scenario expects {sa_rp}")
        elif cfg.msdp_peers and sa_rp:
            sc.err(f"{node.name}: router msdp has no originator-id")
        for p in cfg.msdp_peers:
            check_msdp_peer(sc, node, p)


def check_msdp_peer(sc: Scenario, node: Node, p: eos_config.MsdpPeer) -> None:
    owners = [o for o in sc.owners(p.address) if o != node.name and sc.nodes[o].eos]
    if len(owners) != 1:
        sc.err(f"{node.name}: msdp peer {p.address} is not the address of exactly one other EOS node")
        return
    other = sc.nodes[owners[0]]
    back = [q for q in other.eos.msdp_peers if node.owns(q.address)]
    if not back:
        sc.err(f"{node.name}: msdp peer {other.name} ({p.address}) has no peer statement back to {node.name}")
        return
    q = back[0]
    local = node.eos.interfaces.get(p.local_interface or "")
    if not local or q.address not in {a.ip for a in local.addresses}:
        sc.err(f"{node.name}: msdp peer {p.address}: local-interface {p.local_interface} must carry "
               f"{q.address}, the address {other.name} peers with")
    if set(p.mesh_groups) != set(q.mesh_groups):
        sc.err(f"msdp mesh-group mismatch: {node.name} has {p.mesh_groups} for {other.name}, "
               f"{other.name} has {q.mesh_groups}")
    _, error = walk(sc, node.name, p.address)
    if error:
        sc.err(f"{node.name}: msdp peer {p.address} unreachable: {error}")


# ---- Fanout daemons ---------------------------------------------------------------------------------------------


def run_check_config(binary: Path, text: str, suffix: str) -> subprocess.CompletedProcess:
    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False) as f:
        f.write(text)
    try:
        return subprocess.run([str(binary), "--check-config", "-f", f.name], capture_output=True, text=True,
                              timeout=30)
    finally:
        os.unlink(f.name)


def check_pimd_loads(sc: Scenario, node: Node) -> None:
    d = node.daemons["pimd"]
    base = [p for p in d.parts if not (isinstance(read_quiet(p), dict) and "beacons" in read_quiet(p))]
    example = schema_of(mini_yaml.loads((REPO / "etc" / "pimd.yaml").read_text(), "etc/pimd.yaml"))
    schema = example if "beacons" in example else example | BEACON_SCHEMA
    errors: list[str] = []
    check_keys(d.config, schema, "$", errors)
    sc.errors.extend(f"{node.name}: pimd config: {e} (keys of etc/pimd.yaml)" for e in errors)
    pimd = find_binary("pimd")
    if not pimd:
        sc.notes.append(f"{node.name}: pimd not built: keys checked against etc/pimd.yaml only")
        return
    full = "".join(p.read_text() for p in d.parts)
    r = run_check_config(pimd, full, ".yaml")
    if r.returncode == 0:
        sc.notes.append(f"{node.name}: pimd --check-config accepts {d.container_config}")
        return
    if len(base) < len(d.parts) and re.search(r":\d+:\d+: beacons: unknown key", r.stderr):
        sc.notes.append(f"{node.name}: PENDING: pimd does not take a 'beacons' section yet; checking the rest")
        r = run_check_config(pimd, "".join(p.read_text() for p in base), ".yaml")
        if r.returncode == 0:
            sc.notes.append(f"{node.name}: pimd --check-config accepts {' + '.join(p.name for p in base)}")
            return
    sc.err(f"{node.name}: pimd --check-config refuses {d.container_config}: {r.stderr.strip() or r.stdout.strip()}")


def read_quiet(path: Path) -> Any:
    try:
        return mini_yaml.loads(path.read_text(), str(path))
    except (mini_yaml.YamlError, OSError):
        return None


def check_igmpd_loads(sc: Scenario, node: Node) -> None:
    d = node.daemons["igmpd"]
    errors: list[str] = []
    check_keys(d.config, IGMPD_SCHEMA, "$", errors)
    sc.errors.extend(f"{node.name}: igmpd config: {e} (keys of igmpd/core/igmp_config.hpp)" for e in errors)
    igmpd = find_binary("igmpd")
    if not igmpd:
        sc.notes.append(f"{node.name}: igmpd not built: keys checked against igmpd/core/igmp_config.hpp only")
        return
    r = run_check_config(igmpd, "".join(p.read_text() for p in d.parts), ".yaml")
    if r.returncode != 0:
        sc.err(f"{node.name}: igmpd --check-config refuses {d.container_config}: {r.stderr.strip()}")
    else:
        sc.notes.append(f"{node.name}: igmpd --check-config accepts {d.container_config}")


def interface_entries(cfg: Any) -> list[dict]:
    items = cfg.get("interfaces") if isinstance(cfg, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def scalars(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in scalars(v)]
    if isinstance(value, list):
        return [x for v in value for x in scalars(v)]
    return [value] if isinstance(value, str) else []


def check_fanout_addresses(sc: Scenario, node: Node) -> None:
    """Every unicast address a Fanout config names is an address of some node in the topology."""
    for d in node.daemons.values():
        for s in scalars(d.config):
            a = ip(s)
            if a and not a.is_multicast and not a.is_unspecified and not sc.owners(a):
                sc.err(f"{node.name}: {d.name} config names {a}, which no node of the topology has")


def check_fanout(sc: Scenario) -> None:
    for node in sc.nodes.values():
        if not node.is_fanout:
            continue
        check_fanout_addresses(sc, node)
        existing = sc.linked_interfaces(node.name) | {"lo"}
        pimd_igmp: set[str] = set()
        if "pimd" in node.daemons and node.daemons["pimd"].config is not None:
            check_pimd_loads(sc, node)
            for itf in interface_entries(node.daemons["pimd"].config):
                name = str(itf.get("name"))
                if name not in existing:
                    sc.err(f"{node.name}: pimd interface {name} is not an interface of the node")
                if itf.get("igmp") == "true":
                    pimd_igmp.add(name)
                if name in node.pim and name != "lo":
                    peer = sc.neighbor(node.name, name)
                    if not peer or peer[1] not in sc.nodes[peer[0]].pim:
                        sc.err(f"{node.name}: pimd runs PIM on {name} but the other end does not")
        if "igmpd" in node.daemons and node.daemons["igmpd"].config is not None:
            check_igmpd_loads(sc, node)
            igmp = {str(i.get("name")) for i in interface_entries(node.daemons["igmpd"].config)}
            if igmp != pimd_igmp:
                sc.err(f"{node.name}: igmpd runs on {sorted(igmp)} but pimd gives VIFs for local receivers "
                       f"(igmp: true) on {sorted(pimd_igmp)}")
            for name in igmp - existing:
                sc.err(f"{node.name}: igmpd interface {name} is not an interface of the node")
        elif pimd_igmp:
            sc.err(f"{node.name}: pimd expects local receivers on {sorted(pimd_igmp)} but igmpd is not started")


def beacons(node: Node) -> list[dict]:
    d = node.daemons.get("pimd")
    items = d.config.get("beacons") if d and isinstance(d.config, dict) else None
    return [b for b in items if isinstance(b, dict)] if isinstance(items, list) else []


def check_beacons(sc: Scenario) -> None:
    rp = rp_address(sc)
    groups = {g for _, _, gs in rp_entries(sc) for g in gs}
    for node in sc.nodes.values():
        for b in beacons(node):
            brp = ip(b.get("rp")) or DEFAULT_BEACON_RP
            if brp != rp:
                sc.err(f"{node.name}: beacon RP {brp} is not the scenario's RP {rp}")
            ifname = str(b.get("interface"))
            peer = sc.neighbor(node.name, ifname)
            if not peer or not sc.nodes[peer[0]].eos:
                sc.err(f"{node.name}: beacon interface {ifname} does not lead to an EOS device")
                continue
            dev = sc.nodes[peer[0]]
            check_beacon_device(sc, node, dev, peer[1], brp)
            for sg in b.get("published") or []:
                s, g = ip(sg.get("source")), ip(sg.get("group"))
                if not s or not node.owns(s):
                    sc.err(f"{node.name}: beacon source {sg.get('source')} is not an address of {node.name}")
                if not g or not g.is_multicast or not any(g in x for x in groups if x):
                    sc.err(f"{node.name}: beacon group {sg.get('group')} is outside the RP's groups")
                if s:
                    hops, error = walk(sc, dev.name, s)
                    if error or not hops or hops[0] != (dev.name, peer[1]):
                        sc.err(f"{dev.name}: RPF of the beacon source {s} must point back at {node.name} over "
                               f"{peer[1]} ({error or hops})")


def check_beacon_device(sc: Scenario, client: Node, dev: Node, ifname: str, rp: ipaddress.IPv4Address) -> None:
    itf = dev.eos.interfaces.get(ifname)
    if not dev.owns(rp):
        sc.err(f"{dev.name}: the beacon's device must be an RP ({rp} on a loopback)")
    if not itf or not itf.acl_in:
        sc.err(f"{dev.name}: {ifname} (towards {client.name}) has no 'ip access-group ACL in'")
        return
    acl = dev.eos.acls.get(itf.acl_in)
    if acl is None:
        sc.err(f"{dev.name}: access list {itf.acl_in} on {ifname} is not defined")
    elif not eos_config.acl_permits_pim_to(acl, rp):
        sc.err(f"{dev.name}: access list {itf.acl_in} must 'permit pim any host {rp}' before its deny, or the "
               f"Register never reaches the RP")


def check_hosts(sc: Scenario) -> None:
    groups = {g for _, _, gs in rp_entries(sc) for g in gs if g}
    for node in sc.nodes.values():
        for ifname, joined in node.joined.items():
            peer = sc.neighbor(node.name, ifname)
            other = sc.nodes[peer[0]] if peer else None
            igmp_ok = other and (peer[1] in other.pim if other.eos else any(
                str(i.get("name")) == peer[1] for i in interface_entries(
                    other.daemons["igmpd"].config if "igmpd" in other.daemons else None)))
            if not igmp_ok:
                sc.err(f"{node.name}: joins {', '.join(map(str, joined))} on {ifname}, but no IGMP router "
                       f"listens at the other end")
            for g in joined:
                if g in SSM or not any(g in x for x in groups):
                    sc.err(f"{node.name}: group {g} is not in the RP's (ASM) group range")


def check_expect(sc: Scenario, exp: dict[str, Any]) -> None:
    eos = {n.name for n in sc.nodes.values() if n.eos}
    if eos != exp["eos"]:
        sc.err(f"EOS nodes are {sorted(eos)}, the scenario needs {sorted(exp['eos'])}")
    for name, daemons in exp["fanout"].items():
        node = sc.nodes.get(name)
        have = set(node.daemons) | ({"beacon"} if node and beacons(node) else set()) if node else set()
        if have != daemons:
            sc.err(f"Fanout node {name} runs {sorted(have)}, the scenario needs {sorted(daemons)}")
    rp = rp_address(sc)
    if "rp" in exp and str(rp) != exp["rp"]:
        sc.err(f"the RP is {rp}, the scenario's design needs {exp['rp']}")
    if rp and set(sc.owners(rp)) != exp["rp_owners"]:
        sc.err(f"RP {rp} is owned by {sorted(sc.owners(rp))}, the scenario needs {sorted(exp['rp_owners'])}")
    for role in ("sources", "receivers"):
        for host, router in exp[role].items():
            node = sc.nodes.get(host)
            peers = {sc.neighbor(host, i)[0] for i in sc.linked_interfaces(host)} if node else set()
            if router not in peers:
                sc.err(f"{role[:-1]} host {host} must hang off {router}")
            if node and role == "receivers" and not node.joined:
                sc.err(f"receiver {host} joins no group")
            if node and role == "sources" and node.joined:
                sc.err(f"source {host} should not join groups")
    if "beacon_device" in exp:
        check_dual_role(sc, exp)


def check_dual_role(sc: Scenario, exp: dict[str, Any]) -> None:
    """The beacon client is also a PIM neighbor of the device and a subscriber of another group."""
    for node in sc.nodes.values():
        for b in beacons(node):
            ifname = str(b.get("interface"))
            peer = sc.neighbor(node.name, ifname)
            if not peer or peer[0] != exp["beacon_device"]:
                sc.err(f"{node.name}: the beacon must leave towards {exp['beacon_device']}")
                continue
            if ifname not in node.pim:
                sc.err(f"{node.name}: dual role: pimd must run PIM on the beacon interface {ifname}")
            itf = sc.nodes[peer[0]].eos.interfaces.get(peer[1])
            if not itf or not itf.border_router:
                sc.err(f"{peer[0]}: {peer[1]} should keep 'pim ipv4 border-router' (the backstop the design keeps)")
            published = {ip(sg.get("group")) for sg in b.get("published") or []}
            subscribed = {g for h in sc.nodes.values() for lst in h.joined.values() for g in lst}
            if not subscribed - published:
                sc.err(f"{node.name}: dual role: no receiver behind it joins a group other than the published one")


def check(folder: Path) -> Scenario:
    sc = load_scenario(folder)
    if sc.errors and not sc.nodes:
        return sc
    exp = EXPECT.get(folder.name)
    if exp is None:
        sc.err(f"{folder.name}: not a known scenario (add it to EXPECT in clab_check.py)")
        return sc
    for step in (check_addressing, check_eos, check_rp, check_fanout, check_beacons, check_hosts):
        step(sc)
    check_msdp(sc, exp.get("sa_rp"))
    check_expect(sc, exp)
    return sc


def scenario_dirs(root: Path = HERE) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and list(p.glob("*.clab.yml")))


def main(argv: list[str]) -> int:
    dirs = [Path(a) for a in argv] or scenario_dirs()
    bad = 0
    for d in dirs:
        sc = check(d.resolve())
        for n in sc.notes:
            print(f"{sc.name}: note: {n}")
        for e in sc.errors:
            print(f"{sc.name}: ERROR: {e}")
        print(f"{sc.name}: {'ok' if not sc.errors else f'{len(sc.errors)} error(s)'}")
        bad += bool(sc.errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
