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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
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
    int fd;           /* the --journal file, or -1 */
    int write_failed; /* the last write failed (reported once) */
    struct buf scratch;
    int64_t time_cache_s;         /* the second time_cache formats */
    char time_cache[TIMEFMT_LEN]; /* "YYYY-MM-DDTHH:MM:SS." of it */
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
    j->fd = -1;
    buf_init(&j->scratch, SIZE_MAX / 2);
    /* 0600: the journal holds the leads' data. */
    if (file != NULL &&
        (j->fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) ==
            -1) {
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
    if (j->fd != -1)
        close(j->fd);
    buf_free(&j->scratch);
    free(j->ring);
    free(j);
}

uint64_t
journal_last_seq(const struct journal *j)
{
    return j->next_seq - 1;
}

/* Entries are serialised by hand: this runs for every request. */
static void
put_key(struct buf *b, const char *key)
{
    buf_puts(b, ",\"");
    buf_puts(b, key);
    buf_puts(b, "\":");
}

static void
put_str(struct buf *b, const char *key, const char *v)
{
    if (v == NULL)
        return;
    put_key(b, key);
    buf_putc(b, '"');
    buf_json_escape(b, v, strlen(v));
    buf_putc(b, '"');
}

/* RFC 3339 with milliseconds; the seconds part is formatted once a second. */
static void
put_time(struct journal *j, struct buf *b, int64_t ms)
{
    int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int frac = (int)(ms - sec * 1000);
    char tail[5];

    if (sec != j->time_cache_s || j->time_cache[0] == '\0') {
        timefmt_rfc3339(sec * 1000, j->time_cache);
        j->time_cache[20] = '\0'; /* keep "YYYY-MM-DDTHH:MM:SS." */
        j->time_cache_s = sec;
    }
    buf_puts(b, j->time_cache);
    tail[0] = (char)('0' + frac / 100);
    tail[1] = (char)('0' + frac / 10 % 10);
    tail[2] = (char)('0' + frac % 10);
    tail[3] = 'Z';
    buf_append(b, tail, 4);
}

/* "fields": the record's values, kept up to body_max bytes. */
static void
put_fields(struct journal *j, struct buf *b, const struct journal_entry *e)
{
    size_t i, start, before;
    int cut = 0;

    put_key(b, "fields");
    buf_putc(b, '{');
    start = b->len;
    for (i = 0; i < e->nfields; i++) {
        const struct journal_field *f = &e->fields[i];

        before = b->len;
        if (i > 0)
            buf_putc(b, ',');
        buf_putc(b, '"');
        buf_json_escape(b, f->name, strlen(f->name));
        buf_puts(b, "\":");
        if (f->value == NULL) {
            buf_puts(b, "null");
        } else {
            buf_putc(b, '"');
            buf_json_escape(b, f->value, strlen(f->value));
            buf_putc(b, '"');
        }
        if (b->len - start > j->body_max) {
            b->len = before;
            b->data[b->len] = '\0';
            cut = 1;
            break;
        }
    }
    buf_putc(b, '}');
    if (cut) {
        put_key(b, "fields_truncated");
        buf_puts(b, "true");
    }
}

/*
 * Everything of an entry after its "{\"seq\":N": the time and the kind,
 * then (batch items) batch_index and the rest. *split is the offset just
 * after the kind, where journal_batch_commit() puts batch_seq.
 */
static void
serialise_rest(struct journal *j, struct buf *b, const struct journal_entry *e,
               size_t index, size_t *split)
{
    size_t body_len = e->body_len;

    buf_puts(b, ",\"time\":\"");
    put_time(j, b, e->time_ms);
    buf_putc(b, '"');
    put_str(b, "kind", e->kind != NULL ? e->kind : "request");
    *split = b->len;
    if (index != SIZE_MAX) {
        put_key(b, "batch_index");
        buf_put_uint(b, index);
    }
    put_str(b, "method", e->method);
    put_str(b, "path", e->path);
    put_str(b, "query", e->query);
    put_str(b, "content_type", e->content_type);
    put_str(b, "auth", e->auth);
    if (e->status != 0) {
        put_key(b, "status");
        buf_put_uint(b, (uint64_t)e->status);
    }
    /* A batch item's verdict is written when it is committed (it may
     * change: journal_batch_roll_back()). */
    if (index == SIZE_MAX)
        put_str(b, "verdict", verdict_name(e->verdict));
    put_str(b, "object", e->object);
    put_str(b, "record_id", e->record_id);
    put_str(b, "error_code", e->error_code);
    put_str(b, "detail", e->detail);
    if (e->ref_seq != 0) {
        put_key(b, "ref_seq");
        buf_put_uint(b, e->ref_seq);
    }
    if (e->info_json != NULL) {
        put_key(b, "info");
        buf_puts(b, e->info_json);
    }
    if (e->fields != NULL)
        put_fields(j, b, e);
    if (e->body != NULL) {
        if (body_len > j->body_max)
            body_len = j->body_max;
        put_key(b, "body");
        buf_putc(b, '"');
        buf_json_escape(b, e->body, body_len);
        buf_putc(b, '"');
        put_key(b, "body_bytes");
        buf_put_uint(b, e->body_bytes ? e->body_bytes : e->body_len);
        put_key(b, "body_truncated");
        buf_puts(b, body_len < e->body_len || e->body_cut ? "true" : "false");
    }
    buf_putc(b, '}');
}

/* The entry in j->scratch, sequence number included. */
static void
serialise(struct journal *j, uint64_t seq, const struct journal_entry *e)
{
    size_t split;

    buf_reset(&j->scratch);
    buf_puts(&j->scratch, "{\"seq\":");
    buf_put_uint(&j->scratch, seq);
    serialise_rest(j, &j->scratch, e, SIZE_MAX, &split);
}

/*
 * The serialised entry and its newline in one write(2) on an O_APPEND
 * descriptor: the line lands whole, at once. A failure (a full disk) is
 * reported once until a write succeeds again; the ring keeps the entry.
 */
static void
write_line(struct journal *j)
{
    size_t off = 0, len;
    ssize_t n;

    buf_putc(&j->scratch, '\n');
    len = j->scratch.len;
    while (off < len) {
        n = write(j->fd, j->scratch.data + off, len - off);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!j->write_failed)
                log_warn("journal file: entry not written");
            j->write_failed = 1;
            break;
        }
        off += (size_t)n;
    }
    if (off == len)
        j->write_failed = 0;
    j->scratch.len--;
    j->scratch.data[j->scratch.len] = '\0';
}

/* Keeps the entry in j->scratch as number seq: the file, then the ring. */
static void
keep_entry(struct journal *j, uint64_t seq)
{
    struct jslot *s;

    if (j->fd != -1)
        write_line(j);
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
}

uint64_t
journal_add(struct journal *j, const struct journal_entry *e)
{
    uint64_t seq = j->next_seq++;

    serialise(j, seq, e);
    keep_entry(j, seq);
    return seq;
}

/* --- entries of a batch --------------------------------------------------- */

struct journal_batch_item {
    size_t parent;
    enum verdict verdict;
    char *text; /* the entry after its seq, but its verdict (owned) */
    size_t len, split;
};

void
journal_batch_init(struct journal_batch *b)
{
    memset(b, 0, sizeof(*b));
}

void
journal_batch_free(struct journal_batch *b)
{
    size_t i;

    for (i = 0; i < b->n; i++)
        free(b->items[i].text);
    free(b->items);
    memset(b, 0, sizeof(*b));
}

static struct journal_batch_item *
batch_push(struct journal_batch *b)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->items = xreallocarray(b->items, b->cap, sizeof(*b->items));
    }
    return &b->items[b->n++];
}

size_t
journal_batch_add(struct journal *j, struct journal_batch *b, size_t parent,
                  size_t index, const struct journal_entry *e)
{
    struct journal_batch_item *it;
    size_t split;

    buf_reset(&j->scratch);
    serialise_rest(j, &j->scratch, e, index, &split);
    it = batch_push(b);
    it->parent = parent;
    it->verdict = e->verdict;
    it->len = j->scratch.len;
    it->split = split;
    it->text = xmemdup0(j->scratch.data, j->scratch.len);
    return b->n - 1;
}

void
journal_batch_move(struct journal_batch *to, struct journal_batch *from,
                   size_t parent)
{
    size_t base = to->n, i;
    struct journal_batch_item *it;

    for (i = 0; i < from->n; i++) {
        it = batch_push(to);
        *it = from->items[i];
        it->parent =
            it->parent == JOURNAL_BATCH_TOP ? parent : base + it->parent;
    }
    free(from->items);
    memset(from, 0, sizeof(*from));
}

void
journal_batch_roll_back(struct journal_batch *b, size_t from)
{
    size_t i;

    for (i = from; i < b->n; i++)
        if (b->items[i].verdict == VERDICT_CREATED ||
            b->items[i].verdict == VERDICT_UPDATED ||
            b->items[i].verdict == VERDICT_DELETED)
            b->items[i].verdict = VERDICT_ROLLED_BACK;
}

void
journal_batch_commit(struct journal *j, struct journal_batch *b,
                     uint64_t top_seq)
{
    const struct journal_batch_item *it;
    uint64_t *seqs = NULL, parent;
    size_t i;

    if (top_seq != 0 && b->n > 0)
        seqs = xcalloc(b->n, sizeof(*seqs));
    for (i = 0; seqs != NULL && i < b->n; i++) {
        it = &b->items[i];
        /* A parent is always an earlier item (journal_batch_add). */
        parent = it->parent == JOURNAL_BATCH_TOP || it->parent >= i
                     ? top_seq
                     : seqs[it->parent];
        seqs[i] = j->next_seq++;
        buf_reset(&j->scratch);
        buf_puts(&j->scratch, "{\"seq\":");
        buf_put_uint(&j->scratch, seqs[i]);
        buf_append(&j->scratch, it->text, it->split);
        buf_puts(&j->scratch, ",\"batch_seq\":");
        buf_put_uint(&j->scratch, parent);
        put_str(&j->scratch, "verdict", verdict_name(it->verdict));
        buf_append(&j->scratch, it->text + it->split, it->len - it->split);
        keep_entry(j, seqs[i]);
    }
    free(seqs);
    journal_batch_free(b);
}

void
journal_cursor_init(const struct journal *j, struct journal_cursor *c,
                    uint64_t since, uint64_t limit)
{
    c->next = since < UINT64_MAX ? since + 1 : UINT64_MAX;
    c->last = j->next_seq - 1;
    c->left = limit;
    memset(&c->arr, 0, sizeof(c->arr));
}

/* The kept entry with sequence number seq, or NULL. The ring holds the
 * consecutive numbers next_seq - n .. next_seq - 1. */
static const struct jslot *
slot_of(const struct journal *j, uint64_t seq)
{
    uint64_t first = j->next_seq - j->n;

    if (seq < first || seq >= j->next_seq)
        return NULL;
    return &j->ring[(j->start + (size_t)(seq - first)) % j->ring_size];
}

int
journal_stream(const struct journal *j, struct journal_cursor *c,
               struct buf *out, size_t max)
{
    uint64_t first = j->next_seq - j->n;
    const struct jslot *s;
    size_t start;

    start = buf_array_open(&c->arr, out);
    if (c->next < first)
        c->next = first; /* pushed out or cleared since the last piece */
    while (c->left > 0 && c->next <= c->last && out->len - start < max) {
        if ((s = slot_of(j, c->next++)) == NULL)
            break;
        buf_array_sep(&c->arr, out);
        buf_append(out, s->json, s->len);
        c->left--;
    }
    if (c->left > 0 && c->next <= c->last && slot_of(j, c->next) != NULL)
        return 1;
    buf_putc(out, ']');
    return 0;
}
