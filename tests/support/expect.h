/*
 * expect.h - whole-answer comparisons and REST calls for the end-to-end
 * tests.
 *
 * An answer is compared as parsed JSON with the whole expected text, so a
 * key too many or too few fails as surely as a wrong value; on a mismatch
 * both texts are printed. struct resttest is a running sim with a session
 * token, as cmocka fixtures. Failures end the cmocka test.
 */
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <jansson.h>

#include "httpc.h"
#include "simtest.h"

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

/* A sim started for one test, with a session for its first user. */
struct resttest {
    struct simtest sim;
    char *token; /* owned */
};

/* cmocka setup: *state becomes a started struct resttest on fixtures/
 * fixture (NULL: the default org); the teardown stops it and fails
 * unless the sim exited cleanly. */
int resttest_setup(void **state, const char *fixture);
int resttest_teardown(void **state);
/* One call: the answer parsed (new reference; a body that is not JSON
 * fails the test), its status in *status. */
json_t *resttest_call(struct resttest *t, const char *method, const char *path,
                      const char *body, const char *header, long *status);
/* A call expected to answer status with the whole body made from fmt. */
void resttest_expect(struct resttest *t, const char *method, const char *path,
                     const char *body, long status, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* The seq of the journal's newest entry (0 when empty). */
unsigned long long resttest_last_seq(struct resttest *t);

#endif
