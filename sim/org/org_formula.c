/*
 * org_formula.c - what formulas read beyond the record (see
 * org_private.h): record types, hierarchy custom settings, custom
 * permissions, custom labels and custom metadata records. The users'
 * profiles, roles, permissions and fields are org.c's ("users").
 *
 *   "record_types": [{"object": "Lead", "name": "Partner",
 *       "label": "Partner Lead", "id": "012000000000ABC"}]
 *   "custom_settings": [{"name": "Bypass__c",
 *       "fields": [{"name": "Skip_Rules__c", "type": "checkbox"}],
 *       "values": {"Skip_Rules__c": false},
 *       "profiles": {"Integration": {"Skip_Rules__c": true}},
 *       "users": {"etl@acme.test": {"Skip_Rules__c": true}}}]
 *   "custom_permissions": ["Bypass_Validation"]
 *   "labels": [{"name": "Admin_Profile", "value": "System Administrator"}]
 *   "custom_metadata": [{"type": "Toggle__mdt", "record": "Lead",
 *       "values": {"Skip_Users__c": "etl@acme.test"}}]
 *
 * Values are JSON strings, numbers, booleans or null, as the field's type
 * reads them (rules_ref.c converts them).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "org_private.h"
#include "xmalloc.h"

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

/* --- record_types --------------------------------------------------------- */

static int
load_record_type(struct conf *c, json_t *j, const char *path,
                 struct org_record_type *rt)
{
    static const char *const keys[] = {"object", "name",        "label", "id",
                                       "active", "description", NULL};
    const char *object, *name, *label, *descr;
    char dflt[SFID_LEN15 + 1], key[512];

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        org_need_string(c, j, path, "object", &object) == -1 ||
        org_need_string(c, j, path, "name", &name) == -1 ||
        conf_string(c, j, path, "label", NULL, &label) == -1 ||
        conf_bool(c, j, path, "active", 1, &rt->active) == -1 ||
        conf_string(c, j, path, "description", NULL, &descr) == -1)
        return -1;
    snprintf(key, sizeof(key), "%s.%s", object, name);
    org_derived_id("012", key, dflt);
    if (org_read_id(c, j, path, "id", "012", dflt, rt->id) == -1)
        return -1;
    rt->object = xstrdup(object);
    rt->developer_name = xstrdup(name);
    rt->label = xstrdup(label != NULL ? label : name);
    rt->description = dup_or_null(descr);
    return 0;
}

static int
load_record_types(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr;
    char p[CONF_PATH_MAX];
    size_t i, k;

    if (org_section(c, root, "record_types", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    o->record_types =
        xcalloc(json_array_size(arr) + 1, sizeof(*o->record_types));
    for (i = 0; i < json_array_size(arr); i++) {
        struct org_record_type *rt = &o->record_types[i];

        conf_index(p, sizeof(p), "record_types", i);
        o->nrecord_types = i + 1;
        if (load_record_type(c, json_array_get(arr, i), p, rt) == -1)
            return -1;
        for (k = 0; k < i; k++)
            if (strcmp(o->record_types[k].id, rt->id) == 0 ||
                (strcasecmp(o->record_types[k].object, rt->object) == 0 &&
                 strcasecmp(o->record_types[k].developer_name,
                            rt->developer_name) == 0))
                return conf_error(c, p, "duplicate record type %s.%s (%s)",
                                  rt->object, rt->developer_name, rt->id);
    }
    return 0;
}

/* --- values of settings and metadata -------------------------------------- */

/* A {"Field": value} object whose values are scalars; names, when given,
 * are the fields it may set. */
static int
check_values(struct conf *c, json_t *obj, const char *path,
             const struct org_field *fields, size_t nfields)
{
    char p[CONF_PATH_MAX];
    const char *key;
    json_t *v;
    size_t k;

    if (!json_is_object(obj))
        return conf_error(c, path, "must be an object");
    json_object_foreach(obj, key, v) {
        conf_join(p, sizeof(p), path, key);
        if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v) &&
            !json_is_null(v))
            return conf_error(c, p,
                              "must be a string, number, boolean or "
                              "null");
        for (k = 0; fields != NULL && k < nfields; k++)
            if (strcasecmp(fields[k].name, key) == 0)
                break;
        if (fields != NULL && k == nfields)
            return conf_error(c, p, "is not a field of the setting");
    }
    return 0;
}

/* A {"name": {"Field": value}} object (per profile, per user). */
static int
check_value_sets(struct conf *c, json_t *obj, const char *path,
                 const struct org_setting *s)
{
    char p[CONF_PATH_MAX];
    const char *key;
    json_t *v;

    if (!json_is_object(obj))
        return conf_error(c, path, "must be an object");
    json_object_foreach(obj, key, v) {
        if (check_values(c, v, conf_join(p, sizeof(p), path, key), s->fields,
                         s->nfields) == -1)
            return -1;
    }
    return 0;
}

/* --- custom_settings ------------------------------------------------------ */

static int
load_setting_field(struct conf *c, json_t *j, const char *path,
                   const char *setting, struct org_field *f)
{
    static const char *const keys[] = {"name", "type", "label", NULL};
    const char *name, *type, *label;
    char p[CONF_PATH_MAX];

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        org_need_string(c, j, path, "name", &name) == -1 ||
        conf_string(c, j, path, "type", "text", &type) == -1 ||
        conf_string(c, j, path, "label", NULL, &label) == -1)
        return -1;
    f->type = fieldtype_from_config(type);
    if (f->type == FT_UNKNOWN || f->type == FT_ID || f->type == FT_PICKLIST ||
        f->type == FT_MULTIPICKLIST)
        return conf_error(c, conf_join(p, sizeof(p), path, "type"),
                          "\"%s\" is not one of: text, textarea, email, "
                          "phone, url, checkbox, number, int, currency, "
                          "percent, date, datetime, reference",
                          type);
    f->object = xstrdup(setting);
    f->name = xstrdup(name);
    f->label = xstrdup(label != NULL ? label : name);
    return 0;
}

static int
load_setting(struct conf *c, json_t *j, const char *path, struct org_setting *s)
{
    static const char *const keys[] = {"name",     "fields", "values",
                                       "profiles", "users",  NULL};
    json_t *fields = NULL, *values = NULL, *profiles = NULL, *users = NULL;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    const char *name;
    size_t i;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        org_need_string(c, j, path, "name", &name) == -1 ||
        conf_array(c, j, path, "fields", &fields) == -1 ||
        conf_object(c, j, path, "values", &values) == -1 ||
        conf_object(c, j, path, "profiles", &profiles) == -1 ||
        conf_object(c, j, path, "users", &users) == -1)
        return -1;
    s->name = xstrdup(name);
    conf_join(p, sizeof(p), path, "fields");
    if (json_array_size(fields) > ORG_MAX_ITEMS)
        return conf_error(c, p, "more than %d fields", ORG_MAX_ITEMS);
    s->fields = xcalloc(json_array_size(fields) + 1, sizeof(*s->fields));
    for (i = 0; i < json_array_size(fields); i++) {
        s->nfields = i + 1;
        if (load_setting_field(c, json_array_get(fields, i),
                               conf_index(q, sizeof(q), p, i), name,
                               &s->fields[i]) == -1)
            return -1;
    }
    s->values = values != NULL ? json_deep_copy(values) : json_object();
    s->profiles = profiles != NULL ? json_deep_copy(profiles) : json_object();
    s->users = users != NULL ? json_deep_copy(users) : json_object();
    return check_values(c, s->values, conf_join(q, sizeof(q), path, "values"),
                        s->fields, s->nfields) == -1 ||
                   check_value_sets(c, s->profiles,
                                    conf_join(q, sizeof(q), path, "profiles"),
                                    s) == -1 ||
                   check_value_sets(c, s->users,
                                    conf_join(q, sizeof(q), path, "users"),
                                    s) == -1
               ? -1
               : 0;
}

static int
load_settings(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr;
    char p[CONF_PATH_MAX];
    size_t i, k;

    if (org_section(c, root, "custom_settings", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    o->settings = xcalloc(json_array_size(arr) + 1, sizeof(*o->settings));
    for (i = 0; i < json_array_size(arr); i++) {
        conf_index(p, sizeof(p), "custom_settings", i);
        o->nsettings = i + 1;
        if (load_setting(c, json_array_get(arr, i), p, &o->settings[i]) == -1)
            return -1;
        for (k = 0; k < i; k++)
            if (strcasecmp(o->settings[k].name, o->settings[i].name) == 0)
                return conf_error(c, p, "duplicate custom setting %s",
                                  o->settings[i].name);
    }
    return 0;
}

/* --- labels --------------------------------------------------------------- */

static int
load_labels(struct conf *c, json_t *root, struct org *o)
{
    static const char *const keys[] = {"name", "value", NULL};
    json_t *arr, *j;
    char p[CONF_PATH_MAX];
    const char *name, *value;
    size_t i, k;

    if (org_section(c, root, "labels", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    o->labels = xcalloc(json_array_size(arr) + 1, sizeof(*o->labels));
    for (i = 0; i < json_array_size(arr); i++) {
        j = json_array_get(arr, i);
        conf_index(p, sizeof(p), "labels", i);
        if (!json_is_object(j))
            return conf_error(c, p, "must be an object");
        if (conf_check_keys(c, j, p, keys) == -1 ||
            org_need_string(c, j, p, "name", &name) == -1 ||
            conf_string(c, j, p, "value", "", &value) == -1)
            return -1;
        for (k = 0; k < i; k++)
            if (strcasecmp(o->labels[k].name, name) == 0)
                return conf_error(c, p, "duplicate label %s", name);
        o->labels[i].name = xstrdup(name);
        o->labels[i].value = xstrdup(value);
        o->nlabels = i + 1;
    }
    return 0;
}

/* --- custom_metadata ------------------------------------------------------ */

static int
load_cmdt(struct conf *c, json_t *j, const char *path, struct org_cmdt *m)
{
    static const char *const keys[] = {"type", "record", "values", "types",
                                       NULL};
    json_t *values = NULL, *types = NULL, *v;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    const char *type, *record, *key;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        org_need_string(c, j, path, "type", &type) == -1 ||
        org_need_string(c, j, path, "record", &record) == -1 ||
        conf_object(c, j, path, "values", &values) == -1 ||
        conf_object(c, j, path, "types", &types) == -1)
        return -1;
    m->type = xstrdup(type);
    m->record = xstrdup(record);
    m->values = values != NULL ? json_deep_copy(values) : json_object();
    m->types = types != NULL ? json_deep_copy(types) : NULL;
    if (check_values(c, m->values, conf_join(p, sizeof(p), path, "values"),
                     NULL, 0) == -1)
        return -1;
    conf_join(p, sizeof(p), path, "types");
    json_object_foreach(m->types, key, v) {
        enum fieldtype t = json_is_string(v)
                               ? fieldtype_from_config(json_string_value(v))
                               : FT_UNKNOWN;

        if (t == FT_UNKNOWN || t == FT_ID)
            return conf_error(c, conf_join(q, sizeof(q), p, key),
                              "is not a field type (text, checkbox, number, "
                              "date, datetime, ...)");
    }
    return 0;
}

static int
load_cmdts(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr;
    char p[CONF_PATH_MAX];
    size_t i, k;

    if (org_section(c, root, "custom_metadata", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    o->cmdt = xcalloc(json_array_size(arr) + 1, sizeof(*o->cmdt));
    for (i = 0; i < json_array_size(arr); i++) {
        struct org_cmdt *m = &o->cmdt[i];

        conf_index(p, sizeof(p), "custom_metadata", i);
        o->ncmdt = i + 1;
        if (load_cmdt(c, json_array_get(arr, i), p, m) == -1)
            return -1;
        for (k = 0; k < i; k++)
            if (strcasecmp(o->cmdt[k].type, m->type) == 0 &&
                strcasecmp(o->cmdt[k].record, m->record) == 0)
                return conf_error(c, p, "duplicate record %s.%s", m->type,
                                  m->record);
    }
    return 0;
}

/* --- the section as a whole ----------------------------------------------- */

int
org_formula_load(struct conf *c, json_t *root, struct org *o)
{
    json_t *perms = NULL;

    if (load_record_types(c, root, o) == -1 ||
        load_settings(c, root, o) == -1 || load_labels(c, root, o) == -1 ||
        load_cmdts(c, root, o) == -1 ||
        conf_array(c, root, "", "custom_permissions", &perms) == -1)
        return -1;
    if (perms != NULL && org_strings_read(c, perms, "custom_permissions",
                                          &o->custom_permissions) == -1)
        return -1;
    return 0;
}

void
org_formula_free(struct org *o)
{
    size_t i, k;

    for (i = 0; i < o->nrecord_types; i++) {
        free(o->record_types[i].object);
        free(o->record_types[i].developer_name);
        free(o->record_types[i].label);
        free(o->record_types[i].description);
    }
    free(o->record_types);
    for (i = 0; i < o->nsettings; i++) {
        struct org_setting *s = &o->settings[i];

        for (k = 0; k < s->nfields; k++)
            org_field_free(&s->fields[k]);
        free(s->fields);
        free(s->name);
        json_decref(s->values);
        json_decref(s->profiles);
        json_decref(s->users);
    }
    free(o->settings);
    for (i = 0; i < o->nlabels; i++) {
        free(o->labels[i].name);
        free(o->labels[i].value);
    }
    free(o->labels);
    for (i = 0; i < o->ncmdt; i++) {
        free(o->cmdt[i].type);
        free(o->cmdt[i].record);
        json_decref(o->cmdt[i].values);
        json_decref(o->cmdt[i].types);
    }
    free(o->cmdt);
    org_strings_free(o->custom_permissions);
    o->record_types = NULL;
    o->settings = NULL;
    o->labels = NULL;
    o->cmdt = NULL;
    o->custom_permissions = NULL;
    o->nrecord_types = o->nsettings = o->nlabels = o->ncmdt = 0;
}

static json_t *
record_types_json(const struct org *o)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < o->nrecord_types; i++) {
        const struct org_record_type *rt = &o->record_types[i];
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b}", "object", rt->object,
                              "name", rt->developer_name, "label", rt->label,
                              "id", rt->id, "active", rt->active);

        if (rt->description != NULL)
            json_object_set_new(j, "description", json_string(rt->description));
        json_array_append_new(arr, j);
    }
    return arr;
}

static json_t *
settings_json(const struct org *o)
{
    json_t *arr = json_array();
    size_t i, k;

    for (i = 0; i < o->nsettings; i++) {
        const struct org_setting *s = &o->settings[i];
        json_t *fields = json_array();

        for (k = 0; k < s->nfields; k++)
            json_array_append_new(
                fields,
                json_pack("{s:s, s:s, s:s}", "name", s->fields[k].name, "type",
                          fieldtype_config_name(s->fields[k].type), "label",
                          s->fields[k].label));
        json_array_append_new(arr,
                              json_pack("{s:s, s:o, s:o, s:o, s:o}", "name",
                                        s->name, "fields", fields, "values",
                                        json_deep_copy(s->values), "profiles",
                                        json_deep_copy(s->profiles), "users",
                                        json_deep_copy(s->users)));
    }
    return arr;
}

static json_t *
labels_json(const struct org *o)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < o->nlabels; i++)
        json_array_append_new(arr,
                              json_pack("{s:s, s:s}", "name", o->labels[i].name,
                                        "value", o->labels[i].value));
    return arr;
}

static json_t *
cmdt_json(const struct org *o)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < o->ncmdt; i++) {
        const struct org_cmdt *m = &o->cmdt[i];
        json_t *j = json_pack("{s:s, s:s, s:o}", "type", m->type, "record",
                              m->record, "values", json_deep_copy(m->values));

        if (m->types != NULL)
            json_object_set_new(j, "types", json_deep_copy(m->types));
        json_array_append_new(arr, j);
    }
    return arr;
}

void
org_formula_json(const struct org *o, json_t *out)
{
    json_object_set_new(out, "record_types", record_types_json(o));
    json_object_set_new(out, "custom_settings", settings_json(o));
    json_object_set_new(out, "custom_permissions",
                        org_strings_json(o->custom_permissions));
    json_object_set_new(out, "labels", labels_json(o));
    json_object_set_new(out, "custom_metadata", cmdt_json(o));
}
