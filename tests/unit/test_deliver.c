/*
 * test_deliver.c - the delivery loop's use of libcurl's multi interface.
 *
 * libcurl documents that the CURLMsg curl_multi_info_read() returns is
 * valid only until the next call to it or to curl_multi_remove_handle()
 * or curl_multi_cleanup(). This libcurl (7.88) happens to keep it alive, so
 * a read after the removal goes unseen; here it does not. The two calls
 * are interposed (a program's own definitions come before a shared
 * library's, so deliver.o's calls land here): the message is handed out as
 * a copy, and removing its handle spoils the copy (the result becomes
 * CURLE_OK) and, under AddressSanitizer, poisons it. A loop that reads the
 * result after removing the handle then sees a transfer that never
 * connected as one that went well, or ASan stops it at the read.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define SPOIL(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNSPOIL(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define SPOIL(p, n) ((void)(p), (void)(n))
#define UNSPOIL(p, n) ((void)(p), (void)(n))
#endif

#include "buyer.h"
#include "deliver.h"
#include "httpc.h"
#include "timesrc.h"

/* The message handed out, and whether its handle is still in the multi. */
static CURLMsg handed;
static int handed_live;
static int spoiled;

/* The real libcurl function name (fails the test when there is none). */
static void *
real(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);

    if (p == NULL)
        fail_msg("dlsym %s: %s", name, dlerror());
    return p;
}

CURLMsg *
curl_multi_info_read(CURLM *multi, int *left)
{
    CURLMsg *(*fn)(CURLM *, int *);
    void *p = real("curl_multi_info_read");
    CURLMsg *msg;

    memcpy(&fn, &p, sizeof(p));
    msg = fn(multi, left);
    if (msg == NULL)
        return NULL;
    UNSPOIL(&handed, sizeof(handed));
    handed = *msg;
    handed_live = 1;
    return &handed;
}

CURLMcode
curl_multi_remove_handle(CURLM *multi, CURL *easy)
{
    CURLMcode (*fn)(CURLM *, CURL *);
    void *p = real("curl_multi_remove_handle");

    memcpy(&fn, &p, sizeof(p));
    if (handed_live && handed.easy_handle == easy) {
        /* What libcurl may do: the message is no longer the caller's. */
        handed.data.result = CURLE_OK;
        SPOIL(&handed, sizeof(handed));
        handed_live = 0;
        spoiled++;
    }
    return fn(multi, easy);
}

struct source {
    struct lead *leads;
    size_t n, next;
    struct deliver_result got[4];
    char reasons[4][32], errors[4][256];
    size_t ngot;
};

static const struct lead *
next_lead(void *arg, int wait, int *end)
{
    struct source *s = arg;

    (void)wait;
    *end = s->next == s->n;
    return *end ? NULL : &s->leads[s->next++];
}

static void
on_result(void *arg, const struct deliver_result *r)
{
    struct source *s = arg;

    assert_true(s->ngot < 4);
    s->got[s->ngot] = *r;
    snprintf(s->reasons[s->ngot], sizeof(s->reasons[0]), "%s",
             r->reason != NULL ? r->reason : "");
    snprintf(s->errors[s->ngot], sizeof(s->errors[0]), "%s",
             r->error != NULL ? r->error : "");
    s->ngot++;
}

/*
 * One lead to a port nothing listens on, no retries: the attempt ends
 * with CURLE_COULDNT_CONNECT, and the lead is delivery_failed for that
 * reason. Read after its handle was removed, the result would be
 * CURLE_OK with no status (reason "bad_status").
 */
static void
test_result_read_before_the_handle_is_removed(void **state)
{
    char text[256], id[] = "u1";
    struct buyer b;
    struct sf_err err;
    struct timesrc clock;
    struct lead l = {.id = id, .line = 1};
    struct source src = {.leads = &l, .n = 1};
    struct deliver_config cfg = {.buyer = &b,
                                 .clock = &clock,
                                 .concurrency = 1,
                                 .token_used_ms = -1,
                                 .seed = 1};
    struct deliver_hooks hooks = {.next_lead = next_lead,
                                  .on_result = on_result,
                                  .arg = &src,
                                  .lead_fd = -1};
    struct deliver *d;
    int port = test_dead_port();

    (void)state;
    assert_true(port > 0);
    snprintf(text, sizeof(text),
             "{\"delivery\":{\"url\":\"http://127.0.0.1:%d/x\","
             "\"content_type\":\"application/json\"},"
             "\"retry\":{\"max_retries\":0}}",
             port);
    err_clear(&err);
    assert_int_equal(
        buyer_load_text(&b, "buyer", text, strlen(text), NULL, &err), 0);
    l.data = json_pack("{s:s}", "LastName", "X");
    timesrc_init_fixed(&clock, 1700000000000LL);
    d = deliver_new(&cfg, &hooks);
    assert_int_equal(deliver_run(d), 0);
    deliver_free(d);
    assert_int_equal(spoiled, 1);
    assert_int_equal(src.ngot, 1);
    assert_int_equal(src.got[0].outcome, OUTCOME_DELIVERY_FAILED);
    assert_int_equal(src.got[0].attempts, 1);
    assert_int_equal(src.got[0].status, 0);
    assert_string_equal(src.reasons[0], "connect");
    assert_non_null(strstr(src.errors[0], "onnect"));
    json_decref(l.data);
    buyer_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_read_before_the_handle_is_removed),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
