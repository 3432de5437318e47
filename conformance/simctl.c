/*
 * simctl.c - the admin API client (see simctl.h).
 */
#include "simctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "xmalloc.h"

#define SIMCTL_TIMEOUT_MS 20000L

struct simctl {
    char *base;
    char *ca; /* or NULL */
    CURL *curl;
};

struct simctl *
simctl_new(const char *base_url)
{
    struct simctl *c = xcalloc(1, sizeof(*c));

    c->base = xstrdup(base_url);
    return c;
}

void
simctl_set_ca(struct simctl *c, const char *ca_file)
{
    free(c->ca);
    c->ca = ca_file != NULL ? xstrdup(ca_file) : NULL;
}

void
simctl_free(struct simctl *c)
{
    if (c == NULL)
        return;
    if (c->curl != NULL)
        curl_easy_cleanup(c->curl);
    free(c->base);
    free(c->ca);
    free(c);
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
    /* A failed append (past the cap) aborts the transfer. */
    return buf_append(arg, p, size * n) == 0 ? size * n : 0;
}

/* One exchange; the status in *status and the body in *out. */
static int
exchange(struct simctl *c, const char *method, const char *path,
         const char *ctype, const char *body, long *status, struct buf *out,
         struct sf_err *err)
{
    struct curl_slist *h = NULL;
    char url[1024], ct[128];
    CURLcode rc;

    if (c->curl == NULL)
        c->curl = curl_easy_init();
    else
        curl_easy_reset(c->curl);
    snprintf(url, sizeof(url), "%s%s", c->base, path);
    snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
    h = curl_slist_append(h, ct);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, SIMCTL_TIMEOUT_MS);
    if (c->ca != NULL)
        curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->ca);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, out);
    if (body != NULL)
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
    rc = curl_easy_perform(c->curl);
    curl_slist_free_all(h);
    if (rc != CURLE_OK) {
        err_set(err, "%s %s: %s", method, path, curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
    return 0;
}

json_t *
simctl_call(struct simctl *c, const char *method, const char *path,
            const char *body, struct sf_err *err)
{
    struct buf out;
    json_t *j = NULL;
    long status = 0;

    buf_init(&out, SIMCTL_MAX_ANSWER);
    if (exchange(c, method, path, "application/json", body, &status, &out,
                 err) == -1)
        goto out;
    if (status < 200 || status > 299) {
        err_set(err, "%s %s: HTTP %ld: %.200s", method, path, status,
                out.data != NULL ? out.data : "");
        goto out;
    }
    j = json_loadb(out.data != NULL ? out.data : "", out.len, JSON_DECODE_ANY,
                   NULL);
    if (j == NULL)
        err_set(err, "%s %s: the answer is not JSON", method, path);
out:
    buf_free(&out);
    return j;
}

/* A call whose answer only matters as success or failure. */
static int
call_ok(struct simctl *c, const char *method, const char *path,
        const char *body, struct sf_err *err)
{
    json_t *j = simctl_call(c, method, path, body, err);

    json_decref(j);
    return j != NULL ? 0 : -1;
}

int
simctl_now(struct simctl *c, char *out, size_t n, struct sf_err *err)
{
    json_t *j = simctl_call(c, "GET", "/__sim/clock", NULL, err);
    const char *now = json_string_value(json_object_get(j, "now"));
    int rc = -1;

    if (now != NULL && strlen(now) < n) {
        memcpy(out, now, strlen(now) + 1);
        rc = 0;
    } else if (j != NULL) {
        err_set(err, "GET /__sim/clock: no \"now\" in the answer");
    }
    json_decref(j);
    return rc;
}

int
simctl_advance(struct simctl *c, double secs, struct sf_err *err)
{
    char body[64];

    snprintf(body, sizeof(body), "{\"advance_seconds\": %.3f}", secs);
    return call_ok(c, "POST", "/__sim/clock", body, err);
}

int
simctl_freeze(struct simctl *c, int frozen, struct sf_err *err)
{
    return call_ok(c, "POST", "/__sim/clock",
                   frozen ? "{\"frozen\": true}" : "{\"frozen\": false}", err);
}

int
simctl_put_org(struct simctl *c, const char *text, struct sf_err *err)
{
    return call_ok(c, "PUT", "/__sim/org", text, err);
}

int
simctl_add_fault(struct simctl *c, json_t *rule, struct sf_err *err)
{
    char *text = json_dumps(rule, JSON_COMPACT);
    int rc = call_ok(c, "POST", "/__sim/faults", text, err);

    free(text);
    return rc;
}

int
simctl_clear_faults(struct simctl *c, struct sf_err *err)
{
    return call_ok(c, "DELETE", "/__sim/faults", NULL, err);
}

int
simctl_expire_tokens(struct simctl *c, struct sf_err *err)
{
    return call_ok(c, "POST", "/__sim/tokens/expire", NULL, err);
}

json_t *
simctl_issue_tokens(struct simctl *c, struct sf_err *err)
{
    json_t *j = simctl_call(c, "POST", "/__sim/tokens", NULL, err);

    if (j != NULL && (!json_is_string(json_object_get(j, "access_token")) ||
                      !json_is_string(json_object_get(j, "refresh_token")))) {
        err_set(err, "POST /__sim/tokens: no token pair in the answer");
        json_decref(j);
        return NULL;
    }
    return j;
}

int
simctl_revoke(struct simctl *c, const char *token, struct sf_err *err)
{
    struct buf out;
    char *esc, *body;
    long status = 0;
    int rc = -1;

    if (c->curl == NULL)
        c->curl = curl_easy_init();
    esc = curl_easy_escape(c->curl, token, 0);
    body = xasprintf("token=%s", esc);
    curl_free(esc);
    buf_init(&out, SIMCTL_MAX_ANSWER);
    if (exchange(c, "POST", "/services/oauth2/revoke",
                 "application/x-www-form-urlencoded", body, &status, &out,
                 err) == 0) {
        if (status == 200)
            rc = 0;
        else
            err_set(err, "revoke: HTTP %ld", status);
    }
    buf_free(&out);
    free(body);
    return rc;
}
