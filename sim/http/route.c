/*
 * route.c - pure path matching (see route.h).
 */
#include "route.h"

#include <stdio.h>
#include <string.h>

static const char *const method_names[] = {
    [HTTP_GET] = "GET",  [HTTP_HEAD] = "HEAD",   [HTTP_POST] = "POST",
    [HTTP_PUT] = "PUT",  [HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE",
    [HTTP_OTHER] = NULL,
};

enum http_method
route_method_parse(const char *name)
{
    int m;

    for (m = 0; m < HTTP_OTHER; m++)
        if (strcmp(method_names[m], name) == 0)
            return (enum http_method)m;
    return HTTP_OTHER;
}

const char *
route_methods_str(unsigned methods, char *out, size_t n)
{
    size_t used = 0;
    int m;

    out[0] = '\0';
    for (m = 0; m < HTTP_OTHER; m++) {
        if (!(methods & METHOD_BIT(m)) || used >= n)
            continue;
        used += (size_t)snprintf(out + used, n - used, "%s%s", used ? "," : "",
                                 method_names[m]);
    }
    return out;
}

/* Length of the segment starting at p (up to '/' or end). */
static size_t
seglen(const char *p)
{
    const char *slash = strchr(p, '/');

    return slash ? (size_t)(slash - p) : strlen(p);
}

/*
 * Matches path against pattern, copying captures into scratch. Returns 1 on
 * a match, 0 otherwise (scratch may have been written).
 */
static int
match(const char *pattern, const char *path, char *scratch, size_t n,
      struct sim_request *req)
{
    const char *pp = pattern, *rp = path;
    size_t used = 0;

    req->nparams = 0;
    while (*pp == '/' && *rp == '/') {
        size_t plen, rlen;

        pp++;
        rp++;
        plen = seglen(pp);
        rlen = seglen(rp);
        if (plen == 1 && *pp == '*') {
            rlen = strlen(rp);
            while (rlen > 0 && rp[rlen - 1] == '/')
                rlen--;
        }
        if (*pp == ':' || (plen == 1 && *pp == '*')) {
            if (rlen == 0 || req->nparams >= REQUEST_MAX_PARAMS ||
                used + rlen + 1 > n)
                return 0;
            memcpy(scratch + used, rp, rlen);
            scratch[used + rlen] = '\0';
            req->params[req->nparams++] = scratch + used;
            used += rlen + 1;
            if (*pp == '*')
                return 1;
        } else if (plen != rlen || memcmp(pp, rp, plen) != 0) {
            return 0;
        }
        pp += plen;
        rp += rlen;
    }
    /* Both exhausted; a single trailing slash on the request is fine. */
    return *pp == '\0' && (*rp == '\0' || (rp[0] == '/' && rp[1] == '\0'));
}

enum route_match
route_find(const struct route *table, enum http_method m, const char *path,
           char *scratch, size_t n, struct sim_request *req,
           const struct route **out, unsigned *allowed)
{
    const struct route *r;

    *allowed = 0;
    *out = NULL;
    for (r = table; r->pattern != NULL; r++) {
        if (!match(r->pattern, path, scratch, n, req))
            continue;
        if (m != HTTP_OTHER && (r->methods & METHOD_BIT(m))) {
            *out = r;
            return ROUTE_FOUND;
        }
        *allowed |= r->methods;
    }
    req->nparams = 0;
    return *allowed ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
