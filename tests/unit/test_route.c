/*
 * test_route.c - the pure path matcher: captures, trailing slashes,
 * 404 versus 405.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "route.h"

static void
fn_a(struct sim *s, struct sim_request *q, struct sim_response *r)
{
    (void)s;
    (void)q;
    (void)r;
}

static void
fn_b(struct sim *s, struct sim_request *q, struct sim_response *r)
{
    (void)s;
    (void)q;
    (void)r;
}

static const struct route table[] = {
    {M_GET, "/services/data", fn_a, 0},
    {M_GET | M_POST, "/services/data/:version/sobjects/:object", fn_b, 0},
    {M_PATCH, "/services/data/:version/sobjects/:object/:field/:value", fn_a,
     0},
    {M_POST, "/services/apexrest/*", fn_b, 0},
    {0, NULL, NULL, 0},
};

static enum route_match
find(enum http_method m, const char *path, struct sim_request *req,
     const struct route **r, unsigned *allowed)
{
    static char scratch[512];

    memset(req, 0, sizeof(*req));
    return route_find(table, m, path, scratch, sizeof(scratch), req, r,
                      allowed);
}

static void
test_exact_and_trailing_slash(void **state)
{
    struct sim_request req;
    const struct route *r;
    unsigned allowed;

    (void)state;
    assert_int_equal(find(HTTP_GET, "/services/data", &req, &r, &allowed),
                     ROUTE_FOUND);
    assert_ptr_equal(r->fn, fn_a);
    assert_int_equal(find(HTTP_GET, "/services/data/", &req, &r, &allowed),
                     ROUTE_FOUND);
    assert_int_equal(find(HTTP_GET, "/services/dat", &req, &r, &allowed),
                     ROUTE_NO_PATH);
    assert_int_equal(find(HTTP_GET, "/services/data//", &req, &r, &allowed),
                     ROUTE_NO_PATH);
}

static void
test_captures(void **state)
{
    struct sim_request req;
    const struct route *r;
    unsigned allowed;

    (void)state;
    assert_int_equal(find(HTTP_POST, "/services/data/v62.0/sobjects/Lead/",
                          &req, &r, &allowed),
                     ROUTE_FOUND);
    assert_int_equal(req.nparams, 2);
    assert_string_equal(req.params[0], "v62.0");
    assert_string_equal(req.params[1], "Lead");
    assert_int_equal(find(HTTP_PATCH,
                          "/services/data/v62.0/sobjects/Lead/Ext__c/A-1", &req,
                          &r, &allowed),
                     ROUTE_FOUND);
    assert_int_equal(req.nparams, 4);
    assert_string_equal(req.params[3], "A-1");
}

static void
test_rest_wildcard(void **state)
{
    struct sim_request req;
    const struct route *r;
    unsigned allowed;

    (void)state;
    assert_int_equal(find(HTTP_POST, "/services/apexrest/leads/v1/intake/",
                          &req, &r, &allowed),
                     ROUTE_FOUND);
    assert_string_equal(req.params[0], "leads/v1/intake");
    assert_int_equal(find(HTTP_POST, "/services/apexrest", &req, &r, &allowed),
                     ROUTE_NO_PATH);
}

static void
test_method_not_allowed_lists_methods(void **state)
{
    struct sim_request req;
    const struct route *r;
    unsigned allowed;
    char list[64];

    (void)state;
    assert_int_equal(find(HTTP_DELETE, "/services/data/v62.0/sobjects/Lead",
                          &req, &r, &allowed),
                     ROUTE_NO_METHOD);
    assert_null(r);
    assert_string_equal(route_methods_str(allowed, list, sizeof(list)),
                        "GET,HEAD,POST");
    assert_int_equal(find(HTTP_OTHER, "/services/data", &req, &r, &allowed),
                     ROUTE_NO_METHOD);
}

static void
test_method_names(void **state)
{
    (void)state;
    assert_int_equal(route_method_parse("PATCH"), HTTP_PATCH);
    assert_int_equal(route_method_parse("patch"), HTTP_OTHER);
    assert_int_equal(route_method_parse("BREW"), HTTP_OTHER);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_and_trailing_slash),
        cmocka_unit_test(test_captures),
        cmocka_unit_test(test_rest_wildcard),
        cmocka_unit_test(test_method_not_allowed_lists_methods),
        cmocka_unit_test(test_method_names),
    };

    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
