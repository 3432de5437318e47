/*
 * queryrun.h - a SOQL query run against the sim's records: parsed and
 * bound against the schema, candidates from an equality index when the
 * WHERE clause pins a stored field to one value (else a scan), WHERE
 * applied, ORDER BY sorted with ties in creation order; the recycle bin's
 * records too for queryAll.
 *
 * Shared by the REST query resources (h_query.c) and Bulk API query jobs
 * (bulkquery.c), which only differ in how they page and render the rows.
 * Records are read through recview.h, which the SOSL search shares.
 */
#ifndef SIM_QUERYRUN_H
#define SIM_QUERYRUN_H

#include <stddef.h>

#include "recview.h"

struct sim;
struct object_def;
struct soql_query;
struct soql_error;

/*
 * Parses text (len bytes) and binds it against the sim's schema: a new
 * query (caller frees with soql_free()), or NULL with err filled in.
 */
struct soql_query *queryrun_parse(struct sim *sim, const char *text, size_t len,
                                  struct soql_error *err);

/*
 * Adds every record of obj the bound query q matches to h, in result
 * order (borrowed from the store; the caller frees h->v). all: those in
 * the recycle bin too (queryAll).
 */
void queryrun_collect(struct sim *sim, const struct soql_query *q,
                      const struct object_def *obj, int all, struct recset *h);

#endif
