/*
 * cursor.c - the query locator table (see cursor.h).
 *
 * A fixed array of CURSOR_MAX slots, searched linearly: it is small, and
 * every operation also sweeps out expired locators, so nothing outlives
 * its idle time by more than one request.
 */
#include "cursor.h"

#include <stdlib.h>
#include <string.h>

#include "soql.h"
#include "xmalloc.h"

struct cursors {
    char pod[3];
    uint64_t next_number;
    uint64_t next_opened;
    size_t total_ids;
    struct cursor slots[CURSOR_MAX];
    int used[CURSOR_MAX];
};

struct cursors *
cursors_new(const char *pod)
{
    struct cursors *cs = xcalloc(1, sizeof(*cs));

    memcpy(cs->pod, pod, 2);
    cs->next_number = 1;
    return cs;
}

static void
release(struct cursors *cs, size_t i)
{
    struct cursor *c = &cs->slots[i];

    if (!cs->used[i])
        return;
    cs->total_ids -= c->n;
    free(c->username);
    soql_free(c->query);
    free(c->ids);
    memset(c, 0, sizeof(*c));
    cs->used[i] = 0;
}

void
cursors_clear(struct cursors *cs)
{
    size_t i;

    for (i = 0; i < CURSOR_MAX; i++)
        release(cs, i);
}

void
cursors_free(struct cursors *cs)
{
    if (cs == NULL)
        return;
    cursors_clear(cs);
    free(cs);
}

static void
expire(struct cursors *cs, int64_t now_ms)
{
    size_t i;

    for (i = 0; i < CURSOR_MAX; i++)
        if (cs->used[i] && now_ms - cs->slots[i].last_used_ms >= CURSOR_IDLE_MS)
            release(cs, i);
}

/* Slot of the oldest locator (of username when non-NULL); counts them. */
static size_t
oldest(const struct cursors *cs, const char *username, size_t *count)
{
    size_t i, best = CURSOR_MAX;

    *count = 0;
    for (i = 0; i < CURSOR_MAX; i++) {
        if (!cs->used[i] ||
            (username != NULL && strcmp(cs->slots[i].username, username) != 0))
            continue;
        (*count)++;
        if (best == CURSOR_MAX || cs->slots[i].opened < cs->slots[best].opened)
            best = i;
    }
    return best;
}

/* Makes room for one more locator of n IDs for username. */
static void
make_room(struct cursors *cs, const char *username, size_t n)
{
    size_t count, i;

    while ((i = oldest(cs, username, &count)) != CURSOR_MAX &&
           count >= CURSOR_MAX_PER_USER)
        release(cs, i);
    while ((i = oldest(cs, NULL, &count)) != CURSOR_MAX &&
           (count >= CURSOR_MAX || cs->total_ids + n > CURSOR_MAX_IDS))
        release(cs, i);
}

struct cursor *
cursor_open(struct cursors *cs, const char *username, struct soql_query *q,
            struct cursor_id *ids, size_t n, size_t batch, int64_t now_ms)
{
    struct cursor *c = NULL;
    size_t i;

    if (n > CURSOR_MAX_IDS)
        goto out;
    expire(cs, now_ms);
    make_room(cs, username, n);
    for (i = 0; i < CURSOR_MAX && cs->used[i]; i++)
        ;
    c = &cs->slots[i];
    cs->used[i] = 1;
    sfid_make(CURSOR_PREFIX, cs->pod, cs->next_number++, c->id);
    c->username = xstrdup(username);
    c->query = q;
    c->ids = ids;
    c->n = n;
    c->batch = batch;
    c->last_used_ms = now_ms;
    c->opened = cs->next_opened++;
    cs->total_ids += n;
    q = NULL;
    ids = NULL;
out:
    soql_free(q);
    free(ids);
    return c;
}

struct cursor *
cursor_find(struct cursors *cs, const char *id, int64_t now_ms)
{
    char id15[SFID_LEN15 + 1];
    size_t i;

    expire(cs, now_ms);
    if (sfid_normalize(id, strlen(id), id15) == -1)
        return NULL;
    for (i = 0; i < CURSOR_MAX; i++) {
        if (cs->used[i] && strcmp(cs->slots[i].id, id15) == 0) {
            cs->slots[i].last_used_ms = now_ms;
            return &cs->slots[i];
        }
    }
    return NULL;
}

void
cursor_close(struct cursors *cs, struct cursor *c)
{
    size_t i = (size_t)(c - cs->slots);

    if (i < CURSOR_MAX)
        release(cs, i);
}

size_t
cursors_count(const struct cursors *cs)
{
    size_t i, n = 0;

    for (i = 0; i < CURSOR_MAX; i++)
        n += cs->used[i] != 0;
    return n;
}

void
cursors_numbers(const struct cursors *cs, uint64_t *next_id,
                uint64_t *next_order)
{
    *next_id = cs->next_number;
    *next_order = cs->next_opened;
}

void
cursors_set_numbers(struct cursors *cs, uint64_t next_id, uint64_t next_order)
{
    cs->next_number = next_id;
    cs->next_opened = next_order;
}
