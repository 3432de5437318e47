/*
 * buf.c - bounded growable byte buffer (see buf.h).
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void
buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->toobig = 0;
}

static int
buf_reserve(struct buf *b, size_t n)
{
    size_t want;

    if (n > b->max - b->len) {
        b->toobig = 1;
        return -1;
    }
    want = b->len + n + 1;
    if (want <= b->cap)
        return 0;
    if (b->cap == 0)
        b->cap = 256;
    while (b->cap < want)
        b->cap *= 2;
    b->data = xrealloc(b->data, b->cap);
    return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) == -1)
        return -1;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    char *big = NULL;
    int n, rc;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof(small))
        return buf_append(b, small, (size_t)n);
    big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rc = buf_append(b, big, (size_t)n);
    free(big);
    return rc;
}

int
buf_put_uint(struct buf *b, unsigned long long v)
{
    char digits[24];
    size_t n = sizeof(digits);

    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    return buf_append(b, digits + n, sizeof(digits) - n);
}

int
buf_put_int(struct buf *b, long long v)
{
    if (v < 0 && buf_putc(b, '-') == -1)
        return -1;
    return buf_put_uint(b, v < 0 ? 0ULL - (unsigned long long)v
                                 : (unsigned long long)v);
}

int
buf_json_escape(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, start = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];
        size_t elen = 2;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (buf_append(b, s + start, i - start) == -1)
            return -1;
        start = i + 1;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        }
        if (buf_append(b, esc, elen) == -1)
            return -1;
    }
    return buf_append(b, s + start, n - start);
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    b->toobig = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

size_t
buf_array_open(struct buf_array *a, struct buf *b)
{
    if (!a->opened)
        buf_putc(b, '[');
    a->opened = 1;
    return b->len;
}

void
buf_array_sep(struct buf_array *a, struct buf *b)
{
    if (a->any)
        buf_putc(b, ',');
    a->any = 1;
}

char *
buf_steal(struct buf *b, size_t *lenp)
{
    char *p = b->data;

    if (p == NULL)
        p = xstrdup("");
    if (lenp != NULL)
        *lenp = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->toobig = 0;
    return p;
}

void
buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

int
buf_xml_escape(struct buf *b, const char *s, int apos)
{
    int rc = 0;

    for (; *s != '\0' && rc == 0; s++) {
        switch (*s) {
        case '&': rc = buf_puts(b, "&amp;"); break;
        case '<': rc = buf_puts(b, "&lt;"); break;
        case '>': rc = buf_puts(b, "&gt;"); break;
        case '"': rc = buf_puts(b, "&quot;"); break;
        case '\'': rc = apos ? buf_puts(b, "&#39;") : buf_putc(b, *s); break;
        default: rc = buf_putc(b, *s);
        }
    }
    return rc;
}
