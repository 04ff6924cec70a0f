#!/usr/bin/env python3
"""Multicast UDP test traffic for the Fanout lab (Python 3 standard library only).

  mcast.py send --group G --iface IF [--port P] [--rate PPS] [--count N | --duration S] [--ttl T] [--size B]
  mcast.py recv --group G --iface IF [--port P] [--source S] [--duration S] [--count N] [--idle S]
                [--ready-file PATH]

Run inside a namespace (`ip netns exec NS python3 mcast.py ...`). Each datagram carries a magic, a run id, a
sequence number and the sender's CLOCK_MONOTONIC send time (both ends share the host's clock: namespaces do not
change it), so the receiver counts distinct packets, duplicates, loss, reordering and one-way latency. The sender
sets IP_MULTICAST_IF (by ifindex) and IP_MULTICAST_TTL; the receiver joins with IP_ADD_MEMBERSHIP, or with
IP_ADD_SOURCE_MEMBERSHIP when --source is given (SSM), so the kernel sends the IGMP. The report is one JSON object
on stdout (and in --out FILE).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import socket
import statistics
import struct
import sys
import time

MAGIC = b"FOMC"
HEADER = struct.Struct("!4sIQQ")  # magic, run id, sequence, send time (ns, CLOCK_MONOTONIC)
IP_ADD_SOURCE_MEMBERSHIP = getattr(socket, "IP_ADD_SOURCE_MEMBERSHIP", 39)
SIOCGIFADDR = 0x8915


def iface_address(ifname: str) -> str:
    """The first IPv4 address of ifname (SIOCGIFADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("256s", ifname.encode()[:15])
        return socket.inet_ntoa(fcntl.ioctl(s.fileno(), SIOCGIFADDR, req)[20:24])


def now_ns() -> int:
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def emit(report: dict, out: str | None) -> None:
    text = json.dumps(report, sort_keys=True)
    if out:
        tmp = out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, out)
    print(text, flush=True)


def send(args: argparse.Namespace) -> dict:
    ifindex = socket.if_nametoindex(args.iface)
    source = iface_address(args.iface)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    # struct ip_mreqn {imr_multiaddr, imr_address, imr_ifindex}: choose the interface by index.
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, struct.pack("=4s4si", bytes(4), bytes(4), ifindex))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, args.ttl)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.bind((source, 0))
    run_id = int.from_bytes(os.urandom(4), "big")
    size = max(args.size, HEADER.size)
    pad = bytes(size - HEADER.size)
    interval_ns = int(1e9 / args.rate)
    start = now_ns()
    end = start + int(args.duration * 1e9) if args.duration else None
    sent, errors, seq = 0, 0, 0
    first_ns = last_ns = None
    while (args.count is None or seq < args.count) and (end is None or now_ns() < end):
        due = start + seq * interval_ns
        wait = due - now_ns()
        if wait > 0:
            time.sleep(wait / 1e9)
        t = now_ns()
        try:
            s.sendto(HEADER.pack(MAGIC, run_id, seq, t) + pad, (args.group, args.port))
            sent += 1
            first_ns = first_ns if first_ns is not None else t
            last_ns = t
        except OSError:
            errors += 1
        seq += 1
    return {"role": "send", "group": args.group, "port": args.port, "iface": args.iface, "source": source,
            "run_id": run_id, "sent": sent, "errors": errors, "rate": args.rate, "ttl": args.ttl, "size": size,
            "first_send_ns": first_ns, "last_send_ns": last_ns,
            "duration_s": ((last_ns - first_ns) / 1e9) if sent else 0.0}


def join(s: socket.socket, args: argparse.Namespace) -> None:
    group = socket.inet_aton(args.group)
    if args.source:
        # struct ip_mreq_source {imr_multiaddr, imr_interface, imr_sourceaddr} (Linux order).
        mreq = group + socket.inet_aton(iface_address(args.iface)) + socket.inet_aton(args.source)
        s.setsockopt(socket.IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, mreq)
    else:
        mreq = struct.pack("=4s4si", group, bytes(4), socket.if_nametoindex(args.iface))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)


def latency_summary(values_ms: list[float]) -> dict | None:
    if not values_ms:
        return None
    return {"min": min(values_ms), "median": statistics.median(values_ms), "max": max(values_ms),
            "mean": statistics.fmean(values_ms)}


def recv(args: argparse.Namespace) -> dict:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((args.group, args.port))  # bound to the group: other groups on the port are not counted
    join(s, args)
    join_ns = now_ns()
    if args.ready_file:
        open(args.ready_file, "w").close()
    deadline = join_ns + int(args.duration * 1e9)
    seen: dict[tuple[int, int], int] = {}
    sources: dict[str, int] = {}
    latencies: list[float] = []
    packets = duplicates = foreign = reordered = 0
    first_ns = last_ns = None
    last_seq: dict[int, int] = {}
    while True:
        now = now_ns()
        if now >= deadline or (args.count and len(seen) >= args.count):
            break
        if args.idle and last_ns is not None and now - last_ns >= args.idle * 1e9:
            break
        s.settimeout(min((deadline - now) / 1e9, 0.05))
        try:
            data, (src, _port) = s.recvfrom(65535)
        except socket.timeout:
            continue
        t = now_ns()
        if len(data) < HEADER.size or data[:4] != MAGIC:
            foreign += 1
            continue
        _magic, run_id, seq, sent_ns = HEADER.unpack_from(data)
        packets += 1
        sources[src] = sources.get(src, 0) + 1
        first_ns = first_ns if first_ns is not None else t
        last_ns = t
        key = (run_id, seq)
        if key in seen:
            duplicates += 1
            continue
        seen[key] = 1
        if seq < last_seq.get(run_id, -1):
            reordered += 1
        last_seq[run_id] = max(seq, last_seq.get(run_id, -1))
        latencies.append((t - sent_ns) / 1e6)
    runs: dict[int, list[int]] = {}
    for run_id, seq in seen:
        runs.setdefault(run_id, []).append(seq)
    lost = sum(max(v) - min(v) + 1 - len(v) for v in runs.values())
    return {"role": "recv", "group": args.group, "port": args.port, "iface": args.iface, "source": args.source,
            "received": len(seen), "runs": {str(r): len(v) for r, v in runs.items()},
            "packets": packets, "duplicates": duplicates, "lost_in_range": lost,
            "reordered": reordered, "foreign": foreign, "senders": len(runs), "sources": sources,
            "first_seq": min((min(v) for v in runs.values()), default=None),
            "last_seq": max((max(v) for v in runs.values()), default=None),
            "join_ns": join_ns, "first_packet_ns": first_ns, "last_packet_ns": last_ns,
            "first_packet_after_join_ms": ((first_ns - join_ns) / 1e6) if first_ns is not None else None,
            "latency_ms": latency_summary(latencies)}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="role", required=True)
    for role in ("send", "recv"):
        p = sub.add_parser(role)
        p.add_argument("--group", required=True)
        p.add_argument("--port", type=int, default=5001)
        p.add_argument("--iface", required=True)
        p.add_argument("--out", help="also write the JSON report here")
        p.add_argument("--count", type=int)
        p.add_argument("--duration", type=float)
        if role == "send":
            p.add_argument("--rate", type=float, default=100.0, help="packets per second")
            p.add_argument("--ttl", type=int, default=16)
            p.add_argument("--size", type=int, default=64)
        else:
            p.add_argument("--source", help="SSM: join (source, group) with IP_ADD_SOURCE_MEMBERSHIP")
            p.add_argument("--idle", type=float, help="stop this long after the last packet")
            p.add_argument("--ready-file", help="created once the group is joined")
    args = ap.parse_args(argv)
    if args.role == "send":
        if args.count is None and args.duration is None:
            ap.error("send needs --count or --duration")
        if not args.rate > 0:
            ap.error("--rate must be positive")
        report = send(args)
    else:
        args.duration = args.duration if args.duration is not None else 10.0
        report = recv(args)
    emit(report, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
