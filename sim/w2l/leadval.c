/*
 * leadval.c - the values of a request body (see leadval.h).
 */
#include "leadval.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ascii8.h"
#include "form.h"
#include "parse.h"
#include "utf8.h"
#include "xmalloc.h"

/* The 4 hex digits at s (n available), or -1. */
static long
hex4(const char *s, size_t n)
{
    long v = 0;
    size_t i;

    if (n < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        int h = parse_hex_digit((unsigned char)s[i]);

        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* A \u escape at s[i] (s[i] == 'u'): the code point, with a following
 * low surrogate taken too; *i moves past what was read. */
static uint32_t
unicode_escape(const char *s, size_t n, size_t *i)
{
    long hi = hex4(s + *i + 1, n - *i - 1), lo;

    if (hi < 0)
        return 0xFFFD;
    *i += 4;
    if (hi < 0xD800 || hi > 0xDFFF)
        return (uint32_t)hi;
    if (hi > 0xDBFF || *i + 2 >= n || s[*i + 1] != '\\' || s[*i + 2] != 'u')
        return 0xFFFD;
    lo = hex4(s + *i + 3, n - *i - 3);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return 0xFFFD;
    *i += 6;
    return 0x10000 + (uint32_t)((hi - 0xD800) << 10) + (uint32_t)(lo - 0xDC00);
}

static char
simple_escape(char c)
{
    switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return c; /* '"', '\\', '/' and anything unknown */
    }
}

size_t
leadval_json_string(const char *s, size_t n, char *out, size_t *used)
{
    size_t i, o = 0;

    for (i = 1; i < n && s[i] != '"'; i++) {
        if (s[i] != '\\') {
            out[o++] = s[i];
        } else if (i + 1 < n && s[i + 1] == 'u') {
            i++;
            o += utf8_encode(unicode_escape(s, n, &i), out + o);
        } else if (i + 1 < n) {
            out[o++] = simple_escape(s[++i]);
        }
    }
    *used = i < n ? i + 1 : n;
    return o;
}

/* --- JSON bodies -----------------------------------------------------------
 */

static size_t
skip_space(const char *s, size_t n, size_t i)
{
    while (i < n &&
           (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static int
number_char(char c)
{
    return isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.' ||
           c == 'e' || c == 'E';
}

/* Strings that are not keys, and numbers, in document order. */
static int
json_values(const char *s, size_t n, leadval_fn *fn, void *arg)
{
    /* A string without an escape is passed as it is; the others are
     * decoded on the stack when what is left of s fits there, else in a
     * block of the heap of the size any string of s decodes into. */
    char small[1024], *big = NULL, *tmp;
    const char *v;
    size_t i = 0, count = 0, used, len, j;
    int rc = 0;

    while (i < n && count < LEADVAL_MAX && rc == 0) {
        if (s[i] == '"') {
            for (j = i + 1; j < n && s[j] != '"' && s[j] != '\\'; j++)
                ;
            if (j == n || s[j] == '"') { /* no escape: itself */
                v = s + i + 1;
                len = j - i - 1;
                used = j < n ? j + 1 - i : n - i;
            } else {
                tmp = small;
                if (LEADVAL_DECODED_ROOM(n - i) > sizeof(small)) {
                    if (big == NULL)
                        big = xmalloc(LEADVAL_DECODED_ROOM(n));
                    tmp = big;
                }
                len = leadval_json_string(s + i, n - i, tmp, &used);
                v = tmp;
            }
            i += used;
            j = skip_space(s, n, i);
            if (j < n && s[j] == ':')
                continue; /* a key */
            count++;
            rc = fn(v, len, arg);
        } else if (isdigit((unsigned char)s[i]) || s[i] == '-') {
            for (j = i; j < n && number_char(s[j]); j++)
                ;
            count++;
            rc = fn(s + i, j - i, arg);
            i = j;
        } else {
            i++;
        }
    }
    free(big);
    return rc;
}

/* --- form bodies -----------------------------------------------------------
 */

static int
form_values(const char *s, size_t n, leadval_fn *fn, void *arg)
{
    struct form f;
    size_t i;
    int rc = 0;

    form_parse(s, n, FORM_UTF8, &f);
    for (i = 0; i < f.n && i < LEADVAL_MAX && rc == 0; i++)
        if (f.fields[i].value[0] != '\0')
            rc = fn(f.fields[i].value, strlen(f.fields[i].value), arg);
    form_free(&f);
    return rc;
}

int
leadval_each(const char *body, size_t len, leadval_fn *fn, void *arg)
{
    size_t i = skip_space(body, len, 0);

    if (i < len && (body[i] == '{' || body[i] == '['))
        return json_values(body + i, len - i, fn, arg);
    return form_values(body, len, fn, arg);
}

/* The 8 bytes of x with 'A'..'Z' made lower case, as tolower() of the C
 * locale (the sim's) makes them: every other byte is left alone. */
static uint64_t
fold8(uint64_t x)
{
    return x | (ascii8_upper(x) >> 2);
}

static uint64_t
mix(uint64_t h, uint64_t word)
{
    return (h ^ word) * 0x9E3779B97F4A7C15ULL;
}

/*
 * Eight bytes at a time (the last eight again where the length is not a
 * multiple: a function of v's bytes all the same), folded to lower case
 * first, then mixed so that every byte reaches the low bits the journal's
 * bloom uses. Only this process compares these hashes.
 */
uint64_t
leadval_hash(const char *v, size_t len)
{
    uint64_t h = 0x6A09E667F3BCC909ULL ^ len, x = 0;
    size_t i;

    if (len < sizeof(x)) {
        for (i = 0; i < len; i++)
            x |= (uint64_t)(unsigned char)v[i] << (8 * i);
        h = mix(h, fold8(x));
    } else {
        for (i = 0; i + sizeof(x) <= len; i += sizeof(x)) {
            memcpy(&x, v + i, sizeof(x));
            h = mix(h, fold8(x));
        }
        if (i < len) {
            memcpy(&x, v + len - sizeof(x), sizeof(x));
            h = mix(h, fold8(x));
        }
    }
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    return h ^ (h >> 29);
}

int
leadval_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;

    if (alen != blen)
        return 0;
    for (i = 0; i < alen; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}
