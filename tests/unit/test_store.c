/*
 * test_store.c - records, the ID index and equality indexes kept up to
 * date through updates and deletes, and savepoints that undo them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"

struct fixture {
    struct store *s;
    int lead;
    uint32_t email, phone, last;
};

static int
setup(void **state)
{
    static struct fixture f;

    f.s = store_new("5j", 1000);
    f.lead = store_object_add(f.s, "Lead", "00Q");
    f.email = store_intern(f.s, "Email");
    f.phone = store_intern(f.s, "Phone");
    f.last = store_intern(f.s, "LastName");
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    store_free(f->s);
    return 0;
}

static struct record *
add(struct fixture *f, const char *email, const char *phone)
{
    struct fieldvals fv = {0};
    struct record *r;

    fieldvals_set(&fv, f->email, email, strlen(email));
    fieldvals_set(&fv, f->phone, phone, strlen(phone));
    fieldvals_set(&fv, f->last, "Doe", 3);
    r = store_insert(f->s, f->lead, &fv, 42);
    fieldvals_free(&fv);
    return r;
}

/* A set started in room keeps its values, in order, past the room's end
 * (moved to the heap) and through replacements; freeing leaves room. */
static void
test_fieldvals_in_room(void **state)
{
    static const char *const vals[] = {"a", "bb", "ccc", "dddd", "eeeee"};
    struct fieldval room[2];
    struct fieldvals fv;
    size_t i;

    (void)state;
    fieldvals_init_room(&fv, room, 2);
    for (i = 0; i < 5; i++) {
        fieldvals_set(&fv, (uint32_t)(10 + i), vals[i], i + 1);
        if (i == 1)
            assert_ptr_equal(fv.v, room);
    }
    assert_true(fv.v != room);
    fieldvals_set(&fv, 11, NULL, 0);
    assert_int_equal(fv.n, 5);
    for (i = 0; i < 5; i++) {
        assert_int_equal(fv.v[i].field, 10 + i);
        assert_ptr_equal(fv.v[i].value, i == 1 ? NULL : vals[i]);
        assert_ptr_equal(fieldvals_get(&fv, (uint32_t)(10 + i)), &fv.v[i]);
    }
    fieldvals_free(&fv);
    assert_null(fv.v);
    assert_int_equal(fv.n, 0);
    /* Within the room: nothing to free. */
    fieldvals_init_room(&fv, room, 2);
    fieldvals_set(&fv, 7, "x", 1);
    assert_ptr_equal(fieldvals_get(&fv, 7)->value, "x");
    fieldvals_free(&fv);
}

/* Fields 64 apart share a bit of what the set has seen: each is still
 * found, replaced and told apart, also after the set is emptied by n = 0
 * (as a reused set is) and filled again. */
static void
test_fieldvals_seen_fields(void **state)
{
    static const uint32_t fields[] = {3, 67, 131, 4, 195};
    struct fieldvals fv = {0};
    size_t i, round;

    (void)state;
    for (round = 0; round < 2; round++) {
        assert_null(fieldvals_get(&fv, 3));
        for (i = 0; i < 4; i++)
            fieldvals_set(&fv, fields[i], "v", i + 1);
        assert_null(fieldvals_get(&fv, 195)); /* its bit set, it absent */
        assert_null(fieldvals_get(&fv, 5));
        fieldvals_set(&fv, 131, "w", 9);
        fieldvals_set(&fv, 195, "z", 7);
        assert_int_equal(fv.n, 5);
        for (i = 0; i < 5; i++) {
            const struct fieldval *v = fieldvals_get(&fv, fields[i]);

            assert_non_null(v);
            assert_int_equal(v->field, fields[i]);
            assert_int_equal(v->len, i == 2 ? 9 : i == 4 ? 7 : i + 1);
        }
        fv.n = 0;
    }
    fieldvals_free(&fv);
}

static void
test_insert_and_get_by_id(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, "a@x.test", "555");
    size_t len;

    assert_non_null(r);
    assert_memory_equal(r->id, "00Q5j0", 6);
    assert_ptr_equal(store_get(f->s, r->id), r);
    assert_string_equal(record_value(r, f->email, &len), "a@x.test");
    assert_int_equal(len, 8);
    assert_int_equal(r->created_ms, 42);
    assert_int_equal(store_count(f->s, f->lead), 1);
    assert_int_equal(store_intern(f->s, "Email"), f->email);
    assert_int_equal(store_object_find(f->s, "lead"), f->lead);
}

static void
test_ids_are_unique_and_indexed_at_scale(void **state)
{
    struct fixture *f = *state;
    struct record *first = NULL, *r = NULL;
    char email[64];
    int i;

    for (i = 0; i < 20000; i++) {
        snprintf(email, sizeof(email), "u%d@x.test", i);
        r = add(f, email, "1");
        if (first == NULL)
            first = r;
    }
    assert_ptr_equal(store_get(f->s, first->id), first);
    assert_ptr_equal(store_get(f->s, r->id), r);
    assert_string_not_equal(first->id, r->id);
    assert_int_equal(store_count(f->s, f->lead), 20000);
}

static void
test_equality_index_normalisations(void **state)
{
    struct fixture *f = *state;
    struct record *out[4];

    add(f, "Jane@Example.com", "(555) 123-4567");
    add(f, "jane@example.com", "555.123.4567");
    add(f, "other@example.com", "5551234568");
    assert_int_equal(store_find_equal(f->s, f->lead, f->email, STORE_NORM_EXACT,
                                      "jane@example.com", 16, out, 4),
                     1);
    assert_int_equal(store_find_equal(f->s, f->lead, f->email,
                                      STORE_NORM_CASEFOLD, "JANE@example.COM",
                                      16, out, 4),
                     2);
    assert_int_equal(store_find_equal(f->s, f->lead, f->phone,
                                      STORE_NORM_DIGITS, "5551234567", 10, out,
                                      4),
                     2);
}

static void
test_index_follows_updates_and_deletes(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, "old@x.test", "1"), *out[2];
    struct fieldvals fv = {0};

    /* Build the index before the change. */
    assert_int_equal(store_find_equal(f->s, f->lead, f->email,
                                      STORE_NORM_CASEFOLD, "old@x.test", 10,
                                      out, 2),
                     1);
    fieldvals_set(&fv, f->email, "new@x.test", 10);
    assert_int_equal(store_update(f->s, r, &fv, 99), 0);
    fieldvals_free(&fv);
    assert_int_equal(r->modified_ms, 99);
    assert_string_equal(record_value(r, f->last, NULL), "Doe");
    assert_int_equal(store_find_equal(f->s, f->lead, f->email,
                                      STORE_NORM_CASEFOLD, "old@x.test", 10,
                                      out, 2),
                     0);
    assert_int_equal(store_find_equal(f->s, f->lead, f->email,
                                      STORE_NORM_CASEFOLD, "NEW@x.test", 10,
                                      out, 2),
                     1);
    fieldvals_set(&fv, f->email, NULL, 0); /* clearing a field */
    store_update(f->s, r, &fv, 100);
    fieldvals_free(&fv);
    assert_null(record_value(r, f->email, NULL));
    store_delete(f->s, r);
    assert_int_equal(store_count(f->s, f->lead), 0);
    assert_int_equal(store_find_equal(f->s, f->lead, f->phone, STORE_NORM_EXACT,
                                      "1", 1, out, 2),
                     0);
}

static void
test_clear_keeps_objects(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, "a@x.test", "1");
    char id[SFID_LEN15 + 1];

    memcpy(id, r->id, sizeof(id));
    store_clear(f->s);
    assert_null(store_get(f->s, id));
    assert_int_equal(store_count(f->s, f->lead), 0);
    assert_non_null(add(f, "b@x.test", "2"));
}

/* A reset must give back what a load grew: the ID index and the equality
 * indexes shrink to their first size, and an index still works after. */
static void
test_clear_gives_memory_back(void **state)
{
    struct fixture *f = *state;
    struct record *out[2];
    char email[32];
    size_t empty, i;

    assert_int_equal(store_find_equal(f->s, f->lead, f->email,
                                      STORE_NORM_CASEFOLD, "x", 1, out, 2),
                     0);
    empty = store_memory(f->s);
    for (i = 0; i < 20000; i++) {
        snprintf(email, sizeof(email), "l%zu@x.test", i);
        assert_non_null(add(f, email, "1"));
    }
    assert_true(store_memory(f->s) > 100 * empty);
    store_clear(f->s);
    assert_true(store_memory(f->s) <= empty);
    assert_non_null(add(f, "A@x.test", "2"));
    assert_int_equal(store_find_equal(f->s, f->lead, f->email,
                                      STORE_NORM_CASEFOLD, "a@X.test", 8, out,
                                      2),
                     1);
}

/* Number of records whose email equals e (through the index). */
static size_t
by_email(struct fixture *f, const char *e)
{
    struct record *out[4];

    return store_find_equal(f->s, f->lead, f->email, STORE_NORM_CASEFOLD, e,
                            strlen(e), out, 4);
}

static int
collect(struct record *r, void *arg)
{
    char *ids = arg;

    strncat(ids, r->id + 10, 5);
    return 0;
}

/* The records' ids (last five characters each) in store order. */
static const char *
order(struct fixture *f, char *buf)
{
    buf[0] = '\0';
    store_foreach(f->s, f->lead, collect, buf);
    return buf;
}

static void
test_rollback_undoes_inserts_updates_and_deletes(void **state)
{
    struct fixture *f = *state;
    struct record *a = add(f, "a@x.test", "1"), *b = add(f, "b@x.test", "2");
    struct record *c;
    struct fieldvals fv = {0};
    char before[64], after[64], id_c[SFID_LEN15 + 1];
    size_t mark;

    order(f, before);
    (void)by_email(f, "a@x.test"); /* the index exists before the changes */
    mark = store_savepoint(f->s);
    c = add(f, "c@x.test", "3");
    memcpy(id_c, c->id, sizeof(id_c));
    fieldvals_set(&fv, f->email, "z@x.test", 8);
    fieldvals_set(&fv, f->phone, NULL, 0);
    assert_int_equal(store_update(f->s, a, &fv, 500), 0);
    fieldvals_free(&fv);
    store_delete(f->s, b);
    assert_int_equal(store_count(f->s, f->lead), 2);
    assert_int_equal(by_email(f, "z@x.test"), 1);
    store_rollback(f->s, mark);

    assert_int_equal(store_count(f->s, f->lead), 2);
    assert_null(store_get(f->s, id_c));
    assert_ptr_equal(store_get(f->s, b->id), b);
    assert_string_equal(record_value(a, f->email, NULL), "a@x.test");
    assert_string_equal(record_value(a, f->phone, NULL), "1");
    assert_int_equal(a->modified_ms, 42);
    assert_int_equal(by_email(f, "a@x.test"), 1);
    assert_int_equal(by_email(f, "b@x.test"), 1);
    assert_int_equal(by_email(f, "z@x.test"), 0);
    assert_int_equal(by_email(f, "c@x.test"), 0);
    assert_string_equal(order(f, after), before);
    /* A rolled-back insert's number is not given back. */
    c = add(f, "d@x.test", "4");
    assert_string_not_equal(c->id, id_c);
}

static void
test_nested_savepoints(void **state)
{
    struct fixture *f = *state;
    size_t outer, inner;
    struct record *a;

    outer = store_savepoint(f->s);
    a = add(f, "a@x.test", "1");
    inner = store_savepoint(f->s);
    add(f, "b@x.test", "2");
    store_rollback(f->s, inner); /* b only */
    assert_int_equal(store_count(f->s, f->lead), 1);
    inner = store_savepoint(f->s);
    store_delete(f->s, a);
    store_release(f->s, inner); /* kept, but the outer one can undo it */
    assert_int_equal(store_count(f->s, f->lead), 0);
    store_rollback(f->s, outer);
    assert_int_equal(store_count(f->s, f->lead), 0);
    assert_int_equal(by_email(f, "a@x.test"), 0);

    outer = store_savepoint(f->s);
    a = add(f, "e@x.test", "5");
    store_delete(f->s, add(f, "f@x.test", "6"));
    store_release(f->s, outer); /* kept for good; the log is freed */
    assert_int_equal(store_count(f->s, f->lead), 1);
    assert_int_equal(by_email(f, "e@x.test"), 1);
    assert_int_equal(by_email(f, "f@x.test"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fieldvals_in_room),
        cmocka_unit_test(test_fieldvals_seen_fields),
        cmocka_unit_test_setup_teardown(test_insert_and_get_by_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_ids_are_unique_and_indexed_at_scale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_equality_index_normalisations,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_follows_updates_and_deletes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_clear_keeps_objects, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clear_gives_memory_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_rollback_undoes_inserts_updates_and_deletes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_savepoints, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
