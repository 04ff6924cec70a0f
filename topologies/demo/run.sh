#!/usr/bin/env bash
# The Fanout demo, from a fresh clone, as root: installs the build dependencies, builds, and runs demo.py
# (line3 with Fanout pimd on r1 and r2; a 100 pkt/s stream from src reaches the receiver on rcv).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run as root (it builds network namespaces)" >&2
  exit 1
fi
.ci/install-deps
cmake -S . -B build/release -G Ninja
cmake --build build/release -j"$(nproc)"
export FANOUT_BUILD_DIR="$PWD/build/release"
exec python3 topologies/demo/demo.py "$@"
