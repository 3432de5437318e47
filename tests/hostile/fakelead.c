/*
 * fakelead.c - a Lead-like record for the formula engine (see fakelead.h).
 */
#include "fakelead.h"

#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    enum fieldtype type;
    const char *value; /* in the filled record */
} fields[] = {
    {"Name", FT_STRING, "Zo\xc3\xab Example"},
    {"Email", FT_EMAIL, "zoe@example.com"},
    {"Phone", FT_PHONE, "(555) 123-4567"},
    {"Description", FT_TEXTAREA, "aaaa;bbbb\xff\xfe"},
    {"LeadSource", FT_PICKLIST, "Web"},
    {"Interests__c", FT_MULTIPICKLIST, "A;B; C"},
    {"Amount__c", FT_CURRENCY, "12.5"},
    {"Count__c", FT_INT, "7"},
    {"Bad__c", FT_DOUBLE, "12x"},
    {"Discount__c", FT_PERCENT, "10"},
    {"DoNotCall", FT_BOOLEAN, "true"},
    {"Birthday__c", FT_DATE, "1990-02-28"},
    {"Seen__c", FT_DATETIME, "2026-11-25T10:00:00.000+0000"},
    {NULL, FT_UNKNOWN, NULL},
};

static int
find(const char *field)
{
    int i;

    for (i = 0; fields[i].name != NULL; i++)
        if (strcasecmp(fields[i].name, field) == 0)
            return i;
    return -1;
}

enum fieldtype
fakelead_type(void *arg, const char *field)
{
    int i = find(field);

    (void)arg;
    return i >= 0 ? fields[i].type : FT_UNKNOWN;
}

/* arg non-NULL: the filled record; NULL: every field blank. */
static const char *
value(void *arg, const char *field, size_t *len)
{
    int i = arg != NULL ? find(field) : -1;

    if (i < 0)
        return NULL;
    *len = strlen(fields[i].value);
    return fields[i].value;
}

const struct field_access *
fakelead_access(int filled)
{
    static int full = 1;
    static const struct field_access records[2] = {
        {value, fakelead_type, NULL, NULL},
        {value, fakelead_type, &full, NULL},
    };

    return &records[filled != 0];
}
