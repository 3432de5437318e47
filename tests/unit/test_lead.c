/*
 * test_lead.c - NDJSON and CSV reading, bad lines, field paths.
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

#include "lead.h"
#include "xmalloc.h"

struct bads {
    long lines[16];
    char why[16][256];
    size_t n;
};

static void
on_bad(void *arg, long line, const char *why)
{
    struct bads *b = arg;

    if (b->n < 16) {
        b->lines[b->n] = line;
        snprintf(b->why[b->n], sizeof(b->why[0]), "%s", why);
    }
    b->n++;
}

static void
test_ndjson(void **state)
{
    const char *text =
        "{\"id\":\"a\",\"custom\":{\"case_type\":\"injury\"},\"n\":3}\n"
        "\n"
        "not json\n"
        "[1,2]\n"
        "{\"name\":\"no id\"}\n"
        "{\"id\":7,\"ok\":true}\r\n"
        "{\"id\":\"a\"}\n"
        "{\"id\":\"\"}\n"
        "{\"id\":\"last\"}";
    struct lead_set set;
    struct bads bads = {.n = 0};
    char *s;

    (void)state;
    lead_read_text(&set, text, strlen(text), LEAD_FMT_AUTO, on_bad, &bads);
    assert_int_equal(set.n, 3);
    assert_int_equal(set.bad, 5);
    assert_int_equal(bads.n, 5);
    assert_int_equal(bads.lines[0], 3);
    assert_int_equal(bads.lines[1], 4);
    assert_int_equal(bads.lines[2], 5);
    assert_int_equal(bads.lines[3], 7);
    assert_non_null(strstr(bads.why[3], "first on line 1"));
    assert_int_equal(bads.lines[4], 8);
    assert_string_equal(set.v[0].id, "a");
    assert_string_equal(set.v[1].id, "7");
    assert_int_equal(set.v[1].line, 6);
    assert_string_equal(set.v[2].id, "last");
    s = lead_get_string(&set.v[0], "custom.case_type");
    assert_string_equal(s, "injury");
    free(s);
    s = lead_get_string(&set.v[0], "n");
    assert_string_equal(s, "3");
    free(s);
    s = lead_get_string(&set.v[1], "ok");
    assert_string_equal(s, "true");
    free(s);
    assert_null(lead_get(&set.v[0], "custom.missing"));
    assert_null(lead_get(&set.v[0], "nope.deeper"));
    lead_set_free(&set);
}

static void
test_csv(void **state)
{
    const char *text = "\xef\xbb\xbfid,name,custom.case_type\r\n"
                       "1,\"Smith, \"\"Jo\"\"\",injury\r\n"
                       "2,\"multi\nline\",\r\n"
                       "3,too,many,cells\n"
                       "\n"
                       "4,\"open quote,x\n";
    struct lead_set set;
    struct bads bads = {.n = 0};
    char *s;

    (void)state;
    lead_read_text(&set, text, strlen(text), LEAD_FMT_CSV, on_bad, &bads);
    assert_int_equal(set.n, 2);
    assert_string_equal(set.v[0].id, "1");
    s = lead_get_string(&set.v[0], "name");
    assert_string_equal(s, "Smith, \"Jo\"");
    free(s);
    s = lead_get_string(&set.v[0], "custom.case_type");
    assert_string_equal(s, "injury");
    free(s);
    s = lead_get_string(&set.v[1], "name");
    assert_string_equal(s, "multi\nline");
    free(s);
    /* An empty cell is an absent value. */
    assert_null(lead_get(&set.v[1], "custom.case_type"));
    assert_int_equal(set.v[1].line, 3);
    assert_int_equal(bads.n, 2);
    assert_int_equal(bads.lines[0], 5);
    assert_int_equal(bads.lines[1], 7);
    assert_non_null(strstr(bads.why[1], "unterminated"));
    lead_set_free(&set);
}

static void
test_csv_missing_id(void **state)
{
    const char *text = "name,email\nx,y@z\n";
    struct lead_set set;

    (void)state;
    lead_read_text(&set, text, strlen(text), LEAD_FMT_AUTO, NULL, NULL);
    assert_int_equal(set.n, 0);
    assert_int_equal(set.bad, 1);
    lead_set_free(&set);
}

/* Bytes that are not UTF-8 are named as such, with where they are (the
 * row is skipped; the others are read). */
static void
test_csv_bad_utf8(void **state)
{
    const char *text = "id,name\n"
                       "1,Jos\xe9\n"
                       "2,ok\n"
                       "3,\"two\nlin\xff\"\n"
                       "4,nul\0x\n"
                       "5,fine\n";
    struct lead_set set;
    struct bads bads = {.n = 0};

    (void)state;
    lead_read_text(&set, text, 48, LEAD_FMT_CSV, on_bad, &bads);
    assert_int_equal(set.n, 2);
    assert_string_equal(set.v[0].id, "2");
    assert_string_equal(set.v[1].id, "5");
    assert_int_equal(bads.n, 3);
    assert_int_equal(bads.lines[0], 2);
    assert_string_equal(bads.why[0], "column 6: not valid UTF-8 (byte 0xE9); "
                                     "the file must be UTF-8");
    /* Inside a quoted cell, on the record's second line. */
    assert_int_equal(bads.lines[1], 5);
    assert_non_null(strstr(bads.why[1], "column 4: not valid UTF-8 (byte "
                                        "0xFF)"));
    assert_int_equal(bads.lines[2], 6);
    assert_string_equal(bads.why[2], "column 6: a NUL byte");
    lead_set_free(&set);
}

/* A stray quote skips its own line only, whether it never closes or
 * closes lines later before stray text: every later line is a lead or
 * has its own message. */
static void
test_csv_stray_quote(void **state)
{
    const char *text = "id,name\n"
                       "1,\"open\n"
                       "2,Bob\n"
                       "3,\"x\"y,extra\n"
                       "4,\"Ann\"\n"
                       "5,\"never\n"
                       "6,Cy\n";
    struct lead_set set;
    struct bads bads = {.n = 0};

    (void)state;
    lead_read_text(&set, text, strlen(text), LEAD_FMT_CSV, on_bad, &bads);
    assert_int_equal(set.n, 3);
    assert_string_equal(set.v[0].id, "2");
    assert_int_equal(set.v[0].line, 3);
    assert_string_equal(set.v[1].id, "4");
    assert_string_equal(set.v[2].id, "6");
    assert_int_equal(set.v[2].line, 7);
    assert_int_equal(bads.n, 3);
    /* The quote on line 2 closes on line 4, before stray text. */
    assert_int_equal(bads.lines[0], 2);
    assert_string_equal(bads.why[0], "text after a closing quote: line "
                                     "skipped, reading goes on with the next "
                                     "line");
    assert_int_equal(bads.lines[1], 4);
    assert_string_equal(bads.why[1], "text after a closing quote");
    assert_int_equal(bads.lines[2], 6);
    assert_string_equal(bads.why[2], "unterminated quote (the cell opened at "
                                     "column 3 never closes): line skipped, "
                                     "reading goes on with the next line");
    lead_set_free(&set);
}

/* A bad header row is said to be the header's fault, once, and every row
 * after it says it was not read for that. */
static void
test_csv_bad_header(void **state)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"id,\"name\n1,x\n", "header row: unterminated quote"},
        {"id,name,name\n1,x\n",
         "header row: column 3 repeats \"name\" (column 2)"},
        {"\xef\xbb\xbfid,n\xffme\n1,x\n", "header row: column 5: not valid "
                                          "UTF-8 (byte 0xFF)"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct lead_set set;
        struct bads bads = {.n = 0};

        lead_read_text(&set, cases[i].text, strlen(cases[i].text), LEAD_FMT_CSV,
                       on_bad, &bads);
        assert_int_equal(set.n, 0);
        assert_int_equal(bads.n, 2);
        assert_int_equal(bads.lines[0], 1);
        if (strstr(bads.why[0], cases[i].why) == NULL)
            fail_msg("case %zu: got \"%s\"", i, bads.why[0]);
        assert_int_equal(bads.lines[1], 2);
        assert_string_equal(bads.why[1], "no usable header row (line 1 is "
                                         "bad)");
        lead_set_free(&set);
    }
}

/* LF, CR LF and bare CR (old Mac) all end a CSV line, and line numbers
 * count each; a CR inside quotes stays in the cell. */
static void
test_csv_line_ends(void **state)
{
    const char *text = "id,note\rL-1,a\r\nL-2\nL-3,\"x\ry\"\rL-4,\"b\"\r";
    struct lead_set set;
    struct bads bads = {.n = 0};
    char *s;

    (void)state;
    lead_read_text(&set, text, strlen(text), LEAD_FMT_CSV, on_bad, &bads);
    assert_int_equal(set.n, 3);
    assert_int_equal(bads.n, 1);
    assert_int_equal(bads.lines[0], 3);
    assert_string_equal(set.v[0].id, "L-1");
    s = lead_get_string(&set.v[0], "note");
    assert_string_equal(s, "a");
    free(s);
    assert_int_equal(set.v[1].line, 4);
    s = lead_get_string(&set.v[1], "note");
    assert_string_equal(s, "x\ry");
    free(s);
    assert_int_equal(set.v[2].line, 6);
    lead_set_free(&set);
}

/* A byte-order mark is skipped in NDJSON as in CSV, and the first
 * character after it decides the format when the name does not. */
static void
test_bom_and_content_detection(void **state)
{
    const char *bom = "\xef\xbb\xbf{\"id\":\"a\"}\n{\"id\":\"b\"}\n";
    const char *array = "[1]\n{\"id\":\"b\"}\n";
    struct lead_set set;
    struct bads bads = {.n = 0};

    (void)state;
    lead_read_text(&set, bom, strlen(bom), LEAD_FMT_AUTO, on_bad, &bads);
    assert_int_equal(set.n, 2);
    assert_int_equal(bads.n, 0);
    lead_set_free(&set);
    lead_read_text(&set, bom, strlen(bom), LEAD_FMT_NDJSON, on_bad, &bads);
    assert_int_equal(set.n, 2);
    assert_int_equal(bads.n, 0);
    lead_set_free(&set);
    lead_read_text(&set, array, strlen(array), LEAD_FMT_AUTO, on_bad, &bads);
    assert_int_equal(set.n, 1);
    assert_int_equal(bads.n, 1);
    assert_int_equal(bads.lines[0], 1);
    assert_string_equal(bads.why[0], "not a JSON object");
    lead_set_free(&set);
}

/* Reads path as sfdeliver does (the format from the name, else from the
 * first character) into set. */
static int
read_file(struct lead_set *set, const char *path, struct sf_err *err)
{
    enum lead_format fmt = LEAD_FMT_AUTO;
    struct buf text;

    if (lead_load(&text, path, &fmt, err) == -1)
        return -1;
    lead_read_text(set, text.data != NULL ? text.data : "", text.len, fmt, NULL,
                   NULL);
    buf_free(&text);
    return 0;
}

static void
test_files(void **state)
{
    struct lead_set set;
    struct sf_err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(read_file(&set, "fixtures/leads/sample.csv", &err), 0);
    assert_int_equal(set.n, 2);
    assert_int_equal(set.bad, 0);
    lead_set_free(&set);
    assert_int_equal(read_file(&set, "fixtures/leads/sample.ndjson", &err), 0);
    assert_int_equal(set.n, 3);
    lead_set_free(&set);
    assert_int_equal(read_file(&set, "/nonexistent/x", &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent/x"));
}

/* The name settles the format before the content: a .jsonl file whose
 * first line is no object is still NDJSON, and its good lead is read. A
 * directory is a read error naming the path, not an empty file. */
static void
test_files_format_and_errors(void **state)
{
    char dir[] = "/tmp/test_lead.XXXXXX", path[64];
    struct lead_set set;
    struct sf_err err;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/leads.JSONL", dir);
    assert_non_null(fp = fopen(path, "w"));
    fputs("\"not an object\"\n{\"id\":\"L-2\"}\n", fp);
    fclose(fp);
    err_clear(&err);
    assert_int_equal(read_file(&set, path, &err), 0);
    assert_int_equal(set.n, 1);
    assert_int_equal(set.bad, 1);
    assert_string_equal(set.v[0].id, "L-2");
    lead_set_free(&set);
    assert_int_equal(read_file(&set, dir, &err), -1);
    assert_non_null(strstr(err.msg, dir));
    assert_non_null(strstr(err.msg, "Is a directory"));
    unlink(path);
    rmdir(dir);
}

/* Thousands of ids (the table of seen ids grows several times), repeats
 * found however far back, an integer id and its string the same id, ids
 * that differ in one byte or are prefixes of others kept apart. */
static void
test_many_ids(void **state)
{
    struct lead_set set;
    struct bads bads = {.n = 0};
    struct buf text;

    (void)state;
    buf_init(&text, 1 << 24);
    for (int i = 0; i < 5000; i++)
        buf_printf(&text, "{\"id\":\"id-%d\"}\n", i);
    buf_puts(&text, "{\"id\":\"id-0\"}\n"      /* line 5001: repeats 1 */
                    "{\"id\":\"id-4999\"}\n"   /* 5002: repeats 5000 */
                    "{\"id\":\"id-49999\"}\n"  /* new */
                    "{\"id\":\"id-\"}\n"       /* new */
                    "{\"id\":42}\n"            /* new */
                    "{\"id\":\"42\"}\n"        /* 5006: repeats 5005 */
                    "{\"id\":\"id-2500\"}\n"); /* 5007: repeats 2501 */
    lead_read_text(&set, text.data, text.len, LEAD_FMT_NDJSON, on_bad, &bads);
    assert_int_equal(set.n, 5003);
    assert_int_equal(bads.n, 4);
    assert_int_equal(bads.lines[0], 5001);
    assert_string_equal(bads.why[0], "repeated id \"id-0\" (first on line 1)");
    assert_int_equal(bads.lines[1], 5002);
    assert_non_null(strstr(bads.why[1], "(first on line 5000)"));
    assert_int_equal(bads.lines[2], 5006);
    assert_string_equal(bads.why[2], "repeated id \"42\" (first on line 5005)");
    assert_int_equal(bads.lines[3], 5007);
    assert_non_null(strstr(bads.why[3], "(first on line 2501)"));
    lead_set_free(&set);
    buf_free(&text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_ids),
        cmocka_unit_test(test_ndjson),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_missing_id),
        cmocka_unit_test(test_csv_bad_utf8),
        cmocka_unit_test(test_csv_stray_quote),
        cmocka_unit_test(test_csv_bad_header),
        cmocka_unit_test(test_csv_line_ends),
        cmocka_unit_test(test_bom_and_content_detection),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_files_format_and_errors),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
