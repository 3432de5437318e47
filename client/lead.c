/*
 * lead.c - NDJSON and CSV lead files (see lead.h).
 *
 * The whole file is read into memory and split here. CSV follows RFC 4180:
 * quoted cells may hold commas, doubled quotes and newlines, so a record's
 * line number is where it starts. Recovery from a bad CSV record: its
 * first line is skipped and reading goes on with the next line, so that a
 * stray quote (one that never closes, or closes lines later before stray
 * text) cannot take later lines with it: each is a lead or has its own
 * message. Without a good header row every record is reported. CSV lines
 * end in LF, CR LF or a bare CR. The format comes from the file name first
 * (.csv; .ndjson, .jsonl, .json), from the first character second; a
 * UTF-8 byte-order mark is skipped in both.
 */
#include "lead.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "infile.h"
#include "jload.h"
#include "utf8.h"
#include "xmalloc.h"

#define CSV_CELL_MAX (1024 * 1024)
#define UTF8_BOM "\xef\xbb\xbf"

/* File name endings that settle the format (compared without case). */
static const struct {
    const char *ext;
    enum lead_format fmt;
} lead_exts[] = {
    {".csv", LEAD_FMT_CSV},      {".ndjson", LEAD_FMT_NDJSON},
    {".jsonl", LEAD_FMT_NDJSON}, {".json", LEAD_FMT_NDJSON},
    {NULL, LEAD_FMT_AUTO},
};

/*
 * The ids seen so far, with the line of each, to refuse repeats: open
 * addressing over their hashes, the ids themselves one after another in
 * one arena (a jansson object cost two allocations and two hashings a
 * lead). A slot with line 0 is free: lines count from 1.
 */
struct idslot {
    uint64_t hash;
    size_t off; /* the id's NUL-terminated text in names */
    long line;
};

struct idset {
    struct idslot *v; /* owned; cap slots, a power of two */
    size_t cap, n;
    struct buf names;
};

struct reader {
    lead_emit_fn *emit;
    lead_bad_fn *on_bad;
    void *arg;
    struct idset ids;
};

/* FNV-1a, 64 bits. */
static uint64_t
id_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return h;
}

static struct idslot *
idset_slot(struct idset *set, const char *id, uint64_t h)
{
    size_t i = (size_t)h & (set->cap - 1);

    while (set->v[i].line != 0 &&
           (set->v[i].hash != h ||
            strcmp(set->names.data + set->v[i].off, id) != 0))
        i = (i + 1) & (set->cap - 1);
    return &set->v[i];
}

/* Doubles the table (at most half full after). */
static void
idset_grow(struct idset *set)
{
    struct idslot *old = set->v;
    size_t cap = set->cap;

    set->cap = cap != 0 ? cap * 2 : 1024;
    set->v = xcalloc(set->cap, sizeof(*set->v));
    for (size_t i = 0; i < cap; i++)
        if (old[i].line != 0)
            *idset_slot(set, set->names.data + old[i].off, old[i].hash) =
                old[i];
    free(old);
}

/* The line id was first seen on, or 0 when it is new (then recorded as
 * seen on line). */
static long
idset_see(struct idset *set, const char *id, long line)
{
    uint64_t h = id_hash(id);
    struct idslot *sl;

    if (2 * (set->n + 1) > set->cap)
        idset_grow(set);
    sl = idset_slot(set, id, h);
    if (sl->line != 0)
        return sl->line;
    *sl = (struct idslot){h, set->names.len, line};
    buf_append(&set->names, id, strlen(id) + 1);
    set->n++;
    return 0;
}

static void bad(struct reader *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
bad(struct reader *r, long line, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (r->on_bad != NULL)
        r->on_bad(r->arg, line, msg);
}

/* Takes the reference to obj in every case. Returns emit's answer (0 for
 * a bad line). */
static int
add_lead(struct reader *r, json_t *obj, long line)
{
    json_t *idv = json_object_get(obj, "id");
    char *id = NULL;
    long seen;
    int rc = 0;

    if (json_is_string(idv))
        id = xstrdup(json_string_value(idv));
    else if (json_is_integer(idv))
        id = xasprintf("%lld", (long long)json_integer_value(idv));
    if (id == NULL || *id == '\0' || strlen(id) > LEAD_ID_MAX) {
        bad(r, line,
            idv == NULL ? "missing \"id\""
                        : "\"id\" must be a non-empty string or "
                          "integer (at most 255 bytes)");
        goto out;
    }
    seen = idset_see(&r->ids, id, line);
    if (seen != 0) {
        bad(r, line, "repeated id \"%s\" (first on line %lld)", id,
            (long long)seen);
        goto out;
    }
    rc = r->emit(r->arg, id, obj, line);
    id = NULL;
    obj = NULL;
out:
    free(id);
    json_decref(obj);
    return rc;
}

/* Where the text starts after a UTF-8 byte-order mark, as editors and
 * spreadsheets write one. */
static size_t
skip_bom(const char *text, size_t len)
{
    return len >= 3 && memcmp(text, UTF8_BOM, 3) == 0 ? 3 : 0;
}

static void
read_ndjson(struct reader *r, const char *text, size_t len)
{
    size_t pos = skip_bom(text, len);
    long line = 0;

    while (pos < len) {
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - start) : len - pos;
        json_error_t jerr;
        json_t *obj;
        size_t i;

        line++;
        pos += n + (nl != NULL);
        for (i = 0; i < n && strchr(" \t\r", start[i]) != NULL; i++)
            ;
        if (i == n)
            continue;
        obj = jload_buf_flags(start, n, JSON_REJECT_DUPLICATES, &jerr);
        if (obj == NULL) {
            bad(r, line, "not JSON: %s (column %d)", jerr.text, jerr.column);
            continue;
        }
        if (!json_is_object(obj)) {
            bad(r, line, "not a JSON object");
            json_decref(obj);
            continue;
        }
        if (add_lead(r, obj, line) == -1)
            return;
    }
}

/* The length of the line end at p: 2 for CR LF, 1 for LF or a bare CR (as
 * old Mac spreadsheets write), 0 for anything else. */
static size_t
csv_eol(const char *text, size_t len, size_t p)
{
    if (p >= len)
        return 0;
    if (text[p] == '\n')
        return 1;
    if (text[p] == '\r')
        return p + 1 < len && text[p + 1] == '\n' ? 2 : 1;
    return 0;
}

/* Reads one quoted cell body starting after the opening quote: 0, -1 when
 * the cell is too large, -2 when the quote never closes. */
static int
csv_quoted(const char *text, size_t len, size_t *pos, long *line,
           struct buf *cell)
{
    size_t p = *pos;

    for (;;) {
        if (p >= len)
            return -2;
        if (text[p] == '"') {
            if (p + 1 < len && text[p + 1] == '"') {
                buf_putc(cell, '"');
                p += 2;
                continue;
            }
            p++;
            break;
        }
        if (csv_eol(text, len, p) == 1) /* a CR LF counts at its LF */
            (*line)++;
        if (buf_putc(cell, text[p]) == -1)
            return -1;
        p++;
    }
    *pos = p;
    return 0;
}

json_t *
lead_csv_record(const char *text, size_t len, size_t *pos, long *line,
                char *why, size_t n)
{
    json_t *cells = json_array();
    struct buf cell;
    size_t p = *pos, open;
    long line0 = *line;

    buf_init(&cell, CSV_CELL_MAX);
    for (;;) {
        buf_reset(&cell);
        buf_puts(&cell, "");
        if (p < len && text[p] == '"') {
            open = p++;
            switch (csv_quoted(text, len, &p, line, &cell)) {
            case -1: snprintf(why, n, "cell too large"); goto fail;
            case -2:
                snprintf(why, n,
                         "unterminated quote (the cell opened at column %zu "
                         "never closes)",
                         open - *pos + 1);
                goto fail;
            }
        } else {
            while (p < len && text[p] != ',' && csv_eol(text, len, p) == 0)
                if (buf_putc(&cell, text[p++]) == -1) {
                    snprintf(why, n, "cell too large");
                    goto fail;
                }
        }
        json_array_append_new(cells, json_stringn_nocheck(cell.data, cell.len));
        if (p >= len || csv_eol(text, len, p) > 0)
            break;
        if (text[p] != ',') {
            snprintf(why, n, "text after a closing quote");
            goto fail;
        }
        p++;
    }
    *pos = p + csv_eol(text, len, p);
    (*line)++;
    buf_free(&cell);
    return cells;
fail:
    /* A bad record is skipped by its first line only: a stray quote would
     * otherwise take the lines after it along, and every one of them
     * deserves its own chance (or its own message). */
    if (*line > line0 && strlen(why) + 1 < n)
        snprintf(why + strlen(why), n - strlen(why),
                 ": line skipped, reading goes on with the next line");
    p = *pos;
    while (p < len && csv_eol(text, len, p) == 0)
        p++;
    *pos = p + csv_eol(text, len, p);
    *line = line0 + 1;
    buf_free(&cell);
    json_decref(cells);
    return NULL;
}

/*
 * 0 when the record text[from, to) (starting at the start of line) is
 * UTF-8; else reports where the first bad byte is and returns -1. Checked
 * on the raw text so that the position is the file's.
 */
static int
csv_utf8(struct reader *r, const char *text, size_t from, size_t to, long line,
         const char *what)
{
    size_t i = from, line_start = from, k;

    while (i < to) {
        k = utf8_seq((const unsigned char *)text + i, to - i);
        if (k == 0 || text[i] == '\0')
            break;
        if (csv_eol(text, to, i) == 1) {
            line++;
            line_start = i + 1;
        }
        i += k;
    }
    if (i == to)
        return 0;
    if (text[i] == '\0')
        bad(r, line, "%scolumn %zu: a NUL byte", what, i - line_start + 1);
    else
        bad(r, line,
            "%scolumn %zu: not valid UTF-8 (byte 0x%02X); the file must be "
            "UTF-8",
            what, i - line_start + 1, (unsigned)(unsigned char)text[i]);
    return -1;
}

static int
csv_blank(json_t *cells)
{
    return json_array_size(cells) == 1 &&
           json_string_length(json_array_get(cells, 0)) == 0;
}

/* Returns add_lead()'s answer (0 for a bad row). */
static int
csv_row(struct reader *r, json_t *header, json_t *cells, long line)
{
    json_t *obj;
    size_t i;

    if (json_array_size(cells) != json_array_size(header)) {
        bad(r, line, "%zu cells, the header has %zu", json_array_size(cells),
            json_array_size(header));
        return 0;
    }
    obj = json_object();
    for (i = 0; i < json_array_size(cells); i++) {
        json_t *v = json_array_get(cells, i);

        /* An empty cell means "no value", as in a form left blank. */
        if (json_string_length(v) > 0)
            json_object_set(obj, json_string_value(json_array_get(header, i)),
                            v);
    }
    return add_lead(r, obj, line);
}

/* -1 (reported) when two columns of the header have the same name: the
 * later cell would silently replace the earlier one. */
static int
csv_header_check(struct reader *r, json_t *header, long line)
{
    json_t *seen = json_object(), *v;
    size_t i;
    int rc = 0;

    json_array_foreach(header, i, v) {
        json_t *first = json_object_get(seen, json_string_value(v));

        if (first != NULL) {
            bad(r, line, "header row: column %zu repeats \"%s\" (column %lld)",
                i + 1, json_string_value(v),
                (long long)json_integer_value(first));
            rc = -1;
            break;
        }
        json_object_set_new(seen, json_string_value(v),
                            json_integer((json_int_t)i + 1));
    }
    json_decref(seen);
    return rc;
}

static void
read_csv(struct reader *r, const char *text, size_t len)
{
    json_t *header = NULL, *cells;
    size_t pos = 0, from;
    long line = 1, start, header_line = 0;
    char why[256];
    int rc = 0;

    pos = skip_bom(text, len);
    while (pos < len && rc == 0) {
        const char *what = header_line == 0 ? "header row: " : "";

        start = line;
        from = pos;
        cells = lead_csv_record(text, len, &pos, &line, why, sizeof(why));
        if (cells == NULL)
            bad(r, start, "%s%s", what, why);
        else if (csv_utf8(r, text, from, pos, start, what) == -1) {
            json_decref(cells);
            cells = NULL;
        }
        if (cells == NULL) {
            /* A bad first record leaves the file without a header. */
            if (header_line == 0)
                header_line = start;
            continue;
        }
        if (csv_blank(cells))
            ;
        else if (header_line == 0) {
            header_line = start;
            if (csv_header_check(r, cells, start) == 0)
                header = json_incref(cells);
        } else if (header == NULL)
            bad(r, start, "no usable header row (line %ld is bad)",
                header_line);
        else
            rc = csv_row(r, header, cells, start);
        json_decref(cells);
    }
    json_decref(header);
}

void
lead_parse(const char *text, size_t len, enum lead_format fmt,
           lead_emit_fn *emit, lead_bad_fn *on_bad, void *arg)
{
    struct reader r = {.emit = emit, .on_bad = on_bad, .arg = arg};
    size_t i;

    /* Bounded by the text: every id is at most as long as in it, or
     * LEAD_ID_MAX. */
    buf_init(&r.ids.names, SIZE_MAX / 2);
    if (fmt == LEAD_FMT_AUTO) {
        for (i = skip_bom(text, len);
             i < len && strchr(" \t\r\n", text[i]) != NULL; i++)
            ;
        fmt = (i < len && (text[i] == '{' || text[i] == '[')) ? LEAD_FMT_NDJSON
                                                              : LEAD_FMT_CSV;
    }
    if (fmt == LEAD_FMT_NDJSON)
        read_ndjson(&r, text, len);
    else
        read_csv(&r, text, len);
    free(r.ids.v);
    buf_free(&r.ids.names);
}

/* The lead_set behind lead_read_text(): its emit and on_bad callbacks. */
struct set_sink {
    struct lead_set *set;
    lead_bad_fn *on_bad;
    void *arg;
};

static int
set_emit(void *arg, char *id, json_t *data, long line)
{
    struct lead_set *set = ((struct set_sink *)arg)->set;

    /* Capacity doubles: it is max(16, n) whenever n is a power of two. */
    if ((set->n & (set->n - 1)) == 0)
        set->v = xreallocarray(set->v, set->n < 16 ? 16 : set->n * 2,
                               sizeof(*set->v));
    set->v[set->n].id = id;
    set->v[set->n].data = data;
    set->v[set->n].line = line;
    set->n++;
    return 0;
}

static void
set_bad(void *arg, long line, const char *why)
{
    struct set_sink *sink = arg;

    sink->set->bad++;
    if (sink->on_bad != NULL)
        sink->on_bad(sink->arg, line, why);
}

void
lead_read_text(struct lead_set *set, const char *text, size_t len,
               enum lead_format fmt, lead_bad_fn *on_bad, void *arg)
{
    struct set_sink sink = {.set = set, .on_bad = on_bad, .arg = arg};

    memset(set, 0, sizeof(*set));
    lead_parse(text, len, fmt, set_emit, set_bad, &sink);
}

int
lead_load(struct buf *text, const char *path, enum lead_format *fmt,
          struct sf_err *err)
{
    size_t plen = strlen(path), elen, i;

    if (infile_read(text, path, LEAD_FILE_MAX, err) == -1)
        return -1;
    for (i = 0; *fmt == LEAD_FMT_AUTO && lead_exts[i].ext != NULL; i++) {
        elen = strlen(lead_exts[i].ext);
        if (plen > elen &&
            strcasecmp(path + plen - elen, lead_exts[i].ext) == 0)
            *fmt = lead_exts[i].fmt;
    }
    return 0;
}

void
lead_set_free(struct lead_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->v[i].id);
        json_decref(set->v[i].data);
    }
    free(set->v);
    memset(set, 0, sizeof(*set));
}

json_t *
lead_get(const struct lead *l, const char *path)
{
    json_t *v = json_object_get(l->data, path);
    const char *p = path, *dot;

    if (v == NULL) {
        v = l->data;
        while (v != NULL && (dot = strchr(p, '.')) != NULL) {
            v = json_object_getn(v, p, (size_t)(dot - p));
            p = dot + 1;
        }
        v = json_object_get(v, p);
    }
    return json_is_null(v) ? NULL : v;
}

char *
lead_scalar_string(const json_t *v)
{
    if (json_is_string(v))
        return xstrdup(json_string_value(v));
    if (json_is_integer(v))
        return xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return xasprintf("%.15g", json_real_value(v));
    if (json_is_boolean(v))
        return xstrdup(json_is_true(v) ? "true" : "false");
    return NULL;
}

char *
lead_value_string(const json_t *v)
{
    char *s;

    if (v == NULL)
        return NULL;
    if ((s = lead_scalar_string(v)) != NULL)
        return s;
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

char *
lead_get_string(const struct lead *l, const char *path)
{
    return lead_value_string(lead_get(l, path));
}
