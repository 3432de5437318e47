/*
 * recscan.c - REST write bodies into member lists (see recscan.h).
 *
 * The scanner is a loop over the fixed shape of a body, not a general
 * parser: a Collections body is an object of allOrNone and records, a
 * record an object of scalars and one "attributes" object of scalars.
 * Every check on a string, a number or the layout mirrors what jload.c
 * (and behind it jansson 2.14) accepts; whatever the scanner does not
 * accept goes back to the caller as fallback, never as an error of its
 * own, so every error text stays jansson's.
 */
#include "recscan.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

/* A real number's text longer than this goes the jansson way. */
#define RECSCAN_REAL_MAX 64
/* Integers of more digits go the jansson way (18 cannot overflow). */
#define RECSCAN_INT_DIGITS 18
/* Room for %.15g of any double, and of %lld. */
#define RECSCAN_NUM_TEXT 32
#define RECSCAN_CHUNK_MIN 4096

struct recscan_chunk {
    struct recscan_chunk *next;
    size_t used, cap;
    char data[];
};

/* The bytes a string copies as they are: printable ASCII but '"', '\\'. */
static unsigned char
plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void
recscan_init(struct recscan *s)
{
    memset(s, 0, sizeof(*s));
}

void
recscan_free(struct recscan *s)
{
    struct recscan_chunk *c, *next;

    for (c = s->arena; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    free(s->recs);
    free(s->vals);
    json_decref(s->json);
    recscan_init(s);
}

/* n bytes of the arena; a new chunk of at least hint bytes when full. */
static char *
arena_alloc(struct recscan *s, size_t n, size_t hint)
{
    struct recscan_chunk *c = s->arena;
    size_t cap;

    if (c == NULL || c->cap - c->used < n) {
        cap = n > hint ? n : hint;
        cap = cap > RECSCAN_CHUNK_MIN ? cap : RECSCAN_CHUNK_MIN;
        c = xmalloc(sizeof(*c) + cap);
        c->cap = cap;
        c->used = 0;
        c->next = s->arena;
        s->arena = c;
    }
    c->used += n;
    return c->data + c->used - n;
}

static struct recscan_rec *
rec_new(struct recscan *s)
{
    struct recscan_rec *r;

    if (s->nrecs == s->caprecs) {
        s->caprecs = s->caprecs ? s->caprecs * 2 : 16;
        s->recs = xreallocarray(s->recs, s->caprecs, sizeof(*s->recs));
    }
    r = &s->recs[s->nrecs++];
    memset(r, 0, sizeof(*r));
    r->first = s->nvals;
    return r;
}

/*
 * The member of the last record named name: the earlier one (a repeated
 * key keeps its first place, as in a jansson object) or a new one.
 */
static struct recval *
member(struct recscan *s, const char *name)
{
    struct recscan_rec *r = &s->recs[s->nrecs - 1];
    struct recval *v;
    size_t i;

    for (i = r->first; i < s->nvals; i++)
        if (strcmp(s->vals[i].name, name) == 0)
            return &s->vals[i];
    if (s->nvals == s->capvals) {
        s->capvals = s->capvals ? s->capvals * 2 : 64;
        s->vals = xreallocarray(s->vals, s->capvals, sizeof(*s->vals));
    }
    v = &s->vals[s->nvals++];
    r->mem.n++;
    v->name = name;
    return v;
}

/* The records' member pointers, once the member array stops moving. */
static void
fix_members(struct recscan *s)
{
    size_t i;

    for (i = 0; i < s->nrecs; i++)
        s->recs[i].mem.v = s->vals != NULL ? s->vals + s->recs[i].first : NULL;
}

const struct recval *
recmembers_get(const struct recmembers *m, const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < m->n; i++)
        if (strcmp(m->v[i].name, name) == 0)
            return &m->v[i];
    return NULL;
}

static const char *const token_names[] = {
    [RECVAL_OBJECT] = "START_OBJECT",     [RECVAL_ARRAY] = "START_ARRAY",
    [RECVAL_STRING] = "VALUE_STRING",     [RECVAL_INTEGER] = "VALUE_NUMBER_INT",
    [RECVAL_REAL] = "VALUE_NUMBER_FLOAT", [RECVAL_TRUE] = "VALUE_TRUE",
    [RECVAL_FALSE] = "VALUE_FALSE",       [RECVAL_NULL] = "VALUE_NULL",
};

const char *
recval_token_name(enum recval_kind k)
{
    if ((size_t)k < sizeof(token_names) / sizeof(token_names[0]) &&
        token_names[k] != NULL)
        return token_names[k];
    return "VALUE_EMBEDDED_OBJECT";
}

enum recval_kind
recval_kind_of(const json_t *j)
{
    if (j == NULL)
        return RECVAL_NONE;
    switch (json_typeof(j)) {
    case JSON_OBJECT: return RECVAL_OBJECT;
    case JSON_ARRAY: return RECVAL_ARRAY;
    case JSON_STRING: return RECVAL_STRING;
    case JSON_INTEGER: return RECVAL_INTEGER;
    case JSON_REAL: return RECVAL_REAL;
    case JSON_TRUE: return RECVAL_TRUE;
    case JSON_FALSE: return RECVAL_FALSE;
    case JSON_NULL: return RECVAL_NULL;
    }
    return RECVAL_NONE;
}

/* --- jansson values --------------------------------------------------- */

/* %.15g of d, in the arena. */
static void
real_text(struct recscan *s, struct recval *v, double d)
{
    char *t = arena_alloc(s, RECSCAN_NUM_TEXT, 0);

    v->real = d;
    v->len = (size_t)snprintf(t, RECSCAN_NUM_TEXT, "%.15g", d);
    v->text = t;
}

static void
literal_text(struct recval *v)
{
    v->text = v->kind == RECVAL_TRUE    ? "true"
              : v->kind == RECVAL_FALSE ? "false"
                                        : NULL;
    v->len = v->text != NULL ? strlen(v->text) : 0;
}

/* j as v's value, texts borrowed from j or in the arena. */
static void
value_json(struct recscan *s, struct recval *v, json_t *j)
{
    char *t;

    v->kind = recval_kind_of(j);
    v->real = 0;
    switch (v->kind) {
    case RECVAL_STRING:
        v->text = json_string_value(j);
        v->len = json_string_length(j);
        break;
    case RECVAL_INTEGER:
        t = arena_alloc(s, RECSCAN_NUM_TEXT, 0);
        v->len = (size_t)snprintf(t, RECSCAN_NUM_TEXT, "%" JSON_INTEGER_FORMAT,
                                  json_integer_value(j));
        v->text = t;
        break;
    case RECVAL_REAL: real_text(s, v, json_real_value(j)); break;
    default: literal_text(v); break;
    }
}

size_t
recscan_add_json(struct recscan *s, json_t *rec)
{
    struct recscan_rec *r = rec_new(s);
    const char *key;
    json_t *v;

    r->token =
        json_is_object(rec) ? NULL : recval_token_name(recval_kind_of(rec));
    r->type = json_string_value(
        json_object_get(json_object_get(rec, "attributes"), "type"));
    json_object_foreach(rec, key, v) {
        value_json(s, member(s, key), v);
    }
    fix_members(s);
    return s->nrecs - 1;
}

void
recscan_collection_json(struct recscan *s, json_t *body)
{
    json_t *records = json_object_get(body, "records"), *rec;
    size_t i;

    s->json = body;
    s->all_or_none = recval_kind_of(json_object_get(body, "allOrNone"));
    s->records = recval_kind_of(records);
    json_array_foreach(records, i, rec) {
        recscan_add_json(s, rec);
    }
}

void
recscan_record_json(struct recscan *s, json_t *body)
{
    s->json = body;
    recscan_add_json(s, body);
}

/* --- the bytes ---------------------------------------------------------- */

struct scan {
    struct recscan *s;
    const unsigned char *p, *end;
};

static void
ws(struct scan *sc)
{
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\n' ||
                               *sc->p == '\r' || *sc->p == '\t'))
        sc->p++;
}

/* The next non-blank byte is c: consumed, 0; else -1. */
static int
expect(struct scan *sc, unsigned char c)
{
    ws(sc);
    if (sc->p == sc->end || *sc->p != c)
        return -1;
    sc->p++;
    return 0;
}

/* After a member or element: 1 at ',', 0 at closer, -1 otherwise. */
static int
next(struct scan *sc, unsigned char closer)
{
    ws(sc);
    if (sc->p == sc->end || (*sc->p != ',' && *sc->p != closer))
        return -1;
    return *sc->p++ == ',';
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
        else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
            d = (p[i] | 0x20) - 'a' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* \uXXXX (p at the 'u', end the string's end) with its low surrogate
 * when it is a high one: UTF-8 into out; bytes read in *n, 0 for what
 * jansson refuses (U+0000, a lone surrogate, bad hex). */
static size_t
unicode_escape(const unsigned char *p, const unsigned char *end, char *out,
               size_t *n)
{
    unsigned hi, lo, cp;

    if (hex4(p + 1, end, &hi) != 0 || hi == 0 || (hi >= 0xdc00 && hi <= 0xdfff))
        return 0;
    *n = 5;
    cp = hi;
    if (hi >= 0xd800 && hi <= 0xdbff) {
        if (end - p < 11 || p[5] != '\\' || p[6] != 'u' ||
            hex4(p + 7, end, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
            return 0;
        *n = 11;
        cp = ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    }
    return utf8_encode(cp, out);
}

/* One escape at p (past the backslash): decoded into out, its length
 * returned (0: refused); *p moved past it. */
static size_t
escape(const unsigned char **p, const unsigned char *end, char *out)
{
    static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    size_t i, n, k;

    for (i = 0; simple[i] != '\0'; i += 2)
        if (**p == (unsigned char)simple[i]) {
            (*p)++;
            *out = simple[i + 1];
            return 1;
        }
    if (**p != 'u' || (k = unicode_escape(*p, end, out, &n)) == 0)
        return 0;
    *p += n;
    return k;
}

/* The text of a string [p, end) with escapes and UTF-8 into out: its
 * length, or -1 for anything jansson refuses. */
static long
decode(const unsigned char *p, const unsigned char *end, char *out)
{
    char *o = out;
    size_t k;

    while (p < end) {
        if (plain(*p)) {
            *o++ = (char)*p++;
        } else if (*p == '\\') {
            p++;
            if ((k = escape(&p, end, o)) == 0)
                return -1;
            o += k;
        } else {
            if (*p < 0x20 || (k = utf8_seq(p, (size_t)(end - p))) == 0)
                return -1;
            memcpy(o, p, k);
            o += k;
            p += k;
        }
    }
    return o - out;
}

/* A string after its opening quote, decoded into the arena; -1 to fall
 * back. */
static int
string(struct scan *sc, const char **out, size_t *len)
{
    const unsigned char *start = sc->p, *q = sc->p;
    int simple = 1;
    char *t;
    long n;

    for (;;) {
        while (q < sc->end && plain(*q))
            q++;
        if (q == sc->end)
            return -1;
        if (*q == '"')
            break;
        simple = 0;
        if (*q == '\\' && sc->end - q < 2)
            return -1;
        q += *q == '\\' ? 2 : 1;
    }
    t = arena_alloc(sc->s, (size_t)(q - start) + 1, 0);
    if (simple) {
        memcpy(t, start, (size_t)(q - start));
        n = q - start;
    } else if ((n = decode(start, q, t)) < 0) {
        return -1;
    }
    t[n] = '\0';
    *out = t;
    *len = (size_t)n;
    sc->p = q + 1;
    return 0;
}

static const unsigned char *
digits(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void
c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* A real's text as jansson converts it (strtod in the C locale); -1 for
 * what jload leaves to jansson (too long, out of range). */
static int
real(struct scan *sc, const unsigned char *start, size_t len, struct recval *v)
{
    char text[RECSCAN_REAL_MAX], *end;
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
    v->kind = RECVAL_REAL;
    real_text(sc->s, v, d);
    return 0;
}

/* A number by jansson's grammar, -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?, as
 * v's value; -1 to fall back. */
static int
number(struct scan *sc, struct recval *v)
{
    const unsigned char *start = sc->p, *p = sc->p, *end = sc->end, *d;
    int is_real = 0;
    char *t;

    if (*p == '-')
        p++;
    d = p;
    if (p == end || *p < '0' || *p > '9')
        return -1;
    p = *p == '0' ? p + 1 : digits(p, end);
    if (p < end && *p >= '0' && *p <= '9')
        return -1;
    if (p < end && *p == '.') {
        if (++p == end || *p < '0' || *p > '9')
            return -1;
        p = digits(p, end), is_real = 1;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || *p < '0' || *p > '9')
            return -1;
        p = digits(p, end), is_real = 1;
    }
    sc->p = p;
    if (is_real)
        return real(sc, start, (size_t)(p - start), v);
    if (p - d > RECSCAN_INT_DIGITS)
        return -1;
    /* Without leading zeros the text is %lld's, but for -0. */
    if (*d == '0')
        start = d;
    v->kind = RECVAL_INTEGER;
    v->len = (size_t)(p - start);
    t = arena_alloc(sc->s, v->len + 1, 0);
    memcpy(t, start, v->len);
    t[v->len] = '\0';
    v->text = t;
    return 0;
}

static int
word(struct scan *sc, const char *w, size_t n, enum recval_kind k,
     struct recval *v)
{
    if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, w, n) != 0)
        return -1;
    sc->p += n;
    v->kind = k;
    literal_text(v);
    return 0;
}

/* A scalar value into v; -1 to fall back (objects and arrays too). */
static int
scalar(struct scan *sc, struct recval *v)
{
    ws(sc);
    if (sc->p == sc->end)
        return -1;
    v->real = 0;
    v->text = NULL;
    v->len = 0;
    switch (*sc->p) {
    case '"':
        sc->p++;
        v->kind = RECVAL_STRING;
        return string(sc, &v->text, &v->len);
    case 't': return word(sc, "true", 4, RECVAL_TRUE, v);
    case 'f': return word(sc, "false", 5, RECVAL_FALSE, v);
    case 'n': return word(sc, "null", 4, RECVAL_NULL, v);
    default: return number(sc, v);
    }
}

/* A member's name and its colon; -1 to fall back. */
static int
key(struct scan *sc, const char **name)
{
    size_t len;

    if (expect(sc, '"') == -1 || string(sc, name, &len) == -1 ||
        expect(sc, ':') == -1)
        return -1;
    return 0;
}

/*
 * The members of an object after its '{', each handed to fn (which reads
 * the value); -1 to fall back.
 */
static int
members(struct scan *sc, int (*fn)(struct scan *, const char *, void *),
        void *arg)
{
    const char *name;
    int more;

    ws(sc);
    if (sc->p < sc->end && *sc->p == '}') {
        sc->p++;
        return 0;
    }
    do {
        if (key(sc, &name) == -1 || fn(sc, name, arg) == -1)
            return -1;
    } while ((more = next(sc, '}')) == 1);
    return more;
}

/* A member of attributes: only its type matters, the last one. */
static int
attribute(struct scan *sc, const char *name, void *arg)
{
    const char **type = arg;
    struct recval v;

    if (scalar(sc, &v) == -1)
        return -1;
    if (strcmp(name, "type") == 0)
        *type = v.kind == RECVAL_STRING ? v.text : NULL;
    return 0;
}

/* A member of a record. */
static int
record_member(struct scan *sc, const char *name, void *arg)
{
    struct recscan_rec *r = arg;
    struct recval *v = member(sc->s, name);
    const char *type = NULL;

    ws(sc);
    if (sc->p < sc->end && *sc->p == '{' && strcmp(name, "attributes") == 0) {
        sc->p++;
        if (members(sc, attribute, &type) == -1)
            return -1;
        v->kind = RECVAL_OBJECT;
        v->text = NULL;
        v->len = 0;
        v->real = 0;
    } else if (scalar(sc, v) == -1) {
        return -1;
    }
    if (strcmp(name, "attributes") == 0)
        r->type = type;
    return 0;
}

/* A record after its '{'. */
static int
record(struct scan *sc)
{
    struct recscan_rec *r = rec_new(sc->s);

    return members(sc, record_member, r);
}

/* The records array after its '['. */
static int
records(struct scan *sc)
{
    int more;

    ws(sc);
    if (sc->p < sc->end && *sc->p == ']') {
        sc->p++;
        return 0;
    }
    do {
        if (expect(sc, '{') == -1 || record(sc) == -1)
            return -1;
    } while ((more = next(sc, ']')) == 1);
    return more;
}

/* A member of a Collections body: allOrNone or records, nothing else. */
static int
body_member(struct scan *sc, const char *name, void *arg)
{
    struct recval v;

    (void)arg;
    if (strcmp(name, "allOrNone") == 0) {
        if (scalar(sc, &v) == -1 ||
            (v.kind != RECVAL_TRUE && v.kind != RECVAL_FALSE &&
             v.kind != RECVAL_NULL))
            return -1;
        sc->s->all_or_none = v.kind;
        return 0;
    }
    if (strcmp(name, "records") != 0 || sc->s->records != RECVAL_NONE ||
        expect(sc, '[') == -1)
        return -1;
    sc->s->records = RECVAL_ARRAY;
    return records(sc);
}

/* The scan of body by top (after the opening '{'), then only blanks. */
static int
scan_body(struct recscan *s, const char *body, size_t len,
          int (*top)(struct scan *))
{
    struct scan sc = {s, (const unsigned char *)body,
                      (const unsigned char *)body + len};

    recscan_init(s);
    /* Decoded text is never longer than its source, but for a few reals. */
    arena_alloc(s, 0, len + RECSCAN_NUM_TEXT);
    if (body == NULL || expect(&sc, '{') == -1 || top(&sc) == -1)
        goto fallback;
    ws(&sc);
    if (sc.p != sc.end)
        goto fallback;
    fix_members(s);
    return 0;
fallback:
    recscan_free(s);
    return -1;
}

static int
collection_top(struct scan *sc)
{
    return members(sc, body_member, NULL);
}

static int
record_top(struct scan *sc)
{
    return record(sc);
}

int
recscan_collection(struct recscan *s, const char *body, size_t len)
{
    return scan_body(s, body, len, collection_top);
}

int
recscan_record(struct recscan *s, const char *body, size_t len)
{
    return scan_body(s, body, len, record_top);
}
