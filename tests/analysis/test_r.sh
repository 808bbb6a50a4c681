#!/bin/bash
# tools/example.R (R, hdf5r) on a real results file, checked against h5py.
# usage: bash tests/analysis/test_r.sh [REGSIM_BIN] [EXTRA.h5 ...]
# Exit 77 (ctest: skipped) when Rscript or the hdf5r package is missing
# (Debian: apt-get install r-cran-hdf5r).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
regsim=${REGSIM_BIN:-$root/build/regsim}
extra=()
for a in "$@"; do
  case $a in *.h5) extra+=("$a") ;; *) regsim=$a ;; esac
done
py=/usr/bin/python3

if ! command -v Rscript >/dev/null 2>&1; then
  echo "SKIP: Rscript not found (apt-get install r-cran-hdf5r)"; exit 77
fi
if ! Rscript -e 'quit(status = !requireNamespace("hdf5r", quietly = TRUE))' >/dev/null 2>&1; then
  echo "SKIP: the R package hdf5r is not installed (apt-get install r-cran-hdf5r)"; exit 77
fi
[ -x "$regsim" ] || { echo "FAIL: regsim program not found at $regsim (argument or REGSIM_BIN)"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# a small real file, made with the scenario of the Python tests
$py -c "import sys, json; sys.path.insert(0, '$here'); import common; json.dump(common.SCENARIO, open('$tmp/small.json', 'w'))" || exit 1
"$regsim" run "$tmp/small.json" -o "$tmp/small.h5" -q -t 2 || { echo "FAIL: regsim run"; exit 1; }

check() { # file series
  local out
  if ! out=$(Rscript "$root/tools/example.R" "$1" "$2" 2>"$tmp/err"); then
    echo "FAIL: example.R $1 $2 exited non-zero:"; cat "$tmp/err"; fails=$((fails + 1)); return
  fi
  echo "$out"
  # the same numbers from h5py: variant<TAB>runs<TAB>mean, relative error < 1e-12
  if ! printf '%s\n' "$out" | $py -c "
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r'); n = int(f.attrs['runs_completed'])
names = [x.decode() if isinstance(x, bytes) else x for x in f['variant_name'][()]]
last = f[sys.argv[2]][:n, -1]; v = f['design/variant'][:n]
want = {names[i]: (int((v == i).sum()), float(last[v == i].mean())) for i in sorted(set(v))}
got = {}
for line in sys.stdin.read().splitlines():
    p = line.split('\t')
    if len(p) == 3: got[p[0]] = (int(p[1]), float(p[2]))
assert set(got) == set(want), (got, want)
for k in want:
    assert got[k][0] == want[k][0], (k, got[k], want[k])
    assert abs(got[k][1] - want[k][1]) <= 1e-12 * max(1.0, abs(want[k][1])), (k, got[k], want[k])
" "$1" "$2"; then
    echo "FAIL: example.R $1 $2 disagrees with h5py"; fails=$((fails + 1)); return
  fi
  echo "ok: example.R $(basename "$1") $2 agrees with h5py"
}

check "$tmp/small.h5" net_value
check "$tmp/small.h5" mean_trust
for f in "${extra[@]+"${extra[@]}"}"; do check "$f" net_value; done

# failures give a non-zero exit
if Rscript "$root/tools/example.R" "$tmp/small.h5" no_such_series >/dev/null 2>&1; then
  echo "FAIL: example.R accepted a missing series"; fails=$((fails + 1))
else
  echo "ok: example.R fails on a missing series"
fi
if Rscript "$root/tools/example.R" "$tmp/missing.h5" >/dev/null 2>&1; then
  echo "FAIL: example.R accepted a missing file"; fails=$((fails + 1))
else
  echo "ok: example.R fails on a missing file"
fi
[ $fails -eq 0 ] && echo "PASS" || echo "FAILED: $fails"
exit $((fails > 0))
