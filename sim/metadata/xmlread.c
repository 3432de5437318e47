/*
 * xmlread.c - an expat document read into a tree (see xmlread.h).
 *
 * expat calls back for each start tag, end tag and run of text; the open
 * elements are a stack, each new element is appended to its parent. Any
 * bound crossed, and any DOCTYPE, stops the parser from inside the
 * callback with the error recorded at that point; expat's own errors (not
 * well-formed, bad encoding, an undefined entity) are reported with its
 * position. expat allocates through xmalloc, so running out of memory is
 * fatal here as everywhere else.
 */
#include "xmlread.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Separates a namespace URI from a local name in expat's names: a control
 * character, which XML 1.0 allows in neither. */
#define NS_SEP '\x01'
static const XML_Char ns_sep[] = {NS_SEP, 0};

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

struct open_elem {
    struct xmlread_node *node;
    size_t text_cap, kids_cap;
};

struct reader {
    XML_Parser p;
    struct xmlread_limits lim;
    struct xmlread_error *err;
    struct xmlread_node *root;
    struct open_elem *stack;
    size_t depth, stack_cap;
    size_t nodes;
    int stopped; /* our own error is in err */
};

static void stop(struct reader *r, enum xmlread_why why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records an error at expat's current position and stops the parser. */
static void
stop(struct reader *r, enum xmlread_why why, const char *fmt, ...)
{
    va_list ap;

    if (r->stopped)
        return;
    r->stopped = 1;
    r->err->why = why;
    r->err->line = (int)XML_GetCurrentLineNumber(r->p);
    r->err->column = (int)XML_GetCurrentColumnNumber(r->p) + 1;
    va_start(ap, fmt);
    vsnprintf(r->err->message, sizeof(r->err->message), fmt, ap);
    va_end(ap);
    XML_StopParser(r->p, XML_FALSE);
}

/* Splits expat's "uri\x01local" (or "local") into new strings. */
static void
split_name(const XML_Char *qname, char **ns, char **local)
{
    const char *sep = strchr(qname, NS_SEP);

    if (sep == NULL) {
        *ns = NULL;
        *local = xstrdup(qname);
        return;
    }
    *ns = xmemdup0(qname, (size_t)(sep - qname));
    *local = xstrdup(sep + 1);
}

static void
node_free(struct xmlread_node *n)
{
    size_t i;

    if (n == NULL)
        return;
    for (i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    for (i = 0; i < n->nattrs; i++) {
        free(n->attrs[i].ns);
        free(n->attrs[i].name);
        free(n->attrs[i].value);
    }
    free(n->kids);
    free(n->attrs);
    free(n->ns);
    free(n->name);
    free(n->text);
    free(n);
}

static struct xmlread_node *
node_new(struct reader *r, const XML_Char *name, const XML_Char **atts)
{
    struct xmlread_node *n = xcalloc(1, sizeof(*n));
    size_t i, k = 0;

    split_name(name, &n->ns, &n->name);
    n->text = xcalloc(1, 1);
    n->line = (int)XML_GetCurrentLineNumber(r->p);
    n->column = (int)XML_GetCurrentColumnNumber(r->p) + 1;
    while (atts[k] != NULL)
        k += 2;
    n->nattrs = k / 2;
    n->attrs = n->nattrs > 0 ? xcalloc(n->nattrs, sizeof(*n->attrs)) : NULL;
    for (i = 0; i < n->nattrs; i++) {
        split_name(atts[2 * i], &n->attrs[i].ns, &n->attrs[i].name);
        n->attrs[i].value = xstrdup(atts[2 * i + 1]);
    }
    return n;
}

static void
add_kid(struct open_elem *parent, struct xmlread_node *kid)
{
    struct xmlread_node *p = parent->node;

    if (p->nkids == parent->kids_cap) {
        parent->kids_cap = parent->kids_cap ? parent->kids_cap * 2 : 4;
        p->kids = xreallocarray(p->kids, parent->kids_cap, sizeof(*p->kids));
    }
    p->kids[p->nkids++] = kid;
}

/* 1 when n may be the root under lim. */
static int
root_wanted(const struct xmlread_limits *lim, const struct xmlread_node *n)
{
    if (lim->root_name == NULL)
        return 1;
    if (strcmp(n->name, lim->root_name) != 0)
        return 0;
    return lim->root_ns == NULL
               ? n->ns == NULL
               : n->ns != NULL && strcmp(n->ns, lim->root_ns) == 0;
}

static void XMLCALL
on_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
    struct reader *r = arg;
    struct xmlread_node *n;

    if (r->stopped)
        return;
    if (++r->nodes > r->lim.max_nodes) {
        stop(r, XMLREAD_TOO_MANY, "more than %zu elements", r->lim.max_nodes);
        return;
    }
    if (r->depth >= r->lim.max_depth) {
        stop(r, XMLREAD_TOO_DEEP, "elements nested deeper than %zu levels",
             r->lim.max_depth);
        return;
    }
    n = node_new(r, name, atts);
    if (r->depth == 0 && !root_wanted(&r->lim, n)) {
        snprintf(r->err->ns, sizeof(r->err->ns), "%s", n->ns ? n->ns : "");
        snprintf(r->err->name, sizeof(r->err->name), "%s", n->name);
        node_free(n);
        stop(r, XMLREAD_WRONG_ROOT, "the root element is not <%s>",
             r->lim.root_name);
        return;
    }
    if (r->depth == 0)
        r->root = n;
    else
        add_kid(&r->stack[r->depth - 1], n);
    if (r->depth == r->stack_cap) {
        r->stack_cap = r->stack_cap ? r->stack_cap * 2 : 16;
        r->stack = xreallocarray(r->stack, r->stack_cap, sizeof(*r->stack));
    }
    r->stack[r->depth].node = n;
    r->stack[r->depth].text_cap = 0;
    r->stack[r->depth].kids_cap = 0;
    r->depth++;
}

static void XMLCALL
on_end(void *arg, const XML_Char *name)
{
    struct reader *r = arg;

    (void)name;
    if (!r->stopped && r->depth > 0)
        r->depth--;
}

static void XMLCALL
on_text(void *arg, const XML_Char *s, int len)
{
    struct reader *r = arg;
    struct open_elem *e;
    struct xmlread_node *n;
    size_t want;

    if (r->stopped || r->depth == 0 || len <= 0)
        return;
    e = &r->stack[r->depth - 1];
    n = e->node;
    if ((size_t)len > r->lim.max_text - n->text_len) {
        snprintf(r->err->name, sizeof(r->err->name), "%s", n->name);
        stop(r, XMLREAD_TOO_MUCH_TEXT, "more than %zu bytes of text in <%s>",
             r->lim.max_text, n->name);
        return;
    }
    want = n->text_len + (size_t)len + 1;
    if (want > e->text_cap) {
        e->text_cap = want < 64 ? 64 : want * 2;
        n->text = xrealloc(n->text, e->text_cap);
    }
    memcpy(n->text + n->text_len, s, (size_t)len);
    n->text_len += (size_t)len;
    n->text[n->text_len] = '\0';
}

/* A DOCTYPE can declare entities (billion laughs, external files): no
 * metadata file has one, so none is read at all. */
static void XMLCALL
on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
           const XML_Char *pubid, int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    stop(arg, XMLREAD_DOCTYPE,
         "a document type declaration (DOCTYPE) is not accepted");
}

static void XMLCALL
on_entity_decl(void *arg, const XML_Char *name, int is_param,
               const XML_Char *value, int value_len, const XML_Char *base,
               const XML_Char *sysid, const XML_Char *pubid,
               const XML_Char *notation)
{
    (void)name;
    (void)is_param;
    (void)value;
    (void)value_len;
    (void)base;
    (void)sysid;
    (void)pubid;
    (void)notation;
    stop(arg, XMLREAD_ENTITY, "an entity declaration is not accepted");
}

static void *
mm_malloc(size_t n)
{
    return xmalloc(n);
}

static void *
mm_realloc(void *p, size_t n)
{
    return xrealloc(p, n);
}

static const XML_Memory_Handling_Suite memsuite = {mm_malloc, mm_realloc, free};

static void
set_limits(struct xmlread_limits *out, const struct xmlread_limits *in)
{
    out->max_bytes =
        in != NULL && in->max_bytes ? in->max_bytes : XMLREAD_MAX_BYTES;
    out->max_depth =
        in != NULL && in->max_depth ? in->max_depth : XMLREAD_MAX_DEPTH;
    out->max_nodes =
        in != NULL && in->max_nodes ? in->max_nodes : XMLREAD_MAX_NODES;
    out->max_text =
        in != NULL && in->max_text ? in->max_text : XMLREAD_MAX_TEXT;
    out->root_ns = in != NULL ? in->root_ns : NULL;
    out->root_name = in != NULL ? in->root_name : NULL;
}

/* expat's own error, at its position. */
static void
expat_error(struct reader *r)
{
    r->err->line = (int)XML_GetCurrentLineNumber(r->p);
    r->err->column = (int)XML_GetCurrentColumnNumber(r->p) + 1;
    r->err->why = XMLREAD_MALFORMED;
    snprintf(r->err->message, sizeof(r->err->message), "%s",
             XML_ErrorString(XML_GetErrorCode(r->p)));
}

struct xmlread_node *
xmlread_parse(const char *buf, size_t len, const struct xmlread_limits *lim,
              struct xmlread_error *err)
{
    struct xmlread_error dummy;
    struct reader r;
    struct xmlread_node *root = NULL;

    if (err == NULL)
        err = &dummy;
    memset(err, 0, sizeof(*err));
    memset(&r, 0, sizeof(r));
    set_limits(&r.lim, lim);
    r.err = err;
    if (len > r.lim.max_bytes || len > (size_t)0x7fffffff) {
        err->why = XMLREAD_TOO_LARGE;
        snprintf(err->message, sizeof(err->message), "larger than %zu bytes",
                 r.lim.max_bytes);
        return NULL;
    }
    r.p = XML_ParserCreate_MM(NULL, &memsuite, ns_sep);
    XML_SetUserData(r.p, &r);
    XML_SetElementHandler(r.p, on_start, on_end);
    XML_SetCharacterDataHandler(r.p, on_text);
    XML_SetStartDoctypeDeclHandler(r.p, on_doctype);
    XML_SetEntityDeclHandler(r.p, on_entity_decl);
    XML_SetParamEntityParsing(r.p, XML_PARAM_ENTITY_PARSING_NEVER);
    if (XML_Parse(r.p, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR) {
        if (!r.stopped)
            expat_error(&r);
    } else if (r.root == NULL) {
        err->why = XMLREAD_NO_ROOT;
        snprintf(err->message, sizeof(err->message), "no root element");
    } else {
        root = r.root;
        r.root = NULL;
    }
    XML_ParserFree(r.p);
    node_free(r.root);
    free(r.stack);
    return root;
}

void
xmlread_free(struct xmlread_node *root)
{
    node_free(root);
}

const struct xmlread_node *
xmlread_child(const struct xmlread_node *n, const char *name)
{
    size_t i;

    for (i = 0; n != NULL && i < n->nkids; i++)
        if (strcmp(n->kids[i]->name, name) == 0)
            return n->kids[i];
    return NULL;
}

const char *
xmlread_child_text(const struct xmlread_node *n, const char *name)
{
    const struct xmlread_node *c = xmlread_child(n, name);

    return c != NULL && !xmlread_nil(c) ? c->text : NULL;
}

const char *
xmlread_attr(const struct xmlread_node *n, const char *ns, const char *name)
{
    size_t i;

    for (i = 0; n != NULL && i < n->nattrs; i++) {
        const struct xmlread_attr *a = &n->attrs[i];

        if (strcmp(a->name, name) == 0 &&
            (ns == NULL ? a->ns == NULL
                        : a->ns != NULL && strcmp(a->ns, ns) == 0))
            return a->value;
    }
    return NULL;
}

int
xmlread_nil(const struct xmlread_node *n)
{
    const char *v = xmlread_attr(n, XSI_NS, "nil");

    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}
