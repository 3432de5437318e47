/*
 * infile.c - a whole input file within a bound (see infile.h).
 */
#include "infile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
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
