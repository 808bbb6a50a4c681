/*
 * generate.c - the model's partnership generator (docs/model.md 6.3), called
 * by the engine for "partnerships": {"generate": {...}}. Deterministic from
 * its own seed option (SplitMix64), so every run and variant of a scenario
 * shares one network.
 *
 * Targets t_i: uniform (round(mean)), two_bands (low/high alternating by
 * population rank) or nl_2020 (log-linear through the knots (0, 4), (0.03, 6),
 * (0.57, 15), (0.90, 40), (1, t_max) of the population-rank quantile, t_max
 * bisected so that mean t_i reaches `mean`) [000]. Then repeatedly the
 * municipality with most stubs left hosts a partnership of size
 * min(size_max, 2 + floor(Exp * (size_mean - 2))) in a domain drawn by
 * prevalence, with the nearest (border hops, then own province) municipalities
 * that still have stubs, in random order within a distance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "world.h"

typedef struct { uint64_t x; } sm64;
static double sm_next(sm64 *s)
{
    uint64_t z = (s->x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

typedef struct { int hop, oprov, j; double key; } cand_t;
static int cmp_cand(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->hop != y->hop) return x->hop < y->hop ? -1 : 1;
    if (x->oprov != y->oprov) return x->oprov < y->oprov ? -1 : 1;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->j < y->j ? -1 : x->j > y->j;
}

static const rs_region *g_rg;
static int cmp_rank(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    double pi = g_rg->population[i], pj = g_rg->population[j];
    if (pi != pj) return pi < pj ? -1 : 1;
    return i < j ? -1 : i > j;
}
static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return x < y ? -1 : x > y; }

static void nl_targets(int n, const int *rank_of, double tmax, int *t)
{
    static const double kq[5] = {0, 0.03, 0.57, 0.90, 1};
    double kt[5] = {4, 6, 15, 40, tmax};
    for (int i = 0; i < n; i++) {
        double q = (rank_of[i] + 0.5) / n;
        int s = 0;
        while (s < 3 && q > kq[s + 1]) s++;
        double v = exp(log(kt[s]) + (log(kt[s + 1]) - log(kt[s])) * (q - kq[s]) / (kq[s + 1] - kq[s]));
        t[i] = (int)round(v);
    }
}

static rs_status opt_num(const cJSON *spec, const char *key, const char *path, double def, double lo,
                         double hi, int integer, double *out, rs_error *err)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(spec, key);
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!j) { *out = def; return RS_OK; }
    if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble) || j->valuedouble < lo || j->valuedouble > hi ||
        (integer && j->valuedouble != floor(j->valuedouble)))
        return rs_error_set(err, RS_EINPUT, NULL, 0, p, "expected %s in [%g, %g]", integer ? "an integer" : "a number", lo, hi);
    *out = j->valuedouble;
    return RS_OK;
}

rs_status rs_generate_partnerships(rs_scenario *sc, const cJSON *spec, const char *path, rs_error *err)
{
    static const char *const keys[] = {"shape", "mean", "low", "high", "size_mean", "size_max", "hops", "seed", NULL};
    if (!cJSON_IsObject(spec)) return rs_error_set(err, RS_EINPUT, NULL, 0, path, "expected an object of generator options");
    const cJSON *it;
    cJSON_ArrayForEach(it, spec)
    {
        if (rs_name_index(keys, it->string) < 0) {
            char p[160];
            snprintf(p, sizeof p, "%s.%s", path, it->string);
            return rs_error_set(err, RS_EINPUT, NULL, 0, p,
                                "unknown option; allowed: shape, mean, low, high, size_mean, size_max, hops, seed");
        }
    }
    static const char *const shapes[] = {"nl_2020", "uniform", "two_bands", NULL};
    int shape = 0;
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(spec, "shape");
    if (js) {
        char p[160];
        snprintf(p, sizeof p, "%s.shape", path);
        if (!cJSON_IsString(js) || (shape = rs_name_index(shapes, js->valuestring)) < 0)
            return rs_error_set(err, RS_EINPUT, NULL, 0, p, "expected \"nl_2020\", \"uniform\" or \"two_bands\"");
    }
    double mean = 31, low = 10, high = 45, size_mean = 5, size_max = 30, hops = 3, seed = 1;
    rs_status st;
    if ((st = opt_num(spec, "mean", path, 31, 1, 10000, 0, &mean, err)) ||
        (st = opt_num(spec, "low", path, 10, 1, 10000, 1, &low, err)) ||
        (st = opt_num(spec, "high", path, 45, 1, 10000, 1, &high, err)) ||
        (st = opt_num(spec, "size_mean", path, 5, 2, 1000, 0, &size_mean, err)) ||
        (st = opt_num(spec, "size_max", path, 30, 2, 100000, 1, &size_max, err)) ||
        (st = opt_num(spec, "hops", path, 3, 0, 1000, 1, &hops, err)) ||
        (st = opt_num(spec, "seed", path, 1, 0, 9007199254740992.0, 1, &seed, err)))
        return st;
    const rs_region *rg = &sc->region;
    int n = rg->n, H = (int)hops;
    if (n < 2) return rs_error_set(err, RS_EINPUT, NULL, 0, path, "the generator needs at least 2 municipalities");
    int *t = rs_calloc((size_t)n, sizeof(int)), *order = rs_calloc((size_t)n, sizeof(int));
    int *rank_of = rs_calloc((size_t)n, sizeof(int)), *dist = rs_calloc((size_t)n, sizeof(int));
    int *queue = rs_calloc((size_t)n, sizeof(int)), *adj_off = rs_calloc((size_t)n + 1, sizeof(int));
    int *adj = rs_calloc(2 * (size_t)rg->nedges + 1, sizeof(int)), *fill = rs_calloc((size_t)n, sizeof(int));
    cand_t *cand = rs_calloc((size_t)n, sizeof(cand_t));
    int *mem = rs_calloc((size_t)n, sizeof(int));
    rs_partnership_spec *ps = NULL;
    st = RS_OK;
    if (!t || !order || !rank_of || !dist || !queue || !adj_off || !adj || !fill || !cand || !mem) goto nomem;
    for (int i = 0; i < n; i++) order[i] = i;
    g_rg = rg;
    qsort(order, (size_t)n, sizeof(int), cmp_rank);
    for (int r = 0; r < n; r++) rank_of[order[r]] = r;
    if (shape == 1) for (int i = 0; i < n; i++) t[i] = (int)round(mean);
    else if (shape == 2) for (int i = 0; i < n; i++) t[i] = rank_of[i] % 2 == 0 ? (int)low : (int)high;
    else {
        double lo = 40, hi = 10000;
        for (int k = 0; k < 60; k++) {
            double mid = (lo + hi) / 2, s = 0;
            nl_targets(n, rank_of, mid, t);
            for (int i = 0; i < n; i++) s += t[i];
            if (s / n < mean) lo = mid; else hi = mid;
        }
        nl_targets(n, rank_of, hi, t);
    }
    for (int e = 0; e < rg->nedges; e++) { adj_off[rg->edge_a[e] + 1]++; adj_off[rg->edge_b[e] + 1]++; }
    for (int i = 0; i < n; i++) adj_off[i + 1] += adj_off[i];
    for (int e = 0; e < rg->nedges; e++) {
        int a = rg->edge_a[e], b = rg->edge_b[e];
        adj[adj_off[a] + fill[a]++] = b;
        adj[adj_off[b] + fill[b]++] = a;
    }
    long sumt = 0;
    for (int i = 0; i < n; i++) sumt += t[i];
    int cap = (int)(sumt / 2) + 1, np = 0;
    ps = rs_calloc((size_t)cap, sizeof *ps);
    if (!ps) goto nomem;
    sm64 rng = {(uint64_t)seed};
    double cum[RS_ND], c = 0;
    for (int d = 0; d < RS_ND; d++) cum[d] = (c += rs_domains[d].prevalence);
    for (;;) {
        int h = 0;
        for (int i = 1; i < n; i++) if (t[i] > t[h]) h = i;
        if (t[h] <= 0) break;
        double u = sm_next(&rng);
        int m = 2 + (int)floor(-log(1 - u) * (size_mean - 2));
        if (m > (int)size_max) m = (int)size_max;
        u = sm_next(&rng);
        int d = RS_ND - 1;
        for (int k = 0; k < RS_ND; k++) if (cum[k] > u) { d = k; break; }
        /* hop distances from h (BFS up to H) */
        for (int i = 0; i < n; i++) dist[i] = -1;
        int qh = 0, qt = 0;
        dist[h] = 0; queue[qt++] = h;
        while (qh < qt) {
            int x = queue[qh++];
            if (dist[x] >= H) continue;
            for (int k = adj_off[x]; k < adj_off[x + 1]; k++)
                if (dist[adj[k]] < 0) { dist[adj[k]] = dist[x] + 1; queue[qt++] = adj[k]; }
        }
        const char *hp = rg->province[h];
        int nc = 0;
        for (int j = 0; j < n; j++) {
            if (j == h || t[j] <= 0) continue;
            int same = hp[0] && strcmp(rg->province[j], hp) == 0;
            int hop = dist[j] >= 0 ? dist[j] : same ? H + 1 : -1;
            if (hop < 0) continue;
            cand[nc].hop = hop; cand[nc].oprov = !same; cand[nc].j = j; cand[nc].key = sm_next(&rng);
            nc++;
        }
        if (nc == 0) { t[h] = 0; continue; }
        qsort(cand, (size_t)nc, sizeof *cand, cmp_cand);
        int k = nc < m - 1 ? nc : m - 1;
        mem[0] = h;
        for (int r = 0; r < k; r++) mem[r + 1] = cand[r].j;
        qsort(mem, (size_t)k + 1, sizeof(int), cmp_int);
        if (np >= cap) goto nomem; /* cannot happen: each partnership uses 2 or more stubs */
        rs_partnership_spec *q = &ps[np++];
        q->name = rs_malloc(16);
        q->members = rs_malloc(((size_t)k + 1) * sizeof(int));
        if (!q->name || !q->members) goto nomem;
        snprintf(q->name, 16, "gen-%05d", np);
        q->domain = d; q->nmembers = k + 1; q->lead = -1; q->start_month = 0;
        memcpy(q->members, mem, ((size_t)k + 1) * sizeof(int));
        for (int r = 0; r <= k; r++) t[mem[r]]--;
    }
    sc->partnerships = ps;
    sc->npartnerships = np;
    ps = NULL;
    goto done;
nomem:
    st = rs_error_set(err, RS_ENOMEM, NULL, 0, path, "out of memory while generating partnerships");
    if (ps) {
        for (int k = 0; k < cap; k++) { free(ps[k].name); free(ps[k].members); }
        free(ps);
    }
done:
    free(t); free(order); free(rank_of); free(dist); free(queue); free(adj_off); free(adj); free(fill);
    free(cand); free(mem);
    return st;
}
