/*
 * trust.c - trust follows experience.
 *
 * Each month, for every ordered pair (i, j) of co-members of an active
 * partnership p, i's trust in j moves toward what i experienced:
 *     T_ij <- T_ij + lambda * (e_p - T_ij),   e_p = 1 if net_p > 0, else 0
 * (shared success builds trust, a partnership that costs more than it
 * gives erodes it [002], [004]). Trust that is not used drifts back to
 * the base level b at rate delta per month (applied lazily, see world.h):
 *     T_ij <- b + (T_ij - b) * (1 - delta)
 * Initial trust is trust.initial for every pair.
 */
#include "world.h"

static const rs_param_def params[] = {
    {"trust.initial", RS_PARAM_REAL, 0.5, 0, 1, "1", "trust between every pair at the start",
     "calibrated", NULL},
    {"trust.base", RS_PARAM_REAL, 0.5, 0, 1, "1", "level that unused trust drifts back to",
     "calibrated", NULL},
    {"trust.learning_rate", RS_PARAM_REAL, 0.04, 0, 1, "1/month",
     "how fast trust moves toward experience in a partnership",
     "calibrated; cf. multiplicative steps of 1-5% per interaction in a Rotterdam-The Hague ABM (brief)", NULL},
    {"trust.drift", RS_PARAM_REAL, 0.01, 0, 1, "1/month",
     "how fast unused trust returns to the base level", "calibrated", NULL},
};

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)rng; (void)month;
    rs_world *w = vw;
    double lr = ctx->par[w->pi.trust_learning_rate];
    for (int p = 0; p < w->np; p++) {
        if (w->p_state[p] != RS_PS_ACTIVE) continue;
        double e = w->p_net[p] > 0 ? 1.0 : 0.0;
        const int *mem = w->members + w->p_off[p];
        int m = w->p_cnt[p];
        for (int a = 0; a < m; a++)
            for (int b = 0; b < m; b++) {
                if (a == b) continue;
                double t = rs_trust_get(w, mem[a], mem[b]);
                rs_trust_set(w, mem[a], mem[b], t + lr * (e - t));
            }
    }
}

const rs_mechanism rs_mech_trust = {
    "trust", "trust moves toward experience and drifts back to a base level",
    params, sizeof params / sizeof params[0], NULL, step};
