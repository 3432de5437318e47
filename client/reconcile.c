/*
 * reconcile.c - SOQL read-back of Web-to-Lead deliveries (see reconcile.h).
 */
#include "reconcile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authsync.h"
#include "buf.h"
#include "classify.h"
#include "log.h"
#include "oauth.h"
#include "payload.h"
#include "rng.h"
#include "timesrc.h"
#include "transfer.h"
#include "xmalloc.h"

#define RECONCILE_SOQL_MAX (256 * 1024)

/* SOQL string literal escapes (Salesforce's list: \n \r \t \b \f \" \'
 * \\); other control characters cannot occur in a lead id we sent. */
static int
soql_literal(struct buf *out, const char *s)
{
    static const struct {
        char c;
        const char *esc;
    } escapes[] = {{'\'', "\\'"}, {'"', "\\\""}, {'\\', "\\\\"},
                   {'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"},
                   {'\b', "\\b"}, {'\f', "\\f"}, {'\0', NULL}};

    if (buf_putc(out, '\'') == -1)
        return -1;
    for (; *s != '\0'; s++) {
        size_t i;

        for (i = 0; escapes[i].esc != NULL; i++)
            if (escapes[i].c == *s)
                break;
        if ((escapes[i].esc != NULL ? buf_puts(out, escapes[i].esc)
                                    : buf_putc(out, *s)) == -1)
            return -1;
    }
    return buf_putc(out, '\'');
}

char *
reconcile_soql(const struct buyer_reconcile *rc, const char *const *values,
               size_t n)
{
    struct buf q;

    buf_init(&q, RECONCILE_SOQL_MAX);
    buf_printf(&q, "SELECT %s FROM %s WHERE %s IN (", rc->match_field,
               rc->object, rc->match_field);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_putc(&q, ',');
        soql_literal(&q, values[i]);
    }
    buf_putc(&q, ')');
    if (q.toobig) {
        buf_free(&q);
        return NULL;
    }
    return buf_steal(&q, NULL);
}

char *
reconcile_url(const char *query_url, const char *soql)
{
    struct buf u;

    buf_init(&u, RECONCILE_SOQL_MAX * 3 + 4096);
    buf_puts(&u, query_url);
    buf_putc(&u, strchr(query_url, '?') != NULL ? '&' : '?');
    buf_puts(&u, "q=");
    payload_path_escape(&u, soql);
    return buf_steal(&u, NULL);
}

int
reconcile_collect(json_t *body, const char *match_field, json_t *found,
                  const char **next, struct sf_err *err)
{
    json_t *records = json_object_get(body, "records"), *rec;
    size_t i;

    *next = NULL;
    if (!json_is_array(records)) {
        err_set(err, "the query answer has no \"records\" array");
        return -1;
    }
    json_array_foreach(records, i, rec) {
        const char *v = json_string_value(json_object_get(rec, match_field));

        /* A field the query did not name is missing, not an error: the
         * lead then counts as not found, which the summary shows. */
        if (v != NULL)
            json_object_set_new(found, v, json_true());
    }
    if (json_is_false(json_object_get(body, "done")))
        *next = json_string_value(json_object_get(body, "nextRecordsUrl"));
    return 0;
}

void
reconcile_init(struct reconcile *r, const struct buyer *b, const char *token)
{
    memset(r, 0, sizeof(*r));
    r->b = b;
    r->token = token != NULL ? xstrdup(token) : NULL;
}

void
reconcile_free(struct reconcile *r)
{
    free(r->token);
    memset(r, 0, sizeof(*r));
}

/* The refresh-token grant, blocking (authsync.h). Replaces r->token; 0
 * or -1. */
static int
refresh(struct reconcile *r, struct transfer *t, struct sf_err *err)
{
    char *token = authsync_refresh(r->b, t, err);

    if (token == NULL)
        return -1;
    free(r->token);
    r->token = token;
    r->token_changed = 1;
    return 0;
}

/* The query's headers: reconcile.headers, with our Bearer token in place
 * of any Authorization given there. A new array (names borrowed). */
static struct buyer_pair *
query_headers(const struct reconcile *r, char *bearer, size_t *n)
{
    static char auth_name[] = "Authorization";
    const struct buyer_reconcile *rc = &r->b->reconcile;
    struct buyer_pair *h = xcalloc(rc->nheaders + 1, sizeof(*h));

    *n = 0;
    for (size_t i = 0; i < rc->nheaders; i++) {
        if (bearer != NULL &&
            strcasecmp(rc->headers[i].key, "Authorization") == 0)
            continue;
        h[(*n)++] = rc->headers[i];
    }
    if (bearer != NULL)
        h[(*n)++] = (struct buyer_pair){.key = auth_name, .value = bearer};
    return h;
}

/* The errorCode: message of a Salesforce error answer, for humans. */
static void
answer_error(const struct transfer *t, json_t *body, struct sf_err *err)
{
    json_t *e = json_is_array(body) ? json_array_get(body, 0) : body;
    const char *code = json_string_value(json_object_get(e, "errorCode"));
    const char *msg = json_string_value(json_object_get(e, "message"));

    err_set(err, "the query answered %ld%s%s%s%s", t->status,
            code != NULL ? ": " : "", code != NULL ? code : "",
            msg != NULL ? ": " : "", msg != NULL ? msg : "");
}

/*
 * One GET of url: refreshes the token once on a dead session, retries
 * transport errors, 429 and 5xx with the buyer's backoff. On 0, *out is
 * the parsed answer (new reference).
 */
static int
get_json(struct reconcile *r, struct transfer *t, const char *url, json_t **out,
         struct sf_err *err)
{
    const struct buyer *b = r->b;
    int can_refresh = buyer_can_refresh(b), refreshed = 0, tries = 0;
    struct rng rng;

    rng_init_seed(&rng, 1);
    *out = NULL;
    for (;;) {
        char *bearer = NULL;
        struct buyer_pair *h;
        struct transfer_req req;
        size_t nh;
        json_t *body;
        int code;

        if (r->token == NULL && can_refresh && !refreshed) {
            refreshed = 1;
            if (refresh(r, t, err) == -1)
                return -1;
        }
        if (r->token != NULL)
            bearer = xasprintf("Bearer %s", r->token);
        h = query_headers(r, bearer, &nh);
        req = (struct transfer_req){
            .method = "GET",
            .url = url,
            .headers = h,
            .nheaders = nh,
            .connect_timeout_ms = (long)b->connect_timeout_ms,
            .timeout_ms = (long)b->timeout_ms,
            .ca_file = b->ca_file,
        };
        code = transfer_setup(t, &req) == 0 ? transfer_perform(t) : -1;
        free(h);
        free(bearer);
        r->queries++;
        body = transfer_json(t);
        if (code == 0 && t->status == 200) {
            *out = body;
            return 0;
        }
        if (code == 0 && authsync_session_error(t, body) && can_refresh &&
            !refreshed) {
            json_decref(body);
            refreshed = 1;
            if (refresh(r, t, err) == -1)
                return -1;
            continue;
        }
        if (authsync_wait_to_retry(b, t, code, &tries, &rng)) {
            json_decref(body);
            continue;
        }
        if (code != 0)
            err_set(err, "the query failed: %s",
                    t->errbuf[0] != '\0' ? t->errbuf : "transport error");
        else
            answer_error(t, body, err);
        json_decref(body);
        return -1;
    }
}

/* "scheme://host[:port]" of url, for nextRecordsUrl paths. */
static char *
origin(const char *url)
{
    const char *p = strstr(url, "://");
    const char *slash = p != NULL ? strchr(p + 3, '/') : NULL;

    return slash != NULL ? xasprintf("%.*s", (int)(slash - url), url)
                         : xstrdup(url);
}

static int
query_batch(struct reconcile *r, struct transfer *t, const char *const *values,
            size_t n, json_t *found, struct sf_err *err)
{
    const struct buyer_reconcile *rc = &r->b->reconcile;
    char *soql = reconcile_soql(rc, values, n), *url = NULL, *base = NULL;
    json_t *body = NULL;
    const char *next;
    int rc_ = -1;

    if (soql == NULL) {
        err_set(err, "the query would be too long");
        goto out;
    }
    url = reconcile_url(rc->query_url, soql);
    base = origin(rc->query_url);
    for (int page = 0; page < RECONCILE_MAX_PAGES; page++) {
        if (get_json(r, t, url, &body, err) == -1 ||
            reconcile_collect(body, rc->match_field, found, &next, err) == -1)
            goto out;
        if (next == NULL) {
            rc_ = 0;
            goto out;
        }
        free(url);
        url = next[0] == '/' ? xasprintf("%s%s", base, next) : xstrdup(next);
        json_decref(body);
        body = NULL;
    }
    err_set(err, "more than %d pages of query results", RECONCILE_MAX_PAGES);
out:
    json_decref(body);
    free(base);
    free(url);
    free(soql);
    return rc_;
}

size_t
reconcile_run(struct reconcile *r, const char *const *values, size_t n,
              json_t *found, struct sf_err *err)
{
    size_t batch = (size_t)r->b->reconcile.batch, i, m;
    struct transfer t;

    transfer_init(&t, NULL);
    for (i = 0; i < n; i += m) {
        m = n - i < batch ? n - i : batch;
        if (query_batch(r, &t, values + i, m, found, err) == -1) {
            log_warnx("reconciliation: %s", err->msg);
            break;
        }
    }
    transfer_cleanup(&t);
    return i < n ? i : n;
}
