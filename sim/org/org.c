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

/* org_type: Organization.OrganizationType, one of the values of its
 * picklist (Essentials and Performance have none of their own: the
 * nearest, see the README's fidelity notes). */
static const struct {
    const char *name;
    int api_enabled;
    int64_t w2l_limit;
    int64_t api_base, api_per_licence;
    const char *org_type;
} editions[EDITION_COUNT] = {
    [EDITION_ESSENTIALS] = {"Essentials", 0, 500, 0, 0, "Base Edition"},
    [EDITION_PROFESSIONAL] = {"Professional", 0, 500, 100000, 1000,
                              "Professional Edition"},
    [EDITION_ENTERPRISE] = {"Enterprise", 1, 500, 100000, 1000,
                            "Enterprise Edition"},
    [EDITION_UNLIMITED] = {"Unlimited", 1, 500, 100000, 5000,
                           "Unlimited Edition"},
    /* 2,500 as our seed page states; Salesforce's help says 500. */
    [EDITION_PERFORMANCE] = {"Performance", 1, 2500, 100000, 5000,
                             "Unlimited Edition"},
    [EDITION_DEVELOPER] = {"Developer", 1, 500, 15000, 0, "Developer Edition"},
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

const char *
edition_organization_type(enum edition e)
{
    return editions[e].org_type;
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

int
org_read_id(struct conf *c, json_t *obj, const char *path, const char *key,
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

void
org_strings_free(char **list)
{
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        free(list[i]);
    free(list);
}

int
org_strings_read(struct conf *c, json_t *arr, const char *path, char ***out)
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
            org_strings_free(list);
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

/* What the Organization record says about the org. */
static int
load_identity(struct conf *c, json_t *root, struct org *o)
{
    const char *instance = NULL, *trial = NULL;
    size_t i, n;

    o->trial_expiration_ms = -1;
    if (conf_string(c, root, "", "instance_name", "NA1", &instance) == -1 ||
        conf_bool(c, root, "", "sandbox", 0, &o->sandbox) == -1 ||
        conf_string(c, root, "", "trial_expiration", NULL, &trial) == -1)
        return -1;
    n = strlen(instance);
    for (i = 0; i < n; i++)
        if (!((instance[i] >= 'A' && instance[i] <= 'Z') ||
              (instance[i] >= 'a' && instance[i] <= 'z') ||
              (instance[i] >= '0' && instance[i] <= '9')))
            break;
    if (n == 0 || n > ORG_INSTANCE_NAME_MAX || i < n)
        return conf_error(c, "instance_name",
                          "must be 1 to %d letters and digits",
                          ORG_INSTANCE_NAME_MAX);
    memcpy(o->instance_name, instance, n + 1);
    if (trial != NULL && timefmt_parse(trial, &o->trial_expiration_ms) == -1)
        return conf_error(c, "trial_expiration",
                          "\"%s\" is not an RFC 3339 date-time", trial);
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
        org_strings_read(c, tokens, "web_to_lead.recaptcha_valid_tokens",
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

/*
 * A 15-character id for a name that has none in the file (a profile's or
 * a role's): prefix and 12 base-62 characters of the name's FNV-1a hash,
 * so every user with that profile gets the same id, run after run.
 */
void
org_derived_id(const char *prefix, const char *name, char out[SFID_LEN15 + 1])
{
    static const char digits[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint64_t h = 1469598103934665603ULL;
    int i;

    for (; *name != '\0'; name++)
        h = (h ^ (unsigned char)*name) * 1099511628211ULL;
    memcpy(out, prefix, 3);
    for (i = SFID_LEN15 - 1; i >= 3; i--) {
        out[i] = digits[h % 62];
        h /= 62;
    }
    out[SFID_LEN15] = '\0';
}

/* What formulas read of a user: profile, role, permissions, fields. */
static int
load_user_context(struct conf *c, json_t *u, const char *path,
                  struct org_user *ou)
{
    const char *profile, *role;
    json_t *perms = NULL, *fields = NULL;
    char p[CONF_PATH_MAX], dflt_role[SFID_LEN15 + 1];

    if (conf_string(c, u, path, "profile", ORG_PROFILE_ADMIN, &profile) == -1 ||
        conf_string(c, u, path, "role", NULL, &role) == -1 ||
        conf_array(c, u, path, "permissions", &perms) == -1 ||
        conf_object(c, u, path, "fields", &fields) == -1)
        return -1;
    if (profile[0] == '\0' || strlen(profile) > 255)
        return conf_error(c, conf_join(p, sizeof(p), path, "profile"),
                          "must be 1 to 255 characters");
    ou->profile = xstrdup(profile);
    ou->role = role != NULL && *role != '\0' ? xstrdup(role) : NULL;
    org_derived_id("00E", ou->role != NULL ? ou->role : "", dflt_role);
    /* A profile_id not given is filled in by load_users(). */
    if (org_read_id(c, u, path, "profile_id", "00e", NULL, ou->profile_id) ==
            -1 ||
        org_read_id(c, u, path, "role_id", "00E",
                    ou->role != NULL ? dflt_role : NULL, ou->role_id) == -1)
        return -1;
    if (perms != NULL &&
        org_strings_read(c, perms, conf_join(p, sizeof(p), path, "permissions"),
                         &ou->permissions) == -1)
        return -1;
    ou->fields = fields != NULL ? json_deep_copy(fields) : json_object();
    return 0;
}

static int
load_user(struct conf *c, json_t *u, const char *path, struct org_user *ou,
          size_t index)
{
    static const char *const keys[] = {
        "username",       "password",    "id",          "email",
        "first_name",     "last_name",   "api_enabled", "active",
        "security_token", "profile",     "profile_id",  "role",
        "role_id",        "permissions", "fields",      NULL};
    const char *username, *password, *email, *first, *last;
    char dflt_id[32];

    if (!json_is_object(u))
        return conf_error(c, path, "must be an object");
    snprintf(dflt_id, sizeof(dflt_id), "005%012u",
             (unsigned)(index % ORG_MAX_ITEMS) + 1);
    if (conf_check_keys(c, u, path, keys) == -1 ||
        conf_string(c, u, path, "username", NULL, &username) == -1 ||
        conf_string(c, u, path, "password", NULL, &password) == -1 ||
        org_read_id(c, u, path, "id", "005", dflt_id, ou->id) == -1 ||
        conf_string(c, u, path, "email", NULL, &email) == -1 ||
        conf_string(c, u, path, "first_name", NULL, &first) == -1 ||
        conf_string(c, u, path, "last_name", "User", &last) == -1 ||
        conf_bool(c, u, path, "api_enabled", 1, &ou->api_enabled) == -1 ||
        org_logins_user_load(c, u, path, ou) == -1)
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
    return load_user_context(c, u, path, ou);
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
                                       "certificate",
                                       "certificate_file",
                                       "permitted_users",
                                       "approved_users",
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
    for (i = 0; i < o->nusers; i++)
        if (o->users[i].profile_id[0] == '\0')
            org_profile_id(o, o->users[i].profile, o->users[i].profile_id);
    return 0;
}

static int
load_apps(struct conf *c, json_t *apps, const char *dir, struct org *o)
{
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i, j;

    o->apps = xcalloc(json_array_size(apps) + 1, sizeof(*o->apps));
    for (i = 0; i < json_array_size(apps); i++) {
        o->napps = i + 1;
        if (load_app(c, json_array_get(apps, i),
                     conf_index(p, sizeof(p), "connected_apps", i),
                     &o->apps[i]) == -1 ||
            org_logins_app_load(c, json_array_get(apps, i), p, dir, o,
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
load_users_and_apps(struct conf *c, json_t *root, const char *dir,
                    struct org *o)
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
    if (load_users(c, users, o) == 0 && load_apps(c, apps, dir, o) == 0)
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
load_root(struct conf *c, json_t *root, const char *dir, struct org *o)
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
                                       "custom_objects",
                                       "users",
                                       "connected_apps",
                                       "flows",
                                       "apex_rest",
                                       "validation_rules",
                                       "matching_rules",
                                       "duplicate_rules",
                                       "instance_name",
                                       "sandbox",
                                       "trial_expiration",
                                       "my_domain",
                                       "bulk",
                                       "record_types",
                                       "custom_settings",
                                       "custom_permissions",
                                       "labels",
                                       "custom_metadata",
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
    if (org_read_id(c, root, "", "org_id", "00D", "00D000000000001",
                    o->org_id) == -1 ||
        conf_int(c, root, "", "session_timeout_seconds", 60, 7 * 86400, 7200,
                 &o->session_timeout_s) == -1 ||
        conf_bool(c, root, "", "person_accounts", 0, &o->person_accounts) ==
            -1 ||
        load_api(c, root, o) == -1 || load_clock(c, root, o) == -1 ||
        load_identity(c, root, o) == -1 || load_w2l(c, root, o) == -1 ||
        load_bulk(c, root, o) == -1 || org_objects_load(c, root, o) == -1 ||
        org_fields_load(c, root, o) == -1 || org_objects_check(c, o) == -1 ||
        load_users_and_apps(c, root, dir, o) == -1 ||
        org_logins_root_load(c, root, o) == -1 ||
        org_actions_load(c, root, o) == -1 ||
        org_formula_load(c, root, o) == -1 || org_rules_load(c, root, o) == -1)
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
        conf_join(q, sizeof(q), p, "security_token");
        if (o->users[i].security_token != NULL &&
            keep_secret(c, q, &o->users[i].security_token, "user",
                        o->users[i].username,
                        u != NULL ? u->security_token : NULL) == -1)
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

/* dir: the org file's directory, for relative file names; NULL for a
 * text that is not a file's. */
static struct org *
load_org(const char *label, const char *dir, const char *text, size_t len,
         const struct org *current, struct sf_err *err)
{
    struct conf c = {label, text, len, err};
    struct org *o = xcalloc(1, sizeof(*o));
    json_t *root = NULL;

    if ((root = conf_parse(&c)) == NULL || load_root(&c, root, dir, o) == -1 ||
        keep_secrets(&c, o, current) == -1) {
        org_free(o);
        o = NULL;
    }
    json_decref(root);
    return o;
}

struct org *
org_load_update(const char *label, const char *text, size_t len,
                const struct org *current, struct sf_err *err)
{
    return load_org(label, NULL, text, len, current, err);
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
    char *text = NULL, *dir = NULL;
    const char *slash;
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
    /* A certificate file is named relative to the org file. */
    slash = strrchr(path, '/');
    dir = slash == NULL   ? xstrdup(".")
          : slash == path ? xstrdup("/")
                          : xasprintf("%.*s", (int)(slash - path), path);
    o = load_org(path, dir, text, len, NULL, err);
out:
    free(dir);
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
    org_strings_free(o->w2l.recaptcha_tokens);
    free(o->w2l.default_lead_source);
    free(o->w2l.return_url);
    free(o->w2l.lead_creator);
    org_fields_free(o);
    org_objects_free(o);
    for (i = 0; i < o->nusers; i++) {
        org_logins_user_free(&o->users[i]);
        free(o->users[i].username);
        free(o->users[i].password);
        free(o->users[i].email);
        free(o->users[i].first_name);
        free(o->users[i].last_name);
        free(o->users[i].profile);
        free(o->users[i].role);
        org_strings_free(o->users[i].permissions);
        json_decref(o->users[i].fields);
    }
    free(o->users);
    for (i = 0; i < o->napps; i++) {
        org_logins_app_free(&o->apps[i]);
        free(o->apps[i].name);
        free(o->apps[i].client_id);
        free(o->apps[i].client_secret);
        free(o->apps[i].run_as);
    }
    free(o->apps);
    free(o->my_domain);
    org_actions_free(o);
    org_rules_free(o);
    org_formula_free(o);
    free(o);
}

/* name's place among System Administrator, Standard User and the users'
 * other profiles in first-mention order, from 1; 0 when no user has it. */
static size_t
profile_place(const struct org *o, const char *name)
{
    size_t i, k, n = 2;

    if (strcmp(name, ORG_PROFILE_ADMIN) == 0)
        return 1;
    if (strcmp(name, ORG_PROFILE_STANDARD) == 0)
        return 2;
    for (i = 0; i < o->nusers; i++) {
        const char *p = o->users[i].profile;

        if (strcmp(p, ORG_PROFILE_ADMIN) == 0 ||
            strcmp(p, ORG_PROFILE_STANDARD) == 0)
            continue;
        for (k = 0; k < i && strcmp(o->users[k].profile, p) != 0; k++)
            ;
        if (k < i)
            continue;
        n++;
        if (strcmp(p, name) == 0)
            return n;
    }
    return 0;
}

void
org_profile_id(const struct org *o, const char *name, char out[SFID_LEN15 + 1])
{
    size_t i, place;

    for (i = 0; i < o->nusers; i++)
        if (o->users[i].profile_id[0] != '\0' &&
            strcmp(o->users[i].profile, name) == 0) {
            memcpy(out, o->users[i].profile_id, SFID_LEN15 + 1);
            return;
        }
    if ((place = profile_place(o, name)) == 0) {
        org_derived_id("00e", name, out);
        return;
    }
    /* At most ORG_MAX_ITEMS + 2 of them: 12 digits are plenty. */
    snprintf(out, SFID_LEN15 + 1, "00e%012u", (unsigned)place);
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

const struct org_user *
org_user_by_id(const struct org *o, const char *id)
{
    char id15[SFID_LEN15 + 1];
    size_t i;

    if (id == NULL || sfid_normalize(id, strlen(id), id15) == -1)
        return NULL;
    for (i = 0; i < o->nusers; i++)
        if (strcmp(o->users[i].id, id15) == 0)
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

json_t *
org_strings_json(char **list)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        json_array_append_new(arr, json_string(list[i]));
    return arr;
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
        org_strings_json(o->w2l.recaptcha_tokens), "default_lead_source",
        string_or_null(o->w2l.default_lead_source), "default_return_url",
        o->w2l.return_url, "default_lead_creator",
        string_or_null(o->w2l.lead_creator));

    return w;
}

static json_t *
user_json(const struct org_user *u)
{
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:s, s:s}", "username",
                  u->username, "password", u->password, "id", u->id, "email",
                  u->email, "first_name", string_or_null(u->first_name),
                  "last_name", u->last_name, "api_enabled", u->api_enabled,
                  "profile", u->profile, "profile_id", u->profile_id);

    if (u->role != NULL) {
        json_object_set_new(j, "role", json_string(u->role));
        json_object_set_new(j, "role_id", json_string(u->role_id));
    }
    if (u->permissions != NULL)
        json_object_set_new(j, "permissions", org_strings_json(u->permissions));
    if (json_object_size(u->fields) > 0)
        json_object_set_new(j, "fields", json_deep_copy(u->fields));
    return j;
}

static json_t *
users_json(const struct org *o)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < o->nusers; i++) {
        json_t *j = user_json(&o->users[i]);

        org_logins_user_json(&o->users[i], j);
        json_array_append_new(arr, j);
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
        json_t *j = json_pack(
            "{s:s, s:s, s:s, s:o, s:s, s:I}", "name", a->name, "client_id",
            a->client_id, "client_secret", a->client_secret, "run_as",
            string_or_null(a->run_as), "refresh_token_policy",
            refresh_names[a->refresh_policy], "refresh_token_ttl_seconds",
            (json_int_t)a->refresh_ttl_s);

        org_logins_app_json(a, j);
        json_array_append_new(arr, j);
    }
    return arr;
}

json_t *
org_to_json(const struct org *o)
{
    json_t *j, *clock = json_object();
    char when[TIMEFMT_LEN];

    if (o->clock_start_ms >= 0)
        json_object_set_new(
            clock, "start",
            json_string(timefmt_rfc3339(o->clock_start_ms, when)));
    json_object_set_new(clock, "frozen", json_boolean(o->clock_frozen));
    j = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:I, s:b, s:b, s:I, s:I, s:o, "
        "s:o, s:o}",
        "name", o->name, "edition", edition_name(o->edition), "org_id",
        o->org_id, "clock", clock, "web_to_lead", w2l_json(o),
        "session_timeout_seconds", (json_int_t)o->session_timeout_s,
        "person_accounts", o->person_accounts, "api_enabled", o->api_enabled,
        "licenses", (json_int_t)o->licenses, "api_daily_limit",
        (json_int_t)o->api_daily_limit, "custom_fields", org_fields_json(o),
        "users", users_json(o), "connected_apps", apps_json(o));
    json_object_set_new(j, "instance_name", json_string(o->instance_name));
    json_object_set_new(j, "sandbox", json_boolean(o->sandbox));
    json_object_set_new(
        j, "trial_expiration",
        o->trial_expiration_ms >= 0
            ? json_string(timefmt_rfc3339(o->trial_expiration_ms, when))
            : json_null());
    org_objects_json(o, j);
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
    org_formula_json(o, j);
    org_rules_json(o, j);
    org_logins_root_json(o, j);
    return j;
}

void
org_json_redact(json_t *j)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(j, "users"), i, v) {
        json_object_set_new(v, "password", json_string(ORG_SECRET_MARK));
        if (json_object_get(v, "security_token") != NULL)
            json_object_set_new(v, "security_token",
                                json_string(ORG_SECRET_MARK));
    }
    json_array_foreach(json_object_get(j, "connected_apps"), i, v)
        json_object_set_new(v, "client_secret", json_string(ORG_SECRET_MARK));
}
