/*
 * jwrite.c - compact JSON text of jansson values (see jwrite.h).
 *
 * The escaping is jansson 2.14's dump.c: '"' and '\\' and the control
 * characters below 0x20 are escaped (\b \f \n \r \t by name, the others
 * as \u00XX in upper-case hex), '/' and DEL and non-ASCII are not.
 */
#include "jwrite.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/*
 * Nesting written here; deeper values are handed to json_dumps(), which
 * also catches a value that contains itself (and then fails).
 */
#define JWRITE_MAX_DEPTH 64

/* 0: a byte copied as it is; 1: escaped; 2: starts a non-ASCII sequence. */
/* clang-format off */
static const unsigned char kind[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};
/* clang-format on */

/* Appends the escape of the byte c (kind 1). */
static int
put_escape(struct buf *b, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    size_t elen = 2;

    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    default: elen = 6;
    }
    return buf_append(b, esc, elen);
}

/*
 * The string s[0..len) quoted; -1 when b refused it, -2 when check is set
 * and s is not UTF-8. Then, as jansson, what was written stays: the quote
 * and the text up to the last escape before the bad byte.
 */
static int
put_str(struct buf *b, const char *s, size_t len, int check)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, start = 0;

    if (buf_putc(b, '"') == -1)
        return -1;
    while (i < len) {
        size_t n;

        switch (kind[u[i]]) {
        case 0: i++; continue;
        case 2:
            if ((n = check ? utf8_seq(u + i, len - i) : 1) == 0)
                return -2;
            i += n;
            continue;
        default: break;
        }
        if (buf_append(b, s + start, i - start) == -1 ||
            put_escape(b, u[i]) == -1)
            return -1;
        start = ++i;
    }
    if (buf_append(b, s + start, len - start) == -1 || buf_putc(b, '"') == -1)
        return -1;
    return 0;
}

int
jwrite_str(struct buf *b, const char *s, size_t len)
{
    return put_str(b, s, len, 0) == 0 ? 0 : -1;
}

/* What jansson writes of v: reals, and what nests too deep. */
static int
put_dumped(struct buf *b, const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    int rc = text != NULL ? buf_puts(b, text) : -1;

    free(text);
    return rc;
}

static int put_value(struct buf *b, const json_t *v, int depth);

static int
put_object(struct buf *b, const json_t *v, int depth)
{
    void *it = json_object_iter((json_t *)v);
    int first = 1;

    if (buf_putc(b, '{') == -1)
        return -1;
    for (; it != NULL; it = json_object_iter_next((json_t *)v, it)) {
        /* jansson goes on after a key that is not UTF-8, its text cut
         * where the check failed (dump.c ignores that failure). */
        if ((!first && buf_putc(b, ',') == -1) ||
            put_str(b, json_object_iter_key(it), json_object_iter_key_len(it),
                    1) == -1 ||
            buf_putc(b, ':') == -1 ||
            put_value(b, json_object_iter_value(it), depth + 1) == -1)
            return -1;
        first = 0;
    }
    return buf_putc(b, '}');
}

static int
put_array(struct buf *b, const json_t *v, int depth)
{
    size_t n = json_array_size(v);

    if (buf_putc(b, '[') == -1)
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((i > 0 && buf_putc(b, ',') == -1) ||
            put_value(b, json_array_get(v, i), depth + 1) == -1)
            return -1;
    return buf_putc(b, ']');
}

static int
put_value(struct buf *b, const json_t *v, int depth)
{
    if (depth > JWRITE_MAX_DEPTH)
        return put_dumped(b, v);
    switch (json_typeof(v)) {
    case JSON_NULL: return buf_puts(b, "null");
    case JSON_TRUE: return buf_puts(b, "true");
    case JSON_FALSE: return buf_puts(b, "false");
    case JSON_INTEGER: return buf_put_int(b, json_integer_value(v));
    case JSON_STRING:
        return put_str(b, json_string_value(v), json_string_length(v), 1) == 0
                   ? 0
                   : -1;
    case JSON_OBJECT: return put_object(b, v, depth);
    case JSON_ARRAY: return put_array(b, v, depth);
    default: return put_dumped(b, v);
    }
}

int
jwrite_value(struct buf *b, const json_t *v)
{
    if (v == NULL)
        return -1;
    return put_value(b, v, 0);
}
