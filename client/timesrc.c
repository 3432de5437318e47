/*
 * timesrc.c - calendar and monotonic time for the client (see timesrc.h).
 */
#include "timesrc.h"

#include <errno.h>
#include <time.h>

#include "mono.h"
#include "timefmt.h"

int64_t
timesrc_mono_ms(void)
{
    return mono_ms();
}

int
timesrc_init(struct timesrc *t, const char *now_rfc3339)
{
    t->frozen = 0;
    t->mono0_ms = timesrc_mono_ms();
    if (now_rfc3339 == NULL || *now_rfc3339 == '\0') {
        t->base_ms = timefmt_wall_ms();
        return 0;
    }
    if (timefmt_parse(now_rfc3339, &t->base_ms) == -1) {
        t->base_ms = timefmt_wall_ms();
        return -1;
    }
    return 0;
}

void
timesrc_init_fixed(struct timesrc *t, int64_t ms)
{
    t->base_ms = ms;
    t->mono0_ms = 0;
    t->frozen = 1;
}

void
timesrc_set(struct timesrc *t, int64_t ms)
{
    t->base_ms = ms;
}

int64_t
timesrc_now_ms(const struct timesrc *t)
{
    if (t->frozen)
        return t->base_ms;
    /* Simulated time advances with real elapsed time during one run, so
     * that a long batch still ages its own window entries. */
    return t->base_ms + (timesrc_mono_ms() - t->mono0_ms);
}

void
timesrc_sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000};

    while (ms > 0 && nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}
