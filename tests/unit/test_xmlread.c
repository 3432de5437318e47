/*
 * test_xmlread.c - the bounded XML reader (xmlread.h): the tree it builds
 * (namespaces, attributes, text, positions, xsi:nil) and what it refuses:
 * any DOCTYPE (so entity bombs and external entities), documents past
 * their bounds (bytes, depth, elements, text), malformed ones, with the
 * line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "xmlread.h"

#define MD "http://soap.sforce.com/2006/04/metadata"
#define XSI "http://www.w3.org/2001/XMLSchema-instance"

static struct xmlread_node *
parse(const char *doc, const struct xmlread_limits *lim,
      struct xmlread_error *err)
{
    return xmlread_parse(doc, strlen(doc), lim, err);
}

/* Refused, with a message that contains want, at line (0: any). */
static void
refused(const char *doc, const struct xmlread_limits *lim, const char *want,
        int line)
{
    struct xmlread_error err;
    struct xmlread_node *n = parse(doc, lim, &err);

    if (n != NULL) {
        xmlread_free(n);
        fail_msg("accepted: %.80s", doc);
    }
    if (strstr(err.message, want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, want);
    if (line > 0)
        assert_int_equal(err.line, line);
}

static void
accepted(const char *doc, const struct xmlread_limits *lim)
{
    struct xmlread_error err;
    struct xmlread_node *n = parse(doc, lim, &err);

    if (n == NULL)
        fail_msg("refused (%s): %.80s", err.message, doc);
    xmlread_free(n);
}

static void
test_tree(void **state)
{
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<CustomField xmlns=\"" MD "\" xmlns:xsi=\"" XSI "\">\n"
        "    <fullName>Tier__c</fullName>\n"
        "    <description xsi:nil=\"true\"/>\n"
        "    <formula>a &lt; b &amp;&amp; c &#x263A; &quot;q&quot;</formula>\n"
        "    <x:other xmlns:x=\"urn:x\" x:k=\"v\">t<y/>u</x:other>\n"
        "</CustomField>\n";
    struct xmlread_error err;
    struct xmlread_node *n = parse(doc, NULL, &err);
    const struct xmlread_node *k;

    (void)state;
    assert_non_null(n);
    assert_string_equal(n->name, "CustomField");
    assert_string_equal(n->ns, MD);
    assert_int_equal(n->line, 2);
    assert_int_equal(n->column, 1);
    assert_int_equal(n->nkids, 4);
    assert_string_equal(xmlread_child_text(n, "fullName"), "Tier__c");
    assert_int_equal(xmlread_child(n, "fullName")->line, 3);
    assert_int_equal(xmlread_child(n, "fullName")->column, 5);
    /* xsi:nil: the child is there, its text is not. */
    assert_non_null(xmlread_child(n, "description"));
    assert_true(xmlread_nil(xmlread_child(n, "description")));
    assert_null(xmlread_child_text(n, "description"));
    /* Predefined entities and character references, as UTF-8. */
    assert_string_equal(xmlread_child_text(n, "formula"),
                        "a < b && c \xe2\x98\xba \"q\"");
    k = xmlread_child(n, "other");
    assert_string_equal(k->ns, "urn:x");
    assert_string_equal(xmlread_attr(k, "urn:x", "k"), "v");
    assert_null(xmlread_attr(k, NULL, "k"));
    assert_string_equal(k->text, "tu");
    assert_int_equal(k->nkids, 1);
    assert_null(xmlread_child(n, "missing"));
    assert_null(xmlread_child_text(n, "missing"));
    xmlread_free(n);
    xmlread_free(NULL);
}

static void
test_latin1_is_utf8(void **state)
{
    static const char doc[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                              "<a>caf\xe9</a>";
    struct xmlread_node *n = parse(doc, NULL, NULL);

    (void)state;
    assert_non_null(n);
    assert_string_equal(n->text, "caf\xc3\xa9");
    xmlread_free(n);
}

/* Every document type declaration is refused: entity expansion bombs,
 * external entities (a file, a URL), parameter entities. */
static void
test_doctype_refused(void **state)
{
    (void)state;
    refused("<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE lolz [\n"
            " <!ENTITY lol \"lol\">\n"
            " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
            " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
            "]>\n<lolz>&lol3;</lolz>",
            NULL, "DOCTYPE", 2);
    refused(
        "<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>",
        NULL, "DOCTYPE", 1);
    refused("<!DOCTYPE a SYSTEM \"http://127.0.0.1:1/x.dtd\"><a/>", NULL,
            "DOCTYPE", 1);
    refused("<!DOCTYPE a [<!ENTITY % p SYSTEM \"x\"> %p;]><a/>", NULL,
            "DOCTYPE", 1);
    /* An entity never declared is an error, not an empty string. */
    refused("<a>&undeclared;</a>", NULL, "undefined entity", 1);
}

/* pre, then mid n times, then post (caller frees). */
static char *
repeat(const char *pre, const char *mid, size_t n, const char *post)
{
    struct buf b;
    size_t i;

    buf_init(&b, 1u << 20);
    buf_puts(&b, pre);
    for (i = 0; i < n; i++)
        buf_puts(&b, mid);
    buf_puts(&b, post);
    return buf_steal(&b, NULL);
}

static void
test_bounds(void **state)
{
    struct xmlread_limits lim = {.max_depth = 8};
    char *deep, *many, *text, *closers;

    (void)state;
    /* Depth: 8 nested is fine, 9 is not. */
    closers = repeat("", "</a>", 8, "");
    deep = repeat("", "<a>", 8, closers);
    free(closers);
    accepted(deep, &lim);
    lim.max_depth = 7;
    refused(deep, &lim, "nested deeper than 7", 1);
    free(deep);
    /* The default depth bound: 100,000 nested elements are refused
     * without recursion trouble. */
    deep = repeat("", "<a>", 100000, "");
    refused(deep, NULL, "nested deeper than 64", 1);
    free(deep);
    /* Elements in all. */
    many = repeat("<r>", "<b/>", 1000, "</r>");
    lim = (struct xmlread_limits){.max_nodes = 500};
    refused(many, &lim, "more than 500 elements", 1);
    lim.max_nodes = 1001;
    accepted(many, &lim);
    free(many);
    /* Text of one element, and the document's bytes. */
    text = repeat("<r>", "x", 5000, "</r>");
    lim = (struct xmlread_limits){.max_text = 4096};
    refused(text, &lim, "more than 4096 bytes of text in <r>", 1);
    lim = (struct xmlread_limits){.max_bytes = 1000};
    refused(text, &lim, "larger than 1000 bytes", 0);
    free(text);
}

static void
test_malformed(void **state)
{
    (void)state;
    refused("", NULL, "", 0);
    refused("<a>\n<b>\n</a>", NULL, "mismatched tag", 3);
    refused("<a></a><b/>", NULL, "junk after document element", 1);
    refused("<a x=\"1\" x=\"2\"/>", NULL, "duplicate attribute", 1);
    refused("<p:a/>", NULL, "unbound prefix", 1);
    refused("<a>\xff\xfe</a>", NULL, "invalid token", 1);
    refused("just text", NULL, "", 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_latin1_is_utf8),
        cmocka_unit_test(test_doctype_refused),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
