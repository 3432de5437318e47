/*
 * payload.c - lead -> request body and URL (see payload.h).
 */
#include "payload.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jwrite.h"
#include "utf8.h"
#include "xmalloc.h"

struct field {
    const char *name;  /* borrowed from the buyer or the lead */
    const char *value; /* own, or borrowed from the buyer */
    char *own;         /* owned; NULL when value is borrowed */
};

#define PAYLOAD_FIELDS_INLINE 16
/* Staged "name":"value" of a field whose bytes need no escape. */
#define PAYLOAD_STAGE 512

/* The fields of one request: in inl while they fit (no allocation for the
 * usual few), else in an owned array. Start with fields_init(). */
struct fields {
    struct field *v; /* inl, or owned; room for cap */
    size_t n, cap;
    struct field inl[PAYLOAD_FIELDS_INLINE];
};

static void
fields_init(struct fields *f)
{
    f->v = f->inl;
    f->n = 0;
    f->cap = PAYLOAD_FIELDS_INLINE;
}

static int
fields_has(const struct fields *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].name, name) == 0)
            return 1;
    return 0;
}

/* Sets name to value (borrowed) unless it is set already: the first
 * value of a name wins. Takes own (may be NULL), which value may point
 * into. */
static void
fields_add(struct fields *f, const char *name, const char *value, char *own)
{
    if (value == NULL || fields_has(f, name)) {
        free(own);
        return;
    }
    if (f->n == f->cap) {
        struct field *v = xreallocarray(NULL, f->cap * 2, sizeof(*v));

        memcpy(v, f->v, f->n * sizeof(*v));
        if (f->v != f->inl)
            free(f->v);
        f->v = v;
        f->cap *= 2;
    }
    f->v[f->n].name = name;
    f->v[f->n].value = value;
    f->v[f->n].own = own;
    f->n++;
}

static void
fields_free(struct fields *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].own);
    if (f->v != f->inl)
        free(f->v);
}

/* Adds the lead value at path under name, as the string it is sent as:
 * strings as they are (borrowed from the lead), booleans as "1"/"0" in a
 * form, other scalars converted; absent values not at all. */
static void
add_value(struct fields *f, const struct buyer *b, const struct lead *l,
          const char *name, const char *path)
{
    json_t *v = lead_get(l, path);
    char *s;

    if (v == NULL)
        return;
    if (json_is_string(v))
        fields_add(f, name, json_string_value(v), NULL);
    else if (json_is_boolean(v) && b->ctype == BUYER_CT_FORM)
        fields_add(f, name, json_is_true(v) ? "1" : "0", NULL);
    else {
        s = lead_value_string(v);
        fields_add(f, name, s, s);
    }
}

/*
 * Mapped values first, then static fields as defaults for what the lead did
 * not supply. Without a mapping every scalar top-level field but "id" goes
 * under its own name.
 */
static void
collect(const struct buyer *b, const struct lead *l, struct fields *f)
{
    const char *key;
    json_t *v;
    size_t i;

    if (b->nmapping > 0) {
        for (i = 0; i < b->nmapping; i++)
            add_value(f, b, l, b->mapping[i].value, b->mapping[i].key);
    } else {
        json_object_foreach(l->data, key, v) {
            if (strcmp(key, "id") == 0 || json_is_object(v) ||
                json_is_array(v) || json_is_null(v))
                continue;
            add_value(f, b, l, key, key);
        }
    }
    for (i = 0; i < b->nstatics; i++)
        fields_add(f, b->statics[i].key, b->statics[i].value, NULL);
}

/* 1 for the bytes a form value carries as they are: [A-Za-z0-9*-._]. */
static int
form_plain(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '*' || c == '-' || c == '.' ||
           c == '_';
}

int
payload_form_escape(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        const unsigned char *run = p;
        char esc[3] = {'%', 0, 0};
        int rc;

        /* Plain runs go in with one append: most of a lead is plain. */
        while (form_plain(*p))
            p++;
        if (p > run && buf_append(out, run, (size_t)(p - run)) == -1)
            return -1;
        if (*p == '\0')
            break;
        if (*p == ' ')
            rc = buf_putc(out, '+');
        else {
            esc[1] = hex[*p >> 4];
            esc[2] = hex[*p & 15];
            rc = buf_append(out, esc, sizeof(esc));
        }
        if (rc == -1)
            return -1;
        p++;
    }
    return 0;
}

int
payload_path_escape(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p;

    for (p = (const unsigned char *)s; *p != '\0'; p++) {
        int rc;

        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
            rc = buf_putc(out, (char)*p);
        else
            rc = buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
        if (rc == -1)
            return -1;
    }
    return 0;
}

char *
payload_w2l_url(const char *url)
{
    const char *q = strchr(url, '?');

    if (q != NULL &&
        (strstr(q, "?encoding=") != NULL || strstr(q, "&encoding=") != NULL))
        return xstrdup(url);
    if (q == NULL)
        return xasprintf("%s?encoding=UTF-8", url);
    /* "...?" and "...&" need no separator of their own. */
    if (url[strlen(url) - 1] == '?' || url[strlen(url) - 1] == '&')
        return xasprintf("%sencoding=UTF-8", url);
    return xasprintf("%s&encoding=UTF-8", url);
}

static int
body_form(const struct fields *f, struct buf *out)
{
    for (size_t i = 0; i < f->n; i++) {
        if ((i > 0 && buf_putc(out, '&') == -1) ||
            payload_form_escape(out, f->v[i].name) == -1 ||
            buf_putc(out, '=') == -1 ||
            payload_form_escape(out, f->v[i].value) == -1)
            return -1;
    }
    return 0;
}

/* 1 for a name and value json_object_set_new(o, name, json_string(value))
 * takes: jansson refuses either when it is not UTF-8 (a CSV cell, say),
 * and the member is then left out. */
static int
field_ok(const struct field *fl)
{
    return utf8_valid(fl->name, strlen(fl->name)) &&
           utf8_valid(fl->value, strlen(fl->value));
}

/* Drops from f what jansson would not take (field_ok()), keeping the
 * order of the rest. */
static void
fields_keep_ok(struct fields *f)
{
    size_t m = 0;

    for (size_t i = 0; i < f->n; i++) {
        if (field_ok(&f->v[i]))
            f->v[m++] = f->v[i];
        else
            free(f->v[i].own);
    }
    f->n = m;
}

/*
 * Appends "name":"value" (after a comma when comma is set), as jwrite_key()
 * and jwrite_str() write it; in one piece when neither needs an escape
 * and both are short, as nearly always. 0, or -1 when out is full.
 */
static int
put_field(struct buf *out, int comma, const struct field *fl)
{
    char tmp[PAYLOAD_STAGE];
    size_t nn = strlen(fl->name), nv = strlen(fl->value), t = 0;

    if (nn + nv + 6 > sizeof(tmp) || jwrite_plain_run(fl->name, nn) != nn ||
        jwrite_plain_run(fl->value, nv) != nv)
        return jwrite_key(out, comma, fl->name, nn) == -1 ||
                       jwrite_str(out, fl->value, nv) == -1
                   ? -1
                   : 0;
    if (comma)
        tmp[t++] = ',';
    tmp[t++] = '"';
    memcpy(tmp + t, fl->name, nn);
    t += nn;
    memcpy(tmp + t, "\":\"", 3);
    t += 3;
    memcpy(tmp + t, fl->value, nv);
    t += nv;
    tmp[t++] = '"';
    return buf_append(out, tmp, t);
}

/* Appends "name":"value" for f[from..n) but the name skip (may be NULL),
 * comma-separated, a comma first unless *first. */
static int
put_fields(struct buf *out, const struct fields *f, size_t from,
           const char *skip, int *first)
{
    for (size_t i = from; i < f->n; i++) {
        if (skip != NULL && strcmp(f->v[i].name, skip) == 0)
            continue;
        if (put_field(out, !*first, &f->v[i]) == -1)
            return -1;
        *first = 0;
    }
    return 0;
}

/*
 * The JSON body: the fields as an object of strings (inside {"inputs":
 * [...]} for a flow), the text json_dumps(JSON_COMPACT) gave of it, written
 * directly. An upsert names its key in the URL; Salesforce refuses it in
 * the body as well.
 */
static int
body_json(const struct buyer *b, struct fields *f, struct buf *out)
{
    int first = 1, rc;

    fields_keep_ok(f);
    rc = buf_puts(out, b->format == BUYER_FMT_FLOW ? "{\"inputs\":[{" : "{");
    if (rc == 0)
        rc = put_fields(out, f, 0, b->external_id_field, &first);
    if (rc == 0)
        rc = buf_puts(out, b->format == BUYER_FMT_FLOW ? "}]}" : "}");
    return rc;
}

/* The upsert URL: <url without trailing '/'>/<field>/<escaped value>. */
static int
upsert_url(const struct buyer *b, const struct lead *l, struct payload *p,
           struct sf_err *err)
{
    char *value = lead_get_string(l, b->external_id_from);
    size_t n = strlen(b->url);
    struct buf u;
    int rc = -1;

    buf_init(&u, 64 * 1024);
    if (value == NULL || *value == '\0') {
        err_set(err, "no value for the external id (lead field \"%s\")",
                b->external_id_from);
        goto out;
    }
    while (n > 0 && b->url[n - 1] == '/')
        n--;
    if (buf_append(&u, b->url, n) == -1 ||
        buf_printf(&u, "/%s/", b->external_id_field) == -1 ||
        payload_path_escape(&u, value) == -1) {
        err_set(err, "upsert URL too long");
        goto out;
    }
    p->url = buf_steal(&u, NULL);
    p->method = "PATCH";
    rc = 0;
out:
    buf_free(&u);
    free(value);
    return rc;
}

int
payload_build(const struct buyer *b, const struct lead *l, struct payload *out,
              struct sf_err *err)
{
    struct fields f;
    struct buf body;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    buf_init(&body, PAYLOAD_BODY_MAX);
    out->method = "POST";
    fields_init(&f);
    collect(b, l, &f);
    if (b->ctype == BUYER_CT_FORM) {
        out->content_type = BUYER_FORM_TYPE;
        out->url = payload_w2l_url(b->url);
        rc = body_form(&f, &body);
    } else {
        out->content_type = BUYER_JSON_TYPE;
        if (b->external_id_field != NULL)
            rc = upsert_url(b, l, out, err);
        else {
            out->url = xstrdup(b->url);
            rc = 0;
        }
        if (rc == 0)
            rc = body_json(b, &f, &body);
    }
    if (rc == -1 || body.toobig) {
        err_set(err, "request body larger than %d bytes", PAYLOAD_BODY_MAX);
        payload_free(out);
        rc = -1;
        goto out;
    }
    buf_puts(&body, "");
    out->body = buf_steal(&body, &out->len);
out:
    buf_free(&body);
    fields_free(&f);
    return rc;
}

/*
 * The members of l's record in their order, as payload_record() sets them:
 * the upsert key first, then the collected fields it does not name (the
 * first value of a name wins, as ever), each only if jansson takes it
 * (field_ok()). Returns 0, or -1 with err when an upsert has no key value.
 */
static int
record_members(const struct buyer *b, const struct lead *l, struct fields *m,
               struct sf_err *err)
{
    if (b->external_id_field != NULL) {
        char *key = lead_get_string(l, b->external_id_from);
        struct field k = {b->external_id_field, key, key};

        if (key == NULL || *key == '\0') {
            err_set(err, "no value for the external id (lead field \"%s\")",
                    b->external_id_from);
            free(key);
            return -1;
        }
        if (field_ok(&k))
            fields_add(m, k.name, key, key);
        else
            free(key);
    }
    collect(b, l, m);
    fields_keep_ok(m);
    return 0;
}

json_t *
payload_record(const struct buyer *b, const struct lead *l, struct sf_err *err)
{
    struct fields m;
    json_t *obj = NULL;

    fields_init(&m);
    if (record_members(b, l, &m, err) == 0) {
        obj = json_object();
        for (size_t i = 0; i < m.n; i++)
            json_object_set_new(obj, m.v[i].name, json_string(m.v[i].value));
    }
    fields_free(&m);
    return obj;
}

int
payload_record_text(const struct buyer *b, const struct lead *l,
                    struct buf *out, struct sf_err *err)
{
    struct fields m;
    size_t attrs = 0, i;
    int first = 0, rc = -1;

    fields_init(&m);
    if (record_members(b, l, &m, err) == -1)
        goto out;
    /* A member named "attributes" takes the place of the type object, as
     * json_object_update() of the record into {"attributes": ...} left it;
     * it is moved to the front of m, the others keeping their order. */
    while (attrs < m.n && strcmp(m.v[attrs].name, "attributes") != 0)
        attrs++;
    buf_puts(out, "{\"attributes\":");
    if (attrs < m.n) {
        struct field a = m.v[attrs];

        jwrite_str(out, a.value, strlen(a.value));
        for (i = attrs; i > 0; i--)
            m.v[i] = m.v[i - 1];
        m.v[0] = a;
    } else {
        buf_puts(out, "{\"type\":");
        jwrite_str(out, b->object, strlen(b->object));
        buf_putc(out, '}');
    }
    if (put_fields(out, &m, attrs < m.n, NULL, &first) == 0 &&
        buf_putc(out, '}') == 0 && !out->toobig)
        rc = 0;
    else
        err_set(err, "record larger than %zu bytes", out->max);
out:
    fields_free(&m);
    return rc;
}

void
payload_free(struct payload *p)
{
    free(p->url);
    free(p->body);
    memset(p, 0, sizeof(*p));
}
