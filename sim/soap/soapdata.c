/*
 * soapdata.c - convertLead() and undelete() on the SOAP partner API (see
 * soapdata.h).
 *
 * Each call is a row of calls[]: how many items it takes from the
 * operation element and how one item is done and written. The results'
 * children are in the partner WSDL's order (LeadConvertResult: accountId,
 * contactId, errors, leadId, opportunityId, success; UndeleteResult:
 * errors, id, success), absent ids as xsi:nil, as Salesforce writes them.
 */
#include "soapdata.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "convert.h"
#include "handlers.h"
#include "org.h"
#include "sim.h"
#include "soap.h"
#include "undelete.h"
#include "window.h"
#include "xmlread.h"

/* Counts of one call's items, for the journal. */
struct tally {
    size_t ok, failed;
};

/* One item's <errors> element. */
static void
error_xml(struct buf *xml, const char *field, const char *message,
          const char *code)
{
    buf_puts(xml, "<errors>");
    if (field != NULL && field[0] != '\0') {
        buf_puts(xml, "<fields>");
        buf_xml_escape(xml, field, 0);
        buf_puts(xml, "</fields>");
    }
    buf_puts(xml, "<message>");
    buf_xml_escape(xml, message, 0);
    buf_puts(xml, "</message><statusCode>");
    buf_xml_escape(xml, code, 0);
    buf_puts(xml, "</statusCode></errors>");
}

/* <name>id</name>, or <name xsi:nil="true"/> when id is "". */
static void
id_xml(struct buf *xml, const char *name, const char *id)
{
    if (id[0] == '\0')
        buf_printf(xml, "<%s xsi:nil=\"true\"/>", name);
    else
        buf_printf(xml, "<%s>%s</%s>", name, id, name);
}

/* The text of item's child name: NULL when absent, nil or empty. */
static const char *
item_text(const struct xmlread_node *item, const char *name)
{
    const char *v = xmlread_child_text(item, name);

    return v != NULL && v[0] != '\0' ? v : NULL;
}

static int
item_bool(const struct xmlread_node *item, const char *name)
{
    const char *v = item_text(item, name);

    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* One leadConverts item, converted, its result into xml. */
static void
convert_item(struct sim *sim, const struct xmlread_node *item, struct buf *xml,
             struct tally *t)
{
    struct convert_req q = {
        .lead_id = item_text(item, "leadId"),
        .converted_status = item_text(item, "convertedStatus"),
        .account_id = item_text(item, "accountId"),
        .contact_id = item_text(item, "contactId"),
        .owner_id = item_text(item, "ownerId"),
        .opportunity_name = item_text(item, "opportunityName"),
        .do_not_create_opportunity = item_bool(item, "doNotCreateOpportunity"),
        .overwrite_lead_source = item_bool(item, "overwriteLeadSource"),
    };
    struct convert_result res;

    convert_lead(sim, &q, &res);
    buf_puts(xml, "<result>");
    id_xml(xml, "accountId", res.account_id);
    id_xml(xml, "contactId", res.contact_id);
    if (!res.success)
        error_xml(xml, res.field, res.message, res.code);
    id_xml(xml, "leadId", res.lead_id);
    id_xml(xml, "opportunityId", res.opportunity_id);
    buf_printf(xml, "<success>%s</success></result>",
               res.success ? "true" : "false");
    res.success ? t->ok++ : t->failed++;
}

/* One ids item, undeleted, its result into xml. */
static void
undelete_item(struct sim *sim, const struct xmlread_node *item, struct buf *xml,
              struct tally *t)
{
    struct undelete_result res;

    undelete_record(sim, item->text, &res);
    buf_puts(xml, "<result>");
    if (!res.success)
        error_xml(xml, NULL, res.message, res.code);
    id_xml(xml, "id", res.id);
    buf_printf(xml, "<success>%s</success></result>",
               res.success ? "true" : "false");
    res.success ? t->ok++ : t->failed++;
}

static const struct {
    const char *op;   /* the operation */
    const char *item; /* its repeated argument */
    void (*one)(struct sim *, const struct xmlread_node *, struct buf *,
                struct tally *);
} calls[] = {
    {"convertLead", "leadConverts", convert_item},
    {"undelete", "ids", undelete_item},
};

#define NCALLS (sizeof(calls) / sizeof(calls[0]))

int
soapdata_answers(const char *op)
{
    size_t i;

    for (i = 0; i < NCALLS; i++)
        if (strcmp(calls[i].op, op) == 0)
            return 1;
    return 0;
}

static void
fault(struct sim_response *resp, const char *faultcode, const char *faultstring,
      const char *detail_type, const char *code, const char *message)
{
    resp->status = 500;
    resp->content_type = "text/xml; charset=utf-8";
    soap_fault(&resp->body, faultcode, faultstring, detail_type, code, message);
    resp->verdict = VERDICT_ERROR;
    response_detail(resp, "SOAP: %s", faultstring);
}

/* An sf: fault with an UnexpectedErrorFault detail. */
static void
sf_fault(struct sim_response *resp, const char *code, const char *message,
         enum verdict verdict)
{
    char faultcode[80], faultstring[512];

    snprintf(faultcode, sizeof(faultcode), "sf:%s", code);
    snprintf(faultstring, sizeof(faultstring), "%s: %s", code, message);
    fault(resp, faultcode, faultstring, "UnexpectedErrorFault", code, message);
    resp->verdict = verdict;
}

/* The SessionHeader's session: 0, or -1 after the fault Salesforce
 * sends. */
static int
check_session(struct sim *sim, const struct soap_doc *doc,
              struct sim_response *resp)
{
    const char *token = soap_doc_session(doc);
    const struct org_user *u = NULL;
    struct session *s = NULL;

    if (token != NULL &&
        auth_check(sim->auth, sim->org, token, &s) == SESSION_VALID)
        u = org_user_find(sim->org, s->username);
    if (u != NULL && u->api_enabled && sim->org->api_enabled)
        return 0;
    sf_fault(resp, "INVALID_SESSION_ID",
             "Invalid Session ID found in SessionHeader: Illegal Session",
             VERDICT_AUTH_FAILED);
    return -1;
}

/* The call counts against the rolling 24-hour API allocation, as REST
 * calls do (dispatch.c): 0, or -1 after the fault once it is spent. */
static int
count_call(struct sim *sim, struct sim_response *resp)
{
    int64_t now = sim_now(sim);

    if ((int64_t)window_count(sim->api_window, now) >=
        sim->org->api_daily_limit) {
        sf_fault(resp, "REQUEST_LIMIT_EXCEEDED",
                 "TotalRequests Limit exceeded.", VERDICT_ERROR);
        return -1;
    }
    window_add(sim->api_window, now, 1);
    return 0;
}

/* Runs call k on every item of op into the response element. */
static int
run_call(struct sim *sim, size_t k, const struct xmlread_node *op,
         struct sim_response *resp, struct tally *t)
{
    struct buf *xml = &resp->body;
    size_t i, n = 0;
    char msg[160];

    for (i = 0; i < op->nkids; i++)
        n += strcmp(op->kids[i]->name, calls[k].item) == 0;
    if (n > SOAPDATA_MAX_ITEMS) {
        snprintf(msg, sizeof(msg),
                 "record limit reached. cannot submit more than %d records "
                 "into this call",
                 SOAPDATA_MAX_ITEMS);
        sf_fault(resp, "EXCEEDED_ID_LIMIT", msg, VERDICT_ERROR);
        return -1;
    }
    buf_puts(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                  "<soapenv:Envelope xmlns:soapenv=\"" SOAP_NS_ENVELOPE
                  "\" xmlns=\"" SOAP_NS_PARTNER "\" xmlns:xsi=\"" SOAP_NS_XSI
                  "\"><soapenv:Body>");
    buf_printf(xml, "<%sResponse>", calls[k].op);
    for (i = 0; i < op->nkids; i++)
        if (strcmp(op->kids[i]->name, calls[k].item) == 0)
            calls[k].one(sim, op->kids[i], xml, t);
    buf_printf(xml, "</%sResponse></soapenv:Body></soapenv:Envelope>",
               calls[k].op);
    return 0;
}

void
soapdata_call(struct sim *sim, const struct soap_doc *doc,
              struct sim_response *resp)
{
    struct tally t = {0, 0};
    size_t k;

    if (check_session(sim, doc, resp) == -1 || count_call(sim, resp) == -1)
        return;
    for (k = 0; k < NCALLS && strcmp(calls[k].op, doc->op->name) != 0; k++)
        ;
    if (k == NCALLS || run_call(sim, k, doc->op, resp, &t) == -1)
        return;
    resp->status = 200;
    resp->content_type = "text/xml; charset=utf-8";
    resp->verdict = t.failed == 0 ? VERDICT_OK : VERDICT_ERROR;
    response_detail(resp, "SOAP %s: %zu done, %zu failed", calls[k].op, t.ok,
                    t.failed);
}
