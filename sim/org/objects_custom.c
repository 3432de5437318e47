/*
 * objects_custom.c - custom objects in the schema, auto numbers (see
 * objects_custom.h).
 */
#include "objects_custom.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "org.h"
#include "schema.h"
#include "store.h"

/* What the API may do with a custom object. */
#define CUSTOM_FLAGS                                                           \
    (OBJ_CREATEABLE | OBJ_UPDATEABLE | OBJ_DELETABLE | OBJ_SEARCHABLE |        \
     OBJ_REPLICATEABLE | OBJ_LAYOUTABLE | OBJ_TRIGGERABLE)

static int
is_detail(const struct org_object *co)
{
    size_t i;

    for (i = 0; i < co->nfields; i++)
        if (co->fields[i].flags & FIELD_MASTER_DETAIL)
            return 1;
    return 0;
}

static void
add_one(struct schema *s, const struct org_object *co, const struct org *org,
        struct store *store)
{
    struct field_def own[2];
    struct schema_row row = {co->name,   co->label,    co->label_plural,
                             co->prefix, CUSTOM_FLAGS, own,
                             1};
    struct object_def *o;

    memset(own, 0, sizeof(own));
    own[0].name = "Name";
    own[0].label = co->name_label;
    own[0].type = FT_STRING;
    own[0].length = co->autonumber ? 30 : 80;
    own[0].flags =
        FIELD_NAME |
        (co->autonumber ? FIELD_READONLY | FIELD_AUTONUMBER : FIELD_REQUIRED);
    own[0].display_format = co->display_format;
    if (co->nrecord_types > 0) {
        own[1].name = "RecordTypeId";
        own[1].label = "Record Type ID";
        own[1].type = FT_REFERENCE;
        own[1].length = 18;
        row.nfields = 2;
    }
    if (!is_detail(co))
        row.flags |= OBJ_OWNED;
    if ((o = schema_add(s, &row, co->fields, co->nfields, org, store)) != NULL)
        o->custom = co;
}

void
objects_custom_add(struct schema *s, const struct org *org, struct store *store)
{
    size_t i;

    for (i = 0; i < org->ncustom_objects; i++)
        add_one(s, &org->custom_objects[i], org, store);
}

const struct field_def *
objects_autonumber_field(const struct object_def *o)
{
    size_t i;

    if (o->by_name != NULL) /* schema_add() found it */
        return o->autonumber != 0 ? &o->fields[o->autonumber - 1] : NULL;
    for (i = 0; i < o->nfields; i++)
        if (o->fields[i].flags & FIELD_AUTONUMBER)
            return &o->fields[i];
    return NULL;
}

const char *
objects_autonumber(const struct object_def *o, const struct field_def *f,
                   const struct store *store, char *out, size_t n)
{
    const char *fmt = f->display_format != NULL ? f->display_format : "{0}";
    const char *open = strchr(fmt, '{'), *close;
    int64_t start = o->custom != NULL ? o->custom->starting_number : 1;
    uint64_t number = (uint64_t)start + store_positions(store, o->store_index);
    int zeros;

    if (open == NULL || (close = strchr(open, '}')) == NULL) {
        snprintf(out, n, "%s%" PRIu64, fmt, number);
        return out;
    }
    zeros = (int)(close - open - 1);
    snprintf(out, n, "%.*s%0*" PRIu64 "%s", (int)(open - fmt), fmt, zeros,
             number, close + 1);
    return out;
}
