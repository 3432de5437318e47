/*
 * jlex.c - JSON tokens as jansson 2.14 reads them (see jlex.h).
 */
#include "jlex.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* The bytes a string copies as they are: printable ASCII but '"' and '\\'. */
/* clang-format off */
static const unsigned char plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x80-0xff: 0, UTF-8 sequences are checked one by one */
};
/* clang-format on */

/*
 * Eight bytes at a time where the machine is little-endian: a byte is
 * flagged when it is '"', '\\', below 0x20 or above 0x7f, with the classic
 * "has a zero byte" arithmetic; a borrow can flag a byte only above one
 * that is flagged rightly, so the lowest flag is exact.
 */
const unsigned char *
jlex_skip_plain(const unsigned char *p, const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t x, q, b, m;

    while (end - p >= 8) {
        memcpy(&x, p, 8);
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        m = ((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x) |
            x;
        if ((m &= high) != 0)
            return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
#endif
    while (p < end && plain[*p])
        p++;
    return p;
}

static int
hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
    unsigned v = 0, i, d;

    if (end - p < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        if (p[i] >= '0' && p[i] <= '9')
            d = p[i] - '0';
        else if (p[i] >= 'a' && p[i] <= 'f')
            d = p[i] - 'a' + 10;
        else if (p[i] >= 'A' && p[i] <= 'F')
            d = p[i] - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/*
 * A \uXXXX escape at p (at the 'u'), with its low surrogate when it is a
 * high one: the code point in *cp, the bytes read in *n; -1 for U+0000,
 * lone surrogates, bad hex.
 */
static int
unicode_escape(const unsigned char *p, const unsigned char *end, unsigned *cp,
               size_t *n)
{
    unsigned hi, lo;

    if (hex4(p + 1, end, &hi) != 0 || hi == 0 || (hi >= 0xdc00 && hi <= 0xdfff))
        return -1;
    *n = 5;
    *cp = hi;
    if (hi < 0xd800 || hi > 0xdbff)
        return 0;
    if (end - p < 11 || p[5] != '\\' || p[6] != 'u' ||
        hex4(p + 7, end, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
        return -1;
    *n = 11;
    *cp = ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    return 0;
}

size_t
jlex_escape(const unsigned char **p, const unsigned char *end, char *out)
{
    static const char simple[][2] = {{'"', '"'},  {'\\', '\\'}, {'/', '/'},
                                     {'b', '\b'}, {'f', '\f'},  {'n', '\n'},
                                     {'r', '\r'}, {'t', '\t'}};
    unsigned cp;
    size_t i, n;

    if (*p == end)
        return 0;
    for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
        if (**p == (unsigned char)simple[i][0]) {
            (*p)++;
            *out = simple[i][1];
            return 1;
        }
    if (**p != 'u' || unicode_escape(*p, end, &cp, &n) != 0)
        return 0;
    *p += n;
    return utf8_encode(cp, out);
}

const unsigned char *
jlex_string_end(const unsigned char *p, const unsigned char *end,
                int *plain_only)
{
    *plain_only = 1;
    for (;;) {
        p = jlex_skip_plain(p, end);
        if (p == end)
            return NULL;
        if (*p == '"')
            return p;
        *plain_only = 0;
        if (*p == '\\' && end - p < 2)
            return NULL;
        p += *p == '\\' ? 2 : 1;
    }
}

long
jlex_decode(const unsigned char *p, const unsigned char *q, char *out)
{
    const unsigned char *run;
    char *o = out;
    size_t k;

    while (p < q) {
        run = jlex_skip_plain(p, q);
        memcpy(o, p, (size_t)(run - p));
        o += run - p;
        if ((p = run) == q)
            break;
        if (*p == '\\') {
            p++;
            if ((k = jlex_escape(&p, q, o)) == 0)
                return -1;
        } else {
            if (*p < 0x20 || (k = utf8_seq(p, (size_t)(q - p))) == 0)
                return -1;
            memcpy(o, p, k);
            p += k;
        }
        o += k;
    }
    return o - out;
}

static const unsigned char *
digits(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

const unsigned char *
jlex_number(const unsigned char *p, const unsigned char *end, int *is_real,
            const unsigned char **digits_at)
{
    *is_real = 0;
    if (p < end && *p == '-')
        p++;
    *digits_at = p;
    if (p == end || *p < '0' || *p > '9')
        return NULL;
    p = *p == '0' ? p + 1 : digits(p, end);
    if (p < end && *p >= '0' && *p <= '9')
        return NULL; /* a leading zero */
    if (p < end && *p == '.') {
        if (++p == end || *p < '0' || *p > '9')
            return NULL;
        p = digits(p, end), *is_real = 1;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || *p < '0' || *p > '9')
            return NULL;
        p = digits(p, end), *is_real = 1;
    }
    return p;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void
c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/*
 * jansson converts with strtod() after swapping '.' for the locale's
 * decimal point, which is strtod() in the C locale. Overflow (and, to stay
 * on the safe side, underflow) is left to jansson.
 */
int
jlex_real(const unsigned char *start, size_t len, double *out)
{
    char text[JLEX_REAL_MAX], *end;
    double d;

    pthread_once(&c_locale_once, c_locale_init);
    if (len >= sizeof(text) || c_locale == (locale_t)0)
        return -1;
    memcpy(text, start, len);
    text[len] = '\0';
    errno = 0;
    d = strtod_l(text, &end, c_locale);
    if (errno != 0 || end != text + len || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}
