/*
 * test_soap_login.c - the SOAP partner login() end to end: the whole
 * loginResponse compared (session id normalised), the session usable as a
 * Bearer token on REST, the faults with Salesforce's status, codes and
 * sf: prefix (INVALID_LOGIN, the security token, API access, v65), hostile
 * and malformed bodies answered with a fault, the journal redacting the
 * password, and the URLs over HTTPS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "jwtkeys.h"
#include "simtest.h"
#include "xmalloc.h"

#define SOAP_PATH "/services/Soap/u/62.0"
#define ENVELOPE                                                               \
    "<se:Envelope xmlns:se=\"http://schemas.xmlsoap.org/soap/envelope/\">"     \
    "<se:Header/><se:Body><login xmlns=\"urn:partner.soap.sforce.com\">"       \
    "<username>%s</username><password>%s</password></login></se:Body>"         \
    "</se:Envelope>"
#define FAULT_HEAD                                                             \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "             \
    "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "             \
    "xmlns:sf=\"urn:fault.partner.soap.sforce.com\" "                          \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"   \
    "<soapenv:Fault>"
#define INVALID_LOGIN                                                          \
    "Invalid username, password, security token; or user locked out."

struct fx {
    struct jwtkeys keys;
    struct simtest sim;
    struct simtest plain; /* while sim is an HTTPS one */
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    const char *args[] = {"--org", NULL, NULL};

    jwtkeys_make(&f->keys);
    args[1] = f->keys.org;
    simtest_start(&f->sim, args);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    int st = simtest_stop(&f->sim);

    jwtkeys_remove(&f->keys);
    free(f);
    return st == 0 ? 0 : -1;
}

static int
start_tls(void **state)
{
    struct fx *f = *state;
    const char *args[] = {"--org", f->keys.org, NULL};

    f->plain = f->sim;
    simtest_start_tls(&f->sim, args);
    return 0;
}

static int
stop_tls(void **state)
{
    struct fx *f = *state;
    int st = simtest_stop(&f->sim);

    f->sim = f->plain;
    return st == 0 ? 0 : -1;
}

/* POSTs body to path as text/xml; the answer (caller frees). */
static struct http_result
soap(struct fx *f, const char *path, const char *body)
{
    static const char *const hdr[] = {"SOAPAction: login", NULL};
    struct http_result r;

    httpc_request(f->sim.http, "POST", path, "text/xml; charset=UTF-8", body,
                  strlen(body), hdr, &r);
    return r;
}

static struct http_result
login(struct fx *f, const char *user, const char *pass)
{
    char *body = xasprintf(ENVELOPE, user, pass);
    struct http_result r = soap(f, SOAP_PATH, body);

    free(body);
    return r;
}

static void
expect_login_fault(struct fx *f, const char *user, const char *pass,
                   const char *code, const char *message)
{
    struct http_result r = login(f, user, pass);
    char *want = xasprintf(FAULT_HEAD
                           "<faultcode>sf:%s</faultcode><faultstring>%s: %s"
                           "</faultstring><detail><sf:LoginFault "
                           "xsi:type=\"sf:LoginFault\"><sf:exceptionCode>%s"
                           "</sf:exceptionCode><sf:exceptionMessage>%s"
                           "</sf:exceptionMessage></sf:LoginFault></detail>"
                           "</soapenv:Fault></soapenv:Body></soapenv:Envelope>",
                           code, code, message, code, message);
    char ct[128];

    assert_int_equal(r.status, 500);
    assert_string_equal(http_header(&r, "Content-Type", ct, sizeof(ct)),
                        "text/xml; charset=utf-8");
    assert_string_equal(r.body, want);
    free(want);
    http_result_free(&r);
}

/* The whole loginResponse for u (its id and name), session normalised. */
static char *
expected_response(struct fx *f, const char *id18, const char *full_name,
                  const char *username)
{
    const char *base = f->sim.proc.url;

    return xasprintf(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
        "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        "xmlns=\"urn:partner.soap.sforce.com\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
        "<soapenv:Body><loginResponse><result><metadataServerUrl>%s/services/"
        "Soap/m/62.0/00D000000000001</metadataServerUrl><passwordExpired>"
        "false</passwordExpired><sandbox>false</sandbox><serverUrl>%s/"
        "services/Soap/u/62.0/00D000000000001</serverUrl><sessionId>SESSION"
        "</sessionId><userId>%s</userId><userInfo><accessibilityMode>false"
        "</accessibilityMode><chatterExternal>false</chatterExternal>"
        "<currencySymbol>$</currencySymbol><orgAttachmentFileSizeLimit>"
        "26214400</orgAttachmentFileSizeLimit><orgDefaultCurrencyIsoCode>USD"
        "</orgDefaultCurrencyIsoCode><orgDefaultCurrencyLocale>en_US"
        "</orgDefaultCurrencyLocale><orgDisallowHtmlAttachments>false"
        "</orgDisallowHtmlAttachments><orgHasPersonAccounts>false"
        "</orgHasPersonAccounts><organizationId>00D000000000001EAA"
        "</organizationId><organizationMultiCurrency>false"
        "</organizationMultiCurrency><organizationName>Logins: JWT bearer "
        "and SOAP</organizationName><profileId>00e000000000001AAA"
        "</profileId><roleId xsi:nil=\"true\"/><sessionSecondsValid>7200"
        "</sessionSecondsValid><userDefaultCurrencyIsoCode xsi:nil=\"true\"/>"
        "<userEmail>%s</userEmail><userFullName>%s</userFullName><userId>%s"
        "</userId><userLanguage>en_US</userLanguage><userLocale>en_US"
        "</userLocale><userName>%s</userName><userTimeZone>America/"
        "Los_Angeles</userTimeZone><userType>Standard</userType><userUiSkin>"
        "Theme3</userUiSkin></userInfo></result></loginResponse>"
        "</soapenv:Body></soapenv:Envelope>",
        base, base, id18, username, full_name, id18, username);
}

/* The answer with its session id replaced by SESSION (caller frees). */
static char *
normalised(const char *body, char **session)
{
    const char *a = strstr(body, "<sessionId>"), *b;

    assert_non_null(a);
    a += strlen("<sessionId>");
    b = strstr(a, "</sessionId>");
    assert_non_null(b);
    *session = xasprintf("%.*s", (int)(b - a), a);
    return xasprintf("%.*sSESSION%s", (int)(a - body), body, b);
}

static void
test_success_whole_answer(void **state)
{
    struct fx *f = *state;
    struct http_result r = login(f, "admin@sfsim.test", "sfsim-password");
    char *want = expected_response(f, "005000000000001AAA", "Sim Admin",
                                   "admin@sfsim.test");
    char *session, *got, *auth, ct[128];
    const char *hdr[] = {NULL, NULL};
    struct http_result q;

    assert_int_equal(r.status, 200);
    assert_string_equal(http_header(&r, "Content-Type", ct, sizeof(ct)),
                        "text/xml; charset=utf-8");
    got = normalised(r.body, &session);
    assert_string_equal(got, want);
    assert_int_equal(strncmp(session, "00D000000000001!", 16), 0);
    /* The session is a Bearer token on REST. */
    auth = xasprintf("Authorization: Bearer %s", session);
    hdr[0] = auth;
    httpc_request(f->sim.http, "GET",
                  "/services/data/v62.0/query?q=SELECT+COUNT()+FROM+Lead", NULL,
                  NULL, 0, hdr, &q);
    assert_int_equal(q.status, 200);
    http_result_free(&q);
    free(auth);
    free(session);
    free(got);
    free(want);
    http_result_free(&r);
}

/* The password with the user's token appended; the password alone says
 * the token is missing; the OAuth password grant wants the same. */
static void
test_security_token(void **state)
{
    struct fx *f = *state;
    struct http_result r =
        login(f, "TOKEN@sfsim.test", "token-passwordT0kenT0kenT0ken");
    char *id = simtest_xml_element(r.body, "userId");
    const char *form;
    long st;

    assert_int_equal(r.status, 200);
    assert_string_equal(id, "005000000000002AAA");
    free(id);
    http_result_free(&r);
    expect_login_fault(f, "token@sfsim.test", "token-password",
                       "LOGIN_MUST_USE_SECURITY_TOKEN",
                       INVALID_LOGIN
                       " Are you at a new location? When accessing "
                       "Salesforce--either via a desktop client or the "
                       "API--from outside of your company\xe2\x80\x99s trusted "
                       "networks, you must add a security token to your "
                       "password to log in. To get your new security token, "
                       "log into Salesforce. From your personal settings, "
                       "enter Reset My Security Token in the Quick Find box, "
                       "then select Reset My Security Token.");
    expect_login_fault(f, "token@sfsim.test", "token-passwordWRONG",
                       "INVALID_LOGIN", INVALID_LOGIN);
    form = "grant_type=password&client_id=sfsim-client-id&client_secret="
           "sfsim-client-secret&username=token%40sfsim.test&password=token-"
           "password";
    st = httpc_post_form(f->sim.http, "/services/oauth2/token", form, NULL);
    assert_int_equal(st, 400);
    form = "grant_type=password&client_id=sfsim-client-id&client_secret="
           "sfsim-client-secret&username=token%40sfsim.test&password=token-"
           "passwordT0kenT0kenT0ken";
    st = httpc_post_form(f->sim.http, "/services/oauth2/token", form, NULL);
    assert_int_equal(st, 200);
}

static void
test_refusals(void **state)
{
    struct fx *f = *state;
    struct http_result r;

    expect_login_fault(f, "admin@sfsim.test", "wrong", "INVALID_LOGIN",
                       INVALID_LOGIN);
    expect_login_fault(f, "nobody@sfsim.test", "pw", "INVALID_LOGIN",
                       INVALID_LOGIN);
    expect_login_fault(f, "inactive@sfsim.test", "pw", "INVALID_LOGIN",
                       INVALID_LOGIN);
    expect_login_fault(f, "noapi@sfsim.test", "pw", "API_CURRENTLY_DISABLED",
                       "API is disabled for this User");
    r = soap(f, "/services/Soap/u/65.0",
             "<se:Envelope xmlns:se=\"http://schemas.xmlsoap.org/soap/"
             "envelope/\"><se:Body><n1:login xmlns:n1=\"urn:partner.soap."
             "sforce.com\"><n1:username>admin@sfsim.test</n1:username>"
             "<n1:password>sfsim-password</n1:password></n1:login></se:Body>"
             "</se:Envelope>");
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(
        r.body, "<faultcode>sf:INVALID_OPERATION</faultcode><faultstring>"
                "INVALID_OPERATION: The SOAP Login operation is not available "
                "in the API version specified (65.0). Refer to the "
                "documentation for supported versions.</faultstring>"));
    http_result_free(&r);
}

/* A Client fault whose faultstring contains want. */
static void
expect_client_fault(struct fx *f, const char *body, const char *want)
{
    struct http_result r = soap(f, SOAP_PATH, body);
    char *fs = simtest_xml_element(r.body, "faultstring");

    assert_int_equal(r.status, 500);
    assert_non_null(strstr(r.body, "<faultcode>soapenv:Client</faultcode>"));
    assert_non_null(fs);
    assert_non_null(strstr(fs, want));
    free(fs);
    http_result_free(&r);
}

static void
test_hostile_bodies(void **state)
{
    struct fx *f = *state;
    struct buf b;
    int i;

    expect_client_fault(
        f,
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>"
        "<lolz>&lol2;</lolz>",
        "a document type declaration (DOCTYPE) is not allowed");
    expect_client_fault(
        f,
        "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><x>&xxe;"
        "</x>",
        "a document type declaration (DOCTYPE) is not allowed");
    buf_init(&b, 1 << 20);
    buf_puts(&b, "<se:Envelope xmlns:se=\"http://schemas.xmlsoap.org/soap/"
                 "envelope/\"><se:Body>");
    for (i = 0; i < 10000; i++)
        buf_puts(&b, "<a>");
    expect_client_fault(f, b.data, "elements nested deeper than 32 levels");
    buf_reset(&b);
    for (i = 0; i < 70000; i++)
        buf_putc(&b, ' ');
    expect_client_fault(f, b.data, "the message is larger than 65536 bytes");
    buf_free(&b);
    expect_client_fault(f, "<se:Envelope", "not well-formed XML");
    expect_client_fault(f, "",
                        "line 1, column 1: not well-formed XML (no element "
                        "found)");
    expect_client_fault(f,
                        "<se:Envelope xmlns:se=\"http://schemas.xmlsoap.org/"
                        "soap/envelope/\"><se:Body><query xmlns=\"urn:partner."
                        "soap.sforce.com\"/></se:Body></se:Envelope>",
                        "sfsim answers login(), convertLead() and undelete() "
                        "on the SOAP partner API ({urn:partner.soap.sforce."
                        "com}query is not simulated)");
}

/* The journal keeps the call, without the password. */
static void
test_journal_redacts_password(void **state)
{
    struct fx *f = *state;
    struct http_result r = login(f, "admin@sfsim.test", "sfsim-password");
    json_t *j, *e;
    const char *body;

    http_result_free(&r);
    j = simtest_journal(&f->sim, 0);
    e = json_array_get(j, json_array_size(j) - 1);
    body = json_string_value(json_object_get(e, "body"));
    assert_non_null(strstr(body, "<password>[redacted]</password>"));
    assert_null(strstr(body, "sfsim-password"));
    assert_string_equal(json_string_value(json_object_get(e, "verdict")),
                        "token_issued");
    json_decref(j);
}

static void
test_over_https(void **state)
{
    struct fx *f = *state;
    struct http_result r = login(f, "admin@sfsim.test", "sfsim-password");
    char *want = expected_response(f, "005000000000001AAA", "Sim Admin",
                                   "admin@sfsim.test");
    char *session, *got = normalised(r.body, &session);

    assert_int_equal(strncmp(f->sim.proc.url, "https://", 8), 0);
    assert_string_equal(got, want);
    free(session);
    free(got);
    free(want);
    http_result_free(&r);
}

/* A sandbox org: <sandbox> true, and each user's own profileId, the
 * ProfileId of the User record REST reads with the session. */
static void
test_sandbox_and_profile(void **state)
{
    struct fx *f = *state;
    const char *args[] = {"--org", NULL, NULL};
    struct http_result r;
    char *session, *profile, *path;
    json_t *user;
    long st;

    args[1] = simtest_fixture("orgs/sandbox.json");
    f->plain = f->sim;
    simtest_start(&f->sim, args);
    r = login(f, "sales@acme.sandbox", "sales-password");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<sandbox>true</sandbox>"));
    session = simtest_xml_element(r.body, "sessionId");
    profile = simtest_xml_element(r.body, "profileId");
    assert_non_null(session);
    assert_non_null(profile);
    assert_int_equal(strlen(profile), 18);
    simtest_use_token(&f->sim, session);
    path =
        xasprintf("/services/data/v62.0/sobjects/User/%s", "0055e000001AbCf");
    user = simtest_api_json(&f->sim, "GET", path, NULL, NULL, &st);
    assert_int_equal(st, 200);
    assert_string_equal(json_string_value(json_object_get(user, "ProfileId")),
                        profile);
    /* Standard User, not the administrator's 00e000000000001. */
    assert_string_not_equal(profile, "00e000000000001AAA");
    json_decref(user);
    free(path);
    free(session);
    free(profile);
    http_result_free(&r);
    assert_int_equal(simtest_stop(&f->sim), 0);
    f->sim = f->plain;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_whole_answer),
        cmocka_unit_test(test_security_token),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_hostile_bodies),
        cmocka_unit_test(test_journal_redacts_password),
        cmocka_unit_test(test_sandbox_and_profile),
        cmocka_unit_test_setup_teardown(test_over_https, start_tls, stop_tls),
    };

    return cmocka_run_group_tests_name("e2e_soap_login", tests, setup,
                                       teardown);
}
