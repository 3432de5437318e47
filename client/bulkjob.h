/*
 * bulkjob.h - the delivery loop for delivery.format "bulk": Bulk API 2.0
 * ingest jobs.
 *
 * bulkjob.c reads every lead the source gives (the hooks and config of
 * deliver.h), then per job_size leads runs one upsert job by the buyer's
 * external id: create, save the job in the state directory, upload the
 * CSV, UploadComplete, poll with backoff (poll_ms doubling to
 * poll_max_ms) for at most job_wait_seconds, and map each lead back
 * through successfulResults/, failedResults/ and unprocessedrecords/ by
 * its external id. A lead is delivered only from successfulResults/ of a
 * job that ended (JobComplete, or Failed or Aborted: such a job keeps
 * the rows it processed); a failed row is delivery_failed with its
 * sf__Error; unprocessed rows (those a Failed or Aborted job never
 * reached), a job still running when the wait ends, and rows in no
 * result file are held (the next run sends them, an upsert, so never
 * twice).
 *
 * The state file (BULKJOB_STATE_FILE) names the job and its leads from
 * before the upload until every lead of it is reported, so a run killed
 * at any moment and resumed polls that job instead of uploading again; a
 * job still Open (the upload may be missing) is aborted and its leads go
 * in a new job. It writes no other file.
 */
#ifndef CLIENT_BULKJOB_H
#define CLIENT_BULKJOB_H

#include "deliver.h"
#include "state.h"

#define BULKJOB_STATE_FILE "bulkjob.json"

struct bulkjob;

/* Copies cfg and hooks; st is borrowed (may have no directory). */
struct bulkjob *bulkjob_new(const struct deliver_config *cfg,
                            const struct deliver_hooks *hooks,
                            const struct state *st);
/* Every lead of the source to a final outcome; 0. */
int bulkjob_run(struct bulkjob *j);
/* As deliver_stop(): no new request; leads not final are held. */
void bulkjob_stop(struct bulkjob *j, const char *why);
int64_t bulkjob_token_used_ms(const struct bulkjob *j);
const char *bulkjob_auth_error(const struct bulkjob *j);
void bulkjob_free(struct bulkjob *j);

#endif
