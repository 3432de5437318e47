/*
 * reconcile.h - reading back what Web-to-Lead really created.
 *
 * Web-to-Lead answers 200 whether or not it created the lead: past the
 * org's daily cap, on a failed reCAPTCHA, a restricted picklist or a
 * validation rule it drops the lead silently. When the buyer also has API
 * credentials for the org (buyer.reconcile + auth.*), sfdeliver asks the
 * org with SOQL which of the leads it sent exist:
 *   SELECT <match_field> FROM <object> WHERE <match_field> IN ('id1', ...)
 * A lead Web-to-Lead answered 200 for that does not come back was silently
 * dropped. reconcile.c owns the query text, its paging and the answer; the
 * requests are blocking transfers (transfer_perform), made after the
 * delivery loop, with one token refresh on 401 INVALID_SESSION_ID. It
 * decides nothing about outcomes; main.c does.
 */
#ifndef CLIENT_RECONCILE_H
#define CLIENT_RECONCILE_H

#include <jansson.h>
#include <stddef.h>

#include "buyer.h"
#include "err.h"

/* Most pages followed per batch (nextRecordsUrl), a cap on a bad server. */
#define RECONCILE_MAX_PAGES 64

struct reconcile {
    const struct buyer *b; /* borrowed */
    char *token;           /* owned: the access token in use, or NULL */
    int token_changed;     /* refreshed here: the caller persists it */
    int queries;           /* query requests sent */
};

/*
 * The SOQL text for values[0..n) (SOQL string literals, quotes and
 * backslashes escaped). Caller frees with free().
 */
char *reconcile_soql(const struct buyer_reconcile *rc,
                     const char *const *values, size_t n);
/* query_url + "?q=" + soql percent-encoded. Caller frees with free(). */
char *reconcile_url(const char *query_url, const char *soql);
/*
 * Adds the match_field value of every record in a query answer to found
 * (an object used as a set; values become keys). *next (borrowed from
 * body) is set to nextRecordsUrl when the answer is not done, else NULL.
 * Returns 0, or -1 with err when body is not a query answer.
 */
int reconcile_collect(json_t *body, const char *match_field, json_t *found,
                      const char **next, struct sf_err *err);

/*
 * Starts a reconciliation for b with the access token to try first
 * (copied; may be NULL: then auth.* is used to get one, or the
 * Authorization header of reconcile.headers is sent as given).
 */
void reconcile_init(struct reconcile *r, const struct buyer *b,
                    const char *token);
/*
 * Queries the org for values[0..n) in batches of reconcile.batch_size and
 * adds those that exist to found. Returns how many values, from the first,
 * were answered for: n, or fewer with err set when the org could not be
 * asked (transport, auth, an error answer) for the rest.
 */
size_t reconcile_run(struct reconcile *r, const char *const *values, size_t n,
                     json_t *found, struct sf_err *err);
void reconcile_free(struct reconcile *r);

#endif
