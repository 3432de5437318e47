/*
 * queryrun.c - a SOQL query run against the store (see queryrun.h).
 */
#include "queryrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "sfid.h"
#include "sim.h"
#include "sobject.h"
#include "soql.h"
#include "store.h"
#include "xmalloc.h"

/* --- finding the matches ---------------------------------------------------
 */

/* Types whose stored text an equality index can find. */
static int
indexable(const struct field_def *f)
{
    static const enum fieldtype types[] = {
        FT_ID,    FT_REFERENCE, FT_STRING,   FT_EMAIL,
        FT_PHONE, FT_URL,       FT_PICKLIST, FT_TEXTAREA,
    };
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (f->type == types[i])
            return f->type == FT_ID || sobject_field_stored(f);
    return 0;
}

static int
add_hit(struct record *r, void *arg)
{
    recset_add(arg, r);
    return 0;
}

/*
 * Candidates from the index when the WHERE clause allows (1), else 0. Ids
 * compare by their 15 case-sensitive characters: Id through the ID index,
 * references (stored in 18 characters, or as given by Web-to-Lead) by both
 * forms. all: the recycle bin's records too, which no equality index
 * holds.
 */
static int
candidates(struct sim *sim, const struct soql_query *q,
           const struct object_def *obj, int all, struct recset *h)
{
    const char *name, *value;
    const struct field_def *f;
    char id15[SFID_LEN15 + 1], id18[SFID_LEN18 + 1];
    struct record *r;

    if (!soql_equality_hint(q, &name, &value) ||
        (f = schema_field(obj, name)) == NULL || !indexable(f))
        return 0;
    if (all && f->type != FT_ID)
        store_foreach_deleted(sim->store, obj->store_index, add_hit, h);
    if (f->type != FT_ID && f->type != FT_REFERENCE) {
        recview_find_equal(sim->store, obj, f->interned, STORE_NORM_CASEFOLD,
                           value, h);
    } else if (sfid_normalize(value, strlen(value), id15) == -1) {
        if (f->type == FT_REFERENCE) /* as Web-to-Lead stored it */
            recview_find_equal(sim->store, obj, f->interned,
                               STORE_NORM_CASEFOLD, value, h);
    } else if (f->type == FT_ID) {
        if ((r = all ? store_get_any(sim->store, id15)
                     : store_get(sim->store, id15)) != NULL &&
            r->object == obj->store_index)
            recset_add(h, r);
    } else {
        sfid_to18(id15, id18);
        recview_find_equal(sim->store, obj, f->interned, STORE_NORM_EXACT, id18,
                           h);
        recview_find_equal(sim->store, obj, f->interned, STORE_NORM_EXACT, id15,
                           h);
    }
    return 1;
}

struct scan {
    const struct soql_query *q;
    struct field_access fa;
    struct recview row;
    int64_t now;
    struct recset *h;
};

static int
scan_one(struct record *r, void *arg)
{
    struct scan *s = arg;

    s->row.r = r;
    if (soql_match(s->q, &s->fa, s->now))
        recset_add(s->h, r);
    return 0;
}

void
queryrun_collect(struct sim *sim, const struct soql_query *q,
                 const struct object_def *obj, int all, struct recset *h)
{
    struct recset cand = {0};
    struct scan s;
    int scanned = 0;
    size_t i;

    memset(&s, 0, sizeof(s));
    s.q = q;
    s.now = sim_now(sim);
    s.h = h;
    recview_init(&s.row, sim, obj, &s.fa);
    if (candidates(sim, q, obj, all, &cand)) {
        for (i = 0; i < cand.n; i++)
            scan_one(cand.v[i], &s);
    } else {
        scanned = 1;
        (all ? store_foreach_any : store_foreach)(sim->store, obj->store_index,
                                                  scan_one, &s);
    }
    free(cand.v);
    /* Index order is hash order: back to creation order, or ORDER BY. */
    recview_sort(sim, q, obj, h, scanned);
}

struct soql_query *
queryrun_parse(struct sim *sim, const char *text, size_t len,
               struct soql_error *err)
{
    struct soql_schema schema = recview_schema(sim->schema);
    struct soql_query *q = soql_parse(text, len, err);

    if (q != NULL && soql_bind(q, &schema, err) == 0)
        return q;
    soql_free(q);
    return NULL;
}
