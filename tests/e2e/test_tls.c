/*
 * test_tls.c - sfsim over HTTPS end to end, with real libcurl: the ready
 * line, the certificate --tls-ca-out writes (and that it is really
 * checked), the URLs the sim hands out carrying the scheme and host the
 * client used, plain HTTP sent to the TLS port answered at once, the
 * user's own certificate and key (made by openssl at test time), and the
 * option errors.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
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

#include "simtest.h"

#define PASSWORD_GRANT                                                         \
    "grant_type=password&client_id=sfsim-client-id&client_secret=sfsim-"       \
    "client-secret&username=admin%40sfsim.test&password=sfsim-password"

static int
setup_tls(void **state)
{
    struct simtest *t = calloc(1, sizeof(*t));

    simtest_start_tls(t, NULL);
    *state = t;
    return 0;
}

static int
teardown(void **state)
{
    return simtest_teardown(state);
}

/* The port of a sim URL ("scheme://host:PORT"). */
static const char *
port_of(const char *url)
{
    return strrchr(url, ':') + 1;
}

static json_t *
token(struct httpc *c, long *status)
{
    struct http_result r;
    json_t *j = NULL;

    *status = httpc_post_form(c, "/services/oauth2/token", PASSWORD_GRANT, &r);
    if (*status > 0)
        j = json_loadb(r.body, r.body_len, 0, NULL);
    http_result_free(&r);
    return j;
}

static void
test_ready_line_and_ca(void **state)
{
    struct simtest *t = *state;
    long st = 0;
    json_t *j;

    assert_int_equal(strncmp(t->proc.url, "https://127.0.0.1:", 18), 0);
    assert_int_equal(access(t->ca_file, R_OK), 0);
    j = httpc_get_json(t->http, "/__sim/health", &st);
    assert_int_equal(st, 200);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    json_decref(j);
}

/* Without the sim's certificate, libcurl refuses the connection. */
static void
test_certificate_is_checked(void **state)
{
    struct simtest *t = *state;
    struct httpc *c = httpc_new(t->proc.url);
    struct http_result r;
    char bundle[] = "/tmp/sfsim-empty-ca-XXXXXX";
    int fd = mkstemp(bundle);

    close(fd);
    httpc_set_ca(c, bundle);
    assert_int_equal(
        httpc_request(c, "GET", "/__sim/health", NULL, NULL, 0, NULL, &r), -1);
    assert_int_equal(r.status, 0);
    http_result_free(&r);
    unlink(bundle);
    httpc_free(c);
}

/* instance_url, the identity URL and userinfo's urls carry https and
 * the host the client named. */
static void
test_urls_use_scheme_and_host(void **state)
{
    struct simtest *t = *state;
    char base[128], want[256];
    struct httpc *c;
    long st = 0;
    json_t *j;

    j = token(t->http, &st);
    assert_int_equal(st, 200);
    assert_string_equal(json_string_value(json_object_get(j, "instance_url")),
                        t->proc.url);
    snprintf(want, sizeof(want), "%s/id/00D000000000001EAA/005000000000001AAA",
             t->proc.url);
    assert_string_equal(json_string_value(json_object_get(j, "id")), want);
    json_decref(j);

    snprintf(base, sizeof(base), "https://localhost:%s", port_of(t->proc.url));
    c = httpc_new(base);
    httpc_set_ca(c, t->ca_file);
    j = token(c, &st);
    assert_int_equal(st, 200);
    assert_string_equal(json_string_value(json_object_get(j, "instance_url")),
                        base);
    json_decref(j);
    httpc_free(c);
}

/* Plain HTTP to the TLS port: a 400 in plain HTTP saying so, at once. */
static void
test_plain_http_answered(void **state)
{
    struct simtest *t = *state;
    char base[128];
    struct httpc *c;
    struct http_result r;

    snprintf(base, sizeof(base), "http://127.0.0.1:%s", port_of(t->proc.url));
    c = httpc_new(base);
    assert_int_equal(httpc_request(c, "POST", "/services/oauth2/token",
                                   "application/x-www-form-urlencoded",
                                   PASSWORD_GRANT, strlen(PASSWORD_GRANT), NULL,
                                   &r),
                     0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "This port speaks HTTPS"));
    assert_non_null(strstr(r.body, t->proc.url));
    http_result_free(&r);
    httpc_free(c);
}

/* A client that connects and says nothing holds no one else up. */
static void
test_silent_client_blocks_nobody(void **state)
{
    struct simtest *t = *state;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    long st = 0;
    json_t *j;

    sa.sin_port = htons((uint16_t)strtoul(port_of(t->proc.url), NULL, 10));
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    j = httpc_get_json(t->http, "/__sim/health", &st);
    assert_int_equal(st, 200);
    json_decref(j);
    close(fd);
}

/* Runs cmd through the shell; fails the test unless it exits 0. */
static void
shell_ok(const char *cmd)
{
    int timed_out = 0;

    assert_int_equal(spawn_shell(cmd, NULL, 60000, &timed_out), 0);
    assert_false(timed_out);
}

/* The user's own pair, made by openssl now (nothing secret is kept). */
static void
test_own_certificate(void **state)
{
    char dir[] = "/tmp/sfsim-owncert-XXXXXX", cmd[1024], cert[64], key[64],
         out[64];
    const char *args[] = {"--tls-cert",   cert, "--tls-key", key,
                          "--tls-ca-out", out,  NULL};
    struct simtest t;
    long st = 0;
    json_t *j;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(cert, sizeof(cert), "%s/c.pem", dir);
    snprintf(key, sizeof(key), "%s/k.pem", dir);
    snprintf(out, sizeof(out), "%s/out.pem", dir);
    snprintf(cmd, sizeof(cmd),
             "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "
             "/CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
             "-keyout %s -out %s 2>/dev/null",
             key, cert);
    shell_ok(cmd);
    simtest_start(&t, args);
    assert_int_equal(strncmp(t.proc.url, "https://", 8), 0);
    httpc_set_ca(t.http, cert);
    j = httpc_get_json(t.http, "/__sim/health", &st);
    assert_int_equal(st, 200);
    json_decref(j);
    snprintf(cmd, sizeof(cmd), "cmp -s %s %s", cert, out);
    shell_ok(cmd);
    assert_int_equal(simtest_stop(&t), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    shell_ok(cmd);
}

/* sfsim with args: its exit status, and stderr into err (size n). */
static int
run_sim(const char *args, char *err, size_t n)
{
    char cmd[1024], path[] = "/tmp/sfsim-tls-err-XXXXXX";
    int fd = mkstemp(path), timed_out = 0, st;
    FILE *fp;
    size_t got;

    close(fd);
    snprintf(cmd, sizeof(cmd), "%s --port 0 %s 2>%s </dev/null",
             test_sim_path(), args, path);
    st = spawn_shell(cmd, NULL, 10000, &timed_out);
    fp = fopen(path, "r");
    got = fp != NULL ? fread(err, 1, n - 1, fp) : 0;
    err[got] = '\0';
    if (fp != NULL)
        fclose(fp);
    unlink(path);
    return st;
}

static void
test_option_errors(void **state)
{
    char dir[] = "/tmp/sfsim-tlsopt-XXXXXX", cmd[1024], args[512], err[2048];

    (void)state;
    assert_int_equal(run_sim("--tls-cert /nonexistent", err, sizeof(err)), 2);
    assert_non_null(strstr(err, "--tls-cert and --tls-key go together"));
    assert_int_equal(run_sim("--tls-ca-out /tmp/x.pem", err, sizeof(err)), 2);
    assert_non_null(strstr(err, "--tls-ca-out needs --tls"));
    assert_int_equal(run_sim("--tls-cert /nonexistent --tls-key /nonexistent",
                             err, sizeof(err)),
                     2);
    assert_non_null(strstr(err, "--tls-cert /nonexistent: No such file"));

    /* Two pairs: the key of one with the certificate of the other. */
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof(cmd),
             "cd %s && for i in 1 2; do openssl req -x509 -newkey rsa:2048 "
             "-nodes -days 1 -subj /CN=localhost -keyout k$i.pem -out c$i.pem "
             "2>/dev/null || exit 1; done; echo nothing >junk.pem",
             dir);
    shell_ok(cmd);
    snprintf(args, sizeof(args), "--tls-cert %s/c1.pem --tls-key %s/k2.pem",
             dir, dir);
    assert_int_equal(run_sim(args, err, sizeof(err)), 2);
    assert_non_null(strstr(err, "the key is not the certificate's"));
    snprintf(args, sizeof(args), "--tls-cert %s/junk.pem --tls-key %s/k1.pem",
             dir, dir);
    assert_int_equal(run_sim(args, err, sizeof(err)), 2);
    assert_non_null(strstr(err, "not a PEM certificate"));
    snprintf(args, sizeof(args), "--tls-cert %s/c1.pem --tls-key %s/junk.pem",
             dir, dir);
    assert_int_equal(run_sim(args, err, sizeof(err)), 2);
    assert_non_null(strstr(err, "not a PEM private key"));
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    shell_ok(cmd);
}

/* Plain HTTP keeps http:// URLs, and a Host the URL cannot carry falls
 * back to the address the sim listens on. */
static void
test_plain_sim_urls(void **state)
{
    static const char *const bad_host[] = {"Host: evil.test/x", NULL};
    struct simtest t;
    struct http_result r;
    long st = 0;
    json_t *j;

    (void)state;
    simtest_start(&t, NULL);
    j = token(t.http, &st);
    assert_string_equal(json_string_value(json_object_get(j, "instance_url")),
                        t.proc.url);
    json_decref(j);
    httpc_request(t.http, "POST", "/services/oauth2/token",
                  "application/x-www-form-urlencoded", PASSWORD_GRANT,
                  strlen(PASSWORD_GRANT), bad_host, &r);
    j = json_loadb(r.body, r.body_len, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "instance_url")),
                        t.proc.url);
    json_decref(j);
    http_result_free(&r);
    assert_int_equal(simtest_stop(&t), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ready_line_and_ca, setup_tls,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_certificate_is_checked, setup_tls,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_urls_use_scheme_and_host,
                                        setup_tls, teardown),
        cmocka_unit_test_setup_teardown(test_plain_http_answered, setup_tls,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_silent_client_blocks_nobody,
                                        setup_tls, teardown),
        cmocka_unit_test(test_own_certificate),
        cmocka_unit_test(test_option_errors),
        cmocka_unit_test(test_plain_sim_urls),
    };

    return cmocka_run_group_tests_name("e2e_tls", tests, NULL, NULL);
}
