/*
 * test_form.c - form-urlencoded decoding: charsets, malformed escapes,
 * invalid UTF-8, limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "form.h"

static void
parse(const char *body, enum form_charset cs, struct form *f)
{
    form_parse(body, strlen(body), cs, f);
}

static void
test_basic_pairs_and_plus(void **state)
{
    struct form f;

    (void)state;
    parse("oid=00D1&last_name=O%27Brien+Jr&empty=&flag", FORM_UTF8, &f);
    assert_int_equal(f.n, 4);
    assert_string_equal(form_get(&f, "oid"), "00D1");
    assert_string_equal(form_get(&f, "last_name"), "O'Brien Jr");
    assert_string_equal(form_get(&f, "empty"), "");
    assert_string_equal(form_get(&f, "flag"), "");
    assert_null(form_get(&f, "missing"));
    form_free(&f);
}

static void
test_first_of_repeated_name_wins(void **state)
{
    struct form f;

    (void)state;
    parse("a=1&a=2", FORM_UTF8, &f);
    assert_string_equal(form_get(&f, "a"), "1");
    assert_int_equal(f.n, 2);
    form_free(&f);
}

static void
test_utf8_and_latin1(void **state)
{
    struct form f;

    (void)state;
    parse("n=Zo%C3%AB", FORM_UTF8, &f);
    assert_string_equal(form_get(&f, "n"), "Zo\xc3\xab");
    form_free(&f);
    parse("n=Zo%C3%AB", FORM_LATIN1, &f);
    assert_string_equal(form_get(&f, "n"), "Zo\xc3\x83\xc2\xab");
    form_free(&f);
    parse("n=Zo%EB", FORM_LATIN1, &f);
    assert_string_equal(form_get(&f, "n"), "Zo\xc3\xab");
    form_free(&f);
}

static void
test_invalid_utf8_replaced(void **state)
{
    struct form f;

    (void)state;
    /* lone continuation, overlong, surrogate, truncated sequence */
    parse("a=%80&b=%C0%AF&c=%ED%A0%80&d=%E5%B1", FORM_UTF8, &f);
    assert_string_equal(form_get(&f, "a"), "\xef\xbf\xbd");
    assert_string_equal(form_get(&f, "b"), "\xef\xbf\xbd\xef\xbf\xbd");
    assert_int_equal(strlen(form_get(&f, "c")), 9);
    assert_int_equal(strlen(form_get(&f, "d")), 6);
    assert_true(f.replaced >= 7);
    form_free(&f);
}

static void
test_malformed_escape_drops_only_that_pair(void **state)
{
    struct form f;

    (void)state;
    parse("a=%zz&b=ok&c=%4&d=%&e=%41", FORM_UTF8, &f);
    assert_int_equal(f.malformed, 3);
    assert_null(form_get(&f, "a"));
    assert_string_equal(form_get(&f, "b"), "ok");
    assert_string_equal(form_get(&f, "e"), "A");
    form_free(&f);
}

static void
test_field_limit(void **state)
{
    size_t n = FORM_MAX_FIELDS + 10, i;
    char *body = malloc(n * 4 + 1);
    struct form f;

    (void)state;
    for (i = 0; i < n; i++)
        memcpy(body + i * 4, "a=1&", 4);
    body[n * 4 - 1] = '\0';
    parse(body, FORM_UTF8, &f);
    assert_int_equal(f.n, FORM_MAX_FIELDS);
    assert_int_equal(f.overflow, 10);
    form_free(&f);
    free(body);
}

static void
test_nul_bytes_and_empty(void **state)
{
    struct form f;

    (void)state;
    form_parse("a=x%00y", 7, FORM_UTF8, &f);
    assert_int_equal(f.n, 1);
    form_free(&f);
    form_parse("", 0, FORM_UTF8, &f);
    assert_int_equal(f.n, 0);
    form_free(&f);
    form_parse("&&&", 3, FORM_UTF8, &f);
    assert_int_equal(f.n, 0);
    form_free(&f);
}

static void
test_charset_names(void **state)
{
    enum form_charset cs;

    (void)state;
    assert_int_equal(form_charset_parse("utf-8", &cs), 0);
    assert_int_equal(cs, FORM_UTF8);
    assert_int_equal(form_charset_parse("ISO-8859-1", &cs), 0);
    assert_int_equal(cs, FORM_LATIN1);
    assert_int_equal(form_charset_parse("EBCDIC", &cs), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_pairs_and_plus),
        cmocka_unit_test(test_first_of_repeated_name_wins),
        cmocka_unit_test(test_utf8_and_latin1),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_malformed_escape_drops_only_that_pair),
        cmocka_unit_test(test_field_limit),
        cmocka_unit_test(test_nul_bytes_and_empty),
        cmocka_unit_test(test_charset_names),
    };

    return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
