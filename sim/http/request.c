/*
 * request.c - request lookups and response building (see request.h).
 */
#include "request.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"
#include "xmalloc.h"

static const char *
kv_find(const struct kv *kv, size_t n, const char *name, int icase)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((icase ? strcasecmp(kv[i].name, name) : strcmp(kv[i].name, name)) ==
            0)
            return kv[i].value;
    return NULL;
}

const char *
request_header(const struct sim_request *req, const char *name)
{
    return kv_find(req->headers, req->nheaders, name, 1);
}

const char *
request_query(const struct sim_request *req, const char *name)
{
    return kv_find(req->query, req->nquery, name, 0);
}

/* Whether a Host value is one a URL can carry as it is: a name or an
 * address literal, an optional port, nothing else. */
static int
host_usable(const char *h)
{
    size_t i, len = strlen(h);

    if (len == 0 || len > REQUEST_ORIGIN_MAX - 16)
        return 0;
    for (i = 0; i < len; i++)
        if (!isalnum((unsigned char)h[i]) && strchr(".-_:[]", h[i]) == NULL)
            return 0;
    return 1;
}

const char *
request_origin(const struct sim_request *req, const char *fallback, char *out,
               size_t n)
{
    const char *host = request_header(req, "Host");
    const char *sep;

    if (host == NULL || !host_usable(host)) {
        sep = strstr(fallback, "://");
        host = sep != NULL ? sep + 3 : fallback;
    }
    snprintf(out, n, "%s://%s", req->tls ? "https" : "http", host);
    return out;
}

const char *
request_media_type(const struct sim_request *req, char *out, size_t n)
{
    const char *ct = request_header(req, "Content-Type");
    size_t i = 0;

    if (n == 0)
        return out;
    out[0] = '\0';
    if (ct == NULL)
        return out;
    while (*ct == ' ')
        ct++;
    for (; ct[i] != '\0' && ct[i] != ';' && ct[i] != ' ' && i + 1 < n; i++)
        out[i] = (char)tolower((unsigned char)ct[i]);
    out[i] = '\0';
    return out;
}

void
response_init(struct sim_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    buf_init(&resp->body, 64 * 1024 * 1024);
    resp->status = 200;
}

void
response_free(struct sim_response *resp)
{
    size_t i;

    json_decref(resp->json);
    buf_free(&resp->body);
    for (i = 0; i < resp->nheaders; i++)
        free(resp->headers[i].value);
    free(resp->detail);
    free(resp->info_json);
    journal_batch_free(&resp->batch);
    if (resp->stream.free != NULL)
        resp->stream.free(resp->stream.state);
    memset(resp, 0, sizeof(*resp));
}

void
response_stream(struct sim_response *resp, int status,
                const struct response_stream *stream)
{
    if (resp->stream.free != NULL)
        resp->stream.free(resp->stream.state);
    resp->stream = *stream;
    resp->status = status;
    resp->content_type = "application/json;charset=UTF-8";
}

void
response_json(struct sim_response *resp, int status, json_t *json)
{
    json_decref(resp->json);
    resp->json = json;
    resp->status = status;
    resp->content_type = "application/json;charset=UTF-8";
}

void
response_header(struct sim_response *resp, const char *name, const char *value)
{
    size_t i;

    for (i = 0; i < resp->nheaders; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0) {
            free(resp->headers[i].value);
            resp->headers[i].value = xstrdup(value);
            return;
        }
    }
    if (resp->nheaders >= RESPONSE_MAX_HEADERS)
        return;
    resp->headers[resp->nheaders].name = name;
    resp->headers[resp->nheaders].value = xstrdup(value);
    resp->nheaders++;
}

void
response_detail(struct sim_response *resp, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    if (s == NULL)
        return;
    free(resp->detail);
    resp->detail = s;
}

void
response_info(struct sim_response *resp, json_t *info)
{
    free(resp->info_json);
    resp->info_json = json_dumps(info, JSON_COMPACT);
    json_decref(info);
}

void
response_admin_error(struct sim_response *resp, int status, const char *code,
                     const char *message)
{
    response_json(resp, status,
                  json_pack("{s:s, s:s}", "error", code, "message", message));
}

void
response_sf_error(struct sim_response *resp, int status, const char *code,
                  const char *message, json_t *fields)
{
    json_t *err =
        json_pack("{s:s, s:s}", "message", message, "errorCode", code);
    char *fixed;

    if (err == NULL) {
        /* A message echoing request bytes that are not UTF-8, which JSON
         * cannot carry: those bytes become U+FFFD. */
        fixed = xmalloc(3 * strlen(message) + 1);
        utf8_fix(message, strlen(message), fixed, NULL);
        err = json_pack("{s:s, s:s}", "message", fixed, "errorCode", code);
        free(fixed);
    }
    if (fields != NULL)
        json_object_set_new(err, "fields", fields);
    response_json(resp, status, json_pack("[o]", err));
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "%s", code);
}
