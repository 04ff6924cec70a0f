#!/usr/bin/env python3
"""igmpd e2e: interfaces that come late, go down and come back, and configuration reload (SIGHUP and
`fanout reload`): igmpd starts before its interface exists, becomes querier when netlink reports it, stops on
link down and resumes on link up; a reload changes the version and adds a static group (the group appears,
the running config shows it); a bad file is refused and the running configuration stays.

    r1 eth0 (created after igmpd starts) ---- h1

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import signal
import sys
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


def iface(node, ifname="eth0") -> dict:
    return node.fanout(f"show ip igmp interface {ifname}")["interfaces"][0]


def main() -> int:
    with Lab() as lab:
        r1, h1 = lab.node("r1", router=True), lab.node("h1")
        keys = {"version": 3, "query-interval": "5s", "query-response-interval": "1s"}
        cfg = r1.run_dir / "igmpd-live.yaml"
        cfg.write_text(igmpd_yaml(r1, {"eth0": keys}, ipc=False))
        d = r1.start_igmpd(cfg)
        links = r1.fanout("show interface")["interfaces"]
        check("eth0" not in [x["name"] for x in links], "igmpd runs before eth0 exists")
        lab.link(r1, h1, a_if="eth0", b_if="eth0")
        poll(lambda: iface(r1)["am_querier"], timeout=10, what="querier on the late eth0")
        check(True, "eth0 appeared: igmpd opened its socket and became querier")
        link = [x for x in r1.fanout("show interface")["interfaces"] if x["name"] == "eth0"][0]
        check(link["socket_open"] and link["igmp_enabled"], f"show interface: {link}")

        r1.run("ip", "link", "set", "eth0", "down")
        poll(lambda: iface(r1)["state"] != "up", timeout=10, what="eth0 down")
        check(True, f"link down: interface state {iface(r1)['state']}, querier state {iface(r1)['querier_state']}")
        r1.run("ip", "link", "set", "eth0", "up")
        poll(lambda: iface(r1)["state"] == "up" and iface(r1)["am_querier"], timeout=15, what="eth0 back up")
        check(True, "link up again: querier again")

        # SIGHUP: version 2 and a static group.
        cfg.write_text(igmpd_yaml(r1, {"eth0": dict(keys, version=2, **{"static-groups": "[239.9.9.9]"})},
                                  ipc=False))
        os.kill(d.pid, signal.SIGHUP)
        poll(lambda: iface(r1)["version"] == 2, timeout=5, what="version 2 after SIGHUP")
        groups = r1.fanout("show ip igmp groups")["groups"]
        check(any(g["group"] == "239.9.9.9" and g["static"] for g in groups), f"static group added ({groups})")
        rc = r1.fanout("show running-config")["yaml"]
        check("version: 2" in rc and "static-groups: [239.9.9.9]" in rc, "running config shows the reload")

        # A bad file is refused by `fanout reload` and the running configuration stays.
        cfg.write_text(igmpd_yaml(r1, {"eth0": dict(keys, version=7)}, ipc=False))
        out = r1.run(*r1.fanout_argv("reload", json_output=False), check=False)
        check(out.returncode != 0 and "version" in out.stderr, f"bad reload refused: {out.stderr.strip()}")
        check(iface(r1)["version"] == 2 and d.alive(), "the running configuration stays")
        check(d.stop() == 0, "igmpd exits 0 on SIGTERM")
    print("igmpd_reload: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
