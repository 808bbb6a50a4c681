/*
 * h5util.c - small HDF5 helpers shared by the writer (h5out.c), the
 * summaries (summary.c) and the analysis commands (analyse.c): string and
 * number attributes, groups with creation order tracked, variable-length
 * strings, units/long_name, and labelled dimension scales.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include "h5util.h"

void rs_h5u_quiet(void)
{
    if (!getenv("RS_HDF5_ERRORS")) H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

int rs_h5u_attr_str(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    size_t len = strlen(value);
    H5Tset_size(t, len ? len : 1);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t sp = H5Screate(H5S_SCALAR);
    if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a < 0 ? -1 : (H5Awrite(a, t, len ? value : "") < 0 ? -1 : 0);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return rc;
}

int rs_h5u_attr_num(hid_t obj, const char *name, hid_t type, const void *v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a;
    if (H5Aexists(obj, name) > 0) a = H5Aopen(obj, name, H5P_DEFAULT);
    else a = H5Acreate2(obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a < 0 ? -1 : (H5Awrite(a, type, v) < 0 ? -1 : 0);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return rc;
}

int rs_h5u_attr_i64(hid_t obj, const char *name, long long v)
{
    return rs_h5u_attr_num(obj, name, H5T_NATIVE_LLONG, &v);
}

int rs_h5u_attr_f64(hid_t obj, const char *name, double v)
{
    return rs_h5u_attr_num(obj, name, H5T_NATIVE_DOUBLE, &v);
}

int rs_h5u_attr_read_str(hid_t obj, const char *name, char *buf, size_t len)
{
    buf[0] = '\0';
    if (H5Aexists(obj, name) <= 0) return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t ft = H5Aget_type(a);
    int rc = -1;
    if (H5Tget_class(ft) == H5T_STRING) {
        if (H5Tis_variable_str(ft) > 0) {
            char *s = NULL;
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            H5Tset_cset(mt, H5Tget_cset(ft));
            if (H5Aread(a, mt, &s) >= 0 && s) {
                snprintf(buf, len, "%s", s);
                H5free_memory(s);
                rc = 0;
            }
            H5Tclose(mt);
        } else {
            size_t sz = H5Tget_size(ft);
            char *tmp = calloc(sz + 1, 1);
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, sz + 1);
            H5Tset_cset(mt, H5Tget_cset(ft));
            if (tmp && H5Aread(a, mt, tmp) >= 0) {
                snprintf(buf, len, "%s", tmp);
                rc = 0;
            }
            free(tmp);
            H5Tclose(mt);
        }
    }
    H5Tclose(ft);
    H5Aclose(a);
    return rc;
}

int rs_h5u_attr_read_i64(hid_t obj, const char *name, long long *v)
{
    if (H5Aexists(obj, name) <= 0) return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return -1;
    int rc = H5Aread(a, H5T_NATIVE_LLONG, v) < 0 ? -1 : 0;
    H5Aclose(a);
    return rc;
}

hid_t rs_h5u_group_create(hid_t parent, const char *name)
{
    /* a group written again (summaries after --resume) replaces the old one */
    if (H5Lexists(parent, name, H5P_DEFAULT) > 0) H5Ldelete(parent, name, H5P_DEFAULT);
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t g = H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}

hid_t rs_h5u_vlen_str(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

int rs_h5u_describe(hid_t d, const char *units, const char *long_name)
{
    int rc = 0;
    if (units) rc |= rs_h5u_attr_str(d, "units", units);
    if (long_name) rc |= rs_h5u_attr_str(d, "long_name", long_name);
    return rc;
}

static hid_t whole_dcpl(hid_t type, int rank, const hsize_t *dims, int level)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    size_t per = H5Tget_size(type);
    hsize_t n = 1, inner = 1;
    for (int i = 0; i < rank; i++) n *= dims[i];
    for (int i = 1; i < rank; i++) inner *= dims[i];
    if (n == 0 || n * per <= RS_H5U_SMALL) return dcpl;
    hsize_t chunk[H5S_MAX_RANK];
    for (int i = 1; i < rank; i++) chunk[i] = dims[i];
    chunk[0] = 65536 / per / inner;
    if (chunk[0] < 1) chunk[0] = 1;
    if (chunk[0] > dims[0]) chunk[0] = dims[0];
    H5Pset_chunk(dcpl, rank, chunk);
    if (H5Tget_class(type) != H5T_STRING) H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, (unsigned)level);
    return dcpl;
}

hid_t rs_h5u_dataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, int level,
                     const void *fill)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = whole_dcpl(type, rank, dims, level);
    if (fill) H5Pset_fill_value(dcpl, type, fill);
    hid_t d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return d;
}

/* Dimension scales. H5DSattach_scale reads, deletes and rewrites the scale's
 * whole REFERENCE_LIST attribute on every call, so attaching a scale to n
 * datasets costs O(n^2) (the summary of a 36-series model attaches 2 scales
 * to 252 datasets each: 0.16 G instructions). Here a scale keeps its
 * back-references in memory and writes them once when it is closed, and a
 * dataset gets its DIMENSION_LIST and DIMENSION_LABELS in one write each.
 * The attributes are those of the HDF5 dimension-scale specification, in
 * the layout H5DS itself writes (object references; REFERENCE_LIST a
 * compound {dataset, dimension} of 16 bytes), so H5DS, h5py, netCDF-4 and R
 * read them as before. */
typedef struct {
    hobj_ref_t ref; /* the dataset */
    int dim;        /* its dimension */
} backref;

struct rs_h5u_scale {
    hid_t id;
    char name[64];
    hobj_ref_t self;
    backref *refs;
    size_t n, cap;
    int failed;
};

rs_h5u_scale *rs_h5u_scale_make(hid_t d, const char *name)
{
    rs_h5u_scale *s = d >= 0 ? calloc(1, sizeof *s) : NULL;
    if (!s || H5DSset_scale(d, name) < 0 || H5Rcreate(&s->self, d, ".", H5R_OBJECT, -1) < 0) {
        free(s);
        if (d >= 0) H5Dclose(d);
        return NULL;
    }
    s->id = d;
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

int rs_h5u_attach(hid_t d, int rank, rs_h5u_scale *const *sc)
{
    enum { MAXR = 8 };
    if (d < 0 || rank < 1 || rank > MAXR) return -1;
    hobj_ref_t me, to[MAXR];
    hvl_t vl[MAXR];
    const char *lab[MAXR];
    if (H5Rcreate(&me, d, ".", H5R_OBJECT, -1) < 0) return -1;
    for (int i = 0; i < rank; i++) {
        if (!sc[i]) return -1;
        to[i] = sc[i]->self;
        vl[i].len = 1;
        vl[i].p = &to[i];
        lab[i] = sc[i]->name;
    }
    hsize_t n = (hsize_t)rank;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t tl = H5Tvlen_create(H5T_STD_REF_OBJ);
    hid_t ts = H5Tcopy(H5T_C_S1);
    H5Tset_size(ts, H5T_VARIABLE);
    hid_t a1 = H5Acreate2(d, DIMENSION_LIST, tl, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = a1 < 0 || H5Awrite(a1, tl, vl) < 0;
    if (a1 >= 0) H5Aclose(a1);
    hid_t a2 = rc ? -1 : H5Acreate2(d, DIMENSION_LABELS, ts, sp, H5P_DEFAULT, H5P_DEFAULT);
    rc |= a2 < 0 || H5Awrite(a2, ts, lab) < 0;
    if (a2 >= 0) H5Aclose(a2);
    H5Tclose(ts);
    H5Tclose(tl);
    H5Sclose(sp);
    for (int i = 0; i < rank && !rc; i++) {
        rs_h5u_scale *s = sc[i];
        if (s->n == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 64;
            backref *nr = realloc(s->refs, cap * sizeof *nr);
            if (!nr) { s->failed = 1; return -1; }
            s->refs = nr;
            s->cap = cap;
        }
        s->refs[s->n].ref = me;
        s->refs[s->n].dim = i;
        s->n++;
    }
    return rc ? -1 : 0;
}

int rs_h5u_scale_close(rs_h5u_scale *s)
{
    if (!s) return 0;
    int rc = s->failed;
    if (s->n && !rc) {
        /* the type H5DS uses for REFERENCE_LIST */
        hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(backref));
        H5Tinsert(t, "dataset", HOFFSET(backref, ref), H5T_STD_REF_OBJ);
        H5Tinsert(t, "dimension", HOFFSET(backref, dim), H5T_NATIVE_INT);
        hsize_t n = s->n;
        hid_t sp = H5Screate_simple(1, &n, NULL);
        if (H5Aexists(s->id, REFERENCE_LIST) > 0) rc = 1; /* attached before: not by this scale object */
        hid_t a = rc ? -1 : H5Acreate2(s->id, REFERENCE_LIST, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        rc |= a < 0 || H5Awrite(a, t, s->refs) < 0;
        if (a >= 0) H5Aclose(a);
        H5Sclose(sp);
        H5Tclose(t);
    }
    rc |= H5Dclose(s->id) < 0;
    free(s->refs);
    free(s);
    return rc ? -1 : 0;
}
