/*
 * test_bulk1xml.c - the flat XML of Bulk API 1.0 job bodies: what
 * clients send (jsforce's body, with its declaration, namespace and
 * whitespace), entities and character references, empty elements, and
 * every refusal with its reason; the escaper.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bulk1xml.h"

/* Reads text: 0 or -1, the reason in why. */
static int
read_doc(const char *text, struct bulk1xml_doc *d, char *why, size_t n)
{
    struct sf_err err;
    int rc;

    err_clear(&err);
    rc = bulk1xml_read(text, strlen(text), d, &err);
    snprintf(why, n, "%s", err.msg);
    return rc;
}

static void
test_client_body(void **state)
{
    struct bulk1xml_doc d;
    char why[SF_ERR_MSG_MAX];

    (void)state;
    assert_int_equal(
        read_doc("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<jobInfo  xmlns=\"http://www.force.com/2009/06/asyncapi/"
                 "dataload\">\n  <operation>upsert</operation>\n"
                 "  <object>Lead</object>\n  <externalIdFieldName>X__c"
                 "</externalIdFieldName >\n  <contentType>CSV</contentType>"
                 "\n</jobInfo>\n",
                 &d, why, sizeof(why)),
        0);
    assert_string_equal(d.root, "jobInfo");
    assert_int_equal(d.n, 4);
    assert_string_equal(bulk1xml_get(&d, "operation"), "upsert");
    assert_string_equal(bulk1xml_get(&d, "externalIdFieldName"), "X__c");
    assert_null(bulk1xml_get(&d, "state"));
}

static void
test_text(void **state)
{
    struct bulk1xml_doc d;
    char why[SF_ERR_MSG_MAX];

    (void)state;
    assert_int_equal(read_doc("<a><b>x &amp; &lt;&gt;&quot;&apos; &#65;&#x42;"
                              "&#xE9;</b><c/><d></d></a>",
                              &d, why, sizeof(why)),
                     0);
    assert_string_equal(bulk1xml_get(&d, "b"), "x & <>\"' AB\xC3\xA9");
    assert_string_equal(bulk1xml_get(&d, "c"), "");
    assert_string_equal(bulk1xml_get(&d, "d"), "");
    assert_int_equal(read_doc("<a/>", &d, why, sizeof(why)), 0);
    assert_int_equal(d.n, 0);
}

static void
test_refusals(void **state)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"", "the root element expected at byte 0"},
        {"<!DOCTYPE a><a/>", "DOCTYPE, comments, CDATA"},
        {"<a><!-- x --></a>", "DOCTYPE, comments, CDATA"},
        {"<a><b><c>x</c></b></a>", "an end tag expected"},
        {"<a><b>x</c></a>", "an end tag that does not match"},
        {"<a><b x=\"1\">x</b></a>", "attributes on a field element"},
        {"<a><b>x</b>", "the root element is not closed"},
        {"<a>text<b>x</b></a>", "text outside a field element"},
        {"<a></a>x", "content after the root element"},
        {"<a><b>&bogus;</b></a>", "an unknown entity"},
        {"<a><b>&#0;</b></a>", "a bad character reference"},
        {"<a><b>&#xD800;</b></a>", "a bad character reference"},
        {"<a><b>&#x110000;</b></a>", "a bad character reference"},
        {"<a><b>\x01</b></a>", "a control character in text"},
        {"<a><b>\xFF</b></a>", "text that is not UTF-8"},
        {"<a><b>x>y</b></a>", "a stray '>'"},
        {"<a x=\"1><b/></a>", "a tag is not closed"},
    };
    struct bulk1xml_doc d;
    char why[SF_ERR_MSG_MAX], big[2048];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (read_doc(cases[i].text, &d, why, sizeof(why)) != -1 ||
            strstr(why, cases[i].why) == NULL)
            fail_msg("%s: %s", cases[i].text, why);
    }
    memset(big, 'v', sizeof(big));
    memcpy(big, "<a><b>", 6);
    snprintf(big + 6 + BULK1XML_VALUE_MAX, 16, "</b></a>");
    assert_int_equal(read_doc(big, &d, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "text is too long"));
}

static void
test_too_many(void **state)
{
    struct bulk1xml_doc d;
    char why[SF_ERR_MSG_MAX], text[1024];
    size_t i, n = 0;

    (void)state;
    n += (size_t)snprintf(text, sizeof(text), "<a>");
    for (i = 0; i <= BULK1XML_FIELDS_MAX; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "<b/>");
    snprintf(text + n, sizeof(text) - n, "</a>");
    assert_int_equal(read_doc(text, &d, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "too many elements"));
}

static void
test_escape(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 1024);
    assert_int_equal(buf_xml_escape(&b, "a&b<c>d\"e'f", 0), 0);
    assert_string_equal(b.data, "a&amp;b&lt;c&gt;d&quot;e'f");
    buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_body), cmocka_unit_test(test_text),
        cmocka_unit_test(test_refusals),    cmocka_unit_test(test_too_many),
        cmocka_unit_test(test_escape),
    };

    return cmocka_run_group_tests_name("unit_bulk1xml", tests, NULL, NULL);
}
