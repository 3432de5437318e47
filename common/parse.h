/*
 * parse.h - strict number parsing for command lines and config values.
 *
 * Unlike atoi()/strtol() used bare, these reject empty strings, trailing
 * garbage and out-of-range values. Return 0 on success, -1 on bad input
 * (*out untouched).
 */
#ifndef COMMON_PARSE_H
#define COMMON_PARSE_H

#include <stdint.h>

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
int parse_uint64(const char *s, uint64_t max, uint64_t *out);

/* The value of one hexadecimal digit (either case), or -1 for any other
 * character: for percent-decoding and \u escapes. */
int parse_hex_digit(int c);

#endif
