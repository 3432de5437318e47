/*
 * test_classify.c - the retry table, backoff schedule and Retry-After.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "classify.h"
#include "xmalloc.h"

struct row {
    int curlcode;
    long status;
    const char *body;
    enum classify_verdict verdict;
    const char *reason;
};

static const struct row rows[] = {
    {CURLE_OK, 200, "<html>ok</html>", CLASSIFY_DONE, "ok"},
    {CURLE_OK, 201, "{\"id\":\"00Q\",\"success\":true,\"errors\":[]}",
     CLASSIFY_DONE, "ok"},
    {CURLE_OK, 204, NULL, CLASSIFY_DONE, "ok"},
    {CURLE_OK, 200, "{\"success\":false}", CLASSIFY_RETRY, "validation"},
    {CURLE_OK, 200, "[{\"isSuccess\":false,\"errors\":[{}]}]", CLASSIFY_RETRY,
     "validation"},
    {CURLE_OK, 200, "[{\"isSuccess\":true}]", CLASSIFY_DONE, "ok"},
    {CURLE_OK, 400,
     "[{\"message\":\"m\",\"errorCode\":\"FIELD_CUSTOM_VALIDATION_"
     "EXCEPTION\"}]",
     CLASSIFY_RETRY, "validation"},
    {CURLE_OK, 401,
     "[{\"message\":\"Session expired or invalid\",\"errorCode\":"
     "\"INVALID_SESSION_ID\"}]",
     CLASSIFY_REAUTH, "session_expired"},
    {CURLE_OK, 401, "{\"errorCode\":\"INVALID_SESSION_ID\"}", CLASSIFY_REAUTH,
     "session_expired"},
    {CURLE_OK, 401, "[{\"errorCode\":\"OTHER\"}]", CLASSIFY_RETRY,
     "validation"},
    {CURLE_OK, 404, NULL, CLASSIFY_RETRY, "validation"},
    {CURLE_OK, 408, NULL, CLASSIFY_RETRY, "http_408"},
    {CURLE_OK, 429, NULL, CLASSIFY_RETRY, "http_429"},
    {CURLE_OK, 500, NULL, CLASSIFY_RETRY, "http_5xx"},
    {CURLE_OK, 503, "[{\"errorCode\":\"SERVER_UNAVAILABLE\"}]", CLASSIFY_RETRY,
     "http_5xx"},
    {CURLE_OK, 302, NULL, CLASSIFY_REJECTED, "redirect"},
    {CURLE_OK, 100, NULL, CLASSIFY_REJECTED, "bad_status"},
    {CURLE_OPERATION_TIMEDOUT, 0, NULL, CLASSIFY_RETRY, "timeout"},
    {CURLE_COULDNT_CONNECT, 0, NULL, CLASSIFY_RETRY, "connect"},
    {CURLE_GOT_NOTHING, 0, NULL, CLASSIFY_RETRY, "empty_reply"},
    {CURLE_RECV_ERROR, 0, NULL, CLASSIFY_RETRY, "recv"},
    {CURLE_URL_MALFORMAT, 0, NULL, CLASSIFY_REJECTED, "transport"},
    {CURLE_WRITE_ERROR, 201, NULL, CLASSIFY_DONE, "ok"},
    {CURLE_WRITE_ERROR, 0, NULL, CLASSIFY_REJECTED, "transport"},
};

static void
test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *body = NULL;
        struct classify_result r;

        if (rows[i].body != NULL)
            body = json_loads(rows[i].body, 0, NULL);
        r = classify(rows[i].curlcode, rows[i].status, body);
        if (r.verdict != rows[i].verdict ||
            strcmp(r.reason, rows[i].reason) != 0)
            fail_msg("row %zu: got %s/%s", i, classify_verdict_str(r.verdict),
                     r.reason);
        json_decref(body);
    }
    assert_string_equal(classify_verdict_str(CLASSIFY_REAUTH), "reauth");
}

static void
test_backoff(void **state)
{
    struct buyer_retry r = {.max_retries = 3,
                            .backoff_ms = 100,
                            .backoff_max_ms = 1000,
                            .retry_after_max_ms = 5000,
                            .jitter = 0};

    (void)state;
    assert_int_equal(classify_backoff_ms(&r, 1, -1, 0), 100);
    assert_int_equal(classify_backoff_ms(&r, 2, -1, 0), 200);
    assert_int_equal(classify_backoff_ms(&r, 3, -1, 0), 400);
    assert_int_equal(classify_backoff_ms(&r, 5, -1, 0), 1000);
    assert_int_equal(classify_backoff_ms(&r, 60, -1, 0), 1000);
    /* Retry-After is a floor, capped. */
    assert_int_equal(classify_backoff_ms(&r, 1, 3000, 0), 3000);
    assert_int_equal(classify_backoff_ms(&r, 1, 9000, 0), 5000);
    assert_int_equal(classify_backoff_ms(&r, 3, 10, 0), 400);
    r.jitter = 1;
    for (uint64_t x = 0; x < 1000; x += 7) {
        int64_t d = classify_backoff_ms(&r, 3, -1, x * 2654435761u);

        assert_true(d >= 200 && d <= 400);
    }
    assert_int_equal(classify_backoff_ms(&r, 3, -1, 0), 200);
    r.backoff_ms = 0;
    assert_int_equal(classify_backoff_ms(&r, 2, -1, 12345), 0);
}

static void
test_retry_after(void **state)
{
    /* 2015-10-21T07:28:00Z */
    int64_t now = 1445412480000LL;

    (void)state;
    assert_int_equal(classify_retry_after("120", now), 120000);
    assert_int_equal(classify_retry_after(" 0", now), 0);
    assert_int_equal(classify_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
                     30000);
    assert_int_equal(classify_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
                     0);
    assert_int_equal(classify_retry_after("soon", now), -1);
    assert_int_equal(classify_retry_after("-5", now), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_retry_after),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
