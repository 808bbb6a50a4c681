/*
 * export.c - `regsim export RESULTS.h5 --csv DIR`: a results file as tidy,
 * long CSV files for spreadsheets, R, pandas and the like.
 *
 *   series.csv               run,variant,replicate,point,month,series,value
 *   municipality_series.csv  run,variant,replicate,point,month,municipality,
 *                            municipality_name,series,value   (if the file has them)
 *   design.csv               run,variant,replicate,point,seed,label,<one column per parameter>
 *   events.csv               run,variant,replicate,month,kind,partnership,
 *                            municipality,amount              (if the file has an event log)
 *
 * The file is read generically: a run series is any root dataset whose
 * dimension scales are (run, month), a municipality series one with
 * (run, month, municipality); every dataset of /design other than run,
 * variant, point, replicate, seed and label is a parameter. Only completed
 * runs (root attribute runs_completed) are exported. Numbers are written in
 * the shortest form that reads back to the same double; NaN (no value) is
 * an empty field. Fields are quoted as RFC 4180 says. Each CSV is written
 * to a temporary name and renamed when complete.
 *
 * Exit status: 0 success, 2 usage or bad input (not a results file, CSVs
 * exist without --force), 1 other failure (I/O).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include "h5out.h"
#include "h5util.h"

int rs_cli_export(int argc, char **argv);

/* HDF5 1.10 and 1.12+ spell a few calls differently */
#if H5_VERSION_GE(1, 12, 0)
typedef H5L_info2_t rs_linfo;
#define RS_LITERATE H5Literate2
#define RS_VLEN_RECLAIM H5Treclaim
#else
typedef H5L_info_t rs_linfo;
#define RS_LITERATE H5Literate
#define RS_VLEN_RECLAIM H5Dvlen_reclaim
#endif

#define EXPORT_USAGE 2
#define EXPORT_FAIL 1

static const char *const csv_names[4] = {"series.csv", "municipality_series.csv", "design.csv", "events.csv"};

static void help_export(FILE *f)
{
    fprintf(f,
            "usage: regsim export RESULTS.h5 --csv DIR [--force] [--quiet]\n\n"
            "Writes the results file as tidy (long) CSV files into DIR (created if missing):\n"
            "  series.csv               run,variant,replicate,point,month,series,value\n"
            "  municipality_series.csv  ...,month,municipality,municipality_name,series,value\n"
            "                           (when the file has municipality series)\n"
            "  design.csv               run,variant,replicate,point,seed,label,<parameters>\n"
            "  events.csv               run,variant,replicate,month,kind,partnership,municipality,amount\n"
            "                           (when the file has an event log)\n\n"
            "  --csv DIR     directory for the CSV files\n"
            "  --force       overwrite CSV files already in DIR (and remove stale ones)\n"
            "  -q, --quiet   no list of the files written\n"
            "  -h, --help    this help\n\n"
            "Only completed runs are exported (an interrupted file gives a warning).\n"
            "Empty field: no value (NaN). docs/output.md describes every column.\n");
}

static int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "regsim export: error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return code;
}

/* ------------------------------------------------------------ reading */

static char *attr_str(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0) return NULL;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return NULL;
    hid_t ft = H5Aget_type(a);
    char *out = NULL;
    if (H5Tget_class(ft) == H5T_STRING) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_cset(mt, H5Tget_cset(ft));
        if (H5Tis_variable_str(ft) > 0) {
            char *s = NULL;
            H5Tset_size(mt, H5T_VARIABLE);
            if (H5Aread(a, mt, &s) >= 0 && s) {
                out = strdup(s);
                H5free_memory(s);
            }
        } else {
            size_t sz = H5Tget_size(ft);
            out = calloc(sz + 1, 1);
            H5Tset_size(mt, sz + 1);
            if (out && H5Aread(a, mt, out) < 0) {
                free(out);
                out = NULL;
            }
        }
        H5Tclose(mt);
    }
    H5Tclose(ft);
    H5Aclose(a);
    return out;
}


static hsize_t dset_len(hid_t d)
{
    hid_t sp = H5Dget_space(d);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    H5Sclose(sp);
    return n < 0 ? 0 : (hsize_t)n;
}

/* Read the first n values of a 1-d dataset as mem type (n = 0: all;
 * *len receives the count). NULL if missing or unreadable. */
static void *read_1d(hid_t loc, const char *name, hid_t mem, size_t esz, hsize_t n, hsize_t *len)
{
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) return NULL;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) return NULL;
    hsize_t all = dset_len(d);
    if (n == 0 || n > all) n = all;
    void *buf = calloc(n ? n : 1, esz);
    int ok = buf != NULL;
    if (ok && n) {
        hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &n, NULL);
        hsize_t zero = 0;
        ok = H5Sselect_hyperslab(fs, H5S_SELECT_SET, &zero, NULL, &n, NULL) >= 0 &&
             H5Dread(d, mem, ms, fs, H5P_DEFAULT, buf) >= 0;
        H5Sclose(ms);
        H5Sclose(fs);
    }
    H5Dclose(d);
    if (!ok) {
        free(buf);
        return NULL;
    }
    if (len) *len = n;
    return buf;
}

/* A 1-d string dataset (variable or fixed length) as malloc'd strings. */
static char **read_strings(hid_t loc, const char *name, hsize_t *len)
{
    *len = 0;
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) return NULL;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) return NULL;
    hid_t ft = H5Dget_type(d);
    hsize_t n = dset_len(d);
    char **out = NULL;
    if (H5Tget_class(ft) == H5T_STRING) {
        out = calloc(n ? n : 1, sizeof *out);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_cset(mt, H5Tget_cset(ft));
        int ok = out != NULL;
        if (ok && H5Tis_variable_str(ft) > 0) {
            H5Tset_size(mt, H5T_VARIABLE);
            char **tmp = calloc(n ? n : 1, sizeof *tmp);
            ok = tmp && (n == 0 || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp) >= 0);
            for (hsize_t i = 0; ok && i < n; i++) out[i] = strdup(tmp[i] ? tmp[i] : "");
            if (tmp && ok && n) {
                hid_t sp = H5Dget_space(d);
                RS_VLEN_RECLAIM(mt, sp, H5P_DEFAULT, tmp);
                H5Sclose(sp);
            }
            free(tmp);
        } else if (ok) {
            size_t sz = H5Tget_size(ft);
            H5Tset_size(mt, sz + 1);
            char *tmp = calloc(n ? n : 1, sz + 1);
            ok = tmp && (n == 0 || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp) >= 0);
            for (hsize_t i = 0; ok && i < n; i++) out[i] = strdup(tmp + i * (sz + 1));
            free(tmp);
        }
        for (hsize_t i = 0; ok && i < n; i++) ok = out[i] != NULL;
        if (!ok && out) {
            for (hsize_t i = 0; i < n; i++) free(out[i]);
            free(out);
            out = NULL;
        }
        H5Tclose(mt);
    }
    H5Tclose(ft);
    H5Dclose(d);
    if (out) *len = n;
    return out;
}

static void free_strings(char **s, hsize_t n)
{
    if (!s) return;
    for (hsize_t i = 0; i < n; i++) free(s[i]);
    free(s);
}

/* Split a space-separated list (flag_meanings) into words. */
static char **split_words(const char *s, hsize_t *n)
{
    *n = 0;
    if (!s) return NULL;
    size_t cap = 1;
    for (const char *p = s; *p; p++) cap += *p == ' ';
    char **w = calloc(cap, sizeof *w);
    if (!w) return NULL;
    const char *p = s;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ' ') e++;
        w[*n] = strndup(p, (size_t)(e - p));
        if (!w[*n]) break;
        (*n)++;
        p = e;
    }
    return w;
}

/* Name (basename) of the first dimension scale of an axis, into char[256]. */
static herr_t scale_name_cb(hid_t did, unsigned dim, hid_t dsid, void *data)
{
    (void)did;
    (void)dim;
    char full[256];
    ssize_t len = H5Iget_name(dsid, full, sizeof full);
    if (len > 0) {
        const char *b = strrchr(full, '/');
        snprintf((char *)data, 256, "%s", b ? b + 1 : full);
    }
    return 1; /* the first scale is enough */
}

static int has_scales(hid_t d, int rank, const char *const *want)
{
    for (int i = 0; i < rank; i++) {
        char name[256] = "";
        if (H5DSget_num_scales(d, (unsigned)i) < 1) return 0;
        if (H5DSiterate_scales(d, (unsigned)i, NULL, scale_name_cb, name) < 0) return 0;
        if (strcmp(name, want[i]) != 0) return 0;
    }
    return 1;
}

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static int names_add(names *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s))) return -1;
    l->n++;
    return 0;
}

static void names_free(names *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

typedef struct scan_ctx {
    names *run_series, *muni_series, *params;
    int is_design, oom;
} scan_ctx;

static herr_t scan_cb(hid_t loc, const char *name, const rs_linfo *info, void *data)
{
    scan_ctx *c = data;
    if (info->type != H5L_TYPE_HARD) return 0;
    hid_t d = H5Oopen(loc, name, H5P_DEFAULT);
    if (d < 0) return 0;
    if (H5Iget_type(d) != H5I_DATASET) {
        H5Oclose(d);
        return 0;
    }
    hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
    H5T_class_t cls = H5Tget_class(t);
    int rank = H5Sget_simple_extent_ndims(sp), rc = 0;
    int numeric = cls == H5T_FLOAT || cls == H5T_INTEGER;
    if (c->is_design) {
        static const char *const fixed[] = {"run", "variant", "point", "replicate", "seed", "label"};
        int skip = !numeric || rank != 1;
        for (int i = 0; i < 6 && !skip; i++) skip = !strcmp(name, fixed[i]);
        if (!skip) rc = names_add(c->params, name);
    } else if (numeric && rank == 2) {
        static const char *const want[] = {"run", "month"};
        if (has_scales(d, 2, want)) rc = names_add(c->run_series, name);
    } else if (numeric && rank == 3) {
        static const char *const want[] = {"run", "month", "municipality"};
        if (has_scales(d, 3, want)) rc = names_add(c->muni_series, name);
    }
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
    if (rc) {
        c->oom = 1;
        return -1;
    }
    return 0;
}

/* Iterate links in creation order when the file tracks it, else by name. */
static int scan(hid_t g, scan_ctx *c)
{
    hsize_t idx = 0;
    if (RS_LITERATE(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, scan_cb, c) >= 0) return c->oom ? -1 : 0;
    if (c->oom) return -1;
    idx = 0;
    return RS_LITERATE(g, H5_INDEX_NAME, H5_ITER_INC, &idx, scan_cb, c) < 0 || c->oom ? -1 : 0;
}

/* ------------------------------------------------------------ writing */

static void csv_str(FILE *f, const char *s)
{
    if (!s) s = "";
    int q = s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ') || strpbrk(s, ",\"\r\n") != NULL;
    if (!q) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Shortest text that reads back to the same double; NaN: empty. */
static void csv_num(FILE *f, double x)
{
    if (isnan(x)) return;
    if (isinf(x)) {
        fputs(x > 0 ? "Inf" : "-Inf", f);
        return;
    }
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (prec == 17 || strtod(buf, NULL) == x) break;
    }
    fputs(buf, f);
}

typedef struct out_file {
    FILE *f;
    char path[4096], tmp[4096];
    long long rows;
} out_file;

static int out_open(out_file *o, const char *dir, const char *name)
{
    snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    snprintf(o->tmp, sizeof o->tmp, "%s/.%s.partial", dir, name);
    o->rows = 0;
    o->f = fopen(o->tmp, "w");
    if (!o->f) return fail(EXPORT_FAIL, "cannot create %s: %s", o->tmp, strerror(errno));
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return 0;
}

static int out_close(out_file *o, int ok)
{
    if (!o->f) return ok ? 0 : EXPORT_FAIL;
    int bad = ferror(o->f);
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (!ok || bad) {
        unlink(o->tmp);
        return bad ? fail(EXPORT_FAIL, "cannot write %s (disk full?)", o->path) : EXPORT_FAIL;
    }
    if (rename(o->tmp, o->path) != 0) {
        int e = errno;
        unlink(o->tmp);
        return fail(EXPORT_FAIL, "cannot rename %s to %s: %s", o->tmp, o->path, strerror(e));
    }
    return 0;
}

/* --------------------------------------------------------------- export */

typedef struct results {
    hid_t f;
    hsize_t nruns, H, nmuni, nvar, npart;
    long long total;
    int *month;
    char **var_names, **muni_names, **part_names;
    int *r_variant, *r_point, *r_replicate;
    unsigned long long *r_seed;
    char **r_label;
    hsize_t nlabel;
    names run_series, muni_series, params;
} results;

static void results_free(results *r)
{
    free(r->month);
    free_strings(r->var_names, r->nvar);
    free_strings(r->muni_names, r->nmuni);
    free_strings(r->part_names, r->npart);
    free(r->r_variant);
    free(r->r_point);
    free(r->r_replicate);
    free(r->r_seed);
    free_strings(r->r_label, r->nlabel);
    names_free(&r->run_series);
    names_free(&r->muni_series);
    names_free(&r->params);
    if (r->f >= 0) H5Fclose(r->f);
}

static const char *run_variant(const results *r, hsize_t run, char *buf, size_t n)
{
    int v = r->r_variant[run];
    if (v >= 0 && (hsize_t)v < r->nvar) return r->var_names[v];
    snprintf(buf, n, "%d", v);
    return buf;
}

/* run,variant,replicate,point, */
static void run_prefix(FILE *f, const results *r, hsize_t run, int with_point)
{
    char vb[32];
    fprintf(f, "%llu,", (unsigned long long)run);
    csv_str(f, run_variant(r, run, vb, sizeof vb));
    fprintf(f, ",%d,", r->r_replicate[run]);
    if (with_point) fprintf(f, "%d,", r->r_point[run]);
}

static int read_slab(hid_t d, int rank, const hsize_t *start, const hsize_t *count, double *buf)
{
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank, count, NULL);
    int ok = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) >= 0;
    H5Sclose(ms);
    H5Sclose(fs);
    return ok ? 0 : -1;
}

static int write_series(results *r, const char *dir, out_file *o)
{
    int rc = out_open(o, dir, "series.csv");
    if (rc) return rc;
    fputs("run,variant,replicate,point,month,series,value\n", o->f);
    double *buf = malloc((r->H ? r->H : 1) * sizeof *buf);
    int ok = buf != NULL;
    for (size_t s = 0; ok && s < r->run_series.n; s++) {
        hid_t d = H5Dopen2(r->f, r->run_series.v[s], H5P_DEFAULT);
        for (hsize_t run = 0; ok && run < r->nruns; run++) {
            hsize_t start[2] = {run, 0}, count[2] = {1, r->H};
            ok = d >= 0 && read_slab(d, 2, start, count, buf) == 0;
            if (!ok) {
                fail(EXPORT_FAIL, "cannot read series %s", r->run_series.v[s]);
                break;
            }
            for (hsize_t m = 0; m < r->H; m++) {
                run_prefix(o->f, r, run, 1);
                fprintf(o->f, "%d,", r->month[m]);
                csv_str(o->f, r->run_series.v[s]);
                fputc(',', o->f);
                csv_num(o->f, buf[m]);
                fputc('\n', o->f);
                o->rows++;
            }
        }
        if (d >= 0) H5Dclose(d);
    }
    free(buf);
    return out_close(o, ok);
}

static int write_muni_series(results *r, const char *dir, out_file *o)
{
    int rc = out_open(o, dir, "municipality_series.csv");
    if (rc) return rc;
    fputs("run,variant,replicate,point,month,municipality,municipality_name,series,value\n", o->f);
    size_t per = (size_t)(r->H * r->nmuni);
    double *buf = malloc((per ? per : 1) * sizeof *buf);
    int ok = buf != NULL;
    for (size_t s = 0; ok && s < r->muni_series.n; s++) {
        hid_t d = H5Dopen2(r->f, r->muni_series.v[s], H5P_DEFAULT);
        for (hsize_t run = 0; ok && run < r->nruns; run++) {
            hsize_t start[3] = {run, 0, 0}, count[3] = {1, r->H, r->nmuni};
            ok = d >= 0 && read_slab(d, 3, start, count, buf) == 0;
            if (!ok) {
                fail(EXPORT_FAIL, "cannot read series %s", r->muni_series.v[s]);
                break;
            }
            for (hsize_t m = 0; m < r->H; m++)
                for (hsize_t k = 0; k < r->nmuni; k++) {
                    run_prefix(o->f, r, run, 1);
                    fprintf(o->f, "%d,%llu,", r->month[m], (unsigned long long)k);
                    csv_str(o->f, r->muni_names ? r->muni_names[k] : "");
                    fputc(',', o->f);
                    csv_str(o->f, r->muni_series.v[s]);
                    fputc(',', o->f);
                    csv_num(o->f, buf[m * r->nmuni + k]);
                    fputc('\n', o->f);
                    o->rows++;
                }
        }
        if (d >= 0) H5Dclose(d);
    }
    free(buf);
    return out_close(o, ok);
}

static int write_design(results *r, const char *dir, out_file *o)
{
    hid_t g = H5Gopen2(r->f, "design", H5P_DEFAULT);
    size_t np = r->params.n;
    double **pv = calloc(np ? np : 1, sizeof *pv);
    char ***choices = calloc(np ? np : 1, sizeof *choices);
    hsize_t *nchoices = calloc(np ? np : 1, sizeof *nchoices);
    int ok = g >= 0 && pv && choices && nchoices;
    for (size_t p = 0; ok && p < np; p++) {
        hsize_t len = 0;
        pv[p] = read_1d(g, r->params.v[p], H5T_NATIVE_DOUBLE, sizeof(double), r->nruns, &len);
        if (!pv[p] || len < r->nruns) {
            ok = 0;
            fail(EXPORT_FAIL, "cannot read design/%s", r->params.v[p]);
            break;
        }
        hid_t d = H5Dopen2(g, r->params.v[p], H5P_DEFAULT);
        char *fm = d >= 0 ? attr_str(d, "flag_meanings") : NULL;
        if (fm) choices[p] = split_words(fm, &nchoices[p]);
        free(fm);
        if (d >= 0) H5Dclose(d);
    }
    int rc = ok ? out_open(o, dir, "design.csv") : EXPORT_FAIL;
    if (!rc) {
        fputs("run,variant,replicate,point,seed,label", o->f);
        for (size_t p = 0; p < np; p++) {
            fputc(',', o->f);
            csv_str(o->f, r->params.v[p]);
        }
        fputc('\n', o->f);
        for (hsize_t run = 0; run < r->nruns; run++) {
            run_prefix(o->f, r, run, 1);
            fprintf(o->f, "%llu,", r->r_seed[run]);
            csv_str(o->f, run < r->nlabel ? r->r_label[run] : "");
            for (size_t p = 0; p < np; p++) {
                fputc(',', o->f);
                double x = pv[p][run];
                if (choices[p] && x >= 0 && x < (double)nchoices[p] && x == floor(x))
                    csv_str(o->f, choices[p][(size_t)x]);
                else
                    csv_num(o->f, x);
            }
            fputc('\n', o->f);
            o->rows++;
        }
        rc = out_close(o, 1);
    }
    for (size_t p = 0; pv && p < np; p++) free(pv[p]);
    for (size_t p = 0; choices && p < np; p++) free_strings(choices[p], nchoices ? nchoices[p] : 0);
    free(pv);
    free(choices);
    free(nchoices);
    if (g >= 0) H5Gclose(g);
    if (!ok && !rc) rc = EXPORT_FAIL;
    return rc;
}

static int write_events(results *r, const char *dir, out_file *o)
{
    hid_t g = H5Gopen2(r->f, "events", H5P_DEFAULT);
    if (g < 0) return fail(EXPORT_FAIL, "cannot open the event log");
    long long committed = -1;
    hsize_t n = 0, len[6] = {0};
    if (rs_h5u_attr_read_i64(g, "events_committed", &committed) == 0 && committed >= 0) n = (hsize_t)committed;
    long long *run = NULL;
    int *month = NULL, *kind = NULL, *part = NULL, *muni = NULL;
    double *amount = NULL;
    char **meanings = NULL;
    hsize_t nmeanings = 0, nfv = 0;
    int *fv = NULL;
    int rc = 0;
    if (committed < 0) {
        hid_t d = H5Dopen2(g, "run", H5P_DEFAULT);
        n = d >= 0 ? dset_len(d) : 0;
        if (d >= 0) H5Dclose(d);
    }
    if (n) {
        run = read_1d(g, "run", H5T_NATIVE_LLONG, sizeof *run, n, &len[0]);
        month = read_1d(g, "month", H5T_NATIVE_INT, sizeof *month, n, &len[1]);
        kind = read_1d(g, "kind", H5T_NATIVE_INT, sizeof *kind, n, &len[2]);
        part = read_1d(g, "partnership", H5T_NATIVE_INT, sizeof *part, n, &len[3]);
        muni = read_1d(g, "municipality", H5T_NATIVE_INT, sizeof *muni, n, &len[4]);
        amount = read_1d(g, "amount", H5T_NATIVE_DOUBLE, sizeof *amount, n, &len[5]);
        if (!run || !month || !kind || !part || !muni || !amount) rc = fail(EXPORT_FAIL, "cannot read the event log");
        for (int c = 0; !rc && c < 6; c++)
            if (len[c] < n) n = len[c]; /* a column shorter than the commit count: use what is there */
    }
    if (!rc && H5Lexists(g, "kind", H5P_DEFAULT) > 0) {
        hid_t d = H5Dopen2(g, "kind", H5P_DEFAULT);
        char *fm = attr_str(d, "flag_meanings");
        meanings = split_words(fm, &nmeanings);
        free(fm);
        if (H5Aexists(d, "flag_values") > 0) {
            hid_t a = H5Aopen(d, "flag_values", H5P_DEFAULT);
            hid_t sp = H5Aget_space(a);
            hssize_t k = H5Sget_simple_extent_npoints(sp);
            fv = k > 0 ? calloc((size_t)k, sizeof *fv) : NULL;
            if (fv && H5Aread(a, H5T_NATIVE_INT, fv) >= 0) nfv = (hsize_t)k;
            H5Sclose(sp);
            H5Aclose(a);
        }
        H5Dclose(d);
    }
    if (!rc) rc = out_open(o, dir, "events.csv");
    if (!rc) {
        fputs("run,variant,replicate,month,kind,partnership,municipality,amount\n", o->f);
        for (hsize_t i = 0; i < n; i++) {
            if (run[i] < 0 || (hsize_t)run[i] >= r->nruns) continue; /* a run not completed */
            char kb[32], pb[48];
            const char *kn = NULL;
            for (hsize_t j = 0; j < nmeanings; j++) {
                int val = j < nfv ? fv[j] : (int)j;
                if (val == kind[i]) {
                    kn = meanings[j];
                    break;
                }
            }
            if (!kn) {
                snprintf(kb, sizeof kb, "kind %d", kind[i]);
                kn = kb;
            }
            const char *pn = "";
            if (part[i] >= 0 && (hsize_t)part[i] < r->npart) pn = r->part_names[part[i]];
            else if (part[i] >= 0) {
                snprintf(pb, sizeof pb, "partnership %d", part[i]);
                pn = pb;
            }
            const char *mn = muni[i] >= 0 && (hsize_t)muni[i] < r->nmuni && r->muni_names ? r->muni_names[muni[i]] : "";
            run_prefix(o->f, r, (hsize_t)run[i], 0);
            fprintf(o->f, "%d,", month[i]);
            csv_str(o->f, kn);
            fputc(',', o->f);
            csv_str(o->f, pn);
            fputc(',', o->f);
            csv_str(o->f, mn);
            fputc(',', o->f);
            csv_num(o->f, amount[i]);
            fputc('\n', o->f);
            o->rows++;
        }
        rc = out_close(o, 1);
    }
    free(run);
    free(month);
    free(kind);
    free(part);
    free(muni);
    free(amount);
    free(fv);
    free_strings(meanings, nmeanings);
    H5Gclose(g);
    return rc;
}

static int load(results *r, const char *path)
{
    long long done = -1, total = -1;
    if (rs_h5u_attr_read_i64(r->f, "runs_total", &total) || rs_h5u_attr_read_i64(r->f, "runs_completed", &done) || done < 0 || total < 0)
        return fail(EXPORT_USAGE, "%s: the run counters (runs_total, runs_completed) are missing", path);
    if (done > total) done = total;
    r->total = total;
    r->nruns = (hsize_t)done;
    hsize_t len = 0;
    r->month = read_1d(r->f, "month", H5T_NATIVE_INT, sizeof(int), 0, &r->H);
    if (!r->month) return fail(EXPORT_USAGE, "%s: no month dimension", path);
    r->var_names = read_strings(r->f, "variant_name", &r->nvar);
    r->muni_names = read_strings(r->f, "municipality_name", &r->nmuni);
    r->part_names = read_strings(r->f, "partnership_name", &r->npart);
    if (!r->muni_names && H5Lexists(r->f, "municipality", H5P_DEFAULT) > 0) {
        hid_t d = H5Dopen2(r->f, "municipality", H5P_DEFAULT);
        r->nmuni = d >= 0 ? dset_len(d) : 0;
        if (d >= 0) H5Dclose(d);
    }
    if (H5Lexists(r->f, "design", H5P_DEFAULT) <= 0) return fail(EXPORT_USAGE, "%s: no /design group", path);
    hid_t g = H5Gopen2(r->f, "design", H5P_DEFAULT);
    if (g < 0) return fail(EXPORT_FAIL, "%s: cannot open /design", path);
    hsize_t lv = 0, lp = 0, lr = 0, ls = 0;
    r->r_variant = read_1d(g, "variant", H5T_NATIVE_INT, sizeof(int), r->nruns, &lv);
    r->r_point = read_1d(g, "point", H5T_NATIVE_INT, sizeof(int), r->nruns, &lp);
    r->r_replicate = read_1d(g, "replicate", H5T_NATIVE_INT, sizeof(int), r->nruns, &lr);
    r->r_seed = read_1d(g, "seed", H5T_NATIVE_ULLONG, sizeof(unsigned long long), r->nruns, &ls);
    r->r_label = read_strings(g, "label", &r->nlabel);
    scan_ctx c = {&r->run_series, &r->muni_series, &r->params, 1, 0};
    int bad = scan(g, &c);
    H5Gclose(g);
    (void)len;
    if (!r->r_variant || !r->r_point || !r->r_replicate || !r->r_seed || lv < r->nruns || lp < r->nruns ||
        lr < r->nruns || ls < r->nruns)
        return fail(EXPORT_USAGE, "%s: /design lacks variant, point, replicate or seed for every run", path);
    if (bad) return fail(EXPORT_FAIL, "%s: cannot list /design", path);
    c.is_design = 0;
    if (scan(r->f, &c)) return fail(EXPORT_FAIL, "%s: cannot list the file's datasets", path);
    return 0;
}

int rs_cli_export(int argc, char **argv)
{
    const char *path = NULL, *dir = NULL;
    int force = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help_export(stdout);
            return 0;
        } else if (!strcmp(a, "--force")) force = 1;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "--csv")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "regsim export: --csv needs a directory\nTry 'regsim export --help'.\n");
                return EXPORT_USAGE;
            }
            dir = argv[++i];
        } else if (!strncmp(a, "--csv=", 6)) dir = a + 6;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "regsim export: unknown option '%s'\nTry 'regsim export --help'.\n", a);
            return EXPORT_USAGE;
        } else if (!path) path = a;
        else {
            fprintf(stderr, "regsim export: expected one results file, found also '%s'\nTry 'regsim export --help'.\n", a);
            return EXPORT_USAGE;
        }
    }
    if (!path || !dir || !*dir) {
        fprintf(stderr, "regsim export: %s\nTry 'regsim export --help'.\n",
                !path ? "expected a results file" : "expected --csv DIR (the only export format)");
        return EXPORT_USAGE;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    struct stat sb;
    if (stat(path, &sb) != 0) return fail(EXPORT_USAGE, "%s: %s", path, strerror(errno));
    int kind = rs_h5_is_results(path);
    if (kind < 0) return fail(EXPORT_USAGE, "%s: not a readable HDF5 file", path);
    if (kind == 0) return fail(EXPORT_USAGE, "%s: an HDF5 file, but not a regsim results file", path);

    /* the directory and what is in it */
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) return fail(EXPORT_USAGE, "%s exists and is not a directory", dir);
    } else if (mkdir(dir, 0777) != 0) {
        return fail(EXPORT_FAIL, "cannot create directory %s: %s", dir, strerror(errno));
    }
    char existing[1024] = "";
    for (int i = 0; i < 4; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, csv_names[i]);
        if (stat(p, &sb) == 0) {
            strncat(existing, existing[0] ? ", " : "", sizeof existing - strlen(existing) - 1);
            strncat(existing, csv_names[i], sizeof existing - strlen(existing) - 1);
        }
    }
    if (existing[0] && !force)
        return fail(EXPORT_USAGE, "%s already holds %s; refusing to overwrite (use --force)", dir, existing);
    if (access(dir, W_OK) != 0) return fail(EXPORT_FAIL, "directory %s is not writable: %s", dir, strerror(errno));

    results r;
    memset(&r, 0, sizeof r);
    r.f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (r.f < 0) return fail(EXPORT_FAIL, "%s: cannot open", path);
    int rc = load(&r, path);
    if (!rc && (long long)r.nruns < r.total)
        fprintf(stderr,
                "regsim export: warning: %s is incomplete: %llu of %lld runs completed; exporting runs 0..%lld "
                "(finish it with `regsim run --resume`)\n",
                path, (unsigned long long)r.nruns, r.total, (long long)r.nruns - 1);
    if (!rc && r.run_series.n == 0) fprintf(stderr, "regsim export: warning: %s has no (run, month) series\n", path);
    out_file o[4];
    memset(o, 0, sizeof o);
    int wrote[4] = {0};
    if (!rc && !(rc = write_series(&r, dir, &o[0]))) wrote[0] = 1;
    if (!rc && r.muni_series.n && !(rc = write_muni_series(&r, dir, &o[1]))) wrote[1] = 1;
    if (!rc && !(rc = write_design(&r, dir, &o[2]))) wrote[2] = 1;
    if (!rc && H5Lexists(r.f, "events", H5P_DEFAULT) > 0 && !(rc = write_events(&r, dir, &o[3]))) wrote[3] = 1;
    /* --force: a CSV that this file does not produce would be stale */
    for (int i = 0; !rc && i < 4; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, csv_names[i]);
        if (!wrote[i] && stat(p, &sb) == 0) {
            if (unlink(p) != 0) rc = fail(EXPORT_FAIL, "cannot remove stale %s: %s", p, strerror(errno));
            else if (!quiet) fprintf(stderr, "regsim export: removed %s (this file has no such data)\n", p);
        }
    }
    if (!rc && !quiet) {
        fprintf(stderr, "regsim export: %s: %llu runs\n", path, (unsigned long long)r.nruns);
        for (int i = 0; i < 4; i++)
            if (wrote[i]) fprintf(stderr, "  wrote %s (%lld rows)\n", o[i].path, o[i].rows);
    }
    results_free(&r);
    return rc;
}
