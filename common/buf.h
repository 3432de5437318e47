/*
 * buf.h - a growable byte buffer with a hard cap fixed at init.
 *
 * Everything that grows from untrusted input (request bodies, response
 * bodies, journal lines) goes through a buf so that its size is bounded.
 * The data is always NUL-terminated (the NUL is not counted in len).
 */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H

#include <stddef.h>

struct buf {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit on len; appends past it fail */
    int toobig; /* set once an append was refused */
};

void buf_init(struct buf *b, size_t max);
/* 0 on success; -1 (and b->toobig set) if len would exceed max. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append v in decimal; cheaper than buf_printf on hot paths. */
int buf_put_uint(struct buf *b, unsigned long long v);
int buf_put_int(struct buf *b, long long v);
/* Append s as the inside of a JSON string (quotes not included). */
int buf_json_escape(struct buf *b, const char *s, size_t n);
/* Append s as XML or HTML text or double-quoted attribute value: &, <, >
 * and " as entities, and ' as &#39; too when apos. */
int buf_xml_escape(struct buf *b, const char *s, int apos);
void buf_reset(struct buf *b);

/*
 * A JSON array appended to over several calls, as streamed answers are:
 * buf_array_open() writes the '[' the first time and returns b->len (where
 * this call's elements start); buf_array_sep() writes the ',' that goes
 * before every element but the first. The caller writes the ']'.
 */
struct buf_array {
    int opened, any;
};

size_t buf_array_open(struct buf_array *a, struct buf *b);
void buf_array_sep(struct buf_array *a, struct buf *b);
/* Hands the data out; caller frees with free(). The buf is left empty. */
char *buf_steal(struct buf *b, size_t *lenp);
void buf_free(struct buf *b);

#endif
