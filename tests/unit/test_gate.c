/*
 * test_gate.c - filters, suppression, dedup windows, pause, W2L budget,
 * and the outcomes file's torn-line and resume handling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gate.h"
#include "oauth.h"
#include "outcome.h"
#include "xmalloc.h"

#define T0 1798761600000LL /* 2027-01-01T00:00:00Z */

static void
load_buyer(struct buyer *b, const char *extra)
{
    char text[2048];
    struct sf_err err;

    snprintf(text, sizeof(text),
             "{\"delivery\":{\"url\":\"http://h/w\",\"content_type\":"
             "\"application/x-www-form-urlencoded\"},\"static_fields\":{"
             "\"oid\":\"00D\"}%s}",
             extra);
    err_clear(&err);
    if (buyer_load_text(b, "t", text, strlen(text), NULL, &err) == -1)
        fail_msg("%s", err.msg);
}

static enum gate_verdict
check(struct gate *g, struct lead_set *set, size_t i, int64_t now)
{
    char why[256];

    return gate_check(g, &set->v[i], now, 0, why, sizeof(why));
}

static void
test_filters_suppression(void **state)
{
    const char *leads =
        "{\"id\":\"1\",\"email\":\"a@b.c\",\"state\":\"CA\"}\n"
        "{\"id\":\"2\",\"state\":\"CA\"}\n"
        "{\"id\":\"3\",\"email\":\"nope\",\"state\":\"CA\"}\n"
        "{\"id\":\"4\",\"email\":\"x@y.z\",\"state\":\"TX\"}\n"
        "{\"id\":\"5\",\"email\":\" Blocked@Y.z \",\"state\":\"CA\"}\n"
        "{\"id\":\"6\",\"email\":\"p@q.r\",\"phone\":\"+1 (555) 010-0000\"}\n";
    struct lead_set set;
    struct buyer b;
    struct gate g;

    (void)state;
    load_buyer(&b, ",\"filters\":[{\"field\":\"email\",\"required\":true,"
                   "\"pattern\":\"^[^@]+@[^@]+$\"},{\"field\":\"state\","
                   "\"allowed\":[\"CA\",\"NY\"]}],\"suppression\":{"
                   "\"fields\":[\"email\",\"phone\"],\"values\":["
                   "\"blocked@y.z\",\"15550100000\"]}");
    lead_read_text(&set, leads, strlen(leads), LEAD_FMT_NDJSON, NULL, NULL);
    gate_init(&g, &b, NULL, NULL);
    assert_int_equal(check(&g, &set, 0, T0), GATE_PASS);
    assert_int_equal(check(&g, &set, 1, T0), GATE_REJECTED);
    assert_int_equal(check(&g, &set, 2, T0), GATE_REJECTED);
    assert_int_equal(check(&g, &set, 3, T0), GATE_REJECTED);
    assert_int_equal(check(&g, &set, 4, T0), GATE_SUPPRESSED);
    assert_int_equal(check(&g, &set, 5, T0), GATE_SUPPRESSED);
    assert_string_equal(gate_verdict_str(GATE_SUPPRESSED), "suppressed");
    gate_free(&g);
    buyer_free(&b);
    lead_set_free(&set);
}

static void
test_dedup_window(void **state)
{
    const char *leads = "{\"id\":\"1\",\"email\":\"A@b.c\"}\n"
                        "{\"id\":\"2\",\"email\":\"a@b.c \"}\n"
                        "{\"id\":\"3\",\"email\":\"z@b.c\"}\n";
    struct lead_set set;
    struct buyer b;
    struct gate g;
    json_t *doc;

    (void)state;
    load_buyer(&b, ",\"dedup\":{\"fields\":[\"email\"],\"window_seconds\":"
                   "3600}");
    lead_read_text(&set, leads, strlen(leads), LEAD_FMT_NDJSON, NULL, NULL);
    gate_init(&g, &b, NULL, NULL);
    assert_int_equal(check(&g, &set, 0, T0), GATE_PASS);
    assert_int_equal(check(&g, &set, 1, T0 + 1000), GATE_DUPLICATE);
    /* The same lead again (a resumed run) is not its own duplicate. */
    assert_int_equal(check(&g, &set, 0, T0 + 2000), GATE_PASS);
    assert_int_equal(check(&g, &set, 2, T0), GATE_PASS);
    /* History survives a save/load round trip (another run). */
    doc = json_deep_copy(gate_dedup_doc(&g, T0));
    gate_free(&g);
    gate_init(&g, &b, doc, NULL);
    assert_int_equal(check(&g, &set, 1, T0 + 3599 * 1000LL), GATE_DUPLICATE);
    /* Past the window the key is free again, and taken by lead 2. */
    assert_int_equal(check(&g, &set, 1, T0 + 3600 * 1000LL), GATE_PASS);
    assert_int_equal(check(&g, &set, 0, T0 + 3601 * 1000LL), GATE_DUPLICATE);
    /* Pruning drops expired entries. */
    assert_int_equal(json_object_size(gate_dedup_doc(&g, T0 + 7199000LL)), 1);
    gate_free(&g);
    buyer_free(&b);
    lead_set_free(&set);
}

static void
test_dedup_all_and_pause(void **state)
{
    const char *leads = "{\"id\":\"1\",\"email\":\"a\",\"phone\":\"1\"}\n"
                        "{\"id\":\"2\",\"email\":\"a\",\"phone\":\"2\"}\n"
                        "{\"id\":\"3\",\"email\":\"a\",\"phone\":\"1\"}\n";
    struct lead_set set;
    struct buyer b;
    struct gate g;

    (void)state;
    load_buyer(&b, ",\"paused\":true,\"dedup\":{\"fields\":[\"email\","
                   "\"phone\"],\"match\":\"all\"}");
    lead_read_text(&set, leads, strlen(leads), LEAD_FMT_NDJSON, NULL, NULL);
    gate_init(&g, &b, NULL, NULL);
    assert_int_equal(check(&g, &set, 0, T0), GATE_HELD);
    assert_int_equal(check(&g, &set, 1, T0), GATE_HELD);
    assert_int_equal(check(&g, &set, 2, T0), GATE_DUPLICATE);
    gate_free(&g);
    buyer_free(&b);
    lead_set_free(&set);
}

static void
test_budget(void **state)
{
    struct buyer b;
    struct gate g;
    int64_t at = 0;
    json_t *doc;

    (void)state;
    load_buyer(&b, ",\"web_to_lead\":{\"daily_budget\":3}");
    gate_init(&g, &b, NULL, NULL);
    assert_int_equal(gate_budget_take(&g, T0, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 1000, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 2000, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 3000, &at), -1);
    assert_true(at == T0 + 86400000LL);
    /* Persisted and reloaded: still full until the first send ages out. */
    doc = json_deep_copy(gate_sends_doc(&g, T0 + 3000));
    gate_free(&g);
    gate_init(&g, &b, NULL, doc);
    assert_int_equal(gate_budget_take(&g, T0 + 86399999LL, &at), -1);
    assert_int_equal(gate_budget_take(&g, T0 + 86400000LL, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 86400000LL, &at), -1);
    assert_true(at == T0 + 1000 + 86400000LL);
    gate_free(&g);
    buyer_free(&b);
}

/* A state file from a day before with a large budget's sends: the expired
 * ones are dropped at once, the live ones still count. */
static void
test_budget_prunes_many(void **state)
{
    enum { OLD = 200000, LIVE = 5 };
    struct buyer b;
    struct gate g;
    int64_t at = 0;
    json_t *doc = json_array(), *expect;

    (void)state;
    load_buyer(&b, ",\"web_to_lead\":{\"daily_budget\":1000000}");
    for (int i = 0; i < OLD; i++)
        json_array_append_new(doc, json_integer(T0 + i));
    for (int i = 0; i < LIVE; i++)
        json_array_append_new(doc, json_integer(T0 + 86400000LL + i));
    gate_init(&g, &b, NULL, doc);
    assert_int_equal(gate_budget_take(&g, T0 + 2 * 86400000LL - 10, &at), 0);
    /* The live sends were in one second: one bucket, and the new one. */
    expect = json_pack("[[I,i],[I,i]]", T0 + 86400000LL + LIVE - 1, LIVE,
                       T0 + 2 * 86400000LL - 10, 1);
    assert_true(
        json_equal(gate_sends_doc(&g, T0 + 2 * 86400000LL - 10), expect));
    assert_int_equal(g.sent, LIVE + 1);
    assert_true(g.dirty_sends);
    json_decref(expect);
    gate_free(&g);
    buyer_free(&b);
}

/*
 * Sends within one second share a bucket that leaves the window with the
 * latest of them: a held lead's time is never earlier than with every
 * send kept apart. Memory is a bucket per second, not per send.
 */
static void
test_budget_buckets(void **state)
{
    struct buyer b;
    struct gate g;
    int64_t at = 0;
    json_t *doc;

    (void)state;
    load_buyer(&b, ",\"web_to_lead\":{\"daily_budget\":3}");
    gate_init(&g, &b, NULL, NULL);
    assert_int_equal(gate_budget_take(&g, T0 + 100, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 900, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 1500, &at), 0);
    assert_int_equal(g.nsends, 2);
    assert_int_equal(gate_budget_take(&g, T0 + 2000, &at), -1);
    assert_true(at == T0 + 900 + 86400000LL);
    /* At that time the bucket of two leaves: two sends have room. */
    assert_int_equal(gate_budget_take(&g, at - 1, &at), -1);
    assert_int_equal(gate_budget_take(&g, T0 + 900 + 86400000LL, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 900 + 86400000LL, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 901 + 86400000LL, &at), -1);
    assert_true(at == T0 + 1500 + 86400000LL);
    gate_free(&g);
    buyer_free(&b);

    /* 100,000 sends in ten seconds: ten buckets. */
    load_buyer(&b, ",\"web_to_lead\":{\"daily_budget\":1000000}");
    gate_init(&g, &b, NULL, NULL);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(gate_budget_take(&g, T0 + i / 10, &at), 0);
    assert_int_equal(g.nsends, 10);
    assert_int_equal(json_array_size(gate_sends_doc(&g, T0 + 10000)), 10);
    gate_free(&g);

    /* The format before buckets (bare times) still loads; junk is
     * skipped, and a huge count is capped. */
    doc = json_pack("[I,I,s,[I],[I,I],[I,i]]", T0, T0 + 5, "x", T0, T0 + 2000,
                    (json_int_t)INT64_MAX, T0 + 3000, -4);
    gate_init(&g, &b, NULL, doc);
    assert_int_equal(g.nsends, 2);
    assert_true(g.sent == 2 + (int64_t)INT32_MAX);
    gate_free(&g);
    buyer_free(&b);
}

/* A send whose post never went out is given back: into the bucket of its
 * second, not past it, and not once that second has left the window. */
static void
test_budget_refund(void **state)
{
    struct buyer b;
    struct gate g;
    int64_t at = 0;

    (void)state;
    load_buyer(&b, ",\"web_to_lead\":{\"daily_budget\":2}");
    gate_init(&g, &b, NULL, NULL);
    assert_int_equal(gate_budget_take(&g, T0 + 100, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 1100, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 1200, &at), -1);
    gate_budget_refund(&g, T0 + 100);
    assert_int_equal(g.sent, 1);
    /* Its bucket is empty: nothing more to give back there. */
    gate_budget_refund(&g, T0 + 150);
    assert_int_equal(g.sent, 1);
    assert_int_equal(json_array_size(gate_sends_doc(&g, T0 + 1200)), 1);
    assert_int_equal(gate_budget_take(&g, T0 + 1300, &at), 0);
    assert_int_equal(gate_budget_take(&g, T0 + 1400, &at), -1);
    /* A second with no bucket of its own gives nothing back. */
    gate_budget_refund(&g, T0 + 2500);
    assert_int_equal(g.sent, 2);
    gate_free(&g);
    buyer_free(&b);
}

static void
test_normalise(void **state)
{
    static const char *const cases[][2] = {
        {"  Ada@Example.COM ", "ada@example.com"},
        {"+1 (555) 010-0000", "15550100000"},
        {"555-12", "555-12"},
        {"", ""},
    };

    (void)state;
    for (size_t i = 0; i < 4; i++) {
        char *s = gate_normalise(cases[i][0]);

        assert_string_equal(s, cases[i][1]);
        free(s);
    }
}

static void
test_outcome_torn_and_resume(void **state)
{
    char path[] = "/tmp/test_outcomeXXXXXX";
    struct outcome_file o;
    struct sf_err err;
    json_t *done;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd != -1);
    /* A run killed mid-line left a torn tail. */
    assert_int_equal(write(fd,
                           "{\"lead_id\":\"a\",\"outcome\":\"delivered\","
                           "\"attempts\":1}\n{\"lead_id\":\"b\",\"out",
                           67),
                     67);
    close(fd);
    err_clear(&err);
    assert_int_equal(outcome_open(&o, path, &err), 0);
    assert_int_equal(outcome_write(&o, "c", "held", 0, NULL,
                                   json_pack("{s:s}", "reason", "budget")),
                     0);
    assert_int_equal(outcome_write(&o, "d", "delivery_failed", 4, NULL, NULL),
                     0);
    assert_int_equal(outcome_close(&o), 0);
    done = outcome_load_final(path, &err);
    assert_non_null(done);
    /* a and d are settled; b was torn; c is held and may go again. */
    assert_int_equal(json_object_size(done), 2);
    assert_string_equal(json_string_value(json_object_get(done, "a")),
                        "delivered");
    assert_non_null(json_object_get(done, "d"));
    json_decref(done);
    unlink(path);
    done = outcome_load_final(path, &err);
    assert_int_equal(json_object_size(done), 0);
    json_decref(done);
}

static void
test_oauth(void **state)
{
    struct buyer b;
    struct sf_err err;
    json_t *body, *doc;
    char *s;
    int64_t used = 0;

    (void)state;
    load_buyer(&b, ",\"auth\":{\"token_url\":\"http://h/t\",\"client_id\":"
                   "\"id&1\",\"client_secret\":\"s s\",\"refresh_token\":"
                   "\"r+/\"}");
    s = oauth_refresh_body(&b);
    assert_string_equal(s, "grant_type=refresh_token&refresh_token=r%2B%2F&"
                           "client_id=id%261&client_secret=s+s");
    free(s);
    body = json_pack("{s:s,s:s}", "access_token", "T", "issued_at", "1");
    err_clear(&err);
    s = oauth_parse_token(200, body, &err);
    assert_string_equal(s, "T");
    free(s);
    json_decref(body);
    body = json_pack("{s:s,s:s}", "error", "invalid_grant", "error_description",
                     "expired access/refresh token");
    assert_null(oauth_parse_token(400, body, &err));
    assert_string_equal(err.msg, "invalid_grant: expired access/refresh token");
    json_decref(body);
    doc = oauth_state_doc("T2", T0, "Bearer old");
    assert_string_equal(oauth_state_token(doc, "Bearer old", &used), "T2");
    assert_true(used == T0);
    /* A token edited into the config since wins over the cached one. */
    assert_null(oauth_state_token(doc, "Bearer newer", &used));
    json_decref(doc);
    buyer_free(&b);
}

/* A dry run sees duplicates within the file, but leaves nothing to save. */
static void
test_dedup_dry(void **state)
{
    const char *leads = "{\"id\":\"1\",\"email\":\"a@b.c\"}\n"
                        "{\"id\":\"2\",\"email\":\"A@B.C\"}\n";
    struct lead_set set;
    struct buyer b;
    struct gate g;
    char why[256];

    (void)state;
    load_buyer(&b, ",\"dedup\":{\"fields\":[\"email\"]}");
    lead_read_text(&set, leads, strlen(leads), LEAD_FMT_NDJSON, NULL, NULL);
    gate_init(&g, &b, NULL, NULL);
    assert_int_equal(gate_check(&g, &set.v[0], T0, 1, why, sizeof(why)),
                     GATE_PASS);
    assert_int_equal(gate_check(&g, &set.v[1], T0, 1, why, sizeof(why)),
                     GATE_DUPLICATE);
    assert_non_null(strstr(why, "duplicate of lead 1"));
    assert_int_equal(g.dirty_dedup, 0);
    gate_free(&g);
    buyer_free(&b);
    lead_set_free(&set);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filters_suppression),
        cmocka_unit_test(test_dedup_window),
        cmocka_unit_test(test_dedup_all_and_pause),
        cmocka_unit_test(test_dedup_dry),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_budget_prunes_many),
        cmocka_unit_test(test_budget_buckets),
        cmocka_unit_test(test_budget_refund),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_outcome_torn_and_resume),
        cmocka_unit_test(test_oauth),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
