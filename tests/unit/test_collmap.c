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
#include "buf.h"
#include "buyer.h"
#include "jwrite.h"
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
    const char *const recs[] = {
        "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"A\"}",
        "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"B\"}",
    };
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
    /* The records are payload_record_text()s, joined as they are. */
    body = collmap_body(&b, recs, 2, &len);
    assert_string_equal(body, "{\"allOrNone\":false,\"records\":["
                              "{\"attributes\":{\"type\":\"Lead\"},"
                              "\"LastName\":\"A\"},{\"attributes\":{\"type\":"
                              "\"Lead\"},\"LastName\":\"B\"}]}");
    assert_int_equal(len, strlen(body));
    free(body);
    /* delivery.all_or_none: the call asks for allOrNone. */
    b.all_or_none = 1;
    body = collmap_body(&b, recs, 0, &len);
    assert_string_equal(body, "{\"allOrNone\":true,\"records\":[]}");
    assert_int_equal(len, strlen(body));
    free(body);
}

/*
 * collmap_map_text() of text as an answer of n records, checked against
 * what the parsed answer gives: when it takes the answer (want 1), every
 * lead is done, as collmap_map() says, and each element's text is what
 * jwrite_value() writes of the element jansson reads; when it does not
 * (want 0), collmap_map() is left to decide.
 */
static void
check_text(const char *text, size_t n, int want)
{
    struct collmap_verdict v[8], w[8];
    json_t *body = json_loads(text, 0, NULL);
    struct buf b;

    assert_true(n <= 8);
    assert_int_equal(collmap_map_text(CURLE_OK, 200, text, strlen(text), n, v),
                     want);
    if (!want) {
        json_decref(body);
        return;
    }
    assert_int_equal(collmap_map(CURLE_OK, 200, body, n, w), 1);
    buf_init(&b, 1 << 20);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].verdict, CLASSIFY_DONE);
        assert_int_equal(w[i].verdict, CLASSIFY_DONE);
        assert_string_equal(v[i].reason, w[i].reason);
        assert_string_equal(v[i].error, "");
        assert_null(v[i].elem);
        buf_reset(&b);
        assert_int_equal(jwrite_value(&b, w[i].elem), 0);
        assert_int_equal(v[i].text_len, b.len);
        assert_memory_equal(v[i].text, b.data, b.len);
    }
    buf_free(&b);
    json_decref(body);
}

/* The common answer read off its text, and every answer it must leave to
 * jansson: a failed element, text jansson would write otherwise, a count
 * that does not match, what is not JSON. */
static void
test_map_text(void **state)
{
    struct collmap_verdict v[2];
    const char *ok2 = "[{\"id\":\"00Q1\",\"success\":true,\"errors\":[]},"
                      "{\"id\":\"00Q2\",\"success\":true,\"errors\":[]}]";

    (void)state;
    check_text(ok2, 2, 1);
    check_text(" [ {\"success\":true} ,\n{\"a\":[1,-2,0,{\"b\":null}],"
               "\"success\":true,\"c\":false} ]\n",
               2, 1);
    check_text("[{\"success\":true,\"s\":\"a/b~\\u007f\"}]", 1, 0);
    check_text("[{\"success\":true,\"s\":\"a/b~\x7f\"}]", 1, 1);
    /* Not every lead done. */
    check_text("[{\"success\":true},{\"success\":false,\"errors\":[]}]", 2, 0);
    check_text("[{\"success\":true},{\"id\":\"x\"}]", 2, 0);
    check_text("[{\"success\":\"true\"}]", 1, 0);
    check_text("[{\"x\":{\"success\":true}}]", 1, 0);
    check_text("[[{\"success\":true}]]", 1, 0);
    /* jansson would write the element otherwise. */
    check_text("[{\"success\": true}]", 1, 0);
    check_text("[{\"success\":true,\"s\":\"\\\"\"}]", 1, 0);
    check_text("[{\"success\":true,\"s\":\"\xc3\xa9\"}]", 1, 0);
    check_text("[{\"success\":true,\"n\":-0}]", 1, 0);
    check_text("[{\"success\":true,\"n\":007}]", 1, 0);
    check_text("[{\"success\":true,\"n\":1.5}]", 1, 0);
    check_text("[{\"success\":true,\"n\":1e3}]", 1, 0);
    check_text("[{\"success\":true,\"n\":1234567890123456789}]", 1, 0);
    check_text("[{\"success\":true,\"success\":true}]", 1, 0);
    check_text("[{\"success\":false,\"success\":true}]", 1, 0);
    check_text(
        "[{\"success\":true,\"d\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}]", 1,
        0);
    /* Not n elements, not JSON, not the whole text. */
    check_text(ok2, 1, 0);
    check_text("[{\"success\":true}]", 2, 0);
    check_text("[]", 1, 0);
    check_text("[{\"success\":true},]", 1, 0);
    check_text("[{\"success\":true}", 1, 0);
    check_text("[{\"success\":true}] x", 1, 0);
    check_text("[{\"success\":true,}]", 1, 0);
    check_text("[{\"success\":tru}]", 1, 0);
    check_text("{\"success\":true}", 1, 0);
    check_text("", 1, 0);
    /* Only for a call that succeeded. */
    assert_int_equal(collmap_map_text(CURLE_OK, 201, ok2, strlen(ok2), 2, v),
                     1);
    assert_int_equal(collmap_map_text(CURLE_OK, 400, ok2, strlen(ok2), 2, v),
                     0);
    assert_int_equal(
        collmap_map_text(CURLE_RECV_ERROR, 200, ok2, strlen(ok2), 2, v), 0);
    assert_int_equal(collmap_map_text(CURLE_OK, 200, NULL, 0, 2, v), 0);
    /* Text cut short of its end. */
    assert_int_equal(
        collmap_map_text(CURLE_OK, 200, ok2, strlen(ok2) - 1, 2, v), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_element),
        cmocka_unit_test(test_outer_200_is_not_success),
        cmocka_unit_test(test_whole_call),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_map_text),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
