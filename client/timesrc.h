/*
 * timesrc.h - the client's one source of time.
 *
 * Two clocks are kept apart on purpose. Calendar time (epoch ms) drives the
 * rolling windows that must agree with the org: the Web-to-Lead 24 h budget,
 * dedup windows, token session age. In conformance mode it starts at
 * SFCONFORM_NOW, so "a day later" in simulated time is a day later here.
 * Monotonic time drives waits (backoff, timeouts) and never jumps.
 * Nothing else in client/ calls time(), clock_gettime() or gettimeofday().
 */
#ifndef CLIENT_TIMESRC_H
#define CLIENT_TIMESRC_H

#include <stdint.h>

struct timesrc {
    int64_t base_ms;  /* calendar time at start */
    int64_t mono0_ms; /* monotonic time at start */
    int frozen;       /* tests: calendar time stays at base_ms */
};

/*
 * Starts the clock. now_rfc3339 (may be NULL) overrides the calendar start
 * (SFCONFORM_NOW). Returns 0, or -1 when the string is not RFC 3339.
 */
int timesrc_init(struct timesrc *t, const char *now_rfc3339);
/* A clock fixed at ms, for unit tests; timesrc_set() moves it. */
void timesrc_init_fixed(struct timesrc *t, int64_t ms);
void timesrc_set(struct timesrc *t, int64_t ms);
/* Calendar time now, epoch milliseconds. */
int64_t timesrc_now_ms(const struct timesrc *t);
/* Monotonic milliseconds, for due times and waits. */
int64_t timesrc_mono_ms(void);
/* Sleeps ms milliseconds of real time (outside the delivery loop only). */
void timesrc_sleep_ms(int64_t ms);

#endif
