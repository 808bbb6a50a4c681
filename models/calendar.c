/*
 * calendar.c - the model's clock. Runs first each month, so that every
 * later mechanism (and trust's lazy drift, see world.h) sees the current
 * month.
 */
#include "world.h"

static void step(void *vw, rs_run_ctx *ctx, int month, gsl_rng *rng)
{
    (void)ctx; (void)rng;
    ((rs_world *)vw)->month = month;
}

const rs_mechanism rs_mech_calendar = {"calendar", "the month counter", NULL, 0, NULL, step};
