#!/usr/bin/env python3
"""The Fanout demo: multicast across two Fanout routers in network namespaces.

    src 198.18.1.2 -- eth0 r1 eth1 -- eth0 r2 eth1 -- 198.18.3.2 rcv

r1 and r2 run Fanout pimd (etc/pimd-static-demo.yaml with the lab's socket paths): they become PIM neighbors on
the r1-r2 link, and forward (198.18.1.2, 239.1.1.1) through static mroutes (until the PIM-SM join/prune state
machines land; the demo then switches to an RP). A 100 pkt/s stream from src reaches a receiver on rcv; the demo
prints `fanout show ip pim neighbor` and `fanout show ip mroute` of each router and the receiver's counts, then
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
from pimd_setup import mroute, neighbor_addresses  # noqa: E402
import topology as line3  # noqa: E402

REPO = HERE.parent.parent
SRC, GROUP, RATE, SECONDS = "198.18.1.2", line3.GROUP, 100, 5


def demo_config(node) -> str:
    """etc/pimd-static-demo.yaml with the node's own socket and pid file paths."""
    text = (REPO / "etc" / "pimd-static-demo.yaml").read_text()
    for old, new in (("/run/fanout/pimd.sock", node.socket_path("pimd")),
                     ("/run/fanout/pimd-ipc.sock", node.run_dir / "pimd-ipc.sock"),
                     ("/run/fanout/pimd.pid", node.run_dir / "pimd.pid")):
        text = text.replace(old, str(new))
    return text


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
        for r in topo.routers:
            r.start_pimd(demo_config(r))
        print("pimd started on r1 and r2")
        poll(lambda: neighbor_addresses(topo.r2, "eth0") == {"198.18.2.1"} and
             neighbor_addresses(topo.r1, "eth1") == {"198.18.2.2"}, timeout=15, what="r1-r2 PIM adjacency")
        for r in topo.routers:
            poll(lambda: (m := mroute(r, SRC, GROUP)) and m["installed"], timeout=5, what=f"{r.name} static mroute")
        banner(f"receiver joins {GROUP} on rcv; src sends {RATE} pkt/s for {SECONDS} s")
        rx = topo.rcv.mcast_recv(GROUP, "eth0", duration=SECONDS + 5, count=RATE * SECONDS, idle=2)
        tx = topo.src.mcast_send(GROUP, "eth0", rate=RATE, count=RATE * SECONDS, ttl=8)
        poll(lambda: mroute(topo.r2, SRC, GROUP)["packets"] > 0, timeout=5, what="packets through r2")
        print("packets are arriving")
        sent, got = tx.result(timeout=30), rx.result(timeout=30)
        for r in topo.routers:
            banner(f"{r.name}# fanout show ip pim neighbor")
            print(r.fanout("show ip pim neighbor", json_output=False), end="")
            banner(f"{r.name}# fanout show ip mroute")
            print(r.fanout("show ip mroute", json_output=False), end="")
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
