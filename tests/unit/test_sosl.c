/*
 * test_sosl.c - the SOSL subset: the statement, the term language and its
 * errors (with Salesforce's texts), and matching a term against a record's
 * texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sosl.h"

/* A record: a name, an email, a phone, a description. */
static const struct sosl_text ada[] = {
    {"Ada Lovelace", 12, 0},
    {"ada.lovelace@example.com", 24, 0},
    {"(555) 123-4567", 14, 1},
    {"Analytical engine, first program", 32, 0},
};
#define NADA (sizeof(ada) / sizeof(ada[0]))

static struct sosl_search *
parse_ok(const char *text)
{
    struct soql_error err = {0};
    struct sosl_search *s = sosl_parse(text, strlen(text), &err);

    if (s == NULL)
        fail_msg("%s: %s %s", text, err.code, err.message);
    return s;
}

/* Whether the term of "FIND {term}" matches ada. */
static int
finds(const char *term)
{
    char text[256];
    struct sosl_search *s;
    int m;

    snprintf(text, sizeof(text), "FIND {%s}", term);
    s = parse_ok(text);
    m = sosl_match(s, ada, NADA);
    sosl_free(s);
    return m;
}

static void
parse_fails(const char *text, const char *code, const char *message)
{
    struct soql_error err = {0};
    struct sosl_search *s = sosl_parse(text, strlen(text), &err);

    assert_null(s);
    assert_string_equal(err.code, code);
    if (message != NULL)
        assert_string_equal(err.message, message);
}

static void
test_statement_parts(void **state)
{
    struct sosl_search *s =
        parse_ok("find {ada} in Email fields returning Lead(Id, Name WHERE "
                 "Company = 'x' ORDER BY Name LIMIT 5), Contact limit 30");

    (void)state;
    assert_int_equal(sosl_scope(s), SOSL_IN_EMAIL);
    assert_int_equal(sosl_object_count(s), 2);
    assert_string_equal(soql_object(sosl_object(s, 0)), "Lead");
    assert_int_equal(soql_field_count(sosl_object(s, 0)), 2);
    assert_int_equal(soql_limit(sosl_object(s, 0)), 5);
    assert_true(soql_has_order(sosl_object(s, 0)));
    assert_string_equal(soql_object(sosl_object(s, 1)), "Contact");
    assert_int_equal(soql_field_count(sosl_object(s, 1)), 0);
    assert_int_equal(sosl_limit(s), 30);
    sosl_free(s);
    s = parse_ok("FIND {ada}");
    assert_int_equal(sosl_scope(s), SOSL_IN_ALL);
    assert_int_equal(sosl_object_count(s), 0);
    assert_int_equal(sosl_limit(s), SOSL_MAX_ROWS);
    sosl_free(s);
    /* Past Salesforce's 2,000 rows, the limit is the cap. */
    s = parse_ok("FIND {ada} LIMIT 999999999999");
    assert_int_equal(sosl_limit(s), SOSL_MAX_ROWS);
    sosl_free(s);
}

static void
test_reserved_characters_need_escapes(void **state)
{
    (void)state;
    /* As Salesforce answers it (facts 7.4). */
    parse_fails("FIND {Marie-Pier Martin}", "MALFORMED_SEARCH",
                "\nFIND {Marie-Pier Martin}\n          ^\nERROR at "
                "Row:1:Column:11\nline 1:11 mismatched character '-' "
                "expecting '}'");
    parse_fails("FIND {a|b}", "MALFORMED_SEARCH", NULL);
    parse_fails("FIND {ada", "MALFORMED_SEARCH", NULL);
    assert_true(finds("Ada\\-Lovelace"));
}

static void
test_statement_errors(void **state)
{
    (void)state;
    parse_fails("SELECT {ada}", "MALFORMED_SEARCH", NULL);
    parse_fails("FIND ada", "MALFORMED_SEARCH", NULL);
    parse_fails("FIND {ada} IN NOPE FIELDS", "MALFORMED_SEARCH", NULL);
    parse_fails("FIND {ada} RETURNING", "MALFORMED_SEARCH", NULL);
    parse_fails("FIND {ada} RETURNING Lead(Name WHERE)", "MALFORMED_SEARCH",
                NULL);
    parse_fails("FIND {ada} RETURNING Lead(Name) junk", "MALFORMED_SEARCH",
                NULL);
    parse_fails("FIND {a}", "INVALID_SEARCH",
                "search term must be longer than one character");
    parse_fails("FIND {  * }", "INVALID_SEARCH", NULL);
    parse_fails("FIND {(ada}", "MALFORMED_SEARCH", NULL);
    parse_fails("FIND {ada OR}", "MALFORMED_SEARCH", NULL);
}

static void
test_errors_in_returning_point_into_the_search(void **state)
{
    struct soql_error err = {0};
    const char *text = "FIND {ada} RETURNING Lead(Name WHERE Name = )";
    struct sosl_search *s = sosl_parse(text, strlen(text), &err);

    (void)state;
    assert_null(s);
    assert_string_equal(err.code, "MALFORMED_SEARCH");
    assert_non_null(strstr(err.message, "\nFIND {ada} RETURNING Lead"));
    assert_non_null(strstr(err.message, "ERROR at Row:1:Column:45"));
}

static void
test_words_phrases_and_wildcards(void **state)
{
    (void)state;
    assert_true(finds("lovelace"));
    assert_true(finds("LOVELACE ada")); /* side by side: AND */
    assert_false(finds("lovelace babbage"));
    assert_false(finds("love")); /* whole words only */
    assert_true(finds("love*"));
    assert_true(finds("l?velace"));
    assert_true(finds("\"ada lovelace\""));
    assert_false(finds("\"lovelace ada\""));
    assert_true(finds("\"first program\""));
    assert_true(finds("ada.lovelace@example.com"));
    assert_false(finds("ada@example.com"));
}

static void
test_operators(void **state)
{
    (void)state;
    assert_true(finds("babbage OR lovelace"));
    assert_false(finds("babbage OR hopper"));
    assert_true(finds("ada AND NOT babbage"));
    assert_false(finds("ada AND NOT lovelace"));
    assert_true(finds("(babbage OR engine) AND ada"));
    assert_false(finds("(babbage OR hopper) AND ada"));
}

static void
test_phone_numbers_match_by_digits(void **state)
{
    (void)state;
    assert_true(finds("5551234567"));
    assert_true(finds("\\(555\\) 123\\-4567"));
    assert_false(finds("5551234568"));
}

static void
test_single_word_hint(void **state)
{
    struct sosl_search *s = parse_ok("FIND {Ada@Example.com} IN EMAIL FIELDS");
    const char *w;

    (void)state;
    assert_true(sosl_single_word(s, &w));
    assert_string_equal(w, "Ada@Example.com");
    sosl_free(s);
    s = parse_ok("FIND {ada*}");
    assert_false(sosl_single_word(s, &w));
    sosl_free(s);
    s = parse_ok("FIND {ada lovelace}");
    assert_false(sosl_single_word(s, &w));
    sosl_free(s);
}

static void
test_built_search_takes_reserved_characters_literally(void **state)
{
    struct soql_error err = {0};
    struct sosl_search *s = sosl_new("Ada-Lovelace", 12, SOSL_IN_NAME, &err);

    (void)state;
    assert_non_null(s);
    assert_int_equal(sosl_scope(s), SOSL_IN_NAME);
    assert_true(sosl_match(s, ada, NADA));
    sosl_free(s);
    memset(&err, 0, sizeof(err));
    assert_null(sosl_new("", 0, SOSL_IN_ALL, &err));
    assert_string_equal(err.code, "INVALID_SEARCH");
}

static void
test_bounds(void **state)
{
    static char text[SOSL_MAX_LEN + 64];
    struct soql_error err = {0};
    size_t i, n;

    (void)state;
    /* More words than the term may have. */
    n = (size_t)snprintf(text, sizeof(text), "FIND {");
    for (i = 0; i <= SOSL_MAX_WORDS; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "w%zu ", i);
    snprintf(text + n, sizeof(text) - n, "}");
    parse_fails(text, "MALFORMED_SEARCH", NULL);
    /* Nesting past SOSL_MAX_DEPTH. */
    n = (size_t)snprintf(text, sizeof(text), "FIND {");
    for (i = 0; i <= SOSL_MAX_DEPTH; i++)
        text[n++] = '(';
    snprintf(text + n, sizeof(text) - n, "ada");
    parse_fails(text, "MALFORMED_SEARCH", NULL);
    /* The whole statement past SOSL_MAX_LEN. */
    memset(text, 'a', sizeof(text) - 1);
    memcpy(text, "FIND {", 6);
    text[sizeof(text) - 1] = '\0';
    assert_null(sosl_parse(text, strlen(text), &err));
    assert_string_equal(err.code, "MALFORMED_SEARCH");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statement_parts),
        cmocka_unit_test(test_reserved_characters_need_escapes),
        cmocka_unit_test(test_statement_errors),
        cmocka_unit_test(test_errors_in_returning_point_into_the_search),
        cmocka_unit_test(test_words_phrases_and_wildcards),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_phone_numbers_match_by_digits),
        cmocka_unit_test(test_single_word_hint),
        cmocka_unit_test(test_built_search_takes_reserved_characters_literally),
        cmocka_unit_test(test_bounds),
    };

    return cmocka_run_group_tests_name("sosl", tests, NULL, NULL);
}
