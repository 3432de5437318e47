/*
 * test_buf.c - the bounded buffer: its cap, numbers and JSON escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void
test_cap_refuses_and_keeps_content(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_puts(&b, "12345"), 0);
    assert_int_equal(buf_puts(&b, "6789"), -1);
    assert_true(b.toobig);
    assert_string_equal(b.data, "12345");
    assert_int_equal(buf_puts(&b, "678"), 0);
    assert_string_equal(b.data, "12345678");
    buf_free(&b);
}

static void
test_numbers(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 1024);
    buf_put_uint(&b, 0);
    buf_putc(&b, ' ');
    buf_put_uint(&b, 18446744073709551615ULL);
    buf_putc(&b, ' ');
    buf_put_int(&b, -9223372036854775807LL - 1);
    buf_putc(&b, ' ');
    buf_put_int(&b, 42);
    assert_string_equal(b.data, "0 18446744073709551615 "
                                "-9223372036854775808 42");
    buf_free(&b);
}

static void
test_json_escape(void **state)
{
    struct buf b;
    const char in[] = "a\"b\\c\n\x01z\xc3\xab";

    (void)state;
    buf_init(&b, 1024);
    buf_json_escape(&b, in, sizeof(in) - 1);
    assert_string_equal(b.data, "a\\\"b\\\\c\\n\\u0001z\xc3\xab");
    buf_free(&b);
}

static void
test_steal_leaves_empty(void **state)
{
    struct buf b;
    size_t len;
    char *s;

    (void)state;
    buf_init(&b, 64);
    buf_printf(&b, "%d-%s", 7, "x");
    s = buf_steal(&b, &len);
    assert_string_equal(s, "7-x");
    assert_int_equal(len, 3);
    assert_null(b.data);
    free(s);
    s = buf_steal(&b, &len); /* an empty buffer steals as "" */
    assert_string_equal(s, "");
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cap_refuses_and_keeps_content),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_steal_leaves_empty),
    };

    return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
