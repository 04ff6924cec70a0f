#!/usr/bin/env python3
"""pimd e2e: Prune override on a multi-access LAN (RFC 7761 4.5.3 PrunePending, 4.5.7 "See Prune(S,G) to
RPF'(S,G)" -> Override Timer -> Join).

    src 198.18.1.2 --- u (upstream, first hop) --- ulan 198.19.1.0/24: u .1, a .2, b .3
                                                      a --- ha (receiver)    b --- hb (receiver)

a and b both join (S,G) = (198.18.1.2, 232.1.1.1) toward u on ulan (SSM, no RP, so no Register is involved). ha
leaves: a sends Prune(S,G) to u; u goes to PrunePending for J/P_Override_Interval (propagation delay, 2 s as
configured here, + override interval 2.5 s); b, still joined, sees the Prune addressed to its RPF'(S,G) and sends
a Join before the interval ends, so u never removes ulan from its olist. A packet capture on ulan (tcpdump in u, decoded by
tshark) shows a's Prune followed by b's Join; hb loses nothing across the prune.

Needs root (otherwise exit 77) and tcpdump + tshark.
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
sys.path.insert(0, str(REPO / "tests" / "e2e" / "pimd_sm_lib"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)
if not shutil.which("tcpdump") or not shutil.which("tshark"):
    print("SKIP: tcpdump and tshark are needed to observe the override Join (.ci/install-deps installs them)")
    sys.exit(77)

from lab import Lab, poll, run  # noqa: E402
from pimd_setup import mroute, neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml, mroute_oifs, show  # noqa: E402

SRC, GROUP, RATE, DURATION = "198.18.1.2", "232.1.1.1", 100, 11
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}
# On ulan every router advertises a 2 s propagation delay in its LAN Prune Delay option (RFC 7761 4.3.3), so u's
# J/P_Override_Interval is 2 s + 2.5 s while b's override Join still leaves within rand(0, 2.5 s): at least 2 s
# to spare for a host that stalls the lab's processes for a moment (the 500 ms default left 0.5 s).
ULAN_HELLO = {**HELLO, "propagation-delay": "2000ms"}


def jp_messages(pcap: Path) -> list[dict]:
    """Join/Prune messages in the capture: time, sender, upstream neighbor, joins, prunes."""
    out = run(["tshark", "-r", pcap, "-Y", "pim.type == 3", "-T", "fields", "-E", "separator=;",
               "-e", "frame.time_relative", "-e", "ip.src", "-e", "pim.upstream_neighbor", "-e", "pim.numjoins",
               "-e", "pim.numprunes"]).stdout
    msgs = []
    for line in out.splitlines():
        t, src, up, nj, np_ = (line.split(";") + [""] * 5)[:5]
        msgs.append({"t": float(t), "src": src, "upstream": up, "joins": sum(int(x or 0) for x in nj.split(",")),
                     "prunes": sum(int(x or 0) for x in np_.split(","))})
    return msgs


def main() -> int:
    with Lab() as lab:
        u, a, b = (lab.node(n, router=True) for n in ("u", "a", "b"))
        src, ha, hb = lab.node("src"), lab.node("ha"), lab.node("hb")
        lab.link(src, u, "198.18.1.2/24", "198.18.1.1/24")
        a_h, ha_if = lab.link(a, ha, "198.18.2.1/24", "198.18.2.2/24")
        b_h, hb_if = lab.link(b, hb, "198.18.3.1/24", "198.18.3.2/24")
        lan = lab.lan("ulan", [u, a, b])
        for r in (a, b):
            r.add_route("198.18.1.0/24", via="198.19.1.1")
        u.start_pimd(pimd_yaml(u, {"eth0": HELLO, lan["u"]: ULAN_HELLO}))
        for r, h_if in ((a, a_h), (b, b_h)):
            r.start_pimd(pimd_yaml(r, {lan[r.name]: ULAN_HELLO, h_if: {"pim": False, "igmp": True}}))
            r.start_igmpd(igmpd_yaml(r, [h_if]))
        poll(lambda: neighbor_addresses(u, lan["u"]) == {"198.19.1.2", "198.19.1.3"}, timeout=10,
             what="u sees a and b on ulan")
        check(True, "u, a and b are PIM neighbors on ulan")
        ui = u.fanout(f"show ip pim interface {lan['u']}")["interfaces"][0]
        window_s = (ui["effective_propagation_delay_ms"] + ui["effective_override_interval_ms"]) / 1000
        check(window_s == 4.5, f"u's J/P_Override_Interval on ulan is the neighbors' 2 s propagation delay + 2.5 s "
              f"override interval ({ui['effective_propagation_delay_ms']} + {ui['effective_override_interval_ms']} ms)")
        cap = u.run_dir / "ulan.pcap"
        dump = u.capture("tcpdump", lan["u"], cap, "ip proto 103")

        rx_a = ha.mcast_recv(GROUP, ha_if, source=SRC, duration=DURATION, count=2 * RATE, name="recv-ha")
        rx_b = hb.mcast_recv(GROUP, hb_if, source=SRC, duration=DURATION + 4, idle=2, name="recv-hb")
        for r in (a, b):
            poll(lambda: any(x["state"] == "Joined" for x in show(r, "show ip pim upstream") if x["group"] == GROUP),
                 timeout=10, what=f"{r.name}: upstream (S,G) Joined")
        poll(lambda: any(j["interface"] == lan["u"] and j["state"] == "Join" for j in show(u, "show ip pim join")),
             timeout=10, what="u: Join(S,G) on ulan")
        check(True, "a and b are Joined toward u; u has Join(S,G) on ulan")
        tx = src.mcast_send(GROUP, "eth0", rate=RATE, duration=DURATION, ttl=8)
        ra = rx_a.result(timeout=15)  # ha's receiver exits after 2 s of traffic: the kernel sends the leave
        t_leave = time.monotonic()
        check(ra["received"] > 0, f"ha received {ra['received']} packets before leaving")
        poll(lambda: not any(x["state"] == "Joined" for x in show(a, "show ip pim upstream")
                             if x["group"] == GROUP), timeout=8, what="a: upstream (S,G) leaves Joined")
        print(f"a stopped being Joined {time.monotonic() - t_leave:.2f} s after ha left")
        # Stay past u's J/P_Override_Interval and check ulan is still forwarded.
        states = set()
        end = time.monotonic() + window_s + 1
        while time.monotonic() < end:
            states |= {j["state"] for j in show(u, "show ip pim join") if j["interface"] == lan["u"]}
            time.sleep(0.1)
        print(f"u's downstream (S,G) states on ulan seen after the prune: {sorted(states)}")
        m = mroute(u, SRC, GROUP)
        check(m and lan["u"] in mroute_oifs(m), f"u still forwards onto ulan after the override ({m})")
        sent, rb = tx.result(timeout=30), rx_b.result(timeout=30)
        time.sleep(0.5)
        dump.stop()
        msgs = jp_messages(cap)
        for x in msgs:
            print(f"  J/P t={x['t']:.3f} from {x['src']} to {x['upstream']}: {x['joins']} joins, "
                  f"{x['prunes']} prunes")
        prunes = [x for x in msgs if x["src"] == "198.19.1.2" and x["prunes"] > 0]
        check(prunes, "the capture shows a's Prune(S,G) to u")
        t_prune = prunes[0]["t"]
        overrides = [x for x in msgs if x["src"] == "198.19.1.3" and x["joins"] > 0 and x["t"] >= t_prune]
        check(overrides and overrides[0]["t"] - t_prune <= window_s,
              f"b overrides it with a Join {overrides[0]['t'] - t_prune if overrides else None} s after the "
              f"Prune (within u's {window_s} s J/P_Override_Interval)")
        print(f"sent {sent['sent']}; hb received {rb['received']}, lost in range {rb['lost_in_range']}, "
              f"duplicates {rb['duplicates']}")
        check(rb["lost_in_range"] == 0 and rb["received"] >= 0.99 * sent["sent"],
              f"hb lost nothing across the prune ({rb['received']}/{sent['sent']}, "
              f"{rb['lost_in_range']} missing)")
    print("pimd_sm_prune_override: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
