/*
 * test_soap_data.c - the SOAP partner API's convertLead() and undelete()
 * end to end: a lead converted into new Account, Contact and Opportunity
 * with the standard field mapping, or merged into an Account and Contact
 * given by id (their empty fields only filled); the lead marked converted
 * and refusing REST updates and a second conversion; the errors as result
 * items (bad status, unknown ids, a contact without its account) with
 * nothing changed, a failure half-way undone; records undeleted from the
 * recycle bin, live ones refused, a person account with its hidden
 * Contact; the session, item-count and API allocation faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "simtest.h"
#include "xmalloc.h"

#define SOAP_PATH "/services/Soap/u/62.0"
#define V "/services/data/v62.0"
#define HEAD                                                                   \
    "<se:Envelope xmlns:se=\"http://schemas.xmlsoap.org/soap/envelope/\" "     \
    "xmlns=\"urn:partner.soap.sforce.com\"><se:Header><SessionHeader>"         \
    "<sessionId>%s</sessionId></SessionHeader></se:Header><se:Body>"
#define TAIL "</se:Body></se:Envelope>"
#define CONVERTED "Closed - Converted"

/* POSTs a SOAP call (body: the Body's content) with the session's id; the
 * answer (caller frees). */
static struct http_result
soap(struct simtest *t, const char *session, const char *inner)
{
    static const char *const hdr[] = {"SOAPAction: \"\"", NULL};
    char *body = xasprintf(HEAD "%s" TAIL, session, inner);
    struct http_result r;

    httpc_request(t->http, "POST", SOAP_PATH, "text/xml; charset=UTF-8", body,
                  strlen(body), hdr, &r);
    free(body);
    return r;
}

static void
assert_element(const char *s, const char *tag, const char *want)
{
    char *v = simtest_xml_element(s, tag);

    if (v == NULL)
        fail_msg("no <%s> in %s", tag, s);
    assert_string_equal(v, want);
    free(v);
}

/* Creates a record over REST; its id (caller frees). */
static char *
create(struct simtest *t, const char *object, const char *json)
{
    char *path = xasprintf(V "/sobjects/%s/", object);
    long status;
    json_t *j = simtest_api_json(t, "POST", path, json, NULL, &status);
    char *id;

    assert_int_equal(status, 201);
    id = xstrdup(json_string_value(json_object_get(j, "id")));
    json_decref(j);
    free(path);
    return id;
}

/* GET of a record (new reference), status 200 asserted. */
static json_t *
get(struct simtest *t, const char *object, const char *id)
{
    char *path = xasprintf(V "/sobjects/%s/%s", object, id);
    long status;
    json_t *j = simtest_api_json(t, "GET", path, NULL, NULL, &status);

    assert_int_equal(status, 200);
    free(path);
    return j;
}

static const char *
field(json_t *rec, const char *name)
{
    return json_string_value(json_object_get(rec, name));
}

/* convertLead of one leadConverts item (its children); the answer body
 * (caller frees), HTTP 200 asserted. */
static char *
convert(struct simtest *t, const char *item)
{
    char *inner = xasprintf("<convertLead><leadConverts>%s</leadConverts>"
                            "</convertLead>",
                            item);
    struct http_result r = soap(t, t->access_token, inner);
    char *body = xstrdup(r.body);

    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.headers, "text/xml"));
    http_result_free(&r);
    free(inner);
    return body;
}

static char *
new_lead(struct simtest *t)
{
    return create(t, "Lead",
                  "{\"FirstName\":\"Ada\",\"LastName\":\"Byron\","
                  "\"Company\":\"Analytical Engines\",\"Email\":\"ada@ae."
                  "test\",\"Phone\":\"555-0100\",\"City\":\"London\","
                  "\"Website\":\"https://ae.test\",\"LeadSource\":\"Web\","
                  "\"Title\":\"Countess\"}");
}

static void
test_convert_makes_account_contact_opportunity(void **state)
{
    struct simtest *t = *state;
    char *lead = new_lead(t), *item, *out, *acct, *contact, *opp;
    json_t *a, *c, *o, *l;

    item = xasprintf("<leadId>%s</leadId><convertedStatus>" CONVERTED
                     "</convertedStatus>",
                     lead);
    out = convert(t, item);
    assert_non_null(strstr(out, "<convertLeadResponse><result><accountId>"));
    assert_element(out, "success", "true");
    assert_null(strstr(out, "<errors>"));
    acct = simtest_xml_element(out, "accountId");
    contact = simtest_xml_element(out, "contactId");
    opp = simtest_xml_element(out, "opportunityId");
    assert_int_equal(strlen(acct), 18);
    assert_int_equal(strncmp(acct, "001", 3), 0);
    assert_int_equal(strncmp(contact, "003", 3), 0);
    assert_int_equal(strncmp(opp, "006", 3), 0);
    a = get(t, "Account", acct);
    assert_string_equal(field(a, "Name"), "Analytical Engines");
    assert_string_equal(field(a, "BillingCity"), "London");
    assert_string_equal(field(a, "Website"), "https://ae.test");
    assert_string_equal(field(a, "AccountSource"), "Web");
    c = get(t, "Contact", contact);
    assert_string_equal(field(c, "LastName"), "Byron");
    assert_string_equal(field(c, "Email"), "ada@ae.test");
    assert_string_equal(field(c, "MailingCity"), "London");
    assert_string_equal(field(c, "AccountId"), acct);
    o = get(t, "Opportunity", opp);
    assert_string_equal(field(o, "Name"), "Analytical Engines");
    assert_string_equal(field(o, "AccountId"), acct);
    assert_string_equal(field(o, "StageName"), "Prospecting");
    assert_non_null(field(o, "CloseDate"));
    l = get(t, "Lead", lead);
    assert_true(json_is_true(json_object_get(l, "IsConverted")));
    assert_string_equal(field(l, "Status"), CONVERTED);
    assert_string_equal(field(l, "ConvertedAccountId"), acct);
    assert_string_equal(field(l, "ConvertedContactId"), contact);
    assert_string_equal(field(l, "ConvertedOpportunityId"), opp);
    assert_non_null(field(l, "ConvertedDate"));
    json_decref(a);
    json_decref(c);
    json_decref(o);
    json_decref(l);
    free(out);
    free(item);
    free(acct);
    free(contact);
    free(opp);
    free(lead);
}

/* A converted lead takes no update, over REST or a second conversion. */
static void
test_converted_lead_is_locked(void **state)
{
    struct simtest *t = *state;
    char *lead = new_lead(t), *item, *out, *path;
    long status;
    json_t *j;

    item = xasprintf("<leadId>%s</leadId><convertedStatus>" CONVERTED
                     "</convertedStatus><doNotCreateOpportunity>true"
                     "</doNotCreateOpportunity>",
                     lead);
    out = convert(t, item);
    assert_element(out, "success", "true");
    assert_non_null(strstr(out, "<opportunityId xsi:nil=\"true\"/>"));
    free(out);
    path = xasprintf(V "/sobjects/Lead/%s", lead);
    j = simtest_api_json(t, "PATCH", path, "{\"Title\":\"Dr\"}", NULL, &status);
    assert_int_equal(status, 400);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(j, 0), "errorCode")),
        "CANNOT_UPDATE_CONVERTED_LEAD");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(j, 0), "message")),
        "cannot reference converted lead");
    json_decref(j);
    out = convert(t, item);
    assert_element(out, "success", "false");
    assert_element(out, "statusCode", "CANNOT_UPDATE_CONVERTED_LEAD");
    assert_non_null(strstr(out, "<accountId xsi:nil=\"true\"/>"));
    free(out);
    j = get(t, "Lead", lead);
    assert_true(json_is_null(json_object_get(j, "ConvertedOpportunityId")));
    json_decref(j);
    free(path);
    free(item);
    free(lead);
}

/* Merged into a given Account and Contact: only their empty fields are
 * filled, no new records. */
static void
test_convert_into_existing_records(void **state)
{
    struct simtest *t = *state;
    char *lead = new_lead(t), *acct, *contact, *item, *out, *json;
    size_t accounts, contacts;
    json_t *a, *c;

    acct = create(t, "Account", "{\"Name\":\"Babbage Ltd\",\"Phone\":\"1\"}");
    json = xasprintf("{\"LastName\":\"Lovelace\",\"AccountId\":\"%s\"}", acct);
    contact = create(t, "Contact", json);
    accounts = simtest_count(t, "Account");
    contacts = simtest_count(t, "Contact");
    item = xasprintf("<leadId>%s</leadId><convertedStatus>" CONVERTED
                     "</convertedStatus><accountId>%s</accountId><contactId>"
                     "%s</contactId><opportunityName>Engine No. 2"
                     "</opportunityName>",
                     lead, acct, contact);
    out = convert(t, item);
    assert_element(out, "success", "true");
    assert_element(out, "accountId", acct);
    assert_element(out, "contactId", contact);
    assert_int_equal(simtest_count(t, "Account"), accounts);
    assert_int_equal(simtest_count(t, "Contact"), contacts);
    a = get(t, "Account", acct);
    assert_string_equal(field(a, "Name"), "Babbage Ltd");        /* kept */
    assert_string_equal(field(a, "Phone"), "1");                 /* kept */
    assert_string_equal(field(a, "Website"), "https://ae.test"); /* filled */
    c = get(t, "Contact", contact);
    assert_string_equal(field(c, "LastName"), "Lovelace");
    assert_string_equal(field(c, "Email"), "ada@ae.test");
    json_decref(a);
    json_decref(c);
    free(json);
    json = simtest_xml_element(out, "opportunityId");
    a = get(t, "Opportunity", json);
    free(out);
    assert_string_equal(field(a, "Name"), "Engine No. 2");
    assert_string_equal(field(a, "AccountId"), acct);
    json_decref(a);
    free(item);
    free(json);
    free(acct);
    free(contact);
    free(lead);
}

static void
expect_convert_error(struct simtest *t, const char *item, const char *code,
                     const char *message)
{
    char *out = convert(t, item);

    assert_element(out, "success", "false");
    assert_element(out, "statusCode", code);
    assert_element(out, "message", message);
    assert_non_null(strstr(out, "<leadId xsi:nil=\"true\"/>"));
    free(out);
}

/* Refusals are result items and change nothing; a failure after the
 * Account and Contact were made undoes them. */
static void
test_convert_errors_change_nothing(void **state)
{
    struct simtest *t = *state;
    char *lead = new_lead(t), *item, *acct, long_name[200];
    size_t accounts = simtest_count(t, "Account");
    size_t contacts = simtest_count(t, "Contact");
    size_t opportunities = simtest_count(t, "Opportunity");
    json_t *l;

    item = xasprintf("<leadId>%s</leadId><convertedStatus>Working - "
                     "Contacted</convertedStatus>",
                     lead);
    expect_convert_error(t, item, "INVALID_STATUS",
                         "invalid convertedStatus: Working - Contacted");
    free(item);
    expect_convert_error(t,
                         "<leadId>00Q000000000000</leadId><convertedStatus>"
                         "Closed - Converted</convertedStatus>",
                         "INVALID_CROSS_REFERENCE_KEY",
                         "invalid cross reference id");
    item = xasprintf("<leadId>%s</leadId><convertedStatus>" CONVERTED
                     "</convertedStatus><contactId>003000000000001"
                     "</contactId>",
                     lead);
    expect_convert_error(t, item, "REQUIRED_FIELD_MISSING",
                         "Required fields are missing: [accountId]");
    free(item);
    acct = create(t, "Account", "{\"Name\":\"Other\"}");
    accounts++;
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    item = xasprintf("<leadId>%s</leadId><convertedStatus>" CONVERTED
                     "</convertedStatus><opportunityName>%s"
                     "</opportunityName>",
                     lead, long_name);
    {
        char *out = convert(t, item);

        assert_element(out, "success", "false");
        assert_element(out, "statusCode", "STRING_TOO_LONG");
        free(out);
    }
    free(item);
    assert_int_equal(simtest_count(t, "Account"), accounts);
    assert_int_equal(simtest_count(t, "Contact"), contacts);
    assert_int_equal(simtest_count(t, "Opportunity"), opportunities);
    l = get(t, "Lead", lead);
    assert_true(json_is_false(json_object_get(l, "IsConverted")));
    json_decref(l);
    free(acct);
    free(lead);
}

static void
test_undelete(void **state)
{
    struct simtest *t = *state;
    char *lead = new_lead(t), *path, *inner;
    struct http_result r;
    long status;
    json_t *j;

    path = xasprintf(V "/sobjects/Lead/%s", lead);
    j = simtest_api_json(t, "DELETE", path, NULL, NULL, &status);
    assert_int_equal(status, 204);
    json_decref(j);
    inner = xasprintf("<undelete><ids>%s</ids><ids>not-an-id</ids></undelete>",
                      lead);
    r = soap(t, t->access_token, inner);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<undeleteResponse><result><id>"));
    assert_element(r.body, "id", lead);
    assert_non_null(strstr(r.body, "<result><errors><message>malformed id "
                                   "not-an-id</message><statusCode>"
                                   "MALFORMED_ID</statusCode></errors><id "
                                   "xsi:nil=\"true\"/><success>false"
                                   "</success></result>"));
    http_result_free(&r);
    j = get(t, "Lead", lead);
    assert_string_equal(field(j, "Email"), "ada@ae.test");
    json_decref(j);
    /* Live now: a second undelete fails. */
    r = soap(t, t->access_token, inner);
    assert_non_null(strstr(r.body, "<result><errors><message>Entity is not in "
                                   "the recycle bin</message><statusCode>"
                                   "UNDELETE_FAILED</statusCode>"));
    http_result_free(&r);
    free(inner);
    free(path);
    free(lead);
}

static void
test_session_and_limits(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    struct buf b;
    int i;

    r = soap(t, "nope", "<undelete><ids>00Q000000000001</ids></undelete>");
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(r.body, "<faultcode>sf:INVALID_SESSION_ID"
                                   "</faultcode><faultstring>"
                                   "INVALID_SESSION_ID: Invalid Session ID "
                                   "found in SessionHeader: Illegal Session"
                                   "</faultstring>"));
    http_result_free(&r);
    buf_init(&b, 1 << 20);
    buf_puts(&b, "<undelete>");
    for (i = 0; i < 201; i++)
        buf_puts(&b, "<ids>00Q000000000001</ids>");
    buf_puts(&b, "</undelete>");
    r = soap(t, t->access_token, b.data);
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(r.body, "<faultcode>sf:EXCEEDED_ID_LIMIT"));
    http_result_free(&r);
    buf_free(&b);
}

static int
start_person(void **state)
{
    return simtest_setup_org_session(state, "orgs/person-accounts.json");
}

/* A person account comes back with its hidden Contact. */
static void
test_undelete_person_account(void **state)
{
    struct simtest *t = *state;
    char *acct =
        create(t, "Account", "{\"FirstName\":\"Jane\",\"LastName\":\"Doe\"}");
    json_t *a = get(t, "Account", acct);
    char *contact = xstrdup(field(a, "PersonContactId"));
    char *path = xasprintf(V "/sobjects/Account/%s", acct);
    char *inner = xasprintf("<undelete><ids>%s</ids></undelete>", acct);
    struct http_result r;
    long status;

    json_decref(a);
    json_decref(simtest_api_json(t, "DELETE", path, NULL, NULL, &status));
    assert_int_equal(status, 204);
    free(path);
    path = xasprintf(V "/sobjects/Contact/%s", contact);
    json_decref(simtest_api_json(t, "GET", path, NULL, NULL, &status));
    assert_int_equal(status, 404);
    r = soap(t, t->access_token, inner);
    assert_element(r.body, "success", "true");
    http_result_free(&r);
    a = get(t, "Contact", contact);
    assert_string_equal(field(a, "AccountId"), acct);
    json_decref(a);
    free(inner);
    free(path);
    free(contact);
    free(acct);
}

static int
start_small_allocation(void **state)
{
    return simtest_setup_org_text_session(state, "{\"api_daily_limit\": 2}");
}

/* Each call counts against the daily API allocation. */
static void
test_calls_count_against_the_allocation(void **state)
{
    struct simtest *t = *state;
    const char *inner = "<undelete><ids>00Q000000000001</ids></undelete>";
    struct http_result r;
    int i;

    for (i = 0; i < 2; i++) {
        r = soap(t, t->access_token, inner);
        assert_int_equal(r.status, 200);
        http_result_free(&r);
    }
    r = soap(t, t->access_token, inner);
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(r.body, "<faultcode>sf:REQUEST_LIMIT_EXCEEDED"
                                   "</faultcode>"));
    http_result_free(&r);
}

#define T(f)                                                                   \
    cmocka_unit_test_setup_teardown(f, simtest_setup_session, simtest_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_convert_makes_account_contact_opportunity),
        T(test_converted_lead_is_locked),
        T(test_convert_into_existing_records),
        T(test_convert_errors_change_nothing),
        T(test_undelete),
        T(test_session_and_limits),
        cmocka_unit_test_setup_teardown(test_undelete_person_account,
                                        start_person, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_calls_count_against_the_allocation,
                                        start_small_allocation,
                                        simtest_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
