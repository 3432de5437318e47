/*
 * recdiff.c - the record reader's two ways against the old code (see
 * recdiff.h).
 *
 * The oracle functions (old_*) are the jansson-based code the sim ran
 * before recscan (d88d0c4: recbody.c's recbody_fields(), batch.c's
 * journal_fields(), h_collections.c's record_type() and allOrNone and
 * records checks), kept as they were apart from names.
 */
#include "recdiff.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "batch.h"
#include "fault.h"
#include "jload.h"
#include "recbody.h"
#include "recscan.h"
#include "redact.h"
#include "schema.h"
#include "sobject.h"
#include "store.h"

#define RECDIFF_MAX_FIELDS 512

/* --- the oracle ---------------------------------------------------------- */

struct old_pool {
    char *v[RECDIFF_MAX_FIELDS];
    size_t n;
};

static const char *
old_keep(struct old_pool *p, char *s)
{
    if (p->n == RECDIFF_MAX_FIELDS) {
        free(s);
        return "(pool full)";
    }
    p->v[p->n++] = s;
    return s;
}

static void
old_pool_free(struct old_pool *p)
{
    while (p->n > 0)
        free(p->v[--p->n]);
}

static const char *
old_token_name(const json_t *j)
{
    static const struct {
        json_type type;
        const char *token;
    } json_tokens[] = {
        {JSON_OBJECT, "START_OBJECT"},     {JSON_ARRAY, "START_ARRAY"},
        {JSON_STRING, "VALUE_STRING"},     {JSON_INTEGER, "VALUE_NUMBER_INT"},
        {JSON_REAL, "VALUE_NUMBER_FLOAT"}, {JSON_TRUE, "VALUE_TRUE"},
        {JSON_FALSE, "VALUE_FALSE"},       {JSON_NULL, "VALUE_NULL"},
    };
    size_t i;

    for (i = 0; i < sizeof(json_tokens) / sizeof(json_tokens[0]); i++)
        if (json_tokens[i].type == json_typeof(j))
            return json_tokens[i].token;
    return "VALUE_EMBEDDED_OBJECT";
}

static json_t *
old_error(const char *code, const char *message)
{
    return json_pack("{s:s, s:s}", "message", message, "errorCode", code);
}

static json_t *
old_value_text(const struct field_def *f, json_t *v, struct old_pool *pool,
               const char **out, size_t *len)
{
    char msg[256];

    *out = NULL;
    *len = 0;
    switch (json_typeof(v)) {
    case JSON_STRING:
        *out = json_string_value(v);
        *len = json_string_length(v);
        return NULL;
    case JSON_INTEGER:
    case JSON_REAL: *out = old_keep(pool, sobject_scalar_text(v)); break;
    case JSON_TRUE: *out = "true"; break;
    case JSON_FALSE: *out = "false"; break;
    case JSON_NULL: return NULL;
    default:
        snprintf(msg, sizeof(msg),
                 "Cannot deserialize instance of %s from %s value %s or "
                 "request may be missing a required field",
                 fieldtype_describe_name(f->type), old_token_name(v),
                 json_is_array(v) ? "[" : "{");
        return old_error("JSON_PARSER_ERROR", msg);
    }
    *len = strlen(*out);
    return NULL;
}

static json_t *
old_fields(const struct object_def *obj, json_t *body, unsigned flags,
           struct fieldvals *fv, struct old_pool *pool)
{
    const char *key, *text;
    char msg[512];
    json_t *v, *err;
    size_t len;

    json_object_foreach(body, key, v) {
        const struct field_def *f = schema_field(obj, key);

        if (strcmp(key, "attributes") == 0)
            continue;
        if (strcasecmp(key, "Id") == 0) {
            if (flags & RECBODY_ID_OK)
                continue;
            return old_error("INVALID_FIELD", "The Id field should not be "
                                              "specified in the sobject data.");
        }
        if (f == NULL) {
            snprintf(msg, sizeof(msg),
                     "No such column '%.200s' on sobject of type %s", key,
                     obj->name);
            return old_error("INVALID_FIELD", msg);
        }
        if ((err = old_value_text(f, v, pool, &text, &len)) != NULL)
            return err;
        fieldvals_set(fv, f->interned, text, len);
    }
    return NULL;
}

static size_t
old_journal_fields(json_t *rec, struct journal_field *out, size_t max,
                   struct old_pool *pool)
{
    const char *key, *text;
    json_t *v;
    size_t n = 0;

    json_object_foreach(rec, key, v) {
        if (n == max)
            break;
        if (json_is_object(v) || json_is_array(v))
            continue;
        if (json_is_null(v))
            text = NULL;
        else if (json_is_string(v))
            text = json_string_value(v);
        else
            text = old_keep(pool, sobject_scalar_text(v));
        out[n].name = key;
        out[n++].value = text != NULL ? redact_value(key, text) : NULL;
    }
    return n;
}

static const char *
old_record_type(json_t *rec)
{
    return json_string_value(
        json_object_get(json_object_get(rec, "attributes"), "type"));
}

/* --- comparing ----------------------------------------------------------- */

struct ctx {
    const char *body;
    size_t len;
    const char *way; /* which reading is being checked */
};

static int
differ(const struct ctx *c, const char *what, const char *a, const char *b)
{
    size_t i;

    fprintf(stderr,
            "recdiff: %s: %s differs: '%s' vs '%s'\nbody (%zu): ", c->way, what,
            a != NULL ? a : "(null)", b != NULL ? b : "(null)", c->len);
    for (i = 0; i < c->len && i < 4096; i++) {
        unsigned char ch = (unsigned char)c->body[i];

        if (ch >= 0x20 && ch < 0x7f && ch != '\\')
            fputc(ch, stderr);
        else
            fprintf(stderr, "\\x%02x", ch);
    }
    fputc('\n', stderr);
    return -1;
}

static int
same_text(const char *a, size_t alen, const char *b, size_t blen)
{
    if (a == NULL || b == NULL)
        return a == b;
    return alen == blen && memcmp(a, b, alen) == 0;
}

static int
same_str(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Two readings' member lists: the same members, texts and numbers. */
static int
same_scan(const struct ctx *c, const struct recscan *a, const struct recscan *b)
{
    const struct recval *x, *y;
    size_t i, k;
    char ka[32], kb[32];

    if (a->all_or_none != b->all_or_none || a->records != b->records ||
        a->nrecs != b->nrecs)
        return differ(c, "body shape", "scan", "json");
    for (i = 0; i < a->nrecs; i++) {
        if (!same_str(a->recs[i].token, b->recs[i].token))
            return differ(c, "token", a->recs[i].token, b->recs[i].token);
        if (!same_str(a->recs[i].type, b->recs[i].type))
            return differ(c, "type", a->recs[i].type, b->recs[i].type);
        if (a->recs[i].mem.n != b->recs[i].mem.n)
            return differ(c, "member count", "scan", "json");
        for (k = 0; k < a->recs[i].mem.n; k++) {
            x = &a->recs[i].mem.v[k];
            y = &b->recs[i].mem.v[k];
            snprintf(ka, sizeof(ka), "%d", (int)x->kind);
            snprintf(kb, sizeof(kb), "%d", (int)y->kind);
            if (strcmp(x->name, y->name) != 0)
                return differ(c, "member name", x->name, y->name);
            if (x->kind != y->kind)
                return differ(c, "member kind", ka, kb);
            if (!same_text(x->text, x->len, y->text, y->len))
                return differ(c, "member text", x->text, y->text);
            if (x->kind == RECVAL_REAL &&
                memcmp(&x->real, &y->real, sizeof(x->real)) != 0)
                return differ(c, "real", x->text, y->text);
        }
    }
    return 0;
}

static int
same_fieldvals(const struct ctx *c, const struct fieldvals *a,
               const struct fieldvals *b)
{
    size_t i;

    if (a->n != b->n)
        return differ(c, "field count", "new", "old");
    for (i = 0; i < a->n; i++)
        if (a->v[i].field != b->v[i].field ||
            !same_text(a->v[i].value, a->v[i].len, b->v[i].value, b->v[i].len))
            return differ(c, "field value", a->v[i].value, b->v[i].value);
    return 0;
}

/* recbody over the members against the old recbody over the JSON. */
static int
same_fields(const struct ctx *c, const struct object_def *obj,
            const struct recmembers *m, json_t *rec, unsigned flags)
{
    struct fieldvals fa = {0}, fb = {0};
    struct old_pool pool = {0};
    json_t *ea = recbody_fields(obj, m, flags, &fa, NULL);
    json_t *eb = old_fields(obj, rec, flags, &fb, &pool);
    char *sa = ea != NULL ? json_dumps(ea, JSON_COMPACT) : NULL;
    char *sb = eb != NULL ? json_dumps(eb, JSON_COMPACT) : NULL;
    int rc = 0;

    if (!same_str(sa, sb))
        rc = differ(c, "recbody error", sa, sb);
    else if (ea == NULL)
        rc = same_fieldvals(c, &fa, &fb);
    free(sa);
    free(sb);
    json_decref(ea);
    json_decref(eb);
    fieldvals_free(&fa);
    fieldvals_free(&fb);
    old_pool_free(&pool);
    return rc;
}

/* The journal's fields: batch.c's projection of the members (scalars in
 * order, redacted) against the old one of the JSON. */
static int
same_journal(const struct ctx *c, const struct recmembers *m, json_t *rec)
{
    static struct journal_field old[RECDIFF_MAX_FIELDS];
    struct old_pool pool = {0};
    size_t i, n = 0, nold;
    const char *text;
    int rc = 0;

    nold = old_journal_fields(rec, old, RECDIFF_MAX_FIELDS, &pool);
    for (i = 0; i < m->n && rc == 0; i++) {
        if (m->v[i].kind == RECVAL_OBJECT || m->v[i].kind == RECVAL_ARRAY)
            continue;
        text = m->v[i].text != NULL ? redact_value(m->v[i].name, m->v[i].text)
                                    : NULL;
        if (n == nold || strcmp(old[n].name, m->v[i].name) != 0)
            rc = differ(c, "journal name", m->v[i].name,
                        n < nold ? old[n].name : NULL);
        else if (!same_str(old[n].value, text))
            rc = differ(c, "journal value", text, old[n].value);
        n++;
    }
    if (rc == 0 && n != nold)
        rc = differ(c, "journal count", "new", "old");
    old_pool_free(&pool);
    return rc;
}

/* Record-scope fault lookups, for every member name and a few more. */
static int
same_faults(const struct ctx *c, const struct recmembers *m, json_t *rec)
{
    static const char *const extra[] = {
        "LastName", "Email", "Phone", "Id", "attributes", "lastname", "", NULL};
    char ba[256], bb[256];
    const char *a, *b, *name;
    size_t i;

    for (i = 0; i < m->n + sizeof(extra) / sizeof(extra[0]); i++) {
        name = i < m->n ? m->v[i].name : extra[i - m->n];
        a = batch_member_field((void *)m, name, ba, sizeof(ba));
        b = fault_json_field(rec, name, bb, sizeof(bb));
        if (!same_str(a, b))
            return differ(c, "fault field", a, b);
    }
    return 0;
}

/* One record read (m, token, type) against the old code on rec. */
static int
same_record(const struct ctx *c, const struct object_def *obj,
            const struct recscan_rec *r, json_t *rec)
{
    const char *token = json_is_object(rec) ? NULL : old_token_name(rec);

    if (!same_str(r->token, token))
        return differ(c, "record token", r->token, token);
    if (!same_str(r->type, old_record_type(rec)))
        return differ(c, "record type", r->type, old_record_type(rec));
    if (same_fields(c, obj, &r->mem, rec, 0) == -1 ||
        same_fields(c, obj, &r->mem, rec, RECBODY_ID_OK) == -1 ||
        same_journal(c, &r->mem, rec) == -1 || same_faults(c, &r->mem, rec))
        return -1;
    return 0;
}

/* A Collections reading against the old code on body. */
static int
same_collection(const struct ctx *c, const struct object_def *obj,
                const struct recscan *s, json_t *body)
{
    json_t *aon = json_object_get(body, "allOrNone");
    json_t *records = json_object_get(body, "records");
    int old_bad = aon != NULL && !json_is_boolean(aon) && !json_is_null(aon);
    int new_bad =
        s->all_or_none != RECVAL_NONE && s->all_or_none != RECVAL_TRUE &&
        s->all_or_none != RECVAL_FALSE && s->all_or_none != RECVAL_NULL;
    size_t i;

    if (old_bad != new_bad ||
        (!old_bad && json_is_true(aon) != (s->all_or_none == RECVAL_TRUE)))
        return differ(c, "allOrNone", "new", "old");
    if ((records != NULL && !json_is_array(records)) !=
        (s->records != RECVAL_NONE && s->records != RECVAL_ARRAY))
        return differ(c, "records kind", "new", "old");
    if (json_array_size(records) != s->nrecs)
        return differ(c, "record count", "new", "old");
    for (i = 0; i < s->nrecs; i++)
        if (same_record(c, obj, &s->recs[i], json_array_get(records, i)) == -1)
            return -1;
    return 0;
}

/* The scanner's reading and the converter's, both against the old code. */
static int
check_shape(struct ctx *c, const struct object_def *obj, json_t *j,
            int collection, size_t *scanned)
{
    struct recscan a, b;
    int ok, rc = 0;

    c->way = collection ? "collection scan" : "record scan";
    ok = (collection ? recscan_collection(&a, c->body, c->len)
                     : recscan_record(&a, c->body, c->len)) == 0;
    if (ok && !json_is_object(j)) {
        recscan_free(&a);
        return differ(c, "acceptance", "scanned", "jansson refuses");
    }
    if (!json_is_object(j))
        return 0;
    *scanned += ok;
    recscan_init(&b);
    if (collection)
        recscan_collection_json(&b, json_incref(j));
    else
        recscan_record_json(&b, json_incref(j));
    if (ok)
        rc = same_scan(c, &a, &b);
    if (rc == 0) {
        c->way = collection ? "collection json" : "record json";
        rc = collection ? same_collection(c, obj, &b, j)
                        : same_record(c, obj, &b.recs[0], j);
    }
    if (rc == 0 && ok) {
        c->way = collection ? "collection scan" : "record scan";
        rc = collection ? same_collection(c, obj, &a, j)
                        : same_record(c, obj, &a.recs[0], j);
    }
    if (ok)
        recscan_free(&a);
    recscan_free(&b);
    return rc;
}

int
recdiff_check(const struct object_def *obj, const char *body, size_t len,
              struct recdiff_stats *st)
{
    struct recdiff_stats dummy = {0};
    struct ctx c = {body, len, ""};
    json_t *j = jload_buf(body, len, NULL);
    int rc;

    st = st != NULL ? st : &dummy;
    st->bodies++;
    st->json_objects += json_is_object(j);
    rc = check_shape(&c, obj, j, 1, &st->scanned_coll);
    if (rc == 0)
        rc = check_shape(&c, obj, j, 0, &st->scanned_rec);
    json_decref(j);
    return rc;
}
