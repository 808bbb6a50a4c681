/*
 * h5out.c - writing, resuming and inspecting results files with HDF5.
 *
 * The layout follows netCDF-4 conventions so that xarray (engine h5netcdf),
 * netCDF tools and R open it with named dimensions: one dataset per
 * variable, dimension scales with coordinate variables, link and attribute
 * creation order tracked, units and long_name on every variable, chunked
 * and deflate-compressed. All HDF5 calls of a batch happen inside the
 * batch's writer critical section; this file holds no locks itself.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <zlib.h>
#include <sched.h>
#include <stdatomic.h>
#include "h5out.h"
#include "h5util.h"
#include "internal.h"

/* room beyond deflateBound for the block ends and stored-block headers of
 * switching levels between byte planes (zchunk) */
#define RS_ZSLACK 128
#define RS_ZPOOL 8
/* A compressor: zlib stream (about 320 KB: a smaller window would make
 * zlib slide its hash table every few KB, 2x slower) and the shuffled
 * bytes of a chunk (grown to the largest chunk compressed). */
typedef struct rs_h5_zctx {
    z_stream zs;
    int level; /* the stream's level now: deflateReset keeps it */
    unsigned char *sh;
    size_t shcap;
} rs_h5_zctx;

struct rs_h5 {
    hid_t file;
    const rs_scenario *sc;
    const rs_model *m;
    long nruns;
    hid_t *series;      /* [nseries] */
    hid_t *muni;        /* [nmuni_series] or NULL */
    hid_t ev[6];        /* run, month, kind, partnership, municipality, amount */
    hsize_t nevents;    /* events written */
    char path[1024];
    /* Rows are staged until their chunk of K runs is complete and then
     * written once: a chunk on disk is never rewritten during a session
     * (a rewritten compressed chunk moves and its old space is reused,
     * which a hard kill could expose), and chunks are big enough to
     * compress well. Runs whose rows are still staged are not committed. */
    struct stage {
        double *buf;      /* [ndatasets][K][rowlen] */
        hid_t *dsets;     /* the datasets staged */
        size_t ndsets, rowlen;
        int rank;
        long K, from, cnt; /* runs from .. from+cnt-1 are staged */
        /* A complete chunk is sealed: its buffer swaps with `spare` and
         * its datasets become compression jobs that any batch thread
         * may claim (rs_h5_help) while the writer goes on staging; the
         * writer claims what is left and writes the chunks when the next
         * chunk completes, at a commit, or at once without helpers. */
        double *spare;
        struct sealed {
            double *buf;
            long from;
            atomic_int active, next, done; /* next: the next job to claim */
            unsigned char *z; /* [ndsets][zcap] compressed chunks */
            size_t *zlen;     /* [ndsets]; 0: compression failed */
        } sl;
        size_t zcap;
    } st2, st3;
    /* Chunks are shuffled and deflated by regsim and written with
     * H5Dwrite_chunk, past HDF5's filter pipeline and chunk cache (which
     * compressed a chunk only at the next commit, serially, with a fresh
     * compressor each time): the file is the same shuffle + deflate
     * dataset to readers. Strategy Z_RLE at level 1: deflate 1.57 G ->
     * 1.27 G instructions for 1,000 Drechtsteden runs against the default
     * strategy, for a 1.7% larger file. */
    rs_h5_zctx *zc;     /* the writer's own compressor */
    /* compressors lent to other threads (rs_h5_help), made on first use:
     * about 320 KB each, so as many as are ever in use at once */
    rs_h5_zctx *pool[RS_ZPOOL];
    atomic_int pool_busy[RS_ZPOOL];
    int npool;
    hsize_t *ev_before; /* [kmax + 1]: events written before run r (r % (kmax+1)) */
    long kmax;
    void *evbuf;        /* RS_EV_CHUNK rows of the event columns, contiguous:
                           event, run (int64); month, kind, partnership,
                           municipality (int32); amount (double) */
    char full[256];     /* why the last write was refused, "" if none */
    size_t pending;     /* bytes handed to HDF5 since the last flush: its
                           caches may not have written them yet */
};

#define RS_EV_CHUNK 4096
/* deflate level: 1 compresses these series about 3x at a fraction of the
 * cost of higher levels (bench/RESULTS.md) */
#ifndef RS_DEFLATE_LEVEL
#define RS_DEFLATE_LEVEL 1
#endif

static const char *const ev_names[6] = {"run", "month", "kind", "partnership", "municipality", "amount"};

#define H5FAIL(h_err, ...) rs_error_set((h_err), RS_EIO, path_for_err, 0, NULL, __VA_ARGS__)

/* ------------------------------------------------------------ attributes */

static int attr_i32_array(hid_t obj, const char *name, const int *v, hsize_t n)
{
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t a = H5Acreate2(obj, name, H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a < 0 ? -1 : (H5Awrite(a, H5T_NATIVE_INT, v) < 0 ? -1 : 0);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return rc;
}

/* ------------------------------------------------------------- datasets */

/* Create a chunked, compressed dataset. maxdims may be NULL (fixed). */
static hid_t dset_create(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                         const hsize_t *maxdims, const hsize_t *chunk, const void *fill, int compress)
{
    hid_t sp = H5Screate_simple(rank, dims, maxdims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    if (chunk) {
        H5Pset_chunk(dcpl, rank, chunk);
        if (compress) {
            if (H5Tget_class(type) != H5T_STRING) H5Pset_shuffle(dcpl);
            H5Pset_deflate(dcpl, RS_DEFLATE_LEVEL);
        }
    }
    if (fill) H5Pset_fill_value(dcpl, type, fill);
    hid_t d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return d;
}

/* Write a whole 1-d dataset of n values. */
static hid_t write_1d(hid_t loc, const char *name, hid_t type, hsize_t n, const void *data)
{
    hid_t d = rs_h5u_dataset(loc, name, type, 1, &n, RS_DEFLATE_LEVEL, NULL);
    if (d >= 0 && n && H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        H5Dclose(d);
        return -1;
    }
    return d;
}

static hid_t write_strings(hid_t loc, const char *name, hsize_t n, const char *const *s)
{
    hid_t t = rs_h5u_vlen_str();
    hid_t d = write_1d(loc, name, t, n, s);
    H5Tclose(t);
    return d;
}

/* A coordinate variable that is also a dimension scale. */
static rs_h5u_scale *make_dim(hid_t loc, const char *name, hid_t type, hsize_t n, const void *data,
                              const char *units, const char *long_name)
{
    hid_t d = write_1d(loc, name, type, n, data);
    if (d < 0 || rs_h5u_describe(d, units, long_name)) {
        if (d >= 0) H5Dclose(d);
        return NULL;
    }
    return rs_h5u_scale_make(d, name);
}

/* -------------------------------------------------------------- create */

static char *now_iso(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static void scenario_hash(const rs_scenario *sc, char *out, size_t n);
static int attr_hash(hid_t f, const rs_scenario *sc)
{
    char hbuf[64];
    scenario_hash(sc, hbuf, sizeof hbuf);
    return rs_h5u_attr_str(f, "scenario_hash", hbuf);
}

/* FNV-1a 64 of the resolved scenario (every parameter included), as hex. */
static void scenario_hash(const rs_scenario *sc, char *out, size_t n)
{
    uint64_t x = 1469598103934665603ULL;
    for (const unsigned char *c = (const unsigned char *)sc->resolved_json; *c; c++) {
        x ^= *c;
        x *= 1099511628211ULL;
    }
    snprintf(out, n, "fnv1a64:%016llx", (unsigned long long)x);
}

static rs_status build_layout(rs_h5 *h, const rs_scenario *sc, const char *cmdline, rs_error *err)
{
    const char *path_for_err = h->path;
    const rs_model *m = h->m;
    hid_t f = h->file, t;
    hsize_t nruns = (hsize_t)h->nruns, H = (hsize_t)sc->horizon, n = (hsize_t)sc->region.n;
    size_t np = rs_param_count();
    rs_status st = RS_EIO;
    long long *ll = NULL;
    int *iv = NULL;
    double *dv = NULL;
    const char **sv = NULL;
    rs_h5u_scale *d_run = NULL, *d_month = NULL, *d_muni = NULL, *d_var = NULL, *d_part = NULL;
    hid_t g = -1, gd = -1, d = -1;
    size_t big = (size_t)(nruns > n ? nruns : n);
    if (big < (size_t)H) big = (size_t)H;
    if (big < (size_t)sc->npartnerships) big = (size_t)sc->npartnerships;
    if (big < (size_t)sc->nvariants) big = (size_t)sc->nvariants;
    ll = rs_malloc(big * sizeof *ll);
    iv = rs_malloc(big * sizeof *iv);
    dv = rs_malloc(big * sizeof *dv);
    sv = rs_malloc(big * sizeof *sv);
    if (!ll || !iv || !dv || !sv) { st = rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory"); goto done; }

    /* root attributes */
    char tbuf[64];
    if (rs_h5u_attr_str(f, "title", "regsim results") || rs_h5u_attr_str(f, "regsim_format", RS_H5_FORMAT) ||
        rs_h5u_attr_str(f, "regsim_version", rs_version()) || rs_h5u_attr_str(f, "model", m->name) ||
        rs_h5u_attr_str(f, "scenario", sc->name) || rs_h5u_attr_i64(f, "runs_total", (long long)nruns) ||
        rs_h5u_attr_i64(f, "runs_completed", 0) || rs_h5u_attr_i64(f, "complete", 0) ||
        rs_h5u_attr_i64(f, "horizon_months", sc->horizon) || rs_h5u_attr_i64(f, "replications", sc->replications) ||
        rs_h5u_attr_i64(f, "seed", (long long)sc->seed) || attr_hash(f, sc)) {
        H5FAIL(err, "cannot write the file's attributes");
        goto done;
    }

    /* dimensions */
    for (hsize_t i = 0; i < nruns; i++) ll[i] = (long long)i;
    d_run = make_dim(f, "run", H5T_NATIVE_LLONG, nruns, ll, "1", "run index");
    for (hsize_t i = 0; i < H; i++) iv[i] = (int)i + 1;
    d_month = make_dim(f, "month", H5T_NATIVE_INT, H, iv, "month", "month since start (1 = first month)");
    for (hsize_t i = 0; i < n; i++) iv[i] = (int)i;
    d_muni = make_dim(f, "municipality", H5T_NATIVE_INT, n, iv, "1", "municipality index");
    for (int i = 0; i < sc->nvariants; i++) iv[i] = i;
    d_var = make_dim(f, "variant", H5T_NATIVE_INT, (hsize_t)sc->nvariants, iv, "1", "variant index");
    for (int i = 0; i < sc->npartnerships; i++) iv[i] = i;
    d_part = make_dim(f, "partnership", H5T_NATIVE_INT, (hsize_t)sc->npartnerships, iv, "1",
                      "index of a partnership of the scenario (formed ones follow)");
    if (!d_run || !d_month || !d_muni || !d_var || !d_part) {
        H5FAIL(err, "cannot create the dimensions");
        goto done;
    }

    /* coordinates along municipality, variant, partnership */
#define ATTACH1(D, SCALE) (rs_h5u_attach((D), 1, &(SCALE)) != 0)
    d = write_strings(f, "municipality_name", n, (const char *const *)sc->region.name);
    if (d < 0 || ATTACH1(d, d_muni) || rs_h5u_describe(d, NULL, "municipality name")) goto fail_layout;
    H5Dclose(d);
    d = write_strings(f, "municipality_code", n, (const char *const *)sc->region.code);
    if (d < 0 || ATTACH1(d, d_muni) || rs_h5u_describe(d, NULL, "CBS municipality code")) goto fail_layout;
    H5Dclose(d);
    d = write_strings(f, "municipality_province", n, (const char *const *)sc->region.province);
    if (d < 0 || ATTACH1(d, d_muni) || rs_h5u_describe(d, NULL, "province")) goto fail_layout;
    H5Dclose(d);
    d = write_1d(f, "municipality_population", H5T_NATIVE_DOUBLE, n, sc->region.population);
    if (d < 0 || ATTACH1(d, d_muni) || rs_h5u_describe(d, "1", "inhabitants")) goto fail_layout;
    H5Dclose(d);
    d = write_strings(f, "variant_name", (hsize_t)sc->nvariants, (const char *const *)sc->variant_names);
    if (d < 0 || ATTACH1(d, d_var) || rs_h5u_describe(d, NULL, "variant name")) goto fail_layout;
    H5Dclose(d);
    for (int i = 0; i < sc->npartnerships; i++) sv[i] = sc->partnerships[i].name;
    d = write_strings(f, "partnership_name", (hsize_t)sc->npartnerships, sv);
    if (d < 0 || ATTACH1(d, d_part) || rs_h5u_describe(d, NULL, "partnership name")) goto fail_layout;
    H5Dclose(d);
    for (int i = 0; i < sc->npartnerships; i++) sv[i] = m->domains[sc->partnerships[i].domain];
    d = write_strings(f, "partnership_domain", (hsize_t)sc->npartnerships, sv);
    if (d < 0 || ATTACH1(d, d_part) || rs_h5u_describe(d, NULL, "service domain of the partnership")) goto fail_layout;
    H5Dclose(d);
    d = -1;

    /* series (run, month) */
    double nan = NAN;
    hsize_t dims2[2] = {nruns, H};
    /* chunks of K runs, written once when complete (see struct stage) */
    hsize_t ch2[2] = {(hsize_t)h->st2.K, H};
    for (size_t s = 0; s < m->nseries; s++) {
        const rs_series_def *sd = &m->series[s];
        h->series[s] = dset_create(f, sd->name, H5T_NATIVE_DOUBLE, 2, dims2, NULL, ch2, &nan, 1);
        if (h->series[s] < 0 || rs_h5u_describe(h->series[s], sd->units, sd->long_name) ||
            rs_h5u_attach(h->series[s], 2, (rs_h5u_scale *[]){d_run, d_month})) {
            H5FAIL(err, "cannot create series %s", sd->name);
            goto done;
        }
    }
    if (h->muni) {
        hsize_t dims3[3] = {nruns, H, n};
        hsize_t ch3[3] = {(hsize_t)h->st3.K, H, n};
        for (size_t s = 0; s < m->nmuni_series; s++) {
            const rs_series_def *sd = &m->muni_series[s];
            h->muni[s] = dset_create(f, sd->name, H5T_NATIVE_DOUBLE, 3, dims3, NULL, ch3, &nan, 1);
            if (h->muni[s] < 0 || rs_h5u_describe(h->muni[s], sd->units, sd->long_name) ||
                rs_h5u_attach(h->muni[s], 3, (rs_h5u_scale *[]){d_run, d_month, d_muni})) {
                H5FAIL(err, "cannot create municipality series %s", sd->name);
                goto done;
            }
        }
    }

    /* design */
    gd = rs_h5u_group_create(f, "design");
    if (gd < 0) goto fail_layout;
    rs_h5u_attr_str(gd, "description", "what each run was: join on run to the series");
    for (hsize_t i = 0; i < nruns; i++) ll[i] = (long long)i;
    rs_h5u_scale *g_run = make_dim(gd, "run", H5T_NATIVE_LLONG, nruns, ll, "1", "run index");
    if (!g_run) goto fail_layout;
    int *sets = rs_malloc(nruns * sizeof(int)), *reps = rs_malloc(nruns * sizeof(int));
    if (!sets || !reps) {
        free(sets); free(reps); rs_h5u_scale_close(g_run);
        st = rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (hsize_t i = 0; i < nruns; i++) rs_scenario_run_ids(sc, (long)i, &sets[i], &reps[i]);
    struct { const char *name, *units, *ln; } cols[] = {
        {"variant", "1", "variant index (see variant_name)"},
        {"point", "1", "design point index (0 without a design)"},
        {"replicate", "1", "replicate index; the same replicate draws the same random numbers in every variant"},
    };
    int okd = 1;
    for (int c = 0; c < 3 && okd; c++) {
        for (hsize_t i = 0; i < nruns; i++)
            iv[i] = c == 0 ? sc->sets[sets[i]].variant : c == 1 ? sc->sets[sets[i]].point : reps[i];
        d = write_1d(gd, cols[c].name, H5T_NATIVE_INT, nruns, iv);
        okd = d >= 0 && !ATTACH1(d, g_run) && !rs_h5u_describe(d, cols[c].units, cols[c].ln);
        if (d >= 0) H5Dclose(d);
    }
    for (hsize_t i = 0; i < nruns && okd; i++) ll[i] = (long long)rs_scenario_run_seed(sc, (long)i);
    if (okd) {
        d = write_1d(gd, "seed", H5T_NATIVE_ULLONG, nruns, ll);
        okd = d >= 0 && !ATTACH1(d, g_run) && !rs_h5u_describe(d, "1", "seed of the run's random streams");
        if (d >= 0) H5Dclose(d);
    }
    for (hsize_t i = 0; i < nruns && okd; i++) sv[i] = sc->sets[sets[i]].label;
    if (okd) {
        d = write_strings(gd, "label", nruns, sv);
        okd = d >= 0 && !ATTACH1(d, g_run) && !rs_h5u_describe(d, NULL, "variant (and design point) label");
        if (d >= 0) H5Dclose(d);
    }
    for (size_t k = 0; k < np && okd; k++) {
        const rs_param_def *pd = rs_param_get(k);
        for (hsize_t i = 0; i < nruns; i++) dv[i] = sc->sets[sets[i]].values[k];
        d = write_1d(gd, pd->name, H5T_NATIVE_DOUBLE, nruns, dv);
        okd = d >= 0 && !ATTACH1(d, g_run) && !rs_h5u_describe(d, pd->unit, pd->desc) &&
              !rs_h5u_attr_f64(d, "default", pd->def);
        if (okd && pd->kind == RS_PARAM_ENUM) {
            char list[512] = "";
            for (int c = 0; pd->choices[c]; c++) {
                strncat(list, c ? " " : "", sizeof list - strlen(list) - 1);
                strncat(list, pd->choices[c], sizeof list - strlen(list) - 1);
            }
            okd = !rs_h5u_attr_str(d, "flag_meanings", list);
        }
        if (d >= 0) H5Dclose(d);
    }
    free(sets);
    free(reps);
    okd &= rs_h5u_scale_close(g_run) == 0;
    d = -1;
    if (!okd) goto fail_layout;

    /* events */
    if (sc->outputs.events) {
        g = rs_h5u_group_create(f, "events");
        if (g < 0) goto fail_layout;
        /* Event chunks fill up over several runs. Uncompressed, a chunk is
         * rewritten in place with its committed bytes unchanged. */
        hsize_t zero = 0, unl = H5S_UNLIMITED, ech = RS_EV_CHUNK;
        /* the event scale grows with the events: chunked, extendable */
        hid_t ed = dset_create(g, "event", H5T_NATIVE_LLONG, 1, &zero, &unl, &ech, NULL, 0);
        if (ed >= 0 && rs_h5u_describe(ed, "1", "event index")) { H5Dclose(ed); ed = -1; }
        rs_h5u_scale *e_ev = ed >= 0 ? rs_h5u_scale_make(ed, "event") : NULL;
        if (!e_ev) goto fail_layout;
        hid_t types[6] = {H5T_NATIVE_LLONG, H5T_NATIVE_INT, H5T_NATIVE_INT, H5T_NATIVE_INT, H5T_NATIVE_INT, H5T_NATIVE_DOUBLE};
        const char *units[6] = {"1", "month", "1", "1", "1", "EUR"};
        const char *lns[6] = {"run index", "month of the event", "kind of event (see flag_meanings)",
                              "partnership index, -1 if none", "municipality index, -1 if none",
                              "amount (meaning depends on kind), NaN if none"};
        for (int c = 0; c < 6; c++) {
            h->ev[c] = dset_create(g, ev_names[c], types[c], 1, &zero, &unl, &ech, NULL, 0);
            if (h->ev[c] < 0 || rs_h5u_describe(h->ev[c], units[c], lns[c]) || rs_h5u_attach(h->ev[c], 1, &e_ev)) {
                rs_h5u_scale_close(e_ev);
                goto fail_layout;
            }
        }
        int nk = 0;
        char list[2048] = "";
        while (m->event_kinds[nk]) {
            iv[nk] = nk;
            strncat(list, nk ? " " : "", sizeof list - strlen(list) - 1);
            strncat(list, m->event_kinds[nk], sizeof list - strlen(list) - 1);
            nk++;
        }
        if (attr_i32_array(h->ev[2], "flag_values", iv, (hsize_t)nk) || rs_h5u_attr_str(h->ev[2], "flag_meanings", list) ||
            rs_h5u_attr_i64(g, "events_committed", 0) || rs_h5u_attr_i64(g, "events_dropped", 0)) {
            rs_h5u_scale_close(e_ev);
            goto fail_layout;
        }
        if (rs_h5u_scale_close(e_ev)) goto fail_layout;
        H5Gclose(g);
        g = -1;
    }

    /* provenance */
    g = rs_h5u_group_create(f, "provenance");
    if (g < 0) goto fail_layout;
    t = rs_h5u_vlen_str();
    {
        hid_t sp = H5Screate(H5S_SCALAR);
        hid_t ds = H5Dcreate2(g, "scenario", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        const char *js = sc->resolved_json;
        int bad = ds < 0 || H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &js) < 0 ||
                  rs_h5u_describe(ds, NULL, "the scenario as resolved, with every default (JSON)");
        if (ds >= 0) H5Dclose(ds);
        H5Sclose(sp);
        H5Tclose(t);
        if (bad) goto fail_layout;
    }
    if (rs_h5u_attr_str(g, "regsim_version", rs_version()) || rs_h5u_attr_str(g, "git_commit", rs_git_commit()) ||
        rs_h5u_attr_str(g, "command_line", cmdline ? cmdline : "") || rs_h5u_attr_str(g, "start_time", now_iso(tbuf, sizeof tbuf)) ||
        rs_h5u_attr_str(g, "scenario_file", sc->path) || rs_h5u_attr_str(g, "hdf5_version", H5_VERS_INFO)) goto fail_layout;
    st = RS_OK;
    goto done;
fail_layout:
    H5FAIL(err, "cannot write the file layout (disk full or not writable?)");
done:
    if (d >= 0) H5Dclose(d);
    if (g >= 0) H5Gclose(g);
    if (gd >= 0) H5Gclose(gd);
    /* the scales' back-references are written here, also for a failed layout */
    rs_h5u_scale *scales[5] = {d_run, d_month, d_muni, d_var, d_part};
    for (int i = 0; i < 5; i++)
        if (rs_h5u_scale_close(scales[i]) && st == RS_OK)
            st = H5FAIL(err, "cannot write the file layout (disk full or not writable?)");
    free(ll); free(iv); free(dv); free(sv);
    return st;
}

static void h5_free_buffers(rs_h5 *h);
static rs_h5_zctx *zctx_new(void);

static rs_h5 *h5_new(const char *path, const rs_scenario *sc, rs_error *err)
{
    const rs_model *m = rs_model_get();
    rs_h5 *h = rs_calloc(1, sizeof *h);
    if (!h) { rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory"); return NULL; }
    h->file = -1;
    h->sc = sc;
    h->m = m;
    h->nruns = rs_scenario_nruns(sc);
    snprintf(h->path, sizeof h->path, "%s", path);
    h->series = rs_calloc(m->nseries ? m->nseries : 1, sizeof(hid_t));
    if (sc->outputs.municipality_series) h->muni = rs_calloc(m->nmuni_series ? m->nmuni_series : 1, sizeof(hid_t));
    if (!h->series || (sc->outputs.municipality_series && !h->muni)) {
        free(h->series); free(h->muni); free(h);
        rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory");
        return NULL;
    }
    for (size_t s = 0; s < m->nseries; s++) h->series[s] = -1;
    for (size_t s = 0; h->muni && s < m->nmuni_series; s++) h->muni[s] = -1;
    for (int c = 0; c < 6; c++) h->ev[c] = -1;
    /* chunk sizes: about 64 KiB of a run series, at most 1 MiB of a
     * municipality series, never more runs than the batch has */
    size_t H = (size_t)sc->horizon, n = (size_t)sc->region.n;
    long k2 = (long)(65536 / (8 * H)), k3 = (long)(1048576 / (8 * H * n));
    if (k2 < 1) k2 = 1;
    if (k3 < 1) k3 = 1;
    if (k2 > h->nruns) k2 = h->nruns > 0 ? h->nruns : 1;
    if (k3 > h->nruns) k3 = h->nruns > 0 ? h->nruns : 1;
    h->st2 = (struct stage){.dsets = h->series, .ndsets = m->nseries, .rowlen = H, .rank = 2, .K = k2};
    h->st3 = (struct stage){.dsets = h->muni, .ndsets = h->muni ? m->nmuni_series : 0, .rowlen = H * n,
                            .rank = 3, .K = h->muni ? k3 : 1};
    h->kmax = k2 > k3 ? k2 : k3;
    h->st2.buf = rs_malloc(h->st2.ndsets * (size_t)k2 * h->st2.rowlen * sizeof(double) + 1);
    h->st3.buf = rs_malloc(h->st3.ndsets * (size_t)h->st3.K * h->st3.rowlen * sizeof(double) + 1);
    h->ev_before = rs_calloc((size_t)h->kmax + 1, sizeof(hsize_t));
    h->evbuf = rs_malloc(RS_EV_CHUNK * (2 * sizeof(long long) + 4 * sizeof(int32_t) + sizeof(double)));
    h->zc = zctx_new();
    int zok = h->zc != NULL;
    struct stage *gs[2] = {&h->st2, &h->st3};
    for (int q = 0; q < 2 && zok; q++) {
        struct stage *g = gs[q];
        size_t cb = (size_t)g->K * g->rowlen * sizeof(double);
        g->zcap = deflateBound(&h->zc->zs, (uLong)cb) + RS_ZSLACK;
        g->spare = rs_malloc(g->ndsets * cb + 1);
        g->sl.z = rs_malloc(g->ndsets * g->zcap + 1);
        g->sl.zlen = rs_calloc(g->ndsets + 1, sizeof(size_t));
        atomic_init(&g->sl.active, 0);
        atomic_init(&g->sl.next, 0);
        atomic_init(&g->sl.done, 0);
        zok = g->spare && g->sl.z && g->sl.zlen;
    }
    if (!h->st2.buf || !h->st3.buf || !h->ev_before || !h->evbuf || !zok) {
        h5_free_buffers(h);
        free(h->series); free(h->muni); free(h);
        rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory for chunk buffers");
        return NULL;
    }
    return h;
}

/* Is there room for `bytes` more in the file (file-size limit and free
 * disk space), with a margin for metadata? A failed write leaves HDF5 in a
 * state where even closing the file can crash, so regsim checks first and
 * stops cleanly instead: every committed run stays readable. */
#define RS_SPACE_MARGIN (1 << 20)
static int room_for(const rs_h5 *h, size_t bytes, char *why, size_t n)
{
    struct stat sb;
    /* data writes keep the margin free; a commit (bytes == 0) may use it.
     * What HDF5 still holds in its caches reaches the disk at the flush. */
    size_t need = h->pending + (bytes ? bytes + RS_SPACE_MARGIN : RS_SPACE_MARGIN / 4);
    off_t size = stat(h->path, &sb) == 0 ? sb.st_size : 0;
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (rlim_t)size + need > rl.rlim_cur) {
        snprintf(why, n, "the file-size limit (ulimit -f) of %llu bytes is reached", (unsigned long long)rl.rlim_cur);
        return 0;
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", h->path);
    char *slash = strrchr(dir, '/');
    if (slash) { if (slash == dir) slash[1] = '\0'; else *slash = '\0'; }
    else snprintf(dir, sizeof dir, ".");
    struct statvfs vs;
    if (statvfs(dir, &vs) == 0 && (unsigned long long)vs.f_bavail * vs.f_frsize < need) {
        snprintf(why, n, "the disk is full (%llu bytes free)", (unsigned long long)vs.f_bavail * vs.f_frsize);
        return 0;
    }
    return 1;
}

/* Runs of g on disk or staged ahead of a sealed chunk: the first run not on disk. */
static long stage_disk(struct stage *g)
{
    return atomic_load(&g->sl.active) ? g->sl.from : g->from;
}

/* Runs whose rows are all on disk. */
static long disk_done(rs_h5 *h)
{
    long d = stage_disk(&h->st2);
    if (h->muni && stage_disk(&h->st3) < d) d = stage_disk(&h->st3);
    return d;
}

/* Start staging at run `from` (0, or the runs already in a resumed file). */
static void stage_start(rs_h5 *h, long from)
{
    h->st2.from = h->st3.from = from;
    h->st2.cnt = h->st3.cnt = 0;
    h->ev_before[from % (h->kmax + 1)] = h->nevents;
}

static int write_row(hid_t d, int rank, const hsize_t *start, const hsize_t *count, const double *data);

static rs_h5_zctx *zctx_new(void)
{
    rs_h5_zctx *z = rs_calloc(1, sizeof *z);
    if (z && deflateInit2(&z->zs, RS_DEFLATE_LEVEL, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK) {
        free(z);
        z = NULL;
    }
    if (z) z->level = RS_DEFLATE_LEVEL;
    return z;
}

static void zctx_free(rs_h5_zctx *z)
{
    if (!z) return;
    deflateEnd(&z->zs);
    free(z->sh);
    free(z);
}

/* The bytes of pl[0..n) equal to the byte before, counted eight at a time
 * (a zero-byte test on words); stops early once past stop. */
static size_t repeats(const unsigned char *pl, size_t n, size_t stop)
{
    const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL, pairs = 0x00ff00ff00ff00ffULL;
    size_t rep = 0, i = 1;
    while (i + 8 <= n && rep <= stop) {
        uint64_t acc = 0; /* eight counters of at most 255 */
        for (size_t end = i + 8 * 255; i + 8 <= n && i < end; i += 8) {
            uint64_t a, b;
            memcpy(&a, pl + i, 8);
            memcpy(&b, pl + i - 1, 8);
            uint64_t d = a ^ b;
            acc += ~(((d & lo7) + lo7) | d | lo7) >> 7; /* 1 in each zero byte */
        }
        acc = (acc & pairs) + ((acc >> 8) & pairs);
        rep += (size_t)((acc * 0x0001000100010001ULL) >> 48);
    }
    for (; i < n && rep <= stop; i++) rep += pl[i] == pl[i - 1];
    return rep;
}

/* Whether a byte plane of n bytes is noise that deflate cannot shrink:
 * hardly any repeats (nothing for run-length matches) and byte values about
 * equally frequent (order-0 entropy at least 7.8 bits, so Huffman codes save
 * at most 2.5 %). Such planes, the low mantissa bytes of most real-valued
 * series, are 22 % of the bytes of a Drechtsteden chunk but most of the
 * compression time; they go into stored blocks instead (bench/RESULTS.md). */
static int plane_is_noise(const unsigned char *pl, size_t n)
{
    if (repeats(pl, n, n / 64) * 64 > n) return 0;
    unsigned cnt[256] = {0};
    for (size_t i = 0; i < n; i++) cnt[pl[i]]++;
    double bits = 0; /* order-0 entropy of the plane, in bits */
    for (int k = 0; k < 256; k++)
        if (cnt[k]) bits -= cnt[k] * log2((double)cnt[k] / (double)n);
    return bits >= 7.8 * (double)n;
}

/* Shuffle (as HDF5's shuffle filter: byte b of element i goes to
 * b * nelem + i) and deflate nelem doubles into out; the length, 0 on
 * failure. Each byte plane is deflated at level 0 (stored) if it is noise,
 * else at RS_DEFLATE_LEVEL; the stream stays one ordinary zlib stream. out
 * must hold deflateBound plus RS_ZSLACK bytes. */
static size_t zchunk(rs_h5_zctx *z, const double *src, size_t nelem, unsigned char *out, size_t cap)
{
    enum { W = sizeof(double) };
    const unsigned char *in = (const unsigned char *)src;
    if (z->shcap < nelem * W) {
        unsigned char *nb = realloc(z->sh, nelem * W);
        if (!nb) return 0;
        z->sh = nb;
        z->shcap = nelem * W;
    }
    unsigned char *sh = z->sh;
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* eight elements at a time: an 8 x 8 byte transpose in three rounds of
     * swaps (byte b of a loaded word is byte b in memory) */
    for (; i + 8 <= nelem; i += 8) {
        uint64_t m[8];
        memcpy(m, in + i * W, sizeof m);
        for (int j = 0; j < 8; j += 2) {
            uint64_t t = ((m[j] >> 8) ^ m[j + 1]) & 0x00ff00ff00ff00ffULL;
            m[j + 1] ^= t; m[j] ^= t << 8;
        }
        for (int j = 0; j < 8; j += (j & 1) ? 3 : 1) {
            uint64_t t = ((m[j] >> 16) ^ m[j + 2]) & 0x0000ffff0000ffffULL;
            m[j + 2] ^= t; m[j] ^= t << 16;
        }
        for (int j = 0; j < 4; j++) {
            uint64_t t = ((m[j] >> 32) ^ m[j + 4]) & 0x00000000ffffffffULL;
            m[j + 4] ^= t; m[j] ^= t << 32;
        }
        for (size_t b = 0; b < W; b++) memcpy(sh + b * nelem + i, &m[b], 8);
    }
#endif
    for (; i < nelem; i++)
        for (size_t b = 0; b < W; b++) sh[b * nelem + i] = in[i * W + b];
    if (deflateReset(&z->zs) != Z_OK) return 0;
    z->zs.next_out = out;
    z->zs.avail_out = (uInt)cap;
    for (size_t b = 0; b < W; b++) {
        int lv = plane_is_noise(sh + b * nelem, nelem) ? 0 : RS_DEFLATE_LEVEL;
        if (lv != z->level) {
            if (deflateParams(&z->zs, lv, Z_RLE) != Z_OK) return 0;
            z->level = lv;
        }
        z->zs.next_in = sh + b * nelem;
        z->zs.avail_in = (uInt)nelem;
        int last = b + 1 == W, r = deflate(&z->zs, last ? Z_FINISH : Z_NO_FLUSH);
        if (last ? r != Z_STREAM_END : (r != Z_OK || z->zs.avail_in)) return 0;
    }
    return (size_t)z->zs.total_out;
}

/* Compress the jobs of g's sealed chunk that nobody has claimed yet. */
static void sealed_work(struct stage *g, rs_h5_zctx *z)
{
    if (!atomic_load(&g->sl.active)) return;
    const size_t nelem = (size_t)g->K * g->rowlen;
    for (;;) {
        int k = atomic_fetch_add(&g->sl.next, 1);
        if (k >= (int)g->ndsets) return;
        g->sl.zlen[k] = zchunk(z, g->sl.buf + (size_t)k * nelem, nelem, g->sl.z + (size_t)k * g->zcap, g->zcap);
        atomic_fetch_add(&g->sl.done, 1);
    }
}

static int jobs_open(struct stage *g)
{
    return atomic_load(&g->sl.active) && atomic_load(&g->sl.next) < (int)g->ndsets;
}

void rs_h5_help(rs_h5 *h)
{
    if (!h || !h->npool || !(jobs_open(&h->st2) || jobs_open(&h->st3))) return;
    for (int i = 0; i < h->npool; i++) {
        int free_ = 0;
        if (!atomic_compare_exchange_strong(&h->pool_busy[i], &free_, 1)) continue;
        if (!h->pool[i]) h->pool[i] = zctx_new(); /* NULL: the writer does the jobs */
        if (h->pool[i]) {
            sealed_work(&h->st2, h->pool[i]);
            sealed_work(&h->st3, h->pool[i]);
        }
        atomic_store(&h->pool_busy[i], 0);
        return;
    }
}

void rs_h5_set_helpers(rs_h5 *h, int n)
{
    if (!h) return;
    h->npool = n < 0 ? 0 : n > RS_ZPOOL ? RS_ZPOOL : n;
    for (int i = 0; i < RS_ZPOOL; i++) atomic_init(&h->pool_busy[i], 0);
}

/* Write g's sealed chunk (writer only): claim the jobs left, wait for
 * those other threads are compressing, write every chunk. */
static int sealed_finish(rs_h5 *h, struct stage *g)
{
    if (!atomic_load(&g->sl.active)) return 0;
    sealed_work(g, h->zc);
    while (atomic_load(&g->sl.done) < (int)g->ndsets) sched_yield();
    int rc = 0;
    hsize_t off[3] = {(hsize_t)g->sl.from, 0, 0};
    for (size_t k = 0; k < g->ndsets && !rc; k++)
        rc = !g->sl.zlen[k] ||
             H5Dwrite_chunk(g->dsets[k], H5P_DEFAULT, 0, off, g->sl.zlen[k], g->sl.z + k * g->zcap) < 0;
    atomic_store(&g->sl.active, 0);
    return rc ? -1 : 0;
}

/* Write g's sealed chunk if all its jobs are done (writer only): the
 * runs in it can then be committed without waiting for the next chunk. */
static int sealed_write_if_done(rs_h5 *h, struct stage *g)
{
    if (atomic_load(&g->sl.active) && atomic_load(&g->sl.done) == (int)g->ndsets) return sealed_finish(h, g);
    return 0;
}

/* Write the staged runs of one stage to disk: a whole chunk (or the
 * dataset's last) is sealed for compression, anything else (a file
 * resumed mid-chunk, a batch stopped mid-chunk) goes through HDF5. */
static int stage_flush(rs_h5 *h, struct stage *g)
{
    if (g->cnt == 0) return 0;
    char why[256];
    size_t bytes = g->ndsets * (size_t)g->cnt * g->rowlen * sizeof(double);
    if (!room_for(h, bytes, why, sizeof why)) {
        snprintf(h->full, sizeof h->full, "%s", why);
        return -1;
    }
    h->pending += bytes;
    if (sealed_finish(h, g)) return -1;
    if (g->from % g->K == 0 && (g->cnt == g->K || g->from + g->cnt == h->nruns)) {
        const size_t nelem = (size_t)g->K * g->rowlen;
        for (size_t k = 0; k < g->ndsets; k++) /* past the extent of the last chunk */
            for (size_t i = (size_t)g->cnt * g->rowlen; i < nelem; i++) g->buf[k * nelem + i] = NAN;
        double *t = g->buf;
        g->buf = g->spare;
        g->spare = g->sl.buf = t;
        g->sl.from = g->from;
        atomic_store(&g->sl.done, 0);
        atomic_store(&g->sl.active, 1);
        atomic_store(&g->sl.next, 0); /* opens the jobs */
        g->from += g->cnt;
        g->cnt = 0;
        return h->npool ? 0 : sealed_finish(h, g);
    }
    hsize_t start[3] = {(hsize_t)g->from, 0, 0}, count[3] = {(hsize_t)g->cnt, (hsize_t)h->sc->horizon,
                                                            (hsize_t)h->sc->region.n};
    for (size_t k = 0; k < g->ndsets; k++)
        if (write_row(g->dsets[k], g->rank, start, count, g->buf + k * (size_t)g->K * g->rowlen)) return -1;
    g->from += g->cnt;
    g->cnt = 0;
    return 0;
}

/* Stage one run's rows (series laid out [ndsets][rowlen]); write the chunk
 * when this run completes it. */
static int stage_add(rs_h5 *h, struct stage *g, long run, const double *rows)
{
    if (!g->ndsets) { g->from = run + 1; return 0; }
    if (sealed_write_if_done(h, g)) return -1;
    for (size_t k = 0; k < g->ndsets; k++)
        memcpy(g->buf + (k * (size_t)g->K + (size_t)g->cnt) * g->rowlen, rows + k * g->rowlen,
               g->rowlen * sizeof(double));
    g->cnt++;
    if ((run + 1) % g->K == 0) return stage_flush(h, g);
    return 0;
}

/* the writer's own buffers (both h5_release and rs_h5_close free them) */
static void h5_free_buffers(rs_h5 *h)
{
    free(h->st2.buf);
    free(h->st3.buf);
    free(h->st2.spare); free(h->st2.sl.z); free(h->st2.sl.zlen);
    free(h->st3.spare); free(h->st3.sl.z); free(h->st3.sl.zlen);
    h->st2.spare = h->st3.spare = NULL;
    h->st2.sl.z = h->st3.sl.z = NULL;
    h->st2.sl.zlen = h->st3.sl.zlen = NULL;
    zctx_free(h->zc);
    h->zc = NULL;
    for (int i = 0; i < h->npool; i++) { zctx_free(h->pool[i]); h->pool[i] = NULL; }
    free(h->ev_before);
    free(h->evbuf);
}

static void h5_release(rs_h5 *h)
{
    if (!h) return;
    h5_free_buffers(h);
    for (size_t s = 0; s < h->m->nseries; s++) if (h->series[s] >= 0) H5Dclose(h->series[s]);
    for (size_t s = 0; h->muni && s < h->m->nmuni_series; s++) if (h->muni[s] >= 0) H5Dclose(h->muni[s]);
    for (int c = 0; c < 6; c++) if (h->ev[c] >= 0) H5Dclose(h->ev[c]);
    if (h->file >= 0) H5Fclose(h->file);
    free(h->series);
    free(h->muni);
    free(h);
}

int rs_h5_is_results(const char *path)
{
    rs_h5u_quiet();
    if (H5Fis_hdf5(path) <= 0) return -1;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return -1;
    char fmt[64];
    int r = rs_h5u_attr_read_str(f, "regsim_format", fmt, sizeof fmt) == 0 && strcmp(fmt, RS_H5_FORMAT) == 0;
    H5Fclose(f);
    return r;
}

/* Can we create a file in the directory of path? Say why not. */
static rs_status check_dir(const char *path, rs_error *err)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) { if (slash == dir) slash[1] = '\0'; else *slash = '\0'; }
    else snprintf(dir, sizeof dir, ".");
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return rs_error_set(err, RS_EIO, path, 0, NULL, "output directory %s does not exist", dir);
    if (!S_ISDIR(sb.st_mode))
        return rs_error_set(err, RS_EIO, path, 0, NULL, "%s is not a directory", dir);
    if (access(dir, W_OK) != 0)
        return rs_error_set(err, RS_EIO, path, 0, NULL, "output directory %s is not writable: %s", dir, strerror(errno));
    return RS_OK;
}

rs_status rs_h5_create(const char *path, const rs_scenario *sc, const char *cmdline, int force,
                       rs_h5 **out, rs_error *err)
{
    const char *path_for_err = path;
    rs_h5u_quiet();
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return rs_error_set(err, RS_EINPUT, path, 0, NULL, "the output path is a directory");
        if (!force) {
            int kind = rs_h5_is_results(path);
            if (kind == 1)
                return rs_error_set(err, RS_EINPUT, path, 0, NULL,
                                    "a results file exists here; use --resume to finish it or --force to overwrite it");
            return rs_error_set(err, RS_EINPUT, path, 0, NULL,
                                "a file that is not a regsim results file exists here; refusing to overwrite it (use --force)");
        }
    }
    rs_status st = check_dir(path, err);
    if (st) return st;
    rs_h5 *h = h5_new(path, sc, err);
    if (!h) return RS_ENOMEM;
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    h->file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    H5Pclose(fcpl);
    if (h->file < 0) {
        h5_release(h);
        return H5FAIL(err, "cannot create the results file");
    }
    stage_start(h, 0);
    st = build_layout(h, sc, cmdline, err);
    if (st == RS_OK && H5Fflush(h->file, H5F_SCOPE_GLOBAL) < 0)
        st = H5FAIL(err, "cannot write the results file (disk full?)");
    if (st) {
        h5_release(h);
        unlink(path); /* a half-made layout is no results file */
        return st;
    }
    *out = h;
    return RS_OK;
}

static hid_t open_dset(hid_t f, const char *name)
{
    return H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
}

/* ------------------------------------------------------ resume recovery */

static int write_row(hid_t d, int rank, const hsize_t *start, const hsize_t *count, const double *data);
static int append(hid_t d, hsize_t at, hsize_t n, hid_t memtype, const void *data);

/* Read rows [r0, r0+cnt) of a (run, ...) dataset into buf; 0 on success. */
static int read_rows(hid_t d, hsize_t r0, hsize_t cnt, double *buf)
{
    hid_t fs = H5Dget_space(d);
    int rank = H5Sget_simple_extent_ndims(fs);
    hsize_t dims[3] = {0, 1, 1}, start[3] = {r0, 0, 0};
    H5Sget_simple_extent_dims(fs, dims, NULL);
    dims[0] = cnt;
    hid_t ms = H5Screate_simple(rank, dims, NULL);
    int rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, dims, NULL) < 0 ||
             H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0;
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

static size_t row_len(hid_t d)
{
    hid_t fs = H5Dget_space(d);
    hsize_t dims[3] = {1, 1, 1};
    int rank = H5Sget_simple_extent_ndims(fs);
    H5Sget_simple_extent_dims(fs, dims, NULL);
    H5Sclose(fs);
    return (size_t)(rank >= 2 ? dims[1] : 1) * (size_t)(rank >= 3 ? dims[2] : 1);
}

/* First row below limit of dataset d that cannot be read (limit if none). */
static long first_bad_row(hid_t d, long limit, double *buf, size_t buflen)
{
    size_t rl = row_len(d);
    long block = (long)(buflen / rl);
    if (block < 1) block = 1;
    for (long r = 0; r < limit; r += block) {
        long cnt = limit - r < block ? limit - r : block;
        if (!read_rows(d, (hsize_t)r, (hsize_t)cnt, buf)) continue;
        for (long q = r; q < r + cnt; q++)
            if (read_rows(d, (hsize_t)q, 1, buf)) return q;
    }
    return limit;
}

/* The longest prefix of runs whose series and events all read back, and
 * the number of events those runs have. */
static long readable_prefix(rs_h5 *h, long committed, hsize_t *nev)
{
    size_t buflen = 1 << 17;
    double *buf = rs_malloc(buflen * sizeof(double));
    if (!buf) return -1;
    long p = committed;
    for (size_t s = 0; s < h->m->nseries && p > 0; s++) {
        long b = first_bad_row(h->series[s], p, buf, buflen);
        if (b < p) p = b;
    }
    for (size_t s = 0; h->muni && s < h->m->nmuni_series && p > 0; s++) {
        long b = first_bad_row(h->muni[s], p, buf, buflen);
        if (b < p) p = b;
    }
    *nev = 0;
    if (h->ev[0] >= 0) {
        /* events are in run order: walk the run column block by block */
        long long *runs = (long long *)buf;
        size_t blk = RS_EV_CHUNK;
        int bad = 0;
        hsize_t e = 0;
        while (e < h->nevents && !bad) {
            hsize_t cnt = h->nevents - e < blk ? h->nevents - e : blk;
            hid_t fs = H5Dget_space(h->ev[0]);
            hid_t ms = H5Screate_simple(1, &cnt, NULL);
            bad = H5Sselect_hyperslab(fs, H5S_SELECT_SET, &e, NULL, &cnt, NULL) < 0 ||
                  H5Dread(h->ev[0], H5T_NATIVE_LLONG, ms, fs, H5P_DEFAULT, runs) < 0;
            /* the other columns of the same block must read too */
            for (int c = 1; c < 6 && !bad; c++)
                bad = H5Dread(h->ev[c], c == 5 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32, ms, fs, H5P_DEFAULT,
                              buf + blk) < 0;
            H5Sclose(ms);
            H5Sclose(fs);
            if (bad) {
                /* the run that was being read at the block start may continue
                   into the bad block: keep only the runs before it */
                break;
            }
            for (hsize_t k = 0; k < cnt; k++) {
                if (runs[k] >= p) { bad = 2; break; }
                (*nev)++;
            }
            e += cnt;
        }
        if (bad == 1) {
            /* events of runs up to the last fully read run are intact */
            long last_run = *nev ? -1 : 0;
            if (*nev) {
                hsize_t one = 1, at = *nev - 1;
                long long r = 0;
                hid_t fs = H5Dget_space(h->ev[0]), ms = H5Screate_simple(1, &one, NULL);
                H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &one, NULL);
                H5Dread(h->ev[0], H5T_NATIVE_LLONG, ms, fs, H5P_DEFAULT, &r);
                H5Sclose(ms);
                H5Sclose(fs);
                last_run = (long)r; /* may be incomplete */
            }
            if (last_run < p) p = last_run;
            /* recount events of runs < p */
            *nev = 0;
            for (hsize_t e2 = 0; e2 < h->nevents; e2 += blk) {
                hsize_t cnt = h->nevents - e2 < blk ? h->nevents - e2 : blk;
                hid_t fs = H5Dget_space(h->ev[0]), ms = H5Screate_simple(1, &cnt, NULL);
                int rb = H5Sselect_hyperslab(fs, H5S_SELECT_SET, &e2, NULL, &cnt, NULL) < 0 ||
                         H5Dread(h->ev[0], H5T_NATIVE_LLONG, ms, fs, H5P_DEFAULT, runs) < 0;
                H5Sclose(ms);
                H5Sclose(fs);
                if (rb) break;
                hsize_t k = 0;
                while (k < cnt && runs[k] < p) k++;
                *nev += k;
                if (k < cnt) break;
            }
        }
    }
    free(buf);
    return p;
}

/* Copy rows [0, p) of every (run, ...) dataset and the first nev events
 * from src into dst. */
static int copy_prefix(rs_h5 *src, rs_h5 *dst, long p, hsize_t nev)
{
    size_t buflen = 1 << 17;
    double *buf = rs_malloc(buflen * sizeof(double));
    if (!buf) return -1;
    int bad = 0;
    size_t ns = src->m->nseries, nm = src->muni ? src->m->nmuni_series : 0;
    for (size_t s = 0; s < ns + nm && !bad; s++) {
        hid_t a = s < ns ? src->series[s] : src->muni[s - ns];
        hid_t b = s < ns ? dst->series[s] : dst->muni[s - ns];
        size_t rl = row_len(a);
        long block = (long)(buflen / rl);
        if (block < 1) block = 1;
        for (long r = 0; r < p && !bad; r += block) {
            long cnt = p - r < block ? p - r : block;
            hsize_t start[3] = {(hsize_t)r, 0, 0}, dims[3] = {(hsize_t)cnt, 1, 1};
            hid_t fs = H5Dget_space(b);
            int rank = H5Sget_simple_extent_ndims(fs);
            hsize_t full[3] = {1, 1, 1};
            H5Sget_simple_extent_dims(fs, full, NULL);
            dims[1] = full[1];
            dims[2] = full[2];
            H5Sclose(fs);
            bad = read_rows(a, (hsize_t)r, (hsize_t)cnt, buf) || write_row(b, rank, start, dims, buf);
        }
    }
    hid_t types[6] = {H5T_NATIVE_LLONG, H5T_NATIVE_INT32, H5T_NATIVE_INT32, H5T_NATIVE_INT32, H5T_NATIVE_INT32, H5T_NATIVE_DOUBLE};
    hid_t dscale = nev ? H5Oopen(dst->file, "events/event", H5P_DEFAULT) : -1;
    for (hsize_t e = 0; e < nev && !bad; e += RS_EV_CHUNK) {
        hsize_t cnt = nev - e < RS_EV_CHUNK ? nev - e : RS_EV_CHUNK;
        long long idx[RS_EV_CHUNK];
        for (hsize_t k = 0; k < cnt; k++) idx[k] = (long long)(e + k);
        bad = append(dscale, e, cnt, H5T_NATIVE_LLONG, idx);
        for (int c = 0; c < 6 && !bad; c++) {
            hid_t fs = H5Dget_space(src->ev[c]), ms = H5Screate_simple(1, &cnt, NULL);
            bad = H5Sselect_hyperslab(fs, H5S_SELECT_SET, &e, NULL, &cnt, NULL) < 0 ||
                  H5Dread(src->ev[c], types[c], ms, fs, H5P_DEFAULT, buf) < 0 ||
                  append(dst->ev[c], e, cnt, types[c], buf);
            H5Sclose(ms);
            H5Sclose(fs);
        }
    }
    if (dscale >= 0) H5Oclose(dscale);
    dst->nevents = nev;
    free(buf);
    return bad ? -1 : 0;
}

rs_status rs_h5_resume(const char *path, const rs_scenario *sc, const char *cmdline,
                       rs_h5 **out, long *done, rs_error *err)
{
    const char *path_for_err = path;
    rs_h5u_quiet();
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return rs_error_set(err, RS_EINPUT, path, 0, NULL, "--resume: no results file here to resume");
    int kind = rs_h5_is_results(path);
    if (kind < 0)
        return rs_error_set(err, RS_EINPUT, path, 0, NULL,
                            "--resume: not a readable HDF5 file (damaged, or not a results file); "
                            "start a new run with --force");
    if (kind == 0)
        return rs_error_set(err, RS_EINPUT, path, 0, NULL, "--resume: not a regsim results file");
    rs_h5 *h = h5_new(path, sc, err);
    if (!h) return RS_ENOMEM;
    h->file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (h->file < 0) {
        h5_release(h);
        return H5FAIL(err, "--resume: cannot open the file for writing");
    }
    rs_status st = RS_OK;
    /* Same scenario? Compared through a fixed-length hash attribute: reading
     * the variable-length scenario text goes through HDF5's global heap,
     * where a damaged file can crash libhdf5 itself (found by fuzzing). */
    char stored[64], want[64];
    scenario_hash(sc, want, sizeof want);
    if (rs_h5u_attr_read_str(h->file, "scenario_hash", stored, sizeof stored)) {
        st = rs_error_set(err, RS_EINPUT, path, 0, NULL, "--resume: the file's scenario_hash is missing or damaged");
    } else if (strcmp(stored, want) != 0) {
        st = rs_error_set(err, RS_EINPUT, path, 0, NULL,
                          "--resume: the file was made from a different scenario (or another regsim version); "
                          "use the same scenario, or start anew with --force");
    }
    long long total = -1, completed = -1;
    if (!st && (rs_h5u_attr_read_i64(h->file, "runs_total", &total) || rs_h5u_attr_read_i64(h->file, "runs_completed", &completed) ||
                total != h->nruns || completed < 0 || completed > total))
        st = rs_error_set(err, RS_EINPUT, path, 0, NULL, "--resume: the file's run counters are missing or inconsistent");
    for (size_t s = 0; !st && s < h->m->nseries; s++)
        if ((h->series[s] = open_dset(h->file, h->m->series[s].name)) < 0)
            st = rs_error_set(err, RS_EINPUT, path, 0, NULL, "--resume: series %s is missing", h->m->series[s].name);
    for (size_t s = 0; !st && h->muni && s < h->m->nmuni_series; s++)
        if ((h->muni[s] = open_dset(h->file, h->m->muni_series[s].name)) < 0)
            st = rs_error_set(err, RS_EINPUT, path, 0, NULL, "--resume: series %s is missing", h->m->muni_series[s].name);
    if (!st && sc->outputs.events) {
        long long committed = -1;
        hid_t g = H5Lexists(h->file, "events", H5P_DEFAULT) > 0 ? H5Gopen2(h->file, "events", H5P_DEFAULT) : -1;
        if (g < 0 || rs_h5u_attr_read_i64(g, "events_committed", &committed) || committed < 0) {
            st = rs_error_set(err, RS_EINPUT, path, 0, NULL, "--resume: the event log is missing or damaged");
        } else {
            /* drop events of runs written after the last commit */
            hsize_t nev = (hsize_t)committed;
            hid_t e_ev = H5Dopen2(g, "event", H5P_DEFAULT);
            if (e_ev < 0 || H5Dset_extent(e_ev, &nev) < 0) st = H5FAIL(err, "--resume: cannot trim the event log");
            if (e_ev >= 0) H5Dclose(e_ev);
            for (int c = 0; !st && c < 6; c++) {
                h->ev[c] = H5Dopen2(g, ev_names[c], H5P_DEFAULT);
                if (h->ev[c] < 0 || H5Dset_extent(h->ev[c], &nev) < 0)
                    st = H5FAIL(err, "--resume: cannot trim the event log");
            }
            h->nevents = nev;
        }
        if (g >= 0) H5Gclose(g);
    }
    /* A hard kill can leave damage past the last commit; make sure every
     * committed run reads back. If some do not, rebuild the file from the
     * readable prefix (the lost runs are simply computed again). */
    char rebuilt[128] = "";
    if (!st && completed > 0) {
        hsize_t nev = 0;
        long p = readable_prefix(h, (long)completed, &nev);
        if (p < 0) st = rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory");
        else if (p < completed || nev < h->nevents) {
            char tmp[1100];
            snprintf(tmp, sizeof tmp, "%s.rebuild.h5", path);
            rs_h5 *nh = NULL;
            rs_error e2;
            rs_error_clear(&e2);
            st = rs_h5_create(tmp, sc, cmdline, 1, &nh, &e2);
            int bad = 0;
            if (!st) {
                stage_start(nh, p);
                bad = copy_prefix(h, nh, p, nev) != 0;
                nh->ev_before[p % (nh->kmax + 1)] = nh->nevents;
                bad = bad || rs_h5_commit(nh, 0, 0, &e2) || rename(tmp, path) != 0;
            }
            if (!st && bad) {
                st = rs_error_set(err, RS_EIO, path, 0, NULL, "--resume: cannot rebuild the damaged file (disk full?)");
                rs_h5_close(nh, &e2);
                unlink(tmp);
                nh = NULL;
            } else if (st) {
                *err = e2;
            }
            if (nh) {
                snprintf(nh->path, sizeof nh->path, "%s", path);
                h5_release(h);
                h = nh;
                snprintf(rebuilt, sizeof rebuilt, " (file rebuilt: %lld committed runs, %ld readable)", completed, p);
                completed = p;
            }
        }
    }
    if (!st) {
        hid_t g = H5Gopen2(h->file, "provenance", H5P_DEFAULT);
        char tbuf[64], prev[4096];
        rs_h5u_attr_read_str(g, "resumed", prev, sizeof prev);
        char line[4096 + 1100];
        snprintf(line, sizeof line, "%s%s%s at run %lld%s: %s", prev, prev[0] ? "\n" : "", now_iso(tbuf, sizeof tbuf),
                 completed, rebuilt, cmdline ? cmdline : "");
        if (rs_h5u_attr_str(g, "resumed", line) < 0) st = H5FAIL(err, "cannot write to the file");
        H5Gclose(g);
    }
    if (st) {
        h5_release(h);
        return st;
    }
    stage_start(h, (long)completed);
    *done = (long)completed;
    *out = h;
    return RS_OK;
}

static int write_row(hid_t d, int rank, const hsize_t *start, const hsize_t *count, const double *data)
{
    hid_t fs = H5Dget_space(d);
    hid_t ms = H5Screate_simple(rank, count, NULL);
    int rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
             H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, data) < 0;
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

/* write n contiguous values at rows at .. at+n-1 of a 1-d dataset */
static int put(hid_t d, hsize_t at, hsize_t n, hid_t memtype, const void *data)
{
    hid_t fs = H5Dget_space(d);
    hid_t ms = H5Screate_simple(1, &n, NULL);
    int rc = fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &n, NULL) < 0 ||
             H5Dwrite(d, memtype, ms, fs, H5P_DEFAULT, data) < 0;
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return rc ? -1 : 0;
}

static int append(hid_t d, hsize_t at, hsize_t n, hid_t memtype, const void *data)
{
    hsize_t newsize = at + n;
    if (H5Dset_extent(d, &newsize) < 0) return -1;
    return put(d, at, n, memtype, data);
}

rs_status rs_h5_write_run(rs_h5 *h, const rs_run_ctx *ctx, rs_error *err)
{
    const char *path_for_err = h->path;
    rs_h5u_quiet(); /* the error stack is per thread */
    h->ev_before[ctx->run % (h->kmax + 1)] = h->nevents;
    char why[256];
    if (ctx->events && ctx->events->n) {
        if (!room_for(h, ctx->events->n * 40, why, sizeof why)) snprintf(h->full, sizeof h->full, "%s", why);
        else h->pending += ctx->events->n * 40;
    }
    if (h->full[0] || stage_add(h, &h->st2, ctx->run, ctx->series) ||
        (h->muni && stage_add(h, &h->st3, ctx->run, ctx->muni_series))) {
        if (h->full[0])
            return H5FAIL(err, "stopped before run %ld: %s; the runs already committed are kept: "
                               "make room, then finish with the same command and --resume", ctx->run, h->full);
        return H5FAIL(err, "cannot write run %ld", ctx->run);
    }
    if (h->ev[0] >= 0 && ctx->events && ctx->events->n) {
        const rs_event_log *log = ctx->events;
        const hsize_t k = (hsize_t)log->n, newsize = h->nevents + k, CH = RS_EV_CHUNK;
        /* Columns are gathered into contiguous blocks: a strided memory
         * selection costs HDF5 thousands of instructions per element. */
        long long *idx = h->evbuf, *run = idx + CH;
        int32_t *i32 = (int32_t *)(run + CH); /* month, kind, partnership, municipality */
        double *amount = (double *)(i32 + 4 * CH);
        hid_t gid = H5Oopen(h->file, "events/event", H5P_DEFAULT);
        int ok = gid >= 0 && H5Dset_extent(gid, &newsize) >= 0;
        for (int c = 0; c < 6 && ok; c++) ok = H5Dset_extent(h->ev[c], &newsize) >= 0;
        for (hsize_t i = 0; i < k && ok; i += CH) {
            const hsize_t m = k - i < CH ? k - i : CH, at = h->nevents + i;
            for (hsize_t j = 0; j < m; j++) {
                const rs_event *e = &log->ev[i + j];
                idx[j] = (long long)(at + j);
                run[j] = ctx->run;
                i32[j] = e->month;
                i32[CH + j] = e->kind;
                i32[2 * CH + j] = e->partnership;
                i32[3 * CH + j] = e->municipality;
                amount[j] = e->amount;
            }
            ok = put(gid, at, m, H5T_NATIVE_LLONG, idx) == 0 && put(h->ev[0], at, m, H5T_NATIVE_LLONG, run) == 0;
            for (int c = 1; c <= 4 && ok; c++) ok = put(h->ev[c], at, m, H5T_NATIVE_INT32, i32 + (c - 1) * CH) == 0;
            ok = ok && put(h->ev[5], at, m, H5T_NATIVE_DOUBLE, amount) == 0;
        }
        if (gid >= 0) H5Oclose(gid);
        if (!ok) return H5FAIL(err, "cannot write the events of run %ld (disk full?)", ctx->run);
        h->nevents += k;
    }
    h->ev_before[(ctx->run + 1) % (h->kmax + 1)] = h->nevents;
    return RS_OK;
}

rs_status rs_h5_commit(rs_h5 *h, int final, size_t dropped, rs_error *err)
{
    const char *path_for_err = h->path;
    rs_h5u_quiet();
    int bad = 0;
    char why[256];
    if (!room_for(h, 0, why, sizeof why))
        return H5FAIL(err, "cannot commit: %s; the runs committed before are kept: make room, then "
                           "finish with the same command and --resume", why);
    if (final && !h->full[0])
        /* stage_flush writes a sealed chunk before the staged runs; the
         * last chunk it seals is written here */
        bad |= stage_flush(h, &h->st2) || stage_flush(h, &h->st3) || sealed_finish(h, &h->st2) ||
               sealed_finish(h, &h->st3);
    else
        bad |= sealed_write_if_done(h, &h->st2) || sealed_write_if_done(h, &h->st3);
    long done = disk_done(h);
    if (h->ev[0] >= 0) {
        hid_t g = H5Gopen2(h->file, "events", H5P_DEFAULT);
        long long prev = 0;
        rs_h5u_attr_read_i64(g, "events_dropped", &prev);
        bad |= g < 0 || rs_h5u_attr_i64(g, "events_committed", (long long)h->ev_before[done % (h->kmax + 1)]) ||
               rs_h5u_attr_i64(g, "events_dropped", prev + (long long)dropped);
        if (g >= 0) H5Gclose(g);
    }
    bad |= rs_h5u_attr_i64(h->file, "runs_completed", done) || rs_h5u_attr_i64(h->file, "complete", done == h->nruns);
    if (bad || H5Fflush(h->file, H5F_SCOPE_GLOBAL) < 0)
        return H5FAIL(err, "cannot write to the results file (disk full?)");
    h->pending = 0;
    if (h->full[0])
        return H5FAIL(err, "stopped: %s; %ld runs are in the file: make room, then finish with the same "
                           "command and --resume", h->full, done);
    return RS_OK;
}

rs_status rs_h5_close(rs_h5 *h, rs_error *err)
{
    if (!h) return RS_OK;
    const char *path_for_err = h->path;
    int bad = 0;
    for (size_t s = 0; s < h->m->nseries; s++) if (h->series[s] >= 0) bad |= H5Dclose(h->series[s]) < 0;
    for (size_t s = 0; h->muni && s < h->m->nmuni_series; s++) if (h->muni[s] >= 0) bad |= H5Dclose(h->muni[s]) < 0;
    for (int c = 0; c < 6; c++) if (h->ev[c] >= 0) bad |= H5Dclose(h->ev[c]) < 0;
    if (h->file >= 0) bad |= H5Fclose(h->file) < 0;
    free(h->series);
    free(h->muni);
    h5_free_buffers(h);
    rs_status st = RS_OK;
    if (bad) st = H5FAIL(err, "error closing the results file (disk full?)");
    free(h);
    return st;
}

/* ------------------------------------------------------------- inspect */

typedef struct inspect_ctx {
    FILE *out;
    hid_t file;
} inspect_ctx;

static herr_t inspect_cb(hid_t loc, const char *name, const H5O_info_t *info, void *data)
{
    inspect_ctx *ic = data;
    if (info->type != H5O_TYPE_DATASET) {
        if (strcmp(name, ".") != 0) fprintf(ic->out, "  /%s/\n", name);
        return 0;
    }
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) return 0;
    hid_t sp = H5Dget_space(d);
    int rank = H5Sget_simple_extent_ndims(sp);
    hsize_t dims[8] = {0};
    H5Sget_simple_extent_dims(sp, dims, NULL);
    char shape[256] = "", units[128], ln[256];
    for (int i = 0; i < rank; i++) {
        char dn[64] = "?";
        if (H5DSget_scale_name(d, NULL, 0) < 0) { /* not itself a scale */ }
        (void)dn;
        char buf[64];
        snprintf(buf, sizeof buf, "%s%llu", i ? " x " : "", (unsigned long long)dims[i]);
        strncat(shape, buf, sizeof shape - strlen(shape) - 1);
    }
    if (rank == 0) snprintf(shape, sizeof shape, "scalar");
    rs_h5u_attr_read_str(d, "units", units, sizeof units);
    rs_h5u_attr_read_str(d, "long_name", ln, sizeof ln);
    fprintf(ic->out, "  /%-40s %-22s %-10s %s\n", name, shape, units, ln);
    H5Sclose(sp);
    H5Dclose(d);
    return 0;
}

rs_status rs_h5_inspect(const char *path, FILE *out, rs_error *err)
{
    rs_h5u_quiet();
    int kind = rs_h5_is_results(path);
    if (kind < 0) return rs_error_set(err, RS_EINPUT, path, 0, NULL, "not a readable HDF5 file");
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return rs_error_set(err, RS_EINPUT, path, 0, NULL, "cannot open");
    char buf[512];
    long long total = 0, done = 0, h = 0, rep = 0;
    if (kind == 1) {
        rs_h5u_attr_read_i64(f, "runs_total", &total);
        rs_h5u_attr_read_i64(f, "runs_completed", &done);
        rs_h5u_attr_read_i64(f, "horizon_months", &h);
        rs_h5u_attr_read_i64(f, "replications", &rep);
        rs_h5u_attr_read_str(f, "scenario", buf, sizeof buf);
        fprintf(out, "%s: regsim results of scenario \"%s\"\n", path, buf);
        rs_h5u_attr_read_str(f, "regsim_version", buf, sizeof buf);
        fprintf(out, "  regsim %s, ", buf);
        rs_h5u_attr_read_str(f, "model", buf, sizeof buf);
        fprintf(out, "model %s\n", buf);
        fprintf(out, "  runs: %lld of %lld written%s; horizon %lld months; %lld replications\n", done, total,
                done == total ? " (complete)" : " (incomplete: finish with `regsim run --resume`)", h, rep);
        hid_t g = H5Gopen2(f, "provenance", H5P_DEFAULT);
        if (g >= 0) {
            rs_h5u_attr_read_str(g, "start_time", buf, sizeof buf);
            fprintf(out, "  started %s", buf);
            rs_h5u_attr_read_str(g, "git_commit", buf, sizeof buf);
            fprintf(out, ", commit %s\n", buf);
            rs_h5u_attr_read_str(g, "command_line", buf, sizeof buf);
            fprintf(out, "  command: %s\n", buf);
            H5Gclose(g);
        }
        if (H5Lexists(f, "events", H5P_DEFAULT) > 0) {
            hid_t ge = H5Gopen2(f, "events", H5P_DEFAULT);
            long long ec = 0, ed = 0;
            rs_h5u_attr_read_i64(ge, "events_committed", &ec);
            rs_h5u_attr_read_i64(ge, "events_dropped", &ed);
            fprintf(out, "  events: %lld%s\n", ec, ed ? " (some dropped: raise outputs.max_events_per_run)" : "");
            H5Gclose(ge);
        }
    } else {
        fprintf(out, "%s: an HDF5 file, but not a regsim results file\n", path);
    }
    fprintf(out, "contents (name, shape, units, meaning):\n");
    inspect_ctx ic = {out, f};
    H5Ovisit(f, H5_INDEX_CRT_ORDER, H5_ITER_INC, inspect_cb, &ic);
    H5Fclose(f);
    return RS_OK;
}

rs_status rs_h5_read_series(const char *path, const char *name, double *buf, size_t len,
                            rs_error *err)
{
    rs_h5u_quiet();
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return rs_error_set(err, RS_EIO, path, 0, NULL, "cannot open");
    hid_t d = open_dset(f, name);
    rs_status st = RS_OK;
    if (d < 0) st = rs_error_set(err, RS_EINPUT, path, 0, NULL, "no series %s", name);
    else {
        hid_t sp = H5Dget_space(d);
        hssize_t np = H5Sget_simple_extent_npoints(sp);
        if (np < 0 || (size_t)np != len) st = rs_error_set(err, RS_EINPUT, path, 0, NULL, "series %s has %lld values, expected %zu", name, (long long)np, len);
        else if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
            st = rs_error_set(err, RS_EIO, path, 0, NULL, "cannot read series %s", name);
        H5Sclose(sp);
        H5Dclose(d);
    }
    H5Fclose(f);
    return st;
}
