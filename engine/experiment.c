/*
 * experiment.c - the scenario's "experiment" block: factors, designs, and
 * their expansion into parameter sets (variants x design points).
 *
 * Designs: full_factorial, latin_hypercube, sobol (GSL gsl_qrng_sobol),
 * saltelli (A, B, AB_i blocks for Sobol indices), morris (elementary
 * effects trajectories) and csv (explicit parameter sets). Randomised
 * designs take their own "seed" and are deterministic. Errors name the
 * file, the JSON path, what was found and what is allowed, like the rest
 * of the loader. See experiment.h and docs/scenarios.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include "experiment.h"
#include "internal.h"

const char *const rs_design_names[] = {"full_factorial", "latin_hypercube", "sobol", "saltelli",
                                       "morris", "csv", NULL};

#define MAX_POINTS 1000000L /* design points, and parameter sets (each holds every parameter) */

/* ------------------------------------------------------------ generators */

static gsl_rng *rng_new(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(rs_rng_xoshiro256);
    if (r) gsl_rng_set(r, (unsigned long)rs_mix64(seed ^ 0x5EEDDE51ULL));
    return r;
}

int rs_design_lhs(int n, int k, uint64_t seed, double *out)
{
    if (n < 1 || k < 1) return -1;
    gsl_rng *r = rng_new(seed);
    int *perm = malloc((size_t)n * sizeof *perm);
    if (!r || !perm) { free(perm); if (r) gsl_rng_free(r); return -1; }
    for (int j = 0; j < k; j++) {
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 0; i--) { /* Fisher-Yates */
            int s = (int)gsl_rng_uniform_int(r, (unsigned long)i + 1);
            int t = perm[i]; perm[i] = perm[s]; perm[s] = t;
        }
        for (int i = 0; i < n; i++) out[(size_t)i * k + j] = (perm[i] + gsl_rng_uniform(r)) / n;
    }
    free(perm);
    gsl_rng_free(r);
    return 0;
}

int rs_design_sobol(int n, int k, double *out)
{
    if (n < 1 || k < 1 || k > 40) return -1;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)k);
    if (!q) return -1;
    /* GSL starts after the origin: its first point is (1/2, ..., 1/2) */
    for (int i = 0; i < n; i++) gsl_qrng_get(q, out + (size_t)i * k);
    gsl_qrng_free(q);
    return 0;
}

int rs_design_saltelli(int N, int k, double *out)
{
    if (N < 1 || k < 1 || k > 20) return -1;
    double *ab = malloc((size_t)N * 2 * k * sizeof *ab);
    if (!ab || rs_design_sobol(N, 2 * k, ab)) { free(ab); return -1; }
    for (int j = 0; j < N; j++) {
        const double *a = ab + (size_t)j * 2 * k, *b = a + k;
        memcpy(out + (size_t)j * k, a, (size_t)k * sizeof *a);
        memcpy(out + ((size_t)N + j) * k, b, (size_t)k * sizeof *b);
        for (int i = 0; i < k; i++) {
            double *row = out + ((size_t)(2 + i) * N + j) * k;
            memcpy(row, a, (size_t)k * sizeof *a);
            row[i] = b[i];
        }
    }
    free(ab);
    return 0;
}

int rs_design_morris(int r, int k, int p, uint64_t seed, double *out)
{
    if (r < 1 || k < 1 || p < 2 || p % 2) return -1;
    gsl_rng *g = rng_new(seed);
    int *perm = malloc((size_t)k * sizeof *perm);
    double *x = malloc((size_t)k * sizeof *x);
    if (!g || !perm || !x) { free(perm); free(x); if (g) gsl_rng_free(g); return -1; }
    const double delta = p / (2.0 * (p - 1));
    for (int t = 0; t < r; t++) {
        double *rows = out + (size_t)t * (k + 1) * k;
        for (int i = 0; i < k; i++) {
            x[i] = (double)gsl_rng_uniform_int(g, (unsigned long)p) / (p - 1);
            perm[i] = i;
        }
        for (int i = k - 1; i > 0; i--) {
            int s = (int)gsl_rng_uniform_int(g, (unsigned long)i + 1);
            int tmp = perm[i]; perm[i] = perm[s]; perm[s] = tmp;
        }
        memcpy(rows, x, (size_t)k * sizeof *x);
        for (int s = 0; s < k; s++) {
            int i = perm[s];
            int up = x[i] + delta <= 1 + 1e-12, down = x[i] - delta >= -1e-12;
            if (up && down) up = gsl_rng_uniform(g) < 0.5;
            x[i] += up ? delta : -delta;
            if (x[i] < 0) x[i] = 0;
            if (x[i] > 1) x[i] = 1;
            memcpy(rows + (size_t)(s + 1) * k, x, (size_t)k * sizeof *x);
        }
    }
    free(perm);
    free(x);
    gsl_rng_free(g);
    return 0;
}

long rs_design_full_factorial(int k, const int *nlevels, int *out, long max)
{
    long n = 1;
    for (int i = 0; i < k; i++) {
        if (nlevels[i] < 1) return -1;
        n *= nlevels[i];
        if (n > max) return -1;
    }
    if (!out) return n;
    int *idx = calloc((size_t)k, sizeof *idx);
    if (!idx) return -1;
    for (long row = 0; row < n; row++) {
        memcpy(out + (size_t)row * k, idx, (size_t)k * sizeof *idx);
        for (int i = k - 1; i >= 0; i--) { /* odometer, last fastest */
            if (++idx[i] < nlevels[i]) break;
            idx[i] = 0;
        }
    }
    free(idx);
    return n;
}

/* ---------------------------------------------------------------- loader */

typedef struct eload {
    const char *file;
    rs_error *err;
    rs_scenario *sc;
} eload;

#define EFAIL(L, PATH, ...) rs_error_set((L)->err, RS_EINPUT, (L)->file, 0, (PATH), __VA_ARGS__)
#define ENOMEM_(L) rs_error_set((L)->err, RS_ENOMEM, (L)->file, 0, NULL, "out of memory")



static rs_status keys_ok(eload *L, const cJSON *obj, const char *const *allowed, const char *path)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        if (rs_name_index(allowed, it->string) >= 0) continue;
        size_t n = 0;
        char list[256] = "";
        while (allowed[n]) {
            strncat(list, n ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, allowed[n], sizeof list - strlen(list) - 1);
            n++;
        }
        char p[256];
        rs_json_join(p, sizeof p, path, it->string);
        return EFAIL(L, p, "unknown key \"%s\"; did you mean \"%s\"? (allowed: %s)", it->string,
                     rs_nearest_name(it->string, allowed, n), list);
    }
    return RS_OK;
}

static void choices_text(const rs_param_def *d, char *list, size_t n)
{
    list[0] = '\0';
    for (int k = 0; d->choices && d->choices[k]; k++) {
        strncat(list, k ? ", " : "", n - strlen(list) - 1);
        strncat(list, d->choices[k], n - strlen(list) - 1);
    }
}

/* A parameter value from JSON (levels). */
static rs_status level_value(eload *L, const rs_param_def *d, size_t idx, const cJSON *j,
                             const char *path, double *out)
{
    char list[512];
    switch (d->kind) {
    case RS_PARAM_REAL:
    case RS_PARAM_INT:
        if (!cJSON_IsNumber(j))
            return EFAIL(L, path, "expected %s from %g to %g %s, found %s",
                         d->kind == RS_PARAM_INT ? "a whole number" : "a number", d->min, d->max, d->unit,
                         rs_json_type(j));
        *out = j->valuedouble;
        break;
    case RS_PARAM_BOOL:
        if (!cJSON_IsBool(j)) return EFAIL(L, path, "expected true or false, found %s", rs_json_type(j));
        *out = cJSON_IsTrue(j);
        break;
    case RS_PARAM_ENUM: {
        choices_text(d, list, sizeof list);
        if (!cJSON_IsString(j)) return EFAIL(L, path, "expected one of: %s; found %s", list, rs_json_type(j));
        int k = rs_name_index(d->choices, j->valuestring);
        if (k < 0) return EFAIL(L, path, "\"%s\" is not allowed; expected one of: %s", j->valuestring, list);
        *out = k;
        break;
    }
    case RS_PARAM_MUNI:
        if (cJSON_IsNull(j)) { *out = -1; break; }
        if (!cJSON_IsString(j))
            return EFAIL(L, path, "expected a municipality name or code, or null; found %s", rs_json_type(j));
        *out = rs_region_find(&L->sc->region, j->valuestring);
        if (*out < 0)
            return EFAIL(L, path, "\"%s\" is not a municipality of the region; nearest is \"%s\"",
                         j->valuestring,
                         rs_nearest_name(j->valuestring, (const char *const *)L->sc->region.name,
                                         (size_t)L->sc->region.n));
        break;
    }
    rs_error e;
    if (rs_param_check(idx, *out, &e)) return EFAIL(L, path, "%s", e.msg);
    return RS_OK;
}

static rs_status parse_factor(eload *L, rs_factor *f, const cJSON *j, const char *path)
{
    static const char *const keys[] = {"levels", "range", "distribution", NULL};
    static const char *const dists[] = {"uniform", "loguniform", NULL};
    rs_status st;
    if (!cJSON_IsObject(j))
        return EFAIL(L, path, "expected an object with \"levels\": [...] or \"range\": [lo, hi], found %s",
                     rs_json_type(j));
    if ((st = keys_ok(L, j, keys, path))) return st;
    const rs_param_def *d = rs_param_get((size_t)f->param);
    const cJSON *lv = cJSON_GetObjectItemCaseSensitive(j, "levels");
    const cJSON *rg = cJSON_GetObjectItemCaseSensitive(j, "range");
    const cJSON *ds = cJSON_GetObjectItemCaseSensitive(j, "distribution");
    char p[256];
    if (!!lv == !!rg)
        return EFAIL(L, path, "expected exactly one of \"levels\" and \"range\", found %s",
                     lv ? "both" : "neither");
    if (lv) {
        rs_json_join(p, sizeof p, path, "levels");
        if (!cJSON_IsArray(lv) || cJSON_GetArraySize(lv) < 1)
            return EFAIL(L, p, "expected a non-empty array of values of %s, found %s", f->name, rs_json_type(lv));
        if (ds) {
            rs_json_join(p, sizeof p, path, "distribution");
            return EFAIL(L, p, "a distribution applies to a \"range\" only, found it with \"levels\"");
        }
        f->nlevels = cJSON_GetArraySize(lv);
        f->levels = rs_calloc((size_t)f->nlevels, sizeof(double));
        if (!f->levels) return ENOMEM_(L);
        for (int i = 0; i < f->nlevels; i++) {
            char q[256];
            if (snprintf(q, sizeof q, "%s[%d]", p, i) >= (int)sizeof q) q[sizeof q - 1] = '\0';
            if ((st = level_value(L, d, (size_t)f->param, cJSON_GetArrayItem(lv, i), q, &f->levels[i]))) return st;
        }
        return RS_OK;
    }
    rs_json_join(p, sizeof p, path, "range");
    if (d->kind != RS_PARAM_REAL && d->kind != RS_PARAM_INT)
        return EFAIL(L, p, "%s is %s: give \"levels\" (a range is for real and whole-number parameters)",
                     f->name, d->kind == RS_PARAM_ENUM ? "a choice" : d->kind == RS_PARAM_BOOL ? "true/false" : "a municipality");
    if (!cJSON_IsArray(rg) || cJSON_GetArraySize(rg) != 2 || !cJSON_IsNumber(cJSON_GetArrayItem(rg, 0)) ||
        !cJSON_IsNumber(cJSON_GetArrayItem(rg, 1)))
        return EFAIL(L, p, "expected [lo, hi] (two numbers within %g to %g %s), found %s", d->min, d->max,
                     d->unit, cJSON_IsArray(rg) ? "an array of other length or type" : rs_json_type(rg));
    f->lo = cJSON_GetArrayItem(rg, 0)->valuedouble;
    f->hi = cJSON_GetArrayItem(rg, 1)->valuedouble;
    if (!(f->lo < f->hi))
        return EFAIL(L, p, "expected lo < hi, found [%g, %g]", f->lo, f->hi);
    rs_error e;
    if (rs_param_check((size_t)f->param, f->lo, &e) || rs_param_check((size_t)f->param, f->hi, &e))
        return EFAIL(L, p, "%s", e.msg);
    if (ds) {
        rs_json_join(p, sizeof p, path, "distribution");
        if (!cJSON_IsString(ds) || rs_name_index(dists, ds->valuestring) < 0)
            return cJSON_IsString(ds)
                       ? EFAIL(L, p, "expected \"uniform\" or \"loguniform\", found \"%s\"; did you mean \"%s\"?",
                               ds->valuestring, rs_nearest_name(ds->valuestring, dists, 2))
                       : EFAIL(L, p, "expected \"uniform\" or \"loguniform\", found %s", rs_json_type(ds));
        f->loguniform = rs_name_index(dists, ds->valuestring) == 1;
        if (f->loguniform && f->lo <= 0)
            return EFAIL(L, p, "loguniform needs a range above 0, found [%g, %g]", f->lo, f->hi);
    }
    return RS_OK;
}

/* Value of factor f at unit coordinate u (unit-cube designs). */
static double unit_to_value(const rs_factor *f, double u, int *level)
{
    if (u < 0) u = 0;
    if (u >= 1) u = nextafter(1.0, 0.0);
    if (f->nlevels > 0) {
        int i = (int)floor(u * f->nlevels);
        if (i >= f->nlevels) i = f->nlevels - 1;
        *level = i;
        return f->levels[i];
    }
    *level = -1;
    const rs_param_def *d = rs_param_get((size_t)f->param);
    if (d->kind == RS_PARAM_INT) {
        double v = floor(f->lo + u * (f->hi - f->lo + 1));
        return v > f->hi ? f->hi : v;
    }
    if (f->loguniform) return exp(log(f->lo) + u * (log(f->hi) - log(f->lo)));
    return f->lo + u * (f->hi - f->lo);
}

void rs_experiment_free(rs_experiment *e)
{
    if (!e) return;
    for (int i = 0; i < e->nfactors && e->factors; i++) {
        free(e->factors[i].name);
        free(e->factors[i].levels);
    }
    free(e->factors);
    free(e->csv);
    free(e->unit);
    free(e->level);
    free(e->values);
    free(e);
}

/* ------------------------------------------------------------------ CSV */


#define CSV_MAXCOL 256

static rs_status csv_value(const rs_scenario *sc, const rs_param_def *d, size_t idx, const char *s,
                           double *out, char *why, size_t nwhy)
{
    char *end;
    char list[512];
    switch (d->kind) {
    case RS_PARAM_REAL:
    case RS_PARAM_INT:
        *out = strtod(s, &end);
        if (!*s || *end) {
            snprintf(why, nwhy, "expected a number from %g to %g %s, found \"%s\"", d->min, d->max, d->unit, s);
            return RS_EINPUT;
        }
        break;
    case RS_PARAM_BOOL:
        if (!strcmp(s, "true") || !strcmp(s, "1")) *out = 1;
        else if (!strcmp(s, "false") || !strcmp(s, "0")) *out = 0;
        else {
            snprintf(why, nwhy, "expected true or false, found \"%s\"", s);
            return RS_EINPUT;
        }
        break;
    case RS_PARAM_ENUM: {
        int k = rs_name_index(d->choices, s);
        if (k < 0) {
            choices_text(d, list, sizeof list);
            snprintf(why, nwhy, "\"%s\" is not allowed; expected one of: %s", s, list);
            return RS_EINPUT;
        }
        *out = k;
        break;
    }
    case RS_PARAM_MUNI:
        if (!*s || !strcmp(s, "null")) { *out = -1; break; }
        *out = rs_region_find(&sc->region, s);
        if (*out < 0) {
            snprintf(why, nwhy, "\"%s\" is not a municipality of the region", s);
            return RS_EINPUT;
        }
        break;
    }
    rs_error e;
    if (rs_param_check(idx, *out, &e)) {
        snprintf(why, nwhy, "%s", e.msg);
        return RS_EINPUT;
    }
    return RS_OK;
}

rs_status rs_experiment_read_csv(rs_experiment *e, const rs_scenario *sc, const char *path,
                                 const char *file, const char *jpath, rs_error *err)
{
    (void)file;
    size_t len = 0;
    rs_error rerr;
    rs_error_clear(&rerr);
    char *text = rs_read_file(path, &len, &rerr);
    if (!text)
        return rs_error_set(err, RS_EINPUT, file, 0, jpath, "cannot read the design file %s: %s", path, rerr.msg);
    rs_status st = RS_OK;
    char *fields[CSV_MAXCOL];
    char *save = NULL;
    int line = 0, ncol = 0;
    long cap = 0;
    char *ln;
    /* split lines by hand to count line numbers, blank lines included */
    char *p = text;
    (void)save;
    while (p && *p) {
        ln = p;
        char *nl = strchr(p, '\n');
        if (nl) { *nl = '\0'; p = nl + 1; } else p = NULL;
        line++;
        char *q = ln;
        while (*q == ' ' || *q == '\t' || *q == '\r') q++;
        if (!*q || *q == '#') continue;
        int n = rs_csv_split(ln, fields, CSV_MAXCOL);
        if (!ncol) { /* header */
            ncol = n;
            e->factors = rs_calloc((size_t)n, sizeof *e->factors);
            if (!e->factors) { st = rs_error_set(err, RS_ENOMEM, path, line, NULL, "out of memory"); goto done; }
            for (int c = 0; c < n; c++) {
                rs_factor *f = &e->factors[c];
                e->nfactors = c + 1;
                f->name = rs_strdup(fields[c]);
                if (!f->name) { st = rs_error_set(err, RS_ENOMEM, path, line, NULL, "out of memory"); goto done; }
                f->param = rs_param_find(fields[c]);
                if (f->param < 0) {
                    st = rs_error_set(err, RS_EINPUT, path, line, jpath,
                                      "column %d: unknown parameter \"%s\"; did you mean \"%s\"? (the header "
                                      "names parameters as in `regsim describe`)", c + 1, fields[c],
                                      rs_param_nearest(fields[c]));
                    goto done;
                }
                for (int k = 0; k < c; k++)
                    if (e->factors[k].param == f->param) {
                        st = rs_error_set(err, RS_EINPUT, path, line, jpath, "column %d: parameter \"%s\" appears twice",
                                          c + 1, fields[c]);
                        goto done;
                    }
                f->lo = f->hi = NAN;
            }
            continue;
        }
        if (n != ncol) {
            st = rs_error_set(err, RS_EINPUT, path, line, jpath, "expected %d values (as in the header), found %d",
                              ncol, n);
            goto done;
        }
        if (e->npoints >= MAX_POINTS) {
            st = rs_error_set(err, RS_EINPUT, path, line, jpath, "more than %ld parameter sets", MAX_POINTS);
            goto done;
        }
        if (e->npoints >= cap) {
            cap = cap ? 2 * cap : 64;
            double *nv = rs_realloc(e->values, (size_t)cap * (size_t)ncol * sizeof(double));
            if (!nv) { st = rs_error_set(err, RS_ENOMEM, path, line, NULL, "out of memory"); goto done; }
            e->values = nv;
        }
        for (int c = 0; c < n; c++) {
            char why[1200];
            const rs_factor *f = &e->factors[c];
            if (csv_value(sc, rs_param_get((size_t)f->param), (size_t)f->param, fields[c],
                          &e->values[(size_t)e->npoints * ncol + c], why, sizeof why)) {
                st = rs_error_set(err, RS_EINPUT, path, line, jpath, "column %d (%s): %s", c + 1, f->name, why);
                goto done;
            }
        }
        e->npoints++;
    }
    if (!ncol) st = rs_error_set(err, RS_EINPUT, path, 0, jpath, "empty design file: expected a header line of parameter names");
    else if (!e->npoints) st = rs_error_set(err, RS_EINPUT, path, 0, jpath, "expected at least one parameter set after the header, found none");
done:
    free(text);
    return st;
}

/* --------------------------------------------------------------- expand */

static rs_status expand_sets(eload *L, rs_experiment *e)
{
    rs_scenario *sc = L->sc;
    size_t np = rs_param_count();
    long nsets = (long)sc->nvariants * e->npoints;
    if (nsets > MAX_POINTS)
        return EFAIL(L, "$.experiment", "%d variant(s) x %d design points = %ld parameter sets; at most %ld allowed",
                     sc->nvariants, e->npoints, nsets, MAX_POINTS);
    rs_param_set *sets = rs_calloc((size_t)nsets, sizeof *sets);
    if (!sets) return ENOMEM_(L);
    for (int v = 0; v < sc->nvariants; v++)
        for (int p = 0; p < e->npoints; p++) {
            rs_param_set *s = &sets[(size_t)v * e->npoints + p];
            s->variant = v;
            s->point = p;
            s->values = rs_malloc(np * sizeof(double));
            char lab[512];
            snprintf(lab, sizeof lab, "%s/point %d", sc->variant_names[v], p);
            s->label = rs_strdup(lab);
            if (!s->values || !s->label) {
                for (long i = 0; i <= (long)v * e->npoints + p; i++) { free(sets[i].values); free(sets[i].label); }
                free(sets);
                return ENOMEM_(L);
            }
            memcpy(s->values, sc->sets[v].values, np * sizeof(double));
            for (int f = 0; f < e->nfactors; f++)
                s->values[e->factors[f].param] = e->values[(size_t)p * e->nfactors + f];
        }
    for (int s = 0; s < sc->nsets; s++) { free(sc->sets[s].label); free(sc->sets[s].values); }
    free(sc->sets);
    sc->sets = sets;
    sc->nsets = (int)nsets;
    return RS_OK;
}

rs_status rs_experiment_load(rs_scenario *sc, const cJSON *j, const char *file, const char *dir,
                             rs_error *err)
{
    static const char *const keys[] = {"design", "factors", "points", "seed", "trajectories",
                                       "grid_levels", "csv", NULL};
    const char *path = "$.experiment";
    eload L0 = {file, err, sc}, *L = &L0;
    rs_status st;
    if (!j) return RS_OK;
    if (!cJSON_IsObject(j)) return EFAIL(L, path, "expected an object {\"design\": ..., \"factors\": {...}}, found %s", rs_json_type(j));
    if ((st = keys_ok(L, j, keys, path))) return st;
    rs_experiment *e = rs_calloc(1, sizeof *e);
    if (!e) return ENOMEM_(L);
    sc->experiment = e;
    char p[256];

    const cJSON *jd = cJSON_GetObjectItemCaseSensitive(j, "design");
    rs_json_join(p, sizeof p, path, "design");
    if (!cJSON_IsString(jd))
        return EFAIL(L, p, "%s: expected one of full_factorial, latin_hypercube, sobol, saltelli, morris, csv; found %s",
                     jd ? "wrong type" : "missing", rs_json_type(jd));
    int kind = rs_name_index(rs_design_names, jd->valuestring);
    if (kind < 0)
        return EFAIL(L, p, "unknown design \"%s\"; did you mean \"%s\"? (allowed: full_factorial, latin_hypercube, "
                           "sobol, saltelli, morris, csv)", jd->valuestring,
                     rs_nearest_name(jd->valuestring, rs_design_names, 6));
    e->kind = (rs_design_kind)kind;

    /* which keys go with which design */
    static const struct { const char *key; unsigned designs; } uses[] = {
        {"points", 1u << RS_DESIGN_LATIN_HYPERCUBE | 1u << RS_DESIGN_SOBOL | 1u << RS_DESIGN_SALTELLI},
        {"seed", 1u << RS_DESIGN_LATIN_HYPERCUBE | 1u << RS_DESIGN_MORRIS},
        {"trajectories", 1u << RS_DESIGN_MORRIS},
        {"grid_levels", 1u << RS_DESIGN_MORRIS},
        {"csv", 1u << RS_DESIGN_CSV},
        {"factors", ~(1u << RS_DESIGN_CSV)},
    };
    for (size_t u = 0; u < sizeof uses / sizeof uses[0]; u++)
        if (cJSON_GetObjectItemCaseSensitive(j, uses[u].key) && !(uses[u].designs & (1u << kind))) {
            char list[160] = "";
            for (int k = 0; rs_design_names[k]; k++)
                if (uses[u].designs & (1u << k)) {
                    strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
                    strncat(list, rs_design_names[k], sizeof list - strlen(list) - 1);
                }
            rs_json_join(p, sizeof p, path, uses[u].key);
            return EFAIL(L, p, "\"%s\" does not apply to design \"%s\" (it is for: %s)", uses[u].key,
                         rs_design_names[kind], list);
        }

    if (kind == RS_DESIGN_CSV) {
        const cJSON *jc = cJSON_GetObjectItemCaseSensitive(j, "csv");
        rs_json_join(p, sizeof p, path, "csv");
        if (!cJSON_IsString(jc))
            return EFAIL(L, p, "%s: expected the name of a CSV file (relative to the scenario file), found %s",
                         jc ? "wrong type" : "missing", rs_json_type(jc));
        e->csv = rs_strdup(jc->valuestring);
        if (!e->csv) return ENOMEM_(L);
        char full[2048];
        if (jc->valuestring[0] == '/' || !dir || !*dir) snprintf(full, sizeof full, "%s", jc->valuestring);
        else snprintf(full, sizeof full, "%s/%s", dir, jc->valuestring);
        if ((st = rs_experiment_read_csv(e, sc, full, file, p, err))) return st;
        e->base_points = e->npoints;
        e->unit = rs_malloc((size_t)e->npoints * e->nfactors * sizeof(double));
        e->level = rs_malloc((size_t)e->npoints * e->nfactors * sizeof(int));
        if (!e->unit || !e->level) return ENOMEM_(L);
        for (size_t i = 0; i < (size_t)e->npoints * e->nfactors; i++) { e->unit[i] = NAN; e->level[i] = -1; }
        return expand_sets(L, e);
    }

    /* factors */
    const cJSON *jf = cJSON_GetObjectItemCaseSensitive(j, "factors");
    rs_json_join(p, sizeof p, path, "factors");
    if (!cJSON_IsObject(jf) || cJSON_GetArraySize(jf) < 1)
        return EFAIL(L, p, "expected an object of factors {\"group.name\": {\"levels\": [...]} or {\"range\": [lo, hi]}}, "
                           "found %s", jf ? (cJSON_IsObject(jf) ? "an empty object" : rs_json_type(jf)) : "nothing");
    e->nfactors = cJSON_GetArraySize(jf);
    e->factors = rs_calloc((size_t)e->nfactors, sizeof *e->factors);
    if (!e->factors) { e->nfactors = 0; return ENOMEM_(L); }
    const cJSON *it;
    int fi = 0;
    cJSON_ArrayForEach(it, jf)
    {
        rs_factor *f = &e->factors[fi++];
        char q[256];
        rs_json_join(q, sizeof q, p, it->string);
        f->name = rs_strdup(it->string);
        if (!f->name) return ENOMEM_(L);
        f->param = rs_param_find(it->string);
        if (f->param < 0)
            return EFAIL(L, q, "unknown parameter \"%s\"; did you mean \"%s\"? (see `regsim describe`)", it->string,
                         rs_param_nearest(it->string));
        for (int k = 0; k < fi - 1; k++)
            if (e->factors[k].param == f->param) return EFAIL(L, q, "parameter \"%s\" is a factor twice", it->string);
        if ((st = parse_factor(L, f, it, q))) return st;
    }
    const int k = e->nfactors;

    double v;
    if (kind == RS_DESIGN_MORRIS) {
        const cJSON *jt = cJSON_GetObjectItemCaseSensitive(j, "trajectories");
        const cJSON *jg = cJSON_GetObjectItemCaseSensitive(j, "grid_levels");
        rs_json_join(p, sizeof p, path, "trajectories");
        v = jt ? (cJSON_IsNumber(jt) ? jt->valuedouble : -1) : 10;
        if (v != floor(v) || v < 2 || v > 1e6)
            return EFAIL(L, p, "expected a whole number of trajectories from 2 to 1000000, found %s",
                         cJSON_IsNumber(jt) ? "a number out of range" : rs_json_type(jt));
        e->base_points = (int)v;
        rs_json_join(p, sizeof p, path, "grid_levels");
        v = jg ? (cJSON_IsNumber(jg) ? jg->valuedouble : -1) : 4;
        if (v != floor(v) || v < 2 || v > 1000 || (int)v % 2)
            return EFAIL(L, p, "expected an even whole number of grid levels from 2 to 1000, found %s",
                         cJSON_IsNumber(jg) ? "a number out of range or odd" : rs_json_type(jg));
        e->grid_levels = (int)v;
    } else if (kind != RS_DESIGN_FULL_FACTORIAL) {
        const cJSON *jn = cJSON_GetObjectItemCaseSensitive(j, "points");
        rs_json_join(p, sizeof p, path, "points");
        if (!jn) return EFAIL(L, p, "missing: expected the number of %spoints (a whole number from 1 to 1000000)",
                              kind == RS_DESIGN_SALTELLI ? "base " : "");
        if (!cJSON_IsNumber(jn) || jn->valuedouble != floor(jn->valuedouble) || jn->valuedouble < 1 ||
            jn->valuedouble > 1e6)
            return EFAIL(L, p, "expected a whole number from 1 to 1000000, found %s%s",
                         cJSON_IsNumber(jn) ? "" : rs_json_type(jn), cJSON_IsNumber(jn) ? "a number out of range" : "");
        e->base_points = (int)jn->valuedouble;
        if (kind == RS_DESIGN_SALTELLI && k > 20)
            return EFAIL(L, "$.experiment.factors", "saltelli supports at most 20 factors, found %d", k);
        if (kind == RS_DESIGN_SOBOL && k > 40)
            return EFAIL(L, "$.experiment.factors", "sobol supports at most 40 factors, found %d", k);
    }
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(j, "seed");
    e->seed = 1;
    if (js) {
        rs_json_join(p, sizeof p, path, "seed");
        if (!cJSON_IsNumber(js) || js->valuedouble != floor(js->valuedouble) || js->valuedouble < 0 ||
            js->valuedouble > 9007199254740991.0)
            return EFAIL(L, p, "expected a whole number from 0 to 9007199254740991, found %s", rs_json_type(js));
        e->seed = (uint64_t)js->valuedouble;
    }

    /* generate */
    long n;
    switch (kind) {
    case RS_DESIGN_FULL_FACTORIAL: {
        int nl[64];
        if (k > 64) return EFAIL(L, "$.experiment.factors", "full_factorial supports at most 64 factors, found %d", k);
        for (int i = 0; i < k; i++) {
            if (!e->factors[i].nlevels) {
                char q[256];
                rs_json_join(q, sizeof q, "$.experiment.factors", e->factors[i].name);
                return EFAIL(L, q, "full_factorial needs \"levels\" for every factor, found a \"range\" "
                                   "(use latin_hypercube or sobol for ranges)");
            }
            nl[i] = e->factors[i].nlevels;
        }
        n = rs_design_full_factorial(k, nl, NULL, MAX_POINTS);
        if (n < 0) return EFAIL(L, "$.experiment.factors", "full_factorial has more than %ld points", MAX_POINTS);
        break;
    }
    case RS_DESIGN_SALTELLI: n = (long)e->base_points * (k + 2); break;
    case RS_DESIGN_MORRIS: n = (long)e->base_points * (k + 1); break;
    default: n = e->base_points; break;
    }
    if (n > MAX_POINTS) return EFAIL(L, path, "the design has %ld points; at most %ld allowed", n, MAX_POINTS);
    e->npoints = (int)n;
    size_t cells = (size_t)n * k;
    e->unit = rs_malloc(cells * sizeof(double));
    e->level = rs_malloc(cells * sizeof(int));
    e->values = rs_malloc(cells * sizeof(double));
    if (!e->unit || !e->level || !e->values) return ENOMEM_(L);
    int rc = 0;
    switch (kind) {
    case RS_DESIGN_FULL_FACTORIAL: {
        int nl[64];
        for (int i = 0; i < k; i++) nl[i] = e->factors[i].nlevels;
        rs_design_full_factorial(k, nl, e->level, MAX_POINTS);
        for (size_t c = 0; c < cells; c++) {
            e->unit[c] = NAN;
            e->values[c] = e->factors[c % k].levels[e->level[c]];
        }
        return expand_sets(L, e);
    }
    case RS_DESIGN_LATIN_HYPERCUBE: rc = rs_design_lhs(e->base_points, k, e->seed, e->unit); break;
    case RS_DESIGN_SOBOL: rc = rs_design_sobol(e->base_points, k, e->unit); break;
    case RS_DESIGN_SALTELLI: rc = rs_design_saltelli(e->base_points, k, e->unit); break;
    case RS_DESIGN_MORRIS: rc = rs_design_morris(e->base_points, k, e->grid_levels, e->seed, e->unit); break;
    }
    if (rc) return rs_error_set(err, RS_ENOMEM, file, 0, path, "cannot generate the %s design", rs_design_names[kind]);
    for (size_t c = 0; c < cells; c++) e->values[c] = unit_to_value(&e->factors[c % k], e->unit[c], &e->level[c]);
    return expand_sets(L, e);
}

cJSON *rs_experiment_json(const rs_experiment *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "design", rs_design_names[e->kind]);
    if (e->kind == RS_DESIGN_CSV) cJSON_AddStringToObject(o, "csv", e->csv);
    if (e->kind == RS_DESIGN_LATIN_HYPERCUBE || e->kind == RS_DESIGN_SOBOL || e->kind == RS_DESIGN_SALTELLI)
        cJSON_AddNumberToObject(o, "points", e->base_points);
    if (e->kind == RS_DESIGN_MORRIS) {
        cJSON_AddNumberToObject(o, "trajectories", e->base_points);
        cJSON_AddNumberToObject(o, "grid_levels", e->grid_levels);
    }
    if (e->kind == RS_DESIGN_LATIN_HYPERCUBE || e->kind == RS_DESIGN_MORRIS)
        cJSON_AddNumberToObject(o, "seed", (double)e->seed);
    cJSON_AddNumberToObject(o, "design_points", e->npoints);
    cJSON *fs = cJSON_AddObjectToObject(o, "factors");
    for (int i = 0; i < e->nfactors; i++) {
        const rs_factor *f = &e->factors[i];
        cJSON *x = cJSON_AddObjectToObject(fs, f->name);
        if (e->kind == RS_DESIGN_CSV) continue;
        if (f->nlevels) {
            cJSON *lv = cJSON_AddArrayToObject(x, "levels");
            for (int l = 0; l < f->nlevels; l++) {
                char buf[64];
                const rs_param_def *d = rs_param_get((size_t)f->param);
                rs_param_format((size_t)f->param, f->levels[l], buf, sizeof buf);
                if (d->kind == RS_PARAM_ENUM) cJSON_AddItemToArray(lv, cJSON_CreateString(buf));
                else if (d->kind == RS_PARAM_BOOL) cJSON_AddItemToArray(lv, cJSON_CreateBool(f->levels[l] != 0));
                else cJSON_AddItemToArray(lv, cJSON_CreateNumber(f->levels[l]));
            }
        } else {
            double r[2] = {f->lo, f->hi};
            cJSON_AddItemToObject(x, "range", cJSON_CreateDoubleArray(r, 2));
            cJSON_AddStringToObject(x, "distribution", f->loguniform ? "loguniform" : "uniform");
        }
    }
    return o;
}
