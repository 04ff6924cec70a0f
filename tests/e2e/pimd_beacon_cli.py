#!/usr/bin/env python3
"""pimd e2e (issue #8): published groups added and removed at run time from the `fanout` shell, without
restarting pimd.

    client --(veth "tunnel" 198.18.1.0/24)-- device

client runs Fanout pimd with PIM on eth0 and no `beacons:` in its file. Then:
  1. `fanout -c "ip pim beacon eth0 group S G rp 198.18.1.1 interval 1"` creates the beacon: show ip pim beacon
     lists it at once (text and JSON), and PIM Registers from the client to 198.18.1.1 are seen on the device's
     end of the link (tcpdump) while the beacon's packets_sent counter grows;
  2. a bad command (group not multicast, unknown interface) is one line on stderr and a non-zero exit code;
  3. `fanout -c "no ip pim beacon eth0 group S G"` (the last group) stops it: no Register leaves the client
     for three intervals (the wire shows exactly the packets counted before the removal), show lists the
     beacon with no groups;
  4. the group added again, then `fanout reload`: the file (no `beacons:`) is applied again and the beacon
     is gone (CLI changes live until the next reload, as the README says);
and pimd keeps the same pid throughout. (The RP is the device's address: the default 10.0.0.0 is outside the
lab's 198.18.0.0/15 and would not be resolved on the veth; the unit tests check the default on this path.)

Needs root: otherwise prints why and exits 77 (ctest SKIP_RETURN_CODE).
"""

import os
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "topologies"))
sys.path.insert(0, str(REPO / "topologies" / "demo"))
sys.path.insert(0, str(REPO / "tests" / "e2e" / "pimd_sm_lib"))

if os.geteuid() != 0:
    print("SKIP: pimd e2e tests need root (network namespaces, the kernel multicast routing table)")
    sys.exit(77)

from lab import Lab, poll, run  # noqa: E402
from pimd_setup import pimd_yaml  # noqa: E402
from pimd_sm_common import check  # noqa: E402

RP, S, G = "198.18.1.1", "198.18.50.1", "233.84.178.7"
HELLO = {"hello-interval": "1s", "triggered-hello-delay": "100ms"}


def register_times(pcap: Path) -> list[float]:
    """Capture timestamps of the PIM Registers (type 1) from the client to the RP in the capture so far (tcpdump
    hands packets over in blocks, up to about a second late, so times come from the capture, not from polling)."""
    p = run(["tcpdump", "-r", str(pcap), "-n", "-tt", f"ip proto 103 and dst host {RP} and ip[20] & 0x0f == 1"],
            check=False)
    return [float(line.split()[0]) for line in p.stdout.splitlines() if line.strip()]


def registers_seen(pcap: Path) -> int:
    return len(register_times(pcap))


def beacon(client):
    b = client.fanout("show ip pim beacon")["beacons"]
    return b[0] if b else None


def main() -> int:
    with Lab() as lab:
        client, device = lab.node("client", router=True), lab.node("device", router=True)
        lab.link(client, device, "198.18.1.2/24", "198.18.1.1/24")
        lab.wait_up()
        pimd = client.start_pimd(pimd_yaml(client, {"eth0": HELLO}))
        pid = poll(lambda: client.sh(f"cat {client.run_dir}/pimd.pid", check=False).stdout.strip(), timeout=10,
                   what="pimd wrote its pid file")
        poll(lambda: client.fanout("show ip pim beacon") == {"beacons": []}, timeout=10,
             what="pimd answers show ip pim beacon with no beacons")
        pcap = Path(client.run_dir) / "device-eth0.pcap"
        cap = device.capture("tcpdump-device", "eth0", pcap, bpf="ip proto 103")

        t0 = time.time()
        out = client.fanout(f"ip pim beacon eth0 group {S} {G} rp {RP} interval 1", json_output=False)
        check(f"({S},{G}) published (beacon created, RP {RP}, interval 1s, 1 group(s))" in out,
              f"the add command reports the new beacon (got {out!r})")
        b = beacon(client)
        check(b and b["rp"] == RP and b["interval_ms"] == 1000 and [(g["source"], g["group"]) for g in b["groups"]]
              == [(S, G)], f"show ip pim beacon lists ({S},{G}) at once (got {b})")
        text = client.fanout("show ip pim beacon", json_output=False)
        check(G in text, f"the text show lists {G}:\n{text}")
        poll(lambda: registers_seen(pcap) >= 1, timeout=5, what="the first Register on the device's side")
        first = register_times(pcap)[0] - t0
        n = poll(lambda: (k := registers_seen(pcap)) >= 3 and k, timeout=10,
                 what="three Registers from the client to the RP on the wire")
        sent = beacon(client)["packets_sent"]
        print(f"first Register captured {first * 1000:.0f} ms after the command was started; {n} on the wire, "
              f"{sent} counted sent")
        check(sent >= n, f"packets_sent ({sent}) counts what the wire showed ({n})")

        for bad, want in ((f"ip pim beacon eth0 group {S} 198.18.9.9", "not a multicast group"),
                          (f"ip pim beacon eth7 group {S} {G}", "unknown interface eth7"),
                          (f"ip pim beacon eth0 group {S} {G} interval 0", "interval: out of range")):
            p = client.run(*client.fanout_argv(bad, json_output=False), check=False)
            err = (p.stderr + p.stdout).strip()
            check(p.returncode != 0 and want in err and len(err.splitlines()) == 1,
                  f"`{bad}` fails with one line containing {want!r} and a non-zero exit "
                  f"(rc {p.returncode}, {err!r})")

        out = client.fanout(f"no ip pim beacon eth0 group {S} {G}", json_output=False)
        check("beacon stopped" in out, f"removing the last group says the beacon stopped (got {out!r})")
        sent_at_removal = beacon(client)["packets_sent"]
        check(beacon(client)["groups"] == [], f"show lists the beacon with no groups (got {beacon(client)})")
        time.sleep(3.5)  # three intervals: an absence can only be observed by waiting
        b = beacon(client)
        after = registers_seen(pcap)
        check(b["packets_sent"] == sent_at_removal and after == sent_at_removal,
              f"no Register after the last group was removed: {sent_at_removal} sent before, then "
              f"{b['packets_sent']} counted and {after} on the wire 3.5 s later")
        cap.stop()
        client.fanout(f"ip pim beacon eth0 group {S} {G} rp {RP}", json_output=False)
        client.fanout("reload", json_output=False)
        b = poll(lambda: (v := client.fanout("show ip pim beacon")) and v["beacons"] == [] and v, timeout=5,
                 what="a reload re-applies the file (no beacons:) and drops the CLI-added beacon")
        check(b == {"beacons": []}, "a reload re-applies the file: the CLI-added beacon is gone")
        check(pimd.alive() and client.sh(f"cat {client.run_dir}/pimd.pid").stdout.strip() == pid,
              f"pimd was not restarted (pid {pid})")
    print("pimd_beacon_cli: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
