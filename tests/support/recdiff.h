/*
 * recdiff.h - the two ways of reading a REST write's records compared
 * (sim/rest/recscan.h), for the unit test and the fuzz target.
 *
 * A body is read as an sObject Collections body and as a single record:
 * by the scanner (which may decline: fallback) and by jansson (jload)
 * with the converter. Both member lists must be the same, and what the
 * sim makes of them (allOrNone, the records' shape, each record's
 * attributes.type, recbody's values and errors for obj, the journal's
 * fields, record-scope fault lookups) must be what the code before the
 * scanner made of the jansson values; that code is kept here as the
 * oracle. The scanner must never take a body jansson refuses.
 */
#ifndef TESTS_RECDIFF_H
#define TESTS_RECDIFF_H

#include <stddef.h>

struct object_def;

struct recdiff_stats {
    size_t bodies;
    size_t json_objects; /* bodies jansson reads as an object */
    size_t scanned_coll; /* bodies the scanner took as Collections */
    size_t scanned_rec;  /* bodies the scanner took as one record */
};

/*
 * Checks body[0..len) against obj (the records' object for recbody).
 * 0 when everything agrees; -1 after printing the body and the first
 * difference to stderr. st (may be NULL) counts.
 */
int recdiff_check(const struct object_def *obj, const char *body, size_t len,
                  struct recdiff_stats *st);

#endif
