/*
 * httpd.c - libmicrohttpd glue (see httpd.h).
 *
 * The access handler runs in MHD's three phases: headers (set up the
 * pending request, refuse an oversized Content-Length), upload (append to
 * a bounded buffer) and completion (build a struct sim_request, dispatch,
 * queue the response). The pending state is freed in the completion
 * callback, which MHD calls even for aborted requests. Each phase change
 * is told to deadline.h, which closes a connection whose request head or
 * body takes too long to arrive.
 *
 * Injected faults (fault.h) are decided in dispatch.c and carried out here:
 * a delay suspends the connection and a small timer thread resumes it when
 * it is due, so the one MHD thread never sleeps; a close or reset refuses
 * the connection (a reset with SO_LINGER 0); a truncation declares the
 * whole body's Content-Length and sends only part of it.
 */
#include "httpd.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "acceptor.h"
#include "buf.h"
#include "deadline.h"
#include "dispatch.h"
#include "fault.h"
#include "guard.h"
#include "log.h"
#include "mono.h"
#include "parse.h"
#include "request.h"
#include "route.h"
#include "sfapi.h"
#include "sim.h"
#include "xmalloc.h"

#define HTTPD_CONNECTION_TIMEOUT_S 60
#define HTTPD_CONNECTION_LIMIT 4000
/*
 * Per-connection memory for the request line, headers and I/O buffers.
 * MHD zeroes this pool for every request on a connection, so it is a
 * per-request cost: 24 KiB holds Salesforce's own header limit (16 KiB,
 * answered 431 beyond) with room for the buffers.
 */
#define HTTPD_HEADER_MEMORY (24 * 1024)
/*
 * Admin answers: a streamed one is made HTTPD_STREAM_PIECE bytes at a time
 * as its client reads (MHD holds another piece, the kernel a send buffer);
 * the bytes of all admin answers not yet taken by their clients, whole or
 * streamed, larger than a piece, stay under HTTPD_ADMIN_INFLIGHT_MAX (past
 * it: 503 and Retry-After), so clients that ask and never read cannot grow
 * the sim's memory: at most about 400 streams at once.
 */
#define HTTPD_STREAM_PIECE (16 * 1024)
/* The kernel's send buffer of a connection that streams (Linux doubles
 * it): left to autotune, it would take megabytes of an answer nobody
 * reads. */
#define HTTPD_STREAM_SNDBUF (64 * 1024)
#define HTTPD_ADMIN_INFLIGHT_MAX ((size_t)64 << 20)

/* A connection suspended by a delay fault, and when to resume it. */
struct held_conn {
    struct MHD_Connection *conn;
    long long due_ms; /* CLOCK_MONOTONIC */
};

struct httpd {
    struct MHD_Daemon *daemon;
    struct sim *sim;
    /* The delay timer: the only state shared with a second thread. */
    pthread_t timer;
    int timer_running;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct held_conn *held;
    size_t nheld;
    int stopping;
    size_t admin_inflight; /* bytes (HTTP thread only) */
    /* Request head and body deadlines, on a thread of their own. */
    struct deadlines *deadlines;
    int tls;                   /* HTTPS: connections come from acceptor */
    struct acceptor *acceptor; /* HTTPS only */
};

struct pending {
    struct buf body;
    const char *bad_framing; /* guard.h's reason: answered, closed */
    int bad_status;          /* and its status */
    int too_big;
    int held;             /* suspended by a delay fault, not yet answered */
    struct fault_hit hit; /* the fault decided for this request, if any */
    struct sim_response resp;
    int admin;       /* an admin path: its answer counts in admin_inflight */
    size_t inflight; /* what it added there, given back when completed */
};

/* A streamed answer as MHD reads it (response_stream in request.h). */
struct stream_ctx {
    struct sim *sim;
    struct response_stream s;
    struct buf piece;
    size_t off;
    int done;
};

/* A truncated body: len bytes declared, send of them actually written. */
struct cut_body {
    char *data;
    size_t len, send;
};

static enum MHD_Result
collect_kv(void *cls, enum MHD_ValueKind kind, const char *key,
           const char *value)
{
    struct sim_request *req = cls;
    struct kv *arr = kind == MHD_HEADER_KIND ? req->headers : req->query;
    size_t *n = kind == MHD_HEADER_KIND ? &req->nheaders : &req->nquery;

    if (*n >= REQUEST_MAX_KV)
        return MHD_NO;
    arr[*n].name = key;
    arr[*n].value = value != NULL ? value : "";
    (*n)++;
    return MHD_YES;
}

/* The response body as bytes (caller frees). */
static char *
body_bytes(struct sim_response *resp, size_t *len)
{
    char *data;

    *len = 0;
    if (resp->body.len == 0 && resp->json != NULL) {
        data = json_dumps(resp->json, JSON_COMPACT | JSON_ENCODE_ANY);
        *len = data != NULL ? strlen(data) : 0;
        return data;
    }
    return buf_steal(&resp->body, len);
}

static ssize_t
cut_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct cut_body *c = cls;
    size_t n;

    /* Past the cut, MHD closes the connection short of Content-Length. */
    if (pos >= c->send)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    n = c->send - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(out, c->data + pos, n);
    return (ssize_t)n;
}

static void
cut_free(void *cls)
{
    struct cut_body *c = cls;

    free(c->data);
    free(c);
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct stream_ctx *c = cls;
    size_t n;

    (void)pos;
    while (c->off == c->piece.len) {
        if (c->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        buf_reset(&c->piece);
        c->off = 0;
        c->done = !c->s.next(c->sim, c->s.state, &c->piece, HTTPD_STREAM_PIECE);
    }
    n = c->piece.len - c->off < max ? c->piece.len - c->off : max;
    memcpy(out, c->piece.data + c->off, n);
    c->off += n;
    return (ssize_t)n;
}

static void
stream_free(void *cls)
{
    struct stream_ctx *c = cls;

    c->s.free(c->s.state);
    buf_free(&c->piece);
    free(c);
}

/* A response that reads resp's stream (which it takes over). */
static struct MHD_Response *
stream_response(struct httpd *h, struct MHD_Connection *conn,
                struct sim_response *resp)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct stream_ctx *c = xcalloc(1, sizeof(*c));
    struct MHD_Response *r;
    int sndbuf = HTTPD_STREAM_SNDBUF;

    if (ci != NULL)
        setsockopt(ci->connect_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
                   sizeof(sndbuf));
    c->sim = h->sim;
    c->s = resp->stream;
    memset(&resp->stream, 0, sizeof(resp->stream));
    buf_init(&c->piece, SIZE_MAX / 2);
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, HTTPD_STREAM_PIECE,
                                          stream_read, c, stream_free);
    if (r == NULL)
        stream_free(c);
    return r;
}

/*
 * An admin answer of cost bytes joins those in flight, or (past the cap)
 * is replaced by 503: the client should read what it asked before, or ask
 * again in a moment. Other answers are not counted.
 */
static int
admit(struct httpd *h, struct pending *p, size_t cost)
{
    /* A small answer costs less than its connection's own pool, which the
     * connection limit bounds: health and clock always answer. */
    if (!p->admin || cost <= HTTPD_STREAM_PIECE)
        return 1;
    if (h->admin_inflight + cost <= HTTPD_ADMIN_INFLIGHT_MAX) {
        h->admin_inflight += cost;
        p->inflight = cost;
        return 1;
    }
    response_free(&p->resp);
    response_init(&p->resp);
    response_admin_error(&p->resp, 503, "busy",
                         "admin answers not yet read by their clients fill "
                         "the sim's limit for them; read those, or try "
                         "again in a moment");
    response_header(&p->resp, "Retry-After", "1");
    return 0;
}

static enum MHD_Result
send_response(struct httpd *h, struct MHD_Connection *conn, struct pending *p,
              const struct fault_hit *cut)
{
    struct sim_response *resp = &p->resp;
    int streamed = resp->stream.next != NULL;
    struct MHD_Response *r;
    struct cut_body *c;
    enum MHD_Result rc;
    char *data = NULL;
    size_t len = 0, i;

    if (!streamed)
        data = body_bytes(resp, &len);
    /* A stream costs our piece, MHD's copy and the kernel's (doubled)
     * buffer. */
    if (!admit(h, p,
               streamed ? 2 * HTTPD_STREAM_PIECE + 2 * HTTPD_STREAM_SNDBUF
                        : len)) {
        free(data); /* resp is the 503 now */
        streamed = 0;
        data = body_bytes(resp, &len);
    }
    if (streamed) {
        r = stream_response(h, conn, resp);
    } else if (cut != NULL) {
        c = xcalloc(1, sizeof(*c));
        c->data = data;
        c->len = len;
        c->send = cut->send_bytes < len ? cut->send_bytes : len;
        r = MHD_create_response_from_callback(len, 4096, cut_read, c, cut_free);
        if (r == NULL)
            cut_free(c);
    } else {
        r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
        if (r == NULL)
            free(data);
    }
    if (r == NULL)
        return MHD_NO;
    if (resp->content_type != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                resp->content_type);
    for (i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(r, resp->headers[i].name,
                                resp->headers[i].value);
    rc = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return rc;
}

/* Whether the client connects from a loopback address. */
static int
peer_is_loopback(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char text[INET6_ADDRSTRLEN];
    const struct sockaddr *sa;

    if (ci == NULL || (sa = ci->client_addr) == NULL)
        return 0;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text,
                  sizeof(text));
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text,
                  sizeof(text));
    else
        return 0;
    return guard_is_loopback(text);
}

static void
fill_request(struct httpd *h, struct MHD_Connection *conn, const char *url,
             const char *method, struct pending *p, struct sim_request *req)
{
    memset(req, 0, sizeof(*req));
    req->method = route_method_parse(method);
    req->method_name = method;
    req->path = url;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_kv, req);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_kv, req);
    req->body = p->body.data != NULL ? p->body.data : "";
    req->body_len = p->body.len;
    req->body_buf = &p->body;
    req->peer_loopback = peer_is_loopback(conn);
    req->tls = h->tls;
}

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
              const char *value)
{
    struct guard_framing *f = cls;

    if (kind == MHD_GET_ARGUMENT_KIND)
        f->query_args++;
    else
        guard_framing_header(f, key, value);
    return MHD_YES;
}

/*
 * guard.h's verdict on the request's framing headers (all of them, not
 * only the REQUEST_MAX_KV a handler sees), and the status to answer.
 * libmicrohttpd 0.9.75 splits a field at its first colon and keeps the
 * name as sent, whitespace before the colon included, so the guard sees
 * "Transfer-Encoding " for what it would take for Transfer-Encoding.
 */
static const char *
framing_error(struct MHD_Connection *conn, const char *version, int *status)
{
    struct guard_framing f;

    memset(&f, 0, sizeof(f));
    f.http11 = strcmp(version, MHD_HTTP_VERSION_1_1) == 0;
    MHD_get_connection_values(conn, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND,
                              count_framing, &f);
    return guard_framing_error(&f, status);
}

/* First call: the declared body length, or 0 when none is declared. */
static uint64_t
declared_length(struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(
        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    uint64_t n;

    return cl != NULL && parse_uint64(cl, UINT64_MAX, &n) == 0 ? n : 0;
}

/*
 * Refusing to answer: MHD closes the socket. For a reset, SO_LINGER 0 makes
 * the close abortive, but MHD shuts the write side down first, which would
 * send a FIN ahead of the RST; dissolving the association with
 * connect(AF_UNSPEC) sends the RST at once (Linux: tcp_disconnect), and
 * MHD's later shutdown and close of its descriptor are then harmless.
 */
static enum MHD_Result
drop_connection(struct MHD_Connection *conn, int reset)
{
    const union MHD_ConnectionInfo *ci;
    struct linger lg = {1, 0};
    struct sockaddr sa;

    if (reset) {
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci != NULL) {
            setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
            memset(&sa, 0, sizeof(sa));
            sa.sa_family = AF_UNSPEC;
            (void)connect(ci->connect_fd, &sa, sizeof(sa));
        }
    }
    return MHD_NO;
}

/* Carries out a decided fault other than a pure delay. */
static enum MHD_Result
execute_fault(struct httpd *h, struct MHD_Connection *conn, struct pending *p)
{
    switch (p->hit.action) {
    case FAULT_CLOSE: return drop_connection(conn, 0);
    case FAULT_RESET: return drop_connection(conn, 1);
    case FAULT_TRUNCATE: return send_response(h, conn, p, &p->hit);
    default: return send_response(h, conn, p, NULL);
    }
}

/*
 * Suspends conn until the timer thread resumes it; MHD then calls the
 * access handler again and respond() finishes the request. While the
 * server stops, nothing is held: the fault is carried out at once.
 */
static int
hold(struct httpd *h, struct MHD_Connection *conn, struct pending *p)
{
    int ok = 0;

    pthread_mutex_lock(&h->mu);
    if (h->timer_running && !h->stopping) {
        h->held = xreallocarray(h->held, h->nheld + 1, sizeof(*h->held));
        h->held[h->nheld].conn = conn;
        h->held[h->nheld].due_ms = mono_ms() + p->hit.delay_ms;
        h->nheld++;
        MHD_suspend_connection(conn);
        p->held = 1;
        ok = 1;
        pthread_cond_signal(&h->cv);
    }
    pthread_mutex_unlock(&h->mu);
    return ok;
}

/* After a delay: a pure delay goes on to the route; others are executed. */
static enum MHD_Result
finish_held(struct httpd *h, struct MHD_Connection *conn,
            struct sim_request *req, struct pending *p)
{
    p->held = 0;
    if (p->hit.action != FAULT_DELAY)
        return execute_fault(h, conn, p);
    dispatch(h->sim, req, &p->resp);
    return send_response(h, conn, p, NULL);
}

/*
 * Request deadlines (deadline.h): every connection is watched from its
 * start, and forgotten before libmicrohttpd closes its descriptor (it
 * tells this callback first).
 */
static void
notify_cb(void *cls, struct MHD_Connection *conn, void **socket_context,
          enum MHD_ConnectionNotificationCode toe)
{
    struct httpd *h = cls;
    const union MHD_ConnectionInfo *ci;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context =
            ci != NULL ? deadline_open(h->deadlines, ci->connect_fd) : NULL;
    } else {
        deadline_close(h->deadlines, *socket_context);
        *socket_context = NULL;
    }
}

/* The connection's request moves to phase: its body is read, it is being
 * answered, or it is done and the next one is awaited. */
static void
deadline_move(struct httpd *h, struct MHD_Connection *conn,
              enum deadline_phase phase)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    if (ci != NULL)
        deadline_phase(h->deadlines, ci->socket_context, phase);
}

static enum MHD_Result
respond(struct httpd *h, struct MHD_Connection *conn, const char *url,
        const char *method, struct pending *p)
{
    struct sim_request req;

    deadline_move(h, conn, DEADLINE_BUSY);
    fill_request(h, conn, url, method, p, &req);
    p->admin =
        strncmp(url, SFAPI_ADMIN_PREFIX, strlen(SFAPI_ADMIN_PREFIX)) == 0;
    if (p->held)
        return finish_held(h, conn, &req, p);
    if (p->bad_framing != NULL) {
        dispatch_bad_request(h->sim, &req, &p->resp, p->bad_status,
                             p->bad_framing);
    } else if (p->too_big) {
        dispatch_too_large(h->sim, &req, &p->resp);
    } else if (dispatch_fault(h->sim, &req, &p->resp, &p->hit)) {
        if (p->hit.delay_ms > 0 && hold(h, conn, p))
            return MHD_YES;
        return p->hit.action == FAULT_DELAY ? finish_held(h, conn, &req, p)
                                            : execute_fault(h, conn, p);
    } else {
        dispatch(h->sim, &req, &p->resp);
    }
    return send_response(h, conn, p, NULL);
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
          const char *method, const char *version, const char *upload_data,
          size_t *upload_data_size, void **req_cls)
{
    struct httpd *h = cls;
    struct pending *p = *req_cls;
    uint64_t declared;
    size_t cap;

    if (p == NULL) {
        deadline_move(h, conn, DEADLINE_BODY);
        p = xcalloc(1, sizeof(*p));
        cap = dispatch_body_cap(h->sim, method, url);
        buf_init(&p->body, cap);
        response_init(&p->resp);
        *req_cls = p;
        /* A body length that could be read two ways: answered now,
         * unread, and the connection closed (no second request is read
         * out of this one's body). */
        if ((p->bad_framing = framing_error(conn, version, &p->bad_status)) !=
            NULL)
            return respond(h, conn, url, method, p);
        declared = declared_length(conn);
        if (declared > cap) {
            /* Too big: dropped as it comes (below) and answered once it
             * is in; far too big to read, answered now. */
            p->too_big = 1;
            buf_free(&p->body);
            if (declared / HTTPD_DRAIN_FACTOR > cap)
                return respond(h, conn, url, method, p);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!p->too_big &&
            buf_append(&p->body, upload_data, *upload_data_size) == -1) {
            p->too_big = 1;
            buf_free(&p->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return respond(h, conn, url, method, p);
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **req_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct httpd *h = cls;
    struct pending *p = *req_cls;

    (void)toe;
    deadline_move(h, conn, DEADLINE_HEAD);
    if (p == NULL)
        return;
    h->admin_inflight -= p->inflight;
    buf_free(&p->body);
    response_free(&p->resp);
    free(p);
    *req_cls = NULL;
}

static void
log_cb(void *cls, const char *fmt, va_list ap)
{
    char msg[512];

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_debug("httpd: %s", msg);
}

/* Resumes every held connection that is due (all of them when stopping),
 * outside the lock so MHD's own locking never nests inside ours. */
static void *
timer_main(void *arg)
{
    struct httpd *h = arg;
    struct MHD_Connection **due = NULL;
    size_t ndue, i, keep;
    long long now, next;
    struct timespec ts;

    pthread_mutex_lock(&h->mu);
    for (;;) {
        now = mono_ms();
        next = -1;
        ndue = 0;
        due = xreallocarray(due, h->nheld + 1, sizeof(*due));
        for (i = keep = 0; i < h->nheld; i++) {
            if (h->stopping || h->held[i].due_ms <= now) {
                due[ndue++] = h->held[i].conn;
                continue;
            }
            if (next == -1 || h->held[i].due_ms < next)
                next = h->held[i].due_ms;
            h->held[keep++] = h->held[i];
        }
        h->nheld = keep;
        if (ndue > 0) {
            pthread_mutex_unlock(&h->mu);
            for (i = 0; i < ndue; i++)
                MHD_resume_connection(due[i]);
            pthread_mutex_lock(&h->mu);
            continue;
        }
        if (h->stopping)
            break;
        if (next == -1) {
            pthread_cond_wait(&h->cv, &h->mu);
        } else {
            ts.tv_sec = (time_t)(next / 1000);
            ts.tv_nsec = (long)(next % 1000) * 1000000;
            pthread_cond_timedwait(&h->cv, &h->mu, &ts);
        }
    }
    pthread_mutex_unlock(&h->mu);
    free(due);
    return NULL;
}

static void
timer_start(struct httpd *h)
{
    pthread_condattr_t ca;

    pthread_mutex_init(&h->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->cv, &ca);
    pthread_condattr_destroy(&ca);
    /* Without the thread, delays are skipped rather than blocking. */
    h->timer_running = pthread_create(&h->timer, NULL, timer_main, h) == 0;
    if (!h->timer_running)
        log_warnx("httpd: no timer thread; delay faults answer at once");
}

static void
timer_stop(struct httpd *h)
{
    pthread_mutex_lock(&h->mu);
    h->stopping = 1;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    if (h->timer_running)
        pthread_join(h->timer, NULL);
    h->timer_running = 0;
    pthread_cond_destroy(&h->cv);
    pthread_mutex_destroy(&h->mu);
    free(h->held);
}

static int
make_addr(const char *bind, unsigned port, struct sockaddr_storage *ss,
          int *ipv6)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, bind, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *ipv6 = 0;
        return 0;
    }
    if (inet_pton(AF_INET6, bind, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *ipv6 = 1;
        return 0;
    }
    return -1;
}

/*
 * A listening socket bound to ss, and the port it got (port 0 asks the
 * kernel for one). Bound here rather than by MHD so that sim->base_url is
 * set before MHD's thread can answer a request that reads it. -1 on
 * failure.
 */
static int
listen_on(struct sockaddr_storage *ss, int ipv6, unsigned *port)
{
    socklen_t len =
        ipv6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;

    if (fd == -1)
        return -1;
    /* As MHD does for its own: a restarted sim may reuse its port at
     * once. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
        bind(fd, (struct sockaddr *)ss, len) == -1 ||
        listen(fd, SOMAXCONN) == -1 ||
        getsockname(fd, (struct sockaddr *)ss, &len) == -1) {
        close(fd);
        return -1;
    }
    *port = ntohs(ipv6 ? ((struct sockaddr_in6 *)ss)->sin6_port
                       : ((struct sockaddr_in *)ss)->sin_port);
    return fd;
}

/*
 * What a plain-HTTP request to the TLS port gets (acceptor.h), as one
 * block of bytes (caller frees).
 */
static char *
plain_http_answer(const char *base_url)
{
    char *body = xasprintf("This port speaks HTTPS: sfsim was started with "
                           "TLS. Send the request to %s/ instead (a client "
                           "trusts the sim's certificate through the file "
                           "--tls-ca-out wrote).\n",
                           base_url);
    char *all = xasprintf("HTTP/1.1 400 Bad Request\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n"
                          "Content-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s",
                          strlen(body), body);

    free(body);
    return all;
}

/* The acceptor's hand-off: a connection that opened with a TLS record. */
static void
tls_handoff(void *arg, int fd, const struct sockaddr *sa, socklen_t salen)
{
    struct httpd *h = arg;

    /* MHD owns fd from here, and closes it when it cannot take it (the
     * connection limit). */
    if (MHD_add_connection(h->daemon, fd, sa, salen) != MHD_YES)
        log_debug("httpd: a TLS connection was not taken");
}

/* The TLS port's accept loop, once MHD runs; takes fd. -1 (err set). */
static int
start_acceptor(struct httpd *h, int fd, struct sf_err *err)
{
    char *answer = plain_http_answer(h->sim->base_url);

    h->acceptor = acceptor_start(fd, tls_handoff, h, answer, err);
    free(answer);
    return h->acceptor != NULL ? 0 : -1;
}

/*
 * The MHD daemon on fd. Plain HTTP: MHD accepts on fd itself. HTTPS: MHD
 * has no listening socket and gets connections from the acceptor, which
 * first tells TLS clients from plain-HTTP ones. NULL on failure (fd
 * closed either way).
 */
static struct MHD_Daemon *
start_daemon(struct httpd *h, unsigned flags, int fd)
{
    const struct sim_config *cfg = &h->sim->cfg;
    struct MHD_OptionItem extra[] = {
        {MHD_OPTION_LISTEN_SOCKET, fd, NULL},
        {MHD_OPTION_END, 0, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d;

    if (h->tls) {
        flags |= MHD_USE_TLS | MHD_USE_NO_LISTEN_SOCKET;
        extra[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
                                           (void *)cfg->tls_key_pem};
        extra[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
                                           (void *)cfg->tls_cert_pem};
    }
    d = MHD_start_daemon(
        flags, 0, NULL, NULL, access_cb, h, MHD_OPTION_NOTIFY_COMPLETED,
        completed_cb, h, MHD_OPTION_NOTIFY_CONNECTION, notify_cb, h,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTPD_CONNECTION_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTPD_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTPD_HEADER_MEMORY,
        MHD_OPTION_EXTERNAL_LOGGER, log_cb, NULL, MHD_OPTION_ARRAY, extra,
        MHD_OPTION_END);
    if (d == NULL && h->tls)
        close(fd);
    return d;
}

struct httpd *
httpd_start(struct sim *sim, struct sf_err *err)
{
    struct httpd *h = xcalloc(1, sizeof(*h));
    struct sockaddr_storage ss;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    unsigned port = 0;
    int ipv6 = 0, fd;

    h->sim = sim;
    h->tls = sim->cfg.tls_cert_pem != NULL;
    if (make_addr(sim->cfg.bind, sim->cfg.port, &ss, &ipv6) == -1) {
        err_set(err, "--bind %s: not an IPv4 or IPv6 address", sim->cfg.bind);
        goto fail;
    }
    if (ipv6)
        flags |= MHD_USE_IPv6;
    if ((fd = listen_on(&ss, ipv6, &port)) == -1) {
        err_set(err,
                "cannot listen on %s port %u (in use, or not a local "
                "address)",
                sim->cfg.bind, sim->cfg.port);
        goto fail;
    }
    snprintf(sim->base_url, sizeof(sim->base_url),
             ipv6 ? "%s://[%s]:%u" : "%s://%s:%u", h->tls ? "https" : "http",
             sim->cfg.bind, port);
    /* The timer's lock and state exist before MHD's thread can hold a
     * connection; MHD (plain HTTP) or the acceptor (HTTPS) owns fd from
     * here, and closes it even when it fails to start. */
    timer_start(h);
    h->deadlines = deadlines_start(sim->cfg.deadline_s);
    if ((h->daemon = start_daemon(h, flags, fd)) == NULL) {
        err_set(err, "cannot start the HTTP server on %s port %u%s",
                sim->cfg.bind, port,
                h->tls ? " (is the TLS certificate and key usable?)" : "");
        timer_stop(h);
        deadlines_stop(h->deadlines);
        goto fail;
    }
    if (h->tls && start_acceptor(h, fd, err) == -1) {
        timer_stop(h);
        MHD_stop_daemon(h->daemon);
        deadlines_stop(h->deadlines);
        goto fail;
    }
    return h;
fail:
    free(h);
    return NULL;
}

void
httpd_stop(struct httpd *h)
{
    if (h == NULL)
        return;
    /* Held connections are resumed first: MHD must not stop with any
     * still suspended. */
    acceptor_stop(h->acceptor);
    timer_stop(h);
    MHD_stop_daemon(h->daemon);
    deadlines_stop(h->deadlines); /* after every connection is closed */
    free(h);
}
