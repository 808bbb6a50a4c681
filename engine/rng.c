/*
 * rng.c - xoshiro256** as a gsl_rng_type (Blackman & Vigna 2018).
 *
 * GSL's generators take their seed as an unsigned long but most use only
 * 32 bits of it; with 100,000 replicates two streams would then likely
 * coincide. This generator takes all 64 bits (expanded with splitmix64)
 * and is among the fastest of good quality. Every stream in regsim is one
 * of these, seeded by rs_stream_seed().
 */
#include <gsl/gsl_rng.h>
#include "internal.h"

typedef struct { uint64_t s[4]; } xoshiro_state;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next64(xoshiro_state *st)
{
    uint64_t *s = st->s;
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

static void xo_set(void *vstate, unsigned long seed)
{
    xoshiro_state *st = vstate;
    uint64_t x = (uint64_t)seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9E3779B97F4A7C15ULL;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        st->s[i] = z ^ (z >> 31);
    }
}

static unsigned long xo_get(void *vstate)
{
    return (unsigned long)(next64(vstate) >> 32);
}

static double xo_get_double(void *vstate)
{
    /* 53 random bits in [0, 1) */
    return (double)(next64(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**", 0xffffffffUL, 0, sizeof(xoshiro_state), &xo_set, &xo_get, &xo_get_double};

const gsl_rng_type *rs_rng_xoshiro256 = &xoshiro_type;
