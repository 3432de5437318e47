/*
 * test_report.c - what the reports say, from hand-made results: the
 * client's stderr in every failure, SHOULD findings that are not JUnit
 * failures without --strict, the HTML page's counts, order and Markdown,
 * the profile everywhere, and replay's totals and rerun command.
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
#include <jansson.h>

#include "case.h"
#include "report.h"
#include "xmalloc.h"

/* Two cases: a SHOULD that failed (with stderr) and a MUST that passed. */
static json_t *
results(void)
{
    return json_pack(
        "[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s, s], s:I, s:I, "
        "  s:[{s:i, s:i, s:s}], s:{}, s:[]},"
        " {s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:I, s:I, s:[], s:{}, "
        "  s:[]}]",
        "id", "retry.backoff.waits", "title", "Retries are `spaced`", "level",
        "SHOULD", "checks", "The wait is **any** value up to `backoff_ms`",
        "verdict", "fail", "reason", "spacing: L-1: its 5 waits add up to 3 ms",
        "profile", "4xx-final", "failures",
        "spacing: L-1: its 5 waits add up to 3 ms", "outcome: L-1: none",
        "duration_ms", (json_int_t)1234, "false_delivered", (json_int_t)0,
        "client_stderr", "run", 1, "exit", 0, "tail",
        "warming up\nTraceback: boom <here>", "timeline", "other_requests",
        "id", "format.w2l.oid", "title", "Every post carries the oid", "level",
        "MUST", "checks", "oid", "verdict", "pass", "reason", "", "profile",
        "4xx-final", "failures", "duration_ms", (json_int_t)20,
        "false_delivered", (json_int_t)0, "client_stderr", "timeline",
        "other_requests");
}

static struct report_meta
meta(int strict)
{
    struct report_meta m;

    memset(&m, 0, sizeof(m));
    m.argv0 = "sfconform";
    m.client = "python3 /x/deliver.py";
    m.client_given = 1;
    m.profile = "4xx-final";
    m.suite = "/s";
    m.strict = strict;
    m.repeat = 1;
    m.duration_ms = 2000;
    return m;
}

/* The text a writer left in a temporary file (caller frees). */
static char *
written(int (*fn)(const char *, json_t *, const struct report_meta *,
                  struct sf_err *),
        json_t *r, const struct report_meta *m)
{
    char path[] = "/tmp/test_report-XXXXXX";
    struct sf_err err;
    int fd = mkstemp(path);
    char *text;

    assert_true(fd >= 0);
    close(fd);
    err_clear(&err);
    assert_int_equal(fn(path, r, m, &err), 0);
    text = case_read_file(path, NULL, &err);
    assert_non_null(text);
    unlink(path);
    return text;
}

static void
test_junit_should_is_not_a_failure(void **state)
{
    json_t *r = results();
    struct report_meta m = meta(0);
    char *x = written(report_junit, r, &m);

    (void)state;
    assert_null(strstr(x, "<failure"));
    assert_non_null(strstr(x, "failures=\"0\""));
    assert_non_null(strstr(x,
                           "<system-out>SHOULD not met (not blocking without "
                           "--strict): "));
    assert_non_null(strstr(x, "Traceback: boom &lt;here&gt;"));
    assert_non_null(strstr(x, "name=\"profile\" value=\"4xx-final\""));
    free(x);
    m = meta(1);
    x = written(report_junit, r, &m);
    assert_non_null(strstr(x, "failures=\"1\""));
    assert_non_null(strstr(x, "<failure message=\"spacing: L-1"));
    assert_non_null(strstr(x, "client stderr, run 1 (exit 0), last lines:\n"
                              "warming up\nTraceback: boom &lt;here&gt;"));
    assert_non_null(strstr(x, "rerun: sfconform --suite &#39;/s&#39; "
                              "--profile &#39;4xx-final&#39; --only "
                              "&#39;retry.backoff.waits&#39;"));
    free(x);
    json_decref(r);
}

static void
test_html_page(void **state)
{
    json_t *r = results();
    struct report_meta m = meta(0);
    char *x = written(report_html, r, &m), *fail_row, *pass_row;

    (void)state;
    assert_non_null(strstr(x, "<b>2 cases: <span class=\"pass\">1 passed"
                              "</span>, <span class=\"fail\">1 failed (0 "
                              "blocking)</span>"));
    assert_non_null(strstr(x, "profile: <code>4xx-final</code>"));
    /* The failure comes first, though it is second in case order... */
    fail_row = strstr(x, "<tr><td><a href=\"#retry.backoff.waits\"");
    pass_row = strstr(x, "<tr><td><a href=\"#format.w2l.oid\"");
    assert_non_null(fail_row);
    assert_non_null(pass_row);
    assert_true(fail_row < pass_row);
    /* ... with its title, its real time and its reason. */
    assert_non_null(strstr(fail_row, "1.23 s</td><td>Retries are <code>spaced"
                                     "</code><br><span class=\"fail\">"));
    /* Markdown is rendered, never shown as backticks. */
    assert_non_null(strstr(x, "The wait is <strong>any</strong> value up to "
                              "<code>backoff_ms</code>"));
    assert_null(strstr(x, "`"));
    assert_non_null(strstr(x, "<pre>warming up\nTraceback: boom &lt;here&gt;"));
    free(x);
    json_decref(r);
}

static void
test_json_report(void **state)
{
    json_t *r = results(), *doc;
    struct report_meta m = meta(0);
    char *x = written(report_json, r, &m);

    (void)state;
    doc = json_loads(x, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "profile")),
                        "4xx-final");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(
                               json_array_get(json_object_get(doc, "cases"), 0),
                               "client_stderr"),
                           0),
            "tail")),
        "warming up\nTraceback: boom <here>");
    assert_false(json_is_true(json_object_get(
        json_array_get(json_object_get(doc, "cases"), 0), "blocking")));
    json_decref(doc);
    free(x);
    json_decref(r);
}

/* The text summary of a failure: every reason, stderr, the rerun. */
static void
test_summary(void **state)
{
    json_t *r = results();
    struct report_meta m = meta(0);
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);

    (void)state;
    report_summary(fp, r, &m);
    fclose(fp);
    assert_non_null(strstr(text, "      also: outcome: L-1: none\n"));
    assert_non_null(strstr(text, "        | warming up\n"
                                 "        | Traceback: boom <here>\n"));
    assert_non_null(strstr(text, "sfconform: profile 4xx-final: 2 cases: 1 "
                                 "passed, 1 failed (0 blocking)"));
    free(text);
    json_decref(r);
}

/* A replay shows totals, absolute times, and a rerun that replays. */
static void
test_replay(void **state)
{
    json_t *r = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:[{s:i, s:I, s:i, s:s, s:s},"
        " {s:i, s:I, s:i, s:s}]}, s:[{s:i, s:I, s:s, s:s, s:i, s:s}],"
        " s:{s:{s:s, s:i}}, s:[]}",
        "id", "report.x", "title", "A ticket", "verdict", "fail", "ticket",
        "It broke", "explanation", "Because", "failures", "journal: 1 entry",
        "timeline", "L-1", "seq", 1, "time_ms", (json_int_t)1772442000000,
        "status", 200, "verdict", "dropped_daily_limit", "detail",
        "daily limit of 5 reached", "seq", 3, "time_ms",
        (json_int_t)1772442061000, "status", 200, "verdict", "created",
        "other_requests", "seq", 2, "time_ms", (json_int_t)1772442000500,
        "method", "POST", "path", "/services/oauth2/token", "status", 200,
        "verdict", "token_issued", "outcomes", "L-1", "outcome", "delivered",
        "attempts", 2, "runs");
    struct report_meta m = meta(0);
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);

    (void)state;
    m.scenario = "/f/scenarios/reports/001-x";
    m.client_given = 0;
    report_replay(fp, r, &m);
    fclose(fp);
    assert_non_null(strstr(text, "    #1  2026-03-02T09:00:00.000Z "
                                 "+00:00:00.000     200  dropped_daily_limit"
                                 "  daily limit of 5 reached\n"));
    assert_non_null(strstr(text, "    #2  2026-03-02T09:01:01.000Z "
                                 "+00:01:01.000     200  created\n"));
    assert_non_null(strstr(text, "  2 requests carrying a lead: 1 "
                                 "dropped_daily_limit, 1 created\n"));
    assert_non_null(strstr(text, "  1 other requests: 1 token_issued\n"));
    assert_non_null(
        strstr(text, "rerun: sfconform replay '/f/scenarios/reports/001-x'\n"));
    assert_null(strstr(text, "; ;"));
    free(text);
    json_decref(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_junit_should_is_not_a_failure),
        cmocka_unit_test(test_html_page),
        cmocka_unit_test(test_json_report),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_replay),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
