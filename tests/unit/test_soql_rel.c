/*
 * test_soql_rel.c - SOQL's relationship syntax in soql.c, over a fake
 * schema: parent paths handed to path_type, child subqueries parsed with
 * their own clauses and bound through child, TYPEOF's branches, and the
 * errors of each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "soql.h"

/* Account has Name and Id; Contact has LastName, Id and AccountId, the
 * Account relationship; Account's children are Contacts. */
static int
fake_object(void *arg, const char *object, char *canonical, size_t n)
{
    (void)arg;
    if (strcasecmp(object, "Account") != 0 &&
        strcasecmp(object, "Contact") != 0)
        return 0;
    snprintf(canonical, n, "%c%s", object[0] & ~0x20, object + 1);
    return 1;
}

static enum fieldtype
fake_field(void *arg, const char *object, const char *field, char *canonical,
           size_t n)
{
    (void)arg;
    if (strcasecmp(field, "Id") == 0 || (strcasecmp(object, "Contact") == 0 &&
                                         strcasecmp(field, "AccountId") == 0)) {
        snprintf(canonical, n, "%s",
                 strcasecmp(field, "Id") == 0 ? "Id" : "AccountId");
        return strcasecmp(field, "Id") == 0 ? FT_ID : FT_REFERENCE;
    }
    if ((strcasecmp(object, "Account") == 0 &&
         strcasecmp(field, "Name") == 0) ||
        (strcasecmp(object, "Contact") == 0 &&
         strcasecmp(field, "LastName") == 0)) {
        snprintf(canonical, n, "%s",
                 strcasecmp(field, "Name") == 0 ? "Name" : "LastName");
        return FT_STRING;
    }
    return FT_UNKNOWN;
}

static int
fake_path(void *arg, const char *object, const char *path, char *canonical,
          size_t n, enum fieldtype *type, char *why, size_t whyn)
{
    (void)arg;
    if (strcasecmp(object, "Contact") == 0 &&
        strcasecmp(path, "account.name") == 0) {
        snprintf(canonical, n, "Account.Name");
        *type = FT_STRING;
        return 0;
    }
    if (strcasecmp(object, "Contact") == 0 &&
        strcasecmp(path, "account.id") == 0) {
        snprintf(canonical, n, "Account.Id");
        *type = FT_ID;
        return 0;
    }
    snprintf(why, whyn, "no path %s", path);
    return -1;
}

static int
fake_child(void *arg, const char *object, const char *rel, char *child,
           size_t n, char *canonical_rel, size_t m)
{
    (void)arg;
    if (strcasecmp(object, "Account") != 0 || strcasecmp(rel, "contacts") != 0)
        return -1;
    snprintf(child, n, "Contact");
    snprintf(canonical_rel, m, "Contacts");
    return 0;
}

static const struct soql_schema schema = {
    .object_exists = fake_object,
    .field_type = fake_field,
    .path_type = fake_path,
    .child = fake_child,
};

static struct soql_query *
bound(const char *text, struct soql_error *err)
{
    struct soql_query *q = soql_parse(text, strlen(text), err);

    if (q != NULL && soql_bind(q, &schema, err) == -1) {
        soql_free(q);
        return NULL;
    }
    return q;
}

/* The tail of an error message: what follows "ERROR at Row:1:Column:N\n". */
static void
expect_error(const char *text, const char *code, int column, const char *tail)
{
    struct soql_error err = {0};
    char where[64];

    assert_null(bound(text, &err));
    assert_string_equal(err.code, code);
    snprintf(where, sizeof(where), "ERROR at Row:1:Column:%d\n", column);
    if (strstr(err.message, where) == NULL ||
        strcmp(strstr(err.message, where) + strlen(where), tail) != 0)
        fail_msg("%s: got %s, want ...%s%s", text, err.message, where, tail);
}

static void
test_subquery_parsed_and_bound(void **state)
{
    struct soql_error err = {0};
    struct soql_query *q =
        bound("SELECT Name, (SELECT LastName, Account.Name FROM contacts "
              "WHERE LastName != 'x' ORDER BY LastName DESC LIMIT 2 OFFSET 1), "
              "Id FROM Account",
              &err);
    const struct soql_query *sub;

    (void)state;
    assert_non_null(q);
    assert_int_equal(soql_field_count(q), 3);
    assert_null(soql_field_subquery(q, 0));
    assert_string_equal(soql_field(q, 1), "Contacts");
    sub = soql_field_subquery(q, 1);
    assert_non_null(sub);
    assert_string_equal(soql_object(sub), "Contact");
    assert_int_equal(soql_field_count(sub), 2);
    assert_string_equal(soql_field(sub, 1), "Account.Name");
    assert_int_equal(soql_limit(sub), 2);
    assert_int_equal(soql_offset(sub), 1);
    assert_true(soql_has_order(sub));
    assert_string_equal(soql_field(q, 2), "Id");
    assert_int_equal(soql_limit(q), -1);
    soql_free(q);
}

static void
test_parent_path_bound(void **state)
{
    struct soql_error err = {0};
    struct soql_query *q = bound("SELECT account.name FROM Contact WHERE "
                                 "Account.Name = 'Acme' ORDER BY Account.Name",
                                 &err);
    const char *field, *value;

    (void)state;
    assert_non_null(q);
    assert_string_equal(soql_field(q, 0), "Account.Name");
    /* A path is no index hint the caller could look up directly. */
    assert_int_equal(soql_equality_hint(q, &field, &value), 1);
    assert_string_equal(field, "Account.Name");
    soql_free(q);
}

static void
test_errors(void **state)
{
    (void)state;
    expect_error("SELECT Id, (SELECT Id FROM Contact) FROM Account",
                 "INVALID_TYPE", 28,
                 "Didn't understand relationship 'Contact' in FROM part of "
                 "query call. If you are attempting to use a custom "
                 "relationship, be sure to append the '__r' after the custom "
                 "relationship name. Please reference your WSDL or the "
                 "describe call for the appropriate names.");
    expect_error("SELECT Id, (SELECT Nope FROM Contacts) FROM Account",
                 "INVALID_FIELD", 20,
                 "No such column 'Nope' on entity 'Contact'. If you are "
                 "attempting to use a custom field, be sure to append the "
                 "'__c' after the custom field name. Please reference your "
                 "WSDL or the describe call for the appropriate names.");
    expect_error("SELECT Foo.Name FROM Contact", "INVALID_FIELD", 8,
                 "no path Foo.Name");
    expect_error("SELECT Id, (SELECT Id, (SELECT Id FROM Contacts) FROM "
                 "Contacts) FROM Account",
                 "MALFORMED_QUERY", 24, "unexpected token: (");
    expect_error("SELECT Id, (SELECT Id FROM Contacts FROM Account",
                 "MALFORMED_QUERY", 37, "unexpected token: FROM");
    expect_error("SELECT (SELECT Id FROM Contacts), COUNT() FROM Account",
                 "MALFORMED_QUERY", 40, "unexpected token: (");
    expect_error("SELECT Id, (Id FROM Contacts) FROM Account",
                 "MALFORMED_QUERY", 13, "unexpected token: Id");
}

static void
test_typeof(void **state)
{
    struct soql_error err = {0};
    struct soql_query *q =
        bound("SELECT Id, typeof account WHEN account THEN name, ID "
              "WHEN Contact THEN LastName ELSE name END FROM Contact",
              &err);
    const char *const *fields;
    size_t n;

    (void)state;
    assert_non_null(q);
    assert_int_equal(soql_field_count(q), 2);
    assert_int_equal(soql_field_typeof(q, 0, "Account", &fields, &n), -1);
    assert_string_equal(soql_field(q, 1), "Account");
    assert_int_equal(soql_field_typeof(q, 1, "ACCOUNT", &fields, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(fields[0], "Name");
    assert_string_equal(fields[1], "Id");
    assert_int_equal(soql_field_typeof(q, 1, "Contact", &fields, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(fields[0], "LastName");
    /* Another type: ELSE's fields. */
    assert_int_equal(soql_field_typeof(q, 1, "Lead", &fields, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(fields[0], "Name");
    soql_free(q);
    q = bound("SELECT TYPEOF Account WHEN Account THEN Name END FROM Contact",
              &err);
    assert_non_null(q);
    assert_int_equal(soql_field_typeof(q, 0, "Contact", &fields, &n), 0);
    assert_int_equal(n, 0);
    soql_free(q);
    expect_error("SELECT TYPEOF Foo WHEN Account THEN Name END FROM Contact",
                 "INVALID_FIELD", 15, "no path Foo.Id");
    expect_error("SELECT TYPEOF Account WHEN Nope THEN Name END FROM Contact",
                 "INVALID_TYPE", 28, "sObject type 'Nope' is not supported.");
    expect_error("SELECT TYPEOF Account WHEN Account THEN Bad END FROM "
                 "Contact",
                 "INVALID_FIELD", 41,
                 "No such column 'Bad' on entity 'Account'. If you are "
                 "attempting to use a custom field, be sure to append the "
                 "'__c' after the custom field name. Please reference your "
                 "WSDL or the describe call for the appropriate names.");
    expect_error("SELECT TYPEOF Account ELSE Bad END FROM Contact",
                 "INVALID_FIELD", 28, "no path Account.Bad");
    expect_error("SELECT TYPEOF Account WHEN Account Name END FROM Contact",
                 "MALFORMED_QUERY", 36, "unexpected token: Name");
    expect_error("SELECT TYPEOF Account WHEN Account THEN Name FROM Contact",
                 "MALFORMED_QUERY", 46, "unexpected token: FROM");
    expect_error("SELECT TYPEOF Account END FROM Contact", "MALFORMED_QUERY",
                 23, "unexpected token: END");
    expect_error("SELECT Id, (SELECT TYPEOF Account WHEN Account THEN Name "
                 "END FROM Contacts) FROM Account",
                 "MALFORMED_QUERY", 27, "unexpected token: Account");
}

static void
test_subquery_limit(void **state)
{
    char text[2048];
    size_t used = (size_t)snprintf(text, sizeof(text), "SELECT Id");
    struct soql_error err = {0};
    struct soql_query *q;
    int i;

    (void)state;
    for (i = 0; i < SOQL_MAX_SUBQUERIES; i++)
        used += (size_t)snprintf(text + used, sizeof(text) - used,
                                 ", (SELECT Id FROM Contacts)");
    snprintf(text + used, sizeof(text) - used, " FROM Account");
    q = soql_parse(text, strlen(text), &err);
    assert_non_null(q);
    soql_free(q);
    /* Bound, the same relationship twice is a field selected twice. */
    expect_error("SELECT (SELECT Id FROM Contacts), (SELECT Id FROM Contacts) "
                 "FROM Account",
                 "MALFORMED_QUERY", 35, "duplicate field selected: Contacts");
    snprintf(text + used, sizeof(text) - used,
             ", (SELECT Id FROM Contacts) FROM Account");
    assert_null(soql_parse(text, strlen(text), &err));
    assert_string_equal(err.code, "MALFORMED_QUERY");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subquery_parsed_and_bound),
        cmocka_unit_test(test_parent_path_bound),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_subquery_limit),
        cmocka_unit_test(test_typeof),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
