/*
 * formula_fn.c - the formula language's function library (see formula.h;
 * shared internals in formula_private.h).
 *
 * One table, funcs[], names every function with its arity, the types it
 * takes by position, its result type, and its evaluator: strict (its
 * arguments evaluated first) or lazy (IF, CASE, AND, OR evaluate their
 * own). Functions whose typing the table cannot say (IF, CASE, BLANKVALUE,
 * NULLVALUE) bring a check of their own. The language itself, and how
 * values and nulls flow, is formula.c's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "formula_private.h"
#include "jregex.h"
#include "utf8.h"

/* ---- helpers --------------------------------------------------------------*/

/* Non-negative character count from a number argument (null, < 0: 0). */
static size_t
num_to_count(const struct fval *v)
{
    if (v->null || !(v->num > 0))
        return 0;
    if (v->num >= 1e9)
        return (size_t)1e9;
    return (size_t)v->num;
}

/* ---- functions ------------------------------------------------------------*/

/* AND/OR with null as "unknown": AND(FALSE, NULL) is FALSE, AND(TRUE,
 * NULL) is null. Stops at the first deciding argument. */
int
formula_eval_logic(struct evalctx *c, struct node *const *args, int nargs,
                   int is_and, struct fval *out)
{
    struct fval v;
    int i, saw_null = 0;

    for (i = 0; i < nargs; i++) {
        if (formula_eval_node(c, args[i], &v) < 0)
            return -1;
        if (v.null) {
            saw_null = 1;
        } else if (v.b != is_and) {
            out->b = !is_and;
            return 0;
        }
    }
    if (saw_null)
        out->null = 1;
    else
        out->b = is_and;
    return 0;
}

static int
fn_and(struct evalctx *c, const struct node *n, struct fval *out)
{
    return formula_eval_logic(c, n->args, n->nargs, 1, out);
}

static int
fn_or(struct evalctx *c, const struct node *n, struct fval *out)
{
    return formula_eval_logic(c, n->args, n->nargs, 0, out);
}

/* IF with a null condition takes the else branch. */
static int
fn_if(struct evalctx *c, const struct node *n, struct fval *out)
{
    struct fval cond;

    if (formula_eval_node(c, n->args[0], &cond) < 0)
        return -1;
    return formula_eval_node(c, n->args[!cond.null && cond.b ? 1 : 2], out);
}

static int
fn_case(struct evalctx *c, const struct node *n, struct fval *out)
{
    struct fval key, v;
    int i;

    if (formula_eval_node(c, n->args[0], &key) < 0)
        return -1;
    for (i = 1; i + 1 < n->nargs; i += 2) {
        if (formula_eval_node(c, n->args[i], &v) < 0)
            return -1;
        if (formula_values_equal(n->args[0]->type, &key, &v))
            return formula_eval_node(c, n->args[i + 1], out);
    }
    return formula_eval_node(c, n->args[n->nargs - 1], out);
}

static int
fn_not(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    (void)c;
    (void)n;
    out->null = av[0].null;
    out->b = !av[0].b;
    return 0;
}

static int
fn_isblank(struct evalctx *c, const struct node *n, const struct fval *av,
           struct fval *out)
{
    (void)c;
    (void)n;
    out->b = av[0].null;
    return 0;
}

/* Salesforce: "Text fields are never null, so using ISNULL() with a text
 * field always returns false." Other types: the value is null. */
static int
fn_isnull(struct evalctx *c, const struct node *n, const struct fval *av,
          struct fval *out)
{
    (void)c;
    out->b = n->args[0]->type != T_TEXT && av[0].null;
    return 0;
}

static int
fn_ispickval(struct evalctx *c, const struct node *n, const struct fval *av,
             struct fval *out)
{
    (void)c;
    (void)n;
    out->b = formula_text_eq(&av[0], &av[1]);
    return 0;
}

/* Multi-select values are stored "A;B;C"; spaces around items ignored. */
static int
fn_includes(struct evalctx *c, const struct node *n, const struct fval *av,
            struct fval *out)
{
    const char *p = av[0].s, *end = av[0].s + av[0].len, *q, *a, *b;

    (void)c;
    (void)n;
    if (av[1].len == 0)
        return 0;
    while (p < end) {
        if ((q = memchr(p, ';', (size_t)(end - p))) == NULL)
            q = end;
        for (a = p; a < q && *a == ' '; a++)
            ;
        for (b = q; b > a && b[-1] == ' '; b--)
            ;
        if ((size_t)(b - a) == av[1].len &&
            memcmp(a, av[1].s, av[1].len) == 0) {
            out->b = 1;
            return 0;
        }
        p = q + 1;
    }
    return 0;
}

/* Up to 15 significant digits, no exponent, no trailing zeros. */
static int
text_number(struct evalctx *c, const struct node *n, double x, struct fval *out)
{
    char tmp[400];
    int digits, prec;
    size_t len;

    if (fabs(x) >= 1e15) {
        snprintf(tmp, sizeof(tmp), "%.0f", x);
    } else {
        digits = x == 0 ? 1 : (int)floor(log10(fabs(x))) + 1;
        prec = digits >= 15 ? 0 : digits < -24 ? 39 : 15 - digits;
        snprintf(tmp, sizeof(tmp), "%.*f", prec, x);
        len = strlen(tmp);
        if (strchr(tmp, '.') != NULL) {
            while (tmp[len - 1] == '0')
                tmp[--len] = '\0';
            if (tmp[len - 1] == '.')
                tmp[--len] = '\0';
        }
        if (strcmp(tmp, "-0") == 0)
            memmove(tmp, tmp + 1, 2);
    }
    return formula_set_text(c, n, tmp, strlen(tmp), out);
}

static int
fn_text(struct evalctx *c, const struct node *n, const struct fval *av,
        struct fval *out)
{
    char tmp[96];

    if (av[0].null) {
        out->null = 1;
        return 0;
    }
    switch (n->args[0]->type) {
    case T_NUM: return text_number(c, n, av[0].num, out);
    case T_DATE:
    case T_DATETIME:
        formula_date_text(n->args[0]->type, av[0].t, tmp, sizeof(tmp));
        return formula_set_text(c, n, tmp, strlen(tmp), out);
    default:
        out->s = av[0].s;
        out->len = av[0].len;
        return 0;
    }
}

static int
fn_value(struct evalctx *c, const struct node *n, const struct fval *av,
         struct fval *out)
{
    if (av[0].null) {
        out->null = 1;
        return 0;
    }
    if (formula_parse_number(av[0].s, av[0].len, &out->num) < 0)
        return formula_rt_error(c, n,
                                "VALUE() was given text that is not a number");
    return 0;
}

static int
fn_isnumber(struct evalctx *c, const struct node *n, const struct fval *av,
            struct fval *out)
{
    double v;

    (void)c;
    (void)n;
    out->b = !av[0].null && formula_parse_number(av[0].s, av[0].len, &v) == 0;
    return 0;
}

static int
fn_len(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    (void)c;
    (void)n;
    out->num = (double)utf8_count(av[0].s, av[0].len);
    return 0;
}

static int
fn_begins(struct evalctx *c, const struct node *n, const struct fval *av,
          struct fval *out)
{
    (void)c;
    (void)n;
    out->b = av[1].len <= av[0].len &&
             (av[1].len == 0 || memcmp(av[0].s, av[1].s, av[1].len) == 0);
    return 0;
}

static int
fn_contains(struct evalctx *c, const struct node *n, const struct fval *av,
            struct fval *out)
{
    (void)c;
    (void)n;
    out->b = av[1].len == 0 ||
             memmem(av[0].s, av[0].len, av[1].s, av[1].len) != NULL;
    return 0;
}

/* Java's matches(): the whole text, a blank field being "". */
static int
fn_regex(struct evalctx *c, const struct node *n, const struct fval *av,
         struct fval *out)
{
    struct jregex *tmp = NULL;
    const struct jregex *re = n->re;
    char msg[128], small[256], *subject;
    int rc = -1, m;

    if (re == NULL) {
        tmp = jregex_compile(av[1].s, av[1].len, msg, sizeof(msg));
        if (tmp == NULL) {
            formula_rt_error(c, n, "Invalid regular expression: %s", msg);
            goto out;
        }
        re = tmp;
    }
    if (av[0].len > JREGEX_MAX_SUBJECT) {
        formula_rt_error(c, n, "REGEX() text is longer than %d bytes",
                         JREGEX_MAX_SUBJECT);
        goto out;
    }
    /* NUL-terminated for regexec(): most texts fit on the stack, counted
     * against the formula's bytes all the same. */
    if (av[0].len < sizeof(small)) {
        if (formula_charge(c, n, av[0].len) == -1)
            goto out;
        subject = small;
    } else if ((subject = formula_alloc(c, n, av[0].len)) == NULL) {
        goto out;
    }
    memcpy(subject, av[0].s, av[0].len);
    subject[av[0].len] = '\0';
    if ((m = jregex_match(re, subject)) < 0) {
        formula_rt_error(c, n, "REGEX() could not match the text");
        goto out;
    }
    out->b = m;
    rc = 0;
out:
    jregex_free(tmp);
    return rc;
}

static int
case_map(struct evalctx *c, const struct node *n, const struct fval *v,
         int upper, struct fval *out)
{
    const unsigned char *s = (const unsigned char *)v->s;
    locale_t loc = utf8_locale();
    char *p;
    size_t i = 0, k, o = 0;
    uint32_t cp;
    wint_t w;

    if (v->null) {
        out->null = 1;
        return 0;
    }
    if ((p = formula_alloc(c, n, v->len * 4)) == NULL)
        return -1;
    while (i < v->len) {
        k = utf8_next((const char *)s + i, v->len - i, &cp);
        if (cp == UTF8_BAD) {
            p[o++] = (char)s[i++];
            continue;
        }
        if (loc != (locale_t)0)
            w = upper ? towupper_l((wint_t)cp, loc)
                      : towlower_l((wint_t)cp, loc);
        else if (cp < 0x80)
            w = upper ? (wint_t)(cp >= 'a' && cp <= 'z' ? cp - 32 : cp)
                      : (wint_t)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        else
            w = cp;
        if (w > 0x10FFFF || (w >= 0xD800 && w <= 0xDFFF))
            w = cp;
        o += utf8_encode((uint32_t)w, p + o);
        i += k;
    }
    p[o] = '\0';
    out->s = p;
    out->len = o;
    return 0;
}

static int
fn_upper(struct evalctx *c, const struct node *n, const struct fval *av,
         struct fval *out)
{
    return case_map(c, n, &av[0], 1, out);
}

static int
fn_lower(struct evalctx *c, const struct node *n, const struct fval *av,
         struct fval *out)
{
    return case_map(c, n, &av[0], 0, out);
}

static int
is_trim_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int
fn_trim(struct evalctx *c, const struct node *n, const struct fval *av,
        struct fval *out)
{
    const char *a = av[0].s, *b = av[0].s + av[0].len;

    (void)c;
    (void)n;
    while (a < b && is_trim_space(*a))
        a++;
    while (b > a && is_trim_space(b[-1]))
        b--;
    out->s = a;
    out->len = (size_t)(b - a);
    return 0;
}

static int
fn_left(struct evalctx *c, const struct node *n, const struct fval *av,
        struct fval *out)
{
    (void)c;
    (void)n;
    out->s = av[0].s;
    out->len = utf8_offset(av[0].s, av[0].len, num_to_count(&av[1]));
    return 0;
}

static int
fn_right(struct evalctx *c, const struct node *n, const struct fval *av,
         struct fval *out)
{
    size_t total = utf8_count(av[0].s, av[0].len), k = num_to_count(&av[1]);
    size_t off = utf8_offset(av[0].s, av[0].len, k >= total ? 0 : total - k);

    (void)c;
    (void)n;
    out->s = av[0].s + off;
    out->len = av[0].len - off;
    return 0;
}

/* MID(text, start, count): start is 1-based; below 1 counts as 1. */
static int
fn_mid(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    size_t start = num_to_count(&av[1]), from, to;

    (void)c;
    (void)n;
    start = start > 0 ? start - 1 : 0;
    from = utf8_offset(av[0].s, av[0].len, start);
    to = from +
         utf8_offset(av[0].s + from, av[0].len - from, num_to_count(&av[2]));
    out->s = av[0].s + from;
    out->len = to - from;
    return 0;
}

static int
fn_substitute(struct evalctx *c, const struct node *n, const struct fval *av,
              struct fval *out)
{
    const char *s = av[0].s, *end = av[0].s + av[0].len, *hit;
    size_t count = 0, total, o = 0;
    char *p;

    if (av[0].null || av[1].len == 0) {
        *out = av[0];
        return 0;
    }
    for (hit = s;
         (hit = memmem(hit, (size_t)(end - hit), av[1].s, av[1].len)) != NULL;
         hit += av[1].len)
        count++;
    total = av[0].len - count * av[1].len + count * av[2].len;
    if ((p = formula_alloc(c, n, total)) == NULL)
        return -1;
    while ((hit = memmem(s, (size_t)(end - s), av[1].s, av[1].len)) != NULL) {
        memcpy(p + o, s, (size_t)(hit - s));
        o += (size_t)(hit - s);
        if (av[2].len > 0)
            memcpy(p + o, av[2].s, av[2].len);
        o += av[2].len;
        s = hit + av[1].len;
    }
    memcpy(p + o, s, (size_t)(end - s));
    o += (size_t)(end - s);
    p[o] = '\0';
    out->s = p;
    out->len = o;
    return 0;
}

/* BLANKVALUE and NULLVALUE: null and blank are the same thing here, except
 * that NULLVALUE of a text never substitutes (text is never null). */
static int
fn_blankvalue(struct evalctx *c, const struct node *n, const struct fval *av,
              struct fval *out)
{
    (void)c;
    (void)n;
    *out = av[0].null ? av[1] : av[0];
    return 0;
}

static int
fn_nullvalue(struct evalctx *c, const struct node *n, const struct fval *av,
             struct fval *out)
{
    (void)c;
    *out = av[0].null && n->args[0]->type != T_TEXT ? av[1] : av[0];
    return 0;
}

/* TRUE while the record is being created (no prior version to read). */
static int
fn_isnew(struct evalctx *c, const struct node *n, const struct fval *av,
         struct fval *out)
{
    (void)n;
    (void)av;
    out->b = c->rec == NULL || c->rec->prior == NULL;
    return 0;
}

/* TRUE on an update that changes the field named by the argument; FALSE
 * on a create, as in Salesforce. Blank and absent are the same value. */
static int
fn_ischanged(struct evalctx *c, const struct node *n, const struct fval *av,
             struct fval *out)
{
    const struct field_access *now = c->rec, *was;
    const char *a, *b, *name;
    size_t alen = 0, blen = 0;

    (void)av;
    out->b = 0;
    if (now == NULL || (was = now->prior) == NULL ||
        n->args[0]->kind != N_FIELD)
        return 0;
    name = n->args[0]->str;
    a = now->value(now->arg, name, &alen);
    b = was->value(was->arg, name, &blen);
    if (a == NULL || b == NULL)
        out->b = (a == NULL) != (b == NULL);
    else
        out->b = alen != blen || memcmp(a, b, alen) != 0;
    return 0;
}

/* One-number functions: null in, null out. */
static int
num_unary(struct evalctx *c, const struct node *n, const struct fval *av,
          struct fval *out, double (*f)(double))
{
    if (av[0].null) {
        out->null = 1;
        return 0;
    }
    out->num = f(av[0].num);
    return formula_check_number(c, n, out->num);
}

static int
fn_abs(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    return num_unary(c, n, av, out, fabs);
}

/* Salesforce's FLOOR and CEILING are symmetric: FLOOR(-2.5) is -2
 * (toward zero), CEILING(-2.5) is -3 (away from zero); MFLOOR and MCEILING
 * are the mathematical floor and ceiling. */
static double
away_from_zero(double x)
{
    return x < 0 ? floor(x) : ceil(x);
}

static int
fn_floor(struct evalctx *c, const struct node *n, const struct fval *av,
         struct fval *out)
{
    return num_unary(c, n, av, out, trunc);
}

static int
fn_ceiling(struct evalctx *c, const struct node *n, const struct fval *av,
           struct fval *out)
{
    return num_unary(c, n, av, out, away_from_zero);
}

/* Half away from zero, as Salesforce rounds. */
static int
fn_round(struct evalctx *c, const struct node *n, const struct fval *av,
         struct fval *out)
{
    double digits, scale;

    if (av[0].null || av[1].null) {
        out->null = 1;
        return 0;
    }
    digits = trunc(fmax(-15.0, fmin(15.0, av[1].num)));
    scale = pow(10.0, digits);
    out->num = round(av[0].num * scale) / scale;
    if (!isfinite(out->num))
        out->num = av[0].num;
    return formula_check_number(c, n, out->num);
}

static int
fn_mod(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    if (av[0].null || av[1].null) {
        out->null = 1;
        return 0;
    }
    if (av[1].num == 0)
        return formula_rt_error(c, n, "Division by zero");
    out->num = fmod(av[0].num, av[1].num);
    return formula_check_number(c, n, out->num);
}

static int
num_extreme(const struct node *n, const struct fval *av, struct fval *out,
            int want)
{
    int i;

    for (i = 0; i < n->nargs; i++) {
        if (av[i].null) {
            out->null = 1;
            return 0;
        }
        if (i == 0 || formula_num_cmp(av[i].num, out->num) == want)
            out->num = av[i].num;
    }
    return 0;
}

static int
fn_min(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    (void)c;
    return num_extreme(n, av, out, -1);
}

static int
fn_max(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    (void)c;
    return num_extreme(n, av, out, 1);
}

/* PRIORVALUE(field): the field as stored before this change; while a
 * record is created, its value now (Salesforce: "returns the value of the
 * field referenced rather than null"). */
static int
fn_priorvalue(struct evalctx *c, const struct node *n, struct fval *out)
{
    const struct field_access *now = c->rec;
    int rc;

    if (now != NULL && now->prior != NULL)
        c->rec = now->prior;
    rc = formula_eval_node(c, n->args[0], out);
    c->rec = now;
    return rc;
}

/* ISCLONE(): no record the sim saves is a clone. */
static int
fn_isclone(struct evalctx *c, const struct node *n, const struct fval *av,
           struct fval *out)
{
    (void)c;
    (void)n;
    (void)av;
    out->b = 0;
    return 0;
}

static int
fn_sqrt(struct evalctx *c, const struct node *n, const struct fval *av,
        struct fval *out)
{
    if (!av[0].null && av[0].num < 0)
        return formula_rt_error(c, n, "SQRT() of a negative number");
    return num_unary(c, n, av, out, sqrt);
}

static int
fn_exp(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    return num_unary(c, n, av, out, exp);
}

static int
fn_ln(struct evalctx *c, const struct node *n, const struct fval *av,
      struct fval *out)
{
    if (!av[0].null && !(av[0].num > 0))
        return formula_rt_error(c, n, "LN() of a number that is not positive");
    return num_unary(c, n, av, out, log);
}

static int
fn_log(struct evalctx *c, const struct node *n, const struct fval *av,
       struct fval *out)
{
    if (!av[0].null && !(av[0].num > 0))
        return formula_rt_error(c, n, "LOG() of a number that is not positive");
    return num_unary(c, n, av, out, log10);
}

static int
fn_mceiling(struct evalctx *c, const struct node *n, const struct fval *av,
            struct fval *out)
{
    return num_unary(c, n, av, out, ceil);
}

static int
fn_mfloor(struct evalctx *c, const struct node *n, const struct fval *av,
          struct fval *out)
{
    return num_unary(c, n, av, out, floor);
}

/* ---- the table ------------------------------------------------------------*/

static func_check_fn check_if, check_case, check_unify, check_field_arg,
    check_priorvalue, check_addmonths;

#define A_BOOL TM(T_BOOL)
#define A_NUM TM(T_NUM)
#define A_TEXT TM(T_TEXT)

/* The function registry, sorted by name (formula_func_find() searches it
 * in halves); names are matched case-insensitively. */
/* clang-format off */
static const struct func funcs[] = {
    {.name = "ABS", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_abs},
    {.name = "ADDMONTHS", .min = 2, .max = 2, .args = {TM(T_DATE) | TM(T_DATETIME), A_NUM}, .check = check_addmonths, .eval = formula_fn_addmonths},
    {.name = "AND", .min = 1, .max = -1, .args = {A_BOOL}, .ret = T_BOOL, .lazy = fn_and},
    {.name = "BEGINS", .min = 2, .max = 2, .args = {A_TEXT}, .ret = T_BOOL, .eval = fn_begins},
    {.name = "BLANKVALUE", .min = 2, .max = 2, .check = check_unify, .eval = fn_blankvalue},
    {.name = "BR", .min = 0, .max = 0, .ret = T_TEXT, .eval = formula_fn_br},
    {.name = "CASE", .min = 4, .max = -1, .flags = FN_EVEN, .check = check_case, .lazy = fn_case},
    {.name = "CASESAFEID", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = formula_fn_casesafeid},
    {.name = "CEILING", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_ceiling},
    {.name = "CONTAINS", .min = 2, .max = 2, .args = {A_TEXT}, .ret = T_BOOL, .eval = fn_contains},
    {.name = "DATE", .min = 3, .max = 3, .args = {A_NUM}, .ret = T_DATE, .eval = formula_fn_date},
    {.name = "DATETIMEVALUE", .min = 1, .max = 1, .args = {TM(T_DATETIME) | TM(T_DATE) | A_TEXT}, .ret = T_DATETIME, .eval = formula_fn_datetimevalue},
    {.name = "DATEVALUE", .min = 1, .max = 1, .args = {TM(T_DATETIME) | TM(T_DATE) | A_TEXT}, .ret = T_DATE, .eval = formula_fn_datevalue},
    {.name = "DAY", .min = 1, .max = 1, .args = {TM(T_DATE)}, .ret = T_NUM, .eval = formula_fn_day},
    {.name = "DAYOFYEAR", .min = 1, .max = 1, .args = {TM(T_DATE)}, .ret = T_NUM, .eval = formula_fn_dayofyear},
    {.name = "EXP", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_exp},
    {.name = "FIND", .min = 2, .max = 3, .args = {A_TEXT, A_TEXT, A_NUM}, .ret = T_NUM, .eval = formula_fn_find},
    {.name = "FLOOR", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_floor},
    {.name = "FROMUNIXTIME", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_DATETIME, .eval = formula_fn_fromunixtime},
    {.name = "GETSESSIONID", .min = 0, .max = 0, .ret = T_TEXT, .eval = formula_fn_getsessionid},
    {.name = "HTMLENCODE", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = formula_fn_htmlencode},
    {.name = "HYPERLINK", .min = 2, .max = 3, .args = {A_TEXT}, .ret = T_TEXT, .eval = formula_fn_hyperlink},
    {.name = "IF", .min = 3, .max = 3, .check = check_if, .lazy = fn_if},
    {.name = "IMAGE", .min = 2, .max = 4, .args = {A_TEXT, A_TEXT, A_NUM}, .ret = T_TEXT, .eval = formula_fn_image},
    {.name = "INCLUDES", .min = 2, .max = 2, .args = {TM(T_MPICK), A_TEXT}, .ret = T_BOOL, .eval = fn_includes},
    {.name = "INITCAP", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = formula_fn_initcap},
    {.name = "ISBLANK", .min = 1, .max = 1, .args = {TM_ANY}, .ret = T_BOOL, .eval = fn_isblank},
    {.name = "ISCHANGED", .min = 1, .max = 1, .args = {TM_ANY}, .ret = T_BOOL, .check = check_field_arg, .eval = fn_ischanged},
    {.name = "ISCLONE", .min = 0, .max = 0, .ret = T_BOOL, .eval = fn_isclone},
    {.name = "ISNEW", .min = 0, .max = 0, .ret = T_BOOL, .eval = fn_isnew},
    {.name = "ISNULL", .min = 1, .max = 1, .args = {TM_ANY}, .ret = T_BOOL, .eval = fn_isnull},
    {.name = "ISNUMBER", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_BOOL, .eval = fn_isnumber},
    {.name = "ISOWEEK", .min = 1, .max = 1, .args = {TM(T_DATE)}, .ret = T_NUM, .eval = formula_fn_isoweek},
    {.name = "ISOYEAR", .min = 1, .max = 1, .args = {TM(T_DATE)}, .ret = T_NUM, .eval = formula_fn_isoyear},
    {.name = "ISPICKVAL", .min = 2, .max = 2, .args = {TM(T_PICK), A_TEXT}, .ret = T_BOOL, .eval = fn_ispickval},
    {.name = "JSENCODE", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = formula_fn_jsencode},
    {.name = "JSINHTMLENCODE", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = formula_fn_jsinhtmlencode},
    {.name = "LEFT", .min = 2, .max = 2, .args = {A_TEXT, A_NUM}, .ret = T_TEXT, .eval = fn_left},
    {.name = "LEN", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_NUM, .eval = fn_len},
    {.name = "LN", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_ln},
    {.name = "LOG", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_log},
    {.name = "LOWER", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = fn_lower},
    {.name = "LPAD", .min = 2, .max = 3, .args = {A_TEXT, A_NUM, A_TEXT}, .ret = T_TEXT, .eval = formula_fn_lpad},
    {.name = "MAX", .min = 1, .max = -1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_max},
    {.name = "MCEILING", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_mceiling},
    {.name = "MFLOOR", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_mfloor},
    {.name = "MID", .min = 3, .max = 3, .args = {A_TEXT, A_NUM}, .ret = T_TEXT, .eval = fn_mid},
    {.name = "MIN", .min = 1, .max = -1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_min},
    {.name = "MOD", .min = 2, .max = 2, .args = {A_NUM}, .ret = T_NUM, .eval = fn_mod},
    {.name = "MONTH", .min = 1, .max = 1, .args = {TM(T_DATE)}, .ret = T_NUM, .eval = formula_fn_month},
    {.name = "NOT", .min = 1, .max = 1, .args = {A_BOOL}, .ret = T_BOOL, .eval = fn_not},
    {.name = "NOW", .min = 0, .max = 0, .ret = T_DATETIME, .eval = formula_fn_now},
    {.name = "NULLVALUE", .min = 2, .max = 2, .check = check_unify, .eval = fn_nullvalue},
    {.name = "OR", .min = 1, .max = -1, .args = {A_BOOL}, .ret = T_BOOL, .lazy = fn_or},
    {.name = "PRIORVALUE", .min = 1, .max = 1, .args = {TM_ANY}, .flags = FN_PICK_TEXT, .check = check_priorvalue, .lazy = fn_priorvalue},
    {.name = "REGEX", .min = 2, .max = 2, .args = {A_TEXT}, .ret = T_BOOL, .flags = FN_REGEX, .eval = fn_regex},
    {.name = "REVERSE", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = formula_fn_reverse},
    {.name = "RIGHT", .min = 2, .max = 2, .args = {A_TEXT, A_NUM}, .ret = T_TEXT, .eval = fn_right},
    {.name = "ROUND", .min = 2, .max = 2, .args = {A_NUM}, .ret = T_NUM, .eval = fn_round},
    {.name = "RPAD", .min = 2, .max = 3, .args = {A_TEXT, A_NUM, A_TEXT}, .ret = T_TEXT, .eval = formula_fn_rpad},
    {.name = "SQRT", .min = 1, .max = 1, .args = {A_NUM}, .ret = T_NUM, .eval = fn_sqrt},
    {.name = "SUBSTITUTE", .min = 3, .max = 3, .args = {A_TEXT}, .ret = T_TEXT, .eval = fn_substitute},
    {.name = "TEXT", .min = 1, .max = 1, .args = {A_NUM | A_TEXT | TM(T_DATE) | TM(T_DATETIME) | TM(T_PICK)}, .ret = T_TEXT, .eval = fn_text},
    {.name = "TODAY", .min = 0, .max = 0, .ret = T_DATE, .eval = formula_fn_today},
    {.name = "TRIM", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = fn_trim},
    {.name = "UNIXTIMESTAMP", .min = 1, .max = 1, .args = {TM(T_DATE) | TM(T_DATETIME)}, .ret = T_NUM, .eval = formula_fn_unixtimestamp},
    {.name = "UPPER", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = fn_upper},
    {.name = "URLENCODE", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_TEXT, .eval = formula_fn_urlencode},
    {.name = "VALUE", .min = 1, .max = 1, .args = {A_TEXT}, .ret = T_NUM, .eval = fn_value},
    {.name = "WEEKDAY", .min = 1, .max = 1, .args = {TM(T_DATE)}, .ret = T_NUM, .eval = formula_fn_weekday},
    {.name = "YEAR", .min = 1, .max = 1, .args = {TM(T_DATE)}, .ret = T_NUM, .eval = formula_fn_year},
};
/* clang-format on */

#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))

const struct func *
formula_func_find(const char *name, size_t len)
{
    size_t lo = 0, hi = NFUNCS;

    /* name has no NUL: equal up to len and funcs' name ending there. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *f = funcs[mid].name;
        int cmp = strncasecmp(f, name, len);

        if (cmp == 0 && f[len] != '\0')
            cmp = 1;
        if (cmp == 0)
            return &funcs[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static unsigned
func_argmask(const struct func *f, int i)
{
    while (i > 0 && (i >= 3 || f->args[i] == 0))
        i--;
    return f->args[i];
}

/* ---- type checks ----------------------------------------------------------*/

static int
check_generic(struct node *n, struct formula_error *err)
{
    unsigned mask;
    int i;

    for (i = 0; i < n->nargs; i++) {
        mask = func_argmask(n->fn, i);
        if (n->args[i]->type != T_NULL && !(mask & TM(n->args[i]->type)))
            return formula_type_error(err, "function", n->fn->name, n->args[i],
                                      mask);
    }
    n->type = n->fn->ret;
    return 0;
}

static int
check_if(struct node *n, struct formula_error *err)
{
    enum ftype t = T_NULL;

    if (n->args[0]->type != T_BOOL && n->args[0]->type != T_NULL)
        return formula_type_error(err, "function", "IF", n->args[0],
                                  TM(T_BOOL));
    if (formula_unify(err, n, &t, n->args[1]) < 0 ||
        formula_unify(err, n, &t, n->args[2]) < 0)
        return -1;
    n->type = t;
    return 0;
}

static int
check_unify(struct node *n, struct formula_error *err)
{
    enum ftype t = T_NULL;

    if (formula_unify(err, n, &t, n->args[0]) < 0 ||
        formula_unify(err, n, &t, n->args[1]) < 0)
        return -1;
    n->type = t;
    return 0;
}

/* ISCHANGED(field) and PRIORVALUE(field) name a field of the record
 * itself, not an expression (nor a merge field or another record's
 * field, which have no prior value). */
static int
check_field_arg(struct node *n, struct formula_error *err)
{
    const struct node *a = n->args[0];

    if (a->kind != N_FIELD || a->str[0] == '$' || strchr(a->str, '.') != NULL) {
        formula_node_error(err, a,
                           "Function %s() takes a field of the record, not "
                           "an expression or merge field",
                           n->fn->name);
        return -1;
    }
    n->type = n->fn->ret;
    return 0;
}

/* PRIORVALUE(field) has the field's own type, picklists included. */
static int
check_priorvalue(struct node *n, struct formula_error *err)
{
    if (check_field_arg(n, err) < 0)
        return -1;
    n->type = n->args[0]->type;
    return 0;
}

/* ADDMONTHS(date or date/time, number) has its first argument's type. */
static int
check_addmonths(struct node *n, struct formula_error *err)
{
    if (check_generic(n, err) < 0)
        return -1;
    n->type = n->args[0]->type == T_DATETIME ? T_DATETIME : T_DATE;
    return 0;
}

/* CASE(expr, value1, result1, ..., else): values match expr's type (a
 * picklist compares as text), results agree with each other. */
static int
check_case(struct node *n, struct formula_error *err)
{
    const unsigned keys =
        TM(T_NUM) | TM(T_TEXT) | TM(T_PICK) | TM(T_DATE) | TM(T_DATETIME);
    enum ftype kt = n->args[0]->type, res = T_NULL;
    const struct node *v;
    int i;

    if (kt != T_NULL && !(keys & TM(kt)))
        return formula_type_error(err, "function", "CASE", n->args[0], keys);
    if (kt == T_PICK)
        kt = T_TEXT;
    for (i = 1; i + 1 < n->nargs; i += 2) {
        v = n->args[i];
        if (v->type == T_PICK || v->type == T_MPICK ||
            (v->type != T_NULL && kt != T_NULL && v->type != kt))
            return formula_type_error(err, "function", "CASE", v,
                                      kt != T_NULL ? TM(kt) : keys & ~TM_PICKS);
    }
    for (i = 2; i < n->nargs; i += 2)
        if (formula_unify(err, n, &res, n->args[i]) < 0)
            return -1;
    if (formula_unify(err, n, &res, n->args[n->nargs - 1]) < 0)
        return -1;
    n->type = res;
    return 0;
}

int
formula_check_call(struct node *n, struct formula_error *err)
{
    return n->fn->check != NULL ? n->fn->check(n, err) : check_generic(n, err);
}
