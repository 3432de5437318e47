/*
 * test_jquery.c - journal queries: the values a body carries (leadval),
 * an entry read back member by member (jentry), filters and their
 * distances (jquery).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "jentry.h"
#include "jquery.h"
#include "journal.h"
#include "leadval.h"

/* The values as "a|b|c" (static). */
static int
collect(const char *v, size_t len, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);

    snprintf(out + n, 256 - n, "%s%.*s", n ? "|" : "", (int)len, v);
    return 0;
}

static const char *
values(const char *body)
{
    static char out[256];

    out[0] = '\0';
    leadval_each(body, strlen(body), collect, out);
    return out;
}

static void
test_body_values(void **state)
{
    (void)state;
    assert_string_equal(values("first_name=Ada&email=ada%40x.test&empty="),
                        "Ada|ada@x.test");
    assert_string_equal(values("{\"Email\": \"a@x\", \"Age\": 36, \"ok\": "
                               "true, \"n\": [\"b\\u00e9\", -1.5e3]}"),
                        "a@x|36|b\xc3\xa9|-1.5e3");
    /* Cut short by the journal's body limit: what is there still counts. */
    assert_string_equal(values("  {\"Email\": \"a@x\", \"Name\": \"Ad"),
                        "a@x|Ad");
    assert_string_equal(values("{\"k\": \"\\ud83d\\ude00\\ud800x\"}"),
                        "\xf0\x9f\x98\x80\xef\xbf\xbdx");
    assert_true(leadval_equal("Ada@X.test", 10, "ada@x.TEST", 10));
    assert_false(leadval_equal("ada", 3, "adb", 3));
    assert_int_equal(leadval_hash("ADA", 3), leadval_hash("ada", 3));
}

/*
 * Values leadval_equal() calls equal share their hash, whatever their
 * length (the word-at-a-time and the tail paths) and wherever their case
 * differs; every ASCII byte that is no letter, and every byte above 0x7F,
 * is taken as it is.
 */
static void
test_leadval_hash_folds_case(void **state)
{
    char a[64], b[64];
    size_t len, i;
    int c;

    (void)state;
    for (len = 0; len <= 40; len++) {
        for (i = 0; i < len; i++)
            a[i] = (char)('a' + (i * 7 + len) % 26);
        memcpy(b, a, len);
        for (i = 0; i < len; i++) {
            b[i] = (char)toupper((unsigned char)a[i]);
            assert_true(leadval_equal(a, len, b, len));
            assert_int_equal(leadval_hash(a, len), leadval_hash(b, len));
        }
    }
    /* Each byte value at each place of a 9-byte value: equal under
     * leadval_equal() exactly when the hashes meet (here, no collision
     * among 256 values). */
    for (i = 0; i < 9; i++) {
        for (c = 0; c < 256; c++) {
            memcpy(a, "x@[`{z0Az", 9);
            memcpy(b, a, 9);
            a[i] = (char)c;
            b[i] = (char)tolower(c);
            assert_int_equal(leadval_hash(a, 9), leadval_hash(b, 9));
            b[i] = (char)(c ^ 0x20);
            assert_int_equal(leadval_equal(a, 9, b, 9),
                             leadval_hash(a, 9) == leadval_hash(b, 9));
        }
    }
}

static int
member(const char *key, size_t klen, const char *val, size_t vlen, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);

    snprintf(out + n, 512 - n, "%s%.*s=%.*s", n ? " " : "", (int)klen, key,
             (int)vlen, val);
    return 0;
}

static void
test_entry_members(void **state)
{
    const char *e = "{\"seq\":3,\"path\":\"/a,\\\"b\\\"\",\"info\":{\"x\":[1,"
                    "{\"y\":\"}\"}]},\"body\":\"email=a%40x\","
                    "\"record_id\":\"00QUE0000006sXn2AI\"}";
    char out[512] = "";
    char *s;

    (void)state;
    jentry_each(e, strlen(e), member, out);
    assert_string_equal(out, "seq=3 path=\"/a,\\\"b\\\"\" "
                             "info={\"x\":[1,{\"y\":\"}\"}]} "
                             "body=\"email=a%40x\" "
                             "record_id=\"00QUE0000006sXn2AI\"");
    s = jentry_string("\"/a,\\\"b\\\"\"", 11, NULL);
    assert_string_equal(s, "/a,\"b\"");
    free(s);
    out[0] = '\0';
    jentry_values(e, strlen(e), collect, out);
    assert_string_equal(out, "a@x|00QUE0000006sXn2AI|00QUE0000006sXn");
    /* Not an object, or cut anywhere: no crash, what is whole is read. */
    out[0] = '\0';
    jentry_each("[1]", 3, member, out);
    jentry_each("{\"a\":1,\"b\"", 10, member, out);
    jentry_each("{\"a\":\"x", 7, member, out);
    assert_string_equal(out, "a=1 a=\"x");
}

static void
test_filter_parsing(void **state)
{
    struct jquery q;
    struct sf_err err;
    json_t *v;

    (void)state;
    jquery_init(&q);
    err_clear(&err);
    assert_int_equal(jquery_set(&q, JQ_VERDICT, "created,nope", &err), -1);
    assert_string_equal(err.msg, "verdict: unknown verdict \"nope\"");
    err_clear(&err);
    assert_int_equal(jquery_set(&q, JQ_STATUS, "200,4xx", &err), 0);
    assert_int_equal(jquery_set(&q, JQ_STATUS, "201", &err), -1);
    assert_string_equal(err.msg, "status given twice");
    err_clear(&err);
    assert_int_equal(jquery_set(&q, JQ_METHOD, "", &err), -1);
    err_clear(&err);
    v = json_pack("[s, s]", "post", "Get");
    assert_int_equal(jquery_set_json(&q, JQ_METHOD, v, &err), 0);
    json_decref(v);
    assert_string_equal(q.methods[1], "GET");
    v = json_pack("[i]", 1);
    assert_int_equal(jquery_set_json(&q, JQ_LEAD, v, &err), -1);
    json_decref(v);
    assert_int_equal(jquery_criterion("lead"), JQ_LEAD);
    assert_int_equal(jquery_criterion("since"), -1);
    jquery_free(&q);
}

static void
test_match_and_distance(void **state)
{
    struct journal *j = journal_new(8, 4096, NULL, NULL);
    struct journal_entry e;
    struct journal_view v;
    struct jquery q;
    struct sf_err err;
    json_t *crit = json_array();
    double d;

    (void)state;
    memset(&e, 0, sizeof(e));
    e.method = "POST";
    e.path = "/servlet/servlet.WebToLead";
    e.status = 200;
    e.verdict = VERDICT_DROPPED_DAILY_LIMIT;
    e.body = "last_name=X&email=ada%40x.test";
    e.body_len = strlen(e.body);
    journal_add(j, &e);
    assert_int_equal(journal_view(j, 1, &v), 0);
    jquery_init(&q);
    err_clear(&err);
    assert_int_equal(jquery_set(&q, JQ_LEAD, "ADA@x.test", &err), 0);
    assert_int_equal(jquery_set(&q, JQ_PATH, "*WebToLead", &err), 0);
    assert_true(jquery_match(j, &v, &q));
    assert_int_equal(jquery_set(&q, JQ_VERDICT, "created", &err), 0);
    assert_false(jquery_match(j, &v, &q));
    d = jquery_distance(&q, j, &v, crit);
    assert_true(d > 0.33 && d < 0.34); /* verdict 1, path 0, lead 0 */
    assert_int_equal(json_array_size(crit), 3);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(crit, 0), "actual")),
        "dropped_daily_limit");
    jquery_free(&q);
    json_decref(crit);

    /* A prefix that is close: its distance is small, never 0. */
    crit = json_array();
    jquery_init(&q);
    assert_int_equal(
        jquery_set(&q, JQ_PATH, "/servlet/servlet.WebToCase", &err), 0);
    assert_int_equal(jquery_set(&q, JQ_STATUS, "201", &err), 0);
    d = jquery_distance(&q, j, &v, crit);
    assert_true(d > 0.25 && d < 0.35); /* path 4/26, status 0.5 */
    jquery_free(&q);
    json_decref(crit);
    journal_free(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leadval_hash_folds_case),
        cmocka_unit_test(test_body_values),
        cmocka_unit_test(test_entry_members),
        cmocka_unit_test(test_filter_parsing),
        cmocka_unit_test(test_match_and_distance),
    };

    return cmocka_run_group_tests_name("jquery", tests, NULL, NULL);
}
