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

int
resttest_setup(void **state, const char *fixture)
{
    struct resttest *t = calloc(1, sizeof(*t));
    const char *args[] = {"--org", NULL, NULL};

    if (t == NULL)
        return -1;
    if (fixture != NULL)
        args[1] = simtest_fixture(fixture);
    simtest_start(&t->sim, fixture != NULL ? args : NULL);
    t->token = simtest_token(&t->sim);
    *state = t;
    return t->token != NULL ? 0 : -1;
}

int
resttest_teardown(void **state)
{
    struct resttest *t = *state;
    int st = simtest_stop(&t->sim);

    free(t->token);
    free(t);
    *state = NULL;
    if (st != 0)
        fprintf(stderr, "resttest: sfsim exited with status %d\n", st);
    return st == 0 ? 0 : -1;
}

json_t *
resttest_call(struct resttest *t, const char *method, const char *path,
              const char *body, const char *header, long *status)
{
    struct http_result r;
    json_t *j;

    *status =
        expect_rest(t->sim.http, t->token, method, path, body, header, &r);
    j = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
    if (j == NULL)
        fail_msg("%s %s: not JSON: %s", method, path, r.body);
    http_result_free(&r);
    return j;
}

void
resttest_expect(struct resttest *t, const char *method, const char *path,
                const char *body, long status, const char *fmt, ...)
{
    struct http_result r;
    char buf[65536];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    assert_int_equal(
        expect_rest(t->sim.http, t->token, method, path, body, NULL, &r),
        status);
    expect_body(&r, buf);
}

unsigned long long
resttest_last_seq(struct resttest *t)
{
    json_t *all = simtest_journal(&t->sim, 0);
    unsigned long long seq = json_integer_value(
        json_object_get(json_array_get(all, json_array_size(all) - 1), "seq"));

    json_decref(all);
    return seq;
}
