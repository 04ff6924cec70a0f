#!/usr/bin/env python3
"""pimd e2e interop: a Fanout RP and an FRR RP as MSDP peers in one mesh group, sharing the anycast RP address
198.18.255.1 (RFC 3618, RFC 3446/4611 anycast RP with MSDP).

    src 198.18.1.2 --- rp1 Fanout --- rp2 FRR --- rcv2 198.18.3.2
                          |              |
    rcv1 198.18.5.2 ------/              \\--- src2 198.18.4.2
    rp1: lo 198.18.100.1 + 198.18.255.1       rp2: lo 198.18.100.2 + 198.18.255.1

Checked: the MSDP session comes up on both sides (Fanout, the lower address, connects; FRR listens) and stays up
(default 60 s keepalive / 75 s hold: FRR sends keepalives every 60 s, so a shorter hold on our side would drop
the session); a source at the Fanout RP shows in FRR's `show ip msdp sa`; a source at FRR shows in Fanout's SA
cache; traffic reaches the receivers on both sides (rcv2 behind FRR gets src's stream, rcv1 behind Fanout gets
src2's). What FRR showed is printed.

The originator: FRR 8.4 peer-RPF-checks SAs even from mesh-group members, and an SA whose RP field is the anycast
address (a local address at FRR too) fails it ("peer RPF check failed" in FRR's msdp debug log; seen in this lab).
FRR itself originates with its own unique address (198.18.100.2 here). So with FRR in the mesh, Fanout is
configured with `originator-id:` its own unique address (RFC 3446 section 2 does the same: the originator-id is
the unique address), and both SAs carry the originating member's unique address.
Re-checked in session 3 (Fanout originating with RP = 198.18.255.1, everything else as here): FRR logged
"MSDP peer 198.18.100.1 pkt rx type SA len 20" then "peer RPF check failed" and kept saCount 0 (a) with this
mesh group, (b) with the mesh group plus `ip msdp originator-id 198.18.100.2` (FRR 8.4: "No such command on config
line 7"), (c) with a plain `ip msdp peer ... source ...` and no mesh group. No FRR 8.4 configuration accepts an SA
whose RP is the shared anycast address, so no such case is tested here.

Needs root (otherwise exit 77) and FRR (otherwise exit 77 with the reason).
"""

import json
import os
import shutil
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
if not Path("/usr/lib/frr/pimd").exists() or not shutil.which("vtysh"):
    print("SKIP: FRR is not installed (apt-get install frr, or .ci/install-deps)")
    sys.exit(77)

from lab import Lab, poll  # noqa: E402
from pimd_setup import pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml  # noqa: E402

ANYCAST, LO1, LO2 = "198.18.255.1", "198.18.100.1", "198.18.100.2"
SRC, SRC2, GROUP, GROUP2 = "198.18.1.2", "198.18.4.2", "239.1.1.1", "239.1.1.2"
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}


def fanout_extra() -> str:
    return f"""rp:
  - address: {ANYCAST}
msdp:
  local-address: {LO1}
  originator-id: {LO1}
  connect-retry: 2s
  peers:
    - address: {LO2}
      mesh-group: anycast
      description: FRR anycast RP
"""


def frr_conf() -> str:
    lines = ["hostname rp2", "debug msdp events", "debug msdp packets", f"ip pim rp {ANYCAST} 224.0.0.0/4",
             f"ip msdp mesh-group anycast source {LO2}", f"ip msdp mesh-group anycast member {LO1}",
             "interface lo", " ip pim"]
    for ifname in ("eth0", "eth1", "eth2"):
        lines += [f"interface {ifname}", " ip pim", " ip pim hello 1 4"]
        if ifname == "eth1":
            lines.append(" ip igmp")
    return "\n".join(lines) + "\n"


def find_sa(tree, source: str, group: str):
    """The entry for (source, group) anywhere in FRR's `show ip msdp sa json` (keyed group -> source)."""
    if isinstance(tree, dict):
        if tree.get("source") == source and tree.get("group") == group:
            return tree
        for v in tree.values():
            if (hit := find_sa(v, source, group)) is not None:
                return hit
    return None


def fanout_peer_state(node, peer: str):
    return next((p["state"] for p in node.fanout("show ip msdp peer") if p["peer"] == peer), None)


def fanout_sa(node, source: str, group: str):
    return next((e for e in node.fanout("show ip msdp sa") if e["source"] == source and e["group"] == group), None)


def main() -> int:
    with Lab() as lab:
        rp1, rp2 = lab.node("rp1", router=True), lab.node("rp2", router=True)
        src, src2, rcv1, rcv2 = lab.node("src"), lab.node("src2"), lab.node("rcv1"), lab.node("rcv2")
        lab.link(src, rp1, "198.18.1.2/24", "198.18.1.1/24")          # rp1 eth0
        lab.link(rp1, rp2, "198.18.2.1/24", "198.18.2.2/24")          # rp1 eth1, rp2 eth0
        _, rcv2_if = lab.link(rp2, rcv2, "198.18.3.1/24", "198.18.3.2/24")  # rp2 eth1
        lab.link(src2, rp2, "198.18.4.2/24", "198.18.4.1/24")         # rp2 eth2
        _, rcv1_if = lab.link(rp1, rcv1, "198.18.5.1/24", "198.18.5.2/24")  # rp1 eth2
        for node, lo in ((rp1, LO1), (rp2, LO2)):
            node.add_loopback(lo + "/32")
            node.add_loopback(ANYCAST + "/32")
        for prefix in ("198.18.3.0/24", "198.18.4.0/24", LO2 + "/32"):
            rp1.add_route(prefix, via="198.18.2.2")
        for prefix in ("198.18.1.0/24", "198.18.5.0/24", LO1 + "/32"):
            rp2.add_route(prefix, via="198.18.2.1")
        lab.wait_up()
        frr = rp2.start_frr(frr_conf())
        rp1.start_pimd(pimd_yaml(rp1, {"eth0": HELLO, "eth1": HELLO, "eth2": {"pim": False, "igmp": True}},
                                 extra=fanout_extra()))
        rp1.start_igmpd(igmpd_yaml(rp1, ["eth2"]))
        poll(lambda: fanout_peer_state(rp1, LO2) == "established", timeout=30,
             what=f"Fanout's MSDP session to FRR {LO2} Established")
        frr_peers = frr.vtysh("show ip msdp peer json", json_output=True)
        print(f"FRR show ip msdp peer: {json.dumps(frr_peers)}")
        check(frr_peers.get(LO1, {}).get("state") == "established",
              f"FRR shows its session to Fanout {LO1} established ({frr_peers})")

        rx2 = rcv2.mcast_recv(GROUP, rcv2_if, duration=25, idle=4, name="recv-rcv2")
        rx1 = rcv1.mcast_recv(GROUP2, rcv1_if, duration=25, idle=4, name="recv-rcv1")
        tx = src.mcast_send(GROUP, "eth0", rate=50, duration=14, ttl=8, name="send-src")
        tx2 = src2.mcast_send(GROUP2, "eth0", rate=50, duration=14, ttl=8, name="send-src2")

        try:
            sa = poll(lambda: find_sa(frr.vtysh("show ip msdp sa json", json_output=True), SRC, GROUP),
                      timeout=15, what=f"FRR's show ip msdp sa holds ({SRC},{GROUP}) from Fanout")
        except Exception:
            print("Fanout show ip msdp sa:\n" + rp1.fanout("show ip msdp sa", json_output=False))
            print("Fanout show ip msdp statistics:\n" + rp1.fanout("show ip msdp statistics", json_output=False))
            print("FRR show ip msdp sa json: " + json.dumps(frr.vtysh("show ip msdp sa json", json_output=True)))
            print("FRR show ip msdp peer json: " + json.dumps(frr.vtysh("show ip msdp peer json", json_output=True)))
            print("FRR pimd log tail:\n" + "\n".join(frr.log_text().splitlines()[-30:]))
            raise
        print(f"FRR show ip msdp sa entry for ({SRC},{GROUP}): {json.dumps(sa)}")
        print("FRR show ip msdp sa:\n" + frr.vtysh("show ip msdp sa"))
        check(sa.get("rp") == LO1, f"FRR accepts Fanout's SA with RP {LO1}, the originator-id (saw {sa.get('rp')})")
        mine = poll(lambda: fanout_sa(rp1, SRC2, GROUP2), timeout=15,
                    what=f"Fanout's SA cache holds ({SRC2},{GROUP2}) from FRR")
        print("Fanout show ip msdp sa:\n" + rp1.fanout("show ip msdp sa", json_output=False))
        check(mine["rp"] == LO2 and mine["peer"] == LO2,
              f"Fanout learned ({SRC2},{GROUP2}) from FRR {LO2} with FRR's originator {LO2} as RP ({mine})")

        tx.result(timeout=30)
        tx2.result(timeout=30)
        r2, r1 = rx2.result(timeout=40), rx1.result(timeout=40)
        print(f"rcv2 (behind FRR) received {r2['received']} from src at Fanout; "
              f"rcv1 (behind Fanout) received {r1['received']} from src2 at FRR")
        check(r2["received"] > 0, f"src at the Fanout RP reaches rcv2 behind FRR (received {r2['received']})")
        check(r1["received"] > 0, f"src2 at the FRR RP reaches rcv1 behind Fanout (received {r1['received']})")
        peers = frr.vtysh("show ip msdp peer json", json_output=True)
        check(peers.get(LO1, {}).get("state") == "established" and fanout_peer_state(rp1, LO2) == "established",
              f"the session is still Established on both sides after the streams (FRR: {peers})")
    print("pimd_msdp_frr_interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
