/*
 * jackson.h - JSON in the layout of Jackson's default pretty printer, which
 * is how Salesforce's Bulk API writes every JSON answer (facts 3.1): one
 * member per line, two spaces of indent per object level, " : " between
 * key and value, arrays on one line ("[ {", "}, {", "} ]"), empty ones as
 * "[ ]" and "{ }", and no newline at the end.
 *
 * Only the layout is this module's; the values come from jansson.
 */
#ifndef SIM_JACKSON_H
#define SIM_JACKSON_H

#include <jansson.h>

#include "buf.h"

/* Appends j (borrowed) to out; 0, or -1 when out is full. */
int jackson_dump(const json_t *j, struct buf *out);

#endif
