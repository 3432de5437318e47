/*
 * test_outcome.c - outcome lines: members given as a struct outcome_detail
 * give the same text as an object holding them, and text that is not UTF-8
 * still makes a JSON line. The file never keeps a torn line: a crash's torn
 * tail is cut at the next open, and a write that fails (a full disk, a file
 * size limit) is cut back to the last whole line, after which the file is
 * broken and keeps the lines of leads that were sent aside.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "outcome.h"
#include "xmalloc.h"

/* The whole file at path (caller frees). */
static char *
slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    char *text = xcalloc(1, 65536);

    assert_non_null(fp);
    assert_true(fread(text, 1, 65535, fp) > 0);
    fclose(fp);
    return text;
}

static char *
temp_path(void)
{
    char *path = xstrdup("/tmp/test_outcome_XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd != -1);
    close(fd);
    unlink(path);
    return path;
}

static void
test_detail_matches_object(void **state)
{
    char *a = temp_path(), *b = temp_path(), *ta, *tb;
    struct outcome_file o;
    struct sf_err err;
    struct outcome_detail full = {
        .status = 400,
        .reason = "rejected",
        .error = "HTTP 400 \"quoted\"\n\ttab \x01 caf\xc3\xa9",
        .retry_at = "2026-11-27T00:00:00.000Z",
    };
    struct outcome_detail some = {.status = 200};
    struct outcome_detail none = {0};

    (void)state;
    err_clear(&err);
    assert_int_equal(outcome_open(&o, a, &err), 0);
    assert_int_equal(
        outcome_write(&o, "L1", OUTCOME_DELIVERY_FAILED, 4, NULL,
                      json_pack("{s:i, s:s, s:s, s:s}", "status", 400, "reason",
                                full.reason, "error", full.error, "retry_at",
                                full.retry_at)),
        0);
    assert_int_equal(outcome_write(&o, "L2", OUTCOME_DELIVERED, 1, NULL,
                                   json_pack("{s:i}", "status", 200)),
                     0);
    assert_int_equal(outcome_write(&o, "L3", OUTCOME_HELD, 0, NULL, NULL), 0);
    assert_int_equal(outcome_close(&o), 0);

    assert_int_equal(outcome_open(&o, b, &err), 0);
    assert_int_equal(
        outcome_write(&o, "L1", OUTCOME_DELIVERY_FAILED, 4, &full, NULL), 0);
    assert_int_equal(outcome_write(&o, "L2", OUTCOME_DELIVERED, 1, &some, NULL),
                     0);
    assert_int_equal(outcome_write(&o, "L3", OUTCOME_HELD, 0, &none, NULL), 0);
    assert_int_equal(outcome_close(&o), 0);

    ta = slurp(a);
    tb = slurp(b);
    assert_string_equal(ta, tb);
    unlink(a);
    unlink(b);
    free(ta);
    free(tb);
    free(a);
    free(b);
}

/* Each line's head is json_dumps()'s text of {"lead_id", "outcome",
 * "attempts"}, whatever the id holds. */
static void
test_head_as_jansson_writes_it(void **state)
{
    char longid[256];
    const char *ids[] = {"L1",     "q\"uote",  "back\\slash", "caf\xc3\xa9",
                         "tab\tx", "a/b~\x7f", longid};
    const size_t n = sizeof(ids) / sizeof(ids[0]);
    char *path = temp_path(), *text, *want, *p;
    struct outcome_file o;
    struct sf_err err;
    size_t i;

    (void)state;
    memset(longid, 'x', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = '\0';
    err_clear(&err);
    assert_int_equal(outcome_open(&o, path, &err), 0);
    for (i = 0; i < n; i++)
        assert_int_equal(outcome_write(&o, ids[i], (enum outcome)(i % 6),
                                       (int)i, NULL, NULL),
                         0);
    assert_int_equal(outcome_close(&o), 0);
    text = slurp(path);
    p = text;
    for (i = 0; i < n; i++) {
        json_t *line =
            json_pack("{s:s, s:s, s:i}", "lead_id", ids[i], "outcome",
                      outcome_name((enum outcome)(i % 6)), "attempts", (int)i);

        want = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
        assert_non_null(want);
        assert_memory_equal(p, want, strlen(want));
        p += strlen(want);
        assert_int_equal(*p++, '\n');
        free(want);
        json_decref(line);
    }
    assert_int_equal(*p, '\0');
    free(text);
    unlink(path);
    free(path);
}

/* An error text with bytes that are not UTF-8 (as a server may send) is
 * kept, mended, and the line stays JSON. */
static void
test_detail_mends_bad_utf8(void **state)
{
    char *path = temp_path(), *text;
    struct outcome_file o;
    struct sf_err err;
    struct outcome_detail d = {.status = 500, .error = "bad \xff\xc3 end"};
    json_t *line;

    (void)state;
    err_clear(&err);
    assert_int_equal(outcome_open(&o, path, &err), 0);
    assert_int_equal(
        outcome_write(&o, "L1", OUTCOME_DELIVERY_FAILED, 4, &d, NULL), 0);
    assert_int_equal(outcome_close(&o), 0);
    text = slurp(path);
    line = json_loads(text, 0, NULL);
    assert_non_null(line);
    assert_string_equal(json_string_value(json_object_get(line, "error")),
                        "bad \xef\xbf\xbd\xef\xbf\xbd end");
    json_decref(line);
    unlink(path);
    free(text);
    free(path);
}

/* Every line of path parses as a JSON object; how many there are. */
static size_t
whole_lines(const char *path)
{
    char *text = slurp(path), *p = text, *nl;
    size_t n = 0;

    while ((nl = strchr(p, '\n')) != NULL) {
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, NULL);

        assert_true(json_is_object(o));
        json_decref(o);
        n++;
        p = nl + 1;
    }
    assert_string_equal(p, ""); /* nothing after the last newline */
    free(text);
    return n;
}

static void
test_torn_and_resume(void **state)
{
    char *path = temp_path();
    struct outcome_file o;
    struct sf_err err;
    json_t *done;
    int fd = open(path, O_WRONLY | O_CREAT, 0600);

    (void)state;
    assert_true(fd != -1);
    /* A run killed mid-line left a torn tail. */
    assert_int_equal(write(fd,
                           "{\"lead_id\":\"a\",\"outcome\":\"delivered\","
                           "\"attempts\":1}\n{\"lead_id\":\"b\",\"out",
                           67),
                     67);
    close(fd);
    err_clear(&err);
    assert_int_equal(outcome_open(&o, path, &err), 0);
    assert_int_equal(outcome_write(&o, "c", OUTCOME_HELD, 0, NULL,
                                   json_pack("{s:s}", "reason", "budget")),
                     0);
    assert_int_equal(
        outcome_write(&o, "d", OUTCOME_DELIVERY_FAILED, 4, NULL, NULL), 0);
    assert_int_equal(outcome_close(&o), 0);
    outcome_free(&o);
    /* The torn line is gone, not left between whole ones. */
    assert_int_equal(whole_lines(path), 3);
    done = outcome_load_final(path, &err);
    assert_non_null(done);
    /* a and d are settled; b was torn; c is held and may go again. */
    assert_int_equal(json_object_size(done), 2);
    assert_string_equal(json_string_value(json_object_get(done, "a")),
                        "delivered");
    assert_non_null(json_object_get(done, "d"));
    json_decref(done);
    unlink(path);
    done = outcome_load_final(path, &err);
    assert_int_equal(json_object_size(done), 0);
    json_decref(done);
    free(path);
}

/* A whole last line that only lacks its newline is kept. */
static void
test_whole_tail_kept(void **state)
{
    char *path = temp_path();
    struct outcome_file o;
    struct sf_err err;
    int fd = open(path, O_WRONLY | O_CREAT, 0600);

    (void)state;
    assert_true(fd != -1);
    assert_int_equal(write(fd, "{\"lead_id\":\"a\"}", 15), 15);
    close(fd);
    err_clear(&err);
    assert_int_equal(outcome_open(&o, path, &err), 0);
    assert_int_equal(outcome_write(&o, "b", OUTCOME_HELD, 0, NULL, NULL), 0);
    assert_int_equal(outcome_close(&o), 0);
    outcome_free(&o);
    assert_int_equal(whole_lines(path), 2);
    unlink(path);
    free(path);
}

/* A full disk: the first failed write breaks the file; lines are kept
 * aside for the leads that were sent, counted for all. */
static void
test_full_disk(void **state)
{
    struct outcome_file o;
    struct sf_err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(outcome_open(&o, "/dev/full", &err), 0);
    assert_int_equal(outcome_write(&o, "a", OUTCOME_DELIVERED, 1, NULL, NULL),
                     0);
    assert_int_equal(outcome_write(&o, "b", OUTCOME_HELD, 0, NULL, NULL), 0);
    assert_int_equal(outcome_tick(&o, 0), -1);
    assert_true(o.broken);
    assert_string_equal(o.error, "No space left on device");
    /* Nothing more is tried, and each line is accounted for. */
    assert_int_equal(
        outcome_write(&o, "c", OUTCOME_DELIVERY_FAILED, 2, NULL, NULL), -1);
    assert_int_equal(outcome_write(&o, "d", OUTCOME_DUPLICATE, 0, NULL, NULL),
                     -1);
    assert_int_equal(outcome_tick(&o, 0), -1);
    assert_int_equal(outcome_close(&o), -1);
    assert_int_equal(o.unwritten, 4);
    assert_int_equal(o.unwritten_sent, 2);
    assert_string_equal(o.lost.data,
                        "{\"lead_id\":\"a\",\"outcome\":\"delivered\","
                        "\"attempts\":1}\n"
                        "{\"lead_id\":\"c\",\"outcome\":\"delivery_failed\","
                        "\"attempts\":2}\n");
    outcome_free(&o);
}

/*
 * A file size limit hit in the middle of a write (RLIMIT_FSIZE, in a
 * child): the part written is cut back, so the file ends with its last
 * whole line and the next run appends after it.
 */
static void
test_limit_cuts_back(void **state)
{
    char *path = temp_path();
    int status;
    pid_t pid;

    (void)state;
    pid = fork();
    assert_true(pid != -1);
    if (pid == 0) {
        struct rlimit rl = {100, 100};
        struct outcome_file o;
        struct sf_err err;

        signal(SIGXFSZ, SIG_IGN);
        err_clear(&err);
        if (setrlimit(RLIMIT_FSIZE, &rl) == -1 ||
            outcome_open(&o, path, &err) == -1)
            _exit(2);
        /* 51 bytes, then 102: the limit falls inside the second write. */
        outcome_write(&o, "a", OUTCOME_DELIVERED, 1, NULL, NULL);
        if (outcome_tick(&o, 0) == -1)
            _exit(3);
        outcome_write(&o, "b", OUTCOME_DELIVERED, 1, NULL, NULL);
        outcome_write(&o, "c", OUTCOME_DELIVERED, 1, NULL, NULL);
        if (outcome_tick(&o, 0) != -1 || !o.broken)
            _exit(4);
        outcome_close(&o);
        _exit(o.unwritten_sent == 2 ? 0 : 5);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(whole_lines(path), 1);
    unlink(path);
    free(path);
}

/* The contract's six outcomes, in the summary's order, named and parsed
 * from one list. */
static void
test_names_and_parse(void **state)
{
    static const char *const want[] = {"delivered",  "delivery_failed",
                                       "rejected",   "duplicate",
                                       "suppressed", "held"};
    enum outcome o;

    (void)state;
    assert_int_equal(OUTCOME_COUNT, 6);
    for (int i = 0; i < OUTCOME_COUNT; i++) {
        assert_string_equal(outcome_name((enum outcome)i), want[i]);
        assert_int_equal(outcome_parse(want[i], &o), 0);
        assert_int_equal(o, i);
    }
    assert_int_equal(OUTCOME_HELD, 5);
    assert_int_equal(outcome_parse("sent", &o), -1);
    assert_int_equal(outcome_parse("Delivered", &o), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detail_matches_object),
        cmocka_unit_test(test_head_as_jansson_writes_it),
        cmocka_unit_test(test_detail_mends_bad_utf8),
        cmocka_unit_test(test_torn_and_resume),
        cmocka_unit_test(test_whole_tail_kept),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_limit_cuts_back),
        cmocka_unit_test(test_names_and_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
