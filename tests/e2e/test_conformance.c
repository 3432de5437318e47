/*
 * test_conformance.c - testing the tester.
 *
 * Correct clients written independently of each other and of sfdeliver
 * (tests/conformance/clients/independent/: Python with threads, POSIX sh
 * with curl, Node with async requests, each with its own concurrency,
 * token refresh and backoff) pass every case of their profile, as do the
 * bundled sfdeliver and the correct script client. Each deliberately
 * broken script client (tests/conformance/clients/NAME.sh, one defect
 * each) fails exactly the cases listed in NAME.fails beside it: a case
 * that fails a client for a reason unrelated to its defect fails this
 * test as surely as a defect no case catches. The broken batch clients
 * (batch_defects.py: sfdeliver with one defect of batch delivery) are
 * judged the same way in profile batch, over the batch/ cases. A case
 * can kill a client at a point of its run (kill_when): test_kill_point.
 *
 * Runs the real $SFCONFORM (which spawns the real $SFSIM per case) and
 * reads its --json report. $PYTHON3 and $NODE name the interpreters
 * (default: python3 and node from PATH).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "httpc.h"
#include "xmalloc.h"

/* Cases wait (backoff, Retry-After, timeouts) more than they compute:
 * four at a time keep two cores busy. */
#define JOBS 4
#define TIMEOUT_MS 30000
/* The broken clients skip the two volume cases, which only scale up
 * w2l.cap.no-false-delivered (every broken client meets that one): a
 * sequential script client spends most of a matrix run on their 3,000
 * leads. The correct clients run them. */
#define VOLUME_CASES "w2l.cap.500.volume,w2l.cap.performance-2500.volume"

#define CLIENTS "tests/conformance/clients"

static const char *const defects[] = {
    "never-retries",
    "ignores-max-retries",
    "json-to-w2l",
    "reports-all-delivered",
    "drops-custom-mapping",
    "no-outcomes",
    "retries-after-success",
    "ignores-401",
    "burns-leads-on-failed-refresh",
    "flat-flow-body",
    "resends-unseen",
    "no-refresh-ahead",
    NULL,
};

/* Batch clients (batch_defects.py: sfdeliver with one defect of batch
 * delivery), judged in profile batch over the batch/ cases: outside the
 * collection and bulk formats they are sfdeliver itself. */
static const char *const batch_defects[] = {
    "trusts-collection-200",
    "trusts-jobcomplete",
    "resends-whole-batch",
    "saves-state-at-exit",
    NULL,
};

static const char *
env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return v != NULL && *v != '\0' ? v : dflt;
}

/* The repository root (static buffer). */
static const char *
root(void)
{
    static char out[1024];

    snprintf(out, sizeof(out), "%s/..", test_fixtures_dir());
    return out;
}

/*
 * Runs sfconform with client (a shell command) in profile over the cases
 * only (NULL: all); returns its exit status and the JSON report.
 */
static int
run(const char *client, const char *profile, const char *only, json_t **report)
{
    char json[] = "/tmp/sfconform-test-XXXXXX";
    char *cmd;
    int fd = mkstemp(json), st;

    assert_true(fd >= 0);
    close(fd);
    cmd = xasprintf("%s --jobs %d --timeout %d --profile %s --client '%s' "
                    "%s%s%s --json %s > /dev/null 2>&1",
                    env_or("SFCONFORM", "conformance/sfconform"), JOBS,
                    TIMEOUT_MS, profile, client, only ? "--only '" : "",
                    only ? only : "", only ? "'" : "", json);
    st = system(cmd);
    free(cmd);
    *report = json_load_file(json, 0, NULL);
    unlink(json);
    assert_non_null(*report);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The ids of the cases that did not pass, as an object id -> reason. */
static json_t *
failed(json_t *report)
{
    json_t *out = json_object(), *c;
    size_t i;

    json_array_foreach(json_object_get(report, "cases"), i, c) {
        if (strcmp(json_string_value(json_object_get(c, "verdict")), "pass"))
            json_object_set(out, json_string_value(json_object_get(c, "id")),
                            json_object_get(c, "reason"));
    }
    return out;
}

/* 1 when id is an item of the comma-separated list. */
static int
in_list(const char *list, const char *id)
{
    size_t n = strlen(id);

    for (const char *p = list; (p = strstr(p, id)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

/* Every case id of the catalog in profile, but those of skip (a comma
 * list), comma-separated (caller frees). */
static char *
catalog(const char *profile, const char *skip)
{
    char *cmd =
        xasprintf("%s --list --profile %s",
                  env_or("SFCONFORM", "conformance/sfconform"), profile);
    FILE *fp = popen(cmd, "r");
    char line[1024], *list = xstrdup(""), *next;

    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        line[strcspn(line, " \n")] = '\0';
        if (strchr(line, '.') == NULL || in_list(skip, line))
            continue;
        next = xasprintf("%s%s%s", list, *list ? "," : "", line);
        free(list);
        list = next;
    }
    assert_int_equal(pclose(fp), 0);
    free(cmd);
    return list;
}

/*
 * The cases NAME.fails lists (one id per line, # comments; "*" alone:
 * every case of cases), as an object id -> true.
 */
static json_t *
expected(const char *name, json_t *cases)
{
    char *path = xasprintf("%s/" CLIENTS "/%s.fails", root(), name);
    FILE *fp = fopen(path, "r");
    json_t *out = json_object(), *c;
    char line[512];
    size_t i;

    if (fp == NULL)
        fail_msg("%s: cannot open", path);
    while (fgets(line, sizeof(line), fp) != NULL) {
        line[strcspn(line, " #\n")] = '\0';
        if (strcmp(line, "*") == 0) {
            json_array_foreach(cases, i, c)
                json_object_set(out,
                                json_string_value(json_object_get(c, "id")),
                                json_true());
        } else if (line[0] != '\0') {
            json_object_set_new(out, line, json_true());
        }
    }
    fclose(fp);
    free(path);
    return out;
}

/* 0 when got (id -> reason) has exactly the keys of want; else -1, with
 * every difference printed. */
static int
same_cases(const char *client, json_t *got, json_t *want)
{
    const char *id;
    json_t *v;
    int bad = 0;

    json_object_foreach(got, id, v) {
        if (json_object_get(want, id) == NULL) {
            print_error("%s: fails %s, which is not aimed at its defect: %s\n",
                        client, id, json_string_value(v));
            bad = 1;
        }
    }
    json_object_foreach(want, id, v) {
        if (json_object_get(got, id) == NULL) {
            print_error("%s: passes %s, which should catch it\n", client, id);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

/* A correct client: every case of its profile passes, exit status 0. */
static void
passes_all(const char *name, const char *client, const char *profile)
{
    json_t *report, *f, *none = json_object();
    int rc = run(client, profile, NULL, &report);

    f = failed(report);
    if (same_cases(name, f, none) == -1)
        fail_msg("%s: a case failed", name);
    assert_int_equal(rc, 0);
    assert_int_equal(json_array_size(json_object_get(report, "cases")),
                     json_integer_value(json_object_get(
                         json_object_get(report, "summary"), "passed")));
    json_decref(f);
    json_decref(none);
    json_decref(report);
}

/* A correct client: its interpreter (an environment variable and its
 * default; none: a path, from the root, that runs as it is). */
struct correct {
    const char *name, *interp_env, *interp, *path, *profile;
};

static const struct correct correct[] = {
    {"python-threads", "PYTHON3", "python3",
     CLIENTS "/independent/python-threads/deliver.py", "4xx-final"},
    {"shell-curl", NULL, "sh", CLIENTS "/independent/shell-curl/deliver.sh",
     "4xx-final"},
    {"node-async", "NODE", "node",
     CLIENTS "/independent/node-async/deliver.mjs", "4xx-retried"},
    /* Written from the README's contract as a stranger would: profile
     * batch is judged by more than our own client. */
    {"python-batch", "PYTHON3", "python3",
     CLIENTS "/independent/python-batch/deliver.py", "batch"},
    {"good (the script client)", NULL, "sh", CLIENTS "/good.sh", "4xx-retried"},
    /* sfdeliver delivers in batches too: profile batch is 4xx-retried's
     * cases and the batch/ ones. */
    {"sfdeliver", "SFDELIVER", "client/sfdeliver", NULL, "batch"},
};

/*
 * Under a sanitizer (SFSIM_SANITIZE, set by make) the whole-catalog runs of
 * clients that are not instrumented (the script and example clients, the
 * broken-client matrix) prove nothing new about our binaries and cost most
 * of the run: the plain `make test` runs them once. Says so and returns 1.
 */
static int
plain_run_only(const char *what)
{
    const char *san = getenv("SFSIM_SANITIZE");

    if (san == NULL || san[0] == '\0')
        return 0;
    print_message("%s: skipped under SANITIZE=%s: the plain `make test` "
                  "runs it once\n",
                  what, san);
    return 1;
}

static void
test_correct_client(void **state)
{
    const struct correct *c = *state;
    const char *interp =
        c->interp_env ? env_or(c->interp_env, c->interp) : c->interp;
    char *cmd;

    /* sfdeliver is instrumented too: it runs under every sanitizer. */
    if (c->path != NULL && plain_run_only(c->name))
        return;
    cmd = c->path ? xasprintf("%s %s/%s", interp, root(), c->path)
                  : xstrdup(interp);
    passes_all(c->name, cmd, c->profile);
    free(cmd);
}

/* Each client of list (NAME.sh beside NAME.fails) fails exactly its
 * cases, in profile over only (a --only pattern); 0, or -1 with the
 * differences printed. */
static int
defects_caught(const char *const *list, const char *profile, const char *only)
{
    json_t *report, *got, *want;
    int bad = 0;
    char *cmd;

    for (const char *const *d = list; *d != NULL; d++) {
        int rc;

        cmd = xasprintf("sh %s/" CLIENTS "/%s.sh", root(), *d);
        rc = run(cmd, profile, only, &report);
        got = failed(report);
        want = expected(*d, json_object_get(report, "cases"));
        if (same_cases(*d, got, want) == -1)
            bad = 1;
        /* Exit 1 exactly when a MUST case caught it. */
        assert_int_equal(
            rc, json_integer_value(json_object_get(
                    json_object_get(report, "summary"), "blocking")) > 0
                    ? 1
                    : 0);
        json_decref(got);
        json_decref(want);
        json_decref(report);
        free(cmd);
    }
    return bad ? -1 : 0;
}

static void
test_each_defect_caught_exactly(void **state)
{
    char *only;
    int bad;

    (void)state;
    if (plain_run_only("the broken-client matrix"))
        return;
    only = catalog("4xx-retried", VOLUME_CASES);
    bad = defects_caught(defects, "4xx-retried", only);
    free(only);
    if (bad)
        fail_msg("a broken client failed other cases than those of its "
                 ".fails file (above)");
}

static void
test_each_batch_defect_caught_exactly(void **state)
{
    (void)state;
    if (plain_run_only("the broken batch clients"))
        return;
    if (defects_caught(batch_defects, "batch", "batch.") == -1)
        fail_msg("a broken batch client failed other cases than those of "
                 "its .fails file (above)");
}

/* The case's killed_runs in the report of a one-case run (borrowed). */
static json_t *
killed_runs(json_t *report)
{
    return json_object_get(json_array_get(json_object_get(report, "cases"), 0),
                           "killed_runs");
}

/*
 * A deliver step's kill_when kills the client once the sim journaled what
 * it names: sfdeliver, polling a stalled Bulk job, is killed in its first
 * run and resumes the job from its state directory in the second (the
 * case passes). A client that ends before the point is not killed, and a
 * run that ended by itself is judged as any other.
 */
static void
test_kill_point(void **state)
{
    json_t *report;
    int rc;

    (void)state;
    rc = run(env_or("SFDELIVER", "client/sfdeliver"), "batch",
             "batch.bulk.killed-resumed", &report);
    if (rc != 0)
        fail_msg("sfdeliver: %s",
                 json_string_value(json_object_get(
                     json_array_get(json_object_get(report, "cases"), 0),
                     "reason")));
    assert_int_equal(json_array_size(killed_runs(report)), 1);
    assert_int_equal(json_integer_value(json_array_get(killed_runs(report), 0)),
                     1);
    json_decref(report);
    rc = run("exit 0", "batch", "batch.bulk.killed-resumed", &report);
    assert_int_equal(rc, 1);
    assert_int_equal(json_array_size(killed_runs(report)), 0);
    assert_null(strstr(
        json_string_value(json_object_get(
            json_array_get(json_object_get(report, "cases"), 0), "reason")),
        "exited"));
    json_decref(report);
}

/*
 * A client that fails shows its stderr in the report; --keep leaves one
 * directory per case, named by its id, with the sim's journal, records
 * and org; --repeat counts the runs.
 */
static void
test_keep_stderr_repeat(void **state)
{
    char json[] = "/tmp/sfconform-keep-XXXXXX",
         errf[] = "/tmp/sfconform-err-XXXXXX";
    char dir[1024] = "", line[1200], *cmd, *p;
    const char *const kept[] = {
        "journal.json", "records.json", "org.json", "client-1.err",
        "client-1.out", "buyer-1.json", NULL};
    int fd = mkstemp(json), fe = mkstemp(errf), st;
    json_t *report, *c;
    FILE *fp;

    (void)state;
    assert_true(fd >= 0 && fe >= 0);
    close(fd);
    close(fe);
    cmd = xasprintf("%s --only format.w2l.oid --repeat 2 --keep --client "
                    "'echo warming up >&2; echo boom-on-stderr >&2; exit 3' "
                    "--json %s > /dev/null 2> %s",
                    env_or("SFCONFORM", "conformance/sfconform"), json, errf);
    st = system(cmd);
    free(cmd);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    report = json_load_file(json, 0, NULL);
    unlink(json);
    assert_non_null(report);
    c = json_array_get(json_object_get(report, "cases"), 0);
    assert_non_null(strstr(json_string_value(json_object_get(c, "reason")),
                           "step 1: the client exited 3"));
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(c, "client_stderr"), 0), "tail")),
        "warming up\nboom-on-stderr");
    assert_int_equal(json_integer_value(json_object_get(c, "repeat_runs")), 2);
    assert_int_equal(json_integer_value(json_object_get(c, "repeat_passes")),
                     0);
    json_decref(report);
    fp = fopen(errf, "r");
    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL)
        if ((p = strstr(line, "work files kept in ")) != NULL)
            snprintf(dir, sizeof(dir), "%.*s", (int)strcspn(p + 19, "\n"),
                     p + 19);
    fclose(fp);
    unlink(errf);
    assert_true(dir[0] == '/');
    for (int rep = 1; rep <= 2; rep++)
        for (const char *const *k = kept; *k != NULL; k++) {
            char *path = xasprintf("%s/r%03d/format.w2l.oid/%s", dir, rep, *k);

            if (access(path, R_OK) != 0)
                fail_msg("%s: not kept", path);
            free(path);
        }
    cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

/* Runs cmd (a replay, its output to json) and returns the report. */
static json_t *
replayed(const char *cmd, const char *what)
{
    char json[] = "/tmp/sfconform-replay-XXXXXX";
    char *full;
    int fd = mkstemp(json), st;
    json_t *report;

    assert_true(fd >= 0);
    close(fd);
    full = xasprintf("%s --json %s > /dev/null 2>&1", cmd, json);
    st = system(full);
    free(full);
    report = json_load_file(json, 0, NULL);
    unlink(json);
    assert_non_null(report);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("%s: sfconform exited %d", what, WEXITSTATUS(st));
    return report;
}

/*
 * Each support scenario replays as the ticket told it (the customer's own
 * client fails, by design: sfconform still exits 0), and with --fix (the
 * bundled client, with the scenario's corrected files if it has any) it
 * passes; a fix that did not would make sfconform exit 1.
 */
static void
test_replay_report_then_fix(void **state)
{
    static const char *const scenarios[][2] = {
        {"001-daily-cap", "report.delivered-but-missing"},
        {"002-recaptcha", "report.recaptcha-rejects"},
        {"003-case-type-empty", "report.case-type-empty"},
        {"004-token-after-weekend", "report.failed-after-long-weekend"},
        {"005-duplicate-rule", "report.leads-vanish-one-client"},
        {"006-unseen-resends", "report.more-posts-than-attempts"},
        {"007-metadata-phone-rule", "report.metadata-phone-rule"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        for (int fix = 0; fix < 2; fix++) {
            char *cmd = xasprintf("%s replay %s %s",
                                  env_or("SFCONFORM", "conformance/sfconform"),
                                  scenarios[i][0], fix ? "--fix" : "");
            json_t *report = replayed(cmd, scenarios[i][0]), *c, *again;

            c = json_array_get(json_object_get(report, "cases"), 0);
            assert_string_equal(json_string_value(json_object_get(c, "id")),
                                scenarios[i][1]);
            if (strcmp(json_string_value(json_object_get(c, "verdict")),
                       fix ? "pass" : "fail") != 0)
                fail_msg("%s%s: verdict %s", scenarios[i][0],
                         fix ? " --fix" : "",
                         json_string_value(json_object_get(c, "verdict")));
            /* The rerun command the report gives replays the same. */
            if (i == 0) {
                again = replayed(json_string_value(json_object_get(c, "rerun")),
                                 "rerun");
                assert_string_equal(
                    json_string_value(json_object_get(
                        json_array_get(json_object_get(again, "cases"), 0),
                        "verdict")),
                    fix ? "pass" : "fail");
                json_decref(again);
            }
            json_decref(report);
            free(cmd);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_correct_client, (void *)&correct[0]),
        cmocka_unit_test_prestate(test_correct_client, (void *)&correct[1]),
        cmocka_unit_test_prestate(test_correct_client, (void *)&correct[2]),
        cmocka_unit_test_prestate(test_correct_client, (void *)&correct[3]),
        cmocka_unit_test_prestate(test_correct_client, (void *)&correct[4]),
        cmocka_unit_test_prestate(test_correct_client, (void *)&correct[5]),
        cmocka_unit_test(test_each_defect_caught_exactly),
        cmocka_unit_test(test_each_batch_defect_caught_exactly),
        cmocka_unit_test(test_kill_point),
        cmocka_unit_test(test_keep_stderr_repeat),
        cmocka_unit_test(test_replay_report_then_fix),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
