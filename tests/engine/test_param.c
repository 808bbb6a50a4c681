/*
 * test_param.c - the parameter registry: every declaration is complete and
 * consistent, lookups and range checks work.
 */
#include <string.h>
#include "../check.h"
#include "regsim/regsim.h"

int main(void)
{
    size_t n = rs_param_count();
    CHECK(n >= 10, "only %zu parameters", n);
    for (size_t i = 0; i < n; i++) {
        const rs_param_def *d = rs_param_get(i);
        const char *dot = strchr(d->name, '.');
        CHECK(dot && dot != d->name && dot[1] && !strchr(dot + 1, '.'), "%s: name must be group.name", d->name);
        CHECK(d->unit && d->unit[0], "%s: no unit", d->name);
        CHECK(d->desc && d->desc[0], "%s: no description", d->name);
        CHECK(d->source && d->source[0], "%s: no source", d->name);
        CHECK(rs_param_find(d->name) == (long)i, "%s: find gives another index", d->name);
        rs_error e;
        CHECK(rs_param_check(i, d->def, &e) == RS_OK, "%s: default %g fails its own check: %s", d->name, d->def, e.msg);
        if (d->kind == RS_PARAM_REAL || d->kind == RS_PARAM_INT) {
            CHECK(d->min <= d->def && d->def <= d->max, "%s: default outside range", d->name);
            CHECK(rs_param_check(i, d->max + 1.0 + fabs(d->max), &e) == RS_EINPUT, "%s: above max accepted", d->name);
            CHECK(strstr(e.msg, d->name) != NULL, "%s: message does not name the parameter: %s", d->name, e.msg);
            CHECK(rs_param_check(i, NAN, &e) == RS_EINPUT, "%s: NaN accepted", d->name);
        }
        if (d->kind == RS_PARAM_ENUM) {
            int k = 0;
            while (d->choices && d->choices[k]) k++;
            CHECK(k >= 2, "%s: enum with %d choices", d->name, k);
            CHECK(rs_param_check(i, k, &e) == RS_EINPUT, "%s: enum index past the end accepted", d->name);
        }
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(rs_param_get(j)->name, d->name) != 0, "%s declared twice", d->name);
    }
    /* nearest-name suggestions */
    CHECK(strcmp(rs_param_nearest("trust.learnig_rate"), "trust.learning_rate") == 0, "nearest: %s",
          rs_param_nearest("trust.learnig_rate"));
    CHECK(rs_param_find("no.such") == -1, "found a parameter that does not exist");
    double *v = calloc(n, sizeof *v);
    rs_param_defaults(v);
    for (size_t i = 0; i < n; i++) CHECK(v[i] == rs_param_get(i)->def, "defaults[%zu]", i);
    free(v);
    return check_done();
}
