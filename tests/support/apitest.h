/*
 * apitest.h - whole-answer assertions whose expected text is made with
 * printf (ids known only at run time), on top of jsontest.h and
 * simtest.h: a JSON value, or a REST call's status and whole answer.
 * Failures name the caller's line. Include after <cmocka.h>.
 */
#ifndef TESTS_APITEST_H
#define TESTS_APITEST_H

#include <jansson.h>

#include "simtest.h"

/* assert_json_equal() with the expected text made from a format. */
#define assert_json_equalf(got, ...)                                           \
    apitest_equalf((got), __FILE__, __LINE__, __VA_ARGS__)
/*
 * A call with the session (simtest_api_json(): a JSON body or NULL) that
 * must answer status with the whole JSON body made from the format.
 */
#define assert_api(t, method, path, body, status, ...)                         \
    apitest_api((t), (method), (path), (body), (status), __FILE__, __LINE__,   \
                __VA_ARGS__)

void apitest_equalf(const json_t *got, const char *file, int line,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void apitest_api(struct simtest *t, const char *method, const char *path,
                 const char *body, long status, const char *file, int line,
                 const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* The seq of the journal's newest entry (0 when it is empty). */
unsigned long long apitest_last_seq(struct simtest *t);

#endif
