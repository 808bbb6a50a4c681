#!/usr/bin/env python3
"""check.py - is bench/python_ref/regsim_ref.py the same model as the C program?

usage: /usr/bin/python3 bench/python_ref/check.py BUILD/regsim
           [--reps-c N] [--reps-py N] [--months M] [--jobs J] [--netherlands]

1. Parameters: every default of the Python reference equals `regsim describe`.
2. Generator: the network the Python reference generates for
   scenarios/netherlands.json equals the one the C program generated (read
   back from the resolved scenario the C program stores in its results file).
3. Distribution: runs scenarios/drechtsteden.json (first variant) with the C
   program (`regsim run ... -q --force`) and with the Python reference, and
   compares, for run series of every mechanism at months 12, 60 and 120 (and
   run totals of the monthly flows), the means over replications:
       |mean_py - mean_c| <= 4 * sqrt(se_c^2 + se_py^2) + 1e-9 * max(1, |mean_c|)
   (se = standard deviation / sqrt(replications)). The two programs draw
   different random numbers, so only the distributions can agree.
4. (--netherlands, informational only) one Python run of the national
   scenario against the mean of 10 C runs: end values side by side.

Prints one line per comparison and "N passed, N failed"; exits 1 on any failure.
Uses numpy and h5py (the reference itself uses neither).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REF = os.path.join(HERE, "regsim_ref.py")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import regsim_ref as ref  # noqa: E402

PY = sys.executable or "/usr/bin/python3"

# Series compared at given months (stocks and means), one or more per mechanism.
STOCK_SERIES = [
    "net_value",                 # headline: production, fairness, kpi together
    "gross_savings",             # production (scale, performance)
    "transaction_costs",         # production (links, formality)
    "kpi_overhead",              # kpi
    "kpi_mean",                  # kpi (reviews, joint evaluation)
    "mean_trust",                # trust
    "relational_capital_mean",   # keypeople
    "formality_mean",            # attention
    "attention_mean",            # attention
    "satisfaction_mean",         # fairness
    "satisfaction_small",        # fairness (say, dominance)
    "gini_net_benefit",          # fairness / observation
    "members",                   # membership (proposals, exits)
    "active_partnerships",       # pooledfund + membership life cycle
    "dissolved_partnerships",    # membership, pooledfund failures
    "vacancies",                 # keypeople
    "savings_rate",              # observation
]
# Monthly flows compared as run totals.
FLOW_SERIES = ["formed_partnerships", "projects_funded", "projects_failed", "exits",
               "keyperson_departures"]
MONTHS = [12, 60, 120]


def temp_scenario(src, dst, replications, months, variant=None):
    """Copy of scenario src: one variant only (the first, or the one named),
    given replications and horizon, absolute data paths, no municipality
    series or events."""
    with open(src) as f:
        js = json.load(f)
    d = os.path.dirname(os.path.abspath(src))
    reg = js["region"]
    for key in ("csv", "neighbours_csv"):
        if key in reg and not os.path.isabs(reg[key]):
            reg[key] = os.path.join(d, reg[key])
    js["replications"] = replications
    js["horizon_months"] = months
    if js.get("variants"):
        if variant is None:
            js["variants"] = js["variants"][:1]
        else:
            js["variants"] = [v for v in js["variants"] if v["name"] == variant]
            if not js["variants"]:
                raise SystemExit("%s has no variant %r" % (src, variant))
    js["outputs"] = {"municipality_series": False, "events": False}
    with open(dst, "w") as f:
        json.dump(js, f, indent=1)


def run_c(regsim, scenario, out, threads=None):
    cmd = [regsim, "run", scenario, "-o", out, "-q", "--force"]
    if threads:
        cmd += ["-t", str(threads)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t


def run_py(scenario, reps, months, jobs, tmp):
    """Run the Python reference in `jobs` processes; returns {series: array (reps, months)}."""
    chunks, start = [], 0
    for k in range(jobs):
        size = reps // jobs + (1 if k < reps % jobs else 0)
        if size:
            chunks.append((start, size))
        start += size
    procs = []
    t = time.perf_counter()
    for k, (first, size) in enumerate(chunks):
        out = os.path.join(tmp, "py%d.json" % k)
        cmd = [PY, REF, scenario, "--runs", str(size), "--first-replicate", str(first),
               "--months", str(months), "-o", out, "-q"]
        procs.append((subprocess.Popen(cmd, stdout=subprocess.DEVNULL), out))
    series = {name: [] for name in ref.SERIES}
    per_run = []
    for proc, out in procs:
        if proc.wait() != 0:
            raise SystemExit("python reference failed (%s)" % out)
        with open(out) as f:
            js = json.load(f)
        per_run += js["run_seconds"]
        for name in ref.SERIES:
            series[name] += js["series"][name]
    wall = time.perf_counter() - t
    return {k: np.array(v) for k, v in series.items()}, wall, sum(per_run) / len(per_run)


class Tally:
    def __init__(self):
        self.passed = self.failed = 0

    def line(self, ok, text):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print("%s  %s" % ("PASS" if ok else "FAIL", text))
        sys.stdout.flush()


def check_defaults(regsim, tally):
    out = subprocess.run([regsim, "describe"], check=True, capture_output=True, text=True).stdout
    cdef = {}
    for line in out.splitlines():
        tok = line.split()
        if len(tok) >= 2 and "." in tok[0] and tok[0].split(".")[0] in ref.MECHANISMS:
            cdef[tok[0]] = tok[1]
    bad = []
    for name, kind, default, _ in ref.PARAMETERS:
        c = cdef.pop(name, None)
        if c is None:
            bad.append("%s missing in C" % name)
            continue
        if kind == "bool":
            ok = c == ("true" if default else "false")
        elif kind == "muni":
            ok = c == "null" and default is None
        elif kind == "enum":
            ok = c == default
        else:
            ok = math.isclose(float(c), float(default), rel_tol=1e-12, abs_tol=0)
        if not ok:
            bad.append("%s: C %s, Python %r" % (name, c, default))
    bad += ["%s missing in Python" % k for k in cdef]
    tally.line(not bad, "parameters: %d defaults of regsim_ref.PARAMETERS equal `regsim describe`%s"
               % (len(ref.PARAMETERS), ("; " + "; ".join(bad[:5])) if bad else ""))


def check_generator(regsim, tmp, tally):
    scen = os.path.join(tmp, "nl_gen.json")
    temp_scenario(os.path.join(ROOT, "scenarios", "netherlands.json"), scen, 1, 1)
    h5 = os.path.join(tmp, "nl_gen.h5")
    run_c(regsim, scen, h5)
    with h5py.File(h5, "r") as f:
        resolved = json.loads(f["provenance/scenario"][()])
    c_names = [m["name"] for m in resolved["region"]["municipalities"]]
    cps = [(p["name"], p["domain"], [c_names.index(x) for x in p["members"]])
           for p in resolved["partnerships"]]
    sc = ref.load_scenario(scen)
    pps = [(p["name"], ref.DOMAIN_NAMES[p["domain"]], p["members"]) for p in sc.partnerships]
    same_region = c_names == sc.names
    nmem = sum(len(p[2]) for p in pps)
    tally.line(same_region and cps == pps,
               "generator: netherlands network identical to the C program's (%d municipalities, "
               "%d partnerships, %d memberships; C %d partnerships)"
               % (sc.n, len(pps), nmem, len(cps)))


def compare(name, c, p, tally, rows):
    mc, mp = float(np.mean(c)), float(np.mean(p))
    sc = float(np.std(c, ddof=1) / math.sqrt(len(c))) if len(c) > 1 else 0.0
    sp = float(np.std(p, ddof=1) / math.sqrt(len(p))) if len(p) > 1 else 0.0
    se = math.sqrt(sc * sc + sp * sp)
    tol = 4 * se + 1e-9 * max(1.0, abs(mc))
    diff = mp - mc
    ok = abs(diff) <= tol
    z = diff / se if se > 0 else 0.0
    rows.append((name, mc, sc, mp, sp, z, ok))
    tally.line(ok, "%-36s C %12.6g (se %9.3g)  Py %12.6g (se %9.3g)  diff %+10.3g = %+5.2f se"
               % (name, mc, sc, mp, sp, diff, z))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regsim", help="path of the regsim program (BUILD/regsim)")
    ap.add_argument("--scenario", default=os.path.join(ROOT, "scenarios", "drechtsteden.json"))
    ap.add_argument("--variant", default=None, help="variant of the scenario to compare (default: the first)")
    ap.add_argument("--reps-c", type=int, default=4000, help="C replications (default 4000)")
    ap.add_argument("--reps-py", type=int, default=2000, help="Python replications (default 2000)")
    ap.add_argument("--months", type=int, default=120, help="horizon (default 120)")
    ap.add_argument("--jobs", type=int, default=max(1, min(os.cpu_count() or 2, 8)),
                    help="Python processes (default: cores, at most 8)")
    ap.add_argument("--netherlands", action="store_true",
                    help="also compare one Python run of netherlands.json with 10 C runs (informational)")
    ap.add_argument("--markdown", default=None, help="also write the comparison table as markdown here")
    args = ap.parse_args()
    regsim = os.path.abspath(args.regsim)
    t_all = time.perf_counter()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="regsim_pyref_") as tmp:
        check_defaults(regsim, tally)
        check_generator(regsim, tmp, tally)

        months = [m for m in MONTHS if m <= args.months] or [args.months]
        scen_c = os.path.join(tmp, "scen_c.json")
        temp_scenario(args.scenario, scen_c, args.reps_c, args.months, args.variant)
        h5 = os.path.join(tmp, "c.h5")
        t_c = run_c(regsim, scen_c, h5)
        with h5py.File(h5, "r") as f:
            cser = {name: f[name][:] for name in ref.SERIES}
        py, t_py, py_per_run = run_py(scen_c, args.reps_py, args.months, args.jobs, tmp)
        print("# %s, variant %s, %d months: C %d runs in %.1f s (wall, all cores), "
              "Python %d runs in %.1f s (wall, %d processes; %.4f s per run)"
              % (os.path.basename(args.scenario), args.variant or "(first)", args.months, args.reps_c, t_c, args.reps_py,
                 t_py, args.jobs, py_per_run))
        print("# pass: |mean_py - mean_c| <= 4 * sqrt(se_c^2 + se_py^2) + 1e-9 * max(1, |mean_c|)")
        rows = []
        for name in STOCK_SERIES:
            for m in months:
                compare("%s @%d" % (name, m), cser[name][:, m - 1], py[name][:, m - 1], tally, rows)
        for name in FLOW_SERIES:
            compare("%s total" % name, cser[name].sum(axis=1), py[name].sum(axis=1), tally, rows)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write("| comparison | C mean | C se | Python mean | Python se | diff / se | pass |\n")
                f.write("|---|---:|---:|---:|---:|---:|---|\n")
                for name, mc, sc, mp, sp, z, ok in rows:
                    f.write("| %s | %.6g | %.3g | %.6g | %.3g | %+.2f | %s |\n"
                            % (name, mc, sc, mp, sp, z, "yes" if ok else "NO"))

        if args.netherlands:
            netherlands(regsim, tmp)
    print("%d passed, %d failed (%.1f s)" % (tally.passed, tally.failed, time.perf_counter() - t_all))
    return 1 if tally.failed else 0


def netherlands(regsim, tmp):
    """Informational: one Python run vs the mean of 10 C runs (not a test)."""
    scen = os.path.join(tmp, "nl.json")
    temp_scenario(os.path.join(ROOT, "scenarios", "netherlands.json"), scen, 10, 120)
    h5 = os.path.join(tmp, "nl.h5")
    run_c(regsim, scen, h5)
    out = os.path.join(tmp, "nl_py.json")
    subprocess.run([PY, REF, scen, "--runs", "1", "-o", out, "-q"], check=True)
    with open(out) as f:
        py = json.load(f)["series"]
    with h5py.File(h5, "r") as f:
        print("# netherlands (informational): one Python run vs 10 C runs, month 1 and 120")
        for name in ["net_value", "gross_savings", "transaction_costs", "kpi_overhead", "members",
                     "mean_memberships", "active_partnerships", "dissolved_partnerships", "mean_trust",
                     "satisfaction_mean", "savings_rate", "savings_rate_tax", "success_few",
                     "success_many"]:
            c = f[name][:]
            print("info  %-24s C %12.5g %12.5g (sd %9.3g)   Py %12.5g %12.5g"
                  % (name, c[:, 0].mean(), c[:, -1].mean(), c[:, -1].std(ddof=1), py[name][0][0],
                     py[name][0][-1]))


if __name__ == "__main__":
    sys.exit(main())
