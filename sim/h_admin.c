/*
 * h_admin.c - the admin API under /__sim/ (shared/contract.md): clock,
 * records, journal, reset, org, and the sim's own extras (mail, webtolead).
 *
 * JSON in, JSON out. A bad admin request answers 4xx with
 * {"error": "<code>", "message": "<what is wrong>"}.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "bulk.h"
#include "handlers.h"
#include "journal.h"
#include "mailbox.h"
#include "org.h"
#include "parse.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "timefmt.h"
#include "w2l.h"

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
    json_object_foreach(body, key, v)
    {
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
    bulk_settle(sim);
    response_json(resp, 200, clock_json(sim));
}

struct records_ctx {
    struct sim *sim;
    const struct object_def *obj;
    json_t *arr;
};

static int
append_record(struct record *r, void *arg)
{
    struct records_ctx *c = arg;

    json_array_append_new(c->arr, sobject_to_json(c->sim, c->obj, r));
    return 0;
}

void
h_admin_records(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    struct records_ctx c;

    c.sim = sim;
    c.obj = schema_object(sim->schema, req->params[0]);
    if (c.obj == NULL) {
        response_admin_error(resp, 404, "not_found",
                             "unknown object; known: Lead, Contact, Account");
        return;
    }
    c.arr = json_array();
    store_foreach(sim->store, c.obj->store_index, append_record, &c);
    response_json(resp, 200, c.arr);
}

void
h_admin_journal(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    const char *since_s = request_query(req, "since");
    uint64_t since = 0;

    if (since_s != NULL && parse_uint64(since_s, UINT64_MAX, &since) == -1) {
        response_admin_error(resp, 400, "bad_request",
                             "since must be a journal sequence number");
        return;
    }
    buf_init(&resp->body, SIZE_MAX / 2);
    journal_to_json(sim->journal, since, &resp->body);
    journal_flush(sim->journal);
    resp->status = 200;
    resp->content_type = "application/json;charset=UTF-8";
}

void
h_admin_reset(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    (void)req;
    sim_reset(sim);
    response_json(resp, 200, json_pack("{s:s}", "status", "reset"));
}

void
h_admin_org_get(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200, org_to_json(sim->org));
}

void
h_admin_org_put(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    struct sf_err err;
    struct org *org;

    err_clear(&err);
    org = org_load_buf("body", req->body, req->body_len, &err);
    if (org == NULL) {
        response_admin_error(resp, 400, "invalid_org", err.msg);
        return;
    }
    sim_replace_org(sim, org);
    response_json(resp, 200, org_to_json(sim->org));
}

void
h_admin_mail(struct sim *sim, struct sim_request *req,
             struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200, mailbox_to_json(sim->mail));
}

void
h_admin_w2l(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200, w2l_status(sim));
}
