/*
 * h_tree.c - sObject Tree (facts section 2.4): POST composite/tree/{Object}
 * creates trees of records (an Account with its Contacts) in one call, up
 * to 200 records and 5 levels, all or nothing. It is what `sf data import
 * tree` and jsforce send.
 *
 * Each record carries attributes.type and attributes.referenceId; children
 * come under a relationship name ({"Contacts": {"records": [...]}}) and
 * are linked to their parent by its new id. Records are saved level by
 * level, each level's records of one object together (one intake save, as
 * Salesforce fires triggers per such group). Any failure undoes the whole
 * request (a store savepoint): 400 {"hasErrors": true} listing only the
 * records that failed; success is 201 with every referenceId and its id.
 * Each record gets its own journal entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "batch.h"
#include "recscan.h"
#include "handlers.h"
#include "reference.h"
#include "rest.h"
#include "relation.h"
#include "schema.h"
#include "sim.h"
#include "xmalloc.h"

#define TREE_VERSION 34 /* sObject Tree from v34.0 */
#define TREE_MAX_RECORDS 200
#define TREE_MAX_LEVELS 5

/* One record of the request, flattened. */
struct node {
    json_t *rec;     /* the record without its children (new) */
    const char *ref; /* its referenceId (borrowed) */
    const struct object_def *obj;
    int level;                    /* 1 for a root */
    size_t parent;                /* index of its parent node, or SIZE_MAX */
    const struct field_def *link; /* its field that holds the parent's id */
};

struct tree {
    struct sim *sim;
    struct node *nodes;
    size_t n;
};

static int add_records(struct tree *t, json_t *records, int level,
                       size_t parent, const struct relation_child *rel,
                       struct sim_response *resp);

/*
 * One record (and, recursively, its children) as a node: its type and
 * referenceId, its children under their relationships. -1 after answering
 * 400.
 */
static int
add_node(struct tree *t, json_t *rec, int level, size_t parent,
         const struct relation_child *rel, struct sim_response *resp)
{
    json_t *attrs = json_object_get(rec, "attributes"), *v;
    const char *type = json_string_value(json_object_get(attrs, "type"));
    struct relation_child child;
    const char *key;
    struct node *nd;
    size_t me;

    if (t->n >= TREE_MAX_RECORDS) {
        rest_bad_request(resp, "LIMIT_EXCEEDED",
                         "An sObject tree request can have at most %d records",
                         TREE_MAX_RECORDS);
        return -1;
    }
    if (!json_is_object(rec) || type == NULL) {
        rest_bad_request(resp, "INVALID_TYPE",
                         "Missing entity type information. sObject requires a "
                         "separate 'type' field be sent.");
        return -1;
    }
    me = t->n++;
    nd = &t->nodes[me];
    nd->ref = json_string_value(json_object_get(attrs, "referenceId"));
    nd->obj = schema_object(t->sim->schema, type);
    nd->level = level;
    nd->parent = parent;
    if (nd->ref == NULL || !reference_id_valid(nd->ref)) {
        rest_bad_request(
            resp, "INVALID_INPUT",
            "Include a reference ID for each record in the request: "
            "it starts with a letter or a number and contains only "
            "letters, numbers and underscores ('_')");
        return -1;
    }
    if (nd->obj == NULL || (rel != NULL && nd->obj != rel->child)) {
        rest_bad_request(resp, "INVALID_TYPE",
                         "sObject type '%.100s' is not supported here (record "
                         "%.100s)",
                         type, nd->ref);
        return -1;
    }
    if (rel != NULL)
        nd->link = rel->field;
    nd->rec = json_object();
    json_object_foreach(rec, key, v) {
        /* Children under a child relationship of the record's object
         * (relation.h): Contacts, Opportunities, Invoices__r, ... */
        if (json_is_object(v) &&
            relation_child(t->sim->schema, nd->obj, key, &child) == 0) {
            if (add_records(t, json_object_get(v, "records"), level + 1, me,
                            &child, resp) == -1)
                return -1;
        } else {
            json_object_set(t->nodes[me].rec, key, v);
        }
    }
    return 0;
}

static int
add_records(struct tree *t, json_t *records, int level, size_t parent,
            const struct relation_child *rel, struct sim_response *resp)
{
    json_t *rec;
    size_t i;

    if (level > TREE_MAX_LEVELS) {
        rest_bad_request(resp, "LIMIT_EXCEEDED",
                         "An sObject tree can be at most %d levels deep",
                         TREE_MAX_LEVELS);
        return -1;
    }
    if (!json_is_array(records) || json_array_size(records) == 0) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "records: required, a list of at least one record");
        return -1;
    }
    json_array_foreach(records, i, rec) {
        if (add_node(t, rec, level, parent, rel, resp) == -1)
            return -1;
    }
    return 0;
}

/* Every root is of the path's object; -1 after answering. */
static int
check_roots(const struct tree *t, const struct object_def *obj,
            struct sim_response *resp)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        if (t->nodes[i].level == 1 && t->nodes[i].obj != obj) {
            rest_bad_request(resp, "INVALID_TYPE",
                             "Record %s is of type %s, not %s as the URL says",
                             t->nodes[i].ref, t->nodes[i].obj->name, obj->name);
            return -1;
        }
    }
    return 0;
}

/*
 * A referenceId given twice: 400 {"hasErrors": true} listing every record
 * that repeats an earlier one (facts 2.4), nothing saved. 0 when none.
 */
static int
check_duplicates(const struct tree *t, struct sim_response *resp)
{
    json_t *results = json_array();
    size_t i, j;

    for (i = 0; i < t->n; i++) {
        for (j = 0; j < i; j++) {
            if (strcmp(t->nodes[i].ref, t->nodes[j].ref) != 0)
                continue;
            json_array_append_new(
                results,
                json_pack("{s:s, s:[{s:s, s:s, s:[]}]}", "referenceId",
                          t->nodes[i].ref, "errors", "statusCode",
                          "INVALID_INPUT", "message",
                          "Duplicate ReferenceId provided in the request",
                          "fields"));
            break;
        }
    }
    if (json_array_size(results) == 0) {
        json_decref(results);
        return 0;
    }
    response_json(resp, 400,
                  json_pack("{s:b, s:o}", "hasErrors", 1, "results", results));
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "INVALID_INPUT: duplicate referenceId");
    return -1;
}

/* --- saving ----------------------------------------------------------------
 */

/*
 * The save order: by level, and within a level the records of one object
 * together, else in request order. order[k] is a node index.
 */
static size_t *
save_order(const struct tree *t)
{
    size_t *order = xcalloc(t->n + 1, sizeof(*order)), k = 0, i, j;
    char *taken = xcalloc(t->n + 1, 1);
    int level;

    for (level = 1; level <= TREE_MAX_LEVELS; level++) {
        for (i = 0; i < t->n; i++) {
            if (taken[i] || t->nodes[i].level != level)
                continue;
            for (j = i; j < t->n; j++) {
                if (!taken[j] && t->nodes[j].level == level &&
                    t->nodes[j].obj == t->nodes[i].obj) {
                    order[k++] = j;
                    taken[j] = 1;
                }
            }
        }
    }
    free(taken);
    return order;
}

/* Saves recs (in save order) level by level; returns how many failed
 * (saving stops after the first level with a failure). */
static size_t
save_levels(struct tree *t, struct batch *b, struct batch_rec *recs,
            const size_t *order, size_t *pos_of)
{
    size_t k = 0, start, i, refused = 0;
    const struct node *nd;
    const char *pid;

    while (k < t->n && refused == 0) {
        start = k;
        while (k < t->n &&
               t->nodes[order[k]].level == t->nodes[order[start]].level)
            k++;
        for (i = start; i < k; i++) {
            nd = &t->nodes[order[i]];
            if (batch_read(b, &recs[i], 0) == -1 || nd->link == NULL)
                continue;
            /* The child is linked to its parent's new id. */
            pid = recs[pos_of[nd->parent]].id;
            fieldvals_set(&recs[i].fv, nd->link->interned, pid, strlen(pid));
        }
        refused = batch_save(b, recs + start, k - start);
    }
    for (i = k; i < t->n; i++)
        recs[i].verdict = VERDICT_HALTED;
    return refused;
}

/* 201 with every record's id, or 400 with the records that failed. */
static json_t *
answer(const struct tree *t, const struct batch_rec *recs, const size_t *order,
       int failed)
{
    json_t *results = json_array();
    size_t k;

    for (k = 0; k < t->n; k++) {
        const char *ref = t->nodes[order[k]].ref;

        if (!failed)
            json_array_append_new(
                results,
                json_pack("{s:s, s:s}", "referenceId", ref, "id", recs[k].id));
        else if (batch_refused(&recs[k]))
            json_array_append_new(results,
                                  json_pack("{s:s, s:O}", "referenceId", ref,
                                            "errors", recs[k].errors));
    }
    return json_pack("{s:b, s:o}", "hasErrors", failed, "results", results);
}

/* The records that were saved before the failure are undone. */
static void
mark_rolled_back(struct batch_rec *recs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (recs[i].verdict == VERDICT_CREATED) {
            recs[i].verdict = VERDICT_ROLLED_BACK;
            recs[i].id[0] = '\0';
        }
    }
}

/* Saves the flattened tree and answers. */
static void
save_tree(struct tree *t, struct sim_request *req, int version,
          struct sim_response *resp)
{
    size_t *order = save_order(t), *pos_of, k, failed;
    struct batch_rec *recs = batch_recs_new(t->n);
    struct recscan scan;
    struct batch b;

    recscan_init(&scan);
    pos_of = xcalloc(t->n + 1, sizeof(*pos_of));
    for (k = 0; k < t->n; k++) {
        pos_of[order[k]] = k;
        recscan_add_json(&scan, t->nodes[order[k]].rec);
        recs[k].obj = t->nodes[order[k]].obj;
    }
    for (k = 0; k < t->n; k++)
        recs[k].mem = &scan.recs[k].mem;
    batch_begin(&b, t->sim, req, version, resp);
    failed = save_levels(t, &b, recs, order, pos_of);
    if (failed > 0)
        mark_rolled_back(recs, t->n);
    response_json(resp, failed > 0 ? 400 : 201,
                  answer(t, recs, order, failed > 0));
    for (k = 0; k < t->n; k++) /* in request order */
        batch_journal(&b, &recs[pos_of[k]], 1, k);
    batch_end(&b, failed > 0);
    resp->verdict = failed > 0 ? VERDICT_ERROR : VERDICT_OK;
    response_detail(resp, "%zu records, %zu refused%s", t->n, failed,
                    failed > 0 ? ", none saved" : "");
    batch_recs_free(recs, t->n);
    recscan_free(&scan);
    free(pos_of);
    free(order);
}

/* POST /services/data/vNN.N/composite/tree/{Object} */
void
h_tree(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    const struct object_def *obj;
    struct tree t;
    json_t *body = NULL;
    size_t i;
    int v;

    memset(&t, 0, sizeof(t));
    t.sim = sim;
    t.nodes = xcalloc(TREE_MAX_RECORDS, sizeof(*t.nodes));
    if ((v = rest_version(req, resp)) == -1)
        goto out;
    if (v < TREE_VERSION) {
        rest_not_found(resp);
        goto out;
    }
    if ((obj = rest_object(sim, req, 1, resp)) == NULL ||
        (body = rest_read_object(req, "SObjectTreeRequest", resp)) == NULL ||
        add_records(&t, json_object_get(body, "records"), 1, SIZE_MAX, NULL,
                    resp) == -1 ||
        check_roots(&t, obj, resp) == -1 || check_duplicates(&t, resp) == -1)
        goto out;
    save_tree(&t, req, v, resp);
out:
    for (i = 0; i < t.n; i++)
        json_decref(t.nodes[i].rec);
    free(t.nodes);
    json_decref(body);
}
