/*
 * test_org.c - org config loading: defaults, and every error located at
 * file:line:column with the key's path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "org.h"
#include "schema.h"
#include "xmalloc.h"

static struct org *
load(const char *text, struct sf_err *err)
{
    err_clear(err);
    return org_load_buf("org.json", text, strlen(text), err);
}

static void
expect_error(const char *text, const char *msg)
{
    struct sf_err err;
    struct org *o = load(text, &err);

    assert_null(o);
    assert_string_equal(err.msg, msg);
}

static void
test_default_org_matches_contract(void **state)
{
    struct org *o = org_default();

    (void)state;
    assert_non_null(o);
    assert_string_equal(o->org_id, "00D000000000001");
    assert_int_equal(o->edition, EDITION_ENTERPRISE);
    assert_int_equal(o->w2l.daily_limit, 500);
    assert_int_equal(o->w2l.over_limit, W2L_OVER_DROP);
    assert_false(o->w2l.recaptcha_required);
    assert_int_equal(o->session_timeout_s, 7200);
    assert_string_equal(org_user_find(o, "admin@sfsim.test")->password,
                        "sfsim-password");
    assert_string_equal(org_app_find(o, "sfsim-client-id")->client_secret,
                        "sfsim-client-secret");
    org_free(o);
}

static void
test_edition_defaults(void **state)
{
    struct sf_err err;
    struct org *o;

    (void)state;
    o = load("{\"edition\": \"performance\"}", &err);
    assert_non_null(o);
    assert_int_equal(o->w2l.daily_limit, 2500);
    assert_int_equal(o->api_daily_limit, 100000 + 5000 * 10);
    org_free(o);
    o = load("{\"edition\": \"Professional\"}", &err);
    assert_false(o->api_enabled);
    org_free(o);
    o = load("{\"edition\": \"Developer\"}", &err);
    assert_int_equal(o->api_daily_limit, 15000);
    org_free(o);
}

static void
test_round_trip_through_json(void **state)
{
    struct sf_err err;
    struct org *o = load("{\"web_to_lead\": {\"over_limit\": \"queue\"},"
                         " \"clock\": {\"start\": \"2026-01-05T09:00:00Z\"},"
                         " \"custom_fields\": [{\"name\": \"x__c\","
                         " \"type\": \"picklist\", \"values\": [\"A\"],"
                         " \"id\": \"00N5j000000pTbO\"}]}",
                         &err);
    json_t *j = org_to_json(o);
    char *text = json_dumps(j, 0);
    struct org *again = load(text, &err);

    (void)state;
    assert_non_null(again);
    assert_int_equal(again->w2l.over_limit, W2L_OVER_QUEUE);
    assert_int_equal(again->clock_start_ms, o->clock_start_ms);
    assert_string_equal(again->custom_fields[0].id, "00N5j000000pTbO");
    assert_int_equal(again->custom_fields[0].type, FT_PICKLIST);
    org_free(again);
    free(text);
    json_decref(j);
    org_free(o);
}

static void
test_errors_are_located(void **state)
{
    (void)state;
    expect_error("{\n  \"edition\": \"Bogus\"\n}",
                 "org.json:2:14: edition: \"Bogus\" is not one of: "
                 "Essentials, Professional, Enterprise, Unlimited, "
                 "Performance, Developer");
    expect_error("{\"web_to_lead\": {\"daily_limit\": -1}}",
                 "org.json:1:33: web_to_lead.daily_limit: must be between 0 "
                 "and 1000000, not -1");
    expect_error("{\"web_to_lead\": {\"dailylimit\": 5}}",
                 "org.json:1:18: web_to_lead.dailylimit: unknown key");
    expect_error("{\"org_id\": \"001000000000001\"}",
                 "org.json:1:12: org_id: \"001000000000001\" must start with "
                 "00D");
    expect_error("{\"custom_fields\": [{\"name\": \"x__c\"},\n"
                 " {\"name\": \"y\"}]}",
                 "org.json:2:11: custom_fields[1].name: \"y\": custom field "
                 "API names end in __c (__pc for Person Account fields of "
                 "Account)");
    expect_error("{\"custom_fields\": [{\"name\": \"x__c\", \"type\": "
                 "\"picklist\"}]}",
                 "org.json:1:20: custom_fields[0]: a picklist field needs "
                 "\"values\"");
    expect_error("{\"a\": ", "org.json:1:6: unexpected token near end of file");
    expect_error("[1]", "org.json:1:1: the document must be a JSON object");
    expect_error("{\"clock\": {\"start\": \"yesterday\"}}",
                 "org.json:1:21: clock.start: \"yesterday\" is not an RFC "
                 "3339 date-time");
    expect_error("{\"connected_apps\": [{\"client_id\": \"a\", "
                 "\"client_secret\": \"b\", \"run_as\": \"nobody\"}]}",
                 "org.json:1:72: connected_apps[0].run_as: no user "
                 "\"nobody\" in users");
    expect_error("{\"edition\": \"Essentials\", \"api_enabled\": true}",
                 "org.json:1:42: api_enabled: Essentials edition has no API "
                 "access");
}

static void
test_duplicate_keys_rejected(void **state)
{
    struct sf_err err;

    (void)state;
    assert_null(load(
        "{\"edition\": \"Enterprise\", \"edition\": \"Developer\"}", &err));
    assert_non_null(strstr(err.msg, "duplicate object key"));
}

/*
 * Every list the loader reads, with a bad value past index 0: the error
 * names the entry, and nothing read before it is freed twice or leaked
 * (a string list once freed pointers it had never set).
 */
static void
test_bad_list_entry_past_index_0(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"{\"web_to_lead\":{\"recaptcha_valid_tokens\":[\"a\",1]}}",
         "org.json:1:47: web_to_lead.recaptcha_valid_tokens[1]: must be a "
         "string"},
        {"{\"web_to_lead\":{\"recaptcha_valid_tokens\":[\"a\",\"b\",{}]}}",
         "org.json:1:51: web_to_lead.recaptcha_valid_tokens[2]: must be a "
         "string"},
        {"{\"custom_fields\":[{\"name\":\"a__c\",\"type\":\"picklist\","
         "\"values\":[\"x\",null]}]}",
         "org.json:1:66: custom_fields[0].values[1]: must be a string"},
        {"{\"custom_fields\":[{\"name\":\"a__c\"},{\"name\":\"b__c\","
         "\"type\":\"picklist\",\"values\":[\"x\",\"y\",2]}]}",
         "org.json:1:86: custom_fields[1].values[2]: must be a string"},
        {"{\"matching_rules\":[{\"name\":\"m\",\"fields\":[{\"field\":"
         "\"Email\"},7]}]}",
         "org.json:1:60: matching_rules[0].fields[1]: must be an object"},
        {"{\"matching_rules\":[{\"name\":\"m\",\"fields\":[{\"field\":"
         "\"Email\"}]}],\"duplicate_rules\":[{\"name\":\"d\","
         "\"matching_rules\":[\"m\",\"\"]}]}",
         "org.json:1:116: duplicate_rules[0].matching_rules[1]: must be a "
         "matching rule's name or an object with \"rule\""},
        {"{\"matching_rules\":[{\"name\":\"m\",\"fields\":[{\"field\":"
         "\"Email\"}]}],\"duplicate_rules\":[{\"name\":\"d\","
         "\"matching_rules\":[\"m\"],\"match_against\":[\"Lead\",3]}]}",
         "org.json:1:141: duplicate_rules[0].match_against[1]: must be a "
         "non-empty string"},
        {"{\"apex_rest\":[{\"url_mapping\":\"/a\",\"methods\":[\"GET\","
         "\"FLY\"]}]}",
         "org.json:1:52: apex_rest[0].methods[1]: must be one of: GET, POST, "
         "PUT, PATCH, DELETE"},
        {"{\"flows\":[{\"api_name\":\"f\",\"inputs\":{\"a\":\"LastName\","
         "\"b\":5}}]}",
         "org.json:1:56: flows[0].inputs.b: must be a field name (a string)"},
        {"{\"users\":[{\"username\":\"a\",\"password\":\"p\"},5]}",
         "org.json:1:43: users[1]: must be an object"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_error(cases[i].text, cases[i].msg);
}

/*
 * Every keyed list of the org file refuses a key given twice, at the
 * repeat: a second entry under one key would be silently shadowed by the
 * first (a user who could never log in, an app never found, an endpoint
 * never reached).
 */
static void
test_duplicate_list_keys_located(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"{\"users\":[{\"username\":\"a@x.test\",\"password\":\"p\"},\n"
         "{\"username\":\"A@X.test\",\"password\":\"q\"}]}",
         "org.json:2:13: users[1].username: duplicate username \"A@X.test\" "
         "(users[0] has it)"},
        {"{\"users\":[{\"username\":\"a\",\"password\":\"p\"},{\"username\""
         ":\"b\",\"password\":\"p\",\"id\":\"005000000000001\"}]}",
         "org.json:1:79: users[1].id: duplicate user id 005000000000001 "
         "(users[0] has it)"},
        {"{\"connected_apps\":[{\"client_id\":\"c\",\"client_secret\":\"s\"},"
         "{\"client_id\":\"c\",\"client_secret\":\"t\"}]}",
         "org.json:1:71: connected_apps[1].client_id: duplicate client_id "
         "\"c\" (connected_apps[0] has it)"},
        {"{\"apex_rest\":[{\"url_mapping\":\"/a/*\"},{\"url_mapping\":"
         "\"/a/*\"}]}",
         "org.json:1:53: apex_rest[1].url_mapping: duplicate url_mapping /a/* "
         "(apex_rest[0] has it)"},
        {"{\"custom_fields\":[{\"name\":\"a__c\",\"type\":\"picklist\","
         "\"values\":[\"x\",\"y\",\"x\"]}]}",
         "org.json:1:70: custom_fields[0].values[2]: duplicate value \"x\" "
         "(index 0 has it)"},
        {"{\"flows\":[{\"api_name\":\"f\"},{\"api_name\":\"f\"}]}",
         "org.json:1:40: flows[1].api_name: duplicate api_name f (flows[0] "
         "has it)"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_error(cases[i].text, cases[i].msg);
}

/*
 * Flows and Apex REST endpoints create records of any object the org can
 * create: the createable standard objects and the file's custom objects,
 * spelled as the schema does; the three flow shapes keep their meaning.
 */
static void
test_action_objects(void **state)
{
    struct sf_err err;
    struct org *o, *again;
    json_t *j;
    char *text;

    (void)state;
    o = load("{\"flows\": [{\"api_name\": \"a\", \"creates\": \"invoice__c\"},"
             " {\"api_name\": \"b\", \"creates\": \"case\"},"
             " {\"api_name\": \"c\", \"creates\": \"lead\"},"
             " {\"api_name\": \"d\", \"creates\": \"ContactWithAccount\"},"
             " {\"api_name\": \"e\"}],"
             " \"apex_rest\": [{\"url_mapping\": \"/i\", \"object\": "
             "\"INVOICE__C\"}, {\"url_mapping\": \"/o\", \"object\": "
             "\"opportunity\"}, {\"url_mapping\": \"/l\"}],"
             " \"custom_objects\": [{\"name\": \"Invoice__c\"}]}",
             &err);
    assert_non_null(o);
    assert_int_equal(o->flows[0].creates, FLOW_CREATES_OBJECT);
    assert_string_equal(o->flows[0].object, "Invoice__c");
    assert_int_equal(o->flows[1].creates, FLOW_CREATES_OBJECT);
    assert_string_equal(o->flows[1].object, "Case");
    assert_int_equal(o->flows[2].creates, FLOW_CREATES_LEAD);
    assert_string_equal(o->flows[2].object, "Lead");
    assert_int_equal(o->flows[3].creates, FLOW_CREATES_CONTACT_ACCOUNT);
    assert_string_equal(o->flows[3].object, "Contact");
    assert_int_equal(o->flows[4].creates, FLOW_CREATES_LEAD);
    assert_string_equal(o->apex[0].object, "Invoice__c");
    assert_string_equal(o->apex[1].object, "Opportunity");
    assert_string_equal(o->apex[2].object, "Lead");
    j = org_to_json(o);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(j, "flows"), 0), "creates")),
        "Invoice__c");
    text = json_dumps(j, 0);
    again = load(text, &err);
    assert_non_null(again);
    assert_int_equal(again->flows[0].creates, FLOW_CREATES_OBJECT);
    assert_string_equal(again->flows[0].object, "Invoice__c");
    assert_string_equal(again->flows[3].object, "Contact");
    org_free(again);
    free(text);
    json_decref(j);
    org_free(o);
    expect_error("{\"custom_objects\": [{\"name\": \"Invoice__c\"}],"
                 " \"apex_rest\": [{\"url_mapping\": \"/a\"},"
                 " {\"url_mapping\": \"/b\", \"object\": \"Widget__c\"}]}",
                 "org.json:1:115: apex_rest[1].object: \"Widget__c\" is not "
                 "one of: Lead, Contact, Account, Opportunity, Task, Event, "
                 "Campaign, CampaignMember, Case, Invoice__c");
    expect_error("{\"apex_rest\": [{\"url_mapping\": \"/a\", \"object\": "
                 "\"User\"}]}",
                 "org.json:1:48: apex_rest[0].object: \"User\" is not one of: "
                 "Lead, Contact, Account, Opportunity, Task, Event, Campaign, "
                 "CampaignMember, Case");
    expect_error("{\"flows\": [{\"api_name\": \"f\", \"creates\": "
                 "\"Widget__c\"}]}",
                 "org.json:1:41: flows[0].creates: \"Widget__c\" is not one "
                 "of: Lead, ContactWithAccount, PersonAccount, or an object: "
                 "Lead, Contact, Account, Opportunity, Task, Event, Campaign, "
                 "CampaignMember, Case");
}

/* A user's profile_id ($Profile.Id) is the id of the Profile record
 * orgrecords makes: System Administrator 1, Standard User 2, then the
 * users' other profiles as first named; one the file gives is kept. */
static void
test_profile_ids_match_profile_records(void **state)
{
    struct sf_err err;
    struct org *o;
    char id[SFID_LEN15 + 1];

    (void)state;
    o = load("{\"users\": ["
             "{\"username\": \"a@x.test\", \"password\": \"p\"},"
             "{\"username\": \"b@x.test\", \"password\": \"p\", "
             "\"profile\": \"Sales\"},"
             "{\"username\": \"c@x.test\", \"password\": \"p\", "
             "\"profile\": \"Standard User\"},"
             "{\"username\": \"d@x.test\", \"password\": \"p\", "
             "\"profile\": \"Ops\", \"profile_id\": \"00e0000000000AB\"},"
             "{\"username\": \"e@x.test\", \"password\": \"p\", "
             "\"profile\": \"Ops\"}]}",
             &err);
    assert_non_null(o);
    assert_string_equal(o->users[0].profile_id, "00e000000000001");
    assert_string_equal(o->users[1].profile_id, "00e000000000003");
    assert_string_equal(o->users[2].profile_id, "00e000000000002");
    assert_string_equal(o->users[3].profile_id, "00e0000000000AB");
    assert_string_equal(o->users[4].profile_id, "00e0000000000AB");
    org_profile_id(o, "Ops", id);
    assert_string_equal(id, "00e0000000000AB");
    org_profile_id(o, "Standard User", id);
    assert_string_equal(id, "00e000000000002");
    org_free(o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_org_matches_contract),
        cmocka_unit_test(test_edition_defaults),
        cmocka_unit_test(test_round_trip_through_json),
        cmocka_unit_test(test_errors_are_located),
        cmocka_unit_test(test_duplicate_keys_rejected),
        cmocka_unit_test(test_bad_list_entry_past_index_0),
        cmocka_unit_test(test_duplicate_list_keys_located),
        cmocka_unit_test(test_profile_ids_match_profile_records),
        cmocka_unit_test(test_action_objects),
    };

    xjson_init();
    return cmocka_run_group_tests_name("org", tests, NULL, NULL);
}
