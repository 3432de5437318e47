/*
 * extid.c - records by external ID (see extid.h).
 */
#include "extid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rest.h"
#include "schema.h"
#include "sim.h"
#include "store.h"

int
extid_field(const struct object_def *obj, const char *name, int version,
            struct extid_key *k)
{
    memset(k, 0, sizeof(*k));
    k->field = schema_field(obj, name);
    k->by_id = k->field != NULL && strcmp(k->field->name, "Id") == 0 &&
               version >= REST_VERSION_UPSERT_BY_ID;
    if (k->field == NULL ||
        (!(k->field->flags & FIELD_EXTERNAL_ID) && !k->by_id))
        return -1;
    return 0;
}

/* A number key as intake stores numbers ("12.0" -> "12" at scale 0), so
 * the index finds it; anything else as given. */
void
extid_set_value(struct extid_key *k, const char *value)
{
    const struct field_def *f = k->field;
    char *end = NULL;
    double d = FIELDTYPE_IS_NUMBER(f->type) ? strtod(value, &end) : 0;

    if (end != NULL && end != value && *end == '\0')
        snprintf(k->value, sizeof(k->value), "%.*f", f->scale, d);
    else
        snprintf(k->value, sizeof(k->value), "%s", value);
}

size_t
extid_find(struct sim *sim, const struct object_def *obj,
           const struct extid_key *k, struct record **out, size_t max)
{
    char id15[SFID_LEN15 + 1];
    struct record *r;

    if (!k->by_id)
        return store_find_equal(sim->store, obj->store_index,
                                k->field->interned, STORE_NORM_CASEFOLD,
                                k->value, strlen(k->value), out, max);
    if (sfid_normalize(k->value, strlen(k->value), id15) == -1 ||
        (r = store_get(sim->store, id15)) == NULL ||
        r->object != obj->store_index)
        return 0;
    if (max > 0)
        out[0] = r;
    return 1;
}
