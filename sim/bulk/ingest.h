/*
 * ingest.h - the rows of a Bulk API ingest job: the header checked
 * against the object, each row turned into field values and sent through
 * the one intake path (insert, update, upsert by external id, delete), its
 * verdict journaled, and the three result sets written.
 *
 * The job engine (bulkrun.h) decides when and which rows run; this module
 * knows what a row means. Rows run in chunks of up to INGEST_CHUNK_ROWS,
 * each chunk one save. Values follow the Bulk API's CSV rules: an
 * empty value is left out (an update leaves the field alone), "#N/A" sets
 * the field to null.
 */
#ifndef SIM_INGEST_H
#define SIM_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "bulkcsv.h"
#include "store.h"

struct sim;
struct bulk_job;
struct bulk_batch;
struct object_def;
struct field_def;

#define INGEST_CHUNK_ROWS 200 /* records in one save (Salesforce's chunk) */

/* The three result sets of an ingest job (facts 3.6). */
enum ingest_result {
    INGEST_SUCCESSFUL,
    INGEST_FAILED,
    INGEST_UNPROCESSED,
};

struct intake_save;
struct row;

/* Where one value of a row lies in its copy. */
struct ingest_val {
    size_t off, len;
};

/* Rows of one batch being processed: the schema resolved once. */
struct ingest_ctx {
    struct sim *sim;
    struct bulk_job *job;
    struct bulk_batch *batch;
    const struct object_def *obj;
    const struct field_def **cols; /* owned: the field of each column */
    char **names;                  /* owned: each column's header text */
    int key_col;                   /* Id or the upsert key, or -1 */
    char path[200];           /* the upload's path, for journal and faults */
    struct bulkcsv_reader rd; /* over the batch's data */
    struct buf scratch;       /* one unescaped value */
    struct fieldvals fv;      /* what intake gets for one row */
    int *colnum;              /* owned: the column of each fv entry */
    struct intake_save *save; /* the chunk being saved */
    struct row *chunk;        /* its rows */
    char *arena;              /* their values, NUL-terminated */
    size_t arena_used;
    struct ingest_val *cvs; /* where each value lies, ncols per row */
};

/*
 * Indexes batch b of ingest job j once its processing starts: the header
 * must name fields of the object, every line must end as the job said,
 * and the offset of every row is kept. 0, or -1 with *why (caller frees)
 * set to the job's errorMessage, as Salesforce fails the job.
 */
int ingest_index(struct sim *sim, struct bulk_job *j, struct bulk_batch *b,
                 char **why);

/*
 * Prepares to process rows of b (indexed); -1 with *why when the object
 * is gone (the org was replaced). ingest_end() frees the context.
 */
int ingest_begin(struct sim *sim, struct bulk_job *j, struct bulk_batch *b,
                 struct ingest_ctx *c, char **why);
/*
 * Processes rows [first, first + n) of the batch at at_ms as one save, as
 * Salesforce saves a chunk of up to 200 records (intake.h): every row is
 * checked against the records as they were before the chunk, then the
 * ones that passed are stored; each row's outcome is kept and journaled
 * (kind record, batch_seq the upload request, batch_index the row).
 */
void ingest_chunk(struct ingest_ctx *c, size_t first, size_t n, int64_t at_ms);
void ingest_end(struct ingest_ctx *c);

/* Appends one result set of j as Salesforce writes it. -1 when full. */
int ingest_results(const struct bulk_job *j, enum ingest_result which,
                   struct buf *out);

#endif
