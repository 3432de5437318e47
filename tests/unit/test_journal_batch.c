/*
 * test_journal_batch.c - entries of the records and subrequests inside a
 * request: written after the request's own entry, each with its parent's
 * seq (batch_seq) and its place (batch_index), nested, their fields kept
 * up to the body limit, nothing written for a batch never committed.
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

#include "journal.h"

struct fixture {
    char path[64];
    struct journal *j;
};

static int
setup(void **state)
{
    static struct fixture f;
    struct sf_err err;
    int fd;

    snprintf(f.path, sizeof(f.path), "/tmp/test_journal_batch.XXXXXX");
    fd = mkstemp(f.path);
    assert_true(fd >= 0);
    close(fd);
    err_clear(&err);
    f.j = journal_new(100, 40, f.path, &err);
    assert_non_null(f.j);
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    journal_free(f->j);
    unlink(f->path);
    return 0;
}

/* Every line of the journal file, parsed (new reference). */
static json_t *
entries(struct fixture *f)
{
    json_t *all = json_array();
    char line[4096];
    FILE *fp;

    fp = fopen(f->path, "r");
    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        json_t *e = json_loads(line, 0, NULL);

        assert_non_null(e);
        json_array_append_new(all, e);
    }
    fclose(fp);
    return all;
}

static json_int_t
num(json_t *e, const char *key)
{
    json_t *v = json_object_get(e, key);

    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static const char *
str(json_t *e, const char *key)
{
    json_t *v = json_object_get(e, key);

    assert_true(json_is_string(v));
    return json_string_value(v);
}

static void
test_records_after_their_request(void **state)
{
    struct fixture *f = *state;
    struct journal_batch b, sub;
    struct journal_entry e;
    const struct journal_field fields[] = {{"LastName", "Lovelace"},
                                           {"Phone", NULL}};
    size_t s0;
    json_t *all, *want;

    journal_batch_init(&b);
    journal_batch_init(&sub);
    memset(&e, 0, sizeof(e));
    e.kind = "record";
    e.method = "POST";
    e.verdict = VERDICT_CREATED;
    e.object = "Lead";
    e.record_id = "00Q000000000001AAA";
    e.fields = fields;
    e.nfields = 2;
    assert_int_equal(journal_batch_add(f->j, &b, JOURNAL_BATCH_TOP, 0, &e), 0);
    e.verdict = VERDICT_REJECTED_VALIDATION;
    e.record_id = NULL;
    e.error_code = "FIELD_CUSTOM_VALIDATION_EXCEPTION";
    e.nfields = 1;
    journal_batch_add(f->j, &b, JOURNAL_BATCH_TOP, 1, &e);

    /* A subrequest with one record of its own, moved under it. */
    memset(&e, 0, sizeof(e));
    e.kind = "record";
    e.verdict = VERDICT_UPDATED;
    journal_batch_add(f->j, &sub, JOURNAL_BATCH_TOP, 0, &e);
    e.kind = "subrequest";
    e.status = 200;
    e.verdict = VERDICT_OK;
    s0 = journal_batch_add(f->j, &b, JOURNAL_BATCH_TOP, 2, &e);
    journal_batch_move(&b, &sub, s0);
    assert_int_equal(sub.n, 0);

    memset(&e, 0, sizeof(e));
    e.method = "POST";
    e.status = 200;
    e.verdict = VERDICT_OK;
    assert_int_equal(journal_add(f->j, &e), 1);
    journal_batch_commit(f->j, &b, 1);
    assert_int_equal(b.n, 0);
    assert_int_equal(journal_last_seq(f->j), 5);

    all = entries(f);
    assert_int_equal(json_array_size(all), 5);
    assert_string_equal(str(json_array_get(all, 0), "kind"), "request");
    assert_null(json_object_get(json_array_get(all, 0), "batch_seq"));
    assert_int_equal(num(json_array_get(all, 1), "seq"), 2);
    assert_int_equal(num(json_array_get(all, 1), "batch_seq"), 1);
    assert_int_equal(num(json_array_get(all, 1), "batch_index"), 0);
    assert_string_equal(str(json_array_get(all, 1), "verdict"), "created");
    assert_string_equal(str(json_array_get(all, 1), "record_id"),
                        "00Q000000000001AAA");
    want = json_pack("{s:s, s:n}", "LastName", "Lovelace", "Phone");
    assert_true(
        json_equal(json_object_get(json_array_get(all, 1), "fields"), want));
    json_decref(want);
    assert_int_equal(num(json_array_get(all, 2), "batch_index"), 1);
    assert_string_equal(str(json_array_get(all, 2), "error_code"),
                        "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    assert_string_equal(str(json_array_get(all, 3), "kind"), "subrequest");
    assert_int_equal(num(json_array_get(all, 3), "batch_seq"), 1);
    assert_int_equal(num(json_array_get(all, 3), "batch_index"), 2);
    assert_string_equal(str(json_array_get(all, 4), "kind"), "record");
    assert_int_equal(num(json_array_get(all, 4), "batch_seq"), 4);
    assert_int_equal(num(json_array_get(all, 4), "batch_index"), 0);
    json_decref(all);
}

static void
test_fields_are_bounded(void **state)
{
    struct fixture *f = *state;
    const struct journal_field fields[] = {
        {"LastName", "Lovelace"}, {"Description", "far too long for forty"}};
    struct journal_batch b;
    struct journal_entry e;
    json_t *all, *r;

    journal_batch_init(&b);
    memset(&e, 0, sizeof(e));
    e.kind = "record";
    e.fields = fields;
    e.nfields = 2;
    journal_batch_add(f->j, &b, JOURNAL_BATCH_TOP, 0, &e);
    memset(&e, 0, sizeof(e));
    journal_batch_commit(f->j, &b, journal_add(f->j, &e));
    all = entries(f);
    r = json_array_get(all, 1);
    assert_int_equal(json_object_size(json_object_get(r, "fields")), 1);
    assert_true(json_is_true(json_object_get(r, "fields_truncated")));
    json_decref(all);
}

static void
test_uncommitted_batch_writes_nothing(void **state)
{
    struct fixture *f = *state;
    struct journal_batch b;
    struct journal_entry e;
    json_t *all;

    journal_batch_init(&b);
    memset(&e, 0, sizeof(e));
    e.kind = "record";
    journal_batch_add(f->j, &b, JOURNAL_BATCH_TOP, 0, &e);
    journal_batch_commit(f->j, &b, 0);
    journal_batch_add(f->j, &b, JOURNAL_BATCH_TOP, 0, &e);
    journal_batch_free(&b);
    all = entries(f);
    assert_int_equal(json_array_size(all), 0);
    assert_int_equal(journal_last_seq(f->j), 0);
    json_decref(all);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_records_after_their_request, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fields_are_bounded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_uncommitted_batch_writes_nothing,
                                        setup, teardown),
    };

    return cmocka_run_group_tests_name("journal_batch", tests, NULL, NULL);
}
