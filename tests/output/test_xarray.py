#!/usr/bin/python3
"""A real results file opens in xarray (engine h5netcdf) and h5py with
named dimensions, units and long names, and its values agree with what
the run printed and with the design.

usage: test_xarray.py REGSIM_BINARY
"""
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def main():
    regsim = sys.argv[1]
    scen = os.path.join(ROOT, "scenarios", "drechtsteden.json")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d.h5")
        run = subprocess.run([regsim, "run", scen, "-o", out, "-t", "2"], capture_output=True, text=True)
        check(run.returncode == 0, "run failed: " + run.stderr)
        # the summary table: variant, runs, net_value total, mean_trust end, active end
        printed = {}
        for line in run.stdout.splitlines():
            m = re.match(r"^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)$", line)
            if m and m.group(1) != "variant":
                printed[m.group(1)] = [int(m.group(2))] + [float(x) for x in m.group(3, 4, 5)]
        check(set(printed) == {"default", "heavy-coordination"}, f"summary rows {printed}")

        ds = xr.open_dataset(out, engine="h5netcdf")
        design = xr.open_dataset(out, engine="h5netcdf", group="design")
        events = xr.open_dataset(out, engine="h5netcdf", group="events")
        summ = xr.open_dataset(out, engine="h5netcdf", group="summary")
        check(summ["net_value_mean"].dims == ("set", "month"), f"summary dims {summ['net_value_mean'].dims}")
        check(summ["net_value_total"].dims == ("run",), "summary per-run dims")
        check(ds["net_value"].dims == ("run", "month"), f"net_value dims {ds['net_value'].dims}")
        check(ds["muni_reserves"].dims == ("run", "month", "municipality"), "municipality series dims")
        check(ds.sizes["run"] == 40 and ds.sizes["month"] == 120 and ds.sizes["municipality"] == 7, f"sizes {dict(ds.sizes)}")
        check(list(ds["month"].values[:3]) == [1, 2, 3], "month coordinate starts at 1")
        check(ds["net_value"].attrs.get("units") == "EUR/month", "units attribute")
        check("net value" in ds["net_value"].attrs.get("long_name", "") or "savings" in ds["net_value"].attrs.get("long_name", ""), "long_name attribute")
        for v in ds.data_vars:
            check("long_name" in ds[v].attrs, f"{v} has a long_name")
        check(set(ds["municipality_name"].values) >= {"Dordrecht", "Zwijndrecht"}, "municipality names")
        check(int(ds.attrs["runs_completed"]) == 40 and int(ds.attrs["complete"]) == 1, "completion attributes")

        # values agree with the printed summary (printed with 7 significant digits)
        names = [str(x) for x in ds["variant_name"].values]
        for v, name in enumerate(names):
            sel = design["variant"].values == v
            nv = ds["net_value"].values[sel]
            total = nv.sum(axis=1).mean()
            trust = ds["mean_trust"].values[sel][:, -1].mean()
            active = ds["active_partnerships"].values[sel][:, -1].mean()
            p = printed.get(name, [0, np.nan, np.nan, np.nan])
            check(p[0] == sel.sum(), f"{name}: runs {p[0]} vs {sel.sum()}")
            check(abs(total - p[1]) <= 1e-6 * abs(total), f"{name}: net_value total {total} vs printed {p[1]}")
            check(abs(trust - p[2]) <= 1e-6, f"{name}: mean_trust {trust} vs printed {p[2]}")
            check(abs(active - p[3]) <= 1e-4, f"{name}: active {active} vs printed {p[3]}")

        # the design joins runs to inputs
        check(design.sizes["run"] == 40, "design has every run")
        check(list(design["replicate"].values[:3]) == [0, 1, 2], "replicates")
        tc = design["production.tc_rate"].values
        check(np.all(tc[design["variant"].values == 0] == 0.005) and np.all(tc[design["variant"].values == 1] == 0.01),
              "parameter values per variant in the design")
        check(design["production.fixed_cost"].attrs.get("units") == "EUR/month", "parameter units")
        # common random numbers: replicate r has the same seed in every variant
        seeds = design["seed"].values
        check(np.array_equal(seeds[:20], seeds[20:]), "CRN: seeds repeat across variants")
        check(len(set(seeds[:20])) == 20, "replicates have distinct seeds")
        # net value is realised savings minus transaction costs, never above gross savings
        check(bool(np.all(ds["net_value"].values <= ds["gross_savings"].values - ds["transaction_costs"].values + 1e-6)),
              "net_value <= gross_savings - transaction_costs")
        # events: the planned waste partnership starts forming once per run, at its start month
        # (the two partnerships active from month 0 log no formation; kind 0 = partnership_formed)
        ev = events.to_dataframe()
        starts = ev[ev["kind"] == 0]
        waste = starts[starts["partnership"] == 2]
        check(len(waste) == 40, f"{len(waste)} partnership_formed events of the waste partnership")
        check(bool(np.all(waste["month"] == 13)), "the waste partnership starts at month 13")
        check(not bool(np.any(starts["partnership"] < 2)), "partnerships active at the start log no formation")
        check("partnership_formed" in events["kind"].attrs.get("flag_meanings", ""), "event kinds named")

        # h5py sees the same numbers and real dimension scales
        with h5py.File(out, "r") as f:
            check(np.array_equal(f["net_value"][:], ds["net_value"].values), "h5py and xarray agree")
            dims = [d.label for d in f["net_value"].dims]
            check(dims == ["run", "month"], f"dimension labels {dims}")
            check(f["net_value"].compression == "gzip", "compressed")
            # the dimension-scale attributes are written by regsim itself
            # (engine/h5util.c): every attached dimension is listed in both
            # directions, so h5py's dimension API and netCDF readers agree
            links, backs = set(), set()

            def visit(name, obj):
                if not isinstance(obj, h5py.Dataset):
                    return
                for dim, sc_ref in enumerate(obj.attrs.get("DIMENSION_LIST", [])):
                    for r in sc_ref:
                        links.add((obj.name, dim, f[r].name))
                for ds_ref, dim in obj.attrs.get("REFERENCE_LIST", []):
                    backs.add((f[ds_ref].name, int(dim), obj.name))
            f.visititems(visit)
            check(len(links) > 300 and links == backs, f"dimension lists and reference lists agree ({len(links)} vs {len(backs)})")
            check([d.label for d in f["summary/net_value_mean"].dims] == ["set", "month"], "summary dimension labels")
            check(f["summary/net_value_mean"].dims[1][0].name == "/summary/month", "summary month scale via h5py")
            check(all(h5py.h5ds.is_scale(f[p].id) for p in ("run", "design/run", "events/event", "summary/set")), "scales marked as such")
            scen_json = f["provenance/scenario"][()]
            check(b"Dordrecht" in scen_json, "resolved scenario stored")
            check("command_line" in f["provenance"].attrs and "start_time" in f["provenance"].attrs, "provenance")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
