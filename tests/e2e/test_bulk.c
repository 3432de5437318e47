/*
 * test_bulk.c - Bulk API 2.0 against the real sfsim over HTTP, answers
 * compared whole: an ingest job's life from create to results, a job seen
 * half done and finished by moving the clock, upsert, update and delete
 * jobs, a bad header failing the job, wrong-state and bad-request errors,
 * delimiters and CRLF, query jobs paged by maxRecords and locator, the
 * job list, injected faults inside jobs, the daily allocations and the
 * upload cap. The org (fixtures/orgs/bulk.json) has a frozen clock and
 * runs 100 ingest rows a second.
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

#include "buf.h"
#include "simtest.h"

#define V "/services/data/v60.0"
#define INGEST V "/jobs/ingest"
#define QUERY V "/jobs/query"
#define WHEN "2026-03-02T14:00:00.000+0000"
#define USER "005000000000001AAA"
#define TEXT_MAX 65536

struct fixture {
    struct simtest sim;
    char auth[256];
};

static void
start_org(void **state, const char *org_path)
{
    struct fixture *f = calloc(1, sizeof(*f));
    const char *args[] = {"--org", org_path, "--seed", "42", NULL};
    json_t *tok;

    simtest_start(&f->sim, args);
    tok = httpc_send_json(f->sim.http, "POST", "/__sim/tokens", "{}", NULL);
    snprintf(f->auth, sizeof(f->auth), "Authorization: Bearer %s",
             json_string_value(json_object_get(tok, "access_token")));
    json_decref(tok);
    *state = f;
}

static int
setup(void **state)
{
    start_org(state, simtest_fixture("orgs/bulk.json"));
    return 0;
}

/* The bulk org with extra settings merged in (a temporary file). */
static int
setup_small(void **state)
{
    char path[] = "/tmp/sfsim-bulk-XXXXXX";
    json_t *org = json_load_file(simtest_fixture("orgs/bulk.json"), 0, NULL);
    int fd = mkstemp(path);

    json_object_set_new(json_object_get(org, "bulk"), "daily_query_jobs",
                        json_integer(1));
    json_object_set_new(json_object_get(org, "bulk"), "max_upload_bytes",
                        json_integer(64));
    assert_int_equal(json_dumpfd(org, fd, 0), 0);
    close(fd);
    json_decref(org);
    start_org(state, path);
    unlink(path);
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(simtest_stop(&f->sim), 0);
    free(f);
    return 0;
}

/* One request with the token; the answer in r (caller frees). */
static long
call(struct fixture *f, const char *method, const char *path, const char *ctype,
     const char *body, struct http_result *r)
{
    const char *headers[] = {f->auth, NULL};

    assert_int_equal(httpc_request(f->sim.http, method, path, ctype, body,
                                   body != NULL ? strlen(body) : 0, headers, r),
                     0);
    return r->status;
}

/* Expects status and exactly want (after expand()) as the body. */
static void
expect(struct fixture *f, const char *method, const char *path,
       const char *ctype, const char *body, long status, const char *want)
{
    struct http_result r;

    call(f, method, path, ctype, body, &r);
    if (r.status != status || strcmp(r.body, want) != 0)
        fail_msg("%s %s: %ld %s\nwanted %ld %s", method, path, r.status, r.body,
                 status, want);
    http_result_free(&r);
}

/* tmpl with each "{K}" of vars (K, value, ..., NULL) replaced. */
static const char *
expand(const char *tmpl, const char *const *vars)
{
    static char out[4][TEXT_MAX];
    static int next;
    char *o = out[next++ % 4];
    size_t used = 0, i, n;

    while (*tmpl != '\0' && used + 1 < TEXT_MAX) {
        for (i = 0; vars != NULL && vars[i] != NULL; i += 2) {
            n = strlen(vars[i]);
            if (tmpl[0] == '{' && strncmp(tmpl + 1, vars[i], n) == 0 &&
                tmpl[n + 1] == '}')
                break;
        }
        if (vars != NULL && vars[i] != NULL) {
            used +=
                (size_t)snprintf(o + used, TEXT_MAX - used, "%s", vars[i + 1]);
            tmpl += strlen(vars[i]) + 2;
        } else {
            o[used++] = *tmpl++;
        }
    }
    o[used] = '\0';
    return o;
}

/* POST jobs/ingest (or jobs/query) with body: the new job's id. */
static void
create(struct fixture *f, const char *path, const char *body, char id[19])
{
    struct http_result r;
    json_t *j;

    assert_int_equal(call(f, "POST", path, "application/json", body, &r), 200);
    j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    snprintf(id, 19, "%s", json_string_value(json_object_get(j, "id")));
    json_decref(j);
    http_result_free(&r);
}

static void
upload(struct fixture *f, const char *id, const char *csv)
{
    char path[128];

    snprintf(path, sizeof(path), INGEST "/%s/batches", id);
    expect(f, "PUT", path, "text/csv", csv, 201, "");
}

static void
set_state(struct fixture *f, const char *kind_path, const char *id,
          const char *state, long status)
{
    struct http_result r;
    char path[128], body[64];

    snprintf(path, sizeof(path), "%s/%s", kind_path, id);
    snprintf(body, sizeof(body), "{\"state\":\"%s\"}", state);
    assert_int_equal(call(f, "PATCH", path, "application/json", body, &r),
                     status);
    http_result_free(&r);
}

/* GET path with the token: 200 and JSON (new reference). */
static json_t *
get_json(struct fixture *f, const char *path)
{
    struct http_result r;
    json_t *j;

    assert_int_equal(call(f, "GET", path, NULL, NULL, &r), 200);
    j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    http_result_free(&r);
    return j;
}

/* A job's info (new reference). */
static json_t *
info(struct fixture *f, const char *kind_path, const char *id)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/%s", kind_path, id);
    return get_json(f, path);
}

static long long
num(json_t *j, const char *key)
{
    return (long long)json_integer_value(json_object_get(j, key));
}

static const char *
str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

/* The 18-character ids of the stored Leads, in creation order. */
static size_t
lead_ids(struct fixture *f, char ids[][19], size_t max)
{
    json_t *arr = httpc_get_json(f->sim.http, "/__sim/records/Lead", NULL);
    size_t i, total = json_array_size(arr), n = total < max ? total : max;

    for (i = 0; i < n; i++)
        snprintf(ids[i], 19, "%s", str(json_array_get(arr, i), "Id"));
    json_decref(arr);
    return total;
}

/* A job's result set, compared whole. */
static void
expect_results(struct fixture *f, const char *id, const char *set,
               const char *want)
{
    char path[160];

    snprintf(path, sizeof(path), INGEST "/%s/%s/", id, set);
    expect(f, "GET", path, NULL, NULL, 200, want);
}

/* --- ingest ----------------------------------------------------------------
 */

static const char job_open[] =
    "{\n  \"id\" : \"{ID}\",\n  \"operation\" : \"insert\",\n"
    "  \"object\" : \"Lead\",\n  \"createdById\" : \"" USER "\",\n"
    "  \"createdDate\" : \"" WHEN "\",\n  \"systemModstamp\" : \"" WHEN
    "\",\n  \"state\" : \"Open\",\n  \"concurrencyMode\" : \"Parallel\",\n"
    "  \"contentType\" : \"CSV\",\n  \"apiVersion\" : 60.0,\n"
    "  \"contentUrl\" : \"services/data/v60.0/jobs/ingest/{ID}/batches\",\n"
    "  \"lineEnding\" : \"LF\",\n  \"columnDelimiter\" : \"COMMA\"\n}";

static void
test_insert_lifecycle(void **state)
{
    struct fixture *f = *state;
    struct http_result r;
    char id[19], ids[4][19], path[128];
    const char *vars[] = {"ID", id, "A", ids[0], "B", ids[1], NULL};

    assert_int_equal(call(f, "POST", INGEST, "application/json",
                          "{\"object\":\"Lead\",\"operation\":\"insert\"}", &r),
                     200);
    snprintf(id, sizeof(id), "%.18s", strstr(r.body, "750"));
    assert_string_equal(r.body, expand(job_open, vars));
    http_result_free(&r);
    upload(f, id,
           "LastName,Company,Email,Phone\n"
           "Lovelace,Acme,ada@example.com,(555) 123-4567\n"
           "\"Byron, Lord\",Acme,byron@example.com,12\n"
           "Babbage,\"The \"\"Engine\"\" Co\",charles@example.com,\n"
           "NoCompany,,x@example.com,\n");
    snprintf(path, sizeof(path), INGEST "/%s", id);
    expect(f, "PATCH", path, "application/json",
           "{\"state\":\"UploadComplete\"}", 200,
           expand("{\n  \"id\" : \"{ID}\",\n  \"operation\" : \"insert\",\n"
                  "  \"object\" : \"Lead\",\n  \"createdById\" : \"" USER
                  "\",\n  \"createdDate\" : \"" WHEN
                  "\",\n  \"systemModstamp\" : \"" WHEN
                  "\",\n  \"state\" : \"UploadComplete\",\n"
                  "  \"concurrencyMode\" : \"Parallel\",\n"
                  "  \"contentType\" : \"CSV\",\n  \"apiVersion\" : 60.0\n}",
                  vars));
    simtest_advance(&f->sim, 1);
    expect(f, "GET", path, NULL, NULL, 200,
           expand("{\n  \"id\" : \"{ID}\",\n  \"operation\" : \"insert\",\n"
                  "  \"object\" : \"Lead\",\n  \"createdById\" : \"" USER
                  "\",\n  \"createdDate\" : \"" WHEN
                  "\",\n  \"systemModstamp\" : "
                  "\"2026-03-02T14:00:00.000+0000\",\n"
                  "  \"state\" : \"JobComplete\",\n"
                  "  \"concurrencyMode\" : \"Parallel\",\n"
                  "  \"contentType\" : \"CSV\",\n  \"apiVersion\" : 60.0,\n"
                  "  \"jobType\" : \"V2Ingest\",\n  \"lineEnding\" : \"LF\",\n"
                  "  \"columnDelimiter\" : \"COMMA\",\n"
                  "  \"numberRecordsProcessed\" : 4,\n"
                  "  \"numberRecordsFailed\" : 2,\n  \"retries\" : 0,\n"
                  "  \"totalProcessingTime\" : 40,\n"
                  "  \"apiActiveProcessingTime\" : 40,\n"
                  "  \"apexProcessingTime\" : 0\n}",
                  vars));
    assert_int_equal(lead_ids(f, ids, 4), 2);
    expect_results(f, id, "successfulResults",
                   expand("\"sf__Id\",\"sf__Created\",LastName,Company,Email,"
                          "Phone\n"
                          "\"{A}\",\"true\",\"Lovelace\",\"Acme\","
                          "\"ada@example.com\",\"(555) 123-4567\"\n"
                          "\"{B}\",\"true\",\"Babbage\",\"The \"\"Engine\"\" "
                          "Co\",\"charles@example.com\",\"\"\n",
                          vars));
    expect_results(
        f, id, "failedResults",
        "\"sf__Id\",\"sf__Error\",LastName,Company,Email,Phone\n"
        "\"\",\"FIELD_CUSTOM_VALIDATION_EXCEPTION:Please enter a 10-digit "
        "phone number.:Phone --\",\"Byron, Lord\",\"Acme\","
        "\"byron@example.com\",\"12\"\n"
        "\"\",\"REQUIRED_FIELD_MISSING:Required fields are missing: "
        "[Company]:Company --\",\"NoCompany\",\"\",\"x@example.com\",\"\"\n");
    expect_results(f, id, "unprocessedrecords",
                   "LastName,Company,Email,Phone\n");
    /* Deleted: gone for good. */
    expect(f, "DELETE", path, NULL, NULL, 204, "");
    expect(f, "GET", path, NULL, NULL, 404,
           "[ {\n  \"errorCode\" : \"NOT_FOUND\",\n"
           "  \"message\" : \"The requested resource does not exist\"\n} ]");
}

/* "LastName,Company\n" and n rows. */
static char *
rows_csv(size_t n)
{
    struct buf b;
    size_t i;

    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "LastName,Company,Email\n");
    for (i = 0; i < n; i++)
        buf_printf(&b, "Lead %zu,Acme,lead%zu@example.com\n", i, i);
    return buf_steal(&b, NULL);
}

static size_t
record_entries(struct fixture *f, const char *verdict)
{
    json_t *all = simtest_journal(&f->sim, 0), *e;
    size_t i, n = 0;

    json_array_foreach(all, i, e) {
        if (strcmp(str(e, "kind"), "record") == 0 &&
            (verdict == NULL || strcmp(str(e, "verdict"), verdict) == 0))
            n++;
    }
    json_decref(all);
    return n;
}

static void
test_half_done_then_the_clock_moves(void **state)
{
    struct fixture *f = *state;
    char *csv = rows_csv(1000), id[19];
    json_t *j;

    create(f, INGEST, "{\"object\":\"Lead\",\"operation\":\"insert\"}", id);
    upload(f, id, csv);
    set_state(f, INGEST, id, "UploadComplete", 200);
    /* 100 rows a second, saved 200 at a time: 400 after 4.5 s. */
    simtest_advance(&f->sim, 4.5);
    j = info(f, INGEST, id);
    assert_string_equal(str(j, "state"), "InProgress");
    assert_int_equal(num(j, "numberRecordsProcessed"), 400);
    assert_int_equal(num(j, "totalProcessingTime"), 0);
    assert_int_equal(num(j, "apiActiveProcessingTime"), 4000);
    json_decref(j);
    assert_int_equal(simtest_count(&f->sim, "Lead"), 400);
    assert_int_equal(record_entries(f, "created"), 400);
    simtest_advance(&f->sim, 6);
    j = info(f, INGEST, id);
    assert_string_equal(str(j, "state"), "JobComplete");
    assert_int_equal(num(j, "numberRecordsProcessed"), 1000);
    assert_int_equal(num(j, "totalProcessingTime"), 10000);
    assert_string_equal(str(j, "systemModstamp"),
                        "2026-03-02T14:00:10.000+0000");
    json_decref(j);
    assert_int_equal(simtest_count(&f->sim, "Lead"), 1000);
    assert_int_equal(record_entries(f, "created"), 1000);
    free(csv);
}

static void
test_bad_header_fails_the_job(void **state)
{
    struct fixture *f = *state;
    char id[19], path[128];
    json_t *j;

    create(f, INGEST, "{\"object\":\"Lead\",\"operation\":\"insert\"}", id);
    upload(f, id, "LastName,Company,Shoe_Size__c\nA,B,42\nC,D,43\n");
    set_state(f, INGEST, id, "UploadComplete", 200);
    simtest_advance(&f->sim, 1);
    j = info(f, INGEST, id);
    assert_string_equal(str(j, "state"), "Failed");
    assert_string_equal(str(j, "errorMessage"),
                        "InvalidBatch : Field name not found : Shoe_Size__c");
    assert_int_equal(num(j, "numberRecordsProcessed"), 0);
    assert_int_equal(num(j, "numberRecordsFailed"), 0);
    json_decref(j);
    expect_results(f, id, "unprocessedrecords",
                   "LastName,Company,Shoe_Size__c\n\"A\",\"B\",\"42\"\n"
                   "\"C\",\"D\",\"43\"\n");
    expect_results(f, id, "failedResults",
                   "\"sf__Id\",\"sf__Error\",LastName,Company,Shoe_Size__c\n");
    assert_int_equal(simtest_count(&f->sim, "Lead"), 0);
    snprintf(path, sizeof(path), INGEST "/%s", id);
    expect(f, "DELETE", path, NULL, NULL, 204, "");
}

/* [ {"errorCode": code, "message": message} ] as the Bulk API writes it. */
static const char *
error_json(const char *code, const char *message)
{
    const char *vars[] = {"C", code, "M", message, NULL};

    return expand("[ {\n  \"errorCode\" : \"{C}\",\n  \"message\" : \"{M}\"\n"
                  "} ]",
                  vars);
}

static void
test_wrong_state_errors(void **state)
{
    struct fixture *f = *state;
    char id[19], id15[16], path[128], batches[160], msg[400];

    create(f, INGEST, "{\"object\":\"Lead\",\"operation\":\"insert\"}", id);
    snprintf(id15, sizeof(id15), "%.15s", id);
    snprintf(path, sizeof(path), INGEST "/%s", id);
    snprintf(batches, sizeof(batches), "%s/batches", path);
    /* Open: no delete; a second upload is refused in Salesforce's words. */
    expect(f, "DELETE", path, NULL, NULL, 400,
           error_json("INVALIDJOBSTATE", "Deleting Open Job not allowed"));
    expect(f, "PUT", batches, "application/json", "{}", 415,
           error_json("UNSUPPORTED_MEDIA_TYPE",
                      "MediaType of 'application/json' is not supported by "
                      "this resource"));
    upload(f, id, "LastName,Company\nA,B\n");
    snprintf(msg, sizeof(msg),
             "Found multipe contents for job: <%s>, please 'Close' / "
             "'Abort' / 'Delete' the current Job then create a new Job and "
             "make sure you only do 'PUT' once on a given Job.",
             id15);
    expect(f, "PUT", batches, "text/csv", "LastName,Company\nC,D\n", 400,
           error_json("BULK_API_ERROR", msg));
    expect(f, "PATCH", path, "application/json", "{\"state\":\"Finished\"}",
           400,
           error_json("API_ERROR",
                      "Invalid value: 'Finished' supplied for property: "
                      "'state'"));
    expect(f, "PATCH", path, "application/json", "{\"state\":\"InProgress\"}",
           400,
           error_json("INVALIDJOBSTATE",
                      "Changing the state of a Job to InProgress not "
                      "allowed"));
    set_state(f, INGEST, id, "UploadComplete", 200);
    expect(f, "PUT", batches, "text/csv", "LastName,Company\nC,D\n", 400,
           error_json("INVALIDJOBSTATE",
                      "Uploading data to already UploadComplete Job not "
                      "allowed"));
    expect(f, "PATCH", path, "application/json",
           "{\"state\":\"UploadComplete\"}", 400,
           error_json("INVALIDJOBSTATE",
                      "Closing already UploadComplete Job not allowed"));
    simtest_advance(&f->sim, 1);
    /* The one message a real capture gives (restforce #905). */
    expect(f, "PATCH", path, "application/json", "{\"state\":\"Aborted\"}", 400,
           error_json("INVALIDJOBSTATE",
                      "Aborting already Completed Job not allowed"));
    expect(f, "GET", INGEST "/750000000000000AAA", NULL, NULL, 404,
           error_json("NOT_FOUND", "The requested resource does not exist"));
}

static void
test_bad_create_requests(void **state)
{
    struct fixture *f = *state;

    /* facts 3.2 */
    expect(f, "POST", INGEST, "application/json",
           "{\"object\":\"Lead\",\"operation\":\"merge\"}", 400,
           error_json("API_ERROR",
                      "Invalid value: 'merge' supplied for property: "
                      "'operation'"));
    expect(f, "POST", INGEST, "application/json", "{\"object\":\"Lead\"}", 400,
           error_json("API_ERROR", "Invalid value: '' supplied for property: "
                                   "'operation'"));
    expect(f, "POST", INGEST, "application/json",
           "{\"object\":\"Widget\",\"operation\":\"insert\"}", 400,
           error_json("INVALIDJOB", "InvalidJob : Unable to find object: "
                                    "Widget"));
    expect(f, "POST", INGEST, "application/json",
           "{\"object\":\"Lead\",\"operation\":\"upsert\"}", 400,
           error_json("INVALIDJOB",
                      "InvalidJob : Field name provided,  does not match an "
                      "External ID for Lead"));
    expect(f, "POST", INGEST, "application/json",
           "{\"object\":\"Lead\",\"operation\":\"upsert\","
           "\"externalIdFieldName\":\"Email\"}",
           400,
           error_json("INVALIDJOB",
                      "InvalidJob : Field name provided, Email does not "
                      "match an External ID for Lead"));
    expect(f, "POST", INGEST, "application/json",
           "{\"object\":\"Lead\",\"operation\":\"insert\","
           "\"contentType\":\"JSON\"}",
           400,
           error_json("API_ERROR",
                      "Invalid value: 'JSON' supplied for property: "
                      "'contentType'"));
    expect(f, "POST", INGEST, "application/json",
           "{\"object\":\"Lead\",\"operation\":\"insert\","
           "\"columnDelimiter\":\"COLON\"}",
           400,
           error_json("API_ERROR",
                      "Invalid value: 'COLON' supplied for property: "
                      "'columnDelimiter'"));
    expect(f, "POST", INGEST, "application/json",
           "{\"object\":\"Lead\",\"operation\":\"insert\","
           "\"lineEnding\":\"CR\"}",
           400,
           error_json("API_ERROR", "Invalid value: 'CR' supplied for property: "
                                   "'lineEnding'"));
    /* Bulk API 2.0 starts at v41.0, its queries at v47.0. */
    expect(f, "POST", "/services/data/v40.0/jobs/ingest", "application/json",
           "{\"object\":\"Lead\",\"operation\":\"insert\"}", 404,
           "[{\"message\":\"The requested resource does not exist\","
           "\"errorCode\":\"NOT_FOUND\"}]");
    expect(f, "GET", "/services/data/v46.0/jobs/query", NULL, NULL, 404,
           "[{\"message\":\"The requested resource does not exist\","
           "\"errorCode\":\"NOT_FOUND\"}]");
}

/* Runs one job of op over csv to its end; its id into id. */
static void
run_job(struct fixture *f, const char *op_json, const char *csv, char id[19])
{
    create(f, INGEST, op_json, id);
    upload(f, id, csv);
    set_state(f, INGEST, id, "UploadComplete", 200);
    simtest_advance(&f->sim, 60);
}

static void
test_upsert_update_delete(void **state)
{
    struct fixture *f = *state;
    char id[19], ids[4][19], bad_id[19];
    const char *vars[] = {"A",    ids[0], "B",    ids[1], "C",
                          ids[2], "X",    bad_id, NULL};
    json_t *rec;

    run_job(f,
            "{\"object\":\"Lead\",\"operation\":\"upsert\","
            "\"externalIdFieldName\":\"source_lead_id__c\"}",
            "source_lead_id__c,LastName,Company,Phone\n"
            "S-1,One,Acme,5551234567\nS-2,Two,Acme,5551234567\n",
            id);
    assert_int_equal(lead_ids(f, ids, 4), 2);
    /* Again: S-1 (any case) is updated, S-3 created, S-9 twice refused. */
    run_job(f,
            "{\"object\":\"Lead\",\"operation\":\"upsert\","
            "\"externalIdFieldName\":\"source_lead_id__c\"}",
            "source_lead_id__c,LastName,Company\n"
            "s-1,One Again,\nS-3,Three,Acme\nS-9,Nine,Acme\nS-9,Nine,Acme\n",
            id);
    assert_int_equal(lead_ids(f, ids, 4), 4);
    expect_results(f, id, "successfulResults",
                   expand("\"sf__Id\",\"sf__Created\",source_lead_id__c,"
                          "LastName,Company\n"
                          "\"{A}\",\"false\",\"s-1\",\"One Again\",\"\"\n"
                          "\"{C}\",\"true\",\"S-3\",\"Three\",\"Acme\"\n"
                          "\"{D}\",\"true\",\"S-9\",\"Nine\",\"Acme\"\n",
                          (const char *const[]){"A", ids[0], "C", ids[2], "D",
                                                ids[3], NULL}));
    expect_results(f, id, "failedResults",
                   "\"sf__Id\",\"sf__Error\",source_lead_id__c,LastName,"
                   "Company\n"
                   "\"\",\"DUPLICATE_EXTERNAL_ID:Duplicate external id "
                   "specified: S-9:source_lead_id__c --\",\"S-9\",\"Nine\","
                   "\"Acme\"\n");
    rec = httpc_get_json(f->sim.http, "/__sim/records/Lead", NULL);
    /* The key keeps its stored spelling; an empty value changes nothing. */
    assert_string_equal(str(json_array_get(rec, 0), "source_lead_id__c"),
                        "S-1");
    assert_string_equal(str(json_array_get(rec, 0), "LastName"), "One Again");
    assert_string_equal(str(json_array_get(rec, 0), "Company"), "Acme");
    json_decref(rec);
    /* Update by Id: #N/A clears a field; an unknown or foreign Id fails. */
    /* An Account prefix on a Lead's number: not a Lead id. */
    memcpy(bad_id, ids[1], sizeof(bad_id));
    memcpy(bad_id, "001", 3);
    run_job(f, "{\"object\":\"Lead\",\"operation\":\"update\"}",
            expand("Id,Phone,Title\n{B},#N/A,CEO\n{X},,\n,,x\n", vars), id);
    expect_results(f, id, "successfulResults",
                   expand("\"sf__Id\",\"sf__Created\",Id,Phone,Title\n"
                          "\"{B}\",\"false\",\"{B}\",\"#N/A\",\"CEO\"\n",
                          vars));
    expect_results(
        f, id, "failedResults",
        expand("\"sf__Id\",\"sf__Error\",Id,Phone,Title\n"
               "\"\",\"MALFORMED_ID:Lead ID: id value of incorrect type: "
               "{X}:Id --\",\"{X}\",\"\",\"\"\n"
               "\"\",\"MISSING_ARGUMENT:Id not specified in an update "
               "call:--\",\"\",\"\",\"x\"\n",
               vars));
    rec = httpc_get_json(f->sim.http, "/__sim/records/Lead", NULL);
    assert_true(json_is_null(json_object_get(json_array_get(rec, 1), "Phone")));
    assert_string_equal(str(json_array_get(rec, 1), "Title"), "CEO");
    json_decref(rec);
    /* Delete, then delete again. */
    run_job(f, "{\"object\":\"Lead\",\"operation\":\"delete\"}",
            expand("Id\n{A}\n{B}\n", vars), id);
    expect_results(f, id, "successfulResults",
                   expand("\"sf__Id\",\"sf__Created\",Id\n"
                          "\"{A}\",\"false\",\"{A}\"\n"
                          "\"{B}\",\"false\",\"{B}\"\n",
                          vars));
    run_job(f, "{\"object\":\"Lead\",\"operation\":\"hardDelete\"}",
            expand("Id\n{A}\n", vars), id);
    expect_results(f, id, "failedResults",
                   expand("\"sf__Id\",\"sf__Error\",Id\n"
                          "\"\",\"ENTITY_IS_DELETED:entity is deleted:--\","
                          "\"{A}\"\n",
                          vars));
    assert_int_equal(simtest_count(&f->sim, "Lead"), 2);
}

static void
test_pipe_crlf_and_type_errors(void **state)
{
    struct fixture *f = *state;
    char id[19], ids[2][19];
    const char *vars[] = {"A", ids[0], NULL};
    json_t *j;

    run_job(f,
            "{\"object\":\"Lead\",\"operation\":\"insert\","
            "\"columnDelimiter\":\"PIPE\",\"lineEnding\":\"CRLF\"}",
            "LastName|Company|injury_date__c\r\n"
            "\"Pipe | Inc\"|Acme|2026-01-31\r\n"
            "Bad|Acme|31/01/2026\r\n"
            "Quote| \"Acme\"|\r\n",
            id);
    j = info(f, INGEST, id);
    assert_string_equal(str(j, "lineEnding"), "CRLF");
    assert_string_equal(str(j, "columnDelimiter"), "PIPE");
    json_decref(j);
    assert_int_equal(lead_ids(f, ids, 2), 1);
    expect_results(f, id, "successfulResults",
                   expand("\"sf__Id\"|\"sf__Created\"|LastName|Company|"
                          "injury_date__c\r\n"
                          "\"{A}\"|\"true\"|\"Pipe | Inc\"|\"Acme\"|"
                          "\"2026-01-31\"\r\n",
                          vars));
    /* facts 3.6: a value its type cannot hold, column counted from 0. */
    expect_results(
        f, id, "failedResults",
        "\"sf__Id\"|\"sf__Error\"|LastName|Company|injury_date__c\r\n"
        "\"\"|\"INVALID_FIELD:Failed to deserialize field at col 2. Due to, "
        "'31/01/2026' is not a valid value for the type "
        "xsd:date:injury_date__c --\"|\"Bad\"|\"Acme\"|\"31/01/2026\"\r\n"
        "\"\"|\"INVALID_FIELD:Invalid CSV record: a double quote must open "
        "or close a value:--\"|\"Quote\"|\" \"\"Acme\"\"\"|\"\"\r\n");
}

/* --- query -----------------------------------------------------------------
 */

static const char query_created[] =
    "{\n  \"id\" : \"{ID}\",\n  \"operation\" : \"query\",\n"
    "  \"object\" : \"Lead\",\n  \"createdById\" : \"" USER "\",\n"
    "  \"createdDate\" : \"2026-03-02T14:01:00.000+0000\",\n"
    "  \"systemModstamp\" : \"2026-03-02T14:01:00.000+0000\",\n"
    "  \"state\" : \"UploadComplete\",\n"
    "  \"concurrencyMode\" : \"Parallel\",\n  \"contentType\" : \"CSV\",\n"
    "  \"apiVersion\" : 60.0,\n  \"lineEnding\" : \"LF\",\n"
    "  \"columnDelimiter\" : \"COMMA\"\n}";

/* GET results with query: the status, the body and the two headers. */
static void
expect_page(struct fixture *f, const char *id, const char *query,
            const char *want, const char *locator, const char *count)
{
    struct http_result r;
    char path[256], h[64];

    snprintf(path, sizeof(path), QUERY "/%s/results%s", id, query);
    assert_int_equal(call(f, "GET", path, NULL, NULL, &r), 200);
    assert_string_equal(r.body, want);
    assert_string_equal(http_header(&r, "Sforce-Locator", h, sizeof(h)),
                        locator);
    assert_string_equal(http_header(&r, "Sforce-NumberOfRecords", h, sizeof(h)),
                        count);
    http_result_free(&r);
}

static void
test_query_paged_by_locator(void **state)
{
    struct fixture *f = *state;
    char id[19], ids[5][19], path[128];
    const char *vars[] = {"ID",   id,  "A",    ids[0], "B",    ids[1], "C",
                          ids[2], "D", ids[3], "E",    ids[4], NULL};
    struct http_result r;
    json_t *j;

    run_job(f, "{\"object\":\"Lead\",\"operation\":\"insert\"}",
            "LastName,Company,Email\nA,Acme,a@x.com\nB,Acme,\n"
            "C,\"Quote \"\"Co\"\"\",c@x.com\nD,Acme,d@x.com\nE,Acme,e@x.com\n",
            id);
    assert_int_equal(lead_ids(f, ids, 5), 5);
    assert_int_equal(
        call(f, "POST", QUERY, "application/json",
             "{\"operation\":\"query\",\"query\":\"SELECT Id, LastName, "
             "Company, Email FROM Lead ORDER BY LastName\"}",
             &r),
        200);
    snprintf(id, sizeof(id), "%.18s", strstr(r.body, "750"));
    assert_string_equal(r.body, expand(query_created, vars));
    http_result_free(&r);
    snprintf(path, sizeof(path), QUERY "/%s/results", id);
    /* Not complete yet: no time has passed. */
    expect(f, "GET", path, NULL, NULL, 400,
           error_json("INVALIDJOBSTATE",
                      "Getting the results of UploadComplete Job not "
                      "allowed"));
    simtest_advance(&f->sim, 1);
    j = info(f, QUERY, id);
    assert_string_equal(str(j, "state"), "JobComplete");
    assert_string_equal(str(j, "jobType"), "V2Query");
    assert_int_equal(num(j, "numberRecordsProcessed"), 5);
    assert_true(json_is_true(json_object_get(j, "isPkChunkingSupported")));
    assert_null(json_object_get(j, "numberRecordsFailed"));
    json_decref(j);
    expect_page(f, id, "?maxRecords=2",
                expand("\"Id\",\"LastName\",\"Company\",\"Email\"\n"
                       "\"{A}\",\"A\",\"Acme\",\"a@x.com\"\n"
                       "\"{B}\",\"B\",\"Acme\",\"\"\n",
                       vars),
                "Mg", "2");
    expect_page(f, id, "?maxRecords=2&locator=Mg",
                expand("\"Id\",\"LastName\",\"Company\",\"Email\"\n"
                       "\"{C}\",\"C\",\"Quote \"\"Co\"\"\",\"c@x.com\"\n"
                       "\"{D}\",\"D\",\"Acme\",\"d@x.com\"\n",
                       vars),
                "NA", "2");
    expect_page(f, id, "?maxRecords=2&locator=NA",
                expand("\"Id\",\"LastName\",\"Company\",\"Email\"\n"
                       "\"{E}\",\"E\",\"Acme\",\"e@x.com\"\n",
                       vars),
                "null", "1");
    expect(f, "GET",
           expand("{P}?locator=bm9wZQ", (const char *const[]){"P", path, NULL}),
           NULL, NULL, 400,
           error_json("API_ERROR",
                      "Invalid value: 'bm9wZQ' supplied for property: "
                      "'locator'"));
    snprintf(path, sizeof(path), QUERY "/%s", id);
    expect(f, "DELETE", path, NULL, NULL, 204, "");
}

static void
test_query_errors_abort_and_csv_options(void **state)
{
    struct fixture *f = *state;
    char id[19], path[128];
    json_t *j;

    expect(f, "POST", QUERY, "application/json",
           "{\"operation\":\"query\",\"query\":\"SELECT COUNT() FROM Lead\"}",
           400,
           error_json("API_ERROR",
                      "COUNT() is not supported in a Bulk API 2.0 query"));
    expect(f, "POST", QUERY, "application/json",
           "{\"operation\":\"insert\",\"query\":\"SELECT Id FROM Lead\"}", 400,
           error_json("API_ERROR",
                      "Invalid value: 'insert' supplied for property: "
                      "'operation'"));
    expect(f, "POST", QUERY, "application/json",
           "{\"operation\":\"query\",\"query\":\"SELECT Nope FROM Lead\"}", 400,
           error_json("INVALID_FIELD",
                      "\\nSELECT Nope FROM Lead\\n       ^\\nERROR at "
                      "Row:1:Column:8\\nNo such column 'Nope' on entity "
                      "'Lead'. If you are attempting to use a custom field, "
                      "be sure to append the '__c' after the custom field "
                      "name. Please reference your WSDL or the describe call "
                      "for the appropriate names."));
    create(f, QUERY,
           "{\"operation\":\"queryAll\",\"query\":\"SELECT Id FROM Lead\","
           "\"columnDelimiter\":\"TAB\",\"lineEnding\":\"CRLF\"}",
           id);
    set_state(f, QUERY, id, "UploadComplete", 400);
    set_state(f, QUERY, id, "Aborted", 200);
    j = info(f, QUERY, id);
    assert_string_equal(str(j, "state"), "Aborted");
    assert_string_equal(str(j, "operation"), "queryAll");
    assert_string_equal(str(j, "columnDelimiter"), "TAB");
    json_decref(j);
    /* A query job is not an ingest job. */
    snprintf(path, sizeof(path), INGEST "/%s", id);
    expect(f, "GET", path, NULL, NULL, 404,
           error_json("NOT_FOUND", "The requested resource does not exist"));
    create(f, QUERY,
           "{\"operation\":\"query\",\"query\":\"SELECT Id, LastName FROM "
           "Lead\",\"columnDelimiter\":\"SEMICOLON\",\"lineEnding\":"
           "\"CRLF\"}",
           id);
    simtest_advance(&f->sim, 1);
    expect_page(f, id, "", "\"Id\";\"LastName\"\r\n", "null", "0");
}

static void
test_job_list_pages(void **state)
{
    struct fixture *f = *state;
    char id[19], url[256];
    json_t *j, *recs;
    size_t i;

    for (i = 0; i < 1001; i++)
        create(f, INGEST, "{\"object\":\"Lead\",\"operation\":\"insert\"}", id);
    create(f, QUERY,
           "{\"operation\":\"query\",\"query\":\"SELECT Id FROM "
           "Lead\"}",
           id);
    j = get_json(f, INGEST);
    recs = json_object_get(j, "records");
    assert_false(json_is_true(json_object_get(j, "done")));
    assert_int_equal(json_array_size(recs), 1000);
    assert_string_equal(str(json_array_get(recs, 0), "jobType"), "V2Ingest");
    assert_null(json_object_get(json_array_get(recs, 0), "contentUrl"));
    snprintf(url, sizeof(url), "%s", str(j, "nextRecordsUrl"));
    assert_string_equal(url, V "/jobs/ingest?queryLocator=MTAwMQ");
    json_decref(j);
    j = get_json(f, url);
    assert_true(json_is_true(json_object_get(j, "done")));
    assert_int_equal(json_array_size(json_object_get(j, "records")), 1);
    assert_true(json_is_null(json_object_get(j, "nextRecordsUrl")));
    json_decref(j);
    expect(f, "GET", INGEST "?isPkChunkingEnabled=true", NULL, NULL, 200,
           "{\n  \"done\" : true,\n  \"records\" : [ ],\n"
           "  \"nextRecordsUrl\" : null\n}");
    expect(f, "GET", INGEST "?jobType=Classic", NULL, NULL, 200,
           "{\n  \"done\" : true,\n  \"records\" : [ ],\n"
           "  \"nextRecordsUrl\" : null\n}");
    expect(f, "GET", INGEST "?jobType=V2Query", NULL, NULL, 400,
           error_json("API_ERROR",
                      "Invalid value: 'V2Query' supplied for property: "
                      "'jobType'"));
    expect(f, "GET", QUERY, NULL, NULL, 200,
           expand("{\n  \"done\" : true,\n  \"records\" : [ {\n"
                  "    \"id\" : \"{ID}\",\n    \"operation\" : \"query\",\n"
                  "    \"object\" : \"Lead\",\n    \"createdById\" : \"" USER
                  "\",\n    \"createdDate\" : \"" WHEN
                  "\",\n    \"systemModstamp\" : \"" WHEN
                  "\",\n    \"state\" : \"UploadComplete\",\n"
                  "    \"concurrencyMode\" : \"Parallel\",\n"
                  "    \"contentType\" : \"CSV\",\n"
                  "    \"apiVersion\" : 60.0,\n"
                  "    \"jobType\" : \"V2Query\",\n"
                  "    \"lineEnding\" : \"LF\",\n"
                  "    \"columnDelimiter\" : \"COMMA\"\n  } ],\n"
                  "  \"nextRecordsUrl\" : null\n}",
                  (const char *const[]){"ID", id, NULL}));
}

/* --- faults, allocations, caps ------------------------------------------- */

static void
add_fault(struct fixture *f, const char *rule)
{
    long status;
    json_t *j =
        httpc_send_json(f->sim.http, "POST", "/__sim/faults", rule, &status);

    if (status != 201)
        fail_msg("fault %s: %ld", rule, status);
    json_decref(j);
}

/* GET /__sim/faults: rule i's count of injections. */
static long long
injected(struct fixture *f, size_t i)
{
    json_t *j = httpc_get_json(f->sim.http, "/__sim/faults", NULL);
    long long n =
        num(json_array_get(json_object_get(j, "faults"), i), "injected");

    json_decref(j);
    return n;
}

static void
test_faults_inside_jobs(void **state)
{
    struct fixture *f = *state;
    char *csv = rows_csv(600), id[19], path[160];
    json_t *j;

    /* One row by a value (h14a's record scope), a job part-way, and a
     * results download. */
    add_fault(f, "{\"path\": \"/services/data\", \"scope\": \"record\", "
                 "\"field\": \"LastName\", \"value\": \"Lead 7\", "
                 "\"error_code\": \"UNABLE_TO_LOCK_ROW\"}");
    add_fault(f, "{\"path\": \"/services/data/*/jobs/ingest/*\", "
                 "\"action\": \"fail_job\", \"after_records\": 400, "
                 "\"times\": 1}");
    add_fault(f, "{\"path\": \"/services/data/*/jobs/ingest/*/"
                 "successfulResults*\", \"error_code\": "
                 "\"UNKNOWN_EXCEPTION\", \"times\": 1}");
    run_job(f, "{\"object\":\"Lead\",\"operation\":\"insert\"}", csv, id);
    j = info(f, INGEST, id);
    assert_string_equal(str(j, "state"), "Failed");
    assert_string_equal(str(j, "errorMessage"),
                        "InternalServerError : An unexpected error occurred "
                        "while processing the job");
    assert_int_equal(num(j, "numberRecordsProcessed"), 400);
    assert_int_equal(num(j, "numberRecordsFailed"), 1);
    json_decref(j);
    expect_results(f, id, "failedResults",
                   "\"sf__Id\",\"sf__Error\",LastName,Company,Email\n"
                   "\"\",\"UNABLE_TO_LOCK_ROW:unable to obtain exclusive "
                   "access to this record:--\",\"Lead 7\",\"Acme\","
                   "\"lead7@example.com\"\n");
    snprintf(path, sizeof(path), INGEST "/%s/successfulResults/", id);
    expect(f, "GET", path, NULL, NULL, 500,
           "[{\"message\":\"An unexpected error occurred. Please include "
           "this ErrorId if you contact support: 1291449758-100210 "
           "(-239130079)\",\"errorCode\":\"UNKNOWN_EXCEPTION\"}]");
    assert_int_equal(injected(f, 0), 1);
    assert_int_equal(injected(f, 1), 1);
    assert_int_equal(injected(f, 2), 1);
    /* The 200 rows past the fault were never processed. */
    snprintf(path, sizeof(path), INGEST "/%s/unprocessedrecords/", id);
    j = NULL;
    {
        struct http_result r;
        size_t lines = 0;
        const char *p;

        call(f, "GET", path, NULL, NULL, &r);
        for (p = r.body; *p != '\0'; p++)
            lines += *p == '\n';
        assert_int_equal(lines, 201);
        assert_non_null(strstr(r.body, "\"Lead 400\","));
        http_result_free(&r);
    }
    assert_int_equal(simtest_count(&f->sim, "Lead"), 399);
    free(csv);
}

static void
test_stalled_job_hours_later(void **state)
{
    struct fixture *f = *state;
    char *csv = rows_csv(400), id[19];
    json_t *j;

    add_fault(f, "{\"path\": \"/services/data/v60.0/jobs/ingest\", "
                 "\"action\": \"stall_job\", \"after_records\": 200, "
                 "\"times\": 3}");
    create(f, INGEST, "{\"object\":\"Lead\",\"operation\":\"insert\"}", id);
    upload(f, id, csv);
    set_state(f, INGEST, id, "UploadComplete", 200);
    simtest_advance(&f->sim, 3 * 3600);
    /* Three polls, hours apart, see it held at 200; then it goes on. */
    for (int poll = 0; poll < 3; poll++) {
        j = info(f, INGEST, id);
        assert_string_equal(str(j, "state"), "InProgress");
        assert_int_equal(num(j, "numberRecordsProcessed"), 200);
        json_decref(j);
        simtest_advance(&f->sim, 3600);
    }
    j = info(f, INGEST, id);
    assert_string_equal(str(j, "state"), "JobComplete");
    assert_int_equal(num(j, "numberRecordsProcessed"), 400);
    json_decref(j);
    assert_int_equal(injected(f, 0), 3);
    free(csv);
}

/* DailyX's Remaining in GET limits. */
static long long
remaining(struct fixture *f, const char *name)
{
    json_t *j = get_json(f, V "/limits");
    long long n = num(json_object_get(j, name), "Remaining");

    json_decref(j);
    return n;
}

static void
test_daily_allocations_and_upload_cap(void **state)
{
    struct fixture *f = *state;
    char id[19], path[160];

    assert_int_equal(remaining(f, "DailyBulkApiBatches"), 15000);
    assert_int_equal(remaining(f, "DailyBulkV2QueryJobs"), 1);
    run_job(f, "{\"object\":\"Lead\",\"operation\":\"insert\"}",
            "LastName,Company\nA,B\n", id);
    assert_int_equal(remaining(f, "DailyBulkApiBatches"), 14999);
    create(f, QUERY,
           "{\"operation\":\"query\",\"query\":\"SELECT Id FROM "
           "Lead\"}",
           id);
    assert_int_equal(remaining(f, "DailyBulkV2QueryJobs"), 0);
    expect(f, "POST", QUERY, "application/json",
           "{\"operation\":\"query\",\"query\":\"SELECT Id FROM Lead\"}", 400,
           error_json("EXCEEDEDQUOTA", "ExceededQuota : The daily limit of 1 "
                                       "query jobs has been exceeded"));
    /* The query's result, 1 MB or part of one, counts against storage. */
    simtest_advance(&f->sim, 1);
    assert_int_equal(remaining(f, "DailyBulkV2QueryFileStorageMB"), 976561);
    /* A day later the allocations are back. */
    simtest_advance(&f->sim, 86400);
    assert_int_equal(remaining(f, "DailyBulkV2QueryJobs"), 1);
    assert_int_equal(remaining(f, "DailyBulkApiBatches"), 15000);
    /* This org takes uploads of 64 bytes at most. */
    create(f, INGEST, "{\"object\":\"Lead\",\"operation\":\"insert\"}", id);
    snprintf(path, sizeof(path), INGEST "/%s/batches", id);
    expect(f, "PUT", path, "text/csv",
           "LastName,Company\nAAAAAAAAAA,BBBBBBBBBB\nCCCCCCCCCC,DDDDDDDDDD\n"
           "EEEEEEEEEE,FFFFFFFFFF\n",
           413,
           "[{\"message\":\"Request body exceeds the maximum of 64 bytes\","
           "\"errorCode\":\"REQUEST_ENTITY_TOO_LARGE\"}]");
    upload(f, id, "LastName,Company\nA,B\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_half_done_then_the_clock_moves,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_header_fails_the_job, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wrong_state_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_create_requests, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_upsert_update_delete, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pipe_crlf_and_type_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_query_paged_by_locator, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_query_errors_abort_and_csv_options,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_job_list_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults_inside_jobs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stalled_job_hours_later, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_daily_allocations_and_upload_cap,
                                        setup_small, teardown),
    };

    return cmocka_run_group_tests_name("e2e_bulk", tests, NULL, NULL);
}
