/*
 * dispatch.h - from a parsed request to a response and a journal entry.
 *
 * The steps between the HTTP library and a handler, in order: settle
 * pending timed work (queued Web-to-Lead posts), find the route (404/405),
 * check the session for ROUTE_AUTH routes, parse a JSON body, call the
 * handler, and journal the exchange for non-admin routes. Admin calls from
 * another site or through a host name nobody allowed are refused first
 * (guard.h). Pure with respect to libmicrohttpd, so unit tests can drive
 * the whole sim without a socket.
 */
#ifndef SIM_DISPATCH_H
#define SIM_DISPATCH_H

#include "request.h"

struct sim;
struct fault_hit;

void dispatch(struct sim *sim, struct sim_request *req,
              struct sim_response *resp);
/*
 * Asked before dispatch(): does an injected fault (fault.h) take this
 * request? 0: no, dispatch() it. 1: *hit says what httpd must do; for every
 * action but FAULT_DELAY resp holds the answer and the exchange is already
 * journaled (verdict fault_injected), so the route's handler never runs.
 * Admin paths are never faulted.
 */
int dispatch_fault(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp, struct fault_hit *hit);
/*
 * The answer to a request whose framing guard.h refuses: status (400 or
 * 431), the connection closed after it, journaled (verdict bad_request)
 * unless on an admin path. why is the reason (static).
 */
void dispatch_bad_request(struct sim *sim, struct sim_request *req,
                          struct sim_response *resp, int status,
                          const char *why);
/* The largest body accepted for method_name on path: --max-body, and
 * --max-state for PUT /__sim/state (a state file). */
size_t dispatch_body_max(const struct sim *sim, const char *method_name,
                         const char *path);
/* The answer to a body over the cap (413), journaled like any request. */
void dispatch_too_large(struct sim *sim, struct sim_request *req,
                        struct sim_response *resp);

#endif
