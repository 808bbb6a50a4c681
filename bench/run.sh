#!/usr/bin/env bash
# The standard workloads of regsim, one table each (issue 7):
#   1. the netherlands scenario (342 municipalities, generated partnerships,
#      120 months): runs/s per thread, ns per municipality-month, peak
#      memory, memory per concurrently running run;
#   2. a 10,000-run batch of a small region: runs/s, output MB/s;
#   3. scaling with threads from 1 to all cores: parallel efficiency;
#   4. the share of time spent writing HDF5 (perf samples in libhdf5, zlib
#      and regsim's writer), with the default outputs.
# Medians of REPS repetitions (default 3). Usage: bench/run.sh [REPS]
# Record the output with the machine and the command in bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
R=build/regsim
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cores=$(nproc)
PY=/usr/bin/python3

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time_run OUT ARGS...: wall seconds and peak RSS (KB) of one regsim run
time_run() { /usr/bin/time -f "%e %M" -o "$tmp/t" "$R" run "$@" -q --force >/dev/null; cat "$tmp/t"; }
with_reps() { # SCEN REPLICATIONS OUT: a copy of SCEN with another replication count
  $PY - "$1" "$2" "$3" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1])); s["replications"] = int(sys.argv[2])
base = os.path.dirname(os.path.abspath(sys.argv[1])); r = s.get("region", {})
for k in ("csv", "neighbours_csv"):
    if k in r and not os.path.isabs(r[k]): r[k] = os.path.join(base, r[k])
json.dump(s, open(sys.argv[3], "w"))
PY
}

echo "regsim bench: $($R --version)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo

# 1. netherlands
N=scenarios/netherlands.json
nl_reps=$(( cores * 4 ))
with_reps "$N" "$nl_reps" "$tmp/nl.json"
n_muni=$($PY -c "import json; print(len(json.load(open('$N'))['region'].get('municipalities', [])) or 342)")
months=$($PY -c "import json; print(json.load(open('$N')).get('horizon_months', 120))")
nruns=$($R validate "$tmp/nl.json" | sed -n 's/.* \([0-9]*\) runs,.*/\1/p')
for t in 1 $cores; do
  for i in $(seq "$reps"); do time_run "$tmp/nl.json" -o "$tmp/nl.h5" -t $t; done > "$tmp/nl$t"
done
w1=$(cut -d' ' -f1 "$tmp/nl1" | median); m1=$(cut -d' ' -f2 "$tmp/nl1" | median)
wn=$(cut -d' ' -f1 "$tmp/nl$cores" | median); mn=$(cut -d' ' -f2 "$tmp/nl$cores" | median)
echo "1. netherlands: $n_muni municipalities, $months months, $nruns runs"
printf "   %-34s %s\n" "runs/s per thread (1 thread)" "$(echo "scale=3; $nruns / $w1" | bc)"
printf "   %-34s %s\n" "runs/s per thread ($cores threads)" "$(echo "scale=3; $nruns / $wn / $cores" | bc)"
printf "   %-34s %s\n" "ns per municipality-month" "$(echo "scale=1; $w1 * 1000000000 / ($nruns * $n_muni * $months)" | bc)"
printf "   %-34s %s MB (1 thread), %s MB ($cores threads)\n" "peak memory" "$((m1 / 1024))" "$((mn / 1024))"
printf "   %-34s %s MB\n" "memory per running run" "$(echo "scale=2; ($mn - $m1) / 1024 / ($cores - 1)" | bc)"
echo

# 2. 10,000 runs of a small region
with_reps scenarios/drechtsteden.json 5000 "$tmp/small.json"
for i in $(seq "$reps"); do time_run "$tmp/small.json" -o "$tmp/small.h5" -t $cores; done > "$tmp/sm"
ws=$(cut -d' ' -f1 "$tmp/sm" | median); ms=$(cut -d' ' -f2 "$tmp/sm" | median)
size=$(stat -c %s "$tmp/small.h5")
echo "2. small region (drechtsteden, 7 municipalities, municipality series on): 10000 runs, $cores threads"
printf "   %-34s %s\n" "runs/s" "$(echo "scale=1; 10000 / $ws" | bc)"
printf "   %-34s %s MB in %s s = %s MB/s\n" "output" "$(echo "scale=1; $size / 1000000" | bc)" "$ws" "$(echo "scale=1; $size / 1000000 / $ws" | bc)"
printf "   %-34s %s MB\n" "peak memory" "$((ms / 1024))"
echo

# 3. scaling with threads (netherlands copy)
echo "3. scaling, netherlands, $nruns runs"
printf "   %-8s %-10s %-10s %-10s\n" threads wall_s speedup efficiency
base=""
for t in $(seq 1 "$cores"); do
  w=$(for i in $(seq "$reps"); do time_run "$tmp/nl.json" -o "$tmp/nl.h5" -t $t | cut -d' ' -f1; done | median)
  [ -z "$base" ] && base=$w
  printf "   %-8s %-10s %-10s %-10s\n" "$t" "$w" "$(echo "scale=2; $base / $w" | bc)" "$(echo "scale=2; $base / $w / $t" | bc)"
done
echo

# 4. share of time writing HDF5 (perf), default outputs of the netherlands scenario
if perf stat -e task-clock true >/dev/null 2>&1; then
  perf record -q -o "$tmp/perf.data" -F 999 -g -- "$R" run "$tmp/nl.json" -o "$tmp/p.h5" -q --force -t 1 >/dev/null 2>&1
  perf report -i "$tmp/perf.data" --no-children --sort dso,sym -g none --stdio 2>/dev/null > "$tmp/rep"
  share=$(awk '/%/ && ($2 ~ /libhdf5|libz/ || $0 ~ /rs_h5_|stage_|write_row|append|H5/) {gsub("%","",$1); s+=$1} END {printf "%.1f", s}' "$tmp/rep")
  echo "4. HDF5 writing (netherlands, 1 thread, perf samples in libhdf5, zlib and the writer): $share % of the time"
  echo "   top symbols:"
  grep '%' "$tmp/rep" | head -8 | sed 's/^/   /'
else
  echo "4. perf is not available here: HDF5 write share not measured"
fi
