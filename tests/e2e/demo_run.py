#!/usr/bin/env python3
"""The README's demo (topologies/demo/demo.py) runs as documented, so it cannot rot: it must exit 0, print every
show command it promises with PIM-SM state in it, and report the receiver's counts.

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

if os.geteuid() != 0:
    print("SKIP: the demo needs root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

sys.path.insert(0, str(REPO / "topologies"))
from lab import check  # noqa: E402


def main() -> int:
    run = subprocess.run([sys.executable, str(REPO / "topologies" / "demo" / "demo.py")], capture_output=True,
                         text=True, timeout=120, env=os.environ)
    out = run.stdout
    print(out[-3000:])
    check(run.returncode == 0, f"demo.py exits 0 (rc {run.returncode}, stderr: {run.stderr[-2000:]})")
    for banner in ("r1# fanout show ip pim neighbor", "r1# fanout show ip mroute", "r1# fanout show ip pim register",
                   "r2# fanout show ip mroute", "r2# fanout show ip pim register", "r2# fanout show ip igmp groups"):
        check(f"=== {banner}" in out, f"the demo prints '{banner}'")
    check("198.18.1.2  239.1.1.1  pim" in out, "show ip mroute lists (198.18.1.2, 239.1.1.1) as a PIM-SM entry")
    check("Register-Stops sent: spt-or-no-receivers=1" in out or "register-stops received 1" in out,
          "the register path ran (a Register-Stop was sent or received)")
    check("demo OK" in out and "duplicates 0" in out, "the receiver got the stream without duplicates")
    print("demo_run: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
