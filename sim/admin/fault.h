/*
 * fault.h - injected faults: rules that make the sim misbehave on purpose.
 *
 * A rule matches requests by method, path (a prefix, or a glob when it has
 * '*' or '?') and optionally one lead field in the body (form or JSON),
 * and then answers a given status (with Retry-After and a body), holds the
 * answer for a while, closes or resets the connection, or sends a truncated
 * body. It fires for the next N matching requests, or with a seeded
 * probability, or always. The plan counts what it injected.
 *
 * A rule with "scope": "record" reaches inside a batch instead: it fails
 * one record of a request that carries many (sObject Collections, a
 * Composite tree, a Bulk job's rows) when that record's field matches,
 * and the batch answers that record's element with the rule's error code
 * and message while the others go on. Batch handlers ask for it record by
 * record (fault_plan_apply_record()); request-level matching never sees
 * such a rule.
 *
 * This module only decides; it knows nothing of sockets. dispatch.c asks
 * it before routing, and httpd.c carries out delays, closes, resets and
 * truncations. Admin paths (/__sim/) are never faulted. Job rules reach
 * inside the Bulk API's jobs instead of requests (below).
 */
#ifndef SIM_FAULT_H
#define SIM_FAULT_H

#include <jansson.h>
#include <stddef.h>

#include "conf.h"
#include "err.h"
#include "request.h"

#define FAULT_MAX_RULES 256
#define FAULT_MAX_DELAY_MS 60000
#define FAULT_MAX_BODY (64 * 1024)
/* fail_job's errorMessage when the rule gives none. */
#define FAULT_JOB_DEFAULT_MESSAGE                                              \
    "InternalServerError : An unexpected error occurred while processing "     \
    "the job"

/* X(enum suffix, wire name) */
#define FAULT_ACTIONS(X)                                                       \
    X(NONE, "none")                                                            \
    X(STATUS, "status")       /* answer resp as filled */                      \
    X(DELAY, "delay")         /* hold, then process the request normally */    \
    X(CLOSE, "close")         /* close the connection without answering */     \
    X(RESET, "reset")         /* close with a TCP reset (SO_LINGER 0) */       \
    X(TRUNCATE, "truncate")   /* send resp's body cut short */                 \
    X(FAIL_JOB, "fail_job")   /* a Bulk job: Failed at a row (bulk.h) */       \
    X(STALL_JOB, "stall_job") /* a Bulk job: held at a row */

enum fault_action {
#define FAULT_ACTION_ENUM(e, s) FAULT_##e,
    FAULT_ACTIONS(FAULT_ACTION_ENUM)
#undef FAULT_ACTION_ENUM
};

/* What httpd.c must do with one request. */
struct fault_hit {
    enum fault_action action;
    unsigned rule_id;
    long delay_ms;     /* real milliseconds to hold first (0: none) */
    size_t send_bytes; /* FAULT_TRUNCATE: body bytes actually sent */
};

struct fault_plan;

/* Caller frees with fault_plan_free(). */
struct fault_plan *fault_plan_new(void);
void fault_plan_free(struct fault_plan *p);
/* Forgets every rule and count. */
void fault_plan_clear(struct fault_plan *p);

/*
 * Adds the rule described by spec (the body of POST /__sim/faults; see the
 * README). Returns the rule as GET /__sim/faults shows it (new reference),
 * or NULL with err set when spec is invalid or the plan is full.
 */
json_t *fault_plan_add(struct fault_plan *p, json_t *spec, struct sf_err *err);

/* {"faults": [rule, ...], "injected": N} (new reference). */
json_t *fault_plan_to_json(const struct fault_plan *p);

/*
 * Finds the first rule that matches req and fires. Returns 0 when none
 * does (hit->action is FAULT_NONE, resp untouched). Returns 1 when one
 * does: the rule's counts move, *hit says what to do, and for every action
 * but FAULT_DELAY resp holds the answer (status, body, headers) and the
 * journal verdict fault_injected with "fault N: ..." as detail.
 */
int fault_plan_apply(struct fault_plan *p, const struct sim_request *req,
                     struct sim_response *resp, struct fault_hit *hit);

/*
 * Looks up field in one record of a batch: its value as text (borrowed,
 * or written into buf of size n), NULL when the record has no such field
 * or it is null. arg is the caller's record.
 */
typedef const char *fault_field_fn(void *arg, const char *field, char *buf,
                                   size_t n);

/* A fault_field_fn over a JSON object (arg is the json_t *): strings as
 * they are, numbers and booleans as text. */
fault_field_fn fault_json_field;

/* What a record-scope rule answers for one record. */
struct fault_record_hit {
    unsigned rule_id;
    const char *error_code; /* borrowed from the plan: valid until it */
    const char *message;    /* changes (never during a request) */
};

/*
 * For one record of a batch request (method and path are the request's,
 * or a Composite subrequest's): the first record-scope rule whose method,
 * path and field condition match and that fires. Returns 1 with *hit
 * filled and the rule's counts moved (it counts as injected), 0 when none
 * does.
 */
int fault_plan_apply_record(struct fault_plan *p, const char *method,
                            const char *path, fault_field_fn *get, void *arg,
                            struct fault_record_hit *hit);

/*
 * fault_plan_apply() for a request that has no connection of its own (a
 * Composite subrequest): only rules whose action is status can fire.
 * Returns 1 with resp filled as fault_plan_apply() fills it, 0 when none
 * fires.
 */
int fault_plan_apply_status(struct fault_plan *p, const struct sim_request *req,
                            struct sim_response *resp);

const char *fault_action_name(enum fault_action a);

/*
 * Job rules (fail_job, stall_job) never match a request: the Bulk engine
 * asks for them by the job's path ("/services/data/vNN.0/jobs/ingest/<id>")
 * as it processes the job.
 */
struct fault_job_hit {
    enum fault_action action; /* FAULT_FAIL_JOB or FAULT_STALL_JOB */
    unsigned rule_id;
    long long after_records; /* the row count at which it strikes */
    const char *message;     /* fail_job: the errorMessage (borrowed) */
};

/*
 * The first job rule with times left whose path matches job_path: 1 with
 * *hit (message valid until the rule goes), else 0. Counts nothing.
 */
int fault_plan_job(struct fault_plan *p, const char *job_path,
                   struct fault_job_hit *hit);
/* Rule rule_id struck once: its times and the plan's counts move. */
void fault_plan_job_fired(struct fault_plan *p, unsigned rule_id);

/*
 * The state file's "faults" (snapshot.h): {"next_id", "injected", "rules":
 * [{"id", "spec" (as added), "remaining" (null: unlimited), "matched",
 * "injected", "rng" (rng.h's state text)}]} (new reference), and back into
 * p (empty); -1 with the error located at path (a rule that POST
 * /__sim/faults would refuse, too).
 */
json_t *fault_plan_state(const struct fault_plan *p);
int fault_plan_from_state(struct fault_plan *p, json_t *j, struct conf *c,
                          const char *path);

#endif
