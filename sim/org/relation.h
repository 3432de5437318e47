/*
 * relation.h - how objects refer to each other.
 *
 * A reference field has a parent side (its relationship name, "Account"
 * for Contact.AccountId, "Invoice__r" for Invoice__c, and the objects it
 * may point to: several for a polymorphic field such as Task.WhoId) and a
 * child side (the name the parent lists the children under: "Contacts"
 * on Account). Custom lookups carry theirs from the org file (schema.c);
 * the standard fields get theirs from this module's table when the
 * schema is built. SOQL's parent paths and child subqueries, and
 * describe's referenceTo, relationshipName and childRelationships, are
 * read from here.
 */
#ifndef SIM_RELATION_H
#define SIM_RELATION_H

#include <stddef.h>

struct schema;
struct object_def;
struct field_def;

/* Salesforce's depth for parent paths ("A.B.C.D.E.Field"). */
#define RELATION_MAX_DEPTH 5

/* Fills the relationships of s's standard reference fields. */
void relation_fill(struct schema *s);

/* The reference field of o whose relationship is name (case-insensitive),
 * or NULL. Borrowed. */
const struct field_def *relation_parent(const struct object_def *o,
                                        const char *name);

/* One child relationship: records of child whose field refers to the
 * parent, listed as name. */
struct relation_child {
    const struct object_def *child;
    const struct field_def *field;
    const char *name;
};

/* The child relationship of parent named name (case-insensitive): 0 and
 * *out, or -1 when there is none. */
int relation_child(const struct schema *s, const struct object_def *parent,
                   const char *name, struct relation_child *out);

/* Calls fn for each relationship whose children may refer to parent
 * (named or not: describe lists both), in schema order. */
void relation_children(const struct schema *s, const struct object_def *parent,
                       void (*fn)(const struct relation_child *c, void *arg),
                       void *arg);

/* 1 when f may refer to records of object (case-insensitive). */
int relation_targets(const struct field_def *f, const char *object);

#endif
