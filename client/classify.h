/*
 * classify.h - what one HTTP attempt's result means, and when to try again.
 *
 * classify() is a pure, table-driven function of (CURLcode, HTTP status,
 * parsed body): the whole retry policy of the seed page is in classify.c's
 * tables, not in the loop. The backoff schedule and Retry-After parsing are
 * here too, pure, so unit tests never sleep.
 */
#ifndef CLIENT_CLASSIFY_H
#define CLIENT_CLASSIFY_H

#include <jansson.h>
#include <stdint.h>

#include "buyer.h"

#define CLASSIFY_VERDICTS(X)                                                   \
    X(CLASSIFY_DONE, "done")         /* delivered; never retried */            \
    X(CLASSIFY_RETRY, "retry")       /* retry if retries remain */             \
    X(CLASSIFY_REJECTED, "rejected") /* terminal; retrying cannot help */      \
    X(CLASSIFY_REAUTH, "reauth")     /* refresh the token, retry for free */

#define CLASSIFY_ENUM(name, str) name,
enum classify_verdict { CLASSIFY_VERDICTS(CLASSIFY_ENUM) };
#undef CLASSIFY_ENUM

struct classify_result {
    enum classify_verdict verdict;
    const char *reason; /* static: "timeout", "http_5xx", "validation"... */
};

/*
 * curlcode is a CURLcode; status is 0 when no response arrived; body is the
 * parsed response (NULL when not JSON). Returns the verdict and a reason.
 */
struct classify_result classify(int curlcode, long status, json_t *body);
const char *classify_verdict_str(enum classify_verdict v);

/*
 * The wait before retry number retry_no (1 for the first retry):
 * backoff_ms * 2^(retry_no-1), capped at backoff_max_ms; with jitter a value
 * uniformly in [d/2, d] chosen by rand64. A Retry-After (retry_after_ms >=
 * 0) is honoured as a minimum, capped at retry_after_max_ms.
 */
int64_t classify_backoff_ms(const struct buyer_retry *r, int retry_no,
                            int64_t retry_after_ms, uint64_t rand64);

/*
 * A Retry-After header value (delta-seconds or an HTTP-date) in ms from
 * now_ms (epoch ms); -1 when it cannot be parsed. A date in the past is 0.
 */
int64_t classify_retry_after(const char *value, int64_t now_ms);

#endif
