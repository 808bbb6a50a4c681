/*
 * test_scenario.c - scenario loading: a valid scenario resolves as
 * written, and every kind of mistake is reported with the right JSON path,
 * line and a helpful message.
 */
#include <stdlib.h>
#include <string.h>
#include "../check.h"
#include "regsim/regsim.h"

#define REGION "\"region\": {\"municipalities\": [{\"name\": \"Aa\", \"population\": 12000.5}, " \
               "{\"name\": \"Bee\", \"population\": 48000, \"budget_per_capita\": 3700}, " \
               "{\"name\": \"Cee\", \"code\": \"GM9999\", \"population\": 2385}]}"
#define PARTS "\"partnerships\": [{\"name\": \"ICT\", \"domain\": \"ict\", \"members\": [\"Aa\", \"Bee\"]}]"

/* Expect parsing json to fail with status st, path containing path, message
 * containing msg, and (if line > 0) at that line. */
static void expect_error(const char *json, rs_status st, const char *path, const char *msg, int line)
{
    rs_error e;
    rs_error_clear(&e);
    rs_scenario *sc = rs_scenario_parse(json, "t.json", ".", &e);
    CHECK(sc == NULL, "accepted: %s", json);
    if (sc) { rs_scenario_free(sc); return; }
    CHECK(e.status == st, "status %d, expected %d (%s)", e.status, st, e.msg);
    CHECK(strcmp(e.file, "t.json") == 0, "file '%s'", e.file);
    if (path) CHECK(strstr(e.path, path) != NULL, "path '%s' lacks '%s' (%s)", e.path, path, e.msg);
    if (msg) CHECK(strstr(e.msg, msg) != NULL, "message '%s' lacks '%s'", e.msg, msg);
    if (line) CHECK(e.line == line, "line %d, expected %d (%s)", e.line, line, e.msg);
}

int main(void)
{
    rs_error e;
    rs_error_clear(&e);
    /* a valid scenario */
    const char *ok = "{\"name\": \"t\", " REGION ", " PARTS ", \"horizon_months\": 24, \"replications\": 3, "
                     "\"seed\": 7, \"parameters\": {\"trust\": {\"learning_rate\": 0.125}}, "
                     "\"variants\": [{\"name\": \"a\"}, {\"name\": \"b\", \"parameters\": {\"trust\": {\"initial\": 0.2385}}}]}";
    rs_scenario *sc = rs_scenario_parse(ok, "t.json", ".", &e);
    CHECK(sc != NULL, "valid scenario rejected: %s %s", e.path, e.msg);
    if (sc) {
        CHECK(sc->region.n == 3, "n=%d", sc->region.n);
        CHECK_NEAR(sc->region.population[0], 12000.5, 0);
        CHECK(isnan(sc->region.budget_pc[0]) && sc->region.budget_pc[1] == 3700, "budget_pc");
        CHECK(rs_region_find(&sc->region, "GM9999") == 2, "find by code");
        CHECK(sc->horizon == 24 && sc->replications == 3 && sc->seed == 7, "scalars");
        CHECK(sc->nvariants == 2 && sc->nsets == 2, "variants %d", sc->nvariants);
        CHECK(rs_scenario_nruns(sc) == 6, "nruns");
        long lr = rs_param_find("trust.learning_rate"), ti = rs_param_find("trust.initial");
        CHECK(sc->sets[0].values[lr] == 0.125 && sc->sets[1].values[lr] == 0.125, "base parameter applies to all variants");
        CHECK(sc->sets[0].values[ti] == rs_param_get((size_t)ti)->def, "variant a keeps the default");
        CHECK(sc->sets[1].values[ti] == 0.2385, "variant b overrides");
        int set, rep;
        rs_scenario_run_ids(sc, 4, &set, &rep);
        CHECK(set == 1 && rep == 1, "run 4 -> set %d rep %d", set, rep);
        /* common random numbers: same replicate, same seed in every variant */
        CHECK(rs_scenario_run_seed(sc, 1) == rs_scenario_run_seed(sc, 4), "CRN seeds differ");
        CHECK(rs_scenario_run_seed(sc, 0) != rs_scenario_run_seed(sc, 1), "replicates share a seed");
        CHECK(sc->partnerships[0].nmembers == 2 && sc->partnerships[0].lead == -1, "partnership");
        CHECK(strstr(sc->resolved_json, "\"learning_rate\":\t0.125") != NULL, "resolved JSON lacks the value");
        rs_scenario_free(sc);
    }
    /* the same text twice resolves identically */
    rs_scenario *s1 = rs_scenario_parse(ok, "t.json", ".", &e), *s2 = rs_scenario_parse(ok, "t.json", ".", &e);
    CHECK(s1 && s2 && strcmp(s1->resolved_json, s2->resolved_json) == 0, "resolution not deterministic");
    rs_scenario_free(s1);
    rs_scenario_free(s2);

    /* malformed JSON: line of the error */
    expect_error("{\n  \"name\": \"t\",\n  \"seed\": 1,,\n}", RS_EINPUT, "$", "malformed JSON", 3);
    expect_error("{\"name\": \"t\"", RS_EINPUT, "$", "malformed JSON", 1);
    expect_error("", RS_EINPUT, "$", "malformed JSON", 1);
    expect_error("[1, 2]", RS_EINPUT, "$", "expected an object", 0);
    /* unknown keys get the nearest valid one */
    expect_error("{\"name\": \"t\", \"horizon_month\": 12, " REGION "}", RS_EINPUT, "$.horizon_month",
                 "did you mean \"horizon_months\"", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"parameters\": {\"trust\": {\"lerning_rate\": 0.1}}}", RS_EINPUT,
                 "$.parameters.trust.lerning_rate", "did you mean \"trust.learning_rate\"", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"parameters\": {\"trust\": {\"learning_rate\": 1.5}}}", RS_EINPUT,
                 "$.parameters.trust.learning_rate", "allowed 0 to 1", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"parameters\": {\"trust\": {\"learning_rate\": \"fast\"}}}", RS_EINPUT,
                 "$.parameters.trust.learning_rate", "found a string", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"variants\": [{\"name\": \"a\", \"parameters\": {\"trust\": {\"drift\": -1}}}]}",
                 RS_EINPUT, "$.variants[0].parameters.trust.drift", "out of range", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"variants\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}", RS_EINPUT,
                 "$.variants[1]", "used twice", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"horizon_months\": 0}", RS_EINPUT, "$.horizon_months", "from 1 to 1200", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"replications\": 2.5}", RS_EINPUT, "$.replications", "whole number", 0);
    expect_error("{" REGION "}", RS_EINPUT, "$.name", "missing", 0);
    expect_error("{\"name\": \"t\"}", RS_EINPUT, "$.region", "missing", 0);
    /* region and partnerships */
    expect_error("{\"name\": \"t\", \"region\": {\"municipalities\": [{\"name\": \"A\", \"population\": -3}]}}", RS_EINPUT,
                 "$.region.municipalities[0].population", "from 1 to 1e8", 0);
    expect_error("{\"name\": \"t\", \"region\": {\"municipalities\": [{\"name\": \"A\", \"population\": 3, \"pop\": 1}]}}",
                 RS_EINPUT, "$.region.municipalities[0].pop", "did you mean \"population\"", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"partnerships\": [{\"name\": \"X\", \"domain\": \"itc\", \"members\": [\"Aa\", \"Bee\"]}]}",
                 RS_EINPUT, "$.partnerships[0].domain", "did you mean \"ict\"", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"partnerships\": [{\"name\": \"X\", \"domain\": \"ict\", \"members\": [\"Aa\", \"Be\"]}]}",
                 RS_EINPUT, "$.partnerships[0].members[1]", "nearest is \"Bee\"", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"partnerships\": [{\"name\": \"X\", \"domain\": \"ict\", \"members\": [\"Aa\"]}]}",
                 RS_EINPUT, "$.partnerships[0].members", "at least 2", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"partnerships\": [{\"name\": \"X\", \"domain\": \"ict\", \"members\": [\"Aa\", \"Bee\"], \"lead\": \"Cee\"}]}",
                 RS_EINPUT, "$.partnerships[0].lead", "not a member", 0);
    expect_error("{\"name\": \"t\", \"region\": {\"csv\": \"no/such.csv\"}}", RS_EINPUT, "$.region.csv", "cannot open", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"outputs\": {\"events\": 1}}", RS_EINPUT, "$.outputs.events", "true or false", 0);
    expect_error("{\"name\": \"t\", " REGION ", \"events\": [{\"month\": 3, \"kind\": \"no_such_kind\"}]}", RS_EINPUT,
                 "$.events[0].kind", "unknown event kind", 0);

    /* a CSV region with a bad line is reported at that line */
    FILE *f = fopen("t_region.csv", "w");
    fprintf(f, "code,name,province,population\nGM1,A,P,100\nGM2,B,P,lots\n");
    fclose(f);
    sc = rs_scenario_parse("{\"name\": \"t\", \"region\": {\"csv\": \"t_region.csv\"}}", "t.json", ".", &e);
    CHECK(!sc && e.line == 3 && strstr(e.file, "t_region.csv") && strstr(e.msg, "population"), "CSV error: %s:%d %s", e.file, e.line, e.msg);
    rs_scenario_free(sc);
    remove("t_region.csv");
    return check_done();
}
