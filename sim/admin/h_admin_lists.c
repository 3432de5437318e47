/*
 * h_admin_lists.c - the admin answers that grow with the data: GET
 * /__sim/records/{Object}, /__sim/journal and /__sim/mail.
 *
 * Each is a JSON array, paged (limit, offset or since) with a documented
 * default, and streamed: the handler only checks the request and sets up a
 * cursor; the array is made a piece at a time as the client reads it
 * (response_stream in request.h), so a slow or absent reader holds one
 * piece, not the answer. Between pieces the sim goes on serving, so every
 * cursor expects the data to have changed: an answer lists what existed
 * when it started and skips what went away since; a reset ends it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "journal.h"
#include "jquery.h"
#include "mailbox.h"
#include "org.h"
#include "parse.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

/* GET /__sim/records: records per answer unless ?limit= says otherwise. */
#define RECORDS_DEFAULT_LIMIT 100000
/* The largest ?limit= of any of these answers. */
#define LISTS_LIMIT_MAX 1000000

/* ?name=N (0..max) into *out, dflt when absent; -1 after answering 400. */
static int
query_number(const struct sim_request *req, struct sim_response *resp,
             const char *name, uint64_t max, uint64_t dflt, uint64_t *out)
{
    const char *s = request_query(req, name);
    char msg[128];

    *out = dflt;
    if (s == NULL || parse_uint64(s, max, out) == 0)
        return 0;
    snprintf(msg, sizeof(msg), "%s must be a number from 0 to %llu", name,
             (unsigned long long)max);
    response_admin_error(resp, 400, "bad_request", msg);
    return -1;
}

/* A page: ?from (since or offset, default 0) and ?limit (default dflt, at
 * most max). -1 after answering 400. */
static int
page_of(const struct sim_request *req, struct sim_response *resp,
        const char *from, uint64_t dflt, uint64_t max, uint64_t *first,
        uint64_t *limit)
{
    if (query_number(req, resp, from, UINT64_MAX, 0, first) == -1 ||
        query_number(req, resp, "limit", max, dflt, limit) == -1)
        return -1;
    return 0;
}

/* Answers 200 with a stream of next over state (stolen; freed with
 * release, NULL: free()). */
static void
stream_answer_with(struct sim_response *resp,
                   int (*next)(struct sim *, void *, struct buf *, size_t),
                   void *state, void (*release)(void *))
{
    struct response_stream st = {next, release != NULL ? release : free, state};

    response_stream(resp, 200, &st);
}

static void
stream_answer(struct sim_response *resp,
              int (*next)(struct sim *, void *, struct buf *, size_t),
              void *state)
{
    stream_answer_with(resp, next, state, NULL);
}

/* --- lists of elements, a piece at a time ----------------------------------
 */

/* Where a streamed list is: its next and end positions, how many elements
 * it may still give, the reset it began in, the array written so far. */
struct list_pos {
    size_t pos, end;
    uint64_t left, resets;
    struct buf_array arr;
};

/* The list's element at pos (new reference), or NULL to pass over pos; set
 * *stop to end the list there. */
typedef json_t *list_element_fn(struct sim *sim, void *ctx, size_t pos,
                                int *stop);

/* Writes the list's next elements into out, about max bytes of them: 1
 * while elements remain, 0 once the closing ']' is written. A list whose
 * source is gone (valid 0) or was reset since it began ends with what it
 * gave. */
static int
list_next(struct sim *sim, struct list_pos *l, int valid,
          list_element_fn *element, void *ctx, struct buf *out, size_t max)
{
    size_t start = buf_array_open(&l->arr, out);
    int stop = 0;
    json_t *j;
    char *text;

    if (!valid || sim->resets != l->resets)
        l->left = 0;
    while (l->left > 0 && l->pos < l->end && out->len - start < max) {
        j = element(sim, ctx, l->pos++, &stop);
        if (stop)
            break;
        if (j == NULL)
            continue;
        text = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        buf_array_sep(&l->arr, out);
        buf_puts(out, text);
        free(text);
        l->left--;
    }
    if (l->left > 0 && l->pos < l->end)
        return 1;
    buf_putc(out, ']');
    return 0;
}

/* --- records -------------------------------------------------------------- */

struct records_cursor {
    char object[64];   /* looked up again per piece: PUT /__sim/org rebuilds
                          the schema */
    struct list_pos l; /* store positions (store.h) */
};

/* A stored record of the object ctx names, NULL where it was deleted. */
static json_t *
record_element(struct sim *sim, void *ctx, size_t pos, int *stop)
{
    const struct object_def *obj = ctx;
    const struct record *r = store_at(sim->store, obj->store_index, pos);

    (void)stop;
    return r != NULL ? sobject_to_json(sim, obj, r) : NULL;
}

static int
records_next(struct sim *sim, void *state, struct buf *out, size_t max)
{
    struct records_cursor *c = state;
    const struct object_def *obj = schema_object(sim->schema, c->object);

    return list_next(sim, &c->l, obj != NULL, record_element, (void *)obj, out,
                     max);
}

/* The position of the live record number offset (0-based), or end. */
static size_t
position_of(const struct store *s, int object, uint64_t offset)
{
    size_t pos, end = store_positions(s, object);

    for (pos = 0; pos < end; pos++)
        if (store_at(s, object, pos) != NULL && offset-- == 0)
            break;
    return pos;
}

/* X-Total-Count, and a Link to the next page when there is one. */
static void
paging_headers(struct sim_response *resp, const char *object, uint64_t total,
               uint64_t offset, uint64_t limit)
{
    char v[256];

    snprintf(v, sizeof(v), "%llu", (unsigned long long)total);
    response_header(resp, "X-Total-Count", v);
    if (limit > 0 && offset + limit < total) {
        snprintf(v, sizeof(v),
                 "</__sim/records/%s?offset=%llu&limit=%llu>; rel=\"next\"",
                 object, (unsigned long long)(offset + limit),
                 (unsigned long long)limit);
        response_header(resp, "Link", v);
    }
}

void
h_admin_records(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    const struct object_def *obj = schema_object(sim->schema, req->params[0]);
    struct records_cursor *c;
    uint64_t offset, limit;

    if (obj == NULL) {
        response_admin_error(resp, 404, "not_found",
                             "unknown object; known: Lead, Contact, Account");
        return;
    }
    if (page_of(req, resp, "offset", RECORDS_DEFAULT_LIMIT, LISTS_LIMIT_MAX,
                &offset, &limit) == -1)
        return;
    c = xcalloc(1, sizeof(*c));
    snprintf(c->object, sizeof(c->object), "%s", obj->name);
    c->l.pos = position_of(sim->store, obj->store_index, offset);
    c->l.end = store_positions(sim->store, obj->store_index);
    c->l.left = limit;
    c->l.resets = sim->resets;
    stream_answer(resp, records_next, c);
    paging_headers(resp, obj->name, store_count(sim->store, obj->store_index),
                   offset, limit);
}

/* --- sessions ------------------------------------------------------------- */

/* A session as the admin API shows it: who, when, until when; never its
 * token (new reference). */
static json_t *
session_json(struct sim *sim, const struct session *s, int64_t now)
{
    int64_t expires = s->last_activity_ms + sim->org->session_timeout_s * 1000;
    const char *state = s->revoked                     ? "revoked"
                        : s->expired || now >= expires ? "expired"
                                                       : "valid";
    char issued[TIMEFMT_LEN], last[TIMEFMT_LEN], until[TIMEFMT_LEN];

    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "username", s->username,
        "user_id", s->user_id, "client_id", s->client_id, "state", state,
        "issued", timefmt_rfc3339(s->issued_ms, issued), "last_activity",
        timefmt_rfc3339(s->last_activity_ms, last), "expires_at",
        timefmt_rfc3339(expires, until), "refresh_token", s->refresh != NULL);
}

/* Session pos as of *(int64_t *)ctx (the time), or the list's end. */
static json_t *
session_element(struct sim *sim, void *ctx, size_t pos, int *stop)
{
    const struct session *s = auth_session_at(sim->auth, pos);

    if (s == NULL) {
        *stop = 1;
        return NULL;
    }
    return session_json(sim, s, *(int64_t *)ctx);
}

static int
sessions_next(struct sim *sim, void *state, struct buf *out, size_t max)
{
    int64_t now = sim_now(sim);

    return list_next(sim, state, 1, session_element, &now, out, max);
}

void
h_admin_sessions(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    struct list_pos *c;
    uint64_t offset, limit;
    size_t n = auth_session_count(sim->auth);
    char v[32];

    if (page_of(req, resp, "offset", RECORDS_DEFAULT_LIMIT, LISTS_LIMIT_MAX,
                &offset, &limit) == -1)
        return;
    c = xcalloc(1, sizeof(*c));
    c->pos = offset < n ? (size_t)offset : n;
    c->end = n;
    c->left = limit;
    c->resets = sim->resets;
    stream_answer(resp, sessions_next, c);
    snprintf(v, sizeof(v), "%zu", n);
    response_header(resp, "X-Total-Count", v);
}

/* --- journal and mail ----------------------------------------------------- */

/* A journal answer: where it is, and what it takes. */
struct journal_answer {
    struct journal_cursor c;
    struct jquery q;
};

static int
journal_next(struct sim *sim, void *state, struct buf *out, size_t max)
{
    struct journal_answer *a = state;

    return journal_stream(sim->journal, &a->c, out, max);
}

static void
journal_answer_free(void *state)
{
    struct journal_answer *a = state;

    jquery_free(&a->q);
    free(a);
}

/* The parameters that are not paging: ?order= and the filter. -1 after
 * answering 400. */
static int
journal_params(const struct sim_request *req, struct sim_response *resp,
               struct jquery *q, int *desc)
{
    struct sf_err err;
    size_t i;
    int c;

    err_clear(&err);
    for (i = 0; i < req->nquery && err.msg[0] == '\0'; i++) {
        const char *name = req->query[i].name, *v = req->query[i].value;

        if (strcmp(name, "since") == 0 || strcmp(name, "limit") == 0)
            continue;
        if (strcmp(name, "order") == 0) {
            if (strcmp(v, "asc") != 0 && strcmp(v, "desc") != 0)
                err_set(&err, "order must be asc or desc");
            *desc = strcmp(v, "desc") == 0;
        } else if ((c = jquery_criterion(name)) >= 0) {
            jquery_set(q, (enum jquery_criterion)c, v, &err);
        } else {
            err_set(&err,
                    "unknown parameter \"%.40s\"; known: since, limit, "
                    "order, verdict, method, status, path, lead",
                    name);
        }
    }
    if (err.msg[0] == '\0')
        return 0;
    response_admin_error(resp, 400, "bad_request", err.msg);
    return -1;
}

void
h_admin_journal(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    struct journal_answer *a;
    uint64_t since, limit;
    int desc = 0;

    if (page_of(req, resp, "since", UINT64_MAX, UINT64_MAX, &since, &limit) ==
        -1)
        return;
    a = xcalloc(1, sizeof(*a));
    jquery_init(&a->q);
    if (journal_params(req, resp, &a->q, &desc) == -1) {
        journal_answer_free(a);
        return;
    }
    journal_cursor_init(sim->journal, &a->c, since, limit);
    if (desc)
        journal_cursor_newest_first(&a->c);
    if (a->q.set != 0)
        journal_cursor_filter(&a->c, jquery_match, &a->q);
    stream_answer_with(resp, journal_next, a, journal_answer_free);
}

static int
mail_next(struct sim *sim, void *state, struct buf *out, size_t max)
{
    return mailbox_stream(sim->mail, state, out, max);
}

void
h_admin_mail(struct sim *sim, struct sim_request *req,
             struct sim_response *resp)
{
    struct mailbox_cursor *c;
    uint64_t offset, limit;

    if (page_of(req, resp, "offset", UINT64_MAX, UINT64_MAX, &offset, &limit) ==
        -1)
        return;
    c = xcalloc(1, sizeof(*c));
    mailbox_cursor_init(sim->mail, c, offset, limit);
    stream_answer(resp, mail_next, c);
}
