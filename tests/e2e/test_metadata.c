/*
 * test_metadata.c - a customer's Salesforce metadata loaded as it is
 * (sfsim --org-metadata, --import-metadata, --strict), end to end.
 *
 * fixtures/metadata/acme is written like a retrieve of a real org (source
 * format): Lead fields of several types (one Location, which the sim does
 * not simulate), validation rules (one inactive), a Block duplicate rule
 * on Email against Leads and Contacts, an Allow+Alert one on name and
 * company, and an inactive one on a retired matching rule. Over
 * fixtures/orgs/flows-apex.json (its Flow and Apex REST endpoint), the
 * same lead is refused on Web-to-Lead (silently), REST, Flow and Apex
 * REST with the rule's own message; the org JSON --import-metadata prints
 * loads into a sim that answers the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jsontest.h"
#include "simtest.h"

#define OID "00D000000000001"
#define W2L "/servlet/servlet.WebToLead?encoding=UTF-8"
#define LEADS "/services/data/v62.0/sobjects/Lead/"
#define CONTACTS "/services/data/v62.0/sobjects/Contact/"
#define FLOW "/services/data/v62.0/actions/custom/flow/Create_Lead_From_Webhook"
#define APEX "/services/apexrest/leads/v1/intake"
#define BLOCK_TEXT "This email address is already in Salesforce."
#define V "/services/data/v62.0"
#define ACCOUNTS V "/sobjects/Account/"
#define SCORES V "/sobjects/Vendor_Score__c/"
#define SCORE_TEXT                                                             \
    "A vendor score is from 0 to 100, and an event score names a lead "        \
    "with an email."

static char org_path[4096], md_path[4096];

static const char *
str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void
paths(void)
{
    snprintf(org_path, sizeof(org_path), "%s",
             simtest_fixture("orgs/flows-apex.json"));
    snprintf(md_path, sizeof(md_path), "%s", simtest_fixture("metadata/acme"));
}

/* Runs the sim binary with args (a shell fragment), its stdout to
 * dir/out and stderr to dir/err; returns its exit status. */
static int
run_sim(const char *dir, const char *args)
{
    char cmd[16384];
    int timed_out = 0, rc;

    snprintf(cmd, sizeof(cmd), "'%s' %s >'%s/out' 2>'%s/err'", test_sim_path(),
             args, dir, dir);
    rc = spawn_shell(cmd, NULL, 20000, &timed_out);
    assert_false(timed_out);
    return rc;
}

static char *
read_in(const char *dir, const char *name)
{
    char path[4200];
    char *text;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    text = test_read_file(path);
    assert_non_null(text);
    return text;
}

/* Removes dir and the out and err files run_sim() leaves in it. */
static void
clean_dir(const char *dir)
{
    char path[4200];

    snprintf(path, sizeof(path), "%s/out", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/err", dir);
    unlink(path);
    rmdir(dir);
}

static int
start_metadata(void **state)
{
    struct simtest *t = calloc(1, sizeof(*t));
    const char *args[] = {"--org", org_path, "--org-metadata", md_path, NULL};

    paths();
    simtest_start(t, args);
    simtest_login(t, NULL);
    *state = t;
    return 0;
}

/* The org JSON --import-metadata prints, loaded as an ordinary --org. */
static int
start_imported(void **state)
{
    struct simtest *t = calloc(1, sizeof(*t));
    char dir[] = "/tmp/sfsim-md-XXXXXX", args[9000];
    char *out;

    paths();
    assert_non_null(mkdtemp(dir));
    snprintf(args, sizeof(args), "--org '%s' --import-metadata '%s'", org_path,
             md_path);
    assert_int_equal(run_sim(dir, args), 0);
    out = read_in(dir, "out");
    simtest_start_org_text(t, out, NULL);
    free(out);
    clean_dir(dir);
    simtest_login(t, NULL);
    *state = t;
    return 0;
}

/* POSTs body to path; expects status and returns the answer. */
static json_t *
post(struct simtest *t, const char *path, const char *body, long want)
{
    long st;
    json_t *j = simtest_api_json(t, "POST", path, body, NULL, &st);

    if (st != want) {
        char *text = json_dumps(j, 0);

        fail_msg("%s: status %ld, not %ld: %s", path, st, want,
                 text ? text : "(no JSON)");
    }
    return j;
}

/* A REST error array's first error: code, message and field. */
static void
expect_rest_error(json_t *j, const char *code, const char *message,
                  const char *field)
{
    json_t *e = json_array_get(j, 0), *fields;

    assert_non_null(e);
    assert_string_equal(str(e, "errorCode"), code);
    assert_string_equal(str(e, "message"), message);
    fields = json_object_get(e, "fields");
    if (field != NULL)
        assert_string_equal(json_string_value(json_array_get(fields, 0)),
                            field);
}

/* The newest request entry's verdict and detail. */
static void
expect_verdict(struct simtest *t, const char *verdict, const char *detail)
{
    json_t *e =
        simtest_journal_last(t, &(struct simtest_match){.kind = "request"});

    assert_non_null(e);
    assert_string_equal(str(e, "verdict"), verdict);
    if (detail != NULL &&
        (str(e, "detail") == NULL || strstr(str(e, "detail"), detail) == NULL))
        fail_msg("detail \"%s\" lacks \"%s\"", str(e, "detail"), detail);
    json_decref(e);
}

static void
w2l(struct simtest *t, const char *form)
{
    struct http_result r;
    char hdr[64];

    assert_int_equal(httpc_post_form(t->http, W2L, form, &r), 200);
    assert_string_equal(http_header(&r, "Is-Processed", hdr, sizeof(hdr)),
                        "true");
    http_result_free(&r);
}

/* What the customer's rules do, on every intake path; the same whichever
 * way the org was made. */
static void
customer_rules(void **state)
{
    struct simtest *t = *state;
    json_t *j, *err;

    /* Validation rules, with their own messages and fields. */
    j = post(t, LEADS,
             "{\"LastName\":\"Lee\",\"Company\":\"Acme\",\"Phone\":\"12\"}",
             400);
    expect_rest_error(j, "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                      "Phone numbers need ten digits.", "Phone");
    json_decref(j);
    j = post(t, LEADS,
             "{\"LastName\":\"Lee\",\"Company\":\"Acme\",\"Lead_Tier__c\":"
             "\"Gold\"}",
             400);
    expect_rest_error(j, "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                      "Gold leads need an annual budget.", "Annual_Budget__c");
    json_decref(j);
    /* The field's restricted value set, from the metadata. */
    j = post(t, LEADS,
             "{\"LastName\":\"Lee\",\"Company\":\"Acme\",\"Lead_Tier__c\":"
             "\"Platinum\"}",
             400);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    json_decref(j);
    /* The inactive rule does not run. */
    json_decref(post(
        t, LEADS,
        "{\"FirstName\":\"Ann\",\"LastName\":\"Lee\",\"Company\":\"Test Corp\","
        "\"Email\":\"ann@acme.test\",\"Phone\":\"5551234567\"}",
        201));
    /* Block on Email (other case): REST, Web-to-Lead, Flow, Apex REST. */
    j = post(t, LEADS,
             "{\"LastName\":\"Moe\",\"Company\":\"Other\",\"Email\":"
             "\"ANN@acme.test\"}",
             400);
    expect_rest_error(j, "DUPLICATES_DETECTED", BLOCK_TEXT, NULL);
    json_decref(j);
    w2l(t, "oid=" OID "&last_name=Moe&company=Other&email=Ann%40Acme.test");
    expect_verdict(t, "rejected_duplicate", "Block_Same_Email");
    j = post(t, FLOW,
             "{\"inputs\":[{\"lastName\":\"Moe\",\"company\":\"Other\","
             "\"email\":\"ann@acme.test\"}]}",
             400);
    err = json_array_get(json_object_get(json_array_get(j, 0), "errors"), 0);
    assert_string_equal(str(err, "statusCode"), "DUPLICATES_DETECTED");
    assert_non_null(strstr(str(err, "message"), BLOCK_TEXT));
    json_decref(j);
    j = post(t, APEX,
             "{\"lastName\":\"Moe\",\"company\":\"Other\",\"contact\":"
             "{\"email\":\"ann@acme.test\"}}",
             500);
    assert_non_null(
        strstr(str(json_array_get(j, 0), "message"), "DUPLICATES_DETECTED"));
    assert_non_null(strstr(str(json_array_get(j, 0), "message"), BLOCK_TEXT));
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    /* Against Contacts too, through the rule's object mapping. */
    json_decref(post(t, CONTACTS,
                     "{\"LastName\":\"Orr\",\"Email\":\"cara@acme.test\"}",
                     201));
    j = post(t, LEADS,
             "{\"LastName\":\"Orr\",\"Company\":\"Z\",\"Email\":"
             "\"Cara@acme.test\"}",
             400);
    expect_rest_error(j, "DUPLICATES_DETECTED", BLOCK_TEXT, NULL);
    json_decref(j);
    /* Allow+Alert on name and company: REST saves nothing without the
     * header, a web lead is refused silently. */
    j = post(t, LEADS,
             "{\"FirstName\":\"Ann\",\"LastName\":\"Lee\",\"Company\":"
             "\"TEST CORP\",\"Email\":\"other@acme.test\"}",
             400);
    expect_rest_error(j, "DUPLICATES_DETECTED",
                      "This looks like a lead we already have.", NULL);
    json_decref(j);
    /* The Contact rule. */
    j = post(t, CONTACTS, "{\"LastName\":\"Nobody\"}", 400);
    expect_rest_error(j, "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                      "A contact needs an email or a phone.", NULL);
    json_decref(j);
    assert_int_equal(simtest_count(t, "Lead"), 1);
}

/* GETs path; expects 200 and returns the answer. */
static json_t *
get(struct simtest *t, const char *path)
{
    long st;
    json_t *j = simtest_api_json(t, "GET", path, NULL, NULL, &st);

    assert_int_equal(st, 200);
    return j;
}

/* The query answer's records for soql (URL-encoded here). */
static json_t *
query_records(struct simtest *t, const char *soql)
{
    char path[2048];
    json_t *j, *r;

    simtest_query_path(path, sizeof(path), V "/query", soql);
    j = get(t, path);
    r = json_incref(json_object_get(j, "records"));
    json_decref(j);
    return r;
}

/* The field of a describe answer named name. */
static json_t *
described_field(json_t *d, const char *name)
{
    return jsontest_find(json_object_get(d, "fields"), "name", name);
}

/* A child relationship of a describe answer: its name. */
static const char *
child_relationship(json_t *d, const char *child, const char *field)
{
    json_t *c;
    size_t i;

    json_array_foreach(json_object_get(d, "childRelationships"), i, c) {
        if (strcmp(str(c, "childSObject"), child) == 0 &&
            strcmp(str(c, "field"), field) == 0)
            return str(c, "relationshipName");
    }
    fail_msg("no child relationship %s.%s", child, field);
    return NULL;
}

/* Vendor_Score__c, a custom object of the metadata: its validation rule,
 * its describe and SOQL through its lookups, both ways. */
static void
customer_object(void **state)
{
    struct simtest *t = *state;
    char body[512], acct[32], lead[32], score[32], path[128];
    json_t *j, *d, *f, *r;
    long st;

    j = post(t, ACCOUNTS, "{\"Name\":\"Leadgen Partners\"}", 201);
    snprintf(acct, sizeof(acct), "%s", str(j, "id"));
    json_decref(j);
    j = post(t, LEADS,
             "{\"LastName\":\"Vance\",\"Company\":\"Vance Ltd\","
             "\"Email\":\"vance@vance.test\"}",
             201);
    snprintf(lead, sizeof(lead), "%s", str(j, "id"));
    json_decref(j);
    /* The rule, with its own message on its field. */
    snprintf(body, sizeof(body), "{\"Vendor__c\":\"%s\",\"Score__c\":150}",
             acct);
    j = post(t, SCORES, body, 400);
    expect_rest_error(j, "FIELD_CUSTOM_VALIDATION_EXCEPTION", SCORE_TEXT,
                      "Score__c");
    json_decref(j);
    snprintf(body, sizeof(body),
             "{\"Vendor__c\":\"%s\",\"Score__c\":70,"
             "\"Channel__c\":\"Event\"}",
             acct);
    j = post(t, SCORES, body, 400);
    expect_rest_error(j, "FIELD_CUSTOM_VALIDATION_EXCEPTION", SCORE_TEXT,
                      "Score__c");
    json_decref(j);
    /* Through its lookup: the lead's own email. */
    j = post(t, LEADS, "{\"LastName\":\"Nomail\",\"Company\":\"N\"}", 201);
    snprintf(body, sizeof(body),
             "{\"Vendor__c\":\"%s\",\"Lead__c\":\"%s\",\"Score__c\":70,"
             "\"Channel__c\":\"Event\"}",
             acct, str(j, "id"));
    json_decref(j);
    j = post(t, SCORES, body, 400);
    expect_rest_error(j, "FIELD_CUSTOM_VALIDATION_EXCEPTION", SCORE_TEXT,
                      "Score__c");
    json_decref(j);
    /* The master-detail field is required. */
    j = post(t, SCORES, "{\"Score__c\":70}", 400);
    assert_string_equal(str(json_array_get(j, 0), "errorCode"),
                        "REQUIRED_FIELD_MISSING");
    json_decref(j);
    snprintf(body, sizeof(body),
             "{\"Vendor__c\":\"%s\",\"Lead__c\":\"%s\",\"Score__c\":70,"
             "\"Channel__c\":\"Event\"}",
             acct, lead);
    j = post(t, SCORES, body, 201);
    snprintf(score, sizeof(score), "%s", str(j, "id"));
    json_decref(j);
    /* A standard object's lookup to it. */
    snprintf(body, sizeof(body), "{\"Best_Vendor_Score__c\":\"%s\"}", score);
    snprintf(path, sizeof(path), LEADS "%s", lead);
    json_decref(simtest_api_json(t, "PATCH", path, body, NULL, &st));
    assert_int_equal(st, 204);
    /* Describe: the object's labels, name field, references. */
    d = get(t, V "/sobjects/Vendor_Score__c/describe");
    assert_string_equal(str(d, "labelPlural"), "Vendor Scores");
    f = described_field(d, "Name");
    assert_true(json_is_true(json_object_get(f, "autoNumber")));
    f = described_field(d, "Lead__c");
    assert_string_equal(str(f, "relationshipName"), "Lead__r");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(f, "referenceTo"), 0)),
        "Lead");
    f = described_field(d, "Vendor__c");
    assert_true(json_is_true(json_object_get(f, "cascadeDelete")));
    assert_int_equal(json_array_size(json_object_get(d, "recordTypeInfos")), 3);
    json_decref(d);
    d = get(t, V "/sobjects/Lead/describe");
    assert_string_equal(child_relationship(d, "Vendor_Score__c", "Lead__c"),
                        "Vendor_Scores__r");
    f = described_field(d, "Best_Vendor_Score__c");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(f, "referenceTo"), 0)),
        "Vendor_Score__c");
    json_decref(d);
    /* SOQL through the lookups: parent paths and a child subquery. */
    r = query_records(t, "SELECT Name, Score__c, Lead__r.LastName, "
                         "Vendor__r.Name FROM Vendor_Score__c");
    assert_int_equal(json_array_size(r), 1);
    j = json_array_get(r, 0);
    assert_string_equal(str(j, "Name"), "VS-00001");
    assert_string_equal(str(json_object_get(j, "Lead__r"), "LastName"),
                        "Vance");
    assert_string_equal(str(json_object_get(j, "Vendor__r"), "Name"),
                        "Leadgen Partners");
    json_decref(r);
    r = query_records(t, "SELECT Best_Vendor_Score__r.Score__c, (SELECT Name "
                         "FROM Vendor_Scores__r) FROM Lead WHERE "
                         "LastName = 'Vance'");
    j = json_array_get(r, 0);
    assert_true(json_number_value(json_object_get(
                    json_object_get(j, "Best_Vendor_Score__r"), "Score__c")) ==
                70.0);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "Vendor_Scores__r"), "totalSize")),
                     1);
    json_decref(r);
}

static void
test_rules_loaded_from_metadata(void **state)
{
    customer_rules(state);
    customer_object(state);
}

/* The round trip: metadata -> org JSON -> sim answers identically. */
static void
test_rules_loaded_from_imported_json(void **state)
{
    customer_rules(state);
    customer_object(state);
}

/* What cannot be used is reported with its path, line and column; the
 * rest loads; --strict makes it fatal. */
static void
test_report_and_strict(void **state)
{
    char dir[] = "/tmp/sfsim-md-XXXXXX", args[9000], *err;

    (void)state;
    paths();
    assert_non_null(mkdtemp(dir));
    snprintf(args, sizeof(args), "--import-metadata '%s'", md_path);
    assert_int_equal(run_sim(dir, args), 0);
    err = read_in(dir, "err");
    assert_non_null(
        strstr(err, "/objects/Lead/fields/Office_Location__c.field-meta.xml:"
                    "2:1: custom field Lead.Office_Location__c not loaded: "
                    "type Location"));
    assert_non_null(strstr(err, "Lead.Phone_Duplicates_Old not loaded: its "
                                "matching rule Lead_Phone_Old is Inactive"));
    assert_non_null(strstr(err, "2 problems"));
    free(err);
    snprintf(args, sizeof(args), "--check --strict --org-metadata '%s'",
             md_path);
    assert_int_equal(run_sim(dir, args), 2);
    snprintf(args, sizeof(args), "--import-metadata '%s' --strict", md_path);
    assert_int_equal(run_sim(dir, args), 2);
    err = read_in(dir, "out");
    assert_string_equal(err, ""); /* nothing printed when refused */
    free(err);
    /* Not a metadata tree at all. */
    assert_int_equal(run_sim(dir, "--import-metadata /nonexistent-md-dir"), 2);
    clean_dir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rules_loaded_from_metadata,
                                        start_metadata, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_rules_loaded_from_imported_json,
                                        start_imported, simtest_teardown),
        cmocka_unit_test(test_report_and_strict),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
