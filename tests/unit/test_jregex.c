/*
 * test_jregex.c - Java patterns on the POSIX matcher (jregex.h). The
 * formula tests cover REGEX() end to end; these pin the module's own
 * contract: whole-subject matches, refusals with a message, the bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jregex.h"

/* 1/0: whether pat matches subject; -2: pat was refused. */
static int
match(const char *pat, const char *subject)
{
    char msg[128] = "";
    struct jregex *re = jregex_compile(pat, strlen(pat), msg, sizeof(msg));
    int m;

    if (re == NULL) {
        assert_true(msg[0] != '\0');
        return -2;
    }
    m = jregex_match(re, subject);
    jregex_free(re);
    return m;
}

static void
test_whole_subject(void **state)
{
    (void)state;
    assert_int_equal(match("b", "abc"), 0);
    assert_int_equal(match(".*b.*", "abc"), 1);
    assert_int_equal(match("a|b", "a"), 1);
    assert_int_equal(match("a|b", "ab"), 0);
    assert_int_equal(match("\\d{3}-\\d{4}", "555-1234"), 1);
    assert_int_equal(match("[^\\d\\s]+", "abc"), 1);
    assert_int_equal(match("(?:ab)+?", "abab"), 1);
    assert_int_equal(match("\\Qx", "Qx"), -2);
    assert_int_equal(match(".", "\xc3\xa9"), 1); /* one character */
}

/* A pattern is matched byte by byte on an ASCII subject (jregex.c): the
 * answers are those of the UTF-8 matcher, whatever the subject. */
static void
test_ascii_and_utf8_subjects(void **state)
{
    (void)state;
    assert_int_equal(match("..", "ab"), 1);
    assert_int_equal(match("..", "\xc3\xa9"), 0); /* é: one character */
    assert_int_equal(match(".{3}", "abc"), 1);
    assert_int_equal(match(".{3}", "a\xc3\xa9"), 0);
    assert_int_equal(match("[^a]", "b"), 1);
    assert_int_equal(match("[^a]", "\xc3\xa9"), 1);
    assert_int_equal(match("\\w+", "abc_1"), 1);
    assert_int_equal(match("\\w+", "ab\xc3\xa9"), 0);
    assert_int_equal(match("[^0-9]*([0-9][^0-9]*){10}", "(500) 000-0001"), 1);
    assert_int_equal(match("[^0-9]*([0-9][^0-9]*){10}", "500000000\xc3\xa9"),
                     0);
    assert_int_equal(match("[^0-9]*([0-9][^0-9]*){10}", "500000000\xc3\xa9"
                                                        "1"),
                     1);
    assert_int_equal(match("(?i)[a-c]+x", "ABCX"), 1);
    assert_int_equal(match("(?i)[a-c]+x", "ABDX"), 0);
    /* A pattern that is not ASCII runs on the UTF-8 matcher alone. */
    assert_int_equal(match("\xc3\xa9+", "\xc3\xa9\xc3\xa9"), 1);
    assert_int_equal(match("\xc3\xa9+", "e"), 0);
    assert_int_equal(match("[^\xc3\xa9]", "e"), 1);
    assert_int_equal(match("[^\xc3\xa9]", "\xc3\xa9"), 0);
}

static void
test_refusals(void **state)
{
    char msg[128];

    (void)state;
    assert_int_equal(match("(a)\\1", "aa"), -2);
    assert_int_equal(match("(?=a)", "a"), -2);
    assert_int_equal(match("a++", "a"), -2);
    assert_int_equal(match("[a&&b]", "a"), -2);
    assert_int_equal(match("\\p{L}", "a"), -2);
    assert_int_equal(match("(", "a"), -2);
    assert_null(jregex_compile("a\0b", 3, msg, sizeof(msg)));
    assert_string_equal(msg, "Regular expression contains a NUL character");
    jregex_free(NULL);
}

static void
test_bounds(void **state)
{
    char pat[JREGEX_MAX_LEN + 2], msg[128];

    (void)state;
    memset(pat, 'a', sizeof(pat) - 1);
    pat[sizeof(pat) - 1] = '\0';
    assert_null(jregex_compile(pat, strlen(pat), msg, sizeof(msg)));
    assert_int_equal(match("a{1001}", "a"), -2);
    assert_int_equal(match("((a{1000}){1000}){1000}", "a"), -2);
    assert_int_equal(match("a{2,1}", "a"), -2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_subject),
        cmocka_unit_test(test_ascii_and_utf8_subjects),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_bounds),
    };

    return cmocka_run_group_tests_name("jregex", tests, NULL, NULL);
}
