/*
 * calendar.c - the model's clock (docs/model.md 7.1). Runs first each month.
 *
 *     dec_i(t)  = ((t - 1 - phi_i) mod calendar.decision_interval == 0)
 *     election:  t >= first_election and (t - first_election) mod election_interval == 0
 *     at an election: pi_i <- (1 - priority_shift) pi_i + priority_shift g,  g ~ Dirichlet(2,...,2)
 * Scheduled events of month t (when calendar.scheduled_events): kpi_cap,
 * election and budget_change are applied here; keyperson_leaves,
 * member_exit, fund_open and joint_evaluation are left, as the range
 * [ev_lo, ev_hi) of this month's events, to keypeople, membership,
 * pooledfund and kpi. Planned partnerships whose start month is t start
 * forming (tf = t + 3), their member pairs start sharing a partnership.
 */
#include <gsl/gsl_randist.h>
#include "world.h"

static const rs_param_def params[] = {
    {"calendar.decision_interval", RS_PARAM_INT, 3, 1, 12, "month",
     "Months between a council's decision opportunities (budget cycle)",
     "[004]; calibrated: chosen so that a council has four decision moments a year", NULL},
    {"calendar.stagger", RS_PARAM_BOOL, 1, 0, 1, "1",
     "Councils decide in staggered months (random phase) rather than all in the same month",
     "[004] (decisions 'op verschillende momenten')", NULL},
    {"calendar.election_interval", RS_PARAM_INT, 48, 12, 120, "month",
     "Months between municipal elections",
     "calibrated: chosen so that elections follow the Dutch four-year council term", NULL},
    {"calendar.first_election", RS_PARAM_INT, 15, 1, 240, "month",
     "Month of the first election (month 1 = January 2025 puts March 2026 at 15)",
     "calibrated: chosen so that month 1 is January 2025", NULL},
    {"calendar.priority_shift", RS_PARAM_REAL, 0.3, 0, 1, "1",
     "Weight of a fresh random draw in a municipality's priorities at an election",
     "calibrated: chosen so that priorities change noticeably but not completely per election", NULL},
    {"calendar.scheduled_events", RS_PARAM_BOOL, 1, 0, 1, "1",
     "Apply the scenario's scheduled events (false gives a control variant on the same draws)",
     "calibrated: modelling switch", NULL},
};

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    rs_world *w = vw;
    const double *par = ctx->par;
    const rs_scenario *sc = w->sc;
    w->month = month;
    int di = (int)par[rs_pi.cal_dec], fe = (int)par[rs_pi.cal_first], ei = (int)par[rs_pi.cal_elint];
    int elect = month >= fe && (month - fe) % ei == 0;
    for (int i = 0; i < w->n; i++) {
        w->dec[i] = (((month - 1 - w->phi[i]) % di) + di) % di == 0;
        w->elec[i] = elect;
    }
    /* this month's scheduled events */
    int k = w->ev_hi;
    while (k < sc->nevents && sc->events[k].month < month) k++;
    w->ev_lo = k;
    while (k < sc->nevents && sc->events[k].month == month) k++;
    w->ev_hi = k;
    if (w->sched_on)
        for (k = w->ev_lo; k < w->ev_hi; k++) {
            const rs_sched_event *e = &sc->events[k];
            if (e->kind == SE_KPI_CAP) {
                for (int p = 0; p < w->np; p++) {
                    if (e->partnership >= 0 && e->partnership != p) continue;
                    w->kr[p] = KPI_CAP;
                    w->kc[p] = (int)lround(e->value);
                    if (w->K[p] > w->kc[p]) w->K[p] = w->kc[p];
                    rs_event_add(ctx->events, month, EV_KPI_CAP, p, -1, w->kc[p]);
                }
            } else if (e->kind == SE_ELECTION) {
                for (int i = 0; i < w->n; i++)
                    if (e->municipality < 0 || e->municipality == i) w->elec[i] = 1;
            } else if (e->kind == SE_BUDGET_CHANGE) {
                for (int i = 0; i < w->n; i++)
                    if (e->municipality < 0 || e->municipality == i) {
                        w->B[i] *= 1 + e->value;
                        rs_event_add(ctx->events, month, EV_BUDGET_CHANGE, -1, i, e->value);
                    }
            }
        }
    double alpha[RS_ND], g[RS_ND], sh = par[rs_pi.cal_shift];
    for (int d = 0; d < RS_ND; d++) alpha[d] = 2.0;
    for (int i = 0; i < w->n; i++) {
        if (!w->elec[i]) continue;
        gsl_ran_dirichlet(rng, RS_ND, alpha, g);
        double *pi = w->pi + (size_t)i * RS_ND, s = 0;
        for (int d = 0; d < RS_ND; d++) { pi[d] = (1 - sh) * pi[d] + sh * g[d]; s += pi[d]; }
        for (int d = 0; d < RS_ND; d++) pi[d] /= s;
        rs_pi_weights(w, i);
        rs_event_add(ctx->events, month, EV_ELECTION, -1, i, NAN);
    }
    for (int p = 0; p < w->np; p++) {
        if (w->st[p] != PS_PLANNED || w->t0[p] != month) continue;
        w->st[p] = PS_FORMING;
        w->tf[p] = month + RS_FORMING;
        rs_pair_share(w, p, +1);
        w->formed_m++;
        rs_event_add(ctx->events, month, EV_FORMED, p, w->conv[p], w->mp[p]);
    }
}

const rs_mechanism rs_mech_calendar = {
    "calendar", "decision months, elections, scheduled events, planned partnerships start forming",
    params, sizeof params / sizeof params[0], NULL, step};
