#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what is missing; builds the
# optimised binaries and runs the side-by-side benchmark and the load test with faults on them;
# runs every test, and the fuzzers' seed inputs, under AddressSanitizer + UndefinedBehaviorSanitizer
# (clang); then the concurrency tests under ThreadSanitizer (GCC) and a short run of every fuzzer.
#   scripts/test.sh            everything (what .ci/run does)
#   NEWSQ_FUZZ_SECONDS=N scripts/test.sh   fuzz each target N seconds (default 30; see scripts/fuzz.sh)
#   scripts/test.sh --quick    every test in the optimised build only (the quick loop while coding)
# The full run does not build the test suite in the optimised build too: the sanitizer build runs
# every test, and compiling the suite a second time cost about a fifth of CI's time on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1

scripts/deps.sh --test

jobs=$(nproc)
run_preset() {
  local preset=$1
  echo "== $preset: configure and build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: tests" >&2
  ctest --preset "$preset" -j "$jobs"
}

if [ "$quick" -eq 1 ]; then
  run_preset release
  exit 0
fi

echo "== release: configure and build the binaries and the benchmark tools" >&2
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs" --target newsq newsq-index newsq-server newsq_bench_tools

# The side-by-side benchmark on a Reuters subset: a report, never a verdict on timings. Peers that
# are not installed are reported as skipped; a failure to measure is reported, not fatal.
echo "== bench/compare --quick (report only)" >&2
scripts/deps.sh --bench || echo "warning: benchmark peers could not be installed" >&2
bench/compare --quick --build-dir build/release || echo "warning: bench/compare --quick failed" >&2

# The load test with faults, shortened (about 40 s): its p99 and memory figures are a report, but
# a 5xx answer or a crashed server fails the run.
echo "== bench/load/run --quick (fails on 5xx, a failed request or a crash; timings are a report)" >&2
status=0
bench/load/run --quick --build-dir build/release || status=$?
if [ "$status" -eq 77 ]; then
  echo "warning: bench/load/run skipped (wrk is missing)" >&2
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi

# ASan's new_delete_type_mismatch check is off in the asan-ubsan test preset: Xapian 1.4.22's
# Database::check() (libxapian itself, not newsq) frees an object through a pointer of another
# size, which ASan reports from inside the library on every call.
run_preset asan-ubsan

# The threaded parts (Server, SearcherPool, WriterQueue, ingest under load, the Ingestor and the
# BulkWriter) under ThreadSanitizer: the tsan presets build and run only those tests and the
# binaries they start.
run_preset tsan

# Every fuzzer, built by the asan-ubsan stage, over its seed corpus and checked-in regressions,
# then NEWSQ_FUZZ_SECONDS each (the longer runs use the optimised fuzz preset: scripts/fuzz.sh).
NEWSQ_FUZZ_PRESET=asan-ubsan NEWSQ_FUZZ_SECONDS=${NEWSQ_FUZZ_SECONDS:-30} scripts/fuzz.sh
