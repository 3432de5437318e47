/*
 * test_journal_query.c - journal filters (GET /__sim/journal), the verify
 * call with its near misses, and the isolation calls: POST /__sim/reset
 * with a clock, PUT /__sim/org with a changed clock.start.
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

#define LEADS "/services/data/v62.0/sobjects/Lead"

/* Web-to-Lead capped at 2 a day, on a frozen clock; queued past the cap
 * when queue is set. */
#define SMALL_ORG(mode)                                                        \
    "{\"clock\": {\"start\": \"2026-01-05T09:00:00Z\", \"frozen\": true},"     \
    " \"web_to_lead\": {\"daily_limit\": 2, \"over_limit\": \"" mode "\"}}"

static int
start_drop(void **state)
{
    return simtest_setup_org_text(state, SMALL_ORG("drop"));
}

static int
start_queue(void **state)
{
    return simtest_setup_org_text(state, SMALL_ORG("queue"));
}

static json_t *
send(struct simtest *t, const char *method, const char *path, const char *body,
     long expect)
{
    long st = 0;
    json_t *j = httpc_send_json(t->http, method, path, body, &st);

    assert_int_equal(st, expect);
    return j;
}

/* The seqs of GET path, in answer order, as "1,2,3". */
static const char *
seqs(struct simtest *t, const char *path, char *out, size_t n)
{
    json_t *j = send(t, "GET", path, NULL, 200), *e;
    size_t i, len = 0;

    assert_true(json_is_array(j));
    out[0] = '\0';
    json_array_foreach(j, i, e) {
        len += (size_t)snprintf(
            out + len, n - len, "%s%lld", i ? "," : "",
            (long long)json_integer_value(json_object_get(e, "seq")));
    }
    json_decref(j);
    return out;
}

static void
test_filters(void **state)
{
    struct simtest *t = *state;
    char got[256];
    json_t *j;
    long st;

    simtest_post_w2l_lead(t, "ada%40example.com"); /* 1 created */
    simtest_post_w2l_lead(t, "bob%40example.com"); /* 2 created */
    simtest_post_w2l_lead(t, "Ada%40Example.com"); /* 3 dropped */
    simtest_login(t, NULL);
    j = simtest_api_json(t, "POST", LEADS,
                         "{\"LastName\": \"Byron\", \"Company\": \"Acme\","
                         " \"Email\": \"ADA@example.com\"}",
                         NULL, &st); /* 4 created */
    assert_int_equal(st, 201);
    json_decref(j);
    j = simtest_api_json(t, "GET", LEADS "/00Q000000000000", NULL, NULL,
                         &st); /* 5: 404 */
    assert_int_equal(st, 404);
    json_decref(j);

    assert_string_equal(
        seqs(t, "/__sim/journal?verdict=created", got, sizeof(got)), "1,2,4");
    assert_string_equal(seqs(t,
                             "/__sim/journal?verdict=dropped_daily_limit,error",
                             got, sizeof(got)),
                        "3,5");
    assert_string_equal(seqs(t, "/__sim/journal?method=get", got, sizeof(got)),
                        "5");
    assert_string_equal(seqs(t, "/__sim/journal?status=4xx", got, sizeof(got)),
                        "5");
    assert_string_equal(
        seqs(t, "/__sim/journal?status=201,404", got, sizeof(got)), "4,5");
    assert_string_equal(
        seqs(t, "/__sim/journal?path=/services/data", got, sizeof(got)), "4,5");
    assert_string_equal(
        seqs(t, "/__sim/journal?path=*WebToLead", got, sizeof(got)), "1,2,3");
    /* The lead's value in a form body and in a JSON body, any case. */
    assert_string_equal(
        seqs(t, "/__sim/journal?lead=ada@example.com", got, sizeof(got)),
        "1,3,4");
    assert_string_equal(
        seqs(t, "/__sim/journal?lead=ada@example.com&verdict=created", got,
             sizeof(got)),
        "1,4");
    assert_string_equal(
        seqs(t, "/__sim/journal?lead=ada@example.com&order=desc&limit=2", got,
             sizeof(got)),
        "4,3");
    assert_string_equal(
        seqs(t, "/__sim/journal?since=2&order=desc", got, sizeof(got)),
        "5,4,3");
    assert_string_equal(
        seqs(t, "/__sim/journal?lead=nobody@example.com", got, sizeof(got)),
        "");
}

static void
test_lead_by_record_id(void **state)
{
    struct simtest *t = *state;
    char got[128], path[128];
    json_t *j;
    const char *id;

    simtest_post_w2l_lead(t, "ada%40example.com");
    j = send(t, "GET", "/__sim/journal?limit=1", NULL, 200);
    id = json_string_value(json_object_get(json_array_get(j, 0), "record_id"));
    assert_non_null(id);
    snprintf(path, sizeof(path), "/__sim/journal?lead=%s", id);
    assert_string_equal(seqs(t, path, got, sizeof(got)), "1");
    /* The 15-character form too. */
    snprintf(path, sizeof(path), "/__sim/journal?lead=%.15s", id);
    assert_string_equal(seqs(t, path, got, sizeof(got)), "1");
    json_decref(j);
}

static void
test_bad_filters(void **state)
{
    struct simtest *t = *state;
    json_t *j;

    j = send(t, "GET", "/__sim/journal?verdict=nope", NULL, 400);
    assert_string_equal(json_string_value(json_object_get(j, "message")),
                        "verdict: unknown verdict \"nope\"");
    json_decref(j);
    json_decref(send(t, "GET", "/__sim/journal?status=42", NULL, 400));
    json_decref(send(t, "GET", "/__sim/journal?order=up", NULL, 400));
    json_decref(send(t, "GET", "/__sim/journal?lead=", NULL, 400));
    json_decref(send(t, "GET", "/__sim/journal?verdit=created", NULL, 400));
    json_decref(
        send(t, "GET", "/__sim/journal?verdict=ok&verdict=created", NULL, 400));
}

/* A queued post created later (an event) is one of its lead's entries. */
static void
test_lead_follows_queued_post(void **state)
{
    struct simtest *t = *state;
    char got[128];

    simtest_post_w2l_lead(t, "a%40example.com");
    simtest_post_w2l_lead(t, "b%40example.com");
    simtest_post_w2l_lead(t, "late%40example.com"); /* 3: queued */
    simtest_advance(t, 86400);
    assert_string_equal(
        seqs(t, "/__sim/journal?lead=late@example.com", got, sizeof(got)),
        "3,4");
    assert_string_equal(
        seqs(t, "/__sim/journal?verdict=created_from_queue", got, sizeof(got)),
        "4");
}

static const char *
str_at(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

static void
test_verify(void **state)
{
    struct simtest *t = *state;
    json_t *j, *near, *crit;

    simtest_post_w2l_lead(t, "ada%40example.com");
    simtest_post_w2l_lead(t, "bob%40example.com");
    simtest_post_w2l_lead(t, "cy%40example.com"); /* dropped */

    j = send(t, "POST", "/__sim/journal/verify",
             "{\"match\": {\"verdict\": \"created\"}, \"count\": 2}", 200);
    assert_true(json_is_true(json_object_get(j, "ok")));
    assert_int_equal(json_integer_value(json_object_get(j, "matched")), 2);
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 2);
    assert_null(json_object_get(j, "near_misses"));
    json_decref(j);
    j = send(t, "POST", "/__sim/journal/verify",
             "{\"match\": {\"path\": \"/servlet\"}, \"at_least\": 1, "
             "\"at_most\": 3}",
             200);
    json_decref(j);
    j = send(t, "POST", "/__sim/journal/verify",
             "{\"match\": {\"lead\": \"cy@example.com\"}, \"at_most\": 0}",
             409);
    assert_string_equal(str_at(j, "message"), "expected exactly 0, found 1");
    json_decref(j);

    /* Nothing matches: the closest entries, and why they differ. */
    j = send(t, "POST", "/__sim/journal/verify",
             "{\"match\": {\"lead\": \"cy@example.com\", \"verdict\": "
             "\"created\"}, \"count\": 1}",
             409);
    assert_false(json_is_true(json_object_get(j, "ok")));
    assert_string_equal(str_at(j, "message"), "expected exactly 1, found 0");
    near = json_object_get(j, "near_misses");
    assert_int_equal(json_array_size(near), 3);
    /* The closest: created, with a lead value two edits away. */
    crit = json_object_get(json_array_get(near, 0), "criteria");
    assert_string_equal(str_at(json_array_get(crit, 0), "criterion"),
                        "verdict");
    assert_true(json_real_value(json_object_get(json_array_get(crit, 0),
                                                "distance")) == 0.0);
    assert_string_equal(str_at(json_array_get(crit, 1), "actual"),
                        "bob@example.com");
    /* The dropped post has the lead but not the verdict. */
    crit = json_object_get(json_array_get(near, 2), "criteria");
    assert_string_equal(str_at(json_array_get(crit, 0), "actual"),
                        "dropped_daily_limit");
    assert_true(json_real_value(json_object_get(json_array_get(crit, 1),
                                                "distance")) == 0.0);
    assert_true(json_real_value(json_object_get(json_array_get(near, 2),
                                                "distance")) == 0.5);
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(json_array_get(near, 2), "entry"), "seq")),
        3);
    json_decref(j);
}

static void
test_verify_bad_bodies(void **state)
{
    struct simtest *t = *state;

    json_decref(send(t, "POST", "/__sim/journal/verify", "[]", 400));
    json_decref(send(t, "POST", "/__sim/journal/verify",
                     "{\"count\": 1, \"at_least\": 1}", 400));
    json_decref(send(t, "POST", "/__sim/journal/verify",
                     "{\"at_least\": 3, \"at_most\": 1}", 400));
    json_decref(
        send(t, "POST", "/__sim/journal/verify", "{\"count\": -1}", 400));
    json_decref(send(t, "POST", "/__sim/journal/verify",
                     "{\"match\": {\"colour\": \"red\"}}", 400));
    json_decref(send(t, "POST", "/__sim/journal/verify",
                     "{\"match\": {\"verdict\": [\"created\", 5]}}", 400));
    json_decref(send(t, "POST", "/__sim/journal/verify",
                     "{\"match\": {\"status\": [200, \"4xx\"]}, "
                     "\"at_least\": 0}",
                     200));
}

/* Tests sharing one sim: a reset that takes the clock back frees the
 * window the last test filled. */
static void
test_reset_clock(void **state)
{
    struct simtest *t = *state;
    char now[64];
    json_t *j;

    simtest_post_w2l_lead(t, "a%40example.com");
    simtest_post_w2l_lead(t, "b%40example.com");
    simtest_advance(t, 3600);
    j = send(t, "POST", "/__sim/reset", NULL, 200); /* the clock stays */
    assert_string_equal(str_at(json_object_get(j, "clock"), "now"),
                        "2026-01-05T10:00:00.000Z");
    json_decref(j);
    j = send(t, "POST", "/__sim/reset", "{\"clock\": \"start\"}", 200);
    assert_string_equal(str_at(json_object_get(j, "clock"), "now"),
                        "2026-01-05T09:00:00.000Z");
    json_decref(j);
    simtest_post_w2l_lead(t, "c%40example.com");
    simtest_post_w2l_lead(t, "d%40example.com");
    assert_int_equal(
        simtest_journal_count(t, &(struct simtest_match){.verdict = "created"}),
        2);
    j = send(t, "POST", "/__sim/reset", "{\"clock\": \"2025-12-31T23:00:00Z\"}",
             200);
    json_decref(j);
    assert_string_equal(simtest_now(t, now, sizeof(now)),
                        "2025-12-31T23:00:00.000Z");
    j = send(t, "GET", "/__sim/webtolead", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "used")), 0);
    json_decref(j);
    json_decref(send(t, "POST", "/__sim/reset", "{\"clock\": 5}", 400));
    json_decref(send(t, "POST", "/__sim/reset", "{\"time\": \"start\"}", 400));
    json_decref(send(t, "POST", "/__sim/reset", "{}", 200));
}

static void
test_put_org_clock_start(void **state)
{
    struct simtest *t = *state;
    char now[64];
    json_t *j;

    /* Forward: the clock jumps there. */
    json_decref(send(t, "PUT", "/__sim/org",
                     "{\"clock\": {\"start\": \"2026-02-01T00:00:00Z\", "
                     "\"frozen\": true}}",
                     200));
    assert_string_equal(simtest_now(t, now, sizeof(now)),
                        "2026-02-01T00:00:00.000Z");
    /* Back, with a lead stored: refused, the org unchanged. */
    simtest_post_w2l_lead(t, "a%40example.com");
    j = send(t, "PUT", "/__sim/org",
             "{\"clock\": {\"start\": \"2026-01-01T00:00:00Z\", \"frozen\": "
             "true}}",
             409);
    assert_string_equal(str_at(j, "error"), "clock_backwards");
    json_decref(j);
    j = send(t, "GET", "/__sim/org", NULL, 200);
    assert_string_equal(str_at(json_object_get(j, "clock"), "start"),
                        "2026-02-01T00:00:00.000Z");
    json_decref(j);
    /* Back, right after a reset: honoured. */
    simtest_reset(t);
    json_decref(send(t, "PUT", "/__sim/org",
                     "{\"clock\": {\"start\": \"2026-01-01T00:00:00Z\", "
                     "\"frozen\": true}}",
                     200));
    assert_string_equal(simtest_now(t, now, sizeof(now)),
                        "2026-01-01T00:00:00.000Z");
    /* The same start again leaves the clock where it is. */
    simtest_advance(t, 60);
    json_decref(send(t, "PUT", "/__sim/org",
                     "{\"clock\": {\"start\": \"2026-01-01T00:00:00Z\", "
                     "\"frozen\": true}}",
                     200));
    assert_string_equal(simtest_now(t, now, sizeof(now)),
                        "2026-01-01T00:01:00.000Z");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_filters, start_drop,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_lead_by_record_id, start_drop,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_bad_filters, start_drop,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_lead_follows_queued_post,
                                        start_queue, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_verify, start_drop,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_verify_bad_bodies, start_drop,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_reset_clock, start_drop,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_put_org_clock_start, start_drop,
                                        simtest_teardown),
    };

    return cmocka_run_group_tests_name("e2e_journal_query", tests, NULL, NULL);
}
