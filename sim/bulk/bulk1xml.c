/*
 * bulk1xml.c - flat XML bodies of Bulk API 1.0 (see bulk1xml.h).
 *
 * A cursor walks the text once; every step checks the end of the buffer,
 * and every copy the size of its destination.
 */
#include "bulk1xml.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

struct cur {
    const char *s;
    size_t len, pos;
    struct sf_err *err;
};

static int
fail(struct cur *c, const char *what)
{
    err_set(c->err, "%s at byte %zu", what, c->pos);
    return -1;
}

static int
at_end(const struct cur *c)
{
    return c->pos >= c->len;
}

static int
peek(const struct cur *c)
{
    return at_end(c) ? -1 : (unsigned char)c->s[c->pos];
}

static int
starts(const struct cur *c, const char *lit)
{
    size_t n = strlen(lit);

    return c->len - c->pos >= n && memcmp(c->s + c->pos, lit, n) == 0;
}

static void
skip_space(struct cur *c)
{
    while (!at_end(c) && strchr(" \t\r\n", c->s[c->pos]) != NULL)
        c->pos++;
}

static int
name_char(int ch, int first)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
           (!first &&
            ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == ':'));
}

/* An element name into out. */
static int
read_name(struct cur *c, char out[BULK1XML_NAME_MAX])
{
    size_t n = 0;

    if (!name_char(peek(c), 1))
        return fail(c, "an element name expected");
    while (name_char(peek(c), 0)) {
        if (n + 1 >= BULK1XML_NAME_MAX)
            return fail(c, "an element name is too long");
        out[n++] = c->s[c->pos++];
    }
    out[n] = '\0';
    return 0;
}

/* The <?xml ...?> declaration, if there is one. */
static int
skip_decl(struct cur *c)
{
    if (!starts(c, "<?"))
        return 0;
    while (!at_end(c) && !starts(c, "?>"))
        c->pos++;
    if (at_end(c))
        return fail(c, "the XML declaration is not closed");
    c->pos += 2;
    return 0;
}

/* The root's attributes up to '>' (or "/>": *empty set). */
static int
skip_attrs(struct cur *c, int *empty)
{
    int quote = 0;

    *empty = 0;
    for (; !at_end(c); c->pos++) {
        int ch = peek(c);

        if (quote != 0) {
            quote = ch == quote ? 0 : quote;
        } else if (ch == '"' || ch == '\'') {
            quote = ch;
        } else if (ch == '<') {
            return fail(c, "'<' inside a tag");
        } else if (ch == '>') {
            *empty = c->pos > 0 && c->s[c->pos - 1] == '/';
            c->pos++;
            return 0;
        }
    }
    return fail(c, "a tag is not closed");
}

/* One entity or character reference after '&', appended to out. */
static int
read_entity(struct cur *c, char *out, size_t *n)
{
    static const struct {
        const char *name, *text;
    } named[] = {{"amp;", "&"},
                 {"lt;", "<"},
                 {"gt;", ">"},
                 {"quot;", "\""},
                 {"apos;", "'"}};
    char enc[4];
    uint32_t cp = 0;
    size_t i, k;
    int hex, digits = 0;

    for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (starts(c, named[i].name)) {
            c->pos += strlen(named[i].name);
            enc[0] = named[i].text[0];
            k = 1;
            goto put;
        }
    if (peek(c) != '#')
        return fail(c, "an unknown entity");
    c->pos++;
    hex = peek(c) == 'x';
    c->pos += (size_t)hex;
    for (; !at_end(c) && peek(c) != ';' && digits < 8; c->pos++, digits++) {
        int ch = peek(c), v;

        v = ch >= '0' && ch <= '9'          ? ch - '0'
            : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
            : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                            : -1;
        if (v < 0)
            return fail(c, "a bad character reference");
        cp = cp * (hex ? 16 : 10) + (uint32_t)v;
    }
    if (digits == 0 || peek(c) != ';' ||
        (cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return fail(c, "a bad character reference");
    c->pos++;
    k = utf8_encode(cp, enc);
put:
    if (*n + k >= BULK1XML_VALUE_MAX)
        return fail(c, "an element's text is too long");
    memcpy(out + *n, enc, k);
    *n += k;
    return 0;
}

/* The text of a child element up to '<', entities undone. */
static int
read_text(struct cur *c, char out[BULK1XML_VALUE_MAX])
{
    size_t n = 0;

    while (!at_end(c) && peek(c) != '<') {
        if (peek(c) == '&') {
            c->pos++;
            if (read_entity(c, out, &n) == -1)
                return -1;
            continue;
        }
        if (peek(c) == '>')
            return fail(c, "a stray '>'");
        if (peek(c) < 0x20 && peek(c) != '\t' && peek(c) != '\r' &&
            peek(c) != '\n')
            return fail(c, "a control character in text");
        if (n + 1 >= BULK1XML_VALUE_MAX)
            return fail(c, "an element's text is too long");
        out[n++] = c->s[c->pos++];
    }
    out[n] = '\0';
    if (!utf8_valid(out, n))
        return fail(c, "text that is not UTF-8");
    return 0;
}

/* "</name>" with the name expected. */
static int
read_close(struct cur *c, const char *expect)
{
    char name[BULK1XML_NAME_MAX];

    if (!starts(c, "</"))
        return fail(c, "an end tag expected");
    c->pos += 2;
    if (read_name(c, name) == -1)
        return -1;
    skip_space(c);
    if (strcmp(name, expect) != 0 || peek(c) != '>')
        return fail(c, "an end tag that does not match");
    c->pos++;
    return 0;
}

/* One child element <name>text</name> or <name/>. */
static int
read_child(struct cur *c, struct bulk1xml_doc *doc)
{
    struct bulk1xml_field *f;

    if (doc->n == BULK1XML_FIELDS_MAX)
        return fail(c, "too many elements");
    f = &doc->fields[doc->n];
    c->pos++; /* '<' */
    if (read_name(c, f->name) == -1)
        return -1;
    skip_space(c);
    f->value[0] = '\0';
    if (starts(c, "/>")) {
        c->pos += 2;
        doc->n++;
        return 0;
    }
    if (peek(c) != '>')
        return fail(c, "attributes on a field element");
    c->pos++;
    if (read_text(c, f->value) == -1 || read_close(c, f->name) == -1)
        return -1;
    doc->n++;
    return 0;
}

int
bulk1xml_read(const char *text, size_t len, struct bulk1xml_doc *doc,
              struct sf_err *err)
{
    struct cur c = {text, len, 0, err};
    int empty;

    memset(doc, 0, sizeof(*doc));
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        c.pos = 3;
    skip_space(&c);
    if (skip_decl(&c) == -1)
        return -1;
    skip_space(&c);
    if (starts(&c, "<!") || starts(&c, "<?"))
        return fail(&c, "DOCTYPE, comments, CDATA and instructions are not "
                        "read");
    if (peek(&c) != '<')
        return fail(&c, "the root element expected");
    c.pos++;
    if (read_name(&c, doc->root) == -1 || skip_attrs(&c, &empty) == -1)
        return -1;
    while (!empty) {
        skip_space(&c);
        if (starts(&c, "</"))
            break;
        if (starts(&c, "<!") || starts(&c, "<?"))
            return fail(&c, "DOCTYPE, comments, CDATA and instructions are "
                            "not read");
        if (peek(&c) != '<')
            return fail(&c, at_end(&c) ? "the root element is not closed"
                                       : "text outside a field element");
        if (read_child(&c, doc) == -1)
            return -1;
    }
    if (!empty && read_close(&c, doc->root) == -1)
        return -1;
    skip_space(&c);
    if (!at_end(&c))
        return fail(&c, "content after the root element");
    return 0;
}

const char *
bulk1xml_get(const struct bulk1xml_doc *doc, const char *name)
{
    size_t i;

    for (i = 0; i < doc->n; i++)
        if (strcmp(doc->fields[i].name, name) == 0)
            return doc->fields[i].value;
    return NULL;
}
