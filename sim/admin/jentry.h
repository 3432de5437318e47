/*
 * jentry.h - reading back one journal entry as journal.c serialised it,
 * without parsing the whole of it: its top-level members one by one, and
 * the lead values it carries (leadval.h) for journal queries.
 *
 * The text is the sim's own (a JSON object, well formed), but the walk
 * stays within the bytes given whatever they hold. Pure text functions.
 */
#ifndef SIM_JENTRY_H
#define SIM_JENTRY_H

#include <stddef.h>

#include "leadval.h"

/*
 * Calls fn for each top-level member of the object in text[0..len): the
 * key as written between its quotes (the sim's keys need no escapes) and
 * the raw value (a string with its quotes, a number, an object, ...).
 * Non-zero from fn stops the walk and is returned; otherwise 0.
 */
typedef int jentry_fn(const char *key, size_t klen, const char *val,
                      size_t vlen, void *arg);
int jentry_each(const char *text, size_t len, jentry_fn *fn, void *arg);

/* The decoded value of a raw JSON string val (vlen bytes, quotes
 * included) as a new NUL-terminated string (caller frees); its length in
 * *len (may be NULL). Not a string: "". */
char *jentry_string(const char *val, size_t vlen, size_t *len);

/* Where strings are decoded: grown as needed and kept from one call to
 * the next, so that a walk over many entries allocates once. Zeroed to
 * start; the owner frees data. */
struct jentry_scratch {
    char *data;
    size_t cap;
};

/* The decoded value of a raw JSON string val (vlen bytes, quotes
 * included), NUL-terminated, in sc (valid until sc's next use); its length
 * in *len (may be NULL). Not a string: "". */
const char *jentry_decode(const char *val, size_t vlen,
                          struct jentry_scratch *sc, size_t *len);

/* The values jentry_values() finds in one top-level member (as
 * jentry_each() gives it), decoded in sc. */
int jentry_member_values(const char *key, size_t klen, const char *val,
                         size_t vlen, leadval_fn *fn, void *arg,
                         struct jentry_scratch *sc);

/*
 * The values of an entry a lead can be found by: its record id (18
 * characters, and its first 15), its body's values and its record's
 * fields (a batch item's). fn as in leadval_each(); returns what it
 * returned when it stopped, else 0.
 */
int jentry_values(const char *text, size_t len, leadval_fn *fn, void *arg);

#endif
