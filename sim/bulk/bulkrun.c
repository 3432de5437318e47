/*
 * bulkrun.c - Bulk API jobs run on the simulated clock (see bulkrun.h).
 *
 * Processing time is kept as credit: each simulated millisecond a running
 * job earns `rate` thousandths of a row, and a chunk runs once its rows
 * are earned, at the exact moment they were. A stall spends nothing and
 * earns nothing, so a job resumes where it stopped, at its own pace.
 */
#include "bulkrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "bulkquery.h"
#include "fault.h"
#include "ingest.h"
#include "org.h"
#include "sim.h"
#include "xmalloc.h"

/* Whether this job would go past an allocation; err set when it would. */
static int
over_quota(struct sim *sim, const struct bulk_spec *spec, struct sf_err *err)
{
    struct bulk *b = sim->bulk;
    int64_t now = sim_now(sim);

    if (bulk_count(b) >= BULK_MAX_JOBS) {
        err_set(err,
                "ExceededQuota : sfsim keeps at most %d jobs; delete some "
                "first",
                BULK_MAX_JOBS);
        return 1;
    }
    if (spec->type == BULK_V2_QUERY && (int64_t)bulk_query_jobs_used(b, now) >=
                                           sim->org->bulk.daily_query_jobs) {
        err_set(err,
                "ExceededQuota : The daily limit of %lld query jobs "
                "has been exceeded",
                (long long)sim->org->bulk.daily_query_jobs);
        return 1;
    }
    if (spec->type != BULK_V2_QUERY &&
        (int64_t)bulk_batches_used(b, now) >= sim->org->bulk.daily_batches) {
        err_set(err,
                "ExceededQuota : The daily limit of %lld batches has "
                "been exceeded",
                (long long)sim->org->bulk.daily_batches);
        return 1;
    }
    return 0;
}

struct bulk_job *
bulkrun_create(struct sim *sim, const struct bulk_spec *spec,
               struct sf_err *err)
{
    if (over_quota(sim, spec, err))
        return NULL;
    return bulk_job_new(sim->bulk, spec, sim_now(sim));
}

static size_t
total_rows(const struct bulk_job *j)
{
    size_t i, n = j->type == BULK_V2_QUERY ? j->nresult : 0;

    for (i = 0; i < j->nbatches; i++)
        n += j->batches[i].nrows;
    return n;
}

static void
fail(struct sim *sim, struct bulk_job *j, char *why, int64_t at)
{
    free(j->error_message);
    j->error_message = why;
    bulk_set_state(sim->bulk, j, BULK_FAILED, at);
}

/*
 * UploadComplete -> InProgress at the moment processing starts (the close,
 * or the creation of a query job): the data is indexed and checked (or
 * the query run) first, and the job fails there if it must. 0, or -1
 * when the job ended.
 */
static int
start(struct sim *sim, struct bulk_job *j)
{
    size_t before = bulk_job_bytes(j), i;
    char *why = NULL;
    int rc = 0;

    for (i = 0; rc == 0 && i < j->nbatches; i++)
        if (!j->batches[i].indexed)
            rc = ingest_index(sim, j, &j->batches[i], &why);
    if (rc == 0 && j->type == BULK_V2_QUERY)
        rc = bulkquery_run(sim, j, &why);
    bulk_recount(sim->bulk, j, before);
    if (rc == -1) {
        fail(sim, j, why, j->closed_ms);
        return -1;
    }
    if (j->type == BULK_V2_QUERY)
        bulk_count_query_result(sim->bulk, j->closed_ms, j->result.len);
    bulk_set_state(sim->bulk, j, BULK_IN_PROGRESS, j->closed_ms);
    return 0;
}

/* One internal batch of 10,000 rows starts: DailyBulkApiBatches. */
static void
count_chunk(struct sim *sim, struct bulk_job *j, int64_t at)
{
    if (j->type == BULK_V2_QUERY || j->processed / BULK_CHUNK_ROWS < j->chunks)
        return;
    j->chunks++;
    bulk_count_batch(sim->bulk, at);
}

/* The batch and row of the next row to process; NULL when none is left. */
static struct bulk_batch *
next_row(struct bulk_job *j)
{
    size_t i;

    for (i = 0; i < j->nbatches; i++)
        if (j->batches[i].done < j->batches[i].nrows)
            return &j->batches[i];
    return NULL;
}

/*
 * Where a fault stops this job: the row count of the first job rule that
 * applies (or SIZE_MAX), with *hit filled in.
 */
static size_t
fault_point(struct sim *sim, struct bulk_job *j, struct fault_job_hit *hit)
{
    char path[160];

    if (!fault_plan_job(sim->faults, bulk_job_path(j, path, sizeof(path)), hit))
        return SIZE_MAX;
    return hit->after_records < 0 ? 0 : (size_t)hit->after_records;
}

/* The fault's blow at the row count it waited for: j fails or is held. */
static void
strike(struct sim *sim, struct bulk_job *j, const struct fault_job_hit *hit,
       int64_t at)
{
    if (hit->action == FAULT_FAIL_JOB) {
        fault_plan_job_fired(sim->faults, hit->rule_id);
        fail(sim, j, xstrdup(hit->message), at);
        return;
    }
    j->stalled_by = hit->rule_id;
}

/* Rows the next step of an ingest job takes: a chunk of up to
 * INGEST_CHUNK_ROWS rows of one batch, never past the fault's stop. */
static size_t
chunk_rows(const struct bulk_job *j, const struct bulk_batch *bt, size_t stop)
{
    size_t n = bt->nrows - bt->done;

    if (n > INGEST_CHUNK_ROWS)
        n = INGEST_CHUNK_ROWS;
    if (stop > j->processed && stop - j->processed < n)
        n = stop - j->processed;
    return n;
}

/* When credit spent + need (of credit0 + rate per ms since prev) is
 * earned. */
static int64_t
earned_at(int64_t prev, int64_t credit0, int64_t spent, int64_t need,
          int64_t rate)
{
    int64_t owed = spent + need - credit0;

    return owed <= 0 ? prev : prev + (owed + rate - 1) / rate;
}

/* One chunk of an ingest job at time at; -1 when the job failed. */
static int
run_chunk(struct sim *sim, struct bulk_job *j, struct ingest_ctx *c,
          struct bulk_batch *bt, size_t n, int64_t at)
{
    char *why = NULL;
    size_t k;

    if (c->batch != bt) {
        ingest_end(c);
        if (ingest_begin(sim, j, bt, c, &why) == -1) {
            fail(sim, j, why, at);
            return -1;
        }
    }
    count_chunk(sim, j, at);
    ingest_chunk(c, bt->done, n, at);
    for (k = bt->done; k < bt->done + n; k++)
        j->failed += bt->out[k].row == BULK_ROW_FAILED;
    bt->done += n;
    j->processed += n;
    j->last_row_ms = at;
    return 0;
}

/* Query rows revealed with the credit left: as many as it pays for. */
static int64_t
reveal_rows(struct bulk_job *j, int64_t prev, int64_t credit0, int64_t spent,
            int64_t rate, size_t stop)
{
    size_t n = (size_t)((j->credit - spent) / 1000);

    if (n > j->nresult - j->processed)
        n = j->nresult - j->processed;
    if (stop > j->processed && stop - j->processed < n)
        n = stop - j->processed;
    if (n == 0)
        return 0;
    j->processed += n;
    j->last_row_ms = earned_at(prev, credit0, spent, (int64_t)n * 1000, rate);
    return (int64_t)n * 1000;
}

/*
 * Spends the job's credit on what it pays for: whole chunks of ingest
 * rows, or query rows, each done at the moment its credit was earned
 * (credit0 carried over, then rate a millisecond from prev), until the
 * credit runs short, the rows run out or a fault strikes.
 */
static void
run_rows(struct sim *sim, struct bulk_job *j, int64_t prev, int64_t credit0,
         int64_t rate, size_t stop, const struct fault_job_hit *hit)
{
    struct ingest_ctx c;
    struct bulk_batch *bt;
    int64_t spent = 0, need, got;
    size_t n;

    memset(&c, 0, sizeof(c));
    while (bulk_job_running(j) && j->processed < total_rows(j)) {
        if (j->processed >= stop) {
            strike(sim, j, hit, earned_at(prev, credit0, spent, 0, rate));
            break;
        }
        if (j->type == BULK_V2_QUERY) {
            if ((got = reveal_rows(j, prev, credit0, spent, rate, stop)) == 0)
                break;
            spent += got;
            continue;
        }
        bt = next_row(j);
        n = chunk_rows(j, bt, stop);
        need = (int64_t)n * 1000;
        if (j->credit - spent < need)
            break;
        if (run_chunk(sim, j, &c, bt, n,
                      earned_at(prev, credit0, spent, need, rate)) == -1)
            break;
        spent += need;
    }
    ingest_end(&c);
    j->credit -= spent;
}

/* Advances running job j to now at rate rows a second. */
static void
advance(struct sim *sim, struct bulk_job *j, int64_t now, int64_t rate)
{
    struct fault_job_hit hit;
    int64_t prev = j->run_ms, credit0;
    size_t stop, before;

    if (now <= prev)
        return;
    if (j->state == BULK_UPLOAD_COMPLETE && start(sim, j) == -1)
        return;
    stop = fault_point(sim, j, &hit);
    j->run_ms = now;
    if (j->processed >= stop && hit.action == FAULT_STALL_JOB) {
        j->stalled_by = hit.rule_id; /* still held: time passes unused */
        j->credit = 0;
        return;
    }
    j->stalled_by = 0;
    credit0 = j->credit;
    j->credit += (now - prev) * rate;
    before = bulk_job_bytes(j);
    run_rows(sim, j, prev, credit0, rate, stop, &hit);
    bulk_recount(sim->bulk, j, before);
    if (j->stalled_by != 0)
        j->credit = 0; /* a held job earns nothing */
    if (bulk_job_running(j) && j->stalled_by == 0 &&
        j->processed >= total_rows(j)) {
        j->credit = 0;
        bulk_set_state(sim->bulk, j, BULK_JOB_COMPLETE, j->last_row_ms);
    }
}

void
bulkrun_settle(struct sim *sim)
{
    struct bulk *b = sim->bulk;
    int64_t now = sim_now(sim);
    size_t i;

    if (!bulk_due(b, now))
        return;
    for (i = 0; i < bulk_count(b); i++) {
        struct bulk_job *j = bulk_at(b, i);

        if (bulk_job_running(j))
            advance(sim, j, now,
                    j->type == BULK_V2_QUERY
                        ? sim->org->bulk.query_records_per_second
                        : sim->org->bulk.records_per_second);
    }
    bulk_purge(b, now);
}

void
bulkrun_observe(struct sim *sim, struct bulk_job *j)
{
    struct fault_job_hit hit;
    char path[160];

    if (j->stalled_by == 0 ||
        !fault_plan_job(sim->faults, bulk_job_path(j, path, sizeof(path)),
                        &hit) ||
        hit.rule_id != j->stalled_by)
        return;
    fault_plan_job_fired(sim->faults, hit.rule_id);
}
