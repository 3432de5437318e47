/*
 * sobject.h - a stored record as Salesforce's JSON shows it.
 *
 * Values are stored as strings; here they take their JSON types (checkbox
 * -> true/false, number -> number, absent -> null) and the derived fields
 * appear (Id in 18 characters, Name from first and last name, the audit
 * dates from the record's timestamps).
 */
#ifndef SIM_SOBJECT_H
#define SIM_SOBJECT_H

#include <jansson.h>
#include <stddef.h>

struct sim;
struct object_def;
struct field_def;
struct record;

/* New reference: the record with every field of obj (REST GET shape). */
json_t *sobject_to_json(struct sim *sim, const struct object_def *obj,
                        const struct record *r);
/* New reference: one field's JSON value. */
json_t *sobject_field_json(struct sim *sim, const struct object_def *obj,
                           const struct record *r, const struct field_def *f);
/*
 * One field's value as text, the way the SOQL engine reads it: derived
 * fields included (Id in 18 characters, audit dates, compound Name), an
 * absent checkbox as "false", an absent value as NULL. The result is
 * borrowed from r or written into buf (size n); *len set when non-NULL.
 */
const char *sobject_field_text(const struct object_def *obj,
                               const struct record *r,
                               const struct field_def *f, char *buf, size_t n,
                               size_t *len);
/* 1 if f's value is stored in the record, 0 if derived (Id, audit dates,
 * compound names): only stored fields have equality indexes. */
int sobject_field_stored(const struct field_def *f);
/* New reference: {"type": obj, "url": "/services/data/vXX.X/sobjects/…"}. */
json_t *sobject_attributes(const struct object_def *obj, const struct record *r,
                           int version);

/*
 * New reference: the record with attributes and only the fields given
 * (in that order), plus Id when they lack it: what ?fields= selects.
 */
json_t *sobject_select(struct sim *sim, const struct object_def *obj,
                       const struct record *r,
                       const struct field_def *const *fields, size_t n,
                       int version);

/*
 * A JSON scalar as the string intake converts from ("true", "12", "12.5",
 * the string itself); caller frees. NULL for null, objects and arrays.
 */
char *sobject_scalar_text(const json_t *v);

#endif
