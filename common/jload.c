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

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jlex.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * Nesting the fast path takes on. jansson refuses past 2048 values deep
 * (JSON_PARSER_MAX_DEPTH); anything near that is left to it, and the bound
 * keeps this recursion's stack small.
 */
#define JLOAD_MAX_DEPTH 256
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

/*
 * The rest of a string whose first backslash is at jl->p, the text
 * starting at start: decoded onto the scratch stack. 1 with the closing
 * quote consumed, -1 to leave the input to jansson.
 */
static int
unescape(struct jload *jl, const unsigned char *start, const char **s,
         size_t *n)
{
    const unsigned char *q;
    int plain_only;
    long k;

    if ((q = jlex_string_end(jl->p, jl->end, &plain_only)) == NULL)
        return -1;
    if (jl->scratch == NULL)
        jl->scratch = xmalloc((size_t)(jl->end - start) + 1);
    *s = jl->scratch + jl->used;
    if ((k = jlex_decode(start, q, jl->scratch + jl->used)) < 0)
        return -1;
    jl->p = q + 1;
    *n = (size_t)k;
    return 1;
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
        p = jlex_skip_plain(p, end);
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

/* A number at jl->p: an integer as strtoll() reads it, a real as strtod()
 * does (jlex.h). */
static json_t *
number(struct jload *jl)
{
    const unsigned char *start = jl->p, *p, *d;
    int neg = *start == '-', is_real;
    int64_t v = 0;
    double r;

    if ((p = jlex_number(start, jl->end, &is_real, &d)) == NULL)
        return NULL;
    jl->p = p;
    if (is_real)
        return jlex_real(start, (size_t)(p - start), &r) == 0 ? json_real(r)
                                                              : NULL;
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
