/*
 * test_rest.c - the REST API end to end (facts section 3): resources,
 * describe, record CRUD, upsert by external ID, SOQL queries with paging,
 * limits and Person Accounts, on the real sfsim over real HTTP. Answers are
 * compared whole, as parsed JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sfapi.h"
#include "jsontest.h"
#include "simtest.h"

#define V "/services/data/v66.0"
#define JSON_CT "application/json"
#define REST_CT "application/json;charset=UTF-8"
#define NOT_FOUND                                                              \
    "[{\"message\":\"The requested resource does not exist\","                 \
    "\"errorCode\":\"NOT_FOUND\"}]"

static int
start_default(void **state)
{
    return simtest_setup_session(state);
}

static int
start_custom(void **state)
{
    return simtest_setup_org_session(state, "orgs/custom-fields.json");
}

static int
start_person(void **state)
{
    return simtest_setup_org_session(state, "orgs/person-accounts.json");
}

/* The body, parsed, equals expected (JSON text); frees r. */
static void
assert_body(struct http_result *r, const char *expected)
{
    assert_json_body(r, expected);
    http_result_free(r);
}

static void assert_bodyf(struct http_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
assert_bodyf(struct http_result *r, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    assert_body(r, buf);
}

/* Content-Type and the API usage header every counted REST answer has. */
static void
assert_rest_headers(const struct http_result *r)
{
    char v[128];

    assert_string_equal(http_header(r, "Content-Type", v, sizeof(v)), REST_CT);
    assert_non_null(http_header(r, "Sforce-Limit-Info", v, sizeof(v)));
    assert_memory_equal(v, "api-usage=", 10);
}

static json_t *
body_json(const struct http_result *r)
{
    return json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL);
}

/* Creates a record; returns its 18-character id in out. */
static const char *
create(struct simtest *c, const char *object, const char *body, char *out)
{
    struct http_result r;
    char path[128];
    json_t *j;

    snprintf(path, sizeof(path), V "/sobjects/%s/", object);
    if (simtest_api(c, "POST", path, JSON_CT, body, NULL, &r) != 201)
        fprintf(stderr, "create %s: %ld %s\n", object, r.status, r.body);
    assert_int_equal(r.status, 201);
    j = body_json(&r);
    snprintf(out, 19, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    http_result_free(&r);
    assert_int_equal(strlen(out), 18);
    return out;
}

static const char *
str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* --- resources, versions, auth ---------------------------------------------
 */

static void
test_resources_and_versions(void **state)
{
    static const char *const bad[] = {"v19.0",  "v67.0", "v66.1",
                                      "v066.0", "66.0",  "vx.0"};
    static const char *const served[] = {"sobjects", "query", "queryAll",
                                         "limits"};
    struct simtest *c = *state;
    struct http_result r;
    char path[128], want[128], v[64];
    const char *key;
    json_t *j, *val;
    size_t i;

    assert_int_equal(simtest_api(c, "GET", V "/", NULL, NULL, NULL, &r), 200);
    assert_rest_headers(&r);
    assert_string_equal(http_header(&r, "Sforce-Limit-Info", v, sizeof(v)),
                        "api-usage=1/110000");
    j = body_json(&r);
    for (i = 0; i < sizeof(served) / sizeof(served[0]); i++)
        assert_non_null(json_object_get(j, served[i]));
    json_object_foreach(j, key, val) {
        if (strcmp(key, "identity") == 0) /* the user's identity URL */
            continue;
        snprintf(want, sizeof(want), V "/%s", key);
        assert_string_equal(json_string_value(val), want);
    }
    json_decref(j);
    http_result_free(&r);
    assert_int_equal(SFAPI_VERSION_LATEST, 66); /* bad[1] is one past it */
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(path, sizeof(path), "/services/data/%s/sobjects", bad[i]);
        assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r),
                         404);
        assert_body(&r, NOT_FOUND);
    }
    assert_int_equal(simtest_api(c, "GET", "/services/data/v20.0/sobjects",
                                 NULL, NULL, NULL, &r),
                     200);
    http_result_free(&r);
    assert_int_equal(
        httpc_request(c->http, "GET", V "/sobjects", NULL, NULL, 0, NULL, &r),
        0);
    assert_int_equal(r.status, 401);
    assert_body(&r, "[{\"message\":\"Session expired or invalid\","
                    "\"errorCode\":\"INVALID_SESSION_ID\"}]");
}

/* --- records ---------------------------------------------------------------
 */

/* Verdicts of the journal's REST entries, space-separated, into out. */
static const char *
rest_verdicts(struct simtest *c, char *out, size_t n)
{
    json_t *j = simtest_journal_find(
               c, &(struct simtest_match){.path_prefix = "/services/data/v"}),
           *e;
    size_t i, used = 0;

    out[0] = '\0';
    json_array_foreach(j, i, e) {
        if (used < n)
            used += (size_t)snprintf(out + used, n - used, "%s%s",
                                     used ? " " : "", str(e, "verdict"));
    }
    json_decref(j);
    return out;
}

/* The fields of a GET answer that this test cares about, as JSON text. */
static void
assert_fields(json_t *rec, const char *expected)
{
    json_t *want = json_loads(expected, 0, NULL), *v;
    const char *key;

    assert_non_null(want);
    json_object_foreach(want, key, v) {
        if (!json_equal(json_object_get(rec, key), v)) {
            fprintf(stderr, "field %s: want %s\n", key, expected);
            fail();
        }
    }
    json_decref(want);
}

static void
test_crud(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char id[19], path[160], verdicts[512];
    json_t *j, *e;

    assert_int_equal(
        simtest_api(c, "POST", V "/sobjects/Lead/", JSON_CT,
                    "{\"attributes\":{\"type\":\"Lead\"},\"FirstName\":\"Ada\","
                    "\"LastName\":\"Lovelace\",\"Company\":\"Analytical\","
                    "\"Email\":\"ada@example.com\",\"NumberOfEmployees\":12,"
                    "\"HasOptedOutOfEmail\":true,\"AnnualRevenue\":\"5000\"}",
                    NULL, &r),
        201);
    assert_rest_headers(&r);
    j = body_json(&r);
    snprintf(id, sizeof(id), "%s", str(j, "id"));
    json_decref(j);
    assert_int_equal(strlen(id), 18);
    assert_memory_equal(id, "00Q", 3);
    assert_bodyf(&r, "{\"id\":\"%s\",\"success\":true,\"errors\":[]}", id);

    /* A 15-character id works too; the URL carries the request's version. */
    snprintf(path, sizeof(path), "/services/data/v58.0/sobjects/Lead/%.15s",
             id);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_rest_headers(&r);
    j = body_json(&r);
    http_result_free(&r);
    snprintf(path, sizeof(path),
             "{\"attributes\":{\"type\":\"Lead\",\"url\":\"/services/data/"
             "v58.0/sobjects/Lead/%s\"},\"Id\":\"%s\"}",
             id, id);
    assert_fields(j, path);
    assert_fields(j, "{\"FirstName\":\"Ada\",\"Name\":\"Ada Lovelace\","
                     "\"NumberOfEmployees\":12,\"HasOptedOutOfEmail\":true,"
                     "\"DoNotCall\":false,\"AnnualRevenue\":5000.0,"
                     "\"Status\":\"Open - Not Contacted\",\"Phone\":null}");
    json_decref(j);

    snprintf(path, sizeof(path), V "/sobjects/Lead/%s", id);
    assert_int_equal(simtest_api(c, "PATCH", path, JSON_CT,
                                 "{\"Email\":null,\"Title\":\"Countess\","
                                 "\"NumberOfEmployees\":\"13\"}",
                                 NULL, &r),
                     204);
    assert_int_equal(r.body_len, 0);
    http_result_free(&r);
    snprintf(path, sizeof(path),
             V "/sobjects/Lead/%s?fields=Email,Title,NumberOfEmployees", id);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_bodyf(&r,
                 "{\"attributes\":{\"type\":\"Lead\",\"url\":\"" V
                 "/sobjects/Lead/%s\"},\"Email\":null,\"Title\":\"Countess\","
                 "\"NumberOfEmployees\":13,\"Id\":\"%s\"}",
                 id, id);

    snprintf(path, sizeof(path), V "/sobjects/Lead/%s", id);
    assert_int_equal(simtest_api(c, "DELETE", path, NULL, NULL, NULL, &r), 204);
    http_result_free(&r);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 404);
    assert_rest_headers(&r);
    assert_body(&r, NOT_FOUND);
    assert_int_equal(simtest_count(c, "Lead"), 0);

    assert_string_equal(rest_verdicts(c, verdicts, sizeof(verdicts)),
                        "created ok updated ok deleted error");
    j = simtest_journal(c, 0);
    e = json_array_get(j, 0);
    assert_string_equal(str(e, "object"), "Lead");
    assert_string_equal(str(e, "record_id"), id);
    json_decref(j);
}

struct bad_write {
    const char *method, *path, *ctype, *body;
    long status;
    const char *expected;
};

static const struct bad_write bad_writes[] = {
    {"POST", V "/sobjects/Lead/", JSON_CT, "{\"LastName\":\"X\",\"Foo__c\":1}",
     400,
     "[{\"message\":\"No such column 'Foo__c' on sobject of type Lead\","
     "\"errorCode\":\"INVALID_FIELD\"}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT,
     "{\"Id\":\"00Q000000000001\",\"LastName\":\"X\"}", 400,
     "[{\"message\":\"The Id field should not be specified in the sobject "
     "data.\",\"errorCode\":\"INVALID_FIELD\"}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT,
     "{\"LastName\":\"X\",\"Company\":\"Y\",\"IsConverted\":true}", 400,
     "[{\"message\":\"Unable to create/update fields: IsConverted. Please "
     "check the security settings of this field and verify that it is "
     "read/write for your profile or permission set.\",\"errorCode\":"
     "\"INVALID_FIELD_FOR_INSERT_UPDATE\",\"fields\":[\"IsConverted\"]}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT, "", 400,
     "[{\"message\":\"The HTTP entity body is required, but this request has "
     "no entity body.\",\"errorCode\":\"JSON_PARSER_ERROR\"}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT, "\n  [1]", 400,
     "[{\"message\":\"Can not deserialize SObject out of START_ARRAY token at "
     "[line:2, column:3]\",\"errorCode\":\"JSON_PARSER_ERROR\"}]"},
    {"POST", V "/sobjects/Lead/", "application/x-www-form-urlencoded",
     "last_name=X", 415,
     "[{\"message\":\"MediaType of 'application/x-www-form-urlencoded' is not "
     "supported by this resource\",\"errorCode\":\"UNSUPPORTED_MEDIA_TYPE\"}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT, "{\"Email\":\"a@b.test\"}", 400,
     "[{\"message\":\"Required fields are missing: [LastName, Company]\","
     "\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"LastName\","
     "\"Company\"]}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT,
     "{\"LastName\":\"X\",\"Company\":\"Y\",\"NumberOfEmployees\":\"abc\"}",
     400,
     "[{\"message\":\"Cannot deserialize instance of int from VALUE_STRING "
     "value abc or request may be missing a required field\",\"errorCode\":"
     "\"JSON_PARSER_ERROR\"}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT, "{\"LastName\":{\"a\":1}}", 400,
     "[{\"message\":\"Cannot deserialize instance of string from "
     "START_OBJECT value { or request may be missing a required field\","
     "\"errorCode\":\"JSON_PARSER_ERROR\"}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT,
     "{\"LastName\":\"X\",\"Company\":\"Y\",\"Email\":\"nope\"}", 400,
     "[{\"message\":\"Email: invalid email address: nope\",\"errorCode\":"
     "\"INVALID_EMAIL_ADDRESS\",\"fields\":[\"Email\"]}]"},
    {"POST", V "/sobjects/Lead/", JSON_CT,
     "{\"LastName\":\"X\",\"Company\":\"Y\",\"RecordTypeId\":\"nope\"}", 400,
     "[{\"message\":\"Record Type ID: id value of incorrect type: nope\","
     "\"errorCode\":\"MALFORMED_ID\",\"fields\":[\"RecordTypeId\"]}]"},
    {"POST", V "/sobjects/Widget/", JSON_CT, "{\"Name\":\"X\"}", 404,
     NOT_FOUND},
    {"GET", V "/sobjects/Lead/003000000000001", NULL, NULL, 400,
     "[{\"message\":\"Lead ID: id value of incorrect type: 003000000000001\","
     "\"errorCode\":\"MALFORMED_ID\",\"fields\":[\"Id\"]}]"},
    {"GET", V "/sobjects/Lead/nope", NULL, NULL, 404,
     "[{\"message\":\"Provided external ID field does not exist or is not "
     "accessible: nope\",\"errorCode\":\"NOT_FOUND\"}]"},
    {"PATCH", V "/sobjects/Lead/00Q000000000001", JSON_CT,
     "{\"LastName\":\"X\"}", 404, NOT_FOUND},
    {"DELETE", V "/sobjects/Lead/00Q000000000001", NULL, NULL, 404, NOT_FOUND},
    {"PUT", V "/sobjects/Lead/00Q000000000001", JSON_CT, "{}", 405,
     "[{\"message\":\"HTTP Method 'PUT' not allowed. Allowed are "
     "GET,HEAD,PATCH,DELETE\",\"errorCode\":\"METHOD_NOT_ALLOWED\"}]"},
};

static void
test_write_errors(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    json_error_t jerr;
    char msg[400], *want;
    json_t *j;
    size_t i;

    for (i = 0; i < sizeof(bad_writes) / sizeof(bad_writes[0]); i++) {
        const struct bad_write *b = &bad_writes[i];

        assert_int_equal(
            simtest_api(c, b->method, b->path, b->ctype, b->body, NULL, &r),
            b->status);
        assert_body(&r, b->expected);
    }
    /* Bad JSON: the parser's own words and position. */
    assert_null(json_loads("{\"LastName\" \"X\"}", 0, &jerr));
    snprintf(msg, sizeof(msg), "%s at [line:%d, column:%d]", jerr.text,
             jerr.line, jerr.column);
    j = json_pack("[{s:s, s:s}]", "message", msg, "errorCode",
                  "JSON_PARSER_ERROR");
    want = json_dumps(j, 0);
    json_decref(j);
    assert_int_equal(simtest_api(c, "POST", V "/sobjects/Lead/", JSON_CT,
                                 "{\"LastName\" \"X\"}", NULL, &r),
                     400);
    assert_body(&r, want);
    free(want);
    assert_int_equal(simtest_count(c, "Lead"), 0);
}

static void
test_update_errors(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char id[19], path[128];

    create(c, "Lead", "{\"LastName\":\"X\",\"Company\":\"Y\"}", id);
    snprintf(path, sizeof(path), V "/sobjects/Lead/%s", id);
    assert_int_equal(
        simtest_api(c, "PATCH", path, JSON_CT, "{\"LastName\":null}", NULL, &r),
        400);
    assert_body(&r, "[{\"message\":\"Required fields are missing: "
                    "[LastName]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\","
                    "\"fields\":[\"LastName\"]}]");
    assert_int_equal(
        simtest_api(c, "PATCH", path, JSON_CT, "{\"Id\":null}", NULL, &r), 400);
    assert_body(&r, "[{\"message\":\"The Id field should not be specified in "
                    "the sobject data.\",\"errorCode\":\"INVALID_FIELD\"}]");
    assert_int_equal(
        simtest_api(c, "PATCH", path, "text/plain", "{}", NULL, &r), 415);
    assert_body(&r, "[{\"message\":\"MediaType of 'text/plain' is not "
                    "supported by this resource\",\"errorCode\":"
                    "\"UNSUPPORTED_MEDIA_TYPE\"}]");
}

/* --- describe --------------------------------------------------------------
 */

static json_t *
field_of(json_t *describe, const char *name)
{
    return jsontest_find(json_object_get(describe, "fields"), "name", name);
}

static void
test_describe(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    json_t *j, *o;
    size_t i;

    assert_int_equal(simtest_api(c, "GET", V "/sobjects", NULL, NULL, NULL, &r),
                     200);
    assert_rest_headers(&r);
    j = body_json(&r);
    http_result_free(&r);
    assert_string_equal(str(j, "encoding"), "UTF-8");
    assert_int_equal(json_integer_value(json_object_get(j, "maxBatchSize")),
                     200);
    /* Lead, Contact, Account, the org's own User, Profile and
     * Organization, Opportunity, Task, Event, Campaign, CampaignMember,
     * Case, RecordType and LeadStatus. */
    assert_int_equal(json_array_size(json_object_get(j, "sobjects")), 14);
    json_array_foreach(json_object_get(j, "sobjects"), i, o) {
        if (strcmp(str(o, "name"), "Lead") == 0)
            assert_fields(o, "{\"keyPrefix\":\"00Q\",\"label\":\"Lead\","
                             "\"labelPlural\":\"Leads\",\"createable\":true,"
                             "\"custom\":false,\"urls\":{\"sobject\":\"" V
                             "/sobjects/Lead\",\"describe\":\"" V
                             "/sobjects/Lead/describe\",\"rowTemplate\":\"" V
                             "/sobjects/Lead/{ID}\"}}");
    }
    json_decref(j);

    assert_int_equal(
        simtest_api(c, "GET", V "/sobjects/lead", NULL, NULL, NULL, &r), 200);
    j = body_json(&r);
    http_result_free(&r);
    assert_string_equal(str(json_object_get(j, "objectDescribe"), "name"),
                        "Lead");
    assert_int_equal(json_array_size(json_object_get(j, "recentItems")), 0);
    json_decref(j);

    assert_int_equal(simtest_api(c, "GET", V "/sobjects/Lead/describe", NULL,
                                 NULL, NULL, &r),
                     200);
    j = body_json(&r);
    http_result_free(&r);
    assert_fields(field_of(j, "Email"),
                  "{\"type\":\"email\",\"length\":80,\"nillable\":true,"
                  "\"createable\":true,\"updateable\":true,\"custom\":false,"
                  "\"externalId\":false,\"unique\":false,\"soapType\":"
                  "\"xsd:string\",\"label\":\"Email\",\"picklistValues\":[]}");
    assert_fields(field_of(j, "LastName"),
                  "{\"nillable\":false,\"createable\":true}");
    assert_fields(field_of(j, "Name"),
                  "{\"createable\":false,\"updateable\":false,"
                  "\"nameField\":true}");
    assert_fields(field_of(j, "NumberOfEmployees"), "{\"type\":\"int\"}");
    assert_fields(field_of(j, "OwnerId"),
                  "{\"type\":\"reference\",\"referenceTo\":[\"Group\","
                  "\"User\"],\"relationshipName\":\"Owner\"}");
    assert_json_equal(
        json_array_get(json_object_get(field_of(j, "Status"), "picklistValues"),
                       0),
        "{\"active\":true,\"defaultValue\":true,\"label\":"
        "\"Open - Not Contacted\",\"validFor\":null,\"value\":"
        "\"Open - Not Contacted\"}");
    assert_int_equal(json_array_size(json_object_get(j, "recordTypeInfos")), 1);
    json_decref(j);

    assert_int_equal(simtest_api(c, "GET", V "/sobjects/Widget/describe", NULL,
                                 NULL, NULL, &r),
                     404);
    assert_body(&r, NOT_FOUND);
}

static void
test_describe_custom(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    json_t *j;

    assert_int_equal(simtest_api(c, "GET", V "/sobjects/Lead/describe", NULL,
                                 NULL, NULL, &r),
                     200);
    j = body_json(&r);
    http_result_free(&r);
    assert_fields(field_of(j, "source_lead_id__c"),
                  "{\"externalId\":true,\"unique\":true,\"custom\":true,"
                  "\"type\":\"string\",\"length\":64,\"idLookup\":true}");
    json_decref(j);
}

/* --- upsert by external ID --------------------------------------------------
 */

static void
test_upsert(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char id[19], id2[19], path[160];
    json_t *j;

    assert_int_equal(
        simtest_api(c, "PATCH", V "/sobjects/Lead/source_lead_id__c/L-1",
                    JSON_CT, "{\"LastName\":\"Up\",\"Company\":\"A\"}", NULL,
                    &r),
        201);
    assert_rest_headers(&r);
    j = body_json(&r);
    snprintf(id, sizeof(id), "%s", str(j, "id"));
    json_decref(j);
    assert_bodyf(&r,
                 "{\"id\":\"%s\",\"success\":true,\"errors\":[],"
                 "\"created\":true}",
                 id);
    /* Case-insensitive key; the body's value for the key is ignored. */
    assert_int_equal(
        simtest_api(
            c, "PATCH", V "/sobjects/Lead/source_lead_id__c/l-1", JSON_CT,
            "{\"FirstName\":\"Ann\",\"source_lead_id__c\":\"L-9\"}", NULL, &r),
        200);
    assert_bodyf(&r,
                 "{\"id\":\"%s\",\"success\":true,\"errors\":[],"
                 "\"created\":false}",
                 id);
    snprintf(path, sizeof(path),
             V "/sobjects/Lead/%s?fields=FirstName,source_lead_id__c", id);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_bodyf(&r,
                 "{\"attributes\":{\"type\":\"Lead\",\"url\":\"" V
                 "/sobjects/Lead/%s\"},\"FirstName\":\"Ann\","
                 "\"source_lead_id__c\":\"L-1\",\"Id\":\"%s\"}",
                 id, id);
    /* Before v46.0: 204 on update, no "created" on insert. */
    assert_int_equal(
        simtest_api(c, "PATCH",
                    "/services/data/v45.0/sobjects/Lead/source_lead_id__c/"
                    "L-1",
                    JSON_CT, "{\"FirstName\":\"Bo\"}", NULL, &r),
        204);
    assert_int_equal(r.body_len, 0);
    http_result_free(&r);
    assert_int_equal(
        simtest_api(c, "PATCH",
                    "/services/data/v45.0/sobjects/Lead/source_lead_id__c/"
                    "L-2",
                    JSON_CT, "{\"LastName\":\"Two\",\"Company\":\"A\"}", NULL,
                    &r),
        201);
    j = body_json(&r);
    snprintf(id2, sizeof(id2), "%s", str(j, "id"));
    json_decref(j);
    assert_bodyf(&r, "{\"id\":\"%s\",\"success\":true,\"errors\":[]}", id2);
    assert_int_equal(simtest_count(c, "Lead"), 2);

    /* GET by external ID. */
    assert_int_equal(
        simtest_api(c, "GET",
                    V "/sobjects/Lead/source_lead_id__c/L-2?fields=Id", NULL,
                    NULL, NULL, &r),
        200);
    assert_bodyf(&r,
                 "{\"attributes\":{\"type\":\"Lead\",\"url\":\"" V
                 "/sobjects/Lead/%s\"},\"Id\":\"%s\"}",
                 id2, id2);

    /* Two records with one key: 300 and their URLs. */
    assert_int_equal(
        simtest_api(c, "PATCH", V "/sobjects/Lead/%s", JSON_CT, "{}", NULL, &r),
        404);
    http_result_free(&r);
    snprintf(path, sizeof(path), V "/sobjects/Lead/%s", id2);
    assert_int_equal(simtest_api(c, "PATCH", path, JSON_CT,
                                 "{\"source_lead_id__c\":\"L-1\"}", NULL, &r),
                     204);
    http_result_free(&r);
    assert_int_equal(simtest_api(c, "PATCH",
                                 V "/sobjects/Lead/source_lead_id__c/L-1",
                                 JSON_CT, "{\"FirstName\":\"Cy\"}", NULL, &r),
                     300);
    assert_bodyf(&r, "[\"" V "/sobjects/Lead/%s\",\"" V "/sobjects/Lead/%s\"]",
                 id, id2);

    /* Not an external ID field; updateOnly; Id as the key. */
    assert_int_equal(simtest_api(c, "PATCH", V "/sobjects/Lead/Email/a@b.test",
                                 JSON_CT, "{}", NULL, &r),
                     404);
    assert_body(&r, "[{\"message\":\"Provided external ID field does not "
                    "exist or is not accessible: Email\",\"errorCode\":"
                    "\"NOT_FOUND\"}]");
    assert_int_equal(
        simtest_api(c, "PATCH",
                    V "/sobjects/Lead/source_lead_id__c/L-3?updateOnly=true",
                    JSON_CT, "{\"LastName\":\"Three\",\"Company\":\"A\"}", NULL,
                    &r),
        404);
    assert_body(&r, NOT_FOUND);
    assert_int_equal(simtest_count(c, "Lead"), 2);
    snprintf(path, sizeof(path), V "/sobjects/Lead/Id/%s", id);
    assert_int_equal(simtest_api(c, "PATCH", path, JSON_CT,
                                 "{\"FirstName\":\"Di\"}", NULL, &r),
                     200);
    assert_bodyf(&r,
                 "{\"id\":\"%s\",\"success\":true,\"errors\":[],"
                 "\"created\":false}",
                 id);
    snprintf(path, sizeof(path), "/services/data/v36.0/sobjects/Lead/Id/%s",
             id);
    assert_int_equal(simtest_api(c, "PATCH", path, JSON_CT, "{}", NULL, &r),
                     404);
    assert_body(&r, "[{\"message\":\"Provided external ID field does not "
                    "exist or is not accessible: Id\",\"errorCode\":"
                    "\"NOT_FOUND\"}]");
}

/* --- queries ---------------------------------------------------------------
 */

static const char *
query_path(const char *soql, char *out, size_t n)
{
    return simtest_query_path(out, n, V "/query", soql);
}

static void
test_query(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char a[19], b[19], path[512];

    create(c, "Lead",
           "{\"FirstName\":\"Ann\",\"LastName\":\"Alpha\",\"Company\":\"A\","
           "\"Email\":\"ann@x.test\",\"NumberOfEmployees\":5}",
           a);
    create(c, "Lead",
           "{\"LastName\":\"Beta\",\"Company\":\"B\",\"Email\":\"b@x.test\"}",
           b);

    /* The indexed equality lookup; only the selected fields come back. */
    query_path("SELECT Id, Name, numberofemployees FROM Lead WHERE Email = "
               "'ANN@x.test'",
               path, sizeof(path));
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_rest_headers(&r);
    assert_bodyf(&r,
                 "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":"
                 "{\"type\":\"Lead\",\"url\":\"" V "/sobjects/Lead/%s\"},"
                 "\"Id\":\"%s\",\"Name\":\"Ann Alpha\","
                 "\"NumberOfEmployees\":5}]}",
                 a, a);
    query_path("SELECT LastName FROM Lead ORDER BY LastName DESC LIMIT 5", path,
               sizeof(path));
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_bodyf(&r,
                 "{\"totalSize\":2,\"done\":true,\"records\":["
                 "{\"attributes\":{\"type\":\"Lead\",\"url\":\"" V
                 "/sobjects/Lead/%s\"},\"LastName\":\"Beta\"},"
                 "{\"attributes\":{\"type\":\"Lead\",\"url\":\"" V
                 "/sobjects/Lead/%s\"},\"LastName\":\"Alpha\"}]}",
                 b, a);
    query_path("SELECT Id FROM Lead WHERE Id = '", path, sizeof(path));
    snprintf(path + strlen(path), sizeof(path) - strlen(path), "%.15s%%27", b);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_bodyf(&r,
                 "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":"
                 "{\"type\":\"Lead\",\"url\":\"" V "/sobjects/Lead/%s\"},"
                 "\"Id\":\"%s\"}]}",
                 b, b);
    query_path("SELECT COUNT() FROM Lead WHERE Company != 'Z'", path,
               sizeof(path));
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_body(&r, "{\"totalSize\":2,\"done\":true,\"records\":[]}");
    assert_int_equal(
        simtest_api(c, "GET",
                    "/services/data/v66.0/queryAll?q=SELECT+COUNT()+"
                    "FROM+Lead",
                    NULL, NULL, NULL, &r),
        200);
    assert_body(&r, "{\"totalSize\":2,\"done\":true,\"records\":[]}");
}

static void
test_query_errors(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char path[512];

    assert_int_equal(simtest_api(c, "GET", V "/query", NULL, NULL, NULL, &r),
                     400);
    assert_body(&r, "[{\"message\":\"A query string has to be specified\","
                    "\"errorCode\":\"MALFORMED_QUERY\"}]");
    query_path("SELECT Id FROM no_such_object", path, sizeof(path));
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 400);
    assert_body(
        &r, "[{\"message\":\"\\nSELECT Id FROM no_such_object\\n          "
            "     ^\\nERROR at Row:1:Column:16\\nsObject type "
            "'no_such_object' is not supported. If you are attempting to "
            "use a custom object, be sure to append the '__c' after the "
            "entity name. Please reference your WSDL or the describe call "
            "for the appropriate names.\",\"errorCode\":\"INVALID_TYPE\"}]");
    query_path("SELECT Idx FROM Lead", path, sizeof(path));
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 400);
    assert_body(&r,
                "[{\"message\":\"\\nSELECT Idx FROM Lead\\n       ^\\nERROR at "
                "Row:1:Column:8\\nNo such column 'Idx' on entity 'Lead'. If "
                "you are attempting to use a custom field, be sure to append "
                "the '__c' after the custom field name. Please reference your "
                "WSDL or the describe call for the appropriate names.\","
                "\"errorCode\":\"INVALID_FIELD\"}]");
    query_path("SELECT Id Lead", path, sizeof(path));
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 400);
    assert_body(&r, "[{\"message\":\"\\nSELECT Id Lead\\n          ^\\nERROR "
                    "at Row:1:Column:11\\nunexpected token: Lead\","
                    "\"errorCode\":\"MALFORMED_QUERY\"}]");
    assert_int_equal(simtest_api(c, "GET", V "/query/01g000000000001AAA-2000",
                                 NULL, NULL, NULL, &r),
                     400);
    assert_body(&r, "[{\"message\":\"invalid query locator\",\"errorCode\":"
                    "\"INVALID_QUERY_LOCATOR\"}]");
}

/* Appends the Ids of a page's records to seen; returns nextRecordsUrl. */
static char *
take_page(struct http_result *r, json_t *seen, size_t batch, int done)
{
    json_t *j = body_json(r), *rec;
    const char *next = str(j, "nextRecordsUrl");
    char *out = next ? strdup(next) : NULL;
    size_t i;

    assert_int_equal(json_integer_value(json_object_get(j, "totalSize")), 2050);
    assert_int_equal(json_is_true(json_object_get(j, "done")), done);
    assert_int_equal(json_array_size(json_object_get(j, "records")), batch);
    json_array_foreach(json_object_get(j, "records"), i, rec)
        json_object_set(seen, str(rec, "Id"), json_true());
    assert_int_equal(out == NULL, done);
    json_decref(j);
    http_result_free(r);
    return out;
}

static void
test_query_paging(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    json_t *seen = json_object();
    char body[96], id[19], *next;
    int i;

    for (i = 0; i < 2050; i++) {
        snprintf(body, sizeof(body),
                 "{\"LastName\":\"L%04d\",\"Company\":\"C\"}", i);
        create(c, "Lead", body, id);
    }
    assert_int_equal(simtest_api(c, "GET", V "/query?q=SELECT+Id+FROM+Lead",
                                 NULL, NULL, NULL, &r),
                     200);
    next = take_page(&r, seen, 2000, 0);
    assert_int_equal(strlen(next), strlen(V "/query/01g") + 15 + 5);
    assert_memory_equal(next, V "/query/01g", strlen(V "/query/01g"));
    assert_string_equal(next + strlen(next) - 5, "-2000");
    assert_int_equal(simtest_api(c, "GET", next, NULL, NULL, NULL, &r), 200);
    assert_rest_headers(&r);
    assert_null(take_page(&r, seen, 50, 1));
    assert_int_equal(json_object_size(seen), 2050);
    /* Released after its last page. */
    assert_int_equal(simtest_api(c, "GET", next, NULL, NULL, NULL, &r), 400);
    assert_body(&r, "[{\"message\":\"invalid query locator\",\"errorCode\":"
                    "\"INVALID_QUERY_LOCATOR\"}]");
    free(next);

    /* batchSize, and expiry after 15 idle minutes. */
    assert_int_equal(
        simtest_api(
            c, "GET", V "/query?q=SELECT+Id+FROM+Lead", NULL, NULL,
            (const char *const[]){"Sforce-Query-Options: batchSize=500", NULL},
            &r),
        200);
    next = take_page(&r, seen, 500, 0);
    assert_string_equal(next + strlen(next) - 4, "-500");
    simtest_advance(c, 14 * 60);
    assert_int_equal(simtest_api(c, "GET", next, NULL, NULL, NULL, &r), 200);
    free(next);
    next = take_page(&r, seen, 500, 0);
    assert_string_equal(next + strlen(next) - 5, "-1000");
    simtest_advance(c, 15 * 60);
    assert_int_equal(simtest_api(c, "GET", next, NULL, NULL, NULL, &r), 400);
    assert_body(&r, "[{\"message\":\"invalid query locator\",\"errorCode\":"
                    "\"INVALID_QUERY_LOCATOR\"}]");
    free(next);
    json_decref(seen);
}

/* --- limits ----------------------------------------------------------------
 */

static void
test_limits(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char id[19], hdr[64], want[64];
    json_t *j, *api;

    create(c, "Lead", "{\"LastName\":\"X\",\"Company\":\"Y\"}", id);
    create(c, "Account", "{\"Name\":\"Acme\"}", id);
    assert_int_equal(simtest_api(c, "GET", V "/limits", NULL, NULL, NULL, &r),
                     200);
    assert_rest_headers(&r);
    j = body_json(&r);
    api = json_object_get(j, "DailyApiRequests");
    assert_json_equal(api, "{\"Max\":110000,\"Remaining\":109997}");
    snprintf(want, sizeof(want), "api-usage=3/110000");
    assert_string_equal(http_header(&r, "Sforce-Limit-Info", hdr, sizeof(hdr)),
                        want);
    assert_json_equal(json_object_get(j, "DataStorageMB"),
                      "{\"Max\":10440,\"Remaining\":10439}");
    assert_json_equal(json_object_get(j, "SingleEmail"),
                      "{\"Max\":5000,\"Remaining\":5000}");
    json_decref(j);
    http_result_free(&r);
    assert_int_equal(
        simtest_api(c, "GET",
                    V "/limits/recordCount?sObjects=Lead,Nope,Account", NULL,
                    NULL, NULL, &r),
        200);
    assert_body(&r, "{\"sObjects\":[{\"count\":1,\"name\":\"Lead\"},"
                    "{\"count\":1,\"name\":\"Account\"}]}");
    assert_int_equal(
        simtest_api(c, "GET", V "/limits/recordCount", NULL, NULL, NULL, &r),
        200);
    assert_body(&r, "{\"sObjects\":[{\"count\":1,\"name\":\"Lead\"},"
                    "{\"count\":0,\"name\":\"Contact\"},"
                    "{\"count\":1,\"name\":\"Account\"},"
                    "{\"count\":1,\"name\":\"User\"},"
                    "{\"count\":2,\"name\":\"Profile\"},"
                    "{\"count\":1,\"name\":\"Organization\"},"
                    "{\"count\":0,\"name\":\"Opportunity\"},"
                    "{\"count\":0,\"name\":\"Task\"},"
                    "{\"count\":0,\"name\":\"Event\"},"
                    "{\"count\":0,\"name\":\"Campaign\"},"
                    "{\"count\":0,\"name\":\"CampaignMember\"},"
                    "{\"count\":0,\"name\":\"Case\"},"
                    "{\"count\":0,\"name\":\"RecordType\"},"
                    "{\"count\":4,\"name\":\"LeadStatus\"}]}");
}

/* --- Person Accounts -------------------------------------------------------
 */

static void
test_person_accounts(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char id[19], path[160], contact[19];
    json_t *j;

    create(c, "Account",
           "{\"FirstName\":\"Jane\",\"LastName\":\"Doe\",\"PersonEmail\":"
           "\"jane@x.test\"}",
           id);
    snprintf(path, sizeof(path),
             V "/sobjects/Account/%s?fields=Name,IsPersonAccount,"
               "RecordTypeId,PersonContactId",
             id);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    j = body_json(&r);
    http_result_free(&r);
    assert_fields(j, "{\"Name\":\"Jane Doe\",\"IsPersonAccount\":true,"
                     "\"RecordTypeId\":\"012000000000PERAA2\"}");
    snprintf(contact, sizeof(contact), "%s", str(j, "PersonContactId"));
    json_decref(j);
    assert_memory_equal(contact, "003", 3);
    snprintf(path, sizeof(path),
             V "/sobjects/Contact/%s?fields=Name,Email,AccountId", contact);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_bodyf(&r,
                 "{\"attributes\":{\"type\":\"Contact\",\"url\":\"" V
                 "/sobjects/Contact/%s\"},\"Name\":\"Jane Doe\",\"Email\":"
                 "\"jane@x.test\",\"AccountId\":\"%s\",\"Id\":\"%s\"}",
                 contact, id, contact);

    /* Updates keep the Name and the hidden Contact in step. */
    snprintf(path, sizeof(path), V "/sobjects/Account/%s", id);
    assert_int_equal(simtest_api(c, "PATCH", path, JSON_CT,
                                 "{\"LastName\":\"Roe\",\"PersonEmail\":null}",
                                 NULL, &r),
                     204);
    http_result_free(&r);
    assert_int_equal(
        simtest_api(c, "PATCH", path, JSON_CT, "{\"Name\":\"X\"}", NULL, &r),
        400);
    assert_body(&r, "[{\"message\":\"Account: bad field names on "
                    "insert/update call: Name\",\"errorCode\":"
                    "\"INVALID_FIELD_FOR_INSERT_UPDATE\",\"fields\":"
                    "[\"Name\"]}]");
    snprintf(path, sizeof(path),
             V "/query?q=SELECT+Name,Email+FROM+Contact+WHERE+AccountId+%%3D+"
               "%%27%.15s%%27",
             id);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_bodyf(&r,
                 "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":"
                 "{\"type\":\"Contact\",\"url\":\"" V
                 "/sobjects/Contact/%s\"},\"Name\":\"Jane Roe\","
                 "\"Email\":null}]}",
                 contact);

    /* Deleting the account deletes its Contact. */
    snprintf(path, sizeof(path), V "/sobjects/Account/%s", id);
    assert_int_equal(simtest_api(c, "DELETE", path, NULL, NULL, NULL, &r), 204);
    http_result_free(&r);
    assert_int_equal(simtest_count(c, "Contact"), 0);
}

static const struct bad_write bad_accounts[] = {
    {"POST", V "/sobjects/Account/", JSON_CT,
     "{\"Name\":\"Acme\",\"LastName\":\"X\",\"PersonEmail\":\"a@b.test\"}", 400,
     "[{\"message\":\"Account: bad field names on insert/update call: "
     "LastName, PersonEmail\",\"errorCode\":\"INVALID_FIELD_FOR_INSERT_"
     "UPDATE\",\"fields\":[\"LastName\",\"PersonEmail\"]}]"},
    {"POST", V "/sobjects/Account/", JSON_CT,
     "{\"RecordTypeId\":\"012000000000PERAA2\",\"Name\":\"Acme\","
     "\"LastName\":\"X\"}",
     400,
     "[{\"message\":\"Unable to create/update fields: Name. Please check the "
     "security settings of this field and verify that it is read/write for "
     "your profile or permission set.\",\"errorCode\":\"INVALID_FIELD_FOR_"
     "INSERT_UPDATE\",\"fields\":[\"Name\"]}]"},
    {"POST", V "/sobjects/Account/", JSON_CT,
     "{\"RecordTypeId\":\"012000000000PER\",\"FirstName\":\"X\"}", 400,
     "[{\"message\":\"Required fields are missing: [LastName]\",\"errorCode\":"
     "\"REQUIRED_FIELD_MISSING\",\"fields\":[\"LastName\"]}]"},
    {"POST", V "/sobjects/Account/", JSON_CT,
     "{\"RecordTypeId\":\"012000000000XYZ\",\"Name\":\"A\"}", 400,
     "[{\"message\":\"Record Type ID: this ID value isn't valid for the user: "
     "012000000000XYZ\",\"errorCode\":\"INVALID_CROSS_REFERENCE_KEY\","
     "\"fields\":[\"RecordTypeId\"]}]"},
    {"POST", V "/sobjects/Account/", JSON_CT, "{\"Phone\":\"1\"}", 400,
     "[{\"message\":\"Required fields are missing: [Name]\",\"errorCode\":"
     "\"REQUIRED_FIELD_MISSING\",\"fields\":[\"Name\"]}]"},
};

static void
test_person_account_errors(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char id[19], path[128];
    json_t *j, *rt;
    size_t i;

    for (i = 0; i < sizeof(bad_accounts) / sizeof(bad_accounts[0]); i++) {
        assert_int_equal(
            simtest_api(c, bad_accounts[i].method, bad_accounts[i].path,
                        bad_accounts[i].ctype, bad_accounts[i].body, NULL, &r),
            bad_accounts[i].status);
        assert_body(&r, bad_accounts[i].expected);
    }
    assert_int_equal(simtest_count(c, "Account"), 0);
    /* A business account: Name, business record type, not a person. */
    create(c, "Account", "{\"Name\":\"Acme\"}", id);
    snprintf(path, sizeof(path),
             V "/sobjects/Account/%s?fields=IsPersonAccount,RecordTypeId,"
               "PersonContactId",
             id);
    assert_int_equal(simtest_api(c, "GET", path, NULL, NULL, NULL, &r), 200);
    assert_bodyf(&r,
                 "{\"attributes\":{\"type\":\"Account\",\"url\":\"" V
                 "/sobjects/Account/%s\"},\"IsPersonAccount\":false,"
                 "\"RecordTypeId\":\"012000000000BUSAA2\",\"PersonContactId\":"
                 "null,\"Id\":\"%s\"}",
                 id, id);
    /* The record types are discoverable through describe. */
    assert_int_equal(simtest_api(c, "GET", V "/sobjects/Account/describe", NULL,
                                 NULL, NULL, &r),
                     200);
    j = body_json(&r);
    http_result_free(&r);
    rt = json_object_get(j, "recordTypeInfos");
    assert_int_equal(json_array_size(rt), 3);
    assert_fields(json_array_get(rt, 1),
                  "{\"developerName\":\"PersonAccount\",\"recordTypeId\":"
                  "\"012000000000PERAA2\",\"master\":false}");
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resources_and_versions,
                                        start_default, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_crud, start_default,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_write_errors, start_default,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_update_errors, start_default,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_describe, start_default,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_describe_custom, start_custom,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_upsert, start_custom,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_query, start_default,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_query_errors, start_default,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_query_paging, start_default,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_limits, start_default,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_person_accounts, start_person,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_person_account_errors,
                                        start_person, simtest_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
