/*
 * collmap.h - sObject Collections requests and answers: many leads, one call.
 *
 * collmap.c is pure: it builds the body of one Collections call from the
 * leads' records (payload_record_text()) and maps the answer back to each lead,
 * element i to the lead sent i-th. A lead is done only when its own element
 * says "success": true; a failed element gets the verdict the single-record
 * path gives the same error code (classify() of a 400 with that error), so
 * the retry table is the same for both paths. The loop that sends is
 * batchrun.c's.
 */
#ifndef CLIENT_COLLMAP_H
#define CLIENT_COLLMAP_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "buyer.h"
#include "classify.h"

#define COLLMAP_ERROR_MAX 512

/* What the answer says of one lead of the call. */
struct collmap_verdict {
    enum classify_verdict verdict;
    const char *reason;            /* static: "ok", "validation", ... */
    char error[COLLMAP_ERROR_MAX]; /* "CODE: message" of a failed element */
    json_t *elem;                  /* its element (borrowed from the answer),
                                      NULL when the whole call decided */
    /* Its element's text in the answer (borrowed), when
     * collmap_map_text() judged it; NULL otherwise. */
    const char *text;
    size_t text_len;
};

/*
 * The request for records[0..n) (each a payload_record_text(), the JSON
 * text of one record with its "attributes"): *method ("POST", or "PATCH"
 * for an upsert by the buyer's external id), the URL (caller frees:
 * delivery.url, plus "/{object}/{external_id_field}" for an upsert) and
 * the body (caller frees; its length in *len): {"allOrNone":
 * delivery.all_or_none (false unless the buyer asks), "records": [the
 * records]}. Under allOrNone a call with one failed record saved none: the
 * others answer ALL_OR_NONE_OPERATION_ROLLED_BACK (reason "rolled_back",
 * retried as any failed element, never delivered).
 */
char *collmap_url(const struct buyer *b, const char **method);
char *collmap_body(const struct buyer *b, const char *const *records, size_t n,
                   size_t *len);
/* The same body appended to out: 0, or -1 when out is full (then it holds
 * part of it). */
int collmap_body_buf(const struct buyer *b, const char *const *records,
                     size_t n, struct buf *out);

/*
 * Maps the answer of a call of n records (curlcode a CURLcode, status 0
 * without an answer, body the parsed answer or NULL) into out[0..n).
 * Returns 1 when the answer was a 2xx array of n elements, each lead then
 * judged by its own element; 0 when the call as a whole decided (a
 * transport error, a 4xx or 5xx, a 2xx that is not such an array: then
 * every out[i] has the same verdict, and a malformed 2xx is rejected with
 * reason "bad_answer").
 */
int collmap_map(int curlcode, long status, json_t *body, size_t n,
                struct collmap_verdict *out);
/*
 * The common answer judged without building it in jansson: when the call
 * succeeded (curlcode 0, a 2xx) and text[0..len) is an array of n
 * elements, each an object with "success": true written exactly as
 * jwrite_value() would write the element jansson reads from it (no blank,
 * no escape, nothing but ASCII, no repeated key, integers only, shallow),
 * every out[i] is done ("ok") with its element's bytes in text and
 * text_len (elem NULL), and the answer is 1: what collmap_map() of the
 * parsed answer decides, and the same text as the element's compact JSON.
 * Anything else is 0, and out is to be filled by collmap_map().
 */
int collmap_map_text(int curlcode, long status, const char *text, size_t len,
                     size_t n, struct collmap_verdict *out);

#endif
