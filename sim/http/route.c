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
    size_t len = 0;

    while (p[len] != '\0' && p[len] != '/')
        len++;
    return len;
}

/* Whether the pattern segment at p is "*" (the rest of the path). */
static int
is_rest(const char *p)
{
    return p[0] == '*' && (p[1] == '\0' || p[1] == '/');
}

/*
 * Matches path against pattern, copying captures into scratch. Returns 1 on
 * a match, 0 otherwise (scratch may have been written). One pass over
 * both: a literal segment is compared as it is walked.
 */
static int
match(const char *pattern, const char *path, char *scratch, size_t n,
      struct sim_request *req)
{
    const char *pp = pattern, *rp = path;
    size_t used = 0, rlen;

    req->nparams = 0;
    while (*pp == '/' && *rp == '/') {
        pp++;
        rp++;
        if (*pp != ':' && !is_rest(pp)) {
            while (*pp != '\0' && *pp != '/' && *pp == *rp) {
                pp++;
                rp++;
            }
            if ((*pp != '\0' && *pp != '/') || (*rp != '\0' && *rp != '/'))
                return 0;
            continue;
        }
        rlen = is_rest(pp) ? strlen(rp) : seglen(rp);
        if (is_rest(pp))
            while (rlen > 0 && rp[rlen - 1] == '/')
                rlen--;
        if (rlen == 0 || req->nparams >= REQUEST_MAX_PARAMS ||
            used + rlen + 1 > n)
            return 0;
        memcpy(scratch + used, rp, rlen);
        scratch[used + rlen] = '\0';
        req->params[req->nparams++] = scratch + used;
        used += rlen + 1;
        if (is_rest(pp))
            return 1;
        pp += seglen(pp);
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
