/*
 * bulkquery.h - the query side of the Bulk API: a job's SOQL checked when
 * it is created and run when its processing starts, its result kept as
 * the CSV the results resource pages through.
 */
#ifndef SIM_BULKQUERY_H
#define SIM_BULKQUERY_H

#include <stddef.h>

struct sim;
struct bulk_job;
struct soql_error;
struct object_def;

/*
 * Parses and binds text against the sim's schema: the queried object, or
 * NULL with err filled in as the REST query answers (MALFORMED_QUERY,
 * INVALID_FIELD, INVALID_TYPE), or API_ERROR for COUNT() and OFFSET, which
 * Bulk API 2.0 queries do not take.
 */
const struct object_def *bulkquery_check(struct sim *sim, const char *text,
                                         struct soql_error *err);

/*
 * Runs query job j now: its rows (header first) into j->result, their
 * offsets into j->result_rows. -1 with *why (caller frees) when the query
 * no longer binds (the org changed since the job was created).
 */
int bulkquery_run(struct sim *sim, struct bulk_job *j, char **why);

#endif
