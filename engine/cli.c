/*
 * cli.c - the `regsim` command: run, validate, describe, inspect.
 *
 * The only place that prints errors and chooses exit codes:
 * 0 success, 2 bad input or usage, 1 any other failure (I/O, interrupted,
 * invariant broken). See docs/errors.md.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <omp.h>
#include "h5out.h"
#include "internal.h"
#include "rsmpi.h"
#ifdef REGSIM_HAVE_MPI
#include <mpi.h>
#endif

static const char *prog = "regsim";

int rs_cli_export(int argc, char **argv); /* engine/export.c */
int rs_cli_compare(int argc, char **argv);     /* engine/analyse.c */
int rs_cli_sensitivity(int argc, char **argv); /* engine/analyse.c */

/* Under MPI only rank 0 speaks; every rank returns the same status. */
static int is_rank0(void)
{
#ifdef REGSIM_HAVE_MPI
    return rs_mpi_rank() == 0;
#else
    return 1;
#endif
}

static int report(const rs_error *err)
{
    if (!is_rank0()) return rs_status_exit_code(err->status);
    char buf[2048];
    rs_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s: error: %s\n", prog, buf);
    return rs_status_exit_code(err->status);
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s %s: ", prog, cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry '%s %s --help'.\n", prog, cmd);
    return 2;
}

static void help_main(FILE *f)
{
    fprintf(f,
            "regsim %s - agent-based simulation of cooperation between municipalities\n\n"
            "usage: regsim COMMAND [options]\n\n"
            "commands:\n"
            "  run SCENARIO.json      run every variant and replication, write HDF5 results\n"
            "  validate SCENARIO...   check scenario files without running them\n"
            "  describe               list every parameter, series and service domain\n"
            "  inspect RESULTS.h5     show what a results file holds\n"
            "  export RESULTS.h5      write the results as tidy CSV files (--csv DIR)\n"
            "  compare RESULTS.h5     paired differences between variants (common random numbers)\n"
            "  sensitivity RESULTS.h5 Sobol or Morris indices of a saltelli or morris experiment\n\n"
            "options:\n"
            "  --help                 help (also: regsim COMMAND --help)\n"
            "  --version              version and git commit\n\n"
            "exit status: 0 success, 2 bad input or usage, 1 other failure\n"
            "docs: README.md, docs/\n",
            rs_version());
}

/* ------------------------------------------------------------------ run */

static void help_run(FILE *f)
{
    fprintf(f,
            "usage: regsim run SCENARIO.json [-o RESULTS.h5] [options]\n\n"
            "Runs every variant x replication of the scenario in parallel and writes one\n"
            "HDF5 results file, run by run as runs finish.\n\n"
            "  -o, --output FILE   results file (default: the scenario's file name with .h5)\n"
            "  -t, --threads N     worker threads (default: all cores, or OMP_NUM_THREADS)\n"
            "      --resume        finish an interrupted results file of the same scenario\n"
            "      --force         overwrite an existing file at the output path\n"
            "      --dry-run       print the number of runs, the expected file size and run\n"
            "                      time (from timing a few runs), and write nothing\n"
            "  -q, --quiet         no progress line and no summary\n"
            "  -h, --help          this help\n\n"
            "The same scenario and seed give bit-identical data for any thread count.\n"
            "On SIGINT/SIGTERM the runs that finished are kept; finish with --resume.\n");
}

static void default_output(const char *scen, char *out, size_t n)
{
    const char *base = strrchr(scen, '/');
    base = base ? base + 1 : scen;
    snprintf(out, n, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && strcmp(dot, ".json") == 0) *dot = '\0';
    size_t l = strlen(out);
    snprintf(out + l, n - l, ".h5");
}

static void join_argv(int argc, char **argv, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int i = 0; i < argc; i++) {
        strncat(buf, i ? " " : "", n - strlen(buf) - 1);
        strncat(buf, argv[i], n - strlen(buf) - 1);
    }
}

/* Per variant: mean over its runs of the horizon total of net_value and of
 * final-month mean_trust and active_partnerships, read back from the
 * per-run tables of /summary (one value per run: memory stays small for
 * any horizon). */
static void print_summary(const rs_scenario *sc, const char *path)
{
    const char *names[3] = {"summary/net_value_total", "summary/mean_trust_end", "summary/active_partnerships_end"};
    long nruns = rs_scenario_nruns(sc);
    size_t len = (size_t)nruns;
    double *buf[3];
    rs_error err;
    for (int k = 0; k < 3; k++) {
        buf[k] = malloc(len * sizeof(double) + 1);
        if (!buf[k] || rs_h5_read_series(path, names[k], buf[k], len, &err)) {
            for (int j = 0; j <= k; j++) free(buf[j]);
            return;
        }
    }
    printf("\n%-28s %6s %26s %18s %22s\n", "variant", "runs", "net_value total (EUR)", "mean_trust end",
           "active_partnerships end");
    for (int v = 0; v < sc->nvariants; v++) {
        double tot = 0, tr = 0, ap = 0;
        long cnt = 0;
        for (long r = 0; r < nruns; r++) {
            int set, rep;
            rs_scenario_run_ids(sc, r, &set, &rep);
            if (sc->sets[set].variant != v) continue;
            tot += buf[0][r];
            tr += buf[1][r];
            ap += buf[2][r];
            cnt++;
        }
        if (cnt)
            printf("%-28s %6ld %26.6e %18.6f %22.4f\n", sc->variant_names[v], cnt, tot / cnt, tr / cnt, ap / cnt);
    }
    printf("(means over replications%s; variant differences use common random numbers: see `regsim compare`)\n",
           sc->nsets > sc->nvariants ? " and design points" : "");
    for (int k = 0; k < 3; k++) free(buf[k]);
}

/* --dry-run: how many runs, how big, how long; writes nothing.
 * Size: values x 8 bytes x the compression measured on
 * scenarios/drechtsteden.json (series 0.28, municipality series 0.50 of raw;
 * events ~0.5, plus the 4096-event chunk of each of the 6 event columns),
 * plus the design table and /summary. Time: a few runs timed on one
 * thread, scaled by the thread count. */
static int dry_run(const rs_scenario *sc, int nth, const char *output)
{
    const rs_model *m = rs_model_get();
    long nruns = rs_scenario_nruns(sc);
    size_t H = (size_t)sc->horizon, n = (size_t)sc->region.n;
    rs_error err;
    rs_error_clear(&err);
    rs_runner *w = rs_runner_alloc(sc, &err);
    double *series = calloc(m->nseries * H + 1, sizeof(double));
    double *muni = sc->outputs.municipality_series ? calloc(m->nmuni_series * H * n + 1, sizeof(double)) : NULL;
    rs_event_log log = {0};
    if (sc->outputs.events) {
        log.cap = (size_t)sc->outputs.max_events_per_run;
        log.ev = malloc(log.cap * sizeof(rs_event));
    }
    if (!w || !series || (sc->outputs.municipality_series && !muni) || (sc->outputs.events && !log.ev)) {
        rs_runner_free(w);
        free(series); free(muni); free(log.ev);
        if (!err.status) rs_error_set(&err, RS_ENOMEM, NULL, 0, NULL, "out of memory");
        return report(&err);
    }
    /* time up to 5 runs or 2 s, spread over the sets */
    long timed = 0;
    double events = 0, t0 = omp_get_wtime(), el = 0;
    for (long k = 0; k < 5 && k < nruns && (k == 0 || el < 2.0); k++) {
        long run = nruns > 1 ? k * (nruns - 1) / (nruns < 5 ? nruns - 1 : 4) : 0;
        if (rs_runner_run(w, run, series, muni, sc->outputs.events ? &log : NULL, 0, &err)) {
            rs_runner_free(w);
            free(series); free(muni); free(log.ev);
            return report(&err);
        }
        events += (double)log.n;
        timed++;
        el = omp_get_wtime() - t0;
    }
    rs_runner_free(w);
    free(series); free(muni); free(log.ev);
    double per_run = el / timed, ev_per_run = events / timed;
    double b_series = (double)m->nseries * H * nruns * 8 * 0.28;
    double b_muni = sc->outputs.municipality_series ? (double)m->nmuni_series * H * n * nruns * 8 * 0.50 : 0;
    double b_events = sc->outputs.events ? ev_per_run * nruns * 24 * 0.5 + 6 * 4096 * 8 : 0;
    double b_design = (double)nruns * (4 * 3 + 8 + 8 + 16 + 8.0 * rs_param_count()) * 0.3;
    double b_summary = ((double)m->nseries * 7 * sc->nsets * H * 8 + 2.0 * m->nseries * nruns * 8) * 0.5;
    double total = b_series + b_muni + b_events + b_design + b_summary + 64e3;
    /* Writing is serial (one writer) and costs about 4.5 us per series row
     * plus the bytes; the /summary pass about 1.4 us per series row
     * (measured with bench/batch_100k.sh, 2-core AMD EPYC, HDF5 1.10). */
    double rows = (double)nruns * (m->nseries + (sc->outputs.municipality_series ? m->nmuni_series : 0));
    double t_sim = per_run * nruns / nth, t_write = rows * 4.5e-6 + (b_series + b_muni + b_events) / 300e6;
    double secs = (t_sim > t_write ? t_sim : t_write) + (double)nruns * m->nseries * 1.4e-6;
    printf("regsim run --dry-run: scenario \"%s\" (nothing written)\n", sc->name);
    printf("  runs:            %ld = %d parameter set(s) (%d variant(s)%s) x %d replication(s), %d months each\n", nruns,
           sc->nsets, sc->nvariants, sc->nsets != sc->nvariants ? " x design points" : "", sc->replications, sc->horizon);
    printf("  output:          %s, about %.3g MB\n", output, total / 1e6);
    printf("                   series %.3g MB, municipality series %.3g MB, events %.3g MB (%.1f per run),\n"
           "                   design table %.3g MB, summaries %.3g MB\n",
           b_series / 1e6, b_muni / 1e6, b_events / 1e6, ev_per_run, b_design / 1e6, b_summary / 1e6);
    printf("  time:            about %.3g s with %d thread(s): simulation %.3g s (%.3g ms per run, %ld run(s)\n"
           "                   timed on one thread), writing %.3g s (serial, overlaps the simulation),\n"
           "                   summaries %.3g s\n",
           secs, nth, t_sim, per_run * 1e3, timed, t_write, (double)nruns * m->nseries * 1.4e-6);
    return 0;
}

static int cmd_run(int argc, char **argv, const char *cmdline)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"threads", required_argument, 0, 't'},
        {"resume", no_argument, 0, 'r'},       {"force", no_argument, 0, 'f'},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {"dry-run", no_argument, 0, 'n'},      {0, 0, 0, 0}};
    const char *output = NULL;
    int threads = 0, resume = 0, force = 0, quiet = 0, dry = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 't': {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || t < 1 || t > 4096) return usage_error("run", "--threads: expected a whole number from 1 to 4096, found '%s'", optarg);
            threads = (int)t;
            break;
        }
        case 'r': resume = 1; break;
        case 'f': force = 1; break;
        case 'q': quiet = 1; break;
        case 'n': dry = 1; break;
        case 'h': help_run(stdout); return 0;
        default: return usage_error("run", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) return usage_error("run", "expected one scenario file, found %s", optind >= argc ? "none" : "several");
    if (resume && force) return usage_error("run", "%s", "--resume and --force exclude each other");
    const char *scen = argv[optind];
    char outbuf[1024];
    if (!output) {
        default_output(scen, outbuf, sizeof outbuf);
        output = outbuf;
    }
    rs_error err;
    rs_error_clear(&err);
    if (!is_rank0()) quiet = 1;
    rs_scenario *sc = rs_scenario_load(scen, &err);
    if (!sc) return report(&err);
    if (dry) {
        int code = dry_run(sc, threads > 0 ? threads : omp_get_max_threads(), output);
        rs_scenario_free(sc);
        return code;
    }
    rs_batch_opts bo = {.output = output, .threads = threads, .resume = resume, .force = force,
                        .progress = !quiet && isatty(2), .cmdline = cmdline};
    int nth = threads > 0 ? threads : omp_get_max_threads();
    char ranks[64] = "";
#ifdef REGSIM_HAVE_MPI
    if (rs_mpi_active()) {
        int size;
        MPI_Comm_size(MPI_COMM_WORLD, &size);
        snprintf(ranks, sizeof ranks, " per rank, %d MPI ranks (rank 0 writes)", size);
    }
#endif
    if (!quiet)
        fprintf(stderr, "regsim: scenario \"%s\": %d municipalities, %d partnerships, %d variant(s) x %d replication(s) = %ld runs of %d months, %d thread(s)%s\n",
                sc->name, sc->region.n, sc->npartnerships, sc->nvariants, sc->replications,
                rs_scenario_nruns(sc), sc->horizon, nth, ranks);
    rs_batch_install_signal_handlers();
    rs_batch_report rep;
    rs_status st = rs_batch_run(sc, &bo, &rep, &err);
    int code = 0;
    if (st) {
        code = report(&err);
    } else if (!quiet) {
        fprintf(stderr, "regsim: wrote %s: %ld runs (%ld this time) in %.2f s\n", output, rep.done,
                rep.done - rep.done_before, rep.seconds);
        if (rep.events_dropped)
            fprintf(stderr, "regsim: warning: %zu events did not fit the event log; raise outputs.max_events_per_run\n",
                    rep.events_dropped);
        print_summary(sc, output);
    }
    rs_scenario_free(sc);
    if (st == RS_EIO) {
        /* After a failed write libhdf5 may crash in its own exit handler
         * while closing what it could not flush: leave without it. The
         * file holds every committed run (see docs/errors.md). */
        fflush(NULL);
        _exit(code);
    }
    return code;
}

/* ------------------------------------------------------------- validate */

static int cmd_validate(int argc, char **argv)
{
    if (argc < 2) return usage_error("validate", "%s", "expected one or more scenario files");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("usage: regsim validate SCENARIO.json...\n\nChecks each scenario file completely (JSON, "
               "region, partnerships, parameters,\nvariants, events, outputs) without running it. Exit "
               "status 2 if any is invalid.\n");
        return 0;
    }
    int code = 0;
    for (int i = 1; i < argc; i++) {
        rs_error err;
        rs_error_clear(&err);
        rs_scenario *sc = rs_scenario_load(argv[i], &err);
        if (!sc) {
            int c = report(&err);
            if (c > code) code = c;
            continue;
        }
        printf("%s: ok: \"%s\", %d municipalities, %d partnerships, %d variant(s), %d replication(s), %ld runs, %d months\n",
               argv[i], sc->name, sc->region.n, sc->npartnerships, sc->nvariants, sc->replications,
               rs_scenario_nruns(sc), sc->horizon);
        rs_scenario_free(sc);
    }
    return code;
}

/* ------------------------------------------------------------- describe */

static void range_text(const rs_param_def *d, char *buf, size_t n)
{
    switch (d->kind) {
    case RS_PARAM_BOOL: snprintf(buf, n, "true|false"); break;
    case RS_PARAM_ENUM: {
        buf[0] = '\0';
        for (int k = 0; d->choices[k]; k++) {
            strncat(buf, k ? "|" : "", n - strlen(buf) - 1);
            strncat(buf, d->choices[k], n - strlen(buf) - 1);
        }
        break;
    }
    case RS_PARAM_MUNI: snprintf(buf, n, "municipality name or null"); break;
    default: snprintf(buf, n, "[%g, %g]", d->min, d->max); break;
    }
}

static int cmd_describe(int argc, char **argv)
{
    int md = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--markdown")) md = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: regsim describe [--markdown]\n\nLists every parameter (default, unit, allowed "
                   "range, meaning, source), every\noutput series and the service domains. --markdown "
                   "prints the tables of\ndocs/parameters.md.\n");
            return 0;
        } else return usage_error("describe", "unknown argument '%s'", argv[i]);
    }
    const rs_model *m = rs_model_get();
    size_t np = rs_param_count();
    char def[64], range[256];
    if (md) {
        printf("# Parameters\n\nGenerated by `build/regsim describe --markdown`; do not edit by hand.\n"
               "In a scenario, write `\"parameters\": {\"GROUP\": {\"NAME\": value}}` for `GROUP.NAME`.\n\n");
        printf("| parameter | default | unit | allowed | meaning | source |\n|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < np; i++) {
            const rs_param_def *d = rs_param_get(i);
            rs_param_format(i, d->def, def, sizeof def);
            range_text(d, range, sizeof range);
            printf("| `%s` | %s | %s | %s | %s | %s |\n", d->name, def, d->unit, range, d->desc, d->source);
        }
        printf("\n# Output series\n\n| name | dimensions | units | meaning |\n|---|---|---|---|\n");
        for (size_t s = 0; s < m->nseries; s++)
            printf("| `%s` | run, month | %s | %s |\n", m->series[s].name, m->series[s].units, m->series[s].long_name);
        for (size_t s = 0; s < m->nmuni_series; s++)
            printf("| `%s` | run, month, municipality | %s | %s |\n", m->muni_series[s].name, m->muni_series[s].units,
                   m->muni_series[s].long_name);
        printf("\n# Service domains\n\n");
        for (int d = 0; m->domains[d]; d++) printf("%s`%s`", d ? ", " : "", m->domains[d]);
        printf("\n");
        return 0;
    }
    printf("regsim %s, model \"%s\": %zu parameters in %zu mechanisms\n", rs_version(), m->name, np, m->nmechanisms);
    printf("in a scenario: \"parameters\": {\"GROUP\": {\"NAME\": value}}\n\n");
    printf("%-40s %-12s %-20s %-22s %s\n", "parameter", "default", "unit", "allowed", "meaning");
    for (size_t i = 0; i < np; i++) {
        const rs_param_def *d = rs_param_get(i);
        rs_param_format(i, d->def, def, sizeof def);
        range_text(d, range, sizeof range);
        printf("%-40s %-12s %-20s %-22s %s\n", d->name, def, d->unit, range, d->desc);
    }
    printf("\nseries per run and month:\n");
    for (size_t s = 0; s < m->nseries; s++)
        printf("  %-28s %-12s %s\n", m->series[s].name, m->series[s].units, m->series[s].long_name);
    printf("series per run, month and municipality (outputs.municipality_series):\n");
    for (size_t s = 0; s < m->nmuni_series; s++)
        printf("  %-28s %-12s %s\n", m->muni_series[s].name, m->muni_series[s].units, m->muni_series[s].long_name);
    printf("service domains:");
    for (int d = 0; m->domains[d]; d++) printf(" %s", m->domains[d]);
    printf("\nevent log kinds:");
    for (int k = 0; m->event_kinds[k]; k++) printf(" %s", m->event_kinds[k]);
    printf("\nscheduled event kinds:");
    for (int k = 0; m->sched_kinds && m->sched_kinds[k]; k++) printf(" %s", m->sched_kinds[k]);
    printf("\n");
    return 0;
}

/* -------------------------------------------------------------- inspect */

static int cmd_inspect(int argc, char **argv)
{
    if (argc != 2) return usage_error("inspect", "%s", "expected one results file");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("usage: regsim inspect RESULTS.h5\n\nShows the scenario, run counts, provenance and every "
               "dataset (shape, units,\nmeaning) of a results file.\n");
        return 0;
    }
    rs_error err;
    rs_error_clear(&err);
    if (rs_h5_inspect(argv[1], stdout, &err)) return report(&err);
    return 0;
}

int main(int argc, char **argv)
{
    char cmdline[4096];
    join_argv(argc, argv, cmdline, sizeof cmdline);
    if (argc < 2) {
        help_main(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) { help_main(stdout); return 0; }
    if (!strcmp(cmd, "--version")) {
        printf("regsim %s (commit %s, model %s %s)\n", rs_version(), rs_git_commit(), rs_model_get()->name,
               rs_model_get()->version);
        return 0;
    }
    if (!strcmp(cmd, "run")) {
#ifdef REGSIM_HAVE_MPI
        /* under mpirun or srun, the run is spread over the ranks */
        if (rs_mpi_launched()) {
            int provided;
            MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
            int code = cmd_run(argc - 1, argv + 1, cmdline);
            MPI_Finalize();
            return code;
        }
#endif
        return cmd_run(argc - 1, argv + 1, cmdline);
    }
    if (!strcmp(cmd, "validate")) return cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "describe")) return cmd_describe(argc - 1, argv + 1);
    if (!strcmp(cmd, "inspect")) return cmd_inspect(argc - 1, argv + 1);
    if (!strcmp(cmd, "export")) return rs_cli_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare")) return rs_cli_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "sensitivity")) return rs_cli_sensitivity(argc - 1, argv + 1);
    static const char *const cmds[] = {"run", "validate", "describe", "inspect", "export", "compare",
                                       "sensitivity", NULL};
    fprintf(stderr, "%s: unknown command '%s'; did you mean '%s'?\nTry '%s --help'.\n", prog, cmd,
            rs_nearest_name(cmd, cmds, 7), prog);
    return 2;
}
