#!/usr/bin/env bash
# valgrind memcheck of a small scenario, with events and municipality
# series, on two threads: zero errors and zero leaks (definite, indirect,
# possible; only libgomp's thread pool is suppressed, tests/valgrind.supp).
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "SKIP: no valgrind"; exit 77; }
valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  --suppressions="$ROOT/tests/valgrind.supp" --error-exitcode=9 \
  "$REGSIM" run "$ROOT/tests/data/small.json" -o "$TMP/v.h5" -q -t 2 >"$TMP/out" 2>"$TMP/vg"
code=$?
check "memcheck: no errors, no leaks (exit $code)" test $code = 0
check "memcheck: summary says 0 errors" grep -q "ERROR SUMMARY: 0 errors" "$TMP/vg"
[ $code = 0 ] || tail -40 "$TMP/vg" >&2
valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  --suppressions="$ROOT/tests/valgrind.supp" --error-exitcode=9 \
  "$REGSIM" validate "$ROOT/tests/data/small.json" "$ROOT/tests/data/long.json" >"$TMP/out" 2>"$TMP/vg2"
check "memcheck of validate: clean" test $? = 0
finish
