/*
 * h_admin.c - the admin API under /__sim/ (shared/contract.md): clock,
 * reset, org, and the sim's own extras (webtolead). The answers that grow
 * with the data (records, journal, mail) are in h_admin_lists.c.
 *
 * JSON in, JSON out. A bad admin request answers 4xx with
 * {"error": "<code>", "message": "<what is wrong>"}.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "bulk.h"
#include "bulkrun.h"
#include "fault.h"
#include "handlers.h"
#include "journal.h"
#include "mailbox.h"
#include "org.h"
#include "parse.h"
#include "schema.h"
#include "sim.h"
#include "snapshot.h"
#include "sobject.h"
#include "store.h"
#include "timefmt.h"
#include "w2l.h"
#include "window.h"

#define MAX_ADVANCE_S (10LL * 366 * 86400)

void
h_admin_health(struct sim *sim, struct sim_request *req,
               struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200,
                  json_pack("{s:s, s:s, s:s}", "status", "ok", "org_id",
                            sim->org->org_id, "edition",
                            edition_name(sim->org->edition)));
}

static json_t *
clock_json(struct sim *sim)
{
    char when[TIMEFMT_LEN];
    int64_t now = sim_now(sim);

    return json_pack("{s:s, s:I, s:b}", "now", timefmt_rfc3339(now, when),
                     "epoch_ms", (json_int_t)now, "frozen", sim->clock.frozen);
}

void
h_admin_clock_get(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200, clock_json(sim));
}

static int
clock_advance_from(struct sim *sim, json_t *adv, struct sim_response *resp)
{
    double secs;

    if (!json_is_number(adv)) {
        response_admin_error(resp, 400, "bad_request",
                             "advance_seconds must be a number");
        return -1;
    }
    secs = json_number_value(adv);
    if (!isfinite(secs) || secs < 0 || secs > (double)MAX_ADVANCE_S) {
        response_admin_error(
            resp, 400, "bad_request",
            "advance_seconds must be between 0 and 316224000; the "
            "clock never goes backwards");
        return -1;
    }
    clock_advance(&sim->clock, (int64_t)llround(secs * 1000));
    return 0;
}

static int
clock_set_from(struct sim *sim, json_t *set, struct sim_response *resp)
{
    int64_t ms;

    if (!json_is_string(set) ||
        timefmt_parse(json_string_value(set), &ms) == -1) {
        response_admin_error(resp, 400, "bad_request",
                             "set must be an RFC 3339 date-time such as "
                             "2026-01-05T09:00:00Z");
        return -1;
    }
    if (clock_set(&sim->clock, ms) == -1) {
        response_admin_error(resp, 409, "clock_backwards",
                             "the simulated clock never goes backwards");
        return -1;
    }
    return 0;
}

void
h_admin_clock_post(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    static const char *const allowed[] = {"advance_seconds", "set", "frozen",
                                          NULL};
    json_t *body = req->json, *adv, *set, *frozen;
    const char *key;
    json_t *v;

    if (!json_is_object(body)) {
        response_admin_error(
            resp, 400, "bad_request",
            "expected a JSON object such as {\"advance_seconds\": 60}");
        return;
    }
    json_object_foreach(body, key, v) {
        const char *const *a;

        for (a = allowed; *a != NULL && strcmp(*a, key) != 0; a++)
            ;
        if (*a == NULL) {
            response_admin_error(
                resp, 400, "bad_request",
                "unknown key; expected advance_seconds, set or frozen");
            return;
        }
    }
    adv = json_object_get(body, "advance_seconds");
    set = json_object_get(body, "set");
    frozen = json_object_get(body, "frozen");
    if (adv != NULL && set != NULL) {
        response_admin_error(resp, 400, "bad_request",
                             "give advance_seconds or set, not both");
        return;
    }
    if (frozen != NULL && !json_is_boolean(frozen)) {
        response_admin_error(resp, 400, "bad_request",
                             "frozen must be true or false");
        return;
    }
    if ((adv != NULL && clock_advance_from(sim, adv, resp) == -1) ||
        (set != NULL && clock_set_from(sim, set, resp) == -1))
        return;
    if (frozen != NULL)
        clock_set_frozen(&sim->clock, json_is_true(frozen));
    w2l_settle(sim);
    bulkrun_settle(sim);
    response_json(resp, 200, clock_json(sim));
}

/*
 * The clock a reset body asks for: {"clock": "start"} (the org's
 * clock.start, else where the clock started) or {"clock": RFC 3339}. 1
 * with *ms set, 0 when the body asks for none, -1 after answering 400.
 */
static int
reset_clock_of(struct sim *sim, json_t *body, int64_t *ms,
               struct sim_response *resp)
{
    const char *when;
    json_t *clk;

    if (body == NULL)
        return 0;
    clk = json_object_get(body, "clock");
    if (!json_is_object(body) || json_object_size(body) != (clk != NULL)) {
        response_admin_error(resp, 400, "bad_request",
                             "expected no body, {}, {\"clock\": \"start\"} "
                             "or {\"clock\": \"2026-01-05T09:00:00Z\"}");
        return -1;
    }
    if (clk == NULL)
        return 0;
    when = json_string_value(clk);
    if (when != NULL && strcmp(when, "start") == 0) {
        *ms = sim_clock_start(sim);
        return 1;
    }
    if (when == NULL || timefmt_parse(when, ms) == -1) {
        response_admin_error(resp, 400, "bad_request",
                             "clock must be \"start\" or an RFC 3339 "
                             "date-time such as 2026-01-05T09:00:00Z");
        return -1;
    }
    return 1;
}

void
h_admin_reset(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    int64_t ms = 0;
    int rc = reset_clock_of(sim, req->json, &ms, resp);

    if (rc == -1)
        return;
    if (rc == 1)
        sim_reset_clock(sim, ms);
    else
        sim_reset(sim);
    response_json(
        resp, 200,
        json_pack("{s:s, s:o}", "status", "reset", "clock", clock_json(sim)));
}

/*
 * ?secrets=1: the org's passwords and client secrets in the answer, for
 * loopback clients only. 1 or 0; -1 after answering 400 or 403.
 */
static int
secrets_wanted(const struct sim_request *req, struct sim_response *resp)
{
    const char *secrets = request_query(req, "secrets");

    if (secrets == NULL || strcmp(secrets, "0") == 0)
        return 0;
    if (strcmp(secrets, "1") != 0) {
        response_admin_error(resp, 400, "bad_request",
                             "secrets must be 1 or 0");
        return -1;
    }
    if (!req->peer_loopback) {
        response_admin_error(resp, 403, "secrets_refused",
                             "the org's passwords and client secrets are "
                             "only shown to clients on a loopback address");
        return -1;
    }
    return 1;
}

static void
answer_org(struct sim *sim, int secrets, struct sim_response *resp)
{
    json_t *j = org_to_json(sim->org);

    if (!secrets)
        org_json_redact(j);
    response_json(resp, 200, j);
}

void
h_admin_org_get(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    int secrets = secrets_wanted(req, resp);

    if (secrets != -1)
        answer_org(sim, secrets, resp);
}

/*
 * A clock.start that differs from the current org's moves the clock there:
 * forward at any time, back only while nothing in the sim carries a time
 * (right after a reset). 0 with *ms set (-1: leave the clock), or -1
 * after answering 409.
 */
static int
org_clock_move(struct sim *sim, const struct org *org, int64_t *ms,
               struct sim_response *resp)
{
    char now[TIMEFMT_LEN], msg[400];

    *ms = -1;
    if (org->clock_start_ms < 0 ||
        org->clock_start_ms == sim->org->clock_start_ms)
        return 0;
    if (org->clock_start_ms >= sim_now(sim) || !sim_holds_time(sim)) {
        *ms = org->clock_start_ms;
        return 0;
    }
    snprintf(msg, sizeof(msg),
             "clock.start is before the simulated now (%s) and the sim "
             "holds records, journal entries, mail, sessions or counted "
             "requests: the clock never goes back under them. POST "
             "/__sim/reset first (or PUT without clock.start); the org is "
             "unchanged",
             timefmt_rfc3339(sim_now(sim), now));
    response_admin_error(resp, 409, "clock_backwards", msg);
    return -1;
}

/* A body from GET /__sim/org comes back with its secrets still hidden: the
 * mark keeps each current one (org_load_update). */
void
h_admin_org_put(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    int secrets = secrets_wanted(req, resp);
    struct sf_err err;
    struct org *org;
    int64_t ms;

    if (secrets == -1)
        return;
    err_clear(&err);
    org = org_load_update("body", req->body, req->body_len, sim->org, &err);
    if (org == NULL) {
        response_admin_error(resp, 400, "invalid_org", err.msg);
        return;
    }
    if (org_clock_move(sim, org, &ms, resp) == -1) {
        org_free(org);
        return;
    }
    sim_replace_org(sim, org);
    if (ms >= 0)
        clock_init(&sim->clock, ms, sim->clock.frozen);
    answer_org(sim, secrets, resp);
}

void
h_admin_w2l(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200, w2l_status(sim));
}

/* The API allocation's rolling window (new reference). */
static json_t *
api_json(struct sim *sim)
{
    int64_t now = sim_now(sim),
            frees = window_next_expiry(sim->api_window, now);
    char when[TIMEFMT_LEN];

    return json_pack(
        "{s:b, s:I, s:I, s:o}", "enabled", sim->org->api_enabled, "used",
        (json_int_t)window_count(sim->api_window, now), "limit",
        (json_int_t)sim->org->api_daily_limit, "window_frees_at",
        frees < 0 ? json_null() : json_string(timefmt_rfc3339(frees, when)));
}

/* The org at a glance (new reference). */
static json_t *
overview_json(struct sim *sim)
{
    json_t *records = json_object(), *faults = fault_plan_to_json(sim->faults);
    json_t *j;
    size_t i;

    for (i = 0; i < sim->schema->nobjects; i++)
        json_object_set_new(
            records, sim->schema->objects[i].name,
            json_integer((json_int_t)store_count(
                sim->store, sim->schema->objects[i].store_index)));
    j = json_pack(
        "{s:{s:s, s:s, s:s}, s:o, s:o, s:o, s:o, s:I, s:{s:I, s:I}, s:I, "
        "s:{s:I, s:O}, s:I}",
        "org", "name", sim->org->name, "org_id", sim->org->org_id, "edition",
        edition_name(sim->org->edition), "clock", clock_json(sim),
        "web_to_lead", w2l_status(sim), "api", api_json(sim), "records",
        records, "sessions", (json_int_t)auth_session_count(sim->auth),
        "journal", "first_seq", (json_int_t)journal_first_seq(sim->journal),
        "last_seq", (json_int_t)journal_last_seq(sim->journal), "mail",
        (json_int_t)mailbox_count(sim->mail, NULL), "faults", "rules",
        (json_int_t)json_array_size(json_object_get(faults, "faults")),
        "injected", json_object_get(faults, "injected"), "bulk_jobs",
        (json_int_t)bulk_count(sim->bulk));
    json_decref(faults);
    return j;
}

/* The org at a glance: what the dashboard's header shows. */
void
h_admin_overview(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200, overview_json(sim));
}

/* --- state snapshots ------------------------------------------------------ */

static int
state_next(struct sim *sim, void *state, struct buf *out, size_t max)
{
    return snapshot_export_next(sim, state, out, max);
}

/* GET /__sim/state: the whole org as a state file, streamed; secrets as
 * GET /__sim/org shows them. */
void
h_admin_state_get(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    int secrets = secrets_wanted(req, resp);
    struct response_stream st;

    if (secrets == -1)
        return;
    st.next = state_next;
    st.free = snapshot_export_free;
    st.state = snapshot_export_open(sim, secrets);
    response_stream(resp, 200, &st);
    response_header(resp, "Content-Disposition",
                    "attachment; filename=\"sfsim-state.json\"");
}

/* PUT /__sim/state: restores one; the sim as it then is at a glance, and
 * "notes": what the restore could not bring back. */
void
h_admin_state_put(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    struct sf_err err;
    json_t *notes = NULL, *j;

    err_clear(&err);
    if (snapshot_load(sim, "body", req->body, req->body_len, &notes, &err) ==
        -1) {
        response_admin_error(resp, 400, "invalid_state", err.msg);
        return;
    }
    j = overview_json(sim);
    json_object_set_new(j, "notes", notes);
    response_json(resp, 200, j);
}
