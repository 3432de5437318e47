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

static int
start_small_allocation(void **state)
{
    simtest_setup_org_text(
        state,
        "{\"api_daily_limit\": 3, \"users\": [{\"username\": \"a@x.test\","
        " \"password\": \"p\"}, {\"username\": \"noapi@x.test\", "
        "\"password\": \"p\", \"api_enabled\": false}]}");
    simtest_login(*state, NULL);
    return 0;
}

static int
start_no_api(void **state)
{
    return simtest_setup_org_session(state, "orgs/professional-no-api.json");
}

/* GET path with the session; fills r (caller frees). */
static void
get(struct simtest *t, const char *path, struct http_result *r)
{
    simtest_api(t, "GET", path, NULL, NULL, NULL, r);
}

static void
test_allocation_counts_and_runs_out(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    char hdr[128];
    json_t *j;

    get(t, LIMITS, &r);
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
    get(t, "/services/data/", &r);
    assert_int_equal(r.status, 200);
    assert_null(http_header(&r, "Sforce-Limit-Info", hdr, sizeof(hdr)));
    http_result_free(&r);
    get(t, LIMITS, &r);
    http_result_free(&r);
    get(t, LIMITS, &r);
    assert_string_equal(http_header(&r, "Sforce-Limit-Info", hdr, sizeof(hdr)),
                        "api-usage=3/3");
    http_result_free(&r);
    get(t, LIMITS, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(r.body, "[{\"message\":\"TotalRequests Limit "
                                "exceeded.\",\"errorCode\":"
                                "\"REQUEST_LIMIT_EXCEEDED\"}]");
    http_result_free(&r);
    /* The allocation is a rolling 24 hours of simulated time (the session
     * timed out meanwhile: a new token). */
    simtest_advance(t, 86401);
    simtest_login(t, NULL);
    get(t, LIMITS, &r);
    assert_int_equal(r.status, 200);
    http_result_free(&r);
}

static void
test_user_without_api_permission(void **state)
{
    struct simtest *t = *state;
    struct http_result r;

    simtest_login(t, "{\"username\": \"noapi@x.test\"}");
    get(t, LIMITS, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, "[{\"message\":\"This session is not valid "
                                "for use with the REST API\",\"errorCode\":"
                                "\"INVALID_SESSION_ID\"}]");
    http_result_free(&r);
}

static void
test_edition_without_api(void **state)
{
    struct simtest *t = *state;
    struct http_result r;
    json_t *org = httpc_get_json(t->http, "/__sim/org", NULL);
    char form[128];

    get(t, "/services/data/v62.0/sobjects/Lead/describe", &r);
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
        httpc_post_form(t->http, "/servlet/servlet.WebToLead?encoding=UTF-8",
                        form, NULL),
        200);
    assert_int_equal(simtest_count(t, "Lead"), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_allocation_counts_and_runs_out,
                                        start_small_allocation,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_user_without_api_permission,
                                        start_small_allocation,
                                        simtest_teardown),
        cmocka_unit_test_setup_teardown(test_edition_without_api, start_no_api,
                                        simtest_teardown),
    };

    return cmocka_run_group_tests_name("e2e_limits", tests, NULL, NULL);
}
