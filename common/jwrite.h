/*
 * jwrite.h - jansson values as compact JSON text, fast.
 *
 * json_dumps() builds a loop-check table for every container and returns
 * a fresh copy; for the small documents a client writes once per lead
 * (request bodies, log excerpts, outcome lines) that is most of their
 * cost. jwrite appends the same bytes to a caller's buf instead. It owns
 * no format of its own: the text is json_dumps(v, JSON_COMPACT |
 * JSON_ENCODE_ANY)'s byte for byte (keys in the object's order, strings
 * escaped as jansson escapes them, non-ASCII left as it is), and what it
 * does not write itself (reals, very deep nesting) it has jansson write.
 */
#ifndef COMMON_JWRITE_H
#define COMMON_JWRITE_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"

/*
 * Appends json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)'s text to b.
 * Returns 0, or -1 when json_dumps() would have failed (a string that is
 * not UTF-8, a value that contains itself) or b refused the bytes
 * (b->toobig): b then holds part of the text, which the caller drops.
 * v is borrowed.
 */
int jwrite_value(struct buf *b, const json_t *v);

/*
 * Appends s[0..len) as a JSON string, quotes included, escaped as
 * json_dumps() escapes it. s is not checked: the caller passes UTF-8.
 * Returns 0, or -1 when b refused the bytes.
 */
int jwrite_str(struct buf *b, const char *s, size_t len);
/* Appends "key": (after a comma when comma is set), key as jwrite_str()
 * writes it: an object member's name. Returns 0 or -1 as jwrite_str(). */
int jwrite_key(struct buf *b, int comma, const char *key, size_t len);

/* The length of the run at s[0..n) that a JSON string carries as it is,
 * in every escaping the programs use: printable ASCII and DEL, but '"'
 * and '\\'. Eight bytes at a time. */
size_t jwrite_plain_run(const char *s, size_t n);
/*
 * The escape of c, a byte below 0x20, '"' or '\\', at out (room for 6
 * bytes); returns its length. jansson's with lower 0: \" \\ \b \f \n \r
 * \t by name, the others \u00XX in upper case; buf_json_escape()'s with
 * lower set (the delivery log's): no \b or \f, lower-case hex.
 */
size_t jwrite_escape(char *out, unsigned char c, int lower);

#endif
