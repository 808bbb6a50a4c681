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
/* Attach dimension scale sc as dimension idx of d, labelled with its name. */
int rs_h5u_attach(hid_t d, hid_t sc, unsigned idx);
#endif
