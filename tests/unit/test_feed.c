/*
 * test_feed.c - the lead file parsed on its own thread: order, bad lines,
 * waking a poller, the reader held back when it runs ahead (as far as the
 * caller lets it), closing early.
 */
#include <poll.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "feed.h"
#include "xmalloc.h"

/* More leads than the reader may run ahead (256) and than the ring of
 * released leads holds, so both limits are crossed. */
#define MANY 20000

static char *
write_file(const char *suffix, const char *text)
{
    char *path = xasprintf("/tmp/test_feed_XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    size_t len = strlen(text);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static char *
many_leads(size_t n)
{
    struct buf b;

    buf_init(&b, 64 * 1024 * 1024);
    for (size_t i = 0; i < n; i++) {
        char line[96];

        snprintf(line, sizeof(line), "{\"id\":\"L%zu\",\"n\":%zu}\n", i, i);
        buf_puts(&b, line);
    }
    return b.data;
}

static void
count_bad(void *arg, long line, const char *why)
{
    (void)line;
    (void)why;
    (*(size_t *)arg)++;
}

static void
test_order_and_bad_lines(void **state)
{
    char *path = write_file(".ndjson", "{\"id\":\"a\"}\n"
                                       "not json\n"
                                       "{\"id\":\"b\"}\n"
                                       "{\"id\":\"a\"}\n"
                                       "{\"id\":\"c\"}\n");
    struct sf_err err;
    size_t bad = 0;
    struct feed *f;
    const struct lead *l;
    const char *want[] = {"a", "b", "c"};
    int end = 0, exact = -1;

    (void)state;
    err_clear(&err);
    {
        struct feed_hooks h = {.on_bad = count_bad, .arg = &bad};

        f = feed_open(path, &h, &err);
    }
    assert_non_null(f);
    /* Before the end, what is left is estimated from the 5 lines. */
    assert_int_equal(feed_left(f, &exact), 5);
    assert_false(exact);
    for (size_t i = 0; i < 3; i++) {
        l = feed_next(f, 1, &end);
        assert_non_null(l);
        assert_string_equal(l->id, want[i]);
        assert_int_equal(end, 0);
        feed_release(f, l);
    }
    assert_int_equal(feed_left(f, &exact), 2);
    assert_false(exact);
    assert_null(feed_next(f, 1, &end));
    assert_int_equal(end, 1);
    assert_int_equal(feed_left(f, &exact), 0);
    assert_true(exact);
    /* Asking again after the end stays at the end. */
    assert_null(feed_next(f, 0, &end));
    assert_int_equal(end, 1);
    assert_int_equal(feed_bad(f), 2);
    assert_int_equal(bad, 2);
    feed_close(f);
    unlink(path);
    free(path);
}

static void
test_csv_by_name(void **state)
{
    char *path = write_file(".csv", "id,email\nx1,a@example.com\nx2,\n");
    struct sf_err err;
    struct feed *f;
    const struct lead *l;
    int end = 0;

    (void)state;
    err_clear(&err);
    f = feed_open(path, NULL, &err);
    assert_non_null(f);
    l = feed_next(f, 1, &end);
    assert_string_equal(l->id, "x1");
    assert_string_equal(json_string_value(lead_get(l, "email")),
                        "a@example.com");
    l = feed_next(f, 1, &end);
    assert_string_equal(l->id, "x2");
    assert_null(lead_get(l, "email"));
    assert_null(feed_next(f, 1, &end));
    assert_int_equal(end, 1);
    feed_close(f);
    unlink(path);
    free(path);
}

/* Without waiting: "none yet" is answered only with the descriptor to
 * poll, which then wakes the caller; every lead comes out once, in
 * order. */
static void
test_poll_until_end(void **state)
{
    char *text = many_leads(MANY), *path = write_file(".ndjson", text);
    struct sf_err err;
    struct feed *f;
    const struct lead *l;
    size_t got = 0, polls = 0;
    int end = 0;
    char want[32];

    (void)state;
    err_clear(&err);
    f = feed_open(path, NULL, &err);
    assert_non_null(f);
    while (!end) {
        l = feed_next(f, 0, &end);
        if (l != NULL) {
            snprintf(want, sizeof(want), "L%zu", got++);
            assert_string_equal(l->id, want);
            feed_release(f, l);
            continue;
        }
        if (end)
            break;
        struct pollfd p = {.fd = feed_fd(f), .events = POLLIN};

        /* A lost wake-up would hang here: the bound turns it into a
         * failure. */
        assert_int_equal(poll(&p, 1, 10000), 1);
        polls++;
    }
    assert_int_equal(got, MANY);
    assert_true(polls < MANY);
    feed_close(f);
    unlink(path);
    free(path);
    free(text);
}

/* Keeping every lead: the reader is held back at its limit and goes on as
 * leads are taken; the pointers stay valid until feed_close(). */
static void
test_keep_all(void **state)
{
    char *text = many_leads(MANY), *path = write_file(".ndjson", text);
    const struct lead **all = xcalloc(MANY, sizeof(*all));
    struct sf_err err;
    struct feed *f;
    const struct lead *l;
    size_t n = 0;
    int end = 0;

    (void)state;
    err_clear(&err);
    f = feed_open(path, NULL, &err);
    assert_non_null(f);
    while ((l = feed_next(f, 1, &end)) != NULL)
        all[n++] = l;
    assert_int_equal(n, MANY);
    for (size_t i = 0; i < n; i += 997)
        assert_int_equal(json_integer_value(lead_get(all[i], "n")), i);
    feed_close(f);
    unlink(path);
    free(path);
    free(text);
    free(all);
}

/* Closing while the reader waits for room (or still parses) returns and
 * frees everything (the sanitizer run checks the freeing). */
static void
test_close_early(void **state)
{
    char *text = many_leads(MANY), *path = write_file(".ndjson", text);
    struct sf_err err;
    struct feed *f;
    int end = 0;

    (void)state;
    err_clear(&err);
    f = feed_open(path, NULL, &err);
    assert_non_null(f);
    for (int i = 0; i < 10; i++)
        assert_non_null(feed_next(f, 1, &end));
    feed_close(f);
    /* And without taking anything at all. */
    f = feed_open(path, NULL, &err);
    assert_non_null(f);
    feed_close(f);
    unlink(path);
    free(path);
    free(text);
}

/* prepare runs for every lead before it is handed out; what is not taken
 * is discarded, on close too. */
struct prep_count {
    atomic_int made, discarded;
};

static void *
prep_make(void *arg, const struct lead *l)
{
    struct prep_count *c = arg;

    atomic_fetch_add(&c->made, 1);
    return xstrdup(l->id);
}

static void
prep_discard(void *arg, void *prep)
{
    struct prep_count *c = arg;

    atomic_fetch_add(&c->discarded, 1);
    free(prep);
}

static void
test_prepare(void **state)
{
    char *text = many_leads(MANY), *path = write_file(".ndjson", text);
    struct prep_count c;
    struct feed_hooks h = {
        .prepare = prep_make, .discard = prep_discard, .arg = &c};
    struct sf_err err;
    struct feed *f;
    const struct lead *l;
    size_t n = 0, taken = 0;
    int end = 0;

    (void)state;
    atomic_init(&c.made, 0);
    atomic_init(&c.discarded, 0);
    err_clear(&err);
    f = feed_open(path, &h, &err);
    assert_non_null(f);
    while ((l = feed_next(f, 1, &end)) != NULL) {
        /* Every other lead's prep is taken; the rest are released with
         * theirs, and the last hundred are kept until close. */
        if (n % 2 == 0) {
            char *prep = feed_take_prep(f, l);

            assert_non_null(prep);
            assert_string_equal(prep, l->id);
            assert_null(feed_take_prep(f, l));
            free(prep);
            taken++;
        }
        if (n < MANY - 100)
            feed_release(f, l);
        n++;
    }
    assert_int_equal(n, MANY);
    feed_close(f);
    assert_int_equal(atomic_load(&c.made), MANY);
    assert_int_equal(atomic_load(&c.discarded), MANY - taken);
    unlink(path);
    free(path);
    free(text);
}

/* The reader runs up to hooks.ahead leads ahead of a consumer that takes
 * none, and no further: measured by the leads it prepared (it prepares
 * each before it counts it made). */
static void
test_ahead(void **state)
{
    enum { AHEAD = 1000 };
    char *text = many_leads(MANY), *path = write_file(".ndjson", text);
    struct prep_count c;
    struct feed_hooks h = {.prepare = prep_make,
                           .discard = prep_discard,
                           .arg = &c,
                           .ahead = AHEAD};
    struct sf_err err;
    struct feed *f;
    int i;

    (void)state;
    atomic_init(&c.made, 0);
    atomic_init(&c.discarded, 0);
    err_clear(&err);
    f = feed_open(path, &h, &err);
    assert_non_null(f);
    /* Bounded: 10 s at most for the reader to get there. */
    for (i = 0; i < 10000 && atomic_load(&c.made) < AHEAD; i++)
        usleep(1000);
    assert_int_equal(atomic_load(&c.made), AHEAD);
    /* It waits there: a little later it has made no more. */
    usleep(20000);
    assert_int_equal(atomic_load(&c.made), AHEAD);
    feed_close(f);
    assert_int_equal(atomic_load(&c.discarded), AHEAD);
    unlink(path);
    free(path);
    free(text);
}

/* Asked for less than the reader's batch, the feed still hands out every
 * lead (the reader learns of the leads taken a batch at a time: held to
 * so few, it would wait for a consumer waiting for it). */
static void
test_ahead_small(void **state)
{
    char *text = many_leads(1000), *path = write_file(".ndjson", text);
    struct feed_hooks h = {.ahead = 12};
    struct sf_err err;
    struct feed *f;
    const struct lead *l;
    size_t n = 0;
    int end = 0;

    (void)state;
    err_clear(&err);
    f = feed_open(path, &h, &err);
    assert_non_null(f);
    while ((l = feed_next(f, 1, &end)) != NULL) {
        feed_release(f, l);
        n++;
    }
    assert_int_equal(n, 1000);
    feed_close(f);
    unlink(path);
    free(path);
    free(text);
}

/* Leads from a file opened and read straight away, many times over: the
 * end must never be seen before the last leads (a file smaller than one
 * batch is published only at the end). Both ways of waiting. */
static void
test_end_after_last_lead(void **state)
{
    char *one = write_file(".ndjson", "{\"id\":\"x\"}\n");
    char *three = write_file(".ndjson", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n"
                                        "{\"id\":\"c\"}");
    struct sf_err err;

    (void)state;
    err_clear(&err);
    for (int i = 0; i < 3000; i++) {
        const char *path = i % 2 ? three : one;
        size_t want = i % 2 ? 3 : 1, got = 0;
        int wait = (i / 2) % 2, end = 0;
        struct feed *f = feed_open(path, NULL, &err);

        assert_non_null(f);
        while (!end) {
            if (feed_next(f, wait, &end) != NULL) {
                got++;
                continue;
            }
            if (!end) {
                struct pollfd p = {.fd = feed_fd(f), .events = POLLIN};

                assert_int_equal(poll(&p, 1, 10000), 1);
            }
        }
        if (got != want)
            fail_msg("run %d: %zu leads of %zu before the end", i, got, want);
        feed_close(f);
    }
    unlink(one);
    unlink(three);
    free(one);
    free(three);
}

static void
test_missing_file(void **state)
{
    struct sf_err err;

    (void)state;
    err_clear(&err);
    assert_null(feed_open("/nonexistent/leads.ndjson", NULL, &err));
    assert_non_null(strstr(err.msg, "/nonexistent/leads.ndjson"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_bad_lines),
        cmocka_unit_test(test_csv_by_name),
        cmocka_unit_test(test_poll_until_end),
        cmocka_unit_test(test_keep_all),
        cmocka_unit_test(test_close_early),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_ahead),
        cmocka_unit_test(test_ahead_small),
        cmocka_unit_test(test_end_after_last_lead),
        cmocka_unit_test(test_missing_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
