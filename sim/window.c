/*
 * window.c - rolling event counts with per-second buckets (see window.h).
 */
#include "window.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static size_t
slot(const struct window *w, int64_t s)
{
    int64_t m = s % w->period_s;

    return (size_t)(m < 0 ? m + w->period_s : m);
}

void
window_init(struct window *w, int64_t period_s)
{
    w->period_s = period_s;
    w->buckets = xcalloc((size_t)period_s, sizeof(*w->buckets));
    w->head_s = INT64_MIN / 2;
    w->tail_s = w->head_s;
    w->total = 0;
}

void
window_free(struct window *w)
{
    free(w->buckets);
    w->buckets = NULL;
}

void
window_clear(struct window *w)
{
    memset(w->buckets, 0, (size_t)w->period_s * sizeof(*w->buckets));
    w->total = 0;
    /* Forgotten whole, so that a clock set back (POST /__sim/reset with a
     * clock) counts from its new now. */
    w->head_s = INT64_MIN / 2;
    w->tail_s = w->head_s;
}

/* Moves head to now, expiring the seconds that leave the window. */
static void
advance(struct window *w, int64_t now_ms)
{
    int64_t now_s = floor_div(now_ms, 1000), s;

    if (now_s <= w->head_s)
        return;
    if (now_s - w->head_s >= w->period_s || w->total == 0) {
        if (w->total != 0)
            window_clear(w);
        w->head_s = now_s;
        w->tail_s = now_s;
        return;
    }
    for (s = w->head_s + 1; s <= now_s; s++) {
        size_t i = slot(w, s);

        w->total -= w->buckets[i];
        w->buckets[i] = 0;
    }
    w->head_s = now_s;
    if (w->tail_s <= now_s - w->period_s)
        w->tail_s = now_s - w->period_s + 1;
}

uint64_t
window_count(struct window *w, int64_t now_ms)
{
    advance(w, now_ms);
    return w->total;
}

void
window_add(struct window *w, int64_t at_ms, uint32_t n)
{
    int64_t s = floor_div(at_ms, 1000);

    advance(w, at_ms);
    if (s <= w->head_s - w->period_s)
        return; /* already outside the window */
    if (s > w->head_s)
        s = w->head_s;
    w->buckets[slot(w, s)] += n;
    w->total += n;
    if (s < w->tail_s)
        w->tail_s = s;
}

int64_t
window_next_expiry(struct window *w, int64_t now_ms)
{
    advance(w, now_ms);
    if (w->total == 0)
        return -1;
    while (w->tail_s < w->head_s && w->buckets[slot(w, w->tail_s)] == 0)
        w->tail_s++;
    return (w->tail_s + w->period_s) * 1000;
}
