/*
 * test_deliver_w2l.c - sfdeliver against the real sfsim over Web-to-Lead:
 * UTF-8 delivery, outcomes file, bad input lines, the rolling 24 h budget
 * that holds leads instead of sending them into a silent drop, and the
 * reconciliation that catches the drops the budget cannot foresee (the
 * org's own forms using up the cap, reCAPTCHA): a lead Web-to-Lead
 * answered 200 for that the org's API cannot find is delivery_failed with
 * reason silently_dropped.
 *
 * Spawns $SFSIM on --port 0 (reads its listening line) and runs $SFDELIVER
 * under the SFCONFORM_* contract. A shared spawn helper will replace the
 * one here once conformance/spawn.h exists.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

struct sim {
    pid_t pid;
    char url[128];
    char dir[64];
};

static struct sim sim;

static int
sim_start(void **state)
{
    const char *bin = getenv("SFSIM");
    int fds[2];
    FILE *fp;
    char line[256];

    (void)state;
    if (bin == NULL)
        bin = "sim/sfsim";
    snprintf(sim.dir, sizeof(sim.dir), "/tmp/sfdeliver-e2e-XXXXXX");
    if (mkdtemp(sim.dir) == NULL || pipe(fds) == -1)
        return -1;
    sim.pid = fork();
    if (sim.pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(bin, bin, "--port", "0", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    fp = fdopen(fds[0], "r");
    if (fp == NULL || fgets(line, sizeof(line), fp) == NULL ||
        sscanf(line, "sfsim listening on %127s", sim.url) != 1)
        return -1;
    fclose(fp);
    return 0;
}

static int
sim_stop(void **state)
{
    char cmd[128];

    (void)state;
    kill(sim.pid, SIGTERM);
    waitpid(sim.pid, NULL, 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", sim.dir);
    return system(cmd) == 0 ? 0 : -1;
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
    return fwrite(p, size, n, arg);
}

/* method path [json body] against the sim; the parsed answer. */
static json_t *
sim_call(const char *method, const char *path, const char *body)
{
    char *text = NULL, url[256];
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CURL *e = curl_easy_init();
    json_t *res;

    snprintf(url, sizeof(url), "%s%s", sim.url, path);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    if (body != NULL)
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, mem);
    assert_int_equal(curl_easy_perform(e), CURLE_OK);
    curl_easy_cleanup(e);
    fclose(mem);
    res = json_loadb(text, len, 0, NULL);
    free(text);
    return res;
}

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/*
 * Runs sfdeliver under the conformance contract with extra arguments
 * (NULL-terminated, may be NULL), stdout to stdout_path when not NULL;
 * its exit status.
 */
static int
run_client_args(const char *buyer, const char *leads, const char *now,
                const char *const *args, const char *stdout_path)
{
    const char *bin = getenv("SFDELIVER");
    char out[128], st[128];
    const char *argv[16];
    int status, n;
    pid_t pid;

    if (bin == NULL)
        bin = "client/sfdeliver";
    snprintf(out, sizeof(out), "%s/outcomes.ndjson", sim.dir);
    snprintf(st, sizeof(st), "%s/state", sim.dir);
    pid = fork();
    if (pid == 0) {
        setenv("SFCONFORM_BUYER", buyer, 1);
        setenv("SFCONFORM_LEADS", leads, 1);
        setenv("SFCONFORM_OUTCOMES", out, 1);
        setenv("SFCONFORM_STATE", st, 1);
        setenv("SFCONFORM_NOW", now, 1);
        if (stdout_path != NULL && freopen(stdout_path, "w", stdout) == NULL)
            _exit(126);
        argv[0] = bin;
        for (n = 0; args != NULL && args[n] != NULL && n < 14; n++)
            argv[n + 1] = args[n];
        argv[n + 1] = NULL;
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
run_client(const char *buyer, const char *leads, const char *now)
{
    return run_client_args(buyer, leads, now, NULL, NULL);
}

/* run_client() with one connection: leads go one at a time, in order. */
static int
run_client_serial(const char *buyer, const char *leads, const char *now)
{
    return run_client_args(buyer, leads, now,
                           (const char *const[]){"--concurrency", "1", NULL},
                           NULL);
}

/* The outcomes file as {lead_id: line} (the last line per lead wins). */
static json_t *
read_outcomes(void)
{
    char path[128], *line = NULL;
    size_t cap = 0;
    json_t *all = json_object();
    FILE *fp;

    snprintf(path, sizeof(path), "%s/outcomes.ndjson", sim.dir);
    fp = fopen(path, "r");
    assert_non_null(fp);
    while (getline(&line, &cap, fp) != -1) {
        json_t *o = json_loads(line, 0, NULL);

        assert_non_null(o);
        json_object_set(all, json_string_value(json_object_get(o, "lead_id")),
                        o);
        json_decref(o);
    }
    free(line);
    fclose(fp);
    return all;
}

static const char *
outcome_of(json_t *all, const char *id)
{
    return json_string_value(
        json_object_get(json_object_get(all, id), "outcome"));
}

static void
reset(void)
{
    char cmd[160];
    json_t *r = sim_call("POST", "/__sim/reset", NULL);

    json_decref(r);
    snprintf(cmd, sizeof(cmd), "rm -rf %s/state %s/outcomes.ndjson", sim.dir,
             sim.dir);
    assert_int_equal(system(cmd), 0);
}

static size_t
lead_records(void)
{
    json_t *recs = sim_call("GET", "/__sim/records/Lead", NULL);
    size_t n = json_array_size(recs);

    json_decref(recs);
    return n;
}

static void
make_buyer(char *path, size_t n, const char *extra)
{
    char text[1024];

    snprintf(path, n, "%s/buyer.json", sim.dir);
    snprintf(text, sizeof(text),
             "{\"delivery\":{\"url\":\"%s/servlet/servlet.WebToLead"
             "?encoding=UTF-8\",\"content_type\":\"application/"
             "x-www-form-urlencoded\"},\"mapping\":{\"first\":"
             "\"first_name\",\"last\":\"last_name\",\"company\":"
             "\"company\",\"email\":\"email\"},\"static_fields\":{\"oid\":"
             "\"00D000000000001\",\"lead_source\":\"Lead Distro AI\"},"
             "\"retry\":{\"backoff_ms\":1}%s}",
             sim.url, extra);
    write_file(path, text);
}

static const char *
sim_now(char *out, size_t n)
{
    json_t *c = sim_call("GET", "/__sim/clock", NULL);

    snprintf(out, n, "%s", json_string_value(json_object_get(c, "now")));
    json_decref(c);
    return out;
}

/*
 * A proxy named in the environment is used (sfdeliver tells libcurl "no
 * proxy" only when none is set): with http_proxy pointing at the sim, a
 * post to a host that does not resolve reaches the sim, which answers it;
 * without, it is a resolve error and nothing answers.
 */
static void
test_proxy_from_environment(void **state)
{
    char path[128], leads[128], now[64], text[1024];
    json_t *all;
    int rc;

    (void)state;
    for (int with = 1; with >= 0; with--) {
        reset();
        snprintf(path, sizeof(path), "%s/buyer.json", sim.dir);
        snprintf(text, sizeof(text),
                 "{\"delivery\":{\"url\":\"http://proxy-test.invalid/"
                 "servlet/servlet.WebToLead\",\"content_type\":\"application/"
                 "x-www-form-urlencoded\",\"connect_timeout_ms\":2000},"
                 "\"static_fields\":{\"oid\":\"00D000000000001\"},"
                 "\"retry\":{\"max_retries\":0}}");
        write_file(path, text);
        snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
        write_file(leads, "{\"id\":\"p1\",\"last_name\":\"Proxy\"}\n");
        /* The test's own calls to the sim must not go through it. */
        sim_now(now, sizeof(now));
        unsetenv("no_proxy");
        unsetenv("NO_PROXY");
        if (with)
            setenv("http_proxy", sim.url, 1);
        rc = run_client(path, leads, now);
        unsetenv("http_proxy");
        assert_int_equal(rc, 0);
        all = read_outcomes();
        assert_string_equal(outcome_of(all, "p1"), "delivery_failed");
        if (with)
            assert_true(json_integer_value(json_object_get(
                            json_object_get(all, "p1"), "status")) >= 400);
        else
            assert_null(json_object_get(json_object_get(all, "p1"), "status"));
        json_decref(all);
    }
}

static void
test_utf8_and_bad_lines(void **state)
{
    char buyer[128], leads[128], now[64];
    json_t *all, *recs, *r;
    size_t i;
    int found = 0;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), "");
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_file(leads,
               "{\"id\":\"u1\",\"first\":\"José\",\"last\":\"Núñez\","
               "\"company\":\"Café Ñandú\",\"email\":\"jose@example.com\"}\n"
               "this is not json\n"
               "{\"last\":\"no id\",\"company\":\"x\"}\n"
               "{\"id\":\"u2\",\"last\":\"Plain\",\"company\":\"Acme\"}\n");
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    all = read_outcomes();
    assert_int_equal(json_object_size(all), 2);
    assert_string_equal(outcome_of(all, "u1"), "delivered");
    assert_string_equal(outcome_of(all, "u2"), "delivered");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(all, "u1"), "attempts")),
                     1);
    json_decref(all);
    recs = sim_call("GET", "/__sim/records/Lead", NULL);
    assert_int_equal(json_array_size(recs), 2);
    json_array_foreach(recs, i, r)
    {
        const char *last = json_string_value(json_object_get(r, "LastName"));

        if (last != NULL && strcmp(last, "Núñez") == 0) {
            found = 1;
            assert_string_equal(
                json_string_value(json_object_get(r, "FirstName")), "José");
            assert_string_equal(
                json_string_value(json_object_get(r, "Company")), "Café Ñandú");
            assert_string_equal(
                json_string_value(json_object_get(r, "LeadSource")),
                "Lead Distro AI");
        }
    }
    assert_true(found);
    json_decref(recs);
}

/* Writes n leads "<prefix><i>" to path. */
static void
write_leads(const char *path, const char *prefix, int from, int to)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    for (int i = from; i < to; i++)
        fprintf(fp,
                "{\"id\":\"%s%d\",\"last\":\"L%d\",\"company\":\"C\","
                "\"email\":\"l%d@example.com\"}\n",
                prefix, i, i, i);
    fclose(fp);
}

/*
 * The org drops Web-to-Lead past 500 per 24 h while answering 200. With
 * the default budget sfdeliver sends 500 and holds the rest; a day later
 * (simulated, in both sim and client) the held leads go through.
 */
static void
test_default_budget_holds_instead_of_dropping(void **state)
{
    char buyer[128], leads[128], now[64];
    json_t *all, *recs, *c;
    size_t held = 0, delivered = 0;
    const char *id;
    json_t *line;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), "");
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_leads(leads, "b", 0, 503);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    all = read_outcomes();
    assert_int_equal(json_object_size(all), 503);
    json_object_foreach(all, id, line)
    {
        const char *o = json_string_value(json_object_get(line, "outcome"));

        if (strcmp(o, "held") == 0) {
            held++;
            assert_non_null(json_object_get(line, "retry_at"));
            assert_int_equal(
                json_integer_value(json_object_get(line, "attempts")), 0);
        } else if (strcmp(o, "delivered") == 0)
            delivered++;
    }
    assert_int_equal(delivered, 500);
    assert_int_equal(held, 3);
    json_decref(all);
    recs = sim_call("GET", "/__sim/records/Lead", NULL);
    assert_int_equal(json_array_size(recs), 500);
    json_decref(recs);

    /* A day later the held ones (sent again by the caller) go through. */
    c = sim_call("POST", "/__sim/clock", "{\"advance_seconds\":86401}");
    json_decref(c);
    write_leads(leads, "late", 0, 3);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    all = read_outcomes();
    assert_string_equal(outcome_of(all, "late0"), "delivered");
    assert_string_equal(outcome_of(all, "late2"), "delivered");
    json_decref(all);
    recs = sim_call("GET", "/__sim/records/Lead", NULL);
    assert_int_equal(json_array_size(recs), 503);
    json_decref(recs);
}

/* A lower budget, leaving room for the org's own forms. */
static void
test_configured_budget(void **state)
{
    char buyer[128], leads[128], now[64];
    json_t *all, *recs;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer), ",\"web_to_lead\":{\"daily_budget\":2}");
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_leads(leads, "c", 0, 4);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    /* The budget is kept in the state dir: a second run is held too. */
    write_leads(leads, "d", 0, 1);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    all = read_outcomes();
    assert_string_equal(outcome_of(all, "d0"), "held");
    json_decref(all);
    recs = sim_call("GET", "/__sim/records/Lead", NULL);
    assert_int_equal(json_array_size(recs), 2);
    json_decref(recs);
}

/* A loopback port nothing listens on (bound, then closed). */
static int
dead_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/*
 * Posts that never left (nothing listening) do not use up the daily
 * budget: three leads, each tried twice against a dead port with a budget
 * of 2, all end delivery_failed (none held), and the next run still has
 * the whole budget for the org.
 */
static void
test_budget_not_spent_on_unsent_posts(void **state)
{
    char buyer[128], leads[128], now[64], text[1024];
    json_t *all;

    (void)state;
    reset();
    snprintf(buyer, sizeof(buyer), "%s/buyer.json", sim.dir);
    snprintf(text, sizeof(text),
             "{\"delivery\":{\"url\":\"http://127.0.0.1:%d/servlet/"
             "servlet.WebToLead\",\"content_type\":\"application/"
             "x-www-form-urlencoded\"},\"mapping\":{\"last\":\"last_name\","
             "\"company\":\"company\"},\"static_fields\":{\"oid\":"
             "\"00D000000000001\"},\"retry\":{\"max_retries\":1,"
             "\"backoff_ms\":1},\"web_to_lead\":{\"daily_budget\":2}}",
             dead_port());
    write_file(buyer, text);
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_leads(leads, "u", 0, 3);
    /* One at a time: a post in flight holds its unit until it is known
     * not to have gone out. */
    assert_int_equal(run_client_serial(buyer, leads, sim_now(now, sizeof(now))),
                     0);
    all = read_outcomes();
    for (int i = 0; i < 3; i++) {
        char id[8];
        json_t *line;

        snprintf(id, sizeof(id), "u%d", i);
        line = json_object_get(all, id);
        assert_string_equal(outcome_of(all, id), "delivery_failed");
        assert_int_equal(json_integer_value(json_object_get(line, "attempts")),
                         2);
    }
    json_decref(all);
    /* The same state directory, the sim listening: two go, one is held. */
    make_buyer(buyer, sizeof(buyer), ",\"web_to_lead\":{\"daily_budget\":2}");
    write_leads(leads, "w", 0, 3);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    all = read_outcomes();
    assert_string_equal(outcome_of(all, "w0"), "delivered");
    assert_string_equal(outcome_of(all, "w1"), "delivered");
    assert_string_equal(outcome_of(all, "w2"), "held");
    json_decref(all);
}

/* An org whose Lead has a text field Web-to-Lead fills from the lead id
 * (posted by API name), with a tiny daily cap. */
#define RECONCILE_ORG(extra)                                                   \
    "{\"web_to_lead\":{\"daily_limit\":10" extra "},\"custom_fields\":"        \
    "[{\"object\":\"Lead\",\"name\":\"source_lead_id__c\",\"type\":\"text\","  \
    "\"length\":64,\"id\":\"00N5j000000pTbQ\",\"external_id\":true}]}"

static void
put_org(const char *org)
{
    json_t *r = sim_call("PUT", "/__sim/org", org);

    assert_non_null(json_object_get(r, "web_to_lead"));
    json_decref(r);
}

/* A Web-to-Lead buyer mapping the lead id to source_lead_id__c, with API
 * credentials (a refresh token minted by the sim) and reconciliation. */
static void
make_reconcile_buyer(char *path, size_t n, const char *refresh_token)
{
    char text[2048];

    snprintf(path, n, "%s/buyer.json", sim.dir);
    snprintf(text, sizeof(text),
             "{\"delivery\":{\"url\":\"%s/servlet/servlet.WebToLead\","
             "\"content_type\":\"application/x-www-form-urlencoded\"},"
             "\"mapping\":{\"id\":\"source_lead_id__c\",\"last\":"
             "\"last_name\",\"company\":\"company\"},"
             "\"static_fields\":{\"oid\":\"00D000000000001\"},"
             "\"auth\":{\"token_url\":\"%s/services/oauth2/token\","
             "\"client_id\":\"sfsim-client-id\",\"client_secret\":"
             "\"sfsim-client-secret\",\"refresh_token\":\"%s\"},"
             "\"retry\":{\"backoff_ms\":1},"
             "\"reconcile\":{\"query_url\":\"%s/services/data/v59.0/query\","
             "\"match_field\":\"source_lead_id__c\",\"wait_ms\":0,"
             "\"batch_size\":2}}",
             sim.url, sim.url, refresh_token, sim.url);
    write_file(path, text);
}

static const char *
mint_refresh(char *out, size_t n)
{
    json_t *t = sim_call("POST", "/__sim/tokens", "{}");

    snprintf(out, n, "%s",
             json_string_value(json_object_get(t, "refresh_token")));
    json_decref(t);
    return out;
}

/* Journal entries whose path is path. */
static size_t
journal_count(const char *path)
{
    json_t *j = sim_call("GET", "/__sim/journal", NULL), *e;
    size_t i, n = 0;

    json_array_foreach(j, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));

        n += p != NULL && strcmp(p, path) == 0;
    }
    json_decref(j);
    return n;
}

static void
assert_dropped(json_t *all, const char *id)
{
    json_t *line = json_object_get(all, id);

    assert_non_null(line);
    assert_string_equal(json_string_value(json_object_get(line, "outcome")),
                        "delivery_failed");
    assert_string_equal(json_string_value(json_object_get(line, "reason")),
                        "silently_dropped");
    assert_int_equal(json_integer_value(json_object_get(line, "attempts")), 1);
    assert_int_equal(json_integer_value(json_object_get(line, "status")), 200);
}

static void
assert_confirmed(json_t *all, const char *id)
{
    json_t *line = json_object_get(all, id);

    assert_non_null(line);
    assert_string_equal(json_string_value(json_object_get(line, "outcome")),
                        "delivered");
    assert_true(json_is_true(json_object_get(line, "reconciled")));
}

/*
 * The org's own web forms used 7 of its 10 daily posts; the buyer's
 * budget (500) cannot know. Web-to-Lead answers 200 to all five leads and
 * creates three; reconciliation reports the other two as silently dropped.
 */
static void
test_reconcile_cap_used_by_org_forms(void **state)
{
    char buyer[128], leads[128], now[64], tok[256];
    json_t *all;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(""));
    for (int i = 0; i < 7; i++) {
        json_t *c =
            sim_call("POST", "/servlet/servlet.WebToLead?encoding=UTF-8",
                     "oid=00D000000000001&last_name=Own&company=Org");

        json_decref(c);
    }
    make_reconcile_buyer(buyer, sizeof(buyer), mint_refresh(tok, sizeof(tok)));
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_leads(leads, "r", 0, 5);
    assert_int_equal(run_client_serial(buyer, leads, sim_now(now, sizeof(now))),
                     0);
    all = read_outcomes();
    assert_int_equal(json_object_size(all), 5);
    assert_confirmed(all, "r0");
    assert_confirmed(all, "r1");
    assert_confirmed(all, "r2");
    assert_dropped(all, "r3");
    assert_dropped(all, "r4");
    json_decref(all);
    assert_int_equal(journal_count("/servlet/servlet.WebToLead"), 12);
    assert_int_equal(journal_count("/services/oauth2/token"), 1);
    /* batch_size 2: five ids take three queries. */
    assert_int_equal(journal_count("/services/data/v59.0/query"), 3);
    put_org("{}");
}

/* reCAPTCHA required: every server-to-server post is silently refused. */
static void
test_reconcile_recaptcha(void **state)
{
    char buyer[128], leads[128], now[64], tok[256];
    json_t *all;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(",\"recaptcha_required\":true"));
    make_reconcile_buyer(buyer, sizeof(buyer), mint_refresh(tok, sizeof(tok)));
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_leads(leads, "g", 0, 3);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    all = read_outcomes();
    assert_int_equal(json_object_size(all), 3);
    assert_dropped(all, "g0");
    assert_dropped(all, "g1");
    assert_dropped(all, "g2");
    json_decref(all);
    put_org("{}");
}

/* The org cannot be asked (the refresh token is bad): the leads stay
 * delivered, marked unverified, never silently_dropped on a guess. */
static void
test_reconcile_unverifiable(void **state)
{
    char buyer[128], leads[128], now[64];
    json_t *all, *line;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(""));
    make_reconcile_buyer(buyer, sizeof(buyer), "not-a-refresh-token");
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_leads(leads, "v", 0, 2);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    all = read_outcomes();
    line = json_object_get(all, "v1");
    assert_string_equal(json_string_value(json_object_get(line, "outcome")),
                        "delivered");
    assert_true(json_is_false(json_object_get(line, "reconciled")));
    assert_non_null(strstr(json_string_value(json_object_get(line, "error")),
                           "not verified"));
    json_decref(all);
    put_org("{}");
}

/* The token endpoint fails once (503) when reconciliation asks for a
 * token: the grant is retried with the backoff and the read-back runs. */
static void
test_reconcile_token_refresh_retried(void **state)
{
    char buyer[128], leads[128], now[64], tok[256];
    json_t *all, *f;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(""));
    f = sim_call("POST", "/__sim/faults",
                 "{\"path\":\"/services/oauth2/token\",\"times\":1,"
                 "\"status\":503,\"error_code\":\"UNKNOWN_EXCEPTION\"}");
    json_decref(f);
    make_reconcile_buyer(buyer, sizeof(buyer), mint_refresh(tok, sizeof(tok)));
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_leads(leads, "t", 0, 2);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    all = read_outcomes();
    assert_confirmed(all, "t0");
    assert_confirmed(all, "t1");
    json_decref(all);
    assert_int_equal(journal_count("/services/oauth2/token"), 2);
    json_decref(sim_call("DELETE", "/__sim/faults", NULL));
    put_org("{}");
}

/*
 * --resume after a crash that lost outcome lines: Web-to-Lead has no
 * upsert, so the client asks the org first and does not send again what
 * is already there.
 */
static void
test_reconcile_resume_does_not_resend(void **state)
{
    char buyer[128], leads[128], now[64], tok[256], cmd[512];
    json_t *all, *line;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(""));
    make_reconcile_buyer(buyer, sizeof(buyer), mint_refresh(tok, sizeof(tok)));
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_leads(leads, "z", 0, 3);
    assert_int_equal(run_client(buyer, leads, sim_now(now, sizeof(now))), 0);
    /* Lose the outcomes of z1 and z2, as a SIGKILL before the read-back
     * would. */
    snprintf(cmd, sizeof(cmd),
             "grep '\"z0\"' %s/outcomes.ndjson > %s/o && mv %s/o "
             "%s/outcomes.ndjson",
             sim.dir, sim.dir, sim.dir, sim.dir);
    assert_int_equal(system(cmd), 0);
    write_leads(leads, "z", 0, 4);
    assert_int_equal(run_client_args(buyer, leads, sim_now(now, sizeof(now)),
                                     (const char *const[]){"--resume", NULL},
                                     NULL),
                     0);
    all = read_outcomes();
    assert_int_equal(json_object_size(all), 4);
    line = json_object_get(all, "z2");
    assert_string_equal(json_string_value(json_object_get(line, "outcome")),
                        "delivered");
    assert_int_equal(json_integer_value(json_object_get(line, "attempts")), 0);
    assert_confirmed(all, "z3");
    json_decref(all);
    /* z0..z2 once each, z3 once. */
    assert_int_equal(journal_count("/servlet/servlet.WebToLead"), 4);
    assert_int_equal(lead_records(), 4);
    put_org("{}");
}

/*
 * One connection: l1 goes out on the connection l0 used, and the sim
 * resets it after reading l1's request. libcurl would resend l1 at once
 * on a new connection, unseen; sfdeliver counts that request as attempt 1,
 * logs it, and sends attempt 2 itself: the wire and the outcome agree.
 */
static void
test_reused_connection_reset_is_an_attempt(void **state)
{
    char buyer[128], leads[128], now[64], log[128], *line = NULL;
    size_t cap = 0;
    int l1_lines = 0, empty_reply = 0;
    json_t *all, *f;
    FILE *fp;

    (void)state;
    reset();
    f = sim_call("POST", "/__sim/faults",
                 "{\"path\":\"/servlet/servlet.WebToLead\",\"field\":"
                 "\"last_name\",\"value\":\"L1\",\"action\":\"reset\","
                 "\"times\":1}");
    json_decref(f);
    make_buyer(buyer, sizeof(buyer), "");
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    snprintf(log, sizeof(log), "%s/delivery.ndjson", sim.dir);
    unlink(log);
    write_leads(leads, "k", 0, 3);
    assert_int_equal(run_client_args(buyer, leads, sim_now(now, sizeof(now)),
                                     (const char *const[]){"--concurrency", "1",
                                                           "--log", log, NULL},
                                     NULL),
                     0);
    all = read_outcomes();
    assert_string_equal(outcome_of(all, "k1"), "delivered");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(all, "k1"), "attempts")),
                     2);
    json_decref(all);
    /* k0, k1 twice, k2: four requests reached the sim, not five. */
    assert_int_equal(journal_count("/servlet/servlet.WebToLead"), 4);
    fp = fopen(log, "r");
    assert_non_null(fp);
    while (getline(&line, &cap, fp) != -1) {
        if (strstr(line, "\"lead_id\":\"k1\"") == NULL)
            continue;
        l1_lines++;
        empty_reply += strstr(line, "\"attempt\":1,") != NULL &&
                       strstr(line, "\"reason\":\"empty_reply\"") != NULL;
    }
    free(line);
    fclose(fp);
    assert_int_equal(l1_lines, 2);
    assert_int_equal(empty_reply, 1);
    json_decref(sim_call("DELETE", "/__sim/faults", NULL));
}

/* --dry-run shows duplicates within the file, as a real run would find
 * them, and writes nothing. */
static void
test_dry_run_in_file_duplicates(void **state)
{
    char buyer[128], leads[128], now[64], out[128], *text = NULL;
    size_t cap = 0;
    FILE *fp;
    int dup = 0, lines = 0;

    (void)state;
    reset();
    make_buyer(buyer, sizeof(buyer),
               ",\"dedup\":{\"fields\":[\"email\"],\"window_seconds\":600}");
    snprintf(leads, sizeof(leads), "%s/leads.ndjson", sim.dir);
    write_file(leads, "{\"id\":\"d1\",\"last\":\"A\",\"company\":\"C\","
                      "\"email\":\"same@example.com\"}\n"
                      "{\"id\":\"d2\",\"last\":\"B\",\"company\":\"C\","
                      "\"email\":\"SAME@example.com \"}\n");
    snprintf(out, sizeof(out), "%s/dry.txt", sim.dir);
    assert_int_equal(run_client_args(buyer, leads, sim_now(now, sizeof(now)),
                                     (const char *const[]){"--dry-run", NULL},
                                     out),
                     0);
    fp = fopen(out, "r");
    assert_non_null(fp);
    while (getline(&text, &cap, fp) != -1) {
        json_t *o = json_loads(text, 0, NULL);
        const char *oc = json_string_value(json_object_get(o, "outcome"));

        lines++;
        if (oc != NULL && strcmp(oc, "duplicate") == 0) {
            dup++;
            assert_string_equal(
                json_string_value(json_object_get(o, "lead_id")), "d2");
        }
        json_decref(o);
    }
    free(text);
    fclose(fp);
    assert_int_equal(lines, 2);
    assert_int_equal(dup, 1);
    assert_int_equal(lead_records(), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_and_bad_lines),
        cmocka_unit_test(test_proxy_from_environment),
        cmocka_unit_test(test_default_budget_holds_instead_of_dropping),
        cmocka_unit_test(test_configured_budget),
        cmocka_unit_test(test_budget_not_spent_on_unsent_posts),
        cmocka_unit_test(test_reused_connection_reset_is_an_attempt),
        cmocka_unit_test(test_reconcile_cap_used_by_org_forms),
        cmocka_unit_test(test_reconcile_recaptcha),
        cmocka_unit_test(test_reconcile_unverifiable),
        cmocka_unit_test(test_reconcile_token_refresh_retried),
        cmocka_unit_test(test_reconcile_resume_does_not_resend),
        cmocka_unit_test(test_dry_run_in_file_duplicates),
    };

    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, sim_start, sim_stop);
}
