/*
 * fieldtype.h - Salesforce field types and flags, and how rule engines read
 * records.
 *
 * Records keep every value as a UTF-8 string (that is what arrives on the
 * wire, and what Salesforce converts from); the type says how to compare and
 * convert it. The X-macro keeps the enum, the describe names and the org
 * file names in step (fieldtype.c). The org loader and the schema both
 * describe fields with these, so neither needs the other's header.
 *
 * struct field_access is the one seam through which the SOQL and formula
 * engines read a record, so that neither knows how the store lays records
 * out. An update also gives the record as it was, through prior.
 */
#ifndef SIM_FIELDTYPE_H
#define SIM_FIELDTYPE_H

#include <stddef.h>

/* X(enum suffix, describe "type" name, config name) */
#define FIELDTYPE_LIST(X)                                                      \
    X(ID, "id", "id")                                                          \
    X(REFERENCE, "reference", "reference")                                     \
    X(STRING, "string", "text")                                                \
    X(TEXTAREA, "textarea", "textarea")                                        \
    X(EMAIL, "email", "email")                                                 \
    X(PHONE, "phone", "phone")                                                 \
    X(URL, "url", "url")                                                       \
    X(PICKLIST, "picklist", "picklist")                                        \
    X(MULTIPICKLIST, "multipicklist", "multipicklist")                         \
    X(BOOLEAN, "boolean", "checkbox")                                          \
    X(DOUBLE, "double", "number")                                              \
    X(INT, "int", "int")                                                       \
    X(CURRENCY, "currency", "currency")                                        \
    X(PERCENT, "percent", "percent")                                           \
    X(DATE, "date", "date")                                                    \
    X(DATETIME, "datetime", "datetime")

enum fieldtype {
#define FIELDTYPE_ENUM(e, d, c) FT_##e,
    FIELDTYPE_LIST(FIELDTYPE_ENUM)
#undef FIELDTYPE_ENUM
        FT_COUNT,
    FT_UNKNOWN = -1
};

/* Name of a fieldtype as Salesforce describe reports it. */
const char *fieldtype_describe_name(enum fieldtype t);
/* Name of a fieldtype in org files ("text", "checkbox", ...). */
const char *fieldtype_config_name(enum fieldtype t);
/* Parses a config type name ("text", "picklist", ...); FT_UNKNOWN if bad. */
enum fieldtype fieldtype_from_config(const char *name);

/* What else a field is, besides its type (org files, schema, describe). */
enum field_flags {
    FIELD_REQUIRED = 1 << 0, /* must have a value on create */
    FIELD_READONLY = 1 << 1, /* not createable nor updateable */
    FIELD_CUSTOM = 1 << 2,   /* API name ends in __c */
    FIELD_EXTERNAL_ID = 1 << 3,
    FIELD_UNIQUE = 1 << 4,
    FIELD_RESTRICTED = 1 << 5,    /* restricted picklist */
    FIELD_NAME = 1 << 6,          /* the object's name field */
    FIELD_PERSON = 1 << 7,        /* Person Account field (Account only) */
    FIELD_MASTER_DETAIL = 1 << 8, /* a master-detail reference: required,
                                     its records deleted with the master */
    FIELD_AUTONUMBER = 1 << 9,    /* numbered by the sim on create */
};

/* True for the types compared as numbers (double, int, currency, percent). */
#define FIELDTYPE_IS_NUMBER(t)                                                 \
    ((t) == FT_DOUBLE || (t) == FT_INT || (t) == FT_CURRENCY ||                \
     (t) == FT_PERCENT)

/*
 * Reading a record. value() returns the field's value as a borrowed string
 * (valid until the record changes; *len set) or NULL when the field is null
 * or blank. type() returns FT_UNKNOWN for a field the object does not have.
 * Field names are matched case-insensitively, as Salesforce does.
 */
struct field_access {
    const char *(*value)(void *arg, const char *field, size_t *len);
    enum fieldtype (*type)(void *arg, const char *field);
    void *arg;
    /* The record as stored before this change (for ISNEW/ISCHANGED), or
     * NULL while it is being created. Borrowed. */
    const struct field_access *prior;
};

#endif
