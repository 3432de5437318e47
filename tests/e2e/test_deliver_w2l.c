/*
 * test_deliver_w2l.c - sfdeliver against the real sfsim over Web-to-Lead:
 * UTF-8 delivery, outcomes file, bad input lines, the rolling 24 h budget
 * that holds leads instead of sending them into a silent drop, and the
 * reconciliation that catches the drops the budget cannot foresee (the
 * org's own forms using up the cap, reCAPTCHA): a lead Web-to-Lead
 * answered 200 for that the org's API cannot find is delivery_failed with
 * reason silently_dropped.
 *
 * One sfsim for the whole file (simtest.h), reset before each test;
 * $SFDELIVER runs under the SFCONFORM_* contract (clienttest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clienttest.h"
#include "simtest.h"

#define W2L_POST "/servlet/servlet.WebToLead?encoding=UTF-8"
/* The members of a lead after its id, as write_leads() writes them. */
#define W2L_LEAD                                                               \
    "\"last\":\"L{i}\",\"company\":\"C\",\"email\":\"l{i}@example.com\""

static struct simtest sim;
static struct clienttest c;

static int
group_setup(void **state)
{
    (void)state;
    clienttest_group_start(&c, &sim, NULL, "e2e");
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return clienttest_group_stop(&c, &sim);
}

/* sfdeliver under the conformance contract (SFCONFORM_*), at now (NULL:
 * the sim's clock), with more of r (may be NULL); its exit status. */
static int
run_client(const char *now, const struct clienttest_run *more)
{
    struct clienttest_run r = {0};

    if (more != NULL)
        r = *more;
    r.conformance = 1;
    r.now = now;
    return clienttest_run(&c, &r);
}

static const char *
outcome_of(json_t *all, const char *id)
{
    return clienttest_str(all, id, "outcome");
}

/* A fresh sim and no client state or outcomes. */
static void
reset(void)
{
    simtest_reset(&sim);
    clienttest_forget(&c);
}

/* The file's Web-to-Lead buyer, patched by extra (JSON text, may be
 * NULL). */
static void
write_buyer(const char *extra)
{
    clienttest_write_buyer(
        &c, clienttest_w2l_buyer(&sim),
        "{\"mapping\":{\"first\":\"first_name\",\"last\":\"last_name\","
        "\"company\":\"company\",\"email\":\"email\"},\"static_fields\":"
        "{\"lead_source\":\"Lead Distro AI\"},\"retry\":{\"backoff_ms\":1}}",
        extra, NULL);
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
    char now[64];
    json_t *all;
    int rc;

    (void)state;
    for (int with = 1; with >= 0; with--) {
        reset();
        clienttest_write_buyer(
            &c, clienttest_w2l_buyer(&sim),
            "{\"delivery\":{\"url\":\"http://proxy-test.invalid/servlet/"
            "servlet.WebToLead\",\"connect_timeout_ms\":2000},"
            "\"retry\":{\"max_retries\":0}}",
            NULL);
        clienttest_write_file(c.leads,
                              "{\"id\":\"p1\",\"last_name\":\"Proxy\"}\n");
        /* The test's own calls to the sim must not go through it. */
        simtest_now(&sim, now, sizeof(now));
        unsetenv("no_proxy");
        unsetenv("NO_PROXY");
        if (with)
            setenv("http_proxy", sim.proc.url, 1);
        rc = run_client(now, NULL);
        unsetenv("http_proxy");
        assert_int_equal(rc, 0);
        all = clienttest_outcomes(&c);
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
    json_t *all, *recs, *r;
    size_t i;
    int found = 0;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_file(
        c.leads, "{\"id\":\"u1\",\"first\":\"José\",\"last\":\"Núñez\","
                 "\"company\":\"Café Ñandú\",\"email\":\"jose@example.com\"}\n"
                 "this is not json\n"
                 "{\"last\":\"no id\",\"company\":\"x\"}\n"
                 "{\"id\":\"u2\",\"last\":\"Plain\",\"company\":\"Acme\"}\n");
    assert_int_equal(run_client(NULL, NULL), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(json_object_size(all), 2);
    assert_string_equal(outcome_of(all, "u1"), "delivered");
    assert_string_equal(outcome_of(all, "u2"), "delivered");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(all, "u1"), "attempts")),
                     1);
    json_decref(all);
    recs = httpc_get_json(sim.http, "/__sim/records/Lead", NULL);
    assert_int_equal(json_array_size(recs), 2);
    json_array_foreach(recs, i, r) {
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

/*
 * The org drops Web-to-Lead past 500 per 24 h while answering 200. With
 * the default budget sfdeliver sends 500 and holds the rest; a day later
 * (simulated, in both sim and client) the held leads go through.
 */
static void
test_default_budget_holds_instead_of_dropping(void **state)
{
    json_t *all;
    size_t held = 0, delivered = 0;
    const char *id;
    json_t *line;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "b", 0, 503, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(json_object_size(all), 503);
    json_object_foreach(all, id, line) {
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
    assert_int_equal(simtest_count(&sim, "Lead"), 500);

    /* A day later the held ones (sent again by the caller) go through. */
    simtest_advance(&sim, 86401);
    clienttest_write_leads(c.leads, "late", 0, 3, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    all = clienttest_outcomes(&c);
    assert_string_equal(outcome_of(all, "late0"), "delivered");
    assert_string_equal(outcome_of(all, "late2"), "delivered");
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 503);
}

/* A lower budget, leaving room for the org's own forms. */
static void
test_configured_budget(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer("{\"web_to_lead\":{\"daily_budget\":2}}");
    clienttest_write_leads(c.leads, "c", 0, 4, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    /* The budget is kept in the state dir: a second run is held too. */
    clienttest_write_leads(c.leads, "d", 0, 1, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    all = clienttest_outcomes(&c);
    assert_string_equal(outcome_of(all, "d0"), "held");
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 2);
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
    json_t *all, *b;
    int port = test_dead_port();

    (void)state;
    reset();
    assert_true(port > 0);
    b = clienttest_w2l_buyer(&sim);
    clienttest_patch(b,
                     "{\"delivery\":{\"url\":\"http://127.0.0.1:%d/servlet/"
                     "servlet.WebToLead\"},\"mapping\":{\"last\":\"last_name\","
                     "\"company\":\"company\"},\"retry\":{\"max_retries\":1,"
                     "\"backoff_ms\":1},\"web_to_lead\":{\"daily_budget\":2}}",
                     port);
    clienttest_write_buyer(&c, b, NULL);
    clienttest_write_leads(c.leads, "u", 0, 3, W2L_LEAD);
    /* One at a time: a post in flight holds its unit until it is known
     * not to have gone out. */
    assert_int_equal(
        run_client(NULL, &(struct clienttest_run){.concurrency = 1}), 0);
    all = clienttest_outcomes(&c);
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
    write_buyer("{\"web_to_lead\":{\"daily_budget\":2}}");
    clienttest_write_leads(c.leads, "w", 0, 3, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    all = clienttest_outcomes(&c);
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
    json_t *r = simtest_admin(&sim, "PUT", "/__sim/org", org);

    assert_non_null(json_object_get(r, "web_to_lead"));
    json_decref(r);
}

/* A Web-to-Lead buyer mapping the lead id to source_lead_id__c, with API
 * credentials (refresh_token: the session's, or the one given) and
 * reconciliation. */
static void
write_reconcile_buyer(const char *refresh_token)
{
    json_t *b = clienttest_w2l_buyer(&sim);

    if (refresh_token == NULL)
        simtest_login(&sim, "{}");
    clienttest_patch_auth(b, &sim, refresh_token);
    clienttest_patch(
        b,
        "{\"delivery\":{\"url\":\"%s/servlet/servlet.WebToLead\"},"
        "\"mapping\":{\"id\":\"source_lead_id__c\",\"last\":"
        "\"last_name\",\"company\":\"company\"},"
        "\"retry\":{\"backoff_ms\":1},"
        "\"reconcile\":{\"query_url\":\"%s/services/data/v59.0/query\","
        "\"match_field\":\"source_lead_id__c\",\"wait_ms\":0,"
        "\"batch_size\":2}}",
        sim.proc.url, sim.proc.url);
    clienttest_write_buyer(&c, b, NULL);
}

/* Journal entries whose path is path. */
static size_t
journal_count(const char *path)
{
    return simtest_journal_count(&sim, &(struct simtest_match){.path = path});
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
    json_t *all;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(""));
    for (int i = 0; i < 7; i++)
        assert_int_equal(
            httpc_post_form(sim.http, W2L_POST,
                            "oid=00D000000000001&last_name=Own&company=Org",
                            NULL),
            200);
    write_reconcile_buyer(NULL);
    clienttest_write_leads(c.leads, "r", 0, 5, W2L_LEAD);
    assert_int_equal(
        run_client(NULL, &(struct clienttest_run){.concurrency = 1}), 0);
    all = clienttest_outcomes(&c);
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
    json_t *all;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(",\"recaptcha_required\":true"));
    write_reconcile_buyer(NULL);
    clienttest_write_leads(c.leads, "g", 0, 3, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    all = clienttest_outcomes(&c);
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
    json_t *all, *line;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(""));
    write_reconcile_buyer("not-a-refresh-token");
    clienttest_write_leads(c.leads, "v", 0, 2, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    all = clienttest_outcomes(&c);
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
    json_t *all;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(""));
    json_decref(
        simtest_admin(&sim, "POST", "/__sim/faults",
                      "{\"path\":\"/services/oauth2/token\",\"times\":1,"
                      "\"status\":503,\"error_code\":\"UNKNOWN_EXCEPTION\"}"));
    write_reconcile_buyer(NULL);
    clienttest_write_leads(c.leads, "t", 0, 2, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    all = clienttest_outcomes(&c);
    assert_confirmed(all, "t0");
    assert_confirmed(all, "t1");
    json_decref(all);
    assert_int_equal(journal_count("/services/oauth2/token"), 2);
    json_decref(simtest_admin(&sim, "DELETE", "/__sim/faults", NULL));
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
    char cmd[512];
    json_t *all, *line;

    (void)state;
    reset();
    put_org(RECONCILE_ORG(""));
    write_reconcile_buyer(NULL);
    clienttest_write_leads(c.leads, "z", 0, 3, W2L_LEAD);
    assert_int_equal(run_client(NULL, NULL), 0);
    /* Lose the outcomes of z1 and z2, as a SIGKILL before the read-back
     * would. */
    snprintf(cmd, sizeof(cmd), "grep '\"z0\"' %s > %s/o && mv %s/o %s",
             c.outcomes, c.dir, c.dir, c.outcomes);
    assert_int_equal(system(cmd), 0);
    clienttest_write_leads(c.leads, "z", 0, 4, W2L_LEAD);
    assert_int_equal(run_client(NULL, &(struct clienttest_run){.resume = 1}),
                     0);
    all = clienttest_outcomes(&c);
    assert_int_equal(json_object_size(all), 4);
    line = json_object_get(all, "z2");
    assert_string_equal(json_string_value(json_object_get(line, "outcome")),
                        "delivered");
    assert_int_equal(json_integer_value(json_object_get(line, "attempts")), 0);
    assert_confirmed(all, "z3");
    json_decref(all);
    /* z0..z2 once each, z3 once. */
    assert_int_equal(journal_count("/servlet/servlet.WebToLead"), 4);
    assert_int_equal(simtest_count(&sim, "Lead"), 4);
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
    char *line = NULL;
    size_t cap = 0;
    int l1_lines = 0, empty_reply = 0;
    json_t *all;
    FILE *fp;

    (void)state;
    reset();
    json_decref(
        simtest_admin(&sim, "POST", "/__sim/faults",
                      "{\"path\":\"/servlet/servlet.WebToLead\",\"field\":"
                      "\"last_name\",\"value\":\"L1\",\"action\":\"reset\","
                      "\"times\":1}"));
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "k", 0, 3, W2L_LEAD);
    assert_int_equal(
        run_client(NULL, &(struct clienttest_run){.concurrency = 1, .log = 1}),
        0);
    all = clienttest_outcomes(&c);
    assert_string_equal(outcome_of(all, "k1"), "delivered");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(all, "k1"), "attempts")),
                     2);
    json_decref(all);
    /* k0, k1 twice, k2: four requests reached the sim, not five. */
    assert_int_equal(journal_count("/servlet/servlet.WebToLead"), 4);
    fp = fopen(c.log, "r");
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
    json_decref(simtest_admin(&sim, "DELETE", "/__sim/faults", NULL));
}

/* --dry-run shows duplicates within the file, as a real run would find
 * them, and writes nothing. */
static void
test_dry_run_in_file_duplicates(void **state)
{
    char out[CLIENTTEST_PATH_MAX], *text = NULL;
    size_t cap = 0;
    FILE *fp;
    int dup = 0, lines = 0;

    (void)state;
    reset();
    write_buyer("{\"dedup\":{\"fields\":[\"email\"],\"window_seconds\":600}}");
    clienttest_write_file(c.leads,
                          "{\"id\":\"d1\",\"last\":\"A\",\"company\":\"C\","
                          "\"email\":\"same@example.com\"}\n"
                          "{\"id\":\"d2\",\"last\":\"B\",\"company\":\"C\","
                          "\"email\":\"SAME@example.com \"}\n");
    clienttest_path(&c, "dry.txt", out, sizeof(out));
    assert_int_equal(
        run_client(NULL,
                   &(struct clienttest_run){
                       .args = (const char *const[]){"--dry-run", NULL},
                       .stdout_path = out}),
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
    assert_int_equal(simtest_count(&sim, "Lead"), 0);
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

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
