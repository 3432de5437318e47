/*
 * h_flow.c - invocable flows: POST /services/data/vNN.N/actions/custom/
 * flow/{FlowApiName} with {"inputs": [...]}, one interview per input, and
 * the flow list and describe (facts 4.1).
 *
 * A flow declared in the org creates a Lead, an Account with a Contact in
 * it, a Person Account, or a record of any other object the org can
 * create (a standard object, a custom X__c), through the same intake path
 * as every other record. The answer is Salesforce's array of {actionName,
 * errors, isSuccess, outputValues, version, ...}: 200 when every interview
 * finished, 400 when any failed (the others' results are still there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "intake.h"
#include "org.h"
#include "rng.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "xmalloc.h"

#define FLOW_MIN_VERSION 32
#define FLOW_MAX_INPUTS 2000
#define FAULT_PREFIX                                                           \
    "This error occurred when the flow tried to create records: "
#define FAULT_SUFFIX                                                           \
    ". You can look up ExceptionCode values in the SOAP API Developer Guide."

/* "v62.0" -> 62; -1 when not a version. */
static int
api_version(const char *s)
{
    int major = 0, n = 0;
    char tail = 0;

    if (s == NULL || sscanf(s, "v%d.%d%c", &major, &n, &tail) != 2 || n != 0)
        return -1;
    return major;
}

static int
version_ok(struct sim_request *req, struct sim_response *resp)
{
    int v = api_version(req->params[0]);

    if (v < FLOW_MIN_VERSION) {
        response_sf_error(resp, 404, "NOT_FOUND",
                          "The requested resource does not exist", NULL);
        return -1;
    }
    return v;
}

/* Owned strings made while mapping one interview's inputs. */
struct interview {
    struct fieldvals fv, account_fv;
    char *owned[FLOW_MAX_INPUTS];
    size_t nowned;
    char error[512];
};

static void
interview_free(struct interview *iv)
{
    size_t i;

    fieldvals_free(&iv->fv);
    fieldvals_free(&iv->account_fv);
    for (i = 0; i < iv->nowned; i++)
        free(iv->owned[i]);
    iv->nowned = 0;
}

static const struct org_mapping *
find_input(const struct org_mapping *m, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(m[i].from, name) == 0)
            return &m[i];
    return NULL;
}

/* Maps one input variable; -1 (iv->error set) when it cannot be. */
static int
map_input(struct sim *sim, const struct org_flow *f, struct interview *iv,
          const char *name, json_t *value)
{
    const struct org_mapping *m = find_input(f->inputs, f->ninputs, name);
    const struct org_mapping *am =
        find_input(f->account_inputs, f->naccount_inputs, name);
    char *s;

    if (m == NULL && am == NULL) {
        snprintf(iv->error, sizeof(iv->error),
                 "Couldn't find an input parameter named %s", name);
        return -1;
    }
    if (json_is_null(value))
        return 0;
    if ((s = sobject_scalar_text(value)) == NULL) {
        snprintf(iv->error, sizeof(iv->error),
                 "The input parameter %s must be a single value", name);
        return -1;
    }
    iv->owned[iv->nowned++] = s;
    if (m != NULL)
        fieldvals_set(&iv->fv, store_intern(sim->store, m->to), s, strlen(s));
    if (am != NULL)
        fieldvals_set(&iv->account_fv, store_intern(sim->store, am->to), s,
                      strlen(s));
    return 0;
}

static json_t *
result_base(const struct org_flow *f, const char *name, int version)
{
    json_t *j = json_pack("{s:s}", "actionName", f ? f->api_name : name);

    if (version >= 60)
        json_object_set_new(j, "invocationId", json_null());
    json_object_set_new(j, "isSuccess", json_false());
    if (version >= 60) {
        json_object_set_new(j, "outcome", json_null());
        json_object_set_new(j, "sortOrder", json_integer(-1));
    }
    json_object_set_new(j, "version", json_integer(1));
    return j;
}

static json_t *
result_error(json_t *j, const char *code, const char *message)
{
    json_object_set_new(j, "errors",
                        json_pack("[{s:s, s:s, s:[]}]", "statusCode", code,
                                  "message", message, "fields"));
    json_object_set_new(j, "outputValues", json_null());
    return j;
}

static void
set_id_output(json_t *out, const char *var, const struct record *r)
{
    char id18[SFID_LEN18 + 1];

    if (var == NULL || r == NULL)
        return;
    sfid_to18(r->id, id18);
    json_object_set_new(out, var, json_string(id18));
}

static json_t *
result_ok(struct sim *sim, json_t *j, const struct org_flow *f,
          const struct record *rec, const struct record *account)
{
    json_t *out = json_object();
    char guid[48];

    set_id_output(out, f->output_id, rec);
    set_id_output(out, f->output_account_id, account);
    rng_fill(&sim->rng, guid, 40, "0123456789abcdef");
    json_object_set_new(out, "Flow__InterviewGuid", json_string(guid));
    json_object_set_new(out, "Flow__InterviewStatus", json_string("Finished"));
    json_object_set_new(j, "errors", json_null());
    json_object_set_new(j, "isSuccess", json_true());
    json_object_set_new(j, "outputValues", out);
    return j;
}

/* The flow fault text of an intake refusal (facts 4.1). */
static json_t *
result_fault(json_t *j, const struct intake_result *res)
{
    json_t *e = json_array_get(res->errors, 0);
    const char *code = json_string_value(json_object_get(e, "errorCode"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    char *text = xasprintf(FAULT_PREFIX "%s: %s" FAULT_SUFFIX,
                           code ? code : "UNKNOWN_EXCEPTION",
                           msg ? msg : "An unhandled fault has occurred");

    result_error(j, code ? code : "UNKNOWN_EXCEPTION", text);
    free(text);
    return j;
}

static const struct object_def *
object(struct sim *sim, const char *name)
{
    return schema_object(sim->schema, name);
}

/* Runs one interview; returns its result element. */
static json_t *
run_interview(struct sim *sim, const struct org_flow *f, json_t *input,
              int version, struct sim_response *resp)
{
    struct interview iv;
    struct intake_result res, acc;
    struct record *account = NULL;
    const struct object_def *obj = object(sim, f->object);
    const char *key;
    json_t *v, *j = result_base(f, NULL, version);
    char id18[SFID_LEN18 + 1];
    int64_t now = sim_now(sim);

    memset(&iv, 0, sizeof(iv));
    intake_result_init(&res);
    intake_result_init(&acc);
    if (!json_is_object(input)) {
        result_error(j, "INVALID_INPUT", "Each input must be a JSON object");
        goto out;
    }
    if (obj == NULL) { /* an object the store had no room for */
        result_error(j, "INVALID_TYPE", "The flow's object does not exist");
        goto out;
    }
    json_object_foreach(input, key, v) {
        if (iv.nowned >= FLOW_MAX_INPUTS ||
            map_input(sim, f, &iv, key, v) == -1) {
            result_error(j, "INVALID_INPUT",
                         iv.error[0] ? iv.error : "Too many input values");
            goto out;
        }
    }
    if (f->creates == FLOW_CREATES_CONTACT_ACCOUNT) {
        if (intake_create(sim, object(sim, "Account"), &iv.account_fv,
                          INTAKE_FLOW, now, &acc) == -1) {
            result_fault(j, &acc);
            resp->verdict = acc.verdict;
            goto out;
        }
        account = acc.record;
        sfid_to18(account->id, id18);
        fieldvals_set(&iv.fv, store_intern(sim->store, "AccountId"), id18,
                      SFID_LEN18);
    }
    if (intake_create(sim, obj, &iv.fv, INTAKE_FLOW, now, &res) == -1) {
        if (account != NULL) /* the flow's DML is rolled back */
            store_delete(sim->store, account);
        result_fault(j, &res);
        resp->verdict = res.verdict;
        goto out;
    }
    result_ok(sim, j, f, res.record, account);
    if (resp->record_id[0] == '\0')
        sfid_to18(res.record->id, resp->record_id);
out:
    intake_result_free(&res);
    intake_result_free(&acc);
    interview_free(&iv);
    return j;
}

static void
unknown_flow(struct sim_response *resp, const char *name, int version)
{
    char msg[512];
    json_t *j = result_base(NULL, name, version);

    snprintf(msg, sizeof(msg), "Action name not found: %s", name);
    result_error(j, "MISSING_RECORD", msg);
    response_json(resp, 400, json_pack("[o]", j));
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "MISSING_RECORD: %s", msg);
}

void
h_flow_invoke(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    const char *name = req->params[1];
    const struct org_flow *f = org_flow_find(sim->org, name);
    json_t *inputs = json_object_get(req->json, "inputs"), *out;
    int version = version_ok(req, resp), failed = 0;
    size_t i;

    if (version < 0)
        return;
    if (f == NULL || !f->active) {
        unknown_flow(resp, name, version);
        return;
    }
    if (!json_is_object(req->json) || !json_is_array(inputs) ||
        json_array_size(inputs) == 0 ||
        json_array_size(inputs) > FLOW_MAX_INPUTS) {
        response_sf_error(resp, 400, "JSON_PARSER_ERROR",
                          "The request body must be {\"inputs\": [...]} with "
                          "1 to 2000 inputs",
                          NULL);
        return;
    }
    out = json_array();
    resp->verdict = VERDICT_CREATED;
    resp->object = f->object;
    for (i = 0; i < json_array_size(inputs); i++) {
        json_t *r =
            run_interview(sim, f, json_array_get(inputs, i), version, resp);

        failed += !json_is_true(json_object_get(r, "isSuccess"));
        json_array_append_new(out, r);
    }
    if (failed > 0 && resp->verdict == VERDICT_CREATED)
        resp->verdict = VERDICT_ERROR;
    if (failed > 0)
        response_detail(resp, "%d of %zu interviews failed", failed,
                        json_array_size(inputs));
    response_json(resp, failed ? 400 : 200, out);
}

void
h_flow_list(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    json_t *actions = json_array();
    int version = version_ok(req, resp);
    size_t i;

    if (version < 0)
        return;
    for (i = 0; i < sim->org->nflows; i++) {
        const struct org_flow *f = &sim->org->flows[i];
        char *url;

        if (!f->active)
            continue;
        url = xasprintf("/services/data/%s/actions/custom/flow/%s",
                        req->params[0], f->api_name);
        json_array_append_new(actions,
                              json_pack("{s:s, s:s, s:s, s:s}", "label",
                                        f->label, "name", f->api_name, "type",
                                        "FLOW", "url", url));
        free(url);
    }
    response_json(resp, 200, json_pack("{s:o}", "actions", actions));
    resp->verdict = VERDICT_OK;
}

void
h_flow_describe(struct sim *sim, struct sim_request *req,
                struct sim_response *resp)
{
    const struct org_flow *f = org_flow_find(sim->org, req->params[1]);
    json_t *inputs = json_array(), *outputs = json_array();
    int version = version_ok(req, resp);
    size_t i;

    if (version < 0) {
        json_decref(inputs);
        json_decref(outputs);
        return;
    }
    if (f == NULL || !f->active) {
        json_decref(inputs);
        json_decref(outputs);
        unknown_flow(resp, req->params[1], version);
        return;
    }
    for (i = 0; i < f->ninputs; i++)
        json_array_append_new(inputs, json_pack("{s:s, s:s, s:b}", "name",
                                                f->inputs[i].from, "type",
                                                "STRING", "required", 0));
    for (i = 0; i < f->naccount_inputs; i++)
        if (find_input(f->inputs, f->ninputs, f->account_inputs[i].from) ==
            NULL)
            json_array_append_new(inputs,
                                  json_pack("{s:s, s:s, s:b}", "name",
                                            f->account_inputs[i].from, "type",
                                            "STRING", "required", 0));
    if (f->output_id != NULL)
        json_array_append_new(outputs, json_pack("{s:s, s:s}", "name",
                                                 f->output_id, "type", "ID"));
    response_json(resp, 200,
                  json_pack("{s:s, s:s, s:s, s:o, s:o}", "name", f->api_name,
                            "label", f->label, "type", "FLOW", "inputs", inputs,
                            "outputs", outputs));
    resp->verdict = VERDICT_OK;
}
