/*
 * matching.h - a matching rule applied to the store: which stored records
 * are duplicates of a record about to be saved.
 *
 * A compiled matching rule knows its items (the record's field, mapped
 * onto the rule's field of the object compared with, and how they
 * compare), its boolean filter ("1 OR (2 AND 3)"; without one every item
 * must match) and what blank values do. Finding candidates goes through
 * the store's equality indexes only: from the filter it picks, for each
 * way the rule can match, the item whose index holds the fewest records,
 * so its cost does not grow with the store unless the matches do. An
 * item compared fuzzily is compared under its normalisation (README,
 * "Fidelity notes"). rules.c decides what a match means.
 */
#ifndef SIM_MATCHING_H
#define SIM_MATCHING_H

#include <stddef.h>

#include "org.h"

/* Longest boolean filter, and its deepest nesting. */
#define MATCHING_FILTER_MAX 1000
#define MATCHING_FILTER_DEPTH 32

struct schema;
struct store;
struct record;
struct rules_ref_env;
struct rules_ref_rec;
struct matching;

/*
 * Compiles matching rule m, used by a duplicate rule on records of
 * subject to find records of target (both from schema, by name), the
 * subject's fields mapped onto m's by mapping (NULL: by API name).
 * Returns the compiled rule (caller frees with matching_free(); it
 * borrows m and mapping), or NULL with why (size n) filled in: a field
 * either object lacks, a bad boolean filter.
 */
struct matching *matching_new(const struct org_mrule *m,
                              const struct schema *schema, const char *subject,
                              const char *target,
                              const struct org_mapping *mapping,
                              size_t nmapping, char *why, size_t n);
void matching_free(struct matching *mt);

/* The matching rule and the object compared with (borrowed). */
const struct org_mrule *matching_rule(const struct matching *mt);
const char *matching_target(const struct matching *mt);
/* 1 when an item compares fuzzily (Salesforce's FuzzyMatchEngine). */
int matching_fuzzy(const struct matching *mt);

/*
 * The stored records of the target object (in env's store and schema)
 * that match rec, never rec's own stored record: up to max of them into
 * out; returns how many it wrote.
 */
size_t matching_find(const struct matching *mt, struct rules_ref_env *env,
                     const struct rules_ref_rec *rec, struct record **out,
                     size_t max);

/* Checks a boolean filter's syntax over nitems items; 0, or -1 with why. */
int matching_filter_check(const char *filter, size_t nitems, char *why,
                          size_t n);

#endif
