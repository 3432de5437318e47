/*
 * soql_rel.h - SOQL parent paths over the store: "Account.Name",
 * "Owner.Profile.Name", "Invoice__r.Account__r.Name".
 *
 * Binding resolves each relationship name of a path (relation.h) from the
 * query's object, at most RELATION_MAX_DEPTH of them, with Salesforce's
 * errors for a name that is not a relationship and a field the parent
 * lacks; a polymorphic relationship (Who, What, Owner) is resolved
 * against the first of its objects the schema has. Reading follows the
 * reference fields from record to record through the store, so a path
 * costs one ID lookup per relationship. The child side (subqueries) is
 * recview.c's, which runs queries.
 */
#ifndef SIM_SOQL_REL_H
#define SIM_SOQL_REL_H

#include <jansson.h>
#include <stddef.h>

#include "fieldtype.h"

struct sim;
struct schema;
struct store;
struct object_def;
struct field_def;
struct record;
struct soql_query;

/* soql_schema.path_type over a schema (arg): see soql.h. */
int soql_rel_path(void *schema, const char *object, const char *path,
                  char *canonical, size_t n, enum fieldtype *type, char *why,
                  size_t whyn);
/* soql_schema.child over a schema (arg): see soql.h. */
int soql_rel_child(void *schema, const char *object, const char *rel,
                   char *child, size_t n, char *canonical_rel, size_t m);

/*
 * Follows the relationships of path (canonical, as bound) from r, a
 * record of obj: the record at the end (NULL when a link is empty or its
 * record is gone) with *end its object and *f the path's last field there
 * (NULL when that object lacks it). Borrowed.
 */
const struct record *soql_rel_follow(const struct schema *s,
                                     const struct store *store,
                                     const struct object_def *obj,
                                     const struct record *r, const char *path,
                                     const struct object_def **end,
                                     const struct field_def **f);

/*
 * Adds path's value to row (the JSON of r, a record of obj) as Salesforce
 * nests it: {"Account": {"attributes": {...}, "Name": "Acme"}}, merged
 * with what row already has of the same relationships; an empty link is
 * null.
 */
void soql_rel_json(struct sim *sim, json_t *row, const struct object_def *obj,
                   const struct record *r, const char *path, int version);

/*
 * Adds TYPEOF item i of q to row (the JSON of r, a record of obj): the
 * related record with the fields of the branch for its type, nested as
 * soql_rel_json() nests; only its attributes when no branch fits (no
 * ELSE); null when the link is empty.
 */
void soql_rel_typeof_json(struct sim *sim, json_t *row,
                          const struct object_def *obj, const struct record *r,
                          const struct soql_query *q, size_t i, int version);

#endif
