#!/usr/bin/env python3
"""pimd e2e: Fanout pimd and FRR pimd become PIM neighbors on a veth link.

    fanout 198.18.1.1 eth0 (pimd, DR priority 7) ---- eth0 198.18.1.2 frr (zebra + pimd)

FRR's `show ip pim neighbor json` lists Fanout with DR priority 7, Fanout lists FRR; the DR (Fanout: priority 7
beats FRR's 1) agrees on both sides. Stopping Fanout's pimd makes FRR drop it well before the 35 s holdtime.

Needs root (otherwise exit 77) and FRR (apt-get install frr; otherwise exit 77 with the reason).
"""

import os
import shutil
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
if not Path("/usr/lib/frr/pimd").exists() or not shutil.which("vtysh"):
    print("SKIP: FRR is not installed (apt-get install frr, or .ci/install-deps)")
    sys.exit(77)

from lab import Lab, check, poll  # noqa: E402
from pimd_setup import neighbor_addresses, neighbors, pimd_yaml  # noqa: E402

FRR_CONF = """hostname frr
interface eth0
 ip pim
 ip pim hello 1 4
"""


def frr_neighbor(frr):
    return frr.vtysh("show ip pim neighbor", json_output=True).get("eth0", {}).get("198.18.1.1")


def main() -> int:
    with Lab() as lab:
        fo, fr = lab.node("fanout", router=True), lab.node("frr", router=True)
        lab.link(fo, fr)
        d = fo.start_pimd(pimd_yaml(fo, {"eth0": {"hello-interval": "10s", "dr-priority": 7,
                                                   "triggered-hello-delay": "100ms"}}))
        frr = fr.start_frr(FRR_CONF)
        n = poll(lambda: frr_neighbor(frr), timeout=20, what="FRR lists Fanout as a neighbor")
        print(f"FRR: {n}")
        check(n.get("drPriority") == 7, f"FRR sees Fanout's DR priority 7 ({n.get('drPriority')})")
        poll(lambda: neighbor_addresses(fo) == {"198.18.1.2"}, timeout=10, what="Fanout lists FRR")
        mine = neighbors(fo)[0]
        check(mine["dr_priority"] == 1 and mine["holdtime_s"] == 4,
              f"Fanout sees FRR with DR priority 1 and holdtime 4 s ({mine})")
        st = fo.wait_json("show ip pim interface eth0", subset={"interfaces": [{"i_am_dr": True}]})
        check(st["interfaces"][0]["dr"] == "198.18.1.1", "Fanout is DR on its side")
        frr_dr = poll(lambda: frr.vtysh("show ip pim interface eth0", json_output=True)["eth0"].get("drAddress")
                      == "198.18.1.1", timeout=5, what="FRR's DR is Fanout")
        check(frr_dr, "FRR elects Fanout (priority 7) as DR (drAddress 198.18.1.1)")
        stats = fo.fanout("show ip pim statistics")["pim"]
        check(not any(v for k, v in stats["drops"].items() if k not in ("own-address",)),
              f"Fanout dropped none of FRR's messages ({stats['drops']})")
        t0 = time.monotonic()
        check(d.stop() == 0, "Fanout pimd exits 0")
        poll(lambda: frr_neighbor(frr) is None, timeout=10, what="FRR drops Fanout")
        dt = time.monotonic() - t0
        check(dt < 5, f"FRR dropped Fanout {dt:.2f} s after SIGTERM (holdtime 35 s: the goodbye hello did it)")
    print("pimd_frr_interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
