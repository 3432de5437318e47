/*
 * jsontest.h - whole-JSON assertions for the tests, with a readable diff.
 *
 * An answer is compared whole, as parsed JSON (key order and spacing do
 * not count), against the JSON text the test expects. On a mismatch the
 * test fails at the caller's line, after printing every place where the
 * two differ by its path ($.records[0].Name: want "A", got "B"), then
 * both documents. Include after <cmocka.h>.
 */
#ifndef TESTS_JSONTEST_H
#define TESTS_JSONTEST_H

#include <jansson.h>

#include "httpc.h"

/*
 * Fails the test unless got (borrowed; NULL: "not JSON") equals the JSON
 * text want (any JSON value; a want that does not parse fails the test
 * too).
 */
#define assert_json_equal(got, want)                                           \
    jsontest_equal((got), (want), NULL, __FILE__, __LINE__)
/*
 * The same for an HTTP answer's body, parsed; a body that is not JSON is
 * printed as it came. r stays the caller's to free.
 */
#define assert_json_body(r, want) jsontest_body((r), (want), __FILE__, __LINE__)

/* What the macros call: raw (may be NULL) is shown when got is NULL. */
void jsontest_equal(const json_t *got, const char *want, const char *raw,
                    const char *file, int line);
void jsontest_body(const struct http_result *r, const char *want,
                   const char *file, int line);

/*
 * The differences between want and got (both borrowed, either may be
 * NULL), one "  $.path: ..." line each, at most max lines (then a line
 * saying how many more); "" when they are equal. Caller frees.
 */
char *jsontest_diff(const json_t *want, const json_t *got, size_t max);

/*
 * The element of array (borrowed) whose string member key equals value
 * (borrowed from array): a describe answer's field by its name is
 * jsontest_find(json_object_get(d, "fields"), "name", "Email"). Fails the
 * test when there is none.
 */
json_t *jsontest_find(const json_t *array, const char *key, const char *value);

#endif
