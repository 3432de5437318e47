/*
 * test_reference.c - Composite references: paths into an answer, the
 * replacement of "@{ref.path}" in strings and JSON, what is left alone,
 * and the error naming the reference that reaches no value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "reference.h"

/* Earlier answers by referenceId: "acct" created, "q" a query, "coll" a
 * Collections answer; "failed" is known but failed (NULL). */
struct answers {
    json_t *acct, *q, *coll;
};

static json_t *
lookup(void *arg, const char *id)
{
    struct answers *a = arg;

    if (strcmp(id, "acct") == 0)
        return a->acct;
    if (strcmp(id, "q") == 0)
        return a->q;
    if (strcmp(id, "coll") == 0)
        return a->coll;
    return NULL;
}

static int
setup(void **state)
{
    static struct answers a;

    a.acct =
        json_loads("{\"id\":\"001A\",\"success\":true,\"errors\":[]}", 0, NULL);
    a.q = json_loads("{\"totalSize\":2,\"done\":true,\"records\":[{\"Id\":"
                     "\"00QX\",\"Name\":\"Ada\",\"Score\":12,\"Hot\":true},"
                     "{\"Id\":\"00QY\",\"Amount\":1.5}]}",
                     0, NULL);
    a.coll = json_loads("[{\"id\":\"003A\",\"success\":true},{\"id\":\"003B\","
                        "\"success\":true}]",
                        0, NULL);
    *state = &a;
    return 0;
}

static int
teardown(void **state)
{
    struct answers *a = *state;

    json_decref(a->acct);
    json_decref(a->q);
    json_decref(a->coll);
    return 0;
}

static void
expect_expanded(struct answers *a, const char *in, const char *want)
{
    struct reference_error err;
    char *out = reference_expand(in, lookup, a, &err);

    if (out == NULL)
        fail_msg("%s: no value for %s in %s", in, err.ref, err.id);
    assert_string_equal(out, want);
    free(out);
}

static void
expect_error(struct answers *a, const char *in, const char *ref, const char *id)
{
    struct reference_error err;
    char *out = reference_expand(in, lookup, a, &err);

    if (out != NULL)
        fail_msg("%s: expanded to %s", in, out);
    assert_string_equal(err.ref, ref);
    assert_string_equal(err.id, id);
}

static void
test_ids(void **state)
{
    (void)state;
    assert_true(reference_id_valid("refAccount"));
    assert_true(reference_id_valid("1st_ref"));
    assert_false(reference_id_valid("_ref"));
    assert_false(reference_id_valid(""));
    assert_false(reference_id_valid("ref-1"));
    assert_false(reference_id_valid("ref.1"));
}

static void
test_paths(void **state)
{
    struct answers *a = *state;

    assert_ptr_equal(reference_path(a->acct, ""), a->acct);
    assert_string_equal(json_string_value(reference_path(a->acct, ".id")),
                        "001A");
    assert_string_equal(json_string_value(reference_path(a->acct, ".ID")),
                        "001A");
    assert_string_equal(
        json_string_value(reference_path(a->q, ".records[1].Id")), "00QY");
    assert_string_equal(json_string_value(reference_path(a->coll, "[0].id")),
                        "003A");
    assert_null(reference_path(a->q, ".records[2].Id"));
    assert_null(reference_path(a->q, ".records.Id"));
    assert_null(reference_path(a->q, ".records[x]"));
    assert_null(reference_path(a->q, ".records[0"));
    assert_null(reference_path(a->q, "records"));
    assert_null(reference_path(a->q, "..records"));
    assert_null(reference_path(a->coll, ".id"));
}

static void
test_expand(void **state)
{
    struct answers *a = *state;

    expect_expanded(a, "@{acct.id}", "001A");
    expect_expanded(a, "/services/data/v62.0/sobjects/Account/@{acct.id}",
                    "/services/data/v62.0/sobjects/Account/001A");
    expect_expanded(a,
                    "@{q.records[0].Name} (@{q.records[0].Score}, "
                    "@{q.records[0].Hot}, @{q.records[1].Amount})",
                    "Ada (12, true, 1.5)");
    expect_expanded(a, "@{coll[1].id}", "003B");
    expect_expanded(a, "no reference", "no reference");
    /* Not references: no closing brace, nothing inside, a bad first
     * character, an e-mail-looking text. */
    expect_expanded(a, "@{acct.id", "@{acct.id");
    expect_expanded(a, "@{}", "@{}");
    expect_expanded(a, "@{ acct.id}", "@{ acct.id}");
    expect_expanded(a, "a@b.c {x}", "a@b.c {x}");
    expect_expanded(a, "", "");
}

static void
test_errors(void **state)
{
    struct answers *a = *state;

    expect_error(a, "x @{failed.id} y", "failed.id", "failed");
    expect_error(a, "@{unknown.id}", "unknown.id", "unknown");
    expect_error(a, "@{acct.Name}", "acct.Name", "acct");
    expect_error(a, "@{acct.errors}", "acct.errors", "acct"); /* an array */
    expect_error(a, "@{q.records}", "q.records", "q");
    expect_error(a, "@{acct.id} @{coll[5].id}", "coll[5].id", "coll");
}

/* Many references expanding past the bound: refused, with no id. */
static void
test_expansion_is_bounded(void **state)
{
    struct answers *a = *state;
    size_t n = REFERENCE_TEXT_MAX / 4 + 1, i;
    char *in = malloc(n * 11 + 1), *out;
    struct reference_error err;

    assert_non_null(in);
    for (i = 0; i < n; i++)
        memcpy(in + i * 11, "@{acct.id} ", 11);
    in[n * 11] = '\0';
    out = reference_expand(in, lookup, a, &err);
    assert_null(out);
    assert_string_equal(err.id, "");
    in[11 * 1000] = '\0'; /* 1,000 of them fit */
    out = reference_expand(in, lookup, a, &err);
    assert_non_null(out);
    assert_int_equal(strlen(out), 1000 * 5);
    free(out);
    free(in);
}

static void
test_expand_json(void **state)
{
    struct answers *a = *state;
    struct reference_error err;
    json_t *in = json_loads("{\"LastName\":\"@{q.records[0].Name}\","
                            "\"AccountId\":\"@{acct.id}\",\"n\":3,"
                            "\"list\":[\"@{coll[0].id}\",null,true],"
                            "\"@{acct.id}\":\"keys stay\"}",
                            0, NULL);
    json_t *want = json_loads("{\"LastName\":\"Ada\",\"AccountId\":\"001A\","
                              "\"n\":3,\"list\":[\"003A\",null,true],"
                              "\"@{acct.id}\":\"keys stay\"}",
                              0, NULL);
    json_t *out = reference_expand_json(in, lookup, a, &err), *bad;

    assert_non_null(out);
    assert_true(json_equal(out, want));
    json_decref(out);
    bad = json_pack("{s:[s]}", "list", "@{nope.id}");
    assert_null(reference_expand_json(bad, lookup, a, &err));
    assert_string_equal(err.ref, "nope.id");
    json_decref(bad);
    json_decref(in);
    json_decref(want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expansion_is_bounded, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}
