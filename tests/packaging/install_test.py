#!/usr/bin/env python3
"""Packaging check (ctest packaging_install, label integration).

Runs `cmake --install BUILD` (the configured CMAKE_INSTALL_PREFIX: the units carry its paths) into a
temporary DESTDIR and checks:
  - the daemons (sbin/pimd, sbin/igmpd) and the shell (bin/fanout) are installed and executable;
  - every example etc/*.yaml is installed to SYSCONFDIR/fanout (/etc/fanout for prefix /usr) and passes the installed daemon's --check-config;
  - the systemd units run each daemon with only CAP_NET_ADMIN and CAP_NET_RAW (AmbientCapabilities and
    CapabilityBoundingSet), as user/group fanout, RuntimeDirectory=fanout, ExecStart/ExecStartPre pointing at
    the installed binary and config, ExecReload sending SIGHUP;
  - sysusers.d/fanout.conf creates the fanout group;
  - `systemd-analyze verify` accepts the units (copies whose binary paths point into DESTDIR) when
    systemd-analyze exists (else the static key checks above are the whole check).
Usage: install_test.py BUILD_DIR
"""
import configparser
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def layout(build):
    prefix = "/usr/local"
    for line in open(os.path.join(build, "CMakeCache.txt")):
        if line.startswith("CMAKE_INSTALL_PREFIX:"):
            prefix = line.split("=", 1)[1].strip()
    sysconf = "/etc" if prefix == "/usr" else prefix.rstrip("/") + "/etc"
    return prefix.rstrip("/") or "/", sysconf


def unit_keys(path):
    p = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    p.optionxform = str
    p.read(path)
    return p


def check_unit(root, prefix, sysconf, daemon):
    path = root + prefix + f"/lib/systemd/system/fanout-{daemon}.service"
    check(os.path.isfile(path), f"{path} installed")
    if not os.path.isfile(path):
        return
    svc = unit_keys(path)["Service"]
    caps = {"CAP_NET_ADMIN", "CAP_NET_RAW"}
    check(set(svc.get("AmbientCapabilities", "").split()) == caps,
          f"{daemon}: AmbientCapabilities is exactly {caps}, got {svc.get('AmbientCapabilities')!r}")
    check(set(svc.get("CapabilityBoundingSet", "").split()) == caps,
          f"{daemon}: CapabilityBoundingSet is exactly {caps}, got {svc.get('CapabilityBoundingSet')!r}")
    check(svc.get("User") == "fanout" and svc.get("Group") == "fanout", f"{daemon}: User/Group fanout")
    check(svc.get("RuntimeDirectory") == "fanout", f"{daemon}: RuntimeDirectory=fanout")
    check(svc.get("RuntimeDirectoryPreserve") == "yes", f"{daemon}: RuntimeDirectoryPreserve=yes (shared dir)")
    check(svc.get("UMask") == "0007", f"{daemon}: UMask=0007 (sockets stay group-accessible)")
    check(svc.get("NoNewPrivileges") == "yes", f"{daemon}: NoNewPrivileges=yes")
    exe = f"{prefix}/sbin/{daemon} --foreground -f {sysconf}/fanout/{daemon}.yaml"
    check(svc.get("ExecStart") == exe, f"{daemon}: ExecStart={exe}, got {svc.get('ExecStart')!r}")
    check(svc.get("ExecStartPre", "").startswith(f"{prefix}/sbin/{daemon} --check-config"),
          f"{daemon}: ExecStartPre validates the config")
    check("-HUP" in svc.get("ExecReload", ""), f"{daemon}: ExecReload sends SIGHUP")
    check("@" not in open(path).read(), f"{daemon}: no unsubstituted @VARS@ left")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    build = sys.argv[1]
    prefix, sysconf = layout(build)
    root = tempfile.mkdtemp(prefix="fanout-destdir-")
    try:
        env = dict(os.environ, DESTDIR=root)
        r = subprocess.run(["cmake", "--install", build], env=env, capture_output=True,
                           text=True)
        check(r.returncode == 0, f"cmake --install exit 0 (got {r.returncode}: {r.stderr.strip()[-400:]})")
        for rel in ["/sbin/pimd", "/sbin/igmpd", "/bin/fanout"]:
            p = root + prefix + rel
            check(os.path.isfile(p) and os.access(p, os.X_OK), f"{rel} installed and executable")
        examples = sorted(f for f in os.listdir(os.path.join(SRC, "etc")) if f.endswith(".yaml"))
        check("pimd.yaml" in examples and "igmpd.yaml" in examples, "etc/pimd.yaml and etc/igmpd.yaml exist")
        for f in examples:
            p = root + sysconf + "/fanout/" + f
            check(os.path.isfile(p), f"{sysconf}/fanout/{f} installed")
            daemon = "igmpd" if f.startswith("igmpd") else "pimd"
            exe = root + prefix + "/sbin/" + daemon
            if os.path.isfile(p) and os.path.isfile(exe):
                c = subprocess.run([exe, "--check-config", "-f", p], capture_output=True, text=True)
                check(c.returncode == 0, f"{daemon} --check-config {f}: {c.stdout.strip()} {c.stderr.strip()}")
        for d in ["pimd", "igmpd"]:
            check_unit(root, prefix, sysconf, d)
        sysusers = root + prefix + "/lib/sysusers.d/fanout.conf"
        check(os.path.isfile(sysusers) and "g fanout" in open(sysusers).read(), "sysusers.d/fanout.conf: group")
        check(os.path.isfile(root + prefix + "/share/doc/fanout/README.md"), "README.md installed")
        analyze = shutil.which("systemd-analyze")
        if analyze:
            units = []
            for d in ("pimd", "igmpd"):
                text = open(root + prefix + f"/lib/systemd/system/fanout-{d}.service").read()
                copy = os.path.join(root, f"fanout-{d}.service")
                with open(copy, "w") as f:  # binaries as installed in DESTDIR, so verify can check them
                    f.write(text.replace(f"{prefix}/sbin/", root + prefix + "/sbin/"))
                units.append(copy)
            v = subprocess.run([analyze, "verify", "--man=no"] + units, capture_output=True, text=True)
            out = (v.stdout + v.stderr).strip()
            print("systemd-analyze verify:", out or "(clean)")
            check(v.returncode == 0, f"systemd-analyze verify exit 0 (got {v.returncode}: {out[-600:]})")
        else:
            print("systemd-analyze not found: static unit checks only")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        print(f"packaging: {len(failures)} check(s) failed")
        return 1
    print("packaging: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
