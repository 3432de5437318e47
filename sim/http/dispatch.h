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
 * A Composite subrequest (req built by the caller, req->session the
 * Composite request's): routed through the same table and handlers as any
 * request, but neither journaled (the caller journals it inside its
 * request) nor counted against the API allocation (the Composite call is
 * the one call), and without its own session check. Only REST routes
 * that allow it run (others answer 404); request-level fault rules with
 * action status apply to it (fault_plan_apply_status()).
 */
void dispatch_sub(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp);
/*
 * The journal entry of an exchange as dispatch() writes it, into e: the
 * request's method, path, query, Content-Type, auth scheme and body (the
 * journal's prefix of it), secrets redacted (redact.h), and the
 * response's status, verdict and detail. Strings are borrowed from req,
 * resp, and q and red (caller-initialised bufs the caller frees).
 */
void dispatch_journal_entry(struct sim *sim, const struct sim_request *req,
                            const struct sim_response *resp,
                            struct journal_entry *e, struct buf *q,
                            struct buf *red);
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
 * routes the org's Bulk API upload cap, for ROUTE_STATE_BODY ones (PUT
 * /__sim/state) --max-state. Asked before the body is read.
 */
size_t dispatch_body_cap(struct sim *sim, const char *method, const char *path);
/*
 * The answer to a request whose framing guard.h refuses: status (400 or
 * 431), the connection closed after it, journaled (verdict bad_request)
 * unless on an admin path. why is the reason (static).
 */
void dispatch_bad_request(struct sim *sim, struct sim_request *req,
                          struct sim_response *resp, int status,
                          const char *why);
/* The answer to a body over the cap (413), journaled like any request. */
void dispatch_too_large(struct sim *sim, struct sim_request *req,
                        struct sim_response *resp);

#endif
