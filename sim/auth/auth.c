/*
 * auth.c - sessions and refresh tokens (see auth.h).
 */
#include "auth.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "org.h"
#include "redact.h"
#include "rng.h"
#include "timefmt.h"
#include "xmalloc.h"

#define TOKEN_ALPHABET                                                         \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
#define ACCESS_SECRET_LEN 94  /* after "<org>!AQ": about 112 chars in all */
#define REFRESH_SECRET_LEN 80 /* after "5Aep861" */

/* An open-addressing index from token text to an entry pointer. */
struct tindex {
    void **slots;
    size_t cap, used;
    const char *(*key)(const void *entry);
};

struct auth {
    struct simclock *clock; /* borrowed: what "now" is */
    struct rng *rng;        /* borrowed: where secrets come from */
    struct session **sessions;
    size_t nsessions, cap_sessions;
    struct refresh **refreshes;
    size_t nrefreshes, cap_refreshes;
    struct tindex by_access, by_refresh;
    struct authcode *codes[AUTH_MAX_CODES]; /* ring of recent codes */
    size_t ncodes, next_code;
};

static uint64_t
hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static const char *
session_key(const void *e)
{
    return ((const struct session *)e)->token;
}

static const char *
refresh_key(const void *e)
{
    return ((const struct refresh *)e)->token;
}

static void tindex_put(struct tindex *ix, void *entry);

static void
tindex_grow(struct tindex *ix)
{
    void **old = ix->slots;
    size_t oldcap = ix->cap, i;

    ix->cap = oldcap ? oldcap * 2 : 256;
    ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
    ix->used = 0;
    for (i = 0; i < oldcap; i++)
        if (old[i] != NULL)
            tindex_put(ix, old[i]);
    free(old);
}

static void
tindex_put(struct tindex *ix, void *entry)
{
    size_t h;

    if ((ix->used + 1) * 10 > ix->cap * 7)
        tindex_grow(ix);
    h = hash_str(ix->key(entry)) & (ix->cap - 1);
    while (ix->slots[h] != NULL)
        h = (h + 1) & (ix->cap - 1);
    ix->slots[h] = entry;
    ix->used++;
}

static void *
tindex_get(const struct tindex *ix, const char *token)
{
    size_t h, probes;

    if (ix->cap == 0)
        return NULL;
    h = hash_str(token) & (ix->cap - 1);
    for (probes = 0; probes < ix->cap && ix->slots[h] != NULL; probes++) {
        if (strcmp(ix->key(ix->slots[h]), token) == 0)
            return ix->slots[h];
        h = (h + 1) & (ix->cap - 1);
    }
    return NULL;
}

struct auth *
auth_new(struct simclock *clock, struct rng *rng)
{
    struct auth *a = xcalloc(1, sizeof(*a));

    a->clock = clock;
    a->rng = rng;
    a->by_access.key = session_key;
    a->by_refresh.key = refresh_key;
    return a;
}

void
auth_clear(struct auth *a)
{
    size_t i;

    for (i = 0; i < a->nsessions; i++) {
        free(a->sessions[i]->username);
        free(a->sessions[i]->client_id);
        free(a->sessions[i]);
    }
    for (i = 0; i < a->nrefreshes; i++) {
        free(a->refreshes[i]->username);
        free(a->refreshes[i]->client_id);
        free(a->refreshes[i]);
    }
    for (i = 0; i < a->ncodes; i++) {
        free(a->codes[i]->username);
        free(a->codes[i]->client_id);
        free(a->codes[i]->redirect_uri);
        free(a->codes[i]->challenge);
        free(a->codes[i]->method);
        free(a->codes[i]);
        a->codes[i] = NULL;
    }
    a->ncodes = a->next_code = 0;
    a->nsessions = a->nrefreshes = 0;
    /* The arrays go too, so that a reset gives their memory back. */
    free(a->sessions);
    free(a->refreshes);
    a->sessions = NULL;
    a->refreshes = NULL;
    a->cap_sessions = a->cap_refreshes = 0;
    free(a->by_access.slots);
    free(a->by_refresh.slots);
    a->by_access.slots = a->by_refresh.slots = NULL;
    a->by_access.cap = a->by_refresh.cap = 0;
    a->by_access.used = a->by_refresh.used = 0;
}

void
auth_free(struct auth *a)
{
    if (a == NULL)
        return;
    auth_clear(a);
    free(a);
}

/* prefix + n secret characters from the generator. */
static void
make_token(struct auth *a, const char *prefix, size_t n, char *out)
{
    static const char alphabet[] = TOKEN_ALPHABET;
    uint8_t bytes[128];
    size_t plen = strlen(prefix), i;

    rng_secret(a->rng, bytes, n);
    memcpy(out, prefix, plen);
    for (i = 0; i < n; i++)
        out[plen + i] = alphabet[bytes[i] % (sizeof(alphabet) - 1)];
    out[plen + n] = '\0';
}

/* r joins a's refresh tokens (a owns it from here), findable by token. */
static void
refresh_add(struct auth *a, struct refresh *r)
{
    r->index = a->nrefreshes;
    if (a->nrefreshes == a->cap_refreshes) {
        a->cap_refreshes = a->cap_refreshes ? a->cap_refreshes * 2 : 64;
        a->refreshes = xreallocarray(a->refreshes, a->cap_refreshes,
                                     sizeof(*a->refreshes));
    }
    a->refreshes[a->nrefreshes++] = r;
    tindex_put(&a->by_refresh, r);
}

/* s joins a's sessions (a owns it from here), findable by token. */
static void
session_add(struct auth *a, struct session *s)
{
    if (a->nsessions == a->cap_sessions) {
        a->cap_sessions = a->cap_sessions ? a->cap_sessions * 2 : 64;
        a->sessions =
            xreallocarray(a->sessions, a->cap_sessions, sizeof(*a->sessions));
    }
    a->sessions[a->nsessions++] = s;
    tindex_put(&a->by_access, s);
}

static struct refresh *
new_refresh(struct auth *a, const struct org_user *user,
            const struct org_app *app)
{
    struct refresh *r = xcalloc(1, sizeof(*r));

    make_token(a, "5Aep861", REFRESH_SECRET_LEN, r->token);
    memcpy(r->user_id, user->id, sizeof(r->user_id));
    r->username = xstrdup(user->username);
    r->client_id = xstrdup(app->client_id);
    r->issued_ms = r->last_used_ms = clock_now(a->clock);
    refresh_add(a, r);
    return r;
}

struct session *
auth_issue(struct auth *a, const struct org *org, const struct org_user *user,
           const struct org_app *app, int with_refresh,
           struct refresh *from_refresh)
{
    struct session *s;
    char prefix[32];

    if (a->nsessions >= AUTH_MAX_SESSIONS)
        return NULL;
    s = xcalloc(1, sizeof(*s));
    memcpy(prefix, org->org_id, SFID_LEN15);
    memcpy(prefix + SFID_LEN15, "!AQ", 4);
    make_token(a, prefix, ACCESS_SECRET_LEN, s->token);
    memcpy(s->user_id, user->id, sizeof(s->user_id));
    s->username = xstrdup(user->username);
    s->client_id = xstrdup(app->client_id);
    s->issued_ms = s->last_activity_ms = clock_now(a->clock);
    s->refresh = from_refresh;
    if (with_refresh && from_refresh == NULL)
        s->refresh = new_refresh(a, user, app);
    session_add(a, s);
    return s;
}

enum session_state
auth_check(struct auth *a, const struct org *org, const char *token,
           struct session **out)
{
    struct session *s = tindex_get(&a->by_access, token);
    int64_t now, timeout_ms;

    *out = s;
    if (s == NULL)
        return SESSION_UNKNOWN;
    if (s->revoked)
        return SESSION_REVOKED;
    now = clock_now(a->clock);
    timeout_ms = org->session_timeout_s * 1000;
    if (s->expired || now - s->last_activity_ms >= timeout_ms) {
        s->expired = 1;
        return SESSION_EXPIRED;
    }
    /* Activity is recorded once half the timeout has passed (facts 2.6). */
    if (now - s->last_activity_ms >= timeout_ms / 2)
        s->last_activity_ms = now;
    return SESSION_VALID;
}

struct refresh *
auth_refresh_find(struct auth *a, const struct org *org, const char *token)
{
    struct refresh *r = tindex_get(&a->by_refresh, token);
    const struct org_app *app;
    int64_t now = clock_now(a->clock), ttl;

    if (r == NULL || r->revoked)
        return NULL;
    if ((app = org_app_find(org, r->client_id)) == NULL)
        return NULL;
    ttl = app->refresh_ttl_s * 1000;
    switch (app->refresh_policy) {
    case REFRESH_IMMEDIATELY: return NULL;
    case REFRESH_EXPIRE_AFTER:
        if (now - r->issued_ms >= ttl)
            return NULL;
        break;
    case REFRESH_EXPIRE_IDLE:
        if (now - r->last_used_ms >= ttl)
            return NULL;
        break;
    case REFRESH_UNTIL_REVOKED: break;
    }
    r->last_used_ms = now;
    return r;
}

int
auth_revoke(struct auth *a, const char *token)
{
    struct session *s = tindex_get(&a->by_access, token);
    struct refresh *r;
    size_t i;

    if (s != NULL) {
        s->revoked = 1;
        return 0;
    }
    if ((r = tindex_get(&a->by_refresh, token)) == NULL)
        return -1;
    r->revoked = 1;
    for (i = 0; i < a->nsessions; i++)
        if (a->sessions[i]->refresh == r)
            a->sessions[i]->revoked = 1;
    return 0;
}

int
auth_expire(struct auth *a, const char *token)
{
    struct session *s;
    size_t i;

    if (token == NULL) {
        for (i = 0; i < a->nsessions; i++)
            a->sessions[i]->expired = 1;
        return 0;
    }
    if ((s = tindex_get(&a->by_access, token)) == NULL)
        return -1;
    s->expired = 1;
    return 0;
}

size_t
auth_session_count(const struct auth *a)
{
    return a->nsessions;
}

const struct session *
auth_session_at(const struct auth *a, size_t i)
{
    return i < a->nsessions ? a->sessions[i] : NULL;
}

static char *
dup_opt(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

/* A slot for a new code: a fresh one, or the oldest reused (codes live
 * minutes, not forever). */
static struct authcode *
code_slot(struct auth *a)
{
    struct authcode *c;

    if (a->ncodes == AUTH_MAX_CODES) {
        c = a->codes[a->next_code];
        free(c->username);
        free(c->client_id);
        free(c->redirect_uri);
        free(c->challenge);
        free(c->method);
        memset(c, 0, sizeof(*c));
    } else {
        c = xcalloc(1, sizeof(*c));
        a->codes[a->ncodes++] = c;
    }
    a->next_code = (a->next_code + 1) % AUTH_MAX_CODES;
    return c;
}

static void
code_fill(struct authcode *c, const char *username, const char *client_id,
          const char *redirect_uri, const char *challenge, const char *method)
{
    c->username = xstrdup(username);
    c->client_id = xstrdup(client_id);
    c->redirect_uri = dup_opt(redirect_uri);
    c->challenge = dup_opt(challenge);
    c->method = dup_opt(method);
}

struct authcode *
auth_code_new(struct auth *a, const char *username, const char *client_id,
              const char *redirect_uri, const char *challenge,
              const char *method)
{
    struct authcode *c = code_slot(a);

    make_token(a, "aPrx", 60, c->code);
    code_fill(c, username, client_id, redirect_uri, challenge, method);
    c->expires_ms = clock_now(a->clock) + AUTH_CODE_TTL_MS;
    return c;
}

struct authcode *
auth_code_take(struct auth *a, const char *code)
{
    size_t i;

    for (i = 0; i < a->ncodes; i++) {
        struct authcode *c = a->codes[i];

        if (strcmp(c->code, code) != 0)
            continue;
        if (c->used || clock_now(a->clock) > c->expires_ms)
            return NULL;
        c->used = 1;
        return c;
    }
    return NULL;
}

/* --- state files -----------------------------------------------------------
 */

size_t
auth_refresh_count(const struct auth *a)
{
    return a->nrefreshes;
}

static const char *
secret(const char *token, int secrets)
{
    return secrets ? token : REDACT_MARK;
}

json_t *
auth_session_json(const struct auth *a, size_t i, int secrets)
{
    const struct session *s = auth_session_at(a, i);
    char issued[TIMEFMT_LEN], last[TIMEFMT_LEN];

    if (s == NULL)
        return NULL;
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "token",
        secret(s->token, secrets), "user_id", s->user_id, "username",
        s->username, "client_id", s->client_id, "issued",
        timefmt_rfc3339(s->issued_ms, issued), "last_activity",
        timefmt_rfc3339(s->last_activity_ms, last), "expired", s->expired,
        "revoked", s->revoked, "refresh",
        s->refresh != NULL ? json_integer((json_int_t)s->refresh->index)
                           : json_null());
}

json_t *
auth_refresh_json(const struct auth *a, size_t i, int secrets)
{
    const struct refresh *r;
    char issued[TIMEFMT_LEN], last[TIMEFMT_LEN];

    if (i >= a->nrefreshes)
        return NULL;
    r = a->refreshes[i];
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "token",
                     secret(r->token, secrets), "user_id", r->user_id,
                     "username", r->username, "client_id", r->client_id,
                     "issued", timefmt_rfc3339(r->issued_ms, issued),
                     "last_used", timefmt_rfc3339(r->last_used_ms, last),
                     "revoked", r->revoked);
}

json_t *
auth_codes_json(const struct auth *a, int secrets)
{
    json_t *arr = json_array();
    const struct authcode *c;
    char until[TIMEFMT_LEN];
    size_t i;

    /* Oldest first: once the ring is full, the next slot to be reused. */
    size_t base = a->ncodes == AUTH_MAX_CODES ? a->next_code : 0;

    for (i = 0; secrets && i < a->ncodes; i++) {
        c = a->codes[(base + i) % a->ncodes];
        json_array_append_new(
            arr,
            json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:b}", "code",
                      c->code, "username", c->username, "client_id",
                      c->client_id, "redirect_uri", c->redirect_uri,
                      "challenge", c->challenge, "method", c->method, "expires",
                      timefmt_rfc3339(c->expires_ms, until), "used", c->used));
    }
    return arr;
}

/* What the entries of a state file have in common. */
struct token_fields {
    const char *token, *user_id, *username, *client_id;
    int64_t t1, t2; /* issued and last activity (or last use) */
    int redacted;
};

static int
time_of(struct conf *c, json_t *o, const char *path, const char *key,
        int64_t *ms)
{
    char sub[CONF_PATH_MAX];
    const char *v;

    if (conf_string(c, o, path, key, NULL, &v) == -1)
        return -1;
    if (v == NULL || timefmt_parse(v, ms) == -1)
        return conf_error(c, conf_join(sub, sizeof(sub), path, key),
                          "must be an RFC 3339 date-time");
    return 0;
}

static int
token_fields_of(struct auth *a, json_t *o, struct conf *c, const char *path,
                const char *last_key, struct token_fields *f)
{
    char sub[CONF_PATH_MAX];

    if (conf_string(c, o, path, "token", NULL, &f->token) == -1 ||
        conf_string(c, o, path, "user_id", "", &f->user_id) == -1 ||
        conf_string(c, o, path, "username", NULL, &f->username) == -1 ||
        conf_string(c, o, path, "client_id", NULL, &f->client_id) == -1 ||
        time_of(c, o, path, "issued", &f->t1) == -1 ||
        time_of(c, o, path, last_key, &f->t2) == -1)
        return -1;
    conf_join(sub, sizeof(sub), path, "token");
    if (f->token == NULL || f->token[0] == '\0' ||
        strlen(f->token) >= AUTH_TOKEN_MAX)
        return conf_error(c, sub, "must be a token of 1 to %d characters",
                          AUTH_TOKEN_MAX - 1);
    if (f->username == NULL || f->client_id == NULL ||
        strlen(f->user_id) > SFID_LEN15)
        return conf_error(c, path,
                          "needs username, client_id and a user_id "
                          "of at most 15 characters");
    f->redacted = strcmp(f->token, REDACT_MARK) == 0;
    if (!f->redacted && (tindex_get(&a->by_access, f->token) != NULL ||
                         tindex_get(&a->by_refresh, f->token) != NULL))
        return conf_error(c, sub, "the same token twice");
    return 0;
}

static int
refresh_from_json(struct auth *a, json_t *o, struct conf *c, const char *path,
                  struct refresh **out)
{
    static const char *const keys[] = {"token",     "user_id", "username",
                                       "client_id", "issued",  "last_used",
                                       "revoked",   NULL};
    struct token_fields f;
    struct refresh *r;
    int revoked;

    *out = NULL;
    if (!json_is_object(o))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, o, path, keys) == -1 ||
        token_fields_of(a, o, c, path, "last_used", &f) == -1 ||
        conf_bool(c, o, path, "revoked", 0, &revoked) == -1)
        return -1;
    if (f.redacted)
        return 0;
    r = xcalloc(1, sizeof(*r));
    memcpy(r->token, f.token, strlen(f.token) + 1);
    memcpy(r->user_id, f.user_id, strlen(f.user_id) + 1);
    r->username = xstrdup(f.username);
    r->client_id = xstrdup(f.client_id);
    r->issued_ms = f.t1;
    r->last_used_ms = f.t2;
    r->revoked = revoked;
    refresh_add(a, r);
    *out = r;
    return 0;
}

/* by_file[i]: the refresh token that entry i of the file became (NULL:
 * redacted). */
static int
session_from_json(struct auth *a, json_t *o, struct refresh **by_file,
                  size_t nfile, struct conf *c, const char *path)
{
    static const char *const keys[] = {
        "token",         "user_id", "username", "client_id", "issued",
        "last_activity", "expired", "revoked",  "refresh",   NULL};
    struct token_fields f;
    struct session *s;
    int expired, revoked;
    int64_t refresh;

    if (!json_is_object(o))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, o, path, keys) == -1 ||
        token_fields_of(a, o, c, path, "last_activity", &f) == -1 ||
        conf_bool(c, o, path, "expired", 0, &expired) == -1 ||
        conf_bool(c, o, path, "revoked", 0, &revoked) == -1 ||
        conf_int(c, o, path, "refresh", 0, (int64_t)nfile - 1, -1, &refresh) ==
            -1)
        return -1;
    if (f.redacted)
        return 0;
    if (a->nsessions >= AUTH_MAX_SESSIONS)
        return conf_error(c, path, "more than %d sessions", AUTH_MAX_SESSIONS);
    s = xcalloc(1, sizeof(*s));
    memcpy(s->token, f.token, strlen(f.token) + 1);
    memcpy(s->user_id, f.user_id, strlen(f.user_id) + 1);
    s->username = xstrdup(f.username);
    s->client_id = xstrdup(f.client_id);
    s->issued_ms = f.t1;
    s->last_activity_ms = f.t2;
    s->expired = expired;
    s->revoked = revoked;
    s->refresh = refresh >= 0 ? by_file[refresh] : NULL;
    session_add(a, s);
    return 0;
}

static int
code_from_json(struct auth *a, json_t *o, struct conf *c, const char *path)
{
    static const char *const keys[] = {"code",         "username",  "client_id",
                                       "redirect_uri", "challenge", "method",
                                       "expires",      "used",      NULL};
    const char *code, *user, *client, *uri, *challenge, *method;
    struct authcode *ac;
    int64_t expires;
    int used;

    if (!json_is_object(o))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, o, path, keys) == -1 ||
        conf_string(c, o, path, "code", "", &code) == -1 ||
        conf_string(c, o, path, "username", "", &user) == -1 ||
        conf_string(c, o, path, "client_id", "", &client) == -1 ||
        conf_string(c, o, path, "redirect_uri", NULL, &uri) == -1 ||
        conf_string(c, o, path, "challenge", NULL, &challenge) == -1 ||
        conf_string(c, o, path, "method", NULL, &method) == -1 ||
        time_of(c, o, path, "expires", &expires) == -1 ||
        conf_bool(c, o, path, "used", 0, &used) == -1)
        return -1;
    if (code[0] == '\0' || strlen(code) >= AUTH_TOKEN_MAX)
        return conf_error(c, path, "code must be 1 to %d characters",
                          AUTH_TOKEN_MAX - 1);
    if (strcmp(code, REDACT_MARK) == 0)
        return 0;
    ac = code_slot(a);
    memcpy(ac->code, code, strlen(code) + 1);
    code_fill(ac, user, client, uri, challenge, method);
    ac->expires_ms = expires;
    ac->used = used;
    return 0;
}

typedef int entry_fn(struct auth *a, json_t *o, void *arg, struct conf *c,
                     const char *path);

/* Each entry of the array at path.key through fn. */
static int
each_entry(struct auth *a, json_t *j, const char *key, size_t max, entry_fn *fn,
           void *arg, struct conf *c, const char *path)
{
    char list[CONF_PATH_MAX], sub[CONF_PATH_MAX];
    json_t *arr, *o;
    size_t i;

    if (conf_array(c, j, path, key, &arr) == -1)
        return -1;
    conf_join(list, sizeof(list), path, key);
    if (json_array_size(arr) > max)
        return conf_error(c, list, "more than %zu entries", max);
    json_array_foreach(arr, i, o) {
        if (fn(a, o, arg, c, conf_index(sub, sizeof(sub), list, i)) == -1)
            return -1;
    }
    return 0;
}

struct refresh_walk {
    struct refresh **by_file;
    size_t n;
};

static int
refresh_entry(struct auth *a, json_t *o, void *arg, struct conf *c,
              const char *path)
{
    struct refresh_walk *w = arg;

    return refresh_from_json(a, o, c, path, &w->by_file[w->n++]);
}

static int
session_entry(struct auth *a, json_t *o, void *arg, struct conf *c,
              const char *path)
{
    struct refresh_walk *w = arg;

    return session_from_json(a, o, w->by_file, w->n, c, path);
}

static int
code_entry(struct auth *a, json_t *o, void *arg, struct conf *c,
           const char *path)
{
    (void)arg;
    return code_from_json(a, o, c, path);
}

int
auth_from_json(struct auth *a, json_t *j, struct conf *c, const char *path)
{
    static const char *const keys[] = {"sessions", "refresh_tokens", "codes",
                                       NULL};
    struct refresh_walk w = {NULL, 0};
    json_t *refreshes = json_object_get(j, "refresh_tokens");
    int rc = -1;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1)
        return -1;
    w.by_file = xcalloc(json_array_size(refreshes) + 1, sizeof(*w.by_file));
    if (each_entry(a, j, "refresh_tokens", AUTH_MAX_SESSIONS, refresh_entry, &w,
                   c, path) == 0 &&
        each_entry(a, j, "sessions", AUTH_MAX_SESSIONS, session_entry, &w, c,
                   path) == 0 &&
        each_entry(a, j, "codes", AUTH_MAX_CODES, code_entry, NULL, c, path) ==
            0)
        rc = 0;
    free(w.by_file);
    return rc;
}
