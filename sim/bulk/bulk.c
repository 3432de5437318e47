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

size_t
bulk_job_bytes(const struct bulk_job *j)
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

int
bulk_job_running(const struct bulk_job *j)
{
    return j->state == BULK_UPLOAD_COMPLETE || j->state == BULK_IN_PROGRESS;
}

int
bulk_job_ended(const struct bulk_job *j)
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

static void
copy_name(char *out, size_t n, const char *s)
{
    snprintf(out, n, "%s", s != NULL ? s : "");
}

struct bulk_job *
bulk_job_new(struct bulk *b, const struct bulk_spec *spec, int64_t now)
{
    struct bulk_job *j = xcalloc(1, sizeof(*j));

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
    copy_name(j->parent, sizeof(j->parent), spec->parent);
    copy_name(j->content_type, sizeof(j->content_type), spec->content_type);
    copy_name(j->concurrency, sizeof(j->concurrency), spec->concurrency);
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

        if (j->seq < from || !(types & (1u << j->type)) || j->parent[0])
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

void
bulk_set_state(struct bulk *b, struct bulk_job *j, enum bulk_state st,
               int64_t at)
{
    int was = bulk_job_running(j);

    j->state = st;
    j->modstamp_ms = at;
    if (bulk_job_ended(j)) {
        j->ended_ms = at;
        if (at + BULK_RETENTION_MS < b->purge_ms)
            b->purge_ms = at + BULK_RETENTION_MS;
    }
    b->running -= (size_t)was;
    b->running += (size_t)bulk_job_running(j);
}

void
bulk_close(struct bulk *b, struct bulk_job *j, int64_t now)
{
    j->closed_ms = j->run_ms = j->last_row_ms = now;
    bulk_set_state(b, j, BULK_UPLOAD_COMPLETE, now);
}

void
bulk_abort(struct bulk *b, struct bulk_job *j, int64_t now)
{
    bulk_set_state(b, j, BULK_ABORTED, now);
}

void
bulk_delete(struct bulk *b, struct bulk_job *j)
{
    size_t i;

    for (i = 0; i < b->n && b->jobs[i] != j; i++)
        ;
    if (i == b->n)
        return;
    b->running -= (size_t)bulk_job_running(j);
    b->storage -=
        bulk_job_bytes(j) < b->storage ? bulk_job_bytes(j) : b->storage;
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

void
bulk_recount(struct bulk *b, struct bulk_job *j, size_t before)
{
    size_t after = bulk_job_bytes(j);

    b->storage =
        b->storage - (before < b->storage ? before : b->storage) + after;
}

void
bulk_purge(struct bulk *b, int64_t now)
{
    size_t i = 0;

    if (now < b->purge_ms)
        return;
    b->purge_ms = INT64_MAX;
    while (i < b->n) {
        struct bulk_job *j = b->jobs[i++];

        if (!bulk_job_ended(j))
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
bulk_count_batch(struct bulk *b, int64_t at)
{
    window_add(&b->batches, at, 1);
}

void
bulk_count_query_result(struct bulk *b, int64_t at, size_t bytes)
{
    window_add(&b->query_mb, at, (uint32_t)((bytes + BULK_MB - 1) / BULK_MB));
}

int
bulk_due(const struct bulk *b, int64_t now)
{
    return b->n > 0 && (b->running > 0 || now >= b->purge_ms);
}

size_t
bulk_count(const struct bulk *b)
{
    return b->n;
}

struct bulk_job *
bulk_at(const struct bulk *b, size_t i)
{
    return b->jobs[i];
}
