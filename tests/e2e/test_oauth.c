/*
 * test_oauth.c - OAuth 2.0 end to end against the real sfsim: every grant,
 * Salesforce's exact error pairs, session expiry on the simulated clock,
 * revocation, and the admin token shortcuts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simtest.h"

#define TOKEN "/services/oauth2/token"
#define CLIENT "client_id=sfsim-client-id&client_secret=sfsim-client-secret"
#define PASSWORD_GRANT                                                         \
    "grant_type=password&" CLIENT "&username=admin%40sfsim.test&password="     \
    "sfsim-password"

static int
start_refresh_policy(void **state)
{
    return simtest_setup_org_text(
        state, "{\"users\": [{\"username\": \"u@x.test\", \"password\": "
               "\"pw\"}, {\"username\": \"noapi@x.test\", \"password\": "
               "\"pw\", \"api_enabled\": false}],"
               " \"connected_apps\": [{\"client_id\": \"short\", "
               "\"client_secret\": \"s\", \"refresh_token_policy\": "
               "\"expire_after\", \"refresh_token_ttl_seconds\": 3600}]}");
}

/* POSTs a form to the token endpoint; returns the parsed answer. */
static json_t *
token_call(struct simtest *t, const char *form, long *status,
           const char *const *headers)
{
    struct http_result r;
    json_t *j;

    httpc_request(t->http, "POST", TOKEN, "application/x-www-form-urlencoded",
                  form, strlen(form), headers, &r);
    *status = r.status;
    j = json_loadb(r.body, r.body_len, 0, NULL);
    http_result_free(&r);
    return j;
}

static void
expect_oauth_error(struct simtest *t, const char *form, const char *error,
                   const char *description)
{
    long st = 0;
    json_t *j = token_call(t, form, &st, NULL);

    assert_int_equal(st, 400);
    assert_int_equal(json_object_size(j), 2);
    assert_string_equal(json_string_value(json_object_get(j, "error")), error);
    assert_string_equal(
        json_string_value(json_object_get(j, "error_description")),
        description);
    json_decref(j);
}

static const char *
str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

/* Status of GET /services/oauth2/userinfo with token. */
static long
use_token(struct simtest *t, const char *token)
{
    struct http_result r;
    long st;

    simtest_use_token(t, token);
    st = simtest_api(t, "GET", "/services/oauth2/userinfo", NULL, NULL, NULL,
                     &r);
    if (st == 401)
        assert_string_equal(r.body, "[{\"message\":\"Session expired or "
                                    "invalid\",\"errorCode\":"
                                    "\"INVALID_SESSION_ID\"}]");
    http_result_free(&r);
    return st;
}

static json_t *
mint(struct simtest *t)
{
    return httpc_send_json(t->http, "POST", "/__sim/tokens", NULL, NULL);
}

static void
test_password_grant_answer_shape(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char hdr[128], expect_id[256];
    json_t *j;

    httpc_request(t->http, "POST", TOKEN, "application/x-www-form-urlencoded",
                  PASSWORD_GRANT, strlen(PASSWORD_GRANT), NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(http_header(&r, "Cache-Control", hdr, sizeof(hdr)),
                        "no-store");
    j = json_loads(r.body, 0, NULL);
    http_result_free(&r);
    assert_memory_equal(str(j, "access_token"), "00D000000000001!AQ", 18);
    assert_true(strlen(str(j, "access_token")) > 100);
    assert_null(json_object_get(j, "refresh_token"));
    assert_null(json_object_get(j, "expires_in"));
    assert_string_equal(str(j, "token_type"), "Bearer");
    assert_string_equal(str(j, "instance_url"), t->proc.url);
    snprintf(expect_id, sizeof(expect_id),
             "%s/id/00D000000000001EAA/005000000000001AAA", t->proc.url);
    assert_string_equal(str(j, "id"), expect_id);
    assert_true(json_is_string(json_object_get(j, "issued_at")));
    assert_true(strlen(str(j, "issued_at")) == 13);
    assert_int_equal(strlen(str(j, "signature")), 44);
    assert_non_null(str(j, "scope"));
    assert_int_equal(use_token(t, str(j, "access_token")), 200);
    json_decref(j);
}

static void
test_token_errors_exact(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j;

    expect_oauth_error(t,
                       "grant_type=password&client_id=nope&client_secret=x&"
                       "username=admin%40sfsim.test&password=sfsim-password",
                       "invalid_client_id", "client identifier invalid");
    expect_oauth_error(t,
                       "grant_type=password&client_id=sfsim-client-id&client_"
                       "secret=wrong&username=admin%40sfsim.test&password="
                       "sfsim-password",
                       "invalid_client", "invalid client credentials");
    expect_oauth_error(t,
                       "grant_type=password&" CLIENT
                       "&username=admin%40sfsim.test&password=nope",
                       "invalid_grant", "authentication failure");
    expect_oauth_error(t, CLIENT, "unsupported_grant_type",
                       "grant type not supported");
    expect_oauth_error(t, "grant_type=magic&" CLIENT, "unsupported_grant_type",
                       "grant type not supported");
    expect_oauth_error(
        t, "grant_type=refresh_token&" CLIENT "&refresh_token=5Aep861nope",
        "invalid_grant", "expired access/refresh token");
    /* JSON instead of a form */
    j = httpc_send_json(t->http, "POST", TOKEN, "{\"grant_type\":\"password\"}",
                        &st);
    assert_int_equal(st, 400);
    assert_string_equal(str(j, "error"), "unsupported_grant_type");
    json_decref(j);
}

static void
test_client_credentials_body_and_basic(void **state)
{
    struct simtest *t = *state;
    const char *basic[] = {/* base64("sfsim-client-id:sfsim-client-secret") */
                           "Authorization: Basic "
                           "c2ZzaW0tY2xpZW50LWlkOnNmc2ltLWNsaWVudC1zZWNyZXQ=",
                           NULL};
    long st;
    json_t *j;

    j = token_call(t, "grant_type=client_credentials&" CLIENT, &st, NULL);
    assert_int_equal(st, 200);
    assert_null(json_object_get(j, "refresh_token"));
    json_decref(j);
    j = token_call(t, "grant_type=client_credentials", &st, basic);
    assert_int_equal(st, 200);
    assert_int_equal(use_token(t, str(j, "access_token")), 200);
    json_decref(j);
}

static void
test_refresh_token_grant(void **state)
{
    struct simtest *t = *state;
    json_t *pair = mint(t), *j;
    char form[512];
    long st;

    assert_non_null(str(pair, "refresh_token"));
    snprintf(form, sizeof(form),
             "grant_type=refresh_token&" CLIENT "&refresh_token=%s",
             str(pair, "refresh_token"));
    j = token_call(t, form, &st, NULL);
    assert_int_equal(st, 200);
    assert_string_not_equal(str(j, "access_token"), str(pair, "access_token"));
    assert_null(json_object_get(j, "refresh_token"));
    assert_int_equal(use_token(t, str(j, "access_token")), 200);
    json_decref(j);
    /* client_secret is optional on a refresh, but must be right if given */
    snprintf(form, sizeof(form),
             "grant_type=refresh_token&client_id=sfsim-client-id&"
             "refresh_token=%s",
             str(pair, "refresh_token"));
    j = token_call(t, form, &st, NULL);
    assert_int_equal(st, 200);
    json_decref(j);
    json_decref(pair);
}

static void
test_session_times_out_on_inactivity(void **state)
{
    struct simtest *t = *state;
    json_t *pair = mint(t);
    const char *tok = str(pair, "access_token");

    simtest_advance(t, 3700);                 /* past half the timeout... */
    assert_int_equal(use_token(t, tok), 200); /* ...so this use counts */
    simtest_advance(t, 7000);                 /* 10700 s after issue */
    assert_int_equal(use_token(t, tok), 200);
    simtest_advance(t, 7201); /* idle for longer than 7200 s */
    assert_int_equal(use_token(t, tok), 401);
    json_decref(pair);
    /* A token unused for 7200 s has expired. */
    pair = mint(t);
    simtest_advance(t, 7200);
    assert_int_equal(use_token(t, str(pair, "access_token")), 401);
    json_decref(pair);
}

static void
test_admin_expire_all_and_one(void **state)
{
    struct simtest *t = *state;
    json_t *a = mint(t), *b = mint(t), *r;
    char body[256];
    long st;

    snprintf(body, sizeof(body), "{\"token\": \"%s\"}", str(a, "access_token"));
    r = httpc_send_json(t->http, "POST", "/__sim/tokens/expire", body, &st);
    assert_int_equal(st, 200);
    json_decref(r);
    assert_int_equal(use_token(t, str(a, "access_token")), 401);
    assert_int_equal(use_token(t, str(b, "access_token")), 200);
    r = httpc_send_json(t->http, "POST", "/__sim/tokens/expire", NULL, &st);
    assert_int_equal(st, 200);
    json_decref(r);
    assert_int_equal(use_token(t, str(b, "access_token")), 401);
    /* The refresh token still works after the access token expired. */
    snprintf(body, sizeof(body),
             "grant_type=refresh_token&" CLIENT "&refresh_token=%s",
             str(b, "refresh_token"));
    r = token_call(t, body, &st, NULL);
    assert_int_equal(st, 200);
    json_decref(r);
    json_decref(a);
    json_decref(b);
}

static void
test_revoke(void **state)
{
    struct simtest *t = *state;
    json_t *pair = mint(t), *r;
    char body[512];
    long st;

    snprintf(body, sizeof(body), "token=%s", str(pair, "refresh_token"));
    assert_int_equal(
        httpc_post_form(t->http, "/services/oauth2/revoke", body, NULL), 200);
    /* Revoking the refresh token takes its access tokens with it. */
    assert_int_equal(use_token(t, str(pair, "access_token")), 401);
    snprintf(body, sizeof(body),
             "grant_type=refresh_token&" CLIENT "&refresh_token=%s",
             str(pair, "refresh_token"));
    r = token_call(t, body, &st, NULL);
    assert_int_equal(st, 400);
    assert_string_equal(str(r, "error_description"),
                        "expired access/refresh token");
    json_decref(r);
    assert_int_equal(httpc_post_form(t->http, "/services/oauth2/revoke",
                                     "token=unknown", NULL),
                     400);
    json_decref(pair);
}

static void
test_authorization_code_with_pkce(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char loc[1024], form[1024], code[256];
    const char *p;
    long st;
    json_t *j;

    /* RFC 7636 appendix B verifier and challenge */
    httpc_request(t->http, "GET",
                  "/services/oauth2/authorize?response_type=code&client_id="
                  "sfsim-client-id&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&"
                  "state=s1&code_challenge="
                  "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&"
                  "code_challenge_method=S256",
                  NULL, NULL, 0, NULL, &r);
    assert_int_equal(r.status, 302);
    assert_non_null(http_header(&r, "Location", loc, sizeof(loc)));
    http_result_free(&r);
    assert_memory_equal(loc, "http://localhost/cb?code=", 25);
    assert_non_null(strstr(loc, "&state=s1"));
    p = loc + 25;
    snprintf(code, sizeof(code), "%.*s", (int)strcspn(p, "&"), p);
    snprintf(
        form, sizeof(form),
        "grant_type=authorization_code&client_id=sfsim-client-id&code=%s"
        "&redirect_uri=http%%3A%%2F%%2Flocalhost%%2Fcb&code_verifier=wrong",
        code);
    j = token_call(t, form, &st, NULL);
    assert_int_equal(st, 400);
    json_decref(j);
    /* The failed attempt used the code up; get a fresh one. */
    httpc_request(t->http, "GET",
                  "/services/oauth2/authorize?response_type=code&client_id="
                  "sfsim-client-id&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&"
                  "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&"
                  "code_challenge_method=S256",
                  NULL, NULL, 0, NULL, &r);
    http_header(&r, "Location", loc, sizeof(loc));
    http_result_free(&r);
    p = loc + 25;
    snprintf(code, sizeof(code), "%.*s", (int)strcspn(p, "&"), p);
    snprintf(form, sizeof(form),
             "grant_type=authorization_code&client_id=sfsim-client-id&code=%s"
             "&redirect_uri=http%%3A%%2F%%2Flocalhost%%2Fcb&code_verifier="
             "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
             code);
    j = token_call(t, form, &st, NULL);
    assert_int_equal(st, 200);
    assert_non_null(str(j, "refresh_token"));
    json_decref(j);
    j = token_call(t, form, &st, NULL); /* single use */
    assert_int_equal(st, 400);
    json_decref(j);
    httpc_request(t->http, "GET",
                  "/services/oauth2/authorize?client_id=nobody&redirect_uri="
                  "http%3A%2F%2Flocalhost%2Fcb",
                  NULL, NULL, 0, NULL, &r);
    http_header(&r, "Location", loc, sizeof(loc));
    http_result_free(&r);
    assert_string_equal(loc, "http://localhost/cb?error=invalid_client_id&"
                             "error_description=client%20identifier%20"
                             "invalid");
}

static void
test_identity_userinfo_introspect(void **state)
{
    struct simtest *t = *state;
    json_t *pair = mint(t), *j;
    char form[512], path[256];
    struct http_result r;
    long st;

    simtest_use_token(t, str(pair, "access_token"));
    snprintf(path, sizeof(path), "%s", str(pair, "id") + strlen(t->proc.url));
    simtest_api(t, "GET", path, NULL, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = json_loads(r.body, 0, NULL);
    http_result_free(&r);
    assert_string_equal(str(j, "username"), "admin@sfsim.test");
    assert_string_equal(str(j, "organization_id"), "00D000000000001EAA");
    json_decref(j);
    snprintf(form, sizeof(form), CLIENT "&token=%s", str(pair, "access_token"));
    httpc_request(t->http, "POST", "/services/oauth2/introspect",
                  "application/x-www-form-urlencoded", form, strlen(form), NULL,
                  &r);
    j = json_loads(r.body, 0, NULL);
    http_result_free(&r);
    assert_true(json_is_true(json_object_get(j, "active")));
    json_decref(j);
    j = token_call(t, "grant_type=password", &st, NULL);
    json_decref(j);
    json_decref(pair);
}

static void
test_refresh_policy_and_api_disabled_user(void **state)
{
    struct simtest *t = *state;
    json_t *pair = httpc_send_json(t->http, "POST", "/__sim/tokens",
                                   "{\"username\": \"u@x.test\", "
                                   "\"client_id\": \"short\"}",
                                   NULL),
           *j;
    char form[512];
    long st;

    snprintf(form, sizeof(form),
             "grant_type=refresh_token&client_id=short&client_secret=s&"
             "refresh_token=%s",
             str(pair, "refresh_token"));
    simtest_advance(t, 3599);
    j = token_call(t, form, &st, NULL);
    assert_int_equal(st, 200);
    json_decref(j);
    simtest_advance(t, 2);
    j = token_call(t, form, &st, NULL);
    assert_int_equal(st, 400);
    assert_string_equal(str(j, "error"), "invalid_grant");
    json_decref(j);
    json_decref(pair);
    j = token_call(t,
                   "grant_type=password&client_id=short&client_secret=s&"
                   "username=noapi%40x.test&password=pw",
                   &st, NULL);
    assert_int_equal(st, 200);
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_password_grant_answer_shape,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_token_errors_exact, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_client_credentials_body_and_basic,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_refresh_token_grant, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_session_times_out_on_inactivity,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_admin_expire_all_and_one,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_revoke, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_authorization_code_with_pkce,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_identity_userinfo_introspect,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(
            test_refresh_policy_and_api_disabled_user, start_refresh_policy,
            simtest_teardown),
    };

    return cmocka_run_group_tests_name("e2e_oauth", tests, NULL, NULL);
}
