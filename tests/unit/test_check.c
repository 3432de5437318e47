/*
 * test_check.c - verdicts from synthetic evidence: a journal, the
 * client's outcome lines and the records, judged by check_case() exactly
 * as a trial would, without a sim or a client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "check.h"
#include "wire.h"
#include "xmalloc.h"

#define REST "/services/data/v59.0/sobjects/Lead/"
#define TOKEN "/services/oauth2/token"

/* The evidence being built: journal, leads, runs, records. */
struct ev {
    json_t *journal, *leads, *runs, *records;
    int seq;
};

static void
ev_init(struct ev *e)
{
    e->journal = json_array();
    e->leads = json_array();
    e->runs = json_array();
    e->records = json_pack("{s:[], s:[], s:[]}", "Lead", "Contact", "Account");
    e->seq = 0;
}

static void
ev_free(struct ev *e)
{
    json_decref(e->journal);
    json_decref(e->leads);
    json_decref(e->runs);
    json_decref(e->records);
}

static void
lead(struct ev *e, const char *id, const char *email)
{
    json_array_append_new(e->leads,
                          json_pack("{s:s, s:s, s:{s:s, s:s}}", "id", id, "key",
                                    email, "lead", "id", id, "email", email));
}

/* A request the sim journaled at ms after 09:00:00. */
static void
req_at(struct ev *e, const char *path, int status, const char *verdict,
       const char *body, int ms)
{
    char when[64];

    e->seq++;
    snprintf(when, sizeof(when), "2026-03-02T09:%02d:%02d.%03dZ",
             ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
    json_array_append_new(
        e->journal,
        json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s?}", "seq",
                  e->seq, "kind", "request", "time", when, "method", "POST",
                  "path", path, "status", status, "verdict", verdict,
                  "content_type", "application/json", "auth", "bearer", "body",
                  body));
}

/* A request the sim journaled, one second after the previous one. */
static void
req(struct ev *e, const char *path, int status, const char *verdict,
    const char *body)
{
    req_at(e, path, status, verdict, body, (e->seq + 1) * 1000);
}

/* A lead's REST post at ms after 09:00:00. */
static void
post_at(struct ev *e, const char *email, int status, const char *verdict,
        int ms)
{
    char body[256];

    snprintf(body, sizeof(body), "{\"LastName\":\"L\",\"Email\":\"%s\"}",
             email);
    req_at(e, REST, status, verdict, body, ms);
}

/* A lead's REST post. */
static void
post(struct ev *e, const char *email, int status, const char *verdict)
{
    post_at(e, email, status, verdict, (e->seq + 1) * 1000);
}

/* A client run over the journal entries since the previous run; outcomes
 * is the text of its NDJSON lines separated by '|'. */
static void
run(struct ev *e, const char *ids, const char *outcomes, int exit_status)
{
    json_int_t from = 0;
    json_t *r, *lines = json_array(), *idl = json_array();
    char buf[2048], *p, *save = NULL;

    if (json_array_size(e->runs) > 0)
        from = json_integer_value(json_object_get(
            json_array_get(e->runs, json_array_size(e->runs) - 1), "seq_to"));
    snprintf(buf, sizeof(buf), "%s", outcomes);
    for (p = strtok_r(buf, "|", &save); p != NULL;
         p = strtok_r(NULL, "|", &save))
        json_array_append_new(lines, json_loads(p, 0, NULL));
    snprintf(buf, sizeof(buf), "%s", ids);
    save = NULL;
    for (p = strtok_r(buf, ",", &save); p != NULL;
         p = strtok_r(NULL, ",", &save))
        json_array_append_new(idl, json_string(p));
    r = json_pack("{s:I, s:o, s:i, s:b, s:I, s:o, s:[], s:I, s:I}", "step",
                  (json_int_t)json_array_size(e->runs) + 1, "leads", idl,
                  "exit", exit_status, "timed_out", 0, "timeout_ms",
                  (json_int_t)5000, "outcomes", lines, "bad_lines", "seq_from",
                  from, "seq_to", (json_int_t)e->seq);
    json_array_append_new(e->runs, r);
}

static void
record(struct ev *e, const char *object, const char *json)
{
    json_array_append_new(json_object_get(e->records, object),
                          json_loads(json, 0, NULL));
}

/* The evidence document check.h describes (new reference). */
static json_t *
evidence(struct ev *e)
{
    json_t *final = json_object(), *r, *line;
    size_t i, j;

    json_array_foreach(e->runs, i, r) {
        json_array_foreach(json_object_get(r, "outcomes"), j, line)
            json_object_set(final,
                            json_string_value(json_object_get(line, "lead_id")),
                            line);
    }
    return json_pack("{s:O, s:{s:[], s:i}, s:O, s:O, s:O, s:o, s:o}", "journal",
                     e->journal, "faults", "faults", "injected", 0, "records",
                     e->records, "leads", e->leads, "runs", e->runs, "final",
                     final, "attempts", wire_attempts(e->journal, e->leads));
}

/* Judges e against one expectation (JSON text) under a profile; the
 * failures. */
static json_t *
judge_as(struct ev *e, const char *expect, const char *profile)
{
    struct check_plan plan = {NULL, "email", profile};
    json_t *ev = evidence(e), *failures = json_array();
    char text[1024];

    snprintf(text, sizeof(text), "[%s]", expect);
    plan.expect = json_loads(text, 0, NULL);
    assert_non_null(plan.expect);
    check_case(&plan, ev, failures);
    json_decref(plan.expect);
    json_decref(ev);
    return failures;
}

static json_t *
judge(struct ev *e, const char *expect)
{
    return judge_as(e, expect, "4xx-retried");
}

static void
expect_pass(struct ev *e, const char *expect)
{
    json_t *f = judge(e, expect);

    if (json_array_size(f) != 0)
        fail_msg("%s: %s", expect, json_string_value(json_array_get(f, 0)));
    json_decref(f);
}

/* Asserts a failure whose message contains needle. */
static void
expect_fail(struct ev *e, const char *expect, const char *needle)
{
    json_t *f = judge(e, expect);
    const char *msg = json_string_value(json_array_get(f, 0));

    if (msg == NULL)
        fail_msg("%s: passed, expected a failure", expect);
    if (strstr(msg, needle) == NULL)
        fail_msg("%s: \"%s\" lacks \"%s\"", expect, msg, needle);
    json_decref(f);
}

static void
test_delivered_must_be_stored(void **state)
{
    struct ev e;
    json_t *ev, *ids = json_array();

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    lead(&e, "L-2", "b@x.com");
    post(&e, "a@x.com", 201, "created");
    req(&e, "/servlet/servlet.WebToLead", 200, "dropped_daily_limit",
        "oid=00D&email=b%40x.com");
    run(&e, "L-1,L-2",
        "{\"lead_id\":\"L-1\",\"outcome\":\"delivered\",\"attempts\":1}|"
        "{\"lead_id\":\"L-2\",\"outcome\":\"delivered\",\"attempts\":1}",
        0);
    expect_fail(&e, "{\"check\":\"outcomes_truthful\"}",
                "L-2: reported delivered but the sim's verdict on its last "
                "attempt was dropped_daily_limit");
    expect_pass(&e, "{\"check\":\"outcome\",\"lead\":\"L-1\","
                    "\"outcome\":[\"delivered\",\"held\"],\"attempts\":1}");
    ev = evidence(&e);
    assert_int_equal(check_false_delivered(ev, ids), 1);
    assert_string_equal(json_string_value(json_array_get(ids, 0)), "L-2");
    json_decref(ev);
    json_decref(ids);
    ev_free(&e);
}

/* A Bulk row the sim processed at seq e->seq + 1, of the upload at
 * batch_seq. */
static void
bulk_row(struct ev *e, int batch_seq, const char *email, const char *verdict)
{
    e->seq++;
    json_array_append_new(
        e->journal,
        json_pack("{s:i, s:s, s:s, s:i, s:s, s:s, s:s, s:{s:s}}", "seq", e->seq,
                  "kind", "record", "time", "2026-03-02T12:00:00.000Z",
                  "batch_seq", batch_seq, "method", "PUT", "path",
                  "/services/data/v62.0/jobs/ingest/750/batches", "verdict",
                  verdict, "fields", "Email", email));
}

/* A Bulk job that processed its rows while no client ran: the next run,
 * the first to read its results, may report them; a single-record post
 * between runs is no run's. */
static void
test_bulk_rows_between_runs(void **state)
{
    struct ev e;
    int start;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    lead(&e, "L-2", "b@x.com");
    req(&e, "/services/data/v62.0/jobs/ingest/750/batches", 201, "ok",
        "Email,LastName\na@x.com,A\nb@x.com,B\n");
    run(&e, "L-1,L-2",
        "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":1}|"
        "{\"lead_id\":\"L-2\",\"outcome\":\"held\",\"attempts\":1}",
        0);
    bulk_row(&e, 1, "a@x.com", "created");
    bulk_row(&e, 1, "b@x.com", "rejected_validation");
    start = e.seq;
    req(&e, "/services/data/v62.0/jobs/ingest/750", 200, "ok", NULL);
    run(&e, "L-1,L-2",
        "{\"lead_id\":\"L-1\",\"outcome\":\"delivered\",\"attempts\":1}|"
        "{\"lead_id\":\"L-2\",\"outcome\":\"delivered\","
        "\"attempts\":1}",
        0);
    json_object_set_new(json_array_get(e.runs, 1), "seq_from",
                        json_integer(start));
    expect_fail(&e, "{\"check\":\"outcomes_truthful\"}",
                "L-2: reported delivered but the sim's verdict on its last "
                "attempt was rejected_validation");
    expect_pass(&e, "{\"check\":\"outcome\",\"lead\":\"L-1\","
                    "\"outcome\":\"delivered\"}");
    ev_free(&e);

    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    run(&e, "L-1", "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":0}",
        0);
    post(&e, "a@x.com", 201, "created");
    start = e.seq;
    run(&e, "L-1",
        "{\"lead_id\":\"L-1\",\"outcome\":\"delivered\",\"attempts\":0}", 0);
    json_object_set_new(json_array_get(e.runs, 1), "seq_from",
                        json_integer(start));
    expect_fail(&e, "{\"check\":\"outcomes_truthful\"}",
                "L-1: reported delivered but never sent");
    ev_free(&e);

    /* Rows processed in run 1 whose results could not be read: held is
     * true; run 2 reads them and reports delivered, sending nothing. */
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    req(&e, "/services/data/v62.0/jobs/ingest/750/batches", 201, "ok",
        "Email,LastName\na@x.com,A\n");
    bulk_row(&e, 1, "a@x.com", "created");
    run(&e, "L-1", "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":1}",
        0);
    req(&e, "/services/data/v62.0/jobs/ingest/750", 200, "ok", NULL);
    run(&e, "L-1",
        "{\"lead_id\":\"L-1\",\"outcome\":\"delivered\",\"attempts\":1}", 0);
    expect_pass(&e, "{\"check\":\"outcomes_truthful\"}");
    ev_free(&e);
}

/* A job uploaded in run 1 processes its rows during run 2, which sends
 * nothing for the lead: run 2's attempts may count the row or not (the
 * contract: the requests this run sent), but not more. */
static void
test_bulk_rows_of_an_earlier_upload(void **state)
{
    const char *told[] = {"0", "1", "2"};
    struct ev e;
    char line[128];
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        ev_init(&e);
        lead(&e, "L-1", "a@x.com");
        req(&e, "/services/data/v62.0/jobs/ingest/750/batches", 201, "ok",
            "Email,LastName\na@x.com,A\n");
        run(&e, "L-1",
            "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":1}", 0);
        req(&e, "/services/data/v62.0/jobs/ingest/750", 200, "ok", NULL);
        bulk_row(&e, 1, "a@x.com", "created");
        snprintf(line, sizeof(line),
                 "{\"lead_id\":\"L-1\",\"outcome\":\"delivered\","
                 "\"attempts\":%s}",
                 told[i]);
        run(&e, "L-1", line, 0);
        if (i < 2)
            expect_pass(&e, "{\"check\":\"outcomes_truthful\"}");
        else
            expect_fail(&e, "{\"check\":\"outcomes_truthful\"}",
                        "L-1: reported 2 attempts, the wire shows 1");
        ev_free(&e);
    }
}

static void
test_held_after_401_is_truthful(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    lead(&e, "L-2", "b@x.com");
    post(&e, "a@x.com", 401, "auth_failed");
    req(&e, TOKEN, 400, "auth_failed", "grant_type=refresh_token");
    run(&e, "L-1,L-2",
        "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":1}|"
        "{\"lead_id\":\"L-2\",\"outcome\":\"held\",\"attempts\":0}",
        0);
    expect_pass(&e, "{\"check\":\"outcomes_truthful\"}");
    expect_pass(&e, "{\"check\":\"one_outcome_per_lead\"}");
    expect_pass(&e, "{\"check\":\"attempts\",\"sum\":true,\"max\":1}");
    expect_fail(&e, "{\"check\":\"reauth_resends\"}",
                "L-1: answered 401 at seq 1 and never sent again");
    ev_free(&e);

    /* Held after a 503 is truthful too: the lead met a 503, then the
     * client could not retry it in this run (no budget left, the token
     * gone); it was not stored, and its attempts are reported. */
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    post(&e, "a@x.com", 503, "fault_injected");
    run(&e, "L-1", "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":1}",
        0);
    expect_pass(&e, "{\"check\":\"outcomes_truthful\"}");
    ev_free(&e);

    /* Held is not a lead the sim stored. */
    ev_init(&e);
    lead(&e, "L-2", "b@x.com");
    post(&e, "b@x.com", 503, "fault_injected");
    post(&e, "b@x.com", 201, "created");
    run(&e, "L-2", "{\"lead_id\":\"L-2\",\"outcome\":\"held\",\"attempts\":2}",
        0);
    expect_fail(&e, "{\"check\":\"outcomes_truthful\"}",
                "L-2: reported held but the sim stored it");
    ev_free(&e);
}

static void
test_reported_attempts_against_wire(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    lead(&e, "L-2", "b@x.com");
    post(&e, "a@x.com", 401, "auth_failed");
    req(&e, TOKEN, 200, "token_issued", "grant_type=refresh_token");
    post(&e, "a@x.com", 201, "created");
    post(&e, "b@x.com", 503, "fault_injected");
    post(&e, "b@x.com", 503, "fault_injected");
    post(&e, "b@x.com", 201, "created");
    /* L-1 may leave the 401 uncounted; L-2 may not leave out a 503. */
    run(&e, "L-1,L-2",
        "{\"lead_id\":\"L-1\",\"outcome\":\"delivered\",\"attempts\":1}|"
        "{\"lead_id\":\"L-2\",\"outcome\":\"delivered\",\"attempts\":2}",
        0);
    expect_fail(&e, "{\"check\":\"outcomes_truthful\"}",
                "L-2: reported 2 attempts, the wire shows 3");
    expect_pass(&e, "{\"check\":\"outcomes_truthful\",\"attempts\":false}");
    expect_pass(&e, "{\"check\":\"reauth_resends\"}");
    expect_pass(&e, "{\"check\":\"attempts\",\"lead\":\"L-2\",\"count\":3}");
    expect_fail(&e, "{\"check\":\"attempts\",\"min\":3}",
                "L-1: 2 attempts on the wire, expected at least 3");
    expect_pass(&e, "{\"check\":\"no_attempt_after_success\"}");
    expect_pass(&e, "{\"check\":\"wire_auth\",\"equals\":\"bearer\"}");
    expect_pass(&e, "{\"check\":\"content_type\",\"equals\":"
                    "\"application/json\"}");
    ev_free(&e);
}

static void
test_401_without_refresh(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    post(&e, "a@x.com", 401, "auth_failed");
    post(&e, "a@x.com", 401, "auth_failed");
    run(&e, "L-1",
        "{\"lead_id\":\"L-1\",\"outcome\":\"delivery_failed\","
        "\"attempts\":2}",
        0);
    expect_fail(&e, "{\"check\":\"reauth_resends\"}",
                "L-1: answered 401 at seq 1 and sent again at seq 2 with no "
                "token issued in between");
    expect_fail(&e, "{\"check\":\"outcome\",\"outcome\":\"delivered\"}",
                "L-1: expected outcome \"delivered\", the client wrote "
                "delivery_failed");
    ev_free(&e);
}

/* "run" and "before_first_attempt" narrow the journal to one client run. */
static void
test_journal_window(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    lead(&e, "L-2", "b@x.com");
    post(&e, "a@x.com", 201, "created");
    run(&e, "L-1",
        "{\"lead_id\":\"L-1\",\"outcome\":\"delivered\","
        "\"attempts\":1}",
        0);
    post(&e, "b@x.com", 201, "created");
    req(&e, TOKEN, 200, "token_issued", "grant_type=refresh_token");
    run(&e, "L-2",
        "{\"lead_id\":\"L-2\",\"outcome\":\"delivered\","
        "\"attempts\":1}",
        0);
    expect_pass(&e, "{\"check\":\"journal\",\"path\":\"" TOKEN
                    "\",\"run\":2,\"count\":1}");
    expect_pass(&e, "{\"check\":\"journal\",\"verdict\":\"created\","
                    "\"run\":1,\"count\":1}");
    expect_fail(&e,
                "{\"check\":\"journal\",\"path\":\"" TOKEN
                "\",\"run\":2,\"before_first_attempt\":true,\"min\":1}",
                "0 journal entries on " TOKEN " in run 2 before its first "
                "lead was sent, expected at least 1");
    expect_fail(&e, "{\"check\":\"journal\",\"run\":3,\"count\":0}",
                "there is no client run 3");
    expect_pass(&e, "{\"check\":\"attempts\",\"run\":1,\"sum\":true,"
                    "\"count\":1}");
    ev_free(&e);
}

static void
test_wire_json_shape(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    lead(&e, "L-2", "b@x.com");
    req(&e, "/services/data/v59.0/actions/custom/flow/F", 200, "created",
        "{\"inputs\":[{\"email\":\"a@x.com\",\"age\":\"42\"}]}");
    req(&e, "/services/data/v59.0/actions/custom/flow/F", 200, "created",
        "{\"inputs\":[{\"email\":\"b@x.com\",\"age\":42,\"vip\":true}]}");
    run(&e, "L-1,L-2", "", 0);
    expect_pass(&e, "{\"check\":\"wire_json\",\"keys\":[\"inputs\"],"
                    "\"array\":\"inputs\",\"items\":1}");
    expect_pass(&e, "{\"check\":\"wire_json\",\"lead\":\"L-1\","
                    "\"strings_only\":true}");
    expect_fail(&e, "{\"check\":\"wire_json\",\"strings_only\":true}",
                "L-2: attempt 2 sends a value that is not a string: age=42");
    expect_fail(&e, "{\"check\":\"wire_json\",\"keys\":[\"records\"]}",
                "has other top-level keys");
    expect_fail(&e,
                "{\"check\":\"wire_json\",\"array\":\"inputs\","
                "\"items\":2}",
                "\"inputs\" has 1 items, expected 2");
    expect_fail(&e, "{\"check\":\"one_outcome_per_lead\"}",
                "L-1 has 0 outcomes, expected 1");
    ev_free(&e);
}

static void
test_records_and_fields(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    record(&e, "Account",
           "{\"PersonEmail\":\"a@x.com\",\"IsPersonAccount\":true,"
           "\"LastName\":\"Lovelace\",\"Phone\":null}");
    expect_pass(&e, "{\"check\":\"records\",\"object\":\"Account\","
                    "\"count\":1}");
    expect_fail(&e, "{\"check\":\"records\",\"count\":1}",
                "0 Lead records stored, expected 1");
    expect_pass(&e, "{\"check\":\"record_field\",\"lead\":\"L-1\","
                    "\"object\":\"Account\",\"match_field\":\"PersonEmail\","
                    "\"field\":\"IsPersonAccount\",\"equals\":true}");
    expect_fail(&e,
                "{\"check\":\"record_field\",\"lead\":\"L-1\","
                "\"object\":\"Account\",\"match_field\":\"PersonEmail\","
                "\"field\":\"LastName\",\"equals\":\"Byron\"}",
                "record LastName is \"Lovelace\", expected \"Byron\"");
    expect_pass(&e, "{\"check\":\"record_field\",\"lead\":\"L-1\","
                    "\"object\":\"Account\",\"match_field\":\"PersonEmail\","
                    "\"field\":\"Phone\",\"empty\":true}");
    expect_fail(&e,
                "{\"check\":\"record_field\",\"lead\":\"L-1\","
                "\"field\":\"LastName\"}",
                "L-1: no Lead record with Email = a@x.com");
    ev_free(&e);
}

static void
test_client_run_failures(void **state)
{
    struct ev e;
    json_t *f;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    run(&e, "L-1", "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":0}",
        3);
    json_object_set_new(json_array_get(e.runs, 0), "timed_out", json_true());
    f = judge(&e, "{\"check\":\"one_outcome_per_lead\"}");
    assert_int_equal(json_array_size(f), 1);
    assert_non_null(strstr(json_string_value(json_array_get(f, 0)),
                           "step 1: the client did not finish within 5000 ms"));
    json_decref(f);
    json_object_set_new(json_array_get(e.runs, 0), "timed_out", json_false());
    expect_fail(&e, "{\"check\":\"one_outcome_per_lead\"}",
                "step 1: the client exited 3");
    ev_free(&e);
}

/* A run killed at its kill_when: its exit status (SIGKILL) fails nothing,
 * and it may have written no line for a lead, but not two. */
static void
test_killed_run(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    lead(&e, "L-2", "b@x.com");
    run(&e, "L-1,L-2",
        "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":0}", 137);
    expect_fail(&e, "{\"check\":\"one_outcome_per_lead\"}",
                "step 1: the client exited 137");
    json_object_set_new(json_array_get(e.runs, 0), "killed", json_true());
    expect_pass(&e, "{\"check\":\"one_outcome_per_lead\"}");
    json_array_append_new(
        json_object_get(json_array_get(e.runs, 0), "outcomes"),
        json_loads("{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":0}",
                   0, NULL));
    expect_fail(&e, "{\"check\":\"one_outcome_per_lead\"}",
                "L-1 has 2 outcomes");
    ev_free(&e);
}

/*
 * Two leads sent into a dead token at once; L-3's request is held up on
 * its way in, so its 401 is journaled after the refresh that L-2's 401
 * started: that refresh covers it, since it was issued after L-3 was sent.
 */
static void
test_reauth_in_flight(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-2", "b@x.com");
    lead(&e, "L-3", "c@x.com");
    post(&e, "b@x.com", 401, "auth_failed");
    req(&e, TOKEN, 200, "token_issued", "grant_type=refresh_token");
    post(&e, "b@x.com", 201, "created");
    post(&e, "c@x.com", 401, "auth_failed");
    post(&e, "c@x.com", 201, "created");
    run(&e, "L-2,L-3",
        "{\"lead_id\":\"L-2\",\"outcome\":\"delivered\",\"attempts\":2}|"
        "{\"lead_id\":\"L-3\",\"outcome\":\"delivered\",\"attempts\":2}",
        0);
    expect_pass(&e, "{\"check\":\"reauth_resends\"}");
    expect_pass(&e, "{\"check\":\"outcomes_truthful\"}");
    ev_free(&e);

    /* A grant from an earlier run covers nothing in this one, and one
     * before the lead's previous attempt does not cover its next 401. */
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    req(&e, TOKEN, 200, "token_issued", "grant_type=refresh_token");
    run(&e, "", "", 0);
    post(&e, "a@x.com", 401, "auth_failed");
    post(&e, "a@x.com", 201, "created");
    run(&e, "L-1",
        "{\"lead_id\":\"L-1\",\"outcome\":\"delivered\",\"attempts\":2}", 0);
    expect_fail(&e, "{\"check\":\"reauth_resends\"}",
                "L-1: answered 401 at seq 2 and sent again at seq 3 with no "
                "token issued in between (none after seq 1");
    ev_free(&e);

    /* A failed refresh covers nothing either. */
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    post(&e, "a@x.com", 401, "auth_failed");
    req(&e, TOKEN, 400, "auth_failed", "grant_type=refresh_token");
    post(&e, "a@x.com", 401, "auth_failed");
    run(&e, "L-1", "{\"lead_id\":\"L-1\",\"outcome\":\"held\",\"attempts\":2}",
        0);
    expect_fail(&e, "{\"check\":\"reauth_resends\"}",
                "L-1: answered 401 at seq 1 and sent again at seq 3 with no "
                "token issued");
    ev_free(&e);
}

/*
 * Spacing in simulated time: full jitter may draw one wait near zero or a
 * shorter wait after a longer one; what every policy meets is a bound on
 * the sum, and each wait under the cap.
 */
static void
test_spacing(void **state)
{
    struct ev e;

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    lead(&e, "L-2", "b@x.com");
    post_at(&e, "a@x.com", 503, "fault_injected", 0);
    post_at(&e, "a@x.com", 503, "fault_injected", 3);  /* 3 ms */
    post_at(&e, "a@x.com", 503, "fault_injected", 90); /* 87 ms */
    post_at(&e, "a@x.com", 201, "created", 120);       /* 30 ms */
    post_at(&e, "b@x.com", 503, "fault_injected", 1000);
    post_at(&e, "b@x.com", 503, "fault_injected", 1002);
    post_at(&e, "b@x.com", 201, "created", 1004);
    run(&e, "L-1,L-2", "", 0);
    expect_pass(&e, "{\"check\":\"spacing\",\"lead\":\"L-1\","
                    "\"min_total_ms\":100,\"max_ms\":100}");
    expect_fail(&e,
                "{\"check\":\"spacing\",\"lead\":\"L-1\","
                "\"min_total_ms\":121}",
                "L-1: its 3 waits add up to 120 ms, expected at least 121");
    expect_fail(&e,
                "{\"check\":\"spacing\",\"lead\":\"L-1\","
                "\"max_ms\":80}",
                "L-1: attempts 2 and 3 are 87 ms apart, expected at most 80");
    expect_fail(&e, "{\"check\":\"spacing\",\"min_ms\":5}",
                "L-1: attempts 1 and 2 are 3 ms apart, expected at least 5");
    expect_fail(&e, "{\"check\":\"spacing\",\"min_total_ms\":25}",
                "L-2: its 2 waits add up to 4 ms, expected at least 25");
    ev_free(&e);
}

/* An expectation with "profile" applies under that profile only. */
static void
test_profile_expectations(void **state)
{
    struct ev e;
    json_t *f;
    const char *by_profile =
        "{\"check\":\"attempts\",\"count\":4,\"profile\":\"4xx-retried\"},"
        "{\"check\":\"attempts\",\"count\":1,\"profile\":[\"4xx-final\"]}";

    (void)state;
    ev_init(&e);
    lead(&e, "L-1", "a@x.com");
    post(&e, "a@x.com", 400, "rejected_validation");
    run(&e, "L-1", "", 0);
    f = judge_as(&e, by_profile, "4xx-final");
    assert_int_equal(json_array_size(f), 0);
    json_decref(f);
    f = judge_as(&e, by_profile, "4xx-retried");
    assert_int_equal(json_array_size(f), 1);
    assert_non_null(strstr(json_string_value(json_array_get(f, 0)),
                           "L-1: 1 attempts on the wire, expected 4"));
    json_decref(f);
    ev_free(&e);
}

/* A failure of many leads ends in "and N more", never in "; ; ;". */
static void
test_long_failure(void **state)
{
    char email[64], id[16];
    struct ev e;
    json_t *f;
    const char *msg;
    int i;

    (void)state;
    ev_init(&e);
    for (i = 0; i < 300; i++) {
        snprintf(id, sizeof(id), "L-%d", i);
        snprintf(email, sizeof(email), "lead%d@example.com", i);
        lead(&e, id, email);
    }
    f = judge(&e, "{\"check\":\"attempts\",\"count\":1}");
    msg = json_string_value(json_array_get(f, 0));
    assert_non_null(msg);
    assert_null(strstr(msg, "; ;"));
    assert_non_null(strstr(msg, "L-0: 0 attempts on the wire, expected 1; "));
    assert_non_null(strstr(msg, " more"));
    assert_true(strlen(msg) < 4200);
    json_decref(f);
    ev_free(&e);
}

static void
test_check_table(void **state)
{
    const char *const *keys;

    (void)state;
    assert_true(check_known("outcomes_truthful"));
    assert_true(check_known("reauth_resends"));
    assert_false(check_known("telepathy"));
    assert_null(check_keys("telepathy"));
    keys = check_keys("journal");
    assert_non_null(keys);
    for (; *keys != NULL && strcmp(*keys, "before_first_attempt") != 0; keys++)
        ;
    assert_non_null(*keys);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delivered_must_be_stored),
        cmocka_unit_test(test_held_after_401_is_truthful),
        cmocka_unit_test(test_bulk_rows_between_runs),
        cmocka_unit_test(test_bulk_rows_of_an_earlier_upload),
        cmocka_unit_test(test_reported_attempts_against_wire),
        cmocka_unit_test(test_401_without_refresh),
        cmocka_unit_test(test_journal_window),
        cmocka_unit_test(test_wire_json_shape),
        cmocka_unit_test(test_records_and_fields),
        cmocka_unit_test(test_client_run_failures),
        cmocka_unit_test(test_killed_run),
        cmocka_unit_test(test_reauth_in_flight),
        cmocka_unit_test(test_spacing),
        cmocka_unit_test(test_profile_expectations),
        cmocka_unit_test(test_long_failure),
        cmocka_unit_test(test_check_table),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
