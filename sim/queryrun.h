/*
 * queryrun.h - a SOQL query run against the sim's records: parsed and
 * bound against the schema, candidates from an equality index when the
 * WHERE clause pins a stored field to one value (else a scan), WHERE
 * applied, ORDER BY sorted with ties in creation order.
 *
 * Shared by the REST query resource (h_query.c) and Bulk API query jobs
 * (bulkquery.c), which only differ in how they page and render the rows.
 */
#ifndef SIM_QUERYRUN_H
#define SIM_QUERYRUN_H

#include <stddef.h>

struct sim;
struct record;
struct object_def;
struct soql_query;
struct soql_error;

/* Matching records, in result order (borrowed from the store). */
struct queryrun_hits {
    struct record **v; /* owned: free(v) */
    size_t n, cap;
};

/*
 * Parses text (len bytes) and binds it against the sim's schema: a new
 * query (caller frees with soql_free()), or NULL with err filled in.
 */
struct soql_query *queryrun_parse(struct sim *sim, const char *text, size_t len,
                                  struct soql_error *err);

/* Every record of obj the bound query q matches, in result order. */
void queryrun_collect(struct sim *sim, const struct soql_query *q,
                      const struct object_def *obj, struct queryrun_hits *h);

/* The slice [*from, *to) of n matches that OFFSET and LIMIT leave. */
void queryrun_window(const struct soql_query *q, size_t n, size_t *from,
                     size_t *to);

#endif
