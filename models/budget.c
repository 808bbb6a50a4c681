/*
 * budget.c - reserves, budget growth, autonomy and skill (docs/model.md 7.10).
 *
 *     R_i <- R_i + money_i - paid_i                  (paid_i: fund contributions this month)
 *     B_i <- B_i (1 + budget.growth)^(1/12)
 *     a*_i = clamp(a0_i + budget.autonomy_gain ln(B_i / B0_i), 0, 1)
 *     a_i <- a_i + 0.05 (a*_i - a_i)                 a growing budget raises autonomy [004]
 *     Wk_i = share of producing memberships with succ >= 0.5 (0 if none)
 *     s_i <- clamp(s_i + skill_gain (1 - s_i) Wk_i - delta s_i, 0, 1),
 *            delta = 1 - (1 - 0.085)^(1/12)          learning by doing, staff turnover [003]
 * Initial budget B_i = P_i bpc_i, bpc_i from the region file or uniform in
 * per_capita +- per_capita_spread (brief: EUR 3,200-3,900 per inhabitant).
 */
#include "world.h"

static const rs_param_def params[] = {
    {"budget.per_capita", RS_PARAM_REAL, 3550, 500, 20000, "EUR/inhabitant/year",
     "Mean annual budget per inhabitant (when the region file gives none)",
     "brief: EUR 3,200-3,900 per inhabitant", NULL},
    {"budget.per_capita_spread", RS_PARAM_REAL, 350, 0, 5000, "EUR/inhabitant/year",
     "Half-width of the uniform spread of budget per inhabitant around the mean",
     "brief: EUR 3,200-3,900 per inhabitant", NULL},
    {"budget.initial_reserve", RS_PARAM_REAL, 0.25, 0, 2, "1",
     "Initial reserves as a share of the annual budget",
     "calibrated: chosen so that reserves are about a quarter of a year's budget", NULL},
    {"budget.growth", RS_PARAM_REAL, 0, -0.2, 0.2, "1/year",
     "Annual growth of every budget",
     "[004]", NULL},
    {"budget.autonomy_gain", RS_PARAM_REAL, 1, 0, 10, "1",
     "Rise of autonomy preference per unit of ln(budget / initial budget)",
     "[004] ('denken meer zelf te kunnen doen')", NULL},
    {"budget.skill_mean", RS_PARAM_REAL, 0.4, 0, 1, "1",
     "Mean initial collaboration skill",
     "[003]", NULL},
    {"budget.skill_gain", RS_PARAM_REAL, 0.02, 0, 1, "1/month",
     "Rate at which skill grows in partnerships that work",
     "[003] ('leren door te doen')", NULL},
};

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)rng; (void)month;
    rs_world *w = vw;
    const double *par = ctx->par;
    double g = pow(1 + par[rs_pi.bu_growth], 1.0 / 12), ag = par[rs_pi.bu_again], sg = par[rs_pi.bu_sgain];
    double delta = 1 - pow(1 - 0.085, 1.0 / 12);
    for (int i = 0; i < w->n; i++) {
        w->R[i] += w->money[i] - w->paid[i];
        w->paid[i] = 0;
        w->B[i] *= g;
        double as = rs_clamp(w->a0[i] + ag * log(w->B[i] / w->B0[i]), 0, 1);
        w->a[i] = rs_clamp(w->a[i] + 0.05 * (as - w->a[i]), 0, 1);
        int k = 0, ok = 0;
        for (int mk = w->ml_off[i]; mk < w->ml_off[i + 1]; mk++) {
            int q = w->ml[mk];
            if (!w->live[q] || !PS_PROD(w->st[w->sp[q]])) continue;
            k++; ok += w->succ[q] >= 0.5;
        }
        double wk = k ? (double)ok / k : 0;
        w->s[i] = rs_clamp(w->s[i] + sg * (1 - w->s[i]) * wk - delta * w->s[i], 0, 1);
    }
}

const rs_mechanism rs_mech_budget = {
    "budget", "reserves, budget growth, autonomy and collaboration skill",
    params, sizeof params / sizeof params[0], NULL, step};
