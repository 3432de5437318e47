/*
 * bulk.c - the Bulk API's job engine (see bulk.h): the job table, ids,
 * states, the processing clock, injected job faults, daily allocations
 * and retention.
 *
 * Processing time is kept as credit: each simulated millisecond a running
 * job earns `rate` thousandths of a row, and a row runs once a whole one
 * is earned, at the exact moment it was. A stall spends nothing and earns
 * nothing, so a job resumes where it stopped, at its own pace.
 */
#include "bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulkquery.h"
#include "fault.h"
#include "ingest.h"
#include "org.h"
#include "sim.h"
#include "window.h"
#include "xmalloc.h"

#define BULK_DAY_S 86400
#define BULK_MB (1024 * 1024)

struct bulk {
    struct bulk_job **jobs; /* owned, in creation order */
    size_t n;
    char pod[3];
    uint64_t next_number, next_seq;
    size_t storage;   /* bytes of data and results held */
    size_t running;   /* jobs in UploadComplete or InProgress */
    int64_t purge_ms; /* when the next terminal job is due to go */
    struct window batches, query_jobs, query_mb;
};

static const char *const state_names[] = {
#define BULK_NAME(e, s) s,
    BULK_STATES(BULK_NAME)};
static const char *const op_names[] = {BULK_OPS(BULK_NAME)};
static const char *const type_names[] = {BULK_TYPES(BULK_NAME)};
#undef BULK_NAME

const char *
bulk_state_name(enum bulk_state s)
{
    return state_names[s];
}

const char *
bulk_op_name(enum bulk_op op)
{
    return op_names[op];
}

const char *
bulk_type_name(enum bulk_type t)
{
    return type_names[t];
}

static int
name_index(const char *const *names, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

int
bulk_op_parse(const char *name)
{
    return name_index(op_names, sizeof(op_names) / sizeof(op_names[0]), name);
}

int
bulk_state_parse(const char *name)
{
    return name_index(state_names, sizeof(state_names) / sizeof(*state_names),
                      name);
}

/* --- the table ------------------------------------------------------------
 */

struct bulk *
bulk_new(const char *pod, uint64_t first)
{
    struct bulk *b = xcalloc(1, sizeof(*b));

    memcpy(b->pod, pod, 2);
    b->next_number = first;
    b->next_seq = 1;
    b->purge_ms = INT64_MAX;
    window_init(&b->batches, BULK_DAY_S);
    window_init(&b->query_jobs, BULK_DAY_S);
    window_init(&b->query_mb, BULK_DAY_S);
    return b;
}

static void
batch_free(struct bulk_batch *bt)
{
    free(bt->data);
    free(bt->header);
    free(bt->rows);
    free(bt->out);
    buf_free(&bt->errs);
}

static size_t
job_bytes(const struct bulk_job *j)
{
    size_t i, n = j->result.cap + j->nresult * sizeof(*j->result_rows);

    for (i = 0; i < j->nbatches; i++) {
        const struct bulk_batch *bt = &j->batches[i];

        n += bt->len + bt->errs.cap +
             bt->nrows * (sizeof(*bt->rows) + sizeof(*bt->out));
    }
    return n;
}

static void
job_free(struct bulk_job *j)
{
    size_t i;

    for (i = 0; i < j->nbatches; i++)
        batch_free(&j->batches[i]);
    free(j->batches);
    free(j->error_message);
    free(j->query);
    buf_free(&j->result);
    free(j->result_rows);
    free(j);
}

static int
is_running(const struct bulk_job *j)
{
    return j->state == BULK_UPLOAD_COMPLETE || j->state == BULK_IN_PROGRESS;
}

static int
is_terminal(const struct bulk_job *j)
{
    return j->state == BULK_JOB_COMPLETE || j->state == BULK_FAILED ||
           j->state == BULK_ABORTED;
}

void
bulk_clear(struct bulk *b)
{
    size_t i;

    for (i = 0; i < b->n; i++)
        job_free(b->jobs[i]);
    free(b->jobs);
    b->jobs = NULL;
    b->n = 0;
    b->storage = 0;
    b->running = 0;
    b->purge_ms = INT64_MAX;
    window_clear(&b->batches);
    window_clear(&b->query_jobs);
    window_clear(&b->query_mb);
}

void
bulk_free(struct bulk *b)
{
    if (b == NULL)
        return;
    bulk_clear(b);
    window_free(&b->batches);
    window_free(&b->query_jobs);
    window_free(&b->query_mb);
    free(b);
}

uint64_t
bulk_batches_used(struct bulk *b, int64_t now_ms)
{
    return window_count(&b->batches, now_ms);
}

uint64_t
bulk_query_jobs_used(struct bulk *b, int64_t now_ms)
{
    return window_count(&b->query_jobs, now_ms);
}

uint64_t
bulk_query_storage_mb(struct bulk *b, int64_t now_ms)
{
    return window_count(&b->query_mb, now_ms);
}

/* Whether this job would go past an allocation; err set when it would. */
static int
over_quota(struct sim *sim, const struct bulk_spec *spec, struct sf_err *err)
{
    struct bulk *b = sim->bulk;
    int64_t now = sim_now(sim);

    if (b->n >= BULK_MAX_JOBS) {
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

static void
copy_name(char *out, size_t n, const char *s)
{
    snprintf(out, n, "%s", s != NULL ? s : "");
}

struct bulk_job *
bulk_create(struct sim *sim, const struct bulk_spec *spec, struct sf_err *err)
{
    struct bulk *b = sim->bulk;
    struct bulk_job *j;
    int64_t now = sim_now(sim);

    if (over_quota(sim, spec, err))
        return NULL;
    j = xcalloc(1, sizeof(*j));
    sfid_make(BULK_ID_PREFIX, b->pod, b->next_number++, j->id);
    j->seq = b->next_seq++;
    j->type = spec->type;
    j->op = spec->op;
    j->store_index = spec->store_index;
    copy_name(j->object, sizeof(j->object), spec->object);
    copy_name(j->ext_field, sizeof(j->ext_field), spec->ext_field);
    copy_name(j->assignment_rule_id, sizeof(j->assignment_rule_id),
              spec->assignment_rule_id);
    copy_name(j->created_by, sizeof(j->created_by), spec->created_by);
    j->dialect = spec->dialect;
    j->api_version = spec->api_version;
    j->created_ms = j->modstamp_ms = now;
    j->state = BULK_OPEN;
    buf_init(&j->result, BULK_MAX_STORAGE);
    if (spec->type == BULK_V2_QUERY) {
        /* A query job has nothing to upload: it is ready at once. */
        j->query = xstrdup(spec->query != NULL ? spec->query : "");
        j->state = BULK_UPLOAD_COMPLETE;
        j->closed_ms = j->run_ms = j->last_row_ms = now;
        b->running++;
        window_add(&b->query_jobs, now, 1);
    }
    b->jobs = xreallocarray(b->jobs, b->n + 1, sizeof(*b->jobs));
    b->jobs[b->n++] = j;
    return j;
}

struct bulk_job *
bulk_find(struct bulk *b, const char *id)
{
    char id15[SFID_LEN15 + 1];
    size_t i;

    if (id == NULL || sfid_normalize(id, strlen(id), id15) == -1)
        return NULL;
    for (i = 0; i < b->n; i++)
        if (strcmp(b->jobs[i]->id, id15) == 0)
            return b->jobs[i];
    return NULL;
}

size_t
bulk_list(struct bulk *b, unsigned types, uint64_t from, struct bulk_job **out,
          size_t max, uint64_t *next)
{
    size_t i, n = 0;

    *next = 0;
    for (i = 0; i < b->n; i++) {
        struct bulk_job *j = b->jobs[i];

        if (j->seq < from || !(types & (1u << j->type)))
            continue;
        if (n == max) {
            *next = j->seq;
            break;
        }
        out[n++] = j;
    }
    return n;
}

int
bulk_upload(struct bulk *b, struct bulk_job *j, char *data, size_t len,
            uint64_t upload_seq, struct sf_err *err)
{
    struct bulk_batch *bt;

    if (len > BULK_MAX_STORAGE - b->storage || len > UINT32_MAX) {
        free(data);
        err_set(err,
                "ExceededQuota : sfsim keeps at most %zu bytes of job "
                "data; delete some jobs first",
                BULK_MAX_STORAGE);
        return -1;
    }
    j->batches =
        xreallocarray(j->batches, j->nbatches + 1, sizeof(*j->batches));
    bt = &j->batches[j->nbatches++];
    memset(bt, 0, sizeof(*bt));
    bt->data = data;
    bt->len = len;
    bt->upload_seq = upload_seq;
    buf_init(&bt->errs, BULK_MAX_STORAGE);
    b->storage += len;
    return 0;
}

static void
set_state(struct bulk *b, struct bulk_job *j, enum bulk_state st, int64_t at)
{
    int was = is_running(j);

    j->state = st;
    j->modstamp_ms = at;
    if (is_terminal(j)) {
        j->ended_ms = at;
        if (at + BULK_RETENTION_MS < b->purge_ms)
            b->purge_ms = at + BULK_RETENTION_MS;
    }
    b->running -= (size_t)was;
    b->running += (size_t)is_running(j);
}

void
bulk_close(struct sim *sim, struct bulk_job *j)
{
    int64_t now = sim_now(sim);

    j->closed_ms = j->run_ms = j->last_row_ms = now;
    set_state(sim->bulk, j, BULK_UPLOAD_COMPLETE, now);
}

void
bulk_abort(struct sim *sim, struct bulk_job *j)
{
    set_state(sim->bulk, j, BULK_ABORTED, sim_now(sim));
}

void
bulk_delete(struct bulk *b, struct bulk_job *j)
{
    size_t i;

    for (i = 0; i < b->n && b->jobs[i] != j; i++)
        ;
    if (i == b->n)
        return;
    b->running -= (size_t)is_running(j);
    b->storage -= job_bytes(j) < b->storage ? job_bytes(j) : b->storage;
    memmove(b->jobs + i, b->jobs + i + 1, (b->n - i - 1) * sizeof(*b->jobs));
    b->n--;
    job_free(j);
}

const char *
bulk_job_path(const struct bulk_job *j, char *out, size_t n)
{
    char id18[SFID_LEN18 + 1];

    bulk_job_id18(j, id18);
    snprintf(out, n, "/services/data/v%d.0/jobs/%s/%s", j->api_version,
             j->type == BULK_V2_QUERY ? "query" : "ingest", id18);
    return out;
}

void
bulk_job_id18(const struct bulk_job *j, char out[SFID_LEN18 + 1])
{
    sfid_to18(j->id, out);
}

/* --- processing ------------------------------------------------------------
 */

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
    set_state(sim->bulk, j, BULK_FAILED, at);
}

/* Storage held by j, recounted after it grew. */
static void
recount(struct bulk *b, struct bulk_job *j, size_t before)
{
    size_t after = job_bytes(j);

    b->storage =
        b->storage - (before < b->storage ? before : b->storage) + after;
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
    size_t before = job_bytes(j), i;
    char *why = NULL;
    int rc = 0;

    for (i = 0; rc == 0 && i < j->nbatches; i++)
        if (!j->batches[i].indexed)
            rc = ingest_index(sim, j, &j->batches[i], &why);
    if (rc == 0 && j->type == BULK_V2_QUERY)
        rc = bulkquery_run(sim, j, &why);
    recount(sim->bulk, j, before);
    if (rc == -1) {
        fail(sim, j, why, j->closed_ms);
        return -1;
    }
    if (j->type == BULK_V2_QUERY)
        window_add(&sim->bulk->query_mb, j->closed_ms,
                   (uint32_t)((j->result.len + BULK_MB - 1) / BULK_MB));
    set_state(sim->bulk, j, BULK_IN_PROGRESS, j->closed_ms);
    return 0;
}

/* One internal batch of 10,000 rows starts: DailyBulkApiBatches. */
static void
count_chunk(struct sim *sim, struct bulk_job *j, int64_t at)
{
    if (j->type == BULK_V2_QUERY || j->processed / BULK_CHUNK_ROWS < j->chunks)
        return;
    j->chunks++;
    window_add(&sim->bulk->batches, at, 1);
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
    while (is_running(j) && j->processed < total_rows(j)) {
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
    before = job_bytes(j);
    run_rows(sim, j, prev, credit0, rate, stop, &hit);
    recount(sim->bulk, j, before);
    if (j->stalled_by != 0)
        j->credit = 0; /* a held job earns nothing */
    if (is_running(j) && j->stalled_by == 0 && j->processed >= total_rows(j)) {
        j->credit = 0;
        set_state(sim->bulk, j, BULK_JOB_COMPLETE, j->last_row_ms);
    }
}

/* Terminal jobs past retention go, as Salesforce purges them. */
static void
purge(struct bulk *b, int64_t now)
{
    size_t i = 0;

    if (now < b->purge_ms)
        return;
    b->purge_ms = INT64_MAX;
    while (i < b->n) {
        struct bulk_job *j = b->jobs[i++];

        if (!is_terminal(j))
            continue;
        if (now - j->ended_ms >= BULK_RETENTION_MS) {
            bulk_delete(b, j);
            i--;
        } else if (j->ended_ms + BULK_RETENTION_MS < b->purge_ms) {
            b->purge_ms = j->ended_ms + BULK_RETENTION_MS;
        }
    }
}

void
bulk_settle(struct sim *sim)
{
    struct bulk *b = sim->bulk;
    int64_t now;
    size_t i;

    if (b->n == 0)
        return;
    now = sim_now(sim);
    if (b->running == 0 && now < b->purge_ms)
        return;
    for (i = 0; b->running > 0 && i < b->n; i++) {
        struct bulk_job *j = b->jobs[i];

        if (is_running(j))
            advance(sim, j, now,
                    j->type == BULK_V2_QUERY
                        ? sim->org->bulk.query_records_per_second
                        : sim->org->bulk.records_per_second);
    }
    purge(b, now);
}

void
bulk_observe(struct sim *sim, struct bulk_job *j)
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
