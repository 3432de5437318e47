/*
 * buyer.c - the buyer config file format (see buyer.h).
 *
 * Each section has its own small reader that checks its keys against an
 * allow-list first, so that a typo is an error with its position rather
 * than a silently ignored setting. Defaults live next to the getter calls.
 */
#include "buyer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "conf.h"
#include "lead.h"
#include "weburl.h"
#include "xmalloc.h"

#define BUYER_FILE_MAX (4 * 1024 * 1024)
#define SUPPRESSION_FILE_MAX (64 * 1024 * 1024)

static const char *const top_keys[] = {
    "name",        "paused",    "delivery", "mapping", "static_fields",
    "auth",        "retry",     "filters",  "dedup",   "suppression",
    "web_to_lead", "reconcile", NULL};
static const char *const delivery_keys[] = {"url",
                                            "content_type",
                                            "format",
                                            "headers",
                                            "concurrency",
                                            "connect_timeout_ms",
                                            "timeout_ms",
                                            "external_id_field",
                                            "external_id_from",
                                            "ca_file",
                                            NULL};
static const char *const auth_keys[] = {"token_url",
                                        "client_id",
                                        "client_secret",
                                        "refresh_token",
                                        "session_timeout_seconds",
                                        "refresh_margin_seconds",
                                        NULL};
static const char *const retry_keys[] = {"max_retries",    "backoff_ms",
                                         "backoff_max_ms", "retry_after_max_ms",
                                         "jitter",         NULL};
static const char *const filter_keys[] = {"field", "required", "pattern",
                                          "allowed", NULL};
static const char *const dedup_keys[] = {"fields", "match", "window_seconds",
                                         NULL};
static const char *const suppression_keys[] = {"fields", "values", "file",
                                               NULL};
static const char *const w2l_keys[] = {"daily_budget", "window_seconds", NULL};
static const char *const reconcile_keys[] = {
    "query_url", "object",     "match_field", "lead_field",
    "wait_ms",   "batch_size", "headers",     NULL};

static const char *const ctype_names[] = {BUYER_FORM_TYPE, BUYER_JSON_TYPE,
                                          NULL};
static const char *const format_names[] = {"form", "sobject", "flow",
                                           "apexrest", NULL};
static const char *const match_names[] = {"any", "all", NULL};

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

/* What the values of an object of pairs may be. */
enum pairs_kind {
    PAIRS_STRINGS, /* strings */
    PAIRS_SCALARS, /* strings, numbers, booleans (sent as text) */
    PAIRS_HEADERS  /* HTTP header names and values, sent as given */
};

/* 1 when name is an HTTP header name (an RFC 9110 token). */
static int
header_name(const char *name)
{
    if (*name == '\0')
        return 0;
    for (; *name != '\0'; name++)
        if (!((*name >= 'a' && *name <= 'z') ||
              (*name >= 'A' && *name <= 'Z') ||
              (*name >= '0' && *name <= '9') ||
              strchr("!#$%&'*+-.^_`|~", *name) != NULL))
            return 0;
    return 1;
}

/* Why v (at path) cannot be a value of this kind, or NULL. */
static const char *
pair_error(enum pairs_kind kind, const char *k, json_t *v)
{
    const char *s = json_string_value(v);

    if (kind == PAIRS_SCALARS)
        return json_is_null(v) || json_is_object(v) || json_is_array(v)
                   ? "must be a string, number or boolean"
                   : NULL;
    if (s == NULL)
        return "must be a string";
    if (kind != PAIRS_HEADERS)
        return NULL;
    if (!header_name(k))
        return "not a header name (letters, digits and !#$%&'*+-.^_`|~)";
    /* A line break would start a header of its own. */
    if (strcspn(s, "\r\n") != json_string_length(v))
        return "a header value may not hold a line break";
    return NULL;
}

/* Reads an object of name -> value at path.key. */
static int
load_pairs(struct conf *c, json_t *obj, const char *path, const char *key,
           enum pairs_kind kind, struct buyer_pair **out, size_t *nout)
{
    json_t *o = NULL, *v;
    const char *k, *why;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t n = 0;

    if (conf_object(c, obj, path, key, &o) == -1)
        return -1;
    if (o == NULL)
        return 0;
    *out = xcalloc(json_object_size(o) + 1, sizeof(**out));
    json_object_foreach(o, k, v)
    {
        why = pair_error(kind, k, v);
        if (why != NULL)
            return conf_error(
                c,
                conf_join(q, sizeof(q), conf_join(p, sizeof(p), path, key), k),
                "%s", why);
        (*out)[n].key = xstrdup(k);
        (*out)[n].value = lead_scalar_string(v);
        *nout = ++n;
    }
    return 0;
}

/* Reads an array of strings; absent leaves *out NULL. */
static int
load_strings(struct conf *c, json_t *obj, const char *path, const char *key,
             char ***out, size_t *nout)
{
    json_t *a = NULL, *v;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    if (conf_array(c, obj, path, key, &a) == -1)
        return -1;
    if (a == NULL)
        return 0;
    *out = xcalloc(json_array_size(a) + 1, sizeof(**out));
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v)) {
            conf_join(p, sizeof(p), path, key);
            return conf_error(c, conf_index(q, sizeof(q), p, i),
                              "must be a string");
        }
        (*out)[i] = xstrdup(json_string_value(v));
        *nout = i + 1;
    }
    return 0;
}

/* A URL sfdeliver sends to (weburl_check()), located at path. */
static int
check_url(struct conf *c, const char *path, const char *url)
{
    char why[256];

    if (weburl_check(url, why, sizeof(why)) == -1)
        return conf_error(c, path, "%s", why);
    return 0;
}

static int
load_delivery(struct conf *c, struct buyer *b, json_t *root)
{
    json_t *d = NULL;
    const char *url = NULL, *ext = NULL, *from = NULL;
    int ctype = 0, format = -1;

    if (conf_object(c, root, "", "delivery", &d) == -1)
        return -1;
    if (d == NULL)
        return conf_error(c, "delivery", "is required");
    if (conf_check_keys(c, d, "delivery", delivery_keys) == -1 ||
        conf_string(c, d, "delivery", "url", NULL, &url) == -1 ||
        conf_enum(c, d, "delivery", "content_type", ctype_names, -1, &ctype) ==
            -1 ||
        conf_enum(c, d, "delivery", "format", format_names, -1, &format) ==
            -1 ||
        load_pairs(c, d, "delivery", "headers", PAIRS_HEADERS, &b->headers,
                   &b->nheaders) == -1 ||
        conf_int(c, d, "delivery", "concurrency", 1, 1024, 8,
                 &b->concurrency) == -1 ||
        conf_int(c, d, "delivery", "connect_timeout_ms", 1, 600000, 10000,
                 &b->connect_timeout_ms) == -1 ||
        conf_int(c, d, "delivery", "timeout_ms", 1, 3600000, 30000,
                 &b->timeout_ms) == -1 ||
        conf_string(c, d, "delivery", "external_id_field", NULL, &ext) == -1 ||
        conf_string(c, d, "delivery", "external_id_from", "id", &from) == -1)
        return -1;
    if (url == NULL || *url == '\0')
        return conf_error(c, "delivery.url", "is required");
    if (check_url(c, "delivery.url", url) == -1)
        return -1;
    if (ctype == -1)
        return conf_error(c, "delivery.content_type", "is required");
    b->url = xstrdup(url);
    b->ctype = (enum buyer_ctype)ctype;
    /* The body shape follows the content type unless a JSON buyer names
     * one; a form body has only one shape. */
    if (b->ctype == BUYER_CT_FORM) {
        if (format != -1 && format != BUYER_FMT_FORM)
            return conf_error(c, "delivery.format",
                              "a form-encoded buyer must use \"form\"");
        b->format = BUYER_FMT_FORM;
    } else {
        if (format == BUYER_FMT_FORM)
            return conf_error(c, "delivery.format",
                              "\"form\" needs application/x-www-form-"
                              "urlencoded");
        b->format =
            format == -1 ? BUYER_FMT_SOBJECT : (enum buyer_format)format;
    }
    if (ext != NULL && b->format != BUYER_FMT_SOBJECT)
        return conf_error(c, "delivery.external_id_field",
                          "upsert needs delivery.format \"sobject\"");
    b->external_id_field = dup_or_null(ext);
    b->external_id_from = xstrdup(from);
    return 0;
}

static int
load_auth(struct conf *c, struct buyer *b, json_t *root)
{
    json_t *a = NULL;
    const char *s[4] = {NULL, NULL, NULL, NULL};

    if (conf_object(c, root, "", "auth", &a) == -1)
        return -1;
    b->auth.session_timeout_s = 7200;
    b->auth.refresh_margin_s = 300;
    if (a == NULL)
        return 0;
    if (conf_check_keys(c, a, "auth", auth_keys) == -1 ||
        conf_string(c, a, "auth", "token_url", NULL, &s[0]) == -1 ||
        conf_string(c, a, "auth", "client_id", NULL, &s[1]) == -1 ||
        conf_string(c, a, "auth", "client_secret", NULL, &s[2]) == -1 ||
        conf_string(c, a, "auth", "refresh_token", NULL, &s[3]) == -1 ||
        conf_int(c, a, "auth", "session_timeout_seconds", 60, 86400 * 30, 7200,
                 &b->auth.session_timeout_s) == -1 ||
        conf_int(c, a, "auth", "refresh_margin_seconds", 0, 86400, 300,
                 &b->auth.refresh_margin_s) == -1)
        return -1;
    if (b->auth.refresh_margin_s >= b->auth.session_timeout_s)
        return conf_error(c, "auth.refresh_margin_seconds",
                          "must be less than auth.session_timeout_seconds");
    if (s[0] != NULL && (s[1] == NULL || s[3] == NULL))
        return conf_error(c, "auth.token_url",
                          "needs auth.client_id and auth.refresh_token");
    if (s[0] != NULL && check_url(c, "auth.token_url", s[0]) == -1)
        return -1;
    b->auth.token_url = dup_or_null(s[0]);
    b->auth.client_id = dup_or_null(s[1]);
    b->auth.client_secret = dup_or_null(s[2]);
    b->auth.refresh_token = dup_or_null(s[3]);
    return 0;
}

static int
load_retry(struct conf *c, struct buyer *b, json_t *root)
{
    json_t *r = NULL;

    if (conf_object(c, root, "", "retry", &r) == -1)
        return -1;
    if (r != NULL && conf_check_keys(c, r, "retry", retry_keys) == -1)
        return -1;
    /* conf_int applies the default when r (NULL) or the key is absent. */
    if (conf_int(c, r, "retry", "max_retries", 0, 100, 3,
                 &b->retry.max_retries) == -1 ||
        conf_int(c, r, "retry", "backoff_ms", 0, 3600000, 500,
                 &b->retry.backoff_ms) == -1 ||
        conf_int(c, r, "retry", "backoff_max_ms", 0, 86400000, 60000,
                 &b->retry.backoff_max_ms) == -1 ||
        conf_int(c, r, "retry", "retry_after_max_ms", 0, 86400000, 120000,
                 &b->retry.retry_after_max_ms) == -1 ||
        conf_bool(c, r, "retry", "jitter", 1, &b->retry.jitter) == -1)
        return -1;
    return 0;
}

static int
load_filter(struct conf *c, struct buyer_filter *f, json_t *o, const char *path)
{
    const char *field = NULL, *pattern = NULL;
    char p[CONF_PATH_MAX];
    int rc;

    if (!json_is_object(o))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, o, path, filter_keys) == -1 ||
        conf_string(c, o, path, "field", NULL, &field) == -1 ||
        conf_bool(c, o, path, "required", 0, &f->required) == -1 ||
        conf_string(c, o, path, "pattern", NULL, &pattern) == -1 ||
        load_strings(c, o, path, "allowed", &f->allowed, &f->nallowed) == -1)
        return -1;
    if (field == NULL)
        return conf_error(c, conf_join(p, sizeof(p), path, "field"),
                          "is required");
    f->field = xstrdup(field);
    if (pattern != NULL) {
        rc = regcomp(&f->re, pattern, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[128];

            regerror(rc, &f->re, why, sizeof(why));
            return conf_error(c, conf_join(p, sizeof(p), path, "pattern"),
                              "bad regular expression: %s", why);
        }
        f->has_pattern = 1;
    }
    return 0;
}

static int
load_filters(struct conf *c, struct buyer *b, json_t *root)
{
    json_t *a = NULL, *v;
    char p[CONF_PATH_MAX];
    size_t i;

    if (conf_array(c, root, "", "filters", &a) == -1)
        return -1;
    if (a == NULL)
        return 0;
    b->filters = xcalloc(json_array_size(a) + 1, sizeof(*b->filters));
    json_array_foreach(a, i, v)
    {
        /* Counted before loading so buyer_free() sees a half-built one. */
        b->nfilters = i + 1;
        if (load_filter(c, &b->filters[i], v,
                        conf_index(p, sizeof(p), "filters", i)) == -1)
            return -1;
    }
    return 0;
}

static int
load_dedup(struct conf *c, struct buyer *b, json_t *root)
{
    json_t *d = NULL;
    int match = 0;

    b->dedup.window_s = 30 * 86400;
    if (conf_object(c, root, "", "dedup", &d) == -1)
        return -1;
    if (d == NULL)
        return 0;
    if (conf_check_keys(c, d, "dedup", dedup_keys) == -1 ||
        load_strings(c, d, "dedup", "fields", &b->dedup.fields,
                     &b->dedup.nfields) == -1 ||
        conf_enum(c, d, "dedup", "match", match_names, 0, &match) == -1 ||
        conf_int(c, d, "dedup", "window_seconds", 1, 86400LL * 3650, 30 * 86400,
                 &b->dedup.window_s) == -1)
        return -1;
    b->dedup.match_all = match == 1;
    return 0;
}

/* Appends the non-empty, non-comment lines of file to the values. */
static int
load_suppression_file(struct conf *c, struct buyer *b, const char *file,
                      const char *dir)
{
    char *path = NULL, *line = NULL;
    size_t cap = 0, n = b->suppression.nvalues;
    ssize_t len;
    FILE *fp = NULL;
    int rc = -1;

    path = (file[0] == '/' || dir == NULL) ? xstrdup(file)
                                           : xasprintf("%s/%s", dir, file);
    fp = fopen(path, "r");
    if (fp == NULL) {
        conf_error(c, "suppression.file", "%s: %s", path, strerror(errno));
        goto out;
    }
    while ((len = getline(&line, &cap, fp)) != -1) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        b->suppression.values =
            xreallocarray(b->suppression.values, n + 2, sizeof(char *));
        b->suppression.values[n++] = xstrdup(line);
        b->suppression.values[n] = NULL;
        b->suppression.nvalues = n;
    }
    rc = 0;
out:
    if (fp != NULL)
        fclose(fp);
    free(line);
    free(path);
    return rc;
}

static int
load_suppression(struct conf *c, struct buyer *b, json_t *root, const char *dir)
{
    json_t *s = NULL;
    const char *file = NULL;

    if (conf_object(c, root, "", "suppression", &s) == -1)
        return -1;
    if (s == NULL)
        return 0;
    if (conf_check_keys(c, s, "suppression", suppression_keys) == -1 ||
        load_strings(c, s, "suppression", "fields", &b->suppression.fields,
                     &b->suppression.nfields) == -1 ||
        load_strings(c, s, "suppression", "values", &b->suppression.values,
                     &b->suppression.nvalues) == -1 ||
        conf_string(c, s, "suppression", "file", NULL, &file) == -1)
        return -1;
    if (file != NULL && load_suppression_file(c, b, file, dir) == -1)
        return -1;
    if (b->suppression.nvalues > 0 && b->suppression.nfields == 0)
        return conf_error(c, "suppression.fields",
                          "is required with suppression values");
    return 0;
}

static int
load_w2l(struct conf *c, struct buyer *b, json_t *root)
{
    json_t *w = NULL;

    if (conf_object(c, root, "", "web_to_lead", &w) == -1)
        return -1;
    if (w != NULL && conf_check_keys(c, w, "web_to_lead", w2l_keys) == -1)
        return -1;
    if (conf_int(c, w, "web_to_lead", "daily_budget", 0, 1000000, 500,
                 &b->w2l_budget) == -1 ||
        conf_int(c, w, "web_to_lead", "window_seconds", 1, 86400LL * 365, 86400,
                 &b->w2l_window_s) == -1)
        return -1;
    return 0;
}

/* A SOQL identifier: it is pasted into the query, so nothing else. */
static int
soql_name(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static int
load_reconcile(struct conf *c, struct buyer *b, json_t *root)
{
    struct buyer_reconcile *rc = &b->reconcile;
    const char *s[4] = {NULL, NULL, NULL, NULL};
    json_t *r = NULL;

    if (conf_object(c, root, "", "reconcile", &r) == -1)
        return -1;
    if (r == NULL)
        return 0;
    if (conf_check_keys(c, r, "reconcile", reconcile_keys) == -1 ||
        conf_string(c, r, "reconcile", "query_url", NULL, &s[0]) == -1 ||
        conf_string(c, r, "reconcile", "object", "Lead", &s[1]) == -1 ||
        conf_string(c, r, "reconcile", "match_field", NULL, &s[2]) == -1 ||
        conf_string(c, r, "reconcile", "lead_field", "id", &s[3]) == -1 ||
        conf_int(c, r, "reconcile", "wait_ms", 0, 600000, 2000, &rc->wait_ms) ==
            -1 ||
        conf_int(c, r, "reconcile", "batch_size", 1, 1000, 100, &rc->batch) ==
            -1 ||
        load_pairs(c, r, "reconcile", "headers", PAIRS_HEADERS, &rc->headers,
                   &rc->nheaders) == -1)
        return -1;
    if (s[0] == NULL || *s[0] == '\0')
        return conf_error(c, "reconcile.query_url", "is required");
    if (check_url(c, "reconcile.query_url", s[0]) == -1)
        return -1;
    if (s[2] == NULL)
        return conf_error(c, "reconcile.match_field", "is required");
    if (!soql_name(s[2]))
        return conf_error(c, "reconcile.match_field",
                          "must be a field API name (letters, digits, _)");
    if (!soql_name(s[1]))
        return conf_error(c, "reconcile.object",
                          "must be an object API name (letters, digits, _)");
    if (b->ctype != BUYER_CT_FORM)
        return conf_error(c, "reconcile",
                          "only Web-to-Lead (form) buyers are reconciled; "
                          "the API reports its own failures");
    rc->query_url = xstrdup(s[0]);
    rc->object = xstrdup(s[1]);
    rc->match_field = xstrdup(s[2]);
    rc->lead_field = xstrdup(s[3]);
    if (!buyer_can_refresh(b)) {
        for (size_t i = 0; i < rc->nheaders; i++)
            if (strcasecmp(rc->headers[i].key, "Authorization") == 0)
                return 0;
        return conf_error(c, "reconcile",
                          "needs API credentials: auth.token_url, "
                          "auth.client_id and auth.refresh_token, or an "
                          "Authorization header in reconcile.headers");
    }
    return 0;
}

/*
 * delivery.ca_file: certificates (PEM) to trust for https:// besides the
 * system's, for delivery.url and auth.token_url alike (a simulator's own
 * CA). Relative to the buyer file; checked to be readable now.
 */
static int
load_ca_file(struct conf *c, struct buyer *b, json_t *root, const char *dir)
{
    json_t *d = json_object_get(root, "delivery");
    const char *file = NULL;
    char *path;
    FILE *fp;

    if (conf_string(c, d, "delivery", "ca_file", NULL, &file) == -1)
        return -1;
    if (file == NULL)
        return 0;
    path = (file[0] == '/' || dir == NULL) ? xstrdup(file)
                                           : xasprintf("%s/%s", dir, file);
    if ((fp = fopen(path, "r")) == NULL) {
        conf_error(c, "delivery.ca_file", "%s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    fclose(fp);
    b->ca_file = path;
    return 0;
}

static int
load_root(struct conf *c, struct buyer *b, json_t *root, const char *dir)
{
    const char *name = NULL;

    if (conf_check_keys(c, root, "", top_keys) == -1 ||
        conf_string(c, root, "", "name", "buyer", &name) == -1 ||
        conf_bool(c, root, "", "paused", 0, &b->paused) == -1)
        return -1;
    b->name = xstrdup(name);
    if (load_delivery(c, b, root) == -1 ||
        load_ca_file(c, b, root, dir) == -1 ||
        load_pairs(c, root, "", "mapping", PAIRS_STRINGS, &b->mapping,
                   &b->nmapping) == -1 ||
        load_pairs(c, root, "", "static_fields", PAIRS_SCALARS, &b->statics,
                   &b->nstatics) == -1 ||
        load_auth(c, b, root) == -1 || load_retry(c, b, root) == -1 ||
        load_filters(c, b, root) == -1 || load_dedup(c, b, root) == -1 ||
        load_suppression(c, b, root, dir) == -1 || load_w2l(c, b, root) == -1 ||
        load_reconcile(c, b, root) == -1)
        return -1;
    return 0;
}

int
buyer_load_text(struct buyer *b, const char *label, const char *text,
                size_t len, const char *dir, struct sf_err *err)
{
    struct conf c = {.label = label, .text = text, .len = len, .err = err};
    json_t *root = NULL;
    int rc = -1;

    memset(b, 0, sizeof(*b));
    root = conf_parse(&c);
    if (root == NULL)
        goto out;
    if (load_root(&c, b, root, dir) == -1)
        goto out;
    rc = 0;
out:
    if (rc == -1)
        buyer_free(b);
    json_decref(root);
    return rc;
}

int
buyer_load(struct buyer *b, const char *path, struct sf_err *err)
{
    char *text = NULL, *dir = NULL, *slash;
    size_t len = 0;
    FILE *fp = NULL;
    int rc = -1;

    memset(b, 0, sizeof(*b));
    fp = fopen(path, "r");
    if (fp == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        goto out;
    }
    text = xmalloc(BUYER_FILE_MAX + 1);
    len = fread(text, 1, BUYER_FILE_MAX + 1, fp);
    if (ferror(fp) || len > BUYER_FILE_MAX) {
        err_set(err, "%s: %s", path,
                ferror(fp) ? "read error" : "file too large");
        goto out;
    }
    text[len] = '\0';
    dir = xstrdup(path);
    slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
    else {
        free(dir);
        dir = xstrdup(".");
    }
    rc = buyer_load_text(b, path, text, len, dir, err);
out:
    if (fp != NULL)
        fclose(fp);
    free(text);
    free(dir);
    return rc;
}

static void
free_pairs(struct buyer_pair *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].key);
        free(p[i].value);
    }
    free(p);
}

static void
free_strings(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

void
buyer_free(struct buyer *b)
{
    size_t i;

    free(b->name);
    free(b->url);
    free(b->ca_file);
    free(b->external_id_field);
    free(b->external_id_from);
    free_pairs(b->headers, b->nheaders);
    free_pairs(b->mapping, b->nmapping);
    free_pairs(b->statics, b->nstatics);
    free(b->auth.token_url);
    free(b->auth.client_id);
    free(b->auth.client_secret);
    free(b->auth.refresh_token);
    for (i = 0; i < b->nfilters; i++) {
        free(b->filters[i].field);
        if (b->filters[i].has_pattern)
            regfree(&b->filters[i].re);
        free_strings(b->filters[i].allowed, b->filters[i].nallowed);
    }
    free(b->filters);
    free_strings(b->dedup.fields, b->dedup.nfields);
    free_strings(b->suppression.fields, b->suppression.nfields);
    free_strings(b->suppression.values, b->suppression.nvalues);
    free(b->reconcile.query_url);
    free(b->reconcile.object);
    free(b->reconcile.match_field);
    free(b->reconcile.lead_field);
    free_pairs(b->reconcile.headers, b->reconcile.nheaders);
    memset(b, 0, sizeof(*b));
}

const char *
buyer_static(const struct buyer *b, const char *key)
{
    for (size_t i = 0; i < b->nstatics; i++)
        if (strcmp(b->statics[i].key, key) == 0)
            return b->statics[i].value;
    return NULL;
}

const char *
buyer_header(const struct buyer *b, const char *name)
{
    for (size_t i = 0; i < b->nheaders; i++)
        if (strcasecmp(b->headers[i].key, name) == 0)
            return b->headers[i].value;
    return NULL;
}

void
buyer_set_header(struct buyer *b, const char *name, const char *value)
{
    for (size_t i = 0; i < b->nheaders; i++)
        if (strcasecmp(b->headers[i].key, name) == 0) {
            free(b->headers[i].value);
            b->headers[i].value = xstrdup(value);
            return;
        }
    b->headers =
        xreallocarray(b->headers, b->nheaders + 1, sizeof(*b->headers));
    b->headers[b->nheaders].key = xstrdup(name);
    b->headers[b->nheaders].value = xstrdup(value);
    b->nheaders++;
}

int
buyer_can_refresh(const struct buyer *b)
{
    return b->auth.token_url != NULL && b->auth.client_id != NULL &&
           b->auth.refresh_token != NULL;
}

int
buyer_uses_token(const struct buyer *b)
{
    return b->ctype == BUYER_CT_JSON && buyer_can_refresh(b);
}

int
buyer_reconciles(const struct buyer *b)
{
    return b->reconcile.query_url != NULL;
}

const char *
buyer_w2l_oid(const struct buyer *b)
{
    const char *oid;

    if (b->ctype != BUYER_CT_FORM)
        return NULL;
    oid = buyer_static(b, "oid");
    /* A form buyer without a static oid still gets a budget, keyed by its
     * URL, so that nothing form-encoded escapes the count. */
    return oid != NULL ? oid : b->url;
}
