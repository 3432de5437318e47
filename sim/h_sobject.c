/*
 * h_sobject.c - records over REST: create, read, update, delete, and upsert
 * or read by external ID (facts 3.5-3.7).
 *
 * Bodies are read here rather than through ROUTE_JSON_BODY: Salesforce
 * answers a wrong Content-Type with 415 before it looks at the body, and the
 * dispatcher would have answered a form body with JSON_PARSER_ERROR first.
 * JSON values become the strings intake converts from; every write goes
 * through intake_create() or intake_update().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extid.h"
#include "handlers.h"
#include "intake.h"
#include "person.h"
#include "recbody.h"
#include "rest.h"
#include "rules.h"
#include "schema.h"
#include "sfapi.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "xmalloc.h"

#define UPSERT_MAX_URLS 100 /* record URLs listed in a 300 answer */
#define FIELDS_PARAM_MAX 4096

/*
 * The body's fields as values for intake (borrowed from body and pool).
 * Unknown fields and Id are refused as Salesforce refuses them; -1 after
 * answering.
 */
static int
body_fields(const struct object_def *obj, json_t *body, struct fieldvals *fv,
            struct recbody_pool *pool, struct sim_response *resp)
{
    json_t *err = recbody_fields(obj, body, 0, fv, pool);

    if (err == NULL)
        return 0;
    response_json(resp, 400, json_pack("[o]", err));
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "%s",
                    json_string_value(json_object_get(err, "errorCode")));
    return -1;
}

/* Intake's refusal as the answer: 400 with its error array. */
static void
answer_intake_error(struct sim_response *resp, struct intake_result *res)
{
    response_json(resp, 400, json_incref(res->errors));
    resp->verdict = res->verdict;
    response_detail(resp, "%s", res->detail ? res->detail : "refused");
}

static json_t *
save_result(const struct record *r, int created, int version)
{
    char id18[SFID_LEN18 + 1];
    json_t *j;

    sfid_to18(r->id, id18);
    j = json_pack("{s:s, s:b, s:[]}", "id", id18, "success", 1, "errors");
    if (created >= 0 && version >= REST_VERSION_UPSERT_CREATED)
        json_object_set_new(j, "created", json_boolean(created));
    return j;
}

/*
 * Creates (r NULL) or updates r from the request body; extra (NULL or one
 * field value, the upsert key) is added after the body's values. Returns the
 * record, or NULL after answering.
 */
static struct record *
write_record(struct sim *sim, const struct sim_request *req, int version,
             const struct object_def *obj, struct record *r,
             const struct fieldval *extra, struct sim_response *resp)
{
    struct intake_opts opts;
    struct recbody_pool pool = {0};
    struct fieldvals fv = {0};
    struct intake_result res;
    struct record *out = NULL;
    json_t *body;

    intake_result_init(&res);
    rest_intake_opts(req, version, &opts);
    if ((body = rest_read_object(req, "SObject", resp)) == NULL ||
        body_fields(obj, body, &fv, &pool, resp) == -1)
        goto out;
    if (extra != NULL)
        fieldvals_set(&fv, extra->field, extra->value, extra->len);
    if ((r == NULL ? intake_create_opts(sim, obj, &fv, INTAKE_REST,
                                        sim_now(sim), &opts, &res)
                   : intake_update_opts(sim, obj, r, &fv, INTAKE_REST,
                                        sim_now(sim), &opts, &res)) == -1) {
        answer_intake_error(resp, &res);
        goto out;
    }
    out = res.record;
    resp->verdict = res.verdict;
    rest_set_record(resp, out);
out:
    intake_result_free(&res);
    fieldvals_free(&fv);
    recbody_pool_free(&pool);
    json_decref(body);
    return out;
}

/* POST /services/data/vNN.N/sobjects/{Object}/ */
void
h_sobject_create(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    const struct object_def *obj;
    struct record *r;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL)
        return;
    if ((r = write_record(sim, req, v, obj, NULL, NULL, resp)) != NULL)
        response_json(resp, 201, save_result(r, -1, v));
}

/*
 * The record named by path parameter 2 (an id in 15 or 18 characters), or
 * NULL after answering: something that is no id at all is taken for an
 * external ID field name, as Salesforce does (404); an id of another object
 * is MALFORMED_ID; an unknown id is NOT_FOUND.
 */
static struct record *
find_record(struct sim *sim, const struct sim_request *req,
            const struct object_def *obj, struct sim_response *resp)
{
    const char *seg = req->params[2];
    char id15[SFID_LEN15 + 1], msg[256];
    struct record *r;

    if (sfid_normalize(seg, strlen(seg), id15) == -1) {
        snprintf(msg, sizeof(msg),
                 "Provided external ID field does not exist or is not "
                 "accessible: %.128s",
                 seg);
        response_sf_error(resp, 404, "NOT_FOUND", msg, NULL);
        return NULL;
    }
    if (strncmp(id15, obj->prefix, 3) != 0) {
        snprintf(msg, sizeof(msg), "%s ID: id value of incorrect type: %s",
                 obj->label, seg);
        response_sf_error(resp, 400, "MALFORMED_ID", msg,
                          json_pack("[s]", "Id"));
        return NULL;
    }
    r = store_get(sim->store, id15);
    if (r == NULL || r->object != obj->store_index) {
        rest_not_found(resp);
        return NULL;
    }
    rest_set_record(resp, r);
    return r;
}

/* The INVALID_FIELD answer for a ?fields= name the object lacks. */
static void
no_such_column(struct sim_response *resp, const struct object_def *obj,
               const char *name)
{
    char msg[512];

    snprintf(msg, sizeof(msg),
             "No such column '%.128s' on entity '%s'. If you are attempting "
             "to use a custom field, be sure to append the '__c' after the "
             "custom field name. Please reference your WSDL or the describe "
             "call for the appropriate names.",
             name, obj->name);
    response_sf_error(resp, 400, "INVALID_FIELD", msg, NULL);
}

/* The record with only the ?fields= list (and Id); NULL after answering. */
static json_t *
record_fields(struct sim *sim, const struct object_def *obj,
              const struct record *r, const char *list, int version,
              struct sim_response *resp)
{
    char buf[FIELDS_PARAM_MAX], *name, *save = NULL;
    const struct field_def *fields[FIELDS_PARAM_MAX / 2];
    size_t n = 0;

    snprintf(buf, sizeof(buf), "%s", list);
    for (name = strtok_r(buf, ", ", &save); name != NULL;
         name = strtok_r(NULL, ", ", &save)) {
        if ((fields[n++] = schema_field(obj, name)) == NULL) {
            no_such_column(resp, obj, name);
            return NULL;
        }
    }
    return sobject_select(sim, obj, r, fields, n, version);
}

/* The record as GET answers it (new reference), or NULL after answering. */
static json_t *
record_json(struct sim *sim, const struct sim_request *req,
            const struct object_def *obj, const struct record *r, int version,
            struct sim_response *resp)
{
    const char *list = request_query(req, "fields");
    json_t *j;

    if (list != NULL && list[0] != '\0')
        return record_fields(sim, obj, r, list, version, resp);
    j = sobject_to_json(sim, obj, r);
    json_object_set_new(j, "attributes", sobject_attributes(obj, r, version));
    return j;
}

/* GET /services/data/vNN.N/sobjects/{Object}/{id}[?fields=a,b] */
void
h_sobject_get(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    const struct object_def *obj;
    struct record *r;
    json_t *j;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL ||
        (r = find_record(sim, req, obj, resp)) == NULL)
        return;
    if ((j = record_json(sim, req, obj, r, v, resp)) == NULL)
        return;
    response_json(resp, 200, j);
    resp->verdict = VERDICT_OK;
}

/* PATCH /services/data/vNN.N/sobjects/{Object}/{id} -> 204 */
void
h_sobject_update(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    const struct object_def *obj;
    struct record *r;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL ||
        (r = find_record(sim, req, obj, resp)) == NULL)
        return;
    if (write_record(sim, req, v, obj, r, NULL, resp) != NULL)
        resp->status = 204;
}

/* DELETE /services/data/vNN.N/sobjects/{Object}/{id} -> 204 */
void
h_sobject_delete(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    const struct object_def *obj;
    struct record *r;

    if (rest_version(req, resp) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL ||
        (r = find_record(sim, req, obj, resp)) == NULL)
        return;
    person_delete_contact(sim, obj, r);
    store_delete(sim->store, r);
    resp->status = 204;
    resp->verdict = VERDICT_DELETED;
}

/* --- by external ID --------------------------------------------------------
 */

/*
 * The key field of path parameter 2 and its value (parameter 3); -1 after
 * answering 404 when the field is no external ID field (Id counts from
 * v37.0).
 */
static int
ext_key(const struct object_def *obj, const struct sim_request *req,
        int version, struct extid_key *k, struct sim_response *resp)
{
    const char *name = req->params[2], *value = req->params[3];
    char msg[256];

    if (extid_field(obj, name, version, k) == -1) {
        snprintf(msg, sizeof(msg),
                 "Provided external ID field does not exist or is not "
                 "accessible: %.128s",
                 name);
        response_sf_error(resp, 404, "NOT_FOUND", msg, NULL);
        return -1;
    }
    extid_set_value(k, value);
    return 0;
}

/* 300 Multiple Choices: the URLs of the matching records (facts 3.6). */
static void
answer_choices(struct sim_response *resp, const struct object_def *obj,
               struct record **recs, size_t shown, size_t total, int version)
{
    json_t *arr = json_array();
    char url[256];
    size_t i;

    for (i = 0; i < shown; i++)
        json_array_append_new(arr,
                              json_string(rest_record_url(version, obj, recs[i],
                                                          url, sizeof(url))));
    response_json(resp, 300, arr);
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "MULTIPLE_CHOICES: %zu records match", total);
}

static int
by_id(const void *a, const void *b)
{
    return strcmp((*(struct record *const *)a)->id,
                  (*(struct record *const *)b)->id);
}

/* The one match for an external-ID request, or NULL after answering. */
static struct record *
ext_one(struct sim *sim, const struct object_def *obj,
        const struct extid_key *k, int version, int none_ok,
        struct sim_response *resp)
{
    struct record *recs[UPSERT_MAX_URLS];
    size_t n = extid_find(sim, obj, k, recs, UPSERT_MAX_URLS);

    if (n > 1) {
        /* Index order is hash order; list them in creation order. */
        qsort(recs, n < UPSERT_MAX_URLS ? n : UPSERT_MAX_URLS, sizeof(*recs),
              by_id);
        answer_choices(resp, obj, recs,
                       n < UPSERT_MAX_URLS ? n : UPSERT_MAX_URLS, n, version);
        return NULL;
    }
    if (n == 0 && !none_ok)
        rest_not_found(resp);
    return n == 1 ? recs[0] : NULL;
}

/* GET /services/data/vNN.N/sobjects/{Object}/{Field}/{value} */
void
h_sobject_get_by_ext(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp)
{
    const struct object_def *obj;
    struct extid_key k;
    struct record *r;
    json_t *j;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL ||
        ext_key(obj, req, v, &k, resp) == -1 ||
        (r = ext_one(sim, obj, &k, v, 0, resp)) == NULL)
        return;
    rest_set_record(resp, r);
    if ((j = record_json(sim, req, obj, r, v, resp)) == NULL)
        return;
    response_json(resp, 200, j);
    resp->verdict = VERDICT_OK;
}

/*
 * PATCH /services/data/vNN.N/sobjects/{Object}/{Field}/{value}: insert
 * (201), update (200 with "created":false from v46.0, 204 before), 300 for
 * several matches; ?updateOnly=true turns a miss into 404.
 */
void
h_sobject_upsert(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    const char *update_only = request_query(req, "updateOnly");
    const struct object_def *obj;
    struct fieldval key;
    struct extid_key k;
    struct record *r;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL ||
        ext_key(obj, req, v, &k, resp) == -1)
        return;
    r = ext_one(sim, obj, &k, v, 1, resp);
    if (r == NULL && resp->status == 300)
        return;
    if (r == NULL &&
        (k.by_id || (update_only && strcasecmp(update_only, "true") == 0))) {
        rest_not_found(resp);
        return;
    }
    /* The key travels in the URL; a body value for it is overridden (on
     * update by the stored value, so the key never changes). */
    key.field = k.field->interned;
    key.value = k.value;
    key.len = strlen(k.value);
    if (r != NULL && !k.by_id)
        key.value = record_value(r, key.field, &key.len);
    if ((r = write_record(sim, req, v, obj, r, k.by_id ? NULL : &key, resp)) ==
        NULL)
        return;
    if (resp->verdict == VERDICT_CREATED)
        response_json(resp, 201, save_result(r, 1, v));
    else if (v >= REST_VERSION_UPSERT_CREATED)
        response_json(resp, 200, save_result(r, 0, v));
    else
        resp->status = 204;
}
