#!/usr/bin/env bash
# The standard workloads of regsim, one table each (issue 7):
#   1. the netherlands scenario (342 municipalities, generated partnerships,
#      120 months): runs/s per thread, ns per municipality-month, peak
#      memory, memory per concurrently running run (peak RSS at max(cores, 4)
#      threads against 1 thread);
#   2. a 10,000-run batch of a small region: runs/s, output MB/s;
#   3. scaling with threads from 1 to all cores: parallel efficiency;
#   4. the share of time spent writing HDF5 (perf samples with regsim's
#      output code on the call stack), with the default outputs and with
#      the outputs the netherlands scenario asks for;
#   5. per run against the straightforward Python implementation of the
#      same model (bench/python_ref), if PYREF_RUNS > 0 (default 1).
# Medians of REPS repetitions (default 3). Usage: bench/run.sh [REPS]
# SECTIONS="1 5" bench/run.sh runs only the sections named.
# Needs the build of tools/setup.sh (RelWithDebInfo: perf unwinds with -g).
# Record the output with the machine and the command in bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
R=build/regsim
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cores=$(nproc)
PY=/usr/bin/python3
sections=" ${SECTIONS:-1 2 3 4 5} "
on() { [[ "$sections" == *" $1 "* ]]; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time_run OUT ARGS...: wall seconds and peak RSS (KB) of one regsim run
time_run() { /usr/bin/time -f "%e %M" -o "$tmp/t" "$R" run "$@" -q --force >/dev/null; cat "$tmp/t"; }
with_reps() { # SCEN REPLICATIONS OUT [MODES]: a copy of SCEN with another
  # replication count. MODES (comma-separated): "default" drops its outputs
  # section (engine defaults); "series" writes the run series only and
  # "first" keeps the first variant only (what bench/python_ref computes)
  $PY - "$1" "$2" "$3" "${4:-}" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1])); s["replications"] = int(sys.argv[2])
modes = sys.argv[4].split(",")
if "default" in modes: s.pop("outputs", None)
if "series" in modes: s["outputs"] = {"municipality_series": False, "events": False}
if "first" in modes and "variants" in s: s["variants"] = s["variants"][:1]
base = os.path.dirname(os.path.abspath(sys.argv[1])); r = s.get("region", {})
for k in ("csv", "neighbours_csv"):
    if k in r and not os.path.isabs(r[k]): r[k] = os.path.join(base, r[k])
json.dump(s, open(sys.argv[3], "w"))
PY
}

echo "regsim bench: $($R --version)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo

N=scenarios/netherlands.json
if on 1; then
# 1. netherlands, as bundled (municipality series and a 200,000-event log)
#    and with the default outputs (run series and events, at most 20,000 a run)
nl_reps=$(( cores * 4 ))
with_reps "$N" "$nl_reps" "$tmp/nl.json"
with_reps "$N" "$nl_reps" "$tmp/nld.json" default
n_muni=$($PY -c "import json; print(len(json.load(open('$N'))['region'].get('municipalities', [])) or 342)")
months=$($PY -c "import json; print(json.load(open('$N')).get('horizon_months', 120))")
nruns=$($R validate "$tmp/nl.json" | sed -n 's/.* \([0-9]*\) runs,.*/\1/p')
for i in $(seq "$reps"); do
  for t in 1 $cores; do
    time_run "$tmp/nl.json" -o "$tmp/nl.h5" -t $t >> "$tmp/nl$t"
    time_run "$tmp/nld.json" -o "$tmp/nld.h5" -t $t >> "$tmp/nld$t"
  done
done
w1=$(cut -d' ' -f1 "$tmp/nl1" | median); m1=$(cut -d' ' -f2 "$tmp/nl1" | median)
wn=$(cut -d' ' -f1 "$tmp/nl$cores" | median); mn=$(cut -d' ' -f2 "$tmp/nl$cores" | median)
wd1=$(cut -d' ' -f1 "$tmp/nld1" | median)
# memory per concurrently running run: (peak RSS at M threads - at 1) / (M - 1),
# M = max(cores, 4) (threads may outnumber cores: only memory is measured here,
# and more threads average out what one thread's heap happens to reuse)
M=$(( cores > 4 ? cores : 4 ))
with_reps "$N" $(( M * 4 )) "$tmp/nlm.json"
with_reps "$N" $(( M * 4 )) "$tmp/nldm.json" default
for i in $(seq "$reps"); do
  for t in 1 $M; do
    time_run "$tmp/nlm.json" -o "$tmp/nl.h5" -t $t | cut -d' ' -f2 >> "$tmp/mb$t"
    time_run "$tmp/nldm.json" -o "$tmp/nld.h5" -t $t | cut -d' ' -f2 >> "$tmp/md$t"
  done
done
mb1=$(median < "$tmp/mb1"); mbn=$(median < "$tmp/mb$M"); md1=$(median < "$tmp/md1"); mdn=$(median < "$tmp/md$M")
echo "1. netherlands: $n_muni municipalities, $months months, $nruns runs"
printf "   %-34s %s\n" "runs/s per thread (1 thread)" "$(echo "scale=3; $nruns / $w1" | bc)"
printf "   %-34s %s\n" "runs/s per thread ($cores threads)" "$(echo "scale=3; $nruns / $wn / $cores" | bc)"
printf "   %-34s %s\n" "ns per municipality-month" "$(echo "scale=1; $w1 * 1000000000 / ($nruns * $n_muni * $months)" | bc)"
printf "   %-34s %s\n" "  same, default outputs" "$(echo "scale=1; $wd1 * 1000000000 / ($nruns * $n_muni * $months)" | bc)"
printf "   %-34s %s MB (1 thread), %s MB ($cores threads)\n" "peak memory" "$((m1 / 1024))" "$((mn / 1024))"
printf "   %-34s %s MB as bundled, %s MB with the default outputs ($((M * 4)) runs, 1 vs $M threads)\n" "memory per running run" \
  "$(echo "scale=2; ($mbn - $mb1) / 1024 / ($M - 1)" | bc)" "$(echo "scale=2; ($mdn - $md1) / 1024 / ($M - 1)" | bc)"
echo
fi

if on 2; then
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
fi

if on 3; then
# 3. scaling with threads (netherlands as bundled), two batch sizes: the
#    start (loading, network, file creation) and the end (/summary) of a batch
#    are serial, so efficiency grows with the number of runs
for nb in $(( cores * 8 )) $(( cores * 32 )); do
  with_reps "$N" "$nb" "$tmp/nls.json"
  echo "3. scaling, netherlands, $nb runs"
  printf "   %-8s %-10s %-10s %-10s\n" threads wall_s speedup efficiency
  # thread counts interleaved within each repetition: a change in the load of
  # a shared machine then hits every thread count alike
  for i in $(seq "$reps"); do
    for t in $(seq 1 "$cores"); do time_run "$tmp/nls.json" -o "$tmp/nls.h5" -t $t | cut -d' ' -f1 >> "$tmp/sc$nb.$t"; done
  done
  base=""
  for t in $(seq 1 "$cores"); do
    w=$(median < "$tmp/sc$nb.$t")
    [ -z "$base" ] && base=$w
    printf "   %-8s %-10s %-10s %-10s\n" "$t" "$w" "$(echo "scale=2; $base / $w" | bc)" "$(echo "scale=2; $base / $w / $t" | bc)"
  done
done
echo
fi

if on 4; then
# 4. share of time in regsim's output code (perf, call graphs): samples with
#    the writer, the commits, file creation or the /summary pass on the stack
out_share() { # SCEN: percent of samples, 1 thread
  perf record -q -o "$tmp/perf.data" -F 999 --call-graph dwarf,16384 -- "$R" run "$1" -o "$tmp/p.h5" -q --force -t 1 >/dev/null 2>&1
  perf report -i "$tmp/perf.data" --children --sort sym --stdio -g none 2>/dev/null > "$tmp/rep"
  awk '/%/ && $0 ~ /\] (rs_h5_write_run|rs_h5_commit|rs_h5_create|rs_h5_resume|rs_h5_close|rs_results_finish)( |$)/ {gsub("%","",$1); s+=$1} END {printf "%.1f", s}' "$tmp/rep"
}
if perf stat -e task-clock true >/dev/null 2>&1; then
  with_reps "$N" $(( cores * 8 )) "$tmp/p_d.json" default
  with_reps "$N" $(( cores * 8 )) "$tmp/p_b.json"
  echo "4. HDF5 output (netherlands, $(( cores * 8 )) runs, 1 thread; perf samples with the writer, the commits, file creation or /summary on the stack)"
  printf "   %-34s %s %%\n" "default outputs" "$(out_share "$tmp/p_d.json")"
  printf "   %-34s %s %%\n" "as bundled (+municipality series)" "$(out_share "$tmp/p_b.json")"
else
  echo "4. perf is not available here: HDF5 write share not measured"
fi
echo
fi

if on 5; then
# 5. per run against the Python reference implementation of the model: the
#    same scenario, first variant, 1 thread, the 36 run series only on both
#    sides. regsim per run: the whole command over N runs (loading, network,
#    file creation and /summary included) and the marginal cost of a run,
#    (t(N) - t(1)) / (N - 1). Then the simulation alone on both sides, no
#    output: the reference's own time per run (world reset, every month,
#    the series kept in lists; not loading, not its JSON dump) and
#    build/bench_simonly (rs_runner_run into memory; median of 5 passes over
#    1,000 Drechtsteden or 4 netherlands runs), timed right after the
#    reference. Times are medians of REPS; each ratio is the median of the
#    ratios of the REPS repetitions (Python and regsim timed in turn). The Python
#    reference runs PYREF_RUNS netherlands runs (50x that for Drechtsteden)
#    a repetition.
pyruns=${PYREF_RUNS:-1}
if [ "$pyruns" -gt 0 ]; then
  echo "5. per run, 1 thread, run series only, against bench/python_ref (pure Python, same model)"
  printf "   %-14s %-12s %-16s %-16s %-24s %-12s %-12s %s\n" scenario python_s regsim_s_whole regsim_s_marg \
    "ratio (whole, marginal)" python_sim_s regsim_sim_s "ratio (simulation only)"
  for sc in drechtsteden netherlands; do
    pr=$([ $sc = drechtsteden ] && echo $((pyruns * 50)) || echo "$pyruns")
    cr=$([ $sc = drechtsteden ] && echo 1000 || echo 20)
    with_reps "scenarios/$sc.json" "$pr" "$tmp/py_$sc.json" series,first
    with_reps "scenarios/$sc.json" "$cr" "$tmp/cN_$sc.json" series,first
    with_reps "scenarios/$sc.json" 1 "$tmp/c1_$sc.json" series,first
    # Python and regsim alternate within each repetition, so that a change
    # in the load of a shared machine hits both sides alike
    sr=$([ $sc = drechtsteden ] && echo 1000 || echo 4)
    : > "$tmp/pys"; : > "$tmp/cN"; : > "$tmp/c1"; : > "$tmp/pysim"; : > "$tmp/csim"
    for i in $(seq "$reps"); do
      /usr/bin/time -f "%e" -o "$tmp/pyt" $PY bench/python_ref/regsim_ref.py "$tmp/py_$sc.json" --runs "$pr" -q -o "$tmp/py_$sc.out" >/dev/null
      cat "$tmp/pyt" >> "$tmp/pys"
      $PY -c "import json, sys; print(json.load(open(sys.argv[1]))['seconds_per_run'])" "$tmp/py_$sc.out" >> "$tmp/pysim"
      build/bench_simonly "$tmp/cN_$sc.json" "$sr" | cut -d' ' -f2 >> "$tmp/csim"
      time_run "$tmp/cN_$sc.json" -o "$tmp/c.h5" -t 1 | cut -d' ' -f1 >> "$tmp/cN"
      time_run "$tmp/c1_$sc.json" -o "$tmp/c.h5" -t 1 | cut -d' ' -f1 >> "$tmp/c1"
    done
    # the ratios of each repetition (its sides timed one after the other),
    # then their medians: the load of a shared machine moves less between
    # neighbouring timings than across the whole section
    paste "$tmp/pys" "$tmp/cN" "$tmp/c1" "$tmp/pysim" "$tmp/csim" > "$tmp/pairs"
    wr=$(awk -v pr="$pr" -v cr="$cr" '{printf "%.1f\n", ($1 / pr) / ($2 / cr)}' "$tmp/pairs" | median)
    mr=$(awk -v pr="$pr" -v cr="$cr" '{printf "%.1f\n", ($1 / pr) / (($2 - $3) / (cr - 1))}' "$tmp/pairs" | median)
    simr=$(awk '{printf "%.1f\n", $4 / $5}' "$tmp/pairs" | median)
    ps=$(echo "scale=5; $(median < "$tmp/pys") / $pr" | bc)
    wN=$(median < "$tmp/cN"); w1=$(median < "$tmp/c1")
    cw=$(echo "scale=6; $wN / $cr" | bc); cm=$(echo "scale=6; ($wN - $w1) / ($cr - 1)" | bc)
    psim=$(printf "%.5f" "$(median < "$tmp/pysim")"); csim=$(printf "%.6f" "$(median < "$tmp/csim")")
    printf "   %-14s %-12s %-16s %-16s %-24s %-12s %-12s %s\n" "$sc" "$ps" "$cw" "$cm" \
      "$(printf "%.0f, %.0f" "$wr" "$mr")" "$psim" "$csim" "$(printf "%.0f" "$simr")"
  done
fi
fi
