/*
 * guard.c - request framing and the admin API's same-origin rule (see
 * guard.h).
 */
#include "guard.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#if REQUEST_MAX_KV != 128
#error "the messages of guard_framing_error() say 128"
#endif

/* Longest host name or address literal compared (DNS allows 253). */
#define HOST_MAX 256

/* RFC 9110 5.6.2: a field name is a token. */
static int
is_token(const char *s)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";

    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x80 || (!isalnum(c) && strchr(extra, c) == NULL))
            return 0;
    }
    return 1;
}

/* The codings of one Transfer-Encoding value, a comma-separated list
 * whose elements may be empty and may carry ";parameters". */
static void
count_codings(struct guard_framing *f, const char *v)
{
    size_t n;

    while (*v != '\0') {
        v += strspn(v, " \t,");
        n = strcspn(v, " \t,;");
        if (n == 0)
            break;
        if (n == 7 && strncasecmp(v, "chunked", 7) == 0) {
            f->te_chunked++;
            f->te_chunked_last = 1;
        } else {
            f->te_other++;
            f->te_chunked_last = 0;
        }
        v += strcspn(v, ","); /* past any parameters */
    }
}

void
guard_framing_header(struct guard_framing *f, const char *name,
                     const char *value)
{
    f->headers++;
    if (!is_token(name))
        f->bad_names++;
    else if (strcasecmp(name, "Content-Length") == 0)
        f->content_length++;
    else if (strcasecmp(name, "Host") == 0)
        f->host++;
    else if (strcasecmp(name, "Transfer-Encoding") == 0) {
        f->transfer_encoding++;
        count_codings(f, value != NULL ? value : "");
    }
}

/* The body length as RFC 9112 6.3 reads it, when it can be read one way
 * only: one Content-Length, or Transfer-Encoding ending in one chunked. */
static const char *
length_error(const struct guard_framing *f, int *status)
{
    if (f->content_length > 1)
        return "more than one Content-Length header";
    if (f->content_length > 0 && f->transfer_encoding > 0)
        return "both Content-Length and Transfer-Encoding";
    if (f->transfer_encoding == 0)
        return NULL;
    if (!f->te_chunked_last)
        return "a Transfer-Encoding whose final coding is not chunked (RFC "
               "9112 6.3)";
    if (f->te_chunked > 1)
        return "chunked applied more than once (RFC 9112 6.1)";
    if (f->te_other > 0) {
        *status = 501;
        return "a transfer coding other than chunked: the sim decodes only "
               "chunked";
    }
    return NULL;
}

const char *
guard_framing_error(const struct guard_framing *f, int *status)
{
    const char *why;

    *status = 400;
    if (f->headers > REQUEST_MAX_KV) {
        *status = 431;
        return "more than 128 header fields";
    }
    if (f->query_args > REQUEST_MAX_KV)
        return "more than 128 query parameters";
    if (f->bad_names > 0)
        return "a header field name with whitespace or a character not "
               "allowed in a name (RFC 9112 5.1: no whitespace before the "
               "colon)";
    if ((why = length_error(f, status)) != NULL)
        return why;
    if (f->host > 1)
        return "more than one Host header";
    if (f->http11 && f->host == 0)
        return "an HTTP/1.1 request needs a Host header";
    return NULL;
}

/* An IPv4 or IPv6 literal into out (16 bytes); its family, or 0. */
static int
parse_ip(const char *s, unsigned char out[16])
{
    if (inet_pton(AF_INET, s, out) == 1)
        return AF_INET;
    if (inet_pton(AF_INET6, s, out) == 1)
        return AF_INET6;
    return 0;
}

int
guard_is_loopback(const char *addr)
{
    static const unsigned char v6_loop[16] = {[15] = 1};
    static const unsigned char v4_mapped[12] = {[10] = 0xff, [11] = 0xff};
    unsigned char a[16];

    switch (parse_ip(addr, a)) {
    case AF_INET: return a[0] == 127;
    case AF_INET6:
        return memcmp(a, v6_loop, 16) == 0 ||
               (memcmp(a, v4_mapped, 12) == 0 && a[12] == 127);
    default: return 0;
    }
}

static int
all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/*
 * The host part of a Host value (or of an Origin after "scheme://"),
 * lower-cased, without brackets or port, into out. -1 when malformed.
 */
static int
host_part(const char *value, char out[HOST_MAX])
{
    const char *end, *port = NULL;
    size_t len, i;

    if (value[0] == '[') {
        if ((end = strchr(value, ']')) == NULL)
            return -1;
        value++;
        if (end[1] != '\0') {
            if (end[1] != ':')
                return -1;
            port = end + 2;
        }
    } else {
        end = strchr(value, ':');
        if (end != NULL) {
            port = end + 1;
            if (strchr(port, ':') != NULL)
                return -1; /* an IPv6 literal must be bracketed */
        } else {
            end = value + strlen(value);
        }
    }
    len = (size_t)(end - value);
    if (len == 0 || len >= HOST_MAX || (port != NULL && !all_digits(port)))
        return -1;
    for (i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)value[i]);
    out[len] = '\0';
    return 0;
}

/* Whether a and b name the same address, or (as text) the same name. */
static int
same_host(const char *a, const char *b)
{
    unsigned char x[16], y[16];
    int fx = parse_ip(a, x), fy = parse_ip(b, y);

    if (fx != 0 || fy != 0)
        return fx == fy && memcmp(x, y, fx == AF_INET ? 4 : 16) == 0;
    return strcasecmp(a, b) == 0;
}

/* An --allow-host value: "*", a name, or a [v6] literal. */
static int
allowed_name(const char *allowed, const char *host)
{
    char bare[HOST_MAX];
    size_t len = strlen(allowed);

    if (strcmp(allowed, "*") == 0)
        return 1;
    if (allowed[0] == '[' && len >= 2 && allowed[len - 1] == ']' &&
        len - 2 < sizeof(bare)) {
        memcpy(bare, allowed + 1, len - 2);
        bare[len - 2] = '\0';
        allowed = bare;
    }
    return same_host(allowed, host);
}

static int
is_wildcard(const char *bind)
{
    static const unsigned char zero[16];
    unsigned char a[16];
    int fam = parse_ip(bind, a);

    return fam != 0 && memcmp(a, zero, fam == AF_INET ? 4 : 16) == 0;
}

int
guard_host_allowed(const struct guard_hosts *hosts, const char *value)
{
    static const char *const builtin[] = {"localhost", "127.0.0.1", "::1",
                                          NULL};
    char host[HOST_MAX];
    unsigned char ip[16];
    size_t i;

    if (host_part(value, host) == -1)
        return 0;
    for (i = 0; builtin[i] != NULL; i++)
        if (same_host(builtin[i], host))
            return 1;
    if (hosts->bind != NULL) {
        /* Bound to every address: any address literal is one of ours, and
         * a literal cannot be rebound by DNS. */
        if (is_wildcard(hosts->bind) ? parse_ip(host, ip) != 0
                                     : same_host(hosts->bind, host))
            return 1;
    }
    for (i = 0; i < hosts->nnames; i++)
        if (allowed_name(hosts->names[i], host))
            return 1;
    return 0;
}

/* Origin: "scheme://host[:port]" of the same host[:port] as Host. */
static int
same_origin(const char *origin, const char *host)
{
    const char *sep = strstr(origin, "://");

    if (sep == NULL || host == NULL)
        return 0;
    if (strncasecmp(origin, "http", 4) != 0 ||
        (sep != origin + 4 &&
         (sep != origin + 5 || tolower((unsigned char)origin[4]) != 's')))
        return 0;
    return strcasecmp(sep + 3, host) == 0;
}

enum guard_refusal
guard_admin(const struct guard_hosts *hosts, const struct sim_request *req,
            char *why, size_t n)
{
    const char *host = request_header(req, "Host");
    const char *origin = request_header(req, "Origin");
    const char *site = request_header(req, "Sec-Fetch-Site");

    if (host != NULL && !guard_host_allowed(hosts, host)) {
        snprintf(why, n,
                 "Host \"%.200s\" is not allowed to reach the admin API (a "
                 "guard against DNS rebinding); start sfsim with "
                 "--allow-host NAME to allow a name",
                 host);
        return GUARD_BAD_HOST;
    }
    if (site != NULL && (strcasecmp(site, "cross-site") == 0 ||
                         strcasecmp(site, "same-site") == 0)) {
        snprintf(why, n,
                 "a %.20s request (Sec-Fetch-Site) may not call the admin "
                 "API: only pages of the sim's own origin may",
                 site);
        return GUARD_CROSS_SITE;
    }
    if (origin != NULL && *origin != '\0' && !same_origin(origin, host)) {
        snprintf(why, n,
                 "a request from another origin (Origin: %.200s) may not "
                 "call the admin API",
                 origin);
        return GUARD_CROSS_SITE;
    }
    return GUARD_OK;
}
