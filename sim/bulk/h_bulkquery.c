/*
 * h_bulkquery.c - Bulk API 2.0 query: /services/data/vNN.N/jobs/query
 * (facts 3.8): create, job info and list, abort, delete, and the results
 * paged by maxRecords and locator with Sforce-Locator and
 * Sforce-NumberOfRecords, as `sf data export bulk` and jsforce's
 * bulk2.query read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "bulkquery.h"
#include "bulkwire.h"
#include "handlers.h"
#include "parse.h"
#include "schema.h"
#include "sim.h"
#include "soql.h"

/* The query of a create body: its object, or NULL after answering. */
static const struct object_def *
check_query(struct sim *sim, const char *text, struct sim_response *resp)
{
    struct soql_error err = {0};
    const struct object_def *obj;

    if (text[0] == '\0') {
        bulkwire_bad_value(resp, "query", text);
        return NULL;
    }
    if ((obj = bulkquery_check(sim, text, &err)) == NULL)
        bulkwire_error(resp, 400, err.code, "%s", err.message);
    return obj;
}

/* POST /services/data/vNN.N/jobs/query */
void
h_bulk_query_create(struct sim *sim, struct sim_request *req,
                    struct sim_response *resp)
{
    json_t *body = json_is_object(req->json) ? req->json : NULL;
    char op[64], ct[64];
    const char *text;
    const struct object_def *obj;
    struct bulk_spec spec;
    int o;

    memset(&spec, 0, sizeof(spec));
    if ((spec.api_version =
             bulkwire_version(req, resp, bulkwire_query.min_version)) == -1)
        return;
    o = bulk_op_parse(bulkwire_member(body, "operation", op, sizeof(op)));
    if (o != BULK_QUERY && o != BULK_QUERY_ALL) {
        bulkwire_bad_value(resp, "operation", op);
        return;
    }
    if (bulkwire_member(body, "contentType", ct, sizeof(ct))[0] != '\0' &&
        strcmp(ct, "CSV") != 0) {
        bulkwire_bad_value(resp, "contentType", ct);
        return;
    }
    text = json_is_string(json_object_get(body, "query"))
               ? json_string_value(json_object_get(body, "query"))
               : "";
    if (bulkwire_dialect(body, &spec.dialect, resp) == -1 ||
        (obj = check_query(sim, text, resp)) == NULL)
        return;
    spec.type = BULK_V2_QUERY;
    spec.op = (enum bulk_op)o;
    spec.store_index = obj->store_index;
    spec.object = obj->name;
    spec.query = text;
    bulkwire_create(sim, req, &spec, resp);
}

/* GET /services/data/vNN.N/jobs/query */
void
h_bulk_query_list(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    bulkwire_get_list(sim, req, &bulkwire_query, resp);
}

/* GET /services/data/vNN.N/jobs/query/{id} */
void
h_bulk_query_info(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    bulkwire_get_info(sim, req, &bulkwire_query, resp);
}

/* PATCH /services/data/vNN.N/jobs/query/{id}: {"state": "Aborted"} only */
void
h_bulk_query_patch(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    struct bulk_job *j = bulkwire_job_of(sim, req, &bulkwire_query, resp);
    const char *state;

    if (j == NULL || (state = bulkwire_patch_state(req->json, resp)) == NULL)
        return;
    if (strcmp(state, "Aborted") == 0)
        bulkwire_abort(sim, j, resp);
    else
        bulkwire_error(resp, 400, "INVALIDJOBSTATE",
                       "Changing the state of a Job to %s not allowed", state);
}

/* DELETE /services/data/vNN.N/jobs/query/{id} */
void
h_bulk_query_delete(struct sim *sim, struct sim_request *req,
                    struct sim_response *resp)
{
    bulkwire_delete_of(sim, req, &bulkwire_query, resp);
}

/* maxRecords and locator: the page [*from, *to); -1 after answering. */
static int
page_bounds(const struct sim_request *req, const struct bulk_job *j,
            size_t *from, size_t *to, struct sim_response *resp)
{
    const char *max = request_query(req, "maxRecords");
    const char *loc = request_query(req, "locator");
    int64_t n = INT32_MAX;

    *from = 0;
    if (max != NULL && parse_int64(max, 1, INT32_MAX, &n) == -1) {
        bulkwire_bad_value(resp, "maxRecords", max);
        return -1;
    }
    if (loc != NULL && loc[0] != '\0' &&
        (bulkwire_locator_parse(loc, from) == -1 || *from > j->nresult)) {
        bulkwire_bad_value(resp, "locator", loc);
        return -1;
    }
    *to = j->nresult - *from > (size_t)n ? *from + (size_t)n : j->nresult;
    return 0;
}

/* GET /services/data/vNN.N/jobs/query/{id}/results[?maxRecords=&locator=] */
void
h_bulk_query_results(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp)
{
    struct bulk_job *j = bulkwire_job_of(sim, req, &bulkwire_query, resp);
    char loc[BULKWIRE_LOCATOR_MAX], count[24];
    size_t from, to, header, start, end;

    if (j == NULL)
        return;
    if (j->state != BULK_JOB_COMPLETE) {
        bulkwire_error(resp, 400, "INVALIDJOBSTATE",
                       "Getting the results of %s Job not allowed",
                       bulk_state_name(j->state));
        return;
    }
    if (page_bounds(req, j, &from, &to, resp) == -1)
        return;
    header = j->nresult > 0 ? j->result_rows[0] : j->result.len;
    start = from < j->nresult ? j->result_rows[from] : j->result.len;
    end = to < j->nresult ? j->result_rows[to] : j->result.len;
    buf_free(&resp->body);
    buf_init(&resp->body, BULK_MAX_STORAGE * 2);
    buf_append(&resp->body, j->result.data, header);
    buf_append(&resp->body, j->result.data + start, end - start);
    snprintf(count, sizeof(count), "%zu", to - from);
    response_header(resp, "Sforce-NumberOfRecords", count);
    response_header(resp, "Sforce-Locator",
                    to < j->nresult ? bulkwire_locator(to, loc) : "null");
    resp->status = 200;
    resp->content_type = "text/csv";
    resp->verdict = VERDICT_OK;
}
