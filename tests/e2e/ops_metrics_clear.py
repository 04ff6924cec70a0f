#!/usr/bin/env python3
"""ops e2e: the Prometheus metrics endpoint of both daemons scraped over HTTP and parsed, its values checked
against the `show` JSON taken just before and just after the scrape (counters: before <= metric <= after;
tables: equal), `fanout show metrics` answering the same families as one document for both daemons (parsed:
HELP/TYPE once per family, a daemon label on every sample); then `clear ip igmp group` drops the learned
group, the querier's General Query makes the still-joined receiver report again and the group comes back;
`clear ip igmp statistics` zeroes what show displays while the metrics keep counting; `clear ip mroute G` deletes and re-installs r2's (S,G) toward
h1 (kernel counters restart); `clear ip pim statistics` zeroes what show displays while the metrics keep
counting.

    r2 eth0 ---- eth0 r1 (pimd + igmpd, metrics on 127.0.0.1:9101 / :9102) lan ---- h1 (joins 239.9.9.9)

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))

if os.geteuid() != 0:
    print("SKIP: ops e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, check, poll  # noqa: E402
from pimd_setup import mroute, neighbor_addresses, pimd_yaml  # noqa: E402
from prometheus_text import metric, parse_prometheus  # noqa: E402

GROUP = "239.9.9.9"

SCRAPE = """
import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1], timeout=5)
sys.stdout.write(r.headers.get("Content-Type", "") + "\\n" + r.read().decode())
"""


def scrape(node, port: int) -> dict:
    r = node.run(sys.executable, "-c", SCRAPE, f"http://127.0.0.1:{port}/metrics")
    ctype, _, body = r.stdout.partition("\n")
    check(ctype.startswith("text/plain; version=0.0.4"), f"Content-Type is the Prometheus text format ({ctype})")
    return parse_prometheus(body)


def bracket(m, fam, before, after, what, **labels):
    v = metric(m, fam, **labels)
    check(before <= v <= after, f"{what}: {fam}{labels or ''} = {v:g}, show said {before} before and {after} after")


def igmpd_yaml(node, lan_if: str, extra: str = "") -> str:
    run = Path(node.run_dir)
    return "\n".join(["daemon:", f"  status-socket: {node.socket_path('igmpd')}",
                      f"  ipc-socket: {run / 'pimd-ipc.sock'}", f"  pid-file: {run / 'igmpd.pid'}",
                      "interfaces:", f"  - name: {lan_if}", "    version: 3", "    query-interval: 60s",
                      "    query-response-interval: 1s", "ipc:", "  enabled: true"]) + "\n" + extra


def check_pimd(r1):
    before = r1.fanout("show ip pim statistics")
    m = scrape(r1, 9101)
    after = r1.fanout("show ip pim statistics")
    for t in ("hello",):
        bracket(m, "fanout_pim_rx_messages_total", before["pim"]["rx"].get(t, 0), after["pim"]["rx"].get(t, 0),
                "pimd hellos received", type=t)
        bracket(m, "fanout_pim_tx_messages_total", before["pim"]["tx"].get(t, 0), after["pim"]["tx"].get(t, 0),
                "pimd hellos sent", type=t)
    for reason, n in after["pim"]["drops"].items():
        bracket(m, "fanout_pim_drops_total", before["pim"]["drops"][reason], n, "pimd drop", reason=reason)
    for kind, n in after["pim"]["decode_errors"].items():
        bracket(m, "fanout_pim_decode_errors_total", before["pim"]["decode_errors"][kind], n, "decode", kind=kind)
    bracket(m, "fanout_pim_socket_received_total", before["socket"]["received"], after["socket"]["received"],
            "pimd socket")
    check(metric(m, "fanout_pim_neighbors") == len(r1.fanout("show ip pim neighbor")["neighbors"]) == 1,
          "fanout_pim_neighbors equals show ip pim neighbor (1)")
    check(metric(m, "fanout_pim_interface_neighbors", name="eth0") == 1, "one neighbor on eth0")
    check(metric(m, "fanout_mroutes") == len(r1.fanout("show ip mroute")["routes"]), "mroute count equals show")
    check(metric(m, "fanout_vifs") == len(r1.fanout("show ip multicast vif")["vifs"]), "VIF count equals show")
    check(metric(m, "fanout_info", daemon="pimd", version=r1.fanout("show version")["pimd"]["version"]) == 1, "fanout_info")
    check(metric(m, "fanout_ipc_connected") == 1, "pimd sees igmpd connected")
    check(metric(m, "fanout_ipc_membership_records") == r1.fanout("show ipc")["pimd"]["records"],
          "IPC records equal show")
    check_show_metrics(r1, m)
    return m


def check_show_metrics(r1, scraped):
    """`fanout show metrics`: one document for both daemons that parses, each sample labelled with its daemon."""
    text = r1.fanout("show metrics", json_output=False)
    check("---" not in text, "no per-daemon headers in fanout show metrics")
    doc = parse_prometheus(text)
    check({k[0] for k in scraped} <= {k[0] for k in doc}, "fanout show metrics has every family pimd serves")
    for d in ("pimd", "igmpd"):
        check(metric(doc, "fanout_status_replies_total", daemon=d) >= 1,
              f"fanout_status_replies_total has a {d} series in the same family")
    check(all(dict(k[1]).get("daemon") in ("pimd", "igmpd") for k in doc), "every sample has a daemon label")
    check(text.count("# TYPE fanout_status_replies_total ") == 1, "HELP/TYPE once for a family both export")
    fams = {f["name"] for f in r1.fanout("show metrics")["families"]}
    typed = {line.split(" ")[2] for line in text.splitlines() if line.startswith("# TYPE ")}
    check(typed == fams and {k[0] for k in doc} <= fams, "show metrics JSON lists the same families as the text")
    print(f"fanout show metrics: one document, {len(fams)} families, {len(doc)} series")


def check_igmpd(r1, lan_if):
    before = r1.fanout("show ip igmp statistics", json_output=True)
    m = scrape(r1, 9102)
    after = r1.fanout("show ip igmp statistics")
    groups = r1.fanout("show ip igmp groups")["groups"]
    check(metric(m, "fanout_igmp_groups") == len(groups) >= 1, f"fanout_igmp_groups equals show ({len(groups)})")
    check(metric(m, "fanout_igmp_interface_groups", name=lan_if) == len(groups), "groups per interface")
    check(metric(m, "fanout_igmp_interface_is_querier", name=lan_if) == 1, "igmpd is querier (metric)")
    for t, n in after["rx"].items():
        bracket(m, "fanout_igmp_rx_messages_total", before["rx"].get(t, 0), n, "igmp rx", type=t)
    for reason, n in after["drops"].items():
        bracket(m, "fanout_igmp_drops_total", before["drops"].get(reason, 0), n, "igmp drop", reason=reason)
    bracket(m, "fanout_igmp_socket_received_total", before["socket"]["received"], after["socket"]["received"],
            "igmp socket")


def check_clear(r1, lan_if):
    before = scrape(r1, 9102)
    r1.fanout("clear ip igmp statistics", json_output=False)
    st = r1.fanout("show ip igmp statistics")
    check(sum(st["rx"].values()) <= 2 and sum(st["drops"].values()) <= 2,
          f"clear ip igmp statistics reset the counters (rx {st['rx']}, drops {st['drops']})")
    after = scrape(r1, 9102)
    fam = "fanout_igmp_rx_messages_total"
    types = sorted({dict(k[1])["type"] for k in before if k[0] == fam})
    was = {t: metric(before, fam, type=t) for t in types}
    now = {t: metric(after, fam, type=t) for t in types}
    check(sum(was.values()) > 0 and all(now[t] >= was[t] for t in types),
          f"{fam} keeps counting through the clear ({was} -> {now}): Prometheus counters never go down")
    t0 = time.monotonic()
    out = r1.fanout(f"clear ip igmp group {GROUP}")
    check(out["cleared_groups"] == 1, f"clear ip igmp group {GROUP} dropped 1 group ({out})")
    groups = {g["group"] for g in r1.fanout("show ip igmp groups")["groups"]}
    # The receiver answers the General Query within Query Response Interval (1 s).
    poll(lambda: GROUP in {g["group"] for g in r1.fanout("show ip igmp groups")["groups"]}, timeout=5,
         what=f"{GROUP} comes back after the General Query")
    dt = time.monotonic() - t0
    check(True, f"{GROUP} was {'absent' if GROUP not in groups else 'back already'} right after the clear and "
                f"re-learned {dt:.2f} s later")
    tx = r1.fanout("show ip igmp statistics")["tx"]
    check(sum(tx.values()) >= 1, f"the clear sent a query ({tx})")
    bad = r1.run(*r1.fanout_argv("clear ip igmp group 10.1.1.1"), check=False)
    check(bad.returncode != 0 and "10.1.1.1" in (bad.stdout + bad.stderr),
          f"a unicast GROUP is refused (rc {bad.returncode}: {(bad.stdout + bad.stderr).strip()})")


def check_pim_clears(r1, r2):
    """clear ip mroute G: the (S,G) of a directly connected source is deleted (kernel counters with it) and
    installed again at once; clear ip pim statistics: show counts from 0, the metrics keep the running totals."""
    src = "198.18.1.2"
    tx = r2.mcast_send(GROUP, "eth0", rate=50, duration=6, ttl=8, name="clear-send")
    row = poll(lambda: (m := mroute(r1, src, GROUP)) is not None and m["packets"] >= 20 and m, timeout=5,
               what=f"r1 forwards ({src},{GROUP}) (20 packets counted)")
    out = r1.fanout(f"clear ip mroute {GROUP}")
    check(out["cleared_mroutes"] >= 1, f"clear ip mroute {GROUP} deleted the kernel entry ({out})")
    again = poll(lambda: mroute(r1, src, GROUP), timeout=2, what=f"({src},{GROUP}) installed again")
    check(again["packets"] < row["packets"], f"the kernel counters restarted ({row['packets']} -> {again['packets']})")
    st = r1.fanout("show ip pim statistics")["pim"]
    check(st["mroute_clears"] == 1 and st["mroutes_cleared"] >= 1,
          f"the clear is counted (mroute_clears {st['mroute_clears']}, mroutes_cleared {st['mroutes_cleared']})")
    print(f"clear ip mroute {GROUP}: {out['cleared_mroutes']} entry deleted, re-installed with "
          f"{again['packets']} packets counted (was {row['packets']})")
    before = scrape(r1, 9101)
    r1.fanout("clear ip pim statistics", json_output=False)
    st = r1.fanout("show ip pim statistics")
    check(st["pim"]["rx"].get("hello", 0) <= 2 and st["pim"]["mroute_clears"] == 0 and st["socket"]["sent"] <= 2,
          f"clear ip pim statistics: show counts from 0 (hello rx {st['pim']['rx'].get('hello')}, "
          f"sent {st['socket']['sent']})")
    after = scrape(r1, 9101)
    for fam, labels in (("fanout_pim_rx_messages_total", {"type": "hello"}), ("fanout_pim_socket_sent_total", {}),
                        ("fanout_pim_mroute_clears_total", {})):
        check(metric(after, fam, **labels) >= metric(before, fam, **labels) > 0,
              f"{fam}{labels or ''} keeps counting through the clear ({metric(before, fam, **labels):g} -> "
              f"{metric(after, fam, **labels):g}): Prometheus counters never go down")
    tx.result(timeout=15)


def interactive(node, keys: list[tuple[bytes, bytes]], timeout: float = 5) -> str:
    """Drives the interactive `fanout` in a pty as a person would: each (keys, expected) pair types keys and
    reads until expected shows on the screen; returns everything the screen showed."""
    argv = ["ip", "netns", "exec", node.ns] + node.fanout_argv("", json_output=False)[:-2]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    screen = b""
    try:
        for typed, expected in keys:
            os.write(fd, typed)
            deadline = time.monotonic() + timeout
            while expected not in screen:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"typed {typed!r}, expected {expected!r} on the screen; saw {screen!r}")
                if select.select([fd], [], [], left)[0]:
                    try:
                        screen += os.read(fd, 4096)
                    except OSError:
                        break
        os.write(fd, b"\x15exit\n")  # ^U clears the line
    finally:
        deadline, done = time.monotonic() + 2, False
        while not done and time.monotonic() < deadline:
            done = os.waitpid(pid, os.WNOHANG) != (0, 0)
            time.sleep(0 if done else 0.05)
        if not done:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    return screen.decode(errors="replace")


def check_shell_clears(r1):
    """The clear commands in the interactive shell: `?` lists them with their help, TAB completes them."""
    screen = interactive(r1, [(b"clear ip ?", b"mroute"), (b"\x15clear ip pim ?", b"statistics"),
                              (b"\x15clear ip mr\t", b"oute "), (b"?", b"only this group")])
    check("igmp" in screen and "mroute" in screen and "delete the kernel multicast routes" in screen,
          "`clear ip ?` lists igmp, mroute and pim with their help")
    check("GROUP" in screen and "only this group" in screen, "`clear ip mroute ?` shows the optional GROUP")
    print("interactive shell: clear ip ? / clear ip pim ? / TAB / clear ip mroute ? answered")


def main() -> int:
    with Lab() as lab:
        r1, r2, h1 = lab.node("r1", router=True), lab.node("r2", router=True), lab.node("h1", igmp_version=3)
        lab.link(r1, r2)
        lan = lab.lan("lan", [r1, h1])
        lan_if = lan["r1"]
        hello = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}
        r1.start_pimd(pimd_yaml(r1, {"eth0": hello, lan_if: {"pim": False, "igmp": True}},
                                extra="metrics:\n  listen: 127.0.0.1:9101\n"))
        r2.start_pimd(pimd_yaml(r2, {"eth0": hello}))
        r1.start_igmpd(igmpd_yaml(r1, lan_if, extra="metrics:\n  listen: 9102\n"))
        poll(lambda: neighbor_addresses(r1) == {"198.18.1.2"}, timeout=10, what="r1 and r2 are PIM neighbors")
        r1.wait_json(f"show ip igmp interface {lan_if}", predicate=lambda d: d["interfaces"][0]["am_querier"],
                     timeout=10)
        h1.mcast_recv(GROUP, lan["h1"], duration=50)
        poll(lambda: GROUP in {g["group"] for g in r1.fanout("show ip igmp groups")["groups"]}, timeout=10,
             what=f"igmpd learns {GROUP} from h1")
        poll(lambda: r1.fanout("show ipc")["pimd"]["records"] >= 1, timeout=10, what="pimd has the membership from igmpd")
        check_pimd(r1)
        check_igmpd(r1, lan_if)
        check_clear(r1, lan_if)
        check_pim_clears(r1, r2)
        check_shell_clears(r1)
    print("ops_metrics_clear: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
