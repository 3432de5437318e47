/*
 * utf8.c - well-formed UTF-8 (see utf8.h).
 */
#include "utf8.h"

#include <pthread.h>
#include <string.h>

size_t
utf8_seq(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

int
utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8_seq(p + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

size_t
utf8_fix(const char *s, size_t n, char *out, size_t *replaced)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, k;

    while (i < n) {
        k = utf8_seq(p + i, n - i);
        if (k == 0) {
            o += utf8_encode(0xfffd, out + o);
            if (replaced != NULL)
                (*replaced)++;
            i++;
            continue;
        }
        memcpy(out + o, p + i, k);
        o += k;
        i += k;
    }
    out[o] = '\0';
    return o;
}

size_t
utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = utf8_seq(p, n);
    uint32_t v;

    if (len == 0) {
        if (cp != NULL)
            *cp = UTF8_BAD;
        return 1;
    }
    if (cp == NULL)
        return len;
    v = len == 1 ? p[0] : p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (p[i] & 0x3f);
    *cp = v;
    return len;
}

size_t
utf8_count(const char *s, size_t n)
{
    size_t i = 0, chars = 0;

    while (i < n) {
        i += utf8_next(s + i, n - i, NULL);
        chars++;
    }
    return chars;
}

size_t
utf8_offset(const char *s, size_t n, size_t k)
{
    size_t i = 0;

    while (i < n && k-- > 0)
        i += utf8_next(s + i, n - i, NULL);
    return i;
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

static pthread_once_t locale_once = PTHREAD_ONCE_INIT;
static locale_t locale_utf8;

static void
locale_init(void)
{
    locale_utf8 =
        newlocale(LC_CTYPE_MASK | LC_COLLATE_MASK, "C.UTF-8", (locale_t)0);
}

locale_t
utf8_locale(void)
{
    pthread_once(&locale_once, locale_init);
    return locale_utf8;
}
