/*
 * jregex.h - Java regular expressions, as Salesforce's REGEX() takes them,
 * run on the C library's POSIX matcher.
 *
 * A Java pattern is translated to a POSIX extended regular expression that
 * must match the whole subject, as Java's String.matches() does. What
 * cannot be translated faithfully (backreferences, lookaround, possessive
 * quantifiers, class intersections, \p{...}) is refused with a message
 * rather than guessed. Lazy quantifiers are accepted: they match the same
 * whole strings as greedy ones. Patterns and subjects run under the C.UTF-8
 * locale when the system has it (utf8_locale()), so "." is one character.
 * This module knows nothing of formulas; formula_fn.c calls it.
 */
#ifndef SIM_JREGEX_H
#define SIM_JREGEX_H

#include <stddef.h>

/*
 * Bounds: pattern bytes, group nesting, {n,m} counts, pattern size after
 * expanding repetitions, and subject bytes (Salesforce's largest text
 * field; the caller refuses longer subjects). glibc's matcher slows down
 * sharply with the number of pattern positions: at these caps a worst case
 * takes well under a second on the largest subject, while 3000 positions
 * took 13 s.
 */
#define JREGEX_MAX_LEN 2000
#define JREGEX_MAX_GROUPS 32
#define JREGEX_MAX_REPEAT 1000
#define JREGEX_MAX_COST 1000
#define JREGEX_MAX_SUBJECT 131072

struct jregex;

/*
 * Compiles len bytes of a Java pattern (no NUL needed; a NUL byte is
 * refused). Returns a new pattern that the caller frees with jregex_free(),
 * or NULL with a message in msg (msgsize bytes, NUL-terminated).
 */
struct jregex *jregex_compile(const char *pat, size_t len, char *msg,
                              size_t msgsize);

/* 1 if subject (NUL-terminated) matches as a whole, 0 if not, -1 when the
 * matcher fails. */
int jregex_match(const struct jregex *re, const char *subject);

/* Frees re; NULL is a no-op. */
void jregex_free(struct jregex *re);

#endif
