/*
 * error.h - one error record for the whole library.
 *
 * Library functions never print and never exit: they return an rs_status and
 * fill an rs_error saying what went wrong, where (file, line, JSON path) and
 * what was expected. Only the command-line program prints the record and
 * turns the status into an exit code (rs_status_exit_code).
 */
#ifndef REGSIM_ERROR_H
#define REGSIM_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rs_status {
    RS_OK = 0,
    RS_EINPUT = 1,     /* the user's input is wrong: scenario, option, file kind */
    RS_EIO = 2,        /* a file could not be read or written */
    RS_ENOMEM = 3,     /* an allocation failed */
    RS_EINTERRUPT = 4, /* stopped by SIGINT/SIGTERM; finished runs are kept */
    RS_EINVARIANT = 5, /* a model invariant broke (NaN, negative count, ...) */
    RS_EINTERNAL = 6   /* a bug in regsim */
} rs_status;

typedef struct rs_error {
    rs_status status;
    char file[512];   /* file concerned, "" if none */
    int line;         /* 1-based line in file, 0 if unknown */
    char path[256];   /* JSON path such as $.parameters.trust.base, "" if none */
    char msg[1024];   /* what was found and what is allowed */
} rs_error;

/* Clear an error record. */
void rs_error_clear(rs_error *err);

/* Fill err (if not NULL) and return status. printf-style message. */
rs_status rs_error_set(rs_error *err, rs_status status, const char *file, int line,
                       const char *path, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Format err as one human-readable line: "file:line: path: msg". */
void rs_error_format(const rs_error *err, char *buf, size_t len);

/* Exit status the CLI uses: 0 ok, 2 bad input or usage, 1 anything else. */
int rs_status_exit_code(rs_status status);

/* Short name of a status ("input", "io", ...). */
const char *rs_status_name(rs_status status);

#ifdef __cplusplus
}
#endif
#endif
