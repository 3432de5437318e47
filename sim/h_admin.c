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

#include "buf.h"
#include "bulkrun.h"
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

void
h_admin_reset(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    (void)req;
    sim_reset(sim);
    response_json(resp, 200, json_pack("{s:s}", "status", "reset"));
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

/* A body from GET /__sim/org comes back with its secrets still hidden: the
 * mark keeps each current one (org_load_update). */
void
h_admin_org_put(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    int secrets = secrets_wanted(req, resp);
    struct sf_err err;
    struct org *org;

    if (secrets == -1)
        return;
    err_clear(&err);
    org = org_load_update("body", req->body, req->body_len, sim->org, &err);
    if (org == NULL) {
        response_admin_error(resp, 400, "invalid_org", err.msg);
        return;
    }
    sim_replace_org(sim, org);
    answer_org(sim, secrets, resp);
}

void
h_admin_w2l(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200, w2l_status(sim));
}
