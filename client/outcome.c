/*
 * outcome.c - appending and re-reading the outcomes file (see outcome.h).
 */
#include "outcome.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "jwrite.h"
#include "log.h"
#include "timesrc.h"
#include "utf8.h"
#include "xmalloc.h"

#define OUTCOME_NAME(e, s) s,
static const char *const outcome_names[OUTCOME_COUNT] = {
    OUTCOME_LIST(OUTCOME_NAME)};
#undef OUTCOME_NAME

const char *
outcome_name(enum outcome o)
{
    return (unsigned)o < OUTCOME_COUNT ? outcome_names[o] : "?";
}

int
outcome_parse(const char *name, enum outcome *out)
{
    for (int i = 0; i < OUTCOME_COUNT; i++)
        if (strcmp(outcome_names[i], name) == 0) {
            *out = (enum outcome)i;
            return 0;
        }
    return -1;
}

static int
write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w == -1 && errno == EINTR)
            continue;
        if (w == -1)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* The bytes after the last newline in the final OUTCOME_TAIL_MAX of the
 * file: a crash may leave part of a line there. */
#define OUTCOME_TAIL_MAX (1024 * 1024)
/* Room to stage a line's head: a lead id is at most 255 bytes. */
#define OUTCOME_HEAD_STAGE 512

/*
 * A crash (or a write cut short) can leave a torn last line. A tail that
 * is a whole JSON object only lacks its newline and gets one; anything
 * else is cut off, so that every line in the file stands whole. *size
 * gets the file's size after.
 */
static int
recover_tail(int fd, const char *path, off_t *size)
{
    struct stat st;
    char *tail = NULL;
    off_t from;
    ssize_t n, i;
    json_t *obj = NULL;
    int rc = -1;

    if (fstat(fd, &st) == -1)
        return -1;
    *size = st.st_size;
    if (!S_ISREG(st.st_mode) || st.st_size == 0)
        return 0;
    from = st.st_size > OUTCOME_TAIL_MAX ? st.st_size - OUTCOME_TAIL_MAX : 0;
    tail = xmalloc((size_t)(st.st_size - from));
    n = pread(fd, tail, (size_t)(st.st_size - from), from);
    if (n != st.st_size - from)
        goto out;
    for (i = n; i > 0 && tail[i - 1] != '\n'; i--)
        ;
    if (i == n) {
        rc = 0;
        goto out;
    }
    obj = json_loadb(tail + i, (size_t)(n - i), 0, NULL);
    /* A line longer than the tail read is kept whole: nothing sfdeliver
     * writes is that long. */
    if (json_is_object(obj) || (i == 0 && from > 0)) {
        rc = write_all(fd, "\n", 1);
        *size += 1;
        goto out;
    }
    log_warnx("%s: removed a torn last line (%zd bytes) left by an "
              "interrupted run",
              path, n - i);
    *size = from + i;
    rc = ftruncate(fd, *size);
out:
    json_decref(obj);
    free(tail);
    return rc;
}

int
outcome_open(struct outcome_file *o, const char *path, struct sf_err *err)
{
    memset(o, 0, sizeof(*o));
    o->synced_ms = timesrc_mono_ms();
    buf_init(&o->pending, OUTCOME_PENDING_MAX);
    buf_init(&o->lost, OUTCOME_PENDING_MAX);
    o->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (o->fd == -1 || recover_tail(o->fd, path, &o->size) == -1) {
        err_set(err, "%s: %s", path, strerror(errno));
        if (o->fd != -1)
            close(o->fd);
        o->fd = -1;
        return -1;
    }
    return 0;
}

/*
 * Appends v as compact JSON, the text of json_dumps(v, JSON_COMPACT |
 * JSON_ENCODE_ANY) (jwrite). A string that is not UTF-8, which jansson
 * never builds from checked input, would make json_dumps() fail: it is
 * written as null rather than break the line.
 */
static void
put_json(struct buf *b, const json_t *v)
{
    size_t mark = b->len;

    if (jwrite_value(b, v) == 0 || b->toobig)
        return;
    b->len = mark;
    b->data[mark] = '\0';
    buf_puts(b, "null");
}

/* Keeps the line at [from, to) of pending as not written. */
static void
lose(struct outcome_file *o, size_t from, size_t to, int sent)
{
    o->unwritten++;
    if (!sent)
        return;
    o->unwritten_sent++;
    buf_append(&o->lost, o->pending.data + from, to - from);
}

/* The gathered lines could not be written: the file is cut back to its
 * last whole line, and from now on nothing more is written. */
static void
broke(struct outcome_file *o, int errnum)
{
    size_t from = 0;

    snprintf(o->error, sizeof(o->error), "%s", strerror(errnum));
    o->broken = 1;
    /* A pipe or terminal cannot be cut; what went out stays out. */
    if (ftruncate(o->fd, o->size) == -1 && errno != EINVAL)
        log_warn("cutting the outcomes file back to its last whole line");
    for (size_t i = 0; i < o->nmarks; i++) {
        lose(o, from, o->marks[i].end, o->marks[i].sent);
        from = o->marks[i].end;
    }
}

/* Writes the gathered lines with one write(2): O_APPEND makes it land
 * whole at the end of the file. */
static int
flush(struct outcome_file *o)
{
    int rc = 0;

    if (o->broken)
        return -1;
    if (o->pending.len == 0)
        return 0;
    if (write_all(o->fd, o->pending.data, o->pending.len) == -1) {
        broke(o, errno);
        rc = -1;
    } else
        o->size += (off_t)o->pending.len;
    o->dirty = 1;
    buf_reset(&o->pending);
    o->nmarks = 0;
    return rc;
}

/* Starts a line with the members every line has. */
static void
put_head(struct buf *b, const char *lead_id, enum outcome outcome, int attempts)
{
    static const char h1[] = "{\"lead_id\":\"", h2[] = "\",\"outcome\":\"",
                      h3[] = "\",\"attempts\":";
    const char *name = outcome_name(outcome);
    size_t nid = strlen(lead_id), nn = strlen(name), t = 0;
    char tmp[OUTCOME_HEAD_STAGE];

    /* An id that needs no escape (as nearly every one): the head in one
     * piece, the bytes jwrite_str() would write. */
    if (nid + nn + sizeof(h1) + sizeof(h2) + sizeof(h3) <= sizeof(tmp) &&
        jwrite_plain_run(lead_id, nid) == nid &&
        jwrite_plain_run(name, nn) == nn) {
        memcpy(tmp, h1, sizeof(h1) - 1);
        t = sizeof(h1) - 1;
        memcpy(tmp + t, lead_id, nid);
        t += nid;
        memcpy(tmp + t, h2, sizeof(h2) - 1);
        t += sizeof(h2) - 1;
        memcpy(tmp + t, name, nn);
        t += nn;
        memcpy(tmp + t, h3, sizeof(h3) - 1);
        t += sizeof(h3) - 1;
        buf_append(b, tmp, t);
        buf_put_int(b, attempts);
        return;
    }
    buf_puts(b, "{\"lead_id\":");
    jwrite_str(b, lead_id, strlen(lead_id));
    buf_puts(b, ",\"outcome\":");
    jwrite_str(b, name, strlen(name));
    buf_puts(b, ",\"attempts\":");
    buf_put_int(b, attempts);
}

/* Appends ,"key":"value" when value is set; bytes of value that are not
 * UTF-8 (a server's text, say) become U+FFFD rather than break the line. */
static void
put_member(struct buf *b, const char *key, const char *value)
{
    char *fixed;
    size_t n;

    if (value == NULL)
        return;
    n = strlen(value);
    jwrite_key(b, 1, key, strlen(key));
    if (utf8_valid(value, n)) {
        jwrite_str(b, value, n);
        return;
    }
    fixed = xmalloc(3 * n + 1);
    jwrite_str(b, fixed, utf8_fix(value, n, fixed, NULL));
    free(fixed);
}

/* Ends the line begun at mark: dropped if it grew too large, kept aside
 * if the file is broken, and the gathered lines written once there are
 * enough of them. */
static int
end_line(struct outcome_file *o, size_t mark, const char *lead_id, int sent)
{
    struct buf *b = &o->pending;

    buf_puts(b, "}\n");
    if (b->toobig) {
        /* Only a line of megabytes could get here: keep the lines before
         * it, and say which lead lost its line. */
        log_warnx("outcome of lead %s too large to write", lead_id);
        b->len = mark;
        b->data[mark] = '\0';
        b->toobig = 0;
        return -1;
    }
    if (o->broken) {
        lose(o, mark, b->len, sent);
        b->len = mark;
        b->data[mark] = '\0';
        return -1;
    }
    if (o->nmarks == o->capmarks) {
        o->capmarks = o->capmarks ? o->capmarks * 2 : 64;
        o->marks = xreallocarray(o->marks, o->capmarks, sizeof(*o->marks));
    }
    o->marks[o->nmarks++] = (struct outcome_mark){b->len, sent};
    if (b->len >= OUTCOME_FLUSH_BYTES)
        return flush(o);
    return 0;
}

int
outcome_write(struct outcome_file *o, const char *lead_id, enum outcome outcome,
              int attempts, const struct outcome_detail *d, json_t *extra)
{
    struct buf *b = &o->pending;
    size_t mark = b->len;
    const char *key;
    json_t *v;

    put_head(b, lead_id, outcome, attempts);
    if (d != NULL && d->status != 0) {
        buf_puts(b, ",\"status\":");
        buf_put_int(b, d->status);
    }
    if (d != NULL) {
        put_member(b, "reason", d->reason);
        put_member(b, "error", d->error);
        put_member(b, "retry_at", d->retry_at);
    }
    /* The three members above win over extra's (json_object_update_missing
     * semantics); extra's own order is kept. */
    json_object_foreach(extra, key, v) {
        if (strcmp(key, "lead_id") == 0 || strcmp(key, "outcome") == 0 ||
            strcmp(key, "attempts") == 0)
            continue;
        jwrite_key(b, 1, key, strlen(key));
        put_json(b, v);
    }
    json_decref(extra);
    return end_line(o, mark, lead_id, attempts > 0);
}

int
outcome_tick(struct outcome_file *o, int64_t mono_ms)
{
    int rc;

    if (o->fd == -1)
        return 0;
    rc = flush(o);
    if (!o->dirty || mono_ms - o->synced_ms < OUTCOME_SYNC_MS)
        return rc;
    /* A pipe or terminal cannot be synced (EINVAL); that is fine. */
    if (fdatasync(o->fd) == -1 && errno != EINVAL && errno != EROFS &&
        !o->broken)
        broke(o, errno);
    o->dirty = 0;
    o->synced_ms = mono_ms;
    return o->broken ? -1 : rc;
}

int
outcome_close(struct outcome_file *o)
{
    int rc = 0;

    if (o->fd == -1)
        return 0;
    if (flush(o) == -1)
        rc = -1;
    if (!o->broken && fsync(o->fd) == -1 && errno != EINVAL && errno != EROFS) {
        broke(o, errno);
        rc = -1;
    }
    if (close(o->fd) == -1)
        rc = -1;
    o->fd = -1;
    buf_free(&o->pending);
    free(o->marks);
    o->marks = NULL;
    o->nmarks = o->capmarks = 0;
    return rc;
}

void
outcome_free(struct outcome_file *o)
{
    if (o->fd != -1)
        outcome_close(o);
    buf_free(&o->lost);
}

json_t *
outcome_load_final(const char *path, struct sf_err *err)
{
    json_t *done = json_object();
    char *line = NULL;
    size_t cap = 0;
    FILE *fp = fopen(path, "r");

    if (fp == NULL) {
        if (errno == ENOENT)
            return done;
        err_set(err, "%s: %s", path, strerror(errno));
        json_decref(done);
        return NULL;
    }
    while (getline(&line, &cap, fp) != -1) {
        json_t *o = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(o, "lead_id"));
        const char *oc = json_string_value(json_object_get(o, "outcome"));
        enum outcome v;

        /* A held lead is final for this run but may be sent later, so
         * --resume retries it; every other outcome is settled. */
        if (id != NULL && oc != NULL && outcome_parse(oc, &v) == 0 &&
            v != OUTCOME_HELD)
            json_object_set_new(done, id, json_string(oc));
        json_decref(o);
    }
    free(line);
    fclose(fp);
    return done;
}
