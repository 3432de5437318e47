/*
 * test_jwt_bearer.c - the OAuth 2.0 JWT bearer grant end to end: a key pair
 * made by openssl now, its certificate in fixtures/orgs/jwt.json's connected
 * app, assertions signed with GnuTLS. Success answers exactly Salesforce's
 * keys and the token works on REST; every refusal is its error pair:
 * alg none and HS256, a wrong key, bad base64url, a huge assertion, each
 * claim wrong in turn, expiry on the simulated clock (and a millisecond
 * exp accepted, as the sf CLI sends it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jwtkeys.h"
#include "simtest.h"
#include "xmalloc.h"

#define GRANT "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
#define APP "sfsim-jwt-client"
#define RS256 "{\"alg\":\"RS256\"}"

struct fx {
    struct jwtkeys keys;
    struct simtest sim;   /* the sim the tests talk to */
    struct simtest plain; /* the plain one, while sim is an HTTPS one */
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    const char *args[] = {"--org", NULL, NULL};

    jwtkeys_make(&f->keys);
    args[1] = f->keys.org;
    simtest_start(&f->sim, args);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    int st = simtest_stop(&f->sim);

    jwtkeys_remove(&f->keys);
    free(f);
    return st == 0 ? 0 : -1;
}

/* The simulated time in seconds. */
static long long
sim_seconds(struct fx *f)
{
    json_t *j = httpc_get_json(f->sim.http, "/__sim/clock", NULL);
    long long ms =
        (long long)json_integer_value(json_object_get(j, "epoch_ms"));

    json_decref(j);
    return ms / 1000;
}

/* Claims for iss, sub and aud (aud NULL: the sim's own URL), exp in
 * seconds from now on the sim's clock; caller frees. */
static char *
claims(struct fx *f, const char *iss, const char *sub, const char *aud,
       long long exp_in)
{
    return xasprintf("{\"iss\":\"%s\",\"sub\":\"%s\",\"aud\":\"%s\","
                     "\"exp\":%lld}",
                     iss, sub, aud != NULL ? aud : f->sim.proc.url,
                     sim_seconds(f) + exp_in);
}

/* POSTs the grant with assertion (may be NULL: none); the answer. */
static json_t *
post(struct fx *f, const char *assertion, long *status)
{
    char *form = assertion != NULL
                     ? xasprintf("%s&assertion=%s", GRANT, assertion)
                     : xstrdup(GRANT);
    struct http_result r;
    json_t *j;

    *status = httpc_post_form(f->sim.http, "/services/oauth2/token", form, &r);
    j = json_loadb(r.body, r.body_len, 0, NULL);
    http_result_free(&r);
    free(form);
    return j;
}

static void
expect_pair(struct fx *f, const char *assertion, const char *error,
            const char *description)
{
    long st = 0;
    json_t *j = post(f, assertion, &st);

    assert_int_equal(st, 400);
    assert_int_equal(json_object_size(j), 2);
    assert_string_equal(json_string_value(json_object_get(j, "error")), error);
    assert_string_equal(
        json_string_value(json_object_get(j, "error_description")),
        description);
    json_decref(j);
}

/* Signs claims c (freed) with the app's key under header h. */
static char *
signed_with(const char *key, const char *h, char *c)
{
    char *t = jwtkeys_sign(key, h, c);

    assert_non_null(t);
    free(c);
    return t;
}

static void
expect_claims(struct fx *f, char *c, const char *error, const char *description)
{
    char *t = signed_with(f->keys.key, RS256, c);

    expect_pair(f, t, error, description);
    free(t);
}

static void
test_success(void **state)
{
    struct fx *f = *state;
    char *t = signed_with(f->keys.key, RS256,
                          claims(f, APP, "admin@sfsim.test", NULL, 180));
    char *auth, id[256];
    const char *hdr[2] = {NULL, NULL};
    json_t *j, *q;
    long st = 0;

    j = post(f, t, &st);
    assert_int_equal(st, 200);
    /* Exactly the keys of Salesforce's answer: no refresh token. */
    assert_int_equal(json_object_size(j), 5);
    assert_string_equal(json_string_value(json_object_get(j, "token_type")),
                        "Bearer");
    assert_string_equal(json_string_value(json_object_get(j, "scope")), "api");
    assert_string_equal(json_string_value(json_object_get(j, "instance_url")),
                        f->sim.proc.url);
    snprintf(id, sizeof(id), "%s/id/00D000000000001EAA/005000000000001AAA",
             f->sim.proc.url);
    assert_string_equal(json_string_value(json_object_get(j, "id")), id);
    auth = xasprintf("Authorization: Bearer %s",
                     json_string_value(json_object_get(j, "access_token")));
    hdr[0] = auth;
    {
        struct http_result r;

        httpc_request(f->sim.http, "GET",
                      "/services/data/v62.0/query?q=SELECT+COUNT()+FROM+Lead",
                      NULL, NULL, 0, hdr, &r);
        assert_int_equal(r.status, 200);
        q = json_loadb(r.body, r.body_len, 0, NULL);
        assert_int_equal(json_integer_value(json_object_get(q, "totalSize")),
                         0);
        json_decref(q);
        http_result_free(&r);
    }
    free(auth);
    json_decref(j);
    free(t);
}

/* The audiences the sim answers for, and the CLI's millisecond exp. */
static void
test_accepted_variants(void **state)
{
    static const char *const auds[] = {
        "https://login.salesforce.com",
        "https://test.salesforce.com/",
        "https://sfsim-dev-ed.my.salesforce.com",
        NULL,
    };
    struct fx *f = *state;
    char *t, *c, own[160];
    long st = 0;
    json_t *j;
    size_t i;

    for (i = 0; auds[i] != NULL; i++) {
        t = signed_with(f->keys.key, RS256,
                        claims(f, APP, "admin@sfsim.test", auds[i], 60));
        j = post(f, t, &st);
        assert_int_equal(st, 200);
        json_decref(j);
        free(t);
    }
    snprintf(own, sizeof(own), "%s/", f->sim.proc.url);
    c = xasprintf("{\"iss\":\"%s\",\"sub\":\"ADMIN@sfsim.test\","
                  "\"aud\":[\"https://elsewhere.test\",\"%s\"],"
                  "\"exp\":%lld}",
                  APP, own, (sim_seconds(f) + 300) * 1000);
    t = signed_with(f->keys.key, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", c);
    j = post(f, t, &st);
    assert_int_equal(st, 200);
    json_decref(j);
    free(t);
}

/* The token itself: missing, unsigned, wrong algorithm, wrong key, not
 * base64url, too large, an unknown issuer, an app without certificate. */
static void
test_bad_tokens(void **state)
{
    struct fx *f = *state;
    char *c = claims(f, APP, "admin@sfsim.test", NULL, 60);
    char *h = jwtkeys_b64url("{\"alg\":\"none\"}", 14);
    char *b = jwtkeys_b64url(c, strlen(c)), *t, *huge;

    expect_pair(f, NULL, "invalid_grant", "invalid assertion");
    t = xasprintf("%s.%s.", h, b);
    expect_pair(f, t, "invalid_grant", "invalid assertion");
    free(t);
    t = jwtkeys_sign(f->keys.key, "{\"alg\":\"none\"}", c);
    expect_pair(f, t, "invalid_grant", "invalid assertion");
    free(t);
    t = jwtkeys_sign(f->keys.key, "{\"alg\":\"HS256\"}", c);
    expect_pair(f, t, "invalid_grant", "invalid assertion");
    free(t);
    t = jwtkeys_sign(f->keys.other_key, RS256, c);
    expect_pair(f, t, "invalid_grant", "invalid assertion");
    /* Padding, and the standard alphabet, are not base64url. */
    huge = xasprintf("%s%%3D", t);
    expect_pair(f, huge, "invalid_grant", "invalid assertion");
    free(huge);
    free(t);
    t = jwtkeys_sign(f->keys.key, RS256, c);
    t[strlen(t) - 1] = '+';
    expect_pair(f, t, "invalid_grant", "invalid assertion");
    free(t);
    huge = xmalloc(20001);
    memset(huge, 'A', 20000);
    huge[20000] = '\0';
    t = signed_with(f->keys.key, RS256,
                    xasprintf("{\"iss\":\"%s\",\"pad\":\"%s\"}", APP, huge));
    expect_pair(f, t, "invalid_grant", "invalid assertion");
    free(t);
    free(huge);
    expect_pair(f, "not-a-jwt", "invalid_grant", "invalid assertion");
    expect_claims(f, claims(f, "nobody", "admin@sfsim.test", NULL, 60),
                  "invalid_client_id", "client identifier invalid");
    expect_claims(f, claims(f, "sfsim-client-id", "admin@sfsim.test", NULL, 60),
                  "invalid_grant", "invalid assertion");
    free(h);
    free(b);
    free(c);
}

/* The claims, each wrong in turn. */
static void
test_bad_claims(void **state)
{
    struct fx *f = *state;

    expect_claims(f,
                  claims(f, APP, "admin@sfsim.test", "https://evil.test", 60),
                  "invalid_grant", "audience is invalid");
    expect_claims(f,
                  xasprintf("{\"iss\":\"%s\",\"sub\":\"admin@sfsim.test\","
                            "\"aud\":\"%s\"}",
                            APP, f->sim.proc.url),
                  "invalid_grant", "invalid assertion");
    expect_claims(f, claims(f, APP, "admin@sfsim.test", NULL, -1),
                  "invalid_grant", "expired authorization code");
    expect_claims(f, claims(f, APP, "nobody@sfsim.test", NULL, 60),
                  "invalid_grant", "user hasn't approved this consumer");
    expect_claims(f, claims(f, APP, "inactive@sfsim.test", NULL, 60),
                  "invalid_grant", "user hasn't approved this consumer");
    expect_claims(f, claims(f, APP, "noapi@sfsim.test", NULL, 60),
                  "invalid_grant", "user hasn't approved this consumer");
    expect_claims(f, claims(f, APP, "other@sfsim.test", NULL, 60),
                  "invalid_app_access",
                  "user is not admin approved to access this app");
    expect_claims(f, claims(f, "sfsim-jwt-self", "other@sfsim.test", NULL, 60),
                  "invalid_grant", "user hasn't approved this consumer");
}

/* Valid when signed; expired once the simulated clock passes exp. */
static void
test_expiry_on_simulated_clock(void **state)
{
    struct fx *f = *state;
    char *t = signed_with(f->keys.key, RS256,
                          claims(f, APP, "admin@sfsim.test", NULL, 120));
    long st = 0;
    json_t *j = post(f, t, &st);

    assert_int_equal(st, 200);
    json_decref(j);
    simtest_advance(&f->sim, 121);
    expect_pair(f, t, "invalid_grant", "expired authorization code");
    free(t);
}

/* The journal says why, and never shows the assertion. */
static void
test_journal(void **state)
{
    struct fx *f = *state;
    json_t *j, *e;
    const char *body, *detail;

    expect_claims(f,
                  claims(f, APP, "admin@sfsim.test", "https://evil.test", 60),
                  "invalid_grant", "audience is invalid");
    j = simtest_journal(&f->sim, 0);
    e = json_array_get(j, json_array_size(j) - 1);
    body = json_string_value(json_object_get(e, "body"));
    detail = json_string_value(json_object_get(e, "detail"));
    assert_non_null(strstr(body, "assertion=[redacted]"));
    assert_non_null(strstr(detail, "audience is invalid"));
    assert_string_equal(json_string_value(json_object_get(e, "verdict")),
                        "auth_failed");
    json_decref(j);
}

/* A second sim, over HTTPS, for one test (stopped even when it fails). */
static int
start_tls(void **state)
{
    struct fx *f = *state;
    const char *args[] = {"--org", f->keys.org, NULL};

    f->plain = f->sim;
    simtest_start_tls(&f->sim, args);
    return 0;
}

static int
stop_tls(void **state)
{
    struct fx *f = *state;
    int st = simtest_stop(&f->sim);

    f->sim = f->plain;
    return st == 0 ? 0 : -1;
}

/* Over HTTPS the sim's own https:// origin is an audience, and the
 * answer's URLs say https. */
static void
test_over_https(void **state)
{
    struct fx *f = *state;
    char *t = signed_with(f->keys.key, RS256,
                          claims(f, APP, "admin@sfsim.test", NULL, 60));
    long st = 0;
    json_t *j = post(f, t, &st);

    assert_int_equal(st, 200);
    assert_int_equal(strncmp(f->sim.proc.url, "https://", 8), 0);
    assert_string_equal(json_string_value(json_object_get(j, "instance_url")),
                        f->sim.proc.url);
    json_decref(j);
    free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success),
        cmocka_unit_test(test_accepted_variants),
        cmocka_unit_test(test_bad_tokens),
        cmocka_unit_test(test_bad_claims),
        cmocka_unit_test(test_expiry_on_simulated_clock),
        cmocka_unit_test(test_journal),
        cmocka_unit_test_setup_teardown(test_over_https, start_tls, stop_tls),
    };

    return cmocka_run_group_tests_name("e2e_jwt_bearer", tests, setup,
                                       teardown);
}
