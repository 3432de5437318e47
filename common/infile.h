/*
 * infile.h - reading a whole input file the user named, within a bound.
 *
 * infile.c owns the one way sfdeliver reads its input files (leads, the
 * suppression list): whole, into a bounded buf, where a file too large
 * and a read error (a directory, an I/O error) are errors naming the path,
 * never taken for the end of the file. It does not parse anything.
 */
#ifndef COMMON_INFILE_H
#define COMMON_INFILE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * Reads path whole into text (initialised here; caller frees with
 * buf_free()), at most max bytes. Returns 0, or -1 with "path: why" in err
 * ("larger than MAX bytes", or the system's reason) and text freed.
 */
int infile_read(struct buf *text, const char *path, size_t max,
                struct sf_err *err);

#endif
