/*
 * state.h - the per-buyer state directory (--state, SFCONFORM_STATE).
 *
 * Small JSON documents kept between runs: the access token, dedup history,
 * Web-to-Lead send times. Every save is write-to-temp, fsync, rename, fsync
 * the directory, so a crash leaves the old or the new file, never half of
 * one. state.c knows files, not what is in them.
 */
#ifndef CLIENT_STATE_H
#define CLIENT_STATE_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

struct state {
    char *dir; /* owned; NULL: no state directory, loads find nothing and
                  saves do nothing */
};

/* Creates dir (and parents) when missing. dir may be NULL. */
int state_open(struct state *s, const char *dir, struct sf_err *err);
void state_close(struct state *s);
/* name's document (new reference), or NULL when absent or unreadable (an
 * unreadable file is logged: state is a cache, never a reason to stop). */
json_t *state_load(const struct state *s, const char *name);
/* Replaces name atomically with doc. Returns 0 or -1 (logged). */
int state_save(const struct state *s, const char *name, json_t *doc);
/*
 * A file-name-safe form of key (e.g. an oid or URL), written into out:
 * letters, digits, '-' and '_' kept, and a hash suffix when anything else
 * was present.
 */
const char *state_key(const char *key, char *out, size_t n);

#endif
