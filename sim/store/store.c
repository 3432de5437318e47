/*
 * store.c - records, the ID index and equality indexes (see store.h).
 *
 * All hash tables here use open addressing with linear probing over
 * power-of-two arrays, grown at 70% load. Index slots hold record pointers;
 * a deleted slot becomes a tombstone so probe chains stay intact.
 *
 * The recycle bin is a queue of (ID, position, deletion time) in deletion
 * order: purging pops from its head, so it costs nothing while nothing is
 * due. An entry whose record was purged, or deleted again later, is stale
 * and skipped (the record's deletion time no longer matches).
 */
#include "store.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

#define TOMBSTONE ((struct record *)(uintptr_t)1)
#define MAX_INDEXES 512
#define STORE_IDS_FIRST 1024 /* slots of the ID index when empty */

struct objtab {
    char name[48];
    char prefix[4];
    struct record **recs; /* creation order; NULL where freed */
    size_t n, cap, live, deleted;
    int64_t purged_until; /* deletion time of the last purged, or -1 */
};

/* One record put in the recycle bin. */
struct binent {
    char id[SFID_LEN15 + 1];
    size_t pos; /* in its object's recs */
    int64_t ms; /* when it was deleted */
};

struct islot {
    uint64_t hash;
    struct record *rec; /* NULL empty, TOMBSTONE deleted */
};

struct findex {
    int object;
    uint32_t field;
    enum store_norm norm;
    struct islot *slots;
    size_t cap, used; /* used counts live entries and tombstones */
};

/* One change recorded while a savepoint is open. */
enum undo_kind {
    UNDO_INSERT,
    UNDO_UPDATE,
    UNDO_DELETE,
    UNDO_RECYCLE,
    UNDO_UNDELETE
};

struct undo {
    enum undo_kind kind;
    struct record *r;
    struct rfield *fields; /* UPDATE: the old values (owned) */
    uint16_t nfields;
    int64_t modified_ms; /* UPDATE, RECYCLE, UNDELETE: r's before it */
    size_t pos;          /* INSERT, DELETE: the record's position */
};

struct store {
    char pod[3];
    uint64_t next_number;
    struct objtab objects[STORE_MAX_OBJECTS];
    int nobjects;
    char **names; /* interned field names */
    uint32_t nnames, names_cap;
    uint32_t *name_slots; /* hash -> name id + 1 */
    size_t name_slots_cap;
    struct record **ids; /* ID index */
    size_t ids_cap, ids_used;
    struct findex indexes[MAX_INDEXES];
    int nindexes;
    size_t value_bytes;
    struct binent *bin; /* the recycle bin, oldest first from bin_head */
    size_t bin_head, bin_n, bin_cap;
    struct undo *undo; /* changes since the outermost savepoint */
    size_t nundo, undo_cap;
    int savepoints; /* open savepoints */
};

/* FNV-1a */
static uint64_t
hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

struct store *
store_new(const char *pod, uint64_t first_number)
{
    struct store *s = xcalloc(1, sizeof(*s));

    memcpy(s->pod, pod, 2);
    s->next_number = first_number;
    s->ids_cap = STORE_IDS_FIRST;
    s->ids = xcalloc(s->ids_cap, sizeof(*s->ids));
    s->name_slots_cap = 256;
    s->name_slots = xcalloc(s->name_slots_cap, sizeof(*s->name_slots));
    return s;
}

static void
free_records(struct store *s)
{
    int o;
    size_t i;

    for (o = 0; o < s->nobjects; o++) {
        struct objtab *t = &s->objects[o];

        for (i = 0; i < t->n; i++) {
            if (t->recs[i] != NULL) {
                free(t->recs[i]->fields);
                free(t->recs[i]);
            }
        }
        free(t->recs);
        t->recs = NULL;
        t->n = t->cap = t->live = t->deleted = 0;
        t->purged_until = -1;
    }
    s->bin_head = s->bin_n = 0;
}

static void undo_forget(struct store *s, size_t mark);

void
store_clear(struct store *s)
{
    int i;

    undo_forget(s, 0);
    s->savepoints = 0;
    free_records(s);
    /* The tables shrink back to their first size: a reset gives back the
     * memory that a load grew them to (emptied at full size, they would
     * stay resident). An index's slots come back on its next use. */
    free(s->ids);
    s->ids_cap = STORE_IDS_FIRST;
    s->ids = xcalloc(s->ids_cap, sizeof(*s->ids));
    s->ids_used = 0;
    for (i = 0; i < s->nindexes; i++) {
        free(s->indexes[i].slots);
        s->indexes[i].slots = NULL;
        s->indexes[i].cap = s->indexes[i].used = 0;
    }
    s->value_bytes = 0;
}

void
store_free(struct store *s)
{
    uint32_t i;
    int x;

    if (s == NULL)
        return;
    undo_forget(s, 0);
    free(s->undo);
    free_records(s);
    for (i = 0; i < s->nnames; i++)
        free(s->names[i]);
    free(s->names);
    free(s->name_slots);
    free(s->ids);
    free(s->bin);
    for (x = 0; x < s->nindexes; x++)
        free(s->indexes[x].slots);
    free(s);
}

/* --- objects and names ---------------------------------------------------- */

int
store_object_find(const struct store *s, const char *name)
{
    int i;

    for (i = 0; i < s->nobjects; i++)
        if (strcasecmp(s->objects[i].name, name) == 0)
            return i;
    return -1;
}

int
store_object_add(struct store *s, const char *name, const char *prefix)
{
    int i = store_object_find(s, name);
    struct objtab *t;

    if (i >= 0)
        return i;
    if (s->nobjects >= STORE_MAX_OBJECTS || strlen(name) >= sizeof(t->name))
        return -1;
    t = &s->objects[s->nobjects];
    memset(t, 0, sizeof(*t));
    memcpy(t->name, name, strlen(name) + 1);
    memcpy(t->prefix, prefix, 3);
    t->purged_until = -1;
    return s->nobjects++;
}

const char *
store_object_name(const struct store *s, int object)
{
    return s->objects[object].name;
}

const char *
store_object_prefix(const struct store *s, int object)
{
    return s->objects[object].prefix;
}

static void
names_grow(struct store *s)
{
    size_t cap = s->name_slots_cap * 2, i;
    uint32_t *slots = xcalloc(cap, sizeof(*slots));

    for (i = 0; i < s->nnames; i++) {
        size_t h = hash_bytes(s->names[i], strlen(s->names[i])) & (cap - 1);

        while (slots[h] != 0)
            h = (h + 1) & (cap - 1);
        slots[h] = (uint32_t)i + 1;
    }
    free(s->name_slots);
    s->name_slots = slots;
    s->name_slots_cap = cap;
}

uint32_t
store_intern(struct store *s, const char *name)
{
    size_t mask, h;

    if ((s->nnames + 1) * 10 > s->name_slots_cap * 7)
        names_grow(s);
    mask = s->name_slots_cap - 1;
    h = hash_bytes(name, strlen(name)) & mask;
    while (s->name_slots[h] != 0) {
        uint32_t id = s->name_slots[h] - 1;

        if (strcmp(s->names[id], name) == 0)
            return id;
        h = (h + 1) & mask;
    }
    if (s->nnames == s->names_cap) {
        s->names_cap = s->names_cap ? s->names_cap * 2 : 64;
        s->names = xreallocarray(s->names, s->names_cap, sizeof(*s->names));
    }
    s->names[s->nnames] = xstrdup(name);
    s->name_slots[h] = s->nnames + 1;
    return s->nnames++;
}

const char *
store_field_name(const struct store *s, uint32_t field)
{
    return field < s->nnames ? s->names[field] : "";
}

/* --- field value sets ----------------------------------------------------- */

void
fieldvals_set(struct fieldvals *fv, uint32_t field, const char *value,
              size_t len)
{
    uint64_t bit = UINT64_C(1) << (field % 64);
    size_t i;

    for (i = 0; (fv->seen & bit) && i < fv->n; i++) {
        if (fv->v[i].field == field) {
            fv->v[i].value = value;
            fv->v[i].len = len;
            return;
        }
    }
    if (fv->n == fv->cap) {
        fv->cap = fv->cap ? fv->cap * 2 : 16;
        if (fv->v != NULL && fv->v == fv->room) {
            fv->v = xreallocarray(NULL, fv->cap, sizeof(*fv->v));
            memcpy(fv->v, fv->room, fv->n * sizeof(*fv->v));
        } else {
            fv->v = xreallocarray(fv->v, fv->cap, sizeof(*fv->v));
        }
    }
    fv->seen |= bit;
    fv->v[fv->n].field = field;
    fv->v[fv->n].value = value;
    fv->v[fv->n].len = len;
    fv->n++;
}

const struct fieldval *
fieldvals_get(const struct fieldvals *fv, uint32_t field)
{
    size_t i;

    if (!(fv->seen & (UINT64_C(1) << (field % 64))))
        return NULL;
    for (i = 0; i < fv->n; i++)
        if (fv->v[i].field == field)
            return &fv->v[i];
    return NULL;
}

void
fieldvals_free(struct fieldvals *fv)
{
    if (fv->v != fv->room)
        free(fv->v);
    fv->v = fv->room = NULL;
    fv->n = fv->cap = 0;
    fv->seen = 0;
}

void
fieldvals_init_room(struct fieldvals *fv, struct fieldval *room, size_t n)
{
    fv->v = fv->room = room;
    fv->n = 0;
    fv->cap = n;
    fv->seen = 0;
}

/* --- normalised hashing for equality indexes ------------------------------ */

/* Next significant byte of p under norm, or -1 at the end. */
static int
norm_next(enum store_norm norm, const char **p, const char *end)
{
    while (*p < end) {
        unsigned char c = (unsigned char)*(*p)++;

        if (norm == STORE_NORM_DIGITS) {
            if (isdigit(c))
                return c;
            continue;
        }
        return norm == STORE_NORM_CASEFOLD ? tolower(c) : c;
    }
    return -1;
}

/* FNV-1a over the bytes norm_next() gives, a loop for each norm: this
 * runs for every record stored and every duplicate lookup. */
static uint64_t
norm_hash(enum store_norm norm, const char *v, size_t len)
{
    const unsigned char *p = (const unsigned char *)v, *end = p + len;
    uint64_t h = 1469598103934665603ULL;

    switch (norm) {
    case STORE_NORM_DIGITS:
        for (; p < end; p++)
            if (isdigit(*p))
                h = (h ^ *p) * 1099511628211ULL;
        break;
    case STORE_NORM_CASEFOLD:
        for (; p < end; p++)
            h = (h ^ (unsigned)tolower(*p)) * 1099511628211ULL;
        break;
    default:
        for (; p < end; p++)
            h = (h ^ *p) * 1099511628211ULL;
        break;
    }
    return h;
}

int
store_norm_equal(enum store_norm norm, const char *a, size_t alen,
                 const char *b, size_t blen)
{
    const char *pa = a, *ea = a + alen, *pb = b, *eb = b + blen;
    int ca, cb;

    do {
        ca = norm_next(norm, &pa, ea);
        cb = norm_next(norm, &pb, eb);
        if (ca != cb)
            return 0;
    } while (ca != -1);
    return 1;
}

int
store_norm_empty(enum store_norm norm, const char *v, size_t len)
{
    const char *p = v;

    return norm_next(norm, &p, v + len) == -1;
}

static void index_put(struct findex *ix, uint64_t hash, struct record *r);

static void
index_grow(struct findex *ix)
{
    struct islot *old = ix->slots;
    size_t oldcap = ix->cap, i;

    ix->cap = oldcap ? oldcap * 2 : 256;
    ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
    ix->used = 0;
    for (i = 0; i < oldcap; i++)
        if (old[i].rec != NULL && old[i].rec != TOMBSTONE)
            index_put(ix, old[i].hash, old[i].rec);
    free(old);
}

static void
index_put(struct findex *ix, uint64_t hash, struct record *r)
{
    size_t mask, h;

    if ((ix->used + 1) * 10 > ix->cap * 7)
        index_grow(ix);
    mask = ix->cap - 1;
    h = hash & mask;
    while (ix->slots[h].rec != NULL)
        h = (h + 1) & mask;
    ix->slots[h].hash = hash;
    ix->slots[h].rec = r;
    ix->used++;
}

static void
index_remove(struct findex *ix, uint64_t hash, struct record *r)
{
    size_t mask = ix->cap - 1, h = hash & mask, probes;

    for (probes = 0; probes < ix->cap && ix->slots[h].rec != NULL; probes++) {
        if (ix->slots[h].rec == r && ix->slots[h].hash == hash) {
            ix->slots[h].rec = TOMBSTONE;
            return;
        }
        h = (h + 1) & mask;
    }
}

static void
index_record(struct findex *ix, struct record *r, int add)
{
    size_t len;
    const char *v = record_value(r, ix->field, &len);
    uint64_t hash;

    if (v == NULL)
        return;
    hash = norm_hash(ix->norm, v, len);
    if (add)
        index_put(ix, hash, r);
    else
        index_remove(ix, hash, r);
}

/* Adds or removes r in every index of its object. */
static void
indexes_update(struct store *s, struct record *r, int add)
{
    int i;

    for (i = 0; i < s->nindexes; i++)
        if (s->indexes[i].object == r->object)
            index_record(&s->indexes[i], r, add);
}

static struct findex *
index_get(struct store *s, int object, uint32_t field, enum store_norm norm)
{
    struct findex *ix;
    size_t i;
    int x;

    for (x = 0; x < s->nindexes; x++) {
        ix = &s->indexes[x];
        if (ix->object == object && ix->field == field && ix->norm == norm)
            return ix;
    }
    if (s->nindexes >= MAX_INDEXES)
        return NULL;
    ix = &s->indexes[s->nindexes++];
    memset(ix, 0, sizeof(*ix));
    ix->object = object;
    ix->field = field;
    ix->norm = norm;
    index_grow(ix);
    for (i = 0; i < s->objects[object].n; i++)
        if (s->objects[object].recs[i] != NULL &&
            !s->objects[object].recs[i]->deleted)
            index_record(ix, s->objects[object].recs[i], 1);
    return ix;
}

static size_t
scan_equal(const struct store *s, int object, uint32_t field,
           enum store_norm norm, const char *value, size_t len,
           struct record **out, size_t max)
{
    const struct objtab *t = &s->objects[object];
    size_t i, found = 0;

    for (i = 0; i < t->n; i++) {
        size_t vlen;
        const char *v;

        if (t->recs[i] == NULL || t->recs[i]->deleted)
            continue;
        v = record_value(t->recs[i], field, &vlen);
        if (v != NULL && store_norm_equal(norm, v, vlen, value, len)) {
            if (found < max)
                out[found] = t->recs[i];
            found++;
        }
    }
    return found;
}

size_t
store_find_equal(struct store *s, int object, uint32_t field,
                 enum store_norm norm, const char *value, size_t len,
                 struct record **out, size_t max)
{
    struct findex *ix = index_get(s, object, field, norm);
    uint64_t hash = norm_hash(norm, value, len);
    size_t mask, h, found = 0, probes;

    if (ix == NULL) /* index table full: correct but slow */
        return scan_equal(s, object, field, norm, value, len, out, max);
    mask = ix->cap - 1;
    h = hash & mask;
    for (probes = 0; probes < ix->cap && ix->slots[h].rec != NULL; probes++) {
        struct record *r = ix->slots[h].rec;

        if (r != TOMBSTONE && ix->slots[h].hash == hash) {
            size_t vlen;
            const char *v = record_value(r, field, &vlen);

            if (v != NULL && store_norm_equal(norm, v, vlen, value, len)) {
                if (found < max)
                    out[found] = r;
                found++;
            }
        }
        h = (h + 1) & mask;
    }
    return found;
}

/* --- the ID index --------------------------------------------------------- */

/* A hash of a 15-character id: its two (overlapping) words, mixed so that
 * the last characters (the record number) reach the low bits the table
 * takes. Every lookup by id starts here. */
static uint64_t
hash_id(const char *id15)
{
    uint64_t a, b, h;

    memcpy(&a, id15, sizeof(a));
    memcpy(&b, id15 + SFID_LEN15 - sizeof(b), sizeof(b));
    h = a * 0x9E3779B97F4A7C15ULL ^ b * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    return h ^ (h >> 29);
}

static void
ids_put(struct store *s, struct record *r)
{
    size_t mask = s->ids_cap - 1, h = hash_id(r->id) & mask;

    while (s->ids[h] != NULL && s->ids[h] != TOMBSTONE)
        h = (h + 1) & mask;
    if (s->ids[h] == NULL)
        s->ids_used++;
    s->ids[h] = r;
}

static void
ids_grow(struct store *s)
{
    struct record **old = s->ids;
    size_t oldcap = s->ids_cap, i;

    s->ids_cap *= 2;
    s->ids = xcalloc(s->ids_cap, sizeof(*s->ids));
    s->ids_used = 0;
    for (i = 0; i < oldcap; i++)
        if (old[i] != NULL && old[i] != TOMBSTONE)
            ids_put(s, old[i]);
    free(old);
}

static size_t
ids_slot(const struct store *s, const char *id15)
{
    size_t mask = s->ids_cap - 1, h = hash_id(id15) & mask;
    size_t probes;

    for (probes = 0; probes < s->ids_cap && s->ids[h] != NULL; probes++) {
        if (s->ids[h] != TOMBSTONE &&
            memcmp(s->ids[h]->id, id15, SFID_LEN15) == 0)
            return h;
        h = (h + 1) & mask;
    }
    return SIZE_MAX;
}

struct record *
store_get_any(const struct store *s, const char *id15)
{
    size_t h = ids_slot(s, id15);

    return h == SIZE_MAX ? NULL : s->ids[h];
}

struct record *
store_get(const struct store *s, const char *id15)
{
    struct record *r = store_get_any(s, id15);

    return r != NULL && !r->deleted ? r : NULL;
}

/* --- records -------------------------------------------------------------- */

static struct undo *undo_push(struct store *s, enum undo_kind kind,
                              struct record *r);

/* Packs the union of r's old fields (if any) and fv into one block. */
static struct rfield *
pack_fields(const struct record *old, const struct fieldvals *fv,
            uint16_t *nfields, size_t *bytes)
{
    size_t n = 0, total = 0, i;
    struct rfield *block;
    char *cursor;
    const struct fieldval *nv;

    if (old != NULL)
        for (i = 0; i < old->nfields; i++)
            if (fieldvals_get(fv, old->fields[i].field) == NULL)
                n++, total += old->fields[i].len + 1;
    for (i = 0; i < fv->n; i++)
        if (fv->v[i].value != NULL)
            n++, total += fv->v[i].len + 1;
    if (n > STORE_MAX_FIELDS_PER_RECORD)
        return NULL;
    block = xmalloc(n * sizeof(*block) + total);
    cursor = (char *)(block + n);
    n = 0;
    for (i = 0; old != NULL && i < old->nfields; i++) {
        if (fieldvals_get(fv, old->fields[i].field) != NULL)
            continue;
        block[n] = old->fields[i];
        memcpy(cursor, old->fields[i].value, old->fields[i].len + 1);
        block[n++].value = cursor;
        cursor += old->fields[i].len + 1;
    }
    for (i = 0; i < fv->n; i++) {
        if ((nv = &fv->v[i])->value == NULL)
            continue;
        block[n].field = nv->field;
        block[n].len = (uint32_t)nv->len;
        memcpy(cursor, nv->value, nv->len);
        cursor[nv->len] = '\0';
        block[n++].value = cursor;
        cursor += nv->len + 1;
    }
    *nfields = (uint16_t)n;
    *bytes = total;
    return block;
}

/* Stores a new record r (fields packed) under its ID, at the end of its
 * object, with its times. */
static void
link_new(struct store *s, struct record *r, int object, int64_t created_ms,
         int64_t modified_ms)
{
    struct objtab *t = &s->objects[object];

    r->object = (uint16_t)object;
    r->created_ms = created_ms;
    r->modified_ms = modified_ms;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->recs = xreallocarray(t->recs, t->cap, sizeof(*t->recs));
    }
    t->recs[t->n++] = r;
    t->live++;
    if ((s->ids_used + 1) * 10 > s->ids_cap * 7)
        ids_grow(s);
    ids_put(s, r);
    indexes_update(s, r, 1);
    if (s->savepoints > 0)
        undo_push(s, UNDO_INSERT, r)->pos = t->n - 1;
}

/* A record with fv's values and no ID yet; NULL when there are too many. */
static struct record *
record_new(struct store *s, const struct fieldvals *fv)
{
    struct record *r = xcalloc(1, sizeof(*r));
    size_t bytes = 0;

    r->fields = pack_fields(NULL, fv, &r->nfields, &bytes);
    if (r->fields == NULL) {
        free(r);
        return NULL;
    }
    s->value_bytes += bytes;
    return r;
}

struct record *
store_insert(struct store *s, int object, const struct fieldvals *fv,
             int64_t now_ms)
{
    struct record *r = record_new(s, fv);

    if (r == NULL)
        return NULL;
    sfid_make(s->objects[object].prefix, s->pod, s->next_number++, r->id);
    link_new(s, r, object, now_ms, now_ms);
    return r;
}

struct record *
store_insert_id(struct store *s, int object, const char *id15,
                const struct fieldvals *fv, int64_t now_ms)
{
    struct record *r;

    if (store_get_any(s, id15) != NULL || (r = record_new(s, fv)) == NULL)
        return NULL;
    memcpy(r->id, id15, SFID_LEN15);
    r->id[SFID_LEN15] = '\0';
    link_new(s, r, object, now_ms, now_ms);
    return r;
}

void
store_sequence(const struct store *s, char pod[3], uint64_t *next_number)
{
    memcpy(pod, s->pod, 2);
    pod[2] = '\0';
    *next_number = s->next_number;
}

struct record *
store_restore(struct store *s, int object, const char *id15,
              const struct fieldvals *fv, int64_t created_ms,
              int64_t modified_ms)
{
    struct record *r;

    if (strlen(id15) != SFID_LEN15 ||
        memcmp(id15, s->objects[object].prefix, 3) != 0 ||
        store_get_any(s, id15) != NULL || (r = record_new(s, fv)) == NULL)
        return NULL;
    memcpy(r->id, id15, SFID_LEN15 + 1);
    link_new(s, r, object, created_ms, modified_ms);
    return r;
}

int
store_update(struct store *s, struct record *r, const struct fieldvals *fv,
             int64_t now_ms)
{
    size_t bytes = 0;
    uint16_t n = 0;
    struct rfield *block = pack_fields(r, fv, &n, &bytes);
    size_t i;

    if (block == NULL)
        return -1;
    /* A record in the recycle bin is in no equality index. */
    if (!r->deleted)
        indexes_update(s, r, 0);
    for (i = 0; i < r->nfields; i++)
        s->value_bytes -= r->fields[i].len + 1;
    if (s->savepoints > 0) {
        struct undo *u = undo_push(s, UNDO_UPDATE, r);

        u->fields = r->fields;
        u->nfields = r->nfields;
        u->modified_ms = r->modified_ms;
    } else {
        free(r->fields);
    }
    r->fields = block;
    r->nfields = n;
    if (!r->deleted) { /* its modified_ms dates the deletion */
        r->modified_ms = now_ms;
        indexes_update(s, r, 1);
    }
    s->value_bytes += bytes;
    return 0;
}

/* The position of r in its object's records (searched from the newest,
 * where deletions mostly happen). */
static size_t
position_of(const struct store *s, const struct record *r)
{
    const struct objtab *t = &s->objects[r->object];
    size_t i;

    for (i = t->n; i-- > 0;)
        if (t->recs[i] == r)
            return i;
    return SIZE_MAX;
}

/* Takes r (live or in the bin) out of the ID index, the indexes and its
 * object, found at pos there (SIZE_MAX: look it up); returns its position.
 * Its memory is the caller's to free or keep. */
static size_t
unlink_record(struct store *s, struct record *r, size_t pos)
{
    struct objtab *t = &s->objects[r->object];
    size_t h = ids_slot(s, r->id), i;

    if (!r->deleted)
        indexes_update(s, r, 0);
    if (h != SIZE_MAX)
        s->ids[h] = TOMBSTONE;
    if (pos == SIZE_MAX || pos >= t->n || t->recs[pos] != r)
        pos = position_of(s, r);
    if (pos != SIZE_MAX)
        t->recs[pos] = NULL;
    if (r->deleted)
        t->deleted--;
    else
        t->live--;
    for (i = 0; i < r->nfields; i++)
        s->value_bytes -= r->fields[i].len + 1;
    return pos;
}

static void
record_free(struct record *r)
{
    free(r->fields);
    free(r);
}

void
store_delete(struct store *s, struct record *r)
{
    size_t pos = unlink_record(s, r, SIZE_MAX);

    if (s->savepoints > 0)
        undo_push(s, UNDO_DELETE, r)->pos = pos;
    else
        record_free(r);
}

/* Moves live record r, at position pos of its object, to the end of the
 * recycle bin at now_ms. */
static void
bin_put(struct store *s, struct record *r, size_t pos, int64_t now_ms)
{
    struct objtab *t = &s->objects[r->object];
    struct binent *e;

    indexes_update(s, r, 0);
    if (s->savepoints > 0)
        undo_push(s, UNDO_RECYCLE, r)->modified_ms = r->modified_ms;
    r->deleted = 1;
    r->modified_ms = now_ms;
    t->live--;
    t->deleted++;
    if (s->bin_head > 0 && s->bin_head * 2 >= s->bin_n) {
        /* Most of the queue is popped: move the rest to the front. */
        memmove(s->bin, s->bin + s->bin_head,
                (s->bin_n - s->bin_head) * sizeof(*s->bin));
        s->bin_n -= s->bin_head;
        s->bin_head = 0;
    }
    if (s->bin_n == s->bin_cap) {
        s->bin_cap = s->bin_cap ? s->bin_cap * 2 : 64;
        s->bin = xreallocarray(s->bin, s->bin_cap, sizeof(*s->bin));
    }
    e = &s->bin[s->bin_n++];
    memcpy(e->id, r->id, sizeof(e->id));
    e->pos = pos;
    e->ms = now_ms;
}

void
store_recycle(struct store *s, struct record *r, int64_t now_ms)
{
    if (!r->deleted)
        bin_put(s, r, position_of(s, r), now_ms);
}

void
store_restore_recycle(struct store *s, struct record *r, size_t pos,
                      int64_t deleted_ms)
{
    if (!r->deleted && pos < s->objects[r->object].n &&
        s->objects[r->object].recs[pos] == r)
        bin_put(s, r, pos, deleted_ms);
}

void
store_restore_purged(struct store *s, int object, int64_t ms)
{
    s->objects[object].purged_until = ms;
}

void
store_undelete(struct store *s, struct record *r, int64_t now_ms)
{
    struct objtab *t = &s->objects[r->object];

    if (!r->deleted)
        return;
    if (s->savepoints > 0)
        undo_push(s, UNDO_UNDELETE, r)->modified_ms = r->modified_ms;
    r->deleted = 0;
    r->modified_ms = now_ms;
    t->deleted--;
    t->live++;
    indexes_update(s, r, 1);
}

/* The record of bin entry e if e still stands for it, else NULL. */
static struct record *
bin_record(const struct store *s, const struct binent *e)
{
    struct record *r = store_get_any(s, e->id);

    return r != NULL && r->deleted && r->modified_ms == e->ms ? r : NULL;
}

size_t
store_purge(struct store *s, int64_t before_ms, size_t max)
{
    size_t freed = 0;
    struct binent *e;
    struct record *r;

    /* A savepoint's undo log may hold a record of the bin. */
    if (s->savepoints > 0)
        return 0;
    while (s->bin_head < s->bin_n && freed < max &&
           (e = &s->bin[s->bin_head])->ms < before_ms) {
        s->bin_head++;
        if ((r = bin_record(s, e)) == NULL)
            continue;
        s->objects[r->object].purged_until = e->ms;
        unlink_record(s, r, e->pos);
        record_free(r);
        freed++;
    }
    if (s->bin_head == s->bin_n)
        s->bin_head = s->bin_n = 0;
    return freed;
}

int64_t
store_purged_until(const struct store *s, int object)
{
    return s->objects[object].purged_until;
}

/* --- savepoints ----------------------------------------------------------- */

static struct undo *
undo_push(struct store *s, enum undo_kind kind, struct record *r)
{
    struct undo *u;

    if (s->nundo == s->undo_cap) {
        s->undo_cap = s->undo_cap ? s->undo_cap * 2 : 64;
        s->undo = xreallocarray(s->undo, s->undo_cap, sizeof(*s->undo));
    }
    u = &s->undo[s->nundo++];
    memset(u, 0, sizeof(*u));
    u->kind = kind;
    u->r = r;
    return u;
}

/* Forgets the changes from mark on, keeping them: the memory the log held
 * (old values, deleted records) is freed. */
static void
undo_forget(struct store *s, size_t mark)
{
    size_t i;

    for (i = mark; i < s->nundo; i++) {
        if (s->undo[i].kind == UNDO_UPDATE)
            free(s->undo[i].fields);
        else if (s->undo[i].kind == UNDO_DELETE)
            record_free(s->undo[i].r);
    }
    s->nundo = mark < s->nundo ? mark : s->nundo;
}

/* Puts a record store_delete() took back where it was (in the bin if it
 * was there). */
static void
relink_record(struct store *s, struct record *r, size_t pos)
{
    struct objtab *t = &s->objects[r->object];
    uint16_t i;

    if (pos < t->n)
        t->recs[pos] = r;
    if ((s->ids_used + 1) * 10 > s->ids_cap * 7)
        ids_grow(s);
    ids_put(s, r);
    if (r->deleted) {
        t->deleted++;
    } else {
        t->live++;
        indexes_update(s, r, 1);
    }
    for (i = 0; i < r->nfields; i++)
        s->value_bytes += r->fields[i].len + 1;
}

static void
undo_one(struct store *s, struct undo *u)
{
    struct record *r = u->r;
    uint16_t i;

    switch (u->kind) {
    case UNDO_INSERT:
        unlink_record(s, r, u->pos);
        record_free(r);
        break;
    case UNDO_UPDATE:
        if (!r->deleted)
            indexes_update(s, r, 0);
        for (i = 0; i < r->nfields; i++)
            s->value_bytes -= r->fields[i].len + 1;
        free(r->fields);
        r->fields = u->fields;
        r->nfields = u->nfields;
        r->modified_ms = u->modified_ms;
        for (i = 0; i < r->nfields; i++)
            s->value_bytes += r->fields[i].len + 1;
        if (!r->deleted)
            indexes_update(s, r, 1);
        break;
    case UNDO_DELETE: relink_record(s, r, u->pos); break;
    case UNDO_RECYCLE: /* its bin entry goes stale (bin_record()) */
        r->deleted = 0;
        r->modified_ms = u->modified_ms;
        s->objects[r->object].deleted--;
        s->objects[r->object].live++;
        indexes_update(s, r, 1);
        break;
    case UNDO_UNDELETE: /* its bin entry stands for it again */
        indexes_update(s, r, 0);
        r->deleted = 1;
        r->modified_ms = u->modified_ms;
        s->objects[r->object].live--;
        s->objects[r->object].deleted++;
        break;
    }
}

size_t
store_savepoint(struct store *s)
{
    s->savepoints++;
    return s->nundo;
}

void
store_rollback(struct store *s, size_t mark)
{
    while (s->nundo > mark)
        undo_one(s, &s->undo[--s->nundo]);
    store_release(s, mark);
}

void
store_release(struct store *s, size_t mark)
{
    (void)mark;
    if (s->savepoints > 0 && --s->savepoints == 0)
        undo_forget(s, 0);
}

size_t
store_count(const struct store *s, int object)
{
    return s->objects[object].live;
}

size_t
store_count_deleted(const struct store *s, int object)
{
    return s->objects[object].deleted;
}

/* store_foreach() and store_foreach_any(): deleted records when any. */
static int
foreach_recs(const struct store *s, int object, int any,
             int (*fn)(struct record *r, void *arg), void *arg)
{
    const struct objtab *t = &s->objects[object];
    size_t i;
    int rc;

    for (i = 0; i < t->n; i++)
        if (t->recs[i] != NULL && (any || !t->recs[i]->deleted) &&
            (rc = fn(t->recs[i], arg)) != 0)
            return rc;
    return 0;
}

int
store_foreach(const struct store *s, int object,
              int (*fn)(struct record *r, void *arg), void *arg)
{
    return foreach_recs(s, object, 0, fn, arg);
}

int
store_foreach_any(const struct store *s, int object,
                  int (*fn)(struct record *r, void *arg), void *arg)
{
    return foreach_recs(s, object, 1, fn, arg);
}

int
store_foreach_deleted(const struct store *s, int object,
                      int (*fn)(struct record *r, void *arg), void *arg)
{
    struct record *r;
    size_t i;
    int rc;

    if (s->objects[object].deleted == 0)
        return 0;
    for (i = s->bin_head; i < s->bin_n; i++)
        if ((r = bin_record(s, &s->bin[i])) != NULL && r->object == object &&
            (rc = fn(r, arg)) != 0)
            return rc;
    return 0;
}

size_t
store_positions(const struct store *s, int object)
{
    return s->objects[object].n;
}

struct record *
store_at_any(const struct store *s, int object, size_t pos)
{
    const struct objtab *t = &s->objects[object];

    return pos < t->n ? t->recs[pos] : NULL;
}

struct record *
store_at(const struct store *s, int object, size_t pos)
{
    const struct objtab *t = &s->objects[object];

    return pos < t->n && t->recs[pos] != NULL && !t->recs[pos]->deleted
               ? t->recs[pos]
               : NULL;
}

const char *
record_value(const struct record *r, uint32_t field, size_t *len)
{
    uint16_t i;

    for (i = 0; i < r->nfields; i++) {
        if (r->fields[i].field == field) {
            if (len != NULL)
                *len = r->fields[i].len;
            return r->fields[i].value;
        }
    }
    return NULL;
}

size_t
store_memory(const struct store *s)
{
    size_t total = s->ids_cap * sizeof(*s->ids), i;
    int o, x;

    for (o = 0; o < s->nobjects; o++) {
        const struct objtab *t = &s->objects[o];

        total += t->cap * sizeof(*t->recs);
        for (i = 0; i < t->n; i++)
            if (t->recs[i] != NULL)
                total += sizeof(struct record) +
                         t->recs[i]->nfields * sizeof(struct rfield);
    }
    for (x = 0; x < s->nindexes; x++)
        total += s->indexes[x].cap * sizeof(struct islot);
    total += s->bin_cap * sizeof(*s->bin);
    return total + s->value_bytes;
}
