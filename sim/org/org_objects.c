/*
 * org_objects.c - "custom_objects" in the org file, and the lookup and
 * master-detail fields of custom objects and custom fields.
 *
 *   "custom_objects": [{"name": "Invoice__c", "label": "Invoice",
 *       "plural_label": "Invoices", "key_prefix": "a01",
 *       "name_field": {"label": "Invoice Number", "type": "auto_number",
 *                      "display_format": "INV-{0000}",
 *                      "starting_number": 1},
 *       "fields": [{"name": "Account__c", "type": "lookup",
 *                   "reference_to": "Account",
 *                   "relationship_name": "Invoices"}, ...],
 *       "record_types": [{"developer_name": "Retail", "label": "Retail",
 *                         "default": true}]}]
 *
 * A key prefix the file does not give is made from the API name (so it
 * stays the same from run to run and whatever --seed says): "a" and two
 * base-62 characters of its hash, the next free one on a collision.
 * Standard objects' prefixes begin with a digit, custom ones with a
 * letter, so the two never meet. References are checked once every object
 * and field is loaded: the object referred to must exist, and a child
 * relationship name must be unique on it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "org_private.h"
#include "objects.h"
#include "schema.h"
#include "sfid.h"
#include "xmalloc.h"

#define OBJECTS_MAX 400       /* custom objects in one org file */
#define OBJECT_FIELDS_MAX 800 /* fields of one custom object */
#define RECORD_TYPES_MAX 200
#define API_NAME_MAX 40 /* before the __c */
#define LABEL_MAX 80

static const char base62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* An API name: a letter, then letters, digits and single underscores, not
 * ending in one, at most API_NAME_MAX long; suffix after it. */
static int
api_name_ok(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix), i;

    if (n <= k || strcmp(s + n - k, suffix) != 0 || n - k > API_NAME_MAX ||
        !isalpha((unsigned char)s[0]) || s[n - k - 1] == '_')
        return 0;
    for (i = 0; i < n - k; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_') ||
            (s[i] == '_' && s[i + 1] == '_'))
            return 0;
    return 1;
}

const struct org_object *
org_object_find(const struct org *o, const char *name)
{
    size_t i;

    for (i = 0; i < o->ncustom_objects; i++)
        if (o->custom_objects[i].name != NULL && /* one being loaded */
            strcasecmp(o->custom_objects[i].name, name) == 0)
            return &o->custom_objects[i];
    return NULL;
}

int
org_objects_reference(struct conf *c, json_t *f, const char *path,
                      const char *kind, struct org_field *of)
{
    const char *to, *rel;
    char p[CONF_PATH_MAX];

    if (conf_string(c, f, path, "reference_to", NULL, &to) == -1 ||
        conf_string(c, f, path, "relationship_name", NULL, &rel) == -1)
        return -1;
    if (to == NULL)
        return conf_error(c, path, "a %s field needs \"reference_to\"", kind);
    if (rel != NULL && !api_name_ok(rel, "") &&
        !(api_name_ok(rel, "__r") && strlen(rel) > 3))
        return conf_error(c, conf_join(p, sizeof(p), path, "relationship_name"),
                          "\"%s\" is not a relationship name (a letter, then "
                          "letters, digits and single underscores)",
                          rel);
    of->reference_to = xstrdup(to);
    if (rel != NULL) {
        size_t n = strlen(rel);

        /* "Invoices" and "Invoices__r" name the same relationship. */
        of->relationship_name = n > 3 && strcmp(rel + n - 3, "__r") == 0
                                    ? xasprintf("%.*s", (int)(n - 3), rel)
                                    : xstrdup(rel);
    }
    if (strcmp(kind, "master_detail") == 0)
        of->flags |= FIELD_MASTER_DETAIL | FIELD_REQUIRED;
    return 0;
}

/* --- the name field --------------------------------------------------- */

/* "{0000}" once, nothing else in braces; -1 with the error. */
static int
check_format(struct conf *c, const char *path, const char *fmt)
{
    const char *open = strchr(fmt, '{'), *q;

    if (open == NULL)
        return conf_error(c, path,
                          "\"%s\": an auto number's format needs its number "
                          "as {0}, {00}, ... {0000000000}",
                          fmt);
    for (q = open + 1; *q == '0'; q++)
        ;
    if (*q != '}' || q - open - 1 > 10 || strchr(q, '{') != NULL ||
        strchr(q + 1, '}') != NULL || memchr(fmt, '}', (size_t)(open - fmt)))
        return conf_error(c, path,
                          "\"%s\": an auto number's format has one number, "
                          "{0} to {0000000000}, and no other braces",
                          fmt);
    return 0;
}

static int
load_name_field(struct conf *c, json_t *obj, const char *path,
                struct org_object *co)
{
    static const char *const keys[] = {"label", "type", "display_format",
                                       "starting_number", NULL};
    static const char *const types[] = {"text", "auto_number", NULL};
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    const char *label, *fmt;
    json_t *nf = NULL;
    int type = 0;

    conf_join(p, sizeof(p), path, "name_field");
    if (conf_object(c, obj, path, "name_field", &nf) == -1)
        return -1;
    if (nf == NULL) {
        co->name_label = xasprintf("%s Name", co->label);
        return 0;
    }
    if (conf_check_keys(c, nf, p, keys) == -1 ||
        conf_string(c, nf, p, "label", NULL, &label) == -1 ||
        conf_enum(c, nf, p, "type", types, 0, &type) == -1 ||
        conf_string(c, nf, p, "display_format", NULL, &fmt) == -1 ||
        conf_int(c, nf, p, "starting_number", 0, 999999999, 1,
                 &co->starting_number) == -1)
        return -1;
    co->autonumber = type == 1;
    if (co->autonumber && fmt == NULL)
        return conf_error(c, p, "an auto number needs a \"display_format\"");
    if (!co->autonumber && fmt != NULL)
        return conf_error(c, conf_join(q, sizeof(q), p, "display_format"),
                          "only an auto number has a display format");
    if (fmt != NULL &&
        check_format(c, conf_join(q, sizeof(q), p, "display_format"), fmt) ==
            -1)
        return -1;
    co->name_label =
        label != NULL ? xstrdup(label) : xasprintf("%s Name", co->label);
    co->display_format = fmt != NULL ? xstrdup(fmt) : NULL;
    return 0;
}

/* --- key prefixes ------------------------------------------------------ */

static int
prefix_taken(const struct org *o, const char *prefix, size_t upto)
{
    size_t i;

    for (i = 0; i < upto; i++)
        if (strcmp(o->custom_objects[i].prefix, prefix) == 0)
            return 1;
    return 0;
}

/* FNV-1a of the lower-cased name. */
static uint64_t
name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)tolower((unsigned char)*s);
        h *= 1099511628211ULL;
    }
    return h;
}

static int
load_prefix(struct conf *c, json_t *obj, const char *path, struct org *o,
            size_t at)
{
    struct org_object *co = &o->custom_objects[at];
    char p[CONF_PATH_MAX];
    const char *given;
    uint64_t h;
    size_t k;

    if (conf_string(c, obj, path, "key_prefix", NULL, &given) == -1)
        return -1;
    if (given != NULL) {
        conf_join(p, sizeof(p), path, "key_prefix");
        if (strlen(given) != 3 || !isalpha((unsigned char)given[0]) ||
            !isalnum((unsigned char)given[1]) ||
            !isalnum((unsigned char)given[2]))
            return conf_error(c, p,
                              "\"%s\": a custom object's key prefix is a "
                              "letter and two letters or digits",
                              given);
        if (prefix_taken(o, given, at))
            return conf_error(c, p, "key prefix %s is used twice", given);
        memcpy(co->prefix, given, 4);
        return 0;
    }
    h = name_hash(co->name) % (62 * 62);
    for (k = 0; k < 62 * 62; k++) {
        uint64_t x = (h + k) % (62 * 62);

        co->prefix[0] = 'a';
        co->prefix[1] = base62[x / 62];
        co->prefix[2] = base62[x % 62];
        co->prefix[3] = '\0';
        if (!prefix_taken(o, co->prefix, at))
            return 0;
    }
    return conf_error(c, path, "no key prefix left"); /* not reachable */
}

/* --- record types ------------------------------------------------------ */

static int
load_record_type(struct conf *c, json_t *j, const char *path, size_t serial,
                 struct org_record_type *rt)
{
    static const char *const keys[] = {"developer_name", "label", "default",
                                       "active", NULL};
    const char *dev, *label;
    char p[CONF_PATH_MAX];

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        conf_string(c, j, path, "developer_name", NULL, &dev) == -1 ||
        conf_string(c, j, path, "label", NULL, &label) == -1 ||
        conf_bool(c, j, path, "default", 0, &rt->is_default) == -1 ||
        conf_bool(c, j, path, "active", 1, &rt->active) == -1)
        return -1;
    if (dev == NULL)
        return conf_error(c, path, "a record type needs a \"developer_name\"");
    if (!api_name_ok(dev, ""))
        return conf_error(c, conf_join(p, sizeof(p), path, "developer_name"),
                          "\"%s\" is not a developer name (a letter, then "
                          "letters, digits and single underscores)",
                          dev);
    rt->developer_name = xstrdup(dev);
    rt->label = xstrdup(label != NULL ? label : dev);
    /* 012 ids of their own: the person account record types use 0120… */
    sfid_make("012", "Cu", serial, rt->id);
    return 0;
}

static int
load_record_types(struct conf *c, json_t *obj, const char *path,
                  struct org_object *co, size_t *serial)
{
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    json_t *arr = NULL;
    size_t i, j, ndefault = 0;

    conf_join(p, sizeof(p), path, "record_types");
    if (conf_array(c, obj, path, "record_types", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    if (json_array_size(arr) > RECORD_TYPES_MAX)
        return conf_error(c, p, "more than %d record types", RECORD_TYPES_MAX);
    co->record_types =
        xcalloc(json_array_size(arr) + 1, sizeof(*co->record_types));
    for (i = 0; i < json_array_size(arr); i++) {
        struct org_record_type *rt = &co->record_types[i];

        conf_index(q, sizeof(q), p, i);
        co->nrecord_types = i + 1;
        if (load_record_type(c, json_array_get(arr, i), q, ++*serial, rt) == -1)
            return -1;
        for (j = 0; j < i; j++)
            if (strcasecmp(co->record_types[j].developer_name,
                           rt->developer_name) == 0)
                return conf_error(c, q, "record type %s is named twice",
                                  rt->developer_name);
        ndefault += rt->is_default;
    }
    if (ndefault > 1)
        return conf_error(c, p, "more than one default record type");
    if (ndefault == 0)
        co->record_types[0].is_default = 1;
    return 0;
}

/* --- an object --------------------------------------------------------- */

static int
load_fields(struct conf *c, json_t *obj, const char *path,
            struct org_object *co)
{
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    json_t *arr = NULL;
    size_t i, j, ndetail = 0;

    conf_join(p, sizeof(p), path, "fields");
    if (conf_array(c, obj, path, "fields", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    if (json_array_size(arr) > OBJECT_FIELDS_MAX)
        return conf_error(c, p, "more than %d fields", OBJECT_FIELDS_MAX);
    co->fields = xcalloc(json_array_size(arr) + 1, sizeof(*co->fields));
    for (i = 0; i < json_array_size(arr); i++) {
        struct org_field *of = &co->fields[i];

        conf_index(q, sizeof(q), p, i);
        co->nfields = i + 1;
        if (org_field_load(c, json_array_get(arr, i), q, co->name, of) == -1)
            return -1;
        for (j = 0; j < i; j++)
            if (strcasecmp(co->fields[j].name, of->name) == 0)
                return conf_error(c, q, "duplicate field %s.%s", co->name,
                                  of->name);
        if ((of->flags & FIELD_MASTER_DETAIL) && ++ndetail > 2)
            return conf_error(c, q,
                              "%s: an object has at most 2 master-detail "
                              "fields",
                              of->name);
    }
    return 0;
}

static int
load_object(struct conf *c, json_t *obj, const char *path, struct org *o,
            size_t at, size_t *rt_serial)
{
    static const char *const keys[] = {
        "name",   "label",        "plural_label", "key_prefix", "name_field",
        "fields", "record_types", "description",  NULL};
    struct org_object *co = &o->custom_objects[at];
    const char *name, *label, *plural, *descr;
    char p[CONF_PATH_MAX];

    if (!json_is_object(obj))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, obj, path, keys) == -1 ||
        conf_string(c, obj, path, "name", NULL, &name) == -1 ||
        conf_string(c, obj, path, "label", NULL, &label) == -1 ||
        conf_string(c, obj, path, "plural_label", NULL, &plural) == -1 ||
        conf_string(c, obj, path, "description", NULL, &descr) == -1)
        return -1;
    if (name == NULL)
        return conf_error(c, path, "a custom object needs a \"name\"");
    if (!api_name_ok(name, "__c"))
        return conf_error(c, conf_join(p, sizeof(p), path, "name"),
                          "\"%s\": a custom object's API name is a letter, "
                          "then at most %d letters, digits and single "
                          "underscores, then __c",
                          name, API_NAME_MAX - 1);
    if (org_object_find(o, name) != NULL)
        return conf_error(c, conf_join(p, sizeof(p), path, "name"),
                          "custom object %s is declared twice", name);
    if ((label != NULL && strlen(label) > LABEL_MAX) ||
        (plural != NULL && strlen(plural) > LABEL_MAX))
        return conf_error(c, path, "a label is longer than %d characters",
                          LABEL_MAX);
    co->name = xstrdup(name);
    co->label = label != NULL
                    ? xstrdup(label)
                    : xasprintf("%.*s", (int)(strlen(name) - 3), name);
    co->label_plural =
        plural != NULL ? xstrdup(plural) : xasprintf("%ss", co->label);
    co->description = descr != NULL ? xstrdup(descr) : NULL;
    if (load_prefix(c, obj, path, o, at) == -1 ||
        load_name_field(c, obj, path, co) == -1 ||
        load_fields(c, obj, path, co) == -1 ||
        load_record_types(c, obj, path, co, rt_serial) == -1)
        return -1;
    return 0;
}

/* --- references, once everything is loaded ---------------------------- */

struct refcheck {
    struct conf *c;
    const struct org *o;
};

/* A field's target by its canonical name; -1 with the error at path. */
static int
check_target(struct refcheck *k, struct org_field *of, const char *path)
{
    char canon[SCHEMA_NAME_MAX], p[CONF_PATH_MAX];
    const struct org_object *co;

    if ((co = org_object_find(k->o, of->reference_to)) != NULL)
        snprintf(canon, sizeof(canon), "%s", co->name);
    else if (!objects_standard(of->reference_to, canon, sizeof(canon)))
        return conf_error(k->c, conf_join(p, sizeof(p), path, "reference_to"),
                          "\"%s\" is not an object of the org",
                          of->reference_to);
    free(of->reference_to);
    of->reference_to = xstrdup(canon);
    return 0;
}

/* Each child relationship name once per parent object. */
static int
check_unique(struct refcheck *k, const struct org_field *all[], size_t n,
             const char *path)
{
    const struct org_field *of = all[n];
    size_t i;

    if (of->relationship_name == NULL)
        return 0;
    for (i = 0; i < n; i++)
        if (all[i]->relationship_name != NULL &&
            strcasecmp(all[i]->reference_to, of->reference_to) == 0 &&
            strcasecmp(all[i]->relationship_name, of->relationship_name) == 0)
            return conf_error(k->c, path,
                              "%s already has a child relationship named "
                              "%s__r",
                              of->reference_to, of->relationship_name);
    return 0;
}

static int
check_field(struct refcheck *k, struct org_field *of, const char *path,
            const struct org_field ***seen, size_t *nseen)
{
    if (of->reference_to == NULL)
        return 0;
    if (check_target(k, of, path) == -1)
        return -1;
    *seen = xreallocarray(*seen, *nseen + 1, sizeof(**seen));
    (*seen)[*nseen] = of;
    return check_unique(k, *seen, (*nseen)++, path);
}

static int
check_references(struct conf *c, struct org *o)
{
    struct refcheck k = {c, o};
    const struct org_field **seen = NULL;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX], r[CONF_PATH_MAX];
    size_t i, f, nseen = 0;
    int rc = -1;

    for (i = 0; i < o->ncustom_objects; i++) {
        conf_index(p, sizeof(p), "custom_objects", i);
        for (f = 0; f < o->custom_objects[i].nfields; f++)
            if (check_field(&k, &o->custom_objects[i].fields[f],
                            conf_index(r, sizeof(r),
                                       conf_join(q, sizeof(q), p, "fields"), f),
                            &seen, &nseen) == -1)
                goto out;
    }
    for (i = 0; i < o->ncustom_fields; i++)
        if (check_field(&k, &o->custom_fields[i],
                        conf_index(p, sizeof(p), "custom_fields", i), &seen,
                        &nseen) == -1)
            goto out;
    rc = 0;
out:
    free(seen);
    return rc;
}

int
org_objects_load(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr = NULL;
    char p[CONF_PATH_MAX];
    size_t i, rt_serial = 0;

    if (conf_array(c, root, "", "custom_objects", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    if (json_array_size(arr) > OBJECTS_MAX)
        return conf_error(c, "custom_objects", "more than %d custom objects",
                          OBJECTS_MAX);
    o->custom_objects =
        xcalloc(json_array_size(arr) + 1, sizeof(*o->custom_objects));
    for (i = 0; i < json_array_size(arr); i++) {
        conf_index(p, sizeof(p), "custom_objects", i);
        o->ncustom_objects = i + 1;
        if (load_object(c, json_array_get(arr, i), p, o, i, &rt_serial) == -1)
            return -1;
    }
    return 0;
}

int
org_objects_check(struct conf *c, struct org *o)
{
    return check_references(c, o);
}

void
org_objects_free(struct org *o)
{
    size_t i, k;

    for (i = 0; i < o->ncustom_objects; i++) {
        struct org_object *co = &o->custom_objects[i];

        free(co->name);
        free(co->label);
        free(co->label_plural);
        free(co->name_label);
        free(co->display_format);
        free(co->description);
        for (k = 0; k < co->nfields; k++)
            org_field_free(&co->fields[k]);
        free(co->fields);
        for (k = 0; k < co->nrecord_types; k++) {
            free(co->record_types[k].developer_name);
            free(co->record_types[k].label);
        }
        free(co->record_types);
    }
    free(o->custom_objects);
}

static json_t *
object_json(const struct org_object *co)
{
    json_t *fields = json_array(), *rts = json_array(), *nf, *f;
    size_t i;

    nf = json_pack("{s:s, s:s}", "label", co->name_label, "type",
                   co->autonumber ? "auto_number" : "text");
    if (co->autonumber) {
        json_object_set_new(nf, "display_format",
                            json_string(co->display_format));
        json_object_set_new(nf, "starting_number",
                            json_integer(co->starting_number));
    }
    for (i = 0; i < co->nfields; i++) {
        f = org_field_json(&co->fields[i]);
        json_object_del(f, "object");
        json_array_append_new(fields, f);
    }
    for (i = 0; i < co->nrecord_types; i++)
        json_array_append_new(
            rts, json_pack("{s:s, s:s, s:b, s:b}", "developer_name",
                           co->record_types[i].developer_name, "label",
                           co->record_types[i].label, "default",
                           co->record_types[i].is_default, "active",
                           co->record_types[i].active));
    f = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "name", co->name,
                  "label", co->label, "plural_label", co->label_plural,
                  "key_prefix", co->prefix, "name_field", nf, "fields", fields,
                  "record_types", rts);
    if (co->description != NULL)
        json_object_set_new(f, "description", json_string(co->description));
    return f;
}

void
org_objects_json(const struct org *o, json_t *out)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < o->ncustom_objects; i++)
        json_array_append_new(arr, object_json(&o->custom_objects[i]));
    json_object_set_new(out, "custom_objects", arr);
}
