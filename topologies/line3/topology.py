"""line3: source - r1 - r2 - receiver, a line of two routers.

    src eth0 198.18.1.2 --- 198.18.1.1 eth0 r1 eth1 198.18.2.1 --- 198.18.2.2 eth0 r2 eth1 198.18.3.1 --- 198.18.3.2 eth0 rcv
                                    lo 198.18.255.1                            lo 198.18.255.2 (the RP)

Hosts route by default to their router; the routers have static routes to the far link and to each other's
loopback. build(lab) makes it and returns a Line3 naming nodes, interfaces and addresses; the router configs are
templates here (string.Template, ${name} placeholders from Line3.vars(router)) rendered by render(); start_fanout()
starts any Fanout daemons with rendered configs on both routers. Used by e2e tests, interop tests and the demo.
"""

from __future__ import annotations

import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from lab import Lab, Node  # noqa: E402

GROUP = "239.1.1.1"
SSM_GROUP = "232.1.1.1"
RP = "198.18.255.2"

# node -> interface -> address; links in order (a, a's interface, b, b's interface)
ADDRESSES = {
    "src": {"eth0": "198.18.1.2/24"},
    "r1": {"eth0": "198.18.1.1/24", "eth1": "198.18.2.1/24", "lo": "198.18.255.1/32"},
    "r2": {"eth0": "198.18.2.2/24", "eth1": "198.18.3.1/24", "lo": "198.18.255.2/32"},
    "rcv": {"eth0": "198.18.3.2/24"},
}
LINKS = [("src", "eth0", "r1", "eth0"), ("r1", "eth1", "r2", "eth0"), ("r2", "eth1", "rcv", "eth0")]
ROUTES = {
    "src": [("default", "198.18.1.1")],
    "r1": [("198.18.3.0/24", "198.18.2.2"), ("198.18.255.2/32", "198.18.2.2")],
    "r2": [("198.18.1.0/24", "198.18.2.1"), ("198.18.255.1/32", "198.18.2.1")],
    "rcv": [("default", "198.18.3.1")],
}
# Per router: the upstream (towards the source) and downstream (towards the receiver) interfaces.
ROLES = {"r1": {"upstream": "eth0", "downstream": "eth1"}, "r2": {"upstream": "eth0", "downstream": "eth1"}}


@dataclass
class Line3:
    lab: Lab
    nodes: dict[str, Node] = field(default_factory=dict)

    @property
    def src(self) -> Node:
        return self.nodes["src"]

    @property
    def r1(self) -> Node:
        return self.nodes["r1"]

    @property
    def r2(self) -> Node:
        return self.nodes["r2"]

    @property
    def rcv(self) -> Node:
        return self.nodes["rcv"]

    @property
    def routers(self) -> list[Node]:
        return [self.r1, self.r2]

    def vars(self, router: str) -> dict[str, str]:
        """Template variables of a router: name, router_id, rp, group, ssm_group, upstream/downstream interface
        names and addresses, pimd/igmpd socket paths and run dir."""
        node = self.nodes[router]
        addr = {i: a.split("/")[0] for i, a in ADDRESSES[router].items()}
        up, down = ROLES[router]["upstream"], ROLES[router]["downstream"]
        return {"name": router, "router_id": addr["lo"], "rp": RP, "group": GROUP, "ssm_group": SSM_GROUP,
                "upstream": up, "downstream": down, "upstream_addr": addr[up], "downstream_addr": addr[down],
                "pimd_socket": str(node.socket_path("pimd")), "igmpd_socket": str(node.socket_path("igmpd")),
                "run_dir": str(node.run_dir)}


def build(lab: Lab) -> Line3:
    topo = Line3(lab)
    for name in ("src", "r1", "r2", "rcv"):
        topo.nodes[name] = lab.node(name, router=name in ROLES)
    for a, a_if, b, b_if in LINKS:
        lab.link(topo.nodes[a], topo.nodes[b], ADDRESSES[a][a_if], ADDRESSES[b][b_if], a_if=a_if, b_if=b_if,
                 wait=False)
    lab.wait_up()
    for name, addrs in ADDRESSES.items():
        if "lo" in addrs:
            topo.nodes[name].add_loopback(addrs["lo"])
    for name, routes in ROUTES.items():
        for prefix, via in routes:
            topo.nodes[name].add_route(prefix, via=via)
    return topo


def render(template: str | Path, variables: dict[str, str]) -> str:
    """Renders a template (text, or a file name in this folder / a path) with ${name} placeholders."""
    p = Path(template)
    if isinstance(template, Path) or (len(str(template)) < 256 and "\n" not in str(template) and
                                      ((HERE / p).is_file() or p.is_file())):
        text = (p if p.is_absolute() else HERE / p).read_text()
    else:
        text = str(template)
    return string.Template(text).substitute(variables)


def start_fanout(topo: Line3, pimd_template: str | Path | None = None, igmpd_template: str | Path | None = None,
                 routers: tuple[str, ...] = ("r1", "r2")) -> dict[str, dict]:
    """Starts Fanout daemons on the routers with rendered configs (igmpd first, so pimd finds it). Returns
    {router: {"pimd": Daemon, "igmpd": Daemon}}."""
    started: dict[str, dict] = {}
    for r in routers:
        node, v = topo.nodes[r], topo.vars(r)
        started[r] = {}
        if igmpd_template is not None:
            started[r]["igmpd"] = node.start_igmpd(render(igmpd_template, v))
        if pimd_template is not None:
            started[r]["pimd"] = node.start_pimd(render(pimd_template, v))
    return started


def start_frr(topo: Line3, routers: tuple[str, ...] = ("r1", "r2")) -> dict:
    """FRR (zebra + pimd) as the routers, from frr-pimd.conf.tmpl: a reference run of the same topology."""
    return {r: topo.nodes[r].start_frr(render("frr-pimd.conf.tmpl", topo.vars(r))) for r in routers}


def selftest() -> int:
    """FRR routes a (*,G) stream from src to rcv over the line (run as root: python3 topologies/line3/topology.py)."""
    from lab import poll
    with Lab() as lab:
        topo = build(lab)
        assert topo.rcv.ping("198.18.1.2"), "unicast across the line"
        frr = start_frr(topo)
        poll(lambda: len(frr["r2"].vtysh("show ip pim neighbor", json_output=True).get("eth0", {})) > 0,
             timeout=30, what="r1-r2 PIM adjacency")
        rx = topo.rcv.mcast_recv(GROUP, "eth0", duration=20, count=100)
        poll(lambda: GROUP in frr["r2"].vtysh("show ip igmp groups", json_output=True).get("eth1", {}).get(
            "groups", [{}])[0].get("group", ""), timeout=15, what="IGMP join at r2")
        tx = topo.src.mcast_send(GROUP, "eth0", rate=100, duration=12, ttl=8).result(timeout=30)
        r = rx.result(timeout=30)
        print(f"line3: sent {tx['sent']}, received {r['received']}, first after join {r['first_packet_after_join_ms']}"
              f" ms, latency {r['latency_ms']}")
        return 0 if r["received"] >= 100 and r["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(selftest())
