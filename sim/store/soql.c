/*
 * soql.c - the SOQL subset (see soql.h).
 *
 * Four stages, one section each: a lexer that cuts the text into tokens with
 * byte positions (kept for Salesforce's Row/Column errors), a recursive-
 * descent parser whose depth is capped by SOQL_MAX_DEPTH, a binder that
 * checks names and literal types against the caller's schema, and an
 * evaluator that compares a record's string values according to the field's
 * type. The module never allocates while evaluating, and never recurses
 * deeper than the parser allowed.
 */
#include "soql.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "utf8.h"
#include "value.h"
#include "xmalloc.h"

#define DAY_MS 86400000LL
#define MSG_NAME_MAX 80 /* longest name or token quoted in a message */
#define VALUE_BUF 64    /* longest value parsed as a number */
/* How SOQL reads numbers and dates (value.h): as strtod() does, and
 * February 29 in every year. */
#define SOQL_NUMBERS (VALUE_NUM_C_SYNTAX | VALUE_NUM_INFINITY)
#define SOQL_DATES VALUE_DATE_FEB29
#define RELDATE_MAX_N 100000 /* largest n in LAST_N_DAYS:n and friends */
#define ECHO_MAX 200         /* longest query row echoed in a message */

static const char SOQL_MALFORMED[] = "MALFORMED_QUERY";
static const char SOQL_INVALID_FIELD[] = "INVALID_FIELD";
static const char SOQL_INVALID_TYPE[] = "INVALID_TYPE";

/* ------------------------------------------------------------------ */
/* Vocabulary: keywords, operators, punctuation                        */
/* ------------------------------------------------------------------ */

/*
 * X(enum suffix, spelling, reserved). Reserved words (Salesforce's list)
 * can never be a field or object name; the others are keywords only where
 * the grammar expects them, so "FROM Order" still names the Order object.
 */
#define KEYWORD_LIST(X)                                                        \
    X(SELECT, "SELECT", 1)                                                     \
    X(FROM, "FROM", 1)                                                         \
    X(WHERE, "WHERE", 1)                                                       \
    X(AND, "AND", 1)                                                           \
    X(OR, "OR", 1)                                                             \
    X(NOT, "NOT", 1)                                                           \
    X(LIKE, "LIKE", 1)                                                         \
    X(IN, "IN", 1)                                                             \
    X(INCLUDES, "INCLUDES", 1)                                                 \
    X(EXCLUDES, "EXCLUDES", 1)                                                 \
    X(ASC, "ASC", 1)                                                           \
    X(DESC, "DESC", 1)                                                         \
    X(NULLS, "NULLS", 1)                                                       \
    X(FIRST, "FIRST", 1)                                                       \
    X(LAST, "LAST", 1)                                                         \
    X(LIMIT, "LIMIT", 1)                                                       \
    X(NUL, "NULL", 1)                                                          \
    X(GROUP, "GROUP", 1)                                                       \
    X(HAVING, "HAVING", 1)                                                     \
    X(WITH, "WITH", 1)                                                         \
    X(ORDER, "ORDER", 0)                                                       \
    X(BY, "BY", 0)                                                             \
    X(OFFSET, "OFFSET", 0)                                                     \
    X(TRUE, "TRUE", 0)                                                         \
    X(FALSE, "FALSE", 0)                                                       \
    X(FOR, "FOR", 0)

enum kw {
    KW_NONE,
#define KW_ENUM(e, s, r) KW_##e,
    KEYWORD_LIST(KW_ENUM)
#undef KW_ENUM
};

static const struct keyword {
    const char *name;
    enum kw kw;
    int reserved;
} keywords[] = {
#define KW_ENTRY(e, s, r) {.name = s, .kw = KW_##e, .reserved = r},
    KEYWORD_LIST(KW_ENTRY)
#undef KW_ENTRY
        {.name = NULL},
};

enum soql_op {
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_LIKE,
    OP_IN,
    OP_NOT_IN
};

/* Two-character spellings first, so "<=" is not read as "<" then "=". */
static const struct op_entry {
    const char *text;
    enum soql_op op;
} operators[] = {
    {.text = "!=", .op = OP_NE}, {.text = "<>", .op = OP_NE},
    {.text = "<=", .op = OP_LE}, {.text = ">=", .op = OP_GE},
    {.text = "=", .op = OP_EQ},  {.text = "<", .op = OP_LT},
    {.text = ">", .op = OP_GT},  {.text = NULL},
};

/*
 * Which outcomes of "record value vs literal" satisfy each comparison. For
 * a date range literal (TODAY, THIS_MONTH) "lt" means before the range, "eq"
 * inside it and "gt" after it, which is exactly Salesforce's reading of
 * CreatedDate < TODAY, = TODAY and > TODAY.
 */
static const struct op_truth {
    unsigned char lt, eq, gt;
} op_truth[] = {
    [OP_EQ] = {0, 1, 0}, [OP_NE] = {1, 0, 1}, [OP_LT] = {1, 0, 0},
    [OP_LE] = {1, 1, 0}, [OP_GT] = {0, 0, 1}, [OP_GE] = {0, 1, 1},
};

enum tok_kind {
    TK_EOF,
    TK_IDENT,
    TK_STRING,
    TK_NUMBER,
    TK_DATE,
    TK_DATETIME,
    TK_OP,
    TK_LPAREN,
    TK_RPAREN,
    TK_COMMA,
    TK_COLON,
};

static const struct punct {
    char c;
    enum tok_kind kind;
} puncts[] = {
    {.c = '(', .kind = TK_LPAREN},
    {.c = ')', .kind = TK_RPAREN},
    {.c = ',', .kind = TK_COMMA},
    {.c = ':', .kind = TK_COLON},
    {.c = '\0'},
};

/* Backslash escapes in string literals; \% and \_ matter only to LIKE. */
static const struct escape {
    char in, out;
} escapes[] = {
    {'n', '\n'},  {'N', '\n'}, {'r', '\r'}, {'R', '\r'},
    {'t', '\t'},  {'T', '\t'}, {'b', '\b'}, {'B', '\b'},
    {'f', '\f'},  {'F', '\f'}, {'"', '"'},  {'\'', '\''},
    {'\\', '\\'}, {'%', '%'},  {'_', '_'},  {'\0', '\0'},
};

/*
 * Relative date literals. Each covers [from, to) in units counted from the
 * start of the current unit: from = a*n + b, to = c*n + d units. So TODAY is
 * days [0, 1), LAST_N_DAYS:n is [-n, 1) (today included, as Salesforce
 * really behaves), NEXT_N_DAYS:n is [1, n+1).
 */
enum unit { UNIT_DAY, UNIT_WEEK, UNIT_MONTH, UNIT_QUARTER, UNIT_YEAR };

static const struct reldate {
    const char *name;
    int takes_n;
    enum unit unit;
    int a, b, c, d;
} reldates[] = {
    {"TODAY", 0, UNIT_DAY, 0, 0, 0, 1},
    {"YESTERDAY", 0, UNIT_DAY, 0, -1, 0, 0},
    {"TOMORROW", 0, UNIT_DAY, 0, 1, 0, 2},
    {"LAST_90_DAYS", 0, UNIT_DAY, 0, -90, 0, 1},
    {"NEXT_90_DAYS", 0, UNIT_DAY, 0, 1, 0, 91},
    {"LAST_N_DAYS", 1, UNIT_DAY, -1, 0, 0, 1},
    {"NEXT_N_DAYS", 1, UNIT_DAY, 0, 1, 1, 1},
    {"N_DAYS_AGO", 1, UNIT_DAY, -1, 0, -1, 1},
    {"THIS_WEEK", 0, UNIT_WEEK, 0, 0, 0, 1},
    {"LAST_WEEK", 0, UNIT_WEEK, 0, -1, 0, 0},
    {"NEXT_WEEK", 0, UNIT_WEEK, 0, 1, 0, 2},
    {"LAST_N_WEEKS", 1, UNIT_WEEK, -1, 0, 0, 0},
    {"NEXT_N_WEEKS", 1, UNIT_WEEK, 0, 1, 1, 1},
    {"N_WEEKS_AGO", 1, UNIT_WEEK, -1, 0, -1, 1},
    {"THIS_MONTH", 0, UNIT_MONTH, 0, 0, 0, 1},
    {"LAST_MONTH", 0, UNIT_MONTH, 0, -1, 0, 0},
    {"NEXT_MONTH", 0, UNIT_MONTH, 0, 1, 0, 2},
    {"LAST_N_MONTHS", 1, UNIT_MONTH, -1, 0, 0, 0},
    {"NEXT_N_MONTHS", 1, UNIT_MONTH, 0, 1, 1, 1},
    {"N_MONTHS_AGO", 1, UNIT_MONTH, -1, 0, -1, 1},
    {"THIS_QUARTER", 0, UNIT_QUARTER, 0, 0, 0, 1},
    {"LAST_QUARTER", 0, UNIT_QUARTER, 0, -1, 0, 0},
    {"NEXT_QUARTER", 0, UNIT_QUARTER, 0, 1, 0, 2},
    {"LAST_N_QUARTERS", 1, UNIT_QUARTER, -1, 0, 0, 0},
    {"NEXT_N_QUARTERS", 1, UNIT_QUARTER, 0, 1, 1, 1},
    {"THIS_YEAR", 0, UNIT_YEAR, 0, 0, 0, 1},
    {"LAST_YEAR", 0, UNIT_YEAR, 0, -1, 0, 0},
    {"NEXT_YEAR", 0, UNIT_YEAR, 0, 1, 0, 2},
    {"LAST_N_YEARS", 1, UNIT_YEAR, -1, 0, 0, 0},
    {"NEXT_N_YEARS", 1, UNIT_YEAR, 0, 1, 1, 1},
    {"N_YEARS_AGO", 1, UNIT_YEAR, -1, 0, -1, 1},
    {NULL, 0, UNIT_DAY, 0, 0, 0, 0},
};

/* ------------------------------------------------------------------ */
/* The query tree                                                      */
/* ------------------------------------------------------------------ */

enum vkind {
    V_STRING,
    V_NUMBER,
    V_BOOL,
    V_NULL,
    V_DATE,
    V_DATETIME,
    V_RELDATE
};

#define VK(k) (1u << (k))

struct soql_value {
    enum vkind kind;
    size_t pos;
    char *text;    /* owned: unescaped string, or the token as written */
    char *pattern; /* owned, LIKE only: text with \ before literal % _ \ */
    double num;    /* V_NUMBER */
    int boolean;   /* V_BOOL */
    int64_t ms;    /* V_DATE (UTC midnight), V_DATETIME */
    const struct reldate *rel; /* V_RELDATE */
    int64_t n;                 /* V_RELDATE with takes_n */
};

/* A field or object name as written, then canonical after soql_bind(). */
struct soql_ref {
    char *name; /* owned */
    size_t pos;
    enum fieldtype type;     /* FT_UNKNOWN until bound */
    struct soql_query *sub;  /* a child subquery in the select list (name:
                                its relationship), or NULL; owned */
    struct soql_typeof *tof; /* TYPEOF in the select list (name: its
                                relationship), or NULL; owned */
};

/* One WHEN (type set) or the ELSE of a TYPEOF. */
struct soql_branch {
    struct soql_ref type; /* name NULL for ELSE */
    struct soql_ref *fields;
    size_t nfields;
    const char **names; /* the fields' names, for soql_field_typeof() */
};

struct soql_typeof {
    struct soql_branch *branches;
    size_t n;
};

enum node_kind { N_AND, N_OR, N_NOT, N_CMP };

struct soql_node {
    enum node_kind kind;
    struct soql_node **kids; /* N_AND, N_OR (>= 2), N_NOT (1); owned */
    size_t nkids;
    struct soql_ref field; /* N_CMP */
    enum soql_op op;
    struct soql_value *vals; /* one, or the IN list; owned */
    size_t nvals;
};

struct soql_order {
    struct soql_ref field;
    int desc;
    int nulls_first;
};

struct soql_query {
    char *text; /* owned copy, for error echoes at bind time (a subquery
                   borrows its parent's) */
    int text_borrowed;
    size_t len;
    struct soql_ref object;
    char *alias; /* owned, or NULL */
    int is_count;
    struct soql_ref *fields;
    size_t nfields;
    struct soql_node *where; /* NULL when absent */
    struct soql_order *order;
    size_t norder;
    int64_t limit;  /* -1 when absent */
    int64_t offset; /* 0 when absent */
};

/* ------------------------------------------------------------------ */
/* Errors in Salesforce's shape                                        */
/* ------------------------------------------------------------------ */

static int
is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* 1-based row and 0-based character column of byte pos. */
static void
text_position(const char *s, size_t pos, size_t *row, size_t *col)
{
    size_t i, start = 0;

    *row = 1;
    for (i = 0; i < pos; i++) {
        if (s[i] == '\n') {
            (*row)++;
            start = i + 1;
        }
    }
    *col = utf8_count(s + start, pos - start);
}

/* Messages travel in JSON, and jansson refuses invalid UTF-8, so the echo
 * of a hostile query must not carry any: such bytes become '?'. */
static void
utf8_sanitize(char *s)
{
    size_t n = strlen(s), i = 0, k;

    while (i < n) {
        k = utf8_seq((const unsigned char *)s + i, n - i);
        if (k == 0) {
            s[i++] = '?';
            continue;
        }
        i += k;
    }
}

struct msg {
    char *out;
    size_t n, cap;
};

static void
msg_put(struct msg *m, const char *p, size_t len)
{
    size_t i;

    for (i = 0; i < len && m->n + 1 < m->cap; i++)
        m->out[m->n++] = p[i] == '\0' ? '?' : p[i];
    m->out[m->n] = '\0';
}

static void
msg_repeat(struct msg *m, char c, size_t count)
{
    while (count-- > 0)
        msg_put(m, &c, 1);
}

/*
 * The row of s holding pos, as a window [*ws, *we) no wider than width bytes
 * around pos, cut on character boundaries.
 */
static void
echo_window(const char *s, size_t len, size_t pos, size_t width, size_t *ws,
            size_t *we)
{
    size_t ls = pos, le = pos, k;

    while (ls > 0 && s[ls - 1] != '\n')
        ls--;
    while (le < len && s[le] != '\n')
        le++;
    if (le > ls && s[le - 1] == '\r')
        le--;
    *ws = ls;
    *we = le;
    if (le - ls <= width)
        return;
    *ws = pos - ls > width / 2 ? pos - width / 2 : ls;
    if (*ws + width > le)
        *ws = le - width;
    /* A character has at most three continuation bytes; stray ones in
     * hostile input must not push the window past pos. */
    for (k = 0; k < 3 && *ws < pos && is_cont((unsigned char)s[*ws]); k++)
        (*ws)++;
    *we = *ws + width < le ? *ws + width : le;
    for (k = 0;
         k < 3 && *we > pos && *we < le && is_cont((unsigned char)s[*we]); k++)
        (*we)--;
}

/*
 * Writes "\n<row>\n<caret>\nERROR at Row:R:Column:C\n<tail>" unless err
 * already holds an error (first error wins).
 */
static void
error_at(struct soql_error *err, const char *code, const char *s, size_t len,
         size_t pos, const char *tail)
{
    char head[80];
    size_t row, col, budget, ws, we, caret;
    struct msg m;

    if (err == NULL || err->code[0] != '\0')
        return;
    snprintf(err->code, sizeof(err->code), "%s", code);
    pos = pos > len ? len : pos;
    text_position(s, pos, &row, &col);
    snprintf(head, sizeof(head), "ERROR at Row:%zu:Column:%zu\n", row, col + 1);
    budget = sizeof(err->message) - strlen(head) - strlen(tail) - 8;
    budget = budget > sizeof(err->message) ? 0 : budget / 2;
    budget = budget < 20 ? 20 : budget > ECHO_MAX ? ECHO_MAX : budget;
    echo_window(s, len, pos, budget, &ws, &we);
    caret = utf8_count(s + ws, (pos < we ? pos : we) - ws) + (pos > we);
    m.out = err->message;
    m.n = 0;
    m.cap = sizeof(err->message);
    msg_put(&m, "\n", 1);
    msg_put(&m, s + ws, we - ws);
    msg_put(&m, "\n", 1);
    msg_repeat(&m, ' ', caret);
    msg_put(&m, "^\n", 2);
    msg_put(&m, head, strlen(head));
    msg_put(&m, tail, strlen(tail));
    utf8_sanitize(err->message);
}

/* ------------------------------------------------------------------ */
/* Lexer                                                               */
/* ------------------------------------------------------------------ */

struct token {
    enum tok_kind kind;
    size_t pos, len; /* the token's bytes in the query text */
    enum kw kw;      /* TK_IDENT: the keyword, or KW_NONE */
    enum soql_op op; /* TK_OP */
    int64_t ms;      /* TK_DATE, TK_DATETIME */
};

struct parser {
    const char *s;
    size_t len;
    size_t cur; /* where the next token starts scanning */
    struct token tok;
    struct soql_error *err;
    const char *malformed; /* the code of a syntax error */
    enum tok_kind end;     /* what ends the clauses: EOF, or ')' in SOSL */
};

static int perr(struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a MALFORMED_QUERY at byte pos; always returns -1. */
static int
perr(struct parser *p, size_t pos, const char *fmt, ...)
{
    char tail[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tail, sizeof(tail), fmt, ap);
    va_end(ap);
    error_at(p->err, p->malformed, p->s, p->len, pos, tail);
    return -1;
}

static int
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* A length for "%.*s", capped. */
static int
span_int(size_t n, size_t cap)
{
    return (int)(n < cap ? n : cap);
}

static enum kw
keyword_find(const char *s, size_t n)
{
    const struct keyword *k;

    for (k = keywords; k->name != NULL; k++)
        if (strlen(k->name) == n && strncasecmp(k->name, s, n) == 0)
            return k->kw;
    return KW_NONE;
}

static int
keyword_reserved(enum kw kw)
{
    return kw != KW_NONE && keywords[kw - 1].reserved;
}

static int
lex_bad_char(struct parser *p, size_t i)
{
    size_t row, col;
    unsigned char c = (unsigned char)p->s[i];

    text_position(p->s, i, &row, &col);
    if (c >= 0x20 && c < 0x7F)
        return perr(p, i,
                    "line %zu:%zu no viable alternative at character '%c'", row,
                    col, c);
    return perr(p, i,
                "line %zu:%zu no viable alternative at character '\\x%02x'",
                row, col, c);
}

static int
lex_ident(struct parser *p, size_t i)
{
    size_t j = i;

    while (j < p->len &&
           (is_alpha(p->s[j]) || is_digit(p->s[j]) || p->s[j] == '.'))
        j++;
    p->tok.kind = TK_IDENT;
    p->tok.len = j - i;
    p->tok.kw = keyword_find(p->s + i, j - i);
    p->cur = j;
    return 0;
}

/* Validates YYYY-MM-DD or an ISO datetime with a zone into tok.ms. */
static int
lex_when(struct parser *p, size_t i, size_t n)
{
    if (n == 10) {
        p->tok.kind = TK_DATE;
        return value_parse_datetime(p->s + i, n, SOQL_DATES | VALUE_DATE_BARE,
                                    &p->tok.ms);
    }
    if (n > 10 && (p->s[i + 10] == 'T' || p->s[i + 10] == 't')) {
        p->tok.kind = TK_DATETIME;
        return value_parse_datetime(p->s + i, n, 0, &p->tok.ms);
    }
    return -1;
}

static int
lex_date(struct parser *p, size_t i)
{
    size_t j = i;
    const char *s = p->s;

    while (j < p->len && (is_digit(s[j]) || is_alpha(s[j]) || s[j] == ':' ||
                          s[j] == '.' || s[j] == '+' || s[j] == '-'))
        j++;
    p->tok.len = j - i;
    p->cur = j;
    if (lex_when(p, i, j - i) == -1)
        return perr(p, i, "unexpected token: %.*s",
                    span_int(j - i, MSG_NAME_MAX), s + i);
    return 0;
}

/* A date starts with four digits and a dash: 2026-01-31. */
static int
looks_like_date(const char *s, size_t len, size_t i)
{
    return i + 5 < len && is_digit(s[i]) && is_digit(s[i + 1]) &&
           is_digit(s[i + 2]) && is_digit(s[i + 3]) && s[i + 4] == '-';
}

static int
starts_number(const char *s, size_t len, size_t i)
{
    size_t j = i;

    if (s[j] == '+' || s[j] == '-')
        j++;
    if (j < len && s[j] == '.')
        j++;
    return j < len && is_digit(s[j]);
}

static int
lex_number(struct parser *p, size_t i)
{
    const char *s = p->s;
    size_t j = i;

    if (looks_like_date(s, p->len, i))
        return lex_date(p, i);
    if (s[j] == '+' || s[j] == '-')
        j++;
    while (j < p->len && is_digit(s[j]))
        j++;
    if (j < p->len && s[j] == '.')
        j++;
    while (j < p->len && is_digit(s[j]))
        j++;
    if (j < p->len && (is_alpha(s[j]) || s[j] == '.'))
        return lex_bad_char(p, j);
    p->tok.kind = TK_NUMBER;
    p->tok.len = j - i;
    p->cur = j;
    return 0;
}

static int
lex_string(struct parser *p, size_t i)
{
    size_t j = i + 1, row, col;

    while (j < p->len && p->s[j] != '\'') {
        if (p->s[j] == '\0')
            return lex_bad_char(p, j);
        j += p->s[j] == '\\' ? 2 : 1;
    }
    if (j >= p->len) {
        text_position(p->s, p->len, &row, &col);
        return perr(p, i,
                    "line %zu:%zu mismatched character '<EOF>' expecting "
                    "'''",
                    row, col);
    }
    p->tok.kind = TK_STRING;
    p->tok.len = j + 1 - i;
    p->cur = j + 1;
    return 0;
}

static int
lex_symbol(struct parser *p, size_t i)
{
    const struct punct *pu;
    const struct op_entry *o;
    size_t n;

    for (pu = puncts; pu->c != '\0'; pu++) {
        if (p->s[i] == pu->c) {
            p->tok.kind = pu->kind;
            p->tok.len = 1;
            p->cur = i + 1;
            return 0;
        }
    }
    for (o = operators; o->text != NULL; o++) {
        n = strlen(o->text);
        if (i + n <= p->len && memcmp(p->s + i, o->text, n) == 0) {
            p->tok.kind = TK_OP;
            p->tok.op = o->op;
            p->tok.len = n;
            p->cur = i + n;
            return 0;
        }
    }
    return lex_bad_char(p, i);
}

/* Reads the next token into p->tok. 0, or -1 with the error recorded. */
static int
lex_next(struct parser *p)
{
    size_t i = p->cur;

    while (i < p->len && is_space(p->s[i]))
        i++;
    memset(&p->tok, 0, sizeof(p->tok));
    p->tok.pos = i;
    p->cur = i;
    if (i >= p->len) {
        p->tok.kind = TK_EOF;
        return 0;
    }
    if (is_alpha(p->s[i]))
        return lex_ident(p, i);
    if (starts_number(p->s, p->len, i))
        return lex_number(p, i);
    if (p->s[i] == '\'')
        return lex_string(p, i);
    return lex_symbol(p, i);
}

/* ------------------------------------------------------------------ */
/* Parser                                                              */
/* ------------------------------------------------------------------ */

static int
unexpected(struct parser *p)
{
    const struct token *t = &p->tok;

    if (t->kind == TK_EOF)
        return perr(p, t->pos, "unexpected token: <EOF>");
    return perr(p, t->pos, "unexpected token: %.*s",
                span_int(t->len, MSG_NAME_MAX), p->s + t->pos);
}

static int
tok_is_kw(const struct parser *p, enum kw kw)
{
    return p->tok.kind == TK_IDENT && p->tok.kw == kw;
}

static int
expect_kw(struct parser *p, enum kw kw)
{
    return tok_is_kw(p, kw) ? lex_next(p) : unexpected(p);
}

static int
expect_kind(struct parser *p, enum tok_kind kind)
{
    return p->tok.kind == kind ? lex_next(p) : unexpected(p);
}

/* Grows *arr (of *n elements of size sz) so that one more fits. */
static void *
grow(void *arr, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return arr;
    *cap = *cap ? *cap * 2 : 4;
    arr = xreallocarray(arr, *cap, sz);
    memset((char *)arr + n * sz, 0, (*cap - n) * sz);
    return arr;
}

static int
parse_ref(struct parser *p, struct soql_ref *ref)
{
    if (p->tok.kind != TK_IDENT || keyword_reserved(p->tok.kw))
        return unexpected(p);
    ref->name = xmemdup0(p->s + p->tok.pos, p->tok.len);
    ref->pos = p->tok.pos;
    ref->type = FT_UNKNOWN;
    return lex_next(p);
}

/* A plain unsigned integer token (LIMIT, OFFSET, LAST_N_DAYS:n). */
static int
parse_uint(struct parser *p, int64_t max, int64_t *out)
{
    const struct token *t = &p->tok;
    int64_t v = 0;
    size_t i;

    if (t->kind != TK_NUMBER)
        return unexpected(p);
    for (i = 0; i < t->len; i++) {
        char c = p->s[t->pos + i];

        if (!is_digit(c) || v > (max - (c - '0')) / 10)
            return unexpected(p);
        v = v * 10 + (c - '0');
    }
    *out = v;
    return lex_next(p);
}

static void
value_clear(struct soql_value *v)
{
    free(v->text);
    free(v->pattern);
}

static void typeof_free(struct soql_typeof *t);

static void
ref_clear(struct soql_ref *r)
{
    free(r->name);
    soql_free(r->sub);
    typeof_free(r->tof);
}

static void
typeof_free(struct soql_typeof *t)
{
    size_t i, k;

    if (t == NULL)
        return;
    for (i = 0; i < t->n; i++) {
        free(t->branches[i].type.name);
        for (k = 0; k < t->branches[i].nfields; k++)
            free(t->branches[i].fields[k].name);
        free(t->branches[i].fields);
        free(t->branches[i].names);
    }
    free(t->branches);
    free(t);
}

static void
node_free(struct soql_node *n)
{
    size_t i;

    if (n == NULL)
        return;
    for (i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    ref_clear(&n->field);
    for (i = 0; i < n->nvals; i++)
        value_clear(&n->vals[i]);
    free(n->vals);
    free(n);
}

static const struct escape *
escape_find(char c)
{
    const struct escape *e;

    for (e = escapes; e->in != '\0'; e++)
        if (e->in == c)
            return e;
    return NULL;
}

/*
 * Unescapes the inside of a string literal into out (room for 2n+1). With
 * like set, an escaped % _ or \ stays escaped so the LIKE matcher can tell
 * it from a wildcard. Returns the offset of a bad escape, or n when fine.
 */
static size_t
string_decode(const char *raw, size_t n, int like, char *out)
{
    const struct escape *e;
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (raw[i] != '\\') {
            out[o++] = raw[i];
            continue;
        }
        if ((e = escape_find(raw[i + 1])) == NULL)
            return i;
        if (like && (e->out == '%' || e->out == '_' || e->out == '\\'))
            out[o++] = '\\';
        out[o++] = e->out;
        i++;
    }
    out[o] = '\0';
    return n;
}

static int
parse_string(struct parser *p, enum soql_op op, struct soql_value *v)
{
    const char *raw = p->s + p->tok.pos + 1;
    size_t n = p->tok.len - 2, bad;

    v->kind = V_STRING;
    free(v->text);
    v->text = xmalloc(2 * n + 1);
    if ((bad = string_decode(raw, n, 0, v->text)) < n)
        return perr(p, p->tok.pos,
                    "Invalid string literal '%.*s'. Illegal character "
                    "sequence '\\%c' in string literal.",
                    span_int(n, MSG_NAME_MAX), raw, raw[bad + 1]);
    if (op == OP_LIKE) {
        v->pattern = xmalloc(2 * n + 1);
        string_decode(raw, n, 1, v->pattern);
    }
    return lex_next(p);
}

static const struct reldate *
reldate_find(const char *s, size_t n)
{
    const struct reldate *r;

    for (r = reldates; r->name != NULL; r++)
        if (strlen(r->name) == n && strncasecmp(r->name, s, n) == 0)
            return r;
    return NULL;
}

/* A bare word as a value: null, true, false or a date literal. */
static int
parse_word(struct parser *p, struct soql_value *v)
{
    switch (p->tok.kw) {
    case KW_NUL: v->kind = V_NULL; return lex_next(p);
    case KW_TRUE:
    case KW_FALSE:
        v->kind = V_BOOL;
        v->boolean = p->tok.kw == KW_TRUE;
        return lex_next(p);
    case KW_NONE: break;
    default: return unexpected(p);
    }
    if ((v->rel = reldate_find(p->s + p->tok.pos, p->tok.len)) == NULL)
        return unexpected(p);
    v->kind = V_RELDATE;
    if (lex_next(p) == -1)
        return -1;
    if (!v->rel->takes_n)
        return 0;
    if (expect_kind(p, TK_COLON) == -1)
        return -1;
    return parse_uint(p, RELDATE_MAX_N, &v->n);
}

static int
parse_value(struct parser *p, enum soql_op op, struct soql_value *v)
{
    const struct token *t = &p->tok;

    v->pos = t->pos;
    v->text = xmemdup0(p->s + t->pos, t->len);
    switch (t->kind) {
    case TK_STRING: return parse_string(p, op, v);
    case TK_NUMBER:
        v->kind = V_NUMBER;
        v->num = strtod(v->text, NULL);
        break;
    case TK_DATE:
    case TK_DATETIME:
        v->kind = t->kind == TK_DATE ? V_DATE : V_DATETIME;
        v->ms = t->ms;
        break;
    case TK_IDENT: return parse_word(p, v);
    default: return unexpected(p);
    }
    return lex_next(p);
}

static int
parse_in_list(struct parser *p, struct soql_node *n)
{
    size_t cap = 0;

    if (expect_kind(p, TK_LPAREN) == -1)
        return -1;
    for (;;) {
        if (n->nvals == SOQL_MAX_IN)
            return perr(p, p->tok.pos,
                        "too many values in IN list (the simulator allows "
                        "%d)",
                        SOQL_MAX_IN);
        n->vals = grow(n->vals, n->nvals, &cap, sizeof(*n->vals));
        if (parse_value(p, n->op, &n->vals[n->nvals++]) == -1)
            return -1;
        if (p->tok.kind == TK_RPAREN)
            return lex_next(p);
        if (expect_kind(p, TK_COMMA) == -1)
            return -1;
    }
}

/* The operator after a field: a symbol, LIKE, IN or NOT IN. */
static int
parse_operator(struct parser *p, enum soql_op *op)
{
    if (p->tok.kind == TK_OP) {
        *op = p->tok.op;
        return lex_next(p);
    }
    if (tok_is_kw(p, KW_LIKE) || tok_is_kw(p, KW_IN)) {
        *op = p->tok.kw == KW_LIKE ? OP_LIKE : OP_IN;
        return lex_next(p);
    }
    if (!tok_is_kw(p, KW_NOT))
        return unexpected(p);
    if (lex_next(p) == -1)
        return -1;
    *op = OP_NOT_IN;
    return expect_kw(p, KW_IN);
}

static struct soql_node *
parse_comparison(struct parser *p)
{
    struct soql_node *n = xcalloc(1, sizeof(*n)), *res = NULL;

    n->kind = N_CMP;
    if (parse_ref(p, &n->field) == -1 || parse_operator(p, &n->op) == -1)
        goto out;
    if (n->op == OP_IN || n->op == OP_NOT_IN) {
        if (parse_in_list(p, n) == -1)
            goto out;
    } else {
        n->vals = xcalloc(1, sizeof(*n->vals));
        n->nvals = 1;
        if (parse_value(p, n->op, &n->vals[0]) == -1)
            goto out;
    }
    res = n;
    n = NULL;
out:
    node_free(n);
    return res;
}

static struct soql_node *parse_expr(struct parser *p, int depth);

static struct soql_node *
parse_unary(struct parser *p, int depth)
{
    struct soql_node *n = NULL, *res = NULL;

    /* depth counts the parentheses and NOTs around this condition: one
     * more is refused past the limit, the comparison itself is no level. */
    if ((p->tok.kind == TK_LPAREN || tok_is_kw(p, KW_NOT)) &&
        depth >= SOQL_MAX_DEPTH) {
        perr(p, p->tok.pos,
             "condition nested too deeply (the simulator allows %d levels)",
             SOQL_MAX_DEPTH);
        return NULL;
    }
    if (p->tok.kind == TK_LPAREN) {
        if (lex_next(p) == -1 || (n = parse_expr(p, depth + 1)) == NULL ||
            expect_kind(p, TK_RPAREN) == -1)
            goto out;
    } else if (tok_is_kw(p, KW_NOT)) {
        n = xcalloc(1, sizeof(*n));
        n->kind = N_NOT;
        n->kids = xcalloc(1, sizeof(*n->kids));
        n->nkids = 1;
        if (lex_next(p) == -1 ||
            (n->kids[0] = parse_unary(p, depth + 1)) == NULL)
            goto out;
    } else if ((n = parse_comparison(p)) == NULL) {
        goto out;
    }
    res = n;
    n = NULL;
out:
    node_free(n);
    return res;
}

/*
 * A chain of conditions joined by one conjunction. SOQL has no precedence
 * between AND and OR: mixing them without parentheses is a syntax error,
 * reported at the first conjunction that differs.
 */
static struct soql_node *
parse_expr(struct parser *p, int depth)
{
    struct soql_node *first, *n = NULL, *res = NULL;
    size_t cap = 0;
    enum kw joiner;

    if ((first = parse_unary(p, depth)) == NULL)
        return NULL;
    if (!tok_is_kw(p, KW_AND) && !tok_is_kw(p, KW_OR))
        return first;
    joiner = p->tok.kw;
    n = xcalloc(1, sizeof(*n));
    n->kind = joiner == KW_AND ? N_AND : N_OR;
    n->kids = grow(n->kids, n->nkids, &cap, sizeof(*n->kids));
    n->kids[n->nkids++] = first;
    while (tok_is_kw(p, joiner)) {
        n->kids = grow(n->kids, n->nkids, &cap, sizeof(*n->kids));
        if (lex_next(p) == -1 ||
            (n->kids[n->nkids++] = parse_unary(p, depth)) == NULL)
            goto out;
    }
    if (tok_is_kw(p, KW_AND) || tok_is_kw(p, KW_OR)) {
        unexpected(p);
        goto out;
    }
    res = n;
    n = NULL;
out:
    node_free(n);
    return res;
}

static int
parse_count_call(struct parser *p, struct soql_query *q)
{
    if (lex_next(p) == -1 || expect_kind(p, TK_RPAREN) == -1)
        return -1;
    q->is_count = 1;
    return 0;
}

static int parse_field_list(struct parser *p, struct soql_query *q,
                            int count_ok);
static int parse_clauses(struct parser *p, struct soql_query *q);

/* "(SELECT f, ... FROM Relationship [WHERE ...] [ORDER BY ...] [LIMIT n])"
 * in a select list, from its '(' to past its ')': ref names the
 * relationship, ref->sub is the query. */
static int
parse_subquery(struct parser *p, struct soql_query *q, struct soql_ref *ref)
{
    struct soql_query *sub = xcalloc(1, sizeof(*sub));
    enum tok_kind end = p->end;
    int rc = -1;

    sub->text = q->text;
    sub->text_borrowed = 1;
    sub->len = q->len;
    sub->limit = -1;
    ref->sub = sub;
    ref->pos = p->tok.pos;
    p->end = TK_RPAREN;
    if (lex_next(p) == -1 || expect_kw(p, KW_SELECT) == -1 ||
        parse_field_list(p, sub, 0) == -1 || expect_kw(p, KW_FROM) == -1 ||
        parse_ref(p, &sub->object) == -1)
        goto out;
    if (p->tok.kind == TK_IDENT && p->tok.kw == KW_NONE) {
        sub->alias = xmemdup0(p->s + p->tok.pos, p->tok.len);
        if (lex_next(p) == -1)
            goto out;
    }
    if (parse_clauses(p, sub) == -1)
        goto out;
    ref->name = xstrdup(sub->object.name);
    ref->type = FT_UNKNOWN;
    p->end = end;
    rc = lex_next(p); /* past the ')' */
out:
    p->end = end;
    return rc;
}

/* 1 when the token is the identifier word (case-insensitive): TYPEOF's
 * words are no reserved keywords. */
static int
ident_is(const struct parser *p, const char *word)
{
    return p->tok.kind == TK_IDENT && p->tok.len == strlen(word) &&
           strncasecmp(p->s + p->tok.pos, word, p->tok.len) == 0;
}

/* A branch's "f1, f2, ...". */
static int
parse_branch_fields(struct parser *p, struct soql_branch *br)
{
    size_t cap = 0;

    for (;;) {
        if (br->nfields == SOQL_MAX_FIELDS)
            return perr(p, p->tok.pos,
                        "too many fields selected (the simulator allows "
                        "%d)",
                        SOQL_MAX_FIELDS);
        br->fields = grow(br->fields, br->nfields, &cap, sizeof(*br->fields));
        memset(&br->fields[br->nfields], 0, sizeof(*br->fields));
        if (parse_ref(p, &br->fields[br->nfields++]) == -1)
            return -1;
        if (p->tok.kind != TK_COMMA)
            return 0;
        if (lex_next(p) == -1)
            return -1;
    }
}

/* "TYPEOF Rel WHEN Type THEN f, ... [WHEN ...] [ELSE f, ...] END", from
 * TYPEOF to past END: ref names the relationship, ref->tof the branches. */
static int
parse_typeof(struct parser *p, struct soql_ref *ref)
{
    struct soql_typeof *t = ref->tof = xcalloc(1, sizeof(*t));
    struct soql_branch *br;
    size_t cap = 0;
    int is_else = 0;

    if (lex_next(p) == -1 || parse_ref(p, ref) == -1)
        return -1;
    while (!is_else && (ident_is(p, "WHEN") || ident_is(p, "ELSE"))) {
        if (t->n == SOQL_MAX_FIELDS)
            return perr(p, p->tok.pos, "too many WHEN clauses");
        is_else = ident_is(p, "ELSE");
        t->branches = grow(t->branches, t->n, &cap, sizeof(*t->branches));
        br = memset(&t->branches[t->n++], 0, sizeof(*br));
        if (lex_next(p) == -1)
            return -1;
        if (!is_else && parse_ref(p, &br->type) == -1)
            return -1;
        if (!is_else && !ident_is(p, "THEN"))
            return unexpected(p);
        if ((!is_else && lex_next(p) == -1) || parse_branch_fields(p, br) == -1)
            return -1;
    }
    if (t->n == 0 || !ident_is(p, "END"))
        return unexpected(p);
    return lex_next(p);
}

/* f1, f2, ... (COUNT() too, as the only one, and child subqueries and
 * TYPEOF, when top). */
static int
parse_field_list(struct parser *p, struct soql_query *q, int top)
{
    struct soql_ref ref;
    size_t cap = 0, nsubs = 0;
    int count_ok = top;

    for (;;) {
        if (q->nfields == SOQL_MAX_FIELDS)
            return perr(p, p->tok.pos,
                        "too many fields selected (the simulator allows "
                        "%d)",
                        SOQL_MAX_FIELDS);
        memset(&ref, 0, sizeof(ref));
        if (top && p->tok.kind == TK_LPAREN) {
            if (++nsubs > SOQL_MAX_SUBQUERIES)
                return perr(p, p->tok.pos,
                            "too many subqueries (the maximum is %d)",
                            SOQL_MAX_SUBQUERIES);
            if (parse_subquery(p, q, &ref) == -1) {
                ref_clear(&ref);
                return -1;
            }
            count_ok = 0;
        } else if (top && ident_is(p, "TYPEOF")) {
            if (parse_typeof(p, &ref) == -1) {
                ref_clear(&ref);
                return -1;
            }
            count_ok = 0;
        } else if (parse_ref(p, &ref) == -1) {
            ref_clear(&ref);
            return -1;
        }
        if (count_ok && p->tok.kind == TK_LPAREN && q->nfields == 0 &&
            strcasecmp(ref.name, "COUNT") == 0) {
            ref_clear(&ref);
            return parse_count_call(p, q);
        }
        q->fields = grow(q->fields, q->nfields, &cap, sizeof(*q->fields));
        q->fields[q->nfields++] = ref;
        count_ok = 0;
        if (p->tok.kind != TK_COMMA)
            return 0;
        if (lex_next(p) == -1)
            return -1;
    }
}

static int
parse_select(struct parser *p, struct soql_query *q)
{
    if (expect_kw(p, KW_SELECT) == -1)
        return -1;
    return parse_field_list(p, q, 1);
}

static int
parse_from(struct parser *p, struct soql_query *q)
{
    if (expect_kw(p, KW_FROM) == -1 || parse_ref(p, &q->object) == -1)
        return -1;
    if (p->tok.kind == TK_IDENT && p->tok.kw == KW_NONE) {
        q->alias = xmemdup0(p->s + p->tok.pos, p->tok.len);
        return lex_next(p);
    }
    return 0;
}

static int
parse_order_key(struct parser *p, struct soql_order *o)
{
    if (parse_ref(p, &o->field) == -1)
        return -1;
    if (tok_is_kw(p, KW_ASC) || tok_is_kw(p, KW_DESC)) {
        o->desc = p->tok.kw == KW_DESC;
        if (lex_next(p) == -1)
            return -1;
    }
    o->nulls_first = !o->desc;
    if (!tok_is_kw(p, KW_NULLS))
        return 0;
    if (lex_next(p) == -1)
        return -1;
    if (!tok_is_kw(p, KW_FIRST) && !tok_is_kw(p, KW_LAST))
        return unexpected(p);
    o->nulls_first = p->tok.kw == KW_FIRST;
    return lex_next(p);
}

static int
parse_order(struct parser *p, struct soql_query *q)
{
    size_t cap = 0;

    if (lex_next(p) == -1 || expect_kw(p, KW_BY) == -1)
        return -1;
    for (;;) {
        if (q->norder == SOQL_MAX_ORDER)
            return perr(p, p->tok.pos,
                        "too many ORDER BY fields (the maximum is %d)",
                        SOQL_MAX_ORDER);
        q->order = grow(q->order, q->norder, &cap, sizeof(*q->order));
        if (parse_order_key(p, &q->order[q->norder++]) == -1)
            return -1;
        if (p->tok.kind != TK_COMMA)
            return 0;
        if (lex_next(p) == -1)
            return -1;
    }
}

/* WHERE, ORDER BY, LIMIT, OFFSET: each optional, in this order. */
static int
parse_clauses(struct parser *p, struct soql_query *q)
{
    if (tok_is_kw(p, KW_WHERE)) {
        if (lex_next(p) == -1 || (q->where = parse_expr(p, 0)) == NULL)
            return -1;
    }
    if (tok_is_kw(p, KW_ORDER) && parse_order(p, q) == -1)
        return -1;
    if (tok_is_kw(p, KW_LIMIT)) {
        if (lex_next(p) == -1 || parse_uint(p, SOQL_MAX_LIMIT, &q->limit) == -1)
            return -1;
    }
    if (tok_is_kw(p, KW_OFFSET)) {
        if (lex_next(p) == -1 ||
            parse_uint(p, SOQL_MAX_LIMIT, &q->offset) == -1)
            return -1;
    }
    return p->tok.kind == p->end ? 0 : unexpected(p);
}

/* A new query over a copy of text[0..len), and a parser over it. */
static struct soql_query *
query_new(const char *text, size_t len, struct parser *p,
          struct soql_error *err, struct soql_error *scratch)
{
    struct soql_query *q = xcalloc(1, sizeof(*q));

    if (text == NULL)
        len = 0;
    q->text = xmemdup0(text != NULL ? text : "", len);
    q->len = len;
    q->limit = -1;
    memset(p, 0, sizeof(*p));
    p->s = q->text;
    p->len = len;
    p->malformed = SOQL_MALFORMED;
    p->end = TK_EOF;
    /* The parser tests err->code to tell failure from success. */
    p->err = err != NULL && err->code[0] == '\0' ? err : scratch;
    return q;
}

struct soql_query *
soql_parse_returning(const char *text, size_t len, size_t *pos,
                     const char *malformed, struct soql_error *err)
{
    struct soql_error scratch = {.code = ""};
    struct soql_query *res = NULL, *q;
    struct parser p;

    q = query_new(text, len, &p, err, &scratch);
    p.malformed = malformed;
    p.end = TK_RPAREN;
    p.cur = *pos < len ? *pos : len;
    if (lex_next(&p) == -1 || parse_ref(&p, &q->object) == -1)
        goto out;
    if (p.tok.kind == TK_LPAREN) {
        if (lex_next(&p) == -1 || parse_field_list(&p, q, 0) == -1 ||
            parse_clauses(&p, q) == -1)
            goto out;
        *pos = p.cur; /* just past the ')' */
    } else {
        *pos = p.tok.pos;
    }
    res = q;
    q = NULL;
out:
    soql_free(q);
    return res;
}

void
soql_error_at(struct soql_error *err, const char *code, const char *text,
              size_t len, size_t pos, const char *tail)
{
    error_at(err, code, text, len, pos, tail);
}

struct soql_query *
soql_parse(const char *text, size_t len, struct soql_error *err)
{
    struct soql_error scratch = {.code = ""};
    struct soql_query *res = NULL, *q;
    struct parser p;

    q = query_new(text, len, &p, err, &scratch);
    if (utf8_count(q->text, q->len) > SOQL_MAX_LEN) {
        snprintf(p.err->code, sizeof(p.err->code), "%s", SOQL_MALFORMED);
        snprintf(p.err->message, sizeof(p.err->message),
                 "SOQL statements cannot be longer than %d characters.",
                 SOQL_MAX_LEN);
        goto out;
    }
    if (lex_next(&p) == -1 || parse_select(&p, q) == -1 ||
        parse_from(&p, q) == -1 || parse_clauses(&p, q) == -1)
        goto out;
    res = q;
    q = NULL;
out:
    soql_free(q);
    return res;
}

/* ------------------------------------------------------------------ */
/* Binding against a schema                                            */
/* ------------------------------------------------------------------ */

enum mode { MODE_TEXT, MODE_ID, MODE_NUMBER, MODE_BOOL, MODE_WHEN };

/*
 * Per field type: how values compare, which literal kinds a filter may use
 * (null always may), and the type name Salesforce's message gives.
 */
static const struct type_rule {
    enum mode mode;
    unsigned allowed;
    const char *soap;
} type_rules[FT_COUNT] = {
    [FT_ID] = {MODE_ID, VK(V_STRING), "id"},
    [FT_REFERENCE] = {MODE_ID, VK(V_STRING), "id"},
    [FT_STRING] = {MODE_TEXT, VK(V_STRING), "string"},
    [FT_TEXTAREA] = {MODE_TEXT, VK(V_STRING), "string"},
    [FT_EMAIL] = {MODE_TEXT, VK(V_STRING), "string"},
    [FT_PHONE] = {MODE_TEXT, VK(V_STRING), "string"},
    [FT_URL] = {MODE_TEXT, VK(V_STRING), "string"},
    [FT_PICKLIST] = {MODE_TEXT, VK(V_STRING), "string"},
    [FT_MULTIPICKLIST] = {MODE_TEXT, VK(V_STRING), "string"},
    [FT_BOOLEAN] = {MODE_BOOL, VK(V_BOOL), "boolean"},
    [FT_DOUBLE] = {MODE_NUMBER, VK(V_NUMBER), "double"},
    [FT_INT] = {MODE_NUMBER, VK(V_NUMBER), "integer"},
    [FT_CURRENCY] = {MODE_NUMBER, VK(V_NUMBER), "double"},
    [FT_PERCENT] = {MODE_NUMBER, VK(V_NUMBER), "double"},
    [FT_DATE] = {MODE_WHEN, VK(V_DATE) | VK(V_RELDATE), "date"},
    [FT_DATETIME] = {MODE_WHEN, VK(V_DATETIME) | VK(V_RELDATE), "dateTime"},
};

static enum mode
mode_of(enum fieldtype t)
{
    return t >= 0 && t < FT_COUNT ? type_rules[t].mode : MODE_TEXT;
}

struct binder {
    const struct soql_schema *schema;
    struct soql_query *q;
    struct soql_error *err;
};

static int bind_fail(struct binder *b, const char *code, size_t pos,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
bind_fail(struct binder *b, const char *code, size_t pos, const char *fmt, ...)
{
    char tail[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tail, sizeof(tail), fmt, ap);
    va_end(ap);
    error_at(b->err, code, b->q->text, b->q->len, pos, tail);
    return -1;
}

/* Drops a leading "Object." or "alias." from a field path. */
static const char *
strip_prefix(const struct soql_query *q, const char *name)
{
    const char *dot = strchr(name, '.');
    size_t n;

    if (dot == NULL)
        return name;
    n = (size_t)(dot - name);
    if ((strlen(q->object.name) == n &&
         strncasecmp(q->object.name, name, n) == 0) ||
        (q->alias != NULL && strlen(q->alias) == n &&
         strncasecmp(q->alias, name, n) == 0))
        return dot + 1;
    return name;
}

/* "Rel.Field", "Rel.Rel.Field": the schema resolves the path. */
static int
bind_path(struct binder *b, struct soql_ref *ref, const char *name)
{
    char canon[SOQL_NAME_MAX] = "", why[400] = "";
    enum fieldtype type = FT_UNKNOWN;

    if (b->schema->path_type(b->schema->arg, b->q->object.name, name, canon,
                             sizeof(canon), &type, why, sizeof(why)) == -1)
        return bind_fail(b, SOQL_INVALID_FIELD, ref->pos, "%s", why);
    free(ref->name);
    ref->name = xstrdup(canon);
    ref->type = type;
    return 0;
}

/* A child subquery: its FROM names a child relationship of the parent's
 * object; it is then bound as a query of the child object. */
static int
bind_subquery(struct binder *b, struct soql_ref *ref)
{
    char child[SOQL_NAME_MAX] = "", rel[SOQL_NAME_MAX] = "";
    struct soql_query *sub = ref->sub;

    if (b->schema->child == NULL ||
        b->schema->child(b->schema->arg, b->q->object.name, sub->object.name,
                         child, sizeof(child), rel, sizeof(rel)) == -1)
        return bind_fail(b, SOQL_INVALID_TYPE, sub->object.pos,
                         "Didn't understand relationship '%.*s' in FROM part "
                         "of query call. If you are attempting to use a "
                         "custom relationship, be sure to append the '__r' "
                         "after the custom relationship name. Please "
                         "reference your WSDL or the describe call for the "
                         "appropriate names.",
                         MSG_NAME_MAX, sub->object.name);
    free(ref->name);
    ref->name = xstrdup(rel);
    free(sub->object.name);
    sub->object.name = xstrdup(child);
    return soql_bind(sub, b->schema, b->err);
}

static int bind_column(struct binder *b, struct soql_ref *ref,
                       const char *object, const char *name);

static int
bind_ref(struct binder *b, struct soql_ref *ref)
{
    const char *name = strip_prefix(b->q, ref->name);
    const char *dot = strchr(name, '.');

    if (dot != NULL && b->schema->path_type != NULL)
        return bind_path(b, ref, name);
    if (dot != NULL)
        return bind_fail(b, SOQL_INVALID_FIELD, ref->pos,
                         "Didn't understand relationship '%.*s' in field "
                         "path. If you are attempting to use a custom "
                         "relationship, be sure to append the '__r' after "
                         "the custom relationship name. Please reference "
                         "your WSDL or the describe call for the "
                         "appropriate names.",
                         span_int((size_t)(dot - name), MSG_NAME_MAX), name);
    return bind_column(b, ref, b->q->object.name, name);
}

/* A field of object (no path): renamed to its canonical spelling, or
 * Salesforce's INVALID_FIELD. */
static int
bind_column(struct binder *b, struct soql_ref *ref, const char *object,
            const char *name)
{
    char canon[SOQL_NAME_MAX] = "";

    ref->type = b->schema->field_type(b->schema->arg, object, name, canon,
                                      sizeof(canon));
    if (ref->type == FT_UNKNOWN || canon[0] == '\0')
        return bind_fail(b, SOQL_INVALID_FIELD, ref->pos,
                         "No such column '%.*s' on entity '%s'. If you are "
                         "attempting to use a custom field, be sure to "
                         "append the '__c' after the custom field name. "
                         "Please reference your WSDL or the describe call "
                         "for the appropriate names.",
                         MSG_NAME_MAX, name, object);
    free(ref->name);
    ref->name = xstrdup(canon);
    return 0;
}

/* "Rel.field" bound as a path from the query's object: renamed to the
 * canonical field name (the part after "Rel."). */
static int
bind_else_field(struct binder *b, const char *rel, struct soql_ref *ref)
{
    char path[SOQL_NAME_MAX];
    const char *dot;

    snprintf(path, sizeof(path), "%s.%s", rel, ref->name);
    if (bind_path(b, ref, path) == -1)
        return -1;
    dot = strrchr(ref->name, '.');
    memmove(ref->name, dot + 1, strlen(dot + 1) + 1);
    return 0;
}

/* One WHEN: its type must exist, its fields must be the type's. */
static int
bind_when(struct binder *b, struct soql_branch *br)
{
    char canon[SOQL_NAME_MAX] = "";
    size_t k;

    if (!b->schema->object_exists(b->schema->arg, br->type.name, canon,
                                  sizeof(canon)))
        return bind_fail(b, SOQL_INVALID_TYPE, br->type.pos,
                         "sObject type '%.*s' is not supported.", MSG_NAME_MAX,
                         br->type.name);
    free(br->type.name);
    br->type.name = xstrdup(canon);
    for (k = 0; k < br->nfields; k++)
        if (bind_column(b, &br->fields[k], canon, br->fields[k].name) == -1)
            return -1;
    return 0;
}

/* TYPEOF: the relationship resolves as a path does ("Rel.Id"); ELSE's
 * fields as paths from it. */
static int
bind_typeof(struct binder *b, struct soql_ref *ref)
{
    struct soql_typeof *t = ref->tof;
    char *dot, *path;
    size_t i, k;

    if (b->schema->path_type == NULL)
        return bind_fail(b, SOQL_MALFORMED, ref->pos,
                         "TYPEOF is not supported here");
    path = xasprintf("%s.Id", ref->name);
    free(ref->name);
    ref->name = path; /* bind_path() replaces it, reading it first */
    if (bind_path(b, ref, path) == -1)
        return -1;
    if ((dot = strrchr(ref->name, '.')) != NULL)
        *dot = '\0';
    for (i = 0; i < t->n; i++) {
        struct soql_branch *br = &t->branches[i];

        for (k = 0; br->type.name == NULL && k < br->nfields; k++)
            if (bind_else_field(b, ref->name, &br->fields[k]) == -1)
                return -1;
        if (br->type.name != NULL && bind_when(b, br) == -1)
            return -1;
        br->names = xreallocarray(NULL, br->nfields, sizeof(*br->names));
        for (k = 0; k < br->nfields; k++)
            br->names[k] = br->fields[k].name;
    }
    return 0;
}

static int
bind_literal(struct binder *b, const struct soql_node *n,
             const struct soql_value *v)
{
    const struct type_rule *r;
    unsigned allowed;

    if (n->field.type < 0 || n->field.type >= FT_COUNT)
        return 0;
    r = &type_rules[n->field.type];
    /* LIKE matches text, whatever the field's type. */
    allowed = n->op == OP_LIKE ? VK(V_STRING) : r->allowed | VK(V_NULL);
    if (allowed & VK(v->kind))
        return 0;
    return bind_fail(b, SOQL_INVALID_FIELD, v->pos,
                     "value of filter criterion for field '%s' must be of "
                     "type %s and should %sbe enclosed in quotes",
                     n->field.name, n->op == OP_LIKE ? "string" : r->soap,
                     (allowed & VK(V_STRING)) ? "" : "not ");
}

static int
bind_node(struct binder *b, struct soql_node *n)
{
    size_t i;

    for (i = 0; i < n->nkids; i++)
        if (bind_node(b, n->kids[i]) == -1)
            return -1;
    if (n->kind != N_CMP)
        return 0;
    if (bind_ref(b, &n->field) == -1)
        return -1;
    for (i = 0; i < n->nvals; i++)
        if (bind_literal(b, n, &n->vals[i]) == -1)
            return -1;
    return 0;
}

static int
bind_select(struct binder *b)
{
    struct soql_query *q = b->q;
    size_t i, j;

    for (i = 0; i < q->nfields; i++) {
        if ((q->fields[i].sub != NULL   ? bind_subquery(b, &q->fields[i])
             : q->fields[i].tof != NULL ? bind_typeof(b, &q->fields[i])
                                        : bind_ref(b, &q->fields[i])) == -1)
            return -1;
        for (j = 0; j < i; j++)
            if (strcasecmp(q->fields[j].name, q->fields[i].name) == 0)
                return bind_fail(b, SOQL_MALFORMED, q->fields[i].pos,
                                 "duplicate field selected: %.*s", MSG_NAME_MAX,
                                 q->fields[i].name);
    }
    return 0;
}

int
soql_bind(struct soql_query *q, const struct soql_schema *schema,
          struct soql_error *err)
{
    char canon[SOQL_NAME_MAX] = "";
    struct binder b = {.schema = schema, .q = q, .err = err};
    size_t i;

    if (!schema->object_exists(schema->arg, q->object.name, canon,
                               sizeof(canon)) ||
        canon[0] == '\0')
        return bind_fail(&b, SOQL_INVALID_TYPE, q->object.pos,
                         "sObject type '%.*s' is not supported. If you are "
                         "attempting to use a custom object, be sure to "
                         "append the '__c' after the entity name. Please "
                         "reference your WSDL or the describe call for the "
                         "appropriate names.",
                         MSG_NAME_MAX, q->object.name);
    free(q->object.name);
    q->object.name = xstrdup(canon);
    if (bind_select(&b) == -1)
        return -1;
    if (q->where != NULL && bind_node(&b, q->where) == -1)
        return -1;
    for (i = 0; i < q->norder; i++)
        if (bind_ref(&b, &q->order[i].field) == -1)
            return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

static int
sign3(double a, double b)
{
    return (a > b) - (a < b);
}

static int
fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive (ASCII) three-way comparison of two byte strings. */
static int
text_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i, n = an < bn ? an : bn;
    int d;

    for (i = 0; i < n; i++)
        if ((d = fold((unsigned char)a[i]) - fold((unsigned char)b[i])) != 0)
            return d < 0 ? -1 : 1;
    return (an > bn) - (an < bn);
}

/* A stored number (value.h, SOQL's reading); VALUE_BUF bytes at most. */
static int
parse_number(const char *s, size_t n, double *out)
{
    if (n >= VALUE_BUF)
        return -1;
    return value_parse_number(s, n, SOQL_NUMBERS, out);
}

/* A stored date ("2026-01-31") or datetime, as epoch milliseconds. */
static int
parse_when(const char *s, size_t n, int64_t *ms)
{
    return value_parse_datetime(s, n, SOQL_DATES | VALUE_DATE_BARE, ms);
}

static int
parse_bool(const char *s, size_t n)
{
    return text_cmp(s, n, "true", 4) == 0 || (n == 1 && s[0] == '1');
}

/* Floor division, so days before 1970 round towards the past. */
static int64_t
floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Epoch ms of the first day of month index mi (year * 12 + month - 1). */
static int
month_start(int64_t mi, int64_t *ms)
{
    int64_t y = floor_div(mi, 12);

    /* Outside years 0 to 9999, a range end is simply "never". */
    if (y < 0 || y > 9999) {
        *ms = y < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        return 0;
    }
    *ms = calendar_days(y, (int)(mi - y * 12 + 1), 1) * DAY_MS;
    return 0;
}

/* Start of unit number k counted from the current one, in epoch ms. */
static int
unit_start(enum unit u, int64_t now_ms, int64_t k, int64_t *ms)
{
    static const int months[] = {
        [UNIT_MONTH] = 1, [UNIT_QUARTER] = 3, [UNIT_YEAR] = 12};
    int64_t day = floor_div(now_ms, DAY_MS), mi, y;
    int m, d;

    if (u == UNIT_DAY || u == UNIT_WEEK) {
        /* 1970-01-01 was a Thursday; weeks start on Sunday (en_US). */
        if (u == UNIT_WEEK)
            day -= (day + 4) - floor_div(day + 4, 7) * 7;
        *ms = (day + k * (u == UNIT_WEEK ? 7 : 1)) * DAY_MS;
        return 0;
    }
    calendar_date(day, &y, &m, &d);
    mi = y * 12 + (m - 1);
    mi -= mi % months[u];
    return month_start(mi + k * months[u], ms);
}

/* The literal as a half-open interval [*from, *to) of epoch ms. */
static int
value_range(const struct soql_value *v, int64_t now_ms, int64_t *from,
            int64_t *to)
{
    const struct reldate *r = v->rel;

    switch (v->kind) {
    case V_DATE:
    case V_DATETIME:
        *from = v->ms;
        *to = v->ms + (v->kind == V_DATE ? DAY_MS : 1);
        return 0;
    case V_STRING:
        if (parse_when(v->text, strlen(v->text), from) == -1)
            return -1;
        *to = *from + (strlen(v->text) == 10 ? DAY_MS : 1);
        return 0;
    case V_RELDATE:
        if (unit_start(r->unit, now_ms, r->a * v->n + r->b, from) == -1 ||
            unit_start(r->unit, now_ms, r->c * v->n + r->d, to) == -1)
            return -1;
        return 0;
    default: return -1;
    }
}

static int
value_number(const struct soql_value *v, double *out)
{
    if (v->kind == V_NUMBER) {
        *out = v->num;
        return 0;
    }
    return v->kind == V_STRING ? parse_number(v->text, strlen(v->text), out)
                               : -1;
}

/*
 * Case-corrects an 18-character id from its checksum (each of the last
 * three characters says which of five characters are upper case) into
 * out[15]; a 15-character id is copied. -1 if it is neither.
 */
static int
id_canon(const char *s, size_t n, char out[15])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    const char *hit;
    int i, bits;
    char c;

    if (n != 15 && n != 18)
        return -1;
    memcpy(out, s, 15);
    for (i = 0; n == 18 && i < 15; i++) {
        c = s[15 + i / 5];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - ('a' - 'A'));
        if ((hit = memchr(alphabet, c, 32)) == NULL)
            return -1;
        bits = (int)(hit - alphabet);
        if (out[i] >= 'A' && out[i] <= 'Z' && !(bits & (1 << (i % 5))))
            out[i] = (char)fold((unsigned char)out[i]);
        else if (out[i] >= 'a' && out[i] <= 'z' && (bits & (1 << (i % 5))))
            out[i] = (char)(out[i] - ('a' - 'A'));
    }
    return 0;
}

/* Ids compare by their 15 case-sensitive characters; else as text. */
static int
id_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    char ia[15], ib[15];
    int d;

    if (id_canon(a, an, ia) == -1 || id_canon(b, bn, ib) == -1)
        return text_cmp(a, an, b, bn);
    d = memcmp(ia, ib, sizeof(ia));
    return (d > 0) - (d < 0);
}

/*
 * Three-way comparison of a record value with a literal, by mode. Values
 * that do not parse in their mode fall back to comparing as text, which is
 * what an unbound query, or a record holding junk, gets.
 */
static int
value_cmp(enum mode mode, const char *s, size_t n, const struct soql_value *v,
          int64_t now_ms)
{
    double x, y;
    int64_t t, from, to;

    switch (mode) {
    case MODE_NUMBER:
        if (parse_number(s, n, &x) == 0 && value_number(v, &y) == 0)
            return sign3(x, y);
        break;
    case MODE_BOOL:
        if (v->kind == V_BOOL)
            return parse_bool(s, n) - v->boolean;
        break;
    case MODE_WHEN:
        if (parse_when(s, n, &t) == 0 &&
            value_range(v, now_ms, &from, &to) == 0)
            return t < from ? -1 : t >= to ? 1 : 0;
        break;
    case MODE_ID:
        if (v->kind == V_STRING)
            return id_cmp(s, n, v->text, strlen(v->text));
        break;
    case MODE_TEXT: break;
    }
    return text_cmp(s, n, v->text, strlen(v->text));
}

/* Decodes one UTF-8 character's length at s (at least 1). */
static size_t
char_len(const char *s, size_t n)
{
    size_t k = utf8_seq((const unsigned char *)s, n);

    return k == 0 ? 1 : k;
}

/*
 * LIKE, case-insensitively: % matches any run, _ one character, and \
 * makes the next pattern byte literal. Iterative with one backtrack point
 * (the last %), so hostile patterns cost O(n*m) time and no stack.
 */
static int
like_match(const char *pat, const char *s, size_t n)
{
    size_t pn = strlen(pat), p = 0, i = 0, star_p = 0, star_i = 0;
    int star = 0;

    while (i < n) {
        if (p < pn && pat[p] == '%') {
            star = 1;
            star_p = ++p;
            star_i = i;
        } else if (p < pn && pat[p] == '_') {
            p++;
            i += char_len(s + i, n - i);
        } else if (p < pn && pat[p + (pat[p] == '\\')] != '\0' &&
                   fold((unsigned char)pat[p + (pat[p] == '\\')]) ==
                       fold((unsigned char)s[i])) {
            p += 1 + (pat[p] == '\\');
            i++;
        } else if (star) {
            p = star_p;
            star_i += char_len(s + star_i, n - star_i);
            i = star_i;
        } else {
            return 0;
        }
    }
    while (p < pn && pat[p] == '%')
        p++;
    return p == pn;
}

static int
truth(enum soql_op op, int c)
{
    const struct op_truth *t = &op_truth[op];

    return c < 0 ? t->lt : c > 0 ? t->gt : t->eq;
}

/* One comparison of a record value (s, n; s NULL for null) with v. */
static int
eval_one(enum soql_op op, enum mode mode, const char *s, size_t n,
         const struct soql_value *v, int64_t now_ms)
{
    /* Checkboxes are never null in Salesforce; unset reads as false. */
    if (s == NULL && mode == MODE_BOOL) {
        s = "false";
        n = 5;
    }
    if (v->kind == V_NULL)
        return op == OP_EQ ? s == NULL : op == OP_NE ? s != NULL : 0;
    /* Unlike SQL, SOQL's != is true for null: null differs from 'x'. */
    if (s == NULL)
        return op == OP_NE;
    if (op == OP_LIKE)
        return v->kind == V_STRING &&
               like_match(v->pattern != NULL ? v->pattern : v->text, s, n);
    return truth(op, value_cmp(mode, s, n, v, now_ms));
}

static enum fieldtype
ref_type(const struct soql_ref *ref, const struct field_access *rec)
{
    if (ref->type != FT_UNKNOWN || rec->type == NULL)
        return ref->type;
    return rec->type(rec->arg, ref->name);
}

static int
eval_cmp(const struct soql_node *c, const struct field_access *rec,
         int64_t now_ms)
{
    enum mode mode = mode_of(ref_type(&c->field, rec));
    size_t n = 0, i;
    const char *s = rec->value(rec->arg, c->field.name, &n);
    int hit = 0;

    if (s != NULL && n == 0)
        s = NULL;
    if (c->op != OP_IN && c->op != OP_NOT_IN)
        return eval_one(c->op, mode, s, n, &c->vals[0], now_ms);
    for (i = 0; i < c->nvals && !hit; i++)
        hit = eval_one(OP_EQ, mode, s, n, &c->vals[i], now_ms);
    return c->op == OP_IN ? hit : !hit;
}

static int
eval_node(const struct soql_node *n, const struct field_access *rec,
          int64_t now_ms)
{
    size_t i;

    switch (n->kind) {
    case N_AND:
        for (i = 0; i < n->nkids; i++)
            if (!eval_node(n->kids[i], rec, now_ms))
                return 0;
        return 1;
    case N_OR:
        for (i = 0; i < n->nkids; i++)
            if (eval_node(n->kids[i], rec, now_ms))
                return 1;
        return 0;
    case N_NOT: return !eval_node(n->kids[0], rec, now_ms);
    case N_CMP: return eval_cmp(n, rec, now_ms);
    }
    return 0;
}

int
soql_match(const struct soql_query *q, const struct field_access *rec,
           int64_t now_ms)
{
    return q->where == NULL || eval_node(q->where, rec, now_ms);
}

/* Two non-null record values, compared as the mode says. */
static int
pair_cmp(enum mode mode, const char *a, size_t an, const char *b, size_t bn)
{
    double x, y;
    int64_t s, t;

    switch (mode) {
    case MODE_NUMBER:
        if (parse_number(a, an, &x) == 0 && parse_number(b, bn, &y) == 0)
            return sign3(x, y);
        break;
    case MODE_WHEN:
        if (parse_when(a, an, &s) == 0 && parse_when(b, bn, &t) == 0)
            return (s > t) - (s < t);
        break;
    case MODE_BOOL: return parse_bool(a, an) - parse_bool(b, bn);
    case MODE_ID: return id_cmp(a, an, b, bn);
    case MODE_TEXT: break;
    }
    return text_cmp(a, an, b, bn);
}

static int
order_cmp(const struct soql_order *o, const struct field_access *a,
          const struct field_access *b)
{
    enum mode mode = mode_of(ref_type(&o->field, a));
    size_t an = 0, bn = 0;
    const char *va = a->value(a->arg, o->field.name, &an);
    const char *vb = b->value(b->arg, o->field.name, &bn);
    int c;

    va = an == 0 ? NULL : va;
    vb = bn == 0 ? NULL : vb;
    if (va == NULL || vb == NULL) {
        if (va == vb)
            return 0;
        return (va == NULL) == (o->nulls_first != 0) ? -1 : 1;
    }
    c = pair_cmp(mode, va, an, vb, bn);
    return o->desc ? -c : c;
}

int
soql_compare(const struct soql_query *q, const struct field_access *a,
             const struct field_access *b)
{
    size_t i;
    int c;

    for (i = 0; i < q->norder; i++)
        if ((c = order_cmp(&q->order[i], a, b)) != 0)
            return c;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */
/* ------------------------------------------------------------------ */

const char *
soql_object(const struct soql_query *q)
{
    return q->object.name;
}

int
soql_is_count(const struct soql_query *q)
{
    return q->is_count;
}

size_t
soql_field_count(const struct soql_query *q)
{
    return q->nfields;
}

int
soql_field_typeof(const struct soql_query *q, size_t i, const char *type,
                  const char *const **fields, size_t *n)
{
    const struct soql_typeof *t = q->fields[i].tof;
    size_t k;

    *fields = NULL;
    *n = 0;
    if (t == NULL)
        return -1;
    for (k = 0; k < t->n; k++) {
        const struct soql_branch *br = &t->branches[k];

        if (br->type.name == NULL ||
            (type != NULL && strcasecmp(br->type.name, type) == 0)) {
            *fields = br->names;
            *n = br->names != NULL ? br->nfields : 0;
            return 0;
        }
    }
    return 0;
}

const struct soql_query *
soql_field_subquery(const struct soql_query *q, size_t i)
{
    return q->fields[i].sub;
}

const char *
soql_field(const struct soql_query *q, size_t i)
{
    return i < q->nfields ? q->fields[i].name : NULL;
}

int64_t
soql_limit(const struct soql_query *q)
{
    return q->limit;
}

int64_t
soql_offset(const struct soql_query *q)
{
    return q->offset;
}

int
soql_has_order(const struct soql_query *q)
{
    return q->norder > 0;
}

static int
hint_of(const struct soql_node *n, const char **field, const char **value)
{
    enum mode mode = mode_of(n->field.type);

    if (n->kind != N_CMP || n->op != OP_EQ || n->vals[0].kind != V_STRING ||
        (mode != MODE_TEXT && mode != MODE_ID))
        return 0;
    *field = n->field.name;
    *value = n->vals[0].text;
    return 1;
}

int
soql_equality_hint(const struct soql_query *q, const char **field,
                   const char **value)
{
    size_t i;

    if (q->where == NULL)
        return 0;
    if (q->where->kind != N_AND)
        return hint_of(q->where, field, value);
    for (i = 0; i < q->where->nkids; i++)
        if (hint_of(q->where->kids[i], field, value))
            return 1;
    return 0;
}

void
soql_free(struct soql_query *q)
{
    size_t i;

    if (q == NULL)
        return;
    for (i = 0; i < q->nfields; i++)
        ref_clear(&q->fields[i]);
    free(q->fields);
    for (i = 0; i < q->norder; i++)
        ref_clear(&q->order[i].field);
    free(q->order);
    node_free(q->where);
    ref_clear(&q->object);
    free(q->alias);
    if (!q->text_borrowed)
        free(q->text);
    free(q);
}
