/*
 * fuzz_bulkcsv.c - libFuzzer entry point for the Bulk API's CSV reader.
 *
 * The first input byte picks the dialect (one of the six delimiters, LF or
 * CRLF); the rest is an upload. Every record must lie inside the buffer,
 * the reader must move forward, spans and value counts must respect the
 * caps, and a record read without error must come back the same after
 * being written by the writer and read again (the result files quote every
 * value). Anything else, or a crash, leak or sanitizer report, is a bug.
 *
 * FUZZ-DICT-BEGIN
 * "\""
 * "\"\""
 * "\x0D\x0A"
 * ","
 * "|"
 * "#N/A"
 * "\xEF\xBB\xBF"
 * FUZZ-DICT-END
 *
 * Seeds: tests/fuzz/corpus/bulkcsv/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bulkcsv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char delims[] = {'`', '^', ',', '|', ';', '\t'};

/* The record's values written quoted, one line. */
static void
rewrite(const char *buf, const struct bulkcsv_record *rec, char delim,
        struct buf *scratch, struct buf *out)
{
    const char *v;
    size_t i, len;

    buf_reset(out);
    for (i = 0; i < rec->nfields; i++) {
        if (i > 0)
            buf_putc(out, delim);
        v = bulkcsv_value(buf, &rec->fields[i], scratch, &len);
        bulkcsv_put_quoted(out, v, len);
    }
    buf_putc(out, '\n');
}

/* The rewritten record reads back as the same values. */
static void
check_round_trip(const char *buf, const struct bulkcsv_record *rec,
                 struct bulkcsv_dialect d)
{
    struct buf s1, s2, line;
    struct bulkcsv_reader r;
    struct bulkcsv_record back;
    const char *a, *b;
    size_t i, alen, blen;

    buf_init(&s1, SIZE_MAX / 2);
    buf_init(&s2, SIZE_MAX / 2);
    buf_init(&line, SIZE_MAX / 2);
    rewrite(buf, rec, d.delim, &s1, &line);
    d.crlf = 0;
    bulkcsv_reader_init(&r, line.data, line.len, 0, d);
    if (!bulkcsv_next(&r, &back) || back.err != BULKCSV_ERR_NONE ||
        back.nfields != rec->nfields)
        abort();
    for (i = 0; i < rec->nfields; i++) {
        a = bulkcsv_value(buf, &rec->fields[i], &s1, &alen);
        b = bulkcsv_value(line.data, &back.fields[i], &s2, &blen);
        if (alen != blen || memcmp(a, b, alen) != 0)
            abort();
    }
    bulkcsv_reader_free(&r);
    buf_free(&s1);
    buf_free(&s2);
    buf_free(&line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bulkcsv_dialect d;
    struct bulkcsv_reader r;
    struct bulkcsv_record rec;
    const char *buf;
    size_t i, last = 0, n;

    if (size == 0)
        return 0;
    d.delim = delims[data[0] % sizeof(delims)];
    d.crlf = data[0] & 0x80;
    buf = (const char *)data + 1;
    n = size - 1;
    bulkcsv_reader_init(&r, buf, n, bulkcsv_skip_bom(buf, n), d);
    while (bulkcsv_next(&r, &rec)) {
        if (rec.start < last || rec.end < rec.start || rec.end > n ||
            r.pos <= rec.start || rec.nfields == 0 ||
            rec.nfields > BULKCSV_MAX_FIELDS)
            abort();
        for (i = 0; i < rec.nfields; i++)
            if ((size_t)rec.fields[i].off + rec.fields[i].len > rec.end)
                abort();
        if (rec.err == BULKCSV_ERR_NONE)
            check_round_trip(buf, &rec, d);
        last = r.pos;
    }
    bulkcsv_reader_free(&r);
    return 0;
}
