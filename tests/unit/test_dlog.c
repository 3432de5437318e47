/*
 * test_dlog.c - delivery log lines: valid JSON whatever the server sent,
 * no query string, the excerpt cut on a character boundary.
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

#include "dlog.h"
#include "xmalloc.h"

/* Writes e to a fresh log and reads the one line back (new reference). */
static json_t *
roundtrip(const struct dlog_entry *e)
{
    char path[] = "/tmp/test-dlog-XXXXXX";
    int fd = mkstemp(path);
    struct dlog d;
    struct sf_err err;
    json_t *line;

    assert_true(fd != -1);
    close(fd);
    err_clear(&err);
    assert_int_equal(dlog_open(&d, path, &err), 0);
    dlog_write(&d, e);
    dlog_close(&d);
    line = json_load_file(path, 0, NULL);
    unlink(path);
    assert_non_null(line);
    return line;
}

static void
test_line(void **state)
{
    const char body[] = "ok \xc3\xa9 bad \xff \xe2\x82 end";
    struct dlog_entry e = {
        .time_ms = 1798761600000LL,
        .lead_id = "L-\"1\"",
        .attempt = 2,
        .method = "POST",
        .url = "http://h/x?token=secret",
        .status = 503,
        .verdict = "retry",
        .reason = "http_5xx",
        .retry_after = "2",
        .body = body,
        .body_len = sizeof(body) - 1,
        .retry_in_ms = 2000,
    };
    json_t *l = roundtrip(&e);

    (void)state;
    assert_string_equal(json_string_value(json_object_get(l, "lead_id")),
                        "L-\"1\"");
    assert_string_equal(json_string_value(json_object_get(l, "url")),
                        "http://h/x");
    assert_string_equal(json_string_value(json_object_get(l, "body")),
                        "ok \xc3\xa9 bad \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd"
                        " end");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(l, "headers"), "retry-after")),
                        "2");
    assert_null(json_object_get(l, "error"));
    assert_int_equal(json_integer_value(json_object_get(l, "retry_in_ms")),
                     2000);
    assert_string_equal(json_string_value(json_object_get(l, "time")),
                        "2027-01-01T00:00:00.000Z");
    json_decref(l);
}

/* A long body is cut to the excerpt size, never inside a character. */
static void
test_excerpt(void **state)
{
    char body[DLOG_BODY_EXCERPT + 8];
    struct dlog_entry e = {
        .lead_id = "L",
        .method = "POST",
        .url = "http://h/",
        .body = body,
        .retry_in_ms = -1,
    };
    json_t *l;
    const char *got;

    (void)state;
    memset(body, 'a', sizeof(body));
    /* a two-byte é straddling the cut */
    body[DLOG_BODY_EXCERPT - 1] = '\xc3';
    body[DLOG_BODY_EXCERPT] = '\xa9';
    e.body_len = sizeof(body);
    l = roundtrip(&e);
    got = json_string_value(json_object_get(l, "body"));
    assert_non_null(got);
    assert_int_equal(strlen(got), DLOG_BODY_EXCERPT - 1);
    assert_null(json_object_get(l, "retry_in_ms"));
    json_decref(l);
}

/* Bodies in a row (the same page twice, then others, then an empty one):
 * each line carries its own, whatever the one before was. */
static void
test_bodies_in_a_row(void **state)
{
    static const char *const bodies[] = {
        "<html>\"a\"</html>\n", "<html>\"a\"</html>\n",
        "{\"id\":\"1\"}",       "",
        "<html>\"a\"</html>\n", ""};
    const size_t n = sizeof(bodies) / sizeof(bodies[0]);
    char path[] = "/tmp/test-dlog-XXXXXX";
    char line[1024];
    int fd = mkstemp(path);
    struct dlog d;
    struct sf_err err;
    FILE *fp;
    size_t i;

    (void)state;
    assert_true(fd != -1);
    close(fd);
    err_clear(&err);
    assert_int_equal(dlog_open(&d, path, &err), 0);
    for (i = 0; i < n; i++) {
        struct dlog_entry e = {.lead_id = "L",
                               .method = "POST",
                               .url = "http://x/",
                               .status = 200,
                               .verdict = "done",
                               .reason = "ok",
                               .body = bodies[i],
                               .body_len = strlen(bodies[i]),
                               .retry_in_ms = -1};

        dlog_write(&d, &e);
    }
    dlog_close(&d);
    fp = fopen(path, "r");
    assert_non_null(fp);
    for (i = 0; i < n; i++) {
        json_t *l;

        assert_non_null(fgets(line, sizeof(line), fp));
        l = json_loads(line, 0, NULL);
        assert_non_null(l);
        assert_string_equal(json_string_value(json_object_get(l, "body")),
                            bodies[i]);
        json_decref(l);
    }
    fclose(fp);
    unlink(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_excerpt),
        cmocka_unit_test(test_bodies_in_a_row),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
