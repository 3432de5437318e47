/*
 * transfer.c - easy-handle setup and callbacks (see transfer.h).
 */
#include "transfer.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jload.h"
#include "xmalloc.h"

/* on_prereq() below is how an attempt knows what went on the wire. */
#if LIBCURL_VERSION_NUM < 0x075000
#error "sfdeliver needs libcurl 7.80 or later (CURLOPT_PREREQFUNCTION)"
#endif

void
transfer_init(struct transfer *t, void *owner)
{
    memset(t, 0, sizeof(*t));
    buf_init(&t->resp, TRANSFER_RESP_MAX);
    t->owner = owner;
}

/* Returning less than asked makes libcurl fail with CURLE_WRITE_ERROR: the
 * cap on what a server can make us hold. */
static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
    struct transfer *t = arg;

    if (buf_append(&t->resp, p, size * n) == -1)
        return 0;
    return size * n;
}

static const struct kept_header {
    const char *name;
    size_t off;
} kept_headers[] = {
    {"retry-after", offsetof(struct transfer, retry_after)},
    {"content-type", offsetof(struct transfer, content_type)},
    {"sforce-limit-info", offsetof(struct transfer, limit_info)},
    {NULL, 0},
};

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
    struct transfer *t = arg;
    size_t len = size * n, nlen, vlen;
    const struct kept_header *k;
    const char *colon = memchr(p, ':', len), *v;

    if (colon == NULL)
        return len;
    nlen = (size_t)(colon - p);
    for (k = kept_headers; k->name != NULL; k++) {
        if (strlen(k->name) != nlen || strncasecmp(k->name, p, nlen) != 0)
            continue;
        v = colon + 1;
        vlen = len - nlen - 1;
        while (vlen > 0 && (*v == ' ' || *v == '\t'))
            v++, vlen--;
        while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
                            v[vlen - 1] == ' '))
            vlen--;
        snprintf((char *)t + k->off, TRANSFER_HDR_MAX, "%.*s", (int)vlen, v);
    }
    return len;
}

struct curl_slist *
transfer_headers(const char *content_type, size_t body_len,
                 const struct buyer_pair *h, size_t n)
{
    struct curl_slist *list = NULL;
    char *line;

    if (content_type != NULL && strcmp(content_type, BUYER_FORM_TYPE) != 0) {
        line = xasprintf("Content-Type: %s", content_type);
        list = curl_slist_append(list, line);
        free(line);
    }
    /* No "Expect: 100-continue" round trip before a body. */
    if (body_len > TRANSFER_EXPECT_MIN)
        list = curl_slist_append(list, "Expect:");
    for (size_t i = 0; i < n; i++) {
        line = xasprintf("%s: %s", h[i].key, h[i].value);
        list = curl_slist_append(list, line);
        free(line);
    }
    return list;
}

/*
 * libcurl calls this before each request it sends. A second call in one
 * attempt is libcurl resending on its own (see transfer_done() in
 * transfer.h): refuse it, so that every request on the wire is an attempt
 * the caller counts, logs and spaces.
 */
static int
on_prereq(void *arg, char *ip, char *local_ip, int port, int local_port)
{
    struct transfer *t = arg;

    (void)ip, (void)local_ip, (void)port, (void)local_port;
    return ++t->sends > 1 ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

/* The variables libcurl reads for a proxy (lib/url.c, detect_proxy). */
static const char *const proxy_vars[] = {
    "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY",
    "all_proxy",  "NO_PROXY",    "no_proxy",    NULL,
};

/* 1 when the environment names no proxy at all. */
static int
no_proxy_env(void)
{
    for (size_t i = 0; proxy_vars[i] != NULL; i++)
        if (getenv(proxy_vars[i]) != NULL)
            return 0;
    return 1;
}

/* The options every attempt shares, set once per easy handle. */
static CURLcode
set_fixed(struct transfer *t, const char *ca_file)
{
    CURL *e = t->easy;
    CURLcode rc = CURLE_OK;

    /* libcurl looks the proxy variables up again for every request; with
     * none set, saying "no proxy" once spares it that and changes
     * nothing. With any set, it applies them as it always does. */
    if (no_proxy_env()) {
        rc |= curl_easy_setopt(e, CURLOPT_PROXY, "");
        rc |= curl_easy_setopt(e, CURLOPT_NOPROXY, "");
    }
    rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    rc |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    rc |= curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    rc |= curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
    rc |= curl_easy_setopt(e, CURLOPT_PREREQDATA, t);
    rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, "sfdeliver/1");
    if (ca_file != NULL)
        rc |= curl_easy_setopt(e, CURLOPT_CAINFO, ca_file);
        /* Only what weburl_check() lets in, even from a server's
         * redirect or a URL a server's answer builds (nextRecordsUrl). */
#if LIBCURL_VERSION_NUM >= 0x075500
    rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    rc |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS,
                           (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    rc |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS,
                           (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    t->ready = rc == CURLE_OK;
    return rc;
}

/* The header list for req, given to libcurl only when it changed. */
static CURLcode
set_headers(struct transfer *t, const struct transfer_req *req)
{
    struct curl_slist *list = req->hdr_list;

    curl_slist_free_all(t->hdrs);
    t->hdrs = NULL;
    if (list == NULL)
        list = t->hdrs = transfer_headers(req->content_type, req->len,
                                          req->headers, req->nheaders);
    /* A list rebuilt at the address of the one it replaces is still the
     * one libcurl should read: the pointer is all it keeps. */
    if (list == t->hdrs_set)
        return CURLE_OK;
    t->hdrs_set = list;
    return curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, list);
}

/*
 * The URL, given to libcurl parsed (CURLOPT_CURLU) and only when it
 * changed. Given as a string (CURLOPT_URL), libcurl parses it again for
 * every request: with the handle it copies the parts instead, about 15,000
 * fewer instructions per request. The flags are those libcurl 7.88 parses
 * CURLOPT_URL with; a URL they refuse goes as a string, so that libcurl
 * reports it at the transfer as before.
 */
static CURLcode
set_url(struct transfer *t, const char *url)
{
    CURLU *uh;
    CURLcode rc;

    if (t->url != NULL && strcmp(t->url, url) == 0)
        return CURLE_OK;
    free(t->url);
    t->url = NULL;
    uh = curl_url();
    if (uh != NULL && curl_url_set(uh, CURLUPART_URL, url,
                                   CURLU_GUESS_SCHEME |
                                       CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        curl_url_cleanup(uh);
        uh = NULL;
    }
    rc = curl_easy_setopt(t->easy, CURLOPT_CURLU, uh);
    if (rc == CURLE_OK && uh == NULL)
        rc = curl_easy_setopt(t->easy, CURLOPT_URL, url);
    /* libcurl read the old handle for the last transfer, which is over. */
    curl_url_cleanup(t->uh);
    t->uh = uh;
    if (rc == CURLE_OK)
        t->url = xstrdup(url);
    return rc;
}

int
transfer_setup(struct transfer *t, const struct transfer_req *req)
{
    CURL *e;
    CURLcode rc = CURLE_OK;

    if (t->easy == NULL)
        t->easy = curl_easy_init();
    if (t->easy == NULL)
        return -1;
    e = t->easy;
    buf_reset(&t->resp);
    t->resp.toobig = 0;
    t->errbuf[0] = t->retry_after[0] = t->content_type[0] = '\0';
    t->limit_info[0] = '\0';
    t->status = 0;
    t->sends = 0;
    if (!t->ready)
        rc |= set_fixed(t, req->ca_file);
    rc |= set_headers(t, req);
    rc |= set_url(t, req->url);
    rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, t->owner);
    rc |=
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
    rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    if (strcmp(req->method, "GET") == 0) {
        rc |= curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        rc |= curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
    } else {
        rc |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                               (curl_off_t)req->len);
        rc |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
        rc |= curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
                               strcmp(req->method, "POST") == 0 ? NULL
                                                                : req->method);
    }
    return rc == CURLE_OK ? 0 : -1;
}

int
transfer_done(struct transfer *t, int code)
{
    long status = 0;

    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    t->status = status;
    if (code == CURLE_ABORTED_BY_CALLBACK && t->sends > 1) {
        snprintf(t->errbuf, sizeof(t->errbuf),
                 "Empty reply from server: the reused connection closed "
                 "without an answer (the request may have been received)");
        code = CURLE_GOT_NOTHING;
    }
    return code;
}

int
transfer_perform(struct transfer *t)
{
    return transfer_done(t, (int)curl_easy_perform(t->easy));
}

json_t *
transfer_json(const struct transfer *t)
{
    if (t->resp.len == 0 || t->resp.toobig)
        return NULL;
    return jload_buf_flags(t->resp.data, t->resp.len, 0, NULL);
}

void
transfer_cleanup(struct transfer *t)
{
    if (t->easy != NULL)
        curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->hdrs);
    curl_url_cleanup(t->uh);
    free(t->url);
    buf_free(&t->resp);
    memset(t, 0, sizeof(*t));
}
