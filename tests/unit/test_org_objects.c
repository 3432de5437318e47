/*
 * test_org_objects.c - custom objects in the org file (org_objects.c), in
 * the schema (objects_custom.c, objects_std.c) and their relationships
 * (relation.c): every error located, key prefixes stable, auto numbers,
 * the fields a custom object gets, parent and child relationships.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "objects_custom.h"
#include "org.h"
#include "person.h"
#include "relation.h"
#include "objects.h"
#include "schema.h"
#include "store.h"

#define INVOICE                                                                \
    "{\"custom_objects\": [{\"name\": \"Invoice__c\", \"name_field\": "        \
    "{\"type\": \"auto_number\", \"display_format\": \"INV-{0000}\", "         \
    "\"starting_number\": 41}, \"fields\": [{\"name\": \"Account__c\", "       \
    "\"type\": \"lookup\", \"reference_to\": \"account\", "                    \
    "\"relationship_name\": \"Invoices__r\"}]}, {\"name\": \"Line__c\", "      \
    "\"fields\": [{\"name\": \"Invoice__c\", \"type\": \"master_detail\", "    \
    "\"reference_to\": \"Invoice__c\", \"relationship_name\": "                \
    "\"Lines\"}]}]}"

static struct org *
load(const char *text, struct sf_err *err)
{
    err_clear(err);
    return org_load_buf("org.json", text, strlen(text), err);
}

static void
expect_error(const char *text, const char *msg)
{
    struct sf_err err;
    struct org *o = load(text, &err);

    assert_null(o);
    assert_string_equal(err.msg, msg);
}

static void
test_errors_are_located(void **state)
{
    (void)state;
    expect_error("{\"custom_objects\": [{\"label\": \"X\"}]}",
                 "org.json:1:21: custom_objects[0]: a custom object needs a "
                 "\"name\"");
    expect_error("{\"custom_objects\": [{\"name\": \"Invoice\"}]}",
                 "org.json:1:30: custom_objects[0].name: \"Invoice\": a "
                 "custom object's API name is a letter, then at most 39 "
                 "letters, digits and single underscores, then __c");
    expect_error("{\"custom_objects\": [{\"name\": \"A__B__c\"}]}",
                 "org.json:1:30: custom_objects[0].name: \"A__B__c\": a "
                 "custom object's API name is a letter, then at most 39 "
                 "letters, digits and single underscores, then __c");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\"}, {\"name\": "
                 "\"a__c\"}]}",
                 "org.json:1:48: custom_objects[1].name: custom object a__c "
                 "is declared twice");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\", \"key_prefix\": "
                 "\"001\"}]}",
                 "org.json:1:52: custom_objects[0].key_prefix: \"001\": a "
                 "custom object's key prefix is a letter and two letters or "
                 "digits");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\", \"key_prefix\": "
                 "\"a01\"}, {\"name\": \"B__c\", \"key_prefix\": \"a01\"}]}",
                 "org.json:1:91: custom_objects[1].key_prefix: key prefix a01 "
                 "is used twice");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\", \"name_field\": "
                 "{\"type\": \"auto_number\"}}]}",
                 "org.json:1:52: custom_objects[0].name_field: an auto number "
                 "needs a \"display_format\"");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\", \"name_field\": "
                 "{\"type\": \"auto_number\", \"display_format\": "
                 "\"A-{00}-{0}\"}}]}",
                 "org.json:1:94: custom_objects[0].name_field.display_format: "
                 "\"A-{00}-{0}\": an auto number's format has one number, {0} "
                 "to {0000000000}, and no other braces");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\", \"fields\": "
                 "[{\"name\": \"B__c\", \"type\": \"lookup\"}]}]}",
                 "org.json:1:49: custom_objects[0].fields[0]: a lookup field "
                 "needs \"reference_to\"");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\", \"fields\": "
                 "[{\"name\": \"B__c\", \"type\": \"lookup\", "
                 "\"reference_to\": \"Nope__c\"}]}]}",
                 "org.json:1:100: custom_objects[0].fields[0].reference_to: "
                 "\"Nope__c\" is not an object of the org");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\", \"fields\": "
                 "[{\"name\": \"B__c\", \"object\": \"Lead\"}]}]}",
                 "org.json:1:76: custom_objects[0].fields[0].object: a field "
                 "of a custom object names no object");
    expect_error("{\"custom_fields\": [{\"object\": \"Lead\", \"name\": "
                 "\"B__c\", \"type\": \"master_detail\", \"reference_to\": "
                 "\"Account\"}]}",
                 "org.json:1:63: custom_fields[0].type: \"master_detail\" is "
                 "not one of: text, textarea, email, phone, url, picklist, "
                 "multipicklist, checkbox, number, int, currency, percent, "
                 "date, datetime, lookup");
    expect_error("{\"custom_fields\": [{\"object\": \"Lead\", \"name\": "
                 "\"B__c\", \"reference_to\": \"Account\"}]}",
                 "org.json:1:20: custom_fields[0]: only lookup and "
                 "master_detail fields have \"reference_to\" and "
                 "\"relationship_name\"");
    expect_error(
        "{\"custom_fields\": [{\"object\": \"Widget__c\", \"name\": "
        "\"B__c\"}]}",
        "org.json:1:31: custom_fields[0].object: \"Widget__c\" is "
        "not one of: Lead, Contact, Account, User, or a custom object of "
        "the file");
    expect_error("{\"custom_fields\": [{\"object\": \"Lead\", \"name\": "
                 "\"A__c\", \"type\": \"lookup\", \"reference_to\": "
                 "\"Account\", \"relationship_name\": \"Leads\"}, {\"object\": "
                 "\"Lead\", \"name\": \"B__c\", \"type\": \"lookup\", "
                 "\"reference_to\": \"Account\", \"relationship_name\": "
                 "\"Leads__r\"}]}",
                 "org.json:1:131: custom_fields[1]: Account already has a "
                 "child relationship named Leads__r");
    expect_error("{\"custom_objects\": [{\"name\": \"A__c\", \"record_types\": "
                 "[{\"developer_name\": \"X\", \"default\": true}, "
                 "{\"developer_name\": \"Y\", \"default\": true}]}]}",
                 "org.json:1:54: custom_objects[0].record_types: more than "
                 "one default record type");
}

/* The org's schema over a fresh store; caller frees both. */
static struct schema *
schema_of(const struct org *o, struct store **store)
{
    *store = store_new("00", 1);
    return objects_schema(o, *store);
}

static void
test_schema_and_prefixes(void **state)
{
    struct sf_err err;
    struct org *o = load(INVOICE, &err);
    const struct object_def *inv, *line;
    const struct field_def *f;
    struct store *store;
    struct schema *s;

    (void)state;
    assert_non_null(o);
    s = schema_of(o, &store);
    inv = schema_object(s, "invoice__c");
    line = schema_object(s, "Line__c");
    assert_non_null(inv);
    assert_non_null(line);
    assert_ptr_equal(inv->custom, &o->custom_objects[0]);
    /* Derived from the name: the same in every version and run. */
    assert_string_equal(inv->prefix, "a5l");
    assert_int_equal(inv->prefix[0], 'a');
    assert_string_not_equal(line->prefix, inv->prefix);
    assert_non_null(schema_field(inv, "OwnerId"));
    assert_null(schema_field(line, "OwnerId")); /* a detail: no owner */
    f = schema_field(inv, "Account__c");
    assert_string_equal(f->reference_to[0], "Account");
    assert_string_equal(f->relationship, "Account__r");
    assert_string_equal(f->child_relationship, "Invoices__r");
    f = schema_field(line, "Invoice__c");
    assert_true(f->flags & FIELD_MASTER_DETAIL);
    assert_true(f->flags & FIELD_REQUIRED);
    assert_ptr_equal(relation_parent(line, "invoice__r"), f);
    schema_free(s);
    store_free(store);
    org_free(o);
}

static void
test_auto_number(void **state)
{
    struct sf_err err;
    struct org *o = load(INVOICE, &err);
    const struct object_def *inv, *c;
    const struct field_def *f;
    struct fieldvals fv = {0};
    struct store *store;
    struct schema *s;
    char out[64];

    (void)state;
    s = schema_of(o, &store);
    inv = schema_object(s, "Invoice__c");
    f = objects_autonumber_field(inv);
    assert_non_null(f);
    assert_string_equal(f->name, "Name");
    assert_string_equal(objects_autonumber(inv, f, store, out, sizeof(out)),
                        "INV-0041");
    assert_non_null(store_insert(store, inv->store_index, &fv, 0));
    assert_string_equal(objects_autonumber(inv, f, store, out, sizeof(out)),
                        "INV-0042");
    c = schema_object(s, "Case");
    assert_string_equal(objects_autonumber(c, objects_autonumber_field(c),
                                           store, out, sizeof(out)),
                        "00000001");
    assert_null(objects_autonumber_field(schema_object(s, "Line__c")));
    schema_free(s);
    store_free(store);
    org_free(o);
}

static void
test_relationships(void **state)
{
    struct sf_err err;
    struct org *o = load(INVOICE, &err);
    const struct object_def *acc, *task;
    struct relation_child c;
    struct store *store;
    struct schema *s;

    (void)state;
    s = schema_of(o, &store);
    acc = schema_object(s, "Account");
    assert_int_equal(relation_child(s, acc, "contacts", &c), 0);
    assert_string_equal(c.child->name, "Contact");
    assert_string_equal(c.field->name, "AccountId");
    assert_int_equal(relation_child(s, acc, "Invoices__r", &c), 0);
    assert_string_equal(c.child->name, "Invoice__c");
    assert_int_equal(relation_child(s, acc, "Invoices", &c), -1);
    assert_int_equal(relation_child(s, acc, "Tasks", &c), 0);
    assert_string_equal(c.field->name, "WhatId");
    assert_int_equal(relation_child(s, schema_object(s, "Lead"), "Tasks", &c),
                     0);
    assert_string_equal(c.field->name, "WhoId");
    task = schema_object(s, "Task");
    assert_true(relation_targets(relation_parent(task, "Who"), "lead"));
    assert_false(relation_targets(relation_parent(task, "Who"), "Account"));
    schema_free(s);
    store_free(store);
    org_free(o);
}

static void
test_round_trip(void **state)
{
    struct sf_err err;
    struct org *o = load(INVOICE, &err), *back;
    json_t *j = org_to_json(o), *j2;
    char *text = json_dumps(j, 0);

    (void)state;
    back = load(text, &err);
    assert_non_null(back);
    j2 = org_to_json(back);
    assert_true(json_equal(j, j2));
    assert_string_equal(back->custom_objects[0].prefix, "a5l");
    json_decref(j);
    json_decref(j2);
    free(text);
    org_free(o);
    org_free(back);
}

/* The field a scan of o's fields finds first under strcasecmp(). */
static const struct field_def *
scan_field(const struct object_def *o, const char *name)
{
    size_t i;

    for (i = 0; i < o->nfields; i++)
        if (strcasecmp(o->fields[i].name, name) == 0)
            return &o->fields[i];
    return NULL;
}

/* The first auto-number field of o, as a scan finds it. */
static const struct field_def *
scan_autonumber(const struct object_def *o)
{
    size_t i;

    for (i = 0; i < o->nfields; i++)
        if (o->fields[i].flags & FIELD_AUTONUMBER)
            return &o->fields[i];
    return NULL;
}

/* Whether some kind of record makes f required. */
static int
ever_required(const struct field_def *f)
{
    return person_required(PERSON_NONE, f) ||
           person_required(PERSON_BUSINESS, f) ||
           person_required(PERSON_PERSON, f);
}

/* What schema_add() found once for intake is what a scan finds: the
 * auto-number field, OwnerId, and every field some kind requires, in
 * order. Counts the objects with required fields in *with_required (a
 * test where none has any proves nothing). */
static void
expect_intake_lists(const struct object_def *o, size_t *with_required)
{
    size_t k, nr = 0;

    assert_ptr_equal(objects_autonumber_field(o), scan_autonumber(o));
    assert_ptr_equal(o->owner ? &o->fields[o->owner - 1] : NULL,
                     scan_field(o, "OwnerId"));
    for (k = 0; k < o->nfields; k++) {
        if (!ever_required(&o->fields[k]))
            continue;
        assert_true(nr < o->nrequired);
        assert_int_equal(o->required[nr++], k);
    }
    assert_int_equal(nr, o->nrequired);
    *with_required += nr > 0;
}

/* Every field of every object is found by its name in any case and by
 * its interned id, as a scan finds it; other names are not. */
static void
expect_lookups(const struct schema *s, struct store *store)
{
    char name[256];
    size_t i, k, c, with_required = 0;

    for (i = 0; i < s->nobjects; i++) {
        const struct object_def *o = &s->objects[i];
        size_t nd = 0;

        assert_non_null(o->by_name);
        expect_intake_lists(o, &with_required);
        /* The object by its name in any case, as a scan finds it. */
        snprintf(name, sizeof(name), "%s", o->name);
        for (c = 0; name[c] != '\0'; c++)
            name[c] = (char)(c % 2 ? toupper((unsigned char)name[c])
                                   : tolower((unsigned char)name[c]));
        assert_ptr_equal(schema_object(s, name), o);
        for (k = 0; k < o->nfields; k++) {
            const struct field_def *f = &o->fields[k];

            if (f->default_value != NULL) {
                assert_true(nd < o->ndefaults);
                assert_int_equal(o->defaults[nd++], k);
            }

            snprintf(name, sizeof(name), "%s", f->name);
            assert_ptr_equal(schema_field(o, name), scan_field(o, name));
            for (c = 0; name[c] != '\0'; c++)
                name[c] = (char)toupper((unsigned char)name[c]);
            assert_ptr_equal(schema_field(o, name), scan_field(o, f->name));
            for (c = 0; name[c] != '\0'; c++)
                name[c] = (char)tolower((unsigned char)name[c]);
            assert_ptr_equal(schema_field(o, name), scan_field(o, f->name));
            assert_ptr_equal(schema_field_interned(o, f->interned), f);
            snprintf(name, sizeof(name), "%sx", f->name);
            assert_ptr_equal(schema_field(o, name), scan_field(o, name));
        }
        assert_int_equal(nd, o->ndefaults);
        assert_null(schema_field(o, ""));
        assert_null(schema_field(o, "No_Such_Field__c"));
        assert_null(schema_object(s, "No_Such_Object__c"));
        assert_null(schema_object(s, ""));
        assert_null(
            schema_field_interned(o, store_intern(store, "No_Such_Field__c")));
    }
    assert_true(with_required > 0);
}

static void
test_field_lookups(void **state)
{
    struct sf_err err;
    struct org *o = load(INVOICE, &err), *other;
    const struct object_def *lead;
    struct store *store;
    struct schema *s;

    (void)state;
    assert_non_null(o);
    s = schema_of(o, &store);
    expect_lookups(s, store);
    lead = schema_object(s, "Lead");
    assert_string_equal(schema_field(lead, "lastname")->name, "LastName");
    /* Names of other objects are interned too, but not Lead's fields. */
    assert_null(schema_field_interned(
        lead,
        schema_field(schema_object(s, "Invoice__c"), "Account__c")->interned));
    schema_free(s);
    store_free(store);

    /* A replaced org gets its own tables: its custom fields are found,
     * the old org's are not. */
    other = load("{\"person_accounts\": true, \"custom_fields\": [{\"object\": "
                 "\"Lead\", \"name\": \"Case_Type__c\", \"type\": \"text\"}]}",
                 &err);
    assert_non_null(other);
    s = schema_of(other, &store);
    expect_lookups(s, store);
    lead = schema_object(s, "Lead");
    assert_string_equal(schema_field(lead, "CASE_TYPE__C")->name,
                        "Case_Type__c");
    assert_ptr_equal(
        schema_field_interned(lead, store_intern(store, "Case_Type__c")),
        schema_field(lead, "case_type__c"));
    assert_null(schema_object(s, "Invoice__c"));
    schema_free(s);
    store_free(store);
    org_free(other);
    org_free(o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors_are_located),
        cmocka_unit_test(test_schema_and_prefixes),
        cmocka_unit_test(test_auto_number),
        cmocka_unit_test(test_relationships),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_field_lookups),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
