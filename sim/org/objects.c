/*
 * objects.c - the org's whole schema (see objects.h).
 */
#include "objects.h"

#include <stdio.h>
#include <strings.h>

#include "objects_custom.h"
#include "objects_std.h"
#include "relation.h"
#include "schema.h"

struct schema *
objects_schema(const struct org *org, struct store *store)
{
    struct schema *s = schema_new(org, store);
    const struct schema_row *rows;
    size_t i, n;

    rows = objects_std_rows(&n);
    for (i = 0; i < n; i++)
        schema_add(s, &rows[i], NULL, 0, org, store);
    objects_custom_add(s, org, store);
    relation_fill(s);
    return s;
}

/* name in rows[0..n): 1 and its spelling, or 0. */
static int
find_row(const struct schema_row *rows, size_t n, const char *name,
         char *canonical, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcasecmp(rows[i].name, name) == 0) {
            snprintf(canonical, len, "%s", rows[i].name);
            return 1;
        }
    return 0;
}

int
objects_standard(const char *name, char *canonical, size_t n)
{
    const struct schema_row *rows;
    size_t nrows;

    rows = schema_rows(&nrows);
    if (find_row(rows, nrows, name, canonical, n))
        return 1;
    rows = objects_std_rows(&nrows);
    return find_row(rows, nrows, name, canonical, n);
}
