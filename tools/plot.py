#!/usr/bin/python3
"""plot.py - standard figures of a regsim results file, as PNG and SVG.

usage: /usr/bin/python3 tools/plot.py RESULTS.h5 [--out DIR] [--series a,b] [--dpi N]

Figures (each written as NAME.png and NAME.svg into DIR, default: the
results file's name without .h5, plus _plots):
  fan_SERIES            median and 5-95 % band across replications of a key
                        series, one band per variant
  survival              share of partnerships still active by month since
                        they started (Kaplan-Meier, from the event log's
                        dissolution kinds), or active_partnerships divided by
                        its per-run maximum when the log has no such kind
  waiting_times         distribution of pooled-fund waiting times, when the
                        file has a *wait* series or fund request/grant events
  variant_differences   variant minus the first variant, paired by replicate
                        (common random numbers): mean and 95 % t-interval of
                        each key series' sum over the horizon; the numbers
                        also go to variant_differences.csv
  tornado               sensitivity indices, when the file has /sensitivity
Figures that the file has no data for are skipped with a note.  The list of
files written is printed at the end.  Key series: --series, else those of
KEY_SERIES present in the file, else the first four run series.
"""

import argparse
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regsim_read as rr  # noqa: E402

#: preferred key series, in this order, where the file has them
KEY_SERIES = ["net_value", "mean_trust", "active_partnerships", "funds_waiting",
              "gini_net_benefit", "kpi_count", "exits"]

# partnership life-cycle kinds of the event log (model: partnership_formed,
# partnership_active, partnership_dissolved, partnership_failed; engine
# foundation: partnership_started)
END_KIND = re.compile(r"^partnership_(dissolved|failed|ended|terminated|collapsed|disbanded)$|dissol", re.I)
START_KIND = re.compile(r"^partnership_(started|formed|active|founded)$", re.I)
FUND_REQ = re.compile(r"fund.*(request|appl|submit|queue)|(request|appl|submit|queue).*fund", re.I)
FUND_GRANT = re.compile(r"fund.*(grant|paid|award|disburs|approv|alloc)|(grant|paid|award|disburs|approv|alloc).*fund", re.I)

BAND = (5, 95)


def t_quantile(p, df):
    """Student t quantile; scipy when present, else a Cornish-Fisher series
    (relative error under 0.2 % for df >= 3, exact for df 1 and 2)."""
    try:
        from scipy import stats
        return float(stats.t.ppf(p, df))
    except ImportError:
        pass
    if df <= 0:
        return float("nan")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        a = 4 * p * (1 - p)
        return 2 * (p - 0.5) * math.sqrt(2 / a)
    from statistics import NormalDist
    z = NormalDist().inv_cdf(p)
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
    return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4


class Writer:
    def __init__(self, out, dpi):
        self.out, self.dpi, self.files = out, dpi, []

    def save(self, fig, name):
        for ext in ("png", "svg"):
            p = os.path.join(self.out, f"{name}.{ext}")
            fig.savefig(p, dpi=self.dpi if ext == "png" else None, bbox_inches="tight")
            self.files.append(p)
        plt.close(fig)

    def note(self, msg):
        print(f"plot: note: {msg}")


def load(path):
    import h5py
    with h5py.File(path, "r") as f:
        n = rr._completed(f, path)
        run_s, muni_s = rr._discover(f)
        d = rr._design_frame(f, n)
        months = np.asarray(f["month"][()])
        units = {s: rr._str(f[s].attrs.get("units", "")) for s in run_s}
        data = {s: np.asarray(f[s][:n], dtype=float) for s in run_s}
        title = rr._str(f.attrs.get("scenario", os.path.basename(path)))
        sens = "sensitivity" in f
    variants = [v for v in d.attrs["variants"] if v in set(d["variant"])]
    return dict(n=n, run_series=run_s, muni_series=muni_s, design=d, months=months, units=units,
                data=data, title=title, variants=variants, has_sensitivity=sens)


def colors(k):
    cyc = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return [cyc[i % len(cyc)] for i in range(k)]


def big_numbers(axis, units, s):
    """Engineering notation (k, M) for money axes instead of an offset like 1e7."""
    from matplotlib.ticker import EngFormatter
    if "EUR" in units.get(s, ""):
        axis.set_major_formatter(EngFormatter(sep=" "))


def ylabel(s, units):
    u = units.get(s, "")
    return f"{s} ({u})" if u and u != "1" else s


# ------------------------------------------------------------------ fan

def fan_charts(R, keys, W):
    d, months = R["design"], R["months"]
    for s in keys:
        fig, ax = plt.subplots(figsize=(7, 4))
        for v, c in zip(R["variants"], colors(len(R["variants"]))):
            x = R["data"][s][(d["variant"] == v).to_numpy()]
            if not len(x):
                continue
            with np.errstate(all="ignore"):
                lo, med, hi = np.nanpercentile(x, [BAND[0], 50, BAND[1]], axis=0)
            ax.fill_between(months, lo, hi, color=c, alpha=0.25, linewidth=0)
            ax.plot(months, med, color=c, label=f"{v} (n={len(x)})")
        ax.set_xlabel("month")
        ax.set_ylabel(ylabel(s, R["units"]))
        big_numbers(ax.yaxis, R["units"], s)
        ax.set_title(f"{R['title']}: {s}\nmedian and {BAND[0]}-{BAND[1]} % of replications")
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
        W.save(fig, f"fan_{s}")


# ------------------------------------------------------------- survival

def km(durations, ended):
    """Kaplan-Meier: (times, survival) step function from 0."""
    durations, ended = np.asarray(durations, float), np.asarray(ended, bool)
    ts = np.unique(durations[ended])
    surv, t_out, s_out = 1.0, [0.0], [1.0]
    for t in ts:
        at_risk = np.sum(durations >= t)
        deaths = np.sum((durations == t) & ended)
        if at_risk:
            surv *= 1 - deaths / at_risk
        t_out.append(t)
        s_out.append(surv)
    return np.array(t_out), np.array(s_out)


def survival(R, path, W):
    ev = rr.events(path)
    H = int(R["months"][-1]) if len(R["months"]) else 0
    meanings = []
    try:
        import h5py
        with h5py.File(path, "r") as f:
            if "events" in f and "flag_meanings" in f["events/kind"].attrs:
                meanings = rr._str(f["events/kind"].attrs["flag_meanings"]).split()
    except OSError:
        pass
    end_kinds = [k for k in meanings if END_KIND.search(k)]
    start_kinds = [k for k in meanings if START_KIND.search(k) and not END_KIND.search(k)]
    fig, ax = plt.subplots(figsize=(7, 4))
    if end_kinds and start_kinds:
        for v, c in zip(R["variants"], colors(len(R["variants"]))):
            e = ev[ev["variant"] == v]
            st = e[e["kind"].isin(start_kinds)].groupby(["run", "partnership_index"])["month"].min()
            en = e[e["kind"].isin(end_kinds)].groupby(["run", "partnership_index"])["month"].min()
            # one that ends without a start event existed from the first month
            st = st.reindex(st.index.union(en.index)).fillna(1)
            if not len(st):
                continue
            end = en.reindex(st.index)
            ended = end.notna().to_numpy()
            dur = np.where(ended, end.to_numpy() - st.to_numpy(), H - st.to_numpy())
            t, s = km(dur, ended)
            t = np.append(t, max(H - st.min(), t[-1]))
            s = np.append(s, s[-1])
            ax.step(t, s, where="post", color=c,
                    label=f"{v} ({len(st)} partnerships, {int(ended.sum())} dissolved)")
        ax.set_xlabel("months since the partnership started")
        how = f"Kaplan-Meier from events {'/'.join(start_kinds)} -> {'/'.join(end_kinds)}"
    elif "active_partnerships" in R["data"]:
        d, months = R["design"], R["months"]
        started = None
        if start_kinds and len(ev):
            # denominator: partnerships started so far in the run
            st = ev[ev["kind"].isin(start_kinds)].groupby(["run", "partnership_index"])["month"].min()
            started = np.zeros((R["n"], len(months)))
            for (run, _), m0 in st.items():
                started[int(run)] += months >= m0
        for v, c in zip(R["variants"], colors(len(R["variants"]))):
            sel = (d["variant"] == v).to_numpy()
            x = R["data"]["active_partnerships"][sel]
            if not len(x):
                continue
            with np.errstate(all="ignore"):
                den = started[sel] if started is not None else np.nanmax(x, axis=1, keepdims=True) + 0 * x
                share = np.where(den > 0, x / np.where(den > 0, den, 1), np.nan)
                lo, med, hi = np.nanpercentile(share, [BAND[0], 50, BAND[1]], axis=0)
            ax.fill_between(months, lo, hi, color=c, alpha=0.2, linewidth=0)
            ax.plot(months, med, color=c, label=v)
        ax.set_xlabel("month")
        how = ("active_partnerships / partnerships started so far (" + "/".join(start_kinds) + " events)"
               if started is not None else "active_partnerships / its maximum in the run")
        how += "; the event log has no dissolution kind"
    else:
        plt.close(fig)
        W.note("no survival curves: the file has neither dissolution events nor active_partnerships")
        return
    print(f"plot: survival: {how}")
    ax.set_ylim(-0.02, 1.05)
    ax.set_ylabel("share of partnerships still active")
    ax.set_title(f"{R['title']}: partnership survival\n{how}", fontsize="medium")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    W.save(fig, "survival")


# --------------------------------------------------------- waiting times

def waiting_times(R, path, W):
    """Per variant, a sample of waiting times (months) of pooled funds, from
    the first source the file has:
      1. events of a fund-paid kind (fund_paid: amount = months waited);
      2. fund request -> fund paid events, matched first-in first-out per run,
         partnership and municipality, when the paid events carry no amount;
      3. a run series named *wait*: its value in the last month of each run
         (fund_wait_funded_mean is preferred: each run's mean wait)."""
    d = R["design"]
    samples, source = {}, None
    xlabel = "waiting time (months)"
    ev = rr.events(path)
    grt = ev[ev["kind"].map(lambda k: bool(FUND_GRANT.search(k)))] if len(ev) else ev
    if len(grt) and np.isfinite(grt["amount"]).any():
        g = grt[np.isfinite(grt["amount"])]
        source = f"events {'/'.join(sorted(set(g['kind'])))}: amount = months waited"
        samples = {v: g.loc[g["variant"] == v, "amount"].to_numpy(float) for v in R["variants"]}
    elif len(grt):
        req = ev[ev["kind"].map(lambda k: bool(FUND_REQ.search(k)))]
        if len(req):
            source = (f"events {'/'.join(sorted(set(req['kind'])))} -> "
                      f"{'/'.join(sorted(set(grt['kind'])))}")
            keys = ["run", "partnership_index"]
            gq = {k: sorted(x["month"]) for k, x in grt.groupby(keys)}
            waits = {v: [] for v in R["variants"]}
            for k, x in req.groupby(keys):
                gm = list(gq.get(k, []))
                for m in sorted(x["month"]):
                    j = next((i for i, y in enumerate(gm) if y >= m), None)
                    if j is None:
                        break
                    waits[x["variant"].iloc[0]].append(gm.pop(j) - m)
            samples = {v: np.asarray(w, float) for v, w in waits.items()}
    if not samples or not any(len(x) for x in samples.values()):
        wait_series = [x for x in R["run_series"] if re.search(r"wait", x, re.I)]
        wait_series.sort(key=lambda x: x != "fund_wait_funded_mean")
        if wait_series:
            s = wait_series[0]
            source = f"series {s}: value in the last month of each run"
            samples = {}
            for v in R["variants"]:
                x = R["data"][s][(d["variant"] == v).to_numpy(), -1]
                samples[v] = x[np.isfinite(x)]
            xlabel = ylabel(s, R["units"])
    if not samples or not any(len(x) for x in samples.values()):
        W.note("no waiting-time figure: the file has no fund_paid events and no *wait* series")
        return
    print(f"plot: waiting times: {source}")
    fig, ax = plt.subplots(figsize=(7, 4))
    allx = np.concatenate([x for x in samples.values() if len(x)])
    bins = np.histogram_bin_edges(allx, bins=min(40, max(5, len(np.unique(allx)))))
    for (v, x), c in zip(samples.items(), colors(len(samples))):
        if len(x):
            ax.hist(x, bins=bins, histtype="step", density=True, color=c, linewidth=1.5,
                    label=f"{v}: median {np.median(x):.3g} (n={len(x)})")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    ax.set_title(f"{R['title']}: pooled-fund waiting times\n{source}", fontsize="medium")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    W.save(fig, "waiting_times")


# ---------------------------------------------------- variant differences

def variant_differences(R, keys, W):
    """diff = variant - first variant per (point, replicate); mean and 95 %
    t-interval of the horizon sum of each key series."""
    d = R["design"]
    vs = R["variants"]
    if len(vs) < 2:
        W.note("no variant differences: the file has one variant")
        return None
    base = vs[0]
    rows = []
    for s in keys:
        tot = pd.Series(np.nansum(R["data"][s], axis=1), index=d.index)
        frame = pd.DataFrame({"variant": d["variant"], "point": d["point"], "replicate": d["replicate"],
                              "total": tot})
        wide = frame.pivot_table(index=["point", "replicate"], columns="variant", values="total",
                                 aggfunc="first")
        for v in vs[1:]:
            if v not in wide or base not in wide:
                continue
            diff = (wide[v] - wide[base]).dropna().to_numpy()
            k = len(diff)
            mean = diff.mean() if k else np.nan
            sd = diff.std(ddof=1) if k > 1 else np.nan
            half = t_quantile(0.975, k - 1) * sd / math.sqrt(k) if k > 1 else np.nan
            rows.append({"series": s, "units": R["units"].get(s, ""), "variant": v, "baseline": base,
                         "pairs": k, "mean_diff": mean, "sd_diff": sd,
                         "ci95_low": mean - half, "ci95_high": mean + half})
    tab = pd.DataFrame(rows)
    if tab.empty:
        W.note("no variant differences: no replicate appears in two variants")
        return None
    csv = os.path.join(W.out, "variant_differences.csv")
    tab.to_csv(csv, index=False)
    W.files.append(csv)
    fig, axes = plt.subplots(len(keys), 1, figsize=(7, 1.1 + 1.0 * len(keys) * max(1, (len(vs) - 1) ** 0.5)),
                             squeeze=False)
    for ax, s in zip(axes[:, 0], keys):
        t = tab[tab["series"] == s]
        y = np.arange(len(t))
        ax.errorbar(t["mean_diff"], y, xerr=[t["mean_diff"] - t["ci95_low"], t["ci95_high"] - t["mean_diff"]],
                    fmt="o", capsize=4, color="C0")
        ax.axvline(0, color="grey", linewidth=0.8)
        ax.set_yticks(y, [f"{v} (n={p})" for v, p in zip(t["variant"], t["pairs"])])
        ax.set_ylim(-0.7, len(t) - 0.3)
        u = R["units"].get(s, "")
        unit = f" ({u.replace('/month', '')})" if u and u != "1" and u.endswith("/month") else (
            f" ({u} x months)" if u and u != "1" else "")
        big_numbers(ax.xaxis, R["units"], s)
        ax.set_xlabel(f"difference in the sum of {s} over {len(R['months'])} months{unit}")
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(f"{R['title']}: variant - {base}, paired by replicate, mean and 95 % CI", fontsize="medium")
    fig.tight_layout()
    W.save(fig, "variant_differences")
    return tab


# --------------------------------------------------------------- tornado

def tornado(R, path, W):
    """Indices from /sensitivity: a string dataset naming the parameters
    (parameter, parameter_name or name) and numeric datasets over it, 1-d
    (parameter) or 2-d (output, parameter) with an output name dataset."""
    if not R["has_sensitivity"]:
        W.note("no tornado chart: the file has no /sensitivity group (no sensitivity analysis in it)")
        return
    import h5py
    with h5py.File(path, "r") as f:
        g = f["sensitivity"]
        pname = next((k for k in ("parameter", "parameter_name", "parameters", "name") if k in g
                      and g[k].dtype.kind in "OS"), None)
        if pname is None:
            W.note("no tornado chart: /sensitivity has no dataset of parameter names (parameter)")
            return
        params = rr._strings(g[pname])
        oname = next((k for k in ("output", "series", "output_name") if k in g and g[k].dtype.kind in "OS"), None)
        outputs = rr._strings(g[oname]) if oname else None
        idx = {}
        for k, ds in g.items():
            if not isinstance(ds, h5py.Dataset) or ds.dtype.kind not in "fiu" or k in (pname, oname):
                continue
            a = np.asarray(ds[()], float)
            if a.ndim == 1 and len(a) == len(params):
                idx[k] = {"": a}
            elif a.ndim == 2 and a.shape[1] == len(params):
                names = outputs if outputs and len(outputs) == a.shape[0] else [str(i) for i in range(a.shape[0])]
                idx[k] = dict(zip(names, a))
            elif a.ndim == 2 and a.shape[0] == len(params):
                names = outputs if outputs and len(outputs) == a.shape[1] else [str(i) for i in range(a.shape[1])]
                idx[k] = dict(zip(names, a.T))
    panels = [(k, o, v) for k, by in idx.items() for o, v in by.items()]
    if not panels:
        W.note("no tornado chart: /sensitivity holds no index dataset over its parameters")
        return
    panels = panels[:8]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7, 0.6 + (0.3 * len(params) + 0.6) * len(panels)),
                             squeeze=False)
    for ax, (k, o, v) in zip(axes[:, 0], panels):
        order = np.argsort(np.abs(np.nan_to_num(v)))
        ax.barh(np.arange(len(order)), v[order], color=["C3" if x < 0 else "C0" for x in v[order]])
        ax.set_yticks(np.arange(len(order)), [params[i] for i in order], fontsize="small")
        ax.axvline(0, color="grey", linewidth=0.8)
        ax.set_xlabel(f"{k}{' of ' + o if o else ''}")
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(f"{R['title']}: sensitivity (largest at the top)", fontsize="medium")
    fig.tight_layout()
    W.save(fig, "tornado")


# ------------------------------------------------------------------ main

def main(argv=None):
    ap = argparse.ArgumentParser(prog="plot.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("file", help="regsim results file (.h5)")
    ap.add_argument("--out", help="output directory (created if missing)")
    ap.add_argument("--series", help="comma-separated key series (default: preferred ones present)")
    ap.add_argument("--dpi", type=int, default=110, help="PNG resolution (default 110)")
    a = ap.parse_args(argv)
    try:
        R = load(a.file)
    except (OSError, ValueError, KeyError) as e:
        print(f"plot: error: {a.file}: {e}", file=sys.stderr)
        return 2
    if R["n"] == 0:
        print(f"plot: error: {a.file}: no completed runs", file=sys.stderr)
        return 2
    if a.series:
        keys = [s for s in a.series.split(",") if s]
        bad = [s for s in keys if s not in R["data"]]
        if bad:
            print(f"plot: error: no run series {', '.join(bad)}; the file has: {', '.join(R['run_series'])}",
                  file=sys.stderr)
            return 2
    else:
        keys = [s for s in KEY_SERIES if s in R["data"]] or R["run_series"][:4]
    if not keys:
        print(f"plot: error: {a.file}: no (run, month) series in the file", file=sys.stderr)
        return 2
    out = a.out or os.path.splitext(os.path.basename(a.file))[0] + "_plots"
    os.makedirs(out, exist_ok=True)
    W = Writer(out, a.dpi)
    fan_charts(R, keys, W)
    survival(R, a.file, W)
    waiting_times(R, a.file, W)
    tab = variant_differences(R, keys, W)
    if tab is not None:
        with pd.option_context("display.width", 200):
            print(tab.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    tornado(R, a.file, W)
    print("files written:")
    for p in W.files:
        print(f"  {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
