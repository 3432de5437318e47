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

#include "jentry.h"
#include "leadval.h"
#include "log.h"
#include "sfid.h"
#include "timefmt.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * A kept entry: its text as served, and what a query looks at without
 * reading it again (journal_view). method and path follow the text in
 * the same block.
 */
struct jslot {
    uint64_t seq;
    char *json;        /* owned: the text, NUL, method, NUL, path, NUL */
    uint32_t len;      /* of the text */
    uint32_t path_off; /* where the path starts in the block */
    uint64_t ref_seq;
    uint64_t bloom; /* the lead values' hashes (journal_view) */
    uint16_t status;
    uint8_t verdict;
    uint8_t event;
};

struct journal {
    struct jslot *ring; /* owned, ring_size slots */
    size_t ring_size, start, n;
    size_t body_max;
    uint64_t next_seq;
    int fd;           /* the --journal file, or -1 */
    int write_failed; /* the last write failed (reported once) */
    struct buf scratch;
    struct jentry_scratch decode; /* keep_text()'s decoded strings */
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

int
verdict_parse(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < VERDICT_COUNT; i++)
        if (strlen(verdict_names[i]) == len &&
            memcmp(verdict_names[i], name, len) == 0)
            return (int)i;
    return -1;
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
    free(j->decode.data);
    free(j->ring);
    free(j);
}

uint64_t
journal_last_seq(const struct journal *j)
{
    return j->next_seq - 1;
}

/*
 * Entries are serialised by hand: this runs for every request. Strings
 * are escaped exactly as jansson's compact dump escapes them, and bytes
 * that are not UTF-8 become U+FFFD, so that an entry is valid JSON and
 * reads back (a state file, journal_restore()) to the same bytes.
 *
 * The bytes gather in a block on the stack and go to the buf a block at
 * a time: an entry is some forty short pieces, and one append per piece
 * would cost more than the bytes.
 */
struct jw {
    struct buf *b;
    size_t o;       /* bytes in blk */
    char blk[2048]; /* the next bytes of b */
};

static void
jw_init(struct jw *w, struct buf *b)
{
    w->b = b;
    w->o = 0;
}

static void
jw_flush(struct jw *w)
{
    buf_append(w->b, w->blk, w->o);
    w->o = 0;
}

/* Room for n bytes (at most the block's size) at blk + o. */
static char *
jw_room(struct jw *w, size_t n)
{
    if (n > sizeof(w->blk) - w->o)
        jw_flush(w);
    return w->blk + w->o;
}

static void
jw_put(struct jw *w, const void *p, size_t n)
{
    if (n > sizeof(w->blk) - w->o) {
        jw_flush(w);
        if (n > sizeof(w->blk)) {
            buf_append(w->b, p, n);
            return;
        }
    }
    memcpy(w->blk + w->o, p, n);
    w->o += n;
}

static void
jw_putc(struct jw *w, char c)
{
    *jw_room(w, 1) = c;
    w->o++;
}

/* jw_lit(w, "text"): a literal (shorter than the block), copied by the
 * compiler's own moves: an entry has a dozen of them. */
#define jw_lit(w, s)                                                           \
    do {                                                                       \
        memcpy(jw_room(w, sizeof(s) - 1), s, sizeof(s) - 1);                   \
        (w)->o += sizeof(s) - 1;                                               \
    } while (0)

static void
jw_uint(struct jw *w, uint64_t v)
{
    static const char pairs[] = /* "00" to "99" */
        "00010203040506070809101112131415161718192021222324"
        "25262728293031323334353637383940414243444546474849"
        "50515253545556575859606162636465666768697071727374"
        "75767778798081828384858687888990919293949596979899";
    char *out = jw_room(w, 20);
    size_t n = 1, i;
    uint64_t t;

    /* Its digits counted, then written from the last, two at a time:
     * an entry of a batch has three numbers. */
    for (t = v; t >= 10; t /= 10)
        n++;
    for (i = n; v >= 100; v /= 100) {
        i -= 2;
        memcpy(out + i, pairs + 2 * (v % 100), 2);
    }
    if (v >= 10)
        memcpy(out, pairs + 2 * v, 2);
    else
        out[0] = (char)('0' + v);
    w->o += n;
}

/* The entry's length so far. */
static size_t
jw_len(const struct jw *w)
{
    return w->b->len + w->o;
}

/* Drops what was written past len. */
static void
jw_cut(struct jw *w, size_t len)
{
    if (len >= w->b->len) {
        w->o = len - w->b->len;
        return;
    }
    w->o = 0;
    w->b->len = len;
    w->b->data[len] = '\0';
}

#define KEY(name) ",\"" name "\":"

/* A byte that goes into a JSON string as it is: printable ASCII but the
 * quote and the backslash (DEL included, as jansson writes it). A table:
 * put_text() asks for every byte of a short string. */
#define PLAIN(c) ((c) >= 0x20 && (c) < 0x80 && (c) != '"' && (c) != '\\')
#define PLAIN4(c) PLAIN(c), PLAIN((c) + 1), PLAIN((c) + 2), PLAIN((c) + 3)
#define PLAIN16(c) PLAIN4(c), PLAIN4((c) + 4), PLAIN4((c) + 8), PLAIN4((c) + 12)
#define PLAIN64(c)                                                             \
    PLAIN16(c), PLAIN16((c) + 16), PLAIN16((c) + 32), PLAIN16((c) + 48)
static const unsigned char plain_bytes[256] = {PLAIN64(0), PLAIN64(64),
                                               PLAIN64(128), PLAIN64(192)};
#undef PLAIN64
#undef PLAIN16
#undef PLAIN4
#undef PLAIN

static int
plain_byte(unsigned char c)
{
    return plain_bytes[c];
}

/* The escape of the ASCII byte c, which is not plain, at out; its length. */
static size_t
escape_byte(unsigned char c, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    static const char shortform[] = "btn\0fr"; /* \b..\r; '\0': none */

    out[0] = '\\';
    if (c == '"' || c == '\\') {
        out[1] = (char)c;
        return 2;
    }
    if (c >= '\b' && c <= '\r' && shortform[c - '\b'] != '\0') {
        out[1] = shortform[c - '\b'];
        return 2;
    }
    memcpy(out + 1, "u00", 3);
    out[4] = hex[c >> 4];
    out[5] = hex[c & 15];
    return 6;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether one of the 8 bytes of x is not plain_byte(): a high bit, a
 * byte below 0x20, a quote or a backslash (exact whichever byte it is). */
static int
word_needs_care(uint64_t x)
{
    uint64_t q = x ^ (ONES * '"'), bs = x ^ (ONES * '\\');

    return ((x | ((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) |
             ((bs - ONES) & ~bs)) &
            HIGHS) != 0;
}

/*
 * Writes s[0..n) as the inside of a JSON string, every byte that is not
 * part of a well-formed UTF-8 sequence as U+FFFD (as utf8_fix() does).
 * Returns 1 when nothing was replaced (the entry reads back as s).
 */
static int
put_escaped(struct jw *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, stop, k;
    int valid = 1;
    uint64_t x;
    char *out;

    while (i < n) {
        /* 8 plain bytes at once, or the (at most 8) bytes holding the
         * one that needs care one by one. */
        if (n - i >= sizeof(x)) {
            memcpy(&x, s + i, sizeof(x));
            if (!word_needs_care(x)) {
                memcpy(jw_room(w, sizeof(x)), &x, sizeof(x));
                w->o += sizeof(x);
                i += sizeof(x);
                continue;
            }
        }
        /* The plain bytes before the one that needs care (within the
         * next 8), then it alone, then words again: a JSON body has a
         * quote every few bytes. At most 7 plain bytes and an escape (6)
         * or a UTF-8 sequence (4) out. */
        out = jw_room(w, sizeof(x) * 6);
        stop = n - i > sizeof(x) ? i + sizeof(x) : n;
        while (i < stop && plain_byte(p[i]))
            *out++ = (char)p[i++];
        if (i < stop) {
            k = 1;
            if (p[i] < 0x80) {
                out += escape_byte(p[i], out);
            } else if ((k = utf8_seq(p + i, n - i)) == 0) {
                memcpy(out, "\xEF\xBF\xBD", 3); /* U+FFFD */
                out += 3;
                valid = 0;
                k = 1;
            } else {
                memcpy(out, s + i, k);
                out += k;
            }
            i += k;
        }
        w->o = (size_t)(out - w->blk);
    }
    return valid;
}

#define TEXT_PLAIN 2

/* Writes s[0..n) as a JSON string, quotes included; returns 1 when it
 * reads back as s (it was UTF-8; TEXT_PLAIN: every byte went in as it
 * is, escaping none), 0 when bytes were replaced. Plain text
 * (the common case) is copied as it is scanned, 8 bytes at a time. */
static int
put_text(struct jw *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int valid = 1;
    uint64_t x;
    char *out;

    if (n + 2 + sizeof(x) <= sizeof(w->blk)) {
        out = jw_room(w, n + 2 + sizeof(x));
        *out++ = '"';
        for (; i + sizeof(x) <= n; i += sizeof(x)) {
            memcpy(&x, s + i, sizeof(x));
            if (word_needs_care(x))
                break;
            memcpy(out + i, &x, sizeof(x));
        }
        /* Past the last whole word: the word that ends the string (again
         * some of the bytes just copied). */
        if (i < n && n >= sizeof(x) && i + sizeof(x) > n) {
            memcpy(&x, s + n - sizeof(x), sizeof(x));
            if (!word_needs_care(x)) {
                memcpy(out + n - sizeof(x), &x, sizeof(x));
                i = n;
            }
        }
        while (i < n && plain_byte(p[i])) {
            out[i] = (char)p[i];
            i++;
        }
        if (i == n) { /* all of it plain: the closing quote too */
            out[n] = '"';
            w->o += n + 2;
            return TEXT_PLAIN;
        }
        w->o += i + 1;
    } else {
        jw_putc(w, '"');
    }
    valid = put_escaped(w, s + i, n - i);
    jw_putc(w, '"');
    return valid;
}

/* Where put_str() wrote a string: its raw text's offset and length in
 * the entry (len 0: not written), and whether it reads back as given. */
struct written {
    size_t off, len;
    int valid, plain; /* plain: put_text() said TEXT_PLAIN */
};

/* v (not NULL) as a JSON string, where it was written in wr (or NULL). */
static void
put_str_value(struct jw *w, const char *v, struct written *wr)
{
    size_t off = jw_len(w);
    int valid = put_text(w, v, strlen(v));

    if (wr != NULL) {
        wr->off = off;
        wr->len = jw_len(w) - off;
        wr->valid = valid;
        wr->plain = valid == TEXT_PLAIN;
    }
}

/* put_str(w, "name", v, wr): the member "name": v when v is not NULL. */
#define put_str(w, name, v, wr)                                                \
    do {                                                                       \
        const char *v_ = (v);                                                  \
                                                                               \
        if (v_ != NULL) {                                                      \
            jw_lit(w, KEY(name));                                              \
            put_str_value(w, v_, wr);                                          \
        }                                                                      \
    } while (0)

/* RFC 3339 with milliseconds; the seconds part is formatted once a second. */
static void
put_time(struct journal *j, struct jw *w, int64_t ms)
{
    int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int frac = (int)(ms - sec * 1000);
    char tail[5];

    if (sec != j->time_cache_s || j->time_cache[0] == '\0') {
        timefmt_rfc3339(sec * 1000, j->time_cache);
        j->time_cache[20] = '\0'; /* keep "YYYY-MM-DDTHH:MM:SS." */
        j->time_cache_s = sec;
    }
    jw_put(w, j->time_cache, strlen(j->time_cache));
    tail[0] = (char)('0' + frac / 100);
    tail[1] = (char)('0' + frac / 10 % 10);
    tail[2] = (char)('0' + frac % 10);
    tail[3] = 'Z';
    jw_put(w, tail, 4);
}

/*
 * What a query looks at in an entry without reading its text again
 * (journal_view): read from the text of an entry restored, known from the
 * entry itself when it is serialised here (serialise_rest()), the same
 * either way (tests/unit/test_journal_meta.c holds them to it).
 */
struct meta {
    const char *method, *path; /* raw JSON strings, or NULL */
    size_t mlen, plen;
    int mplain, pplain; /* the raw string is its text in quotes (known) */
    int64_t status;
    int verdict, event;
    uint64_t ref_seq, bloom;
    struct jentry_scratch *sc; /* where strings are decoded (reading) */
};

static int
bloom_value(const char *v, size_t len, void *arg)
{
    uint64_t h = leadval_hash(v, len), *bloom = arg;

    *bloom |= 1ULL << (h & 63) | 1ULL << ((h >> 6) & 63);
    return 0;
}

/*
 * s[0..n) as the entry's text reads back: s itself when put_text() said
 * so (valid), else a copy with the bytes that are not UTF-8 replaced in
 * *fixed (caller frees; NULL when not needed). *n is its length.
 */
static const char *
read_back(const char *s, size_t *n, int valid, char **fixed)
{
    *fixed = NULL;
    if (valid)
        return s;
    *fixed = xmalloc(3 * *n + 1);
    *n = utf8_fix(s, *n, *fixed, NULL);
    return *fixed;
}

/* The lead values of a string member (jentry_member_values()): the
 * record id, 18 characters and the first 15, or the values of the body. */
static void
bloom_member(uint64_t *bloom, const char *s, size_t n, int valid, int body)
{
    char *fixed;
    const char *v = read_back(s, &n, valid, &fixed);

    if (body) {
        leadval_each(v, n, bloom_value, bloom);
    } else {
        bloom_value(v, n, bloom);
        if (n == SFID_LEN18)
            bloom_value(v, SFID_LEN15, bloom);
    }
    free(fixed);
}

/* "fields": the record's values, kept up to body_max bytes; their lead
 * values (the strings, as leadval_each() reads the object) in *bloom. */
static void
put_fields(struct journal *j, struct jw *w, const struct journal_entry *e,
           uint64_t *bloom)
{
    size_t i, start, before, nvalues = 0, n = 0;
    int cut = 0, valid = 1;
    const char *v;
    char *fixed;

    jw_lit(w, KEY("fields") "{");
    start = jw_len(w);
    for (i = 0; i < e->nfields; i++) {
        const struct journal_field *f = &e->fields[i];

        before = jw_len(w);
        if (i > 0)
            jw_putc(w, ',');
        put_text(w, f->name, strlen(f->name));
        jw_putc(w, ':');
        if (f->value == NULL)
            jw_lit(w, "null");
        else
            valid = put_text(w, f->value, n = strlen(f->value));
        if (jw_len(w) - start > j->body_max) {
            jw_cut(w, before);
            cut = 1;
            break;
        }
        if (f->value != NULL && nvalues++ < LEADVAL_MAX) {
            v = read_back(f->value, &n, valid, &fixed);
            bloom_value(v, n, bloom);
            free(fixed);
        }
    }
    jw_putc(w, '}');
    if (cut)
        jw_lit(w, KEY("fields_truncated") "true");
}

/* A number as raw_number() reads it back from its decimal text (all but
 * the last digit of the few past UINT64_MAX / 10 * 10). */
static uint64_t
number_read_back(uint64_t v)
{
    return v / 10 >= UINT64_MAX / 10 ? v / 10 : v;
}

/*
 * Everything of an entry after its "{\"seq\":N": the time and the kind,
 * then (batch items) batch_index and the rest; m gets what a query looks
 * at, method and path as offsets in the entry. split is the offset
 * just after the kind, where journal_batch_commit() puts batch_seq.
 */
struct shape {
    size_t split;
    struct written method, path;
    struct meta m; /* method and path: not set */
};

static void
serialise_rest(struct journal *j, struct jw *w, const struct journal_entry *e,
               size_t index, struct shape *sh)
{
    size_t body_len = e->body_len;
    const char *kind = e->kind != NULL ? e->kind : "request";
    struct written id = {0, 0, 1, 0};

    memset(sh, 0, sizeof(*sh));
    jw_lit(w, ",\"time\":\"");
    put_time(j, w, e->time_ms);
    jw_putc(w, '"');
    put_str(w, "kind", kind, NULL);
    sh->m.event = strcmp(kind, "event") == 0;
    sh->split = jw_len(w);
    if (index != SIZE_MAX) {
        jw_lit(w, KEY("batch_index"));
        jw_uint(w, index);
    }
    put_str(w, "method", e->method, &sh->method);
    put_str(w, "path", e->path, &sh->path);
    put_str(w, "query", e->query, NULL);
    put_str(w, "content_type", e->content_type, NULL);
    put_str(w, "auth", e->auth, NULL);
    if (e->status != 0) {
        jw_lit(w, KEY("status"));
        jw_uint(w, (uint64_t)e->status);
        sh->m.status = e->status;
    }
    /* A batch item's verdict is written when it is committed (it may
     * change: journal_batch_roll_back()). */
    sh->m.verdict = e->verdict < VERDICT_COUNT ? (int)e->verdict : VERDICT_NONE;
    if (index == SIZE_MAX)
        put_str(w, "verdict", verdict_name(e->verdict), NULL);
    put_str(w, "object", e->object, NULL);
    put_str(w, "record_id", e->record_id, &id);
    if (e->record_id != NULL)
        bloom_member(&sh->m.bloom, e->record_id, strlen(e->record_id), id.valid,
                     0);
    put_str(w, "error_code", e->error_code, NULL);
    put_str(w, "detail", e->detail, NULL);
    if (e->ref_seq != 0) {
        jw_lit(w, KEY("ref_seq"));
        jw_uint(w, e->ref_seq);
        sh->m.ref_seq = number_read_back(e->ref_seq);
    }
    if (e->info_json != NULL) {
        jw_lit(w, KEY("info"));
        jw_put(w, e->info_json, strlen(e->info_json));
    }
    if (e->fields != NULL)
        put_fields(j, w, e, &sh->m.bloom);
    if (e->body != NULL) {
        if (body_len > j->body_max)
            body_len = j->body_max;
        jw_lit(w, KEY("body"));
        bloom_member(&sh->m.bloom, e->body, body_len,
                     put_text(w, e->body, body_len), 1);
        jw_lit(w, KEY("body_bytes"));
        jw_uint(w, e->body_bytes ? e->body_bytes : e->body_len);
        if (body_len < e->body_len || e->body_cut)
            jw_lit(w, KEY("body_truncated") "true");
        else
            jw_lit(w, KEY("body_truncated") "false");
    }
    jw_putc(w, '}');
}

/* The method and path of sh, written at base, in m. */
static void
shape_strings(const struct shape *sh, const char *base, struct meta *m)
{
    m->method = sh->method.len ? base + sh->method.off : NULL;
    m->mlen = sh->method.len;
    m->mplain = sh->method.plain;
    m->path = sh->path.len ? base + sh->path.off : NULL;
    m->plen = sh->path.len;
    m->pplain = sh->path.plain;
}

/* The entry in j->scratch, sequence number included. */
static void
serialise(struct journal *j, uint64_t seq, const struct journal_entry *e,
          struct shape *sh)
{
    struct jw w;

    buf_reset(&j->scratch);
    jw_init(&w, &j->scratch);
    jw_lit(&w, "{\"seq\":");
    jw_uint(&w, seq);
    serialise_rest(j, &w, e, SIZE_MAX, sh);
    jw_flush(&w);
}

/*
 * The entry json[0..len) and its newline (in place of its NUL for the
 * while) in one write(2) on an O_APPEND descriptor: the line lands whole,
 * at once. A failure (a full disk) is reported once until a write
 * succeeds again; the ring keeps the entry.
 */
static void
write_line(struct journal *j, char *json, size_t len)
{
    size_t off = 0;
    ssize_t n;

    if (j->fd == -1)
        return;
    json[len++] = '\n';
    while (off < len) {
        n = write(j->fd, json + off, len - off);
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
    json[len - 1] = '\0';
}

/* A block for an entry's text of len bytes, a NUL, and its method and
 * path (room bytes in all) each with a NUL (keep_block()). */
static char *
block_new(size_t len, size_t room)
{
    return xmalloc(len + room + 3);
}

static void keep_block(struct journal *j, uint64_t seq, char *json, size_t len,
                       const struct meta *m);

/* --- entries of a batch --------------------------------------------------- */

struct journal_batch_item {
    size_t parent;
    enum verdict verdict;
    /* The entry after its seq, but its verdict, at block + BATCH_HEAD: the
     * block (owned) becomes the kept entry once committed, with room for
     * the seq, batch_seq and verdict in front and for the method and path
     * (keep_block()) behind. */
    char *block;
    size_t len;
    struct shape shape; /* method and path: offsets in the text */
};

/* The bytes journal_batch_commit() adds to an item: "{\"seq\":N" and
 * ",\"batch_seq\":N,\"verdict\":\"V\"" (numbers of at most 20 digits;
 * the union is as large as the longest verdict name and its NUL). */
#define VERDICT_SIZE(e, s) char e[sizeof(s)];
union verdict_sizes {
    VERDICT_LIST(VERDICT_SIZE)
};
#undef VERDICT_SIZE
#define BATCH_HEAD 128
_Static_assert(sizeof("{\"seq\":") - 1 + 20 + sizeof(KEY("batch_seq")) - 1 +
                       20 + sizeof(KEY("verdict")) - 1 + 2 +
                       sizeof(union verdict_sizes) - 1 <=
                   BATCH_HEAD,
               "an item's block has room for what commit adds");

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
        free(b->items[i].block);
    free(b->items);
    memset(b, 0, sizeof(*b));
}

static struct journal_batch_item *
batch_push(struct journal_batch *b)
{
    /* Four times as many each time: a Collections call's 200 records
     * cost two moves of the array, not four. */
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 4 : 16;
        b->items = xreallocarray(b->items, b->cap, sizeof(*b->items));
    }
    return &b->items[b->n++];
}

size_t
journal_batch_add(struct journal *j, struct journal_batch *b, size_t parent,
                  size_t index, const struct journal_entry *e)
{
    struct journal_batch_item *it = batch_push(b);
    struct jw w;

    buf_reset(&j->scratch);
    jw_init(&w, &j->scratch);
    serialise_rest(j, &w, e, index, &it->shape);
    it->parent = parent;
    it->verdict = e->verdict;
    if (j->scratch.len > 0) /* not all of it in w's block */
        jw_flush(&w);
    it->len = j->scratch.len > 0 ? j->scratch.len : w.o;
    it->block = block_new(BATCH_HEAD + it->len,
                          it->shape.method.len + it->shape.path.len);
    memcpy(it->block + BATCH_HEAD, j->scratch.len > 0 ? j->scratch.data : w.blk,
           it->len);
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

/* Where text offset off of it (not empty) is once committed as json:
 * the pieces before it->shape.split moved by head, the rest by all w adds. */
static const char *
committed_at(const struct journal_batch_item *it, const char *json, size_t head,
             size_t added, size_t off, size_t len)
{
    if (len == 0)
        return NULL;
    return json + (off < it->shape.split ? head : added) + off;
}

/*
 * Makes it's block the entry: w's head (the seq, head bytes) and the rest
 * it adds (batch_seq, the verdict) around the text's first split bytes.
 * Small pieces first, so that none is overwritten before it moves; the
 * text's tail moves left (never right: w adds at most BATCH_HEAD).
 */
static char *
batch_item_entry(struct journal_batch_item *it, const struct jw *w, size_t head)
{
    char *json = it->block, *text = it->block + BATCH_HEAD;
    size_t split = it->shape.split;

    memmove(json + head, text, split);
    memmove(json + split + w->o, text + split, it->len - split);
    memcpy(json + head + split, w->blk + head, w->o - head);
    memcpy(json, w->blk, head);
    json[w->o + it->len] = '\0';
    it->block = NULL;
    return json;
}

void
journal_batch_commit(struct journal *j, struct journal_batch *b,
                     uint64_t top_seq)
{
    struct journal_batch_item *it;
    uint64_t *seqs = NULL, parent;
    struct meta m;
    struct jw w;
    size_t i, head, len;
    char *json;

    if (top_seq != 0 && b->n > 0)
        seqs = xcalloc(b->n, sizeof(*seqs));
    for (i = 0; seqs != NULL && i < b->n; i++) {
        it = &b->items[i];
        /* A parent is always an earlier item (journal_batch_add). */
        parent = it->parent == JOURNAL_BATCH_TOP || it->parent >= i
                     ? top_seq
                     : seqs[it->parent];
        seqs[i] = j->next_seq++;
        m = it->shape.m;
        m.verdict =
            it->verdict < VERDICT_COUNT ? (int)it->verdict : VERDICT_NONE;
        /* The seq first, batch_seq and the verdict after the kind: the
         * pieces this writes stay in w's block (a few dozen bytes). */
        buf_reset(&j->scratch);
        jw_init(&w, &j->scratch);
        jw_lit(&w, "{\"seq\":");
        jw_uint(&w, seqs[i]);
        head = w.o;
        jw_lit(&w, KEY("batch_seq"));
        jw_uint(&w, parent);
        put_str(&w, "verdict", verdict_name(m.verdict), NULL);
        len = w.o + it->len;
        json = batch_item_entry(it, &w, head);
        m.method = committed_at(it, json, head, w.o, it->shape.method.off,
                                it->shape.method.len);
        m.mlen = it->shape.method.len;
        m.mplain = it->shape.method.plain;
        m.path = committed_at(it, json, head, w.o, it->shape.path.off,
                              it->shape.path.len);
        m.plen = it->shape.path.len;
        m.pplain = it->shape.path.plain;
        write_line(j, json, len);
        keep_block(j, seqs[i], json, len, &m);
    }
    free(seqs);
    journal_batch_free(b);
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

/* --- what a query sees of an entry ---------------------------------------- */

static int
key_is(const char *key, size_t klen, const char *name)
{
    return klen == strlen(name) && memcmp(key, name, klen) == 0;
}

static uint64_t
raw_number(const char *v, size_t n)
{
    uint64_t x = 0;
    size_t i;

    for (i = 0; i < n && v[i] >= '0' && v[i] <= '9' && x < UINT64_MAX / 10; i++)
        x = x * 10 + (uint64_t)(v[i] - '0');
    return x;
}

static int
meta_member(const char *key, size_t klen, const char *val, size_t vlen,
            void *arg)
{
    struct meta *m = arg;
    const char *s;
    size_t n;

    if (key_is(key, klen, "method")) {
        m->method = val;
        m->mlen = vlen;
    } else if (key_is(key, klen, "path")) {
        m->path = val;
        m->plen = vlen;
    } else if (key_is(key, klen, "status")) {
        m->status = (int64_t)raw_number(val, vlen);
    } else if (key_is(key, klen, "ref_seq")) {
        m->ref_seq = raw_number(val, vlen);
    } else if (key_is(key, klen, "kind")) {
        m->event = vlen == 7 && memcmp(val, "\"event\"", 7) == 0;
    } else if (key_is(key, klen, "verdict")) {
        s = jentry_decode(val, vlen, m->sc, &n);
        m->verdict = verdict_parse(s, n);
    }
    return 0;
}

uint64_t
journal_lead_bits(const char *value, size_t len)
{
    uint64_t bits = 0;

    bloom_value(value, len, &bits);
    return bits;
}

/* Writes the decoded raw string v (or nothing) and a NUL at out, which
 * has room for LEADVAL_DECODED_ROOM(vlen) + 1 bytes; returns the bytes
 * written. plain: v is known to be its text in quotes. */
static size_t
put_decoded(char *out, const char *v, size_t vlen, int plain)
{
    size_t used, n = 0;
    const char *end;

    if (v == NULL || vlen == 0 || v[0] != '"') {
        /* nothing */
    } else if (plain && vlen >= 2) {
        n = vlen - 2;
        memcpy(out, v + 1, n);
    } else if (memchr(v + 1, '\\', vlen - 1) == NULL) {
        /* no escape (a method, a path): the bytes up to the quote */
        end = memchr(v + 1, '"', vlen - 1);
        n = end != NULL ? (size_t)(end - (v + 1)) : vlen - 1;
        memcpy(out, v + 1, n);
    } else {
        n = leadval_json_string(v, vlen, out, &used);
    }
    out[n] = '\0';
    return n + 1;
}

/* One member of an entry kept: what a query looks at, and its lead
 * values in the bloom (one walk over the text for both). */
static int
keep_member(const char *key, size_t klen, const char *val, size_t vlen,
            void *arg)
{
    struct meta *m = arg;

    meta_member(key, klen, val, vlen, m);
    return jentry_member_values(key, klen, val, vlen, bloom_value, &m->bloom,
                                m->sc);
}

/*
 * Keeps the entry json[0..len) (a block_new() with room for m's method
 * and path decoded, taken) as number seq (the next): the ring's slot,
 * with what a query looks at (m).
 */
static void
keep_block(struct journal *j, uint64_t seq, char *json, size_t len,
           const struct meta *m)
{
    const struct jslot *ref;
    struct jslot *s;
    uint64_t bloom = m->bloom;
    size_t off;

    /* An event (a queued post created later) is found by its request's
     * values too. */
    if (m->event && (ref = slot_of(j, m->ref_seq)) != NULL)
        bloom |= ref->bloom;
    json[len] = '\0';
    off = len + 1;
    off += put_decoded(json + off, m->method, m->mlen, m->mplain);
    if (j->n == j->ring_size) {
        free(j->ring[j->start].json);
        j->start = (j->start + 1) % j->ring_size;
        j->n--;
    }
    s = &j->ring[(j->start + j->n) % j->ring_size];
    s->seq = seq;
    s->len = (uint32_t)len;
    s->path_off = (uint32_t)off;
    put_decoded(json + off, m->path, m->plen, m->pplain);
    s->json = json;
    s->ref_seq = m->ref_seq;
    s->bloom = bloom;
    s->status = m->status > 0 && m->status < 1000 ? (uint16_t)m->status : 0;
    s->verdict = (uint8_t)(m->verdict >= 0 ? m->verdict : VERDICT_NONE);
    s->event = (uint8_t)m->event;
    j->n++;
    j->next_seq = seq + 1;
}

/* Keeps a copy of text (a restored entry's) as entry seq, what a query
 * looks at read from it. */
static void
keep_text(struct journal *j, uint64_t seq, const char *text, size_t len)
{
    struct meta m = {.verdict = VERDICT_NONE, .sc = &j->decode};
    char *json;

    jentry_each(text, len, keep_member, &m);
    /* A text's escapes may grow when decoded (the sim's own never do). */
    json = block_new(len, LEADVAL_DECODED_ROOM(m.mlen) +
                              LEADVAL_DECODED_ROOM(m.plen));
    memcpy(json, text, len);
    keep_block(j, seq, json, len, &m);
}

uint64_t
journal_add(struct journal *j, const struct journal_entry *e)
{
    uint64_t seq = j->next_seq;
    struct shape sh;
    char *json;

    serialise(j, seq, e, &sh);
    shape_strings(&sh, j->scratch.data, &sh.m);
    json = block_new(j->scratch.len, sh.m.mlen + sh.m.plen);
    memcpy(json, j->scratch.data, j->scratch.len);
    write_line(j, json, j->scratch.len);
    keep_block(j, seq, json, j->scratch.len, &sh.m);
    return seq;
}

int
journal_view(const struct journal *j, uint64_t seq, struct journal_view *v)
{
    const struct jslot *s = slot_of(j, seq);

    if (s == NULL)
        return -1;
    v->seq = s->seq;
    v->ref_seq = s->ref_seq;
    v->json = s->json;
    v->len = s->len;
    v->method = s->json + s->len + 1;
    v->path = s->json + s->path_off;
    v->status = s->status;
    v->verdict = (enum verdict)s->verdict;
    v->event = s->event;
    v->lead_bits = s->bloom;
    return 0;
}

uint64_t
journal_first_seq(const struct journal *j)
{
    return j->next_seq - j->n;
}

/* --- reading a few at a time ---------------------------------------------- */

void
journal_cursor_init(const struct journal *j, struct journal_cursor *c,
                    uint64_t since, uint64_t limit)
{
    memset(c, 0, sizeof(*c));
    c->lo = since < UINT64_MAX ? since + 1 : UINT64_MAX;
    c->hi = j->next_seq - 1;
    c->next = c->lo;
    c->left = limit;
}

void
journal_cursor_newest_first(struct journal_cursor *c)
{
    c->desc = 1;
    c->next = c->hi;
}

void
journal_cursor_filter(struct journal_cursor *c, journal_filter_fn *fn,
                      void *arg)
{
    c->filter = fn;
    c->filter_arg = arg;
}

/* Whether the cursor has numbers left to look at (entries pushed out of
 * the ring meanwhile are skipped: oldest first, they come first; newest
 * first, they end the walk). */
static int
cursor_more(const struct journal *j, struct journal_cursor *c)
{
    uint64_t first = journal_first_seq(j);

    if (c->left == 0 || c->lo > c->hi)
        return 0;
    if (!c->desc) {
        if (c->next < first)
            c->next = first;
        return c->next <= c->hi;
    }
    return c->next >= c->lo && c->next >= first && c->next != 0;
}

int
journal_stream(const struct journal *j, struct journal_cursor *c,
               struct buf *out, size_t max)
{
    struct journal_view v;
    size_t start;
    uint64_t seq;

    start = buf_array_open(&c->arr, out);
    while (cursor_more(j, c) && out->len - start < max) {
        seq = c->desc ? c->next-- : c->next++;
        if (journal_view(j, seq, &v) == -1)
            break;
        if (c->filter != NULL && !c->filter(j, &v, c->filter_arg))
            continue;
        buf_array_sep(&c->arr, out);
        buf_append(out, v.json, v.len);
        c->left--;
    }
    if (cursor_more(j, c))
        return 1;
    buf_putc(out, ']');
    return 0;
}

/* --- restoring ------------------------------------------------------------ */

int
journal_restore(struct journal *j, uint64_t seq, const char *text, size_t len)
{
    /* The ring holds consecutive numbers: the first entry restored may
     * start anywhere ahead, the others follow it. */
    if (seq == 0 || seq == UINT64_MAX || seq < j->next_seq ||
        (j->n > 0 && seq != j->next_seq) || len > UINT32_MAX)
        return -1;
    keep_text(j, seq, text, len);
    return 0;
}

int
journal_set_next_seq(struct journal *j, uint64_t next)
{
    if (next < j->next_seq || next == 0)
        return -1;
    if (next > j->next_seq)
        journal_clear(j);
    j->next_seq = next;
    return 0;
}

void
journal_take(struct journal *to, struct journal *from)
{
    struct jslot *ring = to->ring;
    size_t ring_size = to->ring_size;

    journal_clear(to);
    to->ring = from->ring;
    to->ring_size = from->ring_size;
    to->start = from->start;
    to->n = from->n;
    to->next_seq = from->next_seq;
    from->ring = ring;
    from->ring_size = ring_size;
    from->start = from->n = 0;
}
