/*
 * membership.c - exits, cooling, dissolution, orphaned partnerships and
 * proposals of new partnerships (docs/model.md 7.9; [000], [004]).
 *
 * Voluntary exit (producing p, member i at its decision month):
 *     low_ip = low_ip + 1 if sat_ip < exit_threshold, else 0; when low_ip >= exit_reviews:
 *     X_ip  = exit_payment_years 12 kap_ip (TC_p + KO_p)        exit payment
 *     Rv_ip = reputation_value rep_i A_ip                        reputation at stake
 *     leave if planning_horizon NB_ip + X_ip + Rv_ip < 0
 * exit(i, p): R_i -= X (shared out to the remaining members by key),
 *     rep_i <- rep_i (1 - exit_reputation_loss), every live co-member j of i in any
 *     live partnership: T[j][i] <- T[j][i] (1 - exit_trust_loss) (once per j) [004].
 * Cooling: active and mean sat < cooling_threshold -> cooling; cooling and mean sat
 *     >= threshold + 0.05 -> active; cooling for cooling_max months -> dissolved.
 * Orphan rule: no carrier in post and W_p < orphan_capital: dissolve w.p. orphan_hazard.
 * Proposals (7.9.1): i with L_i < C_i proposes w.p. proposal_rate l_i; domain by
 *     priority among those with free scope >= 0.1; up to 5 invitees (neighbours and
 *     co-members trusted >= invite_trust) by T(i,j) rep_j; invitee j accepts w.p.
 *     logistic(score_j / 0.02), score_j = (c(P_j) - c(S_est)) / c(P_j) + quality_rate
 *     + 0.2 (T(j,i) rep_i - trust.base) - 0.1 [L_j/C_j - 1]+ - 0.05 a_j.
 */
#include "world.h"

static const rs_param_def params[] = {
    {"membership.planning_horizon", RS_PARAM_INT, 36, 1, 240, "month",
     "Months over which members weigh staying against leaving and a fund's benefit against its cost",
     "calibrated: chosen so that decisions look about one council term ahead", NULL},
    {"membership.exit_threshold", RS_PARAM_REAL, 0.35, 0, 1, "1",
     "Satisfaction below which a review counts as dissatisfied",
     "calibrated: chosen so that only clearly failing memberships lead to exit", NULL},
    {"membership.exit_reviews", RS_PARAM_INT, 3, 1, 24, "count",
     "Consecutive dissatisfied reviews before a member considers leaving",
     "calibrated: chosen so that exit takes about three council decision rounds", NULL},
    {"membership.exit_payment_years", RS_PARAM_REAL, 3, 0, 10, "year",
     "Exit payment in years of the leaver's contribution to the partnership's overhead",
     "Dutch practice cited in the brief (about three years of contribution)", NULL},
    {"membership.exit_reputation_loss", RS_PARAM_REAL, 0.2, 0, 1, "1",
     "Share of the leaver's reputation lost at exit",
     "[004]", NULL},
    {"membership.exit_trust_loss", RS_PARAM_REAL, 0.15, 0, 1, "1",
     "Share of every current partner's trust in the leaver lost at exit",
     "[004]", NULL},
    {"membership.reputation_value", RS_PARAM_REAL, 1, 0, 24, "month",
     "Value the leaver puts on its reputation, in months of its pooled cost in the partnership",
     "[004]; calibrated", NULL},
    {"membership.cooling_threshold", RS_PARAM_REAL, 0.4, 0, 1, "1",
     "Mean member satisfaction below which a partnership cools",
     "calibrated: chosen so that cooling marks a clearly unhappy partnership", NULL},
    {"membership.cooling_max", RS_PARAM_INT, 24, 1, 120, "month",
     "Months of continuous cooling after which members dissolve the partnership",
     "calibrated: chosen so that a cooled partnership gets two budget cycles to recover", NULL},
    {"membership.orphan_capital", RS_PARAM_REAL, 0.35, 0, 1, "1",
     "Working capital below which a partnership without any carrier may stop",
     "[004] ('wat gebeurt er als sleutelfiguren wegvallen?')", NULL},
    {"membership.orphan_hazard", RS_PARAM_REAL, 0.1, 0, 1, "1/month",
     "Monthly probability that an orphaned partnership below membership.orphan_capital stops",
     "[004]; calibrated: chosen so that a six-month vacancy ends about half of fragile partnerships", NULL},
    {"membership.proposal_rate", RS_PARAM_REAL, 0.01, 0, 1, "1/month",
     "Monthly probability of a proposal by a municipality of initiative 1 with spare attention",
     "[004] (few 'trekkers')", NULL},
    {"membership.initiative_mean", RS_PARAM_REAL, 0.2, 0, 1, "1",
     "Mean initiative ('lef') of municipalities",
     "[004]", NULL},
    {"membership.invite_trust", RS_PARAM_REAL, 0.6, 0, 1, "1",
     "Trust above which a co-member (not only a neighbour) is invited to a new partnership",
     "calibrated: chosen so that only trusted partners beyond the border are invited", NULL},
    {"membership.max_new", RS_PARAM_INT, 200, 0, 100000, "count",
     "Room for partnerships formed during a run (state is sized once)",
     "calibrated: capacity, not behaviour", NULL},
};

void rs_fund_fail(rs_world *w, rs_run_ctx *ctx, int p, int month);
void rs_carriers_init(rs_world *w, const double *par, int p, gsl_rng *r, int initial);

/* Change the shared counts of the pairs (i, j) of slot s with the other live members. */
static void slot_share(rs_world *w, int s, int delta)
{
    int p = w->sp[s], i = w->mu[s];
    for (int b = w->off[p]; b < w->off[p] + w->ns[p]; b++) {
        if (b == s || !w->live[b]) continue;
        int j = w->mu[b];
        rs_pair_share_add(w, i, j, delta);
        rs_pair_share_add(w, j, i, delta);
    }
}

/* The distinct live co-members of i (live members of i's live partnerships)
 * not yet stamped with id, stamped with it, into w->comem in the order of
 * i's memberships; returns how many. Stamp i itself first to leave it out. */
static int comembers(rs_world *w, int i, int id)
{
    int nc = 0;
    for (int mk = w->ml_off[i]; mk < w->ml_off[i + 1]; mk++) {
        int q = w->ml[mk], pq = w->sp[q];
        if (!w->live[q] || !PS_LIVE(w->st[pq])) continue;
        for (int b = w->off[pq]; b < w->off[pq] + w->ns[pq]; b++) {
            int j = w->mu[b];
            if (!w->live[b] || w->stamp[j] == id) continue;
            w->stamp[j] = id;
            w->comem[nc++] = j;
        }
    }
    return nc;
}

void rs_dissolve(rs_world *w, rs_run_ctx *ctx, int p, int failed)
{
    int month = w->month;
    if (!PS_LIVE(w->st[p])) return;
    double cs = 0;
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++)
        if (w->live[a] && w->fs[a] == FS_COMMITTED) cs += w->kap[a];
    if (w->st[p] != PS_PLANNED) rs_pair_share(w, p, -1);
    if (w->f_kind[p] == FUND_PROJECT) {
        rs_event_add(ctx->events, month, EV_FUND_FAILED, p, -1, cs);
        w->failed_m++;
    }
    w->f_kind[p] = FUND_NONE;
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) { w->fs[a] = FS_NONE; w->NBm[a] = w->NBs[a] = w->pay[a] = 0; }
    w->st[p] = failed ? PS_FAILED : PS_DISSOLVED;
    w->dissolved++;
    if (failed) rs_event_add(ctx->events, month, EV_FAILED, p, -1, cs);
    else rs_event_add(ctx->events, month, EV_DISSOLVED, p, -1, month - w->t0[p]);
}

void rs_exit(rs_world *w, rs_run_ctx *ctx, int s, int forced)
{
    (void)forced;
    const double *par = ctx->par;
    int p = w->sp[s], i = w->mu[s], month = w->month;
    double X = PS_PROD(w->st[p]) ? par[rs_pi.me_pay] * 12 * w->kap[s] * (w->TC[p] + w->KO[p]) : 0;
    double krest = 1 - w->kap[s];
    w->R[i] -= X;
    for (int b = w->off[p]; b < w->off[p] + w->ns[p]; b++)
        if (b != s && w->live[b] && krest > 0) w->R[w->mu[b]] += X * w->kap[b] / krest;
    w->rep[i] *= 1 - par[rs_pi.me_reploss];
    /* every distinct live co-member lowers its trust in the leaver, once */
    int id = ++w->stamp_id;
    double tl = par[rs_pi.me_tloss];
    w->stamp[i] = id;
    int nc = comembers(w, i, id);
    for (int c = 0; c < nc; c++) {
        int j = w->comem[c];
        rs_trust_set(w, j, i, rs_trust_get(w, j, i) * (1 - tl));
    }
    slot_share(w, s, -1);
    w->live[s] = 0;
    w->mp[p]--;
    w->fs[s] = FS_NONE;
    w->NBm[s] = w->NBs[s] = w->pay[s] = w->kap[s] = w->sig[s] = 0;
    int k = (int)par[rs_pi.kp_carriers];
    for (int c = 0; c < k; c++) {
        int q = p * w->KC + c;
        if (w->c_home[q] == i && !w->c_vac[q]) {
            w->c_vac[q] = 1; w->c_vstart[q] = month; w->c_due[q] = month + (int)par[rs_pi.kp_delay];
        }
    }
    if (w->lead[p] == i || w->conv[p] == i) rs_lead_assign(w, par, p);
    w->exits_m++;
    rs_event_add(ctx->events, month, EV_EXIT, p, i, X);
    if (w->mp[p] < 2) {
        if (w->st[p] == PS_FUNDING && w->f_kind[p] == FUND_STARTUP) rs_fund_fail(w, ctx, p, month);
        else rs_dissolve(w, ctx, p, 0);
        return;
    }
    rs_fair_keys(w, par, p);
    if (PS_PROD(w->st[p])) { rs_prod_partnership(w, par, p); rs_fair_partnership(w, par, p); }
}

static int slot_of(const rs_world *w, int p, int i)
{
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++)
        if (w->live[a] && w->mu[a] == i) return a;
    return -1;
}

/* free scope of j in domain d: 1 - sum of z over its live memberships of d */
static double free_scope(const rs_world *w, int j, int d)
{
    double f = 1;
    for (int k = w->ml_off[j]; k < w->ml_off[j + 1]; k++) {
        int q = w->ml[k];
        if (w->live[q] && PS_LIVE(w->st[w->sp[q]]) && w->dom[w->sp[q]] == d) f -= w->z[q];
    }
    return f;
}

static void propose(rs_world *w, rs_run_ctx *ctx, int i, gsl_rng *rng)
{
    const double *par = ctx->par;
    int month = w->month;
    double fz[RS_ND], tot = 0;
    for (int d = 0; d < RS_ND; d++) fz[d] = 1;
    for (int k = w->ml_off[i]; k < w->ml_off[i + 1]; k++) {
        int q = w->ml[k];
        if (w->live[q] && PS_LIVE(w->st[w->sp[q]])) fz[w->dom[w->sp[q]]] -= w->z[q];
    }
    const double *pi = w->pi + (size_t)i * RS_ND;
    for (int d = 0; d < RS_ND; d++) if (fz[d] >= 0.1) tot += pi[d];
    if (!(tot > 0)) return;
    double u = gsl_rng_uniform(rng) * tot;
    int d = -1;
    for (int x = 0; x < RS_ND; x++) {
        if (fz[x] < 0.1) continue;
        d = x;
        if (u < pi[x]) break;
        u -= pi[x];
    }
    /* candidates */
    int id = ++w->stamp_id, nc = 0;
    w->stamp[i] = id;
    double inv = par[rs_pi.me_invite];
    for (int q = w->nb_off[i]; q < w->nb_off[i + 1]; q++) {
        int j = w->nb[q];
        if (w->stamp[j] == id) continue;
        w->stamp[j] = id;
        if (free_scope(w, j, d) >= 0.1) { w->cand[nc] = j; w->ckey[nc++] = rs_trust_get(w, i, j) * w->rep[j]; }
    }
    int nm = comembers(w, i, id);
    for (int c = 0; c < nm; c++) {
        int j = w->comem[c];
        double t = rs_trust_get(w, i, j);
        if (t >= inv && free_scope(w, j, d) >= 0.1) { w->cand[nc] = j; w->ckey[nc++] = t * w->rep[j]; }
    }
    /* the first 5 by key descending (ties: index) */
    int take = nc < 5 ? nc : 5;
    for (int r = 0; r < take; r++) {
        int best = r;
        for (int x = r + 1; x < nc; x++)
            if (w->ckey[x] > w->ckey[best] || (w->ckey[x] == w->ckey[best] && w->cand[x] < w->cand[best])) best = x;
        int tj = w->cand[r]; w->cand[r] = w->cand[best]; w->cand[best] = tj;
        double tk = w->ckey[r]; w->ckey[r] = w->ckey[best]; w->ckey[best] = tk;
    }
    double S = w->pop[i];
    for (int r = 0; r < take; r++) S += w->pop[w->cand[r]];
    int nacc = 0;
    for (int r = 0; r < take; r++) {
        int j = w->cand[r];
        double cj = rs_unit_cost_own(w, j, d);
        double over = w->C[j] > 0 ? w->L[j] / w->C[j] - 1 : 0;
        double score = (cj - rs_unit_cost(w, par, d, S)) / cj + par[rs_pi.pr_qual]
                       + 0.2 * (rs_trust_get(w, j, i) * w->rep[i] - par[rs_pi.tr_base])
                       - 0.1 * (over > 0 ? over : 0) - 0.05 * w->a[j];
        if (gsl_rng_uniform(rng) < rs_logistic(score / 0.02)) w->cand[nacc++] = j; /* keeps order */
    }
    if (nacc == 0) { rs_event_add(ctx->events, month, EV_PROPOSAL_REJECTED, -1, i, take); return; }
    /* members {i} + acceptors in index order */
    w->cand[nacc++] = i;
    for (int x = 1; x < nacc; x++)
        for (int y = x; y > 0 && w->cand[y] < w->cand[y - 1]; y--) { int t = w->cand[y]; w->cand[y] = w->cand[y - 1]; w->cand[y - 1] = t; }
    int p = w->np++, s0 = w->nm;
    w->nm += nacc;
    w->dom[p] = d; w->off[p] = s0; w->ns[p] = nacc; w->mp[p] = nacc;
    for (int a = 0; a < nacc; a++) {
        int s = s0 + a, j = w->cand[a];
        double fj = free_scope(w, j, d);
        w->mu[s] = j; w->sp[s] = p; w->live[s] = 1; w->low[s] = 0; w->fs[s] = FS_NONE;
        w->z[s] = fj < 1 ? fj : 1;
        w->ad[s] = 1; w->Aip[s] = w->pay[s] = w->NBm[s] = w->NBs[s] = 0;
        w->succ[s] = 0.5; w->fair[s] = 1; w->sats[s] = 0.5;
    }
    rs_mlist_build(w);
    w->st[p] = PS_FORMING; w->t0[p] = month; w->tf[p] = month + RS_FORMING; w->ta[p] = month + RS_FORMING;
    w->slead[p] = i;
    rs_lead_assign(w, par, p);
    w->RC[p] = par[rs_pi.kp_rc0]; w->I[p] = par[rs_pi.kp_inst];
    w->kr[p] = (int)par[rs_pi.kpi_rule]; w->kc[p] = (int)par[rs_pi.kpi_cap];
    w->K[p] = rs_kpi_limit(par, w->kr[p], w->kc[p], (int)par[rs_pi.kpi_init]);
    w->je[p] = gsl_rng_uniform(rng) < par[rs_pi.kpi_jshare];
    w->u[p] = 0; w->cm[p] = 0; w->abar[p] = 1;
    w->F[p] = rs_clamp(((int)par[rs_pi.fa_gov] == GOV_UNANIMITY ? par[rs_pi.at_board] : 0)
                       + par[rs_pi.at_fsize] * log(nacc / 2.0), 0, 1);
    w->f_kind[p] = FUND_NONE; w->f_t0[p] = 0; w->f_cost[p] = 0;
    w->A[p] = w->Sc[p] = w->J[p] = w->Gs[p] = w->Phi[p] = w->G[p] = w->TC[p] = w->KO[p] = w->Q[p] = 0;
    w->V[p] = w->Vf[p] = 0;
    rs_carriers_init(w, par, p, rng, 0);
    rs_pair_share(w, p, +1);
    rs_fair_keys(w, par, p);
    w->Tm[p] = rs_partnership_trust(w, p);
    w->formed_m++;
    rs_event_add(ctx->events, month, EV_FORMED, p, i, nacc);
}

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    rs_world *w = vw;
    const double *par = ctx->par;
    /* 1 forced exits */
    if (w->sched_on)
        for (int k = w->ev_lo; k < w->ev_hi; k++) {
            const rs_sched_event *e = &w->sc->events[k];
            if (e->kind != SE_MEMBER_EXIT || e->partnership < 0 || e->partnership >= w->np) continue;
            if (!PS_LIVE(w->st[e->partnership])) continue;
            int s = slot_of(w, e->partnership, e->municipality);
            if (s >= 0) rs_exit(w, ctx, s, 1);
        }
    double thr = par[rs_pi.me_thr], H = par[rs_pi.me_hor];
    int rev = (int)par[rs_pi.me_rev], kcar = (int)par[rs_pi.kp_carriers];
    for (int p = 0; p < w->np; p++) {
        /* 2 voluntary exits */
        for (int a = w->off[p]; a < w->off[p] + w->ns[p] && PS_PROD(w->st[p]); a++) {
            if (!w->live[a] || !w->dec[w->mu[a]]) continue;
            w->low[a] = w->sats[a] < thr ? w->low[a] + 1 : 0;
            if (w->low[a] < rev) continue;
            double X = par[rs_pi.me_pay] * 12 * w->kap[a] * (w->TC[p] + w->KO[p]);
            double Rv = par[rs_pi.me_repval] * w->rep[w->mu[a]] * w->Aip[a];
            if (H * w->NBs[a] + X + Rv < 0) rs_exit(w, ctx, a, 0);
        }
        if (!PS_PROD(w->st[p])) continue;
        /* 3 cooling */
        double sb = 0;
        for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) if (w->live[a]) sb += w->sats[a];
        sb /= w->mp[p];
        double ct = par[rs_pi.me_cool];
        if (w->st[p] == PS_ACTIVE && sb < ct) {
            w->st[p] = PS_COOLING; w->cm[p] = 0;
            rs_event_add(ctx->events, month, EV_COOLING, p, -1, sb);
        } else if (w->st[p] == PS_COOLING && sb >= ct + 0.05) {
            w->st[p] = PS_ACTIVE;
            rs_event_add(ctx->events, month, EV_RECOVERED, p, -1, sb);
        } else if (w->st[p] == PS_COOLING && ++w->cm[p] >= (int)par[rs_pi.me_coolmax]) {
            rs_dissolve(w, ctx, p, 0);
            continue;
        }
        /* 4 orphan rule */
        int vac = 1;
        for (int c = 0; c < kcar; c++) vac &= w->c_vac[p * w->KC + c];
        double W = w->I[p] + (1 - w->I[p]) * w->RC[p];
        if (vac && W < par[rs_pi.me_orph] && gsl_rng_uniform(rng) < par[rs_pi.me_orphh]) rs_dissolve(w, ctx, p, 0);
    }
    /* 5 proposals */
    double rate = par[rs_pi.me_prop];
    if (rate > 0)
        for (int i = 0; i < w->n; i++) {
            if (w->np >= w->NP || w->nm + 6 > w->NM) break;
            if (!(w->L[i] < w->C[i])) continue;
            if (gsl_rng_uniform(rng) < rate * w->l[i]) propose(w, ctx, i, rng);
        }
    rs_fair_municipalities(w);
}

const rs_mechanism rs_mech_membership = {
    "membership", "exits, cooling, dissolution, orphan rule and proposals of new partnerships",
    params, sizeof params / sizeof params[0], NULL, step};
