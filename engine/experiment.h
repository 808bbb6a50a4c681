/*
 * experiment.h - experimental designs over model parameters (the
 * scenario's "experiment" block) and the design generators themselves.
 *
 * A design is a matrix of npoints x nfactors. Randomised and quasi-random
 * designs are generated in the unit cube [0,1)^k and mapped onto each
 * factor (range: uniform or log-uniform; levels: the level whose stratum
 * holds the coordinate). Full factorial designs enumerate level indices;
 * CSV designs give parameter values directly. Every parameter set of the
 * scenario is one (variant, point) pair: set = variant * npoints + point.
 * See docs/scenarios.md ("experiment") and docs/experiments.md.
 */
#ifndef REGSIM_EXPERIMENT_H
#define REGSIM_EXPERIMENT_H

#include <stdint.h>
#include "regsim/regsim.h"

typedef enum rs_design_kind {
    RS_DESIGN_FULL_FACTORIAL = 0,
    RS_DESIGN_LATIN_HYPERCUBE,
    RS_DESIGN_SOBOL,
    RS_DESIGN_SALTELLI,
    RS_DESIGN_MORRIS,
    RS_DESIGN_CSV
} rs_design_kind;

extern const char *const rs_design_names[]; /* NULL-terminated, indexed by kind */

typedef struct rs_factor {
    char *name;         /* parameter path "group.name" */
    long param;         /* registry index */
    int nlevels;        /* > 0: a level factor */
    double *levels;     /* [nlevels] values as stored (enum index, 0/1, ...) */
    double lo, hi;      /* range factor */
    int loguniform;     /* range distribution */
} rs_factor;

typedef struct rs_experiment {
    rs_design_kind kind;
    int nfactors;
    rs_factor *factors;
    int npoints;        /* design points (rows) */
    int base_points;    /* N: latin_hypercube, sobol, saltelli; r: morris */
    int grid_levels;    /* p: morris */
    uint64_t seed;      /* latin_hypercube, morris */
    char *csv;          /* csv: the file as written in the scenario */
    double *unit;       /* [npoints * nfactors] unit-cube coordinates; NaN for
                           full_factorial and csv */
    int *level;         /* [npoints * nfactors] level indices, -1 for ranges */
    double *values;     /* [npoints * nfactors] parameter values */
} rs_experiment;

/* ---- generators (row-major out[n * k]); 0 on success, -1 on bad input */

/* Latin hypercube: each column has exactly one point in each of the n
 * strata [i/n, (i+1)/n), at a uniform position within it. */
int rs_design_lhs(int n, int k, uint64_t seed, double *out);
/* Sobol low-discrepancy sequence (GSL, k <= 40); GSL never returns the
 * origin, so with it the first 2^m - 1 points form a (0,m,1)-net per axis. */
int rs_design_sobol(int n, int k, double *out);
/* Saltelli (2010) sampling for Sobol indices from N base points: rows
 * [0,N) = A, [N,2N) = B, then k blocks AB_i (A with column i from B);
 * n = N * (k + 2). A and B are the two halves of a 2k-dimensional Sobol
 * sequence (k <= 20). */
int rs_design_saltelli(int N, int k, double *out);
/* Morris (1991) elementary-effects design: r trajectories of k + 1 points
 * on a p-level grid, each step moving one factor by delta = p / (2 (p-1)). */
int rs_design_morris(int r, int k, int p, uint64_t seed, double *out);
/* Full factorial: every combination of the level counts, the last factor
 * varying fastest; out[n * k] level indices. Returns n, or -1. */
long rs_design_full_factorial(int k, const int *nlevels, int *out, long max);

/* ---- scenario integration (engine/scenario.c) */
struct cJSON;
/* Parse sc's "experiment" block (j may be NULL: no experiment) and
 * expand sc->sets into variants x design points. */
rs_status rs_experiment_load(rs_scenario *sc, const struct cJSON *j, const char *file,
                             const char *dir, rs_error *err);
void rs_experiment_free(rs_experiment *e);
/* The experiment as resolved, for provenance (a new cJSON object). */
struct cJSON *rs_experiment_json(const rs_experiment *e);
/* Parse a CSV design file (header = parameter names). Used by the loader;
 * exposed for tests. On success fills e->factors, e->nfactors, e->npoints
 * and e->values. */
rs_status rs_experiment_read_csv(rs_experiment *e, const rs_scenario *sc, const char *path,
                                 const char *file, const char *jpath, rs_error *err);
#endif
