/*
 * httpc.c - blocking libcurl client for tests (see httpc.h).
 */
#include "httpc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "xmalloc.h"

struct httpc {
    CURL *curl;
    char *base;
    char *ca; /* CA file for https://, or NULL: libcurl's default */
};

static int global_done;

struct httpc *
httpc_new(const char *base_url)
{
    struct httpc *c = xcalloc(1, sizeof(*c));

    if (!global_done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_done = 1;
    }
    c->curl = curl_easy_init();
    c->base = xstrdup(base_url);
    return c;
}

void
httpc_free(struct httpc *c)
{
    if (c == NULL)
        return;
    curl_easy_cleanup(c->curl);
    free(c->base);
    free(c->ca);
    free(c);
}

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;

    return buf_append(b, p, size * n) == 0 ? size * n : 0;
}

int
httpc_request(struct httpc *c, const char *method, const char *path,
              const char *content_type, const char *body, size_t len,
              const char *const *headers, struct http_result *out)
{
    struct curl_slist *hl = NULL;
    struct buf rb, hb;
    char *url = xasprintf("%s%s", c->base, path), *ct = NULL;
    CURLcode rc;

    buf_init(&rb, 256 << 20);
    buf_init(&hb, 1 << 20);
    memset(out, 0, sizeof(*out));
    curl_easy_reset(c->curl);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c->curl, CURLOPT_NOBODY, 1L);
    if (body != NULL) {
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    if (content_type != NULL) {
        ct = xasprintf("Content-Type: %s", content_type);
        hl = curl_slist_append(hl, ct);
    }
    hl = curl_slist_append(hl, "Expect:");
    while (headers != NULL && *headers != NULL)
        hl = curl_slist_append(hl, *headers++);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &rb);
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, write_cb);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, &hb);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    if (c->ca != NULL)
        curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->ca);
    rc = curl_easy_perform(c->curl);
    out->curl_code = (int)rc;
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_getinfo(c->curl, CURLINFO_NUM_CONNECTS, &out->connects);
    out->body = buf_steal(&rb, &out->body_len);
    out->headers = buf_steal(&hb, NULL);
    curl_slist_free_all(hl);
    free(ct);
    free(url);
    return rc == CURLE_OK ? 0 : -1;
}

void
httpc_set_ca(struct httpc *c, const char *ca_file)
{
    free(c->ca);
    c->ca = ca_file != NULL ? xstrdup(ca_file) : NULL;
}

void
http_result_free(struct http_result *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof(*r));
}

const char *
http_header(const struct http_result *r, const char *name, char *out, size_t n)
{
    const char *p = r->headers;
    size_t nlen = strlen(name);

    while (p != NULL && *p != '\0') {
        const char *eol = strstr(p, "\r\n");
        size_t llen = eol ? (size_t)(eol - p) : strlen(p);

        if (llen > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
            const char *v = p + nlen + 1;
            size_t vlen;

            while (*v == ' ')
                v++;
            vlen = llen - (size_t)(v - p);
            snprintf(out, n, "%.*s", (int)vlen, v);
            return out;
        }
        p = eol ? eol + 2 : NULL;
    }
    return NULL;
}

json_t *
httpc_send_json(struct httpc *c, const char *method, const char *path,
                const char *json_text, long *status)
{
    struct http_result r;
    json_t *j = NULL;

    if (httpc_request(c, method, path, json_text ? "application/json" : NULL,
                      json_text, json_text ? strlen(json_text) : 0, NULL,
                      &r) == 0)
        j = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
    if (status != NULL)
        *status = r.status;
    http_result_free(&r);
    return j;
}

json_t *
httpc_get_json(struct httpc *c, const char *path, long *status)
{
    return httpc_send_json(c, "GET", path, NULL, status);
}

long
httpc_post_form(struct httpc *c, const char *path, const char *form,
                struct http_result *out)
{
    struct http_result tmp;
    struct http_result *r = out != NULL ? out : &tmp;
    long st;

    if (httpc_request(c, "POST", path, "application/x-www-form-urlencoded",
                      form, strlen(form), NULL, r) == -1) {
        if (out == NULL)
            http_result_free(&tmp);
        return -1;
    }
    st = r->status;
    if (out == NULL)
        http_result_free(&tmp);
    return st;
}

const char *
test_sim_path(void)
{
    const char *p = getenv("SFSIM");

    return p != NULL ? p : "sim/sfsim";
}

const char *
test_client_path(void)
{
    const char *p = getenv("SFDELIVER");

    return p != NULL ? p : "client/sfdeliver";
}

const char *
test_fixtures_dir(void)
{
    const char *p = getenv("SFSIM_FIXTURES");

    return p != NULL ? p : "fixtures";
}

char *
test_read_file(const char *path)
{
    struct buf b;
    char chunk[4096];
    size_t n;
    FILE *fp = fopen(path, "r");

    if (fp == NULL)
        return NULL;
    buf_init(&b, 256 << 20);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf_append(&b, chunk, n);
    fclose(fp);
    buf_putc(&b, '\0');
    return buf_steal(&b, NULL);
}

int
test_dead_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd == -1)
        return -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}
