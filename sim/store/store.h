/*
 * store.h - the sim's records: per-object lists, Salesforce IDs, indexes.
 *
 * Every value is kept as a UTF-8 string under an interned field name (the
 * schema's canonical spelling). Records are found by ID through a hash
 * index and by field value through equality indexes built on first use and
 * kept up to date on every change: no rule ever scans a whole object.
 *
 * Memory per record beyond its field data: the record header, 16 bytes per
 * field, and index slots (see README, "Performance").
 *
 * The store is single-threaded (all of the sim runs on the HTTP thread).
 */
#ifndef SIM_STORE_H
#define SIM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sfid.h"

#define STORE_MAX_OBJECTS 512
#define STORE_MAX_FIELDS_PER_RECORD 800

struct store;

struct rfield {
    uint32_t field; /* interned name */
    uint32_t len;
    const char *value; /* inside the record's value block */
};

struct record {
    char id[SFID_LEN15 + 1];
    uint16_t object;
    uint16_t nfields;
    uint8_t deleted; /* in the recycle bin (then modified_ms is when) */
    int64_t created_ms;
    int64_t modified_ms;
    struct rfield *fields; /* one allocation: rfield[nfields] + values */
};

/* A set of field values to write; values are borrowed from the caller. */
struct fieldval {
    uint32_t field;
    const char *value; /* NULL: clear the field (on update) */
    size_t len;
};

/* Written only through fieldvals_set() (and emptied by setting n to 0
 * or fieldvals_free()): seen must know every field in v. */
struct fieldvals {
    struct fieldval *v; /* owned, unless it is room */
    size_t n, cap;
    struct fieldval *room; /* fieldvals_init_room()'s (borrowed), or NULL */
    uint64_t seen;         /* bit field % 64 of each field set: a clear bit, a
                              field not there (no need to look) */
};

/* Equality-index normalisations (what "equal" means for the lookup). */
enum store_norm {
    STORE_NORM_EXACT,
    STORE_NORM_CASEFOLD, /* ASCII case-insensitive (SOQL =, emails) */
    STORE_NORM_DIGITS,   /* digits only (phone matching) */
};

/* pod: the 2 pod characters of new IDs; first_number: first record number.
 * Caller frees with store_free(). */
struct store *store_new(const char *pod, uint64_t first_number);
void store_free(struct store *s);
/* Drops every record and shrinks the tables back to their first size
 * (objects, interned names and index definitions stay). */
void store_clear(struct store *s);

/* Registers an object with its 3-character key prefix; returns its index,
 * or the existing index when already registered. -1 when full. */
int store_object_add(struct store *s, const char *name, const char *prefix);
/* Case-insensitive; -1 when unknown. */
int store_object_find(const struct store *s, const char *name);
/* Borrowed; valid for the store's lifetime. */
const char *store_object_name(const struct store *s, int object);
const char *store_object_prefix(const struct store *s, int object);

/* Interns an exact field name (case-sensitive). */
uint32_t store_intern(struct store *s, const char *name);
/* Borrowed; valid for the store's lifetime. */
const char *store_field_name(const struct store *s, uint32_t field);

void fieldvals_set(struct fieldvals *fv, uint32_t field, const char *value,
                   size_t len);
const struct fieldval *fieldvals_get(const struct fieldvals *fv,
                                     uint32_t field);
void fieldvals_free(struct fieldvals *fv);
/* Starts fv empty in room[0..n) (borrowed until fieldvals_free(); n > 0):
 * no allocation until it holds more. */
void fieldvals_init_room(struct fieldvals *fv, struct fieldval *room, size_t n);

/*
 * Creates a record with a fresh ID; values are copied. Returns the record
 * (owned by the store; valid until store_delete(), store_purge() or
 * store_clear() frees it), or
 * NULL when there are more than STORE_MAX_FIELDS_PER_RECORD values.
 */
struct record *store_insert(struct store *s, int object,
                            const struct fieldvals *fv, int64_t now_ms);
/*
 * store_insert() with a given 15-character ID (the org's own records:
 * users, the organization, profiles). NULL when the ID is in use (even in
 * the recycle bin) or there are too many values.
 */
struct record *store_insert_id(struct store *s, int object, const char *id15,
                               const struct fieldvals *fv, int64_t now_ms);
/* Merges fv into r (NULL values clear); 0 or -1 (too many fields). */
int store_update(struct store *s, struct record *r, const struct fieldvals *fv,
                 int64_t now_ms);
/* Removes r (live or in the bin) at once, as if it had never been: a
 * rolled-back creation, a hard delete. */
void store_delete(struct store *s, struct record *r);
/*
 * Moves live record r to the recycle bin at now_ms (its modified_ms, as
 * Salesforce stamps a deletion): out of store_get(), the equality indexes
 * and store_count(), still found by store_get_any(). A savepoint's
 * rollback brings it back live.
 */
void store_recycle(struct store *s, struct record *r, int64_t now_ms);
/*
 * Brings record r back from the recycle bin at now_ms (undelete: its ID,
 * values and position kept, modified_ms now): live again for store_get(),
 * the indexes and the counts; its bin entry goes stale. Nothing when r is
 * live. A savepoint's rollback puts it back in the bin.
 */
void store_undelete(struct store *s, struct record *r, int64_t now_ms);
/*
 * Frees the records that went to the recycle bin before before_ms, oldest
 * first (at most max of them; the rest wait for the next call). Returns how
 * many were freed. Cheap when there is nothing to do; nothing while a
 * savepoint is open.
 */
size_t store_purge(struct store *s, int64_t before_ms, size_t max);
/* When the last record of object purged from the bin had been deleted, or
 * -1 when none has been. */
int64_t store_purged_until(const struct store *s, int object);
/*
 * Undoing a batch (allOrNone, Composite, sObject Tree). store_savepoint()
 * starts recording every insert, update, delete and recycle and returns a
 * mark;
 * store_rollback() undoes, newest first, every change made since mark
 * (records inserted are deleted, updated ones get their values and
 * modification time back, deleted ones come back with their ID, values
 * and position, recycled ones come out of the bin; the indexes follow)
 * and ends that savepoint;
 * store_release() keeps the changes and ends it. Savepoints nest: the
 * changes are forgotten (and memory of deleted records freed) only when
 * the outermost one ends. Record pointers stay valid across a rollback
 * for records that exist again afterwards. Record numbers are not given
 * back: IDs of rolled-back inserts are never reused, as in Salesforce.
 */
size_t store_savepoint(struct store *s);
void store_rollback(struct store *s, size_t mark);
void store_release(struct store *s, size_t mark);

/* By 15-character ID; NULL when absent or deleted. Borrowed. */
struct record *store_get(const struct store *s, const char *id15);
/* The same, deleted records (r->deleted) included. */
struct record *store_get_any(const struct store *s, const char *id15);

/* Live records of object; store_count_deleted() those in the bin. */
size_t store_count(const struct store *s, int object);
size_t store_count_deleted(const struct store *s, int object);
/* Calls fn for each live record of object in creation order; stops early
 * when fn returns non-zero (and returns that value). */
int store_foreach(const struct store *s, int object,
                  int (*fn)(struct record *r, void *arg), void *arg);
/* The same over live and deleted records alike (queryAll). */
int store_foreach_any(const struct store *s, int object,
                      int (*fn)(struct record *r, void *arg), void *arg);
/* The same over the deleted records of object only, in deletion order. */
int store_foreach_deleted(const struct store *s, int object,
                          int (*fn)(struct record *r, void *arg), void *arg);

/*
 * Positions, for reading an object's records a few at a time while it may
 * change in between (the admin answers stream them): every record ever
 * inserted has a position, in creation order, that never changes until
 * store_clear(). store_positions() is one past the last position so far;
 * store_at() is the record at pos, NULL when it was deleted or pos is not
 * a position (any more). Borrowed.
 */
size_t store_positions(const struct store *s, int object);
struct record *store_at(const struct store *s, int object, size_t pos);
/* The same, a record in the recycle bin (r->deleted) included. */
struct record *store_at_any(const struct store *s, int object, size_t pos);

/*
 * Records of object whose field equals value under norm, through an index
 * built on first use. Writes up to max pointers into out (creation order is
 * not guaranteed) and returns the total number of matches.
 */
size_t store_find_equal(struct store *s, int object, uint32_t field,
                        enum store_norm norm, const char *value, size_t len,
                        struct record **out, size_t max);

/* Whether a and b are equal under norm (what an index lookup means). */
int store_norm_equal(enum store_norm norm, const char *a, size_t alen,
                     const char *b, size_t blen);
/* Whether v has nothing to compare under norm (blank, or no digits). */
int store_norm_empty(enum store_norm norm, const char *v, size_t len);

/*
 * Restoring a state file (snapshot.h): the 2 pod characters of new IDs and
 * the record number the next one gets; a record put back with its own ID
 * (15 characters, the object's prefix) and times, values copied. NULL when
 * the ID does not fit the object or is taken, or with too many fields.
 */
void store_sequence(const struct store *s, char pod[3], uint64_t *next_number);
struct record *store_restore(struct store *s, int object, const char *id15,
                             const struct fieldvals *fv, int64_t created_ms,
                             int64_t modified_ms);
/*
 * Restoring a recycle bin: puts live record r, restored at position pos of
 * its object (store_positions() - 1 just after store_restore()), at the
 * end of the bin, deleted at deleted_ms (the caller goes in deletion
 * order); and sets store_purged_until() of object.
 */
void store_restore_recycle(struct store *s, struct record *r, size_t pos,
                           int64_t deleted_ms);
void store_restore_purged(struct store *s, int object, int64_t ms);

/* Value of a field in r (borrowed, *len set), or NULL when absent. */
const char *record_value(const struct record *r, uint32_t field, size_t *len);

/* Bytes used by records and indexes, for the benchmarks. */
size_t store_memory(const struct store *s);

#endif
