/*
 * bulkmap.h - the CSV of a Bulk API 2.0 upsert, and its result files read
 * back lead by lead.
 *
 * bulkmap.c is pure. The upload is one header row (the key field first,
 * then every other field in the order records first name it) and one row
 * per record, every value quoted. The result files (successfulResults/,
 * failedResults/, unprocessedrecords/) come back in no promised order:
 * each row is matched to its lead by the key column (the external id),
 * the only column the upload guarantees unique.
 */
#ifndef CLIENT_BULKMAP_H
#define CLIENT_BULKMAP_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* The upload for recs[0..n) (payload_record() objects, each with
 * key_field): new text (caller frees), its length in *len. */
char *bulkmap_csv(json_t *const *recs, size_t n, const char *key_field,
                  size_t *len);

/* One row of a result file: its key value, and sf__Id / sf__Error when
 * the file has them (else NULL); all borrowed for the call. */
typedef void bulkmap_row_fn(void *arg, const char *key, const char *sf_id,
                            const char *sf_error);

/*
 * Reads the result file text[0..len): its header must have key_field
 * (case-insensitive, as the Bulk API matches names); fn gets each row.
 * Returns the rows read, or -1 with err (no such column, a row that does
 * not parse); rows before the bad one were given to fn.
 */
long bulkmap_rows(const char *text, size_t len, const char *key_field,
                  bulkmap_row_fn *fn, void *arg, struct sf_err *err);

#endif
