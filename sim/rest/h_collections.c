/*
 * h_collections.c - sObject Collections (facts section 1): create, update,
 * upsert by external ID, delete and retrieve up to 200 records (2,000 ids
 * to read) in one call under /services/data/vNN.N/composite/sobjects.
 *
 * A well-formed request answers 200 with one element per record, in
 * request order, whatever happened to each: the request's shape (a body
 * that does not parse, too many records, a record without attributes.type
 * or of an unknown type) is the only thing answered with a 400. Every
 * record goes through intake (batch.h) and gets its own journal entry;
 * allOrNone undoes the whole request when one record fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "batch.h"
#include "extid.h"
#include "handlers.h"
#include "person.h"
#include "recycle.h"
#include "rest.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "xmalloc.h"

#define COLL_VERSION 42        /* sObject Collections from v42.0 */
#define COLL_UPSERT_VERSION 46 /* upsert by external ID from v46.0 */
#define COLL_MAX_RECORDS 200
#define COLL_MAX_CHUNKS 10
#define COLL_MAX_READ_IDS 2000
#define COLL_LIMIT_MSG_FMT                                                     \
    "record limit reached. cannot submit more than %d records into this call"

/* One request being worked on: its records and how they are answered. */
struct coll {
    struct batch b;
    struct recscan scan; /* the body's records */
    struct batch_rec *recs;
    size_t n;
    int all_or_none;
    int keep_ids;     /* deletes answer failures with their ids */
    int with_created; /* upserts answer "created" */
};

/* The version of the path if it has Collections (from min); -1 after
 * answering 404 otherwise. */
static int
coll_version(const struct sim_request *req, int min, struct sim_response *resp)
{
    int v = rest_version(req, resp);

    if (v != -1 && v < min) {
        rest_not_found(resp);
        return -1;
    }
    return v;
}

/* allOrNone from the body (absent: false); a Composite request's
 * allOrNone overrides it. -1 after answering. */
static int
all_or_none(const struct sim_request *req, const struct recscan *body,
            struct sim_response *resp)
{
    enum recval_kind v = body->all_or_none;

    if (v != RECVAL_NONE && v != RECVAL_TRUE && v != RECVAL_FALSE &&
        v != RECVAL_NULL) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "Cannot deserialize value of type `boolean` for "
                         "allOrNone");
        return -1;
    }
    return v == RECVAL_TRUE || req->composite_all_or_none;
}

/*
 * The records array of body, each an object with a known attributes.type
 * (facts 1.2, 1.7): -1 after answering 400 for anything else, the whole
 * request refused before any record is looked at.
 */
static int
check_records(struct sim *sim, const struct recscan *body,
              struct sim_response *resp)
{
    const char *type, *prev = NULL;
    size_t i, chunks = 0;

    if (body->records != RECVAL_NONE && body->records != RECVAL_ARRAY) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "Cannot deserialize records: not an array");
        return -1;
    }
    if (body->nrecs == 0) {
        rest_bad_request(resp, "REQUIRED_FIELD_MISSING",
                         "At least 1 record is required");
        return -1;
    }
    if (body->nrecs > COLL_MAX_RECORDS) {
        rest_bad_request(resp, "EXCEEDED_ID_LIMIT", COLL_LIMIT_MSG_FMT,
                         COLL_MAX_RECORDS);
        return -1;
    }
    for (i = 0; i < body->nrecs; i++) {
        if (body->recs[i].token != NULL) {
            rest_bad_request(resp, "JSON_PARSER_ERROR",
                             "Can not deserialize SObject out of %s token",
                             body->recs[i].token);
            return -1;
        }
        if ((type = body->recs[i].type) == NULL) {
            rest_bad_request(
                resp, "INVALID_TYPE",
                "Missing entity type information. sObject requires "
                "a separate 'type' field be sent.");
            return -1;
        }
        if (schema_object(sim->schema, type) == NULL) {
            rest_bad_request(
                resp, "INVALID_TYPE",
                "sObject type '%.100s' is not supported. If you are "
                "attempting to use a custom object, be sure to append "
                "the '__c' after the entity name. Please reference "
                "your WSDL or the describe call for the appropriate "
                "names.",
                type);
            return -1;
        }
        if (prev == NULL || (type != prev && strcasecmp(type, prev) != 0))
            chunks++;
        prev = type;
    }
    if (chunks > COLL_MAX_CHUNKS) {
        rest_bad_request(
            resp, "LIMIT_EXCEEDED",
            "Cannot have more than 10 chunks in a single operation. "
            "Please rearrange the data to reduce chunking.");
        return -1;
    }
    return 0;
}

/*
 * Reads a create, update or upsert request: the body, allOrNone, the
 * records (each with its object). 0 with c ready (batch begun); -1 after
 * answering. c->scan holds the body until coll_end().
 */
static int
coll_begin(struct sim *sim, struct sim_request *req, int version,
           struct sim_response *resp, struct coll *c)
{
    size_t i;
    int aon;

    memset(c, 0, sizeof(*c));
    if (rest_read_records(req, "SObjectCollection", REST_BODY_COLLECTION,
                          &c->scan, resp) == -1)
        return -1;
    if ((aon = all_or_none(req, &c->scan, resp)) == -1 ||
        check_records(sim, &c->scan, resp) == -1)
        return -1;
    c->all_or_none = aon;
    c->n = c->scan.nrecs;
    c->recs = batch_recs_new(c->n);
    for (i = 0; i < c->n; i++) {
        const char *type = c->scan.recs[i].type;

        c->recs[i].mem = &c->scan.recs[i].mem;
        /* Records come in runs of one type: look it up once a run. */
        c->recs[i].obj = i > 0 && strcmp(type, c->scan.recs[i - 1].type) == 0
                             ? c->recs[i - 1].obj
                             : schema_object(sim->schema, type);
    }
    batch_begin(&c->b, sim, req, version, resp);
    return 0;
}

/* The answer: one element per record, in request order; the records
 * journaled; the changes kept or (allOrNone after a failure) undone. */
static void
coll_finish(struct coll *c, size_t refused, struct sim_response *resp)
{
    int rollback = c->all_or_none && refused > 0;

    if (rollback)
        batch_mark_rolled_back(c->recs, c->n, c->keep_ids);
    /* Written as text: building 200 JSON objects to dump them cost more
     * than the rest of the answer. */
    response_json(resp, 200, NULL);
    buf_reset(&resp->body);
    batch_results_text(&resp->body, c->recs, c->n, c->keep_ids,
                       c->with_created);
    batch_journal(&c->b, c->recs, c->n, 0);
    batch_end(&c->b, rollback);
    batch_recs_free(c->recs, c->n);
    resp->verdict = VERDICT_OK;
    response_detail(resp, "%zu records, %zu refused%s", c->n, refused,
                    rollback ? ", all rolled back (allOrNone)" : "");
}

/* The record an update names in "id" (or "Id"); refuses r when there is
 * none, it is malformed, of another object or unknown. */
static void
update_target(struct sim *sim, struct batch_rec *r)
{
    char id15[SFID_LEN15 + 1], msg[256];
    const char *id = NULL;
    size_t i;

    for (i = 0; i < r->mem->n; i++) {
        if (strcasecmp(r->mem->v[i].name, "Id") == 0)
            id = r->mem->v[i].kind == RECVAL_STRING ? r->mem->v[i].text : NULL;
    }
    if (id == NULL || *id == '\0') {
        batch_refuse(r, VERDICT_ERROR, "MISSING_ARGUMENT",
                     "Id not specified in an update call", NULL);
        return;
    }
    if (sfid_normalize(id, strlen(id), id15) == -1 ||
        strncmp(id15, r->obj->prefix, 3) != 0) {
        snprintf(msg, sizeof(msg), "%s ID: id value of incorrect type: %.64s",
                 r->obj->label, id);
        batch_refuse(r, VERDICT_ERROR, "MALFORMED_ID", msg,
                     json_pack("[s]", "Id"));
        return;
    }
    sfid_to18(id15, r->id);
    if ((r->target = store_get(sim->store, id15)) == NULL)
        batch_refuse(r, VERDICT_ERROR, "ENTITY_IS_DELETED", "entity is deleted",
                     NULL);
}

/* A create (POST) or update (PATCH) of records named in the body. */
static void
coll_write(struct sim *sim, struct sim_request *req, int update,
           struct sim_response *resp)
{
    struct coll c;
    size_t i;
    int v;

    memset(&c, 0, sizeof(c));
    if ((v = coll_version(req, COLL_VERSION, resp)) == -1 ||
        coll_begin(sim, req, v, resp, &c) == -1)
        goto out;
    for (i = 0; i < c.n; i++) {
        if (update)
            update_target(sim, &c.recs[i]);
        if (!batch_refused(&c.recs[i]))
            batch_read(&c.b, &c.recs[i], update ? RECBODY_ID_OK : 0);
    }
    coll_finish(&c, batch_save(&c.b, c.recs, c.n), resp);
out:
    recscan_free(&c.scan);
}

/* POST /services/data/vNN.N/composite/sobjects */
void
h_coll_create(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    coll_write(sim, req, 0, resp);
}

/* PATCH /services/data/vNN.N/composite/sobjects */
void
h_coll_update(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    coll_write(sim, req, 1, resp);
}

/* The key value a record of an upsert carries, as text in out; NULL when
 * it has none. */
static const char *
upsert_value(const struct extid_key *k, const struct batch_rec *r, char *out,
             size_t n)
{
    const struct recval *v;
    const char *text = NULL;
    size_t i;

    for (i = 0; i < r->mem->n; i++) {
        v = &r->mem->v[i];
        if (strcasecmp(v->name, k->field->name) == 0 && v->text != NULL) {
            snprintf(out, n, "%s", v->text);
            text = out;
        }
    }
    return text != NULL && *text != '\0' ? text : NULL;
}

/* Whether an earlier record of the request has the same key value. */
static int
key_seen(struct extid_key *keys, size_t i)
{
    size_t j;

    for (j = 0; j < i; j++)
        if (keys[j].field != NULL &&
            strcasecmp(keys[j].value, keys[i].value) == 0)
            return 1;
    return 0;
}

/*
 * Where record i of an upsert goes: the one record its key matches (an
 * update), or a new one (a create). Refuses it without a key, with a key
 * another record of the request has, or with a key several records match.
 */
static void
upsert_target(struct coll *c, const struct extid_key *k, struct extid_key *keys,
              size_t i)
{
    struct batch_rec *r = &c->recs[i];
    struct record *found[2];
    char value[256], msg[512];
    size_t n;

    if (upsert_value(k, r, value, sizeof(value)) == NULL) {
        snprintf(msg, sizeof(msg), "%s not specified", k->field->name);
        batch_refuse(r, VERDICT_ERROR, "MISSING_ARGUMENT", msg, NULL);
        return;
    }
    keys[i] = *k;
    extid_set_value(&keys[i], value);
    if (key_seen(keys, i)) {
        snprintf(msg, sizeof(msg), "Duplicate external id specified: %.200s",
                 value);
        batch_refuse(r, VERDICT_ERROR, "DUPLICATE_EXTERNAL_ID", msg, NULL);
        return;
    }
    n = extid_find(c->b.sim, r->obj, &keys[i], found, 2);
    if (n > 1) {
        snprintf(msg, sizeof(msg),
                 "%s: more than one record found for external id field: "
                 "%.200s",
                 k->field->name, value);
        batch_refuse(r, VERDICT_ERROR, "DUPLICATE_EXTERNAL_ID", msg, NULL);
    } else if (n == 1) {
        r->target = found[0];
        sfid_to18(found[0]->id, r->id);
    } else if (k->by_id) {
        batch_refuse(r, VERDICT_ERROR, "NOT_FOUND",
                     "The requested resource does not exist", NULL);
    } else {
        r->created = 1;
    }
}

/* The upsert's object and key field from the path; -1 after answering. */
static int
upsert_key(struct sim *sim, struct sim_request *req, int version,
           const struct object_def **obj, struct extid_key *k,
           struct sim_response *resp)
{
    char msg[256];

    if ((*obj = rest_object(sim, req, 1, resp)) == NULL)
        return -1;
    if (extid_field(*obj, req->params[2], version, k) == -1) {
        snprintf(msg, sizeof(msg),
                 "Provided external ID field does not exist or is not "
                 "accessible: %.128s",
                 req->params[2]);
        response_sf_error(resp, 404, "NOT_FOUND", msg, NULL);
        return -1;
    }
    return 0;
}

/* Every record of an upsert is of the path's object; -1 after answering. */
static int
upsert_types(const struct coll *c, const struct object_def *obj,
             struct sim_response *resp)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (c->recs[i].obj != obj) {
            rest_bad_request(resp, "INVALID_TYPE",
                             "Upsert of %s: record %zu is of type %s",
                             obj->name, i, c->recs[i].obj->name);
            return -1;
        }
    }
    return 0;
}

/* PATCH /services/data/vNN.N/composite/sobjects/{Object}/{Field} */
void
h_coll_upsert(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    const struct object_def *obj;
    struct extid_key k, *keys = NULL;
    struct coll c;
    const char *stored;
    size_t i, len;
    int v;

    memset(&c, 0, sizeof(c));
    if ((v = coll_version(req, COLL_UPSERT_VERSION, resp)) == -1 ||
        upsert_key(sim, req, v, &obj, &k, resp) == -1 ||
        coll_begin(sim, req, v, resp, &c) == -1)
        goto out;
    if (upsert_types(&c, obj, resp) == -1) {
        batch_end(&c.b, 0);
        batch_recs_free(c.recs, c.n);
        goto out;
    }
    c.with_created = 1;
    keys = xcalloc(c.n, sizeof(*keys));
    for (i = 0; i < c.n; i++) {
        upsert_target(&c, &k, keys, i);
        if (batch_refused(&c.recs[i]) ||
            batch_read(&c.b, &c.recs[i], k.by_id ? RECBODY_ID_OK : 0) == -1)
            continue;
        /* As on a single upsert, an update never changes the key. */
        if (c.recs[i].target != NULL && !k.by_id &&
            (stored = record_value(c.recs[i].target, k.field->interned,
                                   &len)) != NULL)
            fieldvals_set(&c.recs[i].fv, k.field->interned, stored, len);
    }
    coll_finish(&c, batch_save(&c.b, c.recs, c.n), resp);
out:
    free(keys);
    recscan_free(&c.scan);
}

/* --- delete --------------------------------------------------------------- */

/* The end of the comma-separated item at p: a plain loop, where strcspn()
 * would be checked by AddressSanitizer over the whole rest of the list
 * for every item. */
static const char *
list_item_end(const char *p)
{
    while (*p != '\0' && *p != ',')
        p++;
    return p;
}

/* The object whose records' ids start with id15's key prefix, or NULL. */
static const struct object_def *
object_of_id(const struct sim *sim, const char *id15)
{
    size_t i;

    for (i = 0; i < sim->schema->nobjects; i++)
        if (strncmp(sim->schema->objects[i].prefix, id15, 3) == 0)
            return &sim->schema->objects[i];
    return NULL;
}

/* The comma-separated ids of ?ids= as records to delete (or refused). */
static size_t
delete_targets(struct sim *sim, const char *list, struct batch_rec *recs)
{
    char id[64], id15[SFID_LEN15 + 1], msg[128];
    const struct object_def *obj;
    const char *p, *end;
    size_t n = 0, len;

    for (p = list; *p != '\0'; p = *end ? end + 1 : end) {
        struct batch_rec *r = &recs[n++];

        end = list_item_end(p);
        len = (size_t)(end - p);
        snprintf(id, sizeof(id), "%.*s", (int)(len < 63 ? len : 63), p);
        if (len <= SFID_LEN18)
            memcpy(r->id, id, len + 1);
        if (sfid_normalize(id, strlen(id), id15) == -1 ||
            (obj = object_of_id(sim, id15)) == NULL) {
            snprintf(msg, sizeof(msg), "malformed id %s", id);
            batch_refuse(r, VERDICT_ERROR, "MALFORMED_ID", msg, NULL);
            continue;
        }
        r->obj = obj;
        sfid_to18(id15, r->id);
        if ((r->target = store_get(sim->store, id15)) == NULL)
            batch_refuse(r, VERDICT_ERROR, "ENTITY_IS_DELETED",
                         "entity is deleted", NULL);
    }
    return n;
}

/* Deletes the records not refused; returns how many are refused in all. */
static size_t
delete_all(struct sim *sim, struct batch_rec *recs, size_t n)
{
    size_t i, refused = 0;
    char id15[SFID_LEN15 + 1], msg[160];
    struct record *r;

    for (i = 0; i < n; i++) {
        if (batch_refused(&recs[i])) {
            refused++;
            continue;
        }
        /* An id listed twice: the second finds it gone. */
        sfid_normalize(recs[i].id, SFID_LEN18, id15);
        if ((r = store_get(sim->store, id15)) == NULL) {
            batch_refuse(&recs[i], VERDICT_ERROR, "ENTITY_IS_DELETED",
                         "entity is deleted", NULL);
            refused++;
            continue;
        }
        if (schema_refusal(recs[i].obj, OBJ_DELETABLE, msg, sizeof(msg)) ==
            -1) {
            batch_refuse(&recs[i], VERDICT_ERROR,
                         "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", msg, NULL);
            refused++;
            continue;
        }
        recycle_delete(sim, recs[i].obj, r);
        recs[i].verdict = VERDICT_DELETED;
    }
    return refused;
}

static size_t
count_ids(const char *list)
{
    size_t n = 1;

    for (; *list != '\0'; list++)
        n += *list == ',';
    return n;
}

/* DELETE /services/data/vNN.N/composite/sobjects?ids=…[&allOrNone=true] */
void
h_coll_delete(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    const char *ids = request_query(req, "ids");
    const char *aon = request_query(req, "allOrNone");
    size_t refused = 0;
    struct coll c;
    int v;

    memset(&c, 0, sizeof(c));
    if ((v = coll_version(req, COLL_VERSION, resp)) == -1)
        return;
    if (ids == NULL || *ids == '\0') {
        rest_bad_request(resp, "REQUIRED_FIELD_MISSING",
                         "At least 1 record is required");
        return;
    }
    if ((c.n = count_ids(ids)) > COLL_MAX_RECORDS) {
        rest_bad_request(resp, "EXCEEDED_ID_LIMIT", COLL_LIMIT_MSG_FMT,
                         COLL_MAX_RECORDS);
        return;
    }
    c.all_or_none = (aon != NULL && strcasecmp(aon, "true") == 0) ||
                    req->composite_all_or_none;
    c.keep_ids = 1;
    c.recs = batch_recs_new(c.n);
    batch_begin(&c.b, sim, req, v, resp);
    c.n = delete_targets(sim, ids, c.recs);
    for (size_t i = 0; i < c.n; i++)
        refused += batch_refused(&c.recs[i]);
    /* allOrNone with a bad id: nothing is deleted at all. */
    if (!(c.all_or_none && refused > 0))
        refused = delete_all(sim, c.recs, c.n);
    coll_finish(&c, refused, resp);
}

/* --- retrieve ------------------------------------------------------------- */

/* The fields to read, from a list of names; -1 after answering 400. */
static int
read_fields(const struct object_def *obj, json_t *names,
            const struct field_def ***out, size_t *n, struct sim_response *resp)
{
    const char *name;
    json_t *v;
    size_t i;

    *n = 0;
    *out = xcalloc(json_array_size(names) + 1, sizeof(**out));
    json_array_foreach(names, i, v) {
        name = json_string_value(v);
        if (name == NULL || ((*out)[*n] = schema_field(obj, name)) == NULL) {
            rest_bad_request(
                resp, "INVALID_FIELD",
                "No such column '%.128s' on entity '%s'. If you are "
                "attempting to use a custom field, be sure to append "
                "the '__c' after the custom field name. Please "
                "reference your WSDL or the describe call for the "
                "appropriate names.",
                name != NULL ? name : "", obj->name);
            return -1;
        }
        (*n)++;
    }
    return 0;
}

/* "a,b,c" as a JSON array of strings (new reference). */
static json_t *
split_list(const char *list)
{
    json_t *arr = json_array();
    const char *p, *end;

    for (p = list; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
        end = list_item_end(p);
        if (end > p)
            json_array_append_new(arr, json_stringn(p, (size_t)(end - p)));
    }
    return arr;
}

/* One id's record of obj, or NULL (unknown, malformed, other object). */
static struct record *
read_one(struct sim *sim, const struct object_def *obj, json_t *id)
{
    const char *s = json_string_value(id);
    char id15[SFID_LEN15 + 1];
    struct record *r;

    if (s == NULL || sfid_normalize(s, strlen(s), id15) == -1 ||
        (r = store_get(sim->store, id15)) == NULL ||
        r->object != obj->store_index)
        return NULL;
    return r;
}

/* The ids and fields of a retrieve, from the query (GET) or the body
 * (POST): new references in *ids and *fields; -1 after answering. */
static int
read_request(struct sim_request *req, json_t **ids, json_t **fields,
             struct sim_response *resp)
{
    json_t *body;

    *ids = *fields = NULL;
    if (req->method != HTTP_POST) {
        *ids = split_list(request_query(req, "ids"));
        *fields = split_list(request_query(req, "fields"));
        return 0;
    }
    if ((body = rest_read_object(req, "SObjectCollection", resp)) == NULL)
        return -1;
    *ids = json_incref(json_object_get(body, "ids"));
    *fields = json_incref(json_object_get(body, "fields"));
    json_decref(body);
    if (!json_is_array(*ids) || !json_is_array(*fields)) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "ids and fields must be arrays of strings");
        return -1;
    }
    return 0;
}

/*
 * GET /services/data/vNN.N/composite/sobjects/{Object}?ids=…&fields=…
 * POST the same with {"ids": […], "fields": […]}: the records in the order
 * asked, null for an id that names none of obj's records.
 */
void
h_coll_retrieve(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    const struct object_def *obj;
    const struct field_def **fields = NULL;
    json_t *ids = NULL, *names = NULL, *arr, *id;
    struct record *r;
    size_t i, nfields;
    int v;

    if ((v = coll_version(req, COLL_VERSION, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL ||
        read_request(req, &ids, &names, resp) == -1)
        goto out;
    if (json_array_size(ids) == 0 || json_array_size(names) == 0) {
        rest_bad_request(resp, "MISSING_ARGUMENT",
                         json_array_size(ids) == 0
                             ? "ids: at least one is required"
                             : "fields: at least one is "
                               "required");
        goto out;
    }
    if (json_array_size(ids) > COLL_MAX_READ_IDS) {
        rest_bad_request(resp, "EXCEEDED_ID_LIMIT", COLL_LIMIT_MSG_FMT,
                         COLL_MAX_READ_IDS);
        goto out;
    }
    if (read_fields(obj, names, &fields, &nfields, resp) == -1)
        goto out;
    arr = json_array();
    json_array_foreach(ids, i, id) {
        r = read_one(sim, obj, id);
        json_array_append_new(
            arr, r != NULL ? sobject_select(sim, obj, r, fields, nfields, v)
                           : json_null());
    }
    response_json(resp, 200, arr);
    resp->verdict = VERDICT_OK;
out:
    free(fields);
    json_decref(ids);
    json_decref(names);
}
