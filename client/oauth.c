/*
 * oauth.c - refresh grant body, token response, token state (see oauth.h).
 */
#include "oauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "payload.h"
#include "xmalloc.h"

char *
oauth_refresh_body(const struct buyer *b)
{
    struct buf out;

    buf_init(&out, 64 * 1024);
    buf_puts(&out, "grant_type=refresh_token&refresh_token=");
    payload_form_escape(&out, b->auth.refresh_token);
    buf_puts(&out, "&client_id=");
    payload_form_escape(&out, b->auth.client_id);
    if (b->auth.client_secret != NULL) {
        buf_puts(&out, "&client_secret=");
        payload_form_escape(&out, b->auth.client_secret);
    }
    return buf_steal(&out, NULL);
}

char *
oauth_parse_token(long status, json_t *body, struct sf_err *err)
{
    const char *tok = json_string_value(json_object_get(body, "access_token"));
    const char *e = json_string_value(json_object_get(body, "error"));
    const char *d =
        json_string_value(json_object_get(body, "error_description"));

    if (status >= 200 && status < 300 && tok != NULL && *tok != '\0')
        return xstrdup(tok);
    if (e != NULL)
        err_set(err, "%s: %s", e, d != NULL ? d : "(no description)");
    else if (status == 0)
        err_set(err, "no response from the token endpoint");
    else
        err_set(err, "token endpoint answered %ld without an access_token",
                status);
    return NULL;
}

/* FNV-1a of s as 16 hex digits: enough to tell configs apart, useless for
 * recovering the token. */
static void
fingerprint(const char *s, char out[17])
{
    uint64_t h = 1469598103934665603ULL;

    for (; s != NULL && *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

json_t *
oauth_state_doc(const char *token, int64_t last_used_ms,
                const char *config_auth)
{
    char fp[17];

    fingerprint(config_auth, fp);
    return json_pack("{s:s, s:I, s:s}", "access_token", token, "last_used_ms",
                     (json_int_t)last_used_ms, "config_auth", fp);
}

const char *
oauth_state_token(json_t *doc, const char *config_auth, int64_t *last_used_ms)
{
    const char *tok = json_string_value(json_object_get(doc, "access_token"));
    const char *was = json_string_value(json_object_get(doc, "config_auth"));
    char fp[17];

    fingerprint(config_auth, fp);
    if (tok == NULL || was == NULL || strcmp(was, fp) != 0)
        return NULL;
    *last_used_ms = json_integer_value(json_object_get(doc, "last_used_ms"));
    return tok;
}
