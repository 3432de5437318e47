/*
 * jlex.h - JSON tokens as jansson 2.14 reads them: the pieces of a string,
 * a number's extent and a real number's value.
 *
 * Shared by the readers that scan request bytes themselves instead of
 * going through json_loadb() (jload.c builds jansson values, the sim's
 * record scanner builds member lists); each must accept exactly what
 * jansson accepts, or give up and let jansson answer, so the rules live
 * here once. Pure functions over caller-owned bytes; every refusal is
 * "not taken here" (the caller falls back to jansson for the error),
 * never an error message of its own.
 */
#ifndef COMMON_JLEX_H
#define COMMON_JLEX_H

#include <stddef.h>

/*
 * The first byte at or after p (up to end) that a string cannot copy as it
 * is: '"', '\\', a control character or a byte above 0x7f; end if none.
 */
const unsigned char *jlex_skip_plain(const unsigned char *p,
                                     const unsigned char *end);

/*
 * The closing quote of the string whose text starts at p (past its
 * opening quote), or NULL when none comes before end. *plain_only: the
 * text is all bytes jlex_skip_plain() passes, to be taken as it is;
 * otherwise jlex_decode() checks and decodes it.
 */
const unsigned char *jlex_string_end(const unsigned char *p,
                                     const unsigned char *end, int *plain_only);

/*
 * A string's text [p, q) (q at its closing quote) decoded into out (room
 * for q - p bytes; no NUL written): escapes, UTF-8 checked as jansson
 * checks it. Its length, or -1 for what jansson refuses (a control
 * character, bad UTF-8) or is left to it (jlex_escape()).
 */
long jlex_decode(const unsigned char *p, const unsigned char *q, char *out);

/*
 * One escape at *p (just past the backslash, before end): its UTF-8 into
 * out (room for 4 bytes) and *p moved past it; returns the bytes written,
 * 0 for what jansson refuses or the fast readers leave to it: an unknown
 * escape, bad hex, U+0000 (refused without JSON_ALLOW_NUL), a lone
 * surrogate.
 */
size_t jlex_escape(const unsigned char **p, const unsigned char *end,
                   char *out);

/*
 * The number at p by jansson's grammar, -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?:
 * returns its end, or NULL when there is none (or a leading zero); *is_real
 * when it has a fraction or an exponent (jansson makes a real of it);
 * *digits where its integer digits start.
 */
const unsigned char *jlex_number(const unsigned char *p,
                                 const unsigned char *end, int *is_real,
                                 const unsigned char **digits);

/*
 * A real number's text (len bytes, by the grammar above) as jansson
 * converts it: strtod() in the C locale, whatever the process's locale.
 * 0 with *out, -1 for what is left to jansson: text of JLEX_REAL_MAX bytes
 * or more, overflow, underflow (errno set), no C locale.
 */
#define JLEX_REAL_MAX 64
int jlex_real(const unsigned char *text, size_t len, double *out);

#endif
