/*
 * soapdata.h - the SOAP partner API's data calls that have no REST
 * equivalent: convertLead() (convert.h) and undelete() (undelete.h).
 *
 * A call, read whole by h_soap.c (soap_doc_read()), is authenticated by the
 * SessionHeader's sessionId (any session the sim issued: SOAP login, OAuth,
 * /__sim/tokens), and answered with Salesforce's response element, one
 * result per item, in the request's order; a result that failed carries
 * its errors (fields, message, statusCode) and success false, as the
 * partner WSDL has it. A missing or invalid session, a spent daily API
 * allocation (each call counts one, as a REST call does) and more than
 * SOAPDATA_MAX_ITEMS items are faults (HTTP 500). h_soap.c dispatches here;
 * login() stays there.
 */
#ifndef SIM_SOAPDATA_H
#define SIM_SOAPDATA_H

struct sim;
struct sim_response;
struct soap_doc;

/* Items (leadConverts, ids) in one call, as the partner API limits it. */
#define SOAPDATA_MAX_ITEMS 200

/* 1 when op (a partner-namespace operation's local name) is answered
 * here. */
int soapdata_answers(const char *op);

/* Answers the call doc (its operation one soapdata_answers() takes;
 * borrowed) into resp. */
void soapdata_call(struct sim *sim, const struct soap_doc *doc,
                   struct sim_response *resp);

#endif
