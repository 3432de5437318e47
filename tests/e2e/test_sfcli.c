/*
 * test_sfcli.c - the official Salesforce CLI (`sf`, npm @salesforce/cli),
 * unmodified, against the real sfsim: tests/e2e/sfcli/check.mjs runs each
 * command and checks its output and the sim's journal, twice: logged in
 * with `sf org login access-token` over plain HTTP, and with `sf org login
 * jwt` (a key pair openssl makes for the run) over HTTPS (`sfsim --tls`,
 * its certificate trusted through NODE_EXTRA_CA_CERTS). `make deps`
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

#include "jwtkeys.h"
#include "npmclient.h"
#include "simtest.h"

#define SFCLI_DIR "tests/e2e/sfcli"
#define SFCLI_NODE SFCLI_DIR "/node_modules/.bin/node"
/* A hang guard only: each command has its own 2-minute limit in check.mjs. */
#define SFCLI_TIMEOUT_MS (20 * 60 * 1000)

/* Whether the CLI may run here; 0 after skipping the test, saying why. */
static int
cli_ready(void)
{
    const char *san = getenv("SFSIM_SANITIZE");

    if (san != NULL && san[0] != '\0') {
        print_message("sfcli: skipped under SANITIZE=%s: the plain `make "
                      "test` runs it once\n",
                      san);
        return 0;
    }
    return npmclient_ready("the Salesforce CLI", "sfcli", ".bin/sf") &&
           npmclient_ready("Node.js 22", "sfcli", ".bin/node");
}

/* Runs check.mjs (with extra arguments) against the started sim t, then
 * stops it; fails unless both went well. */
static void
run_check(struct simtest *t, const char *extra)
{
    char cmd[2048], ca[256];
    const char *env[] = {ca, NULL};
    int timed_out = 0, st;

    snprintf(ca, sizeof(ca), "NODE_EXTRA_CA_CERTS=%s", t->ca_file);
    snprintf(cmd, sizeof(cmd), "%s %s/check.mjs %s %s", SFCLI_NODE, SFCLI_DIR,
             t->proc.url, extra != NULL ? extra : "");
    st = spawn_shell(cmd, t->ca_file[0] != '\0' ? env : NULL, SFCLI_TIMEOUT_MS,
                     &timed_out);
    assert_int_equal(simtest_stop(t), 0);
    assert_false(timed_out);
    assert_int_equal(st, 0);
}

/* sf org login access-token, then every command, over plain HTTP. */
static void
test_sfcli_http(void **state)
{
    struct simtest t;

    (void)state;
    if (!cli_ready()) {
        skip();
        return;
    }
    simtest_start(&t, NULL);
    run_check(&t, NULL);
}

/* sf org login jwt (fixtures/orgs/jwt.json's CI app, with a key pair made
 * for this run), then every command, over HTTPS. */
static void
test_sfcli_https_jwt(void **state)
{
    struct jwtkeys k;
    struct simtest t;
    char extra[512];
    const char *args[] = {"--org", NULL, NULL};

    (void)state;
    if (!cli_ready()) {
        skip();
        return;
    }
    jwtkeys_make(&k);
    args[1] = k.org;
    simtest_start_tls(&t, args);
    assert_memory_equal(t.proc.url, "https://", 8);
    snprintf(extra, sizeof(extra), "--jwt %s sfsim-jwt-client admin@sfsim.test",
             k.key);
    run_check(&t, extra);
    jwtkeys_remove(&k);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sfcli_http),
        cmocka_unit_test(test_sfcli_https_jwt),
    };

    return cmocka_run_group_tests_name("e2e_sfcli", tests, NULL, NULL);
}
