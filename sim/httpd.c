/*
 * httpd.c - libmicrohttpd glue (see httpd.h).
 *
 * The access handler runs in MHD's three phases: headers (set up the
 * pending request, refuse an oversized Content-Length), upload (append to
 * a bounded buffer) and completion (build a struct sim_request, dispatch,
 * queue the response). The pending state is freed in the completion
 * callback, which MHD calls even for aborted requests.
 */
#include "httpd.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "dispatch.h"
#include "log.h"
#include "parse.h"
#include "request.h"
#include "route.h"
#include "sim.h"
#include "xmalloc.h"

#define HTTPD_CONNECTION_TIMEOUT_S 60
#define HTTPD_CONNECTION_LIMIT 4000
#define HTTPD_HEADER_MEMORY (64 * 1024)

struct httpd {
    struct MHD_Daemon *daemon;
    struct sim *sim;
};

struct pending {
    struct buf body;
    int too_big;
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

static enum MHD_Result
send_response(struct MHD_Connection *conn, struct sim_response *resp)
{
    struct MHD_Response *r;
    enum MHD_Result rc;
    char *data;
    size_t len = 0, i;

    if (resp->body.len == 0 && resp->json != NULL) {
        data = json_dumps(resp->json, JSON_COMPACT | JSON_ENCODE_ANY);
        len = data != NULL ? strlen(data) : 0;
    } else {
        data = buf_steal(&resp->body, &len);
    }
    r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(data);
        return MHD_NO;
    }
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

static void
fill_request(struct MHD_Connection *conn, const char *url, const char *method,
             struct pending *p, struct sim_request *req)
{
    memset(req, 0, sizeof(*req));
    req->method = route_method_parse(method);
    req->method_name = method;
    req->path = url;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_kv, req);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_kv, req);
    req->body = p->body.data != NULL ? p->body.data : "";
    req->body_len = p->body.len;
}

/* First call: is the declared body too large to accept? */
static int
declared_too_big(struct MHD_Connection *conn, size_t max)
{
    const char *cl = MHD_lookup_connection_value(
        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    uint64_t n;

    return cl != NULL && parse_uint64(cl, UINT64_MAX, &n) == 0 && n > max;
}

static enum MHD_Result
respond(struct httpd *h, struct MHD_Connection *conn, const char *url,
        const char *method, struct pending *p)
{
    struct sim_request req;
    struct sim_response resp;
    enum MHD_Result rc;

    fill_request(conn, url, method, p, &req);
    response_init(&resp);
    if (p->too_big)
        dispatch_too_large(h->sim, &req, &resp);
    else
        dispatch(h->sim, &req, &resp);
    rc = send_response(conn, &resp);
    response_free(&resp);
    return rc;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
          const char *method, const char *version, const char *upload_data,
          size_t *upload_data_size, void **req_cls)
{
    struct httpd *h = cls;
    struct pending *p = *req_cls;

    (void)version;
    if (p == NULL) {
        p = xcalloc(1, sizeof(*p));
        buf_init(&p->body, h->sim->cfg.max_body);
        *req_cls = p;
        if (declared_too_big(conn, h->sim->cfg.max_body)) {
            p->too_big = 1;
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
    struct pending *p = *req_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (p == NULL)
        return;
    buf_free(&p->body);
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

struct httpd *
httpd_start(struct sim *sim, struct sf_err *err)
{
    struct httpd *h = xcalloc(1, sizeof(*h));
    struct sockaddr_storage ss;
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    int ipv6 = 0;

    h->sim = sim;
    if (make_addr(sim->cfg.bind, sim->cfg.port, &ss, &ipv6) == -1) {
        err_set(err, "--bind %s: not an IPv4 or IPv6 address", sim->cfg.bind);
        goto fail;
    }
    if (ipv6)
        flags |= MHD_USE_IPv6;
    h->daemon = MHD_start_daemon(
        flags, (uint16_t)sim->cfg.port, NULL, NULL, access_cb, h,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_NOTIFY_COMPLETED, completed_cb, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTPD_CONNECTION_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTPD_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTPD_HEADER_MEMORY,
        MHD_OPTION_EXTERNAL_LOGGER, log_cb, NULL, MHD_OPTION_END);
    if (h->daemon == NULL) {
        err_set(err,
                "cannot listen on %s port %u (in use, or not a local "
                "address)",
                sim->cfg.bind, sim->cfg.port);
        goto fail;
    }
    info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(sim->base_url, sizeof(sim->base_url),
             ipv6 ? "http://[%s]:%u" : "http://%s:%u", sim->cfg.bind,
             info != NULL ? (unsigned)info->port : sim->cfg.port);
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
    MHD_stop_daemon(h->daemon);
    free(h);
}
