/*
 * jwrite.c - compact JSON text of jansson values (see jwrite.h).
 *
 * The escaping is jansson 2.14's dump.c: '"' and '\\' and the control
 * characters below 0x20 are escaped (\b \f \n \r \t by name, the others
 * as \u00XX in upper-case hex), '/' and DEL and non-ASCII are not.
 */
#include "jwrite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/*
 * Nesting written here; deeper values are handed to json_dumps(), which
 * also catches a value that contains itself (and then fails).
 */
#define JWRITE_MAX_DEPTH 64
/* Bytes of a string staged before they are appended. */
#define JWRITE_STAGE 512

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

size_t
jwrite_escape(char *out, unsigned char c, int lower)
{
    static const char hex[2][17] = {"0123456789ABCDEF", "0123456789abcdef"};
    /* jansson's names, then buf_json_escape()'s (no \b, no \f). */
    static const char named[2][128] = {
        {['"'] = '"',
         ['\\'] = '\\',
         ['\b'] = 'b',
         ['\f'] = 'f',
         ['\n'] = 'n',
         ['\r'] = 'r',
         ['\t'] = 't'},
        {['"'] = '"', ['\\'] = '\\', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't'},
    };

    lower = lower != 0;
    out[0] = '\\';
    if (c < 0x80 && named[lower][c] != 0) {
        out[1] = named[lower][c];
        return 2;
    }
    memcpy(out + 1, "u00", 3);
    out[4] = hex[lower][c >> 4];
    out[5] = hex[lower][c & 15];
    return 6;
}

/*
 * The string s[0..len) quoted, after the byte pre and before the byte post
 * (each 0 for none); -1 when b refused it. With check set, -2 when s is not
 * UTF-8: then, as jansson, what is left is pre, the quote and the text up
 * to the last escape before the bad byte. The text is staged on the stack
 * and appended a chunk at a time: most strings are one append.
 */
static int
put_str(struct buf *b, char pre, const char *s, size_t len, char post,
        int check)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t mark = b->len, i = 0, n = 0, cut = 0, k, run;
    char tmp[JWRITE_STAGE];

    if (pre != 0)
        tmp[n++] = pre;
    tmp[n++] = '"';
    /* n stays below sizeof(tmp) - 8 at the top: room for an escape, the
     * closing quote and post. */
    while (i < len) {
        run = jwrite_plain_run(s + i, len - i < sizeof(tmp) - 8 - n
                                          ? len - i
                                          : sizeof(tmp) - 8 - n);
        memcpy(tmp + n, u + i, run);
        n += run;
        i += run;
        if (i < len && n < sizeof(tmp) - 8) {
            if (kind[u[i]] == 2) {
                if ((k = check ? utf8_seq(u + i, len - i) : 1) == 0)
                    goto bad;
                memcpy(tmp + n, u + i, k);
                n += k;
                i += k;
            } else {
                n += jwrite_escape(tmp + n, u[i++], 0);
                cut = i;
            }
        }
        if (n >= sizeof(tmp) - 8) {
            if (buf_append(b, tmp, n) == -1)
                return -1;
            n = 0;
        }
    }
    tmp[n++] = '"';
    if (post != 0)
        tmp[n++] = post;
    return buf_append(b, tmp, n);
bad:
    /* Rare: written again, up to the cut, without the closing quote. */
    b->len = mark;
    if (b->data != NULL)
        b->data[mark] = '\0';
    if (put_str(b, pre, s, cut, 0, 0) == -1)
        return -1;
    b->data[--b->len] = '\0';
    return -2;
}

/* Nonzero when a byte of the eight in v is not plain (kind 0): below 0x20,
 * 0x80 or above, '"' or '\\' (the exact tests of "Bit Twiddling Hacks":
 * a byte below n, n <= 128, and a zero byte). */
static inline uint64_t
word_special(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t q = v ^ (ones * '"'), bs = v ^ (ones * '\\');

    return (v | ((v - ones * 0x20) & ~v) | ((q - ones) & ~q) |
            ((bs - ones) & ~bs)) &
           high;
}

size_t
jwrite_plain_run(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    uint64_t v;

    for (; i + 8 <= n; i += 8) {
        memcpy(&v, u + i, 8);
        if (word_special(v) != 0)
            break;
    }
    while (i < n && kind[u[i]] == 0)
        i++;
    return i;
}

int
jwrite_str(struct buf *b, const char *s, size_t len)
{
    return put_str(b, 0, s, len, 0, 0) == 0 ? 0 : -1;
}

int
jwrite_key(struct buf *b, int comma, const char *key, size_t len)
{
    return put_str(b, comma ? ',' : 0, key, len, ':', 0) == 0 ? 0 : -1;
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
        int rc = put_str(b, first ? 0 : ',', json_object_iter_key(it),
                         json_object_iter_key_len(it), ':', 1);

        /* jansson goes on after a key that is not UTF-8 (dump.c ignores
         * that failure): cut, without its closing quote and colon. */
        if (rc == -1 || (rc == -2 && buf_putc(b, ':') == -1) ||
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
        return put_str(b, 0, json_string_value(v), json_string_length(v), 0,
                       1) == 0
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
