/*
 * org.c - loading, defaults and serialisation of the org config (see
 * org.h). The built-in default org is a JSON text loaded like any file, so
 * it is held to the same rules.
 */
#include "org.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "org_private.h"
#include "timefmt.h"
#include "xmalloc.h"

#define ORG_FILE_MAX (16 * 1024 * 1024)
#define ORG_MAX_ITEMS 10000

static const char default_org_json[] =
    "{\n"
    "  \"name\": \"sfsim default org\",\n"
    "  \"edition\": \"Enterprise\",\n"
    "  \"org_id\": \"00D000000000001\",\n"
    "  \"web_to_lead\": {\"enabled\": true, \"daily_limit\": 500,\n"
    "                  \"over_limit\": \"drop\", \"recaptcha_required\": "
    "false},\n"
    "  \"session_timeout_seconds\": 7200,\n"
    "  \"users\": [{\"username\": \"admin@sfsim.test\",\n"
    "             \"password\": \"sfsim-password\",\n"
    "             \"id\": \"005000000000001\",\n"
    "             \"first_name\": \"Sim\", \"last_name\": \"Admin\"}],\n"
    "  \"connected_apps\": [{\"name\": \"sfsim\",\n"
    "                      \"client_id\": \"sfsim-client-id\",\n"
    "                      \"client_secret\": \"sfsim-client-secret\",\n"
    "                      \"run_as\": \"admin@sfsim.test\"}]\n"
    "}\n";

static const struct {
    const char *name;
    int api_enabled;
    int64_t w2l_limit;
    int64_t api_base, api_per_licence;
} editions[EDITION_COUNT] = {
    [EDITION_ESSENTIALS] = {"Essentials", 0, 500, 0, 0},
    [EDITION_PROFESSIONAL] = {"Professional", 0, 500, 100000, 1000},
    [EDITION_ENTERPRISE] = {"Enterprise", 1, 500, 100000, 1000},
    [EDITION_UNLIMITED] = {"Unlimited", 1, 500, 100000, 5000},
    /* 2,500 as our seed page states; Salesforce's help says 500. */
    [EDITION_PERFORMANCE] = {"Performance", 1, 2500, 100000, 5000},
    [EDITION_DEVELOPER] = {"Developer", 1, 500, 15000, 0},
};

static const char *const edition_names[] = {
    "Essentials",  "Professional", "Enterprise", "Unlimited",
    "Performance", "Developer",    NULL};
static const char *const over_limit_names[] = {"drop", "queue", NULL};
static const char *const refresh_names[] = {
    "until_revoked", "expire_after", "expire_if_idle", "immediately", NULL};

const char *
edition_name(enum edition e)
{
    return editions[e].name;
}

int64_t
edition_w2l_limit(enum edition e)
{
    return editions[e].w2l_limit;
}

/* --- reading helpers ------------------------------------------------------ */

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static int
read_id(struct conf *c, json_t *obj, const char *path, const char *key,
        const char *prefix, const char *dflt, char out[SFID_LEN15 + 1])
{
    const char *s = NULL;
    char p[CONF_PATH_MAX];

    if (conf_string(c, obj, path, key, dflt, &s) == -1)
        return -1;
    if (s == NULL) {
        out[0] = '\0';
        return 0;
    }
    conf_join(p, sizeof(p), path, key);
    if (sfid_normalize(s, strlen(s), out) == -1)
        return conf_error(c, p,
                          "\"%s\" is not a 15- or 18-character "
                          "Salesforce id",
                          s);
    if (strncmp(out, prefix, 3) != 0)
        return conf_error(c, p, "\"%s\" must start with %s", s, prefix);
    return 0;
}

static void
free_string_list(char **list)
{
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        free(list[i]);
    free(list);
}

static int
read_string_list(struct conf *c, json_t *arr, const char *path, char ***out)
{
    char p[CONF_PATH_MAX];
    size_t i, n = json_array_size(arr);
    char **list;

    if (n > ORG_MAX_ITEMS)
        return conf_error(c, path, "more than %d entries", ORG_MAX_ITEMS);
    list = xcalloc(n + 1, sizeof(*list));
    for (i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);

        if (!json_is_string(v)) {
            /* Only what this call set: *out is not ours until the end. */
            free_string_list(list);
            return conf_error(c, conf_index(p, sizeof(p), path, i),
                              "must be a string");
        }
        list[i] = xstrdup(json_string_value(v));
    }
    *out = list;
    return 0;
}

/* --- sections ------------------------------------------------------------- */

static int
load_clock(struct conf *c, json_t *root, struct org *o)
{
    static const char *const keys[] = {"start", "frozen", NULL};
    json_t *clk = NULL;
    const char *start = NULL;
    int frozen = 0;

    o->clock_start_ms = -1;
    if (conf_object(c, root, "", "clock", &clk) == -1 || clk == NULL)
        return clk == NULL && !c->err->set ? 0 : -1;
    if (conf_check_keys(c, clk, "clock", keys) == -1 ||
        conf_string(c, clk, "clock", "start", NULL, &start) == -1 ||
        conf_bool(c, clk, "clock", "frozen", 0, &frozen) == -1)
        return -1;
    if (start != NULL && timefmt_parse(start, &o->clock_start_ms) == -1)
        return conf_error(c, "clock.start",
                          "\"%s\" is not an RFC 3339 date-time", start);
    o->clock_frozen = frozen;
    return 0;
}

/*
 * Bulk API settings. The defaults: 1,000 ingest rows and 10,000 query
 * rows a second (the order real orgs show for plain records), uploads up
 * to what 150 MB of base64 holds (facts 3.3), and Salesforce's daily
 * allocations (facts 3.9).
 */
static int
load_bulk(struct conf *c, json_t *root, struct org *o)
{
    static const char *const keys[] = {
        "records_per_second", "query_records_per_second", "max_upload_bytes",
        "daily_batches",      "daily_query_jobs",         NULL};
    const char *P = "bulk";
    json_t *b = NULL;
    int rc = -1;

    if (conf_object(c, root, "", P, &b) == -1)
        return -1;
    b = b != NULL ? json_incref(b) : json_object();
    if (conf_check_keys(c, b, P, keys) == 0 &&
        conf_int(c, b, P, "records_per_second", 1, ORG_BULK_MAX_RATE,
                 ORG_BULK_RATE, &o->bulk.records_per_second) == 0 &&
        conf_int(c, b, P, "query_records_per_second", 1, ORG_BULK_MAX_RATE,
                 ORG_BULK_QUERY_RATE, &o->bulk.query_records_per_second) == 0 &&
        conf_int(c, b, P, "max_upload_bytes", 1, ORG_BULK_MAX_UPLOAD,
                 ORG_BULK_MAX_UPLOAD, &o->bulk.max_upload_bytes) == 0 &&
        conf_int(c, b, P, "daily_batches", 0, 100000000, 15000,
                 &o->bulk.daily_batches) == 0 &&
        conf_int(c, b, P, "daily_query_jobs", 0, 100000000, 10000,
                 &o->bulk.daily_query_jobs) == 0)
        rc = 0;
    json_decref(b);
    return rc;
}

static int
load_w2l(struct conf *c, json_t *root, struct org *o)
{
    static const char *const keys[] = {"enabled",
                                       "daily_limit",
                                       "over_limit",
                                       "queue_limit",
                                       "recaptcha_required",
                                       "recaptcha_valid_tokens",
                                       "default_lead_source",
                                       "default_return_url",
                                       "default_lead_creator",
                                       NULL};
    const char *P = "web_to_lead";
    json_t *w = NULL, *tokens = NULL;
    const char *src = NULL, *ret = NULL, *creator = NULL;
    int over = W2L_OVER_DROP;

    if (conf_object(c, root, "", P, &w) == -1)
        return -1;
    if (w == NULL)
        w = json_object(); /* all defaults; borrowed below, freed at end */
    else
        json_incref(w);
    if (conf_check_keys(c, w, P, keys) == -1 ||
        conf_bool(c, w, P, "enabled", 1, &o->w2l.enabled) == -1 ||
        conf_int(c, w, P, "daily_limit", 0, 1000000,
                 edition_w2l_limit(o->edition), &o->w2l.daily_limit) == -1 ||
        conf_enum(c, w, P, "over_limit", over_limit_names, W2L_OVER_DROP,
                  &over) == -1 ||
        conf_int(c, w, P, "queue_limit", 0, 10000000, 50000,
                 &o->w2l.queue_limit) == -1 ||
        conf_bool(c, w, P, "recaptcha_required", 0,
                  &o->w2l.recaptcha_required) == -1 ||
        conf_array(c, w, P, "recaptcha_valid_tokens", &tokens) == -1 ||
        conf_string(c, w, P, "default_lead_source", NULL, &src) == -1 ||
        conf_string(c, w, P, "default_return_url", "https://www.salesforce.com",
                    &ret) == -1 ||
        conf_string(c, w, P, "default_lead_creator", NULL, &creator) == -1)
        goto fail;
    if (tokens != NULL &&
        read_string_list(c, tokens, "web_to_lead.recaptcha_valid_tokens",
                         &o->w2l.recaptcha_tokens) == -1)
        goto fail;
    o->w2l.over_limit = (enum w2l_over_limit)over;
    o->w2l.default_lead_source = dup_or_null(src);
    o->w2l.return_url = xstrdup(ret);
    o->w2l.lead_creator = dup_or_null(creator);
    json_decref(w);
    return 0;
fail:
    json_decref(w);
    return -1;
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
        read_string_list(c, values, conf_join(p, sizeof(p), path, "values"),
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
    default: return 0;
    }
}

static int
load_custom_field(struct conf *c, json_t *f, const char *path,
                  struct org_field *of)
{
    static const char *const keys[] = {
        "object",      "name",       "label",   "type",     "id",
        "length",      "precision",  "scale",   "required", "unique",
        "external_id", "restricted", "default", "values",   NULL};
    const char *object, *name, *label, *type, *dflt;
    char p[CONF_PATH_MAX], id[SFID_LEN15 + 1];
    int64_t length, precision, scale;
    int required, unique, ext, restricted;

    if (!json_is_object(f))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, f, path, keys) == -1 ||
        conf_string(c, f, path, "object", "Lead", &object) == -1 ||
        conf_string(c, f, path, "name", NULL, &name) == -1 ||
        conf_string(c, f, path, "label", NULL, &label) == -1 ||
        conf_string(c, f, path, "type", "text", &type) == -1 ||
        read_id(c, f, path, "id", "00N", NULL, id) == -1 ||
        conf_int(c, f, path, "length", 1, 131072, 0, &length) == -1 ||
        conf_int(c, f, path, "precision", 1, 18, 18, &precision) == -1 ||
        conf_int(c, f, path, "scale", 0, 17, 0, &scale) == -1 ||
        conf_bool(c, f, path, "required", 0, &required) == -1 ||
        conf_bool(c, f, path, "unique", 0, &unique) == -1 ||
        conf_bool(c, f, path, "external_id", 0, &ext) == -1 ||
        conf_bool(c, f, path, "restricted", 0, &restricted) == -1 ||
        conf_string(c, f, path, "default", NULL, &dflt) == -1)
        return -1;
    if (name == NULL)
        return conf_error(c, path, "a custom field needs a \"name\"");
    if (strlen(name) < 4 || strcmp(name + strlen(name) - 3, "__c") != 0)
        return conf_error(c, conf_join(p, sizeof(p), path, "name"),
                          "\"%s\": custom field API names end in __c", name);
    if (strcasecmp(object, "Lead") != 0 && strcasecmp(object, "Contact") != 0 &&
        strcasecmp(object, "Account") != 0)
        return conf_error(c, conf_join(p, sizeof(p), path, "object"),
                          "\"%s\" is not one of: Lead, Contact, Account",
                          object);
    if ((of->type = fieldtype_from_config(type)) == FT_UNKNOWN ||
        of->type == FT_ID || of->type == FT_REFERENCE)
        return conf_error(c, conf_join(p, sizeof(p), path, "type"),
                          "\"%s\" is not one of: text, textarea, email, "
                          "phone, url, picklist, multipicklist, checkbox, "
                          "number, int, currency, percent, date, datetime",
                          type);
    of->object = xstrdup(object);
    of->name = xstrdup(name);
    of->label = xstrdup(label != NULL ? label : name);
    of->id = id[0] != '\0' ? xstrdup(id) : NULL;
    of->length = length ? (int)length : default_length(of->type);
    of->precision = (int)precision;
    of->scale = (int)scale;
    of->flags = (required ? FIELD_REQUIRED : 0) | (unique ? FIELD_UNIQUE : 0) |
                (ext ? FIELD_EXTERNAL_ID : 0) |
                (restricted ? FIELD_RESTRICTED : 0);
    of->default_value = dup_or_null(dflt);
    return load_field_values(c, f, path, of);
}

static int
load_custom_fields(struct conf *c, json_t *root, struct org *o)
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
        if (load_custom_field(c, json_array_get(arr, i), p, of) == -1)
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

static int
load_user(struct conf *c, json_t *u, const char *path, struct org_user *ou,
          size_t index)
{
    static const char *const keys[] = {"username",    "password",   "id",
                                       "email",       "first_name", "last_name",
                                       "api_enabled", NULL};
    const char *username, *password, *email, *first, *last;
    char dflt_id[32];

    if (!json_is_object(u))
        return conf_error(c, path, "must be an object");
    snprintf(dflt_id, sizeof(dflt_id), "005%012u",
             (unsigned)(index % ORG_MAX_ITEMS) + 1);
    if (conf_check_keys(c, u, path, keys) == -1 ||
        conf_string(c, u, path, "username", NULL, &username) == -1 ||
        conf_string(c, u, path, "password", NULL, &password) == -1 ||
        read_id(c, u, path, "id", "005", dflt_id, ou->id) == -1 ||
        conf_string(c, u, path, "email", NULL, &email) == -1 ||
        conf_string(c, u, path, "first_name", NULL, &first) == -1 ||
        conf_string(c, u, path, "last_name", "User", &last) == -1 ||
        conf_bool(c, u, path, "api_enabled", 1, &ou->api_enabled) == -1)
        return -1;
    if (username == NULL || password == NULL)
        return conf_error(c, path,
                          "a user needs \"username\" and "
                          "\"password\"");
    ou->username = xstrdup(username);
    ou->password = xstrdup(password);
    ou->email = xstrdup(email != NULL ? email : username);
    ou->first_name = dup_or_null(first);
    ou->last_name = xstrdup(last);
    return 0;
}

static int
load_app(struct conf *c, json_t *a, const char *path, struct org_app *oa)
{
    static const char *const keys[] = {"name",
                                       "client_id",
                                       "client_secret",
                                       "run_as",
                                       "refresh_token_policy",
                                       "refresh_token_ttl_seconds",
                                       NULL};
    const char *name, *id, *secret, *run_as;
    int policy = REFRESH_UNTIL_REVOKED;

    if (!json_is_object(a))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, a, path, keys) == -1 ||
        conf_string(c, a, path, "name", "Connected App", &name) == -1 ||
        conf_string(c, a, path, "client_id", NULL, &id) == -1 ||
        conf_string(c, a, path, "client_secret", NULL, &secret) == -1 ||
        conf_string(c, a, path, "run_as", NULL, &run_as) == -1 ||
        conf_enum(c, a, path, "refresh_token_policy", refresh_names,
                  REFRESH_UNTIL_REVOKED, &policy) == -1 ||
        conf_int(c, a, path, "refresh_token_ttl_seconds", 1,
                 (int64_t)10 * 365 * 86400, 86400, &oa->refresh_ttl_s) == -1)
        return -1;
    if (id == NULL || secret == NULL)
        return conf_error(c, path,
                          "a connected app needs \"client_id\" and "
                          "\"client_secret\"");
    oa->name = xstrdup(name);
    oa->client_id = xstrdup(id);
    oa->client_secret = xstrdup(secret);
    oa->run_as = dup_or_null(run_as);
    oa->refresh_policy = (enum refresh_policy)policy;
    return 0;
}

/* The contract's test defaults, used when an org file names no users or
 * connected apps of its own. */
static const char default_users_json[] =
    "[{\"username\": \"admin@sfsim.test\", \"password\": \"sfsim-password\","
    " \"id\": \"005000000000001\", \"first_name\": \"Sim\","
    " \"last_name\": \"Admin\"}]";
static const char default_apps_json[] =
    "[{\"name\": \"sfsim\", \"client_id\": \"sfsim-client-id\","
    " \"client_secret\": \"sfsim-client-secret\","
    " \"run_as\": \"admin@sfsim.test\"}]";
/* The same app for an org that names its own users (it has no run-as). */
static const char default_app_no_run_as_json[] =
    "[{\"name\": \"sfsim\", \"client_id\": \"sfsim-client-id\","
    " \"client_secret\": \"sfsim-client-secret\"}]";

/*
 * -1 (located at path.key) when an earlier user has the same username (as
 * org_user_find() compares them: without case) or the same id: the later
 * one could never log in, or two users would own one id.
 */
static int
unique_user(struct conf *c, const struct org *o, size_t i, const char *path)
{
    const struct org_user *u = &o->users[i];
    char p[CONF_PATH_MAX];
    size_t j;

    for (j = 0; j < i; j++) {
        if (strcasecmp(o->users[j].username, u->username) == 0)
            return conf_error(c, conf_join(p, sizeof(p), path, "username"),
                              "duplicate username \"%s\" (users[%zu] has it)",
                              u->username, j);
        if (strcmp(o->users[j].id, u->id) == 0)
            return conf_error(c, conf_join(p, sizeof(p), path, "id"),
                              "duplicate user id %s (users[%zu] has it)", u->id,
                              j);
    }
    return 0;
}

static int
load_users(struct conf *c, json_t *users, struct org *o)
{
    char p[CONF_PATH_MAX];
    size_t i;

    o->users = xcalloc(json_array_size(users) + 1, sizeof(*o->users));
    for (i = 0; i < json_array_size(users); i++) {
        o->nusers = i + 1;
        conf_index(p, sizeof(p), "users", i);
        if (load_user(c, json_array_get(users, i), p, &o->users[i], i) == -1 ||
            unique_user(c, o, i, p) == -1)
            return -1;
    }
    return 0;
}

static int
load_apps(struct conf *c, json_t *apps, struct org *o)
{
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i, j;

    o->apps = xcalloc(json_array_size(apps) + 1, sizeof(*o->apps));
    for (i = 0; i < json_array_size(apps); i++) {
        o->napps = i + 1;
        if (load_app(c, json_array_get(apps, i),
                     conf_index(p, sizeof(p), "connected_apps", i),
                     &o->apps[i]) == -1)
            return -1;
        for (j = 0; j < i; j++)
            if (strcmp(o->apps[j].client_id, o->apps[i].client_id) == 0)
                return conf_error(
                    c, conf_join(q, sizeof(q), p, "client_id"),
                    "duplicate client_id \"%s\" (connected_apps[%zu] has it)",
                    o->apps[i].client_id, j);
        if (o->apps[i].run_as != NULL &&
            org_user_find(o, o->apps[i].run_as) == NULL)
            return conf_error(c, conf_join(q, sizeof(q), p, "run_as"),
                              "no user \"%s\" in users", o->apps[i].run_as);
    }
    return 0;
}

static int
load_users_and_apps(struct conf *c, json_t *root, struct org *o)
{
    json_t *users = NULL, *apps = NULL, *dflt_users = NULL, *dflt_apps = NULL;
    int rc = -1;

    if (conf_array(c, root, "", "users", &users) == -1 ||
        conf_array(c, root, "", "connected_apps", &apps) == -1)
        return -1;
    if (json_array_size(users) > ORG_MAX_ITEMS ||
        json_array_size(apps) > ORG_MAX_ITEMS)
        return conf_error(c, "", "too many users or connected apps");
    if (users == NULL)
        users = dflt_users = json_loads(default_users_json, 0, NULL);
    if (apps == NULL)
        apps = dflt_apps = json_loads(
            dflt_users != NULL ? default_apps_json : default_app_no_run_as_json,
            0, NULL);
    if (load_users(c, users, o) == 0 && load_apps(c, apps, o) == 0)
        rc = 0;
    json_decref(dflt_users);
    json_decref(dflt_apps);
    return rc;
}

static int
load_api(struct conf *c, json_t *root, struct org *o)
{
    int64_t dflt;

    if (conf_bool(c, root, "", "api_enabled", editions[o->edition].api_enabled,
                  &o->api_enabled) == -1 ||
        conf_int(c, root, "", "licenses", 0, 1000000, 10, &o->licenses) == -1)
        return -1;
    dflt = editions[o->edition].api_base +
           editions[o->edition].api_per_licence * o->licenses;
    if (o->edition == EDITION_ESSENTIALS && o->api_enabled)
        return conf_error(c, "api_enabled",
                          "Essentials edition has no API access");
    return conf_int(c, root, "", "api_daily_limit", 0, 1000000000, dflt,
                    &o->api_daily_limit);
}

static int
load_root(struct conf *c, json_t *root, struct org *o)
{
    static const char *const keys[] = {"name",
                                       "edition",
                                       "org_id",
                                       "clock",
                                       "web_to_lead",
                                       "session_timeout_seconds",
                                       "person_accounts",
                                       "api_enabled",
                                       "licenses",
                                       "api_daily_limit",
                                       "custom_fields",
                                       "users",
                                       "connected_apps",
                                       "flows",
                                       "apex_rest",
                                       "validation_rules",
                                       "matching_rules",
                                       "duplicate_rules",
                                       "bulk",
                                       NULL};
    const char *name = NULL;
    int ed = EDITION_ENTERPRISE;

    if (conf_check_keys(c, root, "", keys) == -1 ||
        conf_string(c, root, "", "name", "sfsim org", &name) == -1 ||
        conf_enum(c, root, "", "edition", edition_names, EDITION_ENTERPRISE,
                  &ed) == -1)
        return -1;
    o->name = xstrdup(name);
    o->edition = (enum edition)ed;
    if (read_id(c, root, "", "org_id", "00D", "00D000000000001", o->org_id) ==
            -1 ||
        conf_int(c, root, "", "session_timeout_seconds", 60, 7 * 86400, 7200,
                 &o->session_timeout_s) == -1 ||
        conf_bool(c, root, "", "person_accounts", 0, &o->person_accounts) ==
            -1 ||
        load_api(c, root, o) == -1 || load_clock(c, root, o) == -1 ||
        load_w2l(c, root, o) == -1 || load_bulk(c, root, o) == -1 ||
        load_custom_fields(c, root, o) == -1 ||
        load_users_and_apps(c, root, o) == -1 ||
        org_actions_load(c, root, o) == -1 || org_rules_load(c, root, o) == -1)
        return -1;
    return 0;
}

/*
 * A secret written as ORG_SECRET_MARK: current's for the same owner, or an
 * error at path (no current org, or no such owner in it).
 */
static int
keep_secret(struct conf *c, const char *path, char **secret,
            const char *owner_kind, const char *owner, const char *current)
{
    if (strcmp(*secret, ORG_SECRET_MARK) != 0)
        return 0;
    if (current == NULL)
        return conf_error(c, path,
                          "\"%s\" stands for a secret GET /__sim/org hid; "
                          "it keeps the current %s's secret on PUT "
                          "/__sim/org, and there is no current %s \"%s\"",
                          ORG_SECRET_MARK, owner_kind, owner_kind, owner);
    free(*secret);
    *secret = xstrdup(current);
    return 0;
}

static int
keep_secrets(struct conf *c, struct org *o, const struct org *current)
{
    const struct org_user *u;
    const struct org_app *a;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    for (i = 0; i < o->nusers; i++) {
        u = current != NULL ? org_user_find(current, o->users[i].username)
                            : NULL;
        conf_join(q, sizeof(q), conf_index(p, sizeof(p), "users", i),
                  "password");
        if (keep_secret(c, q, &o->users[i].password, "user",
                        o->users[i].username,
                        u != NULL ? u->password : NULL) == -1)
            return -1;
    }
    for (i = 0; i < o->napps; i++) {
        a = current != NULL ? org_app_find(current, o->apps[i].client_id)
                            : NULL;
        conf_join(q, sizeof(q), conf_index(p, sizeof(p), "connected_apps", i),
                  "client_secret");
        if (keep_secret(c, q, &o->apps[i].client_secret, "connected app",
                        o->apps[i].client_id,
                        a != NULL ? a->client_secret : NULL) == -1)
            return -1;
    }
    return 0;
}

struct org *
org_load_update(const char *label, const char *text, size_t len,
                const struct org *current, struct sf_err *err)
{
    struct conf c = {label, text, len, err};
    struct org *o = xcalloc(1, sizeof(*o));
    json_t *root = NULL;

    if ((root = conf_parse(&c)) == NULL || load_root(&c, root, o) == -1 ||
        keep_secrets(&c, o, current) == -1) {
        org_free(o);
        o = NULL;
    }
    json_decref(root);
    return o;
}

struct org *
org_load_buf(const char *label, const char *text, size_t len,
             struct sf_err *err)
{
    return org_load_update(label, text, len, NULL, err);
}

struct org *
org_load_file(const char *path, struct sf_err *err)
{
    FILE *fp = NULL;
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    struct org *o = NULL;

    if ((fp = fopen(path, "rb")) == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        goto out;
    }
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            text = xrealloc(text, cap + 1);
        }
        got = fread(text + len, 1, cap - len, fp);
        len += got;
        if (len > ORG_FILE_MAX) {
            err_set(err, "%s: larger than %d bytes", path, ORG_FILE_MAX);
            goto out;
        }
    } while (got > 0);
    if (ferror(fp)) {
        err_set(err, "%s: read error", path);
        goto out;
    }
    o = org_load_buf(path, text, len, err);
out:
    if (fp != NULL)
        fclose(fp);
    free(text);
    return o;
}

struct org *
org_default(void)
{
    struct sf_err err;

    err_clear(&err);
    return org_load_buf("built-in default org", default_org_json,
                        sizeof(default_org_json) - 1, &err);
}

void
org_free(struct org *o)
{
    size_t i;

    if (o == NULL)
        return;
    free(o->name);
    free_string_list(o->w2l.recaptcha_tokens);
    free(o->w2l.default_lead_source);
    free(o->w2l.return_url);
    free(o->w2l.lead_creator);
    for (i = 0; i < o->ncustom_fields; i++) {
        struct org_field *f = &o->custom_fields[i];

        free(f->object);
        free(f->name);
        free(f->label);
        free(f->id);
        free(f->default_value);
        free_string_list(f->values);
    }
    free(o->custom_fields);
    for (i = 0; i < o->nusers; i++) {
        free(o->users[i].username);
        free(o->users[i].password);
        free(o->users[i].email);
        free(o->users[i].first_name);
        free(o->users[i].last_name);
    }
    free(o->users);
    for (i = 0; i < o->napps; i++) {
        free(o->apps[i].name);
        free(o->apps[i].client_id);
        free(o->apps[i].client_secret);
        free(o->apps[i].run_as);
    }
    free(o->apps);
    org_actions_free(o);
    org_rules_free(o);
    free(o);
}

const struct org_user *
org_user_find(const struct org *o, const char *username)
{
    size_t i;

    for (i = 0; i < o->nusers; i++)
        if (o->users[i].username != NULL &&
            strcasecmp(o->users[i].username, username) == 0)
            return &o->users[i];
    return NULL;
}

const struct org_flow *
org_flow_find(const struct org *o, const char *api_name)
{
    size_t i;

    for (i = 0; i < o->nflows; i++)
        if (strcmp(o->flows[i].api_name, api_name) == 0)
            return &o->flows[i];
    return NULL;
}

const struct org_app *
org_app_find(const struct org *o, const char *client_id)
{
    size_t i;

    for (i = 0; i < o->napps; i++)
        if (o->apps[i].client_id != NULL &&
            strcmp(o->apps[i].client_id, client_id) == 0)
            return &o->apps[i];
    return NULL;
}

/* --- serialisation -------------------------------------------------------- */

static json_t *
string_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *
string_list_json(char **list)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        json_array_append_new(arr, json_string(list[i]));
    return arr;
}

static json_t *
field_json(const struct org_field *f)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:b}", "object",
                          f->object, "name", f->name, "label", f->label, "type",
                          fieldtype_config_name(f->type), "length",
                          (json_int_t)f->length, "required",
                          (f->flags & FIELD_REQUIRED) != 0, "unique",
                          (f->flags & FIELD_UNIQUE) != 0, "external_id",
                          (f->flags & FIELD_EXTERNAL_ID) != 0);

    if (f->length == 0) /* no length for its type: the loader refuses 0 */
        json_object_del(j, "length");
    if (f->id != NULL)
        json_object_set_new(j, "id", json_string(f->id));
    if (FIELDTYPE_IS_NUMBER(f->type)) {
        json_object_set_new(j, "precision", json_integer(f->precision));
        json_object_set_new(j, "scale", json_integer(f->scale));
    }
    if (f->values != NULL) {
        json_object_set_new(j, "values", string_list_json(f->values));
        json_object_set_new(j, "restricted",
                            json_boolean(f->flags & FIELD_RESTRICTED));
    }
    if (f->default_value != NULL)
        json_object_set_new(j, "default", json_string(f->default_value));
    return j;
}

static json_t *
w2l_json(const struct org *o)
{
    json_t *w = json_pack(
        "{s:b, s:I, s:s, s:I, s:b, s:o, s:o, s:s, s:o}", "enabled",
        o->w2l.enabled, "daily_limit", (json_int_t)o->w2l.daily_limit,
        "over_limit", over_limit_names[o->w2l.over_limit], "queue_limit",
        (json_int_t)o->w2l.queue_limit, "recaptcha_required",
        o->w2l.recaptcha_required, "recaptcha_valid_tokens",
        string_list_json(o->w2l.recaptcha_tokens), "default_lead_source",
        string_or_null(o->w2l.default_lead_source), "default_return_url",
        o->w2l.return_url, "default_lead_creator",
        string_or_null(o->w2l.lead_creator));

    return w;
}

static json_t *
users_json(const struct org *o)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < o->nusers; i++) {
        const struct org_user *u = &o->users[i];

        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:b}", "username",
                           u->username, "password", u->password, "id", u->id,
                           "email", u->email, "first_name",
                           string_or_null(u->first_name), "last_name",
                           u->last_name, "api_enabled", u->api_enabled));
    }
    return arr;
}

static json_t *
apps_json(const struct org *o)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < o->napps; i++) {
        const struct org_app *a = &o->apps[i];

        json_array_append_new(
            arr,
            json_pack("{s:s, s:s, s:s, s:o, s:s, s:I}", "name", a->name,
                      "client_id", a->client_id, "client_secret",
                      a->client_secret, "run_as", string_or_null(a->run_as),
                      "refresh_token_policy", refresh_names[a->refresh_policy],
                      "refresh_token_ttl_seconds",
                      (json_int_t)a->refresh_ttl_s));
    }
    return arr;
}

json_t *
org_to_json(const struct org *o)
{
    json_t *j, *fields = json_array(), *clock = json_object();
    char when[TIMEFMT_LEN];
    size_t i;

    for (i = 0; i < o->ncustom_fields; i++)
        json_array_append_new(fields, field_json(&o->custom_fields[i]));
    if (o->clock_start_ms >= 0)
        json_object_set_new(
            clock, "start",
            json_string(timefmt_rfc3339(o->clock_start_ms, when)));
    json_object_set_new(clock, "frozen", json_boolean(o->clock_frozen));
    j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:b, s:b, s:I, s:I, s:o, "
                  "s:o, s:o}",
                  "name", o->name, "edition", edition_name(o->edition),
                  "org_id", o->org_id, "clock", clock, "web_to_lead",
                  w2l_json(o), "session_timeout_seconds",
                  (json_int_t)o->session_timeout_s, "person_accounts",
                  o->person_accounts, "api_enabled", o->api_enabled, "licenses",
                  (json_int_t)o->licenses, "api_daily_limit",
                  (json_int_t)o->api_daily_limit, "custom_fields", fields,
                  "users", users_json(o), "connected_apps", apps_json(o));
    json_object_set_new(
        j, "bulk",
        json_pack("{s:I, s:I, s:I, s:I, s:I}", "records_per_second",
                  (json_int_t)o->bulk.records_per_second,
                  "query_records_per_second",
                  (json_int_t)o->bulk.query_records_per_second,
                  "max_upload_bytes", (json_int_t)o->bulk.max_upload_bytes,
                  "daily_batches", (json_int_t)o->bulk.daily_batches,
                  "daily_query_jobs", (json_int_t)o->bulk.daily_query_jobs));
    org_actions_json(o, j);
    org_rules_json(o, j);
    return j;
}

void
org_json_redact(json_t *j)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(j, "users"), i, v)
        json_object_set_new(v, "password", json_string(ORG_SECRET_MARK));
    json_array_foreach(json_object_get(j, "connected_apps"), i, v)
        json_object_set_new(v, "client_secret", json_string(ORG_SECRET_MARK));
}
