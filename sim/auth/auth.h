/*
 * auth.h - OAuth sessions: access tokens, refresh tokens, expiry.
 *
 * An access token is a session: "<15-char org id>!<opaque>" as Salesforce
 * issues them. It expires after the org's session timeout of inactivity on
 * the simulated clock; like Salesforce, a use only extends the session once
 * half the timeout has passed since the last recorded activity. Refresh
 * tokens follow their connected app's refresh-token policy. Secrets come
 * from getrandom(2), or from --seed for reproducible runs.
 *
 * Tokens are looked up through a hash index; lookups cost the same however
 * many tokens were issued.
 */
#ifndef SIM_AUTH_H
#define SIM_AUTH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "sfid.h"

#define AUTH_TOKEN_MAX 128
#define AUTH_MAX_SESSIONS 1000000

struct org;
struct org_user;
struct org_app;
struct rng;
struct simclock;

enum session_state {
    SESSION_VALID,
    SESSION_EXPIRED, /* timed out, or expired through the admin API */
    SESSION_REVOKED,
    SESSION_UNKNOWN,
};

struct session {
    char token[AUTH_TOKEN_MAX];
    char user_id[SFID_LEN15 + 1];
    char *username; /* owned copies: the org may be replaced meanwhile */
    char *client_id;
    int64_t issued_ms;
    int64_t last_activity_ms;
    int expired, revoked;
    struct refresh *refresh; /* the refresh token it came from, or NULL */
};

struct refresh {
    size_t index; /* its place in the order refresh tokens were issued */
    char token[AUTH_TOKEN_MAX];
    char user_id[SFID_LEN15 + 1];
    char *username, *client_id;
    int64_t issued_ms, last_used_ms;
    int revoked;
};

/* An authorization code from /services/oauth2/authorize (single use). */
struct authcode {
    char code[AUTH_TOKEN_MAX];
    char *username, *client_id, *redirect_uri;
    char *challenge, *method; /* PKCE, or NULL */
    int64_t expires_ms;
    int used;
};

#define AUTH_CODE_TTL_MS (15 * 60 * 1000)
#define AUTH_MAX_CODES 10000

struct auth;

/*
 * Tokens are drawn from rng and times read from clock, both borrowed for
 * auth's lifetime (the sim's own). Caller frees with auth_free().
 */
struct auth *auth_new(struct simclock *clock, struct rng *rng);
void auth_free(struct auth *a);
/* Forgets every session and refresh token. */
void auth_clear(struct auth *a);

/*
 * Issues a session of org for user through app, now (and a refresh token
 * when with_refresh). Returns the session (owned by auth), or NULL when the
 * session table is full.
 */
struct session *auth_issue(struct auth *a, const struct org *org,
                           const struct org_user *user,
                           const struct org_app *app, int with_refresh,
                           struct refresh *from_refresh);
/*
 * Finds the session for token and checks it against the org's session
 * timeout at now. SESSION_VALID records activity (half-interval rule).
 * *out is set for VALID, EXPIRED and REVOKED.
 */
enum session_state auth_check(struct auth *a, const struct org *org,
                              const char *token, struct session **out);
/* A refresh token usable now under org's app policies, or NULL. */
struct refresh *auth_refresh_find(struct auth *a, const struct org *org,
                                  const char *token);
/* Revokes an access or refresh token (a refresh token takes its sessions
 * with it). 0, or -1 when token is unknown. */
int auth_revoke(struct auth *a, const char *token);
/* Expires one access token (0/-1) or, with token NULL, every one issued. */
int auth_expire(struct auth *a, const char *token);
size_t auth_session_count(const struct auth *a);
/* Session number i (0 <= i < auth_session_count(), in the order they were
 * issued), borrowed until the next auth_clear(). */
const struct session *auth_session_at(const struct auth *a, size_t i);

/* A new code (owned by auth); strings are copied; challenge/method may be
 * NULL. NULL when too many codes are outstanding. */
struct authcode *auth_code_new(struct auth *a, const char *username,
                               const char *client_id, const char *redirect_uri,
                               const char *challenge, const char *method);
/* The unused, unexpired code, marked used; NULL otherwise. */
struct authcode *auth_code_take(struct auth *a, const char *code);

/*
 * The state file's "auth" (snapshot.h): {"sessions": [...],
 * "refresh_tokens": [...], "codes": [...]}, each entry with its token as
 * "[redacted]" unless secrets. auth_session_json() and auth_refresh_json()
 * give entry i (new reference; NULL past the end), auth_codes_json() the
 * codes (an empty array unless secrets). auth_from_json() reads the whole
 * object back into a (empty): entries whose token is redacted are left out
 * (they cannot be used), a session's refresh token with them; -1 with the
 * error located at path.
 */
size_t auth_refresh_count(const struct auth *a);
json_t *auth_session_json(const struct auth *a, size_t i, int secrets);
json_t *auth_refresh_json(const struct auth *a, size_t i, int secrets);
json_t *auth_codes_json(const struct auth *a, int secrets);
int auth_from_json(struct auth *a, json_t *j, struct conf *c, const char *path);

#endif
