/*
 * corpus.c - the hostile-input corpus index and tally (see corpus.h).
 */
#include "corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "rawhttp.h"
#include "xmalloc.h"

#define XFAIL_PREFIX "xfail:"

/* Copies the next whitespace-separated word of *p into out (size n) and
 * advances *p; 0 when there is none or it does not fit. */
static int
word(const char **p, char *out, size_t n)
{
    const char *s = *p + strspn(*p, " \t");
    size_t len = strcspn(s, " \t\r\n");

    if (len == 0 || len >= n)
        return 0;
    memcpy(out, s, len);
    out[len] = '\0';
    *p = s + len;
    return 1;
}

/* Parses one INDEX line into e; 0 for a blank or comment line, 1 for an
 * entry, -1 with err for a malformed one. */
static int
parse_line(const struct corpus *c, const char *line, int lineno,
           struct corpus_entry *e, struct sf_err *err)
{
    const char *p = line + strspn(line, " \t");
    char expect[CORPUS_EXPECT_MAX];
    size_t n;

    if (*p == '\0' || *p == '\n' || *p == '#')
        return 0;
    memset(e, 0, sizeof(*e));
    e->line = lineno;
    if (!word(&p, e->file, sizeof(e->file)) ||
        !word(&p, expect, sizeof(expect))) {
        err_set(err, "%s/INDEX:%d: want: file expectation note", c->dir,
                lineno);
        return -1;
    }
    e->xfail = strncmp(expect, XFAIL_PREFIX, strlen(XFAIL_PREFIX)) == 0;
    snprintf(e->expect, sizeof(e->expect), "%s",
             expect + (e->xfail ? strlen(XFAIL_PREFIX) : 0));
    p += strspn(p, " \t");
    n = strcspn(p, "\r\n");
    snprintf(e->note, sizeof(e->note), "%.*s", (int)n, p);
    if (snprintf(e->path, sizeof(e->path), "%s/%s", c->dir, e->file) >=
        (int)sizeof(e->path)) {
        err_set(err, "%s/INDEX:%d: path too long", c->dir, lineno);
        return -1;
    }
    return 1;
}

static const struct corpus_entry *
find(const struct corpus *c, const char *file)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        if (strcmp(c->v[i].file, file) == 0)
            return &c->v[i];
    return NULL;
}

/* Every regular file of the directory is listed, or a support file. */
static int
check_listed(const struct corpus *c, struct sf_err *err)
{
    DIR *d = opendir(c->dir);
    struct dirent *de;
    int rc = 0;

    if (d == NULL) {
        err_set(err, "%s: cannot list", c->dir);
        return -1;
    }
    while ((de = readdir(d)) != NULL && rc == 0) {
        if (de->d_name[0] == '.' || de->d_name[0] == '_' ||
            strcmp(de->d_name, "INDEX") == 0)
            continue;
        if (find(c, de->d_name) == NULL) {
            err_set(err,
                    "%s/%s: not in INDEX (add it, or name a support "
                    "file _%s)",
                    c->dir, de->d_name, de->d_name);
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

/* Adds the entries of INDEX's text to c. */
static int
parse_index(struct corpus *c, char *text, struct sf_err *err)
{
    struct corpus_entry e;
    char *line = text, *next;
    int lineno = 0, rc;

    for (; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        rc = parse_line(c, line, ++lineno, &e, err);
        if (rc == -1)
            return -1;
        if (rc == 0)
            continue;
        if (find(c, e.file) != NULL) {
            err_set(err, "%s/INDEX:%d: %s listed twice", c->dir, lineno,
                    e.file);
            return -1;
        }
        c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
        c->v[c->n++] = e;
    }
    return 0;
}

int
corpus_load(struct corpus *c, const char *root, const char *kind,
            struct sf_err *err)
{
    char index[CORPUS_PATH_MAX + 8];
    char *text;
    int rc;

    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->start_ms = c->last_ms = rawhttp_clock_ms();
    c->verbose = getenv("HOSTILE_VERBOSE") != NULL;
    snprintf(c->dir, sizeof(c->dir), "%s/%s", root, kind);
    snprintf(index, sizeof(index), "%s/INDEX", c->dir);
    text = case_read_file(index, NULL, err);
    if (text == NULL)
        return -1;
    rc = parse_index(c, text, err);
    free(text);
    if (rc == 0)
        rc = check_listed(c, err);
    return rc;
}

void
corpus_free(struct corpus *c)
{
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

char *
corpus_read(const struct corpus_entry *e, size_t *len, struct sf_err *err)
{
    return case_read_file(e->path, len, err);
}

int
corpus_result(struct corpus *c, const struct corpus_entry *e, int passed,
              const char *got)
{
    long long now = rawhttp_clock_ms(), took = now - c->last_ms;
    const char *tag;
    int failure = 0;

    c->last_ms = now;
    if (e->xfail && passed) {
        tag = "XPASS";
        c->xpassed++;
        failure = 1;
    } else if (e->xfail) {
        tag = "xfail";
        c->xfailed++;
    } else if (passed) {
        tag = "ok";
        c->ok++;
    } else {
        tag = "FAIL";
        c->failed++;
        failure = 1;
    }
    if (!failure && !e->xfail && !c->verbose && took <= CORPUS_SLOW_MS)
        return 0;
    printf("  %-5s %s/%s: expect %s, got %s", tag, c->kind, e->file, e->expect,
           got);
    if (took > CORPUS_SLOW_MS)
        printf(" (took %lld ms)", took);
    printf("\n");
    if (failure || e->xfail)
        printf("        (%s/INDEX:%d) %s\n", c->dir, e->line, e->note);
    if (e->xfail && passed)
        printf("        now passes: remove \"xfail:\" from %s/INDEX:%d\n",
               c->dir, e->line);
    fflush(stdout);
    return failure;
}

int
corpus_summary(const struct corpus *c)
{
    printf("hostile %s: %zu inputs: %zu ok, %zu failed, %zu known defects "
           "(xfail), %zu fixed but still marked xfail (%.1f s)\n",
           c->kind, c->n, c->ok, c->failed, c->xfailed, c->xpassed,
           (double)(rawhttp_clock_ms() - c->start_ms) / 1000);
    fflush(stdout);
    return c->failed + c->xpassed > 0 ? -1 : 0;
}

int
corpus_any(const char *expect, int (*one)(const char *alt, void *arg),
           void *arg)
{
    char alt[CORPUS_EXPECT_MAX];
    const char *p = expect;
    size_t n;
    int rc;

    for (;;) {
        n = strcspn(p, "|");
        snprintf(alt, sizeof(alt), "%.*s", (int)n, p);
        rc = one(alt, arg);
        if (rc != 0 || p[n] == '\0')
            return rc;
        p += n + 1;
    }
}
