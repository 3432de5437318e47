/*
 * test_login_clients.c - real npm clients, unmodified, log in to sfsim:
 *
 *  - jsforce (tests/e2e/jsforce/logins.mjs): conn.login() through the SOAP
 *    partner login() and conn.authorize() with the JWT bearer grant, each
 *    then creating and querying, over HTTP and over HTTPS (the sim's
 *    certificate through NODE_EXTRA_CA_CERTS);
 *  - node-salesforce-connection (tests/e2e/logins/nsc.mjs), written
 *    independently of jsforce, which hard-codes https:// and port 443:
 *    the sim runs with --tls on 127.x.y.z:443 (a loopback address of its
 *    own, so parallel runs do not meet), which takes root.
 *
 * The key pair comes from openssl at test time (tests/support/jwtkeys.h).
 * A client whose npm package is not installed is skipped with one line
 * saying so when the npm registry cannot be reached, and fails otherwise
 * (npmclient.h: `make deps` installs them); the port-443 run is skipped
 * without the right to bind it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "jwtkeys.h"
#include "npmclient.h"
#include "simtest.h"
#include "xmalloc.h"

static struct jwtkeys keys;

static int
group_setup(void **state)
{
    (void)state;
    jwtkeys_make(&keys);
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    jwtkeys_remove(&keys);
    return 0;
}

/* Runs a node script (cmd), with NODE_EXTRA_CA_CERTS=ca when ca is set;
 * its exit status (-2 when it ran out of time). The caller asserts once
 * its sim is stopped, so that a failure leaves no sim behind. */
static int
run_node(const char *cmd, const char *ca)
{
    char *env[2] = {NULL, NULL};
    int timed_out = 0, st;

    if (ca != NULL)
        env[0] = xasprintf("NODE_EXTRA_CA_CERTS=%s", ca);
    st = spawn_shell(cmd, (const char *const *)env, 120000, &timed_out);
    free(env[0]);
    return timed_out ? -2 : st;
}

static void
jsforce_logins(int tls)
{
    const char *args[] = {"--org", keys.org, NULL};
    struct simtest t;
    char *cmd;
    int st;

    if (!npmclient_ready("jsforce", "jsforce", "jsforce")) {
        skip();
        return;
    }
    if (tls)
        simtest_start_tls(&t, args);
    else
        simtest_start(&t, args);
    cmd = xasprintf("node tests/e2e/jsforce/logins.mjs %s %s", t.proc.url,
                    keys.key);
    st = run_node(cmd, tls ? t.ca_file : NULL);
    free(cmd);
    assert_int_equal(simtest_stop(&t), 0);
    assert_int_equal(st, 0);
}

static void
test_jsforce_http(void **state)
{
    (void)state;
    jsforce_logins(0);
}

static void
test_jsforce_https(void **state)
{
    (void)state;
    jsforce_logins(1);
}

/* A loopback address of this run's own, for a port-443 sim. */
static void
loopback_of_our_own(char *out, size_t n)
{
    unsigned v = (unsigned)getpid() ^ (unsigned)time(NULL);

    snprintf(out, n, "127.%u.%u.%u", 1 + (v >> 16) % 250, (v >> 8) % 256,
             1 + v % 250);
}

static void
test_second_library_https(void **state)
{
    char host[32], ca[96];
    const char *args[] = {"--tls",  "--tls-ca-out", ca,   "--org",
                          keys.org, "--bind",       host, NULL};
    struct spawn_sim sim;
    struct sf_err err;
    char *cmd;
    int st;

    (void)state;
    if (!npmclient_ready("node-salesforce-connection", "logins",
                         "node-salesforce-connection")) {
        skip();
        return;
    }
    loopback_of_our_own(host, sizeof(host));
    snprintf(ca, sizeof(ca), "%s/ca-443.pem", keys.dir);
    err_clear(&err);
    /* spawn adds --port 0; a later --port wins. */
    {
        const char *all[] = {args[0], args[1], args[2],  args[3], args[4],
                             args[5], args[6], "--port", "443",   NULL};

        if (spawn_sim_start(test_sim_path(), all, 10000, &sim, &err) == -1) {
            fprintf(stderr,
                    "skip: node-salesforce-connection needs a sim on port "
                    "443, which this user may not bind (%s)\n",
                    err.msg);
            skip();
            return;
        }
    }
    cmd = xasprintf("node tests/e2e/logins/nsc.mjs %s %s", host, keys.key);
    st = run_node(cmd, ca);
    free(cmd);
    assert_int_equal(spawn_sim_stop(&sim, 10000), 0);
    assert_int_equal(st, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsforce_http),
        cmocka_unit_test(test_jsforce_https),
        cmocka_unit_test(test_second_library_https),
    };

    return cmocka_run_group_tests_name("e2e_login_clients", tests, group_setup,
                                       group_teardown);
}
