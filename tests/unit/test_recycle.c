/*
 * test_recycle.c - the store's recycle bin: a deleted record leaves the
 * live views (store_get, the equality indexes, counts) but stays for the
 * *_any and *_deleted views until store_purge() frees it; a savepoint's
 * rollback undoes a recycle and a hard delete of a recycled record;
 * records with given IDs (store_insert_id).
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
    int lead, contact;
    uint32_t email;
};

static int
setup(void **state)
{
    static struct fixture f;

    f.s = store_new("5j", 1000);
    f.lead = store_object_add(f.s, "Lead", "00Q");
    f.contact = store_object_add(f.s, "Contact", "003");
    f.email = store_intern(f.s, "Email");
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
add(struct fixture *f, int object, const char *email, int64_t now)
{
    struct fieldvals fv = {0};
    struct record *r;

    fieldvals_set(&fv, f->email, email, strlen(email));
    r = store_insert(f->s, object, &fv, now);
    fieldvals_free(&fv);
    return r;
}

static size_t
find(struct fixture *f, const char *email)
{
    struct record *out[4];

    return store_find_equal(f->s, f->lead, f->email, STORE_NORM_CASEFOLD, email,
                            strlen(email), out, 4);
}

static int
count_one(struct record *r, void *arg)
{
    (void)r;
    (*(size_t *)arg)++;
    return 0;
}

static size_t
count_with(struct fixture *f,
           int (*each)(const struct store *, int,
                       int (*)(struct record *, void *), void *))
{
    size_t n = 0;

    each(f->s, f->lead, count_one, &n);
    return n;
}

static void
test_recycled_record_leaves_the_live_views(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, f->lead, "gone@x.test", 10);
    char id[SFID_LEN15 + 1];

    add(f, f->lead, "kept@x.test", 11);
    memcpy(id, r->id, sizeof(id));
    assert_int_equal(find(f, "gone@x.test"), 1); /* index built before */
    store_recycle(f->s, r, 500);
    assert_true(r->deleted);
    assert_int_equal(r->modified_ms, 500);
    assert_null(store_get(f->s, id));
    assert_ptr_equal(store_get_any(f->s, id), r);
    assert_int_equal(find(f, "gone@x.test"), 0);
    assert_int_equal(store_count(f->s, f->lead), 1);
    assert_int_equal(store_count_deleted(f->s, f->lead), 1);
    assert_int_equal(count_with(f, store_foreach), 1);
    assert_int_equal(count_with(f, store_foreach_any), 2);
    assert_int_equal(count_with(f, store_foreach_deleted), 1);
    assert_null(store_at(f->s, f->lead, 0));
    /* A second recycle changes nothing. */
    store_recycle(f->s, r, 900);
    assert_int_equal(r->modified_ms, 500);
    assert_int_equal(store_count_deleted(f->s, f->lead), 1);
}

static void
test_an_index_built_later_skips_the_bin(void **state)
{
    struct fixture *f = *state;

    store_recycle(f->s, add(f, f->lead, "late@x.test", 1), 2);
    add(f, f->lead, "late@x.test", 3);
    assert_int_equal(find(f, "late@x.test"), 1);
}

static void
test_purge_frees_in_deletion_order(void **state)
{
    struct fixture *f = *state;
    struct record *a = add(f, f->lead, "a@x.test", 1);
    struct record *b = add(f, f->lead, "b@x.test", 2);
    struct record *c = add(f, f->contact, "c@x.test", 3);
    char ida[SFID_LEN15 + 1], idb[SFID_LEN15 + 1];

    memcpy(ida, a->id, sizeof(ida));
    memcpy(idb, b->id, sizeof(idb));
    assert_int_equal(store_purged_until(f->s, f->lead), -1);
    store_recycle(f->s, b, 100);
    store_recycle(f->s, c, 150);
    store_recycle(f->s, a, 200);
    assert_int_equal(store_purge(f->s, 100, 10), 0); /* nothing due yet */
    assert_int_equal(store_purge(f->s, 160, 1), 1);  /* b, capped at 1 */
    assert_null(store_get_any(f->s, idb));
    assert_int_equal(store_purged_until(f->s, f->lead), 100);
    assert_int_equal(store_purge(f->s, 160, 10), 1); /* then c */
    assert_int_equal(store_count_deleted(f->s, f->contact), 0);
    assert_int_equal(store_count_deleted(f->s, f->lead), 1);
    assert_int_equal(store_purge(f->s, 1000, 10), 1);
    assert_null(store_get_any(f->s, ida));
    assert_int_equal(store_purged_until(f->s, f->lead), 200);
    assert_int_equal(count_with(f, store_foreach_any), 0);
}

static void
test_bin_stays_bounded_and_ordered_under_churn(void **state)
{
    struct fixture *f = *state;
    char email[32];
    size_t i, left = 0;
    int64_t t;

    /* Deletions and purges interleaved: the queue is compacted, never
     * grows without bound, and what is due is what is freed. */
    for (t = 0; t < 5000; t++) {
        snprintf(email, sizeof(email), "u%lld@x.test", (long long)t);
        store_recycle(f->s, add(f, f->lead, email, t), t);
        store_purge(f->s, t - 100, 1000);
    }
    store_foreach_deleted(f->s, f->lead, count_one, &left);
    /* Deleted at 4899..4999: not yet before 4999 - 100. */
    assert_int_equal(left, 101);
    assert_int_equal(store_count_deleted(f->s, f->lead), 101);
    for (i = 0; i < 101; i++)
        assert_int_equal(store_purge(f->s, 5000, 1), 1);
    assert_int_equal(store_purge(f->s, 5000, 1), 0);
}

static void
test_delete_frees_a_recycled_record_too(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, f->lead, "x@x.test", 1);
    char id[SFID_LEN15 + 1];

    memcpy(id, r->id, sizeof(id));
    store_recycle(f->s, r, 5);
    store_delete(f->s, r);
    assert_null(store_get_any(f->s, id));
    assert_int_equal(store_count_deleted(f->s, f->lead), 0);
    /* Its bin entry is stale now: purging skips it. */
    assert_int_equal(store_purge(f->s, 100, 10), 0);
}

static void
test_rollback_takes_a_record_out_of_the_bin(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, f->lead, "back@x.test", 1);
    size_t mark;

    assert_int_equal(find(f, "back@x.test"), 1);
    mark = store_savepoint(f->s);
    store_recycle(f->s, r, 50);
    assert_int_equal(store_count_deleted(f->s, f->lead), 1);
    assert_int_equal(find(f, "back@x.test"), 0);
    /* Nothing is purged while the undo log may hold a record of the bin. */
    assert_int_equal(store_purge(f->s, 1000, 10), 0);
    store_rollback(f->s, mark);
    assert_false(r->deleted);
    assert_int_equal(r->modified_ms, 1);
    assert_ptr_equal(store_get(f->s, r->id), r);
    assert_int_equal(find(f, "back@x.test"), 1);
    assert_int_equal(store_count(f->s, f->lead), 1);
    assert_int_equal(store_count_deleted(f->s, f->lead), 0);
    /* Its bin entry went stale. */
    assert_int_equal(store_purge(f->s, 1000, 10), 0);
    assert_ptr_equal(store_get(f->s, r->id), r);
}

static void
test_rollback_puts_a_hard_deleted_record_back_in_the_bin(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, f->lead, "binned@x.test", 1);
    char id[SFID_LEN15 + 1];
    size_t mark;

    memcpy(id, r->id, sizeof(id));
    store_recycle(f->s, r, 5);
    mark = store_savepoint(f->s);
    store_delete(f->s, r);
    assert_null(store_get_any(f->s, id));
    assert_int_equal(store_count_deleted(f->s, f->lead), 0);
    store_rollback(f->s, mark);
    assert_ptr_equal(store_get_any(f->s, id), r);
    assert_null(store_get(f->s, id));
    assert_int_equal(store_count_deleted(f->s, f->lead), 1);
    assert_int_equal(store_count(f->s, f->lead), 0);
    assert_int_equal(find(f, "binned@x.test"), 0);
    /* Still the bin's: purged when due. */
    assert_int_equal(store_purge(f->s, 1000, 10), 1);
    assert_null(store_get_any(f->s, id));
}

static void
test_undelete_brings_a_record_back(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, f->lead, "back@x.test", 10);
    char id[SFID_LEN15 + 1];

    memcpy(id, r->id, sizeof(id));
    assert_int_equal(find(f, "back@x.test"), 1);
    store_recycle(f->s, r, 100);
    store_undelete(f->s, r, 300);
    assert_false(r->deleted);
    assert_int_equal(r->modified_ms, 300);
    assert_ptr_equal(store_get(f->s, id), r);
    assert_int_equal(find(f, "back@x.test"), 1);
    assert_int_equal(store_count(f->s, f->lead), 1);
    assert_int_equal(store_count_deleted(f->s, f->lead), 0);
    assert_ptr_equal(store_at(f->s, f->lead, 0), r);
    /* Its bin entry is stale: a purge leaves it alone. */
    assert_int_equal(store_purge(f->s, 1000, 10), 0);
    assert_ptr_equal(store_get(f->s, id), r);
    /* A live record is not touched. */
    store_undelete(f->s, r, 900);
    assert_int_equal(r->modified_ms, 300);
    /* Deleted again, it is purged at its new deletion time. */
    store_recycle(f->s, r, 2000);
    assert_int_equal(store_purge(f->s, 2000, 10), 0);
    assert_int_equal(store_purge(f->s, 2001, 10), 1);
    assert_null(store_get_any(f->s, id));
}

static void
test_rollback_undoes_an_undelete(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, f->lead, "again@x.test", 10);
    size_t mark;

    store_recycle(f->s, r, 100);
    mark = store_savepoint(f->s);
    store_undelete(f->s, r, 200);
    assert_int_equal(find(f, "again@x.test"), 1);
    store_rollback(f->s, mark);
    assert_true(r->deleted);
    assert_int_equal(r->modified_ms, 100);
    assert_int_equal(find(f, "again@x.test"), 0);
    assert_int_equal(store_count_deleted(f->s, f->lead), 1);
    /* The bin entry stands for it again. */
    assert_int_equal(store_purge(f->s, 101, 10), 1);
}

static void
test_insert_with_a_given_id(void **state)
{
    struct fixture *f = *state;
    struct fieldvals fv = {0};
    struct record *r;

    fieldvals_set(&fv, f->email, "u@x.test", 8);
    r = store_insert_id(f->s, f->contact, "003000000000042", &fv, 7);
    assert_non_null(r);
    assert_string_equal(r->id, "003000000000042");
    assert_ptr_equal(store_get(f->s, "003000000000042"), r);
    assert_int_equal(store_count(f->s, f->contact), 1);
    /* The same ID again, live or in the bin: refused. */
    assert_null(store_insert_id(f->s, f->contact, "003000000000042", &fv, 8));
    store_recycle(f->s, r, 9);
    assert_null(store_insert_id(f->s, f->contact, "003000000000042", &fv, 8));
    fieldvals_free(&fv);
}

static void
test_clear_empties_the_bin(void **state)
{
    struct fixture *f = *state;
    struct record *r = add(f, f->lead, "x@x.test", 1);

    store_recycle(f->s, r, 2);
    store_purge(f->s, 3, 10);
    store_recycle(f->s, add(f, f->lead, "y@x.test", 4), 5);
    store_clear(f->s);
    assert_int_equal(store_count_deleted(f->s, f->lead), 0);
    assert_int_equal(store_purged_until(f->s, f->lead), -1);
    assert_int_equal(store_purge(f->s, 1000, 10), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_recycled_record_leaves_the_live_views, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_index_built_later_skips_the_bin,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge_frees_in_deletion_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_bin_stays_bounded_and_ordered_under_churn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_frees_a_recycled_record_too,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_rollback_takes_a_record_out_of_the_bin, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_rollback_puts_a_hard_deleted_record_back_in_the_bin, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_undelete_brings_a_record_back,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_undoes_an_undelete, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_insert_with_a_given_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clear_empties_the_bin, setup,
                                        teardown),
    };

    return cmocka_run_group_tests_name("recycle", tests, NULL, NULL);
}
