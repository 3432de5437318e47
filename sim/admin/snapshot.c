/*
 * snapshot.c - exporting the simulated org as a state file (see
 * snapshot.h): the parts in file order, and the stream that writes them.
 *
 * A part is a top-level member: an object written whole (its "head"),
 * possibly followed inside it by lists that can be long (records,
 * journal, sessions, queued posts, mail), each streamed a piece at a time
 * from a cursor opened when the export starts, so an export costs the sim
 * one piece however large the org. Between pieces the sim goes on
 * serving: what a list shows is what existed when the export started,
 * less what went away since.
 */
#include "snapshot.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "bulk.h"
#include "cursor.h"
#include "fault.h"
#include "journal.h"
#include "mailbox.h"
#include "org.h"
#include "schema.h"
#include "sim.h"
#include "store.h"
#include "timefmt.h"
#include "version.h"
#include "w2lqueue.h"
#include "window.h"
#include "xmalloc.h"

#define LISTS_MAX 3

/* A list inside a part, streamed whole ('[' to ']') through a cursor. */
struct snap_list {
    const char *key; /* NULL: the part's value is this array itself */
    void *(*open)(struct sim *sim, int secrets);
    int (*next)(struct sim *sim, void *cur, struct buf *out, size_t max);
    void (*close)(void *cur);
};

struct snap_part {
    const char *key; /* NULL: head's members go to the top level */
    json_t *(*head)(struct sim *sim, int secrets); /* NULL: no head */
    struct snap_list lists[LISTS_MAX];             /* key or open NULL: end */
};

/* --- lists of items ------------------------------------------------------- */

/* A list made of items numbered from 0 (queued posts, sessions, ...). */
struct items {
    size_t i, end;
    int secrets;
    uint64_t resets;
    json_t *(*item)(struct sim *sim, size_t i, int secrets);
    struct buf_array arr;
};

static void
put_json(struct buf *out, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

    buf_puts(out, text != NULL ? text : "null");
    free(text);
    json_decref(j);
}

static struct items *
items_open(struct sim *sim, size_t end, int secrets,
           json_t *(*item)(struct sim *, size_t, int))
{
    struct items *c = xcalloc(1, sizeof(*c));

    c->end = end;
    c->secrets = secrets;
    c->resets = sim->resets;
    c->item = item;
    return c;
}

static int
items_next(struct sim *sim, void *cur, struct buf *out, size_t max)
{
    struct items *c = cur;
    size_t start = buf_array_open(&c->arr, out);
    json_t *j;

    if (sim->resets != c->resets)
        c->end = c->i; /* what was listed is all there is */
    while (c->i < c->end && out->len - start < max) {
        if ((j = c->item(sim, c->i++, c->secrets)) == NULL) {
            c->end = c->i;
            break;
        }
        buf_array_sep(&c->arr, out);
        put_json(out, j);
    }
    if (c->i < c->end)
        return 1;
    buf_putc(out, ']');
    return 0;
}

static json_t *
queue_item(struct sim *sim, size_t i, int secrets)
{
    return w2lqueue_entry_json(sim->w2l, i, secrets);
}

static void *
queue_open(struct sim *sim, int secrets)
{
    return items_open(sim, sim->w2l->qlen, secrets, queue_item);
}

static json_t *
session_item(struct sim *sim, size_t i, int secrets)
{
    return auth_session_json(sim->auth, i, secrets);
}

static void *
sessions_open(struct sim *sim, int secrets)
{
    return items_open(sim, auth_session_count(sim->auth), secrets,
                      session_item);
}

static json_t *
refresh_item(struct sim *sim, size_t i, int secrets)
{
    return auth_refresh_json(sim->auth, i, secrets);
}

static void *
refreshes_open(struct sim *sim, int secrets)
{
    return items_open(sim, auth_refresh_count(sim->auth), secrets,
                      refresh_item);
}

/* --- records -------------------------------------------------------------- */

struct records {
    int objects[STORE_MAX_OBJECTS]; /* store indexes, in schema order */
    size_t end[STORE_MAX_OBJECTS];  /* positions when the export started */
    size_t nobjects, k, pos;
    uint64_t resets;
    struct buf_array arr;
};

static void *
records_open(struct sim *sim, int secrets)
{
    struct records *c = xcalloc(1, sizeof(*c));
    size_t i;

    (void)secrets;
    for (i = 0; i < sim->schema->nobjects && i < STORE_MAX_OBJECTS; i++) {
        c->objects[i] = sim->schema->objects[i].store_index;
        c->end[i] = store_positions(sim->store, c->objects[i]);
    }
    c->nobjects = i;
    c->resets = sim->resets;
    return c;
}

/* A record as the store keeps it: values are text, fields in their
 * order; one in the recycle bin says so. */
static json_t *
record_json(const struct store *s, const struct record *r)
{
    char created[TIMEFMT_LEN], modified[TIMEFMT_LEN];
    json_t *fields = json_object(), *j;
    uint16_t i;

    for (i = 0; i < r->nfields; i++)
        json_object_set_new(fields, store_field_name(s, r->fields[i].field),
                            json_stringn(r->fields[i].value, r->fields[i].len));
    j = json_pack("{s:s, s:s, s:s, s:s, s:o}", "object",
                  store_object_name(s, r->object), "id", r->id, "created",
                  timefmt_rfc3339(r->created_ms, created), "modified",
                  timefmt_rfc3339(r->modified_ms, modified), "fields", fields);
    if (r->deleted) /* in the recycle bin: modified is when */
        json_object_set_new(j, "deleted", json_true());
    return j;
}

static int
records_next(struct sim *sim, void *cur, struct buf *out, size_t max)
{
    struct records *c = cur;
    size_t start = buf_array_open(&c->arr, out);
    const struct record *r;

    if (sim->resets != c->resets)
        c->k = c->nobjects;
    while (c->k < c->nobjects && out->len - start < max) {
        if (c->pos >= c->end[c->k]) {
            c->k++;
            c->pos = 0;
            continue;
        }
        if ((r = store_at_any(sim->store, c->objects[c->k], c->pos++)) == NULL)
            continue; /* purged or hard-deleted since the export started */
        buf_array_sep(&c->arr, out);
        put_json(out, record_json(sim->store, r));
    }
    if (c->k < c->nobjects)
        return 1;
    buf_putc(out, ']');
    return 0;
}

/* --- the recycle bin ------------------------------------------------------ */

/* The ids in the bin when the export started, each object's in deletion
 * order (store_foreach_deleted): the bin holds at most the retention
 * period's deletions. */
struct bin_ids {
    char (*ids)[SFID_LEN15 + 1];
    size_t n, cap, i;
    uint64_t resets;
    struct buf_array arr;
};

static int
add_bin_id(struct record *r, void *arg)
{
    struct bin_ids *b = arg;

    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->ids = xreallocarray(b->ids, b->cap, sizeof(*b->ids));
    }
    memcpy(b->ids[b->n++], r->id, SFID_LEN15 + 1);
    return 0;
}

static void *
bin_open(struct sim *sim, int secrets)
{
    struct bin_ids *b = xcalloc(1, sizeof(*b));
    size_t i;

    (void)secrets;
    for (i = 0; i < sim->schema->nobjects; i++)
        store_foreach_deleted(sim->store, sim->schema->objects[i].store_index,
                              add_bin_id, b);
    b->resets = sim->resets;
    return b;
}

static int
bin_next(struct sim *sim, void *cur, struct buf *out, size_t max)
{
    struct bin_ids *b = cur;
    size_t start = buf_array_open(&b->arr, out);

    if (sim->resets != b->resets)
        b->n = b->i; /* what was listed is all there is */
    while (b->i < b->n && out->len - start < max) {
        buf_array_sep(&b->arr, out);
        buf_putc(out, '"');
        buf_puts(out, b->ids[b->i++]);
        buf_putc(out, '"');
    }
    if (b->i < b->n)
        return 1;
    buf_putc(out, ']');
    return 0;
}

static void
bin_close(void *cur)
{
    struct bin_ids *b = cur;

    free(b->ids);
    free(b);
}

/* When each object's last record purged from the bin had been deleted
 * (getDeleted's earliestDateAvailable). */
static json_t *
bin_head(struct sim *sim, int secrets)
{
    json_t *purged = json_object();
    char when[TIMEFMT_LEN];
    int64_t ms;
    size_t i;

    (void)secrets;
    for (i = 0; i < sim->schema->nobjects; i++) {
        ms =
            store_purged_until(sim->store, sim->schema->objects[i].store_index);
        if (ms >= 0)
            json_object_set_new(purged, sim->schema->objects[i].name,
                                json_string(timefmt_rfc3339(ms, when)));
    }
    return json_pack("{s:o}", "purged_until", purged);
}

/* --- journal and mail ----------------------------------------------------- */

static void *
journal_open(struct sim *sim, int secrets)
{
    struct journal_cursor *c = xcalloc(1, sizeof(*c));

    (void)secrets;
    journal_cursor_init(sim->journal, c, 0, UINT64_MAX);
    return c;
}

static int
journal_next(struct sim *sim, void *cur, struct buf *out, size_t max)
{
    return journal_stream(sim->journal, cur, out, max);
}

static void *
mail_open(struct sim *sim, int secrets)
{
    struct mailbox_cursor *c = xcalloc(1, sizeof(*c));

    (void)secrets;
    mailbox_cursor_init(sim->mail, c, 0, UINT64_MAX);
    return c;
}

static int
mail_next(struct sim *sim, void *cur, struct buf *out, size_t max)
{
    return mailbox_stream(sim->mail, cur, out, max);
}

/* --- heads ---------------------------------------------------------------- */

static json_t *
meta_head(struct sim *sim, int secrets)
{
    char now[TIMEFMT_LEN];

    /* What a restore will not have: said here, and by the restore. */
    return json_pack(
        "{s:s, s:i, s:s, s:s, s:b, s:{s:I}}", "format", SNAPSHOT_FORMAT,
        "version", SNAPSHOT_VERSION, "sfsim", SFSIM_VERSION, "exported_at",
        timefmt_rfc3339(sim_now(sim), now), "secrets", secrets, "not_carried",
        "bulk_jobs", (json_int_t)bulk_count(sim->bulk));
}

static json_t *
clock_head(struct sim *sim, int secrets)
{
    char now[TIMEFMT_LEN], origin[TIMEFMT_LEN];

    (void)secrets;
    return json_pack("{s:s, s:b, s:s}", "now",
                     timefmt_rfc3339(sim_now(sim), now), "frozen",
                     sim->clock.frozen, "origin",
                     timefmt_rfc3339(sim->clock_origin_ms, origin));
}

static json_t *
ids_head(struct sim *sim, int secrets)
{
    uint64_t next_record, next_locator, next_order;
    char pod[3];

    (void)secrets;
    store_sequence(sim->store, pod, &next_record);
    cursors_numbers(sim->cursors, &next_locator, &next_order);
    return json_pack("{s:s, s:I, s:I, s:I}", "pod", pod, "next_record",
                     (json_int_t)next_record, "next_locator",
                     (json_int_t)next_locator, "next_locator_order",
                     (json_int_t)next_order);
}

/* The generator: a seeded run's tokens and every run's flow interview
 * ids come from it. */
static json_t *
rng_head(struct sim *sim, int secrets)
{
    char state[RNG_STATE_LEN];

    (void)secrets;
    rng_state_text(&sim->rng, state);
    return json_pack("{s:s, s:b}", "state", state, "seeded", sim->rng.seeded);
}

static json_t *
org_head(struct sim *sim, int secrets)
{
    json_t *j = org_to_json(sim->org);

    if (!secrets)
        org_json_redact(j);
    return j;
}

static json_t *
api_head(struct sim *sim, int secrets)
{
    (void)secrets;
    window_count(sim->api_window, sim_now(sim)); /* expire what left it */
    return json_pack("{s:o}", "window", window_to_json(sim->api_window));
}

static json_t *
w2l_head(struct sim *sim, int secrets)
{
    (void)secrets;
    window_count(&sim->w2l->window, sim_now(sim));
    return w2lqueue_to_json(sim->w2l);
}

static json_t *
faults_head(struct sim *sim, int secrets)
{
    (void)secrets;
    return fault_plan_state(sim->faults);
}

static json_t *
auth_head(struct sim *sim, int secrets)
{
    return json_pack("{s:o}", "codes", auth_codes_json(sim->auth, secrets));
}

static json_t *
journal_head(struct sim *sim, int secrets)
{
    (void)secrets;
    return json_pack("{s:I}", "next_seq",
                     (json_int_t)journal_last_seq(sim->journal) + 1);
}

static json_t *
mail_head(struct sim *sim, int secrets)
{
    (void)secrets;
    return json_pack("{s:I}", "added", (json_int_t)mailbox_added(sim->mail));
}

/* The document, in file order. */
static const struct snap_part parts[] = {
    {.key = NULL, .head = meta_head},
    {.key = "clock", .head = clock_head},
    {.key = "ids", .head = ids_head},
    {.key = "rng", .head = rng_head},
    {.key = "org", .head = org_head},
    {.key = "api", .head = api_head},
    {.key = "web_to_lead",
     .head = w2l_head,
     .lists = {{"queue", queue_open, items_next, free}}},
    {.key = "faults", .head = faults_head},
    {.key = "auth",
     .head = auth_head,
     .lists = {{"sessions", sessions_open, items_next, free},
               {"refresh_tokens", refreshes_open, items_next, free}}},
    {.key = "records", .lists = {{NULL, records_open, records_next, free}}},
    {.key = "recycle_bin",
     .head = bin_head,
     .lists = {{"order", bin_open, bin_next, bin_close}}},
    {.key = "journal",
     .head = journal_head,
     .lists = {{"entries", journal_open, journal_next, free}}},
    {.key = "mail",
     .head = mail_head,
     .lists = {{"messages", mail_open, mail_next, free}}},
};

#define NPARTS (sizeof(parts) / sizeof(parts[0]))

/* --- the stream ----------------------------------------------------------- */

struct export
{
    int secrets;
    uint64_t resets;
    size_t part, list;
    int in_list; /* the current list's array has begun */
    int done;
    void *cur[NPARTS][LISTS_MAX];
};

static int
has_list(const struct snap_part *p, size_t l)
{
    return l < LISTS_MAX && p->lists[l].open != NULL;
}

void *
snapshot_export_open(struct sim *sim, int secrets)
{
    struct export *e = xcalloc(1, sizeof(*e));
    size_t p, l;

    e->secrets = secrets;
    e->resets = sim->resets;
    /* Every list's cursor now: the export lists what exists now. */
    for (p = 0; p < NPARTS; p++)
        for (l = 0; has_list(&parts[p], l); l++)
            e->cur[p][l] = parts[p].lists[l].open(sim, secrets);
    return e;
}

void
snapshot_export_free(void *state)
{
    struct export *e = state;
    size_t p, l;

    for (p = 0; p < NPARTS; p++)
        for (l = 0; has_list(&parts[p], l); l++)
            parts[p].lists[l].close(e->cur[p][l]);
    free(e);
}

/* A part's head as members (without its braces), after a separator when
 * any came before; *any says whether any did. */
static void
put_members(struct buf *out, json_t *head, int *any)
{
    char *text = json_dumps(head, JSON_COMPACT);
    size_t n = strlen(text);

    json_decref(head);
    if (n > 2) {
        if (*any)
            buf_putc(out, ',');
        buf_append(out, text + 1, n - 2);
        *any = 1;
    }
    free(text);
}

/* Writes part p's beginning: its key, '{' and its head's members. */
static void
part_begin(struct sim *sim, struct export *e, struct buf *out)
{
    const struct snap_part *p = &parts[e->part];
    int any = 0;

    if (p->key == NULL) { /* the document's own members */
        buf_putc(out, '{');
        put_members(out, p->head(sim, e->secrets), &any);
        return;
    }
    buf_puts(out, ",\"");
    buf_puts(out, p->key);
    buf_puts(out, "\":");
    if (has_list(p, 0) && p->lists[0].key == NULL)
        return; /* its value is the list */
    buf_putc(out, '{');
    if (p->head != NULL)
        put_members(out, p->head(sim, e->secrets), &any);
    if (has_list(p, 0) && any)
        buf_putc(out, ',');
}

/* Writes about max bytes of part p's current list; 1 while it goes on. */
static int
list_piece(struct sim *sim, struct export *e, struct buf *out, size_t max)
{
    const struct snap_list *l = &parts[e->part].lists[e->list];

    if (!e->in_list) {
        if (l->key != NULL) {
            buf_putc(out, '"');
            buf_puts(out, l->key);
            buf_puts(out, "\":");
        }
        e->in_list = 1;
    }
    if (l->next(sim, e->cur[e->part][e->list], out, max))
        return 1;
    e->in_list = 0;
    e->list++;
    if (has_list(&parts[e->part], e->list))
        buf_putc(out, ',');
    return 0;
}

int
snapshot_export_next(struct sim *sim, void *state, struct buf *out, size_t max)
{
    struct export *e = state;
    size_t start = out->len, room;
    const struct snap_part *p;

    while (e->part < NPARTS && out->len - start < max) {
        p = &parts[e->part];
        if (e->list == 0 && !e->in_list)
            part_begin(sim, e, out);
        room = out->len - start < max ? max - (out->len - start) : 1;
        if (has_list(p, e->list) && list_piece(sim, e, out, room))
            return 1;
        if (has_list(p, e->list))
            continue;
        if (p->key != NULL && !(has_list(p, 0) && p->lists[0].key == NULL))
            buf_putc(out, '}');
        e->part++;
        e->list = 0;
    }
    if (e->part < NPARTS)
        return 1;
    /* Last: whether nothing was reset or restored while it was read. */
    buf_puts(out, sim->resets == e->resets ? ",\"complete\":true}"
                                           : ",\"complete\":false}");
    return 0;
}
