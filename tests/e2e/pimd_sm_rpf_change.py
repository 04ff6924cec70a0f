#!/usr/bin/env python3
"""pimd e2e: an RPF change moves the (S,G) tree (RFC 7761 4.5.7 "RPF'(S,G) changes not due to an Assert":
Join to the new RPF neighbor, Prune to the old one), in a square with two paths.

    src 198.18.1.2 --- r1 ---- r2 ---- r4 --- rcv           r4 -> 198.18.1.0/24: via r2 metric 10, via r3 metric 20
                         \\---- r3 ----/

SSM (S,G) = (198.18.1.2, 232.1.1.1), no RP. rcv joins; r4 joins toward r2 (the better route); traffic flows
r1-r2-r4. Then two changes, each timed from the change until traffic flows again at rcv (the largest gap in the
receiver's sequence numbers, and when r4's upstream shows the new RPF neighbor):
  1. route change: r4's route via r2 is replaced by one via r3 (links stay up): r4 sends Join to r3 and Prune to
     r2; r2 removes its oif toward r4.
  2. link cut: r4's link to r3 goes down: the kernel drops the route, the metric-10 route via r2 (re-added before
     the cut) takes over, r4 joins toward r2 again.
Prints both recovery times. Needs root (otherwise exit 77).
"""

import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))
sys.path.insert(0, str(REPO / "tests" / "e2e" / "pimd_sm_lib"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, poll  # noqa: E402
from pimd_setup import mroute, neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml, mroute_oifs, show  # noqa: E402

SRC, GROUP, RATE = "198.18.1.2", "232.1.1.1", 200
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}
SRC_NET = "198.18.1.0/24"


def upstream(node):
    rows = [u for u in show(node, "show ip pim upstream") if u["group"] == GROUP and u["source"] == SRC]
    return rows[0] if rows else None


def move(r4, what: str, change, new_if: str, new_nbr: str, rcv) -> float:
    """Applies `change` while rcv counts; returns the recovery time in ms (from the change to the first packet
    that arrives after it, minus one packet interval) and prints the timings."""
    rx = rcv.mcast_recv(GROUP, "eth0", source=SRC, duration=6, name=f"recv-{what}")
    time.sleep(1.5)
    t0 = time.monotonic()
    t0_ns = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    change()
    u = poll(lambda: (lambda x: x if x and x["rpf_neighbor"] == new_nbr and x["state"] == "Joined" else None)(
        upstream(r4)), timeout=10, what=f"{what}: r4 joined toward {new_nbr}")
    t_rpf = time.monotonic() - t0
    got = rx.result(timeout=20)
    check(u["rpf_interface"] == new_if, f"{what}: r4's upstream (S,G) moved to {new_if} / {new_nbr} "
                                        f"after {t_rpf * 1000:.0f} ms")
    lost = got["lost_in_range"]
    recovery_ms = lost * 1000 / RATE
    print(f"{what}: received {got['received']}, lost {lost} packets at {RATE} pkt/s -> traffic interrupted for "
          f"about {recovery_ms:.0f} ms; duplicates {got['duplicates']}; RPF neighbor changed after "
          f"{t_rpf * 1000:.0f} ms; last packet {(got['last_packet_ns'] - t0_ns) / 1e6:.0f} ms after the change")
    check(got["last_packet_ns"] and got["last_packet_ns"] > t0_ns + 2e9,
          f"{what}: traffic flows again after the change (last packet "
          f"{(got['last_packet_ns'] - t0_ns) / 1e9:.1f} s after it)")
    return recovery_ms


def main() -> int:
    with Lab() as lab:
        r1, r2, r3, r4 = (lab.node(n, router=True) for n in ("r1", "r2", "r3", "r4"))
        src, rcv = lab.node("src"), lab.node("rcv")
        lab.link(src, r1, "198.18.1.2/24", "198.18.1.1/24")              # r1 eth0
        lab.link(r1, r2, "198.18.12.1/24", "198.18.12.2/24")             # r1 eth1, r2 eth0
        lab.link(r1, r3, "198.18.13.1/24", "198.18.13.3/24")             # r1 eth2, r3 eth0
        lab.link(r2, r4, "198.18.24.2/24", "198.18.24.4/24")             # r2 eth1, r4 eth0
        lab.link(r3, r4, "198.18.34.3/24", "198.18.34.4/24")             # r3 eth1, r4 eth1
        lab.link(r4, rcv, "198.18.4.1/24", "198.18.4.2/24")              # r4 eth2, rcv eth0
        r2.add_route(SRC_NET, via="198.18.12.1")
        r3.add_route(SRC_NET, via="198.18.13.1")
        r4.run("ip", "route", "add", SRC_NET, "via", "198.18.24.2", "metric", "10")
        r4.run("ip", "route", "add", SRC_NET, "via", "198.18.34.3", "metric", "20")
        r4.run("ip", "route", "add", SRC_NET, "via", "198.18.24.2", "metric", "30")  # the link cut's backup
        r1.start_pimd(pimd_yaml(r1, {"eth0": HELLO, "eth1": HELLO, "eth2": HELLO}))
        for r in (r2, r3):
            r.start_pimd(pimd_yaml(r, {"eth0": HELLO, "eth1": HELLO}))
        r4.start_pimd(pimd_yaml(r4, {"eth0": HELLO, "eth1": HELLO, "eth2": {**HELLO, "igmp": True}}))
        r4.start_igmpd(igmpd_yaml(r4, ["eth2"]))
        poll(lambda: neighbor_addresses(r4) == {"198.18.24.2", "198.18.34.3"}, timeout=10,
             what="r4 sees r2 and r3")
        poll(lambda: neighbor_addresses(r1) == {"198.18.12.2", "198.18.13.3"}, timeout=10,
             what="r1 sees r2 and r3")
        check(True, "the square is up: r1-r2-r4 and r1-r3-r4 adjacencies")

        keep = rcv.mcast_recv(GROUP, "eth0", source=SRC, duration=30, name="recv-keep")
        u = poll(lambda: (lambda x: x if x and x["state"] == "Joined" else None)(upstream(r4)), timeout=10,
                 what="r4: upstream (S,G) Joined")
        check(u["rpf_neighbor"] == "198.18.24.2" and u["rpf_interface"] == "eth0",
              f"r4 joins toward r2 (metric 10 route) on eth0 ({u})")
        tx = src.mcast_send(GROUP, "eth0", rate=RATE, duration=22, ttl=8)
        poll(lambda: (lambda m: m and mroute_oifs(m) == ["eth1"] and m["packets"] > 0)(mroute(r2, SRC, GROUP)),
             timeout=10, what="r2 forwards (S,G) toward r4")
        check(True, "traffic flows src-r1-r2-r4-rcv")

        def reroute():
            r4.run("ip", "route", "del", SRC_NET, "via", "198.18.24.2", "metric", "10")

        before = r4.fanout("show ip pim statistics")
        rc1 = move(r4, "route change", reroute, "eth1", "198.18.34.3", rcv)
        after = r4.fanout("show ip pim statistics")
        check(after["rib"]["route_notifications"] > before["rib"]["route_notifications"]
              and after["rpf"]["answers_changed"] > before["rpf"]["answers_changed"],
              f"show ip pim statistics counts the route notification and the changed RPF answer "
              f"(rib {after['rib']}, rpf {after['rpf']})")
        poll(lambda: (lambda m: m is None or "eth1" not in mroute_oifs(m))(mroute(r2, SRC, GROUP)), timeout=8,
             what="r2 drops r4's link from its olist after r4's Prune")
        check(True, "the old path is pruned: r2's MFC (S,G) no longer has the link to r4")
        m3 = mroute(r3, SRC, GROUP)
        check(m3 and mroute_oifs(m3) == ["eth1"], f"the new path forwards: r3's MFC (S,G) oifs [eth1] ({m3})")

        # The kernel removes the routes through a downed interface without a route notification, and the
        # backup route (metric 30) has been in place since the start: only the link-down itself can move the
        # join (RpfTracker::interface_lost). Until session 7 this step added the backup route just before the
        # cut, and passed only when the cut came within the route monitor's 50 ms coalescing window.
        def cut():
            r4.run("ip", "link", "set", "eth1", "down")

        rc2 = move(r4, "link cut", cut, "eth0", "198.18.24.2", rcv)
        cut_stats = r4.fanout("show ip pim statistics")["rpf"]
        check(cut_stats["interfaces_lost"] > after["rpf"]["interfaces_lost"],
              f"show ip pim statistics counts the lost RPF interface ({cut_stats})")
        sent, total = tx.result(timeout=40), keep.result(timeout=40)
        print(f"whole run: sent {sent['sent']}, received {total['received']}, lost {total['lost_in_range']}, "
              f"duplicates {total['duplicates']}")
        print(f"RPF change recovery: route change {rc1:.0f} ms, link cut {rc2:.0f} ms (lost packets / rate)")
    print("pimd_sm_rpf_change: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
