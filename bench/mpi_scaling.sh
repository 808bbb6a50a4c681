#!/usr/bin/env bash
# Measures how a batch scales over MPI ranks x OpenMP threads.
#   bench/mpi_scaling.sh [SCENARIO] [REPLICATIONS] ["RANKSxTHREADS ..."]
# Prints one row per layout: ranks, threads per rank, worker cores, wall
# seconds (median of 3), runs per second, speed-up against 1 worker core.
# Rank 0 writes the file and computes nothing, so a layout with K ranks and
# T threads uses (K-1)*T cores for runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scen=${1:-scenarios/drechtsteden.json}
reps=${2:-200}
layouts=${3:-"1x1 1x2 2x1 3x1 2x2"}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$scen" "$reps" "$tmp/s.json" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
s["replications"] = int(sys.argv[2])
base = os.path.dirname(os.path.abspath(sys.argv[1]))
r = s.get("region", {})
for k in ("csv", "neighbours_csv"):
    if k in r and not os.path.isabs(r[k]): r[k] = os.path.join(base, r[k])
json.dump(s, open(sys.argv[3], "w"))
PY
printf "%-6s %-8s %-7s %-10s %-10s %-8s\n" ranks threads cores wall_s runs/s speedup
base=""
for l in $layouts; do
  k=${l%x*}; t=${l#*x}
  times=()
  for i in 1 2 3; do
    s0=$(date +%s.%N)
    if [ "$k" = 1 ]; then build/regsim run "$tmp/s.json" -o "$tmp/o.h5" -q --force -t "$t"
    else mpirun --oversubscribe -n "$k" build/regsim run "$tmp/s.json" -o "$tmp/o.h5" -q --force -t "$t"; fi
    s1=$(date +%s.%N)
    times+=("$(echo "$s1 - $s0" | bc)")
  done
  med=$(printf "%s\n" "${times[@]}" | sort -n | sed -n 2p)
  runs=$(/usr/bin/python3 -c "import h5py; print(h5py.File('$tmp/o.h5','r').attrs['runs_total'])")
  cores=$(( k == 1 ? t : (k - 1) * t ))
  rate=$(echo "scale=1; $runs / $med" | bc)
  [ -z "$base" ] && base=$rate
  printf "%-6s %-8s %-7s %-10s %-10s %-8s\n" "$k" "$t" "$cores" "$med" "$rate" "$(echo "scale=2; $rate / $base" | bc)"
done
