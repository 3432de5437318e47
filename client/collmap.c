/*
 * collmap.c - sObject Collections bodies and answers (see collmap.h).
 */
#include "collmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
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

char *
collmap_body(const struct buyer *b, const char *const *records, size_t n,
             size_t *len)
{
    static const char head_t[] = "{\"allOrNone\":true,\"records\":[";
    static const char head_f[] = "{\"allOrNone\":false,\"records\":[";
    const char *head = b->all_or_none ? head_t : head_f;
    size_t total = strlen(head) + n + 2, at;
    size_t *lens = xcalloc(n + 1, sizeof(*lens));
    char *body;

    /* Sized first and copied once: a call's body is tens of kilobytes. */
    for (size_t i = 0; i < n; i++)
        total += lens[i] = strlen(records[i]);
    body = xmalloc(total + 1);
    at = strlen(head);
    memcpy(body, head, at);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            body[at++] = ',';
        memcpy(body + at, records[i], lens[i]);
        at += lens[i];
    }
    memcpy(body + at, "]}", 3);
    *len = at + 2;
    free(lens);
    return body;
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
