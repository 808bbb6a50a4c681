/*
 * scenario.h - a scenario: the region, its partnerships, parameters,
 * variants, replications, horizon, seed and which outputs to write.
 *
 * Loaded from JSON (cJSON) and validated completely before anything runs:
 * every problem is reported with the file, the line (for malformed JSON),
 * the JSON path, what was found and what is allowed. A loaded scenario is
 * read-only and shared by every run.
 *
 * Runs are numbered run = set * replications + replicate, where a parameter
 * set is one variant (and, for experiments, one design point).
 */
#ifndef REGSIM_SCENARIO_H
#define REGSIM_SCENARIO_H

#include <stdint.h>
#include "regsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rs_region {
    int n;                 /* municipalities */
    char **name;           /* [n] */
    char **code;           /* [n] CBS code ("GM0505"), "" if unknown */
    char **province;       /* [n], "" if unknown */
    double *population;    /* [n] inhabitants */
    double *budget_pc;     /* [n] annual budget per inhabitant (EUR); NaN: use the parameter */
    int nedges;            /* shared borders, each pair once */
    int *edge_a, *edge_b;  /* [nedges] municipality indices */
} rs_region;

typedef struct rs_partnership_spec {
    char *name;
    int domain;            /* index into the model's domain list */
    int nmembers;
    int *members;          /* [nmembers] municipality indices */
    int lead;              /* municipality index, -1: decided by the governance lever */
    int start_month;       /* month the partnership starts forming (0 = at the start) */
} rs_partnership_spec;

typedef struct rs_sched_event {
    int month;             /* 1..horizon */
    int kind;              /* index into the model's scheduled-event kinds */
    int partnership;       /* index into partnerships, -1 if not applicable */
    int municipality;      /* municipality index, -1 if not applicable */
    double value;          /* kind-specific value, NaN if not given */
} rs_sched_event;

typedef struct rs_param_set {
    char *label;           /* variant name, or "variant/point k" */
    int variant;           /* index into variant_names */
    int point;             /* design point index, 0 when there is no design */
    double *values;        /* [rs_param_count()] resolved parameter values */
} rs_param_set;

typedef struct rs_outputs {
    int municipality_series; /* write (run, month, municipality) series */
    int events;              /* write the event log */
    int max_events_per_run;  /* capacity of a run's event buffer */
} rs_outputs;

typedef struct rs_scenario {
    char *path;            /* file it came from ("" if from memory) */
    char *dir;             /* directory of path, for relative CSV paths */
    char *name;
    char *description;
    rs_region region;
    int npartnerships;
    rs_partnership_spec *partnerships;
    int nevents;
    rs_sched_event *events;   /* sorted by month */
    int horizon;              /* months */
    int replications;
    uint64_t seed;
    int nvariants;
    char **variant_names;     /* [nvariants] */
    int nsets;
    rs_param_set *sets;       /* [nsets] */
    rs_outputs outputs;
    char *resolved_json;      /* the scenario as resolved, defaults included */
    struct rs_experiment *experiment; /* the "experiment" block (engine/experiment.h),
                                         NULL without one */
} rs_scenario;

/* Load and validate a scenario file. On failure returns NULL with err set. */
rs_scenario *rs_scenario_load(const char *path, rs_error *err);
/* Same, from a JSON text; name is used in messages as the file name. */
rs_scenario *rs_scenario_parse(const char *json, const char *name, const char *dir,
                               rs_error *err);
void rs_scenario_free(rs_scenario *sc);

/* Total number of runs: nsets * replications. */
long rs_scenario_nruns(const rs_scenario *sc);
/* The parameter set and replicate of a run. */
void rs_scenario_run_ids(const rs_scenario *sc, long run, int *set, int *replicate);
/* Seed of a run's random streams. It depends only on the scenario seed and
 * the replicate, so replicate r sees the same random numbers in every
 * variant (common random numbers). */
uint64_t rs_scenario_run_seed(const rs_scenario *sc, long run);
/* Index of a municipality by name or CBS code, or -1. */
int rs_region_find(const rs_region *rg, const char *name_or_code);

#ifdef __cplusplus
}
#endif
#endif
