#!/usr/bin/env python3
"""pimd e2e: PIM-SM on a LAN with two forwarders: DR election, Assert (RFC 7761 4.3.2, 4.6), no duplicates after.

    src 198.19.1.3 --- slan --- r1 (.1)  r2 (.2)            SSM (S,G) = (198.19.1.3, 232.1.1.1), no RP
                                 |        |
    h (.4, receiver) ------- dlan: r1 .1 (DR priority 10), r2 .2, r3 .3
                                                             |
                                                            r3 --- h3 (receiver)    r3 routes slan via r2

r1 is DR on dlan (priority 10 beats the higher addresses of r2 and r3) and has h's IGMPv3 INCLUDE membership
(igmpd -> pimd over IPC), so it forwards (S,G) onto dlan. r3 has its own receiver and its RPF toward the source is
r2, so r3 sends Join(S,G) to r2 on dlan and r2 forwards onto dlan too: h and h3 see every packet twice until the
Assert. Both routers are directly connected to the source (same preference and metric): the higher address, r2,
wins (4.6.3). The loser r1 removes dlan from its (S,G) olist (its MFC entry no longer has it) and h counts no
duplicates afterwards. On slan (equal priorities) the highest address, r2, is DR.

Prints how long the duplicates lasted (duplicates counted by the receiver / rate). Needs root (otherwise exit 77).
"""

import os
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

from lab import Lab, poll  # noqa: E402
from pimd_setup import mroute, neighbor_addresses, pimd_yaml  # noqa: E402
from pimd_sm_common import check, igmpd_yaml, show  # noqa: E402

SRC, GROUP, RATE = "198.19.1.3", "232.1.1.1", 100
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}


def oif_names(row):
    return sorted(o["interface"] for o in (row or {}).get("oifs", []))


def main() -> int:
    with Lab() as lab:
        r1, r2, r3 = (lab.node(n, router=True) for n in ("r1", "r2", "r3"))
        src, h, h3 = lab.node("src"), lab.node("h"), lab.node("h3")
        s_if = lab.lan("slan", [r1, r2, src])
        d_if = lab.lan("dlan", [r1, r2, r3, h])
        r3_h3, h3_if = lab.link(r3, h3)
        r3.add_route("198.19.1.0/24", via="198.19.2.2")
        r1.start_pimd(pimd_yaml(r1, {s_if["r1"]: HELLO, d_if["r1"]: {**HELLO, "dr-priority": 10, "igmp": True}}))
        r2.start_pimd(pimd_yaml(r2, {s_if["r2"]: HELLO, d_if["r2"]: HELLO}))
        r3.start_pimd(pimd_yaml(r3, {d_if["r3"]: HELLO, r3_h3: {"pim": False, "igmp": True}}))
        r1.start_igmpd(igmpd_yaml(r1, [d_if["r1"]]))
        r3.start_igmpd(igmpd_yaml(r3, [r3_h3]))

        poll(lambda: neighbor_addresses(r1, d_if["r1"]) == {"198.19.2.2", "198.19.2.3"}, timeout=10,
             what="r1 sees r2 and r3 on dlan")
        for r in (r1, r2, r3):
            r.wait_json(f"show ip pim interface {d_if[r.name]}",
                        predicate=lambda d: d["interfaces"][0]["dr"] == "198.19.2.1", timeout=10)
        check(True, "dlan: every router elects r1 (198.19.2.1, priority 10) as DR over higher addresses")
        for r in (r1, r2):
            r.wait_json(f"show ip pim interface {s_if[r.name]}",
                        predicate=lambda d: d["interfaces"][0]["dr"] == "198.19.1.2", timeout=10)
        check(True, "slan: equal priorities, both elect the highest address r2 (198.19.1.2) as DR")

        rx_h = h.mcast_recv(GROUP, "eth0", source=SRC, duration=14, name="recv-h")
        rx_h3 = h3.mcast_recv(GROUP, h3_if, source=SRC, duration=14, name="recv-h3")
        poll(lambda: any(m["group"] == GROUP for m in r1.fanout("show ip igmp-membership")["memberships"]),
             timeout=10, what="r1's pimd has h's (S,G) membership from igmpd")
        poll(lambda: any(j["source"] == SRC and j["interface"] == d_if["r2"] and j["state"] == "Join"
                         for j in show(r2, "show ip pim join")), timeout=10,
             what="r2 has r3's Join(S,G) on dlan")
        check(True, "r1 has the local (S,G) membership; r2 has r3's downstream Join(S,G) on dlan")
        t0 = time.monotonic()
        tx = src.mcast_send(GROUP, "eth0", rate=RATE, duration=10, ttl=8)
        asserts = poll(lambda: (lambda a: a if len(a) == 2 else None)(
            [x for r in (r1, r2) for x in show(r, "show ip pim assert")
             if x["group"] == GROUP and x["interface"] in (d_if["r1"], d_if["r2"])]), timeout=8,
            what="r1 and r2 hold assert state for (S,G) on dlan")
        t_assert = time.monotonic() - t0
        print(f"assert state: {asserts}")
        by = {a["router"]: a for a in asserts}
        check(by["r2"]["state"] == "winner" and by["r1"]["state"] == "loser" and by["r1"]["winner"] == "198.19.2.2",
              "r2 (higher address, equal metrics) wins the Assert; r1 is the loser with winner 198.19.2.2")
        loser = poll(lambda: (lambda m: m if m and d_if["r1"] not in oif_names(m) else None)(
            mroute(r1, SRC, GROUP)), timeout=5, what="r1's MFC (S,G) without dlan")
        check(True, f"r1 (loser) pruned dlan from its MFC entry (oifs {oif_names(loser)})")
        winner = mroute(r2, SRC, GROUP)
        check(d_if["r2"] in oif_names(winner), f"r2 (winner) forwards onto dlan (oifs {oif_names(winner)})")
        rx_after = h.mcast_recv(GROUP, "eth0", source=SRC, duration=3, name="recv-after")
        after = rx_after.result(timeout=10)
        sent = tx.result(timeout=20)
        rh, rh3 = rx_h.result(timeout=20), rx_h3.result(timeout=20)
        dup_ms = rh["duplicates"] * 1000 / RATE
        print(f"sent {sent['sent']}; h received {rh['received']} ({rh['duplicates']} duplicates), "
              f"h3 received {rh3['received']} ({rh3['duplicates']} duplicates); assert seen after {t_assert:.2f} s")
        print(f"duplicate window at h: {dup_ms:.0f} ms ({rh['duplicates']} duplicates at {RATE} pkt/s)")
        check(after["received"] >= 0.9 * 3 * RATE and after["duplicates"] == 0,
              f"after the assert h counts {after['received']} packets in 3 s and no duplicates "
              f"({after['duplicates']})")
        check(rh["received"] >= 0.97 * sent["sent"] and rh3["received"] >= 0.97 * sent["sent"],
              f"h and h3 received at least 97% of {sent['sent']} ({rh['received']}, {rh3['received']})")
        check(rh["duplicates"] < 0.5 * sent["sent"],
              f"duplicates at h were limited to the assert window ({rh['duplicates']} of {sent['sent']})")
        stats = r1.fanout("show ip pim statistics")
        print(f"r1 statistics: {stats.get('pim', {}).get('rx')} rx, {stats.get('pim', {}).get('tx')} tx")
        text = r1.fanout("show ip mroute", json_output=False)
        check(GROUP in text, f"r1 show ip mroute:\n{text}")
    print("pimd_sm_lan_assert: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
