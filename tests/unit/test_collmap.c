/*
 * test_collmap.c - sObject Collections calls and their answers mapped
 * back lead by lead (client/collmap.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "collmap.h"
#include "buyer.h"
#include "xmalloc.h"

static json_t *
parse(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);

    assert_non_null(j);
    return j;
}

/* Element i judged by itself: a success, a validation error (retried as
 * the single-record path retries it), a rollback, an element without an
 * error code. */
static void
test_per_element(void **state)
{
    json_t *body =
        parse("[{\"id\":\"00Q1\",\"success\":true,\"errors\":[]},"
              "{\"success\":false,\"errors\":[{\"statusCode\":"
              "\"FIELD_CUSTOM_VALIDATION_EXCEPTION\",\"message\":\"bad phone\","
              "\"fields\":[\"Phone\"]}]},"
              "{\"success\":false,\"errors\":[{\"statusCode\":"
              "\"ALL_OR_NONE_OPERATION_ROLLED_BACK\",\"message\":\"m\"}]},"
              "{\"success\":false,\"errors\":[]}]");
    struct collmap_verdict v[4];

    (void)state;
    assert_int_equal(collmap_map(CURLE_OK, 200, body, 4, v), 1);
    assert_int_equal(v[0].verdict, CLASSIFY_DONE);
    assert_ptr_equal(v[0].elem, json_array_get(body, 0));
    assert_int_equal(v[1].verdict, CLASSIFY_RETRY);
    assert_string_equal(v[1].reason, "validation");
    assert_string_equal(v[1].error,
                        "FIELD_CUSTOM_VALIDATION_EXCEPTION: bad phone");
    assert_int_equal(v[2].verdict, CLASSIFY_RETRY);
    assert_string_equal(v[2].reason, "rolled_back");
    assert_int_equal(v[3].verdict, CLASSIFY_RETRY);
    assert_string_equal(v[3].error, "UNKNOWN: ");
    json_decref(body);
}

/* A 200 that is not one element per record proves nothing: every lead
 * rejected (bad_answer), none delivered. */
static void
test_outer_200_is_not_success(void **state)
{
    json_t *body = parse("[{\"id\":\"00Q1\",\"success\":true,\"errors\":[]}]");
    json_t *obj = parse("{\"success\":true}");
    struct collmap_verdict v[2];

    (void)state;
    assert_int_equal(collmap_map(CURLE_OK, 200, body, 2, v), 0);
    assert_int_equal(v[0].verdict, CLASSIFY_REJECTED);
    assert_int_equal(v[1].verdict, CLASSIFY_REJECTED);
    assert_string_equal(v[1].reason, "bad_answer");
    assert_null(v[0].elem);
    assert_int_equal(collmap_map(CURLE_OK, 200, obj, 2, v), 0);
    assert_int_equal(v[0].verdict, CLASSIFY_REJECTED);
    assert_int_equal(collmap_map(CURLE_OK, 200, NULL, 1, v), 0);
    assert_int_equal(v[0].verdict, CLASSIFY_REJECTED);
    json_decref(body);
    json_decref(obj);
}

/* The call as a whole: no answer and 5xx retried, a 401 session error
 * re-authenticates, a 400 request error applies to every lead. */
static void
test_whole_call(void **state)
{
    json_t *sess = parse("[{\"message\":\"Session expired or invalid\","
                         "\"errorCode\":\"INVALID_SESSION_ID\"}]");
    json_t *lim = parse("[{\"message\":\"record limit reached\","
                        "\"errorCode\":\"EXCEEDED_ID_LIMIT\"}]");
    struct collmap_verdict v[3];

    (void)state;
    assert_int_equal(collmap_map(CURLE_RECV_ERROR, 0, NULL, 3, v), 0);
    assert_int_equal(v[2].verdict, CLASSIFY_RETRY);
    assert_string_equal(v[2].reason, "recv");
    assert_int_equal(collmap_map(CURLE_OK, 503, NULL, 3, v), 0);
    assert_int_equal(v[0].verdict, CLASSIFY_RETRY);
    assert_string_equal(v[0].error, "HTTP 503");
    assert_int_equal(collmap_map(CURLE_OK, 401, sess, 3, v), 0);
    assert_int_equal(v[1].verdict, CLASSIFY_REAUTH);
    assert_int_equal(collmap_map(CURLE_OK, 400, lim, 3, v), 0);
    assert_int_equal(v[0].verdict, CLASSIFY_RETRY);
    assert_string_equal(v[0].reason, "validation");
    json_decref(sess);
    json_decref(lim);
}

/* The request: create by POST, upsert by PATCH on /{object}/{field}, the
 * records typed and allOrNone false unless the buyer asks. */
static void
test_request(void **state)
{
    static char url[] =
        "https://x.test/services/data/v62.0/composite/sobjects/";
    static char object[] = "Lead", extid[] = "source_lead_id__c";
    struct buyer b = {0};
    json_t *recs[2], *doc;
    const char *method;
    char *u, *body;
    size_t len;

    (void)state;
    b.url = url;
    b.object = object;
    u = collmap_url(&b, &method);
    assert_string_equal(method, "POST");
    assert_string_equal(
        u, "https://x.test/services/data/v62.0/composite/sobjects");
    free(u);
    b.external_id_field = extid;
    u = collmap_url(&b, &method);
    assert_string_equal(method, "PATCH");
    assert_string_equal(u, "https://x.test/services/data/v62.0/composite/"
                           "sobjects/Lead/source_lead_id__c");
    free(u);
    recs[0] = parse("{\"LastName\":\"A\",\"source_lead_id__c\":\"a\"}");
    recs[1] = parse("{\"LastName\":\"B\",\"source_lead_id__c\":\"b\"}");
    body = collmap_body(&b, recs, 2, &len);
    assert_int_equal(len, strlen(body));
    doc = parse(body);
    assert_true(json_is_false(json_object_get(doc, "allOrNone")));
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(doc, "records"), 1),
                            "attributes"),
            "type")),
        "Lead");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(doc, "records"), 1), "LastName")),
        "B");
    json_decref(doc);
    free(body);
    /* delivery.all_or_none: the call asks for allOrNone. */
    b.all_or_none = 1;
    body = collmap_body(&b, recs, 2, &len);
    doc = parse(body);
    assert_true(json_is_true(json_object_get(doc, "allOrNone")));
    json_decref(doc);
    free(body);
    json_decref(recs[0]);
    json_decref(recs[1]);
}

/* The body as jansson writes it, as collmap_body() wrote it before it
 * wrote the text itself. */
static char *
jansson_body(const struct buyer *b, json_t *const *recs, size_t n)
{
    json_t *doc = json_object(), *arr = json_array();
    char *text;

    json_object_set_new(doc, "allOrNone", json_boolean(b->all_or_none));
    for (size_t i = 0; i < n; i++) {
        json_t *rec = json_pack("{s:{s:s}}", "attributes", "type", b->object);

        json_object_update(rec, recs[i]);
        json_array_append_new(arr, rec);
    }
    json_object_set_new(doc, "records", arr);
    text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

/* The body, byte for byte what jansson wrote: escapes, non-ASCII, numbers,
 * nested values, a record's own "attributes" (kept first), no records. */
static void
test_body_bytes(void **state)
{
    static const char *const docs[] = {
        "{\"LastName\":\"O'Brien \\\"Jr\\\" \\\\ \\/ \\u0001\\t\\u001f\"}",
        "{\"Company\":\"Caf\xc3\xa9 \xe2\x82\xac \\ud83d\\ude00\",\"N\":-42}",
        "{\"X\":1.5,\"Y\":[true,false,null,{}],\"Z\":{\"a\":[]}}",
        "{\"A\":\"\",\"attributes\":{\"type\":\"Contact\"},\"B\":\"b\"}",
        "{}",
    };
    char lead[] = "Lead";
    struct buyer b = {.object = lead};
    json_t *recs[5];
    size_t len, n = sizeof(docs) / sizeof(docs[0]);

    (void)state;
    for (size_t i = 0; i < n; i++)
        recs[i] = parse(docs[i]);
    for (int aon = 0; aon < 2; aon++) {
        for (size_t k = 0; k <= n; k++) {
            char *got, *want;

            b.all_or_none = aon;
            got = collmap_body(&b, recs, k, &len);
            want = jansson_body(&b, recs, k);
            assert_string_equal(got, want);
            assert_int_equal(len, strlen(want));
            free(got);
            free(want);
        }
    }
    for (size_t i = 0; i < n; i++)
        json_decref(recs[i]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_element),
        cmocka_unit_test(test_outer_200_is_not_success),
        cmocka_unit_test(test_whole_call),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_body_bytes),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
