/*
 * auth.c - sessions and refresh tokens (see auth.h).
 */
#include "auth.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "org.h"
#include "rng.h"
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
    if (a->nrefreshes == a->cap_refreshes) {
        a->cap_refreshes = a->cap_refreshes ? a->cap_refreshes * 2 : 64;
        a->refreshes = xreallocarray(a->refreshes, a->cap_refreshes,
                                     sizeof(*a->refreshes));
    }
    a->refreshes[a->nrefreshes++] = r;
    tindex_put(&a->by_refresh, r);
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
    if (a->nsessions == a->cap_sessions) {
        a->cap_sessions = a->cap_sessions ? a->cap_sessions * 2 : 64;
        a->sessions =
            xreallocarray(a->sessions, a->cap_sessions, sizeof(*a->sessions));
    }
    a->sessions[a->nsessions++] = s;
    tindex_put(&a->by_access, s);
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

static char *
dup_opt(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

struct authcode *
auth_code_new(struct auth *a, const char *username, const char *client_id,
              const char *redirect_uri, const char *challenge,
              const char *method)
{
    struct authcode *c;

    if (a->ncodes == AUTH_MAX_CODES) {
        /* Reuse the oldest slot: codes live minutes, not forever. */
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
    make_token(a, "aPrx", 60, c->code);
    c->username = xstrdup(username);
    c->client_id = xstrdup(client_id);
    c->redirect_uri = dup_opt(redirect_uri);
    c->challenge = dup_opt(challenge);
    c->method = dup_opt(method);
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
