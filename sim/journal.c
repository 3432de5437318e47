/*
 * journal.c - the request journal: a ring of serialised entries plus an
 * optional append-only file (see journal.h).
 *
 * Each entry is stored already serialised as one JSON object, so that
 * reading the journal is a concatenation and adding to it costs one
 * allocation.
 */
#include "journal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "xmalloc.h"

struct jslot {
    uint64_t seq;
    char *json; /* owned, NUL-terminated */
    size_t len;
};

struct journal {
    struct jslot *ring; /* owned, ring_size slots */
    size_t ring_size, start, n;
    size_t body_max;
    uint64_t next_seq;
    FILE *fp;
    struct buf scratch;
};

static const char *const verdict_names[] = {
#define VERDICT_NAME(e, s) s,
    VERDICT_LIST(VERDICT_NAME)
#undef VERDICT_NAME
};

const char *
verdict_name(enum verdict v)
{
    return v < VERDICT_COUNT ? verdict_names[v] : "none";
}

struct journal *
journal_new(size_t ring_size, size_t body_max, const char *file,
            struct sf_err *err)
{
    struct journal *j = xcalloc(1, sizeof(*j));

    j->ring_size = ring_size > 0 ? ring_size : 1;
    j->ring = xcalloc(j->ring_size, sizeof(*j->ring));
    j->body_max = body_max;
    j->next_seq = 1;
    buf_init(&j->scratch, SIZE_MAX / 2);
    if (file != NULL && (j->fp = fopen(file, "a")) == NULL) {
        err_set(err, "%s: %s", file, strerror(errno));
        journal_free(j);
        return NULL;
    }
    return j;
}

void
journal_clear(struct journal *j)
{
    size_t i;

    for (i = 0; i < j->n; i++) {
        struct jslot *s = &j->ring[(j->start + i) % j->ring_size];

        free(s->json);
        s->json = NULL;
    }
    j->start = j->n = 0;
}

void
journal_free(struct journal *j)
{
    if (j == NULL)
        return;
    journal_clear(j);
    if (j->fp != NULL)
        fclose(j->fp);
    buf_free(&j->scratch);
    free(j->ring);
    free(j);
}

void
journal_flush(struct journal *j)
{
    if (j->fp != NULL)
        fflush(j->fp);
}

uint64_t
journal_last_seq(const struct journal *j)
{
    return j->next_seq - 1;
}

static void
put_str(struct buf *b, const char *key, const char *v)
{
    if (v == NULL)
        return;
    buf_printf(b, ",\"%s\":\"", key);
    buf_json_escape(b, v, strlen(v));
    buf_putc(b, '"');
}

static void
serialise(struct journal *j, uint64_t seq, const struct journal_entry *e)
{
    struct buf *b = &j->scratch;
    char when[TIMEFMT_LEN];
    size_t body_len = e->body_len;

    buf_reset(b);
    buf_printf(b, "{\"seq\":%llu,\"time\":\"%s\",\"kind\":\"%s\"",
               (unsigned long long)seq, timefmt_rfc3339(e->time_ms, when),
               e->kind != NULL ? e->kind : "request");
    put_str(b, "method", e->method);
    put_str(b, "path", e->path);
    put_str(b, "query", e->query);
    put_str(b, "content_type", e->content_type);
    put_str(b, "auth", e->auth);
    if (e->status != 0)
        buf_printf(b, ",\"status\":%d", e->status);
    buf_printf(b, ",\"verdict\":\"%s\"", verdict_name(e->verdict));
    put_str(b, "object", e->object);
    put_str(b, "record_id", e->record_id);
    put_str(b, "detail", e->detail);
    if (e->ref_seq != 0)
        buf_printf(b, ",\"ref_seq\":%llu", (unsigned long long)e->ref_seq);
    if (e->info_json != NULL)
        buf_printf(b, ",\"info\":%s", e->info_json);
    if (e->body != NULL) {
        if (body_len > j->body_max)
            body_len = j->body_max;
        buf_puts(b, ",\"body\":\"");
        buf_json_escape(b, e->body, body_len);
        buf_printf(b, "\",\"body_bytes\":%zu,\"body_truncated\":%s",
                   e->body_len, body_len < e->body_len ? "true" : "false");
    }
    buf_putc(b, '}');
}

uint64_t
journal_add(struct journal *j, const struct journal_entry *e)
{
    uint64_t seq = j->next_seq++;
    struct jslot *s;

    serialise(j, seq, e);
    if (j->fp != NULL) {
        fwrite(j->scratch.data, 1, j->scratch.len, j->fp);
        fputc('\n', j->fp);
    }
    if (j->n == j->ring_size) {
        free(j->ring[j->start].json);
        j->start = (j->start + 1) % j->ring_size;
        j->n--;
    }
    s = &j->ring[(j->start + j->n) % j->ring_size];
    s->seq = seq;
    s->json = xmemdup0(j->scratch.data, j->scratch.len);
    s->len = j->scratch.len;
    j->n++;
    return seq;
}

int
journal_to_json(const struct journal *j, uint64_t since, struct buf *out)
{
    size_t i;
    int first = 1;

    if (buf_putc(out, '[') == -1)
        return -1;
    for (i = 0; i < j->n; i++) {
        const struct jslot *s = &j->ring[(j->start + i) % j->ring_size];

        if (s->seq <= since)
            continue;
        if ((!first && buf_putc(out, ',') == -1) ||
            buf_append(out, s->json, s->len) == -1)
            return -1;
        first = 0;
    }
    return buf_putc(out, ']');
}
