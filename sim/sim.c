/*
 * sim.c - lifetime of the simulated org (see sim.h).
 */
#include "sim.h"

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
    /* IDs look like a real pod's: two pod characters, then a sequence. */
    rng_fill(&sim->rng, pod, 2, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    first = 1000000 + rng_below(&sim->rng, 1000000);
    sim->store = store_new(pod, first);
    sim->schema = schema_new(org, sim->store);
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
    journal_clear(sim->journal);
    mailbox_clear(sim->mail);
    w2lqueue_clear(sim->w2l);
    auth_clear(sim->auth);
    fault_plan_clear(sim->faults);
    cursors_clear(sim->cursors);
    bulk_clear(sim->bulk);
    window_clear(sim->api_window);
}

void
sim_replace_org(struct sim *sim, struct org *org)
{
    schema_free(sim->schema);
    org_free(sim->org);
    sim->org = org;
    sim->schema = schema_new(org, sim->store);
    if (org->clock_frozen != sim->clock.frozen)
        clock_set_frozen(&sim->clock, org->clock_frozen);
}

int64_t
sim_now(struct sim *sim)
{
    return clock_now(&sim->clock);
}
