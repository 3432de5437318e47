/*
 * recbody.c - records' members into intake values (see recbody.h).
 */
#include "recbody.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "schema.h"

const char *
recbody_token_name(const json_t *j)
{
    return recval_token_name(recval_kind_of(j));
}

static json_t *
error_new(const char *code, const char *message)
{
    return json_pack("{s:s, s:s}", "message", message, "errorCode", code);
}

/* The error (new reference) for an object or an array as f's value. */
static json_t *
value_error(const struct field_def *f, const struct recval *v)
{
    char msg[256];

    snprintf(msg, sizeof(msg),
             "Cannot deserialize instance of %s from %s value %s or "
             "request may be missing a required field",
             fieldtype_describe_name(f->type), recval_token_name(v->kind),
             v->kind == RECVAL_ARRAY ? "[" : "{");
    return error_new("JSON_PARSER_ERROR", msg);
}

/* What a member's name is to a record of obj. */
enum name_kind {
    NAME_UNKNOWN, /* no field of obj */
    NAME_FIELD,
    NAME_ATTRIBUTES,
    NAME_ID,
};

static enum name_kind
name_kind(const struct object_def *obj, const char *name,
          const struct field_def **f)
{
    *f = NULL;
    if (strcmp(name, "attributes") == 0)
        return NAME_ATTRIBUTES;
    if (strcasecmp(name, "Id") == 0)
        return NAME_ID;
    *f = schema_field(obj, name);
    return *f != NULL ? NAME_FIELD : NAME_UNKNOWN;
}

/* name_kind() through cache (NULL: none). */
static enum name_kind
name_kind_cached(struct recbody_cache *cache, const struct object_def *obj,
                 const char *name, const struct field_def **f)
{
    uintptr_t a = (uintptr_t)name;
    size_t i = (a >> 3 ^ a >> 9) & (RECBODY_CACHE_SLOTS - 1);
    enum name_kind k;

    if (cache == NULL)
        return name_kind(obj, name, f);
    if (cache->obj != obj) {
        memset(cache, 0, sizeof(*cache));
        cache->obj = obj;
    }
    if (cache->slot[i].name == name) {
        *f = cache->slot[i].field;
        return (enum name_kind)cache->slot[i].what;
    }
    k = name_kind(obj, name, f);
    cache->slot[i].name = name;
    cache->slot[i].field = *f;
    cache->slot[i].what = (int)k;
    return k;
}

json_t *
recbody_fields(const struct object_def *obj, const struct recmembers *m,
               unsigned flags, struct fieldvals *fv,
               struct recbody_cache *cache)
{
    const struct field_def *f;
    const struct recval *v;
    char msg[512];
    size_t i;

    for (i = 0; i < m->n; i++) {
        v = &m->v[i];
        switch (name_kind_cached(cache, obj, v->name, &f)) {
        case NAME_ATTRIBUTES: continue;
        case NAME_ID:
            if (flags & RECBODY_ID_OK)
                continue;
            return error_new("INVALID_FIELD", "The Id field should not be "
                                              "specified in the sobject data.");
        default: break;
        }
        if (f == NULL) {
            snprintf(msg, sizeof(msg),
                     "No such column '%.200s' on sobject of type %s", v->name,
                     obj->name);
            return error_new("INVALID_FIELD", msg);
        }
        if (v->kind == RECVAL_OBJECT || v->kind == RECVAL_ARRAY)
            return value_error(f, v);
        fieldvals_set(fv, f->interned, v->text, v->len);
    }
    return NULL;
}
