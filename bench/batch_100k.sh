#!/usr/bin/env bash
# bench/batch_100k.sh - a 100,000-run batch of a small region: peak memory
# and runs per second.
#
# usage: bench/batch_100k.sh [REGSIM] [THREADS]
#   REGSIM   the regsim binary (default: build/regsim)
#   THREADS  worker threads (default: all cores)
#
# The scenario is inline: 4 municipalities, 2 partnerships, 24 months,
# 2 variants x 50,000 replications = 100,000 runs, run series only (no
# municipality series, no event log). Peak memory is the maximum resident
# set size from /usr/bin/time -v; runs/s is over the whole command
# (loading, simulation, writing, and the /summary pass at the end). The
# results file is written to a temporary directory and removed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REGSIM=$(readlink -f "${1:-$HERE/../build/regsim}")
THREADS=${2:-$(nproc)}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/small100k.json" <<'JSON'
{
  "name": "small-100k",
  "description": "Four municipalities, two partnerships, two years: 100,000 runs for the batch benchmark.",
  "region": {"municipalities": [
    {"name": "Aa", "population": 30000}, {"name": "Bee", "population": 55000},
    {"name": "Cee", "population": 12000}, {"name": "Dee", "population": 80000}]},
  "partnerships": [
    {"name": "ICT", "domain": "ict", "members": "all"},
    {"name": "Tax", "domain": "tax", "members": ["Aa", "Bee", "Dee"]}],
  "horizon_months": 24,
  "replications": 50000,
  "seed": 100000,
  "variants": [{"name": "base"}, {"name": "slow-trust", "parameters": {"trust": {"learning_rate": 0.01}}}],
  "outputs": {"municipality_series": false, "events": false}
}
JSON
echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "regsim:  $("$REGSIM" --version)"
echo "command: regsim run small100k.json -o small100k.h5 -t $THREADS -q"
"$REGSIM" run "$TMP/small100k.json" --dry-run -t "$THREADS" | sed 's/^/dry-run: /'
/usr/bin/time -v "$REGSIM" run "$TMP/small100k.json" -o "$TMP/small100k.h5" -t "$THREADS" -q 2>"$TMP/time.txt"
runs=$(/usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1],'r').attrs['runs_completed'])" "$TMP/small100k.h5")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$TMP/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/time.txt")
secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
size=$(stat -c %s "$TMP/small100k.h5")
has_summary=$(/usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1],'r'); print('yes' if 'summary' in f else 'no')" "$TMP/small100k.h5")
echo "runs:        $runs"
echo "wall time:   ${secs} s"
echo "runs/s:      $(awk -v r="$runs" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')"
echo "peak memory: $(awk -v k="$rss" 'BEGIN { printf "%.1f MiB", k / 1024 }') (maximum resident set size)"
echo "file size:   $(awk -v b="$size" 'BEGIN { printf "%.1f MB", b / 1e6 }') (/summary written: $has_summary)"
