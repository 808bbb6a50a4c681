/*
 * scenario.c - loading and validating scenario files (JSON, via cJSON).
 *
 * The whole scenario is checked before anything runs. Every message names
 * the file, the line (for malformed JSON), the JSON path, what was found
 * and what is allowed; an unknown key is answered with the nearest valid
 * one. See docs/scenarios.md for the format.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "internal.h"
#include "experiment.h" /* the "experiment" block: engine/experiment.c */

typedef struct loader {
    const char *file;  /* for messages */
    const char *dir;   /* base for relative paths */
    rs_error *err;
} loader;

#define FAIL(L, PATH, ...) rs_error_set((L)->err, RS_EINPUT, (L)->file, 0, (PATH), __VA_ARGS__)
#define NOMEM(L) rs_error_set((L)->err, RS_ENOMEM, (L)->file, 0, NULL, "out of memory")

const char *rs_json_type(const cJSON *j)
{
    if (!j) return "nothing";
    if (cJSON_IsString(j)) return "a string";
    if (cJSON_IsNumber(j)) return "a number";
    if (cJSON_IsBool(j)) return "a boolean";
    if (cJSON_IsNull(j)) return "null";
    if (cJSON_IsArray(j)) return "an array";
    if (cJSON_IsObject(j)) return "an object";
    return "an unknown value";
}

/* JSON paths are short; one that does not fit is cut, never overflowed. */
void rs_json_join(char *out, size_t n, const char *path, const char *key)
{
    if (snprintf(out, n, "%s.%s", path, key) >= (int)n) out[n - 1] = '\0';
}

static void joini(char *out, size_t n, const char *path, int i)
{
    if (snprintf(out, n, "%s[%d]", path, i) >= (int)n) out[n - 1] = '\0';
}

/* Every key of obj must be in allowed (NULL-terminated). */
static rs_status check_keys(loader *L, const cJSON *obj, const char *const *allowed,
                            const char *path)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        if (rs_name_index(allowed, it->string) >= 0) continue;
        size_t n = 0;
        while (allowed[n]) n++;
        char p[256];
        rs_json_join(p, sizeof p, path, it->string);
        const char *near = rs_nearest_name(it->string, allowed, n);
        return FAIL(L, p, "unknown key \"%s\"; did you mean \"%s\"?", it->string,
                    near ? near : "");
    }
    return RS_OK;
}

static rs_status get_object(loader *L, const cJSON *j, const char *path)
{
    if (!cJSON_IsObject(j)) return FAIL(L, path, "expected an object, found %s", rs_json_type(j));
    return RS_OK;
}

/* Integer member key of obj in [min, max], default def when absent. */
static rs_status get_int(loader *L, const cJSON *obj, const char *key, const char *path,
                         double min, double max, double def, double *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    char p[256];
    rs_json_join(p, sizeof p, path, key);
    if (!j) { *out = def; return RS_OK; }
    if (!cJSON_IsNumber(j))
        return FAIL(L, p, "expected a whole number from %.0f to %.0f, found %s", min, max,
                    rs_json_type(j));
    double v = j->valuedouble;
    if (v != floor(v) || v < min || v > max)
        return FAIL(L, p, "expected a whole number from %.0f to %.0f, found %g", min, max, v);
    *out = v;
    return RS_OK;
}

static rs_status get_bool(loader *L, const cJSON *obj, const char *key, const char *path,
                          int def, int *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    char p[256];
    rs_json_join(p, sizeof p, path, key);
    if (!j) { *out = def; return RS_OK; }
    if (!cJSON_IsBool(j)) return FAIL(L, p, "expected true or false, found %s", rs_json_type(j));
    *out = cJSON_IsTrue(j);
    return RS_OK;
}

/* String member; required unless def given. Result is a new string. */
static rs_status get_string(loader *L, const cJSON *obj, const char *key, const char *path,
                            const char *def, char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    char p[256];
    rs_json_join(p, sizeof p, path, key);
    if (!j && !def) return FAIL(L, p, "missing: expected a string");
    if (j && !cJSON_IsString(j)) return FAIL(L, p, "expected a string, found %s", rs_json_type(j));
    const char *s = j ? j->valuestring : def;
    *out = rs_strdup(s);
    return *out ? RS_OK : NOMEM(L);
}

/* ---------------------------------------------------------------- region */

static void region_free(rs_region *rg)
{
    for (int i = 0; i < rg->n; i++) {
        if (rg->name) free(rg->name[i]);
        if (rg->code) free(rg->code[i]);
        if (rg->province) free(rg->province[i]);
    }
    free(rg->name); free(rg->code); free(rg->province);
    free(rg->population); free(rg->budget_pc);
    free(rg->edge_a); free(rg->edge_b);
    memset(rg, 0, sizeof *rg);
}

static rs_status region_alloc(loader *L, rs_region *rg, int n)
{
    rg->n = 0;
    rg->name = rs_calloc((size_t)n, sizeof(char *));
    rg->code = rs_calloc((size_t)n, sizeof(char *));
    rg->province = rs_calloc((size_t)n, sizeof(char *));
    rg->population = rs_calloc((size_t)n, sizeof(double));
    rg->budget_pc = rs_calloc((size_t)n, sizeof(double));
    if (!rg->name || !rg->code || !rg->province || !rg->population || !rg->budget_pc)
        return NOMEM(L);
    return RS_OK;
}

int rs_region_find(const rs_region *rg, const char *s)
{
    if (!s) return -1;
    for (int i = 0; i < rg->n; i++)
        if (strcmp(rg->name[i], s) == 0 || (rg->code[i][0] && strcmp(rg->code[i], s) == 0))
            return i;
    return -1;
}

/* Nearest municipality name, for messages. */
static const char *near_muni(const rs_region *rg, const char *s)
{
    return rs_nearest_name(s, (const char *const *)rg->name, (size_t)rg->n);
}

/* Minimal CSV (RFC 4180 quoting, no line breaks inside fields): splits
 * line in place into at most max fields, trimmed; returns how many.
 * Shared with the experiment loader (experiment.c). */
int rs_csv_split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            char *w = ++p;
            fields[n++] = w;
            while (*p && !(*p == '"' && p[1] != '"')) {
                if (*p == '"') p++;
                *w++ = *p++;
            }
            if (*p == '"') p++;
            *w = '\0';
            /* skip to the separator */
            while (*p && *p != ',') p++;
        } else {
            fields[n++] = p;
            while (*p && *p != ',') p++;
        }
        if (*p != ',') break;
        *p++ = '\0';
    }
    /* trim trailing CR and spaces of each field */
    for (int i = 0; i < n; i++) {
        char *f = fields[i];
        size_t l = strlen(f);
        while (l && (f[l - 1] == '\r' || f[l - 1] == '\n' || f[l - 1] == ' ')) f[--l] = '\0';
        while (*f == ' ') f++;
        fields[i] = f;
    }
    return n;
}

static int col_index(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(hdr[i], name) == 0) return i;
    return -1;
}

/* Is CSV row (code/name/province) selected by the select block? */
static int selected(const cJSON *names, const cJSON *provs, const char *code, const char *name,
                    const char *prov)
{
    if (!names && !provs) return 1;
    const cJSON *it;
    if (names) cJSON_ArrayForEach(it, names)
        {
            if (strcmp(it->valuestring, name) == 0 || strcmp(it->valuestring, code) == 0) return 1;
        }
    if (provs) cJSON_ArrayForEach(it, provs)
        {
            if (strcmp(it->valuestring, prov) == 0) return 1;
        }
    return 0;
}

static rs_status string_array(loader *L, const cJSON *a, const char *path)
{
    if (!cJSON_IsArray(a)) return FAIL(L, path, "expected an array of strings, found %s", rs_json_type(a));
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a)
    {
        if (!cJSON_IsString(it)) {
            char p[256];
            joini(p, sizeof p, path, i);
            return FAIL(L, p, "expected a string, found %s", rs_json_type(it));
        }
        i++;
    }
    return RS_OK;
}

static void resolve_path(loader *L, const char *rel, char *out, size_t n)
{
    if (rel[0] == '/' || !L->dir || !L->dir[0]) snprintf(out, n, "%s", rel);
    else snprintf(out, n, "%s/%s", L->dir, rel);
}

static rs_status load_region_csv(loader *L, rs_region *rg, const cJSON *jr, const char *path)
{
    static const char *const sel_keys[] = {"names", "provinces", NULL};
    char *rel = NULL, csvpath[1024], p[256];
    rs_status st = get_string(L, jr, "csv", path, NULL, &rel);
    if (st) return st;
    resolve_path(L, rel, csvpath, sizeof csvpath);
    free(rel);

    const cJSON *sel = cJSON_GetObjectItemCaseSensitive(jr, "select");
    const cJSON *names = NULL, *provs = NULL;
    if (sel) {
        rs_json_join(p, sizeof p, path, "select");
        if ((st = get_object(L, sel, p)) || (st = check_keys(L, sel, sel_keys, p))) return st;
        names = cJSON_GetObjectItemCaseSensitive(sel, "names");
        provs = cJSON_GetObjectItemCaseSensitive(sel, "provinces");
        char q[256];
        if (names) { rs_json_join(q, sizeof q, p, "names"); if ((st = string_array(L, names, q))) return st; }
        if (provs) { rs_json_join(q, sizeof q, p, "provinces"); if ((st = string_array(L, provs, q))) return st; }
    }

    rs_error ferr;
    char *text = rs_read_file(csvpath, NULL, &ferr);
    if (!text) {
        rs_json_join(p, sizeof p, path, "csv");
        return rs_error_set(L->err, ferr.status, L->file, 0, p, "%s: %s", csvpath, ferr.msg);
    }
    int nlines = 0;
    for (char *c = text; *c; c++) nlines += *c == '\n';
    if ((st = region_alloc(L, rg, nlines + 1))) { free(text); return st; }

    char *save = NULL, *line = strtok_r(text, "\n", &save);
    char *hdr[16];
    int lineno = 1;
    if (!line) { free(text); return rs_error_set(L->err, RS_EINPUT, csvpath, 1, NULL, "empty CSV file"); }
    int nh = rs_csv_split(line, hdr, 16);
    int ci = col_index(hdr, nh, "code"), ni = col_index(hdr, nh, "name");
    int pi = col_index(hdr, nh, "province"), popi = col_index(hdr, nh, "population");
    int bi = col_index(hdr, nh, "budget_per_capita");
    if (ni < 0 || popi < 0) {
        free(text);
        return rs_error_set(L->err, RS_EINPUT, csvpath, 1, NULL,
                            "header must name the columns \"name\" and \"population\" "
                            "(optional: code, province, budget_per_capita)");
    }
    while ((line = strtok_r(NULL, "\n", &save))) {
        lineno++;
        char *f[16];
        if (line[0] == '\r' || line[0] == '\0') continue;
        int nf = rs_csv_split(line, f, 16);
        if (nf != nh) {
            free(text);
            return rs_error_set(L->err, RS_EINPUT, csvpath, lineno, NULL,
                                "expected %d fields as in the header, found %d", nh, nf);
        }
        const char *code = ci >= 0 ? f[ci] : "", *prov = pi >= 0 ? f[pi] : "";
        if (!selected(names, provs, code, f[ni], prov)) continue;
        char *end;
        double pop = strtod(f[popi], &end);
        if (end == f[popi] || *end || !(pop >= 1) || pop > 1e8) {
            rs_error_set(L->err, RS_EINPUT, csvpath, lineno, NULL,
                         "population \"%.60s\": expected a number from 1 to 1e8", f[popi]);
            free(text); /* the fields point into text: free after the message */
            return RS_EINPUT;
        }
        double b = NAN;
        if (bi >= 0 && f[bi][0]) {
            b = strtod(f[bi], &end);
            if (end == f[bi] || *end || !(b > 0) || b > 1e5) {
                rs_error_set(L->err, RS_EINPUT, csvpath, lineno, NULL,
                             "budget_per_capita \"%.60s\": expected a number above 0 and at most 1e5", f[bi]);
                free(text);
                return RS_EINPUT;
            }
        }
        int k = rg->n++;
        rg->name[k] = rs_strdup(f[ni]);
        rg->code[k] = rs_strdup(code);
        rg->province[k] = rs_strdup(prov);
        rg->population[k] = pop;
        rg->budget_pc[k] = b;
        if (!rg->name[k] || !rg->code[k] || !rg->province[k]) { free(text); return NOMEM(L); }
    }
    free(text);
    /* every requested name must exist */
    if (names) {
        int i = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, names)
        {
            if (rs_region_find(rg, it->valuestring) < 0) {
                char q[256];
                snprintf(q, sizeof q, "%s.select.names[%d]", path, i);
                return FAIL(L, q, "\"%s\" is not a municipality in %s", it->valuestring, csvpath);
            }
            i++;
        }
    }
    if (rg->n == 0) return FAIL(L, path, "the selection matches no municipality in %s", csvpath);
    return RS_OK;
}

static rs_status load_region_inline(loader *L, rs_region *rg, const cJSON *arr, const char *path)
{
    static const char *const keys[] = {"name", "code", "province", "population",
                                       "budget_per_capita", NULL};
    if (!cJSON_IsArray(arr))
        return FAIL(L, path, "expected an array of municipalities, found %s", rs_json_type(arr));
    int n = cJSON_GetArraySize(arr);
    if (n < 1) return FAIL(L, path, "expected at least one municipality");
    rs_status st = region_alloc(L, rg, n);
    if (st) return st;
    const cJSON *m;
    int i = 0;
    cJSON_ArrayForEach(m, arr)
    {
        char p[256], q[256];
        joini(p, sizeof p, path, i);
        if ((st = get_object(L, m, p)) || (st = check_keys(L, m, keys, p))) return st;
        rg->n = i + 1;
        if ((st = get_string(L, m, "name", p, NULL, &rg->name[i]))) return st;
        if ((st = get_string(L, m, "code", p, "", &rg->code[i]))) return st;
        if ((st = get_string(L, m, "province", p, "", &rg->province[i]))) return st;
        const cJSON *pop = cJSON_GetObjectItemCaseSensitive(m, "population");
        rs_json_join(q, sizeof q, p, "population");
        if (!cJSON_IsNumber(pop) || !(pop->valuedouble >= 1) || pop->valuedouble > 1e8)
            return FAIL(L, q, "expected a number of inhabitants from 1 to 1e8, found %s",
                        pop && cJSON_IsNumber(pop) ? "a number out of range" : rs_json_type(pop));
        rg->population[i] = pop->valuedouble;
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(m, "budget_per_capita");
        rg->budget_pc[i] = NAN;
        if (b) {
            rs_json_join(q, sizeof q, p, "budget_per_capita");
            if (!cJSON_IsNumber(b) || !(b->valuedouble > 0) || b->valuedouble > 1e5)
                return FAIL(L, q, "expected EUR per inhabitant per year above 0 and at most 1e5");
            rg->budget_pc[i] = b->valuedouble;
        }
        for (int k = 0; k < i; k++)
            if (strcmp(rg->name[k], rg->name[i]) == 0)
                return FAIL(L, p, "municipality \"%s\" appears twice", rg->name[i]);
        i++;
    }
    return RS_OK;
}

static rs_status add_edge(loader *L, rs_region *rg, int *cap, int a, int b)
{
    if (a == b) return RS_OK;
    if (a > b) { int t = a; a = b; b = t; }
    for (int e = 0; e < rg->nedges; e++)
        if (rg->edge_a[e] == a && rg->edge_b[e] == b) return RS_OK;
    if (rg->nedges == *cap) {
        int nc = *cap ? *cap * 2 : 64;
        int *na = rs_realloc(rg->edge_a, (size_t)nc * sizeof(int));
        if (!na) return NOMEM(L);
        rg->edge_a = na;
        int *nb = rs_realloc(rg->edge_b, (size_t)nc * sizeof(int));
        if (!nb) return NOMEM(L);
        rg->edge_b = nb;
        *cap = nc;
    }
    rg->edge_a[rg->nedges] = a;
    rg->edge_b[rg->nedges] = b;
    rg->nedges++;
    return RS_OK;
}

static rs_status load_neighbours(loader *L, rs_region *rg, const cJSON *jr, const char *path)
{
    int cap = 0;
    rs_status st;
    char p[256];
    const cJSON *csv = cJSON_GetObjectItemCaseSensitive(jr, "neighbours_csv");
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(jr, "neighbours");
    if (csv) {
        char *rel = NULL, file[1024];
        if ((st = get_string(L, jr, "neighbours_csv", path, NULL, &rel))) return st;
        resolve_path(L, rel, file, sizeof file);
        free(rel);
        rs_error ferr;
        char *text = rs_read_file(file, NULL, &ferr);
        if (!text) {
            rs_json_join(p, sizeof p, path, "neighbours_csv");
            return rs_error_set(L->err, ferr.status, L->file, 0, p, "%s: %s", file, ferr.msg);
        }
        char *save = NULL, *line = strtok_r(text, "\n", &save);
        int lineno = 1;
        char *f[4];
        int nh = line ? rs_csv_split(line, f, 4) : 0;
        if (nh != 2) {
            free(text);
            return rs_error_set(L->err, RS_EINPUT, file, 1, NULL,
                                "expected a header with two columns (code_a,code_b)");
        }
        while ((line = strtok_r(NULL, "\n", &save))) {
            lineno++;
            if (line[0] == '\r' || line[0] == '\0') continue;
            if (rs_csv_split(line, f, 4) != 2) {
                free(text);
                return rs_error_set(L->err, RS_EINPUT, file, lineno, NULL,
                                    "expected two fields: two municipality codes or names");
            }
            int a = rs_region_find(rg, f[0]), b = rs_region_find(rg, f[1]);
            if (a < 0 || b < 0) continue; /* border with a municipality outside the region */
            if ((st = add_edge(L, rg, &cap, a, b))) { free(text); return st; }
        }
        free(text);
    }
    if (arr) {
        rs_json_join(p, sizeof p, path, "neighbours");
        if (!cJSON_IsArray(arr)) return FAIL(L, p, "expected an array of pairs, found %s", rs_json_type(arr));
        int i = 0;
        const cJSON *pair;
        cJSON_ArrayForEach(pair, arr)
        {
            char q[256];
            joini(q, sizeof q, p, i);
            if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 ||
                !cJSON_IsString(cJSON_GetArrayItem(pair, 0)) ||
                !cJSON_IsString(cJSON_GetArrayItem(pair, 1)))
                return FAIL(L, q, "expected a pair of municipality names [\"A\", \"B\"]");
            const char *sa = cJSON_GetArrayItem(pair, 0)->valuestring;
            const char *sb = cJSON_GetArrayItem(pair, 1)->valuestring;
            int a = rs_region_find(rg, sa), b = rs_region_find(rg, sb);
            if (a < 0 || b < 0) {
                const char *bad = a < 0 ? sa : sb;
                return FAIL(L, q, "\"%s\" is not a municipality of the region; nearest is \"%s\"",
                            bad, near_muni(rg, bad));
            }
            if ((st = add_edge(L, rg, &cap, a, b))) return st;
            i++;
        }
    }
    return RS_OK;
}

static rs_status load_region(loader *L, rs_region *rg, const cJSON *jr)
{
    static const char *const keys[] = {"municipalities", "csv", "select", "neighbours_csv",
                                       "neighbours", NULL};
    const char *path = "$.region";
    rs_status st;
    if (!jr) return FAIL(L, path, "missing: expected an object with \"municipalities\" or \"csv\"");
    if ((st = get_object(L, jr, path)) || (st = check_keys(L, jr, keys, path))) return st;
    const cJSON *inl = cJSON_GetObjectItemCaseSensitive(jr, "municipalities");
    const cJSON *csv = cJSON_GetObjectItemCaseSensitive(jr, "csv");
    if (!!inl == !!csv) return FAIL(L, path, "expected exactly one of \"municipalities\" or \"csv\"");
    if (inl) st = load_region_inline(L, rg, inl, "$.region.municipalities");
    else st = load_region_csv(L, rg, jr, path);
    if (st) return st;
    return load_neighbours(L, rg, jr, path);
}

/* ----------------------------------------------------------- parameters */

/* Parse one parameter value of registry index idx from j. */
static rs_status param_value(loader *L, const rs_region *rg, size_t idx, const cJSON *j,
                             const char *path, double *out)
{
    const rs_param_def *d = rs_param_get(idx);
    switch (d->kind) {
    case RS_PARAM_REAL:
    case RS_PARAM_INT:
        if (!cJSON_IsNumber(j))
            return FAIL(L, path, "expected %s from %g to %g %s, found %s",
                        d->kind == RS_PARAM_INT ? "a whole number" : "a number", d->min, d->max,
                        d->unit, rs_json_type(j));
        *out = j->valuedouble;
        break;
    case RS_PARAM_BOOL:
        if (!cJSON_IsBool(j)) return FAIL(L, path, "expected true or false, found %s", rs_json_type(j));
        *out = cJSON_IsTrue(j);
        break;
    case RS_PARAM_ENUM: {
        char list[512] = "";
        for (int k = 0; d->choices[k]; k++) {
            strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, d->choices[k], sizeof list - strlen(list) - 1);
        }
        if (!cJSON_IsString(j)) return FAIL(L, path, "expected one of: %s; found %s", list, rs_json_type(j));
        int k = rs_name_index(d->choices, j->valuestring);
        if (k < 0) return FAIL(L, path, "\"%s\" is not allowed; expected one of: %s", j->valuestring, list);
        *out = k;
        break;
    }
    case RS_PARAM_MUNI:
        if (cJSON_IsNull(j)) { *out = -1; break; }
        if (!cJSON_IsString(j))
            return FAIL(L, path, "expected a municipality name or code, or null; found %s", rs_json_type(j));
        int m = rs_region_find(rg, j->valuestring);
        if (m < 0)
            return FAIL(L, path, "\"%s\" is not a municipality of the region; nearest is \"%s\"",
                        j->valuestring, near_muni(rg, j->valuestring));
        *out = m;
        break;
    }
    rs_error e;
    if (rs_param_check(idx, *out, &e)) return FAIL(L, path, "%s", e.msg);
    return RS_OK;
}

/* Apply a "parameters" object ({group: {name: value}}) onto values. */
static rs_status apply_params(loader *L, const rs_region *rg, const cJSON *jp, const char *path,
                              double *values)
{
    rs_status st;
    if ((st = get_object(L, jp, path))) return st;
    const cJSON *g;
    cJSON_ArrayForEach(g, jp)
    {
        char gp[256];
        rs_json_join(gp, sizeof gp, path, g->string);
        if (!cJSON_IsObject(g)) {
            /* maybe a flat full name was meant */
            long idx = rs_param_find(g->string);
            if (idx >= 0) return FAIL(L, gp, "write parameters nested by group: {\"%.*s\": {\"%s\": ...}}",
                                      (int)(strchr(g->string, '.') - g->string), g->string,
                                      strchr(g->string, '.') + 1);
            return FAIL(L, gp, "expected an object of parameters of group \"%s\", found %s; "
                               "see `regsim describe`", g->string, rs_json_type(g));
        }
        const cJSON *v;
        cJSON_ArrayForEach(v, g)
        {
            char full[256], vp[256];
            snprintf(full, sizeof full, "%s.%s", g->string, v->string);
            rs_json_join(vp, sizeof vp, gp, v->string);
            long idx = rs_param_find(full);
            if (idx < 0)
                return FAIL(L, vp, "unknown parameter \"%s\"; did you mean \"%s\"?", full,
                            rs_param_nearest(full));
            if ((st = param_value(L, rg, (size_t)idx, v, vp, &values[idx]))) return st;
        }
    }
    return RS_OK;
}

/* --------------------------------------------------------- partnerships */

static void partnerships_free(rs_scenario *sc)
{
    for (int i = 0; i < sc->npartnerships; i++) {
        free(sc->partnerships[i].name);
        free(sc->partnerships[i].members);
    }
    free(sc->partnerships);
    sc->partnerships = NULL;
    sc->npartnerships = 0;
}

static rs_status load_partnerships(loader *L, rs_scenario *sc, const cJSON *jp)
{
    static const char *const keys[] = {"name", "domain", "members", "lead", "start_month", NULL};
    const char *path = "$.partnerships";
    const rs_model *m = rs_model_get();
    rs_status st;
    if (!jp) return RS_OK;
    if (cJSON_IsObject(jp)) {
        const cJSON *gen = cJSON_GetObjectItemCaseSensitive(jp, "generate");
        static const char *const gkeys[] = {"generate", NULL};
        if ((st = check_keys(L, jp, gkeys, path))) return st;
        if (!gen || !m->generate)
            return FAIL(L, path, "expected an array of partnerships%s",
                        m->generate ? " or {\"generate\": {...}}" : "");
        rs_error e;
        rs_error_clear(&e);
        st = m->generate(sc, gen, "$.partnerships.generate", &e);
        if (st) return rs_error_set(L->err, st, L->file, 0, e.path, "%s", e.msg);
        return RS_OK;
    }
    if (!cJSON_IsArray(jp)) return FAIL(L, path, "expected an array of partnerships, found %s", rs_json_type(jp));
    int n = cJSON_GetArraySize(jp);
    sc->partnerships = rs_calloc((size_t)n, sizeof *sc->partnerships);
    if (!sc->partnerships) return NOMEM(L);
    const cJSON *jq;
    int i = 0;
    cJSON_ArrayForEach(jq, jp)
    {
        char p[256], q[256];
        joini(p, sizeof p, path, i);
        if ((st = get_object(L, jq, p)) || (st = check_keys(L, jq, keys, p))) return st;
        rs_partnership_spec *ps = &sc->partnerships[i];
        sc->npartnerships = i + 1;
        if ((st = get_string(L, jq, "name", p, NULL, &ps->name))) return st;
        for (int k = 0; k < i; k++)
            if (strcmp(sc->partnerships[k].name, ps->name) == 0)
                return FAIL(L, p, "partnership name \"%s\" is used twice", ps->name);
        char *dom = NULL;
        if ((st = get_string(L, jq, "domain", p, NULL, &dom))) return st;
        ps->domain = rs_name_index(m->domains, dom);
        if (ps->domain < 0) {
            size_t nd = 0;
            while (m->domains[nd]) nd++;
            rs_json_join(q, sizeof q, p, "domain");
            st = FAIL(L, q, "unknown service domain \"%s\"; did you mean \"%s\"? (see `regsim describe`)",
                      dom, rs_nearest_name(dom, m->domains, nd));
            free(dom);
            return st;
        }
        free(dom);
        const cJSON *mem = cJSON_GetObjectItemCaseSensitive(jq, "members");
        rs_json_join(q, sizeof q, p, "members");
        if (cJSON_IsString(mem) && strcmp(mem->valuestring, "all") == 0) {
            ps->nmembers = sc->region.n;
            ps->members = rs_calloc((size_t)ps->nmembers, sizeof(int));
            if (!ps->members) return NOMEM(L);
            for (int k = 0; k < ps->nmembers; k++) ps->members[k] = k;
        } else {
            if (!cJSON_IsArray(mem))
                return FAIL(L, q, "expected an array of municipality names or \"all\", found %s", rs_json_type(mem));
            ps->nmembers = cJSON_GetArraySize(mem);
            if (ps->nmembers < 2) return FAIL(L, q, "a partnership needs at least 2 members, found %d", ps->nmembers);
            ps->members = rs_calloc((size_t)ps->nmembers, sizeof(int));
            if (!ps->members) return NOMEM(L);
            const cJSON *it;
            int k = 0;
            cJSON_ArrayForEach(it, mem)
            {
                char r[256];
                joini(r, sizeof r, q, k);
                if (!cJSON_IsString(it)) return FAIL(L, r, "expected a municipality name, found %s", rs_json_type(it));
                int x = rs_region_find(&sc->region, it->valuestring);
                if (x < 0)
                    return FAIL(L, r, "\"%s\" is not a municipality of the region; nearest is \"%s\"",
                                it->valuestring, near_muni(&sc->region, it->valuestring));
                for (int y = 0; y < k; y++)
                    if (ps->members[y] == x) return FAIL(L, r, "\"%s\" is listed twice", it->valuestring);
                ps->members[k++] = x;
            }
        }
        const cJSON *lead = cJSON_GetObjectItemCaseSensitive(jq, "lead");
        ps->lead = -1;
        if (lead && !cJSON_IsNull(lead)) {
            rs_json_join(q, sizeof q, p, "lead");
            if (!cJSON_IsString(lead)) return FAIL(L, q, "expected a member's name or null, found %s", rs_json_type(lead));
            int x = rs_region_find(&sc->region, lead->valuestring);
            int ok = 0;
            for (int k = 0; k < ps->nmembers; k++) ok |= ps->members[k] == x;
            if (!ok) return FAIL(L, q, "\"%s\" is not a member of this partnership", lead->valuestring);
            ps->lead = x;
        }
        double sm;
        if ((st = get_int(L, jq, "start_month", p, 0, 1200, 0, &sm))) return st;
        ps->start_month = (int)sm;
        i++;
    }
    return RS_OK;
}

/* --------------------------------------------------------------- events */

static int find_partnership(const rs_scenario *sc, const char *name)
{
    for (int i = 0; i < sc->npartnerships; i++)
        if (strcmp(sc->partnerships[i].name, name) == 0) return i;
    return -1;
}

static int cmp_event(const void *a, const void *b)
{
    const rs_sched_event *x = a, *y = b;
    if (x->month != y->month) return x->month < y->month ? -1 : 1;
    return 0;
}

static rs_status load_events(loader *L, rs_scenario *sc, const cJSON *je)
{
    static const char *const keys[] = {"month", "kind", "partnership", "municipality", "value", NULL};
    const char *path = "$.events";
    const rs_model *m = rs_model_get();
    rs_status st;
    if (!je) return RS_OK;
    if (!cJSON_IsArray(je)) return FAIL(L, path, "expected an array of events, found %s", rs_json_type(je));
    int n = cJSON_GetArraySize(je);
    sc->events = rs_calloc((size_t)n, sizeof *sc->events);
    if (!sc->events) return NOMEM(L);
    const cJSON *jv;
    int i = 0;
    cJSON_ArrayForEach(jv, je)
    {
        char p[256], q[256];
        joini(p, sizeof p, path, i);
        if ((st = get_object(L, jv, p)) || (st = check_keys(L, jv, keys, p))) return st;
        rs_sched_event *ev = &sc->events[i];
        double month;
        rs_json_join(q, sizeof q, p, "month");
        if (!cJSON_GetObjectItemCaseSensitive(jv, "month")) return FAIL(L, q, "missing: expected a month from 1 to %d", sc->horizon);
        if ((st = get_int(L, jv, "month", p, 1, sc->horizon, 1, &month))) return st;
        ev->month = (int)month;
        char *kind = NULL;
        if ((st = get_string(L, jv, "kind", p, NULL, &kind))) return st;
        ev->kind = rs_name_index(m->sched_kinds, kind);
        if (ev->kind < 0) {
            size_t nk = 0;
            while (m->sched_kinds && m->sched_kinds[nk]) nk++;
            rs_json_join(q, sizeof q, p, "kind");
            st = FAIL(L, q, "unknown event kind \"%s\"; did you mean \"%s\"?", kind,
                      nk ? rs_nearest_name(kind, m->sched_kinds, nk) : "(none)");
            free(kind);
            return st;
        }
        free(kind);
        ev->partnership = -1;
        ev->municipality = -1;
        ev->value = NAN;
        const cJSON *jp = cJSON_GetObjectItemCaseSensitive(jv, "partnership");
        if (jp) {
            rs_json_join(q, sizeof q, p, "partnership");
            if (!cJSON_IsString(jp)) return FAIL(L, q, "expected a partnership name, found %s", rs_json_type(jp));
            ev->partnership = find_partnership(sc, jp->valuestring);
            if (ev->partnership < 0) return FAIL(L, q, "no partnership named \"%s\" in $.partnerships", jp->valuestring);
        }
        const cJSON *jm = cJSON_GetObjectItemCaseSensitive(jv, "municipality");
        if (jm) {
            rs_json_join(q, sizeof q, p, "municipality");
            if (!cJSON_IsString(jm)) return FAIL(L, q, "expected a municipality name, found %s", rs_json_type(jm));
            ev->municipality = rs_region_find(&sc->region, jm->valuestring);
            if (ev->municipality < 0)
                return FAIL(L, q, "\"%s\" is not a municipality of the region; nearest is \"%s\"",
                            jm->valuestring, near_muni(&sc->region, jm->valuestring));
        }
        const cJSON *jx = cJSON_GetObjectItemCaseSensitive(jv, "value");
        if (jx) {
            rs_json_join(q, sizeof q, p, "value");
            if (!cJSON_IsNumber(jx)) return FAIL(L, q, "expected a number, found %s", rs_json_type(jx));
            ev->value = jx->valuedouble;
        }
        sc->nevents = ++i;
    }
    qsort(sc->events, (size_t)sc->nevents, sizeof *sc->events, cmp_event);
    return RS_OK;
}

/* ------------------------------------------------------------- variants */

static rs_status load_variants(loader *L, rs_scenario *sc, const cJSON *root)
{
    static const char *const keys[] = {"name", "description", "parameters", NULL};
    const cJSON *jp = cJSON_GetObjectItemCaseSensitive(root, "parameters");
    const cJSON *jv = cJSON_GetObjectItemCaseSensitive(root, "variants");
    size_t np = rs_param_count();
    rs_status st;
    double *base = rs_calloc(np, sizeof(double));
    if (!base) return NOMEM(L);
    rs_param_defaults(base);
    if (jp && (st = apply_params(L, &sc->region, jp, "$.parameters", base))) { free(base); return st; }

    int nv = 1;
    if (jv) {
        if (!cJSON_IsArray(jv) || cJSON_GetArraySize(jv) < 1) {
            free(base);
            return FAIL(L, "$.variants", "expected a non-empty array of variants, found %s", rs_json_type(jv));
        }
        nv = cJSON_GetArraySize(jv);
    }
    sc->variant_names = rs_calloc((size_t)nv, sizeof(char *));
    sc->sets = rs_calloc((size_t)nv, sizeof *sc->sets);
    if (!sc->variant_names || !sc->sets) { free(base); return NOMEM(L); }
    sc->nvariants = nv;
    sc->nsets = nv;
    for (int v = 0; v < nv; v++) {
        rs_param_set *set = &sc->sets[v];
        set->variant = v;
        set->point = 0;
        set->values = rs_calloc(np, sizeof(double));
        if (!set->values) { free(base); return NOMEM(L); }
        memcpy(set->values, base, np * sizeof(double));
        if (!jv) {
            sc->variant_names[v] = rs_strdup("baseline");
        } else {
            char p[256];
            joini(p, sizeof p, "$.variants", v);
            const cJSON *it = cJSON_GetArrayItem(jv, v);
            if ((st = get_object(L, it, p)) || (st = check_keys(L, it, keys, p)) ||
                (st = get_string(L, it, "name", p, NULL, &sc->variant_names[v]))) {
                free(base);
                return st;
            }
            for (int k = 0; k < v; k++)
                if (strcmp(sc->variant_names[k], sc->variant_names[v]) == 0) {
                    free(base);
                    return FAIL(L, p, "variant name \"%s\" is used twice", sc->variant_names[v]);
                }
            const cJSON *vp = cJSON_GetObjectItemCaseSensitive(it, "parameters");
            char q[256];
            rs_json_join(q, sizeof q, p, "parameters");
            if (vp && (st = apply_params(L, &sc->region, vp, q, set->values))) { free(base); return st; }
        }
        set->label = rs_strdup(sc->variant_names[v]);
        if (!sc->variant_names[v] || !set->label) { free(base); return NOMEM(L); }
    }
    free(base);
    return RS_OK;
}

/* ------------------------------------------------------------- resolved */

static cJSON *params_json(const double *values)
{
    cJSON *o = cJSON_CreateObject();
    size_t np = rs_param_count();
    for (size_t i = 0; i < np && o; i++) {
        const rs_param_def *d = rs_param_get(i);
        const char *dot = strchr(d->name, '.');
        char group[128];
        snprintf(group, sizeof group, "%.*s", (int)(dot - d->name), d->name);
        cJSON *g = cJSON_GetObjectItemCaseSensitive(o, group);
        if (!g) g = cJSON_AddObjectToObject(o, group);
        char buf[64];
        rs_param_format(i, values[i], buf, sizeof buf);
        switch (d->kind) {
        case RS_PARAM_BOOL: cJSON_AddBoolToObject(g, dot + 1, values[i] != 0); break;
        case RS_PARAM_ENUM: cJSON_AddStringToObject(g, dot + 1, buf); break;
        case RS_PARAM_MUNI:
            if (values[i] < 0) cJSON_AddNullToObject(g, dot + 1);
            else cJSON_AddNumberToObject(g, dot + 1, values[i]);
            break;
        default: cJSON_AddNumberToObject(g, dot + 1, values[i]); break;
        }
    }
    return o;
}

static rs_status resolve_json(loader *L, rs_scenario *sc)
{
    const rs_model *m = rs_model_get();
    cJSON *o = cJSON_CreateObject();
    if (!o) return NOMEM(L);
    cJSON_AddStringToObject(o, "name", sc->name);
    cJSON_AddStringToObject(o, "description", sc->description);
    cJSON *reg = cJSON_AddObjectToObject(o, "region");
    cJSON *ms = cJSON_AddArrayToObject(reg, "municipalities");
    for (int i = 0; i < sc->region.n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", sc->region.name[i]);
        cJSON_AddStringToObject(x, "code", sc->region.code[i]);
        cJSON_AddStringToObject(x, "province", sc->region.province[i]);
        cJSON_AddNumberToObject(x, "population", sc->region.population[i]);
        if (!isnan(sc->region.budget_pc[i]))
            cJSON_AddNumberToObject(x, "budget_per_capita", sc->region.budget_pc[i]);
        cJSON_AddItemToArray(ms, x);
    }
    cJSON *nb = cJSON_AddArrayToObject(reg, "neighbours");
    for (int e = 0; e < sc->region.nedges; e++) {
        const char *pr[2] = {sc->region.name[sc->region.edge_a[e]], sc->region.name[sc->region.edge_b[e]]};
        cJSON_AddItemToArray(nb, cJSON_CreateStringArray(pr, 2));
    }
    cJSON *ps = cJSON_AddArrayToObject(o, "partnerships");
    for (int i = 0; i < sc->npartnerships; i++) {
        const rs_partnership_spec *p = &sc->partnerships[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", p->name);
        cJSON_AddStringToObject(x, "domain", m->domains[p->domain]);
        cJSON *mm = cJSON_AddArrayToObject(x, "members");
        for (int k = 0; k < p->nmembers; k++)
            cJSON_AddItemToArray(mm, cJSON_CreateString(sc->region.name[p->members[k]]));
        if (p->lead >= 0) cJSON_AddStringToObject(x, "lead", sc->region.name[p->lead]);
        else cJSON_AddNullToObject(x, "lead");
        cJSON_AddNumberToObject(x, "start_month", p->start_month);
        cJSON_AddItemToArray(ps, x);
    }
    cJSON_AddNumberToObject(o, "horizon_months", sc->horizon);
    cJSON_AddNumberToObject(o, "replications", sc->replications);
    cJSON_AddNumberToObject(o, "seed", (double)sc->seed);
    cJSON *vs = cJSON_AddArrayToObject(o, "variants");
    for (int s = 0; s < sc->nsets; s++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", sc->sets[s].label);
        cJSON_AddItemToObject(x, "parameters", params_json(sc->sets[s].values));
        cJSON_AddItemToArray(vs, x);
    }
    if (sc->experiment) /* engine/experiment.c */
        cJSON_AddItemToObject(o, "experiment", rs_experiment_json(sc->experiment));
    cJSON *ev = cJSON_AddArrayToObject(o, "events");
    for (int i = 0; i < sc->nevents; i++) {
        const rs_sched_event *e = &sc->events[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "month", e->month);
        cJSON_AddStringToObject(x, "kind", m->sched_kinds[e->kind]);
        if (e->partnership >= 0) cJSON_AddStringToObject(x, "partnership", sc->partnerships[e->partnership].name);
        if (e->municipality >= 0) cJSON_AddStringToObject(x, "municipality", sc->region.name[e->municipality]);
        if (!isnan(e->value)) cJSON_AddNumberToObject(x, "value", e->value);
        cJSON_AddItemToArray(ev, x);
    }
    cJSON *out = cJSON_AddObjectToObject(o, "outputs");
    cJSON_AddBoolToObject(out, "municipality_series", sc->outputs.municipality_series);
    cJSON_AddBoolToObject(out, "events", sc->outputs.events);
    cJSON_AddNumberToObject(out, "max_events_per_run", sc->outputs.max_events_per_run);
    sc->resolved_json = cJSON_Print(o);
    cJSON_Delete(o);
    return sc->resolved_json ? RS_OK : NOMEM(L);
}

/* ----------------------------------------------------------------- main */

static int line_of(const char *text, const char *at)
{
    int line = 1;
    for (const char *c = text; c < at && *c; c++) line += *c == '\n';
    return line;
}

rs_scenario *rs_scenario_parse(const char *json, const char *name, const char *dir,
                               rs_error *err)
{
    static const char *const keys[] = {"name", "description", "region", "partnerships",
                                       "horizon_months", "replications", "seed", "parameters",
                                       "variants", "events", "outputs", "experiment", NULL};
    static const char *const out_keys[] = {"municipality_series", "events",
                                           "max_events_per_run", NULL};
    loader L = {name ? name : "<scenario>", dir ? dir : "", err};
    rs_status st = RS_OK;
    rs_scenario *sc = rs_calloc(1, sizeof *sc);
    if (!sc) { NOMEM(&L); return NULL; }
    sc->path = rs_strdup(name ? name : "");
    sc->dir = rs_strdup(dir ? dir : "");

    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(json, &end, 1);
    if (!root) {
        int line = line_of(json, end ? end : json);
        const char *lb = end ? end : json;
        while (lb > json && lb[-1] != '\n') lb--;
        int col = (int)((end ? end : json) - lb) + 1;
        /* show the line itself: cJSON stops after the offending token */
        char text[64];
        size_t ll = strcspn(lb, "\r\n");
        while (ll && (*lb == ' ' || *lb == '\t')) { lb++; ll--; }
        snprintf(text, sizeof text, "%.*s%s", (int)(ll > 56 ? 56 : ll), lb, ll > 56 ? "..." : "");
        rs_error_set(err, RS_EINPUT, L.file, line, "$",
                     "malformed JSON at column %d (in '%s'): expected a valid JSON value "
                     "(check commas, quotes and brackets)", col, ll ? text : "(end of file)");
        rs_scenario_free(sc);
        return NULL;
    }
    if ((st = get_object(&L, root, "$")) || (st = check_keys(&L, root, keys, "$"))) goto fail;
    if ((st = get_string(&L, root, "name", "$", NULL, &sc->name))) goto fail;
    if ((st = get_string(&L, root, "description", "$", "", &sc->description))) goto fail;
    double h, r, seed;
    if ((st = get_int(&L, root, "horizon_months", "$", 1, 1200, 120, &h))) goto fail;
    if ((st = get_int(&L, root, "replications", "$", 1, 1e7, 1, &r))) goto fail;
    if ((st = get_int(&L, root, "seed", "$", 0, 9007199254740991.0, 1, &seed))) goto fail;
    sc->horizon = (int)h;
    sc->replications = (int)r;
    sc->seed = (uint64_t)seed;
    if ((st = load_region(&L, &sc->region, cJSON_GetObjectItemCaseSensitive(root, "region")))) goto fail;
    if ((st = load_partnerships(&L, sc, cJSON_GetObjectItemCaseSensitive(root, "partnerships")))) goto fail;
    if ((st = load_variants(&L, sc, root))) goto fail;
    /* experiment: variants x design points (engine/experiment.c) */
    if ((st = rs_experiment_load(sc, cJSON_GetObjectItemCaseSensitive(root, "experiment"), L.file, L.dir, err)))
        goto fail;
    if ((st = load_events(&L, sc, cJSON_GetObjectItemCaseSensitive(root, "events")))) goto fail;
    const cJSON *jo = cJSON_GetObjectItemCaseSensitive(root, "outputs");
    sc->outputs.events = 1;
    sc->outputs.max_events_per_run = 20000;
    if (jo) {
        double me;
        if ((st = get_object(&L, jo, "$.outputs")) || (st = check_keys(&L, jo, out_keys, "$.outputs")) ||
            (st = get_bool(&L, jo, "municipality_series", "$.outputs", 0, &sc->outputs.municipality_series)) ||
            (st = get_bool(&L, jo, "events", "$.outputs", 1, &sc->outputs.events)) ||
            (st = get_int(&L, jo, "max_events_per_run", "$.outputs", 1, 1e8, 20000, &me)))
            goto fail;
        sc->outputs.max_events_per_run = (int)me;
    }
    const rs_model *m = rs_model_get();
    if (m->validate) {
        rs_error e;
        rs_error_clear(&e);
        if ((st = m->validate(sc, &e))) {
            rs_error_set(err, st, L.file, 0, e.path, "%s", e.msg);
            goto fail;
        }
    }
    if ((st = resolve_json(&L, sc))) goto fail;
    cJSON_Delete(root);
    return sc;
fail:
    cJSON_Delete(root);
    rs_scenario_free(sc);
    return NULL;
}

rs_scenario *rs_scenario_load(const char *path, rs_error *err)
{
    char *text = rs_read_file(path, NULL, err);
    if (!text) return NULL;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    rs_scenario *sc = rs_scenario_parse(text, path, dir, err);
    free(text);
    return sc;
}

void rs_scenario_free(rs_scenario *sc)
{
    if (!sc) return;
    region_free(&sc->region);
    partnerships_free(sc);
    free(sc->events);
    for (int v = 0; v < sc->nvariants && sc->variant_names; v++) free(sc->variant_names[v]);
    free(sc->variant_names);
    for (int s = 0; s < sc->nsets && sc->sets; s++) {
        free(sc->sets[s].label);
        free(sc->sets[s].values);
    }
    free(sc->sets);
    free(sc->resolved_json);
    rs_experiment_free(sc->experiment);
    free(sc->name);
    free(sc->description);
    free(sc->path);
    free(sc->dir);
    free(sc);
}

long rs_scenario_nruns(const rs_scenario *sc)
{
    return (long)sc->nsets * sc->replications;
}

void rs_scenario_run_ids(const rs_scenario *sc, long run, int *set, int *replicate)
{
    *set = (int)(run / sc->replications);
    *replicate = (int)(run % sc->replications);
}

uint64_t rs_scenario_run_seed(const rs_scenario *sc, long run)
{
    int set, rep;
    rs_scenario_run_ids(sc, run, &set, &rep);
    return rs_mix64(rs_mix64(sc->seed) ^ (uint64_t)rep);
}
