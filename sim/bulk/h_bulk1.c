/*
 * h_bulk1.c - Bulk API 1.0: /services/async/NN.N/job (bulk1.h): create a
 * job (XML or JSON body), its info, close or abort it, add batches (CSV,
 * or JSON for a JSON job; a query job's batch is its SOQL), batch info and
 * list, and batch results.
 *
 * Sessions are the REST API's, sent in X-SFDC-Session (or as a Bearer
 * token). Errors are <error> documents with exceptionCode and
 * exceptionMessage, status 400 as Salesforce answers them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "bulk.h"
#include "bulk1.h"
#include "bulk1xml.h"
#include "bulkrun.h"
#include "extid.h"
#include "handlers.h"
#include "journal.h"
#include "org.h"
#include "parse.h"
#include "schema.h"
#include "sfapi.h"
#include "sim.h"
#include "xmalloc.h"

#define BULK1_MIN_VERSION 20 /* the oldest version sfsim serves */

/* What every request has checked: its version, session and format. */
struct call {
    int version;
    enum bulk1_fmt fmt;
    struct bulk_job *job; /* the job of params[1], when the route has one */
};

/* The format of a request before any job is known: its Content-Type. */
static enum bulk1_fmt
request_fmt(const struct sim_request *req)
{
    char mt[128];

    request_media_type(req, mt, sizeof(mt));
    return strcmp(mt, "application/json") == 0 ? BULK1_JSON : BULK1_XML;
}

/* "NN.N" of the path: the version, or -1 after answering. */
static int
url_version(const struct sim_request *req, struct sim_response *resp,
            enum bulk1_fmt fmt)
{
    const char *seg = req->nparams > 0 ? req->params[0] : "";
    const char *dot = strchr(seg, '.');
    char digits[8];
    int64_t v;
    size_t n = dot != NULL ? (size_t)(dot - seg) : 0;

    if (dot == NULL || strcmp(dot, ".0") != 0 || n == 0 ||
        n >= sizeof(digits) || seg[0] < '1' || seg[0] > '9') {
        bulk1_error(resp, 400, fmt, "InvalidUrl",
                    "The API version in the URL is not valid: %.40s", seg);
        return -1;
    }
    memcpy(digits, seg, n);
    digits[n] = '\0';
    if (parse_int64(digits, 0, 1000, &v) == -1 || v < BULK1_MIN_VERSION ||
        v > SFAPI_VERSION_LATEST) {
        bulk1_error(resp, 400, fmt, "InvalidVersion",
                    "The API version %s.0 is not supported", digits);
        return -1;
    }
    return (int)v;
}

/* The session token: X-SFDC-Session, else "Authorization: Bearer". */
static const char *
session_token(const struct sim_request *req)
{
    const char *h = request_header(req, "X-SFDC-Session");

    if (h == NULL && (h = request_header(req, "Authorization")) != NULL) {
        if (strncasecmp(h, "Bearer ", 7) != 0)
            return NULL;
        h += 7;
    }
    while (h != NULL && *h == ' ')
        h++;
    return h != NULL && *h != '\0' ? h : NULL;
}

/* A valid session of a user with API access; -1 after answering 400
 * InvalidSessionId (what jsforce refreshes on). */
static int
check_session(struct sim *sim, struct sim_request *req,
              struct sim_response *resp, enum bulk1_fmt fmt)
{
    const char *token = session_token(req);
    const struct org_user *user = NULL;

    if (token != NULL &&
        auth_check(sim->auth, sim->org, token, &req->session) == SESSION_VALID)
        user = org_user_find(sim->org, req->session->username);
    if (user != NULL && user->api_enabled && sim->org->api_enabled)
        return 0;
    bulk1_error(resp, 400, fmt, "InvalidSessionId", "Invalid session id");
    resp->verdict = VERDICT_AUTH_FAILED;
    return -1;
}

/* The journal entry names the job (and the batch) and the object. */
static void
note(struct sim_response *resp, const struct bulk_job *j,
     const struct bulk_job *bt)
{
    char id[SFID_LEN18 + 1], bid[SFID_LEN18 + 1];

    sfid_to18(j->id, id);
    if (bt == NULL) {
        response_info(resp, json_pack("{s:s}", "job", id));
    } else {
        bulk1_batch_id(bt, BULK1_BATCH_PREFIX, bid);
        response_info(resp, json_pack("{s:s, s:s}", "job", id, "batch", bid));
    }
}

/*
 * The checks every route shares: version and session, then the job of
 * params[1] when with_job (a Bulk API 1.0 job, else 400 InvalidJob). -1
 * after answering.
 */
static int
begin(struct sim *sim, struct sim_request *req, struct sim_response *resp,
      struct call *c, int with_job)
{
    memset(c, 0, sizeof(*c));
    c->fmt = request_fmt(req);
    if ((c->version = url_version(req, resp, c->fmt)) == -1 ||
        check_session(sim, req, resp, c->fmt) == -1)
        return -1;
    if (!with_job)
        return 0;
    c->job = bulk_find(sim->bulk, req->params[1]);
    if (c->job == NULL || c->job->type != BULK_CLASSIC ||
        c->job->content_type[0] == '\0' || c->job->parent[0] != '\0') {
        bulk1_error(resp, 400, c->fmt, "InvalidJob", "Invalid job id: %.40s",
                    req->params[1]);
        return -1;
    }
    c->fmt = strcmp(c->job->content_type, "JSON") == 0 ? BULK1_JSON : BULK1_XML;
    note(resp, c->job, NULL);
    resp->object = NULL;
    return 0;
}

/* A body of a job request (create or state) as a flat document: XML, or
 * a JSON object of strings. -1 after answering. */
static int
read_body(const struct sim_request *req, struct sim_response *resp,
          enum bulk1_fmt fmt, struct bulk1xml_doc *doc)
{
    struct sf_err err;
    json_t *o, *v;
    const char *k;

    err_clear(&err);
    memset(doc, 0, sizeof(*doc));
    if (req->body_len > BULK1_MAX_JOB_BODY) {
        bulk1_error(resp, 400, fmt, "ClientInputError",
                    "The request body is larger than %d bytes",
                    BULK1_MAX_JOB_BODY);
        return -1;
    }
    if (request_fmt(req) == BULK1_XML) {
        if (bulk1xml_read(req->body, req->body_len, doc, &err) == 0)
            return 0;
        bulk1_error(resp, 400, fmt, "InvalidXML", "%s", err.msg);
        return -1;
    }
    o = json_loadb(req->body, req->body_len, 0, NULL);
    if (!json_is_object(o) || json_object_size(o) > BULK1XML_FIELDS_MAX) {
        json_decref(o);
        bulk1_error(resp, 400, fmt, "InvalidJob",
                    "The request body is not a JSON object of job fields");
        return -1;
    }
    json_object_foreach(o, k, v) {
        struct bulk1xml_field *f = &doc->fields[doc->n++];

        snprintf(f->name, sizeof(f->name), "%s", k);
        snprintf(f->value, sizeof(f->value), "%s",
                 json_is_string(v) ? json_string_value(v) : "?");
    }
    json_decref(o);
    return 0;
}

static const char *
field(const struct bulk1xml_doc *doc, const char *name)
{
    const char *v = bulk1xml_get(doc, name);

    return v != NULL ? v : "";
}

/* operation, contentType and concurrencyMode of a create body into spec;
 * -1 after answering. */
static int
create_options(const struct bulk1xml_doc *doc, struct bulk_spec *spec,
               struct sim_response *resp, enum bulk1_fmt fmt)
{
    const char *op = field(doc, "operation"), *ct = field(doc, "contentType");
    const char *mode = field(doc, "concurrencyMode");
    int o = bulk_op_parse(op);

    if (o < 0) {
        bulk1_error(resp, 400, fmt, "InvalidJob",
                    "Invalid value for operation: %.60s", op);
        return -1;
    }
    spec->op = (enum bulk_op)o;
    /* Salesforce's default is XML; sfsim reads CSV and JSON batches. */
    if (strcmp(ct, "CSV") != 0 && strcmp(ct, "JSON") != 0) {
        bulk1_error(resp, 400, fmt, "InvalidJob",
                    "sfsim takes contentType CSV or JSON (not '%.40s')",
                    ct[0] != '\0' ? ct : "XML");
        return -1;
    }
    if ((o == BULK_QUERY || o == BULK_QUERY_ALL) && strcmp(ct, "CSV") != 0) {
        bulk1_error(resp, 400, fmt, "InvalidJob",
                    "sfsim answers query jobs in CSV only");
        return -1;
    }
    spec->content_type = ct;
    if (mode[0] != '\0' && strcmp(mode, "Parallel") != 0 &&
        strcmp(mode, "Serial") != 0) {
        bulk1_error(resp, 400, fmt, "InvalidJob",
                    "Invalid value for concurrencyMode: %.40s", mode);
        return -1;
    }
    spec->concurrency = mode[0] != '\0' ? mode : "Parallel";
    spec->assignment_rule_id = field(doc, "assignmentRuleId");
    return 0;
}

/* The object and the upsert key into spec; -1 after answering. */
static int
create_object(struct sim *sim, const struct bulk1xml_doc *doc, int version,
              struct bulk_spec *spec, struct sim_response *resp,
              enum bulk1_fmt fmt)
{
    const char *name = field(doc, "object");
    const struct object_def *obj = schema_object(sim->schema, name);
    struct extid_key k;

    if (obj == NULL) {
        bulk1_error(resp, 400, fmt, "InvalidJob",
                    "Unable to find object: %.80s", name);
        return -1;
    }
    spec->store_index = obj->store_index;
    spec->object = obj->name;
    if (spec->op != BULK_UPSERT)
        return 0;
    if (extid_field(obj, field(doc, "externalIdFieldName"), version, &k) ==
        -1) {
        bulk1_error(resp, 400, fmt, "InvalidJob",
                    "Field name provided, %.80s does not match an External "
                    "ID, Salesforce Id, or indexed field for %s",
                    field(doc, "externalIdFieldName"), obj->name);
        return -1;
    }
    spec->ext_field = k.field->name;
    return 0;
}

/* POST /services/async/NN.N/job */
void
h_bulk1_job_create(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    struct bulk1xml_doc doc;
    struct bulk_spec spec;
    struct bulk_job *j;
    struct sf_err err;
    struct call c;

    if (begin(sim, req, resp, &c, 0) == -1 ||
        read_body(req, resp, c.fmt, &doc) == -1)
        return;
    memset(&spec, 0, sizeof(spec));
    spec.type = BULK_CLASSIC;
    spec.api_version = c.version;
    spec.dialect.delim = ',';
    spec.created_by = req->session->user_id;
    if (create_options(&doc, &spec, resp, c.fmt) == -1 ||
        create_object(sim, &doc, c.version, &spec, resp, c.fmt) == -1)
        return;
    err_clear(&err);
    if ((j = bulkrun_create(sim, &spec, &err)) == NULL) {
        bulk1_error(resp, 400, c.fmt, "ExceededQuota", "%s", err.msg);
        return;
    }
    bulk1_answer(resp, 201, c.fmt, "jobInfo",
                 bulk1_job_info(sim->bulk, j, c.fmt));
    note(resp, j, NULL);
}

/* GET /services/async/NN.N/job/{id} */
void
h_bulk1_job_get(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    struct call c;

    if (begin(sim, req, resp, &c, 1) == 0)
        bulk1_answer(resp, 200, c.fmt, "jobInfo",
                     bulk1_job_info(sim->bulk, c.job, c.fmt));
}

/* Aborts j: its batches not yet ended become NotProcessed. */
static void
abort_job(struct sim *sim, struct bulk_job *j)
{
    struct bulk_job *bt;
    size_t i = 0;
    int64_t now = sim_now(sim);

    while ((bt = bulk1_next_batch(sim->bulk, j, &i)) != NULL)
        if (!bulk_job_ended(bt))
            bulk_abort(sim->bulk, bt, now);
    bulk_abort(sim->bulk, j, now);
}

/* POST /services/async/NN.N/job/{id}: state Closed or Aborted */
void
h_bulk1_job_state(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    struct bulk1xml_doc doc;
    const char *state, *now;
    struct call c;

    if (begin(sim, req, resp, &c, 1) == -1 ||
        read_body(req, resp, c.fmt, &doc) == -1)
        return;
    state = field(&doc, "state");
    now = bulk1_job_state(c.job);
    if (strcmp(state, "Closed") != 0 && strcmp(state, "Aborted") != 0) {
        bulk1_error(resp, 400, c.fmt, "InvalidJobState",
                    "Invalid state for a job update: %.40s", state);
        return;
    }
    if (strcmp(now, "Aborted") == 0 || strcmp(now, "Failed") == 0 ||
        (strcmp(state, "Closed") == 0 && strcmp(now, "Open") != 0)) {
        bulk1_error(resp, 400, c.fmt, "InvalidJobState",
                    "Unable to change the state of a job that is %s to %s", now,
                    state);
        return;
    }
    if (strcmp(state, "Closed") == 0)
        bulk_close(sim->bulk, c.job, sim_now(sim));
    else
        abort_job(sim, c.job);
    bulk1_answer(resp, 200, c.fmt, "jobInfo",
                 bulk1_job_info(sim->bulk, c.job, c.fmt));
}

/* GET /services/async/NN.N/job/{id}/batch */
void
h_bulk1_batch_list(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    json_t *list;
    struct bulk_job *bt;
    struct call c;
    size_t i = 0;

    if (begin(sim, req, resp, &c, 1) == -1)
        return;
    list = json_array();
    while ((bt = bulk1_next_batch(sim->bulk, c.job, &i)) != NULL)
        json_array_append_new(list, bulk1_batch_info(c.job, bt, c.fmt));
    bulk1_answer(resp, 200, c.fmt, "batchInfoList",
                 json_pack("{s:o}", "batchInfo", list));
}

/* The data of a batch as the engine reads it (CSV), taken from the
 * request; NULL after answering. */
static char *
batch_data(struct sim_request *req, struct sim_response *resp,
           const struct call *c, size_t *len)
{
    char mt[128], *data;
    struct sf_err err;
    int json = strcmp(c->job->content_type, "JSON") == 0;

    request_media_type(req, mt, sizeof(mt));
    if (strcmp(mt, json ? "application/json" : "text/csv") != 0) {
        bulk1_error(resp, 400, c->fmt, "InvalidBatch",
                    "The Content-Type %.60s does not match the job's "
                    "contentType %s",
                    mt, c->job->content_type);
        return NULL;
    }
    if (req->body_len > BULK1_MAX_BATCH_BYTES) {
        bulk1_error(resp, 400, c->fmt, "InvalidBatch",
                    "A batch holds at most %d bytes", BULK1_MAX_BATCH_BYTES);
        return NULL;
    }
    if (req->body_len == 0) {
        bulk1_error(resp, 400, c->fmt, "ClientInputError",
                    "Failed to read the batch: it is empty");
        return NULL;
    }
    if (!json) {
        *len = req->body_len;
        return xmemdup0(req->body, req->body_len);
    }
    err_clear(&err);
    if ((data = bulk1_json_to_csv(req->body, req->body_len, len, &err)) == NULL)
        bulk1_error(resp, 400, c->fmt, "InvalidBatch", "%s", err.msg);
    return data;
}

/* The line ending of CSV data: that of its first line. */
static int
first_line_crlf(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);

    return nl != NULL && nl > data && nl[-1] == '\r';
}

/* The engine job of a new batch of c->job holding data (stolen). */
static struct bulk_job *
new_batch(struct sim *sim, const struct call *c, char *data, size_t len,
          struct sim_response *resp)
{
    const struct bulk_job *j = c->job;
    int query = j->op == BULK_QUERY || j->op == BULK_QUERY_ALL;
    struct bulk_spec spec;
    struct bulk_job *bt;
    struct sf_err err;

    memset(&spec, 0, sizeof(spec));
    spec.type = query ? BULK_V2_QUERY : BULK_CLASSIC;
    spec.op = j->op;
    spec.store_index = j->store_index;
    spec.object = j->object;
    spec.ext_field = j->ext_field;
    spec.assignment_rule_id = j->assignment_rule_id;
    spec.dialect.delim = ',';
    spec.dialect.crlf = first_line_crlf(data, len);
    spec.api_version = j->api_version;
    spec.created_by = j->created_by;
    spec.parent = j->id;
    spec.query = query ? data : NULL;
    err_clear(&err);
    if ((bt = bulkrun_create(sim, &spec, &err)) == NULL) {
        free(data);
        bulk1_error(resp, 400, c->fmt, "ExceededQuota", "%s", err.msg);
        return NULL;
    }
    if (query) {
        free(data);
        return bt;
    }
    if (bulk_upload(sim->bulk, bt, data, len,
                    journal_last_seq(sim->journal) + 1, &err) == -1) {
        bulk_delete(sim->bulk, bt);
        bulk1_error(resp, 400, c->fmt, "ExceededQuota", "%s", err.msg);
        return NULL;
    }
    bulk_close(sim->bulk, bt, sim_now(sim));
    return bt;
}

/* POST /services/async/NN.N/job/{id}/batch */
void
h_bulk1_batch_add(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    struct bulk_job *bt;
    struct call c;
    size_t len = 0;
    char *data;

    if (begin(sim, req, resp, &c, 1) == -1)
        return;
    if (c.job->state != BULK_OPEN) {
        bulk1_error(resp, 400, c.fmt, "InvalidJobState",
                    "Unable to add a batch to a job that is %s",
                    bulk1_job_state(c.job));
        return;
    }
    if ((data = batch_data(req, resp, &c, &len)) == NULL ||
        (bt = new_batch(sim, &c, data, len, resp)) == NULL)
        return;
    bulk1_answer(resp, 201, c.fmt, "batchInfo",
                 bulk1_batch_info(c.job, bt, c.fmt));
    note(resp, c.job, bt);
}

/* The batch of params[2]; NULL after answering 400 InvalidBatch. */
static struct bulk_job *
batch_of(struct sim *sim, const struct sim_request *req,
         struct sim_response *resp, const struct call *c)
{
    struct bulk_job *bt =
        bulk1_find_batch(sim->bulk, c->job, req->params[2], BULK1_BATCH_PREFIX);

    if (bt == NULL) {
        bulk1_error(resp, 400, c->fmt, "InvalidBatch",
                    "Invalid batch id: %.40s", req->params[2]);
        return NULL;
    }
    note(resp, c->job, bt);
    return bt;
}

/* GET /services/async/NN.N/job/{id}/batch/{batchId} */
void
h_bulk1_batch_get(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    struct bulk_job *bt;
    struct call c;

    if (begin(sim, req, resp, &c, 1) == -1 ||
        (bt = batch_of(sim, req, resp, &c)) == NULL)
        return;
    bulkrun_observe(sim, bt);
    bulk1_answer(resp, 200, c.fmt, "batchInfo",
                 bulk1_batch_info(c.job, bt, c.fmt));
}

/* The batch of params[2] if it has ended; NULL after answering. */
static struct bulk_job *
ended_batch(struct sim *sim, const struct sim_request *req,
            struct sim_response *resp, const struct call *c)
{
    struct bulk_job *bt = batch_of(sim, req, resp, c);

    if (bt != NULL && !bulk_job_ended(bt)) {
        bulk1_error(resp, 400, c->fmt, "InvalidBatch", "Batch not completed");
        return NULL;
    }
    return bt;
}

/* GET /services/async/NN.N/job/{id}/batch/{batchId}/result */
void
h_bulk1_batch_result(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp)
{
    struct bulk_job *bt;
    char rid[SFID_LEN18 + 1];
    struct call c;

    if (begin(sim, req, resp, &c, 1) == -1 ||
        (bt = ended_batch(sim, req, resp, &c)) == NULL)
        return;
    if (bt->type == BULK_V2_QUERY) {
        json_t *list = json_array();

        bulk1_batch_id(bt, BULK1_RESULT_PREFIX, rid);
        if (bt->state == BULK_JOB_COMPLETE)
            json_array_append_new(list, json_string(rid));
        bulk1_answer(resp, 200, c.fmt, "result-list",
                     json_pack("{s:o}", "result", list));
        return;
    }
    buf_free(&resp->body);
    buf_init(&resp->body, BULK_MAX_STORAGE);
    if (bulk1_ingest_results(c.job, bt, &resp->body) == -1) {
        bulk1_error(resp, 500, c.fmt, "InternalServerError",
                    "sfsim: the result is too large to answer");
        return;
    }
    resp->status = 200;
    resp->content_type = c.fmt == BULK1_JSON ? "application/json" : "text/csv";
    resp->verdict = VERDICT_OK;
}

/* GET /services/async/NN.N/job/{id}/batch/{batchId}/result/{resultId} */
void
h_bulk1_query_result(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp)
{
    struct bulk_job *bt;
    struct call c;

    if (begin(sim, req, resp, &c, 1) == -1 ||
        (bt = ended_batch(sim, req, resp, &c)) == NULL)
        return;
    if (bt->type != BULK_V2_QUERY || bt->state != BULK_JOB_COMPLETE ||
        bulk1_find_batch(sim->bulk, c.job, req->params[3],
                         BULK1_RESULT_PREFIX) != bt) {
        bulk1_error(resp, 400, c.fmt, "InvalidBatch",
                    "Invalid result id: %.40s", req->params[3]);
        return;
    }
    buf_free(&resp->body);
    buf_init(&resp->body, BULK_MAX_STORAGE);
    if (buf_append(&resp->body, bt->result.data != NULL ? bt->result.data : "",
                   bt->result.len) == -1) {
        bulk1_error(resp, 500, c.fmt, "InternalServerError",
                    "sfsim: the result is too large to answer");
        return;
    }
    resp->status = 200;
    resp->content_type = "text/csv";
    resp->verdict = VERDICT_OK;
}
