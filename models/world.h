/*
 * world.h - the state of one run of the cooperation model.
 *
 * Structure of arrays for municipalities; the trust matrix is one
 * contiguous n*n block; memberships are stored both ways in compressed
 * form (partnership -> members, municipality -> partnerships). Everything
 * is sized in world_alloc, once per worker thread, so the monthly steps
 * allocate nothing.
 *
 * Trust drifts back to its base level when unused. Instead of touching all
 * n^2 pairs each month, each pair remembers the month it was last updated
 * and the drift is applied in closed form when the pair is read
 * (rs_trust_get): T(t) = base + (T(t0) - base) * (1 - drift)^(t - t0).
 * A month then costs O(memberships + co-member pairs), not O(n^2).
 */
#ifndef REGSIM_MODELS_WORLD_H
#define REGSIM_MODELS_WORLD_H

#include <math.h>
#include "regsim/regsim.h"

enum { RS_PS_INACTIVE = 0, RS_PS_ACTIVE = 1 };

/* Service domains and their cost curves (production.c). */
typedef struct rs_domain_def {
    const char *name;
    double cost_min;   /* EUR per inhabitant per year at or above the optimum scale */
    double scale_opt;  /* optimum scale, inhabitants */
    double curvature;  /* a in c(S) = c_min * (1 + a * ln(S_opt/S)^2) below the optimum */
    const char *source;
} rs_domain_def;

extern const rs_domain_def rs_domains[];
extern const char *const rs_domain_names[];
extern const int rs_ndomains;

/* Indices of the parameters the mechanisms read, resolved once. */
typedef struct rs_par_index {
    long budget_per_capita, budget_initial_reserve;
    long trust_initial, trust_base, trust_learning_rate, trust_drift;
    long prod_tc_per_pair, prod_perf_floor, prod_fit_weight;
    long prio_concentration;
} rs_par_index;

typedef struct rs_world {
    const rs_scenario *sc;
    rs_par_index pi;
    int n, np, nd, month;

    /* municipalities [n] */
    const double *pop;
    double *budget;         /* EUR per year */
    double *reserves;       /* EUR */
    double *priority;       /* [n * nd], each row sums to 1 */
    double *benefit_month;  /* EUR this month */
    int *nmember;           /* memberships */

    /* trust [n * n]: T[i*n+j] what i expects of j, at month tstamp[i*n+j] */
    double *trust;
    int *tstamp;
    double trust_base, trust_keep; /* base level, 1 - drift */
    double *keep_pow;              /* [horizon + 1]: trust_keep^dt */

    /* partnerships [np] */
    int *p_state, *p_domain, *p_start;
    int *p_off, *p_cnt, *members;  /* members[p_off[p] .. + p_cnt[p]] */
    double *p_scale;        /* inhabitants served */
    double *p_gross, *p_tx, *p_net, *p_perf;   /* EUR this month */
    int *m_off, *m_cnt, *mships;    /* partnerships of municipality i */

    /* month totals for observe */
    double gross, tx, net;
} rs_world;

/* Trust of i in j now, with the drift since its last update applied. */
static inline double rs_trust_get(const rs_world *w, int i, int j)
{
    size_t k = (size_t)i * (size_t)w->n + (size_t)j;
    int dt = w->month - w->tstamp[k];
    if (dt <= 0) return w->trust[k];
    return w->trust_base + (w->trust[k] - w->trust_base) * w->keep_pow[dt];
}

/* Set trust of i in j now. */
static inline void rs_trust_set(rs_world *w, int i, int j, double v)
{
    size_t k = (size_t)i * (size_t)w->n + (size_t)j;
    w->trust[k] = v < 0 ? 0 : v > 1 ? 1 : v;
    w->tstamp[k] = w->month;
}

/* Mean trust between the members of partnership p (both directions). */
double rs_partnership_trust(const rs_world *w, int p);

void rs_coop_world_free(void *world);

extern const rs_mechanism rs_mech_calendar;
extern const rs_mechanism rs_mech_production;
extern const rs_mechanism rs_mech_trust;
extern const rs_mechanism rs_mech_budget;

#endif
