/*
 * deadline.h - how long a request may take to arrive (slowloris).
 *
 * The HTTP library closes a connection only after a stretch of silence
 * (httpd.c's idle timeout), so a client that sends one byte a second holds
 * one for ever. deadline.c watches every connection: a request's head must
 * arrive within timeout_s seconds of its first byte, and its body within
 * timeout_s seconds of the head; past that the connection is shut down
 * without an answer (the request never arrived). Silence between requests
 * (keep-alive) and a request being answered (a delay fault, a slow reader)
 * are not watched here.
 *
 * The first byte of a head is seen through the kernel (TCP_INFO's count
 * of bytes received), checked every DEADLINE_TICK_MS on a thread of its
 * own, so the HTTP thread never waits and never reads for it. deadline.c owns
 * its records of the connections; the descriptors stay the caller's, who must
 * call deadline_close() before closing one.
 */
#ifndef SIM_DEADLINE_H
#define SIM_DEADLINE_H

#define DEADLINE_TICK_MS 250

enum deadline_phase {
    DEADLINE_HEAD, /* waiting for a request: its head is watched */
    DEADLINE_BODY, /* the head is in: its body is watched */
    DEADLINE_BUSY, /* the request is in: being answered, not watched */
};

struct deadlines;
struct deadline;

/*
 * Starts watching with timeout_s (0: nothing is ever shut down, and no
 * thread runs). Never NULL; caller stops with deadlines_stop() once no
 * connection is left open.
 */
struct deadlines *deadlines_start(unsigned timeout_s);
void deadlines_stop(struct deadlines *d);

/*
 * A new connection on fd, waiting for its first request. Returns its
 * record (owned by d until deadline_close()); NULL when d watches nothing.
 */
struct deadline *deadline_open(struct deadlines *d, int fd);
/* The connection moves to phase (now); c may be NULL. */
void deadline_phase(struct deadlines *d, struct deadline *c,
                    enum deadline_phase phase);
/* Forgets c (may be NULL): call it before fd is closed. */
void deadline_close(struct deadlines *d, struct deadline *c);

#endif
