/*
 * main.c - sfdeliver: argv and SFCONFORM_* -> one delivery run.
 *
 * main.c reads the command line and the environment (nothing below it
 * does), wires the modules together through deliver's hooks, moves state
 * documents to and from the state directory, prints the summary and picks
 * the exit status:
 *   0  the batch finished (whatever the per-lead outcomes)
 *   1  a runtime failure (outcomes file unwritable, libcurl failure)
 *   2  usage error, or a buyer config / leads file that cannot be read
 */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batchrun.h"
#include "budget.h"
#include "bulkjob.h"
#include "buyer.h"
#include "deliver.h"
#include "dlog.h"
#include "feed.h"
#include "gate.h"
#include "lead.h"
#include "log.h"
#include "oauth.h"
#include "outcome.h"
#include "parse.h"
#include "payload.h"
#include "reconcile.h"
#include "state.h"
#include "timefmt.h"
#include "timesrc.h"
#include "version.h"
#include "xmalloc.h"

enum exit_code { EXIT_DONE = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* Collection calls' worth of leads the reader may parse ahead. */
#define MAIN_BATCHES_AHEAD 4

struct opts {
    const char *buyer, *leads, *outcomes, *log, *state, *now;
    long concurrency; /* -1: from the buyer config */
    int resume, dry_run, verbose, conformance;
};

/* A lead Web-to-Lead answered 200 for, waiting to be reconciled. */
struct pending {
    const struct lead *lead;
    int attempts;
    long status;
};

struct run {
    struct opts o;
    struct timesrc clock;
    struct buyer b;
    struct state st;
    struct feed *feed;
    json_t *done; /* --resume: ids already final (borrowed) */
    /* With a read-back on --resume, the leads that passed the gates, taken
     * from the feed before sending (NULL: send straight from the feed). */
    const struct lead **pass;
    size_t npass, pass_next;
    struct gate gate;
    struct budget budget; /* Web-to-Lead buyers only (has_budget) */
    int has_budget;
    /* While delivering, the loop of the buyer's format: one of them. */
    struct deliver *d;   /* one request a lead */
    struct batchrun *bd; /* collection */
    struct bulkjob *bj;  /* bulk */
    struct outcome_file out;
    struct dlog dlog;
    const char *leads_label;
    char *config_auth; /* the config's own Authorization header, or NULL */
    size_t counts[OUTCOME_COUNT]; /* leads per outcome */
    size_t held_sent;             /* held leads that had been sent */
    size_t total;
    struct pending *pending; /* delivered, not yet reconciled */
    size_t npending;
    size_t confirmed, dropped, unverified, found_on_resume;
    char reconcile_error[SF_ERR_MSG_MAX];
    int64_t start_mono, last_save_mono, last_progress_mono;
    int tty, failed;
    /* Sending stopped because what is sent cannot be recorded. */
    int stopped, sending_over;
    char stop_why[SF_ERR_MSG_MAX];
};

static const struct option long_opts[] = {
    {"buyer", required_argument, NULL, 'b'},
    {"concurrency", required_argument, NULL, 'c'},
    {"dry-run", no_argument, NULL, 'n'},
    {"help", no_argument, NULL, 'h'},
    {"leads", required_argument, NULL, 'l'},
    {"log", required_argument, NULL, 'L'},
    {"now", required_argument, NULL, 'N'},
    {"outcomes", required_argument, NULL, 'o'},
    {"resume", no_argument, NULL, 'r'},
    {"state", required_argument, NULL, 's'},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void
usage(FILE *fp)
{
    fprintf(
        fp,
        "usage: sfdeliver --buyer FILE --leads FILE [options]\n"
        "Delivers leads to Salesforce (or sfsim) as a buyer config says.\n"
        "\n"
        "  --buyer FILE             buyer config (JSON, sfdeliver-buyer(5))\n"
        "  --leads FILE             leads: NDJSON, or CSV with a header row\n"
        "  --outcomes FILE          append one JSON line per lead (default "
        "stdout)\n"
        "  --log FILE               delivery log: one JSON line per attempt\n"
        "  --state DIR              tokens, dedup history, Web-to-Lead "
        "budget\n"
        "  --concurrency N          parallel connections (default: the "
        "buyer's)\n"
        "  --resume                 skip leads already final in --outcomes\n"
        "  --dry-run                print what would be sent; send nothing\n"
        "  --now RFC3339            start the calendar clock at this time\n"
        "  --verbose                log more (repeat)\n"
        "  --version                print the version\n"
        "  --help                   this help\n"
        "\n"
        "With SFCONFORM_BUYER set, the SFCONFORM_* variables give the buyer,\n"
        "leads, outcomes, state directory and time (sfconform's contract).\n"
        "See sfdeliver(1) and sfdeliver-buyer(5).\n");
}

static int
parse_args(struct opts *o, int argc, char **argv)
{
    int64_t n;
    int c;

    memset(o, 0, sizeof(*o));
    o->concurrency = -1;
    while ((c = getopt_long(argc, argv, "b:c:hl:L:nN:o:rs:vV", long_opts,
                            NULL)) != -1) {
        switch (c) {
        case 'b': o->buyer = optarg; break;
        case 'c':
            if (parse_int64(optarg, 1, 1024, &n) == -1) {
                log_warnx("--concurrency: not a number in 1..1024: %s", optarg);
                return -1;
            }
            o->concurrency = (long)n;
            break;
        case 'h': usage(stdout); exit(EXIT_DONE);
        case 'l': o->leads = optarg; break;
        case 'L': o->log = optarg; break;
        case 'n': o->dry_run = 1; break;
        case 'N': o->now = optarg; break;
        case 'o': o->outcomes = optarg; break;
        case 'r': o->resume = 1; break;
        case 's': o->state = optarg; break;
        case 'v': o->verbose++; break;
        case 'V': printf("sfdeliver %s\n", SFSIM_VERSION); exit(EXIT_DONE);
        default: return -1;
        }
    }
    return optind == argc ? 0 : -1;
}

/* The conformance contract: the environment names every file. */
static void
apply_env(struct opts *o)
{
    const char *buyer = getenv("SFCONFORM_BUYER");

    if (buyer == NULL || *buyer == '\0')
        return;
    o->conformance = 1;
    o->buyer = buyer;
    o->leads = getenv("SFCONFORM_LEADS");
    o->outcomes = getenv("SFCONFORM_OUTCOMES");
    o->state = getenv("SFCONFORM_STATE");
    o->now = getenv("SFCONFORM_NOW");
}

static void
count(struct run *r, enum outcome outcome, int attempts)
{
    r->counts[outcome]++;
    /* Held after a failed attempt (a 401 whose refresh failed, a retry
     * the run stopped): sent, but not delivered. */
    if (outcome == OUTCOME_HELD && attempts > 0)
        r->held_sent++;
}

/*
 * Stops sending because what is sent can no longer be recorded (the
 * outcomes file or the budget file cannot be written): said once, and
 * every lead not sent yet is held for a later --resume.
 */
static void
stop_sending(struct run *r, const char *why)
{
    if (r->stopped)
        return;
    r->stopped = 1;
    r->failed = 1;
    snprintf(r->stop_why, sizeof(r->stop_why), "%s", why);
    if (r->sending_over)
        log_warnx("%s", why);
    else
        log_warnx("%s: sending stopped; the leads not sent are held for "
                  "--resume",
                  why);
    if (r->d != NULL)
        deliver_stop(r->d, r->stop_why);
    if (r->bd != NULL)
        batchrun_stop(r->bd, r->stop_why);
    if (r->bj != NULL)
        bulkjob_stop(r->bj, r->stop_why);
}

static void
outcomes_broken(struct run *r)
{
    struct sf_err why;

    err_clear(&why);
    err_set(&why, "cannot write the outcomes file %s: %s",
            r->o.outcomes != NULL ? r->o.outcomes : "(stdout)", r->out.error);
    stop_sending(r, why.msg);
}

static void
record(struct run *r, const char *lead_id, enum outcome outcome, int attempts,
       const struct outcome_detail *d, json_t *extra)
{
    count(r, outcome, attempts);
    if (outcome_write(&r->out, lead_id, outcome, attempts, d, extra) == -1)
        r->failed = 1;
    if (r->out.broken)
        outcomes_broken(r);
}

/* 1 when the buyer's leads go many to a request. */
static int
batch_format(const struct buyer *b)
{
    return b->format == BUYER_FMT_COLLECTION || b->format == BUYER_FMT_BULK;
}

static void
on_bad_line(void *arg, long line, const char *why)
{
    struct run *r = arg;

    log_warnx("%s:%ld: skipped: %s", r->leads_label, line, why);
}

/* A lead's request, built on the feed's reader thread (payload_build()
 * reads only the buyer's mapping, static fields and URL, which nothing
 * changes during a run). */
struct prepared {
    struct payload p;
    int rc;
    char error[SF_ERR_MSG_MAX];
};

static void *
feed_prepare(void *arg, const struct lead *l)
{
    struct run *r = arg;
    struct prepared *pp = xcalloc(1, sizeof(*pp));
    struct sf_err err;

    err_clear(&err);
    pp->rc = payload_build(&r->b, l, &pp->p, &err);
    if (pp->rc == -1)
        snprintf(pp->error, sizeof(pp->error), "%s", err.msg);
    return pp;
}

static void
feed_discard(void *arg, void *prep)
{
    struct prepared *pp = prep;

    (void)arg;
    payload_free(&pp->p);
    free(pp);
}

/* deliver.c's payload hook: the request prepared on the reader thread. */
static int
hook_payload(void *arg, const struct lead *l, struct payload *p,
             struct sf_err *err)
{
    struct run *r = arg;
    struct prepared *pp = feed_take_prep(r->feed, l);
    int rc;

    if (pp == NULL)
        return payload_build(&r->b, l, p, err);
    rc = pp->rc;
    *p = pp->p;
    if (rc == -1)
        err_set(err, "%s", pp->error);
    free(pp);
    return rc;
}

static int
hook_before_send(void *arg, const struct lead *l, int64_t now_ms,
                 int64_t *retry_at, struct sf_err *err)
{
    struct run *r = arg;

    (void)l;
    if (!r->has_budget)
        return 0;
    switch (budget_take(&r->budget, now_ms, retry_at, err)) {
    case BUDGET_SEND: return 0;
    case BUDGET_FULL: return -1;
    case BUDGET_UNWRITABLE: stop_sending(r, err->msg); return -1;
    }
    return -1;
}

static void
hook_unsent(void *arg, const struct lead *l, int64_t now_ms)
{
    struct run *r = arg;

    (void)l;
    if (r->has_budget)
        budget_refund(&r->budget, now_ms);
}

static void
hook_attempt(void *arg, const struct dlog_entry *e)
{
    struct run *r = arg;

    dlog_write(&r->dlog, e);
}

static void
hook_result(void *arg, const struct deliver_result *res)
{
    struct run *r = arg;
    char ts[TIMEFMT_LEN];
    struct outcome_detail detail = {.status = res->status};

    /* Web-to-Lead's 200 proves nothing: the outcome waits for the
     * read-back (one line per lead, so nothing is written yet). */
    if (buyer_reconciles(&r->b) && res->outcome == OUTCOME_DELIVERED) {
        r->pending =
            xreallocarray(r->pending, r->npending + 1, sizeof(*r->pending));
        r->pending[r->npending++] = (struct pending){
            .lead = res->lead,
            .attempts = res->attempts,
            .status = res->status,
        };
        return;
    }
    if (res->reason != NULL && *res->reason != '\0' &&
        res->outcome != OUTCOME_DELIVERED)
        detail.reason = res->reason;
    detail.error = res->error;
    if (res->retry_at_ms >= 0)
        detail.retry_at = timefmt_rfc3339(res->retry_at_ms, ts);
    record(r, res->lead->id, res->outcome, res->attempts, &detail, NULL);
    feed_release(r->feed, res->lead);
}

static void
save_token(struct run *r, const char *token, int64_t used_ms)
{
    json_t *doc = oauth_state_doc(token, used_ms, r->config_auth);

    state_save(&r->st, OAUTH_STATE_FILE, doc);
    json_decref(doc);
}

static void
hook_token(void *arg, const char *token)
{
    struct run *r = arg;

    save_token(r, token, timesrc_now_ms(&r->clock));
}

/* Saves the dedup history and the budget's exact count, when changed. */
static void
save_gate(struct run *r)
{
    int64_t now = timesrc_now_ms(&r->clock);

    if (r->gate.dirty_dedup &&
        state_save(&r->st, "dedup.json", gate_dedup_doc(&r->gate, now)) == 0)
        r->gate.dirty_dedup = 0;
    if (r->has_budget)
        budget_save(&r->budget, now);
}

static void
progress(struct run *r, int64_t now)
{
    size_t done = 0, total;
    double secs = (double)(now - r->start_mono) / 1000.0, rate;
    int exact;

    for (int i = 0; i < OUTCOME_COUNT; i++)
        done += r->counts[i];
    /* Leads still being read count by the file's lines, shown with a ~. */
    total = r->total + feed_left(r->feed, &exact);
    rate = secs > 0 ? (double)done / secs : 0;
    fprintf(stderr,
            "\r%zu/%s%zu  delivered %zu  failed %zu  held %zu  %.0f/s  "
            "ETA %.0fs   ",
            done, exact ? "" : "~", total, r->counts[OUTCOME_DELIVERED],
            r->counts[OUTCOME_DELIVERY_FAILED], r->counts[OUTCOME_HELD], rate,
            rate > 0 && total > done ? (double)(total - done) / rate : 0.0);
}

static void
hook_tick(void *arg)
{
    struct run *r = arg;
    int64_t now = timesrc_mono_ms();

    if (outcome_tick(&r->out, now) == -1)
        outcomes_broken(r);
    if (now - r->last_save_mono >= 1000) {
        dlog_flush(&r->dlog);
        save_gate(r);
        r->last_save_mono = now;
    }
    if (r->tty && now - r->last_progress_mono >= 250) {
        progress(r, now);
        r->last_progress_mono = now;
    }
}

/*
 * Without delivery.ca_file, the CA bundle the curl tool takes from the
 * environment (libcurl itself reads none): CURL_CA_BUNDLE, then
 * SSL_CERT_FILE.
 */
static void
ca_from_env(struct buyer *b)
{
    static const char *const vars[] = {"CURL_CA_BUNDLE", "SSL_CERT_FILE", NULL};
    const char *v;
    size_t i;

    for (i = 0; b->ca_file == NULL && vars[i] != NULL; i++)
        if ((v = getenv(vars[i])) != NULL && *v != '\0')
            b->ca_file = xstrdup(v);
}

/* Loads the buyer, state, leads and outcomes file. Returns an exit code
 * (EXIT_DONE to go on). */
static int
open_inputs(struct run *r)
{
    struct feed_hooks hooks = {0};
    struct sf_err err;
    char key[120], file[160];
    const char *oid;

    err_clear(&err);
    if (buyer_load(&r->b, r->o.buyer, &err) == -1 ||
        state_open(&r->st, r->o.state, &err) == -1) {
        log_warnx("%s", err.msg);
        return EXIT_USAGE;
    }
    if (r->o.concurrency > 0)
        r->b.concurrency = r->o.concurrency;
    ca_from_env(&r->b);
    if (buyer_header(&r->b, "Authorization") != NULL)
        r->config_auth = xstrdup(buyer_header(&r->b, "Authorization"));
    r->leads_label = r->o.leads;
    hooks.on_bad = on_bad_line;
    hooks.arg = r;
    /* A dry run prints each request from the gates instead; batches
     * build their records as they send. */
    if (!r->o.dry_run && !batch_format(&r->b)) {
        hooks.prepare = feed_prepare;
        hooks.discard = feed_discard;
    }
    /* A call takes batch_size leads at once: the reader keeps the next
     * calls' leads parsed meanwhile, rather than the loop waiting for it. */
    if (r->b.format == BUYER_FMT_COLLECTION)
        hooks.ahead = MAIN_BATCHES_AHEAD * (size_t)r->b.batch_size;
    r->feed = feed_open(r->o.leads, &hooks, &err);
    if (r->feed == NULL) {
        log_warnx("%s", err.msg);
        return EXIT_USAGE;
    }
    gate_init(&r->gate, &r->b, state_load(&r->st, "dedup.json"));
    oid = buyer_w2l_oid(&r->b);
    if (oid != NULL && !r->o.dry_run) {
        snprintf(file, sizeof(file), "w2l-%s.json",
                 state_key(oid, key, sizeof(key)));
        budget_open(&r->budget, &r->st, file, r->b.w2l_budget,
                    r->b.w2l_window_s);
        r->has_budget = 1;
    }
    if (dlog_open(&r->dlog, r->o.log, &err) == -1) {
        log_warnx("%s", err.msg);
        return EXIT_USAGE;
    }
    if (r->o.dry_run)
        return EXIT_DONE;
    if (outcome_open(&r->out,
                     r->o.outcomes != NULL ? r->o.outcomes : "/dev/stdout",
                     &err) == -1) {
        log_warnx("%s", err.msg);
        return EXIT_RUNTIME;
    }
    return EXIT_DONE;
}

/* --dry-run: what would be sent, as JSON lines on stdout. */
static void
dry_run_print(const struct run *r, const struct lead *l)
{
    struct payload p;
    struct sf_err err;
    json_t *o;
    char *text;

    err_clear(&err);
    memset(&p, 0, sizeof(p));
    if (batch_format(&r->b)) {
        /* One record of a call (collection) or a row of a job (bulk). */
        json_t *rec = payload_record(&r->b, l, &err);

        o = rec == NULL
                ? json_pack("{s:s, s:s}", "lead_id", l->id, "error", err.msg)
                : json_pack("{s:s, s:s, s:o}", "lead_id", l->id, "url",
                            r->b.url, "record", rec);
    } else if (payload_build(&r->b, l, &p, &err) == -1)
        o = json_pack("{s:s, s:s}", "lead_id", l->id, "error", err.msg);
    else
        o = json_pack("{s:s, s:s, s:s, s:s}", "lead_id", l->id, "method",
                      p.method, "url", p.url, "body", p.body);
    text = json_dumps(o, JSON_COMPACT);
    printf("%s\n", text);
    free(text);
    json_decref(o);
    payload_free(&p);
}

static void
dry_run_gate(const struct lead *l, enum gate_verdict v, const char *why)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "lead_id", l->id, "outcome",
                          gate_verdict_str(v), "reason", why);
    char *text = json_dumps(o, JSON_COMPACT);

    printf("%s\n", text);
    free(text);
    json_decref(o);
}

/*
 * Runs the pre-send gates on l: 1 when it is to be sent. A lead already
 * final (--resume) is skipped, its dedup keys remembered; one a gate stops
 * is recorded (or, on a dry run, printed with what would be sent).
 * Releases l unless it is to be sent.
 */
static int
admit(struct run *r, const struct lead *l)
{
    enum gate_verdict v;
    enum outcome done;
    const char *name;
    char why[256];

    name = r->done != NULL ? json_string_value(json_object_get(r->done, l->id))
                           : NULL;
    if (name != NULL) {
        /* The history is saved once a second; the outcomes file is the
         * record of what passed dedup before a kill. */
        if (outcome_parse(name, &done) == 0 &&
            (done == OUTCOME_DELIVERED || done == OUTCOME_DELIVERY_FAILED))
            gate_remember(&r->gate, l, timesrc_now_ms(&r->clock));
        goto out;
    }
    r->total++;
    v = gate_check(&r->gate, l, timesrc_now_ms(&r->clock), r->o.dry_run, why,
                   sizeof(why));
    if (v != GATE_PASS && r->o.dry_run)
        dry_run_gate(l, v, why);
    else if (v != GATE_PASS)
        record(r, l->id, gate_outcome(v), 0, NULL,
               json_pack("{s:s}", "reason", why));
    else if (r->o.dry_run)
        dry_run_print(r, l);
    else
        return 1;
out:
    feed_release(r->feed, l);
    return 0;
}

/* deliver.c's source: the next lead that passed the gates. */
static const struct lead *
hook_next_lead(void *arg, int wait, int *end)
{
    struct run *r = arg;
    const struct lead *l;

    if (r->pass != NULL) {
        *end = r->pass_next == r->npass;
        return *end ? NULL : r->pass[r->pass_next++];
    }
    while ((l = feed_next(r->feed, wait, end)) != NULL)
        if (admit(r, l))
            return l;
    return NULL;
}

/* Takes every lead from the feed through the gates: those that pass go
 * into r->pass. */
static void
admit_all(struct run *r)
{
    size_t cap = 16;
    const struct lead *l;
    int end = 0;

    r->pass = xcalloc(cap, sizeof(*r->pass));
    while ((l = feed_next(r->feed, 1, &end)) != NULL) {
        if (!admit(r, l))
            continue;
        if (r->npass == cap) {
            cap *= 2;
            r->pass = xreallocarray(r->pass, cap, sizeof(*r->pass));
        }
        r->pass[r->npass++] = l;
    }
}

/* The cached token when it belongs to this config (new string), with the
 * calendar time it was last seen working. */
static char *
cached_token(struct run *r, int64_t *last_used)
{
    json_t *doc = state_load(&r->st, OAUTH_STATE_FILE);
    const char *tok = oauth_state_token(doc, r->config_auth, last_used);
    char *copy = tok != NULL ? xstrdup(tok) : NULL;

    json_decref(doc);
    return copy;
}

/*
 * Picks the delivery token: the cached one when it belongs to this config,
 * and whether to refresh before sending (no token at all, or one idle for
 * longer than the org's session timeout minus a margin; deliver.c applies
 * the same rule again before every send). Sets cfg's fields.
 */
static void
setup_token(struct run *r, struct deliver_config *cfg)
{
    int64_t last_used = -1, idle_limit;
    char *tok, *hdr;

    cfg->token_used_ms = -1;
    if (!buyer_uses_token(&r->b))
        return;
    tok = cached_token(r, &last_used);
    idle_limit =
        (r->b.auth.session_timeout_s - r->b.auth.refresh_margin_s) * 1000;
    if (tok != NULL) {
        hdr = xasprintf("Bearer %s", tok);
        buyer_set_header(&r->b, "Authorization", hdr);
        free(hdr);
        cfg->token_used_ms = last_used;
        cfg->refresh_first =
            timesrc_now_ms(&r->clock) - last_used >= idle_limit;
    } else if (r->config_auth == NULL)
        cfg->refresh_first = 1;
    free(tok);
}

/* After the run: remember when the token was last seen working. */
static void
save_token_use(struct run *r, int64_t used_ms)
{
    const char *h = buyer_header(&r->b, "Authorization");

    if (used_ms >= 0 && h != NULL && strncmp(h, "Bearer ", 7) == 0 &&
        buyer_uses_token(&r->b))
        save_token(r, h + 7, used_ms);
}

/*
 * Asks the org which of values[0..n) exist (reconcile.h). Returns how many
 * values, from the first, got an answer; found gets those that exist.
 */
static size_t
ask_org(struct run *r, const char *const *values, size_t n, json_t *found)
{
    struct reconcile rc;
    struct sf_err err;
    int64_t last_used = 0;
    char *tok = NULL;
    size_t checked;

    if (n == 0)
        return 0;
    if (buyer_can_refresh(&r->b))
        tok = cached_token(r, &last_used);
    reconcile_init(&rc, &r->b, tok);
    err_clear(&err);
    checked = reconcile_run(&rc, values, n, found, &err);
    if (err.set && r->reconcile_error[0] == '\0')
        snprintf(r->reconcile_error, sizeof(r->reconcile_error), "%s", err.msg);
    if (rc.token != NULL && (rc.token_changed || checked > 0) &&
        buyer_can_refresh(&r->b))
        save_token(r, rc.token, timesrc_now_ms(&r->clock));
    reconcile_free(&rc);
    free(tok);
    return checked;
}

/* The reconcile value of each lead (lead_field), new strings or NULL. */
static char **
match_values(struct run *r, const struct lead *const *leads, size_t n)
{
    char **v = xcalloc(n + 1, sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = lead_get_string(leads[i], r->b.reconcile.lead_field);
    return v;
}

/* Compacts the non-NULL values for the query; the count. */
static size_t
query_values(char **v, size_t n, const char **out)
{
    size_t m = 0;

    for (size_t i = 0; i < n; i++)
        if (v[i] != NULL)
            out[m++] = v[i];
    return m;
}

static void
free_values(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/*
 * The read-back: every lead Web-to-Lead answered 200 for is delivered if
 * the org has it, delivery_failed (silently_dropped) if the org answered
 * and does not, and delivered but unverified if the org could not be
 * asked.
 */
static void
reconcile_pending(struct run *r)
{
    const struct lead **leads;
    const char **q;
    char **v, *match;
    json_t *found = json_object();
    size_t n = r->npending, nq, checked;

    if (n == 0) {
        json_decref(found);
        return;
    }
    leads = xcalloc(n + 1, sizeof(*leads));
    for (size_t i = 0; i < n; i++)
        leads[i] = r->pending[i].lead;
    v = match_values(r, leads, n);
    q = xcalloc(n + 1, sizeof(*q));
    nq = query_values(v, n, q);
    timesrc_sleep_ms(r->b.reconcile.wait_ms);
    checked = ask_org(r, q, nq, found);
    match = r->b.reconcile.match_field;
    for (size_t i = 0, qi = 0; i < n; i++) {
        const struct pending *p = &r->pending[i];
        json_t *extra = json_pack("{s:I}", "status", (json_int_t)p->status);
        int asked = v[i] != NULL && qi++ < checked;

        if (v[i] != NULL && json_object_get(found, v[i]) != NULL) {
            r->confirmed++;
            json_object_set_new(extra, "reconciled", json_true());
            record(r, p->lead->id, OUTCOME_DELIVERED, p->attempts, NULL, extra);
        } else if (asked) {
            r->dropped++;
            json_object_set_new(extra, "reason",
                                json_string("silently_dropped"));
            json_object_set_new(
                extra, "error",
                json_sprintf("Web-to-Lead answered %ld but no %s has %s = "
                             "'%s': the org dropped it silently",
                             p->status, r->b.reconcile.object, match, v[i]));
            record(r, p->lead->id, OUTCOME_DELIVERY_FAILED, p->attempts, NULL,
                   extra);
        } else {
            r->unverified++;
            json_object_set_new(extra, "reconciled", json_false());
            json_object_set_new(
                extra, "error",
                v[i] == NULL
                    ? json_sprintf("not verified: the lead has no %s",
                                   r->b.reconcile.lead_field)
                    : json_sprintf("not verified: %s", r->reconcile_error));
            record(r, p->lead->id, OUTCOME_DELIVERED, p->attempts, NULL, extra);
        }
    }
    for (size_t i = 0; i < n; i++)
        feed_release(r->feed, leads[i]);
    r->npending = 0;
    json_decref(found);
    free(q);
    free_values(v, n);
    free(leads);
}

/*
 * On --resume with reconciliation: a lead an interrupted run sent but did
 * not record may already be in the org. Those found are recorded as
 * delivered and not sent again; Web-to-Lead has no upsert to make a resend
 * harmless. Compacts pass in place.
 */
static void
skip_already_created(struct run *r, const struct lead **pass, size_t *npass)
{
    size_t n = *npass, m = 0;
    char **v = match_values(r, pass, n);
    const char **q = xcalloc(n + 1, sizeof(*q));
    json_t *found = json_object();
    size_t nq = query_values(v, n, q);

    ask_org(r, q, nq, found);
    for (size_t i = 0; i < n; i++) {
        if (v[i] != NULL && json_object_get(found, v[i]) != NULL) {
            r->found_on_resume++;
            record(r, pass[i]->id, OUTCOME_DELIVERED, 0, NULL,
                   json_pack("{s:b, s:s}", "reconciled", 1, "note",
                             "already in the org (sent by an interrupted "
                             "run); not sent again"));
            feed_release(r->feed, pass[i]);
        } else
            pass[m++] = pass[i];
    }
    *npass = m;
    json_decref(found);
    free(q);
    free_values(v, n);
}

/* The truth when outcomes could not be written: what is not in the
 * file, and the lines of the leads that were sent (a --resume would send
 * them again). */
static void
summary_unrecorded(const struct run *r)
{
    const struct outcome_file *o = &r->out;

    fprintf(stderr,
            "sfdeliver: OUTCOMES NOT RECORDED: %s. %zu outcomes are not in "
            "the outcomes file; leads with none are sent by --resume.\n",
            r->stop_why, o->unwritten);
    if (o->unwritten_sent == 0)
        return;
    fprintf(stderr,
            "sfdeliver: %zu of them are of leads that WERE SENT (a --resume "
            "would send them again); their outcomes:\n",
            o->unwritten_sent);
    fwrite(o->lost.data != NULL ? o->lost.data : "", 1, o->lost.len, stderr);
    if (o->lost.toobig)
        fprintf(stderr, "sfdeliver: (more outcome lines than fit in "
                        "memory were cut)\n");
}

/* The held leads: not delivered, and not sent unless some were. */
static void
summary_held(const struct run *r)
{
    const char *see =
        r->out.broken ? "" : "see \"reason\" and \"retry_at\" in the outcomes";

    fprintf(stderr, "sfdeliver: %zu leads held; ", r->counts[OUTCOME_HELD]);
    if (r->held_sent == 0)
        fprintf(stderr, "they were NOT sent%s%s%s\n", *see ? " (" : "", see,
                *see ? ")" : "");
    else
        fprintf(stderr,
                "they were NOT delivered (%zu of them were sent and "
                "failed%s%s)\n",
                r->held_sent, *see ? "; " : "", see);
}

static void
summary(const struct run *r, const char *auth_error)
{
    if (r->tty)
        fputc('\n', stderr);
    fprintf(stderr, "sfdeliver: %zu leads:", r->total);
    for (int i = 0; i < OUTCOME_COUNT; i++)
        fprintf(stderr, " %zu %s%s", r->counts[i],
                outcome_name((enum outcome)i),
                i + 1 < OUTCOME_COUNT ? "," : "");
    fprintf(stderr, "; %zu bad input lines\n", feed_bad(r->feed));
    if (auth_error != NULL)
        fprintf(stderr, "sfdeliver: buyer paused: %s\n", auth_error);
    if (r->stopped)
        fprintf(stderr, "sfdeliver: sending STOPPED: %s\n", r->stop_why);
    if (r->counts[OUTCOME_HELD] > 0)
        summary_held(r);
    if (r->out.broken)
        summary_unrecorded(r);
    if (!buyer_reconciles(&r->b))
        return;
    if (r->dropped > 0)
        fprintf(stderr,
                "sfdeliver: %zu leads were SILENTLY DROPPED by Salesforce: "
                "Web-to-Lead answered 200 but they are not in the org "
                "(outcome delivery_failed, reason silently_dropped)\n",
                r->dropped);
    if (r->unverified > 0)
        fprintf(stderr,
                "sfdeliver: %zu delivered leads could NOT be verified in the "
                "org: %s\n",
                r->unverified,
                r->reconcile_error[0] ? r->reconcile_error : "no match value");
    fprintf(stderr,
            "sfdeliver: reconciliation: %zu of %zu Web-to-Lead leads found in "
            "the org\n",
            r->confirmed, r->confirmed + r->dropped + r->unverified);
    if (r->found_on_resume > 0)
        fprintf(stderr,
                "sfdeliver: %zu leads were already in the org from an "
                "interrupted run and were not sent again\n",
                r->found_on_resume);
}

/* Runs the loop of the buyer's format with cfg and hooks: 0, or -1 when
 * libcurl failed. Fills *used_ms and auth_error (size n). */
static int
run_loop(struct run *r, const struct deliver_config *cfg,
         const struct deliver_hooks *hooks, int64_t *used_ms, char *auth_error,
         size_t n)
{
    const char *ae;
    int rc;

    if (r->b.format == BUYER_FMT_BULK) {
        r->bj = bulkjob_new(cfg, hooks, &r->st);
        if (r->stopped)
            bulkjob_stop(r->bj, r->stop_why);
        rc = bulkjob_run(r->bj);
        *used_ms = bulkjob_token_used_ms(r->bj);
        ae = bulkjob_auth_error(r->bj);
    } else if (r->b.format == BUYER_FMT_COLLECTION) {
        r->bd = batchrun_new(cfg, hooks);
        if (r->stopped)
            batchrun_stop(r->bd, r->stop_why);
        rc = batchrun_run(r->bd);
        *used_ms = batchrun_token_used_ms(r->bd);
        ae = batchrun_auth_error(r->bd);
    } else {
        r->d = deliver_new(cfg, hooks);
        if (r->stopped)
            deliver_stop(r->d, r->stop_why);
        rc = deliver_run(r->d);
        *used_ms = deliver_token_used_ms(r->d);
        ae = deliver_auth_error(r->d);
    }
    snprintf(auth_error, n, "%s", ae != NULL ? ae : "");
    return rc;
}

static void
free_loop(struct run *r)
{
    deliver_free(r->d);
    batchrun_free(r->bd);
    bulkjob_free(r->bj);
    r->d = NULL;
    r->bd = NULL;
    r->bj = NULL;
}

static int
deliver_all(struct run *r)
{
    struct deliver_config cfg = {
        .buyer = &r->b,
        .clock = &r->clock,
        .concurrency = (long)r->b.concurrency,
        .token_used_ms = -1,
    };
    struct deliver_hooks hooks = {
        .before_send = hook_before_send,
        .unsent = hook_unsent,
        .on_attempt = hook_attempt,
        .on_result = hook_result,
        .on_token = hook_token,
        .on_tick = hook_tick,
        .next_lead = hook_next_lead,
        .payload = hook_payload,
        .arg = r,
        .lead_fd = feed_fd(r->feed),
    };
    char auth_error[SF_ERR_MSG_MAX];
    int64_t used_ms;
    int rc = EXIT_DONE;

    if (r->o.dry_run) {
        admit_all(r);
        return EXIT_DONE;
    }
    /* The read-back asks about every lead before any is sent. */
    if (r->o.resume && buyer_reconciles(&r->b)) {
        admit_all(r);
        if (r->npass > 0)
            skip_already_created(r, r->pass, &r->npass);
    }
    setup_token(r, &cfg);
    if (run_loop(r, &cfg, &hooks, &used_ms, auth_error, sizeof(auth_error)) ==
        -1) {
        log_warnx("libcurl failed; unfinished leads were not recorded");
        rc = EXIT_RUNTIME;
    }
    r->sending_over = 1;
    reconcile_pending(r);
    save_gate(r);
    save_token_use(r, used_ms);
    /* Closed before the summary, so that it tells whether the last lines
     * were written. */
    if (outcome_close(&r->out) == -1) {
        r->failed = 1;
        if (r->out.broken)
            outcomes_broken(r);
    }
    summary(r, auth_error[0] != '\0' ? auth_error : NULL);
    free_loop(r);
    return rc;
}

static void
run_free(struct run *r)
{
    dlog_close(&r->dlog);
    gate_free(&r->gate);
    if (r->has_budget)
        budget_close(&r->budget);
    outcome_free(&r->out);
    feed_close(r->feed);
    free(r->pass);
    buyer_free(&r->b);
    state_close(&r->st);
    free(r->config_auth);
    free(r->pending);
}

static int
start(struct run *r, int argc, char **argv)
{
    if (parse_args(&r->o, argc, argv) == -1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    apply_env(&r->o);
    log_init(argv[0], r->o.verbose);
    if (r->o.buyer == NULL || r->o.leads == NULL) {
        log_warnx("--buyer and --leads are required");
        usage(stderr);
        return EXIT_USAGE;
    }
    if (r->o.resume && r->o.outcomes == NULL) {
        log_warnx("--resume needs --outcomes");
        return EXIT_USAGE;
    }
    if (timesrc_init(&r->clock, r->o.now) == -1) {
        log_warnx("not an RFC 3339 time: %s", r->o.now);
        return EXIT_USAGE;
    }
    r->start_mono = timesrc_mono_ms();
    r->tty = isatty(STDERR_FILENO) && !r->o.conformance;
    return EXIT_DONE;
}

int
main(int argc, char **argv)
{
    struct run r;
    struct sf_err err;
    int rc;

    memset(&r, 0, sizeof(r));
    r.out.fd = -1;
    xjson_init();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        fatalx("curl_global_init failed");
    rc = start(&r, argc, argv);
    if (rc != EXIT_DONE)
        goto out;
    rc = open_inputs(&r);
    if (rc != EXIT_DONE)
        goto out;
    if (r.o.resume) {
        err_clear(&err);
        r.done = outcome_load_final(r.o.outcomes, &err);
        if (r.done == NULL) {
            log_warnx("%s", err.msg);
            rc = EXIT_RUNTIME;
            goto out;
        }
    }
    rc = deliver_all(&r);
    if (r.failed)
        rc = EXIT_RUNTIME;
out:
    json_decref(r.done);
    if (r.out.fd != -1 && outcome_close(&r.out) == -1 && rc == EXIT_DONE)
        rc = EXIT_RUNTIME;
    run_free(&r);
    curl_global_cleanup();
    return rc;
}
