/*
 * test_security.c - what the real sfsim refuses, and what it keeps to
 * itself: request framing that could be read two ways, admin calls from
 * another site or through a foreign host name.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "simtest.h"
#include "xmalloc.h"

#define W2L "/servlet/servlet.WebToLead?encoding=UTF-8"
#define RAW_WAIT_MS 5000

/* The sim's port, from its URL. */
static int
port_of(const struct simtest *t)
{
    const char *colon = strrchr(t->proc.url, ':');

    assert_non_null(colon);
    return (int)strtol(colon + 1, NULL, 10);
}

/*
 * Sends text on a new connection and reads until the server closes it or
 * RAW_WAIT_MS pass; *closed says which. Returns what was read (caller
 * frees).
 */
static char *
raw_exchange(const struct simtest *t, const char *text, int *closed)
{
    struct sockaddr_in sa;
    struct buf in;
    char chunk[4096];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port_of(t));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    buf_init(&in, 1 << 20);
    *closed = 0;
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&pfd, 1, RAW_WAIT_MS) <= 0)
            break;
        if ((n = read(fd, chunk, sizeof(chunk))) <= 0) {
            *closed = 1;
            break;
        }
        buf_append(&in, chunk, (size_t)n);
    }
    close(fd);
    buf_putc(&in, '\0');
    return buf_steal(&in, NULL);
}

static size_t
count_of(const char *hay, const char *needle)
{
    size_t n = 0;

    for (; (hay = strstr(hay, needle)) != NULL; hay++)
        n++;
    return n;
}

/* The last journal entry's verdict (static copy). */
static const char *
last_verdict(struct simtest *t)
{
    static char v[64];
    json_t *j = simtest_journal(t, 0);

    snprintf(v, sizeof(v), "%s",
             json_string_value(json_object_get(
                 json_array_get(j, json_array_size(j) - 1), "verdict")));
    json_decref(j);
    return v;
}

/* Two lengths: the body of the first is a second request, which a server
 * reading the other length would answer. One 400, then the close. */
static void
test_two_content_lengths_refused(void **state)
{
    struct simtest *t = *state;
    int closed;
    char *out = raw_exchange(
        t,
        "POST " W2L " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 42\r\nContent-Length: 5\r\n\r\n"
        "oid=1POST /__sim/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        &closed);

    assert_true(closed);
    assert_int_equal(count_of(out, "HTTP/1.1 "), 1);
    assert_non_null(strstr(out, "HTTP/1.1 400 "));
    assert_non_null(strstr(out, "more than one Content-Length header"));
    free(out);
    assert_string_equal(last_verdict(t), "bad_request");
    out = raw_exchange(t,
                       "POST " W2L " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"
                       "\r\n0\r\n\r\n",
                       &closed);
    assert_true(closed);
    assert_non_null(strstr(out, "HTTP/1.1 400 "));
    assert_non_null(strstr(out, "both Content-Length and Transfer-Encoding"));
    free(out);
    assert_int_equal(simtest_count(t, "Lead"), 0);
}

static void
test_http11_needs_one_host(void **state)
{
    struct simtest *t = *state;
    int closed;
    char *out = raw_exchange(t, "GET /__sim/health HTTP/1.1\r\n\r\n", &closed);

    assert_non_null(strstr(out, "HTTP/1.1 400 "));
    assert_non_null(strstr(out, "an HTTP/1.1 request needs a Host header"));
    assert_true(closed);
    free(out);
    out = raw_exchange(t,
                       "GET /__sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Host: evil.example\r\n\r\n",
                       &closed);
    assert_non_null(strstr(out, "more than one Host header"));
    free(out);
    /* HTTP/1.0 has no Host requirement. */
    out = raw_exchange(t, "GET /__sim/health HTTP/1.0\r\n\r\n", &closed);
    assert_non_null(strstr(out, " 200 OK"));
    free(out);
}

/* A request with extra headers; returns the status, body into *body
 * (caller frees) when body is not NULL. */
static long
call(struct simtest *t, const char *method, const char *path,
     const char *content_type, const char *payload, const char *const *headers,
     json_t **body)
{
    struct http_result r;
    long st;

    assert_int_equal(httpc_request(t->http, method, path, content_type, payload,
                                   payload ? strlen(payload) : 0, headers, &r),
                     0);
    st = r.status;
    if (body != NULL)
        *body = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
    http_result_free(&r);
    return st;
}

static void
expect_refused(struct simtest *t, const char *method, const char *path,
               const char *const *headers, const char *code)
{
    json_t *j = NULL;

    assert_int_equal(call(t, method, path, "text/plain", "{}", headers, &j),
                     403);
    assert_string_equal(json_string_value(json_object_get(j, "error")), code);
    json_decref(j);
}

/* What a page on another site can send without a preflight: a text/plain
 * POST. Every admin route refuses it, and nothing changes. */
static void
test_admin_refuses_other_sites(void **state)
{
    static const char *const evil[] = {"Origin: http://evil.example",
                                       "Sec-Fetch-Site: cross-site", NULL};
    static const char *const origin_only[] = {"Origin: http://evil.example",
                                              NULL};
    static const char *const fetch_only[] = {"Sec-Fetch-Site: cross-site",
                                             NULL};
    static const char *const rebound[] = {"Host: rebind.evil.example:8080",
                                          NULL};
    struct simtest *t = *state;
    json_t *j;

    httpc_post_form(t->http, W2L, "oid=00D000000000001&last_name=Kept", NULL);
    expect_refused(t, "POST", "/__sim/reset", evil, "cross_site_request");
    expect_refused(t, "POST", "/__sim/reset", origin_only,
                   "cross_site_request");
    expect_refused(t, "POST", "/__sim/reset", fetch_only, "cross_site_request");
    expect_refused(t, "POST", "/__sim/reset", rebound, "host_not_allowed");
    expect_refused(t, "PUT", "/__sim/org", evil, "cross_site_request");
    expect_refused(t, "POST", "/__sim/faults", origin_only,
                   "cross_site_request");
    expect_refused(t, "POST", "/__sim/tokens", origin_only,
                   "cross_site_request");
    expect_refused(t, "GET", "/__sim/org", rebound, "host_not_allowed");
    expect_refused(t, "GET", "/__sim/journal", evil, "cross_site_request");
    expect_refused(t, "GET", "/__sim/no-such-route", evil,
                   "cross_site_request");
    assert_int_equal(simtest_count(t, "Lead"), 1);
    j = httpc_get_json(t->http, "/__sim/faults", NULL);
    assert_int_equal(json_array_size(json_object_get(j, "faults")), 0);
    json_decref(j);
    /* The sim's own origin, and scripts that send no Origin, still work. */
    assert_int_equal(
        call(t, "POST", "/__sim/reset", NULL, NULL,
             (const char *const[]){"Sec-Fetch-Site: same-origin", NULL}, NULL),
        200);
    assert_int_equal(simtest_count(t, "Lead"), 0);
}

/* Web forms post Web-to-Lead from their own sites; the API and OAuth take
 * any origin too (their credentials are in the request). */
static void
test_salesforce_paths_take_any_origin(void **state)
{
    static const char *const site[] = {"Origin: https://forms.example",
                                       "Sec-Fetch-Site: cross-site",
                                       "Host: rebind.evil.example", NULL};
    struct simtest *t = *state;
    char *tok = simtest_token(t),
         *authz = xasprintf("Authorization: Bearer %s", tok);
    const char *api[] = {site[0], site[1], authz, NULL};

    assert_int_equal(call(t, "POST", W2L, "application/x-www-form-urlencoded",
                          "oid=00D000000000001&last_name=Form", site, NULL),
                     200);
    assert_string_equal(last_verdict(t), "created");
    assert_int_equal(call(t, "POST", "/services/oauth2/token",
                          "application/x-www-form-urlencoded",
                          "grant_type=password&client_id=sfsim-client-id&"
                          "client_secret=sfsim-client-secret&username=admin@"
                          "sfsim.test&password=sfsim-password",
                          site, NULL),
                     200);
    assert_int_equal(
        call(t, "GET", "/services/data/v59.0/limits", NULL, NULL, api, NULL),
        200);
    free(authz);
    free(tok);
}

static void
test_allow_host(void **state)
{
    const char *args[] = {"--allow-host", "sfsim.test", NULL};
    struct simtest t;

    (void)state;
    simtest_start(&t, args);
    assert_int_equal(call(&t, "GET", "/__sim/health", NULL, NULL,
                          (const char *const[]){"Host: sfsim.test:1234", NULL},
                          NULL),
                     200);
    assert_int_equal(call(&t, "GET", "/__sim/health", NULL, NULL,
                          (const char *const[]){"Host: other.test:1234", NULL},
                          NULL),
                     403);
    assert_int_equal(simtest_stop(&t), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_content_lengths_refused,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_http11_needs_one_host,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_admin_refuses_other_sites,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test_setup_teardown(test_salesforce_paths_take_any_origin,
                                        simtest_setup, simtest_teardown),
        cmocka_unit_test(test_allow_host),
    };

    return cmocka_run_group_tests_name("e2e_security", tests, NULL, NULL);
}
