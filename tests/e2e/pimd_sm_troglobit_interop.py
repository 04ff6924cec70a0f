#!/usr/bin/env python3
"""pimd e2e, issue #5: Fanout pimd and troglobit pimd 2.3.2 as PIM-SM peers on topologies/line3, with one RP per
lab and an ASM stream each way through it (h1 = the line's "src" host 198.18.1.2, h3 = its "rcv" host 198.18.3.2):

    h1 198.18.1.2 --- eth0 r1 eth1 198.18.2.1 --- 198.18.2.2 eth0 r2 eth1 --- h3 198.18.3.2

  T. troglobit is the RP (r1 Fanout, r2 troglobit; RP = troglobit's link address 198.18.2.2: it cannot use a
     loopback as a PIM interface). DR on r1-r2: Fanout by priority (7 against troglobit's 1).
       T1 239.1.1.1 h1 -> h3: Fanout is h1's DR and registers to troglobit, which forwards to its receiver h3 and
          joins the SPT toward Fanout.
       T2 239.1.1.2 h3 -> h1: Fanout joins (*,G) toward the troglobit RP (RPF'(*,G) is the RP itself: its link
          address is directly connected), troglobit is h3's DR and the RP.
  F. Fanout is the RP (r1 troglobit, r2 Fanout; RP = Fanout's loopback 198.18.255.2). DR on r1-r2: troglobit by
     priority (10 against Fanout's 1).
       F1 239.1.1.1 h1 -> h3: troglobit is h1's DR and registers to Fanout, which forwards to h3 and joins the SPT.
       F2 239.1.1.2 h3 -> h1: troglobit joins (*,G) toward the Fanout RP, Fanout is h3's DR and the RP.
  Last, in lab T Fanout drops its priority to troglobit's (reload): troglobit, the higher address, wins by address.
Both sides must agree on the DR: Fanout's `show ip pim interface` (json) and troglobit's VIF table (`pimd -r`, its
state dump: Debian's 2.3.2 has no pimctl), where the DR flag marks the interfaces on which troglobit is the DR.

For each flow the receiver joins, the test polls until the tree is there (Fanout's join/upstream state, troglobit's
(*,G) in its dump), prints how long that took, then sends 300 datagrams at 100 pkt/s and counts them, no
duplicates allowed. A register flow runs a warm-up stream first (below) and may lose only its first datagrams; a
flow whose first hop needs no Register starts with one probe datagram from the new source, which must arrive,
and then loses none. troglobit's dump (VIFs with neighbors and DR flags, its multicast routing table) is printed
for each lab.

What troglobit does (2.3.2, seen in this lab): its timers tick in 5 s steps and it drops a neighbor whose holdtime
is shorter than a tick, so Fanout's hello toward it is 10 s; it ignores its static RP for the first ~15 s, so
both labs start it first and the receivers join once that time has passed (no log line marks it when troglobit
is the RP itself). As the RP for Fanout's Registers (T1) it delivers the decapsulated datagrams at once, but
moves its kernel entry to the native (S,G) path only at a timer tick (2.8-4.2 s after the first Register) and
then sends one Register-Stop; at that switch one datagram can be lost (1 of 300 in 2 of 3 runs, seq 296 in the
one captured, when the switch fell inside the counted stream), so T1 and F1 run a warm-up stream to another port
until the RP is on the source tree (troglobit: `ip mroute` iif eth0; Fanout: SPTbit), then the counted stream
follows. Its (*,G) Join toward the Fanout RP (F2) leaves at its next tick: up to ~5 s after the IGMP report.
Found here: Fanout sent no (*,G) Join toward an RP on a neighbor's link address (T2; RPF'(*,G) had no neighbor
because the RP is directly connected), fixed in SparseMode::mrib_neighbor (tests/unit/pimd/rpf_neighbor_test.cpp).
Needs root (otherwise exit 77). Without troglobit pimd (no cached copy and no apt access) it prints SKIPPED with
the reason and exits 77.
"""

import os
import re
import signal
import subprocess
import sys
import time
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

import lab as lablib  # noqa: E402
from lab import Lab, poll  # noqa: E402
from pimd_setup import neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml, show  # noqa: E402
import topology as line3  # noqa: E402

G1, G2 = "239.1.1.1", "239.1.1.2"
H1, H3 = "198.18.1.2", "198.18.3.2"
R1_LINK, R2_LINK = "198.18.2.1", "198.18.2.2"
TROG_RP, FANOUT_RP = R2_LINK, "198.18.255.2"
COUNT, RATE = 300, 100
MAX_SETUP_LOSS = 10  # datagrams that may be lost at the start of a stream (register -> SPT switch)
TROG_RP_DELAY_S = 16.0  # troglobit uses its static RP only ~15 s after it starts
HELLO = {"hello-interval": "10s"}  # toward troglobit: 3.5 x 10 s holdtime survives its 5 s timer ticks
TIMERS = "join-prune-interval: 10s\nspt-switchover: immediate\n"


# ---- troglobit's state dump (`pimd -r`) -------------------------------------------------------------------------

def trog_vifs(dump: str) -> list[dict]:
    """Rows of the Virtual Interface Table: vif, address, subnet, flags, neighbors."""
    rows = []
    table = dump.split("Virtual Interface Table", 1)[-1].split("Multicast Routing Table", 1)[0]
    for line in table.splitlines():
        m = re.match(r"^\s*(\d+)\s+(\d+\.\d+\.\d+\.\d+)\s+(\S+)\s+\d+\s*(.*)$", line)
        if not m:
            continue
        words = m.group(4).split()
        rows.append({"vif": int(m.group(1)), "address": m.group(2), "subnet": m.group(3),
                     "flags": [w for w in words if not re.match(r"\d+\.\d+\.\d+\.\d+$", w)],
                     "neighbors": [w for w in words if re.match(r"\d+\.\d+\.\d+\.\d+$", w)]})
    return rows


def trog_vif(dump: str, address: str) -> dict:
    rows = [v for v in trog_vifs(dump) if v["address"] == address and v["subnet"] != "register_vif0"]
    return rows[0] if rows else {}


def trog_entries(dump: str) -> list[dict]:
    """(*,G) and (S,G) entries of the multicast routing table: source, group, rp, flags and the per-vif oif
    strings (one character per vif, '.' when not set) of its Joined / Leaves / Outgoing / Incoming lines."""
    entries: list[dict] = []
    cur: dict | None = None
    for line in dump.split("Multicast Routing Table", 1)[-1].splitlines():
        m = re.match(r"^(INADDR_ANY|\d+\.\d+\.\d+\.\d+)\s+(\d+\.\d+\.\d+\.\d+)\s+(\S+)\s*(.*)$", line)
        if m:
            cur = {"source": "*" if m.group(1) == "INADDR_ANY" else m.group(1), "group": m.group(2),
                   "rp": m.group(3), "flags": m.group(4).split()}
            entries.append(cur)
            continue
        m = re.match(r"^(Joined|Pruned|Leaves|Asserted|Outgoing)\s+oifs:\s*(\S+)", line)
        if m and cur is not None:
            cur[m.group(1).lower()] = m.group(2)
        m = re.match(r"^Incoming\s*:\s*(\S+)", line)
        if m and cur is not None:
            cur["incoming"] = m.group(1)
    return entries


def trog_star_g(dump: str, group: str) -> dict:
    rows = [e for e in trog_entries(dump) if e["source"] == "*" and e["group"] == group]
    return rows[0] if rows else {}


def oif_set(entry: dict, key: str, vif: int) -> bool:
    s = entry.get(key, "")
    return len(s) > vif and s[vif] != "."


# ---- labs ---------------------------------------------------------------------------------------------------------

def start_lab_t(lab):
    """Lab T: r1 Fanout (+ igmpd for h1), r2 troglobit, RP = troglobit's 198.18.2.2."""
    topo = line3.build(lab)
    r1, r2 = topo.r1, topo.r2
    trog = r2.start_troglobit_pimd(f"rp-address {TROG_RP} 224.0.0.0/4\nhello-interval 30\n",
                                   ["--debug=pim_hello", "-s", "debug"])
    rp = f"rp:\n  - address: {TROG_RP}\n    groups: [224.0.0.0/4]\n" + TIMERS
    ifaces = {"eth0": {**HELLO, "igmp": True}, "eth1": {**HELLO, "dr-priority": 7}}
    pimd = r1.start_pimd(pimd_yaml(r1, ifaces, extra=rp))
    r1.start_igmpd(igmpd_yaml(r1, ["eth0"], version=2, query_interval="5s"))
    return {"name": "T", "topo": topo, "trog": trog, "fanout": r1, "pimd": pimd, "pimd_ifaces": ifaces,
            "rp_extra": rp, "fanout_if": "eth1", "fanout_addr": R1_LINK, "trog_addr": R2_LINK,
            "t0": time.monotonic()}


def start_lab_f(lab):
    """Lab F: r1 troglobit (DR priority 10 toward r2), r2 Fanout (+ igmpd for h3), RP = Fanout's loopback."""
    topo = line3.build(lab)
    r1, r2 = topo.r1, topo.r2
    trog = r1.start_troglobit_pimd(f"rp-address {FANOUT_RP} 224.0.0.0/4\nhello-interval 30\n"
                                   "phyint eth1 dr-priority 10\n", ["--debug=pim_hello", "-s", "debug"])
    rp = f"rp:\n  - address: {FANOUT_RP}\n    groups: [224.0.0.0/4]\n" + TIMERS
    ifaces = {"eth0": HELLO, "eth1": {**HELLO, "igmp": True}}
    pimd = r2.start_pimd(pimd_yaml(r2, ifaces, extra=rp))
    r2.start_igmpd(igmpd_yaml(r2, ["eth1"], version=2, query_interval="5s"))
    return {"name": "F", "topo": topo, "trog": trog, "fanout": r2, "pimd": pimd, "pimd_ifaces": ifaces,
            "rp_extra": rp, "fanout_if": "eth0", "fanout_addr": R2_LINK, "trog_addr": R1_LINK,
            "t0": time.monotonic()}


def fanout_dr(lab_) -> dict:
    rows = lab_["fanout"].fanout(f"show ip pim interface {lab_['fanout_if']}")["interfaces"]
    return rows[0] if rows else {}


def check_dr(lab_, dr: str, why: str) -> None:
    """Both sides name `dr` as the DR of the r1-r2 link: Fanout's JSON, troglobit's DR flag on that VIF."""
    name, trog = lab_["name"], lab_["trog"]
    trog_is_dr = dr == lab_["trog_addr"]
    poll(lambda: trog_vif(trog.dump(), lab_["trog_addr"]).get("neighbors") == [lab_["fanout_addr"]], timeout=20,
         interval=0.5, what=f"{name}: troglobit lists Fanout {lab_['fanout_addr']} as its neighbor")
    poll(lambda: neighbor_addresses(lab_["fanout"], lab_["fanout_if"]) == {lab_["trog_addr"]}, timeout=20,
         what=f"{name}: Fanout lists troglobit {lab_['trog_addr']} as its neighbor")
    f = lab_["fanout"].wait_json(f"show ip pim interface {lab_['fanout_if']}", timeout=10,
                                 predicate=lambda d: d["interfaces"] and d["interfaces"][0]["dr"] == dr)["interfaces"][0]
    v = poll(lambda: (lambda v: v if ("DR" in v.get("flags", [])) == trog_is_dr else None)(
        trog_vif(trog.dump(), lab_["trog_addr"])), timeout=15, interval=0.5,
        what=f"{name}: troglobit's VIF {lab_['trog_addr']} {'has' if trog_is_dr else 'lacks'} the DR flag")
    check(f["dr"] == dr and f["i_am_dr"] == (not trog_is_dr) and ("DR" in v["flags"]) == trog_is_dr,
          f"{name}: DR on r1-r2 is {'troglobit' if trog_is_dr else 'Fanout'} {dr} ({why}) on both sides "
          f"(Fanout: dr {f['dr']}, i_am_dr {f['i_am_dr']}, DR priority {f.get('dr_priority')}; troglobit VIF "
          f"{v['address']} flags {v['flags']}, neighbors {v['neighbors']})")


def wait_rp_time(lab_) -> None:
    """troglobit ignores its static RP for ~15 s after it starts; no log line marks it when it is the RP."""
    left = lab_["t0"] + TROG_RP_DELAY_S - time.monotonic()
    if left > 0:
        time.sleep(left)


def flow(lab_, tag: str, group: str, sender, receiver, tree_ready, spt_ready=None) -> dict:
    """receiver joins; poll tree_ready (prints the time it took). With spt_ready (a register flow) a warm-up
    stream to another port runs until spt_ready() says the RP switched to h1's source tree, and then COUNT
    datagrams at RATE are counted: only the first may be lost. Without it (the first-hop router is the RP or has a
    native path to it) one probe datagram to another port comes first, from the new source: it must arrive (the
    first-hop router's kernel queues it while the entry is unresolved and sends it on once the router resolves
    the entry, however long that takes) and then the COUNT datagrams, on the entries it set up, must all arrive.
    How fast a router resolves a new source is a timing figure, measured by topologies/perf (`newsrc`): counting
    it here in datagrams lost at 100 pkt/s failed this test whenever the host stalled a router for 0.1 s."""
    hosts = {"src": "h1", "rcv": "h3"}
    what = f"{lab_['name']}{tag} {group} {hosts[sender.name]} -> {hosts[receiver.name]}"
    pcap = Path(receiver.run_dir) / f"{lab_['name']}{tag}.pcap"
    cap = receiver.capture(f"tcpdump-{lab_['name']}{tag}", "eth0", pcap,
                           bpf=f"udp and dst host {group} and dst port 5001")
    rx = receiver.mcast_recv(group, "eth0", duration=45, count=COUNT, idle=2, name=f"recv-{tag}")
    t_join = time.monotonic()
    state = poll(tree_ready, timeout=25, interval=0.2, what=f"{what}: the tree is built")
    tree_s = time.monotonic() - t_join
    print(f"{what}: tree built {tree_s:.2f} s after the receiver joined ({state})")
    if spt_ready:
        # The RP's switch from the Registers to the native (S,G) path can drop the one datagram that arrives
        # natively before it and encapsulated after it: that switch is tree set-up too, so it happens here.
        warm = sender.mcast_send(group, "eth0", port=5002, rate=RATE, count=20 * RATE, ttl=8, name=f"warm-{tag}")
        t_warm = time.monotonic()
        state = poll(spt_ready, timeout=20, interval=0.2, what=f"{what}: the RP switched to the source tree")
        print(f"{what}: the RP joined the source tree {time.monotonic() - t_warm:.2f} s after the first warm-up "
              f"datagram ({state})")
        warm.stop()
        max_loss = MAX_SETUP_LOSS
    else:
        probe_rx = receiver.mcast_recv(group, "eth0", port=5002, duration=20, count=1, name=f"probe-recv-{tag}")
        sender.mcast_send(group, "eth0", port=5002, count=1, ttl=8, name=f"probe-{tag}").result(timeout=10)
        probe = probe_rx.result(timeout=25)
        check(probe["received"] == 1, f"{what}: the new source's first datagram (a probe) reached the receiver "
              f"({probe['received']} of 1)")
        max_loss = 0
    sent = sender.mcast_send(group, "eth0", rate=RATE, count=COUNT, ttl=8, name=f"send-{tag}").result(timeout=30)
    got = rx.result(timeout=40)
    latency = (got["first_packet_ns"] - sent["first_send_ns"]) / 1e6 if got["first_packet_ns"] else None
    print(f"{what}: sent {sent['sent']}, received {got['received']}, first seq {got['first_seq']}, last seq "
          f"{got['last_seq']}, lost within the range {got['lost_in_range']}, duplicates {got['duplicates']}, "
          f"first packet {latency} ms after the first send")
    time.sleep(1.0)  # tcpdump's last block of packets reaches the file before it is stopped
    cap.stop()
    missing = sorted(set(range(COUNT)) - set(datagram_seqs(pcap)))
    print(f"{what}: sequence numbers missing on the receiver's link: {missing[:20]}")
    first = got["first_seq"] if got["first_seq"] is not None else COUNT
    check(got["received"] >= COUNT - max_loss and first <= max_loss and got["lost_in_range"] == 0
          and got["last_seq"] == COUNT - 1 and got["duplicates"] == 0,
          f"{what}: after the tree was built at most {max_loss} of the first datagrams may be lost (expected >= "
          f"{COUNT - max_loss}/{COUNT}, first seq <= {max_loss}, none lost after the first, last seq "
          f"{COUNT - 1}, no duplicates; got {got['received']}, first {got['first_seq']}, lost in range "
          f"{got['lost_in_range']}, last {got['last_seq']}, duplicates {got['duplicates']})")
    return {"tree_s": tree_s, "received": got["received"]}


def kernel_iif(node, source: str, group: str) -> str | None:
    """The input interface of the kernel's MFC entry (source, group) in node (`ip mroute show`)."""
    out = node.run("ip", "mroute", "show", check=False).stdout
    m = re.search(rf"\({re.escape(source)},\s*{re.escape(group)}\)\s+Iif:\s+(\S+)", out)
    return m.group(1) if m else None


def datagram_seqs(pcap: Path) -> list[int]:
    """mcast.py sequence numbers (bytes 8-15 of its header) of the datagrams in a capture."""
    out = subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", "-e", "data.data"], capture_output=True,
                         text=True, check=True, timeout=60)
    return [int(x[16:32], 16) for x in out.stdout.split() if len(x) >= 32]


def fanout_has_join(node, group: str, iface: str):
    return [x for x in show(node, "show ip pim join")
            if x["group"] == group and x["source"] == "*" and x["interface"] == iface and x["state"] == "Join"]


def fanout_star_g_upstream(node, group: str, rpf_neighbor: str):
    return [u for u in show(node, "show ip pim upstream") if u["group"] == group and u["source"] == "*"
            and u["state"] == "Joined" and u["rpf_neighbor"] == rpf_neighbor]


def run_lab_t(lt) -> None:
    topo, trog, r1 = lt["topo"], lt["trog"], lt["fanout"]
    check_dr(lt, R1_LINK, "priority 7 against 1")
    wait_rp_time(lt)
    # T1: troglobit (RP) has h3's (*,G1) with its local receiver on eth1 (vif 1). The capture on r1-r2 shows
    # Fanout's Registers and troglobit's Register-Stops (if any) until the end of lab T.
    pcap = Path(r1.run_dir) / "t-r1-eth1.pcap"
    dump_proc = r1.capture("tcpdump-t", "eth1", pcap)
    flow(lt, "1", G1, topo.src, topo.rcv,
         lambda: (lambda e: e if oif_set(e, "leaves", 1) else None)(trog_star_g(trog.dump(), G1)),
         spt_ready=lambda: kernel_iif(topo.r2, H1, G1) == "eth0")
    # T2: Fanout's (*,G2) upstream is Joined toward the RP 198.18.2.2 and troglobit holds the Join on eth0 (vif 0).
    flow(lt, "2", G2, topo.rcv, topo.src,
         lambda: fanout_star_g_upstream(r1, G2, TROG_RP) and
         (lambda e: e if oif_set(e, "joined", 0) else None)(trog_star_g(trog.dump(), G2)))
    dump = trog.dump()
    print(f"T: troglobit (r2, the RP) `pimd -r`:\n{dump}")
    print(f"T: Fanout r1 show ip mroute:\n{r1.fanout('show ip mroute', json_output=False)}")
    # Equal priorities: the higher address (troglobit's 198.18.2.2) wins (4.3.2).
    cfg = Path(r1.run_dir) / "pimd.yaml"  # where start_pimd wrote the config text
    ifaces = {**lt["pimd_ifaces"], "eth1": HELLO}
    cfg.write_text(pimd_yaml(r1, ifaces, extra=lt["rp_extra"]))
    os.kill(lt["pimd"].pid, signal.SIGHUP)  # reload (`fanout reload` would also reach igmpd on this node)
    r1.wait_json("show ip pim interface eth1", timeout=10,
                 predicate=lambda d: d["interfaces"] and d["interfaces"][0]["dr_priority"] == 1)
    check(True, "T: Fanout reloaded with DR priority 1 on eth1")
    check_dr(lt, R2_LINK, "equal priority 1, the higher address")
    time.sleep(1.0)  # tcpdump's last block of packets reaches the file before it is stopped
    dump_proc.stop()
    report_registers(lt, pcap)


def report_registers(lt, pcap: Path) -> None:
    """Fanout (DR) registered h1's first datagrams to troglobit (RP): data Registers and Register-Stops on the
    wire, and Fanout counted every Register-Stop that reached it."""
    r1 = lt["fanout"]
    out = subprocess.run(["tshark", "-r", str(pcap), "-Y", "pim.type == 1 || pim.type == 2", "-T", "fields",
                          "-e", "ip.src", "-e", "pim.type", "-e", "pim.register_flag.null_register", "-E",
                          "occurrence=f"],
                         capture_output=True, text=True, check=True, timeout=60)
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    data = sum(1 for r in rows if len(r) >= 3 and r[1] == "1" and r[2] in ("0", "False"))
    stops = sum(1 for r in rows if len(r) >= 2 and r[1] == "2" and r[0] == TROG_RP)
    reg = r1.fanout("show ip pim register")
    c = reg["counters"]["dr"]
    entry = [e for e in reg["entries"] if e["role"] == "dr" and e["group"] == G1]
    print(f"T: on the wire r1-r2: {data} data Registers from Fanout, {stops} Register-Stops from troglobit; Fanout "
          f"show ip pim register: {entry}, registers_sent {c['registers_sent']}, register_stops_rx "
          f"{c['register_stops_rx']}")
    if stops == 0:
        print("T: troglobit (RP) sent no Register-Stop while the lab ran, so Fanout kept registering every datagram "
              "as RFC 7761 4.4.1 requires (Join state until a Register-Stop)")
    check(data >= 1 and c["registers_sent"] >= data, f"T: Fanout registered h1's datagrams to troglobit ({data} data "
          f"Registers on the wire, registers_sent {c['registers_sent']})")
    check(c["register_stops_rx"] >= stops, f"T: Fanout counted every Register-Stop troglobit sent (on the wire "
          f"{stops}, register_stops_rx {c['register_stops_rx']})")


def run_lab_f(lf) -> None:
    topo, trog, r2 = lf["topo"], lf["trog"], lf["fanout"]
    check_dr(lf, R1_LINK, "priority 10 against 1")
    wait_rp_time(lf)
    # F1: Fanout (RP) holds the (*,G1) of its own receiver h3; troglobit registers the first datagrams.
    flow(lf, "1", G1, topo.src, topo.rcv,
         lambda: [u for u in show(r2, "show ip pim upstream") if u["group"] == G1 and u["source"] == "*"],
         spt_ready=lambda: [u for u in show(r2, "show ip pim upstream")
                            if u["group"] == G1 and u["source"] == H1 and u["spt_bit"]])
    # F2: troglobit's (*,G2) for h1 (vif 0) reached the Fanout RP: Fanout holds the Join on eth0.
    flow(lf, "2", G2, topo.rcv, topo.src,
         lambda: fanout_has_join(r2, G2, "eth0") and
         (lambda e: e if oif_set(e, "leaves", 0) else None)(trog_star_g(trog.dump(), G2)))
    print(f"F: troglobit (r1) `pimd -r`:\n{trog.dump()}")
    print(f"F: Fanout r2 (the RP) show ip mroute:\n{r2.fanout('show ip mroute', json_output=False)}")
    reg = r2.fanout("show ip pim register")
    print(f"F: Fanout r2 show ip pim register: {reg.get('entries')} {reg.get('counters', {}).get('rp')}")


def troglobit_available() -> bool:
    try:
        lablib.troglobit_pimd_root()
        return True
    except Exception as e:  # noqa: BLE001 - no cached copy and no apt access
        print(f"SKIPPED: troglobit pimd is not available ({e})")
        return False


def main() -> int:
    if not troglobit_available():
        return 77
    t0 = time.monotonic()
    prefixes: list[str] = []
    while len(prefixes) < 2:  # distinct: a Lab whose prefix collides with a live one removes it as stale
        p = lablib.new_prefix()
        if p not in prefixes:
            prefixes.append(p)
    with Lab(prefixes[0]) as lab_t, Lab(prefixes[1]) as lab_f:
        lt = start_lab_t(lab_t)
        lf = start_lab_f(lab_f)
        run_lab_t(lt)
        run_lab_f(lf)
        for lab_ in (lt, lf):
            check(lab_["trog"].alive(), f"{lab_['name']}: troglobit pimd still runs")
    print(f"pimd_sm_troglobit_interop: all checks passed in {time.monotonic() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
