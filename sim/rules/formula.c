/*
 * formula.c - Salesforce formula language (see formula.h).
 *
 * Pipeline: a hand-written lexer feeds a precedence-climbing parser that
 * builds an AST; formula_bind() resolves fields and gives every node a
 * static type; evaluation walks the AST with values that borrow text from
 * the AST, the record or a per-evaluation scratch list. Operators live in
 * two tables (syntax and typing) here; functions in one table in
 * formula_fn.c, formula_date.c and formula_text.c (shared internals:
 * formula_private.h). REGEX patterns are
 * Java syntax in Salesforce; jregex.c translates them to POSIX extended
 * regular expressions.
 */
#include "formula.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "formula_private.h"
#include "jregex.h"
#include "timefmt.h"
#include "utf8.h"
#include "value.h"
#include "xmalloc.h"

/* ---- types --------------------------------------------------------------- */

static const char *const ftype_names[T_COUNT] = {
    [T_NULL] = "Null",     [T_BOOL] = "Boolean",
    [T_NUM] = "Number",    [T_TEXT] = "Text",
    [T_DATE] = "Date",     [T_DATETIME] = "DateTime",
    [T_PICK] = "Picklist", [T_MPICK] = "Multi-Select Picklist",
};

/* How each field type reads in a formula. */
static const enum ftype fieldtype_map[FT_COUNT] = {
    [FT_ID] = T_TEXT,
    [FT_REFERENCE] = T_TEXT,
    [FT_STRING] = T_TEXT,
    [FT_TEXTAREA] = T_TEXT,
    [FT_EMAIL] = T_TEXT,
    [FT_PHONE] = T_TEXT,
    [FT_URL] = T_TEXT,
    [FT_PICKLIST] = T_PICK,
    [FT_MULTIPICKLIST] = T_MPICK,
    [FT_BOOLEAN] = T_BOOL,
    [FT_DOUBLE] = T_NUM,
    [FT_INT] = T_NUM,
    [FT_CURRENCY] = T_NUM,
    [FT_PERCENT] = T_NUM,
    [FT_DATE] = T_DATE,
    [FT_DATETIME] = T_DATETIME,
};

enum opcode {
    OP_OR,
    OP_AND,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_CONCAT,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_POW
};

struct formula {
    struct node *root;
    int bound;
    enum ftype result;   /* what the bound formula yields */
    enum fieldtype want; /* a value formula's field type (percent: x100) */
};

typedef int binop_eval_fn(struct evalctx *c, const struct node *n,
                          struct fval *out);

struct binop {
    int tok;
    enum opcode op;
    int prec;
    binop_eval_fn *eval;
};

struct optype {
    enum opcode op;
    enum ftype l, r, res;
};

/* ---- errors -------------------------------------------------------------- */

static void error_at(struct formula_error *err, int line, int column,
                     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The first error wins: later, vaguer messages never overwrite it. */
static void
error_at(struct formula_error *err, int line, int column, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || err->message[0] != '\0')
        return;
    err->line = line;
    err->column = column;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

void
formula_node_error(struct formula_error *err, const struct node *at,
                   const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || err->message[0] != '\0')
        return;
    err->line = at->line;
    err->column = at->column;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

/* ---- characters and numbers ---------------------------------------------- */

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
is_ident_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           c == '$';
}

static int
is_ident_char(int c)
{
    return is_ident_start(c) || is_digit(c);
}

/*
 * Stored values and the text VALUE() and ISNUMBER() read: value.h's strict
 * number, no longer than FORMULA_NUMBER_MAX bytes.
 */
int
formula_parse_number(const char *s, size_t len, double *out)
{
    if (len > FORMULA_NUMBER_MAX)
        return -1;
    return value_parse_number(s, len, 0, out);
}

/* ---- evaluation helpers --------------------------------------------------*/

int
formula_rt_error(struct evalctx *c, const struct node *at, const char *fmt, ...)
{
    va_list ap;

    if (c->err == NULL || c->err->message[0] != '\0')
        return -1;
    c->err->line = at->line;
    c->err->column = at->column;
    va_start(ap, fmt);
    vsnprintf(c->err->message, sizeof(c->err->message), fmt, ap);
    va_end(ap);
    return -1;
}

/* Scratch memory for one evaluation; NULL (and an error) past the cap. */
int
formula_charge(struct evalctx *c, const struct node *at, size_t n)
{
    if (n > FORMULA_MAX_EVAL_BYTES - c->bytes) {
        formula_rt_error(c, at, "Formula produced more than %u bytes of text",
                         FORMULA_MAX_EVAL_BYTES);
        return -1;
    }
    c->bytes += n;
    return 0;
}

char *
formula_alloc(struct evalctx *c, const struct node *at, size_t n)
{
    char *p;

    if (formula_charge(c, at, n) == -1)
        return NULL;
    if (c->nallocs == c->capallocs) {
        c->capallocs = c->capallocs ? c->capallocs * 2 : 16;
        c->allocs = xreallocarray(c->allocs, c->capallocs, sizeof(char *));
    }
    p = xmalloc(n + 1);
    c->allocs[c->nallocs++] = p;
    return p;
}

/* Numbers compare equal within 1e-12 relative: doubles stand in for
 * Salesforce's decimals, and 0.1 + 0.2 must equal 0.3. */
int
formula_num_cmp(double a, double b)
{
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));

    if (fabs(a - b) <= 1e-12 * scale)
        return 0;
    return a < b ? -1 : 1;
}

int
formula_text_eq(const struct fval *a, const struct fval *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

int
formula_values_equal(enum ftype t, const struct fval *a, const struct fval *b)
{
    if (t == T_TEXT || t == T_PICK)
        return formula_text_eq(a, b);
    if (a->null || b->null)
        return a->null && b->null;
    if (t == T_BOOL)
        return a->b == b->b;
    if (t == T_NUM)
        return formula_num_cmp(a->num, b->num) == 0;
    return a->t == b->t;
}

int
formula_check_number(struct evalctx *c, const struct node *n, double v)
{
    if (!isfinite(v))
        return formula_rt_error(c, n, "Number is out of range");
    return 0;
}

/* ---- operators ------------------------------------------------------------*/

enum tok {
    TK_EOF,
    TK_NUM,
    TK_STR,
    TK_IDENT,
    TK_LPAREN,
    TK_RPAREN,
    TK_COMMA,
    TK_PLUS,
    TK_MINUS,
    TK_STAR,
    TK_SLASH,
    TK_CARET,
    TK_AMP,
    TK_EQ,
    TK_NE,
    TK_LT,
    TK_LE,
    TK_GT,
    TK_GE,
    TK_AND,
    TK_OR,
    TK_NOT
};

/* Longest first, so "<>" wins over "<". */
static const struct punct {
    const char *text;
    enum tok kind;
} puncts[] = {
    {"&&", TK_AND},   {"||", TK_OR},   {"==", TK_EQ},   {"!=", TK_NE},
    {"<>", TK_NE},    {"<=", TK_LE},   {">=", TK_GE},   {"(", TK_LPAREN},
    {")", TK_RPAREN}, {",", TK_COMMA}, {"+", TK_PLUS},  {"-", TK_MINUS},
    {"*", TK_STAR},   {"/", TK_SLASH}, {"^", TK_CARET}, {"&", TK_AMP},
    {"=", TK_EQ},     {"<", TK_LT},    {">", TK_GT},    {"!", TK_NOT},
    {NULL, TK_EOF},
};

static binop_eval_fn eval_logic_op, eval_equality, eval_order, eval_concat,
    eval_arith;

/* Binary operators, loosest first. Unary - + ! bind tighter than * but
 * looser than ^, so -2^2 is -4. */
#define PREC_UNARY 7
static const struct binop binops[] = {
    {TK_OR, OP_OR, 1, eval_logic_op},
    {TK_AND, OP_AND, 2, eval_logic_op},
    {TK_EQ, OP_EQ, 3, eval_equality},
    {TK_NE, OP_NE, 3, eval_equality},
    {TK_LT, OP_LT, 3, eval_order},
    {TK_LE, OP_LE, 3, eval_order},
    {TK_GT, OP_GT, 3, eval_order},
    {TK_GE, OP_GE, 3, eval_order},
    {TK_AMP, OP_CONCAT, 4, eval_concat},
    {TK_PLUS, OP_ADD, 5, eval_arith},
    {TK_MINUS, OP_SUB, 5, eval_arith},
    {TK_STAR, OP_MUL, 6, eval_arith},
    {TK_SLASH, OP_DIV, 6, eval_arith},
    {TK_CARET, OP_POW, 8, eval_arith},
    {TK_EOF, OP_OR, 0, NULL},
};

static const struct binop *
binop_find(enum tok kind)
{
    const struct binop *b;

    for (b = binops; b->eval != NULL; b++)
        if (b->tok == (int)kind)
            return b;
    return NULL;
}

/* clang-format off */
#define OT_EQ(op)                                                              \
    {op, T_BOOL, T_BOOL, T_BOOL},                                              \
    {op, T_NUM, T_NUM, T_BOOL},                                                \
    {op, T_TEXT, T_TEXT, T_BOOL},                                              \
    {op, T_DATE, T_DATE, T_BOOL},                                              \
    {op, T_DATETIME, T_DATETIME, T_BOOL}
#define OT_ORDER(op)                                                           \
    {op, T_NUM, T_NUM, T_BOOL},                                                \
    {op, T_DATE, T_DATE, T_BOOL},                                              \
    {op, T_DATETIME, T_DATETIME, T_BOOL}
/* clang-format on */

/* Which operand types each operator takes, and what it yields. */
static const struct optype optypes[] = {
    {OP_OR, T_BOOL, T_BOOL, T_BOOL},
    {OP_AND, T_BOOL, T_BOOL, T_BOOL},
    OT_EQ(OP_EQ),
    OT_EQ(OP_NE),
    OT_ORDER(OP_LT),
    OT_ORDER(OP_LE),
    OT_ORDER(OP_GT),
    OT_ORDER(OP_GE),
    {OP_CONCAT, T_TEXT, T_TEXT, T_TEXT},
    {OP_ADD, T_NUM, T_NUM, T_NUM},
    {OP_ADD, T_TEXT, T_TEXT, T_TEXT}, /* + concatenates text too */
    {OP_ADD, T_DATE, T_NUM, T_DATE},
    {OP_ADD, T_NUM, T_DATE, T_DATE},
    {OP_ADD, T_DATETIME, T_NUM, T_DATETIME},
    {OP_ADD, T_NUM, T_DATETIME, T_DATETIME},
    {OP_SUB, T_NUM, T_NUM, T_NUM},
    {OP_SUB, T_DATE, T_NUM, T_DATE},
    {OP_SUB, T_DATE, T_DATE, T_NUM},
    {OP_SUB, T_DATETIME, T_NUM, T_DATETIME},
    {OP_SUB, T_DATETIME, T_DATETIME, T_NUM},
    {OP_MUL, T_NUM, T_NUM, T_NUM},
    {OP_DIV, T_NUM, T_NUM, T_NUM},
    {OP_POW, T_NUM, T_NUM, T_NUM},
    {OP_OR, T_COUNT, T_COUNT, T_COUNT},
};

/* The first row for op that fits; a NULL literal fits any type. */
static const struct optype *
optype_find(enum opcode op, enum ftype l, enum ftype r)
{
    const struct optype *o;

    for (o = optypes; o->l != T_COUNT; o++)
        if (o->op == op && (l == T_NULL || l == o->l) &&
            (r == T_NULL || r == o->r))
            return o;
    return NULL;
}

/* ---- binary operator evaluation -------------------------------------------*/

static int
eval_logic_op(struct evalctx *c, const struct node *n, struct fval *out)
{
    return formula_eval_logic(c, n->args, 2, n->op->op == OP_AND, out);
}

static int
eval_operands(struct evalctx *c, const struct node *n, struct fval *l,
              struct fval *r)
{
    if (formula_eval_node(c, n->args[0], l) < 0 ||
        formula_eval_node(c, n->args[1], r) < 0)
        return -1;
    return 0;
}

/* Text: null is "" (Salesforce has no null text). Other types: null
 * equals only null. */
static int
eval_equality(struct evalctx *c, const struct node *n, struct fval *out)
{
    struct fval l, r;
    int eq;

    if (eval_operands(c, n, &l, &r) < 0)
        return -1;
    eq = formula_values_equal(n->ot->l, &l, &r);
    out->b = n->op->op == OP_EQ ? eq : !eq;
    return 0;
}

/* An ordering with a null operand is FALSE. */
static int
eval_order(struct evalctx *c, const struct node *n, struct fval *out)
{
    struct fval l, r;
    int cmp;

    if (eval_operands(c, n, &l, &r) < 0)
        return -1;
    if (l.null || r.null)
        return 0;
    if (n->ot->l == T_NUM)
        cmp = formula_num_cmp(l.num, r.num);
    else
        cmp = l.t < r.t ? -1 : l.t > r.t;
    switch (n->op->op) {
    case OP_LT: out->b = cmp < 0; break;
    case OP_LE: out->b = cmp <= 0; break;
    case OP_GT: out->b = cmp > 0; break;
    default: out->b = cmp >= 0; break;
    }
    return 0;
}

static int
eval_concat(struct evalctx *c, const struct node *n, struct fval *out)
{
    struct fval l, r;
    char *p;

    if (eval_operands(c, n, &l, &r) < 0)
        return -1;
    if ((p = formula_alloc(c, n, l.len + r.len)) == NULL)
        return -1;
    if (l.len > 0)
        memcpy(p, l.s, l.len);
    if (r.len > 0)
        memcpy(p + l.len, r.s, r.len);
    p[l.len + r.len] = '\0';
    out->s = p;
    out->len = l.len + r.len;
    return 0;
}

/* Adds a number of days to a date (whole days) or datetime. */
static int
add_days(struct evalctx *c, const struct node *n, enum ftype t, int64_t base,
         double days, int64_t *res)
{
    if (!(fabs(days) < 1e7))
        return formula_rt_error(c, n, "Date is out of range");
    if (t == T_DATE)
        *res = base + (int64_t)trunc(days);
    else
        *res = base + (int64_t)llround(days * (double)CALENDAR_MS_PER_DAY);
    return 0;
}

static int
eval_datearith(struct evalctx *c, const struct node *n, const struct fval *l,
               const struct fval *r, struct fval *out)
{
    const struct optype *o = n->ot;
    double sign = o->op == OP_SUB ? -1.0 : 1.0;

    if (o->l != T_NUM && o->r == T_NUM)
        return add_days(c, n, o->l, l->t, sign * r->num, &out->t);
    if (o->l == T_NUM)
        return add_days(c, n, o->r, r->t, l->num, &out->t);
    /* date - date: days; datetime - datetime: fractional days */
    out->num = o->l == T_DATE
                   ? (double)(l->t - r->t)
                   : (double)(l->t - r->t) / (double)CALENDAR_MS_PER_DAY;
    return 0;
}

static int
eval_arith(struct evalctx *c, const struct node *n, struct fval *out)
{
    struct fval l, r;

    if (n->ot->l == T_TEXT)
        return eval_concat(c, n, out);
    if (eval_operands(c, n, &l, &r) < 0)
        return -1;
    if (l.null || r.null) {
        out->null = 1;
        return 0;
    }
    if (n->ot->l != T_NUM || n->ot->r != T_NUM)
        return eval_datearith(c, n, &l, &r, out);
    switch (n->op->op) {
    case OP_ADD: out->num = l.num + r.num; break;
    case OP_SUB: out->num = l.num - r.num; break;
    case OP_MUL: out->num = l.num * r.num; break;
    case OP_DIV:
        if (r.num == 0)
            return formula_rt_error(c, n, "Division by zero");
        out->num = l.num / r.num;
        break;
    default: out->num = pow(l.num, r.num); break;
    }
    return formula_check_number(c, n, out->num);
}

/* ---- evaluation -----------------------------------------------------------*/

static int
eval_field(struct evalctx *c, const struct node *n, struct fval *out)
{
    struct value_date date;
    const char *s = NULL;
    size_t len = 0;

    if (c->rec != NULL && c->rec->value != NULL)
        s = c->rec->value(c->rec->arg, n->str, &len);
    if (s == NULL || len == 0) {
        /* A checkbox is never null: blank means unchecked. */
        out->null = n->type != T_BOOL;
        return 0;
    }
    switch (n->type) {
    case T_BOOL:
        out->b = (len == 4 && strncasecmp(s, "true", 4) == 0) ||
                 (len == 1 && s[0] == '1');
        return 0;
    case T_NUM:
        if (formula_parse_number(s, len, &out->num) < 0)
            return formula_rt_error(c, n,
                                    "Field %s holds a value that is not a "
                                    "number",
                                    n->str);
        /* A percent field reads as a fraction: 10% is 0.1. */
        if (n->ftype == FT_PERCENT)
            out->num /= 100.0;
        return 0;
    case T_DATE:
        if (value_parse_date(s, len, 0, &date) < 0)
            return formula_rt_error(c, n,
                                    "Field %s holds a value that is not a "
                                    "date",
                                    n->str);
        out->t = date.days;
        return 0;
    case T_DATETIME:
        if (value_parse_datetime(s, len, VALUE_DATE_BARE, &out->t) < 0)
            return formula_rt_error(c, n,
                                    "Field %s holds a value that is not a "
                                    "date/time",
                                    n->str);
        return 0;
    default:
        out->s = s;
        out->len = len;
        return 0;
    }
}

static int
eval_call(struct evalctx *c, const struct node *n, struct fval *out)
{
    struct fval small[4], *av = small;
    int i, rc = -1;

    if (n->fn->lazy != NULL)
        return n->fn->lazy(c, n, out);
    if (n->nargs > 4)
        av = xcalloc((size_t)n->nargs, sizeof(*av));
    for (i = 0; i < n->nargs; i++)
        if (formula_eval_node(c, n->args[i], &av[i]) < 0)
            goto out;
    rc = n->fn->eval(c, n, av, out);
out:
    if (av != small)
        free(av);
    return rc;
}

int
formula_eval_node(struct evalctx *c, const struct node *n, struct fval *out)
{
    int rc = 0;

    memset(out, 0, sizeof(*out));
    switch (n->kind) {
    case N_NUM: out->num = n->num; break;
    case N_STR:
        out->s = n->str;
        out->len = n->len;
        break;
    case N_BOOL: out->b = n->boolean; break;
    case N_NULL: out->null = 1; break;
    case N_FIELD: rc = eval_field(c, n, out); break;
    case N_NEG:
    case N_POS:
    case N_NOT:
        if ((rc = formula_eval_node(c, n->args[0], out)) < 0)
            break;
        if (n->kind == N_NEG)
            out->num = -out->num;
        else if (n->kind == N_NOT)
            out->b = !out->b;
        break;
    case N_BINARY: rc = n->op->eval(c, n, out); break;
    case N_CALL: rc = eval_call(c, n, out); break;
    }
    if (rc < 0)
        return -1;
    out->type = n->type;
    /* Blank text is null text, and every null carries "" as its text. */
    if ((out->type == T_TEXT || out->type == T_PICK || out->type == T_MPICK) &&
        out->len == 0)
        out->null = 1;
    if (out->null) {
        out->s = "";
        out->len = 0;
    }
    return 0;
}

/* ---- lexer ----------------------------------------------------------------*/

struct token {
    enum tok kind;
    const char *start; /* raw text */
    size_t len;
    int line, column;
    double num;
    char *str; /* TK_STR: decoded, owned until taken */
    size_t slen;
};

struct parser {
    const char *text;
    size_t len, pos;
    int line, column; /* of text[pos] */
    int depth;
    struct token tok;
    struct formula_error *err;
};

static void
lex_advance(struct parser *p, size_t n)
{
    unsigned char ch;

    while (n-- > 0 && p->pos < p->len) {
        ch = (unsigned char)p->text[p->pos++];
        if (ch == '\n') {
            p->line++;
            p->column = 1;
        } else if ((ch & 0xC0) != 0x80) {
            p->column++;
        }
    }
}

/* A printable rendering of raw formula bytes for error messages. */
static void
describe_bytes(const char *s, size_t len, char *out, size_t size)
{
    size_t i = 0, o = 0, k;
    unsigned char ch;

    while (i < len && o + 8 < size) {
        ch = (unsigned char)s[i];
        k = utf8_next(s + i, len - i, NULL);
        if (i >= 40) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (k > 1) {
            memcpy(out + o, s + i, k);
            o += k;
        } else if (ch >= 0x20 && ch < 0x7F) {
            out[o++] = (char)ch;
        } else {
            o += (size_t)snprintf(out + o, size - o, "\\x%02X", ch);
        }
        i += k;
    }
    out[o] = '\0';
}

static int
lex_error(struct parser *p, const char *what, const char *s, size_t len)
{
    char desc[64];

    describe_bytes(s, len, desc, sizeof(desc));
    error_at(p->err, p->tok.line, p->tok.column, "Syntax error. %s '%s'", what,
             desc);
    return -1;
}

static int
lex_skip_space(struct parser *p)
{
    int line, column;
    char ch;

    while (p->pos < p->len) {
        ch = p->text[p->pos];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' ||
            ch == '\v') {
            lex_advance(p, 1);
        } else if (ch == '/' && p->pos + 1 < p->len &&
                   p->text[p->pos + 1] == '*') {
            line = p->line;
            column = p->column;
            lex_advance(p, 2);
            while (p->pos + 1 < p->len &&
                   !(p->text[p->pos] == '*' && p->text[p->pos + 1] == '/'))
                lex_advance(p, 1);
            if (p->pos + 1 >= p->len) {
                error_at(p->err, line, column,
                         "Syntax error. Missing '*/' to close the comment");
                return -1;
            }
            lex_advance(p, 2);
        } else {
            break;
        }
    }
    return 0;
}

static int
lex_number(struct parser *p)
{
    size_t start = p->pos;
    char *tmp;

    while (p->pos < p->len && is_digit((unsigned char)p->text[p->pos]))
        lex_advance(p, 1);
    if (p->pos < p->len && p->text[p->pos] == '.')
        do
            lex_advance(p, 1);
        while (p->pos < p->len && is_digit((unsigned char)p->text[p->pos]));
    p->tok.kind = TK_NUM;
    p->tok.len = p->pos - start;
    tmp = xmemdup0(p->text + start, p->tok.len);
    p->tok.num = strtod(tmp, NULL);
    free(tmp);
    if (!isfinite(p->tok.num)) {
        error_at(p->err, p->tok.line, p->tok.column, "Number is too large");
        return -1;
    }
    return 0;
}

/* \uXXXX (four hex digits) at s; -1 if malformed. */
static long
lex_hex4(const char *s, size_t avail)
{
    long v = 0;
    int i, ch;

    if (avail < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        ch = (unsigned char)s[i];
        v <<= 4;
        if (is_digit(ch))
            v |= ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            v |= ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            v |= ch - 'A' + 10;
        else
            return -1;
    }
    return v;
}

/* The character a \u escape at text[pos] denotes; advances past it. */
static long
lex_unicode(struct parser *p)
{
    const char *s = p->text + p->pos;
    size_t avail = p->len - p->pos;
    long hi, lo;

    if ((hi = lex_hex4(s + 2, avail - 2)) < 0)
        return -1;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return -1;
    if (hi < 0xD800 || hi > 0xDBFF) {
        lex_advance(p, 6);
        return hi;
    }
    /* A surrogate pair spells one character outside the BMP. */
    if (avail < 12 || s[6] != '\\' || s[7] != 'u' ||
        (lo = lex_hex4(s + 8, avail - 8)) < 0xDC00 || lo > 0xDFFF)
        return -1;
    lex_advance(p, 12);
    return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
}

/* The escapes a formula string may use, and what they stand for. */
static const struct {
    char c;
    char value;
} str_escapes[] = {
    {'\\', '\\'}, {'"', '"'},  {'\'', '\''}, {'n', '\n'}, {'r', '\r'},
    {'t', '\t'},  {'b', '\b'}, {'f', '\f'},  {0, 0},
};

static int
lex_escape(struct parser *p, char *out, size_t *o)
{
    char ch = p->pos + 1 < p->len ? p->text[p->pos + 1] : '\0';
    long cp;
    int i;

    for (i = 0; str_escapes[i].c != 0; i++) {
        if (str_escapes[i].c == ch) {
            out[(*o)++] = str_escapes[i].value;
            lex_advance(p, 2);
            return 0;
        }
    }
    if (ch == 'u' && (cp = lex_unicode(p)) >= 0) {
        *o += utf8_encode((uint32_t)cp, out + *o);
        return 0;
    }
    p->tok.line = p->line;
    p->tok.column = p->column;
    return lex_error(p, "Invalid escape sequence", p->text + p->pos,
                     p->pos + 1 < p->len ? 2 : 1);
}

static int
lex_string(struct parser *p)
{
    char quote = p->text[p->pos], *out;
    size_t o = 0;

    /* The decoded text is never longer than the source. */
    out = xmalloc(p->len - p->pos + 1);
    lex_advance(p, 1);
    for (;;) {
        if (p->pos >= p->len) {
            error_at(p->err, p->tok.line, p->tok.column,
                     "Syntax error. Missing closing %c", quote);
            goto fail;
        }
        if (p->text[p->pos] == quote)
            break;
        if (p->text[p->pos] == '\\') {
            if (lex_escape(p, out, &o) < 0)
                goto fail;
            continue;
        }
        out[o++] = p->text[p->pos];
        lex_advance(p, 1);
    }
    lex_advance(p, 1);
    out[o] = '\0';
    p->tok.kind = TK_STR;
    p->tok.str = out;
    p->tok.slen = o;
    return 0;
fail:
    free(out);
    return -1;
}

/* Name, Custom__c, Account.Owner.Name, $User.Id, Owner:User.Alias (a
 * polymorphic relationship with the type it is read as). */
static int
lex_ident(struct parser *p)
{
    size_t start = p->pos;
    char sep;

    for (;;) {
        lex_advance(p, 1);
        while (p->pos < p->len && is_ident_char((unsigned char)p->text[p->pos]))
            lex_advance(p, 1);
        sep = p->pos + 1 < p->len ? p->text[p->pos] : '\0';
        if ((sep == '.' || sep == ':') &&
            is_ident_start((unsigned char)p->text[p->pos + 1]))
            lex_advance(p, 1);
        else
            break;
    }
    p->tok.kind = TK_IDENT;
    p->tok.len = p->pos - start;
    return 0;
}

static int
lex_next(struct parser *p)
{
    const struct punct *pu;
    unsigned char ch;
    size_t n;

    free(p->tok.str);
    memset(&p->tok, 0, sizeof(p->tok));
    if (lex_skip_space(p) < 0)
        return -1;
    p->tok.line = p->line;
    p->tok.column = p->column;
    p->tok.start = p->text + p->pos;
    if (p->pos >= p->len) {
        p->tok.kind = TK_EOF;
        return 0;
    }
    ch = (unsigned char)p->text[p->pos];
    if (is_digit(ch) || (ch == '.' && p->pos + 1 < p->len &&
                         is_digit((unsigned char)p->text[p->pos + 1])))
        return lex_number(p);
    if (ch == '"' || ch == '\'')
        return lex_string(p);
    if (is_ident_start(ch))
        return lex_ident(p);
    for (pu = puncts; pu->text != NULL; pu++) {
        n = strlen(pu->text);
        if (p->len - p->pos >= n &&
            memcmp(p->text + p->pos, pu->text, n) == 0) {
            p->tok.kind = pu->kind;
            p->tok.len = n;
            lex_advance(p, n);
            return 0;
        }
    }
    n = utf8_next(p->text + p->pos, p->len - p->pos, NULL);
    return lex_error(p, "Found", p->text + p->pos, n);
}

/* ---- parser ---------------------------------------------------------------*/

static void
node_free(struct node *n)
{
    int i;

    if (n == NULL)
        return;
    for (i = 0; i < n->nargs; i++)
        node_free(n->args[i]);
    free(n->args);
    free(n->str);
    jregex_free(n->re);
    free(n);
}

static struct node *
node_new(enum node_kind kind, const struct token *at)
{
    struct node *n = xcalloc(1, sizeof(*n));

    n->kind = kind;
    n->line = at->line;
    n->column = at->column;
    n->depth = 1;
    return n;
}

static int
parse_too_deep(struct parser *p, int line, int column)
{
    error_at(p->err, line, column,
             "Formula is too complex: nesting is deeper than %d levels",
             FORMULA_MAX_DEPTH);
    return -1;
}

/* Sets n's depth from its children; -1 past FORMULA_MAX_DEPTH, which also
 * bounds every later recursion over the tree. */
static int
node_depth(struct parser *p, struct node *n)
{
    int i;

    for (i = 0; i < n->nargs; i++)
        if (n->args[i]->depth + 1 > n->depth)
            n->depth = n->args[i]->depth + 1;
    if (n->depth > FORMULA_MAX_DEPTH)
        return parse_too_deep(p, n->line, n->column);
    return 0;
}

static void
node_add_arg(struct node *n, struct node *arg, int *cap)
{
    if (n->nargs == *cap) {
        *cap = *cap ? *cap * 2 : 2;
        n->args = xreallocarray(n->args, (size_t)*cap, sizeof(*n->args));
    }
    n->args[n->nargs++] = arg;
}

static struct node *parse_expr(struct parser *p, int min_prec);

/* Counts one level of parser recursion at the token (line, column). */
static int
parse_enter(struct parser *p, int line, int column)
{
    if (++p->depth > FORMULA_MAX_DEPTH)
        return parse_too_deep(p, line, column);
    return 0;
}

static int
expect_rparen(struct parser *p)
{
    if (p->tok.kind != TK_RPAREN) {
        error_at(p->err, p->tok.line, p->tok.column,
                 "Syntax error. Missing ')'");
        return -1;
    }
    return lex_next(p);
}

static int
check_arity(struct parser *p, const struct node *n, const struct token *name)
{
    const struct func *f = n->fn;
    int max = f->max < 0 ? FORMULA_MAX_ARGS : f->max, want;

    if (n->nargs >= f->min && n->nargs <= max &&
        (!(f->flags & FN_EVEN) || n->nargs % 2 == 0))
        return 0;
    want = n->nargs < f->min ? f->min : n->nargs > max ? max : n->nargs + 1;
    error_at(p->err, name->line, name->column,
             "Incorrect number of parameters for function '%s()'. "
             "Expected %s%d, received %d",
             f->name, n->nargs < f->min && f->max < 0 ? "at least " : "", want,
             n->nargs);
    return -1;
}

/* REGEX(x, "literal"): compile once, and report a bad pattern now. */
static int
parse_regex_literal(struct parser *p, struct node *n)
{
    const struct node *pat = n->args[1];
    char msg[128];

    if (pat->kind != N_STR)
        return 0;
    if ((n->re = jregex_compile(pat->str, pat->len, msg, sizeof(msg))) ==
        NULL) {
        error_at(p->err, pat->line, pat->column,
                 "Invalid regular expression: %s", msg);
        return -1;
    }
    return 0;
}

static struct node *
parse_call(struct parser *p, const struct token *name)
{
    struct node *n = NULL, *arg;
    const struct func *f;
    int cap = 0;

    if ((f = formula_func_find(name->start, name->len)) == NULL) {
        error_at(p->err, name->line, name->column,
                 "Unknown function %.*s. Check spelling.",
                 (int)(name->len > 80 ? 80 : name->len), name->start);
        return NULL;
    }
    n = node_new(N_CALL, name);
    n->fn = f;
    if (parse_enter(p, name->line, name->column) < 0 || lex_next(p) < 0)
        goto fail;
    /* "f()" has no arguments; otherwise each comma needs one after it. */
    while (n->nargs > 0 || p->tok.kind != TK_RPAREN) {
        if (n->nargs == FORMULA_MAX_ARGS) {
            error_at(p->err, p->tok.line, p->tok.column,
                     "Too many parameters for function '%s()'. Maximum is %d",
                     f->name, FORMULA_MAX_ARGS);
            goto fail;
        }
        if ((arg = parse_expr(p, 0)) == NULL)
            goto fail;
        node_add_arg(n, arg, &cap);
        if (p->tok.kind != TK_COMMA)
            break;
        if (lex_next(p) < 0)
            goto fail;
    }
    if (expect_rparen(p) < 0 || check_arity(p, n, name) < 0 ||
        node_depth(p, n) < 0)
        goto fail;
    if ((f->flags & FN_REGEX) && parse_regex_literal(p, n) < 0)
        goto fail;
    p->depth--;
    return n;
fail:
    node_free(n);
    return NULL;
}

static const struct {
    const char *word;
    enum node_kind kind;
    int value;
} keywords[] = {
    {"TRUE", N_BOOL, 1},
    {"FALSE", N_BOOL, 0},
    {"NULL", N_NULL, 0},
    {NULL, N_NULL, 0},
};

static struct node *
parse_ident(struct parser *p)
{
    struct token name = p->tok;
    struct node *n;
    int i;

    if (lex_next(p) < 0)
        return NULL;
    if (p->tok.kind == TK_LPAREN)
        return parse_call(p, &name);
    for (i = 0; keywords[i].word != NULL; i++) {
        if (strncasecmp(keywords[i].word, name.start, name.len) == 0 &&
            keywords[i].word[name.len] == '\0') {
            n = node_new(keywords[i].kind, &name);
            n->boolean = keywords[i].value;
            n->type = n->kind == N_BOOL ? T_BOOL : T_NULL;
            return n;
        }
    }
    n = node_new(N_FIELD, &name);
    n->str = xmemdup0(name.start, name.len);
    n->len = name.len;
    return n;
}

static struct node *
parse_primary(struct parser *p)
{
    struct node *n = NULL;

    switch (p->tok.kind) {
    case TK_NUM:
        n = node_new(N_NUM, &p->tok);
        n->num = p->tok.num;
        n->type = T_NUM;
        break;
    case TK_STR:
        n = node_new(N_STR, &p->tok);
        n->str = p->tok.str;
        n->len = p->tok.slen;
        n->type = T_TEXT;
        p->tok.str = NULL;
        break;
    case TK_IDENT: return parse_ident(p);
    case TK_LPAREN:
        if (parse_enter(p, p->tok.line, p->tok.column) < 0 || lex_next(p) < 0 ||
            (n = parse_expr(p, 0)) == NULL)
            return NULL;
        if (expect_rparen(p) < 0) {
            node_free(n);
            return NULL;
        }
        p->depth--;
        return n;
    case TK_EOF:
        error_at(p->err, p->tok.line, p->tok.column,
                 "Syntax error. Unexpected end of formula");
        return NULL;
    default: lex_error(p, "Found", p->tok.start, p->tok.len); return NULL;
    }
    if (lex_next(p) < 0) {
        node_free(n);
        return NULL;
    }
    return n;
}

static const struct {
    enum tok tok;
    enum node_kind kind;
} unops[] = {
    {TK_MINUS, N_NEG},
    {TK_PLUS, N_POS},
    {TK_NOT, N_NOT},
    {TK_EOF, N_NULL},
};

/* The word NOT not followed by '(': Salesforce reads "not ISNUMBER(x)"
 * as the operator !. */
static int
word_not(const struct parser *p)
{
    size_t i = p->pos;

    if (p->tok.kind != TK_IDENT || p->tok.len != 3 ||
        strncasecmp(p->tok.start, "NOT", 3) != 0)
        return 0;
    while (i < p->len && (p->text[i] == ' ' || p->text[i] == '\t' ||
                          p->text[i] == '\r' || p->text[i] == '\n'))
        i++;
    return i >= p->len || p->text[i] != '(';
}

static struct node *
parse_unary(struct parser *p)
{
    struct token optok;
    struct node *n, *operand;
    int i;

    for (i = 0; unops[i].tok != TK_EOF; i++)
        if (unops[i].tok == p->tok.kind ||
            (unops[i].tok == TK_NOT && word_not(p)))
            break;
    if (unops[i].tok == TK_EOF)
        return parse_primary(p);
    optok = p->tok;
    if (parse_enter(p, optok.line, optok.column) < 0 || lex_next(p) < 0)
        return NULL;
    if ((operand = parse_expr(p, PREC_UNARY)) == NULL)
        return NULL;
    p->depth--;
    n = node_new(unops[i].kind, &optok);
    if (optok.kind == TK_IDENT) /* the word NOT */
        memcpy(n->opname, "!", 2);
    else
        memcpy(n->opname, optok.start, optok.len < 2 ? optok.len : 2);
    n->args = xcalloc(1, sizeof(*n->args));
    n->args[0] = operand;
    n->nargs = 1;
    if (node_depth(p, n) < 0) {
        node_free(n);
        return NULL;
    }
    return n;
}

/* Precedence climbing; left-associative at every level. */
static struct node *
parse_expr(struct parser *p, int min_prec)
{
    struct node *lhs, *rhs, *n;
    const struct binop *op;
    struct token optok;

    if ((lhs = parse_unary(p)) == NULL)
        return NULL;
    while ((op = binop_find(p->tok.kind)) != NULL && op->prec >= min_prec) {
        optok = p->tok;
        if (lex_next(p) < 0 || (rhs = parse_expr(p, op->prec + 1)) == NULL)
            goto fail;
        n = node_new(N_BINARY, &optok);
        memcpy(n->opname, optok.start, optok.len < 2 ? optok.len : 2);
        n->op = op;
        n->args = xcalloc(2, sizeof(*n->args));
        n->args[0] = lhs;
        n->args[1] = rhs;
        n->nargs = 2;
        lhs = n;
        if (node_depth(p, n) < 0)
            goto fail;
    }
    return lhs;
fail:
    node_free(lhs);
    return NULL;
}

struct formula *
formula_parse(const char *text, size_t len, struct formula_error *err)
{
    struct parser p;
    struct formula *f = NULL;
    struct node *root = NULL;
    size_t chars;

    if (err != NULL)
        memset(err, 0, sizeof(*err));
    memset(&p, 0, sizeof(p));
    if (text == NULL)
        len = 0;
    if ((chars = utf8_count(text, len)) > FORMULA_MAX_LEN) {
        error_at(err, 1, 1,
                 "Formula is too long (%zu characters). Maximum length is "
                 "%d characters.",
                 chars, FORMULA_MAX_LEN);
        goto out;
    }
    p.text = text;
    p.len = len;
    p.line = 1;
    p.column = 1;
    p.err = err;
    if (lex_next(&p) < 0)
        goto out;
    if (p.tok.kind == TK_EOF) {
        error_at(err, p.tok.line, p.tok.column, "Formula is empty");
        goto out;
    }
    if ((root = parse_expr(&p, 0)) == NULL)
        goto out;
    if (p.tok.kind != TK_EOF) {
        lex_error(&p, "Extra", p.tok.start, p.tok.len);
        goto out;
    }
    f = xcalloc(1, sizeof(*f));
    f->root = root;
    root = NULL;
out:
    free(p.tok.str);
    node_free(root);
    return f;
}

/* ---- binding and type checking -------------------------------------------*/

struct binder {
    enum fieldtype (*field_type)(void *arg, const char *field);
    void *arg;
    struct formula_error *err;
};

static void
mask_names(unsigned mask, char *out, size_t size)
{
    size_t o = 0;
    int t;

    out[0] = '\0';
    for (t = T_BOOL; t < T_COUNT; t++) {
        if (!(mask & TM(t)) || o >= size)
            continue;
        o += (size_t)snprintf(out + o, size - o, "%s%s", o ? ", " : "",
                              ftype_names[t]);
    }
}

/* bad is the operand or argument that does not fit what is expected. */
int
formula_type_error(struct formula_error *err, const char *what,
                   const char *name, const struct node *bad, unsigned expected)
{
    char list[128];
    int is_fn = strcmp(what, "function") == 0;

    if (bad->kind == N_FIELD && (bad->type == T_PICK || bad->type == T_MPICK)) {
        error_at(err, bad->line, bad->column,
                 bad->type == T_PICK
                     ? "Field %.*s is a picklist field. Picklist fields are "
                       "only supported in certain functions."
                     : "Field %.*s is a multi-select picklist field. "
                       "Multi-select picklist fields are only supported in "
                       "certain functions.",
                 (int)(bad->len > 80 ? 80 : bad->len), bad->str);
        return -1;
    }
    mask_names(expected, list, sizeof(list));
    error_at(err, bad->line, bad->column,
             "Incorrect parameter type for %s '%s%s'. Expected %s, received "
             "%s",
             what, name, is_fn ? "()" : "", list, ftype_names[bad->type]);
    return -1;
}

/* Folds arg's type into *acc: results of IF, CASE, BLANKVALUE must agree
 * (NULL fits any), and picklists are not values. */
int
formula_unify(struct formula_error *err, const struct node *n, enum ftype *acc,
              const struct node *arg)
{
    if (arg->type == T_PICK || arg->type == T_MPICK)
        return formula_type_error(err, "function", n->fn->name, arg,
                                  TM_ANY & ~TM_PICKS);
    if (arg->type == T_NULL)
        return 0;
    if (*acc != T_NULL && *acc != arg->type)
        return formula_type_error(err, "function", n->fn->name, arg, TM(*acc));
    *acc = arg->type;
    return 0;
}

static unsigned
optype_mask(enum opcode op, int right, enum ftype left)
{
    const struct optype *o;
    unsigned mask = 0;

    for (o = optypes; o->l != T_COUNT; o++)
        if (o->op == op && (!right || left == T_NULL || o->l == left))
            mask |= TM(right ? o->r : o->l);
    return mask;
}

/* An operand whose picklist value may also be read as text. */
static void
pick_as_text(struct node *a)
{
    if (a->kind == N_CALL && a->type == T_PICK && (a->fn->flags & FN_PICK_TEXT))
        a->type = T_TEXT;
}

static int
check_binary(struct node *n, struct formula_error *err)
{
    enum ftype l, r;
    enum opcode op = n->op->op;
    unsigned lefts = optype_mask(op, 0, T_NULL);

    pick_as_text(n->args[0]);
    pick_as_text(n->args[1]);
    l = n->args[0]->type;
    r = n->args[1]->type;

    if (l != T_NULL && !(lefts & TM(l)))
        return formula_type_error(err, "operator", n->opname, n->args[0],
                                  lefts);
    if ((n->ot = optype_find(op, l, r)) == NULL)
        return formula_type_error(err, "operator", n->opname, n->args[1],
                                  optype_mask(op, 1, l));
    n->type = n->ot->res;
    return 0;
}

static int
check_unary(struct node *n, struct formula_error *err)
{
    enum ftype want = n->kind == N_NOT ? T_BOOL : T_NUM;
    const struct node *a = n->args[0];

    if (a->type != want && a->type != T_NULL)
        return formula_type_error(err, "operator", n->opname, a, TM(want));
    n->type = want;
    return 0;
}

static int
bind_node(struct binder *b, struct node *n)
{
    enum fieldtype ft;
    int i;

    for (i = 0; i < n->nargs; i++)
        if (bind_node(b, n->args[i]) < 0)
            return -1;
    switch (n->kind) {
    case N_FIELD:
        ft = b->field_type(b->arg, n->str);
        if ((int)ft < 0 || ft >= FT_COUNT) {
            error_at(b->err, n->line, n->column,
                     "Field %.*s does not exist. Check spelling.",
                     (int)(n->len > 80 ? 80 : n->len), n->str);
            return -1;
        }
        n->ftype = ft;
        n->type = fieldtype_map[ft];
        return 0;
    case N_NEG:
    case N_POS:
    case N_NOT: return check_unary(n, b->err);
    case N_BINARY: return check_binary(n, b->err);
    case N_CALL: return formula_check_call(n, b->err);
    default: return 0; /* literals were typed by the parser */
    }
}

/* Binds f and checks that its result is of type want (a NULL literal
 * fits a value, never a condition). */
static int
bind_as(struct formula *f,
        enum fieldtype (*field_type)(void *arg, const char *field), void *arg,
        enum ftype want, struct formula_error *err)
{
    struct binder b = {field_type, arg, err};
    enum ftype got;

    if (err != NULL)
        memset(err, 0, sizeof(*err));
    if (f == NULL || field_type == NULL) {
        error_at(err, 0, 0, "No formula or field lookup to bind");
        return -1;
    }
    f->bound = 0;
    if (bind_node(&b, f->root) < 0)
        return -1;
    got = f->root->type;
    /* A picklist result reads as its text (a formula field may return
     * one through BLANKVALUE()); a date formula field may compute a
     * date/time (its GMT date is kept) and the other way round, as
     * Salesforce converts them. */
    if ((got == T_PICK && want == T_TEXT) ||
        (want != T_BOOL && (got == T_DATE || got == T_DATETIME) &&
         (want == T_DATE || want == T_DATETIME)))
        got = want;
    if (got != want && !(got == T_NULL && want != T_BOOL)) {
        error_at(err, f->root->line, f->root->column,
                 "Formula result is data type (%s), incompatible with "
                 "expected data type (%s).",
                 ftype_names[got],
                 want == T_BOOL ? "true or false" : ftype_names[want]);
        return -1;
    }
    f->result = want;
    f->want = FT_COUNT;
    f->bound = 1;
    return 0;
}

int
formula_bind(struct formula *f,
             enum fieldtype (*field_type)(void *arg, const char *field),
             void *arg, struct formula_error *err)
{
    return bind_as(f, field_type, arg, T_BOOL, err);
}

int
formula_bind_value(struct formula *f,
                   enum fieldtype (*field_type)(void *arg, const char *field),
                   void *arg, enum fieldtype want, struct formula_error *err)
{
    enum ftype t;

    if ((int)want < 0 || want >= FT_COUNT || want == FT_PICKLIST ||
        want == FT_MULTIPICKLIST) {
        error_at(err, 0, 0, "A formula cannot yield that field type");
        return -1;
    }
    t = fieldtype_map[want];
    if (bind_as(f, field_type, arg, t, err) < 0)
        return -1;
    f->want = want;
    return 0;
}

/* Evaluates a bound f into *v, then calls done(v, arg) while the scratch
 * text is alive; 0, or -1 with err set. */
static int
eval_root(const struct formula *f, const struct field_access *rec,
          int64_t now_ms, struct formula_error *err,
          int (*done)(const struct fval *v, void *arg), void *arg)
{
    struct evalctx c;
    struct fval v;
    size_t i;
    int rc = -1;

    if (err != NULL)
        memset(err, 0, sizeof(*err));
    if (f == NULL || !f->bound) {
        error_at(err, 0, 0, "Formula is not bound to an object");
        return -1;
    }
    memset(&c, 0, sizeof(c));
    c.rec = rec;
    c.now_ms = now_ms;
    c.err = err;
    if (formula_eval_node(&c, f->root, &v) == 0)
        rc = done(&v, arg);
    for (i = 0; i < c.nallocs; i++)
        free(c.allocs[i]);
    free(c.allocs);
    return rc;
}

static int
done_bool(const struct fval *v, void *arg)
{
    *(int *)arg = !v->null && v->b;
    return 0;
}

int
formula_eval_bool(const struct formula *f, const struct field_access *rec,
                  int64_t now_ms, int *result, struct formula_error *err)
{
    *result = 0;
    if (f != NULL && f->bound && f->result != T_BOOL) {
        error_at(err, 0, 0, "Formula does not yield true or false");
        return -1;
    }
    return eval_root(f, rec, now_ms, err, done_bool, result);
}

struct text_out {
    const struct formula *f;
    int scale;
    char **out;
};

/* A value as a record stores it (fieldtype.h): numbers with the field's
 * scale, checkboxes "true"/"false", dates ISO 8601. */
static int
done_text(const struct fval *v, void *arg)
{
    struct text_out *t = arg;
    char tmp[TIMEFMT_LEN + 400];
    int64_t ms;
    double num;

    *t->out = NULL;
    if (v->null && v->type != T_BOOL)
        return 0;
    switch (t->f->result) {
    case T_BOOL: *t->out = xstrdup(v->b ? "true" : "false"); return 0;
    case T_NUM:
        /* A percent field stores 10 for 10%; its formula yields 0.1. */
        num = t->f->want == FT_PERCENT ? v->num * 100.0 : v->num;
        if (!isfinite(num))
            return -1;
        snprintf(tmp, sizeof(tmp), "%.*f", t->scale, num);
        *t->out = xstrdup(tmp);
        return 0;
    case T_DATE:
        ms = v->type == T_DATETIME ? v->t : v->t * CALENDAR_MS_PER_DAY;
        *t->out = xstrdup(timefmt_date(ms, tmp));
        return 0;
    case T_DATETIME:
        ms = v->type == T_DATE ? v->t * CALENDAR_MS_PER_DAY : v->t;
        *t->out = xstrdup(timefmt_rfc3339(ms, tmp));
        return 0;
    default: *t->out = xmemdup0(v->s, v->len); return 0;
    }
}

int
formula_eval_text(const struct formula *f, const struct field_access *rec,
                  int64_t now_ms, int scale, char **out,
                  struct formula_error *err)
{
    struct text_out t = {f, scale < 0 ? 0 : scale > 17 ? 17 : scale, out};

    *out = NULL;
    return eval_root(f, rec, now_ms, err, done_text, &t);
}

void
formula_free(struct formula *f)
{
    if (f == NULL)
        return;
    node_free(f->root);
    free(f);
}
