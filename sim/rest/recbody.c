/*
 * recbody.c - JSON records into intake values (see recbody.h).
 */
#include "recbody.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "sobject.h"
#include "xmalloc.h"

const char *
recbody_keep(struct recbody_pool *p, char *s)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
    }
    p->v[p->n++] = s;
    return s;
}

void
recbody_pool_free(struct recbody_pool *p)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    memset(p, 0, sizeof(*p));
}

static const struct {
    json_type type;
    const char *token;
} json_tokens[] = {
    {JSON_OBJECT, "START_OBJECT"},     {JSON_ARRAY, "START_ARRAY"},
    {JSON_STRING, "VALUE_STRING"},     {JSON_INTEGER, "VALUE_NUMBER_INT"},
    {JSON_REAL, "VALUE_NUMBER_FLOAT"}, {JSON_TRUE, "VALUE_TRUE"},
    {JSON_FALSE, "VALUE_FALSE"},       {JSON_NULL, "VALUE_NULL"},
};

const char *
recbody_token_name(const json_t *j)
{
    size_t i;

    for (i = 0; i < sizeof(json_tokens) / sizeof(json_tokens[0]); i++)
        if (json_tokens[i].type == json_typeof(j))
            return json_tokens[i].token;
    return "VALUE_EMBEDDED_OBJECT";
}

static json_t *
error_new(const char *code, const char *message)
{
    return json_pack("{s:s, s:s}", "message", message, "errorCode", code);
}

/* One JSON value as the string intake converts; NULL for null. An error
 * (new reference) for an object or an array. */
static json_t *
value_text(const struct field_def *f, json_t *v, struct recbody_pool *pool,
           const char **out, size_t *len)
{
    char msg[256];

    *out = NULL;
    *len = 0;
    switch (json_typeof(v)) {
    case JSON_STRING:
        *out = json_string_value(v);
        *len = json_string_length(v);
        return NULL;
    case JSON_INTEGER:
    case JSON_REAL: *out = recbody_keep(pool, sobject_scalar_text(v)); break;
    case JSON_TRUE: *out = "true"; break;
    case JSON_FALSE: *out = "false"; break;
    case JSON_NULL: return NULL;
    default:
        snprintf(msg, sizeof(msg),
                 "Cannot deserialize instance of %s from %s value %s or "
                 "request may be missing a required field",
                 fieldtype_describe_name(f->type), recbody_token_name(v),
                 json_is_array(v) ? "[" : "{");
        return error_new("JSON_PARSER_ERROR", msg);
    }
    *len = strlen(*out);
    return NULL;
}

json_t *
recbody_fields(const struct object_def *obj, json_t *body, unsigned flags,
               struct fieldvals *fv, struct recbody_pool *pool)
{
    const char *key, *text;
    char msg[512];
    json_t *v, *err;
    size_t len;

    json_object_foreach(body, key, v) {
        const struct field_def *f = schema_field(obj, key);

        if (strcmp(key, "attributes") == 0)
            continue;
        if (strcasecmp(key, "Id") == 0) {
            if (flags & RECBODY_ID_OK)
                continue;
            return error_new("INVALID_FIELD", "The Id field should not be "
                                              "specified in the sobject data.");
        }
        if (f == NULL) {
            snprintf(msg, sizeof(msg),
                     "No such column '%.200s' on sobject of type %s", key,
                     obj->name);
            return error_new("INVALID_FIELD", msg);
        }
        if ((err = value_text(f, v, pool, &text, &len)) != NULL)
            return err;
        fieldvals_set(fv, f->interned, text, len);
    }
    return NULL;
}
