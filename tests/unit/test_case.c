/*
 * test_case.c - loading case directories: every error names its file,
 * line and column; discovery finds nested cases, sorts them and refuses
 * repeated ids; skip markers; the scheduling estimate; profiles of a
 * case and of its expectations; the held-lead feed-back step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "case.h"
#include "xmalloc.h"

/* A valid case.json, to break one piece at a time. */
#define HEAD                                                                   \
    "{\n"                                                                      \
    "  \"id\": \"t.case\",\n"                                                  \
    "  \"title\": \"a title\",\n"                                              \
    "  \"checks\": \"a sentence\",\n"                                          \
    "  \"level\": \"MUST\",\n"
#define STEPS "  \"steps\": [{\"do\": \"deliver\"}],\n"
#define EXPECT "  \"expect\": [{\"check\": \"outcomes_truthful\"}]\n}\n"

static char root[] = "/tmp/test_case-XXXXXX";

static void
put(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *fp;

    mkdir(dir, 0755);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* dir = root/name, holding case.json with text. */
static const char *
case_dir(const char *name, const char *text)
{
    static char dir[512];

    snprintf(dir, sizeof(dir), "%s/%s", root, name);
    put(dir, "case.json", text);
    return dir;
}

/* Loads text as a case; asserts it is refused with a message holding
 * "case.json:LINE:COL: " and what. */
static void
refused(const char *name, const char *text, const char *where, const char *what)
{
    struct sf_err err;

    err_clear(&err);
    assert_null(case_load(case_dir(name, text), &err));
    if (strstr(err.msg, where) == NULL || strstr(err.msg, what) == NULL)
        fail_msg("%s: \"%s\" lacks \"%s\" or \"%s\"", name, err.msg, where,
                 what);
}

static void
test_valid_case(void **state)
{
    struct sf_err err;
    struct conf_case *c;

    (void)state;
    err_clear(&err);
    c = case_load(case_dir("valid", HEAD STEPS EXPECT), &err);
    assert_non_null(c);
    assert_string_equal(c->id, "t.case");
    assert_int_equal(c->level, CASE_MUST);
    assert_string_equal(c->lead_key, "email");
    assert_string_equal(c->source, "seed");
    assert_false(c->clock_running);
    assert_null(c->skip);
    assert_int_equal(json_array_size(c->steps), 1);
    assert_true(case_in_profile(c, PROFILE_RETRIED));
    assert_true(case_in_profile(c, PROFILE_FINAL));
    case_free(c);
}

/* A case may belong to one profile; an expectation may name its own. */
static void
test_profiles(void **state)
{
    struct sf_err err;
    struct conf_case *c;

    (void)state;
    err_clear(&err);
    c = case_load(
        case_dir("one-profile",
                 HEAD "  \"profiles\": [\"4xx-final\"],\n" STEPS
                      "  \"expect\": [{\"check\": \"attempts\", \"count\": 1,"
                      " \"profile\": \"4xx-final\"},\n"
                      "    {\"check\": \"records\", \"count\": 0,"
                      " \"profile\": [\"4xx-retried\", \"4xx-final\"]}]\n}\n"),
        &err);
    assert_non_null(c);
    assert_false(case_in_profile(c, PROFILE_RETRIED));
    assert_true(case_in_profile(c, PROFILE_FINAL));
    assert_false(case_in_profile(c, PROFILE_COUNT));
    case_free(c);
    refused("bad-profile", HEAD "  \"profiles\": [\"lenient\"],\n" STEPS EXPECT,
            "case.json:6:", "unknown profile");
    refused("empty-profiles", HEAD "  \"profiles\": [],\n" STEPS EXPECT,
            "case.json:6:", "a profile name or a non-empty array");
    refused("expect-profile",
            HEAD STEPS "  \"expect\": [\n    {\"check\": \"records\",\n"
                       "     \"profile\": \"4xx-retry\"}\n  ]\n}\n",
            "case.json:9:", "unknown profile");
    assert_int_equal(profile_find("4xx-retried"), PROFILE_DEFAULT);
    assert_int_equal(profile_find("4XX-FINAL"), PROFILE_COUNT);
    assert_string_equal(profile_name(PROFILE_FINAL), "4xx-final");
}

/* "held": true feeds back the held leads, and takes no "leads". */
static void
test_held_step(void **state)
{
    struct sf_err err;
    struct conf_case *c;

    (void)state;
    err_clear(&err);
    c = case_load(case_dir("held", HEAD
                           "  \"steps\": [{\"do\": \"deliver\"},"
                           " {\"do\": \"deliver\", \"held\": true}],\n" EXPECT),
                  &err);
    assert_non_null(c);
    case_free(c);
    refused("held-and-leads",
            HEAD "  \"steps\": [{\"do\": \"deliver\", \"held\": true,"
                 " \"leads\": \"x.ndjson\"}],\n" EXPECT,
            "case.json:6:", "takes no \"leads\"");
    refused("held-false",
            HEAD
            "  \"steps\": [{\"do\": \"deliver\", \"held\": false}],\n" EXPECT,
            "case.json:6:", "\"held\": true");
}

/* "kill_when" is the journal check's filters and a count of at least 1. */
static void
test_kill_when(void **state)
{
    struct sf_err err;
    struct conf_case *c;

    (void)state;
    err_clear(&err);
    c = case_load(case_dir("kill",
                           HEAD "  \"steps\": [{\"do\": \"deliver\","
                                " \"kill_when\": {\"kind\": "
                                "\"record\", \"count\": 4}}],\n" EXPECT),
                  &err);
    assert_non_null(c);
    case_free(c);
    refused("kill-array",
            HEAD
            "  \"steps\": [{\"do\": \"deliver\", \"kill_when\": []}],\n" EXPECT,
            "case.json:6:", "journal filters");
    refused("kill-key",
            HEAD "  \"steps\": [{\"do\": \"deliver\", \"kill_when\":"
                 " {\"status\": 200}}],\n" EXPECT,
            "case.json:6:", "status");
    refused("kill-kind",
            HEAD "  \"steps\": [{\"do\": \"deliver\", \"kill_when\":"
                 " {\"kind\": \"mail\"}}],\n" EXPECT,
            "case.json:6:", "request or record");
    refused("kill-count",
            HEAD "  \"steps\": [{\"do\": \"deliver\", \"kill_when\":"
                 " {\"count\": 0}}],\n" EXPECT,
            "case.json:6:", "at least 1");
    refused("kill-other-step",
            HEAD "  \"steps\": [{\"do\": \"expire_tokens\", \"kill_when\":"
                 " {}}],\n" EXPECT,
            "case.json:6:", "kill_when");
}

static void
test_errors_are_located(void **state)
{
    (void)state;
    refused("syntax", HEAD "  \"steps\": [,\n" EXPECT, "case.json:6:", "");
    refused("unknown-key", HEAD "  \"colour\": 1,\n" STEPS EXPECT,
            "case.json:6:3: ", "colour");
    refused("level",
            "{\n  \"id\": \"t\",\n  \"title\": \"t\",\n"
            "  \"checks\": \"c\",\n  \"level\": \"MAYBE\",\n" STEPS EXPECT,
            "case.json:5:", "level");
    refused("no-steps", HEAD "  \"steps\": [],\n" EXPECT,
            "case.json:", "at least one step");
    refused("bad-do",
            HEAD "  \"steps\": [\n    {\"do\": \"deliver\"},\n"
                 "    {\"do\": \"teleport\"}\n  ],\n" EXPECT,
            "case.json:8:5: steps[1]", "\"do\" must be one of");
    refused("step-key",
            HEAD
            "  \"steps\": [{\"do\": \"advance_clock\", \"secs\": 5}],\n" EXPECT,
            "case.json:6:", "secs");
    refused("unknown-check",
            HEAD STEPS "  \"expect\": [\n    {\"check\": \"vibes\"}\n  ]\n}\n",
            "case.json:8:5: expect[0]", "a NAME from fixtures/README.md");
    refused("check-key",
            HEAD STEPS "  \"expect\": [\n    {\"check\": \"journal\",\n"
                       "     \"verdit\": \"created\"}\n  ]\n}\n",
            "case.json:9:", "verdit");
    refused("missing",
            "{\"id\": \"t\", \"steps\": [{\"do\": \"deliver\"}],"
            " \"expect\": [{\"check\": \"records\"}]}",
            "case.json:1:", "id, title, checks and level are required");
    refused("timeout", HEAD "  \"timeout_ms\": 5,\n" STEPS EXPECT,
            "case.json:6:", "timeout_ms");
}

static void
test_discovery(void **state)
{
    char suite[512], dir[600];
    struct conf_case **list;
    struct sf_err err;
    size_t n;

    (void)state;
    snprintf(suite, sizeof(suite), "%s/suite", root);
    mkdir(suite, 0755);
    snprintf(dir, sizeof(dir), "%s/b", suite);
    mkdir(dir, 0755);
    snprintf(dir, sizeof(dir), "%s/b/002-x", suite);
    put(dir, "case.json",
        "{\"id\": \"b.second\", \"title\": \"t\", \"checks\": \"c\","
        " \"level\": \"SHOULD\", \"steps\": [{\"do\": \"deliver\"},"
        " {\"do\": \"add_fault\", \"fault\": {\"path\": \"/\","
        " \"retry_after\": 2, \"times\": 1}},"
        " {\"do\": \"deliver\", \"leads\": \"more.ndjson\"}],"
        " \"expect\": [{\"check\": \"records\", \"count\": 1}]}");
    put(dir, "leads.ndjson", "{\"id\":\"L-1\"}\n{\"id\":\"L-2\"}\n");
    put(dir, "more.ndjson", "{\"id\":\"L-3\"}\n");
    put(dir, "skip", "waiting for the sim\nsecond line\n");
    snprintf(dir, sizeof(dir), "%s/a-first", suite);
    put(dir, "case.json",
        "{\"id\": \"a.first\", \"title\": \"t\", \"checks\": \"c\","
        " \"level\": \"MUST\", \"steps\": [{\"do\": \"deliver\"}],"
        " \"expect\": [{\"check\": \"records\", \"count\": 1}]}");
    err_clear(&err);
    assert_int_equal(case_discover(suite, &list, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0]->id, "a.first");
    assert_string_equal(list[1]->id, "b.second");
    assert_null(list[0]->skip);
    assert_string_equal(list[1]->skip, "waiting for the sim");
    /* Two client runs (100 each), three leads, a 2 s Retry-After once. */
    assert_int_equal(case_cost_ms(list[1]), 2 * 100 + 3 + 2000);
    case_list_free(list, n);

    /* The same id twice is an error naming both directories. */
    snprintf(dir, sizeof(dir), "%s/c", suite);
    put(dir, "case.json",
        "{\"id\": \"a.first\", \"title\": \"t\", \"checks\": \"c\","
        " \"level\": \"MUST\", \"steps\": [{\"do\": \"deliver\"}],"
        " \"expect\": [{\"check\": \"records\", \"count\": 1}]}");
    err_clear(&err);
    assert_int_equal(case_discover(suite, &list, &n, &err), -1);
    assert_non_null(strstr(err.msg, "both have the id a.first"));
    /* One invalid case stops discovery with its location. */
    snprintf(dir, sizeof(dir), "%s/c", suite);
    put(dir, "case.json", "{\"id\": 5}");
    err_clear(&err);
    assert_int_equal(case_discover(suite, &list, &n, &err), -1);
    assert_non_null(strstr(err.msg, "case.json:1:"));
    err_clear(&err);
    assert_int_equal(case_discover("/nonexistent-suite", &list, &n, &err), -1);
    assert_non_null(strstr(err.msg, "not a directory"));
}

static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(case_level_name(CASE_SHOULD), "SHOULD");
    assert_int_equal(case_step_find("revoke"), STEP_REVOKE);
    assert_int_equal(case_step_find("nope"), STEP_COUNT);
    assert_string_equal(case_step_name(STEP_EXPIRE_TOKENS), "expire_tokens");
    assert_string_equal(case_step_name(STEP_COUNT), "?");
}

static int
setup(void **state)
{
    (void)state;
    return mkdtemp(root) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
    char cmd[600];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_case),
        cmocka_unit_test(test_errors_are_located),
        cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_held_step),
        cmocka_unit_test(test_kill_when),
        cmocka_unit_test(test_names),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, setup, teardown);
}
