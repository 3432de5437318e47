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

int
state_save(const struct state *s, const char *name, json_t *doc)
{
    char *path = NULL, *tmp = NULL, *text = NULL;
    size_t len, off = 0;
    int fd = -1, rc = -1;

    if (s->dir == NULL)
        return 0;
    path = xasprintf("%s/%s", s->dir, name);
    tmp = xasprintf("%s/.%s.tmp", s->dir, name);
    text = json_dumps(doc, JSON_COMPACT);
    len = strlen(text);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd == -1)
        goto out;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);

        if (w == -1 && errno == EINTR)
            continue;
        if (w == -1)
            goto out;
        off += (size_t)w;
    }
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
    if (rc == -1)
        log_warn("saving %s", path);
    if (fd != -1)
        close(fd);
    free(text);
    free(tmp);
    free(path);
    return rc;
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
