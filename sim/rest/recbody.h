/*
 * recbody.h - a record as a JSON body, read into the values intake takes.
 *
 * The single-record REST calls (h_sobject.c) and the batch calls (sObject
 * Collections, sObject Tree) read records the same way: strings as they
 * are, numbers and booleans as their text, null as a value to clear, and
 * Salesforce's refusals for a field the object lacks, an Id in the body
 * or an object or array where a value belongs. Only the refusal's shape
 * differs (a 400 for one record, one element of the answer in a batch),
 * so errors come back as data and each caller answers in its own shape.
 * Knows nothing of HTTP or the store's records.
 */
#ifndef SIM_RECBODY_H
#define SIM_RECBODY_H

#include <jansson.h>

#include "store.h"

struct object_def;

/* Strings made while reading (number texts); freed with the pool. */
struct recbody_pool {
    char **v;
    size_t n, cap;
};

/* Keeps s (stolen) until the pool is freed; returns s. */
const char *recbody_keep(struct recbody_pool *p, char *s);
void recbody_pool_free(struct recbody_pool *p);

/* Jackson's name for j's token (START_ARRAY, VALUE_STRING, ...), as
 * Salesforce's parser errors show them. Static. */
const char *recbody_token_name(const json_t *j);

enum recbody_flags {
    RECBODY_ID_OK = 1 << 0, /* "Id"/"id" is left to the caller (updates) */
};

/*
 * Reads the fields of body (a JSON object; "attributes" is skipped) into
 * fv, values borrowed from body and pool. Returns NULL, or Salesforce's
 * error object {"message", "errorCode"} (new reference) for the first
 * member refused: INVALID_FIELD for a name obj lacks ("No such column")
 * or an Id (without RECBODY_ID_OK), JSON_PARSER_ERROR for an object or an
 * array as a value.
 */
json_t *recbody_fields(const struct object_def *obj, json_t *body,
                       unsigned flags, struct fieldvals *fv,
                       struct recbody_pool *pool);

#endif
