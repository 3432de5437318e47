/*
 * bulkcsv.h - the CSV dialect of Salesforce's Bulk API: reading uploaded
 * job data and writing result files.
 *
 * Reading works in place over one buffer (the upload, kept whole by the
 * job): a record is a list of spans into it, and only a value that holds
 * doubled quotes is copied out when asked for. Every record, field and
 * field count is bounded (Salesforce's own limits), and a record that
 * breaks a rule is reported, never cut short, so the next record starts
 * where Salesforce's would. This module knows nothing of jobs, objects or
 * HTTP.
 *
 * The dialect (facts 3.3, 3.6; "Valid CSV Record Rows"): a delimiter of
 * the job's choice, LF or CRLF line endings (the job's; the other one is
 * an error of the whole upload), double quotes around a value that holds
 * a delimiter, a line ending or a quote, quotes doubled inside; values are
 * not trimmed, and a quote that does not open or close a value (a space
 * before or after it, say) is an error of its record. Empty lines are
 * skipped; a UTF-8 byte order mark before the header is ignored.
 */
#ifndef SIM_BULKCSV_H
#define SIM_BULKCSV_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define BULKCSV_MAX_FIELD 32000   /* characters in one value */
#define BULKCSV_MAX_FIELDS 5000   /* values in one record */
#define BULKCSV_MAX_RECORD 400000 /* characters in one record */
#define BULKCSV_MAX_HEADER 32000  /* characters in the header row */
#define BULKCSV_DELIM_NAME_MAX 16

/* X(enum suffix, message): what can be wrong with one record. */
#define BULKCSV_ERRORS(X)                                                      \
    X(NONE, "")                                                                \
    X(QUOTE, "a double quote must open or close a value")                      \
    X(UNTERMINATED, "a quoted value is not closed")                            \
    X(FIELD_TOO_LONG, "a value is longer than 32000 characters")               \
    X(RECORD_TOO_LONG, "the record is longer than 400000 characters")          \
    X(TOO_MANY_FIELDS, "the record has more than 5000 values")

enum bulkcsv_error {
#define BULKCSV_ERROR_ENUM(e, s) BULKCSV_ERR_##e,
    BULKCSV_ERRORS(BULKCSV_ERROR_ENUM)
#undef BULKCSV_ERROR_ENUM
};

/* The job's format: a delimiter byte and the line ending. */
struct bulkcsv_dialect {
    char delim;
    int crlf;
};

/* One value of a record: a span of the buffer (with its quotes). */
struct bulkcsv_span {
    uint32_t off, len; /* the raw text, quotes included */
    uint8_t quoted;    /* 1: the raw text is "..." */
    uint8_t doubled;   /* 1: it holds "" to undo */
};

/* One record as read: its spans (owned by the reader, valid until the
 * next read) and where it lies in the buffer. */
struct bulkcsv_record {
    const struct bulkcsv_span *fields;
    size_t nfields;
    size_t start, end; /* [start, end): the text, line ending excluded */
    enum bulkcsv_error err;
};

struct bulkcsv_reader {
    const char *buf;
    size_t len, pos;
    struct bulkcsv_dialect d;
    int ending_mismatch; /* set once a line ends the other way */
    struct bulkcsv_span *spans;
    size_t cap;
};

/*
 * "COMMA" -> ',' and back, for the six delimiters Bulk API 2.0 accepts
 * (BACKQUOTE CARET COMMA PIPE SEMICOLON TAB). -1 / NULL when unknown.
 */
int bulkcsv_delim_parse(const char *name, char *out);
const char *bulkcsv_delim_name(char delim);
const char *bulkcsv_error_str(enum bulkcsv_error e);

/*
 * Reads buf[pos..len) (borrowed; must outlive the reader). pos lets a
 * reader start past a header it already read. Free with
 * bulkcsv_reader_free().
 */
void bulkcsv_reader_init(struct bulkcsv_reader *r, const char *buf, size_t len,
                         size_t pos, struct bulkcsv_dialect d);
void bulkcsv_reader_free(struct bulkcsv_reader *r);
/*
 * The next record into *rec: 1, or 0 at the end of the buffer. A record
 * with rec->err set was still read to its end (the spans are those that
 * fit). r->ending_mismatch says a line ended in the other line ending.
 */
int bulkcsv_next(struct bulkcsv_reader *r, struct bulkcsv_record *rec);
/* Moves the reader to pos (the start of a record it read before). */
void bulkcsv_seek(struct bulkcsv_reader *r, size_t pos);
/* Offset of the first byte after a UTF-8 byte order mark (0 or 3). */
size_t bulkcsv_skip_bom(const char *buf, size_t len);

/*
 * The value of span s of buf, quotes removed and doubled quotes undone:
 * borrowed from buf when nothing needs undoing, else written into scratch
 * (reset first). *len is set.
 */
const char *bulkcsv_value(const char *buf, const struct bulkcsv_span *s,
                          struct buf *scratch, size_t *len);

/* Appends v[0..n) as a quoted value ("" for each quote inside). */
int bulkcsv_put_quoted(struct buf *out, const char *v, size_t n);
/* Appends the line ending of d. */
int bulkcsv_put_eol(struct buf *out, struct bulkcsv_dialect d);

#endif
