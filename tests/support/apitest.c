/*
 * apitest.c - formatted whole-answer assertions (see apitest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "apitest.h"
#include "jsontest.h"

#define APITEST_WANT_MAX 65536

void
apitest_equalf(const json_t *got, const char *file, int line, const char *fmt,
               ...)
{
    char want[APITEST_WANT_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    jsontest_equal(got, want, NULL, file, line);
}

void
apitest_api(struct simtest *t, const char *method, const char *path,
            const char *body, long status, const char *file, int line,
            const char *fmt, ...)
{
    char want[APITEST_WANT_MAX];
    struct http_result r;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    simtest_api(t, method, path, body != NULL ? "application/json" : NULL, body,
                NULL, &r);
    if (r.status != status)
        fail_msg("%s:%d: %s %s: status %ld, want %ld: %s", file, line, method,
                 path, r.status, status, r.body);
    jsontest_body(&r, want, file, line);
    http_result_free(&r);
}

unsigned long long
apitest_last_seq(struct simtest *t)
{
    json_t *e = simtest_journal_last(t, NULL);
    unsigned long long seq = json_integer_value(json_object_get(e, "seq"));

    json_decref(e);
    return seq;
}
