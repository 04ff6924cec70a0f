#!/usr/bin/env python3
"""igmpd e2e: querier election (RFC 3376 6.6.2). Two igmpd routers on one LAN elect the lower address: only it
sends general queries (counted in both daemons' statistics and on the wire); when it stops, the other takes
over after the Other Querier Present Interval (configured short: QI 2 s, OQPI 5 s). Then igmpd and FRR's IGMP
on one LAN agree on the querier, with igmpd as the lower address on one LAN and FRR on another.

    r1 (198.19.1.1) --+-- lan1 --+-- r2 (198.19.1.2)          election and failover
    r3 (198.19.2.1) --+-- lan2 --+-- frr (198.19.2.2)         igmpd wins; FRR follows
    frr (198.19.3.1) -+-- lan3 --+-- r4 (198.19.3.2)          FRR wins; igmpd follows

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import shutil
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

if os.geteuid() != 0:
    print("SKIP: igmpd e2e tests need root (network namespaces, raw IGMP sockets)")
    sys.exit(77)

from igmpd_membership import igmpd_yaml  # noqa: E402
from lab import Lab, check, poll  # noqa: E402

QI, OQPI = 2.0, 5.0
FAST = {"version": 3, "query-interval": "2s", "query-response-interval": "1s",
        "other-querier-present-interval": "5s", "startup-query-interval": "500ms"}


def iface(node, ifname) -> dict:
    return node.fanout(f"show ip igmp interface {ifname}")["interfaces"][0]


def queries_sent(node) -> int:
    return node.fanout("show ip igmp statistics")["tx"].get("v3_query", 0)


def election_and_failover(lab) -> None:
    r1, r2 = lab.node("r1", router=True), lab.node("r2", router=True)
    ifs = lab.lan("lan1", [r1, r2])
    d1 = r1.start_igmpd(igmpd_yaml(r1, {ifs["r1"]: FAST}, ipc=False))
    r2.start_igmpd(igmpd_yaml(r2, {ifs["r2"]: FAST}, ipc=False))
    a1 = r1.address(ifs["r1"])
    poll(lambda: iface(r1, ifs["r1"])["am_querier"] and not iface(r2, ifs["r2"])["am_querier"]
         and iface(r2, ifs["r2"])["querier"] == a1, timeout=10, what="r1 elected querier")
    check(True, f"the lower address {a1} (r1) is the querier; r2 sees it as querier")
    # Only the querier sends general queries: r2's count stands still while r1's grows.
    q1, q2 = queries_sent(r1), queries_sent(r2)
    time.sleep(3 * QI)
    d_q1, d_q2 = queries_sent(r1) - q1, queries_sent(r2) - q2
    check(d_q1 >= 2 and d_q2 == 0, f"in {3 * QI:.0f} s r1 sent {d_q1} queries, r2 sent {d_q2}")
    rx = r2.fanout("show ip igmp statistics")["rx"].get("v3_query", 0)
    check(rx >= d_q1, f"r2 received r1's queries ({rx})")

    t0 = time.monotonic()
    check(d1.stop() == 0, "r1's igmpd exits 0 on SIGTERM")
    poll(lambda: iface(r2, ifs["r2"])["am_querier"], timeout=OQPI + 5, interval=0.05, what="r2 takes over")
    failover = time.monotonic() - t0
    check(failover <= OQPI + 1.5, f"r2 became querier {failover:.2f} s after r1 stopped "
                                  f"(other-querier-present-interval {OQPI:.0f} s, QI {QI:.0f} s)")
    q2 = queries_sent(r2)
    poll(lambda: queries_sent(r2) > q2, timeout=QI + 2, what="r2 sends general queries")
    check(True, "r2 now sends the general queries")


FRR_CONF = """hostname {name}
interface {ifname}
 ip igmp
 ip igmp version 3
 ip igmp query-interval 2
 ip igmp query-max-response-time 10
!
"""


def frr_querier(frr, ifname) -> dict:
    data = frr.vtysh(f"show ip igmp interface {ifname}", json_output=True)
    return data.get(ifname, data)


def with_frr(lab) -> None:
    if not shutil.which("vtysh") or not Path("/usr/lib/frr/pimd").exists():
        print("skip - FRR is not installed: igmpd/FRR querier agreement not tested", flush=True)
        return
    r3, fr, r4 = lab.node("r3", router=True), lab.node("frr", router=True), lab.node("r4", router=True)
    lan2 = lab.lan("lan2", [r3, fr])
    lan3 = lab.lan("lan3", [fr, r4])
    f_if2, f_if3 = lan2["frr"], lan3["frr"]
    # FRR holds two LANs: its interface names differ per LAN.
    conf = FRR_CONF.format(name="frr", ifname=f_if2) + FRR_CONF.format(name="frr", ifname=f_if3).split("\n", 1)[1]
    frr = fr.start_frr(conf)
    r3.start_igmpd(igmpd_yaml(r3, {lan2["r3"]: FAST}, ipc=False))
    r4.start_igmpd(igmpd_yaml(r4, {lan3["r4"]: FAST}, ipc=False))
    a3, af3 = r3.address(lan2["r3"]), fr.address(f_if3)

    poll(lambda: iface(r3, lan2["r3"])["am_querier"] and iface(r4, lan3["r4"])["querier"] == af3
         and not iface(r4, lan3["r4"])["am_querier"], timeout=15, what="igmpd sides settle")
    check(True, f"lan2: igmpd ({a3}) is querier; lan3: igmpd follows FRR ({af3})")

    def frr_agrees():
        q2, q3 = frr_querier(frr, f_if2), frr_querier(frr, f_if3)
        ok2 = q2.get("querier") == "other" and q2.get("querierIp") == a3
        ok3 = q3.get("querier") == "local" and q3.get("querierIp") == af3
        return (q2, q3) if ok2 and ok3 else None
    try:
        q2, q3 = poll(frr_agrees, timeout=15, what="FRR agrees")
    except Exception:
        print(frr.vtysh(f"show ip igmp interface {f_if2}"), frr.vtysh(f"show ip igmp interface {f_if3}"))
        print(frr_querier(frr, f_if2), frr_querier(frr, f_if3))
        raise
    check(True, f"FRR: on lan2 the querier is {q2.get('querierIp')} (other), on lan3 itself ({q3.get('querierIp')})")


def main() -> int:
    with Lab() as lab:
        election_and_failover(lab)
        with_frr(lab)
    print("igmpd_querier: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
