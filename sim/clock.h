/*
 * clock.h - simulated time: the only place in the sim that knows "now".
 *
 * Every expiry, rolling window and timestamp in the sim asks clock_now().
 * The clock starts at the real time (or at the org's configured start) and
 * then either runs with real elapsed time (default) or stands still until
 * told to move (frozen). POST /__sim/clock moves it forward; it never goes
 * backwards, so windows and expiries stay consistent.
 */
#ifndef SIM_CLOCK_H
#define SIM_CLOCK_H

#include <stdint.h>

struct simclock {
    int64_t base_ms;   /* simulated time at mono_base */
    int64_t mono_base; /* CLOCK_MONOTONIC ms when base_ms was set */
    int64_t last_ms;   /* highest value returned, for monotonicity */
    int frozen;        /* 1: only advance/set move the clock */
};

/* start_ms < 0 means "the real time now". */
void clock_init(struct simclock *c, int64_t start_ms, int frozen);
/* Simulated epoch milliseconds; never decreases. */
int64_t clock_now(struct simclock *c);
/* Moves forward by ms (>= 0). */
void clock_advance(struct simclock *c, int64_t ms);
/* Jumps to ms; -1 if ms is earlier than now (the clock never goes back). */
int clock_set(struct simclock *c, int64_t ms);
void clock_set_frozen(struct simclock *c, int frozen);

#endif
