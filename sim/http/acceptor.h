/*
 * acceptor.h - the HTTPS port's own accept loop, which tells TLS from
 * plain HTTP before the TLS library sees a byte.
 *
 * A client that speaks plain HTTP to a TLS port would otherwise get a
 * failed handshake: a closed connection, or a hang while the TLS library
 * waits for a record that never comes. This thread accepts every
 * connection, waits (bounded) for its first byte and looks at it without
 * reading it: 0x16, a TLS handshake record, hands the connection to the
 * server; anything else gets a fixed plain-HTTP answer (a 400 saying the
 * port speaks HTTPS), its request is read and dropped so that closing
 * does not reset the answer away, and it is closed. Knows no HTTP library:
 * the hand-off is a callback.
 */
#ifndef SIM_ACCEPTOR_H
#define SIM_ACCEPTOR_H

#include <sys/socket.h>

#include "err.h"

/* Connections waiting for their first byte (or draining after the plain
 * answer); past it, new ones wait in the kernel's backlog. */
#define ACCEPTOR_MAX_PENDING 1024
/* How long a connection may take to send its first byte. */
#define ACCEPTOR_FIRST_BYTE_MS 10000
/* How long a plain-HTTP client's request is read after the answer. */
#define ACCEPTOR_DRAIN_MS 2000

/*
 * Takes a connected socket (non-blocking) whose first byte is a TLS
 * record; it owns fd from then on, even when it fails. Runs on the
 * acceptor's thread.
 */
typedef void acceptor_handoff_fn(void *arg, int fd, const struct sockaddr *sa,
                                 socklen_t salen);

struct acceptor;

/*
 * Starts the thread on listen_fd (a listening socket, owned from now on,
 * even on failure). plain_answer (copied) is sent whole to a client whose
 * first byte is not 0x16. NULL (err set) when the thread cannot start.
 * Caller stops it with acceptor_stop().
 */
struct acceptor *acceptor_start(int listen_fd, acceptor_handoff_fn *handoff,
                                void *arg, const char *plain_answer,
                                struct sf_err *err);
/* Stops accepting, closes the listening socket and every connection not
 * handed off yet, joins the thread, frees. */
void acceptor_stop(struct acceptor *a);

#endif
