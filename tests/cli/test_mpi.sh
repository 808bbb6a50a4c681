#!/usr/bin/env bash
# MPI: the data of 1, 2 and 3 ranks are identical to a single-process run;
# SIGTERM to mpirun keeps every finished run; --resume works under MPI, with
# another number of ranks too. Skips (77) when regsim was built without MPI.
source "$(dirname "$0")/lib.sh"
command -v mpirun >/dev/null || { echo "SKIP: no mpirun"; exit 77; }
ldd "$REGSIM" | grep -q libmpi || { echo "SKIP: regsim built without MPI"; exit 77; }
# as root (CI containers), Open MPI needs this consent; harmless otherwise
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPIRUN="mpirun --oversubscribe"

S="$ROOT/scenarios/drechtsteden.json"
expect_exit 0 "serial run" "$REGSIM" run "$S" -o "$TMP/serial.h5" -q -t 2
for n in 1 2 3; do
  expect_exit 0 "mpirun -n $n" $MPIRUN -n $n "$REGSIM" run "$S" -o "$TMP/mpi$n.h5" -q -t 1
  check "$n rank(s): data identical to the serial run" same_data "$TMP/serial.h5" "$TMP/mpi$n.h5"
done
expect_exit 0 "mpirun -n 3, 2 threads each" $MPIRUN -n 3 "$REGSIM" run "$S" -o "$TMP/mpi3t2.h5" -q -t 2
check "3 ranks x 2 threads identical" same_data "$TMP/serial.h5" "$TMP/mpi3t2.h5"
expect_exit 0 "mpirun output is printed once" $MPIRUN -n 3 "$REGSIM" run "$S" -o "$TMP/once.h5" -t 1 --force
check "summary printed by rank 0 only" test "$(grep -c '^default ' "$TMP/out")" = 1

# interrupt under MPI, then resume with another rank count
L="$ROOT/tests/data/long.json"
expect_exit 0 "long serial reference" "$REGSIM" run "$L" -o "$TMP/lref.h5" -q -t 2
$MPIRUN -n 3 "$REGSIM" run "$L" -o "$TMP/lint.h5" -q -t 1 2>"$TMP/err" &
pid=$!
wait_committed "$TMP/lint.h5" $pid
kill -TERM $pid
wait $pid
code=$?
check "SIGTERM under mpirun: exit non-zero ($code)" test $code != 0
n=$(h5attr "$TMP/lint.h5" runs_completed)
total=$(h5attr "$TMP/lint.h5" runs_total)
check "SIGTERM under mpirun: some runs kept ($n of $total)" test "$n" -gt 0 -a "$n" -lt "$total"
expect_exit 0 "resume with 2 ranks" $MPIRUN -n 2 "$REGSIM" run "$L" -o "$TMP/lint.h5" -q -t 2 --resume
check "resumed MPI data equal the serial run" same_data "$TMP/lref.h5" "$TMP/lint.h5"

# bad input under MPI: exit 2 from every rank, one message
echo '{"name": ' > "$TMP/bad.json"
expect_exit 2 "malformed scenario under mpirun" $MPIRUN -n 2 "$REGSIM" run "$TMP/bad.json" -o "$TMP/bad.h5"
check "no output file" test ! -e "$TMP/bad.h5"
finish
