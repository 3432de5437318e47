/*
 * test_budget.c - the Web-to-Lead budget: the rolling count in per-second
 * buckets, posts given back, and the file that counts every post before
 * it is sent (write-ahead blocks), so that a process killed at any moment
 * leaves a count no lower than what it sent.
 */
#include <fcntl.h>
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

#include "budget.h"
#include "state.h"
#include "xmalloc.h"

#define T0 1798761600000LL /* 2027-01-01T00:00:00Z */
#define DAY 86400000LL
#define FILE_NAME "w2l-test.json"

struct fx {
    char dir[64];
    struct state st;
};

static int
setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    struct sf_err err;

    snprintf(f->dir, sizeof(f->dir), "/tmp/test_budget_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    err_clear(&err);
    assert_int_equal(state_open(&f->st, f->dir, &err), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    state_close(&f->st);
    free(f);
    return system(cmd) == 0 ? 0 : -1;
}

static void
write_state(struct fx *f, const char *text)
{
    char path[128];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/" FILE_NAME, f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void
unlink_state(struct fx *f)
{
    char path[128];

    snprintf(path, sizeof(path), "%s/" FILE_NAME, f->dir);
    unlink(path);
}

static enum budget_verdict
take(struct budget *b, int64_t now, int64_t *at)
{
    struct sf_err err;

    err_clear(&err);
    return budget_take(b, now, at, &err);
}

/* What another process would count from the file now. */
static int64_t
count_on_disk(struct fx *f, int64_t limit)
{
    struct budget b;
    int64_t n;

    budget_open(&b, &f->st, FILE_NAME, limit, 86400);
    n = b.sent;
    budget_close(&b);
    return n;
}

static void
test_budget(void **state)
{
    struct fx *f = *state;
    struct budget b;
    int64_t at = 0;

    budget_open(&b, &f->st, FILE_NAME, 3, 86400);
    assert_int_equal(take(&b, T0, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 1000, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 2000, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 3000, &at), BUDGET_FULL);
    assert_true(at == T0 + DAY);
    /* Saved and reloaded: still full until the first post ages out. */
    assert_int_equal(budget_save(&b, T0 + 3000), 0);
    budget_close(&b);
    budget_open(&b, &f->st, FILE_NAME, 3, 86400);
    assert_int_equal(take(&b, T0 + DAY - 1, &at), BUDGET_FULL);
    assert_int_equal(take(&b, T0 + DAY, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + DAY, &at), BUDGET_FULL);
    assert_true(at == T0 + 1000 + DAY);
    budget_close(&b);
}

/*
 * The promise: after every post the budget lets go, the file already
 * counts it, whatever happens next (here: no save, as after SIGKILL).
 * And the file never counts more than the limit because of unused
 * reservations of this run once it is saved.
 */
static void
test_counted_before_sent(void **state)
{
    struct fx *f = *state;
    struct budget b;
    int64_t at = 0, t = T0;

    budget_open(&b, &f->st, FILE_NAME, 500, 86400);
    for (int i = 1; i <= 600; i++) {
        enum budget_verdict v;

        /* Uneven spacing: blocks end by use and by time. */
        t += (i % 7 == 0) ? 150 : 1;
        v = take(&b, t, &at);
        if (i <= 500) {
            assert_int_equal(v, BUDGET_SEND);
            assert_true(count_on_disk(f, 500) >= i);
        } else
            assert_int_equal(v, BUDGET_FULL);
    }
    /* A save writes the exact count. */
    assert_int_equal(budget_save(&b, t), 0);
    assert_int_equal(count_on_disk(f, 500), 500);
    budget_close(&b);
}

/* A run killed with most of a block unused: the next run counts that
 * block whole (too many, never too few), and its own save makes the file
 * exact again once the block is over. */
static void
test_killed_block(void **state)
{
    struct fx *f = *state;
    struct budget b;
    int64_t at = 0;

    budget_open(&b, &f->st, FILE_NAME, 1000, 86400);
    assert_int_equal(take(&b, T0, &at), BUDGET_SEND);
    assert_int_equal(b.resv_size, BUDGET_RESERVE_FIRST);
    budget_close(&b); /* killed: no save */
    assert_int_equal(count_on_disk(f, 1000), BUDGET_RESERVE_FIRST);
    budget_open(&b, &f->st, FILE_NAME, 1000, 86400);
    assert_int_equal(b.sent, BUDGET_RESERVE_FIRST);
    assert_int_equal(take(&b, T0 + 5000, &at), BUDGET_SEND);
    assert_int_equal(budget_save(&b, T0 + 5000 + BUDGET_RESERVE_SPAN_MS + 1),
                     0);
    assert_int_equal(count_on_disk(f, 1000), BUDGET_RESERVE_FIRST + 1);
    budget_close(&b);
}

/* The sizes of the blocks n posts taken at once make, in order (the
 * same size twice in a row counted once); how many. */
static int
block_sizes(struct fx *f, int64_t limit, int64_t n, int64_t *sizes, int max)
{
    struct budget b;
    int64_t at = 0, last = 0;
    int k = 0;

    budget_open(&b, &f->st, FILE_NAME, limit, 86400);
    for (int64_t i = 0; i < n; i++) {
        assert_int_equal(take(&b, T0, &at), BUDGET_SEND);
        if (b.resv_size != last && k < max)
            sizes[k++] = last = b.resv_size;
    }
    if (n == limit)
        assert_int_equal(take(&b, T0, &at), BUDGET_FULL);
    budget_close(&b);
    assert_int_equal(count_on_disk(f, limit), n);
    return k;
}

/* Blocks grow with the rate they are used at (at most 16 times each),
 * up to BUDGET_RESERVE_MAX, never past the room left, and never past a
 * BUDGET_RESERVE_SHARE-th of the budget (what a kill may cost it). */
static void
test_block_sizes(void **state)
{
    struct fx *f = *state;
    int64_t sizes[8];

    assert_int_equal(block_sizes(f, 600000, 600000, sizes, 8), 5);
    assert_int_equal(sizes[0], 8);
    assert_int_equal(sizes[1], 128);
    assert_int_equal(sizes[2], 2048);
    assert_int_equal(sizes[3], BUDGET_RESERVE_MAX);
    /* 2,184 + 36 blocks of 16,384: the last block is the room left. */
    assert_int_equal(sizes[4], 600000 - 2184 - 36 * BUDGET_RESERVE_MAX);
    unlink_state(f);
    assert_int_equal(block_sizes(f, 500, 500, sizes, 8), 3);
    assert_int_equal(sizes[0], 8);
    assert_int_equal(sizes[1], 500 / BUDGET_RESERVE_SHARE);
    /* 8 + 32 blocks of 15 = 488: 12 left. */
    assert_int_equal(sizes[2], 12);
}

/* Blocks that end by time leave unused posts counted on disk; when only
 * those fill the window, a save frees them: every post of the budget is
 * still sent, and the file is exact after. */
static void
test_stale_block_freed(void **state)
{
    struct fx *f = *state;
    struct budget b;
    int64_t at = 0, t = T0, sent = 0;

    budget_open(&b, &f->st, FILE_NAME, 320, 86400);
    /* Slow posts: every block ends by time with most of it unused. */
    while (take(&b, t, &at) == BUDGET_SEND) {
        sent++;
        assert_true(count_on_disk(f, 320) >= sent);
        t += BUDGET_RESERVE_SPAN_MS * 3;
    }
    assert_int_equal(sent, 320);
    assert_int_equal(budget_save(&b, t), 0);
    assert_int_equal(count_on_disk(f, 320), 320);
    budget_close(&b);
}

/* A state file from a day before with a large budget's posts: the expired
 * ones are dropped at once, the live ones still count. */
static void
test_prunes_many(void **state)
{
    enum { OLD = 200000, LIVE = 5 };
    struct fx *f = *state;
    struct budget b;
    int64_t at = 0;
    json_t *doc = json_array();
    char *text;

    for (int i = 0; i < OLD; i++)
        json_array_append_new(doc, json_integer(T0 + i));
    for (int i = 0; i < LIVE; i++)
        json_array_append_new(doc, json_integer(T0 + DAY + i));
    text = json_dumps(doc, JSON_COMPACT);
    write_state(f, text);
    free(text);
    json_decref(doc);
    budget_open(&b, &f->st, FILE_NAME, 1000000, 86400);
    assert_int_equal(take(&b, T0 + 2 * DAY - 10, &at), BUDGET_SEND);
    /* The live posts were in one second: one bucket, and the new one. */
    assert_int_equal(b.n, 2);
    assert_int_equal(b.sent, LIVE + 1);
    budget_close(&b);
}

/*
 * Posts within one second share a bucket that leaves the window with the
 * latest of them: a held lead's time is never earlier than with every
 * post kept apart. Memory is a bucket per second, not per post.
 */
static void
test_buckets(void **state)
{
    struct fx *f = *state;
    struct budget b;
    int64_t at = 0;

    budget_open(&b, NULL, FILE_NAME, 3, 86400);
    assert_int_equal(take(&b, T0 + 100, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 900, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 1500, &at), BUDGET_SEND);
    assert_int_equal(b.n, 2);
    assert_int_equal(take(&b, T0 + 2000, &at), BUDGET_FULL);
    assert_true(at == T0 + 900 + DAY);
    /* At that time the bucket of two leaves: two posts have room. */
    assert_int_equal(take(&b, at - 1, &at), BUDGET_FULL);
    assert_int_equal(take(&b, T0 + 900 + DAY, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 900 + DAY, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 901 + DAY, &at), BUDGET_FULL);
    assert_true(at == T0 + 1500 + DAY);
    budget_close(&b);

    /* 100,000 posts in ten seconds: ten buckets. */
    budget_open(&b, NULL, FILE_NAME, 1000000, 86400);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(take(&b, T0 + i / 10, &at), BUDGET_SEND);
    assert_int_equal(b.n, 10);
    budget_close(&b);

    /* The formats before (bare times; pairs on one line) still load, junk
     * is skipped, a huge count is capped, and so is a torn reservation
     * line; whole reservation lines count. */
    write_state(f, "[1798761600000,1798761600005,\"x\",[1798761600000],"
                   "[1798761602000,9223372036854775807],[1798761603000,-4]]"
                   "\n[1798761604000,3]\n[1798761605000,");
    budget_open(&b, &f->st, FILE_NAME, 1000000, 86400);
    assert_int_equal(b.n, 3);
    assert_true(b.sent == 2 + (int64_t)INT32_MAX + 3);
    budget_close(&b);
}

/* A post whose request never went out is given back: into the bucket of
 * its second, not past it, and not once that second has left the window. */
static void
test_refund(void **state)
{
    struct budget b;
    int64_t at = 0;

    (void)state;
    budget_open(&b, NULL, FILE_NAME, 2, 86400);
    assert_int_equal(take(&b, T0 + 100, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 1100, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 1200, &at), BUDGET_FULL);
    budget_refund(&b, T0 + 100);
    assert_int_equal(b.sent, 1);
    /* Its bucket is empty: nothing more to give back there. */
    budget_refund(&b, T0 + 150);
    assert_int_equal(b.sent, 1);
    assert_int_equal(take(&b, T0 + 1300, &at), BUDGET_SEND);
    assert_int_equal(take(&b, T0 + 1400, &at), BUDGET_FULL);
    /* A second with no bucket of its own gives nothing back. */
    budget_refund(&b, T0 + 2500);
    assert_int_equal(b.sent, 2);
    budget_close(&b);
}

/* A file that cannot be written: nothing may be sent, and why is said. */
static void
test_unwritable(void **state)
{
    struct fx *f = *state;
    struct budget b;
    struct sf_err err;
    char path[128];
    int64_t at = 0;

    snprintf(path, sizeof(path), "%s/" FILE_NAME, f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    budget_open(&b, &f->st, FILE_NAME, 10, 86400);
    err_clear(&err);
    assert_int_equal(budget_take(&b, T0, &at, &err), BUDGET_UNWRITABLE);
    assert_non_null(strstr(err.msg, FILE_NAME));
    assert_int_equal(b.sent, 0);
    budget_close(&b);
    rmdir(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counted_before_sent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_killed_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_block_freed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_prunes_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buckets, setup, teardown),
        cmocka_unit_test(test_refund),
        cmocka_unit_test_setup_teardown(test_unwritable, setup, teardown),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
