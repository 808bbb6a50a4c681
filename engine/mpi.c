/*
 * mpi.c - running a batch over MPI ranks (Open MPI; mpirun or srun).
 *
 * Rank 0 owns the results file: it creates (or resumes) it, hands out
 * batches of run indices to the other ranks as they ask for work (dynamic
 * load balancing: runs differ in length), and writes results in run order,
 * exactly as the single-process batch does (batch.c). Ranks 1..K-1 compute
 * their batch with their OpenMP threads through rs_runner_run, the same code
 * as a single-process run, and send each run's series and events back. Data
 * are therefore identical to a single-process run for any number of ranks
 * and threads. Why a writer rank rather than parallel HDF5: docs/cluster.md.
 *
 * Rank 0 hands out only runs within a window ahead of the next run to
 * write, so its memory is bounded by the window, not by the number of runs.
 */
#ifdef REGSIM_HAVE_MPI
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mpi.h>
#include <omp.h>
#include "h5out.h"
#include "internal.h"
#include "rsmpi.h"
#include "summary.h"

enum { TAG_REQ = 1, TAG_WORK, TAG_RESULT, TAG_FAIL };

int rs_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK", NULL};
    for (int i = 0; vars[i]; i++)
        if (getenv(vars[i])) return 1;
    return 0;
}

static int mpi_rank(void) { int r = 0; MPI_Comm_rank(MPI_COMM_WORLD, &r); return r; }
static int mpi_size(void) { int n = 1; MPI_Comm_size(MPI_COMM_WORLD, &n); return n; }

int rs_mpi_active(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin && mpi_size() > 1;
}

int rs_mpi_rank(void)
{
    int init = 0;
    MPI_Initialized(&init);
    return init ? mpi_rank() : 0;
}

/* Size of one run's result message. */
static size_t result_bytes(const rs_scenario *sc, const rs_model *m, size_t nev)
{
    size_t H = (size_t)sc->horizon, n = (size_t)sc->region.n;
    size_t doubles = m->nseries * H + (sc->outputs.municipality_series ? m->nmuni_series * H * n : 0);
    return 3 * sizeof(long) + doubles * sizeof(double) + nev * sizeof(rs_event);
}

/* ------------------------------------------------------------- workers */

static rs_status worker(const rs_scenario *sc, const rs_batch_opts *opts, rs_error *err)
{
    const rs_model *m = rs_model_get();
    int nth = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    int cap = 2 * nth;
    size_t H = (size_t)sc->horizon, n = (size_t)sc->region.n;
    size_t ls = m->nseries * H, lm = sc->outputs.municipality_series ? m->nmuni_series * H * n : 0;
    size_t maxev = sc->outputs.events ? (size_t)sc->outputs.max_events_per_run : 0;
    rs_status st = RS_OK;
    rs_runner **runners = rs_calloc((size_t)nth, sizeof *runners);
    double *series = rs_malloc((size_t)cap * (ls + lm + 1) * sizeof(double));
    rs_event_log *logs = rs_calloc((size_t)cap, sizeof *logs);
    rs_status *sts = rs_calloc((size_t)cap, sizeof *sts);
    rs_error *errs = rs_calloc((size_t)cap, sizeof *errs);
    char *msg = rs_malloc(result_bytes(sc, m, maxev));
    if (!runners || !series || !logs || !sts || !errs || !msg)
        st = rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "rank %d: out of memory", mpi_rank());
    for (int i = 0; !st && i < cap; i++) {
        logs[i].cap = maxev;
        if (maxev && !(logs[i].ev = rs_malloc(maxev * sizeof(rs_event))))
            st = rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "rank %d: out of memory", mpi_rank());
    }
    for (int t = 0; !st && t < nth; t++)
        if (!(runners[t] = rs_runner_alloc(sc, err))) st = err->status ? err->status : RS_ENOMEM;
    /* rank 0 says whether the file is ready */
    int ready = 0;
    MPI_Bcast(&ready, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!ready && !st) st = RS_EIO; /* rank 0 reports why */
    if (st && ready) {
        MPI_Send(err, (int)sizeof *err, MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
    }
    while (!st) {
        MPI_Send(&cap, 1, MPI_INT, 0, TAG_REQ, MPI_COMM_WORLD);
        long work[2];
        MPI_Recv(work, 2, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (work[1] == 0) break;
        int cnt = (int)work[1];
#pragma omp parallel for num_threads(nth) schedule(dynamic, 1)
        for (int i = 0; i < cnt; i++) {
            rs_error_clear(&errs[i]);
            sts[i] = rs_runner_run(runners[omp_get_thread_num()], work[0] + i, series + (size_t)i * (ls + lm + 1),
                                   lm ? series + (size_t)i * (ls + lm + 1) + ls : NULL,
                                   maxev ? &logs[i] : NULL, 0, &errs[i]);
        }
        for (int i = 0; i < cnt && !st; i++) {
            if (sts[i]) {
                *err = errs[i];
                st = sts[i];
                MPI_Send(err, (int)sizeof *err, MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
                break;
            }
            long head[3] = {work[0] + i, maxev ? (long)logs[i].n : 0, maxev ? (long)logs[i].dropped : 0};
            char *p = msg;
            memcpy(p, head, sizeof head);
            p += sizeof head;
            memcpy(p, series + (size_t)i * (ls + lm + 1), (ls + lm) * sizeof(double));
            p += (ls + lm) * sizeof(double);
            if (head[1]) memcpy(p, logs[i].ev, (size_t)head[1] * sizeof(rs_event));
            MPI_Send(msg, (int)result_bytes(sc, m, (size_t)head[1]), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        }
    }
    /* after a failure, keep answering until rank 0 says stop */
    while (st && ready) {
        MPI_Send(&cap, 1, MPI_INT, 0, TAG_REQ, MPI_COMM_WORLD);
        long work[2];
        MPI_Recv(work, 2, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (work[1] == 0) break;
    }
    for (int t = 0; runners && t < nth; t++) rs_runner_free(runners[t]);
    for (int i = 0; logs && i < cap; i++) free(logs[i].ev);
    free(runners); free(series); free(logs); free(sts); free(errs); free(msg);
    return st;
}

/* -------------------------------------------------------------- rank 0 */

typedef struct pending { int rank, cap; } pending;

rs_status rs_mpi_batch_run(const rs_scenario *sc, const rs_batch_opts *opts, rs_batch_report *rep,
                           rs_error *err, volatile int *stop)
{
    memset(rep, 0, sizeof *rep);
    rep->nruns = rs_scenario_nruns(sc);
    if (mpi_rank() != 0) {
        rs_status st = worker(sc, opts, err);
        int final = 0;
        MPI_Bcast(&final, 1, MPI_INT, 0, MPI_COMM_WORLD);
        return st ? st : (rs_status)final;
    }
    const rs_model *m = rs_model_get();
    int nworkers = mpi_size() - 1;
    long nruns = rep->nruns, done = 0;
    double t0 = MPI_Wtime(), last_commit = t0, last_progress = 0;
    rs_h5 *h5 = NULL;
    rs_status st = opts->resume ? rs_h5_resume(opts->output, sc, opts->cmdline, &h5, &done, err)
                                : rs_h5_create(opts->output, sc, opts->cmdline, opts->force, &h5, err);
    int ready = st == RS_OK;
    MPI_Bcast(&ready, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!ready) {
        int final = st;
        MPI_Bcast(&final, 1, MPI_INT, 0, MPI_COMM_WORLD);
        return st;
    }
    rep->done_before = done;
    /* window of runs in flight; each slot holds one run's message, and a
     * spare buffer receives the next message before it is swapped in */
    size_t maxev = sc->outputs.events ? (size_t)sc->outputs.max_events_per_run : 0;
    size_t mb = result_bytes(sc, m, maxev);
    int nth = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    long W = 4L * nworkers * 2 * nth;
    if (W > nruns) W = nruns > 0 ? nruns : 1;
    char **slot = rs_calloc((size_t)W + 1, sizeof *slot);
    long *slot_run = rs_malloc((size_t)W * sizeof(long));
    pending *queue = rs_calloc((size_t)nworkers + 1, sizeof *queue);
    int nomem = !slot || !slot_run || !queue;
    for (long i = 0; !nomem && i <= W; i++) nomem = !(slot[i] = rs_malloc(mb));
    if (nomem) {
        rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "rank 0: out of memory for %ld result slots", W);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    char *spare = slot[W];
    for (long i = 0; i < W; i++) slot_run[i] = -1;
    long next_assign = done, next_write = done;
    int active = nworkers, nqueue = 0, failed = 0;
    size_t dropped = 0, dropped_total = 0;
    size_t H = (size_t)sc->horizon, ls = m->nseries * H;

    while (active > 0) {
        /* serve waiting requests: work within the window, or stop */
        for (int q = 0; q < nqueue;) {
            long room = next_write + W - next_assign;
            int finished = *stop || failed || next_assign >= nruns;
            if (!finished && room <= 0) break;
            long work[2] = {next_assign, 0};
            if (!finished) {
                work[1] = queue[q].cap < room ? queue[q].cap : room;
                if (work[1] > nruns - next_assign) work[1] = nruns - next_assign;
                next_assign += work[1];
            } else {
                active--;
            }
            MPI_Send(work, 2, MPI_LONG, queue[q].rank, TAG_WORK, MPI_COMM_WORLD);
            queue[q] = queue[--nqueue];
        }
        if (active == 0) break;
        MPI_Status ms;
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &ms);
        if (!flag) {
            struct timespec ts = {0, 100000};
            nanosleep(&ts, NULL);
            continue;
        }
        if (ms.MPI_TAG == TAG_REQ) {
            int cap;
            MPI_Recv(&cap, 1, MPI_INT, ms.MPI_SOURCE, TAG_REQ, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            queue[nqueue].rank = ms.MPI_SOURCE;
            queue[nqueue].cap = cap;
            nqueue++;
            continue;
        }
        if (ms.MPI_TAG == TAG_FAIL) {
            rs_error e;
            MPI_Recv(&e, (int)sizeof e, MPI_BYTE, ms.MPI_SOURCE, TAG_FAIL, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (!failed) { *err = e; st = e.status ? e.status : RS_EINTERNAL; failed = 1; }
            continue;
        }
        /* a result: into the spare buffer, then swapped into its run's slot */
        MPI_Recv(spare, (int)mb, MPI_BYTE, ms.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        long run;
        memcpy(&run, spare, sizeof run);
        long k = run % W;
        char *t = slot[k];
        slot[k] = spare;
        spare = t;
        slot_run[k] = run;
        /* write every run the file is waiting for, in order */
        while (!failed && next_write < nruns && slot_run[next_write % W] == next_write) {
            char *p = slot[next_write % W];
            long head[3];
            memcpy(head, p, sizeof head);
            double *series = (double *)(p + sizeof head);
            rs_event_log log = {(rs_event *)(p + result_bytes(sc, m, 0)), (size_t)head[1], (size_t)head[1],
                                (size_t)head[2]};
            rs_run_ctx ctx = {.sc = sc, .run = next_write, .series = series,
                              .muni_series = sc->outputs.municipality_series ? series + ls : NULL,
                              .events = sc->outputs.events ? &log : NULL};
            if (rs_h5_write_run(h5, &ctx, err)) { st = err->status; failed = 1; break; }
            dropped += (size_t)head[2];
            slot_run[next_write % W] = -1;
            next_write++;
            double now = MPI_Wtime();
            if (now - last_commit >= 1.0) {
                if (rs_h5_commit(h5, 0, dropped, err)) { st = err->status; failed = 1; break; }
                dropped_total += dropped;
                dropped = 0;
                last_commit = now;
            }
            if (opts->progress && now - last_progress > 0.25) {
                last_progress = now;
                double rate = (next_write - done) / (now - t0);
                fprintf(stderr, "\r  runs %ld/%ld (%.1f%%)  %.1f runs/s  %d ranks   ", next_write, nruns,
                        100.0 * next_write / nruns, rate, nworkers + 1);
                fflush(stderr);
            }
        }
    }
    if (!failed) {
        rs_error e;
        if (rs_h5_commit(h5, 1, dropped, &e)) { *err = e; st = e.status; failed = 1; }
        else dropped_total += dropped;
    }
    if (failed) {
        rs_error ce; /* record what is on disk; the first error is reported */
        rs_h5_commit(h5, 0, 0, &ce);
    }
    if (opts->progress) fputc('\n', stderr);
    rep->done = next_write;
    rep->events_dropped = dropped_total;
    rep->seconds = MPI_Wtime() - t0;
    if (!failed && next_write < nruns)
        st = rs_error_set(err, RS_EINTERRUPT, opts->output, 0, NULL,
                          "interrupted: %ld of %ld runs are in the file; finish with the same command and --resume",
                          next_write, nruns);
    rs_error ce;
    rs_status cs = rs_h5_close(h5, &ce);
    if (!st && cs) { *err = ce; st = cs; }
    if (!st) st = rs_results_finish(opts->output, sc, opts->threads > 0 ? opts->threads : omp_get_max_threads(), NULL,
                                     err); /* /experiment, /summary: engine/summary.c */
    /* slot[W] aliases a buffer now in use; slot[0..W-1] and spare own them */
    for (long i = 0; slot && i < W; i++) free(slot[i]);
    free(spare);
    free(slot);
    free(slot_run);
    free(queue);
    int final = st;
    MPI_Bcast(&final, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return st;
}
#endif
