/*
 * test_bulkmap.c - the Bulk upload CSV and the result files read back by
 * external id (client/bulkmap.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bulkmap.h"
#include "xmalloc.h"

struct seen {
    char text[1024];
    int rows;
};

static void
on_row(void *arg, const char *key, const char *sf_id, const char *sf_error)
{
    struct seen *s = arg;
    size_t n = strlen(s->text);

    snprintf(s->text + n, sizeof(s->text) - n, "%s|%s|%s;", key,
             sf_id != NULL ? sf_id : "-", sf_error != NULL ? sf_error : "-");
    s->rows++;
}

/* The upload: key first, then fields as first named; every value quoted,
 * quotes doubled, a missing value empty. */
static void
test_csv(void **state)
{
    json_t *recs[2];
    size_t len;
    char *csv;

    (void)state;
    recs[0] =
        json_loads("{\"LastName\":\"A \\\"q\\\", x\",\"k__c\":\"1\"}", 0, NULL);
    recs[1] = json_loads("{\"k__c\":\"2\",\"Email\":\"b@x\"}", 0, NULL);
    csv = bulkmap_csv(recs, 2, "k__c", &len);
    assert_string_equal(csv, "\"k__c\",\"LastName\",\"Email\"\n"
                             "\"1\",\"A \"\"q\"\", x\",\"\"\n"
                             "\"2\",\"\",\"b@x\"\n");
    assert_int_equal(len, strlen(csv));
    free(csv);
    json_decref(recs[0]);
    json_decref(recs[1]);
}

/* successfulResults/, failedResults/ and unprocessedrecords/ as the sim
 * writes them: the key column found by name, whatever its place and case;
 * sf__Id and sf__Error where present. */
static void
test_result_files(void **state)
{
    const char *ok = "\"sf__Id\",\"sf__Created\",\"LastName\",\"K__C\"\n"
                     "\"00Q1\",\"true\",\"A\",\"1\"\n"
                     "\"00Q2\",\"false\",\"B, jr\",\"2\"\n";
    const char *failed =
        "\"sf__Id\",\"sf__Error\",\"k__c\",\"LastName\"\n"
        "\"\",\"FIELD_CUSTOM_VALIDATION_EXCEPTION:bad:Phone --\",\"3\",\"C\"\n";
    const char *unproc = "k__c,LastName\r\n4,D\r\n";
    struct seen s = {{0}, 0};
    struct sf_err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(bulkmap_rows(ok, strlen(ok), "k__c", on_row, &s, &err), 2);
    assert_int_equal(
        bulkmap_rows(failed, strlen(failed), "k__c", on_row, &s, &err), 1);
    assert_int_equal(
        bulkmap_rows(unproc, strlen(unproc), "k__c", on_row, &s, &err), 1);
    assert_int_equal(bulkmap_rows("", 0, "k__c", on_row, &s, &err), 0);
    assert_string_equal(
        s.text, "1|00Q1|-;2|00Q2|-;"
                "3||FIELD_CUSTOM_VALIDATION_EXCEPTION:bad:Phone --;4|-|-;");
    assert_false(err.set);
}

/* A file without the key column, or with a row that does not parse, is
 * an error: its leads are not judged from it. */
static void
test_bad_files(void **state)
{
    const char *nokey = "\"sf__Id\",\"LastName\"\n\"00Q1\",\"A\"\n";
    const char *torn = "\"k__c\"\n\"1\"\n\"2\n";
    struct seen s = {{0}, 0};
    struct sf_err err;

    (void)state;
    err_clear(&err);
    assert_int_equal(
        bulkmap_rows(nokey, strlen(nokey), "k__c", on_row, &s, &err), -1);
    assert_non_null(strstr(err.msg, "no column"));
    err_clear(&err);
    assert_int_equal(bulkmap_rows(torn, strlen(torn), "k__c", on_row, &s, &err),
                     -1);
    assert_int_equal(s.rows, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_result_files),
        cmocka_unit_test(test_bad_files),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
