/*
 * form.c - form-urlencoded decoding (see form.h).
 */
#include "form.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "utf8.h"
#include "xmalloc.h"

static const struct {
    const char *name;
    enum form_charset cs;
} charsets[] = {
    {"UTF-8", FORM_UTF8},        {"UTF8", FORM_UTF8},
    {"ISO-8859-1", FORM_LATIN1}, {"ISO8859-1", FORM_LATIN1},
    {"ISO8859_1", FORM_LATIN1},  {"latin1", FORM_LATIN1},
    {NULL, FORM_UTF8},
};

int
form_charset_parse(const char *name, enum form_charset *out)
{
    size_t i;

    for (i = 0; charsets[i].name != NULL; i++) {
        if (strcasecmp(charsets[i].name, name) == 0) {
            *out = charsets[i].cs;
            return 0;
        }
    }
    return -1;
}

/* Percent-decodes [p, p+n) into out (room for n bytes). -1 if malformed. */
static int
unescape(const char *p, size_t n, char *out, size_t *outlen)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (p[i] == '+') {
            out[o++] = ' ';
        } else if (p[i] == '%') {
            int hi, lo;

            if (i + 2 >= n)
                return -1;
            hi = parse_hex_digit((unsigned char)p[i + 1]);
            lo = parse_hex_digit((unsigned char)p[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = p[i];
        }
    }
    *outlen = o;
    return 0;
}

/* Whether [s, s+n) is all ASCII: text that reads the same in every
 * charset this module knows, and is valid UTF-8 as it is. */
static int
all_ascii(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* Decoded bytes -> new UTF-8 string; counts replacements. */
static char *
to_utf8(const char *bytes, size_t n, enum form_charset cs, size_t *replaced)
{
    char *out = xmalloc(n * 3 + 1); /* worst case: every byte -> 3 bytes */
    size_t i, o = 0;

    if (cs == FORM_LATIN1) {
        for (i = 0; i < n; i++)
            o += utf8_encode((unsigned char)bytes[i], out + o);
        out[o] = '\0';
        return out;
    }
    utf8_fix(bytes, n, out, replaced);
    return out;
}

/*
 * Percent-decodes [p, p+n) and reads the bytes in cs: *out a new UTF-8
 * string. Most parts are ASCII once decoded, and are then their own
 * UTF-8: one allocation. -1 (nothing allocated) if malformed.
 */
static int
decode_part(const char *p, size_t n, enum form_charset cs, char **out,
            size_t *replaced)
{
    char *tmp = xmalloc(n + 1);
    size_t len = 0;
    int rc = -1;

    if (unescape(p, n, tmp, &len) == -1)
        goto out;
    rc = 0;
    if (all_ascii(tmp, len)) {
        tmp[len] = '\0';
        *out = tmp;
        tmp = NULL;
        goto out;
    }
    *out = to_utf8(tmp, len, cs, replaced);
out:
    free(tmp);
    return rc;
}

static void
add_pair(struct form *f, const char *p, size_t n, enum form_charset cs)
{
    const char *eq = memchr(p, '=', n);
    size_t nlen = eq ? (size_t)(eq - p) : n;
    char *name = NULL, *value = NULL;

    if (n == 0)
        return;
    if (f->n >= FORM_MAX_FIELDS) {
        f->overflow++;
        return;
    }
    if (decode_part(p, nlen, cs, &name, &f->replaced) == -1 ||
        decode_part(eq ? eq + 1 : p + n, eq ? n - nlen - 1 : 0, cs, &value,
                    &f->replaced) == -1) {
        f->malformed++;
        free(name);
        return;
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->fields = xreallocarray(f->fields, f->cap, sizeof(*f->fields));
    }
    f->fields[f->n].name = name;
    f->fields[f->n].value = value;
    f->n++;
}

void
form_parse(const char *buf, size_t len, enum form_charset cs, struct form *out)
{
    size_t start = 0, i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i <= len; i++) {
        if (i == len || buf[i] == '&') {
            add_pair(out, buf + start, i - start, cs);
            start = i + 1;
        }
    }
}

const char *
form_get(const struct form *f, const char *name)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return f->fields[i].value;
    return NULL;
}

void
form_free(struct form *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        free(f->fields[i].name);
        free(f->fields[i].value);
    }
    free(f->fields);
    memset(f, 0, sizeof(*f));
}
