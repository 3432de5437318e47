/*
 * fuzz_sosl.c - libFuzzer entry point for the SOSL parser and matcher.
 *
 * Each input is a search: parsed, each RETURNING item bound against a
 * Lead-like schema, and the term matched against a record's texts (a name,
 * an email, a phone number, and the input itself as a long text). The same
 * bytes are also read as the term of a built search (parameterizedSearch).
 * A failed parse or bind must name a Salesforce error code and a message
 * jansson accepts as UTF-8; a crash, leak, hang or sanitizer report is a
 * bug.
 *
 * FUZZ-DICT-BEGIN
 * "FIND"
 * "IN"
 * "ALL"
 * "NAME"
 * "EMAIL"
 * "PHONE"
 * "FIELDS"
 * "RETURNING"
 * "LIMIT"
 * "WHERE"
 * "ORDER BY"
 * "AND NOT"
 * " OR "
 * "{"
 * "}"
 * "\\"
 * "\""
 * "*"
 * "?"
 * FUZZ-DICT-END
 *
 * FUZZ-SEED-BEGIN
 * FIND {ada@example.com} IN EMAIL FIELDS RETURNING Lead(Id, Name, Email)
 * FIND {"ada lovelace" OR (grace AND NOT hopper)} RETURNING Lead(Name WHERE
 * Email != null ORDER BY Name DESC LIMIT 5), Contact LIMIT 10 FIND {5551234567}
 * IN PHONE FIELDS FIND {Marie\-Pier Mar*n?} IN NAME FIELDS RETURNING Lead FIND
 * {Marie-Pier} FUZZ-SEED-END
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sosl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const char *name;
    enum fieldtype type;
} fields[] = {
    {"Id", FT_ID},
    {"Name", FT_STRING},
    {"Email", FT_EMAIL},
    {"Phone", FT_PHONE},
    {"Company", FT_STRING},
    {"DoNotCall", FT_BOOLEAN},
    {"CreatedDate", FT_DATETIME},
};

static int
object_exists(void *arg, const char *object, char *canonical, size_t n)
{
    (void)arg;
    if (strcasecmp(object, "Lead") != 0 && strcasecmp(object, "Contact") != 0)
        return 0;
    snprintf(canonical, n, "%s", object);
    return 1;
}

static enum fieldtype
field_type(void *arg, const char *object, const char *field, char *canonical,
           size_t n)
{
    size_t i;

    (void)arg;
    (void)object;
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strcasecmp(fields[i].name, field) == 0) {
            snprintf(canonical, n, "%s", fields[i].name);
            return fields[i].type;
        }
    }
    return FT_UNKNOWN;
}

/* An error must have a code and a message JSON can carry. */
static void
check_error(const struct soql_error *err)
{
    json_t *j;

    if (err->code[0] == '\0')
        abort();
    j = json_string(err->message);
    if (j == NULL)
        abort();
    json_decref(j);
}

static void
match_all(const struct sosl_search *s, const uint8_t *data, size_t size)
{
    struct sosl_text t[4] = {
        {"Ada Lovelace", 12, 0},
        {"ada@example.com", 15, 0},
        {"(555) 123-4567", 14, 1},
        {(const char *)data, size, 0},
    };
    const char *word;

    (void)sosl_match(s, t, 4);
    (void)sosl_single_word(s, &word);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct soql_schema schema = {object_exists, field_type, NULL, NULL,
                                       NULL};
    struct soql_error err = {{0}, {0}};
    struct sosl_search *s = sosl_parse((const char *)data, size, &err);
    size_t i;

    if (s == NULL) {
        check_error(&err);
    } else {
        for (i = 0; i < sosl_object_count(s); i++) {
            memset(&err, 0, sizeof(err));
            if (soql_bind(sosl_object(s, i), &schema, &err) == -1) {
                check_error(&err);
                break;
            }
        }
        match_all(s, data, size);
        sosl_free(s);
    }
    memset(&err, 0, sizeof(err));
    s = sosl_new((const char *)data, size, SOSL_IN_ALL, &err);
    if (s == NULL) {
        check_error(&err);
        return 0;
    }
    match_all(s, data, size);
    sosl_free(s);
    return 0;
}
