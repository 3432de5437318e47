/*
 * transfer.h - one HTTP attempt on a libcurl easy handle.
 *
 * transfer.c owns the easy handle's options, the request header list, the
 * bounded response buffer and the few response headers that matter
 * (Retry-After, Content-Type, Sforce-Limit-Info). A transfer is reused for
 * every attempt of its lead: transfer_setup() resets per-attempt state and
 * sets the options that change; those that do not (callbacks, the URL when
 * it is the same, a header list it was given before) stay set on the easy
 * handle. It does not touch the multi handle (deliver.c adds and removes
 * it).
 */
#ifndef CLIENT_TRANSFER_H
#define CLIENT_TRANSFER_H

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "buyer.h"

#define TRANSFER_RESP_MAX (256 * 1024)
#define TRANSFER_HDR_MAX 128
/* Bodies larger than this may make libcurl ask "Expect: 100-continue"
 * (1 MiB in libcurl 7.88, 1 KiB in older ones): above it the header list
 * turns that off, below it the list leaves it out. */
#define TRANSFER_EXPECT_MIN 1024

struct transfer_req {
    const char *method; /* "POST", "PATCH" or "GET" (no body) */
    const char *url;
    const char *content_type;
    const char *body;
    size_t len;
    const struct buyer_pair *headers; /* extra headers, sent as given */
    size_t nheaders;
    /* A header list from transfer_headers() to send instead of building
     * one from content_type and headers (borrowed; must outlive the
     * attempt). NULL: build one. */
    struct curl_slist *hdr_list;
    long connect_timeout_ms;
    long timeout_ms;
    /* Certificates to trust for https:// (CURLOPT_CAINFO), or NULL: set
     * once per easy handle, on its first attempt. */
    const char *ca_file;
};

struct transfer {
    CURL *easy;                  /* owned; created on first setup */
    struct curl_slist *hdrs;     /* owned; built when no hdr_list */
    struct curl_slist *hdrs_set; /* the list libcurl was last given */
    char *url;                   /* owned; the URL libcurl was last given */
    CURLU *uh;                   /* owned; url parsed, or NULL */
    int ready;                   /* the options that never change are set */
    struct buf resp;             /* response body, capped */
    char errbuf[CURL_ERROR_SIZE];
    char retry_after[TRANSFER_HDR_MAX];
    char content_type[TRANSFER_HDR_MAX];
    char limit_info[TRANSFER_HDR_MAX];
    long status; /* after transfer_done(); 0 without a response */
    int sends;   /* requests libcurl began this attempt (at most 1 goes) */
    void *owner; /* CURLOPT_PRIVATE back-pointer */
};

void transfer_init(struct transfer *t, void *owner);
/*
 * The request header list for content_type (may be NULL), a body of
 * body_len bytes and the extra headers h[0..n), as transfer_setup() builds
 * it, to share between transfers through transfer_req.hdr_list (with
 * bodies on the same side of TRANSFER_EXPECT_MIN). A form content type is
 * left to libcurl, which sends exactly that for a posted body. Caller
 * frees with curl_slist_free_all() once no transfer uses it. Every header
 * in the list costs libcurl a formatted write per request: it holds only
 * what is needed.
 */
struct curl_slist *transfer_headers(const char *content_type, size_t body_len,
                                    const struct buyer_pair *h, size_t n);
/* Prepares the next attempt. The request's strings must outlive the
 * attempt. Returns 0, or -1 when libcurl refuses an option. */
int transfer_setup(struct transfer *t, const struct transfer_req *req);
/*
 * Records the status once the multi reports the transfer done with code (a
 * CURLcode), and returns the CURLcode to report for the attempt.
 *
 * Each attempt sends its request once. When a request on a reused
 * keep-alive connection gets not a byte of answer (the server reset or
 * closed it, possibly after reading the request), libcurl would send it
 * again at once on another connection, unseen by the retry policy, its
 * backoff, its attempt count and the delivery log. transfer.c stops that
 * resend before it goes, and the attempt ends as CURLE_GOT_NOTHING with an
 * error saying so: the caller retries it, or not, like any other
 * connection that closed without an answer.
 */
int transfer_done(struct transfer *t, int code);
/*
 * Runs a set-up transfer to its end on the calling thread (for the few
 * requests made outside the delivery loop, such as reconciliation
 * queries), then records the status like transfer_done(). Returns the
 * CURLcode as an int, as transfer_done() does.
 */
int transfer_perform(struct transfer *t);
/* The response parsed as JSON (new reference), or NULL. */
json_t *transfer_json(const struct transfer *t);
void transfer_cleanup(struct transfer *t);

#endif
