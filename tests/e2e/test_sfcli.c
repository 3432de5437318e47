/*
 * test_sfcli.c - the official Salesforce CLI (`sf`, npm @salesforce/cli),
 * unmodified, against the real sfsim: tests/e2e/sfcli/check.mjs runs each
 * command and checks its output and the sim's journal. `make deps`
 * installs the CLI and the Node.js 22 it needs into tests/e2e/sfcli/ with
 * npm ci.
 *
 * It is slow (a few seconds per command), so it runs once, in the plain
 * `make test`: under SANITIZE it is skipped, saying so (the sim's side of
 * every call it makes is covered by the other end-to-end tests). It is
 * skipped too when the CLI is not installed and the npm registry cannot be
 * reached; not installed while the registry answers is a failure.
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

#define SFCLI_DIR "tests/e2e/sfcli"
#define SFCLI_NODE SFCLI_DIR "/node_modules/.bin/node"
#define SFCLI_SF SFCLI_DIR "/node_modules/.bin/sf"
/* A hang guard only: each command has its own 2-minute limit in check.mjs. */
#define SFCLI_TIMEOUT_MS (20 * 60 * 1000)
#define NPM_PING_TIMEOUT_MS 30000

/* Whether the CLI may run here; 0 after skipping the test, saying why. */
static int
cli_ready(void)
{
    const char *san = getenv("SFSIM_SANITIZE");
    int timed_out = 0;

    if (san != NULL && san[0] != '\0') {
        print_message("sfcli: skipped under SANITIZE=%s: the plain `make "
                      "test` runs it once\n",
                      san);
        return 0;
    }
    if (access(SFCLI_SF, X_OK) == 0 && access(SFCLI_NODE, X_OK) == 0)
        return 1;
    if (spawn_shell("npm ping >/dev/null 2>&1", NULL, NPM_PING_TIMEOUT_MS,
                    &timed_out) != 0) {
        print_message("sfcli: skipped: the Salesforce CLI is not installed "
                      "and the npm registry cannot be reached\n");
        return 0;
    }
    fail_msg("the Salesforce CLI is not installed in " SFCLI_DIR
             " although the npm registry answers: run `make deps`");
    return 0;
}

/* Runs check.mjs against a sim started with args; fails unless it passed. */
static void
run_check(const char *const *args, const char *extra)
{
    struct simtest t;
    char cmd[2048];
    int timed_out = 0, st;

    simtest_start(&t, args);
    snprintf(cmd, sizeof(cmd), "%s %s/check.mjs %s %s", SFCLI_NODE, SFCLI_DIR,
             t.proc.url, extra != NULL ? extra : "");
    st = spawn_shell(cmd, NULL, SFCLI_TIMEOUT_MS, &timed_out);
    assert_int_equal(simtest_stop(&t), 0);
    assert_false(timed_out);
    assert_int_equal(st, 0);
}

/* sf org login access-token, then every command, over plain HTTP. */
static void
test_sfcli_http(void **state)
{
    (void)state;
    if (!cli_ready()) {
        skip();
        return;
    }
    run_check(NULL, NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sfcli_http),
    };

    return cmocka_run_group_tests_name("e2e_sfcli", tests, NULL, NULL);
}
