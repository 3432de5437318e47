/*
 * test_w2l.c - Web-to-Lead end to end: the real sfsim on --port 0, real
 * HTTP, checked against what Salesforce answers (facts section 1).
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
#include "simtest.h"

#define W2L "/servlet/servlet.WebToLead?encoding=UTF-8"
#define OID "00D000000000001"
#define FORM_CT "application/x-www-form-urlencoded"
#define EXCEPTION_HEADER                                                       \
    "true Exception:common.exception.SalesforceGenericException"

static const char expected_page[] =
    "\r\n<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.0 Transitional//EN\">\n"
    "<html>\n<head>\n<meta HTTP-EQUIV=\"PRAGMA\" CONTENT=\"NO-CACHE\">\n"
    "<meta http-equiv=\"Refresh\" content=\"0; "
    "URL=https://www.yoursite.com/\">\n</head>\n<script>if (this.SfdcApp && "
    "this.SfdcApp.projectOneNavigator) { "
    "SfdcApp.projectOneNavigator.handleRedirect('https://www.yoursite.com/'); "
    "}  else if (window.location.replace){ "
    "window.location.replace('https://www.yoursite.com/');} else "
    "{;window.location.href ='https://www.yoursite.com/';} "
    "</script></html>\n";

static int
start_performance(void **state)
{
    return simtest_setup_org(state, "orgs/performance.json");
}

static int
start_queue(void **state)
{
    return simtest_setup_org(state, "orgs/w2l-queue.json");
}

static int
start_recaptcha(void **state)
{
    return simtest_setup_org(state, "orgs/recaptcha.json");
}

static int
start_custom(void **state)
{
    return simtest_setup_org(state, "orgs/custom-fields.json");
}

/* Verdict of the newest request entry in the journal ("" if none). */
static const char *
last_verdict(struct simtest *t, char *out, size_t n)
{
    json_t *e =
        simtest_journal_last(t, &(struct simtest_match){.kind = "request"});
    const char *v = json_string_value(json_object_get(e, "verdict"));

    snprintf(out, n, "%s", v != NULL ? v : "");
    json_decref(e);
    return out;
}

static json_t *
last_lead(struct simtest *t)
{
    json_t *all = httpc_get_json(t->http, "/__sim/records/Lead", NULL);
    json_t *last = json_incref(json_array_get(all, json_array_size(all) - 1));

    json_decref(all);
    return last;
}

static const char *
str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void
post_n(struct simtest *t, const char *oid, int n, int start)
{
    char form[256];
    int i;

    for (i = 0; i < n; i++) {
        snprintf(form, sizeof(form),
                 "oid=%s&last_name=Lead%d&company=Acme&email=l%d@x.test", oid,
                 start + i, start + i);
        assert_int_equal(httpc_post_form(t->http, W2L, form, NULL), 200);
    }
}

static void
test_success_page_and_record(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char hdr[256], v[64];
    json_t *lead;

    assert_int_equal(
        httpc_post_form(t->http, W2L,
                        "oid=" OID "&first_name=Ada&last_name=Lovelace&"
                        "company=Analytical&email=ada%40example.com&phone=555-"
                        "0100&lead_source=Web&retURL=https%3A%2F%2Fwww."
                        "yoursite.com%2F",
                        &r),
        200);
    assert_string_equal(r.body, expected_page);
    assert_string_equal(http_header(&r, "Is-Processed", hdr, sizeof(hdr)),
                        "true");
    assert_string_equal(http_header(&r, "Content-Type", hdr, sizeof(hdr)),
                        "text/html;charset=UTF-8");
    http_result_free(&r);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "created");
    lead = last_lead(t);
    assert_string_equal(str(lead, "FirstName"), "Ada");
    assert_string_equal(str(lead, "LastName"), "Lovelace");
    assert_string_equal(str(lead, "Company"), "Analytical");
    assert_string_equal(str(lead, "Email"), "ada@example.com");
    assert_string_equal(str(lead, "Phone"), "555-0100");
    assert_string_equal(str(lead, "LeadSource"), "Web");
    assert_string_equal(str(lead, "Status"), "Open - Not Contacted");
    assert_int_equal(strlen(str(lead, "Id")), 18);
    assert_memory_equal(str(lead, "Id"), "00Q", 3);
    json_decref(lead);
}

static void
test_not_provided_placeholders(void **state)
{
    struct simtest *t = *state;
    json_t *lead;

    assert_int_equal(
        httpc_post_form(t->http, W2L, "oid=" OID "&email=x%40y.test", NULL),
        200);
    lead = last_lead(t);
    assert_string_equal(str(lead, "LastName"), "[not provided]");
    assert_string_equal(str(lead, "Company"), "[not provided]");
    json_decref(lead);
}

static void
test_daily_cap_silently_drops_then_rolls(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char hdr[256], v[64];
    json_t *mail;

    post_n(t, OID, 500, 0);
    assert_int_equal(simtest_count(t, "Lead"), 500);
    /* The 501st looks exactly like a success on the wire... */
    assert_int_equal(httpc_post_form(t->http, W2L,
                                     "oid=" OID "&last_name=Over&company=X",
                                     &r),
                     200);
    assert_string_equal(http_header(&r, "Is-Processed", hdr, sizeof(hdr)),
                        "true");
    assert_non_null(strstr(r.body, "window.location.replace"));
    http_result_free(&r);
    /* ...but no record appears, and the journal says why. */
    assert_int_equal(simtest_count(t, "Lead"), 500);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "dropped_daily_limit");
    mail = httpc_get_json(t->http, "/__sim/mail", NULL);
    assert_int_equal(json_array_size(mail), 1);
    assert_string_equal(str(json_array_get(mail, 0), "kind"), "w2l_over_limit");
    assert_non_null(strstr(str(json_array_get(mail, 0), "body"), "Over"));
    json_decref(mail);
    /* 23 h later the window is still full. */
    simtest_advance(t, 23 * 3600);
    post_n(t, OID, 1, 900);
    assert_int_equal(simtest_count(t, "Lead"), 500);
    /* A full day after the first posts, the window has rolled. */
    simtest_advance(t, 3600);
    post_n(t, OID, 1, 901);
    assert_int_equal(simtest_count(t, "Lead"), 501);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "created");
}

static void
test_performance_edition_2500(void **state)
{
    struct simtest *t = *state;
    char v[64];

    post_n(t, "00D5j000001uVaT", 2500, 0);
    assert_int_equal(simtest_count(t, "Lead"), 2500);
    post_n(t, "00D5j000001uVaT", 1, 2500);
    assert_int_equal(simtest_count(t, "Lead"), 2500);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "dropped_daily_limit");
}

static void
test_queue_mode_releases_when_window_frees(void **state)
{
    struct simtest *t = *state;
    json_t *st, *j;
    size_t i, created_from_queue = 0;
    char v[64];

    post_n(t, OID, 520, 0);
    assert_int_equal(simtest_count(t, "Lead"), 500);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "queued_daily_limit");
    st = httpc_get_json(t->http, "/__sim/webtolead", NULL);
    assert_int_equal(json_integer_value(json_object_get(st, "queued")), 20);
    json_decref(st);
    simtest_advance(t, 86400 + 1);
    assert_int_equal(simtest_count(t, "Lead"), 520);
    j = simtest_journal(t, 0);
    for (i = 0; i < json_array_size(j); i++)
        if (strcmp(str(json_array_get(j, i), "verdict"),
                   "created_from_queue") == 0)
            created_from_queue++;
    assert_int_equal(created_from_queue, 20);
    json_decref(j);
    /* Released leads count against the new window. */
    st = httpc_get_json(t->http, "/__sim/webtolead", NULL);
    assert_int_equal(json_integer_value(json_object_get(st, "used")), 20);
    assert_int_equal(json_integer_value(json_object_get(st, "queued")), 0);
    json_decref(st);
}

static void
test_recaptcha_rejects_server_posts(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char hdr[256], v[64];

    assert_int_equal(httpc_post_form(t->http, W2L,
                                     "oid=00D5j000002AbCd&last_name=Bot&"
                                     "company=X&g-recaptcha-response=forged",
                                     &r),
                     200);
    assert_string_equal(http_header(&r, "Is-Processed", hdr, sizeof(hdr)),
                        "true");
    http_result_free(&r);
    assert_int_equal(simtest_count(t, "Lead"), 0);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "rejected_recaptcha");
    assert_int_equal(httpc_post_form(t->http, W2L,
                                     "oid=00D5j000002AbCd&last_name=Human&"
                                     "g-recaptcha-response=browser-solved-"
                                     "token-for-tests",
                                     NULL),
                     200);
    assert_int_equal(simtest_count(t, "Lead"), 1);
}

static void
test_bad_and_missing_oid(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char hdr[256], v[64];

    assert_int_equal(
        httpc_post_form(t->http, W2L, "oid=00D000000000002&last_name=X", &r),
        200);
    assert_string_equal(http_header(&r, "Is-Processed", hdr, sizeof(hdr)),
                        EXCEPTION_HEADER);
    http_result_free(&r);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "rejected_bad_oid");
    assert_int_equal(httpc_post_form(t->http, W2L, "last_name=X", &r), 200);
    assert_string_equal(http_header(&r, "Is-Processed", hdr, sizeof(hdr)),
                        EXCEPTION_HEADER);
    http_result_free(&r);
    assert_int_equal(simtest_count(t, "Lead"), 0);
    /* The 18-character form of the org id is accepted too. */
    assert_int_equal(httpc_post_form(t->http, W2L,
                                     "oid=00D000000000001EAA&last_name=X",
                                     NULL),
                     200);
    assert_int_equal(simtest_count(t, "Lead"), 1);
}

static void
test_json_body_creates_nothing(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    const char *json = "{\"oid\":\"" OID "\",\"last_name\":\"Json\"}";
    char hdr[256], v[64];

    assert_int_equal(httpc_request(t->http, "POST", W2L, "application/json",
                                   json, strlen(json), NULL, &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_string_equal(http_header(&r, "Is-Processed", hdr, sizeof(hdr)),
                        EXCEPTION_HEADER);
    http_result_free(&r);
    assert_int_equal(simtest_count(t, "Lead"), 0);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "ignored_not_form");
}

static void
test_utf8_names_intact(void **state)
{
    struct simtest *t = *state;
    json_t *lead;

    /* Zoë Łukasz 山田 */
    httpc_post_form(t->http, W2L,
                    "oid=" OID "&first_name=Zo%C3%AB+%C5%81ukasz&last_name=%E5"
                    "%B1%B1%E7%94%B0&company=%C5%81%C3%B3d%C5%BA",
                    NULL);
    lead = last_lead(t);
    assert_string_equal(str(lead, "FirstName"), "Zo\xc3\xab \xc5\x81ukasz");
    assert_string_equal(str(lead, "LastName"), "\xe5\xb1\xb1\xe7\x94\xb0");
    assert_string_equal(str(lead, "Name"),
                        "Zo\xc3\xab \xc5\x81ukasz \xe5\xb1\xb1\xe7\x94\xb0");
    json_decref(lead);
}

static void
test_missing_encoding_reads_latin1(void **state)
{
    struct simtest *t = *state;
    json_t *lead;

    /* Without ?encoding=UTF-8 the servlet reads ISO-8859-1: mojibake. */
    httpc_post_form(t->http, "/servlet/servlet.WebToLead",
                    "oid=" OID "&last_name=Zo%C3%AB", NULL);
    lead = last_lead(t);
    assert_string_equal(str(lead, "LastName"), "Zo\xc3\x83\xc2\xab");
    json_decref(lead);
}

static void
test_bad_bytes_never_crash(void **state)
{
    struct simtest *t = *state;
    json_t *lead, *j;

    /* Invalid UTF-8 becomes U+FFFD; a malformed %-escape drops only that
     * parameter, as a servlet container does. */
    httpc_post_form(t->http, W2L,
                    "oid=" OID "&last_name=A%FFB&company=%zz&city=%4", NULL);
    lead = last_lead(t);
    assert_string_equal(str(lead, "LastName"), "A\xef\xbf\xbd"
                                               "B");
    assert_string_equal(str(lead, "Company"), "[not provided]");
    assert_true(json_is_null(json_object_get(lead, "City")));
    json_decref(lead);
    j = simtest_journal(t, 0);
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(json_array_get(j, 0), "info"), "malformed_params")),
        2);
    json_decref(j);
}

/*
 * A body over --max-body (1 MiB) is read to its end and dropped, then
 * answered 413: the client, which sends it all before it reads, gets the
 * answer every time, and the connection stays usable (answered before the
 * body was read, the sim had to close it under a client still sending,
 * whose answer could then be lost to the reset).
 */
static void
test_oversized_body_413(void **state)
{
    struct simtest *t = *state;
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 1), v[64];
    const char *small = "oid=" OID "&last_name=After&company=Acme";
    /* A client of its own, so that its one connection is this test's. */
    struct httpc *c = httpc_new(t->proc.url);
    struct http_result r;

    memset(big, 'a', n);
    memcpy(big, "oid=" OID "&description=", 31);
    big[n] = '\0';
    assert_int_equal(httpc_request(c, "POST", W2L, FORM_CT, big, n, NULL, &r),
                     0);
    assert_int_equal(r.status, 413);
    assert_non_null(memmem(r.body, r.body_len, "REQUEST_ENTITY_TOO_LARGE",
                           strlen("REQUEST_ENTITY_TOO_LARGE")));
    http_result_free(&r);
    assert_int_equal(simtest_count(t, "Lead"), 0);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "body_too_large");
    assert_int_equal(
        httpc_request(c, "POST", W2L, FORM_CT, small, strlen(small), NULL, &r),
        0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.connects, 0);
    http_result_free(&r);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    httpc_free(c);
    free(big);
}

/* A declared body far over the cap (16 times) is not read: answered 413
 * at once, before the client has sent a byte of it. */
static void
test_huge_declared_body_answered_unread(void **state)
{
    struct simtest *t = *state;
    struct http_result r;

    httpc_request(
        t->http, "POST", W2L, "application/x-www-form-urlencoded", NULL, 0,
        (const char *const[]){"Content-Length: 1073741824", NULL}, &r);
    assert_int_equal(r.status, 413);
    http_result_free(&r);
}

static void
test_custom_fields_by_id_and_api_name(void **state)
{
    struct simtest *t = *state;
    json_t *lead;
    char v[64];

    httpc_post_form(t->http, W2L,
                    "oid=" OID "&last_name=Doe&00N5j000000pTbO=Auto+Accident&"
                    "injury_date__c=2025-12-24&00N5j000000pTbR=1&"
                    "00N5j000000pTbS=English&00N5j000000pTbS=Polish&"
                    "unknown_field=zzz",
                    NULL);
    lead = last_lead(t);
    assert_string_equal(str(lead, "case_type__c"), "Auto Accident");
    assert_string_equal(str(lead, "injury_date__c"), "2025-12-24");
    assert_true(json_is_true(json_object_get(lead, "has_attorney__c")));
    assert_string_equal(str(lead, "languages__c"), "English;Polish");
    assert_string_equal(str(lead, "LeadSource"), "Lead Distro AI");
    assert_string_equal(str(lead, "CreatedDate"),
                        "2026-01-05T09:00:00.000+0000");
    json_decref(lead);
    /* A picklist by API name is ignored (only its 00N id works). */
    httpc_post_form(t->http, W2L,
                    "oid=" OID "&last_name=Roe&case_type__c=Auto+Accident",
                    NULL);
    lead = last_lead(t);
    assert_string_equal(str(lead, "LastName"), "Roe");
    assert_true(json_is_null(json_object_get(lead, "case_type__c")));
    json_decref(lead);
    /* A restricted picklist value that does not match: no lead, silently. */
    httpc_post_form(t->http, W2L,
                    "oid=" OID "&last_name=Poe&00N5j000000pTbO=auto+accident",
                    NULL);
    assert_int_equal(simtest_count(t, "Lead"), 2);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "rejected_validation");
}

/* A post of n parameters, the oid last. */
static long
post_params(struct simtest *t, size_t n, struct http_result *r)
{
    struct buf b;
    size_t i;
    long st;

    buf_init(&b, 1 << 20);
    buf_puts(&b, "last_name=Many&company=Params");
    for (i = 2; i + 1 < n; i++)
        buf_printf(&b, "&x%zu=%zu", i, i);
    buf_puts(&b, "&oid=" OID);
    st = httpc_post_form(t->http, W2L, b.data, r);
    buf_free(&b);
    return st;
}

/* Past 1,000 parameters the post is refused whole and says so, on the wire
 * and in the journal: the oid past the limit is never quietly lost. */
static void
test_too_many_params_refused(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char v[64];
    json_t *j, *e;

    assert_int_equal(post_params(t, 1000, NULL), 200);
    assert_string_equal(last_verdict(t, v, sizeof(v)), "created");
    assert_int_equal(post_params(t, 1001, &r), 400);
    assert_non_null(strstr(r.body, "Too many form parameters: 1001"));
    http_result_free(&r);
    assert_int_equal(simtest_count(t, "Lead"), 1);
    j = simtest_journal(t, 0);
    e = json_array_get(j, json_array_size(j) - 1);
    assert_string_equal(json_string_value(json_object_get(e, "verdict")),
                        "rejected_too_many_params");
    assert_string_equal(json_string_value(json_object_get(e, "detail")),
                        "1001 form parameters, more than 1000");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(e, "info"), "params_limit")),
                     1000);
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_success_page_and_record,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_not_provided_placeholders,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(
            test_daily_cap_silently_drops_then_rolls, simtest_setup,
            simtest_teardown),
        cmocka_unit_test_setup_teardown(test_performance_edition_2500,
                                        start_performance, simtest_teardown),
        cmocka_unit_test_setup_teardown(
            test_queue_mode_releases_when_window_frees, start_queue,
            simtest_teardown),
        cmocka_unit_test_setup_teardown(test_recaptcha_rejects_server_posts,
                                        start_recaptcha, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_bad_and_missing_oid, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_json_body_creates_nothing,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_utf8_names_intact, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_missing_encoding_reads_latin1,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_bad_bytes_never_crash,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_huge_declared_body_answered_unread,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_too_many_params_refused,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_oversized_body_413, simtest_setup,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_custom_fields_by_id_and_api_name,
                                        start_custom, simtest_teardown),
    };

    return cmocka_run_group_tests_name("e2e_w2l", tests, NULL, NULL);
}
