/*
 * bulkcsv.c - the Bulk API's CSV dialect (see bulkcsv.h).
 *
 * Both line endings are recognised everywhere, so records split the same
 * way whatever the job declared; a line that ends the other way is only
 * flagged (Salesforce fails the whole upload for it, the caller decides).
 */
#include "bulkcsv.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

static const struct {
    const char *name;
    char delim;
} delims[] = {
    {"BACKQUOTE", '`'}, {"CARET", '^'},     {"COMMA", ','},
    {"PIPE", '|'},      {"SEMICOLON", ';'}, {"TAB", '\t'},
};

static const char *const error_strs[] = {
#define BULKCSV_ERROR_STR(e, s) s,
    BULKCSV_ERRORS(BULKCSV_ERROR_STR)
#undef BULKCSV_ERROR_STR
};

int
bulkcsv_delim_parse(const char *name, char *out)
{
    size_t i;

    for (i = 0; i < sizeof(delims) / sizeof(delims[0]); i++)
        if (strcmp(delims[i].name, name) == 0) {
            *out = delims[i].delim;
            return 0;
        }
    return -1;
}

const char *
bulkcsv_delim_name(char delim)
{
    size_t i;

    for (i = 0; i < sizeof(delims) / sizeof(delims[0]); i++)
        if (delims[i].delim == delim)
            return delims[i].name;
    return NULL;
}

const char *
bulkcsv_error_str(enum bulkcsv_error e)
{
    return error_strs[e];
}

void
bulkcsv_reader_init(struct bulkcsv_reader *r, const char *buf, size_t len,
                    size_t pos, struct bulkcsv_dialect d)
{
    memset(r, 0, sizeof(*r));
    r->buf = buf;
    r->len = len;
    r->pos = pos < len ? pos : len;
    r->d = d;
}

void
bulkcsv_reader_free(struct bulkcsv_reader *r)
{
    free(r->spans);
    r->spans = NULL;
    r->cap = 0;
}

void
bulkcsv_seek(struct bulkcsv_reader *r, size_t pos)
{
    r->pos = pos < r->len ? pos : r->len;
}

size_t
bulkcsv_skip_bom(const char *buf, size_t len)
{
    return len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* Length of the line ending at pos (LF or CRLF), 0 when there is none. */
static size_t
eol_at(struct bulkcsv_reader *r, size_t pos)
{
    if (r->buf[pos] == '\n') {
        if (r->d.crlf)
            r->ending_mismatch = 1;
        return 1;
    }
    if (r->buf[pos] == '\r' && pos + 1 < r->len && r->buf[pos + 1] == '\n') {
        if (!r->d.crlf)
            r->ending_mismatch = 1;
        return 2;
    }
    return 0;
}

static int
at_field_end(struct bulkcsv_reader *r)
{
    return r->pos >= r->len || r->buf[r->pos] == r->d.delim ||
           eol_at(r, r->pos) > 0;
}

static void
set_err(struct bulkcsv_record *rec, enum bulkcsv_error e)
{
    if (rec->err == BULKCSV_ERR_NONE)
        rec->err = e;
}

/* Over a quoted value from its opening quote to just past its close. */
static void
scan_quoted(struct bulkcsv_reader *r, struct bulkcsv_span *s,
            struct bulkcsv_record *rec)
{
    r->pos++;
    while (r->pos < r->len) {
        if (r->buf[r->pos] != '"') {
            r->pos++;
        } else if (r->pos + 1 < r->len && r->buf[r->pos + 1] == '"') {
            s->doubled = 1;
            r->pos += 2;
        } else {
            r->pos++;
            /* Anything between the closing quote and the delimiter. */
            while (!at_field_end(r)) {
                set_err(rec, BULKCSV_ERR_QUOTE);
                r->pos++;
            }
            return;
        }
    }
    set_err(rec, BULKCSV_ERR_UNTERMINATED);
}

static void
scan_plain(struct bulkcsv_reader *r, struct bulkcsv_record *rec)
{
    while (!at_field_end(r)) {
        if (r->buf[r->pos] == '"')
            set_err(rec, BULKCSV_ERR_QUOTE);
        r->pos++;
    }
}

/* Characters in buf[off..off+n) exceed max (bytes first: cheap). */
static int
too_long(const char *buf, size_t off, size_t n, size_t max)
{
    return n > max && utf8_count(buf + off, n) > max;
}

static void
keep_span(struct bulkcsv_reader *r, const struct bulkcsv_span *s,
          size_t *nfields, struct bulkcsv_record *rec)
{
    if (*nfields >= BULKCSV_MAX_FIELDS) {
        set_err(rec, BULKCSV_ERR_TOO_MANY_FIELDS);
        return;
    }
    if (*nfields == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        if (r->cap > BULKCSV_MAX_FIELDS)
            r->cap = BULKCSV_MAX_FIELDS;
        r->spans = xreallocarray(r->spans, r->cap, sizeof(*r->spans));
    }
    r->spans[(*nfields)++] = *s;
    if (too_long(r->buf, s->off, s->len, BULKCSV_MAX_FIELD + 2u * s->quoted))
        set_err(rec, BULKCSV_ERR_FIELD_TOO_LONG);
}

/* Skips empty lines; 0 at the end of the buffer. */
static int
skip_blank(struct bulkcsv_reader *r)
{
    size_t n;

    while (r->pos < r->len && (n = eol_at(r, r->pos)) > 0)
        r->pos += n;
    return r->pos < r->len;
}

int
bulkcsv_next(struct bulkcsv_reader *r, struct bulkcsv_record *rec)
{
    struct bulkcsv_span s;
    size_t nfields = 0;

    memset(rec, 0, sizeof(*rec));
    if (!skip_blank(r))
        return 0;
    rec->start = r->pos;
    for (;;) {
        memset(&s, 0, sizeof(s));
        s.off = (uint32_t)r->pos;
        if (r->pos < r->len && r->buf[r->pos] == '"') {
            s.quoted = 1;
            scan_quoted(r, &s, rec);
        } else {
            scan_plain(r, rec);
        }
        s.len = (uint32_t)(r->pos - s.off);
        keep_span(r, &s, &nfields, rec);
        if (r->pos < r->len && r->buf[r->pos] == r->d.delim) {
            r->pos++;
            continue;
        }
        break;
    }
    rec->end = r->pos;
    if (r->pos < r->len)
        r->pos += eol_at(r, r->pos);
    if (too_long(r->buf, rec->start, rec->end - rec->start, BULKCSV_MAX_RECORD))
        set_err(rec, BULKCSV_ERR_RECORD_TOO_LONG);
    rec->fields = r->spans;
    rec->nfields = nfields;
    return 1;
}

const char *
bulkcsv_value(const char *buf, const struct bulkcsv_span *s,
              struct buf *scratch, size_t *len)
{
    const char *v = buf + s->off;
    size_t n = s->len, i;

    if (s->quoted) {
        v++;
        n--;
        if (n > 0 && v[n - 1] == '"')
            n--;
    }
    if (!s->doubled) {
        *len = n;
        return v;
    }
    buf_reset(scratch);
    for (i = 0; i < n; i++) {
        buf_putc(scratch, v[i]);
        if (v[i] == '"' && i + 1 < n && v[i + 1] == '"')
            i++;
    }
    *len = scratch->len;
    return scratch->data != NULL ? scratch->data : "";
}

int
bulkcsv_put_quoted(struct buf *out, const char *v, size_t n)
{
    const char *q;
    int rc = buf_putc(out, '"');

    while (rc == 0 && n > 0 && (q = memchr(v, '"', n)) != NULL) {
        rc = buf_append(out, v, (size_t)(q - v) + 1);
        if (rc == 0)
            rc = buf_putc(out, '"');
        n -= (size_t)(q - v) + 1;
        v = q + 1;
    }
    if (rc == 0 && n > 0)
        rc = buf_append(out, v, n);
    return rc == 0 ? buf_putc(out, '"') : rc;
}

int
bulkcsv_put_eol(struct buf *out, struct bulkcsv_dialect d)
{
    return d.crlf ? buf_append(out, "\r\n", 2) : buf_putc(out, '\n');
}
