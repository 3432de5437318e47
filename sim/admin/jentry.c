/*
 * jentry.c - top-level members and lead values of a serialised journal
 * entry (see jentry.h).
 */
#include "jentry.h"

#include <stdlib.h>
#include <string.h>

#include "sfid.h"
#include "xmalloc.h"

/* The end of the string token starting at s[i] (its opening quote). */
static size_t
string_end(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

/* The end of the value starting at s[i]: a string, a nested object or
 * array (strings inside skipped whole), or a bare token. */
static size_t
value_end(const char *s, size_t n, size_t i)
{
    size_t depth = 0;

    if (i < n && s[i] == '"')
        return string_end(s, n, i);
    for (; i < n; i++) {
        char c = s[i];

        if (c == '"') {
            i = string_end(s, n, i) - 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i;
            if (--depth == 0)
                return i + 1;
        } else if (c == ',' && depth == 0) {
            return i;
        }
    }
    return n;
}

static size_t
skip_space(const char *s, size_t n, size_t i)
{
    while (i < n &&
           (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'))
        i++;
    return i;
}

int
jentry_each(const char *text, size_t len, jentry_fn *fn, void *arg)
{
    size_t i = skip_space(text, len, 0), kend, vstart, vend;
    int rc;

    if (i >= len || text[i] != '{')
        return 0;
    i++;
    for (;;) {
        i = skip_space(text, len, i);
        if (i >= len || text[i] != '"')
            return 0;
        kend = string_end(text, len, i);
        vstart = skip_space(text, len, kend);
        if (vstart >= len || text[vstart] != ':' || kend - i < 2)
            return 0;
        vstart = skip_space(text, len, vstart + 1);
        vend = value_end(text, len, vstart);
        rc = fn(text + i + 1, kend - i - 2, text + vstart, vend - vstart, arg);
        if (rc != 0)
            return rc;
        i = skip_space(text, len, vend);
        if (i >= len || text[i] != ',')
            return 0;
        i++;
    }
}

char *
jentry_string(const char *val, size_t vlen, size_t *len)
{
    char *out = xmalloc(LEADVAL_DECODED_ROOM(vlen) + 1);
    size_t used, n = 0;

    if (vlen > 0 && val[0] == '"')
        n = leadval_json_string(val, vlen, out, &used);
    out[n] = '\0';
    if (len != NULL)
        *len = n;
    return out;
}

const char *
jentry_decode(const char *val, size_t vlen, struct jentry_scratch *sc,
              size_t *len)
{
    size_t used, n = 0;
    size_t room = LEADVAL_DECODED_ROOM(vlen) + 1;

    if (sc->cap < room) {
        sc->cap = room > 2 * sc->cap ? room : 2 * sc->cap;
        free(sc->data);
        sc->data = xmalloc(sc->cap);
    }
    if (vlen > 0 && val[0] == '"')
        n = leadval_json_string(val, vlen, sc->data, &used);
    sc->data[n] = '\0';
    if (len != NULL)
        *len = n;
    return sc->data;
}

/* --- lead values -----------------------------------------------------------
 */

struct values_walk {
    leadval_fn *fn;
    void *arg;
    struct jentry_scratch sc;
};

static int
key_is(const char *key, size_t klen, const char *name)
{
    return klen == strlen(name) && memcmp(key, name, klen) == 0;
}

/* The values of "fields": {"Name": "value", ...} (a batch item's record),
 * read as a JSON body is. */
int
jentry_member_values(const char *key, size_t klen, const char *val, size_t vlen,
                     leadval_fn *fn, void *arg, struct jentry_scratch *sc)
{
    const char *s;
    size_t n;
    int rc = 0;

    if (key_is(key, klen, "record_id") && vlen > 0 && val[0] == '"') {
        s = jentry_decode(val, vlen, sc, &n);
        rc = fn(s, n, arg);
        if (rc == 0 && n == SFID_LEN18)
            rc = fn(s, SFID_LEN15, arg);
    } else if (key_is(key, klen, "body") && vlen > 0 && val[0] == '"') {
        s = jentry_decode(val, vlen, sc, &n);
        rc = leadval_each(s, n, fn, arg);
    } else if (key_is(key, klen, "fields") && vlen > 0 && val[0] == '{') {
        rc = leadval_each(val, vlen, fn, arg);
    }
    return rc;
}

static int
values_member(const char *key, size_t klen, const char *val, size_t vlen,
              void *arg)
{
    struct values_walk *w = arg;

    return jentry_member_values(key, klen, val, vlen, w->fn, w->arg, &w->sc);
}

int
jentry_values(const char *text, size_t len, leadval_fn *fn, void *arg)
{
    struct values_walk w = {fn, arg, {NULL, 0}};
    int rc = jentry_each(text, len, values_member, &w);

    free(w.sc.data);
    return rc;
}
