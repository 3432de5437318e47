/*
 * test_timefmt.c - RFC 3339 / Salesforce timestamps and jsonpos paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jsonpos.h"
#include "timefmt.h"

static void
test_parse_and_format(void **state)
{
    char out[TIMEFMT_LEN];
    int64_t ms;

    (void)state;
    assert_int_equal(timefmt_parse("2026-01-05T09:00:00Z", &ms), 0);
    assert_int_equal(ms, 1767603600000LL);
    assert_string_equal(timefmt_rfc3339(ms, out), "2026-01-05T09:00:00.000Z");
    assert_string_equal(timefmt_salesforce(ms + 123, out),
                        "2026-01-05T09:00:00.123+0000");
    assert_int_equal(timefmt_parse("2026-01-05T10:30:00.5+01:30", &ms), 0);
    assert_int_equal(ms, 1767603600500LL);
    assert_int_equal(timefmt_parse("2026-01-05T09:00:00.000+0000", &ms), 0);
    assert_int_equal(ms, 1767603600000LL);
    assert_string_equal(timefmt_date(ms, out), "2026-01-05");
    assert_int_equal(timefmt_parse("1969-12-31T23:59:59Z", &ms), 0);
    assert_int_equal(ms, -1000);
    assert_string_equal(timefmt_rfc3339(-1, out), "1969-12-31T23:59:59.999Z");
}

static void
test_parse_rejects(void **state)
{
    int64_t ms;

    (void)state;
    assert_int_equal(timefmt_parse("2026-02-30T00:00:00Z", &ms), -1);
    assert_int_equal(timefmt_parse("2026-01-05 09:00:00Z", &ms), -1);
    assert_int_equal(timefmt_parse("2026-01-05T09:00:00", &ms), -1);
    assert_int_equal(timefmt_parse("2026-01-05T09:00:00Zjunk", &ms), -1);
    assert_int_equal(timefmt_parse("", &ms), -1);
    assert_int_equal(timefmt_parse("2026-01-05T25:00:00Z", &ms), -1);
}

static void
test_jsonpos_paths(void **state)
{
    const char *t = "{\n \"a\": {\"b\": [10, {\"c\": true}]},\n \"d\": 1}";
    int line, col;

    (void)state;
    assert_int_equal(jsonpos_find(t, strlen(t), "a.b[1].c", 0, &line, &col), 0);
    assert_int_equal(line, 2);
    assert_int_equal(col, 24);
    assert_int_equal(jsonpos_find(t, strlen(t), "a.b[1].c", 1, &line, &col), 0);
    assert_int_equal(col, 19);
    assert_int_equal(jsonpos_find(t, strlen(t), "d", 0, &line, &col), 0);
    assert_int_equal(line, 3);
    /* Missing keys report the deepest enclosing value. */
    assert_int_equal(jsonpos_find(t, strlen(t), "a.zz", 0, &line, &col), 1);
    assert_int_equal(line, 2);
    assert_int_equal(col, 7);
    assert_int_equal(jsonpos_find(t, strlen(t), "a.b[9]", 0, &line, &col), 1);
    assert_int_equal(jsonpos_find("[[[[", 4, "[0][0][0][0][0]", 0, &line, &col),
                     1);
}

static void
test_jsonpos_hostile(void **state)
{
    char deep[400];
    int line, col;

    (void)state;
    memset(deep, '[', sizeof(deep));
    assert_true(jsonpos_find(deep, sizeof(deep), "x", 0, &line, &col) >= -1);
    assert_true(jsonpos_find("{\"a\": \"unterminated", 19, "a.b", 0, &line,
                             &col) >= -1);
    assert_int_equal(jsonpos_find("", 0, "", 0, &line, &col), 0);
    assert_int_equal(jsonpos_find("{}", 2, "..", 0, &line, &col), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_jsonpos_paths),
        cmocka_unit_test(test_jsonpos_hostile),
    };

    return cmocka_run_group_tests_name("timefmt_jsonpos", tests, NULL, NULL);
}
