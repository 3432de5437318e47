/*
 * utf8.h - well-formed UTF-8, as RFC 3629 defines it.
 *
 * utf8.c owns the one definition the programs share of what a valid
 * sequence is: no overlong forms, no surrogates, nothing past U+10FFFF.
 * Pure functions over caller-owned bytes, and the process's one UTF-8
 * locale for the C library functions that need one.
 */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_BAD 0xFFFFFFFFu /* the code point of a byte that is not UTF-8 */

/* Length (1-4) of the well-formed sequence at s, reading at most n bytes
 * (n >= 1), or 0 when the bytes there are not UTF-8. */
size_t utf8_seq(const unsigned char *s, size_t n);
/* 1 when s[0..n) is well-formed UTF-8 throughout. */
int utf8_valid(const char *s, size_t n);
/*
 * Copies s[0..n) to out (room for 3 * n + 1 bytes) with every byte that is
 * not part of a well-formed sequence replaced by U+FFFD; NUL-terminates;
 * returns the length written and adds the number of replacements to
 * *replaced (may be NULL).
 */
size_t utf8_fix(const char *s, size_t n, char *out, size_t *replaced);

/*
 * Characters, for functions that count and cut text: every well-formed
 * sequence is one, and so is every byte that begins none, so that they
 * all agree on where characters start even in bad input.
 *
 * utf8_next(): the length of the character at s (n >= 1), its code point
 * in *cp (may be NULL; UTF8_BAD for a stray byte).
 */
size_t utf8_next(const char *s, size_t n, uint32_t *cp);
/* The characters in s[0..n). */
size_t utf8_count(const char *s, size_t n);
/* The byte offset of character k (0-based) of s[0..n), or n past the
 * end: the length of a prefix of k characters. */
size_t utf8_offset(const char *s, size_t n, size_t k);
/* Writes cp (at most U+10FFFF, not a surrogate) to out; its length. */
size_t utf8_encode(uint32_t cp, char out[4]);

/*
 * The C.UTF-8 locale (character classes and collation), for the *_l
 * functions and for uselocale() around regcomp()/regexec(), so that "."
 * and case mapping work on characters while the process locale is never
 * touched. Created once, on first use, from any thread; never freed.
 * (locale_t)0 when the system has no C.UTF-8: callers then fall back to
 * bytes.
 */
locale_t utf8_locale(void);

#endif
