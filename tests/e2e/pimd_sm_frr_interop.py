#!/usr/bin/env python3
"""pimd e2e: Fanout pimd and FRR pimd 8.4 as PIM-SM peers carrying an ASM (*,G) stream, both ways, on
topologies/line3 (src - r1 - r2 - rcv, RP = r1's loopback 198.18.255.1, so the source is directly connected to
the RP and no Register is needed):

  A. r1 Fanout (RP, DR priority 7 on the r1-r2 link), r2 FRR (IGMP on its receiver link): FRR's (*,G) Join
     reaches Fanout; rcv counts the stream. Both elect Fanout as DR on the link.
  B. r1 FRR (RP, DR priority 10), r2 Fanout + igmpd: Fanout's (*,G) Join reaches FRR; rcv counts the stream.
     Both elect FRR as DR on the link.
troglobit pimd 2.3 as a PIM-SM peer (and as the RP) is tests/e2e/pimd_sm_troglobit_interop.py: it cannot put its
RP on a loopback, and Fanout sent no (*,G) Join toward an RP on a neighbor's link address until RPF'(*,G) took
MRIB.next_hop(RP) = RP for a directly connected RP (tests/unit/pimd/rpf_neighbor_test.cpp).

Needs root (otherwise exit 77) and FRR (otherwise exit 77 with the reason).
"""

import os
import shutil
import sys
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
if not Path("/usr/lib/frr/pimd").exists() or not shutil.which("vtysh"):
    print("SKIP: FRR is not installed (apt-get install frr, or .ci/install-deps)")
    sys.exit(77)

from lab import Lab, poll  # noqa: E402
from pimd_setup import mroute, neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml, mroute_oifs, show  # noqa: E402
import topology as line3  # noqa: E402

SRC, GROUP, RP, COUNT, RATE = "198.18.1.2", line3.GROUP, "198.18.255.1", 300, 100
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}
FANOUT_RP = f"rp:\n  - address: {RP}\n"


def frr_conf(name: str, receiver_if: str | None, dr_priority: int = 1) -> str:
    lines = [f"hostname {name}", f"ip pim rp {RP} 224.0.0.0/4", "interface lo", " ip pim"]
    for ifname in ("eth0", "eth1"):
        lines += [f"interface {ifname}", " ip pim", " ip pim hello 1 4"]
        if ifname == "eth1" and name == "r1" or ifname == "eth0" and name == "r2":
            lines.append(f" ip pim drpriority {dr_priority}")
        if ifname == receiver_if:
            lines.append(" ip igmp")
    return "\n".join(lines) + "\n"


def stream(topo, what: str) -> dict:
    rx = topo.rcv.mcast_recv(GROUP, "eth0", duration=15, count=COUNT, idle=2, name=f"recv-{what}")
    return rx


def finish(topo, rx, what: str) -> dict:
    tx = topo.src.mcast_send(GROUP, "eth0", rate=RATE, count=COUNT, ttl=8, name=f"send-{what}").result(timeout=30)
    got = rx.result(timeout=30)
    print(f"{what}: sent {tx['sent']}, received {got['received']}, duplicates {got['duplicates']}, "
          f"first packet {got['first_packet_after_join_ms']} ms after the join")
    # The first packets may arrive before the (*,G) tree reaches the RP; the stream itself must flow.
    check(got["received"] >= 0.95 * COUNT and got["duplicates"] == 0,
          f"{what}: rcv counted {got['received']}/{COUNT} (>= 95%), no duplicates ({got['duplicates']})")
    return got


def part_a() -> None:
    with Lab() as lab:
        topo = line3.build(lab)
        r1, r2 = topo.r1, topo.r2
        r1.start_pimd(pimd_yaml(r1, {"eth0": HELLO, "eth1": {**HELLO, "dr-priority": 7}}, extra=FANOUT_RP))
        frr = r2.start_frr(frr_conf("r2", "eth1"))
        poll(lambda: neighbor_addresses(r1, "eth1") == {"198.18.2.2"}, timeout=20, what="Fanout lists FRR")
        poll(lambda: frr.vtysh("show ip pim interface eth0", json_output=True)["eth0"].get("drAddress")
             == "198.18.2.1", timeout=10, what="FRR elects Fanout (priority 7) as DR")
        r1.wait_json("show ip pim interface eth1", subset={"interfaces": [{"dr": "198.18.2.1", "i_am_dr": True}]})
        check(True, "A: DR on r1-r2 is Fanout (priority 7) on both sides")
        rx = stream(topo, "A")
        j = poll(lambda: [x for x in show(r1, "show ip pim join") if x["group"] == GROUP and x["state"] == "Join"],
                 timeout=15, what="A: Fanout (RP) holds FRR's Join for the group on eth1")
        check(any(x["source"] == "*" and x["interface"] == "eth1" for x in j),
              f"A: Fanout (RP) has FRR's (*,G) Join on eth1 ({j})")
        finish(topo, rx, "A (FRR receiver behind a Fanout RP)")
        m = mroute(r1, SRC, GROUP)
        check(m and "eth1" in mroute_oifs(m), f"A: Fanout's MFC ({SRC},{GROUP}) forwards on eth1 ({m})")
        print(r1.fanout("show ip mroute", json_output=False))


def part_b() -> None:
    with Lab() as lab:
        topo = line3.build(lab)
        r1, r2 = topo.r1, topo.r2
        frr = r1.start_frr(frr_conf("r1", None, dr_priority=10))
        r2.start_pimd(pimd_yaml(r2, {"eth0": HELLO, "eth1": {**HELLO, "igmp": True}}, extra=FANOUT_RP))
        r2.start_igmpd(igmpd_yaml(r2, ["eth1"]))
        poll(lambda: neighbor_addresses(r2, "eth0") == {"198.18.2.1"}, timeout=20, what="Fanout lists FRR")
        r2.wait_json("show ip pim interface eth0", subset={"interfaces": [{"dr": "198.18.2.1", "i_am_dr": False}]},
                     timeout=10)
        poll(lambda: frr.vtysh("show ip pim interface eth1", json_output=True)["eth1"].get("drAddress")
             == "198.18.2.1", timeout=10, what="FRR elects itself (priority 10) as DR")
        check(True, "B: DR on r1-r2 is FRR (priority 10, the lower address) on both sides")
        rx = stream(topo, "B")
        up = poll(lambda: [u for u in show(r2, "show ip pim upstream")
                           if u["group"] == GROUP and u["source"] == "*" and u["state"] == "Joined"], timeout=10,
                  what="B: Fanout's (*,G) upstream Joined toward the FRR RP")
        check(up[0]["rpf_neighbor"] == "198.18.2.1", f"B: Fanout joins (*,G) toward FRR ({up[0]})")
        finish(topo, rx, "B (Fanout receiver behind an FRR RP)")
        joins = frr.vtysh("show ip pim join", json_output=True)
        print(f"B: FRR's show ip pim join: {joins}")
        print(r2.fanout("show ip mroute", json_output=False))


def main() -> int:
    part_a()
    part_b()
    print("pimd_sm_frr_interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
