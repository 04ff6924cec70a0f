#!/usr/bin/env python3
"""Self-test of the network-namespace lab (topologies/lab.py, topologies/mcast.py).

Builds two routers-to-be on a veth link and a bridged LAN of three hosts, and checks: addresses and ping, loopback
addresses and static routes, the sysctls and `tx off` the lab promises, multicast on the LAN (two receivers count
exactly the datagrams sent, no duplicates; an SSM join for another source gets none), the FRR helper (zebra + pimd,
`show ip pim interface json` lists the PIM interface), and teardown (no namespace with the prefix survives: after the
`with`, after an exception, after SIGTERM to a process holding a lab, and cleanup_stale).

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))

import lab as labmod  # noqa: E402
from lab import Lab, LabError, PollTimeout, netns_list, poll  # noqa: E402

CHECKS = []


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    CHECKS.append(what)
    print(f"ok - {what}", flush=True)


def test_links_lans_routes(lab):
    r1 = lab.node("r1", router=True)
    r2 = lab.node("r2", router=True)
    hosts = [lab.node(n, igmp_version=v) for n, v in (("h1", None), ("h2", 2), ("h3", 3))]
    r1_if, r2_if = lab.link(r1, r2)
    check((r1_if, r2_if) == ("eth0", "eth0"), "link names interfaces eth0 on both sides")
    check(r1.address(r1_if) == "198.18.1.1" and r2.address(r2_if) == "198.18.1.2", "link addresses from 198.18/15")
    check(r1.ping("198.18.1.2"), "ping across the veth link")
    lan = lab.lan("lan1", [hosts[0], (hosts[1], "198.19.1.20/24"), (hosts[2], None, "lan0")])
    check(lan == {"h1": "eth0", "h2": "eth0", "h3": "lan0"}, f"LAN interfaces {lan}")
    check(hosts[0].ping("198.19.1.20") and hosts[0].ping("198.19.1.3"), "ping across the bridged LAN")
    r2.add_loopback("198.18.255.2/32")
    r1.add_route("198.18.255.2/32", via="198.18.1.2")
    check(r1.ping("198.18.255.2"), "static route to a loopback address")
    try:
        r1.add_loopback("10.0.0.1/32")
        check(False, "an address outside 198.18.0.0/15 is refused")
    except LabError:
        check(True, "an address outside 198.18.0.0/15 is refused")
    sysctl = r1.run("sysctl", "-n", "net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter",
                    "net.ipv4.conf.eth0.rp_filter").stdout.split()
    check(sysctl == ["1", "0", "0"], f"router sysctls ip_forward=1, rp_filter=0 ({sysctl})")
    igmp = hosts[1].run("sysctl", "-n", "net.ipv4.conf.eth0.force_igmp_version").stdout.strip()
    check(igmp == "2", "force_igmp_version on a host interface")
    offload = hosts[2].run("ethtool", "-k", "lan0").stdout
    check(re.search(r"^tx-checksumming: off", offload, re.M) is not None, "tx checksum offload off on veths")
    snooping = lab["lan1"].run("cat", "/sys/class/net/br0/bridge/multicast_snooping").stdout.strip()
    check(snooping == "0", "LAN bridge floods multicast (no snooping)")
    return hosts


def test_multicast_on_lan(lab, hosts):
    h1, h2, h3 = hosts
    group, count = "239.1.2.3", 200
    rx2 = h2.mcast_recv(group, "eth0", duration=15, count=count, name="rx2")
    rx3 = h3.mcast_recv(group, "lan0", duration=15, count=count, name="rx3")
    rx_ssm_other = h3.mcast_recv(group, "lan0", source="198.19.1.99", duration=4, name="rx3-ssm-other")
    rx_ssm = h2.mcast_recv(group, "eth0", source="198.19.1.1", duration=15, count=count, name="rx2-ssm")
    tx = h1.mcast_send(group, "eth0", rate=500, count=count, ttl=2).result(timeout=30)
    check(tx["sent"] == count and tx["errors"] == 0, f"sender sent {count} datagrams ({tx['sent']})")
    for job in (rx2, rx3, rx_ssm):
        r = job.result(timeout=30)
        check(r["received"] == count and r["duplicates"] == 0 and r["lost_in_range"] == 0,
              f"{job.name} received exactly {count}, no duplicates, no loss "
              f"(received {r['received']}, dup {r['duplicates']}, latency {r['latency_ms']})")
        check(r["sources"] == {"198.19.1.1": count}, f"{job.name} saw only h1 as source")
    other = rx_ssm_other.result(timeout=30)
    check(other["received"] == 0, f"SSM join for another source receives nothing ({other['received']})")


def test_frr(lab):
    r1 = lab["r1"]
    conf = ("hostname r1\n"
            "ip pim rp 198.18.255.2 224.0.0.0/4\n"
            "interface eth0\n ip pim\n")
    frr = r1.start_frr(conf)
    check(frr.pid("zebra") and frr.pid("pimd"), "FRR zebra and pimd running in r1")
    data = poll(lambda: (frr.vtysh("show ip pim interface", json_output=True) or {}).get("eth0"), timeout=15,
                what="FRR pim interface eth0")
    check(data.get("state") == "up" and data.get("address") == "198.18.1.1",
          f"vtysh show ip pim interface json lists eth0 up with its address: {data}")
    return frr


def test_processes(lab):
    p = lab["h1"].start("sleeper", ["sleep", "300"])
    check(p.alive(), "a background process runs in a node")
    return p.pid


FAKE_PIMD = {
    "daemon": "pimd", "version": "0.1.0",
    "commands": [{"path": ["show", "ip", "pim", "neighbor"], "help": "PIM neighbors",
                  "args": [{"name": "IFNAME", "kind": "interface", "optional": True}]},
                 {"path": ["show", "version"], "help": "Version"}],
    "replies": {"show ip pim neighbor": [{"after": 0, "data": []},
                                         {"after": 1.0, "data": [{"interface": "eth0", "neighbor": "198.18.1.2"}]}],
                "show version": {"data": {"daemon": "pimd", "version": "0.1.0"}}}}
FAKE_IGMPD = {
    "daemon": "igmpd", "version": "0.1.0",
    "commands": [{"path": ["show", "ip", "igmp", "groups"], "help": "IGMP groups"},
                 {"path": ["show", "version"], "help": "Version"}],
    "replies": {"show ip igmp groups": {"data": [{"group": "239.1.2.3"}]},
                "show version": {"data": {"daemon": "igmpd"}}}}


def test_daemon_helpers(lab):
    """start_fanout_daemon / fanout / wait_json, with topologies/fake_status_daemon.py standing in for the daemons
    (the real `fanout` binary of this build talks to them)."""
    import json
    fake = str(REPO / "topologies" / "fake_status_daemon.py")
    os.environ["FANOUT_PIMD_BIN"] = os.environ["FANOUT_IGMPD_BIN"] = fake
    try:
        labmod.find_binary("fanout", lab.build_dir)
    except LabError as e:
        check(False, f"the fanout binary of this build exists ({e})")
    r1 = lab["r1"]
    pimd = r1.start_pimd(json.dumps(FAKE_PIMD))
    igmpd = r1.start_igmpd(json.dumps(FAKE_IGMPD))
    check(pimd.socket_path == lab.run_dir / "r1" / "pimd.sock" and pimd.socket_path.exists(),
          "daemon status socket in the node's run dir")
    nbrs = r1.wait_json("sh ip pim nei", predicate=lambda d: len(d) == 1, timeout=5)
    check(nbrs == [{"interface": "eth0", "neighbor": "198.18.1.2"}], "wait_json polls until the state appears")
    both = r1.fanout("show version")
    check(both == {"pimd": {"daemon": "pimd", "version": "0.1.0"}, "igmpd": {"daemon": "igmpd"}},
          f"a command of both daemons goes to both ({both})")
    try:
        r1.wait_json("show ip igmp groups", subset=[{"group": "239.9.9.9"}], timeout=0.5)
        check(False, "wait_json times out")
    except PollTimeout as e:
        check("239.1.2.3" in str(e), "wait_json times out naming the last reply")
    p = r1.run(*r1.fanout_argv("show ip bogus"), check=False)
    check(p.returncode == 2 and "% Unknown command: show ip bogus" in p.stderr, "fanout: unknown command exits 2")
    igmpd.stop()
    p = r1.run(*r1.fanout_argv("show ip igmp groups"), check=False)
    check(p.returncode == 3 and p.stderr.startswith("% igmpd is not running ("),
          f"fanout: a stopped daemon exits 3 with one line ({p.stderr.strip()})")
    del os.environ["FANOUT_PIMD_BIN"], os.environ["FANOUT_IGMPD_BIN"]


def test_exception_teardown():
    prefix = f"fs{os.getpid() % 10000}e"
    try:
        with Lab(prefix=prefix) as l2:
            l2.node("a")
            l2.link(l2.node("b"), l2["a"])
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    check(not [ns for ns in netns_list() if ns.startswith(prefix + "-")], "teardown after an exception")


def test_signal_teardown():
    prefix = f"fs{os.getpid() % 10000}s"
    code = ("import sys, time; sys.dont_write_bytecode = True; sys.path.insert(0, %r)\n"
            "from lab import Lab\n"
            "with Lab(prefix=%r) as l:\n"
            "    l.node('a'); l['a'].start('sleeper', ['sleep', '300'])\n"
            "    print('ready', flush=True); time.sleep(60)\n") % (str(REPO / "topologies"), prefix)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline().strip()
    check(line == "ready", "a child process built a lab")
    check(any(ns.startswith(prefix + "-") for ns in netns_list()), "the child's namespace exists")
    child.send_signal(signal.SIGTERM)
    rc = child.wait(timeout=30)
    check(not [ns for ns in netns_list() if ns.startswith(prefix + "-")],
          f"teardown on SIGTERM (child exit {rc})")
    check(not (labmod.RUN_ROOT / prefix).exists(), "run dir removed on SIGTERM")


def test_cleanup_stale():
    prefix = f"fs{os.getpid() % 10000}z"
    subprocess.run(["ip", "netns", "add", f"{prefix}-stale"], check=True)
    gone = labmod.cleanup_stale(re.escape(prefix) + "-")
    check(gone == [f"{prefix}-stale"] and f"{prefix}-stale" not in netns_list(), "cleanup_stale deletes namespaces")


def test_poll():
    n = {"i": 0}

    def bump():
        n["i"] += 1
        return n["i"] >= 3
    check(poll(bump, timeout=2, interval=0.01) is True and n["i"] == 3, "poll returns once fn is truthy")
    try:
        poll(lambda: {"state": "down"}.get("up"), timeout=0.2, interval=0.05, what="never")
        check(False, "poll raises on timeout")
    except PollTimeout as e:
        check("last value seen: None" in str(e), "poll raises on timeout naming the last value")
    check(labmod.json_subset({"a": {"b": 1}, "l": [{"x": 2}]}, {"a": {"b": 1, "c": 2}, "l": [{"x": 1}, {"x": 2}]})
          and not labmod.json_subset({"a": {"b": 2}}, {"a": {"b": 1}}), "json_subset")


def main():
    if os.geteuid() != 0:
        print("SKIP: not root (the lab builds network namespaces; CI runs as root)")
        return 77
    test_poll()
    with Lab() as lab:
        prefix = lab.prefix
        hosts = test_links_lans_routes(lab)
        test_multicast_on_lan(lab, hosts)
        frr = test_frr(lab)
        sleeper = test_processes(lab)
        test_daemon_helpers(lab)
        frr_pids = [frr.pid("zebra"), frr.pid("pimd")]
    check(not [ns for ns in netns_list() if ns.startswith(prefix + "-")], f"no namespace {prefix}-* left")
    check(not (labmod.RUN_ROOT / prefix).exists(), "run dir removed")
    time.sleep(0.1)
    check(not labmod._alive(sleeper), "processes started in nodes are stopped")
    check(not any(labmod._alive(p) for p in frr_pids if p), "FRR daemons are stopped")
    test_exception_teardown()
    test_signal_teardown()
    test_cleanup_stale()
    print(f"lab_selftest: {len(CHECKS)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
