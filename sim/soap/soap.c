/*
 * soap.c - reading SOAP calls with expat and writing faults (see soap.h).
 *
 * Why expat: it streams (no tree is built, so memory is the few buffers
 * here), it is small, it loads nothing from the network (an external
 * entity needs a handler we never install), and Debian ships it; the
 * metadata importer reads Salesforce's XML with it too.
 */
#include "soap.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xmlread.h"

/* Expat joins "namespace URI" SEP "local name"; \x01 is not an XML
 * character, so it can appear in neither. */
#define NS_SEP '\x01'

struct reader {
    XML_Parser p;
    struct soap_call *call;
    struct sf_err *err;
    unsigned depth, elements;
    int in_body;          /* inside the Envelope's Body */
    int op_open;          /* inside the operation */
    int seen_op;          /* the operation was read (later ones are not) */
    struct soap_arg *arg; /* the argument whose text is being read */
};

static void fail(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct reader *r, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    err_set(r->err, "line %lu, column %lu: %s",
            (unsigned long)XML_GetCurrentLineNumber(r->p),
            (unsigned long)XML_GetCurrentColumnNumber(r->p) + 1, msg);
    XML_StopParser(r->p, XML_FALSE);
}

/* Splits expat's "uri\x01local" (or "local") into its parts. */
static void
split_name(const char *name, const char **ns, size_t *nslen, const char **local)
{
    const char *sep = strchr(name, NS_SEP);

    *ns = sep != NULL ? name : "";
    *nslen = sep != NULL ? (size_t)(sep - name) : 0;
    *local = sep != NULL ? sep + 1 : name;
}

static int
ns_is(const char *ns, size_t nslen, const char *want)
{
    return strlen(want) == nslen && memcmp(ns, want, nslen) == 0;
}

/* The operation's child element local (in namespace ns): its argument
 * slot, or NULL when it is not one to keep. */
static struct soap_arg *
arg_slot(struct soap_call *c, const char *ns, size_t nslen, const char *local)
{
    size_t i;

    if (nslen != 0 && !ns_is(ns, nslen, c->op_ns))
        return NULL;
    if (c->nargs == SOAP_MAX_ARGS || strlen(local) >= SOAP_NAME_MAX)
        return NULL;
    for (i = 0; i < c->nargs; i++)
        if (strcmp(c->args[i].name, local) == 0)
            return NULL;
    snprintf(c->args[c->nargs].name, SOAP_NAME_MAX, "%s", local);
    buf_init(&c->args[c->nargs].value, SOAP_MAX_TEXT);
    return &c->args[c->nargs++];
}

/* The first element of the Body: the operation. */
static void
start_op(struct reader *r, const char *ns, size_t nslen, const char *local)
{
    if (nslen >= SOAP_NS_MAX || strlen(local) >= SOAP_NAME_MAX) {
        fail(r, "the operation's name is too long");
        return;
    }
    memcpy(r->call->op_ns, ns, nslen);
    r->call->op_ns[nslen] = '\0';
    snprintf(r->call->op, SOAP_NAME_MAX, "%s", local);
    r->op_open = r->seen_op = 1;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct reader *r = ud;
    const char *ns, *local;
    size_t nslen;

    (void)atts;
    if (++r->elements > SOAP_MAX_ELEMENTS) {
        fail(r, "more than %d elements", SOAP_MAX_ELEMENTS);
        return;
    }
    if (++r->depth > SOAP_MAX_DEPTH) {
        fail(r, "elements nested deeper than %d levels", SOAP_MAX_DEPTH);
        return;
    }
    split_name(name, &ns, &nslen, &local);
    if (r->depth == 1 &&
        (!ns_is(ns, nslen, SOAP_NS_ENVELOPE) || strcmp(local, "Envelope") != 0))
        fail(r, "the root element is not a SOAP 1.1 Envelope (%s%.*s%s%s)",
             nslen ? "{" : "", (int)nslen, ns, nslen ? "}" : "", local);
    else if (r->depth == 2 && ns_is(ns, nslen, SOAP_NS_ENVELOPE) &&
             strcmp(local, "Body") == 0)
        r->in_body = 1;
    else if (r->depth == 3 && r->in_body && !r->seen_op)
        start_op(r, ns, nslen, local);
    else if (r->depth == 4 && r->op_open)
        r->arg = arg_slot(r->call, ns, nslen, local);
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
    struct reader *r = ud;

    (void)name;
    if (r->depth == 4)
        r->arg = NULL;
    else if (r->depth == 3)
        r->op_open = 0;
    else if (r->depth == 2)
        r->in_body = 0;
    r->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
    struct reader *r = ud;

    if (r->arg == NULL || r->depth != 4 || len <= 0)
        return;
    if (buf_append(&r->arg->value, s, (size_t)len) == -1)
        fail(r, "the value of <%s> is longer than %d bytes", r->arg->name,
             SOAP_MAX_TEXT);
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
           const XML_Char *pubid, int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    fail(ud, "a document type declaration (DOCTYPE) is not allowed in a "
             "SOAP message");
}

int
soap_read(const char *body, size_t len, struct soap_call *out,
          struct sf_err *err)
{
    struct reader r;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    if (len > SOAP_MAX_BODY) {
        err_set(err, "the message is larger than %d bytes", SOAP_MAX_BODY);
        return -1;
    }
    memset(&r, 0, sizeof(r));
    r.call = out;
    r.err = err;
    if ((r.p = XML_ParserCreateNS(NULL, NS_SEP)) == NULL) {
        err_set(err, "out of memory");
        return -1;
    }
    XML_SetUserData(r.p, &r);
    XML_SetElementHandler(r.p, on_start, on_end);
    XML_SetCharacterDataHandler(r.p, on_text);
    XML_SetStartDoctypeDeclHandler(r.p, on_doctype);
    XML_SetParamEntityParsing(r.p, XML_PARAM_ENTITY_PARSING_NEVER);
    if (XML_Parse(r.p, body, (int)len, XML_TRUE) == XML_STATUS_ERROR) {
        if (!err->set)
            err_set(err, "line %lu, column %lu: not well-formed XML (%s)",
                    (unsigned long)XML_GetCurrentLineNumber(r.p),
                    (unsigned long)XML_GetCurrentColumnNumber(r.p) + 1,
                    XML_ErrorString(XML_GetErrorCode(r.p)));
    } else if (!r.seen_op) {
        err_set(err, "the SOAP Body holds no operation");
    } else {
        ret = 0;
    }
    XML_ParserFree(r.p);
    return ret;
}

void
soap_call_free(struct soap_call *c)
{
    size_t i;

    for (i = 0; i < c->nargs; i++)
        buf_free(&c->args[i].value);
    c->nargs = 0;
}

const char *
soap_arg(const struct soap_call *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->nargs; i++)
        if (strcmp(c->args[i].name, name) == 0)
            return c->args[i].value.data != NULL ? c->args[i].value.data : "";
    return NULL;
}

/* The first child element of n in namespace ns with that local name. */
static const struct xmlread_node *
ns_child(const struct xmlread_node *n, const char *ns, const char *name)
{
    size_t i;

    for (i = 0; n != NULL && i < n->nkids; i++)
        if (n->kids[i]->ns != NULL && strcmp(n->kids[i]->ns, ns) == 0 &&
            strcmp(n->kids[i]->name, name) == 0)
            return n->kids[i];
    return NULL;
}

int
soap_doc_read(const char *body, size_t len, struct soap_doc *out,
              struct sf_err *err)
{
    const struct xmlread_limits lim = {SOAP_MAX_BODY, SOAP_MAX_DEPTH,
                                       SOAP_MAX_ELEMENTS, SOAP_MAX_TEXT};
    const struct xmlread_node *soap_body;
    struct xmlread_error xerr;

    memset(out, 0, sizeof(*out));
    if ((out->root = xmlread_parse(body, len, &lim, &xerr)) == NULL) {
        err_set(err, "line %d, column %d: %s", xerr.line, xerr.column,
                xerr.message);
        return -1;
    }
    if (out->root->ns == NULL || strcmp(out->root->ns, SOAP_NS_ENVELOPE) != 0 ||
        strcmp(out->root->name, "Envelope") != 0) {
        err_set(err, "the root element is not a SOAP 1.1 Envelope");
        return -1;
    }
    out->header = ns_child(out->root, SOAP_NS_ENVELOPE, "Header");
    soap_body = ns_child(out->root, SOAP_NS_ENVELOPE, "Body");
    if (soap_body == NULL || soap_body->nkids == 0) {
        err_set(err, "the SOAP Body holds no operation");
        return -1;
    }
    out->op = soap_body->kids[0];
    return 0;
}

void
soap_doc_free(struct soap_doc *d)
{
    xmlread_free(d->root);
    memset(d, 0, sizeof(*d));
}

const char *
soap_doc_session(const struct soap_doc *d)
{
    const struct xmlread_node *h =
        ns_child(d->header, SOAP_NS_PARTNER, "SessionHeader");

    return h != NULL ? xmlread_child_text(h, "sessionId") : NULL;
}

void
soap_fault(struct buf *out, const char *faultcode, const char *faultstring,
           const char *detail_type, const char *exception_code,
           const char *exception_message)
{
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                  "<soapenv:Envelope xmlns:soapenv=\"" SOAP_NS_ENVELOPE
                  "\" xmlns:sf=\"" SOAP_NS_PARTNER_FAULT
                  "\" xmlns:xsi=\"" SOAP_NS_XSI "\"><soapenv:Body>"
                  "<soapenv:Fault><faultcode>");
    buf_xml_escape(out, faultcode, 0);
    buf_puts(out, "</faultcode><faultstring>");
    buf_xml_escape(out, faultstring, 0);
    buf_puts(out, "</faultstring>");
    if (detail_type != NULL) {
        buf_printf(out, "<detail><sf:%s xsi:type=\"sf:%s\"><sf:exceptionCode>",
                   detail_type, detail_type);
        buf_xml_escape(out, exception_code, 0);
        buf_puts(out, "</sf:exceptionCode><sf:exceptionMessage>");
        buf_xml_escape(out, exception_message, 0);
        buf_printf(out, "</sf:exceptionMessage></sf:%s></detail>", detail_type);
    }
    buf_puts(out, "</soapenv:Fault></soapenv:Body></soapenv:Envelope>");
}
