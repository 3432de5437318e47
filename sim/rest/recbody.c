/*
 * recbody.c - records' members into intake values (see recbody.h).
 */
#include "recbody.h"

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

json_t *
recbody_fields(const struct object_def *obj, const struct recmembers *m,
               unsigned flags, struct fieldvals *fv)
{
    const struct recval *v;
    char msg[512];
    size_t i;

    for (i = 0; i < m->n; i++) {
        const struct field_def *f;

        v = &m->v[i];
        if (strcmp(v->name, "attributes") == 0)
            continue;
        if (strcasecmp(v->name, "Id") == 0) {
            if (flags & RECBODY_ID_OK)
                continue;
            return error_new("INVALID_FIELD", "The Id field should not be "
                                              "specified in the sobject data.");
        }
        if ((f = schema_field(obj, v->name)) == NULL) {
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
