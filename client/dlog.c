/*
 * dlog.c - delivery log lines (see dlog.h).
 */
#include "dlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"

#define DLOG_LINE_MAX (64 * 1024)

int
dlog_open(struct dlog *d, const char *path, struct sf_err *err)
{
    d->fp = NULL;
    buf_init(&d->ln, DLOG_LINE_MAX);
    if (path == NULL)
        return 0;
    d->fp = fopen(path, "ae");
    if (d->fp == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

/* Appends s[0..n) as a JSON string, quotes included. */
static void
put_str(struct buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, start = 0, k;

    buf_putc(b, '"');
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8_seq(p + i, n - i);
        if (k > 0) {
            i += k;
            continue;
        }
        buf_json_escape(b, s + start, i - start);
        buf_puts(b, "\\ufffd");
        start = ++i;
    }
    buf_json_escape(b, s + start, n - start);
    buf_putc(b, '"');
}

/* "key":"value" when v is not NULL, after a comma unless *first. */
static void
put_kv(struct buf *b, int *first, const char *key, const char *v)
{
    if (v == NULL)
        return;
    buf_printf(b, "%s\"%s\":", *first ? "" : ",", key);
    *first = 0;
    put_str(b, v, strlen(v));
}

/* The URL without its query string, which could carry secrets. */
static size_t
url_len(const char *url)
{
    const char *q = strchr(url, '?');

    return q != NULL ? (size_t)(q - url) : strlen(url);
}

/* The excerpt length: at most DLOG_BODY_EXCERPT, not cutting a UTF-8
 * sequence in two. */
static size_t
excerpt_len(const char *body, size_t len)
{
    size_t n = len, back = 0;

    if (n <= DLOG_BODY_EXCERPT)
        return n;
    n = DLOG_BODY_EXCERPT;
    while (back < 3 && n > back &&
           ((unsigned char)body[n - back - 1] & 0xc0) == 0x80)
        back++;
    if (n > back && (unsigned char)body[n - back - 1] >= 0xc0 &&
        utf8_seq((const unsigned char *)body + n - back - 1, back + 1) == 0)
        n -= back + 1;
    return n;
}

void
dlog_write(struct dlog *d, const struct dlog_entry *e)
{
    char ts[TIMEFMT_LEN];
    struct buf *b = &d->ln;
    int first = 1, more = 0;

    if (d->fp == NULL)
        return;
    buf_reset(b);
    buf_printf(
        b, "{\"time\":\"%s\",\"lead_id\":", timefmt_rfc3339(e->time_ms, ts));
    put_str(b, e->lead_id, strlen(e->lead_id));
    buf_printf(b, ",\"attempt\":%d,\"method\":", e->attempt);
    put_str(b, e->method, strlen(e->method));
    buf_puts(b, ",\"url\":");
    put_str(b, e->url, url_len(e->url));
    buf_printf(b, ",\"status\":%ld,\"curl_code\":%d", e->status, e->curl_code);
    put_kv(b, &more, "error", e->error);
    put_kv(b, &more, "verdict", e->verdict);
    put_kv(b, &more, "reason", e->reason);
    buf_puts(b, ",\"headers\":{");
    put_kv(b, &first, "retry-after", e->retry_after);
    put_kv(b, &first, "content-type", e->content_type);
    put_kv(b, &first, "sforce-limit-info", e->limit_info);
    buf_putc(b, '}');
    if (e->body != NULL) {
        buf_puts(b, ",\"body\":");
        put_str(b, e->body, excerpt_len(e->body, e->body_len));
    }
    if (e->retry_in_ms >= 0)
        buf_printf(b, ",\"retry_in_ms\":%lld", (long long)e->retry_in_ms);
    buf_puts(b, "}\n");
    if (!b->toobig)
        fwrite(b->data, 1, b->len, d->fp);
}

void
dlog_close(struct dlog *d)
{
    if (d->fp != NULL)
        fclose(d->fp);
    d->fp = NULL;
    buf_free(&d->ln);
}
