#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/,
# replays the seed corpora in tests/fuzz/corpus/ as regression tests, then
# fuzzs each target for FUZZ_SECONDS (default 30). Findings are written to
# build-fuzz/findings/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-30}
CC=clang cmake -S . -B build-fuzz -DREGSIM_FUZZ=ON -DREGSIM_MPI=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-fuzz -j "$(nproc)" 2>&1 | grep -E "warning:|error:" || true
mkdir -p build-fuzz/findings
export ASAN_OPTIONS=abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
status=0
for t in scenario region_csv resume; do
  bin=build-fuzz/tests/fuzz/fuzz_$t
  # regression: every corpus file once
  if "$bin" -runs=0 tests/fuzz/corpus/$t >build-fuzz/findings/$t-replay.log 2>&1; then
    echo "fuzz $t: corpus replay ok ($(ls tests/fuzz/corpus/$t | wc -l) inputs)"
  else
    echo "fuzz $t: corpus replay FAILED"; tail -20 build-fuzz/findings/$t-replay.log; status=1
  fi
  work=$(mktemp -d)
  cp tests/fuzz/corpus/$t/* "$work/"
  if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 \
       -artifact_prefix=build-fuzz/findings/$t- "$work" >build-fuzz/findings/$t.log 2>&1; then
    echo "fuzz $t: $(grep -o 'Done [0-9]* runs in [0-9]* second' build-fuzz/findings/$t.log | tail -1)s, no findings"
  else
    echo "fuzz $t: FINDING (build-fuzz/findings/$t-*)"; grep -E "ERROR|SUMMARY" build-fuzz/findings/$t.log | head -5; status=1
  fi
  rm -rf "$work"
done
echo "fuzz: $([ $status = 0 ] && echo "3 passed, 0 failed" || echo "failures above")"
exit $status
