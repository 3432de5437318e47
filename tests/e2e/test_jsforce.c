/*
 * test_jsforce.c - the real judge of wire fidelity: jsforce, an unmodified
 * and widely used Salesforce client from npm, logs in to the real sfsim,
 * creates, queries, upserts and survives a token expiry by refreshing
 * (tests/e2e/jsforce/check.mjs), sends arrays of records through sObject
 * Collections (collections.mjs), and loads and queries through Bulk API
 * 2.0 (check-bulk.mjs) and Bulk API 1.0 (check-bulk1.mjs). `make deps`
 * installs it with npm ci (npmclient.h: skipped only when the npm registry
 * cannot be reached).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "npmclient.h"
#include "simtest.h"

/* Runs tests/e2e/jsforce/SCRIPT against a sim on fixtures/ORG. */
static void
run_check(const char *script, const char *org)
{
    const char *args[] = {"--org", simtest_fixture(org), NULL};
    struct simtest t;
    char cmd[1024];
    int timed_out = 0, st;

    if (!npmclient_ready("jsforce", "jsforce", "jsforce")) {
        skip();
        return;
    }
    simtest_start(&t, args);
    snprintf(cmd, sizeof(cmd), "node tests/e2e/jsforce/%s %s", script,
             t.proc.url);
    st = spawn_shell(cmd, NULL, 60000, &timed_out);
    assert_int_equal(simtest_stop(&t), 0);
    assert_false(timed_out);
    assert_int_equal(st, 0);
}

static void
test_jsforce_end_to_end(void **state)
{
    (void)state;
    run_check("check.mjs", "orgs/custom-fields.json");
}

/* Arrays through sObject Collections (collections.mjs). */
static void
test_jsforce_collections(void **state)
{
    (void)state;
    run_check("collections.mjs", "orgs/custom-fields.json");
}

static void
test_jsforce_bulk2(void **state)
{
    (void)state;
    run_check("check-bulk.mjs", "orgs/bulk.json");
}

/* Bulk API 1.0 through conn.bulk (check-bulk1.mjs). */
static void
test_jsforce_bulk1(void **state)
{
    (void)state;
    run_check("check-bulk1.mjs", "orgs/bulk.json");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsforce_end_to_end),
        cmocka_unit_test(test_jsforce_collections),
        cmocka_unit_test(test_jsforce_bulk2),
        cmocka_unit_test(test_jsforce_bulk1),
    };

    return cmocka_run_group_tests_name("e2e_jsforce", tests, NULL, NULL);
}
