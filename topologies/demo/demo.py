#!/usr/bin/env python3
"""The Fanout demo: PIM-SM across two Fanout routers in network namespaces.

    src 198.18.1.2 -- eth0 r1 (DR) eth1 -- eth0 r2 (RP on lo 198.18.255.2, igmpd) eth1 -- 198.18.3.2 rcv

r1 and r2 run Fanout pimd with a static RP (198.18.255.2, r2's loopback, for 239.0.0.0/8); r2 also runs igmpd
for the receiver's LAN. They become PIM neighbors on the r1-r2 link; the receiver joins 239.1.1.1 (IGMP, igmpd
tells pimd over IPC, r2 builds (*,G)); the source starts a 100 pkt/s stream: r1 (the source's DR) registers the
first packets to the RP, r2 forwards them down the shared tree and joins the source tree, native packets
arrive, r2 sends Register-Stop and r1 stops encapsulating. The demo prints, per router, `fanout show ip pim
neighbor`, `show ip mroute`, `show ip pim register` (and r2's `show ip igmp groups`), the receiver's counts, then
cleans up (also on Ctrl-C). Run as root; topologies/demo/run.sh builds first.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "line3"))
sys.path.insert(0, str(HERE))

from lab import Lab, LabError, poll  # noqa: E402
from pimd_setup import igmpd_yaml, mroute, neighbor_addresses, pimd_yaml  # noqa: E402
import topology as line3  # noqa: E402

REPO = HERE.parent.parent
SRC, GROUP, RATE, SECONDS = "198.18.1.2", line3.GROUP, 100, 5


RP_CONFIG = f"rp:\n  - address: {line3.RP}\n    groups: [239.0.0.0/8]\nspt-switchover: immediate\n"
HELLO = {"hello-interval": "2s"}


def banner(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def main() -> int:
    if os.geteuid() != 0:
        print("demo: run as root (network namespaces)", file=sys.stderr)
        return 1
    t_start = time.monotonic()
    with Lab(prefix="fodemo") as lab:
        banner("building line3: src - r1 - r2 - rcv")
        topo = line3.build(lab)
        topo.r1.start_pimd(pimd_yaml(topo.r1, {"eth0": HELLO, "eth1": HELLO}, extra=RP_CONFIG))
        topo.r2.start_pimd(pimd_yaml(topo.r2, {"eth0": HELLO, "eth1": {**HELLO, "igmp": True}}, extra=RP_CONFIG))
        topo.r2.start_igmpd(igmpd_yaml(topo.r2, ["eth1"], version=3))
        print(f"pimd started on r1 and r2 (RP {line3.RP}); igmpd on r2 for the receiver's LAN")
        poll(lambda: neighbor_addresses(topo.r2, "eth0") == {"198.18.2.1"} and
             neighbor_addresses(topo.r1, "eth1") == {"198.18.2.2"}, timeout=15, what="r1-r2 PIM adjacency")
        banner(f"receiver joins {GROUP} on rcv; src sends {RATE} pkt/s for {SECONDS} s")
        rx = topo.rcv.mcast_recv(GROUP, "eth0", duration=SECONDS + 8, count=RATE * SECONDS, idle=3)
        poll(lambda: any(m.get("group") == GROUP
                         for m in topo.r2.fanout("show ip igmp-membership")["memberships"]),
             timeout=10, what="r2's pimd has the receiver's membership (igmpd -> pimd over IPC)")
        tx = topo.src.mcast_send(GROUP, "eth0", rate=RATE, count=RATE * SECONDS, ttl=8)
        poll(lambda: (m := mroute(topo.r2, SRC, GROUP)) and m["packets"] > 0, timeout=10,
             what="native (S,G) packets through r2")
        print("packets are arriving")
        sent, got = tx.result(timeout=30), rx.result(timeout=30)
        for r in topo.routers:
            for command in ("show ip pim neighbor", "show ip mroute", "show ip pim register"):
                banner(f"{r.name}# fanout {command}")
                print(r.fanout(command, json_output=False), end="")
        banner("r2# fanout show ip igmp groups")
        print(topo.r2.fanout("show ip igmp groups", json_output=False), end="")
        banner("receiver (rcv)")
        print(f"sent {sent['sent']}, received {got['received']}, duplicates {got['duplicates']}, "
              f"first packet {got.get('first_packet_after_join_ms')} ms after the join, "
              f"latency {got.get('latency_ms')}")
        ok = got["received"] >= sent["sent"] * 0.99 and got["duplicates"] == 0
        print(f"\ndemo {'OK' if ok else 'FAILED'} in {time.monotonic() - t_start:.1f} s; cleaning up")
        return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: lab cleaned up", file=sys.stderr)
        sys.exit(130)
    except LabError as e:
        print(f"demo failed: {e}", file=sys.stderr)
        sys.exit(1)
