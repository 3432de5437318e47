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
/* The same for text[0..len). */
int state_save_text(const struct state *s, const char *name, const char *text,
                    size_t len);
/*
 * name's whole text, NUL-terminated (caller frees with free()), its length
 * in *len; NULL when s has no directory, the file is absent, or it cannot
 * be read or is larger than max (those two logged).
 */
char *state_load_text(const struct state *s, const char *name, size_t max,
                      size_t *len);
/*
 * Opens name for appending, creating it (0600, its directory entry synced)
 * when absent. Returns the descriptor, or -1 with errno set (EINVAL when s
 * has no directory). The caller closes it; a state_save*() of name
 * replaces the file, so the descriptor then writes to the old one.
 */
int state_open_append(const struct state *s, const char *name);
/* Appends text[0..len) at fd and syncs it to disk. Returns 0, or -1 with
 * errno set when any of it may be missing (a part may be there). */
int state_append_sync(int fd, const char *text, size_t len);
/*
 * A file-name-safe form of key (e.g. an oid or URL), written into out:
 * letters, digits, '-' and '_' kept, and a hash suffix when anything else
 * was present.
 */
const char *state_key(const char *key, char *out, size_t n);

#endif
