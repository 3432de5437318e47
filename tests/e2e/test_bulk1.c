/*
 * test_bulk1.c - Bulk API 1.0 (/services/async/NN.N/job) against the real
 * sfsim over HTTP: a job's life from create to close with its answer
 * compared whole, batch states as the clock moves, CSV and JSON results,
 * query batches, a bad batch failing alone, abort, the session header,
 * wrong-state and bad-request errors, and the daily batch allocation.
 * The org (fixtures/orgs/bulk.json) has a frozen clock and runs 100 rows
 * a second.
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

#define A "/services/async/62.0"
#define NS "http://www.force.com/2009/06/asyncapi/dataload"
#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define JOB_XML(op, ct)                                                        \
    XML_HEAD "<jobInfo xmlns=\"" NS "\"><operation>" op                        \
             "</operation><object>Lead</object><contentType>" ct               \
             "</contentType></jobInfo>"
#define CLOSE_XML "<jobInfo xmlns=\"" NS "\"><state>Closed</state></jobInfo>"
#define ABORT_XML "<jobInfo xmlns=\"" NS "\"><state>Aborted</state></jobInfo>"

static int
setup(void **state)
{
    return simtest_setup_org_session(state, "orgs/bulk.json");
}

/* One request with the session in X-SFDC-Session; the status. */
static long
call(struct simtest *t, const char *method, const char *path, const char *ctype,
     const char *body, struct http_result *r)
{
    char session[SIMTEST_TOKEN_MAX + 32];
    const char *headers[] = {session, NULL};

    snprintf(session, sizeof(session), "X-SFDC-Session: %s", t->access_token);
    assert_int_equal(httpc_request(t->http, method, path, ctype, body,
                                   body != NULL ? strlen(body) : 0, headers, r),
                     0);
    return r->status;
}

/* The text of the first <tag> of xml into out ("" when absent). */
static const char *
elem(const char *xml, const char *tag, char *out, size_t n)
{
    char open[64];
    const char *s, *e;

    snprintf(open, sizeof(open), "<%s>", tag);
    out[0] = '\0';
    if ((s = strstr(xml, open)) == NULL ||
        (e = strchr(s + strlen(open), '<')) == NULL)
        return out;
    s += strlen(open);
    snprintf(out, n, "%.*s", (int)(e - s), s);
    return out;
}

/* Expects status and the element tag of the answer to be want. */
static void
expect_elem(struct simtest *t, const char *method, const char *path,
            const char *ctype, const char *body, long status, const char *tag,
            const char *want)
{
    struct http_result r;
    char got[512];

    call(t, method, path, ctype, body, &r);
    if (r.status != status ||
        strcmp(elem(r.body, tag, got, sizeof(got)), want) != 0)
        fail_msg("%s %s: %ld %s\nwanted %ld <%s>%s", method, path, r.status,
                 r.body, status, tag, want);
    http_result_free(&r);
}

/* POST a job (XML body): its id. */
static void
create(struct simtest *t, const char *body, char id[19])
{
    struct http_result r;

    assert_int_equal(call(t, "POST", A "/job", "application/xml", body, &r),
                     201);
    elem(r.body, "id", id, 19);
    assert_int_equal(strlen(id), 18);
    http_result_free(&r);
}

/* POST a batch to job: its id. */
static void
add_batch(struct simtest *t, const char *job, const char *ctype,
          const char *body, char id[19])
{
    struct http_result r;
    char path[128];

    snprintf(path, sizeof(path), A "/job/%s/batch", job);
    if (call(t, "POST", path, ctype, body, &r) != 201)
        fail_msg("add batch: %ld %s", r.status, r.body);
    assert_true(strstr(r.body, "<state>Queued</state>") != NULL ||
                strstr(r.body, "\"state\" : \"Queued\"") != NULL);
    if (strstr(r.body, "<id>") != NULL) {
        elem(r.body, "id", id, 19);
    } else {
        const char *p = strstr(r.body, "\"id\" : \"");

        assert_non_null(p);
        snprintf(id, 19, "%.18s", p + 8);
    }
    http_result_free(&r);
}

static void
batch_path(char *out, size_t n, const char *job, const char *batch,
           const char *tail)
{
    snprintf(out, n, A "/job/%s/batch/%s%s", job, batch, tail);
}

/* The whole jobInfo of a new insert job, then a batch through its states
 * as the clock moves, its CSV result and the job closed with its counts. */
static void
test_job_life(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char job[19], batch[19], path[160], want[2048], id[19];

    assert_int_equal(call(t, "POST", A "/job", "application/xml; charset=utf-8",
                          JOB_XML("insert", "CSV"), &r),
                     201);
    elem(r.body, "id", job, sizeof(job));
    snprintf(want, sizeof(want),
             XML_HEAD
             "<jobInfo\n   xmlns=\"" NS "\">\n"
             " <id>%s</id>\n <operation>insert</operation>\n"
             " <object>Lead</object>\n"
             " <createdById>005000000000001AAA</createdById>\n"
             " <createdDate>2026-03-02T14:00:00.000Z</createdDate>\n"
             " <systemModstamp>2026-03-02T14:00:00.000Z</systemModstamp>\n"
             " <state>Open</state>\n"
             " <concurrencyMode>Parallel</concurrencyMode>\n"
             " <contentType>CSV</contentType>\n"
             " <numberBatchesQueued>0</numberBatchesQueued>\n"
             " <numberBatchesInProgress>0</numberBatchesInProgress>\n"
             " <numberBatchesCompleted>0</numberBatchesCompleted>\n"
             " <numberBatchesFailed>0</numberBatchesFailed>\n"
             " <numberBatchesTotal>0</numberBatchesTotal>\n"
             " <numberRecordsProcessed>0</numberRecordsProcessed>\n"
             " <numberRetries>0</numberRetries>\n"
             " <apiVersion>62.0</apiVersion>\n"
             " <numberRecordsFailed>0</numberRecordsFailed>\n"
             " <totalProcessingTime>0</totalProcessingTime>\n"
             " <apiActiveProcessingTime>0</apiActiveProcessingTime>\n"
             " <apexProcessingTime>0</apexProcessingTime>\n"
             "</jobInfo>",
             job);
    assert_string_equal(r.body, want);
    http_result_free(&r);

    add_batch(t, job, "text/csv",
              "LastName,Company,Phone\nHopper,Navy,(555) 123-4567\n"
              "Bad,Navy,12\nLovelace,Engines,\n",
              batch);
    assert_memory_equal(batch, "751", 3);
    batch_path(path, sizeof(path), job, batch, "");
    expect_elem(t, "GET", path, NULL, NULL, 200, "state", "Queued");
    simtest_advance(t, 0.01); /* 1 row earned: the 3-row chunk waits */
    expect_elem(t, "GET", path, NULL, NULL, 200, "state", "InProgress");
    expect_elem(t, "GET", path, NULL, NULL, 200, "numberRecordsProcessed", "0");
    simtest_advance(t, 1);
    expect_elem(t, "GET", path, NULL, NULL, 200, "state", "Completed");
    expect_elem(t, "GET", path, NULL, NULL, 200, "numberRecordsProcessed", "3");
    expect_elem(t, "GET", path, NULL, NULL, 200, "numberRecordsFailed", "1");
    assert_int_equal(simtest_count(t, "Lead"), 2);

    batch_path(path, sizeof(path), job, batch, "/result");
    assert_int_equal(call(t, "GET", path, NULL, NULL, &r), 200);
#define RESULT_HEAD "\"Id\",\"Success\",\"Created\",\"Error\"\n\""
    assert_int_equal(strncmp(r.body, RESULT_HEAD, strlen(RESULT_HEAD)), 0);
    snprintf(id, sizeof(id), "%.18s", r.body + strlen(RESULT_HEAD));
    assert_memory_equal(id, "00Q", 3);
    assert_non_null(strstr(r.body, "\"\",\"false\",\"false\","
                                   "\"FIELD_CUSTOM_VALIDATION_EXCEPTION:"
                                   "Please enter a 10-digit phone number.:"
                                   "Phone --\"\n"));
    http_result_free(&r);

    snprintf(path, sizeof(path), A "/job/%s", job);
    expect_elem(t, "POST", path, "application/xml", CLOSE_XML, 200, "state",
                "Closed");
    expect_elem(t, "GET", path, NULL, NULL, 200, "numberBatchesCompleted", "1");
    expect_elem(t, "GET", path, NULL, NULL, 200, "numberRecordsFailed", "1");
}

/* A result asked for before the batch ended: InvalidBatch. */
static void
test_result_before_done(void **state)
{
    struct simtest *t = *state;
    char job[19], batch[19], path[160];

    create(t, JOB_XML("insert", "CSV"), job);
    add_batch(t, job, "text/csv", "LastName,Company\nA,B\n", batch);
    batch_path(path, sizeof(path), job, batch, "/result");
    expect_elem(t, "GET", path, NULL, NULL, 400, "exceptionCode",
                "InvalidBatch");
    expect_elem(t, "GET", path, NULL, NULL, 400, "exceptionMessage",
                "Batch not completed");
}

/* A JSON job: JSON answers, a JSON batch, a JSON result with errors. */
static void
test_json_job(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char job[19], batch[19], path[160];
    json_t *j, *res;

    assert_int_equal(call(t, "POST", A "/job", "application/json",
                          "{\"operation\":\"insert\",\"object\":\"Lead\","
                          "\"contentType\":\"JSON\"}",
                          &r),
                     201);
    j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "Open");
    assert_true(json_real_value(json_object_get(j, "apiVersion")) == 62.0);
    assert_non_null(strstr(r.body, "\"createdDate\" : \"2026-03-02T14:00:"
                                   "00.000+0000\""));
    snprintf(job, sizeof(job), "%s",
             json_string_value(json_object_get(j, "id")));
    json_decref(j);
    http_result_free(&r);

    add_batch(t, job, "application/json",
              "[{\"LastName\":\"A\",\"Company\":\"X\",\"NumberOfEmployees\":5,"
              "\"attributes\":{\"type\":\"Lead\"}},"
              "{\"LastName\":\"B\",\"Company\":\"Y\",\"Phone\":\"12\"}]",
              batch);
    simtest_advance(t, 1);
    batch_path(path, sizeof(path), job, batch, "/result");
    assert_int_equal(call(t, "GET", path, NULL, NULL, &r), 200);
    res = json_loads(r.body, 0, NULL);
    assert_int_equal(json_array_size(res), 2);
    assert_true(
        json_is_true(json_object_get(json_array_get(res, 0), "created")));
    j = json_array_get(json_object_get(json_array_get(res, 1), "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(j, "statusCode")),
                        "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    assert_string_equal(json_string_value(json_object_get(j, "message")),
                        "Please enter a 10-digit phone number.");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(j, "fields"), 0)),
        "Phone");
    json_decref(res);
    http_result_free(&r);
}

/* A query batch: one result id, the rows as CSV. */
static void
test_query(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char job[19], batch[19], path[200], rid[19];

    create(t, JOB_XML("insert", "CSV"), job);
    add_batch(t, job, "text/csv", "LastName,Company\nTuring,Bletchley\n",
              batch);
    simtest_advance(t, 1);
    create(t, JOB_XML("query", "CSV"), job);
    add_batch(t, job, "text/csv", "SELECT LastName, Company FROM Lead", batch);
    simtest_advance(t, 1);
    batch_path(path, sizeof(path), job, batch, "/result");
    assert_int_equal(call(t, "GET", path, NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "<result-list"));
    elem(r.body, "result", rid, sizeof(rid));
    assert_memory_equal(rid, "752", 3);
    http_result_free(&r);
    snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", rid);
    assert_int_equal(call(t, "GET", path, NULL, NULL, &r), 200);
    assert_string_equal(r.body, "\"LastName\",\"Company\"\n"
                                "\"Turing\",\"Bletchley\"\n");
    http_result_free(&r);
}

/* A batch whose header names no field fails alone: its sibling runs, and
 * the job stays Open. */
static void
test_bad_batch_fails_alone(void **state)
{
    struct simtest *t = *state;
    char job[19], bad[19], good[19], path[160];

    create(t, JOB_XML("insert", "CSV"), job);
    add_batch(t, job, "text/csv", "LastName,Nope__c\nA,B\n", bad);
    add_batch(t, job, "text/csv", "LastName,Company\nA,B\n", good);
    simtest_advance(t, 1);
    batch_path(path, sizeof(path), job, bad, "");
    expect_elem(t, "GET", path, NULL, NULL, 200, "state", "Failed");
    expect_elem(t, "GET", path, NULL, NULL, 200, "stateMessage",
                "InvalidBatch : Field name not found : Nope__c");
    batch_path(path, sizeof(path), job, good, "");
    expect_elem(t, "GET", path, NULL, NULL, 200, "state", "Completed");
    snprintf(path, sizeof(path), A "/job/%s", job);
    expect_elem(t, "GET", path, NULL, NULL, 200, "state", "Open");
    expect_elem(t, "GET", path, NULL, NULL, 200, "numberBatchesFailed", "1");
    snprintf(path, sizeof(path), A "/job/%s/batch", job);
    expect_elem(t, "GET", path, NULL, NULL, 200, "state", "Failed");
}

/* Abort: queued batches are NotProcessed, nothing is saved, and the job
 * takes no more batches. */
static void
test_abort(void **state)
{
    struct simtest *t = *state;
    char job[19], batch[19], path[160];

    create(t, JOB_XML("insert", "CSV"), job);
    add_batch(t, job, "text/csv", "LastName,Company\nA,B\n", batch);
    snprintf(path, sizeof(path), A "/job/%s", job);
    expect_elem(t, "POST", path, "application/xml", ABORT_XML, 200, "state",
                "Aborted");
    simtest_advance(t, 1);
    assert_int_equal(simtest_count(t, "Lead"), 0);
    batch_path(path, sizeof(path), job, batch, "");
    expect_elem(t, "GET", path, NULL, NULL, 200, "state", "NotProcessed");
    snprintf(path, sizeof(path), A "/job/%s/batch", job);
    expect_elem(t, "POST", path, "text/csv", "LastName\nA\n", 400,
                "exceptionCode", "InvalidJobState");
    snprintf(path, sizeof(path), A "/job/%s", job);
    expect_elem(t, "POST", path, "application/xml", CLOSE_XML, 400,
                "exceptionCode", "InvalidJobState");
}

/* The session: X-SFDC-Session or Bearer; anything else is 400
 * InvalidSessionId (what jsforce refreshes on). */
static void
test_session(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    const char *bad[] = {"X-SFDC-Session: nope", NULL};
    const char *bearer[] = {t->auth, NULL};

    assert_int_equal(httpc_request(t->http, "GET", A "/job/750000000000001",
                                   NULL, NULL, 0, bad, &r),
                     0);
    assert_int_equal(r.status, 400);
    assert_non_null(
        strstr(r.body, "<exceptionCode>InvalidSessionId</exceptionCode>"));
    http_result_free(&r);
    assert_int_equal(httpc_request(t->http, "POST", A "/job", "application/xml",
                                   JOB_XML("insert", "CSV"),
                                   strlen(JOB_XML("insert", "CSV")), bearer,
                                   &r),
                     0);
    assert_int_equal(r.status, 201);
    http_result_free(&r);
}

/* Bad requests, each with Salesforce's exceptionCode. */
static void
test_errors(void **state)
{
    struct simtest *t = *state;
    char job[19], path[160];

    expect_elem(t, "GET", A "/job/750000000000001AAA", NULL, NULL, 400,
                "exceptionCode", "InvalidJob");
    expect_elem(t, "GET", "/services/async/abc/job/750000000000001", NULL, NULL,
                400, "exceptionCode", "InvalidUrl");
    expect_elem(t, "GET", "/services/async/7.0/job/750000000000001", NULL, NULL,
                400, "exceptionCode", "InvalidVersion");
    expect_elem(t, "POST", A "/job", "application/xml",
                "<jobInfo><operation>insert</operation><object>Nope"
                "</object><contentType>CSV</contentType></jobInfo>",
                400, "exceptionMessage", "Unable to find object: Nope");
    expect_elem(t, "POST", A "/job", "application/xml",
                "<jobInfo><operation>upsert</operation><object>Lead"
                "</object><contentType>CSV</contentType></jobInfo>",
                400, "exceptionCode", "InvalidJob");
    expect_elem(t, "POST", A "/job", "application/xml",
                "<jobInfo><operation>insert</operation><object>Lead</obj>"
                "</jobInfo>",
                400, "exceptionCode", "InvalidXML");
    expect_elem(t, "POST", A "/job", "application/xml",
                "<jobInfo><operation>merge</operation></jobInfo>", 400,
                "exceptionCode", "InvalidJob");
    create(t, JOB_XML("insert", "CSV"), job);
    snprintf(path, sizeof(path), A "/job/%s/batch", job);
    expect_elem(t, "POST", path, "application/json", "[{}]", 400,
                "exceptionCode", "InvalidBatch");
    expect_elem(t, "POST", path, "text/csv", "", 400, "exceptionCode",
                "ClientInputError");
    snprintf(path, sizeof(path), A "/job/%s/batch/751000000000001AAA", job);
    expect_elem(t, "GET", path, NULL, NULL, 400, "exceptionCode",
                "InvalidBatch");
    snprintf(path, sizeof(path), A "/job/%s", job);
    expect_elem(t, "POST", path, "application/xml",
                "<jobInfo><state>Open</state></jobInfo>", 400, "exceptionCode",
                "InvalidJobState");
    expect_elem(t, "POST", path, "application/xml", CLOSE_XML, 200, "state",
                "Closed");
    expect_elem(t, "POST", path, "application/xml", CLOSE_XML, 400,
                "exceptionCode", "InvalidJobState");
    snprintf(path, sizeof(path), A "/job/%s/batch", job);
    expect_elem(t, "POST", path, "text/csv", "LastName\nA\n", 400,
                "exceptionCode", "InvalidJobState");
}

/* A JSON job's batches that are no array of flat records, and a batch
 * past 10 MB: 400 InvalidBatch, nothing queued. */
static void
test_hostile_batches(void **state)
{
    static const char *const bodies[] = {"{}",
                                         "[]",
                                         "[1]",
                                         "[{\"LastName\":{\"b\":1}}]",
                                         "[{\"LastName\":[1,2]}]",
                                         "[{\"LastName\":\"A\"",
                                         "\"x\"",
                                         NULL};
    struct simtest *t = *state;
    struct http_result r;
    char job[19], path[160], *big;
    size_t i, n;
    long status;
    json_t *j;

    j = simtest_api_json(t, "POST", A "/job",
                         "{\"operation\":\"insert\",\"object\":\"Lead\","
                         "\"contentType\":\"JSON\"}",
                         NULL, &status);
    assert_int_equal(status, 201);
    snprintf(job, sizeof(job), "%s",
             json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof(path), A "/job/%s/batch", job);
    for (i = 0; bodies[i] != NULL; i++) {
        call(t, "POST", path, "application/json", bodies[i], &r);
        if (r.status != 400 || strstr(r.body, "InvalidBatch") == NULL)
            fail_msg("%s: %ld %s", bodies[i], r.status, r.body);
        http_result_free(&r);
    }
    /* 6,000 distinct keys: more fields than a record may have */
    big = malloc(200000);
    n = (size_t)snprintf(big, 200000, "[{");
    for (i = 0; i < 6000; i++)
        n += (size_t)snprintf(big + n, 200000 - n, "%s\"f%zu\":1",
                              i > 0 ? "," : "", i);
    snprintf(big + n, 200000 - n, "}]");
    call(t, "POST", path, "application/json", big, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "more than 5000 fields"));
    http_result_free(&r);
    free(big);

    create(t, JOB_XML("insert", "CSV"), job);
    snprintf(path, sizeof(path), A "/job/%s/batch", job);
    n = 10000001;
    big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    call(t, "POST", path, "text/csv", big, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "at most 10000000 bytes"));
    http_result_free(&r);
    free(big);
    snprintf(path, sizeof(path), A "/job/%s", job);
    expect_elem(t, "GET", path, NULL, NULL, 200, "numberBatchesTotal", "0");
}

/* Each batch is one of the daily batches of /limits, as on Salesforce. */
static void
test_daily_batches(void **state)
{
    struct simtest *t = *state;
    char job[19], batch[19];
    json_t *lim;
    long status;
    json_int_t before;

    lim = simtest_api_json(t, "GET", "/services/data/v62.0/limits", NULL, NULL,
                           &status);
    before = json_integer_value(json_object_get(
        json_object_get(lim, "DailyBulkApiBatches"), "Remaining"));
    json_decref(lim);
    create(t, JOB_XML("insert", "CSV"), job);
    add_batch(t, job, "text/csv", "LastName,Company\nA,B\n", batch);
    add_batch(t, job, "text/csv", "LastName,Company\nC,D\n", batch);
    simtest_advance(t, 1);
    lim = simtest_api_json(t, "GET", "/services/data/v62.0/limits", NULL, NULL,
                           &status);
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(lim, "DailyBulkApiBatches"), "Remaining")),
        before - 2);
    json_decref(lim);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, simtest_teardown)
    const struct CMUnitTest tests[] = {
        T(test_job_life),
        T(test_result_before_done),
        T(test_json_job),
        T(test_query),
        T(test_bad_batch_fails_alone),
        T(test_abort),
        T(test_session),
        T(test_errors),
        T(test_daily_batches),
        T(test_hostile_batches),
    };
#undef T

    return cmocka_run_group_tests_name("e2e_bulk1", tests, NULL, NULL);
}
