/*
 * bulkwire.c - Bulk API 2.0 answers (see bulkwire.h).
 *
 * Where the facts do not give Salesforce's text for a wrong-state call,
 * the messages follow the one real capture ("Aborting already Completed
 * Job not allowed"); README's fidelity notes list them.
 */
#include "bulkwire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "base64.h"
#include "bulkrun.h"
#include "jackson.h"
#include "org.h"
#include "parse.h"
#include "rest.h"
#include "schema.h"
#include "sim.h"
#include "timefmt.h"

#define BULKWIRE_MSG_MAX 1024

static const char *const ingest_list_types[] = {"V2Ingest", "Classic",
                                                "BigObjectIngest", NULL};
static const char *const query_list_types[] = {"V2Query", "Classic", "V2Ingest",
                                               NULL};

const struct bulkwire_kind bulkwire_ingest = {
    .min_version = BULKWIRE_INGEST_VERSION,
    .types = (1u << BULK_V2_INGEST) | (1u << BULK_CLASSIC),
    .resource = "ingest",
    .list_types = ingest_list_types,
};

const struct bulkwire_kind bulkwire_query = {
    .min_version = BULKWIRE_QUERY_VERSION,
    .types = 1u << BULK_V2_QUERY,
    .resource = "query",
    .list_types = query_list_types,
};

void
bulkwire_json(struct sim_response *resp, int status, json_t *j)
{
    buf_reset(&resp->body);
    jackson_dump(j, &resp->body);
    json_decref(j);
    resp->status = status;
    resp->content_type = "application/json;charset=UTF-8";
    if (resp->verdict == VERDICT_NONE)
        resp->verdict = VERDICT_OK;
}

void
bulkwire_error(struct sim_response *resp, int status, const char *code,
               const char *fmt, ...)
{
    char msg[BULKWIRE_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    bulkwire_json(resp, status,
                  json_pack("[{s:s, s:s}]", "errorCode", code, "message", msg));
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "%s: %s", code, msg);
}

void
bulkwire_bad_value(struct sim_response *resp, const char *name, const char *v)
{
    bulkwire_error(resp, 400, "API_ERROR",
                   "Invalid value: '%.200s' supplied for property: '%s'", v,
                   name);
}

int
bulkwire_version(const struct sim_request *req, struct sim_response *resp,
                 int min)
{
    int v = rest_version(req, resp);

    if (v != -1 && v < min) {
        rest_not_found(resp);
        return -1;
    }
    return v;
}

struct bulk_job *
bulkwire_find(struct sim *sim, const struct sim_request *req, unsigned types,
              struct sim_response *resp)
{
    struct bulk_job *j = bulk_find(sim->bulk, req->params[1]);

    if (j == NULL || !(types & (1u << j->type))) {
        bulkwire_error(resp, 404, "NOT_FOUND",
                       "The requested resource does not exist");
        return NULL;
    }
    resp->object = NULL;
    return j;
}

/* The journal names the job (and its object) of every Bulk request. */
void
bulkwire_note(struct sim *sim, struct sim_response *resp,
              const struct bulk_job *j)
{
    const struct object_def *obj =
        schema_object_at(sim->schema, j->store_index);
    char id18[SFID_LEN18 + 1];

    bulk_job_id18(j, id18);
    response_info(resp, json_pack("{s:s}", "job", id18));
    resp->object = obj != NULL ? obj->name : NULL;
}

/* Salesforce's job dates: whole seconds, "+0000". */
static json_t *
date_json(int64_t ms)
{
    char when[TIMEFMT_LEN];

    return json_string(timefmt_salesforce(ms - ms % 1000, when));
}

static json_t *
id_json(const char *id15)
{
    char id18[SFID_LEN18 + 1];

    if (id15[0] == '\0')
        return json_null();
    sfid_to18(id15, id18);
    return json_string(id18);
}

/* The members every view has: id to apiVersion (facts 3.4). */
static json_t *
job_head(const struct bulk_job *j)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", id_json(j->id));
    json_object_set_new(o, "operation", json_string(bulk_op_name(j->op)));
    json_object_set_new(o, "object", json_string(j->object));
    json_object_set_new(o, "createdById", id_json(j->created_by));
    json_object_set_new(o, "createdDate", date_json(j->created_ms));
    json_object_set_new(o, "systemModstamp", date_json(j->modstamp_ms));
    json_object_set_new(o, "state", json_string(bulk_state_name(j->state)));
    if (j->op == BULK_UPSERT)
        json_object_set_new(o, "externalIdFieldName",
                            json_string(j->ext_field));
    if (j->assignment_rule_id[0] != '\0')
        json_object_set_new(o, "assignmentRuleId",
                            json_string(j->assignment_rule_id));
    json_object_set_new(o, "concurrencyMode", json_string("Parallel"));
    json_object_set_new(o, "contentType", json_string("CSV"));
    json_object_set_new(o, "apiVersion", json_real(j->api_version));
    return o;
}

/* The counts and times of job info (facts 3.5). */
static void
job_counts(const struct bulk_job *j, json_t *o)
{
    int query = j->type == BULK_V2_QUERY;
    int ended = j->state == BULK_JOB_COMPLETE || j->state == BULK_FAILED ||
                j->state == BULK_ABORTED;
    int64_t active = j->closed_ms > 0 && j->last_row_ms > j->closed_ms
                         ? j->last_row_ms - j->closed_ms
                         : 0;

    json_object_set_new(o, "numberRecordsProcessed",
                        json_integer((json_int_t)j->processed));
    if (!query)
        json_object_set_new(o, "numberRecordsFailed",
                            json_integer((json_int_t)j->failed));
    json_object_set_new(o, "retries", json_integer(0));
    json_object_set_new(
        o, "totalProcessingTime",
        json_integer(ended && j->closed_ms > 0 && j->ended_ms > j->closed_ms
                         ? j->ended_ms - j->closed_ms
                         : 0));
    if (query) {
        json_object_set_new(o, "isPkChunkingSupported", json_true());
        return;
    }
    json_object_set_new(o, "apiActiveProcessingTime", json_integer(active));
    json_object_set_new(o, "apexProcessingTime", json_integer(0));
    /* Query jobs give no reason (jsforce relies on it). */
    if (j->error_message != NULL)
        json_object_set_new(o, "errorMessage", json_string(j->error_message));
}

json_t *
bulkwire_job(const struct bulk_job *j, enum bulkwire_view v)
{
    json_t *o = job_head(j);
    char path[160], id18[SFID_LEN18 + 1];
    int query = j->type == BULK_V2_QUERY;

    if (v == BULKWIRE_PATCH)
        return o;
    if (v != BULKWIRE_CREATE)
        json_object_set_new(o, "jobType", json_string(bulk_type_name(j->type)));
    if (!query && (v == BULKWIRE_CREATE ||
                   (v == BULKWIRE_INFO && j->state == BULK_OPEN))) {
        bulk_job_id18(j, id18);
        snprintf(path, sizeof(path),
                 "services/data/v%d.0/jobs/ingest/%s/batches", j->api_version,
                 id18);
        json_object_set_new(o, "contentUrl", json_string(path));
    }
    json_object_set_new(o, "lineEnding",
                        json_string(j->dialect.crlf ? "CRLF" : "LF"));
    json_object_set_new(o, "columnDelimiter",
                        json_string(bulkcsv_delim_name(j->dialect.delim)));
    if (v == BULKWIRE_INFO)
        job_counts(j, o);
    return o;
}

const char *
bulkwire_member(json_t *body, const char *key, char *out, size_t n)
{
    json_t *v = json_object_get(body, key);
    char *text;

    out[0] = '\0';
    if (v == NULL || json_is_null(v))
        return out;
    if (json_is_string(v)) {
        snprintf(out, n, "%s", json_string_value(v));
        return out;
    }
    text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(out, n, "%s", text != NULL ? text : "");
    free(text);
    return out;
}

int
bulkwire_dialect(json_t *body, struct bulkcsv_dialect *d,
                 struct sim_response *resp)
{
    char v[BULKCSV_DELIM_NAME_MAX * 4];

    d->delim = ',';
    d->crlf = 0;
    if (bulkwire_member(body, "lineEnding", v, sizeof(v))[0] != '\0') {
        if (strcmp(v, "CRLF") != 0 && strcmp(v, "LF") != 0) {
            bulkwire_bad_value(resp, "lineEnding", v);
            return -1;
        }
        d->crlf = strcmp(v, "CRLF") == 0;
    }
    if (bulkwire_member(body, "columnDelimiter", v, sizeof(v))[0] != '\0' &&
        bulkcsv_delim_parse(v, &d->delim) == -1) {
        bulkwire_bad_value(resp, "columnDelimiter", v);
        return -1;
    }
    return 0;
}

const char *
bulkwire_locator(size_t n, char out[BULKWIRE_LOCATOR_MAX])
{
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%zu", n);

    base64_encode((const uint8_t *)digits, (size_t)len, out, 1);
    return out;
}

int
bulkwire_locator_parse(const char *s, size_t *n)
{
    uint8_t digits[BULKWIRE_LOCATOR_MAX];
    uint64_t v;
    long len;

    if (strlen(s) >= BULKWIRE_LOCATOR_MAX ||
        (len = base64_decode(s, strlen(s), digits)) <= 0 ||
        (size_t)len >= sizeof(digits))
        return -1;
    digits[len] = '\0';
    if (parse_uint64((const char *)digits, SIZE_MAX, &v) == -1)
        return -1;
    *n = (size_t)v;
    return 0;
}

/* jobType of the job list: its mask, or -1 when it names no job type. */
static int
list_types(const char *type, const char *const *allowed, unsigned *mask)
{
    size_t i;

    for (i = 0; allowed[i] != NULL; i++)
        if (strcmp(allowed[i], type) == 0)
            break;
    if (allowed[i] == NULL)
        return -1;
    *mask = 0;
    for (i = 0; i <= BULK_CLASSIC; i++)
        if (strcmp(bulk_type_name((enum bulk_type)i), type) == 0)
            *mask = 1u << i;
    return 0;
}

void
bulkwire_list(struct sim *sim, const struct sim_request *req,
              struct sim_response *resp, int version, const char *resource,
              unsigned types, const char *const *allowed)
{
    const char *pk = request_query(req, "isPkChunkingEnabled");
    const char *type = request_query(req, "jobType");
    const char *loc = request_query(req, "queryLocator");
    struct bulk_job *jobs[BULKWIRE_LIST_PAGE];
    char next_loc[BULKWIRE_LOCATOR_MAX], url[256];
    json_t *records = json_array(), *o;
    size_t from = 1, n, i;
    uint64_t next = 0;

    if (type != NULL && list_types(type, allowed, &types) == -1) {
        bulkwire_bad_value(resp, "jobType", type);
        goto out;
    }
    if (pk != NULL && strcmp(pk, "true") != 0 && strcmp(pk, "false") != 0) {
        bulkwire_bad_value(resp, "isPkChunkingEnabled", pk);
        goto out;
    }
    if (loc != NULL && bulkwire_locator_parse(loc, &from) == -1) {
        bulkwire_bad_value(resp, "queryLocator", loc);
        goto out;
    }
    /* No job of sfsim's is PK-chunked. */
    n = pk != NULL && strcmp(pk, "true") == 0
            ? 0
            : bulk_list(sim->bulk, types, from, jobs, BULKWIRE_LIST_PAGE,
                        &next);
    for (i = 0; i < n; i++)
        json_array_append_new(records, bulkwire_job(jobs[i], BULKWIRE_LIST));
    o = json_pack("{s:b, s:O}", "done", next == 0, "records", records);
    if (next != 0) {
        snprintf(url, sizeof(url),
                 "/services/data/v%d.0/jobs/%s?queryLocator=%s", version,
                 resource, bulkwire_locator((size_t)next, next_loc));
        json_object_set_new(o, "nextRecordsUrl", json_string(url));
    } else {
        json_object_set_new(o, "nextRecordsUrl", json_null());
    }
    bulkwire_json(resp, 200, o);
out:
    json_decref(records);
}

/* A state as the wrong-state messages name it ("Completed" for
 * JobComplete, as in the one real capture). */
static const char *
state_word(enum bulk_state s)
{
    return s == BULK_JOB_COMPLETE ? "Completed" : bulk_state_name(s);
}

void
bulkwire_delete(struct sim *sim, struct bulk_job *j, struct sim_response *resp)
{
    if (j->state == BULK_OPEN || j->state == BULK_IN_PROGRESS) {
        bulkwire_error(resp, 400, "INVALIDJOBSTATE",
                       "Deleting %s Job not allowed", state_word(j->state));
        return;
    }
    bulk_delete(sim->bulk, j);
    resp->status = 204;
    resp->verdict = VERDICT_DELETED;
}

void
bulkwire_abort(struct sim *sim, struct bulk_job *j, struct sim_response *resp)
{
    if (j->state == BULK_JOB_COMPLETE || j->state == BULK_FAILED ||
        j->state == BULK_ABORTED) {
        bulkwire_error(resp, 400, "INVALIDJOBSTATE",
                       "Aborting already %s Job not allowed",
                       state_word(j->state));
        return;
    }
    bulk_abort(sim->bulk, j, sim_now(sim));
    bulkwire_json(resp, 200, bulkwire_job(j, BULKWIRE_PATCH));
}

const char *
bulkwire_patch_state(json_t *body, struct sim_response *resp)
{
    json_t *st = json_object_get(body, "state");
    char v[64];

    if (!json_is_string(st) || bulk_state_parse(json_string_value(st)) < 0) {
        bulkwire_bad_value(resp, "state",
                           bulkwire_member(body, "state", v, sizeof(v)));
        return NULL;
    }
    return json_string_value(st);
}

struct bulk_job *
bulkwire_job_of(struct sim *sim, const struct sim_request *req,
                const struct bulkwire_kind *k, struct sim_response *resp)
{
    struct bulk_job *j;

    if (bulkwire_version(req, resp, k->min_version) == -1 ||
        (j = bulkwire_find(sim, req, k->types, resp)) == NULL)
        return NULL;
    bulkwire_note(sim, resp, j);
    return j;
}

void
bulkwire_get_info(struct sim *sim, const struct sim_request *req,
                  const struct bulkwire_kind *k, struct sim_response *resp)
{
    struct bulk_job *j = bulkwire_job_of(sim, req, k, resp);

    if (j == NULL)
        return;
    bulkrun_observe(sim, j);
    bulkwire_json(resp, 200, bulkwire_job(j, BULKWIRE_INFO));
}

void
bulkwire_get_list(struct sim *sim, const struct sim_request *req,
                  const struct bulkwire_kind *k, struct sim_response *resp)
{
    int v = bulkwire_version(req, resp, k->min_version);

    if (v != -1)
        bulkwire_list(sim, req, resp, v, k->resource, k->types, k->list_types);
}

void
bulkwire_delete_of(struct sim *sim, const struct sim_request *req,
                   const struct bulkwire_kind *k, struct sim_response *resp)
{
    struct bulk_job *j = bulkwire_job_of(sim, req, k, resp);

    if (j != NULL)
        bulkwire_delete(sim, j, resp);
}

void
bulkwire_create(struct sim *sim, const struct sim_request *req,
                struct bulk_spec *spec, struct sim_response *resp)
{
    struct bulk_job *j;
    struct sf_err err;

    err_clear(&err);
    spec->created_by = req->session->user_id;
    if ((j = bulkrun_create(sim, spec, &err)) == NULL) {
        bulkwire_error(resp, 400, "EXCEEDEDQUOTA", "%s", err.msg);
        return;
    }
    bulkwire_json(resp, 200, bulkwire_job(j, BULKWIRE_CREATE));
    bulkwire_note(sim, resp, j);
}
