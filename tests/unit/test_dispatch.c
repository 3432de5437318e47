/*
 * test_dispatch.c - whole requests through dispatch(), without a socket:
 * the paths where the route, the handler and the journal meet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispatch.h"
#include "org.h"
#include "request.h"
#include "route.h"
#include "sim.h"
#include "xmalloc.h"

static int
setup(void **state)
{
    struct sim_config cfg;
    struct sf_err err;
    struct sim *sim;

    memset(&cfg, 0, sizeof(cfg));
    cfg.bind = "127.0.0.1";
    cfg.journal_ring = 64;
    cfg.journal_body_max = 4096;
    cfg.max_body = SIM_DEFAULT_MAX_BODY;
    cfg.has_seed = 1;
    cfg.seed = 11;
    err_clear(&err);
    sim = sim_new(&cfg, org_default(), &err);
    assert_non_null(sim);
    snprintf(sim->base_url, sizeof(sim->base_url), "http://127.0.0.1:8080");
    *state = sim;
    return 0;
}

static int
teardown(void **state)
{
    sim_free(*state);
    return 0;
}

/*
 * One request: headers and query are "name", "value", ... NULL lists (may
 * be NULL). resp is initialised here; the caller frees it.
 */
static int peer_loopback = 1; /* the next call()'s client address */

static void
call(struct sim *sim, const char *method, const char *path,
     const char *const *query, const char *const *headers, const char *body,
     struct sim_response *resp)
{
    struct sim_request req;
    size_t i;

    memset(&req, 0, sizeof(req));
    req.peer_loopback = peer_loopback;
    req.method = route_method_parse(method);
    req.method_name = method;
    req.path = path;
    for (i = 0; query != NULL && query[i] != NULL; i += 2) {
        req.query[req.nquery].name = query[i];
        req.query[req.nquery++].value = query[i + 1];
    }
    for (i = 0; headers != NULL && headers[i] != NULL; i += 2) {
        req.headers[req.nheaders].name = headers[i];
        req.headers[req.nheaders++].value = headers[i + 1];
    }
    req.body = body != NULL ? body : "";
    req.body_len = body != NULL ? strlen(body) : 0;
    response_init(resp);
    dispatch(sim, &req, resp);
}

/* A fresh access token of the default user (caller frees). */
static char *
token(struct sim *sim)
{
    struct sim_response resp;
    char *tok;

    call(sim, "POST", "/__sim/tokens", NULL, NULL, NULL, &resp);
    assert_int_equal(resp.status, 200);
    tok =
        xstrdup(json_string_value(json_object_get(resp.json, "access_token")));
    response_free(&resp);
    return tok;
}

/* An equality on an indexed field that matches nothing: the candidate list
 * is empty (and NULL), which once went to qsort (UBSan: null argument). */
static void
test_indexed_query_without_match(void **state)
{
    struct sim *sim = *state;
    char *tok = token(sim), *authz = xasprintf("Bearer %s", tok);
    const char *headers[] = {"Authorization", authz, NULL};
    const char *query[] = {
        "q", "SELECT Id FROM Lead WHERE Email = 'nobody@example.com'", NULL};
    struct sim_response resp;

    call(sim, "GET", "/services/data/v59.0/query", query, headers, NULL, &resp);
    assert_int_equal(resp.status, 200);
    assert_int_equal(
        json_integer_value(json_object_get(resp.json, "totalSize")), 0);
    response_free(&resp);
    free(authz);
    free(tok);
}

static const char *
first_password(json_t *org)
{
    return json_string_value(json_object_get(
        json_array_get(json_object_get(org, "users"), 0), "password"));
}

/* ?secrets=1 shows the org's secrets to loopback clients only; a remote
 * client is refused rather than quietly given the redacted org. */
static void
test_org_secrets_loopback_only(void **state)
{
    struct sim *sim = *state;
    const char *q[] = {"secrets", "1", NULL};
    struct sim_response resp;

    call(sim, "GET", "/__sim/org", q, NULL, NULL, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(first_password(resp.json), "sfsim-password");
    response_free(&resp);
    peer_loopback = 0;
    call(sim, "GET", "/__sim/org", NULL, NULL, NULL, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(first_password(resp.json), "[redacted]");
    response_free(&resp);
    call(sim, "GET", "/__sim/org", q, NULL, NULL, &resp);
    assert_int_equal(resp.status, 403);
    assert_string_equal(json_string_value(json_object_get(resp.json, "error")),
                        "secrets_refused");
    response_free(&resp);
    /* A refused PUT changes nothing. */
    call(sim, "PUT", "/__sim/org", q, NULL, "{\"edition\": \"Developer\"}",
         &resp);
    assert_int_equal(resp.status, 403);
    response_free(&resp);
    peer_loopback = 1;
    call(sim, "GET", "/__sim/org", NULL, NULL, NULL, &resp);
    assert_string_equal(
        json_string_value(json_object_get(resp.json, "edition")), "Enterprise");
    response_free(&resp);
}

/* The journal's query and body of the last entry (new reference). */
static json_t *
last_entry(struct sim *sim)
{
    struct sim_response resp;
    json_t *arr, *e;

    call(sim, "GET", "/__sim/journal", NULL, NULL, NULL, &resp);
    arr = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    response_free(&resp);
    e = json_incref(json_array_get(arr, json_array_size(arr) - 1));
    json_decref(arr);
    return e;
}

static void
test_journal_redacts(void **state)
{
    struct sim *sim = *state;
    const char *q[] = {"token", "T0KEN", "state", "s1", NULL};
    const char *form[] = {"Content-Type", "application/x-www-form-urlencoded",
                          NULL};
    struct sim_response resp;
    json_t *e;

    call(sim, "GET", "/services/oauth2/revoke", q, NULL, NULL, &resp);
    response_free(&resp);
    e = last_entry(sim);
    assert_string_equal(json_string_value(json_object_get(e, "query")),
                        "token=[redacted]&state=s1");
    json_decref(e);
    call(sim, "POST", "/services/oauth2/token", NULL, form,
         "grant_type=password&client_id=sfsim-client-id&client_secret=sfsim-"
         "client-secret&username=admin@sfsim.test&password=sfsim-password",
         &resp);
    assert_int_equal(resp.status, 200);
    response_free(&resp);
    e = last_entry(sim);
    assert_string_equal(
        json_string_value(json_object_get(e, "body")),
        "grant_type=password&client_id=sfsim-client-id&client_secret=["
        "redacted]&username=admin@sfsim.test&password=[redacted]");
    /* The size as received, not as journaled. */
    assert_int_equal(json_integer_value(json_object_get(e, "body_bytes")),
                     strlen("grant_type=password&client_id=sfsim-client-id&"
                            "client_secret=sfsim-client-secret&username=admin@"
                            "sfsim.test&password=sfsim-password"));
    assert_true(json_is_false(json_object_get(e, "body_truncated")));
    json_decref(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_indexed_query_without_match, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_org_secrets_loopback_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_journal_redacts, setup, teardown),
    };

    xjson_init();
    return cmocka_run_group_tests_name("dispatch", tests, NULL, NULL);
}
