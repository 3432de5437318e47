/*
 * soakc.c - the hostile clients and the probe of `make soak` (bench/soak.sh).
 *
 *   soakc URL SECONDS [SLOW [STUCK [PROBE_MS]]]
 *
 * For SECONDS it keeps SLOW slowloris connections (half send a request's
 * headers, half a form body, one byte a second and never finish; one the
 * sim closes is opened again), STUCK connections that ask for the largest
 * admin answers (every record, the whole journal) with a small receive
 * buffer and never read them, and a probe that opens a new connection every
 * PROBE_MS milliseconds for GET /__sim/health and times the answer. At the
 * end it prints one line for the script:
 *   SOAK probes=N failed=N p50_ms=X p90_ms=X p99_ms=X max_ms=X
 *        slow_reopened=N stuck_closed=N
 * (failed: no 200 within 5 s). Loopback only; everything it opens is
 * closed when it ends.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rawhttp.h"
#include "xmalloc.h"

#define PROBE_TIMEOUT_MS 5000
#define SLOW_EVERY_MS 1000
#define STUCK_RCVBUF 4096

enum kind { SLOW_HEADERS, SLOW_BODY, STUCK };

struct conn {
    int fd;
    enum kind kind;
    long long next_ms; /* a slow one's next byte */
};

struct soak {
    const char *url;
    char host[128];
    struct conn *v;
    size_t n;
    double *lat; /* probe latencies, ms */
    size_t nlat, caplat, failed, reopened, stuck_closed;
};

/* What a connection sends first. */
static char *
opening(const struct soak *s, enum kind k)
{
    switch (k) {
    case SLOW_HEADERS:
        return xasprintf("GET /__sim/health HTTP/1.1\r\nHost: %s\r\nX-Slow: ",
                         s->host);
    case SLOW_BODY:
        return xasprintf("POST /servlet/servlet.WebToLead?encoding=UTF-8 "
                         "HTTP/1.1\r\nHost: %s\r\nContent-Type: "
                         "application/x-www-form-urlencoded\r\n"
                         "Content-Length: 100000\r\n\r\noid=",
                         s->host);
    default:
        return xasprintf("GET /__sim/records/Lead HTTP/1.1\r\nHost: %s\r\n\r\n"
                         "GET /__sim/journal HTTP/1.1\r\nHost: %s\r\n\r\n"
                         "GET /__sim/records/Lead HTTP/1.1\r\nHost: %s\r\n\r\n",
                         s->host, s->host, s->host);
    }
}

/* Opens c (of its kind) and sends its opening; -1 when it cannot. */
static int
conn_open(struct soak *s, struct conn *c)
{
    int small = STUCK_RCVBUF;
    char *text;
    int rc;

    c->fd = rawhttp_connect(s->url, NULL);
    if (c->fd == -1)
        return -1;
    if (c->kind == STUCK)
        setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    text = opening(s, c->kind);
    rc = rawhttp_send(c->fd, text, strlen(text));
    free(text);
    c->next_ms = rawhttp_clock_ms() + SLOW_EVERY_MS;
    return rc;
}

/* A slow connection the sim closed (or that failed) is opened again; a
 * stuck one is only counted. */
static void
conn_lost(struct soak *s, struct conn *c)
{
    close(c->fd);
    c->fd = -1;
    if (c->kind == STUCK) {
        s->stuck_closed++;
        return;
    }
    s->reopened++;
    (void)conn_open(s, c);
}

/* Sends each slow connection its next byte when it is due. */
static void
tick_slow(struct soak *s)
{
    long long now = rawhttp_clock_ms();
    size_t i;

    for (i = 0; i < s->n; i++) {
        struct conn *c = &s->v[i];

        if (c->fd == -1 || c->kind == STUCK || now < c->next_ms)
            continue;
        c->next_ms = now + SLOW_EVERY_MS;
        if (rawhttp_send(c->fd, "a", 1) == -1)
            conn_lost(s, c);
    }
}

/* Notices connections the sim answered or closed. Stuck ones are never
 * read, so they always have data waiting: only the sim's close (its FIN,
 * POLLRDHUP) counts for them. */
static void
watch(struct soak *s, int wait_ms)
{
    struct pollfd *p = xcalloc(s->n + 1, sizeof(*p));
    size_t i;

    for (i = 0; i < s->n; i++) {
        p[i].fd = s->v[i].fd;
        p[i].events = s->v[i].kind == STUCK ? POLLRDHUP : POLLIN;
    }
    if (poll(p, s->n, wait_ms) > 0)
        for (i = 0; i < s->n; i++)
            if (p[i].revents != 0 && s->v[i].fd != -1)
                conn_lost(s, &s->v[i]);
    free(p);
}

static void
probe(struct soak *s)
{
    long long t0 = rawhttp_clock_ms();

    if (rawhttp_get(s->url, "/__sim/health", PROBE_TIMEOUT_MS, NULL) != 200) {
        s->failed++;
        return;
    }
    if (s->nlat == s->caplat) {
        s->caplat = s->caplat ? s->caplat * 2 : 1024;
        s->lat = xreallocarray(s->lat, s->caplat, sizeof(*s->lat));
    }
    s->lat[s->nlat++] = (double)(rawhttp_clock_ms() - t0);
}

static int
by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double
percentile(const struct soak *s, double q)
{
    size_t i;

    if (s->nlat == 0)
        return 0;
    i = (size_t)(q * (double)(s->nlat - 1) + 0.5);
    return s->lat[i];
}

/* Room for every connection: the soft limit of descriptors up to the
 * hard one. */
static void
raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static long
arg(int argc, char **argv, int i, long dflt)
{
    char *end;
    long v;

    if (i >= argc)
        return dflt;
    errno = 0;
    v = strtol(argv[i], &end, 10);
    if (errno != 0 || *end != '\0' || v < 0) {
        fprintf(stderr, "soakc: not a count: %s\n", argv[i]);
        exit(2);
    }
    return v;
}

static void
start(struct soak *s, long slow, long stuck)
{
    size_t i;

    s->n = (size_t)(slow + stuck);
    s->v = xcalloc(s->n + 1, sizeof(*s->v));
    for (i = 0; i < s->n; i++) {
        s->v[i].kind =
            (long)i < slow ? (i % 2 ? SLOW_BODY : SLOW_HEADERS) : STUCK;
        if (conn_open(s, &s->v[i]) == -1 && s->v[i].fd != -1) {
            close(s->v[i].fd);
            s->v[i].fd = -1;
        }
    }
}

int
main(int argc, char **argv)
{
    struct soak s;
    long long end, next_probe;
    long secs, probe_ms;
    size_t i;

    if (argc < 3) {
        fprintf(stderr, "usage: soakc URL SECONDS [SLOW [STUCK [PROBE_MS]]]\n");
        return 2;
    }
    memset(&s, 0, sizeof(s));
    s.url = argv[1];
    snprintf(s.host, sizeof(s.host), "%s",
             strstr(s.url, "://") ? strstr(s.url, "://") + 3 : s.url);
    secs = arg(argc, argv, 2, 0);
    probe_ms = arg(argc, argv, 5, 100);
    raise_fd_limit();
    start(&s, arg(argc, argv, 3, 200), arg(argc, argv, 4, 50));
    end = rawhttp_clock_ms() + secs * 1000;
    next_probe = rawhttp_clock_ms();
    while (rawhttp_clock_ms() < end) {
        tick_slow(&s);
        if (rawhttp_clock_ms() >= next_probe) {
            probe(&s);
            next_probe += probe_ms;
        }
        watch(&s, 20);
    }
    qsort(s.lat, s.nlat, sizeof(*s.lat), by_value);
    printf("SOAK probes=%zu failed=%zu p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f "
           "max_ms=%.1f slow_reopened=%zu stuck_closed=%zu\n",
           s.nlat + s.failed, s.failed, percentile(&s, 0.50),
           percentile(&s, 0.90), percentile(&s, 0.99),
           s.nlat ? s.lat[s.nlat - 1] : 0.0, s.reopened, s.stuck_closed);
    for (i = 0; i < s.n; i++)
        if (s.v[i].fd != -1)
            close(s.v[i].fd);
    free(s.v);
    free(s.lat);
    return 0;
}
