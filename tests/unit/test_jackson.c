/*
 * test_jackson.c - the layout of Jackson's pretty printer, which the Bulk
 * API answers in: object members one a line with " : ", arrays in line,
 * empty containers, reals as Java prints them, indent by object depth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "jackson.h"

static void
expect(const char *json, const char *want)
{
    json_t *j = json_loads(json, JSON_DECODE_ANY, NULL);
    struct buf out;

    assert_non_null(j);
    buf_init(&out, 1 << 16);
    assert_int_equal(jackson_dump(j, &out), 0);
    assert_string_equal(out.data, want);
    buf_free(&out);
    json_decref(j);
}

static void
test_job_info_layout(void **state)
{
    (void)state;
    /* facts 3.1: the shape of a real create answer. */
    expect("{\"id\":\"750\",\"apiVersion\":60.0,\"n\":8,\"ok\":true,"
           "\"none\":null}",
           "{\n  \"id\" : \"750\",\n  \"apiVersion\" : 60.0,\n  \"n\" : 8,"
           "\n  \"ok\" : true,\n  \"none\" : null\n}");
}

static void
test_error_array_and_nesting(void **state)
{
    (void)state;
    /* facts 3.2: a real error answer. */
    expect("[{\"errorCode\":\"INVALIDJOB\",\"message\":\"m\"}]",
           "[ {\n  \"errorCode\" : \"INVALIDJOB\",\n  \"message\" : \"m\"\n"
           "} ]");
    expect("{\"done\":true,\"records\":[{\"a\":1},{\"b\":\"x\\\"y\"}],"
           "\"nextRecordsUrl\":null}",
           "{\n  \"done\" : true,\n  \"records\" : [ {\n    \"a\" : 1\n"
           "  }, {\n    \"b\" : \"x\\\"y\"\n  } ],\n"
           "  \"nextRecordsUrl\" : null\n}");
}

static void
test_empty_and_scalars(void **state)
{
    (void)state;
    expect("{}", "{ }");
    expect("[]", "[ ]");
    expect("{\"r\":[]}", "{\n  \"r\" : [ ]\n}");
    expect("[1,2.5,\"s\"]", "[ 1, 2.5, \"s\" ]");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_job_info_layout),
        cmocka_unit_test(test_error_array_and_nesting),
        cmocka_unit_test(test_empty_and_scalars),
    };

    return cmocka_run_group_tests_name("unit_jackson", tests, NULL, NULL);
}
