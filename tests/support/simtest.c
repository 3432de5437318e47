/*
 * simtest.c - a running sfsim for end-to-end tests (simtest.h).
 */
#include "simtest.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "err.h"
#include "xmalloc.h"

#define SIMTEST_STOP_MS 10000
#define SIMTEST_START_MS 10000

/* A new simtest, session empty. */
static void
fresh(struct simtest *t)
{
    memset(t, 0, sizeof(*t));
    t->proc.pid = -1;
    t->proc.ready_fd = -1;
}

/* Starts the sim with args into t (made fresh by the caller). */
static void
start(struct simtest *t, const char *const *args)
{
    struct sf_err err;

    err_clear(&err);
    if (spawn_sim_start(test_sim_path(), args, SIMTEST_START_MS, &t->proc,
                        &err) == -1) {
        fprintf(stderr, "simtest: %s\n", err.msg);
        abort();
    }
    t->http = httpc_new(t->proc.url);
}

void
simtest_start(struct simtest *t, const char *const *args)
{
    fresh(t);
    start(t, args);
}

void
simtest_start_tls(struct simtest *t, const char *const *args)
{
    const char *all[48] = {"--tls", "--tls-ca-out", NULL};
    size_t n = 3;

    fresh(t);
    snprintf(t->tmpdir, sizeof(t->tmpdir), "/tmp/sfsim-tls.XXXXXX");
    if (mkdtemp(t->tmpdir) == NULL) {
        perror("simtest: mkdtemp");
        abort();
    }
    snprintf(t->ca_file, sizeof(t->ca_file), "%s/ca.pem", t->tmpdir);
    all[2] = t->ca_file;
    while (args != NULL && *args != NULL && n < 47)
        all[n++] = *args++;
    all[n] = NULL;
    start(t, all);
    httpc_set_ca(t->http, t->ca_file);
}

void
simtest_start_org_text(struct simtest *t, const char *org_text,
                       const char *const *args)
{
    char path[] = "/tmp/sfsim-org-XXXXXX";
    const char *argv[32] = {"--org", path};
    size_t n = 2, len = strlen(org_text);
    int fd = mkstemp(path);

    if (fd == -1 || write(fd, org_text, len) != (ssize_t)len) {
        fprintf(stderr, "simtest: cannot write %s\n", path);
        abort();
    }
    close(fd);
    for (size_t i = 0; args != NULL && args[i] != NULL && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    simtest_start(t, argv);
    unlink(path);
}

/* Forks sim --port 0 args with stdout to out and stderr to err. */
static pid_t
spawn_logged(const char *out, const char *err, const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    pid_t pid;

    argv[n++] = test_sim_path();
    argv[n++] = "--port";
    argv[n++] = "0";
    for (size_t i = 0; args != NULL && args[i] != NULL && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if ((pid = fork()) == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        dup2(o, STDOUT_FILENO);
        dup2(e, STDERR_FILENO);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

void
simtest_start_logged(struct simtest *t, const char *dir,
                     const char *const *args)
{
    char out[512], err[512], *text = NULL, *url;

    fresh(t);
    snprintf(out, sizeof(out), "%s/out", dir);
    snprintf(err, sizeof(err), "%s/err", dir);
    t->proc.pid = spawn_logged(out, err, args);
    assert_true(t->proc.pid > 0);
    for (int i = 0; i < SIMTEST_START_MS / 10; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};

        free(text);
        text = test_read_file(out);
        if (text == NULL)
            text = xstrdup("");
        if (strchr(text, '\n') != NULL)
            break;
        nanosleep(&ts, NULL);
    }
    url = strstr(text, "sfsim listening on ");
    assert_non_null(url);
    url += strlen("sfsim listening on ");
    url[strcspn(url, "\n")] = '\0';
    snprintf(t->proc.url, sizeof(t->proc.url), "%s", url);
    free(text);
    t->http = httpc_new(t->proc.url);
}

int
simtest_stop(struct simtest *t)
{
    int st;

    httpc_free(t->http);
    t->http = NULL;
    st = spawn_sim_stop(&t->proc, SIMTEST_STOP_MS);
    if (t->tmpdir[0] != '\0') {
        unlink(t->ca_file);
        rmdir(t->tmpdir);
        t->tmpdir[0] = t->ca_file[0] = '\0';
    }
    return st;
}

/* --- cmocka fixtures ------------------------------------------------------ */

/* A started simtest in *state: on org_text, else on fixtures/FIXTURE (NULL:
 * the default org); logged in with session. */
static int
setup(void **state, const char *fixture, const char *org_text, int session)
{
    struct simtest *t = calloc(1, sizeof(*t));
    const char *args[] = {"--org", NULL, NULL};

    if (t == NULL)
        return -1;
    args[1] = fixture != NULL ? simtest_fixture(fixture) : NULL;
    if (org_text != NULL)
        simtest_start_org_text(t, org_text, NULL);
    else
        simtest_start(t, fixture != NULL ? args : NULL);
    if (session)
        simtest_login(t, NULL);
    *state = t;
    return 0;
}

int
simtest_setup(void **state)
{
    return setup(state, NULL, NULL, 0);
}

int
simtest_setup_org(void **state, const char *fixture)
{
    return setup(state, fixture, NULL, 0);
}

int
simtest_setup_session(void **state)
{
    return setup(state, NULL, NULL, 1);
}

int
simtest_setup_org_session(void **state, const char *fixture)
{
    return setup(state, fixture, NULL, 1);
}

int
simtest_setup_org_text(void **state, const char *org_text)
{
    return setup(state, NULL, org_text, 0);
}

int
simtest_setup_org_text_session(void **state, const char *org_text)
{
    return setup(state, NULL, org_text, 1);
}

int
simtest_teardown(void **state)
{
    struct simtest *t = *state;
    int st = simtest_stop(t);

    free(t);
    *state = NULL;
    if (st != 0)
        fprintf(stderr, "simtest: sfsim exited with status %d\n", st);
    return st == 0 ? 0 : -1;
}

const char *
simtest_fixture(const char *name)
{
    static char path[1024];

    snprintf(path, sizeof(path), "%s/%s", test_fixtures_dir(), name);
    return path;
}

const char *
simtest_query_path(char *out, size_t n, const char *path, const char *soql)
{
    size_t used = (size_t)snprintf(out, n, "%s?q=", path);
    const unsigned char *p;
    int plain;

    for (p = (const unsigned char *)soql; *p != '\0' && used + 4 < n; p++) {
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL;
        if (plain)
            out[used++] = (char)*p;
        else
            used += (size_t)snprintf(out + used, n - used, "%%%02X", *p);
    }
    if (used < n)
        out[used] = '\0';
    return out;
}

char *
simtest_xml_element(const char *xml, const char *tag)
{
    char *open = xasprintf("<%s>", tag), *close = xasprintf("</%s>", tag);
    const char *a = xml != NULL ? strstr(xml, open) : NULL, *b;
    char *out = NULL;

    if (a != NULL && (b = strstr(a, close)) != NULL) {
        a += strlen(open);
        out = xasprintf("%.*s", (int)(b - a), a);
    }
    free(open);
    free(close);
    return out;
}

/* --- the session ---------------------------------------------------------- */

/* Copies the string member key of j into out (size n); "" if none. */
static void
copy_member(char *out, size_t n, const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));

    snprintf(out, n, "%s", s != NULL ? s : "");
}

void
simtest_use_token(struct simtest *t, const char *access_token)
{
    snprintf(t->access_token, sizeof(t->access_token), "%s", access_token);
    t->refresh_token[0] = '\0';
    snprintf(t->auth, sizeof(t->auth), "Authorization: Bearer %s",
             t->access_token);
}

void
simtest_login(struct simtest *t, const char *body)
{
    long st = 0;
    json_t *j = httpc_send_json(t->http, "POST", "/__sim/tokens", body, &st);
    const char *access = json_string_value(json_object_get(j, "access_token"));

    if (access == NULL || *access == '\0')
        fail_msg("simtest_login: POST /__sim/tokens %s: status %ld, no "
                 "access_token",
                 body != NULL ? body : "", st);
    simtest_use_token(t, access);
    copy_member(t->refresh_token, sizeof(t->refresh_token), j, "refresh_token");
    json_decref(j);
}

char *
simtest_token(struct simtest *t)
{
    json_t *j = httpc_send_json(t->http, "POST", "/__sim/tokens", NULL, NULL);
    const char *tok = json_string_value(json_object_get(j, "access_token"));
    char *out = tok != NULL ? xstrdup(tok) : NULL;

    json_decref(j);
    return out;
}

long
simtest_api(struct simtest *t, const char *method, const char *path,
            const char *content_type, const char *body,
            const char *const *headers, struct http_result *r)
{
    const char *all[16];
    size_t n = 0;

    if (t->auth[0] != '\0')
        all[n++] = t->auth;
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
        assert_true(n < 15);
        all[n++] = headers[i];
    }
    all[n] = NULL;
    if (httpc_request(t->http, method, path, content_type, body,
                      body != NULL ? strlen(body) : 0, all, r) == -1)
        fail_msg("%s %s: transport error (CURLcode %d)", method, path,
                 r->curl_code);
    return r->status;
}

json_t *
simtest_api_json(struct simtest *t, const char *method, const char *path,
                 const char *json_body, const char *header, long *status)
{
    const char *headers[] = {header, NULL};
    struct http_result r;
    json_t *j;

    *status = simtest_api(t, method, path,
                          json_body != NULL ? "application/json" : NULL,
                          json_body, headers, &r);
    j = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
    http_result_free(&r);
    return j;
}

/* --- the admin API -------------------------------------------------------- */

json_t *
simtest_admin(struct simtest *t, const char *method, const char *path,
              const char *json_body)
{
    long status = 0;
    json_t *j = httpc_send_json(t->http, method, path, json_body, &status);

    if (status < 200 || status >= 300)
        fail_msg("%s %s: status %ld", method, path, status);
    return j;
}

void
simtest_reset(struct simtest *t)
{
    json_decref(simtest_admin(t, "POST", "/__sim/reset", NULL));
}

const char *
simtest_now(struct simtest *t, char *out, size_t n)
{
    json_t *c = simtest_admin(t, "GET", "/__sim/clock", NULL);

    copy_member(out, n, c, "now");
    json_decref(c);
    return out;
}

void
simtest_advance(struct simtest *t, double secs)
{
    char body[64];
    json_t *j;

    snprintf(body, sizeof(body), "{\"advance_seconds\": %.3f}", secs);
    j = httpc_send_json(t->http, "POST", "/__sim/clock", body, NULL);
    json_decref(j);
}

void
simtest_post_w2l_lead(struct simtest *t, const char *email)
{
    char form[256];

    snprintf(form, sizeof(form),
             "oid=00D000000000001&last_name=Lovelace&company=Acme&email=%s",
             email);
    assert_int_equal(
        httpc_post_form(t->http, "/servlet/servlet.WebToLead?encoding=UTF-8",
                        form, NULL),
        200);
}

size_t
simtest_count(struct simtest *t, const char *object)
{
    char path[128];
    json_t *j;
    size_t n;

    snprintf(path, sizeof(path), "/__sim/records/%s", object);
    j = httpc_get_json(t->http, path, NULL);
    n = json_array_size(j);
    json_decref(j);
    return n;
}

/* --- the journal ---------------------------------------------------------- */

json_t *
simtest_journal(struct simtest *t, unsigned long long since)
{
    char path[64];

    snprintf(path, sizeof(path), "/__sim/journal?since=%llu", since);
    return httpc_get_json(t->http, path, NULL);
}

/* 1 when want is NULL or the string member key of e is want. */
static int
str_is(const json_t *e, const char *key, const char *want)
{
    const char *v = json_string_value(json_object_get(e, key));

    return want == NULL || (v != NULL && strcmp(v, want) == 0);
}

int
simtest_matches(const json_t *e, const struct simtest_match *m)
{
    const char *path = json_string_value(json_object_get(e, "path"));

    if (m == NULL)
        return 1;
    return str_is(e, "kind", m->kind) && str_is(e, "path", m->path) &&
           str_is(e, "verdict", m->verdict) &&
           (m->path_prefix == NULL ||
            (path != NULL &&
             strncmp(path, m->path_prefix, strlen(m->path_prefix)) == 0)) &&
           (m->status == 0 ||
            json_integer_value(json_object_get(e, "status")) == m->status);
}

json_t *
simtest_journal_find(struct simtest *t, const struct simtest_match *m)
{
    json_t *all = simtest_journal(t, 0), *out = json_array(), *e;
    size_t i;

    json_array_foreach(all, i, e) {
        if (simtest_matches(e, m))
            json_array_append(out, e);
    }
    json_decref(all);
    return out;
}

size_t
simtest_journal_count(struct simtest *t, const struct simtest_match *m)
{
    json_t *found = simtest_journal_find(t, m);
    size_t n = json_array_size(found);

    json_decref(found);
    return n;
}

json_t *
simtest_journal_last(struct simtest *t, const struct simtest_match *m)
{
    json_t *found = simtest_journal_find(t, m);
    json_t *last =
        json_incref(json_array_get(found, json_array_size(found) - 1));

    json_decref(found);
    return last;
}

/* --- raw connections ------------------------------------------------------ */

int
simtest_port(const struct simtest *t)
{
    const char *colon = strrchr(t->proc.url, ':');

    assert_non_null(colon);
    return (int)strtol(colon + 1, NULL, 10);
}

int
simtest_connect(const struct simtest *t, int rcvbuf)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    if (rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)simtest_port(t));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}
