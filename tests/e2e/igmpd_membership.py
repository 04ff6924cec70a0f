#!/usr/bin/env python3
"""igmpd e2e: Linux hosts forced to IGMPv1, v2 and v3 join groups on a LAN where igmpd (next to pimd, which owns
the VIF the kernel needs to hand v1/v2 reports to igmpd) is the querier; igmpd shows each group with the host's
version, pimd receives the membership over IPC, and a v2/v3 leave removes the group after about
LMQI x LMQC (1 s x 2). Then a hostile host floods 100k IGMPv3 group records: igmpd survives, never holds more
than max-groups, and counts the refused records (drop reason group-limit).

    h1 (v1) --+
    h2 (v2) --+-- lan (bridge) -- r1: igmpd + pimd
    h3 (v3) --+
    evil -----+

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))

if os.geteuid() != 0 and __name__ == "__main__":
    print("SKIP: igmpd e2e tests need root (network namespaces, raw IGMP sockets, the kernel multicast table)")
    sys.exit(77)

LMQI_S, LMQC = 1.0, 2
MAX_GROUPS = 500

# Joins GROUP on IFACE (IP_ADD_MEMBERSHIP: the kernel sends the host's IGMP report), then waits to be killed;
# closing the socket makes the kernel leave (v2 Leave, v3 TO_IN {}).
JOINER = r"""
import socket, struct, sys, time
group, iface = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("=4s4si", socket.inet_aton(group), bytes(4), socket.if_nametoindex(iface)))
print("joined", flush=True)
while True:
    time.sleep(3600)
"""

# Floods IGMPv3 reports (IS_EX {} records for distinct groups) from a raw socket as fast as it can.
FLOODER = r"""
import socket, struct, sys
iface, total, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([0x94, 4, 0, 0]))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
             struct.pack("=4s4si", bytes(4), bytes(4), socket.if_nametoindex(iface)))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
per = 180
sent = packets = 0
while sent < total:
    n = min(per, total - sent)
    recs = b"".join(struct.pack("!BBH4s", 2, 0, 0, struct.pack("!I", first + sent + i)) for i in range(n))
    body = struct.pack("!BBHHH", 0x22, 0, 0, 0, n) + recs
    msg = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    s.sendto(msg, ("224.0.0.22", 0))
    sent += n; packets += 1
print(f"{sent} records in {packets} packets", flush=True)
"""


def igmpd_yaml(node, interfaces: dict[str, dict], extra: str = "", ipc: bool = True,
               log_level: str = "info") -> str:
    """An igmpd config whose sockets live in the node's run dir; interfaces: {ifname: {yaml key: value}}."""
    run = Path(node.run_dir)
    lines = ["daemon:", f"  status-socket: {node.socket_path('igmpd')}", f"  ipc-socket: {run / 'pimd-ipc.sock'}",
             f"  pid-file: {run / 'igmpd.pid'}", f"  log-level: {log_level}", "interfaces:"]
    for name, keys in interfaces.items():
        lines.append(f"  - name: {name}")
        for k, v in keys.items():
            v = ("true" if v else "false") if isinstance(v, bool) else v
            lines.append(f"    {k}: {v}")
    lines += ["ipc:", f"  enabled: {'true' if ipc else 'false'}"]
    return "\n".join(lines) + "\n" + extra


def igmp_groups(node, ifname=None) -> dict[str, dict]:
    data = node.fanout("show ip igmp groups" + (f" {ifname}" if ifname else ""))
    return {g["group"]: g for g in data["groups"]}


def pimd_memberships(node) -> dict[str, dict]:
    return {m["group"]: m for m in node.fanout("show ip igmp-membership")["memberships"]}


def main() -> int:
    from lab import Lab, check, poll  # noqa: E402
    from pimd_setup import pimd_yaml  # noqa: E402

    with Lab() as lab:
        r1 = lab.node("r1", router=True)
        hosts = {v: lab.node(f"h{v}", igmp_version=v) for v in (1, 2, 3)}
        evil = lab.node("evil")
        ifs = lab.lan("lan", [r1, hosts[1], hosts[2], hosts[3], evil])
        lan_if = ifs["r1"]
        # pimd owns the VIF on the LAN (v1/v2 reports reach igmpd only through it) and takes the membership.
        pimd_conf = pimd_yaml(r1, {lan_if: {"pim": False, "igmp": True}})
        pimd = r1.start_pimd(pimd_conf)
        r1.start_igmpd(igmpd_yaml(r1, {lan_if: {"version": 3, "query-interval": "20s",
                                                "query-response-interval": "2s",
                                                "last-member-query-interval": f"{int(LMQI_S * 1000)}ms",
                                                "last-member-query-count": LMQC, "max-groups": MAX_GROUPS}}))
        r1.wait_json(f"show ip igmp interface {lan_if}",
                     predicate=lambda d: d["interfaces"][0]["am_querier"], timeout=10)
        check(True, "igmpd is the querier on the LAN")
        ipc = r1.wait_json("show ipc", predicate=lambda d: d.get("igmpd", d).get("connected") is True, timeout=10)
        check(True, f"igmpd is connected to pimd over IPC ({ipc.get('igmpd', ipc).get('socket')})")

        groups = {1: "239.1.1.1", 2: "239.1.1.2", 3: "239.1.1.3"}
        joiners = {}
        for v, h in hosts.items():
            joiners[v] = h.start(f"join-{v}", [sys.executable, "-c", JOINER, groups[v], ifs[h.name]])
        seen = poll(lambda: (lambda g: g if all(groups[v] in g for v in groups) else None)(igmp_groups(r1, lan_if)),
                    timeout=15, what="igmpd learns the three groups")
        for v in (1, 2, 3):
            g = seen[groups[v]]
            check(g["compat_version"] == v and g["interface"] == lan_if,
                  f"{groups[v]} joined by an IGMPv{v} host shows version {g['compat_version']}"
                  f" (mode {g['mode']}, reporter {g['last_reporter']})")
        text = r1.fanout(f"show ip igmp groups {lan_if}", json_output=False)
        check(all(groups[v] in text for v in groups) and "EXCL" in text, f"text form:\n{text}")
        pm = poll(lambda: (lambda m: m if all(groups[v] in m for v in groups) else None)(pimd_memberships(r1)),
                  timeout=10, what="pimd receives the membership over IPC")
        check(all(pm[groups[v]]["mode"] == "exclude" and pm[groups[v]]["interface"] == lan_if for v in groups),
              f"pimd has the three groups from igmpd over IPC ({sorted(pm)})")

        # Leave latency: v2 (Leave -> group-specific queries) and v3 (TO_IN {} -> the same), LMQI x LMQC.
        latencies = {}
        for v in (2, 3):
            t0 = time.monotonic()
            joiners[v].stop()
            poll(lambda: groups[v] not in igmp_groups(r1, lan_if), timeout=10, interval=0.05,
                 what=f"the v{v} group leaves")
            latencies[v] = time.monotonic() - t0
            poll(lambda: groups[v] not in pimd_memberships(r1), timeout=3, what="pimd drops it too")
            check(latencies[v] < 3.5, f"IGMPv{v} leave -> group gone in {latencies[v]:.2f} s "
                                      f"(LMQI x LMQC = {LMQI_S * LMQC:.1f} s; bound 3.5 s)")
        stats = r1.fanout("show ip igmp statistics")
        check(stats["tx"].get("v3_query", 0) >= 3, f"igmpd sent general and group-specific queries ({stats['tx']})")
        check(stats["rx"].get("v1_report", 0) >= 1 and stats["rx"].get("v2_report", 0) >= 1
              and stats["rx"].get("v2_leave", 0) >= 1 and stats["rx"].get("v3_report", 0) >= 1,
              f"igmpd received v1, v2 reports, a v2 leave and v3 reports ({stats['rx']})")

        # Hostile input: 100k group records as fast as a raw socket sends them.
        t0 = time.monotonic()
        flood = evil.run(sys.executable, "-c", FLOODER, ifs["evil"], 100000, 0xEF020000, timeout=120)
        dt = time.monotonic() - t0
        print(f"flood: {flood.stdout.strip()} in {dt:.2f} s", flush=True)
        time.sleep(1.0)
        st = poll(lambda: r1.fanout("show ip igmp statistics"), timeout=5, what="igmpd answers after the flood")
        n_groups = len(igmp_groups(r1, lan_if))
        drops = st["drops"].get("group-limit", 0)
        check(n_groups <= MAX_GROUPS, f"igmpd holds {n_groups} groups after the flood (max-groups {MAX_GROUPS})")
        check(n_groups == MAX_GROUPS, "the flood filled the table up to the limit")
        check(drops > 0, f"igmpd counted {drops} records refused for the group limit "
                         f"(socket: {st['socket']['received']} received)")
        iface = r1.fanout(f"show ip igmp interface {lan_if}")["interfaces"][0]
        check(iface["am_querier"], "igmpd is still the querier")
        check(groups[1] in igmp_groups(r1, lan_if), "the v1 host's group survived the flood")

        # pimd restarts: igmpd reconnects and sends a full snapshot, so pimd has the membership again.
        check(pimd.stop() == 0, "pimd stopped")
        r1.start_pimd(pimd_conf)
        pm = poll(lambda: (lambda m: m if groups[1] in m else None)(pimd_memberships(r1)), timeout=15,
                  what="the restarted pimd gets the snapshot")
        ipc = r1.fanout("show ipc")
        ipc = ipc.get("igmpd", ipc)
        check(ipc["connected"] and ipc["reconnects"] >= 1 and ipc["snapshots"] >= 2,
              f"igmpd reconnected ({ipc['reconnects']} reconnects, {ipc['snapshots']} snapshots, "
              f"{ipc['records_sent']} records sent); pimd has {len(pm)} memberships again")
    print("igmpd_membership: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
