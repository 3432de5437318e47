/*
 * test_jsontest.c - the test harness's whole-JSON diff and the buyer
 * patches (tests/support): what a failing end-to-end test prints must
 * point at the difference, and a patch must do what RFC 7396 says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clienttest.h"
#include "jsontest.h"

static char *
diff_of(const char *want, const char *got, size_t max)
{
    json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
    json_t *g = got != NULL ? json_loads(got, JSON_DECODE_ANY, NULL) : NULL;
    char *d = jsontest_diff(w, g, max);

    json_decref(w);
    json_decref(g);
    return d;
}

static void
test_equal_documents_have_no_diff(void **state)
{
    char *d = diff_of("{\"a\":[1,{\"b\":null}],\"c\":\"x\"}",
                      "{\"c\":\"x\",\"a\":[1,{\"b\":null}]}", 20);
    json_t *j = json_loads("[1, 2]", 0, NULL);

    (void)state;
    assert_string_equal(d, "");
    free(d);
    assert_json_equal(j, "[1,2]");
    json_decref(j);
}

static void
test_diff_names_each_place(void **state)
{
    char *d = diff_of("{\"records\":[{\"Name\":\"A\",\"Id\":\"1\"}],"
                      "\"done\":true,\"size\":2}",
                      "{\"records\":[{\"Name\":\"B\",\"Id\":\"1\"},3],"
                      "\"done\":true,\"extra\":{}}",
                      20);

    (void)state;
    assert_string_equal(d, "  $.records[0].Name: want \"A\", got \"B\"\n"
                           "  $.records[1]: unexpected, got 3\n"
                           "  $.size: missing, want 2\n"
                           "  $.extra: unexpected, got {}\n");
    free(d);
}

static void
test_diff_of_other_shapes_and_cap(void **state)
{
    char *d = diff_of("[1,2,3]", "{\"a\":1}", 20);

    (void)state;
    assert_string_equal(d, "  $: want [1,2,3], got {\"a\":1}\n");
    free(d);
    d = diff_of("[1,2,3]", NULL, 20);
    assert_string_equal(d, "  $: want [1,2,3]\n");
    free(d);
    d = diff_of("[1,2,3,4]", "[5,6,7,8]", 2);
    assert_string_equal(d, "  $[0]: want 1, got 5\n"
                           "  $[1]: want 2, got 6\n"
                           "  (and 2 more differences)\n");
    free(d);
}

static void
test_patch_is_a_merge_patch(void **state)
{
    json_t *b = json_loads("{\"delivery\":{\"url\":\"u\",\"headers\":"
                           "{\"A\":\"1\"}},\"retry\":{\"jitter\":true}}",
                           0, NULL);

    (void)state;
    clienttest_patch(
        b,
        "{\"delivery\":{\"url\":\"v%d\",\"headers\":{\"B\":\"2\"}},"
        "\"retry\":null,\"dedup\":{\"fields\":[\"email\"]}}",
        7);
    assert_json_equal(b, "{\"delivery\":{\"url\":\"v7\",\"headers\":"
                         "{\"A\":\"1\",\"B\":\"2\"}},"
                         "\"dedup\":{\"fields\":[\"email\"]}}");
    json_decref(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_documents_have_no_diff),
        cmocka_unit_test(test_diff_names_each_place),
        cmocka_unit_test(test_diff_of_other_shapes_and_cap),
        cmocka_unit_test(test_patch_is_a_merge_patch),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
