#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan+UBSan, optimised), runs every
# checked-in seed and regression input through them once (ctest), then fuzzes each target in turn,
# one job, for NEWSQ_FUZZ_SECONDS seconds (default 60), starting from its seed corpus.
#   scripts/fuzz.sh                               every target, 60 s each
#   NEWSQ_FUZZ_SECONDS=3600 scripts/fuzz.sh       the longer run: an hour per target
#   scripts/fuzz.sh fuzz_feed fuzz_sgml           only these targets
#   NEWSQ_FUZZ_PRESET=asan-ubsan scripts/fuzz.sh  the fuzzers of the asan-ubsan build (unoptimised,
#                                                 already built by the test run: what .ci/run does)
#   NEWSQ_FUZZ_BUILD_DIR=build-fuzz scripts/fuzz.sh   another build directory (default build/PRESET)
# New corpus entries go to BUILD/fuzz-corpus/TARGET (kept between runs, not checked in); a crash
# leaves its input in BUILD/fuzz-findings/TARGET/ and fails the script. Minimise it with
#   BUILD/tests/fuzz/TARGET -minimize_crash=1 -runs=10000 CRASH-FILE
# and check it in under tests/fuzz/regressions/TARGET/ with the fix, so ctest replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${NEWSQ_FUZZ_SECONDS:-60}
preset=${NEWSQ_FUZZ_PRESET:-fuzz}
build=${NEWSQ_FUZZ_BUILD_DIR:-build/$preset}
all_targets=(fuzz_router fuzz_query fuzz_jsonl fuzz_page fuzz_sgml fuzz_feed)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

dictionary_for() {
  case "$1" in
    fuzz_router) echo tests/fuzz/dict/http.dict ;;
    fuzz_query) echo tests/fuzz/dict/query.dict ;;
    fuzz_jsonl) echo tests/fuzz/dict/json.dict ;;
    fuzz_feed | fuzz_sgml) echo tests/fuzz/dict/xml.dict ;;
  esac
}

echo "== fuzz: configure and build ($build)" >&2
cmake --preset "$preset" -B "$build" >/dev/null
cmake --build "$build" -j "${NEWSQ_FUZZ_BUILD_JOBS:-$(nproc)}" --target newsq_fuzz

# Leaks inside third-party libraries (tests/fuzz/lsan.supp says which) are not newsq's to fix.
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp"

echo "== fuzz: seed corpora and regressions" >&2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$build" -R '^fuzz_' --output-on-failure

failed=()
for target in "${targets[@]}"; do
  work="$build/fuzz-corpus/$target"
  findings="$build/fuzz-findings/$target"
  mkdir -p "$work" "$findings"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384
           -print_final_stats=1 -artifact_prefix="$findings/")
  dictionary=$(dictionary_for "$target")
  [ -n "$dictionary" ] && options+=(-dict="$dictionary")
  echo "== fuzz: $target for ${seconds}s" >&2
  if ! "$build/tests/fuzz/$target" "${options[@]}" "$work" "tests/fuzz/corpus/$target" \
      >"$findings/last-run.log" 2>&1; then
    echo "fuzz.sh: $target failed; its input is in $findings/ (log: $findings/last-run.log):" >&2
    grep -E '^==[0-9]+==ERROR|SUMMARY|runtime error|fuzz_[a-z]+:|Test unit written' \
      "$findings/last-run.log" >&2 || tail -20 "$findings/last-run.log" >&2
    failed+=("$target")
  else
    grep -E '^stat::(number_of_executed_units|new_units_added)|^Done' "$findings/last-run.log" \
      | tr '\n' ' ' >&2
    echo >&2
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: crashes in ${failed[*]}" >&2
  exit 1
fi
