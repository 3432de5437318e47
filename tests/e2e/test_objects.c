/*
 * test_objects.c - what the Salesforce CLI and sync clients read, end to
 * end on the real sfsim: the org's own User, Profile and Organization
 * records, deleted records and the recycle bin (queryAll, IsDeleted, the
 * 15 days), ?columns=true, a leading "//", the session checked before
 * routing, SOSL search and parameterizedSearch, and sobjects/X/updated
 * and deleted. Answers are compared whole where Salesforce's shape is
 * known.
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

#define V "/services/data/v66.0"
#define NOT_FOUND                                                              \
    "[{\"message\":\"The requested resource does not exist\","                 \
    "\"errorCode\":\"NOT_FOUND\"}]"
#define IS_DELETED                                                             \
    "[{\"message\":\"entity is deleted\",\"errorCode\":"                       \
    "\"ENTITY_IS_DELETED\",\"fields\":[]}]"
#define BAD_SESSION                                                            \
    "[{\"message\":\"Session expired or invalid\",\"errorCode\":"              \
    "\"INVALID_SESSION_ID\"}]"
#define DAY 86400.0

static int
start_sandbox(void **state)
{
    return simtest_setup_org_session(state, "orgs/sandbox.json");
}

static int
start_custom(void **state)
{
    return simtest_setup_org_session(state, "orgs/custom-fields.json");
}

/* One call with the session's token (token NULL: none). */
static long
call(struct simtest *c, const char *method, const char *path, const char *body,
     const char *token, struct http_result *r)
{
    char auth[256];
    const char *headers[] = {auth, NULL};

    snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
             token != NULL ? token : "");
    assert_int_equal(httpc_request(c->http, method, path,
                                   body ? "application/json" : NULL, body,
                                   body ? strlen(body) : 0,
                                   token != NULL ? headers : NULL, r),
                     0);
    return r->status;
}

/* A call answering status with the whole body want (NULL: any body). */
static void
expect(struct simtest *c, const char *method, const char *path,
       const char *body, long status, const char *want)
{
    struct http_result r;
    json_t *got,
        *exp = json_loads(want != NULL ? want : "null", JSON_DECODE_ANY, NULL);

    assert_non_null(exp);
    call(c, method, path, body, c->access_token, &r);
    got = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
    if (r.body_len == 0)
        got = json_null();
    if (r.status != status ||
        (want != NULL && (got == NULL || !json_equal(got, exp)))) {
        fprintf(stderr, "%s %s\nexpected: %ld %s\n     got: %ld %s\n", method,
                path, status, want, r.status, r.body);
        fail();
    }
    json_decref(got);
    json_decref(exp);
    http_result_free(&r);
}

/* The answer to a GET, parsed (new reference), with status 200. */
static json_t *
get_json(struct simtest *c, const char *path)
{
    struct http_result r;
    json_t *j;

    if (call(c, "GET", path, NULL, c->access_token, &r) != 200)
        fail_msg("GET %s: %ld %s", path, r.status, r.body);
    j = json_loadb(r.body, r.body_len, 0, NULL);
    http_result_free(&r);
    assert_non_null(j);
    return j;
}

/* path with q URL-encoded after "?q=" (and extra appended), into out. */
static const char *
with_q(char *out, size_t n, const char *path, const char *q, const char *extra)
{
    size_t used;

    simtest_query_path(out, n, path, q);
    used = strlen(out);
    snprintf(out + used, n - used, "%s", extra != NULL ? extra : "");
    return out;
}

/* Creates a record of object from a JSON body; its 18-char id into id. */
static void
create(struct simtest *c, const char *object, const char *body, char id[19])
{
    struct http_result r;
    char path[128];
    json_t *j;

    snprintf(path, sizeof(path), V "/sobjects/%s", object);
    if (call(c, "POST", path, body, c->access_token, &r) != 201)
        fail_msg("create %s: %ld %s", object, r.status, r.body);
    j = json_loadb(r.body, r.body_len, 0, NULL);
    snprintf(id, 19, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    http_result_free(&r);
}

static const char *
str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    if (s == NULL)
        fail_msg("no string \"%s\"", key);
    return s;
}

/* --- the org's own records -------------------------------------------------
 */

static void
test_user_profile_organization(void **state)
{
    struct simtest *c = *state;
    char path[512];
    json_t *j, *rec, *want;

    /* What `sf org login access-token` reads (facts 6.1). */
    j = get_json(c, "/services/data/v51.0/sobjects/User/0055e000001AbCdAAK");
    assert_string_equal(str(j, "Username"), "admin@acme.sandbox");
    assert_string_equal(str(j, "Name"), "Ada Admin");
    assert_string_equal(str(j, "Email"), "ada@acme.test");
    assert_string_equal(str(j, "Alias"), "aadmi");
    assert_string_equal(str(j, "ProfileId"), "00e000000000001AAA");
    assert_true(json_is_true(json_object_get(j, "IsActive")));
    json_decref(j);
    /* The CLI's Organization query, exactly (facts 6.1). */
    j = get_json(c, with_q(path, sizeof(path), V "/query",
                           "SELECT Name, InstanceName, IsSandbox, "
                           "TrialExpirationDate, NamespacePrefix, "
                           "OrganizationType FROM Organization",
                           NULL));
    assert_int_equal(json_integer_value(json_object_get(j, "totalSize")), 1);
    rec = json_array_get(json_object_get(j, "records"), 0);
    json_object_del(rec, "attributes");
    want =
        json_pack("{s:s, s:s, s:b, s:s, s:n, s:s}", "Name", "Acme Sandbox",
                  "InstanceName", "CS42", "IsSandbox", 1, "TrialExpirationDate",
                  "2026-09-01T00:00:00.000+0000", "NamespacePrefix",
                  "OrganizationType", "Developer Edition");
    assert_true(json_equal(rec, want));
    json_decref(want);
    json_decref(j);
    /* Profiles: the two every org has, then the users' others. */
    expect(c, "GET",
           with_q(path, sizeof(path), V "/query",
                  "SELECT Id, Name FROM Profile ORDER BY Name", NULL),
           NULL, 200,
           "{\"totalSize\":3,\"done\":true,\"records\":["
           "{\"attributes\":{\"type\":\"Profile\",\"url\":\"" V
           "/sobjects/Profile/00e000000000003AAA\"},"
           "\"Id\":\"00e000000000003AAA\",\"Name\":\"Integration User\"},"
           "{\"attributes\":{\"type\":\"Profile\",\"url\":\"" V
           "/sobjects/Profile/00e000000000002AAA\"},"
           "\"Id\":\"00e000000000002AAA\",\"Name\":\"Standard User\"},"
           "{\"attributes\":{\"type\":\"Profile\",\"url\":\"" V
           "/sobjects/Profile/00e000000000001AAA\"},"
           "\"Id\":\"00e000000000001AAA\",\"Name\":\"System "
           "Administrator\"}]}");
    expect(c, "GET",
           with_q(path, sizeof(path), V "/query",
                  "SELECT Username FROM User WHERE ProfileId = "
                  "'00e000000000003AAA'",
                  NULL),
           NULL, 200,
           "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{"
           "\"type\":\"User\",\"url\":\"" V
           "/sobjects/User/0055e000001AbCeAAK\"},"
           "\"Username\":\"sync@acme.sandbox\"}]}");
    /* Read-only to the API, and described so. */
    expect(c, "POST", V "/sobjects/User", "{\"LastName\":\"X\"}", 400,
           "[{\"message\":\"entity type cannot be inserted: User\","
           "\"errorCode\":\"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY\"}]");
    expect(c, "DELETE", V "/sobjects/Organization/00D5e000000SbXA", NULL, 400,
           "[{\"message\":\"entity type cannot be deleted: Organization\","
           "\"errorCode\":\"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY\"}]");
    /* The batch calls too: each record refused, nothing written. */
    expect(c, "POST", V "/composite/sobjects",
           "{\"records\":[{\"attributes\":{\"type\":\"Profile\"},"
           "\"Name\":\"P\"}]}",
           200,
           "[{\"success\":false,\"errors\":[{\"statusCode\":"
           "\"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY\",\"message\":"
           "\"entity type cannot be inserted: Profile\",\"fields\":[]}]}]");
    expect(c, "PATCH", V "/composite/sobjects",
           "{\"records\":[{\"attributes\":{\"type\":\"User\"},"
           "\"id\":\"0055e000001AbCeAAK\",\"LastName\":\"Y\"}]}",
           200,
           "[{\"success\":false,\"errors\":[{\"statusCode\":"
           "\"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY\",\"message\":"
           "\"entity type cannot be updated: User\",\"fields\":[]}]}]");
    expect(c, "DELETE", V "/composite/sobjects?ids=0055e000001AbCeAAK", NULL,
           200,
           "[{\"id\":\"0055e000001AbCeAAK\",\"success\":false,\"errors\":"
           "[{\"statusCode\":\"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY\","
           "\"message\":\"entity type cannot be deleted: User\","
           "\"fields\":[]}]}]");
    j = get_json(c, V "/sobjects/User/0055e000001AbCeAAK");
    assert_string_equal(str(j, "LastName"), "Integration");
    json_decref(j);
    j = get_json(c, V "/sobjects/User");
    rec = json_object_get(j, "objectDescribe");
    assert_string_equal(str(rec, "keyPrefix"), "005");
    assert_true(json_is_false(json_object_get(rec, "createable")));
    assert_true(json_is_true(json_object_get(rec, "searchable")));
    json_decref(j);
    j = get_json(c, V "/sobjects/Organization/describe");
    assert_true(json_is_false(json_object_get(j, "deletable")));
    json_decref(j);
}

/* --- deleted records and the recycle bin -----------------------------------
 */

static void
test_deleted_records(void **state)
{
    struct simtest *c = *state;
    char id[19], path[512], again[19];
    struct http_result r;
    json_t *j;

    create(c, "Lead",
           "{\"LastName\":\"Gone\",\"Company\":\"X\",\"Email\":"
           "\"gone@x.test\",\"source_lead_id__c\":\"ext-1\"}",
           id);
    snprintf(path, sizeof(path), V "/sobjects/Lead/%s", id);
    expect(c, "DELETE", path, NULL, 204, "null");
    /* As Salesforce answers (facts 7.1, 7.2; README fidelity notes). */
    expect(c, "GET", path, NULL, 404, NOT_FOUND);
    expect(c, "PATCH", path, "{\"LastName\":\"Back\"}", 404, IS_DELETED);
    expect(c, "DELETE", path, NULL, 404, IS_DELETED);
    expect(c, "GET",
           with_q(path, sizeof(path), V "/query",
                  "SELECT Id FROM Lead WHERE Email = 'gone@x.test'", NULL),
           NULL, 200, "{\"totalSize\":0,\"done\":true,\"records\":[]}");
    /* queryAll sees it, through the index path and the scan alike. */
    j = get_json(c, with_q(path, sizeof(path), V "/queryAll",
                           "SELECT Id, IsDeleted FROM Lead WHERE Email = "
                           "'gone@x.test'",
                           NULL));
    assert_int_equal(json_integer_value(json_object_get(j, "totalSize")), 1);
    assert_true(json_is_true(json_object_get(
        json_array_get(json_object_get(j, "records"), 0), "IsDeleted")));
    json_decref(j);
    j = get_json(c, with_q(path, sizeof(path), V "/queryAll",
                           "SELECT Id FROM Lead WHERE IsDeleted = true", NULL));
    assert_int_equal(json_integer_value(json_object_get(j, "totalSize")), 1);
    json_decref(j);
    /* A deleted record holds no external id: the upsert creates anew. */
    create(c, "Lead", "{\"LastName\":\"New\",\"Company\":\"X\"}", again);
    snprintf(path, sizeof(path), V "/sobjects/Lead/source_lead_id__c/ext-1");
    assert_int_equal(call(c, "PATCH", path,
                          "{\"LastName\":\"Other\",\"Company\":\"Y\"}",
                          c->access_token, &r),
                     201);
    http_result_free(&r);
    /* 15 days later the bin is empty. */
    simtest_advance(c, 15 * DAY + 1);
    simtest_login(c, NULL);
    j = get_json(c, with_q(path, sizeof(path), V "/queryAll",
                           "SELECT Id FROM Lead WHERE IsDeleted = true", NULL));
    assert_int_equal(json_integer_value(json_object_get(j, "totalSize")), 0);
    json_decref(j);
    snprintf(path, sizeof(path), V "/sobjects/Lead/%s", id);
    expect(c, "DELETE", path, NULL, 404, NOT_FOUND);
}

/* --- columns, //, the session before routing ---------------------------------
 */

static void
test_columns(void **state)
{
    struct simtest *c = *state;
    char path[512];

    expect(c, "GET",
           with_q(path, sizeof(path), V "/query",
                  "SELECT Id, Name, NumberOfEmployees, has_attorney__c FROM "
                  "Lead",
                  "&columns=true"),
           NULL, 200,
           "{\"columnMetadata\":["
           "{\"aggregate\":false,\"apexType\":\"Id\",\"booleanType\":false,"
           "\"columnName\":\"Id\",\"custom\":false,\"displayName\":\"Id\","
           "\"foreignKeyName\":null,\"insertable\":false,\"joinColumns\":[],"
           "\"numberType\":false,\"textType\":false,\"updatable\":false},"
           "{\"aggregate\":false,\"apexType\":\"String\",\"booleanType\":"
           "false,\"columnName\":\"Name\",\"custom\":false,\"displayName\":"
           "\"Name\",\"foreignKeyName\":null,\"insertable\":false,"
           "\"joinColumns\":[],\"numberType\":false,\"textType\":true,"
           "\"updatable\":false},"
           "{\"aggregate\":false,\"apexType\":\"Integer\",\"booleanType\":"
           "false,\"columnName\":\"NumberOfEmployees\",\"custom\":false,"
           "\"displayName\":\"NumberOfEmployees\",\"foreignKeyName\":null,"
           "\"insertable\":true,\"joinColumns\":[],\"numberType\":true,"
           "\"textType\":false,\"updatable\":true},"
           "{\"aggregate\":false,\"apexType\":\"Boolean\",\"booleanType\":"
           "true,\"columnName\":\"has_attorney__c\",\"custom\":true,"
           "\"displayName\":\"has_attorney__c\",\"foreignKeyName\":null,"
           "\"insertable\":true,\"joinColumns\":[],\"numberType\":false,"
           "\"textType\":false,\"updatable\":true}],"
           "\"entityName\":\"Lead\",\"groupBy\":false,\"idSelected\":true,"
           "\"keyPrefix\":\"00Q\"}");
    expect(c, "GET",
           with_q(path, sizeof(path), V "/query", "SELECT COUNT() FROM Contact",
                  "&columns=true"),
           NULL, 200,
           "{\"columnMetadata\":[],\"entityName\":\"Contact\",\"groupBy\":"
           "false,\"idSelected\":false,\"keyPrefix\":\"003\"}");
}

static void
test_double_slash_and_session_first(void **state)
{
    struct simtest *c = *state;
    struct http_result r;
    char old[SIMTEST_TOKEN_MAX];

    /* A client whose instance URL ends in "/" (facts 6.3): served; an
     * interior "//" is not. */
    assert_int_equal(call(c, "GET",
                          "//services/data/v66.0/sobjects/User/"
                          "005000000000001",
                          NULL, c->access_token, &r),
                     200);
    http_result_free(&r);
    expect(c, "GET", "/services/data/v66.0//sobjects/User/005000000000001",
           NULL, 404, NOT_FOUND);
    /* Under /services/data/, the session first: no token, an expired or
     * unknown one all get 401 where a valid one gets 404. */
    assert_int_equal(call(c, "GET", V "/nothing/here", NULL, NULL, &r), 401);
    assert_string_equal(r.body, BAD_SESSION);
    http_result_free(&r);
    assert_int_equal(call(c, "GET", V "/nothing", NULL, "bogus", &r), 401);
    http_result_free(&r);
    assert_int_equal(
        call(c, "DELETE", "/services/data/v99.0/x", NULL, NULL, &r), 401);
    http_result_free(&r);
    expect(c, "GET", V "/nothing/here", NULL, 404, NOT_FOUND);
    snprintf(old, sizeof(old), "%s", c->access_token);
    simtest_login(c, NULL);
    simtest_advance(c, 7200 + 1);
    assert_int_equal(call(c, "GET", V "/nothing", NULL, old, &r), 401);
    http_result_free(&r);
    /* Outside /services/data/ (and for the version list) nothing changes. */
    assert_int_equal(call(c, "GET", "/services/nothing", NULL, NULL, &r), 404);
    http_result_free(&r);
    assert_int_equal(call(c, "GET", "/services/data/", NULL, NULL, &r), 200);
    http_result_free(&r);
}

/* --- SOSL ------------------------------------------------------------------
 */

static void
three_leads(struct simtest *c)
{
    char id[19];

    create(c, "Lead",
           "{\"FirstName\":\"Ada\",\"LastName\":\"Lovelace\",\"Company\":"
           "\"Analytical\",\"Email\":\"ada@example.com\",\"Phone\":"
           "\"(555) 123-4567\"}",
           id);
    create(c, "Lead",
           "{\"FirstName\":\"Grace\",\"LastName\":\"Hopper\",\"Company\":"
           "\"Navy\",\"Email\":\"grace@navy.test\",\"Phone\":"
           "\"555.987.6543\"}",
           id);
    create(c, "Contact",
           "{\"FirstName\":\"Ada\",\"LastName\":\"Byron\",\"Email\":"
           "\"ada@example.com\"}",
           id);
}

/* The Name of each search record (comma-separated) of the answer to the
 * search of sosl at version v ("66.0"). */
static const char *
search_names(struct simtest *c, const char *v, const char *sosl, char *out,
             size_t n)
{
    char path[512], base[64];
    json_t *j, *recs, *r;
    size_t i, used = 0;

    snprintf(base, sizeof(base), "/services/data/v%s/search", v);
    j = get_json(c, with_q(path, sizeof(path), base, sosl, NULL));
    recs = json_is_array(j) ? j : json_object_get(j, "searchRecords");
    assert_non_null(recs);
    out[0] = '\0';
    json_array_foreach(recs, i, r) {
        used +=
            (size_t)snprintf(out + used, n - used, "%s%s/%s", i ? "," : "",
                             str(json_object_get(r, "attributes"), "type"),
                             json_string_value(json_object_get(r, "Name"))
                                 ? json_string_value(json_object_get(r, "Name"))
                                 : "-");
    }
    json_decref(j);
    return out;
}

static void
test_search(void **state)
{
    struct simtest *c = *state;
    char names[512], path[512];

    three_leads(c);
    assert_string_equal(
        search_names(c, "66.0",
                     "FIND {ada@example.com} IN EMAIL FIELDS RETURNING "
                     "Lead(Name), Contact(Name)",
                     names, sizeof(names)),
        "Lead/Ada Lovelace,Contact/Ada Byron");
    assert_string_equal(search_names(c, "66.0",
                                     "FIND {5559876543} IN PHONE FIELDS "
                                     "RETURNING Lead(Name)",
                                     names, sizeof(names)),
                        "Lead/Grace Hopper");
    assert_string_equal(
        search_names(c, "66.0",
                     "FIND {ada OR hopper} RETURNING Lead(Name ORDER BY "
                     "Name DESC), Contact(Name WHERE LastName = 'Nobody')",
                     names, sizeof(names)),
        "Lead/Grace Hopper,Lead/Ada Lovelace");
    assert_string_equal(search_names(c, "66.0",
                                     "FIND {ada} RETURNING Lead(Name), "
                                     "Contact(Name) LIMIT 1",
                                     names, sizeof(names)),
                        "Lead/Ada Lovelace");
    /* No RETURNING: every searchable object, Ids only; v35: a bare array. */
    assert_string_equal(
        search_names(c, "35.0", "FIND {ada}", names, sizeof(names)),
        "Lead/-,Contact/-");
    expect(c, "GET",
           with_q(path, sizeof(path), V "/search", "FIND {Marie-Pier Martin}",
                  NULL),
           NULL, 400,
           "[{\"message\":\"\\nFIND {Marie-Pier Martin}\\n          "
           "^\\nERROR at Row:1:Column:11\\nline 1:11 mismatched character "
           "'-' expecting '}'\",\"errorCode\":\"MALFORMED_SEARCH\"}]");
    expect(c, "GET", with_q(path, sizeof(path), V "/search", "FIND {a}", NULL),
           NULL, 400,
           "[{\"message\":\"search term must be longer than one "
           "character\",\"errorCode\":\"INVALID_SEARCH\"}]");
    expect(c, "GET",
           with_q(path, sizeof(path), V "/search",
                  "FIND {ada} RETURNING Organization", NULL),
           NULL, 400,
           "[{\"message\":\"entity type Organization does not support "
           "search\",\"errorCode\":\"INVALID_TYPE\"}]");
}

static void
test_parameterized_search(void **state)
{
    struct simtest *c = *state;
    char path[512];
    json_t *j;

    three_leads(c);
    j = get_json(c, with_q(path, sizeof(path), V "/parameterizedSearch",
                           "ada@example.com",
                           "&sobject=Lead&Lead.fields=Name,Email"));
    assert_int_equal(json_array_size(json_object_get(j, "searchRecords")), 1);
    assert_string_equal(
        str(json_array_get(json_object_get(j, "searchRecords"), 0), "Email"),
        "ada@example.com");
    json_decref(j);
    expect(c, "POST", V "/parameterizedSearch",
           "{\"q\":\"hopper\",\"in\":\"NAME\",\"sobjects\":[{\"name\":"
           "\"Lead\",\"fields\":[\"Company\"],\"limit\":5}]}",
           200, NULL);
}

/* --- updated/ and deleted/ ---------------------------------------------------
 */

static void
test_updated_and_deleted(void **state)
{
    struct simtest *c = *state;
    char a[19], b[19], path[512], want[1024];

    /* The clock stands at 2026-01-05T09:00:00Z. */
    create(c, "Lead", "{\"LastName\":\"A\",\"Company\":\"X\"}", a);
    create(c, "Lead", "{\"LastName\":\"B\",\"Company\":\"X\"}", b);
    simtest_advance(c, 120);
    snprintf(path, sizeof(path), V "/sobjects/Lead/%s", b);
    expect(c, "DELETE", path, NULL, 204, "null");
    simtest_advance(c, 90);
    snprintf(want, sizeof(want),
             "{\"ids\":[\"%s\"],\"latestDateCovered\":"
             "\"2026-01-05T09:03:00.000+0000\"}",
             a);
    expect(c, "GET",
           V "/sobjects/Lead/updated?start=2026-01-05T08:00:00Z&end="
             "2026-01-06T00:00:00%2B00:00",
           NULL, 200, want);
    snprintf(want, sizeof(want),
             "{\"deletedRecords\":[{\"id\":\"%s\",\"deletedDate\":"
             "\"2026-01-05T09:02:00.000+0000\"}],\"earliestDateAvailable\":"
             "\"2026-01-05T09:00:00.000+0000\",\"latestDateCovered\":"
             "\"2026-01-05T09:03:00.000+0000\"}",
             b);
    /* An unescaped '+' arrives as a space: read as the '+' it was. */
    expect(c, "GET",
           V "/sobjects/Lead/deleted?start=2026-01-05T08:00:00+00:00&end="
             "2026-01-06T00:00:00Z",
           NULL, 200, want);
    expect(c, "GET",
           V "/sobjects/Lead/deleted?start=2026-01-05T08:00:00Z&end="
             "2026-01-05T08:00:59Z",
           NULL, 400,
           "[{\"message\":\"startDate must chronologically precede endDate "
           "by more than one minute\",\"errorCode\":"
           "\"INVALID_REPLICATION_DATE\"}]");
    expect(c, "GET",
           V "/sobjects/Lead/updated?start=2025-11-01T08:00:00Z&end="
             "2026-01-05T08:00:59Z",
           NULL, 400,
           "[{\"message\":\"startDate cannot be more than 30 days ago\","
           "\"errorCode\":\"INVALID_REPLICATION_DATE\"}]");
    expect(c, "GET",
           V "/sobjects/Organization/updated?start=2026-01-05T08:00:00Z&end="
             "2026-01-06T00:00:00Z",
           NULL, 400,
           "[{\"message\":\"sObject type Organization is not replicable\","
           "\"errorCode\":\"INVALID_TYPE\"}]");
    expect(c, "GET", V "/sobjects/Lead/updated?end=2026-01-06T00:00:00Z", NULL,
           400,
           "[{\"message\":\"Missing required parameter: start\","
           "\"errorCode\":\"MISSING_ARGUMENT\"}]");
    /* Bytes that are not UTF-8, echoed: U+FFFD, not an empty answer. */
    expect(c, "GET",
           V "/sobjects/Lead/updated?start=%FF&end=2026-01-06T00:00:00Z", NULL,
           400,
           "[{\"message\":\"start: '\\ufffd' is not a valid ISO 8601 "
           "date-time\",\"errorCode\":\"INVALID_REPLICATION_DATE\"}]");
    /* Once the bin is purged past start, those deletions are gone. */
    simtest_advance(c, 15 * DAY);
    simtest_login(c, NULL);
    expect(c, "GET",
           V "/sobjects/Lead/deleted?start=2026-01-05T08:00:00Z&end="
             "2026-01-21T00:00:00Z",
           NULL, 400,
           "[{\"message\":\"startDate is before earliestDateAvailable\","
           "\"errorCode\":\"INVALID_REPLICATION_DATE\"}]");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_user_profile_organization,
                                        start_sandbox, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_deleted_records, start_custom,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_columns, start_custom,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_double_slash_and_session_first,
                                        start_custom, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_search, start_custom,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_parameterized_search, start_custom,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_updated_and_deleted, start_custom,
                                        simtest_teardown),
    };

    return cmocka_run_group_tests_name("e2e_objects", tests, NULL, NULL);
}
