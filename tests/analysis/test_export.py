#!/usr/bin/python3
"""`regsim export FILE.h5 --csv DIR` against h5py.

usage: /usr/bin/python3 tests/analysis/test_export.py [REGSIM_BIN] [EXTRA.h5 ...]
Runs a small scenario (names with commas and quotes) itself; checks the
CSV files' headers, row counts and every value (exactly: the CSV numbers
must read back to the same doubles), the quoting, the refusal to
overwrite without --force, exit codes, and an incomplete file.
"""
import csv
import math
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

REGSIM, EXTRA, TMP, SMALL = None, [], None, None


def ordered(g):
    """(name, object) in creation order, as regsim wrote them."""
    names = []
    g.id.links.iterate(lambda n: names.append(n.decode()) and None, idx_type=h5py.h5.INDEX_CRT_ORDER)
    return [(n, g[n]) for n in names]


def s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, content):
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)


def num(text):
    return math.nan if text == "" else float(text)


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def export(path, out, *extra):
    return subprocess.run([REGSIM, "export", path, "--csv", out, *extra], capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


class Export(unittest.TestCase):
    def check_file(self, path, out):
        r = export(path, out, "--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(path, "r") as f:
            n = int(f.attrs["runs_completed"])
            months = f["month"][()]
            H = len(months)
            vnames = [s(x) for x in f["variant_name"][()]]
            mnames = [s(x) for x in f["municipality_name"][()]]
            pnames = [s(x) for x in f["partnership_name"][()]]
            dv, drep, dpt = f["design/variant"][:n], f["design/replicate"][:n], f["design/point"][:n]
            run_s = [k for k, v in ordered(f) if isinstance(v, h5py.Dataset) and v.ndim == 2
                     and [d[0].name for d in v.dims] == ["/run", "/month"]]
            muni_s = [k for k, v in ordered(f) if isinstance(v, h5py.Dataset) and v.ndim == 3
                      and [d[0].name for d in v.dims] == ["/run", "/month", "/municipality"]]

            # series.csv
            head, rows = read_csv(os.path.join(out, "series.csv"))
            self.assertEqual(head, ["run", "variant", "replicate", "point", "month", "series", "value"])
            self.assertEqual(len(rows), n * H * len(run_s))
            i = 0
            for name in run_s:
                data = f[name][:n]
                for run in range(n):
                    for m in range(H):
                        row = rows[i]
                        i += 1
                        self.assertEqual(row[:6], [str(run), vnames[dv[run]], str(drep[run]), str(dpt[run]),
                                                   str(months[m]), name])
                        self.assertTrue(same(num(row[6]), float(data[run, m])), (name, run, m, row[6]))

            # municipality_series.csv
            mpath = os.path.join(out, "municipality_series.csv")
            self.assertEqual(os.path.exists(mpath), bool(muni_s))
            if muni_s:
                head, rows = read_csv(mpath)
                self.assertEqual(head, ["run", "variant", "replicate", "point", "month", "municipality",
                                        "municipality_name", "series", "value"])
                M = len(mnames)
                self.assertEqual(len(rows), n * H * M * len(muni_s))
                vals = np.array([num(r[8]) for r in rows]).reshape(len(muni_s), n, H, M)
                for k, name in enumerate(muni_s):
                    np.testing.assert_array_equal(vals[k], f[name][:n])
                self.assertEqual([r[6] for r in rows[:M]], mnames)
                self.assertEqual([r[7] for r in rows[::n * H * M]], muni_s)

            # design.csv
            head, rows = read_csv(os.path.join(out, "design.csv"))
            params = [k for k, _ in ordered(f["design"]) if k not in ("run", "variant", "point", "replicate", "seed", "label")]
            self.assertEqual(head[:6], ["run", "variant", "replicate", "point", "seed", "label"])
            self.assertEqual(head[6:], params)
            self.assertEqual(len(rows), n)
            seeds, labels = f["design/seed"][:n], [s(x) for x in f["design/label"][:n]]
            for run, row in enumerate(rows):
                self.assertEqual(row[:6], [str(run), vnames[dv[run]], str(drep[run]), str(dpt[run]),
                                           str(seeds[run]), labels[run]])
                for j, p in enumerate(head[6:]):
                    d = f["design"][p]
                    if "flag_meanings" in d.attrs:  # a choice: exported by name
                        choices = s(d.attrs["flag_meanings"]).split()
                        self.assertEqual(row[6 + j], choices[int(d[run])], (p, run))
                    else:
                        self.assertTrue(same(num(row[6 + j]), float(d[run])), (p, run))

            # events.csv
            epath = os.path.join(out, "events.csv")
            self.assertEqual(os.path.exists(epath), "events" in f)
            if "events" in f:
                g = f["events"]
                k = int(g.attrs["events_committed"])
                run = g["run"][:k]
                keep = run < n
                meanings = s(g["kind"].attrs["flag_meanings"]).split()
                head, rows = read_csv(epath)
                self.assertEqual(head, ["run", "variant", "replicate", "month", "kind", "partnership",
                                        "municipality", "amount"])
                self.assertEqual(len(rows), int(keep.sum()))
                for row, r_, mo, kd, pa, mu, am in zip(rows, run[keep], g["month"][:k][keep], g["kind"][:k][keep],
                                                      g["partnership"][:k][keep], g["municipality"][:k][keep],
                                                      g["amount"][:k][keep]):
                    self.assertEqual(row[:7], [str(r_), vnames[dv[r_]], str(drep[r_]), str(mo), meanings[kd],
                                               pnames[pa] if 0 <= pa < len(pnames) else
                                               ("" if pa < 0 else f"partnership {pa}"),
                                               mnames[mu] if mu >= 0 else ""])
                    self.assertTrue(same(num(row[7]), float(am)))
        return r

    def test_values(self):
        for p in [SMALL] + EXTRA:
            with self.subTest(file=os.path.basename(p)):
                self.check_file(p, os.path.join(TMP, "csv-" + os.path.basename(p)))

    def test_quoting(self):
        out = os.path.join(TMP, "csv-quoting")
        self.assertEqual(export(SMALL, out).returncode, 0)
        raw = text(os.path.join(out, "municipality_series.csv"))
        self.assertIn('"Aa, ""Noord"""', raw)
        raw = text(os.path.join(out, "series.csv"))
        self.assertIn('"fast, ""trust"""', raw)
        raw = text(os.path.join(out, "events.csv"))
        self.assertIn('"ICT, shared"', raw)

    def test_refuses_to_overwrite(self):
        out = os.path.join(TMP, "csv-overwrite")
        self.assertEqual(export(SMALL, out).returncode, 0)
        before = text(os.path.join(out, "series.csv"))
        r = export(SMALL, out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--force", r.stderr)
        self.assertIn("series.csv", r.stderr)
        self.assertEqual(text(os.path.join(out, "series.csv")), before)
        r = export(SMALL, out, "--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(text(os.path.join(out, "series.csv")), before)  # deterministic
        self.assertFalse([x for x in os.listdir(out) if x.endswith(".partial")])

    def test_usage_and_bad_input(self):
        r = subprocess.run([REGSIM, "export", "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("--csv DIR", r.stdout)
        for args in ([], [SMALL], ["--csv", TMP], [SMALL, "--csv"], [SMALL, "--bogus", "--csv", TMP]):
            r = subprocess.run([REGSIM, "export", *args], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn("regsim export", r.stderr)
        noth5 = os.path.join(TMP, "not.h5")
        write(noth5, "hello")
        r = export(noth5, os.path.join(TMP, "x"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a readable HDF5 file", r.stderr)
        plain = os.path.join(TMP, "plain.h5")
        with h5py.File(plain, "w") as f:
            f["x"] = [1]
        r = export(plain, os.path.join(TMP, "x"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a regsim results file", r.stderr)
        r = export(os.path.join(TMP, "missing.h5"), os.path.join(TMP, "x"))
        self.assertEqual(r.returncode, 2)
        afile = os.path.join(TMP, "afile")
        write(afile, "")
        r = export(SMALL, afile)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a directory", r.stderr)
        r = subprocess.run([REGSIM, "exprt"], capture_output=True, text=True)
        self.assertIn("did you mean 'export'", r.stderr)

    def test_incomplete(self):
        p = common.make_incomplete(SMALL, TMP, 4)
        out = os.path.join(TMP, "csv-incomplete")
        r = self.check_file(p, out)
        self.assertIn("incomplete", r.stderr)
        _, rows = read_csv(os.path.join(out, "design.csv"))
        self.assertEqual(len(rows), 4)

    def test_force_removes_stale(self):
        out = os.path.join(TMP, "csv-stale")
        os.makedirs(out)
        write(os.path.join(out, "events.csv"), "old\n")
        sc = dict(common.SCENARIO, outputs={"municipality_series": False, "events": False})
        p = common.make_results(REGSIM, TMP, sc, name="noevents")
        self.assertEqual(export(p, out).returncode, 2)
        r = export(p, out, "--force")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(os.listdir(out)), ["design.csv", "series.csv"])
        self.check_file(p, out)


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
