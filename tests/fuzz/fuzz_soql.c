/*
 * fuzz_soql.c - libFuzzer entry point for the SOQL engine.
 *
 * Each input is a query string: parsed, bound against a Lead-like schema,
 * and evaluated (WHERE and ORDER BY) against two records, one filled and
 * one blank. A failed parse or bind must name a Salesforce error code;
 * a crash, leak, hang or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const char *name;
    enum fieldtype type;
    const char *value;
} fields[] = {
    {"Id", FT_ID, "00Q5j0000001AbCEAU"},
    {"Email", FT_EMAIL, "zoe@example.com"},
    {"LastName", FT_STRING, "Zo\xc3\xab"},
    {"NumberOfEmployees", FT_INT, "42"},
    {"AnnualRevenue", FT_CURRENCY, "12.50"},
    {"DoNotCall", FT_BOOLEAN, "true"},
    {"CreatedDate", FT_DATETIME, "2026-11-26T22:43:13.000+0000"},
    {"Birthdate", FT_DATE, "1990-02-28"},
    {"LeadSource", FT_PICKLIST, "Web"},
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static int
object_exists(void *arg, const char *object, char *canonical, size_t n)
{
    (void)arg;
    if (strcasecmp(object, "Lead") != 0)
        return 0;
    snprintf(canonical, n, "Lead");
    return 1;
}

static enum fieldtype
field_type(void *arg, const char *object, const char *field, char *canonical,
           size_t n)
{
    size_t i;

    (void)arg;
    (void)object;
    for (i = 0; i < NFIELDS; i++) {
        if (strcasecmp(fields[i].name, field) == 0) {
            snprintf(canonical, n, "%s", fields[i].name);
            return fields[i].type;
        }
    }
    return FT_UNKNOWN;
}

static const char *
rec_value(void *arg, const char *field, size_t *len)
{
    size_t i;

    if (arg == NULL)
        return NULL;
    for (i = 0; i < NFIELDS; i++) {
        if (strcasecmp(fields[i].name, field) == 0) {
            *len = strlen(fields[i].value);
            return fields[i].value;
        }
    }
    return NULL;
}

static enum fieldtype
rec_type(void *arg, const char *field)
{
    char canonical[SOQL_NAME_MAX];

    return field_type(arg, "Lead", field, canonical, sizeof(canonical));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int full = 1;
    const struct soql_schema schema = {object_exists, field_type, NULL, NULL,
                                       NULL};
    struct field_access a = {rec_value, rec_type, &full, NULL};
    struct field_access b = {rec_value, rec_type, NULL, NULL};
    struct soql_error err = {{0}, {0}};
    struct soql_query *q = soql_parse((const char *)data, size, &err);
    const char *field, *value;

    if (q == NULL) {
        if (err.code[0] == '\0')
            abort();
        return 0;
    }
    if (soql_bind(q, &schema, &err) == 0) {
        (void)soql_match(q, &a, 1795734280000LL);
        (void)soql_match(q, &b, 1795734280000LL);
        (void)soql_compare(q, &a, &b);
        (void)soql_equality_hint(q, &field, &value);
    } else if (err.code[0] == '\0') {
        abort();
    }
    soql_free(q);
    return 0;
}
