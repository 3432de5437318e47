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
 * This module only decides; it knows nothing of sockets. dispatch.c asks
 * it before routing, and httpd.c carries out delays, closes, resets and
 * truncations. Admin paths (/__sim/) are never faulted.
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

/* X(enum suffix, wire name) */
#define FAULT_ACTIONS(X)                                                       \
    X(NONE, "none")                                                            \
    X(STATUS, "status")     /* answer resp as filled */                        \
    X(DELAY, "delay")       /* hold, then process the request normally */      \
    X(CLOSE, "close")       /* close the connection without answering */       \
    X(RESET, "reset")       /* close with a TCP reset (SO_LINGER 0) */         \
    X(TRUNCATE, "truncate") /* send resp's body cut short */

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

const char *fault_action_name(enum fault_action a);

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
