/*
 * reference.c - Composite references (see reference.h).
 */
#include "reference.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "xmalloc.h"

#define PATH_MAX_STEPS 32

static int
id_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

int
reference_id_valid(const char *id)
{
    if (!isalnum((unsigned char)*id))
        return 0;
    while (*id != '\0')
        if (!id_char(*id++))
            return 0;
    return 1;
}

/* The member name of obj (exactly, or else without regard to case). */
static json_t *
member(json_t *obj, const char *name, size_t len)
{
    const char *key;
    json_t *v, *loose = NULL;

    json_object_foreach(obj, key, v) {
        if (strlen(key) != len)
            continue;
        if (strncmp(key, name, len) == 0)
            return v;
        if (loose == NULL && strncasecmp(key, name, len) == 0)
            loose = v;
    }
    return loose;
}

json_t *
reference_path(json_t *body, const char *path)
{
    json_t *cur = body;
    const char *p = path;
    char *end;
    size_t len, steps = 0;
    long idx;

    while (cur != NULL && *p != '\0') {
        if (++steps > PATH_MAX_STEPS)
            return NULL;
        if (*p == '.') {
            len = strcspn(p + 1, ".[");
            if (len == 0 || !json_is_object(cur))
                return NULL;
            cur = member(cur, p + 1, len);
            p += 1 + len;
        } else if (*p == '[') {
            if (!isdigit((unsigned char)p[1]))
                return NULL;
            idx = strtol(p + 1, &end, 10);
            if (*end != ']' || !json_is_array(cur))
                return NULL;
            cur = json_array_get(cur, (size_t)idx);
            p = end + 1;
        } else {
            return NULL;
        }
    }
    return cur;
}

/* The text of a scalar into out; NULL for anything else. */
static const char *
scalar_text(json_t *v, char *out, size_t n)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(out, n, "%.17g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(out, n, "%s", json_is_true(v) ? "true" : "false");
    else
        return NULL;
    return out;
}

/*
 * The value of the reference whose content (between "@{" and "}") is
 * ref[0..len): its text, or NULL with err set.
 */
static const char *
resolve(const char *ref, size_t len, reference_lookup_fn *lookup, void *arg,
        char *num, size_t nnum, struct reference_error *err)
{
    size_t idlen = 0;
    const char *text = NULL;
    json_t *body;

    snprintf(err->ref, sizeof(err->ref), "%.*s", (int)len, ref);
    while (idlen < len && id_char(ref[idlen]))
        idlen++;
    snprintf(err->id, sizeof(err->id), "%.*s", (int)idlen, ref);
    if (idlen > 0 && (body = lookup(arg, err->id)) != NULL)
        text = scalar_text(reference_path(body, err->ref + idlen), num, nnum);
    return text;
}

/*
 * The next "@{" at or after p, and the next '}' at or after p: plain
 * loops, where strstr() and strchr() would be checked by AddressSanitizer
 * over the whole rest of the string on every call (quadratic on a string
 * of many references).
 */
static const char *
find_open(const char *p)
{
    for (; *p != '\0'; p++)
        if (p[0] == '@' && p[1] == '{')
            return p;
    return NULL;
}

static const char *
find_close(const char *p)
{
    for (; *p != '\0'; p++)
        if (*p == '}')
            return p;
    return NULL;
}

char *
reference_expand(const char *s, reference_lookup_fn *lookup, void *arg,
                 struct reference_error *err)
{
    struct buf out;
    const char *p = s, *open, *close, *text;
    char num[64];
    size_t len;

    buf_init(&out, REFERENCE_TEXT_MAX);
    while ((open = find_open(p)) != NULL &&
           (close = find_close(open + 2)) != NULL) {
        len = (size_t)(close - open - 2);
        buf_append(&out, p, (size_t)(open - p));
        if (len == 0 || len > REFERENCE_MAX ||
            !isalnum((unsigned char)open[2])) {
            /* Not a reference: the text stays as it is. */
            buf_append(&out, open, (size_t)(close + 1 - open));
        } else if ((text = resolve(open + 2, len, lookup, arg, num, sizeof(num),
                                   err)) == NULL) {
            buf_free(&out);
            return NULL;
        } else {
            buf_puts(&out, text);
        }
        p = close + 1;
    }
    buf_puts(&out, p);
    if (out.toobig) {
        snprintf(err->ref, sizeof(err->ref), "(longer than %d bytes)",
                 REFERENCE_TEXT_MAX);
        err->id[0] = '\0';
        buf_free(&out);
        return NULL;
    }
    return out.data != NULL ? buf_steal(&out, NULL) : xstrdup("");
}

json_t *
reference_expand_json(json_t *v, reference_lookup_fn *lookup, void *arg,
                      struct reference_error *err)
{
    json_t *out, *e, *x;
    const char *key;
    char *s;
    size_t i;

    if (json_is_string(v)) {
        if (strstr(json_string_value(v), "@{") == NULL)
            return json_incref(v);
        if ((s = reference_expand(json_string_value(v), lookup, arg, err)) ==
            NULL)
            return NULL;
        out = json_string(s);
        free(s);
        return out != NULL ? out : json_string("");
    }
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach(v, i, e) {
            if ((x = reference_expand_json(e, lookup, arg, err)) == NULL) {
                json_decref(out);
                return NULL;
            }
            json_array_append_new(out, x);
        }
        return out;
    }
    if (json_is_object(v)) {
        out = json_object();
        json_object_foreach(v, key, e) {
            if ((x = reference_expand_json(e, lookup, arg, err)) == NULL) {
                json_decref(out);
                return NULL;
            }
            json_object_set_new(out, key, x);
        }
        return out;
    }
    return json_incref(v);
}
