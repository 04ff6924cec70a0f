#!/usr/bin/env python3
"""Fanout lab performance runs (issue #5, "Performance"): numbers, printed as a table; not pass/fail timing tests.

Topology: line3 (src - r1 - r2 - rcv, topologies/line3/topology.py), Fanout pimd on both routers, igmpd on r2's
receiver link. The RP for 239.0.0.0/8 is r1 (198.18.255.1, on its lo), so every source is directly connected to
the RP and no Register is needed: r1 (DR + RP) forwards on (S,G) state created from the NOCACHE upcall
(DirectlyConnected(S), inherited (*,G) olist); r2 (last hop) switches to the SPT on the first packet
(spt-switchover: immediate) and installs one MFC entry per (S,G).

Runs (each prints its measurements; --only picks some; newsrc and the latencies first, the bursts last because
pimd works through their upcalls for a while afterwards):
  burst     10,000 new (S,G) at once (100 spoofed sources x 100 groups, paced at 20k pkt/s like the FRR reference:
            each (S,G) sends a datagram every 0.5 s, and their first datagrams arrive within 0.5 s) toward a
            receiver joined to the 100 groups: time from the first packet sent until each router's kernel has
            installed all 10,000 entries with oifs (its MFC notifications, counted by fanout_mfc_watch from
            tests/bench/tools, confirmed in /proc/net/ip_mr_cache),
            upcalls lost (pimd's SO_RXQ_OVFL count and the kernel's socket drops in /proc/net/raw), NOCACHE
            upcalls seen, pimd VmRSS / VmHWM.
  burst-flood the same with 100 other groups and the sender unpaced (as fast as the host can: its first round
            takes 0.4-0.6 s): harsher than the reference, as unresolved entries pile up faster than pimd answers
            them. Runs after the paced burst, once its receiver has left and r1 has pruned; r1 still holds the
            paced burst's 10,000 flows then (KeepaliveTimer 210 s), so its VmRSS counts 20,000 (S,G).
  newsrc    a new source toward a joined receiver, 1000 pkt/s: of the first 100 datagrams, how many arrive
            (the first-hop router's kernel queues up to 4 per unresolved entry and replays them on resolve).
  latency   source already sending (10k pkt/s); the receiver joins: its IGMP report to the first data packet on
            its link, from AF_PACKET kernel timestamps on the receiver's interface; median over --runs. An IGMPv3
            (S,G) report for an SSM group (232.4.0.x); asm-latency is the same with a (*,G) report (239.4.0.x,
            --asm-runs).

--frr: an FRR reference for the latency runs, measured in the same run. A second lab of the same topology (prefix
perffrr) with FRR 8.4 (zebra + pimd, /usr/lib/frr) on r1 and r2 in the same roles (frr_config: RP r1's lo for
239/8, SSM 232/8, IGMPv3 on r2's receiver link, SPT switchover on the first packet) exists while the latency runs
do. Each run takes one Fanout and one FRR sample, the labs taking turns going first (groups 232.5.0.x /
239.5.0.x there), so both see the same phase of a host whose speed varies; one lab is idle (no source) while the
other is measured. The table's FRR column shows them beside TESTING.md's figure; the JSON has them as
frr_latency_ssm / frr_latency_asm. Adds about 2.8 s per FRR sample and 1-2 s to build the lab (tests/run-all.sh's
lab step passes it with 10 runs of each: about 60 s there).

Usage (root): python3 topologies/perf/run.py [--only burst,burst-flood,newsrc,latency,asm-latency] [--runs 20]
  [--asm-runs 3] [--frr] [--json FILE]
FANOUT_BUILD_DIR selects the build (default: build/ or the lab's default). Takes about 1-2 minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "line3"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))

from lab import Lab, default_build_dir, find_binary, poll  # noqa: E402
from pimd_setup import neighbor_addresses, pimd_yaml  # noqa: E402
import topology as line3  # noqa: E402

AGENT = str(HERE / "agent.py")
RP = "198.18.255.1"  # r1's loopback
SOURCE_BASE = "198.18.1.10"  # spoofed sources on the src - r1 link
BURST_GROUPS, BURST_SOURCES = 100, 100
BURST_GROUP_BASE, FLOOD_GROUP_BASE = "239.2.0.0", "239.6.0.0"
BURST_RATE = 20000  # datagrams/s over all (S,G): the FRR reference's rate (TESTING.md)
# Group prefixes of the latency runs per lab, (*,G) and SSM: each lab its own groups, so no state is reused
LATENCY_GROUP_BASES = {"Fanout": ("239.4.0.", "232.4.0."), "FRR": ("239.5.0.", "232.5.0.")}


def agent(node, *args, name: str):
    """Starts agent.py in node; returns the Process (its log holds the JSON line)."""
    return node.start(name, [sys.executable, AGENT, *[str(a) for a in args]])


def stream(node, *args, name: str):
    """Starts tests/bench/tools/stream_source.cpp in node: one (S,G) at a fixed rate (the JSON line of agent.py's
    commands). Not agent.py: a Python sender took 55-70% of one of the lab's two cores at 10k pkt/s."""
    tool = str(find_binary("fanout_stream_source", default_build_dir() / "tests" / "bench"))
    return node.start(name, [tool, *[str(a) for a in args]])


def result_of(proc, timeout: float) -> dict:
    rc = proc.wait(timeout=timeout)
    text = proc.log_text().strip().splitlines()
    if rc != 0 or not text:
        raise RuntimeError(f"{proc.name} exited {rc}: {proc.log_text()[-2000:]}")
    return json.loads(text[-1])


def pim_config(router: str, node) -> str:
    ifs = {"eth0": {"hello-interval": "5s"}, "eth1": {"hello-interval": "5s"}}
    if router == "r1":
        ifs["lo"] = {}
    else:
        ifs["eth1"]["igmp"] = True
    extra = (f"rp:\n  - address: {RP}\n    groups: [239.0.0.0/8]\nspt-switchover: immediate\n")
    return pimd_yaml(node, ifs, extra=extra, log_level="warning")


def frr_config(router: str) -> str:
    """FRR pimd.conf in the roles pim_config and igmpd_config give Fanout: RP r1's lo for 239/8 (SSM: FRR's
    default range 232/8), PIM on both links with 5 s hellos, IGMPv3 on r2's receiver link only. FRR switches to
    the SPT on the first packet by default. Not line3's frr-pimd.conf.tmpl, whose RP is r2 for 224/4 (a Register
    path) and which runs IGMP on r1's downstream link too."""
    lines = [f"hostname {router}", f"ip pim rp {RP} 239.0.0.0/8"]
    if router == "r1":
        lines += ["interface lo", " ip pim"]
    for ifname in ("eth0", "eth1"):
        lines += [f"interface {ifname}", " ip pim", " ip pim hello 5"]
        if router == "r2" and ifname == "eth1":
            lines += [" ip igmp", " ip igmp version 3"]
    return "\n".join(lines) + "\n"


def igmpd_config(node) -> str:
    run = Path(node.run_dir)
    return ("daemon:\n"
            f"  status-socket: {node.socket_path('igmpd')}\n"
            f"  ipc-socket: {run / 'pimd-ipc.sock'}\n"
            f"  pid-file: {run / 'igmpd.pid'}\n"
            "  log-level: warning\n"
            "interfaces:\n"
            "  - name: eth1\n"
            "    version: 3\n"
            "    max-groups: 4096\n")


def proc_status(pid: int) -> dict:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            out[k] = int(v.split()[0]) // 1024  # MB
    return out


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU seconds the process has used (/proc/PID/stat utime, stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def raw_drops(node) -> int:
    """Sum of the drops column of IGMP raw sockets (protocol 2) in the node: upcalls the kernel could not queue."""
    text = node.run("cat", "/proc/net/raw").stdout.splitlines()[1:]
    total = 0
    for line in text:
        cols = line.split()
        if len(cols) >= 13 and cols[1].endswith(":0002"):
            total += int(cols[-1])
    return total


def pim_stats(node) -> dict:
    return node.fanout("show ip pim statistics")


def setup(lab: Lab):
    topo = line3.build(lab)
    topo.rcv.sysctl(**{"net.ipv4.igmp_max_memberships": 1024, "net.core.optmem_max": 1 << 20})
    igmpd = topo.r2.start_igmpd(igmpd_config(topo.r2))
    daemons = {r.name: r.start_pimd(pim_config(r.name, r)) for r in topo.routers}
    poll(lambda: neighbor_addresses(topo.r2, "eth0") == {"198.18.2.1"}, timeout=15, what="r1-r2 PIM adjacency")
    return topo, daemons, igmpd


def setup_frr(lab: Lab):
    """The same topology with FRR on the routers (frr_config), once r2 has r1 as PIM neighbor."""
    topo = line3.build(lab)
    frr = {r.name: r.start_frr(frr_config(r.name)) for r in topo.routers}
    poll(lambda: "198.18.2.1" in frr["r2"].vtysh("show ip pim neighbor", json_output=True).get("eth0", {}),
         timeout=30, what="FRR r1-r2 PIM adjacency")
    return topo


def wait_joined(topo, groups: list[str]) -> None:
    """igmpd on r2 told pimd about every group, then r1 (the RP) has (*,G) join state for each (`show ip pim
    join`; pimd builds without it get 1 s for the Join/Prune to travel)."""
    want = set(groups)
    poll(lambda: want <= {m["group"] for m in topo.r2.fanout("show ip igmp-membership").get("memberships", [])},
         timeout=20, what=f"r2's pimd has igmpd membership for {len(want)} groups")
    probe = topo.r1.run(*topo.r1.fanout_argv("show ip pim join"), check=False)
    if probe.returncode != 0:
        time.sleep(1.0)
        return
    poll(lambda: want <= {j.get("group") for j in topo.r1.fanout("show ip pim join").get("joins", [])},
         timeout=20, what=f"r1 has (*,G) join state for {len(want)} groups")


def sample_tool_args(doc: str, runs: int, root_for: str) -> argparse.Namespace | None:
    """The arguments of the tools that dissect latency samples (trace_latency.py, probe_steps.py): --runs and
    --asm. None, after printing why, when not root (root_for: what the tool needs root for)."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=runs)
    p.add_argument("--asm", action="store_true", help="(*,G) reports instead of IGMPv3 (S,G) ones")
    a = p.parse_args()
    if os.geteuid() != 0:
        print(f"SKIP: {root_for} needs root")
        return None
    return a


def wait_left(topo, groups: list[str]) -> None:
    """After the receiver left: r1 holds no join state for the groups any more (r2's prunes were processed)."""
    gone = set(groups)
    poll(lambda: not gone & {j.get("group") for j in topo.r1.fanout("show ip pim join").get("joins", [])},
         timeout=60, what=f"r1 pruned the {len(gone)} groups")


def start_profile(daemons, out_dir: str | None) -> list:
    """perf record (call graphs) of each router's pimd while the burst runs, when --perf-record DIR is given."""
    if not out_dir:
        return []
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    procs = []
    for name, d in daemons.items():
        procs.append(subprocess.Popen(["perf", "record", "--call-graph", "dwarf,16384", "-F", "2000", "-q", "-o",
                                       f"{out_dir}/pimd-{name}.data", "-p", str(d.pid)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(0.5)
    return procs


def stop_profile(procs: list) -> None:
    for p in procs:
        p.send_signal(signal.SIGINT)
    for p in procs:
        p.wait(timeout=30)


def backlog_served(topo) -> bool:
    return all(pim_stats(r)["upcall_backlog"]["waiting"] == 0 for r in topo.routers)


def run_burst(topo, daemons, profile_dir: str | None = None, *, group_base: str = BURST_GROUP_BASE,
              rate: int = BURST_RATE, label: str = "burst") -> dict:
    """rate: datagrams/s over all (S,G), 0 for as fast as the host can."""
    n = BURST_GROUPS * BURST_SOURCES
    poll(lambda: backlog_served(topo), timeout=60, what="both pimds served their upcall backlogs")
    ready = Path(topo.rcv.run_dir) / f"{label}-recv.ready"
    recv = agent(topo.rcv, "recv", "--iface-addr", "198.18.3.2", "--group-base", group_base, "--groups",
                 BURST_GROUPS, "--duration", 25, "--idle", 3, "--ready-file", ready, name=f"{label}-recv")
    poll(ready.exists, timeout=10, what=f"{label} receiver joined")
    base = group_base.rsplit(".", 1)[0]
    groups = [f"{base}.{i}" for i in range(BURST_GROUPS)]
    wait_joined(topo, groups)
    before = {r.name: (st["upcalls"], raw_drops(r), cpu_seconds(daemons[r.name].pid), st["sparse"]["rpt_discoveries"])
              for r in topo.routers for st in (pim_stats(r),)}
    watching = {r.name: Path(r.run_dir) / "mfcwatch.ready" for r in topo.routers}
    for f in watching.values():
        f.unlink(missing_ok=True)
    watcher = str(find_binary("fanout_mfc_watch", default_build_dir() / "tests" / "bench"))
    watches = {r.name: r.start(f"mfcwatch-{label}-{r.name}", [watcher, "--expect", str(n), "--timeout", "20",
                                                       "--ready-file", str(watching[r.name])])
               for r in topo.routers}
    poll(lambda: all(f.exists() for f in watching.values()), timeout=10, what="MFC watchers subscribed")
    profilers = start_profile(daemons, profile_dir)
    sender = agent(topo.src, "burst", "--iface", "eth0", "--source-base", SOURCE_BASE, "--sources", BURST_SOURCES,
                   "--group-base", group_base, "--groups", BURST_GROUPS, "--rounds", 4, "--interval", 0.5,
                   "--rate", rate, name=f"{label}-send")
    tx = result_of(sender, 60)
    out = {"rate": rate or "unpaced", "sent": tx["sent"], "distinct_sg": tx["distinct_sg"],
           "round_s": tx["round_seconds"]}
    for r in topo.routers:
        w = result_of(watches[r.name], 30)
        stats = pim_stats(r)
        up, backlog, drops = stats["upcalls"], stats["upcall_backlog"], raw_drops(r)
        user, system = cpu_seconds(daemons[r.name].pid)
        out[r.name] = {
            "installed": w["count"],
            "installed_in_proc": w["proc_count"],
            "mfc_notifications_lost": w["events_lost"],
            "all_installed_s": None if w["all_installed"] is None else round(w["all_installed"] - tx["first_send"], 3),
            "first_installed_s": None if w["first_installed"] is None else round(w["first_installed"] - tx["first_send"], 3),
            "installed_by_1s": max([n for t, n in w["samples"] if t - tx["first_send"] <= 1.0], default=0),
            "installed_every_100ms": [max([n for t, n in w["samples"] if t - tx["first_send"] <= k / 10], default=0)
                                      for k in range(1, 16)],
            "nocache": up["nocache"] - before[r.name][0]["nocache"],
            # sources learned from a (*,G) kernel entry's WHOLEPKT instead of a NOCACHE (the last hop's ASM groups)
            "rpt_discoveries": stats["sparse"]["rpt_discoveries"] - before[r.name][3],
            "overruns": up["overruns"] - before[r.name][0]["overruns"],
            "upcall_backlog_peak": backlog["peak"],
            "upcall_chunks_oldest_first": backlog["oldest_first_chunks"],
            "raw_socket_drops": drops - before[r.name][1],
            "cpu_user_s": round(user - before[r.name][2][0], 2),
            "cpu_system_s": round(system - before[r.name][2][1], 2),
            **proc_status(daemons[r.name].pid)}
    stop_profile(profilers)
    rx = result_of(recv, 40)
    out["receiver_datagrams"] = rx["received"]
    out["receiver_sources"] = rx["sources"]
    wait_left(topo, groups)  # a next burst starts with the routers idle
    return out


def run_newsrc(topo, runs: int) -> dict:
    lost = []
    for i in range(runs):
        ready = Path(topo.rcv.run_dir) / f"newsrc-{i}.ready"
        group = f"239.3.{i}.1"
        recv = agent(topo.rcv, "recv", "--iface-addr", "198.18.3.2", "--group-base", group, "--groups", 1,
                     "--duration", 8, "--idle", 1, "--per-source", 100, "--ready-file", ready, name=f"newsrc-recv-{i}")
        poll(ready.exists, timeout=10, what="new-source receiver joined")
        wait_joined(topo, [group])
        source = f"198.18.1.{200 + i}"
        tx = result_of(stream(topo.src, "--iface", "eth0", "--source", source, "--group", group,
                              "--rate", 1000, "--count", 100, name=f"newsrc-send-{i}"), 20)
        rx = result_of(recv, 20)
        got = len(rx.get("seqs_below", {}).get(source, []))
        lost.append(tx["sent"] - got)
    return {"runs": runs, "sent_each": 100, "lost_per_run": lost, "lost_total": sum(lost)}


def latency_sample(topo, group: str, ssm: bool, name: str) -> dict:
    """One latency sample in topo: the source sends to group at 10k pkt/s for 2.5 s; the receiver joins after
    0.8 s ((S,G) with ssm). Returns firstdata's JSON (report_to_data_ms when both packets were seen) with the
    source's (its sent count and first/last send times: a missing sample may be a source the host stalled);
    returns once the source has stopped."""
    sender = stream(topo.src, "--iface", "eth0", "--source", "198.18.1.2", "--group", group, "--rate",
                    10000, "--duration", 2.5, name=f"{name}-send")
    cap = agent(topo.rcv, "firstdata", "--iface", "eth0", "--iface-addr", "198.18.3.2", "--group", group,
                *(["--source", "198.18.1.2"] if ssm else []), "--join-after", 0.8, "--timeout", 2.5,
                name=f"{name}-cap")
    r = result_of(cap, 10)
    r["source"] = result_of(sender, 10)
    return r


def run_latency(labs: dict, runs: int, ssm: bool) -> dict[str, dict]:
    """labs: {"Fanout": topo[, "FRR": topo]}. Each run takes one sample per lab (the other lab idle meanwhile),
    group i + 1 of the lab's prefix; the labs take turns going first, so neither gains from its place. Returns
    the summary per lab."""
    samples: dict[str, list[float]] = {lab: [] for lab in labs}
    failures: dict[str, list[dict]] = {lab: [] for lab in labs}
    for i in range(runs):
        order = list(labs.items())
        for lab, topo in order if i % 2 == 0 else reversed(order):
            group = f"{LATENCY_GROUP_BASES[lab][ssm]}{i + 1}"
            r = latency_sample(topo, group, ssm, name=f"lat-{lab.lower()}-{i}-{ssm}")
            if "report_to_data_ms" in r:
                samples[lab].append(r["report_to_data_ms"])
            else:
                failures[lab].append(r)
    out = {}
    for lab in labs:
        s = samples[lab]
        out[lab] = {"runs": runs, "samples_ms": s, "missing": len(failures[lab]),
                    "missing_detail": failures[lab][:3]}
        if s:
            out[lab].update(median_ms=round(statistics.median(s), 3), min_ms=min(s), max_ms=max(s))
    return out


def run_latencies(topo, runs: dict[str, int], frr: bool) -> dict:
    """runs: {"latency_ssm": n, "latency_asm": n} (either). Runs them in topo (Fanout's lab), with frr interleaved
    with a lab of FRR routers (setup_frr) that exists only meanwhile. Prints and returns each summary, keyed as runs
    for Fanout and frr_<key> for FRR."""
    out = {}
    with contextlib.ExitStack() as stack:
        labs = {"Fanout": topo}
        if frr:
            t0 = time.time()
            labs["FRR"] = setup_frr(stack.enter_context(Lab(prefix="perffrr")))
            print(f"FRR lab ready in {time.time() - t0:.1f} s", flush=True)
        for key, n in runs.items():
            for lab, summary in run_latency(labs, n, ssm=key == "latency_ssm").items():
                name = key if lab == "Fanout" else f"frr_{key}"
                out[name] = summary
                print(f"{name}:", json.dumps(summary), flush=True)
    return out


def burst_rows(b: dict, what: str, frr: bool) -> list[tuple[str, str, str]]:
    """frr: show the FRR reference figures (measured at 20k pkt/s, so not beside the unpaced run)."""
    rows = []
    for r in ("r1", "r2"):
        rows.append((f"{what}: all installed at {r} (s after first packet)",
                     str(b[r]["all_installed_s"]) + ("" if b[r]["installed"] >= 10000 else
                                                     f" (only {b[r]['installed']})"),
                     ("6.8" if r == "r1" else "9.7") if frr else ""))
    rows.append((f"{what}: entries installed within 1 s r1/r2",
                 f"{b['r1']['installed_by_1s']}/{b['r2']['installed_by_1s']}", ""))
    # Both count the same kernel drops (sk_drops), but SO_RXQ_OVFL is stamped on each upcall when it is queued:
    # while pimd works through an 8 MB backlog its count lags the drops column of /proc/net/raw.
    rows.append((f"{what}: upcalls lost r1/r2 (max of /proc/net/raw drops, SO_RXQ_OVFL)",
                 f"{max(b['r1']['overruns'], b['r1']['raw_socket_drops'])}/"
                 f"{max(b['r2']['overruns'], b['r2']['raw_socket_drops'])}", "52-65k" if frr else ""))
    rows.append((f"{what}: new sources learned r1/r2: NOCACHE + (*,G) entry WHOLEPKT",
                 f"{b['r1']['nocache']}+{b['r1']['rpt_discoveries']}/{b['r2']['nocache']}+{b['r2']['rpt_discoveries']}",
                 ""))
    rows.append((f"{what}: pimd CPU s user+system r1; r2 (system: mostly MRT_ADD_MFC)",
                 f"{b['r1']['cpu_user_s']}+{b['r1']['cpu_system_s']}; {b['r2']['cpu_user_s']}+{b['r2']['cpu_system_s']}",
                 ""))
    rows.append((f"{what}: pimd VmRSS / VmHWM MB r1; r2",
                 f"{b['r1']['VmRSS']}/{b['r1']['VmHWM']}; {b['r2']['VmRSS']}/{b['r2']['VmHWM']}", "~650" if frr else ""))
    rows.append((f"{what}: sender round time (s, 10k datagrams)", str(b["round_s"]), "floor 0.5" if frr else ""))
    return rows


def latency_cell(la: dict) -> str:
    return (f"{la['median_ms']}/{la['min_ms']}/{la['max_ms']}" if "median_ms" in la else "-") + \
        (f" ({la['missing']} of {la['runs']} runs: no data within 1.7 s)" if la["missing"] else "")


def table(results: dict) -> str:
    rows = [("measurement", "Fanout", "FRR 8.4 (TESTING.md)")]
    for key, what in (("burst", "10k new (S,G) at 20k pkt/s"), ("burst_flood", "10k new (S,G), unpaced sender")):
        if results.get(key):
            rows.extend(burst_rows(results[key], what, frr=key == "burst"))
    n = results.get("newsrc")
    if n:
        rows.append((f"new source, first 100 @1000 pkt/s: lost per run ({n['runs']} runs)",
                     " ".join(map(str, n["lost_per_run"])), "1"))
    for key, what in (("latency_ssm", "IGMPv3 (S,G) report"), ("latency_asm", "IGMP (*,G) report")):
        la = results.get(key)
        if not la:
            continue
        fr = results.get(f"frr_{key}")
        rows.append((f"{what} -> first data on rcv link, ms (median/min/max, {la['runs']} runs)", latency_cell(la),
                     f"{latency_cell(fr)} this run; 0.5 TESTING.md" if fr else "0.5"))
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [" | ".join(r[i].ljust(w[i]) for i in range(3)) for r in rows]
    lines.insert(1, "-+-".join("-" * x for x in w))
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", default="burst,burst-flood,newsrc,latency,asm-latency")
    p.add_argument("--runs", type=int, default=20, help="latency runs (median)")
    p.add_argument("--newsrc-runs", type=int, default=5)
    p.add_argument("--asm-runs", type=int, default=3, help="runs of the (*,G) variant of the latency run")
    p.add_argument("--frr", action="store_true",
                   help="measure FRR in a second lab alongside the latency runs, sample by sample (see above)")
    p.add_argument("--json", help="write the raw results here")
    p.add_argument("--perf-record", metavar="DIR", help="profile each pimd during the burst (perf record -g) into DIR")
    a = p.parse_args()
    if os.geteuid() != 0:
        print("SKIP: the performance runs need root (network namespaces)")
        return 77
    wanted = set(a.only.split(","))
    results: dict = {}
    t0 = time.time()
    with Lab(prefix="perf") as lab:
        topo, daemons, _ = setup(lab)
        if "newsrc" in wanted:
            results["newsrc"] = run_newsrc(topo, a.newsrc_runs)
            print("newsrc:", json.dumps(results["newsrc"]), flush=True)
        latency_runs = {key: n for run, key, n in (("latency", "latency_ssm", a.runs),
                                                   ("asm-latency", "latency_asm", a.asm_runs)) if run in wanted}
        if latency_runs:
            results.update(run_latencies(topo, latency_runs, a.frr))
        # Last: pimd is still working through the burst's upcalls long after it (see README, Benchmarks).
        if "burst" in wanted:
            results["burst"] = run_burst(topo, daemons, a.perf_record)
            print("burst:", json.dumps(results["burst"]), flush=True)
        if "burst-flood" in wanted:
            results["burst_flood"] = run_burst(topo, daemons, a.perf_record and f"{a.perf_record}/flood",
                                               group_base=FLOOD_GROUP_BASE, rate=0, label="burst-flood")
            print("burst_flood:", json.dumps(results["burst_flood"]), flush=True)
    print()
    print(table(results))
    print(f"(perf runs took {time.time() - t0:.0f} s; load average {os.getloadavg()[0]:.1f} at the end; on a "
          "shared machine wall times are inflated)")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
