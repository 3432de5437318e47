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

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jlex.h"
#include "xmalloc.h"

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
static inline char *
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
static inline struct recval *
member(struct recscan *s, const char *name, size_t len)
{
    struct recscan_rec *r = &s->recs[s->nrecs - 1];
    const unsigned char *u = (const unsigned char *)name;
    /* A hash of the name: a bit of it per record, so that most names need
     * no search, and all of it per member, so that a search compares few
     * names. */
    unsigned h = ((unsigned)len * 31 + u[0] * 7 + u[len / 2] * 3 +
                  u[len ? len - 1 : 0]) &
                 0xff;
    uint64_t bit = (uint64_t)1 << (h & 63);
    struct recval *v;
    size_t i;

    if (r->names & bit) {
        for (i = r->first; i < s->nvals; i++)
            if (s->vals[i].hash == h && strcmp(s->vals[i].name, name) == 0)
                return &s->vals[i];
    }
    r->names |= bit;
    if (s->nvals == s->capvals) {
        s->capvals = s->capvals ? s->capvals * 2 : 64;
        s->vals = xreallocarray(s->vals, s->capvals, sizeof(*s->vals));
    }
    v = &s->vals[s->nvals++];
    r->mem.n++;
    v->name = name;
    v->hash = (unsigned char)h;
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
        value_json(s, member(s, key, strlen(key)), v);
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

static inline void
ws(struct scan *sc)
{
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\n' ||
                               *sc->p == '\r' || *sc->p == '\t'))
        sc->p++;
}

/* The next non-blank byte is c: consumed, 0; else -1. */
static inline int
expect(struct scan *sc, unsigned char c)
{
    ws(sc);
    if (sc->p == sc->end || *sc->p != c)
        return -1;
    sc->p++;
    return 0;
}

/* After a member or element: 1 at ',', 0 at closer, -1 otherwise. */
static inline int
next(struct scan *sc, unsigned char closer)
{
    ws(sc);
    if (sc->p == sc->end || (*sc->p != ',' && *sc->p != closer))
        return -1;
    return *sc->p++ == ',';
}

/* The string from sc->p (past its opening quote) to its closing quote q,
 * decoded into the arena; -1 to fall back. */
static inline int
string_to(struct scan *sc, const unsigned char *q, int plain_only,
          const char **out, size_t *len)
{
    const unsigned char *start = sc->p;
    char *t;
    long n;

    t = arena_alloc(sc->s, (size_t)(q - start) + 1, 0);
    if (plain_only) {
        n = q - start;
        memcpy(t, start, (size_t)n);
    } else if ((n = jlex_decode(start, q, t)) < 0) {
        return -1;
    }
    t[n] = '\0';
    *out = t;
    *len = (size_t)n;
    sc->p = q + 1;
    return 0;
}

/* A string after its opening quote, decoded into the arena; -1 to fall
 * back. */
static int
string(struct scan *sc, const char **out, size_t *len)
{
    const unsigned char *q;
    int plain_only;

    if ((q = jlex_string_end(sc->p, sc->end, &plain_only)) == NULL)
        return -1;
    return string_to(sc, q, plain_only, out, len);
}

/* A number as v's value: an integer as strtoll() reads it (at most
 * RECSCAN_INT_DIGITS digits), a real as strtod() does; -1 to fall back. */
static int
number(struct scan *sc, struct recval *v)
{
    const unsigned char *start = sc->p, *p, *d;
    int is_real;
    double r;
    char *t;

    if ((p = jlex_number(start, sc->end, &is_real, &d)) == NULL)
        return -1;
    sc->p = p;
    if (is_real) {
        if (jlex_real(start, (size_t)(p - start), &r) == -1)
            return -1;
        v->kind = RECVAL_REAL;
        real_text(sc->s, v, r);
        return 0;
    }
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
static inline int
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

/*
 * A member's name and its colon; -1 to fall back. When the name is guess
 * (the name the record before has at this place), it is guess itself: the
 * records of a request share their names' text, and recbody's cache
 * knows them by address.
 */
static inline int
key(struct scan *sc, const char *guess, const char **name, size_t *len)
{
    const unsigned char *q;
    int plain_only;
    size_t n;

    if (expect(sc, '"') == -1 ||
        (q = jlex_string_end(sc->p, sc->end, &plain_only)) == NULL)
        return -1;
    n = (size_t)(q - sc->p);
    if (guess != NULL && plain_only &&
        strncmp(guess, (const char *)sc->p, n) == 0 && guess[n] == '\0') {
        *name = guess;
        *len = n;
        sc->p = q + 1;
    } else if (string_to(sc, q, plain_only, name, len) == -1) {
        return -1;
    }
    return expect(sc, ':');
}

/*
 * The members of an object after its '{', each handed to fn (which reads
 * the value); -1 to fall back. like: the record whose names are likely
 * the same, in the same order (NULL: none).
 */
static int
members(struct scan *sc, int (*fn)(struct scan *, const char *, size_t, void *),
        void *arg, const struct recscan_rec *like)
{
    const char *name, *guess;
    size_t k = 0, len;
    int more;

    ws(sc);
    if (sc->p < sc->end && *sc->p == '}') {
        sc->p++;
        return 0;
    }
    do {
        guess = like != NULL && k < like->mem.n
                    ? sc->s->vals[like->first + k].name
                    : NULL;
        k++;
        if (key(sc, guess, &name, &len) == -1 || fn(sc, name, len, arg) == -1)
            return -1;
    } while ((more = next(sc, '}')) == 1);
    return more;
}

/* A member of attributes: only its type matters, the last one. */
static int
attribute(struct scan *sc, const char *name, size_t len, void *arg)
{
    const char **type = arg;
    struct recval v;

    (void)len;
    if (scalar(sc, &v) == -1)
        return -1;
    if (strcmp(name, "type") == 0)
        *type = v.kind == RECVAL_STRING ? v.text : NULL;
    return 0;
}

/* A member of a record. */
static int
record_member(struct scan *sc, const char *name, size_t len, void *arg)
{
    struct recscan_rec *r = arg;
    struct recval *v = member(sc->s, name, len);
    const char *type = NULL;
    int is_attributes = len == 10 && memcmp(name, "attributes", 10) == 0;

    ws(sc);
    if (sc->p < sc->end && *sc->p == '{' && is_attributes) {
        sc->p++;
        if (members(sc, attribute, &type, NULL) == -1)
            return -1;
        v->kind = RECVAL_OBJECT;
        v->text = NULL;
        v->len = 0;
        v->real = 0;
    } else if (scalar(sc, v) == -1) {
        return -1;
    }
    if (is_attributes)
        r->type = type;
    return 0;
}

/* A record after its '{'. */
static int
record(struct scan *sc)
{
    struct recscan_rec *r = rec_new(sc->s);

    return members(sc, record_member, r, sc->s->nrecs > 1 ? r - 1 : NULL);
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
body_member(struct scan *sc, const char *name, size_t len, void *arg)
{
    struct recval v;

    (void)len;
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
    /* Decoded text is never longer than its source, but for a few reals;
     * a member takes 24 bytes or more, a record more than 128. */
    arena_alloc(s, 0, len + RECSCAN_NUM_TEXT);
    s->capvals = len / 24 + 16;
    s->vals = xreallocarray(NULL, s->capvals, sizeof(*s->vals));
    s->caprecs = len / 128 + 4;
    s->recs = xreallocarray(NULL, s->caprecs, sizeof(*s->recs));
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
    return members(sc, body_member, NULL, NULL);
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
