/*
 * batch.c - one batch request's records (see batch.h).
 */
#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "journal.h"
#include "redact.h"
#include "rest.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "xmalloc.h"

void
batch_begin(struct batch *b, struct sim *sim, const struct sim_request *req,
            int version, struct sim_response *resp)
{
    memset(b, 0, sizeof(*b));
    b->sim = sim;
    b->resp = resp;
    b->method = req->method_name;
    b->path = req->path;
    rest_intake_opts(req, version, &b->opts);
    b->mark = store_savepoint(sim->store);
}

void
batch_end(struct batch *b, int rollback)
{
    if (rollback)
        store_rollback(b->sim->store, b->mark);
    else
        store_release(b->sim->store, b->mark);
}

struct batch_rec *
batch_recs_new(size_t n)
{
    return xcalloc(n > 0 ? n : 1, sizeof(struct batch_rec));
}

void
batch_recs_free(struct batch_rec *recs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        fieldvals_free(&recs[i].fv);
        intake_result_free(&recs[i].res);
        json_decref(recs[i].errors);
    }
    free(recs);
}

static json_t *
error_element(const char *code, const char *message, json_t *fields)
{
    return json_pack("{s:s, s:s, s:o}", "statusCode", code, "message", message,
                     "fields", fields != NULL ? fields : json_array());
}

void
batch_refuse(struct batch_rec *r, enum verdict v, const char *code,
             const char *message, json_t *fields)
{
    json_decref(r->errors);
    r->errors = json_pack("[o]", error_element(code, message, fields));
    r->verdict = v;
    free(r->res.detail);
    r->res.detail = xasprintf("%s: %s", code, message);
}

int
batch_refused(const struct batch_rec *r)
{
    return r->errors != NULL;
}

json_t *
batch_errors(json_t *errors)
{
    json_t *out = json_array(), *e, *fields;
    size_t i;

    json_array_foreach(errors, i, e) {
        fields = json_object_get(e, "fields");
        json_array_append_new(
            out,
            error_element(json_string_value(json_object_get(e, "errorCode")),
                          json_string_value(json_object_get(e, "message")),
                          json_is_array(fields) ? json_incref(fields) : NULL));
    }
    return out;
}

int
batch_read(struct batch *b, struct batch_rec *r, unsigned flags)
{
    json_t *err = recbody_fields(r->obj, r->mem, flags, &r->fv, &b->names);

    if (err == NULL)
        return 0;
    batch_refuse(r, VERDICT_ERROR,
                 json_string_value(json_object_get(err, "errorCode")),
                 json_string_value(json_object_get(err, "message")), NULL);
    json_decref(err);
    return -1;
}

const char *
batch_member_field(void *arg, const char *field, char *buf, size_t n)
{
    const struct recval *v = recmembers_get(arg, field);

    if (v == NULL)
        return NULL;
    switch (v->kind) {
    case RECVAL_STRING:
    case RECVAL_INTEGER:
    case RECVAL_TRUE:
    case RECVAL_FALSE: return v->text;
    case RECVAL_REAL: snprintf(buf, n, "%.17g", v->real); return buf;
    default: return NULL;
    }
}

/* A record-scope fault for r: refuses it and returns 1 when one fires. */
static int
fault_record(struct batch *b, struct batch_rec *r)
{
    struct fault_record_hit hit;

    if (r->mem == NULL ||
        fault_plan_apply_record(b->sim->faults, b->method, b->path,
                                batch_member_field, (void *)r->mem, &hit) == 0)
        return 0;
    batch_refuse(r, VERDICT_FAULT_INJECTED, hit.error_code, hit.message, NULL);
    free(r->res.detail);
    r->res.detail = xasprintf("fault %u: %s", hit.rule_id, hit.error_code);
    return 1;
}

/* What intake made of r: its record, or its errors as batch elements. */
static void
settle(struct batch_rec *r)
{
    if (r->res.record != NULL) {
        r->verdict = r->res.verdict;
        sfid_to18(r->res.record->id, r->id);
        return;
    }
    r->verdict = r->res.verdict;
    json_decref(r->errors);
    r->errors = batch_errors(r->res.errors);
}

/* Saves one run of records of the same object: recs[0..n). */
static void
save_chunk(struct batch *b, struct batch_rec *recs, size_t n)
{
    struct intake_save *s =
        intake_save_new(b->sim, INTAKE_REST, sim_now(b->sim), &b->opts);
    size_t i;

    for (i = 0; i < n; i++) {
        if (batch_refused(&recs[i]) || fault_record(b, &recs[i]))
            continue;
        intake_save_check(s, recs[i].obj, recs[i].target, &recs[i].fv,
                          &recs[i].res);
    }
    intake_save_commit(s);
    intake_save_free(s);
    for (i = 0; i < n; i++)
        if (!batch_refused(&recs[i]))
            settle(&recs[i]);
}

size_t
batch_save(struct batch *b, struct batch_rec *recs, size_t n)
{
    size_t i = 0, j, refused = 0;

    while (i < n) {
        for (j = i + 1; j < n && recs[j].obj == recs[i].obj; j++)
            ;
        save_chunk(b, recs + i, j - i);
        i = j;
    }
    for (i = 0; i < n; i++)
        refused += batch_refused(&recs[i]);
    return refused;
}

void
batch_mark_rolled_back(struct batch_rec *recs, size_t n, int keep_ids)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (batch_refused(&recs[i]))
            continue;
        batch_refuse(&recs[i], VERDICT_ROLLED_BACK, BATCH_ROLLED_BACK_CODE,
                     BATCH_ROLLED_BACK_MSG, NULL);
        if (!keep_ids)
            recs[i].id[0] = '\0';
    }
}

/* A string literal appended without measuring it. */
#define PUT_LITERAL(b, s) buf_append((b), (s), sizeof(s) - 1)

void
batch_results_text(struct buf *b, const struct batch_rec *recs, size_t n,
                   int keep_id, int with_created)
{
    const struct batch_rec *r;
    char *errors;
    size_t i;

    buf_putc(b, '[');
    for (i = 0; i < n; i++) {
        r = &recs[i];
        if (i > 0)
            buf_putc(b, ',');
        /* An id is 18 letters and digits: nothing to escape. */
        if (r->id[0] != '\0' && (!batch_refused(r) || keep_id)) {
            PUT_LITERAL(b, "{\"id\":\"");
            buf_puts(b, r->id);
            PUT_LITERAL(b, "\",");
        } else {
            buf_putc(b, '{');
        }
        if (!batch_refused(r)) {
            PUT_LITERAL(b, "\"success\":true,\"errors\":[]");
        } else {
            errors = json_dumps(r->errors, JSON_COMPACT | JSON_ENCODE_ANY);
            PUT_LITERAL(b, "\"success\":false,\"errors\":");
            buf_puts(b, errors != NULL ? errors : "[]");
            free(errors);
        }
        if (with_created) {
            if (r->created)
                PUT_LITERAL(b, ",\"created\":true");
            else
                PUT_LITERAL(b, ",\"created\":false");
        }
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

/* The record's scalar values as received, for its journal entry (borrowed
 * from r), secrets redacted as in request bodies. Returns how many. */
static size_t
journal_fields(const struct batch_rec *r, struct journal_field *out, size_t max)
{
    const struct recval *v;
    size_t i, n = 0;

    for (i = 0; i < r->mem->n && n < max; i++) {
        v = &r->mem->v[i];
        if (v->kind == RECVAL_OBJECT || v->kind == RECVAL_ARRAY)
            continue;
        out[n].name = v->name;
        out[n++].value =
            v->text != NULL ? redact_value(v->name, v->text) : NULL;
    }
    return n;
}

static void
journal_one(struct batch *b, const struct batch_rec *r, size_t index)
{
    struct journal_field fields[STORE_MAX_FIELDS_PER_RECORD];
    struct journal_entry e;

    memset(&e, 0, sizeof(e));
    e.time_ms = sim_now(b->sim);
    e.kind = "record";
    e.method = b->method;
    e.path = b->path;
    e.verdict = r->verdict;
    e.object = r->obj != NULL ? r->obj->name : NULL;
    e.record_id = r->id[0] != '\0' ? r->id : NULL;
    if (batch_refused(r))
        e.error_code = json_string_value(
            json_object_get(json_array_get(r->errors, 0), "statusCode"));
    e.detail = r->res.detail;
    if (r->mem != NULL) {
        e.fields = fields;
        e.nfields = journal_fields(r, fields, STORE_MAX_FIELDS_PER_RECORD);
    }
    journal_batch_add(b->sim->journal, &b->resp->batch, JOURNAL_BATCH_TOP,
                      index, &e);
}

void
batch_journal(struct batch *b, const struct batch_rec *recs, size_t n,
              size_t base)
{
    size_t i;

    for (i = 0; i < n; i++)
        journal_one(b, &recs[i], base + i);
}
