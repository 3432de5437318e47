/*
 * sim.h - the simulated org as a whole: everything a request can touch.
 *
 * struct sim owns the org and its schema, the clock, the record store, the
 * journal, the mailbox and the Web-to-Lead state. It knows nothing of HTTP
 * libraries. All of it is used from the one HTTP thread, so none of it is
 * locked.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "err.h"
#include "rng.h"

#define SIM_DEFAULT_MAX_BODY (1024 * 1024)

struct org;
struct schema;
struct store;
struct journal;
struct mailbox;
struct w2lqueue;
struct auth;
struct cursors;
struct fault_plan;
struct bulk;

struct sim_config {
    const char *bind;         /* default 127.0.0.1 */
    unsigned port;            /* default 8080; 0 = any free port */
    const char *org_file;     /* NULL: the built-in default org */
    const char *journal_file; /* NULL: memory ring only */
    size_t journal_ring;      /* entries kept in memory */
    size_t journal_body_max;  /* body bytes kept per entry */
    size_t max_body;          /* request body cap (413 past it) */
    int has_seed;
    uint64_t seed;
    int verbose;
    /* --allow-host: more names the admin API answers to (guard.h). */
    const char *const *allow_hosts;
    size_t nallow_hosts;
};

struct sim {
    struct sim_config cfg;
    struct org *org;
    struct schema *schema;
    struct simclock clock;
    struct rng rng;
    struct store *store;
    struct journal *journal;
    struct mailbox *mail;
    struct w2lqueue *w2l; /* Web-to-Lead window and queue (w2l.c) */
    struct auth *auth;
    struct window *api_window; /* API requests, rolling 24 h */
    struct cursors *cursors;   /* REST query locators (cursor.h) */
    struct fault_plan *faults; /* injected faults (/__sim/faults) */
    struct bulk *bulk;         /* Bulk API jobs (bulk.h) */
    char base_url[128];        /* http://host:port, once listening */
    uint64_t resets;           /* sim_reset() calls so far */
};

/* Steals org. NULL (err set) when the journal file cannot be opened.
 * Caller frees with sim_free(). */
struct sim *sim_new(const struct sim_config *cfg, struct org *org,
                    struct sf_err *err);
void sim_free(struct sim *sim);
/* Records, journal, mail and Web-to-Lead counters back to empty. The org,
 * the clock and the ID sequence stay; resets counts up (an answer still
 * being streamed stops). */
void sim_reset(struct sim *sim);
/* Steals org; rebuilds the schema. Records are kept. */
void sim_replace_org(struct sim *sim, struct org *org);
int64_t sim_now(struct sim *sim);

#endif
