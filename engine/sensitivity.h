/*
 * sensitivity.h - estimators of global sensitivity indices, from model
 * outputs at the points of a Saltelli or Morris design (experiment.h).
 *
 * Sobol indices (variance-based): first order S1 by Saltelli et al. (2010,
 * Comput. Phys. Commun. 181, table 2 (b): mean of f_B (f_ABi - f_A), with
 * f_B centred on the mean of the A and B outputs, which leaves the
 * expectation unchanged and removes the noise a large output mean adds),
 * total ST by Jansen (1999), both divided by the variance of the outputs
 * at A and B together; 95%
 * confidence intervals by percentile bootstrap over the N base points with
 * a fixed seed (deterministic). Morris (1991) elementary effects: mu,
 * mu* (Campolongo et al. 2007) and sigma per factor.
 */
#ifndef REGSIM_SENSITIVITY_H
#define REGSIM_SENSITIVITY_H

#include <stdint.h>

typedef struct rs_sobol_result {
    double *S1, *S1_lo, *S1_hi; /* [k] */
    double *ST, *ST_lo, *ST_hi; /* [k] */
} rs_sobol_result;

/* y holds the outputs in the Saltelli layout: y[0..N) at A, y[N..2N) at B,
 * y[(2+i)N + j] at AB_i row j. nboot = 0: no intervals (NaN). Returns 0,
 * or -1 (bad input, zero variance or no memory). */
int rs_sobol_indices(int N, int k, const double *y, int nboot, uint64_t seed, rs_sobol_result *out);

/* X: the design in the unit cube [r (k+1) x k], trajectories of k+1 rows
 * each moving one factor; y: outputs [r (k+1)]. Returns 0 or -1. */
int rs_morris_indices(int r, int k, const double *X, const double *y, double *mu_star, double *mu,
                      double *sigma);
#endif
