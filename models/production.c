/*
 * production.c - what an active partnership saves, per month.
 *
 * Cost per inhabitant of service domain d at scale S (inhabitants served):
 *     c_d(S) = c_min,d * (1 + a_d * ln(S_opt,d / S)^2)   for S < S_opt,d
 *     c_d(S) = c_min,d                                   otherwise
 * (economies of scale up to an optimum size: IPSE Studies 2019; no gain
 * above about 10k inhabitants for many services: Gomez-Reino et al. 2023).
 *
 * A partnership p of domain d with members i (population P_i, S = sum P_i):
 *     gross_p = sum_i P_i * (c_d(P_i) - c_d(S)) / 12               EUR/month
 *     perf_p  = f + (1 - f) * Tbar_p * fit_p^w                      in [0, 1]
 *     tx_p    = k * m (m - 1) / 2                                    EUR/month
 *     net_p   = perf_p * gross_p - tx_p
 * with Tbar_p the mean trust between members, fit_p = n_d * mean_i pi_i,d
 * (capped at 1) how well the domain fits the members' priorities, f the
 * performance floor, k the coordination cost per pair of members (pairwise
 * coordination grows faster than the member count; ex-ante costs about 2.7%
 * of contract value, PAR 2019), m the member count. net_p is shared by
 * population: benefit_i += net_p * P_i / S.
 */
#include "world.h"

const rs_domain_def rs_domains[] = {
    {"ict", 95.0, 150000, 0.10, "calibrated; large shared ICT services (brief)"},
    {"tax", 30.0, 460000, 0.12, "IPSE Studies 2019: optimum about 460k for tax collection"},
    {"social", 310.0, 50000, 0.05, "IPSE Studies 2019: optimum 40-65k for administration"},
    {"waste", 110.0, 50000, 0.08, "IPSE Studies 2019: optimum 40-65k for waste"},
    {"permits", 45.0, 60000, 0.10, "IPSE Studies 2019: optimum 40-65k; RUDs (brief)"},
    {"roads", 80.0, 20000, 0.06, "IPSE Studies 2019: optimum about 20k for roads"},
    {"civil_affairs", 35.0, 50000, 0.08, "IPSE Studies 2019: optimum 40-65k for civil affairs"},
    {"fire", 60.0, 10000, 0.05, "Gomez-Reino et al. 2023: no gain above about 10k"},
};
const char *const rs_domain_names[] = {"ict", "tax", "social", "waste", "permits",
                                       "roads", "civil_affairs", "fire", NULL};
const int rs_ndomains = (int)(sizeof rs_domains / sizeof rs_domains[0]);

static double unit_cost(const rs_domain_def *d, double s)
{
    if (s >= d->scale_opt) return d->cost_min;
    double l = log(d->scale_opt / s);
    return d->cost_min * (1.0 + d->curvature * l * l);
}

double rs_partnership_trust(const rs_world *w, int p)
{
    const int *mem = w->members + w->p_off[p];
    int m = w->p_cnt[p];
    double s = 0;
    int k = 0;
    for (int a = 0; a < m; a++)
        for (int b = 0; b < m; b++)
            if (a != b) { s += rs_trust_get(w, mem[a], mem[b]); k++; }
    return k ? s / k : 0;
}

static const rs_param_def params[] = {
    {"production.tc_per_pair", RS_PARAM_REAL, 2500, 0, 1e6, "EUR/month",
     "coordination cost per pair of members of an active partnership",
     "calibrated: about 2.7% of contract value for a 7-member ICT partnership (PAR 2019)", NULL},
    {"production.performance_floor", RS_PARAM_REAL, 0.3, 0, 1, "1",
     "share of the scale gain realised when members do not trust each other at all",
     "calibrated", NULL},
    {"production.fit_weight", RS_PARAM_REAL, 0.5, 0, 5, "1",
     "exponent on how well the domain fits members' priorities in performance",
     "calibrated; local priorities ('stokpaardjes') [002]", NULL},
};

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)rng;
    rs_world *w = vw;
    const double *par = ctx->par;
    double k = par[w->pi.prod_tc_per_pair], f = par[w->pi.prod_perf_floor];
    double fw = par[w->pi.prod_fit_weight];
    w->gross = w->tx = w->net = 0;
    for (int i = 0; i < w->n; i++) w->benefit_month[i] = 0;
    for (int p = 0; p < w->np; p++) {
        if (w->p_state[p] == RS_PS_INACTIVE && w->p_start[p] <= month) {
            w->p_state[p] = RS_PS_ACTIVE;
            rs_event_add(ctx->events, month, 0, p, -1, NAN);
        }
        w->p_gross[p] = w->p_tx[p] = w->p_net[p] = w->p_perf[p] = 0;
        if (w->p_state[p] != RS_PS_ACTIVE) continue;
        const rs_domain_def *d = &rs_domains[w->p_domain[p]];
        const int *mem = w->members + w->p_off[p];
        int m = w->p_cnt[p];
        double S = w->p_scale[p], cS = unit_cost(d, S), gross = 0, fit = 0;
        for (int a = 0; a < m; a++) {
            int i = mem[a];
            gross += w->pop[i] * (unit_cost(d, w->pop[i]) - cS) / 12.0;
            fit += w->priority[(size_t)i * w->nd + w->p_domain[p]];
        }
        fit = fit / m * w->nd;
        if (fit > 1) fit = 1;
        double perf = f + (1 - f) * rs_partnership_trust(w, p) * pow(fit, fw);
        double tx = k * m * (m - 1) / 2.0;
        double net = perf * gross - tx;
        w->p_gross[p] = gross; w->p_tx[p] = tx; w->p_net[p] = net; w->p_perf[p] = perf;
        w->gross += gross; w->tx += tx; w->net += net;
        for (int a = 0; a < m; a++) w->benefit_month[mem[a]] += net * w->pop[mem[a]] / S;
    }
}

const rs_mechanism rs_mech_production = {
    "production", "savings from economies of scale minus coordination costs",
    params, sizeof params / sizeof params[0], NULL, step};
