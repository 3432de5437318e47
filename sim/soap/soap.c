/*
 * soap.c - reading SOAP calls into a tree and writing faults (see soap.h).
 *
 * Every call, login() as much as the data calls, is read by one reader:
 * xmlread.h's, the bounded expat reader the metadata importer uses too,
 * under the SOAP bounds and with the Envelope asked of the root (so a
 * document whose root is something else is refused at its start tag, as
 * a streaming reader would). xmlread says why and where it refused; the
 * wording of the refusal (the faultstring clients see) is made here.
 */
#include "soap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xmlread.h"

static void located(struct sf_err *err, int line, int column, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

/* "line L, column C: why" into err, or just why when line is 0. */
static void
located(struct sf_err *err, int line, int column, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line > 0)
        err_set(err, "line %d, column %d: %s", line, column, msg);
    else
        err_set(err, "%s", msg);
}

/* xmlread's refusal, worded for a fault. */
static void
doc_error(const struct xmlread_error *x, struct sf_err *err)
{
    const char *ns = x->ns, *open = ns[0] != '\0' ? "{" : "",
               *close = ns[0] != '\0' ? "}" : "";

    switch (x->why) {
    case XMLREAD_TOO_LARGE:
        located(err, 0, 0, "the message is larger than %d bytes",
                SOAP_MAX_BODY);
        break;
    case XMLREAD_MALFORMED:
        located(err, x->line, x->column, "not well-formed XML (%s)",
                x->message);
        break;
    case XMLREAD_DOCTYPE:
        located(err, x->line, x->column,
                "a document type declaration (DOCTYPE) is not allowed in a "
                "SOAP message");
        break;
    case XMLREAD_TOO_MUCH_TEXT:
        located(err, x->line, x->column,
                "the value of <%s> is longer than %d bytes", x->name,
                SOAP_MAX_TEXT);
        break;
    case XMLREAD_WRONG_ROOT:
        located(err, x->line, x->column,
                "the root element is not a SOAP 1.1 Envelope (%s%s%s%s)", open,
                ns, close, x->name);
        break;
    default: located(err, x->line, x->column, "%s", x->message); break;
    }
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

/* The first element of the Envelope's first Body that has one. */
static const struct xmlread_node *
first_op(const struct xmlread_node *env)
{
    size_t i;

    for (i = 0; i < env->nkids; i++)
        if (env->kids[i]->ns != NULL &&
            strcmp(env->kids[i]->ns, SOAP_NS_ENVELOPE) == 0 &&
            strcmp(env->kids[i]->name, "Body") == 0 && env->kids[i]->nkids > 0)
            return env->kids[i]->kids[0];
    return NULL;
}

int
soap_doc_read(const char *body, size_t len, struct soap_doc *out,
              struct sf_err *err)
{
    const struct xmlread_limits lim = {
        .max_bytes = SOAP_MAX_BODY,
        .max_depth = SOAP_MAX_DEPTH,
        .max_nodes = SOAP_MAX_ELEMENTS,
        .max_text = SOAP_MAX_TEXT,
        .root_ns = SOAP_NS_ENVELOPE,
        .root_name = "Envelope",
    };
    struct xmlread_error xerr;
    const struct xmlread_node *op;

    memset(out, 0, sizeof(*out));
    if ((out->root = xmlread_parse(body, len, &lim, &xerr)) == NULL) {
        doc_error(&xerr, err);
        return -1;
    }
    out->header = ns_child(out->root, SOAP_NS_ENVELOPE, "Header");
    if ((op = first_op(out->root)) == NULL) {
        err_set(err, "the SOAP Body holds no operation");
        return -1;
    }
    if ((op->ns != NULL && strlen(op->ns) >= SOAP_NS_MAX) ||
        strlen(op->name) >= SOAP_NAME_MAX) {
        located(err, op->line, op->column, "the operation's name is too long");
        return -1;
    }
    out->op = op;
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

const char *
soap_doc_op_ns(const struct soap_doc *d)
{
    return d->op->ns != NULL ? d->op->ns : "";
}

const char *
soap_doc_arg(const struct soap_doc *d, const char *name)
{
    const struct xmlread_node *k;
    size_t i;

    for (i = 0; i < d->op->nkids; i++) {
        k = d->op->kids[i];
        if (strcmp(k->name, name) == 0 &&
            (k->ns == NULL || strcmp(k->ns, soap_doc_op_ns(d)) == 0))
            return k->text;
    }
    return NULL;
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
