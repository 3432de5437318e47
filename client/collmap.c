/*
 * collmap.c - sObject Collections bodies and answers (see collmap.h).
 */
#include "collmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jwrite.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

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

/* The body as jansson writes it: what collmap_body() falls back to. */
static char *
body_jansson(const struct buyer *b, json_t *const *records, size_t n)
{
    json_t *doc = json_object(), *arr = json_array();
    char *text;

    json_object_set_new(doc, "allOrNone", json_boolean(b->all_or_none));
    for (size_t i = 0; i < n; i++) {
        json_t *rec = json_pack("{s:{s:s}}", "attributes", "type", b->object);

        json_object_update(rec, records[i]);
        json_array_append_new(arr, rec);
    }
    json_object_set_new(doc, "records", arr);
    text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (text == NULL)
        fatalx("out of memory");
    return text;
}

/* One record as body_jansson() writes it: "attributes" first (the
 * record's own, if it has one, in its place), then the record's members
 * in their order. */
static int
put_record(struct buf *out, const struct buyer *b, json_t *rec)
{
    json_t *attrs = json_object_get(rec, "attributes");
    const char *key;
    json_t *v;

    buf_puts(out, "{\"attributes\":");
    if (attrs != NULL) {
        if (jwrite_value(out, attrs) == -1)
            return -1;
    } else {
        buf_puts(out, "{\"type\":");
        jwrite_str(out, b->object, strlen(b->object));
        buf_putc(out, '}');
    }
    json_object_foreach(rec, key, v) {
        if (strcmp(key, "attributes") == 0)
            continue;
        buf_putc(out, ',');
        jwrite_str(out, key, strlen(key));
        buf_putc(out, ':');
        if (jwrite_value(out, v) == -1)
            return -1;
    }
    return buf_putc(out, '}');
}

/*
 * Written straight into one buffer, byte for byte what body_jansson()
 * writes (a Collections call is 200 records: building a document of them
 * to dump it cost more than the rest of the client). Keys are the
 * mapping's field names; anything the writer does not vouch for (a name
 * or an object that is not UTF-8, a refused value) goes to body_jansson().
 */
char *
collmap_body(const struct buyer *b, json_t *const *records, size_t n,
             size_t *len)
{
    struct buf out;
    const char *key;
    json_t *v;
    char *text;
    int ok = utf8_valid(b->object, strlen(b->object));

    buf_init(&out, COLLMAP_BODY_MAX);
    buf_puts(&out, b->all_or_none ? "{\"allOrNone\":true,\"records\":["
                                  : "{\"allOrNone\":false,\"records\":[");
    for (size_t i = 0; ok && i < n; i++) {
        json_object_foreach(records[i], key, v) {
            if (!utf8_valid(key, strlen(key)))
                ok = 0;
        }
        if ((i > 0 && buf_putc(&out, ',') == -1) ||
            put_record(&out, b, records[i]) == -1)
            ok = 0;
    }
    buf_puts(&out, "]}");
    if (!ok || out.toobig) {
        buf_free(&out);
        text = body_jansson(b, records, n);
        *len = strlen(text);
        return text;
    }
    return buf_steal(&out, len);
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
