/*
 * test_fault.c - the fault plan: rule parsing, matching (method, prefix,
 * glob, body field), firing (times, probability with a seed) and the
 * answers it makes, without a socket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "fault.h"
#include "xmalloc.h"

#define W2L "/servlet/servlet.WebToLead"
#define SOBJECT "/services/data/v59.0/sobjects/Lead/"

/* A request as httpd.c would hand it over; strings borrowed. */
static struct sim_request
req(const char *method, const char *path, const char *ctype, const char *body)
{
    struct sim_request r;

    memset(&r, 0, sizeof(r));
    r.method = strcmp(method, "GET") == 0 ? HTTP_GET : HTTP_POST;
    r.method_name = method;
    r.path = path;
    r.body = body != NULL ? body : "";
    r.body_len = strlen(r.body);
    if (ctype != NULL) {
        r.headers[0].name = "Content-Type";
        r.headers[0].value = ctype;
        r.nheaders = 1;
    }
    return r;
}

/* Adds the rule in JSON text; asserts it is accepted. */
static void
add(struct fault_plan *p, const char *spec)
{
    json_t *j = json_loads(spec, 0, NULL), *rule;
    struct sf_err err;

    assert_non_null(j);
    err_clear(&err);
    rule = fault_plan_add(p, j, &err);
    if (rule == NULL)
        fail_msg("%s: %s", spec, err.msg);
    json_decref(rule);
    json_decref(j);
}

/* Applies p to r; returns 1 when a rule fired, with the answer in resp. */
static int
apply(struct fault_plan *p, const struct sim_request *r,
      struct sim_response *resp, struct fault_hit *hit)
{
    response_free(resp);
    response_init(resp);
    return fault_plan_apply(p, r, resp, hit);
}

static void
test_bad_rules_are_refused(void **state)
{
    static const struct {
        const char *spec, *msg;
    } bad[] = {
        {"{}", "path: required"},
        {"{\"path\":\"servlet\"}", "path: required"},
        {"{\"path\":\"/x\",\"status\":503,\"colour\":1}", "colour: unknown"},
        {"{\"path\":\"/x\",\"error_code\":\"NOPE\"}",
         "unknown; give a message"},
        {"{\"path\":\"/x\",\"status\":503,\"probability\":1.5}", "probability"},
        {"{\"path\":\"/x\",\"status\":503,\"times\":0}", "times"},
        {"{\"path\":\"/x\",\"action\":\"delay\"}", "delay_ms: required"},
        {"{\"path\":\"/x\",\"action\":\"explode\"}", "action: one of"},
        {"{\"path\":\"/x\",\"status\":503,\"value\":\"a\"}",
         "value: needs a field"},
        {"{\"path\":\"/x\"}", "status: required"},
        {"{\"path\":\"/x\",\"status\":99}", "status"},
        {"{\"path\":\"/"
         "x\",\"error_code\":\"UNKNOWN_EXCEPTION\",\"body\":\"b\"}",
         "give one of them"},
        {"[]", "JSON object"},
        {"{\"path\":\"/x\",\"scope\":\"row\"}", "scope: record or"},
        {"{\"path\":\"/x\",\"scope\":\"record\",\"error_code\":"
         "\"UNKNOWN_EXCEPTION\"}",
         "needs a field"},
        {"{\"path\":\"/x\",\"scope\":\"record\",\"field\":\"a\"}",
         "needs a field and an error_code"},
        {"{\"path\":\"/x\",\"scope\":\"record\",\"field\":\"a\","
         "\"error_code\":\"NOPE\"}",
         "unknown; give a message"},
        {"{\"path\":\"/x\",\"scope\":\"record\",\"field\":\"a\","
         "\"error_code\":\"UNKNOWN_EXCEPTION\",\"status\":500}",
         "status: not for a rule of scope record"},
        {"{\"path\":\"/x\",\"scope\":\"record\",\"field\":\"a\","
         "\"error_code\":\"UNKNOWN_EXCEPTION\",\"action\":\"close\"}",
         "can only fail a record"},
    };
    struct fault_plan *p = fault_plan_new();
    struct sf_err err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *j = json_loads(bad[i].spec, 0, NULL);

        err_clear(&err);
        assert_null(fault_plan_add(p, j, &err));
        if (strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].spec, err.msg,
                     bad[i].msg);
        json_decref(j);
    }
    json_t *all = fault_plan_to_json(p);
    assert_int_equal(json_array_size(json_object_get(all, "faults")), 0);
    json_decref(all);
    fault_plan_free(p);
}

static void
test_prefix_glob_and_method(void **state)
{
    struct fault_plan *p = fault_plan_new();
    struct sim_response resp;
    struct fault_hit hit;
    struct sim_request w2l = req("POST", W2L, NULL, NULL);
    struct sim_request rest = req("POST", SOBJECT, NULL, NULL);
    struct sim_request get = req("GET", SOBJECT, NULL, NULL);
    struct sim_request other =
        req("POST", "/services/oauth2/token", NULL, NULL);

    (void)state;
    response_init(&resp);
    add(p, "{\"path\":\"/services/data/*/sobjects/*\",\"method\":\"post\","
           "\"status\":503}");
    assert_int_equal(apply(p, &w2l, &resp, &hit), 0);
    assert_int_equal(hit.action, FAULT_NONE);
    assert_int_equal(apply(p, &get, &resp, &hit), 0);
    assert_int_equal(apply(p, &other, &resp, &hit), 0);
    assert_int_equal(apply(p, &rest, &resp, &hit), 1);
    assert_int_equal(resp.status, 503);
    fault_plan_clear(p);
    add(p, "{\"path\":\"/servlet\",\"status\":500}"); /* a prefix */
    assert_int_equal(apply(p, &w2l, &resp, &hit), 1);
    assert_int_equal(apply(p, &rest, &resp, &hit), 0);
    response_free(&resp);
    fault_plan_free(p);
}

static void
test_times_then_stops(void **state)
{
    struct fault_plan *p = fault_plan_new();
    struct sim_response resp;
    struct fault_hit hit;
    struct sim_request r = req("POST", W2L, NULL, NULL);
    json_t *j, *rule;

    (void)state;
    response_init(&resp);
    add(p, "{\"path\":\"" W2L "\",\"status\":503,\"times\":2}");
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(hit.rule_id, 1);
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(apply(p, &r, &resp, &hit), 0);
    assert_int_equal(apply(p, &r, &resp, &hit), 0);
    j = fault_plan_to_json(p);
    rule = json_array_get(json_object_get(j, "faults"), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "injected")), 2);
    assert_int_equal(json_integer_value(json_object_get(rule, "injected")), 2);
    assert_int_equal(json_integer_value(json_object_get(rule, "remaining")), 0);
    json_decref(j);
    response_free(&resp);
    fault_plan_free(p);
}

/* The first rule that matches and fires wins; a spent one lets the next
 * one answer. */
static void
test_first_rule_wins(void **state)
{
    struct fault_plan *p = fault_plan_new();
    struct sim_response resp;
    struct fault_hit hit;
    struct sim_request r = req("POST", W2L, NULL, NULL);

    (void)state;
    response_init(&resp);
    add(p, "{\"path\":\"" W2L "\",\"status\":503,\"times\":1}");
    add(p, "{\"path\":\"" W2L "\",\"status\":429}");
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(resp.status, 503);
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(resp.status, 429);
    assert_int_equal(hit.rule_id, 2);
    assert_int_equal(apply(p, &r, &resp, &hit), 1); /* no times: always */
    response_free(&resp);
    fault_plan_free(p);
}

/* The sequence of hits of a probability rule over n requests. */
static void
hits(const char *spec, int n, char *out)
{
    struct fault_plan *p = fault_plan_new();
    struct sim_response resp;
    struct fault_hit hit;
    struct sim_request r = req("POST", W2L, NULL, NULL);
    int i;

    response_init(&resp);
    add(p, spec);
    for (i = 0; i < n; i++)
        out[i] = apply(p, &r, &resp, &hit) ? 'x' : '.';
    out[n] = '\0';
    response_free(&resp);
    fault_plan_free(p);
}

static void
test_probability_is_seeded(void **state)
{
    char a[201], b[201], c[201], never[201], always[201];
    int n = 0;

    (void)state;
    hits("{\"path\":\"/\",\"status\":503,\"probability\":0.3,\"seed\":11}", 200,
         a);
    hits("{\"path\":\"/\",\"status\":503,\"probability\":0.3,\"seed\":11}", 200,
         b);
    hits("{\"path\":\"/\",\"status\":503,\"probability\":0.3,\"seed\":12}", 200,
         c);
    hits("{\"path\":\"/\",\"status\":503,\"probability\":0}", 200, never);
    hits("{\"path\":\"/\",\"status\":503,\"probability\":1}", 200, always);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_null(strchr(never, 'x'));
    assert_null(strchr(always, '.'));
    for (int i = 0; a[i] != '\0'; i++)
        n += a[i] == 'x';
    /* 200 draws at 0.3: far from none and from all. */
    assert_in_range(n, 20, 120);
}

/* probability and times together: a miss does not use up a time. */
static void
test_probability_with_times(void **state)
{
    char seq[401];
    int n = 0;

    (void)state;
    hits("{\"path\":\"/\",\"status\":503,\"probability\":0.5,\"seed\":3,"
         "\"times\":5}",
         400, seq);
    for (int i = 0; seq[i] != '\0'; i++)
        n += seq[i] == 'x';
    assert_int_equal(n, 5);
}

static void
test_field_in_form_and_json(void **state)
{
    struct fault_plan *p = fault_plan_new();
    struct sim_response resp;
    struct fault_hit hit;
    struct sim_request form_hit =
        req("POST", W2L, "application/x-www-form-urlencoded",
            "oid=00D&last_name=Fail%201&email=a%40x.com");
    struct sim_request form_miss =
        req("POST", W2L, "application/x-www-form-urlencoded",
            "oid=00D&last_name=Lovelace");
    struct sim_request flow_hit =
        req("POST", SOBJECT, "application/json; charset=UTF-8",
            "{\"inputs\":[{\"last_name\":\"Failing\"}]}");
    struct sim_request json_miss =
        req("POST", SOBJECT, "application/json", "{\"last_name\":\"Ok\"}");
    struct sim_request no_body = req("POST", SOBJECT, "application/json", "");

    (void)state;
    response_init(&resp);
    add(p, "{\"path\":\"/\",\"field\":\"last_name\",\"value\":\"Fail*\","
           "\"error_code\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\"}");
    assert_int_equal(apply(p, &form_hit, &resp, &hit), 1);
    assert_int_equal(resp.status, 400);
    assert_int_equal(apply(p, &form_miss, &resp, &hit), 0);
    assert_int_equal(apply(p, &flow_hit, &resp, &hit), 1);
    assert_int_equal(apply(p, &json_miss, &resp, &hit), 0);
    assert_int_equal(apply(p, &no_body, &resp, &hit), 0);
    fault_plan_clear(p);
    /* A field without a value: present and not empty. */
    add(p, "{\"path\":\"/\",\"field\":\"email\",\"status\":500}");
    assert_int_equal(apply(p, &form_hit, &resp, &hit), 1);
    assert_int_equal(apply(p, &form_miss, &resp, &hit), 0);
    response_free(&resp);
    fault_plan_free(p);
}

static void
test_answer_and_journal(void **state)
{
    struct fault_plan *p = fault_plan_new();
    struct sim_response resp;
    struct fault_hit hit;
    struct sim_request r = req("POST", SOBJECT, NULL, NULL);
    json_t *body;

    (void)state;
    response_init(&resp);
    add(p, "{\"path\":\"/\",\"error_code\":\"SERVER_UNAVAILABLE\","
           "\"retry_after\":2}");
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(hit.action, FAULT_STATUS);
    assert_int_equal(resp.status, 503);
    assert_int_equal(resp.verdict, VERDICT_FAULT_INJECTED);
    assert_non_null(strstr(resp.detail, "fault 1: status 503"));
    assert_int_equal(resp.nheaders, 1);
    assert_string_equal(resp.headers[0].name, "Retry-After");
    assert_string_equal(resp.headers[0].value, "2");
    body = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(body, 0), "errorCode")),
                        "SERVER_UNAVAILABLE");
    json_decref(body);
    response_free(&resp);
    fault_plan_free(p);
}

static void
test_transport_actions(void **state)
{
    struct fault_plan *p = fault_plan_new();
    struct sim_response resp;
    struct fault_hit hit;
    struct sim_request r = req("POST", W2L, NULL, NULL);

    (void)state;
    response_init(&resp);
    add(p, "{\"path\":\"/\",\"action\":\"close\",\"times\":1}");
    add(p, "{\"path\":\"/\",\"action\":\"truncate\",\"times\":1}");
    add(p, "{\"path\":\"/\",\"action\":\"truncate\",\"truncate_bytes\":3,"
           "\"times\":1}");
    add(p, "{\"path\":\"/\",\"delay_ms\":250,\"times\":1}");
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(hit.action, FAULT_CLOSE);
    assert_int_equal(resp.status, 0);
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(hit.action, FAULT_TRUNCATE);
    assert_int_equal(resp.status, 200);
    assert_int_equal(hit.send_bytes, resp.body.len / 2);
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(hit.send_bytes, 3);
    /* A delay leaves the answer to the route: resp is untouched. */
    assert_int_equal(apply(p, &r, &resp, &hit), 1);
    assert_int_equal(hit.action, FAULT_DELAY);
    assert_int_equal(hit.delay_ms, 250);
    assert_int_equal(resp.status, 200);
    assert_int_not_equal(resp.verdict, VERDICT_FAULT_INJECTED);
    response_free(&resp);
    fault_plan_free(p);
}

/* A record for fault_plan_apply_record(): a JSON object's members. */
static const char *
json_get(void *arg, const char *field, char *buf, size_t n)
{
    json_t *v = json_object_get(arg, field);

    (void)buf;
    (void)n;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
test_record_scope(void **state)
{
    struct fault_plan *p = fault_plan_new();
    struct fault_record_hit rh;
    struct sim_response resp;
    struct fault_hit hit;
    json_t *bad = json_pack("{s:s}", "LastName", "Fail-1");
    json_t *good = json_pack("{s:s}", "LastName", "Lovelace");
    struct sim_request whole =
        req("POST", "/services/data/v60.0/composite/sobjects",
            "application/json", "{\"records\":[{\"LastName\":\"Fail-1\"}]}");
    json_t *all;

    (void)state;
    response_init(&resp);
    add(p, "{\"path\":\"/services/data/*/composite/*\",\"scope\":"
           "\"record\",\"field\":\"LastName\",\"value\":\"Fail*\","
           "\"error_code\":\"UNABLE_TO_LOCK_ROW\",\"times\":2}");
    add(p, "{\"path\":\"/services/data\",\"scope\":\"record\","
           "\"method\":\"PATCH\",\"field\":\"LastName\",\"error_code\":"
           "\"X_ERR\",\"message\":\"mine\"}");
    /* Never the whole request. */
    assert_int_equal(apply(p, &whole, &resp, &hit), 0);
    assert_int_equal(fault_plan_apply_record(
                         p, "POST", "/services/data/v60.0/composite/sobjects",
                         json_get, good, &rh),
                     0);
    assert_int_equal(fault_plan_apply_record(
                         p, "POST", "/services/data/v60.0/composite/sobjects",
                         json_get, bad, &rh),
                     1);
    assert_int_equal(rh.rule_id, 1);
    assert_string_equal(rh.error_code, "UNABLE_TO_LOCK_ROW");
    assert_string_equal(rh.message,
                        "unable to obtain exclusive access to this record");
    assert_int_equal(
        fault_plan_apply_record(p, "POST", "/services/data/v60.0/sobjects/Lead",
                                json_get, bad, &rh),
        0);
    /* The second rule: any LastName, PATCH only, its own message. */
    assert_int_equal(fault_plan_apply_record(
                         p, "PATCH", "/services/data/v60.0/composite/sobjects",
                         json_get, good, &rh),
                     1);
    assert_int_equal(rh.rule_id, 2);
    assert_string_equal(rh.message, "mine");
    assert_int_equal(fault_plan_apply_record(
                         p, "POST", "/services/data/v60.0/composite/sobjects",
                         json_get, bad, &rh),
                     1);
    /* times: 2 used up. */
    assert_int_equal(fault_plan_apply_record(
                         p, "POST", "/services/data/v60.0/composite/sobjects",
                         json_get, bad, &rh),
                     0);
    all = fault_plan_to_json(p);
    assert_int_equal(json_integer_value(json_object_get(all, "injected")), 3);
    assert_int_equal(
        json_integer_value(json_object_get(
            json_array_get(json_object_get(all, "faults"), 0), "injected")),
        2);
    json_decref(all);
    json_decref(bad);
    json_decref(good);
    response_free(&resp);
    fault_plan_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_rules_are_refused),
        cmocka_unit_test(test_prefix_glob_and_method),
        cmocka_unit_test(test_times_then_stops),
        cmocka_unit_test(test_first_rule_wins),
        cmocka_unit_test(test_probability_is_seeded),
        cmocka_unit_test(test_probability_with_times),
        cmocka_unit_test(test_field_in_form_and_json),
        cmocka_unit_test(test_answer_and_journal),
        cmocka_unit_test(test_transport_actions),
        cmocka_unit_test(test_record_scope),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
