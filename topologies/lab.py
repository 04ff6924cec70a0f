"""Fanout network-namespace lab (Python 3 standard library only; run as root).

A Lab builds nodes (network namespaces), point-to-point veth links and bridged LANs with addresses from
198.18.0.0/15 only, loopback addresses, static routes and sysctls; it starts processes inside nodes with their own
run directory and log, and always tears everything down: on leaving the `with` block (even by an exception), at
interpreter exit, and on SIGINT/SIGTERM.

    from lab import Lab, poll
    with Lab() as lab:
        r1, rcv = lab.node("r1", router=True), lab.node("rcv")
        lab.link(r1, rcv, "198.18.1.1/24", "198.18.1.2/24")
        pimd = r1.start_pimd(config_text)
        r1.wait_json("show ip pim interface", subset={...})

Helpers for peers: FRR (zebra + pimd per namespace, paths private to the instance, see /work/shared/TESTING.md) and
troglobit pimd (unpacked from its Debian package into /var/cache/fanout-lab, run with its own /run). Multicast
traffic comes from topologies/mcast.py run inside the nodes (results as JSON).
"""

from __future__ import annotations

import atexit
import ipaddress
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable

TOPOLOGIES = Path(__file__).resolve().parent
REPO = TOPOLOGIES.parent
RUN_ROOT = Path("/run/fanout-lab")
CACHE_ROOT = Path("/var/cache/fanout-lab")
LAB_NET = ipaddress.ip_network("198.18.0.0/15")
MCAST_PY = TOPOLOGIES / "mcast.py"
IFNAMSIZ = 15


class LabError(Exception):
    pass


class PollTimeout(LabError):
    def __init__(self, message: str, last: Any):
        super().__init__(message)
        self.last = last


class CommandFailed(LabError):
    def __init__(self, argv: list[str], rc: int, stdout: str, stderr: str):
        super().__init__(f"{' '.join(argv)} exited {rc}: {stderr.strip() or stdout.strip()}")
        self.argv, self.rc, self.stdout, self.stderr = argv, rc, stdout, stderr


# ---------------------------------------------------------------------------------------------------------------
# Small helpers


def run(argv: list[str], check: bool = True, timeout: float = 30, input: str | None = None,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs argv, captures text output; raises CommandFailed when check and rc != 0."""
    p = subprocess.run([str(a) for a in argv], input=input, capture_output=True, text=True, timeout=timeout,
                       env=env)
    if check and p.returncode != 0:
        raise CommandFailed([str(a) for a in argv], p.returncode, p.stdout, p.stderr)
    return p


def poll(fn: Callable[[], Any], timeout: float = 10, interval: float = 0.1, what: str | None = None) -> Any:
    """Calls fn until it returns something truthy and returns that. An exception counts as a falsy attempt. On
    timeout raises PollTimeout naming the last value (or exception) seen."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = fn()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - the state may not exist yet; keep polling
            last = e
        if time.monotonic() >= deadline:
            label = what or getattr(fn, "__name__", "condition")
            raise PollTimeout(f"{label} not met within {timeout} s; last value seen: {last!r}", last)
        time.sleep(interval)


def json_subset(expected: Any, actual: Any) -> bool:
    """True when `expected` is contained in `actual`: dict keys recursively, each list element of expected matching
    some element of actual, scalars equal."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and json_subset(v, actual[k])
                                                for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and all(any(json_subset(e, a) for a in actual) for e in expected)
    return expected == actual


def check(cond: Any, what: str) -> None:
    """A test step: fails loudly with `what` (which says what was expected and what was seen), else prints it as
    passed ("ok - what")."""
    if not cond:
        raise AssertionError(what)
    print(f"ok - {what}", flush=True)


def check_lab_address(cidr: str) -> ipaddress.IPv4Interface:
    """Parses "A.B.C.D/M" (or a bare address: /32) and refuses anything outside 198.18.0.0/15."""
    iface = ipaddress.ip_interface(cidr if "/" in cidr else cidr + "/32")
    if iface.ip not in LAB_NET:
        raise LabError(f"{cidr}: lab addresses must come from {LAB_NET} (traffic stays in the lab)")
    return iface


def default_build_dir() -> Path:
    """FANOUT_BUILD_DIR, else <repo>/build/release."""
    env = os.environ.get("FANOUT_BUILD_DIR")
    return Path(env) if env else REPO / "build" / "release"


def find_binary(name: str, build_dir: Path | None = None) -> Path:
    """A Fanout binary (pimd, igmpd, fanout): env FANOUT_<NAME>_BIN, else in the build dir."""
    override = os.environ.get(f"FANOUT_{name.upper()}_BIN")
    if override:
        return Path(override)
    build = Path(build_dir) if build_dir else default_build_dir()
    for rel in (f"{name}/{name}", f"common/shell/{name}", name):
        p = build / rel
        if p.is_file() and os.access(p, os.X_OK):
            return p
    raise LabError(f"{name} not found in {build} (build it, or set FANOUT_BUILD_DIR or FANOUT_{name.upper()}_BIN)")


_PREFIXES_GIVEN: set[str] = set()


def new_prefix(tag: str = "fo") -> str:
    """A short, unique namespace prefix: <tag><pid % 10000>x<2 random hex digits>, never one this process has
    handed out already (a second Lab with the same prefix would remove the first one's namespaces as stale)."""
    for _ in range(1000):
        prefix = f"{tag}{os.getpid() % 10000}x{random.randrange(256):02x}"
        if prefix not in _PREFIXES_GIVEN:
            _PREFIXES_GIVEN.add(prefix)
            return prefix
    raise LabError(f"no unused namespace prefix left for tag {tag!r} in this process")


def netns_list() -> list[str]:
    out = run(["ip", "netns", "list"], check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _kill_netns_processes(ns: str, deadline_s: float = 3.0) -> None:
    """SIGTERM then SIGKILL every process inside the namespace."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = [int(p) for p in run(["ip", "netns", "pids", ns], check=False).stdout.split() if p.isdigit()]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        end = time.monotonic() + deadline_s
        while time.monotonic() < end and any(_alive(p) for p in pids):
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def delete_netns(ns: str) -> None:
    _kill_netns_processes(ns)
    run(["ip", "netns", "del", ns], check=False)


def cleanup_stale(prefix_pattern: str) -> list[str]:
    """Deletes namespaces (and their processes) and run dirs whose names match the regex `prefix_pattern` at their
    start, e.g. r"fo\\d+x" for every default-prefixed lab. Returns the namespaces deleted."""
    rx = re.compile(prefix_pattern)
    gone = [ns for ns in netns_list() if rx.match(ns)]
    for ns in gone:
        delete_netns(ns)
    if RUN_ROOT.is_dir():
        for d in RUN_ROOT.iterdir():
            if rx.match(d.name):
                _stop_pidfile_processes(d)
                shutil.rmtree(d, ignore_errors=True)
    return gone


def _stop_pidfile_processes(root: Path) -> None:
    """Stops processes named by *.pid files under root (daemons that detached from us, e.g. FRR's)."""
    for pf in root.rglob("*.pid"):
        try:
            pid = int(pf.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        _terminate_pid(pid)


def _terminate_pid(pid: int, deadline_s: float = 3.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        end = time.monotonic() + deadline_s
        while time.monotonic() < end and _alive(pid):
            time.sleep(0.05)
        if not _alive(pid):
            return


# ---------------------------------------------------------------------------------------------------------------
# Teardown on exit and on signals

_ACTIVE: list["Lab"] = []
_HANDLERS_INSTALLED = False


def _teardown_all() -> None:
    for lab in list(_ACTIVE):
        lab.teardown()


def _on_signal(signum, _frame):
    # Turn the signal into an exception so `with Lab()` blocks unwind and tear down; atexit covers the rest.
    signal.signal(signum, signal.SIG_DFL)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _install_handlers() -> None:
    global _HANDLERS_INSTALLED
    if _HANDLERS_INSTALLED:
        return
    atexit.register(_teardown_all)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(s) in (signal.SIG_DFL, signal.default_int_handler, None):
                signal.signal(s, _on_signal)
        except ValueError:  # not the main thread: rely on atexit and the context manager
            pass
    _HANDLERS_INSTALLED = True


# ---------------------------------------------------------------------------------------------------------------
# Processes


class Process:
    """A background process started by the lab inside a node, logging to <run dir>/<name>.log."""

    def __init__(self, node: "Node", name: str, argv: list[str], env: dict | None = None, cwd: Path | None = None):
        self.node, self.name, self.argv = node, name, [str(a) for a in argv]
        self.log_path = node.run_dir / f"{name}.log"
        self._log = open(self.log_path, "ab")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.popen = subprocess.Popen(["ip", "netns", "exec", node.ns] + self.argv, stdout=self._log,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(cwd or node.run_dir),
                                      env=full_env, start_new_session=True)
        self.pid = self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def wait(self, timeout: float | None = None) -> int:
        return self.popen.wait(timeout)

    def stop(self, deadline_s: float = 5.0) -> int | None:
        """SIGTERM to the process group, SIGKILL after the deadline. Returns the exit status."""
        if self.popen.poll() is None:
            for sig, wait_s in ((signal.SIGTERM, deadline_s), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.popen.wait(wait_s)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:  # leader gone: children in its group may remain
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if not self._log.closed:
            self._log.close()
        if self in self.node.lab.processes:
            self.node.lab.processes.remove(self)
        return self.popen.poll()

    def __repr__(self) -> str:
        return f"<Process {self.name} pid={self.pid} in {self.node.name}>"


class Daemon(Process):
    """A Fanout daemon with its status socket."""

    def __init__(self, node: "Node", name: str, argv: list[str], socket_path: Path, env: dict | None = None):
        super().__init__(node, name, argv, env=env)
        self.socket_path = socket_path

    def wait_ready(self, timeout: float = 10) -> "Daemon":
        def ready():
            if not self.alive():
                raise LabError(f"{self.name} in {self.node.name} exited {self.returncode}:\n{self.log_text()[-2000:]}")
            return self.socket_path.exists()
        try:
            poll(ready, timeout=timeout, what=f"{self.name} status socket {self.socket_path}")
        except PollTimeout as e:
            if isinstance(e.last, LabError):
                raise e.last from None
            raise
        return self


class McastJob(Process):
    """topologies/mcast.py send|recv running in a node; result() is its JSON report."""

    def __init__(self, node: "Node", name: str, argv: list[str], ready_file: Path | None = None):
        self.out_path = node.run_dir / f"{name}.json"
        self.ready_file = ready_file
        super().__init__(node, name, argv + ["--out", str(self.out_path)])

    def wait_ready(self, timeout: float = 5) -> "McastJob":
        poll(lambda: (self.ready_file is None or self.ready_file.exists()) or not self.alive(), timeout=timeout,
             what=f"{self.name} ready")
        if not self.alive() and not self.out_path.exists():
            raise LabError(f"{self.name} exited {self.returncode}: {self.log_text()[-2000:]}")
        return self

    def result(self, timeout: float = 60) -> dict:
        try:
            rc = self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise LabError(f"{self.name} did not finish within {timeout} s: {self.log_text()[-2000:]}")
        if rc != 0 or not self.out_path.exists():
            raise LabError(f"{self.name} exited {rc}: {self.log_text()[-2000:]}")
        if self in self.node.lab.processes:
            self.node.lab.processes.remove(self)
        return json.loads(self.out_path.read_text())


# ---------------------------------------------------------------------------------------------------------------
# Nodes


class Node:
    """One network namespace of the lab."""

    def __init__(self, lab: "Lab", name: str, router: bool, igmp_version: int | None):
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,15}", name):
            raise LabError(f"node name {name!r}: lowercase letters, digits, '-' or '_', at most 16 characters")
        self.lab, self.name, self.router, self.igmp_version = lab, name, router, igmp_version
        self.ns = f"{lab.prefix}-{name}"
        self.run_dir = lab.run_dir / name
        self.interfaces: dict[str, str | None] = {"lo": None}  # ifname -> address (cidr) or None
        self._next_if = 0

    # -- running commands ---------------------------------------------------------------------------------------
    def run(self, *argv, check: bool = True, timeout: float = 30, input: str | None = None) -> subprocess.CompletedProcess:
        return run(["ip", "netns", "exec", self.ns] + [str(a) for a in argv], check=check, timeout=timeout,
                   input=input)

    def sh(self, script: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess:
        return self.run("sh", "-c", script, check=check, timeout=timeout)

    def start(self, name: str, argv: list, env: dict | None = None) -> Process:
        """Starts argv in the background inside this node (log: <run dir>/<name>.log)."""
        p = Process(self, name, argv, env=env)
        self.lab.processes.append(p)
        return p

    def capture(self, name: str, iface: str, pcap: str | Path, bpf: str = "ip", timeout: float = 5) -> Process:
        """Starts tcpdump on iface writing every packet to pcap as it arrives (-U) and returns once tcpdump is
        listening (its "listening on" line), so nothing sent after this call is missed. Stop it with .stop()."""
        p = self.start(name, ["tcpdump", "-i", iface, "-U", "-n", "-w", str(pcap), bpf])
        poll(lambda: "listening on" in p.log_text() or not p.alive(), timeout=timeout,
             what=f"{self.name}: tcpdump listening on {iface}")
        if not p.alive():
            raise LabError(f"{self.name}: tcpdump on {iface} exited: {p.log_text()[-500:]}")
        return p

    def sysctl(self, **settings) -> None:
        """node.sysctl(**{"net.ipv4.ip_forward": 1})."""
        self.run("sysctl", "-qw", *[f"{k}={v}" for k, v in settings.items()])

    def ping(self, address: str, count: int = 1, wait: int = 1) -> bool:
        return self.run("ping", "-n", "-q", "-c", count, "-W", wait, address, check=False).returncode == 0

    def new_ifname(self) -> str:
        name = f"eth{self._next_if}"
        self._next_if += 1
        return name

    def address(self, ifname: str) -> str:
        """The address (without length) given to ifname by the lab."""
        cidr = self.interfaces.get(ifname)
        if not cidr:
            raise LabError(f"{self.name}/{ifname} has no lab address")
        return cidr.split("/")[0]

    # -- configuration ------------------------------------------------------------------------------------------
    def _setup(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        run(["ip", "netns", "add", self.ns])
        self.run("ip", "link", "set", "lo", "up")
        settings = {"net.ipv4.conf.all.rp_filter": 0, "net.ipv4.conf.default.rp_filter": 0,
                    "net.ipv4.ip_forward": 1 if self.router else 0}
        if self.igmp_version:
            settings["net.ipv4.conf.all.force_igmp_version"] = self.igmp_version
            settings["net.ipv4.conf.default.force_igmp_version"] = self.igmp_version
        self.sysctl(**settings)

    def _interface_added(self, ifname: str, cidr: str | None) -> None:
        """Per-interface settings for a new veth: tx checksum offload off, rp_filter 0, address, up."""
        if len(ifname) > IFNAMSIZ:
            raise LabError(f"interface name {ifname!r} longer than {IFNAMSIZ}")
        script = [f"ethtool -K {ifname} tx off >/dev/null",
                  f"sysctl -qw net.ipv4.conf.{ifname}.rp_filter=0"]
        if self.igmp_version:
            script.append(f"sysctl -qw net.ipv4.conf.{ifname}.force_igmp_version={self.igmp_version}")
        if cidr:
            script.append(f"ip addr add {check_lab_address(cidr)} dev {ifname}")
        script.append(f"ip link set {ifname} up")
        self.sh(" && ".join(script))
        self.interfaces[ifname] = str(check_lab_address(cidr)) if cidr else None

    def add_loopback(self, address: str) -> None:
        """Adds a /32 (or the given length) on lo: router ids, RP addresses."""
        self.run("ip", "addr", "add", str(check_lab_address(address)), "dev", "lo")

    def add_route(self, prefix: str, via: str | None = None, dev: str | None = None) -> None:
        argv = ["ip", "route", "add", prefix]
        if via:
            check_lab_address(via)
            argv += ["via", via]
        if dev:
            argv += ["dev", dev]
        self.run(*argv)

    # -- Fanout daemons -----------------------------------------------------------------------------------------
    def socket_path(self, daemon: str) -> Path:
        return self.run_dir / f"{daemon}.sock"

    def start_fanout_daemon(self, daemon: str, config: str | Path, extra_args: Iterable[str] = (),
                            name: str | None = None, wait: bool = True, env: dict | None = None) -> Daemon:
        """Starts a Fanout daemon (pimd, igmpd) in this node: `<bin> -f CONFIG -s <run dir>/<daemon>.sock ...`.
        `config` is a path, or the config text (written to <run dir>/<daemon>.yaml)."""
        binary = find_binary(daemon, self.lab.build_dir)
        cfg = Path(config) if isinstance(config, Path) else None
        if cfg is None:
            cfg = self.run_dir / f"{name or daemon}.yaml"
            cfg.write_text(config)
        sock = self.socket_path(daemon)
        d = Daemon(self, name or daemon, [binary, "-f", cfg, "-s", sock, *extra_args], sock, env=env)
        self.lab.processes.append(d)
        return d.wait_ready() if wait else d

    def start_pimd(self, config: str | Path, extra_args: Iterable[str] = (), **kw) -> Daemon:
        return self.start_fanout_daemon("pimd", config, extra_args, **kw)

    def start_igmpd(self, config: str | Path, extra_args: Iterable[str] = (), **kw) -> Daemon:
        return self.start_fanout_daemon("igmpd", config, extra_args, **kw)

    def fanout_argv(self, command: str, json_output: bool = True) -> list[str]:
        argv = [str(find_binary("fanout", self.lab.build_dir)), "--pimd-socket", str(self.socket_path("pimd")),
                "--igmpd-socket", str(self.socket_path("igmpd"))]
        return argv + (["-j"] if json_output else []) + ["-c", command]

    def fanout(self, command: str, json_output: bool = True, check: bool = True, timeout: float = 15) -> Any:
        """Runs `fanout [-j] -c COMMAND` in this node against its daemons; parsed JSON (or text)."""
        p = self.run(*self.fanout_argv(command, json_output), check=check, timeout=timeout)
        if not json_output or p.returncode != 0:
            return p.stdout
        return json.loads(p.stdout)

    def wait_json(self, command: str, predicate: Callable[[Any], bool] | None = None, subset: Any = None,
                  timeout: float = 10, interval: float = 0.1) -> Any:
        return wait_json(self, command, predicate=predicate, subset=subset, timeout=timeout, interval=interval)

    # -- traffic ------------------------------------------------------------------------------------------------
    def mcast_recv(self, group: str, iface: str, port: int = 5001, source: str | None = None,
                   duration: float = 5, count: int | None = None, idle: float | None = None,
                   name: str | None = None, wait_ready: bool = True) -> McastJob:
        """Starts a receiver that joins (S,G) or (*,G) on iface and counts datagrams for `duration` seconds (or
        until `count` distinct ones, or `idle` seconds without any after the first)."""
        name = name or f"recv-{group}-{port}"
        ready = self.run_dir / f"{name}.ready"
        ready.unlink(missing_ok=True)
        argv = [sys.executable, MCAST_PY, "recv", "--group", group, "--port", port, "--iface", iface,
                "--duration", duration, "--ready-file", ready]
        if source:
            argv += ["--source", source]
        if count:
            argv += ["--count", count]
        if idle:
            argv += ["--idle", idle]
        job = McastJob(self, name, [str(a) for a in argv], ready_file=ready)
        self.lab.processes.append(job)
        return job.wait_ready() if wait_ready else job

    def mcast_send(self, group: str, iface: str, port: int = 5001, rate: float = 100, count: int | None = None,
                   duration: float | None = None, ttl: int = 16, size: int = 64, name: str | None = None) -> McastJob:
        """Starts a sender of `count` datagrams (or for `duration` s) at `rate` pkt/s out of iface."""
        name = name or f"send-{group}-{port}"
        argv = [sys.executable, MCAST_PY, "send", "--group", group, "--port", port, "--iface", iface,
                "--rate", rate, "--ttl", ttl, "--size", size]
        if count is not None:
            argv += ["--count", count]
        if duration is not None:
            argv += ["--duration", duration]
        job = McastJob(self, name, [str(a) for a in argv])
        self.lab.processes.append(job)
        return job

    # -- peers ----------------------------------------------------------------------------------------------------
    def start_frr(self, pimd_conf: str, zebra_conf: str = "", timeout: float = 15) -> "FrrInstance":
        inst = FrrInstance(self, pimd_conf, zebra_conf)
        inst.start(timeout)
        self.lab.peers.append(inst)
        return inst

    def start_troglobit_pimd(self, conf: str, extra_args: Iterable[str] = ()) -> "TroglobitPimd":
        inst = TroglobitPimd(self, conf, list(extra_args))
        self.lab.processes.append(inst.process)
        return inst

    def __repr__(self) -> str:
        return f"<Node {self.name} ns={self.ns}>"


def wait_json(node: Node, command: str, predicate: Callable[[Any], bool] | None = None, subset: Any = None,
              timeout: float = 10, interval: float = 0.1) -> Any:
    """Polls `fanout -j -c COMMAND` in node until predicate(json) is true and/or `subset` is contained in the
    reply (json_subset); returns the reply. PollTimeout names the last reply seen."""
    def attempt():
        data = node.fanout(command)
        if predicate is not None and not predicate(data):
            raise _NotYet(data)
        if subset is not None and not json_subset(subset, data):
            raise _NotYet(data)
        return data if data else True
    try:
        return poll(attempt, timeout=timeout, interval=interval, what=f"{node.name}: {command}")
    except PollTimeout as e:
        last = e.last.value if isinstance(e.last, _NotYet) else e.last
        shown = json.dumps(last, indent=1)[:4000] if isinstance(last, (dict, list)) else repr(last)
        raise PollTimeout(f"{node.name}: '{command}' did not match within {timeout} s; last reply: {shown}",
                          last) from None


class _NotYet(Exception):
    def __init__(self, value: Any):
        super().__init__("not yet")
        self.value = value


# ---------------------------------------------------------------------------------------------------------------
# FRR and troglobit pimd peers


class FrrInstance:
    """zebra + pimd of FRR inside one node, every path private to the instance (/work/shared/TESTING.md)."""

    FRR_DIR = Path("/usr/lib/frr")

    def __init__(self, node: Node, pimd_conf: str, zebra_conf: str):
        if not (self.FRR_DIR / "pimd").exists() or not shutil.which("vtysh"):
            raise LabError("FRR is not installed (apt-get install frr; .ci/install-deps does it)")
        self.node = node
        self.dir = node.run_dir / "frr"
        self.confs = {"zebra": zebra_conf or "hostname zebra\n", "pimd": pimd_conf}

    def start(self, timeout: float) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.dir, "frr", "frr")
        for daemon, text in self.confs.items():
            conf = self.dir / f"{daemon}.conf"
            conf.write_text(text)
            shutil.chown(conf, "frr", "frr")
        for daemon in ("zebra", "pimd"):
            d = self.dir
            self.node.run(self.FRR_DIR / daemon, "-d", "-f", d / f"{daemon}.conf", "-i", d / f"{daemon}.pid",
                          "-z", d / "zserv.api", "--vty_socket", d, "-P", "0", "-u", "frr", "-g", "frr",
                          "--log", f"file:{d / f'{daemon}.log'}", timeout=timeout)
            poll(lambda: (d / f"{daemon}.vty").exists() and self.pid(daemon), timeout=timeout,
                 what=f"FRR {daemon} in {self.node.name}")

    def pid(self, daemon: str) -> int | None:
        try:
            pid = int((self.dir / f"{daemon}.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if _alive(pid) else None

    def vtysh(self, command: str, json_output: bool = False, timeout: float = 15) -> Any:
        """vtysh -c COMMAND against this instance; with json_output appends ' json' and parses the reply."""
        cmd = command + (" json" if json_output and not command.endswith(" json") else "")
        p = self.node.run("vtysh", "--vty_socket", self.dir, "-c", cmd, timeout=timeout)
        return json.loads(p.stdout or "{}") if json_output else p.stdout

    def log_text(self, daemon: str = "pimd") -> str:
        try:
            return (self.dir / f"{daemon}.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        for daemon in ("pimd", "zebra"):
            pid = self.pid(daemon)
            if pid:
                _terminate_pid(pid)


def troglobit_pimd_root(version_hint: str = "") -> Path:
    """Unpacks Debian's troglobit pimd (apt-get download + dpkg -x) once into /var/cache/fanout-lab/pimd-<ver>;
    returns that directory (the binary is <dir>/usr/sbin/pimd). It is not installed: it conflicts with frr."""
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    existing = sorted(CACHE_ROOT.glob(f"pimd-{version_hint}*/usr/sbin/pimd"))
    if existing:
        return existing[-1].parent.parent.parent
    work = CACHE_ROOT / f"download-{os.getpid()}"
    work.mkdir(exist_ok=True)
    try:
        subprocess.run(["apt-get", "download", "pimd"], cwd=work, check=True, capture_output=True, timeout=300)
        deb = next(work.glob("pimd_*.deb"))
        version = deb.name.split("_")[1].replace(":", "_")
        dest = CACHE_ROOT / f"pimd-{version}"
        tmp = CACHE_ROOT / f".pimd-{version}.{os.getpid()}"
        run(["dpkg", "-x", deb, tmp])
        if not dest.exists():
            tmp.rename(dest)
        shutil.rmtree(tmp, ignore_errors=True)
        return dest
    finally:
        shutil.rmtree(work, ignore_errors=True)


class TroglobitPimd:
    """troglobit pimd 2.3.x in a node, foreground, with its own /run (bind mount in the mount namespace that
    `ip netns exec` creates), so its fixed /var/run paths do not collide between instances."""

    def __init__(self, node: Node, conf: str, extra_args: list[str]):
        root = troglobit_pimd_root()
        self.node = node
        self.binary = root / "usr" / "sbin" / "pimd"
        self.private_run = node.run_dir / "troglobit-run"
        self.private_run.mkdir(parents=True, exist_ok=True)
        # The instance's /run is private_run (bind mount): its config is /run/pimd.conf from inside.
        self.conf_path = self.private_run / "pimd.conf"
        self.conf_path.write_text(conf)
        script = (f"mount --bind {self.private_run} /run && exec {self.binary} -f -c /run/pimd.conf "
                  + " ".join(extra_args))
        self.process = Process(node, "troglobit-pimd", ["unshare", "--mount", "--propagation", "private",
                                                        "sh", "-c", script])

    def _daemon_pid(self) -> int | None:
        """pid of pimd itself: unshare and sh exec, so it is the process we started, once it runs pimd."""
        try:
            exe = os.readlink(f"/proc/{self.process.pid}/exe")
        except OSError:
            return None
        return self.process.pid if exe == str(self.binary) else None

    def dump(self) -> str:
        """`pimd -r` (its state dump) run inside the instance's namespaces."""
        pid = poll(self._daemon_pid, timeout=5, what="troglobit pimd pid")
        return run(["nsenter", "-t", pid, "-m", "-n", self.binary, "-r"], check=False).stdout

    def alive(self) -> bool:
        return self.process.alive()

    def stop(self) -> None:
        self.process.stop()


# ---------------------------------------------------------------------------------------------------------------
# The lab


class Lab:
    """A set of namespaces named <prefix>-<node>, with run dirs under /run/fanout-lab/<prefix>/."""

    def __init__(self, prefix: str | None = None, build_dir: str | Path | None = None):
        if os.geteuid() != 0:
            raise LabError("the lab needs root (network namespaces)")
        self.prefix = prefix or new_prefix()
        if not re.fullmatch(r"[a-z][a-z0-9]{1,11}", self.prefix):
            raise LabError(f"prefix {self.prefix!r}: 2-12 lowercase letters/digits, starting with a letter")
        self.build_dir = Path(build_dir) if build_dir else default_build_dir()
        self.run_dir = RUN_ROOT / self.prefix
        self.nodes: dict[str, Node] = {}
        self.processes: list[Process] = []
        self.peers: list[FrrInstance] = []
        self._links = 0
        self._lans = 0
        self._pending_up: list[tuple[Node, str]] = []
        self._torn_down = False
        _install_handlers()
        _ACTIVE.append(self)
        if any(ns.startswith(self.prefix + "-") for ns in netns_list()):
            cleanup_stale(re.escape(self.prefix) + "-")
        self.run_dir.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> "Lab":
        return self

    def __exit__(self, *exc) -> None:
        self.teardown()

    def __getitem__(self, name: str) -> Node:
        return self.nodes[name]

    # -- building -------------------------------------------------------------------------------------------------
    def node(self, name: str, router: bool = False, igmp_version: int | None = None) -> Node:
        """Creates a namespace. Routers forward (ip_forward=1); every node has rp_filter=0; igmp_version forces
        the host's IGMP version (force_igmp_version) on all its interfaces."""
        if name in self.nodes:
            raise LabError(f"node {name} exists")
        n = Node(self, name, router, igmp_version)
        self.nodes[name] = n
        n._setup()
        return n

    def link(self, a: Node, b: Node, a_addr: str | None = None, b_addr: str | None = None,
             a_if: str | None = None, b_if: str | None = None, wait: bool = True) -> tuple[str, str]:
        """A veth pair between a and b. Without addresses, the next 198.18.<n>.0/24 gives .1 to a and .2 to b
        (pass "" for no address). With wait, returns once both ends are operationally up (the kernel's link
        watch takes about a second). Returns the interface names (a's, b's)."""
        self._links += 1
        if self._links > 250:
            raise LabError("too many links for the automatic plan; pass addresses")
        net = f"198.18.{self._links}"
        a_addr = f"{net}.1/24" if a_addr is None else a_addr
        b_addr = f"{net}.2/24" if b_addr is None else b_addr
        a_if, b_if = a_if or a.new_ifname(), b_if or b.new_ifname()
        run(["ip", "-n", a.ns, "link", "add", a_if, "type", "veth", "peer", "name", b_if, "netns", b.ns])
        a._interface_added(a_if, a_addr or None)
        b._interface_added(b_if, b_addr or None)
        self._pending_up += [(a, a_if), (b, b_if)]
        if wait:
            self.wait_up()
        return a_if, b_if

    def wait_up(self, timeout: float = 10) -> None:
        """Waits until every interface created so far is operationally up."""
        def all_up():
            still = []
            for node in {n.name: n for n, _ in self._pending_up}.values():
                names = [i for n, i in self._pending_up if n is node]
                states = node.sh(" ; ".join(f"cat /sys/class/net/{i}/operstate" for i in names)).stdout.split()
                still += [(node, i) for i, st in zip(names, states) if st != "up"]
            self._pending_up = still
            return not still
        poll(all_up, timeout=timeout, interval=0.05, what="links up")

    def lan(self, name: str, members: list, prefix: str | None = None) -> dict[str, str]:
        """A LAN: a Linux bridge (no multicast snooping) in its own namespace `name`, with a veth to each member.
        members: Node or (Node, "addr/len" or None[, ifname]). Without addresses, 198.19.<n>.<i+1>/24.
        Returns {node name: its interface on the LAN}."""
        self._lans += 1
        net = prefix or f"198.19.{self._lans}"
        br = self.node(name)
        br.run("ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0", "stp_state", "0",
               "forward_delay", "0")
        br.run("ip", "link", "set", "br0", "up")
        out: dict[str, str] = {}
        for i, m in enumerate(members):
            node, addr, ifname = (m, None, None) if isinstance(m, Node) else (tuple(m) + (None, None))[:3]
            addr = f"{net}.{i + 1}/24" if addr is None else addr
            port = f"p{i}"
            member_if, _ = self.link(node, br, addr or "", "", a_if=ifname, b_if=port, wait=False)
            self._links -= 1  # the LAN's own plan gave the address
            br.run("ip", "link", "set", port, "master", "br0")
            out[node.name] = member_if
        self.wait_up()
        return out

    # -- teardown -------------------------------------------------------------------------------------------------
    def teardown(self) -> None:
        """Stops every process and peer, deletes the namespaces and the run dir. Idempotent."""
        if self._torn_down:
            return
        self._torn_down = True
        errors = []
        for p in reversed(list(self.processes)):
            try:
                p.stop(deadline_s=3)
            except Exception as e:  # noqa: BLE001 - keep tearing down
                errors.append(e)
        for peer in self.peers:
            try:
                peer.stop()
            except Exception as e:  # noqa: BLE001
                errors.append(e)
        for ns in [n.ns for n in self.nodes.values()] + [ns for ns in netns_list()
                                                         if ns.startswith(self.prefix + "-")]:
            delete_netns(ns)
        if self.run_dir.exists():
            _stop_pidfile_processes(self.run_dir)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        if errors:
            print(f"lab {self.prefix}: teardown errors: {errors}", file=sys.stderr)

    def leftovers(self) -> list[str]:
        """Namespaces with this lab's prefix that still exist (for tests of the teardown)."""
        return [ns for ns in netns_list() if ns.startswith(self.prefix + "-")]


def load_topology(name: str):
    """Imports topologies/<name>/topology.py and returns the module (its build(lab) makes the topology)."""
    import importlib.util
    path = TOPOLOGIES / name / "topology.py"
    spec = importlib.util.spec_from_file_location(f"fanout_topology_{name}", path)
    if spec is None or spec.loader is None:
        raise LabError(f"no topology {name} ({path})")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
