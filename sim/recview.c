/*
 * recview.c - records as a query sees them (see recview.h).
 */
#include "recview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "sobject.h"
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

    if (f == NULL)
        return NULL;
    return sobject_field_text(v->obj, v->r, f, v->buf[v->next++ & 1],
                              RECVIEW_TEXT_MAX, len);
}

static enum fieldtype
view_type(void *arg, const char *field)
{
    const struct field_def *f = view_field(arg, field);

    return f != NULL ? f->type : FT_UNKNOWN;
}

void
recview_init(struct recview *v, const struct object_def *obj,
             struct field_access *fa)
{
    memset(v, 0, sizeof(*v));
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
    struct soql_schema s = {bind_object, bind_field, (void *)schema};

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
recview_sort(const struct soql_query *q, const struct object_def *obj,
             struct recset *s, int in_order)
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
    recview_init(&o->a, obj, &o->fa);
    recview_init(&o->b, obj, &o->fb);
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

json_t *
recview_json(struct sim *sim, const struct soql_query *q,
             const struct object_def *obj, const struct record *r, int version,
             int id_if_none)
{
    json_t *j = json_object();
    const struct field_def *f;
    size_t i;

    json_object_set_new(j, "attributes", sobject_attributes(obj, r, version));
    for (i = 0; i < soql_field_count(q); i++) {
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
