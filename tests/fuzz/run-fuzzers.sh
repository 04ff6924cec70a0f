#!/usr/bin/env bash
# Runs every fuzz_* binary in DIR for SECONDS each (two at a time), seeded from tests/fuzz/corpus/<name>/ and the
# committed crashers in tests/fuzz/regressions/<name>/. Prints executions per target; fails on any crash.
set -uo pipefail
DIR=$1
SECONDS_EACH=${2:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0
run_one() {
  local bin=$1 name corpus
  name=$(basename "$bin")
  name=${name#fuzz_}
  corpus="$WORK/$name"
  mkdir -p "$corpus" "$WORK/artifacts-$name"
  for seed in "$HERE/corpus/$name" "$HERE/regressions/$name"; do
    [ -d "$seed" ] && cp -r "$seed/." "$corpus/" 2>/dev/null
  done
  "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$WORK/artifacts-$name/" "$corpus" >"$WORK/$name.log" 2>&1
  local rc=$?
  local execs
  execs=$(grep -E '^stat::number_of_executed_units' "$WORK/$name.log" | awk '{print $2}')
  if [ $rc -ne 0 ]; then
    echo "fuzz $name: CRASH (exit $rc) after ${execs:-?} executions"
    tail -40 "$WORK/$name.log"
    ls "$WORK/artifacts-$name/"
    return 1
  fi
  echo "fuzz $name: ${execs:-?} executions in ${SECONDS_EACH}s, no crash"
}
bins=("$DIR"/fuzz_*)
[ -e "${bins[0]}" ] || { echo "no fuzz targets in $DIR"; exit 1; }
pids=()
for bin in "${bins[@]}"; do
  run_one "$bin" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
