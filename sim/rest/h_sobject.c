/*
 * h_sobject.c - records over REST: create, read, update, delete (to the
 * recycle bin), upsert or read by external ID (facts 3.5-3.7, 7), and the
 * records updated or deleted in a span of time (sobjects/X/updated and
 * deleted, which sync clients poll).
 *
 * Bodies are read here rather than through ROUTE_JSON_BODY: Salesforce
 * answers a wrong Content-Type with 415 before it looks at the body, and the
 * dispatcher would have answered a form body with JSON_PARSER_ERROR first.
 * A body's members become the strings intake converts from (recscan.h,
 * recbody.h); every write goes through intake_create() or intake_update().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extid.h"
#include "handlers.h"
#include "intake.h"
#include "org.h"
#include "recbody.h"
#include "recscan.h"
#include "recycle.h"
#include "rest.h"
#include "rules.h"
#include "schema.h"
#include "sfapi.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define UPSERT_MAX_URLS 100 /* record URLs listed in a 300 answer */
#define FIELDS_PARAM_MAX 4096

/*
 * The body's fields as values for intake (borrowed from body). Unknown
 * fields and Id are refused as Salesforce refuses them; -1 after
 * answering.
 */
static int
body_fields(const struct object_def *obj, const struct recscan *body,
            struct fieldvals *fv, struct sim_response *resp)
{
    json_t *err = recbody_fields(obj, &body->recs[0].mem, 0, fv, NULL);

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
    struct fieldvals fv = {0};
    struct intake_result res;
    struct record *out = NULL;
    struct recscan body;

    intake_result_init(&res);
    rest_intake_opts(req, version, &opts);
    if (rest_read_records(req, "SObject", REST_BODY_RECORD, &body, resp) ==
            -1 ||
        body_fields(obj, &body, &fv, resp) == -1)
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
    recscan_free(&body);
    return out;
}

/*
 * Whether the API may do what (OBJ_CREATEABLE, _UPDATEABLE, _DELETABLE)
 * with obj: -1 after answering 400 CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY
 * "entity type cannot be inserted: <label>" (or updated, deleted) when not.
 */
static int
object_allows(const struct object_def *obj, unsigned what,
              struct sim_response *resp)
{
    char msg[160];

    if (schema_refusal(obj, what, msg, sizeof(msg)) == 0)
        return 0;
    response_sf_error(resp, 400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", msg,
                      NULL);
    return -1;
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
        (obj = rest_object(sim, req, 1, resp)) == NULL ||
        object_allows(obj, OBJ_CREATEABLE, resp) == -1)
        return;
    if ((r = write_record(sim, req, v, obj, NULL, NULL, resp)) != NULL)
        response_json(resp, 201, save_result(r, -1, v));
}

/* How a request answers a record in the recycle bin (facts 7.1, 7.2). */
enum on_deleted {
    DELETED_NOT_FOUND,  /* GET: as if it never was */
    DELETED_IS_DELETED, /* PATCH, DELETE: 404 ENTITY_IS_DELETED */
};

static void
entity_is_deleted(struct sim_response *resp)
{
    /* Captured with "message" first and an empty "fields". */
    response_json(resp, 404,
                  json_pack("[{s:s, s:s, s:[]}]", "message",
                            "entity is deleted", "errorCode",
                            "ENTITY_IS_DELETED", "fields"));
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "ENTITY_IS_DELETED: in the recycle bin");
}

/*
 * The record named by path parameter 2 (an id in 15 or 18 characters), or
 * NULL after answering: something that is no id at all is taken for an
 * external ID field name, as Salesforce does (404); an id of another object
 * is MALFORMED_ID; an unknown id is NOT_FOUND; a deleted record answers as
 * on_deleted says.
 */
static struct record *
find_record(struct sim *sim, const struct sim_request *req,
            const struct object_def *obj, enum on_deleted on_deleted,
            struct sim_response *resp)
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
    r = store_get_any(sim->store, id15);
    if (r == NULL || r->object != obj->store_index ||
        (r->deleted && on_deleted == DELETED_NOT_FOUND)) {
        rest_not_found(resp);
        return NULL;
    }
    rest_set_record(resp, r);
    if (r->deleted) {
        entity_is_deleted(resp);
        return NULL;
    }
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
        (r = find_record(sim, req, obj, DELETED_NOT_FOUND, resp)) == NULL)
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
        (r = find_record(sim, req, obj, DELETED_IS_DELETED, resp)) == NULL ||
        object_allows(obj, OBJ_UPDATEABLE, resp) == -1)
        return;
    if (write_record(sim, req, v, obj, r, NULL, resp) != NULL)
        resp->status = 204;
}

/* DELETE /services/data/vNN.N/sobjects/{Object}/{id} -> 204; the record
 * goes to the recycle bin with its details (recycle.h). */
void
h_sobject_delete(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    const struct object_def *obj;
    struct record *r;

    if (rest_version(req, resp) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL ||
        (r = find_record(sim, req, obj, DELETED_IS_DELETED, resp)) == NULL ||
        object_allows(obj, OBJ_DELETABLE, resp) == -1)
        return;
    recycle_delete(sim, obj, r);
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
    if (object_allows(obj, r != NULL ? OBJ_UPDATEABLE : OBJ_CREATEABLE, resp) ==
        -1)
        return;
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

/* --- updated/ and deleted/ (facts 7; sync clients poll them) ---------------
 */

#define MINUTE_MS 60000LL
#define REPLICATION_WINDOW_MS (30LL * 86400000) /* how far back start goes */
#define REPLICATION_MAX_IDS 600000 /* ids one answer lists at most */

static void
replication_error(struct sim_response *resp, const char *code, const char *msg)
{
    response_sf_error(resp, 400, code, msg, NULL);
}

/*
 * A start= or end= value: ISO 8601 (a '+' that arrived unescaped, as a
 * space, is read as the '+' it was), rounded down to the minute as
 * Salesforce does. -1 after answering 400 when absent or unreadable.
 */
static int
replication_time(const struct sim_request *req, const char *name, int64_t *ms,
                 struct sim_response *resp)
{
    const char *v = request_query(req, name);
    char fixed[64], msg[160], *sp;

    if (v == NULL || v[0] == '\0') {
        snprintf(msg, sizeof(msg), "Missing required parameter: %s", name);
        replication_error(resp, "MISSING_ARGUMENT", msg);
        return -1;
    }
    snprintf(fixed, sizeof(fixed), "%s", v);
    if ((sp = strchr(fixed, ' ')) != NULL)
        *sp = '+';
    if (strlen(v) >= sizeof(fixed) || timefmt_parse(fixed, ms) == -1) {
        snprintf(msg, sizeof(msg),
                 "%s: '%.64s' is not a valid ISO 8601 date-time", name, v);
        replication_error(resp, "INVALID_REPLICATION_DATE", msg);
        return -1;
    }
    *ms -= ((*ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS;
    return 0;
}

/* The object, start and latestDateCovered of an updated/ or deleted/
 * request, checked as Salesforce checks them; NULL after answering. */
static const struct object_def *
replication_range(struct sim *sim, const struct sim_request *req,
                  int64_t *start, int64_t *covered, struct sim_response *resp)
{
    const struct object_def *obj;
    int64_t end, now = sim_now(sim);
    char msg[160];

    if (rest_version(req, resp) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL)
        return NULL;
    if (!(obj->flags & OBJ_REPLICATEABLE)) {
        snprintf(msg, sizeof(msg), "sObject type %s is not replicable",
                 obj->name);
        replication_error(resp, "INVALID_TYPE", msg);
        return NULL;
    }
    if (replication_time(req, "start", start, resp) == -1 ||
        replication_time(req, "end", &end, resp) == -1)
        return NULL;
    if (end - *start <= MINUTE_MS) {
        replication_error(resp, "INVALID_REPLICATION_DATE",
                          "startDate must chronologically precede endDate by "
                          "more than one minute");
        return NULL;
    }
    if (*start < now - REPLICATION_WINDOW_MS) {
        replication_error(resp, "INVALID_REPLICATION_DATE",
                          "startDate cannot be more than 30 days ago");
        return NULL;
    }
    /* Nothing later than the last whole minute is covered yet. */
    *covered = now - now % MINUTE_MS;
    *covered = end < *covered ? end : *covered;
    return obj;
}

static json_t *
sf_time(int64_t ms)
{
    char buf[TIMEFMT_LEN];

    return json_string(timefmt_salesforce(ms, buf));
}

struct changes {
    int64_t from, to; /* [from, to) */
    int deleted;      /* list {"id","deletedDate"} instead of ids */
    json_t *list;
    size_t n;
};

/* Adds r to c->list when it changed (or was deleted) within the span. */
static int
add_change(struct record *r, void *arg)
{
    struct changes *c = arg;
    char id18[SFID_LEN18 + 1];

    if (r->modified_ms < c->from || r->modified_ms >= c->to)
        return 0;
    if (++c->n > REPLICATION_MAX_IDS)
        return 1;
    sfid_to18(r->id, id18);
    json_array_append_new(
        c->list, c->deleted ? json_pack("{s:s, s:o}", "id", id18, "deletedDate",
                                        sf_time(r->modified_ms))
                            : json_string(id18));
    return 0;
}

static void
too_many_ids(struct sim_response *resp, json_t *list)
{
    json_decref(list);
    replication_error(resp, "EXCEEDED_ID_LIMIT",
                      "ID limit exceeded: narrow the start and end range");
}

/* GET /services/data/vNN.N/sobjects/{Object}/updated?start=…&end=… */
void
h_sobject_updated(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    const struct object_def *obj;
    struct changes c = {0};

    if ((obj = replication_range(sim, req, &c.from, &c.to, resp)) == NULL)
        return;
    c.list = json_array();
    if (store_foreach(sim->store, obj->store_index, add_change, &c) != 0) {
        too_many_ids(resp, c.list);
        return;
    }
    response_json(resp, 200,
                  json_pack("{s:o, s:o}", "ids", c.list, "latestDateCovered",
                            sf_time(c.to)));
    resp->verdict = VERDICT_OK;
}

/*
 * earliestDateAvailable: the deletion time of the last record of obj
 * purged from the recycle bin, or (none yet) when the org's records began
 * (its Organization's CreatedDate), to the minute.
 */
static int64_t
earliest_available(struct sim *sim, const struct object_def *obj)
{
    int64_t t = store_purged_until(sim->store, obj->store_index);
    const struct record *org = store_get(sim->store, sim->org->org_id);

    if (t < 0)
        t = org != NULL ? org->created_ms : sim_now(sim);
    return t - ((t % MINUTE_MS) + MINUTE_MS) % MINUTE_MS;
}

/* GET /services/data/vNN.N/sobjects/{Object}/deleted?start=…&end=… */
void
h_sobject_deleted(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    const struct object_def *obj;
    struct changes c = {0};
    int64_t earliest, purged;

    if ((obj = replication_range(sim, req, &c.from, &c.to, resp)) == NULL)
        return;
    earliest = earliest_available(sim, obj);
    purged = store_purged_until(sim->store, obj->store_index);
    if (purged >= 0 && c.from < purged) {
        /* Deletions in the range are gone for good: a full sync is due. */
        replication_error(resp, "INVALID_REPLICATION_DATE",
                          "startDate is before earliestDateAvailable");
        return;
    }
    c.list = json_array();
    c.deleted = 1;
    if (store_foreach_deleted(sim->store, obj->store_index, add_change, &c) !=
        0) {
        too_many_ids(resp, c.list);
        return;
    }
    response_json(resp, 200,
                  json_pack("{s:o, s:o, s:o}", "deletedRecords", c.list,
                            "earliestDateAvailable", sf_time(earliest),
                            "latestDateCovered", sf_time(c.to)));
    resp->verdict = VERDICT_OK;
}
