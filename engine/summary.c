/*
 * summary.c - /experiment and /summary of a complete results file.
 *
 * Called once at the end of a batch (engine/batch.c, engine/mpi.c on rank
 * 0) after the file is closed: it reopens the file, reads each run series
 * back in blocks of parameter sets (or, when one set's replications do not
 * fit the budget, in strips of months), and writes per set and month the
 * mean, sd, 95% t confidence interval of the mean and the 5/50/95%
 * quantiles across replications (on the batch's threads), plus per run the
 * value at the last month and the total over the horizon. Memory is bounded by
 * rs_summary_block_doubles whatever the number of runs. Layout follows the
 * rest of the file (netCDF-4: dimension scales, creation order, units and
 * long_name). See docs/output.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <omp.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include "experiment.h"
#include "internal.h"
#include "summary.h"
#include "h5util.h"

size_t rs_summary_block_doubles = (size_t)4 << 20; /* 32 MiB of series values */
static size_t rs_summary_cache_bytes = (size_t)64 << 20;

size_t rs_summary_kept_doubles(const rs_scenario *sc)
{
    const char *cb = getenv("RS_SUMMARY_CACHE_BYTES");
    if (cb && *cb) rs_summary_cache_bytes = (size_t)strtoull(cb, NULL, 10);
    size_t n = rs_model_get()->nseries * (size_t)rs_scenario_nruns(sc) * (size_t)sc->horizon;
    return n && n <= rs_summary_cache_bytes / sizeof(double) ? n : 0;
}

/* Order statistic k (0-based) of x[0..n). x[0..*lo) holds the *lo smallest
 * values, and a k < *lo must be one selected before (then x[k] is final).
 * Otherwise quickselect in x[*lo..n), which it reorders; afterwards x[k] is
 * in place and *lo = k + 1. */
static double order_stat(double *x, size_t n, size_t *lo, size_t k)
{
    if (k < *lo) return x[k];
    size_t l = *lo, r = n; /* k is in [l, r) */
    while (r - l > 1) {
        size_t m = l + (r - l) / 2;
        double a = x[l], b = x[m], c = x[r - 1];
        double piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        /* Partitions without branches on the data (a mispredicted branch
         * per element made the Hoare partition 10 % of a 1,000-run
         * command): [l, p) < piv, then [p, q) == piv < [q, r). */
        size_t p = l;
        for (size_t i = l; i < r; i++) {
            double v = x[i];
            x[i] = x[p];
            x[p] = v;
            p += v < piv;
        }
        if (k < p) { r = p; continue; }
        size_t q = p;
        for (size_t i = p; i < r; i++) {
            double v = x[i];
            x[i] = x[q];
            x[q] = v;
            q += v <= piv;
        }
        if (k < q || q == p) break; /* x[k] equals the pivot (q == p: a NaN pivot) */
        l = q;
    }
    *lo = k + 1;
    return x[k];
}

/* The quantile f of x as gsl_stats_quantile_from_sorted_data computes it on
 * sorted data (linear between order statistics), by selection instead of a
 * sort: the same value in O(n). Quantiles must be asked in increasing f. */
static double quantile_select(double *x, size_t n, size_t *lo, double f)
{
    const double index = f * (n - 1);
    const size_t lhs = (size_t)index;
    const double delta = index - lhs;
    double vl = order_stat(x, n, lo, lhs);
    if (lhs == n - 1) return vl;
    /* the next order statistic is the smallest value right of lhs: moved
     * into place, so that everything left of *lo stays selected */
    size_t k = lhs + 1, mi = k;
    if (k >= *lo) {
        for (size_t i = k + 1; i < n; i++) if (x[i] < x[mi]) mi = i;
        double t = x[k]; x[k] = x[mi]; x[mi] = t;
        *lo = k + 1;
    }
    double vh = x[k];
    return (1 - delta) * vl + delta * vh;
}

/* rs_stats_compute with the t quantile of n - 1 degrees of freedom given */
static void stats_t(double *x, size_t n, double t, rs_stats *s)
{
    s->mean = s->sd = s->ci_lo = s->ci_hi = s->q05 = s->q50 = s->q95 = NAN;
    if (!n) return;
    double sum = 0;
    for (size_t i = 0; i < n; i++) sum += x[i];
    s->mean = sum / n;
    if (n > 1) {
        double ss = 0;
        for (size_t i = 0; i < n; i++) ss += (x[i] - s->mean) * (x[i] - s->mean);
        s->sd = sqrt(ss / (n - 1));
        double h = t * s->sd / sqrt((double)n);
        s->ci_lo = s->mean - h;
        s->ci_hi = s->mean + h;
    }
    size_t lo = 0;
    s->q05 = quantile_select(x, n, &lo, 0.05);
    s->q50 = quantile_select(x, n, &lo, 0.50);
    s->q95 = quantile_select(x, n, &lo, 0.95);
}

static double t975(size_t n)
{
    return n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) : NAN;
}

void rs_stats_compute(double *x, size_t n, rs_stats *s)
{
    stats_t(x, n, t975(n), s);
}

/* ---------------------------------------------------------- HDF5 helpers */

static hid_t dset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims)
{
    const double nan = NAN;
    return rs_h5u_dataset(loc, name, type, rank, dims, 4, H5Tget_class(type) == H5T_FLOAT ? &nan : NULL);
}

/* Whole 1-d dataset over dimension scale dim (NULL: make it a scale, *keep). */
static int put_1d(hid_t loc, const char *name, hid_t type, hsize_t n, const void *data, rs_h5u_scale *dim,
                  const char *units, const char *ln, rs_h5u_scale **keep)
{
    hid_t d = dset(loc, name, type, 1, &n);
    if (d < 0) return -1;
    int rc = n && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0;
    if (!rc) rc = rs_h5u_describe(d, units, ln);
    if (!rc && dim) rc = rs_h5u_attach(d, 1, &dim);
    if (!rc && !dim && keep) {
        *keep = rs_h5u_scale_make(d, name);
        return *keep ? 0 : -1;
    }
    H5Dclose(d);
    return rc ? -1 : 0;
}

static int put_strings(hid_t loc, const char *name, hsize_t n, const char *const *s, rs_h5u_scale *dim, const char *ln)
{
    hid_t t = rs_h5u_vlen_str();
    int rc = put_1d(loc, name, t, n, s, dim, NULL, ln, NULL);
    H5Tclose(t);
    return rc;
}

/* --------------------------------------------------------- /experiment */

static int write_experiment(hid_t f, const rs_scenario *sc)
{
    const rs_experiment *e = sc->experiment;
    hid_t g = rs_h5u_group_create(f, "experiment");
    if (g < 0) return -1;
    int rc = 0;
    hsize_t n = (hsize_t)e->npoints, k = (hsize_t)e->nfactors;
    rc |= rs_h5u_attr_str(g, "description", "the design matrix: one row per design point; parameter set = variant * "
                                     "design_points + point (see /design)");
    rc |= rs_h5u_attr_str(g, "design", rs_design_names[e->kind]);
    rc |= rs_h5u_attr_i64(g, "design_points", e->npoints);
    rc |= rs_h5u_attr_i64(g, "factors", e->nfactors);
    rc |= rs_h5u_attr_i64(g, "variants", sc->nvariants);
    rc |= rs_h5u_attr_i64(g, "replications", sc->replications);
    if (e->kind == RS_DESIGN_SALTELLI || e->kind == RS_DESIGN_SOBOL || e->kind == RS_DESIGN_LATIN_HYPERCUBE)
        rc |= rs_h5u_attr_i64(g, "points", e->base_points);
    if (e->kind == RS_DESIGN_SALTELLI)
        rc |= rs_h5u_attr_str(g, "layout", "rows [0,N) = A, [N,2N) = B, [(2+i)N,(3+i)N) = AB_i (A with column i from B)");
    if (e->kind == RS_DESIGN_MORRIS) {
        rc |= rs_h5u_attr_i64(g, "trajectories", e->base_points);
        rc |= rs_h5u_attr_i64(g, "grid_levels", e->grid_levels);
        rc |= rs_h5u_attr_f64(g, "delta", e->grid_levels / (2.0 * (e->grid_levels - 1)));
        rc |= rs_h5u_attr_str(g, "layout", "trajectory t is rows [t(k+1), (t+1)(k+1)); consecutive rows differ in one factor");
    }
    if (e->kind == RS_DESIGN_LATIN_HYPERCUBE || e->kind == RS_DESIGN_MORRIS)
        rc |= rs_h5u_attr_i64(g, "seed", (long long)e->seed);
    if (e->kind == RS_DESIGN_CSV) rc |= rs_h5u_attr_str(g, "csv", e->csv);
    if (rc) { H5Gclose(g); return -1; }

    int *iv = malloc((n > k ? n : k) * sizeof *iv + 1);
    const char **names = malloc(k * sizeof *names + 1);
    double *lo = malloc(k * sizeof *lo + 1), *hi = malloc(k * sizeof *hi + 1);
    const char **dist = malloc(k * sizeof *dist + 1);
    if (!iv || !names || !lo || !hi || !dist) rc = -1;
    rs_h5u_scale *d_point = NULL, *d_factor = NULL;
    if (!rc) {
        for (hsize_t i = 0; i < n; i++) iv[i] = (int)i;
        rc |= put_1d(g, "point", H5T_NATIVE_INT, n, iv, NULL, "1", "design point index", &d_point);
        for (hsize_t i = 0; i < k; i++) iv[i] = (int)i;
        rc |= put_1d(g, "factor", H5T_NATIVE_INT, k, iv, NULL, "1", "factor index", &d_factor);
    }
    if (!rc) {
        for (hsize_t i = 0; i < k; i++) {
            const rs_factor *fa = &e->factors[i];
            names[i] = fa->name;
            lo[i] = fa->nlevels || e->kind == RS_DESIGN_CSV ? NAN : fa->lo;
            hi[i] = fa->nlevels || e->kind == RS_DESIGN_CSV ? NAN : fa->hi;
            dist[i] = e->kind == RS_DESIGN_CSV ? "csv" : fa->nlevels ? "levels" : fa->loguniform ? "loguniform" : "uniform";
            iv[i] = fa->nlevels;
        }
        rc |= put_strings(g, "factor_name", k, names, d_factor, "parameter varied by the factor");
        rc |= put_strings(g, "factor_distribution", k, dist, d_factor,
                          "how unit coordinates map to values: uniform, loguniform, levels (stratum i of nlevels), csv");
        rc |= put_1d(g, "factor_lo", H5T_NATIVE_DOUBLE, k, lo, d_factor, NULL, "lower end of the range (NaN: levels)", NULL);
        rc |= put_1d(g, "factor_hi", H5T_NATIVE_DOUBLE, k, hi, d_factor, NULL, "upper end of the range (NaN: levels)", NULL);
        rc |= put_1d(g, "factor_nlevels", H5T_NATIVE_INT, k, iv, d_factor, "1", "number of levels (0: a range)", NULL);
    }
    struct { const char *name; hid_t type; const void *data; const char *ln; } mats[3] = {
        {"unit", H5T_NATIVE_DOUBLE, e->unit, "design point in the unit cube (NaN for full_factorial and csv)"},
        {"level", H5T_NATIVE_INT, e->level, "level index of the factor (-1 for ranges)"},
        {"value", H5T_NATIVE_DOUBLE, e->values, "parameter value (enums and booleans as their code)"},
    };
    hsize_t dims[2] = {n, k};
    for (int i = 0; i < 3 && !rc; i++) {
        hid_t d = dset(g, mats[i].name, mats[i].type, 2, dims);
        rc |= d < 0;
        if (d >= 0) {
            rc |= n && k && H5Dwrite(d, mats[i].type, H5S_ALL, H5S_ALL, H5P_DEFAULT, mats[i].data) < 0;
            rc |= rs_h5u_attach(d, 2, (rs_h5u_scale *[]){d_point, d_factor}) || rs_h5u_describe(d, "1", mats[i].ln);
            H5Dclose(d);
        }
    }
    rc |= rs_h5u_scale_close(d_point);
    rc |= rs_h5u_scale_close(d_factor);
    free(iv); free(names); free(lo); free(hi); free(dist);
    H5Gclose(g);
    return rc ? -1 : 0;
}

/* ------------------------------------------------------------ /summary */

static const char *const stat_names[7] = {"mean", "sd", "ci_lo", "ci_hi", "q05", "q50", "q95"};
static const char *const stat_text[7] = {
    "mean over replications", "standard deviation over replications",
    "lower end of the 95% t confidence interval of the mean", "upper end of the 95% t confidence interval of the mean",
    "5% quantile over replications", "median over replications", "95% quantile over replications"};

static void total_units(const char *u, char *out, size_t n)
{
    size_t l = strlen(u);
    if (l > 6 && strcmp(u + l - 6, "/month") == 0) snprintf(out, n, "%.*s", (int)(l - 6), u);
    else if (!strcmp(u, "1")) snprintf(out, n, "month");
    else snprintf(out, n, "%s month", u);
}

typedef struct sum_ctx {
    hid_t g;
    rs_h5u_scale *d_set, *d_month, *d_run;
    hsize_t nsets, H, R, nruns;
    int nthreads;
} sum_ctx;

static int write_rows(hid_t d, hsize_t r0, hsize_t nr, hsize_t ncol, const double *buf)
{
    hid_t fs = H5Dget_space(d);
    int rank = H5Sget_simple_extent_ndims(fs);
    hsize_t start[2] = {r0, 0}, count[2] = {nr, ncol};
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t ms = H5Screate_simple(rank, count, NULL);
    int rc = H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0 ? -1 : 0;
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

/* Rows [r0, r0+nr), months [c0, c0+nc) of a series, row-major: from the
 * rows kept in memory (mem: [nruns][H]; whole rows are used in place,
 * a strip of months is copied into buf) or else read from its dataset d
 * into buf. NULL if reading failed. */
static const double *read_block(hid_t d, const double *mem, hsize_t H, hsize_t r0, hsize_t nr, hsize_t c0,
                                hsize_t nc, double *buf)
{
    if (mem && nc == H) return mem + r0 * H;
    if (mem) {
        for (hsize_t i = 0; i < nr; i++) memcpy(buf + i * nc, mem + (r0 + i) * H + c0, nc * sizeof *buf);
        return buf;
    }
    hid_t fs = H5Dget_space(d);
    hsize_t start[2] = {r0, c0}, count[2] = {nr, nc};
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t ms = H5Screate_simple(2, count, NULL);
    int rc = H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0 ? -1 : 0;
    H5Sclose(ms);
    H5Sclose(fs);
    return rc ? NULL : buf;
}

/* Summarise one series. */
static int summarise_series(sum_ctx *c, hid_t src, const double *mem, const rs_series_def *sd)
{
    const hsize_t H = c->H, R = c->R, nsets = c->nsets;
    hid_t out[9];
    int rc = 0;
    char name[256], ln[512], tu[64];
    hsize_t d2[2] = {nsets, H}, d1 = c->nruns;
    for (int s = 0; s < 9; s++) out[s] = -1;
    for (int s = 0; s < 7 && !rc; s++) {
        snprintf(name, sizeof name, "%s_%s", sd->name, stat_names[s]);
        snprintf(ln, sizeof ln, "%s of %s", stat_text[s], sd->long_name);
        out[s] = dset(c->g, name, H5T_NATIVE_DOUBLE, 2, d2);
        rc |= out[s] < 0 || rs_h5u_attach(out[s], 2, (rs_h5u_scale *[]){c->d_set, c->d_month}) ||
              rs_h5u_describe(out[s], sd->units, ln);
    }
    total_units(sd->units, tu, sizeof tu);
    for (int s = 7; s < 9 && !rc; s++) {
        snprintf(name, sizeof name, "%s_%s", sd->name, s == 7 ? "end" : "total");
        snprintf(ln, sizeof ln, "%s: %s", s == 7 ? "value at the last month" : "total over the horizon", sd->long_name);
        out[s] = dset(c->g, name, H5T_NATIVE_DOUBLE, 1, &d1);
        rc |= out[s] < 0 || rs_h5u_attach(out[s], 1, &c->d_run) || rs_h5u_describe(out[s], s == 7 ? sd->units : tu, ln);
    }
    /* blocks of sets; a set too big for the budget is done in month strips */
    size_t budget = rs_summary_block_doubles < 16 ? 16 : rs_summary_block_doubles;
    hsize_t per_set = R * H;
    hsize_t sets_per_block = per_set <= budget ? budget / per_set : 1;
    if (sets_per_block > nsets) sets_per_block = nsets;
    hsize_t strip = per_set <= budget ? H : (budget / R >= 1 ? budget / R : 1);
    if (strip > H) strip = H;
    double *buf = malloc((size_t)(sets_per_block * R * strip) * sizeof *buf + 8);
    const int nt = c->nthreads > 1 ? c->nthreads : 1;
    double *col = malloc((size_t)nt * (size_t)R * sizeof *col + 8); /* a column per thread */
    const double tq = t975((size_t)R);
    double *stats = malloc((size_t)(7 * sets_per_block * H) * sizeof *stats + 8);
    double *endv = malloc((size_t)(sets_per_block * R) * sizeof *endv + 8);
    double *tot = malloc((size_t)(sets_per_block * R) * sizeof *tot + 8);
    if (!buf || !col || !stats || !endv || !tot) rc = -1;
    for (hsize_t s0 = 0; s0 < nsets && !rc; s0 += sets_per_block) {
        hsize_t ns = nsets - s0 < sets_per_block ? nsets - s0 : sets_per_block;
        memset(tot, 0, (size_t)(ns * R) * sizeof *tot);
        for (hsize_t m0 = 0; m0 < H && !rc; m0 += strip) {
            hsize_t nm = H - m0 < strip ? H - m0 : strip;
            const double *blk = read_block(src, mem, H, s0 * R, ns * R, m0, nm, buf);
            if (!blk) { rc = -1; break; }
            /* per run: totals (summed in month order) and the last month */
            for (hsize_t si = 0; si < ns; si++)
                for (hsize_t m = 0; m < nm; m++)
                    for (hsize_t r = 0; r < R; r++) {
                        double v = blk[((si * R) + r) * nm + m];
                        tot[si * R + r] += v;
                        if (m0 + m == H - 1) endv[si * R + r] = v;
                    }
            /* per set and month: the statistics, independent of each other,
             * on the batch's threads */
            const long ncell = (long)(ns * nm);
#pragma omp parallel for num_threads(nt) schedule(static) if (nt > 1 && ncell > 1)
            for (long cix = 0; cix < ncell; cix++) {
                const hsize_t si = (hsize_t)cix / nm, m = (hsize_t)cix % nm;
                double *x = col + (size_t)omp_get_thread_num() * R;
                for (hsize_t r = 0; r < R; r++) x[r] = blk[((si * R) + r) * nm + m];
                rs_stats st;
                stats_t(x, (size_t)R, tq, &st);
                double vals[7] = {st.mean, st.sd, st.ci_lo, st.ci_hi, st.q05, st.q50, st.q95};
                for (int q = 0; q < 7; q++) stats[((size_t)q * ns + si) * H + m0 + m] = vals[q];
            }
        }
        for (int q = 0; q < 7 && !rc; q++) rc |= write_rows(out[q], s0, ns, H, stats + (size_t)q * ns * H);
        if (!rc) rc |= write_rows(out[7], s0 * R, ns * R, 1, endv) || write_rows(out[8], s0 * R, ns * R, 1, tot);
    }
    free(buf); free(col); free(stats); free(endv); free(tot);
    for (int s = 0; s < 9; s++) if (out[s] >= 0) H5Dclose(out[s]);
    return rc;
}

static int write_summary(hid_t f, const rs_scenario *sc, int nthreads, const double *kept)
{
    const rs_model *m = rs_model_get();
    sum_ctx c = {.nsets = (hsize_t)sc->nsets, .H = (hsize_t)sc->horizon, .R = (hsize_t)sc->replications,
                 .nruns = (hsize_t)rs_scenario_nruns(sc), .d_set = NULL, .d_month = NULL, .d_run = NULL,
                 .nthreads = nthreads};
    c.g = rs_h5u_group_create(f, "summary");
    if (c.g < 0) return -1;
    int rc = rs_h5u_attr_str(c.g, "description",
                      "per parameter set (variant x design point) and month, statistics across replications; "
                      "per run, the value at the last month and the total over the horizon");
    rc |= rs_h5u_attr_i64(c.g, "replications", sc->replications);
    rc |= rs_h5u_attr_f64(c.g, "confidence_level", 0.95);
    rc |= rs_h5u_attr_str(c.g, "quantile_method", "linear interpolation between order statistics (numpy default)");
    size_t big = c.nsets > c.nruns ? c.nsets : c.nruns;
    if (big < c.H) big = c.H;
    long long *ll = malloc(big * sizeof *ll + 8);
    int *iv = malloc(big * sizeof *iv + 8);
    const char **sv = malloc(c.nsets * sizeof *sv + 8);
    if (!ll || !iv || !sv) rc = -1;
    if (!rc) {
        for (hsize_t i = 0; i < c.nsets; i++) iv[i] = (int)i;
        rc |= put_1d(c.g, "set", H5T_NATIVE_INT, c.nsets, iv, NULL, "1", "parameter set index (variant x design point)", &c.d_set);
        for (hsize_t i = 0; i < c.H; i++) iv[i] = (int)i + 1;
        rc |= put_1d(c.g, "month", H5T_NATIVE_INT, c.H, iv, NULL, "month", "month since start (1 = first month)", &c.d_month);
        for (hsize_t i = 0; i < c.nruns; i++) ll[i] = (long long)i;
        rc |= put_1d(c.g, "run", H5T_NATIVE_LLONG, c.nruns, ll, NULL, "1", "run index", &c.d_run);
    }
    if (!rc) {
        for (hsize_t i = 0; i < c.nsets; i++) sv[i] = sc->sets[i].label;
        rc |= put_strings(c.g, "set_label", c.nsets, sv, c.d_set, "parameter set label");
        for (hsize_t i = 0; i < c.nsets; i++) iv[i] = sc->sets[i].variant;
        rc |= put_1d(c.g, "set_variant", H5T_NATIVE_INT, c.nsets, iv, c.d_set, "1", "variant index of the set", NULL);
        for (hsize_t i = 0; i < c.nsets; i++) iv[i] = sc->sets[i].point;
        rc |= put_1d(c.g, "set_point", H5T_NATIVE_INT, c.nsets, iv, c.d_set, "1", "design point index of the set", NULL);
    }
    free(ll); free(iv); free(sv);
    for (size_t s = 0; s < m->nseries && !rc; s++) {
        const double *mem = kept ? kept + s * c.nruns * c.H : NULL;
        hid_t src = mem ? -1 : H5Dopen2(f, m->series[s].name, H5P_DEFAULT);
        if (!mem && src < 0) { rc = -1; break; }
        rc |= summarise_series(&c, src, mem, &m->series[s]);
        if (src >= 0) H5Dclose(src);
    }
    rc |= rs_h5u_scale_close(c.d_set);
    rc |= rs_h5u_scale_close(c.d_month);
    rc |= rs_h5u_scale_close(c.d_run);
    H5Gclose(c.g);
    return rc;
}

rs_status rs_results_finish(const char *path, const rs_scenario *sc, int nthreads, const double *kept,
                            rs_error *err)
{
    if (!getenv("RS_HDF5_ERRORS")) H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const char *bd = getenv("RS_SUMMARY_BLOCK_DOUBLES"); /* tests: force the block and strip paths */
    if (bd && atol(bd) > 0) rs_summary_block_doubles = (size_t)atol(bd);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) return rs_error_set(err, RS_EIO, path, 0, NULL, "cannot reopen the results file to write summaries");
    int rc = 0;
    if (sc->experiment) rc |= write_experiment(f, sc);
    else if (H5Lexists(f, "experiment", H5P_DEFAULT) > 0) H5Ldelete(f, "experiment", H5P_DEFAULT);
    if (!rc) rc |= write_summary(f, sc, nthreads, kept);
    rc |= H5Fclose(f) < 0;
    if (rc) return rs_error_set(err, RS_EIO, path, 0, NULL, "cannot write /experiment and /summary (disk full?)");
    return RS_OK;
}
