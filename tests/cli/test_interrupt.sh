#!/usr/bin/env bash
# Interruptions lose nothing finished. SIGTERM and SIGINT close the file
# with every completed run in it; after a hard kill (SIGKILL), --resume
# finishes the batch; either way the data equal an uninterrupted run.
source "$(dirname "$0")/lib.sh"
S="$ROOT/tests/data/long.json"
expect_exit 0 "reference run" "$REGSIM" run "$S" -o "$TMP/ref.h5" -q -t 2
total=$(h5attr "$TMP/ref.h5" runs_total)

for sig in TERM INT KILL; do
  f="$TMP/$sig.h5"
  "$REGSIM" run "$S" -o "$f" -q -t 1 2>"$TMP/err" &
  pid=$!
  # signal once the first commit is in the file (the writer commits about
  # once a second; the whole batch takes several seconds on one thread).
  # Polling, not a fixed sleep: a loaded CI machine or a sanitizer build
  # may need many seconds before the first commit.
  wait_committed "$f" $pid
  kill -$sig $pid
  wait $pid
  code=$?
  case $sig in
    KILL) check "SIGKILL kills ($code)" test $code = 137 ;;
    *) check "SIG$sig exits 1 ($code)" test $code = 1
       check "SIG$sig message says how to resume" grep -q "finish with the same command and --resume" "$TMP/err" ;;
  esac
  n=$(h5attr "$f" runs_completed)
  check "SIG$sig: file readable with some runs ($n of $total)" test "$n" -gt 0 -a "$n" -lt "$total"
  if [ $sig != KILL ]; then
    # the completed runs equal the reference's
    check "SIG$sig: finished runs equal the reference" /usr/bin/python3 - "$f" "$TMP/ref.h5" "$n" <<'PY'
import h5py, sys, numpy as np
a, b, n = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r'), int(sys.argv[3])
assert np.array_equal(a['net_value'][:n], b['net_value'][:n])
assert np.all(np.isnan(a['net_value'][n:])), "runs past runs_completed should be unwritten"
ne = a['events'].attrs['events_committed']
assert np.array_equal(a['events/run'][:ne], b['events/run'][:ne])
PY
  fi
  expect_exit 0 "SIG$sig: --resume" "$REGSIM" run "$S" -o "$f" -q -t 2 --resume
  check "SIG$sig: resumed data equal the uninterrupted run" same_data "$f" "$TMP/ref.h5"
done

# a file damaged past repair in one place (a chunk of run 700 overwritten):
# --resume keeps the readable prefix, recomputes the rest, and ends equal
cp "$TMP/ref.h5" "$TMP/dmg.h5"
# the chunk holding run 700 starts at run $first: runs before it survive
first=$(/usr/bin/python3 - "$TMP/dmg.h5" <<'PY'
import h5py, sys
with h5py.File(sys.argv[1], 'r') as f:
    info = f['net_value'].id.get_chunk_info_by_coord((700, 0))
    k = f['net_value'].chunks[0]
with open(sys.argv[1], 'r+b') as g:
    g.seek(info.byte_offset)
    g.write(b'\xff' * info.size)
print(700 // k * k)
PY
)
check "corrupted the chunk of run 700 (it starts at run $first)" test -n "$first" -a "${first:-0}" -gt 0
expect_exit 0 "resume of a damaged file" "$REGSIM" run "$S" -o "$TMP/dmg.h5" -q --resume
check "rebuild recorded in provenance" bash -c "/usr/bin/python3 -c \"import h5py; print(h5py.File('$TMP/dmg.h5','r')['provenance'].attrs['resumed'])\" | grep -q '$first readable'"
check "rebuilt file equals the uninterrupted run" same_data "$TMP/dmg.h5" "$TMP/ref.h5"
check "no temporary file left" test ! -e "$TMP/dmg.h5.rebuild.h5"

# resuming a complete file does nothing and succeeds; other scenario refused
expect_exit 0 "resume of a complete file" "$REGSIM" run "$S" -o "$TMP/ref.h5" -q --resume
check "still identical" same_data "$TMP/KILL.h5" "$TMP/ref.h5"
sed 's/"seed": 99/"seed": 98/' "$S" > "$TMP/other.json"
sed -i 's#"\.\./\.\./scenarios/data/#"'"$ROOT"'/scenarios/data/#g' "$TMP/other.json"
expect_exit 2 "resume with another scenario" "$REGSIM" run "$TMP/other.json" -o "$TMP/ref.h5" -q --resume
check "says it is another scenario" grep -q "different scenario" "$TMP/err"
echo "garbage" > "$TMP/garbage.h5"
expect_exit 2 "resume of a foreign file" "$REGSIM" run "$S" -o "$TMP/garbage.h5" -q --resume
expect_exit 2 "resume without a file" "$REGSIM" run "$S" -o "$TMP/none.h5" -q --resume
finish
