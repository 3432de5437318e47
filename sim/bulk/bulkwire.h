/*
 * bulkwire.h - what Bulk API 2.0 answers look like on the wire, shared by
 * the ingest handlers (h_bulk.c) and the query handlers (h_bulkquery.c):
 * job info in its four views, error arrays, the job list with its
 * queryLocator, result locators, and the steps both kinds of job share
 * (finding the job, the create options, delete).
 *
 * Every JSON answer is written in Jackson's layout (jackson.h), errors as
 * [{"errorCode", "message"}] (facts 3.2). A directory-private module: each
 * function that fails answers the request itself and returns -1 or NULL.
 */
#ifndef SIM_BULKWIRE_H
#define SIM_BULKWIRE_H

#include <jansson.h>
#include <stddef.h>

#include "bulk.h"
#include "request.h"

struct sim;

/* Bulk API 2.0 exists from these versions on (facts 3.1, 3.7). */
#define BULKWIRE_INGEST_VERSION 41
#define BULKWIRE_QUERY_VERSION 47
#define BULKWIRE_LIST_PAGE 1000 /* jobs per page of the job list */
#define BULKWIRE_LOCATOR_MAX 32

/* The members a job answer carries (facts 3.1, 3.4, 3.5, 3.7, 3.8). */
enum bulkwire_view {
    BULKWIRE_CREATE, /* POST: contentUrl (ingest), line ending, delimiter */
    BULKWIRE_PATCH,  /* PATCH: up to apiVersion */
    BULKWIRE_LIST,   /* an entry of the job list: up to columnDelimiter */
    BULKWIRE_INFO,   /* GET: everything, counts and times included */
};

/* The job as Salesforce shows it in view v (new reference). */
json_t *bulkwire_job(const struct bulk_job *j, enum bulkwire_view v);

/* Answers status with j (stolen) in Jackson's layout. */
void bulkwire_json(struct sim_response *resp, int status, json_t *j);
/* Answers status with [{"errorCode": code, "message": ...}]. */
void bulkwire_error(struct sim_response *resp, int status, const char *code,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* API_ERROR "Invalid value: 'v' supplied for property: 'name'". */
void bulkwire_bad_value(struct sim_response *resp, const char *name,
                        const char *v);

/* What tells the two kinds of job apart on the wire. */
struct bulkwire_kind {
    int min_version;               /* the first API version that has it */
    unsigned types;                /* a mask of 1 << enum bulk_type */
    const char *resource;          /* "ingest" or "query" */
    const char *const *list_types; /* jobType values its list takes */
};

extern const struct bulkwire_kind bulkwire_ingest, bulkwire_query;

/*
 * The job of path parameter 1, of kind k (the version checked first); the
 * journal entry names it. NULL after answering 404.
 */
struct bulk_job *bulkwire_job_of(struct sim *sim, const struct sim_request *req,
                                 const struct bulkwire_kind *k,
                                 struct sim_response *resp);
/* Creates the job spec describes for the session's user: 200 with it, or
 * 400 EXCEEDEDQUOTA. */
void bulkwire_create(struct sim *sim, const struct sim_request *req,
                     struct bulk_spec *spec, struct sim_response *resp);
/* GET jobs/<kind>/{id}: the job's info (a stall fault counts the look). */
void bulkwire_get_info(struct sim *sim, const struct sim_request *req,
                       const struct bulkwire_kind *k,
                       struct sim_response *resp);
/* GET jobs/<kind>: the list (bulkwire_list()). */
void bulkwire_get_list(struct sim *sim, const struct sim_request *req,
                       const struct bulkwire_kind *k,
                       struct sim_response *resp);
/* DELETE jobs/<kind>/{id} (bulkwire_delete()). */
void bulkwire_delete_of(struct sim *sim, const struct sim_request *req,
                        const struct bulkwire_kind *k,
                        struct sim_response *resp);

/* The request's version if it is min or later; -1 after answering 404. */
int bulkwire_version(const struct sim_request *req, struct sim_response *resp,
                     int min);
/*
 * The job of path parameter 1 if its type is in types (a mask of
 * 1 << enum bulk_type); NULL after answering 404.
 */
struct bulk_job *bulkwire_find(struct sim *sim, const struct sim_request *req,
                               unsigned types, struct sim_response *resp);

/* The journal entry of the request names j (info.job) and its object. */
void bulkwire_note(struct sim *sim, struct sim_response *resp,
                   const struct bulk_job *j);
/* lineEnding and columnDelimiter of a create body; -1 after answering. */
int bulkwire_dialect(json_t *body, struct bulkcsv_dialect *d,
                     struct sim_response *resp);
/* A member of the create body as text ("" when absent; numbers and the
 * like as JSON), into out. */
const char *bulkwire_member(json_t *body, const char *key, char *out, size_t n);

/*
 * GET jobs/ingest or jobs/query: {"done", "records", "nextRecordsUrl"}
 * with isPkChunkingEnabled, jobType (one of allowed, NULL-terminated) and
 * queryLocator; types is the mask listed without jobType.
 */
void bulkwire_list(struct sim *sim, const struct sim_request *req,
                   struct sim_response *resp, int version, const char *resource,
                   unsigned types, const char *const *allowed);

/* DELETE of a job in a state that allows it: 204. */
void bulkwire_delete(struct sim *sim, struct bulk_job *j,
                     struct sim_response *resp);
/* PATCH {"state": "Aborted"} on j (after answering it if not allowed). */
void bulkwire_abort(struct sim *sim, struct bulk_job *j,
                    struct sim_response *resp);
/* The "state" member of a PATCH body, or NULL after answering 400. */
const char *bulkwire_patch_state(json_t *body, struct sim_response *resp);

/* An opaque locator for position n (base64 of its digits, as
 * Salesforce's look), and back; -1 when s is none of ours. */
const char *bulkwire_locator(size_t n, char out[BULKWIRE_LOCATOR_MAX]);
int bulkwire_locator_parse(const char *s, size_t *n);

#endif
