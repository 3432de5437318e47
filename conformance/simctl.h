/*
 * simctl.h - driving a running sfsim through its public admin API.
 *
 * The runner talks to the simulator only as any user's script would: HTTP
 * calls under /__sim/ (and the public OAuth revoke endpoint), one libcurl
 * easy handle per simulator, kept alive between calls. Nothing here knows
 * how the sim is built.
 */
#ifndef CONF_SIMCTL_H
#define CONF_SIMCTL_H

#include <jansson.h>

#include "err.h"

#define SIMCTL_MAX_ANSWER (64 * 1024 * 1024)

struct simctl;

/* base_url like http://127.0.0.1:PORT (copied). Caller frees with
 * simctl_free(). */
struct simctl *simctl_new(const char *base_url);
void simctl_free(struct simctl *c);
/* Trust the certificates in ca_file (PEM, copied) for an https:// sim. */
void simctl_set_ca(struct simctl *c, const char *ca_file);

/*
 * Sends method base_url+path with an optional JSON body (text, may be
 * NULL) and returns the parsed answer (new reference). NULL (err set) on a
 * transport error, a status outside 2xx, or an answer that is not JSON.
 */
json_t *simctl_call(struct simctl *c, const char *method, const char *path,
                    const char *body, struct sf_err *err);

/* The simulated time as RFC 3339 into out (size n). 0 or -1 (err set). */
int simctl_now(struct simctl *c, char *out, size_t n, struct sf_err *err);
/* POST /__sim/clock {"advance_seconds": secs}. */
int simctl_advance(struct simctl *c, double secs, struct sf_err *err);
/* POST /__sim/clock {"frozen": frozen}. */
int simctl_freeze(struct simctl *c, int frozen, struct sf_err *err);
/* PUT /__sim/org with the org document's text. */
int simctl_put_org(struct simctl *c, const char *text, struct sf_err *err);
/* POST /__sim/faults with one rule (borrowed). */
int simctl_add_fault(struct simctl *c, json_t *rule, struct sf_err *err);
int simctl_clear_faults(struct simctl *c, struct sf_err *err);
int simctl_expire_tokens(struct simctl *c, struct sf_err *err);
/*
 * POST /__sim/tokens: a fresh token pair. The answer (new reference) has
 * access_token and refresh_token. NULL (err set) on failure.
 */
json_t *simctl_issue_tokens(struct simctl *c, struct sf_err *err);
/* POST /services/oauth2/revoke token=T (a refresh token revokes its
 * whole grant, as in Salesforce). */
int simctl_revoke(struct simctl *c, const char *token, struct sf_err *err);

#endif
