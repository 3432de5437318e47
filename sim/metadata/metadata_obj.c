/*
 * metadata_obj.c - objects, custom fields, validation rules, record types
 * and global value sets, into org JSON entries (see metadata_private.h).
 *
 * A field's Salesforce type maps to one of the org file's (a table);
 * a type the sim does not simulate is reported and the field left out,
 * never guessed at. Custom settings' fields become the settings'
 * fields, custom metadata types' fields tell their records' types, User
 * fields what $User reads. Standard fields, which a retrieve lists only
 * to carry their settings (history tracking), are not read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metadata_private.h"
#include "org.h"
#include "xmalloc.h"

#define KEY_LEN 600

/* Salesforce field types: the org file's type, or why not. */
static const struct {
    const char *md;
    const char *type; /* NULL: not simulated */
    const char *why;
} field_types[] = {
    {"Text", "text", NULL},
    {"TextArea", "textarea", NULL},
    {"LongTextArea", "textarea", NULL},
    {"Html", "textarea", NULL},
    {"EncryptedText", "text", NULL},
    {"Email", "email", NULL},
    {"Phone", "phone", NULL},
    {"Url", "url", NULL},
    {"Picklist", "picklist", NULL},
    {"MultiselectPicklist", "multipicklist", NULL},
    {"Checkbox", "checkbox", NULL},
    {"Number", "number", NULL},
    {"Currency", "currency", NULL},
    {"Percent", "percent", NULL},
    {"Date", "date", NULL},
    {"DateTime", "datetime", NULL},
    {"Lookup", "lookup", NULL},
    {"MasterDetail", "lookup", NULL},
    {"Hierarchy", "lookup", NULL},
    {"Summary", "number", NULL},
    {"AutoNumber", NULL,
     "an auto-number is numbered by the platform, which the sim does not do"},
    {"Time", NULL, "the sim has no time-of-day type"},
    {"Location", NULL, "geolocation fields are not simulated"},
    {"ExternalLookup", NULL, "external objects are not simulated"},
    {"IndirectLookup", NULL, "external objects are not simulated"},
    {"MetadataRelationship", NULL, "metadata relationships are not simulated"},
    {"File", NULL, "file fields are not simulated"},
    {NULL, NULL, NULL},
};

static int
ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);

    return n > k && strcasecmp(s + n - k, tail) == 0;
}

/* The org file's type of Salesforce type md; NULL with *why when the sim
 * does not simulate it. */
static const char *
map_type(const char *md, const char **why)
{
    size_t i;

    *why = "it is not a field type the sim knows";
    for (i = 0; md != NULL && field_types[i].md != NULL; i++)
        if (strcmp(field_types[i].md, md) == 0) {
            *why = field_types[i].why;
            return field_types[i].type;
        }
    return NULL;
}

static void
set_text(json_t *j, const char *key, const char *value)
{
    if (value != NULL && *value != '\0')
        json_object_set_new(j, key, json_string(value));
}

/* A child's text as a number in [lo, hi], or -1. */
static long
md_number(const struct xmlread_node *n, const char *name, long lo, long hi)
{
    const char *t = md_text(n, name);
    char *end;
    long v;

    if (t == NULL || *t == '\0')
        return -1;
    v = strtol(t, &end, 10);
    return *end == '\0' && v >= lo && v <= hi ? v : -1;
}

/* ---- global value sets -----------------------------------------------------
 */

/* Values of a value set's entries (<value>, <customValue> or old
 * <picklistValues>), leaving out inactive ones, with the default. */
static json_t *
read_values(const struct xmlread_node *parent, const char *entry,
            const char **dflt)
{
    json_t *values = json_array();
    const struct xmlread_node *v;
    const char *name;
    size_t i;

    for (i = 0; i < parent->nkids; i++) {
        v = parent->kids[i];
        if (strcmp(v->name, entry) != 0 ||
            (name = md_text(v, "fullName")) == NULL || *name == '\0' ||
            !md_bool(v, "isActive", 1))
            continue;
        json_array_append_new(values, json_string(name));
        if (md_bool(v, "default", 0) && *dflt == NULL)
            *dflt = name;
    }
    return values;
}

void
md_read_value_set(struct md *m, const char *path, const char *name,
                  const struct xmlread_node *root)
{
    const char *dflt = NULL;
    json_t *values = read_values(root, "customValue", &dflt);
    json_t *set = json_pack("{s:o}", "values", values);

    (void)path;
    if (dflt != NULL)
        json_object_set_new(set, "default", json_string(dflt));
    json_object_set_new(m->value_sets, name, set);
}

/* ---- fields -----------------------------------------------------------------
 */

/* A picklist's values: inline (valueSet/valueSetDefinition, or the old
 * picklist/picklistValues) or a global value set by name. */
static void
read_picklist(struct md *m, const char *path, const struct xmlread_node *f,
              json_t *j, const char *what)
{
    const struct xmlread_node *vs = xmlread_child(f, "valueSet");
    const struct xmlread_node *old = xmlread_child(f, "picklist");
    const struct xmlread_node *def;
    const char *dflt = NULL, *gname;
    json_t *values = NULL, *gvs;
    int restricted = 0;

    if (vs != NULL) {
        restricted = md_bool(vs, "restricted", 0);
        if ((def = xmlread_child(vs, "valueSetDefinition")) != NULL)
            values = read_values(def, "value", &dflt);
        else if ((gname = md_text(vs, "valueSetName")) != NULL) {
            if ((gvs = json_object_get(m->value_sets, gname)) != NULL) {
                values = json_deep_copy(json_object_get(gvs, "values"));
                dflt = json_string_value(json_object_get(gvs, "default"));
            } else {
                md_problem_at(m, path, vs,
                              "%s uses the global value set %s, which is not "
                              "in the metadata read: the picklist accepts "
                              "any value",
                              what, gname);
                restricted = 0;
            }
        }
    } else if (old != NULL) {
        restricted = md_bool(old, "restrictedPicklist", 0);
        values = read_values(old, "picklistValues", &dflt);
    }
    json_object_set_new(j, "values", values != NULL ? values : json_array());
    json_object_set_new(j, "restricted", json_boolean(restricted));
    set_text(j, "default", dflt);
}

/* A default value: a formula that is a literal (text in quotes, a number,
 * TRUE or FALSE). Anything else is reported and left out. */
static void
read_default(struct md *m, const char *path, const struct xmlread_node *f,
             json_t *j, const char *what)
{
    const char *d = md_text(f, "defaultValue");
    size_t n;

    if (d == NULL || *d == '\0')
        return;
    n = strlen(d);
    if (n >= 2 && (d[0] == '"' || d[0] == '\'') && d[n - 1] == d[0] &&
        memchr(d + 1, d[0], n - 2) == NULL && memchr(d, '\\', n) == NULL) {
        json_object_set_new(j, "default", json_stringn(d + 1, n - 2));
        return;
    }
    if (strcasecmp(d, "true") == 0 || strcasecmp(d, "false") == 0) {
        json_object_set_new(
            j, "default",
            json_string(strcasecmp(d, "true") == 0 ? "true" : "false"));
        return;
    }
    if (strspn(d, "0123456789.-") == n) {
        json_object_set_new(j, "default", json_string(d));
        return;
    }
    md_problem_at(m, path, xmlread_child(f, "defaultValue"),
                  "%s: its default value is the formula %s, which the sim "
                  "does not compute; the field has no default",
                  what, d);
}

/* Length, precision and scale, as the type has them. */
static void
read_sizes(const struct xmlread_node *f, const char *type, json_t *j)
{
    long v;

    if (strcmp(type, "number") == 0 || strcmp(type, "currency") == 0 ||
        strcmp(type, "percent") == 0) {
        if ((v = md_number(f, "precision", 1, 18)) > 0)
            json_object_set_new(j, "precision", json_integer(v));
        if ((v = md_number(f, "scale", 0, 17)) >= 0)
            json_object_set_new(j, "scale", json_integer(v));
    } else if ((v = md_number(f, "length", 1, 131072)) > 0 &&
               strcmp(type, "checkbox") != 0 && strcmp(type, "date") != 0 &&
               strcmp(type, "datetime") != 0 && strcmp(type, "lookup") != 0) {
        json_object_set_new(j, "length", json_integer(v));
    }
}

/* A roll-up summary counts or sums child records the sim never has: it
 * reads 0, written as a formula. MIN and MAX have no value to give. */
static int
read_summary(struct md *m, const char *path, const struct xmlread_node *f,
             json_t *j, const char *what)
{
    const char *op = md_text(f, "summaryOperation");

    if (op != NULL && (strcmp(op, "count") == 0 || strcmp(op, "sum") == 0)) {
        json_object_set_new(j, "formula", json_string("0"));
        set_text(j, "description",
                 "roll-up summary: the sim has no child records, so 0");
        md_problem_at(m, path, f,
                      "%s: a roll-up %s of child records, which the sim never "
                      "has: it reads 0",
                      what, op);
        return 0;
    }
    md_problem_at(m, path, f,
                  "%s not loaded: a roll-up %s of child records is not "
                  "simulated",
                  what, op != NULL ? op : "summary");
    return -1;
}

/* The flags of a field that is stored (not computed). */
static void
read_flags(const struct xmlread_node *f, const char *mdtype, json_t *j)
{
    json_object_set_new(j, "required",
                        json_boolean(md_bool(f, "required", 0) ||
                                     strcmp(mdtype, "MasterDetail") == 0));
    json_object_set_new(j, "unique", json_boolean(md_bool(f, "unique", 0)));
    json_object_set_new(j, "external_id",
                        json_boolean(md_bool(f, "externalId", 0)));
}

/* A reference's target and child relationship. A custom object's
 * master-detail field is one (the loader makes it required); elsewhere it
 * is a required lookup. */
static void
read_reference(struct md *m, const char *object, const char *mdtype,
               const struct xmlread_node *f, json_t *j)
{
    if (strcmp(mdtype, "MasterDetail") == 0 && md_custom_object(m, object)) {
        json_object_set_new(j, "type", json_string("master_detail"));
        json_object_del(j, "required");
    }
    set_text(j, "reference_to",
             strcmp(mdtype, "Hierarchy") == 0 ? "User"
                                              : md_text(f, "referenceTo"));
    if (strcmp(mdtype, "Hierarchy") != 0)
        set_text(j, "relationship_name", md_text(f, "relationshipName"));
}

/* The org JSON entry of a custom field, or NULL (reported). */
static json_t *
field_entry(struct md *m, const char *path, const char *object,
            const char *name, const struct xmlread_node *f, const char *what)
{
    const char *mdtype = md_text(f, "type"), *why, *type, *formula;
    json_t *j;

    formula = md_text(f, "formula");
    if ((type = map_type(mdtype, &why)) == NULL) {
        md_problem_at(m, path, f, "%s not loaded: type %s: %s", what,
                      mdtype != NULL ? mdtype : "(none)", why);
        return NULL;
    }
    j = json_pack("{s:s, s:s, s:s, s:s}", "object", object, "name", name,
                  "label", md_text(f, "label") ? md_text(f, "label") : name,
                  "type", type);
    set_text(j, "description", md_text(f, "description"));
    read_sizes(f, type, j);
    if (strcmp(mdtype, "Summary") == 0) {
        if (read_summary(m, path, f, j, what) == -1) {
            json_decref(j);
            return NULL;
        }
        return j;
    }
    if (formula != NULL && *formula != '\0') {
        json_object_set_new(j, "formula", json_string(formula));
        md_note_formula(m, object, formula);
        return j;
    }
    read_flags(f, mdtype, j);
    if (strcmp(type, "picklist") == 0 || strcmp(type, "multipicklist") == 0)
        read_picklist(m, path, f, j, what);
    else
        read_default(m, path, f, j, what);
    if (strcmp(type, "lookup") == 0)
        read_reference(m, object, mdtype, f, j);
    return j;
}

/* A field of a hierarchy custom setting: its type, and its default as
 * the org-wide value. */
static void
setting_field(struct md *m, const char *path, json_t *setting, const char *name,
              const struct xmlread_node *f)
{
    const char *why, *type = map_type(md_text(f, "type"), &why);
    json_t *tmp = json_object();
    const char *d;

    if (type == NULL || strcmp(type, "picklist") == 0 ||
        strcmp(type, "multipicklist") == 0) {
        md_problem_at(m, path, f,
                      "custom setting field %s not loaded: type %s is not "
                      "simulated in a custom setting",
                      name, md_text(f, "type") ? md_text(f, "type") : "(none)");
        json_decref(tmp);
        return;
    }
    json_array_append_new(json_object_get(setting, "fields"),
                          json_pack("{s:s, s:s}", "name", name, "type", type));
    read_default(m, path, f, tmp, name);
    if ((d = json_string_value(json_object_get(tmp, "default"))) != NULL)
        json_object_set_new(json_object_get(setting, "values"), name,
                            strcmp(type, "checkbox") == 0
                                ? json_boolean(strcmp(d, "true") == 0)
                                : json_string(d));
    json_decref(tmp);
}

/* A field of a custom metadata type: the type its records' values have. */
static void
cmdt_field(struct md *m, const char *object, const char *name,
           const struct xmlread_node *f)
{
    const char *why, *type = map_type(md_text(f, "type"), &why);
    json_t *fields = json_object_get(m->cmdt_fields, object);

    if (type == NULL)
        return;
    if (fields == NULL) {
        fields = json_object();
        json_object_set_new(m->cmdt_fields, object, fields);
    }
    json_object_set_new(fields, name, json_string(type));
}

/* A standard field that only an org with a feature has (CurrencyIsoCode
 * in a multi-currency org): its file says the org has it. 1 when name is
 * one. */
static int
optional_field(struct md *m, const char *path, const char *object,
               const char *name, const struct xmlread_node *f)
{
    const struct org_optional_field *of = org_optional_field(object, name);
    char key[KEY_LEN], what[KEY_LEN + 32];
    json_t *j;

    if (of == NULL)
        return 0;
    j = json_pack("{s:s, s:s, s:s, s:s}", "object", object, "name", name,
                  "label", md_text(f, "label") ? md_text(f, "label") : name,
                  "type", fieldtype_config_name(of->type));
    if (of->type == FT_PICKLIST) {
        /* Its values (the org's currencies, countries) are the org's
         * settings, not in the metadata: any value is taken. */
        json_object_set_new(j, "values", json_array());
        json_object_set_new(j, "restricted", json_false());
    }
    snprintf(key, sizeof(key), "%s.%s", object, name);
    snprintf(what, sizeof(what), "standard field %s.%s", object, name);
    md_add(m, "custom_fields", j, key, path, f, what);
    return 1;
}

void
md_read_field(struct md *m, const char *path, const char *object,
              const struct xmlread_node *f)
{
    const char *name = md_text(f, "fullName");
    json_t *setting = json_object_get(m->settings, object), *j;
    char what[KEY_LEN + 32], key[KEY_LEN];

    if (name == NULL || *name == '\0') {
        md_problem_at(m, path, f, "a field without <fullName>: not read");
        return;
    }
    if (setting != NULL) {
        setting_field(m, path, setting, name, f);
        return;
    }
    if (ends_with(object, "__mdt")) {
        cmdt_field(m, object, name, f);
        return;
    }
    if (md_data_object(object) && optional_field(m, path, object, name, f))
        return;
    if (md_custom_object(m, object)) {
        /* Its standard fields (Name, OwnerId) are the object's own. */
        if (!ends_with(name, "__c"))
            return;
        snprintf(what, sizeof(what), "custom field %s.%s", object, name);
        snprintf(key, sizeof(key), "%s.%s", object, name);
        if ((j = field_entry(m, path, object, name, f, what)) != NULL)
            md_add(m, "object_fields", j, key, path, f, what);
        return;
    }
    /* Other objects' fields are not the sim's; standard fields carry
     * only their settings (history tracking). */
    if ((!md_data_object(object) && strcasecmp(object, "User") != 0) ||
        (!ends_with(name, "__c") && !ends_with(name, "__pc")))
        return;
    if (ends_with(name, "__pc"))
        m->person_accounts = 1;
    snprintf(what, sizeof(what), "custom field %s.%s", object, name);
    snprintf(key, sizeof(key), "%s.%s", object, name);
    if ((j = field_entry(m, path, object, name, f, what)) != NULL)
        md_add(m, "custom_fields", j, key, path, f, what);
}

void
md_read_vrule(struct md *m, const char *path, const char *object,
              const struct xmlread_node *r)
{
    const char *name = md_text(r, "fullName");
    const char *formula = md_text(r, "errorConditionFormula");
    const char *message = md_text(r, "errorMessage");
    const struct xmlread_node *fe = xmlread_child(r, "errorConditionFormula");
    char what[KEY_LEN + 32], key[KEY_LEN];
    struct md_item *it;
    json_t *j;

    if (name == NULL || *name == '\0') {
        md_problem_at(m, path, r,
                      "a validation rule without <fullName>: "
                      "not read");
        return;
    }
    snprintf(what, sizeof(what), "validation rule %s.%s", object, name);
    snprintf(key, sizeof(key), "%s.%s", object, name);
    if (formula == NULL || *formula == '\0' || message == NULL ||
        *message == '\0') {
        md_problem_at(m, path, r,
                      "%s not loaded: it needs <errorConditionFormula> and "
                      "<errorMessage>",
                      what);
        return;
    }
    md_note_formula(m, object, formula);
    j = json_pack("{s:s, s:s, s:b, s:s, s:s}", "object", object, "name", name,
                  "active", md_bool(r, "active", 1), "formula", formula,
                  "message", message);
    set_text(j, "error_field", md_text(r, "errorDisplayField"));
    set_text(j, "description", md_text(r, "description"));
    it = md_add(m, "validation_rules", j, key, path, r, what);
    /* The formula's text starts right after its start tag. */
    it->fline = fe->line;
    it->fcolumn = fe->column + (int)strlen("<errorConditionFormula>");
}

void
md_read_record_type(struct md *m, const char *path, const char *object,
                    const struct xmlread_node *rt)
{
    const char *name = md_text(rt, "fullName");
    char what[KEY_LEN + 32], key[KEY_LEN];
    json_t *j;

    if (name == NULL || *name == '\0') {
        md_problem_at(m, path, rt,
                      "a record type without <fullName>: not "
                      "read");
        return;
    }
    if (md_custom_object(m, object)) {
        md_read_object_record_type(m, path, object, name, rt);
        return;
    }
    snprintf(what, sizeof(what), "record type %s.%s", object, name);
    snprintf(key, sizeof(key), "%s.%s", object, name);
    j = json_pack("{s:s, s:s, s:s, s:b}", "object", object, "name", name,
                  "label", md_text(rt, "label") ? md_text(rt, "label") : name,
                  "active", md_bool(rt, "active", 1));
    set_text(j, "description", md_text(rt, "description"));
    md_add(m, "record_types", j, key, path, rt, what);
}

void
md_read_object(struct md *m, const char *path, const char *object,
               const struct xmlread_node *root)
{
    const char *cs = md_text(root, "customSettingsType");
    size_t i;
    int records;

    if (cs != NULL && strcmp(cs, "Hierarchy") == 0 &&
        json_object_get(m->settings, object) == NULL)
        json_object_set_new(
            m->settings, object,
            json_pack("{s:[], s:{}, s:s}", "fields", "values", "path", path));
    else if (cs == NULL && ends_with(object, "__c"))
        md_read_custom_object(m, path, object, root);
    else if (cs != NULL && strcmp(cs, "Hierarchy") != 0)
        json_object_set_new(m->list_settings, object, json_true());
    if (strcmp(object, "PersonAccount") == 0)
        m->person_accounts = 1;
    records = md_data_object(object) || md_custom_object(m, object);
    /* The Metadata API's single file holds the components too. */
    for (i = 0; i < root->nkids; i++) {
        const struct xmlread_node *k = root->kids[i];

        if (strcmp(k->name, "fields") == 0)
            md_read_field(m, path, object, k);
        else if (strcmp(k->name, "validationRules") == 0 && records)
            md_read_vrule(m, path, object, k);
        else if (strcmp(k->name, "recordTypes") == 0 && records)
            md_read_record_type(m, path, object, k);
    }
}

/* Optional standard fields (MiddleName, BillingCountryCode) that rules of
 * an object name: the rules could not have been saved without them. */
void
md_named_optional_fields(struct md *m)
{
    static const char *const objects[] = {"Lead", "Contact", "Account", NULL};
    static const char *const names[] = {"CurrencyIsoCode",
                                        "NameLocal",
                                        "FirstNameLocal",
                                        "LastNameLocal",
                                        "MiddleName",
                                        "Suffix",
                                        "CountryCode",
                                        "StateCode",
                                        "BillingCountryCode",
                                        "BillingStateCode",
                                        "ShippingCountryCode",
                                        "ShippingStateCode",
                                        "PersonMailingCountryCode",
                                        "PersonMailingStateCode",
                                        "MailingCountryCode",
                                        "MailingStateCode",
                                        "OtherCountryCode",
                                        "OtherStateCode",
                                        NULL};
    const struct org_optional_field *of;
    char ref[KEY_LEN], key[KEY_LEN], what[KEY_LEN + 48];
    size_t i, k;
    json_t *j;

    for (i = 0; objects[i] != NULL; i++)
        for (k = 0; names[k] != NULL; k++) {
            snprintf(ref, sizeof(ref), "%s/%s", objects[i], names[k]);
            snprintf(key, sizeof(key), "%s.%s", objects[i], names[k]);
            if ((of = org_optional_field(objects[i], names[k])) == NULL ||
                !md_referenced(m, ref) ||
                md_item_exists(m, "custom_fields", key))
                continue;
            j = json_pack("{s:s, s:s, s:s, s:s}", "object", objects[i], "name",
                          names[k], "label", names[k], "type",
                          fieldtype_config_name(of->type));
            if (of->type == FT_PICKLIST) {
                json_object_set_new(j, "values", json_array());
                json_object_set_new(j, "restricted", json_false());
            }
            snprintf(what, sizeof(what), "standard field %s (a rule names it)",
                     key);
            md_add(m, "custom_fields", j, key, ".", NULL, what);
        }
}

/* With Person Accounts, each custom field of Contact is also a field of
 * Account, its name ending in __pc. */
void
md_person_fields(struct md *m)
{
    char name[KEY_LEN], key[KEY_LEN + 16], what[KEY_LEN + 48];
    size_t i, n = m->nitems;
    const char *cname;
    char *path;
    json_t *j;
    int line;

    if (!m->person_accounts)
        return;
    for (i = 0; i < n; i++) {
        struct md_item *it = &m->items[i];

        if (it->dropped || strcmp(it->section, "custom_fields") != 0 ||
            strcasecmp(json_string_value(json_object_get(it->json, "object")),
                       "Contact") != 0 ||
            json_object_get(it->json, "formula") != NULL)
            continue;
        cname = json_string_value(json_object_get(it->json, "name"));
        /* Optional standard fields (CurrencyIsoCode) are not custom. */
        if (!ends_with(cname, "__c"))
            continue;
        snprintf(name, sizeof(name), "%.*spc", (int)strlen(cname) - 1, cname);
        snprintf(key, sizeof(key), "Account.%s", name);
        if (md_item_exists(m, "custom_fields", key))
            continue;
        j = json_deep_copy(it->json);
        json_object_set_new(j, "object", json_string("Account"));
        json_object_set_new(j, "name", json_string(name));
        /* The same field as the Contact's: its child relationship is the
         * Contact field's, not a second one. */
        json_object_del(j, "relationship_name");
        snprintf(what, sizeof(what), "Person Account field Account.%s", name);
        /* md_add() may move the items: copy what it needs first. */
        path = xstrdup(it->path);
        line = it->line;
        md_add(m, "custom_fields", j, key, path, NULL, what)->line = line;
        free(path);
    }
}
