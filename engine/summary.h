/*
 * summary.h - what is written into a results file once its batch is
 * complete: the design matrix (/experiment) and the summaries across
 * replications (/summary). Both are computed from the scenario and from
 * the series read back from the file, one series and a block of runs at a
 * time (bounded memory), so they are the same after --resume and after an
 * MPI run. Layout: docs/output.md.
 */
#ifndef REGSIM_SUMMARY_H
#define REGSIM_SUMMARY_H

#include <stddef.h>
#include "regsim/regsim.h"

/* Write /experiment (when sc has an experiment) and /summary into the
 * complete results file path; replaces them if present. The statistics
 * are computed on nthreads threads (the values do not depend on it). */
rs_status rs_results_finish(const char *path, const rs_scenario *sc, int nthreads, rs_error *err);

/* Statistics of x[n] (x is sorted in place): mean, sd (n-1), the t-based
 * 95% confidence interval of the mean, and the 5/50/95% quantiles (linear
 * interpolation, as numpy's default). sd and CI are NaN for n < 2. */
typedef struct rs_stats {
    double mean, sd, ci_lo, ci_hi, q05, q50, q95;
} rs_stats;
void rs_stats_compute(double *x, size_t n, rs_stats *s);

/* Memory budget of the summary pass, in doubles (tests lower it to
 * exercise the block and strip paths). */
extern size_t rs_summary_block_doubles;
#endif
