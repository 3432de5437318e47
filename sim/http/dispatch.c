/*
 * dispatch.c - routing, body parsing and journaling (see dispatch.h).
 */
#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "bulkrun.h"
#include "fault.h"
#include "buf.h"
#include "guard.h"
#include "jload.h"
#include "journal.h"
#include "log.h"
#include "org.h"
#include "redact.h"
#include "route.h"
#include "sfapi.h"
#include "sim.h"
#include "store.h"
#include "w2l.h"
#include "window.h"
#include "xmalloc.h"

#define SCRATCH_MAX 4096

static int
is_admin_path(const char *path)
{
    return strncmp(path, SFAPI_ADMIN_PREFIX, strlen(SFAPI_ADMIN_PREFIX)) == 0;
}

static void
not_found(struct sim_response *resp)
{
    response_sf_error(resp, 404, "NOT_FOUND",
                      "The requested resource does not exist", NULL);
}

static void
method_not_allowed(struct sim_request *req, struct sim_response *resp,
                   unsigned allowed)
{
    char list[128], msg[256];

    route_methods_str(allowed, list, sizeof(list));
    snprintf(msg, sizeof(msg), "HTTP Method '%s' not allowed. Allowed are %s",
             req->method_name, list);
    response_sf_error(resp, 405, "METHOD_NOT_ALLOWED", msg, NULL);
    response_header(resp, "Allow", list);
}

/* Parses req->body into req->json; -1 after answering 400 on bad JSON. */
static int
parse_json_body(struct sim_request *req, struct sim_response *resp)
{
    json_error_t jerr;
    char msg[400];

    if (req->body_len == 0)
        return 0;
    req->json = jload_buf(req->body, req->body_len, &jerr);
    if (req->json != NULL)
        return 0;
    snprintf(msg, sizeof(msg), "%s at [line:%d, column:%d]", jerr.text,
             jerr.line, jerr.column);
    response_sf_error(resp, 400, "JSON_PARSER_ERROR", msg, NULL);
    return -1;
}

/* The bearer token of the request: "Bearer X" (or the legacy "OAuth X"). */
static const char *
bearer_token(const struct sim_request *req)
{
    const char *h = request_header(req, "Authorization");

    if (h == NULL)
        return NULL;
    if (strncasecmp(h, "Bearer ", 7) == 0)
        h += 7;
    else if (strncasecmp(h, "OAuth ", 6) == 0)
        h += 6;
    else
        return NULL;
    while (*h == ' ')
        h++;
    return *h != '\0' ? h : NULL;
}

/*
 * ROUTE_AUTH: a valid session for a user allowed to use the API, or 401
 * INVALID_SESSION_ID as Salesforce sends it (facts 3.4). -1 after
 * answering.
 */
static int
check_session(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    const char *token = bearer_token(req);
    const struct org_user *user;
    enum session_state st;

    st = token != NULL ? auth_check(sim->auth, sim->org, token, &req->session)
                       : SESSION_UNKNOWN;
    if (st != SESSION_VALID) {
        response_sf_error(resp, 401, "INVALID_SESSION_ID",
                          "Session expired or invalid", NULL);
        resp->verdict = VERDICT_AUTH_FAILED;
        response_detail(resp, "INVALID_SESSION_ID: %s",
                        token == NULL           ? "no bearer token"
                        : st == SESSION_EXPIRED ? "session expired"
                        : st == SESSION_REVOKED ? "token revoked"
                                                : "unknown token");
        return -1;
    }
    user = org_user_find(sim->org, req->session->username);
    if (user == NULL || !user->api_enabled) {
        response_sf_error(resp, 401, "INVALID_SESSION_ID",
                          "This session is not valid for use with the REST "
                          "API",
                          NULL);
        resp->verdict = VERDICT_AUTH_FAILED;
        return -1;
    }
    return 0;
}

/*
 * ROUTE_REST: the org must have API access, and the request counts against
 * the rolling 24-hour allocation (403 REQUEST_LIMIT_EXCEEDED once spent).
 */
static int
count_api_request(struct sim *sim, struct sim_response *resp)
{
    int64_t now = sim_now(sim);

    if (!sim->org->api_enabled) {
        response_sf_error(resp, 403, "API_DISABLED_FOR_ORG",
                          "The REST API is not enabled for this Organization.",
                          NULL);
        return -1;
    }
    if ((int64_t)window_count(sim->api_window, now) >=
        sim->org->api_daily_limit) {
        response_sf_error(resp, 403, "REQUEST_LIMIT_EXCEEDED",
                          "TotalRequests Limit exceeded.", NULL);
        return -1;
    }
    window_add(sim->api_window, now, 1);
    return 0;
}

/* Sforce-Limit-Info: api-usage=N/M on every counted REST answer. */
static void
limit_header(struct sim *sim, struct sim_response *resp)
{
    char v[64];

    snprintf(v, sizeof(v), "api-usage=%llu/%lld",
             (unsigned long long)window_count(sim->api_window, sim_now(sim)),
             (long long)sim->org->api_daily_limit);
    response_header(resp, SFAPI_HDR_LIMIT_INFO, v);
}

/*
 * The path routes see: Salesforce serves "//services/data/..." as
 * "/services/data/..." (a client whose instance URL ends in "/" sends it),
 * so leading slashes beyond the first are dropped; an interior "//" still
 * finds no route (README, fidelity notes). The journal keeps the path as
 * it came.
 */
static const char *
route_path(const char *path)
{
    while (path[0] == '/' && path[1] == '/')
        path++;
    return path;
}

/*
 * Salesforce checks the session before it looks for a REST resource: a
 * path under /services/data/ that names nothing answers 401
 * INVALID_SESSION_ID to a caller without a valid session, and 404 (or
 * 405) only to one with. -1 after answering the 401.
 */
static int
session_before_routing(struct sim *sim, const char *path,
                       struct sim_request *req, struct sim_response *resp)
{
    size_t n = strlen(SFAPI_DATA_PREFIX);

    if (strncmp(path, SFAPI_DATA_PREFIX, n) != 0 || path[n] != '/' ||
        path[n + 1] == '\0')
        return 0;
    return check_session(sim, req, resp);
}

/* The route's handler, after the JSON body it asks for. */
static void
call_handler(struct sim *sim, const struct route *r, struct sim_request *req,
             struct sim_response *resp)
{
    if (!(r->flags & ROUTE_JSON_BODY) || parse_json_body(req, resp) == 0)
        r->fn(sim, req, resp);
}

/* Everything between a matched route and its handler. */
static void
run_route(struct sim *sim, const struct route *r, struct sim_request *req,
          struct sim_response *resp)
{
    if ((r->flags & ROUTE_AUTH) && check_session(sim, req, resp) == -1)
        return;
    if ((r->flags & ROUTE_REST) && count_api_request(sim, resp) == -1)
        return;
    call_handler(sim, r, req, resp);
    if (r->flags & ROUTE_REST)
        limit_header(sim, resp);
}

/*
 * The route for req (at path, route_path()'s) and the 404/405 answers, or
 * with session_first the 401 session_before_routing() gives first; NULL
 * after answering.
 */
static const struct route *
find_route(struct sim *sim, struct sim_request *req, const char *path,
           int session_first, char *scratch, size_t n,
           struct sim_response *resp)
{
    const struct route *r = NULL;
    unsigned allowed = 0;
    enum route_match m;

    m = route_find(sim_routes, req->method, path, scratch, n, req, &r,
                   &allowed);
    if (m != ROUTE_FOUND && session_first &&
        session_before_routing(sim, path, req, resp) == -1)
        ; /* answered 401 */
    else if (m == ROUTE_NO_PATH)
        not_found(resp);
    else if (m == ROUTE_NO_METHOD)
        method_not_allowed(req, resp, allowed);
    return m == ROUTE_FOUND ? r : NULL;
}

/* The query as journaled: decoded pairs, secrets redacted (redact.h). */
static void
query_string(const struct sim_request *req, struct buf *b)
{
    size_t i;

    for (i = 0; i < req->nquery; i++)
        buf_printf(b, "%s%s=%s", i ? "&" : "", req->query[i].name,
                   redact_value(req->query[i].name, req->query[i].value
                                                        ? req->query[i].value
                                                        : ""));
}

/*
 * The body as journaled, into e: the prefix the journal keeps, with
 * secrets redacted (in red when anything was, which the caller frees).
 */
static void
journal_body(struct sim *sim, const struct sim_request *req,
             struct journal_entry *e, struct buf *red)
{
    size_t kept = req->body_len < sim->cfg.journal_body_max
                      ? req->body_len
                      : sim->cfg.journal_body_max;

    e->body = req->body;
    e->body_len = kept;
    e->body_bytes = req->body_len;
    e->body_cut = kept < req->body_len;
    if (kept > 0 && redact_body(req->body, kept, red) == 1) {
        e->body = red->data;
        e->body_len = red->len;
    }
}

void
dispatch_journal_entry(struct sim *sim, const struct sim_request *req,
                       const struct sim_response *resp, struct journal_entry *e,
                       struct buf *q, struct buf *red)
{
    const char *authz = request_header(req, "Authorization");

    query_string(req, q);
    memset(e, 0, sizeof(*e));
    e->time_ms = sim_now(sim);
    e->method = req->method_name;
    e->path = req->path;
    e->query = q->len ? q->data : NULL;
    e->content_type = request_header(req, "Content-Type");
    e->auth = authz == NULL                           ? "none"
              : strncasecmp(authz, "Bearer ", 7) == 0 ? "bearer"
              : strncasecmp(authz, "Basic ", 6) == 0  ? "basic"
                                                      : "other";
    e->status = resp->status;
    e->verdict = resp->verdict;
    e->object = resp->object;
    e->record_id = resp->record_id[0] ? resp->record_id : NULL;
    e->detail = resp->detail;
    e->info_json = resp->info_json;
    journal_body(sim, req, e, red);
}

/* The request's entry, then the entries of what it carried (its records
 * or subrequests), which need its seq. */
static void
journal_exchange(struct sim *sim, const struct sim_request *req,
                 struct sim_response *resp)
{
    struct journal_entry e;
    struct buf q, red;

    buf_init(&q, 4096);
    buf_init(&red, SIZE_MAX / 2);
    dispatch_journal_entry(sim, req, resp, &e, &q, &red);
    journal_batch_commit(sim->journal, &resp->batch,
                         journal_add(sim->journal, &e));
    buf_free(&q);
    buf_free(&red);
}

/*
 * Admin calls from another site, or through a host name nobody allowed,
 * are refused before any route runs: 403 and -1.
 */
static int
admin_guard(struct sim *sim, const struct sim_request *req,
            struct sim_response *resp)
{
    struct guard_hosts hosts = {sim->cfg.bind, sim->cfg.allow_hosts,
                                sim->cfg.nallow_hosts};
    enum guard_refusal g;
    char why[400];

    g = guard_admin(&hosts, req, why, sizeof(why));
    if (g == GUARD_OK)
        return 0;
    response_admin_error(
        resp, 403,
        g == GUARD_BAD_HOST ? "host_not_allowed" : "cross_site_request", why);
    log_info("refused %s %s: %s", req->method_name, req->path, why);
    return -1;
}

void
dispatch(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    const char *path = route_path(req->path);
    const struct route *r;
    char scratch[SCRATCH_MAX];

    if (is_admin_path(path) && admin_guard(sim, req, resp) == -1)
        return;
    w2l_settle(sim);
    store_purge(sim->store, sim_now(sim) - SIM_RECYCLE_BIN_MS,
                SIM_PURGE_PER_REQUEST);
    bulkrun_settle(sim);
    r = find_route(sim, req, path, 1, scratch, sizeof(scratch), resp);
    if (r != NULL)
        run_route(sim, r, req, resp);
    if (r != NULL ? !(r->flags & ROUTE_ADMIN) : !is_admin_path(path))
        journal_exchange(sim, req, resp);
    json_decref(req->json);
    req->json = NULL;
}

void
dispatch_sub(struct sim *sim, struct sim_request *req,
             struct sim_response *resp)
{
    const struct route *r;
    char scratch[SCRATCH_MAX];

    if ((r = find_route(sim, req, route_path(req->path), 0, scratch,
                        sizeof(scratch), resp)) == NULL)
        return;
    if (!(r->flags & ROUTE_REST) || (r->flags & ROUTE_NO_COMPOSITE)) {
        not_found(resp);
        return;
    }
    if (fault_plan_apply_status(sim->faults, req, resp) == 0)
        call_handler(sim, r, req, resp);
    json_decref(req->json);
    req->json = NULL;
}

int
dispatch_fault(struct sim *sim, struct sim_request *req,
               struct sim_response *resp, struct fault_hit *hit)
{
    if (is_admin_path(req->path) ||
        fault_plan_apply(sim->faults, req, resp, hit) == 0)
        return 0;
    if (hit->action != FAULT_DELAY)
        journal_exchange(sim, req, resp);
    return 1;
}

size_t
dispatch_body_cap(struct sim *sim, const char *method, const char *path)
{
    struct sim_request req; /* route_find() writes only params, nparams */
    const struct route *r = NULL;
    char scratch[SCRATCH_MAX];
    unsigned allowed = 0;

    req.nparams = 0;
    if (route_find(sim_routes, route_method_parse(method), route_path(path),
                   scratch, sizeof(scratch), &req, &r,
                   &allowed) == ROUTE_FOUND &&
        (r->flags & ROUTE_LARGE_BODY))
        return (size_t)sim->org->bulk.max_upload_bytes;
    if (r != NULL && (r->flags & ROUTE_STATE_BODY))
        return sim->cfg.max_state;
    return sim->cfg.max_body;
}

void
dispatch_too_large(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    char msg[160];

    snprintf(msg, sizeof(msg), "Request body exceeds the maximum of %zu bytes",
             dispatch_body_cap(sim, req->method_name, req->path));
    response_sf_error(resp, 413, "REQUEST_ENTITY_TOO_LARGE", msg, NULL);
    resp->verdict = VERDICT_BODY_TOO_LARGE;
    req->body = "";
    req->body_len = 0;
    if (!is_admin_path(req->path))
        journal_exchange(sim, req, resp);
}

void
dispatch_bad_request(struct sim *sim, struct sim_request *req,
                     struct sim_response *resp, int status, const char *why)
{
    response_admin_error(resp, status, "bad_request", why);
    response_header(resp, "Connection", "close");
    resp->verdict = VERDICT_BAD_REQUEST;
    response_detail(resp, "%s", why);
    req->body = "";
    req->body_len = 0;
    if (!is_admin_path(req->path))
        journal_exchange(sim, req, resp);
}
