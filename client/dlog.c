/*
 * dlog.c - delivery log lines (see dlog.h).
 */
#include "dlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "timefmt.h"

int
dlog_open(struct dlog *d, const char *path, struct sf_err *err)
{
    d->fp = NULL;
    if (path == NULL)
        return 0;
    d->fp = fopen(path, "ae");
    if (d->fp == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static void
set_str(json_t *o, const char *key, const char *v)
{
    if (v != NULL)
        json_object_set_new(o, key, json_string(v));
}

/* The URL without its query string, which could carry secrets. */
static json_t *
url_without_query(const char *url)
{
    const char *q = strchr(url, '?');

    return q != NULL ? json_stringn(url, (size_t)(q - url)) : json_string(url);
}

void
dlog_write(struct dlog *d, const struct dlog_entry *e)
{
    char ts[TIMEFMT_LEN];
    json_t *o, *h, *b;
    char *text;
    size_t n;

    if (d->fp == NULL)
        return;
    o = json_pack("{s:s, s:s, s:i, s:s, s:o, s:I, s:i}", "time",
                  timefmt_rfc3339(e->time_ms, ts), "lead_id", e->lead_id,
                  "attempt", e->attempt, "method", e->method, "url",
                  url_without_query(e->url), "status", (json_int_t)e->status,
                  "curl_code", e->curl_code);
    set_str(o, "error", e->error);
    set_str(o, "verdict", e->verdict);
    set_str(o, "reason", e->reason);
    h = json_object();
    set_str(h, "retry-after", e->retry_after);
    set_str(h, "content-type", e->content_type);
    set_str(h, "sforce-limit-info", e->limit_info);
    json_object_set_new(o, "headers", h);
    if (e->body != NULL) {
        n = e->body_len < DLOG_BODY_EXCERPT ? e->body_len : DLOG_BODY_EXCERPT;
        /* json_stringn refuses invalid UTF-8 (a cut mid-character);
         * back off to a character boundary. */
        while ((b = json_stringn(e->body, n)) == NULL && n > 0)
            n--;
        if (b != NULL)
            json_object_set_new(o, "body", b);
    }
    if (e->retry_in_ms >= 0)
        json_object_set_new(o, "retry_in_ms", json_integer(e->retry_in_ms));
    text = json_dumps(o, JSON_COMPACT);
    fprintf(d->fp, "%s\n", text);
    free(text);
    json_decref(o);
}

void
dlog_close(struct dlog *d)
{
    if (d->fp != NULL)
        fclose(d->fp);
    d->fp = NULL;
}
