/*
 * param.h - model parameters, each declared once.
 *
 * Every parameter is one rs_param_def in the table of the mechanism that
 * reads it. That declaration (name, default, unit, range, meaning, source)
 * drives scenario validation, `regsim describe`, the design table in the
 * results file and the parameter reference in the docs. A run sees its
 * parameter values as one array of doubles indexed by the registry index;
 * enums and booleans are stored as their integer code.
 */
#ifndef REGSIM_PARAM_H
#define REGSIM_PARAM_H

#include <stddef.h>
#include "regsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rs_param_kind {
    RS_PARAM_REAL = 0, /* a double in [min, max] */
    RS_PARAM_INT,      /* an integer in [min, max] */
    RS_PARAM_BOOL,     /* true/false, stored as 1/0 */
    RS_PARAM_ENUM,     /* one of choices[], stored as its index */
    RS_PARAM_MUNI      /* a municipality of the region named by name or code,
                          stored as its index, -1 (JSON null) for none */
} rs_param_kind;

typedef struct rs_param_def {
    const char *name;        /* "group.name", e.g. "trust.learning_rate" */
    rs_param_kind kind;
    double def;              /* default value (index for enums) */
    double min, max;         /* allowed range (REAL, INT) */
    const char *unit;        /* "1", "month", "EUR/inhabitant/year", ... */
    const char *desc;        /* one line of meaning */
    const char *source;      /* article or study the default comes from */
    const char *const *choices; /* NULL-terminated, for RS_PARAM_ENUM */
} rs_param_def;

/* The registry: every parameter of every mechanism of the model, in
 * mechanism order. Built once, on first use; read-only afterwards. */
size_t rs_param_count(void);
const rs_param_def *rs_param_get(size_t index);
/* Index of a parameter by its full name, or -1. */
long rs_param_find(const char *name);
/* The registered name nearest to name (edit distance), for "did you mean". */
const char *rs_param_nearest(const char *name);
/* Fill values[rs_param_count()] with the defaults. */
void rs_param_defaults(double *values);
/* Check one value against its declaration; message names the allowed range. */
rs_status rs_param_check(size_t index, double value, rs_error *err);
/* Write a value as text (enum choice name, true/false, number). */
void rs_param_format(size_t index, double value, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
