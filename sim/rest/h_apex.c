/*
 * h_apex.c - Apex REST endpoints declared in the org:
 * /services/apexrest/{urlMapping} (facts 4.2).
 *
 * Each endpoint stands for an @RestResource class that reads the JSON
 * body, maps it to a record of its object (any the org can create: Lead,
 * Contact, Account, another standard object, a custom X__c) and inserts
 * it through the sim's one intake path. Success answers the configured status
 * and body ("{{id}}" becomes the new record's id). A refused insert answers as
 * an unhandled DmlException does: 500 [{"errorCode":"APEX_ERROR","message":…}]
 * — or, for endpoints declared with handled_errors, 400 with the errors, as a
 * class that catches the exception would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "handlers.h"
#include "intake.h"
#include "org.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "xmalloc.h"

#define APEX_MAX_VALUES 500
#define APEX_LINE 27 /* the line the stack trace blames */

/* The longest url_mapping matching path; a trailing '*' matches the rest. */
static const struct org_apex *
find_endpoint(const struct org *org, const char *path)
{
    const struct org_apex *best = NULL;
    size_t best_len = 0, i;

    for (i = 0; i < org->napex; i++) {
        const char *m = org->apex[i].url_mapping;
        size_t len = strlen(m);
        int wild = len > 0 && m[len - 1] == '*';
        size_t stem = wild ? len - 1 : len;

        if (wild ? strncmp(path, m, stem) != 0 : strcmp(path, m) != 0)
            continue;
        if (best == NULL || stem > best_len) {
            best = &org->apex[i];
            best_len = stem;
        }
    }
    return best;
}

/* The value at a dotted path in a JSON object, or NULL. */
static json_t *
json_path(json_t *root, const char *path)
{
    char part[256];
    const char *p = path;

    while (root != NULL && *p != '\0') {
        size_t n = strcspn(p, ".");

        if (n >= sizeof(part))
            return NULL;
        memcpy(part, p, n);
        part[n] = '\0';
        root = json_is_object(root) ? json_object_get(root, part) : NULL;
        p += n + (p[n] == '.');
    }
    return root;
}

/* Replaces every string "{{id}}" in a copy of tmpl with id. */
static json_t *
render(json_t *tmpl, const char *id)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_string(tmpl) && strcmp(json_string_value(tmpl), "{{id}}") == 0)
        return json_string(id);
    if (json_is_object(tmpl)) {
        json_t *out = json_object();

        json_object_foreach(tmpl, key, v)
            json_object_set_new(out, key, render(v, id));
        return out;
    }
    if (json_is_array(tmpl)) {
        json_t *out = json_array();

        json_array_foreach(tmpl, i, v)
            json_array_append_new(out, render(v, id));
        return out;
    }
    return json_deep_copy(tmpl);
}

/* An unhandled System.DmlException, as Apex REST reports it. */
static void
apex_error(struct sim_response *resp, const struct org_apex *a,
           const struct intake_result *res)
{
    json_t *e = json_array_get(res->errors, 0), *fields, *f;
    const char *code = json_string_value(json_object_get(e, "errorCode"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    struct buf b;
    size_t i;

    buf_init(&b, 16384);
    buf_printf(&b,
               "System.DmlException: Insert failed. First exception on row "
               "0; first error: %s, %s: [",
               code ? code : "UNKNOWN_EXCEPTION", msg ? msg : "");
    fields = json_object_get(e, "fields");
    json_array_foreach(fields, i, f)
        buf_printf(&b, "%s%s", i ? ", " : "", json_string_value(f));
    buf_printf(&b, "]\n\nClass.%s.%s: line %d, column 1", a->class_name,
               a->method_name, APEX_LINE);
    response_json(resp, 500,
                  json_pack("[{s:s, s:s}]", "errorCode", "APEX_ERROR",
                            "message", b.data));
    buf_free(&b);
}

/* Maps the body to values; -1 after answering when a value is unusable. */
static int
map_body(struct sim *sim, const struct org_apex *a, json_t *body,
         struct fieldvals *fv, char **owned, size_t *nowned,
         struct sim_response *resp)
{
    size_t i;

    for (i = 0; i < a->nmapping && *nowned < APEX_MAX_VALUES; i++) {
        json_t *v = json_path(body, a->mapping[i].from);
        char *s;

        if (v == NULL || json_is_null(v))
            continue;
        if ((s = sobject_scalar_text(v)) == NULL) {
            response_sf_error(resp, 400, "JSON_PARSER_ERROR",
                              "Expected a single value", NULL);
            return -1;
        }
        owned[(*nowned)++] = s;
        fieldvals_set(fv, store_intern(sim->store, a->mapping[i].to), s,
                      strlen(s));
    }
    return 0;
}

static json_t *
parse_body(struct sim_request *req, struct sim_response *resp)
{
    json_error_t jerr;
    json_t *body;
    char msg[400];

    if (req->body_len == 0)
        return json_object();
    body = json_loadb(req->body, req->body_len, 0, &jerr);
    if (body == NULL) {
        snprintf(msg, sizeof(msg), "%s at [line:%d, column:%d]", jerr.text,
                 jerr.line, jerr.column);
        response_sf_error(resp, 400, "JSON_PARSER_ERROR", msg, NULL);
    }
    return body;
}

static int
endpoint_for(struct sim *sim, struct sim_request *req,
             struct sim_response *resp, const struct org_apex **out)
{
    char path[2048], msg[2200], list[64];

    snprintf(path, sizeof(path), "/%s", req->params[0]);
    if ((*out = find_endpoint(sim->org, path)) == NULL) {
        snprintf(msg, sizeof(msg), "Could not find a match for URL %s", path);
        response_sf_error(resp, 404, "NOT_FOUND", msg, NULL);
        return -1;
    }
    if ((*out)->methods &
        METHOD_BIT(req->method == HTTP_HEAD ? HTTP_GET : req->method))
        return 0;
    route_methods_str((*out)->methods, list, sizeof(list));
    snprintf(msg, sizeof(msg), "HTTP Method '%s' not allowed. Allowed are %s",
             req->method_name, list);
    response_sf_error(resp, 405, "METHOD_NOT_ALLOWED", msg, NULL);
    return -1;
}

void
h_apex(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    const struct org_apex *a = NULL;
    const struct object_def *obj;
    struct fieldvals fv = {0};
    struct intake_result res;
    char *owned[APEX_MAX_VALUES], id18[SFID_LEN18 + 1];
    size_t nowned = 0, i;
    json_t *body = NULL;

    intake_result_init(&res);
    if (endpoint_for(sim, req, resp, &a) == -1 ||
        (body = parse_body(req, resp)) == NULL ||
        map_body(sim, a, body, &fv, owned, &nowned, resp) == -1)
        goto out;
    if ((obj = schema_object(sim->schema, a->object)) == NULL) {
        /* an object the store had no room for */
        response_sf_error(resp, 500, "APEX_ERROR",
                          "System.TypeException: Invalid sObject type", NULL);
        goto out;
    }
    resp->object = obj->name;
    if (intake_create(sim, obj, &fv, INTAKE_APEX, sim_now(sim), &res) == -1) {
        if (a->handled_errors)
            response_json(
                resp, 400,
                json_pack("{s:b, s:O}", "success", 0, "errors", res.errors));
        else
            apex_error(resp, a, &res);
        resp->verdict = res.verdict;
        response_detail(resp, "%s", res.detail ? res.detail : "refused");
        goto out;
    }
    sfid_to18(res.record->id, id18);
    memcpy(resp->record_id, id18, sizeof(id18));
    resp->verdict = VERDICT_CREATED;
    response_json(resp, a->success_status,
                  a->success_body != NULL
                      ? render(a->success_body, id18)
                      : json_pack("{s:s, s:b}", "id", id18, "success", 1));
out:
    json_decref(body);
    fieldvals_free(&fv);
    for (i = 0; i < nowned; i++)
        free(owned[i]);
    intake_result_free(&res);
}
