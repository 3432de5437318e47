/*
 * lead.h - the leads input: NDJSON or CSV with a header row.
 *
 * lead.c owns reading and validating the file and looking fields up by
 * path. A bad line (not JSON, not an object, no usable "id", a repeated id,
 * a CSV row with the wrong number of cells) is reported through a callback
 * with its line number and counted; it never stops the others. It does not
 * know about buyers or payloads.
 */
#ifndef CLIENT_LEAD_H
#define CLIENT_LEAD_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define LEAD_FILE_MAX (512L * 1024 * 1024)
#define LEAD_ID_MAX 255

struct lead {
    char *id;     /* owned; non-empty */
    json_t *data; /* owned reference: the whole lead object */
    long line;    /* line where the lead starts in its file */
    void *prep;   /* what feed.c's prepare hook made of it, or NULL */
};

struct lead_set {
    struct lead *v; /* owned array */
    size_t n;
    size_t bad; /* lines reported bad */
};

typedef void lead_bad_fn(void *arg, long line, const char *why);
/* A good lead, in file order: the callee takes id (malloc'd) and the data
 * reference. Returns 0 to go on, -1 to stop parsing. */
typedef int lead_emit_fn(void *arg, char *id, json_t *data, long line);

enum lead_format { LEAD_FMT_AUTO, LEAD_FMT_NDJSON, LEAD_FMT_CSV };

/*
 * Reads path whole into text (initialised here; caller frees with
 * buf_free()), at most LEAD_FILE_MAX bytes, and settles *fmt from the name
 * when it is LEAD_FMT_AUTO: ".csv" is CSV, ".ndjson", ".jsonl" and
 * ".json" NDJSON (without case); other names stay LEAD_FMT_AUTO. Returns
 * 0, or -1 with "path: why" in err (a read error is one; text then freed).
 */
int lead_load(struct buf *text, const char *path, enum lead_format *fmt,
              struct sf_err *err);
/*
 * Parses text: each good lead goes to emit, each bad line to on_bad (may
 * be NULL), both with arg, in file order, until the end or until emit asks
 * to stop. LEAD_FMT_AUTO looks at the first character after a byte-order
 * mark and blanks ('{' or '[' means NDJSON, anything else CSV).
 */
void lead_parse(const char *text, size_t len, enum lead_format fmt,
                lead_emit_fn *emit, lead_bad_fn *on_bad, void *arg);

/* Parses text whole into set (initialised here), as lead_parse() does;
 * set->bad counts the bad lines. */
void lead_read_text(struct lead_set *set, const char *text, size_t len,
                    enum lead_format fmt, lead_bad_fn *on_bad, void *arg);
void lead_set_free(struct lead_set *set);
/*
 * Reads one RFC 4180 CSV record of text[0..len) at *pos into a new array
 * of strings (caller decrefs). Advances *pos past the record's newline and
 * *line by the newlines consumed. NULL with why (size n) set for a
 * malformed record, with *pos past the end of the line where it starts.
 * (The Bulk API's result files are read with it too.)
 */
json_t *lead_csv_record(const char *text, size_t len, size_t *pos, long *line,
                        char *why, size_t n);

/*
 * The value at path ("email", "custom.case_type"): a top-level key spelled
 * exactly so wins (CSV headers are flat), then the dotted walk. Borrowed
 * from l->data; NULL when absent or JSON null.
 */
json_t *lead_get(const struct lead *l, const char *path);
/* A JSON scalar as the string sent to Salesforce: strings as they are,
 * numbers in their shortest form, booleans as "true"/"false". Caller
 * frees; NULL for null, objects and arrays. */
char *lead_scalar_string(const json_t *v);

/* v as a string: a scalar as lead_scalar_string() gives it, an object or
 * array as compact JSON. Caller frees; NULL for NULL. */
char *lead_value_string(const json_t *v);
/*
 * The value at path as a string (lead_value_string()). Caller frees with
 * free(); NULL when absent.
 */
char *lead_get_string(const struct lead *l, const char *path);

#endif
