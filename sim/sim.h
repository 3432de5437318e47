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
#define SIM_DEFAULT_DEADLINE_S 30
/* Deleted records stay in the recycle bin this long (simulated time), as in
 * Salesforce; each request purges at most SIM_PURGE_PER_REQUEST of those
 * due, so a jump of the clock costs no single request much. */
#define SIM_RECYCLE_BIN_DAYS 15
#define SIM_RECYCLE_BIN_MS ((int64_t)SIM_RECYCLE_BIN_DAYS * 86400000)
#define SIM_PURGE_PER_REQUEST 10000

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
    const char *state_file;   /* --state: restored before serving */
    const char *journal_file; /* NULL: memory ring only */
    size_t journal_ring;      /* entries kept in memory */
    size_t journal_body_max;  /* body bytes kept per entry */
    size_t max_body;          /* request body cap (413 past it) */
    size_t max_state;         /* PUT /__sim/state bodies, --state files */
    unsigned deadline_s;      /* --request-timeout (deadline.h); 0: none */
    int has_seed;
    uint64_t seed;
    int verbose;
    /* --allow-host: more names the admin API answers to (guard.h). */
    const char *const *allow_hosts;
    size_t nallow_hosts;
    /* HTTPS (tls.h): the certificate chain and key as PEM text, borrowed;
     * NULL: plain HTTP. */
    const char *tls_cert_pem, *tls_key_pem;
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
    char base_url[128];        /* http[s]://host:port, once listening */
    uint64_t resets;           /* sim_reset() calls so far */
    /* Where the clock started: what POST /__sim/reset {"clock": "start"}
     * goes back to when the org has no clock.start. */
    int64_t clock_origin_ms;
};

/* Steals org. NULL (err set) when the journal file cannot be opened.
 * Caller frees with sim_free(). */
struct sim *sim_new(const struct sim_config *cfg, struct org *org,
                    struct sf_err *err);
void sim_free(struct sim *sim);
/* Records, journal, mail and Web-to-Lead counters back to empty (the org's
 * own records made again: orgrecords.h). The org, the clock and the ID
 * sequence stay; resets counts up (an answer still being streamed stops). */
void sim_reset(struct sim *sim);
/* sim_reset(), and the clock set to ms (even back) and frozen or not as
 * the org says. */
void sim_reset_clock(struct sim *sim, int64_t ms);
/* The clock's start: the org's clock.start, else where it started. */
int64_t sim_clock_start(const struct sim *sim);
/* Whether anything in the sim carries a time (records, journal entries,
 * mail, sessions, counted requests, queued posts, Bulk jobs): the clock can
 * only go back when nothing does. */
int sim_holds_time(struct sim *sim);
/* Steals org; rebuilds the schema. Records are kept, but for the org's own
 * (User, Profile, Organization), made again from the new org. */
void sim_replace_org(struct sim *sim, struct org *org);
int64_t sim_now(struct sim *sim);

#endif
