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
/* New reference: {"type": obj, "url": "/services/data/vXX.X/sobjects/…"}. */
json_t *sobject_attributes(const struct object_def *obj, const struct record *r,
                           int version);

#endif
