/*
 * leadval.h - the values a request body carries, for finding every request
 * about one lead ("each post with this email") in the journal.
 *
 * A body that starts with '{' or '[' is read as JSON by a lexical scan of
 * its string and number values (object keys are left out), so a body the
 * journal kept only in part still gives what it holds; any other body is
 * read as application/x-www-form-urlencoded pairs, values percent-decoded
 * to UTF-8 as Web-to-Lead reads them. Values compare without regard to
 * ASCII case (emails, ids of either case). Pure text functions: no sim
 * state.
 */
#ifndef SIM_LEADVAL_H
#define SIM_LEADVAL_H

#include <stddef.h>
#include <stdint.h>

#define LEADVAL_MAX 1000 /* values read from one body */

/* Called once per value (borrowed for the call); non-zero stops. */
typedef int leadval_fn(const char *v, size_t len, void *arg);

/* Calls fn for each value of body[0..len), at most LEADVAL_MAX of them.
 * Returns what fn returned when it stopped the walk, else 0. */
int leadval_each(const char *body, size_t len, leadval_fn *fn, void *arg);
/* A hash of v that equal values (leadval_equal) share. */
uint64_t leadval_hash(const char *v, size_t len);
/* Whether a and b are equal without regard to ASCII case. */
int leadval_equal(const char *a, size_t alen, const char *b, size_t blen);
/*
 * Decodes the JSON string token at s (s[0] is its opening quote, n bytes
 * available) into out (room for LEADVAL_DECODED_ROOM(n) bytes), without
 * a NUL. Returns the decoded length and sets *used to
 * the bytes read, closing quote included (all n when it is missing).
 * Escapes are decoded; a \u escape that is not a valid code point becomes
 * U+FFFD.
 */
size_t leadval_json_string(const char *s, size_t n, char *out, size_t *used);
/* What n bytes of a JSON string token may decode to: an escape that is
 * not one ("\u" without 4 hex digits) becomes U+FFFD, 3 bytes for 2. */
#define LEADVAL_DECODED_ROOM(n) ((n) + (n) / 2 + 1)

#endif
