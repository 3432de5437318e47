/*
 * guard.h - what the sim refuses before any route runs.
 *
 * Two checks, both pure (no HTTP library, no sim state):
 *  - framing: a request whose body length could be read two ways (two
 *    Content-Length fields, Content-Length with Transfer-Encoding, a
 *    Transfer-Encoding whose final coding is not chunked or that applies
 *    chunked twice), a field name that is not a token (whitespace before
 *    the colon), an HTTP/1.1 request without exactly one Host field, or
 *    one with more header fields or query parameters than a handler sees,
 *    is answered 400 (431) and its connection closed (RFC 9112 sections
 *    3.2, 5.1, 6.1 and 6.3); a transfer coding other than chunked, 501;
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

/* How many of the framing fields a request carries (zero it first). */
struct guard_framing {
    unsigned content_length;
    unsigned transfer_encoding; /* Transfer-Encoding fields */
    unsigned te_chunked;        /* chunked codings in them */
    unsigned te_other;          /* other codings in them */
    int te_chunked_last;        /* the last coding of all is chunked */
    unsigned host;
    unsigned bad_names;  /* field names that are not tokens */
    unsigned headers;    /* header fields in all */
    unsigned query_args; /* query string parameters */
    int http11;          /* HTTP/1.1 (Host is required); 0 for HTTP/1.0 */
};

/*
 * Counts one header field into f, in the order the request gives them:
 * name as the HTTP library split it at the first colon (so whitespace
 * before the colon is part of it), value may be NULL.
 */
void guard_framing_header(struct guard_framing *f, const char *name,
                          const char *value);
/*
 * NULL when the framing is sound, else why not (a static string) and the
 * status to answer: 400, 501 for a transfer coding the sim cannot decode,
 * or 431 for more than REQUEST_MAX_KV header fields (handlers see that
 * many; the rest would be lost). More than REQUEST_MAX_KV query
 * parameters is a 400 for the same reason.
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
