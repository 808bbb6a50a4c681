/*
 * world.h - the state of one run of the cooperation model (docs/model.md,
 * section 2).
 *
 * Structure of arrays throughout: municipalities [n], partnerships [NP],
 * membership slots [NM] (partnership p owns slots off[p] .. off[p]+ns[p]-1;
 * members only leave, so a slot dies but is never reused), carrier slots
 * [NP * KC], and the trust matrix as one contiguous n*n block with, per
 * pair, one 16-bit word: the number of live partnerships the pair shares,
 * flagged with RS_SHARED, or, while it shares none, the month of its last
 * update. Everything is sized in world_alloc (NP = scenario
 * partnerships + max membership.max_new, NM = scenario memberships + 6 *
 * max_new), once per worker thread, so the monthly steps allocate nothing.
 *
 * Trust that is not used (the pair shares no live partnership) drifts back
 * to its base level; instead of touching all n^2 pairs each month, the
 * drift is applied in closed form when the pair is read (rs_trust_get,
 * 7.8): T(t) = base + (T(t0) - base) * (1 - drift)^(t - t0). A month then
 * costs O(memberships + co-member pairs), not O(n^2).
 */
#ifndef REGSIM_MODELS_WORLD_H
#define REGSIM_MODELS_WORLD_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "regsim/regsim.h"

#define RS_ND 10            /* service domains (7.0) */
#define RS_REF_POP 30000.0  /* reference population for attention */
#define RS_FORMING 3        /* forming months */

/* life cycle (2.2) */
enum { PS_PLANNED, PS_FORMING, PS_FUNDING, PS_ACTIVE, PS_COOLING, PS_DISSOLVED, PS_FAILED };
#define PS_LIVE(s) ((s) >= PS_FORMING && (s) <= PS_COOLING)
#define PS_PROD(s) ((s) == PS_ACTIVE || (s) == PS_COOLING)

enum { GOV_LARGEST, GOV_NAMED, GOV_SHARED, GOV_UNANIMITY, GOV_POPULATION };
enum { KEY_POPULATION, KEY_EQUAL, KEY_CONTRIBUTION };
enum { KPI_FREE, KPI_CAP, KPI_STEER };
enum { FR_SEQUENTIAL, FR_LEAD_FIRST, FR_ASSURANCE, FR_SYNC };
enum { TY_UNCOND, TY_COND, TY_FREE };
enum { FS_NONE, FS_PLEDGED, FS_COMMITTED };
enum { FUND_NONE, FUND_STARTUP, FUND_PROJECT };

/* event log kinds (7.11) */
enum {
    EV_FORMED, EV_ACTIVE, EV_COOLING, EV_RECOVERED, EV_DISSOLVED, EV_FAILED, EV_EXIT,
    EV_KP_LEFT, EV_SUCCESSOR, EV_FUND_REQ, EV_PLEDGE, EV_COMMIT, EV_FUND_PAID, EV_FUND_FAILED,
    EV_ELECTION, EV_KPI_REVIEW, EV_JOINT_EVAL, EV_KPI_CAP, EV_BUDGET_CHANGE, EV_PROPOSAL_REJECTED
};
/* scheduled-event kinds (7.1) */
enum { SE_KP_LEAVES, SE_MEMBER_EXIT, SE_KPI_CAP, SE_ELECTION, SE_BUDGET_CHANGE, SE_FUND_OPEN,
       SE_JOINT_EVAL };
/* mechanism positions = random stream index */
enum { MK_CALENDAR, MK_KEYPEOPLE, MK_POOLEDFUND, MK_PRODUCTION, MK_ATTENTION, MK_FAIRNESS,
       MK_KPI, MK_TRUST, MK_MEMBERSHIP, MK_BUDGET };

/* Service domains and their cost curves (7.0). */
typedef struct rs_domain_def {
    const char *name;
    double cost_min;   /* EUR per inhabitant per year at the optimum scale */
    double scale_opt;  /* optimum scale, inhabitants */
    double curvature;  /* a_d */
    double prevalence; /* share among generated partnerships */
    const char *source;
} rs_domain_def;

extern const rs_domain_def rs_domains[];
extern const char *const rs_domain_names[];

/* Money flows of a partnership (7.4). */
typedef struct rs_flows {
    double A, S, J, Gs, Phi, G, TC, KO, Q, V;
} rs_flows;

typedef struct rs_world {
    const rs_scenario *sc;
    int n, np0, NP, NM, KC, H, month;
    int np, nm;                 /* partnerships and slots in use */
    int ev_lo, ev_hi;           /* this month's scheduled events: sc->events[ev_lo..ev_hi) */
    int sched_on;               /* calendar.scheduled_events */

    /* municipalities [n] */
    const double *pop;
    double *B, *B0, *R, *pi, *a, *a0, *s, *l, *rep, *C, *L, *NB, *money, *paid, *sat;
    int *will, *type, *phi, *nmem, *dec, *elec, *stamp;
    int stamp_id, *cand;        /* exit stamps; [n] proposal candidates */
    double *ckey;               /* [n] candidate sort keys */
    int *comem;                 /* [n] scratch: distinct co-members (membership.c) */
    int *ml, *ml_off, nm0;      /* i's membership slots: ml[ml_off[i] .. ml_off[i+1]),
                                   those formed during the run first (newest first),
                                   then the scenario's in slot order (rs_mlist_build) */
    int *nb_off, *nb;           /* neighbours (CSR, fixed) */
    double *xbuf;               /* [n] Gini buffer */
    double *obs_tr;             /* [n] observe: trust received from co-members */
    int *obs_kt;                /* [n] observe: co-members counted */
    int *tw_j;                  /* [n] scratch: live members of a partnership (trust step, rs_partnership_trust); */
    double *tw_base, *tw_ad, *tw_rep; /* [n] their experience terms (7.8) */
    double *lnhalf;             /* [n + 1] ln(m / 2), for formality (7.6) */
    double *ucm;                /* [n * RS_ND] unit cost of i alone in domain d, set per run */
    double *piw;                /* [n * RS_ND] sqrt(RS_ND pi_id): attention weight (7.5), kept with pi */

    /* trust [n * n] */
    double *T;
    uint16_t *tsh;              /* RS_SHARED | shared live partnerships, or (none
                                   shared) the month of the last update (horizon <= 1200) */
    double tbase, *keep_pow;    /* [H + 1] (1 - drift)^dt */

    /* partnerships [NP] */
    /* small codes and flags are stored as bytes: the arrays that scale with
     * partnerships, slots and carriers are most of a world (memory per
     * running run, bench/RESULTS.md) */
    uint8_t *st, *dom, *kr, *je;  /* state, domain, KPI rule, joint evaluation */
    int *t0, *ta, *tf, *lead, *conv, *slead, *mp, *off, *ns, *K, *kc, *cm;
    double *RC, *I, *F, *u, *Tm, *abar;
    double *A, *Sc, *J, *Gs, *Phi, *G, *TC, *KO, *Q, *V, *Vf; /* Vf: V as shared out by fairness */
    uint8_t *f_kind;            /* fund */
    int *f_t0;
    double *f_cost;
    double *ucS, *ucv;          /* unit cost ucv[p] of p at scale ucS[p]: a
                                   partnership's scale changes only with its members */

    /* membership slots [NM] */
    int *mu, *sp;
    uint8_t *live, *fs;
    uint16_t *low;              /* months in a row below the satisfaction threshold (horizon <= 1200) */
    double *z, *kap, *sig, *ad, *Aip, *pay, *NBm, *NBs, *succ, *fair, *sats;

    /* carriers [NP * KC] */
    int *c_home, *c_ten, *c_due, *c_vstart;
    uint8_t *c_kind, *c_vac;
    double *c_age;

    /* counters */
    int dissolved, formed_m, funded_m, failed_m, exits_m, departures_m;
    double funded_wait_sum;
    int funded_n;
} rs_world;

/* ---- trust (7.8) ---- */
#define RS_SHARED 0x8000u
#define RS_SHARED_MAX 0x7fff
/* the number of live partnerships pair k shares */
static inline int rs_pair_shared(const rs_world *w, size_t k)
{
    return (w->tsh[k] & RS_SHARED) ? (int)(w->tsh[k] & RS_SHARED_MAX) : 0;
}
static inline double rs_trust_get(const rs_world *w, int i, int j)
{
    size_t k = (size_t)i * (size_t)w->n + (size_t)j;
    unsigned x = w->tsh[k];
    if (x & RS_SHARED) return w->T[k];
    int dt = w->month - (int)x;
    if (dt <= 0) return w->T[k];
    if (dt > w->H) dt = w->H;
    return w->tbase + (w->T[k] - w->tbase) * w->keep_pow[dt];
}
static inline void rs_trust_set(rs_world *w, int i, int j, double v)
{
    size_t k = (size_t)i * (size_t)w->n + (size_t)j;
    w->T[k] = v < 0 ? 0 : v > 1 ? 1 : v;
    if (!(w->tsh[k] & RS_SHARED)) w->tsh[k] = (uint16_t)w->month;
}
/* Add delta to the shared count of pair (i, j), materialising drifted trust
 * when the count leaves or reaches 0 (rs_pair_share, slot_share). */
static inline void rs_pair_share_add(rs_world *w, int i, int j, int delta)
{
    size_t k = (size_t)i * (size_t)w->n + (size_t)j;
    int c = rs_pair_shared(w, k), v = c + delta;
    if (v < 0) v = 0;
    if (v > RS_SHARED_MAX) v = RS_SHARED_MAX;
    if ((c == 0) != (v == 0)) rs_trust_set(w, i, j, rs_trust_get(w, i, j));
    if (v > 0) w->tsh[k] = (uint16_t)(RS_SHARED | (unsigned)v);
    else if (c > 0) w->tsh[k] = (uint16_t)w->month;
}
/* RS_CHECK(cond): an invariant checked in the sanitizer builds of the test
 * suite (REGSIM_CHECKS) and compiled out of normal builds, where even one
 * extra memory access per pair would show. */
#ifdef REGSIM_CHECKS
#define RS_CHECK(cond) \
    do { if (!(cond)) { fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); abort(); } } while (0)
#else
#define RS_CHECK(cond) ((void)0)
#endif

/* A pair that shares a live partnership (RS_SHARED) has no drift to apply, and
 * its update stamp matters only once it stops sharing (rs_pair_share_add
 * stamps it then): co-members read and write T alone, one memory access instead of
 * two. Only for members of a live partnership. */
static inline double rs_trust_co_get(const rs_world *w, int i, int j)
{
    size_t k = (size_t)i * (size_t)w->n + (size_t)j;
    RS_CHECK(w->tsh[k] & RS_SHARED);
    return w->T[k];
}
static inline void rs_trust_co_set(rs_world *w, int i, int j, double v)
{
    size_t k = (size_t)i * (size_t)w->n + (size_t)j;
    RS_CHECK(w->tsh[k] & RS_SHARED);
    w->T[k] = v < 0 ? 0 : v > 1 ? 1 : v;
}
static inline double rs_clamp(double x, double a, double b) { return x < a ? a : x > b ? b : x; }
static inline double rs_logistic(double x) { return 1.0 / (1.0 + exp(-x)); }

/* c_d(P_i): i's own unit cost in domain d (7.0); populations and parameters
 * are fixed during a run, so world_reset computes the table once */
static inline double rs_unit_cost_own(const rs_world *w, int i, int d)
{
    return w->ucm[(size_t)i * RS_ND + (size_t)d];
}

/* Recompute i's attention weights after its priorities pi changed. */
static inline void rs_pi_weights(rs_world *w, int i)
{
    for (int d = 0; d < RS_ND; d++) w->piw[(size_t)i * RS_ND + d] = sqrt(RS_ND * w->pi[(size_t)i * RS_ND + d]);
}

/* Rebuild ml/ml_off from the slots in use (world_reset, and after a
 * partnership forms: O(n + slots), a few times a run). */
void rs_mlist_build(rs_world *w);

/* shared helpers (model.c, production.c, attention.c, fairness.c, membership.c) */
double rs_unit_cost(const rs_world *w, const double *par, int d, double S);
void rs_prod_eval(const rs_world *w, const double *par, int p, int asif, rs_flows *f);
void rs_prod_partnership(rs_world *w, const double *par, int p);
void rs_attention_update(rs_world *w, const double *par, int formality);
void rs_fair_keys(rs_world *w, const double *par, int p);
void rs_fair_partnership(rs_world *w, const double *par, int p);
void rs_fair_municipalities(rs_world *w);
double rs_partnership_trust(const rs_world *w, int p);
void rs_pair_share(rs_world *w, int p, int delta);
void rs_lead_assign(rs_world *w, const double *par, int p);
void rs_dissolve(rs_world *w, rs_run_ctx *ctx, int p, int failed);
void rs_exit(rs_world *w, rs_run_ctx *ctx, int s, int forced);
int rs_kpi_limit(const double *par, int rule, int cap, int K);
double rs_par(const rs_run_ctx *ctx, const char *name);

/* parameter indices, resolved once (model.c) */
typedef struct rs_pidx {
    long cal_dec, cal_stagger, cal_elint, cal_first, cal_shift, cal_sched;
    long kp_carriers, kp_inst, kp_delay, kp_hazard, kp_age, kp_alder, kp_elturn, kp_rc0, kp_rcloss,
        kp_tloss, kp_vacpen, kp_rcrate;
    long pf_rule, pf_cofund, pf_startup, pf_cost, pf_gain, pf_deadline, pf_cond, pf_free, pf_thr,
        pf_teff, pf_lag;
    long pr_curv, pr_dis, pr_tc, pr_hub, pr_fixed, pr_drag, pr_ramp, pr_qual, pr_will, pr_unwill;
    long at_cap, at_el, at_lead, at_fsize, at_fthin, at_frate, at_board;
    long fa_gov, fa_lead, fa_voice, fa_key, fa_vw, fa_sw, fa_amean, fa_aw, fa_small;
    long kpi_rule, kpi_cap, kpi_eshare, kpi_ecost, kpi_jint, kpi_jshare, kpi_init, kpi_useful,
        kpi_cost, kpi_steer, kpi_thr, kpi_rate;
    long tr_init, tr_nb, tr_base, tr_lr, tr_drift, tr_rep;
    long me_hor, me_thr, me_rev, me_pay, me_reploss, me_tloss, me_repval, me_cool, me_coolmax,
        me_orph, me_orphh, me_prop, me_init, me_invite, me_maxnew;
    long bu_pc, bu_spread, bu_res, bu_growth, bu_again, bu_skill, bu_sgain;
} rs_pidx;
extern rs_pidx rs_pi;
void rs_pidx_resolve(void);

void rs_coop_world_free(void *world);
rs_status rs_generate_partnerships(rs_scenario *sc, const struct cJSON *spec, const char *path,
                                   rs_error *err);

extern const rs_mechanism rs_mech_calendar, rs_mech_keypeople, rs_mech_pooledfund,
    rs_mech_production, rs_mech_attention, rs_mech_fairness, rs_mech_kpi, rs_mech_trust,
    rs_mech_membership, rs_mech_budget;

#endif
