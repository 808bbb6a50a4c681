#!/usr/bin/env bash
# Runs the whole test suite: set-up, the normal build's tests, then the same
# tests built with AddressSanitizer and UndefinedBehaviorSanitizer, then the
# fuzzers (tools/fuzz.sh).
#   tools/test.sh              everything
#   REGSIM_TEST_NOSAN=1        skip the sanitizer build (quicker, for local work)
#   REGSIM_TEST_NOFUZZ=1       skip the fuzzers (FUZZ_RUNS / FUZZ_SECONDS: tools/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
jobs=$(nproc)

echo "== tests (build/)"
ctest --test-dir build --output-on-failure -j "$jobs"

if [ "${REGSIM_TEST_NOSAN:-0}" != 1 ]; then
  echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DREGSIM_SANITIZE=ON >/dev/null
  if ! cmake --build build-asan -j "$jobs" > build-asan/build.log 2>&1; then
    grep -E "(warning|error):" build-asan/build.log || tail -20 build-asan/build.log
    echo "test: the sanitizer build failed (build-asan/build.log)" >&2
    exit 1
  fi
  grep -E "(warning|error):" build-asan/build.log || true
  # OpenMP's runtime keeps its thread pool alive at exit: not a leak of ours.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE nosan
fi

if [ "${REGSIM_TEST_NOFUZZ:-0}" != 1 ]; then
  echo "== fuzzing: corpus replay, then a fixed budget per target (build-fuzz/)"
  tools/fuzz.sh
fi
