/*
 * test_dashboard.c - the dashboard (GET /__sim/) in a real headless
 * Chromium, driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: JSON messages ended by NUL, commands on the
 * browser's fd 3, answers and events on its fd 4): the page loads from a
 * real sfsim on port 0 and shows a created lead and a dropped one with
 * their verdicts, filters the journal by lead, shows a lead's timeline,
 * and advancing the clock from the page moves the Web-to-Lead window (its
 * POST passing the admin guard as a same-origin call).
 *
 * Skipped, with a one-line reason, when no Chromium is installed ($CHROMIUM,
 * else chromium, chromium-browser or google-chrome on PATH).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "simtest.h"

#define WAIT_MS 20000 /* a bound on each wait, not a speed check */
#define MSG_MAX (4 << 20)

/* One a day, dropped past it, on a frozen clock. */
static const char org[] =
    "{\"clock\": {\"start\": \"2026-01-05T09:00:00Z\", \"frozen\": true},"
    " \"web_to_lead\": {\"daily_limit\": 1, \"over_limit\": \"drop\"}}";

struct browser {
    pid_t pid;
    int to, from; /* our ends of its fd 3 and fd 4 */
    char dir[64]; /* its profile */
    char *buf;    /* what it sent that is not yet a whole message */
    size_t len;
    int next_id;
    char session[128]; /* the page's DevTools session */
};

struct fixture {
    struct simtest sim; /* its output in dir/out and dir/err */
    struct browser b;
    char dir[64];
};

static const char *
find_chromium(void)
{
    static const char *const names[] = {"chromium", "chromium-browser",
                                        "google-chrome", NULL};
    static char path[1024];
    const char *env = getenv("CHROMIUM"), *dirs = getenv("PATH");

    if (env != NULL && *env != '\0')
        return access(env, X_OK) == 0 ? env : NULL;
    for (size_t i = 0; names[i] != NULL; i++) {
        const char *p = dirs != NULL ? dirs : "/usr/bin:/bin";

        while (*p != '\0') {
            size_t n = strcspn(p, ":");

            snprintf(path, sizeof(path), "%.*s/%s", (int)n, p, names[i]);
            if (access(path, X_OK) == 0)
                return path;
            p += n + (p[n] == ':');
        }
    }
    return NULL;
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
browser_start(struct browser *b, const char *exe)
{
    int in[2], out[2];
    char profile[128];

    memset(b, 0, sizeof(*b));
    snprintf(b->dir, sizeof(b->dir), "/tmp/sfsim-chromeXXXXXX");
    assert_non_null(mkdtemp(b->dir));
    snprintf(profile, sizeof(profile), "--user-data-dir=%s", b->dir);
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    b->pid = fork();
    assert_true(b->pid >= 0);
    if (b->pid == 0) {
        int devnull = open("/dev/null", O_RDWR);

        /* Its fd 3 reads our commands, its fd 4 writes its answers. */
        dup2(in[0], 10);
        dup2(out[1], 11);
        dup2(10, 3);
        dup2(11, 4);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        for (int fd = 5; fd < 64; fd++)
            close(fd);
        execl(exe, exe, "--headless", "--no-sandbox", "--disable-gpu",
              "--no-first-run", "--no-default-browser-check",
              "--disable-extensions", "--disable-background-networking",
              "--remote-debugging-pipe", profile, "about:blank", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    b->to = in[1];
    b->from = out[0];
    b->next_id = 1;
    signal(SIGPIPE, SIG_IGN);
}

static void
browser_stop(struct browser *b)
{
    char cmd[128];
    int st;

    if (b->pid <= 0)
        return;
    close(b->to);
    close(b->from);
    kill(b->pid, SIGTERM);
    for (int i = 0; i < 500 && waitpid(b->pid, &st, WNOHANG) == 0; i++)
        usleep(10000);
    if (waitpid(b->pid, &st, WNOHANG) == 0) {
        kill(b->pid, SIGKILL);
        waitpid(b->pid, &st, 0);
    }
    b->pid = 0;
    free(b->buf);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test_dashboard: could not remove %s\n", b->dir);
}

/* The next whole message (new reference), waiting until deadline. */
static json_t *
browser_read(struct browser *b, long long deadline)
{
    for (;;) {
        char *end = b->len > 0 ? memchr(b->buf, '\0', b->len) : NULL;
        struct pollfd p = {b->from, POLLIN, 0};
        long long left = deadline - now_ms();
        ssize_t n;

        if (end != NULL) {
            size_t used = (size_t)(end - b->buf) + 1;
            json_t *j = json_loadb(b->buf, used - 1, 0, NULL);

            memmove(b->buf, end + 1, b->len - used);
            b->len -= used;
            assert_non_null(j);
            return j;
        }
        if (left <= 0)
            fail_msg("Chromium did not answer within %d ms", WAIT_MS);
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        b->buf = realloc(b->buf, b->len + 65536);
        assert_non_null(b->buf);
        n = read(b->from, b->buf + b->len, 65536);
        if (n <= 0)
            fail_msg("Chromium closed its pipe (%s)",
                     n == 0 ? "end of file" : strerror(errno));
        b->len += (size_t)n;
        assert_true(b->len < MSG_MAX);
    }
}

/* Sends method with params (stolen) in session (NULL: the browser's);
 * its result (new reference). Fails the test on an error answer. */
static json_t *
cdp(struct browser *b, const char *session, const char *method, json_t *params)
{
    json_t *msg = json_pack("{s:i, s:s, s:o}", "id", b->next_id, "method",
                            method, "params", params);
    int id = b->next_id++;
    long long deadline = now_ms() + WAIT_MS;
    char *text;
    size_t len;

    if (session != NULL)
        json_object_set_new(msg, "sessionId", json_string(session));
    text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    len = strlen(text) + 1; /* with its NUL */
    assert_int_equal(write(b->to, text, len), (ssize_t)len);
    free(text);
    for (;;) {
        json_t *j = browser_read(b, deadline), *result;

        if (json_integer_value(json_object_get(j, "id")) != id) {
            json_decref(j);
            continue; /* an event, or another session's answer */
        }
        if (json_object_get(j, "error") != NULL) {
            text = json_dumps(j, JSON_COMPACT);
            fail_msg("%s: %s", method, text);
        }
        result = json_incref(json_object_get(j, "result"));
        json_decref(j);
        return result;
    }
}

/* A new tab on url, attached: its session id kept in b. */
static void
open_page(struct browser *b, const char *url)
{
    json_t *r =
        cdp(b, NULL, "Target.createTarget", json_pack("{s:s}", "url", url));
    json_t *a = cdp(b, NULL, "Target.attachToTarget",
                    json_pack("{s:O, s:b}", "targetId",
                              json_object_get(r, "targetId"), "flatten", 1));

    snprintf(b->session, sizeof(b->session), "%s",
             json_string_value(json_object_get(a, "sessionId")));
    json_decref(r);
    json_decref(a);
}

/* expr evaluated in the page (promises awaited): its value (new
 * reference; JSON null when it has none). */
static json_t *
eval(struct browser *b, const char *expr)
{
    json_t *r = cdp(b, b->session, "Runtime.evaluate",
                    json_pack("{s:s, s:b, s:b}", "expression", expr,
                              "awaitPromise", 1, "returnByValue", 1));
    json_t *v = json_object_get(json_object_get(r, "result"), "value");

    v = v != NULL ? json_incref(v) : json_null();
    json_decref(r);
    return v;
}

/* Waits until expr is true in the page; fails with what show shows. */
static void
wait_for(struct browser *b, const char *expr, const char *show)
{
    long long deadline = now_ms() + WAIT_MS;

    for (;;) {
        json_t *v = eval(b, expr);
        int ok = json_is_true(v);

        json_decref(v);
        if (ok)
            return;
        if (now_ms() > deadline) {
            char *text;

            v = eval(b, show);
            text = json_dumps(v, JSON_ENCODE_ANY);
            fail_msg("the page never showed %s; it shows %s", expr, text);
        }
        usleep(100000);
    }
}

/* The page's journal rows as text, one string per row. */
#define JOURNAL_TEXT                                                           \
    "[...document.querySelectorAll('#journal-rows tr')]"                       \
    ".map(tr => [...tr.children].map(td => td.textContent).join('|'))"
#define TIMELINE_TEXT                                                          \
    "[...document.querySelectorAll('#timeline-rows tr')]"                      \
    ".map(tr => [...tr.children].map(td => td.textContent).join('|'))"

/* Sets the field input_id to value and clicks button_id, as a user would. */
static void
fill_and_click(struct browser *b, const char *input_id, const char *value,
               const char *button_id)
{
    char expr[512];
    json_t *v;

    snprintf(expr, sizeof(expr),
             "document.getElementById('%s').value = '%s';"
             "document.getElementById('%s').click(); true",
             input_id, value, button_id);
    v = eval(b, expr);
    json_decref(v);
}

static int
start(void **state)
{
    const char *exe = find_chromium();
    const char *args[] = {"--org", NULL, NULL};
    struct fixture *f;
    char path[128];
    FILE *fp;

    if (exe == NULL) {
        fprintf(stderr, "test_dashboard: skipped: no Chromium installed "
                        "(apt-get install chromium, or set CHROMIUM)\n");
        *state = NULL;
        return 0;
    }
    f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/sfsim-dashXXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(path, sizeof(path), "%s/org.json", f->dir);
    assert_non_null(fp = fopen(path, "w"));
    fputs(org, fp);
    assert_int_equal(fclose(fp), 0);
    args[1] = path;
    simtest_start_logged(&f->sim, f->dir, args);
    browser_start(&f->b, exe);
    *state = f;
    return 0;
}

static int
stop(void **state)
{
    struct fixture *f = *state;
    char path[128];
    int rc;

    if (f == NULL)
        return 0;
    browser_stop(&f->b);
    rc = simtest_stop(&f->sim);
    for (const char *const *n =
             (const char *const[]){"org.json", "out", "err", NULL};
         *n != NULL; n++) {
        snprintf(path, sizeof(path), "%s/%s", f->dir, *n);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void
test_dashboard_in_chromium(void **state)
{
    struct fixture *f = *state;
    char url[256], now[64];

    if (f == NULL)
        skip();
    simtest_post_w2l_lead(&f->sim, "ada%40x.test"); /* created */
    simtest_post_w2l_lead(&f->sim,
                          "byron%40x.test"); /* over the cap: dropped */
    snprintf(url, sizeof(url), "%s/__sim/", f->sim.proc.url);
    open_page(&f->b, url);

    /* The org at a glance and the live journal, with both verdicts. */
    wait_for(&f->b,
             "document.getElementById('w2l-used').textContent === '1' && "
             "document.getElementById('w2l-limit').textContent === '1' "
             "&& " JOURNAL_TEXT
             ".some(r => r.includes('|created|')) && " JOURNAL_TEXT
             ".some(r => r.includes('|dropped_daily_limit|'))",
             "[document.body.innerText]");
    wait_for(&f->b,
             "document.getElementById('clock-now').textContent === "
             "'2026-01-05T09:00:00.000Z' && "
             "document.getElementById('records-rows').textContent"
             ".includes('ada@x.test') && "
             "!document.getElementById('records-rows').textContent"
             ".includes('byron@x.test')",
             "document.getElementById('records-rows').textContent");

    /* New entries appear without a reload. */
    simtest_post_w2l_lead(&f->sim, "carol%40x.test");
    wait_for(&f->b,
             JOURNAL_TEXT ".filter(r => r.includes("
                          "'|dropped_daily_limit|')).length === 2",
             JOURNAL_TEXT);

    /* The journal filtered by a lead's value: only its entry. */
    fill_and_click(&f->b, "f-lead", "byron@x.test", "f-apply");
    wait_for(&f->b,
             JOURNAL_TEXT ".length === 1 && " JOURNAL_TEXT
                          "[0].includes('|dropped_daily_limit|')",
             JOURNAL_TEXT);

    /* A lead's timeline. */
    fill_and_click(&f->b, "t-lead", "ada@x.test", "t-show");
    wait_for(&f->b,
             TIMELINE_TEXT ".length === 1 && " TIMELINE_TEXT
                           "[0].includes('|created|')",
             TIMELINE_TEXT);

    /* A day on from the page: the window frees. */
    fill_and_click(&f->b, "advance-by", "1d", "advance");
    wait_for(&f->b,
             "document.getElementById('clock-now').textContent === "
             "'2026-01-06T09:00:00.000Z' && "
             "document.getElementById('w2l-used').textContent === '0'",
             "document.getElementById('glance').innerText");
    assert_string_equal(simtest_now(&f->sim, now, sizeof(now)),
                        "2026-01-06T09:00:00.000Z");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dashboard_in_chromium, start,
                                        stop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
