/*
 * test_bulkcsv.c - the Bulk API's CSV dialect: delimiters, quoting,
 * doubled quotes, line endings (and the other one flagged), blank lines,
 * the byte order mark, every record error with the next record intact,
 * the caps on values, records and value counts, and the writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bulkcsv.h"
#include "xmalloc.h"

/* Every record of text as "a|b|c" lines (values unescaped, '|' between)
 * plus "!err" for a record error, into out. */
static void
dump(const char *text, struct bulkcsv_dialect d, char *out, size_t n,
     int *mismatch)
{
    struct bulkcsv_reader r;
    struct bulkcsv_record rec;
    struct buf scratch;
    size_t used = 0, i, len;
    const char *v;

    buf_init(&scratch, 1 << 20);
    out[0] = '\0';
    bulkcsv_reader_init(&r, text, strlen(text),
                        bulkcsv_skip_bom(text, strlen(text)), d);
    while (bulkcsv_next(&r, &rec)) {
        for (i = 0; i < rec.nfields; i++) {
            v = bulkcsv_value(text, &rec.fields[i], &scratch, &len);
            used += (size_t)snprintf(out + used, n - used, "%s%.*s",
                                     i ? "|" : "", (int)len, v);
        }
        if (rec.err != BULKCSV_ERR_NONE)
            used += (size_t)snprintf(out + used, n - used, "!%d", rec.err);
        used += (size_t)snprintf(out + used, n - used, "\n");
    }
    *mismatch = r.ending_mismatch;
    bulkcsv_reader_free(&r);
    buf_free(&scratch);
}

static const struct bulkcsv_dialect comma_lf = {',', 0};
static const struct bulkcsv_dialect comma_crlf = {',', 1};

static void
expect(const char *text, struct bulkcsv_dialect d, const char *want,
       int want_mismatch)
{
    char out[4096];
    int mismatch;

    dump(text, d, out, sizeof(out), &mismatch);
    assert_string_equal(out, want);
    assert_int_equal(mismatch, want_mismatch);
}

static void
test_plain_and_quoted(void **state)
{
    (void)state;
    expect("a,b,c\n1,2,3\n", comma_lf, "a|b|c\n1|2|3\n", 0);
    expect("\"x, y\",\"he said \"\"hi\"\"\",\"\"\n", comma_lf,
           "x, y|he said \"hi\"|\n", 0);
    /* A quoted value may hold line endings of either kind. */
    expect("\"two\nlines\",\"and\r\nthis\"\nnext,row\n", comma_lf,
           "two\nlines|and\r\nthis\nnext|row\n", 0);
    /* Values are not trimmed. */
    expect("John, Smith\n", comma_lf, "John| Smith\n", 0);
}

static void
test_empty_values_and_end_of_buffer(void **state)
{
    (void)state;
    expect("a,,c\n,,\n", comma_lf, "a||c\n||\n", 0);
    expect("a,b", comma_lf, "a|b\n", 0);   /* no final line ending */
    expect("a,b,", comma_lf, "a|b|\n", 0); /* a last empty value */
    expect("", comma_lf, "", 0);
}

static void
test_blank_lines_and_bom_skipped(void **state)
{
    (void)state;
    expect("\n\na\n\n\nb\n\n", comma_lf, "a\nb\n", 0);
    expect("\xEF\xBB\xBF"
           "Name\nx\n",
           comma_lf, "Name\nx\n", 0);
}

static void
test_every_delimiter(void **state)
{
    static const char *const names[] = {"BACKQUOTE", "CARET",     "COMMA",
                                        "PIPE",      "SEMICOLON", "TAB"};
    static const char delims[] = {'`', '^', ',', '|', ';', '\t'};
    struct bulkcsv_dialect d = {0, 0};
    char text[64], want[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(delims); i++) {
        assert_int_equal(bulkcsv_delim_parse(names[i], &d.delim), 0);
        assert_int_equal(d.delim, delims[i]);
        assert_string_equal(bulkcsv_delim_name(delims[i]), names[i]);
        snprintf(text, sizeof(text), "a%cb:c%c\"d%ce\"\n", delims[i], delims[i],
                 delims[i]);
        snprintf(want, sizeof(want), "a|b:c|d%ce\n", delims[i]);
        expect(text, d, want, 0);
    }
    assert_int_equal(bulkcsv_delim_parse("comma", &d.delim), -1);
    assert_int_equal(bulkcsv_delim_parse("COLON", &d.delim), -1);
    assert_null(bulkcsv_delim_name(':'));
}

static void
test_line_endings(void **state)
{
    (void)state;
    expect("a,b\r\n1,2\r\n", comma_crlf, "a|b\n1|2\n", 0);
    /* The other ending splits the same way but is flagged. */
    expect("a,b\r\n1,2\r\n", comma_lf, "a|b\n1|2\n", 1);
    expect("a,b\n1,2\n", comma_crlf, "a|b\n1|2\n", 1);
    expect("a,b\r\n1,2\n", comma_crlf, "a|b\n1|2\n", 1);
    /* A lone CR is data in both. */
    expect("a\rb,c\n", comma_lf, "a\rb|c\n", 0);
}

static void
test_record_errors_keep_the_next_record(void **state)
{
    char want[64];

    (void)state;
    snprintf(want, sizeof(want), "a|x\"y!%d\nnext|ok\n", BULKCSV_ERR_QUOTE);
    expect("a,x\"y\nnext,ok\n", comma_lf, want, 0);
    /* A space after a closing quote, before an opening one. */
    snprintf(want, sizeof(want), "John| \"Smith\"!%d\nn|o\n",
             BULKCSV_ERR_QUOTE);
    expect("\"John\", \"Smith\"\nn,o\n", comma_lf, want, 0);
    snprintf(want, sizeof(want), "a\" |b!%d\nn|o\n", BULKCSV_ERR_QUOTE);
    expect("\"a\" ,b\nn,o\n", comma_lf, want, 0);
    snprintf(want, sizeof(want), "a|never closed\n!%d\n",
             BULKCSV_ERR_UNTERMINATED);
    expect("a,\"never closed\n", comma_lf, want, 0);
}

static void
test_caps(void **state)
{
    struct bulkcsv_reader r;
    struct bulkcsv_record rec;
    size_t n = BULKCSV_MAX_RECORD + 100, i;
    char *text = xmalloc(n + 1);

    (void)state;
    /* One value past 32,000 characters, then a good record. */
    memset(text, 'x', BULKCSV_MAX_FIELD + 1);
    memcpy(text + BULKCSV_MAX_FIELD + 1, "\nok\n", 5);
    bulkcsv_reader_init(&r, text, strlen(text), 0, comma_lf);
    assert_int_equal(bulkcsv_next(&r, &rec), 1);
    assert_int_equal(rec.err, BULKCSV_ERR_FIELD_TOO_LONG);
    assert_int_equal(bulkcsv_next(&r, &rec), 1);
    assert_int_equal(rec.err, BULKCSV_ERR_NONE);
    bulkcsv_reader_free(&r);
    /* Exactly 32,000 is fine, quoted or not. */
    text[0] = '"';
    memset(text + 1, 'x', BULKCSV_MAX_FIELD);
    memcpy(text + 1 + BULKCSV_MAX_FIELD, "\"\n", 3);
    bulkcsv_reader_init(&r, text, strlen(text), 0, comma_lf);
    assert_int_equal(bulkcsv_next(&r, &rec), 1);
    assert_int_equal(rec.err, BULKCSV_ERR_NONE);
    bulkcsv_reader_free(&r);
    /* More than 5,000 values: only 5,000 kept. */
    for (i = 0; i < 5001; i++)
        text[2 * i] = 'v', text[2 * i + 1] = ',';
    text[2 * 5001 - 1] = '\n';
    text[2 * 5001] = '\0';
    bulkcsv_reader_init(&r, text, strlen(text), 0, comma_lf);
    assert_int_equal(bulkcsv_next(&r, &rec), 1);
    assert_int_equal(rec.err, BULKCSV_ERR_TOO_MANY_FIELDS);
    assert_int_equal(rec.nfields, BULKCSV_MAX_FIELDS);
    assert_int_equal(bulkcsv_next(&r, &rec), 0);
    bulkcsv_reader_free(&r);
    /* A record over 400,000 characters made of short values. */
    for (i = 0; i < n; i++)
        text[i] = i % 100 == 99 ? ',' : 'y';
    text[n] = '\0';
    bulkcsv_reader_init(&r, text, n, 0, comma_lf);
    assert_int_equal(bulkcsv_next(&r, &rec), 1);
    assert_int_equal(rec.err, BULKCSV_ERR_RECORD_TOO_LONG);
    bulkcsv_reader_free(&r);
    free(text);
}

static void
test_seek_rereads(void **state)
{
    const char *text = "h\nfirst\nsecond\n";
    struct bulkcsv_reader r;
    struct bulkcsv_record rec;
    size_t second;

    (void)state;
    bulkcsv_reader_init(&r, text, strlen(text), 0, comma_lf);
    bulkcsv_next(&r, &rec);
    bulkcsv_next(&r, &rec);
    bulkcsv_next(&r, &rec);
    second = rec.start;
    assert_int_equal(bulkcsv_next(&r, &rec), 0);
    bulkcsv_seek(&r, second);
    assert_int_equal(bulkcsv_next(&r, &rec), 1);
    assert_int_equal(rec.end - rec.start, 6);
    bulkcsv_reader_free(&r);
}

static void
test_writer(void **state)
{
    struct buf out;

    (void)state;
    buf_init(&out, 1024);
    bulkcsv_put_quoted(&out, "plain", 5);
    bulkcsv_put_quoted(&out, "", 0);
    bulkcsv_put_quoted(&out, "a \"b\" \"", 7);
    bulkcsv_put_eol(&out, comma_crlf);
    bulkcsv_put_eol(&out, comma_lf);
    assert_string_equal(out.data, "\"plain\"\"\"\"a \"\"b\"\" \"\"\"\r\n\n");
    buf_free(&out);
    assert_string_equal(bulkcsv_error_str(BULKCSV_ERR_UNTERMINATED),
                        "a quoted value is not closed");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_empty_values_and_end_of_buffer),
        cmocka_unit_test(test_blank_lines_and_bom_skipped),
        cmocka_unit_test(test_every_delimiter),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_record_errors_keep_the_next_record),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_seek_rereads),
        cmocka_unit_test(test_writer),
    };

    return cmocka_run_group_tests_name("unit_bulkcsv", tests, NULL, NULL);
}
