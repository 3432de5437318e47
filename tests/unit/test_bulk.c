/*
 * test_bulk.c - the Bulk job engine on a real struct sim with a frozen
 * clock, no HTTP: the states from Open to JobComplete, progress by whole
 * chunks at the org's rate and the moment each chunk is saved, a bad header
 * or line ending failing the job, abort, injected fail and stall faults
 * (the stall let go after its polls), the daily batch count, query jobs,
 * delete and the seven-day purge.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bulk.h"
#include "bulkrun.h"
#include "fault.h"
#include "ingest.h"
#include "org.h"
#include "schema.h"
#include "sim.h"
#include "simunit.h"
#include "store.h"
#include "xmalloc.h"

#define T0_MS 1772460000000LL /* 2026-03-02T14:00:00Z */
#define ORG(rate)                                                              \
    "{\"clock\": {\"start\": \"2026-03-02T14:00:00Z\", \"frozen\": true},"     \
    " \"bulk\": {\"records_per_second\": " rate "}}"

/* "LastName,Company\nL0,C\nL1,C\n..." with n rows. */
static char *
leads_csv(size_t n)
{
    struct buf b;
    size_t i;

    buf_init(&b, SIZE_MAX / 2);
    buf_puts(&b, "LastName,Company\n");
    for (i = 0; i < n; i++)
        buf_printf(&b, "L%zu,C\n", i);
    return buf_steal(&b, NULL);
}

/* An insert job with csv uploaded (and closed when close). */
static struct bulk_job *
job_with(struct sim *sim, enum bulk_op op, const char *csv, int crlf, int close)
{
    const struct object_def *obj = schema_object(sim->schema, "Lead");
    struct bulk_spec spec;
    struct bulk_job *j;
    struct sf_err err;

    memset(&spec, 0, sizeof(spec));
    err_clear(&err);
    spec.type = BULK_V2_INGEST;
    spec.op = op;
    spec.store_index = obj->store_index;
    spec.object = obj->name;
    spec.dialect.delim = ',';
    spec.dialect.crlf = crlf;
    spec.api_version = 60;
    spec.created_by = "005000000000001";
    j = bulkrun_create(sim, &spec, &err);
    assert_non_null(j);
    assert_int_equal(j->state, BULK_OPEN);
    assert_int_equal(
        bulk_upload(sim->bulk, j, xstrdup(csv), strlen(csv), 1, &err), 0);
    if (close)
        bulk_close(sim->bulk, j, sim_now(sim));
    return j;
}

static void
at(struct sim *sim, int64_t ms_since_t0)
{
    clock_set(&sim->clock, T0_MS + ms_since_t0);
    bulkrun_settle(sim);
}

static size_t
leads(struct sim *sim)
{
    return store_count(sim->store,
                       schema_object(sim->schema, "Lead")->store_index);
}

static void
test_lifecycle_by_whole_chunks(void **state)
{
    struct sim *sim = simunit_new(ORG("100"));
    char *csv = leads_csv(1000);
    struct bulk_job *j = job_with(sim, BULK_INSERT, csv, 0, 1);

    (void)state;
    assert_int_equal(j->state, BULK_UPLOAD_COMPLETE);
    at(sim, 0); /* no time has passed: nothing moves */
    assert_int_equal(j->state, BULK_UPLOAD_COMPLETE);
    at(sim, 1999); /* 199.9 rows earned: no chunk of 200 yet */
    assert_int_equal(j->state, BULK_IN_PROGRESS);
    assert_int_equal(j->processed, 0);
    at(sim, 2000);
    assert_int_equal(j->processed, 200);
    assert_int_equal(leads(sim), 200);
    at(sim, 5500);
    assert_int_equal(j->processed, 400);
    assert_int_equal(j->last_row_ms, T0_MS + 4000);
    at(sim, 60000);
    assert_int_equal(j->state, BULK_JOB_COMPLETE);
    assert_int_equal(j->processed, 1000);
    assert_int_equal(j->failed, 0);
    assert_int_equal(j->ended_ms, T0_MS + 10000);
    assert_int_equal(leads(sim), 1000);
    free(csv);
    sim_free(sim);
}

static int
first_created(struct record *r, void *arg)
{
    *(int64_t *)arg = r->created_ms;
    return 1;
}

static void
test_rows_saved_when_their_chunk_is(void **state)
{
    struct sim *sim = simunit_new(ORG("100"));
    char *csv = leads_csv(300);
    int64_t created = 0;

    (void)state;
    job_with(sim, BULK_INSERT, csv, 0, 1);
    at(sim, 3000); /* both chunks at once: 200 at 2 s, 100 at 3 s */
    store_foreach(sim->store, schema_object(sim->schema, "Lead")->store_index,
                  first_created, &created);
    assert_int_equal(created, T0_MS + 2000);
    free(csv);
    sim_free(sim);
}

static void
test_bad_header_and_line_ending_fail_the_job(void **state)
{
    struct sim *sim = simunit_new(ORG("1000"));
    struct bulk_job *a, *b, *c;

    (void)state;
    a = job_with(sim, BULK_INSERT, "LastName,Nope__c\nx,y\n", 0, 1);
    b = job_with(sim, BULK_INSERT, "LastName,Company\r\nx,y\r\n", 0, 1);
    c = job_with(sim, BULK_INSERT, "LastName,Company\nx,y\n", 1, 1);
    at(sim, 1);
    assert_int_equal(a->state, BULK_FAILED);
    assert_string_equal(a->error_message,
                        "InvalidBatch : Field name not found : Nope__c");
    assert_int_equal(a->processed, 0);
    assert_int_equal(a->ended_ms, T0_MS);
    assert_int_equal(b->state, BULK_FAILED);
    assert_string_equal(b->error_message,
                        "ClientInputError : LineEnding is invalid on user "
                        "data. Current LineEnding setting is LF");
    assert_string_equal(c->error_message,
                        "ClientInputError : LineEnding is invalid on user "
                        "data. Current LineEnding setting is CRLF");
    assert_int_equal(leads(sim), 0);
    sim_free(sim);
}

static void
test_empty_job_completes(void **state)
{
    struct sim *sim = simunit_new(ORG("1000"));
    const struct object_def *obj = schema_object(sim->schema, "Lead");
    struct bulk_spec spec;
    struct bulk_job *j;
    struct sf_err err;

    (void)state;
    memset(&spec, 0, sizeof(spec));
    spec.type = BULK_V2_INGEST;
    spec.store_index = obj->store_index;
    spec.object = obj->name;
    spec.dialect.delim = ',';
    spec.api_version = 60;
    spec.created_by = "";
    j = bulkrun_create(sim, &spec, &err);
    bulk_close(sim->bulk, j, sim_now(sim));
    at(sim, 1);
    assert_int_equal(j->state, BULK_JOB_COMPLETE);
    assert_int_equal(j->processed, 0);
    sim_free(sim);
}

static void
test_abort_stops_processing(void **state)
{
    struct sim *sim = simunit_new(ORG("100"));
    char *csv = leads_csv(1000);
    struct bulk_job *j = job_with(sim, BULK_INSERT, csv, 0, 1);

    (void)state;
    at(sim, 2000);
    bulk_abort(sim->bulk, j, sim_now(sim));
    at(sim, 60000);
    assert_int_equal(j->state, BULK_ABORTED);
    assert_int_equal(j->processed, 200);
    assert_int_equal(j->ended_ms, T0_MS + 2000);
    assert_int_equal(leads(sim), 200);
    free(csv);
    sim_free(sim);
}

static void
add_rule(struct sim *sim, const char *text)
{
    json_t *spec = json_loads(text, 0, NULL), *rule;
    struct sf_err err;

    err_clear(&err);
    rule = fault_plan_add(sim->faults, spec, &err);
    if (rule == NULL)
        fail_msg("%s", err.msg);
    json_decref(rule);
    json_decref(spec);
}

static void
test_fail_fault_part_way(void **state)
{
    struct sim *sim = simunit_new(ORG("100"));
    char *csv = leads_csv(1000);
    struct bulk_job *j;

    (void)state;
    add_rule(sim, "{\"path\": \"/services/data/*/jobs/ingest/*\", \"action\":"
                  " \"fail_job\", \"after_records\": 300, \"message\": "
                  "\"InvalidBatch : boom\", \"times\": 1}");
    j = job_with(sim, BULK_INSERT, csv, 0, 1);
    at(sim, 60000);
    assert_int_equal(j->state, BULK_FAILED);
    assert_string_equal(j->error_message, "InvalidBatch : boom");
    /* A chunk of 200, then one cut to 100 at the fault's row. */
    assert_int_equal(j->processed, 300);
    assert_int_equal(j->ended_ms, T0_MS + 3000);
    assert_int_equal(leads(sim), 300);
    /* times 1: the next job is not touched. */
    j = job_with(sim, BULK_INSERT, "LastName,Company\nx,y\n", 0, 1);
    at(sim, 70000);
    assert_int_equal(j->state, BULK_JOB_COMPLETE);
    free(csv);
    sim_free(sim);
}

static void
test_stall_fault_held_until_polled(void **state)
{
    struct sim *sim = simunit_new(ORG("100"));
    char *csv = leads_csv(600);
    struct bulk_job *j;

    (void)state;
    add_rule(sim, "{\"path\": \"/services/data/v60.0/jobs/ingest\", "
                  "\"action\": \"stall_job\", \"after_records\": 200, "
                  "\"times\": 2}");
    j = job_with(sim, BULK_INSERT, csv, 0, 1);
    at(sim, 3600 * 1000); /* an hour later: still at 200 */
    assert_int_equal(j->state, BULK_IN_PROGRESS);
    assert_int_equal(j->processed, 200);
    assert_int_not_equal(j->stalled_by, 0);
    bulkrun_observe(sim, j);
    at(sim, 3601 * 1000);
    assert_int_equal(j->processed, 200);
    bulkrun_observe(sim, j); /* the second poll uses the rule up: */
    at(sim, 3602 * 1000);    /* the job runs again from that poll on */
    assert_int_equal(j->processed, 200);
    at(sim, 3603 * 1000);
    assert_int_equal(j->processed, 400);
    at(sim, 3700 * 1000);
    assert_int_equal(j->state, BULK_JOB_COMPLETE);
    assert_int_equal(j->ended_ms, T0_MS + 3605 * 1000);
    free(csv);
    sim_free(sim);
}

static void
test_daily_batches_counted_per_10000_rows(void **state)
{
    struct sim *sim = simunit_new(ORG("1000000"));
    char *csv = leads_csv(25000);

    (void)state;
    job_with(sim, BULK_INSERT, csv, 0, 1);
    at(sim, 1000);
    assert_int_equal(bulk_batches_used(sim->bulk, T0_MS + 1000), 3);
    free(csv);
    sim_free(sim);
}

static void
test_delete_and_purge(void **state)
{
    struct sim *sim = simunit_new(ORG("1000"));
    struct bulk_job *a, *b;
    char id[SFID_LEN15 + 1];

    (void)state;
    a = job_with(sim, BULK_INSERT, "LastName,Company\nx,y\n", 0, 1);
    b = job_with(sim, BULK_INSERT, "LastName,Company\nx,y\n", 0, 0);
    memcpy(id, a->id, sizeof(id));
    at(sim, 1000);
    assert_int_equal(a->state, BULK_JOB_COMPLETE);
    assert_int_equal(a->ended_ms, T0_MS + 1); /* one row at 1,000 a second */
    at(sim, 1 + BULK_RETENTION_MS - 1);
    assert_ptr_equal(bulk_find(sim->bulk, id), a);
    at(sim, 1 + BULK_RETENTION_MS);
    assert_null(bulk_find(sim->bulk, id));
    /* An open job is never purged. */
    memcpy(id, b->id, sizeof(id));
    assert_ptr_equal(bulk_find(sim->bulk, id), b);
    bulk_delete(sim->bulk, b);
    assert_null(bulk_find(sim->bulk, id));
    sim_free(sim);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle_by_whole_chunks),
        cmocka_unit_test(test_rows_saved_when_their_chunk_is),
        cmocka_unit_test(test_bad_header_and_line_ending_fail_the_job),
        cmocka_unit_test(test_empty_job_completes),
        cmocka_unit_test(test_abort_stops_processing),
        cmocka_unit_test(test_fail_fault_part_way),
        cmocka_unit_test(test_stall_fault_held_until_polled),
        cmocka_unit_test(test_daily_batches_counted_per_10000_rows),
        cmocka_unit_test(test_delete_and_purge),
    };

    xjson_init();
    return cmocka_run_group_tests_name("unit_bulk", tests, NULL, NULL);
}
