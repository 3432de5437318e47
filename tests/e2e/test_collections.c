/*
 * test_collections.c - sObject Collections end to end (facts section 1):
 * create, update, upsert, delete and retrieve on the real sfsim, answers
 * compared whole; allOrNone both ways with the rollback checked in the
 * stored records; validation and duplicate rules inside a batch; one
 * journal entry per record; a fault that fails one record of a batch.
 * The org is fixtures/orgs/law-firm.json: every Lead needs a 10-digit
 * Phone, Lead Distro AI leads need a case type and are blocked on a
 * duplicate Email, a name + company duplicate is Allow+Alert.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apitest.h"
#include "jsontest.h"
#include "simtest.h"

#define V "/services/data/v62.0"
#define COLL V "/composite/sobjects"
#define ROLLED_BACK                                                            \
    "{\"statusCode\":\"ALL_OR_NONE_OPERATION_ROLLED_BACK\",\"message\":"       \
    "\"Record rolled back because not all records were valid and the "         \
    "request was using AllOrNone header\",\"fields\":[]}"
#define PHONE_MSG "Please enter a 10-digit phone number, e.g. (555) 123-4567."
#define PHONE_RULE                                                             \
    "{\"statusCode\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\",\"message\":"       \
    "\"" PHONE_MSG "\",\"fields\":[\"Phone\"]}"
#define LEAD "{\"attributes\":{\"type\":\"Lead\"},"
#define OK_LEAD(name)                                                          \
    LEAD "\"LastName\":\"" name "\",\"Company\":\"Acme\","                     \
         "\"Phone\":\"5551234567\"}"
#define BAD_LEAD(name)                                                         \
    LEAD "\"LastName\":\"" name "\",\"Company\":\"Acme\","                     \
         "\"Phone\":\"12\"}"
/* A Lead Distro AI lead with its case type and an email. */
#define DISTRO_LEAD(name, email)                                               \
    LEAD "\"LastName\":\"" name "\",\"Company\":\"Acme\",\"Phone\":"           \
         "\"5551234567\",\"LeadSource\":\"Lead Distro AI\",\"case_type__c\":"  \
         "\"Auto Accident\",\"Email\":\"" email "\"}"
#define OK(id) "{\"id\":\"" id "\",\"success\":true,\"errors\":[]}"
#define FAILED(err) "{\"success\":false,\"errors\":[" err "]}"

static int
start(void **state)
{
    return simtest_setup_org_session(state, "orgs/law-firm.json");
}

/* The id of element i of a collections answer, into out (19 bytes). */
static char *
id_at(json_t *arr, size_t i, char *out)
{
    const char *id =
        json_string_value(json_object_get(json_array_get(arr, i), "id"));

    assert_non_null(id);
    snprintf(out, 19, "%s", id);
    return out;
}

/* Creates leads through Collections (all must succeed); their ids into
 * ids[i] (19 bytes each). */
static void
create_leads(struct simtest *c, const char *records, char ids[][19], size_t n)
{
    char body[8192];
    long st;
    json_t *arr;
    size_t i;

    snprintf(body, sizeof(body), "{\"records\":[%s]}", records);
    arr = simtest_api_json(c, "POST", COLL, body, NULL, &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(arr), n);
    for (i = 0; i < n; i++)
        id_at(arr, i, ids[i]);
    json_decref(arr);
}

/* The stored record id of object (new reference), or NULL. */
static json_t *
stored(struct simtest *c, const char *object, const char *id)
{
    char path[256];
    json_t *arr, *rec, *out = NULL;
    size_t i;

    snprintf(path, sizeof(path), "/__sim/records/%s", object);
    arr = simtest_admin(c, "GET", path, NULL);
    json_array_foreach(arr, i, rec) {
        if (strcmp(json_string_value(json_object_get(rec, "Id")), id) == 0)
            out = json_incref(rec);
    }
    json_decref(arr);
    return out;
}

static void
expect_stored_field(struct simtest *c, const char *id, const char *field,
                    const char *value)
{
    json_t *rec = stored(c, "Lead", id);

    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(rec, field)), value);
    json_decref(rec);
}

/* Journal entry i after seq since, without seq, time, method and path
 * (checked once in test_create_partial_success), equals the text. */
static void expect_entryf(struct simtest *c, unsigned long long since, size_t i,
                          const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
expect_entryf(struct simtest *c, unsigned long long since, size_t i,
              const char *fmt, ...)
{
    json_t *all = simtest_journal(c, since);
    json_t *e = json_deep_copy(json_array_get(all, i));
    char buf[4096], *raw;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    json_object_del(e, "seq");
    json_object_del(e, "time");
    json_object_del(e, "method");
    json_object_del(e, "path");
    raw = json_dumps(e, JSON_COMPACT);
    jsontest_equal(e, buf, raw, __FILE__, __LINE__);
    free(raw);
    json_decref(e);
    json_decref(all);
}

static void
test_create_partial_success(void **state)
{
    struct simtest *c = *state;
    unsigned long long since = apitest_last_seq(c);
    char a[19], ct[19];
    json_t *arr, *all, *req;
    long st;

    arr = simtest_api_json(
        c, "POST", COLL,
        "{\"allOrNone\":false,\"records\":[" OK_LEAD("Lovelace") "," BAD_LEAD(
            "Byron") ","
                     "{\"attributes\":{\"type\":\"Contact\"},"
                     "\"LastName\":\"Ada\"}," LEAD
                     "\"Company\":\"NoName\",\"Phone\":\"5551234567\"}," LEAD
                     "\"LastName\":\"X\",\"Company\":\"Y\","
                     "\"Phone\":\"5551234567\",\"Colour\":\"red\"}]}",
        NULL, &st);
    assert_int_equal(st, 200);
    assert_json_equalf(
        arr,
        "[" OK("%s") "," FAILED(PHONE_RULE) "," OK("%s") "," FAILED(
            "{\"statusCode\":\"REQUIRED_FIELD_MISSING\",\"message\":"
            "\"Required fields are missing: [LastName]\",\"fields\":"
            "[\"LastName\"]}") "," FAILED("{\"statusCode\":\"INVALID_FIELD\","
                                          "\"message\":\"No such "
                                          "column 'Colour' on sobject of type "
                                          "Lead\",\"fields\":[]}") "]",
        id_at(arr, 0, a), id_at(arr, 2, ct));
    json_decref(arr);
    assert_memory_equal(a, "00Q", 3);
    assert_memory_equal(ct, "003", 3);
    req = stored(c, "Contact", ct);
    assert_non_null(req);
    json_decref(req);
    expect_stored_field(c, a, "LastName", "Lovelace");

    /* The request once, then one entry per record, in request order. */
    all = simtest_journal(c, since);
    assert_int_equal(json_array_size(all), 6);
    req = json_array_get(all, 0);
    assert_string_equal(json_string_value(json_object_get(req, "kind")),
                        "request");
    assert_int_equal(json_integer_value(json_object_get(req, "status")), 200);
    assert_string_equal(json_string_value(json_object_get(req, "verdict")),
                        "ok");
    assert_string_equal(json_string_value(json_object_get(req, "detail")),
                        "5 records, 3 refused");
    json_decref(all);
}

static void
test_journal_per_record(void **state)
{
    struct simtest *c = *state;
    unsigned long long since = apitest_last_seq(c), top = since + 1;
    char a[19];
    json_t *arr, *all, *e;
    long st;
    size_t i;

    arr = simtest_api_json(
        c, "POST", COLL,
        "{\"records\":[" OK_LEAD("Turing") "," BAD_LEAD(
            "Hopper") "," LEAD
                      "\"Company\":\"NoName\",\"Phone\":\"5551234567\"}]}",
        NULL, &st);
    assert_int_equal(st, 200);
    id_at(arr, 0, a);
    json_decref(arr);
    all = simtest_journal(c, since);
    assert_int_equal(json_array_size(all), 4);
    e = json_array_get(all, 0);
    assert_int_equal(json_integer_value(json_object_get(e, "seq")), top);
    assert_string_equal(json_string_value(json_object_get(e, "kind")),
                        "request");
    for (i = 1; i < 4; i++) {
        e = json_array_get(all, i);
        assert_string_equal(json_string_value(json_object_get(e, "method")),
                            "POST");
        assert_string_equal(json_string_value(json_object_get(e, "path")),
                            COLL);
    }
    json_decref(all);
    expect_entryf(c, since, 1,
                  "{\"kind\":\"record\",\"batch_seq\":%llu,\"batch_index\":0,"
                  "\"verdict\":\"created\",\"object\":\"Lead\",\"record_id\":"
                  "\"%s\",\"fields\":{\"LastName\":\"Turing\",\"Company\":"
                  "\"Acme\",\"Phone\":\"5551234567\"}}",
                  top, a);
    expect_entryf(c, since, 2,
                  "{\"kind\":\"record\",\"batch_seq\":%llu,\"batch_index\":1,"
                  "\"verdict\":\"rejected_validation\",\"object\":\"Lead\","
                  "\"error_code\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\","
                  "\"detail\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION: "
                  "Phone_Must_Be_10_Digits: " PHONE_MSG "\",\"fields\":{"
                  "\"LastName\":\"Hopper\",\"Company\":\"Acme\",\"Phone\":"
                  "\"12\"}}",
                  top);
    expect_entryf(c, since, 3,
                  "{\"kind\":\"record\",\"batch_seq\":%llu,\"batch_index\":2,"
                  "\"verdict\":\"rejected_required\",\"object\":\"Lead\","
                  "\"error_code\":\"REQUIRED_FIELD_MISSING\",\"detail\":"
                  "\"REQUIRED_FIELD_MISSING: Required fields are missing: "
                  "[LastName]\",\"fields\":{\"Company\":\"NoName\",\"Phone\":"
                  "\"5551234567\"}}",
                  top);
}

/* A secret in a record reads [redacted] in its journal entry, as in any
 * request body; so does one in a Composite subrequest's body. */
static void
test_journal_redacts_secrets(void **state)
{
    struct simtest *c = *state;
    unsigned long long since = apitest_last_seq(c);
    json_t *all, *e;
    long st;

    json_decref(simtest_api_json(
        c, "POST", COLL,
        "{\"records\":[" LEAD "\"LastName\":\"S\",\"password\":\"hunter2\"}]}",
        NULL, &st));
    json_decref(simtest_api_json(
        c, "POST", V "/composite",
        "{\"compositeRequest\":[{\"method\":\"POST\",\"url\":\"" V
        "/sobjects/Lead\",\"referenceId\":\"a\",\"body\":{\"LastName\":"
        "\"S\",\"client_secret\":\"hunter2\"}}]}",
        NULL, &st));
    all = simtest_journal(c, since);
    assert_int_equal(json_array_size(all), 4);
    e = json_array_get(all, 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(e, "fields"), "password")),
                        "[redacted]");
    e = json_array_get(all, 3);
    assert_string_equal(json_string_value(json_object_get(e, "kind")),
                        "subrequest");
    assert_null(
        strstr(json_string_value(json_object_get(e, "body")), "hunter2"));
    assert_non_null(
        strstr(json_string_value(json_object_get(e, "body")), "[redacted]"));
    json_decref(all);
}

static void
test_create_all_or_none(void **state)
{
    struct simtest *c = *state;
    size_t leads = simtest_count(c, "Lead");
    unsigned long long since = apitest_last_seq(c);
    char ids[1][19];

    assert_api(c, "POST", COLL,
               "{\"allOrNone\":true,\"records\":[" DISTRO_LEAD(
                   "Rolled", "rolled@x.test") "," BAD_LEAD("Bad") "]}",
               200, "[" FAILED(ROLLED_BACK) "," FAILED(PHONE_RULE) "]");
    assert_int_equal(simtest_count(c, "Lead"), leads);
    expect_entryf(c, since, 1,
                  "{\"kind\":\"record\",\"batch_seq\":%llu,\"batch_index\":0,"
                  "\"verdict\":\"rolled_back\",\"object\":\"Lead\","
                  "\"error_code\":\"ALL_OR_NONE_OPERATION_ROLLED_BACK\","
                  "\"detail\":\"ALL_OR_NONE_OPERATION_ROLLED_BACK: Record "
                  "rolled back because not all records were valid and the "
                  "request was using AllOrNone header\",\"fields\":{"
                  "\"LastName\":\"Rolled\",\"Company\":\"Acme\",\"Phone\":"
                  "\"5551234567\",\"LeadSource\":\"Lead Distro AI\","
                  "\"case_type__c\":\"Auto Accident\",\"Email\":"
                  "\"rolled@x.test\"}}",
                  since + 1);
    /* The rolled-back lead left nothing behind, not even in the duplicate
     * rule's index: the same email is no duplicate now. */
    create_leads(c, DISTRO_LEAD("Again", "rolled@x.test"), ids, 1);
    assert_int_equal(simtest_count(c, "Lead"), leads + 1);

    /* allOrNone false: the good one stays. */
    assert_api(c, "POST", COLL, "{\"records\":[" BAD_LEAD("Bad") "]}", 200,
               "[" FAILED(PHONE_RULE) "]");
}

static void
test_duplicates_in_a_batch(void **state)
{
    struct simtest *c = *state;
    size_t leads = simtest_count(c, "Lead");
    char ids[2][19], hdr_ids[1][19];
    const char *same = LEAD "\"LastName\":\"Same\",\"FirstName\":\"Sam\","
                            "\"Company\":\"SameCo\",\"Phone\":\"5551234567\"}";
    char body[1024];
    json_t *arr;
    long st;

    /* Records of one save are not compared with each other (Salesforce's
     * documented behaviour): both are created. */
    create_leads(c,
                 DISTRO_LEAD("One", "twice@x.test") "," DISTRO_LEAD(
                     "Two", "twice@x.test"),
                 ids, 2);
    assert_int_equal(simtest_count(c, "Lead"), leads + 2);
    /* A later save is compared with them. */
    assert_api(c, "POST", COLL,
               "{\"records\":[" DISTRO_LEAD("Three", "twice@x.test") "]}", 200,
               "[" FAILED("{\"statusCode\":\"DUPLICATES_DETECTED\","
                          "\"message\":\"This person is already in "
                          "Salesforce (same email). Lead Distro AI leads "
                          "are not duplicated.\",\"fields\":[]}") "]");

    /* Allow+Alert: refused, unless Sforce-Duplicate-Rule-Header says
     * allowSave=true. */
    snprintf(body, sizeof(body), "{\"records\":[%s]}", same);
    create_leads(c, same, ids, 1);
    assert_api(c, "POST", COLL, body, 200,
               "[" FAILED("{\"statusCode\":\"DUPLICATES_DETECTED\","
                          "\"message\":\"Use one of these records?\","
                          "\"fields\":[]}") "]");
    arr = simtest_api_json(c, "POST", COLL, body,
                           "Sforce-Duplicate-Rule-Header: allowSave=true", &st);
    assert_int_equal(st, 200);
    assert_json_equalf(arr, "[" OK("%s") "]", id_at(arr, 0, hdr_ids[0]));
    json_decref(arr);
}

static void
test_update(void **state)
{
    struct simtest *c = *state;
    char ids[3][19], body[2048];
    json_t *arr;
    long st;

    create_leads(c, OK_LEAD("U1") "," OK_LEAD("U2") "," OK_LEAD("Gone"), ids,
                 3);
    snprintf(body, sizeof(body), COLL "?ids=%s", ids[2]);
    json_decref(simtest_api_json(c, "DELETE", body, NULL, NULL, &st));
    assert_int_equal(st, 200);

    snprintf(body, sizeof(body),
             "{\"records\":[" LEAD "\"id\":\"%s\",\"Company\":\"Beta\"}," LEAD
             "\"Company\":\"NoId\"}," LEAD
             "\"id\":\"bad\",\"Company\":\"X\"}," LEAD
             "\"id\":\"%s\",\"Company\":\"X\"}," LEAD
             "\"Id\":\"%s\",\"Phone\":\"12\"}]}",
             ids[0], ids[2], ids[1]);
    arr = simtest_api_json(c, "PATCH", COLL, body, NULL, &st);
    assert_int_equal(st, 200);
    assert_json_equalf(
        arr,
        "[" OK("%s") "," FAILED(
            "{\"statusCode\":\"MISSING_ARGUMENT\",\"message\":\"Id not "
            "specified in an update call\",\"fields\":[]}") "," FAILED("{\"stat"
                                                                       "usCode"
                                                                       "\":"
                                                                       "\"MALFO"
                                                                       "RMED_"
                                                                       "ID\","
                                                                       "\"messa"
                                                                       "ge\":"
                                                                       "\"Lead "
                                                                       "ID: id "
                                                                       "value "
                                                                       "of "
                                                                       "incorre"
                                                                       "ct "
                                                                       "type: "
                                                                       "bad\","
                                                                       "\"field"
                                                                       "s\":["
                                                                       "\"Id\"]"
                                                                       "}") "," FAILED("{\"statusCode\":\"ENTITY_IS_DELETED\",\"message\":\"entity "
                                                                                       "is deleted\",\"fields\":[]}") "," FAILED(PHONE_RULE) "]",
        ids[0]);
    json_decref(arr);
    expect_stored_field(c, ids[0], "Company", "Beta");
    expect_stored_field(c, ids[1], "Phone", "5551234567");

    /* allOrNone: the good update is undone too (values and all). */
    snprintf(body, sizeof(body),
             "{\"allOrNone\":true,\"records\":[" LEAD
             "\"id\":\"%s\",\"Company\":\"Gamma\"}," LEAD
             "\"id\":\"%s\",\"Phone\":\"12\"}]}",
             ids[0], ids[1]);
    assert_api(c, "PATCH", COLL, body, 200,
               "[" FAILED(ROLLED_BACK) "," FAILED(PHONE_RULE) "]");
    expect_stored_field(c, ids[0], "Company", "Beta");
}

static void
test_upsert(void **state)
{
    struct simtest *c = *state;
    size_t leads;
    char a[19], b[19];
    const char *path = COLL "/Lead/source_lead_id__c";
    json_t *arr;
    long st;

    arr = simtest_api_json(
        c, "PATCH", path,
        "{\"records\":[" LEAD "\"source_lead_id__c\":\"S-1\","
        "\"LastName\":\"Up\",\"Company\":\"A\",\"Phone\":"
        "\"5551234567\"}," LEAD "\"source_lead_id__c\":\"s-1\","
        "\"LastName\":\"Dup\",\"Company\":\"A\",\"Phone\":"
        "\"5551234567\"}," LEAD "\"LastName\":\"NoKey\",\"Company\":"
        "\"A\",\"Phone\":\"5551234567\"}]}",
        NULL, &st);
    assert_int_equal(st, 200);
    assert_json_equalf(
        arr,
        "[{\"id\":\"%s\",\"success\":true,\"errors\":[],\"created\":"
        "true},"
        "{\"success\":false,\"errors\":[{\"statusCode\":"
        "\"DUPLICATE_EXTERNAL_ID\",\"message\":\"Duplicate external "
        "id specified: s-1\",\"fields\":[]}],\"created\":false},"
        "{\"success\":false,\"errors\":[{\"statusCode\":"
        "\"MISSING_ARGUMENT\",\"message\":\"source_lead_id__c not "
        "specified\",\"fields\":[]}],\"created\":false}]",
        id_at(arr, 0, a));
    json_decref(arr);

    leads = simtest_count(c, "Lead");
    arr = simtest_api_json(
        c, "PATCH", path,
        "{\"records\":[" LEAD "\"source_lead_id__c\":\"S-1\","
        "\"Company\":\"Updated\"}," LEAD "\"source_lead_id__c\":"
        "\"S-2\",\"LastName\":\"New\",\"Company\":\"B\",\"Phone\":"
        "\"5551234567\"}]}",
        NULL, &st);
    assert_int_equal(st, 200);
    assert_json_equalf(
        arr,
        "[{\"id\":\"%s\",\"success\":true,\"errors\":[],\"created\":"
        "false},{\"id\":\"%s\",\"success\":true,\"errors\":[],"
        "\"created\":true}]",
        a, id_at(arr, 1, b));
    json_decref(arr);
    assert_int_equal(simtest_count(c, "Lead"), leads + 1);
    expect_stored_field(c, a, "Company", "Updated");
    expect_stored_field(c, a, "source_lead_id__c", "S-1");

    /* allOrNone: the create that would have been is answered
     * created:true, rolled back (the live org's quirk, facts 1.6). */
    assert_api(c, "PATCH", path,
               "{\"allOrNone\":true,\"records\":[" LEAD
               "\"source_lead_id__c\":\"S-3\",\"LastName\":\"R\","
               "\"Company\":\"B\",\"Phone\":\"5551234567\"}," LEAD
               "\"source_lead_id__c\":\"S-2\",\"Phone\":\"12\"}]}",
               200,
               "[{\"success\":false,\"errors\":[" ROLLED_BACK "],"
               "\"created\":true},{\"success\":false,\"errors\":[" PHONE_RULE
               "],\"created\":false}]");
    assert_int_equal(simtest_count(c, "Lead"), leads + 1);

    assert_api(c, "PATCH", V "/composite/sobjects/Lead/LastName",
               "{\"records\":[" OK_LEAD("x") "]}", 404,
               "[{\"message\":\"Provided external ID field does not exist "
               "or is not accessible: LastName\",\"errorCode\":"
               "\"NOT_FOUND\"}]");
    assert_api(c, "PATCH",
               "/services/data/v45.0/composite/sobjects/Lead/"
               "source_lead_id__c",
               "{\"records\":[" OK_LEAD("x") "]}", 404,
               "[{\"message\":\"The requested resource does not exist\","
               "\"errorCode\":\"NOT_FOUND\"}]");
}

static void
test_delete(void **state)
{
    struct simtest *c = *state;
    size_t leads;
    char ids[2][19], path[256];

    create_leads(c, OK_LEAD("D1") "," OK_LEAD("D2"), ids, 2);
    leads = simtest_count(c, "Lead");
    snprintf(path, sizeof(path), COLL "?ids=%s,bad,%s&allOrNone=true", ids[0],
             ids[1]);
    /* allOrNone with one bad id: nothing is deleted, the ids stay. */
    assert_api(
        c, "DELETE", path, NULL, 200,
        "[{\"id\":\"%s\",\"success\":false,\"errors\":[" ROLLED_BACK
        "]},{\"id\":\"bad\",\"success\":false,\"errors\":[{\"statusCode\":"
        "\"MALFORMED_ID\",\"message\":\"malformed id bad\",\"fields\":[]}]},"
        "{\"id\":\"%s\",\"success\":false,\"errors\":[" ROLLED_BACK "]}]",
        ids[0], ids[1]);
    assert_int_equal(simtest_count(c, "Lead"), leads);

    snprintf(path, sizeof(path), COLL "?ids=%s,%s,%s", ids[0], ids[0], ids[1]);
    assert_api(
        c, "DELETE", path, NULL, 200,
        "[" OK("%s") ",{\"id\":\"%s\",\"success\":false,"
                     "\"errors\":[{\"statusCode\":\"ENTITY_IS_DELETED\","
                     "\"message\":\"entity is deleted\",\"fields\":[]}]}," OK(
                         "%s") "]",
        ids[0], ids[0], ids[1]);
    assert_int_equal(simtest_count(c, "Lead"), leads - 2);
}

static void
test_retrieve(void **state)
{
    struct simtest *c = *state;
    char ids[1][19], path[512], body[512];

    create_leads(c, OK_LEAD("Read"), ids, 1);
    snprintf(path, sizeof(path),
             COLL "/Lead?ids=%s,00Q000000000000AAA,nope&fields=LastName,"
                  "Company",
             ids[0]);
    assert_api(c, "GET", path, NULL, 200,
               "[{\"attributes\":{\"type\":\"Lead\",\"url\":\"" V
               "/sobjects/Lead/%s\"},\"LastName\":\"Read\",\"Company\":"
               "\"Acme\",\"Id\":\"%s\"},null,null]",
               ids[0], ids[0]);
    snprintf(body, sizeof(body),
             "{\"ids\":[\"%s\"],\"fields\":[\"Id\",\"Phone\"]}", ids[0]);
    assert_api(c, "POST", COLL "/Lead", body, 200,
               "[{\"attributes\":{\"type\":\"Lead\",\"url\":\"" V
               "/sobjects/Lead/%s\"},\"Id\":\"%s\",\"Phone\":"
               "\"5551234567\"}]",
               ids[0], ids[0]);
    snprintf(path, sizeof(path), COLL "/Lead?ids=%s&fields=Nope", ids[0]);
    assert_api(c, "GET", path, NULL, 400,
               "[{\"message\":\"No such column 'Nope' on entity 'Lead'. "
               "If you are attempting to use a custom field, be sure to "
               "append the '__c' after the custom field name. Please "
               "reference your WSDL or the describe call for the "
               "appropriate names.\",\"errorCode\":\"INVALID_FIELD\"}]");
}

/* A body of n Lead records (caller frees). */
static char *
many_leads(size_t n)
{
    size_t cap = 64 + n * 128, len, i;
    char *body = malloc(cap);

    assert_non_null(body);
    len = (size_t)snprintf(body, cap, "{\"records\":[");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(body + len, cap - len, "%s" OK_LEAD("M"),
                                i ? "," : "");
    snprintf(body + len, cap - len, "]}");
    return body;
}

static void
test_request_errors(void **state)
{
    struct simtest *c = *state;
    size_t leads = simtest_count(c, "Lead");
    char *body = many_leads(201);
    struct http_result r;

    assert_api(c, "POST", COLL, body, 400,
               "[{\"message\":\"record limit reached. cannot submit more "
               "than 200 records into this call\",\"errorCode\":"
               "\"EXCEEDED_ID_LIMIT\"}]");
    free(body);
    assert_api(c, "POST", COLL, "{\"records\":[]}", 400,
               "[{\"message\":\"At least 1 record is required\","
               "\"errorCode\":\"REQUIRED_FIELD_MISSING\"}]");
    assert_api(c, "POST", COLL,
               "{\"records\":[" OK_LEAD("Fine") ",{\"LastName\":\"x\"}]}", 400,
               "[{\"message\":\"Missing entity type information. sObject "
               "requires a separate 'type' field be sent.\",\"errorCode\":"
               "\"INVALID_TYPE\"}]");
    assert_api(c, "POST", COLL,
               "{\"records\":[{\"attributes\":{\"type\":\"Widget__c\"}}]}", 400,
               "[{\"message\":\"sObject type 'Widget__c' is not "
               "supported. If you are attempting to use a custom object, "
               "be sure to append the '__c' after the entity name. Please "
               "reference your WSDL or the describe call for the "
               "appropriate names.\",\"errorCode\":\"INVALID_TYPE\"}]");
    assert_api(c, "POST", COLL, "{\"records\":[\"x\"]}", 400,
               "[{\"message\":\"Can not deserialize SObject out of "
               "VALUE_STRING token\",\"errorCode\":\"JSON_PARSER_ERROR\"}]");
    assert_api(c, "POST", COLL, "[]", 400,
               "[{\"message\":\"Can not deserialize SObjectCollection out "
               "of START_ARRAY token at [line:1, column:1]\",\"errorCode\":"
               "\"JSON_PARSER_ERROR\"}]");
    assert_api(
        c, "POST", COLL,
        "{\"records\":[" OK_LEAD(
            "a") ",{\"attributes\":{\"type\":"
                 "\"Contact\"},\"LastName\":\"b\"}," OK_LEAD(
                     "c") ",{"
                          "\"attributes\":{\"type\":\"Contact\"},\"LastName\":"
                          "\"d\"}," OK_LEAD(
                              "e") ",{\"attributes\":{\"type\":\"Contact\"},"
                                   "\"LastName\":\"f\"}," OK_LEAD(
                                       "g") ",{\"attributes\":{"
                                            "\"type\":\"Contact\"},"
                                            "\"LastName\":\"h\"}," OK_LEAD(
                                                "i") ",{\"attributes\":{"
                                                     "\"type\":\"Contact\"},"
                                                     "\"LastName\":"
                                                     "\"j\"}," OK_LEAD(
                                                         "k") "]}",
        400,
        "[{\"message\":\"Cannot have more than 10 chunks in a single "
        "operation. Please rearrange the data to reduce chunking.\","
        "\"errorCode\":\"LIMIT_EXCEEDED\"}]");
    assert_api(c, "POST", "/services/data/v41.0/composite/sobjects",
               "{\"records\":[" OK_LEAD("x") "]}", 404,
               "[{\"message\":\"The requested resource does not exist\","
               "\"errorCode\":\"NOT_FOUND\"}]");
    assert_int_equal(simtest_api(c, "POST", COLL, "application/json",
                                 "{\"records\":", NULL, &r),
                     400);
    assert_non_null(strstr(r.body, "JSON_PARSER_ERROR"));
    http_result_free(&r);
    assert_int_equal(simtest_count(c, "Lead"), leads);

    /* 200 records are fine. */
    body = many_leads(200);
    {
        long st;
        json_t *arr = simtest_api_json(c, "POST", COLL, body, NULL, &st);

        assert_int_equal(st, 200);
        assert_int_equal(json_array_size(arr), 200);
        json_decref(arr);
    }
    free(body);
    assert_int_equal(simtest_count(c, "Lead"), leads + 200);
}

/* Sforce-Limit-Info's api-usage count of an answer. */
static long
api_usage(const struct http_result *r)
{
    char v[128];

    assert_non_null(http_header(r, "Sforce-Limit-Info", v, sizeof(v)));
    return strtol(strchr(v, '=') + 1, NULL, 10);
}

static void
test_one_api_call_per_request(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char *body = many_leads(50);
    long first;

    simtest_api(c, "POST", COLL, "application/json", body, NULL, &r);
    first = api_usage(&r);
    http_result_free(&r);
    simtest_api(c, "POST", COLL, "application/json", body, NULL, &r);
    assert_int_equal(api_usage(&r), first + 1);
    http_result_free(&r);
    free(body);
}

static void
test_fault_fails_one_record(void **state)
{
    struct simtest *c = *state;
    size_t leads = simtest_count(c, "Lead");
    unsigned long long since;
    char a[19], b[19];
    json_t *arr, *faults;
    long st;

    json_decref(httpc_send_json(
        c->http, "POST", "/__sim/faults",
        "{\"path\":\"/services/data\",\"scope\":\"record\",\"field\":"
        "\"LastName\",\"value\":\"Fail*\",\"error_code\":"
        "\"UNABLE_TO_LOCK_ROW\",\"times\":1}",
        &st));
    assert_int_equal(st, 201);
    since = apitest_last_seq(c);
    arr = simtest_api_json(c, "POST", COLL,
                           "{\"records\":[" OK_LEAD("First") "," OK_LEAD(
                               "Fail-1") "," OK_LEAD("Fail-2") "]}",
                           NULL, &st);
    assert_int_equal(st, 200);
    /* times: 1 - the second matching record is saved. */
    assert_json_equalf(arr,
                       "[" OK("%s") "," FAILED(
                           "{\"statusCode\":\"UNABLE_TO_LOCK_ROW\",\"message\":"
                           "\"unable to obtain exclusive access to this "
                           "record\",\"fields\":[]}") "," OK("%s") "]",
                       id_at(arr, 0, a), id_at(arr, 2, b));
    json_decref(arr);
    assert_int_equal(simtest_count(c, "Lead"), leads + 2);
    expect_entryf(c, since, 2,
                  "{\"kind\":\"record\",\"batch_seq\":%llu,\"batch_index\":1,"
                  "\"verdict\":\"fault_injected\",\"object\":\"Lead\","
                  "\"error_code\":\"UNABLE_TO_LOCK_ROW\",\"detail\":\"fault "
                  "1: UNABLE_TO_LOCK_ROW\",\"fields\":{\"LastName\":"
                  "\"Fail-1\",\"Company\":\"Acme\",\"Phone\":"
                  "\"5551234567\"}}",
                  since + 1);
    faults = simtest_admin(c, "GET", "/__sim/faults", NULL);
    assert_int_equal(json_integer_value(json_object_get(faults, "injected")),
                     1);
    json_decref(faults);
    json_decref(
        httpc_send_json(c->http, "DELETE", "/__sim/faults", NULL, NULL));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_partial_success, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_journal_per_record, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_journal_redacts_secrets, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_create_all_or_none, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_in_a_batch, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_update, start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_upsert, start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_delete, start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_retrieve, start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_request_errors, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_one_api_call_per_request, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_fault_fails_one_record, start,
                                        simtest_teardown),
    };

    return cmocka_run_group_tests_name("e2e_collections", tests, NULL, NULL);
}
