/*
 * redact.h - secrets kept out of everything the sim writes down.
 *
 * One list of parameter names (README, "Security"), compared without
 * regard to case, whose values are replaced by REDACT_MARK wherever the
 * sim records a request: query strings, form bodies and JSON bodies (keys
 * at any depth) in the journal (memory and --journal file), and the lead
 * data in recorded mail. Headers are never journaled: Authorization is
 * reduced to its scheme by the caller. Pure text functions: no sim state,
 * no HTTP library.
 */
#ifndef SIM_REDACT_H
#define SIM_REDACT_H

#include <stddef.h>

#include "buf.h"

#define REDACT_MARK "[redacted]"

/* Whether name (len bytes, already decoded) is on the list. */
int redact_name(const char *name, size_t len);
/* value, or REDACT_MARK when name is on the list (borrowed). */
const char *redact_value(const char *name, const char *value);
/*
 * body (len bytes, any content) with the values of listed parameters
 * replaced: read as JSON when it starts with '{' or '[' (a lexical scan, so
 * truncated or malformed JSON is redacted too); as XML when it starts with
 * '<' (the content of every element whose local name is listed, whatever
 * its prefix: <password>, <n1:sessionId>; also lexical); otherwise, or
 * when the XML reading found nothing, as
 * application/x-www-form-urlencoded pairs (names percent-decoded). Returns
 * 1 with the redacted text appended to out, or 0 (out untouched) when
 * there was nothing to redact.
 */
int redact_body(const char *body, size_t len, struct buf *out);

#endif
