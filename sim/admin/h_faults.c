/*
 * h_faults.c - the fault-injection admin API: POST /__sim/faults adds a
 * rule, GET lists the rules with their counts, DELETE clears them.
 *
 * The rules themselves (matching, firing, answers) live in fault.c; this
 * file is only their JSON face, with the admin API's error shape
 * {"error": "<code>", "message": "<what is wrong>"}.
 */
#include "fault.h"
#include "handlers.h"
#include "sim.h"

void
h_admin_faults_get(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    (void)req;
    response_json(resp, 200, fault_plan_to_json(sim->faults));
}

void
h_admin_faults_post(struct sim *sim, struct sim_request *req,
                    struct sim_response *resp)
{
    struct sf_err err;
    json_t *rule;

    err_clear(&err);
    if (req->json == NULL) {
        response_admin_error(resp, 400, "bad_request",
                             "a fault rule (JSON) is required");
        return;
    }
    rule = fault_plan_add(sim->faults, req->json, &err);
    if (rule == NULL) {
        response_admin_error(resp, 400, "bad_request", err.msg);
        return;
    }
    response_json(resp, 201, rule);
}

void
h_admin_faults_delete(struct sim *sim, struct sim_request *req,
                      struct sim_response *resp)
{
    json_t *before = fault_plan_to_json(sim->faults);

    (void)req;
    fault_plan_clear(sim->faults);
    response_json(resp, 200, before);
}
