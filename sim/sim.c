/*
 * sim.c - lifetime of the simulated org (see sim.h).
 */
#include "sim.h"

#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "auth.h"
#include "bulk.h"
#include "cursor.h"
#include "fault.h"
#include "journal.h"
#include "mailbox.h"
#include "org.h"
#include "orgrecords.h"
#include "objects.h"
#include "schema.h"
#include "store.h"
#include "w2lqueue.h"
#include "window.h"
#include "xmalloc.h"

struct sim *
sim_new(const struct sim_config *cfg, struct org *org, struct sf_err *err)
{
    struct sim *sim = xcalloc(1, sizeof(*sim));
    char pod[3];
    uint64_t first;

    sim->cfg = *cfg;
    sim->org = org;
    if (cfg->has_seed)
        rng_init_seed(&sim->rng, cfg->seed);
    else
        rng_init_random(&sim->rng);
    clock_init(&sim->clock, org->clock_start_ms, org->clock_frozen);
    sim->clock_origin_ms = clock_now(&sim->clock);
    /* IDs look like a real pod's: two pod characters, then a sequence. */
    rng_fill(&sim->rng, pod, 2, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    first = 1000000 + rng_below(&sim->rng, 1000000);
    sim->store = store_new(pod, first);
    sim->schema = objects_schema(org, sim->store);
    orgrecords_load(org, sim->schema, sim->store, clock_now(&sim->clock));
    sim->mail = mailbox_new();
    sim->w2l = w2lqueue_new();
    sim->auth = auth_new(&sim->clock, &sim->rng);
    sim->faults = fault_plan_new();
    sim->cursors = cursors_new(pod);
    sim->bulk = bulk_new(pod, first);
    sim->api_window = xcalloc(1, sizeof(*sim->api_window));
    window_init(sim->api_window, 86400);
    sim->journal = journal_new(cfg->journal_ring, cfg->journal_body_max,
                               cfg->journal_file, err);
    if (sim->journal == NULL) {
        sim_free(sim);
        return NULL;
    }
    return sim;
}

void
sim_free(struct sim *sim)
{
    if (sim == NULL)
        return;
    journal_free(sim->journal);
    w2lqueue_free(sim->w2l);
    auth_free(sim->auth);
    fault_plan_free(sim->faults);
    cursors_free(sim->cursors);
    bulk_free(sim->bulk);
    if (sim->api_window != NULL)
        window_free(sim->api_window);
    free(sim->api_window);
    mailbox_free(sim->mail);
    schema_free(sim->schema);
    store_free(sim->store);
    org_free(sim->org);
    free(sim);
}

void
sim_reset(struct sim *sim)
{
    sim->resets++;
    store_clear(sim->store);
    orgrecords_load(sim->org, sim->schema, sim->store, sim_now(sim));
    journal_clear(sim->journal);
    mailbox_clear(sim->mail);
    w2lqueue_clear(sim->w2l);
    auth_clear(sim->auth);
    fault_plan_clear(sim->faults);
    cursors_clear(sim->cursors);
    bulk_clear(sim->bulk);
    window_clear(sim->api_window);
    /* What was freed stays in the allocator's free lists, resident, until
     * it is handed back: glibc keeps it (in every thread's arena) unless
     * asked. Elsewhere the memory is reused by the next load instead. */
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

void
sim_reset_clock(struct sim *sim, int64_t ms)
{
    sim_reset(sim);
    clock_init(&sim->clock, ms, sim->org->clock_frozen);
}

int64_t
sim_clock_start(const struct sim *sim)
{
    return sim->org->clock_start_ms >= 0 ? sim->org->clock_start_ms
                                         : sim->clock_origin_ms;
}

int
sim_holds_time(struct sim *sim)
{
    int64_t now = sim_now(sim);
    size_t i;

    for (i = 0; i < sim->schema->nobjects; i++)
        if (store_count(sim->store, sim->schema->objects[i].store_index) > 0)
            return 1;
    return journal_first_seq(sim->journal) <= journal_last_seq(sim->journal) ||
           mailbox_count(sim->mail, NULL) > 0 ||
           auth_session_count(sim->auth) > 0 || sim->w2l->qlen > 0 ||
           window_count(&sim->w2l->window, now) > 0 ||
           window_count(sim->api_window, now) > 0 || bulk_count(sim->bulk) > 0;
}

void
sim_replace_org(struct sim *sim, struct org *org)
{
    schema_free(sim->schema);
    org_free(sim->org);
    sim->org = org;
    sim->schema = objects_schema(org, sim->store);
    if (org->clock_frozen != sim->clock.frozen)
        clock_set_frozen(&sim->clock, org->clock_frozen);
    orgrecords_load(org, sim->schema, sim->store, sim_now(sim));
}

int64_t
sim_now(struct sim *sim)
{
    return clock_now(&sim->clock);
}
