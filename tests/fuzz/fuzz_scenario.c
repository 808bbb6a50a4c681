/*
 * fuzz_scenario.c - libFuzzer target: any bytes as a scenario file. The
 * loader must return a scenario or an error record, never crash, leak or
 * read out of bounds (built with ASan and UBSan).
 */
#include <stdlib.h>
#include <string.h>
#include "regsim/regsim.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    rs_error err;
    rs_error_clear(&err);
    /* relative CSV paths resolve against the bundled scenarios */
    rs_scenario *sc = rs_scenario_parse(text, "fuzz.json", REGSIM_SCENARIO_DIR, &err);
    if (sc) {
        if (rs_scenario_nruns(sc) < 1) abort();
        rs_scenario_free(sc);
    } else if (err.status == RS_OK || !err.msg[0]) {
        abort(); /* a failure must say why */
    }
    free(text);
    return 0;
}
