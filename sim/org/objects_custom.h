/*
 * objects_custom.h - the org's custom objects in the schema, and the auto
 * numbers of name fields.
 *
 * A custom object (org.h struct org_object, "custom_objects" in the org
 * file) becomes an object_def like a standard one: Id, OwnerId (unless a
 * master-detail field makes it a detail, owned by its master), IsDeleted,
 * Name (text, or an auto number), the audit fields, RecordTypeId when it
 * has record types, then its own fields; object_def.custom points back
 * to its definition. Everything else (REST, describe, SOQL, rules, Bulk)
 * finds it through schema_object() as it finds a standard object.
 *
 * Interface kept stable for other modules: schema_object(s, "X__c") and
 * object_def.custom != NULL for "is it custom", object_def.prefix for its
 * key prefix.
 */
#ifndef SIM_OBJECTS_CUSTOM_H
#define SIM_OBJECTS_CUSTOM_H

#include <stddef.h>

struct schema;
struct org;
struct store;
struct object_def;
struct field_def;

/* Adds org's custom objects to s (objects_schema() calls it). An object the
 * store has no room for is left out. */
void objects_custom_add(struct schema *s, const struct org *org,
                        struct store *store);

/* The auto-number field of o, or NULL. */
const struct field_def *objects_autonumber_field(const struct object_def *o);

/*
 * The next auto number of o's field f (its display format with the number
 * in it: "INV-{0000}" -> "INV-0042"), into out (size n): the object's
 * starting number plus the records created in it since the store was
 * cleared (a deleted record keeps its number; a refused create uses none,
 * where Salesforce may skip one). Returns out.
 */
const char *objects_autonumber(const struct object_def *o,
                               const struct field_def *f,
                               const struct store *store, char *out, size_t n);

#endif
