/*
 * test_guard.c - request framing and the admin API's same-origin rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"

static void
test_framing(void **state)
{
    struct guard_framing f;
    int st;

    (void)state;
    memset(&f, 0, sizeof(f));
    f.http11 = 1;
    f.host = 1;
    assert_null(guard_framing_error(&f, &st));
    f.content_length = 1;
    assert_null(guard_framing_error(&f, &st));
    f.content_length = 2;
    assert_string_equal(guard_framing_error(&f, &st),
                        "more than one Content-Length header");
    f.content_length = 1;
    f.transfer_encoding = 1;
    assert_string_equal(guard_framing_error(&f, &st),
                        "both Content-Length and Transfer-Encoding");
    f.content_length = 0;
    f.te_chunked = 1;
    f.te_chunked_last = 1;
    assert_null(guard_framing_error(&f, &st));
    f.transfer_encoding = f.te_chunked = f.te_chunked_last = 0;
    f.host = 0;
    assert_string_equal(guard_framing_error(&f, &st),
                        "an HTTP/1.1 request needs a Host header");
    f.http11 = 0; /* HTTP/1.0 has no Host requirement */
    assert_null(guard_framing_error(&f, &st));
    f.host = 2;
    assert_string_equal(guard_framing_error(&f, &st),
                        "more than one Host header");
    assert_int_equal(st, 400);
    f.host = 1;
    f.headers = 128;
    f.query_args = 128;
    assert_null(guard_framing_error(&f, &st));
    f.query_args = 129;
    assert_string_equal(guard_framing_error(&f, &st),
                        "more than 128 query parameters");
    assert_int_equal(st, 400);
    f.headers = 129;
    assert_string_equal(guard_framing_error(&f, &st),
                        "more than 128 header fields");
    assert_int_equal(st, 431);
}

/* The framing fields of a request given as "Name: value" lines. */
static const char *
framing_of(const char *const *fields, int *status)
{
    struct guard_framing f;
    char name[64];
    const char *colon;
    size_t i;

    memset(&f, 0, sizeof(f));
    f.http11 = 1;
    for (i = 0; fields[i] != NULL; i++) {
        colon = strchr(fields[i], ':');
        snprintf(name, sizeof(name), "%.*s", (int)(colon - fields[i]),
                 fields[i]);
        guard_framing_header(&f, name, colon + 1 + strspn(colon + 1, " "));
    }
    return guard_framing_error(&f, status);
}

static void
test_framing_fields(void **state)
{
    static const struct {
        const char *fields[4];
        int status; /* 0: sound */
    } cases[] = {
        {{"Host: a", "Transfer-Encoding: chunked", NULL}, 0},
        {{"Host: a", "transfer-encoding: Chunked ; x=1", NULL}, 0},
        {{"Host: a", "Transfer-Encoding: , chunked,", NULL}, 0},
        {{"Host: a", "Content-Length: 5", NULL}, 0},
        {{"Host: a", "X-Odd_Name.1~: v", NULL}, 0},
        /* RFC 9112 6.3: chunked must be final, else 400 and close. */
        {{"Host: a", "Transfer-Encoding: identity", NULL}, 400},
        {{"Host: a", "Transfer-Encoding: chunked, gzip", NULL}, 400},
        {{"Host: a", "Transfer-Encoding:", NULL}, 400},
        {{"Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip"},
         400},
        /* RFC 9112 6.1: never chunked twice, in one field or two. */
        {{"Host: a", "Transfer-Encoding: chunked",
          "Transfer-Encoding: chunked"},
         400},
        {{"Host: a", "Transfer-Encoding: chunked,chunked", NULL}, 400},
        /* A coding the sim cannot undo before chunked: 501. */
        {{"Host: a", "Transfer-Encoding: gzip, chunked", NULL}, 501},
        {{"Host: a", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked"},
         501},
        /* RFC 9112 5.1: whitespace before the colon, whatever the name. */
        {{"Host: a", "Transfer-Encoding : chunked", "Content-Length: 5"}, 400},
        {{"Host: a", "X-Anything\t: 1", NULL}, 400},
        {{"Host : a", NULL}, 400},
        {{"Host: a", ": empty name", NULL}, 400},
        {{"Host: a", "X-Caf\xc3\xa9: 1", NULL}, 400},
        {{"Host: a", "X(comment): 1", NULL}, 400},
    };
    const char *why;
    size_t i;
    int st;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        st = 0;
        why = framing_of(cases[i].fields, &st);
        if (cases[i].status == 0) {
            assert_null(why);
        } else {
            assert_non_null(why);
            assert_int_equal(st, cases[i].status);
        }
    }
}

static void
test_loopback(void **state)
{
    (void)state;
    assert_true(guard_is_loopback("127.0.0.1"));
    assert_true(guard_is_loopback("127.3.2.1"));
    assert_true(guard_is_loopback("::1"));
    assert_true(guard_is_loopback("::ffff:127.0.0.1"));
    assert_false(guard_is_loopback("0.0.0.0"));
    assert_false(guard_is_loopback("::"));
    assert_false(guard_is_loopback("192.168.1.5"));
    assert_false(guard_is_loopback("localhost")); /* not an address */
}

static void
test_hosts(void **state)
{
    const char *names[] = {"sfsim.internal", "[fd00::5]"};
    struct guard_hosts local = {"127.0.0.1", NULL, 0};
    struct guard_hosts any = {"0.0.0.0", NULL, 0};
    struct guard_hosts named = {"10.1.2.3", names, 2};
    struct guard_hosts star = {"127.0.0.1", (const char *[]){"*"}, 1};

    (void)state;
    assert_true(guard_host_allowed(&local, "127.0.0.1:8080"));
    assert_true(guard_host_allowed(&local, "LOCALHOST:8080"));
    assert_true(guard_host_allowed(&local, "localhost"));
    assert_true(guard_host_allowed(&local, "[::1]:8080"));
    assert_false(guard_host_allowed(&local, "evil.example:8080"));
    assert_false(guard_host_allowed(&local, "localhost.evil.example"));
    assert_false(guard_host_allowed(&local, "10.0.0.1:8080"));
    assert_false(guard_host_allowed(&local, "::1:8080")); /* unbracketed */
    assert_false(guard_host_allowed(&local, "localhost:80x"));
    assert_false(guard_host_allowed(&local, ""));
    /* Bound to every address: any address literal, no names. */
    assert_true(guard_host_allowed(&any, "10.0.0.1:8080"));
    assert_true(guard_host_allowed(&any, "[fe80::1]:8080"));
    assert_false(guard_host_allowed(&any, "sfsim.internal:8080"));
    /* The bound address and --allow-host names. */
    assert_true(guard_host_allowed(&named, "10.1.2.3:9000"));
    assert_false(guard_host_allowed(&named, "10.1.2.4:9000"));
    assert_true(guard_host_allowed(&named, "SFSIM.internal:8080"));
    assert_true(guard_host_allowed(&named, "[fd00:0::5]:8080"));
    assert_false(guard_host_allowed(&named, "other.internal"));
    assert_true(guard_host_allowed(&star, "anything.example:1"));
}

/* A request with headers "name", "value", ..., NULL. */
static void
request(struct sim_request *req, const char *const *headers)
{
    size_t i;

    memset(req, 0, sizeof(*req));
    for (i = 0; headers[i] != NULL; i += 2) {
        req->headers[req->nheaders].name = headers[i];
        req->headers[req->nheaders++].value = headers[i + 1];
    }
}

static enum guard_refusal
admin(const char *const *headers, char *why, size_t n)
{
    struct guard_hosts hosts = {"127.0.0.1", NULL, 0};
    struct sim_request req;

    request(&req, headers);
    why[0] = '\0';
    return guard_admin(&hosts, &req, why, n);
}

static void
test_admin_same_origin(void **state)
{
    char why[400];

    (void)state;
    /* Scripts and curl send neither Origin nor Sec-Fetch-Site. */
    assert_int_equal(admin((const char *[]){"Host", "127.0.0.1:8080", NULL},
                           why, sizeof(why)),
                     GUARD_OK);
    assert_int_equal(
        admin((const char *[]){"Host", "127.0.0.1:8080", "Origin",
                               "http://127.0.0.1:8080", "Sec-Fetch-Site",
                               "same-origin", NULL},
              why, sizeof(why)),
        GUARD_OK);
    assert_int_equal(admin((const char *[]){"Host", "localhost:8080",
                                            "Sec-Fetch-Site", "none", NULL},
                           why, sizeof(why)),
                     GUARD_OK);
    /* A form or fetch() from another site: text/plain needs no preflight,
     * so only these headers tell. */
    assert_int_equal(admin((const char *[]){"Host", "127.0.0.1:8080", "Origin",
                                            "http://evil.example",
                                            "Content-Type", "text/plain", NULL},
                           why, sizeof(why)),
                     GUARD_CROSS_SITE);
    assert_string_equal(why, "a request from another origin (Origin: "
                             "http://evil.example) may not call the admin "
                             "API");
    assert_int_equal(admin((const char *[]){"Host", "127.0.0.1:8080", "Origin",
                                            "null", NULL},
                           why, sizeof(why)),
                     GUARD_CROSS_SITE);
    /* Another port of the same host is another origin. */
    assert_int_equal(admin((const char *[]){"Host", "127.0.0.1:8080", "Origin",
                                            "http://127.0.0.1:3000", NULL},
                           why, sizeof(why)),
                     GUARD_CROSS_SITE);
    assert_int_equal(
        admin((const char *[]){"Host", "127.0.0.1:8080", "Sec-Fetch-Site",
                               "cross-site", NULL},
              why, sizeof(why)),
        GUARD_CROSS_SITE);
    assert_int_equal(
        admin((const char *[]){"Host", "127.0.0.1:8080", "Sec-Fetch-Site",
                               "same-site", NULL},
              why, sizeof(why)),
        GUARD_CROSS_SITE);
    /* DNS rebinding: the page's own origin, through a foreign name. */
    assert_int_equal(
        admin((const char *[]){"Host", "rebind.evil.example:8080", "Origin",
                               "http://rebind.evil.example:8080", NULL},
              why, sizeof(why)),
        GUARD_BAD_HOST);
    assert_non_null(strstr(why, "--allow-host"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framing),
        cmocka_unit_test(test_framing_fields),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_admin_same_origin),
    };

    return cmocka_run_group_tests_name("guard", tests, NULL, NULL);
}
