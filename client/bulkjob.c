/*
 * bulkjob.c - Bulk API 2.0 ingest delivery (see bulkjob.h).
 *
 * Requests go one at a time on one transfer, each through call(): the
 * Bearer token refreshed once on a 401, no answer / 429 / 5xx retried
 * with the buyer's backoff (except the upload, which a job takes once),
 * and a delivery log line per request. A lead is an item; items are
 * judged by the rows that name their external id.
 */
#include "bulkjob.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authsync.h"
#include "bulkmap.h"
#include "halt.h"
#include "log.h"
#include "payload.h"
#include "rng.h"
#include "transfer.h"
#include "xmalloc.h"

/* Result files of a job of job_size rows (the record values plus about
 * 40 bytes a row). */
#define BULKJOB_RESULTS_MAX (1024L * 1024 * 1024)
#define BULKJOB_ID_MAX 64
#define BULKJOB_TICK_MS 200

/* Where a lead of the current job stands. */
enum row_fate { ROW_NONE, ROW_OK, ROW_FAILED, ROW_UNPROCESSED };

struct item {
    const struct lead *lead;
    json_t *rec;  /* payload_record() */
    char *key;    /* its external id value (borrowed from rec) */
    int final;    /* reported */
    int in_job;   /* in the job being run or resumed */
    int attempts; /* uploads that carried it */
    enum row_fate fate;
    char error[SF_ERR_MSG_MAX];
};

struct bulkjob {
    struct deliver_config cfg;
    struct deliver_hooks hooks;
    const struct state *st;
    struct rng rng;
    struct transfer t;
    struct item *v; /* owned: every lead from the source */
    size_t n, cap;
    json_t *bykey; /* external id value -> index in v, for one job */
    json_t *byid;  /* lead id -> index in v */
    json_t *jobs;  /* the state file's jobs: [{"job", "leads"}] */
    char *base;    /* delivery.url without a trailing '/' */
    char job[BULKJOB_ID_MAX];
    unsigned reqs;
    int uses_token, refreshed;
    int64_t token_used_ms;
    char auth_error[SF_ERR_MSG_MAX];
    struct halt halt;
};

struct bulkjob *
bulkjob_new(const struct deliver_config *cfg, const struct deliver_hooks *hooks,
            const struct state *st)
{
    struct bulkjob *j = xcalloc(1, sizeof(*j));
    size_t n = strlen(cfg->buyer->url);

    j->cfg = *cfg;
    j->hooks = *hooks;
    j->st = st;
    if (cfg->seed != 0)
        rng_init_seed(&j->rng, cfg->seed);
    else
        rng_init_random(&j->rng);
    transfer_init(&j->t, j);
    j->t.resp.max = BULKJOB_RESULTS_MAX;
    while (n > 0 && cfg->buyer->url[n - 1] == '/')
        n--;
    j->base = xasprintf("%.*s", (int)n, cfg->buyer->url);
    j->bykey = json_object();
    j->byid = json_object();
    j->jobs = json_array();
    j->uses_token = buyer_uses_token(cfg->buyer);
    j->token_used_ms = cfg->token_used_ms;
    return j;
}

int64_t
bulkjob_token_used_ms(const struct bulkjob *j)
{
    return j->token_used_ms;
}

const char *
bulkjob_auth_error(const struct bulkjob *j)
{
    return j->auth_error[0] != '\0' ? j->auth_error : NULL;
}

void
bulkjob_free(struct bulkjob *j)
{
    if (j == NULL)
        return;
    for (size_t i = 0; i < j->n; i++)
        json_decref(j->v[i].rec);
    free(j->v);
    json_decref(j->bykey);
    json_decref(j->byid);
    json_decref(j->jobs);
    free(j->base);
    transfer_cleanup(&j->t);
    free(j);
}

void
bulkjob_stop(struct bulkjob *j, const char *why)
{
    halt_set(&j->halt, "stopped", why);
}

static void
tick(struct bulkjob *j)
{
    if (j->hooks.on_tick != NULL)
        j->hooks.on_tick(j->hooks.arg);
}

/* Reports it once. */
static void
report(struct bulkjob *j, struct item *it, enum outcome o, long status,
       const char *reason, const char *error)
{
    struct deliver_result r = {
        .lead = it->lead,
        .outcome = o,
        .attempts = it->attempts,
        .status = status,
        .reason = reason,
        .error = error != NULL && *error != '\0' ? error : NULL,
        .retry_at_ms = -1,
    };

    if (it->final)
        return;
    it->final = 1;
    if (j->hooks.on_result != NULL)
        j->hooks.on_result(j->hooks.arg, &r);
}

/* Holds every lead of the job not final yet. */
static void
hold_job(struct bulkjob *j, const char *reason, const char *error)
{
    for (size_t i = 0; i < j->n; i++)
        if (j->v[i].in_job)
            report(j, &j->v[i], OUTCOME_HELD, 0, reason, error);
}

/* A log line for the request just made (lead_id null, batch the job). */
static void
log_request(struct bulkjob *j, const char *method, const char *url, int code,
            int nleads)
{
    struct transfer *t = &j->t;
    struct dlog_entry e = {
        .time_ms = timesrc_now_ms(j->cfg.clock),
        .attempt = (int)++j->reqs,
        .method = method,
        .url = url,
        .status = t->status,
        .curl_code = code,
        .error = code != 0 ? (t->errbuf[0] != '\0'
                                  ? t->errbuf
                                  : curl_easy_strerror((CURLcode)code))
                           : NULL,
        .content_type = t->content_type[0] ? t->content_type : NULL,
        .limit_info = t->limit_info[0] ? t->limit_info : NULL,
        .body = t->resp.data,
        .body_len = t->resp.len,
        .retry_in_ms = -1,
        .batch = j->job[0] != '\0' ? j->job : "new",
        .leads = nleads,
        .index = -1,
    };

    if (j->hooks.on_attempt != NULL)
        j->hooks.on_attempt(j->hooks.arg, &e);
}

/* A lead's part in the job, for the log. */
static void
log_lead(struct bulkjob *j, const struct item *it, size_t index,
         const char *verdict, const char *reason)
{
    struct dlog_entry e = {
        .time_ms = timesrc_now_ms(j->cfg.clock),
        .lead_id = it->lead->id,
        .attempt = it->attempts,
        .method = "GET",
        .url = j->base,
        .verdict = verdict,
        .reason = reason,
        .body = it->error[0] != '\0' ? it->error : NULL,
        .body_len = strlen(it->error),
        .retry_in_ms = -1,
        .batch = j->job,
        .index = (int)index,
    };

    if (j->hooks.on_attempt != NULL)
        j->hooks.on_attempt(j->hooks.arg, &e);
}

static int
refresh(struct bulkjob *j)
{
    struct sf_err err;
    char *token;

    err_clear(&err);
    token = authsync_renew(j->cfg.buyer, &j->t, &err);
    if (token == NULL) {
        snprintf(j->auth_error, sizeof(j->auth_error), "%s", err.msg);
        log_warnx("buyer %s paused: %s", j->cfg.buyer->name, j->auth_error);
        halt_set(&j->halt, "auth", j->auth_error);
        return -1;
    }
    if (j->hooks.on_token != NULL)
        j->hooks.on_token(j->hooks.arg, token);
    j->token_used_ms = timesrc_now_ms(j->cfg.clock);
    free(token);
    return 0;
}

/*
 * One request (body may be NULL), answered into j->t: 0 when it got a 2xx
 * answer; -1 otherwise, with err. A 401 refreshes the token and goes
 * again; with retry, no answer / 429 / 5xx are retried with backoff.
 */
static int
call(struct bulkjob *j, const char *method, const char *url, const char *ctype,
     const char *body, size_t len, int retry, int nleads, struct sf_err *err)
{
    const struct buyer *b = j->cfg.buyer;
    int code, tries = 0, reauths = 0;
    struct transfer_req req;
    json_t *doc;

    for (;;) {
        if (j->halt.halted) {
            err_set(err, "%s", j->halt.error);
            return -1;
        }
        req = (struct transfer_req){
            .method = method,
            .url = url,
            .content_type = ctype,
            .body = body,
            .len = len,
            .headers = b->headers,
            .nheaders = b->nheaders,
            .connect_timeout_ms = (long)b->connect_timeout_ms,
            .timeout_ms = (long)b->timeout_ms,
            .ca_file = b->ca_file,
        };
        code = transfer_setup(&j->t, &req) == 0 ? transfer_perform(&j->t)
                                                : CURLE_FAILED_INIT;
        log_request(j, method, url, code, nleads);
        if (code == 0 && j->t.status >= 200 && j->t.status < 300) {
            j->token_used_ms = timesrc_now_ms(j->cfg.clock);
            return 0;
        }
        doc = transfer_json(&j->t);
        if (code == 0 && authsync_session_error(&j->t, doc) && reauths++ < 2) {
            json_decref(doc);
            if (!j->uses_token) {
                snprintf(j->auth_error, sizeof(j->auth_error),
                         "session expired or invalid and the buyer has no "
                         "refresh credentials (auth.*)");
                halt_set(&j->halt, "auth", j->auth_error);
            } else
                refresh(j);
            continue;
        }
        json_decref(doc);
        if (retry && authsync_wait_to_retry(b, &j->t, code, &tries, &j->rng))
            continue;
        if (code != 0)
            err_set(err, "%s %s: %s", method, url,
                    j->t.errbuf[0] ? j->t.errbuf
                                   : curl_easy_strerror((CURLcode)code));
        else
            err_set(err, "%s %s: HTTP %ld: %.200s", method, url, j->t.status,
                    j->t.resp.data != NULL ? j->t.resp.data : "");
        return -1;
    }
}

/* Reads every lead of the source into j->v, its record built; a lead
 * without one is delivery_failed at once. */
static void
read_all(struct bulkjob *j)
{
    const struct lead *l;
    struct sf_err err;
    int end = 0;

    while (!end) {
        l = j->hooks.next_lead(j->hooks.arg, 1, &end);
        if (l == NULL)
            continue;
        if (j->n == j->cap) {
            j->cap = j->cap < 64 ? 64 : j->cap * 2;
            j->v = xreallocarray(j->v, j->cap, sizeof(*j->v));
        }
        memset(&j->v[j->n], 0, sizeof(j->v[j->n]));
        j->v[j->n].lead = l;
        /* Before any report: a reported lead is released (freed). */
        json_object_set_new(j->byid, l->id, json_integer((json_int_t)j->n));
        err_clear(&err);
        j->v[j->n].rec = payload_record(j->cfg.buyer, l, &err);
        if (j->v[j->n].rec == NULL) {
            report(j, &j->v[j->n], OUTCOME_DELIVERY_FAILED, 0, "payload",
                   err.msg);
        } else
            j->v[j->n].key = (char *)json_string_value(json_object_get(
                j->v[j->n].rec, j->cfg.buyer->external_id_field));
        j->n++;
    }
}

/*
 * Indexes the job's leads (in_job) by external id; a lead whose value an
 * earlier lead of the job has is delivery_failed (the job would refuse
 * both rows) and leaves the job. Returns the leads that stay.
 */
static size_t
index_job(struct bulkjob *j)
{
    size_t n = 0;

    json_object_clear(j->bykey);
    for (size_t i = 0; i < j->n; i++) {
        struct item *it = &j->v[i];
        json_t *prev;

        if (!it->in_job)
            continue;
        prev = json_object_get(j->bykey, it->key);
        if (it->final || prev != NULL) {
            char why[SF_ERR_MSG_MAX];

            it->in_job = 0;
            if (it->final)
                continue;
            snprintf(why, sizeof(why),
                     "external id value \"%.100s\" repeated (lead %.100s has "
                     "it in the same job)",
                     it->key, j->v[json_integer_value(prev)].lead->id);
            report(j, it, OUTCOME_DELIVERY_FAILED, 0, "payload", why);
            continue;
        }
        json_object_set_new(j->bykey, it->key, json_integer((json_int_t)i));
        it->fate = ROW_NONE;
        it->error[0] = '\0';
        n++;
    }
    return n;
}

/* Writes the state file: the jobs not finished. */
static void
save_jobs(struct bulkjob *j)
{
    json_t *doc = json_pack("{s:O}", "jobs", j->jobs);

    if (state_save(j->st, BULKJOB_STATE_FILE, doc) == -1)
        log_warnx("cannot save the Bulk jobs in the state directory: a run "
                  "killed now would upload their leads again on --resume");
    json_decref(doc);
}

/* Adds the current job and its leads to the state file. */
static void
save_job(struct bulkjob *j)
{
    json_t *ids = json_array();

    for (size_t i = 0; i < j->n; i++)
        if (j->v[i].in_job)
            json_array_append_new(ids, json_string(j->v[i].lead->id));
    json_array_append_new(j->jobs,
                          json_pack("{s:s, s:o}", "job", j->job, "leads", ids));
    save_jobs(j);
}

/* Takes the current job out of the state file: every lead of it is
 * reported. */
static void
forget_job(struct bulkjob *j)
{
    json_t *e;
    size_t i;

    json_array_foreach(j->jobs, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "job")), j->job) == 0) {
            json_array_remove(j->jobs, i);
            break;
        }
    }
    save_jobs(j);
}

/* Ends the job for the leads: none is in it any more. */
static void
leave_job(struct bulkjob *j)
{
    for (size_t i = 0; i < j->n; i++)
        j->v[i].in_job = 0;
    j->job[0] = '\0';
}

/* The job's URL, or a file of it (suffix "" for the job itself). */
static char *
job_url(const struct bulkjob *j, const char *suffix)
{
    return xasprintf("%s/%s%s", j->base, j->job, suffix);
}

/* The job's state from its info: new string, NULL with err. */
static char *
job_state(struct bulkjob *j, char *message, size_t n, struct sf_err *err)
{
    char *url = job_url(j, ""), *st = NULL;
    json_t *doc;

    if (call(j, "GET", url, NULL, NULL, 0, 1, 0, err) == 0) {
        doc = transfer_json(&j->t);
        if (json_string_value(json_object_get(doc, "state")) != NULL)
            st = xstrdup(json_string_value(json_object_get(doc, "state")));
        else
            err_set(err, "job %s: no state in its info", j->job);
        snprintf(message, n, "%s",
                 json_string_value(json_object_get(doc, "errorMessage"))
                     ? json_string_value(json_object_get(doc, "errorMessage"))
                     : "");
        json_decref(doc);
    }
    free(url);
    return st;
}

static int
is_final_state(const char *st)
{
    return strcmp(st, "JobComplete") == 0 || strcmp(st, "Failed") == 0 ||
           strcmp(st, "Aborted") == 0;
}

/* Sleeps ms in slices, running the tick hook between them. */
static void
nap(struct bulkjob *j, int64_t ms)
{
    while (ms > 0 && !j->halt.halted) {
        int64_t s = ms < BULKJOB_TICK_MS ? ms : BULKJOB_TICK_MS;

        timesrc_sleep_ms(s);
        ms -= s;
        tick(j);
    }
}

/*
 * Polls the job until it ends or job_wait_seconds pass: its final state
 * (new string), or NULL with err (then why the leads are held is in
 * *reason).
 */
static char *
wait_job(struct bulkjob *j, char *message, size_t n, const char **reason,
         struct sf_err *err)
{
    const struct buyer *b = j->cfg.buyer;
    int64_t delay = b->poll_ms, deadline;
    char *st;

    deadline = timesrc_mono_ms() + b->job_wait_s * 1000;
    for (;;) {
        st = job_state(j, message, n, err);
        if (st == NULL) {
            *reason = "bulk_poll";
            return NULL;
        }
        if (is_final_state(st))
            return st;
        if (timesrc_mono_ms() >= deadline) {
            err_set(err,
                    "job %s still %s after %lld s (delivery.job_wait_seconds); "
                    "--resume polls it again",
                    j->job, st, (long long)b->job_wait_s);
            free(st);
            *reason = "bulk_pending";
            return NULL;
        }
        free(st);
        nap(j, delay);
        if (j->halt.halted) {
            err_set(err, "%s", j->halt.error);
            *reason = j->halt.reason;
            return NULL;
        }
        delay = delay * 2 > b->poll_max_ms ? b->poll_max_ms : delay * 2;
    }
}

struct fate_arg {
    struct bulkjob *j;
    enum row_fate fate;
};

static void
on_row(void *arg, const char *key, const char *sf_id, const char *sf_error)
{
    struct fate_arg *a = arg;
    json_t *at = json_object_get(a->j->bykey, key);
    struct item *it;

    (void)sf_id;
    if (at == NULL)
        return;
    it = &a->j->v[json_integer_value(at)];
    it->fate = a->fate;
    if (sf_error != NULL)
        snprintf(it->error, sizeof(it->error), "%s", sf_error);
}

/* Reads one result file of the job into the items' fates: 0 or -1. */
static int
read_results(struct bulkjob *j, const char *file, enum row_fate fate,
             struct sf_err *err)
{
    char *url = job_url(j, file);
    struct fate_arg a = {j, fate};
    int rc = -1;

    if (call(j, "GET", url, NULL, NULL, 0, 1, 0, err) == 0 &&
        bulkmap_rows(j->t.resp.data != NULL ? j->t.resp.data : "",
                     j->t.resp.len, j->cfg.buyer->external_id_field, on_row, &a,
                     err) >= 0)
        rc = 0;
    free(url);
    return rc;
}

/* Reports each lead of the job from its fate in a job that ended in
 * state st (with message). */
static void
judge(struct bulkjob *j, const char *st, const char *message)
{
    size_t row = 0;

    int complete = strcmp(st, "JobComplete") == 0;
    char why[SF_ERR_MSG_MAX];

    snprintf(why, sizeof(why), "job %s ended %s%s%.300s; not delivered", j->job,
             st, *message ? ": " : "", message);
    for (size_t i = 0; i < j->n; i++) {
        struct item *it = &j->v[i];

        if (!it->in_job || it->final)
            continue;
        switch (it->fate) {
        case ROW_OK:
            /* Saved, whatever the job's end: a Failed or Aborted job keeps
             * what it processed (only the rest goes in a new job). */
            log_lead(j, it, row, "done", "ok");
            report(j, it, OUTCOME_DELIVERED, 200, "", NULL);
            break;
        case ROW_FAILED:
            log_lead(j, it, row, "rejected", "validation");
            report(j, it, OUTCOME_DELIVERY_FAILED, 200, "validation",
                   it->error);
            break;
        case ROW_UNPROCESSED:
            log_lead(j, it, row, "retry", "unprocessed");
            report(j, it, OUTCOME_HELD, 200, "unprocessed",
                   complete ? "the job never processed this row" : why);
            break;
        case ROW_NONE:
            log_lead(j, it, row, "retry", "no_result");
            report(j, it, OUTCOME_HELD, 200, "no_result",
                   "the lead is in none of the job's result files");
            break;
        }
        row++;
    }
}

/* Waits for the current job and reports its leads. */
static void
finish_job(struct bulkjob *j)
{
    char message[SF_ERR_MSG_MAX];
    const char *reason = "bulk_results";
    struct sf_err err;
    char *st;

    err_clear(&err);
    st = wait_job(j, message, sizeof(message), &reason, &err);
    if (st == NULL) {
        hold_job(j, reason, err.msg);
        return;
    }
    if (read_results(j, "/successfulResults/", ROW_OK, &err) == -1 ||
        read_results(j, "/failedResults/", ROW_FAILED, &err) == -1 ||
        read_results(j, "/unprocessedrecords/", ROW_UNPROCESSED, &err) == -1) {
        hold_job(j, "bulk_results", err.msg);
        free(st);
        return;
    }
    judge(j, st, message);
    free(st);
    /* The outcomes are written before the job is forgotten. */
    tick(j);
    forget_job(j);
}

/* Creates, uploads and completes a job for the leads in_job (n). */
static void
run_job(struct bulkjob *j, size_t n)
{
    const struct buyer *b = j->cfg.buyer;
    json_t **recs = xcalloc(n + 1, sizeof(*recs)), *doc;
    char *csv = NULL, *body, *url = NULL;
    struct sf_err err;
    size_t len, k = 0;

    for (size_t i = 0; i < j->n; i++)
        if (j->v[i].in_job) {
            recs[k++] = j->v[i].rec;
            j->v[i].attempts++;
        }
    csv = bulkmap_csv(recs, k, b->external_id_field, &len);
    doc =
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "object", b->object, "operation",
                  "upsert", "externalIdFieldName", b->external_id_field,
                  "contentType", "CSV", "lineEnding", "LF");
    body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    err_clear(&err);
    j->job[0] = '\0';
    if (call(j, "POST", j->base, BUYER_JSON_TYPE, body, strlen(body), 1, (int)k,
             &err) == -1) {
        hold_job(j, "bulk_create", err.msg);
        goto out;
    }
    doc = transfer_json(&j->t);
    snprintf(j->job, sizeof(j->job), "%s",
             json_string_value(json_object_get(doc, "id")) != NULL
                 ? json_string_value(json_object_get(doc, "id"))
                 : "");
    json_decref(doc);
    if (j->job[0] == '\0') {
        hold_job(j, "bulk_create", "the job has no id");
        goto out;
    }
    /* Saved before a byte of it is uploaded: a kill from here on is
     * resumed by polling this job. */
    save_job(j);
    url = job_url(j, "/batches");
    if (call(j, "PUT", url, "text/csv", csv, len, 0, (int)k, &err) == -1) {
        hold_job(j, "bulk_upload", err.msg);
        goto out;
    }
    free(url);
    url = job_url(j, "");
    if (call(j, "PATCH", url, BUYER_JSON_TYPE, "{\"state\":\"UploadComplete\"}",
             26, 1, (int)k, &err) == -1) {
        hold_job(j, "bulk_upload", err.msg);
        goto out;
    }
    finish_job(j);
out:
    leave_job(j);
    free(url);
    free(body);
    free(csv);
    free(recs);
}

/* Marks the leads of saved job e that this run has (not final) in_job;
 * how many. */
static size_t
mark_saved(struct bulkjob *j, json_t *e)
{
    json_t *id, *at;
    size_t i, n = 0;

    json_array_foreach(json_object_get(e, "leads"), i, id) {
        at = json_object_get(j->byid, json_string_value(id));
        if (at != NULL && !j->v[json_integer_value(at)].final) {
            j->v[json_integer_value(at)].in_job = 1;
            j->v[json_integer_value(at)].attempts = 1;
            n++;
        }
    }
    return n;
}

/*
 * The jobs an earlier run saved: one still Open (its upload may be
 * missing; it never ran) is aborted and its leads go in a new job; any
 * other is polled and its leads reported from its results.
 */
static void
resume_jobs(struct bulkjob *j)
{
    json_t *doc = state_load(j->st, BULKJOB_STATE_FILE), *saved, *e;
    char message[SF_ERR_MSG_MAX], *st, *url;
    struct sf_err err;
    size_t i;

    saved = json_object_get(doc, "jobs");
    if (!json_is_array(saved)) {
        json_decref(doc);
        return;
    }
    json_array_extend(j->jobs, saved);
    json_decref(doc);
    saved = json_copy(j->jobs);
    json_array_foreach(saved, i, e) {
        const char *id = json_string_value(json_object_get(e, "job"));

        if (id == NULL || j->halt.halted)
            continue;
        snprintf(j->job, sizeof(j->job), "%s", id);
        mark_saved(j, e);
        index_job(j);
        err_clear(&err);
        st = job_state(j, message, sizeof(message), &err);
        if (st != NULL && strcmp(st, "Open") == 0) {
            url = job_url(j, "");
            call(j, "PATCH", url, BUYER_JSON_TYPE, "{\"state\":\"Aborted\"}",
                 19, 1, 0, &err);
            free(url);
            for (size_t k = 0; k < j->n; k++)
                if (j->v[k].in_job)
                    j->v[k].attempts = 0;
            forget_job(j);
        } else if (st != NULL)
            finish_job(j);
        else
            hold_job(j, "bulk_poll", err.msg);
        free(st);
        leave_job(j);
    }
    json_decref(saved);
}

int
bulkjob_run(struct bulkjob *j)
{
    size_t from = 0, n;

    if (j->cfg.refresh_first && j->uses_token)
        refresh(j);
    read_all(j);
    if (!j->halt.halted)
        resume_jobs(j);
    while (from < j->n) {
        size_t to = from, k = 0;

        /* job_size leads not final yet, in input order. */
        while (to < j->n && k < (size_t)j->cfg.buyer->job_size) {
            if (!j->v[to].final) {
                j->v[to].in_job = 1;
                k++;
            }
            to++;
        }
        if (j->halt.halted)
            hold_job(j, j->halt.reason, j->halt.error);
        else if ((n = index_job(j)) > 0)
            run_job(j, n);
        leave_job(j);
        tick(j);
        from = to;
    }
    tick(j);
    return 0;
}
