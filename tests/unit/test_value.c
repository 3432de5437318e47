/*
 * test_value.c - what parses as a number, a date or a date-time (value.h),
 * and how each flag widens the strict default.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "value.h"

static int
num(const char *s, unsigned flags, double *out)
{
    return value_parse_number(s, strlen(s), flags, out);
}

static void
test_number_strict(void **state)
{
    static const char *const good[] = {"0",   "-0",    "+12.5", ".5",
                                       "5.",  "1e5",   "1E-5",  "-.5e+3",
                                       "007", "1e-400"}; /* underflow: 0 */
    static const char *const bad[] = {"",    " 5",  "5 ",  "0x10", "inf",
                                      "nan", ".",   "e5",  "1e",   "1e+",
                                      "--1", "1,0", "12x", "1e999"};
    double v;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(num(good[i], 0, &v), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(num(bad[i], 0, &v), -1);
    assert_int_equal(num("-.5e+3", 0, &v), 0);
    assert_true(v == -500.0);
    /* A NUL byte never parses, whatever precedes it. */
    assert_int_equal(value_parse_number("12\0", 3, VALUE_NUM_C_SYNTAX, &v), -1);
}

static void
test_number_flags(void **state)
{
    char big[700];
    double v;

    (void)state;
    assert_int_equal(num(" 5", VALUE_NUM_C_SYNTAX, &v), 0);
    assert_true(v == 5.0);
    assert_int_equal(num("0x10", VALUE_NUM_C_SYNTAX, &v), 0);
    assert_true(v == 16.0);
    assert_int_equal(num("5 ", VALUE_NUM_C_SYNTAX, &v), -1);
    assert_int_equal(num("nan", VALUE_NUM_C_SYNTAX | VALUE_NUM_INFINITY, &v),
                     -1);
    /* Infinities: refused unless asked for. */
    assert_int_equal(num("inf", VALUE_NUM_C_SYNTAX, &v), -1);
    assert_int_equal(num("-INF", VALUE_NUM_C_SYNTAX | VALUE_NUM_INFINITY, &v),
                     0);
    assert_true(isinf(v) && v < 0);
    assert_int_equal(num("1e999", VALUE_NUM_C_SYNTAX | VALUE_NUM_INFINITY, &v),
                     0);
    assert_true(isinf(v));
    /* Underflow: a number (0 or subnormal) unless refused. */
    assert_int_equal(num("1e-400", VALUE_NUM_C_SYNTAX, &v), 0);
    assert_int_equal(num("1e-400", VALUE_NUM_NO_UNDERFLOW, &v), -1);
    assert_int_equal(num("1e-310", VALUE_NUM_NO_UNDERFLOW, &v), -1);
    assert_int_equal(num("0", VALUE_NUM_NO_UNDERFLOW, &v), 0);
    /* No length limit of its own: a long number is read whole. */
    memset(big, '0', sizeof(big) - 2);
    big[sizeof(big) - 2] = '7';
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(num(big, 0, &v), 0);
    assert_true(v == 7.0);
}

static int
date(const char *s, unsigned flags, struct value_date *d)
{
    return value_parse_date(s, strlen(s), flags, d);
}

static void
test_date_strict(void **state)
{
    static const char *const bad[] = {
        "2026-1-05",  "2026-01-5",  " 2026-01-05", "2026-01-05 ",
        "2026/01/05", "2026-13-01", "2026-00-01",  "2026-01-00",
        "2026-04-31", "2026-02-29", "1900-02-29",  "01/05/2026",
        "20260105",   "",           "+202-01-05"};
    struct value_date d;
    size_t i;

    (void)state;
    assert_int_equal(date("2026-01-05", 0, &d), 0);
    assert_int_equal(d.days, 20458);
    assert_int_equal(d.year, 2026);
    assert_int_equal(d.month, 1);
    assert_int_equal(d.day, 5);
    assert_int_equal(date("2024-02-29", 0, &d), 0);
    assert_int_equal(date("2000-02-29", 0, &d), 0);
    assert_int_equal(date("0000-01-01", 0, &d), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(date(bad[i], 0, &d), -1);
}

static void
test_date_flags(void **state)
{
    struct value_date d;

    (void)state;
    /* February 29 of a common year: as written, counted as March 1. */
    assert_int_equal(date("2026-02-29", VALUE_DATE_FEB29, &d), 0);
    assert_int_equal(d.day, 29);
    assert_int_equal(d.days, 20513); /* 2026-03-01 */
    assert_int_equal(date("2026-02-30", VALUE_DATE_FEB29, &d), -1);
    /* Loose: Y-M-D and M/D/Y as scanf reads them, nothing after. */
    assert_int_equal(date("2026-1-5", VALUE_DATE_LOOSE, &d), 0);
    assert_int_equal(d.days, 20458);
    assert_int_equal(date(" 2026- 1-+5", VALUE_DATE_LOOSE, &d), 0);
    assert_int_equal(d.days, 20458);
    assert_int_equal(date("1/5/2026", VALUE_DATE_LOOSE, &d), 0);
    assert_int_equal(d.days, 20458);
    assert_int_equal(date("12/31/26", VALUE_DATE_LOOSE, &d), 0);
    assert_int_equal(d.year, 26);
    assert_int_equal(date("1/5/2026 ", VALUE_DATE_LOOSE, &d), -1);
    assert_int_equal(date("2026 -1-5", VALUE_DATE_LOOSE, &d), -1);
    assert_int_equal(date("20260-1-5", VALUE_DATE_LOOSE, &d), -1);
    assert_int_equal(date("-1-1-1", VALUE_DATE_LOOSE, &d), -1);
    assert_int_equal(date("13/1/2026", VALUE_DATE_LOOSE, &d), -1);
    assert_int_equal(date("2/29/2026", VALUE_DATE_LOOSE, &d), -1);
    assert_int_equal(date("2/29/2026", VALUE_DATE_LOOSE | VALUE_DATE_FEB29, &d),
                     0);
}

static void
test_datetime(void **state)
{
    int64_t ms;

    (void)state;
    assert_int_equal(value_parse_datetime("2026-01-05T09:00:00Z", 20, 0, &ms),
                     0);
    assert_int_equal(ms, 1767603600000LL);
    assert_int_equal(
        value_parse_datetime("2026-01-05T09:00:00.000+0000", 28, 0, &ms), 0);
    assert_int_equal(ms, 1767603600000LL);
    /* A bare date only when asked for, read under the date flags. */
    assert_int_equal(value_parse_datetime("2026-01-05", 10, 0, &ms), -1);
    assert_int_equal(
        value_parse_datetime("2026-01-05", 10, VALUE_DATE_BARE, &ms), 0);
    assert_int_equal(ms, 1767571200000LL);
    assert_int_equal(
        value_parse_datetime("2026-02-29", 10, VALUE_DATE_BARE, &ms), -1);
    assert_int_equal(value_parse_datetime("2026-02-29", 10,
                                          VALUE_DATE_BARE | VALUE_DATE_FEB29,
                                          &ms),
                     0);
    /* timefmt_parse()'s own leniency stays: February 29, second 60. */
    assert_int_equal(value_parse_datetime("2026-02-29T00:00:00Z", 20, 0, &ms),
                     0);
    assert_int_equal(value_parse_datetime("2026-01-05T23:59:60Z", 20, 0, &ms),
                     0);
    assert_int_equal(
        value_parse_datetime("2026-01-05T09:00:00Z\0x", 22, 0, &ms), -1);
    assert_int_equal(value_parse_datetime("2026-01-05T09:00:00", 19, 0, &ms),
                     -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_strict),
        cmocka_unit_test(test_number_flags),
        cmocka_unit_test(test_date_strict),
        cmocka_unit_test(test_date_flags),
        cmocka_unit_test(test_datetime),
    };

    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
