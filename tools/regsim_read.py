#!/usr/bin/python3
"""regsim_read - read regsim results files (HDF5) into xarray and pandas.

Needs only Debian packages: python3-h5py, python3-xarray, python3-h5netcdf,
python3-pandas, python3-numpy.  Run it with /usr/bin/python3.

    import sys; sys.path.insert(0, "tools")
    import regsim_read as rr
    ds = rr.open_results("results.h5")        # xarray.Dataset, design as run coordinates
    df = rr.tidy("results.h5", ["net_value"])  # long DataFrame, one row per value
    rr.design("results.h5"); rr.events("results.h5"); rr.summary("results.h5")

Series are discovered from the file, never from a fixed list: every root
dataset whose dimension scales are (run, month) is a run series, every one
with (run, month, municipality) a municipality series.  Only completed runs
(root attribute runs_completed) are returned; an incomplete file gives a
warning.  docs/output.md describes the file layout.

Command line:  /usr/bin/python3 tools/regsim_read.py RESULTS.h5   (prints summary())
"""

import sys
import warnings

import h5py
import numpy as np
import pandas as pd

__all__ = ["open_results", "tidy", "design", "events", "summary", "info",
           "series_names", "completed_runs", "IncompleteResultsWarning",
           "DESIGN_COLUMNS"]

#: the design datasets that are not parameters
DESIGN_COLUMNS = ("run", "variant", "point", "replicate", "seed", "label")


class IncompleteResultsWarning(UserWarning):
    """The file holds fewer runs than its scenario asks for."""


# ---------------------------------------------------------------- helpers

def _str(x):
    if isinstance(x, bytes):
        return x.decode("utf-8")
    if isinstance(x, np.ndarray) and x.shape == ():
        return _str(x[()])
    return str(x)


def _strings(dset):
    return [_str(s) for s in dset[()]]


def _attr_int(obj, name, default=None):
    if name not in obj.attrs:
        return default
    return int(np.asarray(obj.attrs[name]).reshape(-1)[0])


def _scale_names(dset):
    """Names of the dimension scales attached to each axis of dset ('' if none)."""
    out = []
    for dim in dset.dims:
        try:
            out.append(dim[0].name.rsplit("/", 1)[-1] if len(dim) else "")
        except Exception:  # pragma: no cover - damaged DIMENSION_LIST
            out.append("")
    return out


def _check_file(f, path):
    fmt = f.attrs.get("regsim_format")
    if fmt is None or not _str(fmt).startswith("regsim-results"):
        raise ValueError(f"{path}: not a regsim results file (no regsim_format attribute)")


def _open(path):
    f = h5py.File(path, "r")
    try:
        _check_file(f, path)
    except Exception:
        f.close()
        raise
    return f


def _completed(f, path, warn=True):
    total = _attr_int(f, "runs_total", 0)
    done = _attr_int(f, "runs_completed", 0)
    if warn and done < total:
        warnings.warn(f"{path}: incomplete results file: {done} of {total} runs completed; "
                      f"using only runs 0..{done - 1} (finish it with `regsim run --resume`)",
                      IncompleteResultsWarning, stacklevel=3)
    return done


def _ordered(group):
    """(name, object) pairs of a group in creation order (the model's order)
    where the file tracks it, else in name order."""
    names = []
    try:
        group.id.links.iterate(lambda n: names.append(n.decode("utf-8")) and None,
                               idx_type=h5py.h5.INDEX_CRT_ORDER)
    except Exception:
        names = list(group.keys())
    return [(n, group[n]) for n in names]


def _discover(f):
    run_series, muni_series = [], []
    for name, obj in _ordered(f):
        if not isinstance(obj, h5py.Dataset) or obj.dtype.kind not in "fiu":
            continue
        dims = _scale_names(obj)
        if obj.ndim == 2 and dims == ["run", "month"]:
            run_series.append(name)
        elif obj.ndim == 3 and dims == ["run", "month", "municipality"]:
            muni_series.append(name)
    return run_series, muni_series


def _enum_choices(dset):
    if "flag_meanings" in dset.attrs:
        return _str(dset.attrs["flag_meanings"]).split()
    return None


def _design_frame(f, n):
    g = f["design"]
    vnames = _strings(f["variant_name"]) if "variant_name" in f else []
    vidx = np.asarray(g["variant"][:n], dtype=np.int64)
    cols = {
        "run": np.asarray(g["run"][:n], dtype=np.int64) if "run" in g else np.arange(n, dtype=np.int64),
        "variant": [vnames[i] if 0 <= i < len(vnames) else str(i) for i in vidx],
        "variant_index": vidx,
        "point": np.asarray(g["point"][:n], dtype=np.int64),
        "replicate": np.asarray(g["replicate"][:n], dtype=np.int64),
        "seed": np.asarray(g["seed"][:n], dtype=np.uint64),
        "label": _strings(g["label"])[:n] if "label" in g else [""] * n,
    }
    params = []
    for name, obj in _ordered(g):
        if name in DESIGN_COLUMNS or not isinstance(obj, h5py.Dataset) or obj.ndim != 1:
            continue
        vals = obj[:n]
        choices = _enum_choices(obj)
        if choices is not None:  # an enum parameter: the value is an index into its choices
            vals = [choices[int(v)] if 0 <= int(v) < len(choices) else str(v) for v in vals]
        cols[name] = vals
        params.append(name)
    df = pd.DataFrame(cols)
    df.attrs["parameters"] = params
    df.attrs["variants"] = vnames
    return df


# ------------------------------------------------------------ public API

def info(path):
    """Root attributes of a results file as a dict (numbers as int, text as str)."""
    with _open(path) as f:
        out = {}
        for k, v in f.attrs.items():
            v = np.asarray(v)
            out[k] = _str(v) if v.dtype.kind in "SOU" else v.reshape(-1)[0].item()
        return out


def completed_runs(path):
    """Number of runs in the file (runs 0..n-1); warns when the file is incomplete."""
    with _open(path) as f:
        return _completed(f, path)


def series_names(path):
    """(run series, municipality series): names of the (run, month) and
    (run, month, municipality) datasets of the file, in file order."""
    with _open(path) as f:
        return _discover(f)


def design(path):
    """One row per completed run: run, variant (name), variant_index, point,
    replicate, seed, label and one column per parameter (enum parameters as
    their choice names).  df.attrs['parameters'] lists the parameter columns."""
    with _open(path) as f:
        return _design_frame(f, _completed(f, path))


def open_results(path, load=True):
    """The root of the file as an xarray.Dataset (engine h5netcdf), cut to the
    completed runs, with the design joined as coordinates along run:
    variant (name), replicate, point, seed, label and every parameter.

    The root's own variant dimension is renamed variant_index (so that
    variant can be the per-run name): variant_name(variant_index).
    load=True reads everything into memory and closes the file."""
    import xarray as xr
    with _open(path) as f:
        n = _completed(f, path)
        d = _design_frame(f, n)
    ds = xr.open_dataset(path, engine="h5netcdf")
    if load:
        ds.load()
        ds.close()
    if "variant" in ds.dims or "variant" in ds.variables:
        ds = ds.rename({"variant": "variant_index"})
    ds = ds.isel(run=slice(0, n))
    coords = {"variant": ("run", np.asarray(d["variant"], dtype=object)),
              "replicate": ("run", d["replicate"].to_numpy()),
              "point": ("run", d["point"].to_numpy()),
              "seed": ("run", d["seed"].to_numpy()),
              "label": ("run", np.asarray(d["label"], dtype=object))}
    for p in d.attrs["parameters"]:
        coords[p] = ("run", d[p].to_numpy())
    ds = ds.assign_coords(coords)
    ds.attrs["parameters"] = list(d.attrs["parameters"])
    return ds


def tidy(path, series=None, municipality=False, params=True):
    """Long DataFrame, one row per value, rows ordered by series, run, month
    (, municipality).

    Columns: run, variant, replicate, point, month, [municipality,
    municipality_name,] series, value, then one column per parameter
    (params=True: all; "varying": only those that differ between runs;
    False: none).  series: a name or list of names (default: all run series,
    or all municipality series when municipality=True)."""
    if isinstance(series, str):
        series = [s for s in series.split(",") if s]
    with _open(path) as f:
        n = _completed(f, path)
        run_s, muni_s = _discover(f)
        avail = muni_s if municipality else run_s
        if series is None:
            series = list(avail)
        bad = [s for s in series if s not in avail]
        if bad:
            other = run_s if municipality else muni_s
            hint = ""
            if all(s in other for s in bad):
                hint = " (they are %s series: use municipality=%s)" % (
                    "run" if municipality else "municipality", not municipality)
            raise KeyError(f"{path}: no {'municipality' if municipality else 'run'} series "
                           f"{', '.join(bad)}{hint}; the file has: {', '.join(avail) or 'none'}")
        d = _design_frame(f, n)
        months = np.asarray(f["month"][()], dtype=np.int64)
        H = len(months)
        if municipality:
            mnames = np.asarray(_strings(f["municipality_name"]), dtype=object)
            midx = np.asarray(f["municipality"][()], dtype=np.int64)
            M = len(midx)
        else:
            M = 1
        per = H * M
        blocks = []
        for s in series:
            dset = f[s]
            vals = np.asarray(dset[:n], dtype=np.float64).reshape(-1)
            blocks.append(vals)
        S = len(series)
        values = np.concatenate(blocks) if blocks else np.empty(0)
    rows_per_series = n * per
    run_pos = np.tile(np.repeat(np.arange(n), per), S)
    cols = {
        "run": d["run"].to_numpy()[run_pos],
        "variant": np.asarray(d["variant"], dtype=object)[run_pos],
        "replicate": d["replicate"].to_numpy()[run_pos],
        "point": d["point"].to_numpy()[run_pos],
        "month": np.tile(np.repeat(months, M), n * S),
    }
    if municipality:
        cols["municipality"] = np.tile(midx, n * H * S)
        cols["municipality_name"] = np.tile(mnames, n * H * S)
    cols["series"] = np.repeat(np.asarray(series, dtype=object), rows_per_series)
    cols["value"] = values
    plist = []
    if params:
        plist = list(d.attrs["parameters"])
        if params == "varying":
            plist = [p for p in plist if d[p].nunique(dropna=False) > 1]
    for p in plist:
        cols[p] = d[p].to_numpy()[run_pos]
    df = pd.DataFrame(cols)
    df["series"] = df["series"].astype("category")
    df.attrs["parameters"] = plist
    return df


def _partnership_label(names, i):
    if i < 0:
        return ""
    return names[i] if i < len(names) else f"partnership {i}"


def events(path):
    """The event log as a DataFrame, one row per event of a completed run:
    run, variant, replicate, month, kind (name, from flag_meanings),
    partnership (name, '' if none; 'partnership K' for one formed during the
    run), municipality (name, '' if none), amount (NaN if none), and the raw
    codes kind_code, partnership_index, municipality_index.  Empty (with
    these columns) when the file has no event log."""
    cols = ["run", "variant", "replicate", "month", "kind", "partnership", "municipality",
            "amount", "kind_code", "partnership_index", "municipality_index"]
    with _open(path) as f:
        n = _completed(f, path)
        if "events" not in f:
            return pd.DataFrame({c: [] for c in cols})
        g = f["events"]
        k = g["run"].shape[0]
        committed = _attr_int(g, "events_committed", k)
        k = min(k, committed)
        run = np.asarray(g["run"][:k], dtype=np.int64)
        keep = run < n
        month = np.asarray(g["month"][:k], dtype=np.int64)[keep]
        kind = np.asarray(g["kind"][:k], dtype=np.int64)[keep]
        part = np.asarray(g["partnership"][:k], dtype=np.int64)[keep]
        muni = np.asarray(g["municipality"][:k], dtype=np.int64)[keep]
        amount = np.asarray(g["amount"][:k], dtype=np.float64)[keep]
        run = run[keep]
        kd = g["kind"]
        meanings = _str(kd.attrs["flag_meanings"]).split() if "flag_meanings" in kd.attrs else []
        fvals = (np.asarray(kd.attrs["flag_values"]).reshape(-1).tolist()
                 if "flag_values" in kd.attrs else list(range(len(meanings))))
        kmap = {int(v): m for v, m in zip(fvals, meanings)}
        pnames = _strings(f["partnership_name"]) if "partnership_name" in f else []
        mnames = _strings(f["municipality_name"]) if "municipality_name" in f else []
        d = _design_frame(f, n)
    vname = np.asarray(d["variant"], dtype=object)
    rep = d["replicate"].to_numpy()
    return pd.DataFrame({
        "run": run,
        "variant": vname[run] if len(run) else np.empty(0, dtype=object),
        "replicate": rep[run] if len(run) else np.empty(0, dtype=np.int64),
        "month": month,
        "kind": [kmap.get(int(c), f"kind {int(c)}") for c in kind],
        "partnership": [_partnership_label(pnames, int(i)) for i in part],
        "municipality": [mnames[i] if 0 <= i < len(mnames) else "" for i in muni],
        "amount": amount,
        "kind_code": kind,
        "partnership_index": part,
        "municipality_index": muni,
    }, columns=cols)


def summary(path):
    """Per variant and run series: runs, mean and standard deviation over runs
    of the value in the last month (final_mean, final_sd) and of the sum over
    all months (total_mean, total_sd).  Indexed by (variant, series), variants
    in scenario order."""
    with _open(path) as f:
        n = _completed(f, path)
        run_s, _ = _discover(f)
        d = _design_frame(f, n)
        data = {s: np.asarray(f[s][:n], dtype=np.float64) for s in run_s}
    rows = []
    order = [v for v in d.attrs["variants"] if v in set(d["variant"])] or list(dict.fromkeys(d["variant"]))
    for v in order:
        sel = (d["variant"] == v).to_numpy()
        for s in run_s:
            x = data[s][sel]
            fin, tot = x[:, -1], np.nansum(x, axis=1)
            rows.append({"variant": v, "series": s, "runs": int(sel.sum()),
                         "final_mean": np.nanmean(fin) if len(fin) else np.nan,
                         "final_sd": np.nanstd(fin, ddof=1) if len(fin) > 1 else np.nan,
                         "total_mean": np.mean(tot) if len(tot) else np.nan,
                         "total_sd": np.std(tot, ddof=1) if len(tot) > 1 else np.nan})
    return pd.DataFrame(rows).set_index(["variant", "series"])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    try:
        a = info(argv[0])
        print(f"{argv[0]}: scenario {a.get('scenario')!r}, model {a.get('model')!r}, "
              f"{a.get('runs_completed')} of {a.get('runs_total')} runs, {a.get('horizon_months')} months")
        with pd.option_context("display.width", 160, "display.max_rows", 500):
            print(summary(argv[0]).to_string(float_format=lambda x: f"{x:.6g}"))
    except (OSError, ValueError, KeyError) as e:
        print(f"regsim_read: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
