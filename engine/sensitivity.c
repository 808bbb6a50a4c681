/*
 * sensitivity.c - Sobol (Saltelli 2010 / Jansen) and Morris estimators.
 * See sensitivity.h. Pure computation: no files, no globals.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "internal.h"
#include "sensitivity.h"

/* S1 and ST of every factor from the base-point rows idx[0..N). */
static int sobol_once(int N, int k, const double *y, const int *idx, double *S1, double *ST)
{
    const double *fA = y, *fB = y + N;
    double sum = 0, sum2 = 0;
    for (int j = 0; j < N; j++) {
        double a = fA[idx[j]], b = fB[idx[j]];
        sum += a + b;
        sum2 += a * a + b * b;
    }
    double mean = sum / (2.0 * N);
    double var = sum2 / (2.0 * N) - mean * mean;
    if (!(var > 0)) return -1;
    for (int i = 0; i < k; i++) {
        const double *fAB = y + (size_t)(2 + i) * N;
        double s1 = 0, st = 0;
        for (int j = 0; j < N; j++) {
            int r = idx[j];
            s1 += (fB[r] - mean) * (fAB[r] - fA[r]); /* centred: same expectation, far less noise */
            st += (fA[r] - fAB[r]) * (fA[r] - fAB[r]);
        }
        S1[i] = s1 / N / var;
        ST[i] = st / (2.0 * N) / var;
    }
    return 0;
}

int rs_sobol_indices(int N, int k, const double *y, int nboot, uint64_t seed, rs_sobol_result *out)
{
    if (N < 2 || k < 1 || nboot < 0) return -1;
    int *idx = malloc((size_t)N * sizeof *idx);
    if (!idx) return -1;
    for (int j = 0; j < N; j++) idx[j] = j;
    if (sobol_once(N, k, y, idx, out->S1, out->ST)) { free(idx); return -1; }
    for (int i = 0; i < k; i++) out->S1_lo[i] = out->S1_hi[i] = out->ST_lo[i] = out->ST_hi[i] = NAN;
    if (nboot == 0) { free(idx); return 0; }
    double *bs1 = malloc((size_t)nboot * k * sizeof *bs1), *bst = malloc((size_t)nboot * k * sizeof *bst);
    double *s1 = malloc((size_t)k * sizeof *s1), *st = malloc((size_t)k * sizeof *st);
    double *col = malloc((size_t)nboot * sizeof *col);
    gsl_rng *g = gsl_rng_alloc(rs_rng_xoshiro256);
    int rc = (!bs1 || !bst || !s1 || !st || !col || !g) ? -1 : 0;
    if (!rc) {
        gsl_rng_set(g, (unsigned long)rs_mix64(seed ^ 0xB0075EEDULL));
        int ok = 0;
        for (int b = 0; b < nboot; b++) {
            for (int j = 0; j < N; j++) idx[j] = (int)gsl_rng_uniform_int(g, (unsigned long)N);
            if (sobol_once(N, k, y, idx, s1, st)) continue; /* degenerate resample */
            memcpy(bs1 + (size_t)ok * k, s1, (size_t)k * sizeof *s1);
            memcpy(bst + (size_t)ok * k, st, (size_t)k * sizeof *st);
            ok++;
        }
        for (int i = 0; i < k && ok > 1; i++) {
            for (int b = 0; b < ok; b++) col[b] = bs1[(size_t)b * k + i];
            gsl_sort(col, 1, (size_t)ok);
            out->S1_lo[i] = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)ok, 0.025);
            out->S1_hi[i] = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)ok, 0.975);
            for (int b = 0; b < ok; b++) col[b] = bst[(size_t)b * k + i];
            gsl_sort(col, 1, (size_t)ok);
            out->ST_lo[i] = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)ok, 0.025);
            out->ST_hi[i] = gsl_stats_quantile_from_sorted_data(col, 1, (size_t)ok, 0.975);
        }
    }
    if (g) gsl_rng_free(g);
    free(bs1); free(bst); free(s1); free(st); free(col); free(idx);
    return rc;
}

int rs_morris_indices(int r, int k, const double *X, const double *y, double *mu_star, double *mu,
                      double *sigma)
{
    if (r < 1 || k < 1) return -1;
    double *ee = malloc((size_t)r * k * sizeof *ee);
    int *cnt = calloc((size_t)k, sizeof *cnt);
    if (!ee || !cnt) { free(ee); free(cnt); return -1; }
    for (int t = 0; t < r; t++) {
        const double *x = X + (size_t)t * (k + 1) * k, *yt = y + (size_t)t * (k + 1);
        for (int s = 0; s < k; s++) {
            const double *a = x + (size_t)s * k, *b = a + k;
            int moved = -1;
            for (int i = 0; i < k; i++)
                if (a[i] != b[i]) { moved = i; break; }
            if (moved < 0) continue;
            ee[(size_t)moved * r + cnt[moved]++] = (yt[s + 1] - yt[s]) / (b[moved] - a[moved]);
        }
    }
    for (int i = 0; i < k; i++) {
        int n = cnt[i];
        double m = 0, ma = 0, ss = 0;
        for (int j = 0; j < n; j++) { m += ee[(size_t)i * r + j]; ma += fabs(ee[(size_t)i * r + j]); }
        m = n ? m / n : NAN;
        ma = n ? ma / n : NAN;
        for (int j = 0; j < n; j++) ss += (ee[(size_t)i * r + j] - m) * (ee[(size_t)i * r + j] - m);
        mu[i] = m;
        mu_star[i] = ma;
        sigma[i] = n > 1 ? sqrt(ss / (n - 1)) : NAN;
    }
    free(ee);
    free(cnt);
    return 0;
}
