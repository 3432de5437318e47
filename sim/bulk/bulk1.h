/*
 * bulk1.h - Bulk API 1.0 (/services/async/NN.N/job) on the job engine of
 * Bulk API 2.0 (bulk.h, bulkrun.h): what its jobs and batches are there,
 * and what its answers look like on the wire.
 *
 * A Bulk API 1.0 job is an engine job of type Classic that never holds
 * data itself: it is Open until closed (then the engine finishes it at
 * once) or aborted. Each batch is an engine job of its own (parent = the
 * job's id), created with the batch's data and closed at once, so it runs
 * on the simulated clock like any Bulk API 2.0 job, in parallel with its
 * siblings, through the same ingest path (ingest.h) or query engine
 * (bulkquery.h). A batch's id is its engine job's id under the prefix 751;
 * a query batch's one result the same under 752. Answers are XML, or JSON
 * for a job created with contentType JSON (or a request in JSON before a
 * job is known). All of it runs on the one HTTP thread.
 */
#ifndef SIM_BULK1_H
#define SIM_BULK1_H

#include <jansson.h>
#include <stddef.h>

#include "bulk.h"
#include "request.h"

#define BULK1_BATCH_PREFIX "751"
#define BULK1_RESULT_PREFIX "752"
#define BULK1_MAX_BATCH_BYTES 10000000 /* Salesforce's 10 MB a batch */
#define BULK1_MAX_JOB_BODY 65536       /* a job create or state body */
#define BULK1_NS "http://www.force.com/2009/06/asyncapi/dataload"

enum bulk1_fmt { BULK1_XML, BULK1_JSON };

/* A job's state as Bulk API 1.0 names it (Open, Closed, Aborted, Failed);
 * a batch's (Queued, InProgress, Completed, Failed, NotProcessed). */
const char *bulk1_job_state(const struct bulk_job *j);
const char *bulk1_batch_state(const struct bulk_job *bt);

/* The 18-character id of batch bt under prefix (751 or 752) into out. */
void bulk1_batch_id(const struct bulk_job *bt, const char *prefix,
                    char out[SFID_LEN18 + 1]);
/* The batch of job j whose id (15 or 18 characters) is id under prefix;
 * NULL when there is none. Borrowed from the engine. */
struct bulk_job *bulk1_find_batch(struct bulk *b, const struct bulk_job *j,
                                  const char *id, const char *prefix);
/* The batches of j in creation order: the next one from *i (start at 0),
 * or NULL after the last. */
struct bulk_job *bulk1_next_batch(struct bulk *b, const struct bulk_job *j,
                                  size_t *i);

/* jobInfo and batchInfo as members in Salesforce's order (new reference;
 * bulk1_answer() writes them in fmt). */
json_t *bulk1_job_info(struct bulk *b, const struct bulk_job *j,
                       enum bulk1_fmt fmt);
json_t *bulk1_batch_info(const struct bulk_job *job, const struct bulk_job *bt,
                         enum bulk1_fmt fmt);

/* Answers status with o (stolen) as the XML element root, or as JSON
 * (members sorted, in Jackson's layout). */
void bulk1_answer(struct sim_response *resp, int status, enum bulk1_fmt fmt,
                  const char *root, json_t *o);
/* Answers status with an <error> of exceptionCode code (or its JSON). */
void bulk1_error(struct sim_response *resp, int status, enum bulk1_fmt fmt,
                 const char *code, const char *fmt_msg, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * The result of ingest batch bt (ended) in the job's format: CSV
 * "Id","Success","Created","Error" or a JSON array of {success, created,
 * id, errors}. -1 when out is full.
 */
int bulk1_ingest_results(const struct bulk_job *job, const struct bulk_job *bt,
                         struct buf *out);

/*
 * A JSON batch (an array of flat records) as the CSV the engine reads:
 * the header the union of the records' keys in order of appearance
 * ("attributes" left out), null as #N/A, every value quoted. NULL with
 * err set when the text is not such an array.
 */
char *bulk1_json_to_csv(const char *text, size_t len, size_t *out_len,
                        struct sf_err *err);

#endif
