/*
 * scaffold.h - `sfconform scaffold NAME`: a new support scenario from a
 * template, and the directory writing it shares with import-log.
 *
 * A scenario is a conformance case directory (fixtures/README.md): the
 * files written here replay as they are with `sfconform replay DIR`. The
 * caller owns every argument; nothing here keeps a pointer.
 */
#ifndef CONF_SCAFFOLD_H
#define CONF_SCAFFOLD_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

#define SCAFFOLD_NAME_MAX 64

/*
 * Creates the new directory parent/name into out (size n). The name is
 * 1..SCAFFOLD_NAME_MAX of [A-Za-z0-9._-], not starting with '.' (no "..",
 * no '/'); an existing path is never reused. 0, or -1 with err set.
 */
int scaffold_mkdir(const char *parent, const char *name, char *out, size_t n,
                   struct sf_err *err);
/* Removes dir, made by scaffold_mkdir(), with what was written into it
 * (after a failure: no half-written scenario is left behind). */
void scaffold_remove(const char *dir);
/* Writes doc as indented JSON to dir/file (a new file). 0, or -1 (err
 * set). */
int scaffold_write_json(const char *dir, const char *file, json_t *doc,
                        struct sf_err *err);
/* Writes the leads of the array as NDJSON, one compact object a line, to
 * dir/file (a new file). 0, or -1 (err set). */
int scaffold_write_ndjson(const char *dir, const char *file, json_t *leads,
                          struct sf_err *err);

/* The subcommand: argv[0] is "scaffold". The exit status. */
int scaffold_main(int argc, char **argv);

#endif
