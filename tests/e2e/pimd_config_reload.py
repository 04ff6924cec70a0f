#!/usr/bin/env python3
"""pimd e2e: configuration errors and reload.

- A bad configuration at start: pimd exits non-zero and names FILE:LINE:COL and the key; --check-config says
  the same without starting, and accepts a good file.
- A bad reload (`fanout reload`, and SIGHUP) is refused with FILE:LINE:COL; the daemon keeps running with its
  neighbor (same uptime, not re-learned).
- A good reload applies the difference: r1's new DR priority reaches r2 in the next hello, the neighbor stays.

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, check, find_binary, poll  # noqa: E402
from pimd_setup import neighbor_addresses, neighbors, pimd_yaml  # noqa: E402


def bad_start(lab, r1):
    pimd = find_binary("pimd", lab.build_dir)
    bad = r1.run_dir / "bad.yaml"
    bad.write_text("interfaces:\n  - name: eth0\n    hello-interval: 0s\n")
    p = r1.run(pimd, "-f", bad, "-s", r1.run_dir / "bad.sock", check=False, timeout=10)
    check(p.returncode != 0, f"pimd with a bad config exits non-zero ({p.returncode})")
    check(f"{bad}:3:21: interfaces[0].hello-interval: value 0s out of range" in p.stderr,
          f"the error names file:line:col and the key: {p.stderr.strip()}")
    check(not (r1.run_dir / "bad.sock").exists(), "no status socket was left behind")
    p = subprocess.run([str(pimd), "--check-config", "-f", str(bad)], capture_output=True, text=True, timeout=10)
    check(p.returncode != 0 and f"{bad}:3:21" in p.stderr, "--check-config rejects it the same way")
    good = REPO / "etc" / "pimd.yaml"
    p = subprocess.run([str(pimd), "--check-config", "-f", str(good)], capture_output=True, text=True, timeout=10)
    check(p.returncode == 0, f"--check-config accepts etc/pimd.yaml ({p.stdout.strip()} {p.stderr.strip()})")


def main() -> int:
    with Lab() as lab:
        r1, r2 = lab.node("r1", router=True), lab.node("r2", router=True)
        lab.link(r1, r2)
        bad_start(lab, r1)

        conf1 = r1.run_dir / "pimd.yaml"
        good1 = pimd_yaml(r1, {"eth0": {"hello-interval": "1s", "dr-priority": 5}})
        conf1.write_text(good1)
        d1 = r1.start_pimd(conf1)
        r2.start_pimd(pimd_yaml(r2, {"eth0": {"hello-interval": "1s"}}))
        poll(lambda: neighbor_addresses(r2) == {"198.18.1.1"} and neighbor_addresses(r1) == {"198.18.1.2"},
             timeout=10, what="adjacency")
        check(True, "r1 and r2 are neighbors")
        up_before = neighbors(r1)[0]["uptime_ms"]

        conf1.write_text(good1 + "rp:\n  - address: 239.1.1.1\n")
        lines = len(good1.splitlines())
        p = r1.run(*r1.fanout_argv("reload", json_output=False), check=False)
        out = p.stdout + p.stderr
        check(p.returncode != 0 and f"{conf1}:{lines + 2}:14: rp[0].address" in out,
              f"a bad reload is refused with file:line:col: {out.strip()}")
        os.kill(d1.pid, signal.SIGHUP)
        poll(lambda: "reload failed, keeping the running configuration" in d1.log_text(), timeout=5,
             what="SIGHUP reload refused in the log")
        check(f"{conf1}:{lines + 2}:14" in d1.log_text(), "SIGHUP: the log names file:line:col")
        time.sleep(1.5)
        check(d1.alive(), "pimd still runs after the bad reloads")
        n = neighbors(r1)
        check(len(n) == 1 and n[0]["uptime_ms"] > up_before, f"the neighbor was kept (uptime {n[0]['uptime_ms']} ms)")
        cfg = r1.fanout("show running-config")
        check("dr-priority: 5" in cfg["yaml"] and "239.1.1.1" not in cfg["yaml"], "running config unchanged")

        conf1.write_text(pimd_yaml(r1, {"eth0": {"hello-interval": "1s", "dr-priority": 42}}))
        r = r1.fanout("reload")
        check(r.get("reloaded") is True, "a good reload is accepted")
        poll(lambda: neighbors(r2)[0]["dr_priority"] == 42, timeout=5, what="r2 sees DR priority 42")
        check(True, "r2 sees r1's new DR priority 42")
        n = neighbors(r1)
        check(len(n) == 1 and n[0]["uptime_ms"] > up_before, "the neighbor survived the reload")
        check(r1.fanout("show ip pim statistics")["reloads"] == 1, "one reload counted")
    print("pimd_config_reload: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
