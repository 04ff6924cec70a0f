#!/usr/bin/env python3
"""Static validation of the containerlab scenarios in topologies/containerlab/ (issue #9).

Needs no root, no containerlab and no cEOS, so it never skips (never exits 77). It:
1. runs topologies/containerlab/clab_check.py on each of the three scenarios and requires no error (Fanout
   configs go through `pimd/igmpd --check-config` when the binaries are built; FANOUT_BUILD_DIR from ctest);
2. checks the YAML subset reader: it agrees with PyYAML on every file when PyYAML is installed, and refuses
   constructs it does not support;
3. checks the igmpd key list against igmpd/core/igmp_config.hpp's fields;
4. mutates a copy of the scenarios in a temporary directory, one inconsistency at a time, and requires the
   checker to report each one (so every check above can fail).
"""

import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parents[2]
CLAB = REPO / "topologies" / "containerlab"
sys.path.insert(0, str(CLAB))

import clab_check  # noqa: E402
import mini_yaml  # noqa: E402

SCENARIOS = ["fanout-lhr-under-eos-rp", "fanout-rp-eos-dr", "beacon-two-eos-anycast-rp"]
S1, S2, S3 = SCENARIOS
failures = []


def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        failures.append(what)


def real_scenarios():
    found = [p.name for p in clab_check.scenario_dirs(CLAB)]
    check(sorted(found) == sorted(SCENARIOS), f"the three scenarios exist ({found})")
    for name in SCENARIOS:
        sc = clab_check.check(CLAB / name)
        for n in sc.notes:
            print(f"# {name}: {n}")
        check(not sc.errors, f"{name}: consistent" + "".join(f"\n    {e}" for e in sc.errors))
        check(len(sc.nodes) >= 3 and len(sc.links) >= 2, f"{name}: nodes and links were read")


def yaml_reader():
    files = sorted(CLAB.glob("*/*.clab.yml")) + sorted(CLAB.glob("*/*/*.yaml")) + [REPO / "etc" / "pimd.yaml"]
    try:
        import yaml
    except ImportError:
        yaml = None
        print("# PyYAML not installed: the subset reader is checked on its own")
    for f in files:
        value = mini_yaml.loads(f.read_text(), str(f))
        check(isinstance(value, dict) and value, f"{f.relative_to(REPO)} reads as a mapping")
        if yaml is not None:
            check(mini_yaml.normalize_pyyaml(yaml.safe_load(f.read_text())) == value,
                  f"{f.relative_to(REPO)}: the subset reader agrees with PyYAML")
    sample = "a:\n  - name: x\n    v: [1, \"b:c\"]\n  - y\nb: 'q'\nc:\n- 1\n"
    check(mini_yaml.loads(sample) == {"a": [{"name": "x", "v": ["1", "b:c"]}, "y"], "b": "q", "c": ["1"]},
          "subset reader: nested sequences, flow lists, quotes, same-indent sequence")
    for bad, why in [("a: {b: 1}\n", "flow mapping"), ("a: |\n  x\n", "block scalar"), ("a: &x 1\n", "anchor"),
                     ("a: 1\na: 2\n", "duplicate key"), ("a:\n\tb: 1\n", "tab"), ("a: [1,\n 2]\n", "multi-line flow"),
                     ("a: 1\n  b: 2\n", "bad indentation"), ("---\na: 1\n", "document marker")]:
        try:
            mini_yaml.loads(bad, "t.yaml")
            check(False, f"subset reader refuses a {why}")
        except mini_yaml.YamlError as e:
            check(str(e).startswith("t.yaml:"), f"subset reader refuses a {why} ({e})")


def igmpd_keys_match_header():
    header = (REPO / "igmpd" / "core" / "igmp_config.hpp").read_text()
    body = re.search(r"struct IgmpInterfaceConfig \{(.*?)\n\};", header, re.S).group(1)
    fields = re.findall(r"^\s+(?:std::optional<\w+>|std::vector<\w+>|[\w:]+)\s+(\w+)(?:\s*=[^;]*)?;", body, re.M)
    keys = {f.replace("_", "-") for f in fields if f != "operator"}
    schema = set(clab_check.IGMPD_SCHEMA["interfaces"][0]) - {"name"}
    check(len(keys) >= 15 and keys == schema,
          f"igmpd interface keys are igmp_config.hpp's fields (missing {sorted(keys - schema)}, "
          f"extra {sorted(schema - keys)})")


def mutate(root, scenario, rel, old, new):
    path = root / scenario / rel
    text = path.read_text()
    if old not in text:
        raise AssertionError(f"mutation target '{old}' not found in {scenario}/{rel}")
    path.write_text(text.replace(old, new, 1))


# (scenario, file, old text, new text, substring the checker must report)
MUTATIONS = [
    (S1, f"{S1}.clab.yml", '["lhr:eth2", "rcv:eth1"]', '["lhr:eth2", "rvc:eth1"]', "unknown node 'rvc'"),
    (S1, f"{S1}.clab.yml", '["lhr:eth2", "rcv:eth1"]', '["lhr:eth1", "rcv:eth1"]', "used by two links"),
    (S1, f"{S1}.clab.yml", "kind: linux", "kind: docker", "kind 'docker'"),
    (S1, f"{S1}.clab.yml", "name: fanout-lhr-under-eos-rp", "name: lhr-lab", "must equal the folder name"),
    (S1, f"{S1}.clab.yml", '["src:eth1", "rp:eth1"]', '["src:eth0", "rp:eth1"]', "eth0 is management"),
    (S1, f"{S1}.clab.yml", "startup-config: rp.cfg", "startup-config: rp1.cfg", "rp1.cfg does not exist"),
    (S1, "rp.cfg", "   ip address 198.18.2.1/30\n   pim ipv4 sparse-mode\n", "   ip address 198.18.2.1/30\n",
     "Ethernet2 lacks 'pim ipv4 sparse-mode'"),
    (S1, "rp.cfg", "router multicast\n   ipv4\n      routing\n", "", "multicast routing is off"),
    (S1, "rp.cfg", "hostname rp", "hostname rp1", "hostname in rp.cfg is 'rp1'"),
    (S1, "rp.cfg", "ip address 198.18.2.1/30", "ip address 198.18.4.1/30", "not in one subnet"),
    (S1, "lhr/pimd.yaml", "address: 198.18.255.1 ", "address: 198.18.255.9 ", "RP disagreement"),
    (S1, "lhr/pimd.yaml", "groups: [239.0.0.0/8]", "groups: [239.1.0.0/16]", "RP disagreement"),
    (S1, "lhr/pimd.yaml", "hello-interval: 30s", "hello-intervl: 30s", "hello-intervl: unknown key"),
    (S1, "lhr/pimd.yaml", "- name: eth2 ", "- name: eth9 ", "eth9 is not an interface of the node"),
    (S1, f"{S1}.clab.yml", "        - ip route add 198.18.255.1/32 via 198.18.2.1\n", "",
     "RPF towards RP 198.18.255.1 from lhr: lhr has no route"),
    (S1, f"{S1}.clab.yml", "ip route add 198.18.255.1/32 via 198.18.2.1", "ip route add 198.18.255.1/32 via 198.18.9.1",
     "not on a connected subnet"),
    (S1, "lhr/igmpd.yaml", "- name: eth2", "- name: eth1", "igmpd runs on ['eth1']"),
    (S1, "lhr/igmpd.yaml", "robustness: 2", "robustnes: 2", "robustnes: unknown key"),
    (S1, f"{S1}.clab.yml", "        - /opt/fanout/igmpd/igmpd -b -f /etc/fanout/igmpd.yaml\n", "",
     "igmpd is not started"),
    (S1, f"{S1}.clab.yml", "        - ip addr add 239.1.1.1/32 dev eth1 autojoin\n", "", "receiver rcv joins no group"),
    (S1, f"{S1}.clab.yml", "239.1.1.1/32 dev eth1 autojoin", "232.1.1.1/32 dev eth1 autojoin",
     "not in the RP's (ASM) group range"),
    (S2, "rp/pimd.yaml", "register-suppression-time: 60s",
     "register-suppression-time: 60s\nstatic-mroutes:\n  - source: 198.18.20.9\n    group: 239.2.2.2\n"
     "    iif: eth1\n    oifs: [lo]", "names 198.18.20.9, which no node of the topology has"),
    (S2, "dr.cfg", "rp address 198.18.255.10 239.0.0.0/8", "rp address 198.18.255.11 239.0.0.0/8",
     "RP disagreement"),
    (S2, f"{S2}.clab.yml", "ip addr add 198.18.255.10/32 dev lo", "ip addr add 198.18.255.12/32 dev lo",
     "is not an address of any node"),
    (S2, f"{S2}.clab.yml", '["src:eth1", "dr:eth1"]', '["src:eth1", "dr:eth3"]', "Ethernet3 is not configured"),
    (S2, "rp/pimd.yaml", "  - name: eth1                # towards dr (cEOS Ethernet2)\n    pim: true",
     "  - name: eth1                # towards dr (cEOS Ethernet2)\n    pim: false",
     "is not a PIM adjacency"),
    (S3, "dz2.cfg", "rp address 10.0.0.0 233.84.178.0/24", "rp address 10.0.0.1 233.84.178.0/24",
     "RP disagreement"),
    (S3, "dz1.cfg", "   30 permit pim any host 10.0.0.0\n", "", "must 'permit pim any host 10.0.0.0'"),
    (S3, "dz1.cfg", "   30 permit pim any host 10.0.0.0\n   40 permit ip any 233.84.178.0/24\n   50 deny ip any any\n",
     "   40 permit ip any 233.84.178.0/24\n   50 deny ip any any\n   60 permit pim any host 10.0.0.0\n",
     "before its deny"),
    (S3, "dz1.cfg", "   ip access-group SEC-USER-PUB-MCAST-IN in\n", "", "has no 'ip access-group ACL in'"),
    (S3, "dz1.cfg", "peer 198.18.12.1", "peer 198.18.12.3", "msdp peer 198.18.12.3 is not the address"),
    (S3, "dz2.cfg", "      mesh-group DZ-1", "      mesh-group DZ-2", "mesh-group mismatch"),
    (S3, "dz1.cfg", "      local-interface Ethernet2", "      local-interface Loopback0", "local-interface Loopback0"),
    (S3, "dz1.cfg", "originator-id local-interface Loopback1000", "originator-id local-interface Loopback7",
     "originator-id interface Loopback7"),
    (S3, "dz1.cfg", "originator-id local-interface Loopback1000", "originator-id local-interface Loopback0",
     "SAs would carry RP 198.18.255.1"),
    (S3, "dz2.cfg", "router msdp\n   originator-id local-interface Loopback1000\n   !\n   peer 198.18.12.0\n"
     "      mesh-group DZ-1\n      local-interface Ethernet1\n      description dz1\n", "",
     "no peer statement back to dz1"),
    (S3, "dz2.cfg", "   ip address 10.0.0.0/32", "   ip address 10.0.0.2/32", "the scenario needs ['dz1', 'dz2']"),
    (S3, "dz1.cfg", "ip route 198.18.100.1/32 198.18.10.1", "ip route 198.18.100.1/32 198.18.12.1",
     "RPF of the beacon source 198.18.100.1 must point back at client"),
    (S3, "client/beacon.yaml", "rp: 10.0.0.0", "rp: 10.0.0.1", "beacon RP 10.0.0.1"),
    (S3, "client/beacon.yaml", "source: 198.18.100.1", "source: 198.18.100.2", "beacon source 198.18.100.2"),
    (S3, "client/beacon.yaml", "group: 233.84.178.0", "group: 239.84.178.0", "outside the RP's groups"),
    (S3, "client/beacon.yaml", "interface: eth1", "interface: eth2", "does not lead to an EOS device"),
    (S3, "client/beacon.yaml", "payload: 445a0001", "paylod: 445a0001", "paylod: unknown key"),
    (S3, f"{S3}.clab.yml", "        - ip addr add 198.18.100.1/32 dev lo\n", "", "beacon source 198.18.100.1"),
    (S3, f"{S3}.clab.yml", "cat /etc/fanout/pimd.yaml /etc/fanout/beacon.yaml >",
     "cat /etc/fanout/pimd.yaml >", "runs ['igmpd', 'pimd'], the scenario needs ['beacon', 'igmpd', 'pimd']"),
    (S3, "dz1.cfg", "   pim ipv4 border-router\n", "", "should keep 'pim ipv4 border-router'"),
    (S3, "client/pimd.yaml", "    pim: true\n    dr-priority: 1", "    pim: false\n    dr-priority: 1",
     "dual role: pimd must run PIM on the beacon interface"),
    (S3, f"{S3}.clab.yml", "233.84.178.1/32 dev eth1 autojoin", "233.84.178.0/32 dev eth1 autojoin",
     "joins a group other than the published one"),
    (S3, "dz2.cfg", "   ip address 198.18.255.2/32", "   ip address 198.18.255.1/32", "is on both dz1 and dz2"),
]


def mutations():
    with tempfile.TemporaryDirectory(prefix="clab-static-") as tmp:
        root = Path(tmp) / "containerlab"
        for i, (scenario, rel, old, new, expect) in enumerate(MUTATIONS):
            if root.exists():
                shutil.rmtree(root)
            shutil.copytree(CLAB, root, ignore=shutil.ignore_patterns("__pycache__"))
            # The copy binds ../../../build/release like the original: it lies outside the scenario, unchecked.
            if i == 0:
                sc = clab_check.check(root / scenario)
                check(not sc.errors, f"an unmodified copy passes ({sc.errors})")
            mutate(root, scenario, rel, old, new)
            sc = clab_check.check(root / scenario)
            hit = [e for e in sc.errors if expect in e]
            short = [x.strip()[:40].replace("\n", " | ") for x in (old, new)]
            check(bool(hit), f"{scenario}/{rel}: '{short[0]}' -> '{short[1]}' is reported "
                             f"('{expect}')" + ("" if hit else f"; got {sc.errors}"))
        pimd = clab_check.find_binary("pimd")
        if pimd:
            shutil.rmtree(root)
            shutil.copytree(CLAB, root, ignore=shutil.ignore_patterns("__pycache__"))
            mutate(root, S2, "rp/pimd.yaml", "hello-interval: 30s", "hello-interval: 0s")
            sc = clab_check.check(root / S2)
            check(any("pimd --check-config refuses" in e for e in sc.errors),
                  f"a value only pimd can judge (hello-interval 0s) fails through --check-config ({sc.errors})")
        else:
            print("# pimd not built: the --check-config mutation is not run")


def main():
    real_scenarios()
    yaml_reader()
    igmpd_keys_match_header()
    mutations()
    print(f"{'FAILED' if failures else 'PASSED'}: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
