/*
 * classify.c - the retry policy as tables (see classify.h).
 *
 * The seed page's rules: a 2xx is delivered and never retried; a 4xx
 * validation failure is retried retry.max_retries times and then the lead
 * has failed; 5xx, 429, timeouts and connection errors are retried the same
 * number of times with backoff. A 401 INVALID_SESSION_ID is not a failure of
 * the lead but of the token.
 */
#include "classify.h"

#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "parse.h"

/* Transport failures worth another try; every other CURLcode is terminal
 * (a malformed URL or a refused certificate does not heal). */
static const struct curl_rule {
    CURLcode code;
    const char *reason;
} curl_retry[] = {
    {.code = CURLE_OPERATION_TIMEDOUT, .reason = "timeout"},
    {.code = CURLE_COULDNT_CONNECT, .reason = "connect"},
    {.code = CURLE_COULDNT_RESOLVE_HOST, .reason = "resolve"},
    {.code = CURLE_COULDNT_RESOLVE_PROXY, .reason = "resolve"},
    {.code = CURLE_SEND_ERROR, .reason = "send"},
    {.code = CURLE_RECV_ERROR, .reason = "recv"},
    {.code = CURLE_GOT_NOTHING, .reason = "empty_reply"},
    {.code = CURLE_PARTIAL_FILE, .reason = "partial"},
    {.code = CURLE_SSL_CONNECT_ERROR, .reason = "tls"},
    {.code = CURLE_HTTP2, .reason = "http2"},
    {.code = CURLE_HTTP2_STREAM, .reason = "http2"},
    {.code = CURLE_OK, .reason = NULL} /* sentinel */
};

/* HTTP statuses, first match wins; body_check refines a 2xx or 401. */
enum body_check { BODY_NONE, BODY_SUCCESS_FLAGS, BODY_SESSION };

static const struct status_rule {
    long lo, hi;
    enum body_check check;
    enum classify_verdict verdict;
    const char *reason;
} status_rules[] = {
    {200, 299, BODY_SUCCESS_FLAGS, CLASSIFY_DONE, "ok"},
    {401, 401, BODY_SESSION, CLASSIFY_RETRY, "validation"},
    {408, 408, BODY_NONE, CLASSIFY_RETRY, "http_408"},
    {425, 425, BODY_NONE, CLASSIFY_RETRY, "http_425"},
    {429, 429, BODY_NONE, CLASSIFY_RETRY, "http_429"},
    {400, 499, BODY_NONE, CLASSIFY_RETRY, "validation"},
    {500, 599, BODY_NONE, CLASSIFY_RETRY, "http_5xx"},
    {300, 399, BODY_NONE, CLASSIFY_REJECTED, "redirect"},
    {0, 0, BODY_NONE, CLASSIFY_REJECTED, "bad_status"} /* sentinel */
};

#define CLASSIFY_STR(name, str) str,
static const char *const verdict_names[] = {CLASSIFY_VERDICTS(CLASSIFY_STR)};
#undef CLASSIFY_STR

const char *
classify_verdict_str(enum classify_verdict v)
{
    return verdict_names[v];
}

/* 1 when o has key set to false. */
static int
is_false(json_t *o, const char *key)
{
    return json_is_false(json_object_get(o, key));
}

/*
 * A 2xx can still carry a failure: the REST sObject reply {"success":
 * false} and a Flow action's [{"isSuccess": false, "errors": [...]}].
 */
static int
body_reports_failure(json_t *body)
{
    json_t *item;
    size_t i;

    if (json_is_object(body))
        return is_false(body, "success") || is_false(body, "isSuccess");
    json_array_foreach(body, i, item) {
        if (is_false(item, "success") || is_false(item, "isSuccess"))
            return 1;
    }
    return 0;
}

/* Salesforce answers 401 with [{"message":…,"errorCode":
 * "INVALID_SESSION_ID"}]; an object form is accepted as well. */
static int
body_session_expired(json_t *body)
{
    json_t *item;
    size_t i;

    if (json_is_object(body))
        body = json_pack("[O]", body);
    else
        json_incref(body);
    json_array_foreach(body, i, item) {
        const char *code =
            json_string_value(json_object_get(item, "errorCode"));

        if (code != NULL && strcmp(code, "INVALID_SESSION_ID") == 0) {
            json_decref(body);
            return 1;
        }
    }
    json_decref(body);
    return 0;
}

static struct classify_result
classify_status(long status, json_t *body)
{
    const struct status_rule *r;
    struct classify_result res;

    for (r = status_rules; r->lo != 0; r++)
        if (status >= r->lo && status <= r->hi)
            break;
    res.verdict = r->verdict;
    res.reason = r->reason;
    if (r->check == BODY_SUCCESS_FLAGS && body_reports_failure(body)) {
        res.verdict = CLASSIFY_RETRY;
        res.reason = "validation";
    } else if (r->check == BODY_SESSION && body_session_expired(body)) {
        res.verdict = CLASSIFY_REAUTH;
        res.reason = "session_expired";
    }
    return res;
}

struct classify_result
classify(int curlcode, long status, json_t *body)
{
    struct classify_result res = {CLASSIFY_REJECTED, "transport"};
    const struct curl_rule *c;

    /* A response that arrived but overflowed our cap still has a status;
     * what the server did is what counts. */
    if (curlcode == CURLE_OK || (curlcode == CURLE_WRITE_ERROR && status))
        return classify_status(status, body);
    for (c = curl_retry; c->reason != NULL; c++)
        if ((int)c->code == curlcode) {
            res.verdict = CLASSIFY_RETRY;
            res.reason = c->reason;
            break;
        }
    return res;
}

int64_t
classify_backoff_ms(const struct buyer_retry *r, int retry_no,
                    int64_t retry_after_ms, uint64_t rand64)
{
    int64_t d = r->backoff_ms;
    int i;

    for (i = 1; i < retry_no && d < r->backoff_max_ms; i++)
        d *= 2;
    if (d > r->backoff_max_ms)
        d = r->backoff_max_ms;
    /* Equal jitter: half fixed, half random, so that leads failed by the
     * same outage do not come back in one wave. */
    if (r->jitter && d > 1)
        d = d / 2 + (int64_t)(rand64 % (uint64_t)(d - d / 2 + 1));
    if (retry_after_ms >= 0) {
        if (retry_after_ms > r->retry_after_max_ms)
            retry_after_ms = r->retry_after_max_ms;
        if (retry_after_ms > d)
            d = retry_after_ms;
    }
    return d;
}

int64_t
classify_retry_after(const char *value, int64_t now_ms)
{
    struct tm tm;
    const char *end;
    int64_t secs, at;

    while (*value == ' ' || *value == '\t')
        value++;
    if (parse_int64(value, 0, 86400LL * 365, &secs) == 0)
        return secs * 1000;
    /* IMF-fixdate, the only date form senders may generate (RFC 9110). */
    memset(&tm, 0, sizeof(tm));
    end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == NULL || *end != '\0')
        return -1;
    at = (int64_t)timegm(&tm) * 1000;
    return at > now_ms ? at - now_ms : 0;
}
