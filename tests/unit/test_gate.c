/*
 * test_gate.c - filters, suppression, dedup windows, pause, and the
 * token's state document.
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
    gate_init(&g, &b, NULL);
    assert_int_equal(check(&g, &set, 0, T0), GATE_PASS);
    assert_int_equal(check(&g, &set, 1, T0), GATE_REJECTED);
    assert_int_equal(check(&g, &set, 2, T0), GATE_REJECTED);
    assert_int_equal(check(&g, &set, 3, T0), GATE_REJECTED);
    assert_int_equal(check(&g, &set, 4, T0), GATE_SUPPRESSED);
    assert_int_equal(check(&g, &set, 5, T0), GATE_SUPPRESSED);
    assert_string_equal(gate_verdict_str(GATE_SUPPRESSED), "suppressed");
    assert_string_equal(gate_verdict_str(GATE_PASS), "pass");
    assert_int_equal(gate_outcome(GATE_REJECTED), OUTCOME_REJECTED);
    assert_int_equal(gate_outcome(GATE_DUPLICATE), OUTCOME_DUPLICATE);
    assert_int_equal(gate_outcome(GATE_SUPPRESSED), OUTCOME_SUPPRESSED);
    assert_int_equal(gate_outcome(GATE_HELD), OUTCOME_HELD);
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
    gate_init(&g, &b, NULL);
    assert_int_equal(check(&g, &set, 0, T0), GATE_PASS);
    assert_int_equal(check(&g, &set, 1, T0 + 1000), GATE_DUPLICATE);
    /* The same lead again (a resumed run) is not its own duplicate. */
    assert_int_equal(check(&g, &set, 0, T0 + 2000), GATE_PASS);
    assert_int_equal(check(&g, &set, 2, T0), GATE_PASS);
    /* History survives a save/load round trip (another run). */
    doc = json_deep_copy(gate_dedup_doc(&g, T0));
    gate_free(&g);
    gate_init(&g, &b, doc);
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
    gate_init(&g, &b, NULL);
    assert_int_equal(check(&g, &set, 0, T0), GATE_HELD);
    assert_int_equal(check(&g, &set, 1, T0), GATE_HELD);
    assert_int_equal(check(&g, &set, 2, T0), GATE_DUPLICATE);
    gate_free(&g);
    buyer_free(&b);
    lead_set_free(&set);
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

/* A lead remembered (final in an earlier, killed run) holds its keys as
 * if it had passed dedup here, but takes none another lead holds. */
static void
test_dedup_remember(void **state)
{
    const char *leads = "{\"id\":\"1\",\"email\":\"a@b.c\"}\n"
                        "{\"id\":\"2\",\"email\":\"A@B.C\"}\n"
                        "{\"id\":\"3\",\"email\":\"a@b.c\"}\n";
    struct lead_set set;
    struct buyer b;
    struct gate g;

    (void)state;
    load_buyer(&b, ",\"dedup\":{\"fields\":[\"email\"]}");
    lead_read_text(&set, leads, strlen(leads), LEAD_FMT_NDJSON, NULL, NULL);
    gate_init(&g, &b, NULL);
    gate_remember(&g, &set.v[0], T0);
    assert_true(g.dirty_dedup);
    gate_remember(&g, &set.v[2], T0 + 1);
    assert_int_equal(check(&g, &set, 1, T0 + 2), GATE_DUPLICATE);
    assert_int_equal(check(&g, &set, 0, T0 + 3), GATE_PASS);
    gate_free(&g);
    buyer_free(&b);
    lead_set_free(&set);
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
    gate_init(&g, &b, NULL);
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
        cmocka_unit_test(test_dedup_remember),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_oauth),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
