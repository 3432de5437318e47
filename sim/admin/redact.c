/*
 * redact.c - the redaction list and the body scanners (see redact.h).
 *
 * Bodies are scanned as text, never parsed: a truncated or malformed body
 * (the journal keeps only a prefix) is redacted as well as a whole one,
 * and a clean body costs one pass without allocating.
 */
#include "redact.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

/* Longer than any name on the list: a longer name cannot match. */
#define NAME_CAP 32

/*
 * The documented list (README, "Security"): OAuth 2.0 and OpenID Connect
 * credentials as clients send them to the token, revoke, introspect and
 * userinfo endpoints, in bodies and in query strings. Shortest first:
 * redact_name() stops at the first name longer than the one it looks at.
 */
#define REDACTED_NAMES(X)                                                      \
    X("code")                                                                  \
    X("token")                                                                 \
    X("id_token")                                                              \
    X("password")                                                              \
    X("assertion")                                                             \
    X("sessionId")                                                             \
    X("oauth_token")                                                           \
    X("access_token")                                                          \
    X("client_secret")                                                         \
    X("code_verifier")                                                         \
    X("refresh_token")                                                         \
    X("client_assertion")

static const struct {
    const char *name;
    size_t len;
} redacted_names[] = {
#define NAME(s) {s, sizeof(s) - 1},
    REDACTED_NAMES(NAME)
#undef NAME
};

/* Bit n set: a listed name has n characters (all have fewer than 64). */
static const uint64_t redacted_lengths = 0
#define LENGTH_BIT(s) | (UINT64_C(1) << (sizeof(s) - 1))
    REDACTED_NAMES(LENGTH_BIT)
#undef LENGTH_BIT
    ;

/* Bit c & 31 set: a listed name starts with the letter c (either case;
 * other bytes may share a bit: this only rules names out). */
static const uint32_t redacted_firsts = 0
#define FIRST_BIT(s) | (UINT32_C(1) << ((s)[0] & 31))
    REDACTED_NAMES(FIRST_BIT)
#undef FIRST_BIT
    ;

/* Whether name may be listed, by its first byte alone. */
static int
first_listed(const char *name)
{
    return (redacted_firsts >> (name[0] & 31)) & 1;
}

int
redact_name(const char *name, size_t len)
{
    size_t i;

    /* Length and first letter first (the listed names are lower case
     * letters there): most names meet none that far. */
    if (len >= 64 || !(redacted_lengths >> len & 1) || !first_listed(name))
        return 0;
    for (i = 0; i < sizeof(redacted_names) / sizeof(redacted_names[0]) &&
                redacted_names[i].len <= len;
         i++)
        if (redacted_names[i].len == len &&
            (name[0] | 0x20) == redacted_names[i].name[0] &&
            strncasecmp(redacted_names[i].name, name, len) == 0)
            return 1;
    return 0;
}

const char *
redact_value(const char *name, const char *value)
{
    /* The first letter before the length: this runs for every field of
     * every record of a batch. */
    return first_listed(name) && redact_name(name, strlen(name)) ? REDACT_MARK
                                                                 : value;
}

/* Whether the form-encoded name p[0..n) decodes to a listed name. */
static int
form_name_listed(const char *p, size_t n)
{
    char name[NAME_CAP];
    size_t i, len = 0;

    for (i = 0; i < n; i++) {
        int c = (unsigned char)p[i], hi, lo;

        if (len == sizeof(name))
            return 0;
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < n &&
                   (hi = parse_hex_digit((unsigned char)p[i + 1])) >= 0 &&
                   (lo = parse_hex_digit((unsigned char)p[i + 2])) >= 0) {
            c = hi * 16 + lo;
            i += 2;
        }
        name[len++] = (char)c;
    }
    return redact_name(name, len);
}

static int
redact_form(const char *b, size_t len, struct buf *out)
{
    size_t start = 0, copied = 0, i;
    int any = 0;

    for (i = 0; i <= len; i++) {
        const char *eq;

        if (i < len && b[i] != '&')
            continue;
        eq = memchr(b + start, '=', i - start);
        /* An empty value hides nothing and says what was sent. */
        if (eq != NULL && eq + 1 < b + i &&
            form_name_listed(b + start, (size_t)(eq - (b + start)))) {
            buf_append(out, b + copied, (size_t)(eq + 1 - (b + copied)));
            buf_puts(out, REDACT_MARK);
            copied = i;
            any = 1;
        }
        start = i + 1;
    }
    if (any)
        buf_append(out, b + copied, len - copied);
    return any;
}

/* Past the JSON string opening at b[i] ('"'): after its closing quote, or
 * len when it is not closed. */
static size_t
string_end(const char *b, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (b[i] == '\\')
            i++;
        else if (b[i] == '"')
            return i + 1;
    }
    return len;
}

static size_t
skip_space(const char *b, size_t len, size_t i)
{
    while (i < len &&
           (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
        i++;
    return i;
}

/* One escape of a key at b[i] ('\\') into *c; returns the index after it.
 * Characters past ASCII become 0x80, which no listed name contains. */
static size_t
key_escape(const char *b, size_t end, size_t i, int *c)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k;
    int v = 0, d;
    size_t j;

    if (i + 1 >= end)
        return end;
    if (b[i + 1] != '\0' && (k = strchr(from, b[i + 1])) != NULL) {
        *c = to[k - from];
        return i + 2;
    }
    if (b[i + 1] != 'u' || i + 6 > end)
        return end;
    for (j = i + 2; j < i + 6; j++) {
        if ((d = parse_hex_digit((unsigned char)b[j])) < 0)
            return end;
        v = v * 16 + d;
    }
    *c = v < 0x80 ? v : 0x80;
    return i + 6;
}

/* Whether the JSON string b[s..e) (quotes included) is a listed name. */
static int
json_key_listed(const char *b, size_t s, size_t e)
{
    char name[NAME_CAP];
    size_t len = 0, i = s + 1, end = e > s + 1 ? e - 1 : s + 1;

    if (memchr(b + i, '\\', end - i) == NULL) /* no escape: its bytes */
        return redact_name(b + i, end - i);
    while (i < end) {
        int c = (unsigned char)b[i];

        if (len == sizeof(name))
            return 0;
        if (c == '\\')
            i = key_escape(b, end, i, &c);
        else
            i++;
        name[len++] = (char)c;
    }
    return redact_name(name, len);
}

/* Past the JSON value starting at b[i]: a string, a balanced object or
 * array, or a bare literal. */
static size_t
value_end(const char *b, size_t len, size_t i)
{
    size_t depth = 0;

    if (b[i] == '"')
        return string_end(b, len, i);
    if (b[i] != '{' && b[i] != '[') {
        while (i < len && strchr(",}] \t\r\n", b[i]) == NULL)
            i++;
        return i;
    }
    while (i < len) {
        if (b[i] == '"') {
            i = string_end(b, len, i);
            continue;
        }
        if (b[i] == '{' || b[i] == '[')
            depth++;
        else if ((b[i] == '}' || b[i] == ']') && --depth == 0)
            return i + 1;
        i++;
    }
    return len;
}

/* A value that hides nothing: "" or null. */
static int
empty_value(const char *b, size_t v, size_t ve)
{
    return (ve - v == 2 && b[v] == '"') ||
           (ve - v == 4 && memcmp(b + v, "null", 4) == 0);
}

static int
redact_json(const char *b, size_t len, struct buf *out)
{
    size_t i = 0, copied = 0, e, v, ve;
    int any = 0;

    while (i < len) {
        if (b[i] != '"') {
            i++;
            continue;
        }
        e = string_end(b, len, i);
        v = skip_space(b, len, e);
        if (v >= len || b[v] != ':' || !json_key_listed(b, i, e)) {
            i = e;
            continue;
        }
        if ((v = skip_space(b, len, v + 1)) >= len)
            break;
        ve = value_end(b, len, v);
        if (!empty_value(b, v, ve)) {
            buf_append(out, b + copied, v - copied);
            buf_puts(out, "\"" REDACT_MARK "\"");
            copied = ve;
            any = 1;
        }
        i = ve;
    }
    if (any)
        buf_append(out, b + copied, len - copied);
    return any;
}

/* Past the tag whose name ends at b[i]: the index of its '>' (quoted
 * attribute values skipped), or len. */
static size_t
tag_end(const char *b, size_t len, size_t i)
{
    char quote = 0;

    for (; i < len; i++) {
        if (quote != 0) {
            if (b[i] == quote)
                quote = 0;
        } else if (b[i] == '"' || b[i] == '\'') {
            quote = b[i];
        } else if (b[i] == '>') {
            return i;
        }
    }
    return len;
}

/* Past what starts at b[i] and ends with the NUL-terminated close. */
static size_t
skip_past(const char *b, size_t len, size_t i, const char *close)
{
    size_t n = strlen(close);

    for (; i + n <= len; i++)
        if (memcmp(b + i, close, n) == 0)
            return i + n;
    return len;
}

/*
 * The end of an element's content starting at b[i]: the index of the
 * "</" that closes it, or len when the body ends first. Nested elements
 * are counted; CDATA sections and comments are skipped whole, so a "</"
 * inside them ends nothing.
 */
static size_t
content_end(const char *b, size_t len, size_t i)
{
    size_t depth = 0, gt;

    while (i < len) {
        if (b[i] != '<') {
            i++;
        } else if (len - i >= 9 && memcmp(b + i, "<![CDATA[", 9) == 0) {
            i = skip_past(b, len, i + 9, "]]>");
        } else if (len - i >= 4 && memcmp(b + i, "<!--", 4) == 0) {
            i = skip_past(b, len, i + 4, "-->");
        } else if (i + 1 < len && b[i + 1] == '/') {
            if (depth-- == 0)
                return i;
            i = tag_end(b, len, i + 2) + 1;
        } else {
            gt = tag_end(b, len, i + 1);
            if (gt < len && b[gt - 1] != '/')
                depth++;
            i = gt + 1;
        }
    }
    return len;
}

/* Whether the start tag's name b[s..e) has a listed local name (after
 * any prefix). */
static int
xml_name_listed(const char *b, size_t s, size_t e)
{
    const char *colon = memchr(b + s, ':', e - s);

    if (colon != NULL)
        s = (size_t)(colon - b) + 1;
    return redact_name(b + s, e - s);
}

static int
redact_xml(const char *b, size_t len, struct buf *out)
{
    size_t i = 0, copied = 0, ns, ne, gt, end;
    int any = 0;

    while (i < len) {
        if (b[i] != '<' || i + 1 >= len || strchr("/!?", b[i + 1]) != NULL) {
            i++;
            continue;
        }
        ns = ne = i + 1;
        while (ne < len && strchr(" \t\r\n/>", b[ne]) == NULL)
            ne++;
        if ((gt = tag_end(b, len, ne)) >= len)
            break;
        i = gt + 1;
        if (b[gt - 1] == '/' || !xml_name_listed(b, ns, ne))
            continue;
        end = content_end(b, len, i);
        if (end > i) {
            buf_append(out, b + copied, i - copied);
            buf_puts(out, REDACT_MARK);
            copied = end;
            any = 1;
        }
        i = end;
    }
    if (any)
        buf_append(out, b + copied, len - copied);
    return any;
}

int
redact_body(const char *body, size_t len, struct buf *out)
{
    size_t first = skip_space(body, len, 0);

    if (first < len && (body[first] == '{' || body[first] == '['))
        return redact_json(body, len, out);
    /* A body that only looks like XML is still read as a form. */
    if (first < len && body[first] == '<' && redact_xml(body, len, out))
        return 1;
    return redact_form(body, len, out);
}
