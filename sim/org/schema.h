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
struct org_field;
struct org_object;
struct store;

#define SCHEMA_MAX_TARGETS 6 /* objects a polymorphic reference names */
#define SCHEMA_NAME_MAX 64   /* an object's API name, NUL included */

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
    /* Reference fields (relation.h): the parent relationship name
     * ("Account", "Owner", "Invoice__r"), the objects it may point to and
     * the child relationship name those objects list these records under
     * ("Contacts"); each NULL when none. */
    const char *relationship;
    const char *reference_to[SCHEMA_MAX_TARGETS + 1];
    const char *child_relationship;
    const char *display_format; /* FIELD_AUTONUMBER: "INV-{0000}" */
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
    int store_index;                 /* store_object_add() */
    const struct org_object *custom; /* a custom object's definition, or
                                        NULL for a standard object */
    /* Lookup tables schema_add() builds once the fields are final (owned):
     * open addressing over index_mask + 1 slots, each a field's index + 1
     * (0: empty), hashed by the case-folded name and by the interned id.
     * NULL: schema_field() and schema_field_interned() scan the fields. */
    uint32_t *by_name, *by_interned;
    size_t index_mask;
    /* The indexes of the fields with a default_value, in field order
     * (owned; built by schema_add() too). */
    uint32_t *defaults;
    size_t ndefaults;
    /* What intake looks up for every record, found by schema_add() too
     * (index + 1; 0: none): the auto-number field (what
     * objects_autonumber_field() answers) and OwnerId (schema_field());
     * and the indexes of the fields schema_may_require() names, in field
     * order (owned). */
    uint32_t autonumber, owner;
    uint32_t *required;
    size_t nrequired;
    /* Never the same for two objects schema_add() made in this process,
     * whatever their addresses (never 0): what caches of an object's
     * fields are keyed by, so a rebuilt schema cannot meet an old entry. */
    uint64_t uid;
};

struct schema {
    struct object_def *objects; /* owned */
    size_t nobjects;
    char **owned; /* strings made for the schema (relationship names) */
    size_t nowned;
};

/* An object as a row of a built-in table (schema.c, objects_std.c,
 * objects_custom.c): its system fields follow from flags. */
struct schema_row {
    const char *name, *label, *label_plural, *prefix;
    unsigned flags;
    const struct field_def *fields;
    size_t nfields;
};

/*
 * Builds the schema of this module's own objects for org, registering
 * objects and interning names in store. Caller frees with schema_free();
 * the org must outlive it. The org's whole schema (the other standard
 * objects, custom objects, relationships) is objects.h's objects_schema().
 */
struct schema *schema_new(const struct org *org, struct store *store);
void schema_free(struct schema *s);

/*
 * For the modules that build the schema with schema_new(): appends the
 * object of row (strings borrowed), with its system fields, row's fields,
 * then extra (n org fields, e.g. a custom object's own) and the org's
 * custom_fields for it, all interned in store. NULL when the store has no
 * room for another object.
 */
struct object_def *schema_add(struct schema *s, const struct schema_row *row,
                              const struct org_field *extra, size_t n,
                              const struct org *org, struct store *store);
/* A string the schema keeps until schema_free() (takes str). */
const char *schema_keep(struct schema *s, char *str);
/* The rows of this module's own objects (static; *n set). */
const struct schema_row *schema_rows(size_t *n);

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
/* Whether f may have to have a value on some record: FIELD_REQUIRED, or
 * LastName (a person account's, person.h's person_required()). */
int schema_may_require(const struct field_def *f);

/* A field of o by its interned name (store_intern()); NULL when o has none
 * of that name. */
const struct field_def *schema_field_interned(const struct object_def *o,
                                              uint32_t interned);
/* A custom field by its 15- or 18-character 00N id. */
const struct field_def *schema_field_by_id(const struct object_def *o,
                                           const char *id);

#endif
