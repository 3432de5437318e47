/*
 * utf8.h - well-formed UTF-8, as RFC 3629 defines it.
 *
 * utf8.c owns the one definition the programs share of what a valid
 * sequence is: no overlong forms, no surrogates, nothing past U+10FFFF.
 * Pure functions over caller-owned bytes.
 */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <stddef.h>

#include "buf.h"

/* Length (1-4) of the well-formed sequence at s, reading at most n bytes
 * (n >= 1), or 0 when the bytes there are not UTF-8. */
size_t utf8_seq(const unsigned char *s, size_t n);
/* 1 when s[0..n) is well-formed UTF-8 throughout. */
int utf8_valid(const char *s, size_t n);
/* Appends s[0..n) with every byte that is not part of a well-formed
 * sequence replaced by U+FFFD. Returns buf_append()'s answer. */
int utf8_put_fixed(struct buf *b, const char *s, size_t n);

#endif
