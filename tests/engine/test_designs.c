/*
 * test_designs.c - experimental designs: point counts, ranges,
 * stratification of latin hypercubes, Sobol sequence properties,
 * Saltelli and Morris structure, full factorial completeness, the
 * scenario's "experiment" block (sets, labels, values, errors), CSV
 * designs and their errors, and common random numbers across points.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "../check.h"
#include "regsim/regsim.h"
#include "experiment.h"
#include "summary.h"

#define REGION "\"region\": {\"municipalities\": [{\"name\": \"Aa\", \"population\": 12000}, " \
               "{\"name\": \"Bee\", \"population\": 48000}, {\"name\": \"Cee\", \"population\": 2385}]}, " \
               "\"partnerships\": [{\"name\": \"ICT\", \"domain\": \"ict\", \"members\": \"all\"}]"

static rs_scenario *parse(const char *exp, const char *extra, rs_error *e)
{
    char json[8192];
    snprintf(json, sizeof json,
             "{\"name\": \"t\", " REGION ", \"horizon_months\": 12, \"replications\": 3, \"seed\": 7, "
             "\"variants\": [{\"name\": \"a\"}, {\"name\": \"b\", \"parameters\": {\"trust\": {\"drift\": 0.02}}}]%s%s%s}",
             exp ? ", \"experiment\": " : "", exp ? exp : "", extra ? extra : "");
    rs_error_clear(e);
    return rs_scenario_parse(json, "t.json", TEST_DATA_DIR, e);
}

static void expect_error(const char *exp, const char *path, const char *msg)
{
    rs_error e;
    rs_scenario *sc = parse(exp, NULL, &e);
    CHECK(sc == NULL, "accepted: %s", exp);
    if (sc) { rs_scenario_free(sc); return; }
    CHECK(e.status == RS_EINPUT, "status %d (%s)", e.status, e.msg);
    if (path) CHECK(strstr(e.path, path) != NULL, "path '%s' lacks '%s' (%s)", e.path, path, e.msg);
    if (msg) CHECK(strstr(e.msg, msg) != NULL, "message '%s' lacks '%s'", e.msg, msg);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    rs_error e;

    /* ---- latin hypercube: one point per stratum in every column, in [0,1) */
    {
        int n = 50, k = 4;
        double *x = malloc(sizeof(double) * n * k), *y = malloc(sizeof(double) * n * k);
        CHECK(rs_design_lhs(n, k, 42, x) == 0, "lhs");
        int strat_ok = 1, range_ok = 1;
        for (int j = 0; j < k; j++) {
            int seen[50] = {0};
            for (int i = 0; i < n; i++) {
                double u = x[i * k + j];
                range_ok &= u >= 0 && u < 1;
                int s = (int)floor(u * n);
                if (s >= 0 && s < n) seen[s]++;
            }
            for (int s = 0; s < n; s++) strat_ok &= seen[s] == 1;
        }
        CHECK(range_ok, "lhs coordinates outside [0,1)");
        CHECK(strat_ok, "lhs: a stratum is empty or has two points");
        rs_design_lhs(n, k, 42, y);
        CHECK(memcmp(x, y, sizeof(double) * n * k) == 0, "lhs not deterministic for a seed");
        rs_design_lhs(n, k, 43, y);
        CHECK(memcmp(x, y, sizeof(double) * n * k) != 0, "lhs same for another seed");
        CHECK(rs_design_lhs(0, k, 1, x) == -1, "lhs n=0 accepted");
        free(x);
        free(y);
    }

    /* ---- Sobol: the first 2^m points put exactly one point in each of the
     * 2^m dyadic intervals of every coordinate (a (0,m,1)-net per axis), the
     * means approach 1/2, no point is the origin */
    {
        int m = 8, n = 1 << m, k = 6;
        double *x = malloc(sizeof(double) * (n + 1) * k);
        CHECK(rs_design_sobol(n + 1, k, x) == 0, "sobol");
        /* gsl skips nothing; we skip the origin, so points 1..n: use the
         * first n - 1 plus check the net over [0, n) from a fresh call */
        int ok = 1, nonzero = 1;
        for (int j = 0; j < k; j++) {
            int seen[256] = {0};
            double mean = 0;
            for (int i = 0; i < n - 1; i++) {
                double u = x[i * k + j];
                seen[(int)floor(u * n)]++;
                mean += u;
            }
            int empty = 0;
            for (int s = 0; s < n; s++) { ok &= seen[s] <= 1; empty += !seen[s]; }
            ok &= empty == 1; /* the origin's cell */
            CHECK_NEAR(mean / (n - 1), 0.5, 0.01);
        }
        for (int i = 0; i < n; i++) {
            int z = 1;
            for (int j = 0; j < k; j++) z &= x[i * k + j] == 0;
            nonzero &= !z;
        }
        CHECK(ok, "sobol: first 2^m points not one per dyadic interval");
        CHECK(nonzero, "sobol includes the origin");
        CHECK(rs_design_sobol(4, 41, x) == -1, "sobol k=41 accepted");
        free(x);
    }

    /* ---- Saltelli: N (k+2) rows; AB_i equals A except column i, from B */
    {
        int N = 16, k = 3;
        double *x = malloc(sizeof(double) * N * (k + 2) * k);
        CHECK(rs_design_saltelli(N, k, x) == 0, "saltelli");
        int ok = 1, differ = 0;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < N; j++) {
                const double *a = x + (size_t)j * k, *b = x + (size_t)(N + j) * k;
                const double *ab = x + ((size_t)(2 + i) * N + j) * k;
                for (int c = 0; c < k; c++) ok &= ab[c] == (c == i ? b[c] : a[c]);
                differ += a[i] != b[i];
            }
        CHECK(ok, "saltelli AB_i layout");
        CHECK(differ >= k * N * 3 / 4, "saltelli A and B share %d coordinates", k * N - differ);
        CHECK(rs_design_saltelli(N, 21, x) == -1, "saltelli k=21 accepted");
        free(x);
    }

    /* ---- Morris: r (k+1) rows on the p-grid; each step moves exactly one
     * factor by +-delta, every factor once per trajectory */
    {
        int r = 20, k = 5, p = 4;
        double delta = p / (2.0 * (p - 1));
        double *x = malloc(sizeof(double) * r * (k + 1) * k);
        CHECK(rs_design_morris(r, k, p, 9, x) == 0, "morris");
        int grid = 1, steps = 1;
        for (int t = 0; t < r; t++) {
            int moved[5] = {0};
            for (int s = 0; s <= k; s++)
                for (int c = 0; c < k; c++) {
                    double v = x[((size_t)t * (k + 1) + s) * k + c] * (p - 1);
                    grid &= fabs(v - round(v)) < 1e-9 && v > -1e-9 && v < p - 1 + 1e-9;
                }
            for (int s = 0; s < k; s++) {
                const double *a = x + ((size_t)t * (k + 1) + s) * k, *b = a + k;
                int nm = 0;
                for (int c = 0; c < k; c++)
                    if (a[c] != b[c]) {
                        nm++;
                        moved[c]++;
                        steps &= fabs(fabs(b[c] - a[c]) - delta) < 1e-9;
                    }
                steps &= nm == 1;
            }
            for (int c = 0; c < k; c++) steps &= moved[c] == 1;
        }
        CHECK(grid, "morris points off the grid");
        CHECK(steps, "morris steps are not one factor by delta");
        CHECK(rs_design_morris(r, k, 3, 9, x) == -1, "morris odd p accepted");
        free(x);
    }

    /* ---- full factorial: every combination exactly once */
    {
        int nl[3] = {2, 3, 4};
        long n = rs_design_full_factorial(3, nl, NULL, 1000);
        CHECK(n == 24, "full factorial count %ld", n);
        int *lv = malloc(sizeof(int) * 24 * 3);
        rs_design_full_factorial(3, nl, lv, 1000);
        int seen[24] = {0}, ok = 1;
        for (int i = 0; i < 24; i++) {
            int code = (lv[i * 3] * 3 + lv[i * 3 + 1]) * 4 + lv[i * 3 + 2];
            ok &= code >= 0 && code < 24;
            if (code >= 0 && code < 24) seen[code]++;
        }
        for (int i = 0; i < 24; i++) ok &= seen[i] == 1;
        CHECK(ok, "full factorial not complete");
        CHECK(rs_design_full_factorial(3, nl, NULL, 10) == -1, "full factorial over the cap accepted");
        free(lv);
    }

    /* ---- stats of a sample */
    {
        double x[5] = {5, 1, 4, 2, 3};
        rs_stats s;
        rs_stats_compute(x, 5, &s);
        CHECK_NEAR(s.mean, 3, 1e-12);
        CHECK_NEAR(s.sd, sqrt(2.5), 1e-12);
        CHECK_NEAR(s.ci_hi - s.mean, 2.776445105 * sqrt(2.5) / sqrt(5.0), 1e-6);
        CHECK_NEAR(s.q50, 3, 1e-12);
        CHECK_NEAR(s.q05, 1.2, 1e-12);
        CHECK_NEAR(s.q95, 4.8, 1e-12);
    }

    /* ---- quantiles by selection equal GSL's on sorted data, exactly, for
     *      sizes 1..300 and many ties (the summary no longer sorts) */
    {
        unsigned long long st = 12345;
        int bad = 0;
        for (int it = 0; it < 3000; it++) {
            size_t n = 1 + (size_t)(it % 300);
            double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
            for (size_t i = 0; i < n; i++) {
                st = st * 6364136223846793005ULL + 1442695040888963407ULL;
                unsigned v = (unsigned)(st >> 33);
                x[i] = it % 3 == 0 ? (double)(v % 4) : it % 3 == 1 ? v / 4294967296.0 : -(double)i;
            }
            memcpy(y, x, n * sizeof *x);
            rs_stats s;
            rs_stats_compute(x, n, &s);
            gsl_sort(y, 1, n);
            bad += s.q05 != gsl_stats_quantile_from_sorted_data(y, 1, n, 0.05) ||
                   s.q50 != gsl_stats_quantile_from_sorted_data(y, 1, n, 0.50) ||
                   s.q95 != gsl_stats_quantile_from_sorted_data(y, 1, n, 0.95);
            free(x); free(y);
        }
        CHECK(bad == 0, "%d of 3000 samples: quantiles differ from GSL's", bad);
    }

    /* ---- scenario: a full factorial of two level factors x 2 variants */
    {
        rs_scenario *sc = parse("{\"design\": \"full_factorial\", \"factors\": {"
                                "\"trust.learning_rate\": {\"levels\": [0.01, 0.05, 0.1]}, "
                                "\"trust.initial\": {\"levels\": [0.2, 0.8]}}}", NULL, &e);
        CHECK(sc != NULL, "full factorial scenario: %s", e.msg);
        if (sc) {
            long lr = rs_param_find("trust.learning_rate"), ti = rs_param_find("trust.initial");
            long dr = rs_param_find("trust.drift");
            CHECK(sc->nsets == 12, "nsets %d", sc->nsets);
            CHECK(rs_scenario_nruns(sc) == 36, "nruns %ld", rs_scenario_nruns(sc));
            CHECK(strcmp(sc->sets[7].label, "b/point 1") == 0, "label '%s'", sc->sets[7].label);
            CHECK(sc->sets[7].variant == 1 && sc->sets[7].point == 1, "set 7 = variant 1 point 1");
            CHECK_NEAR(sc->sets[7].values[lr], 0.01, 0);
            CHECK_NEAR(sc->sets[7].values[ti], 0.8, 0);
            CHECK_NEAR(sc->sets[7].values[dr], 0.02, 0);   /* the variant's own parameter stays */
            CHECK_NEAR(sc->sets[1].values[dr], rs_param_get((size_t)dr)->def, 0);
            int seen[6] = {0};
            for (int p = 0; p < 6; p++) {
                int a = sc->sets[p].values[lr] == 0.01 ? 0 : sc->sets[p].values[lr] == 0.05 ? 1 : 2;
                seen[a * 2 + (sc->sets[p].values[ti] == 0.8)]++;
            }
            int ok = 1;
            for (int i = 0; i < 6; i++) ok &= seen[i] == 1;
            CHECK(ok, "full factorial sets not complete");
            CHECK(strstr(sc->resolved_json, "\"experiment\"") && strstr(sc->resolved_json, "full_factorial"),
                  "resolved JSON lacks the experiment");
            /* common random numbers: same replicate, same seed, across points and variants */
            int crn = 1;
            for (long run = 0; run < rs_scenario_nruns(sc); run++) {
                int set, rep;
                rs_scenario_run_ids(sc, run, &set, &rep);
                crn &= rs_scenario_run_seed(sc, run) == rs_scenario_run_seed(sc, rep);
                if (rep > 0) crn &= rs_scenario_run_seed(sc, run) != rs_scenario_run_seed(sc, run - 1);
            }
            CHECK(crn, "a replicate's seed differs across points");
            rs_scenario_free(sc);
        }
    }

    /* ---- scenario: latin hypercube ranges, uniform and loguniform, integer */
    {
        rs_scenario *sc = parse("{\"design\": \"latin_hypercube\", \"points\": 40, \"seed\": 3, \"factors\": {"
                                "\"trust.learning_rate\": {\"range\": [0.01, 0.2]}, "
                                "\"budget.initial_reserve\": {\"range\": [0.01, 1], \"distribution\": \"loguniform\"}}}",
                                NULL, &e);
        CHECK(sc != NULL, "lhs scenario: %s", e.msg);
        if (sc) {
            const rs_experiment *x = sc->experiment;
            long lr = rs_param_find("trust.learning_rate"), ir = rs_param_find("budget.initial_reserve");
            CHECK(sc->nsets == 80 && x->npoints == 40, "nsets %d", sc->nsets);
            int in = 1, low = 0;
            double v[40];
            for (int p = 0; p < 40; p++) {
                double a = sc->sets[p].values[lr], b = sc->sets[p].values[ir];
                in &= a >= 0.01 && a <= 0.2 && b >= 0.01 && b <= 1;
                low += b < 0.1; /* loguniform: half the points below the geometric middle */
                v[p] = a;
                in &= sc->sets[40 + p].values[lr] == a; /* same points in each variant */
            }
            CHECK(in, "values outside the ranges or differing between variants");
            CHECK(low == 20, "loguniform: %d of 40 below 0.1, expected 20", low);
            qsort(v, 40, sizeof *v, cmp_d);
            int strat = 1;
            for (int p = 0; p < 40; p++) {
                double u = (v[p] - 0.01) / 0.19;
                strat &= (int)floor(u * 40) == p;
            }
            CHECK(strat, "lhs values not stratified");
            rs_scenario_free(sc);
        }
    }

    /* ---- scenario: saltelli and morris point counts */
    {
        rs_scenario *sc = parse("{\"design\": \"saltelli\", \"points\": 16, \"factors\": {"
                                "\"trust.learning_rate\": {\"range\": [0.01, 0.2]}, \"trust.initial\": {\"range\": [0.1, 0.9]}, "
                                "\"trust.base\": {\"range\": [0.1, 0.9]}}}", NULL, &e);
        CHECK(sc && sc->experiment->npoints == 16 * 5 && sc->nsets == 160, "saltelli points: %s", sc ? "" : e.msg);
        rs_scenario_free(sc);
        sc = parse("{\"design\": \"morris\", \"trajectories\": 6, \"grid_levels\": 6, \"factors\": {"
                   "\"trust.learning_rate\": {\"range\": [0.01, 0.2]}, \"trust.initial\": {\"range\": [0.1, 0.9]}}}",
                   NULL, &e);
        CHECK(sc && sc->experiment->npoints == 6 * 3, "morris points: %s", sc ? "" : e.msg);
        rs_scenario_free(sc);
        sc = parse("{\"design\": \"sobol\", \"points\": 10, \"factors\": {\"trust.initial\": {\"range\": [0.1, 0.9]}}}",
                   NULL, &e);
        CHECK(sc && sc->experiment->npoints == 10, "sobol points: %s", sc ? "" : e.msg);
        rs_scenario_free(sc);
    }

    /* ---- an enum factor, where the model has one */
    for (size_t i = 0; i < rs_param_count(); i++) {
        const rs_param_def *d = rs_param_get(i);
        if (d->kind != RS_PARAM_ENUM || !d->choices[0] || !d->choices[1]) continue;
        char exp[512];
        snprintf(exp, sizeof exp, "{\"design\": \"full_factorial\", \"factors\": {\"%s\": {\"levels\": [\"%s\", \"%s\"]}}}",
                 d->name, d->choices[1], d->choices[0]);
        rs_scenario *sc = parse(exp, NULL, &e);
        CHECK(sc && sc->nsets == 4 && sc->sets[0].values[i] == 1 && sc->sets[1].values[i] == 0, "enum factor %s: %s",
              d->name, sc ? "" : e.msg);
        rs_scenario_free(sc);
        snprintf(exp, sizeof exp, "{\"design\": \"full_factorial\", \"factors\": {\"%s\": {\"levels\": [\"nope\"]}}}", d->name);
        expect_error(exp, "levels[0]", "expected one of");
        snprintf(exp, sizeof exp, "{\"design\": \"latin_hypercube\", \"points\": 3, \"factors\": {\"%s\": {\"range\": [0, 1]}}}", d->name);
        expect_error(exp, "range", "give \"levels\"");
        break;
    }

    /* ---- errors */
    expect_error("[]", "$.experiment", "expected an object");
    expect_error("{\"design\": \"latin_hypercub\", \"points\": 3, \"factors\": {\"trust.initial\": {\"range\": [0, 1]}}}",
                 "$.experiment.design", "did you mean \"latin_hypercube\"");
    expect_error("{\"desing\": \"sobol\"}", "$.experiment.desing", "did you mean \"design\"");
    expect_error("{\"design\": \"sobol\", \"points\": 3, \"factors\": {\"trust.learnin_rate\": {\"range\": [0, 1]}}}",
                 "$.experiment.factors.trust.learnin_rate", "did you mean \"trust.learning_rate\"");
    expect_error("{\"design\": \"sobol\", \"points\": 3, \"factors\": {\"trust.initial\": {\"range\": [0, 2]}}}",
                 "$.experiment.factors.trust.initial.range", "out of range");
    expect_error("{\"design\": \"sobol\", \"points\": 3, \"factors\": {\"trust.initial\": {\"range\": [0.5, 0.1]}}}",
                 "range", "lo < hi");
    expect_error("{\"design\": \"sobol\", \"points\": 3, \"factors\": {\"trust.initial\": {\"range\": [0, 1], "
                 "\"distribution\": \"loguniform\"}}}", "distribution", "above 0");
    expect_error("{\"design\": \"sobol\", \"points\": 3, \"factors\": {\"trust.initial\": {\"range\": [0.1, 1], "
                 "\"distribution\": \"logunifrom\"}}}", "distribution", "did you mean \"loguniform\"");
    expect_error("{\"design\": \"sobol\", \"points\": 3, \"factors\": {\"trust.initial\": {\"rnage\": [0, 1]}}}",
                 "trust.initial.rnage", "did you mean \"range\"");
    expect_error("{\"design\": \"sobol\", \"points\": 3, \"factors\": {\"trust.initial\": {}}}", "trust.initial",
                 "exactly one of");
    expect_error("{\"design\": \"sobol\", \"factors\": {\"trust.initial\": {\"range\": [0, 1]}}}", "$.experiment.points",
                 "missing");
    expect_error("{\"design\": \"sobol\", \"points\": 0, \"factors\": {\"trust.initial\": {\"range\": [0, 1]}}}",
                 "$.experiment.points", "whole number");
    expect_error("{\"design\": \"full_factorial\", \"factors\": {\"trust.initial\": {\"range\": [0, 1]}}}",
                 "factors.trust.initial", "needs \"levels\"");
    expect_error("{\"design\": \"full_factorial\", \"points\": 3, \"factors\": {\"trust.initial\": {\"levels\": [0.1]}}}",
                 "$.experiment.points", "does not apply");
    expect_error("{\"design\": \"morris\", \"grid_levels\": 5, \"factors\": {\"trust.initial\": {\"range\": [0, 1]}}}",
                 "grid_levels", "even");
    expect_error("{\"design\": \"sobol\", \"points\": 3, \"factors\": {}}", "$.experiment.factors", "empty");
    expect_error("{\"design\": \"csv\"}", "$.experiment.csv", "missing");

    /* ---- CSV designs */
    {
        FILE *f = fopen(TEST_DATA_DIR "/design_ok.csv", "w");
        fprintf(f, "trust.learning_rate,trust.initial\n0.01,0.2\n\n# a comment\n0.05,\"0.5\"\r\n0.1,0.8\n");
        fclose(f);
        rs_scenario *sc = parse("{\"design\": \"csv\", \"csv\": \"design_ok.csv\"}", NULL, &e);
        CHECK(sc != NULL, "csv design: %s", e.msg);
        if (sc) {
            long ti = rs_param_find("trust.initial");
            CHECK(sc->nsets == 6 && sc->experiment->npoints == 3 && sc->experiment->nfactors == 2, "csv sets %d", sc->nsets);
            CHECK_NEAR(sc->sets[4].values[ti], 0.5, 0);
            CHECK(isnan(sc->experiment->unit[0]), "csv unit not NaN");
            rs_scenario_free(sc);
        }
        struct { const char *text, *msg; int line; } bad[] = {
            {"trust.learning_rat,trust.initial\n0.1,0.2\n", "did you mean \"trust.learning_rate\"", 1},
            {"trust.learning_rate,trust.initial\n0.1,0.2\n0.1\n", "expected 2 values", 3},
            {"trust.learning_rate,trust.initial\n0.1,abc\n", "expected a number", 2},
            {"trust.learning_rate,trust.initial\n0.1,2\n", "out of range", 2},
            {"trust.learning_rate,trust.learning_rate\n0.1,0.2\n", "appears twice", 1},
            {"trust.learning_rate\n", "at least one parameter set", 0},
            {"", "empty design file", 0},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            f = fopen(TEST_DATA_DIR "/design_bad.csv", "w");
            fputs(bad[i].text, f);
            fclose(f);
            sc = parse("{\"design\": \"csv\", \"csv\": \"design_bad.csv\"}", NULL, &e);
            CHECK(sc == NULL, "bad csv %zu accepted", i);
            rs_scenario_free(sc);
            CHECK(strstr(e.msg, bad[i].msg) != NULL, "csv %zu: message '%s' lacks '%s'", i, e.msg, bad[i].msg);
            CHECK(strstr(e.file, "design_bad.csv") != NULL, "csv %zu: file '%s'", i, e.file);
            CHECK(e.line == bad[i].line, "csv %zu: line %d, expected %d", i, e.line, bad[i].line);
            CHECK(strcmp(e.path, "$.experiment.csv") == 0, "csv %zu: path '%s'", i, e.path);
        }
        sc = parse("{\"design\": \"csv\", \"csv\": \"no_such.csv\"}", NULL, &e);
        CHECK(sc == NULL && strstr(e.msg, "cannot read"), "missing csv: %s", e.msg);
        rs_scenario_free(sc);
        remove(TEST_DATA_DIR "/design_ok.csv");
        remove(TEST_DATA_DIR "/design_bad.csv");
    }
    return check_done();
}
