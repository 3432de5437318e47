/*
 * bulk1.c - Bulk API 1.0 jobs and batches on the job engine, and their
 * answers (see bulk1.h).
 *
 * One builder serves both wire formats: an answer is made as a jansson
 * object whose members are in the order of Salesforce's XML, and written
 * either as XML elements or as JSON with its members sorted (the order of
 * Salesforce's JSON examples). Where the guide gives no text for an
 * error, README's fidelity notes list the words sfsim chose.
 */
#include "bulk1.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk1xml.h"
#include "bulkcsv.h"
#include "jackson.h"
#include "timefmt.h"
#include "xmalloc.h"

#define BULK1_MSG_MAX 1024
#define BULK1_JSON_DEPTH 4

const char *
bulk1_job_state(const struct bulk_job *j)
{
    switch (j->state) {
    case BULK_OPEN: return "Open";
    case BULK_ABORTED: return "Aborted";
    case BULK_FAILED: return "Failed";
    default: return "Closed";
    }
}

const char *
bulk1_batch_state(const struct bulk_job *bt)
{
    switch (bt->state) {
    case BULK_OPEN:
    case BULK_UPLOAD_COMPLETE: return "Queued";
    case BULK_IN_PROGRESS: return "InProgress";
    case BULK_JOB_COMPLETE: return "Completed";
    case BULK_FAILED: return "Failed";
    default: return "NotProcessed";
    }
}

void
bulk1_batch_id(const struct bulk_job *bt, const char *prefix,
               char out[SFID_LEN18 + 1])
{
    char id15[SFID_LEN15 + 1];

    memcpy(id15, bt->id, sizeof(id15));
    memcpy(id15, prefix, 3);
    sfid_to18(id15, out);
}

struct bulk_job *
bulk1_find_batch(struct bulk *b, const struct bulk_job *j, const char *id,
                 const char *prefix)
{
    char id15[SFID_LEN15 + 1];
    struct bulk_job *bt;

    if (id == NULL || sfid_normalize(id, strlen(id), id15) == -1 ||
        memcmp(id15, prefix, 3) != 0)
        return NULL;
    memcpy(id15, BULK_ID_PREFIX, 3);
    bt = bulk_find(b, id15);
    return bt != NULL && strcmp(bt->parent, j->id) == 0 ? bt : NULL;
}

struct bulk_job *
bulk1_next_batch(struct bulk *b, const struct bulk_job *j, size_t *i)
{
    while (*i < bulk_count(b)) {
        struct bulk_job *bt = bulk_at(b, (*i)++);

        if (strcmp(bt->parent, j->id) == 0)
            return bt;
    }
    return NULL;
}

/* Dates: whole seconds, "Z" in XML and "+0000" in JSON (the guide's). */
static json_t *
date_json(int64_t ms, enum bulk1_fmt fmt)
{
    char when[TIMEFMT_LEN];

    ms -= ms % 1000;
    return json_string(fmt == BULK1_XML ? timefmt_rfc3339(ms, when)
                                        : timefmt_salesforce(ms, when));
}

static json_t *
id_json(const char *id15)
{
    char id18[SFID_LEN18 + 1];

    sfid_to18(id15, id18);
    return json_string(id18);
}

static void
set_int(json_t *o, const char *key, long long v)
{
    json_object_set_new(o, key, json_integer(v));
}

/* Processing time of an engine job: close to end (or to its last row). */
static long long
busy_ms(const struct bulk_job *bt)
{
    int64_t end = bulk_job_ended(bt) ? bt->ended_ms : bt->last_row_ms;

    return bt->closed_ms > 0 && end > bt->closed_ms ? end - bt->closed_ms : 0;
}

/* What a job's info adds up over its batches. */
struct tally {
    long long queued, running, completed, failed, total;
    long long processed, rows_failed, busy;
};

static void
tally_batches(struct bulk *b, const struct bulk_job *j, struct tally *t)
{
    struct bulk_job *bt;
    size_t i = 0;

    memset(t, 0, sizeof(*t));
    while ((bt = bulk1_next_batch(b, j, &i)) != NULL) {
        const char *st = bulk1_batch_state(bt);

        t->total++;
        t->queued += strcmp(st, "Queued") == 0;
        t->running += strcmp(st, "InProgress") == 0;
        t->completed += strcmp(st, "Completed") == 0;
        t->failed += strcmp(st, "Failed") == 0;
        t->processed += (long long)bt->processed;
        t->rows_failed += (long long)bt->failed;
        t->busy += busy_ms(bt);
    }
}

json_t *
bulk1_job_info(struct bulk *b, const struct bulk_job *j, enum bulk1_fmt fmt)
{
    json_t *o = json_object();
    struct tally t;

    tally_batches(b, j, &t);
    json_object_set_new(o, "id", id_json(j->id));
    json_object_set_new(o, "operation", json_string(bulk_op_name(j->op)));
    json_object_set_new(o, "object", json_string(j->object));
    json_object_set_new(o, "createdById", id_json(j->created_by));
    json_object_set_new(o, "createdDate", date_json(j->created_ms, fmt));
    json_object_set_new(o, "systemModstamp", date_json(j->modstamp_ms, fmt));
    json_object_set_new(o, "state", json_string(bulk1_job_state(j)));
    if (j->op == BULK_UPSERT)
        json_object_set_new(o, "externalIdFieldName",
                            json_string(j->ext_field));
    if (j->assignment_rule_id[0] != '\0')
        json_object_set_new(o, "assignmentRuleId",
                            json_string(j->assignment_rule_id));
    json_object_set_new(o, "concurrencyMode", json_string(j->concurrency));
    json_object_set_new(o, "contentType", json_string(j->content_type));
    set_int(o, "numberBatchesQueued", t.queued);
    set_int(o, "numberBatchesInProgress", t.running);
    set_int(o, "numberBatchesCompleted", t.completed);
    set_int(o, "numberBatchesFailed", t.failed);
    set_int(o, "numberBatchesTotal", t.total);
    set_int(o, "numberRecordsProcessed", t.processed);
    set_int(o, "numberRetries", 0);
    json_object_set_new(o, "apiVersion", json_real(j->api_version));
    set_int(o, "numberRecordsFailed", t.rows_failed);
    set_int(o, "totalProcessingTime", t.busy);
    set_int(o, "apiActiveProcessingTime", t.busy);
    set_int(o, "apexProcessingTime", 0);
    return o;
}

json_t *
bulk1_batch_info(const struct bulk_job *job, const struct bulk_job *bt,
                 enum bulk1_fmt fmt)
{
    json_t *o = json_object();
    char id18[SFID_LEN18 + 1];

    bulk1_batch_id(bt, BULK1_BATCH_PREFIX, id18);
    json_object_set_new(o, "id", json_string(id18));
    json_object_set_new(o, "jobId", id_json(job->id));
    json_object_set_new(o, "state", json_string(bulk1_batch_state(bt)));
    if (bt->error_message != NULL)
        json_object_set_new(o, "stateMessage", json_string(bt->error_message));
    json_object_set_new(o, "createdDate", date_json(bt->created_ms, fmt));
    json_object_set_new(o, "systemModstamp", date_json(bt->modstamp_ms, fmt));
    set_int(o, "numberRecordsProcessed", (long long)bt->processed);
    set_int(o, "numberRecordsFailed", (long long)bt->failed);
    set_int(o, "totalProcessingTime", busy_ms(bt));
    set_int(o, "apiActiveProcessingTime", busy_ms(bt));
    set_int(o, "apexProcessingTime", 0);
    return o;
}

static int
key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of o with its members (and theirs) in sorted order. */
static json_t *
sorted(json_t *o, int depth)
{
    const char *keys[64], *k;
    json_t *out, *v;
    size_t n = 0, i;

    if (json_is_array(o) && depth < BULK1_JSON_DEPTH) {
        out = json_array();
        json_array_foreach(o, i, v)
            json_array_append_new(out, sorted(v, depth + 1));
        return out;
    }
    if (!json_is_object(o) || depth >= BULK1_JSON_DEPTH ||
        json_object_size(o) > sizeof(keys) / sizeof(keys[0]))
        return json_incref(o);
    json_object_foreach(o, k, v)
        keys[n++] = k;
    qsort(keys, n, sizeof(keys[0]), key_cmp);
    out = json_object();
    for (i = 0; i < n; i++)
        json_object_set_new(out, keys[i],
                            sorted(json_object_get(o, keys[i]), depth + 1));
    return out;
}

static void put_xml(struct buf *out, const char *name, json_t *v, int depth);

/* The elements of object o, one per member (an array: one per item). */
static void
put_members(struct buf *out, json_t *o, int depth)
{
    const char *k;
    json_t *v, *item;
    size_t i;

    json_object_foreach(o, k, v) {
        if (!json_is_array(v)) {
            put_xml(out, k, v, depth);
            continue;
        }
        json_array_foreach(v, i, item)
            put_xml(out, k, item, depth);
    }
}

/* <name>value</name>, indented one space a level. */
static void
put_xml(struct buf *out, const char *name, json_t *v, int depth)
{
    int i;

    for (i = 0; i < depth; i++)
        buf_putc(out, ' ');
    buf_printf(out, "<%s>", name);
    if (json_is_object(v) && depth < BULK1_JSON_DEPTH) {
        buf_putc(out, '\n');
        put_members(out, v, depth + 1);
        for (i = 0; i < depth; i++)
            buf_putc(out, ' ');
    } else if (json_is_string(v)) {
        buf_xml_escape(out, json_string_value(v), 0);
    } else if (json_is_integer(v)) {
        buf_put_int(out, (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        buf_printf(out, "%.1f", json_real_value(v));
    } else if (json_is_boolean(v)) {
        buf_puts(out, json_is_true(v) ? "true" : "false");
    }
    buf_printf(out, "</%s>\n", name);
}

void
bulk1_answer(struct sim_response *resp, int status, enum bulk1_fmt fmt,
             const char *root, json_t *o)
{
    json_t *s;

    buf_reset(&resp->body);
    if (fmt == BULK1_JSON) {
        s = sorted(o, 0);
        jackson_dump(s, &resp->body);
        json_decref(s);
        resp->content_type = "application/json";
    } else {
        buf_printf(&resp->body,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?><%s\n   "
                   "xmlns=\"%s\">\n",
                   root, BULK1_NS);
        put_members(&resp->body, o, 1);
        buf_printf(&resp->body, "</%s>", root);
        resp->content_type = "application/xml";
    }
    json_decref(o);
    resp->status = status;
    if (resp->verdict == VERDICT_NONE)
        resp->verdict = VERDICT_OK;
}

void
bulk1_error(struct sim_response *resp, int status, enum bulk1_fmt fmt,
            const char *code, const char *fmt_msg, ...)
{
    char msg[BULK1_MSG_MAX];
    va_list ap;

    va_start(ap, fmt_msg);
    vsnprintf(msg, sizeof(msg), fmt_msg, ap);
    va_end(ap);
    resp->verdict = VERDICT_ERROR;
    bulk1_answer(resp, status, fmt, "error",
                 json_pack("{s:s, s:s}", "exceptionCode", code,
                           "exceptionMessage", msg));
    response_detail(resp, "%s: %s", code, msg);
}

/* "CODE:message:fields --" (an engine row error) as a JSON error:
 * {fields, message, statusCode}. */
static json_t *
row_error(const char *text)
{
    const char *colon = strchr(text, ':'), *last = NULL, *end, *p;
    json_t *fields = json_array(), *o;
    char *msg, *f, *save = NULL, *tok;
    size_t n = strlen(text);

    end = n >= 3 && strcmp(text + n - 3, " --") == 0 ? text + n - 3 : text + n;
    if (colon == NULL || colon >= end)
        return json_pack("{s:o, s:s, s:s}", "fields", fields, "message", text,
                         "statusCode", "UNKNOWN_EXCEPTION");
    for (p = colon + 1; p < end; p++)
        if (*p == ':')
            last = p;
    msg =
        xstrndup(colon + 1, (size_t)((last != NULL ? last : end) - colon - 1));
    f = last != NULL ? xstrndup(last + 1, (size_t)(end - last - 1))
                     : xstrdup("");
    for (tok = strtok_r(f, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save))
        json_array_append_new(fields, json_string(tok));
    o = json_pack("{s:o, s:s, s:s%}", "fields", fields, "message", msg,
                  "statusCode", text, (size_t)(colon - text));
    free(f);
    free(msg);
    return o;
}

/* One row of an ingest result in CSV. */
static int
csv_row(struct buf *out, const char *id, int ok, int created, const char *e)
{
    int rc = bulkcsv_put_quoted(out, id, strlen(id));

    rc |= buf_putc(out, ',');
    rc |= bulkcsv_put_quoted(out, ok ? "true" : "false", ok ? 4 : 5);
    rc |= buf_putc(out, ',');
    rc |= bulkcsv_put_quoted(out, created ? "true" : "false", created ? 4 : 5);
    rc |= buf_putc(out, ',');
    rc |= bulkcsv_put_quoted(out, e, strlen(e));
    rc |= buf_putc(out, '\n');
    return rc != 0 ? -1 : 0;
}

/* One row of an ingest result as a JSON object. */
static json_t *
json_row(const char *id, int ok, int created, const char *e)
{
    json_t *errors = json_array();

    if (e[0] != '\0')
        json_array_append_new(errors, row_error(e));
    return json_pack("{s:b, s:b, s:o, s:o}", "success", ok, "created", created,
                     "id", id[0] != '\0' ? json_string(id) : json_null(),
                     "errors", errors);
}

int
bulk1_ingest_results(const struct bulk_job *job, const struct bulk_job *bt,
                     struct buf *out)
{
    int json = strcmp(job->content_type, "JSON") == 0, rc = 0;
    json_t *arr = json ? json_array() : NULL;
    size_t i, r;

    if (!json)
        rc = buf_puts(out, "\"Id\",\"Success\",\"Created\",\"Error\"\n");
    for (i = 0; i < bt->nbatches && rc == 0; i++) {
        const struct bulk_batch *b = &bt->batches[i];

        for (r = 0; r < b->nrows && rc == 0; r++) {
            const struct bulk_outcome *o = &b->out[r];
            char id15[SFID_LEN15 + 1], id[SFID_LEN18 + 1] = "";
            const char *e = o->row == BULK_ROW_FAILED ? b->errs.data + o->err
                            : o->row == BULK_ROW_UNPROCESSED ? "Not processed"
                                                             : "";
            int ok = o->row == BULK_ROW_CREATED || o->row == BULK_ROW_DONE;

            if (o->id[0] != '\0') {
                memcpy(id15, o->id, SFID_LEN15);
                id15[SFID_LEN15] = '\0';
                sfid_to18(id15, id);
            }
            if (json)
                json_array_append_new(
                    arr, json_row(id, ok, o->row == BULK_ROW_CREATED, e));
            else
                rc = csv_row(out, id, ok, o->row == BULK_ROW_CREATED, e);
        }
    }
    if (json) {
        rc = jackson_dump(arr, out);
        json_decref(arr);
    }
    return rc;
}

/* A JSON value as CSV text, or -1 when it cannot be one. */
static int
put_value(struct buf *out, json_t *v)
{
    char num[64];

    if (json_is_string(v))
        return bulkcsv_put_quoted(out, json_string_value(v),
                                  json_string_length(v));
    if (json_is_null(v))
        return bulkcsv_put_quoted(out, "#N/A", 4);
    if (json_is_true(v) || json_is_false(v))
        return bulkcsv_put_quoted(out, json_is_true(v) ? "true" : "false",
                                  json_is_true(v) ? 4 : 5);
    if (json_is_integer(v))
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(num, sizeof(num), "%.17g", json_real_value(v));
    else
        return -1;
    return bulkcsv_put_quoted(out, num, strlen(num));
}

/* The header: every key of every record, in order of appearance. */
static json_t *
header_of(json_t *records, struct sf_err *err)
{
    json_t *cols = json_object(), *rec, *v;
    const char *k;
    size_t i;

    json_array_foreach(records, i, rec) {
        if (!json_is_object(rec)) {
            err_set(err, "record %zu is not a JSON object", i + 1);
            goto fail;
        }
        json_object_foreach(rec, k, v) {
            if (strcmp(k, "attributes") == 0 || json_object_get(cols, k))
                continue;
            if (json_object_size(cols) >= BULKCSV_MAX_FIELDS) {
                err_set(err, "the records have more than %d fields",
                        BULKCSV_MAX_FIELDS);
                goto fail;
            }
            json_object_set_new(cols, k, json_true());
        }
    }
    return cols;
fail:
    json_decref(cols);
    return NULL;
}

/* Every record of records as one CSV row of cols. */
static int
put_rows(struct buf *out, json_t *records, json_t *cols, struct sf_err *err)
{
    json_t *rec, *v, *x;
    const char *k;
    size_t i, c;

    json_array_foreach(records, i, rec) {
        c = 0;
        json_object_foreach(cols, k, x) {
            (void)x;
            if (c++ > 0)
                buf_putc(out, ',');
            if ((v = json_object_get(rec, k)) != NULL &&
                put_value(out, v) == -1) {
                err_set(err,
                        "record %zu: %s is an object or array (relationship "
                        "references are not read)",
                        i + 1, k);
                return -1;
            }
        }
        buf_putc(out, '\n');
    }
    return 0;
}

char *
bulk1_json_to_csv(const char *text, size_t len, size_t *out_len,
                  struct sf_err *err)
{
    json_t *records, *cols = NULL, *x;
    json_error_t jerr;
    struct buf out;
    const char *k;
    size_t c = 0;
    char *csv = NULL;

    buf_init(&out, BULK1_MAX_BATCH_BYTES * 2);
    records = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
    if (records == NULL) {
        err_set(err, "%s at line %d, column %d", jerr.text, jerr.line,
                jerr.column);
        goto out;
    }
    if (!json_is_array(records) || json_array_size(records) == 0) {
        err_set(err, "the batch must be a JSON array of records");
        goto out;
    }
    if ((cols = header_of(records, err)) == NULL)
        goto out;
    json_object_foreach(cols, k, x) {
        (void)x;
        if (c++ > 0)
            buf_putc(&out, ',');
        bulkcsv_put_quoted(&out, k, strlen(k));
    }
    buf_putc(&out, '\n');
    if (put_rows(&out, records, cols, err) == -1)
        goto out;
    if (out.toobig) {
        err_set(err, "the batch is too large");
        goto out;
    }
    csv = buf_steal(&out, out_len);
    if (csv == NULL)
        csv = xstrdup("");
out:
    json_decref(cols);
    json_decref(records);
    buf_free(&out);
    return csv;
}
