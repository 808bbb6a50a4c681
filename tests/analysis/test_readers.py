#!/usr/bin/python3
"""tools/regsim_read.py against h5py on real results files.

usage: /usr/bin/python3 tests/analysis/test_readers.py [REGSIM_BIN] [EXTRA.h5 ...]
Runs a small scenario itself; checks that tidy() and open_results() give
exactly the values h5py reads, that the design join names the right variant
for every run (run = set * replications + replicate), that events are
decoded, and that an incomplete file gives only its completed runs and a
warning.
"""
import os
import shutil
import sys
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import regsim_read as rr  # noqa: E402

REGSIM, EXTRA = None, []
TMP = None
SMALL = None


def ordered(g):
    """(name, object) in creation order, as regsim wrote them."""
    names = []
    g.id.links.iterate(lambda n: names.append(n.decode()) and None, idx_type=h5py.h5.INDEX_CRT_ORDER)
    return [(n, g[n]) for n in names]


def s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def raw(path):
    """Everything straight from h5py, for comparison."""
    with h5py.File(path, "r") as f:
        n = int(f.attrs["runs_completed"])
        run_s = [k for k, v in ordered(f) if isinstance(v, h5py.Dataset) and v.ndim == 2
                 and [d[0].name for d in v.dims] == ["/run", "/month"]]
        muni_s = [k for k, v in ordered(f) if isinstance(v, h5py.Dataset) and v.ndim == 3
                  and [d[0].name for d in v.dims] == ["/run", "/month", "/municipality"]]
        return {
            "n": n, "total": int(f.attrs["runs_total"]), "R": int(f.attrs["replications"]),
            "run_series": run_s, "muni_series": muni_s,
            "data": {k: f[k][:n] for k in run_s + muni_s},
            "months": f["month"][()],
            "variant_name": [s(x) for x in f["variant_name"][()]],
            "muni_name": [s(x) for x in f["municipality_name"][()]],
            "part_name": [s(x) for x in f["partnership_name"][()]],
            "d_variant": f["design/variant"][:n], "d_point": f["design/point"][:n],
            "d_rep": f["design/replicate"][:n], "d_seed": f["design/seed"][:n],
            "params": [k for k, _ in ordered(f["design"]) if k not in rr.DESIGN_COLUMNS],
            # choices (enum parameters) read back by name, numbers as numbers
            "pvals": {k: (np.array([s(f["design"][k].attrs["flag_meanings"]).split()[int(v)]
                                    for v in f["design"][k][:n]], dtype=object)
                          if "flag_meanings" in f["design"][k].attrs else f["design"][k][:n])
                      for k in f["design"] if k not in rr.DESIGN_COLUMNS},
            "events": ({k: f["events"][k][:int(f["events"].attrs["events_committed"])]
                        for k in ("run", "month", "kind", "partnership", "municipality", "amount")}
                       if "events" in f else None),
            "flag_meanings": (s(f["events/kind"].attrs["flag_meanings"]).split() if "events" in f else []),
        }


class Readers(unittest.TestCase):
    files = []

    def each(self):
        for p in self.files:
            with self.subTest(file=os.path.basename(p)):
                yield p, raw(p)

    def test_series_discovered(self):
        for p, R in self.each():
            run_s, muni_s = rr.series_names(p)
            self.assertEqual(run_s, R["run_series"])
            self.assertEqual(muni_s, R["muni_series"])
            self.assertIn("net_value", run_s)

    def test_tidy_values_exact(self):
        for p, R in self.each():
            df = rr.tidy(p)
            n, H = R["n"], len(R["months"])
            self.assertEqual(len(df), n * H * len(R["run_series"]))
            self.assertEqual(list(df.columns[:8]),
                             ["run", "variant", "replicate", "point", "month", "series", "value",
                              R["params"][0]])
            for name in R["run_series"]:
                sub = df[df["series"] == name]
                vals = sub["value"].to_numpy().reshape(n, H)
                np.testing.assert_array_equal(vals, R["data"][name])  # exact, NaN == NaN
                np.testing.assert_array_equal(sub["run"].to_numpy().reshape(n, H)[:, 0], np.arange(n))
                np.testing.assert_array_equal(sub["month"].to_numpy().reshape(n, H)[0], R["months"])
            # parameter columns equal the design
            for k in R["params"]:
                got = df[df["series"] == R["run_series"][0]][k].to_numpy().reshape(n, H)[:, 0]
                np.testing.assert_array_equal(got, R["pvals"][k])

    def test_tidy_municipality_exact(self):
        for p, R in self.each():
            if not R["muni_series"]:
                continue
            df = rr.tidy(p, municipality=True, params="varying")
            n, H, M = R["n"], len(R["months"]), len(R["muni_name"])
            self.assertEqual(len(df), n * H * M * len(R["muni_series"]))
            for name in R["muni_series"]:
                sub = df[df["series"] == name]
                np.testing.assert_array_equal(sub["value"].to_numpy().reshape(n, H, M), R["data"][name])
                names = sub["municipality_name"].to_numpy().reshape(n, H, M)
                self.assertEqual(list(names[0, 0]), R["muni_name"])
                self.assertEqual(list(sub["municipality"].to_numpy().reshape(n, H, M)[-1, -1]), list(range(M)))
            # one series by name; a run series with municipality=True is refused clearly
            one = rr.tidy(p, series=R["muni_series"][0], municipality=True, params=False)
            self.assertEqual(set(one["series"]), {R["muni_series"][0]})
            with self.assertRaisesRegex(KeyError, "municipality=False"):
                rr.tidy(p, series=["net_value"], municipality=True)

    def test_open_results_exact_and_joined(self):
        for p, R in self.each():
            ds = rr.open_results(p)
            self.assertEqual(ds.sizes["run"], R["n"])
            for name in R["run_series"] + R["muni_series"]:
                np.testing.assert_array_equal(ds[name].values, R["data"][name])
            want = [R["variant_name"][v] for v in R["d_variant"]]
            self.assertEqual(list(ds["variant"].values), want)
            np.testing.assert_array_equal(ds["replicate"].values, R["d_rep"])
            np.testing.assert_array_equal(ds["seed"].values, R["d_seed"])
            for k in R["params"]:
                np.testing.assert_array_equal(ds[k].values, R["pvals"][k])
            self.assertEqual(list(ds["variant_name"].values), R["variant_name"])
            # groupby on the joined coordinate works
            means = ds["net_value"].isel(month=-1).groupby("variant").mean()
            for v in set(want):
                sel = np.array(want) == v
                self.assertAlmostEqual(float(means.sel(variant=v)),
                                       float(R["data"]["net_value"][sel, -1].mean()), places=6)

    def test_design_join(self):
        for p, R in self.each():
            d = rr.design(p)
            self.assertEqual(len(d), R["n"])
            reps = R["R"]
            nv = len(R["variant_name"])
            for run in range(R["n"]):
                # no design points in these scenarios: set = variant
                self.assertEqual(d["replicate"][run], run % reps)
                self.assertEqual(d["variant_index"][run], (run // reps) % nv)
                self.assertEqual(d["variant"][run], R["variant_name"][(run // reps) % nv])
            self.assertEqual(d.attrs["parameters"], R["params"])

    def test_events_decoded(self):
        for p, R in self.each():
            ev = rr.events(p)
            E = R["events"]
            if E is None:
                self.assertEqual(len(ev), 0)
                continue
            keep = E["run"] < R["n"]
            self.assertEqual(len(ev), int(keep.sum()))
            self.assertGreater(len(ev), 0)
            np.testing.assert_array_equal(ev["run"].to_numpy(), E["run"][keep])
            np.testing.assert_array_equal(ev["month"].to_numpy(), E["month"][keep])
            np.testing.assert_array_equal(ev["amount"].to_numpy(), E["amount"][keep])
            self.assertEqual(list(ev["kind"]), [R["flag_meanings"][k] for k in E["kind"][keep]])
            self.assertEqual(list(ev["partnership"]),
                             [R["part_name"][i] if 0 <= i < len(R["part_name"]) else
                              ("" if i < 0 else f"partnership {i}") for i in E["partnership"][keep]])
            self.assertEqual(list(ev["municipality"]),
                             [R["muni_name"][i] if i >= 0 else "" for i in E["municipality"][keep]])
            self.assertEqual(list(ev["variant"]), [R["variant_name"][R["d_variant"][r]] for r in E["run"][keep]])

    def test_summary(self):
        for p, R in self.each():
            sm = rr.summary(p)
            self.assertEqual(len(sm), len(set(R["variant_name"][v] for v in R["d_variant"])) * len(R["run_series"]))
            v0 = R["variant_name"][R["d_variant"][0]]
            sel = np.array([R["variant_name"][v] == v0 for v in R["d_variant"]])
            self.assertAlmostEqual(sm.loc[(v0, "net_value"), "total_mean"] /
                                   R["data"]["net_value"][sel].sum(axis=1).mean(), 1.0, places=12)


class Incomplete(unittest.TestCase):
    def test_only_completed_runs_and_warning(self):
        keep = 7
        p = common.make_incomplete(SMALL, TMP, keep)
        R = raw(p)
        for fn in (lambda: rr.tidy(p), lambda: rr.open_results(p), lambda: rr.design(p),
                   lambda: rr.events(p), lambda: rr.summary(p)):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                out = fn()
            self.assertTrue(any(issubclass(x.category, rr.IncompleteResultsWarning) for x in w),
                            "no IncompleteResultsWarning")
            self.assertIn("7 of 15", str(w[0].message))
            if hasattr(out, "sizes"):
                self.assertEqual(out.sizes["run"], keep)
            elif "run" in getattr(out, "columns", []):
                self.assertTrue((out["run"] < keep).all())
                self.assertEqual(out["run"].nunique(), keep)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.testing.assert_array_equal(rr.open_results(p)["net_value"].values, R["data"]["net_value"])

    def test_not_a_results_file(self):
        bad = os.path.join(TMP, "plain.h5")
        with h5py.File(bad, "w") as f:
            f["x"] = [1, 2]
        with self.assertRaisesRegex(ValueError, "not a regsim results file"):
            rr.tidy(bad)


def main():
    global REGSIM, EXTRA, TMP, SMALL
    REGSIM, EXTRA = common.parse_args()
    TMP = common.tempdir()
    try:
        SMALL = common.make_results(REGSIM, TMP)
        Readers.files = [SMALL] + EXTRA
        prog = unittest.main(argv=[sys.argv[0], "-v"], exit=False)
        ok = prog.result.wasSuccessful()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
