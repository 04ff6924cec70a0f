#!/usr/bin/env python3
"""igmpd e2e: RFC 4605 IGMP proxy. igmpd on px owns the kernel multicast table (no pimd), with a VIF on the
upstream and on two downstream LANs. A stream sent upstream reaches exactly the downstream that joined: the
receiver there counts it, and a capture on the other downstream sees none of it (its host joined another group).
The proxy reports the merged membership upstream as a host, and a leave removes the downstream from the
forwarding entry.

    src (sender) --- eth0 [upstream] px [eth1] --- rcv1 (joins 239.2.2.2)
                                        [eth2] --- rcv2 (joins 239.2.2.3 only)

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

if os.geteuid() != 0:
    print("SKIP: igmpd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from igmpd_membership import igmpd_yaml  # noqa: E402
from lab import Lab, check, poll  # noqa: E402

GROUP, OTHER = "239.2.2.2", "239.2.2.3"
COUNT = 300


def proxy(node) -> dict:
    return node.fanout("show ip igmp proxy")


def mfc_row(node, group) -> dict | None:
    for r in proxy(node)["mfc_named"]:
        if r["group"] == group:
            return r
    return None


def main() -> int:
    with Lab() as lab:
        src, px = lab.node("src"), lab.node("px", router=True)
        rcv1, rcv2 = lab.node("rcv1"), lab.node("rcv2")
        up, _ = lab.link(px, src)
        d1, _ = lab.link(px, rcv1)
        d2, _ = lab.link(px, rcv2)
        down = {"query-interval": "5s", "query-response-interval": "1s", "last-member-query-interval": "500ms",
                "last-member-query-count": 2}
        extra = f"proxy:\n  upstream: {up}\n  downstreams: [{d1}, {d2}]\n"
        px.start_igmpd(igmpd_yaml(px, {up: {"version": 3}, d1: down, d2: down}, extra=extra, ipc=False))
        st = px.wait_json("show ip igmp proxy", predicate=lambda d: d["upstream"] == up and len(d["vifs"]) == 3)
        check(True, f"proxy up: upstream {st['upstream']}, VIFs {st['vifs']}, kernel table {st['kernel']['table']}")
        vif_lines = px.run("cat", "/proc/net/ip_mr_vif").stdout.strip().splitlines()[1:]
        check(len(vif_lines) == 3, f"the kernel has the three VIFs igmpd added ({len(vif_lines)})")

        r1 = rcv1.mcast_recv(GROUP, "eth0", duration=12, name="recv1")
        r2 = rcv2.mcast_recv(OTHER, "eth0", duration=12, name="recv2")
        cap = rcv2.start("tcpdump", ["tcpdump", "-i", "eth0", "-n", "-l", "--immediate-mode", "-w",
                                     str(rcv2.run_dir / "other.pcap"), f"igmp or (udp and dst host {GROUP})"])
        poll(lambda: {GROUP, OTHER} <= {m["group"] for m in proxy(px)["membership"]}, timeout=10,
             what="the proxy merges both downstream memberships")
        check(True, "merged membership has both groups")
        tx = px.fanout("show ip igmp statistics")["tx"]
        check(tx.get("v3_report", 0) >= 1, f"the proxy reported upstream as a host ({tx})")

        snd = src.mcast_send(GROUP, "eth0", rate=100, count=COUNT, name="send")
        sent = snd.result(timeout=30)
        # Checked now, while rcv1 is still joined (its receiver runs 12 s): once it ends, its leave empties the
        # entry after the last member queries (about 2 s), which a slow host reached before a later check.
        row = mfc_row(px, GROUP)
        check(row is not None and row["iif"] == up and row["oifs"] == [d1],
              f"the forwarding entry is ({row and row['source']}, {GROUP}) iif {up} oifs [{d1}] ({row})")
        res1 = r1.result(timeout=30)
        time.sleep(0.5)
        cap.stop()
        res2 = r2.result(timeout=30)
        seen_other = rcv2.run("tcpdump", "-r", str(rcv2.run_dir / "other.pcap"), "-n", check=False).stdout
        n_other = len([ln for ln in seen_other.splitlines() if "UDP" in ln and GROUP in ln])
        n_igmp = len([ln for ln in seen_other.splitlines() if "igmp" in ln.lower()])
        check(n_igmp > 0, f"the capture on rcv2's link works (it saw {n_igmp} IGMP packets)")
        check(res1["received"] >= COUNT * 0.95,
              f"rcv1 (joined {GROUP}) received {res1['received']} of {COUNT} (sender: {sent.get('sent', COUNT)})")
        check(n_other == 0 and res2["received"] == 0,
              f"rcv2 (joined only {OTHER}) saw {n_other} packets of {GROUP} on its link")

        # rcv1's receiver has ended (its socket closed: TO_IN {}): the downstream leaves the entry.
        poll(lambda: GROUP not in {m["group"] for m in proxy(px)["membership"]}, timeout=10,
             what="the group leaves the merged membership")
        row = mfc_row(px, GROUP)
        check(row is None or row["oifs"] == [], f"after the leave the entry forwards nowhere ({row})")
        text = px.fanout("show ip igmp proxy", json_output=False)
        check("Upstream: " + up in text, f"text form:\n{text}")
    print("igmpd_proxy: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
