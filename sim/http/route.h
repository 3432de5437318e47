/*
 * route.h - the route type and the pure matcher.
 *
 * A route is a set of methods, a path pattern, a handler and flags that
 * carry the per-route policy (auth, body kind, journaling). Patterns are
 * '/'-separated segments; ":name" captures one segment and a final "*"
 * captures the rest of the path. A trailing slash on the request path is
 * ignored, in one place: here.
 */
#ifndef SIM_ROUTE_H
#define SIM_ROUTE_H

#include <stddef.h>

#include "request.h"

struct sim;

typedef void route_fn(struct sim *sim, struct sim_request *req,
                      struct sim_response *resp);

enum route_flags {
    ROUTE_ADMIN = 1 << 0,        /* /__sim/: not journaled, not counted */
    ROUTE_AUTH = 1 << 1,         /* needs a valid Bearer session */
    ROUTE_JSON_BODY = 1 << 2,    /* body parsed into req->json (if present) */
    ROUTE_REST = 1 << 3,         /* Salesforce REST: limits header, API count */
    ROUTE_NO_COMPOSITE = 1 << 4, /* not a Composite subrequest (dispatch.h) */
    ROUTE_LARGE_BODY = 1 << 5,   /* Bulk API job data: the org's upload cap
                                    (bulk.max_upload_bytes) over --max-body */
    ROUTE_STATE_BODY = 1 << 6,   /* a state file: --max-state over
                                    --max-body (PUT /__sim/state) */
};

#define METHOD_BIT(m) (1u << (m))
#define M_GET (METHOD_BIT(HTTP_GET) | METHOD_BIT(HTTP_HEAD))
#define M_POST METHOD_BIT(HTTP_POST)
#define M_PUT METHOD_BIT(HTTP_PUT)
#define M_PATCH METHOD_BIT(HTTP_PATCH)
#define M_DELETE METHOD_BIT(HTTP_DELETE)

struct route {
    unsigned methods;
    const char *pattern;
    route_fn *fn;
    unsigned flags;
};

enum route_match {
    ROUTE_FOUND,
    ROUTE_NO_PATH,
    ROUTE_NO_METHOD,
};

/*
 * Finds the route for (method, path) in table (terminated by an entry with
 * a NULL pattern). Captured segments are copied into scratch (size n) and
 * pointed to by req->params. On ROUTE_NO_METHOD, *allowed is the union of
 * the methods that would have matched.
 */
enum route_match route_find(const struct route *table, enum http_method m,
                            const char *path, char *scratch, size_t n,
                            struct sim_request *req, const struct route **out,
                            unsigned *allowed);

/* "GET, HEAD, POST" style list of a method set, into out. */
const char *route_methods_str(unsigned methods, char *out, size_t n);
enum http_method route_method_parse(const char *name);

/* The sim's route table (routes.c). */
extern const struct route sim_routes[];

#endif
