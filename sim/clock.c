/*
 * clock.c - simulated time (see clock.h).
 */
#include "clock.h"

#include "mono.h"
#include "timefmt.h"

void
clock_init(struct simclock *c, int64_t start_ms, int frozen)
{
    c->base_ms = start_ms >= 0 ? start_ms : timefmt_wall_ms();
    c->mono_base = mono_ms();
    c->last_ms = c->base_ms;
    c->frozen = frozen;
}

int64_t
clock_now(struct simclock *c)
{
    int64_t now = c->base_ms;

    if (!c->frozen)
        now += mono_ms() - c->mono_base;
    if (now < c->last_ms)
        now = c->last_ms;
    c->last_ms = now;
    return now;
}

static void
clock_rebase(struct simclock *c, int64_t ms)
{
    c->base_ms = ms;
    c->mono_base = mono_ms();
    c->last_ms = ms;
}

void
clock_advance(struct simclock *c, int64_t ms)
{
    if (ms > 0)
        clock_rebase(c, clock_now(c) + ms);
}

int
clock_set(struct simclock *c, int64_t ms)
{
    if (ms < clock_now(c))
        return -1;
    clock_rebase(c, ms);
    return 0;
}

void
clock_set_frozen(struct simclock *c, int frozen)
{
    clock_rebase(c, clock_now(c));
    c->frozen = frozen;
}
