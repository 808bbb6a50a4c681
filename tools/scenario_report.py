#!/usr/bin/python3
"""scenario_report - a per-variant table of what a scenario's results show.

usage: /usr/bin/python3 tools/scenario_report.py RESULTS.h5 [options]

  --vs VARIANT        also print paired differences (variant - VARIANT, per
                      replicate: common random numbers) with 95% CIs
  --muni NAME         add rows for one municipality (needs municipality
                      series): trust received, net benefit, memberships
  --months M,M,...    months at which --muni rows are read (default: the
                      horizon)
  --metrics a,b,...   only these rows (names as printed in the first column)
  --markdown          print Markdown tables (for docs/experiments.md)

Every row is computed per run, then averaged over the replications of each
variant. Rows whose series are not in the file, and rows that are 0 in every
run (e.g. success_many in a region where nobody is in over 40
partnerships), are left out. Row names:

  net_value_cum        cumulative net value over the run (EUR million)
  net_value_late       mean net value over months 61..H (EUR thousand a month)
  gross_savings_cum    cumulative gross savings (EUR million)
  transaction_cum      cumulative transaction costs (EUR million)
  kpi_overhead_cum     cumulative KPI overhead (EUR million)
  kpi_share_end        KPI overhead / gross savings at month H
  kpi_mean_end         KPIs per producing partnership at month H
  active_end           active partnerships at month H
  dissolved_end        partnerships dissolved or failed by month H
  ended:NAME           share of runs in which partnership NAME dissolved or
                       failed (event log; scenario partnerships, up to 6)
  fund_fail_share      failed / (funded + failed) pooled funds over the run
  fund_wait_funded     mean months waited by the funded funds (runs with one)
  funds_failed         failed funds per run
  trust_end            mean trust between co-members at month H
  sat_small            satisfaction of small members, mean over months 13..H
  sat_mean             satisfaction of all members, mean over months 13..H
  exits                member exits per run
  keyperson_departures key-person departures per run
  success_share        share of succeeding memberships, months 13..H
  success_few          the same for municipalities in 6-15 partnerships
  success_many         the same for municipalities in over 40 partnerships
  attention_mean       attention adequacy, mean over months 13..H
  formality_mean       formality, mean over months 13..H
  gini_end             Gini of net benefit per inhabitant at month H
  spending_change      change of total municipal spending, months 61..H (share)
  savings_rate         net value / standalone cost, months 61..H
  savings_rate_tax     the same for tax partnerships
"""
import math
import sys

import h5py
import numpy as np


def _s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def t975(df):
    z = 1.959963984540054
    if df <= 0:
        return float("inf")
    return (z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3))


class Results:
    def __init__(self, path):
        self.f = f = h5py.File(path, "r")
        self.variants = [_s(s) for s in f["variant_name"][()]]
        self.nruns = int(f.attrs["runs_completed"])
        self.var = f["design/variant"][()][:self.nruns]
        self.rep = f["design/replicate"][()][:self.nruns]
        self.H = f["month"].shape[0]
        self.munis = [_s(s) for s in f["municipality_name"][()]] if "municipality_name" in f else []
        self.pnames = [_s(s) for s in f["partnership_name"][()]] if "partnership_name" in f else []
        self.cache = {}

    def has(self, name):
        return name in self.f

    def s(self, name):
        """[run, month] array of a run series (completed runs)."""
        if name not in self.cache:
            self.cache[name] = self.f[name][:self.nruns]
        return self.cache[name]

    def months(self, name, a, b):
        return self.s(name)[:, a - 1:b].mean(axis=1)

    def end(self, name):
        return self.s(name)[:, self.H - 1]

    def cum(self, name):
        return self.s(name).sum(axis=1)

    def event_runs(self, kind, partnership):
        """Per run: 1 if the event log holds KIND for PARTNERSHIP."""
        if "events/kind" not in self.f:
            return None
        a = self.f["events/kind"].attrs
        names = _s(a["flag_meanings"]).split()
        if kind not in names:
            return None
        k = int(list(a["flag_values"])[names.index(kind)])
        run = self.f["events/run"][()]
        ek = self.f["events/kind"][()]
        ep = self.f["events/partnership"][()]
        hit = np.zeros(self.nruns)
        sel = run[(ek == k) & (ep == partnership)]
        hit[sel[sel < self.nruns]] = 1.0
        return hit


def metrics(R, muni=None, months=None):
    """(row name, meaning, per-run values) for every row the file supports."""
    H = R.H
    late = min(61, H)
    early = min(13, H)
    rows = []

    def add(name, meaning, need, fn):
        if all(R.has(n) for n in need):
            rows.append((name, meaning, np.asarray(fn(), float)))

    add("net_value_cum", "cumulative net value (EUR million)", ["net_value"],
        lambda: R.cum("net_value") / 1e6)
    add("net_value_late", f"net value, mean months {late}-{H} (EUR thousand/month)", ["net_value"],
        lambda: R.months("net_value", late, H) / 1e3)
    add("gross_savings_cum", "cumulative gross savings (EUR million)", ["gross_savings"],
        lambda: R.cum("gross_savings") / 1e6)
    add("transaction_cum", "cumulative transaction costs (EUR million)", ["transaction_costs"],
        lambda: R.cum("transaction_costs") / 1e6)
    add("kpi_overhead_cum", "cumulative KPI overhead (EUR million)", ["kpi_overhead"],
        lambda: R.cum("kpi_overhead") / 1e6)

    def kshare():
        ko, gs = R.end("kpi_overhead"), R.end("gross_savings")
        return np.where(gs > 0, ko / np.where(gs > 0, gs, 1), np.nan)
    add("kpi_share_end", f"KPI overhead / gross savings at month {H}", ["kpi_overhead", "gross_savings"], kshare)
    add("kpi_mean_end", f"KPIs per partnership at month {H}", ["kpi_mean"], lambda: R.end("kpi_mean"))
    add("active_end", f"active partnerships at month {H}", ["active_partnerships"],
        lambda: R.end("active_partnerships"))
    add("dissolved_end", f"partnerships dissolved or failed by month {H}", ["dissolved_partnerships"],
        lambda: R.end("dissolved_partnerships"))
    if len(R.pnames) <= 6:
        for p, pn in enumerate(R.pnames):
            hit = R.event_runs("partnership_dissolved", p)
            hit2 = R.event_runs("partnership_failed", p)
            if hit is not None:
                if hit2 is not None:
                    hit = np.maximum(hit, hit2)
                rows.append((f"ended:{pn}", f"share of runs in which {pn} dissolved or failed (event log)", hit))

    def ffail():
        fu, fa = R.cum("projects_funded"), R.cum("projects_failed")
        tot = fu + fa
        return np.where(tot > 0, fa / np.maximum(tot, 1), np.nan)
    if R.has("projects_funded") and (R.cum("projects_funded") + R.cum("projects_failed")).sum() > 0:
        add("fund_fail_share", "failed / (funded + failed) pooled funds", ["projects_funded", "projects_failed"], ffail)
        add("fund_wait_funded", "months waited by funded funds (runs with one)",
            ["fund_wait_funded_mean", "projects_funded"],
            lambda: np.where(R.cum("projects_funded") > 0, R.end("fund_wait_funded_mean"), np.nan))
        add("funds_failed", "failed pooled funds per run", ["projects_failed"], lambda: R.cum("projects_failed"))
    add("trust_end", f"mean trust between co-members at month {H}", ["mean_trust"], lambda: R.end("mean_trust"))
    add("sat_small", f"satisfaction of small members, months {early}-{H}", ["satisfaction_small"],
        lambda: R.months("satisfaction_small", early, H))
    add("sat_mean", f"satisfaction of all members, months {early}-{H}", ["satisfaction_mean"],
        lambda: R.months("satisfaction_mean", early, H))
    add("exits", "member exits per run", ["exits"], lambda: R.cum("exits"))
    add("keyperson_departures", "key-person departures per run", ["keyperson_departures"],
        lambda: R.cum("keyperson_departures"))
    add("success_share", f"share of succeeding memberships, months {early}-{H}", ["success_share"],
        lambda: R.months("success_share", early, H))
    add("success_few", f"success, municipalities in 6-15 partnerships, months {early}-{H}", ["success_few"],
        lambda: R.months("success_few", early, H))
    add("success_many", f"success, municipalities in >40 partnerships, months {early}-{H}", ["success_many"],
        lambda: R.months("success_many", early, H))
    add("attention_mean", f"attention adequacy, months {early}-{H}", ["attention_mean"],
        lambda: R.months("attention_mean", early, H))
    add("formality_mean", f"formality, months {early}-{H}", ["formality_mean"],
        lambda: R.months("formality_mean", early, H))
    add("gini_end", f"Gini of net benefit per inhabitant at month {H}", ["gini_net_benefit"],
        lambda: R.end("gini_net_benefit"))
    add("spending_change", f"change of total spending, months {late}-{H} (share of budgets)", ["spending_change"],
        lambda: R.months("spending_change", late, H))
    add("savings_rate", f"net value / standalone cost, months {late}-{H}", ["savings_rate"],
        lambda: R.months("savings_rate", late, H))
    add("savings_rate_tax", f"the same, tax partnerships, months {late}-{H}", ["savings_rate_tax"],
        lambda: R.months("savings_rate_tax", late, H))
    if muni is not None:
        if muni not in R.munis:
            raise SystemExit(f"no municipality {muni!r} in the file (or no municipality series)")
        j = R.munis.index(muni)
        for m in months or [H]:
            for name, label, scale in (("muni_trust_received", "trust received", 1),
                                       ("muni_net_benefit", "net benefit (EUR thousand/month)", 1e3),
                                       ("muni_memberships", "memberships", 1)):
                if R.has(name):
                    d = R.f[name]
                    vals = np.array([d[k, m - 1, j] for k in range(R.nruns)]) / scale
                    rows.append((f"{muni}:{name[5:]}@{m}", f"{muni}: {label} at month {m}", vals))
    return rows


def fmt(x):
    if x is None or not np.isfinite(x):
        return "-"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    if a >= 0.01:
        return f"{x:.3f}"
    if a >= 0.0001:
        return f"{x:.4f}"
    return f"{x:.1e}"


def table(header, rows, markdown):
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    w = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(r))
    return "\n".join([line(header)] + [line(r) for r in rows])


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    path, vs, muni, months, only, md = argv[0], None, None, None, None, False
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--vs":
            vs = argv[i + 1]; i += 2
        elif a == "--muni":
            muni = argv[i + 1]; i += 2
        elif a == "--months":
            months = [int(x) for x in argv[i + 1].split(",")]; i += 2
        elif a == "--metrics":
            only = argv[i + 1].split(","); i += 2
        elif a == "--markdown":
            md = True; i += 1
        else:
            print(f"unknown option {a}", file=sys.stderr)
            return 2
    R = Results(path)
    rows = metrics(R, muni, months)
    rows = [r for r in rows if np.any(np.nan_to_num(r[2]) != 0) or (only and r[0] in only)]
    if only:
        rows = [r for r in rows if r[0] in only]
    V = R.variants
    nrep = [int((R.var == v).sum()) for v in range(len(V))]
    print(f"{path}: scenario {_s(R.f.attrs.get('scenario', b'?'))}, {R.nruns} runs, "
          f"horizon {R.H} months; means over replications ({', '.join(f'{v} {n}' for v, n in zip(V, nrep))})")
    print()
    body = []
    for name, meaning, vals in rows:
        body.append([name] + [fmt(np.nanmean(vals[R.var == v])) if np.any(np.isfinite(vals[R.var == v])) else "-"
                              for v in range(len(V))] + ([meaning] if md else []))
    print(table(["row"] + V + (["meaning"] if md else []), body, md))
    if vs is not None:
        if vs not in V:
            raise SystemExit(f"no variant {vs!r}; variants: {V}")
        r0 = V.index(vs)
        ref_idx = {int(R.rep[k]): k for k in range(R.nruns) if R.var[k] == r0}
        others = [v for v in range(len(V)) if v != r0]
        body = []
        for name, meaning, vals in rows:
            row = [name]
            for v in others:
                d = []
                for k in range(R.nruns):
                    if R.var[k] == v and int(R.rep[k]) in ref_idx:
                        a, b = vals[k], vals[ref_idx[int(R.rep[k])]]
                        if np.isfinite(a) and np.isfinite(b):
                            d.append(a - b)
                d = np.array(d)
                if d.size < 2:
                    row.append("-")
                    continue
                m = d.mean()
                h = t975(d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
                row.append(f"{fmt(m)} [{fmt(m - h)}, {fmt(m + h)}]")
            body.append(row)
        print()
        print(f"paired differences, variant - {vs}, mean over replicates [95% CI]:")
        print()
        print(table(["row"] + [V[v] for v in others], body, md))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
