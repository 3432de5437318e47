/*
 * wire.h - what arrived at the simulator, per lead.
 *
 * The journal says what the sim received and did, request by request; it
 * does not say which lead a request carried. This module decodes each
 * request body (form-encoded or JSON) into its fields and attributes the
 * request to the lead whose identifying value (the case's lead_key, e.g.
 * its email) appears among them. The result is the wire's own account of
 * each lead: its attempts, in order, with status, verdict and timing.
 *
 * A batch (sObject Collections, a Bulk API upload) carries many leads:
 * where the sim journaled its records (kind "record", with batch_seq),
 * each record is an attempt of its own lead and the request itself is
 * none; a lead a batch answered 2xx carried but has no record of (a Bulk
 * row not processed, or not yet) gets the request as an attempt with
 * verdict "not_processed" and status 0. Where the sim journaled no record
 * and did not answer 2xx (the request failed whole: a 401, a 5xx, a
 * reset), the request is an attempt of every lead it carried.
 */
#ifndef CONF_WIRE_H
#define CONF_WIRE_H

#include <jansson.h>

/* Where clients ask for tokens: such requests are no lead's attempt. */
#define WIRE_TOKEN_PATH "/services/oauth2/token"

/*
 * The fields of one journal entry's body as a flat object name -> string
 * (form parameters percent-decoded; JSON string, number and boolean
 * leaves by their key, the first occurrence winning). New reference.
 */
json_t *wire_fields(json_t *entry);

/*
 * {lead_id: [attempt, ...]} for every lead in leads (an array of
 * {"id": ..., "key": ...}). An attempt is
 * {"seq", "time", "time_ms", "method", "path", "query", "status",
 *  "verdict", "detail", "content_type", "auth", "fields", "body"}. Requests
 * that carry no lead's key (token requests, say) are left out. A batch
 * record's attempt has its own seq, time, verdict and detail, its fields,
 * the request's query, content type and auth, "batch_seq", and a status
 * of its own (201 created, 200 updated, 400 anything else). New
 * reference.
 */
json_t *wire_attempts(json_t *journal, json_t *leads);

/*
 * The requests of journal that carry no lead (token requests, queries,
 * posts of unknown leads), in order, each as an attempt without fields
 * and body. attempts is what wire_attempts() returned. New reference.
 */
json_t *wire_other_requests(json_t *journal, json_t *attempts);

/* The value at a dotted path ("custom.case_type") of a lead, as a string
 * into out (size n); NULL when absent or not a scalar. */
const char *wire_lead_value(json_t *lead, const char *path, char *out,
                            size_t n);

/* 1 when an attempt's status is 2xx. */
int wire_is_success(json_t *attempt);

#endif
