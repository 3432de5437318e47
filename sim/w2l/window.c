/*
 * window.c - rolling event counts with per-second buckets (see window.h).
 */
#include "window.h"

#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "xmalloc.h"

#define NO_HEAD (INT64_MIN / 2)

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
    w->head_s = NO_HEAD;
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
    w->head_s = NO_HEAD;
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

/* --- state files -----------------------------------------------------------
 */

json_t *
window_to_json(const struct window *w)
{
    json_t *events = json_array();
    char when[TIMEFMT_LEN];
    int64_t s;
    uint32_t n;

    if (w->head_s == NO_HEAD)
        return json_pack("{s:n, s:o}", "head", "events", events);
    for (s = w->head_s - w->period_s + 1; s <= w->head_s; s++)
        if ((n = w->buckets[slot(w, s)]) != 0)
            json_array_append_new(
                events, json_pack("[s, I]", timefmt_rfc3339(s * 1000, when),
                                  (json_int_t)n));
    return json_pack("{s:s, s:o}", "head",
                     timefmt_rfc3339(w->head_s * 1000, when), "events", events);
}

/* An RFC 3339 string at path into whole seconds; -1 after the error. */
static int
second_of(json_t *v, struct conf *c, const char *path, int64_t *s)
{
    int64_t ms;

    if (!json_is_string(v) || timefmt_parse(json_string_value(v), &ms) == -1)
        return conf_error(c, path, "must be an RFC 3339 date-time");
    *s = floor_div(ms, 1000);
    return 0;
}

/* One [second, count] event, later than *prev, into w. */
static int
event_from_json(struct window *w, json_t *ev, struct conf *c, const char *path,
                int64_t *prev)
{
    json_t *n = json_array_get(ev, 1);
    int64_t s;

    if (!json_is_array(ev) || json_array_size(ev) != 2 || !json_is_integer(n) ||
        json_integer_value(n) < 1 || json_integer_value(n) > UINT32_MAX)
        return conf_error(c, path,
                          "must be [RFC 3339 second, count of 1 or more]");
    if (second_of(json_array_get(ev, 0), c, path, &s) == -1)
        return -1;
    if (s <= *prev || s > w->head_s || s <= w->head_s - w->period_s)
        return conf_error(c, path,
                          "must be later than the event before it, within "
                          "the window ending at head");
    *prev = s;
    w->buckets[slot(w, s)] = (uint32_t)json_integer_value(n);
    w->total += (uint64_t)json_integer_value(n);
    if (s < w->tail_s)
        w->tail_s = s;
    return 0;
}

int
window_from_json(struct window *w, json_t *j, struct conf *c, const char *path)
{
    static const char *const keys[] = {"head", "events", NULL};
    char sub[CONF_PATH_MAX], list[CONF_PATH_MAX];
    json_t *head, *events, *ev;
    int64_t prev = INT64_MIN;
    size_t i;

    window_clear(w);
    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        conf_array(c, j, path, "events", &events) == -1)
        return -1;
    head = json_object_get(j, "head");
    if (head == NULL || json_is_null(head)) {
        if (json_array_size(events) > 0)
            return conf_error(c, path, "events without a head");
        return 0;
    }
    if (second_of(head, c, conf_join(sub, sizeof(sub), path, "head"),
                  &w->head_s) == -1)
        return -1;
    w->tail_s = w->head_s;
    conf_join(list, sizeof(list), path, "events");
    json_array_foreach(events, i, ev) {
        if (event_from_json(w, ev, c, conf_index(sub, sizeof(sub), list, i),
                            &prev) == -1)
            return -1;
    }
    return 0;
}
