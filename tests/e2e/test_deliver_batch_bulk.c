/*
 * test_deliver_batch_bulk.c - sfdeliver's delivery.format "bulk" against
 * the real sfsim: one Bulk API 2.0 upsert job per run, each lead mapped
 * back through the job's result files. A JobComplete job with a failed row
 * (nine delivered, one delivery_failed); a Failed job (every row
 * unprocessed: none delivered, all held); a job that fails part-way (the
 * rows it saved held too, then a --resume upserts them without doubles);
 * a job stalled for hours of simulated time (held, then the --resume polls
 * the same job); SIGKILL while the job runs, then --resume (no second
 * upload); a job larger than job_size split in two.
 *
 * The org is fixtures/orgs/bulk.json with its clock let run, so the sim
 * processes 100 rows a simulated second as time passes.
 */
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
#include <unistd.h>

#include <cmocka.h>

#include "clienttest.h"
#include "simtest.h"

#define JOBS_PATH "/services/data/v59.0/jobs/ingest"

static struct simtest sim;
static struct clienttest c;

static int
group_setup(void **state)
{
    (void)state;
    clienttest_group_start(&c, &sim, "orgs/bulk.json", "bulk");
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    return clienttest_group_stop(&c, &sim);
}

static void
reset(void)
{
    simtest_reset(&sim);
    json_decref(simtest_admin(&sim, "DELETE", "/__sim/faults", NULL));
    json_decref(
        simtest_admin(&sim, "POST", "/__sim/clock", "{\"frozen\":false}"));
    clienttest_forget(&c);
    simtest_login(&sim, "{}");
}

/* A bulk buyer (upsert on source_lead_id__c, quick polls), patched by
 * extra (may be NULL). */
static void
write_buyer(const char *extra)
{
    json_t *b = clienttest_rest_buyer(&sim);

    clienttest_patch(b,
                     "{\"delivery\":{\"url\":\"%s" JOBS_PATH
                     "\",\"format\":\"bulk\",\"external_id_field\":"
                     "\"source_lead_id__c\",\"poll_ms\":50,\"poll_max_ms\":"
                     "200,\"job_wait_seconds\":60}}",
                     sim.proc.url);
    clienttest_write_buyer(&c, b, CLIENTTEST_REST_MAPPING,
                           "{\"mapping\":{\"phone\":\"Phone\"},"
                           "\"retry\":{\"max_retries\":1,\"backoff_ms\":1}}",
                           extra, NULL);
}

static pid_t
launch(int resume)
{
    return clienttest_launch(
        &c, &(struct clienttest_run){.resume = resume, .log = 1, .quiet = 1});
}

static int
run_client(int resume)
{
    int st = clienttest_wait(launch(resume));

    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
add_fault(const char *rule)
{
    json_decref(simtest_admin(&sim, "POST", "/__sim/faults", rule));
}

/* Ingest jobs the sim holds. */
static size_t
jobs(void)
{
    long st;
    json_t *list = simtest_api_json(&sim, "GET", JOBS_PATH, NULL, NULL, &st);
    size_t n;

    assert_int_equal(st, 200);
    n = json_array_size(json_object_get(list, "records"));
    json_decref(list);
    return n;
}

/* Leads of outcome among ids prefix0..prefix(n-1). */
static int
count_outcome(json_t *all, const char *prefix, int n, const char *outcome)
{
    char id[32];
    int k = 0;

    for (int i = 0; i < n; i++) {
        const char *o;

        snprintf(id, sizeof(id), "%s%d", prefix, i);
        o = clienttest_str(all, id, "outcome");
        k += o != NULL && strcmp(o, outcome) == 0;
    }
    return k;
}

/* The jobs the state file still names. */
static size_t
saved_jobs(void)
{
    char path[CLIENTTEST_PATH_MAX + 32];
    json_t *doc;
    size_t n;

    snprintf(path, sizeof(path), "%s/bulkjob.json", c.state);
    doc = json_load_file(path, 0, NULL);
    n = json_array_size(json_object_get(doc, "jobs"));
    json_decref(doc);
    return n;
}

/* JobComplete with a failed row: nine delivered, the bad one
 * delivery_failed with the row's sf__Error, the job forgotten. */
static void
test_complete_with_failed_row(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "a", 0, 10,
                           "\"last\":\"L{i}\",\"company\":\"Co\","
                           "\"phone\":\"55500000{i}{i}\"");
    add_fault("{\"path\":\"" JOBS_PATH "\",\"scope\":\"record\",\"field\":"
              "\"LastName\",\"value\":\"L3\",\"error_code\":"
              "\"FIELD_CUSTOM_VALIDATION_EXCEPTION\"}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(json_object_size(all), 10);
    assert_int_equal(count_outcome(all, "a", 10, "delivered"), 9);
    assert_string_equal(clienttest_str(all, "a3", "outcome"),
                        "delivery_failed");
    assert_non_null(strstr(clienttest_str(all, "a3", "error"),
                           "FIELD_CUSTOM_VALIDATION_EXCEPTION"));
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 9);
    assert_int_equal(jobs(), 1);
    assert_int_equal(saved_jobs(), 0);
}

/* A job that fails as it starts: every row unprocessed, none delivered,
 * all held; a --resume (the fault gone) delivers them in a new job. */
static void
test_failed_job_none_delivered(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "f", 0, 5, NULL);
    add_fault("{\"path\":\"" JOBS_PATH "\",\"action\":\"fail_job\","
              "\"times\":1}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "f", 5, "held"), 5);
    assert_string_equal(clienttest_str(all, "f0", "reason"), "unprocessed");
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 0);
    assert_int_equal(run_client(1), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "f", 5, "delivered"), 5);
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 5);
    assert_int_equal(jobs(), 2);
}

/* A job that fails after saving 200 of 210 rows: the 200 it saved (in
 * its successfulResults/) are delivered, the 10 unprocessed held. The
 * --resume upserts those 10 in a new job: delivered, and the org holds
 * 210. */
static void
test_partly_failed_job_resumed_no_doubles(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "p", 0, 210, NULL);
    add_fault("{\"path\":\"" JOBS_PATH "\",\"action\":\"fail_job\","
              "\"after_records\":200,\"times\":1}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "p", 210, "delivered"), 200);
    assert_int_equal(count_outcome(all, "p", 210, "held"), 10);
    assert_string_equal(clienttest_str(all, "p209", "reason"), "unprocessed");
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 200);
    assert_int_equal(run_client(1), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "p", 210, "delivered"), 210);
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 210);
}

/* A job stalled past job_wait_seconds: the leads are held (bulk_pending),
 * the job stays in the state file; hours later on the simulated clock the
 * --resume polls the same job, which has finished: delivered, one job. */
static void
test_stalled_job_across_hours(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer("{\"delivery\":{\"job_wait_seconds\":1}}");
    clienttest_write_leads(c.leads, "s", 0, 6, NULL);
    add_fault("{\"path\":\"" JOBS_PATH "\",\"action\":\"stall_job\","
              "\"times\":100000}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "s", 6, "held"), 6);
    assert_string_equal(clienttest_str(all, "s0", "reason"), "bulk_pending");
    json_decref(all);
    assert_int_equal(saved_jobs(), 1);
    assert_int_equal(simtest_count(&sim, "Lead"), 0);
    json_decref(simtest_admin(&sim, "DELETE", "/__sim/faults", NULL));
    simtest_advance(&sim, 3 * 3600);
    assert_int_equal(run_client(1), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "s", 6, "delivered"), 6);
    json_decref(all);
    assert_int_equal(jobs(), 1);
    assert_int_equal(saved_jobs(), 0);
    assert_int_equal(simtest_count(&sim, "Lead"), 6);
}

/* SIGKILL once the job is saved and running (stalled), then --resume:
 * the same job is polled, nothing uploaded twice. */
static void
test_kill_and_resume(void **state)
{
    json_t *all;
    pid_t pid;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "k", 0, 8, NULL);
    add_fault("{\"path\":\"" JOBS_PATH "\",\"action\":\"stall_job\","
              "\"times\":100000}");
    pid = launch(0);
    for (int i = 0; i < 500 && saved_jobs() == 0; i++)
        usleep(10 * 1000);
    assert_int_equal(saved_jobs(), 1);
    usleep(100 * 1000);
    kill(pid, SIGKILL);
    clienttest_wait(pid);
    json_decref(simtest_admin(&sim, "DELETE", "/__sim/faults", NULL));
    assert_int_equal(run_client(1), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "k", 8, "delivered"), 8);
    json_decref(all);
    assert_int_equal(jobs(), 1);
    assert_int_equal(simtest_count(&sim, "Lead"), 8);
}

/* An expired token: the first request of the job answers 401, one
 * refresh, and the job runs once with every lead delivered. */
static void
test_expired_token(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(NULL);
    clienttest_write_leads(c.leads, "t", 0, 5, NULL);
    json_decref(simtest_admin(&sim, "POST", "/__sim/tokens/expire", "{}"));
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "t", 5, "delivered"), 5);
    json_decref(all);
    assert_int_equal(
        simtest_journal_count(
            &sim, &(struct simtest_match){.path = "/services/oauth2/token",
                                          .status = 200}),
        1);
    simtest_login(&sim, "{}"); /* the test's own session expired too */
    assert_int_equal(jobs(), 1);
    assert_int_equal(simtest_count(&sim, "Lead"), 5);
}

/* job_size splits the leads: 25 at 10 a job are three jobs. */
static void
test_job_size(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer("{\"delivery\":{\"job_size\":10}}");
    clienttest_write_leads(c.leads, "z", 0, 25, NULL);
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(count_outcome(all, "z", 25, "delivered"), 25);
    json_decref(all);
    assert_int_equal(jobs(), 3);
    assert_int_equal(simtest_count(&sim, "Lead"), 25);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_with_failed_row),
        cmocka_unit_test(test_failed_job_none_delivered),
        cmocka_unit_test(test_partly_failed_job_resumed_no_doubles),
        cmocka_unit_test(test_stalled_job_across_hours),
        cmocka_unit_test(test_kill_and_resume),
        cmocka_unit_test(test_expired_token),
        cmocka_unit_test(test_job_size),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
