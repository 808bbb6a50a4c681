/*
 * kpi.c - monitoring grows when trust is low (docs/model.md 7.7; [000]).
 *
 * Review phase rph_p = ta_p mod 12 (p mod 12 for partnerships active at
 * t = 0). A producing p reviews in months t > ta_p with t mod 12 == rph_p:
 *     each live member i with Tbar_ip < thr demands n_i ~ Poisson(demand_rate (thr - Tbar_ip) / thr)
 *     Dm = sum n_i;  free_growth: K += Dm;  cap: K = max(K, min(K + Dm, kc));
 *     steer_only: K = max(K, min(K + Dm, kpi.useful))
 * Joint evaluation (je_p, interval > 0, t > ta_p, t mod interval == rph_p mod
 * interval; and joint_evaluation events, 7.1): K <- min(K, kpi.useful).
 * KPIs are sticky: only a cap event or a joint evaluation removes them.
 */
#include <gsl/gsl_randist.h>
#include "world.h"

static const char *const ch_rule[] = {"free_growth", "cap", "steer_only", NULL};
static const rs_param_def params[] = {
    {"kpi.rule", RS_PARAM_ENUM, 0, 0, 0, "1",
     "How KPI demands are handled",
     "[000]", ch_rule},
    {"kpi.cap", RS_PARAM_INT, 15, 0, 200, "count",
     "Maximum KPIs per partnership under rule cap",
     "[000]", NULL},
    {"kpi.existing_data_share", RS_PARAM_REAL, 0.2, 0, 1, "1",
     "Share of KPIs drawn from data that already exists",
     "[000]", NULL},
    {"kpi.existing_data_cost", RS_PARAM_REAL, 0.25, 0, 1, "1",
     "Cost of a KPI from existing data relative to a new one",
     "[000]; calibrated: chosen so that existing data removes most of a KPI's cost", NULL},
    {"kpi.joint_evaluation_interval", RS_PARAM_INT, 24, 0, 120, "month",
     "Months between joint evaluations with partners (0 = never)",
     "[003]", NULL},
    {"kpi.joint_evaluation_share", RS_PARAM_REAL, 0.41, 0, 1, "1",
     "Share of partnerships that evaluate jointly with partners",
     "[003] (41% jointly, 55% internally)", NULL},
    {"kpi.initial", RS_PARAM_INT, 5, 0, 100, "count",
     "KPIs a partnership starts with",
     "calibrated: chosen so that a partnership starts with the KPIs it steers on", NULL},
    {"kpi.useful", RS_PARAM_INT, 5, 0, 100, "count",
     "KPIs that are actually steered on (the first ones)",
     "[000]", NULL},
    {"kpi.cost_share", RS_PARAM_REAL, 0.0005, 0, 0.05, "1",
     "Monthly cost of one new-data KPI as a share of the partnership's pooled cost",
     "[000]; calibrated: chosen so that 30 KPIs cost about 1.5% of pooled cost and the 5 initial KPIs a modest share of gross savings (model.md 8.1)", NULL},
    {"kpi.steer_gain", RS_PARAM_REAL, 0.05, 0, 0.5, "1",
     "Performance gain when all useful KPIs are in place",
     "[002] (measurable goals, evaluation)", NULL},
    {"kpi.trust_threshold", RS_PARAM_REAL, 0.55, 0, 1, "1",
     "Mean trust in partners below which a member demands extra KPIs at a review",
     "[000] ('om elk risico uit te sluiten wordt overvraagd'); calibrated: just above trust.base, so that partners trusted at or above neutral ask for few extra KPIs (model.md 8.1)", NULL},
    {"kpi.demand_rate", RS_PARAM_REAL, 12, 0, 20, "count",
     "Expected extra KPIs demanded by a member with zero trust at a review",
     "[000]; calibrated: chosen so that a member trusting its partners at 0.4 demands about three extra KPIs a review (model.md 8.1)", NULL},
};

static int phase(const rs_world *w, int p)
{
    int x = w->ta[p] <= 0 ? p : w->ta[p];
    return ((x % 12) + 12) % 12;
}

static void joint_eval(rs_world *w, rs_run_ctx *ctx, int month, int p)
{
    int useful = (int)ctx->par[rs_pi.kpi_useful];
    int pr = w->K[p] > useful ? w->K[p] - useful : 0;
    w->K[p] -= pr;
    rs_event_add(ctx->events, month, EV_JOINT_EVAL, p, -1, pr);
}

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    rs_world *w = vw;
    const double *par = ctx->par;
    double thr = par[rs_pi.kpi_thr], rate = par[rs_pi.kpi_rate];
    int jint = (int)par[rs_pi.kpi_jint], useful = (int)par[rs_pi.kpi_useful];
    for (int p = 0; p < w->np; p++) {
        if (!PS_PROD(w->st[p]) || month <= w->ta[p]) continue;
        int rph = phase(w, p);
        if (month % 12 == rph) {
            int Dm = 0;
            for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) {
                if (!w->live[a]) continue;
                double tb = 0;
                int k = 0;
                for (int b = w->off[p]; b < w->off[p] + w->ns[p]; b++)
                    if (b != a && w->live[b]) { tb += rs_trust_get(w, w->mu[a], w->mu[b]); k++; }
                tb = k ? tb / k : 0;
                if (tb < thr && thr > 0) Dm += (int)gsl_ran_poisson(rng, rate * (thr - tb) / thr);
            }
            int K0 = w->K[p], K = K0;
            if (w->kr[p] == KPI_FREE) K = K0 + Dm;
            else {
                int lim = w->kr[p] == KPI_CAP ? w->kc[p] : useful;
                int c = K0 + Dm < lim ? K0 + Dm : lim;
                K = K0 > c ? K0 : c;
            }
            w->K[p] = K;
            rs_event_add(ctx->events, month, EV_KPI_REVIEW, p, -1, K - K0);
        }
        if (w->je[p] && jint > 0 && month % jint == rph % jint) joint_eval(w, ctx, month, p);
    }
    if (w->sched_on)
        for (int k = w->ev_lo; k < w->ev_hi; k++) {
            const rs_sched_event *e = &w->sc->events[k];
            if (e->kind != SE_JOINT_EVAL) continue;
            for (int p = 0; p < w->np; p++)
                if ((e->partnership < 0 || e->partnership == p) && PS_PROD(w->st[p])) joint_eval(w, ctx, month, p);
        }
}

const rs_mechanism rs_mech_kpi = {
    "kpi", "KPI reviews (low trust adds KPIs) and joint evaluations (prune)",
    params, sizeof params / sizeof params[0], NULL, step};
