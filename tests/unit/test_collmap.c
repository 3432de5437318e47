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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_element),
        cmocka_unit_test(test_outer_200_is_not_success),
        cmocka_unit_test(test_whole_call),
        cmocka_unit_test(test_request),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
