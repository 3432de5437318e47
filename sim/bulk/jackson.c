/*
 * jackson.c - Jackson's pretty-printed JSON layout (see jackson.h).
 *
 * Jackson indents by object depth only: its array indenter writes in line,
 * so an object inside an array inside an object is indented two levels.
 */
#include "jackson.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define JACKSON_MAX_DEPTH 32

static int dump(const json_t *j, int depth, struct buf *out);

static int
indent(int depth, struct buf *out)
{
    int i, rc = buf_putc(out, '\n');

    for (i = 0; rc == 0 && i < depth; i++)
        rc = buf_append(out, "  ", 2);
    return rc;
}

static int
string(const char *s, size_t n, struct buf *out)
{
    if (buf_putc(out, '"') == -1 || buf_json_escape(out, s, n) == -1)
        return -1;
    return buf_putc(out, '"');
}

/* Java's Double.toString for the values the Bulk API sends (60.0). */
static int
real(double d, struct buf *out)
{
    if (isfinite(d) && d == floor(d) && fabs(d) < 1e15)
        return buf_printf(out, "%.1f", d);
    return buf_printf(out, "%.17g", d);
}

static int
object(const json_t *j, int depth, struct buf *out)
{
    const char *key;
    json_t *v;
    int first = 1;

    if (json_object_size(j) == 0)
        return buf_puts(out, "{ }");
    if (buf_putc(out, '{') == -1)
        return -1;
    json_object_foreach((json_t *)j, key, v) {
        if ((!first && buf_putc(out, ',') == -1) ||
            indent(depth + 1, out) == -1 ||
            string(key, strlen(key), out) == -1 || buf_puts(out, " : ") == -1 ||
            dump(v, depth + 1, out) == -1)
            return -1;
        first = 0;
    }
    if (indent(depth, out) == -1)
        return -1;
    return buf_putc(out, '}');
}

static int
array(const json_t *j, int depth, struct buf *out)
{
    size_t i;

    if (json_array_size(j) == 0)
        return buf_puts(out, "[ ]");
    if (buf_puts(out, "[ ") == -1)
        return -1;
    for (i = 0; i < json_array_size(j); i++)
        if ((i > 0 && buf_puts(out, ", ") == -1) ||
            dump(json_array_get(j, i), depth, out) == -1)
            return -1;
    return buf_puts(out, " ]");
}

static int
dump(const json_t *j, int depth, struct buf *out)
{
    if (depth > JACKSON_MAX_DEPTH)
        return -1;
    switch (json_typeof(j)) {
    case JSON_OBJECT: return object(j, depth, out);
    case JSON_ARRAY: return array(j, depth, out);
    case JSON_STRING:
        return string(json_string_value(j), json_string_length(j), out);
    case JSON_INTEGER:
        return buf_put_int(out, (long long)json_integer_value(j));
    case JSON_REAL: return real(json_real_value(j), out);
    case JSON_TRUE: return buf_puts(out, "true");
    case JSON_FALSE: return buf_puts(out, "false");
    default: return buf_puts(out, "null");
    }
}

int
jackson_dump(const json_t *j, struct buf *out)
{
    return dump(j, 0, out);
}
