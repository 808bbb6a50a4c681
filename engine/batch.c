/*
 * batch.c - running every run of a scenario in parallel and writing them
 * in run order.
 *
 * Each OpenMP thread owns one world and one set of random streams,
 * allocated once. A run's results go into a slot (series, municipality
 * series, events); slot = run % nslots, so a thread that claims run i waits
 * until run i - nslots has been written. Whichever thread finishes the run
 * the file is waiting for writes it and every following finished run. The
 * file therefore always holds runs 0..k-1: the same bytes of data for any
 * thread count, and a prefix that --resume can extend. Memory depends on
 * the thread count, not on the number of runs.
 *
 * A run depends only on the scenario and its run index: its streams are
 * seeded from (scenario seed, replicate, mechanism) and nothing else.
 */
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <omp.h>
#include "h5out.h"
#include "internal.h"
#include "rsmpi.h"
#include "summary.h"

static volatile sig_atomic_t stop_requested;

void rs_batch_request_stop(void) { stop_requested = 1; }

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1; /* SA_RESETHAND: a second signal ends the process */
}

void rs_batch_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* Past a file-size limit, write() fails with EFBIG instead of killing
     * the process: regsim then reports it and keeps what was committed. */
    signal(SIGXFSZ, SIG_IGN);
}

typedef struct slot {
    atomic_long run;      /* run held, -1 when free */
    atomic_int ready;     /* 1 when the run is finished */
    double *series;
    double *muni;
    rs_event_log log;
} slot;

struct rs_runner {
    const rs_scenario *sc;
    const rs_model *m;
    void *world;
    gsl_rng **rng;
};

typedef struct batch {
    const rs_scenario *sc;
    const rs_model *m;
    rs_h5 *h5;
    long nruns;
    int nslots;
    slot *slots;
    atomic_long next_claim;
    atomic_long next_write;   /* written only inside the writer critical section */
    atomic_int failed;        /* a run or a write failed: stop */
    rs_error fail_err;        /* first failure, guarded by critical(rs_fail) */
    size_t dropped;           /* events dropped, since the last commit */
    size_t dropped_total;
    double t0, last_commit, last_progress;
    long done_before;
    int progress;
    double *kept; /* the run series for the summaries (summary.h), or NULL */
} batch;

static void record_failure(batch *b, const rs_error *e)
{
#pragma omp critical(rs_fail)
    {
        if (!atomic_load(&b->failed)) {
            b->fail_err = *e;
            atomic_store(&b->failed, 1);
        }
    }
}

static void show_progress(batch *b, long done, int final)
{
    double now = omp_get_wtime();
    if (!final && now - b->last_progress < 0.25) return;
    b->last_progress = now;
    double el = now - b->t0;
    long new_runs = done - b->done_before;
    double rate = el > 0 ? new_runs / el : 0;
    long left = b->nruns - done;
    double eta = rate > 0 ? left / rate : 0;
    fprintf(stderr, "\r  runs %ld/%ld (%.1f%%)  %.1f runs/s  %s %d:%02d   ", done, b->nruns,
            b->nruns ? 100.0 * done / b->nruns : 100.0, rate, final ? "took" : "left",
            (int)((final ? el : eta) / 60), (int)fmod(final ? el : eta, 60));
    if (final) fputc('\n', stderr);
    fflush(stderr);
}

/* Write every finished run the file is waiting for. Call inside the
 * writer critical section. */
static void drain(batch *b, int force_commit)
{
    rs_error e;
    rs_error_clear(&e);
    int wrote = 0;
    long nw;
    while ((nw = atomic_load(&b->next_write)) < b->nruns && !atomic_load(&b->failed)) {
        slot *s = &b->slots[nw % b->nslots];
        if (atomic_load(&s->run) != nw || !atomic_load(&s->ready)) break;
        rs_run_ctx ctx = {.sc = b->sc, .run = nw, .series = s->series,
                          .muni_series = s->muni, .events = b->sc->outputs.events ? &s->log : NULL};
        if (rs_h5_write_run(b->h5, &ctx, &e)) { record_failure(b, &e); return; }
        b->dropped += s->log.dropped;
        wrote = 1;
        atomic_store(&s->ready, 0);
        atomic_store(&s->run, -1);
        atomic_store(&b->next_write, nw + 1);
    }
    double now = omp_get_wtime();
    if ((wrote && now - b->last_commit >= 1.0) || (force_commit && !atomic_load(&b->failed))) {
        if (rs_h5_commit(b->h5, force_commit, b->dropped, &e)) { record_failure(b, &e); return; }
        b->dropped_total += b->dropped;
        b->dropped = 0;
        b->last_commit = now;
    }
    if (b->progress && wrote) show_progress(b, atomic_load(&b->next_write), 0);
}

void rs_runner_free(rs_runner *r)
{
    if (!r) return;
    if (r->world) r->m->world_free(r->world);
    if (r->rng)
        for (size_t k = 0; k < r->m->nmechanisms; k++)
            if (r->rng[k]) gsl_rng_free(r->rng[k]);
    free(r->rng);
    free(r);
}

rs_runner *rs_runner_alloc(const rs_scenario *sc, rs_error *err)
{
    const rs_model *m = rs_model_get();
    rs_runner *r = rs_calloc(1, sizeof *r);
    if (!r) { rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory"); return NULL; }
    r->sc = sc;
    r->m = m;
    r->world = m->world_alloc(sc, err);
    if (!r->world) {
        if (!err->status) rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory for a world");
        rs_runner_free(r);
        return NULL;
    }
    r->rng = rs_calloc(m->nmechanisms ? m->nmechanisms : 1, sizeof(gsl_rng *));
    for (size_t k = 0; r->rng && k < m->nmechanisms; k++)
        if (!(r->rng[k] = gsl_rng_alloc(rs_rng_xoshiro256))) break;
    for (size_t k = 0; k < m->nmechanisms; k++)
        if (!r->rng || !r->rng[k]) {
            rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory for random streams");
            rs_runner_free(r);
            return NULL;
        }
    return r;
}

rs_status rs_runner_run(rs_runner *r, long run, double *series, double *muni, rs_event_log *events,
                        size_t nmech, rs_error *err)
{
    const rs_scenario *sc = r->sc;
    const rs_model *m = r->m;
    if (nmech == 0 || nmech > m->nmechanisms) nmech = m->nmechanisms;
    int set, rep;
    rs_scenario_run_ids(sc, run, &set, &rep);
    if (events) { events->n = 0; events->dropped = 0; }
    rs_run_ctx ctx = {.sc = sc, .par = sc->sets[set].values, .run = run, .set = set, .replicate = rep,
                      .seed = rs_scenario_run_seed(sc, run), .rng = r->rng, .events = events,
                      .series = series, .muni_series = muni};
    for (size_t k = 0; k < m->nmechanisms; k++) gsl_rng_set(r->rng[k], rs_stream_seed(ctx.seed, k));
    rs_status st = m->world_reset(r->world, &ctx, err);
    if (st) return st;
    for (size_t k = 0; k < nmech; k++)
        if (m->mechanisms[k]->init && (st = m->mechanisms[k]->init(r->world, &ctx, r->rng[k], err)))
            return st;
    const int H = sc->horizon;
    for (int month = 1; month <= H; month++) {
        for (size_t k = 0; k < nmech; k++)
            m->mechanisms[k]->step(r->world, &ctx, month, r->rng[k]);
        m->observe(r->world, &ctx, month);
        for (size_t q = 0; q < m->nseries; q++) {
            double v = ctx.series[q * (size_t)H + (size_t)(month - 1)];
            if (!isfinite(v))
                return rs_error_set(err, RS_EINVARIANT, NULL, 0, NULL,
                                    "run %ld, month %d: series %s is %g; stopping (a model bug: please report it "
                                    "with the scenario)", run, month, m->series[q].name, v);
        }
        if (m->check && (st = m->check(r->world, &ctx, month, err))) {
            char msg[sizeof err->msg];
            memcpy(msg, err->msg, sizeof msg);
            return rs_error_set(err, st, NULL, 0, NULL, "run %ld, month %d: %.900s", run, month, msg);
        }
    }
    return RS_OK;
}

static void batch_free(batch *b)
{
    if (!b->slots) return;
    for (int i = 0; i < b->nslots; i++) {
        free(b->slots[i].series);
        free(b->slots[i].muni);
        free(b->slots[i].log.ev);
    }
    free(b->slots);
    b->slots = NULL;
}

static rs_status batch_alloc(batch *b, int nthreads, rs_error *err)
{
    const rs_scenario *sc = b->sc;
    size_t H = (size_t)sc->horizon, n = (size_t)sc->region.n;
    /* Two slots per thread let the other threads go on while a slow run
     * finishes. A slot over 256 KB (the municipality series of a big
     * region, an event log: the default 20,000 events are 480 KB) costs
     * more memory than that slack is worth: then one slot per thread plus
     * two. At 2 threads the slack made no measurable difference to 10,000
     * Drechtsteden runs or 16 netherlands runs (bench/RESULTS.md, memory per
     * running run). */
    size_t slot_bytes = b->m->nseries * H * sizeof(double) +
                        (sc->outputs.municipality_series ? b->m->nmuni_series * H * n * sizeof(double) : 0) +
                        (sc->outputs.events ? (size_t)sc->outputs.max_events_per_run * sizeof(rs_event) : 0);
    b->nslots = slot_bytes > ((size_t)1 << 18) ? nthreads + 2 : 2 * nthreads + 2;
    b->slots = rs_calloc((size_t)b->nslots, sizeof *b->slots);
    if (!b->slots) return rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory");
    for (int i = 0; i < b->nslots; i++) {
        slot *s = &b->slots[i];
        atomic_init(&s->run, -1);
        atomic_init(&s->ready, 0);
        s->series = rs_calloc(b->m->nseries * H + 1, sizeof(double));
        if (sc->outputs.municipality_series) s->muni = rs_calloc(b->m->nmuni_series * H * n + 1, sizeof(double));
        if (sc->outputs.events) {
            s->log.cap = (size_t)sc->outputs.max_events_per_run;
            s->log.ev = rs_malloc(s->log.cap * sizeof(rs_event));
        }
        if (!s->series || (sc->outputs.municipality_series && !s->muni) || (sc->outputs.events && !s->log.ev))
            return rs_error_set(err, RS_ENOMEM, NULL, 0, NULL,
                                "out of memory for result buffers (%d slots)", b->nslots);
    }
    return RS_OK;
}

/* Write what the file is waiting for, unless another thread is writing:
 * a thread that finished a run goes on with its next run rather than
 * queue behind a write. The check after unlocking closes the window in
 * which a run became ready while the writer was finishing. */
static void try_drain(batch *b, omp_lock_t *lock)
{
    for (;;) {
        if (!omp_test_lock(lock)) return;
        drain(b, 0);
        omp_unset_lock(lock);
        long nw = atomic_load(&b->next_write);
        if (nw >= b->nruns || atomic_load(&b->failed)) return;
        slot *s = &b->slots[nw % b->nslots];
        if (atomic_load(&s->run) != nw || !atomic_load(&s->ready)) return;
    }
}

static void pause_briefly(void)
{
    struct timespec ts = {0, 200000}; /* 0.2 ms */
    nanosleep(&ts, NULL);
}

/* The kept run series (summary.h) in 2 MiB-aligned memory that the kernel
 * is asked to back with huge pages: filling 35 MB of 4 KB pages took 8,600
 * page faults, two thirds of those of a 1,000-run Drechtsteden command. */
static double *kept_alloc(size_t n)
{
    void *p = NULL;
    size_t bytes = n * sizeof(double);
    if (posix_memalign(&p, (size_t)1 << 21, bytes)) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* advice only: without it, 4 KB pages */
#endif
    return p;
}

rs_status rs_batch_run(const rs_scenario *sc, const rs_batch_opts *opts, rs_batch_report *rep,
                       rs_error *err)
{
#ifdef REGSIM_HAVE_MPI
    if (rs_mpi_active()) return rs_mpi_batch_run(sc, opts, rep, err, (volatile int *)&stop_requested);
#endif
    const rs_model *m = rs_model_get();
    batch b;
    memset(&b, 0, sizeof b);
    b.sc = sc;
    b.m = m;
    b.nruns = rs_scenario_nruns(sc);
    memset(rep, 0, sizeof *rep);
    rep->nruns = b.nruns;
    rs_status st;
    long done = 0;
    double t0 = omp_get_wtime();
    if (opts->resume) st = rs_h5_resume(opts->output, sc, opts->cmdline, &b.h5, &done, err);
    else st = rs_h5_create(opts->output, sc, opts->cmdline, opts->force, &b.h5, err);
    if (st) return st;
    rep->done_before = done;
    b.done_before = done;
    atomic_init(&b.next_claim, done);
    atomic_init(&b.next_write, done);
    atomic_init(&b.failed, 0);

    int nthreads = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    long todo = b.nruns - done;
    if (todo < nthreads) nthreads = todo > 0 ? (int)todo : 1;
    if ((st = batch_alloc(&b, nthreads, err))) goto out;
    /* keep the run series for the summaries when this batch writes them all
     * and they fit (else they are read back; without memory, too) */
    size_t nkept = done ? 0 : rs_summary_kept_doubles(sc);
    b.kept = nkept ? kept_alloc(nkept) : NULL;
    b.t0 = b.last_commit = t0;
    b.progress = opts->progress;

    omp_lock_t writer_lock;
    omp_init_lock(&writer_lock);
    /* with more than one thread, complete chunks are compressed by whichever
     * threads are not writing (rs_h5_help), not by the writer alone */
    rs_h5_set_helpers(b.h5, nthreads - 1);
#pragma omp parallel num_threads(nthreads)
    {
        rs_error e;
        rs_error_clear(&e);
        rs_status ws = RS_OK;
        rs_runner *w;
#pragma omp critical(rs_alloc)
        w = rs_runner_alloc(sc, &e);
        if (!w) { ws = e.status; record_failure(&b, &e); }
#pragma omp barrier
        while (!ws && !atomic_load(&b.failed) && !stop_requested) {
            long run = atomic_fetch_add(&b.next_claim, 1);
            if (run >= b.nruns) break;
            slot *s = &b.slots[run % b.nslots];
            /* Wait until run - nslots has been written: then this slot is
             * free and no other claimed run can take it (run + nslots waits
             * for this run to be written). */
            while (atomic_load(&b.next_write) <= run - b.nslots && !atomic_load(&b.failed)) {
                try_drain(&b, &writer_lock); /* help while waiting */
                rs_h5_help(b.h5);
                pause_briefly();
            }
            if (atomic_load(&b.failed)) break;
            atomic_store(&s->run, run);
            if ((ws = rs_runner_run(w, run, s->series, s->muni, sc->outputs.events ? &s->log : NULL, 0, &e))) {
                record_failure(&b, &e);
                break;
            }
            if (b.kept) { /* by the thread that ran it, not the serial writer */
                const size_t H = (size_t)sc->horizon, N = (size_t)b.nruns;
                for (size_t q = 0; q < m->nseries; q++)
                    memcpy(b.kept + (q * N + (size_t)run) * H, s->series + q * H, H * sizeof(double));
            }
            atomic_store(&s->ready, 1);
            try_drain(&b, &writer_lock);
            rs_h5_help(b.h5);
        }
        /* Runs already claimed must still finish so that the file stays a
         * prefix: a stop request only prevents new claims. */
        rs_runner_free(w);
    }
    omp_destroy_lock(&writer_lock);
    /* write what is left in order, commit */
    drain(&b, 1);
    if (atomic_load(&b.failed) && b.h5) {
        /* record the runs already on disk (a refused write leaves the
           file consistent); the first error is the one reported */
        rs_error ce;
        rs_h5_commit(b.h5, 0, 0, &ce);
    }
    long written = atomic_load(&b.next_write);
    rep->done = written;
    rep->events_dropped = b.dropped_total;
    rep->seconds = omp_get_wtime() - t0;
    if (b.progress && !atomic_load(&b.failed)) show_progress(&b, written, 1);
    if (atomic_load(&b.failed)) {
        *err = b.fail_err;
        st = err->status ? err->status : RS_EINTERNAL;
    } else if (written < b.nruns) {
        st = rs_error_set(err, RS_EINTERRUPT, opts->output, 0, NULL,
                          "interrupted: %ld of %ld runs are in the file; finish with the same command and --resume",
                          written, b.nruns);
    } else {
        st = RS_OK;
    }
out:
    {
        rs_error cerr;
        rs_error_clear(&cerr);
        rs_status cs = rs_h5_close(b.h5, &cerr);
        if (!st && cs) { *err = cerr; st = cs; }
    }
    batch_free(&b);
    /* the batch is complete: design matrix and summaries (engine/summary.c) */
    if (!st && opts->progress) fprintf(stderr, "  writing /summary ...\r");
    if (!st)
        st = rs_results_finish(opts->output, sc, opts->threads > 0 ? opts->threads : omp_get_max_threads(), b.kept,
                               err);
    free(b.kept);
    if (opts->progress) fprintf(stderr, "                       \r");
    return st;
}
