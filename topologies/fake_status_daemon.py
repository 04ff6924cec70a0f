#!/usr/bin/env python3
"""A stand-in Fanout daemon that only serves the status socket protocol (/work/notes/STATUS-PROTOCOL.md), for testing
the `fanout` CLI and the lab's daemon helpers without the real daemons. Same command line as them:

    fake_status_daemon.py -f SCRIPT.json -s SOCKET

SCRIPT.json: {"daemon": "pimd", "version": "0.1.0",
              "commands": [<__commands entries>],
              "complete": {"interface": ["eth0", ...]},
              "replies": {"show ip pim neighbor": [{"after": 0, "data": [...], "text": "..."},
                                                    {"after": 1.5, "data": [...]}],
                          "show ip mroute 239.9.9.9": {"error": "no such group"}}}
A reply is chosen by the argv joined with spaces; a list gives replies by seconds since start (the last whose
"after" has passed). Unknown commands get {"ok": false, "error": "unknown command: ..."}. Stops on SIGTERM.
"""

import argparse
import json
import os
import signal
import socket
import sys
import time


def answer(script: dict, started: float, req: dict) -> dict:
    argv = req.get("argv", [])
    fmt = req.get("format", "text")
    if argv == ["__commands"]:
        return {"ok": True, "format": "json", "data": {"daemon": script["daemon"],
                                                        "version": script.get("version", "0.0.0"),
                                                        "commands": script.get("commands", [])}}
    if len(argv) == 2 and argv[0] == "__complete":
        return {"ok": True, "format": "json", "data": script.get("complete", {}).get(argv[1], [])}
    key = " ".join(argv)
    reply = script.get("replies", {}).get(key)
    if isinstance(reply, list):
        due = [r for r in reply if time.monotonic() - started >= r.get("after", 0)]
        reply = due[-1] if due else None
    if reply is None:
        return {"ok": False, "error": f"unknown command: {key}"}
    if "error" in reply:
        return {"ok": False, "error": reply["error"]}
    if fmt == "json":
        return {"ok": True, "format": "json", "data": reply.get("data")}
    return {"ok": True, "format": "text", "text": reply.get("text", json.dumps(reply.get("data")) + "\n")}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-f", required=True, help="script (JSON)")
    ap.add_argument("-s", required=True, help="status socket path")
    args = ap.parse_args()
    with open(args.f) as f:
        script = json.load(f)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if os.path.exists(args.s):
        os.unlink(args.s)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(args.s)
    srv.listen(16)
    started = time.monotonic()
    try:
        while True:
            conn, _ = srv.accept()
            with conn:
                conn.settimeout(5)
                buf = b""
                while b"\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    buf += chunk
                try:
                    reply = answer(script, started, json.loads(buf.split(b"\n")[0]))
                except (ValueError, AttributeError) as e:
                    reply = {"ok": False, "error": f"bad request: {e}"}
                conn.sendall(json.dumps(reply).encode() + b"\n")
    finally:
        os.unlink(args.s)


if __name__ == "__main__":
    sys.exit(main())
