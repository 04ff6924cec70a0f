#!/usr/bin/env python3
"""Where the report-to-first-data time goes, step by step, from the daemons' own latency probes (diagnostic
numbers, not pass/fail).

Needs a build with the probes compiled in (common/core/latency_probe.hpp), with the lab's traffic tool:
  cmake -S . -B build/probe -G Ninja -DCMAKE_BUILD_TYPE=Release -DFANOUT_LATENCY_PROBES=ON && \
        ninja -C build/probe pimd igmpd fanout fanout_stream_source
  FANOUT_BUILD_DIR=$PWD/build/probe python3 topologies/perf/probe_steps.py [--runs 20] [--asm]

Builds run.py's lab (line3: Fanout pimd on r1 and r2, igmpd on r2), takes --runs latency samples (run.py's
latency_sample: the source sends at 10k pkt/s, the receiver joins), stops the daemons (each writes its marks at
exit) and lines the three daemons' marks up on the CPU's time-stamp counter, which the vCPUs share. Unlike
trace_latency.py (ftrace), a mark costs a few nanoseconds, so the steps are what an untraced sample spends:

  igmpd read->core       the report's recvmsg returned -> decoded, into igmpd's core
  igmpd core->IPC        igmpd's core -> the membership's send to pimd
  IPC->r2 wakes          that send -> r2's pimd runs the socket's callback (wake-up and scheduling)
  r2 recv                r2's callback until its recv of the membership returned
  r2 decode              recv returned -> pimd's core takes the membership (frame decode, membership table)
  r2 core->Join queued   the core's membership work until the upstream machines queued the Join
  r2 Join built          queued -> the Join's sendmsg
  Join->r1 wakes         the Join's sendmsg -> r1's pimd runs the socket's callback
  r1 read                callback -> r1's core takes the Join/Prune (recvmsg, IP and PIM decode, dispatch)
  r1 Join/Prune          the downstream machines and the re-evaluation of the named sources
  r1 ->MFC add           finish() up to the MRT_ADD_MFC call
  r1 MFC add             the MRT_ADD_MFC system call
  total                  igmpd's read of the report -> r1's MFC add returned (the source's next packet then flows)
  r2 Join sendmsg        the Join's sendmsg alone (it may return after r1 ran: r1 often wakes on r2's CPU)
  r2 MFC vs r1           r2's own MFC add returned minus r1's: above 0, r2's entry came last and the first packet
                         waits for it at r2 (the kernel holds it as unresolved and replays it on the add)

and the medians follow. --asm takes (*,G) samples instead of IGMPv3 (S,G) ones.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as perf  # noqa: E402
from lab import Lab  # noqa: E402

# common/core/latency_probe.hpp's Point numbers.
CALLBACK, IPC_READ_DONE, IPC_SEND = 1, 3, 5
RAW_RECV_DONE, RAW_SEND, RAW_SEND_DONE, MFC_ADD, MFC_ADD_DONE = 11, 12, 13, 14, 15
IGMP_DECODED, IGMP_HANDLED = 20, 21
PIM_MEMBERSHIP, PIM_JOINS_QUEUED, PIM_JP_RECEIVED, PIM_JP_PROCESSED = 30, 31, 32, 33

STEPS = ("igmpd read->core", "igmpd core->IPC", "IPC->r2 wakes", "r2 recv", "r2 decode", "r2 core->Join queued",
         "r2 Join built", "Join->r1 wakes", "r1 read", "r1 Join/Prune", "r1 ->MFC add", "r1 MFC add")
EXTRA = ("total", "r2 Join sendmsg", "r2 MFC vs r1")


def read_marks(path: Path) -> tuple[float, list[tuple[int, int]]]:
    """(counter ticks per microsecond, [(tsc, point)]) of one daemon's file."""
    per_us, marks = 0.0, []
    for line in path.read_text().splitlines():
        if line.startswith("tsc_per_us "):
            per_us = float(line.split()[1])
        elif line and line[0].isdigit():
            tsc, point = line.split()
            marks.append((int(tsc), int(point)))
    return per_us, marks


class Timeline:
    """One daemon's marks, searchable by point and time."""

    def __init__(self, marks: list[tuple[int, int]]):
        self.marks = marks

    def first(self, point: int, after: int, before: int | None = None) -> int | None:
        """The time of the first `point` mark at or after `after` (and before `before`)."""
        for t, p in self.marks:
            if before is not None and t >= before:
                return None
            if t >= after and p == point:
                return t
        return None

    def last(self, point: int, before: int) -> int | None:
        """The time of the last `point` mark before `before`."""
        found = None
        for t, p in self.marks:
            if t >= before:
                break
            if p == point:
                found = t
        return found


def episodes(ig: Timeline, r2: Timeline, r1: Timeline, per_us: float) -> list[dict]:
    """Every report that igmpd passed on to pimd (its core sent a membership before returning) and that ended
    in an MFC add at r1, as steps in microseconds."""
    out = []
    for t, p in ig.marks:
        if p != IGMP_DECODED:
            continue
        handled = ig.first(IGMP_HANDLED, t)
        sent = ig.first(IPC_SEND, t, handled)
        read = ig.last(RAW_RECV_DONE, t)
        if sent is None or read is None:
            continue
        member = r2.first(PIM_MEMBERSHIP, sent)
        if member is None:
            continue
        marks2 = [r2.last(CALLBACK, member), r2.last(IPC_READ_DONE, member), member,
                  r2.first(PIM_JOINS_QUEUED, member), r2.first(RAW_SEND, member)]
        if None in marks2 or marks2[0] < sent:
            continue
        join = marks2[-1]
        join_done, r2_mfc = r2.first(RAW_SEND_DONE, join), r2.first(MFC_ADD_DONE, join)
        jp = r1.first(PIM_JP_RECEIVED, join)
        if jp is None:
            continue
        marks1 = [r1.last(CALLBACK, jp), jp, r1.first(PIM_JP_PROCESSED, jp), r1.first(MFC_ADD, jp),
                  r1.first(MFC_ADD_DONE, jp)]
        if None in marks1 or marks1[0] < join or join_done is None:
            continue
        chain = [read, t, sent, *marks2, *marks1]
        steps = {name: round((b - a) / per_us, 1) for name, a, b in zip(STEPS, chain, chain[1:])}
        steps["total"] = round((marks1[-1] - read) / per_us, 1)
        steps["r2 Join sendmsg"] = round((join_done - join) / per_us, 1)
        if r2_mfc is not None:
            steps["r2 MFC vs r1"] = round((r2_mfc - marks1[-1]) / per_us, 1)
        out.append(steps)
    return out


def main() -> int:
    a = perf.sample_tool_args(__doc__, 20, "the lab (network namespaces)")
    if a is None:
        return 77
    ssm = not a.asm
    probe_dir = Path(tempfile.mkdtemp(prefix="fanout-probes-"))
    os.environ["FANOUT_PROBE_DIR"] = str(probe_dir)  # the daemons inherit it through `ip netns exec`
    samples = []
    with Lab(prefix="probe") as lab:
        topo, daemons, igmpd = perf.setup(lab)
        pids = {"igmpd": igmpd.pid, "r2": daemons["r2"].pid, "r1": daemons["r1"].pid}
        for i in range(a.runs):
            group = f"{perf.LATENCY_GROUP_BASES['Fanout'][ssm]}{100 + i}"
            r = perf.latency_sample(topo, group, ssm, name=f"probe-{i}")
            samples.append(r.get("report_to_data_ms"))
            perf.wait_left(topo, [group])
        for d in (igmpd, daemons["r2"], daemons["r1"]):
            d.stop()  # each writes its marks at exit
    files = {name: probe_dir / f"fanout-probes-{'igmpd' if name == 'igmpd' else 'pimd'}-{pid}.txt"
             for name, pid in pids.items()}
    missing = [str(f) for f in files.values() if not f.exists()]
    if missing:
        print(f"no marks in {', '.join(missing)}: is FANOUT_BUILD_DIR a build with -DFANOUT_LATENCY_PROBES=ON?")
        return 1
    read = {name: read_marks(f) for name, f in files.items()}
    shutil.rmtree(probe_dir)
    per_us = statistics.median(r[0] for r in read.values())
    rows = episodes(*(Timeline(read[n][1]) for n in ("igmpd", "r2", "r1")), per_us)
    print(f"samples (report to first data, ms): {samples}")
    for i, row in enumerate(rows):
        print(f"episode {i}: {row}")
    if not rows:
        print("no report's episode was found in the marks")
        return 1
    print(f"medians over {len(rows)} episodes (us; counter {per_us:.1f} ticks/us): " +
          ", ".join(f"{k} {statistics.median(r[k] for r in rows if k in r):g}" for k in (*STEPS, *EXTRA)
                    if any(k in r for r in rows)))
    late = [r["r2 MFC vs r1"] for r in rows if r.get("r2 MFC vs r1", 0) > 0]
    print(f"r2's MFC add came after r1's in {len(late)} of {len(rows)} episodes" +
          (f" (by {statistics.median(late):g} us, median)" if late else ""))
    good = [s for s in samples if s is not None]
    if good:
        print(f"report to first data: median {statistics.median(good):g} ms over {len(good)} samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
