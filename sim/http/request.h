/*
 * request.h - one HTTP exchange as handlers see it, free of libmicrohttpd.
 *
 * httpd.c fills a struct sim_request from MHD and turns a struct
 * sim_response back into an MHD response; everything between (routing,
 * auth, handlers, journaling) works on these two structs only, so it can be
 * unit-tested without a socket.
 */
#ifndef SIM_REQUEST_H
#define SIM_REQUEST_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "journal.h"
#include "sfid.h"

struct session;
struct sim;

#define REQUEST_MAX_PARAMS 8
#define REQUEST_MAX_KV 128
#define RESPONSE_MAX_HEADERS 12

enum http_method {
    HTTP_GET,
    HTTP_HEAD,
    HTTP_POST,
    HTTP_PUT,
    HTTP_PATCH,
    HTTP_DELETE,
    HTTP_OTHER,
};

struct kv {
    const char *name;
    const char *value;
};

struct sim_request {
    enum http_method method;
    const char *method_name;                /* as received */
    const char *path;                       /* without the query string */
    const char *params[REQUEST_MAX_PARAMS]; /* captured path segments */
    size_t nparams;
    struct kv query[REQUEST_MAX_KV]; /* decoded query arguments */
    size_t nquery;
    struct kv headers[REQUEST_MAX_KV];
    size_t nheaders;
    const char *body; /* raw bytes, NUL-terminated; "" when none */
    size_t body_len;
    /* Where body is kept, or NULL. A handler that keeps a large body may
     * take it with buf_steal(); body stays valid until the request ends
     * only if the taker keeps it that long. */
    struct buf *body_buf;
    json_t *json; /* parsed body for ROUTE_JSON_BODY routes (borrowed) */
    struct session *session;   /* for ROUTE_AUTH routes (borrowed) */
    int peer_loopback;         /* the client connects from a loopback address */
    int tls;                   /* the request came over HTTPS */
    int composite_all_or_none; /* a Composite subrequest under allOrNone */
};

struct resp_header {
    const char *name; /* static */
    char *value;      /* owned */
};

/*
 * A body made piece by piece as the client reads it, for answers that grow
 * with the data (records, journal, mail): memory stays one piece per
 * connection however large the answer and however slow the reader. next
 * appends about max bytes to out and returns 1 while more follow, 0 after
 * the last piece; it runs on the HTTP thread between requests, so it must
 * expect the sim to have changed since its previous call. free releases
 * state (called once, even when the client goes away early).
 */
struct response_stream {
    int (*next)(struct sim *sim, void *state, struct buf *out, size_t max);
    void (*free)(void *state);
    void *state;
};

struct sim_response {
    int status;
    const char *content_type;      /* static; NULL: none */
    json_t *json;                  /* owned; serialised when body is empty */
    struct buf body;               /* raw body (HTML, text) */
    struct response_stream stream; /* set: the body is streamed instead */
    struct resp_header headers[RESPONSE_MAX_HEADERS];
    size_t nheaders;
    /* What the journal records about this exchange. */
    enum verdict verdict;
    const char *object; /* static or schema-owned */
    char record_id[SFID_LEN18 + 1];
    char *detail;    /* owned */
    char *info_json; /* owned; a JSON object's text */
    /* Entries of the records or subrequests inside this request, journaled
     * after the request's own entry (journal.h). */
    struct journal_batch batch;
};

/* Borrowed lookups; NULL when absent. Header names are case-insensitive. */
const char *request_header(const struct sim_request *req, const char *name);
const char *request_query(const struct sim_request *req, const char *name);
/*
 * The origin the client used, "http[s]://" plus its Host header, into out
 * (size n), for the URLs the sim hands out (instance_url, identity and
 * SOAP server URLs). A missing or malformed Host (anything but a name or
 * an address literal with an optional port) gives fallback's host
 * instead, with the request's scheme. Returns out.
 */
#define REQUEST_ORIGIN_MAX 300
const char *request_origin(const struct sim_request *req, const char *fallback,
                           char *out, size_t n);
/* The media type of Content-Type without parameters, lower-cased into out. */
const char *request_media_type(const struct sim_request *req, char *out,
                               size_t n);

void response_init(struct sim_response *resp);
void response_free(struct sim_response *resp);
/* Steals json. */
void response_json(struct sim_response *resp, int status, json_t *json);
/* A streamed JSON answer (steals state: freed with free even on failure). */
void response_stream(struct sim_response *resp, int status,
                     const struct response_stream *stream);
/* Adds a header; value is copied. Silently ignored past the maximum. */
void response_header(struct sim_response *resp, const char *name,
                     const char *value);
void response_detail(struct sim_response *resp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Steals info (a JSON object) and records its text for the journal. */
void response_info(struct sim_response *resp, json_t *info);

/* The admin API's error answer: {"error": code, "message": message}. */
void response_admin_error(struct sim_response *resp, int status,
                          const char *code, const char *message);

/*
 * Salesforce's REST error answer: status and a one-element array
 * [{"message":…,"errorCode":…}] (+ "fields" when fields is non-NULL,
 * stolen). The journal gets verdict "error" and the code as detail.
 */
void response_sf_error(struct sim_response *resp, int status, const char *code,
                       const char *message, json_t *fields);

#endif
