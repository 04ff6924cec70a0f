#!/usr/bin/env python3
"""Traffic and observation helpers for the performance runs (topologies/perf/run.py), one per process, each run
inside a lab namespace with `ip netns exec`. Every subcommand prints one JSON object on stdout; times are
time.time() (CLOCK_REALTIME, the same clock in every namespace of the machine).

  burst     raw IP_HDRINCL sender: N source addresses x M groups, one datagram per (S,G) per round, paced at
            --rate datagrams/s or as fast as the host can; the sources are spoofed on the LAN, so 10,000 distinct
            (S,G) start within one round (0.5 s at 20k pkt/s, ~0.1 s unpaced on an idle host).
  (one (S,G) at a fixed rate, for the new-source loss run and the latency run, is tests/bench/tools/stream_source.cpp:
  a Python sender took 55-70% of one of the lab's two cores at 10k pkt/s)
  recv      joins groups (any source) on one socket and counts datagrams per (S,G) and per sequence number.
  firstdata captures on an interface (AF_PACKET, kernel timestamps): the outgoing IGMP report for a group and the
            first data packet to that group; joins the group itself after --join-after seconds.
"""

from __future__ import annotations

import argparse
import ctypes
import ipaddress
import json
import select
import socket
import struct
import sys
import time

SO_BINDTODEVICE = 25
SO_TIMESTAMPNS = 35
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
DATA_PORT = 5001  # UDP destination port of the burst's datagrams, and the receivers' default


def addr_range(base: str, n: int) -> list[str]:
    b = int(ipaddress.IPv4Address(base))
    return [str(ipaddress.IPv4Address(b + i)) for i in range(n)]


def ip_udp(src: str, dst: str, ttl: int, payload: bytes) -> bytes:
    """IPv4 header (the kernel fills id, total length and checksum under IP_HDRINCL) + UDP (checksum 0)."""
    udp = struct.pack("!HHHH", 40000, DATA_PORT, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, ttl, socket.IPPROTO_UDP, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr + udp


def raw_sender(iface: str) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, iface.encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    return s


def send_all(s: socket.socket, pkt: bytes, dst: str) -> bool:
    for _ in range(200):
        try:
            s.sendto(pkt, (dst, 0))
            return True
        except BlockingIOError:
            time.sleep(0.0005)
        except OSError as e:  # ENOBUFS under a burst: retry shortly
            if e.errno != 105:
                raise
            time.sleep(0.0005)
    return False


PR_SET_TIMERSLACK = 29


def fine_timer_slack() -> None:
    """1 us of timer slack instead of 50: short sleeps between packets (0.05-0.1 ms) stay close to the gap."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_TIMERSLACK, 1000, 0, 0, 0)


def wait_until(due: float) -> None:
    """Sleeps until due, even for a gap of 0.05 ms (when late, returns at once and the packet goes out late). A
    busy-waiting source held one of the lab's two cores, and a daemon woken on that core could wait a whole
    scheduler tick (4 ms) for it, which showed as 4.1 ms report-to-data outliers."""
    now = time.time()
    if due > now:
        time.sleep(due - now)


def cmd_burst(a) -> dict:
    """Rounds of one datagram per (S,G). With --rate the datagrams are paced at that many per second over all
    (S,G), like sources that all start at once and each send a datagram per round; 0 sends as fast as the host can
    (a flood: the first datagrams of every (S,G) arrive much faster than --rate would let them)."""
    s = raw_sender(a.iface)
    fine_timer_slack()
    sources, groups = addr_range(a.source_base, a.sources), addr_range(a.group_base, a.groups)
    pkts = [(ip_udp(src, g, a.ttl, struct.pack("!IId", i, 0, 0.0)), g)
            for i, (src, g) in enumerate((src, g) for g in groups for src in sources)]
    first = last = None
    sent = failed = 0
    round_ends = []
    t0 = time.time()
    k = 0  # datagrams due so far, over all rounds
    for r in range(a.rounds):
        wait_until(t0 + r * a.interval)
        t_round = time.time()
        for pkt, g in pkts:
            if a.rate:
                wait_until(t0 + k / a.rate)
            k += 1
            if send_all(s, pkt, g):
                sent += 1
            else:
                failed += 1
            if first is None:
                first = time.time()
        last = time.time()
        round_ends.append(last - t_round)
    return {"first_send": first, "last_send": last, "sent": sent, "send_failed": failed,
            "distinct_sg": len(pkts), "round_seconds": [round(x, 3) for x in round_ends]}


IP_ADD_SOURCE_MEMBERSHIP = 39


def mcast_socket(port: int, groups: list[str], iface_addr: str, source: str | None = None) -> socket.socket:
    """A UDP socket joined to every group on the interface with iface_addr: (*,G), or (S,G) with source."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("0.0.0.0", port))
    for g in groups:
        if source:  # struct ip_mreq_source: multiaddr, interface, sourceaddr
            s.setsockopt(socket.IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP,
                         socket.inet_aton(g) + socket.inet_aton(iface_addr) + socket.inet_aton(source))
        else:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                         socket.inet_aton(g) + socket.inet_aton(iface_addr))
    return s


def cmd_recv(a) -> dict:
    groups = addr_range(a.group_base, a.groups)
    s = mcast_socket(a.port, groups, a.iface_addr)
    if a.ready_file:
        open(a.ready_file, "w").close()
    per_sg: dict[tuple[str, str], int] = {}
    seqs: dict[str, set] = {}
    total = 0
    first = None
    deadline = time.time() + a.duration
    last_rx = None
    while time.time() < deadline:
        wait = deadline - time.time()
        if last_rx and a.idle:
            wait = min(wait, last_rx + a.idle - time.time())
            if wait <= 0:
                break
        r, _, _ = select.select([s], [], [], max(0.0, min(wait, 0.2)))
        if not r:
            continue
        while True:
            try:
                data, (src, _) = s.recvfrom(2048, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            now = time.time()
            first = first or now
            last_rx = now
            total += 1
            seq = struct.unpack("!I", data[:4])[0] if len(data) >= 4 else -1
            key = (src, a.group_base)
            per_sg[key] = per_sg.get(key, 0) + 1
            seqs.setdefault(src, set()).add(seq)
    out = {"received": total, "first_rx": first, "last_rx": last_rx, "sources": len(seqs),
           "distinct_per_source": {k: len(v) for k, v in seqs.items()} if a.per_source else {}}
    if a.per_source:
        out["seqs_below"] = {k: sorted(x for x in v if x < a.per_source) for k, v in seqs.items()}
    return out


def cmd_firstdata(a) -> dict:
    """Captures on iface: the IGMP report leaving for the group (v2 report to G, or a v3 report to 224.0.0.22
    naming G) and the first UDP datagram to G arriving; both with kernel timestamps."""
    cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    cap.bind((a.iface, 0))
    cap.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    cap.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    g = socket.inet_aton(a.group)
    join_at = time.time() + a.join_after
    joined = None
    report = data = None
    deadline = time.time() + a.timeout
    while time.time() < deadline and (report is None or data is None):
        if joined is None and time.time() >= join_at:
            joined = mcast_socket(a.port, [a.group], a.iface_addr, a.source)
            join_time = time.time()
        r, _, _ = select.select([cap], [], [], 0.01)
        if not r:
            continue
        pkt, anc, _, addr = cap.recvmsg(2048, socket.CMSG_SPACE(16))
        ts = None
        for level, ctype, cdata in anc:
            if level == socket.SOL_SOCKET and ctype == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", cdata[:16])
                ts = sec + nsec / 1e9
        if len(pkt) < 14 + 20 or pkt[12:14] != b"\x08\x00":
            continue
        ip = pkt[14:]
        ihl = (ip[0] & 0x0F) * 4
        proto, dst = ip[9], ip[16:20]
        if proto == 2 and addr[2] == PACKET_OUTGOING and report is None and joined is not None:
            igmp = ip[ihl:]
            if dst == g or (igmp[:1] == b"\x22" and g in igmp):
                report = ts
        elif proto == socket.IPPROTO_UDP and dst == g and addr[2] != PACKET_OUTGOING and data is None:
            data = ts
    out = {"report": report, "first_data": data, "joined": joined is not None and join_time}
    if report is not None and data is not None:
        out["report_to_data_ms"] = round((data - report) * 1000, 3)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("burst")
    b.add_argument("--iface", required=True)
    b.add_argument("--source-base", required=True)
    b.add_argument("--sources", type=int, required=True)
    b.add_argument("--group-base", required=True)
    b.add_argument("--groups", type=int, required=True)
    b.add_argument("--rounds", type=int, default=3)
    b.add_argument("--interval", type=float, default=0.5, help="a round starts no sooner than this after the last")
    b.add_argument("--rate", type=float, default=0, help="datagrams per second over all (S,G); 0: as fast as possible")
    b.add_argument("--ttl", type=int, default=8)
    r = sub.add_parser("recv")
    r.add_argument("--iface-addr", required=True)
    r.add_argument("--group-base", required=True)
    r.add_argument("--groups", type=int, default=1)
    r.add_argument("--port", type=int, default=DATA_PORT)
    r.add_argument("--duration", type=float, default=10)
    r.add_argument("--idle", type=float)
    r.add_argument("--per-source", type=int, default=0, help="report sequence numbers below this per source")
    r.add_argument("--ready-file")
    f = sub.add_parser("firstdata")
    f.add_argument("--iface", required=True)
    f.add_argument("--iface-addr", required=True)
    f.add_argument("--group", required=True)
    f.add_argument("--source", help="join (S,G) (IGMPv3 INCLUDE) instead of (*,G)")
    f.add_argument("--port", type=int, default=DATA_PORT)
    f.add_argument("--join-after", type=float, default=0.3)
    f.add_argument("--timeout", type=float, default=5)
    a = p.parse_args()
    fn = {"burst": cmd_burst, "recv": cmd_recv,
          "firstdata": cmd_firstdata}[a.cmd]
    print(json.dumps(fn(a)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
