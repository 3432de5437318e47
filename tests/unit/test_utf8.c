/*
 * test_utf8.c - the one UTF-8 definition: well-formed sequences, the
 * replacement of bad bytes, and characters for counting and cutting text
 * (a stray byte is one character).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

static size_t
seq(const char *s)
{
    return utf8_seq((const unsigned char *)s, strlen(s));
}

static void
test_sequences(void **state)
{
    (void)state;
    assert_int_equal(seq("a"), 1);
    assert_int_equal(seq("\xc3\xa9"), 2);         /* é */
    assert_int_equal(seq("\xe2\x82\xac"), 3);     /* € */
    assert_int_equal(seq("\xf0\x9f\x98\x80"), 4); /* U+1F600 */
    assert_int_equal(seq("\xc0\xaf"), 0);         /* overlong / */
    assert_int_equal(seq("\xe0\x80\xaf"), 0);     /* overlong / */
    assert_int_equal(seq("\xed\xa0\x80"), 0);     /* surrogate */
    assert_int_equal(seq("\xf4\x90\x80\x80"), 0); /* past U+10FFFF */
    assert_int_equal(seq("\x80"), 0);             /* stray */
    assert_int_equal(utf8_seq((const unsigned char *)"\xe2\x82", 2), 0);
    assert_true(utf8_valid("caf\xc3\xa9", 5));
    assert_false(utf8_valid("caf\xc3", 4));
    assert_true(utf8_valid("caf\xc3\xa9 \xf0\x9f\x98\x80", 10));
    assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    assert_false(utf8_valid("\xe2\x82", 2));         /* cut short */
    assert_int_equal(utf8_seq((const unsigned char *)"\xe2\x82\xac", 2), 0);
}

static void
test_fix(void **state)
{
    char out[3 * 5 + 1];
    size_t replaced = 0;

    (void)state;
    assert_int_equal(utf8_fix("a\xff"
                              "b\xc3\xa9",
                              5, out, &replaced),
                     7);
    assert_memory_equal(out,
                        "a\xef\xbf\xbd"
                        "b\xc3\xa9",
                        8);
    assert_int_equal(replaced, 1);
    assert_int_equal(utf8_fix("a\x80z", 3, out, NULL), 5);
    assert_memory_equal(out, "a\xef\xbf\xbdz", 6);
}

static void
test_characters(void **state)
{
    const char *s = "\xc3\xa9t\xc3\xa9\x80!"; /* é t é <stray> ! */
    size_t n = strlen(s);
    uint32_t cp = 0;

    (void)state;
    assert_int_equal(utf8_next(s, n, &cp), 2);
    assert_int_equal(cp, 0xe9);
    assert_int_equal(utf8_next(s + 5, n - 5, &cp), 1);
    assert_true(cp == UTF8_BAD);
    assert_int_equal(utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1f600);
    /* A sequence cut short by the end is stray bytes, one each. */
    assert_int_equal(utf8_next("\xe2\x82", 2, NULL), 1);
    assert_int_equal(utf8_count(s, n), 5);
    assert_int_equal(utf8_offset(s, n, 0), 0);
    assert_int_equal(utf8_offset(s, n, 2), 3);
    assert_int_equal(utf8_offset(s, n, 4), 6);
    assert_int_equal(utf8_offset(s, n, 99), n);
    assert_int_equal(utf8_count("", 0), 0);
}

static void
test_encode(void **state)
{
    static const uint32_t cps[] = {0x41,   0xe9,    0x20ac,
                                   0xfffd, 0x1f600, 0x10ffff};
    char out[4];

    (void)state;
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        size_t len = utf8_encode(cps[i], out);
        uint32_t back = 0;

        assert_int_equal(utf8_seq((const unsigned char *)out, len), len);
        assert_int_equal(utf8_next(out, len, &back), len);
        assert_int_equal(back, cps[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequences),
        cmocka_unit_test(test_fix),
        cmocka_unit_test(test_characters),
        cmocka_unit_test(test_encode),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
