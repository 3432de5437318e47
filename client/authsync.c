/*
 * authsync.c - blocking token refresh and retry wait (see authsync.h).
 */
#include "authsync.h"

#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "oauth.h"
#include "timesrc.h"
#include "xmalloc.h"

int
authsync_wait_to_retry(const struct buyer *b, const struct transfer *t,
                       int code, int *tries, struct rng *rng)
{
    if ((code == 0 && t->status != 429 && t->status < 500) ||
        *tries >= b->retry.max_retries)
        return 0;
    ++*tries;
    timesrc_sleep_ms(classify_backoff_ms(&b->retry, *tries, -1, rng_next(rng)));
    return 1;
}

char *
authsync_refresh(const struct buyer *b, struct transfer *t, struct sf_err *err)
{
    char *body = oauth_refresh_body(b);
    struct transfer_req req = {
        .method = "POST",
        .url = b->auth.token_url,
        .content_type = BUYER_FORM_TYPE,
        .body = body,
        .len = strlen(body),
        .connect_timeout_ms = (long)b->connect_timeout_ms,
        .timeout_ms = (long)b->timeout_ms,
        .ca_file = b->ca_file,
    };
    json_t *doc = NULL;
    char *token = NULL;
    struct sf_err why;
    struct rng rng;
    int code, tries = 0;

    rng_init_seed(&rng, 1);
    do {
        if (transfer_setup(t, &req) == -1) {
            err_set(err, "token refresh: cannot set up the transfer");
            goto out;
        }
        code = transfer_perform(t);
    } while (authsync_wait_to_retry(b, t, code, &tries, &rng));
    doc = transfer_json(t);
    err_clear(&why);
    token = oauth_parse_token(code == 0 ? t->status : 0, doc, &why);
    if (token == NULL)
        err_set(err, "token refresh failed: %s", why.msg);
out:
    json_decref(doc);
    free(body);
    return token;
}

char *
authsync_renew(struct buyer *b, struct transfer *t, struct sf_err *err)
{
    char *token = authsync_refresh(b, t, err), *hdr;

    if (token == NULL)
        return NULL;
    hdr = xasprintf("Bearer %s", token);
    buyer_set_header(b, "Authorization", hdr);
    free(hdr);
    return token;
}

int
authsync_session_error(const struct transfer *t, json_t *body)
{
    return t->status == 401 &&
           classify(0, t->status, body).verdict == CLASSIFY_REAUTH;
}
