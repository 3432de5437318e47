/*
 * acceptor.c - the TLS port's accept-and-sniff loop (see acceptor.h).
 *
 * One thread polls the listening socket, a pipe that stops it, and the
 * accepted connections not yet decided. Every socket is non-blocking, so
 * a slow or silent client never holds the others up; each connection has
 * a deadline, and their number is bounded.
 */
#include "acceptor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mono.h"
#include "xmalloc.h"

#define TLS_HANDSHAKE_RECORD 0x16
/* After EMFILE and the like, the listening socket rests this long (it
 * would otherwise stay readable and spin the loop). */
#define ACCEPT_BACKOFF_MS 100
#define DRAIN_CHUNK 4096

struct pending {
    int fd;
    struct sockaddr_storage sa;
    socklen_t salen;
    int64_t due_ms;
    int answered; /* the plain answer is sent; reading the rest */
};

struct acceptor {
    int listen_fd;
    int wake[2]; /* writing wake[1] stops the thread */
    pthread_t thread;
    acceptor_handoff_fn *handoff;
    void *arg;
    char *answer;
    size_t answer_len;
    struct pending *conns;
    size_t n;
    struct pollfd *fds; /* wake, listen, then conns[0..n) */
    int64_t listen_rest_until;
};

static void
drop(struct acceptor *a, size_t i)
{
    close(a->conns[i].fd);
    a->conns[i] = a->conns[--a->n];
}

static void
accept_new(struct acceptor *a, int64_t now)
{
    struct pending *p;
    int fd;

    while (a->n < ACCEPTOR_MAX_PENDING) {
        p = &a->conns[a->n];
        p->salen = sizeof(p->sa);
        fd = accept4(a->listen_fd, (struct sockaddr *)&p->sa, &p->salen,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd == -1) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                errno != ECONNABORTED)
                a->listen_rest_until = now + ACCEPT_BACKOFF_MS;
            return;
        }
        p->fd = fd;
        p->due_ms = now + ACCEPTOR_FIRST_BYTE_MS;
        p->answered = 0;
        a->n++;
    }
}

/* Reads and drops what the client sent; 0 when it is done (EOF, error,
 * or nothing more for now), -1 when the connection should go. */
static int
drain(int fd)
{
    char buf[DRAIN_CHUNK];
    ssize_t got;

    for (;;) {
        got = recv(fd, buf, sizeof(buf), 0);
        if (got > 0)
            continue;
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (got == -1 && errno == EINTR)
            continue;
        return -1;
    }
}

/*
 * A readable undecided connection: handed off (returns 1: no longer
 * ours), answered, or dropped (-1). 0: keep it.
 */
static int
decide(struct acceptor *a, size_t i, int64_t now)
{
    struct pending *p = &a->conns[i];
    unsigned char first;
    ssize_t got;

    if (p->answered)
        return drain(p->fd);
    got = recv(p->fd, &first, 1, MSG_PEEK);
    if (got == -1 &&
        (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (got != 1)
        return -1;
    if (first == TLS_HANDSHAKE_RECORD) {
        a->handoff(a->arg, p->fd, (struct sockaddr *)&p->sa, p->salen);
        return 1;
    }
    /* Plain text: read what came so far, so that the answer is not sent
     * while unread data waits (a close would then reset it away). The
     * answer is small enough for an empty send buffer. */
    if (drain(p->fd) == -1 || send(p->fd, a->answer, a->answer_len,
                                   MSG_NOSIGNAL) != (ssize_t)a->answer_len)
        return -1;
    shutdown(p->fd, SHUT_WR);
    p->answered = 1;
    p->due_ms = now + ACCEPTOR_DRAIN_MS;
    return 0;
}

/* Poll timeout until the earliest deadline (-1: none). */
static int
next_timeout(const struct acceptor *a, int64_t now)
{
    int64_t t = -1, d;
    size_t i;

    if (a->listen_rest_until > now)
        t = a->listen_rest_until - now;
    for (i = 0; i < a->n; i++) {
        d = a->conns[i].due_ms > now ? a->conns[i].due_ms - now : 0;
        if (t == -1 || d < t)
            t = d;
    }
    return (int)t;
}

static void
serve_ready(struct acceptor *a, size_t npoll, int64_t now)
{
    size_t i, j;
    int r;

    /* conns[] changes as connections go; match the polled ones by fd. */
    for (j = 2; j < npoll; j++) {
        if (a->fds[j].revents == 0)
            continue;
        for (i = 0; i < a->n && a->conns[i].fd != a->fds[j].fd; i++)
            ;
        if (i == a->n)
            continue;
        r = decide(a, i, now);
        if (r == 1)
            a->conns[i] = a->conns[--a->n]; /* handed off: not ours */
        else if (r == -1)
            drop(a, i);
    }
    for (i = 0; i < a->n;) {
        if (a->conns[i].due_ms <= now)
            drop(a, i);
        else
            i++;
    }
}

static void *
acceptor_main(void *arg)
{
    struct acceptor *a = arg;
    size_t i, npoll;
    int64_t now;

    for (;;) {
        now = mono_ms();
        a->fds[0] = (struct pollfd){a->wake[0], POLLIN, 0};
        a->fds[1] = (struct pollfd){
            a->listen_fd,
            a->n < ACCEPTOR_MAX_PENDING && a->listen_rest_until <= now ? POLLIN
                                                                       : 0,
            0};
        for (i = 0; i < a->n; i++)
            a->fds[2 + i] = (struct pollfd){a->conns[i].fd, POLLIN, 0};
        npoll = 2 + a->n;
        if (poll(a->fds, npoll, next_timeout(a, now)) == -1 && errno != EINTR)
            break;
        now = mono_ms();
        if (a->fds[0].revents != 0)
            break;
        serve_ready(a, npoll, now);
        if (a->fds[1].revents & POLLIN)
            accept_new(a, now);
    }
    return NULL;
}

struct acceptor *
acceptor_start(int listen_fd, acceptor_handoff_fn *handoff, void *arg,
               const char *plain_answer, struct sf_err *err)
{
    struct acceptor *a = xcalloc(1, sizeof(*a));

    a->listen_fd = listen_fd;
    a->wake[0] = a->wake[1] = -1;
    a->handoff = handoff;
    a->arg = arg;
    a->answer = xstrdup(plain_answer);
    a->answer_len = strlen(plain_answer);
    a->conns = xcalloc(ACCEPTOR_MAX_PENDING, sizeof(*a->conns));
    a->fds = xcalloc(ACCEPTOR_MAX_PENDING + 2, sizeof(*a->fds));
    if (fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK) ==
            -1 ||
        pipe2(a->wake, O_CLOEXEC | O_NONBLOCK) == -1 ||
        pthread_create(&a->thread, NULL, acceptor_main, a) != 0) {
        err_set(err, "cannot start the HTTPS accept thread: %s",
                strerror(errno));
        if (a->wake[0] != -1) {
            close(a->wake[0]);
            close(a->wake[1]);
        }
        a->wake[0] = -1;
        acceptor_stop(a);
        return NULL;
    }
    return a;
}

void
acceptor_stop(struct acceptor *a)
{
    char c = 0;

    if (a == NULL)
        return;
    if (a->wake[0] != -1) {
        while (write(a->wake[1], &c, 1) == -1 && errno == EINTR)
            ;
        pthread_join(a->thread, NULL);
        close(a->wake[0]);
        close(a->wake[1]);
    }
    while (a->n > 0)
        drop(a, a->n - 1);
    close(a->listen_fd);
    free(a->answer);
    free(a->conns);
    free(a->fds);
    free(a);
}
