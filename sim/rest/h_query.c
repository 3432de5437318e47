/*
 * h_query.c - SOQL over REST: GET vNN.N/query?q=… and queryAll?q=… (which
 * also sees the recycle bin, facts 7.3), the following pages through GET
 * vNN.N/query/{locator}-{offset} (facts 3.11), and the column metadata of
 * a query (?columns=true, facts 6.2).
 *
 * The query runs through queryrun.c (an equality index when the WHERE
 * clause allows, so an indexed lookup costs the same at any store size).
 * Results past the first batch are kept as record IDs in a locator
 * (cursor.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "cursor.h"
#include "handlers.h"
#include "parse.h"
#include "queryrun.h"
#include "rest.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "soql.h"
#include "store.h"
#include "xmalloc.h"

#define BATCH_DEFAULT 2000
#define BATCH_MIN 200
#define BATCH_MAX 2000

/* --- answering -------------------------------------------------------------
 */

/* Sforce-Query-Options: batchSize=N, kept within 200..2000; fallback when
 * absent or unreadable. */
static size_t
batch_size(const struct sim_request *req, size_t fallback)
{
    const char *h = request_header(req, "Sforce-Query-Options");
    const char *p = h != NULL ? strcasestr(h, "batchSize=") : NULL;
    char digits[16];
    size_t n = 0;
    int64_t v;

    if (p == NULL)
        return fallback;
    for (p += 10; n + 1 < sizeof(digits) && p[n] >= '0' && p[n] <= '9'; n++)
        digits[n] = p[n];
    digits[n] = '\0';
    if (parse_int64(digits, 0, INT32_MAX, &v) == -1)
        return fallback;
    return v < BATCH_MIN ? BATCH_MIN : v > BATCH_MAX ? BATCH_MAX : (size_t)v;
}

/* {"totalSize", "done", ["nextRecordsUrl"], "records"}; steals records.
 * A queryAll locator pages through queryAll/ (facts 7.3). */
static json_t *
page_json(size_t total, const struct cursor *next, size_t offset, int version,
          json_t *records)
{
    json_t *j = json_pack("{s:I, s:b}", "totalSize", (json_int_t)total, "done",
                          next == NULL);
    char id18[SFID_LEN18 + 1], rest[64], url[128];

    if (next != NULL) {
        sfid_to18(next->id, id18);
        snprintf(rest, sizeof(rest), "%s/%s-%zu",
                 next->all ? "queryAll" : "query", id18, offset);
        json_object_set_new(
            j, "nextRecordsUrl",
            json_string(rest_url(version, rest, url, sizeof(url))));
    }
    json_object_set_new(j, "records", records);
    return j;
}

/* The parsed, bound query of ?q=, or NULL after answering 400. */
static struct soql_query *
parse_query(struct sim *sim, const struct sim_request *req,
            struct sim_response *resp)
{
    const char *text = request_query(req, "q");
    struct soql_error err = {0};
    struct soql_query *q;

    if (text == NULL || text[0] == '\0') {
        response_sf_error(resp, 400, "MALFORMED_QUERY",
                          "A query string has to be specified", NULL);
        return NULL;
    }
    if ((q = queryrun_parse(sim, text, strlen(text), &err)) != NULL)
        return q;
    response_sf_error(resp, 400, err.code, err.message, NULL);
    return NULL;
}

/* The locator for everything after the first batch; takes q. */
static struct cursor *
open_rest(struct sim *sim, const struct sim_request *req, struct soql_query *q,
          struct record **recs, size_t n, size_t batch)
{
    struct cursor_id *ids = xreallocarray(NULL, n, sizeof(*ids));
    size_t i;

    for (i = 0; i < n; i++)
        memcpy(ids[i].id, recs[i]->id, sizeof(ids[i].id));
    return cursor_open(sim->cursors, req->session ? req->session->username : "",
                       q, ids, n, batch, sim_now(sim));
}

/* A result the locator table cannot hold (a cap of the sim's own). */
static void
too_large(struct sim_response *resp)
{
    char msg[160];

    snprintf(msg, sizeof(msg),
             "sfsim: query result too large to page (more than %u rows)",
             CURSOR_MAX_IDS);
    response_sf_error(resp, 500, "UNKNOWN_EXCEPTION", msg, NULL);
}

/* --- column metadata (?columns=true) ---------------------------------------
 */

/* What Salesforce's column metadata says of a field's type (facts 6.2). */
static const struct {
    const char *apex;
    unsigned char text, number, boolean;
} column_types[FT_COUNT] = {
    [FT_ID] = {"Id", 0, 0, 0},
    [FT_REFERENCE] = {"Id", 0, 0, 0},
    [FT_STRING] = {"String", 1, 0, 0},
    [FT_TEXTAREA] = {"String", 1, 0, 0},
    [FT_EMAIL] = {"String", 1, 0, 0},
    [FT_PHONE] = {"String", 1, 0, 0},
    [FT_URL] = {"String", 1, 0, 0},
    [FT_PICKLIST] = {"String", 1, 0, 0},
    [FT_MULTIPICKLIST] = {"String", 1, 0, 0},
    [FT_BOOLEAN] = {"Boolean", 0, 0, 1},
    [FT_DOUBLE] = {"Double", 0, 1, 0},
    [FT_INT] = {"Integer", 0, 1, 0},
    [FT_CURRENCY] = {"Double", 0, 1, 0},
    [FT_PERCENT] = {"Double", 0, 1, 0},
    [FT_DATE] = {"Date", 0, 0, 0},
    [FT_DATETIME] = {"Datetime", 0, 0, 0},
};

/* One plain field as a column, keys in Salesforce's (alphabetical) order. */
static json_t *
column_json(const struct object_def *obj, const struct field_def *f)
{
    int writable = !(f->flags & FIELD_READONLY) && f->type != FT_ID;

    return json_pack(
        "{s:b, s:s, s:b, s:s, s:b, s:s, s:n, s:b, s:[], s:b, s:b, s:b}",
        "aggregate", 0, "apexType", column_types[f->type].apex, "booleanType",
        column_types[f->type].boolean, "columnName", f->name, "custom",
        (f->flags & FIELD_CUSTOM) != 0, "displayName", f->name,
        "foreignKeyName", "insertable",
        writable && (obj->flags & OBJ_CREATEABLE), "joinColumns", "numberType",
        column_types[f->type].number, "textType", column_types[f->type].text,
        "updatable", writable && (obj->flags & OBJ_UPDATEABLE));
}

/* The answer to ?columns=true: the query's columns, not its rows (COUNT()
 * has none). */
static json_t *
columns_json(const struct soql_query *q, const struct object_def *obj)
{
    json_t *cols = json_array();
    const struct field_def *f;
    int id_selected = 0;
    size_t i;

    for (i = 0; i < soql_field_count(q); i++) {
        if ((f = schema_field(obj, soql_field(q, i))) == NULL)
            continue;
        id_selected |= f->type == FT_ID;
        json_array_append_new(cols, column_json(obj, f));
    }
    return json_pack("{s:o, s:s, s:b, s:b, s:s}", "columnMetadata", cols,
                     "entityName", obj->name, "groupBy", 0, "idSelected",
                     id_selected, "keyPrefix", obj->prefix);
}

static int
wants_columns(const struct sim_request *req)
{
    const char *v = request_query(req, "columns");

    return v != NULL && strcasecmp(v, "true") == 0;
}

/* GET vNN.N/query?q=… (all = 0) and queryAll?q=… (all = 1). */
static void
run_query(struct sim *sim, struct sim_request *req, struct sim_response *resp,
          int all)
{
    struct soql_query *q = NULL;
    const struct object_def *obj;
    struct recset h = {0};
    struct cursor *next = NULL;
    size_t from, to, batch, i;
    json_t *records;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (q = parse_query(sim, req, resp)) == NULL)
        goto out;
    obj = schema_object(sim->schema, soql_object(q));
    resp->object = obj->name;
    resp->verdict = VERDICT_OK;
    if (wants_columns(req)) {
        response_json(resp, 200, columns_json(q, obj));
        goto out;
    }
    queryrun_collect(sim, q, obj, all, &h);
    recview_window(q, &h, &from, &to);
    records = json_array();
    batch = batch_size(req, BATCH_DEFAULT);
    for (i = from; !soql_is_count(q) && i < to && i - from < batch; i++)
        json_array_append_new(records, recview_json(sim, q, obj, h.v[i], v, 0));
    if (!soql_is_count(q) && to - from > batch) {
        next = open_rest(sim, req, q, h.v + from, to - from, batch);
        q = NULL; /* the locator owns it now (or freed it) */
        if (next == NULL) {
            json_decref(records);
            too_large(resp);
            goto out;
        }
        next->all = all;
    }
    response_json(resp, 200, page_json(to - from, next, batch, v, records));
out:
    soql_free(q);
    free(h.v);
}

/* GET /services/data/vNN.N/query?q=… */
void
h_query(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    run_query(sim, req, resp, 0);
}

/* GET /services/data/vNN.N/queryAll?q=… */
void
h_query_all(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    run_query(sim, req, resp, 1);
}

static void
invalid_locator(struct sim_response *resp)
{
    response_sf_error(resp, 400, "INVALID_QUERY_LOCATOR",
                      "invalid query locator", NULL);
}

/* "01g…-2000" -> the open locator and the offset; NULL after answering. */
static struct cursor *
find_locator(struct sim *sim, const char *param, size_t *offset,
             struct sim_response *resp)
{
    const char *dash = strrchr(param, '-');
    char id[SFID_LEN18 + 1];
    struct cursor *c = NULL;
    int64_t off = 0;

    if (dash != NULL && (size_t)(dash - param) < sizeof(id) &&
        parse_int64(dash + 1, 0, INT64_MAX, &off) == 0) {
        memcpy(id, param, (size_t)(dash - param));
        id[dash - param] = '\0';
        c = cursor_find(sim->cursors, id, sim_now(sim));
    }
    if (c == NULL || (uint64_t)off >= c->n) {
        invalid_locator(resp);
        return NULL;
    }
    *offset = (size_t)off;
    return c;
}

/* GET /services/data/vNN.N/query/{locator}-{offset}: the next batch. */
void
h_query_more(struct sim *sim, struct sim_request *req,
             struct sim_response *resp)
{
    const struct object_def *obj;
    struct cursor *c;
    struct record *r;
    size_t offset, end, i;
    json_t *records;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (c = find_locator(sim, req->params[1], &offset, resp)) == NULL)
        return;
    /* The org (and its schema) may have been replaced since. */
    if ((obj = schema_object(sim->schema, soql_object(c->query))) == NULL) {
        invalid_locator(resp);
        return;
    }
    resp->object = obj->name;
    end = offset + batch_size(req, c->batch);
    end = end < c->n ? end : c->n;
    records = json_array();
    for (i = offset; i < end; i++)
        if ((r = c->all ? store_get_any(sim->store, c->ids[i].id)
                        : store_get(sim->store, c->ids[i].id)) != NULL &&
            r->object == obj->store_index)
            json_array_append_new(records,
                                  recview_json(sim, c->query, obj, r, v, 0));
    response_json(resp, 200,
                  page_json(c->n, end < c->n ? c : NULL, end, v, records));
    if (end >= c->n)
        cursor_close(sim->cursors, c);
    resp->verdict = VERDICT_OK;
}
