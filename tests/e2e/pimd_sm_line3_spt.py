#!/usr/bin/env python3
"""pimd e2e, issue #5: SPT switchover with a visible path change (RFC 7761 4.2.1, 4.5.7) on the line of three
(tests/e2e/pimd_sm_line3.py) plus a direct r1-r3 link, a triangle:

    src --- r1 (DR) ---------- r2 (RP) ---------- r3 --- rcv
              eth2 198.18.5.1 ---------- 198.18.5.3 eth2

r3 routes the source over the direct link and the RP over r2. The receiver joins, the source starts: the first
packets come down the RP tree (r1 -> Register / SPT -> r2 -> r3 eth0), then r3 (last hop, spt-switchover
immediate) joins (S,G) over the direct link, sets the SPTbit when native data arrives there, and prunes
(S,G,rpt) toward the RP. Checked: r3's (S,G) iif moves from eth0 to eth2, r2's (S,G) packet counter stops
growing, the receiver gets the stream (duplicates during the switch are printed, not asserted).
Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))
sys.path.insert(0, str(HERE / "pimd_sm_lib"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, poll  # noqa: E402
from pimd_setup import mroute, neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml  # noqa: E402
from pimd_sm_line3 import GROUP, HELLO, SRC, build, rp_yaml  # noqa: E402


def main() -> int:
    with Lab() as lab:
        n = build(lab)
        r1, r2, r3 = n["r1"], n["r2"], n["r3"]
        lab.link(r1, r3, "198.18.5.1/24", "198.18.5.3/24")  # r1 eth2 - r3 eth2
        r3.run("ip", "route", "replace", "198.18.1.0/24", "via", "198.18.5.1")
        r1.run("ip", "route", "replace", "198.18.4.0/24", "via", "198.18.5.3")
        r1.start_pimd(pimd_yaml(r1, {"eth0": HELLO, "eth1": HELLO, "eth2": HELLO}, extra=rp_yaml()))
        r2.start_pimd(pimd_yaml(r2, {"eth0": HELLO, "eth1": HELLO}, extra=rp_yaml()))
        r3.start_pimd(pimd_yaml(r3, {"eth0": HELLO, "eth1": {**HELLO, "igmp": True}, "eth2": HELLO},
                                extra=rp_yaml()))
        r3.start_igmpd(igmpd_yaml(r3, ["eth1"], version=2, query_interval="5s"))
        poll(lambda: neighbor_addresses(r3, "eth2") == {"198.18.5.1"} and neighbor_addresses(r3, "eth0") ==
             {"198.18.3.2"}, timeout=10, what="r3 adjacent to r1 (direct) and r2")
        check(True, "triangle: r3 is a PIM neighbor of r1 over the direct link and of r2")
        rx = n["rcv"].mcast_recv(GROUP, "eth0", duration=20, count=300)
        poll(lambda: any(row.get("group") == GROUP for row in r2.fanout("show ip pim join")["joins"]),
             timeout=10, what="r2 has (*,G) join state from r3")
        tx = n["src"].mcast_send(GROUP, "eth0", rate=20, count=300, ttl=16)
        seen_iifs = set()

        def switched():
            m = mroute(r3, SRC, GROUP)
            if m:
                seen_iifs.add(m["iif"])
            return m if m and m["iif"] == "eth2" and m.get("oifs") else None

        row3 = poll(switched, timeout=15, interval=0.05, what="r3 (S,G) iif on the direct link eth2")
        print(f"r3 (S,G) iifs seen while polling: {sorted(seen_iifs)}; now {row3}")
        check(row3["iif"] == "eth2", f"r3 switched (S,G) to the SPT over the direct link (iif eth2; seen "
              f"{sorted(seen_iifs)})")
        time.sleep(2.0)  # the (S,G,rpt) prune and r2's (S,G) prune toward r1 take effect
        c1 = (mroute(r2, SRC, GROUP) or {}).get("packets", 0)
        time.sleep(3.0)
        c2 = (mroute(r2, SRC, GROUP) or {}).get("packets", 0)
        print(f"r2 (S,G) packets: {c1} then {c2} 3 s later (source at 20 pkt/s)")
        check(c2 - c1 <= 2, f"r2 no longer carries (S,G) after r3's (S,G,rpt) prune (+{c2 - c1} packets in 3 s)")
        up3 = [u for u in r3.fanout("show ip pim upstream")["upstream"] if u.get("group") == GROUP]
        print(f"r3 upstream: {up3}")
        check(c1 >= 1, f"the first packets came down the RP tree through r2 (r2 counted {c1} for (S,G))")
        check(any(u["kind"] == "(S,G)" and u["spt_bit"] and u["rpf_interface"] == "eth2" for u in up3) and
              any(u["kind"] == "(S,G,rpt)" and u["state"] == "Pruned" for u in up3),
              "r3: (S,G) Joined over eth2 with the SPTbit, (S,G,rpt) Pruned toward the RP")
        sent, got = tx.result(timeout=30), rx.result(timeout=30)
        print(f"received {got['received']}/{sent['sent']}, duplicates {got['duplicates']}, "
              f"first seq {got['first_seq']}")
        check(got["received"] >= 0.95 * sent["sent"],
              f"the receiver got >= 95% of the stream across the switch ({got['received']}/{sent['sent']})")
    print("pimd_sm_line3_spt: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
