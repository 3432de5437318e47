/*
 * test_cursor.c - the query locator table: ids, lookup in 15 and 18
 * characters, release after the last page, idle expiry, and the caps per
 * user and in total.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cursor.h"
#include "soql.h"
#include "xmalloc.h"

#define T0 1773576000000LL

static struct cursor *
open_n(struct cursors *cs, const char *user, size_t n, int64_t now)
{
    struct soql_error err = {0};
    struct soql_query *q = soql_parse("SELECT Id FROM Lead", 19, &err);
    struct cursor_id *ids = xcalloc(n ? n : 1, sizeof(*ids));
    size_t i;

    assert_non_null(q);
    for (i = 0; i < n; i++) {
        char id[32]; /* 15 characters; room for what gcc cannot rule out */

        snprintf(id, sizeof(id), "00Q00%010zu", i);
        memcpy(ids[i].id, id, 16);
    }
    return cursor_open(cs, user, q, ids, n, 2000, now);
}

static void
test_open_find_close(void **state)
{
    struct cursors *cs = cursors_new("AB");
    struct cursor *c = open_n(cs, "u", 3, T0);
    char id18[SFID_LEN18 + 1];

    (void)state;
    assert_non_null(c);
    assert_memory_equal(c->id, "01gAB0", 6);
    assert_int_equal(c->n, 3);
    assert_string_equal(c->ids[2].id, "00Q000000000002");
    assert_ptr_equal(cursor_find(cs, c->id, T0), c);
    sfid_to18(c->id, id18);
    assert_ptr_equal(cursor_find(cs, id18, T0), c);
    assert_null(cursor_find(cs, "01gAB0000000999", T0));
    assert_null(cursor_find(cs, "not an id", T0));
    cursor_close(cs, c);
    assert_int_equal(cursors_count(cs), 0);
    assert_null(cursor_find(cs, id18, T0));
    cursors_free(cs);
}

static void
test_idle_expiry(void **state)
{
    struct cursors *cs = cursors_new("AB");
    struct cursor *c = open_n(cs, "u", 1, T0);
    char id[SFID_LEN15 + 1];

    (void)state;
    memcpy(id, c->id, sizeof(id));
    /* Each use restarts the idle time. */
    assert_non_null(cursor_find(cs, id, T0 + CURSOR_IDLE_MS - 1));
    assert_non_null(cursor_find(cs, id, T0 + 2 * CURSOR_IDLE_MS - 2));
    assert_null(cursor_find(cs, id, T0 + 3 * CURSOR_IDLE_MS - 2));
    assert_int_equal(cursors_count(cs), 0);
    cursors_free(cs);
}

static void
test_caps(void **state)
{
    struct cursors *cs = cursors_new("AB");
    char first[SFID_LEN15 + 1], other[SFID_LEN15 + 1];
    int i;

    (void)state;
    memcpy(other, open_n(cs, "v", 1, T0)->id, sizeof(other));
    memcpy(first, open_n(cs, "u", 1, T0)->id, sizeof(first));
    for (i = 1; i < CURSOR_MAX_PER_USER; i++)
        open_n(cs, "u", 1, T0);
    assert_int_equal(cursors_count(cs), CURSOR_MAX_PER_USER + 1);
    assert_non_null(cursor_find(cs, first, T0));
    /* One more for u releases u's oldest, not v's. */
    open_n(cs, "u", 1, T0);
    assert_null(cursor_find(cs, first, T0));
    assert_non_null(cursor_find(cs, other, T0));
    assert_int_equal(cursors_count(cs), CURSOR_MAX_PER_USER + 1);
    /* Too many rows for the table at all. */
    assert_null(
        cursor_open(cs, "u", NULL, NULL, (size_t)CURSOR_MAX_IDS + 1, 2000, T0));
    cursors_clear(cs);
    assert_int_equal(cursors_count(cs), 0);
    cursors_free(cs);
}

static void
test_total_cap(void **state)
{
    struct cursors *cs = cursors_new("AB");
    char users[8];
    int i;

    (void)state;
    for (i = 0; i < CURSOR_MAX + 5; i++) {
        snprintf(users, sizeof(users), "u%d", i);
        assert_non_null(open_n(cs, users, 1, T0));
    }
    assert_int_equal(cursors_count(cs), CURSOR_MAX);
    cursors_free(cs);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_find_close),
        cmocka_unit_test(test_idle_expiry),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_total_cap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
