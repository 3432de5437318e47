/*
 * test_soap.c - reading SOAP calls: by namespace, not prefix; the
 * operation and its arguments; hostile documents (DTDs and entities, deep
 * nesting, too many elements, too much text, too large) and malformed
 * ones refused with a located message; the fault envelope; the
 * SessionHeader, repeated and nested arguments. One reader
 * (soap_doc_read) serves login() and the data calls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "soap.h"
#include "xmlread.h"
#include "xmalloc.h"

#define ENV_OPEN "<se:Envelope xmlns:se=\"" SOAP_NS_ENVELOPE "\"><se:Body>"
#define ENV_CLOSE "</se:Body></se:Envelope>"

static void
expect_call(const char *body, const char *op, const char *user,
            const char *pass)
{
    struct soap_doc c;
    struct sf_err err;

    err_clear(&err);
    assert_int_equal(soap_doc_read(body, strlen(body), &c, &err), 0);
    assert_string_equal(soap_doc_op_ns(&c), SOAP_NS_PARTNER);
    assert_string_equal(c.op->name, op);
    if (user == NULL)
        assert_null(soap_doc_arg(&c, "username"));
    else
        assert_string_equal(soap_doc_arg(&c, "username"), user);
    if (pass == NULL)
        assert_null(soap_doc_arg(&c, "password"));
    else
        assert_string_equal(soap_doc_arg(&c, "password"), pass);
    soap_doc_free(&c);
}

static void
expect_refused(const char *body, size_t len, const char *msg)
{
    struct soap_doc c;
    struct sf_err err;

    err_clear(&err);
    assert_int_equal(soap_doc_read(body, len, &c, &err), -1);
    assert_string_equal(err.msg, msg);
    soap_doc_free(&c);
}

static void
test_namespaces_not_prefixes(void **state)
{
    (void)state;
    /* jsforce: the default namespace. */
    expect_call(ENV_OPEN "<login xmlns=\"urn:partner.soap.sforce.com\">"
                         "<username>u@x.test</username><password>p&amp;w"
                         "</password></login>" ENV_CLOSE,
                "login", "u@x.test", "p&w");
    /* simple-salesforce: prefixed, a header, an XML declaration. */
    expect_call("<?xml version=\"1.0\" encoding=\"utf-8\" ?>"
                "<env:Envelope xmlns:env=\"" SOAP_NS_ENVELOPE "\" "
                "xmlns:urn=\"urn:partner.soap.sforce.com\"><env:Header>"
                "<urn:CallOptions><urn:client>x</urn:client></urn:CallOptions>"
                "</env:Header><env:Body><urn:login><urn:username>a@b"
                "</urn:username><urn:password><![CDATA[<pw>]]></urn:password>"
                "</urn:login></env:Body></env:Envelope>",
                "login", "a@b", "<pw>");
    /* Arguments without a namespace are read; another one's are not; the
     * first of a name wins. */
    expect_call(ENV_OPEN "<n1:login xmlns:n1=\"urn:partner.soap.sforce.com\">"
                         "<username>x</username><username>y</username>"
                         "<o:password xmlns:o=\"urn:other\">no</o:password>"
                         "</n1:login>" ENV_CLOSE,
                "login", "x", NULL);
}

#define SOAP12                                                                 \
    "<se:Envelope xmlns:se=\"http://www.w3.org/2003/05/soap-envelope\"/>"

static void
test_refused(void **state)
{
    char *big, *deep, *many, *text;
    size_t i, n;

    (void)state;
    expect_refused("", 0,
                   "line 1, column 1: not well-formed XML (no element found)");
    expect_refused("<a>", 3,
                   "line 1, column 1: the root element is not a SOAP 1.1 "
                   "Envelope (a)");
    expect_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
                   "<!ENTITY lol \"lol\">\n<!ENTITY lol2 \"&lol;&lol;&lol;\">"
                   "]>\n<lolz>&lol2;</lolz>",
                   strlen("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
                          "<!ENTITY lol \"lol\">\n<!ENTITY lol2 \"&lol;&lol;"
                          "&lol;\">]>\n<lolz>&lol2;</lolz>"),
                   "line 2, column 16: a document type declaration (DOCTYPE) "
                   "is not allowed in a SOAP message");
    expect_refused(ENV_OPEN "&xxe;" ENV_CLOSE,
                   strlen(ENV_OPEN "&xxe;" ENV_CLOSE),
                   "line 1, column 76: not well-formed XML (undefined "
                   "entity)");
    expect_refused(ENV_OPEN ENV_CLOSE, strlen(ENV_OPEN ENV_CLOSE),
                   "the SOAP Body holds no operation");
    expect_refused(SOAP12, strlen(SOAP12),
                   "line 1, column 1: the root element is not a SOAP 1.1 "
                   "Envelope ({http://www.w3.org/2003/05/soap-envelope}"
                   "Envelope)");

    deep = xmalloc(40 * 8 + 128);
    n = (size_t)snprintf(deep, 128, "%s", ENV_OPEN);
    for (i = 0; i < 40; i++)
        n += (size_t)snprintf(deep + n, 8, "<a>");
    expect_refused(deep, n,
                   "line 1, column 166: elements nested deeper than 32 "
                   "levels");
    free(deep);

    many = xmalloc(SOAP_MAX_ELEMENTS * 4 + 256);
    n = (size_t)snprintf(many, 256, "%s<login>", ENV_OPEN);
    for (i = 0; i < SOAP_MAX_ELEMENTS; i++)
        n += (size_t)snprintf(many + n, 5, "<a/>");
    expect_refused(many, n, "line 1, column 8071: more than 2000 elements");
    free(many);

    text = xmalloc(SOAP_MAX_TEXT + 256);
    n = (size_t)snprintf(text, 256, "%s<login><password>", ENV_OPEN);
    memset(text + n, 'x', SOAP_MAX_TEXT + 1);
    n += SOAP_MAX_TEXT + 1;
    expect_refused(text, n,
                   "line 1, column 93: the value of <password> is longer "
                   "than 4096 bytes");
    free(text);

    big = xmalloc(SOAP_MAX_BODY + 1);
    memset(big, ' ', SOAP_MAX_BODY + 1);
    expect_refused(big, SOAP_MAX_BODY + 1,
                   "the message is larger than 65536 bytes");
    free(big);
}

static void
test_fault_and_escape(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 16);
    soap_fault(&b, "sf:X", "X: a<b & \"c\"", "LoginFault", "X", "m>");
    assert_string_equal(
        b.data,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
        "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        "xmlns:sf=\"urn:fault.partner.soap.sforce.com\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
        "<soapenv:Body><soapenv:Fault><faultcode>sf:X</faultcode>"
        "<faultstring>X: a&lt;b &amp; &quot;c&quot;</faultstring><detail>"
        "<sf:LoginFault xsi:type=\"sf:LoginFault\"><sf:exceptionCode>X"
        "</sf:exceptionCode><sf:exceptionMessage>m&gt;</sf:exceptionMessage>"
        "</sf:LoginFault></detail></soapenv:Fault></soapenv:Body>"
        "</soapenv:Envelope>");
    buf_free(&b);
}

static void
test_doc_reads_session_and_items(void **state)
{
    const char *body =
        "<e:Envelope xmlns:e=\"" SOAP_NS_ENVELOPE
        "\" xmlns:p=\"" SOAP_NS_PARTNER
        "\"><e:Header><p:SessionHeader><p:sessionId>00Dx!tok</p:sessionId>"
        "</p:SessionHeader></e:Header><e:Body><p:undelete><p:ids>a</p:ids>"
        "<p:ids>b</p:ids></p:undelete></e:Body></e:Envelope>";
    struct soap_doc d;
    struct sf_err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(soap_doc_read(body, strlen(body), &d, &err), 0);
    assert_string_equal(soap_doc_session(&d), "00Dx!tok");
    assert_string_equal(d.op->name, "undelete");
    assert_int_equal(d.op->nkids, 2);
    assert_string_equal(d.op->kids[1]->text, "b");
    soap_doc_free(&d);
    /* A SessionHeader of another namespace is no session. */
    body = "<e:Envelope xmlns:e=\"" SOAP_NS_ENVELOPE "\"><e:Header>"
           "<SessionHeader><sessionId>x</sessionId></SessionHeader>"
           "</e:Header><e:Body><undelete/></e:Body></e:Envelope>";
    assert_int_equal(soap_doc_read(body, strlen(body), &d, &err), 0);
    assert_null(soap_doc_session(&d));
    soap_doc_free(&d);
}

static void
expect_doc_refused(const char *body, size_t len, const char *msg)
{
    struct soap_doc d;
    struct sf_err err;

    err_clear(&err);
    assert_int_equal(soap_doc_read(body, len, &d, &err), -1);
    assert_non_null(strstr(err.msg, msg));
    soap_doc_free(&d);
}

static void
test_doc_refused(void **state)
{
    char *big = xmalloc(SOAP_MAX_BODY + 2);

    (void)state;
    expect_doc_refused("<a/>", 4, "not a SOAP 1.1 Envelope");
    expect_doc_refused(ENV_OPEN ENV_CLOSE, strlen(ENV_OPEN ENV_CLOSE),
                       "holds no operation");
    expect_doc_refused("<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>", 39,
                       "line 1");
    memset(big, ' ', SOAP_MAX_BODY + 1);
    big[SOAP_MAX_BODY + 1] = '\0';
    expect_doc_refused(big, SOAP_MAX_BODY + 1, "larger than 65536 bytes");
    free(big);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_namespaces_not_prefixes),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_fault_and_escape),
        cmocka_unit_test(test_doc_reads_session_and_items),
        cmocka_unit_test(test_doc_refused),
    };

    return cmocka_run_group_tests_name("soap", tests, NULL, NULL);
}
