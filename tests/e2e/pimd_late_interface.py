#!/usr/bin/env python3
"""pimd e2e: interfaces that appear after start, go down and come back.

Both pimds start with eth0 configured but no link yet; the link is created afterwards and they become
neighbors on it. The link goes down (both ends lose carrier): the neighbors go; it comes back: they return. A new
address on r1's eth0 shows up in `show interface`.

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import sys
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
        ifs = {"eth0": {"hello-interval": "1s", "triggered-hello-delay": "100ms"}}
        r1.start_pimd(pimd_yaml(r1, ifs))
        r2.start_pimd(pimd_yaml(r2, ifs))
        i = r1.fanout("show ip pim interface")["interfaces"]
        check(i == [], f"no PIM interface before the link exists ({i})")
        lab.link(r1, r2)
        poll(lambda: neighbor_addresses(r1) == {"198.18.1.2"} and neighbor_addresses(r2) == {"198.18.1.1"},
             timeout=10, what="adjacency on the late link")
        check(True, "a link created after start is picked up: r1 and r2 are neighbors on it")
        check(r1.fanout("show ip pim interface eth0")["interfaces"][0]["vif"] is not None, "r1 has a VIF on eth0")

        r1.run("ip", "link", "set", "eth0", "down")
        poll(lambda: not neighbor_addresses(r1) and not neighbor_addresses(r2), timeout=10,
             what="neighbors gone with the link")
        st = r1.fanout("show ip pim interface eth0")["interfaces"][0]
        check(st["state"] == "down", f"r1's eth0 is down ({st['state']}, {st['down_reason']})")
        r1.run("ip", "link", "set", "eth0", "up")
        poll(lambda: neighbor_addresses(r1) == {"198.18.1.2"} and neighbor_addresses(r2) == {"198.18.1.1"},
             timeout=15, what="adjacency after the link came back")
        check(True, "the link came back: neighbors again")

        r1.run("ip", "addr", "add", "198.18.9.1/24", "dev", "eth0")
        poll(lambda: any("198.18.9.1/24" in l["addresses"] for l in r1.fanout("show interface")["interfaces"]
                         if l["name"] == "eth0"), timeout=5, what="new address in show interface")
        check(True, "a new address appears in show interface")
        poll(lambda: "198.18.9.1" in str(r2.fanout("show ip pim neighbor")["neighbors"][0]["secondary_addresses"]),
             timeout=5, what="r2 learns r1's secondary address from a hello")
        check(True, "r2 learns r1's new secondary address (hello address list)")
    print("pimd_late_interface: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
