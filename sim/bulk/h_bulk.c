/*
 * h_bulk.c - Bulk API 2.0 ingest: /services/data/vNN.N/jobs/ingest (facts
 * section 3): create, upload (one PUT of CSV), close or abort, job info and
 * list, the three result sets, delete.
 *
 * The job engine (bulk.c) runs the jobs; this file checks requests and
 * answers them the way Salesforce does, through bulkwire.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "bulkwire.h"
#include "extid.h"
#include "handlers.h"
#include "ingest.h"
#include "journal.h"
#include "schema.h"
#include "sim.h"
#include "xmalloc.h"

/* The upsert key of a create body: its canonical name, or NULL after
 * answering INVALIDJOB (facts 3.2). */
static const char *
upsert_key(const struct object_def *obj, json_t *body, int version,
           struct sim_response *resp)
{
    char name[BULK_NAME_MAX];
    struct extid_key k;

    bulkwire_member(body, "externalIdFieldName", name, sizeof(name));
    if (extid_field(obj, name, version, &k) == -1) {
        bulkwire_error(resp, 400, "INVALIDJOB",
                       "InvalidJob : Field name provided, %s does not match "
                       "an External ID for %s",
                       name, obj->name);
        return NULL;
    }
    return k.field->name;
}

/* Everything of a create body but the object: -1 after answering. */
static int
create_options(json_t *body, struct bulk_spec *spec, char *rule, size_t n,
               struct sim_response *resp)
{
    char v[BULK_NAME_MAX];
    int op;

    bulkwire_member(body, "operation", v, sizeof(v));
    op = bulk_op_parse(v);
    if (op < 0 || op == BULK_QUERY || op == BULK_QUERY_ALL) {
        bulkwire_bad_value(resp, "operation", v);
        return -1;
    }
    spec->op = (enum bulk_op)op;
    if (bulkwire_member(body, "contentType", v, sizeof(v))[0] != '\0' &&
        strcmp(v, "CSV") != 0) {
        bulkwire_bad_value(resp, "contentType", v);
        return -1;
    }
    if (bulkwire_member(body, "assignmentRuleId", rule, n)[0] != '\0' &&
        strlen(rule) != SFID_LEN15 && strlen(rule) != SFID_LEN18) {
        bulkwire_bad_value(resp, "assignmentRuleId", rule);
        return -1;
    }
    spec->assignment_rule_id = rule;
    return bulkwire_dialect(body, &spec->dialect, resp);
}

/* POST /services/data/vNN.N/jobs/ingest */
void
h_bulk_ingest_create(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp)
{
    char object[BULK_NAME_MAX], rule[BULK_NAME_MAX];
    struct bulk_spec spec;
    const struct object_def *obj;
    json_t *body = json_is_object(req->json) ? req->json : NULL;

    memset(&spec, 0, sizeof(spec));
    if ((spec.api_version =
             bulkwire_version(req, resp, BULKWIRE_INGEST_VERSION)) == -1 ||
        create_options(body, &spec, rule, sizeof(rule), resp) == -1)
        return;
    bulkwire_member(body, "object", object, sizeof(object));
    if ((obj = schema_object(sim->schema, object)) == NULL) {
        bulkwire_error(resp, 400, "INVALIDJOB",
                       "InvalidJob : Unable to find object: %s", object);
        return;
    }
    if (spec.op == BULK_UPSERT &&
        (spec.ext_field = upsert_key(obj, body, spec.api_version, resp)) ==
            NULL)
        return;
    spec.type = BULK_V2_INGEST;
    spec.store_index = obj->store_index;
    spec.object = obj->name;
    bulkwire_create(sim, req, &spec, resp);
}

/* GET /services/data/vNN.N/jobs/ingest */
void
h_bulk_ingest_list(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    bulkwire_get_list(sim, req, &bulkwire_ingest, resp);
}

/* GET /services/data/vNN.N/jobs/ingest/{id} */
void
h_bulk_ingest_info(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    bulkwire_get_info(sim, req, &bulkwire_ingest, resp);
}

/* PATCH /services/data/vNN.N/jobs/ingest/{id}: UploadComplete or Aborted */
void
h_bulk_ingest_patch(struct sim *sim, struct sim_request *req,
                    struct sim_response *resp)
{
    struct bulk_job *j = bulkwire_job_of(sim, req, &bulkwire_ingest, resp);
    const char *state;

    if (j == NULL || (state = bulkwire_patch_state(req->json, resp)) == NULL)
        return;
    if (strcmp(state, "Aborted") == 0) {
        bulkwire_abort(sim, j, resp);
    } else if (strcmp(state, "UploadComplete") != 0) {
        bulkwire_error(resp, 400, "INVALIDJOBSTATE",
                       "Changing the state of a Job to %s not allowed", state);
    } else if (j->state != BULK_OPEN) {
        bulkwire_error(
            resp, 400, "INVALIDJOBSTATE", "Closing already %s Job not allowed",
            j->state == BULK_JOB_COMPLETE ? "Completed"
                                          : bulk_state_name(j->state));
    } else {
        bulk_close(sim->bulk, j, sim_now(sim));
        bulkwire_json(resp, 200, bulkwire_job(j, BULKWIRE_PATCH));
    }
}

/* DELETE /services/data/vNN.N/jobs/ingest/{id} */
void
h_bulk_ingest_delete(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp)
{
    bulkwire_delete_of(sim, req, &bulkwire_ingest, resp);
}

/* Whether the job takes this upload; answers when it does not. */
static int
upload_allowed(const struct sim_request *req, const struct bulk_job *j,
               struct sim_response *resp)
{
    char mt[128];

    request_media_type(req, mt, sizeof(mt));
    if (strcmp(mt, "text/csv") != 0) {
        bulkwire_error(resp, 415, "UNSUPPORTED_MEDIA_TYPE",
                       "MediaType of '%s' is not supported by this resource",
                       mt);
        return 0;
    }
    if (j->state != BULK_OPEN) {
        bulkwire_error(resp, 400, "INVALIDJOBSTATE",
                       "Uploading data to already %s Job not allowed",
                       j->state == BULK_JOB_COMPLETE
                           ? "Completed"
                           : bulk_state_name(j->state));
        return 0;
    }
    if (j->type == BULK_V2_INGEST && j->nbatches > 0) {
        /* Salesforce's words, its misspelling included (facts 3.3). */
        bulkwire_error(resp, 400, "BULK_API_ERROR",
                       "Found multipe contents for job: <%s>, please "
                       "'Close' / 'Abort' / 'Delete' the current Job then "
                       "create a new Job and make sure you only do 'PUT' "
                       "once on a given Job.",
                       j->id);
        return 0;
    }
    return 1;
}

/* PUT /services/data/vNN.N/jobs/ingest/{id}/batches: 201, no body */
void
h_bulk_ingest_upload(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp)
{
    struct bulk_job *j = bulkwire_job_of(sim, req, &bulkwire_ingest, resp);
    struct sf_err err;
    size_t len = req->body_len;
    char *data;

    if (j == NULL || !upload_allowed(req, j, resp))
        return;
    err_clear(&err);
    /* The upload is kept as it came: taken over, not copied. */
    if (req->body_buf != NULL && req->body_buf->data == req->body)
        data = buf_steal(req->body_buf, &len);
    else
        data = xmemdup0(req->body, len);
    if (data == NULL)
        data = xmemdup0("", 0);
    if (bulk_upload(sim->bulk, j, data, len, journal_last_seq(sim->journal) + 1,
                    &err) == -1) {
        bulkwire_error(resp, 400, "EXCEEDEDQUOTA", "%s", err.msg);
        return;
    }
    resp->status = 201;
    resp->verdict = VERDICT_OK;
}

/* GET …/jobs/ingest/{id}/successfulResults/, failedResults/ or
 * unprocessedrecords/: CSV */
static void
results(struct sim *sim, struct sim_request *req, struct sim_response *resp,
        enum ingest_result which)
{
    struct bulk_job *j = bulkwire_job_of(sim, req, &bulkwire_ingest, resp);

    if (j == NULL)
        return;
    buf_free(&resp->body);
    buf_init(&resp->body, BULK_MAX_STORAGE * 2);
    if (ingest_results(j, which, &resp->body) == -1) {
        bulkwire_error(resp, 500, "UNKNOWN_EXCEPTION",
                       "sfsim: the result set is too large to answer");
        return;
    }
    resp->status = 200;
    resp->content_type = "text/csv";
    resp->verdict = VERDICT_OK;
}

void
h_bulk_ingest_successful(struct sim *sim, struct sim_request *req,
                         struct sim_response *resp)
{
    results(sim, req, resp, INGEST_SUCCESSFUL);
}

void
h_bulk_ingest_failed(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp)
{
    results(sim, req, resp, INGEST_FAILED);
}

void
h_bulk_ingest_unprocessed(struct sim *sim, struct sim_request *req,
                          struct sim_response *resp)
{
    results(sim, req, resp, INGEST_UNPROCESSED);
}
