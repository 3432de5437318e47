/*
 * test_record_types.c - the org's record types and lead statuses as
 * records: SELECT … FROM RecordType lists the org file's record types (of
 * standard objects and of custom objects) and a Person Account org's two,
 * never Master; describe's recordTypeInfos shows the same ids and names;
 * LeadStatus lists the Lead Status values with the converted one; neither
 * object can be written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "simtest.h"
#include "xmalloc.h"

#define V "/services/data/v62.0"

static const char org_text[] =
    "{\"name\": \"record types\", \"edition\": \"Enterprise\","
    " \"person_accounts\": true,"
    " \"record_types\": [{\"object\": \"Lead\", \"name\": \"Partner\","
    "   \"label\": \"Partner Lead\", \"id\": \"012000000000PRT\","
    "   \"description\": \"From partners\"},"
    "  {\"object\": \"Lead\", \"name\": \"Old\", \"active\": false}],"
    " \"custom_objects\": [{\"name\": \"Invoice__c\", \"label\": \"Invoice\","
    "   \"plural_label\": \"Invoices\", \"fields\": [],"
    "   \"record_types\": [{\"developer_name\": \"Retail\","
    "     \"label\": \"Retail\", \"default\": true}]}]}";

static int
setup(void **state)
{
    return simtest_setup_org_text_session(state, org_text);
}

static json_t *
query(struct simtest *t, const char *soql)
{
    char path[2048];
    long status;
    json_t *j;

    simtest_query_path(path, sizeof(path), V "/query", soql);
    j = simtest_api_json(t, "GET", path, NULL, NULL, &status);
    if (status != 200)
        fail_msg("%s: %ld %s", soql, status, json_dumps(j, 0));
    return j;
}

static const char *
str(json_t *rec, const char *name)
{
    return json_string_value(json_object_get(rec, name));
}

static void
test_record_type_records(void **state)
{
    struct simtest *t = *state;
    json_t *j = query(t, "SELECT Id, Name, DeveloperName, SobjectType, "
                         "IsActive, IsPersonType, Description FROM RecordType "
                         "ORDER BY SobjectType, DeveloperName");
    json_t *recs = json_object_get(j, "records"), *r;

    assert_int_equal(json_integer_value(json_object_get(j, "totalSize")), 5);
    r = json_array_get(recs, 0);
    assert_string_equal(str(r, "SobjectType"), "Account");
    assert_string_equal(str(r, "DeveloperName"), "Business_Account");
    assert_true(json_is_false(json_object_get(r, "IsPersonType")));
    r = json_array_get(recs, 1);
    assert_string_equal(str(r, "DeveloperName"), "PersonAccount");
    assert_true(json_is_true(json_object_get(r, "IsPersonType")));
    r = json_array_get(recs, 2);
    assert_string_equal(str(r, "SobjectType"), "Invoice__c");
    assert_string_equal(str(r, "Name"), "Retail");
    r = json_array_get(recs, 3);
    assert_string_equal(str(r, "SobjectType"), "Lead");
    assert_string_equal(str(r, "DeveloperName"), "Old");
    assert_true(json_is_false(json_object_get(r, "IsActive")));
    r = json_array_get(recs, 4);
    assert_string_equal(str(r, "Id"), "012000000000PRTAA2");
    assert_string_equal(str(r, "Name"), "Partner Lead");
    assert_string_equal(str(r, "Description"), "From partners");
    assert_true(json_is_true(json_object_get(r, "IsActive")));
    json_decref(j);
    j = query(t, "SELECT Id FROM RecordType WHERE SobjectType = 'Lead' AND "
                 "DeveloperName = 'Partner'");
    assert_int_equal(json_integer_value(json_object_get(j, "totalSize")), 1);
    json_decref(j);
}

/* recordTypeInfos carry the same ids as the records, then Master. */
static void
test_describe_matches_records(void **state)
{
    struct simtest *t = *state;
    long status;
    json_t *d = simtest_api_json(t, "GET", V "/sobjects/Lead/describe", NULL,
                                 NULL, &status);
    json_t *infos = json_object_get(d, "recordTypeInfos"), *i;

    assert_int_equal(status, 200);
    assert_int_equal(json_array_size(infos), 3);
    i = json_array_get(infos, 0);
    assert_string_equal(str(i, "recordTypeId"), "012000000000PRTAA2");
    assert_string_equal(str(i, "developerName"), "Partner");
    assert_string_equal(str(i, "name"), "Partner Lead");
    assert_true(json_is_true(json_object_get(i, "active")));
    assert_true(json_is_false(json_object_get(i, "master")));
    i = json_array_get(infos, 1);
    assert_string_equal(str(i, "developerName"), "Old");
    assert_true(json_is_false(json_object_get(i, "available")));
    i = json_array_get(infos, 2);
    assert_string_equal(str(i, "developerName"), "Master");
    assert_true(json_is_true(json_object_get(i, "master")));
    assert_true(json_is_true(json_object_get(i, "defaultRecordTypeMapping")));
    json_decref(d);
    /* Contact has none of the org's: Master only. */
    d = simtest_api_json(t, "GET", V "/sobjects/Contact/describe", NULL, NULL,
                         &status);
    assert_int_equal(json_array_size(json_object_get(d, "recordTypeInfos")), 1);
    json_decref(d);
}

static void
test_lead_statuses(void **state)
{
    struct simtest *t = *state;
    json_t *j = query(t, "SELECT MasterLabel, SortOrder, IsDefault, "
                         "IsConverted FROM LeadStatus ORDER BY SortOrder");
    json_t *recs = json_object_get(j, "records"), *r;

    assert_int_equal(json_array_size(recs), 4);
    r = json_array_get(recs, 0);
    assert_string_equal(str(r, "MasterLabel"), "Open - Not Contacted");
    assert_true(json_is_true(json_object_get(r, "IsDefault")));
    assert_true(json_is_false(json_object_get(r, "IsConverted")));
    r = json_array_get(recs, 2);
    assert_string_equal(str(r, "MasterLabel"), "Closed - Converted");
    assert_int_equal(json_integer_value(json_object_get(r, "SortOrder")), 3);
    assert_true(json_is_true(json_object_get(r, "IsConverted")));
    json_decref(j);
    j = query(t, "SELECT Id, MasterLabel FROM LeadStatus WHERE IsConverted = "
                 "true LIMIT 1");
    assert_string_equal(
        str(json_array_get(json_object_get(j, "records"), 0), "MasterLabel"),
        "Closed - Converted");
    json_decref(j);
}

static void
test_read_only(void **state)
{
    struct simtest *t = *state;
    long status;
    json_t *j;

    j = simtest_api_json(t, "POST", V "/sobjects/RecordType/",
                         "{\"Name\":\"X\",\"DeveloperName\":\"X\","
                         "\"SobjectType\":\"Lead\"}",
                         NULL, &status);
    assert_int_equal(status, 400);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY");
    json_decref(j);
    j = simtest_api_json(t, "DELETE", V "/sobjects/LeadStatus/01J000000000001",
                         NULL, NULL, &status);
    assert_int_equal(status, 400);
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_type_records),
        cmocka_unit_test(test_describe_matches_records),
        cmocka_unit_test(test_lead_statuses),
        cmocka_unit_test(test_read_only),
    };

    return cmocka_run_group_tests(tests, setup, simtest_teardown);
}
