/*
 * authsync.h - blocking requests outside the delivery multi loop: the
 * refresh-token grant and the retry wait they share.
 *
 * reconcile.c (the Web-to-Lead read-back), batch.c (sObject Collections)
 * and bulkjob.c (Bulk API 2.0) send one request at a time on a transfer
 * they own; authsync.c refreshes the buyer's token on such a transfer and
 * decides, after a request that may heal, whether to sleep and try again.
 * It owns nothing past a call: the token returned is the caller's.
 */
#ifndef CLIENT_AUTHSYNC_H
#define CLIENT_AUTHSYNC_H

#include "buyer.h"
#include "err.h"
#include "rng.h"
#include "transfer.h"

/*
 * After a blocking request on t that ended with code (a CURLcode; non-zero:
 * no answer): when it may heal (no answer, 429 or 5xx) and fewer than the
 * buyer's max_retries were retried (*tries), sleeps the backoff of the
 * next retry, counts it and returns 1; else 0.
 */
int authsync_wait_to_retry(const struct buyer *b, const struct transfer *t,
                           int code, int *tries, struct rng *rng);
/*
 * The refresh-token grant on t, blocking; a transport error, 429 or 5xx is
 * retried with the buyer's backoff. Returns the new access token (caller
 * frees), or NULL with err ("token refresh failed: ...").
 */
char *authsync_refresh(const struct buyer *b, struct transfer *t,
                       struct sf_err *err);
/*
 * authsync_refresh() for b's own delivery token: on success b's
 * Authorization header becomes "Bearer <token>" and the token is returned
 * (caller frees), for the caller to persist; NULL with err otherwise.
 */
char *authsync_renew(struct buyer *b, struct transfer *t, struct sf_err *err);
/* 1 when the answer on t (parsed body, may be NULL) is Salesforce's
 * 401 INVALID_SESSION_ID. */
int authsync_session_error(const struct transfer *t, json_t *body);

#endif
