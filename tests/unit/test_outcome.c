/*
 * test_outcome.c - outcome lines: members given as a struct outcome_detail
 * give the same text as an object holding them, and text that is not UTF-8
 * still makes a JSON line.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
        outcome_write(&o, "L1", "delivery_failed", 4, NULL,
                      json_pack("{s:i, s:s, s:s, s:s}", "status", 400, "reason",
                                full.reason, "error", full.error, "retry_at",
                                full.retry_at)),
        0);
    assert_int_equal(outcome_write(&o, "L2", "delivered", 1, NULL,
                                   json_pack("{s:i}", "status", 200)),
                     0);
    assert_int_equal(outcome_write(&o, "L3", "held", 0, NULL, NULL), 0);
    assert_int_equal(outcome_close(&o), 0);

    assert_int_equal(outcome_open(&o, b, &err), 0);
    assert_int_equal(outcome_write(&o, "L1", "delivery_failed", 4, &full, NULL),
                     0);
    assert_int_equal(outcome_write(&o, "L2", "delivered", 1, &some, NULL), 0);
    assert_int_equal(outcome_write(&o, "L3", "held", 0, &none, NULL), 0);
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
    assert_int_equal(outcome_write(&o, "L1", "delivery_failed", 4, &d, NULL),
                     0);
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detail_matches_object),
        cmocka_unit_test(test_detail_mends_bad_utf8),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
