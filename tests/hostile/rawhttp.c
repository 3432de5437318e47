/*
 * rawhttp.c - raw HTTP for the hostile-input corpus (see rawhttp.h).
 */
#include "rawhttp.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BODY_LEN_VAR "BODY_LEN"
#define BODY_LEN_MAX_USES 4
#define VAR_NAME_MAX 64

/* --- expansion -------------------------------------------------------------
 */

/* Decodes the escapes of TEXT (s, n) into unit. -1 on a bad escape. */
static int
unescape(const char *s, size_t n, struct buf *unit)
{
    char hex[3] = {0, 0, 0};
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] != '\\') {
            buf_putc(unit, s[i]);
            continue;
        }
        if (++i == n)
            return -1;
        switch (s[i]) {
        case 'r': buf_putc(unit, '\r'); break;
        case 'n': buf_putc(unit, '\n'); break;
        case 't': buf_putc(unit, '\t'); break;
        case '\\': buf_putc(unit, '\\'); break;
        case 'x':
            if (i + 2 >= n)
                return -1;
            memcpy(hex, s + i + 1, 2);
            if (strspn(hex, "0123456789abcdefABCDEF") != 2)
                return -1;
            buf_putc(unit, (char)strtol(hex, NULL, 16));
            i += 2;
            break;
        default: return -1;
        }
    }
    return unit->toobig ? -1 : 0;
}

/*
 * One {{N*TEXT}} at text (len bytes left, starting with "{{"): appends
 * the repetition to out and returns the bytes consumed, or -1 with err.
 */
static long
expand_repeat(const char *text, size_t len, struct buf *out, struct sf_err *err)
{
    const char *end = memmem(text, len, "}}", 2);
    const char *star;
    struct buf unit;
    char *stop;
    long count, i;
    long rc = -1;

    buf_init(&unit, out->max);
    star = end != NULL ? memchr(text + 2, '*', (size_t)(end - text - 2)) : NULL;
    if (star == NULL) {
        err_set(err, "{{ without N*TEXT}}");
        goto out;
    }
    errno = 0;
    count = strtol(text + 2, &stop, 10);
    if (stop != star || errno != 0 || count < 1 || count > RAWHTTP_REPEAT_MAX) {
        err_set(err, "{{N*: N must be 1..%ld", RAWHTTP_REPEAT_MAX);
        goto out;
    }
    if (unescape(star + 1, (size_t)(end - star - 1), &unit) == -1) {
        err_set(err, "{{N*TEXT}}: bad escape in TEXT");
        goto out;
    }
    for (i = 0; i < count; i++) {
        if (unit.len > 0 && buf_append(out, unit.data, unit.len) == -1) {
            err_set(err, "expansion over %zu bytes", out->max);
            goto out;
        }
    }
    rc = end + 2 - text;
out:
    buf_free(&unit);
    return rc;
}

/* The value of placeholder name, or NULL when vars has none. */
static const char *
var_value(const struct rawhttp_var *vars, const char *name)
{
    for (; vars != NULL && vars->name != NULL; vars++)
        if (strcmp(vars->name, name) == 0)
            return vars->value;
    return NULL;
}

/* Offset of the first byte after the header block of b, or b->len. */
static size_t
body_start(const struct buf *b)
{
    const char *p;

    if (b->len == 0)
        return 0;
    p = memmem(b->data, b->len, "\r\n\r\n", 4);
    if (p != NULL)
        return (size_t)(p - b->data) + 4;
    p = memmem(b->data, b->len, "\n\n", 2);
    return p != NULL ? (size_t)(p - b->data) + 2 : b->len;
}

/* Writes the body length at each recorded offset of raw into out. */
static int
fill_body_len(const struct buf *raw, const size_t *at, size_t nat,
              struct buf *out, struct sf_err *err)
{
    size_t start = body_start(raw), from = 0, i;

    if (raw->len == 0)
        return 0;
    for (i = 0; i < nat; i++) {
        if (at[i] >= start && start < raw->len) {
            err_set(err, "${" BODY_LEN_VAR "} inside the body");
            return -1;
        }
        buf_append(out, raw->data + from, at[i] - from);
        buf_put_uint(out, raw->len - start);
        from = at[i];
    }
    buf_append(out, raw->data + from, raw->len - from);
    if (out->toobig) {
        err_set(err, "expansion over %zu bytes", out->max);
        return -1;
    }
    return 0;
}

/* One ${NAME} at text: appends its value (or records where the body
 * length goes) and returns the bytes consumed; 0 when text is no
 * placeholder; -1 with err when BODY_LEN is used too often. */
static long
expand_var(const char *text, size_t len, const struct rawhttp_var *vars,
           struct buf *out, size_t *at, size_t *nat, struct sf_err *err)
{
    const char *close =
        memchr(text, '}', len < VAR_NAME_MAX ? len : VAR_NAME_MAX);
    char name[VAR_NAME_MAX];
    const char *value;
    size_t n;

    if (close == NULL)
        return 0;
    n = (size_t)(close - text - 2);
    memcpy(name, text + 2, n);
    name[n] = '\0';
    if (strcmp(name, BODY_LEN_VAR) == 0) {
        if (*nat == BODY_LEN_MAX_USES) {
            err_set(err, "${" BODY_LEN_VAR "} used too often");
            return -1;
        }
        at[(*nat)++] = out->len;
        return (long)n + 3;
    }
    value = var_value(vars, name);
    if (value == NULL)
        return 0;
    buf_puts(out, value);
    return (long)n + 3;
}

int
rawhttp_expand(const char *text, size_t len, const struct rawhttp_var *vars,
               size_t max, struct buf *out, struct sf_err *err)
{
    size_t at[BODY_LEN_MAX_USES], nat = 0, i = 0;
    struct buf raw;
    long used;
    int rc = -1;

    if (max > RAWHTTP_EXPAND_MAX)
        max = RAWHTTP_EXPAND_MAX;
    buf_init(out, max);
    buf_init(&raw, max);
    while (i < len) {
        used = 0;
        if (len - i >= 2 && text[i] == '{' && text[i + 1] == '{')
            used = expand_repeat(text + i, len - i, &raw, err);
        else if (len - i >= 2 && text[i] == '$' && text[i + 1] == '{')
            used = expand_var(text + i, len - i, vars, &raw, at, &nat, err);
        if (used == -1)
            goto out;
        if (used == 0) {
            buf_putc(&raw, text[i]);
            used = 1;
        }
        i += (size_t)used;
        if (raw.toobig) {
            err_set(err, "expansion over %zu bytes", max);
            goto out;
        }
    }
    rc = fill_body_len(&raw, at, nat, out, err);
out:
    buf_free(&raw);
    return rc;
}

/* --- sockets ---------------------------------------------------------------
 */

long long
rawhttp_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Splits "http://HOST:PORT[/...]" into host and port. -1 when it is not. */
static int
split_url(const char *url, char *host, size_t hn, char *port, size_t pn)
{
    const char *h = strstr(url, "://");
    const char *colon, *end;

    h = h != NULL ? h + 3 : url;
    colon = strrchr(h, ':');
    if (colon == NULL || (size_t)(colon - h) >= hn)
        return -1;
    end = colon + 1 + strcspn(colon + 1, "/");
    if (end == colon + 1 || (size_t)(end - colon - 1) >= pn)
        return -1;
    memcpy(host, h, (size_t)(colon - h));
    host[colon - h] = '\0';
    memcpy(port, colon + 1, (size_t)(end - colon - 1));
    port[end - colon - 1] = '\0';
    return 0;
}

int
rawhttp_connect(const char *url, struct sf_err *err)
{
    struct addrinfo hints, *res = NULL, *ai;
    char host[128], port[16];
    int fd = -1, rc;

    if (split_url(url, host, sizeof(host), port, sizeof(port)) == -1) {
        err_set(err, "%s: not http://HOST:PORT", url);
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        err_set(err, "%s: %s", url, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd != -1 && connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
            err_set(err, "connect %s: %s", url, strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

int
rawhttp_send(int fd, const void *p, size_t n)
{
    const char *c = p;
    ssize_t w;

    while (n > 0) {
        w = send(fd, c, n, MSG_NOSIGNAL);
        if (w == -1 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Waits until fd is readable or the deadline passes: 1, 0 (time out). */
static int
wait_readable(int fd, long long deadline)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    long long left;
    int rc;

    for (;;) {
        left = deadline - rawhttp_clock_ms();
        if (left < 0)
            left = 0;
        rc = poll(&pfd, 1, (int)left);
        if (rc == -1 && errno == EINTR)
            continue;
        return rc > 0;
    }
}

int
rawhttp_readable(int fd)
{
    return wait_readable(fd, 0);
}

/* The value of header name in a header block, or -1 when absent. */
static long long
head_number(const char *head, const char *name)
{
    const char *p = head;
    size_t n = strlen(name);

    while ((p = strchr(p, '\n')) != NULL) {
        p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':')
            return strtoll(p + n + 1, NULL, 10);
    }
    return -1;
}

/* How many body bytes follow a head; -1: up to the close. */
static long long
body_length(const struct rawhttp_answer *a, int head_request)
{
    if (head_request || a->status == 204 || a->status == 304)
        return 0;
    return head_number(a->head, "Content-Length");
}

/* Reads more bytes into in (up to its free room). 1 read, 0 closed or
 * reset, -1 timed out. */
static int
fill(int fd, char *in, size_t *used, size_t room, long long deadline,
     struct rawhttp_answer *a)
{
    ssize_t r;

    if (!wait_readable(fd, deadline))
        return -1;
    r = recv(fd, in + *used, room - *used, 0);
    if (r <= 0)
        return 0;
    *used += (size_t)r;
    a->bytes += (size_t)r;
    return 1;
}

/* Moves a complete head at the start of in into a; its length, or 0. */
static size_t
take_head(char *in, size_t used, struct rawhttp_answer *a)
{
    const char *end = memmem(in, used, "\r\n\r\n", 4);
    size_t n;

    if (end == NULL)
        return 0;
    n = (size_t)(end - in) + 4;
    memcpy(a->head, in, n < RAWHTTP_HEAD_MAX ? n : RAWHTTP_HEAD_MAX - 1);
    a->head[n < RAWHTTP_HEAD_MAX ? n : RAWHTTP_HEAD_MAX - 1] = '\0';
    if (sscanf(a->head, "HTTP/%*d.%*d %d", &a->status) != 1)
        a->status = 0;
    return n;
}

enum rawhttp_end
rawhttp_read(int fd, int head_request, int timeout_ms, struct rawhttp_answer *a)
{
    long long deadline = rawhttp_clock_ms() + timeout_ms, want;
    char in[RAWHTTP_HEAD_MAX];
    size_t used = 0, n;
    int got;

    memset(a, 0, sizeof(*a));
    for (;;) {
        n = take_head(in, used, a);
        if (n > 0 && a->status >= 100 && a->status < 200) {
            memmove(in, in + n, used - n);
            used -= n;
            a->status = 0;
            continue;
        }
        if (n > 0)
            break;
        if (used == sizeof(in) ||
            (got = fill(fd, in, &used, sizeof(in), deadline, a)) == 0)
            return a->end = RAWHTTP_CLOSED;
        if (got == -1)
            return a->end = RAWHTTP_TIMEOUT;
    }
    want = body_length(a, head_request);
    a->body_len = used - n;
    while (want < 0 || (long long)a->body_len < want) {
        used = 0;
        got = fill(fd, in, &used, sizeof(in), deadline, a);
        if (got == 0 && want < 0)
            break;
        if (got != 1)
            return a->end = got == 0 ? RAWHTTP_CLOSED : RAWHTTP_TIMEOUT;
        a->body_len += used;
    }
    if (want >= 0 && (long long)a->body_len > want) {
        a->extra = a->body_len - (size_t)want;
        a->body_len = (size_t)want;
    }
    return a->end = RAWHTTP_ANSWER;
}

int
rawhttp_wait_close(int fd, int timeout_ms)
{
    char c;
    ssize_t r;

    if (!wait_readable(fd, rawhttp_clock_ms() + timeout_ms))
        return -1;
    r = recv(fd, &c, 1, 0);
    return r <= 0 ? 1 : 0;
}

int
rawhttp_get(const char *url, const char *path, int timeout_ms,
            struct rawhttp_answer *a)
{
    struct rawhttp_answer local;
    char host[128], port[16], req[512];
    int fd, n;

    if (a == NULL)
        a = &local;
    memset(a, 0, sizeof(*a));
    if (split_url(url, host, sizeof(host), port, sizeof(port)) == -1)
        return 0;
    fd = rawhttp_connect(url, NULL);
    if (fd == -1)
        return 0;
    n = snprintf(req, sizeof(req),
                 "GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n",
                 path, host, port);
    if (n > 0 && (size_t)n < sizeof(req) &&
        rawhttp_send(fd, req, (size_t)n) == 0)
        (void)rawhttp_read(fd, 0, timeout_ms, a);
    close(fd);
    return a->end == RAWHTTP_ANSWER ? a->status : 0;
}
