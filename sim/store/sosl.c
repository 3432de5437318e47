/*
 * sosl.c - the SOSL subset (see sosl.h).
 *
 * Three parts, one section each: the search term (a small boolean language
 * of words and phrases, lexed between the braces with Salesforce's
 * reserved characters), the statement around it (FIND, IN, RETURNING,
 * LIMIT; the RETURNING items are handed to soql.c), and matching a term
 * against a record's texts. Matching allocates nothing and recurses no
 * deeper than the parser allowed.
 */
#include "sosl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"
#include "xmalloc.h"

static const char SOSL_MALFORMED[] = "MALFORMED_SEARCH";
static const char SOSL_INVALID[] = "INVALID_SEARCH";

/* Characters that must be escaped inside the braces (Salesforce's list,
 * less the ones the term language uses: * ? " ( ) and the backslash). */
static const char reserved[] = "&|!{[]^~:'+-";

/* Scopes by their keyword in "IN x FIELDS". */
static const struct {
    const char *name;
    enum sosl_scope scope;
} scopes[] = {
    {"ALL", SOSL_IN_ALL},     {"NAME", SOSL_IN_NAME},
    {"EMAIL", SOSL_IN_EMAIL}, {"PHONE", SOSL_IN_PHONE},
    {"SIDEBAR", SOSL_IN_ALL}, {NULL, SOSL_IN_ALL},
};

/* ------------------------------------------------------------------ */
/* The term                                                            */
/* ------------------------------------------------------------------ */

enum node_kind { N_WORDS, N_AND, N_OR, N_NOT };

/*
 * N_WORDS is a word or a phrase: parts that must follow each other in one
 * text, each lower case, with * and ? kept as wildcards; digits are the
 * word's digits when it has no letter (a phone number).
 */
struct node {
    enum node_kind kind;
    struct node **kids; /* N_AND, N_OR (>= 2), N_NOT (1); owned */
    size_t nkids;
    char **parts; /* N_WORDS; owned */
    size_t nparts;
    char *digits; /* N_WORDS: or NULL */
};

struct sosl_search {
    char *text; /* owned: the statement, or the term of a built search */
    size_t len;
    struct node *term;
    enum sosl_scope scope;
    struct soql_query **objects; /* owned */
    size_t nobjects;
    int64_t limit;
    char *single; /* owned: the term's one plain word, or NULL */
};

static void
node_free(struct node *n)
{
    size_t i;

    if (n == NULL)
        return;
    for (i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    for (i = 0; i < n->nparts; i++)
        free(n->parts[i]);
    free(n->kids);
    free(n->parts);
    free(n->digits);
    free(n);
}

static struct node *
node_new(enum node_kind kind)
{
    struct node *n = xcalloc(1, sizeof(*n));

    n->kind = kind;
    return n;
}

static void
node_add(struct node *n, struct node *kid)
{
    n->kids = xreallocarray(n->kids, n->nkids + 1, sizeof(*n->kids));
    n->kids[n->nkids++] = kid;
}

/* A byte that belongs to a word: letters, digits and any non-ASCII byte
 * (so words in other scripts hold together). */
static int
is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c >= 0x80;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static char
lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The term lexer: over text[pos..end) of the statement. */
struct lexer {
    const struct sosl_search *s;
    size_t pos, end;
    int literal; /* built search: reserved characters are plain */
    size_t words, chars;
    struct soql_error *err;
};

enum ttok { T_END, T_WORD, T_PHRASE, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT };

struct token {
    enum ttok kind;
    char *text; /* T_WORD, T_PHRASE: unescaped, owned */
};

static int
term_error(struct lexer *lx, const char *code, size_t pos, const char *msg)
{
    soql_error_at(lx->err, code, lx->s->text, lx->s->len, pos, msg);
    return -1;
}

/* Cuts word (unescaped) into parts at the bytes that are neither word
 * bytes nor wildcards, into n; 0, or -1 past SOSL_MAX_WORD_PARTS. */
static int
word_parts(struct node *n, const char *w)
{
    const char *p = w, *start;

    while (*p != '\0') {
        while (*p != '\0' && !is_word_byte((unsigned char)*p) && *p != '*' &&
               *p != '?')
            p++;
        if (*p == '\0')
            break;
        for (start = p;
             is_word_byte((unsigned char)*p) || *p == '*' || *p == '?'; p++)
            ;
        if (n->nparts == SOSL_MAX_WORD_PARTS)
            return -1;
        n->parts = xreallocarray(n->parts, n->nparts + 1, sizeof(*n->parts));
        n->parts[n->nparts] = xmemdup0(start, (size_t)(p - start));
        for (start = n->parts[n->nparts]; *start != '\0'; start++)
            *(char *)start = lower(*start);
        n->nparts++;
    }
    return 0;
}

/* The digits of a word without letters (a phone number), or NULL. */
static char *
phone_digits(const char *w)
{
    size_t n = 0, i;
    char *d;

    for (i = 0; w[i] != '\0'; i++) {
        if ((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z') ||
            w[i] == '*' || w[i] == '?')
            return NULL;
        n += w[i] >= '0' && w[i] <= '9';
    }
    if (n == 0)
        return NULL;
    d = xmalloc(n + 1);
    for (i = 0, n = 0; w[i] != '\0'; i++)
        if (w[i] >= '0' && w[i] <= '9')
            d[n++] = w[i];
    d[n] = '\0';
    return d;
}

/* Reads one word or phrase body from lx->pos into a new string: stops at
 * space, parenthesis, quote or brace (a phrase only at its quote). */
static int
lex_chars(struct lexer *lx, int phrase, char **out)
{
    const char *t = lx->s->text;
    size_t cap = 16, n = 0;
    char *w = xmalloc(cap), c, msg[96];

    for (; lx->pos < lx->end; lx->pos++) {
        c = t[lx->pos];
        if (c == '"' || (!phrase && (is_space(c) ||
                                     (!lx->literal && (c == '(' || c == ')')))))
            break;
        if (c == '\\' && !lx->literal && lx->pos + 1 < lx->end) {
            c = t[++lx->pos];
        } else if (!lx->literal && strchr(reserved, c) != NULL && c != '\0') {
            /* Salesforce's lexer counts this column from 0, and its
             * "ERROR at" column with it. */
            snprintf(msg, sizeof(msg),
                     "line 1:%zu mismatched character '%c' expecting '}'",
                     lx->pos, c);
            free(w);
            return term_error(lx, SOSL_MALFORMED, lx->pos > 0 ? lx->pos - 1 : 0,
                              msg);
        }
        if (n + 2 > cap)
            w = xrealloc(w, cap *= 2);
        w[n++] = c;
        lx->chars += is_word_byte((unsigned char)c);
    }
    w[n] = '\0';
    *out = w;
    return 0;
}

/* Next token of the term into tk. 0, or -1 with the error set. */
static int
term_next(struct lexer *lx, struct token *tk)
{
    const char *t = lx->s->text;
    size_t start;

    memset(tk, 0, sizeof(*tk));
    while (lx->pos < lx->end && is_space(t[lx->pos]))
        lx->pos++;
    if (lx->pos >= lx->end)
        return 0;
    start = lx->pos;
    if (!lx->literal && (t[start] == '(' || t[start] == ')')) {
        tk->kind = t[start] == '(' ? T_LPAREN : T_RPAREN;
        lx->pos++;
        return 0;
    }
    if (++lx->words > SOSL_MAX_WORDS)
        return term_error(lx, SOSL_MALFORMED, start,
                          "too many words in the search term");
    if (t[start] == '"') {
        lx->pos++;
        if (lex_chars(lx, 1, &tk->text) == -1)
            return -1;
        if (lx->pos >= lx->end) {
            free(tk->text);
            tk->text = NULL;
            return term_error(lx, SOSL_MALFORMED, start,
                              "unterminated quoted phrase");
        }
        lx->pos++;
        tk->kind = T_PHRASE;
        return 0;
    }
    if (lex_chars(lx, 0, &tk->text) == -1)
        return -1;
    tk->kind = T_WORD;
    if (lx->pos - start == 3 && strncmp(t + start, "AND", 3) == 0)
        tk->kind = T_AND;
    else if (lx->pos - start == 2 && strncmp(t + start, "OR", 2) == 0)
        tk->kind = T_OR;
    else if (lx->pos - start == 3 && strncmp(t + start, "NOT", 3) == 0)
        tk->kind = T_NOT;
    if (tk->kind != T_WORD) {
        free(tk->text);
        tk->text = NULL;
    }
    return 0;
}

struct term_parser {
    struct lexer lx;
    struct token tok;
};

static int
advance(struct term_parser *tp)
{
    free(tp->tok.text);
    tp->tok.text = NULL;
    return term_next(&tp->lx, &tp->tok);
}

static struct node *parse_or(struct term_parser *tp, int depth);

static struct node *
words_node(struct term_parser *tp)
{
    struct node *n = node_new(N_WORDS);

    if (word_parts(n, tp->tok.text) == -1) {
        node_free(n);
        term_error(&tp->lx, SOSL_MALFORMED, tp->lx.pos,
                   "too many parts in one search word");
        return NULL;
    }
    if (tp->tok.kind == T_WORD)
        n->digits = phone_digits(tp->tok.text);
    return n;
}

/* word | "phrase" | ( or ) */
static struct node *
parse_primary(struct term_parser *tp, int depth)
{
    struct node *n = NULL;

    if (tp->tok.kind == T_WORD || tp->tok.kind == T_PHRASE) {
        if ((n = words_node(tp)) == NULL)
            return NULL;
    } else if (tp->tok.kind == T_LPAREN && depth < SOSL_MAX_DEPTH) {
        if (advance(tp) == -1 || (n = parse_or(tp, depth + 1)) == NULL)
            return NULL;
        if (tp->tok.kind != T_RPAREN) {
            node_free(n);
            term_error(&tp->lx, SOSL_MALFORMED, tp->lx.pos,
                       "missing ')' in the search term");
            return NULL;
        }
    } else {
        term_error(&tp->lx, SOSL_MALFORMED, tp->lx.pos,
                   tp->tok.kind == T_LPAREN
                       ? "too deeply nested search term"
                       : "unexpected operator in the search term");
        return NULL;
    }
    if (advance(tp) == -1) {
        node_free(n);
        return NULL;
    }
    return n;
}

/* primary ([AND] primary | AND NOT primary)*: words side by side are an
 * AND, as in Salesforce. */
static struct node *
parse_and(struct term_parser *tp, int depth)
{
    struct node *n = parse_primary(tp, depth), *all = NULL, *kid, *neg;
    int negate;

    if (n == NULL)
        return NULL;
    while (tp->tok.kind != T_END && tp->tok.kind != T_OR &&
           tp->tok.kind != T_RPAREN) {
        if (all == NULL) {
            all = node_new(N_AND);
            node_add(all, n);
        }
        negate = 0;
        if (tp->tok.kind == T_AND) {
            if (advance(tp) == -1)
                goto fail;
            if (tp->tok.kind == T_NOT) {
                negate = 1;
                if (advance(tp) == -1)
                    goto fail;
            }
        }
        if ((kid = parse_primary(tp, depth)) == NULL)
            goto fail;
        if (negate) {
            neg = node_new(N_NOT);
            node_add(neg, kid);
            kid = neg;
        }
        node_add(all, kid);
    }
    return all != NULL ? all : n;
fail:
    node_free(all != NULL ? all : n);
    return NULL;
}

static struct node *
parse_or(struct term_parser *tp, int depth)
{
    struct node *n = parse_and(tp, depth), *any = NULL, *kid;

    if (n == NULL)
        return NULL;
    while (tp->tok.kind == T_OR) {
        if (any == NULL) {
            any = node_new(N_OR);
            node_add(any, n);
        }
        if (advance(tp) == -1 || (kid = parse_and(tp, depth)) == NULL) {
            node_free(any);
            return NULL;
        }
        node_add(any, kid);
    }
    return any != NULL ? any : n;
}

/*
 * Parses s->text[start..end) as the term (literal: reserved characters are
 * plain). 0, or -1 with err set.
 */
static int
parse_term(struct sosl_search *s, size_t start, size_t end, int literal,
           struct soql_error *err)
{
    struct term_parser tp;
    struct node *n;

    memset(&tp, 0, sizeof(tp));
    tp.lx.s = s;
    tp.lx.pos = start;
    tp.lx.end = end;
    tp.lx.literal = literal;
    tp.lx.err = err;
    if (utf8_count(s->text + start, end - start) > SOSL_TERM_MAX)
        return term_error(&tp.lx, SOSL_INVALID, start,
                          "search term longer than sfsim allows (4000 "
                          "characters)");
    if (term_next(&tp.lx, &tp.tok) == -1)
        return -1;
    n = tp.tok.kind == T_END ? NULL : parse_or(&tp, 0);
    if (n != NULL && tp.tok.kind != T_END) {
        node_free(n);
        n = NULL;
        term_error(&tp.lx, SOSL_MALFORMED, tp.lx.pos,
                   "unexpected ')' in the search term");
    }
    free(tp.tok.text);
    if (n == NULL && err->code[0] == '\0') {
        snprintf(err->code, sizeof(err->code), "%s", SOSL_INVALID);
        snprintf(err->message, sizeof(err->message),
                 "search term must be longer than one character");
        return -1;
    }
    if (n == NULL)
        return -1;
    if (tp.lx.chars < 2) {
        node_free(n);
        snprintf(err->code, sizeof(err->code), "%s", SOSL_INVALID);
        snprintf(err->message, sizeof(err->message),
                 "search term must be longer than one character");
        return -1;
    }
    s->term = n;
    return 0;
}

/* The term's one plain word (no phrase, operator or wildcard), or NULL. */
static char *
single_word(const struct sosl_search *s, size_t start, size_t end)
{
    const struct node *n = s->term;
    const char *t = s->text;
    size_t i, a = start, b = end;

    if (n->kind != N_WORDS)
        return NULL;
    while (a < b && is_space(t[a]))
        a++;
    while (b > a && is_space(t[b - 1]))
        b--;
    for (i = a; i < b; i++)
        if (is_space(t[i]) || t[i] == '*' || t[i] == '?' || t[i] == '"' ||
            t[i] == '\\')
            return NULL;
    return b > a ? xmemdup0(t + a, b - a) : NULL;
}

/* ------------------------------------------------------------------ */
/* The statement                                                       */
/* ------------------------------------------------------------------ */

struct stmt {
    struct sosl_search *s;
    size_t pos;
    struct soql_error *err;
};

static void
skip_space(struct stmt *st)
{
    while (st->pos < st->s->len && is_space(st->s->text[st->pos]))
        st->pos++;
}

/* The identifier at st->pos (length, 0 when none), not consumed. */
static size_t
ident_len(const struct stmt *st)
{
    const char *t = st->s->text;
    size_t i = st->pos;

    while (i < st->s->len &&
           ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
            (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
        i++;
    return i - st->pos;
}

static int
stmt_error(struct stmt *st)
{
    char msg[128];
    size_t n = ident_len(st);

    if (st->pos >= st->s->len)
        snprintf(msg, sizeof(msg), "unexpected token: <EOF>");
    else
        snprintf(msg, sizeof(msg), "unexpected token: %.*s",
                 (int)(n > 0 ? (n < 64 ? n : 64) : 1), st->s->text + st->pos);
    soql_error_at(st->err, SOSL_MALFORMED, st->s->text, st->s->len, st->pos,
                  msg);
    return -1;
}

/* Consumes keyword kw (case-insensitive) if it is next; 1 if it was. */
static int
accept_kw(struct stmt *st, const char *kw)
{
    size_t n;

    skip_space(st);
    n = ident_len(st);
    if (n != strlen(kw) || strncasecmp(st->s->text + st->pos, kw, n) != 0)
        return 0;
    st->pos += n;
    return 1;
}

static int
expect_kw(struct stmt *st, const char *kw)
{
    return accept_kw(st, kw) ? 0 : stmt_error(st);
}

/* FIND {term}: the term ends at the first unescaped '}'. */
static int
parse_find(struct stmt *st)
{
    const char *t = st->s->text;
    size_t start, i;
    char msg[96];

    if (expect_kw(st, "FIND") == -1)
        return -1;
    skip_space(st);
    if (st->pos >= st->s->len || t[st->pos] != '{')
        return stmt_error(st);
    start = ++st->pos;
    for (i = start; i < st->s->len && t[i] != '}'; i++)
        i += t[i] == '\\';
    if (i >= st->s->len) {
        snprintf(msg, sizeof(msg),
                 "line 1:%zu mismatched character '<EOF>' expecting '}'",
                 st->s->len);
        soql_error_at(st->err, SOSL_MALFORMED, t, st->s->len,
                      st->s->len > 0 ? st->s->len - 1 : 0, msg);
        return -1;
    }
    if (parse_term(st->s, start, i, 0, st->err) == -1)
        return -1;
    st->s->single = single_word(st->s, start, i);
    st->pos = i + 1;
    return 0;
}

static int
parse_in(struct stmt *st)
{
    size_t i, n;

    if (!accept_kw(st, "IN"))
        return 0;
    skip_space(st);
    n = ident_len(st);
    for (i = 0; scopes[i].name != NULL; i++)
        if (strlen(scopes[i].name) == n &&
            strncasecmp(st->s->text + st->pos, scopes[i].name, n) == 0)
            break;
    if (scopes[i].name == NULL)
        return stmt_error(st);
    st->s->scope = scopes[i].scope;
    st->pos += n;
    return expect_kw(st, "FIELDS");
}

static int
parse_returning(struct stmt *st)
{
    struct soql_query *q;

    if (!accept_kw(st, "RETURNING"))
        return 0;
    do {
        skip_space(st);
        if (st->s->nobjects == SOSL_MAX_OBJECTS) {
            soql_error_at(st->err, SOSL_MALFORMED, st->s->text, st->s->len,
                          st->pos,
                          "too many RETURNING items (sfsim allows 32)");
            return -1;
        }
        q = soql_parse_returning(st->s->text, st->s->len, &st->pos,
                                 SOSL_MALFORMED, st->err);
        if (q == NULL)
            return -1;
        sosl_add_object(st->s, q);
        skip_space(st);
    } while (st->pos < st->s->len && st->s->text[st->pos] == ',' && ++st->pos);
    return 0;
}

static int
parse_limit(struct stmt *st)
{
    const char *t = st->s->text;
    int64_t v = 0;
    size_t start;

    if (!accept_kw(st, "LIMIT"))
        return 0;
    skip_space(st);
    start = st->pos;
    while (st->pos < st->s->len && t[st->pos] >= '0' && t[st->pos] <= '9') {
        if (v < SOSL_MAX_ROWS * 10)
            v = v * 10 + (t[st->pos] - '0');
        st->pos++;
    }
    if (st->pos == start) {
        st->pos = start;
        return stmt_error(st);
    }
    sosl_set_limit(st->s, v);
    return 0;
}

static struct sosl_search *
search_new(const char *text, size_t len)
{
    struct sosl_search *s = xcalloc(1, sizeof(*s));

    s->text = xmemdup0(text != NULL ? text : "", text != NULL ? len : 0);
    s->len = text != NULL ? len : 0;
    s->limit = SOSL_MAX_ROWS;
    return s;
}

struct sosl_search *
sosl_parse(const char *text, size_t len, struct soql_error *err)
{
    struct soql_error scratch = {.code = ""};
    struct sosl_search *s = search_new(text, len);
    struct stmt st = {s, 0,
                      err != NULL && err->code[0] == '\0' ? err : &scratch};

    if (utf8_count(s->text, s->len) > SOSL_MAX_LEN) {
        snprintf(st.err->code, sizeof(st.err->code), "%s", SOSL_MALFORMED);
        snprintf(st.err->message, sizeof(st.err->message),
                 "SOSL statements cannot be longer than %d characters.",
                 SOSL_MAX_LEN);
        goto fail;
    }
    if (parse_find(&st) == -1 || parse_in(&st) == -1 ||
        parse_returning(&st) == -1 || parse_limit(&st) == -1)
        goto fail;
    skip_space(&st);
    if (st.pos < s->len) {
        stmt_error(&st);
        goto fail;
    }
    return s;
fail:
    sosl_free(s);
    return NULL;
}

struct sosl_search *
sosl_new(const char *term, size_t len, enum sosl_scope scope,
         struct soql_error *err)
{
    struct soql_error scratch = {.code = ""};
    struct sosl_search *s = search_new(term, len);

    s->scope = scope;
    if (parse_term(s, 0, s->len, 1,
                   err != NULL && err->code[0] == '\0' ? err : &scratch) ==
        -1) {
        sosl_free(s);
        return NULL;
    }
    return s;
}

int
sosl_add_object(struct sosl_search *s, struct soql_query *q)
{
    if (s->nobjects == SOSL_MAX_OBJECTS) {
        soql_free(q);
        return -1;
    }
    s->objects =
        xreallocarray(s->objects, s->nobjects + 1, sizeof(*s->objects));
    s->objects[s->nobjects++] = q;
    return 0;
}

void
sosl_set_limit(struct sosl_search *s, int64_t limit)
{
    s->limit = limit < 1 ? 1 : limit > SOSL_MAX_ROWS ? SOSL_MAX_ROWS : limit;
}

void
sosl_free(struct sosl_search *s)
{
    size_t i;

    if (s == NULL)
        return;
    node_free(s->term);
    for (i = 0; i < s->nobjects; i++)
        soql_free(s->objects[i]);
    free(s->objects);
    free(s->single);
    free(s->text);
    free(s);
}

enum sosl_scope
sosl_scope(const struct sosl_search *s)
{
    return s->scope;
}

size_t
sosl_object_count(const struct sosl_search *s)
{
    return s->nobjects;
}

struct soql_query *
sosl_object(const struct sosl_search *s, size_t i)
{
    return i < s->nobjects ? s->objects[i] : NULL;
}

int64_t
sosl_limit(const struct sosl_search *s)
{
    return s->limit;
}

const char *
sosl_text(const struct sosl_search *s, size_t *len)
{
    *len = s->len;
    return s->text;
}

int
sosl_single_word(const struct sosl_search *s, const char **word)
{
    *word = s->single;
    return s->single != NULL;
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

/* Case-insensitive glob: * any run, ? one byte. Iterative, O(n * m). */
static int
glob_match(const char *pat, const char *s, size_t n)
{
    size_t p = 0, i = 0, star_p = (size_t)-1, star_i = 0, plen = strlen(pat);

    while (i < n) {
        if (p < plen && (pat[p] == '?' || pat[p] == lower(s[i]))) {
            p++;
            i++;
        } else if (p < plen && pat[p] == '*') {
            star_p = p++;
            star_i = i;
        } else if (star_p != (size_t)-1) {
            p = star_p + 1;
            i = ++star_i;
        } else {
            return 0;
        }
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
}

/* The next word of v[0..n) from *pos: its start and length; 0 at the end. */
static int
next_word(const char *v, size_t n, size_t *pos, size_t *start, size_t *len)
{
    size_t i = *pos;

    while (i < n && !is_word_byte((unsigned char)v[i]))
        i++;
    if (i >= n)
        return 0;
    *start = i;
    while (i < n && is_word_byte((unsigned char)v[i]))
        i++;
    *len = i - *start;
    *pos = i;
    return 1;
}

/* Whether parts[0..k) match k words in a row of v, from the word at pos. */
static int
parts_from(char *const *parts, size_t k, const char *v, size_t n, size_t pos)
{
    size_t j, start, len;

    for (j = 0; j < k; j++)
        if (!next_word(v, n, &pos, &start, &len) ||
            !glob_match(parts[j], v + start, len))
            return 0;
    return 1;
}

static int
digits_equal(const char *digits, const char *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            continue;
        if (*digits++ != v[i])
            return 0;
    }
    return *digits == '\0';
}

static int
words_match(const struct node *w, const struct sosl_text *t)
{
    size_t pos = 0, start, len, from;

    if (w->nparts == 0)
        return 0;
    if (t->phone && w->digits != NULL &&
        digits_equal(w->digits, t->value, t->len))
        return 1;
    while (from = pos, next_word(t->value, t->len, &pos, &start, &len))
        if (parts_from(w->parts, w->nparts, t->value, t->len, from))
            return 1;
    return 0;
}

static int
eval(const struct node *n, const struct sosl_text *t, size_t nt)
{
    size_t i;

    switch (n->kind) {
    case N_WORDS:
        for (i = 0; i < nt; i++)
            if (t[i].value != NULL && words_match(n, &t[i]))
                return 1;
        return 0;
    case N_AND:
        for (i = 0; i < n->nkids; i++)
            if (!eval(n->kids[i], t, nt))
                return 0;
        return 1;
    case N_OR:
        for (i = 0; i < n->nkids; i++)
            if (eval(n->kids[i], t, nt))
                return 1;
        return 0;
    case N_NOT: return !eval(n->kids[0], t, nt);
    }
    return 0;
}

int
sosl_match(const struct sosl_search *s, const struct sosl_text *t, size_t n)
{
    return s->term != NULL && eval(s->term, t, n);
}
