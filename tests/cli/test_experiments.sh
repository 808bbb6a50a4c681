#!/usr/bin/env bash
# Batch experiments: a saltelli and a morris design run end to end; the
# file holds /experiment and /summary (checked against numpy from the
# series themselves, identical for any thread count and memory budget);
# common random numbers across points; `regsim compare` and
# `regsim sensitivity` (tables, --json, errors, /sensitivity readable by
# tools/plot.py); `regsim run --dry-run` writes nothing.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

REGION='"region": {"municipalities": [{"name": "Aa", "population": 30000}, {"name": "Bee", "population": 55000},
  {"name": "Cee", "population": 12000}, {"name": "Dee", "population": 80000}]},
 "partnerships": [{"name": "ICT", "domain": "ict", "members": "all"}, {"name": "Tax", "domain": "tax", "members": ["Aa", "Bee", "Dee"]}]'
cat >"$TMP/salt.json" <<EOF
{"name": "salt", $REGION, "horizon_months": 24, "replications": 3, "seed": 11,
 "variants": [{"name": "base"}, {"name": "drifty", "parameters": {"trust": {"drift": 0.05}}}],
 "experiment": {"design": "saltelli", "points": 16, "factors": {
   "trust.learning_rate": {"range": [0.005, 0.2], "distribution": "loguniform"},
   "trust.initial": {"range": [0.1, 0.9]},
   "trust.base": {"range": [0.1, 0.9]}}},
 "outputs": {"events": false}}
EOF
cat >"$TMP/morris.json" <<EOF
{"name": "morris", $REGION, "horizon_months": 24, "replications": 2, "seed": 11,
 "experiment": {"design": "morris", "trajectories": 6, "grid_levels": 4, "seed": 5, "factors": {
   "trust.learning_rate": {"range": [0.005, 0.2]}, "trust.initial": {"range": [0.1, 0.9]}}},
 "outputs": {"events": false}}
EOF

# dry run: numbers, nothing written
expect_exit 0 "dry run" "$REGSIM" run "$TMP/salt.json" -o "$TMP/dry.h5" --dry-run
check "dry run counts runs (2 x 80 points x 3 = 480)" grep -q "runs: *480 " "$TMP/out"
check "dry run estimates size and time" grep -q "MB" "$TMP/out"
check "dry run estimates time" grep -q "s with" "$TMP/out"
check "dry run writes nothing" test ! -e "$TMP/dry.h5"

expect_exit 0 "saltelli run" "$REGSIM" run "$TMP/salt.json" -o "$TMP/salt.h5" -q -t 2
expect_exit 0 "saltelli run, 1 thread" "$REGSIM" run "$TMP/salt.json" -o "$TMP/salt1.h5" -q -t 1
check "data and summaries identical for 1 and 2 threads" same_data "$TMP/salt.h5" "$TMP/salt1.h5"
# the summaries come from the run series kept in memory (summary.h) unless
# RS_SUMMARY_CACHE_BYTES=0 makes them read the series back from the file
RS_SUMMARY_CACHE_BYTES=0 "$REGSIM" run "$TMP/salt.json" -o "$TMP/salta.h5" -q -t 2
check "summaries identical when read back from the file" same_data "$TMP/salt.h5" "$TMP/salta.h5"
RS_SUMMARY_CACHE_BYTES=0 RS_SUMMARY_BLOCK_DOUBLES=20 "$REGSIM" run "$TMP/salt.json" -o "$TMP/saltb.h5" -q -t 2
check "summaries identical with a tiny memory budget (month strips, read back)" same_data "$TMP/salt.h5" "$TMP/saltb.h5"
RS_SUMMARY_BLOCK_DOUBLES=100 "$REGSIM" run "$TMP/salt.json" -o "$TMP/saltc.h5" -q -t 2
check "summaries identical with a small memory budget (blocks of sets, kept)" same_data "$TMP/salt.h5" "$TMP/saltc.h5"

check "file layout: /experiment, /summary against numpy, common random numbers" $PY - "$TMP/salt.h5" <<'PY'
import sys, h5py, numpy as np
from scipy import stats
f = h5py.File(sys.argv[1], "r")
e, s, d = f["experiment"], f["summary"], f["design"]
assert e.attrs["design"].decode() if isinstance(e.attrs["design"], bytes) else e.attrs["design"] == "saltelli"
assert e.attrs["points"] == 16 and e.attrs["design_points"] == 80 and e.attrs["factors"] == 3
assert [x.decode() if isinstance(x, bytes) else x for x in e["factor_name"][()]] == \
    ["trust.learning_rate", "trust.initial", "trust.base"]
U, V = e["unit"][()], e["value"][()]
assert U.shape == (80, 3) and ((U >= 0) & (U < 1)).all()
assert np.allclose(V[:, 1], 0.1 + 0.8 * U[:, 1])
assert np.allclose(V[:, 0], np.exp(np.log(0.005) + U[:, 0] * (np.log(0.2) - np.log(0.005))))
assert [dim.label for dim in e["unit"].dims] == ["point", "factor"]
# runs: set = variant * 80 + point; replicate innermost
var, pt, rep, seed = d["variant"][()], d["point"][()], d["replicate"][()], d["seed"][()]
assert len(var) == 480 and (np.arange(480) // 3 == var * 80 + pt).all()
for r in range(3):
    assert len(set(seed[rep == r])) == 1, "common random numbers: one seed per replicate"
assert len(set(seed)) == 3
# the design's parameter values are what the runs used
lr = d["trust.learning_rate"][()] if "trust.learning_rate" in d else None
if lr is not None:
    assert np.allclose(lr, V[pt, 0])
# summaries
assert [dim.label for dim in s["net_value_mean"].dims] == ["set", "month"]
assert s["net_value_mean"].attrs["units"] in (b"EUR/month", "EUR/month")
names = [k for k in f if isinstance(f[k], h5py.Dataset) and f[k].ndim == 2 and [x.label for x in f[k].dims] == ["run", "month"]]
assert len(names) >= 3
for n in names:
    x = f[n][()].reshape(160, 3, 24)
    m = x.mean(axis=1)
    sd = x.std(axis=1, ddof=1)
    t = stats.t.ppf(0.975, 2)
    assert np.allclose(s[n + "_mean"][()], m, rtol=1e-12, atol=1e-9), n
    assert np.allclose(s[n + "_sd"][()], sd, rtol=1e-9, atol=1e-9), n
    # half-widths, relative: GSL's t quantile agrees with scipy's to ~1e-9,
    # which is more than an absolute 1e-9 on a bound near zero
    h = t * sd / np.sqrt(3)
    assert np.allclose(s[n + "_ci_hi"][()] - s[n + "_mean"][()], h, rtol=1e-8, atol=1e-12), n
    assert np.allclose(s[n + "_mean"][()] - s[n + "_ci_lo"][()], h, rtol=1e-8, atol=1e-12), n
    for q, k in ((0.05, "q05"), (0.5, "q50"), (0.95, "q95")):
        assert np.allclose(s[n + "_" + k][()], np.quantile(x, q, axis=1), rtol=1e-12, atol=1e-9), (n, k)
    y = f[n][()]
    assert np.allclose(s[n + "_end"][()], y[:, -1]) and np.allclose(s[n + "_total"][()], y.sum(axis=1)), n
    assert [dim.label for dim in s[n + "_end"].dims] == ["run"]
lab = [x.decode() if isinstance(x, bytes) else x for x in s["set_label"][()]]
assert lab[81] == "drifty/point 1", lab[81]
# provenance has the experiment
import json
p = f["provenance"]
txt = [p.attrs[k] for k in p.attrs if "scenario" in k] + [p[k][()] for k in p if "scenario" in k]
txt = [t.decode() if isinstance(t, bytes) else str(t) for t in txt]
assert any('"experiment"' in t and "saltelli" in t for t in txt), "resolved scenario lacks the experiment"
PY

# xarray still opens the root, and the summary group
check "xarray opens /summary" $PY -c "
import sys, xarray as xr
ds = xr.open_dataset(sys.argv[1], group='summary', engine='h5netcdf')
assert ds['net_value_mean'].dims == ('set', 'month'), ds['net_value_mean'].dims
xr.open_dataset(sys.argv[1], engine='h5netcdf')
" "$TMP/salt.h5"

# compare
expect_exit 0 "compare" "$REGSIM" compare "$TMP/salt.h5"
check "compare names the variant and the baseline" grep -q "drifty" "$TMP/out"
check "compare pools over the points (n = 80 x 3)" grep -Eq "net_value:total +drifty +all +240 " "$TMP/out"
expect_exit 0 "compare --json --per-point" "$REGSIM" compare "$TMP/salt.h5" --json --per-point --metric mean_trust:mean --metric net_value:max
check "compare --json: one row per point and metric, paired means" $PY - "$TMP/out" "$TMP/salt.h5" <<'PY'
import json, sys, h5py, numpy as np
j = json.load(open(sys.argv[1]))
c = j["comparisons"]
assert j["baseline"] == "base" and len(c) == 160 and all(x["n"] == 3 for x in c)
f = h5py.File(sys.argv[2], "r")
y = f["mean_trust"][()].mean(axis=1).reshape(2, 80, 3)
d = y[1] - y[0]
row = [x for x in c if x["metric"] == "mean_trust:mean" and x["point"] == 7][0]
assert abs(row["mean_difference"] - d[7].mean()) < 1e-9 * max(1, abs(d[7].mean()))
assert abs(row["baseline_mean"] - y[0, 7].mean()) < 1e-9
PY
expect_exit 0 "compare --baseline drifty" "$REGSIM" compare "$TMP/salt.h5" --baseline drifty --metric net_value
check "compare --baseline: base is the variant now" grep -Eq "net_value:end +base " "$TMP/out"
expect_exit 2 "compare: unknown baseline" "$REGSIM" compare "$TMP/salt.h5" --baseline drifti
check "compare: unknown baseline suggests" grep -q "did you mean 'drifty'" "$TMP/err"
expect_exit 2 "compare: unknown metric" "$REGSIM" compare "$TMP/salt.h5" --metric net_valu:total
check "compare: unknown metric suggests" grep -q "did you mean 'net_value'" "$TMP/err"
expect_exit 2 "compare: unknown statistic" "$REGSIM" compare "$TMP/salt.h5" --metric net_value:totl
check "compare: unknown statistic suggests" grep -q "did you mean 'total'" "$TMP/err"
expect_exit 2 "compare: not a results file" "$REGSIM" compare "$TMP/salt.json"

# sensitivity (saltelli)
expect_exit 0 "sensitivity" "$REGSIM" sensitivity "$TMP/salt.h5" --metric mean_trust:end --bootstrap 200
cp "$TMP/out" "$TMP/sens1"
check "sensitivity table" grep -q "trust.learning_rate" "$TMP/sens1"
expect_exit 0 "sensitivity again" "$REGSIM" sensitivity "$TMP/salt.h5" --metric mean_trust:end --bootstrap 200
check "sensitivity is deterministic" cmp -s "$TMP/sens1" "$TMP/out"
expect_exit 0 "sensitivity --json" "$REGSIM" sensitivity "$TMP/salt.h5" --metric mean_trust:end --bootstrap 200 --json
check "sensitivity --json and /sensitivity agree" $PY - "$TMP/out" "$TMP/salt.h5" <<'PY'
import json, sys, h5py, numpy as np
j = json.load(open(sys.argv[1]))
g = h5py.File(sys.argv[2], "r")["sensitivity"]
names = [x.decode() if isinstance(x, bytes) else x for x in g["parameter"][()]]
assert names == [x["parameter"] for x in j["factors"]] == ["trust.learning_rate", "trust.initial", "trust.base"]
for k in ("S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"):
    assert np.allclose(g[k][()], [x[k] for x in j["factors"]]), k
assert (g["S1_lo"][()] <= g["S1"][()] + 1e-12).all() and (g["ST"][()] <= g["ST_hi"][()] + 1e-12).all()
# recompute S1 and ST from the file alone
f = g.file
N, k = 16, 3
y = f["summary/mean_trust_end"][()].reshape(2, 80, 3)[0].mean(axis=1)
A, B = y[:N], y[N:2 * N]
V = np.var(np.concatenate([A, B]))
for i in range(k):
    AB = y[(2 + i) * N:(3 + i) * N]
    m = np.concatenate([A, B]).mean()
    assert abs(np.mean((B - m) * (AB - A)) / V - g["S1"][i]) < 1e-9
    assert abs(0.5 * np.mean((A - AB) ** 2) / V - g["ST"][i]) < 1e-9
PY
check "tools/plot.py draws the tornado chart from /sensitivity" bash -c \
  "$PY '$ROOT/tools/plot.py' '$TMP/salt.h5' --out '$TMP/plots' >'$TMP/plot.out' 2>&1 && ls '$TMP/plots' | grep -q tornado"
expect_exit 2 "sensitivity: unknown variant" "$REGSIM" sensitivity "$TMP/salt.h5" --variant bsae
check "sensitivity: unknown variant suggests" grep -q "did you mean 'base'" "$TMP/err"
expect_exit 0 "sensitivity of the other variant" "$REGSIM" sensitivity "$TMP/salt.h5" --variant drifty --bootstrap 0

# morris
expect_exit 0 "morris run" "$REGSIM" run "$TMP/morris.json" -o "$TMP/morris.h5" -q
expect_exit 0 "morris sensitivity" "$REGSIM" sensitivity "$TMP/morris.h5" --metric mean_trust:end
check "morris table" grep -q "mu\*" "$TMP/out"
check "morris /sensitivity datasets" $PY -c "
import sys, h5py, numpy as np
g = h5py.File(sys.argv[1], 'r')['sensitivity']
assert {'parameter', 'mu_star', 'mu', 'sigma'} <= set(g)
assert (g['mu_star'][()] >= np.abs(g['mu'][()]) - 1e-12).all()
" "$TMP/morris.h5"

# no experiment: sensitivity refuses, compare works on variants
expect_exit 0 "plain run" "$REGSIM" run "$ROOT/tests/data/small.json" -o "$TMP/small.h5" -q
expect_exit 2 "sensitivity without a design" "$REGSIM" sensitivity "$TMP/small.h5"
check "sensitivity says what is needed" grep -q "saltelli" "$TMP/err"
check "plain file has /summary but no /experiment" $PY -c "
import sys, h5py
f = h5py.File(sys.argv[1], 'r')
assert 'summary' in f and 'experiment' not in f
" "$TMP/small.h5"

# MPI runs write the summaries too (when built with MPI)
# (not under the sanitizers: Open MPI's own allocations read as leaks there)
if command -v mpirun >/dev/null && ldd "$REGSIM" | grep -q libmpi && ! ldd "$REGSIM" | grep -q libasan; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
  expect_exit 0 "mpirun -n 2" mpirun --oversubscribe -n 2 "$REGSIM" run "$TMP/salt.json" -o "$TMP/saltmpi.h5" -q -t 1
  check "MPI file equals the serial one, summaries included" same_data "$TMP/salt1.h5" "$TMP/saltmpi.h5"
fi
finish
