/*
 * fuzz_region_csv.c - libFuzzer target: any bytes as the region CSV (and,
 * split at the first NUL byte, as the neighbours CSV) of a scenario.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "regsim/regsim.h"

static int memfile(const unsigned char *d, size_t n)
{
    int fd = memfd_create("csv", 0);
    if (fd >= 0 && n && write(fd, d, n) != (ssize_t)n) { close(fd); return -1; }
    return fd;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const unsigned char *nul = memchr(data, 0, size);
    size_t n1 = nul ? (size_t)(nul - data) : size;
    int f1 = memfile(data, n1);
    int f2 = nul ? memfile(nul + 1, size - n1 - 1) : -1;
    if (f1 < 0) return 0;
    char json[512];
    if (f2 >= 0)
        snprintf(json, sizeof json,
                 "{\"name\": \"f\", \"region\": {\"csv\": \"/proc/self/fd/%d\", \"neighbours_csv\": \"/proc/self/fd/%d\"}}", f1, f2);
    else
        snprintf(json, sizeof json, "{\"name\": \"f\", \"region\": {\"csv\": \"/proc/self/fd/%d\"}}", f1);
    rs_error err;
    rs_error_clear(&err);
    rs_scenario *sc = rs_scenario_parse(json, "fuzz.json", ".", &err);
    if (sc) {
        for (int i = 0; i < sc->region.n; i++)
            if (!(sc->region.population[i] >= 1)) abort();
        for (int e = 0; e < sc->region.nedges; e++)
            if (sc->region.edge_a[e] < 0 || sc->region.edge_b[e] >= sc->region.n) abort();
        rs_scenario_free(sc);
    } else if (!err.msg[0]) {
        abort();
    }
    close(f1);
    if (f2 >= 0) close(f2);
    return 0;
}
