/*
 * undelete.c - undelete (see undelete.h).
 *
 * The errors: an id that is no id at all is MALFORMED_ID, as a Collections
 * delete answers it; anything else not in the bin (live, purged, unknown)
 * is UNDELETE_FAILED "Entity is not in the recycle bin", the code
 * Salesforce documents for "doesn't exist or hasn't been deleted" (README,
 * fidelity notes). So is a detail record whose master is not live: it
 * comes back only with its master (Salesforce Help 000386040 gives that
 * error for a detail deleted with its master, and for one deleted before
 * it).
 */
#include "undelete.h"

#include <stdio.h>
#include <string.h>

#include "recycle.h"
#include "schema.h"
#include "sim.h"
#include "store.h"

/* Whether a master-detail parent of r (of obj) is in the bin or gone. */
static int
master_not_live(struct sim *sim, const struct object_def *obj,
                const struct record *r)
{
    char id15[SFID_LEN15 + 1];
    const struct record *parent;
    const char *v;
    size_t i, len;

    for (i = 0; i < obj->nfields; i++) {
        if (!(obj->fields[i].flags & FIELD_MASTER_DETAIL))
            continue;
        len = 0;
        v = record_value(r, obj->fields[i].interned, &len);
        if (v == NULL || sfid_normalize(v, len, id15) == -1)
            continue;
        parent = store_get_any(sim->store, id15);
        if (parent == NULL || parent->deleted)
            return 1;
    }
    return 0;
}

int
undelete_record(struct sim *sim, const char *id, struct undelete_result *out)
{
    char id15[SFID_LEN15 + 1];
    const struct object_def *obj = NULL;
    struct record *r;

    memset(out, 0, sizeof(*out));
    if (id == NULL || sfid_normalize(id, strlen(id), id15) == -1) {
        snprintf(out->code, sizeof(out->code), "MALFORMED_ID");
        snprintf(out->message, sizeof(out->message), "malformed id %.64s",
                 id != NULL ? id : "");
        return -1;
    }
    if ((r = store_get_any(sim->store, id15)) == NULL || !r->deleted ||
        (obj = schema_object_at(sim->schema, r->object)) == NULL ||
        master_not_live(sim, obj, r)) {
        snprintf(out->code, sizeof(out->code), "UNDELETE_FAILED");
        snprintf(out->message, sizeof(out->message),
                 "Entity is not in the recycle bin");
        return -1;
    }
    recycle_undelete(sim, obj, r);
    sfid_to18(r->id, out->id);
    out->success = 1;
    return 0;
}
