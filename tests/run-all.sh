#!/usr/bin/env bash
# The whole test suite: install, format check, release build, unit + conformance + tshark + e2e + interop
# (ctest) while the sanitizer and fuzz trees build in the background, sanitizer tests, fuzz smoke runs, then
# benchmarks and lab performance runs (numbers). Prints one closing line "fanout: N passed, N failed".
#
# Environment: FUZZ_SECONDS (per fuzz target, default 10), JOBS (default nproc), SKIP_FUZZ=1, SKIP_ASAN=1,
# UNITY_BATCH (sources per unity translation unit, default 8).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-$(nproc)}
# Unity builds (CMake merges up to 8 sources of a target into one translation unit, so the heavy headers, gtest,
# nlohmann::json, spdlog, are parsed and their templates instantiated once per batch rather than once per file):
# much less compile time for the release and sanitizer trees. The developer default stays one file
# per translation unit, and the fuzz tree below is built that way too, so a missing include still shows.
UNITY="-DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=${UNITY_BATCH:-8}"
# ccache keys on relative paths below the checkout, so a fresh clone elsewhere reuses earlier builds.
export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=1
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
BUILD=${BUILD_DIR:-$ROOT/build}
passed=0
failed=0
failures=()

# Each step line shows the wall time so far and the CPU seconds its finished child processes used (user + sys,
# from `times`), which does not depend on what else the machine is running.
# `times` must run in this shell, not in a $(...) subshell (which has no finished children of its own): cpu_now
# sets $cpu.
cpu_file=$(mktemp)
cpu_now() {
  times >"$cpu_file"
  cpu=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } printf "%d", t }' \
    "$cpu_file")
}
step() { cpu_now; echo; echo "=== $* (at ${SECONDS}s, ${cpu} CPU-s)"; }
ok() { passed=$((passed + ${2:-1})); echo "--- ok: $1"; }
bad() { failed=$((failed + ${2:-1})); failures+=("$1"); echo "--- FAILED: $1"; }

# failed_output DIR TEST: the last lines of a failed test's output, from ctest's LastTest.log (each line cut to 300
# characters), for the closing summary: the check that failed then shows in the tail of the output too.
details_file=$(mktemp)
failed_output() {
  echo "--- $2 (last lines of its output):"
  awk -v t="$2" '$0 ~ ("^[0-9]+/[0-9]+ Test: " t "( |$)") { on = 1; n = 0; next }
    on && /^Output:$/ { n = 0; getline; next }
    on && /^<end of output>$/ { on = 0; for (i = (n > 15 ? n - 15 : 0); i < n; i++) print "    " substr(l[i], 1, 300) }
    on { l[n++] = $0 }' "$1/Testing/Temporary/LastTest.log"
}

# ctest_count DIR LABEL_REGEX NAME [EXCLUDE_REGEX]: runs ctest and adds its pass/fail counts.
ctest_count() {
  local dir=$1 labels=$2 name=$3 exclude=${4:-} log
  log=$(mktemp)
  ctest --test-dir "$dir" -L "$labels" ${exclude:+-E "$exclude"} --output-on-failure -j "$JOBS" --timeout 900 2>&1 |
    tee "$log"
  local line total nfail
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    if grep -q "No tests were found" "$log"; then echo "(no $name tests)"; rm -f "$log"; return; fi
    bad "$name: ctest did not finish"; rm -f "$log"; return
  fi
  total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
  nfail=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed.*/\1/')
  passed=$((passed + total - nfail))
  if [ "$nfail" -gt 0 ]; then
    # The names too: CI keeps only the tail of this output, where the summary is.
    local names
    names=$(sed -n '/The following tests FAILED:/,$p' "$log" | sed -nE 's/^[[:space:]]*[0-9]+ - ([^ ]+) .*/\1/p' |
      paste -sd' ')
    failed=$((failed + nfail))
    failures+=("$name: $nfail ctest failures: $names")
    local t
    for t in $names; do failed_output "$dir" "$t" >>"$details_file"; done
  fi
  rm -f "$log"
}

step "install dependencies"
if bash .ci/install-deps; then ok "install-deps"; else bad "install-deps"; fi

step "format check (clang-format)"
mapfile -t srcs < <(git ls-files -co --exclude-standard '*.cpp' '*.hpp' '*.h' '*.cc')
if [ ${#srcs[@]} -gt 0 ] && ! clang-format --dry-run -Werror "${srcs[@]}"; then
  bad "clang-format (run: clang-format -i \$(git ls-files '*.cpp' '*.hpp'))"
else
  ok "clang-format"
fi

# The sanitizer tree, then the fuzz tree, build in the background (niced) while the release tier's tests run: the
# lab tests spend most of their time waiting on protocol timers, so the builds and the tests overlap. Benchmarks
# and lab performance runs go last, on a quiet machine, because they print numbers.
bg_pid=""
bg_dir=$(mktemp -d)
# The test executables the sanitizer tier runs: not the daemons, the shell or the tshark checks (the release tier
# covers those), which saves their sanitizer compile.
asan_targets() {
  local d t="conformance"
  for d in tests/unit/*/ tests/integration/*/; do
    ls "$d"*.cpp >/dev/null 2>&1 || continue
    t+=" $(basename "$(dirname "$d")")_$(basename "$d")"
  done
  echo "$t"
}
build_asan() {
  # -g1: line tables for the sanitizers' stack traces, without the full debug info's compile cost.
  cmake -S . -B "$BUILD/asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
    -DCMAKE_C_FLAGS_DEBUG=-g1 -DFANOUT_SANITIZE=ON -DFANOUT_BENCH=OFF $UNITY >/dev/null &&
    nice -n 10 cmake --build "$BUILD/asan" -j "$JOBS" --target $(asan_targets)
}
build_fuzz() {
  CC=clang CXX=clang++ cmake -S . -B "$BUILD/fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFANOUT_FUZZ=ON \
    -DFANOUT_DAEMONS=OFF -DFANOUT_TESTS=OFF -DFANOUT_BENCH=OFF >/dev/null &&
    nice -n 10 cmake --build "$BUILD/fuzz" -j "$JOBS"
}
# Each background build leaves its log (<name>.log), exit status (<name>.rc) and times (<name>.time) in $bg_dir.
start_background_builds() {
  (
    TIMEFORMAT="built in %0R s (%0U s user + %0S s sys CPU)"
    if [ "${SKIP_ASAN:-0}" != 1 ]; then
      { time build_asan >"$bg_dir/asan.log" 2>&1; } 2>"$bg_dir/asan.time"
      echo $? >"$bg_dir/asan.rc"
    fi
    if [ "${SKIP_FUZZ:-0}" != 1 ]; then
      { time build_fuzz >"$bg_dir/fuzz.log" 2>&1; } 2>"$bg_dir/fuzz.time"
      echo $? >"$bg_dir/fuzz.rc"
    fi
  ) &
  bg_pid=$!
}
# background_ok NAME: did that background build succeed (its log's tail on success, all of it on failure).
background_ok() {
  if [ "$(cat "$bg_dir/$1.rc" 2>/dev/null)" = 0 ]; then
    tail -n 3 "$bg_dir/$1.log"
    echo "$1 tree $(cat "$bg_dir/$1.time")"
    return 0
  fi
  cat "$bg_dir/$1.log" 2>/dev/null
  return 1
}

step "release build (g++, -Werror)"
release_ok=0
release_start=$SECONDS
cpu_now
release_cpu=$cpu
if cmake -S . -B "$BUILD/release" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $UNITY >/dev/null &&
   cmake --build "$BUILD/release" -j "$JOBS"; then
  cpu_now
  echo "release tree built in $((SECONDS - release_start)) s ($((cpu - release_cpu)) CPU-s)"
  ok "release build"
  release_ok=1
  start_background_builds
  step "unit + conformance + tshark + integration tests"
  ctest_count "$BUILD/release" 'unit|conformance|tshark|integration' "release"
  step "end-to-end and interop tests (network namespaces)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP e2e/interop: not root (they build network namespaces; run as root to include them)"
  fi
  ctest_count "$BUILD/release" 'e2e|interop' "lab"
else
  bad "release build"
  start_background_builds
fi

step "waiting for the background builds (sanitizer, then fuzz; started after the release build)"
wait "$bg_pid"
if [ "${SKIP_ASAN:-0}" != 1 ]; then
  step "sanitizer tests (ASan + UBSan)"
  if background_ok asan; then
    ok "asan build"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest_count "$BUILD/asan" 'unit|conformance|integration' "asan" 'packaging_install|readme_config_reference'
  else
    bad "asan build"
  fi
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  step "fuzz smoke (libFuzzer, ${FUZZ_SECONDS}s per target)"
  if background_ok fuzz; then
    ok "fuzz build"
    bash tests/fuzz/run-fuzzers.sh "$BUILD/fuzz/tests/fuzz" "$FUZZ_SECONDS" && ok "fuzz smoke" || bad "fuzz smoke"
  else
    bad "fuzz build"
  fi
fi
rm -rf "$bg_dir"

if [ "$release_ok" = 1 ] && [ -x "$BUILD/release/tests/bench/fanout_bench" ]; then
  step "benchmarks (numbers only, not pass/fail)"
  if "$BUILD/release/tests/bench/fanout_bench" --benchmark_min_time=0.05; then ok "benchmarks run"; else bad "benchmarks crashed"; fi
fi
if [ "$release_ok" = 1 ] && [ "$(id -u)" -eq 0 ]; then
  step "lab performance runs (topologies/perf/run.py: numbers only, not pass/fail; ~2-3 minutes)"
  if FANOUT_BUILD_DIR="$BUILD/release" timeout 400 python3 topologies/perf/run.py --runs 10 --asm-runs 10 --frr; then
    ok "perf runs"
  else
    bad "perf runs did not complete"
  fi
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "Failures:"
  printf '  %s\n' "${failures[@]}"
  cat "$details_file"
fi
rm -f "$details_file"
cpu_now
echo "(whole run: ${SECONDS}s, ${cpu} CPU-s)"
rm -f "$cpu_file"
echo "fanout: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
