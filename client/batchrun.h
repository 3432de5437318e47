/*
 * batchrun.h - the delivery loop for delivery.format "collection".
 *
 * batchrun.c takes the leads the source hook gives (the same hooks and
 * config as deliver.h's loop, so main.c wires both alike) and sends them
 * batch_size at a time in sObject Collections calls with allOrNone false
 * (true with delivery.all_or_none),
 * up to delivery.concurrency calls in flight on keep-alive connections
 * (one libcurl multi). Each lead's outcome
 * comes from its own element of the answer (collmap.h); a lead whose element
 * failed is retried by itself, per the retry table, in a later call with
 * other leads, never with one that succeeded. A call that got no answer:
 * when it never went out, or the buyer upserts by external id (PATCH
 * composite/sobjects/{Object}/{Field}, where a resend updates what the
 * first one created), every lead of it is retried; otherwise the org may
 * have created them, and a resend would create them twice, so they end
 * delivery_failed with reason "unknown_result" and are not resent. A 401
 * INVALID_SESSION_ID refreshes the token (blocking, once for all the
 * calls sent with the same token) and sends the call again, without
 * counting a retry. It reports every call and each lead's
 * part in it through on_attempt, and every lead once through on_result;
 * it writes no files.
 */
#ifndef CLIENT_BATCHRUN_H
#define CLIENT_BATCHRUN_H

#include "deliver.h"

struct batchrun;

/* Copies cfg and hooks (cfg->concurrency: calls in flight). Caller frees
 * with batchrun_free(). */
struct batchrun *batchrun_new(const struct deliver_config *cfg,
                              const struct deliver_hooks *hooks);
/* Sends every lead of the source to a final outcome; 0, or -1 when
 * libcurl could not be set up. */
int batchrun_run(struct batchrun *d);
/* As deliver_stop(): nothing new is sent, every lead not final is held
 * with reason "stopped" and why. */
void batchrun_stop(struct batchrun *d, const char *why);
/* As deliver_token_used_ms(), deliver_auth_error(). */
int64_t batchrun_token_used_ms(const struct batchrun *d);
const char *batchrun_auth_error(const struct batchrun *d);
void batchrun_free(struct batchrun *d);

#endif
