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

#include "buf.h"
#include "dlog.h"
#include "utf8.h"
#include "xmalloc.h"

/* The text of e's line in a log of its own (caller frees). */
static char *
alone(const struct dlog_entry *e)
{
    char path[] = "/tmp/test-dlog-XXXXXX";
    char line[4096];
    int fd = mkstemp(path);
    struct dlog d;
    struct sf_err err;
    FILE *fp;

    assert_true(fd != -1);
    close(fd);
    err_clear(&err);
    assert_int_equal(dlog_open(&d, path, &err), 0);
    dlog_write(&d, e);
    dlog_close(&d);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    unlink(path);
    return xstrdup(line);
}

/* Writes e to a fresh log and reads the one line back (new reference). */
static json_t *
roundtrip(const struct dlog_entry *e)
{
    char *text = alone(e);
    json_t *line = json_loads(text, 0, NULL);

    free(text);
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

/* Lines in a row that share some members and not others (a batch's leads,
 * then a new status, error, header, URL): each is the line it would be
 * alone in its log. */
static void
test_members_in_a_row(void **state)
{
    struct dlog_entry base = {.lead_id = "L",
                              .method = "POST",
                              .url = "http://x/a",
                              .status = 200,
                              .verdict = "done",
                              .reason = "ok",
                              .content_type = "application/json",
                              .limit_info = "api-usage=1/100",
                              .body = "{}",
                              .body_len = 2,
                              .batch = "b1",
                              .index = 0,
                              .retry_in_ms = -1};
    struct dlog_entry e[12];
    const size_t n = sizeof(e) / sizeof(e[0]);
    char path[] = "/tmp/test-dlog-XXXXXX";
    char line[4096], *want;
    int fd = mkstemp(path);
    struct dlog d;
    struct sf_err err;
    FILE *fp;
    size_t i;

    (void)state;
    for (i = 0; i < n; i++) {
        e[i] = base;
        e[i].index = (int)i;
    }
    e[2].limit_info = "api-usage=2/100";
    e[3].limit_info = "api-usage=2/100";
    e[4].status = 400;
    e[4].verdict = "rejected";
    e[4].reason = "validation";
    e[5].error = "Connection refused";
    e[5].curl_code = 7;
    e[6].curl_code = 7;
    e[7].retry_after = "2";
    e[8].url = "http://x/b?q=secret";
    e[9].url = "http://x/b";
    e[10].method = "PATCH";
    e[11].content_type = NULL;
    assert_true(fd != -1);
    close(fd);
    err_clear(&err);
    assert_int_equal(dlog_open(&d, path, &err), 0);
    for (i = 0; i < n; i++)
        dlog_write(&d, &e[i]);
    dlog_close(&d);
    fp = fopen(path, "r");
    assert_non_null(fp);
    for (i = 0; i < n; i++) {
        assert_non_null(fgets(line, sizeof(line), fp));
        want = alone(&e[i]);
        assert_string_equal(line, want);
        free(want);
    }
    assert_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    unlink(path);
}

/* The escaping a line's strings get, as written out here: '"', '\\',
 * \n \r \t by name, other control bytes as \u00xx in lower case, DEL and
 * UTF-8 sequences as they are, any other byte as \ufffd. */
static void
ref_str(struct buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k;

    buf_putc(out, '"');
    for (size_t i = 0; i < n; i += k) {
        k = 1;
        if (p[i] >= 0x80) {
            if ((k = utf8_seq(p + i, n - i)) > 0)
                buf_append(out, p + i, k);
            else {
                buf_puts(out, "\\ufffd");
                k = 1;
            }
        } else if (p[i] == '"' || p[i] == '\\')
            buf_printf(out, "\\%c", p[i]);
        else if (p[i] == '\n')
            buf_puts(out, "\\n");
        else if (p[i] == '\r')
            buf_puts(out, "\\r");
        else if (p[i] == '\t')
            buf_puts(out, "\\t");
        else if (p[i] < 0x20)
            buf_printf(out, "\\u%04x", p[i]);
        else
            buf_putc(out, (char)p[i]);
    }
    buf_putc(out, '"');
}

/* Every byte value, in the body and in the other strings, byte for byte
 * as the reference escapes them; a string longer than one staged chunk. */
static void
test_bytes(void **state)
{
    char path[] = "/tmp/test-dlog-XXXXXX";
    char body[256], id[700], got[8192];
    struct dlog_entry e = {.time_ms = 1798761600000LL,
                           .method = "POST",
                           .url = "http://h/x",
                           .status = 200,
                           .verdict = "done",
                           .reason = "ok",
                           .retry_in_ms = -1,
                           .index = -1};
    int fd = mkstemp(path);
    struct dlog d;
    struct sf_err err;
    struct buf want;
    size_t n;
    FILE *f;

    (void)state;
    for (int i = 0; i < 255; i++)
        body[i] = (char)(i + 1);
    body[255] = '\0';
    for (size_t i = 0; i < sizeof(id) - 1; i++)
        id[i] = "a\"\xc3\xa9\x01\\\xff/"[i % 8];
    id[sizeof(id) - 1] = '\0';
    e.lead_id = id;
    e.error = body + 0x7e; /* DEL and the bytes past it */
    e.body = body;
    e.body_len = 255;
    assert_true(fd != -1);
    close(fd);
    err_clear(&err);
    assert_int_equal(dlog_open(&d, path, &err), 0);
    dlog_write(&d, &e);
    dlog_close(&d);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(got, 1, sizeof(got) - 1, f);
    got[n] = '\0';
    fclose(f);
    unlink(path);
    buf_init(&want, sizeof(got));
    buf_puts(&want, "{\"time\":\"2027-01-01T00:00:00.000Z\",\"lead_id\":");
    ref_str(&want, id, strlen(id));
    buf_puts(&want, ",\"attempt\":0,\"method\":\"POST\",\"url\":\"http://h/x\","
                    "\"status\":200,\"curl_code\":0,\"error\":");
    ref_str(&want, e.error, strlen(e.error));
    buf_puts(&want, ",\"verdict\":\"done\",\"reason\":\"ok\",\"headers\":{},"
                    "\"body\":");
    ref_str(&want, body, 255);
    buf_puts(&want, "}\n");
    assert_string_equal(got, want.data);
    buf_free(&want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_excerpt),
        cmocka_unit_test(test_bodies_in_a_row),
        cmocka_unit_test(test_members_in_a_row),
        cmocka_unit_test(test_bytes),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
