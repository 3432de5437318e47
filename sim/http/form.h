/*
 * form.h - application/x-www-form-urlencoded bodies, decoded to UTF-8.
 *
 * Pure (buf, len) parser: unit-tested and fuzzable. Decoding follows what a
 * Java servlet container does with a Web-to-Lead post: '+' is a space,
 * %XX is a byte, the bytes are read in the declared charset, a parameter
 * whose percent-encoding is malformed is skipped (and counted) rather than
 * failing the whole request, and bytes that are not valid in the charset
 * become U+FFFD.
 */
#ifndef SIM_FORM_H
#define SIM_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS 1000

enum form_charset {
    FORM_UTF8,
    FORM_LATIN1, /* ISO-8859-1: each byte is the code point */
};

struct form_field {
    char *name;  /* UTF-8, NUL-terminated */
    char *value; /* UTF-8, NUL-terminated */
};

struct form {
    struct form_field *fields; /* owned, in body order */
    size_t n, cap;
    size_t malformed; /* parameters skipped for bad percent-encoding */
    size_t replaced;  /* invalid byte sequences turned into U+FFFD */
    size_t overflow;  /* parameters past FORM_MAX_FIELDS, ignored */
};

/* Charset named by the `encoding` query parameter; -1 if unsupported. */
int form_charset_parse(const char *name, enum form_charset *out);

/* Fills *out (caller frees with form_free()). Never fails on content. */
void form_parse(const char *buf, size_t len, enum form_charset cs,
                struct form *out);
/* Value of the first field named name (exact match), or NULL; borrowed. */
const char *form_get(const struct form *f, const char *name);
void form_free(struct form *f);

#endif
