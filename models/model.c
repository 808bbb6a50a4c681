/*
 * model.c - the cooperation model: its world (alloc, reset, observe,
 * check) and the list of mechanisms run each month, in this order.
 */
#include <stdlib.h>
#include <string.h>
#include "world.h"

static const rs_mechanism *const mechanisms[] = {
    &rs_mech_calendar,
    &rs_mech_production,
    &rs_mech_trust,
    &rs_mech_budget,
};

enum {
    S_ACTIVE, S_MEMBERS, S_TRUST, S_GROSS, S_TX, S_NET, S_NSERIES
};

static const rs_series_def series[] = {
    {"active_partnerships", "1", "number of active partnerships"},
    {"members", "1", "memberships in active partnerships"},
    {"mean_trust", "1", "mean trust between co-members of active partnerships (0 when none is active)"},
    {"gross_savings", "EUR/month", "savings from economies of scale before costs"},
    {"transaction_costs", "EUR/month", "coordination costs of active partnerships"},
    {"net_value", "EUR/month", "realised savings minus transaction costs"},
};

enum { M_TRUST, M_BENEFIT, M_MEMBERSHIPS, M_RESERVES };

static const rs_series_def muni_series[] = {
    {"muni_trust_received", "1", "mean trust of co-members in this municipality (NaN: no co-members)"},
    {"muni_net_benefit", "EUR/month", "this municipality's share of net value"},
    {"muni_memberships", "1", "active partnerships this municipality is a member of"},
    {"muni_reserves", "EUR", "reserves"},
};

static const char *const event_kinds[] = {"partnership_started", NULL};
static const char *const sched_kinds[] = {NULL};

static long need(const char *name)
{
    long k = rs_param_find(name);
    if (k < 0) abort(); /* a parameter table and this list disagree: a build bug */
    return k;
}

static void *world_alloc(const rs_scenario *sc, rs_error *err)
{
    rs_world *w = calloc(1, sizeof *w);
    if (!w) { rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory"); return NULL; }
    w->sc = sc;
    w->n = sc->region.n;
    w->np = sc->npartnerships;
    w->nd = rs_ndomains;
    w->pop = sc->region.population;
    size_t n = (size_t)w->n, np = (size_t)w->np + 1, nd = (size_t)w->nd;
    size_t nm = 1;
    for (int p = 0; p < sc->npartnerships; p++) nm += (size_t)sc->partnerships[p].nmembers;
    w->budget = calloc(n, sizeof(double));
    w->reserves = calloc(n, sizeof(double));
    w->priority = calloc(n * nd, sizeof(double));
    w->benefit_month = calloc(n, sizeof(double));
    w->nmember = calloc(n, sizeof(int));
    w->trust = calloc(n * n, sizeof(double));
    w->tstamp = calloc(n * n, sizeof(int));
    w->keep_pow = calloc((size_t)sc->horizon + 1, sizeof(double));
    w->p_state = calloc(np, sizeof(int));
    w->p_domain = calloc(np, sizeof(int));
    w->p_start = calloc(np, sizeof(int));
    w->p_off = calloc(np, sizeof(int));
    w->p_cnt = calloc(np, sizeof(int));
    w->members = calloc(nm, sizeof(int));
    w->p_scale = calloc(np, sizeof(double));
    w->p_gross = calloc(np, sizeof(double));
    w->p_tx = calloc(np, sizeof(double));
    w->p_net = calloc(np, sizeof(double));
    w->p_perf = calloc(np, sizeof(double));
    w->m_off = calloc(n + 1, sizeof(int));
    w->m_cnt = calloc(n, sizeof(int));
    w->mships = calloc(nm, sizeof(int));
    if (!w->budget || !w->reserves || !w->priority || !w->benefit_month || !w->nmember || !w->trust ||
        !w->tstamp || !w->keep_pow || !w->p_state || !w->p_domain || !w->p_start || !w->p_off || !w->p_cnt ||
        !w->members || !w->p_scale || !w->p_gross || !w->p_tx || !w->p_net || !w->p_perf ||
        !w->m_off || !w->m_cnt || !w->mships) {
        rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory for a world of %d municipalities", w->n);
        rs_coop_world_free(w);
        return NULL;
    }
    w->pi.budget_per_capita = need("budget.per_capita");
    w->pi.budget_initial_reserve = need("budget.initial_reserve");
    w->pi.prio_concentration = need("budget.priority_concentration");
    w->pi.trust_initial = need("trust.initial");
    w->pi.trust_base = need("trust.base");
    w->pi.trust_learning_rate = need("trust.learning_rate");
    w->pi.trust_drift = need("trust.drift");
    w->pi.prod_tc_per_pair = need("production.tc_per_pair");
    w->pi.prod_perf_floor = need("production.performance_floor");
    w->pi.prod_fit_weight = need("production.fit_weight");
    return w;
}

void rs_coop_world_free(void *vw)
{
    rs_world *w = vw;
    if (!w) return;
    free(w->budget); free(w->reserves); free(w->priority); free(w->benefit_month); free(w->nmember);
    free(w->trust); free(w->tstamp); free(w->keep_pow);
    free(w->p_state); free(w->p_domain); free(w->p_start); free(w->p_off); free(w->p_cnt);
    free(w->members); free(w->p_scale); free(w->p_gross); free(w->p_tx); free(w->p_net);
    free(w->p_perf); free(w->m_off); free(w->m_cnt); free(w->mships);
    free(w);
}

static rs_status world_reset(void *vw, rs_run_ctx *ctx, rs_error *err)
{
    (void)err;
    rs_world *w = vw;
    const rs_scenario *sc = w->sc;
    size_t n = (size_t)w->n;
    w->month = 0;
    w->trust_base = ctx->par[w->pi.trust_base];
    w->trust_keep = 1.0 - ctx->par[w->pi.trust_drift];
    w->keep_pow[0] = 1.0;
    for (int t = 1; t <= sc->horizon; t++) w->keep_pow[t] = w->keep_pow[t - 1] * w->trust_keep;
    double t0 = ctx->par[w->pi.trust_initial];
    for (size_t k = 0; k < n * n; k++) { w->trust[k] = t0; w->tstamp[k] = 0; }
    for (size_t i = 0; i < n; i++) w->trust[i * n + i] = 1.0;
    memset(w->m_cnt, 0, n * sizeof(int));
    int off = 0;
    for (int p = 0; p < w->np; p++) {
        const rs_partnership_spec *ps = &sc->partnerships[p];
        w->p_state[p] = RS_PS_INACTIVE;
        w->p_domain[p] = ps->domain;
        w->p_start[p] = ps->start_month > 1 ? ps->start_month : 1;
        w->p_off[p] = off;
        w->p_cnt[p] = ps->nmembers;
        w->p_scale[p] = 0;
        for (int a = 0; a < ps->nmembers; a++) {
            w->members[off + a] = ps->members[a];
            w->p_scale[p] += w->pop[ps->members[a]];
            w->m_cnt[ps->members[a]]++;
        }
        off += ps->nmembers;
    }
    /* municipality -> partnerships */
    w->m_off[0] = 0;
    for (size_t i = 0; i < n; i++) w->m_off[i + 1] = w->m_off[i] + w->m_cnt[i];
    memset(w->nmember, 0, n * sizeof(int));
    for (int p = 0; p < w->np; p++)
        for (int a = 0; a < w->p_cnt[p]; a++) {
            int i = w->members[w->p_off[p] + a];
            w->mships[w->m_off[i] + w->nmember[i]++] = p;
        }
    memset(w->benefit_month, 0, n * sizeof(double));
    return RS_OK;
}

static void observe(void *vw, rs_run_ctx *ctx, int month)
{
    rs_world *w = vw;
    const size_t H = (size_t)ctx->sc->horizon, col = (size_t)month - 1;
    double active = 0, members = 0, tsum = 0;
    for (int p = 0; p < w->np; p++) {
        if (w->p_state[p] != RS_PS_ACTIVE) continue;
        active += 1;
        members += w->p_cnt[p];
        tsum += rs_partnership_trust(w, p);
    }
    double *s = ctx->series;
    s[S_ACTIVE * H + col] = active;
    s[S_MEMBERS * H + col] = members;
    s[S_TRUST * H + col] = active > 0 ? tsum / active : 0;
    s[S_GROSS * H + col] = w->gross;
    s[S_TX * H + col] = w->tx;
    s[S_NET * H + col] = w->net;
    if (ctx->muni_series) {
        size_t n = (size_t)w->n;
        double *ms = ctx->muni_series;
        for (size_t i = 0; i < n; i++) {
            double tr = 0;
            int k = 0, mem = 0;
            for (int q = w->m_off[i]; q < w->m_off[i + 1]; q++) {
                int p = w->mships[q];
                if (w->p_state[p] != RS_PS_ACTIVE) continue;
                mem++;
                for (int a = 0; a < w->p_cnt[p]; a++) {
                    int j = w->members[w->p_off[p] + a];
                    if (j != (int)i) { tr += rs_trust_get(w, j, (int)i); k++; }
                }
            }
            ms[(M_TRUST * H + col) * n + i] = k ? tr / k : NAN;
            ms[(M_BENEFIT * H + col) * n + i] = w->benefit_month[i];
            ms[(M_MEMBERSHIPS * H + col) * n + i] = mem;
            ms[(M_RESERVES * H + col) * n + i] = w->reserves[i];
        }
    }
}

static rs_status check(const void *vw, const rs_run_ctx *ctx, int month, rs_error *err)
{
    (void)ctx; (void)month;
    const rs_world *w = vw;
    for (int i = 0; i < w->n; i++)
        if (!isfinite(w->reserves[i]))
            return rs_error_set(err, RS_EINVARIANT, NULL, 0, NULL, "reserves of %s are not finite",
                                w->sc->region.name[i]);
    return RS_OK;
}

const rs_model rs_coop_model = {
    .name = "coop",
    .version = "0.1",
    .mechanisms = mechanisms,
    .nmechanisms = sizeof mechanisms / sizeof mechanisms[0],
    .series = series,
    .nseries = S_NSERIES,
    .muni_series = muni_series,
    .nmuni_series = sizeof muni_series / sizeof muni_series[0],
    .event_kinds = event_kinds,
    .sched_kinds = sched_kinds,
    .domains = rs_domain_names,
    .generate = NULL,
    .validate = NULL,
    .world_alloc = world_alloc,
    .world_free = rs_coop_world_free,
    .world_reset = world_reset,
    .observe = observe,
    .check = check,
};

const rs_model *rs_model_get(void) { return &rs_coop_model; }
