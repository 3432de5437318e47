/*
 * reference.h - Composite's references: "@{refId.field}" in a subrequest's
 * url or body stands for a value of an earlier subrequest's answer.
 *
 * The part after the referenceId is a path into that answer: ".name" for a
 * member ("@{refAccount.id}"), "[N]" for an element ("@{refQuery.records
 * [0].Id}", "@{refCollection[1].id}"). A reference is replaced by the text
 * of the scalar it reaches; one that reaches nothing (no such earlier
 * subrequest, it failed, the path leads nowhere or to an object) makes the
 * subrequest fail with PROCESSING_HALTED. Pure: no sim, no HTTP.
 */
#ifndef SIM_REFERENCE_H
#define SIM_REFERENCE_H

#include <jansson.h>
#include <stddef.h>

#define REFERENCE_MAX 255          /* characters between "@{" and "}" */
#define REFERENCE_TEXT_MAX 1048576 /* bytes of one expanded string */

/* The answer of the subrequest whose referenceId is id (borrowed), or
 * NULL when no earlier one has it or it failed. */
typedef json_t *reference_lookup_fn(void *arg, const char *id);

/* The first reference that reaches no value (id empty: the expanded text
 * would be longer than REFERENCE_TEXT_MAX). */
struct reference_error {
    char ref[REFERENCE_MAX + 1]; /* "refA.records[0].Id" */
    char id[REFERENCE_MAX + 1];  /* "refA" */
};

/* Whether id may be a referenceId: a letter or digit first, then letters,
 * digits and underscores. */
int reference_id_valid(const char *id);

/* The value at path (".id", "[0].Id", "" for body itself) inside body,
 * borrowed; NULL when there is none. */
json_t *reference_path(json_t *body, const char *path);

/* s with every reference replaced (caller frees), or NULL with err set. */
char *reference_expand(const char *s, reference_lookup_fn *lookup, void *arg,
                       struct reference_error *err);

/* v with every string in it expanded, keys untouched (new reference), or
 * NULL with err set. */
json_t *reference_expand_json(json_t *v, reference_lookup_fn *lookup, void *arg,
                              struct reference_error *err);

#endif
