/*
 * h_composite.c - Composite (facts section 2.1, 2.2): up to 25 REST
 * subrequests in one call, later ones using earlier answers through
 * "@{referenceId.path}" references (reference.h), with allOrNone.
 *
 * Each subrequest runs through the same route table and handlers as a
 * request of its own (dispatch_sub()), so it answers exactly what that
 * request would; the Composite call is the one API call counted. The
 * answer is 200 with one compositeResponse item per subrequest, in order:
 * its body, httpHeaders (Location on a create), httpStatusCode and
 * referenceId. Only the request's shape is refused with a 400, before any
 * subrequest runs. Under allOrNone the first failure undoes everything
 * (a store savepoint) and every other subrequest is answered
 * PROCESSING_HALTED. The journal gets one entry per subrequest (kind
 * "subrequest"), with the records of a Collections subrequest under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dispatch.h"
#include "form.h"
#include "handlers.h"
#include "reference.h"
#include "rest.h"
#include "sfapi.h"
#include "sim.h"
#include "store.h"
#include "xmalloc.h"

#define COMPOSITE_VERSION 38 /* the Composite resource from v38.0 */
#define COMPOSITE_MAX 25
#define COMPOSITE_MAX_HEAVY 5 /* Collections or query subrequests */
#define SUB_MAX_HEADERS 16
#define HALTED_ROLLBACK_MSG                                                    \
    "The transaction was rolled back since another operation in the same "     \
    "transaction failed."

/* One subrequest and, once it ran (or was halted), its answer. */
struct sub {
    json_t *spec; /* borrowed from the request body */
    const char *method, *url, *ref;
    int status;
    json_t *body;    /* the answer's body (new reference) */
    json_t *headers; /* the answer's httpHeaders (new reference) */
    int failed;      /* it failed: its dependants and allOrNone stop */
    enum verdict verdict;
    char *detail, *path, *query, *req_body; /* owned */
    const char *object;
    char record_id[SFID_LEN18 + 1];
    struct journal_batch batch; /* its records' entries */
    struct {                    /* its request as journaled, redacted */
        char *query, *body;     /* owned */
        size_t body_len, body_bytes;
        int body_cut;
        const char *content_type, *auth; /* static */
    } j;
};

struct composite {
    struct sim *sim;
    struct sim_request *req;
    struct sub *subs;
    size_t n;
    int all_or_none;
};

/* --- the request's shape -------------------------------------------------- */

static const char *const sub_methods[] = {"GET",   "POST",   "PUT",
                                          "PATCH", "DELETE", NULL};
/* Headers a subrequest takes from the Composite request, never its own. */
static const char *const inherited_headers[] = {"Accept", "Authorization",
                                                "Content-Type", NULL};

static int
listed(const char *const *names, const char *s, int icase)
{
    size_t i;

    for (i = 0; names[i] != NULL; i++)
        if ((icase ? strcasecmp(names[i], s) : strcmp(names[i], s)) == 0)
            return 1;
    return 0;
}

/* A Collections or query subrequest (at most 5 of the 25). */
static int
heavy(const char *url)
{
    const char *p = url + strlen(SFAPI_DATA_PREFIX "/");

    p += strcspn(p, "/");
    return strncmp(p, "/composite/sobjects", 19) == 0 ||
           strncmp(p, "/query", 6) == 0;
}

/* httpHeaders: an object of strings, none of the inherited ones. */
static int
check_headers(json_t *h, size_t i, struct sim_response *resp)
{
    const char *key;
    json_t *v;

    if (h == NULL)
        return 0;
    if (!json_is_object(h) || json_object_size(h) > SUB_MAX_HEADERS) {
        rest_bad_request(
            resp, "JSON_PARSER_ERROR",
            "compositeRequest[%zu].httpHeaders: an object of at most "
            "%d strings",
            i, SUB_MAX_HEADERS);
        return -1;
    }
    json_object_foreach(h, key, v) {
        if (!json_is_string(v) || listed(inherited_headers, key, 1)) {
            rest_bad_request(
                resp, "INVALID_INPUT",
                "compositeRequest[%zu].httpHeaders: %.64s cannot be "
                "set on a subrequest",
                i, key);
            return -1;
        }
    }
    return 0;
}

/* One subrequest's shape; fills s. -1 after answering 400. */
static int
check_sub(struct composite *c, size_t i, struct sim_response *resp)
{
    struct sub *s = &c->subs[i];
    size_t j;

    s->method = json_string_value(json_object_get(s->spec, "method"));
    s->url = json_string_value(json_object_get(s->spec, "url"));
    s->ref = json_string_value(json_object_get(s->spec, "referenceId"));
    if (s->method == NULL || !listed(sub_methods, s->method, 0)) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "compositeRequest[%zu].method: one of GET, POST, PUT, "
                         "PATCH, DELETE",
                         i);
        return -1;
    }
    if (s->url == NULL || strncmp(s->url, SFAPI_DATA_PREFIX "/",
                                  strlen(SFAPI_DATA_PREFIX "/")) != 0) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "compositeRequest[%zu].url: a path starting with "
                         "/services/data/",
                         i);
        return -1;
    }
    if (s->ref == NULL || !reference_id_valid(s->ref) ||
        strlen(s->ref) > REFERENCE_MAX) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "compositeRequest[%zu].referenceId: required; it must "
                         "start with a letter or a number and contain only "
                         "letters, numbers and underscores ('_')",
                         i);
        return -1;
    }
    for (j = 0; j < i; j++) {
        if (strcmp(c->subs[j].ref, s->ref) == 0) {
            rest_bad_request(
                resp, "JSON_PARSER_ERROR",
                "Duplicate referenceId provided in the request: %s", s->ref);
            return -1;
        }
    }
    return check_headers(json_object_get(s->spec, "httpHeaders"), i, resp);
}

/* A boolean member of the body (absent: dflt); -1 after answering. */
static int
body_bool(json_t *body, const char *key, int dflt, struct sim_response *resp)
{
    json_t *v = json_object_get(body, key);

    if (v == NULL || json_is_null(v))
        return dflt;
    if (!json_is_boolean(v)) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "Cannot deserialize value of type `boolean` for %s",
                         key);
        return -1;
    }
    return json_is_true(v);
}

/* The whole request's shape (facts 2.1); -1 after answering 400. */
static int
check_request(struct composite *c, json_t *body, struct sim_response *resp)
{
    json_t *list = json_object_get(body, "compositeRequest"), *spec;
    size_t i, heavies = 0;

    if ((c->all_or_none = body_bool(body, "allOrNone", 0, resp)) == -1 ||
        body_bool(body, "collateSubrequests", 1, resp) == -1)
        return -1;
    if (!json_is_array(list) || json_array_size(list) == 0) {
        rest_bad_request(resp, "JSON_PARSER_ERROR",
                         "compositeRequest: required, a list of 1 to %d "
                         "subrequests",
                         COMPOSITE_MAX);
        return -1;
    }
    if (json_array_size(list) > COMPOSITE_MAX) {
        rest_bad_request(resp, "LIMIT_EXCEEDED",
                         "A composite request can have at most %d subrequests",
                         COMPOSITE_MAX);
        return -1;
    }
    c->n = json_array_size(list);
    c->subs = xcalloc(c->n, sizeof(*c->subs));
    json_array_foreach(list, i, spec) {
        if (!json_is_object(spec)) {
            rest_bad_request(resp, "JSON_PARSER_ERROR",
                             "compositeRequest[%zu]: a subrequest object", i);
            return -1;
        }
        c->subs[i].spec = spec;
        if (check_sub(c, i, resp) == -1)
            return -1;
        heavies += heavy(c->subs[i].url);
    }
    if (heavies > COMPOSITE_MAX_HEAVY) {
        rest_bad_request(resp, "LIMIT_EXCEEDED",
                         "A composite request can have at most %d sObject "
                         "Collections or query subrequests",
                         COMPOSITE_MAX_HEAVY);
        return -1;
    }
    return 0;
}

/* --- running the subrequests ---------------------------------------------- */

/* The answer of the earlier subrequest id, if it succeeded. */
static json_t *
lookup(void *arg, const char *id)
{
    const struct composite *c = arg;
    size_t i;

    for (i = 0; i < c->n && c->subs[i].verdict != VERDICT_NONE; i++)
        if (strcmp(c->subs[i].ref, id) == 0)
            return c->subs[i].failed ? NULL : c->subs[i].body;
    return NULL;
}

/* s answered PROCESSING_HALTED (400) with message, never run (verdict
 * halted) or undone (rolled_back). */
static void
halt(struct sub *s, enum verdict v, const char *message)
{
    json_decref(s->body);
    json_decref(s->headers);
    s->status = 400;
    s->body = json_pack("[{s:s, s:s}]", "errorCode", "PROCESSING_HALTED",
                        "message", message);
    s->headers = json_object();
    s->verdict = v;
    free(s->detail);
    s->detail = xasprintf("PROCESSING_HALTED: %s", message);
    if (s->path == NULL)
        s->path = xstrdup(s->url);
}

/* Whether a 200 answer is a Collections answer with a failed record. */
static int
partly_failed(json_t *body)
{
    json_t *e;
    size_t i;

    json_array_foreach(body, i, e) {
        if (json_is_false(json_object_get(e, "success")))
            return 1;
    }
    return 0;
}

/* httpHeaders of an answer: Location for a record created (facts 2.2). */
static json_t *
answer_headers(const struct sub *s, const struct sim_response *r)
{
    const char *v = s->path + strlen(SFAPI_DATA_PREFIX "/v");
    char url[256];
    long version = strtol(v, NULL, 10);

    if (r->status != 201 || r->record_id[0] == '\0' || r->object == NULL)
        return json_object();
    snprintf(url, sizeof(url), "%s/v%ld.0/sobjects/%s/%s", SFAPI_DATA_PREFIX,
             version, r->object, r->record_id);
    return json_pack("{s:s}", "Location", url);
}

/* What the handler answered, kept in s. */
static void
keep_answer(struct sub *s, struct sim_response *r)
{
    s->status = r->status;
    if (r->status == 204)
        s->body = json_null();
    else if (r->json != NULL)
        s->body = json_incref(r->json);
    else if (r->body.len > 0 &&
             (s->body = json_loadb(r->body.data, r->body.len, JSON_DECODE_ANY,
                                   NULL)) == NULL)
        s->body = json_stringn(r->body.data, r->body.len);
    if (s->body == NULL)
        s->body = json_null();
    s->headers = answer_headers(s, r);
    s->failed =
        r->status >= 400 || (r->status == 200 && partly_failed(s->body));
    s->verdict = r->verdict != VERDICT_NONE ? r->verdict : VERDICT_OK;
    s->detail = r->detail != NULL ? xstrdup(r->detail) : NULL;
    s->object = r->object;
    memcpy(s->record_id, r->record_id, sizeof(s->record_id));
    journal_batch_move(&s->batch, &r->batch, JOURNAL_BATCH_TOP);
}

/* The subrequest's own request: the path and query of url, its headers,
 * the Composite request's session. Strings borrowed from s and q. */
static void
build_request(const struct composite *c, const struct sub *s,
              const struct form *q, struct sim_request *sub)
{
    const char *key;
    json_t *v;
    size_t i;

    memset(sub, 0, sizeof(*sub));
    sub->method = route_method_parse(s->method);
    sub->method_name = s->method;
    sub->path = s->path;
    for (i = 0; i < q->n && i < REQUEST_MAX_KV; i++) {
        sub->query[i].name = q->fields[i].name;
        sub->query[i].value = q->fields[i].value;
    }
    sub->nquery = i;
    sub->headers[sub->nheaders].name = "Authorization";
    sub->headers[sub->nheaders++].value =
        request_header(c->req, "Authorization");
    if (s->req_body[0] != '\0') {
        sub->headers[sub->nheaders].name = "Content-Type";
        sub->headers[sub->nheaders++].value = "application/json";
    }
    json_object_foreach(json_object_get(s->spec, "httpHeaders"), key, v) {
        sub->headers[sub->nheaders].name = key;
        sub->headers[sub->nheaders++].value = json_string_value(v);
    }
    sub->body = s->req_body;
    sub->body_len = strlen(s->req_body);
    sub->session = c->req->session;
    sub->composite_all_or_none = c->all_or_none;
}

/* What the journal shows of the subrequest's request, secrets redacted as
 * for any request (dispatch_journal_entry()). */
static void
keep_request(const struct composite *c, struct sub *s,
             const struct sim_request *sub, const struct sim_response *r)
{
    struct journal_entry e;
    struct buf q, red;

    buf_init(&q, 4096);
    buf_init(&red, SIZE_MAX / 2);
    dispatch_journal_entry(c->sim, sub, r, &e, &q, &red);
    s->j.query = e.query != NULL ? xstrdup(e.query) : NULL;
    s->j.body = xmemdup0(e.body, e.body_len);
    s->j.body_len = e.body_len;
    s->j.body_bytes = e.body_bytes;
    s->j.body_cut = e.body_cut;
    s->j.content_type = e.content_type != NULL ? "application/json" : NULL;
    s->j.auth = e.auth;
    buf_free(&q);
    buf_free(&red);
}

/* The url and body with their references replaced; -1 after halting s
 * when one reaches no value. */
static int
expand(struct composite *c, struct sub *s)
{
    struct reference_error err;
    json_t *body = json_object_get(s->spec, "body"), *x = NULL;
    char *url, msg[2 * REFERENCE_MAX + 128];

    if ((url = reference_expand(s->url, lookup, c, &err)) == NULL ||
        (body != NULL &&
         (x = reference_expand_json(body, lookup, c, &err)) == NULL)) {
        free(url);
        if (err.id[0] == '\0')
            snprintf(msg, sizeof(msg),
                     "The value of the references in a string is longer "
                     "than %d bytes.",
                     REFERENCE_TEXT_MAX);
        else
            snprintf(msg, sizeof(msg),
                     "Invalid reference specified. No value for %s found in "
                     "%s.",
                     err.ref, err.id);
        halt(s, VERDICT_HALTED, msg);
        s->failed = 1;
        return -1;
    }
    s->path = xstrndup(url, strcspn(url, "?"));
    s->query =
        url[strlen(s->path)] == '?' ? xstrdup(url + strlen(s->path) + 1) : NULL;
    free(url);
    s->req_body =
        x != NULL ? json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY) : xstrdup("");
    json_decref(x);
    return 0;
}

/* Runs subrequest i through the route table. */
static void
run_sub(struct composite *c, size_t i)
{
    struct sub *s = &c->subs[i];
    struct sim_request sub;
    struct sim_response r;
    struct form q;

    if (expand(c, s) == -1)
        return;
    form_parse(s->query != NULL ? s->query : "",
               s->query != NULL ? strlen(s->query) : 0, FORM_UTF8, &q);
    build_request(c, s, &q, &sub);
    response_init(&r);
    dispatch_sub(c->sim, &sub, &r);
    keep_answer(s, &r);
    keep_request(c, s, &sub, &r);
    response_free(&r);
    form_free(&q);
}

/* allOrNone after subrequest failed failed: what ran before is undone and
 * answered PROCESSING_HALTED, as is what never ran. */
static void
roll_back(struct composite *c, size_t failed)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (i == failed)
            continue;
        journal_batch_roll_back(&c->subs[i].batch, 0);
        halt(&c->subs[i], i < failed ? VERDICT_ROLLED_BACK : VERDICT_HALTED,
             HALTED_ROLLBACK_MSG);
    }
}

/* The subrequests' journal entries, each followed by its records. */
static void
journal_subs(struct composite *c, struct sim_response *resp)
{
    struct journal_entry e;
    size_t i, at;

    for (i = 0; i < c->n; i++) {
        struct sub *s = &c->subs[i];

        memset(&e, 0, sizeof(e));
        e.time_ms = sim_now(c->sim);
        e.kind = "subrequest";
        e.method = s->method;
        e.path = s->path;
        e.query = s->j.query;
        e.content_type = s->j.content_type;
        e.auth = s->j.auth;
        e.status = s->status;
        e.verdict = s->verdict;
        e.object = s->object;
        e.record_id = s->record_id[0] != '\0' ? s->record_id : NULL;
        e.detail = s->detail;
        e.body = s->j.body;
        e.body_len = s->j.body_len;
        e.body_bytes = s->j.body_bytes;
        e.body_cut = s->j.body_cut;
        at = journal_batch_add(c->sim->journal, &resp->batch, JOURNAL_BATCH_TOP,
                               i, &e);
        journal_batch_move(&resp->batch, &s->batch, at);
    }
}

static json_t *
answer(const struct composite *c)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < c->n; i++)
        json_array_append_new(
            arr, json_pack("{s:O, s:O, s:i, s:s}", "body", c->subs[i].body,
                           "httpHeaders", c->subs[i].headers, "httpStatusCode",
                           c->subs[i].status, "referenceId", c->subs[i].ref));
    return json_pack("{s:o}", "compositeResponse", arr);
}

static void
composite_free(struct composite *c)
{
    size_t i;

    for (i = 0; i < c->n && c->subs != NULL; i++) {
        struct sub *s = &c->subs[i];

        json_decref(s->body);
        json_decref(s->headers);
        free(s->detail);
        free(s->path);
        free(s->query);
        free(s->req_body);
        free(s->j.query);
        free(s->j.body);
        journal_batch_free(&s->batch);
    }
    free(c->subs);
}

/* Runs every subrequest in order; returns the one that failed under
 * allOrNone, or SIZE_MAX. Counts the failures into *failures. */
static size_t
run_all(struct composite *c, size_t *failures)
{
    size_t i, stop = SIZE_MAX;

    *failures = 0;
    for (i = 0; i < c->n; i++) {
        run_sub(c, i);
        if (!c->subs[i].failed)
            continue;
        (*failures)++;
        if (c->all_or_none) {
            stop = i;
            break;
        }
    }
    return stop;
}

/* POST /services/data/vNN.N/composite */
void
h_composite(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    struct composite c;
    size_t mark, failed, failures;
    json_t *body = NULL;
    int v;

    memset(&c, 0, sizeof(c));
    c.sim = sim;
    c.req = req;
    if ((v = rest_version(req, resp)) == -1)
        goto out;
    if (v < COMPOSITE_VERSION) {
        rest_not_found(resp);
        goto out;
    }
    if ((body = rest_read_object(req, "CompositeRequest", resp)) == NULL ||
        check_request(&c, body, resp) == -1)
        goto out;
    mark = store_savepoint(sim->store);
    failed = run_all(&c, &failures);
    if (failed != SIZE_MAX) {
        store_rollback(sim->store, mark);
        roll_back(&c, failed);
    } else {
        store_release(sim->store, mark);
    }
    journal_subs(&c, resp);
    response_json(resp, 200, answer(&c));
    resp->verdict = VERDICT_OK;
    response_detail(resp, "%zu subrequests, %zu failed%s", c.n, failures,
                    failed != SIZE_MAX ? ", all rolled back (allOrNone)" : "");
out:
    composite_free(&c);
    json_decref(body);
}

/* GET /services/data/vNN.N/composite: the composite resources served. */
void
h_composite_list(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    char tree[128], sobjects[128];
    int v;

    (void)sim;
    if ((v = rest_version(req, resp)) == -1)
        return;
    response_json(resp, 200,
                  json_pack("{s:s, s:s}", "tree",
                            rest_url(v, "composite/tree", tree, sizeof(tree)),
                            "sobjects",
                            rest_url(v, "composite/sobjects", sobjects,
                                     sizeof(sobjects))));
    resp->verdict = VERDICT_OK;
}
