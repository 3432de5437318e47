/*
 * h_oauth.c - OAuth 2.0 as Salesforce answers it (facts section 2): the
 * token endpoint and its grants, authorize, revoke, introspect, userinfo,
 * the identity URL, and the admin shortcuts /__sim/tokens[/expire].
 *
 * Token answers carry access_token, instance_url (this sim), id, token_type,
 * issued_at (milliseconds, as a string), signature and scope, a
 * refresh_token only where Salesforce issues one, and never expires_in.
 * Errors are 400 {"error", "error_description"} with Salesforce's strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "base64.h"
#include "form.h"
#include "handlers.h"
#include "jwt.h"
#include "org.h"
#include "sha256.h"
#include "sim.h"
#include "xmalloc.h"

#define SCOPE_ALL "api refresh_token"
#define SCOPE_NO_REFRESH "api"

enum grant {
    GRANT_PASSWORD,
    GRANT_CLIENT_CREDENTIALS,
    GRANT_REFRESH_TOKEN,
    GRANT_AUTHORIZATION_CODE,
    GRANT_JWT_BEARER,
    GRANT_UNSUPPORTED,
};

static const struct {
    const char *name;
    enum grant grant;
} grants[] = {
    {"password", GRANT_PASSWORD},
    {"client_credentials", GRANT_CLIENT_CREDENTIALS},
    {"refresh_token", GRANT_REFRESH_TOKEN},
    {"authorization_code", GRANT_AUTHORIZATION_CODE},
    {"urn:ietf:params:oauth:grant-type:jwt-bearer", GRANT_JWT_BEARER},
    {NULL, GRANT_UNSUPPORTED},
};

/* A decoded token request: its form and the client's credentials. */
struct token_request {
    const struct sim_request *req;
    struct form form;
    const char *client_id, *client_secret;
    char basic[512]; /* decoded "id:secret" from HTTP Basic */
};

static void
oauth_error(struct sim_response *resp, int status, const char *error,
            const char *description)
{
    response_json(resp, status,
                  json_pack("{s:s, s:s}", "error", error, "error_description",
                            description));
    response_header(resp, "Cache-Control", "no-store");
    response_header(resp, "Pragma", "no-cache");
    resp->verdict = VERDICT_AUTH_FAILED;
    response_detail(resp, "%s: %s", error, description);
}

static void
id18(const char *id15, char out[SFID_LEN18 + 1])
{
    sfid_to18(id15, out);
}

/*
 * The token answer for s; signature = base64(HMAC-SHA256(id + issued_at)).
 * origin: the scheme and host the client used (request_origin()).
 */
static json_t *
token_json(struct sim *sim, const char *origin, const struct session *s,
           const struct org_app *app, int with_refresh, const char *scope)
{
    char org18[SFID_LEN18 + 1], user18[SFID_LEN18 + 1], issued[32];
    char sig[BASE64_ENCODED_MAX(SHA256_LEN)], *id_url, *signed_text;
    uint8_t mac[SHA256_LEN];
    json_t *j;

    id18(sim->org->org_id, org18);
    id18(s->user_id, user18);
    snprintf(issued, sizeof(issued), "%lld", (long long)s->issued_ms);
    id_url = xasprintf("%s/id/%s/%s", origin, org18, user18);
    signed_text = xasprintf("%s%s", id_url, issued);
    hmac_sha256(app->client_secret, strlen(app->client_secret), signed_text,
                strlen(signed_text), mac);
    base64_encode(mac, sizeof(mac), sig, 0);
    j = json_pack("{s:s}", "access_token", s->token);
    if (with_refresh && s->refresh != NULL)
        json_object_set_new(j, "refresh_token", json_string(s->refresh->token));
    json_object_set_new(j, "signature", json_string(sig));
    json_object_set_new(j, "scope", json_string(scope));
    json_object_set_new(j, "instance_url", json_string(origin));
    json_object_set_new(j, "id", json_string(id_url));
    json_object_set_new(j, "token_type", json_string("Bearer"));
    json_object_set_new(j, "issued_at", json_string(issued));
    free(id_url);
    free(signed_text);
    return j;
}

/* A token answer j (stolen) for session s. */
static void
token_answer(struct sim_response *resp, json_t *j, const struct session *s)
{
    response_json(resp, 200, j);
    response_header(resp, "Cache-Control", "no-store");
    response_header(resp, "Pragma", "no-cache");
    resp->verdict = VERDICT_TOKEN_ISSUED;
    response_detail(resp, "user %s, app %s", s->username, s->client_id);
}

static void
token_ok(struct sim *sim, const struct sim_request *req,
         struct sim_response *resp, const struct session *s,
         const struct org_app *app, int with_refresh, const char *scope)
{
    char origin[REQUEST_ORIGIN_MAX];

    request_origin(req, sim->base_url, origin, sizeof(origin));
    token_answer(resp, token_json(sim, origin, s, app, with_refresh, scope), s);
}

/* HTTP Basic "id:secret" when present, else the form's fields. */
static void
client_credentials_of(const struct sim_request *req, struct token_request *t)
{
    const char *h = request_header(req, "Authorization");
    uint8_t raw[sizeof(t->basic)];
    long n;
    char *colon;

    t->client_id = form_get(&t->form, "client_id");
    t->client_secret = form_get(&t->form, "client_secret");
    if (h == NULL || strncasecmp(h, "Basic ", 6) != 0 ||
        strlen(h + 6) > (sizeof(raw) / 3) * 4 - 8)
        return;
    n = base64_decode(h + 6, strlen(h + 6), raw);
    if (n <= 0 || (size_t)n >= sizeof(t->basic))
        return;
    memcpy(t->basic, raw, (size_t)n);
    t->basic[n] = '\0';
    if ((colon = strchr(t->basic, ':')) == NULL)
        return;
    *colon = '\0';
    t->client_id = t->basic;
    t->client_secret = colon + 1;
}

/*
 * The connected app named by the request, its secret checked when given
 * (required unless optional_secret). NULL after answering the error.
 */
static const struct org_app *
authenticate_client(struct sim *sim, const struct token_request *t,
                    int optional_secret, struct sim_response *resp)
{
    const struct org_app *app;

    if (t->client_id == NULL ||
        (app = org_app_find(sim->org, t->client_id)) == NULL) {
        oauth_error(resp, 400, "invalid_client_id",
                    "client identifier invalid");
        return NULL;
    }
    if ((t->client_secret == NULL && !optional_secret) ||
        (t->client_secret != NULL &&
         strcmp(t->client_secret, app->client_secret) != 0)) {
        oauth_error(resp, 400, "invalid_client", "invalid client credentials");
        return NULL;
    }
    return app;
}

static void
issue(struct sim *sim, const struct sim_request *req, struct sim_response *resp,
      const struct org_user *user, const struct org_app *app, int with_refresh,
      struct refresh *from, const char *scope)
{
    struct session *s =
        auth_issue(sim->auth, sim->org, user, app, with_refresh, from);

    if (s == NULL) {
        oauth_error(resp, 400, "invalid_grant", "session limit reached");
        return;
    }
    token_ok(sim, req, resp, s, app, with_refresh, scope);
}

static void
grant_password(struct sim *sim, struct token_request *t,
               struct sim_response *resp)
{
    const struct org_app *app = authenticate_client(sim, t, 0, resp);
    const char *username = form_get(&t->form, "username");
    const char *password = form_get(&t->form, "password");
    const struct org_user *user;

    if (app == NULL)
        return;
    user = username != NULL ? org_user_find(sim->org, username) : NULL;
    if (user == NULL || password == NULL || !user->active ||
        org_user_password(user, password) != ORG_PASSWORD_OK) {
        oauth_error(resp, 400, "invalid_grant", "authentication failure");
        return;
    }
    /* The username-password flow never issues a refresh token. */
    issue(sim, t->req, resp, user, app, 0, NULL, SCOPE_ALL);
}

static void
grant_client_credentials(struct sim *sim, struct token_request *t,
                         struct sim_response *resp)
{
    const struct org_app *app = authenticate_client(sim, t, 0, resp);
    const struct org_user *user;

    if (app == NULL)
        return;
    if (app->run_as == NULL ||
        (user = org_user_find(sim->org, app->run_as)) == NULL) {
        oauth_error(resp, 400, "invalid_grant", "authentication failure");
        return;
    }
    issue(sim, t->req, resp, user, app, 0, NULL, SCOPE_NO_REFRESH);
}

static void
grant_refresh(struct sim *sim, struct token_request *t,
              struct sim_response *resp)
{
    const struct org_app *app = authenticate_client(sim, t, 1, resp);
    const char *token = form_get(&t->form, "refresh_token");
    struct refresh *r;
    const struct org_user *user;

    if (app == NULL)
        return;
    r = token != NULL ? auth_refresh_find(sim->auth, sim->org, token) : NULL;
    if (r == NULL || strcmp(r->client_id, app->client_id) != 0 ||
        (user = org_user_find(sim->org, r->username)) == NULL) {
        oauth_error(resp, 400, "invalid_grant", "expired access/refresh token");
        return;
    }
    issue(sim, t->req, resp, user, app, 0, r, SCOPE_ALL);
}

/* PKCE (RFC 7636): S256 or plain. */
static int
pkce_ok(const struct authcode *c, const char *verifier)
{
    uint8_t digest[SHA256_LEN];
    char b64[BASE64_ENCODED_MAX(SHA256_LEN)];

    if (c->challenge == NULL)
        return 1;
    if (verifier == NULL)
        return 0;
    if (c->method == NULL || strcmp(c->method, "plain") == 0)
        return strcmp(verifier, c->challenge) == 0;
    sha256(verifier, strlen(verifier), digest);
    base64_encode(digest, sizeof(digest), b64, 1);
    return strcmp(b64, c->challenge) == 0;
}

static void
grant_code(struct sim *sim, struct token_request *t, struct sim_response *resp)
{
    const char *code = form_get(&t->form, "code");
    const char *redirect = form_get(&t->form, "redirect_uri");
    const struct org_app *app;
    const struct org_user *user;
    struct authcode *c;
    int public_client = form_get(&t->form, "code_verifier") != NULL;

    if ((app = authenticate_client(sim, t, public_client, resp)) == NULL)
        return;
    c = code != NULL ? auth_code_take(sim->auth, code) : NULL;
    if (c == NULL || strcmp(c->client_id, app->client_id) != 0 ||
        (c->redirect_uri != NULL &&
         (redirect == NULL || strcmp(redirect, c->redirect_uri) != 0)) ||
        !pkce_ok(c, form_get(&t->form, "code_verifier")) ||
        (user = org_user_find(sim->org, c->username)) == NULL) {
        oauth_error(resp, 400, "invalid_grant", "invalid authorization code");
        return;
    }
    issue(sim, t->req, resp, user, app, 1, NULL, SCOPE_ALL);
}

/*
 * The JWT bearer grant (RFC 7523; facts section 4). Each refusal is one of
 * Salesforce's error pairs, in the order the checks run; the journal gets
 * the reason.
 */
enum jwt_refusal {
    JWT_ACCEPTED,
    JWT_BAD_ASSERTION,
    JWT_UNKNOWN_CLIENT,
    JWT_BAD_AUDIENCE,
    JWT_EXPIRED,
    JWT_NOT_APPROVED,
    JWT_NOT_ADMIN_APPROVED,
};

static const struct {
    const char *error, *description;
} jwt_refusals[] = {
    [JWT_ACCEPTED] = {NULL, NULL},
    [JWT_BAD_ASSERTION] = {"invalid_grant", "invalid assertion"},
    [JWT_UNKNOWN_CLIENT] = {"invalid_client_id", "client identifier invalid"},
    [JWT_BAD_AUDIENCE] = {"invalid_grant", "audience is invalid"},
    [JWT_EXPIRED] = {"invalid_grant", "expired authorization code"},
    [JWT_NOT_APPROVED] = {"invalid_grant",
                          "user hasn't approved this consumer"},
    [JWT_NOT_ADMIN_APPROVED] = {"invalid_app_access",
                                "user is not admin approved to access this "
                                "app"},
};

/* What a JWT grant request was found to carry. */
struct jwt_grant {
    struct jwt jwt;
    const struct org_app *app;
    const struct org_user *user;
    struct sf_err why; /* for the journal */
};

/* The token itself: its form, RS256, a known issuer, its signature. */
static enum jwt_refusal
jwt_check_token(struct sim *sim, const char *assertion, struct jwt_grant *g)
{
    const char *iss;

    if (assertion == NULL) {
        err_set(&g->why, "no assertion");
        return JWT_BAD_ASSERTION;
    }
    if (jwt_decode(assertion, strlen(assertion), &g->jwt, &g->why) == -1)
        return JWT_BAD_ASSERTION;
    if (!jwt_alg_is_rs256(&g->jwt)) {
        err_set(&g->why, "alg is not RS256");
        return JWT_BAD_ASSERTION;
    }
    iss = jwt_claim_string(&g->jwt, "iss");
    if (iss == NULL || (g->app = org_app_find(sim->org, iss)) == NULL) {
        err_set(&g->why, "iss names no connected app");
        return JWT_UNKNOWN_CLIENT;
    }
    if (g->app->certificate == NULL) {
        err_set(&g->why, "connected app %s has no certificate",
                g->app->client_id);
        return JWT_BAD_ASSERTION;
    }
    if (jwt_verify_rs256(&g->jwt, g->app->certificate, &g->why) == -1)
        return JWT_BAD_ASSERTION;
    return JWT_ACCEPTED;
}

/* a and b the same URL, but for case and one trailing slash. */
static int
same_url(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    if (la > 0 && a[la - 1] == '/')
        la--;
    if (lb > 0 && b[lb - 1] == '/')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

/* One of the audiences the sim answers for: Salesforce's login hosts, the
 * org's My Domain, and its own origin as the client reached it. */
static int
audience_ok(struct sim *sim, const struct sim_request *req, const char *aud)
{
    char origin[REQUEST_ORIGIN_MAX];

    request_origin(req, sim->base_url, origin, sizeof(origin));
    return same_url(aud, "https://login.salesforce.com") ||
           same_url(aud, "https://test.salesforce.com") ||
           (sim->org->my_domain != NULL &&
            same_url(aud, sim->org->my_domain)) ||
           same_url(aud, origin) || same_url(aud, sim->base_url);
}

/* The claims: an audience of ours, not expired, a user who may log in. */
static enum jwt_refusal
jwt_check_claims(struct sim *sim, const struct sim_request *req,
                 struct jwt_grant *g)
{
    const char *auds[JWT_MAX_AUDIENCES], *sub;
    size_t n = jwt_audiences(&g->jwt, auds, JWT_MAX_AUDIENCES), i;
    double exp;

    for (i = 0; i < n && !audience_ok(sim, req, auds[i]); i++)
        ;
    if (i == n) {
        err_set(&g->why, "no aud this org answers for");
        return JWT_BAD_AUDIENCE;
    }
    if (jwt_claim_number(&g->jwt, "exp", &exp) == -1) {
        err_set(&g->why, "no numeric exp");
        return JWT_BAD_ASSERTION;
    }
    /* Only a past exp is refused: the sf CLI signs milliseconds. */
    if (exp * 1000.0 <= (double)sim_now(sim)) {
        err_set(&g->why, "exp has passed on the simulated clock");
        return JWT_EXPIRED;
    }
    sub = jwt_claim_string(&g->jwt, "sub");
    g->user = sub != NULL ? org_user_find(sim->org, sub) : NULL;
    if (g->user == NULL || !g->user->active || !g->user->api_enabled) {
        err_set(&g->why, "sub is no active, API-enabled user");
        return JWT_NOT_APPROVED;
    }
    if (!org_app_approved(g->app, g->user->username)) {
        err_set(&g->why, "%s is not among the app's approved users",
                g->user->username);
        return g->app->self_authorize ? JWT_NOT_APPROVED
                                      : JWT_NOT_ADMIN_APPROVED;
    }
    return JWT_ACCEPTED;
}

/* Salesforce's JWT answer (facts 4.2): no refresh token, no signature. */
static json_t *
jwt_token_json(struct sim *sim, const struct sim_request *req,
               const struct session *s)
{
    char origin[REQUEST_ORIGIN_MAX], org18[SFID_LEN18 + 1],
        user18[SFID_LEN18 + 1];
    char *id_url;
    json_t *j;

    request_origin(req, sim->base_url, origin, sizeof(origin));
    id18(sim->org->org_id, org18);
    id18(s->user_id, user18);
    id_url = xasprintf("%s/id/%s/%s", origin, org18, user18);
    j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "access_token", s->token,
                  "scope", SCOPE_NO_REFRESH, "instance_url", origin, "id",
                  id_url, "token_type", "Bearer");
    free(id_url);
    return j;
}

static void
grant_jwt(struct sim *sim, struct token_request *t, struct sim_response *resp)
{
    struct jwt_grant g;
    enum jwt_refusal r;
    struct session *s;

    memset(&g, 0, sizeof(g));
    r = jwt_check_token(sim, form_get(&t->form, "assertion"), &g);
    if (r == JWT_ACCEPTED)
        r = jwt_check_claims(sim, t->req, &g);
    if (r != JWT_ACCEPTED) {
        oauth_error(resp, 400, jwt_refusals[r].error,
                    jwt_refusals[r].description);
        response_detail(resp, "%s: %s (%s)", jwt_refusals[r].error,
                        jwt_refusals[r].description, g.why.msg);
    } else if ((s = auth_issue(sim->auth, sim->org, g.user, g.app, 0, NULL)) ==
               NULL) {
        oauth_error(resp, 400, "invalid_grant", "session limit reached");
    } else {
        token_answer(resp, jwt_token_json(sim, t->req, s), s);
    }
    jwt_free(&g.jwt);
}

static int
is_form(const struct sim_request *req)
{
    char media[128];

    request_media_type(req, media, sizeof(media));
    return strcmp(media, "application/x-www-form-urlencoded") == 0;
}

void
h_oauth_token(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    struct token_request t;
    const char *name;
    size_t i;

    memset(&t, 0, sizeof(t));
    t.req = req;
    if (!is_form(req)) {
        oauth_error(resp, 400, "unsupported_grant_type",
                    "grant type not supported");
        return;
    }
    form_parse(req->body, req->body_len, FORM_UTF8, &t.form);
    client_credentials_of(req, &t);
    name = form_get(&t.form, "grant_type");
    for (i = 0; grants[i].name != NULL; i++)
        if (name != NULL && strcmp(grants[i].name, name) == 0)
            break;
    switch (grants[i].grant) {
    case GRANT_PASSWORD: grant_password(sim, &t, resp); break;
    case GRANT_CLIENT_CREDENTIALS:
        grant_client_credentials(sim, &t, resp);
        break;
    case GRANT_REFRESH_TOKEN: grant_refresh(sim, &t, resp); break;
    case GRANT_AUTHORIZATION_CODE: grant_code(sim, &t, resp); break;
    case GRANT_JWT_BEARER: grant_jwt(sim, &t, resp); break;
    case GRANT_UNSUPPORTED:
        oauth_error(resp, 400, "unsupported_grant_type",
                    "grant type not supported");
        break;
    }
    form_free(&t.form);
}

/* Appends "name=value" (percent-encoded) to a redirect URL. */
static void
append_param(struct buf *b, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)value;

    buf_printf(b, "%c%s=", strchr(b->data, '?') != NULL ? '&' : '?', name);
    for (; *p != '\0'; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
            buf_putc(b, (char)*p);
        else
            buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

/*
 * GET /services/oauth2/authorize: approves at once (as if the user had
 * logged in and allowed access) and redirects with a code.
 */
void
h_oauth_authorize(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    const char *client_id = request_query(req, "client_id");
    const char *redirect = request_query(req, "redirect_uri");
    const char *state = request_query(req, "state");
    const char *login = request_query(req, "login_hint");
    const struct org_app *app;
    const struct org_user *user;
    struct authcode *c;
    struct buf url;

    if (redirect == NULL || *redirect == '\0') {
        oauth_error(resp, 400, "redirect_uri_missing",
                    "redirect_uri must not be empty");
        return;
    }
    buf_init(&url, 16384);
    buf_puts(&url, redirect);
    app = client_id != NULL ? org_app_find(sim->org, client_id) : NULL;
    user = login != NULL ? org_user_find(sim->org, login)
           : app != NULL && app->run_as != NULL
               ? org_user_find(sim->org, app->run_as)
               : (sim->org->nusers > 0 ? &sim->org->users[0] : NULL);
    if (app == NULL || user == NULL) {
        append_param(&url, "error",
                     app == NULL ? "invalid_client_id" : "access_denied");
        append_param(&url, "error_description",
                     app == NULL ? "client identifier invalid"
                                 : "end-user denied authorization");
    } else {
        c = auth_code_new(sim->auth, user->username, app->client_id, redirect,
                          request_query(req, "code_challenge"),
                          request_query(req, "code_challenge_method"));
        append_param(&url, "code", c->code);
    }
    if (state != NULL)
        append_param(&url, "state", state);
    resp->status = 302;
    response_header(resp, "Location", url.data);
    resp->verdict =
        app != NULL && user != NULL ? VERDICT_OK : VERDICT_AUTH_FAILED;
    buf_free(&url);
}

/* POST (form token=…) or GET (?token=…) /services/oauth2/revoke. */
void
h_oauth_revoke(struct sim *sim, struct sim_request *req,
               struct sim_response *resp)
{
    struct form form;
    const char *token = request_query(req, "token");

    memset(&form, 0, sizeof(form));
    if (token == NULL && is_form(req)) {
        form_parse(req->body, req->body_len, FORM_UTF8, &form);
        token = form_get(&form, "token");
    }
    if (token == NULL || auth_revoke(sim->auth, token) == -1) {
        oauth_error(resp, 400, "invalid_token", "Token was invalid");
    } else {
        resp->status = 200;
        resp->verdict = VERDICT_OK;
    }
    form_free(&form);
}

static json_t *
urls_json(const char *origin)
{
    char *rest = xasprintf("%s/services/data/v{version}/", origin);
    char *sobjects = xasprintf("%s/services/data/v{version}/sobjects/", origin);
    char *query = xasprintf("%s/services/data/v{version}/query/", origin);
    json_t *j = json_pack("{s:s, s:s, s:s}", "rest", rest, "sobjects", sobjects,
                          "query", query);

    free(rest);
    free(sobjects);
    free(query);
    return j;
}

/* The session of a userinfo/identity call: Bearer or ?oauth_token=. */
static const struct org_user *
caller(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    const char *h = request_header(req, "Authorization");
    const char *token = request_query(req, "oauth_token");
    struct session *s = NULL;
    const struct org_user *u;

    if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0)
        token = h + 7;
    if (token == NULL ||
        auth_check(sim->auth, sim->org, token, &s) != SESSION_VALID ||
        (u = org_user_find(sim->org, s->username)) == NULL) {
        response_sf_error(resp, 401, "INVALID_SESSION_ID",
                          "Session expired or invalid", NULL);
        resp->verdict = VERDICT_AUTH_FAILED;
        return NULL;
    }
    return u;
}

/*
 * The userinfo and identity answers as tables: each key once, with where
 * its value comes from. The two answers say the same things about the
 * caller under different keys.
 */
enum who_from {
    WHO_TRUE,
    WHO_ID_URL, /* {base}/id/{org18}/{user18} */
    WHO_USER_ID,
    WHO_ORG_ID,
    WHO_USERNAME,
    WHO_EMAIL,
    WHO_FIRST_NAME, /* null when the user has none */
    WHO_LAST_NAME,
    WHO_USER_TYPE,
    WHO_URLS,
};

struct who_key {
    const char *name;
    enum who_from from;
};

static const struct who_key userinfo_keys[] = {
    {"sub", WHO_ID_URL},
    {"user_id", WHO_USER_ID},
    {"organization_id", WHO_ORG_ID},
    {"preferred_username", WHO_USERNAME},
    {"email", WHO_EMAIL},
    {"name", WHO_LAST_NAME},
    {"given_name", WHO_FIRST_NAME},
    {"family_name", WHO_LAST_NAME},
    {"email_verified", WHO_TRUE},
    {"urls", WHO_URLS},
    {"active", WHO_TRUE},
    {NULL, WHO_TRUE},
};

static const struct who_key identity_keys[] = {
    {"id", WHO_ID_URL},
    {"asserted_user", WHO_TRUE},
    {"user_id", WHO_USER_ID},
    {"organization_id", WHO_ORG_ID},
    {"username", WHO_USERNAME},
    {"display_name", WHO_LAST_NAME},
    {"email", WHO_EMAIL},
    {"first_name", WHO_FIRST_NAME},
    {"last_name", WHO_LAST_NAME},
    {"active", WHO_TRUE},
    {"user_type", WHO_USER_TYPE},
    {"urls", WHO_URLS},
    {NULL, WHO_TRUE},
};

/* What the answers are made of. */
struct who {
    const struct org_user *u;
    char origin[REQUEST_ORIGIN_MAX];
    char org18[SFID_LEN18 + 1], user18[SFID_LEN18 + 1];
    char *url; /* owned */
};

/* A new reference; text that is NULL reads as null. */
static json_t *
who_value(const struct who *w, enum who_from from)
{
    const char *text = NULL;

    switch (from) {
    case WHO_TRUE: return json_true();
    case WHO_URLS: return urls_json(w->origin);
    case WHO_ID_URL: text = w->url; break;
    case WHO_USER_ID: text = w->user18; break;
    case WHO_ORG_ID: text = w->org18; break;
    case WHO_USERNAME: text = w->u->username; break;
    case WHO_EMAIL: text = w->u->email; break;
    case WHO_FIRST_NAME: text = w->u->first_name; break;
    case WHO_LAST_NAME: text = w->u->last_name; break;
    case WHO_USER_TYPE: text = "STANDARD"; break;
    }
    return text != NULL ? json_string(text) : json_null();
}

/* The caller's userinfo or identity answer, keys from the table. */
static void
who_answer(struct sim *sim, struct sim_request *req, struct sim_response *resp,
           const struct who_key *keys)
{
    struct who w;
    json_t *j;

    memset(&w, 0, sizeof(w));
    if ((w.u = caller(sim, req, resp)) == NULL)
        return;
    request_origin(req, sim->base_url, w.origin, sizeof(w.origin));
    id18(sim->org->org_id, w.org18);
    id18(w.u->id, w.user18);
    w.url = xasprintf("%s/id/%s/%s", w.origin, w.org18, w.user18);
    j = json_object();
    for (; keys->name != NULL; keys++)
        json_object_set_new(j, keys->name, who_value(&w, keys->from));
    response_json(resp, 200, j);
    resp->verdict = VERDICT_OK;
    free(w.url);
}

void
h_oauth_userinfo(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    who_answer(sim, req, resp, userinfo_keys);
}

/* GET /id/{org}/{user}: the identity URL of the token answer. */
void
h_oauth_identity(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    who_answer(sim, req, resp, identity_keys);
}

/* POST /services/oauth2/introspect (RFC 7662) with client credentials. */
void
h_oauth_introspect(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    struct token_request t;
    struct session *s = NULL;
    const char *token;
    const struct org_app *app;

    memset(&t, 0, sizeof(t));
    if (is_form(req))
        form_parse(req->body, req->body_len, FORM_UTF8, &t.form);
    client_credentials_of(req, &t);
    if ((app = authenticate_client(sim, &t, 0, resp)) == NULL)
        goto out;
    token = form_get(&t.form, "token");
    if (token == NULL ||
        auth_check(sim->auth, sim->org, token, &s) != SESSION_VALID) {
        response_json(resp, 200, json_pack("{s:b}", "active", 0));
    } else {
        int64_t exp =
            (s->last_activity_ms / 1000) + sim->org->session_timeout_s;

        response_json(
            resp, 200,
            json_pack("{s:b, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "active", 1,
                      "scope", SCOPE_ALL, "client_id", s->client_id, "username",
                      s->username, "token_type", "access_token", "exp",
                      (json_int_t)exp, "iat", (json_int_t)(s->issued_ms / 1000),
                      "nbf", (json_int_t)(s->issued_ms / 1000)));
    }
    resp->verdict = VERDICT_OK;
out:
    form_free(&t.form);
}

/* POST /__sim/tokens: a token pair without any flow, for test set-up. */
void
h_admin_tokens(struct sim *sim, struct sim_request *req,
               struct sim_response *resp)
{
    const char *username = NULL, *client_id = NULL;
    const struct org_user *user;
    const struct org_app *app;
    struct session *s;
    char origin[REQUEST_ORIGIN_MAX];

    if (req->json != NULL &&
        (!json_is_object(req->json) ||
         json_unpack(req->json, "{s?s, s?s}", "username", &username,
                     "client_id", &client_id) == -1)) {
        response_admin_error(resp, 400, "bad_request",
                             "expected {\"username\": …, \"client_id\": …}");
        return;
    }
    user = username != NULL       ? org_user_find(sim->org, username)
           : sim->org->nusers > 0 ? &sim->org->users[0]
                                  : NULL;
    app = client_id != NULL     ? org_app_find(sim->org, client_id)
          : sim->org->napps > 0 ? &sim->org->apps[0]
                                : NULL;
    if (user == NULL || app == NULL) {
        response_admin_error(resp, 404, "not_found",
                             user == NULL ? "no such user in the org"
                                          : "no such connected app");
        return;
    }
    if ((s = auth_issue(sim->auth, sim->org, user, app, 1, NULL)) == NULL) {
        response_admin_error(resp, 503, "full", "session limit");
        return;
    }
    response_json(
        resp, 200,
        token_json(sim,
                   request_origin(req, sim->base_url, origin, sizeof(origin)),
                   s, app, 1, SCOPE_ALL));
}

/* POST /__sim/tokens/expire: every access token, or {"token": one}. */
void
h_admin_tokens_expire(struct sim *sim, struct sim_request *req,
                      struct sim_response *resp)
{
    const char *token = NULL;

    if (req->json != NULL &&
        (!json_is_object(req->json) ||
         json_unpack(req->json, "{s?s}", "token", &token) == -1)) {
        response_admin_error(resp, 400, "bad_request",
                             "expected {\"token\": \"…\"}");
        return;
    }
    if (auth_expire(sim->auth, token) == -1) {
        response_admin_error(resp, 404, "not_found", "unknown access token");
        return;
    }
    response_json(
        resp, 200,
        json_pack(
            "{s:I}", "expired",
            (json_int_t)(token != NULL ? 1 : auth_session_count(sim->auth))));
}
