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

#include "log.h"
#include "timesrc.h"
#include "xmalloc.h"

static const char *const final_outcomes[] = {"delivered",  "delivery_failed",
                                             "rejected",   "duplicate",
                                             "suppressed", "held",
                                             NULL};

int
outcome_is_final(const char *outcome)
{
    for (const char *const *p = final_outcomes; *p != NULL; p++)
        if (strcmp(*p, outcome) == 0)
            return 1;
    return 0;
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

/* A crash can leave a torn last line; end it so the next line stands on
 * its own (the torn one then fails to parse and is skipped). */
static int
end_torn_line(int fd)
{
    struct stat st;
    char last;

    if (fstat(fd, &st) == -1)
        return -1;
    if (st.st_size == 0)
        return 0;
    if (pread(fd, &last, 1, st.st_size - 1) != 1)
        return -1;
    return last == '\n' ? 0 : write_all(fd, "\n", 1);
}

int
outcome_open(struct outcome_file *o, const char *path, struct sf_err *err)
{
    o->dirty = 0;
    o->synced_ms = timesrc_mono_ms();
    o->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (o->fd == -1 || end_torn_line(o->fd) == -1) {
        err_set(err, "%s: %s", path, strerror(errno));
        if (o->fd != -1)
            close(o->fd);
        o->fd = -1;
        return -1;
    }
    return 0;
}

int
outcome_write(struct outcome_file *o, const char *lead_id, const char *outcome,
              int attempts, json_t *extra)
{
    json_t *line = json_pack("{s:s, s:s, s:i}", "lead_id", lead_id, "outcome",
                             outcome, "attempts", attempts);
    char *text;
    int rc;

    if (extra != NULL)
        json_object_update_missing(line, extra);
    json_decref(extra);
    text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    /* One write per line: O_APPEND makes it land whole at the end. */
    text = xrealloc(text, strlen(text) + 2);
    memcpy(text + strlen(text), "\n", 2);
    rc = write_all(o->fd, text, strlen(text));
    if (rc == -1)
        log_warn("writing outcome of lead %s", lead_id);
    o->dirty = 1;
    free(text);
    return rc;
}

void
outcome_tick(struct outcome_file *o, int64_t mono_ms)
{
    if (o->fd == -1 || !o->dirty || mono_ms - o->synced_ms < OUTCOME_SYNC_MS)
        return;
    /* A pipe or terminal cannot be synced (EINVAL); that is fine. */
    if (fdatasync(o->fd) == -1 && errno != EINVAL && errno != EROFS)
        log_warn("syncing the outcomes file");
    o->dirty = 0;
    o->synced_ms = mono_ms;
}

int
outcome_close(struct outcome_file *o)
{
    int rc = 0;

    if (o->fd == -1)
        return 0;
    if (fsync(o->fd) == -1 && errno != EINVAL && errno != EROFS)
        rc = -1;
    if (close(o->fd) == -1)
        rc = -1;
    o->fd = -1;
    return rc;
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

        /* A held lead is final for this run but may be sent later, so
         * --resume retries it; every other outcome is settled. */
        if (id != NULL && oc != NULL && outcome_is_final(oc) &&
            strcmp(oc, "held") != 0)
            json_object_set_new(done, id, json_string(oc));
        json_decref(o);
    }
    free(line);
    fclose(fp);
    return done;
}
