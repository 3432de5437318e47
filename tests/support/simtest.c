/*
 * simtest.c - spawn-and-connect helper for end-to-end tests (simtest.h).
 */
#include "simtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "xmalloc.h"

static void
start(struct simtest *t, const char *const *args)
{
    struct sf_err err;

    err_clear(&err);
    if (spawn_sim_start(test_sim_path(), args, 10000, &t->proc, &err) == -1) {
        fprintf(stderr, "simtest: %s\n", err.msg);
        abort();
    }
    t->http = httpc_new(t->proc.url);
}

void
simtest_start(struct simtest *t, const char *const *args)
{
    t->tmpdir[0] = t->ca_file[0] = '\0';
    start(t, args);
}

void
simtest_start_tls(struct simtest *t, const char *const *args)
{
    const char *all[48] = {"--tls", "--tls-ca-out", NULL};
    size_t n = 3;

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

int
simtest_stop(struct simtest *t)
{
    int st;

    httpc_free(t->http);
    t->http = NULL;
    st = spawn_sim_stop(&t->proc, 10000);
    if (t->tmpdir[0] != '\0') {
        unlink(t->ca_file);
        rmdir(t->tmpdir);
        t->tmpdir[0] = t->ca_file[0] = '\0';
    }
    return st;
}

int
simtest_setup_org(void **state, const char *fixture)
{
    struct simtest *t = calloc(1, sizeof(*t));
    const char *args[] = {"--org", NULL, NULL};

    if (t == NULL)
        return -1;
    args[1] = fixture != NULL ? simtest_fixture(fixture) : NULL;
    simtest_start(t, fixture != NULL ? args : NULL);
    *state = t;
    return 0;
}

int
simtest_setup(void **state)
{
    return simtest_setup_org(state, NULL);
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

json_t *
simtest_journal(struct simtest *t, unsigned long long since)
{
    char path[64];

    snprintf(path, sizeof(path), "/__sim/journal?since=%llu", since);
    return httpc_get_json(t->http, path, NULL);
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

void
simtest_advance(struct simtest *t, double secs)
{
    char body[64];
    json_t *j;

    snprintf(body, sizeof(body), "{\"advance_seconds\": %.3f}", secs);
    j = httpc_send_json(t->http, "POST", "/__sim/clock", body, NULL);
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
