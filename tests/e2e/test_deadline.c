/*
 * test_deadline.c - --request-timeout: a request's head, then its body,
 * must arrive in time (slowloris), while silence between requests and a
 * slow answer (a delay fault) are left alone.
 *
 * The sim runs with a 1 s deadline; the slow clients send a byte every
 * TRICKLE_MS and must be closed within GIVE_UP_MS (a generous bound: the
 * sim closes them after about 1 s, and without the deadline it would not
 * close them at all, its idle timeout being 60 s of silence).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "mono.h"
#include "simtest.h"

#define DEADLINE_S "1"
#define TRICKLE_MS 200
#define GIVE_UP_MS 15000
#define IDLE_MS 1600 /* longer than the deadline */

static int
setup(void **state)
{
    const char *args[] = {"--request-timeout", DEADLINE_S, NULL};
    struct simtest *t = calloc(1, sizeof(*t));

    simtest_start(t, args);
    *state = t;
    return 0;
}

static int
connect_sim(const struct simtest *t)
{
    const char *colon = strrchr(t->proc.url, ':');
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    assert_non_null(colon);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Reads what arrives within ms, or until an answer's head is in, into out
 * (size n, NUL-terminated): 1 when the peer closed (or reset) the
 * connection, 0 when it is still open. */
static int
read_for(int fd, long ms, char *out, size_t n)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    size_t len = 0;
    int64_t end = mono_ms() + ms;
    ssize_t got;

    out[0] = '\0';
    while (mono_ms() < end && strstr(out, "\r\n\r\n") == NULL) {
        if (poll(&p, 1, (int)(end - mono_ms())) <= 0)
            continue;
        got = recv(fd, out + len, n - 1 - len, 0);
        if (got <= 0)
            return 1;
        len += (size_t)got;
        out[len] = '\0';
        if (len == n - 1)
            len = 0; /* keep reading; only the tail is kept */
    }
    return 0;
}

/*
 * Sends head (whole) then trickle one byte every TRICKLE_MS; returns the
 * milliseconds until the sim closed the connection, -1 if it never did
 * within GIVE_UP_MS. Nothing may be answered.
 */
static long
trickle(const struct simtest *t, const char *head, const char *trickle)
{
    int fd = connect_sim(t);
    int64_t start = mono_ms();
    char got[256];
    long took = -1;
    size_t i;

    if (*head != '\0')
        assert_true(send(fd, head, strlen(head), MSG_NOSIGNAL) > 0);
    for (i = 0; mono_ms() - start < GIVE_UP_MS; i++) {
        if (send(fd, trickle + i % strlen(trickle), 1, MSG_NOSIGNAL) != 1 ||
            read_for(fd, TRICKLE_MS, got, sizeof(got)) == 1) {
            took = (long)(mono_ms() - start);
            break;
        }
    }
    assert_string_equal(got, "");
    close(fd);
    return took;
}

static void
test_slow_head_closed(void **state)
{
    struct simtest *t = *state;

    long st = 0;

    assert_true(trickle(t, "", "GET /__sim/health HTTP/1.1\r\nX-Slow: aaa") >=
                0);
    /* The sim still serves others. */
    json_decref(httpc_get_json(t->http, "/__sim/health", &st));
    assert_int_equal(st, 200);
}

static void
test_slow_body_closed(void **state)
{
    struct simtest *t = *state;

    assert_true(trickle(t,
                        "POST /servlet/servlet.WebToLead HTTP/1.1\r\n"
                        "Host: 127.0.0.1\r\nContent-Type: "
                        "application/x-www-form-urlencoded\r\n"
                        "Content-Length: 100000\r\n\r\n",
                        "a=b&") >= 0);
}

/* A complete request answered, then a partial one trickled behind it:
 * the first is answered, the second is held to the deadline. */
static void
test_slow_pipelined_head_closed(void **state)
{
    struct simtest *t = *state;
    const char *req = "GET /__sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    int fd = connect_sim(t);
    int64_t start;
    char got[4096];
    int closed = 0;

    assert_true(send(fd, req, strlen(req), MSG_NOSIGNAL) > 0);
    assert_int_equal(read_for(fd, 500, got, sizeof(got)), 0);
    assert_non_null(strstr(got, "HTTP/1.1 200"));
    for (start = mono_ms(); !closed && mono_ms() - start < GIVE_UP_MS;)
        closed = send(fd, "G", 1, MSG_NOSIGNAL) != 1 ||
                 read_for(fd, TRICKLE_MS, got, sizeof(got)) == 1;
    assert_true(closed);
    close(fd);
}

/* Silence is not slowness: a new connection and a kept-alive one both
 * wait longer than the deadline before their request, and are served. */
static void
test_idle_connections_served(void **state)
{
    struct simtest *t = *state;
    const char *req = "GET /__sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    int fd = connect_sim(t);
    char got[4096];
    int i;

    for (i = 0; i < 2; i++) {
        sleep_ms(IDLE_MS);
        assert_true(send(fd, req, strlen(req), MSG_NOSIGNAL) > 0);
        assert_int_equal(read_for(fd, 1000, got, sizeof(got)), 0);
        assert_non_null(strstr(got, "HTTP/1.1 200"));
    }
    close(fd);
}

/* A delay fault longer than the deadline: the request is in, so only its
 * answer is slow, and it comes. */
static void
test_delay_fault_answered(void **state)
{
    struct simtest *t = *state;
    const char *req = "GET /services/data/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    long st = 0;
    char got[4096];
    int fd;
    json_t *j;

    j = httpc_send_json(t->http, "POST", "/__sim/faults",
                        "{\"path\": \"/services/data\", \"action\": "
                        "\"delay\", \"delay_ms\": 1600, \"times\": 1}",
                        &st);
    assert_int_equal(st, 201);
    json_decref(j);
    fd = connect_sim(t);
    assert_true(send(fd, req, strlen(req), MSG_NOSIGNAL) > 0);
    assert_int_equal(read_for(fd, 5000, got, sizeof(got)), 0);
    assert_non_null(strstr(got, "HTTP/1.1 200"));
    close(fd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slow_head_closed),
        cmocka_unit_test(test_slow_body_closed),
        cmocka_unit_test(test_slow_pipelined_head_closed),
        cmocka_unit_test(test_idle_connections_served),
        cmocka_unit_test(test_delay_fault_answered),
    };

    return cmocka_run_group_tests_name("deadline", tests, setup,
                                       simtest_teardown);
}
