/*
 * param.c - the parameter registry: the concatenation of every mechanism's
 * parameter table, in mechanism order (see include/regsim/param.h).
 *
 * Built once on first use from rs_model_get(); the tables themselves live
 * next to the code that reads them, in models/.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "regsim/model.h"
#include "regsim/param.h"

#define RS_MAX_PARAMS 512

static const rs_param_def *registry[RS_MAX_PARAMS];
static size_t nregistry;
static int built;

static void build(void)
{
    const rs_model *m = rs_model_get();
    size_t n = 0;
    for (size_t k = 0; k < m->nmechanisms; k++)
        for (size_t j = 0; j < m->mechanisms[k]->nparams && n < RS_MAX_PARAMS; j++)
            registry[n++] = &m->mechanisms[k]->params[j];
    nregistry = n;
    built = 1;
}

static void ensure(void)
{
    if (!built) {
#pragma omp critical(rs_param_build)
        if (!built) build();
    }
}

size_t rs_param_count(void)
{
    ensure();
    return nregistry;
}

const rs_param_def *rs_param_get(size_t index)
{
    ensure();
    return index < nregistry ? registry[index] : NULL;
}

long rs_param_find(const char *name)
{
    ensure();
    for (size_t i = 0; i < nregistry; i++)
        if (strcmp(registry[i]->name, name) == 0) return (long)i;
    return -1;
}

/* Levenshtein distance, bounded strings (names are short). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 127) la = 127;
    if (lb > 127) lb = 127;
    size_t prev[128], cur[128];
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *rs_nearest_name(const char *name, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(name, cands[i]);
        /* an abbreviation ("pop" for "population") is a near miss */
        if (strlen(name) >= 3 && strstr(cands[i], name) && d > 1) d = 1;
        if (d < bestd) { bestd = d; best = cands[i]; }
    }
    return best;
}

const char *rs_param_nearest(const char *name)
{
    ensure();
    /* within the group if the group exists ("trust.lerning_rate"), else
     * among all parameters */
    const char *names[RS_MAX_PARAMS];
    size_t n = 0;
    const char *dot = strchr(name, '.');
    if (dot)
        for (size_t i = 0; i < nregistry; i++)
            if (strncmp(registry[i]->name, name, (size_t)(dot - name) + 1) == 0) names[n++] = registry[i]->name;
    if (n == 0)
        for (size_t i = 0; i < nregistry; i++) names[n++] = registry[i]->name;
    return rs_nearest_name(name, names, n);
}

void rs_param_defaults(double *values)
{
    ensure();
    for (size_t i = 0; i < nregistry; i++) values[i] = registry[i]->def;
}

static size_t nchoices(const rs_param_def *d)
{
    size_t n = 0;
    if (d->choices) while (d->choices[n]) n++;
    return n;
}

rs_status rs_param_check(size_t index, double v, rs_error *err)
{
    const rs_param_def *d = rs_param_get(index);
    if (!d) return rs_error_set(err, RS_EINTERNAL, NULL, 0, NULL, "no parameter %zu", index);
    switch (d->kind) {
    case RS_PARAM_REAL:
        if (!isfinite(v) || v < d->min || v > d->max)
            return rs_error_set(err, RS_EINPUT, NULL, 0, NULL,
                                "%s = %g is out of range: allowed %g to %g %s", d->name, v,
                                d->min, d->max, d->unit);
        break;
    case RS_PARAM_INT:
        if (!isfinite(v) || v != floor(v) || v < d->min || v > d->max)
            return rs_error_set(err, RS_EINPUT, NULL, 0, NULL,
                                "%s = %g: expected a whole number from %g to %g %s", d->name,
                                v, d->min, d->max, d->unit);
        break;
    case RS_PARAM_BOOL:
        if (v != 0.0 && v != 1.0)
            return rs_error_set(err, RS_EINPUT, NULL, 0, NULL, "%s: expected true or false",
                                d->name);
        break;
    case RS_PARAM_ENUM:
        if (v != floor(v) || v < 0 || v >= (double)nchoices(d))
            return rs_error_set(err, RS_EINPUT, NULL, 0, NULL, "%s: choice %g does not exist",
                                d->name, v);
        break;
    case RS_PARAM_MUNI:
        if (v != floor(v) || v < -1)
            return rs_error_set(err, RS_EINPUT, NULL, 0, NULL,
                                "%s: expected a municipality of the region", d->name);
        break;
    }
    return RS_OK;
}

void rs_param_format(size_t index, double v, char *buf, size_t len)
{
    const rs_param_def *d = rs_param_get(index);
    if (!d) { snprintf(buf, len, "?"); return; }
    switch (d->kind) {
    case RS_PARAM_BOOL: snprintf(buf, len, "%s", v != 0 ? "true" : "false"); break;
    case RS_PARAM_ENUM:
        if (v >= 0 && v < (double)nchoices(d)) snprintf(buf, len, "%s", d->choices[(int)v]);
        else snprintf(buf, len, "%g", v);
        break;
    case RS_PARAM_MUNI:
        if (v < 0) snprintf(buf, len, "null");
        else snprintf(buf, len, "%d", (int)v);
        break;
    default: snprintf(buf, len, "%.10g", v); break;
    }
}

int rs_name_index(const char *const *list, const char *name)
{
    if (!list || !name) return -1;
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0) return i;
    return -1;
}
