/*
 * expect.h - whole-answer comparisons for the end-to-end tests.
 *
 * An answer is compared as parsed JSON with the whole expected text, so a
 * key too many or too few fails as surely as a wrong value; on a mismatch
 * both texts are printed. Failures end the cmocka test.
 */
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <jansson.h>

#include "httpc.h"

/* got (borrowed; NULL fails) equals the JSON text expected; raw is what
 * is printed as "got" on a mismatch. */
void expect_json(json_t *got, const char *expected, const char *raw);
/* got equals the JSON text made from fmt (got printed on a mismatch). */
void expect_jsonf(json_t *got, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* r's body equals expected; frees r. */
void expect_body(struct http_result *r, const char *expected);
void expect_bodyf(struct http_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * One REST call with a Bearer token: method path, a JSON body (or NULL)
 * and one optional extra header line ("Name: value"). Returns the status;
 * r holds the answer (caller frees, or expect_body()).
 */
long expect_rest(struct httpc *http, const char *token, const char *method,
                 const char *path, const char *body, const char *header,
                 struct http_result *r);

#endif
