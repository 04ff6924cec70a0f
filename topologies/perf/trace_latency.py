#!/usr/bin/env python3
"""Where the report-to-first-data time goes: ftrace timelines of run.py's latency samples (diagnostic numbers, not
pass/fail).

Builds run.py's lab (line3, Fanout pimd on r1 and r2, igmpd on r2) and takes --runs latency samples (run.py's
latency_sample: the source sends at 10k pkt/s, the receiver joins). Meanwhile the kernel's tracer records, for the
three daemons only (igmpd at r2, pimd at r2, pimd at r1): sched_waking / sched_switch, every system call's entry and
exit, and user page faults. For each sample the report's episode is cut out of the trace (from igmpd's wake-up
that read the report with recvmsg) and split into steps:

  igmpd wake     igmpd woken (the report reached its socket) -> it has read the report
  igmpd work     report read -> the membership written to pimd (sendto on the IPC socket)
  r2 wake        that write -> r2's pimd has read it
  r2 work        membership read -> the Join's sendmsg
  Join to r1     the Join's sendmsg -> r1's pimd has read the Join (the system call carries the packet through the
                 veth into r1's socket and wakes r1)
  r1 work        Join read -> the MRT_ADD_MFC setsockopt that adds r2's link to the (S,G)
  total          the sum: igmpd's wake-up to r1's MFC add (the source's next packet then flows)
  Join sendmsg   the Join's system call alone (it may return after r1 has read the Join)
  faults         user page faults of the three daemons within the episode

and each of the three wake-ups (igmpd, r2, r1) is split further: "sched" from the daemon's sched_waking until it
is switched in (the scheduler, and the other vCPU's exit from idle when the wake-up crosses CPUs), "run" from then
until its read returns (epoll_wait's return, the event loop's dispatch and the read, all run cold), "idle" and
"cross" the share of samples where the daemon replaced the idle task and where its waker ran on another CPU.

and the medians follow. After each sample the tool waits until r1 has pruned the group, so one sample's leave
does not fall into the next one's trace. The tracing itself adds a few microseconds per event, so the sum exceeds an untraced
sample's time; the split is what this is for. --asm takes (*,G) samples instead of IGMPv3 (S,G) ones.

Usage (root): python3 topologies/perf/trace_latency.py [--runs 10] [--asm]
FANOUT_BUILD_DIR selects the build, as for run.py. Mounts tracefs on /sys/kernel/tracing if it is not mounted.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as perf  # noqa: E402
from lab import Lab  # noqa: E402

TRACEFS = Path("/sys/kernel/tracing")
NR = {44: "sendto", 45: "recvfrom", 46: "sendmsg", 47: "recvmsg", 54: "setsockopt"}
EVENT = re.compile(r"^\s*(?P<task>.+?)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+\S+\s+(?P<ts>\d+\.\d+): "
                   r"(?P<name>\w+): (?P<body>.*)$")
DETAIL = tuple(f"{d} {k}" for d in ("igmpd", "r2", "r1") for k in ("sched", "run", "idle", "cross"))
STEPS = ("igmpd wake", "igmpd work", "r2 wake", "r2 work", "Join to r1", "r1 work")


def write(path: str, value: str) -> None:
    (TRACEFS / path).write_text(value)


def set_events(pids: list[int], on: bool) -> None:
    """The sched, syscall and page fault events of pids only (filters in the kernel keep the buffer small)."""
    by_pid = " || ".join(f"pid == {p}" for p in pids)
    by_switch = " || ".join(f"prev_pid == {p} || next_pid == {p}" for p in pids)
    by_task = " || ".join(f"common_pid == {p}" for p in pids)
    events = {"sched/sched_waking": by_pid, "sched/sched_switch": by_switch, "raw_syscalls/sys_enter": by_task,
              "raw_syscalls/sys_exit": by_task, "exceptions/page_fault_user": by_task}
    for event, flt in events.items():
        write(f"events/{event}/enable", "1" if on else "0")
        write(f"events/{event}/filter", flt if on else "0")


def parse(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        m = EVENT.match(line)
        if m:
            out.append({"pid": int(m["pid"]), "cpu": int(m["cpu"]), "t": float(m["ts"]), "name": m["name"],
                        "body": m["body"]})
    return out


def syscall(e: dict) -> tuple[str, int | None] | None:
    """(name, return value or None at entry) of a sys_enter / sys_exit event of a system call in NR."""
    m = re.match(r"NR (\d+)(?: = (-?\d+))?", e["body"])
    if not m or int(m[1]) not in NR:
        return None
    return NR[int(m[1])], int(m[2]) if m[2] is not None else None


def wake_split(events: list[dict], pid: int, lo: int, read: int) -> dict:
    """The last wake-up of pid in events[lo:read] split in two: "sched" from sched_waking until pid is switched
    in (the scheduler and, when the CPU idled, its exit from idle), "run" from then until the read returned
    (epoll_wait's return, the loop's dispatch, the read). "idle" is 1 when pid replaced the idle task, "cross" 1
    when the waker ran on another CPU than the one pid was switched in on."""
    waking = [j for j in range(lo, read)
              if events[j]["name"] == "sched_waking" and f"pid={pid} " in events[j]["body"]]
    if not waking:
        return {}
    w = waking[-1]
    sw = next((j for j in range(w, read) if events[j]["name"] == "sched_switch" and
               f"next_pid={pid} " in events[j]["body"]), None)
    if sw is None:
        return {}
    us = lambda a, b: round((events[b]["t"] - events[a]["t"]) * 1e6)  # noqa: E731
    return {"sched": us(w, sw), "run": us(sw, read), "idle": int("prev_pid=0 " in events[sw]["body"]),
            "cross": int(events[w]["cpu"] != events[sw]["cpu"])}


def episode(events: list[dict], pids: dict[str, int]) -> dict | None:
    """The steps (microseconds) of the first report in this trace that igmpd passed on to pimd (a report read
    with recvmsg and followed, before igmpd read anything else, by its write to pimd), or None."""
    ig, r2, r1 = pids["igmpd"], pids["r2"], pids["r1"]

    def call(e: dict, pid: int, name: str, returned: bool) -> bool:
        s = syscall(e) if e["pid"] == pid else None
        return bool(s) and s[0] == name and (s[1] is not None) == returned and (not returned or s[1] > 0)

    def first(i: int, pid: int, name: str, returned: bool) -> int | None:
        return next((j for j in range(i, len(events)) if call(events[j], pid, name, returned)), None)

    for i, e in enumerate(events):
        if not call(e, ig, "recvmsg", True):
            continue
        ipc, next_read = first(i, ig, "sendto", False), first(i + 1, ig, "recvmsg", True)
        if ipc is None or (next_read is not None and next_read < ipc):
            continue
        woke = [j for j in range(i) if events[j]["name"] == "sched_waking" and f"pid={ig} " in events[j]["body"]]
        got = first(ipc, r2, "recvfrom", True)
        join = None if got is None else first(got, r2, "sendmsg", False)
        join_done = None if join is None else first(join, r2, "sendmsg", True)
        r1_read = None if join_done is None else first(join, r1, "recvmsg", True)
        mfc = None if r1_read is None else first(r1_read, r1, "setsockopt", False)
        if not woke or mfc is None:
            continue
        t = [events[j]["t"] for j in (woke[-1], i, ipc, got, join, r1_read, mfc)]
        wakes = {"igmpd": (ig, 0, i), "r2": (r2, ipc, got), "r1": (r1, join, r1_read)}
        steps = {name: round((b - a) * 1e6) for name, a, b in zip(STEPS, t, t[1:])}
        steps["Join sendmsg"] = round((events[join_done]["t"] - events[join]["t"]) * 1e6)
        steps["faults"] = sum(1 for x in events if x["name"] == "page_fault_user" and t[0] <= x["t"] <= t[-1])
        steps["total"] = round((t[-1] - t[0]) * 1e6)
        for name, (pid, lo, read) in wakes.items():
            steps.update({f"{name} {k}": v for k, v in wake_split(events, pid, lo, read).items()})
        return steps
    return None


def main() -> int:
    a = perf.sample_tool_args(__doc__, 10, "tracing the lab (network namespaces, tracefs)")
    if a is None:
        return 77
    if not (TRACEFS / "trace").exists():
        subprocess.run(["mount", "-t", "tracefs", "nodev", str(TRACEFS)], check=True)
    ssm = not a.asm
    rows = []
    with Lab(prefix="trace") as lab:
        topo, daemons, igmpd = perf.setup(lab)
        pids = {"igmpd": igmpd.pid, "r2": daemons["r2"].pid, "r1": daemons["r1"].pid}
        write("buffer_size_kb", "8192")
        set_events(list(pids.values()), True)
        try:
            for i in range(a.runs):
                write("trace", "")
                write("tracing_on", "1")
                group = f"{perf.LATENCY_GROUP_BASES['Fanout'][ssm]}{200 + i}"
                r = perf.latency_sample(topo, group, ssm, name=f"trace-{i}")
                write("tracing_on", "0")
                steps = episode(parse((TRACEFS / "trace").read_text()), pids)
                sample = r.get("report_to_data_ms")
                print(f"sample {i}: report to data {sample} ms; steps (us): {steps}", flush=True)
                if steps:
                    rows.append(steps)
                perf.wait_left(topo, [group])
        finally:
            write("tracing_on", "0")
            set_events(list(pids.values()), False)
            write("trace", "")
    if not rows:
        print("no sample's episode was found in its trace")
        return 1
    print(f"medians over {len(rows)} samples (us): " +
          ", ".join(f"{k} {statistics.median(r[k] for r in rows):g}"
                    for k in (*STEPS, "total", "Join sendmsg", "faults")))
    # A wake-up is split only when its daemon slept until then (no split when it was running already).
    split = {k: [r[k] for r in rows if k in r] for k in DETAIL}

    def value(k: str, v: list[int]) -> float:
        return round(sum(v) / len(v), 2) if k.endswith(("idle", "cross")) else statistics.median(v)

    print("wake-ups split, medians (us; idle and cross: share of samples): " +
          ", ".join(f"{k} {value(k, v):g} (n={len(v)})" for k, v in split.items() if v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
