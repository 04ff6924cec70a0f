#!/usr/bin/env python3
"""pimd e2e (issue #8): a register beacon keeps a dual-role publisher visible to the anycast-RP mesh.

    client --(veth "tunnel" 198.18.1.0/24)-- device --(198.18.2.0/24)-- peer
    device: lo 198.18.255.1 (the anycast RP address; the lab forbids 10.0.0.0, so the beacon names the RP)

client runs Fanout pimd with PIM on the tunnel (it is the device's PIM neighbor: the dual-role case) and a beacon
on it for (S,G) = (198.18.50.1, 233.84.178.0), every 1 s. device runs Fanout pimd as RP 198.18.255.1 with an MSDP
peer (peer, a third Fanout pimd). Checked: the client sends beacons and counts the device's Register-Stops
without stopping; the device and the client stay PIM neighbors; the device learns (S,G) from the Register and
originates it in MSDP (a local entry in its `show ip msdp sa`, RP 198.18.255.1); the peer's SA cache holds (S,G)
with RP 198.18.255.1.

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import sys
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
from pimd_sm_common import check  # noqa: E402

RP, S, G = "198.18.255.1", "198.18.50.1", "233.84.178.0"
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}


def sa_entry(node, source: str, group: str):
    return next((e for e in node.fanout("show ip msdp sa") if e["source"] == source and e["group"] == group), None)


def main() -> int:
    with Lab() as lab:
        client, device, peer = (lab.node(n, router=True) for n in ("client", "device", "peer"))
        lab.link(client, device, "198.18.1.2/24", "198.18.1.1/24")
        lab.link(device, peer, "198.18.2.1/24", "198.18.2.2/24")
        device.add_loopback(RP + "/32")
        peer.add_route(RP + "/32", via="198.18.2.1")
        lab.wait_up()
        rp = f"rp:\n  - address: {RP}\n"
        client.start_pimd(pimd_yaml(client, {"eth0": HELLO}, extra=rp + f"""beacons:
  - interface: eth0
    rp: {RP}
    interval: 1s
    published:
      - {{source: {S}, group: {G}}}
"""))
        device.start_pimd(pimd_yaml(device, {"eth0": HELLO, "eth1": HELLO}, extra=rp + f"""msdp:
  local-address: 198.18.2.1
  originator-id: {RP}
  connect-retry: 2s
  peers:
    - {{address: 198.18.2.2, description: MSDP peer}}
"""))
        peer.start_pimd(pimd_yaml(peer, {"eth0": HELLO}, extra=rp + """msdp:
  local-address: 198.18.2.2
  connect-retry: 2s
  peers:
    - {address: 198.18.2.1, description: the device}
"""))
        poll(lambda: neighbor_addresses(device, "eth0") == {"198.18.1.2"}, timeout=10,
             what="client and device are PIM neighbors on the tunnel")
        check(True, "client and device are PIM neighbors on the tunnel (dual role)")
        local = poll(lambda: (e := sa_entry(device, S, G)) and e["local"] and e, timeout=20,
                     what=f"the device originates ({S},{G}) learned from the beacon's Register")
        check(local["rp"] == RP, f"the device's originated SA carries RP {RP} ({local})")
        learned = poll(lambda: sa_entry(peer, S, G), timeout=20, what=f"the peer's SA cache holds ({S},{G})")
        check(learned["rp"] == RP and learned["peer"] == "198.18.2.1",
              f"the MSDP peer holds ({S},{G}) with RP {RP} from the device ({learned})")
        b = client.fanout("show ip pim beacon")["beacons"][0]
        print(f"client beacon: state {b['state']}, sent {b['packets_sent']}, register-stops {b['register_stops']}")
        check(b["packets_sent"] >= 2, f"the client keeps beaconing ({b['packets_sent']} sent)")
        check(neighbor_addresses(device, "eth0") == {"198.18.1.2"}, "still PIM neighbors after the beacons")
        print("device show ip msdp sa:\n" + device.fanout("show ip msdp sa", json_output=False))
        print("peer show ip msdp sa:\n" + peer.fanout("show ip msdp sa", json_output=False))
    print("pimd_beacon: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
