/*
 * rest.h - the vocabulary every /services/data/vNN.N/ handler shares: the
 * version in the path, the object in the path, record URLs and the
 * standard NOT_FOUND answer.
 *
 * A directory-private module for h_sobject.c, h_query.c and h_limits.c.
 * Each function that can fail answers the request itself (status, body,
 * journal verdict) and returns -1 or NULL, so a handler only returns.
 */
#ifndef SIM_REST_H
#define SIM_REST_H

#include <stddef.h>

#include "request.h"
#include "sfid.h"

struct sim;
struct object_def;
struct record;
struct intake_opts;
struct recscan;

/* Upsert answers carry "created" from this version on (facts 3.6). */
#define REST_VERSION_UPSERT_CREATED 46
/* Upsert by the Id field exists from this version on (facts 3.6). */
#define REST_VERSION_UPSERT_BY_ID 37
/* Sforce-Duplicate-Rule-Header is honoured from this version on (3.8). */
#define REST_VERSION_DUPLICATE_HEADER 52

/*
 * The API version of the request's first path parameter ("v58.0" -> 58).
 * Versions from SFAPI_VERSION_MIN to SFAPI_VERSION_LATEST, always ".0", are
 * served; anything else answers 404 NOT_FOUND and returns -1.
 */
int rest_version(const struct sim_request *req, struct sim_response *resp);

/*
 * The object named by path parameter i (case-insensitive), borrowed from
 * the sim's schema; NULL after answering 404 NOT_FOUND. Sets resp->object.
 */
const struct object_def *rest_object(struct sim *sim,
                                     const struct sim_request *req, size_t i,
                                     struct sim_response *resp);

/* 400 with Salesforce's error array, the message made from fmt. */
void rest_bad_request(struct sim_response *resp, const char *code,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 404 NOT_FOUND "The requested resource does not exist". */
void rest_not_found(struct sim_response *resp);

/* "/services/data/vNN.0/<rest>" into out (size n); returns out. */
const char *rest_url(int version, const char *rest, char *out, size_t n);

/* "/services/data/vNN.0/sobjects/<Object>/<id18>" into out; returns out. */
const char *rest_record_url(int version, const struct object_def *obj,
                            const struct record *r, char *out, size_t n);

/*
 * The request body as a JSON object (new reference): 415 for a media type
 * other than JSON (a missing Content-Type is read as JSON), 400
 * JSON_PARSER_ERROR for no body, bad JSON or a non-object ("Can not
 * deserialize <what> out of START_ARRAY token ..."). NULL after answering.
 */
json_t *rest_read_object(const struct sim_request *req, const char *what,
                         struct sim_response *resp);

/* What a body of records is (rest_read_records()). */
enum rest_body {
    REST_BODY_RECORD,     /* one record: {...} */
    REST_BODY_COLLECTION, /* sObject Collections: {"allOrNone", "records"} */
};

/*
 * The request body's records as member lists in s (recscan.h; s is
 * initialised here and freed by the caller with recscan_free() whatever
 * the answer): scanned from the bytes when the scanner takes the body,
 * otherwise read as rest_read_object() reads it, with its answers.
 * -1 after answering.
 */
int rest_read_records(const struct sim_request *req, const char *what,
                      enum rest_body shape, struct recscan *s,
                      struct sim_response *resp);

/* What a REST write of API version asks of intake: the record URLs'
 * version and Sforce-Duplicate-Rule-Header's allowSave. */
void rest_intake_opts(const struct sim_request *req, int version,
                      struct intake_opts *opts);

/* Fills resp->record_id with r's 18-character id. */
void rest_set_record(struct sim_response *resp, const struct record *r);

#endif
