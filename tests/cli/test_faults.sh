#!/usr/bin/env bash
# Faults: each gives a clear message, a documented exit status, loses no
# finished run, and never crashes (see docs/errors.md).
source "$(dirname "$0")/lib.sh"
S="$ROOT/tests/data/long.json"
expect_exit 0 "reference" "$REGSIM" run "$S" -o "$TMP/ref.h5" -q -t 2

# disk full, simulated with a file-size limit: stop cleanly, keep what is
# committed, resume once there is room
( ulimit -f 20000; "$REGSIM" run "$S" -o "$TMP/full.h5" -q -t 2 ) >"$TMP/out" 2>"$TMP/err"
code=$?
check "file-size limit: exit 1 ($code)" test $code = 1
check "file-size limit: message says why and how to go on" grep -q "file-size limit .* is reached.*--resume" "$TMP/err"
n=$(h5attr "$TMP/full.h5" runs_completed)
check "file-size limit: committed runs kept ($n)" test "$n" -gt 0
expect_exit 0 "resume after the limit is lifted" "$REGSIM" run "$S" -o "$TMP/full.h5" -q -t 2 --resume
check "resumed data equal the reference" same_data "$TMP/full.h5" "$TMP/ref.h5"

# output directory not writable
if [ "$(id -u)" = 0 ]; then
  ro=/proc            # root ignores permissions; /proc takes no new files
else
  mkdir "$TMP/ro" && chmod 555 "$TMP/ro" && ro="$TMP/ro"
fi
expect_exit 1 "unwritable directory" "$REGSIM" run "$ROOT/tests/data/small.json" -o "$ro/r.h5" -q
check "unwritable directory: message" grep -Eq "not writable|cannot create the results file" "$TMP/err"

# allocations that fail, one after another: a clean "out of memory" and
# exit 1, or success once past the last allocation; never a crash
crashes=0; oom=0
for k in 0 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987 1597; do
  RS_FAIL_ALLOC_AFTER=$k "$REGSIM" run "$ROOT/tests/data/small.json" -o "$TMP/a$k.h5" -q -t 2 >"$TMP/out" 2>"$TMP/err"
  c=$?
  if [ $c -ge 128 ] || grep -q "Sanitizer" "$TMP/err"; then crashes=$((crashes + 1)); echo "crash with RS_FAIL_ALLOC_AFTER=$k: $(head -c 300 "$TMP/err")" >&2; fi
  if [ $c = 1 ]; then grep -q "out of memory" "$TMP/err" && oom=$((oom + 1)) || fail "alloc $k: exit 1 without 'out of memory': $(head -c 200 "$TMP/err")"; fi
  [ $c = 0 ] || [ $c = 1 ] || [ $c = 2 ] || fail "alloc $k: exit $c"
done
check "no crash when allocations fail ($crashes)" test $crashes = 0
check "failed allocations are reported ($oom)" test $oom -gt 3

# a results file given to --resume for another scenario, and a corrupt one,
# are refused (tests/cli/test_interrupt.sh covers damaged files that recover)
head -c 2000 "$TMP/ref.h5" > "$TMP/cut.h5"
expect_exit 2 "truncated file to --resume" "$REGSIM" run "$S" -o "$TMP/cut.h5" -q --resume
check "truncated file: message" grep -q "not a readable HDF5 file" "$TMP/err"
finish
