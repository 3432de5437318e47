/*
 * test_formula.c - the validation-rule formula engine (sim/rules/formula.c).
 *
 * Every construct is parsed, bound against a Lead-like schema and
 * evaluated against small in-memory records; every error message is
 * checked with its line and column; hostile inputs must fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "formula.h"
#include "timefmt.h"

/* ---- a fake object and record ------------------------------------------ */

static const struct {
    const char *name;
    enum fieldtype type;
} schema[] = {
    {"Name", FT_STRING},
    {"Company", FT_STRING},
    {"Email", FT_EMAIL},
    {"Phone", FT_PHONE},
    {"Description", FT_TEXTAREA},
    {"LeadSource", FT_PICKLIST},
    {"Interests__c", FT_MULTIPICKLIST},
    {"Amount__c", FT_CURRENCY},
    {"Score__c", FT_DOUBLE},
    {"Discount__c", FT_PERCENT},
    {"DoNotCall", FT_BOOLEAN},
    {"Birthday__c", FT_DATE},
    {"Seen__c", FT_DATETIME},
    {"Account.Name", FT_STRING},
    {NULL, FT_UNKNOWN},
};

/* A record: name/value pairs, NULL-terminated; absent means null. */
struct kv {
    const char *name;
    const char *value;
};

static enum fieldtype
fake_type(void *arg, const char *field)
{
    int i;

    (void)arg;
    for (i = 0; schema[i].name != NULL; i++)
        if (strcasecmp(schema[i].name, field) == 0)
            return schema[i].type;
    return FT_UNKNOWN;
}

static const char *
fake_value(void *arg, const char *field, size_t *len)
{
    const struct kv *rec = arg;

    for (; rec != NULL && rec->name != NULL; rec++) {
        if (strcasecmp(rec->name, field) == 0) {
            if (rec->value == NULL || rec->value[0] == '\0')
                return NULL;
            *len = strlen(rec->value);
            return rec->value;
        }
    }
    return NULL;
}

static const struct kv empty_rec[] = {{NULL, NULL}};

static const struct kv lead_rec[] = {
    {"Name", "Zoë Example"},
    {"Company", "Acme"},
    {"Email", "zoe@example.com"},
    {"Phone", "(555) 123-4567"},
    {"Description", "Wants a demo"},
    {"LeadSource", "Web"},
    {"Interests__c", "Alpha;Beta; Gamma"},
    {"Amount__c", "12.5"},
    {"Score__c", "-3"},
    {"Discount__c", "10"},
    {"DoNotCall", "true"},
    {"Birthday__c", "1990-02-28"},
    {"Seen__c", "2026-11-25T10:00:00.000+0000"},
    {NULL, NULL},
};

static int64_t
test_now(void)
{
    int64_t ms = 0;

    assert_int_equal(timefmt_parse("2026-11-26T22:43:13.000Z", &ms), 0);
    return ms;
}

/* Stages: 0 evaluated, 1 parse failed, 2 bind failed, 3 eval failed. */
static int
run(const char *text, const struct kv *rec, int *result,
    struct formula_error *err)
{
    struct field_access fa = {fake_value, fake_type, (void *)rec, NULL};
    struct formula *f;
    int stage = 0;

    *result = -1;
    if ((f = formula_parse(text, strlen(text), err)) == NULL)
        return 1;
    if (formula_bind(f, fake_type, NULL, err) < 0)
        stage = 2;
    else if (formula_eval_bool(f, &fa, test_now(), result, err) < 0)
        stage = 3;
    formula_free(f);
    return stage;
}

static void
expect_rec(const char *text, const struct kv *rec, int want)
{
    struct formula_error err;
    int result, stage = run(text, rec, &result, &err);

    if (stage != 0 || result != want)
        print_error("formula: %s\n  stage %d result %d: %d:%d %s\n", text,
                    stage, result, err.line, err.column, err.message);
    assert_int_equal(stage, 0);
    assert_int_equal(result, want);
}

static void
expect(const char *text, int want)
{
    expect_rec(text, lead_rec, want);
}

static void
expect_error(const char *text, int stage, int line, int column,
             const char *message)
{
    struct formula_error err;
    int result, got = run(text, lead_rec, &result, &err);

    if (got != stage || strcmp(err.message, message) != 0 || err.line != line ||
        err.column != column)
        print_error("formula: %s\n  stage %d: %d:%d %s\n", text, got, err.line,
                    err.column, err.message);
    assert_int_equal(got, stage);
    assert_string_equal(err.message, message);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    if (stage == 3)
        assert_int_equal(result, 0);
}

/* ---- syntax and operators ---------------------------------------------- */

static void
test_literals(void **state)
{
    (void)state;
    expect("TRUE", 1);
    expect("FALSE", 0);
    expect("true", 1);
    expect("NULL = NULL", 1);
    expect("1 = 1", 1);
    expect(".5 = 0.5", 1);
    expect("12.250 = 12.25", 1);
    expect("'x' = \"x\"", 1);
    expect("\"a\\\"b\" = 'a\"b'", 1);
    expect("'it\\'s' = \"it's\"", 1);
    expect("LEN(\"\\\\d\") = 2", 1);
    expect("LEN(\"a\\nb\\tc\\rd\") = 7", 1);
    expect("\"\\u00e9\" = \"é\"", 1);
    expect("LEN(\"\\ud83d\\ude00\") = 1", 1);
    expect("\"\" = NULL", 1);
}

static void
test_arithmetic(void **state)
{
    (void)state;
    expect("1 + 2 * 3 = 7", 1);
    expect("(1 + 2) * 3 = 9", 1);
    expect("7 / 2 = 3.5", 1);
    expect("10 - 2 - 3 = 5", 1);
    expect("2 ^ 10 = 1024", 1);
    expect("-2 ^ 2 = -4", 1);
    expect("2 ^ 3 ^ 2 = 64", 1);
    expect("-(3) = 0 - 3", 1);
    expect("+3 = 3", 1);
    expect("0.1 + 0.2 = 0.3", 1);
    expect("1000000000.5 = 1000000000", 0);
    expect("Amount__c * 2 = 25", 1);
    expect("Score__c < 0", 1);
}

static void
test_comparison_and_logic(void **state)
{
    (void)state;
    expect("1 <> 2", 1);
    expect("1 != 2", 1);
    expect("1 == 1", 1);
    expect("2 >= 2", 1);
    expect("2 > 2", 0);
    expect("1 < 2", 1);
    expect("3 <= 2", 0);
    expect("\"abc\" = \"ABC\"", 0);
    expect("TRUE && FALSE", 0);
    expect("TRUE || FALSE", 1);
    expect("!FALSE", 1);
    expect("NOT(TRUE)", 0);
    expect("1 + 1 = 2 && 2 * 2 = 4 || FALSE", 1);
    expect("FALSE && 1/0 = 1", 0);
    expect("TRUE || 1/0 = 1", 1);
    expect("DoNotCall", 1);
    expect("DoNotCall = TRUE", 1);
    expect("\"a\" & \"b\" = \"ab\"", 1);
    expect("\"a\" & NULL & 'c' = \"ac\"", 1);
    expect("Company & \"!\" = \"Acme!\"", 1);
}

static void
test_syntax_extras(void **state)
{
    (void)state;
    expect("/* a comment */ TRUE", 1);
    expect("AND(\n  TRUE, /* why */\n  TRUE\n)", 1);
    expect("and(true, TrUe)", 1);
    expect("isblank(email)", 0);
    expect("LEN (Name) = 11", 1);
    expect("Account.Name = NULL", 1);
}

/* ---- functions ----------------------------------------------------------- */

static void
test_logic_functions(void **state)
{
    (void)state;
    expect("AND(TRUE)", 1);
    expect("AND(TRUE, TRUE, FALSE)", 0);
    expect("OR(FALSE, FALSE, TRUE)", 1);
    expect("OR(FALSE)", 0);
    expect("IF(ISBLANK(Email), 1, 2) = 2", 1);
    expect("IF(1 > 2, \"a\", NULL) = NULL", 1);
    expect("CASE(LeadSource, \"Phone\", 1, \"Web\", 2, 0) = 2", 1);
    expect("CASE(LeadSource, \"Phone\", 1, 0) = 0", 1);
    expect("CASE(3, 1, \"a\", 3, \"c\", \"z\") = \"c\"", 1);
    expect("CASE(Amount__c, 12.5, TRUE, FALSE)", 1);
    expect_rec("CASE(LeadSource, \"\", TRUE, FALSE)", empty_rec, 1);
}

static void
test_blank_and_null(void **state)
{
    (void)state;
    expect("ISBLANK(Email)", 0);
    expect_rec("ISBLANK(Email)", empty_rec, 1);
    expect_rec("ISBLANK(Amount__c)", empty_rec, 1);
    expect_rec("ISBLANK(LeadSource)", empty_rec, 1);
    expect_rec("ISBLANK(DoNotCall)", empty_rec, 0);
    expect("ISBLANK(\"\")", 1);
    expect("ISBLANK(NULL)", 1);
    /* Salesforce: text is never null, so ISNULL(text) is always FALSE. */
    expect_rec("ISNULL(Email)", empty_rec, 0);
    expect_rec("ISNULL(Amount__c)", empty_rec, 1);
    expect("ISNULL(Amount__c)", 0);
    /* Blank numbers are null: arithmetic stays null, orderings are FALSE,
     * equality with NULL holds. */
    expect_rec("Amount__c > 1", empty_rec, 0);
    expect_rec("Amount__c < 1", empty_rec, 0);
    expect_rec("Amount__c = NULL", empty_rec, 1);
    expect_rec("Amount__c + 1 = NULL", empty_rec, 1);
    expect_rec("Amount__c <> 5", empty_rec, 1);
    expect_rec("Email = \"\"", empty_rec, 1);
    expect_rec("Email <> \"\"", empty_rec, 0);
    expect_rec("NOT(Amount__c > 1)", empty_rec, 1);
    expect_rec("AND(TRUE, Amount__c > 1)", empty_rec, 0);
    expect_rec("IF(Amount__c > 1, FALSE, TRUE)", empty_rec, 1);
    expect_rec("BLANKVALUE(Email, \"none\") = \"none\"", empty_rec, 1);
    expect("BLANKVALUE(Email, \"none\") = \"zoe@example.com\"", 1);
    expect_rec("NULLVALUE(Amount__c, 0) = 0", empty_rec, 1);
    expect("NULLVALUE(Amount__c, 0) = 12.5", 1);
}

static void
test_picklists(void **state)
{
    (void)state;
    expect("ISPICKVAL(LeadSource, \"Web\")", 1);
    expect("ISPICKVAL(LeadSource, \"web\")", 0);
    expect_rec("ISPICKVAL(LeadSource, \"\")", empty_rec, 1);
    expect("INCLUDES(Interests__c, \"Beta\")", 1);
    expect("INCLUDES(Interests__c, \"Gamma\")", 1);
    expect("INCLUDES(Interests__c, \"Bet\")", 0);
    expect("INCLUDES(Interests__c, \"\")", 0);
    expect_rec("INCLUDES(Interests__c, \"Beta\")", empty_rec, 0);
    expect_rec("ISBLANK(Interests__c)", empty_rec, 1);
    expect("TEXT(LeadSource) = \"Web\"", 1);
}

static void
test_text_functions(void **state)
{
    (void)state;
    expect("LEN(\"héllo\") = 5", 1);
    expect("LEN(Name) = 11", 1);
    expect_rec("LEN(Email) = 0", empty_rec, 1);
    expect("LEFT(\"héllo\", 2) = \"hé\"", 1);
    expect("LEFT(\"abc\", -1) = \"\"", 1);
    expect("LEFT(\"abc\", 10) = \"abc\"", 1);
    expect("RIGHT(\"héllo\", 3) = \"llo\"", 1);
    expect("RIGHT(\"héllo\", 4) = \"éllo\"", 1);
    expect("RIGHT(\"abc\", 0) = \"\"", 1);
    expect("MID(\"héllo\", 2, 3) = \"éll\"", 1);
    expect("MID(\"abc\", 0, 2) = \"ab\"", 1);
    expect("MID(\"abc\", 3, 5) = \"c\"", 1);
    expect("MID(\"abc\", 9, 5) = \"\"", 1);
    expect("BEGINS(Email, \"zoe@\")", 1);
    expect("BEGINS(Email, \"oe@\")", 0);
    expect("BEGINS(\"a\", \"abc\")", 0);
    expect("CONTAINS(Email, \"example\")", 1);
    expect("CONTAINS(Email, \"Example\")", 0);
    expect("CONTAINS(\"abc\", \"\")", 1);
    expect("UPPER(\"école\") = \"ÉCOLE\"", 1);
    expect("LOWER(\"ÀB\") = \"àb\"", 1);
    expect("UPPER(Name) = \"ZOË EXAMPLE\"", 1);
    expect("TRIM(\"  a b \t\") = \"a b\"", 1);
    expect("TRIM(\"   \") = NULL", 1);
    expect("SUBSTITUTE(\"a-b-c\", \"-\", \"\") = \"abc\"", 1);
    expect("SUBSTITUTE(\"aaa\", \"a\", \"bb\") = \"bbbbbb\"", 1);
    expect("SUBSTITUTE(\"abc\", \"\", \"x\") = \"abc\"", 1);
    expect("ISNUMBER(\"12\")", 1);
    expect("ISNUMBER(\"-1.5\")", 1);
    expect("ISNUMBER(\"1e3\")", 1);
    expect("ISNUMBER(\"1a\")", 0);
    expect("ISNUMBER(\" 1\")", 0);
    expect("ISNUMBER(\"nan\")", 0);
    expect("ISNUMBER(\"\")", 0);
    expect("VALUE(\"12.5\") = 12.5", 1);
    expect("VALUE(\"-4\") + 4 = 0", 1);
    expect_rec("VALUE(Name) > 1", empty_rec, 0);
}

static void
test_text_conversion(void **state)
{
    (void)state;
    expect("TEXT(Amount__c) = \"12.5\"", 1);
    expect("TEXT(100) = \"100\"", 1);
    expect("TEXT(-0.25) = \"-0.25\"", 1);
    expect("TEXT(1/3) = \"0.333333333333333\"", 1);
    expect("TEXT(0.1 + 0.2) = \"0.3\"", 1);
    expect("TEXT(Birthday__c) = \"1990-02-28\"", 1);
    expect("TEXT(NOW()) = \"2026-11-26 22:43:13Z\"", 1);
    expect("TEXT(Name) = Name", 1);
    expect_rec("TEXT(Amount__c) = \"\"", empty_rec, 1);
}

static void
test_numbers_functions(void **state)
{
    (void)state;
    expect("ABS(-2) = 2", 1);
    expect("FLOOR(2.7) = 2", 1);
    expect("FLOOR(-2.5) = -2", 1);
    expect("CEILING(-2.5) = -3", 1);
    expect("MFLOOR(-2.5) = -3", 1);
    expect("MCEILING(-2.5) = -2", 1);
    expect("CEILING(2.1) = 3", 1);
    expect("ROUND(2.5, 0) = 3", 1);
    expect("ROUND(-2.5, 0) = -3", 1);
    expect("ROUND(1.2345, 2) = 1.23", 1);
    expect("MOD(7, 3) = 1", 1);
    expect("MIN(3, 1, 2) = 1", 1);
    expect("MAX(3, 1, 2) = 3", 1);
    expect("Discount__c = 0.1", 1);
    expect("ISNEW()", 1);
    expect("NOT(ISCHANGED(Name))", 1);
}

/* An update: the record now and as it was stored before. */
static void
test_isnew_ischanged_on_update(void **state)
{
    static const struct kv was[] = {{"Email", "old@example.com"},
                                    {"Phone", "(555) 123-4567"},
                                    {"Description", ""},
                                    {NULL, NULL}};
    struct field_access prior = {fake_value, fake_type, (void *)was, NULL};
    struct field_access fa = {fake_value, fake_type, (void *)lead_rec, &prior};
    static const char *const cases[][2] = {
        {"ISNEW()", "0"},
        {"ISCHANGED(Email)", "1"},       /* old@ -> zoe@ */
        {"ISCHANGED(Phone)", "0"},       /* the same value */
        {"ISCHANGED(Description)", "1"}, /* blank -> set */
        {"ISCHANGED(Company)", "1"},     /* absent -> set */
        {"ISCHANGED(Score__c)", "1"},
        {"ISCHANGED(LeadSource)", "1"},
    };
    struct formula_error err;
    struct formula *f;
    size_t i;
    int result;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        f = formula_parse(cases[i][0], strlen(cases[i][0]), &err);
        assert_non_null(f);
        assert_int_equal(formula_bind(f, fake_type, NULL, &err), 0);
        assert_int_equal(formula_eval_bool(f, &fa, test_now(), &result, &err),
                         0);
        assert_int_equal(result, cases[i][1][0] - '0');
        formula_free(f);
    }
}

static void
test_dates(void **state)
{
    (void)state;
    expect("TODAY() = DATEVALUE(\"2026-11-26\")", 1);
    expect("TODAY() = DATEVALUE(NOW())", 1);
    expect("Birthday__c < TODAY()", 1);
    expect("TODAY() - Birthday__c > 365", 1);
    expect("Birthday__c + 1 = DATEVALUE(\"1990-03-01\")", 1);
    expect("1 + Birthday__c = DATEVALUE(\"1990-03-01\")", 1);
    expect("Birthday__c - 59 = DATEVALUE(\"1989-12-31\")", 1);
    expect("YEAR(Birthday__c) = 1990 && MONTH(Birthday__c) = 2 && "
           "DAY(Birthday__c) = 28",
           1);
    expect("NOW() > Seen__c", 1);
    expect("NOW() - Seen__c > 1.5", 1);
    expect("NOW() - Seen__c < 1.6", 1);
    expect("Seen__c + 1 < NOW()", 1);
    expect("Seen__c + 2 < NOW()", 0);
    expect("DATEVALUE(\"2024-02-29\") + 365 = DATEVALUE(\"2025-02-28\")", 1);
    expect_rec("Birthday__c < TODAY()", empty_rec, 0);
}

static void
test_regex(void **state)
{
    (void)state;
    expect("REGEX(\"5551234567\", \"\\\\d{10}\")", 1);
    expect("REGEX(\"555-123-4567\", \"\\\\d{10}\")", 0);
    /* The whole string must match, as with Java's matches(). */
    expect("REGEX(\"abc\", \"b\")", 0);
    expect("REGEX(\"abc\", \".*b.*\")", 1);
    expect("REGEX(\"a.b\", \"a\\\\.b\")", 1);
    expect("REGEX(\"axb\", \"a\\\\.b\")", 0);
    expect("REGEX(\"x-y\", \"[a-z\\\\-]+\")", 1);
    expect("REGEX(\"a]\", \"[\\\\]a]+\")", 1);
    expect("REGEX(\"^\", \"[\\\\^]\")", 1);
    expect("REGEX(\"-^\", \"[\\\\^-]+\")", 1);
    expect("REGEX(\"q\", \"[^\\\\d\\\\s]\")", 1);
    expect("REGEX(\"1\", \"[^\\\\d\\\\s]\")", 0);
    expect("REGEX(\"ab_9 \", \"\\\\w+\\\\s\")", 1);
    expect("REGEX(\"abab\", \"(?:ab)+\")", 1);
    expect("REGEX(\"aXXb\", \"a.*?b\")", 1);
    expect("REGEX(\"a|b\", \"a\\\\|b\")", 1);
    expect("REGEX(\"\", \"a*\")", 1);
    expect("REGEX(\"é\", \".\")", 1);
    expect("REGEX(\"ééé\", \"é{3}\")", 1);
    expect(
        "REGEX(Email, \"[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\\\.[a-zA-Z]{2,}\")",
        1);
    expect("REGEX(\"US-123\", \"[A-Z]{2}-[0-9]{1,3}\")", 1);
    expect("REGEX(\"<b>\", \"\\\\<b\\\\>\")", 1);
    expect_rec("REGEX(Phone, \"\\\\d{10}\")", empty_rec, 0);
    /* A pattern computed at run time is compiled per evaluation. */
    expect("REGEX(\"abc\", LOWER(\"A\") & \"bc\")", 1);
}

static void
test_regex_errors(void **state)
{
    (void)state;
    expect_error("REGEX(Name, \"(\")", 1, 1, 13,
                 "Invalid regular expression: Unclosed group");
    expect_error("REGEX(Name, \"a)\")", 1, 1, 13,
                 "Invalid regular expression: Unmatched closing ')'");
    expect_error("REGEX(Name, \"(a)\\\\1\")", 1, 1, 13,
                 "Invalid regular expression: Backreferences are not "
                 "supported");
    expect_error("REGEX(Name, \"(?=a)\")", 1, 1, 13,
                 "Invalid regular expression: Unsupported group construct "
                 "'(?'");
    expect_error("REGEX(Name, \"\\\\p{L}\")", 1, 1, 13,
                 "Invalid regular expression: Unsupported escape sequence "
                 "'\\p'");
    expect_error("REGEX(Name, \"*a\")", 1, 1, 13,
                 "Invalid regular expression: Dangling meta character '*'");
    expect_error("REGEX(Name, \"a{2,1}\")", 1, 1, 13,
                 "Invalid regular expression: Illegal repetition range");
    expect_error("REGEX(Name, \"[a\")", 1, 1, 13,
                 "Invalid regular expression: Unclosed character class");
    expect_error("REGEX(Name, \"[z-a]\")", 1, 1, 13,
                 "Invalid regular expression: Illegal character range");
    expect_error("REGEX(Name, \"a++\")", 1, 1, 13,
                 "Invalid regular expression: Possessive quantifiers are not "
                 "supported");
    expect_error("REGEX(Name, \"((a{1000}){1000}){1000}\")", 1, 1, 13,
                 "Invalid regular expression: Regular expression is too "
                 "complex");
    expect_error("REGEX(Name, \".{0,600}.{0,600}\")", 1, 1, 13,
                 "Invalid regular expression: Regular expression is too "
                 "complex");
    expect("REGEX(Name, \".{0,400}.{0,400}\")", 1);
    expect_error("REGEX(Name, Description & \"(\")", 3, 1, 1,
                 "Invalid regular expression: Unclosed group");
}

/* ---- realistic rules --------------------------------------------------- */

static void
test_realistic_rules(void **state)
{
    static const struct kv digits[] = {{"Phone", "5551234567"}, {NULL, NULL}};
    static const struct kv distro[] = {{"LeadSource", "Lead Distro AI"},
                                       {NULL, NULL}};
    static const struct kv distro_ok[] = {
        {"LeadSource", "Lead Distro AI"}, {"Email", "a@b.co"}, {NULL, NULL}};
    static const char *const normalised =
        "AND(NOT(ISBLANK(Phone)),\n"
        "    NOT(REGEX(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(Phone,\n"
        "        \"(\", \"\"), \")\", \"\"), \" \", \"\"), \"-\", \"\"),\n"
        "        \"\\\\d{10}\")))";

    (void)state;
    expect("NOT(REGEX(Phone, \"\\\\d{10}\"))", 1);
    expect_rec("NOT(REGEX(Phone, \"\\\\d{10}\"))", digits, 0);
    expect(normalised, 0);
    expect_rec(normalised, digits, 0);
    expect_rec(normalised, empty_rec, 0);
    expect_rec(normalised,
               (const struct kv[]){{"Phone", "555-1234"}, {NULL, NULL}}, 1);
    expect_rec("AND(ISPICKVAL(LeadSource, \"Lead Distro AI\"), "
               "ISBLANK(Email))",
               distro, 1);
    expect_rec("AND(ISPICKVAL(LeadSource, \"Lead Distro AI\"), "
               "ISBLANK(Email))",
               distro_ok, 0);
    expect("AND(ISPICKVAL(LeadSource, \"Lead Distro AI\"), ISBLANK(Email))", 0);
    expect("LEN(Phone) <> 10", 1);
    expect_rec("LEN(Phone) <> 10", digits, 0);
    expect("OR(ISBLANK(Company), CONTAINS(LOWER(Email), \"test\"))", 0);
    expect_rec("OR(ISBLANK(Company), CONTAINS(LOWER(Email), \"test\"))",
               (const struct kv[]){
                   {"Company", "X"}, {"Email", "QA+TEST@x.io"}, {NULL, NULL}},
               1);
    expect("/* Spam filter */\n"
           "OR(\n"
           "  CONTAINS(Description, \"http://\"),\n"
           "  LEN(Name) > 80,\n"
           "  AND(Amount__c > 1000, NOT(ISPICKVAL(LeadSource, \"Partner\")))\n"
           ")",
           0);
}

/* ---- errors: parse -------------------------------------------------- */

static void
test_parse_errors(void **state)
{
    (void)state;
    expect_error("", 1, 1, 1, "Formula is empty");
    expect_error("  /* only a comment */ ", 1, 1, 24, "Formula is empty");
    expect_error("LEN(Name", 1, 1, 9, "Syntax error. Missing ')'");
    expect_error("LEN(Name Email)", 1, 1, 10, "Syntax error. Missing ')'");
    expect_error("(1 + 2", 1, 1, 7, "Syntax error. Missing ')'");
    expect_error("FOO(1)", 1, 1, 1, "Unknown function FOO. Check spelling.");
    expect_error("TRUE && \n  isblonk(Name)", 1, 2, 3,
                 "Unknown function isblonk. Check spelling.");
    expect_error("LEN(Name, 1) = 2", 1, 1, 1,
                 "Incorrect number of parameters for function 'LEN()'. "
                 "Expected 1, received 2");
    expect_error("IF(TRUE, 1)", 1, 1, 1,
                 "Incorrect number of parameters for function 'IF()'. "
                 "Expected 3, received 2");
    expect_error("AND()", 1, 1, 1,
                 "Incorrect number of parameters for function 'AND()'. "
                 "Expected at least 1, received 0");
    expect_error("CASE(1, 1, TRUE, 2, FALSE)", 1, 1, 1,
                 "Incorrect number of parameters for function 'CASE()'. "
                 "Expected 6, received 5");
    expect_error("TODAY(1)", 1, 1, 1,
                 "Incorrect number of parameters for function 'TODAY()'. "
                 "Expected 0, received 1");
    expect_error("AND(\n  TRUE,\n  \"abc)", 1, 3, 3,
                 "Syntax error. Missing closing \"");
    expect_error("'abc", 1, 1, 1, "Syntax error. Missing closing '");
    expect_error("1 + # 2", 1, 1, 5, "Syntax error. Found '#'");
    expect_error("\"é\" & €", 1, 1, 7, "Syntax error. Found '€'");
    expect_error("TRUE)", 1, 1, 5, "Syntax error. Extra ')'");
    expect_error("TRUE FALSE", 1, 1, 6, "Syntax error. Extra 'FALSE'");
    expect_error("1 +", 1, 1, 4, "Syntax error. Unexpected end of formula");
    expect_error("AND(TRUE,)", 1, 1, 10, "Syntax error. Found ')'");
    expect_error("LEN(\"\\d\") = 2", 1, 1, 6,
                 "Syntax error. Invalid escape sequence '\\d'");
    expect_error("\"\\u12\"", 1, 1, 2,
                 "Syntax error. Invalid escape sequence '\\u'");
    expect_error("TRUE /* open", 1, 1, 6,
                 "Syntax error. Missing '*/' to close the comment");
    expect_error("1e5 = 1", 1, 1, 2, "Syntax error. Extra 'e5'");
}

static void
test_limits(void **state)
{
    struct formula_error err;
    struct formula *f;
    char *text;
    size_t n, i;

    (void)state;
    /* Nesting: parentheses, calls, unary operators, operator chains. */
    n = 3000;
    text = malloc(4 * n + 16);
    assert_non_null(text);
    memset(text, '(', n);
    memcpy(text + n, "TRUE", 4);
    memset(text + n + 4, ')', n);
    f = formula_parse(text, 2 * n + 4, &err);
    assert_null(f);
    assert_string_equal(err.message, "Formula is too complex: nesting is "
                                     "deeper than 100 levels");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 101);

    for (i = 0; i < n; i++)
        memcpy(text + 4 * i, "NOT(", 4);
    f = formula_parse(text, 4 * (n / 2), &err);
    assert_null(f);
    assert_int_equal(err.column, 401);

    memset(text, '!', n);
    memcpy(text + n, "TRUE", 4);
    assert_null(formula_parse(text, n + 4, &err));
    assert_int_equal(err.column, 101);

    for (i = 0; i < 1000; i++)
        memcpy(text + 3 * i, "1+", 2), text[3 * i + 2] = ' ';
    memcpy(text + 3000, "1=1", 3);
    assert_null(formula_parse(text, 3003, &err));
    assert_string_equal(err.message, "Formula is too complex: nesting is "
                                     "deeper than 100 levels");

    /* 99 levels are fine and evaluate. */
    memset(text, '(', 99);
    memcpy(text + 99, "TRUE", 4);
    memset(text + 103, ')', 99);
    f = formula_parse(text, 202, &err);
    assert_non_null(f);
    formula_free(f);
    free(text);

    /* Length. */
    text = malloc(FORMULA_MAX_LEN + 2);
    assert_non_null(text);
    memset(text, ' ', FORMULA_MAX_LEN + 1);
    memcpy(text, "TRUE", 4);
    assert_null(formula_parse(text, FORMULA_MAX_LEN + 1, &err));
    assert_string_equal(err.message, "Formula is too long (10001 "
                                     "characters). Maximum length is 10000 "
                                     "characters.");
    f = formula_parse(text, FORMULA_MAX_LEN, &err);
    assert_non_null(f);
    formula_free(f);
    free(text);

    /* Arguments per call. */
    text = malloc(8 * 300 + 16);
    assert_non_null(text);
    memcpy(text, "AND(", 4);
    for (i = 0; i < 300; i++)
        memcpy(text + 4 + 5 * i, "TRUE,", 5);
    text[4 + 5 * 300 - 1] = ')';
    assert_null(formula_parse(text, 4 + 5 * 300, &err));
    assert_string_equal(err.message, "Too many parameters for function "
                                     "'AND()'. Maximum is 255");
    free(text);
}

/* ---- errors: bind
 * ----------------------------------------------------------*/

static void
test_bind_errors(void **state)
{
    (void)state;
    expect_error("ISBLANK(Foo__c)", 2, 1, 9,
                 "Field Foo__c does not exist. Check spelling.");
    expect_error("AND(TRUE,\n    Account.Owner = \"x\")", 2, 2, 5,
                 "Field Account.Owner does not exist. Check spelling.");
    /* + also concatenates text, so the number is what does not fit. */
    expect_error("Name + 1 > 0", 2, 1, 8,
                 "Incorrect parameter type for operator '+'. Expected "
                 "Text, received Number");
    expect_error("Birthday__c + Name > 0", 2, 1, 15,
                 "Incorrect parameter type for operator '+'. Expected "
                 "Number, received Text");
    expect_error("1 + Name > 0", 2, 1, 5,
                 "Incorrect parameter type for operator '+'. Expected "
                 "Number, Date, DateTime, received Text");
    expect_error("Amount__c * Name > 0", 2, 1, 13,
                 "Incorrect parameter type for operator '*'. Expected "
                 "Number, received Text");
    expect_error("Name & 1 = \"x\"", 2, 1, 8,
                 "Incorrect parameter type for operator '&'. Expected "
                 "Text, received Number");
    expect_error("Name < \"b\"", 2, 1, 1,
                 "Incorrect parameter type for operator '<'. Expected "
                 "Number, Date, DateTime, received Text");
    expect_error("Birthday__c < NOW()", 2, 1, 15,
                 "Incorrect parameter type for operator '<'. Expected Date, "
                 "received DateTime");
    expect_error("1 <> \"1\"", 2, 1, 6,
                 "Incorrect parameter type for operator '<>'. Expected "
                 "Number, received Text");
    expect_error("-Name = 1", 2, 1, 2,
                 "Incorrect parameter type for operator '-'. Expected "
                 "Number, received Text");
    expect_error("!Name", 2, 1, 2,
                 "Incorrect parameter type for operator '!'. Expected "
                 "Boolean, received Text");
    expect_error("LeadSource = \"Web\"", 2, 1, 1,
                 "Field LeadSource is a picklist field. Picklist fields are "
                 "only supported in certain functions.");
    expect_error("CONTAINS(Interests__c, \"a\")", 2, 1, 10,
                 "Field Interests__c is a multi-select picklist field. "
                 "Multi-select picklist fields are only supported in "
                 "certain functions.");
    expect_error("ISPICKVAL(Name, \"x\")", 2, 1, 11,
                 "Incorrect parameter type for function 'ISPICKVAL()'. "
                 "Expected Picklist, received Text");
    expect_error("LEN(Amount__c) > 1", 2, 1, 5,
                 "Incorrect parameter type for function 'LEN()'. Expected "
                 "Text, received Number");
    expect_error("IF(TRUE, 1, \"a\") = 1", 2, 1, 13,
                 "Incorrect parameter type for function 'IF()'. Expected "
                 "Number, received Text");
    expect_error("IF(1, TRUE, FALSE)", 2, 1, 4,
                 "Incorrect parameter type for function 'IF()'. Expected "
                 "Boolean, received Number");
    expect_error("CASE(LeadSource, 1, TRUE, FALSE)", 2, 1, 18,
                 "Incorrect parameter type for function 'CASE()'. Expected "
                 "Text, received Number");
    expect_error("TEXT(DoNotCall) = \"true\"", 2, 1, 6,
                 "Incorrect parameter type for function 'TEXT()'. Expected "
                 "Number, Text, Date, DateTime, Picklist, received Boolean");
    expect_error("LEN(Name)", 2, 1, 1,
                 "Formula result is data type (Number), incompatible with "
                 "expected data type (true or false).");
    expect_error("Name", 2, 1, 1,
                 "Formula result is data type (Text), incompatible with "
                 "expected data type (true or false).");
    expect_error("NULL", 2, 1, 1,
                 "Formula result is data type (Null), incompatible with "
                 "expected data type (true or false).");
}

/* ---- errors: evaluation
 * -----------------------------------------------------*/

static void
test_eval_errors(void **state)
{
    static const struct kv bad[] = {{"Amount__c", "12abc"},
                                    {"Birthday__c", "1990-02-30"},
                                    {"Seen__c", "yesterday"},
                                    {NULL, NULL}};
    struct formula_error err;
    struct formula *f;
    int result = 1;

    (void)state;
    expect_error("1 / 0 = 1", 3, 1, 3, "Division by zero");
    expect_error("MOD(1, 0) = 1", 3, 1, 1, "Division by zero");
    expect_error("VALUE(\"abc\") = 1", 3, 1, 1,
                 "VALUE() was given text that is not a number");
    expect_error("10 ^ 400 > 1", 3, 1, 4, "Number is out of range");
    expect_error("DATEVALUE(Name) = TODAY()", 3, 1, 1,
                 "DATEVALUE() was given text that is not a date");
    expect_error("TODAY() + 100000000 > TODAY()", 3, 1, 9,
                 "Date is out of range");

    f = formula_parse("Amount__c > 1", 13, &err);
    assert_non_null(f);
    /* Evaluating before binding is refused. */
    assert_int_equal(formula_eval_bool(f, NULL, 0, &result, &err), -1);
    assert_int_equal(result, 0);
    assert_int_equal(formula_bind(f, fake_type, NULL, &err), 0);
    {
        struct field_access fa = {fake_value, fake_type, (void *)bad, NULL};

        result = 1;
        assert_int_equal(formula_eval_bool(f, &fa, 0, &result, &err), -1);
        assert_int_equal(result, 0);
        assert_string_equal(err.message,
                            "Field Amount__c holds a value that is not a "
                            "number");
    }
    formula_free(f);
    assert_int_equal(run("Birthday__c > TODAY()", bad, &result, &err), 3);
    assert_string_equal(err.message,
                        "Field Birthday__c holds a value that is not a date");
    assert_int_equal(err.column, 1);
    assert_int_equal(run("Seen__c > NOW()", bad, &result, &err), 3);
    assert_string_equal(err.message,
                        "Field Seen__c holds a value that is not a date/time");
}

static void
test_eval_text_cap(void **state)
{
    static char big[2101];
    struct kv rec[] = {{"Description", big}, {NULL, NULL}};
    struct formula_error err;
    int result;

    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    assert_int_equal(run("LEN(SUBSTITUTE(Description, \"a\", Description)) "
                         "> 0",
                         rec, &result, &err),
                     3);
    assert_int_equal(result, 0);
    assert_string_equal(err.message,
                        "Formula produced more than 4194304 bytes of text");
    assert_int_equal(run("REGEX(SUBSTITUTE(Description, \"a\", "
                         "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                         "aaaaaaaaaaaaaaa\"), "
                         "\"a*\")",
                         rec, &result, &err),
                     3);
    assert_string_equal(err.message,
                        "REGEX() text is longer than 131072 bytes");
}

/* ---- hostile input
 * ---------------------------------------------------------*/

static uint32_t
rng_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void
try_formula(const char *text, size_t len)
{
    struct field_access fa = {fake_value, fake_type, (void *)lead_rec, NULL};
    struct formula_error err;
    struct formula *f;
    int result;

    if ((f = formula_parse(text, len, &err)) == NULL) {
        assert_true(err.message[0] != '\0');
        return;
    }
    if (formula_bind(f, fake_type, NULL, &err) == 0)
        (void)formula_eval_bool(f, &fa, 0, &result, NULL);
    formula_free(f);
}

static void
test_hostile(void **state)
{
    static const char *const pieces[] = {
        "AND(",    "OR(",   "NOT(",        "IF(",        "CASE(", "REGEX(",
        "LEN(",    "MID(",  ")",           ",",          "\"",    "'",
        "\\",      "Name",  "Amount__c",   "LeadSource", "1",     ".5",
        "TRUE",    "NULL",  "+",           "-",          "*",     "/",
        "^",       "&",     "=",           "<>",         "&&",    "||",
        "!",       "/*",    "*/",          "[",          "(",     "{2}",
        "\xc3",    "\xa9",  "\0",          " ",          "\n",    "é",
        "TODAY()", "\\\\d", "SUBSTITUTE(",
    };
    const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
    const char *valid =
        "AND(NOT(ISBLANK(Phone)), NOT(REGEX(Phone, \"\\\\d{3}-[0-9]+\")), "
        "CASE(LeadSource, 'Web', Amount__c > 1, FALSE) || 'x' & \"y\" = "
        "TEXT(TODAY()))";
    char buf[512];
    uint32_t seed = 12345;
    size_t i, len, k, n;

    (void)state;
    /* Every prefix of a valid formula: unterminated strings, calls... */
    for (i = 0; i <= strlen(valid); i++)
        try_formula(valid, i);
    /* Random bytes. */
    for (i = 0; i < 3000; i++) {
        len = rng_next(&seed) % sizeof(buf);
        for (k = 0; k < len; k++)
            buf[k] = (char)rng_next(&seed);
        try_formula(buf, len);
    }
    /* Random sequences of meaningful pieces. */
    for (i = 0; i < 5000; i++) {
        len = 0;
        n = rng_next(&seed) % 40;
        for (k = 0; k < n; k++) {
            const char *p = pieces[rng_next(&seed) % npieces];
            size_t pl = p[0] == '\0' ? 1 : strlen(p);

            if (len + pl > sizeof(buf))
                break;
            memcpy(buf + len, p, pl);
            len += pl;
        }
        try_formula(buf, len);
    }
    /* NULL text and NULL error pointers are fine. */
    assert_null(formula_parse(NULL, 0, NULL));
    assert_null(formula_parse("(", 1, NULL));
    formula_free(NULL);
    assert_int_equal(formula_bind(NULL, fake_type, NULL, NULL), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_comparison_and_logic),
        cmocka_unit_test(test_syntax_extras),
        cmocka_unit_test(test_logic_functions),
        cmocka_unit_test(test_blank_and_null),
        cmocka_unit_test(test_picklists),
        cmocka_unit_test(test_text_functions),
        cmocka_unit_test(test_text_conversion),
        cmocka_unit_test(test_numbers_functions),
        cmocka_unit_test(test_isnew_ischanged_on_update),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_regex_errors),
        cmocka_unit_test(test_realistic_rules),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_bind_errors),
        cmocka_unit_test(test_eval_errors),
        cmocka_unit_test(test_eval_text_cap),
        cmocka_unit_test(test_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
