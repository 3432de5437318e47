/*
 * payload.h - one lead turned into one HTTP request for one buyer.
 *
 * payload.c owns the field mapping (mapping, then static_fields as
 * defaults), value conversion (everything a string; booleans as "1"/"0" in
 * forms, which Web-to-Lead checkboxes accept, and "true"/"false" in JSON)
 * and the body encodings. It is pure: no I/O, no libcurl.
 */
#ifndef CLIENT_PAYLOAD_H
#define CLIENT_PAYLOAD_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "buyer.h"
#include "err.h"
#include "lead.h"

#define PAYLOAD_BODY_MAX (1024 * 1024)

struct payload {
    const char *method;       /* "POST" or "PATCH" (upsert); static */
    char *url;                /* owned */
    const char *content_type; /* static */
    char *body;               /* owned, NUL-terminated */
    size_t len;
};

/*
 * Builds the request for lead l. Returns 0, or -1 with err (an upsert lead
 * without its external id value, a body over PAYLOAD_BODY_MAX); out is
 * then empty. Free with payload_free().
 */
int payload_build(const struct buyer *b, const struct lead *l,
                  struct payload *out, struct sf_err *err);
void payload_free(struct payload *p);
/*
 * Lead l as one record of a batch (collection or bulk): a new object of
 * the mapped fields as strings, with the external id field (when the
 * buyer upserts) set from external_id_from. NULL with err when that value
 * is missing.
 */
json_t *payload_record(const struct buyer *b, const struct lead *l,
                       struct sf_err *err);
/*
 * payload_record()'s record as one element of an sObject Collections call,
 * appended to out as JSON text: {"attributes": {"type": object}, then the
 * record's members in order}, byte for byte what json_dumps(JSON_COMPACT)
 * wrote of that object updated with the record (so a member named
 * "attributes" stands in for the type object). Returns 0, or -1 with err
 * (the external id value missing, out full); out then holds part of it.
 */
int payload_record_text(const struct buyer *b, const struct lead *l,
                        struct buf *out, struct sf_err *err);

/* Appends s form-urlencoded (space as '+', UTF-8 bytes as %XX). */
int payload_form_escape(struct buf *out, const char *s);
/* Appends s percent-encoded for a URL path segment. */
int payload_path_escape(struct buf *out, const char *s);
/* A copy of url with encoding=UTF-8 in its query unless it has an
 * encoding already; caller frees with free(). */
char *payload_w2l_url(const char *url);

#endif
