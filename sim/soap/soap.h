/*
 * soap.h - the SOAP 1.1 envelopes sfsim reads and writes.
 *
 * Reading (soap_doc_read) is the one path for every call, login() and the
 * data calls alike: the whole envelope into a tree by xmlread.h's expat
 * reader, namespace-aware: elements are matched by namespace URI and local
 * name, never by prefix, so <login xmlns="urn:partner.soap.sforce.com">
 * and <n1:login xmlns:n1=...> are the same call. It is bounded
 * (SOAP_MAX_BODY bytes, SOAP_MAX_DEPTH levels, SOAP_MAX_ELEMENTS elements,
 * SOAP_MAX_TEXT bytes of text in one element) and refuses a document type
 * declaration outright, so no entity, internal or external, is ever
 * declared or expanded and nothing is loaded from anywhere. A call is the
 * operation (the first element of the Body), its arguments (the
 * operation's child elements) and the Header's SessionHeader.
 *
 * Writing: the fault envelope. Nothing here knows which operations exist
 * or HTTP.
 */
#ifndef SIM_SOAP_H
#define SIM_SOAP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define SOAP_NS_ENVELOPE "http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP_NS_PARTNER "urn:partner.soap.sforce.com"
#define SOAP_NS_PARTNER_FAULT "urn:fault.partner.soap.sforce.com"
#define SOAP_NS_XSI "http://www.w3.org/2001/XMLSchema-instance"

#define SOAP_MAX_BODY (64 * 1024)
#define SOAP_MAX_DEPTH 32
#define SOAP_MAX_ELEMENTS 2000
#define SOAP_MAX_TEXT 4096
#define SOAP_NAME_MAX 64
#define SOAP_NS_MAX 256

/* A call read whole; the tree is owned, header and op point into it. */
struct xmlread_node;
struct soap_doc {
    struct xmlread_node *root;         /* the Envelope (owned) */
    const struct xmlread_node *header; /* its Header, or NULL */
    const struct xmlread_node *op;     /* the Body's first element */
};

/*
 * Reads body (len bytes) into out. 0, or -1 with a message fit for a
 * fault in err ("line L, column C: ..." where the reader knows where: a
 * malformed document, a DOCTYPE, a root that is no SOAP 1.1 Envelope,
 * past a bound; "the SOAP Body holds no operation"). Free out with
 * soap_doc_free() either way.
 */
int soap_doc_read(const char *body, size_t len, struct soap_doc *out,
                  struct sf_err *err);
void soap_doc_free(struct soap_doc *d);
/* The operation's namespace URI, "" for none (borrowed). */
const char *soap_doc_op_ns(const struct soap_doc *d);
/* The text of the operation's first child element with that local name,
 * in the operation's namespace or in none (borrowed), or NULL. */
const char *soap_doc_arg(const struct soap_doc *d, const char *name);
/* The SessionHeader's sessionId (borrowed), or NULL. */
const char *soap_doc_session(const struct soap_doc *d);
/*
 * A whole fault envelope into out: faultcode (already prefixed, e.g.
 * "sf:INVALID_LOGIN" or "soapenv:Client"), faultstring, and, when
 * detail_type is not NULL, a detail element sf:<detail_type> carrying
 * sf:exceptionCode and sf:exceptionMessage (Salesforce's ApiFault shape).
 */
void soap_fault(struct buf *out, const char *faultcode, const char *faultstring,
                const char *detail_type, const char *exception_code,
                const char *exception_message);

#endif
