/*
 * budget.c - budgets and reserves.
 *
 * Annual budget B_i = P_i * b_i, with b_i from the region file
 * (budget_per_capita) or the parameter budget.per_capita (the brief:
 * EUR 3,200-3,900 per inhabitant). Reserves start at r0 * B_i and take
 * each month's net result of the municipality's memberships:
 *     R_i <- R_i + benefit_i
 * Local priorities pi_i over the service domains ("stokpaardjes" [002])
 * are drawn once per run from a symmetric Dirichlet(alpha) distribution.
 */
#include <gsl/gsl_randist.h>
#include "world.h"

static const rs_param_def params[] = {
    {"budget.per_capita", RS_PARAM_REAL, 3550, 500, 20000, "EUR/inhabitant/year",
     "annual budget per inhabitant when the region file gives none",
     "brief: EUR 3,200-3,900 per inhabitant", NULL},
    {"budget.initial_reserve", RS_PARAM_REAL, 0.1, 0, 2, "1",
     "reserves at the start as a share of the annual budget", "calibrated", NULL},
    {"budget.priority_concentration", RS_PARAM_REAL, 1.0, 0.01, 100, "1",
     "Dirichlet concentration of local priorities over domains (low: a few strong hobby-horses)",
     "calibrated; 'stokpaardjes' [002]", NULL},
};

static rs_status init(void *vw, rs_run_ctx *ctx, gsl_rng *rng, rs_error *err)
{
    (void)err;
    rs_world *w = vw;
    double alpha[64];
    double conc = ctx->par[w->pi.prio_concentration];
    for (int d = 0; d < w->nd; d++) alpha[d] = conc;
    for (int i = 0; i < w->n; i++) {
        double bpc = w->sc->region.budget_pc[i];
        if (isnan(bpc)) bpc = ctx->par[w->pi.budget_per_capita];
        w->budget[i] = w->pop[i] * bpc;
        w->reserves[i] = ctx->par[w->pi.budget_initial_reserve] * w->budget[i];
        gsl_ran_dirichlet(rng, (size_t)w->nd, alpha, w->priority + (size_t)i * w->nd);
    }
    return RS_OK;
}

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)ctx; (void)month; (void)rng;
    rs_world *w = vw;
    for (int i = 0; i < w->n; i++) w->reserves[i] += w->benefit_month[i];
}

const rs_mechanism rs_mech_budget = {
    "budget", "budgets, reserves and local priorities", params, sizeof params / sizeof params[0],
    init, step};
