/*
 * test_rng.c - the xoshiro256** stream: deterministic, 64-bit seeds give
 * distinct streams, and its doubles are uniform on [0, 1).
 */
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include "../check.h"
#include "../../engine/internal.h"

int main(void)
{
    gsl_rng *a = gsl_rng_alloc(rs_rng_xoshiro256), *b = gsl_rng_alloc(rs_rng_xoshiro256);
    gsl_rng_set(a, 2385);
    gsl_rng_set(b, 2385);
    int same = 1;
    for (int i = 0; i < 1000; i++) same &= gsl_rng_uniform(a) == gsl_rng_uniform(b);
    CHECK(same, "same seed, different streams");
    /* seeds differing only above bit 32 must give different streams */
    gsl_rng_set(a, 1);
    gsl_rng_set(b, 1 + (1UL << 40));
    int differ = 0;
    for (int i = 0; i < 10; i++) differ += gsl_rng_uniform(a) != gsl_rng_uniform(b);
    CHECK(differ == 10, "high seed bits ignored (%d of 10 differ)", differ);
    /* uniformity: mean 1/2, variance 1/12, within 5 standard errors */
    const int n = 1000000;
    double s = 0, s2 = 0, lo = 1, hi = 0;
    gsl_rng_set(a, 42);
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(a);
        s += u; s2 += u * u;
        if (u < lo) lo = u;
        if (u > hi) hi = u;
    }
    double mean = s / n, var = s2 / n - mean * mean;
    CHECK_NEAR(mean, 0.5, 5 * sqrt(1.0 / 12 / n));
    CHECK_NEAR(var, 1.0 / 12, 5 * sqrt(1.0 / 180 / n));
    CHECK(lo >= 0 && hi < 1, "range [%g, %g]", lo, hi);
    /* GSL distributions work on top of it: Poisson(3.5) mean */
    double ps = 0;
    for (int i = 0; i < 100000; i++) ps += gsl_ran_poisson(a, 3.5);
    CHECK_NEAR(ps / 100000, 3.5, 5 * sqrt(3.5 / 100000));
    /* the per-mechanism stream seeds differ and depend on both inputs */
    CHECK(rs_stream_seed(7, 0) != rs_stream_seed(7, 1) && rs_stream_seed(7, 0) != rs_stream_seed(8, 0), "stream seeds collide");
    gsl_rng_free(a);
    gsl_rng_free(b);
    return check_done();
}
