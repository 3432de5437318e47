/*
 * test_faults.c - fault injection through /__sim/faults against the real
 * sfsim binary: each kind of fault (status with Retry-After, delay, close,
 * reset, truncation), lead-field matching in form and JSON bodies, counts,
 * seeded probabilities, and what the journal says.
 *
 * Transport faults are told apart by libcurl's own error codes (the
 * curl_code of an http_result), each on a connection of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "simtest.h"

#define W2L "/servlet/servlet.WebToLead?encoding=UTF-8"
#define OID "oid=00D000000000001"

/* One POST on a fresh connection (a connection kept alive would let
 * libcurl resend the request unseen); the CURLcode, and the status in
 * *st. */
static CURLcode
raw_post(struct simtest *t, const char *path, const char *ctype,
         const char *body, long *st)
{
    struct httpc *c = httpc_new(t->proc.url);
    struct http_result r;
    CURLcode rc;

    httpc_request(c, "POST", path, ctype, body, strlen(body), NULL, &r);
    rc = (CURLcode)r.curl_code;
    *st = r.status;
    http_result_free(&r);
    httpc_free(c);
    return rc;
}

static CURLcode
w2l(struct simtest *t, const char *last_name, long *st)
{
    char body[256];

    snprintf(body, sizeof(body), OID "&last_name=%s&company=Acme", last_name);
    return raw_post(t, W2L, "application/x-www-form-urlencoded", body, st);
}

/* POST /__sim/faults; returns the rule's id. */
static json_int_t
add_fault(struct simtest *t, const char *spec)
{
    long st = 0;
    json_t *j = httpc_send_json(t->http, "POST", "/__sim/faults", spec, &st);
    json_int_t id;

    assert_int_equal(st, 201);
    id = json_integer_value(json_object_get(j, "id"));
    assert_true(id > 0);
    json_decref(j);
    return id;
}

/* The "faults" array of GET /__sim/faults (new reference). */
static json_t *
faults(struct simtest *t)
{
    long st = 0;
    json_t *j = httpc_get_json(t->http, "/__sim/faults", &st);
    json_t *arr;

    assert_int_equal(st, 200);
    arr = json_incref(json_object_get(j, "faults"));
    json_decref(j);
    return arr;
}

static json_int_t
rule_count(json_t *arr, size_t i, const char *key)
{
    return json_integer_value(json_object_get(json_array_get(arr, i), key));
}

static size_t
journal_verdicts(struct simtest *t, const char *verdict)
{
    return simtest_journal_count(t,
                                 &(struct simtest_match){.verdict = verdict});
}

static void
test_status_with_retry_after_then_served(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char ra[32];
    json_t *arr, *j;

    add_fault(t, "{\"path\": \"/servlet/servlet.WebToLead\", \"error_code\": "
                 "\"UNKNOWN_EXCEPTION\", \"status\": 503, \"retry_after\": 7, "
                 "\"times\": 2}");
    for (int i = 0; i < 2; i++) {
        assert_int_equal(httpc_post_form(t->http, W2L, OID "&last_name=A", &r),
                         503);
        assert_string_equal(http_header(&r, "Retry-After", ra, sizeof(ra)),
                            "7");
        j = json_loads(r.body, 0, NULL);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(j, 0), "errorCode")),
                            "UNKNOWN_EXCEPTION");
        json_decref(j);
        http_result_free(&r);
    }
    /* The third request is past the rule and reaches Web-to-Lead. */
    assert_int_equal(httpc_post_form(t->http, W2L, OID "&last_name=A", &r),
                     200);
    http_result_free(&r);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    arr = faults(t);
    assert_int_equal(rule_count(arr, 0, "injected"), 2);
    assert_int_equal(rule_count(arr, 0, "remaining"), 0);
    json_decref(arr);
    assert_int_equal(journal_verdicts(t, "fault_injected"), 2);
    assert_int_equal(journal_verdicts(t, "created"), 1);
}

static void
test_form_field_match(void **state)
{
    struct simtest *t = *state;
    long st;

    add_fault(t, "{\"path\": \"/servlet/*\", \"field\": \"last_name\", "
                 "\"value\": \"Fail*\", \"status\": 400, \"error_code\": "
                 "\"FIELD_CUSTOM_VALIDATION_EXCEPTION\"}");
    assert_int_equal(w2l(t, "Good", &st), CURLE_OK);
    assert_int_equal(st, 200);
    assert_int_equal(w2l(t, "Failing", &st), CURLE_OK);
    assert_int_equal(st, 400);
    assert_int_equal(w2l(t, "Failing", &st), CURLE_OK);
    assert_int_equal(st, 400); /* no "times": every match */
    assert_int_equal(simtest_count(t, "Lead"), 1);
}

static void
test_json_field_match_before_routing(void **state)
{
    struct simtest *t = *state;
    long st;

    add_fault(t, "{\"method\": \"POST\", \"path\": \"/services/data\", "
                 "\"field\": \"Email\", \"error_code\": "
                 "\"INVALID_SESSION_ID\", \"times\": 1}");
    assert_int_equal(
        raw_post(t, "/services/data/v59.0/sobjects/Lead", "application/json",
                 "{\"LastName\": \"X\", \"Email\": \"x@y.z\"}", &st),
        CURLE_OK);
    assert_int_equal(st, 401);
    /* Without the field the rule does not match (whatever the route then
     * answers, it is not a fault). */
    assert_int_equal(raw_post(t, "/services/data/v59.0/sobjects/Lead",
                              "application/json", "{\"LastName\": \"X\"}", &st),
                     CURLE_OK);
    assert_int_equal(journal_verdicts(t, "fault_injected"), 1);
}

static void
test_close_reset_truncate(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *arr;

    add_fault(t, "{\"path\": \"/servlet\", \"action\": \"close\", "
                 "\"times\": 1}");
    assert_int_equal(w2l(t, "A", &st), CURLE_GOT_NOTHING);
    add_fault(t, "{\"path\": \"/servlet\", \"action\": \"reset\", "
                 "\"times\": 1}");
    assert_int_equal(w2l(t, "A", &st), CURLE_RECV_ERROR);
    add_fault(t, "{\"path\": \"/servlet\", \"action\": \"truncate\", "
                 "\"body\": \"<html>a page long enough to cut</html>\", "
                 "\"truncate_bytes\": 6, \"times\": 1}");
    assert_int_equal(w2l(t, "A", &st), CURLE_PARTIAL_FILE);
    assert_int_equal(st, 200);
    assert_int_equal(w2l(t, "A", &st), CURLE_OK);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    arr = faults(t);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(rule_count(arr, i, "injected"), 1);
    json_decref(arr);
    assert_int_equal(journal_verdicts(t, "fault_injected"), 3);
}

static void
test_delay_then_served_or_answered(void **state)
{
    struct simtest *t = *state;
    long st;

    /* A pure delay holds the answer, then the request is processed. */
    add_fault(t, "{\"path\": \"/servlet\", \"delay_ms\": 200, \"times\": 1}");
    assert_int_equal(w2l(t, "Slow", &st), CURLE_OK);
    assert_int_equal(st, 200);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    /* A delay with a status answers that status afterwards. */
    add_fault(t, "{\"path\": \"/servlet\", \"delay_ms\": 100, \"status\": "
                 "429, \"retry_after\": \"1\", \"times\": 1}");
    assert_int_equal(w2l(t, "Slow", &st), CURLE_OK);
    assert_int_equal(st, 429);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    assert_int_equal(journal_verdicts(t, "fault_injected"), 1);
}

/* Injected count of a fresh probability-0.5 rule over 40 requests. */
static json_int_t
seeded_run(struct simtest *t)
{
    struct http_result r;
    json_t *arr;
    json_int_t n;

    add_fault(t, "{\"path\": \"/servlet\", \"status\": 503, "
                 "\"probability\": 0.5, \"seed\": 7}");
    for (int i = 0; i < 40; i++) {
        httpc_post_form(t->http, W2L, OID "&last_name=P", &r);
        http_result_free(&r);
    }
    arr = faults(t);
    n = rule_count(arr, 0, "injected");
    assert_int_equal(rule_count(arr, 0, "matched"), 40);
    json_decref(arr);
    return n;
}

static void
test_seeded_probability_repeats(void **state)
{
    struct simtest *t = *state;
    json_int_t first, second;
    long st = 0;
    json_t *j;

    first = seeded_run(t);
    assert_true(first > 0 && first < 40);
    j = httpc_send_json(t->http, "DELETE", "/__sim/faults", NULL, &st);
    assert_int_equal(st, 200);
    /* DELETE answers the rules as they were, counts included. */
    assert_int_equal(json_integer_value(json_object_get(j, "injected")), first);
    json_decref(j);
    second = seeded_run(t);
    assert_int_equal(first, second);
}

static void
test_bad_rules_and_admin_exempt(void **state)
{
    struct simtest *t = *state;
    static const char *const bad[] = {
        "{\"path\": \"servlet\", \"status\": 503}",
        "{\"path\": \"/x\"}",
        "{\"path\": \"/x\", \"status\": 99}",
        "{\"path\": \"/x\", \"status\": 503, \"colour\": \"red\"}",
        "{\"path\": \"/x\", \"action\": \"explode\"}",
        "{\"path\": \"/x\", \"status\": 503, \"probability\": 2}",
        "{\"path\": \"/x\", \"value\": \"a*\", \"status\": 503}",
        "[1, 2]",
        NULL,
    };
    long st = 0;
    json_t *j;

    for (size_t i = 0; bad[i] != NULL; i++) {
        j = httpc_send_json(t->http, "POST", "/__sim/faults", bad[i], &st);
        assert_int_equal(st, 400);
        assert_non_null(json_object_get(j, "message"));
        json_decref(j);
    }
    add_fault(t, "{\"path\": \"/\", \"action\": \"close\"}");
    j = httpc_get_json(t->http, "/__sim/health", &st);
    assert_int_equal(st, 200);
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_status_with_retry_after_then_served, simtest_setup,
            simtest_teardown),
        cmocka_unit_test_setup_teardown(test_form_field_match, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_json_field_match_before_routing,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_close_reset_truncate,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_delay_then_served_or_answered,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_seeded_probability_repeats,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_bad_rules_and_admin_exempt,
                                        simtest_setup, simtest_teardown),
    };

    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
