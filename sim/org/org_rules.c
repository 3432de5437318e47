/*
 * org_rules.c - the org's validation rules, matching rules and duplicate
 * rules (see org_private.h): reading them strictly, then compiling them
 * with rules.c so that a formula that does not parse, or a rule naming a
 * field the object lacks, is reported with its position when the org
 * loads.
 *
 *   "validation_rules": [{"object": "Lead", "name": "Phone_10_digits",
 *       "active": true, "formula": "LEN(Phone) <> 10",
 *       "message": "Phone must have 10 digits", "error_field": "Phone"}]
 *   "matching_rules": [{"name": "Lead_Email", "object": "Lead",
 *       "fields": [{"field": "Email", "match": "email"},
 *                  {"field": "MobilePhone", "match": "phone",
 *                   "blank_values": "match_blanks"}],
 *       "boolean_filter": "1 OR 2"}]
 *   "duplicate_rules": [{"name": "Lead_Dupes", "object": "Lead",
 *       "matching_rules": ["Lead_Email",
 *           {"rule": "Contact_Email", "object": "Contact",
 *            "mapping": {"Email": "Email"}}],
 *       "action_on_create": "block",
 *       "conditions": "ISPICKVAL(LeadSource, 'Lead Distro AI')",
 *       "alert_text": "...", "match_against": ["Lead", "Contact"]}]
 *
 * Salesforce's standard matching rules (Standard_Lead_Match_Rule_v1_0,
 * Standard_Contact_Match_Rule_v1_1, Standard_Account_Match_Rule_v1_0) are
 * added, written out like any other, when a duplicate rule names one the
 * file does not define.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "org_private.h"
#include "rules.h"
#include "xmalloc.h"

#define RULES_MAX 1000
/* Salesforce allows at most 10 fields in a matching rule. */
#define MATCH_FIELDS_MAX 10

/* Salesforce's default alert text (facts 3.8). */
#define DEFAULT_ALERT                                                          \
    "You're creating a duplicate record. We recommend you use an existing "    \
    "record instead."

static const char *const match_names[] = {
#define MATCH_KIND_NAME(e, s) s,
    MATCH_KIND_LIST(MATCH_KIND_NAME)
#undef MATCH_KIND_NAME
        NULL};

static const char *const blank_names[] = {"null_not_allowed", "match_blanks",
                                          NULL};

/*
 * Salesforce's standard matching rules, approximated (README "Fidelity
 * notes"): the published matching equations over the fields below, with
 * the fuzzy methods as the match kinds say, and an exact e-mail match as
 * a rule of its own.
 */
static const char standard_rules_json[] =
    "[{\"name\": \"Standard_Lead_Match_Rule_v1_0\", \"object\": \"Lead\","
    " \"fields\": [{\"field\": \"FirstName\", \"match\": \"first_name\"},"
    " {\"field\": \"LastName\", \"match\": \"last_name\"},"
    " {\"field\": \"Title\", \"match\": \"title\"},"
    " {\"field\": \"Company\", \"match\": \"company\"},"
    " {\"field\": \"Email\", \"match\": \"email\"},"
    " {\"field\": \"Phone\", \"match\": \"phone\"},"
    " {\"field\": \"Street\", \"match\": \"street\"},"
    " {\"field\": \"City\", \"match\": \"city\"},"
    " {\"field\": \"PostalCode\", \"match\": \"zip\"}],"
    " \"boolean_filter\": \"(1 AND 2 AND 3 AND 4) OR (1 AND 2 AND 5) OR"
    " (1 AND 2 AND 6 AND 4) OR (1 AND 2 AND 7 AND (8 OR 9 OR 6)) OR"
    " (1 AND 2 AND 7 AND 3) OR (1 AND 2 AND 3 AND 5) OR (1 AND 2 AND 6) OR"
    " 5\","
    " \"description\": \"Salesforce's standard Lead matching rule"
    " (approximated)\"},"
    " {\"name\": \"Standard_Contact_Match_Rule_v1_1\", \"object\": \"Contact\","
    " \"fields\": [{\"field\": \"FirstName\", \"match\": \"first_name\"},"
    " {\"field\": \"LastName\", \"match\": \"last_name\"},"
    " {\"field\": \"Title\", \"match\": \"title\"},"
    " {\"field\": \"AccountId\", \"match\": \"company\"},"
    " {\"field\": \"Email\", \"match\": \"email\"},"
    " {\"field\": \"Phone\", \"match\": \"phone\"},"
    " {\"field\": \"MailingStreet\", \"match\": \"street\"},"
    " {\"field\": \"MailingCity\", \"match\": \"city\"},"
    " {\"field\": \"MailingPostalCode\", \"match\": \"zip\"}],"
    " \"boolean_filter\": \"(1 AND 2 AND 3 AND 4) OR (1 AND 2 AND 5) OR"
    " (1 AND 2 AND 6 AND 4) OR (1 AND 2 AND 7 AND (8 OR 9 OR 6)) OR"
    " (1 AND 2 AND 7 AND 3) OR (1 AND 2 AND 3 AND 5) OR (1 AND 2 AND 6) OR"
    " 5\","
    " \"description\": \"Salesforce's standard Contact matching rule"
    " (approximated)\"},"
    " {\"name\": \"Standard_Account_Match_Rule_v1_0\", \"object\": \"Account\","
    " \"fields\": [{\"field\": \"Name\", \"match\": \"company\"},"
    " {\"field\": \"BillingStreet\", \"match\": \"street\"},"
    " {\"field\": \"BillingCity\", \"match\": \"city\"},"
    " {\"field\": \"BillingPostalCode\", \"match\": \"zip\"},"
    " {\"field\": \"Phone\", \"match\": \"phone\"},"
    " {\"field\": \"Website\", \"match\": \"case_insensitive\"}],"
    " \"boolean_filter\": \"(1 AND 2) OR (1 AND 3) OR (1 AND 4) OR"
    " (1 AND 5) OR (1 AND 6)\","
    " \"description\": \"Salesforce's standard Account matching rule"
    " (approximated)\"}]";

/* Indexed by enum dup_action. */
static const char *const action_names[] = {"allow", "allow_with_alert", "block",
                                           NULL};

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

/* Adds "description" to j when there is one. */
static void
set_description(json_t *j, const char *descr)
{
    if (descr != NULL)
        json_object_set_new(j, "description", json_string(descr));
}

static void
free_list(char **list)
{
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        free(list[i]);
    free(list);
}

static json_t *
list_json(char **list)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        json_array_append_new(arr, json_string(list[i]));
    return arr;
}

/* A non-empty array of non-empty strings at path.key into *out
 * (NULL-terminated); absent: *out stays NULL unless required. */
static int
load_names(struct conf *c, json_t *obj, const char *path, const char *key,
           int required, char ***out)
{
    json_t *arr = NULL;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i, n;

    conf_join(p, sizeof(p), path, key);
    if (conf_array(c, obj, path, key, &arr) == -1)
        return -1;
    if (arr == NULL)
        return required ? conf_error(c, path, "needs \"%s\"", key) : 0;
    n = json_array_size(arr);
    if (n == 0 || n > RULES_MAX)
        return conf_error(c, p, "must list 1 to %d names", RULES_MAX);
    *out = xcalloc(n + 1, sizeof(**out));
    for (i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);

        if (!json_is_string(v) || json_string_length(v) == 0)
            return conf_error(c, conf_index(q, sizeof(q), p, i),
                              "must be a non-empty string");
        (*out)[i] = xstrdup(json_string_value(v));
    }
    return 0;
}

int
org_need_string(struct conf *c, json_t *obj, const char *path, const char *key,
                const char **out)
{
    char p[CONF_PATH_MAX];

    if (conf_string(c, obj, path, key, NULL, out) == -1)
        return -1;
    if (*out == NULL)
        return conf_error(c, path, "needs \"%s\"", key);
    if (**out == '\0')
        return conf_error(c, conf_join(p, sizeof(p), path, key),
                          "must not be empty");
    return 0;
}

int
org_section(struct conf *c, json_t *root, const char *key, json_t **arr)
{
    *arr = NULL;
    if (conf_array(c, root, "", key, arr) == -1)
        return -1;
    if (*arr != NULL && json_array_size(*arr) > RULES_MAX)
        return conf_error(c, key, "more than %d rules", RULES_MAX);
    return 0;
}

/* -1 (error at path) when an earlier entry already has the name. */
static int
unique_name(struct conf *c, const char *path, const char *name,
            const char *(*name_at)(const struct org *, size_t),
            const struct org *o, size_t before)
{
    size_t i;

    for (i = 0; i < before; i++)
        if (strcmp(name_at(o, i), name) == 0)
            return conf_error(c, path, "duplicate rule name \"%s\"", name);
    return 0;
}

/* Validation rule names are unique per object, as in Salesforce. */
static int
unique_vrule(struct conf *c, const char *path, const struct org *o, size_t i)
{
    const struct org_vrule *v = &o->vrules[i];
    size_t k;

    for (k = 0; k < i; k++)
        if (strcasecmp(o->vrules[k].object, v->object) == 0 &&
            strcmp(o->vrules[k].name, v->name) == 0)
            return conf_error(c, path, "duplicate rule name \"%s\" on %s",
                              v->name, v->object);
    return 0;
}

static const char *
mrule_name(const struct org *o, size_t i)
{
    return o->mrules[i].name;
}

static const char *
drule_name(const struct org *o, size_t i)
{
    return o->drules[i].name;
}

/* --- validation_rules ----------------------------------------------------- */

static int
load_vrule(struct conf *c, json_t *j, const char *path, struct org_vrule *v)
{
    static const char *const keys[] = {"object",      "name",    "active",
                                       "formula",     "message", "error_field",
                                       "description", NULL};
    const char *object, *name, *formula, *message, *field, *descr;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        conf_string(c, j, path, "object", "Lead", &object) == -1 ||
        org_need_string(c, j, path, "name", &name) == -1 ||
        conf_bool(c, j, path, "active", 1, &v->active) == -1 ||
        org_need_string(c, j, path, "formula", &formula) == -1 ||
        org_need_string(c, j, path, "message", &message) == -1 ||
        conf_string(c, j, path, "error_field", NULL, &field) == -1 ||
        conf_string(c, j, path, "description", NULL, &descr) == -1)
        return -1;
    v->object = xstrdup(object);
    v->name = xstrdup(name);
    v->formula = xstrdup(formula);
    v->message = xstrdup(message);
    v->error_field = field != NULL && *field != '\0' ? xstrdup(field) : NULL;
    v->description = dup_or_null(descr);
    return 0;
}

static int
load_vrules(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    if (org_section(c, root, "validation_rules", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    o->vrules = xcalloc(json_array_size(arr) + 1, sizeof(*o->vrules));
    for (i = 0; i < json_array_size(arr); i++) {
        conf_index(p, sizeof(p), "validation_rules", i);
        o->nvrules = i + 1;
        if (load_vrule(c, json_array_get(arr, i), p, &o->vrules[i]) == -1 ||
            unique_vrule(c, conf_join(q, sizeof(q), p, "name"), o, i) == -1)
            return -1;
    }
    return 0;
}

/* --- matching_rules ------------------------------------------------------- */

static int
load_match_field(struct conf *c, json_t *j, const char *path,
                 struct org_match_field *f)
{
    static const char *const keys[] = {"field", "match", "blank_values", NULL};
    const char *field;
    int kind = MATCH_EXACT, blanks = 0;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        org_need_string(c, j, path, "field", &field) == -1 ||
        conf_enum(c, j, path, "match", match_names, MATCH_EXACT, &kind) == -1 ||
        conf_enum(c, j, path, "blank_values", blank_names, 0, &blanks) == -1)
        return -1;
    f->field = xstrdup(field);
    f->kind = (enum match_kind)kind;
    f->match_blanks = blanks;
    return 0;
}

static int
load_mrule(struct conf *c, json_t *j, const char *path, struct org_mrule *m)
{
    static const char *const keys[] = {
        "name", "object", "fields", "boolean_filter", "description", NULL};
    const char *object, *name, *descr, *filter;
    json_t *fields = NULL;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i, n;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        org_need_string(c, j, path, "name", &name) == -1 ||
        conf_string(c, j, path, "object", "Lead", &object) == -1 ||
        conf_string(c, j, path, "description", NULL, &descr) == -1 ||
        conf_string(c, j, path, "boolean_filter", NULL, &filter) == -1 ||
        conf_array(c, j, path, "fields", &fields) == -1)
        return -1;
    m->name = xstrdup(name);
    m->object = xstrdup(object);
    m->description = dup_or_null(descr);
    m->boolean_filter =
        filter != NULL && *filter != '\0' ? xstrdup(filter) : NULL;
    conf_join(p, sizeof(p), path, "fields");
    n = json_array_size(fields);
    if (fields == NULL)
        return conf_error(c, path, "needs \"fields\"");
    if (n == 0 || n > MATCH_FIELDS_MAX)
        return conf_error(c, p, "must list 1 to %d fields", MATCH_FIELDS_MAX);
    m->fields = xcalloc(n + 1, sizeof(*m->fields));
    for (i = 0; i < n; i++) {
        m->nfields = i + 1;
        if (load_match_field(c, json_array_get(fields, i),
                             conf_index(q, sizeof(q), p, i),
                             &m->fields[i]) == -1)
            return -1;
    }
    return 0;
}

static int
load_mrules(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    if (org_section(c, root, "matching_rules", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    o->mrules = xcalloc(json_array_size(arr) + 1, sizeof(*o->mrules));
    for (i = 0; i < json_array_size(arr); i++) {
        conf_index(p, sizeof(p), "matching_rules", i);
        o->nmrules = i + 1;
        if (load_mrule(c, json_array_get(arr, i), p, &o->mrules[i]) == -1 ||
            unique_name(c, conf_join(q, sizeof(q), p, "name"),
                        o->mrules[i].name, mrule_name, o, i) == -1)
            return -1;
    }
    return 0;
}

/* --- duplicate_rules ------------------------------------------------------ */

/* One entry of "matching_rules": a name, or {"rule", "object", "mapping"}. */
static int
load_match(struct conf *c, json_t *j, const char *path,
           struct org_drule_match *m)
{
    static const char *const keys[] = {"rule", "object", "mapping", NULL};
    const char *rule, *object;
    json_t *mapping = NULL;

    if (json_is_string(j) && json_string_length(j) > 0) {
        m->rule = xstrdup(json_string_value(j));
        return 0;
    }
    if (!json_is_object(j))
        return conf_error(c, path,
                          "must be a matching rule's name or an "
                          "object with \"rule\"");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        org_need_string(c, j, path, "rule", &rule) == -1 ||
        conf_string(c, j, path, "object", NULL, &object) == -1 ||
        conf_object(c, j, path, "mapping", &mapping) == -1)
        return -1;
    m->rule = xstrdup(rule);
    m->object = dup_or_null(object);
    if (mapping != NULL) {
        char p[CONF_PATH_MAX];

        if (org_mappings_load(c, mapping,
                              conf_join(p, sizeof(p), path, "mapping"),
                              &m->mapping, &m->nmapping) == -1)
            return -1;
        if (m->nmapping == 0)
            return conf_error(c, p, "must map at least one field");
    }
    return 0;
}

static int
load_matches(struct conf *c, json_t *j, const char *path, struct org_drule *d)
{
    json_t *arr = NULL;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i, n;

    if (conf_array(c, j, path, "matching_rules", &arr) == -1)
        return -1;
    if (arr == NULL)
        return conf_error(c, path, "needs \"matching_rules\"");
    conf_join(p, sizeof(p), path, "matching_rules");
    n = json_array_size(arr);
    if (n == 0 || n > RULES_MAX)
        return conf_error(c, p, "must list 1 to %d names", RULES_MAX);
    d->matches = xcalloc(n + 1, sizeof(*d->matches));
    for (i = 0; i < n; i++) {
        d->nmatches = i + 1;
        if (load_match(c, json_array_get(arr, i),
                       conf_index(q, sizeof(q), p, i), &d->matches[i]) == -1)
            return -1;
    }
    return 0;
}

static int
load_drule(struct conf *c, json_t *j, const char *path, struct org_drule *d)
{
    static const char *const keys[] = {
        "name",           "object",     "active",
        "matching_rules", "conditions", "action_on_create",
        "action_on_edit", "alert_text", "match_against",
        "description",    NULL};
    const char *object, *name, *cond, *alert, *descr;
    int on_create = DUP_ALLOW_ALERT, on_edit;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        org_need_string(c, j, path, "name", &name) == -1 ||
        conf_string(c, j, path, "object", "Lead", &object) == -1 ||
        conf_bool(c, j, path, "active", 1, &d->active) == -1 ||
        conf_string(c, j, path, "conditions", NULL, &cond) == -1 ||
        conf_enum(c, j, path, "action_on_create", action_names, DUP_ALLOW_ALERT,
                  &on_create) == -1 ||
        conf_enum(c, j, path, "action_on_edit", action_names, on_create,
                  &on_edit) == -1 ||
        conf_string(c, j, path, "alert_text", DEFAULT_ALERT, &alert) == -1 ||
        conf_string(c, j, path, "description", NULL, &descr) == -1)
        return -1;
    d->name = xstrdup(name);
    d->object = xstrdup(object);
    d->conditions = cond != NULL && *cond != '\0' ? xstrdup(cond) : NULL;
    d->on_create = (enum dup_action)on_create;
    d->on_edit = (enum dup_action)on_edit;
    d->alert_text = xstrdup(alert);
    d->description = dup_or_null(descr);
    return load_matches(c, j, path, d) == -1 ||
                   load_names(c, j, path, "match_against", 0,
                              &d->match_against) == -1
               ? -1
               : 0;
}

static int
load_drules(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    if (org_section(c, root, "duplicate_rules", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    o->drules = xcalloc(json_array_size(arr) + 1, sizeof(*o->drules));
    for (i = 0; i < json_array_size(arr); i++) {
        conf_index(p, sizeof(p), "duplicate_rules", i);
        o->ndrules = i + 1;
        if (load_drule(c, json_array_get(arr, i), p, &o->drules[i]) == -1 ||
            unique_name(c, conf_join(q, sizeof(q), p, "name"),
                        o->drules[i].name, drule_name, o, i) == -1)
            return -1;
    }
    return 0;
}

/* --- the section as a whole ----------------------------------------------- */

static const struct org_mrule *
mrule_named(const struct org *o, const char *name)
{
    size_t i;

    for (i = 0; i < o->nmrules; i++)
        if (strcmp(o->mrules[i].name, name) == 0)
            return &o->mrules[i];
    return NULL;
}

/* Appends the standard matching rule called name, if there is one. */
static int
add_standard(struct conf *c, json_t *standard, struct org *o, const char *name)
{
    struct conf sc = {"built-in standard matching rules", standard_rules_json,
                      sizeof(standard_rules_json) - 1, c->err};
    char p[CONF_PATH_MAX];
    json_t *v;
    size_t i;

    json_array_foreach(standard, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "name")), name) != 0)
            continue;
        o->mrules =
            xreallocarray(o->mrules, o->nmrules + 2, sizeof(*o->mrules));
        memset(&o->mrules[o->nmrules], 0, 2 * sizeof(*o->mrules));
        o->nmrules++;
        return load_mrule(&sc, v, conf_index(p, sizeof(p), "", i),
                          &o->mrules[o->nmrules - 1]);
    }
    return 0;
}

/* The standard matching rules that duplicate rules name and the file does
 * not define. */
static int
add_standard_rules(struct conf *c, struct org *o)
{
    json_t *standard = NULL;
    size_t i, k;
    int rc = 0;

    for (i = 0; i < o->ndrules && rc == 0; i++) {
        for (k = 0; k < o->drules[i].nmatches && rc == 0; k++) {
            const char *name = o->drules[i].matches[k].rule;

            if (mrule_named(o, name) != NULL)
                continue;
            if (standard == NULL)
                standard = json_loads(standard_rules_json, 0, NULL);
            rc = add_standard(c, standard, o, name);
        }
    }
    json_decref(standard);
    return rc;
}

int
org_rules_load(struct conf *c, json_t *root, struct org *o)
{
    struct rules_failure fail;

    if (load_vrules(c, root, o) == -1 || load_mrules(c, root, o) == -1 ||
        load_drules(c, root, o) == -1 || add_standard_rules(c, o) == -1)
        return -1;
    /* Custom fields are loaded by now: formulas may name them. */
    if ((o->rules = rules_new(o, &fail)) == NULL)
        return conf_error(c, fail.path, "%s", fail.message);
    return 0;
}

void
org_rules_free(struct org *o)
{
    size_t i, k;

    rules_free(o->rules);
    o->rules = NULL;
    for (i = 0; i < o->nvrules; i++) {
        struct org_vrule *v = &o->vrules[i];

        free(v->object);
        free(v->name);
        free(v->formula);
        free(v->message);
        free(v->error_field);
        free(v->description);
    }
    free(o->vrules);
    for (i = 0; i < o->nmrules; i++) {
        struct org_mrule *m = &o->mrules[i];

        free(m->name);
        free(m->object);
        for (k = 0; k < m->nfields; k++)
            free(m->fields[k].field);
        free(m->fields);
        free(m->boolean_filter);
        free(m->description);
    }
    free(o->mrules);
    for (i = 0; i < o->ndrules; i++) {
        struct org_drule *d = &o->drules[i];

        free(d->name);
        free(d->object);
        for (k = 0; k < d->nmatches; k++) {
            free(d->matches[k].rule);
            free(d->matches[k].object);
            org_mappings_free(d->matches[k].mapping, d->matches[k].nmapping);
        }
        free(d->matches);
        free_list(d->match_against);
        free(d->conditions);
        free(d->alert_text);
        free(d->description);
    }
    free(o->drules);
    o->vrules = NULL;
    o->mrules = NULL;
    o->drules = NULL;
    o->nvrules = o->nmrules = o->ndrules = 0;
}

/* A duplicate rule's matching rules: names, or objects where they say
 * more than a name. */
static json_t *
matches_json(const struct org_drule *d)
{
    json_t *arr = json_array(), *j;
    size_t i;

    for (i = 0; i < d->nmatches; i++) {
        const struct org_drule_match *m = &d->matches[i];

        if (m->object == NULL && m->mapping == NULL) {
            json_array_append_new(arr, json_string(m->rule));
            continue;
        }
        j = json_pack("{s:s}", "rule", m->rule);
        if (m->object != NULL)
            json_object_set_new(j, "object", json_string(m->object));
        if (m->mapping != NULL)
            json_object_set_new(j, "mapping",
                                org_mappings_json(m->mapping, m->nmapping));
        json_array_append_new(arr, j);
    }
    return arr;
}

void
org_rules_json(const struct org *o, json_t *out)
{
    json_t *vr = json_array(), *mr = json_array(), *dr = json_array();
    size_t i, k;

    for (i = 0; i < o->nvrules; i++) {
        const struct org_vrule *v = &o->vrules[i];
        json_t *j = json_pack("{s:s, s:s, s:b, s:s, s:s}", "object", v->object,
                              "name", v->name, "active", v->active, "formula",
                              v->formula, "message", v->message);

        if (v->error_field != NULL)
            json_object_set_new(j, "error_field", json_string(v->error_field));
        set_description(j, v->description);
        json_array_append_new(vr, j);
    }
    for (i = 0; i < o->nmrules; i++) {
        const struct org_mrule *m = &o->mrules[i];
        json_t *fields = json_array(), *j;

        for (k = 0; k < m->nfields; k++)
            json_array_append_new(
                fields,
                json_pack("{s:s, s:s, s:s}", "field", m->fields[k].field,
                          "match", match_names[m->fields[k].kind],
                          "blank_values",
                          blank_names[m->fields[k].match_blanks]));
        j = json_pack("{s:s, s:s, s:o}", "name", m->name, "object", m->object,
                      "fields", fields);
        if (m->boolean_filter != NULL)
            json_object_set_new(j, "boolean_filter",
                                json_string(m->boolean_filter));
        set_description(j, m->description);
        json_array_append_new(mr, j);
    }
    for (i = 0; i < o->ndrules; i++) {
        const struct org_drule *d = &o->drules[i];
        json_t *j = json_pack(
            "{s:s, s:s, s:b, s:o, s:s, s:s, s:s}", "name", d->name, "object",
            d->object, "active", d->active, "matching_rules", matches_json(d),
            "action_on_create", action_names[d->on_create], "action_on_edit",
            action_names[d->on_edit], "alert_text", d->alert_text);

        if (d->conditions != NULL)
            json_object_set_new(j, "conditions", json_string(d->conditions));
        if (d->match_against != NULL)
            json_object_set_new(j, "match_against",
                                list_json(d->match_against));
        set_description(j, d->description);
        json_array_append_new(dr, j);
    }
    json_object_set_new(out, "validation_rules", vr);
    json_object_set_new(out, "matching_rules", mr);
    json_object_set_new(out, "duplicate_rules", dr);
}
