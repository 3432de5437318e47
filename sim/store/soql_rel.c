/*
 * soql_rel.c - SOQL parent paths (see soql_rel.h).
 */
#include "soql_rel.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "relation.h"
#include "schema.h"
#include "sfid.h"
#include "sim.h"
#include "soql.h"
#include "sobject.h"
#include "store.h"

#define SEGMENT_MAX 128

/* The next segment of *p (up to '.' or the end) into seg; 1 when it was
 * the last. */
static int
next_segment(const char **p, char seg[SEGMENT_MAX])
{
    const char *dot = strchr(*p, '.');
    size_t n = dot != NULL ? (size_t)(dot - *p) : strlen(*p);

    snprintf(seg, SEGMENT_MAX, "%.*s", (int)n, *p);
    *p += n + (dot != NULL);
    return dot == NULL;
}

/* The object a relationship leads to when binding: the first of its
 * targets the schema has. */
static const struct object_def *
target_of(const struct schema *s, const struct field_def *f)
{
    const struct object_def *o;
    size_t k;

    for (k = 0; k < SCHEMA_MAX_TARGETS && f->reference_to[k] != NULL; k++)
        if ((o = schema_object(s, f->reference_to[k])) != NULL)
            return o;
    return NULL;
}

int
soql_rel_path(void *arg, const char *object, const char *path, char *canonical,
              size_t n, enum fieldtype *type, char *why, size_t whyn)
{
    const struct schema *s = arg;
    const struct object_def *o = schema_object(s, object);
    const struct field_def *f;
    const char *p = path;
    char seg[SEGMENT_MAX];
    size_t used = 0, depth = 0;

    canonical[0] = '\0';
    while (o != NULL && !next_segment(&p, seg)) {
        if (++depth > RELATION_MAX_DEPTH) {
            snprintf(why, whyn,
                     "SOQL statements cannot query relationships that are "
                     "more than %d levels away from the root entity object.",
                     RELATION_MAX_DEPTH);
            return -1;
        }
        if ((f = relation_parent(o, seg)) == NULL ||
            (o = target_of(s, f)) == NULL) {
            snprintf(why, whyn,
                     "Didn't understand relationship '%s' in field path. If "
                     "you are attempting to use a custom relationship, be "
                     "sure to append the '__r' after the custom relationship "
                     "name. Please reference your WSDL or the describe call "
                     "for the appropriate names.",
                     seg);
            return -1;
        }
        used += (size_t)snprintf(canonical + used, used < n ? n - used : 0,
                                 "%s.", f->relationship);
    }
    if (o == NULL || (f = schema_field(o, seg)) == NULL) {
        snprintf(why, whyn,
                 "No such column '%s' on entity '%s'. If you are attempting "
                 "to use a custom field, be sure to append the '__c' after "
                 "the custom field name. Please reference your WSDL or the "
                 "describe call for the appropriate names.",
                 seg, o != NULL ? o->name : object);
        return -1;
    }
    if (used + strlen(f->name) + 1 > n) {
        snprintf(why, whyn, "field path too long");
        return -1;
    }
    snprintf(canonical + used, n - used, "%s", f->name);
    *type = f->type;
    return 0;
}

int
soql_rel_child(void *arg, const char *object, const char *rel, char *child,
               size_t n, char *canonical_rel, size_t m)
{
    const struct schema *s = arg;
    const struct object_def *o = schema_object(s, object);
    struct relation_child c;

    if (o == NULL || relation_child(s, o, rel, &c) == -1)
        return -1;
    snprintf(child, n, "%s", c.child->name);
    snprintf(canonical_rel, m, "%s", c.name);
    return 0;
}

/* The record f of r (a record of obj) refers to, or NULL. */
static const struct record *
parent_of(const struct store *store, const struct object_def *obj,
          const struct record *r, const struct field_def *f)
{
    char buf[64], id15[SFID_LEN15 + 1];
    size_t len = 0;
    const char *v = sobject_field_text(obj, r, f, buf, sizeof(buf), &len);

    if (v == NULL || sfid_normalize(v, len, id15) == -1)
        return NULL;
    return store_get(store, id15);
}

const struct record *
soql_rel_follow(const struct schema *s, const struct store *store,
                const struct object_def *obj, const struct record *r,
                const char *path, const struct object_def **end,
                const struct field_def **f)
{
    const struct field_def *ref;
    const char *p = path;
    char seg[SEGMENT_MAX];

    while (r != NULL && !next_segment(&p, seg)) {
        if ((ref = relation_parent(obj, seg)) == NULL ||
            (r = parent_of(store, obj, r, ref)) == NULL ||
            (obj = schema_object_at(s, r->object)) == NULL)
            return NULL;
    }
    *end = obj;
    *f = r != NULL ? schema_field(obj, seg) : NULL;
    return r;
}

void
soql_rel_json(struct sim *sim, json_t *row, const struct object_def *obj,
              const struct record *r, const char *path, int version)
{
    const struct field_def *ref, *f;
    const char *p = path;
    char seg[SEGMENT_MAX];
    json_t *sub;

    while (!next_segment(&p, seg)) {
        ref = relation_parent(obj, seg);
        r = ref != NULL ? parent_of(sim->store, obj, r, ref) : NULL;
        obj = r != NULL ? schema_object_at(sim->schema, r->object) : NULL;
        sub = json_object_get(row, seg);
        if (obj == NULL) {
            if (sub == NULL)
                json_object_set_new(row, seg, json_null());
            return;
        }
        if (!json_is_object(sub)) {
            sub = json_object();
            json_object_set_new(sub, "attributes",
                                sobject_attributes(obj, r, version));
            json_object_set_new(row, seg, sub);
        }
        row = sub;
    }
    f = schema_field(obj, seg);
    json_object_set_new(
        row, seg, f != NULL ? sobject_field_json(sim, obj, r, f) : json_null());
}

void
soql_rel_typeof_json(struct sim *sim, json_t *row, const struct object_def *obj,
                     const struct record *r, const struct soql_query *q,
                     size_t i, int version)
{
    const char *rel = soql_field(q, i), *const * fields;
    const struct object_def *end = NULL;
    const struct field_def *f;
    const struct record *parent;
    char path[SOQL_NAME_MAX * 2];
    size_t k, n;

    snprintf(path, sizeof(path), "%s.Id", rel);
    parent = soql_rel_follow(sim->schema, sim->store, obj, r, path, &end, &f);
    if (parent == NULL) {
        json_object_set_new(row, rel, json_null());
        return;
    }
    soql_field_typeof(q, i, end->name, &fields, &n);
    if (n == 0)
        json_object_set_new(
            row, rel,
            json_pack("{s:o}", "attributes",
                      sobject_attributes(end, parent, version)));
    for (k = 0; k < n; k++) {
        snprintf(path, sizeof(path), "%s.%s", rel, fields[k]);
        soql_rel_json(sim, row, obj, r, path, version);
    }
}
