/*
 * test_rules.c - validation rules, duplicate rules and type checks end to
 * end, on every intake path: Web-to-Lead (silent verdicts, the admin
 * mail) and REST (Salesforce's error arrays, facts 3.7 and 3.8). The org
 * is fixtures/orgs/law-firm.json: a restricted case_type__c, a 10-digit
 * Phone rule, Case Type required for Lead Distro AI leads, no future
 * injury dates; Lead Distro AI leads blocked on Email (against Leads and
 * Contacts) and the standard name + company rule as Allow+Alert.
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

#define W2L "/servlet/servlet.WebToLead?encoding=UTF-8"
#define OID "00D5j000003LaWf"
#define CASE_TYPE "00N5j000000pTbO"
#define INJURY_DATE "00N5j000000pTbP"
#define INCIDENT_STATE "00N5j000000pTbT"
#define LEADS "/services/data/v62.0/sobjects/Lead/"
#define CONTACTS "/services/data/v62.0/sobjects/Contact/"
#define ALLOW_SAVE "Sforce-Duplicate-Rule-Header: allowSave=true"

/* A valid Lead Distro AI web lead, but for what the test appends. */
#define GOOD_FORM                                                              \
    "oid=" OID                                                                 \
    "&first_name=Ann&last_name=Lee&phone=%28555%29+123-4567&" CASE_TYPE        \
    "=Auto+Accident"

static int
start(void **state)
{
    return simtest_setup_org_session(state, "orgs/law-firm.json");
}

static const char *
str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The newest request entry of the journal (new reference). */
static json_t *
last_entry(struct simtest *t)
{
    return simtest_journal_last(t, &(struct simtest_match){.kind = "request"});
}

/* Posts a web lead; checks Salesforce's answer is the usual success. */
static void
post(struct simtest *t, const char *form)
{
    struct http_result r;
    char hdr[256];

    assert_int_equal(httpc_post_form(t->http, W2L, form, &r), 200);
    assert_string_equal(http_header(&r, "Is-Processed", hdr, sizeof(hdr)),
                        "true");
    assert_non_null(strstr(r.body, "window.location.replace"));
    http_result_free(&r);
}

/* Posts form; asserts the verdict and that detail contains want. */
static void
post_expect(struct simtest *t, const char *form, const char *verdict,
            const char *want)
{
    size_t before = simtest_count(t, "Lead");
    json_t *e;

    post(t, form);
    e = last_entry(t);
    assert_string_equal(str(e, "verdict"), verdict);
    if (want != NULL) {
        assert_non_null(str(e, "detail"));
        if (strstr(str(e, "detail"), want) == NULL)
            fail_msg("detail \"%s\" lacks \"%s\"", str(e, "detail"), want);
    }
    json_decref(e);
    assert_int_equal(simtest_count(t, "Lead"),
                     before + (strcmp(verdict, "created") == 0));
}

/* POSTs a record and expects 201; returns its id in out (19 bytes). */
static void
create_ok(struct simtest *t, const char *path, const char *body,
          const char *header, char *out)
{
    long st;
    json_t *j = simtest_api_json(t, "POST", path, body, header, &st);

    if (st != 201) {
        char *text = json_dumps(j, 0);

        fail_msg("status %ld: %s", st, text ? text : "(no JSON)");
    }
    if (out != NULL)
        snprintf(out, 19, "%s", str(j, "id"));
    json_decref(j);
}

/* POSTs body and expects 400; returns the error array (new reference). */
static json_t *
create_400(struct simtest *t, const char *path, const char *body,
           const char *header)
{
    long st;
    json_t *j = simtest_api_json(t, "POST", path, body, header, &st);

    assert_int_equal(st, 400);
    assert_true(json_is_array(j));
    return j;
}

/* One {message, errorCode, fields} error, checked field by field. */
static void
expect_error(json_t *e, const char *code, const char *message,
             const char *field)
{
    json_t *fields = json_object_get(e, "fields");

    assert_string_equal(str(e, "errorCode"), code);
    assert_string_equal(str(e, "message"), message);
    if (field == NULL) {
        assert_int_equal(json_array_size(fields), 0);
    } else {
        assert_int_equal(json_array_size(fields), 1);
        assert_string_equal(json_string_value(json_array_get(fields, 0)),
                            field);
    }
}

/* --- Web-to-Lead ---------------------------------------------------------- */

static void
test_w2l_validation_rules(void **state)
{
    struct simtest *t = *state;
    json_t *e;

    post_expect(t, GOOD_FORM "&email=ann%40example.com", "created", NULL);
    /* Nine digits: no record, the usual page, the rule named. */
    post_expect(t,
                "oid=" OID "&last_name=Bo&phone=555-123-456&" CASE_TYPE
                "=Auto+Accident",
                "rejected_validation", "Phone_Must_Be_10_Digits");
    e = last_entry(t);
    assert_string_equal(
        json_string_value(json_array_get(
            json_object_get(json_object_get(e, "info"), "validation_rules"),
            0)),
        "Phone_Must_Be_10_Digits");
    json_decref(e);
    /* No phone at all: the rule requires one. */
    post_expect(t, "oid=" OID "&last_name=Bo&" CASE_TYPE "=Auto+Accident",
                "rejected_validation", "Phone_Must_Be_10_Digits");
    /* Lead Distro AI (the org's default source) without a case type. */
    post_expect(t, "oid=" OID "&last_name=Cy&phone=5551234567",
                "rejected_validation", "Case_Type_Required_For_Distro");
    /* ...but a lead from another source needs none. */
    post_expect(t, "oid=" OID "&last_name=Cy&phone=5551234567&lead_source=Web",
                "created", NULL);
    /* A future injury date, in the en_US form Web-to-Lead parses. */
    post_expect(t, GOOD_FORM "&last_name=Di&" INJURY_DATE "=4%2F1%2F2026",
                "rejected_validation", "Injury_Date_Not_In_Future");
    post_expect(t,
                "oid=" OID
                "&first_name=Ed&last_name=Di&phone=5551234567&" CASE_TYPE
                "=Auto+Accident&" INJURY_DATE "=2%2F27%2F2026",
                "created", NULL);
    /* Two rules fail: both named. */
    post_expect(t, "oid=" OID "&last_name=Fa&phone=12", "rejected_validation",
                "Phone_Must_Be_10_Digits, Case_Type_Required_For_Distro");
}

static void
test_w2l_type_checks(void **state)
{
    struct simtest *t = *state;
    json_t *lead, *e;

    /* Restricted picklist: silent, no lead. */
    post_expect(
        t, "oid=" OID "&last_name=Go&phone=5551234567&" CASE_TYPE "=Dog+Bite",
        "rejected_validation", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    /* No email check on Web-to-Lead; over-long text is truncated. */
    post_expect(
        t, GOOD_FORM "&last_name=Ha&email=not-an-email&" INCIDENT_STATE "=Ohio",
        "created", NULL);
    e = last_entry(t);
    assert_string_equal(
        json_string_value(json_array_get(
            json_object_get(json_object_get(e, "info"), "truncated_fields"),
            0)),
        "incident_state__c");
    json_decref(e);
    lead = httpc_get_json(t->http, "/__sim/records/Lead", NULL);
    e = json_array_get(lead, json_array_size(lead) - 1);
    assert_string_equal(str(e, "Email"), "not-an-email");
    assert_string_equal(str(e, "incident_state__c"), "Oh");
    json_decref(lead);
}

static void
test_w2l_duplicates_blocked_and_mailed(void **state)
{
    struct simtest *t = *state;
    json_t *mail, *m;
    char id[19];

    post_expect(t, GOOD_FORM "&email=ann%40example.com", "created", NULL);
    /* Same email, other case: the Lead Distro AI rule blocks it. */
    post_expect(t,
                "oid=" OID
                "&first_name=Zed&last_name=Ng&phone=5551234567&" CASE_TYPE
                "=Slip+and+Fall&email=ANN%40Example.com",
                "rejected_duplicate", "Distro_Lead_Email_Duplicates");
    mail = httpc_get_json(t->http, "/__sim/mail", NULL);
    assert_int_equal(json_array_size(mail), 1);
    m = json_array_get(mail, 0);
    assert_string_equal(str(m, "kind"), "w2l_duplicate");
    assert_string_equal(str(m, "to"), "intake-admin@smithinjurylaw.example");
    assert_non_null(strstr(str(m, "body"),
                           "Salesforce could not create this lead because of "
                           "the reason listed below."));
    assert_non_null(strstr(str(m, "body"),
                           "Reason: This person is already in Salesforce "
                           "(same email)."));
    assert_non_null(strstr(str(m, "body"), "ANN@Example.com"));
    json_decref(mail);
    /* The rule's conditions: a Web lead with that email is no Lead
     * Distro AI lead, so it is saved. */
    post_expect(t,
                "oid=" OID "&first_name=Zed&last_name=Ng&phone=5551234567&"
                "lead_source=Web&email=ann%40example.com",
                "created", NULL);
    /* A Contact with the email blocks Lead Distro AI leads too. */
    create_ok(t, CONTACTS,
              "{\"LastName\":\"Orr\",\"Email\":\"cara@example.com\"}", NULL,
              id);
    post_expect(t,
                "oid=" OID "&last_name=Orr&phone=5551234567&" CASE_TYPE
                "=Auto+Accident&email=cara%40example.com",
                "rejected_duplicate", "Distro_Lead_Email_Duplicates");
    /* Allow+Alert (name + company) blocks web leads as well. */
    post_expect(t, GOOD_FORM "&company=Acme&email=a1%40example.com", "created",
                NULL);
    post_expect(t, GOOD_FORM "&company=ACME&email=a2%40example.com",
                "rejected_duplicate", "Standard_Lead_Duplicate_Rule");
    mail = httpc_get_json(t->http, "/__sim/mail", NULL);
    assert_int_equal(json_array_size(mail), 3);
    assert_non_null(strstr(str(json_array_get(mail, 2), "body"),
                           "Reason: Use one of these records?"));
    json_decref(mail);
}

/* --- REST ----------------------------------------------------------------- */

static void
test_rest_validation_rules(void **state)
{
    struct simtest *t = *state;
    json_t *j, *lead;
    char id[19], path[128];
    long st;

    /* Every failing rule, in the org file's order, with its field. */
    j = create_400(t, LEADS,
                   "{\"LastName\":\"Lee\",\"Company\":\"X\","
                   "\"LeadSource\":\"Lead Distro AI\",\"Phone\":\"555-1234\","
                   "\"injury_date__c\":\"2026-05-01\"}",
                   NULL);
    assert_int_equal(json_array_size(j), 3);
    expect_error(json_array_get(j, 0), "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                 "Please enter a 10-digit phone number, e.g. (555) 123-4567.",
                 "Phone");
    expect_error(json_array_get(j, 1), "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                 "Case Type is required for Lead Distro AI leads.",
                 "case_type__c");
    expect_error(json_array_get(j, 2), "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                 "The injury date cannot be in the future.", "injury_date__c");
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 0);
    lead = last_entry(t);
    assert_string_equal(str(lead, "verdict"), "rejected_validation");
    json_decref(lead);
    /* The same lead, fixed. */
    create_ok(t, LEADS,
              "{\"LastName\":\"Lee\",\"Company\":\"X\",\"LeadSource\":"
              "\"Lead Distro AI\",\"Phone\":\"555-123-4567\","
              "\"case_type__c\":\"Wrongful Death\"}",
              NULL, id);
    /* Validation rules run on updates too. */
    snprintf(path, sizeof(path), "%s%s", LEADS, id);
    j = simtest_api_json(t, "PATCH", path, "{\"Phone\":\"12345\"}", NULL, &st);
    assert_int_equal(st, 400);
    expect_error(json_array_get(j, 0), "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                 "Please enter a 10-digit phone number, e.g. (555) 123-4567.",
                 "Phone");
    json_decref(j);
    j = simtest_api_json(t, "PATCH", path, "{\"Phone\":\"555 123 9999\"}", NULL,
                         &st);
    assert_int_equal(st, 204);
    json_decref(j);
}

/* The duplicateResult of error e, checked against facts 3.8. */
static void
expect_duplicate(json_t *e, const char *rule, int allow_save, const char *alert,
                 const char *entity, const char *match_rule, const char *id)
{
    json_t *dr = json_object_get(e, "duplicateResult"), *mr, *rec;
    char url[128];

    assert_string_equal(str(e, "errorCode"), "DUPLICATES_DETECTED");
    assert_string_equal(str(e, "message"), alert);
    assert_non_null(dr);
    assert_int_equal(json_is_true(json_object_get(dr, "allowSave")),
                     allow_save);
    assert_string_equal(str(dr, "duplicateRule"), rule);
    assert_string_equal(str(dr, "duplicateRuleEntityType"), "Lead");
    assert_string_equal(str(dr, "errorMessage"), alert);
    mr = json_array_get(json_object_get(dr, "matchResults"), 0);
    assert_string_equal(str(mr, "entityType"), entity);
    assert_string_equal(str(mr, "rule"), match_rule);
    assert_int_equal(json_integer_value(json_object_get(mr, "size")), 1);
    assert_true(json_is_true(json_object_get(mr, "success")));
    assert_int_equal(json_array_size(json_object_get(mr, "errors")), 0);
    assert_non_null(str(mr, "matchEngine"));
    rec = json_array_get(json_object_get(mr, "matchRecords"), 0);
    assert_true(json_real_value(json_object_get(rec, "matchConfidence")) ==
                100.0);
    rec = json_object_get(rec, "record");
    assert_string_equal(str(rec, "Id"), id);
    assert_string_equal(str(json_object_get(rec, "attributes"), "type"),
                        entity);
    snprintf(url, sizeof(url), "/services/data/v62.0/sobjects/%s/%s", entity,
             id);
    assert_string_equal(str(json_object_get(rec, "attributes"), "url"), url);
}

static void
test_rest_duplicate_block(void **state)
{
    struct simtest *t = *state;
    char first[19], contact[19];
    json_t *j;

    create_ok(t, LEADS,
              "{\"LastName\":\"Lee\",\"Company\":\"X\",\"LeadSource\":"
              "\"Lead Distro AI\",\"Phone\":\"5551234567\","
              "\"case_type__c\":\"Auto Accident\",\"Email\":\"ann@x.test\"}",
              NULL, first);
    static const char dup[] =
        "{\"LastName\":\"Moe\",\"Company\":\"Y\",\"LeadSource\":"
        "\"Lead Distro AI\",\"Phone\":\"5551234567\","
        "\"case_type__c\":\"Auto Accident\",\"Email\":\"Ann@X.test\"}";
    j = create_400(t, LEADS, dup, NULL);
    assert_int_equal(json_array_size(j), 1);
    expect_duplicate(json_array_get(j, 0), "Distro_Lead_Email_Duplicates", 0,
                     "This person is already in Salesforce (same email). "
                     "Lead Distro AI leads are not duplicated.",
                     "Lead", "Lead_Email_Match", first);
    json_decref(j);
    /* Block is never saved past the header. */
    j = create_400(t, LEADS, dup, ALLOW_SAVE);
    expect_duplicate(json_array_get(j, 0), "Distro_Lead_Email_Duplicates", 0,
                     "This person is already in Salesforce (same email). "
                     "Lead Distro AI leads are not duplicated.",
                     "Lead", "Lead_Email_Match", first);
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    j = last_entry(t);
    assert_string_equal(str(j, "verdict"), "rejected_duplicate");
    json_decref(j);
    /* Against Contacts too. */
    create_ok(t, CONTACTS, "{\"LastName\":\"Orr\",\"Email\":\"cara@x.test\"}",
              NULL, contact);
    j = create_400(t, LEADS,
                   "{\"LastName\":\"Orr\",\"Company\":\"Z\",\"LeadSource\":"
                   "\"Lead Distro AI\",\"Phone\":\"5551234567\","
                   "\"case_type__c\":\"Auto Accident\","
                   "\"Email\":\"CARA@x.test\"}",
                   NULL);
    expect_duplicate(json_array_get(j, 0), "Distro_Lead_Email_Duplicates", 0,
                     "This person is already in Salesforce (same email). "
                     "Lead Distro AI leads are not duplicated.",
                     "Contact", "Lead_Email_Match", contact);
    json_decref(j);
}

static void
test_rest_duplicate_alert_and_allow_save(void **state)
{
    struct simtest *t = *state;
    char first[19];
    json_t *j;
    static const char dup[] =
        "{\"FirstName\":\"ann\",\"LastName\":\"LEE\",\"Company\":\"acme\","
        "\"LeadSource\":\"Web\",\"Phone\":\"5551234568\"}";

    create_ok(t, LEADS,
              "{\"FirstName\":\"Ann\",\"LastName\":\"Lee\",\"Company\":"
              "\"Acme\",\"LeadSource\":\"Web\",\"Phone\":\"5551234567\"}",
              NULL, first);
    j = create_400(t, LEADS, dup, NULL);
    assert_int_equal(json_array_size(j), 1);
    expect_duplicate(json_array_get(j, 0), "Standard_Lead_Duplicate_Rule", 1,
                     "Use one of these records?", "Lead",
                     "Lead_Name_Company_Match", first);
    assert_string_equal(
        str(json_array_get(json_object_get(json_object_get(json_array_get(j, 0),
                                                           "duplicateResult"),
                                           "matchResults"),
                           0),
            "matchEngine"),
        "FuzzyMatchEngine");
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    /* The header exists from v52.0 on; older versions ignore it. */
    j = create_400(t, "/services/data/v51.0/sobjects/Lead/", dup, ALLOW_SAVE);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "DUPLICATES_DETECTED");
    json_decref(j);
    /* allowSave=true saves past an Allow+Alert rule. */
    create_ok(t, LEADS, dup, ALLOW_SAVE, NULL);
    assert_int_equal(simtest_count(t, "Lead"), 2);
}

static void
test_rest_type_checks(void **state)
{
    struct simtest *t = *state;
    json_t *j;

    j = create_400(t, LEADS, "{\"FirstName\":\"No\"}", NULL);
    assert_int_equal(json_array_size(j), 1);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "REQUIRED_FIELD_MISSING");
    assert_string_equal(str(json_array_get(j, 0), "message"),
                        "Required fields are missing: [LastName, Company]");
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(j, 0), "fields")), 2);
    json_decref(j);
    /* Several field errors come back together. */
    j = create_400(t, LEADS,
                   "{\"LastName\":\"A\",\"Company\":\"B\",\"Phone\":"
                   "\"5551234567\",\"LeadSource\":\"Web\","
                   "\"Email\":\"not-an-email\",\"incident_state__c\":\"Ohio\","
                   "\"case_type__c\":\"Dog Bite\"}",
                   NULL);
    assert_int_equal(json_array_size(j), 3);
    expect_error(json_array_get(j, 0), "INVALID_EMAIL_ADDRESS",
                 "Email: invalid email address: not-an-email", "Email");
    expect_error(json_array_get(j, 1), "STRING_TOO_LONG",
                 "Incident State: data value too large: Ohio (max length=2)",
                 "incident_state__c");
    expect_error(json_array_get(j, 2),
                 "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                 "Case Type: bad value for restricted picklist field: Dog Bite",
                 "case_type__c");
    json_decref(j);
    /* A value of the wrong type is a parser error, and the only error. */
    j = create_400(t, LEADS,
                   "{\"LastName\":\"A\",\"Company\":\"B\",\"Phone\":"
                   "\"5551234567\",\"LeadSource\":\"Web\","
                   "\"Email\":\"not-an-email\",\"has_attorney__c\":\"maybe\"}",
                   NULL);
    assert_int_equal(json_array_size(j), 1);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "JSON_PARSER_ERROR");
    assert_non_null(strstr(str(json_array_get(j, 0), "message"),
                           "Cannot deserialize instance of boolean"));
    json_decref(j);
    /* The API takes ISO dates only (Web-to-Lead also takes M/D/YYYY). */
    j = create_400(t, LEADS,
                   "{\"LastName\":\"A\",\"Company\":\"B\",\"Phone\":"
                   "\"5551234567\",\"LeadSource\":\"Web\","
                   "\"injury_date__c\":\"2/1/2026\"}",
                   NULL);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "JSON_PARSER_ERROR");
    assert_non_null(strstr(str(json_array_get(j, 0), "message"),
                           "Cannot deserialize instance of date"));
    json_decref(j);
    j = create_400(t, LEADS,
                   "{\"LastName\":\"A\",\"Company\":\"B\",\"Phone\":"
                   "\"5551234567\",\"LeadSource\":\"Web\","
                   "\"NumberOfEmployees\":\"a dozen\"}",
                   NULL);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "JSON_PARSER_ERROR");
    assert_non_null(strstr(str(json_array_get(j, 0), "message"),
                           "Cannot deserialize instance of int"));
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 0);
    /* Values arrive as strings and are converted as Salesforce does. */
    create_ok(t, LEADS,
              "{\"LastName\":\"A\",\"Company\":\"B\",\"Phone\":"
              "\"5551234567\",\"LeadSource\":\"Web\",\"has_attorney__c\":"
              "\"true\",\"NumberOfEmployees\":\"12\",\"injury_date__c\":"
              "\"2026-02-01\"}",
              NULL, NULL);
}

/* --- Flow and Apex REST ------------------------------------------------- */

/* The flows-apex org with a Phone rule and a blocking Email rule, put in
 * place through PUT /__sim/org; a fresh token for it. */
static int
start_actions(void **state)
{
    struct simtest *t;
    json_t *org, *rules;
    json_error_t jerr;
    long st;
    char *text;

    start(state);
    t = *state;
    org = json_load_file(simtest_fixture("orgs/flows-apex.json"), 0, &jerr);
    assert_non_null(org);
    rules = json_loads(
        "{\"validation_rules\": [{\"name\": \"Phone10\", \"formula\": "
        "\"NOT(REGEX(Phone, '[^0-9]*([0-9][^0-9]*){10}'))\", \"message\": "
        "\"Ten digits, please.\", \"error_field\": \"Phone\"}],"
        "\"matching_rules\": [{\"name\": \"Email\", \"fields\": "
        "[{\"field\": \"Email\", \"match\": \"email\"}]}],"
        "\"duplicate_rules\": [{\"name\": \"Email_Block\", "
        "\"action_on_create\": \"block\", \"alert_text\": \"Already here.\", "
        "\"matching_rules\": [\"Email\"]}]}",
        0, &jerr);
    assert_non_null(rules);
    json_object_update(org, rules);
    text = json_dumps(org, 0);
    json_decref(httpc_send_json(t->http, "PUT", "/__sim/org", text, &st));
    assert_int_equal(st, 200);
    free(text);
    json_decref(org);
    json_decref(rules);
    simtest_login(t, NULL);
    return 0;
}

static void
test_flow_applies_rules(void **state)
{
    struct simtest *t = *state;
    const char *flow = "/services/data/v62.0/actions/custom/flow/"
                       "Create_Lead_From_Webhook";
    json_t *j, *err;
    long st;

    j = simtest_api_json(t, "POST", flow,
                         "{\"inputs\":[{\"lastName\":\"A\",\"company\":\"B\","
                         "\"phone\":\"555-0100\",\"email\":\"a@b.test\"}]}",
                         NULL, &st);
    assert_int_equal(st, 400);
    assert_true(
        json_is_false(json_object_get(json_array_get(j, 0), "isSuccess")));
    err = json_array_get(json_object_get(json_array_get(j, 0), "errors"), 0);
    assert_non_null(err);
    assert_string_equal(str(err, "statusCode"),
                        "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    assert_non_null(strstr(str(err, "message"), "Ten digits, please."));
    json_decref(j);
    j = simtest_api_json(t, "POST", flow,
                         "{\"inputs\":[{\"lastName\":\"A\",\"company\":\"B\","
                         "\"phone\":\"555-010-0000\",\"email\":\"a@b.test\"}]}",
                         NULL, &st);
    assert_int_equal(st, 200);
    json_decref(j);
    j = simtest_api_json(t, "POST", flow,
                         "{\"inputs\":[{\"lastName\":\"C\",\"company\":\"D\","
                         "\"phone\":\"555-010-0001\",\"email\":\"A@B.TEST\"}]}",
                         NULL, &st);
    assert_int_equal(st, 400);
    err = json_array_get(json_object_get(json_array_get(j, 0), "errors"), 0);
    assert_non_null(err);
    assert_string_equal(str(err, "statusCode"), "DUPLICATES_DETECTED");
    assert_non_null(strstr(str(err, "message"), "Already here."));
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 1);
}

static void
test_apex_applies_rules(void **state)
{
    struct simtest *t = *state;
    const char *apex = "/services/apexrest/leads/v1/intake";
    json_t *j;
    long st;

    j = simtest_api_json(t, "POST", apex,
                         "{\"lastName\":\"A\",\"company\":\"B\",\"contact\":"
                         "{\"phone\":\"12\"}}",
                         NULL, &st);
    assert_int_equal(st, 500);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"), "APEX_ERROR");
    assert_non_null(strstr(str(json_array_get(j, 0), "message"),
                           "FIELD_CUSTOM_VALIDATION_EXCEPTION, Ten digits, "
                           "please.: [Phone]"));
    json_decref(j);
    j = simtest_api_json(t, "POST", apex,
                         "{\"lastName\":\"A\",\"company\":\"B\",\"contact\":"
                         "{\"phone\":\"5550100000\",\"email\":\"q@r.test\"}}",
                         NULL, &st);
    assert_int_equal(st, 201);
    json_decref(j);
    j = simtest_api_json(t, "POST", apex,
                         "{\"lastName\":\"A\",\"company\":\"B\",\"contact\":"
                         "{\"phone\":\"5550100000\",\"email\":\"Q@R.test\"}}",
                         NULL, &st);
    assert_int_equal(st, 500);
    assert_non_null(
        strstr(str(json_array_get(j, 0), "message"), "DUPLICATES_DETECTED"));
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 1);
}

/* ISNEW() and ISCHANGED() see an update as one (Salesforce semantics). */
static void
test_rest_rule_on_changed_field(void **state)
{
    struct simtest *t = *state;
    long st;
    char id[19], path[128];
    json_t *j = httpc_send_json(
        t->http, "PUT", "/__sim/org",
        "{\"validation_rules\": [{\"object\": \"Lead\", \"name\": "
        "\"Email_locked\", \"formula\": \"AND(NOT(ISNEW()), "
        "ISCHANGED(Email))\", \"message\": \"Email cannot change\", "
        "\"error_field\": \"Email\"}]}",
        &st);

    assert_int_equal(st, 200);
    json_decref(j);
    /* The new org has the default user only: a session for that user. */
    simtest_login(t, NULL);
    create_ok(t, LEADS,
              "{\"LastName\":\"Lock\",\"Company\":\"A\",\"Email\":"
              "\"a@x.test\"}",
              NULL, id);
    snprintf(path, sizeof(path), "%s%s", LEADS, id);
    j = simtest_api_json(t, "PATCH", path, "{\"Phone\":\"5551234567\"}", NULL,
                         &st);
    assert_int_equal(st, 204);
    json_decref(j);
    j = simtest_api_json(t, "PATCH", path, "{\"Email\":\"b@x.test\"}", NULL,
                         &st);
    assert_int_equal(st, 400);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    assert_string_equal(str(json_array_get(j, 0), "message"),
                        "Email cannot change");
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_w2l_validation_rules, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_rest_rule_on_changed_field, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_w2l_type_checks, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_w2l_duplicates_blocked_and_mailed,
                                        start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_rest_validation_rules, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_rest_duplicate_block, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(
            test_rest_duplicate_alert_and_allow_save, start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_rest_type_checks, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_flow_applies_rules, start_actions,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_apex_applies_rules, start_actions,
                                        simtest_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
