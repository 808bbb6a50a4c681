/*
 * h5out.h - the results file (HDF5, netCDF-4 compatible layout).
 *
 * Layout (docs/output.md has the full schema):
 *   /                    series (run, month) and municipality series
 *                        (run, month, municipality); dimension scales run,
 *                        month, municipality, variant, partnership with
 *                        their coordinate variables
 *   /design              per run: variant, point, replicate, seed, label,
 *                        and every parameter value (one dataset each)
 *   /events              the event log (event): run, month, kind,
 *                        partnership, municipality, amount
 *   /provenance          version, git commit, command line, start time,
 *                        the resolved scenario
 * Runs are written in run order; root attribute runs_completed says how
 * many are in the file, so an interrupted file can be resumed.
 */
#ifndef REGSIM_H5OUT_H
#define REGSIM_H5OUT_H

#include <stdio.h>
#include "regsim/regsim.h"

#define RS_H5_FORMAT "regsim-results-1"

typedef struct rs_h5 rs_h5;

/* Create path for sc. Refuses an existing file unless force. */
rs_status rs_h5_create(const char *path, const rs_scenario *sc, const char *cmdline, int force,
                       rs_h5 **out, rs_error *err);
/* Reopen an interrupted results file of the same scenario; *done receives
 * the number of runs already in it. */
rs_status rs_h5_resume(const char *path, const rs_scenario *sc, const char *cmdline,
                       rs_h5 **out, long *done, rs_error *err);
/* Write run ctx->run (series, municipality series, events). */
rs_status rs_h5_write_run(rs_h5 *h, const rs_run_ctx *ctx, rs_error *err);
/* Record the runs whose rows are on disk and flush the file. final: write
 * the rows still staged (at the end, or when interrupted). dropped: events
 * dropped since the last commit. */
rs_status rs_h5_commit(rs_h5 *h, int final, size_t dropped, rs_error *err);
/* Compression of complete chunks by the batch's threads: with n > 0, a
 * chunk that the writer completes is left for rs_h5_help calls (any
 * thread, outside the writer's lock; up to n of them at once, each with a
 * compressor of the file's, made on first use) and written once
 * compressed; with 0 (the default) the writer compresses it at once. */
void rs_h5_set_helpers(rs_h5 *h, int n);
void rs_h5_help(rs_h5 *h);
/* Close; NULL is allowed. */
rs_status rs_h5_close(rs_h5 *h, rs_error *err);

/* Print what a results file holds (for `regsim inspect`). */
rs_status rs_h5_inspect(const char *path, FILE *out, rs_error *err);
/* Is path an HDF5 file carrying the regsim format attribute? -1: not HDF5,
 * 0: HDF5 but not regsim, 1: regsim results file. */
int rs_h5_is_results(const char *path);



/* Read a whole (run, month) series of a results file into buf
 * [nruns * horizon] (row-major). */
rs_status rs_h5_read_series(const char *path, const char *name, double *buf, size_t len,
                            rs_error *err);
#endif
