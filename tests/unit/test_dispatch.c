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

/* A streamed answer read to its end, piece by piece of about max bytes
 * (new reference to its JSON). */
static json_t *
streamed(struct sim *sim, struct sim_response *resp, size_t max)
{
    struct buf b;
    json_t *j;
    int more;

    assert_non_null(resp->stream.next);
    buf_init(&b, 64 << 20);
    do {
        more = resp->stream.next(sim, resp->stream.state, &b, max);
    } while (more);
    j = json_loadb(b.data, b.len, 0, NULL);
    assert_non_null(j);
    buf_free(&b);
    return j;
}

/* The journal's query and body of the last entry (new reference). */
static json_t *
last_entry(struct sim *sim)
{
    struct sim_response resp;
    json_t *arr, *e;

    call(sim, "GET", "/__sim/journal", NULL, NULL, NULL, &resp);
    arr = streamed(sim, &resp, 4096);
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

static const char *const form_ct[] = {
    "Content-Type", "application/x-www-form-urlencoded", NULL};

/* n Web-to-Lead posts, last names L0.. */
static void
post_leads(struct sim *sim, int n)
{
    struct sim_response resp;
    char body[128];
    int i;

    for (i = 0; i < n; i++) {
        snprintf(body, sizeof(body), "oid=00D000000000001&last_name=L%d", i);
        call(sim, "POST", "/servlet/servlet.WebToLead", NULL, form_ct, body,
             &resp);
        assert_int_equal(resp.status, 200);
        response_free(&resp);
    }
}

/* The LastName of element i of a records array. */
static const char *
last_name(json_t *arr, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(arr, i), "LastName"));
}

static const char *
header(const struct sim_response *resp, const char *name)
{
    size_t i;

    for (i = 0; i < resp->nheaders; i++)
        if (strcmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* Records come out a piece at a time, paged, while the store changes. */
static void
test_records_streamed_and_paged(void **state)
{
    struct sim *sim = *state;
    const char *page[] = {"offset", "1", "limit", "2", NULL};
    struct sim_response resp, del;
    char *tok, *authz, path[128];
    struct buf b;
    json_t *arr;

    post_leads(sim, 5);
    call(sim, "GET", "/__sim/records/Lead", page, NULL, NULL, &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(header(&resp, "X-Total-Count"), "5");
    assert_string_equal(header(&resp, "Link"),
                        "</__sim/records/Lead?offset=3&limit=2>; "
                        "rel=\"next\"");
    arr = streamed(sim, &resp, 1);
    assert_int_equal(json_array_size(arr), 2);
    assert_string_equal(last_name(arr, 0), "L1");
    assert_string_equal(last_name(arr, 1), "L2");
    json_decref(arr);
    response_free(&resp);
    /* One record per piece: a deleted one is skipped, a new one is not
     * listed (the answer is the store as it was when it started). */
    call(sim, "GET", "/__sim/records/Lead", NULL, NULL, NULL, &resp);
    assert_null(header(&resp, "Link"));
    tok = token(sim);
    authz = xasprintf("Bearer %s", tok);
    arr = streamed(sim, &resp, 1000000); /* the id to delete */
    snprintf(path, sizeof(path), "/services/data/v59.0/sobjects/Lead/%s",
             json_string_value(json_object_get(json_array_get(arr, 1), "Id")));
    json_decref(arr);
    response_free(&resp);
    call(sim, "GET", "/__sim/records/Lead", NULL, NULL, NULL, &resp);
    buf_init(&b, 1 << 20);
    assert_int_equal(resp.stream.next(sim, resp.stream.state, &b, 1), 1);
    call(sim, "DELETE", path, NULL,
         (const char *[]){"Authorization", authz, NULL}, NULL, &del);
    assert_int_equal(del.status, 204);
    response_free(&del);
    post_leads(sim, 1);
    while (resp.stream.next(sim, resp.stream.state, &b, 1))
        ;
    buf_putc(&b, '\0');
    arr = json_loads(b.data, 0, NULL);
    assert_int_equal(json_array_size(arr), 4); /* L0 L2 L3 L4 */
    assert_string_equal(last_name(arr, 0), "L0");
    assert_string_equal(last_name(arr, 1), "L2");
    json_decref(arr);
    response_free(&resp);
    /* A reset ends an answer with what it had listed. */
    call(sim, "GET", "/__sim/records/Lead", NULL, NULL, NULL, &resp);
    buf_reset(&b);
    assert_int_equal(resp.stream.next(sim, resp.stream.state, &b, 1), 1);
    call(sim, "POST", "/__sim/reset", NULL, NULL, NULL, &del);
    response_free(&del);
    post_leads(sim, 3);
    while (resp.stream.next(sim, resp.stream.state, &b, 1))
        ;
    buf_putc(&b, '\0');
    arr = json_loads(b.data, 0, NULL);
    assert_int_equal(json_array_size(arr), 1);
    json_decref(arr);
    response_free(&resp);
    buf_free(&b);
    free(authz);
    free(tok);
}

static void
test_lists_check_paging(void **state)
{
    struct sim *sim = *state;
    static const char *const bad[][3] = {
        {"/__sim/records/Lead", "limit", "1000001"},
        {"/__sim/records/Lead", "offset", "-1"},
        {"/__sim/journal", "since", "x"},
        {"/__sim/journal", "limit", ""},
        {"/__sim/mail", "offset", "1e3"},
    };
    struct sim_response resp;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *q[] = {bad[i][1], bad[i][2], NULL};

        call(sim, "GET", bad[i][0], q, NULL, NULL, &resp);
        assert_int_equal(resp.status, 400);
        assert_null(resp.stream.next);
        response_free(&resp);
    }
}

/* Over-limit mail, paged. */
static void
test_mail_streamed_and_paged(void **state)
{
    struct sim *sim = *state;
    const char *page[] = {"offset", "1", "limit", "1", NULL};
    struct sim_response resp;
    json_t *arr;

    call(sim, "PUT", "/__sim/org", NULL, NULL,
         "{\"web_to_lead\": {\"daily_limit\": 1}}", &resp);
    assert_int_equal(resp.status, 200);
    response_free(&resp);
    post_leads(sim, 4); /* 3 over the limit: 3 mails */
    call(sim, "GET", "/__sim/mail", NULL, NULL, NULL, &resp);
    arr = streamed(sim, &resp, 1);
    assert_int_equal(json_array_size(arr), 3);
    json_decref(arr);
    response_free(&resp);
    call(sim, "GET", "/__sim/mail", page, NULL, NULL, &resp);
    arr = streamed(sim, &resp, 1);
    assert_int_equal(json_array_size(arr), 1);
    assert_non_null(strstr(
        json_string_value(json_object_get(json_array_get(arr, 0), "body")),
        "L2"));
    json_decref(arr);
    response_free(&resp);
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
        cmocka_unit_test_setup_teardown(test_records_streamed_and_paged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lists_check_paging, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mail_streamed_and_paged, setup,
                                        teardown),
    };

    xjson_init();
    return cmocka_run_group_tests_name("dispatch", tests, NULL, NULL);
}
