#!/usr/bin/env python3
"""pimd e2e: two Fanout RPs sharing an anycast RP address, source discovery by MSDP (RFC 3618, RFC 3446/4611
anycast RP with MSDP, mesh group), and one RP surviving the other; then the same sharing with RFC 4610 only
(register forwarding between the members, no MSDP; see rfc4610_variant).

    src 198.18.1.2 --- rp1 --- rp2 --- rcv 198.18.3.2
                                 \\--- src2 198.18.4.2
    rp1: lo 198.18.100.1 + anycast 198.18.255.1      rp2: lo 198.18.100.2 + anycast 198.18.255.1

Both routers run pimd with RP 198.18.255.1 for every group and an MSDP session between their own loopbacks in
mesh group "anycast"; rp2 runs igmpd for rcv. rcv joins 239.1.1.1 through rp2 (its RP is rp2's own copy of the
anycast address), src sends to it at rp1 (directly connected to rp1, which is the RP for the group there).
Checked: both sessions Established; rp1 originates (src,239.1.1.1) with RP 198.18.255.1 (not its peering
address); rp2's SA cache holds it from peer 198.18.100.1 with RP 198.18.255.1 and hands it to PIM (receivers);
rp2 joins (S,G) toward src through rp1 and rcv receives the stream. Then rp1's pimd is killed (SIGKILL): rp2's
session leaves Established, and rp2 keeps serving what it can reach: src2, directly connected to rp2, reaches
rcv. Printed (not asserted): session set-up time, time from the first packet sent to the first one received.
Then (msdp_data_variant) the source registers through a DR at rp1, which has encapsulate-data on: its first SA
carries the first registered packet, and rp2 sends it down its shared tree (RFC 3618 section 14): rcv's first
datagram is seq 0, which nothing else delivers to rp2. Last (rfc4610_variant) the same sharing with RFC 4610
only. The clear commands are checked on the way: `clear ip msdp statistics` at rp2 and `clear ip pim statistics`
at rp1 (show ip pim anycast-rp) count from the clear while the metrics keep the totals.

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import signal
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
from pimd_setup import neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml  # noqa: E402
from prometheus_text import metric, show_metrics  # noqa: E402

ANYCAST, LO1, LO2 = "198.18.255.1", "198.18.100.1", "198.18.100.2"
SRC, SRC2, GROUP = "198.18.1.2", "198.18.4.2", "239.1.1.1"
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}


def msdp_extra(local: str, peer: str, encapsulate: bool = False) -> str:
    return f"""rp:
  - address: {ANYCAST}
msdp:
  local-address: {local}
  originator-id: {ANYCAST}
  encapsulate-data: {"true" if encapsulate else "false"}
  keepalive: 5s
  hold-time: 15s
  connect-retry: 2s
  peers:
    - address: {peer}
      mesh-group: anycast
      description: the other anycast RP
"""


def peer_state(node, peer: str) -> str | None:
    for p in node.fanout("show ip msdp peer"):
        if p["peer"] == peer:
            return p["state"]
    return None


def sa_entry(node, source: str, group: str) -> dict | None:
    for e in node.fanout("show ip msdp sa"):
        if e["source"] == source and e["group"] == group:
            return e
    return None


def main() -> int:
    with Lab() as lab:
        rp1, rp2 = lab.node("rp1", router=True), lab.node("rp2", router=True)
        src, src2, rcv = lab.node("src"), lab.node("src2"), lab.node("rcv")
        lab.link(src, rp1, "198.18.1.2/24", "198.18.1.1/24")
        lab.link(rp1, rp2, "198.18.2.1/24", "198.18.2.2/24")
        _, rcv_if = lab.link(rp2, rcv, "198.18.3.1/24", "198.18.3.2/24")
        lab.link(src2, rp2, "198.18.4.2/24", "198.18.4.1/24")
        for node, lo in ((rp1, LO1), (rp2, LO2)):
            node.add_loopback(lo + "/32")
            node.add_loopback(ANYCAST + "/32")
        for prefix in ("198.18.3.0/24", "198.18.4.0/24", LO2 + "/32"):
            rp1.add_route(prefix, via="198.18.2.2")
        for prefix in ("198.18.1.0/24", LO1 + "/32"):
            rp2.add_route(prefix, via="198.18.2.1")
        lab.wait_up()
        t0 = time.monotonic()
        d1 = rp1.start_pimd(pimd_yaml(rp1, {"eth0": HELLO, "eth1": HELLO}, extra=msdp_extra(LO1, LO2)))
        rp2.start_pimd(pimd_yaml(rp2, {"eth0": HELLO, "eth1": {"pim": False, "igmp": True}, "eth2": HELLO},
                                 extra=msdp_extra(LO2, LO1)))
        rp2.start_igmpd(igmpd_yaml(rp2, ["eth1"]))
        poll(lambda: peer_state(rp1, LO2) == "established" and peer_state(rp2, LO1) == "established",
             timeout=20, what=f"MSDP session {LO1} <-> {LO2} Established on both sides")
        print(f"MSDP session Established {time.monotonic() - t0:.2f} s after the daemons started")
        check(True, "rp1 and rp2 are MSDP peers (Established) in mesh group anycast")
        poll(lambda: neighbor_addresses(rp2, "eth0") == {"198.18.2.1"}, timeout=10, what="rp1-rp2 PIM adjacency")
        anycast = rp1.fanout("show ip pim anycast-rp")
        check(anycast == {"enabled": False}, f"no RFC 4610 set configured in the MSDP variant ({anycast})")

        rx = rcv.mcast_recv(GROUP, rcv_if, duration=25, idle=4, name="recv-src")
        t_send = time.monotonic()
        tx = src.mcast_send(GROUP, "eth0", rate=50, duration=12, ttl=8, name="send-src")
        local = poll(lambda: (e := sa_entry(rp1, SRC, GROUP)) and e["local"] and e, timeout=10,
                     what=f"rp1 originates ({SRC},{GROUP}) (show ip msdp sa local entry)")
        check(local["rp"] == ANYCAST, f"rp1's originated SA carries RP {ANYCAST}, not {LO1} (saw {local['rp']})")
        learned = poll(lambda: sa_entry(rp2, SRC, GROUP), timeout=10,
                       what=f"rp2's SA cache holds ({SRC},{GROUP})")
        check(learned["rp"] == ANYCAST and learned["peer"] == LO1 and not learned["local"],
              f"rp2 learned ({SRC},{GROUP}) from peer {LO1} with RP {ANYCAST} ({learned})")
        poll(lambda: sa_entry(rp2, SRC, GROUP)["announced"], timeout=10,
             what="rp2 hands the SA to PIM (receivers for the group)")
        check(True, "rp2 announces the SA to PIM: its (*,G) has a receiver")
        sent = tx.result(timeout=30)
        r = rx.result(timeout=40)
        delay = ((r["first_packet_ns"] - sent["first_send_ns"]) / 1e6
                 if r.get("first_packet_ns") and sent.get("first_send_ns") else None)
        print(f"rcv received {r['received']}/{sent.get('sent')} packets from src through rp1 -> rp2 "
              f"(duplicates {r['duplicates']}); first packet received {delay} ms after the first was sent "
              f"(origination scan, SA, (S,G) join toward src); send started {t_send - t0:.1f} s in")
        check(r["received"] > 0, f"traffic from {SRC} at rp1 reaches rcv through rp2 (received {r['received']})")
        stats = rp2.fanout("show ip msdp statistics")
        check(stats["service"]["sa_joins"] >= 1 and stats["peers"][LO1]["sa_in"] >= 1,
              f"rp2 counts the SA in and the (S,G) join: service {stats['service']}")
        text = rp2.fanout("show ip msdp sa", json_output=False)
        check(SRC in text and ANYCAST in text, f"rp2 text form of show ip msdp sa:\n{text}")
        check_msdp_clear(rp2, stats)

        # One RP dies: the other keeps serving what it can reach.
        os.kill(d1.popen.pid, signal.SIGKILL)
        d1.wait(timeout=5)
        t_kill = time.monotonic()
        poll(lambda: peer_state(rp2, LO1) != "established", timeout=20,
             what="rp2's session to rp1 leaves Established after rp1 died")
        print(f"rp2's session left Established {time.monotonic() - t_kill:.2f} s after rp1 was killed")
        rx2 = rcv.mcast_recv(GROUP, rcv_if, duration=12, idle=3, name="recv-src2")
        tx2 = src2.mcast_send(GROUP, "eth0", rate=50, duration=6, ttl=8, name="send-src2")
        tx2.result(timeout=20)
        r2 = rx2.result(timeout=30)
        print(f"after rp1 died, rcv received {r2['received']} packets from src2 (directly connected to rp2)")
        check(r2["received"] > 0, f"rp2 alone still serves src2 -> rcv (received {r2['received']})")
    msdp_data_variant()
    rfc4610_variant()
    print("pimd_msdp_anycast: all checks passed")
    return 0


def line_topology(lab):
    """src - dr - rp1 - rp2 - rcv, both RPs with their own loopback and the anycast address (which routes to rp1
    from dr). Returns (dr, rp1, rp2, src, rcv, rcv_if)."""
    dr, rp1, rp2 = (lab.node(n, router=True) for n in ("dr", "rp1", "rp2"))
    src, rcv = lab.node("src"), lab.node("rcv")
    lab.link(src, dr, "198.18.1.2/24", "198.18.1.1/24")
    lab.link(dr, rp1, "198.18.6.1/24", "198.18.6.2/24")
    lab.link(rp1, rp2, "198.18.2.1/24", "198.18.2.2/24")
    _, rcv_if = lab.link(rp2, rcv, "198.18.3.1/24", "198.18.3.2/24")
    for node, lo in ((rp1, LO1), (rp2, LO2)):
        node.add_loopback(lo + "/32")
        node.add_loopback(ANYCAST + "/32")
    dr.add_route("default", via="198.18.6.2")
    rp1.add_route("198.18.1.0/24", via="198.18.6.1")
    for prefix in ("198.18.3.0/24", LO2 + "/32"):
        rp1.add_route(prefix, via="198.18.2.2")
    for prefix in ("198.18.1.0/24", "198.18.6.0/24", LO1 + "/32"):
        rp2.add_route(prefix, via="198.18.2.1")
    lab.wait_up()
    return dr, rp1, rp2, src, rcv, rcv_if


def msdp_data_variant() -> None:
    """MSDP with encapsulate-data at rp1: the DR registers src's first packet at rp1 (no receivers there, so
    rp1 answers with a Register-Stop at once); rp1's first SA for (src, G) carries that packet; rp2 (receiver's
    RP) decapsulates it down its shared tree, so rcv sees seq 0 before the (S,G) join brings native traffic."""
    print("--- MSDP data variant: src - dr - rp1 - rp2 - rcv, mesh group, encapsulate-data on at rp1")
    with Lab() as lab:
        dr, rp1, rp2, src, rcv, rcv_if = line_topology(lab)
        dr.start_pimd(pimd_yaml(dr, {"eth0": HELLO, "eth1": HELLO}, extra=f"rp:\n  - address: {ANYCAST}\n"))
        rp1.start_pimd(pimd_yaml(rp1, {"eth0": HELLO, "eth1": HELLO}, extra=msdp_extra(LO1, LO2, True)))
        rp2.start_pimd(pimd_yaml(rp2, {"eth0": HELLO, "eth1": {"pim": False, "igmp": True}},
                                 extra=msdp_extra(LO2, LO1)))
        rp2.start_igmpd(igmpd_yaml(rp2, ["eth1"]))
        poll(lambda: peer_state(rp1, LO2) == "established" and peer_state(rp2, LO1) == "established",
             timeout=20, what=f"MSDP session {LO1} <-> {LO2} Established on both sides")
        poll(lambda: neighbor_addresses(rp1, "eth0") == {"198.18.6.1"} and
             neighbor_addresses(rp2, "eth0") == {"198.18.2.1"}, timeout=10, what="PIM adjacencies dr-rp1-rp2")
        rx = rcv.mcast_recv(GROUP, rcv_if, duration=14, idle=4, name="recv-data")
        tx = src.mcast_send(GROUP, "eth0", rate=50, duration=6, ttl=8, name="send-data")
        s1 = poll(lambda: (c := rp1.fanout("show ip msdp statistics")["service"])["origin_with_data"] >= 1 and c,
                  timeout=10, what="rp1 originates (src, G) with its first registered packet")
        s2 = poll(lambda: (c := rp2.fanout("show ip msdp statistics")["service"])["sa_data_forwarded"] >= 1 and c,
                  timeout=10, what="rp2 sends the SA's data packet down its shared tree")
        print(f"rp1 service: origin_with_data {s1['origin_with_data']}; rp2 service: sa_data_packets "
              f"{s2['sa_data_packets']}, sa_data_forwarded {s2['sa_data_forwarded']}, drops {s2['sa_data_drops']}")
        check(all(v == 0 for v in s2["sa_data_drops"].values()),
              f"rp2 dropped no SA data packet ({s2['sa_data_drops']})")
        reg2 = rp2.fanout("show ip pim register")
        own = reg2["counters"]["rp"]["drops"]["own-source"] if "counters" in reg2 else None
        print(f"rp2 RegisterRp own-source drops (its own SA-data Registers, not processed): {own}")
        sent, r = tx.result(timeout=30), rx.result(timeout=40)
        print(f"MSDP data: rcv received {r['received']}/{sent.get('sent')} packets, first seq {r['first_seq']}")
        check(r["first_seq"] == 0,
              f"rcv's first datagram is seq 0, the packet rp1 carried in its SA (saw first seq {r['first_seq']})")
        check(r["received"] > 1, f"native traffic follows the SA data (received {r['received']})")


def rfc4610_variant() -> None:
    """RFC 4610 only (no MSDP): src's DR registers to the anycast address, which routes to rp1; rp1 forwards the
    Register to rp2 from its own member address; rp2 (receiver's RP) learns the source and joins toward it."""
    print("--- RFC 4610 variant: src - dr - rp1 - rp2 - rcv, anycast-rp set {rp1, rp2}, no MSDP")
    members = f"anycast-rp:\n  address: {ANYCAST}\n  members: [{LO1}, {LO2}]\nrp:\n  - address: {ANYCAST}\n"
    with Lab() as lab:
        dr, rp1, rp2, src, rcv, rcv_if = line_topology(lab)
        dr.start_pimd(pimd_yaml(dr, {"eth0": HELLO, "eth1": HELLO}, extra=f"rp:\n  - address: {ANYCAST}\n"))
        rp1.start_pimd(pimd_yaml(rp1, {"eth0": HELLO, "eth1": HELLO}, extra=members))
        rp2.start_pimd(pimd_yaml(rp2, {"eth0": HELLO, "eth1": {"pim": False, "igmp": True}}, extra=members))
        rp2.start_igmpd(igmpd_yaml(rp2, ["eth1"]))
        poll(lambda: neighbor_addresses(rp1, "eth0") == {"198.18.6.1"} and
             neighbor_addresses(rp2, "eth0") == {"198.18.2.1"}, timeout=10, what="PIM adjacencies dr-rp1-rp2")
        view = rp1.fanout("show ip pim anycast-rp")
        check(view["enabled"] and view["self"] == LO1, f"rp1 is member {LO1} of the set ({view})")
        rx = rcv.mcast_recv(GROUP, rcv_if, duration=20, idle=4, name="recv-4610")
        tx = src.mcast_send(GROUP, "eth0", rate=50, duration=10, ttl=8, name="send-4610")
        c1 = poll(lambda: (c := rp1.fanout("show ip pim anycast-rp")["counters"])["forwarded"] >= 1 and c,
                  timeout=10, what="rp1 forwards the DR's Register to rp2")
        c2 = poll(lambda: (c := rp2.fanout("show ip pim anycast-rp")["counters"])["from_member"] >= 1 and c,
                  timeout=10, what="rp2 receives the Register forwarded by rp1")
        check(c1["from_dr"] >= 1 and c2["forwarded"] == 0,
              f"rp1 forwarded the DR's Register ({c1}); rp2 got it from a member and forwarded nothing ({c2})")
        sent, r = tx.result(timeout=30), rx.result(timeout=40)
        print(f"RFC 4610: rcv received {r['received']}/{sent.get('sent')} packets registered at rp1 and "
              f"joined from rp2")
        check(r["received"] > 0, f"traffic registered at rp1 reaches rcv behind rp2 (received {r['received']})")
        check_anycast_clear(rp1)


def check_msdp_clear(rp2, before: dict) -> None:
    """clear ip msdp statistics: show ip msdp statistics counts from the clear (the session that came up before
    it shows 0 establishments), show metrics keeps the running totals."""
    out = rp2.fanout("clear ip msdp statistics")
    shown = rp2.fanout("show ip msdp statistics")
    total = metric(show_metrics(rp2), "fanout_msdp_service_sa_joins_total", daemon="pimd")
    check(out == {"cleared": "msdp statistics"} and shown["peers"][LO1]["established"] == 0 and
          before["peers"][LO1]["established"] >= 1 and
          shown["service"]["sa_joins"] <= total - before["service"]["sa_joins"],
          f"clear ip msdp statistics: rp2 shows {shown['peers'][LO1]['established']} establishments and "
          f"{shown['service']['sa_joins']} SA joins since the clear; the metric keeps the total {total} "
          f"({before['service']['sa_joins']} before)")


def check_anycast_clear(rp1) -> None:
    """clear ip pim statistics: show ip pim anycast-rp counts from the clear (a Register arriving after it counts in
    both), show metrics keeps the running total."""
    before = rp1.fanout("show ip pim anycast-rp")["counters"]["from_dr"]
    rp1.fanout("clear ip pim statistics", json_output=False)
    shown = rp1.fanout("show ip pim anycast-rp")["counters"]["from_dr"]
    total = metric(show_metrics(rp1), "fanout_anycast_rp_from_dr_total", daemon="pimd")
    check(before >= 1 and shown <= total - before,
          f"clear ip pim statistics: rp1 shows {shown} Registers from the DR since the clear, the metric keeps the "
          f"total {total} ({before} before the clear)")


if __name__ == "__main__":
    sys.exit(main())
