/*
 * bulk.h - the Bulk API's jobs as data: the job table, ids, each job's
 * uploads, row index and outcomes, query results, states and their
 * timestamps, storage and the daily allocation counters, retention.
 *
 * A job holds batches of uploaded data (Bulk API 2.0 gives a job exactly
 * one; the table takes several, in order, for a Bulk API 1.0 front-end).
 * Running jobs on the simulated clock is bulkrun.h's; what a row means is
 * ingest.h's; the CSV dialect bulkcsv.h's; the wire shapes the handlers'
 * (bulkwire.h). This module knows nothing of the rest of the sim. All of
 * it runs on the one HTTP thread, without locks.
 */
#ifndef SIM_BULK_H
#define SIM_BULK_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "bulkcsv.h"
#include "err.h"
#include "sfid.h"

#define BULK_ID_PREFIX "750"               /* job ids (facts 3.1) */
#define BULK_MAX_JOBS 10000                /* jobs kept at once */
#define BULK_MAX_STORAGE ((size_t)2 << 30) /* bytes of data and results */
#define BULK_RETENTION_MS (7LL * 86400000) /* after a terminal state */
#define BULK_CHUNK_ROWS 10000              /* Salesforce's internal batch */
#define BULK_NAME_MAX 128

/* X(enum suffix, wire name) */
#define BULK_STATES(X)                                                         \
    X(OPEN, "Open")                                                            \
    X(UPLOAD_COMPLETE, "UploadComplete")                                       \
    X(IN_PROGRESS, "InProgress")                                               \
    X(JOB_COMPLETE, "JobComplete")                                             \
    X(FAILED, "Failed")                                                        \
    X(ABORTED, "Aborted")

#define BULK_OPS(X)                                                            \
    X(INSERT, "insert")                                                        \
    X(UPDATE, "update")                                                        \
    X(UPSERT, "upsert")                                                        \
    X(DELETE, "delete")                                                        \
    X(HARD_DELETE, "hardDelete")                                               \
    X(QUERY, "query")                                                          \
    X(QUERY_ALL, "queryAll")

#define BULK_TYPES(X)                                                          \
    X(V2_INGEST, "V2Ingest")                                                   \
    X(V2_QUERY, "V2Query")                                                     \
    X(CLASSIC, "Classic")

enum bulk_state {
#define BULK_ENUM(e, s) BULK_##e,
    BULK_STATES(BULK_ENUM)
};
enum bulk_op { BULK_OPS(BULK_ENUM) };
enum bulk_type { BULK_TYPES(BULK_ENUM) };
#undef BULK_ENUM

/* What became of one row. */
enum bulk_row {
    BULK_ROW_UNPROCESSED,
    BULK_ROW_CREATED, /* sf__Created true */
    BULK_ROW_DONE,    /* updated or deleted: sf__Created false */
    BULK_ROW_FAILED,
};

struct bulk_outcome {
    char id[SFID_LEN15]; /* the record, when known (not NUL-terminated) */
    uint8_t row;         /* enum bulk_row */
    uint32_t err;        /* BULK_ROW_FAILED: offset in the batch's errs */
};

/* One upload. The rows are indexed when processing starts. */
struct bulk_batch {
    char *data; /* owned: the bytes as uploaded */
    size_t len;
    uint64_t upload_seq;         /* journal seq of the upload request */
    size_t body;                 /* offset of the first record */
    struct bulkcsv_span *header; /* owned: the header's cells */
    size_t ncols;
    uint32_t *rows;           /* owned: offset of each record */
    struct bulk_outcome *out; /* owned: one per row */
    size_t nrows, done;
    struct buf errs; /* sf__Error texts, NUL-separated */
    int indexed;
};

struct bulk_job {
    char id[SFID_LEN15 + 1];
    uint64_t seq; /* creation order */
    enum bulk_type type;
    enum bulk_op op;
    enum bulk_state state;
    int store_index;                         /* the object (schema_object_at) */
    char object[BULK_NAME_MAX];              /* its name as the job shows it */
    char ext_field[BULK_NAME_MAX];           /* upsert key field, or "" */
    char assignment_rule_id[SFID_LEN18 + 1]; /* or "" */
    struct bulkcsv_dialect dialect;
    int api_version;
    char created_by[SFID_LEN15 + 1];
    /* Bulk API 1.0 (bulk1.h): the job a batch belongs to ("" for a job),
     * the job's contentType and concurrencyMode ("" for Bulk API 2.0). */
    char parent[SFID_LEN15 + 1];
    char content_type[8];
    char concurrency[12];
    int64_t created_ms, modstamp_ms, closed_ms, ended_ms;
    int64_t run_ms;      /* processing accounted up to here */
    int64_t credit;      /* rows x 1000 earned and not yet spent */
    int64_t last_row_ms; /* when the latest row was processed */
    size_t processed, failed;
    unsigned stalled_by;        /* the fault rule holding the job, or 0 */
    char *error_message;        /* owned, or NULL */
    struct bulk_batch *batches; /* owned */
    size_t nbatches;
    size_t chunks; /* internal batches counted so far */
    /* query jobs */
    char *query;           /* owned: the SOQL text */
    struct buf result;     /* the result rows, CSV, header first */
    uint32_t *result_rows; /* owned: offset of each result row */
    size_t nresult;
};

struct bulk;

/* Job creation as the front-end validated it. */
struct bulk_spec {
    enum bulk_type type;
    enum bulk_op op;
    int store_index;
    const char *object;             /* canonical name */
    const char *ext_field;          /* canonical, or NULL */
    const char *assignment_rule_id; /* 18-char, or NULL */
    struct bulkcsv_dialect dialect;
    int api_version;
    const char *created_by;   /* 15-char user id */
    const char *query;        /* query jobs: the SOQL text */
    const char *parent;       /* Bulk API 1.0 batches: the job, or NULL */
    const char *content_type; /* Bulk API 1.0: "CSV", "JSON", or NULL */
    const char *concurrency;  /* Bulk API 1.0: "Parallel", "Serial" */
};

/* pod: the 2 pod characters of job ids; first: the first job number.
 * Caller frees with bulk_free(). */
struct bulk *bulk_new(const char *pod, uint64_t first);
void bulk_free(struct bulk *b);
/* Forgets every job and the daily counters. */
void bulk_clear(struct bulk *b);

/* Rolling 24-hour use of the daily allocations, at now_ms. */
uint64_t bulk_batches_used(struct bulk *b, int64_t now_ms);
uint64_t bulk_query_jobs_used(struct bulk *b, int64_t now_ms);
uint64_t bulk_query_storage_mb(struct bulk *b, int64_t now_ms);

/*
 * A new job in state Open (ingest) or UploadComplete (query, counted
 * against the daily query jobs), created at now. Returns it (owned by the
 * table; valid until deleted, purged or cleared).
 */
struct bulk_job *bulk_job_new(struct bulk *b, const struct bulk_spec *spec,
                              int64_t now);
/* By id in 15 or 18 characters; NULL when unknown. Borrowed. */
struct bulk_job *bulk_find(struct bulk *b, const char *id);
/*
 * Jobs whose type is in types (a mask of 1 << enum bulk_type) with seq >=
 * from, Bulk API 1.0 batches left out, in creation order: up to max into out;
 * returns how many. *next is the seq to list from for the rest, or 0 when there
 * is no more.
 */
size_t bulk_list(struct bulk *b, unsigned types, uint64_t from,
                 struct bulk_job **out, size_t max, uint64_t *next);

/*
 * Adds uploaded data to an Open job, stealing data (even on failure).
 * -1 with err set when the engine's storage is full.
 */
int bulk_upload(struct bulk *b, struct bulk_job *j, char *data, size_t len,
                uint64_t upload_seq, struct sf_err *err);
/* Open -> UploadComplete at now: processing starts as the clock moves. */
void bulk_close(struct bulk *b, struct bulk_job *j, int64_t now);
/* -> Aborted at now; unprocessed rows stay unprocessed. */
void bulk_abort(struct bulk *b, struct bulk_job *j, int64_t now);
/* j's state becomes st at time at (the table's counts follow). */
void bulk_set_state(struct bulk *b, struct bulk_job *j, enum bulk_state st,
                    int64_t at);
/* Forgets j and its data. */
void bulk_delete(struct bulk *b, struct bulk_job *j);
/* Running: UploadComplete or InProgress. Ended: JobComplete, Failed,
 * Aborted. */
int bulk_job_running(const struct bulk_job *j);
int bulk_job_ended(const struct bulk_job *j);

/* Bytes j holds (data, index, outcomes, results); after j grew from
 * before bytes, bulk_recount() brings the table's total up to date. */
size_t bulk_job_bytes(const struct bulk_job *j);
void bulk_recount(struct bulk *b, struct bulk_job *j, size_t before);
/* DailyBulkApiBatches: one internal batch started at at. */
void bulk_count_batch(struct bulk *b, int64_t at);
/* DailyBulkV2QueryFileStorageMB: a query result of bytes written at at. */
void bulk_count_query_result(struct bulk *b, int64_t at, size_t bytes);
/* Ended jobs past retention at now go, as Salesforce purges them. */
void bulk_purge(struct bulk *b, int64_t now);
/* Whether anything runs or is due to go at now (cheap). */
int bulk_due(const struct bulk *b, int64_t now);
/* The jobs in creation order: how many, and the i-th (borrowed). */
size_t bulk_count(const struct bulk *b);
struct bulk_job *bulk_at(const struct bulk *b, size_t i);

/* "/services/data/vNN.0/jobs/ingest/<id18>" (or jobs/query) into out. */
const char *bulk_job_path(const struct bulk_job *j, char *out, size_t n);
/* The id in 18 characters. */
void bulk_job_id18(const struct bulk_job *j, char out[SFID_LEN18 + 1]);

const char *bulk_state_name(enum bulk_state s);
const char *bulk_op_name(enum bulk_op op);
const char *bulk_type_name(enum bulk_type t);
/* -1 when name is none of them (exact, as the Bulk API compares). */
int bulk_op_parse(const char *name);
int bulk_state_parse(const char *name);

#endif
