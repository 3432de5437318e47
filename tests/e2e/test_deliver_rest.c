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
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clienttest.h"
#include "simtest.h"

#define LEAD_PATH "/services/data/v59.0/sobjects/Lead/"
#define TOKEN_PATH "/services/oauth2/token"

static struct simtest sim;
static struct clienttest c;

static int
group_setup(void **state)
{
    (void)state;
    clienttest_group_start(&c, &sim, "orgs/custom-fields.json", "rest");
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return clienttest_group_stop(&c, &sim);
}

/* Forgets records, journal, outcomes and state; mints a fresh token pair
 * (admin calls are not journaled, so the journal starts empty). */
static void
reset(void)
{
    simtest_reset(&sim);
    clienttest_forget(&c);
    simtest_login(&sim, "{}");
    assert_true(sim.access_token[0] != '\0' && sim.refresh_token[0] != '\0');
}

/* The file's REST buyer (retry.max_retries 0), patched by extra (JSON
 * text, may be NULL). */
static void
write_buyer(const char *extra)
{
    clienttest_write_buyer(&c, clienttest_rest_buyer(&sim),
                           CLIENTTEST_REST_MAPPING,
                           "{\"name\":\"rest\",\"retry\":{\"max_retries\":0,"
                           "\"backoff_ms\":1,\"jitter\":false}}",
                           extra, NULL);
}

/* Starts sfdeliver with the command-line interface (--log, stderr to
 * client.err); its pid. */
static pid_t
spawn_client(int concurrency, int resume)
{
    return clienttest_launch(&c, &(struct clienttest_run){
                                     .concurrency = concurrency,
                                     .resume = resume,
                                     .log = 1,
                                     .quiet = 1,
                                 });
}

static int
run_client(int concurrency)
{
    int status = clienttest_wait(spawn_client(concurrency, 0));

    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *
field(json_t *all, const char *id, const char *key)
{
    return clienttest_str(all, id, key);
}

static long long
ifield(json_t *all, const char *id, const char *key)
{
    return clienttest_int(all, id, key);
}

/* Journal entries on path (exact), optionally with a status. */
static size_t
journal_count(const char *path, long status)
{
    return simtest_journal_count(
        &sim, &(struct simtest_match){.path = path, .status = status});
}

/* Journal entries whose path starts with prefix and have status. */
static size_t
journal_prefix_status(const char *prefix, long status)
{
    return simtest_journal_count(
        &sim, &(struct simtest_match){.path_prefix = prefix, .status = status});
}

static void
expire_all(void)
{
    json_decref(simtest_admin(&sim, "POST", "/__sim/tokens/expire", "{}"));
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
    json_t *all;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "a", 0, 5, NULL);
    assert_int_equal(run_client(4), 0);
    all = clienttest_outcomes(&c);
    assert_all(all, "a", 5, "delivered");
    assert_int_equal(ifield(all, "a0", "attempts"), 1);
    assert_int_equal(ifield(all, "a0", "status"), 201);
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 5);
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
    char id[16];
    json_t *all;
    int retried = 0;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "x", 0, 40, NULL);
    expire_all();
    assert_int_equal(run_client(8), 0);
    all = clienttest_outcomes(&c);
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
    assert_int_equal(simtest_count(&sim, "Lead"), 40);
}

/* Expiry between two runs: the refreshed token is kept in the state dir,
 * so the third run needs no refresh at all. */
static void
test_expiry_between_runs_token_persisted(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "p", 0, 3, NULL);
    assert_int_equal(run_client(2), 0);
    expire_all();
    clienttest_write_leads(c.leads, "q", 0, 3, NULL);
    assert_int_equal(run_client(2), 0);
    assert_int_equal(journal_count(TOKEN_PATH, 200), 1);
    clienttest_write_leads(c.leads, "r", 0, 3, NULL);
    assert_int_equal(run_client(2), 0);
    assert_int_equal(journal_count(TOKEN_PATH, 0), 1);
    all = clienttest_outcomes(&c);
    assert_string_equal(field(all, "q2", "outcome"), "delivered");
    assert_string_equal(field(all, "r2", "outcome"), "delivered");
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 9);
}

/* A refresh that fails pauses the buyer: everything left is held with the
 * reason, nothing is burned as delivery_failed, nothing is created. */
static void
test_failed_refresh_holds(void **state)
{
    char form[SIMTEST_TOKEN_MAX + 16], id[16];
    struct http_result r;
    json_t *all;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "h", 0, 12, NULL);
    snprintf(form, sizeof(form), "token=%s", sim.refresh_token);
    assert_int_equal(
        httpc_post_form(sim.http, "/services/oauth2/revoke", form, &r), 200);
    http_result_free(&r);
    expire_all();
    assert_int_equal(run_client(4), 0);
    all = clienttest_outcomes(&c);
    assert_all(all, "h", 12, "held");
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof(id), "h%d", i);
        assert_string_equal(field(all, id, "reason"), "auth");
        assert_non_null(strstr(field(all, id, "error"), "token refresh"));
        assert_true(ifield(all, id, "attempts") <= 1);
    }
    json_decref(all);
    assert_int_equal(journal_count(TOKEN_PATH, 0), 1);
    assert_int_equal(simtest_count(&sim, "Lead"), 0);
}

/* sfdeliver's summary (its stderr) of a run with concurrency 4; caller
 * frees. */
static char *
run_summary(void)
{
    assert_int_equal(clienttest_run(&c,
                                    &(struct clienttest_run){
                                        .concurrency = 4,
                                        .log = 1,
                                        .capture = 1,
                                    }),
                     0);
    return clienttest_read_file(c.err);
}

/*
 * The summary's line about held leads says they were not sent only when
 * none was: a paused buyer sends nothing, but a refresh that fails after
 * the first wave got 401 holds leads that were sent (and refused).
 */
static void
test_held_summary_tells_sent_from_unsent(void **state)
{
    char form[SIMTEST_TOKEN_MAX + 16], id[16], want[256], *err;
    json_t *all;
    int sent = 0;

    (void)state;
    reset();
    write_buyer("{\"paused\":true}");
    clienttest_write_leads(c.leads, "s", 0, 6, NULL);
    err = run_summary();
    if (strstr(err, "sfdeliver: 6 leads held; they were NOT sent (see "
                    "\"reason\" and \"retry_at\" in the outcomes)\n") == NULL)
        fail_msg("summary: %s", err);
    free(err);

    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "h", 0, 12, NULL);
    snprintf(form, sizeof(form), "token=%s", sim.refresh_token);
    assert_int_equal(
        httpc_post_form(sim.http, "/services/oauth2/revoke", form, NULL), 200);
    expire_all();
    err = run_summary();
    all = clienttest_outcomes(&c);
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof(id), "h%d", i);
        assert_string_equal(field(all, id, "outcome"), "held");
        sent += ifield(all, id, "attempts") > 0;
    }
    json_decref(all);
    assert_true(sent >= 1);
    snprintf(want, sizeof(want),
             "sfdeliver: 12 leads held; they were NOT delivered (%d of them "
             "were sent and failed; see \"reason\" and \"retry_at\" in the "
             "outcomes)\n",
             sent);
    if (strstr(err, want) == NULL)
        fail_msg("want \"%s\" in the summary: %s", want, err);
    assert_null(strstr(err, "NOT sent"));
    free(err);
}

/*
 * The seed page: a paused buyer holds its leads; three days later, long
 * after the session timed out, it is resumed. The client knows when the
 * token was last used and refreshes before sending: no 401 at all.
 */
static void
test_paused_then_resumed_after_expiry(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "w", 0, 1, NULL);
    assert_int_equal(run_client(2), 0);

    write_buyer("{\"paused\":true}");
    clienttest_write_leads(c.leads, "s", 0, 6, NULL);
    assert_int_equal(run_client(2), 0);
    all = clienttest_outcomes(&c);
    for (int i = 0; i < 6; i++) {
        char id[16];

        snprintf(id, sizeof(id), "s%d", i);
        assert_string_equal(field(all, id, "outcome"), "held");
        assert_int_equal(ifield(all, id, "attempts"), 0);
    }
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 1);

    json_decref(simtest_admin(&sim, "POST", "/__sim/clock",
                              "{\"advance_seconds\":259200}"));
    write_buyer(NULL);
    assert_int_equal(run_client(2), 0);
    all = clienttest_outcomes(&c);
    for (int i = 0; i < 6; i++) {
        char id[16];

        snprintf(id, sizeof(id), "s%d", i);
        assert_string_equal(field(all, id, "outcome"), "delivered");
        assert_int_equal(ifield(all, id, "attempts"), 1);
    }
    json_decref(all);
    assert_int_equal(journal_count(TOKEN_PATH, 200), 1);
    assert_int_equal(journal_prefix_status(LEAD_PATH, 401), 0);
    assert_int_equal(simtest_count(&sim, "Lead"), 7);
}

/* The same with no history of the token: the first send learns it is
 * dead (401), one refresh, and the leads go through. */
static void
test_resumed_with_unknown_token_age(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer("{\"paused\":true}");
    clienttest_write_leads(c.leads, "u", 0, 4, NULL);
    assert_int_equal(run_client(2), 0);
    json_decref(simtest_admin(&sim, "POST", "/__sim/clock",
                              "{\"advance_seconds\":259200}"));
    write_buyer(NULL);
    assert_int_equal(run_client(2), 0);
    all = clienttest_outcomes(&c);
    assert_all(all, "u", 4, "delivered");
    json_decref(all);
    assert_int_equal(journal_count(TOKEN_PATH, 200), 1);
    assert_int_equal(simtest_count(&sim, "Lead"), 4);
}

static int
faults_available(void)
{
    long status = 0;
    json_t *j = httpc_get_json(sim.http, "/__sim/faults", &status);

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
    json_t *all;

    (void)state;
    reset();
    if (!faults_available())
        skip();
    json_decref(simtest_admin(
        &sim, "POST", "/__sim/faults",
        "{\"method\":\"POST\",\"path\":\"" LEAD_PATH "\",\"action\":"
        "\"status\",\"status\":503,\"retry_after\":2,\"times\":1}"));
    clienttest_write_buyer(&c, clienttest_rest_buyer(&sim),
                           CLIENTTEST_REST_MAPPING,
                           "{\"auth\":{\"session_timeout_seconds\":60,"
                           "\"refresh_margin_seconds\":59},"
                           "\"retry\":{\"max_retries\":2,\"backoff_ms\":1,"
                           "\"jitter\":false}}",
                           NULL);
    clienttest_write_leads(c.leads, "m", 0, 2, NULL);
    assert_int_equal(run_client(1), 0);
    all = clienttest_outcomes(&c);
    assert_all(all, "m", 2, "delivered");
    assert_int_equal(ifield(all, "m0", "attempts"), 2);
    json_decref(all);
    assert_true(journal_count(TOKEN_PATH, 200) >= 1);
    assert_int_equal(journal_prefix_status(LEAD_PATH, 401), 0);
    json_decref(simtest_admin(&sim, "DELETE", "/__sim/faults", NULL));
}

/* Upsert by the external id: sending the same leads again updates. */
static void
test_upsert_not_duplicated(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer("{\"delivery\":{\"external_id_field\":"
                "\"source_lead_id__c\"}}");
    clienttest_write_leads(c.leads, "e", 0, 5, NULL);
    assert_int_equal(run_client(3), 0);
    assert_int_equal(simtest_count(&sim, "Lead"), 5);
    /* The same leads again, as a crash that lost the outcomes would. */
    assert_int_equal(unlink(c.outcomes), 0);
    assert_int_equal(run_client(3), 0);
    all = clienttest_outcomes(&c);
    assert_all(all, "e", 5, "delivered");
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 5);
    assert_int_equal(journal_prefix_status(LEAD_PATH, 201), 5);
    assert_int_equal(journal_prefix_status(LEAD_PATH, 200), 5);
}

/* A lead its request cannot be built for (an upsert without its external
 * id value) is delivery_failed with reason "payload", never sent; the
 * others go on. (Requests are built on the lead reader's thread.) */
static void
test_payload_error_is_reported(void **state)
{
    json_t *all;
    FILE *fp;

    (void)state;
    reset();
    write_buyer("{\"delivery\":{\"external_id_field\":"
                "\"source_lead_id__c\",\"external_id_from\":\"ext\"}}");
    fp = fopen(c.leads, "w");
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
    assert_int_equal(run_client(4), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(json_object_size(all), 50);
    assert_string_equal(field(all, "p17", "outcome"), "delivery_failed");
    assert_string_equal(field(all, "p17", "reason"), "payload");
    assert_int_equal(ifield(all, "p17", "attempts"), 0);
    assert_non_null(strstr(field(all, "p17", "error"), "external id"));
    assert_string_equal(field(all, "p16", "outcome"), "delivered");
    assert_string_equal(field(all, "p18", "outcome"), "delivered");
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 49);
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
        if (clienttest_outcome_count(&c) >= k)
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
    json_t *lines, *o, *seen, *recs, *rec;
    size_t i, kills = 0;
    int status;
    pid_t pid;

    (void)state;
    reset();
    write_buyer("{\"delivery\":{\"external_id_field\":"
                "\"source_lead_id__c\"}}");
    clienttest_write_leads(c.leads, "k", 0, n, NULL);
    for (i = 0; i < sizeof(kill_at) / sizeof(kill_at[0]); i++) {
        pid = spawn_client(2, i > 0);
        if (wait_lines(pid, kill_at[i])) {
            kill(pid, SIGKILL);
            assert_int_equal(waitpid(pid, &status, 0), pid);
            kills += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        }
    }
    status = clienttest_wait(spawn_client(2, 1));
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* At least one kill must have hit a running client to mean anything. */
    print_message("%zu of %zu SIGKILLs hit a running sfdeliver\n", kills,
                  sizeof(kill_at) / sizeof(kill_at[0]));
    assert_true(kills >= 1);

    lines = clienttest_outcome_lines(&c);
    seen = json_object();
    json_array_foreach(lines, i, o) {
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

    recs = simtest_admin(&sim, "GET", "/__sim/records/Lead", NULL);
    assert_int_equal(json_array_size(recs), (size_t)n);
    json_array_foreach(recs, i, rec) {
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
        cmocka_unit_test(test_held_summary_tells_sent_from_unsent),
        cmocka_unit_test(test_paused_then_resumed_after_expiry),
        cmocka_unit_test(test_resumed_with_unknown_token_age),
        cmocka_unit_test(test_midrun_refresh_before_timeout),
        cmocka_unit_test(test_upsert_not_duplicated),
        cmocka_unit_test(test_payload_error_is_reported),
        cmocka_unit_test(test_kill_and_resume),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
