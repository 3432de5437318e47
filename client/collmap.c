/*
 * collmap.c - sObject Collections bodies and answers (see collmap.h).
 */
#include "collmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jwrite.h"
#include "log.h"
#include "xmalloc.h"

/* collmap_map_text()'s bounds: deeper or wider answers go to jansson. */
#define COLLMAP_SCAN_DEPTH 16
#define COLLMAP_SCAN_KEYS 16
#define COLLMAP_SCAN_DIGITS 18 /* an int64_t, whatever the digits */

char *
collmap_url(const struct buyer *b, const char **method)
{
    size_t n = strlen(b->url);

    while (n > 0 && b->url[n - 1] == '/')
        n--;
    if (b->external_id_field == NULL) {
        *method = "POST";
        return xasprintf("%.*s", (int)n, b->url);
    }
    *method = "PATCH";
    return xasprintf("%.*s/%s/%s", (int)n, b->url, b->object,
                     b->external_id_field);
}

int
collmap_body_buf(const struct buyer *b, const char *const *records, size_t n,
                 struct buf *out)
{
    buf_puts(out, b->all_or_none ? "{\"allOrNone\":true,\"records\":["
                                 : "{\"allOrNone\":false,\"records\":[");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_putc(out, ',');
        buf_puts(out, records[i]);
    }
    buf_puts(out, "]}");
    return out->toobig ? -1 : 0;
}

char *
collmap_body(const struct buyer *b, const char *const *records, size_t n,
             size_t *len)
{
    struct buf body;

    buf_init(&body, SIZE_MAX / 2);
    collmap_body_buf(b, records, n, &body);
    return buf_steal(&body, len);
}

/* The verdict of one element: success, or the first error's code judged
 * as the single-record path judges a 400 carrying it. */
static void
map_elem(json_t *elem, struct collmap_verdict *v)
{
    json_t *err = json_array_get(json_object_get(elem, "errors"), 0);
    const char *code = json_string_value(json_object_get(err, "statusCode"));
    const char *msg = json_string_value(json_object_get(err, "message"));
    struct classify_result r;
    json_t *single;

    v->elem = elem;
    v->text = NULL;
    v->error[0] = '\0';
    if (json_is_true(json_object_get(elem, "success"))) {
        v->verdict = CLASSIFY_DONE;
        v->reason = "ok";
        return;
    }
    if (code == NULL)
        code = "UNKNOWN";
    single = json_pack("[{s:s, s:s}]", "errorCode", code, "message",
                       msg != NULL ? msg : "");
    r = classify(0, 400, single);
    json_decref(single);
    v->verdict = r.verdict == CLASSIFY_DONE ? CLASSIFY_RETRY : r.verdict;
    v->reason = strcmp(code, "ALL_OR_NONE_OPERATION_ROLLED_BACK") == 0
                    ? "rolled_back"
                    : r.reason;
    snprintf(v->error, sizeof(v->error), "%s: %s", code,
             msg != NULL ? msg : "");
}

int
collmap_map(int curlcode, long status, json_t *body, size_t n,
            struct collmap_verdict *out)
{
    struct classify_result whole;
    int per_elem = curlcode == 0 && status >= 200 && status < 300 &&
                   json_is_array(body) && json_array_size(body) == n;

    if (per_elem) {
        for (size_t i = 0; i < n; i++)
            map_elem(json_array_get(body, i), &out[i]);
        return 1;
    }
    whole = classify(curlcode, status, body);
    if (curlcode == 0 && status >= 200 && status < 300)
        whole = (struct classify_result){CLASSIFY_REJECTED, "bad_answer"};
    for (size_t i = 0; i < n; i++) {
        out[i].verdict = whole.verdict;
        out[i].reason = whole.reason;
        out[i].elem = NULL;
        out[i].text = NULL;
        if (whole.verdict == CLASSIFY_REJECTED && status >= 200 && status < 300)
            snprintf(out[i].error, sizeof(out[i].error),
                     "HTTP %ld but not one result per record", status);
        else if (status != 0)
            snprintf(out[i].error, sizeof(out[i].error), "HTTP %ld", status);
        else
            out[i].error[0] = '\0';
    }
    return 0;
}

/*
 * collmap_map_text()'s reader. Each scan_*() takes the text at p (which
 * is before end) and answers where the value ends, or NULL when the value
 * is not in the form jwrite_value() writes (or not JSON at all).
 */
static const unsigned char *scan_value(const unsigned char *p,
                                       const unsigned char *end, int depth);

static int
scan_blank(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* A string of printable ASCII without escapes (jansson writes it back as
 * it is), p at its opening quote. */
static const unsigned char *
scan_str(const unsigned char *p, const unsigned char *end)
{
    p++;
    p += jwrite_plain_run((const char *)p, (size_t)(end - p));
    return p < end && *p == '"' ? p + 1 : NULL;
}

/* An integer as jansson writes one: no leading zero, no "-0", no
 * fraction or exponent (a real is written in jansson's own way). */
static const unsigned char *
scan_int(const unsigned char *p, const unsigned char *end)
{
    const unsigned char *d = p + (*p == '-'), *q = d;

    while (q < end && *q >= '0' && *q <= '9')
        q++;
    if (q == d || q - d > COLLMAP_SCAN_DIGITS || (*d == '0' && q - d > 1) ||
        (*p == '-' && *d == '0'))
        return NULL;
    if (q < end && (*q == '.' || *q == 'e' || *q == 'E'))
        return NULL;
    return q;
}

static const unsigned char *
scan_word(const unsigned char *p, const unsigned char *end, const char *w)
{
    size_t n = strlen(w);

    return (size_t)(end - p) >= n && memcmp(p, w, n) == 0 ? p + n : NULL;
}

/* An object, p at its '{'. Keys repeat in none (jansson keeps one). With
 * success not NULL, *success is set when "success" is true in it. */
static const unsigned char *
scan_object(const unsigned char *p, const unsigned char *end, int depth,
            int *success)
{
    const unsigned char *key[COLLMAP_SCAN_KEYS], *k, *v;
    size_t klen[COLLMAP_SCAN_KEYS], nk = 0;

    if (++p < end && *p == '}')
        return p + 1;
    for (;;) {
        if (p >= end || *p != '"' || nk == COLLMAP_SCAN_KEYS)
            return NULL;
        k = p + 1;
        if ((p = scan_str(p, end)) == NULL)
            return NULL;
        klen[nk] = (size_t)(p - 1 - k);
        for (size_t i = 0; i < nk; i++)
            if (klen[i] == klen[nk] && memcmp(key[i], k, klen[i]) == 0)
                return NULL;
        key[nk++] = k;
        if (p >= end || *p++ != ':' || p >= end)
            return NULL;
        v = p;
        if ((p = scan_value(p, end, depth + 1)) == NULL)
            return NULL;
        if (success != NULL && klen[nk - 1] == 7 &&
            memcmp(k, "success", 7) == 0 && p - v == 4 &&
            memcmp(v, "true", 4) == 0)
            *success = 1;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        return p < end && *p == '}' ? p + 1 : NULL;
    }
}

static const unsigned char *
scan_array(const unsigned char *p, const unsigned char *end, int depth)
{
    if (++p < end && *p == ']')
        return p + 1;
    for (;;) {
        if (p >= end || (p = scan_value(p, end, depth + 1)) == NULL)
            return NULL;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        return p < end && *p == ']' ? p + 1 : NULL;
    }
}

static const unsigned char *
scan_value(const unsigned char *p, const unsigned char *end, int depth)
{
    if (depth > COLLMAP_SCAN_DEPTH)
        return NULL;
    switch (*p) {
    case '{': return scan_object(p, end, depth, NULL);
    case '[': return scan_array(p, end, depth);
    case '"': return scan_str(p, end);
    case 't': return scan_word(p, end, "true");
    case 'f': return scan_word(p, end, "false");
    case 'n': return scan_word(p, end, "null");
    default:
        return *p == '-' || (*p >= '0' && *p <= '9') ? scan_int(p, end) : NULL;
    }
}

static const unsigned char *
skip_blank(const unsigned char *p, const unsigned char *end)
{
    while (p < end && scan_blank(*p))
        p++;
    return p;
}

int
collmap_map_text(int curlcode, long status, const char *text, size_t len,
                 size_t n, struct collmap_verdict *out)
{
    const unsigned char *p = (const unsigned char *)text, *end, *start;
    size_t i = 0;
    int success;

    if (curlcode != 0 || status < 200 || status >= 300 || text == NULL ||
        n == 0)
        return 0;
    end = p + len;
    p = skip_blank(p, end);
    if (p == end || *p++ != '[')
        return 0;
    for (;;) {
        p = skip_blank(p, end);
        if (i == n || p == end || *p != '{')
            return 0;
        start = p;
        success = 0;
        if ((p = scan_object(p, end, 2, &success)) == NULL || !success)
            return 0;
        out[i].text = (const char *)start;
        out[i++].text_len = (size_t)(p - start);
        p = skip_blank(p, end);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p == end || *p++ != ']')
            return 0;
        break;
    }
    if (skip_blank(p, end) != end || i != n)
        return 0;
    for (i = 0; i < n; i++) {
        out[i].verdict = CLASSIFY_DONE;
        out[i].reason = "ok";
        out[i].error[0] = '\0';
        out[i].elem = NULL;
    }
    return 1;
}
