/*
 * rawhttp.h - raw HTTP for the hostile-input corpus and the soak clients.
 *
 * A corpus request file (tests/hostile/http/) holds the exact bytes to send,
 * with two conveniences that rawhttp_expand() resolves: {{N*TEXT}} repeats
 * TEXT N times (so a 100,000-bracket JSON body is one line of the file), and
 * ${NAME} placeholders take values only known at run time (the sim's
 * address, a fresh token). The rest of this module talks to a server over a
 * plain TCP socket, byte for byte, with no HTTP library in between, so that
 * what the sim answers to a malformed request is seen as it is sent.
 * Tests only: nothing here is linked into the programs.
 */
#ifndef TESTS_RAWHTTP_H
#define TESTS_RAWHTTP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Largest expansion of one corpus file, and largest count in {{N*TEXT}}. */
#define RAWHTTP_EXPAND_MAX (24u * 1024 * 1024)
#define RAWHTTP_REPEAT_MAX 10000000L
/* The answer's status line and headers kept by rawhttp_read() (the rest
 * is read and dropped). */
#define RAWHTTP_HEAD_MAX 8192

/* One ${NAME} placeholder and its value (borrowed). */
struct rawhttp_var {
    const char *name;
    const char *value;
};

/*
 * Expands len bytes of text into out (initialised here with cap max, at
 * most RAWHTTP_EXPAND_MAX; caller frees with buf_free(), also on failure).
 *   {{N*TEXT}}  TEXT repeated N times (1 <= N <= RAWHTTP_REPEAT_MAX); TEXT
 *               runs to the next "}}" and may hold \r \n \t \\ and \xHH.
 *   ${NAME}     the value of the entry of vars (a NULL name ends the array;
 *               vars may be NULL) named NAME; an unknown name stays as is.
 *   ${BODY_LEN} the number of bytes after the first blank line ("\r\n\r\n",
 *               else "\n\n") of the expanded text, for a Content-Length
 *               that matches a body built with {{N*TEXT}}.
 * Everything else is copied byte for byte, NUL bytes included. Returns 0,
 * or -1 with err for a malformed {{...}} or a result over max.
 */
int rawhttp_expand(const char *text, size_t len, const struct rawhttp_var *vars,
                   size_t max, struct buf *out, struct sf_err *err);

/* CLOCK_MONOTONIC in milliseconds, for deadlines and timings. */
long long rawhttp_clock_ms(void);

/* A connected TCP socket to the host and port of url ("http://H:P"), or
 * -1 with err. Caller closes it. */
int rawhttp_connect(const char *url, struct sf_err *err);
/* Writes n bytes (MSG_NOSIGNAL). 0, or -1 when the peer stopped reading or
 * closed (the caller decides whether that is a failure). */
int rawhttp_send(int fd, const void *p, size_t n);

/* What came back on a connection. */
enum rawhttp_end {
    RAWHTTP_ANSWER,  /* a complete final answer (1xx answers skipped) */
    RAWHTTP_CLOSED,  /* closed or reset before a complete answer */
    RAWHTTP_TIMEOUT, /* nothing complete within the time limit */
};

struct rawhttp_answer {
    enum rawhttp_end end;
    int status;                  /* of the final answer; 0 when none */
    char head[RAWHTTP_HEAD_MAX]; /* its status line and headers */
    size_t body_len;             /* body bytes read (and dropped) */
    size_t extra;                /* bytes read past the answer */
    size_t bytes;                /* every byte received, 1xx included */
};

/*
 * Reads one answer from fd, waiting at most timeout_ms for each piece:
 * the header block, then a body of its Content-Length (none after HEAD,
 * 1xx, 204 and 304; without a Content-Length, up to the close). Returns
 * a->end.
 */
enum rawhttp_end rawhttp_read(int fd, int head_request, int timeout_ms,
                              struct rawhttp_answer *a);
/*
 * After an answer: 1 when the server closes fd (end of file or reset)
 * within timeout_ms without sending anything more, 0 when more bytes
 * arrive, -1 when it is still open at the time limit.
 */
int rawhttp_wait_close(int fd, int timeout_ms);
/* 1 when fd has bytes (or an end of file) to read right now. */
int rawhttp_readable(int fd);

/*
 * GET path on a new connection to url, with "Host: <host:port of url>";
 * the status (with the answer in *a when a is not NULL), or 0 when no
 * complete answer came within timeout_ms.
 */
int rawhttp_get(const char *url, const char *path, int timeout_ms,
                struct rawhttp_answer *a);

#endif
