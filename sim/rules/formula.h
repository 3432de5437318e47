/*
 * formula.h - Salesforce validation-rule formulas: parse, bind, evaluate.
 *
 * This module owns the formula language only: lexing, parsing into an AST,
 * static type checking against an object's fields, and evaluation against
 * one record read through struct field_access. It knows nothing about the
 * store, the org file or HTTP; rules.c decides what a formula means for a
 * request. A validation rule's formula is an error condition: TRUE means
 * the record is rejected.
 *
 * The language is Salesforce's, less what needs a platform the sim does
 * not have (HYPERLINK, IMAGE, VLOOKUP, GETRECORDIDS, geolocation, time
 * of day): the logical functions (AND OR NOT IF CASE ISBLANK ISNULL
 * BLANKVALUE NULLVALUE ISNEW ISCHANGED PRIORVALUE ISCLONE ISPICKVAL
 * INCLUDES ISNUMBER), the text functions (BEGINS BR CASESAFEID CONTAINS
 * FIND GETSESSIONID HTMLENCODE INITCAP JSENCODE JSINHTMLENCODE LEFT LEN
 * LOWER LPAD MID REGEX RIGHT RPAD SUBSTITUTE TEXT TRIM UPPER URLENCODE
 * VALUE), the math functions (ABS CEILING EXP FLOOR LN LOG MAX MCEILING
 * MFLOOR MIN MOD ROUND SQRT) and the date functions (ADDMONTHS DATE
 * DATETIMEVALUE DATEVALUE DAY DAYOFYEAR FROMUNIXTIME ISOWEEK ISOYEAR
 * MONTH NOW TODAY UNIXTIMESTAMP WEEKDAY YEAR); the operators + - * / ^ &
 * = == != <> < > <= >= && || ! and parentheses; "text" and 'text'
 * literals with backslash escapes, numbers, TRUE, FALSE, NULL; comments
 * between slash-star and star-slash; field references (Name, Custom__c)
 * and dotted names (Account.Name, $User.Id), which the caller's
 * field_access resolves. Function, keyword and field names are
 * case-insensitive.
 *
 * Every input is bounded (length, nesting depth, arguments per call,
 * regular-expression complexity, bytes produced while evaluating), so no
 * formula text can exhaust the stack or memory.
 */
#ifndef SIM_FORMULA_H
#define SIM_FORMULA_H

#include <stddef.h>
#include <stdint.h>

#include "fieldtype.h"

/* Longest formula accepted, in UTF-8 characters (Salesforce: 3,900). */
#define FORMULA_MAX_LEN 10000
/* Deepest nesting of calls, operators and parentheses. */
#define FORMULA_MAX_DEPTH 100
/* Most arguments one function call may take (AND, OR, CASE, MIN, MAX). */
#define FORMULA_MAX_ARGS 255
/* Most bytes of text one evaluation may produce (&, SUBSTITUTE, ...). */
#define FORMULA_MAX_EVAL_BYTES (4u * 1024 * 1024)

/*
 * Where and why a formula failed. line and column are 1-based and point at
 * the offending token (column counts UTF-8 characters); both are 0 when the
 * error has no position. message reads like Salesforce's formula editor,
 * e.g. "Syntax error. Missing ')'".
 */
struct formula_error {
    int line;
    int column;
    char message[256];
};

struct formula;

/*
 * Parses len bytes of text (need not be NUL-terminated; NUL bytes are
 * syntax errors). Checks syntax, function names and argument counts, and
 * compiles REGEX patterns given as literals. Returns a new formula that the
 * caller frees with formula_free(), or NULL with *err filled in (err may
 * be NULL). Never crashes on any input.
 */
struct formula *formula_parse(const char *text, size_t len,
                              struct formula_error *err);

/*
 * Resolves every field reference with field_type(arg, name), which returns
 * FT_UNKNOWN for a field the object lacks (struct field_access's type() and
 * arg fit), and type-checks the whole formula: operand and parameter types,
 * picklists used only where Salesforce allows them, and a Boolean result.
 * May be called again to re-bind. 0 on success; -1 with *err filled in (err
 * may be NULL), after which the formula cannot be evaluated.
 */
int formula_bind(struct formula *f,
                 enum fieldtype (*field_type)(void *arg, const char *field),
                 void *arg, struct formula_error *err);

/*
 * Evaluates a bound formula against one record. now_ms (epoch ms, UTC) is
 * what TODAY() and NOW() see. On success returns 0 and sets *result to 1
 * when the formula is TRUE (the rule fires) or 0 when it is FALSE or null.
 * On a runtime error (division by zero, VALUE() of text that is not a
 * number, a malformed stored value, too much text produced) or an unbound
 * formula, returns -1 with *result set to 0 (the rule does not fire) and
 * *err filled in (err may be NULL) so the caller can log it.
 */
int formula_eval_bool(const struct formula *f, const struct field_access *rec,
                      int64_t now_ms, int *result, struct formula_error *err);

/*
 * formula_bind() for a formula field's formula: its result must be of the
 * field's type want (text types take Text, number types Number, checkbox
 * Boolean, date and date/time their own; not a picklist). 0, or -1 with
 * *err filled in.
 */
int
formula_bind_value(struct formula *f,
                   enum fieldtype (*field_type)(void *arg, const char *field),
                   void *arg, enum fieldtype want, struct formula_error *err);

/*
 * Evaluates a formula bound with formula_bind_value() into *out, the value
 * as a record stores it (numbers with scale decimals, checkboxes
 * "true"/"false", dates "YYYY-MM-DD", date/times RFC 3339), a new string
 * the caller frees, or NULL when the result is null. 0, or -1 (and *out
 * NULL) on a runtime error, with *err filled in (err may be NULL).
 */
int formula_eval_text(const struct formula *f, const struct field_access *rec,
                      int64_t now_ms, int scale, char **out,
                      struct formula_error *err);

/* Frees f and everything it owns; NULL is a no-op. */
void formula_free(struct formula *f);

#endif
