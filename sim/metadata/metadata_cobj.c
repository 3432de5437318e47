/*
 * metadata_cobj.c - custom objects (CustomObject files of X__c objects)
 * into the org JSON's "custom_objects" (see metadata_private.h).
 *
 * The object's file gives its labels, description and name field; its
 * fields and record types are items of their own ("object_fields",
 * "object_record_types", keyed "Object.Name") that metadata.c nests into
 * the object's entry when it writes the org JSON, so that a field the
 * loader refuses is left out alone. Custom settings are not custom
 * objects (metadata_obj.c reads them); the sharing model and the
 * deployment status have nothing to set in the sim (its API user sees
 * objects in development too) and are not read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metadata_private.h"
#include "objects.h"
#include "schema.h"
#include "xmalloc.h"

/* As many custom objects as the org loader takes (org_objects.c). */
#define MD_MAX_OBJECTS 400
#define KEY_LEN 600

static size_t
count_section(const struct md *m, const char *section)
{
    size_t i, n = 0;

    for (i = 0; i < m->nitems; i++)
        n += !m->items[i].dropped && strcmp(m->items[i].section, section) == 0;
    return n;
}

int
md_custom_object(const struct md *m, const char *object)
{
    return md_item_exists(m, "custom_objects", object);
}

/* The name field: Text, or AutoNumber with its display format and first
 * number; NULL when the file has none (the loader's default). */
static json_t *
name_field(struct md *m, const char *path, const struct xmlread_node *root,
           const char *what)
{
    const struct xmlread_node *nf = xmlread_child(root, "nameField");
    const char *type, *label, *fmt, *start;
    json_t *j;

    if (nf == NULL)
        return NULL;
    type = md_text(nf, "type");
    label = md_text(nf, "label");
    j = json_object();
    if (label != NULL && *label != '\0')
        json_object_set_new(j, "label", json_string(label));
    if (type != NULL && strcmp(type, "AutoNumber") == 0) {
        json_object_set_new(j, "type", json_string("auto_number"));
        if ((fmt = md_text(nf, "displayFormat")) != NULL)
            json_object_set_new(j, "display_format", json_string(fmt));
        start = md_text(nf, "startingNumber");
        if (start != NULL && strspn(start, "0123456789") == strlen(start) &&
            *start != '\0' && strlen(start) < 10)
            json_object_set_new(j, "starting_number",
                                json_integer(strtol(start, NULL, 10)));
        return j;
    }
    if (type != NULL && strcmp(type, "Text") != 0)
        md_problem_at(m, path, nf,
                      "%s: its name field is of type %s, not Text or "
                      "AutoNumber: read as Text",
                      what, type);
    json_object_set_new(j, "type", json_string("text"));
    return j;
}

void
md_read_custom_object(struct md *m, const char *path, const char *object,
                      const struct xmlread_node *root)
{
    char what[KEY_LEN];
    const char *t;
    json_t *j, *nf;

    snprintf(what, sizeof(what), "custom object %s", object);
    if (strstr(object, "__") != object + strlen(object) - 3) {
        md_problem_at(m, path, root,
                      "%s not loaded, nor its fields, rules and record "
                      "types: an installed package's object (a namespace), "
                      "which the org file cannot declare",
                      what);
        json_object_set_new(m->unread_objects, object, json_true());
        return;
    }
    if (!md_custom_object(m, object) &&
        count_section(m, "custom_objects") >= MD_MAX_OBJECTS) {
        md_problem_at(m, path, root,
                      "%s not loaded, nor its fields, rules and record "
                      "types: more than %d custom objects",
                      what, MD_MAX_OBJECTS);
        json_object_set_new(m->unread_objects, object, json_true());
        return;
    }
    j = json_pack("{s:s}", "name", object);
    if ((t = md_text(root, "label")) != NULL && *t != '\0')
        json_object_set_new(j, "label", json_string(t));
    if ((t = md_text(root, "pluralLabel")) != NULL && *t != '\0')
        json_object_set_new(j, "plural_label", json_string(t));
    if ((t = md_text(root, "description")) != NULL && *t != '\0')
        json_object_set_new(j, "description", json_string(t));
    if ((nf = name_field(m, path, root, what)) != NULL)
        json_object_set_new(j, "name_field", nf);
    md_add(m, "custom_objects", j, object, path, root, what);
}

void
md_read_object_record_type(struct md *m, const char *path, const char *object,
                           const char *name, const struct xmlread_node *rt)
{
    char what[KEY_LEN + 32], key[KEY_LEN];
    const char *label = md_text(rt, "label");
    json_t *j;

    snprintf(what, sizeof(what), "record type %s.%s", object, name);
    snprintf(key, sizeof(key), "%s.%s", object, name);
    j = json_pack("{s:s, s:s, s:s, s:b}", "object", object, "developer_name",
                  name, "label", label != NULL && *label ? label : name,
                  "active", md_bool(rt, "active", 1));
    md_add(m, "object_record_types", j, key, path, rt, what);
}

/* A reference field's child relationship: "Account:Vendor_Scores". */
static int
relationship_key(const struct md_item *it, char *out, size_t n)
{
    const char *to =
        json_string_value(json_object_get(it->json, "reference_to"));
    const char *rel =
        json_string_value(json_object_get(it->json, "relationship_name"));
    size_t len;

    if (it->dropped || to == NULL || rel == NULL ||
        (strcmp(it->section, "custom_fields") != 0 &&
         strcmp(it->section, "object_fields") != 0))
        return -1;
    len = strlen(rel);
    if (len > 3 && strcasecmp(rel + len - 3, "__r") == 0)
        len -= 3;
    snprintf(out, n, "%s:%.*s", to, (int)len, rel);
    return 0;
}

void
md_check_relationships(struct md *m)
{
    char a[KEY_LEN], b[KEY_LEN];
    size_t i, k;

    for (i = 0; i < m->nitems; i++) {
        if (relationship_key(&m->items[i], a, sizeof(a)) == -1)
            continue;
        for (k = 0; k < i; k++) {
            struct md_item *first = &m->items[k], *it = &m->items[i];

            if (relationship_key(first, b, sizeof(b)) == -1 ||
                strcasecmp(a, b) != 0)
                continue;
            md_problem(
                m, it->path, it->line, it->column,
                "%s not loaded: %s already has a child relationship "
                "named %s__r (%s, %s:%d)",
                it->what,
                json_string_value(json_object_get(it->json, "reference_to")),
                strchr(a, ':') + 1, first->what, first->path, first->line);
            it->dropped = 1;
            break;
        }
    }
}

/* Whether base (the org file's JSON, or NULL) declares custom object
 * name. */
static int
base_object(json_t *base, const char *name)
{
    json_t *e;
    size_t i;

    json_array_foreach(json_object_get(base, "custom_objects"), i, e) {
        const char *n = json_string_value(json_object_get(e, "name"));

        if (n != NULL && strcasecmp(n, name) == 0)
            return 1;
    }
    return 0;
}

void
md_check_references(struct md *m, json_t *base)
{
    char canon[SCHEMA_NAME_MAX];
    const char *to;
    size_t i;

    for (i = 0; i < m->nitems; i++) {
        struct md_item *it = &m->items[i];

        if (it->dropped || (strcmp(it->section, "custom_fields") != 0 &&
                            strcmp(it->section, "object_fields") != 0))
            continue;
        to = json_string_value(json_object_get(it->json, "reference_to"));
        if (to == NULL || md_custom_object(m, to) || base_object(base, to) ||
            objects_standard(to, canon, sizeof(canon)))
            continue;
        md_problem(m, it->path, it->line, it->column,
                   "%s not loaded: \"%s\" is not an object of the org",
                   it->what, to);
        it->dropped = 1;
    }
}
