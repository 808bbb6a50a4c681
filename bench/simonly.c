/*
 * simonly.c - the simulation alone, without any output: seconds per run of
 * rs_runner_run (world reset, every mechanism every month, the run series
 * observed into memory) on one thread. bench/run.sh section 5 sets it
 * beside the whole `regsim run` command and the Python reference, to show
 * how much of a run is the model and how much the results file.
 *
 * usage: bench_simonly SCENARIO.json [RUNS]
 *   runs 0..RUNS-1 of the scenario (default: all its runs), as `regsim run`
 *   numbers them; prints "RUNS SECONDS_PER_RUN" (median of 5 passes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "regsim/regsim.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_simonly SCENARIO.json [RUNS]\n");
        return 2;
    }
    rs_error e;
    rs_error_clear(&e);
    rs_scenario *sc = rs_scenario_load(argv[1], &e);
    if (!sc) {
        fprintf(stderr, "bench_simonly: %s: %s%s%s\n", argv[1], e.path, e.path[0] ? ": " : "", e.msg);
        return 1;
    }
    long runs = argc == 3 ? atol(argv[2]) : rs_scenario_nruns(sc);
    if (runs < 1 || runs > rs_scenario_nruns(sc)) {
        fprintf(stderr, "bench_simonly: RUNS must be 1..%ld\n", rs_scenario_nruns(sc));
        rs_scenario_free(sc);
        return 2;
    }
    const rs_model *m = rs_model_get();
    double *series = malloc(m->nseries * (size_t)sc->horizon * sizeof *series);
    rs_runner *r = rs_runner_alloc(sc, &e);
    if (!series || !r) {
        fprintf(stderr, "bench_simonly: %s\n", r ? "out of memory" : e.msg);
        return 1;
    }
    double t[5];
    for (int pass = 0; pass < 5; pass++) {
        double t0 = now();
        for (long k = 0; k < runs; k++)
            if (rs_runner_run(r, k, series, NULL, NULL, 0, &e)) {
                fprintf(stderr, "bench_simonly: run %ld: %s\n", k, e.msg);
                return 1;
            }
        t[pass] = (now() - t0) / (double)runs;
    }
    qsort(t, 5, sizeof *t, cmp);
    printf("%ld %.9f\n", runs, t[2]);
    rs_runner_free(r);
    free(series);
    rs_scenario_free(sc);
    return 0;
}
