#!/usr/bin/env python3
"""pimd e2e interop (issue #8): the register beacon with FRR 8.4 as the device (the anycast RP) and as the MSDP
peer. The lab forbids 10.0.0.0 (traffic stays in 198.18.0.0/15), so 198.18.255.1 stands for the anycast RP
address 10.0.0.0 and the beacon names it with `rp:`.

  A. FRR as the device:

       rcv --(198.18.3.0/24)-- client --(veth "tunnel" 198.18.1.0/24)-- device FRR --(198.18.2.0/24)-- peer Fanout
                                 lo 198.18.50.1 (S)       lo 198.18.255.1 (RP) |
                                                                 src2 --(198.18.4.0/24)

     client runs Fanout pimd + igmpd: PIM on the tunnel (FRR's PIM neighbor), IGMP toward rcv, a beacon for
     (S,G) = (198.18.50.1, 233.84.178.0) every 1 s to RP 198.18.255.1. rcv joins G2 = 239.1.2.3, src2 sends it
     behind FRR: the client's (*,G2) Join goes to FRR and the stream flows (the dual role). Checked: FRR learns
     (S,G) from the beacon's Register (`show ip pim upstream json`, `show ip mroute json`), originates it in MSDP
     (`show ip msdp sa json`, local), the Fanout peer's SA cache holds (S,G) (its RP printed and checked), the
     client counts FRR's Register-Stops and keeps beaconing (packets sent grows after them), the beacons and
     Register-Stops on the tunnel decode in tshark as ip:pim:ip:udp:data with good checksums.
  B. FRR as the MSDP peer:

       client --(tunnel 198.18.1.0/24)-- device Fanout (lo 198.18.255.1, RP) --(198.18.2.0/24)-- peer FRR

     The device originates the SA with RP 198.18.255.1 (`originator-id` = the anycast address). FRR is not an
     anycast member (it does not own 198.18.255.1) and routes 198.18.255.1 via the device, the MSDP peer, so
     RFC 3618 10.1.3 peer-RPF passes. Checked: FRR's `show ip msdp sa json` holds (S,G) with RP 198.18.255.1.

  A0 (runs first, ~5 s). FRR as the device, the client not its PIM neighbor (PIM off on the tunnel, as in
     etc/pimd-beacon-client.yaml; no route to the RP either): FRR still learns and originates (S,G), and the
     client counts its Register-Stops.

What FRR 8.4 did (seen in this lab, 2026-11, FRR 8.4.4): it accepts the beacon's Register with no
`ip pim register-accept-list` (none is configured here), from a PIM neighbor or not; it answers each one with a
Register-Stop from the RP address (no receivers for G at the RP), which the client counts and ignores. Its own
`show ip msdp sa` shows its local SA with RP "-"; on the wire the SA's RP field is FRR's MSDP originator address
(with no mesh group, the `source` of its `ip msdp peer`: 198.18.2.2 here), not the anycast RP: FRR 8.4 has no
`ip msdp originator-id` command, so "the peer's SA cache holds (S,G) with RP 10.0.0.0" holds only for a Fanout
device (variant B, and tests/e2e/pimd_beacon.py).

Needs root (otherwise exit 77) and FRR (otherwise exit 77 with the reason).
"""

import json
import os
import shutil
import subprocess
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
from pimd_setup import neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml  # noqa: E402

RP, S, G, G2 = "198.18.255.1", "198.18.50.1", "233.84.178.0", "239.1.2.3"
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}
BEACON = f"""beacons:
  - interface: eth0
    rp: {RP}
    interval: 1s
    published:
      - {{source: {S}, group: {G}}}
"""


def frr_conf(name: str, pim_ifs: list[str], msdp: list[str], rp_here: bool) -> str:
    """FRR pimd config: RP 198.18.255.1 for 224/4 (`rp_here`: FRR owns it on lo), PIM on pim_ifs, MSDP lines."""
    lines = [f"hostname {name}", "debug msdp events", "debug msdp packets", "debug pim packets register",
             f"ip pim rp {RP} 224.0.0.0/4", *msdp]
    if rp_here:
        lines += ["interface lo", " ip pim"]
    for ifname in pim_ifs:
        lines += [f"interface {ifname}", " ip pim", " ip pim hello 1 4"]
    return "\n".join(lines) + "\n"


def frr_entry(tree, group: str, source: str):
    """FRR's `show ip pim upstream|mroute|msdp sa json` are keyed group -> source."""
    return (tree or {}).get(group, {}).get(source)


def fanout_sa(node, source: str, group: str):
    return next((e for e in node.fanout("show ip msdp sa") if e["source"] == source and e["group"] == group), None)


def beacon(node) -> dict:
    return node.fanout("show ip pim beacon")["beacons"][0]


def tshark(pcap: Path, display: str, fields: list[str]) -> list[dict]:
    """Rows of `tshark -T fields` (a field seen twice, e.g. the outer and inner ip.src, reads "outer,inner")."""
    argv = ["tshark", "-r", str(pcap), "-Y", display, "-T", "fields"]
    for f in fields:
        argv += ["-e", f]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60).stdout
    return [dict(zip(fields, line.split("\t"))) for line in out.splitlines() if line.strip()]


def show_frr_failure(frr, what: str) -> None:
    print(f"--- FRR state after the failure ({what}) ---")
    for cmd in ("show ip pim neighbor", "show ip pim upstream", "show ip mroute", "show ip msdp peer",
                "show ip msdp sa", "show ip pim rp-info"):
        print(f"FRR {cmd}:\n{frr.vtysh(cmd)}")
    print("FRR pimd log tail:\n" + "\n".join(frr.log_text().splitlines()[-40:]))


def register_log(frr) -> list[str]:
    """FRR's `debug pim packets register` lines (Register received, Register-Stop sent)."""
    return [line for line in frr.log_text().splitlines() if "Register" in line]


def check_tunnel_capture(pcap: Path, client_addr: str) -> None:
    """The beacons (client -> RP) and FRR's Register-Stops (RP -> client) on the tunnel, as tshark decodes them."""
    regs = tshark(pcap, f"pim.type == 1 && ip.src == {client_addr}",
                  ["frame.protocols", "ip.src", "ip.dst", "pim.cksum.status", "pim.register_flag.border",
                   "pim.register_flag.null_register", "udp.srcport", "udp.dstport", "data.data"])
    stops = tshark(pcap, f"pim.type == 2 && ip.dst == {client_addr}",
                   ["ip.src", "ip.dst", "pim.cksum.status", "pim.group", "pim.source"])
    print(f"A: tunnel capture: {len(regs)} beacon Registers from the client, {len(stops)} Register-Stops to it")
    if regs:
        print(f"A: first beacon per tshark: {regs[0]}")
    if stops:
        print(f"A: first Register-Stop per tshark: {stops[0]}")
    want = {"frame.protocols": "eth:ethertype:ip:pim:ip:udp:data", "ip.src": f"{client_addr},{S}",
            "ip.dst": f"{RP},{G}", "pim.cksum.status": "1", "pim.register_flag.border": "0",
            "pim.register_flag.null_register": "0", "udp.srcport": "5765", "udp.dstport": "5765",
            "data.data": "445a0001"}
    bad = [r for r in regs if r != want]
    check(regs and not bad, f"A: every beacon on the tunnel decodes as {want} (mismatches: {bad[:2]})")
    bad = [r for r in stops if r["ip.src"] != RP or r["pim.cksum.status"] != "1" or r["pim.group"].split(",")[0] != G
           or r["pim.source"] != S]
    check(stops and not bad, f"A: FRR's Register-Stops come from RP {RP} for ({S},{G}) with a good checksum "
          f"({len(stops)} seen; mismatches: {bad[:2]})")


def variant_a() -> None:
    with Lab() as lab:
        client, device, peer = (lab.node(n, router=True) for n in ("client", "device", "peer"))
        rcv, src2 = lab.node("rcv"), lab.node("src2")
        lab.link(client, device, "198.18.1.2/24", "198.18.1.1/24")   # client eth0 (the tunnel), device eth0
        lab.link(device, peer, "198.18.2.2/24", "198.18.2.1/24")     # device eth1, peer eth0
        _, rcv_if = lab.link(client, rcv, "198.18.3.1/24", "198.18.3.2/24")  # client eth1
        lab.link(src2, device, "198.18.4.2/24", "198.18.4.1/24")     # device eth2
        device.add_loopback(RP + "/32")
        client.add_loopback(S + "/32")
        for prefix in (RP + "/32", "198.18.2.0/24", "198.18.4.0/24"):
            client.add_route(prefix, via="198.18.1.1")
        for prefix in (S + "/32", "198.18.3.0/24"):
            device.add_route(prefix, via="198.18.1.2")
        for prefix in (RP + "/32", S + "/32", "198.18.1.0/24", "198.18.4.0/24"):
            peer.add_route(prefix, via="198.18.2.2")
        lab.wait_up()
        pcap = Path(client.run_dir) / "tunnel.pcap"
        dump = client.capture("tcpdump-tunnel", "eth0", pcap, bpf="ip proto 103")
        # The Fanout peer (the lower address, 198.18.2.1) connects; FRR listens.
        peer.start_pimd(pimd_yaml(peer, {"eth0": HELLO}, extra=f"""rp:
  - address: {RP}
msdp:
  local-address: 198.18.2.1
  connect-retry: 2s
  peers:
    - {{address: 198.18.2.2, description: FRR device}}
"""))
        frr = device.start_frr(frr_conf("device", ["eth0", "eth1", "eth2"],
                                        ["ip msdp timers 60 75 2", "ip msdp peer 198.18.2.1 source 198.18.2.2"],
                                        rp_here=True))
        client.start_pimd(pimd_yaml(client, {"eth0": HELLO, "eth1": {"pim": False, "igmp": True}},
                                    extra=f"rp:\n  - address: {RP}\n" + BEACON))
        client.start_igmpd(igmpd_yaml(client, ["eth1"]))
        try:
            poll(lambda: "198.18.1.1" in neighbor_addresses(client, "eth0"), timeout=15,
                 what="the client lists FRR as PIM neighbor on the tunnel")
            nbrs = poll(lambda: (n := frr.vtysh("show ip pim neighbor", json_output=True)).get("eth0", {})
                        .get("198.18.1.2") and n, timeout=15, what="FRR lists the client as PIM neighbor")
            check(True, f"A: client and FRR are PIM neighbors on the tunnel (dual role; FRR: {json.dumps(nbrs)})")
            up = poll(lambda: frr_entry(frr.vtysh("show ip pim upstream", json_output=True), G, S), timeout=15,
                      what=f"FRR's show ip pim upstream holds ({S},{G}) from the beacon's Register")
            print(f"A: FRR show ip pim upstream ({S},{G}): {json.dumps(up)}")
            sa = poll(lambda: frr_entry(frr.vtysh("show ip msdp sa", json_output=True), G, S), timeout=20,
                      what=f"FRR originates ({S},{G}) in MSDP (show ip msdp sa)")
        except Exception:
            show_frr_failure(frr, "A")
            raise
        print(f"A: FRR show ip msdp sa ({S},{G}): {json.dumps(sa)}")
        # FRR shows no RP ("-") for its local SAs: the RP it puts on the wire is seen at the peer below.
        check(sa.get("local") == "yes", f"A: FRR originates ({S},{G}) as a local SA (saw {sa})")
        mr = frr_entry(frr.vtysh("show ip mroute", json_output=True), G, S)
        print(f"A: FRR show ip mroute ({S},{G}): {json.dumps(mr)}")
        print("A: FRR show ip pim upstream:\n" + frr.vtysh("show ip pim upstream"))
        print("A: FRR show ip msdp sa:\n" + frr.vtysh("show ip msdp sa"))
        learned = poll(lambda: fanout_sa(peer, S, G), timeout=20, what=f"the Fanout peer's SA cache holds ({S},{G})")
        print("A: Fanout peer show ip msdp sa:\n" + peer.fanout("show ip msdp sa", json_output=False))
        # FRR 8.4 puts its MSDP originator address in the SA's RP field: with no mesh group, the `source` of its
        # `ip msdp peer` (198.18.2.2), not the anycast RP (it has no `ip msdp originator-id` command).
        print(f"A: the Fanout MSDP peer shows ({S},{G}) with RP {learned['rp']} from peer {learned['peer']}")
        check(learned["rp"] == "198.18.2.2" and learned["peer"] == "198.18.2.2",
              f"A: the Fanout MSDP peer holds ({S},{G}) from FRR 198.18.2.2 with FRR's originator address "
              f"198.18.2.2 as RP (saw {learned})")

        rx = rcv.mcast_recv(G2, rcv_if, duration=12, count=200, idle=3, name="recv-g2")
        poll(lambda: frr_entry(frr.vtysh("show ip pim join", json_output=True).get("eth0", {}), G2, "*"),
             timeout=15, what=f"FRR holds the client's (*,{G2}) Join on the tunnel")
        tx = src2.mcast_send(G2, "eth0", rate=50, count=200, ttl=8, name="send-g2").result(timeout=30)
        got = rx.result(timeout=30)
        print(f"A: {G2} from src2 behind FRR: sent {tx['sent']}, rcv behind the client received {got['received']}")
        check(got["received"] >= 0.9 * tx["sent"],
              f"A: the client's joined group {G2} flows through FRR while it beacons (>= 90%: {got['received']}/"
              f"{tx['sent']})")

        first = beacon(client)
        check(first["register_stops"] >= 1, f"A: the client counted FRR's Register-Stops ({first})")
        later = poll(lambda: (b := beacon(client))["packets_sent"] >= first["packets_sent"] + 2 and b, timeout=10,
                     what="the client keeps beaconing after FRR's Register-Stops")
        print(f"A: client beacon: sent {first['packets_sent']} -> {later['packets_sent']}, Register-Stops "
              f"{first['register_stops']} -> {later['register_stops']}, errors {later['send_errors']}")
        check(later["send_errors"] == 0, f"A: no beacon send errors ({later})")
        check("198.18.1.2" in frr.vtysh("show ip pim neighbor", json_output=True).get("eth0", {}),
              "A: still PIM neighbors after the beacons")
        print("A: client show ip pim beacon:\n" + client.fanout("show ip pim beacon", json_output=False))
        print("A: FRR's log of the first Register exchange:\n" + "\n".join(register_log(frr)[:2]))
        dump.stop()
        check_tunnel_capture(pcap, "198.18.1.2")


def variant_b() -> None:
    with Lab() as lab:
        client, device, peer = (lab.node(n, router=True) for n in ("client", "device", "peer"))
        lab.link(client, device, "198.18.1.2/24", "198.18.1.1/24")
        lab.link(device, peer, "198.18.2.1/24", "198.18.2.2/24")
        device.add_loopback(RP + "/32")
        device.add_route(S + "/32", via="198.18.1.2")  # the client has no route to the RP: egress is pinned
        # FRR's peer-RPF for an SA with RP 198.18.255.1: the next hop toward the RP is the MSDP peer.
        for prefix in (RP + "/32", S + "/32", "198.18.1.0/24"):
            peer.add_route(prefix, via="198.18.2.1")
        lab.wait_up()
        frr = peer.start_frr(frr_conf("peer", ["eth0"], ["ip msdp timers 60 75 2",
                                                          "ip msdp peer 198.18.2.1 source 198.18.2.2"],
                                           rp_here=False))
        device.start_pimd(pimd_yaml(device, {"eth0": HELLO, "eth1": HELLO}, extra=f"""rp:
  - address: {RP}
msdp:
  local-address: 198.18.2.1
  originator-id: {RP}
  connect-retry: 2s
  peers:
    - {{address: 198.18.2.2, description: FRR MSDP peer}}
"""))
        client.start_pimd(pimd_yaml(client, {"eth0": HELLO}, extra=f"rp:\n  - address: {RP}\n" + BEACON))
        local = poll(lambda: (e := fanout_sa(device, S, G)) and e["local"] and e, timeout=20,
                     what=f"the Fanout device originates ({S},{G}) learned from the beacon's Register")
        check(local["rp"] == RP, f"B: the device's originated SA carries RP {RP} ({local})")
        print("B: Fanout device show ip msdp sa:\n" + device.fanout("show ip msdp sa", json_output=False))
        try:
            sa = poll(lambda: frr_entry(frr.vtysh("show ip msdp sa", json_output=True), G, S), timeout=20,
                      what=f"FRR's show ip msdp sa holds ({S},{G}) from the Fanout device")
        except Exception:
            show_frr_failure(frr, "B")
            raise
        print(f"B: FRR show ip msdp sa ({S},{G}): {json.dumps(sa)}")
        print("B: FRR show ip msdp sa:\n" + frr.vtysh("show ip msdp sa"))
        print("B: FRR show ip msdp peer:\n" + frr.vtysh("show ip msdp peer"))
        check(sa.get("rp") == RP and sa.get("local") == "no",
              f"B: FRR holds ({S},{G}) learned from the device with RP {RP} (saw {sa})")
        b = beacon(client)
        print(f"B: client beacon: sent {b['packets_sent']}, Register-Stops {b['register_stops']}")
        check(b["packets_sent"] >= 2, f"B: the client keeps beaconing ({b})")


def variant_a_non_neighbor() -> None:
    """FRR as the device and a client that is not its PIM neighbor (PIM off on the tunnel, as in
    etc/pimd-beacon-client.yaml): FRR still accepts the beacon, no register-accept-list needed."""
    with Lab() as lab:
        client, device = lab.node("client", router=True), lab.node("device", router=True)
        lab.link(client, device, "198.18.1.2/24", "198.18.1.1/24")
        device.add_loopback(RP + "/32")
        client.add_loopback(S + "/32")
        device.add_route(S + "/32", via="198.18.1.2")
        lab.wait_up()
        # An MSDP peer that never answers: FRR originates SAs only with MSDP configured.
        frr = device.start_frr(frr_conf("device", ["eth0"], ["ip msdp peer 198.18.1.9 source 198.18.1.1"],
                                        rp_here=True))
        client.start_pimd(pimd_yaml(client, {"eth0": {"pim": False}}, extra=BEACON))
        try:
            sa = poll(lambda: frr_entry(frr.vtysh("show ip msdp sa", json_output=True), G, S), timeout=15,
                      what=f"FRR originates ({S},{G}) from a non-neighbor's beacon")
        except Exception:
            show_frr_failure(frr, "A, non-neighbor")
            raise
        nbrs = frr.vtysh("show ip pim neighbor", json_output=True).get("eth0", {})
        check(not nbrs and sa.get("local") == "yes",
              f"A (non-neighbor): FRR, with no PIM neighbor on the tunnel ({nbrs}), learns ({S},{G}) from the "
              f"beacon and originates it (SA {sa})")
        b = poll(lambda: (x := beacon(client))["register_stops"] >= 1 and x, timeout=5,
                 what="the non-neighbor client counts FRR's Register-Stops")
        print(f"A (non-neighbor): client beacon sent {b['packets_sent']}, Register-Stops {b['register_stops']}; "
              "FRR's log:\n" + "\n".join(register_log(frr)[:2]))


def main() -> int:
    variant_a_non_neighbor()
    variant_a()
    variant_b()
    print("pimd_beacon_frr: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
