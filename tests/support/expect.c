/*
 * expect.c - whole-answer comparisons (see expect.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "expect.h"

void
expect_json(json_t *got, const char *expected, const char *raw)
{
    json_t *want = json_loads(expected, JSON_DECODE_ANY, NULL);

    if (want == NULL)
        fail_msg("expected text is not JSON: %s", expected);
    if (got == NULL || !json_equal(got, want)) {
        fprintf(stderr, "expected: %s\n     got: %s\n", expected,
                raw != NULL ? raw : "(nothing)");
        json_decref(want);
        fail();
    }
    json_decref(want);
}

void
expect_jsonf(json_t *got, const char *fmt, ...)
{
    char buf[65536];
    char *raw =
        got != NULL ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    expect_json(got, buf, raw);
    free(raw);
}

void
expect_body(struct http_result *r, const char *expected)
{
    json_t *got = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL);

    expect_json(got, expected, r->body);
    json_decref(got);
    http_result_free(r);
}

void
expect_bodyf(struct http_result *r, const char *fmt, ...)
{
    char buf[65536];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    expect_body(r, buf);
}

long
expect_rest(struct httpc *http, const char *token, const char *method,
            const char *path, const char *body, const char *header,
            struct http_result *r)
{
    char auth[512];
    const char *headers[] = {auth, header, NULL};

    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    assert_int_equal(httpc_request(http, method, path,
                                   body != NULL ? "application/json" : NULL,
                                   body, body != NULL ? strlen(body) : 0,
                                   headers, r),
                     0);
    return r->status;
}
