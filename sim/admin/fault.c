/*
 * fault.c - the fault plan (see fault.h).
 *
 * Rules are kept in the order they were added; the first one that matches
 * and fires wins. Each rule keeps a copy of its spec for GET /__sim/faults
 * and its own generator, so a probability with a seed gives the same
 * sequence of hits on every run.
 */
#include "fault.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "journal.h"
#include "rng.h"
#include "xmalloc.h"

#define FIELD_SEARCH_DEPTH 4
#define FAULT_UNLIMITED (-1)

struct fault_rule {
    unsigned id;
    json_t *spec; /* the rule as added, for GET */
    char *method; /* NULL: any */
    char *path;   /* prefix, or glob */
    int path_glob;
    char *field;      /* NULL: no body condition */
    char *value;      /* glob; NULL: the field is present and not empty */
    int per_record;   /* "scope": "record" */
    char *error_code; /* per_record: the record's error */
    char *message;
    enum fault_action action;
    int status;
    char *retry_after;
    char *body;
    const char *content_type; /* static */
    long delay_ms;
    long long send_bytes;    /* truncate: -1 = half the body */
    long long after_records; /* job rules: the row they strike at */
    long long times;         /* FAULT_UNLIMITED or what is left */
    double probability;
    struct rng rng;
    unsigned long long matched, injected;
};

struct fault_plan {
    struct fault_rule *rules;
    size_t n;
    unsigned next_id;
    unsigned long long injected;
};

/* Salesforce error bodies a rule can name by code alone (facts 3.4, 3.7). */
static const struct fault_error {
    const char *code;
    int status;
    const char *message;
} fault_errors[] = {
    {.code = "UNKNOWN_EXCEPTION",
     .status = 500,
     .message = "An unexpected error occurred. Please include this ErrorId "
                "if you contact support: 1291449758-100210 (-239130079)"},
    {.code = "SERVER_UNAVAILABLE",
     .status = 503,
     .message = "Server temporarily unavailable"},
    {.code = "INVALID_SESSION_ID",
     .status = 401,
     .message = "Session expired or invalid"},
    {.code = "FIELD_CUSTOM_VALIDATION_EXCEPTION",
     .status = 400,
     .message = "The lead does not pass validation"},
    {.code = "REQUIRED_FIELD_MISSING",
     .status = 400,
     .message = "Required fields are missing: [LastName]"},
    {.code = "UNABLE_TO_LOCK_ROW",
     .status = 400,
     .message = "unable to obtain exclusive access to this record"},
    {.code = "REQUEST_LIMIT_EXCEEDED",
     .status = 403,
     .message = "ConcurrentRequests (Concurrent API Requests) Limit "
                "exceeded."},
    {.code = NULL, .status = 0, .message = NULL},
};

static const char *const action_names[] = {
#define FAULT_ACTION_STR(e, s) s,
    FAULT_ACTIONS(FAULT_ACTION_STR)
#undef FAULT_ACTION_STR
        NULL};

static const char *const spec_keys[] = {
    "method",         "path",   "field",         "value",
    "action",         "status", "retry_after",   "error_code",
    "message",        "body",   "content_type",  "delay_ms",
    "truncate_bytes", "times",  "probability",   "seed",
    "comment",        "scope",  "after_records", NULL};

/* Content types a rule may name; the response keeps a static pointer. */
static const char *const content_types[] = {
    "application/json;charset=UTF-8", "text/html;charset=UTF-8",
    "text/plain;charset=UTF-8", "application/xml;charset=UTF-8", NULL};

const char *
fault_action_name(enum fault_action a)
{
    return action_names[a];
}

struct fault_plan *
fault_plan_new(void)
{
    struct fault_plan *p = xcalloc(1, sizeof(*p));

    p->next_id = 1;
    return p;
}

static void
rule_free(struct fault_rule *r)
{
    json_decref(r->spec);
    free(r->method);
    free(r->path);
    free(r->field);
    free(r->value);
    free(r->retry_after);
    free(r->body);
    free(r->error_code);
    free(r->message);
}

void
fault_plan_clear(struct fault_plan *p)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        rule_free(&p->rules[i]);
    free(p->rules);
    p->rules = NULL;
    p->n = 0;
    p->injected = 0;
}

void
fault_plan_free(struct fault_plan *p)
{
    if (p == NULL)
        return;
    fault_plan_clear(p);
    free(p);
}

/* Borrowed string member, NULL when absent; -1 when present but not one. */
static int
spec_string(json_t *spec, const char *key, const char **out, struct sf_err *err)
{
    json_t *v = json_object_get(spec, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        err_set(err, "%s: must be a string", key);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

static int
spec_int(json_t *spec, const char *key, long long min, long long max,
         long long dflt, long long *out, struct sf_err *err)
{
    json_t *v = json_object_get(spec, key);

    *out = dflt;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min ||
        json_integer_value(v) > max) {
        err_set(err, "%s: must be an integer in %lld..%lld", key, min, max);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

static const struct fault_error *
error_find(const char *code)
{
    const struct fault_error *e;

    for (e = fault_errors; e->code != NULL; e++)
        if (strcmp(e->code, code) == 0)
            return e;
    return NULL;
}

static int
name_index(const char *const *names, const char *s)
{
    int i;

    for (i = 0; names[i] != NULL; i++)
        if (strcasecmp(names[i], s) == 0)
            return i;
    return -1;
}

/* The body: a string as given, any other JSON value serialised. */
static int
parse_body(struct fault_rule *r, json_t *spec, struct sf_err *err)
{
    json_t *body = json_object_get(spec, "body");
    const char *code = NULL, *message = NULL, *ct = NULL;
    const struct fault_error *fe = NULL;
    int ct_index;

    if (spec_string(spec, "error_code", &code, err) == -1 ||
        spec_string(spec, "message", &message, err) == -1 ||
        spec_string(spec, "content_type", &ct, err) == -1)
        return -1;
    if (code != NULL && body != NULL) {
        err_set(err, "error_code and body: give one of them");
        return -1;
    }
    if (code != NULL) {
        fe = error_find(code);
        if (fe == NULL && message == NULL) {
            err_set(err, "error_code %s: unknown; give a message too", code);
            return -1;
        }
        body = json_pack("[{s:s, s:s}]", "message",
                         message != NULL ? message : fe->message, "errorCode",
                         code);
        r->body = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        if (r->status == 0)
            r->status = fe != NULL ? fe->status : 400;
        r->content_type = content_types[0];
    } else if (json_is_string(body)) {
        r->body = xstrdup(json_string_value(body));
        r->content_type =
            r->body[0] == '<' ? content_types[1] : content_types[2];
    } else if (body != NULL && !json_is_null(body)) {
        r->body = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
        r->content_type = content_types[0];
    }
    if (r->body != NULL && strlen(r->body) > FAULT_MAX_BODY) {
        err_set(err, "body: longer than %d bytes", FAULT_MAX_BODY);
        return -1;
    }
    if (ct != NULL) {
        if ((ct_index = name_index(content_types, ct)) == -1) {
            err_set(err, "content_type: one of application/json;charset=UTF-8,"
                         " text/html;charset=UTF-8, text/plain;charset=UTF-8,"
                         " application/xml;charset=UTF-8");
            return -1;
        }
        r->content_type = content_types[ct_index];
    }
    return 0;
}

static int
parse_retry_after(struct fault_rule *r, json_t *spec, struct sf_err *err)
{
    json_t *v = json_object_get(spec, "retry_after");

    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        r->retry_after = xasprintf("%lld", (long long)json_integer_value(v));
    else if (json_is_string(v) && *json_string_value(v) != '\0')
        r->retry_after = xstrdup(json_string_value(v));
    else {
        err_set(err, "retry_after: seconds (integer) or an HTTP date");
        return -1;
    }
    return 0;
}

/* How often the rule fires: times, probability and seed. */
static int
parse_firing(struct fault_rule *r, json_t *spec, struct sf_err *err)
{
    json_t *prob = json_object_get(spec, "probability");
    long long seed;

    if (spec_int(spec, "times", 1, 100000000, FAULT_UNLIMITED, &r->times,
                 err) == -1 ||
        spec_int(spec, "seed", 0, INT64_MAX, 1, &seed, err) == -1)
        return -1;
    r->probability = 1.0;
    if (prob != NULL && !json_is_null(prob)) {
        if (!json_is_number(prob) || json_number_value(prob) < 0 ||
            json_number_value(prob) > 1) {
            err_set(err, "probability: must be a number in 0..1");
            return -1;
        }
        r->probability = json_number_value(prob);
    }
    rng_init_seed(&r->rng, (uint64_t)seed);
    return 0;
}

static int
is_job_action(enum fault_action a)
{
    return a == FAULT_FAIL_JOB || a == FAULT_STALL_JOB;
}

/*
 * fail_job and stall_job: where in the job (after_records, default 0) and,
 * for fail_job, the errorMessage. What answers a request has no meaning
 * for them and is refused rather than ignored.
 */
static int
parse_job_action(struct fault_rule *r, json_t *spec, struct sf_err *err)
{
    static const char *const request_only[] = {
        "method",      "field",          "value",       "status",
        "retry_after", "error_code",     "body",        "content_type",
        "delay_ms",    "truncate_bytes", "probability", NULL};
    const char *message = NULL;
    size_t i;

    for (i = 0; request_only[i] != NULL; i++)
        if (json_object_get(spec, request_only[i]) != NULL) {
            err_set(err, "%s: not for action %s", request_only[i],
                    action_names[r->action]);
            return -1;
        }
    if (spec_int(spec, "after_records", 0, INT64_MAX, 0, &r->after_records,
                 err) == -1 ||
        spec_string(spec, "message", &message, err) == -1)
        return -1;
    if (message != NULL && r->action == FAULT_STALL_JOB) {
        err_set(err, "message: not for action stall_job");
        return -1;
    }
    r->message = xstrdup(message != NULL ? message : FAULT_JOB_DEFAULT_MESSAGE);
    return 0;
}

/* The action, with the defaults that make a short spec do the obvious. */
static int
parse_action(struct fault_rule *r, json_t *spec, struct sf_err *err)
{
    const char *action = NULL;
    long long status, delay, cut;
    int a;

    if (spec_string(spec, "action", &action, err) == -1 ||
        spec_int(spec, "status", 100, 599, 0, &status, err) == -1 ||
        spec_int(spec, "delay_ms", 0, FAULT_MAX_DELAY_MS, 0, &delay, err) ==
            -1 ||
        spec_int(spec, "truncate_bytes", 0, FAULT_MAX_BODY, -1, &cut, err) ==
            -1)
        return -1;
    r->status = (int)status;
    r->delay_ms = (long)delay;
    r->send_bytes = cut;
    if (action == NULL)
        a = delay > 0 && status == 0 &&
                    json_object_get(spec, "error_code") == NULL
                ? FAULT_DELAY
                : FAULT_STATUS;
    else if ((a = name_index(action_names, action)) <= 0) {
        err_set(err, "action: one of status, delay, close, reset, "
                     "truncate, fail_job, stall_job");
        return -1;
    }
    r->action = (enum fault_action)a;
    if (is_job_action(r->action))
        return parse_job_action(r, spec, err);
    if (r->action == FAULT_DELAY && delay == 0) {
        err_set(err, "delay_ms: required for action delay");
        return -1;
    }
    if (parse_body(r, spec, err) == -1 || parse_retry_after(r, spec, err) == -1)
        return -1;
    if (r->action == FAULT_STATUS && r->status == 0) {
        err_set(err, "status: required (or error_code) for action status");
        return -1;
    }
    if (r->action == FAULT_TRUNCATE && r->status == 0)
        r->status = 200;
    if (r->action == FAULT_TRUNCATE && r->body == NULL) {
        r->body = xstrdup("{\"id\":\"00Q000000000000AAA\",\"success\":true,"
                          "\"errors\":[]}");
        r->content_type = content_types[0];
    }
    return 0;
}

static int
parse_match(struct fault_rule *r, json_t *spec, struct sf_err *err)
{
    const char *method, *path, *field, *value;

    if (spec_string(spec, "method", &method, err) == -1 ||
        spec_string(spec, "path", &path, err) == -1 ||
        spec_string(spec, "field", &field, err) == -1 ||
        spec_string(spec, "value", &value, err) == -1)
        return -1;
    if (path == NULL || path[0] != '/') {
        err_set(err, "path: required, starting with /");
        return -1;
    }
    if (value != NULL && field == NULL) {
        err_set(err, "value: needs a field");
        return -1;
    }
    r->method = method != NULL ? xstrdup(method) : NULL;
    r->path = xstrdup(path);
    r->path_glob = strpbrk(path, "*?[") != NULL;
    r->field = field != NULL ? xstrdup(field) : NULL;
    r->value = value != NULL ? xstrdup(value) : NULL;
    return 0;
}

/* Keys that shape a whole answer, meaningless for one record. */
static const char *const request_only_keys[] = {
    "status",   "retry_after",    "body", "content_type",
    "delay_ms", "truncate_bytes", NULL};

/*
 * "scope": "record" (fail one record of a batch) or "request" (the
 * default). A record rule needs a field to pick its record and an
 * error_code (with a message, unless the code is a known one).
 */
static int
parse_scope(struct fault_rule *r, json_t *spec, struct sf_err *err)
{
    const char *scope = NULL, *code = NULL, *message = NULL, *action = NULL;
    const struct fault_error *fe;
    size_t i;

    if (spec_string(spec, "scope", &scope, err) == -1)
        return -1;
    if (scope == NULL || strcmp(scope, "request") == 0)
        return 0;
    if (strcmp(scope, "record") != 0) {
        err_set(err, "scope: record or request");
        return -1;
    }
    for (i = 0; request_only_keys[i] != NULL; i++) {
        if (json_object_get(spec, request_only_keys[i]) != NULL) {
            err_set(err, "%s: not for a rule of scope record",
                    request_only_keys[i]);
            return -1;
        }
    }
    if (spec_string(spec, "action", &action, err) == -1 ||
        spec_string(spec, "error_code", &code, err) == -1 ||
        spec_string(spec, "message", &message, err) == -1)
        return -1;
    if (action != NULL && strcasecmp(action, "status") != 0) {
        err_set(err, "action: a rule of scope record can only fail a record");
        return -1;
    }
    if (r->field == NULL || code == NULL) {
        err_set(err, "scope record: needs a field and an error_code");
        return -1;
    }
    if ((fe = error_find(code)) == NULL && message == NULL) {
        err_set(err, "error_code %s: unknown; give a message too", code);
        return -1;
    }
    r->per_record = 1;
    r->action = FAULT_STATUS;
    r->error_code = xstrdup(code);
    r->message = xstrdup(message != NULL ? message : fe->message);
    return 1;
}

static json_t *
rule_to_json(const struct fault_rule *r)
{
    json_t *j = json_deep_copy(r->spec);

    json_object_set_new(j, "id", json_integer(r->id));
    json_object_set_new(j, "action", json_string(action_names[r->action]));
    json_object_set_new(j, "matched", json_integer((json_int_t)r->matched));
    json_object_set_new(j, "injected", json_integer((json_int_t)r->injected));
    json_object_set_new(j, "remaining",
                        r->times == FAULT_UNLIMITED ? json_null()
                                                    : json_integer(r->times));
    return j;
}

json_t *
fault_plan_add(struct fault_plan *p, json_t *spec, struct sf_err *err)
{
    struct fault_rule r;
    const char *bad = NULL;
    const char *key;
    json_t *v;
    int scoped;

    memset(&r, 0, sizeof(r));
    if (!json_is_object(spec)) {
        err_set(err, "a fault rule is a JSON object");
        return NULL;
    }
    json_object_foreach(spec, key, v) {
        if (name_index(spec_keys, key) == -1)
            bad = key;
    }
    if (bad != NULL) {
        err_set(err, "%s: unknown key", bad);
        return NULL;
    }
    if (p->n >= FAULT_MAX_RULES) {
        err_set(err, "at most %d rules; DELETE /__sim/faults first",
                FAULT_MAX_RULES);
        return NULL;
    }
    if (parse_match(&r, spec, err) == -1 ||
        (scoped = parse_scope(&r, spec, err)) == -1 ||
        (scoped == 0 && parse_action(&r, spec, err) == -1) ||
        parse_firing(&r, spec, err) == -1) {
        rule_free(&r);
        return NULL;
    }
    r.spec = json_deep_copy(spec);
    r.id = p->next_id++;
    p->rules = xreallocarray(p->rules, p->n + 1, sizeof(*p->rules));
    p->rules[p->n++] = r;
    return rule_to_json(&p->rules[p->n - 1]);
}

json_t *
fault_plan_to_json(const struct fault_plan *p)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < p->n; i++)
        json_array_append_new(arr, rule_to_json(&p->rules[i]));
    return json_pack("{s:o, s:I}", "faults", arr, "injected",
                     (json_int_t)p->injected);
}

/* The first object anywhere in j (objects and arrays, bounded) that has
 * key. */
static json_t *
json_find_holder(json_t *j, const char *key, int depth)
{
    json_t *v, *found;
    const char *k;
    size_t i;

    if (depth <= 0)
        return NULL;
    if (json_is_object(j)) {
        if (json_object_get(j, key) != NULL)
            return j;
        json_object_foreach(j, k, v) {
            if ((found = json_find_holder(v, key, depth - 1)) != NULL)
                return found;
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            if ((found = json_find_holder(v, key, depth - 1)) != NULL)
                return found;
        }
    }
    return NULL;
}

static int
value_matches(const struct fault_rule *r, const char *value)
{
    if (value == NULL)
        return 0;
    if (r->value == NULL)
        return *value != '\0';
    return fnmatch(r->value, value, 0) == 0;
}

const char *
fault_json_field(void *arg, const char *field, char *buf, size_t n)
{
    json_t *v = json_object_get(arg, field);

    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, n, "%.17g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
    else
        return NULL;
    return buf;
}

/* The lead-field condition: the body read as JSON or as a form. */
static int
field_matches(const struct fault_rule *r, const struct sim_request *req)
{
    char media[128], num[64];
    struct form f;
    json_t *doc, *holder;
    int hit = 0;

    request_media_type(req, media, sizeof(media));
    if (strstr(media, "json") != NULL) {
        doc = json_loadb(req->body, req->body_len, JSON_DECODE_ANY, NULL);
        holder = json_find_holder(doc, r->field, FIELD_SEARCH_DEPTH);
        if (holder != NULL)
            hit = value_matches(
                r, fault_json_field(holder, r->field, num, sizeof(num)));
        json_decref(doc);
        return hit;
    }
    form_parse(req->body, req->body_len, FORM_UTF8, &f);
    hit = value_matches(r, form_get(&f, r->field));
    form_free(&f);
    return hit;
}

/* Whether r may fire for a request of method on path. */
static int
rule_targets(const struct fault_rule *r, const char *method, const char *path)
{
    if (r->times == 0)
        return 0;
    if (r->method != NULL && strcasecmp(r->method, method) != 0)
        return 0;
    return r->path_glob ? fnmatch(r->path, path, 0) == 0
                        : strncmp(r->path, path, strlen(r->path)) == 0;
}

static int
rule_matches(const struct fault_rule *r, const struct sim_request *req)
{
    if (r->per_record || is_job_action(r->action) ||
        !rule_targets(r, req->method_name, req->path))
        return 0;
    return r->field == NULL || field_matches(r, req);
}

/* The rule's probability drawn and its counts moved: 1 when it fires. */
static int
rule_fires(struct fault_plan *p, struct fault_rule *r)
{
    r->matched++;
    /* 2^53 draws keep the comparison exact in a double. */
    if (r->probability < 1.0 &&
        (double)(rng_next(&r->rng) >> 11) / 9007199254740992.0 >=
            r->probability)
        return 0;
    if (r->times != FAULT_UNLIMITED)
        r->times--;
    r->injected++;
    p->injected++;
    return 1;
}

/* Fills resp with the rule's answer and its journal verdict. */
static void
fill_answer(const struct fault_rule *r, struct sim_response *resp)
{
    resp->status = r->status;
    resp->content_type = r->body != NULL ? r->content_type : NULL;
    buf_reset(&resp->body);
    if (r->body != NULL)
        buf_puts(&resp->body, r->body);
    if (r->retry_after != NULL)
        response_header(resp, "Retry-After", r->retry_after);
    resp->verdict = VERDICT_FAULT_INJECTED;
    if (r->action == FAULT_STATUS || r->action == FAULT_TRUNCATE)
        response_detail(resp, "fault %u: %s %d", r->id, action_names[r->action],
                        r->status);
    else
        response_detail(resp, "fault %u: %s", r->id, action_names[r->action]);
    if (r->action == FAULT_CLOSE || r->action == FAULT_RESET)
        resp->status = 0;
}

/* The first rule (of actions any, or only status) that matches and fires,
 * or NULL. */
static struct fault_rule *
first_firing(struct fault_plan *p, const struct sim_request *req,
             int status_only)
{
    struct fault_rule *r;
    size_t i;

    for (i = 0; i < p->n; i++) {
        r = &p->rules[i];
        if ((status_only && r->action != FAULT_STATUS) ||
            !rule_matches(r, req) || !rule_fires(p, r))
            continue;
        return r;
    }
    return NULL;
}

int
fault_plan_apply(struct fault_plan *p, const struct sim_request *req,
                 struct sim_response *resp, struct fault_hit *hit)
{
    struct fault_rule *r;
    size_t len;

    memset(hit, 0, sizeof(*hit));
    if ((r = first_firing(p, req, 0)) == NULL)
        return 0;
    hit->action = r->action;
    hit->rule_id = r->id;
    hit->delay_ms = r->delay_ms;
    if (r->action != FAULT_DELAY)
        fill_answer(r, resp);
    len = r->body != NULL ? strlen(r->body) : 0;
    hit->send_bytes = r->send_bytes >= 0 && (size_t)r->send_bytes < len
                          ? (size_t)r->send_bytes
                          : len / 2;
    return 1;
}

int
fault_plan_apply_status(struct fault_plan *p, const struct sim_request *req,
                        struct sim_response *resp)
{
    struct fault_rule *r = first_firing(p, req, 1);

    if (r == NULL)
        return 0;
    fill_answer(r, resp);
    return 1;
}

int
fault_plan_apply_record(struct fault_plan *p, const char *method,
                        const char *path, fault_field_fn *get, void *arg,
                        struct fault_record_hit *hit)
{
    struct fault_rule *r;
    char buf[256];
    size_t i;

    memset(hit, 0, sizeof(*hit));
    for (i = 0; i < p->n; i++) {
        r = &p->rules[i];
        if (!r->per_record || is_job_action(r->action) ||
            !rule_targets(r, method, path) ||
            !value_matches(r, get(arg, r->field, buf, sizeof(buf))) ||
            !rule_fires(p, r))
            continue;
        hit->rule_id = r->id;
        hit->error_code = r->error_code;
        hit->message = r->message;
        return 1;
    }
    return 0;
}

int
fault_plan_job(struct fault_plan *p, const char *job_path,
               struct fault_job_hit *hit)
{
    const struct fault_rule *r;
    size_t i;

    memset(hit, 0, sizeof(*hit));
    for (i = 0; i < p->n; i++) {
        r = &p->rules[i];
        if (!is_job_action(r->action) || !rule_targets(r, "", job_path))
            continue;
        hit->action = r->action;
        hit->rule_id = r->id;
        hit->after_records = r->after_records;
        hit->message = r->message;
        return 1;
    }
    return 0;
}

void
fault_plan_job_fired(struct fault_plan *p, unsigned rule_id)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        struct fault_rule *r = &p->rules[i];

        if (r->id != rule_id)
            continue;
        r->matched++;
        r->injected++;
        p->injected++;
        if (r->times != FAULT_UNLIMITED && r->times > 0)
            r->times--;
        return;
    }
}

/* --- state files -----------------------------------------------------------
 */

json_t *
fault_plan_state(const struct fault_plan *p)
{
    json_t *rules = json_array();
    char rng[RNG_STATE_LEN];
    size_t i;

    for (i = 0; i < p->n; i++) {
        const struct fault_rule *r = &p->rules[i];

        rng_state_text(&r->rng, rng);
        json_array_append_new(
            rules,
            json_pack("{s:I, s:O, s:o, s:I, s:I, s:s}", "id", (json_int_t)r->id,
                      "spec", r->spec, "remaining",
                      r->times == FAULT_UNLIMITED ? json_null()
                                                  : json_integer(r->times),
                      "matched", (json_int_t)r->matched, "injected",
                      (json_int_t)r->injected, "rng", rng));
    }
    return json_pack("{s:I, s:I, s:o}", "next_id", (json_int_t)p->next_id,
                     "injected", (json_int_t)p->injected, "rules", rules);
}

/* One rule back: added from its spec, then its counts and generator. */
static int
rule_from_state(struct fault_plan *p, json_t *o, struct conf *c,
                const char *path)
{
    static const char *const keys[] = {
        "id", "spec", "remaining", "matched", "injected", "rng", NULL};
    int64_t id, remaining, matched, injected;
    char sub[CONF_PATH_MAX];
    struct fault_rule *r;
    struct sf_err err;
    const char *rng;
    json_t *added;

    if (!json_is_object(o))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, o, path, keys) == -1 ||
        conf_int(c, o, path, "id", 1, UINT32_MAX - 1, 1, &id) == -1 ||
        conf_int(c, o, path, "remaining", 0, 100000000, FAULT_UNLIMITED,
                 &remaining) == -1 ||
        conf_int(c, o, path, "matched", 0, INT64_MAX, 0, &matched) == -1 ||
        conf_int(c, o, path, "injected", 0, INT64_MAX, 0, &injected) == -1 ||
        conf_string(c, o, path, "rng", NULL, &rng) == -1)
        return -1;
    err_clear(&err);
    if ((added = fault_plan_add(p, json_object_get(o, "spec"), &err)) == NULL)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "spec"), "%s",
                          err.msg);
    json_decref(added);
    r = &p->rules[p->n - 1];
    r->id = (unsigned)id;
    r->times = remaining;
    r->matched = (unsigned long long)matched;
    r->injected = (unsigned long long)injected;
    if (rng != NULL && rng_state_parse(&r->rng, rng) == -1)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "rng"),
                          "not a generator state");
    return 0;
}

int
fault_plan_from_state(struct fault_plan *p, json_t *j, struct conf *c,
                      const char *path)
{
    static const char *const keys[] = {"next_id", "injected", "rules", NULL};
    char sub[CONF_PATH_MAX], list[CONF_PATH_MAX];
    int64_t next_id, injected;
    json_t *rules, *o;
    size_t i;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        conf_int(c, j, path, "next_id", 1, UINT32_MAX, 1, &next_id) == -1 ||
        conf_int(c, j, path, "injected", 0, INT64_MAX, 0, &injected) == -1 ||
        conf_array(c, j, path, "rules", &rules) == -1)
        return -1;
    conf_join(list, sizeof(list), path, "rules");
    json_array_foreach(rules, i, o) {
        if (rule_from_state(p, o, c, conf_index(sub, sizeof(sub), list, i)) ==
            -1)
            return -1;
        if (p->rules[p->n - 1].id >= (uint64_t)next_id)
            return conf_error(c, sub, "id must be below next_id");
    }
    p->next_id = (unsigned)next_id;
    p->injected = (unsigned long long)injected;
    return 0;
}
