/*
 * extid.h - finding records by an external ID field (or by Id), as the
 * upserts do: one record by REST (PATCH sobjects/{Object}/{Field}/{value})
 * and many by sObject Collections (PATCH composite/sobjects/{Object}/
 * {Field}).
 *
 * A key is a field the org marks external_id, or Id from v37.0; its value
 * is compared the way the field is stored (numbers canonical, text without
 * regard to case) through the store's equality index. Knows nothing of
 * HTTP answers: callers answer a bad key their own way.
 */
#ifndef SIM_EXTID_H
#define SIM_EXTID_H

#include <stddef.h>

struct sim;
struct object_def;
struct field_def;
struct record;

struct extid_key {
    const struct field_def *field; /* the key field (borrowed) */
    int by_id;                     /* the key is Id itself */
    char value[256];               /* the value as stored */
};

/*
 * The key field named name of obj for API version: 0 with k->field and
 * k->by_id set, -1 when it is neither an external ID field nor (from
 * v37.0) Id.
 */
int extid_field(const struct object_def *obj, const char *name, int version,
                struct extid_key *k);
/* Sets k->value from value (text) as the field stores it. */
void extid_set_value(struct extid_key *k, const char *value);
/* Records of obj matching k: up to max into out; returns the total. */
size_t extid_find(struct sim *sim, const struct object_def *obj,
                  const struct extid_key *k, struct record **out, size_t max);

#endif
