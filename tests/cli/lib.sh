# Shared helpers of the command-line tests: ok/fail counters and the
# closing "N passed, N failed" line. Source it; call finish at the end.
set -u
REGSIM=$(readlink -f "$1")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else fail "$what"; fi; }
# expect_exit CODE WHAT CMD... : run CMD, compare its exit status
expect_exit() {
  local want=$1 what=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok; else fail "$what: exit $got, expected $want; stderr: $(head -c 400 "$TMP/err")"; fi
}
# same_data A B : h5diff finds the data identical (provenance differs by design)
same_data() { h5diff --exclude-path /provenance "$1" "$2" >"$TMP/h5diff" 2>&1; }
h5attr() { /usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1],'r').attrs[sys.argv[2]])" "$1" "$2"; }
# wait_committed FILE PID: until FILE holds at least one committed run
# (read without HDF5 file locking while the writer has it open; a read
# that catches the file mid-write fails and is retried), or 120 s pass
wait_committed() {
  local i n
  for i in $(seq 600); do
    kill -0 "$2" 2>/dev/null || return 0
    n=$(HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1],'r').attrs['runs_completed'])" "$1" 2>/dev/null) || n=0
    [ "${n:-0}" -gt 0 ] 2>/dev/null && return 0
    sleep 0.2
  done
}
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; }
