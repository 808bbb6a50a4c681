"""Shared set-up of the analysis tests: find regsim, make a real results file.

Each test takes optional arguments [REGSIM_BIN] [RESULTS.h5]: the regsim
program (else $REGSIM_BIN, else build/regsim) and an extra results file to
check as well (for example one of the bundled scenario).  The tests always
run a small scenario of their own into a temporary directory.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOLS = os.path.join(ROOT, "tools")
sys.path.insert(0, TOOLS)

# Awkward names on purpose: commas and quotes must survive CSV and decoding.
SCENARIO = {
    "name": "analysis-test",
    "description": "Three made-up municipalities for the analysis toolkit tests.",
    "region": {
        "municipalities": [
            {"name": "Aa, \"Noord\"", "population": 12385},
            {"name": "Bee", "population": 48100, "budget_per_capita": 3700},
            {"name": "Cee-Zuid", "population": 23850},
        ],
        "neighbours": [["Aa, \"Noord\"", "Bee"], ["Bee", "Cee-Zuid"]],
    },
    "partnerships": [
        {"name": "ICT, shared", "domain": "ict", "members": "all"},
        {"name": "Waste", "domain": "waste", "members": ["Aa, \"Noord\"", "Cee-Zuid"], "start_month": 7},
    ],
    "horizon_months": 24,
    "replications": 5,
    "seed": 7,
    "variants": [
        {"name": "base"},
        {"name": "fast, \"trust\"", "parameters": {"trust": {"learning_rate": 0.2}}},
        {"name": "heavy", "parameters": {"production": {"tc_rate": 0.02385}}},
    ],
    "outputs": {"municipality_series": True, "events": True},
}


def parse_args(argv=None):
    """(regsim binary, [extra results files])"""
    argv = sys.argv[1:] if argv is None else argv
    regsim, extra = None, []
    for a in argv:
        if a.endswith(".h5"):
            extra.append(a)
        else:
            regsim = a
    regsim = regsim or os.environ.get("REGSIM_BIN") or os.path.join(ROOT, "build", "regsim")
    if not os.access(regsim, os.X_OK):
        sys.exit(f"regsim program not found at {regsim}: pass it as an argument or set REGSIM_BIN")
    return os.path.abspath(regsim), [os.path.abspath(x) for x in extra]


def make_results(regsim, tmp, scenario=None, name="small"):
    """Run a scenario into tmp/NAME.h5 and return the path."""
    sc = os.path.join(tmp, f"{name}.json")
    with open(sc, "w") as f:
        json.dump(scenario or SCENARIO, f, indent=1)
    out = os.path.join(tmp, f"{name}.h5")
    r = subprocess.run([regsim, "run", sc, "-o", out, "--force", "-q", "-t", "2"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"regsim run failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return out


def make_incomplete(path, tmp, keep):
    """A copy of path that claims only `keep` runs are completed (as an
    interrupted run leaves it)."""
    import h5py
    out = os.path.join(tmp, "incomplete.h5")
    shutil.copyfile(path, out)
    with h5py.File(out, "r+") as f:
        f.attrs["runs_completed"] = keep
        f.attrs["complete"] = 0
    return out


def tempdir():
    return tempfile.mkdtemp(prefix="regsim-analysis-")
