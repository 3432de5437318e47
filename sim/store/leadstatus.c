/*
 * leadstatus.c - lead statuses and converted leads (see leadstatus.h).
 */
#include "leadstatus.h"

#include <string.h>

#include "schema.h"
#include "store.h"

#define CONVERTED_STATUS "Closed - Converted"

int
leadstatus_is_converted(const char *status)
{
    return strcmp(status, CONVERTED_STATUS) == 0;
}

int
leadstatus_lead_converted(const struct object_def *obj, const struct record *r)
{
    const struct field_def *f;
    const char *v;
    size_t len = 0;

    if (strcmp(obj->name, "Lead") != 0 ||
        (f = schema_field(obj, "IsConverted")) == NULL)
        return 0;
    v = record_value(r, f->interned, &len);
    return v != NULL && len == 4 && memcmp(v, "true", 4) == 0;
}
