/*
 * soql.h - a SOQL subset: parse, check against a schema, evaluate.
 *
 * This module owns the query language only: tokens, grammar, Salesforce's
 * error texts, and the semantics of WHERE and ORDER BY over one record at a
 * time. It knows nothing of the store, HTTP or JSON; records are read through
 * struct field_access and the schema through struct soql_schema, so the
 * caller decides where objects, fields and "now" come from.
 *
 * Supported: SELECT f1, f2 | COUNT() FROM Object [alias] [WHERE cond]
 * [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n].
 * Conditions: = != <> < > <= >= LIKE IN, NOT IN, NOT, AND, OR, parentheses;
 * literals: 'strings' with backslash escapes, numbers, true/false, null,
 * YYYY-MM-DD, YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm), and the calendar date
 * literals (TODAY, LAST_N_DAYS:n, THIS_MONTH, ...), evaluated in UTC.
 * Fields may be relationship paths ("Account.Name") and the select list
 * may hold child subqueries ("(SELECT Id FROM Contacts WHERE ...)") and
 * TYPEOF on a (polymorphic) relationship when the schema given to
 * soql_bind() resolves them; the caller follows the
 * relationships when it reads a record (field_access) and runs the
 * subqueries itself.
 */
#ifndef SIM_SOQL_H
#define SIM_SOQL_H

#include <stddef.h>
#include <stdint.h>

#include "fieldtype.h"

/* Caps, so hostile input cannot exhaust memory or the stack. */
#define SOQL_MAX_LEN 100000         /* characters; Salesforce's own limit */
#define SOQL_MAX_DEPTH 64           /* nested parentheses and NOTs */
#define SOQL_MAX_FIELDS 1000        /* selected fields */
#define SOQL_MAX_IN 20000           /* values in one IN list */
#define SOQL_MAX_ORDER 32           /* ORDER BY keys; Salesforce's own limit */
#define SOQL_MAX_LIMIT 2147483647LL /* LIMIT and OFFSET values */
#define SOQL_NAME_MAX 256      /* canonical name buffers handed to schema */
#define SOQL_MAX_SUBQUERIES 20 /* child subqueries in one select list */

/*
 * Salesforce's error for a failed parse or bind: code is MALFORMED_QUERY,
 * INVALID_FIELD or INVALID_TYPE, message is Salesforce's text, beginning
 * with "\n<query row>\n<caret>\nERROR at Row:R:Column:C\n" where R and C
 * (1-based) locate the offending token. Long rows are echoed as a window
 * around the error so the whole message fits. The first error wins: zero-
 * initialise the struct before the first call ({0}); a set code is kept.
 */
struct soql_error {
    char code[40];
    char message[512];
};

struct soql_query;

/*
 * The schema as seen by soql_bind(). object_exists returns 1 if the object
 * exists (writing its canonical spelling, NUL-terminated, into canonical[n])
 * and 0 if not. field_type returns the field's type (writing its canonical
 * spelling) or FT_UNKNOWN if the object has no such field. Both compare names
 * case-insensitively.
 */
struct soql_schema {
    int (*object_exists)(void *arg, const char *object, char *canonical,
                         size_t n);
    enum fieldtype (*field_type)(void *arg, const char *object,
                                 const char *field, char *canonical, size_t n);
    void *arg;
    /*
     * Optional (NULL: refused). path_type resolves a relationship path
     * ("Account.Owner.Name") from object: 0 with its canonical spelling
     * and *type, or -1 with Salesforce's message in why[whyn]. child
     * finds the child relationship rel of object for a subquery: 0 with
     * the child object's and the relationship's canonical names, or -1.
     */
    int (*path_type)(void *arg, const char *object, const char *path,
                     char *canonical, size_t n, enum fieldtype *type, char *why,
                     size_t whyn);
    int (*child)(void *arg, const char *object, const char *rel, char *child,
                 size_t n, char *canonical_rel, size_t m);
};

/*
 * Parses text[0..len) (need not be NUL-terminated; keywords are case-
 * insensitive). Returns a new query, which the caller frees with
 * soql_free(), or NULL with err filled in (MALFORMED_QUERY). text is copied.
 */
struct soql_query *soql_parse(const char *text, size_t len,
                              struct soql_error *err);

/*
 * Parses one SOSL RETURNING item of text[0..len), starting at byte *pos:
 * "Object [(f1, f2 [WHERE cond] [ORDER BY ...] [LIMIT n] [OFFSET n])]".
 * A syntax error has code malformed (MALFORMED_SEARCH) and, like every
 * error of the query later (soql_bind()), a position in the whole text.
 * On success *pos is where the item ended (past its ')', or at the token
 * after the object name) and the query is as soql_parse() would give,
 * with no field when the item has no list. Caller frees with soql_free().
 */
struct soql_query *soql_parse_returning(const char *text, size_t len,
                                        size_t *pos, const char *malformed,
                                        struct soql_error *err);

/*
 * Writes Salesforce's positioned error into err (unless it holds one):
 * "\n<the row of text holding pos>\n<caret>\nERROR at Row:R:Column:C\n"
 * and tail. For other languages with SOQL's error shape (SOSL).
 */
void soql_error_at(struct soql_error *err, const char *code, const char *text,
                   size_t len, size_t pos, const char *tail);

/*
 * Checks the object and every field named in the select list, WHERE and
 * ORDER BY against schema, replaces each name by its canonical spelling,
 * strips "Object." / "alias." prefixes, and checks literal types against
 * field types. 0 on success; -1 with err filled in (INVALID_TYPE for the
 * object, INVALID_FIELD for a field or a literal of the wrong type,
 * MALFORMED_QUERY for a field selected twice). Call it once, before the
 * functions below; they also work on an unbound query, taking types from the
 * record and names as written.
 */
int soql_bind(struct soql_query *q, const struct soql_schema *schema,
              struct soql_error *err);

/* Borrowed strings below are valid until soql_free(q). */

/* The FROM object (canonical after soql_bind). */
const char *soql_object(const struct soql_query *q);
/* 1 for SELECT COUNT() (the field list is then empty), else 0. */
int soql_is_count(const struct soql_query *q);
/* Number of selected fields and the i-th (0-based, in query order): a
 * field, a relationship path ("Account.Name"), or the relationship name
 * of a child subquery, which soql_field_subquery() returns (else NULL). */
size_t soql_field_count(const struct soql_query *q);
const char *soql_field(const struct soql_query *q, size_t i);
const struct soql_query *soql_field_subquery(const struct soql_query *q,
                                             size_t i);
/*
 * Item i of the select list as TYPEOF ("TYPEOF What WHEN Account THEN
 * Name, Phone ... ELSE Name END"; soql_field() is then the relationship,
 * canonical after soql_bind()): the fields to read for a related record
 * of type (its WHEN branch, else ELSE's; *n 0 when neither fits), 0; -1
 * when item i is no TYPEOF. Borrowed.
 */
int soql_field_typeof(const struct soql_query *q, size_t i, const char *type,
                      const char *const **fields, size_t *n);
/* LIMIT n, or -1 when absent. */
int64_t soql_limit(const struct soql_query *q);
/* OFFSET n, or 0 when absent. */
int64_t soql_offset(const struct soql_query *q);
/* 1 if the query has an ORDER BY clause, else 0. */
int soql_has_order(const struct soql_query *q);

/*
 * Evaluates WHERE against one record: 1 if it matches (or there is no
 * WHERE), 0 if not. now_ms (epoch milliseconds) anchors TODAY and the other
 * relative date literals, in UTC days.
 */
int soql_match(const struct soql_query *q, const struct field_access *rec,
               int64_t now_ms);

/*
 * ORDER BY as a qsort-style comparator: <0 if a sorts before b, >0 after,
 * 0 if the keys tie (or there is no ORDER BY). Defaults as Salesforce's:
 * ASC puts nulls first, DESC puts them last. Ties are unordered, so use a
 * stable sort or break ties yourself for a deterministic order.
 */
int soql_compare(const struct soql_query *q, const struct field_access *a,
                 const struct field_access *b);

/*
 * An index hint: returns 1 if WHERE is, or is an AND containing at top
 * level, a plain Field = 'string' comparison, setting *field (canonical
 * after bind) and *value (the unescaped literal), both borrowed; else 0.
 * Every match must satisfy it, but it is only a pre-filter: look candidates
 * up case-insensitively (for id/reference fields by the first 15 characters,
 * case-sensitively) and still call soql_match() on each.
 */
int soql_equality_hint(const struct soql_query *q, const char **field,
                       const char **value);

/* Frees q and everything it owns; NULL is a no-op. */
void soql_free(struct soql_query *q);

#endif
