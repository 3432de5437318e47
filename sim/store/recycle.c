/*
 * recycle.c - deletes and undeletes with their details (see recycle.h).
 *
 * A master's live details are found through the equality index on the
 * master-detail field (the parent's 18-character id, as intake stores a
 * reference); its deleted ones by a pass over the child object's bin,
 * which is bounded by the retention period.
 */
#include "recycle.h"

#include <stdlib.h>
#include <string.h>

#include "person.h"
#include "relation.h"
#include "schema.h"
#include "sfid.h"
#include "sim.h"
#include "store.h"
#include "xmalloc.h"

/* What one pass over a master's children does. */
struct pass {
    struct sim *sim;
    char id18[SFID_LEN18 + 1];
    int64_t now_ms, deleted_ms; /* undelete: when the master was deleted */
    int depth;
};

static void delete_tree(struct sim *sim, const struct object_def *obj,
                        struct record *r, int64_t now_ms, int depth);
static void undelete_tree(struct sim *sim, const struct object_def *obj,
                          struct record *r, int64_t now_ms, int depth);

/* Deletes the live records of one master-detail relationship of p's
 * master. */
static void
delete_children(const struct relation_child *c, void *arg)
{
    struct pass *p = arg;
    struct record **found;
    size_t n, i;

    if (!(c->field->flags & FIELD_MASTER_DETAIL))
        return;
    n = store_find_equal(p->sim->store, c->child->store_index,
                         c->field->interned, STORE_NORM_EXACT, p->id18,
                         SFID_LEN18, NULL, 0);
    if (n == 0)
        return;
    found = xreallocarray(NULL, n, sizeof(*found));
    n = store_find_equal(p->sim->store, c->child->store_index,
                         c->field->interned, STORE_NORM_EXACT, p->id18,
                         SFID_LEN18, found, n);
    for (i = 0; i < n; i++)
        delete_tree(p->sim, c->child, found[i], p->now_ms, p->depth + 1);
    free(found);
}

static void
delete_tree(struct sim *sim, const struct object_def *obj, struct record *r,
            int64_t now_ms, int depth)
{
    struct pass p = {sim, "", now_ms, 0, depth};

    if (r->deleted)
        return;
    sfid_to18(r->id, p.id18);
    if (depth < RECYCLE_MAX_DEPTH)
        relation_children(sim->schema, obj, delete_children, &p);
    person_delete_contact(sim, obj, r);
    store_recycle(sim->store, r, now_ms);
}

void
recycle_delete(struct sim *sim, const struct object_def *obj, struct record *r)
{
    delete_tree(sim, obj, r, sim_now(sim), 0);
}

/* The deleted records of the child object that one relationship ties to
 * the master and that were deleted with it. */
struct bin_pass {
    struct pass *p;
    const struct relation_child *c;
    struct record **found;
    size_t n, cap;
};

static int
collect_deleted(struct record *r, void *arg)
{
    struct bin_pass *b = arg;
    const char *v;
    size_t len = 0;

    if (r->modified_ms != b->p->deleted_ms)
        return 0;
    v = record_value(r, b->c->field->interned, &len);
    if (v == NULL || len != SFID_LEN18 || memcmp(v, b->p->id18, len) != 0)
        return 0;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->found = xreallocarray(b->found, b->cap, sizeof(*b->found));
    }
    b->found[b->n++] = r;
    return 0;
}

static void
undelete_children(const struct relation_child *c, void *arg)
{
    struct pass *p = arg;
    struct bin_pass b = {p, c, NULL, 0, 0};
    size_t i;

    if (!(c->field->flags & FIELD_MASTER_DETAIL))
        return;
    store_foreach_deleted(p->sim->store, c->child->store_index, collect_deleted,
                          &b);
    for (i = 0; i < b.n; i++)
        undelete_tree(p->sim, c->child, b.found[i], p->now_ms, p->depth + 1);
    free(b.found);
}

/* A person account's hidden Contact, when it was deleted with it. */
static void
undelete_person_contact(struct pass *p, const struct object_def *obj,
                        const struct record *acct)
{
    const struct field_def *f = schema_field(obj, "PersonContactId");
    char id15[SFID_LEN15 + 1];
    struct record *contact;
    const char *v;
    size_t len = 0;

    if (f == NULL || (v = record_value(acct, f->interned, &len)) == NULL ||
        sfid_normalize(v, len, id15) == -1 ||
        (contact = store_get_any(p->sim->store, id15)) == NULL ||
        !contact->deleted || contact->modified_ms != p->deleted_ms)
        return;
    store_undelete(p->sim->store, contact, p->now_ms);
}

static void
undelete_tree(struct sim *sim, const struct object_def *obj, struct record *r,
              int64_t now_ms, int depth)
{
    struct pass p = {sim, "", now_ms, r->modified_ms, depth};

    if (!r->deleted)
        return;
    sfid_to18(r->id, p.id18);
    store_undelete(sim->store, r, now_ms);
    undelete_person_contact(&p, obj, r);
    if (depth < RECYCLE_MAX_DEPTH)
        relation_children(sim->schema, obj, undelete_children, &p);
}

void
recycle_undelete(struct sim *sim, const struct object_def *obj,
                 struct record *r)
{
    undelete_tree(sim, obj, r, sim_now(sim), 0);
}
