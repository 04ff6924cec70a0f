#!/usr/bin/env python3
"""pimd e2e: PIM-SSM (RFC 7761 4.8, RFC 4607): an IGMPv3 INCLUDE (S,G) join in 232/8 builds a source tree with
no RP configured; traffic arrives; the leave removes the state and the MFC entries.

    src 198.18.1.2 --- r1 (first hop) --- r2 (last hop, igmpd + pimd) --- rcv      (topologies/line3)

rcv joins (198.18.1.2, 232.1.1.1) with IP_ADD_SOURCE_MEMBERSHIP (IGMPv3 ALLOW/INCLUDE); igmpd on r2 hands it to
pimd over IPC; r2 sends Join(S,G) to r1 (its RPF neighbor toward S); r1 adds the link to its (S,G) olist. No
(*,G) state appears anywhere (SSM). The receiver counts the stream (loss, duplicates, time to first packet).
When rcv leaves, r2 prunes, r1 removes the downstream state, and once the source stops and the KeepAlive Timer
(keepalive-period 3 s here) expires, both routers have no (S,G) state and no MFC entry left.

Needs root (otherwise exit 77).
"""

import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "line3"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))
sys.path.insert(0, str(REPO / "tests" / "e2e" / "pimd_sm_lib"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, poll  # noqa: E402
from pimd_setup import mroute, neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml, mroute_oifs, show  # noqa: E402
import topology as line3  # noqa: E402

SRC, GROUP, RATE, COUNT = "198.18.1.2", line3.SSM_GROUP, 100, 400
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}
EXTRA = "keepalive-period: 3s\njoin-prune-interval: 5s\n"


def sg_rows(node, command):
    return [r for r in show(node, command) if r["group"] == GROUP]


def main() -> int:
    with Lab() as lab:
        topo = line3.build(lab)
        r1, r2 = topo.r1, topo.r2
        r1.start_pimd(pimd_yaml(r1, {"eth0": HELLO, "eth1": HELLO}, extra=EXTRA))
        r2.start_pimd(pimd_yaml(r2, {"eth0": HELLO, "eth1": {**HELLO, "igmp": True}}, extra=EXTRA))
        r2.start_igmpd(igmpd_yaml(r2, ["eth1"]))
        poll(lambda: neighbor_addresses(r2, "eth0") == {"198.18.2.1"}, timeout=10, what="r1-r2 adjacency")
        check(True, "r1 and r2 are PIM neighbors; no rp: configured")

        # No count: the receiver stays joined until 2 s without data, so the MFC checks below see its oif (it
        # used to exit at the last datagram, and igmpd's last-member queries, 2 x 200 ms, could remove the oif
        # before the checks ran on a loaded machine).
        rx = topo.rcv.mcast_recv(GROUP, "eth0", source=SRC, duration=12, idle=2)
        up = poll(lambda: [u for u in sg_rows(r2, "show ip pim upstream") if u["state"] == "Joined"], timeout=10,
                  what="r2: upstream (S,G) Joined")
        check(up[0]["source"] == SRC and up[0]["rpf_interface"] == "eth0" and up[0]["rpf_neighbor"] == "198.18.2.1",
              f"r2 joined (S,G) toward r1 on eth0 ({up[0]})")
        js = poll(lambda: [j for j in sg_rows(r1, "show ip pim join") if j["state"] == "Join"], timeout=10,
                  what="r1: downstream Join(S,G) from r2")
        check(js[0]["interface"] == "eth1" and js[0]["source"] == SRC and js[0]["kind"] == "(S,G)",
              f"r1 holds r2's Join(S,G) on eth1 ({js[0]})")
        for r in (r1, r2):
            star = [x for x in show(r, "show ip pim join") + show(r, "show ip pim upstream") if x["source"] == "*"]
            check(not star, f"{r.name}: no (*,G) state for the SSM group ({star})")

        tx = topo.src.mcast_send(GROUP, "eth0", rate=RATE, count=COUNT, ttl=8)
        sent = tx.result(timeout=30)
        for r, iif, oif in ((r1, "eth0", "eth1"), (r2, "eth0", "eth1")):
            m = mroute(r, SRC, GROUP)
            check(m and m["iif"] == iif and mroute_oifs(m) == [oif] and m["packets"] >= 0.99 * sent["sent"],
                  f"{r.name}: MFC ({SRC},{GROUP}) iif {iif} oifs [{oif}], packets >= 99% of {sent['sent']} ({m})")
            check("S" in m["flags"], f"{r.name}: show ip mroute flags the entry sparse ({m['flags']})")
        print(r2.fanout("show ip mroute", json_output=False))
        got = rx.result(timeout=30)
        print(f"sent {sent['sent']}, received {got['received']}, duplicates {got['duplicates']}, "
              f"first packet {got['first_packet_after_join_ms']} ms after the join")
        check(got["received"] >= 0.99 * COUNT and got["duplicates"] == 0,
              f"rcv counted {got['received']}/{COUNT} (>= 99%) with no duplicates ({got['duplicates']})")

        # Leave: the receiver exited (the kernel sent the IGMPv3 BLOCK/TO_IN); keep the source going a while.
        t0 = time.monotonic()
        tx2 = topo.src.mcast_send(GROUP, "eth0", rate=RATE, duration=3, ttl=8, name="send-after-leave")
        poll(lambda: not [u for u in sg_rows(r2, "show ip pim upstream") if u["state"] == "Joined"], timeout=8,
             what="r2: upstream (S,G) no longer Joined after the leave")
        poll(lambda: not [j for j in sg_rows(r1, "show ip pim join") if j["state"] != "NoInfo"], timeout=8,
             what="r1: r2's Prune removes the downstream (S,G) state")
        print(f"leave -> r1 downstream state gone: {time.monotonic() - t0:.2f} s")
        m1 = mroute(r1, SRC, GROUP)
        check(m1 is None or not mroute_oifs(m1), f"r1: (S,G) has no oifs while the source still sends ({m1})")
        tx2.result(timeout=20)
        t1 = time.monotonic()
        for r in (r1, r2):
            poll(lambda: mroute(r, SRC, GROUP) is None and not sg_rows(r, "show ip pim upstream"), timeout=12,
                 what=f"{r.name}: (S,G) state and MFC entry gone after the KeepAlive period")
        check(True, f"no (S,G) state or MFC entry left on r1 or r2 {time.monotonic() - t1:.2f} s after the "
                    "source stopped (keepalive-period 3 s)")
    print("pimd_sm_ssm: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
