/*
 * test_window.c - the rolling 24-hour counter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "window.h"

#define DAY_MS (86400LL * 1000)
#define T0 1767603600000LL /* 2026-01-05T09:00:00Z */

static void
test_counts_within_period(void **state)
{
    struct window w;

    (void)state;
    window_init(&w, 86400);
    window_add(&w, T0, 1);
    window_add(&w, T0 + 1000, 2);
    assert_int_equal(window_count(&w, T0 + 1000), 3);
    assert_int_equal(window_count(&w, T0 + DAY_MS - 1), 3);
    /* The first event leaves the window when it turns 24 h old. */
    assert_int_equal(window_count(&w, T0 + DAY_MS), 2);
    assert_int_equal(window_count(&w, T0 + DAY_MS + 1000), 0);
    window_free(&w);
}

static void
test_long_jump_clears(void **state)
{
    struct window w;

    (void)state;
    window_init(&w, 86400);
    window_add(&w, T0, 500);
    assert_int_equal(window_count(&w, T0 + 30 * DAY_MS), 0);
    assert_int_equal(window_next_expiry(&w, T0 + 30 * DAY_MS), -1);
    window_free(&w);
}

static void
test_next_expiry_is_oldest_plus_period(void **state)
{
    struct window w;

    (void)state;
    window_init(&w, 86400);
    window_add(&w, T0 + 5000, 1);
    window_add(&w, T0 + 9000, 1);
    assert_int_equal(window_next_expiry(&w, T0 + 10000), T0 + 5000 + DAY_MS);
    assert_int_equal(window_count(&w, T0 + 5000 + DAY_MS), 1);
    assert_int_equal(window_next_expiry(&w, T0 + 5000 + DAY_MS),
                     T0 + 9000 + DAY_MS);
    window_free(&w);
}

static void
test_add_in_the_past_within_window(void **state)
{
    struct window w;

    (void)state;
    window_init(&w, 86400);
    assert_int_equal(window_count(&w, T0 + 3600 * 1000), 0);
    window_add(&w, T0, 1); /* earlier than head: counted at its own time */
    assert_int_equal(window_count(&w, T0 + 3600 * 1000), 1);
    assert_int_equal(window_next_expiry(&w, T0 + 3600 * 1000), T0 + DAY_MS);
    window_add(&w, T0 - 2 * DAY_MS, 1); /* already out of the window */
    assert_int_equal(window_count(&w, T0 + 3600 * 1000), 1);
    window_clear(&w);
    assert_int_equal(window_count(&w, T0 + 3600 * 1000), 0);
    window_free(&w);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_within_period),
        cmocka_unit_test(test_long_jump_clears),
        cmocka_unit_test(test_next_expiry_is_oldest_plus_period),
        cmocka_unit_test(test_add_in_the_past_within_window),
    };

    return cmocka_run_group_tests_name("window", tests, NULL, NULL);
}
