#!/usr/bin/env bash
# The whole test suite: install, format check, release build, unit + conformance + tshark + e2e + interop
# (ctest) while the sanitizer tree builds in the background, sanitizer tests, fuzz smoke runs, then benchmarks
# and lab performance runs (numbers). Prints one closing line "fanout: N passed, N failed".
#
# Environment: FUZZ_SECONDS (per fuzz target, default 10), JOBS (default nproc), SKIP_FUZZ=1, SKIP_ASAN=1.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-$(nproc)}
# ccache keys on relative paths below the checkout, so a fresh clone elsewhere reuses earlier builds.
export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=1
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
BUILD=${BUILD_DIR:-$ROOT/build}
passed=0
failed=0
failures=()

step() { echo; echo "=== $* (at ${SECONDS}s)"; }
ok() { passed=$((passed + ${2:-1})); echo "--- ok: $1"; }
bad() { failed=$((failed + ${2:-1})); failures+=("$1"); echo "--- FAILED: $1"; }

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
  if [ "$nfail" -gt 0 ]; then failed=$((failed + nfail)); failures+=("$name: $nfail ctest failures"); fi
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

# The sanitizer tree builds in the background (niced) while the release tier's tests run: the lab tests spend
# most of their time waiting on protocol timers, so the two overlap. Benchmarks and lab performance runs go
# last, on a quiet machine, because they print numbers.
asan_pid=""
asan_log=$(mktemp)
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
start_asan_build() {
  [ "${SKIP_ASAN:-0}" = 1 ] && return
  # -g1: line tables for the sanitizers' stack traces, without the full debug info's compile cost.
  ( cmake -S . -B "$BUILD/asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
        -DCMAKE_C_FLAGS_DEBUG=-g1 -DFANOUT_SANITIZE=ON -DFANOUT_BENCH=OFF >/dev/null &&
      nice -n 10 cmake --build "$BUILD/asan" -j "$JOBS" --target $(asan_targets) ) >"$asan_log" 2>&1 &
  asan_pid=$!
}

step "release build (g++, -Werror)"
release_ok=0
if cmake -S . -B "$BUILD/release" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
   cmake --build "$BUILD/release" -j "$JOBS"; then
  ok "release build"
  release_ok=1
  start_asan_build
  step "unit + conformance + tshark + integration tests"
  ctest_count "$BUILD/release" 'unit|conformance|tshark|integration' "release"
  step "end-to-end and interop tests (network namespaces)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP e2e/interop: not root (they build network namespaces; run as root to include them)"
  fi
  ctest_count "$BUILD/release" 'e2e|interop' "lab"
else
  bad "release build"
  start_asan_build
fi

if [ -n "$asan_pid" ]; then
  step "sanitizer build (ASan + UBSan; started in the background after the release build) and tests"
  if wait "$asan_pid"; then
    tail -n 3 "$asan_log"
    ok "asan build"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest_count "$BUILD/asan" 'unit|conformance|integration' "asan" 'packaging_install|readme_config_reference'
  else
    cat "$asan_log"
    bad "asan build"
  fi
fi
rm -f "$asan_log"

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  step "fuzz smoke (libFuzzer, ${FUZZ_SECONDS}s per target)"
  if CC=clang CXX=clang++ cmake -S . -B "$BUILD/fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFANOUT_FUZZ=ON \
       -DFANOUT_DAEMONS=OFF -DFANOUT_TESTS=OFF -DFANOUT_BENCH=OFF >/dev/null &&
     cmake --build "$BUILD/fuzz" -j "$JOBS"; then
    ok "fuzz build"
    bash tests/fuzz/run-fuzzers.sh "$BUILD/fuzz/tests/fuzz" "$FUZZ_SECONDS" && ok "fuzz smoke" || bad "fuzz smoke"
  else
    bad "fuzz build"
  fi
fi

if [ "$release_ok" = 1 ] && [ -x "$BUILD/release/tests/bench/fanout_bench" ]; then
  step "benchmarks (numbers only, not pass/fail)"
  if "$BUILD/release/tests/bench/fanout_bench" --benchmark_min_time=0.05; then ok "benchmarks run"; else bad "benchmarks crashed"; fi
fi
if [ "$release_ok" = 1 ] && [ "$(id -u)" -eq 0 ]; then
  step "lab performance runs (topologies/perf/run.py: numbers only, not pass/fail; ~2 minutes)"
  if FANOUT_BUILD_DIR="$BUILD/release" timeout 400 python3 topologies/perf/run.py --runs 10; then
    ok "perf runs"
  else
    bad "perf runs did not complete"
  fi
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "Failures:"
  printf '  %s\n' "${failures[@]}"
fi
echo "(whole run: ${SECONDS}s)"
echo "fanout: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
