/*
 * jsonpos.c - locate a value in JSON text by path (see jsonpos.h).
 *
 * A small recursive-descent walker over the raw text. It does not validate
 * beyond what it needs to skip values; it is run on text jansson already
 * accepted. Nesting is bounded so that hostile input cannot exhaust the
 * stack.
 */
#include "jsonpos.h"

#include <stdlib.h>
#include <string.h>

#define JSONPOS_MAX_DEPTH 64

struct scan {
    const char *p, *end;
};

static void
skip_ws(struct scan *s)
{
    while (s->p < s->end &&
           (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* Skips a string starting at '"'; reports its raw contents via kstart, klen. */
static int
skip_string(struct scan *s, const char **kstart, size_t *klen)
{
    const char *start;

    if (s->p >= s->end || *s->p != '"')
        return -1;
    start = ++s->p;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\')
            s->p++;
        s->p++;
    }
    if (s->p >= s->end)
        return -1;
    if (kstart != NULL) {
        *kstart = start;
        *klen = (size_t)(s->p - start);
    }
    s->p++;
    return 0;
}

static int skip_value(struct scan *s, int depth);

static int
skip_container(struct scan *s, int depth, char close)
{
    int is_object = close == '}';

    if (depth > JSONPOS_MAX_DEPTH)
        return -1;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 0;
    }
    for (;;) {
        if (is_object) {
            skip_ws(s);
            if (skip_string(s, NULL, NULL) == -1)
                return -1;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':')
                return -1;
            s->p++;
        }
        if (skip_value(s, depth + 1) == -1)
            return -1;
        skip_ws(s);
        if (s->p >= s->end)
            return -1;
        if (*s->p == ',') {
            s->p++;
            continue;
        }
        if (*s->p == close) {
            s->p++;
            return 0;
        }
        return -1;
    }
}

static int
skip_value(struct scan *s, int depth)
{
    skip_ws(s);
    if (s->p >= s->end)
        return -1;
    switch (*s->p) {
    case '{': return skip_container(s, depth, '}');
    case '[': return skip_container(s, depth, ']');
    case '"': return skip_string(s, NULL, NULL);
    default:
        while (s->p < s->end && strchr(",}] \t\r\n", *s->p) == NULL)
            s->p++;
        return 0;
    }
}

/* Next path component: a key (is_index 0) or an index. Advances *path. */
static int
next_component(const char **path, const char **key, size_t *klen, long *index,
               int *is_index)
{
    const char *p = *path;

    if (*p == '.')
        p++;
    if (*p == '[') {
        char *end = NULL;

        *index = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end != ']' || *index < 0)
            return -1;
        *is_index = 1;
        *path = end + 1;
        return 0;
    }
    *key = p;
    while (*p != '\0' && *p != '.' && *p != '[')
        p++;
    *klen = (size_t)(p - *key);
    *is_index = 0;
    *path = p;
    return *klen > 0 ? 0 : -1;
}

/* Moves s to the member named key inside the object at s->p. */
static int
enter_member(struct scan *s, const char *key, size_t klen, int key_only)
{
    s->p++;
    for (;;) {
        const char *k, *kpos;
        size_t kl;

        skip_ws(s);
        if (s->p >= s->end || *s->p == '}')
            return 1;
        kpos = s->p;
        if (skip_string(s, &k, &kl) == -1)
            return -1;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return -1;
        s->p++;
        skip_ws(s);
        if (kl == klen && memcmp(k, key, klen) == 0) {
            if (key_only)
                s->p = kpos;
            return 0;
        }
        if (skip_value(s, 1) == -1)
            return -1;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',')
            s->p++;
    }
}

static int
enter_element(struct scan *s, long index)
{
    long i;

    s->p++;
    for (i = 0;; i++) {
        skip_ws(s);
        if (s->p >= s->end || *s->p == ']')
            return 1;
        if (i == index)
            return 0;
        if (skip_value(s, 1) == -1)
            return -1;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',')
            s->p++;
    }
}

static void
line_col(const char *text, const char *at, int *line, int *col)
{
    const char *p;

    *line = 1;
    *col = 1;
    for (p = text; p < at; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

int
jsonpos_find(const char *text, size_t len, const char *path, int key_only,
             int *line, int *col)
{
    struct scan s = {text, text + len};
    const char *found = text;
    int rc = 0, depth = 0;

    skip_ws(&s);
    found = s.p;
    while (*path != '\0' && depth++ < JSONPOS_MAX_DEPTH) {
        const char *key = NULL;
        size_t klen = 0;
        long index = 0;
        int is_index = 0, r;
        int last;

        if (next_component(&path, &key, &klen, &index, &is_index) == -1) {
            rc = -1;
            break;
        }
        last = *path == '\0';
        if (s.p >= s.end || *s.p != (is_index ? '[' : '{')) {
            rc = 1;
            break;
        }
        r = is_index ? enter_element(&s, index)
                     : enter_member(&s, key, klen, key_only && last);
        if (r != 0) {
            rc = r;
            break;
        }
        found = s.p;
    }
    if (rc == -1)
        found = text;
    line_col(text, found, line, col);
    return rc;
}
