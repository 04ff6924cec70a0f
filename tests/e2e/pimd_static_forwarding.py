#!/usr/bin/env python3
"""pimd e2e: static mroutes forward a stream through two Fanout routers (line3: src - r1 - r2 - rcv).

Both routers run pimd with PIM on both links (they become neighbors on r1-r2) and one static entry
(198.18.1.2, 239.1.1.1) iif eth0 -> oif eth1. The source sends 500 datagrams at 100 pkt/s; the receiver must
count at least 99% of them with no duplicates, and `show ip mroute` on each router must show the entry flagged
S with packet counters that grew by at least that much. Stopping r1's pimd removes its MFC entry and VIFs.

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import sys
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "line3"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, check, poll  # noqa: E402
from pimd_setup import mroute, neighbor_addresses, pimd_yaml  # noqa: E402
import topology as line3  # noqa: E402

SRC, GROUP, COUNT = "198.18.1.2", line3.GROUP, 500


def main() -> int:
    with Lab() as lab:
        topo = line3.build(lab)
        daemons = {}
        for r in topo.routers:
            daemons[r.name] = r.start_pimd(pimd_yaml(r, {"eth0": {"hello-interval": "2s"}, "eth1": {"hello-interval": "2s"}},
                                   [{"source": SRC, "group": GROUP, "iif": "eth0", "oifs": ["eth1"]}]))
        poll(lambda: neighbor_addresses(topo.r2, "eth0") == {"198.18.2.1"}, timeout=10, what="r1-r2 adjacency")
        check(True, "r1 and r2 are PIM neighbors on the r1-r2 link")
        for r in topo.routers:
            row = poll(lambda: (m := mroute(r, SRC, GROUP)) and m["installed"] and m, timeout=5,
                       what=f"{r.name}: static mroute installed")
            check(row["flags"] == "S" and row["iif"] == "eth0" and [o["interface"] for o in row["oifs"]] == ["eth1"],
                  f"{r.name}: ({SRC},{GROUP}) iif eth0 oifs eth1 flagged S")
        before = {r.name: mroute(r, SRC, GROUP)["packets"] for r in topo.routers}
        rx = topo.rcv.mcast_recv(GROUP, "eth0", duration=15, count=COUNT, idle=2)
        tx = topo.src.mcast_send(GROUP, "eth0", rate=100, count=COUNT, ttl=8).result(timeout=30)
        r = rx.result(timeout=30)
        print(f"sent {tx['sent']}, received {r['received']}, duplicates {r['duplicates']}, loss {r.get('loss')}")
        check(tx["sent"] == COUNT, f"the source sent {COUNT}")
        check(r["received"] >= COUNT * 0.99 and r["duplicates"] == 0,
              f"the receiver counted {r['received']}/{COUNT} (loss < 1%), no duplicates")
        for rt in topo.routers:
            after = mroute(rt, SRC, GROUP)["packets"]
            check(after - before[rt.name] >= r["received"],
                  f"{rt.name}: show ip mroute packets grew by {after - before[rt.name]} (>= {r['received']})")
        text = topo.r1.fanout("show ip mroute", json_output=False)
        check(SRC in text and GROUP in text and "Packets" in text, f"r1 text form:\n{text}")
        stats = topo.r1.fanout("show ip pim statistics")
        check(stats["static_mroutes"]["installs"] >= 1, "statistics count the static install")
        # A group without a static entry and without receivers: the kernel asks pimd (NOCACHE upcall); nothing
        # forwards it (PIM-SM may install a negative entry, no oifs, to stop the upcalls).
        topo.src.mcast_send("239.1.1.2", "eth0", rate=50, count=10, ttl=8).result(timeout=10)
        poll(lambda: topo.r1.fanout("show ip pim statistics")["upcalls"]["nocache"] >= 1, timeout=5,
             what="r1 counts a NOCACHE upcall")
        neg = mroute(topo.r1, SRC, "239.1.1.2")
        check(neg is None or (neg["oifs"] == [] and neg["protocol"] == "pim" and "P" in neg["flags"]),
              f"NOCACHE for (198.18.1.2,239.1.1.2) counted; at most a negative (pruned) entry from PIM-SM ({neg})")
        check(mroute(topo.r1, SRC, GROUP)["protocol"] == "static", "the static entry is shown as Proto static")
        check(daemons["r1"].stop() == 0, "r1's pimd exits 0 on SIGTERM")
        cache = topo.r1.run("cat", "/proc/net/ip_mr_cache").stdout.strip().splitlines()
        check(len(cache) <= 1, f"r1's MFC entry is gone after pimd stopped ({cache})")
    print("pimd_static_forwarding: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
