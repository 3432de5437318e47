/*
 * sobject.c - record to JSON (see sobject.h).
 */
#include "sobject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "sfapi.h"
#include "sfid.h"
#include "sim.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

json_t *
sobject_attributes(const struct object_def *obj, const struct record *r,
                   int version)
{
    char id18[SFID_LEN18 + 1], url[160];

    sfid_to18(r->id, id18);
    snprintf(url, sizeof(url), "/services/data/v%d.0/sobjects/%s/%s", version,
             obj->name, id18);
    return json_pack("{s:s, s:s}", "type", obj->name, "url", url);
}

static const char *
value_of(const struct object_def *obj, const struct record *r, const char *name)
{
    const struct field_def *f = schema_field(obj, name);

    return f != NULL ? record_value(r, f->interned, NULL) : NULL;
}

/* Name of a Lead or Contact: "First Last", or "Last" alone. */
static json_t *
compound_name(const struct object_def *obj, const struct record *r)
{
    const char *first = value_of(obj, r, "FirstName");
    const char *last = value_of(obj, r, "LastName");
    json_t *j;
    char *s;

    if (last == NULL && first == NULL)
        return json_null();
    s = xasprintf("%s%s%s", first ? first : "", first && last ? " " : "",
                  last ? last : "");
    j = json_string(s);
    free(s);
    return j;
}

/* A read-only name made of other fields (an auto number is stored). */
static int
is_compound(const struct field_def *f)
{
    return (f->flags & (FIELD_NAME | FIELD_READONLY | FIELD_AUTONUMBER)) ==
           (FIELD_NAME | FIELD_READONLY);
}

/* Fields whose value comes from the record itself, not its stored values. */
static json_t *
derived_value(const struct object_def *obj, const struct record *r,
              const struct field_def *f, int *is_derived)
{
    char buf[TIMEFMT_LEN];
    const char *owner;

    *is_derived = 1;
    if (strcmp(f->name, "Id") == 0) {
        sfid_to18(r->id, buf);
        return json_string(buf);
    }
    if (strcmp(f->name, "CreatedDate") == 0)
        return json_string(timefmt_salesforce(r->created_ms, buf));
    if (strcmp(f->name, "LastModifiedDate") == 0 ||
        strcmp(f->name, "SystemModstamp") == 0)
        return json_string(timefmt_salesforce(r->modified_ms, buf));
    if (strcmp(f->name, "IsDeleted") == 0)
        return json_boolean(r->deleted);
    if (strcmp(f->name, "CreatedById") == 0 ||
        strcmp(f->name, "LastModifiedById") == 0) {
        /* The owner, unless the record says (the org's own records have
         * no owner: orgrecords.h). */
        if ((owner = record_value(r, f->interned, NULL)) == NULL)
            owner = value_of(obj, r, "OwnerId");
        return owner ? json_string(owner) : json_null();
    }
    if (is_compound(f))
        return compound_name(obj, r);
    *is_derived = 0;
    return NULL;
}

json_t *
sobject_field_json(struct sim *sim, const struct object_def *obj,
                   const struct record *r, const struct field_def *f)
{
    int derived = 0;
    json_t *d = derived_value(obj, r, f, &derived);
    const char *v;
    size_t len;

    (void)sim;
    if (derived)
        return d;
    v = record_value(r, f->interned, &len);
    if (f->type == FT_BOOLEAN)
        return json_boolean(v != NULL && strcmp(v, "true") == 0);
    if (v == NULL)
        return json_null();
    if (f->type == FT_INT)
        return json_integer(strtoll(v, NULL, 10));
    if (FIELDTYPE_IS_NUMBER(f->type))
        return json_real(strtod(v, NULL));
    return json_stringn(v, len);
}

json_t *
sobject_to_json(struct sim *sim, const struct object_def *obj,
                const struct record *r)
{
    json_t *j = json_object();
    size_t i;

    json_object_set_new(j, "attributes",
                        sobject_attributes(obj, r, SFAPI_VERSION_LATEST));
    for (i = 0; i < obj->nfields; i++)
        json_object_set_new(j, obj->fields[i].name,
                            sobject_field_json(sim, obj, r, &obj->fields[i]));
    return j;
}

int
sobject_field_stored(const struct field_def *f)
{
    static const char *const derived[] = {"Id",
                                          "IsDeleted",
                                          "CreatedDate",
                                          "LastModifiedDate",
                                          "SystemModstamp",
                                          "CreatedById",
                                          "LastModifiedById",
                                          NULL};
    size_t i;

    for (i = 0; derived[i] != NULL; i++)
        if (strcmp(f->name, derived[i]) == 0)
            return 0;
    return !is_compound(f);
}

const char *
sobject_field_text(const struct object_def *obj, const struct record *r,
                   const struct field_def *f, char *buf, size_t n, size_t *len)
{
    size_t dummy;
    const char *v;
    json_t *d;

    len = len != NULL ? len : &dummy;
    if (sobject_field_stored(f)) {
        v = record_value(r, f->interned, len);
        if (v == NULL && f->type == FT_BOOLEAN)
            v = "false", *len = 5;
        return v;
    }
    /* Derived values are rare in WHERE clauses; reuse the JSON path. */
    d = sobject_field_json(NULL, obj, r, f);
    v = NULL;
    if (json_is_string(d) || json_is_boolean(d)) {
        snprintf(buf, n, "%s",
                 json_is_string(d) ? json_string_value(d)
                 : json_is_true(d) ? "true"
                                   : "false");
        v = buf;
        *len = strlen(buf);
    }
    json_decref(d);
    return v;
}

char *
sobject_scalar_text(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING: return xstrdup(json_string_value(v));
    case JSON_INTEGER:
        return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL: return xasprintf("%.15g", json_real_value(v));
    case JSON_TRUE: return xstrdup("true");
    case JSON_FALSE: return xstrdup("false");
    default: return NULL;
    }
}

json_t *
sobject_select(struct sim *sim, const struct object_def *obj,
               const struct record *r, const struct field_def *const *fields,
               size_t n, int version)
{
    json_t *j = json_object();
    size_t i;

    json_object_set_new(j, "attributes", sobject_attributes(obj, r, version));
    for (i = 0; i < n; i++)
        json_object_set_new(j, fields[i]->name,
                            sobject_field_json(sim, obj, r, fields[i]));
    if (json_object_get(j, "Id") == NULL)
        json_object_set_new(
            j, "Id", sobject_field_json(sim, obj, r, schema_field(obj, "Id")));
    return j;
}
