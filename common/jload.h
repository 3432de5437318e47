/*
 * jload.h - JSON request bodies into jansson values, fast.
 *
 * jansson's loader reads a character at a time through a callback and
 * builds every string in a growing buffer before copying it again; for the
 * small documents the sim reads by the thousand that is most of their cost.
 * This module scans the bytes in place and builds the same values through
 * jansson's public API. It owns no semantics of its own: whatever it does
 * not take on (invalid or unusual input, \u0000, very long numbers, deep
 * nesting) it hands to json_loadb(), so values and errors stay jansson's.
 */
#ifndef COMMON_JLOAD_H
#define COMMON_JLOAD_H

#include <stddef.h>

#include <jansson.h>

/*
 * What json_loadb(buf, len, JSON_DECODE_ANY, err) returns: a new reference
 * (the caller json_decref()s it), equal to jansson's value and dumping the
 * same, or NULL with *err filled by jansson itself. err may be NULL; on
 * success it is not written. buf needs no NUL terminator.
 */
json_t *jload_buf(const char *buf, size_t len, json_error_t *err);

/*
 * What json_loadb(buf, len, flags, err) returns, as jload_buf() does. The
 * fast path takes flags made of JSON_DECODE_ANY and JSON_REJECT_DUPLICATES
 * (a repeated key, or a document that is not an object or array without
 * JSON_DECODE_ANY, is handed to jansson for its error); any other flag
 * goes to json_loadb() straight away.
 */
json_t *jload_buf_flags(const char *buf, size_t len, size_t flags,
                        json_error_t *err);

#endif
