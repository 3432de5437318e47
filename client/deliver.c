/*
 * deliver.c - the libcurl multi loop (see deliver.h).
 *
 * Fill, perform, reap, poll, as in libcurl's 10-at-a-time example. A lead
 * is one struct job that keeps its easy handle across attempts. A 401
 * INVALID_SESSION_ID parks the lead (not counting a retry) while one token
 * refresh runs for everybody; leads that were sent with an older token than
 * the current one go again at once. If the refresh fails, the buyer is in
 * effect paused: every lead not yet final is held.
 */
#include "deliver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "classify.h"
#include "halt.h"
#include "log.h"
#include "oauth.h"
#include "payload.h"
#include "rng.h"
#include "transfer.h"
#include "xmalloc.h"

#define DELIVER_POLL_MAX_MS 1000
#define DELIVER_MAX_REAUTHS 2 /* free retries after 401 per lead */

/* What a job on the waiting list waits for (the others are in flight, or
 * about to start or end). */
enum job_state { JOB_QUEUED, JOB_WAIT_AUTH };
enum auth_state { AUTH_OK, AUTH_REFRESHING, AUTH_FAILED };

struct job {
    struct job *prev, *next; /* the live list */
    const struct lead *lead;
    struct payload p;
    struct transfer *t; /* from the pool while an attempt is in flight */
    enum job_state st;
    int attempts, retries, reauths;
    int64_t due_ms;     /* monotonic; when a queued job may start */
    unsigned token_gen; /* token generation it was last sent with */
    int64_t sent_ms;    /* calendar time of the last attempt's start */
    long status;
    const char *reason;
    char error[SF_ERR_MSG_MAX];
};

struct token_job {
    struct transfer t;
    char *body;
    int tries;
    int active;
    int64_t due_ms;
};

struct deliver {
    struct deliver_config cfg;
    struct deliver_hooks hooks;
    CURLM *multi;
    struct rng rng;
    struct job *live;         /* owned list: every job not final yet */
    const struct lead *ahead; /* taken from the source, not a job yet */
    int source_end;           /* the source has no more leads */
    int starved;              /* it answered "none yet" and may wake us */
    struct transfer **pool;   /* idle transfers, easy handles kept alive */
    size_t npool;
    struct job **waiting; /* jobs started before and queued again */
    size_t nwaiting;
    size_t active, unfinished;
    enum auth_state auth;
    unsigned token_gen;
    int uses_token;        /* delivery carries a refreshable Bearer token */
    int64_t token_used_ms; /* calendar; -1: unknown */
    int64_t idle_limit_ms; /* refresh once idle this long */
    int refreshes;         /* token requests sent */
    struct token_job tok;
    char auth_error[SF_ERR_MSG_MAX];
    /* Halted (a failed refresh, or deliver_stop()): nothing starts, every
     * lead not final is held with the halt's reason and error. */
    struct halt halt;
    /* The buyer's request headers as lists every delivery attempt shares,
     * one for small bodies and one for large ones (transfer_headers()),
     * built for token generation hdrs_gen and hdrs_ctype. Lists they
     * replaced stay alive until deliver_free(): transfers in flight may
     * still be sending them. */
    struct curl_slist *hdrs[2];
    unsigned hdrs_gen[2];
    const char *hdrs_ctype[2];
    struct curl_slist **old_hdrs;
    size_t nold_hdrs;
};

struct deliver *
deliver_new(const struct deliver_config *cfg, const struct deliver_hooks *hooks)
{
    struct deliver *d = xcalloc(1, sizeof(*d));

    d->cfg = *cfg;
    d->hooks = *hooks;
    if (d->cfg.concurrency < 1)
        d->cfg.concurrency = 1;
    if (cfg->seed != 0)
        rng_init_seed(&d->rng, cfg->seed);
    else
        rng_init_random(&d->rng);
    transfer_init(&d->tok.t, &d->tok);
    d->uses_token = buyer_uses_token(cfg->buyer);
    d->token_used_ms = cfg->token_used_ms;
    d->idle_limit_ms = (cfg->buyer->auth.session_timeout_s -
                        cfg->buyer->auth.refresh_margin_s) *
                       1000;
    if (d->idle_limit_ms < 1000)
        d->idle_limit_ms = 1000;
    return d;
}

/* A job for lead l, queued and on the live list. */
static struct job *
job_new(struct deliver *d, const struct lead *l)
{
    struct job *j = xcalloc(1, sizeof(*j));

    j->lead = l;
    j->reason = "";
    j->st = JOB_QUEUED;
    j->next = d->live;
    if (d->live != NULL)
        d->live->prev = j;
    d->live = j;
    d->unfinished++;
    return j;
}

/* Takes j off the live list and frees it (its transfer is pooled or
 * cleaned up by now). */
static void
job_free(struct deliver *d, struct job *j)
{
    if (j->prev != NULL)
        j->prev->next = j->next;
    else
        d->live = j->next;
    if (j->next != NULL)
        j->next->prev = j->prev;
    payload_free(&j->p);
    free(j);
}

int64_t
deliver_token_used_ms(const struct deliver *d)
{
    return d->token_used_ms;
}

int
deliver_refreshes(const struct deliver *d)
{
    return d->refreshes;
}

const char *
deliver_auth_error(const struct deliver *d)
{
    return d->auth_error[0] != '\0' ? d->auth_error : NULL;
}

void
deliver_free(struct deliver *d)
{
    if (d == NULL)
        return;
    while (d->live != NULL) {
        struct transfer *t = d->live->t;

        if (t != NULL && d->multi != NULL)
            curl_multi_remove_handle(d->multi, t->easy);
        if (t != NULL)
            transfer_cleanup(t);
        free(t);
        job_free(d, d->live);
    }
    for (size_t i = 0; i < d->npool; i++) {
        transfer_cleanup(d->pool[i]);
        free(d->pool[i]);
    }
    free(d->pool);
    if (d->tok.active && d->multi != NULL)
        curl_multi_remove_handle(d->multi, d->tok.t.easy);
    transfer_cleanup(&d->tok.t);
    free(d->tok.body);
    if (d->multi != NULL)
        curl_multi_cleanup(d->multi);
    curl_slist_free_all(d->hdrs[0]);
    curl_slist_free_all(d->hdrs[1]);
    for (size_t i = 0; i < d->nold_hdrs; i++)
        curl_slist_free_all(d->old_hdrs[i]);
    free(d->old_hdrs);
    free(d->waiting);
    free(d);
}

/*
 * A transfer for one attempt of j. Transfers (and their easy handles,
 * which keep libcurl's per-handle caches) are recycled: a batch makes
 * about as many as it has parallel slots, not one per lead.
 */
static struct transfer *
pool_get(struct deliver *d, struct job *j)
{
    struct transfer *t;

    if (d->npool > 0) {
        t = d->pool[--d->npool];
        t->owner = j;
        return t;
    }
    t = xmalloc(sizeof(*t));
    transfer_init(t, j);
    return t;
}

/* Gives j's transfer back to the pool (its easy handle is out of the
 * multi by now). */
static void
pool_put(struct deliver *d, struct job *j)
{
    if (j->t == NULL)
        return;
    d->pool = xreallocarray(d->pool, d->npool + 1, sizeof(*d->pool));
    d->pool[d->npool++] = j->t;
    j->t = NULL;
}

/* Reports j's outcome and frees j. */
static void
finish(struct deliver *d, struct job *j, enum outcome outcome,
       int64_t retry_at_ms)
{
    struct deliver_result r = {
        .lead = j->lead,
        .outcome = outcome,
        .attempts = j->attempts,
        .status = j->status,
        .reason = j->reason,
        .error = j->error[0] != '\0' ? j->error : NULL,
        .retry_at_ms = retry_at_ms,
    };

    d->unfinished--;
    if (d->hooks.on_result != NULL)
        d->hooks.on_result(d->hooks.arg, &r);
    pool_put(d, j);
    job_free(d, j);
}

/* Copies src into dst (size n), cut to fit: messages are for humans. */
static void
copy_cut(char *dst, size_t n, const char *src)
{
    size_t len = strnlen(src, n - 1);

    memcpy(dst, src, len);
    dst[len] = '\0';
}

static void
set_error(struct job *j, const char *reason, const char *msg)
{
    j->reason = reason;
    copy_cut(j->error, sizeof(j->error), msg);
}

/* Queues j again, due at due_ms (monotonic). */
static void
requeue(struct deliver *d, struct job *j, enum job_state st, int64_t due_ms)
{
    j->st = st;
    j->due_ms = due_ms;
    d->waiting =
        xreallocarray(d->waiting, d->nwaiting + 1, sizeof(*d->waiting));
    d->waiting[d->nwaiting++] = j;
}

static int64_t
calendar_ms(const struct deliver *d)
{
    return timesrc_now_ms(d->cfg.clock);
}

/*
 * The header list for a delivery with content type ctype and a body of len
 * bytes: the buyer's headers change only when a refreshed token replaces
 * Authorization (token_gen), so one list per body class serves every
 * attempt until then.
 */
static struct curl_slist *
delivery_headers(struct deliver *d, const char *ctype, size_t len)
{
    const struct buyer *b = d->cfg.buyer;
    int big = len > TRANSFER_EXPECT_MIN;

    if (d->hdrs[big] != NULL && d->hdrs_gen[big] == d->token_gen &&
        (d->hdrs_ctype[big] == ctype ||
         (d->hdrs_ctype[big] != NULL && ctype != NULL &&
          strcmp(d->hdrs_ctype[big], ctype) == 0)))
        return d->hdrs[big];
    if (d->hdrs[big] != NULL) {
        d->old_hdrs =
            xreallocarray(d->old_hdrs, d->nold_hdrs + 1, sizeof(*d->old_hdrs));
        d->old_hdrs[d->nold_hdrs++] = d->hdrs[big];
    }
    d->hdrs[big] = transfer_headers(ctype, len, b->headers, b->nheaders);
    d->hdrs_gen[big] = d->token_gen;
    d->hdrs_ctype[big] = ctype;
    return d->hdrs[big];
}

/* Starts one attempt of j; 0, or -1 when j became final instead. */
static int
job_start(struct deliver *d, struct job *j)
{
    const struct buyer *b = d->cfg.buyer;
    struct transfer_req req;
    int64_t retry_at = -1;
    struct sf_err err;

    if (j->p.url == NULL) {
        err_clear(&err);
        if ((d->hooks.payload != NULL
                 ? d->hooks.payload(d->hooks.arg, j->lead, &j->p, &err)
                 : payload_build(b, j->lead, &j->p, &err)) == -1) {
            set_error(j, "payload", err.msg);
            finish(d, j, OUTCOME_DELIVERY_FAILED, -1);
            return -1;
        }
    }
    j->sent_ms = calendar_ms(d);
    err_clear(&err);
    if (d->hooks.before_send != NULL &&
        d->hooks.before_send(d->hooks.arg, j->lead, j->sent_ms, &retry_at,
                             &err) == -1) {
        if (err.set)
            set_error(j, "state", err.msg);
        else
            set_error(j, "budget", "Web-to-Lead daily budget used up");
        finish(d, j, OUTCOME_HELD, err.set ? -1 : retry_at);
        return -1;
    }
    req = (struct transfer_req){
        .method = j->p.method,
        .url = j->p.url,
        .content_type = j->p.content_type,
        .body = j->p.body,
        .len = j->p.len,
        .hdr_list = delivery_headers(d, j->p.content_type, j->p.len),
        .connect_timeout_ms = (long)b->connect_timeout_ms,
        .timeout_ms = (long)b->timeout_ms,
        .ca_file = b->ca_file,
    };
    j->t = pool_get(d, j);
    if (transfer_setup(j->t, &req) == -1 ||
        curl_multi_add_handle(d->multi, j->t->easy) != CURLM_OK) {
        set_error(j, "transport", "cannot set up the transfer");
        finish(d, j, OUTCOME_DELIVERY_FAILED, -1);
        return -1;
    }
    j->attempts++;
    j->token_gen = d->token_gen;
    d->active++;
    return 0;
}

/* The next lead from the source, the one looked ahead at first; NULL when
 * it has none now (wait: none at all). */
static const struct lead *
take_lead(struct deliver *d, int wait)
{
    const struct lead *l = d->ahead;
    int end = 0;

    d->ahead = NULL;
    if (l != NULL || d->source_end)
        return l;
    l = d->hooks.next_lead(d->hooks.arg, wait, &end);
    d->source_end = end;
    d->starved = l == NULL && !end;
    return l;
}

/*
 * The next job that may start now: a due waiting one, else one for the
 * source's next lead (wait: block for it).
 */
static struct job *
next_job(struct deliver *d, int64_t now, int wait)
{
    const struct lead *l;
    struct job *j;

    for (size_t i = 0; i < d->nwaiting; i++) {
        j = d->waiting[i];
        if (j->st == JOB_QUEUED && j->due_ms <= now) {
            d->waiting[i] = d->waiting[--d->nwaiting];
            return j;
        }
    }
    l = take_lead(d, wait);
    return l != NULL ? job_new(d, l) : NULL;
}

static void token_start(struct deliver *d);

/* 1 when some job could start at now (next_job() would find one); looks
 * ahead at the source's next lead to know. */
static int
has_startable(struct deliver *d, int64_t now)
{
    for (size_t i = 0; i < d->nwaiting; i++)
        if (d->waiting[i]->st == JOB_QUEUED && d->waiting[i]->due_ms <= now)
            return 1;
    if (d->ahead == NULL)
        d->ahead = take_lead(d, 0);
    return d->ahead != NULL;
}

/* 1 when the session may have timed out on the org: idle for longer than
 * the org's timeout minus the margin since it was last seen working. */
static int
token_stale(const struct deliver *d)
{
    return d->uses_token && d->auth == AUTH_OK && d->token_used_ms >= 0 &&
           calendar_ms(d) - d->token_used_ms >= d->idle_limit_ms;
}

static void
fill(struct deliver *d)
{
    int64_t now = timesrc_mono_ms();
    struct job *j;

    if (d->halt.halted)
        return;
    if (d->auth == AUTH_OK && d->active < (size_t)d->cfg.concurrency &&
        token_stale(d) && has_startable(d, now)) {
        log_info("refreshing the access token before the org's session "
                 "timeout");
        token_start(d);
    }
    if (d->auth != AUTH_OK)
        return;
    while (d->active < (size_t)d->cfg.concurrency &&
           (j = next_job(d, now, 0)) != NULL)
        job_start(d, j);
}

/* Holds j for the reason the run halted. */
static void
hold_halted(struct deliver *d, struct job *j)
{
    set_error(j, d->halt.reason, d->halt.error);
    finish(d, j, OUTCOME_HELD, -1);
}

/* Once halted no lead can be sent: hold all that wait, and all the source
 * still has. */
static void
hold_waiting(struct deliver *d)
{
    struct job *j;

    while ((j = next_job(d, INT64_MAX, 1)) != NULL)
        hold_halted(d, j);
    for (size_t i = 0; i < d->nwaiting; i++)
        if (d->waiting[i]->st == JOB_WAIT_AUTH)
            hold_halted(d, d->waiting[i]);
    d->nwaiting = 0;
}

void
deliver_stop(struct deliver *d, const char *why)
{
    halt_set(&d->halt, "stopped", why);
}

static void
auth_fail(struct deliver *d, const char *prefix, const char *detail)
{
    size_t n = strnlen(prefix, sizeof(d->auth_error) - 1);

    memcpy(d->auth_error, prefix, n);
    copy_cut(d->auth_error + n, sizeof(d->auth_error) - n, detail);
    log_warnx("buyer %s paused: %s", d->cfg.buyer->name, d->auth_error);
    d->auth = AUTH_FAILED;
    halt_set(&d->halt, "auth", d->auth_error);
}

static void
token_start(struct deliver *d)
{
    const struct buyer *b = d->cfg.buyer;
    struct transfer_req req = {
        .method = "POST",
        .url = b->auth.token_url,
        .content_type = BUYER_FORM_TYPE,
        .connect_timeout_ms = (long)b->connect_timeout_ms,
        .timeout_ms = (long)b->timeout_ms,
        .ca_file = b->ca_file,
    };

    d->auth = AUTH_REFRESHING;
    d->tok.due_ms = 0;
    if (d->tok.body == NULL)
        d->tok.body = oauth_refresh_body(b);
    req.body = d->tok.body;
    req.len = strlen(d->tok.body);
    if (transfer_setup(&d->tok.t, &req) == -1 ||
        curl_multi_add_handle(d->multi, d->tok.t.easy) != CURLM_OK) {
        auth_fail(d, "token refresh: ", "cannot set up the transfer");
        return;
    }
    d->tok.tries++;
    d->tok.active = 1;
    d->refreshes++;
}

/* The refresh transfer finished: install the token, retry it, or fail. */
static void
token_done(struct deliver *d, CURLcode code)
{
    const struct buyer *b = d->cfg.buyer;
    json_t *body;
    char *token, *hdr;
    struct sf_err err;

    d->tok.active = 0;
    code = (CURLcode)transfer_done(&d->tok.t, (int)code);
    body = transfer_json(&d->tok.t);
    err_clear(&err);
    token =
        oauth_parse_token(code == CURLE_OK ? d->tok.t.status : 0, body, &err);
    json_decref(body);
    if (token != NULL) {
        hdr = xasprintf("Bearer %s", token);
        buyer_set_header(d->cfg.buyer, "Authorization", hdr);
        if (d->hooks.on_token != NULL)
            d->hooks.on_token(d->hooks.arg, token);
        free(hdr);
        free(token);
        d->token_gen++;
        d->auth = AUTH_OK;
        d->token_used_ms = calendar_ms(d);
        d->tok.tries = 0;
        /* Every lead parked for the token may go again at once. */
        for (size_t i = 0; i < d->nwaiting; i++)
            if (d->waiting[i]->st == JOB_WAIT_AUTH) {
                d->waiting[i]->st = JOB_QUEUED;
                d->waiting[i]->due_ms = 0;
            }
        return;
    }
    /* A 4xx (invalid_grant) is final; no answer or a 5xx may heal. */
    if ((d->tok.t.status == 0 || d->tok.t.status >= 500 ||
         d->tok.t.status == 429) &&
        d->tok.tries <= b->retry.max_retries) {
        d->tok.due_ms =
            timesrc_mono_ms() +
            classify_backoff_ms(&b->retry, d->tok.tries, -1, rng_next(&d->rng));
        return;
    }
    auth_fail(d, "token refresh failed: ", err.msg);
}

/* What to do with a 401 INVALID_SESSION_ID for j. */
static void
job_reauth(struct deliver *d, struct job *j)
{
    if (d->halt.halted && d->uses_token) {
        hold_halted(d, j);
        return;
    }
    if (!d->uses_token) {
        if (d->auth != AUTH_FAILED)
            auth_fail(d, "session expired or invalid and the buyer has no ",
                      "refresh credentials (auth.*)");
        set_error(j, "auth", d->auth_error);
        finish(d, j, OUTCOME_HELD, -1);
        return;
    }
    j->reauths++;
    /* Sent with a token that has been replaced since: just go again. */
    if (j->token_gen != d->token_gen && d->auth == AUTH_OK) {
        requeue(d, j, JOB_QUEUED, 0);
        return;
    }
    requeue(d, j, JOB_WAIT_AUTH, 0);
    if (d->auth == AUTH_OK)
        token_start(d);
}

static void
log_attempt(struct deliver *d, struct job *j, CURLcode code,
            struct classify_result r, int64_t retry_in)
{
    struct dlog_entry e = {
        .time_ms = calendar_ms(d),
        .lead_id = j->lead->id,
        .attempt = j->attempts,
        .method = j->p.method,
        .url = j->p.url,
        .status = j->t->status,
        .curl_code = (int)code,
        .error = code != CURLE_OK
                     ? (j->t->errbuf[0] != '\0' ? j->t->errbuf
                                                : curl_easy_strerror(code))
                     : NULL,
        .verdict = classify_verdict_str(r.verdict),
        .reason = r.reason,
        .retry_after = j->t->retry_after[0] ? j->t->retry_after : NULL,
        .content_type = j->t->content_type[0] ? j->t->content_type : NULL,
        .limit_info = j->t->limit_info[0] ? j->t->limit_info : NULL,
        .body = j->t->resp.data,
        .body_len = j->t->resp.len,
        .retry_in_ms = retry_in,
    };

    if (d->hooks.on_attempt != NULL)
        d->hooks.on_attempt(d->hooks.arg, &e);
}

/* The backoff before j's next retry, honouring Retry-After. */
static int64_t
retry_delay(struct deliver *d, struct job *j)
{
    int64_t ra = -1;

    if (j->t->retry_after[0] != '\0')
        ra = classify_retry_after(j->t->retry_after, calendar_ms(d));
    return classify_backoff_ms(&d->cfg.buyer->retry, j->retries + 1, ra,
                               rng_next(&d->rng));
}

/* One attempt of j finished: decide from classify()'s verdict. */
static void
job_done(struct deliver *d, struct job *j, CURLcode code)
{
    const struct buyer *b = d->cfg.buyer;
    struct classify_result r;
    int64_t delay = -1;
    json_t *body;

    code = (CURLcode)transfer_done(j->t, (int)code);
    if (code != CURLE_OK && j->t->sends == 0 && d->hooks.unsent != NULL)
        d->hooks.unsent(d->hooks.arg, j->lead, j->sent_ms);
    body = transfer_json(j->t);
    r = classify((int)code, j->t->status, body);
    json_decref(body);
    j->status = j->t->status;
    j->reason = r.reason;
    /* Any answer but a 401 shows the session was alive when j was sent. */
    if (j->t->status != 0 && j->t->status != 401 &&
        j->token_gen == d->token_gen && j->sent_ms > d->token_used_ms)
        d->token_used_ms = j->sent_ms;
    /* A lead that keeps getting 401 with fresh tokens is not a token
     * problem any more; let it spend its retries. */
    if (r.verdict == CLASSIFY_REAUTH && j->reauths >= DELIVER_MAX_REAUTHS)
        r.verdict = CLASSIFY_RETRY;
    if (r.verdict == CLASSIFY_RETRY && j->retries < b->retry.max_retries &&
        !d->halt.halted)
        delay = retry_delay(d, j);
    log_attempt(d, j, code, r, delay);
    if (code != CURLE_OK)
        set_error(j, r.reason,
                  j->t->errbuf[0] ? j->t->errbuf : curl_easy_strerror(code));
    else if (r.verdict != CLASSIFY_DONE)
        snprintf(j->error, sizeof(j->error), "HTTP %ld", j->t->status);
    /* Whatever happens next starts from a fresh setup. */
    pool_put(d, j);
    switch (r.verdict) {
    case CLASSIFY_DONE:
        j->error[0] = '\0';
        finish(d, j, OUTCOME_DELIVERED, -1);
        break;
    case CLASSIFY_REJECTED: finish(d, j, OUTCOME_DELIVERY_FAILED, -1); break;
    case CLASSIFY_REAUTH: job_reauth(d, j); break;
    case CLASSIFY_RETRY:
        if (d->halt.halted)
            hold_halted(d, j);
        else if (delay >= 0) {
            j->retries++;
            requeue(d, j, JOB_QUEUED, timesrc_mono_ms() + delay);
        } else
            finish(d, j, OUTCOME_DELIVERY_FAILED, -1);
        break;
    }
}

static void
reap(struct deliver *d)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(d->multi, &left)) != NULL) {
        void *owner = NULL;
        CURL *easy;
        CURLcode result;

        if (msg->msg != CURLMSG_DONE)
            continue;
        /* msg is libcurl's only until the handle leaves the multi
         * (curl_multi_info_read(3)): what is needed is copied first. */
        easy = msg->easy_handle;
        result = msg->data.result;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner);
        curl_multi_remove_handle(d->multi, easy);
        if (owner == &d->tok) {
            token_done(d, result);
            continue;
        }
        d->active--;
        job_done(d, owner, result);
    }
}

/* Until the earliest due retry or token retry, at most a second (so the
 * tick hook runs at least once a second). */
static int
poll_timeout(const struct deliver *d)
{
    int64_t now = timesrc_mono_ms(), t = DELIVER_POLL_MAX_MS;

    if (d->auth == AUTH_OK)
        for (size_t i = 0; i < d->nwaiting; i++)
            if (d->waiting[i]->st == JOB_QUEUED &&
                d->waiting[i]->due_ms - now < t)
                t = d->waiting[i]->due_ms - now;
    if (d->auth == AUTH_REFRESHING && !d->tok.active && d->tok.due_ms - now < t)
        t = d->tok.due_ms - now;
    return t < 0 ? 0 : (int)t;
}

/* Sleeps until a transfer, a due retry or, when the source has starved
 * the free slots, a new lead needs attention. */
static int
poll_wait(struct deliver *d)
{
    struct curl_waitfd lead = {.fd = d->hooks.lead_fd,
                               .events = CURL_WAIT_POLLIN};
    int with_lead = d->starved && d->auth == AUTH_OK && lead.fd >= 0 &&
                    d->active < (size_t)d->cfg.concurrency;

    return curl_multi_poll(d->multi, with_lead ? &lead : NULL, with_lead,
                           poll_timeout(d), NULL) == CURLM_OK
               ? 0
               : -1;
}

static int
setup_multi(struct deliver *d)
{
    d->multi = curl_multi_init();
    if (d->multi == NULL)
        return -1;
    /* One connection per parallel transfer, plus one so a token refresh
     * never waits behind them; all kept alive between attempts. */
    curl_multi_setopt(d->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      d->cfg.concurrency + 1);
    curl_multi_setopt(d->multi, CURLMOPT_MAXCONNECTS, d->cfg.concurrency + 1);
    return 0;
}

int
deliver_run(struct deliver *d)
{
    int running;

    if (setup_multi(d) == -1)
        return -1;
    if (d->cfg.refresh_first && d->uses_token)
        token_start(d);
    while (d->unfinished > 0 || !d->source_end) {
        if (d->halt.halted)
            hold_waiting(d);
        if (!d->halt.halted && d->auth == AUTH_REFRESHING && !d->tok.active &&
            d->tok.due_ms <= timesrc_mono_ms())
            token_start(d);
        fill(d);
        if (curl_multi_perform(d->multi, &running) != CURLM_OK)
            return -1;
        reap(d);
        /* The outcomes reaping gave go to the caller before anything new
         * starts: one that cannot record them stops the run first. */
        if (d->hooks.on_tick != NULL)
            d->hooks.on_tick(d->hooks.arg);
        /* Refill the slots reaping freed before sleeping: with nothing in
         * flight the poll below would otherwise sleep its full timeout. */
        if (d->halt.halted)
            hold_waiting(d);
        fill(d);
        if (d->unfinished == 0 && d->source_end)
            break;
        if (poll_wait(d) == -1)
            return -1;
    }
    return 0;
}
