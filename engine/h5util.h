/*
 * h5util.h - HDF5 helpers shared inside the engine (engine/h5util.c).
 * Each returns 0 (or a valid id) on success, -1 (or a negative id) on failure.
 */
#ifndef REGSIM_H5UTIL_H
#define REGSIM_H5UTIL_H
#include <stddef.h>
#include <hdf5.h>

/* Switch off HDF5's error printing for this thread (its stack is per thread). */
void rs_h5u_quiet(void);
/* Fixed-length UTF-8 string attribute (replaced if present). */
int rs_h5u_attr_str(hid_t obj, const char *name, const char *value);
/* Scalar number attribute of the given native type (written in place if present). */
int rs_h5u_attr_num(hid_t obj, const char *name, hid_t type, const void *v);
int rs_h5u_attr_i64(hid_t obj, const char *name, long long v);
int rs_h5u_attr_f64(hid_t obj, const char *name, double v);
/* Read a string attribute (fixed or variable length) into buf. */
int rs_h5u_attr_read_str(hid_t obj, const char *name, char *buf, size_t len);
int rs_h5u_attr_read_i64(hid_t obj, const char *name, long long *v);
/* A group with link and attribute creation order tracked and indexed;
 * an existing group of that name is replaced. */
hid_t rs_h5u_group_create(hid_t parent, const char *name);
/* A variable-length UTF-8 string type (close with H5Tclose). */
hid_t rs_h5u_vlen_str(void);
/* units and long_name attributes (either may be NULL). */
int rs_h5u_describe(hid_t d, const char *units, const char *long_name);
/* A fixed-size dataset to be written whole: data of at most RS_H5U_SMALL
 * bytes contiguous and unfiltered (deflating a few hundred bytes costs a
 * compressor set-up of ~0.2 M instructions in HDF5's filter and saves
 * nothing), larger data in chunks of at most 64 KB along the first
 * dimension, shuffled (numbers) and deflated at level. Attribute creation
 * order is tracked; fill (of type, or NULL) is the fill value. */
#define RS_H5U_SMALL 8192
hid_t rs_h5u_dataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, int level,
                     const void *fill);
/* Dimension scales attached in bulk (h5util.c says why). A scale owns its
 * dataset; rs_h5u_scale_close writes the scale's back-references, closes the
 * dataset and frees the scale. */
typedef struct rs_h5u_scale rs_h5u_scale;
/* Make dataset d (owned from now on, closed on failure) a scale named name. */
rs_h5u_scale *rs_h5u_scale_make(hid_t d, const char *name);
/* Attach scale sc[i] to dimension i of d, for i < rank, each labelled with the
 * scale's name; once per dataset. */
int rs_h5u_attach(hid_t d, int rank, rs_h5u_scale *const *sc);
/* Write the back-references, close the dataset, free s (NULL: nothing). */
int rs_h5u_scale_close(rs_h5u_scale *s);
#endif
