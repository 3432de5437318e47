/*
 * test_deliver_batch.c - sfdeliver's delivery.format "collection" against
 * the real sfsim: leads go batch_size at a time in sObject Collections
 * calls, and each lead's outcome comes from its own element of the answer.
 * One bad lead among ten (nine delivered, one delivery_failed, and only it
 * resent); an answer rolled back whole (none delivered); a duplicate rule
 * hit inside a batch; calls split at batch_size; a token that expires
 * mid-run; a reset of the whole call with upsert (resent, no doubles) and
 * without (not resent: unknown_result); the delivery log's batch lines.
 *
 * The org is fixtures/orgs/bulk.json (the external id source_lead_id__c, a
 * 10-digit Phone rule, duplicate Emails blocked). Per-lead verdicts are
 * read from the sim's journal (kind "record"), never from the client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "clienttest.h"
#include "simtest.h"

#define COLL_PATH "/services/data/v59.0/composite/sobjects"
#define UPSERT_PATH COLL_PATH "/Lead/source_lead_id__c"

static struct simtest sim;
static struct clienttest c;

static int
group_setup(void **state)
{
    (void)state;
    clienttest_group_start(&c, &sim, "orgs/bulk.json", "batch");
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
    clienttest_forget(&c);
    simtest_login(&sim, "{}");
}

/* A collection buyer (max_retries given, no backoff to speak of), patched
 * by extra (may be NULL). */
static void
write_buyer(int max_retries, const char *extra)
{
    json_t *b = clienttest_rest_buyer(&sim);

    clienttest_patch(b,
                     "{\"delivery\":{\"url\":\"%s" COLL_PATH
                     "\",\"format\":\"collection\"}}",
                     sim.proc.url);
    clienttest_write_buyer(
        &c, b, CLIENTTEST_REST_MAPPING, "{\"mapping\":{\"email\":\"Email\"}}",
        max_retries == 0 ? "{\"retry\":{\"max_retries\":0}}"
                         : "{\"retry\":{\"max_retries\":2,"
                           "\"backoff_ms\":1,\"jitter\":false}}",
        extra, NULL);
}

static int
run_client(int resume)
{
    return clienttest_run(
        &c, &(struct clienttest_run){.resume = resume, .log = 1, .quiet = 1});
}

static void
add_fault(const char *rule)
{
    json_decref(simtest_admin(&sim, "POST", "/__sim/faults", rule));
}

/* Journal entries of kind "record" (one per record of a batch call) with
 * verdict (NULL: any), and the calls on path. */
static size_t
records(const char *verdict)
{
    return simtest_journal_count(
        &sim, &(struct simtest_match){.kind = "record", .verdict = verdict});
}

static size_t
calls(const char *path)
{
    return simtest_journal_count(
        &sim, &(struct simtest_match){.kind = "request", .path = path});
}

/* The record entries of lead id (by its source_lead_id__c). */
static size_t
records_of(const char *id)
{
    json_t *all =
        simtest_journal_find(&sim, &(struct simtest_match){.kind = "record"});
    json_t *e;
    size_t i, n = 0;

    json_array_foreach(all, i, e) {
        const char *v = json_string_value(
            json_object_get(json_object_get(e, "fields"), "source_lead_id__c"));

        n += v != NULL && strcmp(v, id) == 0;
    }
    json_decref(all);
    return n;
}

static void
assert_outcome(json_t *all, const char *id, const char *outcome)
{
    assert_non_null(clienttest_str(all, id, "outcome"));
    assert_string_equal(clienttest_str(all, id, "outcome"), outcome);
}

/* Ten leads, one the org refuses every time: nine delivered in one call,
 * the bad one resent alone (max_retries 2: three calls), then
 * delivery_failed with its own error. */
static void
test_one_bad_in_ten(void **state)
{
    json_t *all;
    char id[16];

    (void)state;
    reset();
    write_buyer(2, NULL);
    clienttest_write_leads(c.leads, "a", 0, 10,
                           "\"last\":\"Last{i}\",\"company\":\"Co\","
                           "\"email\":\"a{i}@x.test\"");
    add_fault("{\"path\":\"/services/data\",\"scope\":\"record\","
              "\"field\":\"LastName\",\"value\":\"Last7\",\"error_code\":"
              "\"FIELD_CUSTOM_VALIDATION_EXCEPTION\"}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(json_object_size(all), 10);
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof(id), "a%d", i);
        assert_outcome(all, id, i == 7 ? "delivery_failed" : "delivered");
        assert_int_equal(clienttest_int(all, id, "attempts"), i == 7 ? 3 : 1);
        /* Only the failed lead was resent. */
        assert_int_equal(records_of(id), i == 7 ? 3 : 1);
    }
    assert_string_equal(clienttest_str(all, "a7", "reason"), "validation");
    assert_non_null(strstr(clienttest_str(all, "a7", "error"),
                           "FIELD_CUSTOM_VALIDATION_EXCEPTION"));
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 9);
    assert_int_equal(calls(COLL_PATH), 3);
    assert_int_equal(records("created"), 9);
    assert_int_equal(records("fault_injected"), 3);
}

/* An answer whose every element failed (the org rolled the call back, as
 * allOrNone does): none delivered, nothing claimed. The client itself
 * sends allOrNone false. */
static void
test_rolled_back_none_delivered(void **state)
{
    json_t *all, *req;
    const char *rb = "{\"success\":false,\"errors\":[{\"statusCode\":"
                     "\"ALL_OR_NONE_OPERATION_ROLLED_BACK\",\"message\":"
                     "\"Record rolled back because not all records were "
                     "valid and the request was using AllOrNone header\","
                     "\"fields\":[]}]}";
    char rule[1024];

    (void)state;
    reset();
    write_buyer(0, NULL);
    clienttest_write_leads(c.leads, "r", 0, 3, NULL);
    snprintf(rule, sizeof(rule),
             "{\"path\":\"" COLL_PATH "\",\"status\":200,\"times\":1,"
             "\"body\":[%s,{\"success\":false,\"errors\":[{\"statusCode\":"
             "\"REQUIRED_FIELD_MISSING\",\"message\":\"Required fields are "
             "missing: [Company]\",\"fields\":[\"Company\"]}]},%s]}",
             rb, rb);
    add_fault(rule);
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_outcome(all, "r0", "delivery_failed");
    assert_outcome(all, "r1", "delivery_failed");
    assert_outcome(all, "r2", "delivery_failed");
    assert_string_equal(clienttest_str(all, "r0", "reason"), "rolled_back");
    json_decref(all);
    req =
        simtest_journal_last(&sim, &(struct simtest_match){.path = COLL_PATH});
    assert_non_null(req);
    assert_non_null(strstr(json_string_value(json_object_get(req, "body")),
                           "\"allOrNone\":false"));
    json_decref(req);
    assert_int_equal(simtest_count(&sim, "Lead"), 0);
}

/* A duplicate rule hit inside a batch: the lead whose Email is in the org
 * already is delivery_failed (DUPLICATES_DETECTED), the others delivered. */
static void
test_duplicate_inside_batch(void **state)
{
    json_t *all;
    long st;

    (void)state;
    reset();
    json_decref(simtest_api_json(&sim, "POST",
                                 "/services/data/v59.0/sobjects/Lead/",
                                 "{\"LastName\":\"Old\",\"Company\":\"Co\","
                                 "\"Email\":\"dup@x.test\"}",
                                 NULL, &st));
    assert_int_equal(st, 201);
    write_buyer(0, NULL);
    clienttest_write_file(c.leads,
                          "{\"id\":\"d0\",\"last\":\"L0\",\"company\":\"Co\","
                          "\"email\":\"d0@x.test\"}\n"
                          "{\"id\":\"d1\",\"last\":\"L1\",\"company\":\"Co\","
                          "\"email\":\"dup@x.test\"}\n"
                          "{\"id\":\"d2\",\"last\":\"L2\",\"company\":\"Co\","
                          "\"email\":\"d2@x.test\"}\n");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_outcome(all, "d0", "delivered");
    assert_outcome(all, "d1", "delivery_failed");
    assert_outcome(all, "d2", "delivered");
    assert_non_null(
        strstr(clienttest_str(all, "d1", "error"), "DUPLICATES_DETECTED"));
    json_decref(all);
    assert_int_equal(records("rejected_duplicate"), 1);
    assert_int_equal(simtest_count(&sim, "Lead"), 3);
}

/* batch_size splits the calls: 25 leads at 10 a call are three calls. */
static void
test_batch_size(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(0, "{\"delivery\":{\"batch_size\":10}}");
    clienttest_write_leads(c.leads, "s", 0, 25, NULL);
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_int_equal(json_object_size(all), 25);
    json_decref(all);
    assert_int_equal(calls(COLL_PATH), 3);
    assert_int_equal(simtest_count(&sim, "Lead"), 25);
}

/* A reset of a whole call with upsert: the call is resent (PATCH by the
 * external id), every lead delivered, none created twice. */
static void
test_reset_with_upsert_no_doubles(void **state)
{
    json_t *all;
    char id[16];

    (void)state;
    reset();
    write_buyer(2, "{\"delivery\":{\"external_id_field\":"
                   "\"source_lead_id__c\"}}");
    clienttest_write_leads(c.leads, "u", 0, 8, NULL);
    /* The sim saves the records, then resets the connection. */
    add_fault("{\"path\":\"" UPSERT_PATH "\",\"action\":\"reset\","
              "\"times\":1}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    for (int i = 0; i < 8; i++) {
        snprintf(id, sizeof(id), "u%d", i);
        assert_outcome(all, id, "delivered");
        assert_int_equal(clienttest_int(all, id, "attempts"), 2);
    }
    json_decref(all);
    assert_int_equal(records("created"), 8);
    assert_int_equal(simtest_count(&sim, "Lead"), 8);
}

/* The answer of a call never reaches the client (it times out first):
 * with upsert the call is resent and every lead delivered once. */
static void
test_timeout_with_upsert_no_doubles(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(2, "{\"delivery\":{\"external_id_field\":"
                   "\"source_lead_id__c\",\"timeout_ms\":300}}");
    clienttest_write_leads(c.leads, "w", 0, 6, NULL);
    add_fault("{\"path\":\"" UPSERT_PATH "\",\"action\":\"delay\","
              "\"delay_ms\":1000,\"times\":1}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_outcome(all, "w0", "delivered");
    assert_outcome(all, "w5", "delivered");
    assert_int_equal(clienttest_int(all, "w0", "attempts"), 2);
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 6);
}

/* The same without an external id: the call is not resent, and the
 * leads end delivery_failed (unknown_result). */
static void
test_timeout_without_upsert_not_resent(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(2, "{\"delivery\":{\"timeout_ms\":300}}");
    clienttest_write_leads(c.leads, "x", 0, 4, NULL);
    add_fault("{\"path\":\"" COLL_PATH "\",\"action\":\"delay\","
              "\"delay_ms\":1000,\"times\":1}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_outcome(all, "x0", "delivery_failed");
    assert_string_equal(clienttest_str(all, "x0", "reason"), "unknown_result");
    assert_int_equal(clienttest_int(all, "x0", "attempts"), 1);
    json_decref(all);
    assert_true(simtest_count(&sim, "Lead") <= 4);
}

/* The same reset without an external id: the leads are not resent (the
 * org may hold them), and end delivery_failed with unknown_result. */
static void
test_reset_without_upsert_not_resent(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(2, NULL);
    clienttest_write_leads(c.leads, "n", 0, 3, NULL);
    add_fault("{\"path\":\"" COLL_PATH "\",\"action\":\"reset\","
              "\"times\":1}");
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_outcome(all, "n0", "delivery_failed");
    assert_string_equal(clienttest_str(all, "n0", "reason"), "unknown_result");
    assert_int_equal(clienttest_int(all, "n0", "attempts"), 1);
    json_decref(all);
}

/* An expired token: one refresh, the call sent again, every lead
 * delivered once, the 401 not counted as a retry. */
static void
test_expired_token(void **state)
{
    json_t *all;

    (void)state;
    reset();
    write_buyer(0, NULL);
    clienttest_write_leads(c.leads, "t", 0, 5, NULL);
    json_decref(simtest_admin(&sim, "POST", "/__sim/tokens/expire", "{}"));
    assert_int_equal(run_client(0), 0);
    all = clienttest_outcomes(&c);
    assert_outcome(all, "t0", "delivered");
    assert_outcome(all, "t4", "delivered");
    json_decref(all);
    assert_int_equal(simtest_count(&sim, "Lead"), 5);
    assert_int_equal(
        simtest_journal_count(
            &sim, &(struct simtest_match){.path = COLL_PATH, .status = 401}),
        1);
}

/* The delivery log: one line for the call (lead_id null, batch, leads),
 * one per lead with its batch and index. */
static void
test_log_lines(void **state)
{
    char *log, *p;
    size_t lines = 0;

    (void)state;
    reset();
    write_buyer(0, NULL);
    clienttest_write_leads(c.leads, "g", 0, 3, NULL);
    assert_int_equal(run_client(0), 0);
    log = clienttest_read_file(c.log);
    for (p = log; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    assert_int_equal(lines, 4);
    assert_non_null(strstr(log, "\"lead_id\":null,\"batch\":\"b1\","
                                "\"leads\":3"));
    assert_non_null(strstr(log, "\"lead_id\":\"g2\",\"batch\":\"b1\","
                                "\"index\":2"));
    free(log);
}

/* A 200 whose element is no object (a broken answer): the lead's log line
 * has no "body", as json_dumps(elem, JSON_COMPACT) writes no scalar. */
static void
test_log_scalar_element(void **state)
{
    char *log, *line, *end;

    (void)state;
    reset();
    write_buyer(0, NULL);
    add_fault(
        "{\"path\":\"" COLL_PATH "\",\"status\":200,\"body\":\"[1]\","
        "\"content_type\":\"application/json;charset=UTF-8\",\"times\":1}");
    clienttest_write_leads(c.leads, "s", 0, 1, NULL);
    assert_int_equal(run_client(0), 0);
    log = clienttest_read_file(c.log);
    line = strstr(log, "\"lead_id\":\"s0\"");
    assert_non_null(line);
    end = strchr(line, '\n');
    assert_non_null(end);
    *end = '\0';
    assert_null(strstr(line, "\"body\""));
    free(log);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_bad_in_ten),
        cmocka_unit_test(test_rolled_back_none_delivered),
        cmocka_unit_test(test_duplicate_inside_batch),
        cmocka_unit_test(test_batch_size),
        cmocka_unit_test(test_reset_with_upsert_no_doubles),
        cmocka_unit_test(test_reset_without_upsert_not_resent),
        cmocka_unit_test(test_timeout_with_upsert_no_doubles),
        cmocka_unit_test(test_timeout_without_upsert_not_resent),
        cmocka_unit_test(test_expired_token),
        cmocka_unit_test(test_log_lines),
        cmocka_unit_test(test_log_scalar_element),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
