/*
 * profile.c - the profile table (see profile.h).
 */
#include "profile.h"

#include <string.h>

static const struct {
    const char *name, *about;
} profiles[PROFILE_COUNT] = {
#define PROFILE_ROW(e, n, a) [PROFILE_##e] = {n, a},
    PROFILES(PROFILE_ROW)
#undef PROFILE_ROW
};

const char *
profile_name(enum profile p)
{
    return p < PROFILE_COUNT ? profiles[p].name : "?";
}

const char *
profile_about(enum profile p)
{
    return p < PROFILE_COUNT ? profiles[p].about : "";
}

enum profile
profile_find(const char *name)
{
    int p;

    for (p = 0; name != NULL && p < PROFILE_COUNT; p++)
        if (strcmp(profiles[p].name, name) == 0)
            return (enum profile)p;
    return PROFILE_COUNT;
}
