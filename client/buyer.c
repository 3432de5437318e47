/*
 * buyer.c - the buyer config file format (see buyer.h).
 *
 * keys[] is the format: each key once, with its type, range, default and
 * the member its value lands in. read_object() walks it, checking each
 * object's keys against it first, so that a typo is an error with its
 * position rather than a silently ignored setting; a section's checks
 * across its keys (what is required with what, URLs, names pasted into
 * SOQL) run once its keys are read.
 */
#include "buyer.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "conf.h"
#include "infile.h"
#include "lead.h"
#include "weburl.h"
#include "xmalloc.h"

#define BUYER_FILE_MAX (4 * 1024 * 1024)
#define SUPPRESSION_FILE_MAX (64 * 1024 * 1024)
/* Values in all, inline and from the file: each costs about 100 bytes in
 * memory once normalised and indexed (gate.c). */
#define SUPPRESSION_VALUES_MAX 2000000
#define BUYER_SECTION_KEYS_MAX 24

static const char *const ctype_names[] = {BUYER_FORM_TYPE, BUYER_JSON_TYPE,
                                          NULL};
static const char *const format_names[] = {
    "form", "sobject", "flow", "apexrest", "collection", "bulk", NULL};
static const char *const match_names[] = {"any", "all", NULL};

#define B(m) offsetof(struct buyer, m)
#define F(m) offsetof(struct buyer_filter, m)

/* clang-format off */
static const struct buyer_key keys[] = {
    {.section = "", .name = "name", .type = BUYER_KEY_STRING, .sdflt = "buyer", .off = B(name)},
    {.section = "", .name = "paused", .type = BUYER_KEY_BOOL, .dflt = 0, .off = B(paused)},
    {.section = "", .name = "delivery", .type = BUYER_KEY_SECTION, .required = 1},
    {.section = "delivery", .name = "url", .type = BUYER_KEY_STRING, .required = 1, .off = B(url)},
    {.section = "delivery", .name = "content_type", .type = BUYER_KEY_ENUM, .names = ctype_names, .dflt = -1, .required = 1, .off = B(ctype)},
    {.section = "delivery", .name = "format", .type = BUYER_KEY_ENUM, .names = format_names, .dflt = -1, .off = B(format), .doc = "`\"form\"` (form), `\"sobject\"` (JSON)"},
    {.section = "delivery", .name = "headers", .type = BUYER_KEY_PAIRS, .pairs = BUYER_PAIRS_HEADERS, .off = B(headers), .count_off = B(nheaders)},
    {.section = "delivery", .name = "concurrency", .type = BUYER_KEY_INT, .min = 1, .max = 1024, .dflt = 8, .off = B(concurrency)},
    {.section = "delivery", .name = "connect_timeout_ms", .type = BUYER_KEY_INT, .min = 1, .max = 600000, .dflt = 10000, .off = B(connect_timeout_ms)},
    {.section = "delivery", .name = "timeout_ms", .type = BUYER_KEY_INT, .min = 1, .max = 3600000, .dflt = 30000, .off = B(timeout_ms)},
    {.section = "delivery", .name = "external_id_field", .type = BUYER_KEY_STRING, .off = B(external_id_field)},
    {.section = "delivery", .name = "external_id_from", .type = BUYER_KEY_STRING, .sdflt = "id", .off = B(external_id_from)},
    {.section = "delivery", .name = "ca_file", .type = BUYER_KEY_STRING, .off = B(ca_file), .doc = "the system's store"},
    {.section = "delivery", .name = "object", .type = BUYER_KEY_STRING, .sdflt = "Lead", .off = B(object)},
    {.section = "delivery", .name = "batch_size", .type = BUYER_KEY_INT, .min = 1, .max = 200, .dflt = 200, .off = B(batch_size)},
    {.section = "delivery", .name = "all_or_none", .type = BUYER_KEY_BOOL, .dflt = 0, .off = B(all_or_none)},
    {.section = "delivery", .name = "job_size", .type = BUYER_KEY_INT, .min = 1, .max = 1000000, .dflt = 100000, .off = B(job_size)},
    {.section = "delivery", .name = "poll_ms", .type = BUYER_KEY_INT, .min = 10, .max = 600000, .dflt = 1000, .off = B(poll_ms)},
    {.section = "delivery", .name = "poll_max_ms", .type = BUYER_KEY_INT, .min = 10, .max = 3600000, .dflt = 30000, .off = B(poll_max_ms)},
    {.section = "delivery", .name = "job_wait_seconds", .type = BUYER_KEY_INT, .min = 0, .max = 86400 * 7, .dflt = 3600, .off = B(job_wait_s)},
    {.section = "", .name = "mapping", .type = BUYER_KEY_PAIRS, .pairs = BUYER_PAIRS_STRINGS, .off = B(mapping), .count_off = B(nmapping), .doc = "every top-level field"},
    {.section = "", .name = "static_fields", .type = BUYER_KEY_PAIRS, .pairs = BUYER_PAIRS_SCALARS, .off = B(statics), .count_off = B(nstatics)},
    {.section = "", .name = "auth", .type = BUYER_KEY_SECTION},
    {.section = "auth", .name = "token_url", .type = BUYER_KEY_STRING, .off = B(auth.token_url)},
    {.section = "auth", .name = "client_id", .type = BUYER_KEY_STRING, .off = B(auth.client_id)},
    {.section = "auth", .name = "client_secret", .type = BUYER_KEY_STRING, .off = B(auth.client_secret)},
    {.section = "auth", .name = "refresh_token", .type = BUYER_KEY_STRING, .off = B(auth.refresh_token)},
    {.section = "auth", .name = "session_timeout_seconds", .type = BUYER_KEY_INT, .min = 60, .max = 86400 * 30, .dflt = 7200, .off = B(auth.session_timeout_s)},
    {.section = "auth", .name = "refresh_margin_seconds", .type = BUYER_KEY_INT, .min = 0, .max = 86400, .dflt = 300, .off = B(auth.refresh_margin_s)},
    {.section = "", .name = "retry", .type = BUYER_KEY_SECTION},
    {.section = "retry", .name = "max_retries", .type = BUYER_KEY_INT, .min = 0, .max = 100, .dflt = 3, .off = B(retry.max_retries)},
    {.section = "retry", .name = "backoff_ms", .type = BUYER_KEY_INT, .min = 0, .max = 3600000, .dflt = 500, .off = B(retry.backoff_ms)},
    {.section = "retry", .name = "backoff_max_ms", .type = BUYER_KEY_INT, .min = 0, .max = 86400000, .dflt = 60000, .off = B(retry.backoff_max_ms)},
    {.section = "retry", .name = "retry_after_max_ms", .type = BUYER_KEY_INT, .min = 0, .max = 86400000, .dflt = 120000, .off = B(retry.retry_after_max_ms)},
    {.section = "retry", .name = "jitter", .type = BUYER_KEY_BOOL, .dflt = 1, .off = B(retry.jitter)},
    {.section = "", .name = "filters", .type = BUYER_KEY_LIST, .off = B(filters), .count_off = B(nfilters), .elem_size = sizeof(struct buyer_filter)},
    {.section = "filters[]", .name = "field", .type = BUYER_KEY_STRING, .required = 1, .off = F(field)},
    {.section = "filters[]", .name = "required", .type = BUYER_KEY_BOOL, .dflt = 0, .off = F(required)},
    {.section = "filters[]", .name = "pattern", .type = BUYER_KEY_STRING, .off = F(pattern)},
    {.section = "filters[]", .name = "allowed", .type = BUYER_KEY_STRINGS, .off = F(allowed), .count_off = F(nallowed)},
    {.section = "", .name = "dedup", .type = BUYER_KEY_SECTION},
    {.section = "dedup", .name = "fields", .type = BUYER_KEY_STRINGS, .off = B(dedup.fields), .count_off = B(dedup.nfields)},
    {.section = "dedup", .name = "match", .type = BUYER_KEY_ENUM, .names = match_names, .dflt = 0, .off = B(dedup.match_all)},
    {.section = "dedup", .name = "window_seconds", .type = BUYER_KEY_INT, .min = 1, .max = 86400LL * 3650, .dflt = 30 * 86400, .off = B(dedup.window_s)},
    {.section = "", .name = "suppression", .type = BUYER_KEY_SECTION},
    {.section = "suppression", .name = "fields", .type = BUYER_KEY_STRINGS, .off = B(suppression.fields), .count_off = B(suppression.nfields)},
    {.section = "suppression", .name = "values", .type = BUYER_KEY_STRINGS, .off = B(suppression.values), .count_off = B(suppression.nvalues)},
    {.section = "suppression", .name = "file", .type = BUYER_KEY_STRING, .off = B(suppression.file)},
    {.section = "", .name = "web_to_lead", .type = BUYER_KEY_SECTION},
    {.section = "web_to_lead", .name = "daily_budget", .type = BUYER_KEY_INT, .min = 0, .max = 1000000, .dflt = 500, .off = B(w2l_budget)},
    {.section = "web_to_lead", .name = "window_seconds", .type = BUYER_KEY_INT, .min = 1, .max = 86400LL * 365, .dflt = 86400, .off = B(w2l_window_s)},
    {.section = "", .name = "reconcile", .type = BUYER_KEY_SECTION},
    {.section = "reconcile", .name = "query_url", .type = BUYER_KEY_STRING, .required = 1, .off = B(reconcile.query_url)},
    {.section = "reconcile", .name = "object", .type = BUYER_KEY_STRING, .sdflt = "Lead", .off = B(reconcile.object)},
    {.section = "reconcile", .name = "match_field", .type = BUYER_KEY_STRING, .required = 1, .off = B(reconcile.match_field)},
    {.section = "reconcile", .name = "lead_field", .type = BUYER_KEY_STRING, .sdflt = "id", .off = B(reconcile.lead_field)},
    {.section = "reconcile", .name = "wait_ms", .type = BUYER_KEY_INT, .min = 0, .max = 600000, .dflt = 2000, .off = B(reconcile.wait_ms)},
    {.section = "reconcile", .name = "batch_size", .type = BUYER_KEY_INT, .min = 1, .max = 1000, .dflt = 100, .off = B(reconcile.batch)},
    {.section = "reconcile", .name = "headers", .type = BUYER_KEY_PAIRS, .pairs = BUYER_PAIRS_HEADERS, .off = B(reconcile.headers), .count_off = B(reconcile.nheaders)},
};
/* clang-format on */

#undef B
#undef F

const struct buyer_key *
buyer_keys(size_t *n)
{
    *n = sizeof(keys) / sizeof(keys[0]);
    return keys;
}

/* What a section's checks across its keys see. */
struct reader {
    struct conf *c;
    struct buyer *b;
    const char *dir; /* resolves suppression.file, delivery.ca_file; may be
                        NULL */
};

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

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
pair_error(enum buyer_pairs kind, const char *k, json_t *v)
{
    const char *s = json_string_value(v);

    if (kind == BUYER_PAIRS_SCALARS)
        return json_is_null(v) || json_is_object(v) || json_is_array(v)
                   ? "must be a string, number or boolean"
                   : NULL;
    if (s == NULL)
        return "must be a string";
    if (kind != BUYER_PAIRS_HEADERS)
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
           enum buyer_pairs kind, struct buyer_pair **out, size_t *nout)
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
    json_object_foreach(o, k, v) {
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
    json_array_foreach(a, i, v) {
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

/*
 * delivery.ca_file: certificates (PEM) to trust for https:// besides the
 * system's, for delivery.url and auth.token_url alike (a simulator's own
 * CA). Made relative to the buyer file, and checked to be readable now.
 */
static int
resolve_ca_file(struct reader *r, struct buyer *b)
{
    char *path;
    FILE *fp;

    path = (b->ca_file[0] == '/' || r->dir == NULL)
               ? xstrdup(b->ca_file)
               : xasprintf("%s/%s", r->dir, b->ca_file);
    free(b->ca_file);
    b->ca_file = path;
    if ((fp = fopen(path, "r")) == NULL)
        return conf_error(r->c, "delivery.ca_file", "%s: %s", path,
                          strerror(errno));
    fclose(fp);
    return 0;
}

/* A section is read whole before these run; -1 with the first error. */
static int
check_delivery(struct reader *r, void *at, const char *path)
{
    struct conf *c = r->c;
    struct buyer *b = at;

    (void)path;
    if (b->url == NULL || *b->url == '\0')
        return conf_error(c, "delivery.url", "is required");
    if (check_url(c, "delivery.url", b->url) == -1)
        return -1;
    if (b->ctype == -1)
        return conf_error(c, "delivery.content_type", "is required");
    /* The body shape follows the content type unless a JSON buyer names
     * one; a form body has only one shape. */
    if (b->ctype == BUYER_CT_FORM) {
        if (b->format != -1 && b->format != BUYER_FMT_FORM)
            return conf_error(c, "delivery.format",
                              "a form-encoded buyer must use \"form\"");
        b->format = BUYER_FMT_FORM;
    } else {
        if (b->format == BUYER_FMT_FORM)
            return conf_error(c, "delivery.format",
                              "\"form\" needs application/x-www-form-"
                              "urlencoded");
        if (b->format == -1)
            b->format = BUYER_FMT_SOBJECT;
    }
    if (b->external_id_field != NULL && b->format != BUYER_FMT_SOBJECT &&
        b->format != BUYER_FMT_COLLECTION && b->format != BUYER_FMT_BULK)
        return conf_error(c, "delivery.external_id_field",
                          "upsert needs delivery.format \"sobject\", "
                          "\"collection\" or \"bulk\"");
    /* Bulk results come back in no promised order: the external id is
     * what maps a row back to its lead (and makes a resent row harmless). */
    if (b->format == BUYER_FMT_BULK && b->external_id_field == NULL)
        return conf_error(c, "delivery.external_id_field",
                          "is required with delivery.format \"bulk\"");
    return b->ca_file != NULL ? resolve_ca_file(r, b) : 0;
}

static int
check_auth(struct reader *r, void *at, const char *path)
{
    struct conf *c = r->c;
    struct buyer_auth *a = &((struct buyer *)at)->auth;

    (void)path;
    if (a->refresh_margin_s >= a->session_timeout_s)
        return conf_error(c, "auth.refresh_margin_seconds",
                          "must be less than auth.session_timeout_seconds");
    if (a->token_url != NULL &&
        (a->client_id == NULL || a->refresh_token == NULL))
        return conf_error(c, "auth.token_url",
                          "needs auth.client_id and auth.refresh_token");
    if (a->token_url != NULL &&
        check_url(c, "auth.token_url", a->token_url) == -1)
        return -1;
    return 0;
}

/* One element of filters[] (at path). */
static int
check_filter(struct reader *r, void *at, const char *path)
{
    struct buyer_filter *f = at;
    char p[CONF_PATH_MAX];
    int rc;

    if (f->field == NULL)
        return conf_error(r->c, conf_join(p, sizeof(p), path, "field"),
                          "is required");
    if (f->pattern == NULL)
        return 0;
    rc = regcomp(&f->re, f->pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char why[128];

        regerror(rc, &f->re, why, sizeof(why));
        return conf_error(r->c, conf_join(p, sizeof(p), path, "pattern"),
                          "bad regular expression: %s", why);
    }
    f->has_pattern = 1;
    return 0;
}

/* Appends value (len bytes) to the suppression values, keeping them
 * NULL-terminated; *cap is the array's capacity. */
static void
add_suppression_value(struct buyer_suppression *sp, size_t *cap,
                      const char *value, size_t len)
{
    if (sp->nvalues + 2 > *cap) {
        *cap = *cap * 2 > sp->nvalues + 2 ? *cap * 2 : sp->nvalues + 2;
        sp->values = xreallocarray(sp->values, *cap, sizeof(char *));
    }
    sp->values[sp->nvalues++] = xmemdup0(value, len);
    sp->values[sp->nvalues] = NULL;
}

/*
 * Appends the non-empty, non-comment lines of file (LF or CR LF ends, a
 * UTF-8 byte-order mark skipped) to the values. The file is read whole,
 * within SUPPRESSION_FILE_MAX bytes; a read error (a directory) is an
 * error with the path, as are a NUL byte and more than
 * SUPPRESSION_VALUES_MAX values in all.
 */
static int
load_suppression_file(struct conf *c, struct buyer *b, const char *file,
                      const char *dir)
{
    struct buyer_suppression *sp = &b->suppression;
    struct sf_err ferr = {.set = 0};
    struct buf text = {0};
    const char *p, *end, *nl;
    size_t cap = sp->nvalues + 1, len;
    char *path;
    long line = 0;
    int rc = -1;

    path = (file[0] == '/' || dir == NULL) ? xstrdup(file)
                                           : xasprintf("%s/%s", dir, file);
    if (infile_read(&text, path, SUPPRESSION_FILE_MAX, &ferr) == -1) {
        conf_error(c, "suppression.file", "%s", ferr.msg);
        goto out;
    }
    p = text.data != NULL ? text.data : "";
    end = p + text.len;
    if (text.len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    for (; p < end; p = nl + 1) {
        line++;
        if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
            nl = end;
        for (len = (size_t)(nl - p); len > 0 && p[len - 1] == '\r'; len--)
            ;
        if (len == 0 || p[0] == '#')
            continue;
        if (memchr(p, '\0', len) != NULL) {
            conf_error(c, "suppression.file", "%s:%ld: a NUL byte", path, line);
            goto out;
        }
        if (sp->nvalues >= SUPPRESSION_VALUES_MAX) {
            conf_error(c, "suppression.file", "%s:%ld: more than %d values",
                       path, line, SUPPRESSION_VALUES_MAX);
            goto out;
        }
        add_suppression_value(sp, &cap, p, len);
    }
    rc = 0;
out:
    buf_free(&text);
    free(path);
    return rc;
}

static int
check_suppression(struct reader *r, void *at, const char *path)
{
    struct buyer *b = at;

    (void)path;
    if (b->suppression.file != NULL &&
        load_suppression_file(r->c, b, b->suppression.file, r->dir) == -1)
        return -1;
    if (b->suppression.nvalues > 0 && b->suppression.nfields == 0)
        return conf_error(r->c, "suppression.fields",
                          "is required with suppression values");
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
check_reconcile(struct reader *r, void *at, const char *path)
{
    struct conf *c = r->c;
    struct buyer *b = at;
    struct buyer_reconcile *rc = &b->reconcile;

    (void)path;
    if (rc->query_url == NULL || *rc->query_url == '\0')
        return conf_error(c, "reconcile.query_url", "is required");
    if (check_url(c, "reconcile.query_url", rc->query_url) == -1)
        return -1;
    if (rc->match_field == NULL)
        return conf_error(c, "reconcile.match_field", "is required");
    if (!soql_name(rc->match_field))
        return conf_error(c, "reconcile.match_field",
                          "must be a field API name (letters, digits, _)");
    if (!soql_name(rc->object))
        return conf_error(c, "reconcile.object",
                          "must be an object API name (letters, digits, _)");
    if (b->ctype != BUYER_CT_FORM)
        return conf_error(c, "reconcile",
                          "only Web-to-Lead (form) buyers are reconciled; "
                          "the API reports its own failures");
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

typedef int check_fn(struct reader *r, void *at, const char *path);

/* The checks across a section's keys, for a section that is present. */
static const struct section_check {
    const char *section;
    check_fn *check;
} section_checks[] = {
    {"delivery", check_delivery},   {"auth", check_auth},
    {"filters[]", check_filter},    {"suppression", check_suppression},
    {"reconcile", check_reconcile}, {NULL, NULL},
};

static int
check_section(struct reader *r, const char *section, void *at, const char *path)
{
    for (const struct section_check *s = section_checks; s->section != NULL;
         s++)
        if (strcmp(s->section, section) == 0)
            return s->check(r, at, path);
    return 0;
}

static int read_object(struct reader *r, const char *section, json_t *o,
                       const char *path, char *base);

/* Reads the value of key k of o (at path; o may be NULL: defaults) into
 * base + k->off. */
static int read_key(struct reader *r, const struct buyer_key *k, json_t *o,
                    const char *path, char *base);

/* The section key k of o: an object of more keys, or, when absent, their
 * defaults. */
static int
read_section(struct reader *r, const struct buyer_key *k, json_t *o,
             const char *path, char *base)
{
    json_t *v = NULL;
    char p[CONF_PATH_MAX];

    conf_join(p, sizeof(p), path, k->name);
    if (conf_object(r->c, o, path, k->name, &v) == -1)
        return -1;
    if (v == NULL && k->required)
        return conf_error(r->c, p, "is required");
    if (read_object(r, p, v, p, base) == -1)
        return -1;
    return v != NULL ? check_section(r, p, base, p) : 0;
}

/* The list key k of o: an array of objects, each read into an element. */
static int
read_list(struct reader *r, const struct buyer_key *k, json_t *o,
          const char *path, char *base)
{
    json_t *a = NULL, *v;
    char section[CONF_PATH_MAX + 2], p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    char **elems = (char **)(void *)(base + k->off);
    size_t *n = (size_t *)(void *)(base + k->count_off), i;

    if (conf_array(r->c, o, path, k->name, &a) == -1)
        return -1;
    if (a == NULL)
        return 0;
    conf_join(p, sizeof(p), path, k->name);
    snprintf(section, sizeof(section), "%s[]", p);
    *elems = xcalloc(json_array_size(a) + 1, k->elem_size);
    json_array_foreach(a, i, v) {
        char *elem = *elems + i * k->elem_size;

        /* Counted before reading, so buyer_free() sees a half-read one. */
        *n = i + 1;
        conf_index(q, sizeof(q), p, i);
        if (!json_is_object(v))
            return conf_error(r->c, q, "must be an object");
        if (read_object(r, section, v, q, elem) == -1 ||
            check_section(r, section, elem, q) == -1)
            return -1;
    }
    return 0;
}

static int
read_key(struct reader *r, const struct buyer_key *k, json_t *o,
         const char *path, char *base)
{
    void *at = base + k->off;
    void *count = base + k->count_off;
    const char *s = NULL;

    switch (k->type) {
    case BUYER_KEY_SECTION: return read_section(r, k, o, path, base);
    case BUYER_KEY_LIST: return read_list(r, k, o, path, base);
    case BUYER_KEY_INT:
        return conf_int(r->c, o, path, k->name, k->min, k->max, k->dflt, at);
    case BUYER_KEY_BOOL:
        return conf_bool(r->c, o, path, k->name, (int)k->dflt, at);
    case BUYER_KEY_ENUM:
        return conf_enum(r->c, o, path, k->name, k->names, (int)k->dflt, at);
    case BUYER_KEY_STRING:
        if (conf_string(r->c, o, path, k->name, k->sdflt, &s) == -1)
            return -1;
        *(char **)at = dup_or_null(s);
        return 0;
    case BUYER_KEY_PAIRS:
        return load_pairs(r->c, o, path, k->name, k->pairs, at, count);
    case BUYER_KEY_STRINGS:
        return load_strings(r->c, o, path, k->name, at, count);
    }
    return -1;
}

/*
 * The keys of section (as keys[] names it) from o, at path: o's own keys
 * must all be in the table; then each key is read in the table's order
 * (o NULL: every key gets its default).
 */
static int
read_object(struct reader *r, const char *section, json_t *o, const char *path,
            char *base)
{
    const char *allowed[BUYER_SECTION_KEYS_MAX + 1];
    size_t n = 0;

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(keys[i].section, section) == 0 && n < BUYER_SECTION_KEYS_MAX)
            allowed[n++] = keys[i].name;
    allowed[n] = NULL;
    if (o != NULL && conf_check_keys(r->c, o, path, allowed) == -1)
        return -1;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(keys[i].section, section) == 0 &&
            read_key(r, &keys[i], o, path, base) == -1)
            return -1;
    return 0;
}

int
buyer_load_text(struct buyer *b, const char *label, const char *text,
                size_t len, const char *dir, struct sf_err *err)
{
    struct conf c = {.label = label, .text = text, .len = len, .err = err};
    struct reader r = {.c = &c, .b = b, .dir = dir};
    json_t *root = NULL;
    int rc = -1;

    memset(b, 0, sizeof(*b));
    root = conf_parse(&c);
    if (root == NULL)
        goto out;
    if (read_object(&r, "", root, "", (char *)b) == -1)
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
    free(b->object);
    free_pairs(b->headers, b->nheaders);
    free_pairs(b->mapping, b->nmapping);
    free_pairs(b->statics, b->nstatics);
    free(b->auth.token_url);
    free(b->auth.client_id);
    free(b->auth.client_secret);
    free(b->auth.refresh_token);
    for (i = 0; i < b->nfilters; i++) {
        free(b->filters[i].field);
        free(b->filters[i].pattern);
        if (b->filters[i].has_pattern)
            regfree(&b->filters[i].re);
        free_strings(b->filters[i].allowed, b->filters[i].nallowed);
    }
    free(b->filters);
    free_strings(b->dedup.fields, b->dedup.nfields);
    free_strings(b->suppression.fields, b->suppression.nfields);
    free_strings(b->suppression.values, b->suppression.nvalues);
    free(b->suppression.file);
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
