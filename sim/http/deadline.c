/*
 * deadline.c - request head and body deadlines (see deadline.h).
 *
 * The records form one list under one lock, shared by the HTTP thread
 * (open, phase, close) and the watcher thread (the sweep). The watcher
 * uses a descriptor only while it holds the lock, and the HTTP thread
 * takes the lock to forget a connection before its descriptor is closed,
 * so a descriptor the watcher shuts down is always the connection's own.
 */
#include "deadline.h"

/* The kernel's struct tcp_info, which has tcpi_bytes_received (Linux 4.1;
 * glibc's copy of the struct stops before it). */
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "mono.h"
#include "xmalloc.h"

struct deadline {
    struct deadline *prev, *next;
    int fd;
    enum deadline_phase phase;
    int64_t since_ms;   /* when the phase began */
    int64_t base_bytes; /* HEAD: bytes received when it began; -1 unknown */
    int64_t first_ms;   /* HEAD: when a byte was first seen after; 0 before */
    int expired;        /* shut down already */
};

struct deadlines {
    int64_t timeout_ms; /* 0: off */
    pthread_t thread;
    int running, stopping;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct deadline *head; /* every open connection */
};

/* Bytes received on fd so far, or -1 when the kernel does not say. */
static int64_t
bytes_in(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);

    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1 ||
        len < offsetof(struct tcp_info, tcpi_bytes_received) +
                  sizeof(ti.tcpi_bytes_received))
        return -1;
    return (int64_t)ti.tcpi_bytes_received;
}

/*
 * Whether c is past its deadline at now. A head's clock starts when the
 * watcher first sees a byte of it: more bytes received than when the
 * phase began (at most DEADLINE_TICK_MS after it came, so in the
 * client's favour). An exact count, where the kernel's time of the last
 * data is only as fine as its clock tick.
 */
static int
late(const struct deadlines *d, struct deadline *c, int64_t now)
{
    int64_t b;

    if (c->expired || c->phase == DEADLINE_BUSY)
        return 0;
    if (c->phase == DEADLINE_BODY)
        return now - c->since_ms >= d->timeout_ms;
    if (c->first_ms == 0) {
        if (c->base_bytes < 0 || (b = bytes_in(c->fd)) <= c->base_bytes)
            return 0;
        c->first_ms = now;
    }
    return now - c->first_ms >= d->timeout_ms;
}

static void
sweep(struct deadlines *d)
{
    int64_t now = mono_ms();
    struct deadline *c;

    for (c = d->head; c != NULL; c = c->next) {
        if (!late(d, c, now))
            continue;
        /* The HTTP library reads the end of the stream and closes the
         * connection, telling deadline_close() first. */
        shutdown(c->fd, SHUT_RDWR);
        c->expired = 1;
        log_debug("httpd: closed a connection whose request %s took more "
                  "than %lld s to arrive",
                  c->phase == DEADLINE_HEAD ? "head" : "body",
                  (long long)(d->timeout_ms / 1000));
    }
}

static void *
watch_main(void *arg)
{
    struct deadlines *d = arg;
    struct timespec ts;
    int64_t due;

    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        if (d->head == NULL) {
            pthread_cond_wait(&d->cv, &d->mu);
            continue;
        }
        sweep(d);
        due = mono_ms() + DEADLINE_TICK_MS;
        ts.tv_sec = (time_t)(due / 1000);
        ts.tv_nsec = (long)(due % 1000) * 1000000;
        pthread_cond_timedwait(&d->cv, &d->mu, &ts);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

struct deadlines *
deadlines_start(unsigned timeout_s)
{
    struct deadlines *d = xcalloc(1, sizeof(*d));
    pthread_condattr_t ca;

    pthread_mutex_init(&d->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cv, &ca);
    pthread_condattr_destroy(&ca);
    d->timeout_ms = (int64_t)timeout_s * 1000;
    if (d->timeout_ms == 0)
        return d;
    d->running = pthread_create(&d->thread, NULL, watch_main, d) == 0;
    if (!d->running) {
        log_warnx("httpd: no watcher thread; requests have no deadline");
        d->timeout_ms = 0;
    }
    return d;
}

void
deadlines_stop(struct deadlines *d)
{
    if (d == NULL)
        return;
    if (d->running) {
        pthread_mutex_lock(&d->mu);
        d->stopping = 1;
        pthread_cond_signal(&d->cv);
        pthread_mutex_unlock(&d->mu);
        pthread_join(d->thread, NULL);
    }
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    while (d->head != NULL) { /* none, unless the caller forgot some */
        struct deadline *c = d->head;

        d->head = c->next;
        free(c);
    }
    free(d);
}

struct deadline *
deadline_open(struct deadlines *d, int fd)
{
    struct deadline *c;

    if (d->timeout_ms == 0)
        return NULL;
    c = xcalloc(1, sizeof(*c));
    c->fd = fd;
    c->phase = DEADLINE_HEAD;
    c->since_ms = mono_ms();
    c->base_bytes = bytes_in(fd);
    pthread_mutex_lock(&d->mu);
    c->next = d->head;
    if (d->head != NULL)
        d->head->prev = c;
    d->head = c;
    pthread_cond_signal(&d->cv); /* the watcher sleeps while none is open */
    pthread_mutex_unlock(&d->mu);
    return c;
}

void
deadline_phase(struct deadlines *d, struct deadline *c,
               enum deadline_phase phase)
{
    int64_t base;

    if (c == NULL)
        return;
    /* The descriptor is the caller's and open: no lock needed to ask. */
    base = phase == DEADLINE_HEAD ? bytes_in(c->fd) : -1;
    pthread_mutex_lock(&d->mu);
    c->phase = phase;
    c->since_ms = mono_ms();
    c->base_bytes = base;
    c->first_ms = 0;
    pthread_mutex_unlock(&d->mu);
}

void
deadline_close(struct deadlines *d, struct deadline *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&d->mu);
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        d->head = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&d->mu);
    free(c);
}
