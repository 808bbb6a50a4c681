/*
 * test_sensitivity.c - the Sobol and Morris estimators against functions
 * with known indices.
 *
 * Ishigami (a = 7, b = 0.1), x_i uniform on [-pi, pi]: analytic
 * S1 = 0.3139, 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437. With a Saltelli
 * design of N = 8192 base points every estimate must be within 0.03 of
 * its analytic value, and the bootstrap 95% intervals must contain it.
 * Morris on y = 10 x0 + 5 x1^2 + x2 (x3 inert): mu* ranks x0 > x1 > x2 >
 * x3 = 0, the linear factors have sigma 0 and mu equal to their slope.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../check.h"
#include "experiment.h"
#include "sensitivity.h"

static double ishigami(const double *u)
{
    double x[3];
    for (int i = 0; i < 3; i++) x[i] = -M_PI + 2 * M_PI * u[i];
    return sin(x[0]) + 7 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0]);
}

int main(void)
{
    const double S1[3] = {0.3139, 0.4424, 0}, ST[3] = {0.5576, 0.4424, 0.2437};
    const int N = 8192, k = 3;
    double *X = malloc(sizeof(double) * N * (k + 2) * k), *y = malloc(sizeof(double) * N * (k + 2));
    CHECK(rs_design_saltelli(N, k, X) == 0, "saltelli design");
    for (int i = 0; i < N * (k + 2); i++) y[i] = ishigami(X + (size_t)i * k);
    double r[6][3], r2[6][3];
    rs_sobol_result res = {r[0], r[1], r[2], r[3], r[4], r[5]}, res2 = {r2[0], r2[1], r2[2], r2[3], r2[4], r2[5]};
    CHECK(rs_sobol_indices(N, k, y, 300, 7, &res) == 0, "sobol indices");
    for (int i = 0; i < k; i++) {
        printf("x%d: S1 %.4f [%.4f, %.4f] (analytic %.4f)  ST %.4f [%.4f, %.4f] (analytic %.4f)\n", i + 1, r[0][i],
               r[1][i], r[2][i], S1[i], r[3][i], r[4][i], r[5][i], ST[i]);
        CHECK_NEAR(r[0][i], S1[i], 0.03);
        CHECK_NEAR(r[3][i], ST[i], 0.03);
        CHECK(r[1][i] <= S1[i] + 0.01 && S1[i] - 0.01 <= r[2][i], "S1 interval of x%d misses the analytic value", i + 1);
        CHECK(r[4][i] <= ST[i] + 0.01 && ST[i] - 0.01 <= r[5][i], "ST interval of x%d misses the analytic value", i + 1);
        CHECK(r[1][i] < r[0][i] + 1e-12 && r[0][i] < r[2][i] + 1e-12, "S1 of x%d outside its interval", i + 1);
    }
    /* deterministic bootstrap */
    rs_sobol_indices(N, k, y, 300, 7, &res2);
    CHECK(memcmp(r, r2, sizeof r) == 0, "bootstrap not deterministic for a seed");
    /* no bootstrap: NaN intervals, same point estimates */
    rs_sobol_indices(N, k, y, 0, 7, &res2);
    CHECK(isnan(r2[1][0]) && r2[0][0] == r[0][0], "nboot = 0");
    /* a constant output has no indices */
    for (int i = 0; i < N * (k + 2); i++) y[i] = 1;
    CHECK(rs_sobol_indices(N, k, y, 0, 7, &res2) == -1, "constant output accepted");
    free(X);
    free(y);

    /* Morris */
    {
        const int R = 30, K = 4, P = 4;
        double *Xm = malloc(sizeof(double) * R * (K + 1) * K), *ym = malloc(sizeof(double) * R * (K + 1));
        CHECK(rs_design_morris(R, K, P, 11, Xm) == 0, "morris design");
        for (int i = 0; i < R * (K + 1); i++) {
            const double *x = Xm + (size_t)i * K;
            ym[i] = 10 * x[0] + 5 * x[1] * x[1] + x[2];
        }
        double mus[4], mu[4], sg[4];
        CHECK(rs_morris_indices(R, K, Xm, ym, mus, mu, sg) == 0, "morris indices");
        for (int i = 0; i < K; i++) printf("morris x%d: mu* %.4f mu %.4f sigma %.4f\n", i, mus[i], mu[i], sg[i]);
        CHECK(mus[0] > mus[1] && mus[1] > mus[2] && mus[2] > mus[3], "mu* ranking");
        CHECK_NEAR(mus[3], 0, 1e-12);
        CHECK_NEAR(mu[0], 10, 1e-9);
        CHECK_NEAR(mu[2], 1, 1e-9);
        CHECK_NEAR(sg[0], 0, 1e-9);
        CHECK(sg[1] > 0.1, "sigma of the quadratic factor %g", sg[1]);
        free(Xm);
        free(ym);
    }
    return check_done();
}
