/*
 * error.c - the one error record (see include/regsim/error.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "regsim/error.h"

void rs_error_clear(rs_error *err)
{
    if (err) memset(err, 0, sizeof *err);
}

rs_status rs_error_set(rs_error *err, rs_status status, const char *file, int line,
                       const char *path, const char *fmt, ...)
{
    if (!err) return status;
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return status;
}

void rs_error_format(const rs_error *err, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    if (err->file[0]) {
        off += (size_t)snprintf(buf + off, len - off, "%s", err->file);
        if (err->line > 0 && off < len)
            off += (size_t)snprintf(buf + off, len - off, ":%d", err->line);
        if (off < len) off += (size_t)snprintf(buf + off, len - off, ": ");
    }
    if (err->path[0] && off < len)
        off += (size_t)snprintf(buf + off, len - off, "%s: ", err->path);
    if (off < len) snprintf(buf + off, len - off, "%s", err->msg);
}

int rs_status_exit_code(rs_status status)
{
    switch (status) {
    case RS_OK: return 0;
    case RS_EINPUT: return 2;
    default: return 1;
    }
}

const char *rs_status_name(rs_status status)
{
    switch (status) {
    case RS_OK: return "ok";
    case RS_EINPUT: return "input";
    case RS_EIO: return "io";
    case RS_ENOMEM: return "memory";
    case RS_EINTERRUPT: return "interrupted";
    case RS_EINVARIANT: return "invariant";
    case RS_EINTERNAL: return "internal";
    }
    return "unknown";
}
