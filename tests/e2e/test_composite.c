/*
 * test_composite.c - Composite and sObject Tree end to end (facts section
 * 2): subrequests through the real route table with references between
 * them, allOrNone both ways (the rollback checked in the stored records),
 * PROCESSING_HALTED, the request's shape refused whole, one API call per
 * request, one journal entry per subrequest with its records under it, a
 * fault aimed at one subrequest; record trees created all or nothing.
 * Answers are compared whole. The org is fixtures/orgs/law-firm.json
 * (every Lead needs a 10-digit Phone).
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
#define COMPOSITE V "/composite"
#define TREE V "/composite/tree/Account"
#define HALTED_ROLLBACK                                                        \
    "[{\"errorCode\":\"PROCESSING_HALTED\",\"message\":\"The transaction was " \
    "rolled back since another operation in the same transaction "             \
    "failed.\"}]"
#define PHONE_ERROR                                                            \
    "[{\"message\":\"Please enter a 10-digit phone number, e.g. (555) "        \
    "123-4567.\",\"errorCode\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\","         \
    "\"fields\":[\"Phone\"]}]"
/* A subrequest creating an Account named name, as referenceId ref. */
#define NEW_ACCOUNT(ref, name)                                                 \
    "{\"method\":\"POST\",\"url\":\"" V "/sobjects/Account\","                 \
    "\"referenceId\":\"" ref "\",\"body\":{\"Name\":\"" name "\"}}"
#define BAD_LEAD(ref)                                                          \
    "{\"method\":\"POST\",\"url\":\"" V "/sobjects/Lead\","                    \
    "\"referenceId\":\"" ref "\",\"body\":{\"LastName\":\"L\",\"Company\":"    \
    "\"C\",\"Phone\":\"12\"}}"
#define CREATED(id) "{\"id\":\"" id "\",\"success\":true,\"errors\":[]}"
#define LOCATION(object, id)                                                   \
    "{\"Location\":\"" V "/sobjects/" object "/" id "\"}"

static int
start(void **state)
{
    return simtest_setup_org_session(state, "orgs/law-firm.json");
}

/* POST path body; the answer parsed (new reference), status in *status. */
static json_t *
post(struct simtest *c, const char *path, const char *body, long *status)
{
    return simtest_api_json(c, "POST", path, body, NULL, status);
}

/* The id in compositeResponse[i].body (or .body[0] for a Collections
 * answer), into out (19 bytes). */
static char *
sub_id(json_t *answer, size_t i, char *out)
{
    json_t *body = json_object_get(
        json_array_get(json_object_get(answer, "compositeResponse"), i),
        "body");
    const char *id;

    if (json_is_array(body))
        body = json_array_get(body, 0);
    id = json_string_value(json_object_get(body, "id"));
    assert_non_null(id);
    snprintf(out, 19, "%s", id);
    return out;
}

/* The stored value of field of record id of object (or "" when absent). */
static void
expect_stored(struct simtest *c, const char *object, const char *id,
              const char *field, const char *value)
{
    char path[128];
    json_t *arr, *rec;
    const char *v = NULL;
    size_t i;

    snprintf(path, sizeof(path), "/__sim/records/%s", object);
    arr = simtest_admin(c, "GET", path, NULL);
    json_array_foreach(arr, i, rec) {
        if (strcmp(json_string_value(json_object_get(rec, "Id")), id) == 0)
            v = json_string_value(json_object_get(rec, field));
    }
    assert_non_null(v);
    assert_string_equal(v, value);
    json_decref(arr);
}

static void
test_references(void **state)
{
    struct simtest *c = *state;
    char acct[19], contact[19], coll[19];
    json_t *ans;
    long st;

    ans = post(
        c, COMPOSITE,
        "{\"compositeRequest\":[" NEW_ACCOUNT(
            "refAccount",
            "Acme") ","
                    "{\"method\":\"POST\",\"url\":\"" V "/sobjects/Contact\","
                    "\"referenceId\":\"refContact\",\"body\":{\"LastName\":"
                    "\"Harrison\","
                    "\"AccountId\":\"@{refAccount.id}\"}},"
                    "{\"method\":\"GET\",\"url\":\"" V "/sobjects/Account/"
                    "@{refAccount.id}?fields=Name\",\"referenceId\":\"refGet\"}"
                    ","
                    "{\"method\":\"GET\",\"url\":\"" V
                    "/query?q=SELECT+Id,LastName+FROM+"
                    "Contact\",\"referenceId\":\"refQuery\"},"
                    "{\"method\":\"PATCH\",\"url\":\"" V "/sobjects/Contact/"
                    "@{refQuery.records[0].Id}\",\"referenceId\":\"refUpdate\","
                    "\"body\":{\"FirstName\":\"@{refGet.Name}\"}},"
                    "{\"method\":\"POST\",\"url\":\"" V "/composite/sobjects\","
                    "\"referenceId\":\"refColl\",\"body\":{\"records\":[{"
                    "\"attributes\":"
                    "{\"type\":\"Contact\"},\"LastName\":\"Second\","
                    "\"AccountId\":"
                    "\"@{refAccount.id}\"}]}},"
                    "{\"method\":\"DELETE\",\"url\":\"" V "/sobjects/Contact/"
                    "@{refColl[0].id}\",\"referenceId\":\"refDelete\"}]}",
        &st);
    assert_int_equal(st, 200);
    sub_id(ans, 0, acct);
    sub_id(ans, 1, contact);
    sub_id(ans, 5, coll);
    assert_json_equalf(
        ans,
        "{\"compositeResponse\":["
        "{\"body\":" CREATED("%s") ",\"httpHeaders\":" LOCATION(
            "Account",
            "%s") ",\"httpStatusCode\":201,\"referenceId\":\"refAccount\"},"
                  "{\"body\":" CREATED("%s") ",\"httpHeaders\":" LOCATION(
                      "Contact",
                      "%s") ",\"httpStatusCode\":201,\"referenceId\":"
                            "\"refContact\"},"
                            "{\"body\":{\"attributes\":{\"type\":\"Account\","
                            "\"url\":\"" V "/sobjects/Account/"
                            "%s\"},\"Name\":\"Acme\",\"Id\":\"%s\"},"
                            "\"httpHeaders\":{},\"httpStatusCode\":200,"
                            "\"referenceId\":"
                            "\"refGet\"},"
                            "{\"body\":{\"totalSize\":1,\"done\":true,"
                            "\"records\":[{\"attributes\":"
                            "{\"type\":\"Contact\",\"url\":\"" V
                            "/sobjects/Contact/%s\"},\"Id\":"
                            "\"%s\",\"LastName\":\"Harrison\"}]},"
                            "\"httpHeaders\":{},"
                            "\"httpStatusCode\":200,\"referenceId\":"
                            "\"refQuery\"},"
                            "{\"body\":null,\"httpHeaders\":{},"
                            "\"httpStatusCode\":204,"
                            "\"referenceId\":\"refUpdate\"},"
                            "{\"body\":[" CREATED(
                                "%s") "],\"httpHeaders\":{},\"httpStatusCode\":"
                                      "200,\"referenceId\":\"refColl\"},"
                                      "{\"body\":null,\"httpHeaders\":{},"
                                      "\"httpStatusCode\":204,"
                                      "\"referenceId\":\"refDelete\"}]}",
        acct, acct, contact, contact, acct, acct, contact, contact, coll);
    json_decref(ans);
    expect_stored(c, "Contact", contact, "AccountId", acct);
    expect_stored(c, "Contact", contact, "FirstName", "Acme");
    assert_int_equal(simtest_count(c, "Contact"), 1);
}

static void
test_failures_without_all_or_none(void **state)
{
    struct simtest *c = *state;
    char acct[19];
    json_t *ans;
    long st;

    /* The dependant of a failed subrequest is halted; an independent one
     * after it still runs. */
    ans = post(c, COMPOSITE,
               "{\"compositeRequest\":[" BAD_LEAD(
                   "refLead") ","
                              "{\"method\":\"PATCH\",\"url\":\"" V
                              "/sobjects/Lead/"
                              "@{refLead.id}\",\"referenceId\":"
                              "\"refDependant\",\"body\":"
                              "{\"Company\":\"X\"}}," NEW_ACCOUNT(
                                  "refAccount",
                                  "Still") ","
                                           "{\"method\":\"GET\",\"url\":\"" V
                                           "/sobjects/Account/"
                                           "@{refAccount.Name}\","
                                           "\"referenceId\":\"refBadPath\"},"
                                           "{\"method\":\"GET\",\"url\":\"" V
                                           "/sobjects/Nope/1\","
                                           "\"referenceId\":\"refNotFound\"}]}",
               &st);
    assert_int_equal(st, 200);
    assert_json_equalf(
        ans,
        "{\"compositeResponse\":["
        "{\"body\":" PHONE_ERROR ",\"httpHeaders\":{},\"httpStatusCode\":400,"
        "\"referenceId\":\"refLead\"},"
        "{\"body\":[{\"errorCode\":\"PROCESSING_HALTED\",\"message\":"
        "\"Invalid reference specified. No value for refLead.id found in "
        "refLead.\"}],\"httpHeaders\":{},\"httpStatusCode\":400,"
        "\"referenceId\":\"refDependant\"},"
        "{\"body\":" CREATED("%s") ",\"httpHeaders\":" LOCATION(
            "Account",
            "%s") ",\"httpStatusCode\":201,\"referenceId\":\"refAccount\"},"
                  "{\"body\":[{\"errorCode\":\"PROCESSING_HALTED\",\"message\":"
                  "\"Invalid reference specified. No value for refAccount.Name "
                  "found "
                  "in "
                  "refAccount.\"}],\"httpHeaders\":{},\"httpStatusCode\":400,"
                  "\"referenceId\":\"refBadPath\"},"
                  "{\"body\":[{\"message\":\"The requested resource does not "
                  "exist\","
                  "\"errorCode\":\"NOT_FOUND\"}],\"httpHeaders\":{},"
                  "\"httpStatusCode\":"
                  "404,\"referenceId\":\"refNotFound\"}]}",
        sub_id(ans, 2, acct), acct);
    json_decref(ans);
    assert_int_equal(simtest_count(c, "Account"), 1);
    assert_int_equal(simtest_count(c, "Lead"), 0);
}

static void
test_all_or_none(void **state)
{
    struct simtest *c = *state;
    char keep[19];
    json_t *ans;
    long st;

    ans = post(c, COMPOSITE,
               "{\"compositeRequest\":[" NEW_ACCOUNT("k", "Kept") "]}", &st);
    sub_id(ans, 0, keep);
    json_decref(ans);

    /* Everything before the failure is undone (the update too), and what
     * comes after never runs. */
    {
        char body[2048];

        snprintf(
            body, sizeof(body),
            "{\"allOrNone\":true,\"compositeRequest\":[" NEW_ACCOUNT(
                "a", "Rolled") ","
                               "{\"method\":\"PATCH\",\"url\":\"" V
                               "/sobjects/Account/%s\","
                               "\"referenceId\":\"u\",\"body\":{\"Name\":"
                               "\"Changed\"}}," BAD_LEAD("bad") "," NEW_ACCOUNT(
                                   "after", "Never") "]}",
            keep);
        assert_api(c, "POST", COMPOSITE, body, 200,
                   "{\"compositeResponse\":["
                   "{\"body\":" HALTED_ROLLBACK ",\"httpHeaders\":{},"
                   "\"httpStatusCode\":400,\"referenceId\":\"a\"},"
                   "{\"body\":" HALTED_ROLLBACK ",\"httpHeaders\":{},"
                   "\"httpStatusCode\":400,\"referenceId\":\"u\"},"
                   "{\"body\":" PHONE_ERROR ",\"httpHeaders\":{},"
                   "\"httpStatusCode\":400,\"referenceId\":\"bad\"},"
                   "{\"body\":" HALTED_ROLLBACK ",\"httpHeaders\":{},"
                   "\"httpStatusCode\":400,\"referenceId\":\"after\"}]}");
    }
    assert_int_equal(simtest_count(c, "Account"), 1);
    expect_stored(c, "Account", keep, "Name", "Kept");
    assert_int_equal(simtest_count(c, "Lead"), 0);

    /* An embedded Collections request takes the Composite's allOrNone:
     * its good record is rolled back with it (facts 2.2). */
    assert_api(
        c, "POST", COMPOSITE,
        "{\"allOrNone\":true,\"compositeRequest\":["
        "{\"method\":\"POST\",\"url\":\"" V "/composite/sobjects\","
        "\"referenceId\":\"coll\",\"body\":{\"allOrNone\":false,\"records\":["
        "{\"attributes\":{\"type\":\"Account\"},\"Name\":\"InColl\"},"
        "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"L\",\"Company\":"
        "\"C\",\"Phone\":\"12\"}]}}," NEW_ACCOUNT("next", "Never") "]}",
        200,
        "{\"compositeResponse\":["
        "{\"body\":[{\"success\":false,\"errors\":[{\"statusCode\":"
        "\"ALL_OR_NONE_OPERATION_ROLLED_BACK\",\"message\":\"Record rolled "
        "back because not all records were valid and the request was using "
        "AllOrNone header\",\"fields\":[]}]},{\"success\":false,\"errors\":"
        "[{\"statusCode\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\",\"message\":"
        "\"Please enter a 10-digit phone number, e.g. (555) 123-4567.\","
        "\"fields\":[\"Phone\"]}]}],\"httpHeaders\":{},\"httpStatusCode\":200,"
        "\"referenceId\":\"coll\"},"
        "{\"body\":" HALTED_ROLLBACK ",\"httpHeaders\":{},\"httpStatusCode\":"
        "400,\"referenceId\":\"next\"}]}");
    assert_int_equal(simtest_count(c, "Account"), 1);
}

static void
test_journal_and_one_api_call(void **state)
{
    struct simtest *c = *state;
    unsigned long long since, top;
    struct http_result r;
    char v[64];
    long before, after;
    json_t *all, *e;
    size_t i;
    static const struct {
        const char *kind, *verdict;
        unsigned long long parent; /* offset from top; 0: none */
        int index;
    } want[] = {
        {"request", "ok", 0, -1},
        {"subrequest", "created", 1, 0},
        {"subrequest", "ok", 1, 1},
        {"record", "created", 3, 0},
        {"record", "created", 3, 1},
        {"subrequest", "rejected_validation", 1, 2},
    };

    simtest_api(c, "GET", V "/limits", NULL, NULL, NULL, &r);
    before = strtol(
        strchr(http_header(&r, "Sforce-Limit-Info", v, sizeof(v)), '=') + 1,
        NULL, 10);
    http_result_free(&r);
    since = apitest_last_seq(c);
    top = since + 1;
    assert_int_equal(
        simtest_api(
            c, "POST", COMPOSITE, "application/json",
            "{\"compositeRequest\":[" NEW_ACCOUNT(
                "a", "J") ","
                          "{\"method\":\"POST\",\"url\":\"" V
                          "/composite/sobjects\","
                          "\"referenceId\":\"coll\",\"body\":{\"records\":["
                          "{\"attributes\":{\"type\":\"Contact\"},\"LastName\":"
                          "\"C1\"},{\"attributes\":{\"type\":\"Contact\"},"
                          "\"LastName\":\"C2\"}]}}," BAD_LEAD("bad") "]}",
            NULL, &r),
        200);
    after = strtol(
        strchr(http_header(&r, "Sforce-Limit-Info", v, sizeof(v)), '=') + 1,
        NULL, 10);
    http_result_free(&r);
    /* The Composite request is one call, whatever it carries. */
    assert_int_equal(after, before + 1);

    all = simtest_journal(c, since);
    assert_int_equal(json_array_size(all), 6);
    for (i = 0; i < 6; i++) {
        e = json_array_get(all, i);
        assert_string_equal(json_string_value(json_object_get(e, "kind")),
                            want[i].kind);
        assert_string_equal(json_string_value(json_object_get(e, "verdict")),
                            want[i].verdict);
        if (want[i].parent == 0) {
            assert_null(json_object_get(e, "batch_seq"));
            continue;
        }
        assert_int_equal(json_integer_value(json_object_get(e, "batch_seq")),
                         top + want[i].parent - 1);
        assert_int_equal(json_integer_value(json_object_get(e, "batch_index")),
                         want[i].index);
    }
    e = json_array_get(all, 5);
    assert_string_equal(json_string_value(json_object_get(e, "path")),
                        V "/sobjects/Lead");
    assert_int_equal(json_integer_value(json_object_get(e, "status")), 400);
    assert_string_equal(json_string_value(json_object_get(e, "body")),
                        "{\"LastName\":\"L\",\"Company\":\"C\",\"Phone\":"
                        "\"12\"}");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(all, 0), "detail")),
        "3 subrequests, 1 failed");
    json_decref(all);
}

static void
test_request_shape(void **state)
{
    struct simtest *c = *state;
    char body[16384];
    size_t i, len;

    len = (size_t)snprintf(body, sizeof(body), "{\"compositeRequest\":[");
    for (i = 0; i < 26; i++)
        len += (size_t)snprintf(body + len, sizeof(body) - len,
                                "%s{\"method\":\"GET\",\"url\":\"" V
                                "/limits\",\"referenceId\":\"r%zu\"}",
                                i ? "," : "", i);
    snprintf(body + len, sizeof(body) - len, "]}");
    assert_api(c, "POST", COMPOSITE, body, 400,
               "[{\"message\":\"A composite request can have at most 25 "
               "subrequests\",\"errorCode\":\"LIMIT_EXCEEDED\"}]");
    assert_api(c, "POST", COMPOSITE,
               "{\"compositeRequest\":[" NEW_ACCOUNT(
                   "a", "x") ","
                             "{\"method\":\"GET\",\"url\":\"" V "/limits\"}]}",
               400,
               "[{\"message\":\"compositeRequest[1].referenceId: required; "
               "it must start with a letter or a number and contain only "
               "letters, numbers and underscores ('_')\",\"errorCode\":"
               "\"JSON_PARSER_ERROR\"}]");
    assert_api(c, "POST", COMPOSITE,
               "{\"compositeRequest\":[" NEW_ACCOUNT("a", "x") "," NEW_ACCOUNT(
                   "a", "y") "]}",
               400,
               "[{\"message\":\"Duplicate referenceId provided in the "
               "request: a\",\"errorCode\":\"JSON_PARSER_ERROR\"}]");
    assert_api(c, "POST", COMPOSITE,
               "{\"compositeRequest\":[{\"method\":\"get\",\"url\":\"" V
               "/limits\",\"referenceId\":\"a\"}]}",
               400,
               "[{\"message\":\"compositeRequest[0].method: one of GET, "
               "POST, PUT, PATCH, DELETE\",\"errorCode\":"
               "\"JSON_PARSER_ERROR\"}]");
    assert_api(c, "POST", COMPOSITE,
               "{\"compositeRequest\":[{\"method\":\"GET\",\"url\":"
               "\"/__sim/records/Lead\",\"referenceId\":\"a\"}]}",
               400,
               "[{\"message\":\"compositeRequest[0].url: a path starting "
               "with /services/data/\",\"errorCode\":\"JSON_PARSER_ERROR\"}]");
    assert_api(c, "POST", COMPOSITE,
               "{\"compositeRequest\":[{\"method\":\"GET\",\"url\":\"" V
               "/limits\",\"referenceId\":\"a\",\"httpHeaders\":{"
               "\"Authorization\":\"Bearer x\"}}]}",
               400,
               "[{\"message\":\"compositeRequest[0].httpHeaders: "
               "Authorization cannot be set on a subrequest\",\"errorCode\":"
               "\"INVALID_INPUT\"}]");
    assert_api(
        c, "POST", COMPOSITE,
        "{\"collateSubrequests\":\"yes\",\"compositeRequest\":[" NEW_ACCOUNT(
            "a", "x") "]}",
        400,
        "[{\"message\":\"Cannot deserialize value of type `boolean` "
        "for collateSubrequests\",\"errorCode\":"
        "\"JSON_PARSER_ERROR\"}]");
    assert_api(c, "POST", COMPOSITE, "{\"compositeRequest\":[]}", 400,
               "[{\"message\":\"compositeRequest: required, a list of 1 to "
               "25 subrequests\",\"errorCode\":\"JSON_PARSER_ERROR\"}]");
    len = (size_t)snprintf(body, sizeof(body), "{\"compositeRequest\":[");
    for (i = 0; i < 6; i++)
        len += (size_t)snprintf(body + len, sizeof(body) - len,
                                "%s{\"method\":\"GET\",\"url\":\"" V
                                "/query?q=SELECT+Id+FROM+Lead\","
                                "\"referenceId\":\"q%zu\"}",
                                i ? "," : "", i);
    snprintf(body + len, sizeof(body) - len, "]}");
    assert_api(c, "POST", COMPOSITE, body, 400,
               "[{\"message\":\"A composite request can have at most 5 "
               "sObject Collections or query subrequests\",\"errorCode\":"
               "\"LIMIT_EXCEEDED\"}]");
    /* Not a subrequest: Composite itself. */
    assert_api(c, "POST", COMPOSITE,
               "{\"compositeRequest\":[{\"method\":\"POST\",\"url\":\"" V
               "/composite\",\"referenceId\":\"a\",\"body\":{}}]}",
               200,
               "{\"compositeResponse\":[{\"body\":[{\"message\":\"The "
               "requested resource does not exist\",\"errorCode\":"
               "\"NOT_FOUND\"}],\"httpHeaders\":{},\"httpStatusCode\":404,"
               "\"referenceId\":\"a\"}]}");
    assert_int_equal(simtest_count(c, "Account"), 0);
}

static void
test_fault_on_one_subrequest(void **state)
{
    struct simtest *c = *state;
    char acct[19];
    json_t *ans, *faults;
    long st;

    json_decref(httpc_send_json(
        c->http, "POST", "/__sim/faults",
        "{\"path\":\"/services/data/*/sobjects/Contact\",\"error_code\":"
        "\"UNABLE_TO_LOCK_ROW\",\"times\":1}",
        &st));
    assert_int_equal(st, 201);
    ans = post(
        c, COMPOSITE,
        "{\"compositeRequest\":[" NEW_ACCOUNT(
            "a",
            "Locked") ","
                      "{\"method\":\"POST\",\"url\":\"" V "/sobjects/Contact\","
                      "\"referenceId\":\"c\",\"body\":{\"LastName\":\"L\"}}]}",
        &st);
    assert_int_equal(st, 200);
    assert_json_equalf(
        ans,
        "{\"compositeResponse\":["
        "{\"body\":" CREATED("%s") ",\"httpHeaders\":" LOCATION(
            "Account", "%s") ",\"httpStatusCode\":201,\"referenceId\":\"a\"},"
                             "{\"body\":[{\"message\":\"unable to obtain "
                             "exclusive access to this "
                             "record\",\"errorCode\":\"UNABLE_TO_LOCK_ROW\"}],"
                             "\"httpHeaders\":{},"
                             "\"httpStatusCode\":400,\"referenceId\":\"c\"}]}",
        sub_id(ans, 0, acct), acct);
    json_decref(ans);
    assert_int_equal(simtest_count(c, "Contact"), 0);
    faults = simtest_admin(c, "GET", "/__sim/faults", NULL);
    assert_int_equal(json_integer_value(json_object_get(faults, "injected")),
                     1);
    json_decref(faults);
}

/* --- sObject Tree ------------------------------------------------------- */

#define TREE_BODY(contact2_extra)                                              \
    "{\"records\":[{\"attributes\":{\"type\":\"Account\",\"referenceId\":"     \
    "\"ref1\"},\"Name\":\"SampleAccount\",\"Contacts\":{\"records\":["         \
    "{\"attributes\":{\"type\":\"Contact\",\"referenceId\":\"ref2\"},"         \
    "\"LastName\":\"Smith\"},{\"attributes\":{\"type\":\"Contact\","           \
    "\"referenceId\":\"ref3\"},\"LastName\":\"Evans\"" contact2_extra "}]}},"  \
    "{\"attributes\":{\"type\":\"Account\",\"referenceId\":\"ref4\"},"         \
    "\"Name\":\"SampleAccount2\"}]}"

static void
test_tree(void **state)
{
    struct simtest *c = *state;
    char ids[4][19];
    json_t *ans, *res;
    size_t i;
    long st;

    ans = post(c, TREE, TREE_BODY(""), &st);
    assert_int_equal(st, 201);
    res = json_object_get(ans, "results");
    for (i = 0; i < 4; i++)
        snprintf(
            ids[i], sizeof(ids[i]), "%s",
            json_string_value(json_object_get(json_array_get(res, i), "id")));
    /* Parents first, then their children (facts 2.4). */
    assert_json_equalf(
        ans,
        "{\"hasErrors\":false,\"results\":[{\"referenceId\":\"ref1\","
        "\"id\":\"%s\"},{\"referenceId\":\"ref4\",\"id\":\"%s\"},"
        "{\"referenceId\":\"ref2\",\"id\":\"%s\"},{\"referenceId\":"
        "\"ref3\",\"id\":\"%s\"}]}",
        ids[0], ids[1], ids[2], ids[3]);
    json_decref(ans);
    expect_stored(c, "Contact", ids[2], "AccountId", ids[0]);
    expect_stored(c, "Contact", ids[3], "AccountId", ids[0]);
    assert_int_equal(simtest_count(c, "Account"), 2);
}

static void
test_tree_all_or_nothing(void **state)
{
    struct simtest *c = *state;
    unsigned long long since = apitest_last_seq(c);
    json_t *all;
    size_t i;
    static const char *const verdicts[] = {
        "error", "rolled_back", "rolled_back", "error", "rolled_back"};

    assert_api(c, "POST", TREE, TREE_BODY(",\"Email\":\"123\""), 400,
               "{\"hasErrors\":true,\"results\":[{\"referenceId\":\"ref3\","
               "\"errors\":[{\"statusCode\":\"INVALID_EMAIL_ADDRESS\","
               "\"message\":\"Email: invalid email address: 123\","
               "\"fields\":[\"Email\"]}]}]}");
    assert_int_equal(simtest_count(c, "Account"), 0);
    assert_int_equal(simtest_count(c, "Contact"), 0);
    /* The request, then its records in request order: ref1 saved and
     * undone, ref2 saved with ref3 (one save) and undone, ref3 refused. */
    all = simtest_journal(c, since);
    assert_int_equal(json_array_size(all), 5);
    for (i = 0; i < 5; i++)
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(all, i), "verdict")),
                            verdicts[i]);
    json_decref(all);

    assert_api(c, "POST", TREE,
               "{\"records\":[{\"attributes\":{\"type\":\"Account\","
               "\"referenceId\":\"a\"},\"Name\":\"x\"},{\"attributes\":{"
               "\"type\":\"Account\",\"referenceId\":\"a\"},\"Name\":\"y\"}]}",
               400,
               "{\"hasErrors\":true,\"results\":[{\"referenceId\":\"a\","
               "\"errors\":[{\"statusCode\":\"INVALID_INPUT\",\"message\":"
               "\"Duplicate ReferenceId provided in the request\","
               "\"fields\":[]}]}]}");
    assert_api(c, "POST", TREE,
               "{\"records\":[{\"attributes\":{\"type\":\"Contact\","
               "\"referenceId\":\"a\"},\"LastName\":\"x\"}]}",
               400,
               "[{\"message\":\"Record a is of type Contact, not Account as "
               "the URL says\",\"errorCode\":\"INVALID_TYPE\"}]");
    assert_api(c, "POST", "/services/data/v33.0/composite/tree/Account",
               TREE_BODY(""), 404,
               "[{\"message\":\"The requested resource does not exist\","
               "\"errorCode\":\"NOT_FOUND\"}]");
    assert_int_equal(simtest_count(c, "Account"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_references, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_failures_without_all_or_none,
                                        start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_all_or_none, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_journal_and_one_api_call, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_request_shape, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_fault_on_one_subrequest, start,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_tree, start, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_tree_all_or_nothing, start,
                                        simtest_teardown),
    };

    return cmocka_run_group_tests_name("e2e_composite", tests, NULL, NULL);
}
