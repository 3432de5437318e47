/*
 * budget.c - the Web-to-Lead budget and its write-ahead file (see
 * budget.h).
 */
#include "budget.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "xmalloc.h"

/* Counts n posts at ms: into the last bucket when ms falls in its second
 * or before it (a clock set back, or a reservation's end still ahead),
 * else into a new one. */
static void
bucket_add(struct budget *b, int64_t ms, int64_t n)
{
    struct budget_bucket *last = b->n > 0 ? &b->v[b->first + b->n - 1] : NULL;

    if (n <= 0)
        return;
    b->sent += n;
    if (last != NULL && ms / 1000 <= last->last_ms / 1000) {
        if (ms > last->last_ms)
            last->last_ms = ms;
        last->count += n;
        return;
    }
    if (b->first + b->n == b->cap) {
        if (b->first > 0) {
            memmove(b->v, b->v + b->first, b->n * sizeof(*b->v));
            b->first = 0;
        } else {
            b->cap = b->cap ? b->cap * 2 : 64;
            b->v = xreallocarray(b->v, b->cap, sizeof(*b->v));
        }
    }
    b->v[b->first + b->n++] = (struct budget_bucket){ms, n};
}

/* One element of the file: a [latest_ms, count] pair or a bare time (one
 * post); anything else is skipped. A count is capped so that no sum of
 * them can overflow. */
static void
load_element(struct budget *b, json_t *e)
{
    json_int_t n;

    if (json_is_integer(e)) {
        bucket_add(b, json_integer_value(e), 1);
        return;
    }
    if (!json_is_array(e) || json_array_size(e) != 2 ||
        !json_is_integer(json_array_get(e, 0)) ||
        !json_is_integer(json_array_get(e, 1)))
        return;
    n = json_integer_value(json_array_get(e, 1));
    bucket_add(b, json_integer_value(json_array_get(e, 0)),
               n > INT32_MAX ? INT32_MAX : n);
}

/* Line 1 holds the saved buckets, every further line one reservation. */
static void
load_text(struct budget *b, const char *text, size_t len)
{
    size_t pos = 0, i;
    int first = 1;

    while (pos <= len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - s) : len - pos;
        json_t *doc = n > 0 ? json_loadb(s, n, 0, NULL) : NULL;
        json_t *e;

        if (first && json_is_array(doc)) {
            json_array_foreach(doc, i, e)
                load_element(b, e);
        } else if (doc != NULL)
            load_element(b, doc);
        json_decref(doc);
        first = 0;
        pos += n + 1;
    }
}

void
budget_open(struct budget *b, const struct state *st, const char *name,
            int64_t limit, int64_t window_s)
{
    char *text;
    size_t len = 0;

    memset(b, 0, sizeof(*b));
    b->limit = limit;
    b->window_ms = window_s * 1000;
    b->resv_size = BUDGET_RESERVE_FIRST;
    b->fd = -1;
    b->st = st != NULL && st->dir != NULL ? st : NULL;
    b->name = xstrdup(name);
    if (b->st == NULL)
        return;
    text = state_load_text(b->st, name, BUDGET_FILE_MAX, &len);
    if (text != NULL)
        load_text(b, text, len);
    /* Whatever the file held (a killed run's reservations, lines torn by
     * a crash, the older format) is rewritten at the next save. */
    b->dirty = text != NULL;
    free(text);
}

void
budget_close(struct budget *b)
{
    if (b->fd != -1)
        close(b->fd);
    free(b->v);
    free(b->name);
    memset(b, 0, sizeof(*b));
    b->fd = -1;
}

/* Drops the buckets that have left the window at now_ms. */
static void
prune(struct budget *b, int64_t now_ms)
{
    int64_t horizon = now_ms - b->window_ms;

    while (b->n > 0 && b->v[b->first].last_ms <= horizon) {
        b->sent -= b->v[b->first].count;
        b->first++;
        b->n--;
        b->dirty = 1;
    }
    if (b->n == 0)
        b->first = 0;
}

/* When the post that frees a place leaves the window: room opens when
 * sent - limit + 1 posts have aged out, with the bucket holding the last
 * of them. */
static int64_t
room_at(const struct budget *b, int64_t now_ms)
{
    int64_t need = b->sent - b->limit + 1, seen = 0;

    for (size_t i = 0; i < b->n; i++) {
        seen += b->v[b->first + i].count;
        if (seen >= need)
            return b->v[b->first + i].last_ms + b->window_ms;
    }
    return now_ms + b->window_ms;
}

/*
 * The size of the next block: the last one's size scaled to last
 * BUDGET_RESERVE_SPAN_MS at the rate it was used (at most 16 times
 * larger), at most BUDGET_RESERVE_MAX and a BUDGET_RESERVE_SHARE-th of
 * the budget, within what the window has room for, counting the unused
 * posts of blocks that ended as used until a save rewrites them.
 */
static int64_t
next_size(const struct budget *b, int64_t now_ms)
{
    int64_t used = b->resv_size - b->resv_left, took = now_ms - b->resv_made;
    int64_t n = b->resv_size, room = b->limit - b->sent - b->resv_stale;

    if (b->resv_made > 0)
        n = took * 16 <= BUDGET_RESERVE_SPAN_MS
                ? used * 16
                : used * BUDGET_RESERVE_SPAN_MS / took;
    if (n > BUDGET_RESERVE_MAX)
        n = BUDGET_RESERVE_MAX;
    if (n > b->limit / BUDGET_RESERVE_SHARE)
        n = b->limit / BUDGET_RESERVE_SHARE;
    if (n > room)
        n = room;
    /* With no room left but stale posts a save could not free, one more
     * post is counted twice on disk: too many, never too few. */
    return n < 1 ? 1 : n;
}

/* Appends a block of n posts ending at until_ms to the file and syncs it.
 * The leading newline keeps a line torn by a crash apart from this one. */
static int
reserve(struct budget *b, int64_t n, int64_t until_ms, struct sf_err *err)
{
    char line[64];
    int len;

    if (b->st == NULL)
        return 0;
    if (b->fd == -1)
        b->fd = state_open_append(b->st, b->name);
    len = snprintf(line, sizeof(line), "\n[%lld,%lld]", (long long)until_ms,
                   (long long)n);
    if (b->fd == -1 || state_append_sync(b->fd, line, (size_t)len) == -1) {
        err_set(err, "cannot write the Web-to-Lead budget file %s/%s: %s",
                b->st->dir, b->name, strerror(errno));
        return -1;
    }
    return 0;
}

enum budget_verdict
budget_take(struct budget *b, int64_t now_ms, int64_t *retry_at_ms,
            struct sf_err *err)
{
    int64_t n;

    prune(b, now_ms);
    if (b->sent >= b->limit) {
        *retry_at_ms = room_at(b, now_ms);
        return BUDGET_FULL;
    }
    if (b->resv_left == 0 || now_ms > b->resv_until) {
        b->resv_stale += b->resv_left;
        b->resv_left = 0;
        /* Ended blocks' unused posts still count on disk: a save frees
         * them when the window has no other room for a block. */
        if (b->resv_stale > 0 && b->sent + b->resv_stale >= b->limit)
            budget_save(b, now_ms);
        n = next_size(b, now_ms);
        if (reserve(b, n, now_ms + BUDGET_RESERVE_SPAN_MS, err) == -1)
            return BUDGET_UNWRITABLE;
        b->resv_left = b->resv_size = n;
        b->resv_made = now_ms;
        b->resv_until = now_ms + BUDGET_RESERVE_SPAN_MS;
    }
    b->resv_left--;
    bucket_add(b, now_ms, 1);
    b->dirty = 1;
    return BUDGET_SEND;
}

void
budget_refund(struct budget *b, int64_t at_ms)
{
    /* The take went into the bucket of its second, the newest one not
     * after it; if that one has left the window, so has the post. */
    for (size_t i = b->n; i-- > 0;) {
        struct budget_bucket *k = &b->v[b->first + i];

        if (k->last_ms / 1000 > at_ms / 1000)
            continue;
        if (k->last_ms / 1000 == at_ms / 1000 && k->count > 0) {
            k->count--;
            b->sent--;
            b->dirty = 1;
        }
        return;
    }
}

int
budget_save(struct budget *b, int64_t now_ms)
{
    struct buf text;
    int rc = 0, any = 0;

    prune(b, now_ms);
    if (b->st == NULL || !b->dirty)
        return 0;
    buf_init(&text, BUDGET_FILE_MAX);
    buf_putc(&text, '[');
    for (size_t i = 0; i < b->n; i++) {
        const struct budget_bucket *k = &b->v[b->first + i];

        if (k->count == 0)
            continue;
        buf_printf(&text, "%s[%lld,%lld]", any++ ? "," : "",
                   (long long)k->last_ms, (long long)k->count);
    }
    /* The block in use stays reserved: its posts may go at any moment. */
    if (b->resv_left > 0 && now_ms <= b->resv_until)
        buf_printf(&text, "%s[%lld,%lld]", any++ ? "," : "",
                   (long long)b->resv_until, (long long)b->resv_left);
    buf_putc(&text, ']');
    if (text.toobig ||
        state_save_text(b->st, b->name, text.data, text.len) == -1) {
        rc = -1;
        goto out;
    }
    /* The appending descriptor is on the file just replaced. */
    if (b->fd != -1)
        close(b->fd);
    b->fd = -1;
    if (now_ms > b->resv_until)
        b->resv_left = 0;
    b->resv_stale = 0;
    b->dirty = 0;
out:
    buf_free(&text);
    return rc;
}
