/*
 * check.h - the smallest test harness: CHECK(cond, fmt, ...) records a
 * pass or a failure with its location; check_done() prints
 * "N passed, N failed" and returns the exit status.
 */
#ifndef REGSIM_TEST_CHECK_H
#define REGSIM_TEST_CHECK_H
#include <math.h>
#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (cond) check_passed++;                                         \
        else {                                                            \
            check_failed++;                                               \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                 \
            fputc('\n', stderr);                                          \
        }                                                                 \
    } while (0)

/* |a - b| <= tol */
#define CHECK_NEAR(a, b, tol) \
    CHECK(fabs((double)(a) - (double)(b)) <= (tol), "%.10g vs %.10g (tolerance %g)", (double)(a), (double)(b), (double)(tol))

static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}
#endif
