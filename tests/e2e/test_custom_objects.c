/*
 * test_custom_objects.c - the org's custom objects, the standard objects
 * integrations touch and the relationships between them, end to end on
 * the real sfsim (fixtures/orgs/custom-objects.json): REST create, read,
 * update, upsert and delete of a custom object, auto numbers, lookups and
 * master-detail fields, validation and duplicate rules on custom objects,
 * describe (custom, keyPrefix, referenceTo, relationshipName,
 * childRelationships, recordTypeInfos), SOQL parent paths and child
 * subqueries with Salesforce's nested answers and errors,
 * Opportunity, Task, Campaign, CampaignMember and Case, TYPEOF on the
 * polymorphic What, and master-detail cascades: details deleted with
 * their master, and undeleted with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsontest.h"
#include "simtest.h"
#include "xmalloc.h"

#define V "/services/data/v62.0"
#define ID_MAX 32

static int
start(void **state)
{
    return simtest_setup_org_session(state, "orgs/custom-objects.json");
}

/* POST a record of object; its id into id (the create must succeed). */
static const char *
create(struct simtest *t, const char *object, const char *body, char *id)
{
    char path[256];
    long status = 0;
    json_t *j;

    snprintf(path, sizeof(path), V "/sobjects/%s", object);
    j = simtest_api_json(t, "POST", path, body, NULL, &status);
    if (status != 201 || json_string_value(json_object_get(j, "id")) == NULL)
        fail_msg("POST %s %s: %ld", object, body, status);
    snprintf(id, ID_MAX, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    return id;
}

/* GET vNN.N/query?q=soql (URL-encoded): the answer, its status in *st. */
static json_t *
query(struct simtest *t, const char *soql, long *st)
{
    char path[2048];

    simtest_query_path(path, sizeof(path), V "/query", soql);
    return simtest_api_json(t, "GET", path, NULL, NULL, st);
}

/* The errorCode of a one-error answer. */
static const char *
error_code(const json_t *j)
{
    return json_string_value(
        json_object_get(json_array_get(j, 0), "errorCode"));
}

static void
test_crud_and_auto_number(void **state)
{
    struct simtest *t = *state;
    char acc[ID_MAX], inv[ID_MAX], inv2[ID_MAX], path[256];
    long st = 0;
    json_t *j;

    create(t, "Account", "{\"Name\":\"Acme\"}", acc);
    snprintf(path, sizeof(path), "{\"Account__c\":\"%s\",\"Amount__c\":12.5}",
             acc);
    create(t, "Invoice__c", path, inv);
    /* Custom object ids begin with the object's key prefix. */
    assert_memory_equal(inv, "a5l", 3);
    create(t, "Invoice__c", "{\"Amount__c\":1}", inv2);
    snprintf(path, sizeof(path), V "/sobjects/Invoice__c/%s", inv);
    j = simtest_api_json(t, "GET", path, NULL, NULL, &st);
    assert_int_equal(st, 200);
    /* The auto number starts at starting_number; the picklist default. */
    assert_string_equal(json_string_value(json_object_get(j, "Name")),
                        "INV-0007");
    assert_string_equal(json_string_value(json_object_get(j, "Status__c")),
                        "Draft");
    assert_true(json_real_value(json_object_get(j, "Amount__c")) == 12.5);
    assert_non_null(json_string_value(json_object_get(j, "OwnerId")));
    json_decref(j);
    snprintf(path, sizeof(path), V "/sobjects/Invoice__c/%s", inv2);
    j = simtest_api_json(t, "GET", path, NULL, NULL, &st);
    assert_string_equal(json_string_value(json_object_get(j, "Name")),
                        "INV-0008");
    json_decref(j);
    /* The auto number is not writable. */
    j = simtest_api_json(t, "PATCH", path, "{\"Name\":\"X\"}", NULL, &st);
    assert_int_equal(st, 400);
    assert_string_equal(error_code(j), "INVALID_FIELD_FOR_INSERT_UPDATE");
    json_decref(j);
    j = simtest_api_json(t, "PATCH", path, "{\"Status__c\":\"Paid\"}", NULL,
                         &st);
    assert_int_equal(st, 204);
    json_decref(j);
    j = simtest_api_json(t, "PATCH", path, "{\"Status__c\":\"Lost\"}", NULL,
                         &st);
    assert_int_equal(st, 400);
    assert_string_equal(error_code(j),
                        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    json_decref(j);
    j = simtest_api_json(t, "DELETE", path, NULL, NULL, &st);
    assert_int_equal(st, 204);
    json_decref(j);
    j = simtest_api_json(t, "GET", path, NULL, NULL, &st);
    assert_int_equal(st, 404);
    json_decref(j);
}

static void
test_upsert_by_external_id(void **state)
{
    struct simtest *t = *state;
    const char *path = V "/sobjects/Invoice__c/External_Id__c/X-1";
    long st = 0;
    json_t *j;

    j = simtest_api_json(t, "PATCH", path, "{\"Amount__c\":3}", NULL, &st);
    assert_int_equal(st, 201);
    assert_true(json_is_true(json_object_get(j, "created")));
    json_decref(j);
    j = simtest_api_json(t, "PATCH", path, "{\"Amount__c\":4}", NULL, &st);
    assert_int_equal(st, 200);
    assert_true(json_is_false(json_object_get(j, "created")));
    json_decref(j);
    j = query(t,
              "SELECT Amount__c FROM Invoice__c WHERE External_Id__c = "
              "'X-1'",
              &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "totalSize")), 1);
    assert_true(json_real_value(json_object_get(
                    json_array_get(json_object_get(j, "records"), 0),
                    "Amount__c")) == 4.0);
    json_decref(j);
}

/* An API call's one error: its code and message (the message NULL: any). */
static void
expect_error(struct simtest *t, const char *method, const char *path,
             const char *body, const char *code, const char *message)
{
    long st = 0;
    json_t *j = simtest_api_json(t, method, path, body, NULL, &st);
    const char *m =
        json_string_value(json_object_get(json_array_get(j, 0), "message"));

    if (st != 400 || error_code(j) == NULL ||
        strcmp(error_code(j), code) != 0 ||
        (message != NULL && (m == NULL || strcmp(m, message) != 0)))
        fail_msg("%s %s %s: %ld, want %s %s", method, path,
                 body != NULL ? body : "", st, code,
                 message != NULL ? message : "");
    json_decref(j);
}

static void
test_lookups_and_rules(void **state)
{
    struct simtest *t = *state;
    char acc[ID_MAX], inv[ID_MAX], line[ID_MAX], body[256], msg[256];
    long st = 0;
    json_t *j;

    create(t, "Account", "{\"Name\":\"Acme\"}", acc);
    snprintf(body, sizeof(body), "{\"Account__c\":\"%s\"}", acc);
    create(t, "Invoice__c", body, inv);
    /* A master-detail field must name a record of its master object. */
    snprintf(body, sizeof(body), "{\"Invoice__c\":\"%s\",\"Name\":\"L\"}", acc);
    snprintf(msg, sizeof(msg), "Invoice: id value of incorrect type: %s", acc);
    expect_error(t, "POST", V "/sobjects/Invoice_Line__c", body,
                 "FIELD_INTEGRITY_EXCEPTION", msg);
    snprintf(body, sizeof(body), "{\"Invoice__c\":\"%.3s000000000000\"}", inv);
    expect_error(t, "POST", V "/sobjects/Invoice_Line__c", body,
                 "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
    expect_error(t, "POST", V "/sobjects/Invoice_Line__c", "{\"Name\":\"L\"}",
                 "REQUIRED_FIELD_MISSING",
                 "Required fields are missing: [Invoice__c]");
    snprintf(body, sizeof(body), "{\"Invoice__c\":\"%s\",\"Name\":\"L1\"}",
             inv);
    create(t, "Invoice_Line__c", body, line);
    assert_memory_equal(line, "a0L", 3);
    /* The duplicate rule on the custom object blocks a second L1. */
    j = simtest_api_json(t, "POST", V "/sobjects/Invoice_Line__c", body, NULL,
                         &st);
    assert_int_equal(st, 400);
    assert_string_equal(error_code(j), "DUPLICATES_DETECTED");
    json_decref(j);
    /* The validation rule on the custom object. */
    expect_error(t, "POST", V "/sobjects/Invoice__c", "{\"Amount__c\":-1}",
                 "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                 "The amount cannot be negative.");
    /* A custom lookup on a standard object. */
    snprintf(body, sizeof(body),
             "{\"LastName\":\"Smith\",\"Last_Invoice__c\":\"%s\"}", acc);
    expect_error(t, "POST", V "/sobjects/Contact", body,
                 "FIELD_INTEGRITY_EXCEPTION", NULL);
}

/* The field named name of a describe answer's "fields". */
static json_t *
field_of(json_t *describe, const char *name)
{
    return jsontest_find(json_object_get(describe, "fields"), "name", name);
}

/* The childRelationships entry of a describe answer for child.field. */
static json_t *
child_of(json_t *describe, const char *child, const char *field)
{
    json_t *c;
    size_t i;

    json_array_foreach(json_object_get(describe, "childRelationships"), i, c) {
        if (strcmp(json_string_value(json_object_get(c, "childSObject")),
                   child) == 0 &&
            strcmp(json_string_value(json_object_get(c, "field")), field) == 0)
            return c;
    }
    fail_msg("no child relationship %s.%s", child, field);
    return NULL;
}

static void
test_describe(void **state)
{
    struct simtest *t = *state;
    long st = 0;
    json_t *g, *d, *o, *f;
    size_t i;
    int seen = 0;

    g = simtest_api_json(t, "GET", V "/sobjects", NULL, NULL, &st);
    json_array_foreach(json_object_get(g, "sobjects"), i, o) {
        if (strcmp(json_string_value(json_object_get(o, "name")),
                   "Invoice__c") != 0)
            continue;
        seen = 1;
        assert_true(json_is_true(json_object_get(o, "custom")));
        assert_string_equal(json_string_value(json_object_get(o, "keyPrefix")),
                            "a5l");
        assert_string_equal(
            json_string_value(json_object_get(o, "labelPlural")), "Invoices");
    }
    assert_true(seen);
    json_decref(g);
    d = simtest_api_json(t, "GET", V "/sobjects/Invoice__c/describe", NULL,
                         NULL, &st);
    assert_int_equal(st, 200);
    f = field_of(d, "Account__c");
    assert_json_equal(json_object_get(f, "referenceTo"), "[\"Account\"]");
    assert_string_equal(
        json_string_value(json_object_get(f, "relationshipName")),
        "Account__r");
    f = field_of(d, "Name");
    assert_true(json_is_true(json_object_get(f, "autoNumber")));
    assert_true(json_is_false(json_object_get(f, "createable")));
    assert_json_equal(json_object_get(d, "childRelationships"),
                      "[{\"cascadeDelete\":false,\"childSObject\":\"Contact\","
                      "\"deprecatedAndHidden\":false,\"field\":"
                      "\"Last_Invoice__c\",\"junctionIdListNames\":[],"
                      "\"junctionReferenceTo\":[],\"relationshipName\":null,"
                      "\"restrictedDelete\":false},"
                      "{\"cascadeDelete\":true,\"childSObject\":"
                      "\"Invoice_Line__c\",\"deprecatedAndHidden\":false,"
                      "\"field\":\"Invoice__c\",\"junctionIdListNames\":[],"
                      "\"junctionReferenceTo\":[],\"relationshipName\":"
                      "\"Lines__r\",\"restrictedDelete\":false}]");
    o = json_object_get(d, "recordTypeInfos");
    assert_int_equal(json_array_size(o), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(o, 0),
                                                          "developerName")),
                        "Retail");
    assert_true(json_is_true(
        json_object_get(json_array_get(o, 0), "defaultRecordTypeMapping")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(o, 2),
                                                          "recordTypeId")),
                        "012000000000000AAA");
    json_decref(d);
    d = simtest_api_json(t, "GET", V "/sobjects/Account/describe", NULL, NULL,
                         &st);
    assert_string_equal(
        json_string_value(json_object_get(child_of(d, "Contact", "AccountId"),
                                          "relationshipName")),
        "Contacts");
    assert_string_equal(
        json_string_value(json_object_get(
            child_of(d, "Invoice__c", "Account__c"), "relationshipName")),
        "Invoices__r");
    assert_string_equal(json_string_value(json_object_get(
                            child_of(d, "Task", "WhatId"), "relationshipName")),
                        "Tasks");
    json_decref(d);
    d = simtest_api_json(t, "GET", V "/sobjects/Task/describe", NULL, NULL,
                         &st);
    f = field_of(d, "WhoId");
    assert_json_equal(json_object_get(f, "referenceTo"),
                      "[\"Contact\", \"Lead\"]");
    assert_true(json_is_true(json_object_get(f, "polymorphicForeignKey")));
    json_decref(d);
}

/* Three accounts' worth of data: Acme with two contacts and two invoices
 * (one with a line), Globex with none. */
static void
seed(struct simtest *t, char acme[ID_MAX], char inv[ID_MAX])
{
    char id[ID_MAX], body[256];

    create(t, "Account", "{\"Name\":\"Acme\"}", acme);
    create(t, "Account", "{\"Name\":\"Globex\"}", id);
    snprintf(body, sizeof(body),
             "{\"LastName\":\"Smith\",\"AccountId\":\"%s\"}", acme);
    create(t, "Contact", body, id);
    snprintf(body, sizeof(body),
             "{\"LastName\":\"Jones\",\"AccountId\":\"%s\"}", acme);
    create(t, "Contact", body, id);
    create(t, "Contact", "{\"LastName\":\"Alone\"}", id);
    snprintf(body, sizeof(body), "{\"Account__c\":\"%s\",\"Amount__c\":5}",
             acme);
    create(t, "Invoice__c", body, inv);
    snprintf(body, sizeof(body), "{\"Account__c\":\"%s\",\"Amount__c\":9}",
             acme);
    create(t, "Invoice__c", body, id);
    snprintf(body, sizeof(body),
             "{\"Invoice__c\":\"%s\",\"Name\":\"L1\",\"Quantity__c\":2}", inv);
    create(t, "Invoice_Line__c", body, id);
}

/* The records of a query answer with every "attributes" removed (their
 * URLs hold ids), compared whole with want. */
static void expect_records(struct simtest *t, const char *soql,
                           const char *want);

static void
strip_attributes(json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;

    if (json_is_array(j))
        json_array_foreach(j, i, v)
            strip_attributes(v);
    if (!json_is_object(j))
        return;
    json_object_del(j, "attributes");
    json_object_foreach(j, k, v)
        strip_attributes(v);
}

static void
expect_records(struct simtest *t, const char *soql, const char *want)
{
    long st = 0;
    json_t *j = query(t, soql, &st);

    if (st != 200)
        fail_msg("%s: %ld", soql, st);
    strip_attributes(j);
    assert_json_equal(json_object_get(j, "records"), want);
    json_decref(j);
}

/* A query refused with code and a message ending in tail. */
static void
expect_query_error(struct simtest *t, const char *soql, const char *code,
                   const char *tail)
{
    long st = 0;
    json_t *j = query(t, soql, &st);
    const char *m =
        json_string_value(json_object_get(json_array_get(j, 0), "message"));

    assert_int_equal(st, 400);
    assert_string_equal(error_code(j), code);
    assert_non_null(m);
    if (strlen(m) < strlen(tail) ||
        strcmp(m + strlen(m) - strlen(tail), tail) != 0)
        fail_msg("%s: message %s, want ...%s", soql, m, tail);
    json_decref(j);
}

static void
test_parent_paths(void **state)
{
    struct simtest *t = *state;
    char acme[ID_MAX], inv[ID_MAX];

    seed(t, acme, inv);
    expect_records(t,
                   "SELECT LastName, Account.Name, Owner.Name FROM Contact "
                   "ORDER BY LastName",
                   "[{\"LastName\":\"Alone\",\"Account\":null,"
                   "\"Owner\":{\"Name\":\"Sim Admin\"}},"
                   "{\"LastName\":\"Jones\",\"Account\":{\"Name\":\"Acme\"},"
                   "\"Owner\":{\"Name\":\"Sim Admin\"}},"
                   "{\"LastName\":\"Smith\",\"Account\":{\"Name\":\"Acme\"},"
                   "\"Owner\":{\"Name\":\"Sim Admin\"}}]");
    /* Custom relationships, two levels, in WHERE and ORDER BY too. */
    expect_records(t,
                   "SELECT Name, Invoice__r.Name, Invoice__r.Account__r.Name "
                   "FROM Invoice_Line__c WHERE Invoice__r.Account__r.Name = "
                   "'Acme' ORDER BY Invoice__r.Amount__c DESC",
                   "[{\"Name\":\"L1\",\"Invoice__r\":{\"Name\":\"INV-0007\","
                   "\"Account__r\":{\"Name\":\"Acme\"}}}]");
    expect_records(t,
                   "SELECT LastName FROM Contact WHERE Account.Name = 'Acme' "
                   "ORDER BY Account.Name, LastName",
                   "[{\"LastName\":\"Jones\"},{\"LastName\":\"Smith\"}]");
    expect_query_error(t, "SELECT Acount.Name FROM Contact", "INVALID_FIELD",
                       "Didn't understand relationship 'Acount' in field "
                       "path. If you are attempting to use a custom "
                       "relationship, be sure to append the '__r' after the "
                       "custom relationship name. Please reference your WSDL "
                       "or the describe call for the appropriate names.");
    expect_query_error(t, "SELECT Account__c.Name FROM Invoice__c",
                       "INVALID_FIELD",
                       "Didn't understand relationship 'Account__c' in field "
                       "path. If you are attempting to use a custom "
                       "relationship, be sure to append the '__r' after the "
                       "custom relationship name. Please reference your WSDL "
                       "or the describe call for the appropriate names.");
    expect_query_error(t, "SELECT Account.Nme FROM Contact", "INVALID_FIELD",
                       "No such column 'Nme' on entity 'Account'. If you are "
                       "attempting to use a custom field, be sure to append "
                       "the '__c' after the custom field name. Please "
                       "reference your WSDL or the describe call for the "
                       "appropriate names.");
    expect_query_error(t,
                       "SELECT Owner.Manager.Manager.Manager.Manager.Manager."
                       "Name FROM Contact",
                       "INVALID_FIELD",
                       "more than 5 levels away from the root entity "
                       "object.");
    expect_records(t,
                   "SELECT Owner.Manager.Manager.Manager.Manager.Name FROM "
                   "Contact WHERE LastName = 'Alone'",
                   "[{\"Owner\":{\"Manager\":null}}]");
}

static void
test_child_subqueries(void **state)
{
    struct simtest *t = *state;
    char acme[ID_MAX], inv[ID_MAX];

    seed(t, acme, inv);
    expect_records(
        t,
        "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName), "
        "(SELECT Amount__c FROM Invoices__r WHERE Amount__c > 6) FROM "
        "Account ORDER BY Name",
        "[{\"Name\":\"Acme\",\"Contacts\":{\"totalSize\":2,\"done\":true,"
        "\"records\":[{\"LastName\":\"Jones\"},{\"LastName\":\"Smith\"}]},"
        "\"Invoices__r\":{\"totalSize\":1,\"done\":true,\"records\":"
        "[{\"Amount__c\":9.0}]}},"
        "{\"Name\":\"Globex\",\"Contacts\":null,\"Invoices__r\":null}]");
    expect_records(t,
                   "SELECT Name, (SELECT LastName FROM Contacts ORDER BY "
                   "LastName DESC LIMIT 1) FROM Account WHERE Name = 'Acme'",
                   "[{\"Name\":\"Acme\",\"Contacts\":{\"totalSize\":1,"
                   "\"done\":true,\"records\":[{\"LastName\":\"Smith\"}]}}]");
    /* A subquery's own parent paths, and a master-detail child list. */
    expect_records(t,
                   "SELECT Amount__c, (SELECT Name, Invoice__r.Name FROM "
                   "Lines__r) FROM Invoice__c WHERE Amount__c = 5",
                   "[{\"Amount__c\":5.0,\"Lines__r\":{\"totalSize\":1,"
                   "\"done\":true,\"records\":[{\"Name\":\"L1\","
                   "\"Invoice__r\":{\"Name\":\"INV-0007\"}}]}}]");
    expect_query_error(t, "SELECT Id, (SELECT Id FROM Contact) FROM Account",
                       "INVALID_TYPE",
                       "Didn't understand relationship 'Contact' in FROM "
                       "part of query call. If you are attempting to use a "
                       "custom relationship, be sure to append the '__r' "
                       "after the custom relationship name. Please reference "
                       "your WSDL or the describe call for the appropriate "
                       "names.");
    expect_query_error(t, "SELECT Id, (SELECT Nme FROM Contacts) FROM Account",
                       "INVALID_FIELD",
                       "No such column 'Nme' on entity "
                       "'Contact'. If you are attempting to "
                       "use a custom field, be sure to "
                       "append the '__c' after the custom "
                       "field name. Please reference your "
                       "WSDL or the describe call for the "
                       "appropriate names.");
    expect_query_error(t, "SELECT Id, (SELECT Id FROM Contacts FROM Account",
                       "MALFORMED_QUERY", "unexpected token: FROM");
}

static void
test_standard_objects(void **state)
{
    struct simtest *t = *state;
    char acc[ID_MAX], con[ID_MAX], opp[ID_MAX], camp[ID_MAX], lead[ID_MAX],
        id[ID_MAX], body[512];

    create(t, "Account", "{\"Name\":\"Acme\"}", acc);
    snprintf(body, sizeof(body),
             "{\"LastName\":\"Smith\",\"AccountId\":\"%s\"}", acc);
    create(t, "Contact", body, con);
    expect_error(t, "POST", V "/sobjects/Opportunity", "{\"Name\":\"Deal\"}",
                 "REQUIRED_FIELD_MISSING",
                 "Required fields are missing: [StageName, CloseDate]");
    snprintf(body, sizeof(body),
             "{\"Name\":\"Deal\",\"StageName\":\"Prospecting\","
             "\"CloseDate\":\"2026-03-31\",\"Amount\":5000,"
             "\"AccountId\":\"%s\"}",
             acc);
    create(t, "Opportunity", body, opp);
    assert_memory_equal(opp, "006", 3);
    /* Task: Who and What, polymorphic. */
    snprintf(body, sizeof(body),
             "{\"Subject\":\"Call\",\"WhoId\":\"%s\",\"WhatId\":\"%s\"}", con,
             opp);
    create(t, "Task", body, id);
    assert_memory_equal(id, "00T", 3);
    create(t, "Lead", "{\"LastName\":\"Lee\",\"Company\":\"L Inc\"}", lead);
    snprintf(body, sizeof(body), "{\"Subject\":\"Email\",\"WhoId\":\"%s\"}",
             lead);
    create(t, "Task", body, id);
    create(t, "Campaign", "{\"Name\":\"Spring\"}", camp);
    snprintf(body, sizeof(body), "{\"CampaignId\":\"%s\",\"LeadId\":\"%s\"}",
             camp, lead);
    create(t, "CampaignMember", body, id);
    assert_memory_equal(id, "00v", 3);
    snprintf(body, sizeof(body),
             "{\"Subject\":\"Broken\",\"AccountId\":\"%s\"}", acc);
    create(t, "Case", body, id);
    assert_memory_equal(id, "500", 3);
    expect_records(
        t, "SELECT CaseNumber, Status, Priority, Account.Name FROM Case",
        "[{\"CaseNumber\":\"00000001\",\"Status\":\"New\","
        "\"Priority\":\"Medium\",\"Account\":{\"Name\":\"Acme\"}}]");
    expect_records(t,
                   "SELECT Subject, Status, Who.Name, What.Name FROM Task "
                   "ORDER BY Subject",
                   "[{\"Subject\":\"Call\",\"Status\":\"Not Started\","
                   "\"Who\":{\"Name\":\"Smith\"},\"What\":{\"Name\":\"Deal\"}},"
                   "{\"Subject\":\"Email\",\"Status\":\"Not Started\","
                   "\"Who\":{\"Name\":\"Lee\"},\"What\":null}]");
    expect_records(t,
                   "SELECT Name, (SELECT Name, StageName, Amount FROM "
                   "Opportunities), (SELECT Subject FROM Cases) FROM Account",
                   "[{\"Name\":\"Acme\",\"Opportunities\":{\"totalSize\":1,"
                   "\"done\":true,\"records\":[{\"Name\":\"Deal\","
                   "\"StageName\":\"Prospecting\",\"Amount\":5000.0}]},"
                   "\"Cases\":{\"totalSize\":1,\"done\":true,\"records\":"
                   "[{\"Subject\":\"Broken\"}]}}]");
    expect_records(t,
                   "SELECT Name, (SELECT Status, Lead.LastName FROM "
                   "CampaignMembers) FROM Campaign",
                   "[{\"Name\":\"Spring\",\"CampaignMembers\":{\"totalSize\":"
                   "1,\"done\":true,\"records\":[{\"Status\":\"Sent\","
                   "\"Lead\":{\"LastName\":\"Lee\"}}]}}]");
}

/* What Collections, sObject Tree and Bulk API 2.0 do with custom objects:
 * the same intake as REST (auto numbers, rules), children of a tree under
 * custom relationship names. */
static void
test_batch_apis(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    const char *csv[] = {"Content-Type: text/csv", NULL};
    char path[256], job[ID_MAX];
    long st = 0;
    json_t *j;

    j = simtest_api_json(
        t, "POST", V "/composite/tree/Account",
        "{\"records\":[{\"attributes\":{\"type\":\"Account\",\"referenceId\":"
        "\"a1\"},\"Name\":\"Tree Co\",\"Invoices__r\":{\"records\":[{"
        "\"attributes\":{\"type\":\"Invoice__c\",\"referenceId\":\"i1\"},"
        "\"Amount__c\":3,\"Lines__r\":{\"records\":[{\"attributes\":{\"type\":"
        "\"Invoice_Line__c\",\"referenceId\":\"l1\"},\"Name\":\"TL\"}]}}]}}]}",
        NULL, &st);
    assert_int_equal(st, 201);
    assert_true(json_is_false(json_object_get(j, "hasErrors")));
    assert_int_equal(json_array_size(json_object_get(j, "results")), 3);
    json_decref(j);
    j = simtest_api_json(
        t, "POST", V "/composite/sobjects",
        "{\"allOrNone\":false,\"records\":[{\"attributes\":{\"type\":"
        "\"Invoice__c\"},\"Amount__c\":1},{\"attributes\":{\"type\":"
        "\"Invoice__c\"},\"Amount__c\":-1}]}",
        NULL, &st);
    assert_int_equal(st, 200);
    assert_true(json_is_true(json_object_get(json_array_get(j, 0), "success")));
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(json_array_get(j, 1), "errors"), 0),
            "statusCode")),
        "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    json_decref(j);
    j = simtest_api_json(t, "POST", V "/jobs/ingest",
                         "{\"object\":\"Invoice__c\",\"operation\":\"upsert\","
                         "\"externalIdFieldName\":\"External_Id__c\"}",
                         NULL, &st);
    assert_int_equal(st, 200);
    snprintf(job, sizeof(job), "%s",
             json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof(path), V "/jobs/ingest/%s/batches", job);
    assert_int_equal(simtest_api(t, "PUT", path, "text/csv",
                                 "Amount__c,External_Id__c\n4,B1\n", csv, &r),
                     201);
    http_result_free(&r);
    snprintf(path, sizeof(path), V "/jobs/ingest/%s", job);
    json_decref(simtest_api_json(t, "PATCH", path,
                                 "{\"state\":\"UploadComplete\"}", NULL, &st));
    simtest_advance(t, 60);
    j = simtest_api_json(t, "GET", path, NULL, NULL, &st);
    assert_string_equal(json_string_value(json_object_get(j, "state")),
                        "JobComplete");
    json_decref(j);
    expect_records(t,
                   "SELECT Name, Amount__c, Account__r.Name, (SELECT Name "
                   "FROM Lines__r) FROM Invoice__c ORDER BY Name",
                   "[{\"Name\":\"INV-0007\",\"Amount__c\":3.0,\"Account__r\":"
                   "{\"Name\":\"Tree Co\"},\"Lines__r\":{\"totalSize\":1,"
                   "\"done\":true,\"records\":[{\"Name\":\"TL\"}]}},"
                   "{\"Name\":\"INV-0008\",\"Amount__c\":1.0,\"Account__r\":"
                   "null,\"Lines__r\":null},"
                   "{\"Name\":\"INV-0009\",\"Amount__c\":4.0,\"Account__r\":"
                   "null,\"Lines__r\":null}]");
}

/* The resource map names the session user's identity URL, the token
 * answer's "id". */
static void
test_identity_in_resources(void **state)
{
    struct simtest *t = *state;
    long st = 0;
    json_t *j = simtest_api_json(t, "GET", V "/", NULL, NULL, &st);
    const char *id = json_string_value(json_object_get(j, "identity"));

    assert_int_equal(st, 200);
    assert_non_null(id);
    if (strstr(id, "/id/00D000000000001") == NULL)
        fail_msg("identity %s", id);
    assert_non_null(json_object_get(j, "sobjects"));
    json_decref(j);
}

/* describe/layouts and compactLayouts: one layout listing the fields, its
 * related lists the object's child relationships; the system default
 * compact layout with the name field. */
static void
test_layouts(void **state)
{
    struct simtest *t = *state;
    char path[256];
    long st = 0;
    json_t *j, *layout, *rows, *rel, *maps;
    const char *rt;

    j = simtest_api_json(t, "GET", V "/sobjects/Invoice__c/describe/layouts",
                         NULL, NULL, &st);
    assert_int_equal(st, 200);
    layout = json_array_get(json_object_get(j, "layouts"), 0);
    assert_memory_equal(json_string_value(json_object_get(layout, "id")), "00h",
                        3);
    rows = json_object_get(
        json_array_get(json_object_get(layout, "detailLayoutSections"), 0),
        "layoutRows");
    assert_true(json_array_size(rows) > 5);
    rel = json_object_get(layout, "relatedLists");
    assert_int_equal(json_array_size(rel), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(rel, 0), "name")),
        "Lines__r");
    maps = json_object_get(j, "recordTypeMappings");
    assert_int_equal(json_array_size(maps), 3);
    assert_json_equal(json_object_get(j, "recordTypeSelectorRequired"),
                      "[false]");
    rt = json_string_value(
        json_object_get(json_array_get(maps, 0), "recordTypeId"));
    snprintf(path, sizeof(path), V "/sobjects/Invoice__c/describe/layouts/%s",
             rt);
    json_decref(simtest_api_json(t, "GET", path, NULL, NULL, &st));
    assert_int_equal(st, 200);
    json_decref(j);
    j = simtest_api_json(t, "GET",
                         V "/sobjects/Invoice__c/describe/layouts/"
                           "012000000000001AAA",
                         NULL, NULL, &st);
    assert_int_equal(st, 404);
    json_decref(j);
    j = simtest_api_json(t, "GET",
                         V "/sobjects/Account/describe/compactLayouts", NULL,
                         NULL, &st);
    assert_int_equal(st, 200);
    layout = json_array_get(json_object_get(j, "compactLayouts"), 0);
    assert_string_equal(json_string_value(json_object_get(layout, "name")),
                        "SYSTEM");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(layout, "fieldItems"), 0), "label")),
        "Account Name");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(
                json_object_get(j, "recordTypeCompactLayoutMappings"), 0),
            "recordTypeName")),
        "Master");
    json_decref(j);
}

/* GET of a record: its status. */
static long
get_status(struct simtest *t, const char *object, const char *id)
{
    char path[256];
    long status = 0;

    snprintf(path, sizeof(path), V "/sobjects/%s/%s", object, id);
    json_decref(simtest_api_json(t, "GET", path, NULL, NULL, &status));
    return status;
}

static void
delete_record(struct simtest *t, const char *object, const char *id)
{
    char path[256];
    long status = 0;

    snprintf(path, sizeof(path), V "/sobjects/%s/%s", object, id);
    json_decref(simtest_api_json(t, "DELETE", path, NULL, NULL, &status));
    assert_int_equal(status, 204);
}

/* queryAll's totalSize for soql (no spaces to encode but '+'). */
static long
query_all_count(struct simtest *t, const char *soql)
{
    char path[512];
    long status = 0, n;
    json_t *j;

    snprintf(path, sizeof(path), V "/queryAll?q=%s", soql);
    j = simtest_api_json(t, "GET", path, NULL, NULL, &status);
    assert_int_equal(status, 200);
    n = (long)json_integer_value(json_object_get(j, "totalSize"));
    json_decref(j);
    return n;
}

/* SOAP undelete() of id: the answer must say success, or (ok 0) fail
 * with UNDELETE_FAILED "Entity is not in the recycle bin". */
static void
soap_undelete(struct simtest *t, const char *id, int ok)
{
    char *body = xasprintf(
        "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        "xmlns=\"urn:partner.soap.sforce.com\"><e:Header><SessionHeader>"
        "<sessionId>%s</sessionId></SessionHeader></e:Header><e:Body>"
        "<undelete><ids>%s</ids></undelete></e:Body></e:Envelope>",
        t->access_token, id);
    struct http_result r;

    httpc_request(t->http, "POST", "/services/Soap/u/62.0", "text/xml", body,
                  strlen(body), NULL, &r);
    assert_int_equal(r.status, 200);
    if (ok) {
        assert_non_null(strstr(r.body, "<success>true</success>"));
    } else {
        assert_non_null(strstr(r.body, "<success>false</success>"));
        assert_non_null(strstr(r.body, "<statusCode>UNDELETE_FAILED"
                                       "</statusCode>"));
        assert_non_null(strstr(r.body, "Entity is not in the recycle bin"));
    }
    http_result_free(&r);
    free(body);
}

/* Deleting a master deletes its details into the bin; undeleting it
 * brings back those deleted with it, not one deleted before. A detail
 * does not come back alone while its master is deleted (Salesforce Help
 * 000386040). */
static void
test_master_detail_cascade(void **state)
{
    struct simtest *t = *state;
    char inv[ID_MAX], other[ID_MAX], l1[ID_MAX], l2[ID_MAX], l3[ID_MAX];
    char l4[ID_MAX];
    char body[128];
    const char *deleted = "SELECT+Id+FROM+Invoice_Line__c+WHERE+IsDeleted="
                          "true";
    char *lines[] = {l1, l2, l3, l4};
    size_t i;

    create(t, "Invoice__c", "{}", inv);
    create(t, "Invoice__c", "{}", other);
    for (i = 0; i < 4; i++) {
        snprintf(body, sizeof(body),
                 "{\"Name\":\"L%zu\",\"Invoice__c\":\"%s\"}", i,
                 i < 3 ? inv : other);
        create(t, "Invoice_Line__c", body, lines[i]);
    }
    delete_record(t, "Invoice_Line__c", l3);
    simtest_advance(t, 5);
    delete_record(t, "Invoice__c", inv);
    assert_int_equal(get_status(t, "Invoice_Line__c", l1), 404);
    assert_int_equal(get_status(t, "Invoice_Line__c", l2), 404);
    assert_int_equal(get_status(t, "Invoice_Line__c", l4), 200);
    assert_int_equal(query_all_count(t, deleted), 3);
    soap_undelete(t, l1, 0); /* deleted with its master */
    soap_undelete(t, l3, 0); /* deleted before it */
    assert_int_equal(get_status(t, "Invoice_Line__c", l1), 404);
    assert_int_equal(query_all_count(t, deleted), 3);
    soap_undelete(t, inv, 1);
    assert_int_equal(get_status(t, "Invoice__c", inv), 200);
    assert_int_equal(get_status(t, "Invoice_Line__c", l1), 200);
    assert_int_equal(get_status(t, "Invoice_Line__c", l2), 200);
    assert_int_equal(get_status(t, "Invoice_Line__c", l3), 404);
    assert_int_equal(query_all_count(t, deleted), 1);
}

/* TYPEOF What: each task's related record with its type's fields. */
static void
test_typeof_what(void **state)
{
    struct simtest *t = *state;
    char acct[ID_MAX], opp[ID_MAX], task[ID_MAX], body[256];

    create(t, "Account", "{\"Name\":\"Acme\",\"Phone\":\"555\"}", acct);
    create(t, "Opportunity",
           "{\"Name\":\"Deal\",\"StageName\":\"Prospecting\","
           "\"CloseDate\":\"2026-03-31\",\"Amount\":250}",
           opp);
    snprintf(body, sizeof(body), "{\"Subject\":\"a\",\"WhatId\":\"%s\"}", acct);
    create(t, "Task", body, task);
    snprintf(body, sizeof(body), "{\"Subject\":\"b\",\"WhatId\":\"%s\"}", opp);
    create(t, "Task", body, task);
    create(t, "Task", "{\"Subject\":\"c\"}", task);
    expect_records(t,
                   "SELECT Subject, TYPEOF What WHEN Account THEN Name, Phone "
                   "WHEN Opportunity THEN Amount END FROM Task ORDER BY "
                   "Subject",
                   "[{\"Subject\":\"a\",\"What\":{\"Name\":\"Acme\","
                   "\"Phone\":\"555\"}},{\"Subject\":\"b\",\"What\":"
                   "{\"Amount\":250.0}},{\"Subject\":\"c\",\"What\":null}]");
    expect_records(t,
                   "SELECT TYPEOF What WHEN Account THEN Phone ELSE Name END "
                   "FROM Task WHERE Subject = 'b'",
                   "[{\"What\":{\"Name\":\"Deal\"}}]");
    expect_query_error(t,
                       "SELECT TYPEOF Wat WHEN Account THEN Name END FROM "
                       "Task",
                       "INVALID_FIELD", "appropriate names.");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_crud_and_auto_number, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_upsert_by_external_id, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_lookups_and_rules, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_describe, start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_parent_paths, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_child_subqueries, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_standard_objects, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_batch_apis, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_identity_in_resources, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_layouts, start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_master_detail_cascade, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_typeof_what, start,
                                        simtest_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
