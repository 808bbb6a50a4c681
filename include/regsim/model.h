/*
 * model.h - how a model plugs into the engine.
 *
 * A model is a world (its state, opaque to the engine), a list of
 * mechanisms run each month in list order, and the series it reports.
 * A mechanism is a small const table of functions (cf. gsl_rng_type):
 * adding one is adding a file under models/ and a line to the model's
 * list, without touching the engine.
 *
 * Memory: world_alloc is called once per worker thread and sizes
 * everything for the scenario; world_reset and the monthly steps must not
 * allocate. Each mechanism gets its own random stream per run, seeded from
 * the run seed and the mechanism's position, so a change in one mechanism's
 * draws does not shift another's.
 */
#ifndef REGSIM_MODEL_H
#define REGSIM_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "regsim/error.h"
#include "regsim/param.h"
#include "regsim/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* A reported series: name, CF-style units and long_name. */
typedef struct rs_series_def {
    const char *name;
    const char *units;
    const char *long_name;
} rs_series_def;

/* One entry of the event log. */
typedef struct rs_event {
    int32_t month;
    int32_t kind;          /* index into the model's event_kinds */
    int32_t partnership;   /* -1 if not applicable */
    int32_t municipality;  /* -1 if not applicable */
    double amount;         /* kind-specific, NaN if none */
} rs_event;

/* A run's event buffer, allocated once with a fixed capacity. */
typedef struct rs_event_log {
    rs_event *ev;
    size_t n, cap;
    size_t dropped;        /* events that did not fit (reported, never silent) */
} rs_event_log;

/* Append an event; counts it as dropped when the buffer is full. */
static inline void rs_event_add(rs_event_log *log, int month, int kind, int partnership,
                                int municipality, double amount)
{
    if (!log) return;
    if (log->n < log->cap) {
        rs_event *e = &log->ev[log->n++];
        e->month = month; e->kind = kind; e->partnership = partnership;
        e->municipality = municipality; e->amount = amount;
    } else {
        log->dropped++;
    }
}

/* Everything a run needs besides the world. Owned by the engine. */
typedef struct rs_run_ctx {
    const rs_scenario *sc;
    const double *par;     /* [rs_param_count()] this run's parameter values */
    long run;
    int set, replicate;
    uint64_t seed;
    gsl_rng **rng;         /* [nmechanisms] one stream per mechanism */
    rs_event_log *events;  /* NULL when the scenario writes no event log */
    double *series;        /* [nseries * horizon]: series[s * horizon + month - 1] */
    double *muni_series;   /* [nmuni_series * horizon * n] or NULL:
                              muni_series[(s * horizon + month - 1) * n + i] */
} rs_run_ctx;

typedef struct rs_mechanism {
    const char *name;           /* "trust", "production", ... */
    const char *summary;        /* one line */
    const rs_param_def *params; /* this mechanism's parameters */
    size_t nparams;
    /* Before month 1, after world_reset. May be NULL. */
    rs_status (*init)(void *world, rs_run_ctx *ctx, gsl_rng *rng, rs_error *err);
    /* Each month, in list order. Must not allocate. */
    void (*step)(void *world, rs_run_ctx *ctx, int month, gsl_rng *rng);
} rs_mechanism;

typedef struct rs_model {
    const char *name;
    const char *version;
    const rs_mechanism *const *mechanisms;
    size_t nmechanisms;
    const rs_series_def *series;      /* per run and month */
    size_t nseries;
    const rs_series_def *muni_series; /* per run, month and municipality */
    size_t nmuni_series;
    const char *const *event_kinds;   /* event log kinds, NULL-terminated */
    const char *const *sched_kinds;   /* scheduled event kinds, NULL-terminated */
    const char *const *domains;       /* service domains, NULL-terminated */

    /* Build sc->partnerships from a scenario's "partnerships": {"generate":
     * {...}} block (a cJSON object; path names it in messages). NULL when the
     * model only takes explicit partnership lists. */
    rs_status (*generate)(rs_scenario *sc, const struct cJSON *spec, const char *path,
                          rs_error *err);
    /* Model-specific checks of a loaded scenario (may be NULL). */
    rs_status (*validate)(const rs_scenario *sc, rs_error *err);
    /* Allocate a world sized for sc; once per worker. */
    void *(*world_alloc)(const rs_scenario *sc, rs_error *err);
    void (*world_free)(void *world);
    /* Set the initial state of run ctx->run; must not allocate. */
    rs_status (*world_reset)(void *world, rs_run_ctx *ctx, rs_error *err);
    /* Write month's column of ctx->series (and muni_series when set). */
    void (*observe)(void *world, rs_run_ctx *ctx, int month);
    /* Invariants after a month; RS_EINVARIANT with a message if broken. */
    rs_status (*check)(const void *world, const rs_run_ctx *ctx, int month, rs_error *err);
} rs_model;

/* Allocation for models (world_alloc, generate): like malloc and calloc,
 * but a test can make them fail on purpose (RS_FAIL_ALLOC_AFTER=N fails
 * every allocation after the first N), so out-of-memory paths are tested.
 * Free with free(). */
void *rs_malloc(size_t n);
void *rs_calloc(size_t n, size_t size);

/* The model linked into this build of regsim. */
const rs_model *rs_model_get(void);
/* Index of name in a NULL-terminated list, or -1. */
int rs_name_index(const char *const *list, const char *name);

#ifdef __cplusplus
}
#endif
#endif
