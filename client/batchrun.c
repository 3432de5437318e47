/*
 * batchrun.c - Collections delivery loop (see batchrun.h).
 *
 * Turn: gather up to batch_size leads (retries that are due first, then
 * new ones from the source), send them in one call, judge each lead by its
 * element, report the final ones, queue the others for their backoff, and
 * call the tick hook, so that the outcomes of one call are with the caller
 * before the next call starts.
 */
#include "batchrun.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authsync.h"
#include "buf.h"
#include "collmap.h"
#include "halt.h"
#include "jwrite.h"
#include "log.h"
#include "payload.h"
#include "rng.h"
#include "transfer.h"
#include "xmalloc.h"

#define BATCHRUN_MAX_REAUTHS 2 /* free resends after a 401 per lead */
#define BATCHRUN_IDLE_MS 50    /* the longest sleep while retries wait */
#define BATCHRUN_ID_MAX 24
/* A record's text, an answer element's: no bound of their own, as
 * json_dumps() had none; the lead file and the mapping bound them. */
#define BATCHRUN_TEXT_MAX (SIZE_MAX / 2)

/* One lead from the source until its outcome is reported. */
struct item {
    const struct lead *lead;
    char *rec; /* payload_record_text() */
    int attempts, retries, reauths;
    int64_t due_ms; /* monotonic: when a queued retry may go */
    long status;
    const char *reason;
    char error[SF_ERR_MSG_MAX];
};

/* One call in flight: its leads, its request and its transfer. Once
 * ended it waits on the idle list for the next call, its arrays, body
 * buffer and transfer (an easy handle, and the buffers libcurl keeps in
 * it) kept rather than made anew. */
struct call {
    struct call *next;
    struct item **v; /* room for batch_size */
    size_t n;
    char id[BATCHRUN_ID_MAX];
    struct buf body;
    int code; /* CURLcode, once done */
    json_t *answer;
    int64_t sent_ms;
    unsigned token_gen;
    struct transfer t;
};

struct batchrun {
    struct deliver_config cfg;
    struct deliver_hooks hooks;
    struct rng rng;
    struct transfer t; /* token refreshes */
    CURLM *multi;
    struct call *inflight; /* owned list */
    size_t ninflight;
    struct call *idle; /* owned list: calls ended, to use again */
    const char *method;
    char *url;         /* the calls' (collmap_url()) */
    const char **recs; /* a call's records: room for batch_size */
    unsigned token_gen;
    struct item **queue; /* waiting for a retry's backoff */
    size_t nqueue;
    int source_end;
    unsigned calls;
    int uses_token;
    int64_t token_used_ms, idle_limit_ms;
    char auth_error[SF_ERR_MSG_MAX];
    struct halt halt;
    struct buf text; /* a record's text, an answer element's: reused */
    /* What the answer says of each lead of the call being ended:
     * batch_size of them, reused (end_call() never runs inside itself). */
    struct collmap_verdict *verdicts;
};

struct batchrun *
batchrun_new(const struct deliver_config *cfg,
             const struct deliver_hooks *hooks)
{
    struct batchrun *d = xcalloc(1, sizeof(*d));

    d->cfg = *cfg;
    d->hooks = *hooks;
    if (cfg->seed != 0)
        rng_init_seed(&d->rng, cfg->seed);
    else
        rng_init_random(&d->rng);
    transfer_init(&d->t, d);
    buf_init(&d->text, BATCHRUN_TEXT_MAX);
    d->verdicts = xcalloc((size_t)cfg->buyer->batch_size, sizeof(*d->verdicts));
    d->recs = xcalloc((size_t)cfg->buyer->batch_size, sizeof(*d->recs));
    d->url = collmap_url(cfg->buyer, &d->method);
    d->uses_token = buyer_uses_token(cfg->buyer);
    d->token_used_ms = cfg->token_used_ms;
    d->idle_limit_ms = (cfg->buyer->auth.session_timeout_s -
                        cfg->buyer->auth.refresh_margin_s) *
                       1000;
    return d;
}

int64_t
batchrun_token_used_ms(const struct batchrun *d)
{
    return d->token_used_ms;
}

const char *
batchrun_auth_error(const struct batchrun *d)
{
    return d->auth_error[0] != '\0' ? d->auth_error : NULL;
}

static void
item_free(struct item *it)
{
    free(it->rec);
    free(it);
}

/* A call to fill: an idle one, or a new one. */
static struct call *
call_get(struct batchrun *d)
{
    struct call *c = d->idle;

    if (c != NULL) {
        d->idle = c->next;
        c->next = NULL;
        return c;
    }
    c = xcalloc(1, sizeof(*c));
    c->v = xcalloc((size_t)d->cfg.buyer->batch_size, sizeof(*c->v));
    buf_init(&c->body, BATCHRUN_TEXT_MAX);
    transfer_init(&c->t, c);
    return c;
}

/* c is over: the items it still holds are freed, its handle leaves the
 * multi, and it goes on the idle list. */
static void
call_put(struct batchrun *d, struct call *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i] != NULL)
            item_free(c->v[i]);
    c->n = 0;
    if (d->multi != NULL && c->t.easy != NULL)
        curl_multi_remove_handle(d->multi, c->t.easy);
    json_decref(c->answer);
    c->answer = NULL;
    c->code = 0;
    c->next = d->idle;
    d->idle = c;
}

void
batchrun_free(struct batchrun *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->nqueue; i++)
        item_free(d->queue[i]);
    free(d->queue);
    while (d->inflight != NULL) {
        struct call *c = d->inflight;

        d->inflight = c->next;
        call_put(d, c);
    }
    while (d->idle != NULL) {
        struct call *c = d->idle;

        d->idle = c->next;
        transfer_cleanup(&c->t);
        buf_free(&c->body);
        free(c->v);
        free(c);
    }
    free(d->url);
    free(d->recs);
    transfer_cleanup(&d->t);
    if (d->multi != NULL)
        curl_multi_cleanup(d->multi);
    buf_free(&d->text);
    free(d->verdicts);
    free(d);
}

void
batchrun_stop(struct batchrun *d, const char *why)
{
    halt_set(&d->halt, "stopped", why);
}

static void
set_error(struct item *it, const char *reason, const char *msg)
{
    it->reason = reason;
    snprintf(it->error, sizeof(it->error), "%s", msg);
}

/* Reports it's outcome and frees it. */
static void
finish(struct batchrun *d, struct item *it, enum outcome o, int64_t retry_at_ms)
{
    struct deliver_result r = {
        .lead = it->lead,
        .outcome = o,
        .attempts = it->attempts,
        .status = it->status,
        .reason = it->reason != NULL ? it->reason : "",
        .error =
            it->error[0] != '\0' && o != OUTCOME_DELIVERED ? it->error : NULL,
        .retry_at_ms = retry_at_ms,
    };

    if (d->hooks.on_result != NULL)
        d->hooks.on_result(d->hooks.arg, &r);
    item_free(it);
}

static void
hold(struct batchrun *d, struct item *it)
{
    set_error(it, d->halt.reason, d->halt.error);
    finish(d, it, OUTCOME_HELD, -1);
}

static void
enqueue(struct batchrun *d, struct item *it, int64_t due_ms)
{
    it->due_ms = due_ms;
    d->queue = xreallocarray(d->queue, d->nqueue + 1, sizeof(*d->queue));
    d->queue[d->nqueue++] = it;
}

/* An item for l, or NULL when its record cannot be built (it is then
 * reported delivery_failed). */
static struct item *
item_new(struct batchrun *d, const struct lead *l)
{
    struct item *it = xcalloc(1, sizeof(*it));
    struct sf_err err;

    it->lead = l;
    err_clear(&err);
    buf_reset(&d->text);
    if (payload_record_text(d->cfg.buyer, l, &d->text, &err) == -1) {
        set_error(it, "payload", err.msg);
        finish(d, it, OUTCOME_DELIVERY_FAILED, -1);
        return NULL;
    }
    it->rec = xmemdup0(d->text.data, d->text.len);
    return it;
}

/*
 * Up to batch_size items into v: the due retries first (in the order
 * they were queued), then leads from the source. The source is a file
 * already in memory, being parsed: a call waits for it to fill, so that
 * the calls' split does not depend on how far the parser got.
 */
static size_t
gather(struct batchrun *d, struct item **v)
{
    size_t n = 0, m = 0, max = (size_t)d->cfg.buyer->batch_size;
    int64_t now = timesrc_mono_ms();

    for (size_t i = 0; i < d->nqueue; i++) {
        if (n < max && d->queue[i]->due_ms <= now)
            v[n++] = d->queue[i];
        else
            d->queue[m++] = d->queue[i];
    }
    d->nqueue = m;
    while (n < max && !d->source_end) {
        int end = 0;
        const struct lead *l = d->hooks.next_lead(d->hooks.arg, 1, &end);
        struct item *it;

        d->source_end = end;
        if (l == NULL)
            break;
        if ((it = item_new(d, l)) != NULL)
            v[n++] = it;
    }
    return n;
}

/* Once halted: every lead queued or still in the source is held. */
static void
hold_all(struct batchrun *d)
{
    const struct lead *l;
    struct item *it;
    int end = 0;

    for (size_t i = 0; i < d->nqueue; i++)
        hold(d, d->queue[i]);
    d->nqueue = 0;
    while (!d->source_end) {
        l = d->hooks.next_lead(d->hooks.arg, 1, &end);
        d->source_end = end;
        if (l == NULL)
            continue;
        it = xcalloc(1, sizeof(*it));
        it->lead = l;
        hold(d, it);
    }
}

/* A new token, blocking; -1 halts the run ("auth"). */
static int
refresh(struct batchrun *d)
{
    struct sf_err err;
    char *token;

    err_clear(&err);
    token = authsync_renew(d->cfg.buyer, &d->t, &err);
    if (token == NULL) {
        snprintf(d->auth_error, sizeof(d->auth_error), "%s", err.msg);
        log_warnx("buyer %s paused: %s", d->cfg.buyer->name, d->auth_error);
        halt_set(&d->halt, "auth", d->auth_error);
        return -1;
    }
    if (d->hooks.on_token != NULL)
        d->hooks.on_token(d->hooks.arg, token);
    d->token_gen++;
    d->token_used_ms = timesrc_now_ms(d->cfg.clock);
    free(token);
    return 0;
}

static int
token_stale(const struct batchrun *d)
{
    return d->uses_token && d->token_used_ms >= 0 &&
           timesrc_now_ms(d->cfg.clock) - d->token_used_ms >= d->idle_limit_ms;
}

/* Runs before_send for each of v[0..n): those it holds are reported;
 * the rest are compacted in v. */
static size_t
admit(struct batchrun *d, struct item **v, size_t n)
{
    int64_t now = timesrc_now_ms(d->cfg.clock), retry_at;
    size_t m = 0;
    struct sf_err err;

    for (size_t i = 0; i < n; i++) {
        retry_at = -1;
        err_clear(&err);
        if (d->hooks.before_send == NULL ||
            d->hooks.before_send(d->hooks.arg, v[i]->lead, now, &retry_at,
                                 &err) == 0) {
            v[m++] = v[i];
            continue;
        }
        set_error(v[i], err.set ? "state" : "budget",
                  err.set ? err.msg : "Web-to-Lead daily budget used up");
        finish(d, v[i], OUTCOME_HELD, err.set ? -1 : retry_at);
    }
    return m;
}

/* elem as compact JSON (json_dumps(elem, JSON_COMPACT)'s text, in d->text
 * or in *dumped, which the caller frees), or NULL for NULL, for a scalar
 * (which that call does not write: the line then has no "body") or for
 * what jansson cannot write. */
static const char *
elem_text(struct batchrun *d, const json_t *elem, char **dumped)
{
    *dumped = NULL;
    if (elem == NULL || (!json_is_object(elem) && !json_is_array(elem)))
        return NULL;
    buf_reset(&d->text);
    if (jwrite_value(&d->text, elem) == 0)
        return d->text.data;
    return *dumped = json_dumps(elem, JSON_COMPACT);
}

static void
log_line(struct batchrun *d, const struct call *c, const struct item *it,
         int index, const struct collmap_verdict *v, int nleads,
         int64_t retry_in)
{
    const struct transfer *t = &c->t;
    char *dumped = NULL;
    const char *elem = v != NULL && v->text != NULL
                           ? v->text
                           : elem_text(d, v != NULL ? v->elem : NULL, &dumped);
    size_t elem_len = v != NULL && v->text != NULL ? v->text_len
                      : elem != NULL               ? strlen(elem)
                                                   : 0;
    struct dlog_entry e = {
        .time_ms = timesrc_now_ms(d->cfg.clock),
        .lead_id = it != NULL ? it->lead->id : NULL,
        .attempt = it != NULL ? it->attempts : (int)d->calls,
        .method = d->method,
        .url = d->url,
        .status = t->status,
        .curl_code = c->code,
        .error = c->code != 0 ? (t->errbuf[0] != '\0'
                                     ? t->errbuf
                                     : curl_easy_strerror((CURLcode)c->code))
                              : NULL,
        .verdict = v != NULL ? classify_verdict_str(v->verdict) : NULL,
        .reason = v != NULL ? v->reason : NULL,
        .retry_after = t->retry_after[0] ? t->retry_after : NULL,
        .content_type = t->content_type[0] ? t->content_type : NULL,
        .limit_info = t->limit_info[0] ? t->limit_info : NULL,
        .body = it == NULL ? t->resp.data : elem,
        .body_len = it == NULL ? t->resp.len : elem_len,
        .retry_in_ms = retry_in,
        .batch = c->id,
        .leads = nleads,
        .index = index,
    };

    if (d->hooks.on_attempt != NULL)
        d->hooks.on_attempt(d->hooks.arg, &e);
    free(dumped);
}

/* The backoff before it's next retry, honouring Retry-After. */
static int64_t
retry_delay(struct batchrun *d, const struct call *c, const struct item *it)
{
    int64_t ra = -1;

    if (c->t.retry_after[0] != '\0')
        ra = classify_retry_after(c->t.retry_after,
                                  timesrc_now_ms(d->cfg.clock));
    return classify_backoff_ms(&d->cfg.buyer->retry, it->retries + 1, ra,
                               rng_next(&d->rng));
}

/* Decides it from v: reported, or queued for a retry. */
static void
judge(struct batchrun *d, const struct call *c, struct item *it, int index,
      struct collmap_verdict *v)
{
    int64_t delay = -1;

    it->status = c->t.status;
    it->reason = v->reason;
    if (v->error[0] != '\0')
        set_error(it, v->reason, v->error);
    if (v->verdict == CLASSIFY_REAUTH &&
        (!d->uses_token || it->reauths >= BATCHRUN_MAX_REAUTHS))
        v->verdict = CLASSIFY_RETRY;
    if (v->verdict == CLASSIFY_RETRY && !d->halt.halted &&
        it->retries < d->cfg.buyer->retry.max_retries)
        delay = retry_delay(d, c, it);
    log_line(d, c, it, index, v, 0, delay);
    switch (v->verdict) {
    case CLASSIFY_DONE:
        it->error[0] = '\0';
        finish(d, it, OUTCOME_DELIVERED, -1);
        break;
    case CLASSIFY_REJECTED: finish(d, it, OUTCOME_DELIVERY_FAILED, -1); break;
    case CLASSIFY_REAUTH:
        it->reauths++;
        enqueue(d, it, 0);
        break;
    case CLASSIFY_RETRY:
        if (d->halt.halted)
            hold(d, it);
        else if (delay >= 0) {
            it->retries++;
            enqueue(d, it, timesrc_mono_ms() + delay);
        } else
            finish(d, it, OUTCOME_DELIVERY_FAILED, -1);
        break;
    }
}

/*
 * A call that got no answer after its request went out, for a buyer that
 * creates (no upsert): the org may hold the records, so the leads are not
 * resent.
 */
static void
unknown_result(struct collmap_verdict *v, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++) {
        v[i].verdict = CLASSIFY_REJECTED;
        v[i].reason = "unknown_result";
        snprintf(v[i].error, sizeof(v[i].error),
                 "%.200s after the request was sent: the org may have created "
                 "the record; not resent (a resend without "
                 "delivery.external_id_field could create it twice)",
                 why);
    }
}

/* Starts a call of v[0..n) (the call takes the items). 0, or -1 when
 * libcurl refused it (its leads are then judged as never sent). */
static void end_call(struct batchrun *d, struct call *c);

static void
start_call(struct batchrun *d, struct item **v, size_t n)
{
    const struct buyer *b = d->cfg.buyer;
    struct call *c = call_get(d);
    struct transfer_req req;

    c->n = n;
    for (size_t i = 0; i < n; i++) {
        c->v[i] = v[i];
        d->recs[i] = v[i]->rec;
        v[i]->attempts++;
    }
    buf_reset(&c->body);
    collmap_body_buf(b, d->recs, n, &c->body);
    snprintf(c->id, sizeof(c->id), "b%u", ++d->calls);
    req = (struct transfer_req){
        .method = d->method,
        .url = d->url,
        .content_type = BUYER_JSON_TYPE,
        .body = c->body.data,
        .len = c->body.len,
        .headers = b->headers,
        .nheaders = b->nheaders,
        .connect_timeout_ms = (long)b->connect_timeout_ms,
        .timeout_ms = (long)b->timeout_ms,
        .ca_file = b->ca_file,
    };
    c->sent_ms = timesrc_now_ms(d->cfg.clock);
    c->token_gen = d->token_gen;
    if (transfer_setup(&c->t, &req) == -1 ||
        curl_multi_add_handle(d->multi, c->t.easy) != CURLM_OK) {
        c->code = CURLE_FAILED_INIT;
        end_call(d, c);
        return;
    }
    c->next = d->inflight;
    d->inflight = c;
    d->ninflight++;
}

/* A call ended (c->code set, its handle out of the multi): judges each
 * lead and frees c. */
static void
end_call(struct batchrun *d, struct call *c)
{
    const struct buyer *b = d->cfg.buyer;
    struct collmap_verdict *bv = d->verdicts;
    int whole_reauth, per_elem;

    c->code = transfer_done(&c->t, c->code);
    if (c->code != 0 && c->t.sends == 0 && d->hooks.unsent != NULL)
        for (size_t i = 0; i < c->n; i++)
            d->hooks.unsent(d->hooks.arg, c->v[i]->lead, c->sent_ms);
    if (c->t.status != 0 && c->t.status != 401 &&
        c->token_gen == d->token_gen && c->sent_ms > d->token_used_ms)
        d->token_used_ms = c->sent_ms;
    /* Every lead done, read off the text; else the answer parsed. */
    per_elem = collmap_map_text(c->code, c->t.status,
                                c->t.resp.toobig ? NULL : c->t.resp.data,
                                c->t.resp.len, c->n, bv);
    if (!per_elem) {
        c->answer = transfer_json(&c->t);
        per_elem = collmap_map(c->code, c->t.status, c->answer, c->n, bv);
    }
    if (c->code != 0 && c->t.sends > 0 && b->external_id_field == NULL)
        unknown_result(bv, c->n,
                       c->t.errbuf[0] ? c->t.errbuf
                                      : curl_easy_strerror((CURLcode)c->code));
    whole_reauth = !per_elem && bv[0].verdict == CLASSIFY_REAUTH;
    log_line(d, c, NULL, -1, !per_elem ? &bv[0] : NULL, (int)c->n, -1);
    if (whole_reauth && !d->uses_token) {
        snprintf(d->auth_error, sizeof(d->auth_error),
                 "session expired or invalid and the buyer has no refresh "
                 "credentials (auth.*)");
        halt_set(&d->halt, "auth", d->auth_error);
    }
    /* A token refreshed since this call went out: the call only needs to
     * go again. */
    if (whole_reauth && d->uses_token && !d->halt.halted &&
        c->token_gen == d->token_gen)
        refresh(d);
    for (size_t i = 0; i < c->n; i++) {
        judge(d, c, c->v[i], (int)i, &bv[i]);
        c->v[i] = NULL;
    }
    call_put(d, c);
}

/* Ends every call libcurl has finished; how many. */
static int
reap(struct batchrun *d)
{
    CURLMsg *msg;
    int left, ended = 0;

    while ((msg = curl_multi_info_read(d->multi, &left)) != NULL) {
        struct call *c = NULL, **pp;
        CURL *easy;

        if (msg->msg != CURLMSG_DONE)
            continue;
        easy = msg->easy_handle;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &c);
        c->code = (int)msg->data.result;
        curl_multi_remove_handle(d->multi, easy);
        for (pp = &d->inflight; *pp != NULL; pp = &(*pp)->next)
            if (*pp == c) {
                *pp = c->next;
                break;
            }
        d->ninflight--;
        end_call(d, c);
        ended++;
    }
    return ended;
}

/* Sleeps until the earliest queued retry is due, at most
 * BATCHRUN_IDLE_MS (new leads may come meanwhile). */
static void
idle(struct batchrun *d)
{
    int64_t now = timesrc_mono_ms(), t = BATCHRUN_IDLE_MS;

    for (size_t i = 0; i < d->nqueue; i++)
        if (d->queue[i]->due_ms - now < t)
            t = d->queue[i]->due_ms - now;
    if (t > 0)
        timesrc_sleep_ms(t);
}

/* Starts calls while slots are free and leads are there; 0 when none
 * could start (no lead ready). */
static int
fill(struct batchrun *d, struct item **v)
{
    size_t n;
    int started = 0, running;

    while (!d->halt.halted && d->ninflight < (size_t)d->cfg.concurrency) {
        n = admit(d, v, gather(d, v));
        if (n == 0)
            break;
        if (token_stale(d) && d->ninflight == 0 && refresh(d) == -1) {
            for (size_t i = 0; i < n; i++)
                hold(d, v[i]);
            break;
        }
        start_call(d, v, n);
        /* On its way now (a connect begun, a request written), so that
         * the org works on it while the next call's body is built. */
        curl_multi_perform(d->multi, &running);
        started = 1;
    }
    return started;
}

int
batchrun_run(struct batchrun *d)
{
    struct item **v = xcalloc((size_t)d->cfg.buyer->batch_size, sizeof(*v));
    int running;

    d->multi = curl_multi_init();
    if (d->multi == NULL) {
        free(v);
        return -1;
    }
    if (d->cfg.concurrency < 1)
        d->cfg.concurrency = 1;
    curl_multi_setopt(d->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      d->cfg.concurrency);
    curl_multi_setopt(d->multi, CURLMOPT_MAXCONNECTS, d->cfg.concurrency);
    if (d->cfg.refresh_first && d->uses_token)
        refresh(d);
    for (;;) {
        fill(d, v);
        if (d->ninflight == 0) {
            if (d->halt.halted) {
                hold_all(d);
                break;
            }
            if (d->source_end && d->nqueue == 0)
                break;
            idle(d);
        } else {
            /* What ended already is ended before waiting: the poll waits
             * for the sockets of the calls still running, and with none
             * (the run's last answer read) it would sleep it out. */
            if (curl_multi_perform(d->multi, &running) != CURLM_OK) {
                free(v);
                return -1;
            }
            if (reap(d) == 0) {
                if (curl_multi_poll(d->multi, NULL, 0, BATCHRUN_IDLE_MS,
                                    NULL) != CURLM_OK) {
                    free(v);
                    return -1;
                }
                curl_multi_perform(d->multi, &running);
                reap(d);
            }
        }
        if (d->hooks.on_tick != NULL)
            d->hooks.on_tick(d->hooks.arg);
    }
    if (d->hooks.on_tick != NULL)
        d->hooks.on_tick(d->hooks.arg);
    free(v);
    return 0;
}
