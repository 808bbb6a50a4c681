/*
 * trust.c - trust follows experience; reputation recovers (docs/model.md 7.8).
 *
 * Each producing p, each ordered pair of distinct live members i, j:
 *     E_ijp = 0.35 succ_ip + 0.25 fair_ip + 0.20 ad_ip ad_jp + 0.20 rep_j
 *     T_ij <- T_ij + trust.learning_rate (E_ijp - T_ij)
 * (success together, fair shares, knowledge shared when both attend [002],
 * j's reliability record [004]). Unused trust (the pair shares no live
 * partnership) drifts back to trust.base, lazily (world.h):
 *     T(t) = base + (T(t0) - base) (1 - trust.drift)^(t - t0).
 * Reputation: rep_i <- rep_i + trust.reputation_recovery (1 - rep_i).
 * Tm_p = mean T_ij over ordered pairs of live members (all live p).
 * Initial trust (world_reset): clamp(trust.initial + trust.neighbour_bonus
 * [j borders i] + Normal(0, 0.1), 0, 1).
 */
#include "world.h"

static const rs_param_def params[] = {
    {"trust.initial", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Mean initial trust between two municipalities",
     "calibrated: chosen so that initial trust is neutral", NULL},
    {"trust.neighbour_bonus", RS_PARAM_REAL, 0.1, 0, 0.5, "1",
     "Extra initial trust between municipalities that share a border",
     "calibrated: chosen so that neighbours start somewhat closer", NULL},
    {"trust.base", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Level to which unused trust drifts back",
     "calibrated: chosen so that unused trust returns to neutral", NULL},
    {"trust.learning_rate", RS_PARAM_REAL, 0.05, 0, 1, "1/month",
     "Rate at which co-members' trust moves toward their experience of each other",
     "calibrated: chosen so that trust moves halfway to experience in about 14 months", NULL},
    {"trust.drift", RS_PARAM_REAL, 0.01, 0, 1, "1/month",
     "Rate at which trust between non-co-members drifts back to trust.base",
     "calibrated: chosen so that unused trust halves its distance to base in about 6 years", NULL},
    {"trust.reputation_recovery", RS_PARAM_REAL, 0.01, 0, 1, "1/month",
     "Rate at which a municipality's reputation recovers toward 1",
     "[004]; calibrated: chosen so that a leaver's reputation needs years to recover", NULL},
};

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)rng; (void)month;
    rs_world *w = vw;
    double lr = ctx->par[rs_pi.tr_lr], rr = ctx->par[rs_pi.tr_rep];
    /* E = 0.35 succ_a + 0.25 fair_a + 0.20 ad_a ad_b + 0.20 rep_j, from the
     * live members gathered once per partnership (same operations, same order) */
    int *J = w->tw_j;
    double *B = w->tw_base, *AD = w->tw_ad, *RP = w->tw_rep;
    for (int p = 0; p < w->np; p++) {
        if (!PS_PROD(w->st[p])) continue;
        int o = w->off[p], e = o + w->ns[p], m = 0;
        for (int a = o; a < e; a++) {
            if (!w->live[a]) continue;
            J[m] = w->mu[a];
            B[m] = 0.35 * w->succ[a] + 0.25 * w->fair[a];
            AD[m] = w->ad[a];
            RP[m] = 0.20 * w->rep[w->mu[a]];
            m++;
        }
        for (int x = 0; x < m; x++) {
            int i = J[x];
            double base = B[x], ca = 0.20 * AD[x];
            for (int y = 0; y < m; y++) {
                if (y == x) continue;
                double E = base + ca * AD[y] + RP[y];
                double t = rs_trust_co_get(w, i, J[y]);
                rs_trust_co_set(w, i, J[y], t + lr * (E - t));
            }
        }
    }
    for (int i = 0; i < w->n; i++) w->rep[i] += rr * (1 - w->rep[i]);
    for (int p = 0; p < w->np; p++)
        if (PS_LIVE(w->st[p])) w->Tm[p] = rs_partnership_trust(w, p);
}

const rs_mechanism rs_mech_trust = {
    "trust", "trust moves toward experience; reputation recovers; unused trust drifts back",
    params, sizeof params / sizeof params[0], NULL, step};
