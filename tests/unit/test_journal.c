/*
 * test_journal.c - the journal's ring read a piece at a time while it
 * changes, and its file: mode 0600, every line whole the moment it is
 * added.
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

#include "journal.h"
#include "xmalloc.h"

static void
add(struct journal *j, int n)
{
    struct journal_entry e;
    int i;

    memset(&e, 0, sizeof(e));
    e.method = "POST";
    e.path = "/x";
    e.body = "a=1";
    e.body_len = 3;
    for (i = 0; i < n; i++)
        journal_add(j, &e);
}

/* The seq numbers of a streamed array, "1,2,3" (static). */
static const char *
seqs(const char *text)
{
    static char out[256];
    json_t *arr = json_loads(text, 0, NULL), *e;
    size_t i, len = 0;

    assert_non_null(arr);
    out[0] = '\0';
    json_array_foreach(arr, i, e) {
        len += (size_t)snprintf(
            out + len, sizeof(out) - len, "%s%lld", i ? "," : "",
            (long long)json_integer_value(json_object_get(e, "seq")));
    }
    json_decref(arr);
    return out;
}

/* One entry per piece (max 1), with changes between pieces. */
static void
test_stream_while_changing(void **state)
{
    struct journal *j = journal_new(4, 64, NULL, NULL);
    struct journal_cursor c;
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    add(j, 3);
    journal_cursor_init(j, &c, 0, UINT64_MAX);
    assert_int_equal(journal_stream(j, &c, &b, 1), 1);
    add(j, 3); /* 1 and 2 are pushed out; 4..6 came after the start */
    while (journal_stream(j, &c, &b, 1))
        ;
    buf_putc(&b, '\0');
    assert_string_equal(seqs(b.data), "1,3");
    /* since and limit */
    buf_reset(&b);
    journal_cursor_init(j, &c, 4, 1);
    while (journal_stream(j, &c, &b, 1))
        ;
    buf_putc(&b, '\0');
    assert_string_equal(seqs(b.data), "5");
    /* A clear ends a stream; a since past the end gives [] */
    buf_reset(&b);
    journal_cursor_init(j, &c, 0, UINT64_MAX);
    assert_int_equal(journal_stream(j, &c, &b, 1), 1);
    journal_clear(j);
    while (journal_stream(j, &c, &b, 1))
        ;
    buf_putc(&b, '\0');
    assert_string_equal(seqs(b.data), "3");
    buf_reset(&b);
    journal_cursor_init(j, &c, UINT64_MAX, UINT64_MAX);
    assert_int_equal(journal_stream(j, &c, &b, 1), 0);
    buf_putc(&b, '\0');
    assert_string_equal(b.data, "[]");
    buf_free(&b);
    journal_free(j);
}

/* Every byte of a string as jansson's compact dump writes it, and bytes
 * that are not UTF-8 as U+FFFD: an entry reads back to the same text. */
static void
test_entries_are_jansson_text(void **state)
{
    struct journal *j = journal_new(8, 4096, NULL, NULL);
    struct journal_entry e;
    struct journal_view v;
    char raw[64], *again;
    json_t *parsed;
    int i;

    (void)state;
    for (i = 0; i < 40; i++)
        raw[i] = (char)(i + 1); /* every control character, then text */
    memcpy(raw + 40, "\"\\/\x7f\xff\xc3\xa9\xe2\x82", 10);
    memset(&e, 0, sizeof(e));
    e.method = "POST";
    e.path = "/p\xfe";
    e.detail = raw;
    e.info_json = "{\"r\":0.10000000000000001,\"s\":\"\\b\"}";
    e.body = raw;
    e.body_len = 50;
    journal_add(j, &e);
    assert_int_equal(journal_view(j, 1, &v), 0);
    parsed = json_loadb(v.json, v.len, JSON_ALLOW_NUL, NULL);
    assert_non_null(parsed);
    again = json_dumps(parsed, JSON_COMPACT);
    assert_string_equal(again, v.json);
    assert_string_equal(json_string_value(json_object_get(parsed, "path")),
                        "/p\xef\xbf\xbd");
    assert_string_equal(v.path, "/p\xef\xbf\xbd");
    assert_string_equal(v.method, "POST");
    free(again);
    json_decref(parsed);
    journal_free(j);
}

static int
only_even(const struct journal *j, const struct journal_view *v, void *arg)
{
    (void)j;
    (void)arg;
    return v->seq % 2 == 0;
}

static void
test_newest_first_and_filter(void **state)
{
    struct journal *j = journal_new(4, 64, NULL, NULL);
    struct journal_cursor c;
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    add(j, 6); /* 3..6 kept */
    journal_cursor_init(j, &c, 0, UINT64_MAX);
    journal_cursor_newest_first(&c);
    while (journal_stream(j, &c, &b, 1))
        ;
    buf_putc(&b, '\0');
    assert_string_equal(seqs(b.data), "6,5,4,3");
    buf_reset(&b);
    journal_cursor_init(j, &c, 3, 2);
    journal_cursor_newest_first(&c);
    journal_cursor_filter(&c, only_even, NULL);
    assert_int_equal(journal_stream(j, &c, &b, 1), 1);
    add(j, 2); /* 3..4 pushed out: the walk ends there */
    while (journal_stream(j, &c, &b, 1))
        ;
    buf_putc(&b, '\0');
    assert_string_equal(seqs(b.data), "6");
    buf_free(&b);
    journal_free(j);
}

static void
test_restore(void **state)
{
    struct journal *j = journal_new(4, 64, NULL, NULL);
    struct journal *staged = journal_new(4, 64, NULL, NULL);
    struct journal_view v;
    const char *e7 = "{\"seq\":7,\"kind\":\"request\",\"method\":\"GET\","
                     "\"path\":\"/a\",\"status\":404,\"verdict\":\"error\","
                     "\"body\":\"email=ada%40x.test\"}";
    const char *e8 = "{\"seq\":8,\"kind\":\"event\",\"ref_seq\":7,"
                     "\"verdict\":\"created_from_queue\"}";

    (void)state;
    add(j, 2);
    assert_int_equal(journal_restore(staged, 7, e7, strlen(e7)), 0);
    assert_int_equal(journal_restore(staged, 9, e8, strlen(e8)), -1);
    assert_int_equal(journal_restore(staged, 8, e8, strlen(e8)), 0);
    assert_int_equal(journal_set_next_seq(staged, 8), -1);
    assert_int_equal(journal_set_next_seq(staged, 9), 0);
    journal_take(j, staged);
    assert_int_equal(journal_first_seq(j), 7);
    assert_int_equal(journal_last_seq(j), 8);
    assert_int_equal(journal_view(j, 7, &v), 0);
    assert_int_equal(v.status, 404);
    assert_int_equal(v.verdict, VERDICT_ERROR);
    assert_string_equal(v.path, "/a");
    assert_int_equal(journal_view(j, 8, &v), 0);
    assert_true(v.event);
    assert_int_equal(v.ref_seq, 7);
    /* The event carries its request's lead values. */
    assert_int_equal(v.lead_bits & journal_lead_bits("ADA@x.test", 10),
                     journal_lead_bits("ada@x.test", 10));
    add(j, 1);
    assert_int_equal(journal_last_seq(j), 9);
    journal_free(staged);
    journal_free(j);
}

static void
test_file_mode_and_whole_lines(void **state)
{
    char dir[] = "/tmp/sfsim-journal-XXXXXX", path[256], line[4096];
    struct journal *j;
    struct stat st;
    FILE *fp;
    int n = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/j.ndjson", dir);
    j = journal_new(4, 64, path, NULL);
    assert_non_null(j);
    add(j, 3);
    /* Read while the journal is open: nothing waits in a buffer. */
    fp = fopen(path, "r");
    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        json_t *e;

        assert_int_equal(line[strlen(line) - 1], '\n');
        e = json_loads(line, 0, NULL);
        assert_non_null(e);
        json_decref(e);
        n++;
    }
    fclose(fp);
    assert_int_equal(n, 3);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    journal_free(j);
    unlink(path);
    rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_while_changing),
        cmocka_unit_test(test_file_mode_and_whole_lines),
        cmocka_unit_test(test_entries_are_jansson_text),
        cmocka_unit_test(test_newest_first_and_filter),
        cmocka_unit_test(test_restore),
    };

    xjson_init();
    return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
