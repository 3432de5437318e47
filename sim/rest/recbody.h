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
 * Records come as member lists (recscan.h), however the body was read.
 * Knows nothing of HTTP or the store's records.
 */
#ifndef SIM_RECBODY_H
#define SIM_RECBODY_H

#include <jansson.h>

#include "recscan.h"
#include "store.h"

struct object_def;

/* Jackson's name for j's token (START_ARRAY, VALUE_STRING, ...), as
 * Salesforce's parser errors show them. Static. */
const char *recbody_token_name(const json_t *j);

enum recbody_flags {
    RECBODY_ID_OK = 1 << 0, /* "Id"/"id" is left to the caller (updates) */
};

/*
 * What recbody_fields() learnt of names for the records of one object:
 * the records the scanner read from one body share their names' text
 * (recscan.h), so each name is looked up in the schema once per request.
 * Zeroed by the caller to start; holds nothing to free.
 */
#define RECBODY_CACHE_SLOTS 32
struct recbody_cache {
    const struct object_def *obj;
    struct {
        const char *name; /* by address */
        const struct field_def *field;
        int what; /* recbody.c's name kinds */
    } slot[RECBODY_CACHE_SLOTS];
};

/*
 * Reads the members of a record (recscan.h; "attributes" is skipped) into
 * fv, values borrowed from m. Returns NULL, or Salesforce's
 * error object {"message", "errorCode"} (new reference) for the first
 * member refused: INVALID_FIELD for a name obj lacks ("No such column")
 * or an Id (without RECBODY_ID_OK), JSON_PARSER_ERROR for an object or an
 * array as a value. cache (may be NULL) remembers names across calls.
 */
json_t *recbody_fields(const struct object_def *obj, const struct recmembers *m,
                       unsigned flags, struct fieldvals *fv,
                       struct recbody_cache *cache);

#endif
