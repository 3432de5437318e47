/*
 * recview.c - records as a query sees them (see recview.h).
 */
#include "recview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relation.h"
#include "schema.h"
#include "sfid.h"
#include "sim.h"
#include "sobject.h"
#include "soql_rel.h"
#include "store.h"
#include "xmalloc.h"

static const struct field_def *
view_field(struct recview *v, const char *name)
{
    const struct field_def *f;
    size_t i;

    for (i = 0; i < v->ncached; i++)
        if (v->names[i] == name)
            return v->defs[i];
    f = schema_field(v->obj, name);
    if (v->ncached < RECVIEW_FIELD_CACHE) {
        v->names[v->ncached] = name;
        v->defs[v->ncached++] = f;
    }
    return f;
}

static const char *
view_value(void *arg, const char *field, size_t *len)
{
    struct recview *v = arg;
    const struct field_def *f = view_field(v, field);
    const struct object_def *obj = v->obj;
    const struct record *r = v->r;

    /* "Account.Name": the parent's field. */
    if (f == NULL && v->sim != NULL && strchr(field, '.') != NULL)
        r = soql_rel_follow(v->sim->schema, v->sim->store, v->obj, v->r, field,
                            &obj, &f);
    if (f == NULL || r == NULL)
        return NULL;
    return sobject_field_text(obj, r, f, v->buf[v->next++ & 1],
                              RECVIEW_TEXT_MAX, len);
}

static enum fieldtype
view_type(void *arg, const char *field)
{
    const struct field_def *f = view_field(arg, field);

    return f != NULL ? f->type : FT_UNKNOWN;
}

void
recview_init(struct recview *v, struct sim *sim, const struct object_def *obj,
             struct field_access *fa)
{
    memset(v, 0, sizeof(*v));
    v->sim = sim;
    v->obj = obj;
    fa->value = view_value;
    fa->type = view_type;
    fa->arg = v;
}

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

struct soql_schema
recview_schema(const struct schema *schema)
{
    struct soql_schema s = {bind_object, bind_field, (void *)schema,
                            soql_rel_path, soql_rel_child};

    return s;
}

void
recset_add(struct recset *s, struct record *r)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
    }
    s->v[s->n++] = r;
}

void
recview_find_equal(struct store *store, const struct object_def *obj,
                   uint32_t field, int norm, const char *value,
                   struct recset *s)
{
    struct record *few[64], **out = few;
    size_t n, i;

    n = store_find_equal(store, obj->store_index, field, (enum store_norm)norm,
                         value, strlen(value), out, 64);
    if (n > 64) {
        out = xreallocarray(NULL, n, sizeof(*out));
        n = store_find_equal(store, obj->store_index, field,
                             (enum store_norm)norm, value, strlen(value), out,
                             n);
    }
    for (i = 0; i < n; i++)
        recset_add(s, out[i]);
    if (out != few)
        free(out);
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
    struct recview a, b;
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

void
recview_sort(struct sim *sim, const struct soql_query *q,
             const struct object_def *obj, struct recset *s, int in_order)
{
    struct order *o;

    /* (No record: s->v is NULL, which qsort must not be given.) */
    if (s->n < 2 || (in_order && !soql_has_order(q)))
        return;
    if (!soql_has_order(q)) {
        qsort(s->v, s->n, sizeof(*s->v), by_id);
        return;
    }
    o = xcalloc(1, sizeof(*o));
    o->q = q;
    recview_init(&o->a, sim, obj, &o->fa);
    recview_init(&o->b, sim, obj, &o->fb);
    qsort_r(s->v, s->n, sizeof(*s->v), by_order, o);
    free(o);
}

void
recview_window(const struct soql_query *q, const struct recset *s, size_t *from,
               size_t *to)
{
    int64_t off = soql_offset(q), lim = soql_limit(q);

    *from = (uint64_t)off < s->n ? (size_t)off : s->n;
    *to = lim >= 0 && (uint64_t)lim < s->n - *from ? *from + (size_t)lim : s->n;
}

/* Adds the records of child whose field refers to r (by its 18- or
 * 15-character id) and match sub, in sub's order, to out. */
static void
children_of(struct sim *sim, const struct relation_child *c,
            const struct record *r, const struct soql_query *sub,
            struct recset *out)
{
    struct recset cand = {0};
    struct field_access fa;
    struct recview view;
    char id18[SFID_LEN18 + 1];
    int64_t now = sim_now(sim);
    size_t i;

    sfid_to18(r->id, id18);
    recview_find_equal(sim->store, c->child, c->field->interned,
                       STORE_NORM_EXACT, id18, &cand);
    recview_find_equal(sim->store, c->child, c->field->interned,
                       STORE_NORM_EXACT, r->id, &cand);
    recview_init(&view, sim, c->child, &fa);
    for (i = 0; i < cand.n; i++) {
        view.r = cand.v[i];
        if (soql_match(sub, &fa, now))
            recset_add(out, cand.v[i]);
    }
    free(cand.v);
    recview_sort(sim, sub, c->child, out, 0);
}

/* A child subquery's answer for r: {"totalSize", "done", "records"}, or
 * null when no child matches (as Salesforce answers it). */
static json_t *
children_json(struct sim *sim, const struct object_def *obj,
              const struct record *r, const char *rel,
              const struct soql_query *sub, int version)
{
    struct relation_child c;
    struct recset m = {0};
    size_t from, to, i;
    json_t *records;

    if (relation_child(sim->schema, obj, rel, &c) == -1)
        return json_null();
    children_of(sim, &c, r, sub, &m);
    recview_window(sub, &m, &from, &to);
    if (from == to) {
        free(m.v);
        return json_null();
    }
    records = json_array();
    for (i = from; i < to; i++)
        json_array_append_new(
            records, recview_json(sim, sub, c.child, m.v[i], version, 0));
    free(m.v);
    return json_pack("{s:I, s:b, s:o}", "totalSize", (json_int_t)(to - from),
                     "done", 1, "records", records);
}

json_t *
recview_json(struct sim *sim, const struct soql_query *q,
             const struct object_def *obj, const struct record *r, int version,
             int id_if_none)
{
    json_t *j = json_object();
    const struct soql_query *sub;
    const struct field_def *f;
    const char *const *names;
    size_t i, n;

    json_object_set_new(j, "attributes", sobject_attributes(obj, r, version));
    for (i = 0; i < soql_field_count(q); i++) {
        if ((sub = soql_field_subquery(q, i)) != NULL) {
            json_object_set_new(
                j, soql_field(q, i),
                children_json(sim, obj, r, soql_field(q, i), sub, version));
            continue;
        }
        if (soql_field_typeof(q, i, NULL, &names, &n) == 0) {
            soql_rel_typeof_json(sim, j, obj, r, q, i, version);
            continue;
        }
        if (strchr(soql_field(q, i), '.') != NULL) {
            soql_rel_json(sim, j, obj, r, soql_field(q, i), version);
            continue;
        }
        f = schema_field(obj, soql_field(q, i));
        json_object_set_new(j, soql_field(q, i),
                            f != NULL ? sobject_field_json(sim, obj, r, f)
                                      : json_null());
    }
    if (soql_field_count(q) == 0 && id_if_none)
        json_object_set_new(
            j, "Id", sobject_field_json(sim, obj, r, schema_field(obj, "Id")));
    return j;
}
