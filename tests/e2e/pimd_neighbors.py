#!/usr/bin/env python3
"""pimd e2e: two Fanout pimd routers on a veth link become PIM neighbors, elect the DR by priority, and a
stopped router says goodbye (holdtime-0 hello) so its neighbor drops it at once; the stopped pimd removes its
VIFs, status socket and pid file.

    r1 eth0 198.18.1.1 (DR priority 10) ---- 198.18.1.2 eth0 r2 (DR priority 1)

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, check, poll  # noqa: E402
from pimd_setup import neighbor_addresses, pimd_yaml  # noqa: E402


def main() -> int:
    with Lab() as lab:
        r1, r2 = lab.node("r1", router=True), lab.node("r2", router=True)
        lab.link(r1, r2)
        # A long holdtime (35 s) so that only a goodbye can explain a quick neighbor loss.
        d1 = r1.start_pimd(pimd_yaml(r1, {"eth0": {"hello-interval": "10s", "dr-priority": 10,
                                                   "triggered-hello-delay": "100ms"}}))
        d2 = r2.start_pimd(pimd_yaml(r2, {"eth0": {"hello-interval": "10s", "dr-priority": 1,
                                                   "triggered-hello-delay": "100ms"}}))
        t0 = time.monotonic()
        poll(lambda: neighbor_addresses(r1) == {"198.18.1.2"} and neighbor_addresses(r2) == {"198.18.1.1"},
             timeout=10, what="r1 and r2 are PIM neighbors")
        check(True, f"r1 and r2 are PIM neighbors after {time.monotonic() - t0:.2f} s")
        n = r2.fanout("show ip pim neighbor eth0")["neighbors"][0]
        check(n["interface"] == "eth0" and n["dr_priority"] == 10 and n["holdtime_s"] == 35,
              f"r2 sees r1 with DR priority 10 and holdtime 35 s ({n})")
        i1 = r1.wait_json("show ip pim interface eth0",
                          subset={"interfaces": [{"name": "eth0", "dr": "198.18.1.1", "i_am_dr": True}]})
        i2 = r2.wait_json("show ip pim interface eth0",
                          subset={"interfaces": [{"name": "eth0", "dr": "198.18.1.1", "i_am_dr": False}]})
        check(i1 and i2, "DR election by priority: r1 (priority 10) is DR on both sides")
        vifs = r2.fanout("show ip multicast vif")["vifs"]
        check([v["interface"] for v in vifs] == ["eth0", "pimreg"] and vifs[1]["register"],
              f"r2 has a VIF on eth0 and the register VIF ({vifs})")
        text = r1.fanout("show ip pim neighbor", json_output=False)
        check("Interface" in text and "198.18.1.2" in text and "DR Pri" in text, f"text form:\n{text}")

        pid_file, sock = r2.run_dir / "pimd.pid", r2.socket_path("pimd")
        t0 = time.monotonic()
        rc = d2.stop()
        check(rc == 0, f"r2's pimd exits 0 on SIGTERM (got {rc})")
        poll(lambda: not neighbor_addresses(r1), timeout=3, what="r1 drops r2")
        dt = time.monotonic() - t0
        check(dt < 3, f"r1 dropped r2 {dt:.2f} s after SIGTERM (holdtime 35 s: the holdtime-0 hello did it)")
        i1 = r1.fanout("show ip pim interface eth0")["interfaces"][0]
        check(i1["counters"]["neighbors_down"] >= 1 and i1["neighbor_count"] == 0, "r1 counted the neighbor loss")
        check(not pid_file.exists() and not sock.exists(), "r2 removed its pid file and status socket")
        vif_table = r2.run("cat", "/proc/net/ip_mr_vif").stdout.strip().splitlines()
        check(len(vif_table) <= 1, f"r2 removed its VIFs ({vif_table})")
        log = d2.log_text()
        check("MRT_DONE" in log, "r2 logged its clean shutdown")
        check(d1.alive(), "r1 still runs")
    print("pimd_neighbors: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
