/*
 * test_limits.c - the org-level gates in front of every REST call: the
 * rolling 24-hour API allocation (Sforce-Limit-Info, 403
 * REQUEST_LIMIT_EXCEEDED), editions without API access (403
 * API_DISABLED_FOR_ORG) and users without "API Enabled".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "simtest.h"

#define LIMITS "/services/data/v62.0/limits"

struct fixture {
    struct simtest sim;
    char auth[256];
};

static void
start(void **state, const char *org_text, const char *fixture,
      const char *token_body)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char path[] = "/tmp/sfsim-org-XXXXXX";
    const char *args[] = {"--org", path, NULL};
    json_t *tok;

    if (org_text != NULL) {
        int fd = mkstemp(path);

        assert_true(write(fd, org_text, strlen(org_text)) > 0);
        close(fd);
    } else {
        snprintf(path, sizeof(path), "%s", simtest_fixture(fixture));
        args[1] = simtest_fixture(fixture);
    }
    simtest_start(&f->sim, args);
    if (org_text != NULL)
        unlink(path);
    tok =
        httpc_send_json(f->sim.http, "POST", "/__sim/tokens", token_body, NULL);
    snprintf(f->auth, sizeof(f->auth), "Authorization: Bearer %s",
             json_string_value(json_object_get(tok, "access_token")));
    json_decref(tok);
    *state = f;
}

static int
start_small_allocation(void **state)
{
    start(state,
          "{\"api_daily_limit\": 3, \"users\": [{\"username\": \"a@x.test\","
          " \"password\": \"p\"}, {\"username\": \"noapi@x.test\", "
          "\"password\": \"p\", \"api_enabled\": false}]}",
          NULL, NULL);
    return 0;
}

static int
start_no_api(void **state)
{
    start(state, NULL, "orgs/professional-no-api.json", NULL);
    return 0;
}

static int
stop(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(simtest_stop(&f->sim), 0);
    free(f);
    return 0;
}

/* GET path with the token; fills r (caller frees). */
static void
get(struct fixture *f, const char *path, struct http_result *r)
{
    const char *headers[] = {f->auth, NULL};

    httpc_request(f->sim.http, "GET", path, NULL, NULL, 0, headers, r);
}

static void
test_allocation_counts_and_runs_out(void **state)
{
    struct fixture *f = *state;
    struct http_result r;
    char hdr[128];
    json_t *j;

    get(f, LIMITS, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(http_header(&r, "Sforce-Limit-Info", hdr, sizeof(hdr)),
                        "api-usage=1/3");
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "DailyApiRequests"), "Remaining")),
                     2);
    json_decref(j);
    http_result_free(&r);
    /* The versions list is neither counted nor labelled. */
    get(f, "/services/data/", &r);
    assert_int_equal(r.status, 200);
    assert_null(http_header(&r, "Sforce-Limit-Info", hdr, sizeof(hdr)));
    http_result_free(&r);
    get(f, LIMITS, &r);
    http_result_free(&r);
    get(f, LIMITS, &r);
    assert_string_equal(http_header(&r, "Sforce-Limit-Info", hdr, sizeof(hdr)),
                        "api-usage=3/3");
    http_result_free(&r);
    get(f, LIMITS, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(r.body, "[{\"message\":\"TotalRequests Limit "
                                "exceeded.\",\"errorCode\":"
                                "\"REQUEST_LIMIT_EXCEEDED\"}]");
    http_result_free(&r);
    /* The allocation is a rolling 24 hours of simulated time (the session
     * timed out meanwhile: a new token). */
    simtest_advance(&f->sim, 86401);
    j = httpc_send_json(f->sim.http, "POST", "/__sim/tokens", NULL, NULL);
    snprintf(f->auth, sizeof(f->auth), "Authorization: Bearer %s",
             json_string_value(json_object_get(j, "access_token")));
    json_decref(j);
    get(f, LIMITS, &r);
    assert_int_equal(r.status, 200);
    http_result_free(&r);
}

static void
test_user_without_api_permission(void **state)
{
    struct fixture *f = *state;
    json_t *tok = httpc_send_json(f->sim.http, "POST", "/__sim/tokens",
                                  "{\"username\": \"noapi@x.test\"}", NULL);
    struct http_result r;

    snprintf(f->auth, sizeof(f->auth), "Authorization: Bearer %s",
             json_string_value(json_object_get(tok, "access_token")));
    json_decref(tok);
    get(f, LIMITS, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, "[{\"message\":\"This session is not valid "
                                "for use with the REST API\",\"errorCode\":"
                                "\"INVALID_SESSION_ID\"}]");
    http_result_free(&r);
}

static void
test_edition_without_api(void **state)
{
    struct fixture *f = *state;
    struct http_result r;
    json_t *org = httpc_get_json(f->sim.http, "/__sim/org", NULL);
    char form[128];

    get(f, "/services/data/v62.0/sobjects/Lead/describe", &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(r.body, "[{\"message\":\"The REST API is not enabled "
                                "for this Organization.\",\"errorCode\":"
                                "\"API_DISABLED_FOR_ORG\"}]");
    http_result_free(&r);
    /* Web-to-Lead still works in such an org. */
    snprintf(form, sizeof(form), "oid=%s&last_name=Web",
             json_string_value(json_object_get(org, "org_id")));
    json_decref(org);
    assert_int_equal(
        httpc_post_form(f->sim.http,
                        "/servlet/servlet.WebToLead?encoding=UTF-8", form,
                        NULL),
        200);
    assert_int_equal(simtest_count(&f->sim, "Lead"), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_allocation_counts_and_runs_out,
                                        start_small_allocation, stop),
        cmocka_unit_test_setup_teardown(test_user_without_api_permission,
                                        start_small_allocation, stop),
        cmocka_unit_test_setup_teardown(test_edition_without_api, start_no_api,
                                        stop),
    };

    return cmocka_run_group_tests_name("e2e_limits", tests, NULL, NULL);
}
