/*
 * queryrun.c - a SOQL query run against the store (see queryrun.h).
 */
#include "queryrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "soql.h"
#include "store.h"
#include "xmalloc.h"

#define ROW_FIELD_CACHE 8
#define ROW_TEXT_MAX 512

/* --- reading records for soql --------------------------------------------- */

/* A struct field_access over one record. soql asks for the same few field
 * names (the same pointers) over and over: a small cache saves the lookups. */
struct row {
    const struct object_def *obj;
    const struct record *r;
    const char *names[ROW_FIELD_CACHE];
    const struct field_def *defs[ROW_FIELD_CACHE];
    size_t ncached;
    char buf[2][ROW_TEXT_MAX]; /* derived values: two alive at a time */
    unsigned next;
};

static const struct field_def *
row_field(struct row *w, const char *name)
{
    const struct field_def *f;
    size_t i;

    for (i = 0; i < w->ncached; i++)
        if (w->names[i] == name)
            return w->defs[i];
    f = schema_field(w->obj, name);
    if (w->ncached < ROW_FIELD_CACHE) {
        w->names[w->ncached] = name;
        w->defs[w->ncached++] = f;
    }
    return f;
}

static const char *
row_value(void *arg, const char *field, size_t *len)
{
    struct row *w = arg;
    const struct field_def *f = row_field(w, field);

    if (f == NULL)
        return NULL;
    return sobject_field_text(w->obj, w->r, f, w->buf[w->next++ & 1],
                              ROW_TEXT_MAX, len);
}

static enum fieldtype
row_type(void *arg, const char *field)
{
    const struct field_def *f = row_field(arg, field);

    return f != NULL ? f->type : FT_UNKNOWN;
}

static void
row_init(struct row *w, const struct object_def *obj, struct field_access *fa)
{
    memset(w, 0, sizeof(*w));
    w->obj = obj;
    fa->value = row_value;
    fa->type = row_type;
    fa->arg = w;
}

/* --- the schema for soql_bind ----------------------------------------------
 */

static int
bind_object(void *arg, const char *object, char *canonical, size_t n)
{
    const struct object_def *o = schema_object(arg, object);

    if (o != NULL)
        snprintf(canonical, n, "%s", o->name);
    return o != NULL;
}

static enum fieldtype
bind_field(void *arg, const char *object, const char *field, char *canonical,
           size_t n)
{
    const struct object_def *o = schema_object(arg, object);
    const struct field_def *f = o != NULL ? schema_field(o, field) : NULL;

    if (f == NULL)
        return FT_UNKNOWN;
    snprintf(canonical, n, "%s", f->name);
    return f->type;
}

/* --- finding the matches ---------------------------------------------------
 */

static void
hits_add(struct queryrun_hits *h, struct record *r)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
    }
    h->v[h->n++] = r;
}

/* Every record of obj whose field equals value under norm, through the
 * index. */
static void
find_all(struct sim *sim, const struct object_def *obj, uint32_t field,
         enum store_norm norm, const char *value, struct queryrun_hits *h)
{
    struct record *few[64], **out = few;
    size_t n, i;

    n = store_find_equal(sim->store, obj->store_index, field, norm, value,
                         strlen(value), out, 64);
    if (n > 64) {
        out = xreallocarray(NULL, n, sizeof(*out));
        n = store_find_equal(sim->store, obj->store_index, field, norm, value,
                             strlen(value), out, n);
    }
    for (i = 0; i < n; i++)
        hits_add(h, out[i]);
    if (out != few)
        free(out);
}

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

/*
 * Candidates from the index when the WHERE clause allows (1), else 0. Ids
 * compare by their 15 case-sensitive characters: Id through the ID index,
 * references (stored in 18 characters, or as given by Web-to-Lead) by both
 * forms.
 */
static int
candidates(struct sim *sim, const struct soql_query *q,
           const struct object_def *obj, struct queryrun_hits *h)
{
    const char *name, *value;
    const struct field_def *f;
    char id15[SFID_LEN15 + 1], id18[SFID_LEN18 + 1];
    struct record *r;

    if (!soql_equality_hint(q, &name, &value) ||
        (f = schema_field(obj, name)) == NULL || !indexable(f))
        return 0;
    if (f->type != FT_ID && f->type != FT_REFERENCE) {
        find_all(sim, obj, f->interned, STORE_NORM_CASEFOLD, value, h);
    } else if (sfid_normalize(value, strlen(value), id15) == -1) {
        if (f->type == FT_REFERENCE) /* as Web-to-Lead stored it */
            find_all(sim, obj, f->interned, STORE_NORM_CASEFOLD, value, h);
    } else if (f->type == FT_ID) {
        if ((r = store_get(sim->store, id15)) != NULL &&
            r->object == obj->store_index)
            hits_add(h, r);
    } else {
        sfid_to18(id15, id18);
        find_all(sim, obj, f->interned, STORE_NORM_EXACT, id18, h);
        find_all(sim, obj, f->interned, STORE_NORM_EXACT, id15, h);
    }
    return 1;
}

struct scan {
    const struct soql_query *q;
    struct field_access fa;
    struct row row;
    int64_t now;
    struct queryrun_hits *h;
};

static int
scan_one(struct record *r, void *arg)
{
    struct scan *s = arg;

    s->row.r = r;
    if (soql_match(s->q, &s->fa, s->now))
        hits_add(s->h, r);
    return 0;
}

static int
by_id(const void *a, const void *b)
{
    const struct record *x = *(struct record *const *)a;
    const struct record *y = *(struct record *const *)b;

    return strcmp(x->id, y->id);
}

/* ORDER BY, ties in creation order (IDs grow with creation). */
struct order {
    const struct soql_query *q;
    struct field_access fa, fb;
    struct row a, b;
};

static int
by_order(const void *x, const void *y, void *arg)
{
    struct order *o = arg;
    int c;

    o->a.r = *(struct record *const *)x;
    o->b.r = *(struct record *const *)y;
    c = soql_compare(o->q, &o->fa, &o->fb);
    return c != 0 ? c : by_id(x, y);
}

/* The matching records of the query, in result order. */
void
queryrun_collect(struct sim *sim, const struct soql_query *q,
                 const struct object_def *obj, struct queryrun_hits *h)
{
    struct queryrun_hits cand = {0};
    struct scan s;
    struct order o;
    size_t i;

    memset(&s, 0, sizeof(s));
    s.q = q;
    s.now = sim_now(sim);
    s.h = h;
    row_init(&s.row, obj, &s.fa);
    if (candidates(sim, q, obj, &cand)) {
        for (i = 0; i < cand.n; i++)
            scan_one(cand.v[i], &s);
        /* Index order is hash order: back to creation order. (No match:
         * h->v is NULL, which qsort must not be given even with 0.) */
        if (h->n > 1)
            qsort(h->v, h->n, sizeof(*h->v), by_id);
    } else {
        store_foreach(sim->store, obj->store_index, scan_one, &s);
    }
    free(cand.v);
    if (!soql_has_order(q) || h->n < 2)
        return;
    o.q = q;
    row_init(&o.a, obj, &o.fa);
    row_init(&o.b, obj, &o.fb);
    qsort_r(h->v, h->n, sizeof(*h->v), by_order, &o);
}

struct soql_query *
queryrun_parse(struct sim *sim, const char *text, size_t len,
               struct soql_error *err)
{
    struct soql_schema schema = {bind_object, bind_field, sim->schema};
    struct soql_query *q = soql_parse(text, len, err);

    if (q != NULL && soql_bind(q, &schema, err) == 0)
        return q;
    soql_free(q);
    return NULL;
}

void
queryrun_window(const struct soql_query *q, size_t n, size_t *from, size_t *to)
{
    int64_t off = soql_offset(q), lim = soql_limit(q);

    *from = (uint64_t)off < n ? (size_t)off : n;
    *to = lim >= 0 && (uint64_t)lim < n - *from ? *from + (size_t)lim : n;
}
