/*
 * wire.c - journal entries attributed to leads (see wire.h).
 */
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "timefmt.h"
#include "xmalloc.h"

#define WIRE_JSON_DEPTH 6

/* Percent-decodes s[0..n) ('+' is a space) into a new string. */
static char *
url_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t i, o = 0;
    int hi, lo;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n &&
                   (hi = parse_hex_digit((unsigned char)s[i + 1])) >= 0 &&
                   (lo = parse_hex_digit((unsigned char)s[i + 2])) >= 0) {
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

static void
form_fields(const char *body, json_t *out)
{
    const char *p = body, *amp, *eq;
    char *name, *value;

    while (*p != '\0') {
        amp = strchr(p, '&');
        if (amp == NULL)
            amp = p + strlen(p);
        eq = memchr(p, '=', (size_t)(amp - p));
        if (eq != NULL) {
            name = url_decode(p, (size_t)(eq - p));
            value = url_decode(eq + 1, (size_t)(amp - eq - 1));
            if (json_object_get(out, name) == NULL)
                json_object_set_new(out, name, json_string(value));
            free(name);
            free(value);
        }
        p = *amp != '\0' ? amp + 1 : amp;
    }
}

static json_t *
scalar_string(json_t *v)
{
    char num[64];

    if (json_is_string(v))
        return json_string(json_string_value(v));
    if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        return json_string(num);
    }
    if (json_is_real(v)) {
        snprintf(num, sizeof(num), "%.17g", json_real_value(v));
        return json_string(num);
    }
    if (json_is_boolean(v))
        return json_string(json_is_true(v) ? "true" : "false");
    return NULL;
}

static void
json_leaves(json_t *j, json_t *out, int depth)
{
    const char *k;
    json_t *v, *s;
    size_t i;

    if (depth <= 0)
        return;
    if (json_is_object(j)) {
        json_object_foreach(j, k, v) {
            if ((s = scalar_string(v)) != NULL) {
                if (json_object_get(out, k) == NULL)
                    json_object_set_new(out, k, s);
                else
                    json_decref(s);
            } else {
                json_leaves(v, out, depth - 1);
            }
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            json_leaves(v, out, depth - 1);
    }
}

json_t *
wire_fields(json_t *entry)
{
    const char *body = json_string_value(json_object_get(entry, "body"));
    json_t *out = json_object(), *doc;

    if (body == NULL)
        return out;
    doc = json_loads(body, JSON_DECODE_ANY, NULL);
    if (json_is_object(doc) || json_is_array(doc))
        json_leaves(doc, out, WIRE_JSON_DEPTH);
    else
        form_fields(body, out);
    json_decref(doc);
    return out;
}

const char *
wire_lead_value(json_t *lead, const char *path, char *out, size_t n)
{
    char seg[256];
    const char *p = path, *dot;
    json_t *v = lead, *s;
    size_t len;

    while (v != NULL && *p != '\0') {
        dot = strchr(p, '.');
        len = dot != NULL ? (size_t)(dot - p) : strlen(p);
        if (len >= sizeof(seg))
            return NULL;
        memcpy(seg, p, len);
        seg[len] = '\0';
        v = json_object_get(v, seg);
        p += len + (dot != NULL);
    }
    if ((s = scalar_string(v)) == NULL)
        return NULL;
    snprintf(out, n, "%s", json_string_value(s));
    json_decref(s);
    return out;
}

int
wire_is_success(json_t *attempt)
{
    json_int_t st = json_integer_value(json_object_get(attempt, "status"));

    return st >= 200 && st <= 299;
}

static json_t *
make_attempt(json_t *e, json_t *fields)
{
    json_t *a = json_object();
    static const char *const copied[] = {
        "seq",     "time",   "method",       "path", "query", "status",
        "verdict", "detail", "content_type", "auth", "body",  NULL};
    const char *when = json_string_value(json_object_get(e, "time"));
    int64_t ms = 0;
    size_t i;

    for (i = 0; copied[i] != NULL; i++) {
        json_t *v = json_object_get(e, copied[i]);

        if (v != NULL)
            json_object_set(a, copied[i], v);
    }
    if (json_object_get(a, "status") == NULL)
        json_object_set_new(a, "status", json_integer(0));
    if (when != NULL)
        timefmt_parse(when, &ms);
    json_object_set_new(a, "time_ms", json_integer(ms));
    if (fields != NULL)
        json_object_set(a, "fields", fields);
    return a;
}

/* Adds to ids (an object used as a set) the lead of by_key that v, a
 * string, names. */
static void
lead_hit(json_t *by_key, const char *v, json_t *ids)
{
    json_t *hit = v != NULL ? json_object_get(by_key, v) : NULL;

    if (hit != NULL)
        json_object_set_new(ids, json_string_value(hit), json_true());
}

/* Every scalar leaf of a JSON document (no key wins over another: a
 * collection carries one Email per record). */
static void
json_lead_hits(json_t *j, json_t *by_key, json_t *ids, int depth)
{
    const char *k;
    json_t *v, *s;
    size_t i;

    if (depth <= 0)
        return;
    if (json_is_object(j) || json_is_array(j)) {
        json_object_foreach(j, k, v)
            json_lead_hits(v, by_key, ids, depth - 1);
        json_array_foreach(j, i, v)
            json_lead_hits(v, by_key, ids, depth - 1);
    } else if ((s = scalar_string(j)) != NULL) {
        lead_hit(by_key, json_string_value(s), ids);
        json_decref(s);
    }
}

/* The cells of a CSV body (Bulk API uploads), quotes stripped. */
static void
csv_lead_hits(const char *body, json_t *by_key, json_t *ids)
{
    const char *p = body;
    size_t n;
    char *cell;

    while (*p != '\0') {
        n = strcspn(p, ",;|\t\r\n");
        if (n >= 2 && p[0] == '"' && p[n - 1] == '"')
            cell = xstrndup(p + 1, n - 2);
        else
            cell = xstrndup(p, n);
        lead_hit(by_key, cell, ids);
        free(cell);
        p += n + (p[n] != '\0');
    }
}

/* The leads (ids, as a set) whose key one request entry carries: one for
 * a single-record request, each record's for a batch. */
static json_t *
request_leads(json_t *e, json_t *by_key)
{
    const char *body = json_string_value(json_object_get(e, "body"));
    const char *ct = json_string_value(json_object_get(e, "content_type"));
    json_t *ids = json_object(), *doc, *fields, *v;
    const char *name;

    if (body == NULL)
        return ids;
    doc = json_loads(body, JSON_DECODE_ANY, NULL);
    if (json_is_object(doc) || json_is_array(doc)) {
        json_lead_hits(doc, by_key, ids, WIRE_JSON_DEPTH);
    } else if (ct != NULL && strncmp(ct, "text/csv", 8) == 0) {
        csv_lead_hits(body, by_key, ids);
    } else {
        fields = wire_fields(e);
        json_object_foreach(fields, name, v)
            lead_hit(by_key, json_string_value(v), ids);
        json_decref(fields);
    }
    json_decref(doc);
    return ids;
}

static const char *const record_accepted[] = {"created", "updated", NULL};

/*
 * A record of a batch (kind "record") as an attempt of its lead: the
 * request's method, path, query, content type and auth, the record's own
 * seq, time, verdict and detail, its fields, and a status of its own: 201
 * created, 200 updated, 400 anything else (Collections answer 200 with
 * success:false inside; the record's verdict is the lead's answer).
 */
static json_t *
record_attempt(json_t *rec, json_t *req)
{
    json_t *a = make_attempt(rec, json_object_get(rec, "fields"));
    const char *v = json_string_value(json_object_get(rec, "verdict"));
    static const char *const from_request[] = {"query", "content_type", "auth",
                                               NULL};
    json_int_t st = 400;
    size_t i;

    for (i = 0; req != NULL && from_request[i] != NULL; i++)
        if (json_object_get(req, from_request[i]) != NULL)
            json_object_set(a, from_request[i],
                            json_object_get(req, from_request[i]));
    if (v != NULL && strcmp(v, record_accepted[0]) == 0)
        st = 201;
    else if (v != NULL && strcmp(v, record_accepted[1]) == 0)
        st = 200;
    json_object_set_new(a, "status", json_integer(st));
    json_object_set(a, "batch_seq", json_object_get(rec, "batch_seq"));
    return a;
}

static const char *
seq_key(json_t *e, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%lld",
             (long long)json_integer_value(json_object_get(e, name)));
    return buf;
}

/*
 * seq -> {"request": entry, "leads": {lead id: true}} for every request
 * some record entry belongs to, with the leads its records carry.
 */
static json_t *
batch_parents(json_t *journal, json_t *by_key)
{
    json_t *by_seq = json_object(), *out = json_object(), *e, *p, *b;
    const char *kind;
    char key[32];
    size_t i;

    json_array_foreach(journal, i, e) {
        kind = json_string_value(json_object_get(e, "kind"));
        if (kind == NULL || strcmp(kind, "request") == 0) {
            json_object_set(by_seq, seq_key(e, "seq", key, sizeof(key)), e);
            continue;
        }
        if (strcmp(kind, "record") != 0 ||
            (p = json_object_get(
                 by_seq, seq_key(e, "batch_seq", key, sizeof(key)))) == NULL)
            continue;
        if ((b = json_object_get(out, key)) == NULL) {
            b = json_pack("{s:O, s:{}}", "request", p, "leads");
            json_object_set_new(out, key, b);
        }
        json_lead_hits(json_object_get(e, "fields"), by_key,
                       json_object_get(b, "leads"), WIRE_JSON_DEPTH);
    }
    json_decref(by_seq);
    return out;
}

/* The endpoints whose 2xx answer says nothing of each record. */
static int
batch_path(json_t *e)
{
    const char *path = json_string_value(json_object_get(e, "path"));

    return path != NULL && (strstr(path, "/composite/sobjects") != NULL ||
                            strstr(path, "/jobs/ingest/") != NULL);
}

/*
 * The attempt of a lead that a batch carried and the sim answered for
 * without a record of it (a Bulk row not processed, or not yet): the
 * request, with verdict "not_processed" and no status, which no check
 * reads as the lead's acceptance.
 */
static json_t *
unprocessed_attempt(json_t *req)
{
    json_t *a = make_attempt(req, NULL);

    json_object_set_new(a, "status", json_integer(0));
    json_object_set_new(a, "verdict", json_string("not_processed"));
    json_object_set_new(a, "detail",
                        json_string("the batch was answered; the sim has no "
                                    "record of this lead from it"));
    return a;
}

/* Appends attempt a to the arrays (of out) of every lead in ids; takes a. */
static void
add_attempt(json_t *out, json_t *ids, json_t *a)
{
    const char *id;
    json_t *v, *arr;

    json_object_foreach(ids, id, v) {
        if ((arr = json_object_get(out, id)) != NULL)
            json_array_append(arr, a);
    }
    json_decref(a);
}

/* Attributes one request entry e (not a record) to its leads. */
static void
request_attempts(json_t *out, json_t *e, json_t *by_key, json_t *parents)
{
    json_t *ids = request_leads(e, by_key), *batch, *fields, *left;
    const char *id;
    json_t *v;
    char seq[32];

    batch = json_object_get(parents, seq_key(e, "seq", seq, sizeof(seq)));
    if (batch != NULL || (batch_path(e) && wire_is_success(e))) {
        /* A batch's records are its leads' attempts. */
        left = json_object();
        json_object_foreach(ids, id, v) {
            if (json_object_get(json_object_get(batch, "leads"), id) == NULL)
                json_object_set_new(left, id, json_true());
        }
        if (json_object_size(left) > 0)
            add_attempt(out, left, unprocessed_attempt(e));
        json_decref(left);
    } else if (json_object_size(ids) > 0) {
        fields = wire_fields(e);
        add_attempt(out, ids, make_attempt(e, fields));
        json_decref(fields);
    }
    json_decref(ids);
}

json_t *
wire_attempts(json_t *journal, json_t *leads)
{
    json_t *out = json_object(), *by_key = json_object();
    json_t *parents, *lead, *e, *ids, *batch;
    const char *key, *id, *kind;
    char seq[32];
    size_t i;

    json_array_foreach(leads, i, lead) {
        id = json_string_value(json_object_get(lead, "id"));
        key = json_string_value(json_object_get(lead, "key"));
        if (id == NULL)
            continue;
        if (json_object_get(out, id) == NULL)
            json_object_set_new(out, id, json_array());
        if (key != NULL && *key != '\0' && json_object_get(by_key, key) == NULL)
            json_object_set_new(by_key, key, json_string(id));
    }
    parents = batch_parents(journal, by_key);
    json_array_foreach(journal, i, e) {
        kind = json_string_value(json_object_get(e, "kind"));
        if (kind == NULL || strcmp(kind, "request") == 0) {
            request_attempts(out, e, by_key, parents);
        } else if (strcmp(kind, "record") == 0) {
            ids = json_object();
            json_lead_hits(json_object_get(e, "fields"), by_key, ids,
                           WIRE_JSON_DEPTH);
            batch = json_object_get(parents,
                                    seq_key(e, "batch_seq", seq, sizeof(seq)));
            add_attempt(out, ids,
                        record_attempt(e, json_object_get(batch, "request")));
            json_decref(ids);
        }
    }
    json_decref(parents);
    json_decref(by_key);
    return out;
}

json_t *
wire_other_requests(json_t *journal, json_t *attempts)
{
    json_t *seen = json_object(), *out = json_array(), *arr, *a, *e;
    const char *id;
    char key[32];
    size_t i;

    json_object_foreach(attempts, id, arr) {
        json_array_foreach(arr, i, a) {
            json_object_set_new(seen, seq_key(a, "seq", key, sizeof(key)),
                                json_true());
            if (json_object_get(a, "batch_seq") != NULL)
                json_object_set_new(seen,
                                    seq_key(a, "batch_seq", key, sizeof(key)),
                                    json_true());
        }
    }
    json_array_foreach(journal, i, e) {
        const char *kind = json_string_value(json_object_get(e, "kind"));

        snprintf(key, sizeof(key), "%lld",
                 (long long)json_integer_value(json_object_get(e, "seq")));
        if ((kind != NULL && strcmp(kind, "request") != 0) ||
            json_object_get(seen, key) != NULL)
            continue;
        a = make_attempt(e, NULL);
        json_object_del(a, "fields");
        json_object_del(a, "body");
        json_array_append_new(out, a);
    }
    json_decref(seen);
    return out;
}
