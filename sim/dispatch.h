/*
 * dispatch.h - from a parsed request to a response and a journal entry.
 *
 * The steps between the HTTP library and a handler, in order: settle
 * pending timed work (queued Web-to-Lead posts), find the route (404/405),
 * check the session for ROUTE_AUTH routes, parse a JSON body, call the
 * handler, and journal the exchange for non-admin routes. Pure with respect
 * to libmicrohttpd, so unit tests can drive the whole sim without a socket.
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
 * The body cap of (method, path): --max-body, or for ROUTE_LARGE_BODY
 * routes the org's Bulk API upload cap. Asked before the body is read.
 */
size_t dispatch_body_cap(struct sim *sim, const char *method, const char *path);
/* The answer to a body over the cap (413), journaled like any request. */
void dispatch_too_large(struct sim *sim, struct sim_request *req,
                        struct sim_response *resp);

#endif
