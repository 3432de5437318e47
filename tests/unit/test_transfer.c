/*
 * test_transfer.c - what sfdeliver lets libcurl reach: the URL check the
 * buyer file goes through, and the protocol limit on every transfer (a
 * file:// URL that got past the check is still refused by libcurl).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "transfer.h"
#include "weburl.h"
#include "xmalloc.h"

static void
test_check_url(void **state)
{
    static const struct {
        const char *url, *why; /* why NULL: accepted */
    } cases[] = {
        {"http://127.0.0.1:8080/servlet/servlet.WebToLead?encoding=UTF-8",
         NULL},
        {"https://acme.my.salesforce.com/services/data/v59.0/sobjects/Lead/",
         NULL},
        {"HTTP://host/x", NULL},
        {"http://[::1]:8080/x", NULL},
        {"file:///etc/passwd", "must be an http:// or https:// URL, not "
                               "file://"},
        {"gopher://host/x", "not gopher://"},
        {"ftp://host/x", "not ftp://"},
        {"http://host/a b", "not a URL (Bad path)"},
        {"http://host/a\tb", "not a URL"},
        {"host/path", "not a URL"},
        {"http://", "not a URL"},
        {"http://host:99999/", "not a URL"},
        {"", "not a URL"},
    };
    char why[256];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = weburl_check(cases[i].url, why, sizeof(why));

        if (cases[i].why == NULL && rc != 0)
            fail_msg("\"%s\" refused: %s", cases[i].url, why);
        if (cases[i].why != NULL &&
            (rc != -1 || strstr(why, cases[i].why) == NULL))
            fail_msg("\"%s\": got %d \"%s\", want \"%s\"", cases[i].url, rc,
                     rc == -1 ? why : "", cases[i].why);
    }
}

/* A transfer to a file:// URL ends with "unsupported protocol", and reads
 * nothing from the file. */
static void
test_only_http(void **state)
{
    char path[] = "/tmp/test_transferXXXXXX", url[64];
    struct transfer t;
    struct transfer_req req = {
        .method = "GET",
        .url = url,
        .connect_timeout_ms = 1000,
        .timeout_ms = 1000,
    };
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd != -1);
    assert_int_equal(write(fd, "secret\n", 7), 7);
    close(fd);
    snprintf(url, sizeof(url), "file://%s", path);
    transfer_init(&t, NULL);
    assert_int_equal(transfer_setup(&t, &req), 0);
    assert_int_equal(transfer_perform(&t), CURLE_UNSUPPORTED_PROTOCOL);
    assert_int_equal(t.resp.len, 0);
    transfer_cleanup(&t);
    unlink(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_url),
        cmocka_unit_test(test_only_http),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
