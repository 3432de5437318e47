/*
 * xmlread.h - a small XML reader: one whole document into a tree.
 *
 * Built on expat. Namespace-aware (every element and attribute carries its
 * namespace URI and local name), with the line and column of every start
 * tag, and bounded: the document's size, its nesting depth, its number of
 * elements and the text of one element are capped, and a document type
 * declaration (so every DTD, entity declaration and entity expansion) is
 * refused outright, which is what keeps "billion laughs" and external
 * entities out. Character references and the five predefined entities are
 * decoded as usual; text is UTF-8 whatever the document's encoding.
 *
 * It knows nothing about what the document means: callers (the metadata
 * importer, soap.h's reader of SOAP calls) walk the tree, and word a
 * refusal their own way from its why and position if they like. Nothing
 * here is Salesforce-specific.
 */
#ifndef SIM_XMLREAD_H
#define SIM_XMLREAD_H

#include <stddef.h>

/* Default bounds (struct xmlread_limits fields left 0 take these). */
#define XMLREAD_MAX_BYTES (16u * 1024 * 1024)
#define XMLREAD_MAX_DEPTH 64
#define XMLREAD_MAX_NODES 200000
#define XMLREAD_MAX_TEXT (1024u * 1024)

struct xmlread_limits {
    size_t max_bytes; /* of the document */
    size_t max_depth; /* elements nested inside each other */
    size_t max_nodes; /* elements in all */
    size_t max_text;  /* bytes of text directly inside one element */
    /* When root_name is set, a root element of another local name or
     * namespace URI (root_ns; NULL: none) is refused at its start tag,
     * before anything later in the document is read. */
    const char *root_ns;
    const char *root_name;
};

struct xmlread_attr {
    char *ns;   /* namespace URI, or NULL */
    char *name; /* local name */
    char *value;
};

struct xmlread_node {
    char *ns;   /* namespace URI, or NULL */
    char *name; /* local name */
    /* The character data directly inside the element (between its
     * children too), NUL-terminated; "" when there is none. */
    char *text;
    size_t text_len;
    int line, column; /* of the start tag, 1-based (column in bytes) */
    struct xmlread_attr *attrs;
    size_t nattrs;
    struct xmlread_node **kids; /* child elements, in document order */
    size_t nkids;
};

/* Why a document was refused. */
enum xmlread_why {
    XMLREAD_MALFORMED = 1, /* expat's own: message is its text */
    XMLREAD_TOO_LARGE,     /* over max_bytes */
    XMLREAD_DOCTYPE,       /* a document type declaration */
    XMLREAD_ENTITY,        /* an entity declaration */
    XMLREAD_TOO_DEEP,      /* over max_depth */
    XMLREAD_TOO_MANY,      /* over max_nodes */
    XMLREAD_TOO_MUCH_TEXT, /* over max_text in element name */
    XMLREAD_WRONG_ROOT,    /* the root is {ns}name, not root_name */
    XMLREAD_NO_ROOT,
};

/* Where and why a document was refused: line and column 1-based (0 when
 * unknown), message a sentence; ns and name the element concerned
 * (TOO_MUCH_TEXT, WRONG_ROOT; "" otherwise or for no namespace), so that
 * a caller can word the refusal its own way. */
struct xmlread_error {
    int line, column;
    enum xmlread_why why;
    char message[256];
    char ns[256];
    char name[256];
};

/*
 * Parses len bytes of buf (no NUL needed) under lim (NULL: the defaults).
 * Returns the root element, which the caller frees with xmlread_free(), or
 * NULL with *err filled in: not well-formed, not UTF-8/UTF-16/ISO-8859-1
 * as declared, a DOCTYPE, past a bound. Never crashes on any input.
 */
struct xmlread_node *xmlread_parse(const char *buf, size_t len,
                                   const struct xmlread_limits *lim,
                                   struct xmlread_error *err);
/* Frees a tree from xmlread_parse(); NULL is a no-op. */
void xmlread_free(struct xmlread_node *root);

/* The first child element of n with that local name (any namespace), or
 * NULL. Borrowed from the tree. */
const struct xmlread_node *xmlread_child(const struct xmlread_node *n,
                                         const char *name);
/* The text of that child (borrowed), or NULL when there is no such child
 * or it is xsi:nil. */
const char *xmlread_child_text(const struct xmlread_node *n, const char *name);
/* The value of the attribute with that namespace URI (NULL: none) and
 * local name, or NULL. Borrowed. */
const char *xmlread_attr(const struct xmlread_node *n, const char *ns,
                         const char *name);
/* 1 when n carries xsi:nil="true" (XML Schema's instance namespace). */
int xmlread_nil(const struct xmlread_node *n);

#endif
