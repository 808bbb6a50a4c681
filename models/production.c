/*
 * production.c - what a producing partnership costs and saves each month
 * (docs/model.md 7.0, 7.4).
 *
 * Unit cost of domain d at scale S (inhabitants served), EUR/inhabitant/year:
 *     c_d(S) = cmin_d * (1 + a_d' [ln(Sopt_d/S)]+^2 + b [ln(S/Sopt_d)]+^2),
 *     a_d' = production.curvature * a_d,  b = production.diseconomy
 * (U-shaped curves, IPSE Studies 2019; flat above about 10k for many
 * services, Gomez-Reino et al. 2023).
 *
 * For producing p over live members i (scope z_ip, 5.1):
 *     A_ip = z_ip P_i c_d(P_i) / 12,  A_p = sum A_ip,  S_p = sum P_i
 *     J_p  = sum z_ip P_i c_d(S_p) / 12,  Gs_p = A_p - J_p
 *     base = 0.3 W + 0.2 skl + 0.3 abar + 0.2 fit,  W = I + (1 - I) RC
 *     Phi  = ramp * base * (1 - vp (1 - I) v) * (1 - fd F) * (1 - up * unwilling share)
 *            * (1 + sg min(K, useful)/useful) * (1 + u)
 *     G    = Phi Gs if Gs > 0 else Gs
 *     Lk   = (m-1) + h (m-1)(m-2)/2 (lead as hub: h = hub_pair_share; shared: 0.6;
 *            board and population-weighted: m(m-1)/2)
 *     TC   = tc_rate A (1 + F) Lk / (m - 1) + fixed_cost m      (PAR 2019)
 *     KO   = cost_share A K (1 - e (1 - existing_data_cost))
 *     Q    = quality_rate Phi A,   V = G - TC - KO
 */
#include "world.h"

const rs_domain_def rs_domains[RS_ND] = {
    {"ict", 60, 100000, 0.08, 0.14, "calibrated: chosen so that shared ICT saves around 10% for small members"},
    {"tax", 25, 460000, 0.06, 0.08, "IPSE Studies 2019 (optimum about 460k for tax collection)"},
    {"social", 110, 60000, 0.03, 0.18, "IPSE Studies 2019 (40-65k); Gomez-Reino et al. 2023"},
    {"waste", 130, 50000, 0.04, 0.10, "IPSE Studies 2019 (40-65k for waste)"},
    {"permits", 45, 100000, 0.05, 0.10, "calibrated: RUD scale saves moderately"},
    {"roads", 150, 20000, 0.03, 0.06, "IPSE Studies 2019 (about 20k for roads); Gomez-Reino et al. 2023"},
    {"civil_affairs", 35, 50000, 0.04, 0.06, "IPSE Studies 2019 (40-65k for civil affairs)"},
    {"administration", 120, 50000, 0.05, 0.12, "IPSE Studies 2019 (40-65k for general administration)"},
    {"fire", 55, 150000, 0.03, 0.08, "calibrated: safety-region scale saves moderately"},
    {"health", 30, 250000, 0.03, 0.08, "calibrated: GGD scale saves moderately"},
};
const char *const rs_domain_names[RS_ND + 1] = {"ict", "tax", "social", "waste", "permits", "roads",
                                               "civil_affairs", "administration", "fire", "health", NULL};

static const rs_param_def params[] = {
    {"production.curvature", RS_PARAM_REAL, 1, 0, 5, "1",
     "Multiplier on every domain's scale curvature a_d (sensitivity lever)",
     "IPSE Studies 2019; Gomez-Reino et al. 2023", NULL},
    {"production.diseconomy", RS_PARAM_REAL, 0, 0, 0.2, "1",
     "Curvature b of unit cost above a domain's optimum scale",
     "Gomez-Reino et al. 2023 (no average-cost change above about 10k); calibrated: 0, so that a partnership above a domain's optimum costs no more than its members alone (0.01 made the national network's gross savings negative; model.md 8.1)", NULL},
    {"production.tc_rate", RS_PARAM_REAL, 0.005, 0, 0.1, "1",
     "Monthly coordination cost per coordination link per other member, as a share of pooled cost",
     "PAR 2019 (ex-ante costs about 2.7% of contract value); calibrated: chosen so that an 8-member partnership with a lead hub spends about 0.75% of its pooled cost a month on coordination", NULL},
    {"production.hub_pair_share", RS_PARAM_REAL, 0.05, 0, 1, "1",
     "Share of member pairs that still need direct coordination when a lead municipality acts as hub",
     "[002]; calibrated: chosen so that a lead hub takes over nearly all pairwise coordination (0.3 made large generated partnerships cost more to coordinate than they save; model.md 8.1)", NULL},
    {"production.fixed_cost", RS_PARAM_REAL, 350, 0, 50000, "EUR/month",
     "Fixed cost of a membership (board, secretariat, reporting) per member per month",
     "calibrated: chosen so that many small-scope memberships still carry a visible overhead (pattern 4) while most Dutch memberships pay off (model.md 8.1)", NULL},
    {"production.formality_drag", RS_PARAM_REAL, 0.3, 0, 1, "1",
     "Performance lost at full formality (attention to structure rather than the goal)",
     "[000] (SIOO)", NULL},
    {"production.ramp_months", RS_PARAM_INT, 12, 0, 60, "month",
     "Months a new partnership needs to reach full performance",
     "calibrated: chosen so that a new shared service takes a year to settle", NULL},
    {"production.quality_rate", RS_PARAM_REAL, 0.03, 0, 0.2, "1",
     "Value of better quality and less vulnerability, as a share of pooled cost at full performance (not a spending cut)",
     "Allers & de Greef 2018 (little spending effect); [004] (added value can be qualitative)", NULL},
    {"production.willing_share", RS_PARAM_REAL, 0.54, 0, 1, "1",
     "Share of municipalities willing to adapt their own processes",
     "[003] (54% willing, 83% expect it of partners)", NULL},
    {"production.unwilling_penalty", RS_PARAM_REAL, 0.2, 0, 1, "1",
     "Performance lost when no member is willing to adapt (times the unwilling share)",
     "[003]", NULL},
};

double rs_unit_cost(const rs_world *w, const double *par, int d, double S)
{
    (void)w;
    const rs_domain_def *dd = &rs_domains[d];
    if (S <= 0) return dd->cost_min;
    double l = log(dd->scale_opt / S);
    double lo = l > 0 ? l : 0, hi = l < 0 ? -l : 0;
    return dd->cost_min * (1 + par[rs_pi.pr_curv] * dd->curvature * lo * lo + par[rs_pi.pr_dis] * hi * hi);
}

/* Flows of p; asif: as if active and fully ramped (7.4 estimate). Writes nothing. */
void rs_prod_eval(const rs_world *w, const double *par, int p, int asif, rs_flows *f)
{
    int d = w->dom[p], o = w->off[p], e = o + w->ns[p], m = 0, unwilling = 0;
    double A = 0, S = 0, zP = 0, skl = 0, fit = 0;
    for (int a = o; a < e; a++) {
        if (!w->live[a]) continue;
        int i = w->mu[a];
        m++;
        A += w->z[a] * w->pop[i] * rs_unit_cost_own(w, i, d) / 12.0;
        S += w->pop[i];
        zP += w->z[a] * w->pop[i];
        skl += w->s[i];
        double ft = RS_ND * w->pi[(size_t)i * RS_ND + d];
        fit += ft < 1 ? ft : 1;
        unwilling += !w->will[i];
    }
    f->A = A; f->S = S;
    if (m == 0) { f->J = f->Gs = f->Phi = f->G = f->TC = f->KO = f->Q = f->V = 0; return; }
    if (w->ucS[p] != S) { w->ucS[p] = S; w->ucv[p] = rs_unit_cost(w, par, d, S); }
    f->J = zP * w->ucv[p] / 12.0;
    f->Gs = A - f->J;
    double I = w->I[p], W = I + (1 - I) * w->RC[p];
    double base = 0.3 * W + 0.2 * skl / m + 0.3 * w->abar[p] + 0.2 * fit / m;
    double rm = par[rs_pi.pr_ramp], ramp = 1;
    if (!asif && rm > 0) ramp = rs_clamp((w->month - w->ta[p]) / rm, 0, 1);
    int kcar = (int)par[rs_pi.kp_carriers], nvac = 0;
    for (int c = 0; c < kcar; c++) nvac += w->c_vac[p * w->KC + c];
    double vac = 1 - par[rs_pi.kp_vacpen] * (1 - I) * (double)nvac / kcar;
    double form = 1 - par[rs_pi.pr_drag] * w->F[p];
    double adapt = 1 - par[rs_pi.pr_unwill] * (double)unwilling / m;
    int K = w->K[p];
    if (asif && !PS_PROD(w->st[p])) K = rs_kpi_limit(par, w->kr[p], w->kc[p], (int)par[rs_pi.kpi_init]);
    double useful = par[rs_pi.kpi_useful];
    double steer = useful > 0 ? 1 + par[rs_pi.kpi_steer] * (K < useful ? K : useful) / useful : 1;
    f->Phi = ramp * base * vac * form * adapt * steer * (1 + w->u[p]);
    f->G = f->Gs > 0 ? f->Phi * f->Gs : f->Gs;
    int gov = (int)par[rs_pi.fa_gov];
    double Lk;
    if (gov == GOV_UNANIMITY || gov == GOV_POPULATION) Lk = m * (m - 1) / 2.0;
    else {
        double h = gov == GOV_SHARED ? 0.6 : par[rs_pi.pr_hub];
        Lk = (m - 1) + h * (m - 1) * (m - 2) / 2.0;
    }
    f->TC = (m > 1 ? par[rs_pi.pr_tc] * A * (1 + w->F[p]) * Lk / (m - 1) : 0) + par[rs_pi.pr_fixed] * m;
    double es = par[rs_pi.kpi_eshare];
    f->KO = par[rs_pi.kpi_cost] * A * K * (1 - es * (1 - par[rs_pi.kpi_ecost]));
    f->Q = par[rs_pi.pr_qual] * f->Phi * A;
    f->V = f->G - f->TC - f->KO;
}

/* Evaluate p and store its flows and the members' standalone costs. */
void rs_prod_partnership(rs_world *w, const double *par, int p)
{
    rs_flows f;
    rs_prod_eval(w, par, p, 0, &f);
    int d = w->dom[p];
    for (int a = w->off[p]; a < w->off[p] + w->ns[p]; a++)
        w->Aip[a] = w->live[a] ? w->z[a] * w->pop[w->mu[a]] * rs_unit_cost_own(w, w->mu[a], d) / 12.0 : 0;
    w->A[p] = f.A; w->Sc[p] = f.S; w->J[p] = f.J; w->Gs[p] = f.Gs; w->Phi[p] = f.Phi; w->G[p] = f.G;
    w->TC[p] = f.TC; w->KO[p] = f.KO; w->Q[p] = f.Q; w->V[p] = f.V;
}

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)rng; (void)month;
    rs_world *w = vw;
    for (int p = 0; p < w->np; p++) {
        if (PS_PROD(w->st[p])) { rs_prod_partnership(w, ctx->par, p); continue; }
        w->A[p] = w->J[p] = w->Gs[p] = w->Phi[p] = w->G[p] = w->TC[p] = w->KO[p] = w->Q[p] = w->V[p] = 0;
    }
}

const rs_mechanism rs_mech_production = {
    "production", "performance, standalone and joint cost, savings, transaction and KPI costs",
    params, sizeof params / sizeof params[0], NULL, step};
