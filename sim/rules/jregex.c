/*
 * jregex.c - Java regular expressions on POSIX <regex.h> (see jregex.h).
 *
 * A pattern is translated in one pass, atom by atom, into an ERE: Java
 * escapes become their POSIX spelling, character classes are rebuilt as
 * bracket expressions (POSIX has no escapes inside brackets), and every
 * construct without a faithful POSIX equivalent is refused with a message.
 * The translator also counts what glibc will expand, so that nested
 * repetitions cannot allocate without bound.
 */
#include "jregex.h"

#include <locale.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

/*
 * re runs under the UTF-8 locale, where glibc converts every subject to
 * wide characters first. A pattern that is all ASCII after translation
 * also gets ascii, the same pattern compiled under the C locale, which
 * matches byte by byte: on an all-ASCII subject every character is one
 * byte and the two locales agree on ASCII (classes are spelled out as
 * ranges, cases fold alike), so its answer is re's, found faster.
 */
struct jregex {
    regex_t re;
    regex_t ascii;
    int has_ascii;
};

static pthread_once_t c_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void
c_locale_init(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* The C locale; (locale_t)0 when the system cannot make one. */
static locale_t
jregex_c_locale(void)
{
    pthread_once(&c_once, c_locale_init);
    return c_locale;
}

/* Whether s holds only ASCII bytes. */
static int
is_ascii(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

struct rxbuf {
    char *p;
    size_t len, cap;
};

struct rx {
    const unsigned char *pat;
    size_t len, i;
    struct rxbuf out;
    size_t cost[JREGEX_MAX_GROUPS + 1]; /* size of each open group so far */
    size_t last; /* size of the atom a quantifier would repeat; 0: none */
    int depth;
    int icase; /* (?i) was met: the whole pattern ignores case */
    char *msg;
    size_t msgsize;
};

/* Java escapes and their POSIX spelling outside and inside brackets. */
static const struct rx_escape {
    char c;
    int is_set;          /* a class of characters rather than one */
    const char *outside; /* ERE text */
    const char *inside;  /* bracket-expression text; NULL: not supported */
} rx_escapes[] = {
    {'d', 1, "[0-9]", "0-9"},
    {'D', 1, "[^0-9]", NULL},
    {'s', 1, "[ \t\n\v\f\r]", " \t\n\v\f\r"},
    {'S', 1, "[^ \t\n\v\f\r]", NULL},
    {'w', 1, "[A-Za-z0-9_]", "A-Za-z0-9_"},
    {'W', 1, "[^A-Za-z0-9_]", NULL},
    {'t', 0, "\t", "\t"},
    {'n', 0, "\n", "\n"},
    {'r', 0, "\r", "\r"},
    {'f', 0, "\f", "\f"},
    {'a', 0, "\a", "\a"},
    {'e', 0, "\033", "\033"},
    {0, 0, NULL, NULL},
};

static const char rx_ere_specials[] = ".[]{}()*+?|^$\\";

static void
rxbuf_put(struct rxbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void
rxbuf_puts(struct rxbuf *b, const char *s)
{
    rxbuf_put(b, s, strlen(s));
}

static int rx_fail(struct rx *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
rx_fail(struct rx *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->msg, r->msgsize, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct rx_escape *
rx_escape_find(int c)
{
    const struct rx_escape *e;

    for (e = rx_escapes; e->c != 0; e++)
        if (e->c == c)
            return e;
    return NULL;
}

/*
 * Complexity accounting: glibc expands {n,m} into copies of the repeated
 * subexpression, so a nested (x{1000}){1000} would allocate without bound.
 * Every atom costs 1 (a group: its contents), a quantifier multiplies the
 * cost of what it repeats, and the total is capped.
 */
static int
rx_atom(struct rx *r, size_t cost)
{
    r->last = cost > 0 ? cost : 1;
    r->cost[r->depth] += r->last;
    if (r->cost[r->depth] > JREGEX_MAX_COST)
        return rx_fail(r, "Regular expression is too complex");
    return 0;
}

static int
rx_quantify(struct rx *r, const char *text, size_t factor)
{
    if (r->last == 0)
        return rx_fail(r, "Dangling meta character '%c'", text[0]);
    rxbuf_puts(&r->out, text);
    if (factor > 1)
        r->cost[r->depth] += r->last * (factor - 1);
    if (r->cost[r->depth] > JREGEX_MAX_COST)
        return rx_fail(r, "Regular expression is too complex");
    r->last = 0;
    /* A lazy quantifier accepts the same whole strings as a greedy one. */
    if (r->i < r->len && r->pat[r->i] == '?')
        r->i++;
    else if (r->i < r->len && r->pat[r->i] == '+')
        return rx_fail(r, "Possessive quantifiers are not supported");
    return 0;
}

/* {n}, {n,} or {n,m}; r->i is just past the '{'. */
static int
rx_interval(struct rx *r)
{
    size_t n = 0, m = 0, nd = 0, md = 0;
    int comma = 0;
    char text[32];

    for (; r->i < r->len && is_digit(r->pat[r->i]); r->i++, nd++)
        if (n <= JREGEX_MAX_REPEAT)
            n = n * 10 + (r->pat[r->i] - '0');
    if (r->i < r->len && r->pat[r->i] == ',') {
        comma = 1;
        for (r->i++; r->i < r->len && is_digit(r->pat[r->i]); r->i++, md++)
            if (m <= JREGEX_MAX_REPEAT)
                m = m * 10 + (r->pat[r->i] - '0');
    }
    if (nd == 0 || r->i >= r->len || r->pat[r->i] != '}')
        return rx_fail(r, "Illegal repetition");
    r->i++;
    if (n > JREGEX_MAX_REPEAT || m > JREGEX_MAX_REPEAT)
        return rx_fail(r, "Repetition count is too large (maximum %d)",
                       JREGEX_MAX_REPEAT);
    if (md > 0 && m < n)
        return rx_fail(r, "Illegal repetition range");
    if (!comma)
        snprintf(text, sizeof(text), "{%zu}", n);
    else if (md == 0)
        snprintf(text, sizeof(text), "{%zu,}", n);
    else
        snprintf(text, sizeof(text), "{%zu,%zu}", n, m);
    return rx_quantify(r, text, md > 0 ? m : comma ? n + 1 : n);
}

/* One item of a bracket expression: a character or a class (\d). */
struct rx_item {
    const char *set;
    char bytes[4];
    size_t nbytes;
    uint32_t cp;
};

static int
rx_class_item(struct rx *r, struct rx_item *it)
{
    const struct rx_escape *e;
    size_t n;
    int c;

    memset(it, 0, sizeof(*it));
    if (r->pat[r->i] == '\\') {
        if (r->i + 1 >= r->len)
            return rx_fail(r, "Unclosed character class");
        c = r->pat[r->i + 1];
        r->i += 2;
        if ((e = rx_escape_find(c)) != NULL) {
            if (e->inside == NULL)
                return rx_fail(r,
                               "\\%c is not supported in a character "
                               "class",
                               c);
            if (e->is_set) {
                it->set = e->inside;
                return 0;
            }
            c = (unsigned char)e->inside[0];
        } else if (c >= 0x80 || (c >= '0' && c <= '9') ||
                   (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
            return rx_fail(r, "Unsupported escape sequence in a character "
                              "class");
        }
        it->bytes[0] = (char)c;
        it->nbytes = 1;
        it->cp = (uint32_t)c;
        return 0;
    }
    n = utf8_next((const char *)r->pat + r->i, r->len - r->i, &it->cp);
    if (it->cp == UTF8_BAD)
        it->cp = r->pat[r->i];
    memcpy(it->bytes, r->pat + r->i, n);
    it->nbytes = n;
    r->i += n;
    return 0;
}

static int
rx_bracket_special(uint32_t cp)
{
    return cp == ']' || cp == '-' || cp == '^' || cp == '[';
}

/* A bracket expression being collected: POSIX has no escapes inside
 * brackets, so ']' must come first, '-' last and '^' not first; those
 * literals are remembered here and placed when the class is emitted. */
struct rx_set {
    struct rxbuf body;
    int neg, rb, dash, caret, lb;
};

static void
rx_set_emit(struct rx *r, struct rx_set *c)
{
    int only_caret = !c->rb && c->body.len == 0 && !c->lb;

    if (!c->neg && c->caret && only_caret && !c->dash) {
        rxbuf_puts(&r->out, "\\^");
        return;
    }
    rxbuf_puts(&r->out, c->neg ? "[^" : "[");
    if (c->rb)
        rxbuf_puts(&r->out, "]");
    if (c->body.len > 0)
        rxbuf_put(&r->out, c->body.p, c->body.len);
    if (c->lb)
        rxbuf_puts(&r->out, "[");
    if (c->caret && only_caret && c->dash) {
        rxbuf_puts(&r->out, "-^"); /* a leading '-' is literal */
        c->dash = 0;
    } else if (c->caret) {
        rxbuf_puts(&r->out, "^");
    }
    if (c->dash)
        rxbuf_puts(&r->out, "-");
    rxbuf_puts(&r->out, "]");
}

/* Adds one item, or a range when a '-' and a character follow it. */
static int
rx_set_add(struct rx *r, struct rx_set *c)
{
    struct rx_item lo, hi;

    if (rx_class_item(r, &lo) < 0)
        return -1;
    if (lo.set == NULL && r->i + 1 < r->len && r->pat[r->i] == '-' &&
        r->pat[r->i + 1] != ']') {
        r->i++;
        if (rx_class_item(r, &hi) < 0)
            return -1;
        if (hi.set != NULL || hi.cp < lo.cp)
            return rx_fail(r, "Illegal character range");
        if (rx_bracket_special(lo.cp) || rx_bracket_special(hi.cp))
            return rx_fail(r, "Unsupported character range");
        rxbuf_put(&c->body, lo.bytes, lo.nbytes);
        rxbuf_put(&c->body, "-", 1);
        rxbuf_put(&c->body, hi.bytes, hi.nbytes);
    } else if (lo.set != NULL) {
        rxbuf_puts(&c->body, lo.set);
    } else if (lo.cp == ']') {
        c->rb = 1;
    } else if (lo.cp == '-') {
        c->dash = 1;
    } else if (lo.cp == '^') {
        c->caret = 1;
    } else if (lo.cp == '[') {
        c->lb = 1;
    } else {
        rxbuf_put(&c->body, lo.bytes, lo.nbytes);
    }
    return 0;
}

/* A Java character class as a POSIX bracket expression. */
static int
rx_class(struct rx *r)
{
    struct rx_set c;
    int first = 1, rc = -1;

    memset(&c, 0, sizeof(c));
    r->i++;
    if (r->i < r->len && r->pat[r->i] == '^') {
        c.neg = 1;
        r->i++;
    }
    for (;;) {
        if (r->i >= r->len) {
            rx_fail(r, "Unclosed character class");
            goto out;
        }
        if (r->pat[r->i] == ']' && !first) {
            r->i++;
            break;
        }
        if (r->pat[r->i] == '[') {
            rx_fail(r, "Nested character classes are not supported");
            goto out;
        }
        if (r->pat[r->i] == '&' && r->i + 1 < r->len &&
            r->pat[r->i + 1] == '&') {
            rx_fail(r, "Character class intersections are not supported");
            goto out;
        }
        first = 0;
        if (rx_set_add(r, &c) < 0)
            goto out;
    }
    rx_set_emit(r, &c);
    rc = rx_atom(r, 1);
out:
    free(c.body.p);
    return rc;
}

static int
rx_escape(struct rx *r)
{
    const struct rx_escape *e;
    char lit[3] = {'\\', 0, 0};
    int c;

    if (r->i + 1 >= r->len)
        return rx_fail(r, "Unexpected trailing backslash");
    c = r->pat[r->i + 1];
    r->i += 2;
    if ((e = rx_escape_find(c)) != NULL) {
        rxbuf_puts(&r->out, e->outside);
    } else if (c >= '0' && c <= '9') {
        return rx_fail(r, "Backreferences are not supported");
    } else if (c >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
        return rx_fail(r, "Unsupported escape sequence '\\%c'",
                       c >= 0x80 ? '?' : c);
    } else if (strchr(rx_ere_specials, c) != NULL) {
        lit[1] = (char)c;
        rxbuf_puts(&r->out, lit);
    } else {
        /* Other punctuation is literal; "\<" would be a GNU word edge. */
        lit[1] = (char)c;
        rxbuf_puts(&r->out, lit + 1);
    }
    return rx_atom(r, 1);
}

static int
rx_group_open(struct rx *r)
{
    r->i++;
    /* (?i) turns case-insensitivity on: POSIX can only say so for the
     * whole pattern, which is where real rules put it. */
    if (r->i + 2 < r->len && r->pat[r->i] == '?' && r->pat[r->i + 1] == 'i' &&
        r->pat[r->i + 2] == ')') {
        r->i += 3;
        r->icase = 1;
        r->last = 0;
        return 0;
    }
    if (r->i < r->len && r->pat[r->i] == '?') {
        if (r->i + 1 < r->len && r->pat[r->i + 1] == ':')
            r->i += 2;
        else
            return rx_fail(r, "Unsupported group construct '(?'");
    }
    if (r->depth >= JREGEX_MAX_GROUPS)
        return rx_fail(r, "Groups are nested too deeply");
    r->depth++;
    r->cost[r->depth] = 0;
    r->last = 0;
    rxbuf_puts(&r->out, "(");
    return 0;
}

static int
rx_step(struct rx *r)
{
    size_t n, cost;
    int c = r->pat[r->i];

    switch (c) {
    case '\\': return rx_escape(r);
    case '[': return rx_class(r);
    case '(': return rx_group_open(r);
    case ')':
        if (r->depth == 0)
            return rx_fail(r, "Unmatched closing ')'");
        r->i++;
        rxbuf_puts(&r->out, ")");
        cost = r->cost[r->depth--];
        return rx_atom(r, cost);
    case '*':
    case '+': r->i++; return rx_quantify(r, c == '*' ? "*" : "+", 2);
    case '?': r->i++; return rx_quantify(r, "?", 1);
    case '{':
        r->i++;
        if (r->last == 0)
            return rx_fail(r, "Dangling meta character '{'");
        return rx_interval(r);
    case '|':
    case '^':
    case '$':
        r->i++;
        rxbuf_put(&r->out, (const char *)&r->pat[r->i - 1], 1);
        r->last = 0;
        return 0;
    case ']':
    case '}':
        r->i++;
        rxbuf_puts(&r->out, c == ']' ? "\\]" : "\\}");
        return rx_atom(r, 1);
    case '\0': return rx_fail(r, "Regular expression contains a NUL character");
    default:
        n = utf8_next((const char *)r->pat + r->i, r->len - r->i, NULL);
        rxbuf_put(&r->out, (const char *)r->pat + r->i, n);
        r->i += n;
        return rx_atom(r, 1);
    }
}

/*
 * Translates a Java pattern to an ERE that must match the whole subject,
 * as Java's String.matches() does. Returns a new string (caller frees) or
 * NULL with msg filled in.
 */
static char *
rx_translate(const char *pat, size_t len, char *msg, size_t msgsize, int *icase)
{
    struct rx r;
    char *out = NULL;

    memset(&r, 0, sizeof(r));
    r.pat = (const unsigned char *)pat;
    r.len = len;
    r.msg = msg;
    r.msgsize = msgsize;
    if (len > JREGEX_MAX_LEN) {
        rx_fail(&r, "Regular expression is too long (maximum %d bytes)",
                JREGEX_MAX_LEN);
        goto out;
    }
    rxbuf_puts(&r.out, "^(");
    while (r.i < r.len)
        if (rx_step(&r) < 0)
            goto out;
    if (r.depth > 0) {
        rx_fail(&r, "Unclosed group");
        goto out;
    }
    rxbuf_puts(&r.out, ")$");
    out = r.out.p;
    r.out.p = NULL;
    *icase = r.icase;
out:
    free(r.out.p);
    return out;
}

/* re's twin for ASCII subjects (see struct jregex), when ere is ASCII. */
static void
compile_ascii(struct jregex *re, const char *ere, int icase)
{
    locale_t loc = jregex_c_locale(), old;

    if (loc == (locale_t)0 || !is_ascii(ere))
        return;
    old = uselocale(loc);
    re->has_ascii =
        regcomp(&re->ascii, ere,
                REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0)) == 0;
    uselocale(old);
}

struct jregex *
jregex_compile(const char *pat, size_t len, char *msg, size_t msgsize)
{
    struct jregex *re = NULL;
    char *ere;
    locale_t loc = utf8_locale(), old = (locale_t)0;
    int rc, icase = 0;

    if ((ere = rx_translate(pat, len, msg, msgsize, &icase)) == NULL)
        return NULL;
    re = xcalloc(1, sizeof(*re));
    if (loc != (locale_t)0)
        old = uselocale(loc);
    rc = regcomp(&re->re, ere,
                 REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
    if (loc != (locale_t)0)
        uselocale(old);
    if (rc != 0) {
        regerror(rc, &re->re, msg, msgsize);
        free(re);
        re = NULL;
    } else {
        compile_ascii(re, ere, icase);
    }
    free(ere);
    return re;
}

void
jregex_free(struct jregex *re)
{
    if (re != NULL) {
        regfree(&re->re);
        if (re->has_ascii)
            regfree(&re->ascii);
        free(re);
    }
}

int
jregex_match(const struct jregex *re, const char *subject)
{
    locale_t loc = utf8_locale(), old = (locale_t)0;
    const regex_t *rx = &re->re;
    int rc;

    if (re->has_ascii && is_ascii(subject)) {
        loc = jregex_c_locale();
        rx = &re->ascii;
    }
    if (loc != (locale_t)0)
        old = uselocale(loc);
    rc = regexec(rx, subject, 0, NULL, 0);
    if (loc != (locale_t)0)
        uselocale(old);
    return rc == 0 ? 1 : rc == REG_NOMATCH ? 0 : -1;
}
