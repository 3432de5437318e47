/*
 * test_redact.c - secrets replaced in form bodies, JSON bodies (whole,
 * truncated or malformed), SOAP (XML) bodies and single values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "redact.h"

/* body redacted, or NULL when nothing was (caller frees). */
static char *
redacted(const char *body)
{
    struct buf out;

    buf_init(&out, 1 << 20);
    if (redact_body(body, strlen(body), &out) == 0) {
        assert_int_equal(out.len, 0);
        buf_free(&out);
        return NULL;
    }
    buf_putc(&out, '\0');
    return buf_steal(&out, NULL);
}

static void
expect(const char *body, const char *want)
{
    char *got = redacted(body);

    if (want == NULL) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void
test_names(void **state)
{
    static const char *const listed[] = {"access_token",  "refresh_token",
                                         "id_token",      "token",
                                         "oauth_token",   "client_secret",
                                         "assertion",     "client_assertion",
                                         "password",      "code",
                                         "code_verifier", "PASSWORD",
                                         "Client_Secret", NULL};
    size_t i;

    (void)state;
    for (i = 0; listed[i] != NULL; i++)
        assert_true(redact_name(listed[i], strlen(listed[i])));
    assert_false(redact_name("client_id", 9));
    assert_false(redact_name("username", 8));
    assert_false(redact_name("code_challenge", 14));
    assert_false(redact_name("passwords", 9));
    assert_false(redact_name("", 0));
    assert_string_equal(redact_value("token", "abc"), REDACT_MARK);
    assert_string_equal(redact_value("state", "abc"), "abc");
}

static void
test_form(void **state)
{
    (void)state;
    expect("grant_type=password&client_id=app&client_secret=S3&username=u&"
           "password=P%26W",
           "grant_type=password&client_id=app&client_secret=[redacted]&"
           "username=u&password=[redacted]");
    /* Names are decoded before they are compared. */
    expect("client%5Fsecret=S3&Pass%77ord=x&refresh+token=keep",
           "client%5Fsecret=[redacted]&Pass%77ord=[redacted]&refresh+token="
           "keep");
    expect("token=abc", "token=[redacted]");
    /* An empty value, a bare name and other names hide nothing. */
    expect("password=&code&state=xyz&oid=00D", NULL);
    /* A journal keeps a prefix: a value cut short is still hidden. */
    expect("a=1&refresh_token=5Aep8", "a=1&refresh_token=[redacted]");
    expect("", NULL);
    expect("%", NULL);
    expect("code=%zz", "code=[redacted]");
}

static void
test_json(void **state)
{
    (void)state;
    expect("{\"client_secret\": \"S3\", \"client_id\": \"app\"}",
           "{\"client_secret\": \"[redacted]\", \"client_id\": \"app\"}");
    /* At any depth, any value type; escapes in keys are decoded. */
    expect("[{\"auth\":{\"Password\":123,\"x\":[1,{\"tok\\u0065n\":[\"a\","
           "\"b\"]}]}}]",
           "[{\"auth\":{\"Password\":\"[redacted]\",\"x\":[1,{\"tok\\u0065n\":"
           "\"[redacted]\"}]}}]");
    /* A string that is a value, not a key, is left alone. */
    expect("{\"name\": \"password\", \"note\": \"code\"}", NULL);
    expect("{\"password\": \"\", \"token\": null}", NULL);
    /* Truncated and malformed bodies are scanned as text. */
    expect("{\"a\": 1, \"refresh_token\": \"5Aep8", "{\"a\": 1, "
                                                    "\"refresh_token\": "
                                                    "\"[redacted]\"");
    expect("{\"code\": {\"nested\": \"x\"", "{\"code\": \"[redacted]\"");
    expect("{\"password\"", NULL);
    expect("{\"password\":", NULL);
    expect("{\"password\" : \"a\\\"b\"}", "{\"password\" : \"[redacted]\"}");
    expect("  [\"code\", \"password\"]", NULL);
}

/* SOAP bodies: elements by local name, whatever the prefix; CDATA,
 * comments and nested elements inside do not end them early; a body cut
 * short is redacted to its end. */
static void
test_xml(void **state)
{
    (void)state;
    expect("<se:Envelope><se:Body><login xmlns=\"urn:partner.soap."
           "sforce.com\"><username>u@x.test</username><password>pw&amp;"
           "TOKEN</password></login></se:Body></se:Envelope>",
           "<se:Envelope><se:Body><login xmlns=\"urn:partner.soap."
           "sforce.com\"><username>u@x.test</username><password>"
           "[redacted]</password></login></se:Body></se:Envelope>");
    expect("<n1:login><n1:password a=\"x>y\">s</n1:password></n1:login>",
           "<n1:login><n1:password a=\"x>y\">[redacted]</n1:password>"
           "</n1:login>");
    expect("<password><![CDATA[a</password>b]]><!-- </x> -->c</password>",
           "<password>[redacted]</password>");
    expect("<password><b>x</b>y</password>", "<password>[redacted]</password>");
    expect("<e><urn:sessionId>00D!abc</urn:sessionId></e>",
           "<e><urn:sessionId>[redacted]</urn:sessionId></e>");
    expect("<login><password>secret-cut-sh", "<login><password>[redacted]");
    expect("<login><password/><password></password></login>", NULL);
    expect("<login><username>u</username></login>", NULL);
    /* Not XML after all: read as a form. */
    expect("<x=1&password=pw", "<x=1&password=[redacted]");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_form),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_xml),
    };

    return cmocka_run_group_tests_name("redact", tests, NULL, NULL);
}
