#!/usr/bin/env python3
"""pimd e2e: the igmpd -> pimd IPC server.

A stand-in for igmpd (this script) connects to pimd's IPC socket and speaks the framed protocol of
common/sys/ipc_messages.hpp: Hello, then a snapshot with one membership (eth0, 239.1.1.1, EXCLUDE {}) and one
INCLUDE record, then a delta removing the second. `show ipc` shows the peer connected with its name and session,
`show ip igmp-membership` the records; when the peer goes away the records are kept, marked stale.

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import socket
import struct
import sys
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, check  # noqa: E402
from pimd_setup import pimd_yaml  # noqa: E402

HELLO, SNAP_BEGIN, MEMBERSHIP, REMOVED, SNAP_END = 1, 2, 3, 4, 5
INCLUDE, EXCLUDE = 1, 2
SESSION = 0x1234_5678_9ABC_DEF0


def frame(mtype: int, payload: bytes) -> bytes:
    return struct.pack("!HHI", 1, mtype, len(payload)) + payload


def name(s: str) -> bytes:
    return struct.pack("!B", len(s)) + s.encode()


def addr(a: str) -> bytes:
    return socket.inet_aton(a)


def membership(ifname, ifindex, group, mode, sources=()):
    return frame(MEMBERSHIP, name(ifname) + struct.pack("!I", ifindex) + addr(group) +
                 struct.pack("!BBH", mode, 0, len(sources)) + b"".join(addr(s) for s in sources))


def main() -> int:
    with Lab() as lab:
        r1, h = lab.node("r1", router=True), lab.node("h")
        lab.link(r1, h)
        r1.start_pimd(pimd_yaml(r1, {"eth0": {"pim": False, "igmp": True}}))
        ipc = r1.fanout("show ipc")
        check(ipc["listening"] and not ipc["connected"], f"pimd listens on its IPC socket ({ipc['socket']})")
        ifindex = int(r1.run("cat", "/sys/class/net/eth0/ifindex").stdout)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(ipc["socket"])
        s.sendall(frame(HELLO, struct.pack("!H", 1) + name("test-igmpd") + struct.pack("!Q", SESSION)) +
                  frame(SNAP_BEGIN, b"") +
                  membership("eth0", ifindex, "239.1.1.1", EXCLUDE) +
                  membership("eth0", ifindex, "232.1.1.1", INCLUDE, ["198.18.1.9"]) +
                  frame(SNAP_END, struct.pack("!I", 2)))
        ipc = r1.wait_json("show ipc", subset={"connected": True, "records": 2})
        check(ipc["peer"]["name"] == "test-igmpd" and ipc["peer"]["session"] == f"{SESSION:016x}",
              f"show ipc: igmpd connected, name and session ({ipc['peer']})")
        check(ipc["table_counters"]["snapshots"] == 1, "one snapshot completed")
        m = r1.fanout("show ip igmp-membership")["memberships"]
        check({(x["group"], x["mode"], tuple(x["sources"])) for x in m} ==
              {("239.1.1.1", "exclude", ()), ("232.1.1.1", "include", ("198.18.1.9",))},
              f"show ip igmp-membership lists both records ({m})")
        s.sendall(frame(REMOVED, name("eth0") + struct.pack("!I", ifindex) + addr("232.1.1.1")))
        r1.wait_json("show ipc", subset={"records": 1})
        check(True, "a MembershipRemoved delta removes the record")
        s.close()
        ipc = r1.wait_json("show ipc", subset={"connected": False, "records": 1, "stale": 1})
        check(True, "igmpd gone: the record is kept, marked stale")
        text = r1.fanout("show ip igmp-membership", json_output=False)
        check("239.1.1.1" in text and "stale" in text, f"text form:\n{text}")
    print("pimd_ipc: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
