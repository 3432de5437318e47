/*
 * recview.h - stored records as a SOQL query sees them: the field reader
 * and schema the query engine (soql.h) asks, the order of a result, its
 * OFFSET/LIMIT window and the row each record becomes in an answer.
 *
 * Shared by the handlers that run queries over the store: SOQL (h_query.c)
 * and each RETURNING item of a SOSL search (h_search.c). Knows nothing of
 * HTTP.
 */
#ifndef SIM_RECVIEW_H
#define SIM_RECVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldtype.h"
#include "soql.h"

#define RECVIEW_FIELD_CACHE 8
#define RECVIEW_TEXT_MAX 512

struct sim;
struct schema;
struct object_def;
struct field_def;
struct record;
struct store;

/*
 * A struct field_access over one record of obj at a time (set r before
 * each use). soql asks for the same few field names (the same pointers)
 * over and over: a small cache saves the lookups.
 */
struct recview {
    struct sim *sim; /* for relationship paths ("Account.Name"), or NULL */
    const struct object_def *obj;
    const struct record *r;
    const char *names[RECVIEW_FIELD_CACHE];
    const struct field_def *defs[RECVIEW_FIELD_CACHE];
    size_t ncached;
    char buf[2][RECVIEW_TEXT_MAX]; /* derived values: two alive at a time */
    unsigned next;
};

/* Makes fa read records of obj through v (and their parents' through
 * sim's store, when sim is not NULL). */
void recview_init(struct recview *v, struct sim *sim,
                  const struct object_def *obj, struct field_access *fa);

/* The schema as soql_bind() asks it (borrows schema). */
struct soql_schema recview_schema(const struct schema *schema);

/* A growing list of records (borrowed from the store). */
struct recset {
    struct record **v; /* owned by the set: free(set.v) */
    size_t n, cap;
};

void recset_add(struct recset *s, struct record *r);

/* Adds every live record of obj whose field equals value under norm
 * (store.h), found through the store's equality index, in index order. */
void recview_find_equal(struct store *store, const struct object_def *obj,
                        uint32_t field, int norm, const char *value,
                        struct recset *s);

/*
 * Puts s in result order: q's ORDER BY, ties (and everything without one)
 * in creation order, which is ID order. in_order: s is in creation order
 * already (a scan), so without ORDER BY nothing moves.
 */
void recview_sort(struct sim *sim, const struct soql_query *q,
                  const struct object_def *obj, struct recset *s, int in_order);

/* q's OFFSET and LIMIT over s->n records: the slice [*from, *to). */
void recview_window(const struct soql_query *q, const struct recset *s,
                    size_t *from, size_t *to);

/*
 * The row of r in an answer (new reference): attributes, then each field
 * q selects (Id alone when it selects none and id_if_none is set), parent
 * paths nested (soql_rel.h) and each child subquery run over the records
 * referring to r: {"totalSize", "done", "records"}, null when none.
 */
json_t *recview_json(struct sim *sim, const struct soql_query *q,
                     const struct object_def *obj, const struct record *r,
                     int version, int id_if_none);

#endif
