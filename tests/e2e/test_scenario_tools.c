/*
 * test_scenario_tools.c - from a ticket to a replay: `sfconform scaffold`,
 * `sfconform import-log` and what `sfconform replay` answers with.
 *
 * Runs the real $SFCONFORM (which spawns the real $SFSIM and the bundled
 * $SFDELIVER) in a scratch directory: a scaffolded scenario replays as it
 * is (and --fix passes); a vendor's log of 620 posts spread over one day,
 * as NDJSON and as CSV, replays with the org's daily limit of 500 keeping
 * 500 and dropping 120, whichever bucket size the import chose; two bursts
 * of posts replay differently when a day lies between them, which only
 * reproduced timing can show; the replay's HTML page is well-formed and
 * self-contained (checked by $PYTHON3's html.parser).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "timefmt.h"
#include "xmalloc.h"

#define DAY_START_MS 1772755200000LL /* 2026-03-06T00:00:00Z */
#define DAY_MS 86400000LL

static char scratch[] = "/tmp/sfconform-scenario-XXXXXX";

static const char *
env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return v != NULL && *v != '\0' ? v : dflt;
}

static const char *
sfconform(void)
{
    return env_or("SFCONFORM", "conformance/sfconform");
}

/* Runs cmd with /bin/sh; its stdout and stderr into *out (caller frees);
 * the exit status. */
static int
run(const char *cmd, char **out)
{
    char *full = xasprintf("%s 2>&1", cmd), buf[4096];
    FILE *fp = popen(full, "r");
    size_t len = 0, n, cap = 1 << 20;
    int st;

    assert_non_null(fp);
    *out = xmalloc(cap);
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
        if (len + n + 1 > cap)
            *out = xrealloc(*out, cap *= 2);
        memcpy(*out + len, buf, n);
        len += n;
    }
    (*out)[len] = '\0';
    st = pclose(fp);
    free(full);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Runs cmd, which must exit with want; its output (caller frees). */
static char *
run_ok(const char *cmd, int want)
{
    char *out;
    int st = run(cmd, &out);

    if (st != want)
        fail_msg("%s: exit %d, expected %d:\n%s", cmd, st, want, out);
    return out;
}

static void
expect_text(const char *out, const char *text)
{
    if (strstr(out, text) == NULL)
        fail_msg("expected \"%s\" in:\n%.4000s", text, out);
}

/* Replays dir (extra arguments after it) with --json and returns the
 * case's result; its stdout into *out (caller frees). */
static json_t *
replay(const char *dir, const char *extra, char **out)
{
    char *json = xasprintf("%s/report-%d.json", scratch, rand()), *cmd;
    json_t *report, *c;

    cmd = xasprintf("%s replay '%s' --json '%s' %s", sfconform(), dir, json,
                    extra);
    *out = run_ok(cmd, 0);
    report = json_load_file(json, 0, NULL);
    assert_non_null(report);
    c = json_incref(json_array_get(json_object_get(report, "cases"), 0));
    json_decref(report);
    unlink(json);
    free(json);
    free(cmd);
    return c;
}

/* The requests carrying a lead of a result, per sim verdict. */
static json_int_t
verdicts(json_t *c, const char *verdict)
{
    json_t *arr, *a;
    const char *id;
    json_int_t n = 0;
    size_t i;

    json_object_foreach(json_object_get(c, "timeline"), id, arr)
        json_array_foreach(arr, i, a)
            n += strcmp(json_string_value(json_object_get(a, "verdict")),
                        verdict) == 0;
    return n;
}

static void
test_scaffold_replays(void **state)
{
    char *dir = xasprintf("%s/ticket-42", scratch), *cmd, *out;
    json_t *c;
    struct stat st;

    (void)state;
    cmd = xasprintf("%s scaffold ticket-42 --dir '%s'", sfconform(), scratch);
    out = run_ok(cmd, 0);
    expect_text(out, "sfconform replay");
    free(out);
    /* Never over an existing directory; never outside --dir. */
    out = run_ok(cmd, 1);
    expect_text(out, "never overwritten");
    free(out);
    free(cmd);
    static const char *const bad[] = {"..",      "../escape", "a/b",
                                      ".hidden", "''",        NULL};
    for (size_t i = 0; bad[i] != NULL; i++) {
        cmd = xasprintf("%s scaffold %s --dir '%s'", sfconform(), bad[i],
                        scratch);
        free(run_ok(cmd, 1));
        free(cmd);
    }
    cmd = xasprintf("%s/../escape", scratch);
    assert_int_equal(stat(cmd, &st), -1);
    free(cmd);
    /* As scaffolded: 8 posts against a limit of 5. */
    c = replay(dir, "", &out);
    assert_string_equal(json_string_value(json_object_get(c, "verdict")),
                        "fail");
    assert_int_equal(verdicts(c, "created"), 5);
    assert_int_equal(verdicts(c, "dropped_daily_limit"), 3);
    expect_text(out, "the client: 8 of 8 leads reported delivered");
    expect_text(out, "Salesforce: 5 leads stored; 3 never stored (3 "
                     "dropped_daily_limit)");
    expect_text(out, "2026-03-06T10:00:00.000Z");
    json_decref(c);
    free(out);
    c = replay(dir, "--fix", &out);
    assert_string_equal(json_string_value(json_object_get(c, "verdict")),
                        "pass");
    json_decref(c);
    free(out);
    free(dir);
}

/* Writes n posts spread evenly over span_ms from from_ms, as NDJSON or
 * CSV (mode "w": a new file, "a": appended), numbered from first. */
static void
write_log(const char *path, int csv, int n, int first, int64_t from_ms,
          int64_t span_ms, const char *mode)
{
    FILE *fp = fopen(path, mode);
    char when[TIMEFMT_LEN];
    int i;

    assert_non_null(fp);
    if (csv && strcmp(mode, "w") == 0)
        fprintf(fp, "time,lead_id,status,first_name,last_name,email,company\n");
    for (i = 0; i < n; i++) {
        timefmt_rfc3339(from_ms + span_ms * i / n, when);
        if (csv)
            fprintf(fp, "%s,V-%d,200,Pat,\"Lead, %d\",v%d@example.com,Acme\n",
                    when, first + i, first + i, first + i);
        else
            fprintf(fp,
                    "{\"time\": \"%s\", \"lead_id\": \"V-%d\", \"status\": "
                    "200, \"fields\": {\"first_name\": \"Pat\", "
                    "\"last_name\": \"Lead %d\", \"email\": "
                    "\"v%d@example.com\", \"company\": \"Acme\"}}\n",
                    when, first + i, first + i, first + i);
    }
    fclose(fp);
}

/* The number of steps of a kind in dir/case.json, and the seconds its
 * advance_clock steps add up to. */
static size_t
steps_of(const char *dir, const char *kind, json_int_t *seconds)
{
    char *path = xasprintf("%s/case.json", dir);
    json_t *c = json_load_file(path, 0, NULL), *s;
    size_t i, n = 0;

    assert_non_null(c);
    *seconds = 0;
    json_array_foreach(json_object_get(c, "steps"), i, s) {
        if (strcmp(json_string_value(json_object_get(s, "do")), kind) != 0)
            continue;
        n++;
        *seconds += json_integer_value(json_object_get(s, "seconds"));
    }
    json_decref(c);
    free(path);
    return n;
}

/* A day of 620 posts: imported, then replayed against a limit of 500. */
static void
day_of_posts(int csv, const char *extra, size_t runs, json_int_t advanced)
{
    char *log = xasprintf("%s/day.%s", scratch, csv ? "csv" : "ndjson");
    const char *name = csv ? "day-csv" : "day-ndjson";
    char *dir, *cmd, *out;
    json_t *c;
    json_int_t secs;

    write_log(log, csv, 620, 0, DAY_START_MS, DAY_MS, "w");
    cmd = xasprintf("%s import-log '%s' --name %s --dir '%s' %s", sfconform(),
                    log, name, scratch, extra);
    out = run_ok(cmd, 0);
    expect_text(out, "620 posts in");
    free(out);
    dir = xasprintf("%s/%s", scratch, name);
    assert_int_equal(steps_of(dir, "deliver", &secs), runs);
    assert_int_equal(steps_of(dir, "advance_clock", &secs), runs - 1);
    assert_int_equal(secs, advanced);
    c = replay(dir, "", &out);
    assert_int_equal(verdicts(c, "created"), 500);
    assert_int_equal(verdicts(c, "dropped_daily_limit"), 120);
    expect_text(out, "620 requests carrying a lead: 500 created, 120 "
                     "dropped_daily_limit");
    expect_text(out, "the client: 620 of 620 leads reported delivered");
    expect_text(out, "Salesforce: 500 leads stored; 120 never stored");
    /* Absolute simulated times, from the log's day. */
    expect_text(out, "2026-03-06T00:00:00.000Z");
    expect_text(out, "2026-03-06T23:");
    json_decref(c);
    free(out);
    free(cmd);
    free(dir);
    free(log);
}

static void
test_import_ndjson_day(void **state)
{
    (void)state;
    /* 900 s buckets: 96 runs; the last post at 23:57:40 is in 23:45. */
    day_of_posts(0, "", 96, 95 * 900);
}

static void
test_import_csv_day(void **state)
{
    (void)state;
    day_of_posts(1, "--max-runs 24", 24, 23 * 3600);
}

/*
 * 300 posts in the first hour and 300 more at a later time: 22 hours on,
 * the first 300 are still in the rolling window and 100 are dropped; 25
 * hours on, they have left it and none is.
 */
static void
test_import_timing_matters(void **state)
{
    static const struct {
        const char *name;
        int64_t later_ms;
        json_int_t dropped;
    } cases[] = {{"burst-22h", 22 * 3600000LL, 100},
                 {"burst-25h", 25 * 3600000LL, 0}};
    char *log, *cmd, *out, *dir;
    json_int_t secs;
    json_t *c;

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        log = xasprintf("%s/%s.ndjson", scratch, cases[i].name);
        dir = xasprintf("%s/%s", scratch, cases[i].name);
        write_log(log, 0, 300, 0, DAY_START_MS, 3600000, "w");
        write_log(log, 0, 300, 300, DAY_START_MS + cases[i].later_ms, 3600000,
                  "a");
        /* One client run per hour of the log: each burst is one run. */
        cmd = xasprintf("%s import-log '%s' --dir '%s' --max-runs 4",
                        sfconform(), log, scratch);
        free(run_ok(cmd, 0));
        assert_int_equal(steps_of(dir, "deliver", &secs), 2);
        assert_int_equal(steps_of(dir, "advance_clock", &secs), 1);
        assert_int_equal(secs, cases[i].later_ms / 1000);
        c = replay(dir, "", &out);
        assert_int_equal(verdicts(c, "dropped_daily_limit"), cases[i].dropped);
        assert_int_equal(verdicts(c, "created"), 600 - cases[i].dropped);
        json_decref(c);
        free(out);
        free(dir);
        free(cmd);
        free(log);
    }
}

/* The checker of the page: tags balanced, the parts present, nothing
 * fetched from elsewhere. Exits 0 when the page is good. */
static const char checker[] =
    "import html.parser, sys\n"
    "VOID = {'meta', 'br', 'hr', 'img', 'input', 'link'}\n"
    "class P(html.parser.HTMLParser):\n"
    "    def __init__(s):\n"
    "        super().__init__(); s.stack = []; s.seen = set(); s.text = ''\n"
    "    def handle_starttag(s, t, a):\n"
    "        s.seen.add(t)\n"
    "        for k, v in a:\n"
    "            if k in ('src', 'href') and not (v or '').startswith('#'):\n"
    "                sys.exit('external reference: %s=%s' % (k, v))\n"
    "        if t not in VOID: s.stack.append(t)\n"
    "    def handle_startendtag(s, t, a): s.seen.add(t)\n"
    "    def handle_endtag(s, t):\n"
    "        if not s.stack or s.stack[-1] != t:\n"
    "            sys.exit('unbalanced </%s> in %s' % (t, s.stack[-4:]))\n"
    "        s.stack.pop()\n"
    "    def handle_data(s, d): s.text += d\n"
    "p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read()); p.close()\n"
    "if p.stack: sys.exit('unclosed: %s' % p.stack)\n"
    "for t in ('html', 'svg', 'polyline', 'line', 'table', 'blockquote'):\n"
    "    if t not in p.seen: sys.exit('no <%s>' % t)\n"
    "for want in sys.argv[2:]:\n"
    "    if want not in p.text: sys.exit('missing text: ' + want)\n";

static void
test_replay_html(void **state)
{
    char *dir = xasprintf("%s/page", scratch), *html, *py, *cmd, *out;
    json_t *c;
    FILE *fp;

    (void)state;
    cmd = xasprintf("%s scaffold page --dir '%s'", sfconform(), scratch);
    free(run_ok(cmd, 0));
    free(cmd);
    html = xasprintf("%s/replay.html", scratch);
    py = xasprintf("%s/check_html.py", scratch);
    fp = fopen(py, "w");
    assert_non_null(fp);
    fputs(checker, fp);
    fclose(fp);
    cmd = xasprintf("--html '%s'", html);
    c = replay(dir, cmd, &out);
    json_decref(c);
    free(out);
    free(cmd);
    cmd = xasprintf("%s '%s' '%s' 'The ticket' 'We sent 8 leads' "
                    "'5 leads stored; 3 never stored' 'daily limit 5' "
                    "'dropped_daily_limit' 'Explanation' 'L-8'",
                    env_or("PYTHON3", "python3"), py, html);
    free(run_ok(cmd, 0));
    free(cmd);
    free(py);
    free(html);
    free(dir);
}

/* More posts than the bound: refused at the first one past it. */
static void
test_import_bounds(void **state)
{
    char *log = xasprintf("%s/huge.csv", scratch), *cmd, *out;
    FILE *fp = fopen(log, "w");
    int i;

    (void)state;
    assert_non_null(fp);
    fputs("time,lead_id\n", fp);
    for (i = 0; i <= 100000; i++)
        fprintf(fp, "2026-03-06T00:00:00Z,V-%d\n", i);
    fclose(fp);
    cmd = xasprintf("%s import-log '%s' --dir '%s'", sfconform(), log, scratch);
    out = run_ok(cmd, 2);
    expect_text(out, "huge.csv:100002:1: more than 100000 posts");
    free(out);
    free(cmd);
    free(log);
}

/* The README's sample log imports as the README says. */
static void
test_sample_log(void **state)
{
    char *cmd, *out;

    (void)state;
    cmd = xasprintf("%s import-log '%s/scenarios/logs/vendor-620.csv' "
                    "--dir '%s'",
                    sfconform(), env_or("SFSIM_FIXTURES", "fixtures"), scratch);
    out = run_ok(cmd, 0);
    expect_text(out, "620 posts in 96 client runs (one per 900 s of the "
                     "log), daily limit 500");
    free(out);
    free(cmd);
}

static int
setup(void **state)
{
    (void)state;
    return mkdtemp(scratch) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", scratch);
    int rc = system(cmd);

    (void)state;
    free(cmd);
    return rc == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scaffold_replays),
        cmocka_unit_test(test_replay_html),
        cmocka_unit_test(test_import_ndjson_day),
        cmocka_unit_test(test_import_csv_day),
        cmocka_unit_test(test_import_timing_matters),
        cmocka_unit_test(test_import_bounds),
        cmocka_unit_test(test_sample_log),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, setup, teardown);
}
