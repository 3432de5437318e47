/*
 * profile.h - the delivery semantics a client under test declares.
 *
 * Correct clients differ on one point the seed leaves open: what to do
 * with a 4xx other than 401, 408 and 429 (a validation error). A profile
 * names one answer; sfconform --profile NAME judges a client by it. Cases
 * and expectations say which profiles they belong to (fixtures/README.md),
 * so a profile is data in the catalog, not code per case. This module is
 * only the table of names.
 */
#ifndef CONF_PROFILE_H
#define CONF_PROFILE_H

/* X(enum suffix, name, what a client of the profile does) */
#define PROFILES(X)                                                            \
    X(RETRIED, "4xx-retried",                                                  \
      "a 4xx other than 401 is retried like a 5xx: retry.max_retries "         \
      "times, then delivery_failed (the seed's semantics; the default)")       \
    X(FINAL, "4xx-final",                                                      \
      "a 4xx other than 401, 408 and 429 is final: one attempt, then "         \
      "delivery_failed; everything else as 4xx-retried")                       \
    X(BATCH, "batch",                                                          \
      "as 4xx-retried, and the client also delivers in batches "               \
      "(delivery.format collection and bulk): the batch/ cases")

enum profile {
#define PROFILE_ENUM(e, n, about) PROFILE_##e,
    PROFILES(PROFILE_ENUM)
#undef PROFILE_ENUM
        PROFILE_COUNT
};

#define PROFILE_DEFAULT PROFILE_RETRIED
/* Every profile, as a bit set (bit p for enum profile p). */
#define PROFILE_ALL ((1u << PROFILE_COUNT) - 1)

/* The profile's name and description (static strings). */
const char *profile_name(enum profile p);
const char *profile_about(enum profile p);
/* The profile called name (exact), or PROFILE_COUNT when none is. */
enum profile profile_find(const char *name);

#endif
