/*
 * leadstatus.c - lead statuses and converted leads (see leadstatus.h).
 */
#include "leadstatus.h"

#include <string.h>

#include "schema.h"
#include "sobject.h"

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
    char buf[16];

    if (strcmp(obj->name, "Lead") != 0 ||
        (f = schema_field(obj, "IsConverted")) == NULL)
        return 0;
    v = sobject_field_text(obj, r, f, buf, sizeof(buf), NULL);
    return v != NULL && strcmp(v, "true") == 0;
}
