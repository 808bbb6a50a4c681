/*
 * util.c - small shared helpers: strings, whole-file reads, and the
 * allocator every engine allocation goes through, which a test can make
 * fail on purpose (cf. SQLite's fault-injecting allocator).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static long fail_after = -2; /* -2: not read yet, -1: never fail */
static long nalloc;

static int should_fail(void)
{
    long limit;
#pragma omp atomic read
    limit = fail_after;
    if (limit == -2) {
        const char *s = getenv("RS_FAIL_ALLOC_AFTER");
        limit = s ? strtol(s, NULL, 10) : -1;
#pragma omp atomic write
        fail_after = limit;
    }
    if (limit < 0) return 0;
    long k;
#pragma omp atomic capture
    k = nalloc++;
    return k >= limit;
}

void *rs_malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }
void *rs_calloc(size_t n, size_t size) { return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1); }
void *rs_realloc(void *p, size_t n) { return should_fail() ? NULL : realloc(p, n ? n : 1); }

char *rs_strdup(const char *s)
{
    if (!s) s = "";
    size_t n = strlen(s) + 1;
    char *d = rs_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

char *rs_read_file(const char *path, size_t *len, rs_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        rs_error_set(err, errno == ENOENT ? RS_EINPUT : RS_EIO, path, 0, NULL,
                     "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = rs_malloc(cap);
    if (!buf) {
        fclose(f);
        rs_error_set(err, RS_ENOMEM, path, 0, NULL, "out of memory reading file");
        return NULL;
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = rs_realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                rs_error_set(err, RS_ENOMEM, path, 0, NULL, "out of memory reading file");
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        rs_error_set(err, RS_EIO, path, 0, NULL, "read error");
        return NULL;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        free(buf);
        rs_error_set(err, RS_EINPUT, path, 0, NULL, "not a text file (contains NUL bytes)");
        return NULL;
    }
    if (len) *len = n;
    return buf;
}
