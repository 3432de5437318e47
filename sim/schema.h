/*
 * schema.h - the objects the sim knows and their fields.
 *
 * Standard objects are rows of a built-in table: a name, labels, a key
 * prefix, what the API may do with the object (OBJ_* flags) and a table of
 * standard fields; the system fields (Id, OwnerId, IsDeleted, the audit
 * dates) follow from the flags. Lead, Contact and Account hold the data
 * the API writes (with the Person Account fields when the org enables
 * them); User, Profile and Organization are read-only and hold the org's
 * own records (orgrecords.h). The org's custom fields are added on top. A
 * schema is rebuilt whenever the org is replaced; field definitions borrow
 * their strings from the built-in tables or from the org that was used to
 * build them (which must outlive it).
 */
#ifndef SIM_SCHEMA_H
#define SIM_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "fieldtype.h"

struct org;
struct store;

struct field_def {
    const char *name; /* canonical API name */
    const char *label;
    enum fieldtype type;
    int length; /* text length, or 0 */
    int precision, scale;
    unsigned flags;
    const char *default_value; /* or NULL */
    const char *const *values; /* picklist values, NULL-terminated, or NULL */
    const char *custom_id;     /* the 15-char 00N id of a custom field */
    uint32_t interned;         /* store_intern(name) */
};

/* What the API may do with an object, and which system fields it has. */
enum object_flags {
    OBJ_CREATEABLE = 1 << 0,
    OBJ_UPDATEABLE = 1 << 1,
    OBJ_DELETABLE = 1 << 2,     /* to the recycle bin (undeletable); has
                                   IsDeleted */
    OBJ_SEARCHABLE = 1 << 3,    /* SOSL; a search without RETURNING too */
    OBJ_OWNED = 1 << 4,         /* has OwnerId */
    OBJ_FROM_ORG = 1 << 5,      /* records made from the org (orgrecords.h) */
    OBJ_REPLICATEABLE = 1 << 6, /* sobjects/X/updated and deleted */
    OBJ_FEED = 1 << 7,          /* describe: feedEnabled, mruEnabled */
    OBJ_LAYOUTABLE = 1 << 8,
    OBJ_MERGEABLE = 1 << 9,
    OBJ_TRIGGERABLE = 1 << 10,
};

struct object_def {
    const char *name;
    const char *label;
    const char *label_plural;
    const char *prefix;
    unsigned flags;           /* enum object_flags */
    struct field_def *fields; /* owned by the schema */
    size_t nfields;
    int store_index; /* store_object_add() */
};

struct schema {
    struct object_def *objects; /* owned */
    size_t nobjects;
};

/*
 * Builds the schema for org, registering objects and interning names in
 * store. Caller frees with schema_free(); the org must outlive it.
 */
struct schema *schema_new(const struct org *org, struct store *store);
void schema_free(struct schema *s);

/* Case-insensitive lookups; NULL when unknown. Borrowed. */
const struct object_def *schema_object(const struct schema *s,
                                       const char *name);
/*
 * Whether the API may do what (OBJ_CREATEABLE, OBJ_UPDATEABLE or
 * OBJ_DELETABLE) to obj's records: 0, or -1 with Salesforce's message for
 * CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY in msg ("entity type cannot be
 * inserted: User").
 */
int schema_refusal(const struct object_def *obj, unsigned what, char *msg,
                   size_t n);
const struct object_def *schema_object_at(const struct schema *s,
                                          int store_index);
const struct field_def *schema_field(const struct object_def *o,
                                     const char *name);
/* A custom field by its 15- or 18-character 00N id. */
const struct field_def *schema_field_by_id(const struct object_def *o,
                                           const char *id);

#endif
