/*
 * test_mechanisms.c - one generic test run against every mechanism of the
 * model (cf. SUNDIALS' generic N_Vector tests): for k = 1..K, a model made
 * of the first k mechanisms initialises, steps every month of a real
 * scenario, keeps every invariant, writes finite series, is deterministic
 * (the same run twice gives the same bytes), and allocates nothing while
 * it runs (malloc, calloc and realloc are counted through --wrap).
 *
 * usage: test_mechanisms SCENARIO.json...
 */
#include <stdlib.h>
#include <string.h>
#include "../check.h"
#include "regsim/regsim.h"

static long nalloc;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t s);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n) { __atomic_add_fetch(&nalloc, 1, __ATOMIC_RELAXED); return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t s) { __atomic_add_fetch(&nalloc, 1, __ATOMIC_RELAXED); return __real_calloc(n, s); }
void *__wrap_realloc(void *p, size_t n) { __atomic_add_fetch(&nalloc, 1, __ATOMIC_RELAXED); return __real_realloc(p, n); }

static void test_scenario(const char *path)
{
    rs_error e;
    rs_error_clear(&e);
    rs_scenario *sc = rs_scenario_load(path, &e);
    CHECK(sc != NULL, "%s: %s %s", path, e.path, e.msg);
    if (!sc) return;
    const rs_model *m = rs_model_get();
    size_t H = (size_t)sc->horizon, n = (size_t)sc->region.n;
    size_t ls = m->nseries * H, lm = m->nmuni_series * H * n;
    double *s1 = malloc(ls * sizeof(double)), *s2 = malloc(ls * sizeof(double));
    double *m1 = malloc(lm * sizeof(double)), *m2 = malloc(lm * sizeof(double));
    rs_event_log log = {malloc(100000 * sizeof(rs_event)), 0, 100000, 0};
    rs_runner *r = rs_runner_alloc(sc, &e);
    CHECK(r != NULL, "runner: %s", e.msg);
    long nruns = rs_scenario_nruns(sc);
    for (size_t k = 1; r && k <= m->nmechanisms; k++) {
        const char *name = m->mechanisms[k - 1]->name;
        long runs[2] = {0, nruns - 1};
        for (int q = 0; q < 2; q++) {
            long before = nalloc;
            rs_status st = rs_runner_run(r, runs[q], s1, m1, &log, k, &e);
            long allocs = nalloc - before;
            CHECK(st == RS_OK, "%s: mechanisms up to %s, run %ld: %s", path, name, runs[q], e.msg);
            CHECK(allocs == 0, "%s: mechanisms up to %s allocated %ld times during a run", path, name, allocs);
            size_t nev = log.n;
            st = rs_runner_run(r, runs[q], s2, m2, &log, k, &e);
            CHECK(st == RS_OK && memcmp(s1, s2, ls * sizeof(double)) == 0, "%s: up to %s: series differ between identical runs", path, name);
            CHECK(memcmp(m1, m2, lm * sizeof(double)) == 0, "%s: up to %s: municipality series differ", path, name);
            CHECK(log.n == nev, "%s: up to %s: event count differs %zu vs %zu", path, name, nev, log.n);
            int finite = 1;
            for (size_t i = 0; i < ls; i++) finite &= isfinite(s1[i]);
            CHECK(finite, "%s: up to %s: a series is not finite", path, name);
        }
    }
    /* the full model: different replicates differ (randomness is used) */
    if (r && sc->replications > 1) {
        rs_runner_run(r, 0, s1, m1, &log, 0, &e);
        rs_runner_run(r, 1, s2, m2, &log, 0, &e);
        CHECK(memcmp(s1, s2, ls * sizeof(double)) != 0 || memcmp(m1, m2, lm * sizeof(double)) != 0,
              "%s: replicates 0 and 1 are identical", path);
    }
    rs_runner_free(r);
    free(s1); free(s2); free(m1); free(m2); free(log.ev);
    rs_scenario_free(sc);
}

int main(int argc, char **argv)
{
    CHECK(argc > 1, "usage: test_mechanisms SCENARIO.json...");
    for (int i = 1; i < argc; i++) test_scenario(argv[i]);
    return check_done();
}
