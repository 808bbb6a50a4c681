/*
 * fuzz_resume.c - libFuzzer target: any bytes as the results file given to
 * `regsim run --resume`. The resume path must refuse or repair the file,
 * never crash. (Crashes inside libhdf5 itself on malformed files are
 * upstream HDF5 bugs; see docs/errors.md for how regsim guards against them.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "regsim/regsim.h"
#include "h5out.h"

static rs_scenario *sc;

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (!sc) {
        rs_error e;
        sc = rs_scenario_load(REGSIM_SOURCE_DIR "/tests/data/small.json", &e);
        if (!sc) abort();
    }
    char path[64];
    snprintf(path, sizeof path, "/tmp/regsim-fuzz-%d.h5", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    rs_h5 *h = NULL;
    long done = 0;
    rs_error err;
    rs_error_clear(&err);
    if (rs_h5_resume(path, sc, "fuzz", &h, &done, &err) == RS_OK) {
        if (done < 0 || done > rs_scenario_nruns(sc)) abort();
        rs_h5_close(h, &err);
    } else if (!err.msg[0]) {
        abort();
    }
    unlink(path);
    char rebuilt[80];
    snprintf(rebuilt, sizeof rebuilt, "%s.rebuild.h5", path);
    unlink(rebuilt);
    return 0;
}
