/*
 * deliver.h - the delivery loop: many leads, one buyer, one libcurl multi.
 *
 * deliver.c owns the per-lead state machine (queued, in flight, waiting for
 * a backoff or for a token, final), bounded concurrency over keep-alive
 * connections, the backoff schedule, and the shared token refresh that
 * runs as one more transfer in the same multi, both on a 401 and ahead of
 * the org's session timeout (before the next send, whenever the token has
 * been idle for auth.session_timeout_seconds minus
 * auth.refresh_margin_seconds). It decides outcomes from
 * classify() verdicts and reports them, and every attempt, through hooks;
 * it writes no files. Leads come from a source hook as slots free up, so
 * sending starts while the caller is still reading its input; pre-send
 * gates other than the per-send budget hook run in that source.
 */
#ifndef CLIENT_DELIVER_H
#define CLIENT_DELIVER_H

#include <stdint.h>

#include "buyer.h"
#include "dlog.h"
#include "lead.h"
#include "outcome.h"
#include "payload.h"
#include "timesrc.h"

struct deliver_result {
    const struct lead *lead;
    enum outcome outcome; /* delivered, delivery_failed or held */
    int attempts;         /* HTTP attempts actually sent */
    long status;          /* last HTTP status, 0 if none */
    const char *reason;   /* static: classify reason, "budget", ... */
    const char *error;    /* human detail or NULL */
    int64_t retry_at_ms;  /* held: calendar time it may be sent; else -1 */
};

struct deliver_hooks {
    /*
     * The next lead to send (borrowed; must outlive deliver_run()), or
     * NULL: with *end set when there will be no more, else none yet. With
     * wait set it may block until it has one or ends. Required.
     */
    const struct lead *(*next_lead)(void *arg, int wait, int *end);
    /* The request for l, as payload_build() makes it (which runs when
     * this is NULL): 0, or -1 with err. */
    int (*payload)(void *arg, const struct lead *l, struct payload *p,
                   struct sf_err *err);
    /* Before each attempt, at calendar time now_ms: 0 to send; -1 to
     * hold the lead, until *retry_at_ms (the Web-to-Lead budget) or, with
     * err set, because the attempt could not be counted. May be NULL. */
    int (*before_send)(void *arg, const struct lead *l, int64_t now_ms,
                       int64_t *retry_at_ms, struct sf_err *err);
    /* After an attempt whose request never went out (no connection, a
     * URL libcurl refused): what before_send() counted for it at now_ms
     * may be given back. May be NULL. */
    void (*unsent)(void *arg, const struct lead *l, int64_t now_ms);
    void (*on_attempt)(void *arg, const struct dlog_entry *e);
    void (*on_result)(void *arg, const struct deliver_result *r);
    /* A refreshed access token (to persist). May be NULL. */
    void (*on_token)(void *arg, const char *token);
    /* Once per loop turn, at least once a second: after the turn's
     * outcomes were reported and before new attempts start, so that a
     * caller that cannot record them may deliver_stop() first. May be
     * NULL. */
    void (*on_tick)(void *arg);
    void *arg;
    /* Readable when next_lead, after answering "none yet", may have one;
     * -1 if it never answers so. */
    int lead_fd;
};

struct deliver_config {
    struct buyer *buyer;         /* borrowed; its Authorization header is
                                    replaced when the token is refreshed */
    const struct timesrc *clock; /* borrowed */
    long concurrency;            /* parallel transfers (>= 1) */
    int refresh_first;           /* refresh the token before sending */
    int64_t token_used_ms;       /* calendar time the current token was
                                    last seen working; -1: unknown */
    uint64_t seed;               /* jitter; 0 = from the OS */
};

struct deliver;

/* Copies cfg and hooks. Caller frees with deliver_free(). */
struct deliver *deliver_new(const struct deliver_config *cfg,
                            const struct deliver_hooks *hooks);
/*
 * Sends every lead the source gives to a final outcome, reporting each
 * through on_result exactly once. Returns 0, or -1 if libcurl itself
 * failed (the leads not reported are then unfinished).
 */
int deliver_run(struct deliver *d);
/*
 * Stops sending, for a caller that can no longer record what is sent: no
 * attempt starts after this call, and every lead not final is held with
 * reason "stopped" and why (copied) as its error; those in flight end as
 * they end, and are held rather than retried. Safe to call from a hook.
 * The first call's why is kept.
 */
void deliver_stop(struct deliver *d, const char *why);
/* When the current token was last seen working (calendar ms), -1 if
 * never: what to persist for the next run's session-age check. */
int64_t deliver_token_used_ms(const struct deliver *d);
/* Token endpoint requests made by this run. */
int deliver_refreshes(const struct deliver *d);
/* Last refresh failure, or NULL (borrowed from d). */
const char *deliver_auth_error(const struct deliver *d);
void deliver_free(struct deliver *d);

#endif
