/*
 * test_actions.c - invocable flows and Apex REST end to end: what each
 * declared flow or endpoint creates, and each failure as Salesforce
 * answers it (facts section 4).
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

#define FLOW "/services/data/v62.0/actions/custom/flow/"

static int
start_flows(void **state)
{
    return simtest_setup_org_session(state, "orgs/flows-apex.json");
}

static int
start_person(void **state)
{
    return simtest_setup_org_session(state, "orgs/person-accounts.json");
}

static const char *
str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

static json_t *
record(struct simtest *t, const char *object, size_t i)
{
    char path[64];
    json_t *all, *r;

    snprintf(path, sizeof(path), "/__sim/records/%s", object);
    all = httpc_get_json(t->http, path, NULL);
    r = json_incref(json_array_get(all, i));
    json_decref(all);
    return r;
}

static void
test_flow_creates_lead(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j = simtest_api_json(
               t, "POST", FLOW "Create_Lead_From_Webhook",
               "{\"inputs\":[{\"firstName\":\"Ada\",\"lastName\":"
               "\"Lovelace\",\"company\":\"Acme\",\"email\":"
               "\"ada@example.com\",\"caseType\":\"Auto Accident\"}]}",
               NULL, &st),
           *res = json_array_get(j, 0), *lead;

    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(j), 1);
    assert_string_equal(str(res, "actionName"), "Create_Lead_From_Webhook");
    assert_true(json_is_null(json_object_get(res, "errors")));
    assert_true(json_is_true(json_object_get(res, "isSuccess")));
    assert_int_equal(json_integer_value(json_object_get(res, "version")), 1);
    assert_int_equal(json_integer_value(json_object_get(res, "sortOrder")), -1);
    assert_string_equal(
        str(json_object_get(res, "outputValues"), "Flow__InterviewStatus"),
        "Finished");
    lead = record(t, "Lead", 0);
    assert_string_equal(str(json_object_get(res, "outputValues"), "leadId"),
                        str(lead, "Id"));
    assert_string_equal(str(lead, "case_type__c"), "Auto Accident");
    assert_string_equal(str(lead, "Email"), "ada@example.com");
    json_decref(lead);
    json_decref(j);
}

static void
test_flow_batch_with_a_failing_interview(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j = simtest_api_json(
               t, "POST", FLOW "Create_Lead_From_Webhook",
               "{\"inputs\":[{\"lastName\":\"Good\",\"company\":\"A\"},"
               "{\"lastName\":\"Bad\",\"company\":\"B\",\"caseType\":"
               "\"auto accident\"},{\"company\":\"C\"}]}",
               NULL, &st),
           *bad, *err;

    assert_int_equal(st, 400);
    assert_int_equal(json_array_size(j), 3);
    assert_true(
        json_is_true(json_object_get(json_array_get(j, 0), "isSuccess")));
    bad = json_array_get(j, 1);
    assert_true(json_is_false(json_object_get(bad, "isSuccess")));
    assert_true(json_is_null(json_object_get(bad, "outputValues")));
    err = json_array_get(json_object_get(bad, "errors"), 0);
    assert_string_equal(str(err, "statusCode"),
                        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    assert_string_equal(
        str(err, "message"),
        "This error occurred when the flow tried to create records: "
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Case Type: bad value for "
        "restricted picklist field: auto accident. You can look up "
        "ExceptionCode values in the SOAP API Developer Guide.");
    err = json_array_get(json_object_get(json_array_get(j, 2), "errors"), 0);
    assert_string_equal(str(err, "statusCode"), "REQUIRED_FIELD_MISSING");
    assert_int_equal(simtest_count(t, "Lead"), 1);
    json_decref(j);
}

static void
test_flow_unknown_inactive_and_bad_input(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j = simtest_api_json(t, "POST", FLOW "No_Such_Flow",
                                 "{\"inputs\":[{}]}", NULL, &st);
    char *text = json_dumps(j, JSON_COMPACT);

    assert_int_equal(st, 400);
    assert_string_equal(text,
                        "[{\"actionName\":\"No_Such_Flow\",\"invocationId\":"
                        "null,\"isSuccess\":false,\"outcome\":null,"
                        "\"sortOrder\":-1,\"version\":1,\"errors\":[{"
                        "\"statusCode\":\"MISSING_RECORD\",\"message\":"
                        "\"Action name not found: No_Such_Flow\",\"fields\":"
                        "[]}],\"outputValues\":null}]");
    free(text);
    json_decref(j);
    j = simtest_api_json(t, "POST", FLOW "Old_Intake", "{\"inputs\":[{}]}",
                         NULL, &st);
    assert_int_equal(st, 400);
    json_decref(j);
    j = simtest_api_json(
        t, "POST", FLOW "Create_Lead_From_Webhook",
        "{\"inputs\":[{\"lastName\":\"X\",\"shoeSize\":\"9\"}]}", NULL, &st);
    assert_int_equal(st, 400);
    assert_string_equal(
        str(json_array_get(json_object_get(json_array_get(j, 0), "errors"), 0),
            "message"),
        "Couldn't find an input parameter named shoeSize");
    json_decref(j);
    j = simtest_api_json(t, "POST", FLOW "Create_Lead_From_Webhook",
                         "{\"lastName\":1}", NULL, &st);
    assert_int_equal(st, 400);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "JSON_PARSER_ERROR");
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 0);
}

static void
test_flow_contact_with_account(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j = simtest_api_json(
               t, "POST", FLOW "Create_Contact_And_Account",
               "{\"inputs\":[{\"firstName\":\"Grace\",\"lastName\":"
               "\"Hopper\",\"company\":\"Navy\",\"email\":"
               "\"grace@example.com\"}]}",
               NULL, &st),
           *out = json_object_get(json_array_get(j, 0), "outputValues"),
           *contact, *account;

    assert_int_equal(st, 200);
    contact = record(t, "Contact", 0);
    account = record(t, "Account", 0);
    assert_string_equal(str(account, "Name"), "Navy");
    assert_string_equal(str(contact, "AccountId"), str(account, "Id"));
    assert_string_equal(str(out, "contactId"), str(contact, "Id"));
    assert_string_equal(str(out, "accountId"), str(account, "Id"));
    json_decref(contact);
    json_decref(account);
    json_decref(j);
    /* A Contact that fails rolls its Account back. */
    j = simtest_api_json(
        t, "POST", FLOW "Create_Contact_And_Account",
        "{\"inputs\":[{\"firstName\":\"No\",\"company\":\"Orphan\"}]}", NULL,
        &st);
    assert_int_equal(st, 400);
    json_decref(j);
    assert_int_equal(simtest_count(t, "Account"), 1);
    assert_int_equal(simtest_count(t, "Contact"), 1);
}

static void
test_flow_needs_a_session(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    const char *body = "{\"inputs\":[{\"lastName\":\"X\"}]}";

    httpc_request(t->http, "POST", FLOW "Create_Lead_From_Webhook",
                  "application/json", body, strlen(body), NULL, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, "[{\"message\":\"Session expired or invalid\","
                                "\"errorCode\":\"INVALID_SESSION_ID\"}]");
    http_result_free(&r);
}

static void
test_flow_list_and_describe(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j = simtest_api_json(
        t, "GET", "/services/data/v62.0/actions/custom/flow", NULL, NULL, &st);

    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(j, "actions")), 2);
    json_decref(j);
    j = simtest_api_json(t, "GET", FLOW "Create_Lead_From_Webhook", NULL, NULL,
                         &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(j, "inputs")), 7);
    json_decref(j);
}

static void
test_apex_creates_with_configured_answer(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j = simtest_api_json(
               t, "POST", "/services/apexrest/leads/v1/intake",
               "{\"firstName\":\"Zo\\u00eb\",\"lastName\":\"Mller\","
               "\"company\":\"Acme\",\"contact\":{\"email\":"
               "\"zoe@example.com\"},\"custom\":{\"caseType\":"
               "\"Slip and Fall\"}}",
               NULL, &st),
           *lead = record(t, "Lead", 0);

    assert_int_equal(st, 201);
    assert_string_equal(str(j, "status"), "created");
    assert_string_equal(str(j, "id"), str(lead, "Id"));
    assert_string_equal(str(lead, "FirstName"), "Zo\xc3\xab");
    assert_string_equal(str(lead, "Email"), "zoe@example.com");
    assert_string_equal(str(lead, "case_type__c"), "Slip and Fall");
    json_decref(lead);
    json_decref(j);
}

static void
test_apex_failures(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j;

    j = simtest_api_json(t, "POST", "/services/apexrest/leads/v1/intake",
                         "{\"firstName\":\"NoLast\",\"company\":\"Acme\"}",
                         NULL, &st);
    assert_int_equal(st, 500);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"), "APEX_ERROR");
    assert_string_equal(
        str(json_array_get(j, 0), "message"),
        "System.DmlException: Insert failed. First exception on row 0; first "
        "error: REQUIRED_FIELD_MISSING, Required fields are missing: "
        "[LastName]: [LastName]\n\nClass.LeadIntakeResource.doPost: line 27, "
        "column 1");
    json_decref(j);
    j = simtest_api_json(t, "POST", "/services/apexrest/leads/checked",
                         "{\"company\":\"Acme\"}", NULL, &st);
    assert_int_equal(st, 400);
    assert_true(json_is_false(json_object_get(j, "success")));
    json_decref(j);
    j = simtest_api_json(t, "POST", "/services/apexrest/nothing/here", "{}",
                         NULL, &st);
    assert_int_equal(st, 404);
    assert_string_equal(str(json_array_get(j, 0), "message"),
                        "Could not find a match for URL /nothing/here");
    json_decref(j);
    j = simtest_api_json(t, "GET", "/services/apexrest/leads/v1/intake", NULL,
                         NULL, &st);
    assert_int_equal(st, 405);
    assert_string_equal(str(json_array_get(j, 0), "message"),
                        "HTTP Method 'GET' not allowed. Allowed are POST");
    json_decref(j);
    j = simtest_api_json(t, "POST", "/services/apexrest/leads/v1/intake",
                         "{\"bad\":", NULL, &st);
    assert_int_equal(st, 400);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "JSON_PARSER_ERROR");
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 0);
}

static void
test_flow_creates_person_account(void **state)
{
    struct simtest *t = *state;
    long st;
    json_t *j = simtest_api_json(
               t, "POST", FLOW "Create_Person_Account",
               "{\"inputs\":[{\"firstName\":\"Jane\",\"lastName\":"
               "\"Doe\",\"email\":\"jane@example.com\"}]}",
               NULL, &st),
           *acc;

    assert_int_equal(st, 200);
    acc = record(t, "Account", 0);
    assert_true(json_is_true(json_object_get(acc, "IsPersonAccount")));
    assert_string_equal(str(acc, "Name"), "Jane Doe");
    assert_string_equal(str(acc, "PersonEmail"), "jane@example.com");
    assert_string_equal(
        str(json_object_get(json_array_get(j, 0), "outputValues"), "accountId"),
        str(acc, "Id"));
    json_decref(acc);
    json_decref(j);
}

/* A custom object with a validation rule, created by an Apex REST
 * endpoint and by a flow; an Opportunity endpoint beside them. */
static const char ticket_org[] =
    "{\"custom_objects\": [{\"name\": \"Ticket__c\", \"fields\": ["
    "{\"name\": \"Seats__c\", \"type\": \"int\"},"
    "{\"name\": \"Holder__c\", \"type\": \"text\", \"length\": 40}]}],"
    " \"validation_rules\": [{\"object\": \"Ticket__c\", \"name\": "
    "\"Seats_Positive\", \"formula\": \"Seats__c < 1\", \"message\": "
    "\"A ticket needs at least one seat.\", \"error_field\": "
    "\"Seats__c\"}],"
    " \"apex_rest\": [{\"url_mapping\": \"/tickets\", \"class\": "
    "\"TicketResource\", \"object\": \"ticket__c\", \"mapping\": "
    "{\"name\": \"Name\", \"seats\": \"Seats__c\", \"holder.name\": "
    "\"Holder__c\"}, \"success_status\": 201, \"success_body\": "
    "{\"ticket\": \"{{id}}\"}},"
    " {\"url_mapping\": \"/deals\", \"object\": \"Opportunity\", "
    "\"mapping\": {\"name\": \"Name\", \"stage\": \"StageName\", "
    "\"close\": \"CloseDate\"}}],"
    " \"flows\": [{\"api_name\": \"Book_Ticket\", \"creates\": "
    "\"Ticket__c\", \"inputs\": {\"name\": \"Name\", \"seats\": "
    "\"Seats__c\"}, \"output_id\": \"ticketId\"}]}";

static int
start_tickets(void **state)
{
    return simtest_setup_org_text_session(state, ticket_org);
}

/* The record in /__sim/records/Ticket__c and through SOQL, by name. */
static void
expect_ticket(struct simtest *t, const char *id, const char *name,
              long long seats)
{
    char path[256];
    json_t *q, *r = record(t, "Ticket__c", 0);
    long st;

    assert_string_equal(str(r, "Id"), id);
    assert_string_equal(str(r, "Name"), name);
    json_decref(r);
    snprintf(path, sizeof(path),
             "/services/data/v62.0/query?q=SELECT+Id,Seats__c+FROM+Ticket__c"
             "+WHERE+Name='%s'",
             name);
    q = simtest_api_json(t, "GET", path, NULL, NULL, &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_integer_value(json_object_get(q, "totalSize")), 1);
    r = json_array_get(json_object_get(q, "records"), 0);
    assert_string_equal(str(r, "Id"), id);
    assert_int_equal(json_number_value(json_object_get(r, "Seats__c")), seats);
    json_decref(q);
}

static void
test_apex_creates_a_custom_object(void **state)
{
    struct simtest *t = *state;
    struct simtest_match m = {.path = "/services/apexrest/tickets"};
    long st;
    json_t *j, *e;

    j = simtest_api_json(t, "POST", "/services/apexrest/tickets",
                         "{\"name\":\"T-1\",\"seats\":0}", NULL, &st);
    assert_int_equal(st, 500);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"), "APEX_ERROR");
    assert_string_equal(
        str(json_array_get(j, 0), "message"),
        "System.DmlException: Insert failed. First exception on row 0; first "
        "error: FIELD_CUSTOM_VALIDATION_EXCEPTION, A ticket needs at least "
        "one seat.: [Seats__c]\n\nClass.TicketResource.doPost: line 27, "
        "column 1");
    json_decref(j);
    assert_int_equal(simtest_count(t, "Ticket__c"), 0);
    j = simtest_api_json(t, "POST", "/services/apexrest/tickets",
                         "{\"name\":\"T-2\",\"seats\":2,\"holder\":{"
                         "\"name\":\"Ada\"}}",
                         NULL, &st);
    assert_int_equal(st, 201);
    assert_int_equal(json_object_size(j), 1);
    expect_ticket(t, str(j, "ticket"), "T-2", 2);
    e = simtest_journal_last(t, &m);
    assert_string_equal(str(e, "object"), "Ticket__c");
    json_decref(e);
    json_decref(j);
    j = simtest_api_json(t, "POST", "/services/apexrest/deals",
                         "{\"name\":\"Big\",\"stage\":\"Prospecting\","
                         "\"close\":\"2026-03-01\"}",
                         NULL, &st);
    assert_int_equal(st, 200);
    assert_true(json_is_true(json_object_get(j, "success")));
    assert_int_equal(simtest_count(t, "Opportunity"), 1);
    json_decref(j);
}

/* PUT /__sim/org refuses an endpoint of an object the org does not have,
 * at its path, and keeps the org it had. */
static void
test_put_org_refuses_an_unknown_object(void **state)
{
    struct simtest *t = *state;
    const char *body = "{\"apex_rest\": [{\"url_mapping\": \"/w\", "
                       "\"object\": \"Widget__c\"}]}";
    long st = 0;
    json_t *j = httpc_send_json(t->http, "PUT", "/__sim/org", body, &st);

    assert_int_equal(st, 400);
    assert_string_equal(str(j, "error"), "invalid_org");
    assert_string_equal(str(j, "message"),
                        "body:1:48: apex_rest[0].object: \"Widget__c\" is not "
                        "one of: Lead, Contact, Account, Opportunity, Task, "
                        "Event, Campaign, CampaignMember, Case");
    json_decref(j);
    j = simtest_api_json(t, "POST", FLOW "Book_Ticket",
                         "{\"inputs\":[{\"name\":\"K\",\"seats\":1}]}", NULL,
                         &st);
    assert_int_equal(st, 200);
    json_decref(j);
    assert_int_equal(simtest_count(t, "Ticket__c"), 1);
}

static void
test_flow_creates_a_custom_object(void **state)
{
    struct simtest *t = *state;
    struct simtest_match m = {.path_prefix = FLOW "Book_Ticket"};
    long st;
    json_t *j, *e, *err;

    j = simtest_api_json(t, "POST", FLOW "Book_Ticket",
                         "{\"inputs\":[{\"name\":\"F-1\",\"seats\":-3}]}", NULL,
                         &st);
    assert_int_equal(st, 400);
    err = json_array_get(json_object_get(json_array_get(j, 0), "errors"), 0);
    assert_string_equal(str(err, "statusCode"),
                        "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    assert_string_equal(
        str(err, "message"),
        "This error occurred when the flow tried to create records: "
        "FIELD_CUSTOM_VALIDATION_EXCEPTION: A ticket needs at least one "
        "seat.. You can look up ExceptionCode values in the SOAP API "
        "Developer Guide.");
    json_decref(j);
    assert_int_equal(simtest_count(t, "Ticket__c"), 0);
    j = simtest_api_json(t, "POST", FLOW "Book_Ticket",
                         "{\"inputs\":[{\"name\":\"F-2\",\"seats\":4}]}", NULL,
                         &st);
    assert_int_equal(st, 200);
    expect_ticket(
        t,
        str(json_object_get(json_array_get(j, 0), "outputValues"), "ticketId"),
        "F-2", 4);
    e = simtest_journal_last(t, &m);
    assert_string_equal(str(e, "object"), "Ticket__c");
    json_decref(e);
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_flow_creates_lead, start_flows,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(
            test_flow_batch_with_a_failing_interview, start_flows,
            simtest_teardown),
        cmocka_unit_test_setup_teardown(
            test_flow_unknown_inactive_and_bad_input, start_flows,
            simtest_teardown),
        cmocka_unit_test_setup_teardown(test_flow_contact_with_account,
                                        start_flows, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_flow_needs_a_session, start_flows,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_flow_list_and_describe,
                                        start_flows, simtest_teardown),
        cmocka_unit_test_setup_teardown(
            test_apex_creates_with_configured_answer, start_flows,
            simtest_teardown),
        cmocka_unit_test_setup_teardown(test_apex_failures, start_flows,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_flow_creates_person_account,
                                        start_person, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_apex_creates_a_custom_object,
                                        start_tickets, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_flow_creates_a_custom_object,
                                        start_tickets, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_put_org_refuses_an_unknown_object,
                                        start_tickets, simtest_teardown),
    };

    return cmocka_run_group_tests_name("e2e_actions", tests, NULL, NULL);
}
