/*
 * test_soql.c - the SOQL engine: parsing, Salesforce's error texts, binding
 * against a fake schema, WHERE and ORDER BY over fake records, and hostile
 * input.
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

#include "soql.h"
#include "utf8.h"
#include "xmalloc.h"

/* 2026-03-15T12:00:00Z, a Sunday. */
#define NOW_MS 1773576000000LL

/* ---- a fake schema: Lead and Order ---- */

static const struct fake_field {
    const char *name;
    enum fieldtype type;
} lead_fields[] = {
    {"Id", FT_ID},
    {"FirstName", FT_STRING},
    {"LastName", FT_STRING},
    {"Email", FT_EMAIL},
    {"Company", FT_STRING},
    {"Status", FT_PICKLIST},
    {"NumberOfEmployees", FT_INT},
    {"AnnualRevenue", FT_CURRENCY},
    {"IsConverted", FT_BOOLEAN},
    {"CreatedDate", FT_DATETIME},
    {"Birthday__c", FT_DATE},
    {"OwnerId", FT_REFERENCE},
    {"Description", FT_TEXTAREA},
    {NULL, FT_UNKNOWN},
};

static int
fake_object(void *arg, const char *object, char *canonical, size_t n)
{
    static const char *const objects[] = {"Lead", "Order", NULL};
    size_t i;

    (void)arg;
    for (i = 0; objects[i] != NULL; i++) {
        if (strcasecmp(objects[i], object) == 0) {
            snprintf(canonical, n, "%s", objects[i]);
            return 1;
        }
    }
    return 0;
}

static enum fieldtype
fake_field_type(void *arg, const char *object, const char *field,
                char *canonical, size_t n)
{
    const struct fake_field *f;

    (void)arg;
    (void)object;
    for (f = lead_fields; f->name != NULL; f++) {
        if (strcasecmp(f->name, field) == 0) {
            snprintf(canonical, n, "%s", f->name);
            return f->type;
        }
    }
    return FT_UNKNOWN;
}

static const struct soql_schema schema = {
    .object_exists = fake_object,
    .field_type = fake_field_type,
    .arg = NULL,
};

/* ---- a fake record: up to 16 name/value pairs ---- */

struct fake_rec {
    const char *names[16];
    const char *values[16];
    struct field_access fa;
};

static const char *
fake_value(void *arg, const char *field, size_t *len)
{
    struct fake_rec *r = arg;
    size_t i;

    for (i = 0; i < 16 && r->names[i] != NULL; i++) {
        if (strcasecmp(r->names[i], field) == 0) {
            if (r->values[i] == NULL)
                return NULL;
            *len = strlen(r->values[i]);
            return r->values[i];
        }
    }
    return NULL;
}

static enum fieldtype
fake_type(void *arg, const char *field)
{
    char buf[SOQL_NAME_MAX];

    (void)arg;
    return fake_field_type(NULL, "Lead", field, buf, sizeof(buf));
}

/* Builds a record from "Name", "value", ... pairs ending in NULL. */
static struct fake_rec *
rec_new(const char *name, ...)
{
    struct fake_rec *r = xcalloc(1, sizeof(*r));
    va_list ap;
    size_t i = 0;

    va_start(ap, name);
    while (name != NULL && i < 15) {
        r->names[i] = name;
        r->values[i] = va_arg(ap, const char *);
        i++;
        name = va_arg(ap, const char *);
    }
    va_end(ap);
    r->fa.value = fake_value;
    r->fa.type = fake_type;
    r->fa.arg = r;
    return r;
}

/* ---- helpers ---- */

static struct soql_query *
parse_ok(const char *text)
{
    struct soql_error err = {.code = ""};
    struct soql_query *q = soql_parse(text, strlen(text), &err);

    if (q == NULL)
        fail_msg("parse failed: %s: %s", err.code, err.message);
    return q;
}

static struct soql_query *
bind_ok(const char *text)
{
    struct soql_error err = {.code = ""};
    struct soql_query *q = parse_ok(text);

    if (soql_bind(q, &schema, &err) != 0)
        fail_msg("bind failed: %s: %s", err.code, err.message);
    return q;
}

/* Parses and binds text, expecting failure with code and message. */
static void
expect_error(const char *text, const char *code, const char *message)
{
    struct soql_error err = {.code = ""};
    struct soql_query *q = soql_parse(text, strlen(text), &err);

    if (q != NULL) {
        assert_int_equal(soql_bind(q, &schema, &err), -1);
        soql_free(q);
    }
    assert_string_equal(err.code, code);
    if (message != NULL)
        assert_string_equal(err.message, message);
}

/* Does the query select the record? */
static int
matches(const char *where, struct fake_rec *r)
{
    char text[1024];
    struct soql_query *q;
    int m;

    snprintf(text, sizeof(text), "SELECT Id FROM Lead WHERE %s", where);
    q = bind_ok(text);
    m = soql_match(q, &r->fa, NOW_MS);
    soql_free(q);
    return m;
}

/* 1 when s is well-formed UTF-8 throughout. */
static int
valid_text(const char *s)
{
    return utf8_valid(s, strlen(s));
}

/* ---- parsing ---- */

static void
test_parse_select(void **state)
{
    struct soql_query *q =
        parse_ok("select Id, firstname ,Email from lead limit 10 offset 5");

    (void)state;
    assert_string_equal(soql_object(q), "lead");
    assert_int_equal(soql_is_count(q), 0);
    assert_int_equal(soql_field_count(q), 3);
    assert_string_equal(soql_field(q, 0), "Id");
    assert_string_equal(soql_field(q, 1), "firstname");
    assert_string_equal(soql_field(q, 2), "Email");
    assert_null(soql_field(q, 3));
    assert_int_equal(soql_limit(q), 10);
    assert_int_equal(soql_offset(q), 5);
    assert_int_equal(soql_has_order(q), 0);
    soql_free(q);

    q = parse_ok("SELECT Id FROM Lead");
    assert_int_equal(soql_limit(q), -1);
    assert_int_equal(soql_offset(q), 0);
    soql_free(q);
}

static void
test_parse_count(void **state)
{
    struct soql_query *q = parse_ok("SELECT COUNT() FROM Lead WHERE "
                                    "Email != null");

    (void)state;
    assert_int_equal(soql_is_count(q), 1);
    assert_int_equal(soql_field_count(q), 0);
    soql_free(q);
    q = parse_ok("select count ( ) from Lead");
    assert_int_equal(soql_is_count(q), 1);
    soql_free(q);
}

static void
test_parse_every_construct(void **state)
{
    static const char *const ok[] = {
        "SELECT Id FROM Lead WHERE Email = 'a@b.c'",
        "SELECT Id FROM Lead WHERE Email <> 'a' AND Email != 'b'",
        "SELECT Id FROM Lead WHERE NumberOfEmployees < 5 OR "
        "NumberOfEmployees > 10 OR NumberOfEmployees <= -1.5 OR "
        "NumberOfEmployees >= +.5",
        "SELECT Id FROM Lead WHERE Email LIKE 'a\\%b\\_c%'",
        "SELECT Id FROM Lead WHERE Status IN ('Open', 'Closed', null)",
        "SELECT Id FROM Lead WHERE Status NOT IN ('Open')",
        "SELECT Id FROM Lead WHERE NOT (Email = null OR Company = null)",
        "SELECT Id FROM Lead WHERE NOT NOT Email = null",
        "SELECT Id FROM Lead WHERE ((Email = null) AND (Company = 'x'))",
        "SELECT Id FROM Lead WHERE IsConverted = TRUE AND IsConverted != "
        "false",
        "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01T00:00:00Z",
        "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01T00:00:00.000Z",
        "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01T00:00:00+05:30",
        "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01T00:00:00-0800",
        "SELECT Id FROM Lead WHERE Birthday__c = 2000-02-29",
        "SELECT Id FROM Lead WHERE CreatedDate = TODAY OR CreatedDate = "
        "yesterday OR CreatedDate = LAST_N_DAYS:30 OR CreatedDate = "
        "NEXT_N_DAYS : 3 OR CreatedDate = THIS_MONTH OR CreatedDate = "
        "LAST_N_YEARS:2",
        "SELECT Id FROM Lead ORDER BY LastName",
        "SELECT Id FROM Lead ORDER BY LastName ASC NULLS LAST, Email DESC, "
        "Company DESC NULLS FIRST LIMIT 1 OFFSET 0",
        "SELECT Id FROM Lead l WHERE l.Email = 'x' ORDER BY l.LastName",
        "SELECT Lead.Id FROM Lead",
        "SELECT Id FROM Order ORDER BY Id",
        "SELECT Id\nFROM Lead\r\nWHERE\tEmail = 'x'",
        "SELECT Id FROM Lead WHERE Email = 'it\\'s \\\\ \\n \\t \\\" ok'",
        "SELECT Id FROM Lead WHERE Email = 'caf\xc3\xa9'",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        soql_free(bind_ok(ok[i]));
}

static void
test_parse_order_accessors(void **state)
{
    struct soql_query *q = bind_ok("SELECT Id FROM Lead ORDER BY email");

    (void)state;
    assert_int_equal(soql_has_order(q), 1);
    soql_free(q);
}

/* ---- binding ---- */

static void
test_bind_canonical(void **state)
{
    struct soql_query *q =
        bind_ok("SELECT id, FIRSTNAME, lead.email FROM LEAD x WHERE "
                "x.company = 'a'");

    (void)state;
    assert_string_equal(soql_object(q), "Lead");
    assert_string_equal(soql_field(q, 0), "Id");
    assert_string_equal(soql_field(q, 1), "FirstName");
    assert_string_equal(soql_field(q, 2), "Email");
    soql_free(q);
}

/* ---- error messages ---- */

static void
test_error_invalid_type(void **state)
{
    (void)state;
    expect_error("SELECT Id FROM no_such_object", "INVALID_TYPE",
                 "\nSELECT Id FROM no_such_object\n"
                 "               ^\n"
                 "ERROR at Row:1:Column:16\n"
                 "sObject type 'no_such_object' is not supported. If you are "
                 "attempting to use a custom object, be sure to append the "
                 "'__c' after the entity name. Please reference your WSDL or "
                 "the describe call for the appropriate names.");
}

static void
test_error_invalid_field(void **state)
{
    (void)state;
    expect_error("SELECT Foo FROM Lead", "INVALID_FIELD",
                 "\nSELECT Foo FROM Lead\n"
                 "       ^\n"
                 "ERROR at Row:1:Column:8\n"
                 "No such column 'Foo' on entity 'Lead'. If you are "
                 "attempting to use a custom field, be sure to append the "
                 "'__c' after the custom field name. Please reference your "
                 "WSDL or the describe call for the appropriate names.");
    /* The entity is named canonically; WHERE and ORDER BY are checked. */
    expect_error("SELECT Id FROM lead WHERE Bar = 1", "INVALID_FIELD",
                 "\nSELECT Id FROM lead WHERE Bar = 1\n"
                 "                          ^\n"
                 "ERROR at Row:1:Column:27\n"
                 "No such column 'Bar' on entity 'Lead'. If you are "
                 "attempting to use a custom field, be sure to append the "
                 "'__c' after the custom field name. Please reference your "
                 "WSDL or the describe call for the appropriate names.");
    expect_error("SELECT Id FROM Lead ORDER BY Baz", "INVALID_FIELD", NULL);
    expect_error("SELECT Id FROM Lead WHERE Owner.Name = 'x'", "INVALID_FIELD",
                 "\nSELECT Id FROM Lead WHERE Owner.Name = 'x'\n"
                 "                          ^\n"
                 "ERROR at Row:1:Column:27\n"
                 "Didn't understand relationship 'Owner' in field path. If "
                 "you are attempting to use a custom relationship, be sure "
                 "to append the '__r' after the custom relationship name. "
                 "Please reference your WSDL or the describe call for the "
                 "appropriate names.");
}

static void
test_error_malformed(void **state)
{
    (void)state;
    expect_error("SELECT Id FROM", "MALFORMED_QUERY",
                 "\nSELECT Id FROM\n"
                 "              ^\n"
                 "ERROR at Row:1:Column:15\n"
                 "unexpected token: <EOF>");
    expect_error("SELECT Id Lead", "MALFORMED_QUERY",
                 "\nSELECT Id Lead\n"
                 "          ^\n"
                 "ERROR at Row:1:Column:11\n"
                 "unexpected token: Lead");
    expect_error("SELECT FROM Lead", "MALFORMED_QUERY",
                 "\nSELECT FROM Lead\n"
                 "       ^\n"
                 "ERROR at Row:1:Column:8\n"
                 "unexpected token: FROM");
    /* Row and column count lines and characters, not bytes. */
    expect_error("SELECT Id\nFROM Lead\nWHERE Email = 'é' 'x'",
                 "MALFORMED_QUERY",
                 "\nWHERE Email = 'é' 'x'\n"
                 "                  ^\n"
                 "ERROR at Row:3:Column:19\n"
                 "unexpected token: 'x'");
    /* SOQL needs parentheses to mix AND and OR. */
    expect_error("SELECT Id FROM Lead WHERE Email = 'a' AND Email = 'b' OR "
                 "Email = 'c'",
                 "MALFORMED_QUERY", NULL);
    expect_error("SELECT Id FROM Lead WHERE Email = 'a' OR Email = 'b' AND "
                 "Email = 'c'",
                 "MALFORMED_QUERY", NULL);
    expect_error("", "MALFORMED_QUERY",
                 "\n\n^\nERROR at Row:1:Column:1\nunexpected token: <EOF>");
}

static void
test_error_malformed_more(void **state)
{
    static const char *const bad[] = {
        "SELECT Id, FROM Lead",
        "SELECT Id FROM Lead WHERE",
        "SELECT Id FROM Lead WHERE Email",
        "SELECT Id FROM Lead WHERE Email =",
        "SELECT Id FROM Lead WHERE Email = 'a' AND",
        "SELECT Id FROM Lead WHERE (Email = 'a'",
        "SELECT Id FROM Lead WHERE Email = 'a')",
        "SELECT Id FROM Lead WHERE Status IN ()",
        "SELECT Id FROM Lead WHERE Status IN ('a',)",
        "SELECT Id FROM Lead WHERE Status IN 'a'",
        "SELECT Id FROM Lead WHERE Status NOT LIKE 'a'",
        "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS",
        "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:-1",
        "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:1.5",
        "SELECT Id FROM Lead WHERE CreatedDate = NO_SUCH_LITERAL",
        "SELECT Id FROM Lead WHERE CreatedDate > 2026-13-01",
        "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01T25:00:00Z",
        "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01T00:00:00",
        "SELECT Id FROM Lead WHERE Email = 'a\\q'",
        "SELECT Id FROM Lead WHERE Email INCLUDES ('a')",
        "SELECT Id FROM Lead WHERE NumberOfEmployees = 5abc",
        "SELECT Id FROM Lead WHERE Email = 'a' #",
        "SELECT Id FROM Lead LIMIT",
        "SELECT Id FROM Lead LIMIT -1",
        "SELECT Id FROM Lead LIMIT 1.5",
        "SELECT Id FROM Lead LIMIT 99999999999999999999",
        "SELECT Id FROM Lead OFFSET 1 LIMIT 1",
        "SELECT Id FROM Lead ORDER LastName",
        "SELECT Id FROM Lead ORDER BY LastName NULLS",
        "SELECT Id FROM Lead ORDER BY LastName NULLS MIDDLE",
        "SELECT Id FROM Lead GROUP BY Id",
        "SELECT Id FROM Lead;",
        "SELECT COUNT(Id) FROM Lead",
        "SELECT Id, COUNT() FROM Lead",
        "SELECT COUNT(), Id FROM Lead",
        "SELECT Id FROM Lead WHERE Email = 'a' Email = 'b'",
        "UPDATE Lead SET Email = 'x'",
        "SELECT Id FROM Lead WHERE Id = :bindvar",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct soql_error err = {.code = ""};
        struct soql_query *q = soql_parse(bad[i], strlen(bad[i]), &err);

        if (q != NULL)
            fail_msg("parsed: %s", bad[i]);
        assert_string_equal(err.code, "MALFORMED_QUERY");
        assert_true(strstr(err.message, "ERROR at Row:1:Column:") != NULL);
    }
}

static void
test_error_unterminated_string(void **state)
{
    (void)state;
    expect_error("SELECT Id FROM Lead WHERE Email = 'abc", "MALFORMED_QUERY",
                 "\nSELECT Id FROM Lead WHERE Email = 'abc\n"
                 "                                  ^\n"
                 "ERROR at Row:1:Column:35\n"
                 "line 1:38 mismatched character '<EOF>' expecting '''");
    expect_error("SELECT Id FROM Lead WHERE Email = 'abc\\'", "MALFORMED_QUERY",
                 NULL);
    expect_error("SELECT Id FROM Lead WHERE Email = 'abc\\", "MALFORMED_QUERY",
                 NULL);
    expect_error("'", "MALFORMED_QUERY", NULL);
}

static void
test_error_bad_character(void **state)
{
    (void)state;
    expect_error("SELECT Id FROM Lead WHERE Email = 'a' & x", "MALFORMED_QUERY",
                 "\nSELECT Id FROM Lead WHERE Email = 'a' & x\n"
                 "                                      ^\n"
                 "ERROR at Row:1:Column:39\n"
                 "line 1:38 no viable alternative at character '&'");
}

static void
test_error_literal_type(void **state)
{
    (void)state;
    expect_error("SELECT Id FROM Lead WHERE NumberOfEmployees = '5'",
                 "INVALID_FIELD",
                 "\nSELECT Id FROM Lead WHERE NumberOfEmployees = '5'\n"
                 "                                              ^\n"
                 "ERROR at Row:1:Column:47\n"
                 "value of filter criterion for field 'NumberOfEmployees' "
                 "must be of type integer and should not be enclosed in "
                 "quotes");
    expect_error("SELECT Id FROM Lead WHERE Email = 5", "INVALID_FIELD",
                 "\nSELECT Id FROM Lead WHERE Email = 5\n"
                 "                                  ^\n"
                 "ERROR at Row:1:Column:35\n"
                 "value of filter criterion for field 'Email' must be of "
                 "type string and should be enclosed in quotes");
    expect_error("SELECT Id FROM Lead WHERE IsConverted = 'true'",
                 "INVALID_FIELD", NULL);
    expect_error("SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01",
                 "INVALID_FIELD", NULL);
    expect_error("SELECT Id FROM Lead WHERE Birthday__c > "
                 "2026-01-01T00:00:00Z",
                 "INVALID_FIELD", NULL);
    expect_error("SELECT Id FROM Lead WHERE CreatedDate > '2026-01-01'",
                 "INVALID_FIELD", NULL);
    expect_error("SELECT Id FROM Lead WHERE Status IN ('a', 5)",
                 "INVALID_FIELD", NULL);
    expect_error("SELECT Id FROM Lead WHERE NumberOfEmployees LIKE 5",
                 "INVALID_FIELD", NULL);
}

static void
test_error_duplicate_field(void **state)
{
    (void)state;
    expect_error("SELECT Id, Email, email FROM Lead", "MALFORMED_QUERY",
                 "\nSELECT Id, Email, email FROM Lead\n"
                 "                  ^\n"
                 "ERROR at Row:1:Column:19\n"
                 "duplicate field selected: Email");
}

static void
test_error_first_wins(void **state)
{
    struct soql_error err = {.code = "EARLIER", .message = "kept"};
    struct soql_query *q = soql_parse("SELECT", 6, &err);

    (void)state;
    assert_null(q);
    assert_string_equal(err.code, "EARLIER");
    assert_string_equal(err.message, "kept");
    /* A NULL err is allowed. */
    assert_null(soql_parse("SELECT", 6, NULL));
    q = parse_ok("SELECT Nope FROM Lead");
    assert_int_equal(soql_bind(q, &schema, NULL), -1);
    soql_free(q);
}

static void
test_error_long_row_windowed(void **state)
{
    char text[4000];
    struct soql_error err = {.code = ""};
    struct soql_query *q;
    size_t n;
    char *caret;

    (void)state;
    n = (size_t)snprintf(text, sizeof(text), "SELECT Id FROM Lead WHERE ");
    while (n < 3000)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "Email = 'x' AND ");
    snprintf(text + n, sizeof(text) - n, "Nope = 'y'");
    q = parse_ok(text);
    assert_int_equal(soql_bind(q, &schema, &err), -1);
    assert_string_equal(err.code, "INVALID_FIELD");
    assert_true(strlen(err.message) < sizeof(err.message));
    assert_non_null(strstr(err.message, "No such column 'Nope' on entity "
                                        "'Lead'. If you are attempting to "
                                        "use a custom field, be sure to "
                                        "append the '__c' after the custom "
                                        "field name. Please reference your "
                                        "WSDL or the describe call for the "
                                        "appropriate names."));
    snprintf(text, sizeof(text), "ERROR at Row:1:Column:%zu\n", n + 1);
    assert_non_null(strstr(err.message, text));
    /* The caret still points at the offending name in the echoed window. */
    caret = strchr(err.message + 1, '\n') + 1;
    assert_memory_equal(err.message + 1 + (strchr(caret, '^') - caret), "Nope",
                        4);
    soql_free(q);
}

/* ---- evaluation ---- */

static void
test_match_strings(void **state)
{
    struct fake_rec *r = rec_new("Email", "Ann@Example.com", "Company", "Acme",
                                 "LastName", NULL, NULL);

    (void)state;
    assert_true(matches("Email = 'ann@example.COM'", r));
    assert_false(matches("Email = 'ann@example.co'", r));
    assert_true(matches("Email != 'bob@example.com'", r));
    assert_false(matches("Email <> 'ANN@example.com'", r));
    assert_true(matches("Company < 'b'", r));
    assert_true(matches("Company > 'ACM'", r));
    assert_true(matches("Company >= 'acme'", r));
    assert_true(matches("Company <= 'ACME'", r));
    assert_false(matches("Company < 'acme'", r));
    assert_true(matches("Company IN ('x', 'ACME')", r));
    assert_false(matches("Company NOT IN ('x', 'ACME')", r));
    assert_true(matches("Company NOT IN ('x')", r));
    free(r);
}

static void
test_match_nulls(void **state)
{
    struct fake_rec *r = rec_new("Email", "a@b.c", "Company", NULL, NULL);

    (void)state;
    assert_true(matches("Company = null", r));
    assert_false(matches("Company != null", r));
    assert_false(matches("Email = null", r));
    assert_true(matches("Email != null", r));
    /* SOQL's != and NOT IN include nulls, unlike SQL. */
    assert_true(matches("Company != 'x'", r));
    assert_true(matches("Company NOT IN ('x')", r));
    assert_false(matches("Company = 'x'", r));
    assert_false(matches("Company < 'x'", r));
    assert_false(matches("Company LIKE '%'", r));
    assert_true(matches("Company IN ('x', null)", r));
    assert_false(matches("Company NOT IN ('x', null)", r));
    /* A field the record does not hold is null. */
    assert_true(matches("Description = null", r));
    free(r);
}

static void
test_match_numbers(void **state)
{
    struct fake_rec *r =
        rec_new("NumberOfEmployees", "9", "AnnualRevenue", "12.5", NULL);

    (void)state;
    /* Numerically, 9 < 10, although "9" > "10" as text. */
    assert_true(matches("NumberOfEmployees < 10", r));
    assert_true(matches("NumberOfEmployees = 9.0", r));
    assert_true(matches("NumberOfEmployees >= 9", r));
    assert_false(matches("NumberOfEmployees > 9", r));
    assert_true(matches("AnnualRevenue > 12.25", r));
    assert_true(matches("AnnualRevenue = 12.50", r));
    assert_true(matches("AnnualRevenue > -1", r));
    assert_true(matches("AnnualRevenue IN (1, 12.5)", r));
    assert_true(matches("AnnualRevenue != 1", r));
    free(r);
}

static void
test_match_booleans(void **state)
{
    struct fake_rec *t = rec_new("IsConverted", "true", NULL);
    struct fake_rec *f = rec_new("IsConverted", "false", NULL);
    struct fake_rec *unset = rec_new("Email", "x", NULL);

    (void)state;
    assert_true(matches("IsConverted = true", t));
    assert_false(matches("IsConverted = false", t));
    assert_true(matches("IsConverted = FALSE", f));
    assert_true(matches("IsConverted != true", f));
    /* Checkboxes are never null: unset reads as false. */
    assert_true(matches("IsConverted = false", unset));
    free(t);
    free(f);
    free(unset);
}

static void
test_match_dates(void **state)
{
    struct fake_rec *r = rec_new("CreatedDate", "2026-03-15T08:30:00.000+0000",
                                 "Birthday__c", "2000-02-29", NULL);
    struct fake_rec *old = rec_new("CreatedDate", "2026-03-05T23:59:59Z", NULL);

    (void)state;
    assert_true(matches("CreatedDate > 2026-03-15T08:29:59Z", r));
    assert_true(matches("CreatedDate = 2026-03-15T08:30:00Z", r));
    assert_true(matches("CreatedDate = 2026-03-15T09:30:00+01:00", r));
    assert_false(matches("CreatedDate < 2026-03-15T08:30:00Z", r));
    assert_true(matches("CreatedDate <= 2026-03-15T08:30:00.000Z", r));
    assert_true(matches("Birthday__c = 2000-02-29", r));
    assert_true(matches("Birthday__c < 2000-03-01", r));
    assert_true(matches("Birthday__c > 2000-02-28", r));
    assert_false(matches("Birthday__c > 2000-02-29", r));
    assert_true(matches("Birthday__c >= 2000-02-29", r));
    assert_true(matches("Birthday__c != 1999-02-28", r));

    /* now is 2026-03-15T12:00Z (a Sunday). */
    assert_true(matches("CreatedDate = TODAY", r));
    assert_false(matches("CreatedDate = YESTERDAY", r));
    assert_false(matches("CreatedDate > TODAY", r));
    assert_true(matches("CreatedDate < TOMORROW", r));
    assert_true(matches("CreatedDate >= TODAY", r));
    assert_true(matches("CreatedDate = LAST_N_DAYS:1", r));
    assert_true(matches("CreatedDate = THIS_WEEK", r));
    assert_true(matches("CreatedDate = THIS_MONTH", r));
    assert_true(matches("CreatedDate = THIS_QUARTER", r));
    assert_true(matches("CreatedDate = THIS_YEAR", r));
    assert_false(matches("CreatedDate = LAST_MONTH", r));
    assert_false(matches("CreatedDate = NEXT_N_DAYS:5", r));

    /* 2026-03-05 is ten days before today: in LAST_N_DAYS:10, not :9. */
    assert_true(matches("CreatedDate = LAST_N_DAYS:10", old));
    assert_false(matches("CreatedDate = LAST_N_DAYS:9", old));
    assert_true(matches("CreatedDate < LAST_N_DAYS:9", old));
    assert_true(matches("CreatedDate = N_DAYS_AGO:10", old));
    assert_true(matches("CreatedDate = LAST_WEEK", old) == 0);
    assert_true(matches("CreatedDate = LAST_N_WEEKS:2", old));
    assert_true(matches("CreatedDate = THIS_MONTH", old));
    assert_true(matches("CreatedDate != LAST_MONTH", old));
    free(r);
    free(old);
}

static void
test_match_like(void **state)
{
    struct fake_rec *r = rec_new("Email", "Ann_Lee%1@Example.com", "Company",
                                 "caf\xc3\xa9 x", NULL);

    (void)state;
    assert_true(matches("Email LIKE 'ann%'", r));
    assert_true(matches("Email LIKE '%EXAMPLE.COM'", r));
    assert_true(matches("Email LIKE '%lee%'", r));
    assert_true(matches("Email LIKE 'A__\\_%'", r));
    assert_true(matches("Email LIKE '%\\%1@%'", r));
    assert_false(matches("Email LIKE '%\\%2@%'", r));
    assert_false(matches("Email LIKE 'nn%'", r));
    assert_false(matches("Email LIKE 'ann'", r));
    assert_true(matches("Email LIKE '%'", r));
    assert_true(matches("Email LIKE '%%%m'", r));
    assert_false(matches("Email LIKE '%\\_'", r));
    /* An escaped underscore is literal; a bare one matches any char. */
    assert_false(matches("Email LIKE 'Ann\\_Lee\\%1@Example.co\\_'", r));
    assert_true(matches("Email LIKE 'Ann\\_Lee\\%1@Example.co_'", r));
    /* _ is one character, even a multi-byte one. */
    assert_true(matches("Company LIKE 'caf_ x'", r));
    assert_false(matches("Company LIKE 'caf__ x'", r));
    assert_true(matches("NOT Company LIKE 'x%'", r));
    free(r);
}

static void
test_match_logic(void **state)
{
    struct fake_rec *r =
        rec_new("Email", "a@b.c", "Company", "Acme", "Status", "Open", NULL);

    (void)state;
    assert_true(matches("Email = 'a@b.c' AND Company = 'acme'", r));
    assert_false(matches("Email = 'a@b.c' AND Company = 'x'", r));
    assert_true(matches("Email = 'x' OR Company = 'acme'", r));
    assert_false(matches("Email = 'x' OR Company = 'y'", r));
    assert_true(matches("NOT Email = 'x'", r));
    assert_false(matches("NOT (Email = 'a@b.c')", r));
    assert_true(matches("(Email = 'x' OR Status = 'open') AND Company != "
                        "null",
                        r));
    assert_true(matches("Email = 'x' OR (Status = 'open' AND (Company = "
                        "'acme' OR Company = 'y'))",
                        r));
    assert_true(matches("NOT (Email = 'x' OR Company = 'y') AND Status = "
                        "'Open'",
                        r));
    free(r);
}

static void
test_match_ids(void **state)
{
    struct fake_rec *r = rec_new("Id", "00Q5g00000AbCdEEAV", "OwnerId",
                                 "0055g00000XyZabAAB", NULL);

    (void)state;
    assert_true(matches("Id = '00Q5g00000AbCdEEAV'", r));
    /* The 18-character form is case-insensitive (its checksum says). */
    assert_true(matches("Id = '00q5G00000abcdeeav'", r));
    /* The 15-character form is case-sensitive. */
    assert_true(matches("Id = '00Q5g00000AbCdE'", r));
    assert_false(matches("Id = '00Q5g00000abcde'", r));
    assert_true(matches("Id IN ('x', '00Q5g00000AbCdE')", r));
    assert_true(matches("Id != '00Q5g00000AbCdF'", r));
    free(r);
}

static void
test_match_unbound(void **state)
{
    struct fake_rec *r =
        rec_new("NumberOfEmployees", "9", "Email", "A@b.c", NULL);
    struct soql_query *q = parse_ok("SELECT Id FROM Lead WHERE "
                                    "NumberOfEmployees < 10 AND Email = "
                                    "'a@B.c'");

    (void)state;
    /* Types come from the record when the query was not bound. */
    assert_int_equal(soql_match(q, &r->fa, NOW_MS), 1);
    soql_free(q);
    q = parse_ok("SELECT Id FROM Lead");
    assert_int_equal(soql_match(q, &r->fa, NOW_MS), 1);
    soql_free(q);
    free(r);
}

/* ---- ORDER BY ---- */

static struct soql_query *sort_query;

static int
sort_cmp(const void *a, const void *b)
{
    struct fake_rec *const *ra = a, *const *rb = b;

    return soql_compare(sort_query, &(*ra)->fa, &(*rb)->fa);
}

/* Sorts recs by order_by and checks the LastNames come out as want. */
static void
check_order(const char *order_by, struct fake_rec **recs, size_t n,
            const char *const *want)
{
    char text[256];
    size_t i, len;

    snprintf(text, sizeof(text), "SELECT Id FROM Lead ORDER BY %s", order_by);
    sort_query = bind_ok(text);
    qsort(recs, n, sizeof(*recs), sort_cmp);
    for (i = 0; i < n; i++) {
        const char *got = fake_value(recs[i], "LastName", &len);

        assert_string_equal(got != NULL ? got : "(null)", want[i]);
    }
    soql_free(sort_query);
}

static void
test_order(void **state)
{
    struct fake_rec *recs[4];
    size_t i;

    (void)state;
    recs[0] = rec_new("LastName", "b", "NumberOfEmployees", "10", "CreatedDate",
                      "2026-01-02T00:00:00.000+0000", NULL);
    recs[1] = rec_new("LastName", "A", "NumberOfEmployees", "9", "CreatedDate",
                      "2026-01-01T00:00:00Z", NULL);
    recs[2] = rec_new("LastName", NULL, "NumberOfEmployees", NULL, NULL);
    recs[3] = rec_new("LastName", "c", "NumberOfEmployees", "100",
                      "CreatedDate", "2025-12-31T23:00:00-02:00", NULL);
    {
        const char *const want[] = {"(null)", "A", "b", "c"};
        check_order("LastName", recs, 4, want);
    }
    {
        const char *const want[] = {"c", "b", "A", "(null)"};
        check_order("LastName DESC", recs, 4, want);
    }
    {
        const char *const want[] = {"A", "b", "c", "(null)"};
        check_order("LastName ASC NULLS LAST", recs, 4, want);
    }
    {
        const char *const want[] = {"(null)", "c", "b", "A"};
        check_order("LastName DESC NULLS FIRST", recs, 4, want);
    }
    {
        /* Numbers sort numerically: 9 < 10 < 100. */
        const char *const want[] = {"A", "b", "c", "(null)"};
        check_order("NumberOfEmployees NULLS LAST", recs, 4, want);
    }
    {
        /* 2025-12-31T23:00-02:00 is 2026-01-01T01:00Z. */
        const char *const want[] = {"(null)", "A", "c", "b"};
        check_order("CreatedDate", recs, 4, want);
    }
    for (i = 0; i < 4; i++)
        free(recs[i]);
}

static void
test_order_multiple_keys(void **state)
{
    struct fake_rec *recs[3];
    size_t i;

    (void)state;
    recs[0] = rec_new("LastName", "x1", "Company", "acme", "Email", "b", NULL);
    recs[1] = rec_new("LastName", "x2", "Company", "Acme", "Email", "a", NULL);
    recs[2] = rec_new("LastName", "x3", "Company", "Zed", "Email", "c", NULL);
    {
        const char *const want[] = {"x3", "x2", "x1"};
        check_order("Company DESC, Email", recs, 3, want);
    }
    {
        const char *const want[] = {"x1", "x2", "x3"};
        check_order("Company, Email DESC", recs, 3, want);
    }
    for (i = 0; i < 3; i++)
        free(recs[i]);
}

static void
test_order_none(void **state)
{
    struct fake_rec *a = rec_new("LastName", "a", NULL);
    struct fake_rec *b = rec_new("LastName", "b", NULL);
    struct soql_query *q = bind_ok("SELECT Id FROM Lead");

    (void)state;
    assert_int_equal(soql_compare(q, &a->fa, &b->fa), 0);
    soql_free(q);
    free(a);
    free(b);
}

/* ---- equality hint ---- */

static void
test_equality_hint(void **state)
{
    static const struct {
        const char *where;
        const char *field, *value;
    } cases[] = {
        {"email = 'A@b.c'", "Email", "A@b.c"},
        {"Company != 'x' AND Email = 'it\\'s'", "Email", "it's"},
        {"Id = '00Q5g00000AbCdE'", "Id", "00Q5g00000AbCdE"},
        {"(Email = 'a') AND Company = 'b'", "Email", "a"},
        {"Email = 'a' OR Company = 'b'", NULL, NULL},
        {"NOT Email = 'a'", NULL, NULL},
        {"Email != 'a'", NULL, NULL},
        {"Email LIKE 'a'", NULL, NULL},
        {"Email IN ('a')", NULL, NULL},
        {"Email = null", NULL, NULL},
        {"NumberOfEmployees = 5", NULL, NULL},
        {"(Email = 'a' OR Email = 'b') AND Company = 'c'", "Company", "c"},
    };
    const char *field, *value;
    char text[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct soql_query *q;

        snprintf(text, sizeof(text), "SELECT Id FROM Lead WHERE %s",
                 cases[i].where);
        q = bind_ok(text);
        if (cases[i].field == NULL) {
            assert_int_equal(soql_equality_hint(q, &field, &value), 0);
        } else {
            assert_int_equal(soql_equality_hint(q, &field, &value), 1);
            assert_string_equal(field, cases[i].field);
            assert_string_equal(value, cases[i].value);
        }
        soql_free(q);
    }
    {
        struct soql_query *q = bind_ok("SELECT Id FROM Lead");

        assert_int_equal(soql_equality_hint(q, &field, &value), 0);
        soql_free(q);
    }
}

/* ---- hostile input ---- */

static void
test_hostile_deep_nesting(void **state)
{
    size_t n = 100000, i;
    char *text = xmalloc(n + 64), *p;
    struct soql_error err = {.code = ""};

    (void)state;
    p = text + snprintf(text, n + 64, "SELECT Id FROM Lead WHERE ");
    for (i = 0; i < n - 40; i++)
        *p++ = '(';
    *p = '\0';
    assert_null(soql_parse(text, strlen(text), &err));
    assert_string_equal(err.code, "MALFORMED_QUERY");
    assert_true(valid_text(err.message));

    memset(&err, 0, sizeof(err));
    p = text + snprintf(text, n + 64, "SELECT Id FROM Lead WHERE ");
    for (i = 0; i < 20000; i++)
        p += snprintf(p, 8, "NOT ");
    snprintf(p, 16, "Email = 'x'");
    assert_null(soql_parse(text, strlen(text), &err));
    assert_string_equal(err.code, "MALFORMED_QUERY");
    free(text);

    /* Depth within the cap is fine. */
    {
        char ok[512];
        struct soql_query *q;

        p = ok + snprintf(ok, sizeof(ok), "SELECT Id FROM Lead WHERE ");
        for (i = 0; i < 30; i++)
            *p++ = '(';
        p += snprintf(p, 16, "Email = 'x'");
        for (i = 0; i < 30; i++)
            *p++ = ')';
        *p = '\0';
        q = bind_ok(ok);
        soql_free(q);
    }
}

/* n levels of "(" or "NOT " around one comparison. */
static void
nested_query(char *buf, size_t size, const char *open, int n)
{
    char *p = buf + snprintf(buf, size, "SELECT Id FROM Lead WHERE ");
    int i;

    for (i = 0; i < n; i++)
        p += snprintf(p, size - (size_t)(p - buf), "%s", open);
    p += snprintf(p, size - (size_t)(p - buf), "Email = 'x'");
    for (i = 0; *open == '(' && i < n; i++)
        *p++ = ')';
    *p = '\0';
}

/* SOQL_MAX_DEPTH levels of parentheses or NOTs are allowed, as README's
 * Limits table says; one more is refused. */
static void
test_nesting_limit_is_exact(void **state)
{
    static const char *const opens[] = {"(", "NOT "};
    char text[1024];
    struct soql_error err;
    size_t k;

    (void)state;
    for (k = 0; k < 2; k++) {
        nested_query(text, sizeof(text), opens[k], SOQL_MAX_DEPTH);
        soql_free(bind_ok(text));
        nested_query(text, sizeof(text), opens[k], SOQL_MAX_DEPTH + 1);
        memset(&err, 0, sizeof(err));
        assert_null(soql_parse(text, strlen(text), &err));
        assert_string_equal(err.code, "MALFORMED_QUERY");
        assert_non_null(strstr(err.message, "allows 64 levels"));
    }
}

static void
test_hostile_huge_in_list(void **state)
{
    size_t cap = 200000, n, i;
    char *text = xmalloc(cap);
    struct soql_error err = {.code = ""};
    struct soql_query *q;
    struct fake_rec *r = rec_new("Status", "v4999", NULL);

    (void)state;
    n = (size_t)snprintf(text, cap, "SELECT Id FROM Lead WHERE Status IN (");
    for (i = 0; i < 5000; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s'v%zu'", i ? "," : "", i);
    snprintf(text + n, cap - n, ")");
    q = bind_ok(text);
    assert_int_equal(soql_match(q, &r->fa, NOW_MS), 1);
    soql_free(q);

    /* Past the cap (and past the length limit): an error, no crash. */
    n = (size_t)snprintf(text, cap, "SELECT Id FROM Lead WHERE Status IN (");
    for (i = 0; i < SOQL_MAX_IN + 10 && n + 8 < cap; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s1", i ? "," : "");
    snprintf(text + n, cap - n, ")");
    assert_null(soql_parse(text, strlen(text), &err));
    assert_string_equal(err.code, "MALFORMED_QUERY");
    free(text);
    free(r);
}

static void
test_hostile_too_long(void **state)
{
    size_t n = SOQL_MAX_LEN + 1;
    char *text = xmalloc(n + 1);
    struct soql_error err = {.code = ""};

    (void)state;
    memset(text, ' ', n);
    memcpy(text, "SELECT Id FROM Lead", 19);
    text[n] = '\0';
    assert_null(soql_parse(text, n, &err));
    assert_string_equal(err.code, "MALFORMED_QUERY");
    assert_string_equal(err.message, "SOQL statements cannot be longer than "
                                     "100000 characters.");
    /* Exactly at the limit is fine. */
    assert_non_null(text);
    {
        struct soql_query *q = parse_ok("SELECT Id FROM Lead");

        soql_free(q);
        memset(&err, 0, sizeof(err));
        q = soql_parse(text, n - 1, &err);
        assert_non_null(q);
        soql_free(q);
    }
    free(text);
}

static void
test_hostile_garbage(void **state)
{
    static const char *const seeds[] = {
        "SELECT Id, Email FROM Lead WHERE (Email LIKE 'a\\%%' OR Company IN "
        "('x', 'y')) AND CreatedDate > LAST_N_DAYS:3 ORDER BY Email DESC "
        "NULLS LAST LIMIT 5 OFFSET 1",
        "SELECT COUNT() FROM Lead WHERE NOT IsConverted = true AND "
        "NumberOfEmployees >= -1.5 AND Birthday__c = 2026-01-01",
    };
    static const char alphabet[] = "()',=<>!%_\\ .:-+0aZ\n\x80\xff\xc3\xa9";
    struct fake_rec *r =
        rec_new("Email", "a%b", "Company", "x", "CreatedDate",
                "2026-03-14T00:00:00Z", "NumberOfEmployees", "3", NULL);
    unsigned seed = 12345;
    char buf[512];
    size_t iter, k, len;

    (void)state;
    for (iter = 0; iter < 20000; iter++) {
        struct soql_error err = {.code = ""};
        struct soql_query *q;
        const char *src = seeds[iter % 2];

        len = strlen(src);
        memcpy(buf, src, len);
        for (k = 0; k < 1 + iter % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % len] =
                alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
        }
        seed = seed * 1103515245u + 12345u;
        if (iter % 3 == 0)
            len = (seed >> 8) % len; /* truncate anywhere */
        q = soql_parse(buf, len, &err);
        if (q == NULL) {
            assert_string_equal(err.code, "MALFORMED_QUERY");
            assert_true(valid_text(err.message));
            continue;
        }
        if (soql_bind(q, &schema, &err) == 0) {
            const char *f, *v;

            (void)soql_match(q, &r->fa, NOW_MS);
            (void)soql_compare(q, &r->fa, &r->fa);
            (void)soql_equality_hint(q, &f, &v);
        } else {
            assert_true(valid_text(err.message));
        }
        soql_free(q);
    }
    free(r);
}

static void
test_hostile_bytes(void **state)
{
    static const char nul_query[] = "SELECT Id FROM Lead WHERE Email = 'a\0b'";
    static const char *const junk[] = {
        "\xff\xfe\xfd",
        "SELECT \xc3 FROM Lead",
        "SELECT Id FROM Le\xe2\x82\xac", /* a euro sign inside a name */
        "))))",
        "SELECT",
        "SELECT Id FROM Lead WHERE Email = '",
        "SELECT Id FROM Lead WHERE 2026-",
        "SELECT Id FROM Lead WHERE CreatedDate = 2026-01-01T",
        "SELECT Id FROM Lead WHERE Email = .",
        "SELECT Id FROM Lead WHERE Email = -",
        /* Regression: a date token shorter than YYYY-MM-DD over-read. */
        "SELECT Id FROM Lead WHERE CreatedDate = 2026-0",
        "SELECT Id FROM Lead WHERE CreatedDate = 2026-01-0",
    };
    struct soql_error err = {.code = ""};
    struct soql_query *q;
    size_t i;

    (void)state;
    assert_null(soql_parse(nul_query, sizeof(nul_query) - 1, &err));
    assert_string_equal(err.code, "MALFORMED_QUERY");
    assert_non_null(strstr(err.message, "'\\x00'"));
    assert_null(soql_parse(NULL, 0, NULL));
    for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        memset(&err, 0, sizeof(err));
        q = soql_parse(junk[i], strlen(junk[i]), &err);
        if (q != NULL) {
            if (soql_bind(q, &schema, &err) == 0)
                fail_msg("accepted: %s", junk[i]);
            soql_free(q);
        }
        assert_true(err.code[0] != '\0');
        assert_true(valid_text(err.message));
    }
    /* Invalid UTF-8 inside a string literal is data, not an error. */
    q = bind_ok("SELECT Id FROM Lead WHERE Email = '\xff'");
    soql_free(q);
}

/*
 * Regression: a long run of stray UTF-8 continuation bytes before the error
 * pushed the echo window past the error position.
 */
static void
test_hostile_continuation_run(void **state)
{
    char text[600];
    struct soql_error err = {.code = ""};

    (void)state;
    memset(text, 0x9c, 400);
    snprintf(text + 400, sizeof(text) - 400, "SELECT Id FROM Lead");
    assert_null(soql_parse(text, strlen(text), &err));
    assert_string_equal(err.code, "MALFORMED_QUERY");
    assert_true(valid_text(err.message));
    assert_non_null(strstr(err.message, "ERROR at Row:1:Column:1\n"));

    memset(&err, 0, sizeof(err));
    snprintf(text, sizeof(text), "SELECT Id FROM Lead WHERE Email = 'a' ");
    memset(text + strlen(text), 0x9c, 300);
    text[sizeof(text) - 1] = '\0';
    assert_null(soql_parse(text, strlen(text), &err));
    assert_true(valid_text(err.message));
}

static void
test_hostile_long_names(void **state)
{
    size_t n = 5000;
    char *text = xmalloc(n + 64);
    struct soql_error err = {.code = ""};
    struct soql_query *q;

    (void)state;
    memcpy(text, "SELECT ", 7);
    memset(text + 7, 'F', n);
    snprintf(text + 7 + n, 57, " FROM Lead");
    q = parse_ok(text);
    assert_int_equal(soql_bind(q, &schema, &err), -1);
    assert_string_equal(err.code, "INVALID_FIELD");
    assert_true(strlen(err.message) < sizeof(err.message));
    soql_free(q);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_select),
        cmocka_unit_test(test_parse_count),
        cmocka_unit_test(test_parse_every_construct),
        cmocka_unit_test(test_parse_order_accessors),
        cmocka_unit_test(test_bind_canonical),
        cmocka_unit_test(test_error_invalid_type),
        cmocka_unit_test(test_error_invalid_field),
        cmocka_unit_test(test_error_malformed),
        cmocka_unit_test(test_error_malformed_more),
        cmocka_unit_test(test_error_unterminated_string),
        cmocka_unit_test(test_error_bad_character),
        cmocka_unit_test(test_error_literal_type),
        cmocka_unit_test(test_error_duplicate_field),
        cmocka_unit_test(test_error_first_wins),
        cmocka_unit_test(test_error_long_row_windowed),
        cmocka_unit_test(test_match_strings),
        cmocka_unit_test(test_match_nulls),
        cmocka_unit_test(test_match_numbers),
        cmocka_unit_test(test_match_booleans),
        cmocka_unit_test(test_match_dates),
        cmocka_unit_test(test_match_like),
        cmocka_unit_test(test_match_logic),
        cmocka_unit_test(test_match_ids),
        cmocka_unit_test(test_match_unbound),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_order_multiple_keys),
        cmocka_unit_test(test_order_none),
        cmocka_unit_test(test_equality_hint),
        cmocka_unit_test(test_hostile_deep_nesting),
        cmocka_unit_test(test_nesting_limit_is_exact),
        cmocka_unit_test(test_hostile_huge_in_list),
        cmocka_unit_test(test_hostile_too_long),
        cmocka_unit_test(test_hostile_garbage),
        cmocka_unit_test(test_hostile_bytes),
        cmocka_unit_test(test_hostile_continuation_run),
        cmocka_unit_test(test_hostile_long_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
