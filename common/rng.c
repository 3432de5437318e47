/*
 * rng.c - xoshiro256** seeded by splitmix64 or getrandom (see rng.h).
 */
#include "rng.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "log.h"

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void
os_random(void *buf, size_t n)
{
    unsigned char *p = buf;

    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);

        if (got < 0) {
            if (errno == EINTR)
                continue;
            fatal("getrandom");
        }
        p += got;
        n -= (size_t)got;
    }
}

void
rng_init_seed(struct rng *r, uint64_t seed)
{
    int i;

    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
    r->seeded = 1;
}

void
rng_init_random(struct rng *r)
{
    os_random(r->s, sizeof(r->s));
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1;
    r->seeded = 0;
}

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t
rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, v;

    do
        v = rng_next(r);
    while (v >= limit);
    return v % n;
}

void
rng_fill(struct rng *r, char *out, size_t n, const char *alphabet)
{
    size_t alen = strlen(alphabet), i;

    for (i = 0; i < n; i++)
        out[i] = alphabet[rng_below(r, alen)];
    out[n] = '\0';
}

void
rng_secret(struct rng *r, void *buf, size_t n)
{
    unsigned char *p = buf;
    size_t i;

    if (!r->seeded) {
        os_random(buf, n);
        return;
    }
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)rng_next(r);
}

void
rng_state_text(const struct rng *r, char out[RNG_STATE_LEN])
{
    snprintf(out, RNG_STATE_LEN, "%016llx:%016llx:%016llx:%016llx",
             (unsigned long long)r->s[0], (unsigned long long)r->s[1],
             (unsigned long long)r->s[2], (unsigned long long)r->s[3]);
}

int
rng_state_parse(struct rng *r, const char *s)
{
    uint64_t w[4] = {0, 0, 0, 0};
    int i, k;

    if (strlen(s) != RNG_STATE_LEN - 1)
        return -1;
    for (i = 0; i < 4; i++) {
        for (k = 0; k < 16; k++) {
            char c = s[i * 17 + k];
            int v = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;

            if (v < 0)
                return -1;
            w[i] = w[i] << 4 | (uint64_t)v;
        }
        if (i < 3 && s[i * 17 + 16] != ':')
            return -1;
    }
    if ((w[0] | w[1] | w[2] | w[3]) == 0)
        return -1;
    memcpy(r->s, w, sizeof(w));
    return 0;
}
