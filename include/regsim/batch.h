/*
 * batch.h - running every run of a scenario and writing the results file.
 *
 * Runs execute in parallel (OpenMP). Each worker owns one world and one
 * result slot, allocated once. Results are written in run order, so the
 * runs in a file are always runs 0..k-1, whatever the thread count; an
 * interrupted file is finished with resume. Data are bit-identical for any
 * thread count.
 */
#ifndef REGSIM_BATCH_H
#define REGSIM_BATCH_H

#include "regsim/error.h"
#include "regsim/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rs_batch_opts {
    const char *output;     /* results file path */
    int threads;            /* 0: all cores */
    int resume;             /* finish an interrupted results file */
    int force;              /* overwrite an existing file */
    int progress;           /* live progress line on stderr */
    const char *cmdline;    /* recorded in provenance */
} rs_batch_opts;

typedef struct rs_batch_report {
    long nruns;             /* runs in the scenario */
    long done_before;       /* already in the file (resume) */
    long done;              /* in the file now */
    double seconds;         /* wall time of this invocation */
    size_t events_dropped;  /* events beyond the per-run capacity */
} rs_batch_report;

/* One worker: a world and its random streams, allocated once and reused
 * for any number of runs. */
typedef struct rs_runner rs_runner;

rs_runner *rs_runner_alloc(const rs_scenario *sc, rs_error *err);
void rs_runner_free(rs_runner *r);
/* Simulate run into the caller's buffers: series [nseries * horizon],
 * muni [nmuni_series * horizon * n] or NULL, events or NULL. Only the
 * first nmech mechanisms step (0: all of them; tests use fewer). Allocates
 * nothing. */
rs_status rs_runner_run(rs_runner *r, long run, double *series, double *muni,
                        rs_event_log *events, size_t nmech, rs_error *err);

/* Run the batch. RS_EINTERRUPT when stopped by a signal (the file then
 * holds every finished run and can be resumed). */
rs_status rs_batch_run(const rs_scenario *sc, const rs_batch_opts *opts,
                       rs_batch_report *rep, rs_error *err);

/* Install SIGINT/SIGTERM handlers that ask running batches to stop. */
void rs_batch_install_signal_handlers(void);
/* Ask running batches to stop (what the handlers do). */
void rs_batch_request_stop(void);

#ifdef __cplusplus
}
#endif
#endif
