/*
 * sosl.h - a SOSL subset: parse a search and tell whether a record's text
 * matches its search term.
 *
 * FIND {term} [IN ALL|NAME|EMAIL|PHONE FIELDS]
 *      [RETURNING Object[(f1, f2 [WHERE ...] [ORDER BY ...] [LIMIT n]
 *                          [OFFSET n])], ...] [LIMIT n]
 *
 * The term is words, "quoted phrases", * and ? wildcards, AND, OR,
 * AND NOT and parentheses; Salesforce's reserved characters must be
 * escaped with a backslash. A word matches a text when the text has it
 * among its words (letters and digits, case-insensitive); a word with
 * punctuation (an email address) or a phrase matches words in a row, and
 * a phone text also matches a word of the same digits. Each RETURNING item
 * is a SOQL query (soql.h) parsed inside the search's text, so its errors
 * point into it.
 *
 * This module owns the language only; it knows nothing of the store, the
 * schema or HTTP. The caller gives each record's searchable texts.
 */
#ifndef SIM_SOSL_H
#define SIM_SOSL_H

#include <stddef.h>
#include <stdint.h>

#include "soql.h"

#define SOSL_MAX_LEN 100000   /* characters of the whole search */
#define SOSL_TERM_MAX 4000    /* characters of the term */
#define SOSL_MAX_WORDS 100    /* words and phrases in the term */
#define SOSL_MAX_DEPTH 16     /* nested parentheses in the term */
#define SOSL_MAX_OBJECTS 32   /* RETURNING items */
#define SOSL_MAX_ROWS 2000    /* records one search returns at most */
#define SOSL_MAX_WORD_PARTS 8 /* words in a row one word may stand for */

/* IN ... FIELDS: which of a record's fields the term is looked for in. */
enum sosl_scope {
    SOSL_IN_ALL,
    SOSL_IN_NAME,
    SOSL_IN_EMAIL,
    SOSL_IN_PHONE,
};

struct sosl_search;

/*
 * Parses text[0..len). A new search the caller frees with sosl_free(), or
 * NULL with err filled in: MALFORMED_SEARCH for a syntax error (positioned
 * as Salesforce positions them), INVALID_SEARCH for a term of fewer than
 * two characters.
 */
struct sosl_search *sosl_parse(const char *text, size_t len,
                               struct soql_error *err);

/*
 * A search built from parts (parameterizedSearch): the term as given, its
 * reserved characters taken literally; no RETURNING item yet. NULL with
 * err as sosl_parse().
 */
struct sosl_search *sosl_new(const char *term, size_t len,
                             enum sosl_scope scope, struct soql_error *err);
/* Adds a RETURNING item (stolen); -1 (and freed) past SOSL_MAX_OBJECTS. */
int sosl_add_object(struct sosl_search *s, struct soql_query *q);
/* The overall LIMIT (kept within 1..SOSL_MAX_ROWS). */
void sosl_set_limit(struct sosl_search *s, int64_t limit);

void sosl_free(struct sosl_search *s);

enum sosl_scope sosl_scope(const struct sosl_search *s);
/* The RETURNING items (borrowed; 0 when the search has none). */
size_t sosl_object_count(const struct sosl_search *s);
struct soql_query *sosl_object(const struct sosl_search *s, size_t i);
/* The overall LIMIT: SOSL_MAX_ROWS unless the search says less. */
int64_t sosl_limit(const struct sosl_search *s);
/* The search's text (or the term of a built one), for error echoes. */
const char *sosl_text(const struct sosl_search *s, size_t *len);

/*
 * An index hint: 1 when the term is one plain word without wildcards
 * (*word borrowed, as unescaped), else 0. A record whose email equals it
 * (case-insensitively), or whose phone has its digits, matches.
 */
int sosl_single_word(const struct sosl_search *s, const char **word);

/* One searchable text of a record; phone: also matched by digits. */
struct sosl_text {
    const char *value;
    size_t len;
    int phone;
};

/* 1 when the record whose texts are t[0..n) matches the term, else 0. */
int sosl_match(const struct sosl_search *s, const struct sosl_text *t,
               size_t n);

#endif
