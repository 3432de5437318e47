/*
 * guard.h - what the sim refuses before any route runs.
 *
 * Two checks, both pure (no HTTP library, no sim state):
 *  - framing: a request whose body length could be read two ways (two
 *    Content-Length fields, or Content-Length with Transfer-Encoding), an
 *    HTTP/1.1 request without exactly one Host field, or one with more
 *    header fields or query parameters than a handler sees, is answered
 *    400 (431) and its connection closed (RFC 9112 sections 3.2 and 6.3);
 *  - the admin API (/__sim/): a browser page from another site must not
 *    drive it (CSRF: Origin and Sec-Fetch-Site), and a name the user did
 *    not allow must not reach it through DNS rebinding (Host).
 * The Salesforce paths are never refused by origin: web forms post
 * Web-to-Lead from any site, as they do to Salesforce.
 */
#ifndef SIM_GUARD_H
#define SIM_GUARD_H

#include <stddef.h>

#include "request.h"

/* How many of the framing fields a request carries. */
struct guard_framing {
    unsigned content_length;
    unsigned transfer_encoding;
    unsigned host;
    unsigned headers;    /* header fields in all */
    unsigned query_args; /* query string parameters */
    int http11;          /* HTTP/1.1 (Host is required); 0 for HTTP/1.0 */
};

/*
 * NULL when the framing is sound, else why not (a static string) and the
 * status to answer: 400, or 431 for more than REQUEST_MAX_KV header fields
 * (handlers see that many; the rest would be lost). More than
 * REQUEST_MAX_KV query parameters is a 400 for the same reason.
 */
const char *guard_framing_error(const struct guard_framing *f, int *status);

/* The host names the admin API answers to (besides the built-in ones). */
struct guard_hosts {
    const char *bind;         /* the --bind address (borrowed) */
    const char *const *names; /* --allow-host values (borrowed) */
    size_t nnames;
};

enum guard_refusal {
    GUARD_OK,
    GUARD_CROSS_SITE, /* Origin or Sec-Fetch-Site: another site */
    GUARD_BAD_HOST,   /* Host names a server the user did not allow */
};

/*
 * Whether an admin request may run. On a refusal, why (size n) says what
 * was seen, for the 403 answer.
 */
enum guard_refusal guard_admin(const struct guard_hosts *hosts,
                               const struct sim_request *req, char *why,
                               size_t n);
/* Whether the host part of a Host field value ("name[:port]",
 * "[v6]:port") is allowed; the port is not checked. */
int guard_host_allowed(const struct guard_hosts *hosts, const char *host);
/* Whether addr (an IPv4 or IPv6 literal) is a loopback address. */
int guard_is_loopback(const char *addr);

#endif
