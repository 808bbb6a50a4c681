/*
 * internal.h - helpers shared by the engine's files; not public API.
 */
#ifndef REGSIM_INTERNAL_H
#define REGSIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "regsim/regsim.h"

/* The candidate nearest to name by edit distance (for "did you mean"). */
const char *rs_nearest_name(const char *name, const char *const *cands, size_t n);

/* splitmix64 finaliser: a well-mixed 64-bit hash of x. */
static inline uint64_t rs_mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

struct cJSON;
/* "a string", "a number", ... for messages (engine/scenario.c). */
const char *rs_json_type(const struct cJSON *j);
/* path + "." + key, cut (never overflowed) if it does not fit. */
void rs_json_join(char *out, size_t n, const char *path, const char *key);

/* Split one CSV line in place (engine/scenario.c). */
int rs_csv_split(char *line, char **fields, int max);

/* Duplicate a string; NULL on allocation failure. */
char *rs_strdup(const char *s);

/* Read a whole file into a NUL-terminated buffer (caller frees). */
char *rs_read_file(const char *path, size_t *len, rs_error *err);

/* rs_malloc and rs_calloc (include/regsim/model.h) and rs_realloc can be
 * made to fail by tests (RS_FAIL_ALLOC_AFTER=N fails calls after the
 * first N). Every engine and model allocation uses them. */
void *rs_realloc(void *p, size_t n);



/* The generator every regsim stream uses (engine/rng.c). */
#include <gsl/gsl_rng.h>
extern const gsl_rng_type *rs_rng_xoshiro256;

/* Seed of mechanism k's stream in the run with seed run_seed. */
static inline uint64_t rs_stream_seed(uint64_t run_seed, size_t k)
{
    return rs_mix64(run_seed ^ rs_mix64(0xA5A5A5A5ULL + (uint64_t)k));
}
#endif
