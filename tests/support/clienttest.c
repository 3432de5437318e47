/*
 * clienttest.c - sfdeliver against a running sim (clienttest.h).
 */
#include "clienttest.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "mono.h"
#include "xmalloc.h"

#define CLIENTTEST_ARGS_MAX 48

const char *
clienttest_path(const struct clienttest *c, const char *name, char *out,
                size_t n)
{
    snprintf(out, n, "%s/%s", c->dir, name);
    return out;
}

void
clienttest_init(struct clienttest *c, struct simtest *sim, const char *name)
{
    memset(c, 0, sizeof(*c));
    c->sim = sim;
    snprintf(c->dir, sizeof(c->dir), "/tmp/sfdeliver-%s-XXXXXX", name);
    if (mkdtemp(c->dir) == NULL)
        fail_msg("mkdtemp %s: %s", c->dir, strerror(errno));
    clienttest_path(c, "buyer.json", c->buyer, sizeof(c->buyer));
    clienttest_path(c, "leads.ndjson", c->leads, sizeof(c->leads));
    clienttest_path(c, "outcomes.ndjson", c->outcomes, sizeof(c->outcomes));
    clienttest_path(c, "state", c->state, sizeof(c->state));
    clienttest_path(c, "log", c->log, sizeof(c->log));
    clienttest_path(c, "client.err", c->err, sizeof(c->err));
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf path: 0, or -1 when something could not be removed. */
static int
rm_tree(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == -1)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
clienttest_cleanup(struct clienttest *c)
{
    return c->dir[0] != '\0' ? rm_tree(c->dir) : 0;
}

void
clienttest_group_start(struct clienttest *c, struct simtest *sim,
                       const char *org, const char *name)
{
    const char *args[] = {"--org", NULL, NULL};

    if (org != NULL)
        args[1] = simtest_fixture(org);
    simtest_start(sim, org != NULL ? args : NULL);
    clienttest_init(c, sim, name);
}

int
clienttest_group_stop(struct clienttest *c, struct simtest *sim)
{
    int rc = clienttest_cleanup(c);

    return simtest_stop(sim) == 0 && rc == 0 ? 0 : -1;
}

void
clienttest_forget(struct clienttest *c)
{
    assert_int_equal(rm_tree(c->outcomes), 0);
    assert_int_equal(rm_tree(c->state), 0);
    assert_int_equal(rm_tree(c->log), 0);
}

/* --- files ---------------------------------------------------------------- */

void
clienttest_write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    if (fp == NULL)
        fail_msg("%s: %s", path, strerror(errno));
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

char *
clienttest_read_file(const char *path)
{
    char *text = test_read_file(path);

    if (text == NULL)
        fail_msg("%s: %s", path, strerror(errno));
    return text;
}

/* fields with every "{i}" replaced by i, into b. */
static void
put_fields(struct buf *b, const char *fields, int i)
{
    const char *p = fields, *at;

    while ((at = strstr(p, "{i}")) != NULL) {
        buf_append(b, p, (size_t)(at - p));
        buf_put_int(b, i);
        p = at + 3;
    }
    buf_puts(b, p);
}

void
clienttest_write_leads(const char *path, const char *prefix, int from, int to,
                       const char *fields)
{
    struct buf b;

    buf_init(&b, 256 << 20);
    for (int i = from; i < to; i++) {
        buf_printf(&b, "{\"id\":\"%s%d\",", prefix, i);
        put_fields(&b,
                   fields != NULL ? fields
                                  : "\"last\":\"Last{i}\",\"company\":"
                                    "\"Co\"",
                   i);
        buf_puts(&b, "}\n");
    }
    buf_putc(&b, '\0');
    clienttest_write_file(path, b.data != NULL ? b.data : "");
    buf_free(&b);
}

/* --- buyers --------------------------------------------------------------- */

/* A new object from JSON text; fails the test when it does not parse. */
static json_t *
parse_object(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);

    if (!json_is_object(j))
        fail_msg("not a JSON object (%d:%d: %s): %s", jerr.line, jerr.column,
                 jerr.text, text);
    return j;
}

/* RFC 7396 applied to the object target. */
static void
merge_patch(json_t *target, json_t *patch)
{
    const char *key;
    json_t *v;

    json_object_foreach(patch, key, v) {
        json_t *old = json_object_get(target, key);

        if (json_is_null(v))
            json_object_del(target, key);
        else if (json_is_object(v) && json_is_object(old))
            merge_patch(old, v);
        else if (json_is_object(v)) {
            json_t *fresh = json_object();

            merge_patch(fresh, v);
            json_object_set_new(target, key, fresh);
        } else
            json_object_set(target, key, v);
    }
}

void
clienttest_patch(json_t *buyer, const char *fmt, ...)
{
    va_list ap;
    char *text;
    json_t *patch;

    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) == -1)
        fail_msg("vasprintf failed");
    va_end(ap);
    patch = parse_object(text);
    merge_patch(buyer, patch);
    json_decref(patch);
    free(text);
}

json_t *
clienttest_w2l_buyer(const struct simtest *sim)
{
    json_t *b = json_object();

    clienttest_patch(b,
                     "{\"delivery\":{\"url\":\"%s/servlet/servlet.WebToLead"
                     "?encoding=UTF-8\",\"content_type\":"
                     "\"application/x-www-form-urlencoded\"},"
                     "\"static_fields\":{\"oid\":\"00D000000000001\"}}",
                     sim->proc.url);
    return b;
}

json_t *
clienttest_rest_buyer(const struct simtest *sim)
{
    json_t *b = json_object();

    assert_true(sim->access_token[0] != '\0');
    clienttest_patch(
        b,
        "{\"delivery\":{\"url\":\"%s/services/data/v59.0/sobjects/Lead/\","
        "\"content_type\":\"application/json\",\"headers\":"
        "{\"Authorization\":\"Bearer %s\"}}}",
        sim->proc.url, sim->access_token);
    clienttest_patch_auth(b, sim, NULL);
    return b;
}

void
clienttest_patch_auth(json_t *buyer, const struct simtest *sim,
                      const char *refresh_token)
{
    clienttest_patch(buyer,
                     "{\"auth\":{\"token_url\":\"%s/services/oauth2/token\","
                     "\"client_id\":\"sfsim-client-id\",\"client_secret\":"
                     "\"sfsim-client-secret\",\"refresh_token\":\"%s\"}}",
                     sim->proc.url,
                     refresh_token != NULL ? refresh_token
                                           : sim->refresh_token);
}

void
clienttest_write_buyer(struct clienttest *c, json_t *buyer, ...)
{
    const char *patch;
    va_list ap;

    va_start(ap, buyer);
    while ((patch = va_arg(ap, const char *)) != NULL)
        clienttest_patch(buyer, "%s", patch);
    va_end(ap);
    if (json_dump_file(buyer, c->buyer, JSON_INDENT(1)) == -1)
        fail_msg("cannot write %s", c->buyer);
    json_decref(buyer);
}

/* --- running sfdeliver ---------------------------------------------------- */

/* argv for r: the program, the files (unless by the environment), the
 * options. */
static void
build_argv(const struct clienttest *c, const struct clienttest_run *r,
           const char *now, char *conc, size_t nconc, const char **argv)
{
    size_t n = 0;

    argv[n++] = test_client_path();
    if (!r->conformance) {
        argv[n++] = "--buyer";
        argv[n++] = r->buyer != NULL ? r->buyer : c->buyer;
        argv[n++] = "--leads";
        argv[n++] = r->leads != NULL ? r->leads : c->leads;
        argv[n++] = "--outcomes";
        argv[n++] = c->outcomes;
        argv[n++] = "--state";
        argv[n++] = c->state;
        argv[n++] = "--now";
        argv[n++] = now;
    }
    if (r->log) {
        argv[n++] = "--log";
        argv[n++] = c->log;
    }
    if (r->concurrency > 0) {
        snprintf(conc, nconc, "%d", r->concurrency);
        argv[n++] = "--concurrency";
        argv[n++] = conc;
    }
    if (r->resume)
        argv[n++] = "--resume";
    for (size_t i = 0; r->args != NULL && r->args[i] != NULL; i++) {
        assert_true(n < CLIENTTEST_ARGS_MAX - 1);
        argv[n++] = r->args[i];
    }
    argv[n] = NULL;
}

/* In the child: the environment, stdout, stderr and limits r asks for. */
static void
child_setup(const struct clienttest *c, const struct clienttest_run *r,
            const char *now)
{
    int fd = -1;

    if (r->conformance) {
        setenv("SFCONFORM_BUYER", r->buyer != NULL ? r->buyer : c->buyer, 1);
        setenv("SFCONFORM_LEADS", r->leads != NULL ? r->leads : c->leads, 1);
        setenv("SFCONFORM_OUTCOMES", c->outcomes, 1);
        setenv("SFCONFORM_STATE", c->state, 1);
        setenv("SFCONFORM_NOW", now, 1);
    } else
        unsetenv("SFCONFORM_BUYER");
    if (r->stdout_path != NULL && freopen(r->stdout_path, "w", stdout) == NULL)
        _exit(126);
    if (r->err_fd > 0)
        fd = r->err_fd;
    else if (r->capture)
        fd = open(c->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    else if (r->quiet && getenv("SFDELIVER_TEST_VERBOSE") == NULL)
        fd = open(c->err, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd > 0)
        dup2(fd, STDERR_FILENO);
    if (r->fsize_limit > 0) {
        struct rlimit rl = {(rlim_t)r->fsize_limit, (rlim_t)r->fsize_limit};

        /* Past the limit a write fails with EFBIG instead of killing. */
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
            _exit(126);
    }
}

pid_t
clienttest_launch(struct clienttest *c, const struct clienttest_run *r)
{
    const char *argv[CLIENTTEST_ARGS_MAX];
    char now[64], conc[16];
    pid_t pid;

    if (r->now != NULL)
        snprintf(now, sizeof(now), "%s", r->now);
    else
        simtest_now(c->sim, now, sizeof(now));
    build_argv(c, r, now, conc, sizeof(conc), argv);
    fflush(NULL);
    pid = fork();
    if (pid == -1)
        fail_msg("fork: %s", strerror(errno));
    if (pid != 0)
        return pid;
    child_setup(c, r, now);
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

int
clienttest_wait(pid_t pid)
{
    struct timespec ts = {0, 2 * 1000 * 1000};
    int64_t end = mono_ms() + CLIENTTEST_RUN_MS;
    int status = 0;
    pid_t got;

    while ((got = waitpid(pid, &status, WNOHANG)) == 0) {
        if (mono_ms() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fail_msg("sfdeliver did not finish within %d ms",
                     CLIENTTEST_RUN_MS);
        }
        nanosleep(&ts, NULL);
    }
    assert_int_equal(got, pid);
    return status;
}

int
clienttest_run(struct clienttest *c, const struct clienttest_run *r)
{
    int status = clienttest_wait(clienttest_launch(c, r));

    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* --- outcomes ------------------------------------------------------------- */

json_t *
clienttest_outcome_lines(const struct clienttest *c)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    json_t *all = json_array();
    long n = 0;
    FILE *fp = fopen(c->outcomes, "r");

    if (fp == NULL)
        return all;
    while ((len = getline(&line, &cap, fp)) != -1) {
        json_t *o = json_loadb(line, (size_t)len, 0, NULL);

        n++;
        if (!json_is_object(o) || line[len - 1] != '\n')
            fail_msg("outcomes line %ld is not a whole JSON line: %.*s", n,
                     (int)len, line);
        json_array_append_new(all, o);
    }
    free(line);
    fclose(fp);
    return all;
}

json_t *
clienttest_outcomes(const struct clienttest *c)
{
    json_t *lines, *by_id = json_object(), *o;
    size_t i;

    if (access(c->outcomes, F_OK) != 0)
        fail_msg("no outcomes file %s", c->outcomes);
    lines = clienttest_outcome_lines(c);
    json_array_foreach(lines, i, o) {
        const char *id = json_string_value(json_object_get(o, "lead_id"));

        if (id == NULL)
            fail_msg("outcomes line %zu has no lead_id", i + 1);
        json_object_set(by_id, id, o);
    }
    json_decref(lines);
    return by_id;
}

size_t
clienttest_outcome_count(const struct clienttest *c)
{
    size_t n = 0;
    int ch;
    FILE *fp = fopen(c->outcomes, "r");

    if (fp == NULL)
        return 0;
    while ((ch = getc(fp)) != EOF)
        n += ch == '\n';
    fclose(fp);
    return n;
}

const char *
clienttest_str(json_t *outcomes, const char *id, const char *key)
{
    return json_string_value(
        json_object_get(json_object_get(outcomes, id), key));
}

json_int_t
clienttest_int(json_t *outcomes, const char *id, const char *key)
{
    return json_integer_value(
        json_object_get(json_object_get(outcomes, id), key));
}
