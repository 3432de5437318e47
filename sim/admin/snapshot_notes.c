/*
 * snapshot_notes.c - what a restore could not bring back (see
 * snapshot.h): redacted tokens, redacted secrets kept or made unknown, and
 * the parts of a sim that a state file does not carry (Bulk API jobs).
 * Read from the state file's own JSON before it replaces the sim's, so
 * that "kept" means the sim had a value of that name.
 */
#include "snapshot.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "org.h"
#include "redact.h"
#include "sim.h"

static int
is_mark(json_t *v)
{
    const char *s = json_string_value(v);

    return s != NULL && strcmp(s, REDACT_MARK) == 0;
}

/* How many entries of list (an array) have their key redacted. */
static size_t
redacted_in(json_t *list, const char *key)
{
    size_t i, n = 0;
    json_t *o;

    json_array_foreach(list, i, o) {
        if (is_mark(json_object_get(o, key)))
            n++;
    }
    return n;
}

static void note(json_t *notes, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(json_t *notes, const char *fmt, ...)
{
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    json_array_append_new(notes, json_string(text));
}

static void
token_notes(json_t *auth, json_t *notes)
{
    size_t s = redacted_in(json_object_get(auth, "sessions"), "token");
    size_t r = redacted_in(json_object_get(auth, "refresh_tokens"), "token");
    size_t c = redacted_in(json_object_get(auth, "codes"), "code");

    if (s > 0)
        note(notes,
             "%zu session%s redacted: not restored (their access tokens "
             "answer INVALID_SESSION_ID; export with ?secrets=1 to keep "
             "them)",
             s, s == 1 ? " was" : "s were");
    if (r > 0)
        note(notes, "%zu refresh token%s redacted: not restored", r,
             r == 1 ? " was" : "s were");
    if (c > 0)
        note(notes, "%zu authorization code%s redacted: not restored", c,
             c == 1 ? " was" : "s were");
}

/* Users' passwords and apps' client secrets written as the mark: the sim's
 * current one of that name, or one nobody knows. */
static void
secret_notes(struct sim *sim, json_t *org, json_t *notes)
{
    const char *name;
    json_t *o;
    size_t i;

    json_array_foreach(json_object_get(org, "users"), i, o) {
        if (!is_mark(json_object_get(o, "password")))
            continue;
        name = json_string_value(json_object_get(o, "username"));
        note(notes, "org.users[%zu].password (%s) was redacted: %s", i,
             name != NULL ? name : "?",
             name != NULL && org_user_find(sim->org, name) != NULL
                 ? "kept this sim's current one"
                 : "set to one nobody knows (that user cannot log in)");
    }
    json_array_foreach(json_object_get(org, "connected_apps"), i, o) {
        if (!is_mark(json_object_get(o, "client_secret")))
            continue;
        name = json_string_value(json_object_get(o, "client_id"));
        note(notes,
             "org.connected_apps[%zu].client_secret (%s) was redacted: %s", i,
             name != NULL ? name : "?",
             name != NULL && org_app_find(sim->org, name) != NULL
                 ? "kept this sim's current one"
                 : "set to one nobody knows (that app cannot log in)");
    }
}

json_t *
snapshot_notes(struct sim *sim, json_t *root)
{
    json_t *notes = json_array();
    json_t *left = json_object_get(root, "not_carried");
    json_int_t jobs = json_integer_value(json_object_get(left, "bulk_jobs"));

    secret_notes(sim, json_object_get(root, "org"), notes);
    token_notes(json_object_get(root, "auth"), notes);
    if (jobs > 0)
        note(notes,
             "%lld Bulk API job%s of the exported sim %s not carried by a "
             "state file: none after the restore, and the daily Bulk "
             "allocations start unused",
             (long long)jobs, jobs == 1 ? "" : "s", jobs == 1 ? "is" : "are");
    return notes;
}
