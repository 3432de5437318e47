/*
 * formula_private.h - what the formula language (formula.c: lexer, parser,
 * binder, evaluator) and its function library (formula_fn.c) share.
 *
 * The AST and the values evaluation passes around, the function table's
 * entry, and the calls each side makes into the other. The function
 * library is three files: formula_fn.c (the table, logic, numbers, basic
 * text), formula_date.c and formula_text.c. None of it is part of
 * formula.h's interface; only these files include it.
 */
#ifndef SIM_FORMULA_PRIVATE_H
#define SIM_FORMULA_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "formula.h"

/* Longest text read as a number (VALUE(), ISNUMBER(), stored values). */
#define FORMULA_NUMBER_MAX 511

/* Static (and runtime) types of formula expressions. */
enum ftype {
    T_NULL, /* the NULL literal: fits wherever any type does */
    T_BOOL,
    T_NUM,
    T_TEXT,
    T_DATE,
    T_DATETIME,
    T_PICK,
    T_MPICK,
    T_COUNT
};

#define TM(t) (1u << (t))
#define TM_ANY                                                                 \
    (TM(T_BOOL) | TM(T_NUM) | TM(T_TEXT) | TM(T_DATE) | TM(T_DATETIME) |       \
     TM(T_PICK) | TM(T_MPICK))
#define TM_PICKS (TM(T_PICK) | TM(T_MPICK))

enum node_kind {
    N_NUM,
    N_STR,
    N_BOOL,
    N_NULL,
    N_FIELD,
    N_NEG,
    N_POS,
    N_NOT,
    N_BINARY,
    N_CALL
};

struct binop;  /* formula.c: an operator's syntax */
struct optype; /* formula.c: the operand types an operator was bound to */
struct jregex;

struct node {
    enum node_kind kind;
    enum ftype type; /* literals: at parse; everything else: at bind */
    int line, column;
    int depth;               /* 1 + deepest child */
    double num;              /* N_NUM */
    int boolean;             /* N_BOOL */
    char *str;               /* N_STR text, N_FIELD name; owned, NUL-ended */
    size_t len;              /* of str */
    enum fieldtype ftype;    /* N_FIELD, at bind */
    char opname[3];          /* operators, as written */
    const struct binop *op;  /* N_BINARY */
    const struct optype *ot; /* N_BINARY, at bind: operand types chosen */
    const struct func *fn;   /* N_CALL */
    struct node **args;      /* owned, nargs entries */
    int nargs;
    struct jregex *re; /* REGEX(x, "literal"): compiled at parse; owned */
};

/* One evaluated value. Text is (s, len), never NULL once evaluated. */
struct fval {
    enum ftype type;
    int null;
    int b;
    double num;
    int64_t t; /* T_DATE: days since 1970-01-01; T_DATETIME: epoch ms */
    const char *s;
    size_t len;
};

struct evalctx {
    const struct field_access *rec;
    int64_t now_ms;
    struct formula_error *err;
    char **allocs; /* scratch text, freed when the evaluation ends */
    size_t nallocs, capallocs;
    size_t bytes;
};

typedef int func_eval_fn(struct evalctx *c, const struct node *n,
                         const struct fval *av, struct fval *out);
typedef int func_lazy_fn(struct evalctx *c, const struct node *n,
                         struct fval *out);
typedef int func_check_fn(struct node *n, struct formula_error *err);

#define FN_EVEN 0x1  /* argument count must be even (CASE) */
#define FN_REGEX 0x2 /* compile a literal second argument at parse time */
/* A picklist result also reads as text where an operator takes it:
 * PRIORVALUE(Status) = "Converted" is a valid rule. */
#define FN_PICK_TEXT 0x4

struct func {
    const char *name;
    int min, max;     /* max -1: up to FORMULA_MAX_ARGS */
    unsigned args[3]; /* accepted types by position; the last set repeats */
    enum ftype ret;
    unsigned flags;
    func_check_fn *check; /* replaces the generic args/ret check */
    func_eval_fn *eval;   /* strict: arguments evaluated first */
    func_lazy_fn *lazy;   /* evaluates its own arguments */
};

/* ---- formula.c, for the functions ------------------------------------- */

/* Evaluates n into *out (borrowing text from the AST, the record or c's
 * scratch). 0, or -1 with the first runtime error recorded in c. */
int formula_eval_node(struct evalctx *c, const struct node *n,
                      struct fval *out);
/* Records a runtime error at node at (the first one wins); returns -1. */
int formula_rt_error(struct evalctx *c, const struct node *at, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
/* n + 1 bytes of scratch text, freed when the evaluation ends; NULL (and
 * an error) past FORMULA_MAX_EVAL_BYTES. */
char *formula_alloc(struct evalctx *c, const struct node *at, size_t n);
/* Counts n bytes of text made elsewhere (on the stack) as formula_alloc()
 * counts its own: 0, or -1 (and the error) past FORMULA_MAX_EVAL_BYTES. */
int formula_charge(struct evalctx *c, const struct node *at, size_t n);
/* -1, 0 or 1; numbers within 1e-12 relative are equal. */
int formula_num_cmp(double a, double b);
/* Equal text bytes. */
int formula_text_eq(const struct fval *a, const struct fval *b);
/* Equality of two values of type t, as = and CASE() see it. */
int formula_values_equal(enum ftype t, const struct fval *a,
                         const struct fval *b);
/* 0 when v is finite; else a runtime error at n and -1. */
int formula_check_number(struct evalctx *c, const struct node *n, double v);
/* Text as a number (value.h's strict decimal, at most FORMULA_NUMBER_MAX
 * bytes); 0 or -1. */
int formula_parse_number(const char *s, size_t len, double *out);
/* Records err at node at's position (the first error wins); for checks
 * in the function library. */
void formula_node_error(struct formula_error *err, const struct node *at,
                        const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A type error for what (a "function" or an "operator") name, at bad, which
 * should have been one of the types in the mask expected; returns -1. */
int formula_type_error(struct formula_error *err, const char *what,
                       const char *name, const struct node *bad,
                       unsigned expected);
/* Folds arg's type into *acc, for results that must agree (IF, CASE,
 * BLANKVALUE); 0, or -1 with a type error for n's function. */
int formula_unify(struct formula_error *err, const struct node *n,
                  enum ftype *acc, const struct node *arg);

/* ---- formula_fn.c, for the language ------------------------------------ */

/* The function called name (len bytes, case-insensitive), or NULL. */
const struct func *formula_func_find(const char *name, size_t len);
/* Type-checks a bound call's arguments and sets its type; 0 or -1. */
int formula_check_call(struct node *n, struct formula_error *err);
/* AND/OR of args with null as "unknown", stopping at the first deciding
 * argument (AND(), OR(), && and ||). */
int formula_eval_logic(struct evalctx *c, struct node *const *args, int nargs,
                       int is_and, struct fval *out);

/* ---- formula_text.c ------------------------------------------------------ */

/* Copies len bytes of s into c's scratch as out's text; 0, or -1 past the
 * evaluation's byte cap. */
int formula_set_text(struct evalctx *c, const struct node *at, const char *s,
                     size_t len, struct fval *out);
func_eval_fn formula_fn_find, formula_fn_lpad, formula_fn_rpad, formula_fn_br,
    formula_fn_getsessionid, formula_fn_htmlencode, formula_fn_jsencode,
    formula_fn_jsinhtmlencode, formula_fn_urlencode, formula_fn_initcap,
    formula_fn_casesafeid, formula_fn_reverse, formula_fn_hyperlink,
    formula_fn_image;

/* ---- formula_date.c ------------------------------------------------------ */

func_eval_fn formula_fn_today, formula_fn_now, formula_fn_year,
    formula_fn_month, formula_fn_day, formula_fn_date, formula_fn_datevalue,
    formula_fn_datetimevalue, formula_fn_addmonths, formula_fn_weekday,
    formula_fn_dayofyear, formula_fn_isoweek, formula_fn_isoyear,
    formula_fn_unixtimestamp, formula_fn_fromunixtime;
/* A date (T_DATE: days) or date/time (T_DATETIME: epoch ms) as TEXT()
 * writes it: "2026-01-31", "2026-01-31 09:30:00Z". */
void formula_date_text(enum ftype t, int64_t v, char *out, size_t size);

#endif
