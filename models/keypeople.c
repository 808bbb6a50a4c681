/*
 * keypeople.c - carriers of relational capital (docs/model.md 7.2; [004]).
 *
 * Hazards per month: civil servant h_cs = 1 - (1 - staff_hazard)^(1/12)
 * (and retirement at 67), alderman h_al = 1 - (1 - 0.06)^(1/12), plus
 * election_turnover at an election in the home municipality.
 * Departure of the carrier of slot c (home h), k_occ occupied slots before:
 *     RC_p <- RC_p (1 - rc_loss / k_occ)
 *     x = trust_loss (1 - I_p) / k_occ;  T[h][j], T[j][h] <- (1 - x) T  for live members j
 *     vacant until t + succession_delay (or the event's value)
 * Vacancy share v_p enters performance as 1 - vacancy_penalty (1 - I_p) v_p (7.4).
 * Relational capital of producing p (Tm_p mean co-member trust, sbar mean success):
 *     RC_p <- clamp(RC_p + rc_rate [(1 - RC_p) Tm_p (1 - v_p) - RC_p (1 - sbar_p)], 0, 1)
 * Carrier slots (5.3): slot 0 the convener, then the other live members by
 * decreasing population, wrapping; alderman w.p. alderman_share; age
 * Normal(age_mean, 13) redrawn until in [23, 66.9]; tenure 0..59 at t = 0.
 */
#include <gsl/gsl_randist.h>
#include "world.h"

static const rs_param_def params[] = {
    {"keypeople.carriers", RS_PARAM_INT, 1, 1, 5, "count",
     "Key people carrying each partnership (more than 1 = backups)",
     "[004]", NULL},
    {"keypeople.institutionalisation", RS_PARAM_REAL, 0.3, 0, 1, "1",
     "Share of a partnership's working capital held in documented processes rather than in people",
     "[004]", NULL},
    {"keypeople.succession_delay", RS_PARAM_INT, 6, 0, 36, "month",
     "Months a carrier's post stays vacant before the successor arrives",
     "calibrated: chosen so that a vacancy lasts about one recruitment round", NULL},
    {"keypeople.staff_hazard", RS_PARAM_REAL, 0.06, 0, 0.5, "1/year",
     "Annual non-retirement outflow of civil-servant carriers (retirement is by age)",
     "CBS staff outflow (8-9% a year including retirement)", NULL},
    {"keypeople.age_mean", RS_PARAM_REAL, 47, 25, 60, "year",
     "Mean age of civil-servant carriers at the start and of successors",
     "CBS staff outflow (average age 47, 17% over 60)", NULL},
    {"keypeople.alderman_share", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Share of carriers who are aldermen (the rest are civil servants)",
     "calibrated: chosen so that administrative and civil-service carriers are equally common", NULL},
    {"keypeople.election_turnover", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Probability that an alderman carrier is replaced at an election",
     "calibrated: chosen so that about half of aldermen do not return after an election", NULL},
    {"keypeople.rc_initial", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Relational capital of a partnership at the start or at formation",
     "calibrated: chosen so that a new partnership starts halfway", NULL},
    {"keypeople.rc_loss", RS_PARAM_REAL, 0.6, 0, 1, "1",
     "Share of relational capital lost when the only carrier leaves (divided by the number of carriers)",
     "[004]; calibrated: chosen so that a fragile partnership falls below membership.orphan_capital", NULL},
    {"keypeople.trust_loss", RS_PARAM_REAL, 0.3, 0, 1, "1",
     "Share of trust between the leaver's municipality and its partners lost, before scaling by (1 - institutionalisation) / carriers",
     "[004]", NULL},
    {"keypeople.vacancy_penalty", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Performance lost while all carrier posts are vacant, before scaling by (1 - institutionalisation)",
     "[004]", NULL},
    {"keypeople.rc_rate", RS_PARAM_REAL, 0.05, 0, 1, "1/month",
     "Rate at which relational capital grows with trust and carriers and erodes without success",
     "calibrated: chosen so that a successor rebuilds half the capital in about 18 months", NULL},
};

double rs_carrier_age(const double *par, gsl_rng *r)
{
    for (int k = 0; k < 1000; k++) {
        double a = par[rs_pi.kp_age] + gsl_ran_gaussian(r, 13);
        if (a >= 23 && a <= 66.9) return a;
    }
    return par[rs_pi.kp_age];
}

void rs_carriers_init(rs_world *w, const double *par, int p, gsl_rng *r, int initial)
{
    int k = (int)par[rs_pi.kp_carriers], o = w->off[p], e = o + w->ns[p];
    int prev = -1; /* home of the previous slot, to walk members by decreasing population */
    double prevpop = INFINITY;
    for (int c = 0; c < k; c++) {
        int home;
        if (c == 0) home = w->conv[p];
        else {
            /* next live member after prev in (population desc, index asc), excluding the convener */
            home = -1;
            for (int pass = 0; pass < 2 && home < 0; pass++) {
                for (int a = o; a < e; a++) {
                    if (!w->live[a]) continue;
                    int i = w->mu[a];
                    if (i == w->conv[p]) continue;
                    double P = w->pop[i];
                    int after = pass == 1 || P < prevpop || (P == prevpop && i > prev);
                    if (!after) continue;
                    if (home < 0 || P > w->pop[home] || (P == w->pop[home] && i < home)) home = i;
                }
                if (home < 0) { prevpop = INFINITY; prev = -1; }
            }
            if (home < 0) home = w->conv[p]; /* only the convener is a member */
            prev = home; prevpop = w->pop[home];
        }
        int q = p * w->KC + c;
        w->c_home[q] = home;
        w->c_kind[q] = gsl_rng_uniform(r) < par[rs_pi.kp_alder];
        w->c_age[q] = rs_carrier_age(par, r);
        w->c_ten[q] = initial ? (int)gsl_rng_uniform_int(r, 60) : 0;
        w->c_vac[q] = 0; w->c_due[q] = 0; w->c_vstart[q] = 0;
    }
    for (int c = k; c < w->KC; c++) w->c_vac[p * w->KC + c] = 0;
}

static int is_live_member(const rs_world *w, int p, int i)
{
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++)
        if (w->live[a] && w->mu[a] == i) return 1;
    return 0;
}

static void depart(rs_world *w, rs_run_ctx *ctx, int p, int c, int delay, int month)
{
    const double *par = ctx->par;
    int k = (int)par[rs_pi.kp_carriers], kocc = 0;
    for (int d = 0; d < k; d++) kocc += !w->c_vac[p * w->KC + d];
    if (kocc < 1) kocc = 1;
    int q = p * w->KC + c, h = w->c_home[q];
    double rc0 = w->RC[p];
    w->RC[p] *= 1 - par[rs_pi.kp_rcloss] / kocc;
    double x = par[rs_pi.kp_tloss] * (1 - w->I[p]) / kocc;
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) {
        int j = w->mu[a];
        if (!w->live[a] || j == h) continue;
        rs_trust_set(w, h, j, rs_trust_get(w, h, j) * (1 - x));
        rs_trust_set(w, j, h, rs_trust_get(w, j, h) * (1 - x));
    }
    w->c_vac[q] = 1; w->c_due[q] = month + delay; w->c_vstart[q] = month;
    w->departures_m++;
    rs_event_add(ctx->events, month, EV_KP_LEFT, p, h, rc0 - w->RC[p]);
}

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    rs_world *w = vw;
    const double *par = ctx->par;
    int k = (int)par[rs_pi.kp_carriers], delay0 = (int)par[rs_pi.kp_delay];
    double hcs = 1 - pow(1 - par[rs_pi.kp_hazard], 1.0 / 12), hal = 1 - pow(1 - 0.06, 1.0 / 12);
    double elt = par[rs_pi.kp_elturn], rate = par[rs_pi.kp_rcrate];
    for (int p = 0; p < w->np; p++) {
        if (!PS_LIVE(w->st[p])) continue;
        int forced[8], nf = 0;
        for (int c = 0; c < k; c++) {
            int q = p * w->KC + c;
            forced[c] = 0;
            if (w->c_vac[q] && month >= w->c_due[q]) {
                int h = w->c_home[q];
                if (!is_live_member(w, p, h)) w->c_home[q] = w->conv[p];
                w->c_vac[q] = 0; w->c_age[q] = rs_carrier_age(par, rng); w->c_ten[q] = 0;
                rs_event_add(ctx->events, month, EV_SUCCESSOR, p, w->c_home[q], month - w->c_vstart[q]);
            }
        }
        if (w->sched_on)
            for (int e = w->ev_lo; e < w->ev_hi; e++) {
                const rs_sched_event *ev = &w->sc->events[e];
                if (ev->kind != SE_KP_LEAVES || ev->partnership != p) continue;
                int cc = -1;
                for (int c = 0; c < k && cc < 0; c++)
                    if (!w->c_vac[p * w->KC + c] && (ev->municipality < 0 || w->c_home[p * w->KC + c] == ev->municipality))
                        cc = c;
                if (cc < 0) continue;
                int d = isnan(ev->value) ? delay0 : (int)lround(ev->value);
                depart(w, ctx, p, cc, d, month);
                forced[cc] = 1; nf++;
                if (d == 0) {
                    int q = p * w->KC + cc;
                    w->c_vac[q] = 0; w->c_age[q] = rs_carrier_age(par, rng); w->c_ten[q] = 0;
                    rs_event_add(ctx->events, month, EV_SUCCESSOR, p, w->c_home[q], 0);
                }
            }
        for (int c = 0; c < k; c++) {
            int q = p * w->KC + c;
            if (w->c_vac[q] || forced[c]) continue;
            w->c_age[q] += 1.0 / 12; w->c_ten[q]++;
            double u1 = gsl_rng_uniform(rng);
            int leave = w->c_kind[q] ? u1 < hal : (w->c_age[q] >= 67 || u1 < hcs);
            if (w->c_kind[q] && w->elec[w->c_home[q]] && gsl_rng_uniform(rng) < elt) leave = 1;
            if (!leave) continue;
            depart(w, ctx, p, c, delay0, month);
            if (delay0 == 0) {
                w->c_vac[q] = 0; w->c_age[q] = rs_carrier_age(par, rng); w->c_ten[q] = 0;
                rs_event_add(ctx->events, month, EV_SUCCESSOR, p, w->c_home[q], 0);
            }
        }
        if (!PS_PROD(w->st[p])) continue;
        int nv = 0;
        double sb = 0;
        for (int c = 0; c < k; c++) nv += w->c_vac[p * w->KC + c];
        for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) if (w->live[a]) sb += w->succ[a];
        sb = w->mp[p] > 0 ? sb / w->mp[p] : 0;
        double v = (double)nv / k, rc = w->RC[p];
        w->RC[p] = rs_clamp(rc + rate * ((1 - rc) * w->Tm[p] * (1 - v) - rc * (1 - sb)), 0, 1);
    }
}

const rs_mechanism rs_mech_keypeople = {
    "keypeople", "carriers age, leave and are succeeded; relational capital grows and erodes",
    params, sizeof params / sizeof params[0], NULL, step};
