/*
 * jsonpos.h - where in a JSON text a value sits.
 *
 * jansson reports line and column for syntax errors but forgets positions
 * once a document is parsed. Config loaders want "file:line:column" for
 * semantic errors too (an unknown edition, a negative limit), so this module
 * rescans the original text and finds the value at a path.
 *
 * A path is a dotted list of object keys and [index] array subscripts, e.g.
 * "web_to_lead.daily_limit" or "custom_fields[2].type". Keys containing '.'
 * or '[' cannot be addressed (they do not occur in our formats).
 */
#ifndef COMMON_JSONPOS_H
#define COMMON_JSONPOS_H

#include <stddef.h>

/*
 * Finds the first character of the value at path (for an object member
 * whose key_only is set: of its key). When the path does not exist, reports
 * the deepest enclosing value that does. Lines and columns count from 1;
 * columns count bytes. Returns 0 when the whole path was found, 1 when only
 * a prefix was, -1 when the text is not JSON the scanner can walk (the
 * position is then 1:1).
 */
int jsonpos_find(const char *text, size_t len, const char *path, int key_only,
                 int *line, int *col);

#endif
