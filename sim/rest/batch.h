/*
 * batch.h - the records of one batch request, each read, faulted, checked,
 * saved, answered and journaled on its own.
 *
 * sObject Collections and sObject Tree carry many records in one request
 * and answer each record's fate in its own element, so that one bad record
 * does not hide the others. This module holds what they share: reading a
 * JSON record into intake's values, record-scope faults (fault.h), saving
 * runs of records of one object together as Salesforce saves a list
 * (intake_save_*), undoing everything for allOrNone (store savepoints),
 * Salesforce's per-record error elements ({"statusCode", "message",
 * "fields"}) and one journal entry per record (kind "record").
 *
 * The handlers decide the request's shape (which records, which targets,
 * what the answer looks like); nothing here parses a request body or
 * answers HTTP.
 */
#ifndef SIM_BATCH_H
#define SIM_BATCH_H

#include <jansson.h>
#include <stddef.h>

#include "intake.h"
#include "recbody.h"
#include "request.h"
#include "sfid.h"

struct sim;
struct object_def;
struct record;

/* allOrNone's message for the records that did not fail themselves. */
#define BATCH_ROLLED_BACK_CODE "ALL_OR_NONE_OPERATION_ROLLED_BACK"
#define BATCH_ROLLED_BACK_MSG                                                  \
    "Record rolled back because not all records were valid and the request "   \
    "was using AllOrNone header"

/* One record of the request. */
struct batch_rec {
    const struct recmembers *mem; /* as received (borrowed), or NULL */
    const struct object_def *obj; /* its object (borrowed from the schema) */
    struct record *target;        /* the record it updates, or NULL */
    struct fieldvals fv;          /* its values (borrowed from mem) */
    struct intake_result res;
    enum verdict verdict;    /* what happened to it (NONE: not yet) */
    json_t *errors;          /* refused: [{statusCode, message, fields}] */
    char id[SFID_LEN18 + 1]; /* its record's id, once known */
    int created;             /* upserts: it is (or would be) a create */
};

/* The request the records belong to. */
struct batch {
    struct sim *sim;
    struct sim_response *resp; /* resp->batch gets the journal entries */
    const char *method, *path; /* the request's, or a subrequest's */
    struct intake_opts opts;
    struct recbody_cache names; /* the records' names, looked up */
    size_t mark;                /* the store savepoint the request runs under */
};

/*
 * Starts a batch for req (API version: intake options, record URLs) and
 * opens a store savepoint; finish it with batch_end().
 */
void batch_begin(struct batch *b, struct sim *sim,
                 const struct sim_request *req, int version,
                 struct sim_response *resp);
/* Ends it: rollback nonzero undoes every change made since batch_begin(),
 * otherwise they are kept. Frees what b holds. */
void batch_end(struct batch *b, int rollback);

/* recs[0..n) zeroed / freed. */
struct batch_rec *batch_recs_new(size_t n);
void batch_recs_free(struct batch_rec *recs, size_t n);

/* Refuses r with one error (fields stolen; NULL: []), verdict v. */
void batch_refuse(struct batch_rec *r, enum verdict v, const char *code,
                  const char *message, json_t *fields);
/* Whether r was refused. */
int batch_refused(const struct batch_rec *r);

/*
 * Reads r->mem into r->fv for r->obj (flags: recbody.h); refuses r with
 * Salesforce's error for a field it cannot take. 0 or -1.
 */
int batch_read(struct batch *b, struct batch_rec *r, unsigned flags);

/*
 * A fault_field_fn (fault.h) over a record's members (arg: a struct
 * recmembers *), as fault_json_field() reads a JSON object: strings as
 * they are, numbers and booleans as text (reals in %.17g).
 */
const char *batch_member_field(void *arg, const char *field, char *buf,
                               size_t n);

/*
 * Saves recs[0..n) not refused yet: a record-scope fault first, then one
 * intake save per run of records of the same object (Salesforce's
 * chunks), the records of a run checked together and stored together.
 * Each record gets its verdict, id or errors. Returns how many of recs
 * are refused in all.
 */
size_t batch_save(struct batch *b, struct batch_rec *recs, size_t n);

/*
 * allOrNone after a failure: every record not refused itself is answered
 * ALL_OR_NONE_OPERATION_ROLLED_BACK with verdict rolled_back (the caller
 * ends the batch with rollback). keep_ids: the records keep their ids in
 * the answer (deletes); otherwise the ids are forgotten.
 */
void batch_mark_rolled_back(struct batch_rec *recs, size_t n, int keep_ids);

/* The JSON array of the SaveResult / UpsertResult / DeleteResult elements
 * of recs[0..n), appended to b as text (compact, jansson's layout): id (on
 * success, or keep_id), success, errors, created (with_created). Written
 * without building JSON objects: a Collections answer has 200. */
void batch_results_text(struct buf *b, const struct batch_rec *recs, size_t n,
                        int keep_id, int with_created);

/* One journal entry per record of recs (kind "record"), batch_index from
 * base, into b->resp's batch. */
void batch_journal(struct batch *b, const struct batch_rec *recs, size_t n,
                   size_t base);

/*
 * Salesforce's error array ([{message, errorCode, fields...}]) as batch
 * elements ([{statusCode, message, fields}], new reference): only those
 * three keys, fields always present (facts 1.5, 1.8).
 */
json_t *batch_errors(json_t *errors);

#endif
