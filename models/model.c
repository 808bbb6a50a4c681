/*
 * model.c - the cooperation model (docs/model.md): its world (alloc,
 * reset, observe, check), the validation of scheduled events, shared
 * helpers (pair counts, lead and convener) and the list of mechanisms run
 * each month, in this order (section 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "world.h"

static const rs_mechanism *const mechanisms[] = {
    &rs_mech_calendar,  &rs_mech_keypeople, &rs_mech_pooledfund, &rs_mech_production,
    &rs_mech_attention, &rs_mech_fairness,  &rs_mech_kpi,        &rs_mech_trust,
    &rs_mech_membership, &rs_mech_budget,
};

enum {
    S_ACTIVE, S_FUNDING, S_COOLING, S_DISSOLVED, S_FORMED, S_MEMBERS, S_MEANMEM, S_TRUST, S_RC,
    S_FORMALITY, S_ATTENTION, S_COSTALONE, S_GROSS, S_TX, S_KPIO, S_NET, S_QUALITY, S_SRATE,
    S_SRATE_TAX, S_SPENDING, S_KPICOUNT, S_KPIMEAN, S_FUNDS, S_FUNDWAIT, S_FUNDED, S_FFAILED,
    S_FWAITFUNDED, S_EXITS, S_KPDEP, S_VAC, S_GINI, S_SAT, S_SATSMALL, S_SUCC, S_SUCCFEW,
    S_SUCCMANY, S_NSERIES
};

static const rs_series_def series[] = {
    {"active_partnerships", "count", "partnerships in state active (stock)"},
    {"funding_partnerships", "count", "partnerships waiting for their start-up fund (stock)"},
    {"cooling_partnerships", "count", "partnerships in state cooling (stock)"},
    {"dissolved_partnerships", "count", "partnerships dissolved or failed so far (stock)"},
    {"formed_partnerships", "count", "partnerships that started forming this month (flow)"},
    {"members", "count", "memberships of live partnerships (forming to cooling)"},
    {"mean_memberships", "count", "live memberships per municipality, mean over municipalities"},
    {"mean_trust", "1", "mean trust between co-members of producing partnerships (0 when none)"},
    {"relational_capital_mean", "1", "mean working capital W of producing partnerships"},
    {"formality_mean", "1", "mean formality of producing partnerships"},
    {"attention_mean", "1", "mean attention adequacy of memberships of producing partnerships"},
    {"cost_alone", "EUR/month", "standalone cost of the pooled functions of producing partnerships"},
    {"gross_savings", "EUR/month", "realised gross savings from scale"},
    {"transaction_costs", "EUR/month", "coordination and fixed membership costs"},
    {"kpi_overhead", "EUR/month", "cost of monitoring (KPIs)"},
    {"net_value", "EUR/month", "gross savings minus transaction costs and KPI overhead"},
    {"quality_value", "EUR/month", "value of quality and lower vulnerability (not a spending cut)"},
    {"savings_rate", "1", "net value / cost alone"},
    {"savings_rate_tax", "1", "net value / cost alone, tax partnerships only"},
    {"spending_change", "1", "change of total municipal spending: -net value / sum of monthly budgets"},
    {"kpi_count", "count", "KPIs of producing partnerships"},
    {"kpi_mean", "count", "KPIs per producing partnership"},
    {"funds_waiting", "count", "open pooled funds (stock)"},
    {"fund_wait_mean", "month", "mean months open of the open funds"},
    {"projects_funded", "count", "funds paid this month (flow)"},
    {"projects_failed", "count", "funds failed this month (flow)"},
    {"fund_wait_funded_mean", "month", "mean wait of all funds paid so far"},
    {"exits", "count", "member exits this month (flow)"},
    {"keyperson_departures", "count", "key people who left this month (flow)"},
    {"vacancies", "count", "vacant carrier posts (stock)"},
    {"gini_net_benefit", "1", "Gini of net benefit per inhabitant across municipalities with memberships"},
    {"satisfaction_mean", "1", "mean satisfaction of memberships of producing partnerships"},
    {"satisfaction_small", "1", "mean satisfaction of small members (7.6) of producing partnerships"},
    {"success_share", "1", "share of producing memberships that succeed"},
    {"success_few", "1", "success share, municipalities with 6-15 live memberships"},
    {"success_many", "1", "success share, municipalities with over 40 live memberships"},
};

enum { M_TRUST, M_BENEFIT, M_MEMBERSHIPS, M_RESERVES, M_SAT, M_ATT, M_N };

static const rs_series_def muni_series[] = {
    {"muni_trust_received", "1", "mean trust of co-members in this municipality"},
    {"muni_net_benefit", "EUR/month", "net benefit (money and quality) from all memberships"},
    {"muni_memberships", "count", "live memberships"},
    {"muni_reserves", "EUR", "reserves"},
    {"muni_satisfaction", "1", "mean satisfaction over producing memberships"},
    {"muni_attention", "1", "mean attention adequacy over live memberships"},
};

static const char *const event_kinds[] = {
    "partnership_formed", "partnership_active", "partnership_cooling", "partnership_recovered",
    "partnership_dissolved", "partnership_failed", "member_exit", "keyperson_left",
    "successor_arrived", "fund_requested", "pledge", "commit", "fund_paid", "fund_failed",
    "election", "kpi_review", "joint_evaluation", "kpi_cap", "budget_change",
    "proposal_rejected", NULL};
static const char *const sched_kinds[] = {"keyperson_leaves", "member_exit", "kpi_cap", "election",
                                          "budget_change", "fund_open", "joint_evaluation", NULL};

rs_pidx rs_pi;

static long need(const char *name)
{
    long k = rs_param_find(name);
    if (k < 0) abort(); /* a parameter table and this list disagree: a build bug */
    return k;
}

void rs_pidx_resolve(void)
{
    rs_pidx *p = &rs_pi;
    if (p->bu_sgain) return;
    p->cal_dec = need("calendar.decision_interval"); p->cal_stagger = need("calendar.stagger");
    p->cal_elint = need("calendar.election_interval"); p->cal_first = need("calendar.first_election");
    p->cal_shift = need("calendar.priority_shift"); p->cal_sched = need("calendar.scheduled_events");
    p->kp_carriers = need("keypeople.carriers"); p->kp_inst = need("keypeople.institutionalisation");
    p->kp_delay = need("keypeople.succession_delay"); p->kp_hazard = need("keypeople.staff_hazard");
    p->kp_age = need("keypeople.age_mean"); p->kp_alder = need("keypeople.alderman_share");
    p->kp_elturn = need("keypeople.election_turnover"); p->kp_rc0 = need("keypeople.rc_initial");
    p->kp_rcloss = need("keypeople.rc_loss"); p->kp_tloss = need("keypeople.trust_loss");
    p->kp_vacpen = need("keypeople.vacancy_penalty"); p->kp_rcrate = need("keypeople.rc_rate");
    p->pf_rule = need("pooledfund.rule"); p->pf_cofund = need("pooledfund.cofunder_share");
    p->pf_startup = need("pooledfund.startup_fund"); p->pf_cost = need("pooledfund.project_cost");
    p->pf_gain = need("pooledfund.project_gain"); p->pf_deadline = need("pooledfund.deadline");
    p->pf_cond = need("pooledfund.conditional_share"); p->pf_free = need("pooledfund.free_rider_share");
    p->pf_thr = need("pooledfund.conditional_threshold"); p->pf_teff = need("pooledfund.trust_effect");
    p->pf_lag = need("pooledfund.lag_trust_loss");
    p->pr_curv = need("production.curvature"); p->pr_dis = need("production.diseconomy");
    p->pr_tc = need("production.tc_rate"); p->pr_hub = need("production.hub_pair_share");
    p->pr_fixed = need("production.fixed_cost"); p->pr_drag = need("production.formality_drag");
    p->pr_ramp = need("production.ramp_months"); p->pr_qual = need("production.quality_rate");
    p->pr_will = need("production.willing_share"); p->pr_unwill = need("production.unwilling_penalty");
    p->at_cap = need("attention.capacity_base"); p->at_el = need("attention.capacity_elasticity");
    p->at_lead = need("attention.lead_need"); p->at_fsize = need("attention.formality_size");
    p->at_fthin = need("attention.formality_thin"); p->at_frate = need("attention.formality_rate");
    p->at_board = need("attention.board_formality");
    p->fa_gov = need("fairness.governance"); p->fa_lead = need("fairness.lead");
    p->fa_voice = need("fairness.lead_voice"); p->fa_key = need("fairness.sharing_key");
    p->fa_vw = need("fairness.voice_weight"); p->fa_sw = need("fairness.success_weight");
    p->fa_amean = need("fairness.autonomy_mean"); p->fa_aw = need("fairness.autonomy_weight");
    p->fa_small = need("fairness.small_ratio");
    p->kpi_rule = need("kpi.rule"); p->kpi_cap = need("kpi.cap");
    p->kpi_eshare = need("kpi.existing_data_share"); p->kpi_ecost = need("kpi.existing_data_cost");
    p->kpi_jint = need("kpi.joint_evaluation_interval"); p->kpi_jshare = need("kpi.joint_evaluation_share");
    p->kpi_init = need("kpi.initial"); p->kpi_useful = need("kpi.useful");
    p->kpi_cost = need("kpi.cost_share"); p->kpi_steer = need("kpi.steer_gain");
    p->kpi_thr = need("kpi.trust_threshold"); p->kpi_rate = need("kpi.demand_rate");
    p->tr_init = need("trust.initial"); p->tr_nb = need("trust.neighbour_bonus");
    p->tr_base = need("trust.base"); p->tr_lr = need("trust.learning_rate");
    p->tr_drift = need("trust.drift"); p->tr_rep = need("trust.reputation_recovery");
    p->me_hor = need("membership.planning_horizon"); p->me_thr = need("membership.exit_threshold");
    p->me_rev = need("membership.exit_reviews"); p->me_pay = need("membership.exit_payment_years");
    p->me_reploss = need("membership.exit_reputation_loss"); p->me_tloss = need("membership.exit_trust_loss");
    p->me_repval = need("membership.reputation_value"); p->me_cool = need("membership.cooling_threshold");
    p->me_coolmax = need("membership.cooling_max"); p->me_orph = need("membership.orphan_capital");
    p->me_orphh = need("membership.orphan_hazard"); p->me_prop = need("membership.proposal_rate");
    p->me_init = need("membership.initiative_mean"); p->me_invite = need("membership.invite_trust");
    p->me_maxnew = need("membership.max_new");
    p->bu_pc = need("budget.per_capita"); p->bu_spread = need("budget.per_capita_spread");
    p->bu_res = need("budget.initial_reserve"); p->bu_growth = need("budget.growth");
    p->bu_again = need("budget.autonomy_gain"); p->bu_skill = need("budget.skill_mean");
    p->bu_sgain = need("budget.skill_gain");
}

/* KPI count allowed by a rule (5, 7.7): cap -> kc, steer_only -> kpi.useful. */
int rs_kpi_limit(const double *par, int rule, int cap, int K)
{
    if (rule == KPI_CAP && K > cap) return cap;
    if (rule == KPI_STEER && K > (int)par[rs_pi.kpi_useful]) return (int)par[rs_pi.kpi_useful];
    return K;
}

/* Add delta to the shared-partnership count of every ordered pair of live
 * members of p (7.8). */
void rs_pair_share(rs_world *w, int p, int delta)
{
    int o = w->off[p], e = o + w->ns[p];
    for (int a = o; a < e; a++) {
        if (!w->live[a]) continue;
        for (int b = o; b < e; b++) {
            if (a == b || !w->live[b]) continue;
            rs_pair_share_add(w, w->mu[a], w->mu[b], delta);
        }
    }
}

/* Lead and convener (5.2) of p among its live members. */
void rs_lead_assign(rs_world *w, const double *par, int p)
{
    int gov = (int)par[rs_pi.fa_gov], named = (int)par[rs_pi.fa_lead];
    int largest = -1, has_named = 0, has_slead = 0;
    for (int s = w->off[p]; s < w->off[p] + w->ns[p]; s++) {
        if (!w->live[s]) continue;
        int i = w->mu[s];
        if (largest < 0 || w->pop[i] > w->pop[largest] || (w->pop[i] == w->pop[largest] && i < largest))
            largest = i;
        if (i == named) has_named = 1;
        if (i == w->slead[p]) has_slead = 1;
    }
    if (gov == GOV_LARGEST) w->lead[p] = largest;
    else if (gov == GOV_NAMED) w->lead[p] = has_named ? named : has_slead ? w->slead[p] : largest;
    else w->lead[p] = -1;
    w->conv[p] = w->lead[p] >= 0 ? w->lead[p] : has_slead ? w->slead[p] : largest;
}

/* Mean trust over ordered pairs of live members of p (7.8). */
void rs_mlist_build(rs_world *w)
{
    int n = w->n;
    /* counting sort: ml_off[i + 1] holds i's count, then (prefix sums,
     * moved up one place) i's start, used as i's fill cursor; filling
     * advances it to the start of i + 1, its final value */
    for (int i = 0; i <= n; i++) w->ml_off[i] = 0;
    for (int q = 0; q < w->nm; q++) w->ml_off[w->mu[q] + 1]++;
    for (int i = 0; i < n; i++) w->ml_off[i + 1] += w->ml_off[i];
    for (int i = n; i > 0; i--) w->ml_off[i] = w->ml_off[i - 1];
    for (int q = w->nm - 1; q >= w->nm0; q--) w->ml[w->ml_off[w->mu[q] + 1]++] = q;
    for (int q = 0; q < w->nm0; q++) w->ml[w->ml_off[w->mu[q] + 1]++] = q;
}

double rs_partnership_trust(const rs_world *w, int p)
{
    int o = w->off[p], e = o + w->ns[p], m = 0;
    int *J = w->tw_j; /* scratch: the live members, gathered once */
    for (int a = o; a < e; a++) if (w->live[a]) J[m++] = w->mu[a];
    double s = 0;
    if (PS_LIVE(w->st[p])) { /* every pair of live members shares p: no drift */
        for (int x = 0; x < m; x++) {
            for (int y = 0; y < x; y++) s += rs_trust_co_get(w, J[x], J[y]);
            for (int y = x + 1; y < m; y++) s += rs_trust_co_get(w, J[x], J[y]);
        }
    } else {
        for (int x = 0; x < m; x++)
            for (int y = 0; y < m; y++)
                if (y != x) s += rs_trust_get(w, J[x], J[y]);
    }
    const int k = m * (m - 1);
    return k ? s / k : 0;
}

double rs_par(const rs_run_ctx *ctx, const char *name) { return ctx->par[need(name)]; }

/* ---------------------------------------------------------------- alloc */

#define ALLOC(ptr, count) \
    do { size_t c_ = (size_t)(count); if (!((ptr) = rs_calloc(c_ > 0 ? c_ : 1, sizeof *(ptr)))) goto nomem; } while (0)

static void *world_alloc(const rs_scenario *sc, rs_error *err)
{
    rs_pidx_resolve();
    rs_world *w = rs_calloc(1, sizeof *w);
    if (!w) { rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory"); return NULL; }
    w->sc = sc;
    int n = w->n = sc->region.n;
    w->H = sc->horizon;
    w->pop = sc->region.population;
    int maxnew = 0, kc = 1;
    for (int k = 0; k < sc->nsets; k++) {
        int v = (int)sc->sets[k].values[rs_pi.me_maxnew], c = (int)sc->sets[k].values[rs_pi.kp_carriers];
        if (v > maxnew) maxnew = v;
        if (c > kc) kc = c;
    }
    int nm0 = 0;
    for (int p = 0; p < sc->npartnerships; p++) nm0 += sc->partnerships[p].nmembers;
    w->np0 = sc->npartnerships;
    w->NP = w->np0 + maxnew;
    w->NM = nm0 + 6 * maxnew;
    w->KC = kc;
    size_t N = (size_t)n, NP = (size_t)w->NP, NM = (size_t)w->NM, NC = NP * (size_t)kc;
    ALLOC(w->B, N); ALLOC(w->B0, N); ALLOC(w->R, N); ALLOC(w->pi, N * RS_ND); ALLOC(w->a, N);
    ALLOC(w->a0, N); ALLOC(w->s, N); ALLOC(w->l, N); ALLOC(w->rep, N); ALLOC(w->C, N);
    ALLOC(w->L, N); ALLOC(w->NB, N); ALLOC(w->money, N); ALLOC(w->paid, N); ALLOC(w->sat, N);
    ALLOC(w->will, N); ALLOC(w->type, N); ALLOC(w->phi, N); ALLOC(w->nmem, N); ALLOC(w->dec, N);
    ALLOC(w->elec, N); ALLOC(w->stamp, N); ALLOC(w->ml_off, N + 1); ALLOC(w->comem, N); ALLOC(w->nb_off, N + 1);
    ALLOC(w->nb, 2 * (size_t)sc->region.nedges); ALLOC(w->xbuf, N); ALLOC(w->cand, N); ALLOC(w->ckey, N);
    ALLOC(w->ucm, N * RS_ND); ALLOC(w->piw, N * RS_ND); ALLOC(w->obs_tr, N); ALLOC(w->obs_kt, N); ALLOC(w->lnhalf, N + 1);
    ALLOC(w->tw_j, N); ALLOC(w->tw_base, N); ALLOC(w->tw_ad, N); ALLOC(w->tw_rep, N);
    ALLOC(w->T, N * N); ALLOC(w->tsh, N * N); ALLOC(w->keep_pow, (size_t)w->H + 1);
    ALLOC(w->st, NP); ALLOC(w->dom, NP); ALLOC(w->t0, NP); ALLOC(w->ta, NP); ALLOC(w->tf, NP);
    ALLOC(w->lead, NP); ALLOC(w->conv, NP); ALLOC(w->slead, NP); ALLOC(w->mp, NP); ALLOC(w->off, NP);
    ALLOC(w->ns, NP); ALLOC(w->K, NP); ALLOC(w->kr, NP); ALLOC(w->kc, NP); ALLOC(w->je, NP);
    ALLOC(w->cm, NP); ALLOC(w->RC, NP); ALLOC(w->I, NP); ALLOC(w->F, NP); ALLOC(w->u, NP);
    ALLOC(w->Tm, NP); ALLOC(w->abar, NP); ALLOC(w->A, NP); ALLOC(w->Sc, NP); ALLOC(w->J, NP);
    ALLOC(w->Gs, NP); ALLOC(w->Phi, NP); ALLOC(w->G, NP); ALLOC(w->TC, NP); ALLOC(w->KO, NP);
    ALLOC(w->Q, NP); ALLOC(w->V, NP); ALLOC(w->Vf, NP); ALLOC(w->f_kind, NP); ALLOC(w->f_t0, NP); ALLOC(w->f_cost, NP); ALLOC(w->ucS, NP); ALLOC(w->ucv, NP);
    ALLOC(w->mu, NM); ALLOC(w->sp, NM); ALLOC(w->live, NM); ALLOC(w->low, NM); ALLOC(w->fs, NM);
    ALLOC(w->ml, NM); ALLOC(w->z, NM); ALLOC(w->kap, NM); ALLOC(w->sig, NM); ALLOC(w->ad, NM);
    ALLOC(w->Aip, NM); ALLOC(w->pay, NM); ALLOC(w->NBm, NM); ALLOC(w->NBs, NM); ALLOC(w->succ, NM);
    ALLOC(w->fair, NM); ALLOC(w->sats, NM);
    ALLOC(w->c_home, NC); ALLOC(w->c_kind, NC); ALLOC(w->c_ten, NC); ALLOC(w->c_vac, NC);
    ALLOC(w->c_due, NC); ALLOC(w->c_vstart, NC); ALLOC(w->c_age, NC);
    for (int m = 1; m <= n; m++) w->lnhalf[m] = log(m / 2.0);
    /* neighbours (CSR) */
    const rs_region *rg = &sc->region;
    for (int e = 0; e < rg->nedges; e++) { w->nb_off[rg->edge_a[e] + 1]++; w->nb_off[rg->edge_b[e] + 1]++; }
    for (int i = 0; i < n; i++) w->nb_off[i + 1] += w->nb_off[i];
    for (int i = 0; i < n; i++) w->stamp[i] = 0;
    for (int e = 0; e < rg->nedges; e++) {
        int a = rg->edge_a[e], b = rg->edge_b[e];
        w->nb[w->nb_off[a] + w->stamp[a]++] = b;
        w->nb[w->nb_off[b] + w->stamp[b]++] = a;
    }
    /* scope of scenario memberships (5.1): z = 1 / partnerships of the domain holding i;
     * fixed for every run, so computed once here */
    {
        int *cnt = rs_calloc(N * RS_ND, sizeof(int));
        if (!cnt) goto nomem;
        for (int p = 0; p < sc->npartnerships; p++)
            for (int a = 0; a < sc->partnerships[p].nmembers; a++)
                cnt[(size_t)sc->partnerships[p].members[a] * RS_ND + sc->partnerships[p].domain]++;
        int s = 0;
        for (int p = 0; p < sc->npartnerships; p++)
            for (int a = 0; a < sc->partnerships[p].nmembers; a++, s++)
                w->z[s] = 1.0 / cnt[(size_t)sc->partnerships[p].members[a] * RS_ND + sc->partnerships[p].domain];
        free(cnt);
    }
    return w;
nomem:
    rs_error_set(err, RS_ENOMEM, NULL, 0, NULL, "out of memory for a world of %d municipalities", n);
    rs_coop_world_free(w);
    return NULL;
}

void rs_coop_world_free(void *vw)
{
    rs_world *w = vw;
    if (!w) return;
    void *ptrs[] = {
        w->B, w->B0, w->R, w->pi, w->a, w->a0, w->s, w->l, w->rep, w->C, w->L, w->NB, w->money,
        w->paid, w->sat, w->will, w->type, w->phi, w->nmem, w->dec, w->elec, w->stamp, w->ml_off, w->comem,
        w->nb_off, w->nb, w->xbuf, w->cand, w->ckey, w->ucm, w->piw, w->obs_tr, w->obs_kt, w->lnhalf, w->tw_j, w->tw_base, w->tw_ad, w->tw_rep, w->T, w->tsh, w->keep_pow, w->st, w->dom, w->t0, w->ta,
        w->tf, w->lead, w->conv, w->slead, w->mp, w->off, w->ns, w->K, w->kr, w->kc, w->je, w->cm,
        w->RC, w->I, w->F, w->u, w->Tm, w->abar, w->A, w->Sc, w->J, w->Gs, w->Phi, w->G, w->TC,
        w->KO, w->Q, w->V, w->Vf, w->f_kind, w->f_t0, w->f_cost, w->ucS, w->ucv, w->mu, w->sp, w->live, w->low, w->fs,
        w->ml, w->z, w->kap, w->sig, w->ad, w->Aip, w->pay, w->NBm, w->NBs, w->succ, w->fair,
        w->sats, w->c_home, w->c_kind, w->c_ten, w->c_vac, w->c_due, w->c_vstart, w->c_age};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++) free(ptrs[k]);
    free(w);
}

/* ---------------------------------------------------------------- reset (section 5) */

static double beta_mean(gsl_rng *r, double m)
{
    if (m <= 0) return 0;
    if (m >= 1) return 1;
    return gsl_ran_beta(r, 4 * m, 4 * (1 - m));
}

/* Carrier slots of p (5.3): slot 0 the convener, then the other live members
 * by decreasing population, wrapping; kind, age, tenure drawn from r. */
void rs_carriers_init(rs_world *w, const double *par, int p, gsl_rng *r, int initial);
double rs_carrier_age(const double *par, gsl_rng *r);

static rs_status world_reset(void *vw, rs_run_ctx *ctx, rs_error *err)
{
    (void)err;
    rs_world *w = vw;
    const rs_scenario *sc = w->sc;
    const double *par = ctx->par;
    gsl_rng **rng = ctx->rng;
    int n = w->n;
    w->month = 0;
    w->ev_lo = w->ev_hi = 0;
    w->sched_on = par[rs_pi.cal_sched] != 0;
    w->dissolved = w->formed_m = w->funded_m = w->failed_m = w->exits_m = w->departures_m = 0;
    w->funded_wait_sum = 0;
    w->funded_n = 0;
    w->tbase = par[rs_pi.tr_base];
    w->keep_pow[0] = 1;
    for (int t = 1; t <= w->H; t++) w->keep_pow[t] = w->keep_pow[t - 1] * (1 - par[rs_pi.tr_drift]);
    for (int i = 0; i < n; i++)
        for (int d = 0; d < RS_ND; d++) w->ucm[(size_t)i * RS_ND + d] = rs_unit_cost(w, par, d, w->pop[i]);
    for (int p = 0; p < w->NP; p++) w->ucS[p] = -1; /* no scale cached */

    /* 1 municipalities */
    double alpha[RS_ND];
    for (int d = 0; d < RS_ND; d++) alpha[d] = 2.0;
    double fr = par[rs_pi.pf_free], cs = par[rs_pi.pf_cond];
    if (fr + cs > 1) cs = 1 - fr;
    int decint = (int)par[rs_pi.cal_dec];
    for (int i = 0; i < n; i++) {
        double bpc = sc->region.budget_pc[i];
        double u = gsl_rng_uniform(rng[MK_BUDGET]);
        if (isnan(bpc)) bpc = par[rs_pi.bu_pc] + par[rs_pi.bu_spread] * (2 * u - 1);
        w->B[i] = w->B0[i] = w->pop[i] * bpc;
        gsl_ran_dirichlet(rng[MK_ATTENTION], RS_ND, alpha, w->pi + (size_t)i * RS_ND);
        rs_pi_weights(w, i);
        w->a[i] = w->a0[i] = beta_mean(rng[MK_FAIRNESS], par[rs_pi.fa_amean]);
        w->s[i] = beta_mean(rng[MK_BUDGET], par[rs_pi.bu_skill]);
        w->will[i] = gsl_rng_uniform(rng[MK_PRODUCTION]) < par[rs_pi.pr_will];
        w->l[i] = beta_mean(rng[MK_MEMBERSHIP], par[rs_pi.me_init]);
        u = gsl_rng_uniform(rng[MK_POOLEDFUND]);
        w->type[i] = u < fr ? TY_FREE : u < fr + cs ? TY_COND : TY_UNCOND;
        w->phi[i] = par[rs_pi.cal_stagger] != 0 ? (int)gsl_rng_uniform_int(rng[MK_CALENDAR], (unsigned long)decint) : 0;
        w->rep[i] = 1;
        w->R[i] = par[rs_pi.bu_res] * w->B[i];
        w->C[i] = par[rs_pi.at_cap] * pow(w->pop[i] / RS_REF_POP, par[rs_pi.at_el]);
        w->L[i] = 0; w->NB[i] = w->money[i] = w->paid[i] = 0; w->sat[i] = 0.5;
        w->nmem[i] = 0; w->dec[i] = w->elec[i] = 0; w->stamp[i] = 0;
    }
    /* 2 trust */
    double t0 = par[rs_pi.tr_init], nbb = par[rs_pi.tr_nb];
    for (int i = 0; i < n; i++) {
        for (int q = w->nb_off[i]; q < w->nb_off[i + 1]; q++) w->stamp[w->nb[q]] = i + 1;
        size_t row = (size_t)i * (size_t)n;
        for (int j = 0; j < n; j++) {
            w->tsh[row + j] = 0;
            if (j == i) { w->T[row + j] = 1; continue; }
            double e = gsl_ran_gaussian(rng[MK_TRUST], 0.1);
            w->T[row + j] = rs_clamp(t0 + (w->stamp[j] == i + 1 ? nbb : 0) + e, 0, 1);
        }
    }
    for (int i = 0; i < n; i++) w->stamp[i] = 0;
    w->stamp_id = 0;
    /* 3 partnerships */
    int s = 0, ramp = (int)par[rs_pi.pr_ramp];
    int rule = (int)par[rs_pi.kpi_rule], cap = (int)par[rs_pi.kpi_cap];
    w->np = w->np0;
    for (int p = 0; p < w->np0; p++) {
        const rs_partnership_spec *ps = &sc->partnerships[p];
        w->dom[p] = ps->domain;
        w->off[p] = s; w->ns[p] = ps->nmembers; w->mp[p] = ps->nmembers;
        for (int a = 0; a < ps->nmembers; a++, s++) {
            w->mu[s] = ps->members[a]; w->sp[s] = p; w->live[s] = 1; w->low[s] = 0; w->fs[s] = FS_NONE;
            w->kap[s] = w->sig[s] = 1.0 / ps->nmembers; w->ad[s] = 1; w->Aip[s] = w->pay[s] = 0;
            w->NBm[s] = w->NBs[s] = 0; w->succ[s] = 0.5; w->fair[s] = 1; w->sats[s] = 0.5;
        }
        int sm = ps->start_month;
        w->st[p] = sm <= 0 ? PS_ACTIVE : PS_PLANNED;
        w->t0[p] = sm > 0 ? sm : 0;
        w->ta[p] = sm <= 0 ? -ramp : sm + RS_FORMING;
        w->tf[p] = w->t0[p] + RS_FORMING;
        w->slead[p] = ps->lead;
        w->RC[p] = par[rs_pi.kp_rc0];
        w->I[p] = par[rs_pi.kp_inst];
        w->kr[p] = rule; w->kc[p] = cap;
        w->K[p] = rs_kpi_limit(par, rule, cap, (int)par[rs_pi.kpi_init]);
        w->je[p] = gsl_rng_uniform(rng[MK_KPI]) < par[rs_pi.kpi_jshare];
        w->u[p] = 0; w->cm[p] = 0; w->F[p] = 0; w->Tm[p] = 0; w->abar[p] = 1;
        w->f_kind[p] = FUND_NONE; w->f_t0[p] = 0; w->f_cost[p] = 0;
        w->A[p] = w->Sc[p] = w->J[p] = w->Gs[p] = w->Phi[p] = w->G[p] = 0;
        w->TC[p] = w->KO[p] = w->Q[p] = w->V[p] = w->Vf[p] = 0;
        if (w->st[p] == PS_ACTIVE) rs_pair_share(w, p, +1);
    }
    w->nm = s;
    /* municipality -> slots lists, ascending slot order */
    w->nm0 = s;
    rs_mlist_build(w);
    /* 4 lead, convener, carriers */
    for (int p = 0; p < w->np0; p++) {
        rs_lead_assign(w, par, p);
        rs_carriers_init(w, par, p, rng[MK_KEYPEOPLE], 1);
    }
    /* 5 derived state */
    rs_attention_update(w, par, 0);
    for (int p = 0; p < w->np0; p++) {
        rs_fair_keys(w, par, p);
        w->Tm[p] = rs_partnership_trust(w, p);
        if (PS_PROD(w->st[p])) { rs_prod_partnership(w, par, p); rs_fair_partnership(w, par, p); }
    }
    rs_fair_municipalities(w);
    return RS_OK;
}

/* ---------------------------------------------------------------- observe (7.12) */

static void sort_doubles(double *x, int n)
{
    /* heapsort: no allocation (qsort may allocate) */
    for (int start = n / 2 - 1, end = n;;) {
        int root;
        if (start >= 0) root = start--;
        else {
            if (--end <= 0) break;
            double t = x[0]; x[0] = x[end]; x[end] = t;
            root = 0;
        }
        for (;;) {
            int c = 2 * root + 1;
            if (c >= end) break;
            if (c + 1 < end && x[c + 1] > x[c]) c++;
            if (x[root] >= x[c]) break;
            double t = x[root]; x[root] = x[c]; x[c] = t;
            root = c;
        }
    }
}

static void observe(void *vw, rs_run_ctx *ctx, int month)
{
    rs_world *w = vw;
    const double *par = ctx->par;
    const size_t H = (size_t)ctx->sc->horizon, col = (size_t)month - 1;
    double v[S_NSERIES];
    memset(v, 0, sizeof v);
    double nprod = 0, tpairs = 0, tsum = 0, attn = 0, attk = 0, atax = 0, vtax = 0;
    double nfund = 0, fwait = 0, vac = 0, satk = 0, satsum = 0, ssk = 0, sss = 0, succk = 0, succn = 0;
    double fewk = 0, fews = 0, manyk = 0, manys = 0;
    int kcar = (int)par[rs_pi.kp_carriers];
    /* Trust received by each municipality from its co-members (municipality
     * series) is summed in the same pass over co-member pairs as the mean
     * trust of producing partnerships: each pair's trust is read once. */
    const int muni = ctx->muni_series != NULL;
    double *trr = w->obs_tr;
    int *ktr = w->obs_kt;
    if (muni) for (int i = 0; i < w->n; i++) { trr[i] = 0; ktr[i] = 0; }
    /* live memberships per municipality */
    for (int i = 0; i < w->n; i++) w->nmem[i] = 0;
    for (int q = 0; q < w->nm; q++)
        if (w->live[q] && PS_LIVE(w->st[w->sp[q]])) w->nmem[w->mu[q]]++;
    for (int p = 0; p < w->np; p++) {
        int st = w->st[p];
        if (st == PS_ACTIVE) v[S_ACTIVE]++;
        if (st == PS_FUNDING) v[S_FUNDING]++;
        if (st == PS_COOLING) v[S_COOLING]++;
        if (PS_LIVE(st)) v[S_MEMBERS] += w->mp[p];
        if (w->f_kind[p] != FUND_NONE && PS_LIVE(st)) { nfund++; fwait += month - w->f_t0[p]; }
        if (PS_LIVE(st))
            for (int c = 0; c < kcar; c++) vac += w->c_vac[p * w->KC + c];
        int o = w->off[p], e = o + w->ns[p];
        if (muni && PS_LIVE(st) && !PS_PROD(st))
            for (int a = o; a < e; a++) {
                if (!w->live[a]) continue;
                for (int b = o; b < e; b++)
                    if (b != a && w->live[b]) { trr[w->mu[b]] += rs_trust_co_get(w, w->mu[a], w->mu[b]); ktr[w->mu[b]]++; }
            }
        if (!PS_PROD(st)) continue;
        nprod++;
        /* the live members, gathered once: the pair sums below run over
         * them without a test per pair, in the same order as over the slots */
        int *J = w->tw_j, nj = 0;
        double pmax = 0;
        for (int a = o; a < e; a++)
            if (w->live[a]) {
                J[nj++] = w->mu[a];
                if (w->pop[w->mu[a]] > pmax) pmax = w->pop[w->mu[a]];
            }
        for (int a = o, x = 0; a < e; a++) {
            if (!w->live[a]) continue;
            int i = w->mu[a];
            if (muni) {
                for (int y = 0; y < nj; y++) {
                    if (y == x) continue;
                    double t = rs_trust_co_get(w, i, J[y]);
                    tsum += t;
                    trr[J[y]] += t; ktr[J[y]]++;
                }
            } else {
                for (int y = 0; y < x; y++) tsum += rs_trust_co_get(w, i, J[y]);
                for (int y = x + 1; y < nj; y++) tsum += rs_trust_co_get(w, i, J[y]);
            }
            tpairs += nj - 1;
            x++;
            attn += w->ad[a]; attk++;
            satsum += w->sats[a]; satk++;
            if (w->pop[i] < par[rs_pi.fa_small] * pmax) { sss += w->sats[a]; ssk++; }
            int ok = st == PS_ACTIVE && w->NBs[a] > 0;
            succn += ok; succk++;
            if (w->nmem[i] >= 6 && w->nmem[i] <= 15) { fews += ok; fewk++; }
            if (w->nmem[i] > 40) { manys += ok; manyk++; }
        }
        v[S_RC] += w->I[p] + (1 - w->I[p]) * w->RC[p];
        v[S_FORMALITY] += w->F[p];
        v[S_COSTALONE] += w->A[p];
        v[S_GROSS] += w->G[p]; v[S_TX] += w->TC[p]; v[S_KPIO] += w->KO[p]; v[S_NET] += w->V[p];
        v[S_QUALITY] += w->Q[p];
        v[S_KPICOUNT] += w->K[p];
        if (w->dom[p] == 1) { atax += w->A[p]; vtax += w->V[p]; }
    }
    v[S_DISSOLVED] = w->dissolved;
    v[S_FORMED] = w->formed_m;
    double nmsum = 0, bsum = 0;
    for (int i = 0; i < w->n; i++) { nmsum += w->nmem[i]; bsum += w->B[i] / 12.0; }
    v[S_MEANMEM] = w->n ? nmsum / w->n : 0;
    v[S_TRUST] = tpairs > 0 ? tsum / tpairs : 0;
    v[S_RC] = nprod > 0 ? v[S_RC] / nprod : 0;
    v[S_FORMALITY] = nprod > 0 ? v[S_FORMALITY] / nprod : 0;
    v[S_ATTENTION] = attk > 0 ? attn / attk : 0;
    v[S_SRATE] = v[S_COSTALONE] > 0 ? v[S_NET] / v[S_COSTALONE] : 0;
    v[S_SRATE_TAX] = atax > 0 ? vtax / atax : 0;
    v[S_SPENDING] = bsum > 0 ? -v[S_NET] / bsum : 0;
    v[S_KPIMEAN] = nprod > 0 ? v[S_KPICOUNT] / nprod : 0;
    v[S_FUNDS] = nfund;
    v[S_FUNDWAIT] = nfund > 0 ? fwait / nfund : 0;
    v[S_FUNDED] = w->funded_m;
    v[S_FFAILED] = w->failed_m;
    v[S_FWAITFUNDED] = w->funded_n > 0 ? w->funded_wait_sum / w->funded_n : 0;
    v[S_EXITS] = w->exits_m;
    v[S_KPDEP] = w->departures_m;
    v[S_VAC] = vac;
    v[S_SAT] = satk > 0 ? satsum / satk : 0;
    v[S_SATSMALL] = ssk > 0 ? sss / ssk : 0;
    v[S_SUCC] = succk > 0 ? succn / succk : 0;
    v[S_SUCCFEW] = fewk > 0 ? fews / fewk : 0;
    v[S_SUCCMANY] = manyk > 0 ? manys / manyk : 0;
    /* Gini of NB_i / P_i over municipalities with a producing membership */
    int k = 0;
    for (int i = 0; i < w->n; i++) {
        int prod = 0;
        for (int mk = w->ml_off[i]; mk < w->ml_off[i + 1]; mk++)
            if (w->live[w->ml[mk]] && PS_PROD(w->st[w->sp[w->ml[mk]]])) { prod = 1; break; }
        if (prod) w->xbuf[k++] = w->NB[i] / w->pop[i];
    }
    if (k >= 2) {
        sort_doubles(w->xbuf, k);
        double num = 0, mabs = 0;
        for (int r = 0; r < k; r++) { num += (2.0 * (r + 1) - k - 1) * w->xbuf[r]; mabs += fabs(w->xbuf[r]); }
        mabs /= k;
        v[S_GINI] = mabs > 0 ? num / ((double)k * k * mabs) : 0;
    }
    for (int q = 0; q < S_NSERIES; q++) ctx->series[q * H + col] = v[q];

    if (ctx->muni_series) {
        size_t n = (size_t)w->n;
        double *ms = ctx->muni_series;
        for (size_t i = 0; i < n; i++) {
            double sat = 0, att = 0;
            int ks = 0, ka = 0;
            for (int mk = w->ml_off[i]; mk < w->ml_off[i + 1]; mk++) {
                int q = w->ml[mk];
                int p = w->sp[q];
                if (!w->live[q] || !PS_LIVE(w->st[p])) continue;
                att += w->ad[q]; ka++;
                if (PS_PROD(w->st[p])) { sat += w->sats[q]; ks++; }
            }
            ms[(M_TRUST * H + col) * n + i] = ktr[i] ? trr[i] / ktr[i] : NAN;
            ms[(M_BENEFIT * H + col) * n + i] = w->NB[i];
            ms[(M_MEMBERSHIPS * H + col) * n + i] = w->nmem[i];
            ms[(M_RESERVES * H + col) * n + i] = w->R[i];
            ms[(M_SAT * H + col) * n + i] = ks ? sat / ks : NAN;
            ms[(M_ATT * H + col) * n + i] = ka ? att / ka : NAN;
        }
    }
    /* flows are counted per month */
    w->formed_m = w->funded_m = w->failed_m = w->exits_m = w->departures_m = 0;
}

/* ---------------------------------------------------------------- check (7.13) */

#define INV(cond, ...) \
    do { if (!(cond)) return rs_error_set(err, RS_EINVARIANT, NULL, 0, NULL, __VA_ARGS__); } while (0)

static rs_status check(const void *vw, const rs_run_ctx *ctx, int month, rs_error *err)
{
    (void)ctx; (void)month;
    const rs_world *w = vw;
    const char *const *nm = (const char *const *)w->sc->region.name;
    for (int i = 0; i < w->n; i++) {
        INV(isfinite(w->R[i]), "reserves of %s are not finite", nm[i]);
        INV(w->rep[i] >= 0 && w->rep[i] <= 1, "reputation of %s out of [0,1]", nm[i]);
        INV(w->s[i] >= 0 && w->s[i] <= 1, "skill of %s out of [0,1]", nm[i]);
        INV(w->a[i] >= 0 && w->a[i] <= 1, "autonomy of %s out of [0,1]", nm[i]);
        double ps = 0;
        for (int d = 0; d < RS_ND; d++) ps += w->pi[(size_t)i * RS_ND + d];
        INV(fabs(ps - 1) < 1e-9, "priorities of %s sum to %g", nm[i], ps);
    }
    INV(w->np <= w->NP && w->nm <= w->NM, "partnership or membership pool overflow");
    for (int p = 0; p < w->np; p++) {
        if (!PS_LIVE(w->st[p])) continue;
        int live = 0;
        double ks = 0, ss = 0, nbm = 0;
        for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) {
            if (!w->live[a]) continue;
            live++; ks += w->kap[a]; ss += w->sig[a]; nbm += w->NBm[a];
            INV(w->ad[a] >= 0 && w->ad[a] <= 1 && w->sats[a] >= 0 && w->sats[a] <= 1,
                "attention or satisfaction out of [0,1] in partnership %d", p);
        }
        INV(live == w->mp[p], "partnership %d counts %d members but has %d live slots", p, w->mp[p], live);
        INV(live >= 2, "live partnership %d has %d members", p, live);
        INV(fabs(ks - 1) < 1e-9 && fabs(ss - 1) < 1e-9, "cost keys or say of partnership %d do not sum to 1", p);
        INV(w->RC[p] >= 0 && w->RC[p] <= 1 && w->F[p] >= 0 && w->F[p] <= 1, "RC or F of partnership %d out of [0,1]", p);
        if (PS_PROD(w->st[p]))
            INV(fabs(nbm - w->Vf[p]) <= 1e-9 * (fabs(w->Vf[p]) + w->A[p] + 1),
                "net benefits of partnership %d do not add up to its value", p);
    }
    return RS_OK;
}

/* ---------------------------------------------------------------- validate (7.1) */

static rs_status validate(const rs_scenario *sc, rs_error *err)
{
    for (int k = 0; k < sc->nevents; k++) {
        const rs_sched_event *e = &sc->events[k];
        char path[64];
        snprintf(path, sizeof path, "$.events[%d]", k);
        int needp = e->kind == SE_KP_LEAVES || e->kind == SE_MEMBER_EXIT || e->kind == SE_FUND_OPEN;
        if (needp && e->partnership < 0)
            return rs_error_set(err, RS_EINPUT, sc->path, 0, path, "a %s event needs a partnership",
                                sched_kinds[e->kind]);
        if (e->kind == SE_MEMBER_EXIT) {
            if (e->municipality < 0)
                return rs_error_set(err, RS_EINPUT, sc->path, 0, path, "a member_exit event needs a municipality");
            const rs_partnership_spec *ps = &sc->partnerships[e->partnership];
            int found = 0;
            for (int a = 0; a < ps->nmembers; a++) found |= ps->members[a] == e->municipality;
            if (!found)
                return rs_error_set(err, RS_EINPUT, sc->path, 0, path,
                                    "member_exit: %s is not a member of partnership \"%s\"",
                                    sc->region.name[e->municipality], ps->name);
        }
        if (e->kind == SE_KPI_CAP && !(isfinite(e->value) && e->value >= 0))
            return rs_error_set(err, RS_EINPUT, sc->path, 0, path, "a kpi_cap event needs a value >= 0");
        if (e->kind == SE_BUDGET_CHANGE && !(isfinite(e->value) && e->value > -1))
            return rs_error_set(err, RS_EINPUT, sc->path, 0, path,
                                "a budget_change event needs a relative change > -1 as value");
        if (e->kind == SE_FUND_OPEN && !isnan(e->value) && !(e->value >= 0))
            return rs_error_set(err, RS_EINPUT, sc->path, 0, path, "fund_open: value (months) must be >= 0");
    }
    return RS_OK;
}

const rs_model rs_coop_model = {
    .name = "coop",
    .version = "1.0",
    .mechanisms = mechanisms,
    .nmechanisms = sizeof mechanisms / sizeof mechanisms[0],
    .series = series,
    .nseries = S_NSERIES,
    .muni_series = muni_series,
    .nmuni_series = M_N,
    .event_kinds = event_kinds,
    .sched_kinds = sched_kinds,
    .domains = rs_domain_names,
    .generate = rs_generate_partnerships,
    .validate = validate,
    .world_alloc = world_alloc,
    .world_free = rs_coop_world_free,
    .world_reset = world_reset,
    .observe = observe,
    .check = check,
};

const rs_model *rs_model_get(void) { return &rs_coop_model; }

_Static_assert(sizeof series / sizeof series[0] == S_NSERIES, "series table and enum disagree");
_Static_assert(sizeof muni_series / sizeof muni_series[0] == M_N, "muni series table and enum disagree");
