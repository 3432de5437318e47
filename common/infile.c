/*
 * infile.c - a whole input file within a bound (see infile.h).
 */
#include "infile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xmalloc.h"

/*
 * Reads a regular file's bytes straight into text, sized once from its
 * length: grown chunk by chunk, a leads file of megabytes was copied
 * again at every growth into memory touched for the first time, before
 * the first lead could go. A file that grew since is read on by the
 * caller's loop.
 */
/* Maps the pages of [p, p + n) in one system call where the kernel can
 * (Linux 5.14): a fault per page of a file of megabytes costs more than
 * reading it, on a virtual machine most of all. Only a hint. */
static void
prefault(char *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)p + n) & ~(page - 1);

    if (page > 0 && to > from)
        (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
    (void)p, (void)n;
#endif
}

static void
read_sized(struct buf *text, FILE *fp, size_t max)
{
    struct stat st;
    size_t n;

    if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode) ||
        st.st_size <= 0 || (uintmax_t)st.st_size >= max)
        return;
    text->cap = (size_t)st.st_size + 1;
    text->data = xmalloc(text->cap);
    prefault(text->data, text->cap);
    while (text->len + 1 < text->cap &&
           (n = fread(text->data + text->len, 1, text->cap - 1 - text->len,
                      fp)) > 0)
        text->len += n;
    text->data[text->len] = '\0';
}

int
infile_read(struct buf *text, const char *path, size_t max, struct sf_err *err)
{
    char chunk[65536];
    FILE *fp;
    size_t n;
    int rc = -1;

    buf_init(text, max);
    if ((fp = fopen(path, "r")) == NULL) {
        err_set(err, "%s: %s", path, strerror(errno));
        goto out;
    }
    read_sized(text, fp, max);
    while (!ferror(fp) && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        if (buf_append(text, chunk, n) == -1) {
            err_set(err, "%s: larger than %zu bytes", path, max);
            goto out;
        }
    /* fread() says 0 at the end and on an error alike: a directory or an
     * I/O error must not pass for an empty or a shorter file. */
    if (ferror(fp)) {
        err_set(err, "%s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (fp != NULL)
        fclose(fp);
    if (rc == -1)
        buf_free(text);
    return rc;
}
