#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what is missing, builds, and runs
# every test twice, in an optimised build and under AddressSanitizer + UndefinedBehaviorSanitizer;
# then the concurrency tests under ThreadSanitizer and a short run of every fuzzer.
#   scripts/test.sh            everything
#   NEWSQ_FUZZ_SECONDS=N scripts/test.sh   fuzz each target N seconds (default 60; see scripts/fuzz.sh)
#   scripts/test.sh --quick    the optimised build only
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

# ASan's new_delete_type_mismatch check is off in the asan-ubsan test preset: Xapian 1.4.22's
# Database::check() (libxapian itself, not newsq) frees an object through a pointer of another
# size, which ASan reports from inside the library on every call.
run_preset release

# The side-by-side benchmark on a Reuters subset: a report, never a verdict on timings. Peers that
# are not installed are reported as skipped; a failure to measure is reported, not fatal.
if [ "$quick" -eq 0 ]; then
  echo "== bench/compare --quick (report only)" >&2
  scripts/deps.sh --bench || echo "warning: benchmark peers could not be installed" >&2
  bench/compare --quick --build-dir build/release || echo "warning: bench/compare --quick failed" >&2
  # The load test with faults, shortened (about 40 s): its p99 and memory figures are a report,
  # but a 5xx answer or a crashed server fails the run.
  echo "== bench/load/run --quick (fails on 5xx, a failed request or a crash; timings are a report)" >&2
  status=0
  bench/load/run --quick --build-dir build/release || status=$?
  if [ "$status" -eq 77 ]; then
    echo "warning: bench/load/run skipped (wrk is missing)" >&2
  elif [ "$status" -ne 0 ]; then
    exit "$status"
  fi
fi

if [ "$quick" -eq 0 ]; then
  run_preset asan-ubsan
fi

# The threaded parts (Server, SearcherPool, WriterQueue, ingest under load, the Ingestor and the
# BulkWriter) under ThreadSanitizer: the tsan presets build and run only those tests and the
# binaries they start.
if [ "$quick" -eq 0 ]; then
  run_preset tsan
fi

# Every fuzzer over its seed corpus and checked-in regressions, then NEWSQ_FUZZ_SECONDS each.
if [ "$quick" -eq 0 ]; then
  NEWSQ_FUZZ_SECONDS=${NEWSQ_FUZZ_SECONDS:-60} scripts/fuzz.sh
fi
