/*
 * bulkmap.c - Bulk API CSV out and result rows in (see bulkmap.h).
 */
#include "bulkmap.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "lead.h"
#include "log.h"
#include "xmalloc.h"

#define BULKMAP_CSV_MAX (512L * 1024 * 1024)

static void
put_cell(struct buf *out, const char *s)
{
    buf_putc(out, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"')
            buf_putc(out, '"');
        buf_putc(out, *s);
    }
    buf_putc(out, '"');
}

/* The columns: key_field, then each other field as first named. */
static json_t *
columns(json_t *const *recs, size_t n, const char *key_field)
{
    json_t *cols = json_array(), *seen = json_object(), *v;
    const char *k;

    json_array_append_new(cols, json_string(key_field));
    json_object_set_new(seen, key_field, json_true());
    for (size_t i = 0; i < n; i++)
        json_object_foreach(recs[i], k, v) {
            if (json_object_get(seen, k) != NULL)
                continue;
            json_object_set_new(seen, k, json_true());
            json_array_append_new(cols, json_string(k));
        }
    json_decref(seen);
    return cols;
}

char *
bulkmap_csv(json_t *const *recs, size_t n, const char *key_field, size_t *len)
{
    json_t *cols = columns(recs, n, key_field), *col;
    struct buf out;
    size_t i, j;

    buf_init(&out, BULKMAP_CSV_MAX);
    json_array_foreach(cols, j, col) {
        if (j > 0)
            buf_putc(&out, ',');
        put_cell(&out, json_string_value(col));
    }
    buf_putc(&out, '\n');
    for (i = 0; i < n; i++) {
        json_array_foreach(cols, j, col) {
            const char *v = json_string_value(
                json_object_get(recs[i], json_string_value(col)));

            if (j > 0)
                buf_putc(&out, ',');
            put_cell(&out, v != NULL ? v : "");
        }
        buf_putc(&out, '\n');
    }
    json_decref(cols);
    if (out.toobig)
        fatalx("Bulk upload larger than %ld bytes", BULKMAP_CSV_MAX);
    buf_puts(&out, "");
    return buf_steal(&out, len);
}

/* The index of name in header (case-insensitive), -1 when absent. */
static long
column_of(json_t *header, const char *name)
{
    json_t *v;
    size_t i;

    json_array_foreach(header, i, v) {
        if (strcasecmp(json_string_value(v), name) == 0)
            return (long)i;
    }
    return -1;
}

static const char *
cell(json_t *row, long i)
{
    return i < 0 ? NULL : json_string_value(json_array_get(row, (size_t)i));
}

long
bulkmap_rows(const char *text, size_t len, const char *key_field,
             bulkmap_row_fn *fn, void *arg, struct sf_err *err)
{
    size_t pos = 0;
    long line = 1, rows = 0, key, id, error;
    json_t *header, *row;
    char why[160];

    if (len == 0)
        return 0;
    header = lead_csv_record(text, len, &pos, &line, why, sizeof(why));
    if (header == NULL || (key = column_of(header, key_field)) < 0) {
        err_set(err, "result file: %s",
                header == NULL ? why : "no column for the external id");
        json_decref(header);
        return -1;
    }
    id = column_of(header, "sf__Id");
    error = column_of(header, "sf__Error");
    while (pos < len) {
        row = lead_csv_record(text, len, &pos, &line, why, sizeof(why));
        if (row == NULL) {
            err_set(err, "result file line %ld: %s", line, why);
            rows = -1;
            break;
        }
        if (cell(row, key) != NULL) {
            fn(arg, cell(row, key), cell(row, id), cell(row, error));
            rows++;
        }
        json_decref(row);
    }
    json_decref(header);
    return rows;
}
