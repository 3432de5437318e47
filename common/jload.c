/*
 * jload.c - JSON request bodies into jansson values, fast (see jload.h).
 *
 * A recursive descent over the bytes that accepts a strict subset of what
 * jansson 2.14 accepts, and gives up (falls back to json_loadb()) on
 * everything else. Every accepted form is built exactly as jansson's
 * load.c builds it: integers without '.', 'e' or 'E' are json_integer()
 * (as strtoll() reads them), other numbers json_real() (as strtod() reads
 * them, locale aside), members go in with json_object_setn_new_nocheck()
 * so a repeated key keeps its first position and its last value.
 */
#include "jload.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

/*
 * Nesting the fast path takes on. jansson refuses past 2048 values deep
 * (JSON_PARSER_MAX_DEPTH); anything near that is left to it, and the bound
 * keeps this recursion's stack small.
 */
#define JLOAD_MAX_DEPTH 256
/* Longest real number text converted here (a copy on the stack). */
#define JLOAD_REAL_MAX 64
/* Most integer digits read here: 18 cannot overflow int64. */
#define JLOAD_INT_DIGITS 18
/*
 * String values of at most JLOAD_SHARE_MAX bytes are looked up in a small
 * per-document table (JLOAD_SHARE_SLOTS entries, a power of two) and a
 * repeat is the same json_t with one more reference: a collection of 200
 * records says "Lead" 200 times. Sharing a string among parents is
 * ordinary in jansson; it only shows to code that changes a string in
 * place (json_string_set()), which nothing reading request bodies does.
 */
#define JLOAD_SHARE_MAX 32
#define JLOAD_SHARE_SLOTS 64

/* A string of the document, with a reference of its own: a repeated key
 * can drop a value from the document while its entry still names it. */
struct jload_shared {
    json_t *v;
    const char *text; /* v's */
    size_t n;
};

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

struct jload {
    const unsigned char *p, *end;
    /*
     * Strings with escapes are decoded here, a stack: a decoded key stays
     * below `used` while its value is parsed. No string decodes longer than
     * its source text, so the input's length is always room enough.
     */
    char *scratch;
    size_t used;
    unsigned depth;
    int reject_dups; /* JSON_REJECT_DUPLICATES: a repeated key gives up */
    struct jload_shared shared[JLOAD_SHARE_SLOTS];
};

static json_t *value(struct jload *jl);

static inline void
skip_ws(struct jload *jl)
{
    while (jl->p < jl->end && (*jl->p == ' ' || *jl->p == '\n' ||
                               *jl->p == '\r' || *jl->p == '\t'))
        jl->p++;
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
 * A \uXXXX escape at p (just past the backslash, at the 'u'), with its low
 * surrogate when it is a high one; the code point in *cp, the bytes read in
 * *n. -1 for what the fast path leaves to jansson: U+0000 (refused without
 * JSON_ALLOW_NUL), lone surrogates, bad hex.
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

/* One escape at jl->p (past the backslash) decoded to out; its length. */
static size_t
escape(struct jload *jl, char *out)
{
    static const char simple[][2] = {{'"', '"'},  {'\\', '\\'}, {'/', '/'},
                                     {'b', '\b'}, {'f', '\f'},  {'n', '\n'},
                                     {'r', '\r'}, {'t', '\t'}};
    unsigned cp;
    size_t i, n;

    if (jl->p == jl->end)
        return 0;
    for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
        if (*jl->p == (unsigned char)simple[i][0]) {
            jl->p++;
            *out = simple[i][1];
            return 1;
        }
    if (*jl->p != 'u' || unicode_escape(jl->p, jl->end, &cp, &n) != 0)
        return 0;
    jl->p += n;
    return utf8_encode(cp, out);
}

/*
 * The rest of a string whose first backslash is at jl->p, the text before
 * it being start..jl->p: decoded onto the scratch stack. 1 with the closing
 * quote consumed, -1 to leave the input to jansson.
 */
static int
unescape(struct jload *jl, const unsigned char *start, const char **s,
         size_t *n)
{
    char *out;
    size_t k;

    if (jl->scratch == NULL)
        jl->scratch = xmalloc((size_t)(jl->end - start) + 1);
    out = jl->scratch + jl->used;
    memcpy(out, start, (size_t)(jl->p - start));
    *s = out;
    out += jl->p - start;
    while (jl->p < jl->end && *jl->p != '"') {
        if (*jl->p == '\\') {
            jl->p++;
            if ((k = escape(jl, out)) == 0)
                return -1;
            out += k;
            continue;
        }
        if (*jl->p < 0x20 ||
            (k = utf8_seq(jl->p, (size_t)(jl->end - jl->p))) == 0)
            return -1;
        memcpy(out, jl->p, k);
        out += k;
        jl->p += k;
    }
    if (jl->p == jl->end)
        return -1;
    jl->p++;
    *n = (size_t)(out - *s);
    return 1;
}

/*
 * The first byte at or after p that plain[] does not pass, or end. Eight
 * bytes at a time where the machine is little-endian: a byte is flagged
 * when it is '"', '\\', below 0x20 or above 0x7f, with the classic
 * "has a zero byte" arithmetic; a borrow can flag a byte only above one
 * that is flagged rightly, so the lowest flag is exact.
 */
static const unsigned char *
skip_plain(const unsigned char *p, const unsigned char *end)
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

/*
 * The string after the opening quote at jl->p. Without escapes it is
 * borrowed from the input (*s points into it) and the answer is 0; with
 * them it sits on the scratch stack and the answer is 1. -1 leaves the
 * input to jansson.
 */
static inline int
string(struct jload *jl, const char **s, size_t *n)
{
    const unsigned char *start = jl->p, *p = jl->p, *end = jl->end;
    size_t k;

    for (;;) {
        p = skip_plain(p, end);
        if (p == end || *p < 0x20)
            return -1;
        if (*p == '"')
            break;
        if (*p == '\\') {
            jl->p = p;
            return unescape(jl, start, s, n);
        }
        /* jansson decodes every sequence strictly, as utf8_seq() does. */
        if ((k = utf8_seq(p, (size_t)(end - p))) == 0)
            return -1;
        p += k;
    }
    *s = (const char *)start;
    *n = (size_t)(p - start);
    jl->p = p + 1;
    return 0;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void
c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/*
 * A real number's text: jansson converts it with strtod() after swapping
 * '.' for the locale's decimal point, which is strtod() in the C locale.
 * Overflow (and, to stay on the safe side, underflow) is left to jansson.
 */
static json_t *
real(const unsigned char *start, size_t len)
{
    char text[JLOAD_REAL_MAX], *end;
    double d;

    pthread_once(&c_locale_once, c_locale_init);
    if (len >= sizeof(text) || c_locale == (locale_t)0)
        return NULL;
    memcpy(text, start, len);
    text[len] = '\0';
    errno = 0;
    d = strtod_l(text, &end, c_locale);
    if (errno != 0 || end != text + len || !isfinite(d))
        return NULL;
    return json_real(d);
}

static const unsigned char *
digits(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

/* A number at jl->p, by jansson's grammar:
 * -?(0|[1-9][0-9]*)(.d+)?([eE][+-]?d+)? */
static json_t *
number(struct jload *jl)
{
    const unsigned char *start = jl->p, *p = jl->p, *end = jl->end, *d;
    int neg = 0, is_real = 0;
    int64_t v = 0;

    if (*p == '-')
        neg = 1, p++;
    d = p;
    if (p == end || *p < '0' || *p > '9')
        return NULL;
    p = *p == '0' ? p + 1 : digits(p, end);
    if (p < end && *p >= '0' && *p <= '9')
        return NULL; /* a leading zero */
    if (p < end && *p == '.') {
        if (++p == end || *p < '0' || *p > '9')
            return NULL;
        p = digits(p, end), is_real = 1;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || *p < '0' || *p > '9')
            return NULL;
        p = digits(p, end), is_real = 1;
    }
    jl->p = p;
    if (is_real)
        return real(start, (size_t)(p - start));
    if (p - d > JLOAD_INT_DIGITS)
        return NULL;
    for (; d < p; d++)
        v = v * 10 + (*d - '0');
    return json_integer(neg ? -v : v);
}

/* A string value: a new one, or a repeat of one already in the document. */
static json_t *
string_value(struct jload *jl, const char *s, size_t n)
{
    struct jload_shared *e;
    unsigned h;

    if (n == 0 || n > JLOAD_SHARE_MAX)
        return json_stringn_nocheck(s, n);
    h = (unsigned)n * 31 + (unsigned char)s[0];
    h = h * 31 + (unsigned char)s[n / 2];
    h = h * 31 + (unsigned char)s[n - 1];
    e = &jl->shared[(h ^ h >> 7) & (JLOAD_SHARE_SLOTS - 1)];
    if (e->n == n && e->v != NULL && memcmp(e->text, s, n) == 0)
        return json_incref(e->v);
    json_decref(e->v);
    e->v = json_stringn_nocheck(s, n);
    e->text = json_string_value(e->v);
    e->n = n;
    return json_incref(e->v);
}

static json_t *
literal(struct jload *jl, const char *word, size_t n, json_t *v)
{
    if ((size_t)(jl->end - jl->p) < n || memcmp(jl->p, word, n) != 0)
        return NULL;
    jl->p += n;
    return v;
}

/* After a member or element: 1 at ',', 0 at the closer, -1 otherwise. */
static int
next(struct jload *jl, unsigned char closer)
{
    skip_ws(jl);
    if (jl->p == jl->end)
        return -1;
    if (*jl->p == ',' || *jl->p == closer)
        return *jl->p++ == ',';
    return -1;
}

static json_t *
object(struct jload *jl)
{
    json_t *o = json_object(), *v;
    const char *key;
    size_t klen, mark = jl->used, before;
    int more, decoded;

    skip_ws(jl);
    if (jl->p < jl->end && *jl->p == '}') {
        jl->p++;
        return o;
    }
    do {
        skip_ws(jl);
        if (jl->p == jl->end || *jl->p++ != '"' ||
            (decoded = string(jl, &key, &klen)) < 0)
            goto fail;
        if (decoded)
            jl->used += klen; /* kept while the value decodes above it */
        skip_ws(jl);
        if (jl->p == jl->end || *jl->p++ != ':')
            goto fail;
        if ((v = value(jl)) == NULL)
            goto fail;
        before = json_object_size(o);
        json_object_setn_new_nocheck(o, key, klen, v);
        jl->used = mark;
        if (jl->reject_dups && json_object_size(o) == before)
            goto fail;
    } while ((more = next(jl, '}')) == 1);
    if (more == 0)
        return o;
fail:
    jl->used = mark;
    json_decref(o);
    return NULL;
}

static json_t *
array(struct jload *jl)
{
    json_t *a = json_array(), *v;
    int more;

    skip_ws(jl);
    if (jl->p < jl->end && *jl->p == ']') {
        jl->p++;
        return a;
    }
    do {
        if ((v = value(jl)) == NULL)
            goto fail;
        json_array_append_new(a, v);
    } while ((more = next(jl, ']')) == 1);
    if (more == 0)
        return a;
fail:
    json_decref(a);
    return NULL;
}

static json_t *
container(struct jload *jl, int is_object)
{
    json_t *v;

    if (++jl->depth > JLOAD_MAX_DEPTH)
        return NULL;
    v = is_object ? object(jl) : array(jl);
    jl->depth--;
    return v;
}

static json_t *
value(struct jload *jl)
{
    const char *s;
    size_t n;

    skip_ws(jl);
    if (jl->p == jl->end)
        return NULL;
    switch (*jl->p++) {
    case '"': return string(jl, &s, &n) >= 0 ? string_value(jl, s, n) : NULL;
    case '{': return container(jl, 1);
    case '[': return container(jl, 0);
    case 't': return literal(jl, "rue", 3, json_true());
    case 'f': return literal(jl, "alse", 4, json_false());
    case 'n': return literal(jl, "ull", 3, json_null());
    default: jl->p--; return number(jl);
    }
}

json_t *
jload_buf_flags(const char *buf, size_t len, size_t flags, json_error_t *err)
{
    struct jload jl = {.p = (const unsigned char *)buf,
                       .end = (const unsigned char *)buf + len,
                       .reject_dups = (flags & JSON_REJECT_DUPLICATES) != 0};
    json_t *v = NULL;
    size_t i;

    if (buf != NULL &&
        (flags & ~(size_t)(JSON_DECODE_ANY | JSON_REJECT_DUPLICATES)) == 0)
        v = value(&jl);
    if (v != NULL) {
        skip_ws(&jl);
        /* Without JSON_DECODE_ANY jansson takes only an object or array. */
        if (jl.p != jl.end || (!(flags & JSON_DECODE_ANY) &&
                               !json_is_object(v) && !json_is_array(v))) {
            json_decref(v);
            v = NULL;
        }
    }
    for (i = 0; i < JLOAD_SHARE_SLOTS; i++)
        json_decref(jl.shared[i].v);
    free(jl.scratch);
    if (v == NULL)
        v = json_loadb(buf, len, flags, err);
    return v;
}

json_t *
jload_buf(const char *buf, size_t len, json_error_t *err)
{
    return jload_buf_flags(buf, len, JSON_DECODE_ANY, err);
}
