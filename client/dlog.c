/*
 * dlog.c - delivery log lines (see dlog.h).
 */
#include "dlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jwrite.h"
#include "utf8.h"
#include "xmalloc.h"

#define DLOG_LINE_MAX (64 * 1024)
#define DLOG_BUFFER (256 * 1024)
#define DLOG_STAGE 512  /* bytes of a string staged before they are appended */
#define DLOG_PRE_MAX 32 /* ,"key": of put_kv(), the longest key is 17 */

int
dlog_open(struct dlog *d, const char *path, struct sf_err *err)
{
    d->fp = NULL;
    d->iobuf = NULL;
    d->ts[0] = '\0';
    d->ts_sec = -1;
    buf_init(&d->ln, DLOG_LINE_MAX);
    buf_init(&d->body_raw, DLOG_BODY_EXCERPT + 1);
    buf_init(&d->body_json, DLOG_LINE_MAX);
    buf_init(&d->mid, DLOG_LINE_MAX);
    memset(d->mid_str, 0, sizeof(d->mid_str));
    if (path == NULL)
        return 0;
    d->fp = fopen(path, "ae");
    if (d->fp == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    /* Lines are about a kilobyte: a buffer of hundreds, written out when
     * full and at every dlog_flush() (about once a second), costs far fewer
     * write(2)s than stdio's default of one per few lines. glibc takes the
     * size only with a buffer: given NULL it keeps its own 4 KiB. */
    d->iobuf = xmalloc(DLOG_BUFFER);
    setvbuf(d->fp, d->iobuf, _IOFBF, DLOG_BUFFER);
    return 0;
}

void
dlog_flush(struct dlog *d)
{
    if (d->fp != NULL)
        fflush(d->fp);
}

/* Appends the literal string lit (no escaping). */
#define PUT_LIT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)
/* Appends the literal lit, then s[0..n) as a JSON string. */
#define PUT_LIT_STR(b, lit, s, n)                                              \
    put_str_pre((b), (lit), sizeof(lit) - 1, (s), (n))

/* Stages the escape of the byte c at out (not plain, not part of a UTF-8
 * sequence): the escapes of buf_json_escape(), U+FFFD for a byte that is
 * not UTF-8. Returns its length. */
static size_t
escape(char *out, unsigned char c)
{
    if (c < 0x80)
        return jwrite_escape(out, c, 1);
    memcpy(out, "\\ufffd", 6);
    return 6;
}

/*
 * Appends pre[0..npre) (at most DLOG_PRE_MAX bytes, written as it is),
 * then s[0..n) as a JSON string, quotes included (escape()). The text is
 * staged on the stack and appended a chunk at a time (this is the hot path
 * of every line: the body excerpt).
 */
static void
put_str_pre(struct buf *b, const char *pre, size_t npre, const char *s,
            size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    char tmp[DLOG_STAGE];
    size_t i = 0, t = npre, k, run;

    memcpy(tmp, pre, npre);
    tmp[t++] = '"';
    /* t stays below sizeof(tmp) - 8 at the top: room for an escape and
     * the closing quote. */
    while (i < n) {
        run = jwrite_plain_run(
            s + i, n - i < sizeof(tmp) - 8 - t ? n - i : sizeof(tmp) - 8 - t);
        memcpy(tmp + t, p + i, run);
        t += run;
        i += run;
        if (i < n && t < sizeof(tmp) - 8) {
            if (p[i] >= 0x80 && (k = utf8_seq(p + i, n - i)) > 0) {
                memcpy(tmp + t, p + i, k);
                t += k;
                i += k;
            } else
                t += escape(tmp + t, p[i++]);
        }
        if (t >= sizeof(tmp) - 8) {
            buf_append(b, tmp, t);
            t = 0;
        }
    }
    tmp[t++] = '"';
    buf_append(b, tmp, t);
}

static void
put_str(struct buf *b, const char *s, size_t n)
{
    put_str_pre(b, "", 0, s, n);
}

/*
 * The RFC 3339 time of ms, reusing the last one formatted: lines come many
 * to a second, so only the milliseconds change ("YYYY-MM-DDTHH:MM:SS.mmmZ",
 * the digits at offsets 20 to 22).
 */
static const char *
time_str(struct dlog *d, int64_t ms)
{
    int64_t sec = ms >= 0 ? ms / 1000 : -1;
    int m = (int)(ms % 1000);

    if (sec < 0 || sec != d->ts_sec || strlen(d->ts) != 24) {
        timefmt_rfc3339(ms, d->ts);
        d->ts_sec = sec;
        return d->ts;
    }
    d->ts[20] = (char)('0' + m / 100);
    d->ts[21] = (char)('0' + m / 10 % 10);
    d->ts[22] = (char)('0' + m % 10);
    return d->ts;
}

/* "key":"value" when v is not NULL, after a comma unless *first. */
static void
put_kv(struct buf *b, int *first, const char *key, const char *v)
{
    char pre[DLOG_PRE_MAX];
    size_t klen = strlen(key), n = 0;

    if (v == NULL)
        return;
    if (!*first)
        pre[n++] = ',';
    pre[n++] = '"';
    memcpy(pre + n, key, klen);
    n += klen;
    memcpy(pre + n, "\":", 2);
    *first = 0;
    put_str_pre(b, pre, n + 2, v, strlen(v));
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

/* Appends the excerpt s[0..n) as put_str() would, from the memo when it is
 * the same bytes as last time (an empty memo has no JSON text, not even
 * the quotes). n <= DLOG_BODY_EXCERPT, so both buffers have room. */
static void
put_body(struct dlog *d, const char *s, size_t n)
{
    if (d->body_json.len == 0 || n != d->body_raw.len ||
        (n > 0 && memcmp(s, d->body_raw.data, n) != 0)) {
        buf_reset(&d->body_raw);
        buf_reset(&d->body_json);
        buf_append(&d->body_raw, s, n);
        put_str(&d->body_json, s, n);
    }
    buf_append(&d->ln, d->body_json.data, d->body_json.len);
}

/* 1 when a and b (either may be NULL) are the same string. */
static int
same(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* The members from "method" to "headers", as dlog_write() writes them. */
static void
put_mid(struct buf *b, const struct dlog_entry *e)
{
    int first = 1, more = 0;

    PUT_LIT_STR(b, ",\"method\":", e->method, strlen(e->method));
    PUT_LIT_STR(b, ",\"url\":", e->url, url_len(e->url));
    PUT_LIT(b, ",\"status\":");
    buf_put_int(b, e->status);
    PUT_LIT(b, ",\"curl_code\":");
    buf_put_int(b, e->curl_code);
    put_kv(b, &more, "error", e->error);
    put_kv(b, &more, "verdict", e->verdict);
    put_kv(b, &more, "reason", e->reason);
    PUT_LIT(b, ",\"headers\":{");
    put_kv(b, &first, "retry-after", e->retry_after);
    put_kv(b, &first, "content-type", e->content_type);
    put_kv(b, &first, "sforce-limit-info", e->limit_info);
    buf_putc(b, '}');
}

/*
 * Appends put_mid()'s text for e, written again only when what it is made
 * of changed since the last line: the lines of one batch's leads differ
 * in the lead, its place and its body, rarely in these.
 */
static void
put_mid_memo(struct dlog *d, const struct dlog_entry *e)
{
    const char *v[DLOG_MID_STRS] = {
        e->method, e->url,         e->error,        e->verdict,
        e->reason, e->retry_after, e->content_type, e->limit_info,
    };
    int hit;

    /* One lead a request: every line has a new API count
     * (Sforce-Limit-Info), nothing to share. */
    if (e->batch == NULL) {
        put_mid(&d->ln, e);
        return;
    }
    hit = d->mid.len > 0 && !d->mid.toobig && d->mid_status == e->status &&
          d->mid_curl_code == e->curl_code;

    for (size_t i = 0; hit && i < DLOG_MID_STRS; i++)
        hit = same(d->mid_str[i], v[i]);
    if (!hit) {
        buf_reset(&d->mid);
        put_mid(&d->mid, e);
        for (size_t i = 0; i < DLOG_MID_STRS; i++) {
            free(d->mid_str[i]);
            d->mid_str[i] = v[i] != NULL ? xstrdup(v[i]) : NULL;
        }
        d->mid_status = e->status;
        d->mid_curl_code = e->curl_code;
    }
    /* A part too large for a line makes the line too large. */
    if (d->mid.toobig)
        d->ln.toobig = 1;
    else
        buf_append(&d->ln, d->mid.data, d->mid.len);
}

void
dlog_write(struct dlog *d, const struct dlog_entry *e)
{
    struct buf *b = &d->ln;

    if (d->fp == NULL)
        return;
    buf_reset(b);
    PUT_LIT(b, "{\"time\":\"");
    buf_puts(b, time_str(d, e->time_ms));
    PUT_LIT(b, "\",\"lead_id\":");
    if (e->lead_id != NULL)
        put_str(b, e->lead_id, strlen(e->lead_id));
    else
        PUT_LIT(b, "null");
    if (e->batch != NULL) {
        PUT_LIT_STR(b, ",\"batch\":", e->batch, strlen(e->batch));
        if (e->leads > 0) {
            PUT_LIT(b, ",\"leads\":");
            buf_put_int(b, e->leads);
        }
        if (e->index >= 0) {
            PUT_LIT(b, ",\"index\":");
            buf_put_int(b, e->index);
        }
    }
    PUT_LIT(b, ",\"attempt\":");
    buf_put_int(b, e->attempt);
    put_mid_memo(d, e);
    if (e->body != NULL) {
        PUT_LIT(b, ",\"body\":");
        put_body(d, e->body, excerpt_len(e->body, e->body_len));
    }
    if (e->retry_in_ms >= 0) {
        PUT_LIT(b, ",\"retry_in_ms\":");
        buf_put_int(b, e->retry_in_ms);
    }
    PUT_LIT(b, "}\n");
    if (!b->toobig)
        fwrite(b->data, 1, b->len, d->fp);
}

void
dlog_close(struct dlog *d)
{
    if (d->fp != NULL)
        fclose(d->fp);
    d->fp = NULL;
    free(d->iobuf);
    d->iobuf = NULL;
    buf_free(&d->ln);
    buf_free(&d->body_raw);
    buf_free(&d->body_json);
    buf_free(&d->mid);
    for (size_t i = 0; i < DLOG_MID_STRS; i++) {
        free(d->mid_str[i]);
        d->mid_str[i] = NULL;
    }
}
