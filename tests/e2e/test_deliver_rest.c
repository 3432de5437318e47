/*
 * test_deliver_rest.c - sfdeliver against the real sfsim over the
 * authenticated REST API: Lead creation with a Bearer token minted through
 * /__sim/tokens; a token that expires between or during runs (refresh at
 * auth.token_url, the same lead retried, the 401 not counted as a retry,
 * one refresh shared by concurrent 401s); a refresh that fails (every
 * remaining lead held, none burned); the seed's "paused, then resumed
 * after the token expired"; the refresh ahead of the session timeout, at
 * start and mid-run; upsert by external id; and SIGKILL at several points
 * followed by --resume (every lead exactly one final outcome, none created
 * twice).
 *
 * The org is fixtures/orgs/custom-fields.json (a frozen clock, and the
 * external-id field source_lead_id__c). Nothing here asserts on wall-clock
 * time: waits are bounded polls, and the one test that needs time to pass
 * gets it from a Retry-After the client must honour.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "simtest.h"

#define LEAD_PATH "/services/data/v59.0/sobjects/Lead/"
#define TOKEN_PATH "/services/oauth2/token"

struct fx {
    struct simtest sim;
    char dir[64];
    char access[256], refresh[256];
};

static struct fx fx;

static int
group_setup(void **state)
{
    const char *args[] = {"--org", NULL, NULL};

    (void)state;
    args[1] = simtest_fixture("orgs/custom-fields.json");
    simtest_start(&fx.sim, args);
    snprintf(fx.dir, sizeof(fx.dir), "/tmp/sfdeliver-rest-XXXXXX");
    return mkdtemp(fx.dir) != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx.dir);
    if (system(cmd) != 0)
        return -1;
    return simtest_stop(&fx.sim) == 0 ? 0 : -1;
}

static json_t *
admin(const char *method, const char *path, const char *body)
{
    long status = 0;
    json_t *j = httpc_send_json(fx.sim.http, method, path, body, &status);

    assert_true(status >= 200 && status < 300);
    return j;
}

static void
path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", fx.dir, name);
}

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Forgets records, journal, outcomes and state; mints a fresh token pair. */
static unsigned long long
reset(void)
{
    char cmd[256];
    json_t *j = admin("POST", "/__sim/reset", NULL), *t;

    json_decref(j);
    snprintf(cmd, sizeof(cmd), "rm -rf %s/state %s/outcomes.ndjson %s/log",
             fx.dir, fx.dir, fx.dir);
    assert_int_equal(system(cmd), 0);
    t = admin("POST", "/__sim/tokens", "{}");
    snprintf(fx.access, sizeof(fx.access), "%s",
             json_string_value(json_object_get(t, "access_token")));
    snprintf(fx.refresh, sizeof(fx.refresh), "%s",
             json_string_value(json_object_get(t, "refresh_token")));
    assert_true(fx.access[0] != '\0' && fx.refresh[0] != '\0');
    json_decref(t);
    /* Admin calls are not journaled, so seq 0 is the start. */
    return 0;
}

/*
 * A REST buyer. extra_delivery and extra are spliced into the delivery
 * object and the top level (each empty or starting with a comma).
 */
static void
make_buyer(char *path, size_t n, const char *extra_delivery, const char *extra)
{
    char text[4096];

    path_in(path, n, "buyer.json");
    snprintf(text, sizeof(text),
             "{\"name\":\"rest\",\"delivery\":{\"url\":\"%s" LEAD_PATH "\","
             "\"content_type\":\"application/json\",\"headers\":"
             "{\"Authorization\":\"Bearer %s\"}%s},"
             "\"mapping\":{\"id\":\"source_lead_id__c\",\"last\":"
             "\"LastName\",\"company\":\"Company\"},"
             "\"auth\":{\"token_url\":\"%s" TOKEN_PATH "\",\"client_id\":"
             "\"sfsim-client-id\",\"client_secret\":\"sfsim-client-secret\","
             "\"refresh_token\":\"%s\"},"
             "\"retry\":{\"max_retries\":0,\"backoff_ms\":1,\"jitter\":false}"
             "%s}",
             fx.sim.proc.url, fx.access, extra_delivery, fx.sim.proc.url,
             fx.refresh, extra);
    write_file(path, text);
}

static void
write_leads(const char *path, const char *prefix, int from, int to)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    for (int i = from; i < to; i++)
        fprintf(fp,
                "{\"id\":\"%s%d\",\"last\":\"Last%d\",\"company\":\"Co\"}\n",
                prefix, i, i);
    fclose(fp);
}

static const char *
sim_now(char *out, size_t n)
{
    json_t *c = admin("GET", "/__sim/clock", NULL);

    snprintf(out, n, "%s", json_string_value(json_object_get(c, "now")));
    json_decref(c);
    return out;
}

/* Starts sfdeliver with the command-line interface; its pid. */
static pid_t
spawn_client(const char *buyer, const char *leads, int concurrency, int resume)
{
    const char *bin = getenv("SFDELIVER");
    char out[128], st[128], log[128], now[64], conc[16];
    pid_t pid;

    if (bin == NULL)
        bin = "client/sfdeliver";
    path_in(out, sizeof(out), "outcomes.ndjson");
    path_in(st, sizeof(st), "state");
    path_in(log, sizeof(log), "log");
    sim_now(now, sizeof(now));
    snprintf(conc, sizeof(conc), "%d", concurrency);
    pid = fork();
    assert_true(pid != -1);
    if (pid == 0) {
        char errlog[128];
        int fd;

        /* The summary is not under test: it goes to client.err in the
         * test directory (sanitizer reports too, and they fail the exit
         * status checks), unless SFDELIVER_TEST_VERBOSE is set. */
        path_in(errlog, sizeof(errlog), "client.err");
        fd = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd != -1 && getenv("SFDELIVER_TEST_VERBOSE") == NULL)
            dup2(fd, STDERR_FILENO);
        if (resume)
            execl(bin, bin, "--buyer", buyer, "--leads", leads, "--outcomes",
                  out, "--state", st, "--log", log, "--now", now,
                  "--concurrency", conc, "--resume", (char *)NULL);
        else
            execl(bin, bin, "--buyer", buyer, "--leads", leads, "--outcomes",
                  out, "--state", st, "--log", log, "--now", now,
                  "--concurrency", conc, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int
run_client(const char *buyer, const char *leads, int concurrency)
{
    int status;
    pid_t pid = spawn_client(buyer, leads, concurrency, 0);

    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Every outcome line, parsed (torn lines skipped); a new array. */
static json_t *
outcome_lines(void)
{
    char path[128], *line = NULL;
    size_t cap = 0;
    json_t *all = json_array();
    FILE *fp;

    path_in(path, sizeof(path), "outcomes.ndjson");
    fp = fopen(path, "r");
    if (fp == NULL)
        return all;
    while (getline(&line, &cap, fp) != -1) {
        json_t *o = json_loads(line, 0, NULL);

        if (o != NULL)
            json_array_append_new(all, o);
    }
    free(line);
    fclose(fp);
    return all;
}

/* {lead_id: last line}. */
static json_t *
outcomes(void)
{
    json_t *lines = outcome_lines(), *by_id = json_object(), *o;
    size_t i;

    json_array_foreach(lines, i, o)
    {
        json_object_set(by_id, json_string_value(json_object_get(o, "lead_id")),
                        o);
    }
    json_decref(lines);
    return by_id;
}

static const char *
field(json_t *all, const char *id, const char *key)
{
    return json_string_value(json_object_get(json_object_get(all, id), key));
}

static long long
ifield(json_t *all, const char *id, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(all, id), key));
}

/* Journal entries on path (exact), optionally with a status. */
static size_t
journal_count(const char *path, long status)
{
    json_t *j = simtest_journal(&fx.sim, 0), *e;
    size_t i, n = 0;

    json_array_foreach(j, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));

        if (p != NULL && strcmp(p, path) == 0 &&
            (status == 0 ||
             json_integer_value(json_object_get(e, "status")) == status))
            n++;
    }
    json_decref(j);
    return n;
}

/* Journal entries whose path starts with prefix and have status. */
static size_t
journal_prefix_status(const char *prefix, long status)
{
    json_t *j = simtest_journal(&fx.sim, 0), *e;
    size_t i, n = 0;

    json_array_foreach(j, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));

        if (p != NULL && strncmp(p, prefix, strlen(prefix)) == 0 &&
            json_integer_value(json_object_get(e, "status")) == status)
            n++;
    }
    json_decref(j);
    return n;
}

static void
expire_all(void)
{
    json_t *j = admin("POST", "/__sim/tokens/expire", "{}");

    json_decref(j);
}

static void
assert_all(json_t *all, const char *prefix, int n, const char *outcome)
{
    char id[64];

    assert_int_equal(json_object_size(all), (size_t)n);
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "%s%d", prefix, i);
        assert_non_null(field(all, id, "outcome"));
        assert_string_equal(field(all, id, "outcome"), outcome);
    }
}

/* A valid token: every lead created once, no token request. */
static void
test_create_with_bearer(void **state)
{
    char buyer[128], leads[128];
    json_t *all;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), "", "");
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "a", 0, 5);
    assert_int_equal(run_client(buyer, leads, 4), 0);
    all = outcomes();
    assert_all(all, "a", 5, "delivered");
    assert_int_equal(ifield(all, "a0", "attempts"), 1);
    assert_int_equal(ifield(all, "a0", "status"), 201);
    json_decref(all);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 5);
    assert_int_equal(journal_count(TOKEN_PATH, 0), 0);
}

/*
 * The token dies before the run: the first wave of concurrent sends all
 * get 401, one refresh serves them all, and each lead goes again. With
 * retry.max_retries 0 a 401 that consumed a retry would fail the lead.
 */
static void
test_expired_token_one_shared_refresh(void **state)
{
    char buyer[128], leads[128], id[16];
    json_t *all;
    int retried = 0;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), "", "");
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "x", 0, 40);
    expire_all();
    assert_int_equal(run_client(buyer, leads, 8), 0);
    all = outcomes();
    assert_all(all, "x", 40, "delivered");
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof(id), "x%d", i);
        assert_true(ifield(all, id, "attempts") <= 2);
        retried += ifield(all, id, "attempts") == 2;
    }
    json_decref(all);
    assert_true(retried >= 1);
    assert_int_equal(journal_count(TOKEN_PATH, 200), 1);
    assert_int_equal(journal_count(TOKEN_PATH, 0), 1);
    assert_int_equal((size_t)retried, journal_prefix_status(LEAD_PATH, 401));
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 40);
}

/* Expiry between two runs: the refreshed token is kept in the state dir,
 * so the third run needs no refresh at all. */
static void
test_expiry_between_runs_token_persisted(void **state)
{
    char buyer[128], leads[128];
    json_t *all;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), "", "");
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "p", 0, 3);
    assert_int_equal(run_client(buyer, leads, 2), 0);
    expire_all();
    write_leads(leads, "q", 0, 3);
    assert_int_equal(run_client(buyer, leads, 2), 0);
    assert_int_equal(journal_count(TOKEN_PATH, 200), 1);
    write_leads(leads, "r", 0, 3);
    assert_int_equal(run_client(buyer, leads, 2), 0);
    assert_int_equal(journal_count(TOKEN_PATH, 0), 1);
    all = outcomes();
    assert_string_equal(field(all, "q2", "outcome"), "delivered");
    assert_string_equal(field(all, "r2", "outcome"), "delivered");
    json_decref(all);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 9);
}

/* A refresh that fails pauses the buyer: everything left is held with the
 * reason, nothing is burned as delivery_failed, nothing is created. */
static void
test_failed_refresh_holds(void **state)
{
    char buyer[128], leads[128], form[400], id[16];
    struct http_result r;
    json_t *all;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), "", "");
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "h", 0, 12);
    snprintf(form, sizeof(form), "token=%s", fx.refresh);
    assert_int_equal(
        httpc_post_form(fx.sim.http, "/services/oauth2/revoke", form, &r), 200);
    http_result_free(&r);
    expire_all();
    assert_int_equal(run_client(buyer, leads, 4), 0);
    all = outcomes();
    assert_all(all, "h", 12, "held");
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof(id), "h%d", i);
        assert_string_equal(field(all, id, "reason"), "auth");
        assert_non_null(strstr(field(all, id, "error"), "token refresh"));
        assert_true(ifield(all, id, "attempts") <= 1);
    }
    json_decref(all);
    assert_int_equal(journal_count(TOKEN_PATH, 0), 1);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 0);
}

/*
 * The seed page: a paused buyer holds its leads; three days later, long
 * after the session timed out, it is resumed. The client knows when the
 * token was last used and refreshes before sending: no 401 at all.
 */
static void
test_paused_then_resumed_after_expiry(void **state)
{
    char buyer[128], leads[128];
    json_t *all, *c;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), "", "");
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "w", 0, 1);
    assert_int_equal(run_client(buyer, leads, 2), 0);

    make_buyer(buyer, sizeof(buyer), "", ",\"paused\":true");
    write_leads(leads, "s", 0, 6);
    assert_int_equal(run_client(buyer, leads, 2), 0);
    all = outcomes();
    for (int i = 0; i < 6; i++) {
        char id[16];

        snprintf(id, sizeof(id), "s%d", i);
        assert_string_equal(field(all, id, "outcome"), "held");
        assert_int_equal(ifield(all, id, "attempts"), 0);
    }
    json_decref(all);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 1);

    c = admin("POST", "/__sim/clock", "{\"advance_seconds\":259200}");
    json_decref(c);
    make_buyer(buyer, sizeof(buyer), "", "");
    assert_int_equal(run_client(buyer, leads, 2), 0);
    all = outcomes();
    for (int i = 0; i < 6; i++) {
        char id[16];

        snprintf(id, sizeof(id), "s%d", i);
        assert_string_equal(field(all, id, "outcome"), "delivered");
        assert_int_equal(ifield(all, id, "attempts"), 1);
    }
    json_decref(all);
    assert_int_equal(journal_count(TOKEN_PATH, 200), 1);
    assert_int_equal(journal_prefix_status(LEAD_PATH, 401), 0);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 7);
}

/* The same with no history of the token: the first send learns it is
 * dead (401), one refresh, and the leads go through. */
static void
test_resumed_with_unknown_token_age(void **state)
{
    char buyer[128], leads[128];
    json_t *all, *c;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), "", ",\"paused\":true");
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "u", 0, 4);
    assert_int_equal(run_client(buyer, leads, 2), 0);
    c = admin("POST", "/__sim/clock", "{\"advance_seconds\":259200}");
    json_decref(c);
    make_buyer(buyer, sizeof(buyer), "", "");
    assert_int_equal(run_client(buyer, leads, 2), 0);
    all = outcomes();
    assert_all(all, "u", 4, "delivered");
    json_decref(all);
    assert_int_equal(journal_count(TOKEN_PATH, 200), 1);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 4);
}

static int
faults_available(void)
{
    long status = 0;
    json_t *j = httpc_get_json(fx.sim.http, "/__sim/faults", &status);

    json_decref(j);
    return status == 200;
}

/*
 * Mid-run refresh ahead of the session timeout. The buyer says the org's
 * sessions last 60 s and to refresh 59 s early, i.e. after 1 s idle. The
 * first lead gets 503 with Retry-After: 2, so the client must sit idle for
 * at least 2 s before its retry; by then the token counts as stale and is
 * refreshed before that send, although it still works (no 401 anywhere).
 */
static void
test_midrun_refresh_before_timeout(void **state)
{
    char buyer[128], leads[128];
    json_t *all, *f;

    (void)state;
    reset();
    if (!faults_available())
        skip();
    f = admin("POST", "/__sim/faults",
              "{\"method\":\"POST\",\"path\":\"" LEAD_PATH "\",\"action\":"
              "\"status\",\"status\":503,\"retry_after\":2,\"times\":1}");
    json_decref(f);
    path_in(buyer, sizeof(buyer), "buyer.json");
    {
        char text[4096];

        snprintf(text, sizeof(text),
                 "{\"delivery\":{\"url\":\"%s" LEAD_PATH "\","
                 "\"content_type\":\"application/json\",\"headers\":"
                 "{\"Authorization\":\"Bearer %s\"}},"
                 "\"mapping\":{\"id\":\"source_lead_id__c\",\"last\":"
                 "\"LastName\",\"company\":\"Company\"},"
                 "\"auth\":{\"token_url\":\"%s" TOKEN_PATH "\",\"client_id\":"
                 "\"sfsim-client-id\",\"client_secret\":"
                 "\"sfsim-client-secret\",\"refresh_token\":\"%s\","
                 "\"session_timeout_seconds\":60,"
                 "\"refresh_margin_seconds\":59},"
                 "\"retry\":{\"max_retries\":2,\"backoff_ms\":1,"
                 "\"jitter\":false}}",
                 fx.sim.proc.url, fx.access, fx.sim.proc.url, fx.refresh);
        write_file(buyer, text);
    }
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "m", 0, 2);
    assert_int_equal(run_client(buyer, leads, 1), 0);
    all = outcomes();
    assert_all(all, "m", 2, "delivered");
    assert_int_equal(ifield(all, "m0", "attempts"), 2);
    json_decref(all);
    assert_true(journal_count(TOKEN_PATH, 200) >= 1);
    assert_int_equal(journal_prefix_status(LEAD_PATH, 401), 0);
    f = admin("DELETE", "/__sim/faults", NULL);
    json_decref(f);
}

/* Upsert by the external id: sending the same leads again updates. */
static void
test_upsert_not_duplicated(void **state)
{
    char buyer[128], leads[128], cmd[256];
    json_t *all;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer),
               ",\"external_id_field\":\"source_lead_id__c\"", "");
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "e", 0, 5);
    assert_int_equal(run_client(buyer, leads, 3), 0);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 5);
    /* The same leads again, as a crash that lost the outcomes would. */
    snprintf(cmd, sizeof(cmd), "rm -f %s/outcomes.ndjson", fx.dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(run_client(buyer, leads, 3), 0);
    all = outcomes();
    assert_all(all, "e", 5, "delivered");
    json_decref(all);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 5);
    assert_int_equal(journal_prefix_status(LEAD_PATH, 201), 5);
    assert_int_equal(journal_prefix_status(LEAD_PATH, 200), 5);
}

/* A lead its request cannot be built for (an upsert without its external
 * id value) is delivery_failed with reason "payload", never sent; the
 * others go on. (Requests are built on the lead reader's thread.) */
static void
test_payload_error_is_reported(void **state)
{
    char buyer[128], leads[128];
    json_t *all;
    FILE *fp;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer),
               ",\"external_id_field\":\"source_lead_id__c\","
               "\"external_id_from\":\"ext\"",
               "");
    path_in(leads, sizeof(leads), "leads.ndjson");
    fp = fopen(leads, "w");
    assert_non_null(fp);
    for (int i = 0; i < 50; i++)
        if (i == 17)
            fprintf(fp,
                    "{\"id\":\"p%d\",\"last\":\"L\",\"company\":"
                    "\"Co\"}\n",
                    i);
        else
            fprintf(fp,
                    "{\"id\":\"p%d\",\"ext\":\"X%d\",\"last\":\"L\","
                    "\"company\":\"Co\"}\n",
                    i, i);
    fclose(fp);
    assert_int_equal(run_client(buyer, leads, 4), 0);
    all = outcomes();
    assert_int_equal(json_object_size(all), 50);
    assert_string_equal(field(all, "p17", "outcome"), "delivery_failed");
    assert_string_equal(field(all, "p17", "reason"), "payload");
    assert_int_equal(ifield(all, "p17", "attempts"), 0);
    assert_non_null(strstr(field(all, "p17", "error"), "external id"));
    assert_string_equal(field(all, "p16", "outcome"), "delivered");
    assert_string_equal(field(all, "p18", "outcome"), "delivered");
    json_decref(all);
    assert_int_equal(simtest_count(&fx.sim, "Lead"), 49);
}

/* Lines in the outcomes file (complete ones). */
static size_t
outcome_line_count(void)
{
    char path[128];
    size_t n = 0;
    int c;
    FILE *fp;

    path_in(path, sizeof(path), "outcomes.ndjson");
    fp = fopen(path, "r");
    if (fp == NULL)
        return 0;
    while ((c = getc(fp)) != EOF)
        n += c == '\n';
    fclose(fp);
    return n;
}

/* Waits (bounded, about 60 s at most) until the outcomes file has k
 * lines or pid has exited; 1 if pid is still running. */
static int
wait_lines(pid_t pid, size_t k)
{
    struct timespec ts = {0, 200 * 1000};

    for (long i = 0; i < 300000; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return 0;
        if (outcome_line_count() >= k)
            return 1;
        nanosleep(&ts, NULL);
    }
    return 1;
}

/*
 * 2,000 leads, SIGKILL at several points, --resume each time: across the
 * whole outcomes file every lead has exactly one final outcome, and the
 * org holds exactly one record per lead (upsert by external id makes the
 * resend of an unrecorded lead harmless).
 */
static void
test_kill_and_resume(void **state)
{
    static const size_t kill_at[] = {50, 500, 1100, 1700};
    const int n = 2000;
    char buyer[128], leads[128];
    json_t *lines, *o, *seen, *recs, *rec;
    size_t i, kills = 0;
    int status;
    pid_t pid;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer),
               ",\"external_id_field\":\"source_lead_id__c\"", "");
    path_in(leads, sizeof(leads), "leads.ndjson");
    write_leads(leads, "k", 0, n);
    for (i = 0; i < sizeof(kill_at) / sizeof(kill_at[0]); i++) {
        pid = spawn_client(buyer, leads, 2, i > 0);
        if (wait_lines(pid, kill_at[i])) {
            kill(pid, SIGKILL);
            assert_int_equal(waitpid(pid, &status, 0), pid);
            kills += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        }
    }
    pid = spawn_client(buyer, leads, 2, 1);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* At least one kill must have hit a running client to mean anything. */
    print_message("%zu of %zu SIGKILLs hit a running sfdeliver\n", kills,
                  sizeof(kill_at) / sizeof(kill_at[0]));
    assert_true(kills >= 1);

    lines = outcome_lines();
    seen = json_object();
    json_array_foreach(lines, i, o)
    {
        const char *id = json_string_value(json_object_get(o, "lead_id"));

        assert_non_null(id);
        assert_null(json_object_get(seen, id));
        assert_string_equal(json_string_value(json_object_get(o, "outcome")),
                            "delivered");
        json_object_set_new(seen, id, json_true());
    }
    assert_int_equal(json_object_size(seen), (size_t)n);
    json_decref(lines);
    json_object_clear(seen);

    recs = admin("GET", "/__sim/records/Lead", NULL);
    assert_int_equal(json_array_size(recs), (size_t)n);
    json_array_foreach(recs, i, rec)
    {
        const char *id =
            json_string_value(json_object_get(rec, "source_lead_id__c"));

        assert_non_null(id);
        assert_null(json_object_get(seen, id));
        json_object_set_new(seen, id, json_true());
    }
    json_decref(recs);
    json_decref(seen);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_with_bearer),
        cmocka_unit_test(test_expired_token_one_shared_refresh),
        cmocka_unit_test(test_expiry_between_runs_token_persisted),
        cmocka_unit_test(test_failed_refresh_holds),
        cmocka_unit_test(test_paused_then_resumed_after_expiry),
        cmocka_unit_test(test_resumed_with_unknown_token_age),
        cmocka_unit_test(test_midrun_refresh_before_timeout),
        cmocka_unit_test(test_upsert_not_duplicated),
        cmocka_unit_test(test_payload_error_is_reported),
        cmocka_unit_test(test_kill_and_resume),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
