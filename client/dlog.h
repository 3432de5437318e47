/*
 * dlog.h - the delivery log: one JSON line per HTTP attempt.
 *
 * A batch request is one line with "lead_id": null, "batch" and "leads",
 * followed by one line per lead in it with "batch" and "index" (its
 * element of the answer as "body").
 *
 * Each line: {"time", "lead_id", "attempt", "method", "url", "status",
 * "curl_code", "error", "verdict", "reason", "headers": {the response
 * headers that matter}, "body": excerpt, "retry_in_ms"}. The request's own
 * headers are never written, so the Bearer token cannot leak; the URL has
 * its query string cut for the same reason. dlog.c only formats and writes:
 * by hand into one reused buffer, since a line per attempt is on the hot
 * path of a large batch. Bytes that are not UTF-8 become U+FFFD, so every
 * line is valid JSON whatever a server sent.
 */
#ifndef CLIENT_DLOG_H
#define CLIENT_DLOG_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"
#include "timefmt.h"

#define DLOG_BODY_EXCERPT 512
#define DLOG_MID_STRS 8 /* the strings of a line's "method" to "headers" */

struct dlog_entry {
    int64_t time_ms; /* calendar time */
    const char *lead_id;
    int attempt;
    const char *method;
    const char *url;
    long status;         /* 0: no response */
    int curl_code;       /* CURLcode */
    const char *error;   /* transport error text or NULL */
    const char *verdict; /* classify_verdict_str() */
    const char *reason;
    const char *retry_after; /* response header values, or NULL */
    const char *content_type;
    const char *limit_info; /* Sforce-Limit-Info */
    const char *body;       /* response body (excerpted here) */
    size_t body_len;
    int64_t retry_in_ms; /* -1: no retry scheduled */
    /* Batches (collection, bulk): the request's line has batch set,
     * lead_id NULL and leads > 0; each lead's part in it has batch,
     * lead_id and index (its place in the request; -1: none). */
    const char *batch;
    int leads;
    int index;
};

struct dlog {
    FILE *fp;             /* NULL: logging off */
    struct buf ln;        /* the line being formatted, reused */
    char ts[TIMEFMT_LEN]; /* the last time formatted ... */
    int64_t ts_sec;       /* ... and its second (-1: none) */
    /* The last body excerpt and its JSON text: a server that answers with
     * the same page every time (Web-to-Lead does) is escaped once. */
    struct buf body_raw, body_json;
    /* The members from "method" to "headers" of the last line, and what
     * they were made of (owned copies): a batch's lines share them, lead
     * after lead. */
    struct buf mid;
    char *mid_str[DLOG_MID_STRS];
    long mid_status;
    int mid_curl_code;
    char *iobuf; /* owned: fp's stdio buffer (DLOG_BUFFER bytes) */
};

/* path NULL turns logging off. Returns 0 or -1 with err. */
int dlog_open(struct dlog *d, const char *path, struct sf_err *err);
/* Writes out the lines buffered so far. sfdeliver calls it about once a
 * second, so that the log on disk is never more than a second behind. */
void dlog_flush(struct dlog *d);
void dlog_write(struct dlog *d, const struct dlog_entry *e);
void dlog_close(struct dlog *d);

#endif
