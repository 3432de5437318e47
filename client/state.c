/*
 * state.c - atomic JSON files in the state directory (see state.h).
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "xmalloc.h"

static int
mkdir_p(const char *dir)
{
    char *p = xstrdup(dir), *s;
    int rc = 0;

    for (s = p + 1; *s != '\0'; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) == -1 && errno != EEXIST)
            rc = -1;
        *s = '/';
    }
    if (mkdir(p, 0700) == -1 && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

int
state_open(struct state *s, const char *dir, struct sf_err *err)
{
    struct stat st;

    s->dir = NULL;
    if (dir == NULL)
        return 0;
    if (mkdir_p(dir) == -1 || stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
        err_set(err, "state directory %s: %s", dir, strerror(errno));
        return -1;
    }
    s->dir = xstrdup(dir);
    return 0;
}

void
state_close(struct state *s)
{
    free(s->dir);
    s->dir = NULL;
}

json_t *
state_load(const struct state *s, const char *name)
{
    json_error_t jerr;
    char *path;
    json_t *doc;

    if (s->dir == NULL)
        return NULL;
    path = xasprintf("%s/%s", s->dir, name);
    doc = json_load_file(path, 0, &jerr);
    if (doc == NULL && access(path, F_OK) == 0)
        log_warnx("%s: ignored: %s", path, jerr.text);
    free(path);
    return doc;
}

static void
sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);

    if (fd != -1) {
        fsync(fd);
        close(fd);
    }
}

static int
write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, text, len);

        if (w == -1 && errno == EINTR)
            continue;
        if (w == -1)
            return -1;
        text += w;
        len -= (size_t)w;
    }
    return 0;
}

int
state_save_text(const struct state *s, const char *name, const char *text,
                size_t len)
{
    char *path = NULL, *tmp = NULL;
    int fd = -1, rc = -1;

    if (s->dir == NULL)
        return 0;
    path = xasprintf("%s/%s", s->dir, name);
    tmp = xasprintf("%s/.%s.tmp", s->dir, name);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd == -1 || write_all(fd, text, len) == -1)
        goto out;
    if (fsync(fd) == -1 || close(fd) == -1) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) == -1)
        goto out;
    sync_dir(s->dir);
    rc = 0;
out:
    if (rc == -1) {
        log_warn("saving %s", path);
        unlink(tmp);
    }
    if (fd != -1)
        close(fd);
    free(tmp);
    free(path);
    return rc;
}

int
state_save(const struct state *s, const char *name, json_t *doc)
{
    char *text;
    int rc;

    if (s->dir == NULL)
        return 0;
    text = json_dumps(doc, JSON_COMPACT);
    rc = state_save_text(s, name, text, strlen(text));
    free(text);
    return rc;
}

char *
state_load_text(const struct state *s, const char *name, size_t max,
                size_t *len)
{
    struct buf text;
    char chunk[8192], *path, *res = NULL;
    ssize_t n = 0;
    int fd;

    if (s->dir == NULL)
        return NULL;
    buf_init(&text, max);
    buf_puts(&text, "");
    path = xasprintf("%s/%s", s->dir, name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        if (errno != ENOENT)
            log_warn("%s: ignored", path);
        goto out;
    }
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 || buf_append(&text, chunk, (size_t)n) == -1) {
            log_warnx("%s: ignored: %s", path,
                      n == -1 ? strerror(errno) : "too large");
            goto out;
        }
    }
    res = buf_steal(&text, len);
out:
    if (fd != -1)
        close(fd);
    buf_free(&text);
    free(path);
    return res;
}

int
state_open_append(const struct state *s, const char *name)
{
    char *path;
    int fd;

    if (s->dir == NULL) {
        errno = EINVAL;
        return -1;
    }
    path = xasprintf("%s/%s", s->dir, name);
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd == -1 && errno == ENOENT) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        /* A new file's name must survive a crash as well as its data. */
        if (fd != -1)
            sync_dir(s->dir);
    }
    free(path);
    return fd;
}

int
state_append_sync(int fd, const char *text, size_t len)
{
    if (write_all(fd, text, len) == -1)
        return -1;
    /* A file system that cannot sync (EINVAL) still keeps what was
     * written when the process dies, as the outcomes file does. */
    return fdatasync(fd) == -1 && errno != EINVAL ? -1 : 0;
}

const char *
state_key(const char *key, char *out, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    size_t i, j = 0;
    int mangled = 0;

    for (i = 0; key[i] != '\0'; i++) {
        unsigned char c = (unsigned char)key[i];
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '-' || c == '_';

        h = (h ^ c) * 1099511628211ULL;
        mangled |= !keep;
        if (j + 1 < n && j < 40)
            out[j++] = keep ? (char)c : '_';
    }
    out[j] = '\0';
    if (mangled || i > 40)
        snprintf(out + j, n - j, "-%016llx", (unsigned long long)h);
    return out;
}
