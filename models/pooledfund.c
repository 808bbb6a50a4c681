/*
 * pooledfund.c - pooled start-up and project funds (docs/model.md 7.3; [004];
 * conditional cooperation after Fischbacher, Gachter & Fehr 2001).
 *
 * Opening: a forming p at tf_p opens a start-up fund (st = funding) when
 * pooledfund.startup_fund, else becomes active; a fund_open event opens a
 * project fund. Cost Kf = months * max(Gs_est, 0.01 A_est) (as if active).
 * Member i (live):
 *     c_i  = (1 - cofunder_share) Kf kap_ip
 *     EB_i = planning_horizon gain_i - c_i,  gain_i = NB_ip_est (start-up) or
 *            kap_ip project_gain Phi_p [Gs_p]+ (project)
 *     theta_i = clamp(theta0(type_i) - trust_effect (Tbar_ip - trust.base), 0, 1),
 *            theta0 = 0 | conditional_threshold | 1
 *     q_i  = phi + (1 - phi) sum_{j != i committed} kap_j / sum_{j != i} kap_j,  phi = cofunder_share
 * Rules: sequential_waiting (commit at own decision month if EB > 0 and q >= theta),
 * lead_commits_first (the convener's theta is 0), assurance_pledges (pledge if EB > 0;
 * binding when all have pledged), synchronised_decisions (a joint meeting every
 * decision_interval months, cascading). A member that lets its opportunity pass
 * while others have committed (pledged) loses the trust of each of them:
 *     T[j][i] <- T[j][i] (1 - lag_trust_loss).
 * Funded when every live member has committed: each pays c_i; start-up -> active,
 * project -> u_p = min(0.5, u_p + project_gain). Failed at tf0 + deadline.
 */
#include "world.h"

static const char *const ch_rule[] = {"sequential_waiting", "lead_commits_first", "assurance_pledges", "synchronised_decisions", NULL};
static const rs_param_def params[] = {
    {"pooledfund.rule", RS_PARAM_ENUM, 0, 0, 0, "1",
     "How members decide on a pooled fund",
     "[004]; Fischbacher Gachter Fehr 2001", ch_rule},
    {"pooledfund.cofunder_share", RS_PARAM_REAL, 0, 0, 0.9, "1",
     "Share of each project paid by an outside co-funder that commits at once",
     "[004]", NULL},
    {"pooledfund.startup_fund", RS_PARAM_BOOL, 1, 0, 1, "1",
     "A partnership that starts forming during a run needs a pooled start-up fund before it is active",
     "[004] (financing as driver and obstacle)", NULL},
    {"pooledfund.project_cost", RS_PARAM_REAL, 12, 0, 120, "month",
     "Cost of a project in months of the partnership's potential gross savings (at least 1% of its pooled cost a month)",
     "calibrated: chosen so that a typical start-up fund pays back in about two years", NULL},
    {"pooledfund.project_gain", RS_PARAM_REAL, 0.2, 0, 1, "1",
     "Relative increase of realised savings from a funded improvement project (fund_open events)",
     "calibrated: chosen so that an improvement project pays back within the planning horizon", NULL},
    {"pooledfund.deadline", RS_PARAM_INT, 12, 1, 60, "month",
     "Months after opening by which all members must have committed",
     "calibrated: chosen so that a fund gets four decision rounds per member", NULL},
    {"pooledfund.conditional_share", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Share of municipalities that are conditional cooperators",
     "Fischbacher Gachter Fehr 2001 (about 50% conditional cooperators)", NULL},
    {"pooledfund.free_rider_share", RS_PARAM_REAL, 0.3, 0, 1, "1",
     "Share of municipalities that are free riders (commit only when all others have); the rest commit unconditionally",
     "Fischbacher Gachter Fehr 2001 (about one third free riders)", NULL},
    {"pooledfund.conditional_threshold", RS_PARAM_REAL, 0.5, 0, 1, "1",
     "Committed share of partners a conditional cooperator waits for at base trust",
     "Fischbacher Gachter Fehr 2001", NULL},
    {"pooledfund.trust_effect", RS_PARAM_REAL, 1, 0, 5, "1",
     "How much a threshold falls per unit of trust above trust.base",
     "calibrated: chosen so that trust 0.8 lowers a conditional threshold from 0.5 to 0.2", NULL},
    {"pooledfund.lag_trust_loss", RS_PARAM_REAL, 0.05, 0, 1, "1",
     "Share of a committed member's trust in a laggard lost at each decision the laggard lets pass",
     "calibrated: chosen so that a missed decision is a harm step x0.95 as in the published Rotterdam-The Hague municipal ABM", NULL},
};

static void open_fund(rs_world *w, rs_run_ctx *ctx, int p, int kind, double months, int month)
{
    rs_flows f;
    rs_prod_eval(w, ctx->par, p, 1, &f);
    double Kf = months * fmax(f.Gs, 0.01 * f.A);
    w->f_kind[p] = kind; w->f_t0[p] = month; w->f_cost[p] = Kf;
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) w->fs[a] = FS_NONE;
    rs_event_add(ctx->events, month, EV_FUND_REQ, p, w->conv[p], Kf);
}

static void lag(rs_world *w, int p, int a, int state, double loss)
{
    int i = w->mu[a];
    for (int b = w->off[p]; b < w->off[p] + w->ns[p]; b++)
        if (b != a && w->live[b] && w->fs[b] >= state) {
            int j = w->mu[b];
            rs_trust_set(w, j, i, rs_trust_get(w, j, i) * (1 - loss));
        }
}

static double committed_share(const rs_world *w, int p)
{
    double s = 0;
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++)
        if (w->live[a] && w->fs[a] == FS_COMMITTED) s += w->kap[a];
    return s;
}

/* Fund failure (7.3). */
void rs_fund_fail(rs_world *w, rs_run_ctx *ctx, int p, int month)
{
    double loss = ctx->par[rs_pi.pf_lag];
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++)
        if (w->live[a] && w->fs[a] != FS_COMMITTED) lag(w, p, a, FS_COMMITTED, loss);
    double cs = committed_share(w, p);
    rs_event_add(ctx->events, month, EV_FUND_FAILED, p, -1, cs);
    w->failed_m++;
    int kind = w->f_kind[p];
    w->f_kind[p] = FUND_NONE;
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++) w->fs[a] = FS_NONE;
    if (kind == FUND_STARTUP) rs_dissolve(w, ctx, p, 1);
}

static void run_fund(rs_world *w, rs_run_ctx *ctx, int p, int month)
{
    const double *par = ctx->par;
    int rule = (int)par[rs_pi.pf_rule], o = w->off[p], e = o + w->ns[p];
    double phi = par[rs_pi.pf_cofund], H = par[rs_pi.me_hor], Kf = w->f_cost[p];
    double teff = par[rs_pi.pf_teff], base = par[rs_pi.tr_base], loss = par[rs_pi.pf_lag];
    rs_flows f;
    int startup = w->f_kind[p] == FUND_STARTUP;
    if (startup) rs_prod_eval(w, par, p, 1, &f);
    double ktot = 0;
    for (int a = o; a < e; a++) if (w->live[a]) ktot += w->kap[a];
    if (month > w->f_t0[p]) {
        int di = (int)par[rs_pi.cal_dec];
        int sync_now = rule == FR_SYNC && (month - w->f_t0[p] - 1) % di == 0;
        for (int pass = 0;; pass++) {
            int changed = 0;
            for (int a = o; a < e; a++) {
                if (!w->live[a] || w->fs[a] == FS_COMMITTED) continue;
                int i = w->mu[a];
                if (rule == FR_SYNC ? !sync_now : !w->dec[i]) continue;
                if (rule == FR_ASSURANCE && w->fs[a] == FS_PLEDGED) continue;
                double kap = w->kap[a], c = (1 - phi) * Kf * kap, gain;
                if (startup) {
                    double Ai = w->z[a] * w->pop[i] * rs_unit_cost_own(w, i, w->dom[p]) / 12.0;
                    gain = Ai - kap * (f.A - f.G + f.TC + f.KO) + kap * f.Q;
                } else gain = kap * par[rs_pi.pf_gain] * w->Phi[p] * (w->Gs[p] > 0 ? w->Gs[p] : 0);
                double EB = H * gain - c;
                int others = 0;
                if (rule == FR_ASSURANCE) {
                    for (int b = o; b < e; b++) others |= b != a && w->live[b] && w->fs[b] >= FS_PLEDGED;
                    if (EB > 0) {
                        w->fs[a] = FS_PLEDGED;
                        rs_event_add(ctx->events, month, EV_PLEDGE, p, i, c);
                    } else if (others) lag(w, p, a, FS_PLEDGED, loss);
                    continue;
                }
                double tb = 0, ko = 0, kc = 0;
                int k = 0;
                for (int b = o; b < e; b++) {
                    if (b == a || !w->live[b]) continue;
                    tb += rs_trust_get(w, i, w->mu[b]); k++;
                    ko += w->kap[b];
                    if (w->fs[b] == FS_COMMITTED) kc += w->kap[b];
                }
                tb = k ? tb / k : base;
                double th0 = w->type[i] == TY_UNCOND ? 0 : w->type[i] == TY_COND ? par[rs_pi.pf_thr] : 1;
                if (rule == FR_LEAD_FIRST && i == w->conv[p]) th0 = 0;
                double theta = th0 > 0 ? rs_clamp(th0 - teff * (tb - base), 0, 1) : 0;
                double q = phi + (1 - phi) * (ko > 0 ? kc / ko : 1);
                if (EB > 0 && q >= theta) {
                    w->fs[a] = FS_COMMITTED; changed = 1;
                    rs_event_add(ctx->events, month, EV_COMMIT, p, i, c);
                } else if (rule != FR_SYNC && kc > 0) lag(w, p, a, FS_COMMITTED, loss);
            }
            if (rule != FR_SYNC || !sync_now || !changed) break;
            (void)pass;
        }
        if (rule == FR_SYNC && sync_now)
            for (int a = o; a < e; a++)
                if (w->live[a] && w->fs[a] != FS_COMMITTED) lag(w, p, a, FS_COMMITTED, loss);
        if (rule == FR_ASSURANCE) {
            int all = 1;
            for (int a = o; a < e; a++) all &= !w->live[a] || w->fs[a] >= FS_PLEDGED;
            if (all)
                for (int a = o; a < e; a++)
                    if (w->live[a]) {
                        w->fs[a] = FS_COMMITTED;
                        rs_event_add(ctx->events, month, EV_COMMIT, p, w->mu[a], (1 - phi) * Kf * w->kap[a]);
                    }
        }
    }
    /* funded? */
    int all = 1;
    for (int a = o; a < e; a++) all &= !w->live[a] || w->fs[a] == FS_COMMITTED;
    if (all && w->mp[p] >= 2) {
        for (int a = o; a < e; a++)
            if (w->live[a]) w->paid[w->mu[a]] += (1 - phi) * Kf * w->kap[a] / (ktot > 0 ? ktot : 1);
        int wait = month - w->f_t0[p];
        rs_event_add(ctx->events, month, EV_FUND_PAID, p, -1, wait);
        w->funded_wait_sum += wait; w->funded_n++; w->funded_m++;
        w->f_kind[p] = FUND_NONE;
        for (int a = o; a < e; a++) w->fs[a] = FS_NONE;
        if (startup) {
            w->st[p] = PS_ACTIVE; w->ta[p] = month;
            rs_event_add(ctx->events, month, EV_ACTIVE, p, -1, NAN);
        } else w->u[p] = fmin(0.5, w->u[p] + par[rs_pi.pf_gain]);
        return;
    }
    if (month >= w->f_t0[p] + (int)par[rs_pi.pf_deadline]) rs_fund_fail(w, ctx, p, month);
}

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)rng;
    rs_world *w = vw;
    const double *par = ctx->par;
    for (int p = 0; p < w->np; p++) {
        if (w->st[p] != PS_FORMING || w->tf[p] != month) continue;
        if (par[rs_pi.pf_startup] != 0) {
            w->st[p] = PS_FUNDING;
            open_fund(w, ctx, p, FUND_STARTUP, par[rs_pi.pf_cost], month);
        } else {
            w->st[p] = PS_ACTIVE; w->ta[p] = month;
            rs_event_add(ctx->events, month, EV_ACTIVE, p, -1, NAN);
        }
    }
    if (w->sched_on)
        for (int k = w->ev_lo; k < w->ev_hi; k++) {
            const rs_sched_event *e = &w->sc->events[k];
            int p = e->partnership;
            if (e->kind != SE_FUND_OPEN || p < 0 || p >= w->np || !PS_PROD(w->st[p]) || w->f_kind[p] != FUND_NONE)
                continue;
            open_fund(w, ctx, p, FUND_PROJECT, isnan(e->value) ? par[rs_pi.pf_cost] : e->value, month);
        }
    for (int p = 0; p < w->np; p++)
        if (w->f_kind[p] != FUND_NONE && PS_LIVE(w->st[p])) run_fund(w, ctx, p, month);
}

const rs_mechanism rs_mech_pooledfund = {
    "pooledfund", "start-up and project funds: pledges, commitments, funding or failure",
    params, sizeof params / sizeof params[0], NULL, step};
