/*
 * fieldtype.c - field type names (see fieldtype.h).
 */
#include "fieldtype.h"

#include <strings.h>

static const char *const type_describe_names[] = {
#define FIELDTYPE_DESCRIBE(e, d, c) d,
    FIELDTYPE_LIST(FIELDTYPE_DESCRIBE)
#undef FIELDTYPE_DESCRIBE
};

static const char *const type_config_names[] = {
#define FIELDTYPE_CONFIG(e, d, c) c,
    FIELDTYPE_LIST(FIELDTYPE_CONFIG)
#undef FIELDTYPE_CONFIG
};

const char *
fieldtype_describe_name(enum fieldtype t)
{
    return t >= 0 && t < FT_COUNT ? type_describe_names[t] : "anyType";
}

const char *
fieldtype_config_name(enum fieldtype t)
{
    return t >= 0 && t < FT_COUNT ? type_config_names[t] : "unknown";
}

enum fieldtype
fieldtype_from_config(const char *name)
{
    int i;

    for (i = 0; i < FT_COUNT; i++)
        if (strcasecmp(type_config_names[i], name) == 0)
            return (enum fieldtype)i;
    return FT_UNKNOWN;
}
