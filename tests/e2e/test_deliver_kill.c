/*
 * test_deliver_kill.c - sfdeliver killed with SIGKILL at random instants,
 * then resumed, over every way it delivers; and sfdeliver on a full disk.
 *
 * The kill test cannot be gamed: it believes nothing the client says about
 * itself. Each round starts from a reset sim and empty state, runs
 * sfdeliver on a fresh leads file, kills it with SIGKILL after a random
 * delay (seeded RNG, seed printed) several times, each time resuming with
 * --resume, and finally lets a resumed run finish. Then, from the files
 * and the sim alone:
 *   - the outcomes file holds only whole JSON lines (no torn line left);
 *   - every lead has exactly one settled outcome: any number of "held"
 *     lines (a held lead is sent again by --resume), then one final line,
 *     and nothing after a line that is not "held";
 *   - no lead is reported delivered that the sim did not store (the org's
 *     records, GET /__sim/records/Lead, matched on source_lead_id__c);
 *   - no Web-to-Lead budget is overspent: the posts the sim counted in its
 *     window (GET /__sim/webtolead) and the posts its journal shows are at
 *     most the buyer's budget;
 *   - with upsert, no record exists twice (a resend after a kill is
 *     harmless). Plain creates and Web-to-Lead have no idempotency: a post
 *     in flight at the kill is sent again, and those doubles are counted
 *     and printed, not failed.
 * A delay fault on the delivery endpoint keeps requests in flight, so that
 * kills land between a request and its answer too. The kill delays are
 * drawn over the time a run is measured to take (a calibration run per
 * path), scaled to the leads a run has left, so kills land while it works.
 *
 * The batch paths (sObject Collections with upsert, Bulk API 2.0 jobs)
 * are held to the same checks, and Bulk also to "no row processed twice"
 * (the sim's journal of each job's rows).
 *
 * SFDELIVER_KILLS (default 5) kills per path, in rounds of
 * KILLS_PER_ROUND; SFDELIVER_KILL_SEED repeats a seed. `make killtest`
 * runs 100 per path and prints the figures. A new delivery path is one
 * more row of paths[] (a buyer writer and what it promises).
 *
 * The full-disk test runs sfdeliver with a file size limit (RLIMIT_FSIZE,
 * which works as root and not) so that its outcomes file fills up: it must
 * stop sending, say so once, leave whole lines only, report the leads it
 * sent whose outcome is not recorded, and a later --resume must finish.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clienttest.h"
#include "mono.h"
#include "simtest.h"

#define W2L_PATH "/servlet/servlet.WebToLead"
#define KILLS_PER_ROUND 5
/* Each delivery request is held this long by the sim, so that a run
 * spends most of its time sending (and kills land there). */
#define DELAY_MS 10

static struct simtest sim;
static struct clienttest c;
static uint64_t rng;

/* What one path promises, and the figures of its rounds. */
struct path;
typedef void buyer_fn(const struct path *p);

struct path {
    const char *name;
    buyer_fn *buyer;   /* writes the path's buyer to c.buyer */
    int leads;         /* per round */
    int concurrency;   /* connections; 0: 4 */
    int budget;        /* Web-to-Lead budget; 0: not Web-to-Lead */
    int no_doubles;    /* a resend cannot make a second record */
    int bulk;          /* Bulk jobs: no row may be processed twice */
    const char *via;   /* the endpoint the delay fault holds */
    const char *extra; /* patched into the buyer (JSON text), or NULL */
    int64_t full_ms;   /* a whole run of a round's leads (calibrated) */
    int64_t start_ms;  /* a run with nothing left to send (calibrated) */
    int span_shift;    /* kill delays divided by 2^span_shift */
};

/* Rounds added, kills drawn sooner each time, while no kill has hit a
 * running sfdeliver: on a loaded machine the calibrated times can be so
 * wrong that every kill of the planned rounds comes after the end. */
#define EXTRA_ROUNDS 6

struct figures {
    int rounds, kills, missed, leads, lines, held_lines, delivered, failed,
        held, doubles, stored, unknown, rows, jobs;
    long posts, max_used;
};

/* xorshift64*: the kill delays, repeatable from the printed seed. */
static uint64_t
rng_next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

static int
env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    char *end;
    long n;

    if (v == NULL || *v == '\0')
        return dflt;
    n = strtol(v, &end, 10);
    return *end == '\0' && n > 0 && n < 100000 ? (int)n : dflt;
}

static int
group_setup(void **state)
{
    const char *seed = getenv("SFDELIVER_KILL_SEED");

    (void)state;
    clienttest_group_start(&c, &sim, "orgs/custom-fields.json", "kill");
    if (seed != NULL && *seed != '\0')
        rng = strtoull(seed, NULL, 10);
    else
        rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (rng == 0)
        rng = 1;
    print_message("kill test seed %llu (SFDELIVER_KILL_SEED=%llu repeats "
                  "the delays)\n",
                  (unsigned long long)rng, (unsigned long long)rng);
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return clienttest_group_stop(&c, &sim);
}

/* A fresh sim (records, journal, counters, tokens, faults), empty state
 * and outcomes, a new token pair, and the delay fault on via. */
static void
reset(const char *via, int delay_ms)
{
    char rule[256];

    simtest_reset(&sim);
    json_decref(simtest_admin(&sim, "DELETE", "/__sim/faults", NULL));
    clienttest_forget(&c);
    simtest_login(&sim, "{}");
    if (via == NULL || delay_ms <= 0)
        return;
    snprintf(rule, sizeof(rule),
             "{\"path\":\"%s\",\"action\":\"delay\",\"delay_ms\":%d}", via,
             delay_ms);
    json_decref(simtest_admin(&sim, "POST", "/__sim/faults", rule));
}

static void
w2l_buyer(const struct path *p)
{
    json_t *b = clienttest_w2l_buyer(&sim);

    clienttest_patch(b,
                     "{\"name\":\"kill-w2l\",\"delivery\":{\"concurrency\":%d},"
                     "\"mapping\":{\"id\":\"source_lead_id__c\",\"last\":"
                     "\"last_name\",\"company\":\"company\"},"
                     "\"retry\":{\"max_retries\":2,\"backoff_ms\":1,"
                     "\"jitter\":false},\"web_to_lead\":{\"daily_budget\":%d}}",
                     p->concurrency > 0 ? p->concurrency : 4, p->budget);
    clienttest_write_buyer(&c, b, p->extra, NULL);
}

/* A REST buyer; upsert when extra names the external id field. */
static void
rest_buyer_with(const char *extra)
{
    clienttest_write_buyer(&c, clienttest_rest_buyer(&sim),
                           CLIENTTEST_REST_MAPPING,
                           "{\"name\":\"kill-rest\",\"delivery\":"
                           "{\"concurrency\":4},\"retry\":{\"max_retries\":2,"
                           "\"backoff_ms\":1,\"jitter\":false}}",
                           extra, NULL);
}

static void
rest_create_buyer(const struct path *p)
{
    (void)p;
    rest_buyer_with(NULL);
}

static void
rest_upsert_buyer(const struct path *p)
{
    (void)p;
    rest_buyer_with(
        "{\"delivery\":{\"external_id_field\":\"source_lead_id__c\"}}");
}

/* sObject Collections, 10 leads a call, upsert by the external id. */
static void
collection_buyer(const struct path *p)
{
    json_t *b = clienttest_rest_buyer(&sim);

    (void)p;

    clienttest_patch(b,
                     "{\"name\":\"kill-collection\",\"delivery\":{\"url\":"
                     "\"%s/services/data/v59.0/composite/sobjects\","
                     "\"format\":\"collection\",\"batch_size\":10,"
                     "\"external_id_field\":\"source_lead_id__c\"},"
                     "\"retry\":{\"max_retries\":2,\"backoff_ms\":1,"
                     "\"jitter\":false}}",
                     sim.proc.url);
    clienttest_write_buyer(&c, b, CLIENTTEST_REST_MAPPING, NULL);
}

/* Bulk API 2.0, 20 leads a job (three jobs a run), quick polls. */
static void
bulk_buyer(const struct path *p)
{
    json_t *b = clienttest_rest_buyer(&sim);

    (void)p;
    /* Bulk jobs move with the simulated clock: let it run. */
    json_decref(
        simtest_admin(&sim, "POST", "/__sim/clock", "{\"frozen\":false}"));
    clienttest_patch(b,
                     "{\"name\":\"kill-bulk\",\"delivery\":{\"url\":"
                     "\"%s/services/data/v59.0/jobs/ingest\",\"format\":"
                     "\"bulk\",\"job_size\":20,\"poll_ms\":20,"
                     "\"poll_max_ms\":100,\"external_id_field\":"
                     "\"source_lead_id__c\"},\"retry\":{\"max_retries\":2,"
                     "\"backoff_ms\":1,\"jitter\":false}}",
                     sim.proc.url);
    clienttest_write_buyer(&c, b, CLIENTTEST_REST_MAPPING, NULL);
}

static struct path paths[] = {
    {.name = "web-to-lead with a budget",
     .buyer = w2l_buyer,
     .leads = 60,
     .budget = 40,
     .via = W2L_PATH},
    {.name = "REST create",
     .buyer = rest_create_buyer,
     .leads = 60,
     .via = "/services/data"},
    {.name = "REST upsert",
     .buyer = rest_upsert_buyer,
     .leads = 60,
     .no_doubles = 1,
     .via = "/services/data"},
    {.name = "Collections upsert",
     .buyer = collection_buyer,
     .leads = 60,
     .no_doubles = 1,
     .via = "/services/data"},
    {.name = "Bulk API 2.0",
     .buyer = bulk_buyer,
     .leads = 60,
     .no_doubles = 1,
     .bulk = 1,
     .via = "/services/data"},
};

/* Starts sfdeliver on the command-line interface, stderr to client.err
 * (unless err_fd), with a file size limit when fsize_limit > 0. */
static pid_t
launch(int resume, long fsize_limit, int err_fd)
{
    return clienttest_launch(&c, &(struct clienttest_run){
                                     .resume = resume,
                                     .fsize_limit = fsize_limit,
                                     .err_fd = err_fd,
                                     .quiet = 1,
                                 });
}

/* Runs sfdeliver to its end; exit status 0 required. Its run time. */
static int64_t
run_to_end(int resume)
{
    int64_t t0 = mono_ms();
    int status = clienttest_wait(launch(resume, 0, -1));

    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("sfdeliver exited with status 0x%x (see %s)", status, c.err);
    return mono_ms() - t0;
}

static const char *
str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Leads of a round with a settled (not held) outcome so far. */
static int
settled(void)
{
    json_t *lines = clienttest_outcome_lines(&c), *o;
    size_t i;
    int n = 0;

    json_array_foreach(lines, i, o)
        n += strcmp(str(o, "outcome"), "held") != 0;
    json_decref(lines);
    return n;
}

/* The sim's records of Lead, counted per source_lead_id__c. */
static json_t *
stored_ids(struct figures *f)
{
    json_t *recs = simtest_admin(&sim, "GET", "/__sim/records/Lead", NULL),
           *rec;
    json_t *ids = json_object();
    size_t i;

    json_array_foreach(recs, i, rec) {
        const char *id = str(rec, "source_lead_id__c");
        json_int_t k;

        assert_non_null(id);
        k = json_integer_value(json_object_get(ids, id));
        json_object_set_new(ids, id, json_integer(k + 1));
        f->doubles += k > 0;
        f->stored++;
    }
    json_decref(recs);
    return ids;
}

/* Web-to-Lead posts the sim counted: its window and its journal. */
static void
check_budget(const struct path *p, struct figures *f)
{
    json_t *w = simtest_admin(&sim, "GET", "/__sim/webtolead", NULL);
    long used = (long)json_integer_value(json_object_get(w, "used"));
    long posts = (long)simtest_journal_count(
        &sim, &(struct simtest_match){.path = W2L_PATH, .status = 200});

    json_decref(w);
    f->posts += posts;
    if (used > f->max_used)
        f->max_used = used;
    if (used > p->budget || posts > p->budget)
        fail_msg("%s: budget %d OVERSPENT: the sim counted %ld posts in its "
                 "window, its journal shows %ld",
                 p->name, p->budget, used, posts);
}

/*
 * Bulk: every row the sim processed (journaled as a record of its job's
 * upload) is of a different lead: a resumed run polled the job a killed
 * one had saved instead of uploading its leads again. (A job killed
 * before UploadComplete never runs; its leads go in a new job.)
 */
static void
check_bulk(const struct path *p, struct figures *f)
{
    json_t *rows = simtest_journal_find(
        &sim, &(struct simtest_match){.kind = "record",
                                      .path_prefix =
                                          "/services/data/v59.0/jobs/ingest/"});
    json_t *seen = json_object(), *e, *list;
    long st;
    size_t i;

    json_array_foreach(rows, i, e) {
        const char *id = str(json_object_get(e, "fields"), "source_lead_id__c");

        assert_non_null(id);
        if (json_object_get(seen, id) != NULL)
            fail_msg("%s: lead %s processed twice by Bulk jobs", p->name, id);
        json_object_set_new(seen, id, json_true());
    }
    f->rows += (int)json_array_size(rows);
    list = simtest_api_json(&sim, "GET", "/services/data/v59.0/jobs/ingest",
                            NULL, NULL, &st);
    assert_int_equal(st, 200);
    f->jobs += (int)json_array_size(json_object_get(list, "records"));
    json_decref(list);
    json_decref(seen);
    json_decref(rows);
}

/*
 * The round's verdict from the files and the sim: one settled outcome
 * per lead, nothing delivered that is not stored, no doubles where the
 * path promises none, no budget overspent.
 */
static void
check_round(const struct path *p, const char *prefix, struct figures *f)
{
    json_t *lines = clienttest_outcome_lines(&c), *last = json_object(), *ids,
           *o;
    char id[64];
    size_t i;

    json_array_foreach(lines, i, o) {
        const char *lead = str(o, "lead_id"), *oc = str(o, "outcome");
        json_t *prev;

        assert_non_null(lead);
        assert_non_null(oc);
        prev = json_object_get(last, lead);
        if (prev != NULL && strcmp(str(prev, "outcome"), "held") != 0)
            fail_msg("%s: lead %s has an outcome after \"%s\": \"%s\"", p->name,
                     lead, str(prev, "outcome"), oc);
        json_object_set(last, lead, o);
        f->lines++;
        f->held_lines += strcmp(oc, "held") == 0;
    }
    ids = stored_ids(f);
    for (int k = 0; k < p->leads; k++) {
        const char *oc;

        snprintf(id, sizeof(id), "%s%d", prefix, k);
        o = json_object_get(last, id);
        if (o == NULL)
            fail_msg("%s: lead %s has no outcome", p->name, id);
        oc = str(o, "outcome");
        f->delivered += strcmp(oc, "delivered") == 0;
        f->failed += strcmp(oc, "delivery_failed") == 0;
        f->held += strcmp(oc, "held") == 0;
        if (strcmp(oc, "delivered") == 0 && json_object_get(ids, id) == NULL)
            fail_msg("%s: lead %s reported delivered, but the sim has no "
                     "record of it",
                     p->name, id);
        /* Sent by a killed run that could not record it, then held (the
         * budget counted that post) or failed: stored, not reported. */
        f->unknown +=
            strcmp(oc, "delivered") != 0 && json_object_get(ids, id) != NULL;
    }
    assert_int_equal(json_object_size(last), (size_t)p->leads);
    if (p->bulk)
        check_bulk(p, f);
    if (p->no_doubles && f->doubles > 0)
        fail_msg("%s: %d leads stored twice", p->name, f->doubles);
    if (p->budget > 0)
        check_budget(p, f);
    f->leads += p->leads;
    json_decref(ids);
    json_decref(last);
    json_decref(lines);
}

/* How long a run takes: a whole one, and one with nothing left. */
static void
calibrate(struct path *p)
{
    char prefix[64];
    struct figures ignore = {0};

    reset(p->via, DELAY_MS);
    snprintf(prefix, sizeof(prefix), "cal-");
    p->buyer(p);
    clienttest_write_leads(c.leads, prefix, 0, p->leads, NULL);
    p->full_ms = run_to_end(0);
    p->start_ms = run_to_end(1);
    check_round(p, prefix, &ignore);
}

/* One round: kills SIGKILLs at random instants, each followed by a
 * resumed run, then a resumed run to the end, then the checks. */
static void
kill_round(struct path *p, int round, int kills, struct figures *f)
{
    char prefix[64];
    struct figures r = {0};
    int status;

    reset(p->via, DELAY_MS);
    snprintf(prefix, sizeof(prefix), "r%d-", round);
    p->buyer(p);
    clienttest_write_leads(c.leads, prefix, 0, p->leads, NULL);
    for (int k = 0; k < kills; k++) {
        /* Over the time this run should take, from what is left. */
        int64_t left = p->leads - settled();
        int64_t span = p->start_ms +
                       (p->full_ms - p->start_ms) * left / p->leads * 6 / 5 + 2;
        uint64_t us =
            rng_next() % (uint64_t)((span * 1000 >> p->span_shift) + 1);
        struct timespec ts = {(time_t)(us / 1000000),
                              (long)(us % 1000000) * 1000};
        pid_t pid = launch(k > 0, 0, -1);

        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            r.kills++;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            r.missed++; /* it finished first */
        else
            fail_msg("%s: sfdeliver exited with status 0x%x before the kill "
                     "(see %s)",
                     p->name, status, c.err);
    }
    run_to_end(1);
    check_round(p, prefix, &r);
    r.rounds = 1;
    f->rounds += r.rounds;
    f->kills += r.kills;
    f->missed += r.missed;
    f->leads += r.leads;
    f->lines += r.lines;
    f->held_lines += r.held_lines;
    f->delivered += r.delivered;
    f->failed += r.failed;
    f->held += r.held;
    f->doubles += r.doubles;
    f->stored += r.stored;
    f->unknown += r.unknown;
    f->rows += r.rows;
    f->jobs += r.jobs;
    f->posts += r.posts;
    if (r.max_used > f->max_used)
        f->max_used = r.max_used;
}

static void
kill_path(struct path *p)
{
    int total = env_int("SFDELIVER_KILLS", KILLS_PER_ROUND);
    int64_t t0 = mono_ms();
    struct figures f = {0};
    int round = 0;

    p->span_shift = 0;
    calibrate(p);
    for (int done = 0; done < total; round++) {
        int k = total - done < KILLS_PER_ROUND ? total - done : KILLS_PER_ROUND;

        kill_round(p, round, k, &f);
        done += k;
    }
    for (p->span_shift = 1; f.kills == 0 && p->span_shift <= EXTRA_ROUNDS;
         p->span_shift++)
        kill_round(p, round++, KILLS_PER_ROUND, &f);
    print_message(
        "%s: %d SIGKILLs (%d hit a running sfdeliver, %d came after it had "
        "finished) in %d rounds; %d leads, %d outcome lines (%d held, sent "
        "again on resume); final: %d delivered, %d delivery_failed, %d held "
        "(%d of those stored: sent by a killed run); %d records, %d doubles; "
        "%s; whole run %.1f s (a run: %lld ms whole, %lld ms with nothing to "
        "send)\n",
        p->name, f.kills + f.missed, f.kills, f.missed, f.rounds, f.leads,
        f.lines, f.held_lines, f.delivered, f.failed, f.held, f.unknown,
        f.stored, f.doubles,
        p->budget > 0 ? "budget never overspent"
                      : "no budget (not Web-to-Lead)",
        (double)(mono_ms() - t0) / 1000.0, (long long)p->full_ms,
        (long long)p->start_ms);
    if (p->bulk)
        print_message("%s: %d rows processed by %d jobs, none twice (a "
                      "resumed run polls the saved job; an Open job killed "
                      "before UploadComplete never runs)\n",
                      p->name, f.rows, f.jobs);
    if (p->budget > 0)
        print_message("%s: budget %d per round; most posts the sim counted "
                      "in one round: %ld; journal posts over all rounds: "
                      "%ld\n",
                      p->name, p->budget, f.max_used, f.posts);
    /* Kills that all came too late would prove nothing. */
    assert_true(f.kills >= 1);
}

static void
test_kill_w2l_budget(void **state)
{
    (void)state;
    kill_path(&paths[0]);
}

static void
test_kill_rest_create(void **state)
{
    (void)state;
    kill_path(&paths[1]);
}

static void
test_kill_rest_upsert(void **state)
{
    (void)state;
    kill_path(&paths[2]);
}

static void
test_kill_collection_upsert(void **state)
{
    (void)state;
    kill_path(&paths[3]);
}

static void
test_kill_bulk(void **state)
{
    (void)state;
    kill_path(&paths[4]);
}

/* The journal's Web-to-Lead posts so far. */
static long
w2l_posts(void)
{
    return (long)simtest_journal_count(
        &sim, &(struct simtest_match){.path = W2L_PATH});
}

/* Waits (at most ms) until the journal shows n Web-to-Lead posts. */
static long
await_posts(long n, int64_t ms)
{
    struct timespec ts = {0, 2 * 1000 * 1000};
    int64_t end = mono_ms() + ms;
    long k;

    while ((k = w2l_posts()) < n && mono_ms() < end)
        nanosleep(&ts, NULL);
    return k;
}

/*
 * Runs sfdeliver (one connection) until the sim has `posted` Web-to-Lead
 * posts while it holds in flight the lead whose last name is held_last
 * (for 1.5 s), and kills it then: well within its first second.
 */
static void
kill_while_held(const char *held_last, long posted)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    char rule[256];
    int status;
    pid_t pid;

    snprintf(rule, sizeof(rule),
             "{\"path\":\"" W2L_PATH "\",\"action\":\"delay\","
             "\"delay_ms\":1500,\"field\":\"last_name\",\"value\":\"%s\","
             "\"times\":1}",
             held_last);
    json_decref(simtest_admin(&sim, "POST", "/__sim/faults", rule));
    pid = launch(0, 0, -1);
    assert_int_equal(await_posts(posted, 30000), posted);
    /* The next post is on its way, or held by the sim. */
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
}

/*
 * The case, made deterministic: the budget's last post is held in
 * flight by the sim when sfdeliver is killed, well within its first second
 * (when the previous version had not saved its count yet). The resumed
 * run must hold every lead left: the posts of the killed run are counted.
 */
static void
test_kill_at_budget_edge(void **state)
{
    struct path p = {
        .name = "web-to-lead, budget 5",
        .budget = 5,
        .leads = 8,
        /* One connection: the fifth lead goes once the fourth is done. */
        .concurrency = 1};
    struct figures f = {0};

    (void)state;
    reset(NULL, 0);
    w2l_buyer(&p);
    clienttest_write_leads(c.leads, "edge-", 0, p.leads, NULL);
    kill_while_held("Last4", 4);
    run_to_end(1);
    check_round(&p, "edge-", &f);
    assert_int_equal(f.delivered, 4);
    assert_int_equal(f.held, 4);
    /* The held post lands (or is dropped) before the next test resets. */
    await_posts(5, 5000);
}

/*
 * The dedup history is saved once a second, so a kill loses the keys of
 * the leads sent just before it. --resume skips those leads (they are
 * final) but must still hold their duplicates: lead dd-2 is sent, the run
 * is killed within its first second while dd-3 is held in flight, and
 * dd-6, a duplicate of dd-2, must come out "duplicate", not delivered.
 */
static void
test_kill_keeps_dedup_history(void **state)
{
    struct path p = {.name = "web-to-lead, dedup",
                     .budget = 100,
                     .leads = 7,
                     .concurrency = 1,
                     /* Dedup on the last name. */
                     .extra = "{\"dedup\":{\"fields\":[\"last\"]}}"};
    static const char *const last[] = {"Other0", "Other1", "Same", "Other3",
                                       "Other4", "Other5", "Same"};
    struct figures f = {0};
    json_t *lines, *o, *last_line = NULL;
    size_t i;
    FILE *fp;

    (void)state;
    reset(NULL, 0);
    w2l_buyer(&p);
    fp = fopen(c.leads, "w");
    assert_non_null(fp);
    for (i = 0; i < 7; i++)
        fprintf(fp,
                "{\"id\":\"dd-%zu\",\"last\":\"%s\",\"company\":"
                "\"Co\"}\n",
                i, last[i]);
    fclose(fp);
    kill_while_held("Other3", 3);
    run_to_end(1);
    check_round(&p, "dd-", &f);
    lines = clienttest_outcome_lines(&c);
    json_array_foreach(lines, i, o) {
        if (strcmp(str(o, "lead_id"), "dd-6") == 0)
            last_line = o;
    }
    assert_non_null(last_line);
    assert_string_equal(str(last_line, "outcome"), "duplicate");
    assert_non_null(strstr(str(last_line, "reason"), "duplicate of lead dd-2"));
    json_decref(lines);
    await_posts(7, 5000);
}

/* The text of fd until its end (a pipe). */
static char *
read_all(int fd)
{
    size_t len = 0, cap = 4096;
    char *s = malloc(cap);
    ssize_t n;

    assert_non_null(s);
    while ((n = read(fd, s + len, cap - len - 1)) != 0) {
        if (n == -1 && errno == EINTR)
            continue;
        assert_true(n > 0);
        len += (size_t)n;
        if (cap - len < 2) {
            cap *= 2;
            s = realloc(s, cap);
            assert_non_null(s);
        }
    }
    s[len] = '\0';
    return s;
}

static int
count_of(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/*
 * Runs sfdeliver to its end with stderr captured; it must exit 1, having
 * said once that it stopped sending. Its stderr (caller frees).
 */
static char *
run_stopped(long fsize_limit)
{
    int fds[2], status;
    char *err;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    pid = launch(0, fsize_limit, fds[1]);
    close(fds[1]);
    err = read_all(fds[0]);
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
        fail_msg("want exit status 1, got 0x%x; stderr:\n%s", status, err);
    assert_int_equal(count_of(err, "sending stopped; the leads not sent are "
                                   "held for --resume"),
                     1);
    assert_non_null(strstr(err, "sending STOPPED"));
    return err;
}

/*
 * A full disk (a file size limit of 2 KiB on the client): the outcomes
 * file fills after about 30 lines. sfdeliver must stop sending there, say
 * so once, leave whole lines only, and report the leads it sent whose
 * outcomes are not in the file; a later --resume finishes the rest.
 */
static void
test_full_disk(void **state)
{
    struct path p = {
        .name = "REST upsert, full disk", .leads = 100, .no_doubles = 1};
    char *err, *sent_at, *lost;
    struct figures f = {0};
    json_t *lines, *o, *ids, *reported = json_object();
    int written_delivered = 0, nsent = 0;
    size_t i;

    (void)state;
    reset(NULL, 0);
    rest_upsert_buyer(&p);
    clienttest_write_leads(c.leads, "full-", 0, p.leads, NULL);
    err = run_stopped(2048);
    /* The summary repeats the reason, twice. */
    assert_true(count_of(err, "File too large") <= 3);
    assert_non_null(strstr(err, "OUTCOMES NOT RECORDED"));

    /* Whole lines only, and what is in the file is true. */
    lines = clienttest_outcome_lines(&c);
    assert_true(json_array_size(lines) > 0);
    json_array_foreach(lines, i, o) {
        assert_string_equal(str(o, "outcome"), "delivered");
        written_delivered++;
    }
    /* The sent leads with no line are listed, one JSON line each. */
    sent_at = strstr(err, "of them are of leads that WERE SENT");
    ids = stored_ids(&f);
    if ((int)json_object_size(ids) > written_delivered) {
        assert_non_null(sent_at);
        lost = strchr(sent_at, '\n') + 1;
        while (*lost == '{') {
            char *nl = strchr(lost, '\n');

            o = json_loadb(lost, (size_t)(nl - lost), 0, NULL);
            assert_non_null(o);
            assert_non_null(json_object_get(ids, str(o, "lead_id")));
            json_object_set_new(reported, str(o, "lead_id"), json_true());
            json_decref(o);
            nsent++;
            lost = nl + 1;
        }
    }
    /* Every stored lead is in the file or in that list; and sending
     * stopped at the failure: at most two loop turns of leads in flight
     * (4 connections) went out after the last line written. */
    assert_int_equal(written_delivered + nsent, (int)json_object_size(ids));
    print_message("full disk: %d outcome lines written, %d leads sent with "
                  "no line (reported), %d of %d leads not sent (held for "
                  "--resume)\n",
                  written_delivered, nsent,
                  p.leads - (int)json_object_size(ids), p.leads);
    assert_true(nsent <= 2 * 4);
    assert_true((int)json_object_size(ids) < p.leads);
    json_decref(ids);
    json_decref(lines);
    json_decref(reported);
    free(err);

    /* With room again, --resume finishes every lead, none twice. */
    run_to_end(1);
    memset(&f, 0, sizeof(f));
    check_round(&p, "full-", &f);
    assert_int_equal(f.delivered, p.leads);
    assert_int_equal(f.stored, p.leads);
}

/*
 * A Web-to-Lead budget file that cannot be written (here: a directory
 * stands in its place): no post may go out uncounted. The run stops
 * before its first post, holds every lead, says so once, exits 1.
 */
static void
test_budget_unwritable(void **state)
{
    struct path p = {.name = "web-to-lead, budget file unwritable",
                     .budget = 40,
                     .leads = 10};
    char dir[CLIENTTEST_PATH_MAX], *err;
    struct figures f = {0};
    json_t *lines, *o;
    size_t i;

    (void)state;
    reset(NULL, 0);
    w2l_buyer(&p);
    clienttest_write_leads(c.leads, "nb-", 0, p.leads, NULL);
    clienttest_path(&c, "state", dir, sizeof(dir));
    assert_int_equal(mkdir(dir, 0700), 0);
    clienttest_path(&c, "state/w2l-00D000000000001.json", dir, sizeof(dir));
    assert_int_equal(mkdir(dir, 0700), 0);
    err = run_stopped(0);
    assert_non_null(strstr(err, "cannot write the Web-to-Lead budget file"));
    assert_int_equal(w2l_posts(), 0);
    check_round(&p, "nb-", &f);
    assert_int_equal(f.held, p.leads);
    lines = clienttest_outcome_lines(&c);
    json_array_foreach(lines, i, o) {
        const char *reason = str(o, "reason");

        assert_true(strcmp(reason, "state") == 0 ||
                    strcmp(reason, "stopped") == 0);
    }
    json_decref(lines);
    free(err);
    assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_at_budget_edge),
        cmocka_unit_test(test_kill_keeps_dedup_history),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_budget_unwritable),
        cmocka_unit_test(test_kill_w2l_budget),
        cmocka_unit_test(test_kill_rest_create),
        cmocka_unit_test(test_kill_rest_upsert),
        cmocka_unit_test(test_kill_collection_upsert),
        cmocka_unit_test(test_kill_bulk),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
