/*
 * window.h - a rolling count of events over a fixed period (24 h), on the
 * simulated clock, with one-second resolution.
 *
 * Used for the Web-to-Lead daily limit and the daily API request limit.
 * Memory is fixed (one counter per second of the period) whatever the
 * number of events, and every operation is amortised O(1).
 */
#ifndef SIM_WINDOW_H
#define SIM_WINDOW_H

#include <jansson.h>
#include <stdint.h>

#include "conf.h"

struct window {
    int64_t period_s;
    uint32_t *buckets; /* owned; period_s counters, indexed by second */
    int64_t head_s;    /* latest second accounted for */
    int64_t tail_s;    /* no event is older than this second */
    uint64_t total;    /* events in (head_s - period_s, head_s] */
};

void window_init(struct window *w, int64_t period_s);
void window_free(struct window *w);
void window_clear(struct window *w);
/* Events in the period ending at now_ms. */
uint64_t window_count(struct window *w, int64_t now_ms);
/* Counts n events at at_ms, which may lie in the past (within the window). */
void window_add(struct window *w, int64_t at_ms, uint32_t n);
/* When the oldest event in the window leaves it (ms), or -1 if empty. */
int64_t window_next_expiry(struct window *w, int64_t now_ms);

/*
 * The window as a state file keeps it (snapshot.h): {"head": RFC 3339 of
 * the latest second accounted for, or null, "events": [[RFC 3339 second,
 * count], ...] oldest first} (new reference).
 */
json_t *window_to_json(const struct window *w);
/* Restores w (initialised, any period) from j as window_to_json() wrote
 * it; -1 with the error located at path in c. */
int window_from_json(struct window *w, json_t *j, struct conf *c,
                     const char *path);

#endif
