/*
 * h5util.c - small HDF5 helpers shared by the writer (h5out.c), the
 * summaries (summary.c) and the analysis commands (analyse.c): string and
 * number attributes, groups with creation order tracked, variable-length
 * strings, units/long_name, and labelled dimension scales.
 */
#include <stdlib.h>
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

int rs_h5u_attach(hid_t d, hid_t sc, unsigned idx)
{
    char name[64] = "";
    if (H5DSattach_scale(d, sc, idx) < 0) return -1;
    if (H5DSget_scale_name(sc, name, sizeof name) < 0) return -1;
    return H5DSset_label(d, idx, name) < 0 ? -1 : 0;
}

