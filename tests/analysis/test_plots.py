#!/usr/bin/python3
"""tools/plot.py on real results files.

usage: /usr/bin/python3 tests/analysis/test_plots.py [REGSIM_BIN] [EXTRA.h5 ...]
Runs a small scenario itself and checks that plot.py writes the expected
PNG and SVG files, non-empty, the PNGs valid images.  A copy of the file
with a waiting-time series and a /sensitivity group added (the layout
other parts of regsim may write) must also give the waiting-time and
tornado figures; the plain file must skip them with a note.
"""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import h5py  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402

import regsim_read as rr  # noqa: E402
from plot import KEY_SERIES  # noqa: E402

REGSIM, EXTRA, TMP, SMALL = None, [], None, None
PLOT = os.path.join(common.TOOLS, "plot.py")
BASE = ["fan_net_value", "fan_mean_trust", "fan_active_partnerships", "survival", "variant_differences"]


def plot(path, out, *extra):
    return subprocess.run([sys.executable, PLOT, path, "--out", out, *extra], capture_output=True, text=True)


def augmented(src):
    """src plus a funds_waiting series and a /sensitivity group."""
    p = os.path.join(TMP, "augmented.h5")
    shutil.copyfile(src, p)
    with h5py.File(p, "r+") as f:
        n, H = f["net_value"].shape
        rng = np.random.default_rng(1)
        if "funds_waiting" not in f:  # the model may already write it
            d = f.create_dataset("funds_waiting", data=rng.gamma(2.0, 3.0, size=(n, H)))
            d.attrs["units"] = "month"
            d.attrs["long_name"] = "mean waiting time of requests to the pooled fund"
            d.dims[0].attach_scale(f["run"])
            d.dims[1].attach_scale(f["month"])
        # event log with the model's life-cycle and fund kinds: every run's
        # partnership 0 dissolves in a month that depends on the run, and
        # funds are paid after a wait (amount = months)
        ev = f["events"]
        kind = ev["kind"]
        kind.attrs["flag_meanings"] = "partnership_started partnership_dissolved fund_paid"
        kind.attrs["flag_values"] = np.array([0, 1, 2], dtype=np.int32)
        k0 = ev["run"].shape[0]
        new = [(r, 3 + r % H, 1, 0, -1, float(3 + r % H)) for r in range(0, n, 2)]
        new += [(r, 2, 2, 1, -1, float(1 + r % 5)) for r in range(n)]
        k = k0 + len(new)
        for name in ("event", "run", "month", "kind", "partnership", "municipality", "amount"):
            ev[name].resize((k,))
        ev["event"][k0:] = np.arange(k0, k)
        for c, name in enumerate(("run", "month", "kind", "partnership", "municipality", "amount")):
            ev[name][k0:] = np.array([row[c] for row in new])
        ev.attrs["events_committed"] = k
        g = f.create_group("sensitivity")
        names = ["trust.learning_rate", "production.tc_rate", "trust.initial"]
        g.create_dataset("parameter", data=np.array(names, dtype=h5py.string_dtype()))
        g.create_dataset("output", data=np.array(["net_value", "mean_trust"], dtype=h5py.string_dtype()))
        g.create_dataset("ST", data=np.array([[0.6, 0.3, 0.05], [0.8, 0.01, 0.1]]))
        g.create_dataset("S1", data=np.array([[0.5, 0.25, 0.02], [0.7, 0.0, 0.08]]))
    return p


class Plots(unittest.TestCase):
    def check(self, out, names):
        for name in names:
            for ext in ("png", "svg"):
                p = os.path.join(out, f"{name}.{ext}")
                self.assertTrue(os.path.isfile(p), p)
                self.assertGreater(os.path.getsize(p), 1000, p)
            img = mpimg.imread(os.path.join(out, f"{name}.png"))
            self.assertGreater(img.shape[0], 50)
            self.assertGreater(img.shape[1], 50)
            self.assertGreater(float(np.ptp(img)), 0, f"{name}.png is blank")
            with open(os.path.join(out, f"{name}.svg"), encoding="utf-8") as f:
                self.assertIn("<svg", f.read(2000))

    def test_standard_figures(self):
        for p in [SMALL] + EXTRA:
            with self.subTest(file=os.path.basename(p)):
                out = os.path.join(TMP, "plots-" + os.path.basename(p))
                run_s, _ = rr.series_names(p)
                keys = [k for k in KEY_SERIES if k in run_s] or run_s[:4]
                nv = len(set(rr.design(p)["variant"]))
                names = ["fan_" + k for k in keys] + ["survival"] + (["variant_differences"] if nv > 1 else [])
                r = plot(p, out)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.check(out, names)
                # the waiting-time figure exists exactly when the file has paid funds
                with h5py.File(p, "r") as f:
                    kinds = f["events/kind"].attrs["flag_meanings"]
                    kinds = (kinds.decode() if isinstance(kinds, bytes) else str(kinds)).split()
                    paid = "fund_paid" in kinds and bool(np.any(f["events/kind"][:] == kinds.index("fund_paid")))
                if paid:
                    self.check(out, ["waiting_times"])
                    names.append("waiting_times")
                else:
                    self.assertIn("no waiting-time figure", r.stdout)
                self.assertIn("no tornado chart", r.stdout)
                self.assertFalse(os.path.exists(os.path.join(out, "tornado.png")))
                # every file listed exists
                listed = [x.strip() for x in r.stdout.split("files written:")[1].splitlines() if x.strip()]
                self.assertEqual(len(listed), 2 * len(names) + (nv > 1))
                for x in listed:
                    self.assertTrue(os.path.isfile(x), x)
                if nv == 1:
                    continue
                with open(os.path.join(out, "variant_differences.csv"), encoding="utf-8") as f:
                    head = f.readline().strip().split(",")
                    rows = f.readlines()
                self.assertIn("ci95_low", head)
                self.assertEqual(len(rows), len(keys) * (nv - 1))  # each key series x each other variant

    def test_optional_figures(self):
        out = os.path.join(TMP, "plots-augmented")
        r = plot(augmented(SMALL), out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.check(out, BASE + ["fan_funds_waiting", "waiting_times", "tornado"])
        self.assertIn("survival: Kaplan-Meier", r.stdout)
        self.assertIn("waiting times: events fund_paid", r.stdout)

    def test_series_option(self):
        out = os.path.join(TMP, "plots-series")
        r = plot(SMALL, out, "--series", "gross_savings")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.check(out, ["fan_gross_savings", "variant_differences"])
        self.assertFalse(os.path.exists(os.path.join(out, "fan_net_value.png")))
        r = plot(SMALL, out, "--series", "no_such_series")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no run series no_such_series", r.stderr)

    def test_incomplete(self):
        out = os.path.join(TMP, "plots-incomplete")
        r = plot(common.make_incomplete(SMALL, TMP, 8), out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("incomplete", r.stderr)
        self.check(out, BASE)


def main():
    global REGSIM, EXTRA, TMP, SMALL
    REGSIM, EXTRA = common.parse_args()
    TMP = common.tempdir()
    try:
        SMALL = common.make_results(REGSIM, TMP)
        prog = unittest.main(argv=[sys.argv[0], "-v"], exit=False)
        ok = prog.result.wasSuccessful()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
