/*
 * summary.h - what is written into a results file once its batch is
 * complete: the design matrix (/experiment) and the summaries across
 * replications (/summary). Both are computed from the scenario and from
 * the run series, one series and a block of runs at a time (bounded
 * memory): read back from the file, or, when the batch kept them (a batch
 * that wrote every run of the file, with series that fit in
 * rs_summary_cache_bytes), from memory. The values are the same either
 * way, after --resume and after an MPI run. Layout: docs/output.md.
 */
#ifndef REGSIM_SUMMARY_H
#define REGSIM_SUMMARY_H

#include <stddef.h>
#include "regsim/regsim.h"

/* Write /experiment (when sc has an experiment) and /summary into the
 * complete results file path; replaces them if present. The statistics
 * are computed on nthreads threads (the values do not depend on it). */
rs_status rs_results_finish(const char *path, const rs_scenario *sc, int nthreads, const double *kept,
                            rs_error *err);

/* Run series kept for the summaries: series q of run r, month m at
 * kept[((size_t)q * nruns + r) * horizon + m]. The doubles a batch of sc
 * would keep, 0 if they do not fit in rs_summary_cache_bytes (64 MiB; the
 * environment variable RS_SUMMARY_CACHE_BYTES sets it, 0 keeps nothing). */
size_t rs_summary_kept_doubles(const rs_scenario *sc);

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
