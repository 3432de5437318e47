/*
 * test_calendar.c - civil dates and day numbers (common/calendar.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "calendar.h"

static void
test_known_days(void **state)
{
    (void)state;
    assert_int_equal(calendar_days(1970, 1, 1), 0);
    assert_int_equal(calendar_days(1969, 12, 31), -1);
    assert_int_equal(calendar_days(2000, 3, 1), 11017);
    assert_int_equal(calendar_days(2026, 1, 5), 20458);
    assert_int_equal(calendar_days(0, 1, 1), -719528);
    /* A day past its month's end counts on into the next month. */
    assert_int_equal(calendar_days(2026, 2, 29), calendar_days(2026, 3, 1));
}

static void
test_leap_years(void **state)
{
    (void)state;
    assert_true(calendar_is_leap(2024));
    assert_true(calendar_is_leap(2000));
    assert_false(calendar_is_leap(1900));
    assert_false(calendar_is_leap(2026));
    assert_true(calendar_is_leap(-4));
    assert_int_equal(calendar_month_days(2024, 2), 29);
    assert_int_equal(calendar_month_days(2100, 2), 28);
    assert_int_equal(calendar_month_days(2026, 4), 30);
    assert_int_equal(calendar_month_days(2026, 12), 31);
}

/* Every day of years -800 to 3200 maps back to itself, each next day is
 * the next date, and the C library agrees where time_t reaches. */
static void
test_round_trip(void **state)
{
    int64_t days, y, py = -801;
    int m, d, pm = 12, pd = 31;
    struct tm tm;
    time_t t;

    (void)state;
    for (days = calendar_days(-800, 1, 1); days < calendar_days(3201, 1, 1);
         days++) {
        calendar_date(days, &y, &m, &d);
        assert_int_equal(calendar_days(y, m, d), days);
        if (d == 1)
            assert_true(
                (m == 1 && y == py + 1 && pm == 12 && pd == 31) ||
                (m == pm + 1 && y == py && pd == calendar_month_days(py, pm)));
        else
            assert_true(y == py && m == pm && d == pd + 1);
        py = y;
        pm = m;
        pd = d;
        t = (time_t)(days * 86400);
        assert_non_null(gmtime_r(&t, &tm));
        assert_int_equal(tm.tm_year + 1900, y);
        assert_int_equal(tm.tm_mon + 1, m);
        assert_int_equal(tm.tm_mday, d);
    }
}

static void
test_day_of_ms(void **state)
{
    (void)state;
    assert_int_equal(calendar_day_of_ms(0), 0);
    assert_int_equal(calendar_day_of_ms(CALENDAR_MS_PER_DAY - 1), 0);
    assert_int_equal(calendar_day_of_ms(CALENDAR_MS_PER_DAY), 1);
    assert_int_equal(calendar_day_of_ms(-1), -1);
    assert_int_equal(calendar_day_of_ms(-CALENDAR_MS_PER_DAY), -1);
    assert_int_equal(calendar_day_of_ms(-CALENDAR_MS_PER_DAY - 1), -2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_day_of_ms),
    };

    return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
