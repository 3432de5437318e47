/*
 * metadata_ctx.c - what formulas read besides records: custom labels,
 * custom permissions and custom metadata records (see
 * metadata_private.h), and the note of which of them the formulas read.
 *
 * A retrieve can hold thousands of labels and metadata records; only
 * those some formula names are loaded, so the org JSON stays readable.
 * Formulas are scanned for their names as they are read (fields and
 * validation rules are read before these files).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metadata_private.h"
#include "xmalloc.h"

#define XSD_NS "http://www.w3.org/2001/XMLSchema-instance"
#define NAME_LEN 512

/* ---- which names formulas use ---------------------------------------------
 */

static void
note(struct md *m, const char *name, size_t len)
{
    char key[NAME_LEN + 8];
    size_t i;

    if (len >= NAME_LEN)
        return;
    for (i = 0; i < len; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    key[len] = '\0';
    json_object_set_new(m->referenced, key, json_true());
}

/* Every dotted prefix of an identifier ("$setup", "$setup.s__c",
 * "$setup.s__c.f__c"), and its last part as "field:f__c". */
static void
note_ident(struct md *m, const char *id, size_t len)
{
    char field[NAME_LEN + 8];
    size_t i, last = 0;

    for (i = 0; i <= len; i++) {
        if (i < len && id[i] != '.')
            continue;
        note(m, id, i);
        last = i < len ? i + 1 : last;
    }
    if (len - last < NAME_LEN) {
        snprintf(field, sizeof(field), "field:%.*s", (int)(len - last),
                 id + last);
        note(m, field, strlen(field));
    }
}

/* "object/name": a name a formula of object uses. */
static void
note_on(struct md *m, const char *object, const char *id, size_t len)
{
    char key[NAME_LEN + 8];

    if (snprintf(key, sizeof(key), "%s/%.*s", object, (int)len, id) <
        (int)sizeof(key))
        note(m, key, strlen(key));
}

static int
ident_char(int c)
{
    return isalnum(c) || c == '_' || c == '$' || c == '.' || c == ':';
}

void
md_note_formula(struct md *m, const char *object, const char *text)
{
    const char *p = text, *start;
    char quote;

    while (*p != '\0') {
        if (*p == '"' || *p == '\'') {
            for (quote = *p++; *p != '\0' && *p != quote; p++)
                if (*p == '\\' && p[1] != '\0')
                    p++;
            if (*p != '\0')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            p = strstr(p + 2, "*/") != NULL ? strstr(p + 2, "*/") + 2
                                            : p + strlen(p);
        } else if (isalpha((unsigned char)*p) || *p == '$' || *p == '_') {
            for (start = p; ident_char((unsigned char)*p); p++)
                ;
            note_ident(m, start, (size_t)(p - start));
            if (object != NULL)
                note_on(m, object, start, (size_t)(p - start));
        } else {
            p++;
        }
    }
}

int
md_referenced(const struct md *m, const char *name)
{
    char key[NAME_LEN + 8];
    size_t i, n = strlen(name);

    if (n >= sizeof(key))
        return 0;
    for (i = 0; i <= n; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    return json_object_get(m->referenced, key) != NULL;
}

/* ---- labels, permissions, custom metadata ---------------------------------
 */

void
md_read_labels(struct md *m, const char *path, const struct xmlread_node *root)
{
    char ref[NAME_LEN + 16], what[NAME_LEN + 16];
    const char *name, *value;
    size_t i;

    for (i = 0; i < root->nkids; i++) {
        const struct xmlread_node *l = root->kids[i];

        if (strcmp(l->name, "labels") != 0 ||
            (name = md_text(l, "fullName")) == NULL)
            continue;
        snprintf(ref, sizeof(ref), "$label.%s", name);
        if (!md_referenced(m, ref))
            continue;
        value = md_text(l, "value");
        snprintf(what, sizeof(what), "label %s", name);
        md_add(m, "labels",
               json_pack("{s:s, s:s}", "name", name, "value",
                         value != NULL ? value : ""),
               name, path, l, what);
    }
}

void
md_read_permission(struct md *m, const char *path, const char *name)
{
    char what[NAME_LEN + 32];

    snprintf(what, sizeof(what), "custom permission %s", name);
    md_add(m, "custom_permissions", json_string(name), name, path, NULL, what);
}

/* A record's value as JSON, by its xsi:type; date and date/time types go
 * into types too. */
static void
cmdt_value(const struct xmlread_node *v, const char *field, json_t *values,
           json_t *types, json_t *declared)
{
    const struct xmlread_node *val = xmlread_child(v, "value");
    const char *type = xmlread_attr(val, XSD_NS, "type");
    const char *text = md_text(v, "value"), *colon;
    const char *dtype = json_string_value(json_object_get(declared, field));

    if (val == NULL || xmlread_nil(val) || text == NULL) {
        json_object_set_new(values, field, json_null());
        if (dtype != NULL)
            json_object_set_new(types, field, json_string(dtype));
        return;
    }
    colon = type != NULL ? strchr(type, ':') : NULL;
    type = colon != NULL ? colon + 1 : type != NULL ? type : "string";
    if (strcmp(type, "boolean") == 0)
        json_object_set_new(values, field,
                            json_boolean(strcmp(text, "true") == 0));
    else if (strcmp(type, "double") == 0 || strcmp(type, "int") == 0 ||
             strcmp(type, "long") == 0 || strcmp(type, "decimal") == 0)
        json_object_set_new(values, field, json_real(strtod(text, NULL)));
    else
        json_object_set_new(values, field, json_string(text));
    if (strcmp(type, "date") == 0 || strcmp(type, "dateTime") == 0)
        json_object_set_new(
            types, field,
            json_string(strcmp(type, "date") == 0 ? "date" : "datetime"));
    else if (dtype != NULL && strcmp(type, "string") == 0)
        json_object_set_new(types, field, json_string(dtype));
}

void
md_read_cmdt(struct md *m, const char *path, const char *type,
             const char *record, const struct xmlread_node *root)
{
    json_t *values = json_object(), *types = json_object(), *j, *d;
    json_t *declared = json_object_get(m->cmdt_fields, type);
    char key[2 * NAME_LEN], what[2 * NAME_LEN + 32];
    const char *field;
    size_t i;

    for (i = 0; i < root->nkids; i++) {
        const struct xmlread_node *v = root->kids[i];

        if (strcmp(v->name, "values") != 0 ||
            (field = md_text(v, "field")) == NULL)
            continue;
        cmdt_value(v, field, values, types, declared);
    }
    /* A field a record leaves out is null, of its declared type. */
    json_object_foreach(declared, field, d) {
        if (json_object_get(values, field) == NULL) {
            json_object_set_new(values, field, json_null());
            json_object_set(types, field, d);
        }
    }
    j = json_pack("{s:s, s:s, s:o}", "type", type, "record", record, "values",
                  values);
    if (json_object_size(types) > 0)
        json_object_set_new(j, "types", types);
    else
        json_decref(types);
    snprintf(key, sizeof(key), "%s.%s", type, record);
    snprintf(what, sizeof(what), "custom metadata record %s.%s", type, record);
    md_add(m, "custom_metadata", j, key, path, root, what);
}
