/*
 * ingest.c - one Bulk API ingest row through intake, and the result sets
 * (see ingest.h).
 *
 * Error texts a row gets that intake does not make (a missing Id, an
 * unknown record, a bad CSV record) are Salesforce's where the facts give
 * them and sfsim's own otherwise (README, fidelity notes); every one is
 * written as sf__Error's "CODE:message:fields --".
 */
#include "ingest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bulk.h"
#include "bulkcsv.h"
#include "extid.h"
#include "fault.h"
#include "intake.h"
#include "journal.h"
#include "person.h"
#include "recycle.h"
#include "schema.h"
#include "sim.h"
#include "store.h"
#include "xmalloc.h"

#define INGEST_NULL "#N/A" /* the value that sets a field to null */
#define INGEST_MAX_MATCHES 8
#define INGEST_ERR_MAX 2048      /* one error's message */
#define INGEST_JOURNAL_FIELDS 64 /* values of a row kept in its entry */
/* Failed results carry sf__Id from this version on (facts 3.6). */
#define INGEST_VERSION_FAILED_ID 53

static int
is_upsert_by_id(const struct bulk_job *j)
{
    return j->op == BULK_UPSERT && strcasecmp(j->ext_field, "Id") == 0;
}

/* --- indexing ---------------------------------------------------------------
 */

static char *
line_ending_error(const struct bulk_job *j)
{
    return xasprintf("ClientInputError : LineEnding is invalid on user "
                     "data. Current LineEnding setting is %s",
                     j->dialect.crlf ? "CRLF" : "LF");
}

/* The header's cells must be fields of obj, each once. */
static char *
check_header(const struct bulk_batch *b, const struct object_def *obj,
             const struct bulkcsv_record *h)
{
    struct buf scratch;
    char name[BULKCSV_MAX_FIELD + 1];
    const char *v;
    size_t i, k, len;
    char *why = NULL;

    if (h->err != BULKCSV_ERR_NONE || h->end - h->start > BULKCSV_MAX_HEADER)
        return xasprintf("InvalidBatch : Failed to parse the header row: %s",
                         h->err != BULKCSV_ERR_NONE
                             ? bulkcsv_error_str(h->err)
                             : "longer than 32000 characters");
    buf_init(&scratch, BULKCSV_MAX_FIELD + 1);
    for (i = 0; why == NULL && i < h->nfields; i++) {
        v = bulkcsv_value(b->data, &h->fields[i], &scratch, &len);
        snprintf(name, sizeof(name), "%.*s", (int)len, v);
        if (schema_field(obj, name) == NULL)
            why = xasprintf("InvalidBatch : Field name not found : %s", name);
        for (k = 0; why == NULL && k < i; k++) {
            const char *w =
                bulkcsv_value(b->data, &h->fields[k], &scratch, &len);

            if (strlen(name) == len && strncasecmp(w, name, len) == 0)
                why =
                    xasprintf("InvalidBatch : Duplicate field name: %s", name);
        }
    }
    buf_free(&scratch);
    return why;
}

/* Every record after the header: its offset. */
static void
index_rows(struct bulk_batch *b, struct bulkcsv_reader *r)
{
    struct bulkcsv_record rec;
    size_t cap = 0;

    while (bulkcsv_next(r, &rec)) {
        if (b->nrows == cap) {
            cap = cap ? cap * 2 : 1024;
            b->rows = xreallocarray(b->rows, cap, sizeof(*b->rows));
        }
        b->rows[b->nrows++] = (uint32_t)rec.start;
    }
    b->out = xcalloc(b->nrows ? b->nrows : 1, sizeof(*b->out));
}

int
ingest_index(struct sim *sim, struct bulk_job *j, struct bulk_batch *b,
             char **why)
{
    const struct object_def *obj =
        schema_object_at(sim->schema, j->store_index);
    struct bulkcsv_reader r;
    struct bulkcsv_record h;

    *why = NULL;
    b->indexed = 1;
    bulkcsv_reader_init(&r, b->data, b->len, bulkcsv_skip_bom(b->data, b->len),
                        j->dialect);
    if (bulkcsv_next(&r, &h)) {
        b->ncols = h.nfields;
        b->header = xreallocarray(NULL, h.nfields, sizeof(*b->header));
        memcpy(b->header, h.fields, h.nfields * sizeof(*b->header));
        h.fields = b->header; /* the reader's own are reused below */
        b->body = r.pos;
        index_rows(b, &r);
        if (obj == NULL)
            *why =
                xasprintf("InvalidJob : Unable to find object: %s", j->object);
        else if (r.ending_mismatch)
            *why = line_ending_error(j);
        else
            *why = check_header(b, obj, &h);
    }
    bulkcsv_reader_free(&r);
    return *why != NULL ? -1 : 0;
}

/* --- rows, a save at a time --------------------------------------------------
 */

/* What one row of a chunk came to. */
struct row {
    size_t k;                  /* its number in the batch */
    struct bulkcsv_record rec; /* where it lies (fields not kept) */
    struct ingest_val *cv;     /* each column's value, in the chunk's arena */
    size_t nvals;
    struct intake_result res;
    int saved; /* checked into the save, stored at commit */
    enum bulk_row row;
    enum verdict verdict;
    char id[SFID_LEN15 + 1]; /* the record, or "" */
    char code[64];           /* the first error's code */
    char *detail;            /* owned: the journal's detail */
    struct buf err;          /* sf__Error */
};

int
ingest_begin(struct sim *sim, struct bulk_job *j, struct bulk_batch *b,
             struct ingest_ctx *c, char **why)
{
    char jpath[160];
    const char *v;
    size_t i, len;

    memset(c, 0, sizeof(*c));
    c->sim = sim;
    c->job = j;
    c->batch = b;
    c->key_col = -1;
    buf_init(&c->scratch, BULKCSV_MAX_RECORD + 1);
    bulkcsv_reader_init(&c->rd, b->data, b->len, 0, j->dialect);
    bulk_job_path(j, jpath, sizeof(jpath));
    snprintf(c->path, sizeof(c->path), "%s/batches", jpath);
    c->obj = schema_object_at(sim->schema, j->store_index);
    c->cols = xcalloc(b->ncols ? b->ncols : 1, sizeof(*c->cols));
    c->names = xcalloc(b->ncols ? b->ncols : 1, sizeof(*c->names));
    c->colnum = xcalloc(b->ncols ? b->ncols : 1, sizeof(*c->colnum));
    for (i = 0; i < b->ncols; i++) {
        v = bulkcsv_value(b->data, &b->header[i], &c->scratch, &len);
        c->names[i] = xstrndup(v, len);
    }
    if (c->obj == NULL) {
        *why = xasprintf("InvalidJob : Unable to find object: %s", j->object);
        return -1;
    }
    for (i = 0; i < b->ncols; i++) {
        if ((c->cols[i] = schema_field(c->obj, c->names[i])) == NULL) {
            *why = xasprintf("InvalidBatch : Field name not found : %s",
                             c->names[i]);
            return -1;
        }
        if (strcmp(c->cols[i]->name, j->op == BULK_UPSERT && !is_upsert_by_id(j)
                                         ? j->ext_field
                                         : "Id") == 0)
            c->key_col = (int)i;
    }
    return 0;
}

void
ingest_end(struct ingest_ctx *c)
{
    size_t i;

    for (i = 0; c->names != NULL && i < c->batch->ncols; i++)
        free(c->names[i]);
    free(c->names);
    bulkcsv_reader_free(&c->rd);
    free(c->cols);
    free(c->colnum);
    fieldvals_free(&c->fv);
    buf_free(&c->scratch);
    memset(c, 0, sizeof(*c));
}

/* Appends one error as "CODE:message:field field --" (facts 3.6). */
static void
put_error(struct buf *out, const char *code, const char *message,
          json_t *fields)
{
    size_t i;

    buf_printf(out, "%s:%s:", code, message);
    for (i = 0; i < json_array_size(fields); i++)
        buf_printf(out, "%s ", json_string_value(json_array_get(fields, i)));
    buf_puts(out, "--");
}

static void row_fail(struct row *w, enum verdict v, const char *code,
                     const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
row_fail(struct row *w, enum verdict v, const char *code, const char *field,
         const char *fmt, ...)
{
    char msg[INGEST_ERR_MAX];
    json_t *fields = json_array();
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (field != NULL)
        json_array_append_new(fields, json_string(field));
    w->row = BULK_ROW_FAILED;
    w->verdict = v;
    snprintf(w->code, sizeof(w->code), "%s", code);
    put_error(&w->err, code, msg, fields);
    free(w->detail);
    w->detail = xasprintf("%s: %s", code, msg);
    json_decref(fields);
}

/* Intake's refusal as sf__Error: every error, in order. */
static void
row_refused(struct row *w)
{
    json_t *e;
    size_t i;

    w->row = BULK_ROW_FAILED;
    w->verdict = w->res.verdict;
    free(w->detail);
    w->detail = xstrdup(w->res.detail != NULL ? w->res.detail : "refused");
    for (i = 0; i < json_array_size(w->res.errors); i++) {
        e = json_array_get(w->res.errors, i);
        if (i == 0)
            snprintf(w->code, sizeof(w->code), "%s",
                     json_string_value(json_object_get(e, "errorCode")));
        put_error(&w->err, json_string_value(json_object_get(e, "errorCode")),
                  json_string_value(json_object_get(e, "message")),
                  json_object_get(e, "fields"));
    }
}

/* The row's values, unescaped and NUL-terminated, kept in w. */
static void
row_values(struct ingest_ctx *c, struct row *w)
{
    const char *v;
    size_t i, len;

    w->nvals =
        w->rec.nfields < c->batch->ncols ? w->rec.nfields : c->batch->ncols;
    for (i = 0; i < w->nvals; i++) {
        v = bulkcsv_value(c->batch->data, &w->rec.fields[i], &c->scratch, &len);
        w->cv[i].off = c->arena_used;
        w->cv[i].len = len;
        memcpy(c->arena + c->arena_used, v, len);
        c->arena[c->arena_used + len] = '\0';
        c->arena_used += len + 1;
    }
}

static const char *
col_value(const struct ingest_ctx *c, const struct row *w, int i, size_t *len)
{
    if (i < 0 || (size_t)i >= w->nvals) {
        *len = 0;
        return "";
    }
    *len = w->cv[i].len;
    return c->arena + w->cv[i].off;
}

/* The values intake gets: blank left out, #N/A null, skip not at all. */
static void
build_fv(struct ingest_ctx *c, const struct row *w, int skip)
{
    const char *v;
    size_t i, len;

    c->fv.n = 0;
    for (i = 0; i < w->nvals; i++) {
        if ((int)i == skip)
            continue;
        v = col_value(c, w, (int)i, &len);
        if (len == 0)
            continue;
        if (len == sizeof(INGEST_NULL) - 1 && memcmp(v, INGEST_NULL, len) == 0)
            v = NULL, len = 0;
        c->colnum[c->fv.n] = (int)i;
        fieldvals_set(&c->fv, c->cols[i]->interned, v, len);
    }
}

/* Checks a create (r NULL) or an update of r into the chunk's save. */
static void
save_row(struct ingest_ctx *c, struct row *w, struct record *r)
{
    if (intake_save_check(c->save, c->obj, r, &c->fv, &w->res) == 0)
        w->saved = 1;
    else
        row_refused(w);
}

/* The record the row's Id names, or NULL after failing the row. */
static struct record *
find_by_id(struct ingest_ctx *c, struct row *w, const char *call)
{
    char id15[SFID_LEN15 + 1];
    struct record *r;
    size_t len;
    const char *v = col_value(c, w, c->key_col, &len);

    if (len == 0) {
        row_fail(w, VERDICT_ERROR, "MISSING_ARGUMENT", NULL,
                 "Id not specified in %s call", call);
        return NULL;
    }
    if (sfid_normalize(v, len, id15) == -1 ||
        strncmp(id15, c->obj->prefix, 3) != 0) {
        row_fail(w, VERDICT_ERROR, "MALFORMED_ID", "Id",
                 "%s ID: id value of incorrect type: %s", c->obj->label, v);
        return NULL;
    }
    r = store_get(c->sim->store, id15);
    if (r == NULL || r->object != c->obj->store_index) {
        row_fail(w, VERDICT_ERROR, "ENTITY_IS_DELETED", NULL,
                 "entity is deleted");
        return NULL;
    }
    memcpy(w->id, r->id, sizeof(w->id));
    return r;
}

static void
do_update(struct ingest_ctx *c, struct row *w)
{
    struct record *r = find_by_id(c, w, "an update");

    if (r == NULL)
        return;
    build_fv(c, w, c->key_col);
    save_row(c, w, r);
}

static void
do_delete(struct ingest_ctx *c, struct row *w)
{
    struct record *r = find_by_id(c, w, "a delete");
    char msg[160];

    if (r == NULL)
        return;
    if (schema_refusal(c->obj, OBJ_DELETABLE, msg, sizeof(msg)) == -1) {
        row_fail(w, VERDICT_ERROR, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", NULL,
                 "%s", msg);
        return;
    }
    /* hardDelete skips the recycle bin (the Person Account's contact
     * still goes there: UNCONFIRMED). */
    if (c->job->op == BULK_HARD_DELETE) {
        person_delete_contact(c->sim, c->obj, r);
        store_delete(c->sim->store, r);
    } else {
        recycle_delete(c->sim, c->obj, r);
    }
    w->row = BULK_ROW_DONE;
    w->verdict = VERDICT_DELETED;
}

/* Several records share the key: Salesforce's DUPLICATE_EXTERNAL_ID. */
static void
fail_duplicate_key(struct ingest_ctx *c, struct row *w, struct record **recs,
                   size_t n)
{
    char list[INGEST_MAX_MATCHES * (SFID_LEN18 + 2) + 1], id18[SFID_LEN18 + 1];
    size_t i, used = 0;

    list[0] = '\0';
    for (i = 0; i < n && i < INGEST_MAX_MATCHES; i++) {
        sfid_to18(recs[i]->id, id18);
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
                                 i ? ", " : "", id18);
    }
    row_fail(w, VERDICT_ERROR, "DUPLICATE_EXTERNAL_ID", c->job->ext_field,
             "%s: more than one record found for external id field: [%s]",
             c->job->ext_field, list);
}

/* Whether an earlier row of the same save upserts the same key. */
static int
key_repeated(const struct ingest_ctx *c, const struct row *w)
{
    const struct row *o;
    size_t len, olen;
    const char *v = col_value(c, w, c->key_col, &len), *ov;

    for (o = c->chunk; o < w; o++) {
        ov = col_value(c, o, c->key_col, &olen);
        if (olen == len && strncasecmp(ov, v, len) == 0)
            return 1;
    }
    return 0;
}

static void
do_upsert(struct ingest_ctx *c, struct row *w)
{
    struct record *recs[INGEST_MAX_MATCHES];
    const struct field_def *key;
    struct extid_key k;
    const char *v, *stored;
    size_t len, n, slen;

    v = col_value(c, w, c->key_col, &len);
    if (is_upsert_by_id(c->job)) {
        /* No Id: a new record; an Id: the update of that record. */
        if (len > 0) {
            do_update(c, w);
            return;
        }
        build_fv(c, w, c->key_col);
        save_row(c, w, NULL);
        return;
    }
    if (len == 0) {
        row_fail(w, VERDICT_ERROR, "MISSING_ARGUMENT", NULL, "%s not specified",
                 c->job->ext_field);
        return;
    }
    if (key_repeated(c, w)) {
        row_fail(w, VERDICT_ERROR, "DUPLICATE_EXTERNAL_ID", c->job->ext_field,
                 "Duplicate external id specified: %s", v);
        return;
    }
    key = c->cols[c->key_col];
    if (extid_field(c->obj, key->name, c->job->api_version, &k) == -1) {
        row_fail(w, VERDICT_ERROR, "INVALID_FIELD", key->name,
                 "%s is not an external id field", key->name);
        return;
    }
    extid_set_value(&k, v);
    n = extid_find(c->sim, c->obj, &k, recs, INGEST_MAX_MATCHES);
    if (n > 1) {
        fail_duplicate_key(c, w, recs, n);
        return;
    }
    build_fv(c, w, -1);
    if (n == 1) {
        /* The key keeps its stored spelling, as REST upsert does. */
        memcpy(w->id, recs[0]->id, sizeof(w->id));
        stored = record_value(recs[0], key->interned, &slen);
        if (stored != NULL)
            fieldvals_set(&c->fv, key->interned, stored, slen);
    }
    save_row(c, w, n == 1 ? recs[0] : NULL);
}

/* A record-scope fault rule reads the row's values by column name. */
struct fault_row {
    const struct ingest_ctx *c;
    const struct row *w;
};

static const char *
fault_field(void *arg, const char *field, char *buf, size_t n)
{
    const struct fault_row *fr = arg;
    size_t i, len;
    const char *v;

    for (i = 0; i < fr->w->nvals; i++)
        if (strcasecmp(fr->c->names[i], field) == 0) {
            v = col_value(fr->c, fr->w, (int)i, &len);
            snprintf(buf, n, "%.*s", (int)len, v);
            return buf;
        }
    return NULL;
}

/* 1 when a record-scope fault rule fails the row (counted there). */
static int
row_faulted(struct ingest_ctx *c, struct row *w)
{
    struct fault_record_hit hit;
    struct fault_row fr = {c, w};

    if (!fault_plan_apply_record(c->sim->faults, "PUT", c->path, fault_field,
                                 &fr, &hit))
        return 0;
    row_fail(w, VERDICT_FAULT_INJECTED, hit.error_code, NULL, "%s",
             hit.message);
    return 1;
}

/* The row's meaning under the job's operation. */
static void
run_row(struct ingest_ctx *c, struct row *w)
{
    if (w->rec.err != BULKCSV_ERR_NONE) {
        row_fail(w, VERDICT_ERROR, "INVALID_FIELD", NULL,
                 "Invalid CSV record: %s", bulkcsv_error_str(w->rec.err));
        return;
    }
    if (w->rec.nfields != c->batch->ncols) {
        row_fail(w, VERDICT_ERROR, "INVALID_FIELD", NULL,
                 "Invalid CSV record: %zu values for %zu columns",
                 w->rec.nfields, c->batch->ncols);
        return;
    }
    row_values(c, w);
    if (row_faulted(c, w))
        return;
    switch (c->job->op) {
    case BULK_UPDATE: do_update(c, w); break;
    case BULK_DELETE:
    case BULK_HARD_DELETE: do_delete(c, w); break;
    case BULK_UPSERT: do_upsert(c, w); break;
    default: build_fv(c, w, -1); save_row(c, w, NULL);
    }
}

/* After the save's commit: what a row checked into it became. */
static void
row_committed(struct row *w)
{
    if (!w->saved)
        return;
    if (w->res.errors != NULL) {
        row_refused(w);
        return;
    }
    w->verdict = w->res.verdict;
    w->row =
        w->res.verdict == VERDICT_CREATED ? BULK_ROW_CREATED : BULK_ROW_DONE;
    memcpy(w->id, w->res.record->id, sizeof(w->id));
}

/* The row's journal entry (kind record), waiting in jb for the commit. */
static void
journal_row(struct ingest_ctx *c, const struct row *w, int64_t at,
            struct journal_batch *jb)
{
    struct journal_field fields[INGEST_JOURNAL_FIELDS];
    char info[160], id18[SFID_LEN18 + 1], job18[SFID_LEN18 + 1];
    struct journal_entry e;
    size_t i, len;

    memset(&e, 0, sizeof(e));
    e.time_ms = at;
    e.kind = "record";
    e.method = "PUT";
    e.path = c->path;
    e.verdict = w->verdict;
    e.object = c->obj->name;
    if (w->id[0] != '\0' && w->row != BULK_ROW_FAILED) {
        sfid_to18(w->id, id18);
        e.record_id = id18;
    }
    if (w->row == BULK_ROW_FAILED) {
        e.error_code = w->code;
        e.detail = w->detail;
    }
    for (i = 0; i < w->nvals && i < INGEST_JOURNAL_FIELDS; i++) {
        fields[i].name = c->names[i];
        fields[i].value = col_value(c, w, (int)i, &len);
    }
    e.fields = fields;
    e.nfields = i;
    bulk_job_id18(c->job, job18);
    snprintf(info, sizeof(info), "{\"job\":\"%s\",\"operation\":\"%s\"}", job18,
             bulk_op_name(c->job->op));
    e.info_json = info;
    journal_batch_add(c->sim->journal, jb, JOURNAL_BATCH_TOP, w->k, &e);
}

/* The row's outcome into the batch, for the result sets. */
static void
keep_outcome(struct bulk_batch *b, const struct row *w)
{
    struct bulk_outcome *o = &b->out[w->k];

    o->row = (uint8_t)w->row;
    if (w->id[0] != '\0')
        memcpy(o->id, w->id, sizeof(o->id));
    if (w->row == BULK_ROW_FAILED) {
        o->err = (uint32_t)b->errs.len;
        buf_append(&b->errs, w->err.data, w->err.len);
        buf_putc(&b->errs, '\0');
    }
}

static void
row_free(struct row *w)
{
    buf_free(&w->err);
    free(w->detail);
    intake_result_free(&w->res);
}

/*
 * Room for the values of rows [first, first + n): never more than their
 * text (unescaping only shortens) and a NUL each, so the values stay put
 * until the save is committed.
 */
static void
chunk_arena(struct ingest_ctx *c, size_t first, size_t n)
{
    const struct bulk_batch *b = c->batch;
    size_t end = first + n < b->nrows ? b->rows[first + n] : b->len;

    c->arena_used = 0;
    c->arena = xmalloc(end - b->rows[first] + n * b->ncols + 1);
    c->cvs = xcalloc(n * b->ncols + 1, sizeof(*c->cvs));
}

void
ingest_chunk(struct ingest_ctx *c, size_t first, size_t n, int64_t at)
{
    struct intake_opts opts = {0};
    struct journal_batch jb;
    struct bulkcsv_record rec;
    struct row *w;
    size_t i;

    opts.api_version = c->job->api_version;
    opts.columns = c->colnum;
    c->save = intake_save_new(c->sim, INTAKE_BULK, at, &opts);
    c->chunk = xcalloc(n ? n : 1, sizeof(*c->chunk));
    chunk_arena(c, first, n);
    journal_batch_init(&jb);
    for (i = 0; i < n; i++) {
        w = &c->chunk[i];
        w->k = first + i;
        w->cv = c->cvs + i * c->batch->ncols;
        buf_init(&w->err, INGEST_ERR_MAX * 8);
        intake_result_init(&w->res);
        bulkcsv_seek(&c->rd, c->batch->rows[w->k]);
        bulkcsv_next(&c->rd, &rec);
        w->rec = rec;
        run_row(c, w);
        w->rec.fields = NULL; /* the reader's, reused by the next row */
    }
    intake_save_commit(c->save);
    for (i = 0; i < n; i++) {
        w = &c->chunk[i];
        row_committed(w);
        keep_outcome(c->batch, w);
        journal_row(c, w, at, &jb);
        row_free(w);
    }
    journal_batch_commit(c->sim->journal, &jb, c->batch->upload_seq);
    intake_save_free(c->save);
    free(c->chunk);
    free(c->arena);
    free(c->cvs);
    c->save = NULL;
    c->chunk = NULL;
    c->arena = NULL;
    c->cvs = NULL;
}

/* --- result sets ------------------------------------------------------------
 */

static void
put_delim(struct buf *out, const struct bulk_job *j, int *first)
{
    if (!*first)
        buf_putc(out, j->dialect.delim);
    *first = 0;
}

/* The header line: the sf__ columns, then the uploaded header as it came. */
static void
put_header(const struct bulk_job *j, enum ingest_result which, struct buf *out)
{
    const struct bulk_batch *b = j->nbatches > 0 ? &j->batches[0] : NULL;
    struct bulkcsv_reader r;
    struct bulkcsv_record h;
    int first = 1;
    size_t i;

    if (which == INGEST_SUCCESSFUL) {
        buf_puts(out, "\"sf__Id\"");
        buf_putc(out, j->dialect.delim);
        buf_puts(out, "\"sf__Created\"");
        first = 0;
    } else if (which == INGEST_FAILED) {
        if (j->api_version >= INGEST_VERSION_FAILED_ID) {
            buf_puts(out, "\"sf__Id\"");
            buf_putc(out, j->dialect.delim);
        }
        buf_puts(out, "\"sf__Error\"");
        first = 0;
    }
    if (b != NULL) {
        bulkcsv_reader_init(&r, b->data, b->len,
                            bulkcsv_skip_bom(b->data, b->len), j->dialect);
        if (bulkcsv_next(&r, &h))
            for (i = 0; i < h.nfields; i++) {
                put_delim(out, j, &first);
                buf_append(out, b->data + h.fields[i].off, h.fields[i].len);
            }
        bulkcsv_reader_free(&r);
    }
    if (!first)
        bulkcsv_put_eol(out, j->dialect);
}

/* Whether a row in state row belongs to the result set which. */
static int
wanted(const struct bulk_job *j, enum ingest_result which, enum bulk_row row)
{
    switch (which) {
    case INGEST_SUCCESSFUL:
        return row == BULK_ROW_CREATED || row == BULK_ROW_DONE;
    case INGEST_FAILED: return row == BULK_ROW_FAILED;
    default:
        return row == BULK_ROW_UNPROCESSED &&
               (j->state == BULK_FAILED || j->state == BULK_ABORTED);
    }
}

static void
put_row(const struct bulk_job *j, const struct bulk_batch *b,
        enum ingest_result which, const struct bulk_outcome *o,
        const struct bulkcsv_record *rec, struct buf *scratch, struct buf *out)
{
    char id15[SFID_LEN15 + 1], id18[SFID_LEN18 + 1] = "";
    const char *v;
    size_t i, len;
    int first = 1;

    if (o != NULL && o->id[0] != '\0') {
        memcpy(id15, o->id, SFID_LEN15);
        id15[SFID_LEN15] = '\0';
        sfid_to18(id15, id18);
    }
    if (which == INGEST_SUCCESSFUL) {
        bulkcsv_put_quoted(out, id18, strlen(id18));
        buf_putc(out, j->dialect.delim);
        v = o->row == BULK_ROW_CREATED ? "true" : "false";
        bulkcsv_put_quoted(out, v, strlen(v));
        first = 0;
    } else if (which == INGEST_FAILED) {
        if (j->api_version >= INGEST_VERSION_FAILED_ID) {
            bulkcsv_put_quoted(out, id18, strlen(id18));
            buf_putc(out, j->dialect.delim);
        }
        v = b->errs.data + o->err;
        bulkcsv_put_quoted(out, v, strlen(v));
        first = 0;
    }
    for (i = 0; i < rec->nfields; i++) {
        put_delim(out, j, &first);
        v = bulkcsv_value(b->data, &rec->fields[i], scratch, &len);
        bulkcsv_put_quoted(out, v, len);
    }
    bulkcsv_put_eol(out, j->dialect);
}

/* The rows of b that belong to which, read in upload order. */
static void
put_batch(const struct bulk_job *j, const struct bulk_batch *b,
          enum ingest_result which, struct buf *out)
{
    struct bulkcsv_reader r;
    struct bulkcsv_record rec;
    struct buf scratch;
    const struct bulk_outcome *o;
    size_t k;

    buf_init(&scratch, BULKCSV_MAX_RECORD + 1);
    bulkcsv_reader_init(&r, b->data, b->len, bulkcsv_skip_bom(b->data, b->len),
                        j->dialect);
    if (bulkcsv_next(&r, &rec)) {
        for (k = 0; bulkcsv_next(&r, &rec); k++) {
            o = b->indexed && k < b->nrows ? &b->out[k] : NULL;
            if (wanted(j, which, o != NULL ? o->row : BULK_ROW_UNPROCESSED))
                put_row(j, b, which, o, &rec, &scratch, out);
        }
    }
    bulkcsv_reader_free(&r);
    buf_free(&scratch);
}

int
ingest_results(const struct bulk_job *j, enum ingest_result which,
               struct buf *out)
{
    size_t i;

    put_header(j, which, out);
    for (i = 0; i < j->nbatches; i++)
        put_batch(j, &j->batches[i], which, out);
    return out->toobig ? -1 : 0;
}
