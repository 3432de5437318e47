/*
 * mono.h - the monotonic clock, in milliseconds.
 *
 * The one reader of CLOCK_MONOTONIC for all three programs: waits, due
 * times, deadlines and durations. It never jumps with the wall clock and
 * means nothing across processes. Calendar time is timefmt_wall_ms(); the
 * sim's simulated time is clock.h's.
 */
#ifndef COMMON_MONO_H
#define COMMON_MONO_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC (pthread_condattr_setclock() and
 * friends may wait on the same clock). */
int64_t mono_ms(void);

#endif
