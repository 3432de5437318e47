/*
 * jsontest.c - whole-JSON assertions with a path-by-path diff (jsontest.h).
 */
#include "jsontest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "xmalloc.h"

#define JSONTEST_DIFF_LINES 20
#define JSONTEST_SHOW_MAX 4000 /* bytes of each document printed */

struct diff {
    struct buf out;
    size_t lines, max, more;
};

/* A value as compact JSON text (new string). */
static char *
text_of(const json_t *v)
{
    char *s = v != NULL ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

    return s != NULL ? s : xstrdup("(not JSON)");
}

/* One difference at path: "missing, want W", "unexpected, got G" or
 * "want W, got G" (what is the prefix). */
static void
say(struct diff *d, const char *path, const char *what, const json_t *want,
    const json_t *got)
{
    char *w, *g;

    if (d->lines == d->max) {
        d->more++;
        return;
    }
    d->lines++;
    w = want != NULL ? text_of(want) : NULL;
    g = got != NULL ? text_of(got) : NULL;
    buf_printf(&d->out, "  %s: %s", path, what);
    if (w != NULL)
        buf_printf(&d->out, "want %s", w);
    if (w != NULL && g != NULL)
        buf_puts(&d->out, ", ");
    if (g != NULL)
        buf_printf(&d->out, "got %s", g);
    buf_putc(&d->out, '\n');
    free(w);
    free(g);
}

static void diff_value(struct diff *d, const char *path, const json_t *want,
                       const json_t *got);

static void
diff_object(struct diff *d, const char *path, const json_t *want,
            const json_t *got)
{
    const char *key;
    json_t *v;
    char sub[512];

    json_object_foreach((json_t *)want, key, v) {
        snprintf(sub, sizeof(sub), "%s.%s", path, key);
        if (json_object_get(got, key) == NULL)
            say(d, sub, "missing, ", v, NULL);
        else
            diff_value(d, sub, v, json_object_get(got, key));
    }
    json_object_foreach((json_t *)got, key, v) {
        snprintf(sub, sizeof(sub), "%s.%s", path, key);
        if (json_object_get(want, key) == NULL)
            say(d, sub, "unexpected, ", NULL, v);
    }
}

static void
diff_array(struct diff *d, const char *path, const json_t *want,
           const json_t *got)
{
    size_t nw = json_array_size(want), ng = json_array_size(got), i;
    char sub[512];

    for (i = 0; i < nw || i < ng; i++) {
        snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
        if (i >= ng)
            say(d, sub, "missing, ", json_array_get(want, i), NULL);
        else if (i >= nw)
            say(d, sub, "unexpected, ", NULL, json_array_get(got, i));
        else
            diff_value(d, sub, json_array_get(want, i), json_array_get(got, i));
    }
}

static void
diff_value(struct diff *d, const char *path, const json_t *want,
           const json_t *got)
{
    if (json_equal(want, got))
        return;
    if (json_is_object(want) && json_is_object(got))
        diff_object(d, path, want, got);
    else if (json_is_array(want) && json_is_array(got))
        diff_array(d, path, want, got);
    else
        say(d, path, "", want, got);
}

char *
jsontest_diff(const json_t *want, const json_t *got, size_t max)
{
    struct diff d = {.max = max};

    buf_init(&d.out, 1 << 20);
    if (want == NULL || got == NULL) {
        if (want != got)
            say(&d, "$", "", want, got);
    } else
        diff_value(&d, "$", want, got);
    if (d.more > 0)
        buf_printf(&d.out, "  (and %zu more differences)\n", d.more);
    buf_putc(&d.out, '\0');
    return buf_steal(&d.out, NULL);
}

/* Prints the diff and both documents, then fails at file:line. */
static void
fail_with(const json_t *want, const json_t *got, const char *raw,
          const char *file, int line)
{
    char *diff = jsontest_diff(want, got, JSONTEST_DIFF_LINES);
    char *w = text_of(want), *g = got != NULL ? text_of(got) : NULL;
    const char *shown = g != NULL ? g : raw != NULL ? raw : "(not JSON)";

    print_error("JSON differs (want / got):\n%s"
                "want: %.*s\n"
                " got: %.*s\n",
                diff, JSONTEST_SHOW_MAX, w, JSONTEST_SHOW_MAX, shown);
    free(diff);
    free(w);
    free(g);
    _fail(file, line);
}

void
jsontest_equal(const json_t *got, const char *want_text, const char *raw,
               const char *file, int line)
{
    json_error_t jerr;
    json_t *want = json_loads(want_text, JSON_DECODE_ANY, &jerr);

    if (want == NULL) {
        print_error("expected JSON does not parse (%d:%d: %s): %s\n", jerr.line,
                    jerr.column, jerr.text, want_text);
        _fail(file, line);
    }
    if (got == NULL || !json_equal(got, want))
        fail_with(want, got, raw, file, line);
    json_decref(want);
}

void
jsontest_body(const struct http_result *r, const char *want, const char *file,
              int line)
{
    json_t *got = json_loadb(r->body != NULL ? r->body : "", r->body_len,
                             JSON_DECODE_ANY, NULL);

    jsontest_equal(got, want, r->body, file, line);
    json_decref(got);
}

json_t *
jsontest_find(const json_t *array, const char *key, const char *value)
{
    const char *v;
    size_t i;

    for (i = 0; i < json_array_size(array); i++) {
        v = json_string_value(json_object_get(json_array_get(array, i), key));
        if (v != NULL && strcmp(v, value) == 0)
            return json_array_get(array, i);
    }
    fail_msg("no element with %s \"%s\"", key, value);
    return NULL;
}
