/*
 * org_actions.c - the org's flows and Apex REST endpoints (see
 * org_private.h): what each one creates and how its inputs map to fields.
 * Either may create records of any object the org can create records of:
 * Lead, Contact, Account, the other createable standard objects
 * (objects_std.h) and the org's custom objects, loaded before these.
 *
 *   "flows": [{"api_name": "Create_Lead", "creates": "Lead",
 *              "inputs": {"lastName": "LastName", ...},
 *              "output_id": "leadId"}]
 *   "apex_rest": [{"url_mapping": "/leads/v1", "methods": ["POST"],
 *                  "class": "LeadIntake", "method": "doPost",
 *                  "object": "Lead", "mapping": {"contact.email": "Email"},
 *                  "success_status": 201,
 *                  "success_body": {"id": "{{id}}", "success": true}}]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "objects_std.h"
#include "org_private.h"
#include "route.h"
#include "schema.h"
#include "xmalloc.h"

#define ACTIONS_MAX 1000
#define MAPPING_MAX 500
#define OBJECT_LIST_MAX 320 /* the allowed objects an error lists */

static const char *const creates_names[] = {"Lead", "ContactWithAccount",
                                            "PersonAccount", NULL};
/* The object each of creates_names creates (its record, not the Account
 * a Contact goes into). */
static const char *const creates_objects[] = {"Lead", "Contact", "Account"};
static const char *const method_names[] = {"GET",   "POST",   "PUT",
                                           "PATCH", "DELETE", NULL};
static const enum http_method method_values[] = {HTTP_GET, HTTP_POST, HTTP_PUT,
                                                 HTTP_PATCH, HTTP_DELETE};

int
org_mappings_load(struct conf *c, json_t *obj, const char *path,
                  struct org_mapping **out, size_t *n)
{
    const char *key;
    json_t *v;
    char p[CONF_PATH_MAX];

    *out = NULL;
    *n = 0;
    if (obj == NULL)
        return 0;
    if (json_object_size(obj) > MAPPING_MAX)
        return conf_error(c, path, "more than %d entries", MAPPING_MAX);
    *out = xcalloc(json_object_size(obj) + 1, sizeof(**out));
    json_object_foreach(obj, key, v) {
        if (!json_is_string(v))
            return conf_error(c, conf_join(p, sizeof(p), path, key),
                              "must be a field name (a string)");
        (*out)[*n].from = xstrdup(key);
        (*out)[*n].to = xstrdup(json_string_value(v));
        (*n)++;
    }
    return 0;
}

void
org_mappings_free(struct org_mapping *m, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(m[i].from);
        free(m[i].to);
    }
    free(m);
}

json_t *
org_mappings_json(const struct org_mapping *m, size_t n)
{
    json_t *j = json_object();
    size_t i;

    for (i = 0; i < n; i++)
        json_object_set_new(j, m[i].from, json_string(m[i].to));
    return j;
}

static void
list_add(char *list, size_t n, size_t *used, const char *name)
{
    if (*used < n)
        *used += (size_t)snprintf(list + *used, n - *used, "%s%s",
                                  *used ? ", " : "", name);
}

/*
 * Whether name is an object the org can create records of (the standard
 * objects whose rows are OBJ_CREATEABLE, the org's custom objects): 1 and
 * its spelling in canon, or 0 and the allowed names in list.
 */
static int
createable_object(const struct org *o, const char *name, char *canon,
                  size_t ncanon, char *list, size_t nlist)
{
    const struct schema_row *tables[2];
    size_t counts[2], t, i, used = 0;

    tables[0] = schema_rows(&counts[0]);
    tables[1] = objects_std_rows(&counts[1]);
    list[0] = '\0';
    for (t = 0; t < 2; t++)
        for (i = 0; i < counts[t]; i++) {
            const struct schema_row *r = &tables[t][i];

            if (!(r->flags & OBJ_CREATEABLE))
                continue;
            if (strcasecmp(r->name, name) == 0) {
                snprintf(canon, ncanon, "%s", r->name);
                return 1;
            }
            list_add(list, nlist, &used, r->name);
        }
    for (i = 0; i < o->ncustom_objects; i++) {
        if (strcasecmp(o->custom_objects[i].name, name) == 0) {
            snprintf(canon, ncanon, "%s", o->custom_objects[i].name);
            return 1;
        }
        list_add(list, nlist, &used, o->custom_objects[i].name);
    }
    return 0;
}

/* A flow's "creates": one of creates_names, else an object's name. */
static int
flow_creates(struct conf *c, const struct org *o, const char *path,
             const char *name, struct org_flow *of)
{
    char canon[256], list[OBJECT_LIST_MAX], p[CONF_PATH_MAX];
    size_t i;

    for (i = 0; creates_names[i] != NULL; i++)
        if (strcasecmp(creates_names[i], name) == 0) {
            of->creates = (enum flow_creates)i;
            of->object = xstrdup(creates_objects[i]);
            return 0;
        }
    if (!createable_object(o, name, canon, sizeof(canon), list, sizeof(list)))
        return conf_error(c, conf_join(p, sizeof(p), path, "creates"),
                          "\"%s\" is not one of: Lead, ContactWithAccount, "
                          "PersonAccount, or an object: %s",
                          name, list);
    of->creates = FLOW_CREATES_OBJECT;
    of->object = xstrdup(canon);
    return 0;
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static int
load_flow(struct conf *c, json_t *f, const char *path, const struct org *o,
          struct org_flow *of)
{
    static const char *const keys[] = {
        "api_name", "label",          "active",    "creates",
        "inputs",   "account_inputs", "output_id", "output_account_id",
        NULL};
    const char *name, *label, *creates, *out_id, *out_acc;
    json_t *inputs = NULL, *acc = NULL;
    char p[CONF_PATH_MAX];

    if (!json_is_object(f))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, f, path, keys) == -1 ||
        conf_string(c, f, path, "api_name", NULL, &name) == -1 ||
        conf_string(c, f, path, "label", NULL, &label) == -1 ||
        conf_bool(c, f, path, "active", 1, &of->active) == -1 ||
        conf_string(c, f, path, "creates", "Lead", &creates) == -1 ||
        conf_object(c, f, path, "inputs", &inputs) == -1 ||
        conf_object(c, f, path, "account_inputs", &acc) == -1 ||
        conf_string(c, f, path, "output_id", NULL, &out_id) == -1 ||
        conf_string(c, f, path, "output_account_id", NULL, &out_acc) == -1)
        return -1;
    if (name == NULL || *name == '\0')
        return conf_error(c, path, "a flow needs an \"api_name\"");
    of->api_name = xstrdup(name);
    of->label = xstrdup(label != NULL ? label : name);
    if (flow_creates(c, o, path, creates, of) == -1)
        return -1;
    of->output_id = dup_or_null(out_id);
    of->output_account_id = dup_or_null(out_acc);
    if (org_mappings_load(c, inputs, conf_join(p, sizeof(p), path, "inputs"),
                          &of->inputs, &of->ninputs) == -1 ||
        org_mappings_load(c, acc,
                          conf_join(p, sizeof(p), path, "account_inputs"),
                          &of->account_inputs, &of->naccount_inputs) == -1)
        return -1;
    return 0;
}

static int
parse_methods(struct conf *c, json_t *arr, const char *path, unsigned *out)
{
    char p[CONF_PATH_MAX];
    size_t i, m;

    *out = 0;
    if (arr == NULL) {
        *out = METHOD_BIT(HTTP_POST);
        return 0;
    }
    for (i = 0; i < json_array_size(arr); i++) {
        const char *name = json_string_value(json_array_get(arr, i));

        for (m = 0; name != NULL && method_names[m] != NULL; m++)
            if (strcasecmp(method_names[m], name) == 0)
                break;
        if (name == NULL || method_names[m] == NULL)
            return conf_error(c, conf_index(p, sizeof(p), path, i),
                              "must be one of: GET, POST, PUT, PATCH, DELETE");
        *out |= METHOD_BIT(method_values[m]);
    }
    return 0;
}

static int
load_apex(struct conf *c, json_t *a, const char *path, const struct org *o,
          struct org_apex *oa)
{
    static const char *const keys[] = {
        "url_mapping",    "methods", "class",          "method",
        "object",         "mapping", "success_status", "success_body",
        "handled_errors", NULL};
    const char *url, *cls, *meth, *object;
    json_t *methods = NULL, *mapping = NULL, *body;
    char p[CONF_PATH_MAX], canon[256], list[OBJECT_LIST_MAX];
    int64_t status;

    if (!json_is_object(a))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, a, path, keys) == -1 ||
        conf_string(c, a, path, "url_mapping", NULL, &url) == -1 ||
        conf_array(c, a, path, "methods", &methods) == -1 ||
        conf_string(c, a, path, "class", "LeadIntake", &cls) == -1 ||
        conf_string(c, a, path, "method", "doPost", &meth) == -1 ||
        conf_string(c, a, path, "object", "Lead", &object) == -1 ||
        conf_object(c, a, path, "mapping", &mapping) == -1 ||
        conf_int(c, a, path, "success_status", 200, 299, 200, &status) == -1 ||
        conf_bool(c, a, path, "handled_errors", 0, &oa->handled_errors) == -1)
        return -1;
    if (url == NULL || url[0] != '/')
        return conf_error(c, path,
                          "an endpoint needs a \"url_mapping\" "
                          "starting with /");
    if (!createable_object(o, object, canon, sizeof(canon), list, sizeof(list)))
        return conf_error(c, conf_join(p, sizeof(p), path, "object"),
                          "\"%s\" is not one of: %s", object, list);
    oa->url_mapping = xstrdup(url);
    oa->class_name = xstrdup(cls);
    oa->method_name = xstrdup(meth);
    oa->object = xstrdup(canon);
    oa->success_status = (int)status;
    body = json_object_get(a, "success_body");
    oa->success_body = body != NULL ? json_deep_copy(body) : NULL;
    if (parse_methods(c, methods, conf_join(p, sizeof(p), path, "methods"),
                      &oa->methods) == -1)
        return -1;
    return org_mappings_load(c, mapping,
                             conf_join(p, sizeof(p), path, "mapping"),
                             &oa->mapping, &oa->nmapping);
}

static int
load_flows(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr = NULL;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i, j;

    if (conf_array(c, root, "", "flows", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    if (json_array_size(arr) > ACTIONS_MAX)
        return conf_error(c, "flows", "more than %d flows", ACTIONS_MAX);
    o->flows = xcalloc(json_array_size(arr) + 1, sizeof(*o->flows));
    for (i = 0; i < json_array_size(arr); i++) {
        conf_index(p, sizeof(p), "flows", i);
        o->nflows = i + 1;
        if (load_flow(c, json_array_get(arr, i), p, o, &o->flows[i]) == -1)
            return -1;
        for (j = 0; j < i; j++)
            if (strcmp(o->flows[j].api_name, o->flows[i].api_name) == 0)
                return conf_error(c, conf_join(q, sizeof(q), p, "api_name"),
                                  "duplicate api_name %s (flows[%zu] has it)",
                                  o->flows[i].api_name, j);
        if (o->flows[i].creates == FLOW_CREATES_PERSON_ACCOUNT &&
            !o->person_accounts)
            return conf_error(c, p,
                              "creates PersonAccount, but the org does "
                              "not enable person_accounts");
    }
    return 0;
}

static int
load_apex_all(struct conf *c, json_t *root, struct org *o)
{
    json_t *arr = NULL;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i, j;

    if (conf_array(c, root, "", "apex_rest", &arr) == -1 || arr == NULL)
        return arr == NULL && !c->err->set ? 0 : -1;
    if (json_array_size(arr) > ACTIONS_MAX)
        return conf_error(c, "apex_rest", "more than %d endpoints",
                          ACTIONS_MAX);
    o->apex = xcalloc(json_array_size(arr) + 1, sizeof(*o->apex));
    for (i = 0; i < json_array_size(arr); i++) {
        o->napex = i + 1;
        if (load_apex(c, json_array_get(arr, i),
                      conf_index(p, sizeof(p), "apex_rest", i), o,
                      &o->apex[i]) == -1)
            return -1;
        /* One endpoint per mapping, as Salesforce allows one class per
         * urlMapping: a second would never be reached. */
        for (j = 0; j < i; j++)
            if (strcmp(o->apex[j].url_mapping, o->apex[i].url_mapping) == 0)
                return conf_error(
                    c, conf_join(q, sizeof(q), p, "url_mapping"),
                    "duplicate url_mapping %s (apex_rest[%zu] has it)",
                    o->apex[i].url_mapping, j);
    }
    return 0;
}

int
org_actions_load(struct conf *c, json_t *root, struct org *o)
{
    if (load_flows(c, root, o) == -1 || load_apex_all(c, root, o) == -1)
        return -1;
    return 0;
}

void
org_actions_free(struct org *o)
{
    size_t i;

    for (i = 0; i < o->nflows; i++) {
        struct org_flow *f = &o->flows[i];

        free(f->api_name);
        free(f->label);
        free(f->object);
        free(f->output_id);
        free(f->output_account_id);
        org_mappings_free(f->inputs, f->ninputs);
        org_mappings_free(f->account_inputs, f->naccount_inputs);
    }
    free(o->flows);
    for (i = 0; i < o->napex; i++) {
        struct org_apex *a = &o->apex[i];

        free(a->url_mapping);
        free(a->class_name);
        free(a->method_name);
        free(a->object);
        org_mappings_free(a->mapping, a->nmapping);
        json_decref(a->success_body);
    }
    free(o->apex);
    o->flows = NULL;
    o->apex = NULL;
    o->nflows = o->napex = 0;
}

static json_t *
methods_json(unsigned methods)
{
    json_t *arr = json_array();
    size_t m;

    for (m = 0; method_names[m] != NULL; m++)
        if (methods & METHOD_BIT(method_values[m]))
            json_array_append_new(arr, json_string(method_names[m]));
    return arr;
}

void
org_actions_json(const struct org *o, json_t *out)
{
    json_t *flows = json_array(), *apex = json_array();
    size_t i;

    for (i = 0; i < o->nflows; i++) {
        const struct org_flow *f = &o->flows[i];
        json_t *j = json_pack(
            "{s:s, s:s, s:b, s:s, s:o}", "api_name", f->api_name, "label",
            f->label, "active", f->active, "creates",
            f->creates == FLOW_CREATES_OBJECT ? f->object
                                              : creates_names[f->creates],
            "inputs", org_mappings_json(f->inputs, f->ninputs));

        if (f->naccount_inputs > 0)
            json_object_set_new(
                j, "account_inputs",
                org_mappings_json(f->account_inputs, f->naccount_inputs));
        if (f->output_id != NULL)
            json_object_set_new(j, "output_id", json_string(f->output_id));
        if (f->output_account_id != NULL)
            json_object_set_new(j, "output_account_id",
                                json_string(f->output_account_id));
        json_array_append_new(flows, j);
    }
    for (i = 0; i < o->napex; i++) {
        const struct org_apex *a = &o->apex[i];
        json_t *j = json_pack(
            "{s:s, s:o, s:s, s:s, s:s, s:o, s:i, s:b}", "url_mapping",
            a->url_mapping, "methods", methods_json(a->methods), "class",
            a->class_name, "method", a->method_name, "object", a->object,
            "mapping", org_mappings_json(a->mapping, a->nmapping),
            "success_status", a->success_status, "handled_errors",
            a->handled_errors);

        if (a->success_body != NULL)
            json_object_set_new(j, "success_body",
                                json_deep_copy(a->success_body));
        json_array_append_new(apex, j);
    }
    json_object_set_new(out, "flows", flows);
    json_object_set_new(out, "apex_rest", apex);
}
