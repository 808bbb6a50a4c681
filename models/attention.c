/*
 * attention.c - attention spread over memberships, and formality
 * (docs/model.md 7.5; [000] SIOO, Smaldino & Lubell 2011).
 *
 * For municipality i over its live memberships q:
 *     need_iq = attention.lead_need if i leads q, else 1;  w_iq = (D pi_i[d_q])^0.5
 *     L_i = sum need_iq,  ad_iq = min(1, C_i w_iq / sum_q' need_iq' w_iq')
 *     C_i = capacity_base (P_i / 30000)^capacity_elasticity
 * For live p:  abar_p = sum need ad / sum need,
 *     F*_p = clamp(fb + formality_size ln(m/2) + formality_thin (1 - abar), 0, 1)
 *     F_p <- F_p + r (F* - F),  r = formality_rate (rising) or formality_rate / 5 (falling)
 */
#include "world.h"

static const rs_param_def params[] = {
    {"attention.capacity_base", RS_PARAM_REAL, 12, 0.5, 200, "count",
     "Attention capacity, in membership units, of a municipality of 30,000 inhabitants",
     "[000]; calibrated: chosen so that a median municipality with about 13 memberships is at capacity", NULL},
    {"attention.capacity_elasticity", RS_PARAM_REAL, 0.6, 0, 1.5, "1",
     "Elasticity of attention capacity with population",
     "calibrated: chosen so that capacity grows slower than memberships do with size", NULL},
    {"attention.lead_need", RS_PARAM_REAL, 2, 1, 10, "count",
     "Attention a lead needs for a partnership, in membership units",
     "[002]; calibrated: chosen so that directing costs twice a membership", NULL},
    {"attention.formality_size", RS_PARAM_REAL, 0.15, 0, 1, "1",
     "Target formality per unit of ln(members / 2)",
     "[000] (SIOO); Smaldino & Lubell 2011", NULL},
    {"attention.formality_thin", RS_PARAM_REAL, 0.6, 0, 2, "1",
     "Target formality per unit of missing attention (1 - mean attention adequacy)",
     "[000] (SIOO)", NULL},
    {"attention.formality_rate", RS_PARAM_REAL, 0.05, 0, 1, "1/month",
     "Rate at which formality rises toward its target (it falls five times slower)",
     "[000]; calibrated: chosen so that structures harden in about two years and soften slowly", NULL},
    {"attention.board_formality", RS_PARAM_REAL, 0.3, 0, 1, "1",
     "Extra target formality of a unanimity board",
     "[004] (clear governance); calibrated: chosen so that a board is clearly more formal", NULL},
};

/* formality: 0 sets F = F* (initialisation), 1 applies the monthly update. */
void rs_attention_update(rs_world *w, const double *par, int formality)
{
    double lneed = par[rs_pi.at_lead];
    for (int i = 0; i < w->n; i++) {
        double L = 0, den = 0;
        for (int mk = w->ml_off[i]; mk < w->ml_off[i + 1]; mk++) {
            int q = w->ml[mk];
            int p = w->sp[q];
            if (!w->live[q] || !PS_LIVE(w->st[p])) continue;
            double nd = w->lead[p] == i ? lneed : 1;
            double wq = w->piw[(size_t)i * RS_ND + w->dom[p]];
            L += nd;
            den += nd * wq;
            w->ad[q] = wq; /* kept for the second pass */
        }
        w->L[i] = L;
        for (int mk = w->ml_off[i]; mk < w->ml_off[i + 1]; mk++) {
            int q = w->ml[mk];
            int p = w->sp[q];
            if (!w->live[q] || !PS_LIVE(w->st[p])) continue;
            double wq = w->ad[q];
            double ad = den > 0 ? w->C[i] * wq / den : 1;
            w->ad[q] = ad < 1 ? ad : 1;
        }
    }
    int gov = (int)par[rs_pi.fa_gov];
    double rate = par[rs_pi.at_frate];
    for (int p = 0; p < w->np; p++) {
        if (!PS_LIVE(w->st[p]) || w->mp[p] < 1) continue;
        double sn = 0, sa = 0;
        for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) {
            if (!w->live[a]) continue;
            double nd = w->lead[p] == w->mu[a] ? lneed : 1;
            sn += nd; sa += nd * w->ad[a];
        }
        w->abar[p] = sn > 0 ? sa / sn : 1;
        double fb = gov == GOV_UNANIMITY ? par[rs_pi.at_board] : 0;
        double ft = rs_clamp(fb + par[rs_pi.at_fsize] * w->lnhalf[w->mp[p]] + par[rs_pi.at_fthin] * (1 - w->abar[p]), 0, 1);
        if (!formality) w->F[p] = ft;
        else w->F[p] = rs_clamp(w->F[p] + (ft > w->F[p] ? rate : rate / 5) * (ft - w->F[p]), 0, 1);
    }
}

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)rng; (void)month;
    rs_attention_update(vw, ctx->par, 1);
}

const rs_mechanism rs_mech_attention = {
    "attention", "attention load and adequacy per membership; formality",
    params, sizeof params / sizeof params[0], NULL, step};
