/*
 * soap.h - the SOAP 1.1 envelopes sfsim reads and writes.
 *
 * Reading (soap_read) uses expat, namespace-aware: elements are matched by
 * namespace URI and local name, never by prefix, so <login
 * xmlns="urn:partner.soap.sforce.com"> and <n1:login xmlns:n1=…> are the
 * same call. It is bounded (SOAP_MAX_BODY bytes, SOAP_MAX_DEPTH levels,
 * SOAP_MAX_ELEMENTS elements, SOAP_MAX_TEXT bytes of an argument) and
 * refuses a document type declaration outright, so no entity, internal or
 * external, is ever declared or expanded and nothing is loaded from
 * anywhere. What a call carries is the operation (the first element of
 * the Body) and the text of its child elements; headers are not read.
 *
 * Writing: XML text escaping and the fault envelope. Nothing here knows
 * which operations exist or HTTP.
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
#define SOAP_MAX_ARGS 16
#define SOAP_NAME_MAX 64
#define SOAP_NS_MAX 256

/* One argument of the operation: a child element and its text. */
struct soap_arg {
    char name[SOAP_NAME_MAX]; /* local name */
    struct buf value;         /* text, UTF-8, at most SOAP_MAX_TEXT */
};

struct soap_call {
    char op_ns[SOAP_NS_MAX]; /* the operation's namespace ("" for none) */
    char op[SOAP_NAME_MAX];  /* its local name */
    struct soap_arg args[SOAP_MAX_ARGS]; /* in the operation's namespace or
                                            none; the first of each name */
    size_t nargs;
};

/*
 * Reads body (len bytes) into out. 0, or -1 with a message fit for a
 * fault in err ("line L, column C: …" where the parser knows where).
 * Free out with soap_call_free() either way.
 */
int soap_read(const char *body, size_t len, struct soap_call *out,
              struct sf_err *err);
void soap_call_free(struct soap_call *c);
/* The text of argument name, borrowed from c; NULL when absent. */
const char *soap_arg(const struct soap_call *c, const char *name);

/*
 * A call read whole into a tree (xmlread.h), for the calls whose arguments
 * repeat or nest (undelete's ids, convertLead's leadConverts) and that
 * need the SessionHeader: the same bounds as soap_read() (SOAP_MAX_BODY,
 * _DEPTH, _ELEMENTS, _TEXT) and the same refusal of a DOCTYPE.
 */
struct xmlread_node;
struct soap_doc {
    struct xmlread_node *root;         /* the Envelope (owned) */
    const struct xmlread_node *header; /* its Header, or NULL */
    const struct xmlread_node *op;     /* the Body's first element */
};

/* 0, or -1 with a message fit for a fault in err; free out with
 * soap_doc_free() either way. */
int soap_doc_read(const char *body, size_t len, struct soap_doc *out,
                  struct sf_err *err);
void soap_doc_free(struct soap_doc *d);
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
