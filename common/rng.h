/*
 * rng.h - a small deterministic generator (xoshiro256**) and the OS's
 * random bytes.
 *
 * Secrets (tokens) come from getrandom(2) unless a seed was given for a
 * reproducible run, in which case everything is derived from the seed.
 * Never used where cryptographic strength matters beyond a local test tool.
 */
#ifndef COMMON_RNG_H
#define COMMON_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
    int seeded; /* 1: deterministic from a seed; 0: from getrandom */
};

void rng_init_seed(struct rng *r, uint64_t seed);
/* Seeds from getrandom(2); aborts if the kernel cannot provide entropy. */
void rng_init_random(struct rng *r);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Fills out[0..n-1] from alphabet and NUL-terminates at out[n]. */
void rng_fill(struct rng *r, char *out, size_t n, const char *alphabet);
/*
 * Fills buf with secret bytes: getrandom(2) for an unseeded rng, the
 * generator's stream for a seeded one (reproducible runs).
 */
void rng_secret(struct rng *r, void *buf, size_t n);

/*
 * The generator's state as text, for state files: "hhhh...:hhhh...:...:"
 * (four 16-digit hex words separated by ':', RNG_STATE_LEN - 1
 * characters). rng_state_parse() restores it (seeded unchanged); -1 when
 * s is not such text or is all zeros (a state the generator never leaves).
 */
#define RNG_STATE_LEN (4 * 17)
void rng_state_text(const struct rng *r, char out[RNG_STATE_LEN]);
int rng_state_parse(struct rng *r, const char *s);

#endif
