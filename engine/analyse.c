/*
 * analyse.c - `regsim compare` and `regsim sensitivity`: analyses of a
 * complete results file, from the file alone.
 *
 * A metric is one number per run, written SERIES:STAT with STAT one of
 * end (value at the last month), total (sum over the horizon), mean (mean
 * over the months), max, min; SERIES alone means SERIES:end. Metrics are
 * computed from /summary when it has them (end, total, mean), else from
 * the series read back in blocks of runs.
 *
 * compare: paired differences variant - baseline per replicate (common
 * random numbers: the same replicate draws the same random numbers in
 * every variant), mean with a 95% t interval, per design point (--per-point)
 * or pooled over points (default).
 *
 * sensitivity: Sobol indices (saltelli designs) or Morris statistics
 * (morris designs) of a metric averaged over the replications of each
 * design point; written to /sensitivity. See docs/experiments.md.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <gsl/gsl_cdf.h>
#include "h5out.h"
#include "h5util.h"
#include "internal.h"
#include "sensitivity.h"

static int afail(const char *cmd, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "regsim %s: error: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

/* ------------------------------------------------------------ the file */

typedef struct rfile {
    hid_t f;
    long nruns, H, R;
    int nvariants, npoints;
    char **vnames;
    int *variant, *point, *replicate; /* [nruns] */
} rfile;

static void rfile_close(rfile *r)
{
    if (r->f >= 0) H5Fclose(r->f);
    for (int i = 0; r->vnames && i < r->nvariants; i++) free(r->vnames[i]);
    free(r->vnames);
    free(r->variant);
    free(r->point);
    free(r->replicate);
}

static int read_i64_attr(hid_t o, const char *name, long *v)
{
    long long x = 0;
    if (H5Aexists(o, name) <= 0) return -1;
    hid_t a = H5Aopen(o, name, H5P_DEFAULT);
    int rc = H5Aread(a, H5T_NATIVE_LLONG, &x) < 0 ? -1 : 0;
    H5Aclose(a);
    *v = (long)x;
    return rc;
}


static int read_ints(hid_t f, const char *name, int *buf, long n)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t sp = H5Dget_space(d);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    int rc = np == n && H5Dread(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 ? 0 : -1;
    H5Sclose(sp);
    H5Dclose(d);
    return rc;
}

static char **read_strings(hid_t f, const char *name, int *n)
{
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return NULL;
    hid_t sp = H5Dget_space(d);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    char **raw = calloc((size_t)np + 1, sizeof *raw), **out = calloc((size_t)np + 1, sizeof *out);
    hid_t ft = H5Dget_type(d);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5Tget_cset(ft));
    H5Tclose(ft);
    int ok = raw && out && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0;
    for (hssize_t i = 0; ok && i < np; i++) out[i] = rs_strdup(raw[i] ? raw[i] : "");
    if (ok) H5Dvlen_reclaim(t, sp, H5P_DEFAULT, raw);
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
    free(raw);
    if (!ok) { free(out); return NULL; }
    *n = (int)np;
    return out;
}

static int rfile_open(const char *cmd, const char *path, int rw, rfile *r)
{
    memset(r, 0, sizeof *r);
    r->f = -1;
    if (!getenv("RS_HDF5_ERRORS")) H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int kind = rs_h5_is_results(path);
    if (kind < 0) return afail(cmd, 2, "%s: not a readable HDF5 file", path);
    if (kind == 0) return afail(cmd, 2, "%s: an HDF5 file, but not a regsim results file", path);
    r->f = H5Fopen(path, rw ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r->f < 0) return afail(cmd, 1, "%s: cannot open%s", path, rw ? " for writing" : "");
    long done = 0;
    if (read_i64_attr(r->f, "runs_total", &r->nruns) || read_i64_attr(r->f, "runs_completed", &done) ||
        read_i64_attr(r->f, "horizon_months", &r->H) || read_i64_attr(r->f, "replications", &r->R))
        return afail(cmd, 2, "%s: missing run counts (runs_total, runs_completed, horizon_months, replications)", path);
    if (done != r->nruns)
        return afail(cmd, 2, "%s: incomplete (%ld of %ld runs); finish it with `regsim run --resume` first", path,
                     done, r->nruns);
    r->vnames = read_strings(r->f, "variant_name", &r->nvariants);
    r->variant = malloc((size_t)r->nruns * sizeof(int) + 1);
    r->point = malloc((size_t)r->nruns * sizeof(int) + 1);
    r->replicate = malloc((size_t)r->nruns * sizeof(int) + 1);
    if (!r->vnames || !r->variant || !r->point || !r->replicate ||
        read_ints(r->f, "design/variant", r->variant, r->nruns) || read_ints(r->f, "design/point", r->point, r->nruns) ||
        read_ints(r->f, "design/replicate", r->replicate, r->nruns))
        return afail(cmd, 2, "%s: cannot read /variant_name and /design (variant, point, replicate)", path);
    r->npoints = 0;
    for (long i = 0; i < r->nruns; i++) if (r->point[i] + 1 > r->npoints) r->npoints = r->point[i] + 1;
    if ((long)r->nvariants * r->npoints * r->R != r->nruns)
        return afail(cmd, 2, "%s: %d variants x %d points x %ld replications is not the %ld runs of the file", path,
                     r->nvariants, r->npoints, r->R, r->nruns);
    return 0;
}

/* run of (variant, point, replicate) */
static long run_of(const rfile *r, int v, int p, int rep)
{
    return ((long)v * r->npoints + p) * r->R + rep;
}

/* ------------------------------------------------------------- metrics */

static const char *const stats[] = {"end", "total", "mean", "max", "min", NULL};

/* Parse SERIES[:STAT]; 0 ok. */
static int parse_metric(const char *cmd, const rfile *r, const char *spec, char *series, size_t n, int *stat)
{
    const char *colon = strrchr(spec, ':');
    snprintf(series, n, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
    *stat = 0;
    if (colon) {
        *stat = rs_name_index(stats, colon + 1);
        if (*stat < 0)
            return afail(cmd, 2, "metric '%s': unknown statistic '%s'; did you mean '%s'? (allowed: end, total, mean, max, min)",
                         spec, colon + 1, rs_nearest_name(colon + 1, stats, 5));
    }
    const rs_model *m = rs_model_get();
    int known = 0;
    for (size_t s = 0; s < m->nseries; s++) known |= !strcmp(m->series[s].name, series);
    hid_t d = known ? H5Dopen2(r->f, series, H5P_DEFAULT) : -1;
    if (d < 0) {
        const char *names[256];
        size_t k = 0;
        for (size_t s = 0; s < m->nseries && k < 256; s++) names[k++] = m->series[s].name;
        return afail(cmd, 2, "metric '%s': no run series '%s' in the file; did you mean '%s'? (see `regsim describe`)",
                     spec, series, k ? rs_nearest_name(series, names, k) : "");
    }
    H5Dclose(d);
    return 0;
}

/* One value per run of SERIES:STAT into out[nruns]. */
static int metric_values(const rfile *r, const char *series, int stat, double *out)
{
    const long H = r->H;
    char name[300];
    if (stat <= 2) { /* /summary has end and total per run */
        snprintf(name, sizeof name, "summary/%s_%s", series, stat == 0 ? "end" : "total");
        hid_t d = H5Lexists(r->f, "summary", H5P_DEFAULT) > 0 ? H5Dopen2(r->f, name, H5P_DEFAULT) : -1;
        if (d >= 0) {
            int rc = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0 ? -1 : 0;
            H5Dclose(d);
            if (!rc) {
                if (stat == 2) for (long i = 0; i < r->nruns; i++) out[i] /= (double)H;
                return 0;
            }
        }
    }
    hid_t d = H5Dopen2(r->f, series, H5P_DEFAULT);
    if (d < 0) return -1;
    long block = (1L << 20) / (H > 0 ? H : 1);
    if (block < 1) block = 1;
    double *buf = malloc((size_t)block * H * sizeof *buf);
    int rc = buf ? 0 : -1;
    for (long r0 = 0; r0 < r->nruns && !rc; r0 += block) {
        long nr = r->nruns - r0 < block ? r->nruns - r0 : block;
        hid_t fs = H5Dget_space(d);
        hsize_t start[2] = {(hsize_t)r0, 0}, count[2] = {(hsize_t)nr, (hsize_t)H};
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
        hid_t ms = H5Screate_simple(2, count, NULL);
        rc = H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0 ? -1 : 0;
        H5Sclose(ms);
        H5Sclose(fs);
        for (long i = 0; i < nr && !rc; i++) {
            const double *row = buf + (size_t)i * H;
            double v = stat == 0 ? row[H - 1] : stat >= 3 ? row[0] : 0;
            for (long m = 0; m < H && stat != 0; m++) {
                if (stat == 1 || stat == 2) v += row[m];
                else if (stat == 3 && row[m] > v) v = row[m];
                else if (stat == 4 && row[m] < v) v = row[m];
            }
            out[r0 + i] = stat == 2 ? v / H : v;
        }
    }
    free(buf);
    H5Dclose(d);
    return rc;
}

static void json_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(o, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(o, "\\u%04x", *s);
        else fputc(*s, o);
    }
    fputc('"', o);
}

static void json_num(FILE *o, double v)
{
    if (isfinite(v)) fprintf(o, "%.10g", v);
    else fprintf(o, "null");
}

/* ------------------------------------------------------------- compare */

static void help_compare(FILE *f)
{
    fprintf(f,
            "usage: regsim compare RESULTS.h5 [--metric SERIES:STAT ...] [--baseline VARIANT]\n"
            "                      [--per-point] [--json]\n\n"
            "Paired differences between each variant and the baseline variant, per\n"
            "replicate: the same replicate draws the same random numbers in every variant\n"
            "(common random numbers), so the pairs cancel most of the noise. Shows the mean\n"
            "difference with its 95%% t confidence interval and the number of pairs n.\n\n"
            "  --metric M      SERIES:STAT, STAT one of end, total, mean, max, min (SERIES\n"
            "                  alone: end); repeatable. Default: net_value:total,\n"
            "                  mean_trust:end, active_partnerships:end (those in the file)\n"
            "  --baseline V    variant name (default: the first variant)\n"
            "  --per-point     with an experiment design: one row per design point (default:\n"
            "                  pairs pooled over the points, n = points x replications)\n"
            "  --json          machine-readable output\n");
}

int rs_cli_compare(int argc, char **argv)
{
    const char *C = "compare";
    const char *path = NULL, *baseline = NULL;
    const char *metrics[64];
    int nmet = 0, json = 0, per_point = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { help_compare(stdout); return 0; }
        if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--per-point")) per_point = 1;
        else if (!strcmp(a, "--metric") || !strcmp(a, "--baseline")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "regsim compare: %s needs a value\nTry 'regsim compare --help'.\n", a);
                return 2;
            }
            if (a[2] == 'm') { if (nmet < 64) metrics[nmet++] = argv[++i]; }
            else baseline = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "regsim compare: unknown option '%s'\nTry 'regsim compare --help'.\n", a);
            return 2;
        } else if (path) {
            fprintf(stderr, "regsim compare: expected one results file, found also '%s'\nTry 'regsim compare --help'.\n", a);
            return 2;
        } else path = a;
    }
    if (!path) {
        fprintf(stderr, "regsim compare: expected a results file\nTry 'regsim compare --help'.\n");
        return 2;
    }
    rfile r;
    int code = rfile_open(C, path, 0, &r);
    if (code) { rfile_close(&r); return code; }
    int b = 0;
    if (baseline) {
        b = -1;
        for (int v = 0; v < r.nvariants; v++) if (!strcmp(r.vnames[v], baseline)) b = v;
        if (b < 0) {
            code = afail(C, 2, "--baseline '%s': no such variant; did you mean '%s'?", baseline,
                         rs_nearest_name(baseline, (const char *const *)r.vnames, (size_t)r.nvariants));
            rfile_close(&r);
            return code;
        }
    }
    const char *defaults[] = {"net_value:total", "mean_trust:end", "active_partnerships:end"};
    if (!nmet) {
        for (int i = 0; i < 3; i++) {
            char s[64];
            snprintf(s, sizeof s, "%.*s", (int)(strchr(defaults[i], ':') - defaults[i]), defaults[i]);
            if (H5Lexists(r.f, s, H5P_DEFAULT) > 0) metrics[nmet++] = defaults[i];
        }
        if (!nmet) {
            code = afail(C, 2, "none of the default metrics is in the file; name one with --metric");
            rfile_close(&r);
            return code;
        }
    }
    double *y = malloc((size_t)r.nruns * sizeof *y + 8), *d = malloc((size_t)(r.npoints * r.R) * sizeof *d + 8);
    if (!y || !d) { free(y); free(d); rfile_close(&r); return afail(C, 1, "out of memory"); }
    if (r.nvariants < 2 && !json)
        printf("%s: only one variant (%s): nothing to compare\n", path, r.vnames[0]);
    if (json) {
        printf("{\"file\": ");
        json_str(stdout, path);
        printf(", \"baseline\": ");
        json_str(stdout, r.vnames[b]);
        printf(", \"replications\": %ld, \"points\": %d, \"pooled_over_points\": %s, \"confidence_level\": 0.95,"
               " \"comparisons\": [", r.R, r.npoints, per_point || r.npoints == 1 ? "false" : "true");
    } else if (r.nvariants > 1) {
        printf("%s: paired differences variant - %s, per replicate (common random numbers); 95%% t intervals\n", path,
               r.vnames[b]);
        if (r.npoints > 1)
            printf("%d design points x %ld replications: %s\n", r.npoints, r.R,
                   per_point ? "one row per point" : "pairs pooled over the points (--per-point to split)");
        printf("\n%-26s %-24s %6s %6s %14s %14s %29s\n", "metric", "variant", "point", "n", "baseline", "difference",
               "95% CI of the difference");
    }
    int first = 1;
    for (int k = 0; k < nmet; k++) {
        char series[256];
        int stat;
        if ((code = parse_metric(C, &r, metrics[k], series, sizeof series, &stat))) break;
        if (metric_values(&r, series, stat, y)) { code = afail(C, 1, "%s: cannot read series %s", path, series); break; }
        char mname[300];
        snprintf(mname, sizeof mname, "%s:%s", series, stats[stat]);
        for (int v = 0; v < r.nvariants; v++) {
            if (v == b) continue;
            int np = per_point ? r.npoints : 1;
            for (int pp = 0; pp < np; pp++) {
                long n = 0;
                double bsum = 0, vsum = 0;
                for (int p = per_point ? pp : 0; p < (per_point ? pp + 1 : r.npoints); p++)
                    for (int rep = 0; rep < r.R; rep++) {
                        double yb = y[run_of(&r, b, p, rep)], yv = y[run_of(&r, v, p, rep)];
                        d[n++] = yv - yb;
                        bsum += yb;
                        vsum += yv;
                    }
                double mean = 0, ss = 0;
                for (long i = 0; i < n; i++) mean += d[i];
                mean /= n;
                for (long i = 0; i < n; i++) ss += (d[i] - mean) * (d[i] - mean);
                double sd = n > 1 ? sqrt(ss / (n - 1)) : NAN;
                double h = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n) : NAN;
                if (json) {
                    printf("%s\n  {\"metric\": ", first ? "" : ",");
                    json_str(stdout, mname);
                    printf(", \"variant\": ");
                    json_str(stdout, r.vnames[v]);
                    printf(", \"point\": ");
                    if (per_point && r.npoints > 1) printf("%d", pp); else printf("null");
                    printf(", \"n\": %ld, \"baseline_mean\": ", n);
                    json_num(stdout, bsum / n);
                    printf(", \"variant_mean\": ");
                    json_num(stdout, vsum / n);
                    printf(", \"mean_difference\": ");
                    json_num(stdout, mean);
                    printf(", \"sd_difference\": ");
                    json_num(stdout, sd);
                    printf(", \"ci_lo\": ");
                    json_num(stdout, mean - h);
                    printf(", \"ci_hi\": ");
                    json_num(stdout, mean + h);
                    printf("}");
                } else {
                    char pt[16], ci[64];
                    if (per_point && r.npoints > 1) snprintf(pt, sizeof pt, "%d", pp); else snprintf(pt, sizeof pt, "%s", r.npoints > 1 ? "all" : "-");
                    if (isfinite(h)) snprintf(ci, sizeof ci, "[%.5g, %.5g]", mean - h, mean + h);
                    else snprintf(ci, sizeof ci, "(n < 2)");
                    printf("%-26s %-24s %6s %6ld %14.6g %14.6g %29s%s\n", mname, r.vnames[v], pt, n, bsum / n, mean,
                           ci, isfinite(h) && (mean - h > 0 || mean + h < 0) ? " *" : "");
                }
                first = 0;
            }
        }
    }
    if (json && !code) printf("\n]}\n");
    else if (!code && r.nvariants > 1) printf("\n(* : the interval excludes 0)\n");
    free(y);
    free(d);
    rfile_close(&r);
    return code;
}

/* --------------------------------------------------------- sensitivity */

static void help_sensitivity(FILE *f)
{
    fprintf(f,
            "usage: regsim sensitivity RESULTS.h5 [--metric SERIES:STAT] [--variant V]\n"
            "                          [--bootstrap B] [--seed S] [--json]\n\n"
            "Global sensitivity of one metric to the factors of the file's experiment:\n"
            "  saltelli design: first-order (S1, Saltelli 2010) and total (ST, Jansen)\n"
            "                   Sobol indices with percentile-bootstrap 95%% intervals\n"
            "  morris design:   mu* (mean |elementary effect|), mu and sigma per factor\n"
            "(elementary effects are per unit of the factor's range: the unit cube).\n"
            "The metric (default net_value:total) is averaged over the replications of each\n"
            "design point. The indices are written to the file as /sensitivity.\n\n"
            "  --metric M      SERIES:STAT as for `regsim compare`\n"
            "  --variant V     which variant's points (default: the first)\n"
            "  --bootstrap B   bootstrap resamples for the intervals (default 1000, 0: none)\n"
            "  --seed S        bootstrap seed (default 1; the result is deterministic)\n"
            "  --json          machine-readable output\n");
}

static int write_sensitivity(hid_t f, int k, char **names, const char *const *dnames, double **data, int nd,
                             const char *metric, const char *method, const char *variant, int nboot, long seed,
                             long npoints)
{
    if (H5Lexists(f, "sensitivity", H5P_DEFAULT) > 0) H5Ldelete(f, "sensitivity", H5P_DEFAULT);
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t g = H5Gcreate2(f, "sensitivity", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    if (g < 0) return -1;
    int rc = 0;
    struct { const char *n, *v; } sa[] = {{"metric", metric}, {"method", method}, {"variant", variant}};
    for (int i = 0; i < 3; i++) {
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, strlen(sa[i].v) + 1);
        hid_t sp = H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(g, sa[i].n, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        rc |= a < 0 || H5Awrite(a, t, sa[i].v) < 0;
        if (a >= 0) H5Aclose(a);
        H5Sclose(sp);
        H5Tclose(t);
    }
    long long nums[3] = {nboot, seed, npoints};
    const char *nn[3] = {"bootstrap", "bootstrap_seed", "design_points"};
    for (int i = 0; i < 3; i++) {
        hid_t sp = H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(g, nn[i], H5T_NATIVE_LLONG, sp, H5P_DEFAULT, H5P_DEFAULT);
        rc |= a < 0 || H5Awrite(a, H5T_NATIVE_LLONG, &nums[i]) < 0;
        if (a >= 0) H5Aclose(a);
        H5Sclose(sp);
    }
    hsize_t n = (hsize_t)k;
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, H5T_VARIABLE);
    H5Tset_cset(st, H5T_CSET_UTF8);
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t dp = H5Dcreate2(g, "parameter", st, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc |= dp < 0 || H5Dwrite(dp, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0;
    rs_h5u_scale *ps = NULL; /* owns dp */
    if (!rc) rc |= !(ps = rs_h5u_scale_make(dp, "parameter"));
    else if (dp >= 0) H5Dclose(dp);
    for (int i = 0; i < nd && !rc; i++) {
        hid_t d = H5Dcreate2(g, dnames[i], H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        rc |= d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data[i]) < 0 ||
              rs_h5u_attach(d, 1, &ps) < 0;
        if (d >= 0) H5Dclose(d);
    }
    rc |= rs_h5u_scale_close(ps);
    H5Sclose(sp);
    H5Tclose(st);
    H5Gclose(g);
    return rc ? -1 : 0;
}

int rs_cli_sensitivity(int argc, char **argv)
{
    const char *C = "sensitivity";
    const char *path = NULL, *metric = NULL, *variant = NULL;
    int json = 0;
    long nboot = 1000, seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { help_sensitivity(stdout); return 0; }
        if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--metric") || !strcmp(a, "--variant") || !strcmp(a, "--bootstrap") || !strcmp(a, "--seed")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "regsim sensitivity: %s needs a value\nTry 'regsim sensitivity --help'.\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "--metric")) metric = v;
            else if (!strcmp(a, "--variant")) variant = v;
            else {
                char *end;
                long x = strtol(v, &end, 10);
                if (*end || !*v || x < 0 || x > 1000000) {
                    fprintf(stderr, "regsim sensitivity: %s: expected a whole number from 0 to 1000000, found '%s'\n"
                                    "Try 'regsim sensitivity --help'.\n", a, v);
                    return 2;
                }
                if (a[2] == 'b') nboot = x; else seed = x;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "regsim sensitivity: unknown option '%s'\nTry 'regsim sensitivity --help'.\n", a);
            return 2;
        } else if (path) {
            fprintf(stderr, "regsim sensitivity: expected one results file, found also '%s'\n"
                            "Try 'regsim sensitivity --help'.\n", a);
            return 2;
        } else path = a;
    }
    if (!path) {
        fprintf(stderr, "regsim sensitivity: expected a results file\nTry 'regsim sensitivity --help'.\n");
        return 2;
    }
    rfile r;
    int code = rfile_open(C, path, 1, &r);
    if (code) { rfile_close(&r); return code; }
    char design[64] = "";
    hid_t ge = H5Lexists(r.f, "experiment", H5P_DEFAULT) > 0 ? H5Gopen2(r.f, "experiment", H5P_DEFAULT) : -1;
    if (ge >= 0) rs_h5u_attr_read_str(ge, "design", design, sizeof design);
    int saltelli = !strcmp(design, "saltelli"), morris = !strcmp(design, "morris");
    if (!saltelli && !morris) {
        if (ge >= 0) H5Gclose(ge);
        rfile_close(&r);
        return afail(C, 2, "%s: %s; sensitivity needs an experiment with design \"saltelli\" (Sobol indices) or "
                           "\"morris\" (elementary effects)", path,
                     ge < 0 ? "the file has no /experiment (the scenario has no \"experiment\" block)" : "the design is not saltelli or morris");
    }
    long N = 0, npts = 0, k = 0;
    read_i64_attr(ge, saltelli ? "points" : "trajectories", &N);
    read_i64_attr(ge, "design_points", &npts);
    read_i64_attr(ge, "factors", &k);
    int nk = 0;
    char **names = read_strings(ge, "factor_name", &nk);
    double *unit = malloc((size_t)(npts * k) * sizeof *unit + 8);
    int bad = !names || nk != k || !unit || npts != r.npoints ||
              npts != (saltelli ? N * (k + 2) : N * (k + 1));
    if (!bad) {
        hid_t d = H5Dopen2(ge, "unit", H5P_DEFAULT);
        bad = d < 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, unit) < 0;
        if (d >= 0) H5Dclose(d);
    }
    H5Gclose(ge);
    int v = 0;
    if (!bad && variant) {
        v = -1;
        for (int i = 0; i < r.nvariants; i++) if (!strcmp(r.vnames[i], variant)) v = i;
        if (v < 0) {
            code = afail(C, 2, "--variant '%s': no such variant; did you mean '%s'?", variant,
                         rs_nearest_name(variant, (const char *const *)r.vnames, (size_t)r.nvariants));
            goto done;
        }
    }
    if (bad) { code = afail(C, 2, "%s: /experiment is incomplete or does not match the runs", path); goto done; }
    if (!metric) metric = "net_value:total";
    char series[256];
    int stat;
    if ((code = parse_metric(C, &r, metric, series, sizeof series, &stat))) goto done;
    char mname[300];
    snprintf(mname, sizeof mname, "%s:%s", series, stats[stat]);
    double *y = malloc((size_t)r.nruns * sizeof *y + 8), *yp = malloc((size_t)npts * sizeof *yp + 8);
    double *res[6];
    for (int i = 0; i < 6; i++) res[i] = malloc((size_t)k * sizeof(double) + 8);
    int oom = !y || !yp;
    for (int i = 0; i < 6; i++) oom |= !res[i];
    if (oom || metric_values(&r, series, stat, y)) {
        code = afail(C, 1, "%s: cannot read %s", path, series);
    } else {
        for (long p = 0; p < npts; p++) {
            double s = 0;
            for (long rep = 0; rep < r.R; rep++) s += y[run_of(&r, v, (int)p, (int)rep)];
            yp[p] = s / r.R;
        }
        int rc;
        const char *dn_s[6] = {"S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"};
        const char *dn_m[3] = {"mu_star", "mu", "sigma"};
        if (saltelli) {
            rs_sobol_result sr = {res[0], res[1], res[2], res[3], res[4], res[5]};
            rc = rs_sobol_indices((int)N, (int)k, yp, (int)nboot, (uint64_t)seed, &sr);
        } else {
            rc = rs_morris_indices((int)N, (int)k, unit, yp, res[0], res[1], res[2]);
        }
        if (rc) {
            code = afail(C, 2, "%s: cannot estimate indices of %s: the metric does not vary over the design points", path,
                         mname);
        } else if (write_sensitivity(r.f, (int)k, names, saltelli ? dn_s : dn_m, res, saltelli ? 6 : 3, mname,
                                     saltelli ? "sobol (Saltelli 2010 first order, Jansen total)" : "morris elementary effects",
                                     r.vnames[v], saltelli ? (int)nboot : 0, seed, npts)) {
            code = afail(C, 1, "%s: cannot write /sensitivity", path);
        } else if (json) {
            printf("{\"file\": ");
            json_str(stdout, path);
            printf(", \"metric\": ");
            json_str(stdout, mname);
            printf(", \"variant\": ");
            json_str(stdout, r.vnames[v]);
            printf(", \"design\": \"%s\", \"base_points\": %ld, \"replications\": %ld", design, N, r.R);
            if (saltelli) printf(", \"bootstrap\": %ld, \"bootstrap_seed\": %ld", nboot, seed);
            printf(", \"factors\": [");
            for (long i = 0; i < k; i++) {
                printf("%s\n  {\"parameter\": ", i ? "," : "");
                json_str(stdout, names[i]);
                for (int q = 0; q < (saltelli ? 6 : 3); q++) {
                    printf(", \"%s\": ", saltelli ? dn_s[q] : dn_m[q]);
                    json_num(stdout, res[q][i]);
                }
                printf("}");
            }
            printf("\n]}\n");
        } else {
            printf("%s: %s of %s, variant %s\n", path,
                   saltelli ? "Sobol indices" : "Morris elementary effects", mname, r.vnames[v]);
            if (saltelli) {
                printf("saltelli design: N = %ld base points x (k + 2) = %ld points, %ld replication(s) averaged per point; "
                       "95%% bootstrap intervals (%ld resamples, seed %ld)\n\n", N, npts, r.R, nboot, seed);
                printf("%-36s %8s %-20s %8s %-20s\n", "parameter", "S1", "  95% CI", "ST", "  95% CI");
                for (long i = 0; i < k; i++)
                    printf("%-36s %8.4f  [%7.3f, %7.3f] %8.4f  [%7.3f, %7.3f]\n", names[i], res[0][i], res[1][i],
                           res[2][i], res[3][i], res[4][i], res[5][i]);
            } else {
                printf("morris design: %ld trajectories x (k + 1) = %ld points, %ld replication(s) averaged per point; "
                       "effects per unit of each factor's range\n\n", N, npts, r.R);
                printf("%-36s %14s %14s %14s\n", "parameter", "mu*", "mu", "sigma");
                for (long i = 0; i < k; i++)
                    printf("%-36s %14.6g %14.6g %14.6g\n", names[i], res[0][i], res[1][i], res[2][i]);
            }
            printf("\nwritten to %s:/sensitivity\n", path);
        }
    }
    free(y);
    free(yp);
    for (int i = 0; i < 6; i++) free(res[i]);
done:
    for (int i = 0; names && i < nk; i++) free(names[i]);
    free(names);
    free(unit);
    rfile_close(&r);
    return code;
}
