/*
 * formula_text.c - the formula language's text functions beyond the basic
 * ones of formula_fn.c: searching, padding, encoding for HTML, JavaScript
 * and URLs, INITCAP, CASESAFEID (see formula.h; the table that names
 * them is formula_fn.c's). HYPERLINK and IMAGE, which make page markup,
 * are not here: a formula that uses them is refused by name.
 *
 * Positions and lengths count characters (UTF-8), as Salesforce's do.
 */
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "formula_private.h"
#include "sfid.h"
#include "utf8.h"

/* Longest result LPAD() and RPAD() make (Salesforce truncates to the
 * length asked for, which is bounded by what text fields hold). */
#define PAD_MAX 131072

int
formula_set_text(struct evalctx *c, const struct node *at, const char *s,
                 size_t len, struct fval *out)
{
    char *p;

    if ((p = formula_alloc(c, at, len)) == NULL)
        return -1;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    out->s = p;
    out->len = len;
    return 0;
}

/* FIND(search, text [, start]): the 1-based character position of the
 * first search in text at or after start, or 0. */
int
formula_fn_find(struct evalctx *c, const struct node *n, const struct fval *av,
                struct fval *out)
{
    size_t start = 1, off;
    const char *hit;

    (void)c;
    if (n->nargs > 2) {
        if (av[2].null || !(av[2].num >= 1))
            return 0;
        start = av[2].num > 1e9 ? (size_t)1e9 : (size_t)av[2].num;
    }
    if (av[0].len == 0)
        return 0;
    off = utf8_offset(av[1].s, av[1].len, start - 1);
    hit = memmem(av[1].s + off, av[1].len - off, av[0].s, av[0].len);
    if (hit != NULL)
        out->num = (double)utf8_count(av[1].s, (size_t)(hit - av[1].s)) + 1;
    return 0;
}

/* LPAD/RPAD(text, length [, pad]): text cut or padded to length
 * characters with pad (default a space) on the left or right. */
static int
pad(struct evalctx *c, const struct node *n, const struct fval *av,
    struct fval *out, int left)
{
    const char *fill = " ";
    size_t want, have, fill_len = 1, fill_chars = 1, cut, need, o = 0, k;
    char *p;

    if (av[1].null || !(av[1].num > 0)) {
        out->null = 1;
        return 0;
    }
    want = av[1].num > PAD_MAX ? PAD_MAX : (size_t)av[1].num;
    if (n->nargs > 2) {
        fill = av[2].s;
        fill_len = av[2].len;
        fill_chars = utf8_count(fill, fill_len);
    }
    have = utf8_count(av[0].s, av[0].len);
    if (have >= want || fill_chars == 0) {
        cut = utf8_offset(av[0].s, av[0].len, have < want ? have : want);
        return formula_set_text(c, n, av[0].s, cut, out);
    }
    need = want - have; /* characters of padding */
    if ((p = formula_alloc(
             c, n, av[0].len + (need / fill_chars + 1) * fill_len)) == NULL)
        return -1;
    if (!left) {
        memcpy(p, av[0].s, av[0].len);
        o = av[0].len;
    }
    for (k = 0; k < need; k += fill_chars) {
        size_t chunk = need - k < fill_chars
                           ? utf8_offset(fill, fill_len, need - k)
                           : fill_len;

        memcpy(p + o, fill, chunk);
        o += chunk;
    }
    if (left) {
        memcpy(p + o, av[0].s, av[0].len);
        o += av[0].len;
    }
    p[o] = '\0';
    out->s = p;
    out->len = o;
    return 0;
}

int
formula_fn_lpad(struct evalctx *c, const struct node *n, const struct fval *av,
                struct fval *out)
{
    return pad(c, n, av, out, 1);
}

int
formula_fn_rpad(struct evalctx *c, const struct node *n, const struct fval *av,
                struct fval *out)
{
    return pad(c, n, av, out, 0);
}

int
formula_fn_br(struct evalctx *c, const struct node *n, const struct fval *av,
              struct fval *out)
{
    (void)av;
    return formula_set_text(c, n, "<br>", 4, out);
}

/* GETSESSIONID(): a formula evaluated by the sim runs in no user session
 * a page could use, so the id is blank. */
int
formula_fn_getsessionid(struct evalctx *c, const struct node *n,
                        const struct fval *av, struct fval *out)
{
    (void)c;
    (void)n;
    (void)av;
    out->null = 1;
    return 0;
}

/* Each byte of s either copied or replaced by its entry in map (NULL:
 * copied); the result in c's scratch. */
static int
encode(struct evalctx *c, const struct node *n, const struct fval *v,
       const char *(*map)(unsigned char ch, char tmp[8]), struct fval *out)
{
    char tmp[8], *p;
    const char *rep;
    size_t i, o = 0;

    if ((p = formula_alloc(c, n, v->len * 6)) == NULL)
        return -1;
    for (i = 0; i < v->len; i++) {
        unsigned char ch = (unsigned char)v->s[i];

        if ((rep = map(ch, tmp)) == NULL) {
            p[o++] = (char)ch;
            continue;
        }
        memcpy(p + o, rep, strlen(rep));
        o += strlen(rep);
    }
    p[o] = '\0';
    out->s = p;
    out->len = o;
    return 0;
}

static const char *
html_map(unsigned char ch, char tmp[8])
{
    (void)tmp;
    switch (ch) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

static const char *
js_map(unsigned char ch, char tmp[8])
{
    (void)tmp;
    switch (ch) {
    case '\\': return "\\\\";
    case '\'': return "\\'";
    case '"': return "\\\"";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case '<': return "\\u003C";
    case '>': return "\\u003E";
    default: return NULL;
    }
}

/* Percent-encoding of every byte but the unreserved ones (RFC 3986); a
 * space is %20, as Salesforce's URLENCODE() writes it. */
static const char *
url_map(unsigned char ch, char tmp[8])
{
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
        (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' ||
        ch == '~')
        return NULL;
    snprintf(tmp, 8, "%%%02X", ch);
    return tmp;
}

int
formula_fn_htmlencode(struct evalctx *c, const struct node *n,
                      const struct fval *av, struct fval *out)
{
    return encode(c, n, &av[0], html_map, out);
}

int
formula_fn_jsencode(struct evalctx *c, const struct node *n,
                    const struct fval *av, struct fval *out)
{
    return encode(c, n, &av[0], js_map, out);
}

/* HTML-encoded, then JavaScript-encoded. */
int
formula_fn_jsinhtmlencode(struct evalctx *c, const struct node *n,
                          const struct fval *av, struct fval *out)
{
    struct fval html;

    memset(&html, 0, sizeof(html));
    if (encode(c, n, &av[0], html_map, &html) < 0)
        return -1;
    return encode(c, n, &html, js_map, out);
}

int
formula_fn_urlencode(struct evalctx *c, const struct node *n,
                     const struct fval *av, struct fval *out)
{
    return encode(c, n, &av[0], url_map, out);
}

/* INITCAP(text): each word's first letter upper case, the rest lower. */
int
formula_fn_initcap(struct evalctx *c, const struct node *n,
                   const struct fval *av, struct fval *out)
{
    locale_t loc = utf8_locale();
    size_t i = 0, k, o = 0;
    int start = 1;
    uint32_t cp;
    wint_t w;
    char *p;

    if ((p = formula_alloc(c, n, av[0].len * 4)) == NULL)
        return -1;
    while (i < av[0].len) {
        k = utf8_next(av[0].s + i, av[0].len - i, &cp);
        if (cp == UTF8_BAD || loc == (locale_t)0) {
            memcpy(p + o, av[0].s + i, k);
            o += k;
            i += k;
            start = 1;
            continue;
        }
        w = start ? towupper_l((wint_t)cp, loc) : towlower_l((wint_t)cp, loc);
        if (w > 0x10FFFF || (w >= 0xD800 && w <= 0xDFFF))
            w = cp;
        o += utf8_encode((uint32_t)w, p + o);
        start = !iswalnum_l((wint_t)cp, loc);
        i += k;
    }
    p[o] = '\0';
    out->s = p;
    out->len = o;
    return 0;
}

/* CASESAFEID(id): the 18-character form of a 15- or 18-character id;
 * other text comes back as it is. */
int
formula_fn_casesafeid(struct evalctx *c, const struct node *n,
                      const struct fval *av, struct fval *out)
{
    char id15[SFID_LEN15 + 1], id18[SFID_LEN18 + 1];

    if (sfid_normalize(av[0].s, av[0].len, id15) == -1) {
        *out = av[0];
        return 0;
    }
    sfid_to18(id15, id18);
    return formula_set_text(c, n, id18, SFID_LEN18, out);
}

/* REVERSE(text): its characters in reverse order. */
int
formula_fn_reverse(struct evalctx *c, const struct node *n,
                   const struct fval *av, struct fval *out)
{
    size_t i = 0, k;
    char *p;

    if ((p = formula_alloc(c, n, av[0].len)) == NULL)
        return -1;
    while (i < av[0].len) {
        k = utf8_next(av[0].s + i, av[0].len - i, NULL);
        memcpy(p + av[0].len - i - k, av[0].s + i, k);
        i += k;
    }
    p[av[0].len] = '\0';
    out->s = p;
    out->len = av[0].len;
    return 0;
}

/* Markup for a page, as Salesforce writes it: nothing in the sim shows
 * it, but a formula field that makes it is still a text to compare. The
 * result is pre, a, mid, b, post. */
static int
markup(struct evalctx *c, const struct node *n, const char *const part[3],
       const struct fval *a, const struct fval *b, struct fval *out)
{
    size_t len = strlen(part[0]) + a->len + strlen(part[1]) + b->len +
                 strlen(part[2]),
           o = 0;
    char *p;

    if ((p = formula_alloc(c, n, len)) == NULL)
        return -1;
    memcpy(p + o, part[0], strlen(part[0]));
    o += strlen(part[0]);
    memcpy(p + o, a->s, a->len);
    o += a->len;
    memcpy(p + o, part[1], strlen(part[1]));
    o += strlen(part[1]);
    memcpy(p + o, b->s, b->len);
    o += b->len;
    memcpy(p + o, part[2], strlen(part[2]));
    p[len] = '\0';
    out->s = p;
    out->len = len;
    return 0;
}

/* HYPERLINK(url, friendly name [, target]) */
int
formula_fn_hyperlink(struct evalctx *c, const struct node *n,
                     const struct fval *av, struct fval *out)
{
    static const char *const part[3] = {"<a href=\"", "\" target=\"_blank\">",
                                        "</a>"};

    return markup(c, n, part, &av[0], &av[1], out);
}

/* IMAGE(url, alternate text [, height, width]) */
int
formula_fn_image(struct evalctx *c, const struct node *n, const struct fval *av,
                 struct fval *out)
{
    static const char *const part[3] = {"<img src=\"", "\" alt=\"",
                                        "\" border=\"0\"/>"};

    return markup(c, n, part, &av[0], &av[1], out);
}
