/*
 * fairness.c - cost keys, say, payments, net benefit, success, fairness and
 * satisfaction (docs/model.md 7.6; [000], [001], [002], [004]).
 *
 * Key kap_ip: population z P_i / sum z P_j | equal 1/m | contribution A_ip / A_p.
 * Say sig_ip: largest, named: (1 - lam) P_i/S + lam [i == lead];
 *     shared: 0.5/m + 0.5 P_i/S;  unanimity: 1/m;  population: P_i/S.
 * Dom_i = max_{j != i} sig_jp,  gap_v = clamp((Dom_i - 1/m) / (1 - 1/m), 0, 1)
 * Producing p:
 *     pay_ip = kap (A_p - G_p + TC_p + KO_p),  NBm_ip = A_ip - pay_ip,  NB_ip = NBm_ip + kap Q_p
 *     succ_ip = logistic(NB_ip / (0.02 A_ip)),  beta_ip = [NB_ip]+ / sum [NB_jp]+
 *     gap_b = clamp((kap - beta) / kap, 0, 1),  fair = 1 - v gap_v - (1 - v) gap_b
 *     sd = clamp(1 - m sig, 0, 1)
 *     sat = clamp(0.8 (w succ + (1 - w) fair) + 0.2 ad - autonomy_weight a_i sd, 0, 1)
 */
#include <string.h>
#include "world.h"

static const char *const ch_governance[] = {"largest", "named", "shared_commissioning", "unanimity_board", "population_weighted", NULL};
static const char *const ch_sharing_key[] = {"population", "equal", "contribution", NULL};
static const rs_param_def params[] = {
    {"fairness.governance", RS_PARAM_ENUM, 0, 0, 0, "1",
     "Who leads and how say is divided in every partnership",
     "[002]; [001]; [000]", ch_governance},
    {"fairness.lead", RS_PARAM_MUNI, -1, -1, 1e9, "1",
     "Lead (regie) municipality when fairness.governance = named (used where it is a member)",
     "[002]", NULL},
    {"fairness.lead_voice", RS_PARAM_REAL, 0.4, 0, 1, "1",
     "Share of say that goes with the lead role",
     "[002]; calibrated: chosen so that a lead holds clearly more say than an equal member", NULL},
    {"fairness.sharing_key", RS_PARAM_ENUM, 2, 0, 0, "1",
     "Key by which members pay the partnership's costs and share its value",
     "[000]; calibrated: chosen so that every member of a partnership that creates value gains (population, the usual key in Dutch practice, makes the largest member pay for the others and deadlocks pooled funds, pattern 2)", ch_sharing_key},
    {"fairness.voice_weight", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Weight of dominance by another member (vs the benefit-share gap) in felt fairness",
     "[000] (fear of the small of being swallowed)", NULL},
    {"fairness.success_weight", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Weight of success (vs fairness) in satisfaction",
     "calibrated: chosen so that money and fairness count equally", NULL},
    {"fairness.autonomy_mean", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Mean autonomy preference (reluctance to give up say)",
     "[004]", NULL},
    {"fairness.autonomy_weight", RS_PARAM_REAL, 0.3, 0, 1, "1",
     "Satisfaction lost per unit of autonomy preference times say deficit",
     "[004]", NULL},
    {"fairness.small_ratio", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "A member is small in a partnership when its population is below this share of the largest member's",
     "[000]; calibrated: observation threshold", NULL},
};

void rs_fair_keys(rs_world *w, const double *par, int p)
{
    int o = w->off[p], e = o + w->ns[p], m = w->mp[p];
    if (m < 1) return;
    int key = (int)par[rs_pi.fa_key], gov = (int)par[rs_pi.fa_gov];
    double lam = par[rs_pi.fa_voice], S = 0, zP = 0, A = 0;
    int d = w->dom[p];
    for (int a = o; a < e; a++) {
        if (!w->live[a]) continue;
        double P = w->pop[w->mu[a]];
        S += P; zP += w->z[a] * P; A += w->z[a] * P * rs_unit_cost_own(w, w->mu[a], d);
    }
    if (key == KEY_CONTRIBUTION && !(A > 0)) key = KEY_POPULATION;
    int lead = w->lead[p];
    int haslead = 0;
    for (int a = o; a < e; a++) haslead |= w->live[a] && w->mu[a] == lead;
    for (int a = o; a < e; a++) {
        if (!w->live[a]) { w->kap[a] = w->sig[a] = 0; continue; }
        double P = w->pop[w->mu[a]];
        w->kap[a] = key == KEY_EQUAL ? 1.0 / m : key == KEY_CONTRIBUTION ? w->z[a] * P * rs_unit_cost_own(w, w->mu[a], d) / A : w->z[a] * P / zP;
        switch (gov) {
        case GOV_LARGEST: case GOV_NAMED:
            w->sig[a] = haslead ? (1 - lam) * P / S + lam * (w->mu[a] == lead) : P / S; break;
        case GOV_SHARED: w->sig[a] = 0.5 / m + 0.5 * P / S; break;
        case GOV_UNANIMITY: w->sig[a] = 1.0 / m; break;
        default: w->sig[a] = P / S;
        }
    }
}

void rs_fair_partnership(rs_world *w, const double *par, int p)
{
    int o = w->off[p], e = o + w->ns[p], m = w->mp[p];
    if (m < 1) return;
    double s1 = -1, s2 = -1, pos = 0;
    int a1 = -1;
    for (int a = o; a < e; a++) {
        if (!w->live[a]) continue;
        if (w->sig[a] > s1) { s2 = s1; s1 = w->sig[a]; a1 = a; }
        else if (w->sig[a] > s2) s2 = w->sig[a];
    }
    double cost = w->A[p] - w->G[p] + w->TC[p] + w->KO[p];
    w->Vf[p] = w->V[p];
    for (int a = o; a < e; a++) {
        if (!w->live[a]) continue;
        w->pay[a] = w->kap[a] * cost;
        w->NBm[a] = w->Aip[a] - w->pay[a];
        w->NBs[a] = w->NBm[a] + w->kap[a] * w->Q[p];
        if (w->NBs[a] > 0) pos += w->NBs[a];
    }
    double vw = par[rs_pi.fa_vw], sw = par[rs_pi.fa_sw], aw = par[rs_pi.fa_aw];
    /* dominance gap: the largest other say, s2 for the dominant member a1 */
    double gv1 = m > 1 ? rs_clamp((s1 - 1.0 / m) / (1 - 1.0 / m), 0, 1) : 0;
    double gv2 = m > 1 ? rs_clamp((s2 - 1.0 / m) / (1 - 1.0 / m), 0, 1) : 0;
    for (int a = o; a < e; a++) {
        if (!w->live[a]) continue;
        w->succ[a] = w->Aip[a] > 0 ? rs_logistic(w->NBs[a] / (0.02 * w->Aip[a])) : 0.5;
        double beta = pos > 0 ? (w->NBs[a] > 0 ? w->NBs[a] / pos : 0) : w->kap[a];
        double gb = w->kap[a] > 0 ? rs_clamp((w->kap[a] - beta) / w->kap[a], 0, 1) : 0;
        double gv = a == a1 ? gv2 : gv1;
        w->fair[a] = 1 - vw * gv - (1 - vw) * gb;
        double sd = rs_clamp(1 - m * w->sig[a], 0, 1);
        w->sats[a] = rs_clamp(0.8 * (sw * w->succ[a] + (1 - sw) * w->fair[a]) + 0.2 * w->ad[a]
                              - aw * w->a[w->mu[a]] * sd, 0, 1);
    }
}

/* NB_i, money_i, sat_i from the producing memberships. */
void rs_fair_municipalities(rs_world *w)
{
    for (int i = 0; i < w->n; i++) {
        double nb = 0, mo = 0, sat = 0;
        int k = 0;
        for (int mk = w->ml_off[i]; mk < w->ml_off[i + 1]; mk++) {
            int q = w->ml[mk];
            if (!w->live[q] || !PS_PROD(w->st[w->sp[q]])) continue;
            nb += w->NBs[q]; mo += w->NBm[q]; sat += w->sats[q]; k++;
        }
        w->NB[i] = nb; w->money[i] = mo; w->sat[i] = k ? sat / k : 0.5;
    }
}

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)rng; (void)month;
    rs_world *w = vw;
    for (int p = 0; p < w->np; p++) {
        if (!PS_LIVE(w->st[p])) continue;
        /* Keys and say (kap, sig) depend on the live members and the lead
         * only: they are recomputed where those change (world_reset,
         * formation, rs_exit), not here every month. The sanitizer builds
         * verify that they are current. */
#ifdef REGSIM_CHECKS
        {
            int o = w->off[p], ns = w->ns[p];
            memcpy(w->xbuf, w->kap + o, (size_t)ns * sizeof(double));
            memcpy(w->ckey, w->sig + o, (size_t)ns * sizeof(double));
            rs_fair_keys(w, ctx->par, p);
            for (int a = 0; a < ns; a++) RS_CHECK(w->xbuf[a] == w->kap[o + a] && w->ckey[a] == w->sig[o + a]);
        }
#endif
        if (PS_PROD(w->st[p])) rs_fair_partnership(w, ctx->par, p);
        else
            for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) w->pay[a] = w->NBm[a] = w->NBs[a] = 0;
    }
    rs_fair_municipalities(w);
}

const rs_mechanism rs_mech_fairness = {
    "fairness", "cost keys, say, payments, net benefit, success, fairness and satisfaction",
    params, sizeof params / sizeof params[0], NULL, step};
