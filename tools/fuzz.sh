#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/,
# replays the seed corpora in tests/fuzz/corpus/ as regression tests, then
# fuzzes each target with a fixed seed and a fixed number of inputs
# (FUZZ_RUNS scales them; default 1), so CI is repeatable: a finding on one
# run is a finding on every run of the same code. FUZZ_SECONDS=N fuzzes for
# N seconds with a random seed instead (for longer local sessions).
# Findings are written to build-fuzz/findings/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${FUZZ_RUNS:-1}
declare -A runs=([scenario]=$((150000 * scale)) [region_csv]=$((150000 * scale)) [resume]=$((3000 * scale)))
CC=clang cmake -S . -B build-fuzz -DREGSIM_FUZZ=ON -DREGSIM_MPI=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
if ! cmake --build build-fuzz -j "$(nproc)" > build-fuzz/build.log 2>&1; then
  grep -E "(warning|error):" build-fuzz/build.log || tail -20 build-fuzz/build.log
  echo "fuzz: the build failed (build-fuzz/build.log)" >&2
  exit 1
fi
grep -E "(warning|error):" build-fuzz/build.log || true
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
  if [ -n "${FUZZ_SECONDS:-}" ]; then budget=(-max_total_time="$FUZZ_SECONDS"); else budget=(-seed=1 -runs="${runs[$t]}"); fi
  if "$bin" "${budget[@]}" -rss_limit_mb=2048 -timeout=20 \
       -artifact_prefix=build-fuzz/findings/$t- "$work" >build-fuzz/findings/$t.log 2>&1; then
    echo "fuzz $t: $(grep -o 'Done [0-9]* runs in [0-9]* second' build-fuzz/findings/$t.log | tail -1)s, no findings"
  else
    echo "fuzz $t: FINDING (build-fuzz/findings/$t-*)"; grep -E "ERROR|SUMMARY" build-fuzz/findings/$t.log | head -5; status=1
  fi
  rm -rf "$work"
done
echo "fuzz: $([ $status = 0 ] && echo "3 passed, 0 failed" || echo "failures above")"
exit $status
