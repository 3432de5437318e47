/*
 * bulk1xml.h - the little XML Bulk API 1.0 needs: reading a flat request
 * body (<jobInfo> with one level of text elements, as a job is created or
 * its state changed) and escaping text for the XML answers.
 *
 * The reader takes an optional <?xml ...?> declaration, one root element
 * (its attributes, xmlns among them, are skipped) and child elements
 * without attributes holding text with the five predefined entities and
 * numeric character references. Anything else (comments, DOCTYPE, CDATA,
 * nested elements, mismatched tags, text past the root) is an error: the
 * bodies Bulk API clients send are this simple, and every size is bounded.
 * This module knows nothing of jobs or HTTP.
 */
#ifndef SIM_BULK1XML_H
#define SIM_BULK1XML_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define BULK1XML_NAME_MAX 64   /* bytes in an element name, NUL included */
#define BULK1XML_VALUE_MAX 256 /* bytes in an element's text, NUL included */
#define BULK1XML_FIELDS_MAX 32 /* child elements of the root */

struct bulk1xml_field {
    char name[BULK1XML_NAME_MAX];
    char value[BULK1XML_VALUE_MAX];
};

/* A flat document as read: the root's name and its children in order. */
struct bulk1xml_doc {
    char root[BULK1XML_NAME_MAX];
    struct bulk1xml_field fields[BULK1XML_FIELDS_MAX];
    size_t n;
};

/* Reads text[0..len) into *doc: 0, or -1 with err set (what and where). */
int bulk1xml_read(const char *text, size_t len, struct bulk1xml_doc *doc,
                  struct sf_err *err);
/* The text of the first child named name, or NULL. Borrowed from doc. */
const char *bulk1xml_get(const struct bulk1xml_doc *doc, const char *name);

#endif
