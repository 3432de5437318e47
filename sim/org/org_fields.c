/*
 * org_fields.c - the org's custom fields ("custom_fields", see
 * org_private.h): reading them strictly, freeing them, writing them back.
 *
 *   "custom_fields": [{"object": "Lead", "name": "case_type__c",
 *       "type": "picklist", "id": "00N000000000001",
 *       "values": ["Auto Accident", "Slip and Fall"], "restricted": true}]
 *
 * Besides the plain types, a field may be a lookup ("type": "lookup",
 * "reference_to": "Account", checked by org_objects.c), a formula field
 * ("formula": "...", computed when a rule reads it, never written), a Person
 * Account field of Account (a name ending in __pc) or a User field (object
 * "User": what $User.X__c reads in formulas). org_objects.c loads the fields of
 * custom objects with the same org_field_load().
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "org_private.h"
#include "xmalloc.h"

/* Longest text field (Long Text Area, in characters). */
#define FIELD_LENGTH_MAX 131072

static const char *const field_objects[] = {"Lead", "Contact", "Account",
                                            "User", NULL};

/*
 * Standard fields an org has only with a feature turned on (multiple
 * currencies, local names, state and country picklists, middle names):
 * the org file may declare them like custom fields, with their own type.
 */
static const struct org_optional_field optional_fields[] = {
    {NULL, "CurrencyIsoCode", FT_PICKLIST},
    {"Account", "NameLocal", FT_STRING},
    {NULL, "FirstNameLocal", FT_STRING},
    {NULL, "LastNameLocal", FT_STRING},
    {NULL, "MiddleName", FT_STRING},
    {NULL, "Suffix", FT_STRING},
    {"Lead", "CountryCode", FT_PICKLIST},
    {"Lead", "StateCode", FT_PICKLIST},
    {"Account", "BillingCountryCode", FT_PICKLIST},
    {"Account", "BillingStateCode", FT_PICKLIST},
    {"Account", "ShippingCountryCode", FT_PICKLIST},
    {"Account", "ShippingStateCode", FT_PICKLIST},
    {"Account", "PersonMailingCountryCode", FT_PICKLIST},
    {"Account", "PersonMailingStateCode", FT_PICKLIST},
    {"Contact", "MailingCountryCode", FT_PICKLIST},
    {"Contact", "MailingStateCode", FT_PICKLIST},
    {"Contact", "OtherCountryCode", FT_PICKLIST},
    {"Contact", "OtherStateCode", FT_PICKLIST},
    {NULL, NULL, FT_UNKNOWN},
};

const struct org_optional_field *
org_optional_field(const char *object, const char *name)
{
    const struct org_optional_field *f;

    for (f = optional_fields; f->name != NULL; f++)
        if (strcasecmp(f->name, name) == 0 &&
            (f->object == NULL ? strcasecmp(object, "User") != 0
                               : strcasecmp(f->object, object) == 0))
            return f;
    return NULL;
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static int
ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);

    return n > k && strcasecmp(s + n - k, tail) == 0;
}

/* -1 (located at the repeat) when a picklist value is given twice: a
 * picklist's values are its keys. */
static int
unique_values(struct conf *c, char **values, const char *path)
{
    char p[CONF_PATH_MAX];
    size_t i, j;

    for (i = 0; values != NULL && values[i] != NULL; i++)
        for (j = 0; j < i; j++)
            if (strcmp(values[j], values[i]) == 0)
                return conf_error(c, conf_index(p, sizeof(p), path, i),
                                  "duplicate value \"%s\" (index %zu has it)",
                                  values[i], j);
    return 0;
}

static int
load_field_values(struct conf *c, json_t *f, const char *path,
                  struct org_field *of)
{
    json_t *values = NULL;
    char p[CONF_PATH_MAX];
    int is_pick = of->type == FT_PICKLIST || of->type == FT_MULTIPICKLIST;

    if (conf_array(c, f, path, "values", &values) == -1)
        return -1;
    if (values == NULL && is_pick)
        return conf_error(c, path, "a %s field needs \"values\"",
                          fieldtype_describe_name(of->type));
    if (values != NULL && !is_pick)
        return conf_error(c, conf_join(p, sizeof(p), path, "values"),
                          "only picklist fields have values");
    if (values != NULL &&
        org_strings_read(c, values, conf_join(p, sizeof(p), path, "values"),
                         &of->values) == -1)
        return -1;
    return unique_values(c, of->values, p);
}

/* Default text length per type when the file gives none. */
static int
default_length(enum fieldtype t)
{
    switch (t) {
    case FT_STRING:
    case FT_PICKLIST:
    case FT_URL: return 255;
    case FT_EMAIL: return 80;
    case FT_PHONE: return 40;
    case FT_TEXTAREA: return 255;
    case FT_MULTIPICKLIST: return 4099;
    case FT_REFERENCE: return 18;
    default: return 0;
    }
}

/* The object of a root custom field: one of field_objects or a custom
 * object of o. */
static int
check_object(struct conf *c, const char *path, const struct org *o,
             const char *object)
{
    char p[CONF_PATH_MAX];
    size_t i;

    for (i = 0; field_objects[i] != NULL; i++)
        if (strcasecmp(object, field_objects[i]) == 0)
            return 0;
    if (org_object_find(o, object) != NULL)
        return 0;
    return conf_error(c, conf_join(p, sizeof(p), path, "object"),
                      "\"%s\" is not one of: Lead, Contact, Account, User, "
                      "or a custom object of the file",
                      object);
}

/* The name of a field: __c everywhere, __pc on Account, an optional
 * standard field's name on a standard object (owner NULL). */
static int
check_name(struct conf *c, const char *path, const char *owner,
           const char *object, const char *name)
{
    char p[CONF_PATH_MAX];

    if (owner == NULL &&
        ((ends_with(name, "__pc") && strcasecmp(object, "Account") == 0) ||
         org_optional_field(object, name) != NULL))
        return 0;
    if (!ends_with(name, "__c"))
        return conf_error(c, conf_join(p, sizeof(p), path, "name"),
                          "\"%s\": custom field API names end in __c "
                          "(__pc for Person Account fields of Account)",
                          name);
    return 0;
}

/* What a formula field may not have: it is computed, never written. */
static int
check_formula(struct conf *c, json_t *f, const char *path,
              const struct org_field *of)
{
    static const char *const no[] = {"required",   "unique",  "external_id",
                                     "restricted", "default", "values",
                                     NULL};
    char p[CONF_PATH_MAX];
    size_t i;

    if (of->type == FT_PICKLIST || of->type == FT_MULTIPICKLIST ||
        of->type == FT_REFERENCE)
        return conf_error(c, conf_join(p, sizeof(p), path, "type"),
                          "a formula field cannot be a %s",
                          fieldtype_config_name(of->type));
    for (i = 0; no[i] != NULL; i++)
        if (json_object_get(f, no[i]) != NULL)
            return conf_error(c, conf_join(p, sizeof(p), path, no[i]),
                              "a formula field has no \"%s\"", no[i]);
    return 0;
}

/* "lookup" and "master_detail" are references with a target; the other
 * type names are fieldtype.h's. */
static int
load_field_type(struct conf *c, json_t *f, const char *path, const char *owner,
                const char *type, struct org_field *of)
{
    char p[CONF_PATH_MAX];

    if (strcmp(type, "lookup") == 0 ||
        (owner != NULL && strcmp(type, "master_detail") == 0)) {
        of->type = FT_REFERENCE;
        return org_objects_reference(c, f, path, type, of);
    }
    if ((of->type = fieldtype_from_config(type)) == FT_UNKNOWN ||
        of->type == FT_ID || of->type == FT_REFERENCE)
        return conf_error(c, conf_join(p, sizeof(p), path, "type"),
                          "\"%s\" is not one of: text, textarea, email, "
                          "phone, url, picklist, multipicklist, checkbox, "
                          "number, int, currency, percent, date, datetime, "
                          "lookup%s",
                          type, owner != NULL ? ", master_detail" : "");
    if (json_object_get(f, "reference_to") != NULL ||
        json_object_get(f, "relationship_name") != NULL)
        return conf_error(c, path,
                          "only lookup and master_detail fields have "
                          "\"reference_to\" and \"relationship_name\"");
    return 0;
}

int
org_field_load(struct conf *c, json_t *f, const char *path, const char *owner,
               struct org_field *of)
{
    static const char *const keys[] = {"object",
                                       "name",
                                       "label",
                                       "type",
                                       "id",
                                       "length",
                                       "precision",
                                       "scale",
                                       "required",
                                       "unique",
                                       "external_id",
                                       "restricted",
                                       "default",
                                       "values",
                                       "reference_to",
                                       "relationship_name",
                                       "formula",
                                       "description",
                                       NULL};
    const char *object, *name, *label, *type, *dflt, *formula, *descr;
    char p[CONF_PATH_MAX], id[SFID_LEN15 + 1];
    int64_t length, precision, scale;
    int required, unique, ext, restricted;

    if (!json_is_object(f))
        return conf_error(c, path, "must be an object");
    if (owner != NULL && json_object_get(f, "object") != NULL)
        return conf_error(c, conf_join(p, sizeof(p), path, "object"),
                          "a field of a custom object names no object");
    if (conf_check_keys(c, f, path, keys) == -1 ||
        conf_string(c, f, path, "object", owner != NULL ? owner : "Lead",
                    &object) == -1 ||
        conf_string(c, f, path, "name", NULL, &name) == -1 ||
        conf_string(c, f, path, "label", NULL, &label) == -1 ||
        conf_string(c, f, path, "type", "text", &type) == -1 ||
        org_read_id(c, f, path, "id", "00N", NULL, id) == -1 ||
        conf_int(c, f, path, "length", 1, FIELD_LENGTH_MAX, 0, &length) == -1 ||
        conf_int(c, f, path, "precision", 1, 18, 18, &precision) == -1 ||
        conf_int(c, f, path, "scale", 0, 17, 0, &scale) == -1 ||
        conf_bool(c, f, path, "required", 0, &required) == -1 ||
        conf_bool(c, f, path, "unique", 0, &unique) == -1 ||
        conf_bool(c, f, path, "external_id", 0, &ext) == -1 ||
        conf_bool(c, f, path, "restricted", 0, &restricted) == -1 ||
        conf_string(c, f, path, "default", NULL, &dflt) == -1 ||
        conf_string(c, f, path, "formula", NULL, &formula) == -1 ||
        conf_string(c, f, path, "description", NULL, &descr) == -1)
        return -1;
    if (name == NULL)
        return conf_error(c, path, "a custom field needs a \"name\"");
    if (check_name(c, path, owner, object, name) == -1 ||
        load_field_type(c, f, path, owner, type, of) == -1)
        return -1;
    if (owner == NULL && org_optional_field(object, name) != NULL &&
        org_optional_field(object, name)->type != of->type)
        return conf_error(
            c, conf_join(p, sizeof(p), path, "type"), "%s is a %s field", name,
            fieldtype_config_name(org_optional_field(object, name)->type));
    if (formula != NULL && *formula == '\0')
        return conf_error(c, conf_join(p, sizeof(p), path, "formula"),
                          "must not be empty");
    if (formula != NULL && check_formula(c, f, path, of) == -1)
        return -1;
    of->object = xstrdup(object);
    of->name = xstrdup(name);
    of->label = xstrdup(label != NULL ? label : name);
    of->id = id[0] != '\0' ? xstrdup(id) : NULL;
    of->length = length ? (int)length : default_length(of->type);
    of->precision = (int)precision;
    of->scale = (int)scale;
    of->flags |= (required ? FIELD_REQUIRED : 0) | (unique ? FIELD_UNIQUE : 0) |
                 (ext ? FIELD_EXTERNAL_ID : 0) |
                 (restricted ? FIELD_RESTRICTED : 0) |
                 (formula != NULL ? FIELD_READONLY : 0) |
                 (ends_with(name, "__pc") ? FIELD_PERSON : 0);
    of->default_value = dup_or_null(dflt);
    of->formula = dup_or_null(formula);
    of->description = dup_or_null(descr);
    return load_field_values(c, f, path, of);
}

int
org_fields_load(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr = NULL;
    char p[CONF_PATH_MAX];
    size_t i, j;

    if (conf_array(c, root, "", "custom_fields", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    if (json_array_size(arr) > ORG_MAX_ITEMS)
        return conf_error(c, "custom_fields", "more than %d fields",
                          ORG_MAX_ITEMS);
    o->custom_fields =
        xcalloc(json_array_size(arr) + 1, sizeof(*o->custom_fields));
    for (i = 0; i < json_array_size(arr); i++) {
        struct org_field *of = &o->custom_fields[i];

        conf_index(p, sizeof(p), "custom_fields", i);
        o->ncustom_fields = i + 1;
        if (org_field_load(c, json_array_get(arr, i), p, NULL, of) == -1 ||
            check_object(c, p, o, of->object) == -1)
            return -1;
        for (j = 0; j < i; j++) {
            struct org_field *prev = &o->custom_fields[j];

            if (strcasecmp(prev->object, of->object) == 0 &&
                strcasecmp(prev->name, of->name) == 0)
                return conf_error(c, p, "duplicate field %s.%s", of->object,
                                  of->name);
            if (prev->id != NULL && of->id != NULL &&
                strcmp(prev->id, of->id) == 0)
                return conf_error(c, p, "duplicate field id %s", of->id);
        }
    }
    return 0;
}

void
org_field_free(struct org_field *f)
{
    free(f->object);
    free(f->name);
    free(f->label);
    free(f->id);
    free(f->default_value);
    org_strings_free(f->values);
    free(f->reference_to);
    free(f->relationship_name);
    free(f->formula);
    free(f->description);
}

void
org_fields_free(struct org *o)
{
    size_t i;

    for (i = 0; i < o->ncustom_fields; i++)
        org_field_free(&o->custom_fields[i]);
    free(o->custom_fields);
    o->custom_fields = NULL;
    o->ncustom_fields = 0;
}

static void
set_string(json_t *j, const char *key, const char *value)
{
    if (value != NULL)
        json_object_set_new(j, key, json_string(value));
}

json_t *
org_field_json(const struct org_field *f)
{
    int computed = f->formula != NULL;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I}", "object", f->object,
                          "name", f->name, "label", f->label, "type",
                          fieldtype_config_name(f->type), "length",
                          (json_int_t)f->length);

    if (f->length == 0) /* no length for its type: the loader refuses 0 */
        json_object_del(j, "length");
    if (!computed) {
        json_object_set_new(j, "required",
                            json_boolean(f->flags & FIELD_REQUIRED));
        json_object_set_new(j, "unique", json_boolean(f->flags & FIELD_UNIQUE));
        json_object_set_new(j, "external_id",
                            json_boolean(f->flags & FIELD_EXTERNAL_ID));
    }
    set_string(j, "id", f->id);
    if (FIELDTYPE_IS_NUMBER(f->type)) {
        json_object_set_new(j, "precision", json_integer(f->precision));
        json_object_set_new(j, "scale", json_integer(f->scale));
    }
    if (f->values != NULL) {
        json_object_set_new(j, "values", org_strings_json(f->values));
        json_object_set_new(j, "restricted",
                            json_boolean(f->flags & FIELD_RESTRICTED));
    }
    set_string(j, "default", f->default_value);
    if (f->reference_to != NULL) {
        json_object_set_new(j, "type",
                            json_string(f->flags & FIELD_MASTER_DETAIL
                                            ? "master_detail"
                                            : "lookup"));
        json_object_set_new(j, "reference_to", json_string(f->reference_to));
        set_string(j, "relationship_name", f->relationship_name);
    }
    set_string(j, "formula", f->formula);
    set_string(j, "description", f->description);
    return j;
}

json_t *
org_fields_json(const struct org *o)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < o->ncustom_fields; i++)
        json_array_append_new(arr, org_field_json(&o->custom_fields[i]));
    return arr;
}

const struct org_field *
org_field_find(const struct org *o, const char *object, const char *name)
{
    size_t i;

    const struct org_object *co;

    for (i = 0; i < o->ncustom_fields; i++)
        if (strcasecmp(o->custom_fields[i].object, object) == 0 &&
            strcasecmp(o->custom_fields[i].name, name) == 0)
            return &o->custom_fields[i];
    if ((co = org_object_find(o, object)) == NULL)
        return NULL;
    for (i = 0; i < co->nfields; i++)
        if (co->fields[i].name != NULL && /* one being loaded */
            strcasecmp(co->fields[i].name, name) == 0)
            return &co->fields[i];
    return NULL;
}
