/*
 * test_rules.c - validation rules and duplicate rules: loading (every
 * error at file:line:column with the rule's path), matching (each kind's
 * normalisation, blank fields, several fields), conditions, actions and
 * the allowSave header, and the duplicateResult structure (facts 3.8).
 *
 * Matching runs against a real struct sim (no HTTP): records are created
 * through intake, as every path creates them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "intake.h"
#include "objects.h"
#include "org.h"
#include "rules.h"
#include "schema.h"
#include "sfid.h"
#include "sim.h"
#include "simunit.h"
#include "store.h"

#define T0 "\"clock\": {\"start\": \"2026-03-02T14:00:00Z\", \"frozen\": true}"

/* --- loading -------------------------------------------------------------- */

static void
expect_error(const char *text, const char *msg)
{
    struct sf_err err;
    struct org *o;

    err_clear(&err);
    o = org_load_buf("org.json", text, strlen(text), &err);
    assert_null(o);
    assert_string_equal(err.msg, msg);
}

static void
test_formula_errors_name_rule_and_position(void **state)
{
    (void)state;
    expect_error("{\"validation_rules\": [\n"
                 " {\"name\": \"A\", \"formula\": \"ISBLANK(Email)\", "
                 "\"message\": \"m\"},\n"
                 " {\"name\": \"B\", \"formula\": \"ISBLANK(Phone)\", "
                 "\"message\": \"m\"},\n"
                 " {\"name\": \"Phone_Check\",\n"
                 "  \"formula\": \"AND(ISBLANK(Email),\\n LEN(Phone) > 3\",\n"
                 "  \"message\": \"m\"}]}",
                 "org.json:5:14: validation_rules[2].formula: Phone_Check: "
                 "Syntax error. Missing ')' at formula line 2 column 16");
    expect_error("{\"validation_rules\": [{\"name\": \"X\", \"formula\": "
                 "\"ISBLANK(Emial)\", \"message\": \"m\"}]}",
                 "org.json:1:48: validation_rules[0].formula: X: Field "
                 "Emial does not exist. Check spelling. at formula line 1 "
                 "column 9");
    expect_error("{\"validation_rules\": [{\"name\": \"X\", \"formula\": "
                 "\"LEN(Phone)\", \"message\": \"m\"}]}",
                 "org.json:1:48: validation_rules[0].formula: X: Formula "
                 "result is data type (Number), incompatible with expected "
                 "data type (true or false). at formula line 1 column 1");
    expect_error("{\"matching_rules\": [{\"name\": \"M\", \"fields\": "
                 "[{\"field\": \"Email\"}]}], \"duplicate_rules\": [{\"name\": "
                 "\"D\", \"matching_rules\": [\"M\"], \"conditions\": "
                 "\"ISPICKVAL(LeadSource, )\"}]}",
                 "org.json:1:142: duplicate_rules[0].conditions: D: Syntax "
                 "error. Found ')' at formula line 1 column 23");
}

static void
test_reference_errors(void **state)
{
    (void)state;
    expect_error("{\"validation_rules\": [{\"name\": \"X\", \"formula\": "
                 "\"ISBLANK(Email)\", \"message\": \"m\", \"error_field\": "
                 "\"Nope\"}]}",
                 "org.json:1:97: validation_rules[0].error_field: X: no "
                 "field Nope on Lead");
    expect_error("{\"validation_rules\": [{\"name\": \"X\", \"formula\": "
                 "\"ISBLANK(Email)\"}]}",
                 "org.json:1:23: validation_rules[0]: needs \"message\"");
    expect_error("{\"validation_rules\": [{\"name\": \"X\", \"object\": "
                 "\"Widget\", \"formula\": \"TRUE\", \"message\": \"m\"}]}",
                 "org.json:1:47: validation_rules[0].object: \"Widget\" is "
                 "not an object of the org");
    expect_error("{\"matching_rules\": [{\"name\": \"M\", \"fields\": "
                 "[{\"field\": \"Email\", \"match\": \"fuzzy\"}]}]}",
                 "org.json:1:74: matching_rules[0].fields[0].match: "
                 "\"fuzzy\" is not one of: exact, case_insensitive, email, "
                 "phone, name, company, first_name, last_name, city, "
                 "street, zip, title");
    expect_error("{\"matching_rules\": [{\"name\": \"M\", \"fields\": "
                 "[{\"field\": \"Emale\"}]}]}",
                 "org.json:1:56: matching_rules[0].fields[0].field: M: no "
                 "field Emale on Lead");
    expect_error("{\"matching_rules\": [{\"name\": \"M\", \"fields\": "
                 "[{\"field\": \"Company\"}]}], \"duplicate_rules\": "
                 "[{\"name\": \"D\", \"matching_rules\": [\"M\"], "
                 "\"match_against\": [\"Contact\"]}]}",
                 "org.json:1:148: duplicate_rules[0].match_against[0]: D: "
                 "matching rule \"M\" compares Company, which Contact does "
                 "not have");
    expect_error("{\"matching_rules\": [{\"name\": \"M\", \"fields\": "
                 "[{\"field\": \"Email\"}]}], \"duplicate_rules\": "
                 "[{\"name\": \"D\", \"matching_rules\": [\"N\"]}]}",
                 "org.json:1:122: duplicate_rules[0].matching_rules[0]: D: "
                 "no matching rule \"N\"");
    expect_error("{\"matching_rules\": [{\"name\": \"M\", \"fields\": "
                 "[{\"field\": \"Email\"}]}], \"duplicate_rules\": "
                 "[{\"name\": \"D\", \"matching_rules\": [\"M\"], "
                 "\"action_on_create\": \"warn\"}]}",
                 "org.json:1:148: duplicate_rules[0].action_on_create: "
                 "\"warn\" is not one of: allow, allow_with_alert, block");
    expect_error("{\"duplicate_rules\": [{\"name\": \"D\", "
                 "\"matching_rules\": []}]}",
                 "org.json:1:54: duplicate_rules[0].matching_rules: must "
                 "list 1 to 1000 names");
    expect_error("{\"matching_rules\": [{\"name\": \"M\", \"fields\": "
                 "[{\"field\": \"Email\"}]}, {\"name\": \"M\", \"fields\": "
                 "[{\"field\": \"Phone\"}]}]}",
                 "org.json:1:77: matching_rules[1].name: duplicate rule "
                 "name \"M\"");
}

/* The effective config loads back to the same config. */
static void
test_round_trip(void **state)
{
    static const char text[] =
        "{\"validation_rules\": [{\"name\": \"V\", \"formula\": "
        "\"ISBLANK(Phone)\", \"message\": \"m\", \"error_field\": \"phone\", "
        "\"active\": false, \"description\": \"why\"}], "
        "\"matching_rules\": [{\"name\": \"M\", \"fields\": [{\"field\": "
        "\"Email\", \"match\": \"email\"}]}], \"duplicate_rules\": "
        "[{\"name\": \"D\", \"matching_rules\": [\"M\"], \"match_against\": "
        "[\"Lead\", \"Contact\"], \"conditions\": \"NOT(ISBLANK(Email))\", "
        "\"action_on_create\": \"block\"}]}";
    struct sf_err err;
    struct org *o, *o2;
    json_t *j, *j2;
    char *t;

    (void)state;
    err_clear(&err);
    o = org_load_buf("org.json", text, strlen(text), &err);
    assert_non_null(o);
    j = org_to_json(o);
    t = json_dumps(j, 0);
    o2 = org_load_buf("again", t, strlen(t), &err);
    assert_non_null(o2);
    j2 = org_to_json(o2);
    assert_true(json_equal(j, j2));
    /* Defaults filled in: the edit action follows the create action. */
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(j, "duplicate_rules"), 0),
            "action_on_edit")),
        "block");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(j, "duplicate_rules"), 0),
            "alert_text")),
        "You're creating a duplicate record. We recommend you use an "
        "existing record instead.");
    free(t);
    json_decref(j);
    json_decref(j2);
    org_free(o);
    org_free(o2);
}

/* The law-firm fixture loads, keeps its rules, and its effective config
 * (a date field has no length) loads back unchanged. */
static void
test_law_firm_fixture(void **state)
{
    const char *dir = getenv("SFSIM_FIXTURES");
    char path[1024];
    struct sf_err err;
    struct org *o, *o2;
    json_t *j, *j2;
    char *t;

    (void)state;
    snprintf(path, sizeof(path), "%s/orgs/law-firm.json",
             dir != NULL ? dir : "fixtures");
    err_clear(&err);
    o = org_load_file(path, &err);
    if (o == NULL)
        fail_msg("%s", err.msg);
    assert_int_equal(o->nvrules, 4);
    assert_int_equal(o->nmrules, 2);
    assert_int_equal(o->ndrules, 2);
    assert_int_equal(o->drules[0].on_create, DUP_BLOCK);
    assert_int_equal(o->drules[1].on_create, DUP_ALLOW_ALERT);
    assert_int_equal(o->drules[1].on_edit, DUP_ALLOW);
    j = org_to_json(o);
    t = json_dumps(j, 0);
    o2 = org_load_buf("again", t, strlen(t), &err);
    if (o2 == NULL)
        fail_msg("%s", err.msg);
    j2 = org_to_json(o2);
    assert_true(json_equal(j, j2));
    free(t);
    json_decref(j);
    json_decref(j2);
    org_free(o);
    org_free(o2);
}

static void
test_header_allow_save(void **state)
{
    (void)state;
    assert_true(rules_header_allow_save("allowSave=true"));
    assert_true(rules_header_allow_save(
        "allowSave=true; includeRecordDetails=true; runAsCurrentUser=true"));
    assert_true(rules_header_allow_save(
        "includeRecordDetails=false;  allowsave = TRUE "));
    assert_false(rules_header_allow_save("allowSave=false"));
    assert_false(rules_header_allow_save("allowSave=truex"));
    assert_false(rules_header_allow_save("notallowSave=true"));
    assert_false(rules_header_allow_save(""));
    assert_false(rules_header_allow_save(NULL));
}

/* --- applying ------------------------------------------------------------- */

/* kv: "Field", "value", ..., NULL into fv (values borrowed). */
static const struct object_def *
values(struct sim *sim, const char *object, const char *const *kv,
       struct fieldvals *fv)
{
    const struct object_def *obj = schema_object(sim->schema, object);
    size_t i;

    assert_non_null(obj);
    for (i = 0; kv[i] != NULL; i += 2) {
        const struct field_def *f = schema_field(obj, kv[i]);

        assert_non_null(f);
        fieldvals_set(fv, f->interned, kv[i + 1], strlen(kv[i + 1]));
    }
    return obj;
}

/* Creates a record through intake; returns it (the store owns it). */
static struct record *
put(struct sim *sim, const char *object, const char *const *kv)
{
    struct fieldvals fv = {0};
    const struct object_def *obj = values(sim, object, kv, &fv);
    struct intake_opts opts = {.allow_save = 1}; /* past Allow+Alert */
    struct intake_result res;
    struct record *r;

    intake_result_init(&res);
    if (intake_create_opts(sim, obj, &fv, INTAKE_REST, sim_now(sim), &opts,
                           &res) == -1)
        fail_msg("could not create: %s", res.detail);
    r = res.record;
    intake_result_free(&res);
    fieldvals_free(&fv);
    return r;
}

struct dup {
    int stopped;
    json_t *errors, *names, *reported;
};

static void
dup_free(struct dup *d)
{
    json_decref(d->errors);
    json_decref(d->names);
    json_decref(d->reported);
}

/* Runs the duplicate rules on a would-be record of object. */
static struct dup
dups(struct sim *sim, const char *object, const char *const *kv,
     const struct record *existing, int web, int allow_save)
{
    struct fieldvals fv = {0};
    struct rules_subject s = {values(sim, object, kv, &fv), &fv, existing, sim,
                              web};
    struct rules_dup_opts o = {web, allow_save, 58};
    struct dup d = {0, json_array(), json_array(), json_array()};

    d.stopped = rules_duplicates(sim->org->rules, sim, &s, sim_now(sim), &o,
                                 &d.errors, &d.names, &d.reported);
    fieldvals_free(&fv);
    return d;
}

/* 1 when the named rule stops the would-be record, 0 when not. */
static int
stops(struct sim *sim, const char *const *kv)
{
    struct dup d = dups(sim, "Lead", kv, NULL, 0, 0);
    int n = d.stopped;

    dup_free(&d);
    return n;
}

static const char kinds_org[] =
    "{" T0 ", \"matching_rules\": ["
    "{\"name\": \"ByEmail\", \"fields\": [{\"field\": \"Email\", \"match\": "
    "\"email\"}]},"
    "{\"name\": \"ByPhone\", \"fields\": [{\"field\": \"Phone\", \"match\": "
    "\"phone\"}]},"
    "{\"name\": \"ByTitle\", \"fields\": [{\"field\": \"Title\", \"match\": "
    "\"exact\"}]},"
    "{\"name\": \"ByNameCompany\", \"fields\": ["
    "{\"field\": \"LastName\", \"match\": \"name\"},"
    "{\"field\": \"FirstName\", \"match\": \"name\"},"
    "{\"field\": \"Company\", \"match\": \"company\"}]}],"
    "\"duplicate_rules\": [{\"name\": \"D\", \"action_on_create\": "
    "\"block\", \"matching_rules\": [\"ByEmail\", \"ByPhone\", \"ByTitle\", "
    "\"ByNameCompany\"]}]}";

static void
test_match_kinds_normalise(void **state)
{
    struct sim *sim = simunit_new(kinds_org);

    (void)state;
    put(sim, "Lead",
        (const char *const[]){"LastName", "Lee", "FirstName", "Ann", "Company",
                              "Acme Injury", "Email", "Ann.Lee@Example.COM",
                              "Phone", "(555) 123-4567", "Title", "Paralegal",
                              NULL});
    /* email: case-insensitive */
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "X", "Company", "Y",
                                         "Email", "ann.lee@example.com", NULL}),
        1);
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "X", "Company", "Y",
                                         "Email", "ann.lee@example.co", NULL}),
        0);
    /* phone: digits only */
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "X", "Company", "Y",
                                         "Phone", "555.123.4567", NULL}),
        1);
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "X", "Company", "Y",
                                         "Phone", "555.123.4568", NULL}),
        0);
    /* a phone without digits compares nothing, and matches nothing */
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "X", "Company", "Y",
                                         "Phone", "n/a", NULL}),
        0);
    /* exact: case matters */
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "X", "Company", "Y",
                                         "Title", "Paralegal", NULL}),
        1);
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "X", "Company", "Y",
                                         "Title", "paralegal", NULL}),
        0);
    /* name + company: every field, case-insensitively */
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "LEE", "FirstName", "ann",
                                         "Company", "acme injury", NULL}),
        1);
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "Lee", "FirstName", "Bob",
                                         "Company", "Acme Injury", NULL}),
        0);
    /* a blank field never matches, even a stored blank */
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "Lee", "Company",
                                         "Acme Injury", NULL}),
        0);
    sim_free(sim);
}

/* What metadata's matching rules carry: Salesforce's methods, a boolean
 * filter over the items, blank-value behaviour per item. */
static const char filter_org[] =
    "{" T0 ", \"matching_rules\": [{\"name\": \"M\", "
    "\"boolean_filter\": \"1 AND (2 OR 3)\", \"fields\": ["
    "{\"field\": \"LastName\", \"match\": \"last_name\"},"
    "{\"field\": \"Email\", \"match\": \"case_insensitive\"},"
    "{\"field\": \"Title\", \"match\": \"title\", \"blank_values\": "
    "\"match_blanks\"}]}],"
    "\"duplicate_rules\": [{\"name\": \"D\", \"action_on_create\": "
    "\"block\", \"matching_rules\": [\"M\"]}]}";

static void
test_match_filter_and_blanks(void **state)
{
    struct sim *sim = simunit_new(filter_org);

    (void)state;
    put(sim, "Lead",
        (const char *const[]){"LastName", "Lee", "Company", "A", "Email",
                              "ann@x.test", NULL});
    /* 1 AND 2 */
    assert_int_equal(
        stops(sim,
              (const char *const[]){"LastName", "LEE", "Company", "B", "Email",
                                    "ANN@x.test", "Title", "Boss", NULL}),
        1);
    /* 1 AND 3: both titles blank, and Title matches blanks */
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "lee", "Company", "B",
                                         "Email", "other@x.test", NULL}),
        1);
    /* 1 only: neither 2 nor 3 */
    assert_int_equal(
        stops(sim,
              (const char *const[]){"LastName", "Lee", "Company", "B", "Email",
                                    "other@x.test", "Title", "Boss", NULL}),
        0);
    /* 2 and 3 without 1 */
    assert_int_equal(
        stops(sim, (const char *const[]){"LastName", "Orr", "Company", "B",
                                         "Email", "ann@x.test", NULL}),
        0);
    sim_free(sim);
}

static void
test_many_candidates_filtered(void **state)
{
    struct sim *sim = simunit_new(kinds_org);
    char first[16];
    int i;

    (void)state;
    /* 200 Lees at Acme (past the inline candidate buffer); one is Zoe. */
    for (i = 0; i < 200; i++) {
        snprintf(first, sizeof(first), "F%d", i);
        put(sim, "Lead",
            (const char *const[]){"LastName", "Lee", "FirstName",
                                  i == 150 ? "Zoe" : first, "Company", "Acme",
                                  NULL});
    }
    {
        struct dup d =
            dups(sim, "Lead",
                 (const char *const[]){"LastName", "lee", "FirstName", "ZOE",
                                       "Company", "ACME", NULL},
                 NULL, 0, 0);
        json_t *mr = json_object_get(
            json_object_get(json_array_get(d.errors, 0), "duplicateResult"),
            "matchResults");

        assert_int_equal(d.stopped, 1);
        assert_int_equal(json_array_size(mr), 1);
        assert_int_equal(
            json_integer_value(json_object_get(json_array_get(mr, 0), "size")),
            1);
        dup_free(&d);
    }
    sim_free(sim);
}

static const char actions_org[] =
    "{" T0 ", \"matching_rules\": [{\"name\": \"Lead_Email\", \"fields\": "
    "[{\"field\": \"Email\", \"match\": \"email\"}]}],"
    "\"duplicate_rules\": ["
    "{\"name\": \"Blocker\", \"action_on_create\": \"block\", "
    "\"action_on_edit\": \"allow\", "
    "\"conditions\": \"ISPICKVAL(LeadSource, 'Lead Distro AI')\", "
    "\"alert_text\": \"Blocked.\", \"matching_rules\": [\"Lead_Email\"]},"
    "{\"name\": \"Alerter\", \"action_on_create\": \"allow_with_alert\", "
    "\"conditions\": \"ISPICKVAL(LeadSource, 'Web')\", "
    "\"alert_text\": \"Use one of these records?\", "
    "\"matching_rules\": [\"Lead_Email\"]},"
    "{\"name\": \"Reporter\", \"action_on_create\": \"allow\", "
    "\"conditions\": \"ISPICKVAL(LeadSource, 'Other')\", "
    "\"matching_rules\": [\"Lead_Email\"]},"
    "{\"name\": \"Off\", \"active\": false, \"action_on_create\": \"block\", "
    "\"matching_rules\": [\"Lead_Email\"]}]}";

static struct dup
dup_source(struct sim *sim, const char *source, int web, int allow_save)
{
    return dups(sim, "Lead",
                (const char *const[]){"LastName", "X", "Company", "Y", "Email",
                                      "a@b.test", "LeadSource", source, NULL},
                NULL, web, allow_save);
}

static void
test_conditions_and_actions(void **state)
{
    struct sim *sim = simunit_new(actions_org);
    struct dup d;
    json_t *dr;

    (void)state;
    put(sim, "Lead",
        (const char *const[]){"LastName", "A", "Company", "B", "Email",
                              "A@B.test", NULL});
    /* No rule's conditions hold: nothing runs. */
    d = dup_source(sim, "Purchased List", 0, 0);
    assert_int_equal(d.stopped, 0);
    assert_int_equal(json_array_size(d.reported), 0);
    dup_free(&d);
    /* Block: allowSave false, and the header does not get past it. */
    d = dup_source(sim, "Lead Distro AI", 0, 1);
    assert_int_equal(d.stopped, 1);
    dr = json_object_get(json_array_get(d.errors, 0), "duplicateResult");
    assert_false(json_is_true(json_object_get(dr, "allowSave")));
    assert_string_equal(json_string_value(json_array_get(d.names, 0)),
                        "Blocker");
    dup_free(&d);
    /* Allow+Alert: refused with allowSave true, saved past the header. */
    d = dup_source(sim, "Web", 0, 0);
    assert_int_equal(d.stopped, 1);
    dr = json_object_get(json_array_get(d.errors, 0), "duplicateResult");
    assert_true(json_is_true(json_object_get(dr, "allowSave")));
    dup_free(&d);
    d = dup_source(sim, "Web", 0, 1);
    assert_int_equal(d.stopped, 0);
    assert_string_equal(json_string_value(json_array_get(d.reported, 0)),
                        "Alerter");
    dup_free(&d);
    /* Web-to-Lead cannot say allowSave: the alert blocks it. */
    d = dup_source(sim, "Web", 1, 1);
    assert_int_equal(d.stopped, 1);
    dup_free(&d);
    /* Allow without alert: saved, only reported. */
    d = dup_source(sim, "Other", 1, 0);
    assert_int_equal(d.stopped, 0);
    assert_string_equal(json_string_value(json_array_get(d.reported, 0)),
                        "Reporter");
    dup_free(&d);
    sim_free(sim);
}

static void
test_update_ignores_itself_and_uses_edit_action(void **state)
{
    struct sim *sim = simunit_new(actions_org);
    struct record *a, *b, *c;
    struct dup d;

    (void)state;
    a = put(sim, "Lead",
            (const char *const[]){"LastName", "A", "Company", "B", "Email",
                                  "a@b.test", "LeadSource", "Web", NULL});
    /* Editing a without changing its email: it does not match itself. */
    d = dups(sim, "Lead", (const char *const[]){"Title", "Boss", NULL}, a, 0,
             0);
    assert_int_equal(d.stopped, 0);
    assert_int_equal(json_array_size(d.reported), 0);
    dup_free(&d);
    /* b takes a's email on edit: Blocker applies to b (a Lead Distro AI
     * lead), but its edit action is Allow: only reported. */
    b = put(sim, "Lead",
            (const char *const[]){"LastName", "C", "Company", "D", "Email",
                                  "c@d.test", "LeadSource", "Lead Distro AI",
                                  NULL});
    d = dups(sim, "Lead", (const char *const[]){"Email", "A@B.TEST", NULL}, b,
             0, 0);
    assert_int_equal(d.stopped, 0);
    assert_string_equal(json_string_value(json_array_get(d.reported, 0)),
                        "Blocker");
    dup_free(&d);
    /* c (a Web lead) does the same: Alerter's edit action follows its
     * create action, Allow+Alert, and stops it. */
    c = put(sim, "Lead",
            (const char *const[]){"LastName", "E", "Company", "F", "Email",
                                  "e@f.test", "LeadSource", "Web", NULL});
    d = dups(sim, "Lead", (const char *const[]){"Email", "a@b.test", NULL}, c,
             0, 0);
    assert_int_equal(d.stopped, 1);
    assert_string_equal(json_string_value(json_array_get(d.names, 0)),
                        "Alerter");
    dup_free(&d);
    sim_free(sim);
}

static void
test_duplicate_result_structure(void **state)
{
    struct sim *sim = simunit_new(
        "{" T0 ", \"matching_rules\": [{\"name\": \"Email_Match\", "
        "\"fields\": [{\"field\": \"Email\", \"match\": \"email\"}]}],"
        "\"duplicate_rules\": [{\"name\": \"Lead_Dupes\", "
        "\"action_on_create\": \"allow_with_alert\", \"alert_text\": "
        "\"Use one of these records?\", \"matching_rules\": "
        "[\"Email_Match\"], \"match_against\": [\"Lead\", \"Contact\"]}]}");
    struct record *lead, *contact;
    char lead18[SFID_LEN18 + 1], contact18[SFID_LEN18 + 1], url[128];
    json_t *e, *dr, *mr, *rec;
    struct dup d;

    (void)state;
    lead = put(sim, "Lead",
               (const char *const[]){"LastName", "A", "Company", "B", "Email",
                                     "x@y.test", NULL});
    contact =
        put(sim, "Contact",
            (const char *const[]){"LastName", "A", "Email", "X@Y.test", NULL});
    sfid_to18(lead->id, lead18);
    sfid_to18(contact->id, contact18);
    d = dups(sim, "Lead",
             (const char *const[]){"LastName", "Q", "Company", "R", "Email",
                                   "x@Y.test", NULL},
             NULL, 0, 0);
    assert_int_equal(d.stopped, 1);
    e = json_array_get(d.errors, 0);
    assert_string_equal(json_string_value(json_object_get(e, "errorCode")),
                        "DUPLICATES_DETECTED");
    assert_string_equal(json_string_value(json_object_get(e, "message")),
                        "Use one of these records?");
    dr = json_object_get(e, "duplicateResult");
    assert_true(json_is_true(json_object_get(dr, "allowSave")));
    assert_string_equal(json_string_value(json_object_get(dr, "duplicateRule")),
                        "Lead_Dupes");
    assert_string_equal(
        json_string_value(json_object_get(dr, "duplicateRuleEntityType")),
        "Lead");
    assert_string_equal(json_string_value(json_object_get(dr, "errorMessage")),
                        "Use one of these records?");
    mr = json_object_get(dr, "matchResults");
    assert_int_equal(json_array_size(mr), 2);
    /* Leads first, then Contacts, as match_against lists them. */
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(mr, 0), "entityType")),
        "Lead");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(mr, 1), "entityType")),
        "Contact");
    e = json_array_get(mr, 1);
    assert_string_equal(json_string_value(json_object_get(e, "matchEngine")),
                        "ExactMatchEngine");
    assert_string_equal(json_string_value(json_object_get(e, "rule")),
                        "Email_Match");
    assert_int_equal(json_integer_value(json_object_get(e, "size")), 1);
    assert_true(json_is_true(json_object_get(e, "success")));
    assert_int_equal(json_array_size(json_object_get(e, "errors")), 0);
    rec = json_array_get(json_object_get(e, "matchRecords"), 0);
    assert_true(json_real_value(json_object_get(rec, "matchConfidence")) ==
                100.0);
    assert_int_equal(
        json_array_size(json_object_get(rec, "additionalInformation")), 0);
    assert_int_equal(json_array_size(json_object_get(rec, "fieldDiffs")), 0);
    rec = json_object_get(rec, "record");
    assert_string_equal(json_string_value(json_object_get(rec, "Id")),
                        contact18);
    snprintf(url, sizeof(url), "/services/data/v58.0/sobjects/Contact/%s",
             contact18);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(rec, "attributes"), "url")),
                        url);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(rec, "attributes"), "type")),
                        "Contact");
    rec = json_object_get(
        json_array_get(json_object_get(json_array_get(mr, 0), "matchRecords"),
                       0),
        "record");
    assert_string_equal(json_string_value(json_object_get(rec, "Id")), lead18);
    dup_free(&d);
    sim_free(sim);
}

/* --- validation rules ----------------------------------------------------- */

static void
test_validation_order_fields_and_runtime_errors(void **state)
{
    struct sim *sim = simunit_new(
        "{" T0 ", \"validation_rules\": ["
        "{\"name\": \"Phone10\", \"formula\": \"NOT(REGEX(Phone, "
        "'[^0-9]*([0-9][^0-9]*){10}'))\", \"message\": \"Ten digits.\", "
        "\"error_field\": \"phone\"},"
        "{\"name\": \"Off\", \"active\": false, \"formula\": \"TRUE\", "
        "\"message\": \"never\"},"
        "{\"name\": \"Ratio\", \"formula\": \"NumberOfEmployees / 0 > 1\", "
        "\"message\": \"never: division by zero\"},"
        "{\"name\": \"NoTitle\", \"formula\": \"ISBLANK(Title)\", "
        "\"message\": \"Title, please.\"},"
        "{\"name\": \"ContactOnly\", \"object\": \"Contact\", \"formula\": "
        "\"TRUE\", \"message\": \"contacts only\"}]}");
    struct fieldvals fv = {0};
    struct rules_subject s;
    json_t *errors = json_array(), *names = json_array(), *e;

    (void)state;
    s.obj = values(sim, "Lead",
                   (const char *const[]){"LastName", "A", "Phone", "555-1234",
                                         "NumberOfEmployees", "5", NULL},
                   &fv);
    s.values = &fv;
    s.existing = NULL;
    s.sim = sim;
    s.web = 0;
    assert_int_equal(
        rules_validate(sim->org->rules, &s, sim_now(sim), &errors, &names), 2);
    assert_string_equal(json_string_value(json_array_get(names, 0)), "Phone10");
    assert_string_equal(json_string_value(json_array_get(names, 1)), "NoTitle");
    e = json_array_get(errors, 0);
    assert_string_equal(json_string_value(json_object_get(e, "errorCode")),
                        "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    assert_string_equal(json_string_value(json_object_get(e, "message")),
                        "Ten digits.");
    /* The field as its API name, whatever case the org file used. */
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(e, "fields"), 0)),
        "Phone");
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(errors, 1), "fields")),
        0);
    fieldvals_free(&fv);
    json_decref(errors);
    json_decref(names);
    sim_free(sim);
}

/* Through intake: rules see converted values, and only a record that
 * passed the type checks and validation rules reaches duplicate rules. */
static void
test_intake_order(void **state)
{
    struct sim *sim = simunit_new(
        "{" T0 ", \"validation_rules\": [{\"name\": \"NoAcme\", \"formula\": "
        "\"Company = 'Acme'\", \"message\": \"No Acme.\"},"
        "{\"name\": \"Employees\", \"formula\": \"NumberOfEmployees > 100\", "
        "\"message\": \"Too big.\"}],"
        "\"matching_rules\": [{\"name\": \"M\", \"fields\": [{\"field\": "
        "\"Email\", \"match\": \"email\"}]}],"
        "\"duplicate_rules\": [{\"name\": \"D\", \"action_on_create\": "
        "\"block\", \"matching_rules\": [\"M\"]}]}");
    const struct object_def *lead = schema_object(sim->schema, "Lead");
    struct fieldvals fv = {0};
    struct intake_result res;

    (void)state;
    put(sim, "Lead",
        (const char *const[]){"LastName", "A", "Company", "B", "Email",
                              "a@b.test", NULL});
    /* Both validation rules fire; duplicate rules are not consulted. */
    values(sim, "Lead",
           (const char *const[]){"LastName", "A", "Company", "Acme", "Email",
                                 "a@b.test", "NumberOfEmployees", "101", NULL},
           &fv);
    intake_result_init(&res);
    assert_int_equal(
        intake_create(sim, lead, &fv, INTAKE_REST, sim_now(sim), &res), -1);
    assert_int_equal(res.verdict, VERDICT_REJECTED_VALIDATION);
    assert_int_equal(json_array_size(res.errors), 2);
    assert_string_equal(res.detail, "FIELD_CUSTOM_VALIDATION_EXCEPTION: "
                                    "NoAcme, Employees: No Acme.");
    intake_result_free(&res);
    fieldvals_free(&fv);
    /* A type error stops the request before any rule. */
    values(sim, "Lead",
           (const char *const[]){"LastName", "A", "Company", "Acme", "Email",
                                 "not-an-email", NULL},
           &fv);
    intake_result_init(&res);
    assert_int_equal(
        intake_create(sim, lead, &fv, INTAKE_REST, sim_now(sim), &res), -1);
    assert_int_equal(json_array_size(res.errors), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(res.errors, 0), "errorCode")),
                        "INVALID_EMAIL_ADDRESS");
    intake_result_free(&res);
    fieldvals_free(&fv);
    /* Valid, but a duplicate. */
    values(sim, "Lead",
           (const char *const[]){"LastName", "A", "Company", "C", "Email",
                                 "A@B.TEST", NULL},
           &fv);
    intake_result_init(&res);
    assert_int_equal(
        intake_create(sim, lead, &fv, INTAKE_WEB_TO_LEAD, sim_now(sim), &res),
        -1);
    assert_int_equal(res.verdict, VERDICT_REJECTED_DUPLICATE);
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(res.notes, "duplicate_rules"), 0)),
                        "D");
    intake_result_free(&res);
    fieldvals_free(&fv);
    assert_int_equal(store_count(sim->store, lead->store_index), 1);
    sim_free(sim);
}

/* Values are read as Salesforce reads them: a number is a decimal
 * literal (no hex, no white space, no "inf"), and a date is a real day of
 * the calendar (February 29 only in leap years). */
static int
creates(struct sim *sim, const char *field, const char *value)
{
    const struct object_def *lead = schema_object(sim->schema, "Lead");
    struct fieldvals fv = {0};
    struct intake_result res;
    int rc;

    values(sim, "Lead",
           (const char *const[]){"LastName", "A", "Company", "B", field, value,
                                 NULL},
           &fv);
    intake_result_init(&res);
    rc = intake_create(sim, lead, &fv, INTAKE_REST, sim_now(sim), &res);
    intake_result_free(&res);
    fieldvals_free(&fv);
    return rc == 0;
}

static void
test_intake_reads_values_strictly(void **state)
{
    struct sim *sim = simunit_new(
        "{" T0 ", \"custom_fields\": [{\"object\": \"Lead\", \"name\": "
        "\"Injury__c\", \"label\": \"Injury\", \"type\": \"date\"}]}");

    (void)state;
    assert_true(creates(sim, "NumberOfEmployees", "12"));
    assert_true(creates(sim, "NumberOfEmployees", "-3"));
    assert_false(creates(sim, "NumberOfEmployees", "0x1A"));
    assert_false(creates(sim, "NumberOfEmployees", " 12"));
    assert_false(creates(sim, "NumberOfEmployees", "inf"));
    assert_true(creates(sim, "Injury__c", "2024-02-29"));
    assert_false(creates(sim, "Injury__c", "2023-02-29"));
    assert_false(creates(sim, "Injury__c", "2100-02-29"));
    assert_false(creates(sim, "Injury__c", "2023-04-31"));
    sim_free(sim);
}

/* The names of the validation rules that fire on a would-be Lead. */
static void
fired_on(struct sim *sim, const char *object, const char *const *kv, char *out,
         size_t n)
{
    struct fieldvals fv = {0};
    struct rules_subject s = {values(sim, object, kv, &fv), &fv, NULL, sim, 0};
    json_t *errors = NULL, *names = NULL;
    size_t i, used = 0;

    out[0] = '\0';
    rules_validate(sim->org->rules, &s, sim_now(sim), &errors, &names);
    for (i = 0; i < json_array_size(names); i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? "," : "",
                                 json_string_value(json_array_get(names, i)));
    fieldvals_free(&fv);
    json_decref(errors);
    json_decref(names);
}

static void
fired(struct sim *sim, const char *const *kv, char *out, size_t n)
{
    fired_on(sim, "Lead", kv, out, n);
}

/*
 * The fields formulas' names are remembered across evaluations (rules_ref's
 * memo), in any case the formula spells them. A schema rebuilt under the
 * same rules (here over a new store, where Zip__c has another interned id
 * and Pad__c the old one) is read afresh, never through what was
 * remembered of the old schema, even when its object_def lands at the old
 * one's address (as it does here).
 */
static void
test_names_follow_the_schema(void **state)
{
    static const char *const a[] = {"LastName", "x", "Zip__c", "A", NULL};
    static const char *const b[] = {"LastName", "x", "Zip__c", "B", NULL};
    static const char *const b_pad[] = {"LastName", "x", "Zip__c", "B",
                                        "Pad__c",   "A", NULL};
    struct sim *sim = simunit_new(
        "{" T0 ", \"custom_fields\": [{\"object\": \"Lead\", \"name\": "
        "\"Zip__c\", \"type\": \"text\"}], \"validation_rules\": ["
        "{\"name\": \"IsA\", \"formula\": \"zip__C = 'A'\", \"message\": "
        "\"m\"},"
        "{\"name\": \"NotA\", \"formula\": \"AND(NOT(ISBLANK(ZIP__C)), "
        "Zip__c <> 'A')\", \"message\": \"m\"}]}");
    const char *text = "{\"custom_fields\": ["
                       "{\"object\": \"Lead\", \"name\": \"Pad__c\", "
                       "\"type\": \"text\"},"
                       "{\"object\": \"Lead\", \"name\": \"Pad2__c\", "
                       "\"type\": \"text\"},"
                       "{\"object\": \"Lead\", \"name\": \"Zip__c\", "
                       "\"type\": \"text\"}]}";
    struct sf_err err;
    struct org *other;
    char names[128];
    int round;

    (void)state;
    err_clear(&err);
    other = org_load_buf("other.json", text, strlen(text), &err);
    assert_non_null(other);
    for (round = 0; round < 4; round++) {
        fired(sim, a, names, sizeof(names));
        assert_string_equal(names, "IsA");
        fired(sim, round % 2 == 1 ? b_pad : b, names, sizeof(names));
        assert_string_equal(names, "NotA");
        schema_free(sim->schema);
        store_free(sim->store);
        sim->store = store_new("00", 1);
        sim->schema =
            objects_schema(round % 2 == 0 ? other : sim->org, sim->store);
    }
    sim_free(sim);
    org_free(other);
}

/*
 * Matching rules read the record's values and look up the compared
 * records' fields through the rules' memo too: under a schema rebuilt
 * over a new store (Pad__c now where Key__c was, and other interned ids),
 * the same rules still find exactly the duplicates by Key__c, round after
 * round, never through what was remembered of the old schema.
 */
static void
test_matching_follows_the_schema(void **state)
{
    static const char *const stored[] = {"LastName", "Lee", "Company", "A",
                                         "Key__c",   "k1",  NULL};
    static const char *const same[] = {"LastName", "X",  "Company", "Y",
                                       "Key__c",   "k1", NULL};
    static const char *const other[] = {
        "LastName", "X", "Company", "Y", "Key__c", "zz", "Pad__c", "k1", NULL};
    struct sim *sim = simunit_new(
        "{" T0 ", \"custom_fields\": [{\"object\": \"Lead\", \"name\": "
        "\"Key__c\", \"type\": \"text\"}], \"matching_rules\": ["
        "{\"name\": \"ByKey\", \"fields\": [{\"field\": \"Key__c\", "
        "\"match\": \"exact\"}]}], \"duplicate_rules\": [{\"name\": \"D\", "
        "\"action_on_create\": \"block\", \"matching_rules\": [\"ByKey\"]}]}");
    const char *text = "{\"custom_fields\": ["
                       "{\"object\": \"Lead\", \"name\": \"Pad__c\", "
                       "\"type\": \"text\"},"
                       "{\"object\": \"Lead\", \"name\": \"Key__c\", "
                       "\"type\": \"text\"}]}";
    struct sf_err err;
    struct org *padded;
    int round;

    (void)state;
    err_clear(&err);
    padded = org_load_buf("padded.json", text, strlen(text), &err);
    assert_non_null(padded);
    for (round = 0; round < 4; round++) {
        if (round > 0) {
            schema_free(sim->schema);
            store_free(sim->store);
            sim->store = store_new("00", 1);
            sim->schema =
                objects_schema(round % 2 == 1 ? padded : sim->org, sim->store);
        }
        assert_int_equal(stops(sim, same), 0);
        put(sim, "Lead", stored);
        assert_int_equal(stops(sim, same), 1);
        assert_int_equal(stops(sim, same), 1);
        if (round % 2 == 1)
            assert_int_equal(stops(sim, other), 0);
    }
    sim_free(sim);
    org_free(padded);
}

/*
 * A save of many records (more than a chunk of the save's ctxs, some
 * refused in between, stored in two commits, the save taking records
 * after the first): each record that passed is stored with its own
 * values, each refused one gets its own error, in order.
 */
static void
test_save_of_many(void **state)
{
    struct sim *sim = simunit_new("{" T0 "}");
    const struct object_def *lead = schema_object(sim->schema, "Lead");
    struct intake_save *save = intake_save_new(sim, INTAKE_REST, 0, NULL);
    struct intake_result res[100];
    struct fieldvals fv[100];
    char last[100][16], owner15[SFID_LEN15 + 1], want18[SFID_LEN18 + 1];
    size_t i, k, len, stored = 0;
    const char *v;

    (void)state;
    for (i = 0; i < 100; i++) {
        memset(&fv[i], 0, sizeof(fv[i]));
        intake_result_init(&res[i]);
        snprintf(last[i], sizeof(last[i]), "L%zu", i);
        if (i % 3 != 1) /* every third: LastName missing */
            fieldvals_set(&fv[i], schema_field(lead, "LastName")->interned,
                          last[i], strlen(last[i]));
        fieldvals_set(&fv[i], schema_field(lead, "Company")->interned, "C", 1);
        if (i % 7 == 0 && i % 3 != 1) /* more values than a ctx holds */
            for (k = 0; k < lead->nfields; k++)
                if (lead->fields[k].type == FT_STRING &&
                    !(lead->fields[k].flags & FIELD_READONLY) &&
                    fieldvals_get(&fv[i], lead->fields[k].interned) == NULL)
                    fieldvals_set(&fv[i], lead->fields[k].interned, last[i],
                                  strlen(last[i]));
        assert_int_equal(intake_save_check(save, lead, NULL, &fv[i], &res[i]),
                         i % 3 == 1 ? -1 : 0);
        if (i == 60) {
            assert_int_equal(intake_save_commit(save), 0);
            /* Another owner from here on (as a new org would have). */
            assert_true(sim->org->nusers > 0);
            memcpy(owner15, sim->org->users[0].id, sizeof(owner15));
            memcpy(sim->org->users[0].id, "005000000000ZzZ",
                   sizeof(sim->org->users[0].id));
        }
    }
    assert_int_equal(intake_save_commit(save), 0);
    intake_save_free(save);
    for (i = 0; i < 100; i++) {
        if (i % 3 == 1) {
            assert_int_equal(res[i].verdict, VERDICT_REJECTED_REQUIRED);
            assert_null(res[i].record);
        } else {
            assert_int_equal(res[i].verdict, VERDICT_CREATED);
            v = record_value(res[i].record,
                             schema_field(lead, "LastName")->interned, &len);
            assert_non_null(v);
            assert_string_equal(v, last[i]);
            sfid_to18(i <= 60 ? owner15 : sim->org->users[0].id, want18);
            assert_string_equal(
                record_value(res[i].record,
                             schema_field(lead, "OwnerId")->interned, &len),
                want18);
            if (i % 7 == 0 && i % 3 != 1)
                assert_string_equal(
                    record_value(res[i].record,
                                 schema_field(lead, "Title")->interned, &len),
                    last[i]);
            stored++;
        }
        intake_result_free(&res[i]);
        fieldvals_free(&fv[i]);
    }
    assert_int_equal(store_count(sim->store, lead->store_index), stored);
    sim_free(sim);
}

/* An API email with a space of any kind (isspace() of the C locale), a
 * comma or a semicolon anywhere is INVALID_EMAIL_ADDRESS; others pass. */
static void
test_email_bytes(void **state)
{
    static const char bad[] = " \t\n\v\f\r,;";
    struct sim *sim = simunit_new("{" T0 "}");
    const struct object_def *lead = schema_object(sim->schema, "Lead");
    char email[32];
    size_t i, at;
    int c;

    (void)state;
    for (c = 1; c < 256; c++) {
        for (at = 0; at < 3; at++) {
            struct fieldvals fv = {0};
            struct intake_result res;
            int refused;

            snprintf(email, sizeof(email), "ab@example.com");
            email[at == 0 ? 1 : at == 1 ? 4 : 13] = (char)c;
            if (c == '@' || c == '.' || (at == 2 && (unsigned)c >= 0x80))
                continue; /* other rules about those */
            intake_result_init(&res);
            fieldvals_set(&fv, schema_field(lead, "LastName")->interned, "L",
                          1);
            fieldvals_set(&fv, schema_field(lead, "Company")->interned, "C", 1);
            fieldvals_set(&fv, schema_field(lead, "Email")->interned, email,
                          strlen(email));
            refused = intake_create(sim, lead, &fv, INTAKE_REST, 0, &res) == -1;
            for (i = 0; bad[i] != '\0' && bad[i] != (char)c; i++)
                ;
            if (refused != (bad[i] != '\0'))
                fail_msg("byte %d at %zu: %s", c, at,
                         res.detail != NULL ? res.detail : "stored");
            intake_result_free(&res);
            fieldvals_free(&fv);
        }
    }
    sim_free(sim);
}

/* A validation rule runs on its own object's records only (named in any
 * case), whichever object's records came before. */
static void
test_rules_keep_to_their_object(void **state)
{
    static const char *const bad[] = {"LastName", "bad", NULL};
    struct sim *sim =
        simunit_new("{" T0 ", \"validation_rules\": ["
                    "{\"name\": \"L\", \"object\": \"lead\", \"formula\": "
                    "\"LastName = 'bad'\", \"message\": \"m\"},"
                    "{\"name\": \"C\", \"object\": \"Contact\", \"formula\": "
                    "\"LastName = 'bad'\", \"message\": \"m\"}]}");
    char names[64];
    int round;

    (void)state;
    for (round = 0; round < 3; round++) {
        fired_on(sim, "Lead", bad, names, sizeof(names));
        assert_string_equal(names, "L");
        fired_on(sim, "Contact", bad, names, sizeof(names));
        assert_string_equal(names, "C");
        fired_on(sim, "Account", (const char *const[]){"Name", "bad", NULL},
                 names, sizeof(names));
        assert_string_equal(names, "");
    }
    sim_free(sim);
}

/* Defaults go into a new record in field order, the owner at OwnerId's
 * place among them, after the values given. */
static void
test_defaults_in_field_order(void **state)
{
    static const char *const kv[] = {"LastName", "x",     "Company", "c",
                                     "B__c",     "given", NULL};
    struct sim *sim = simunit_new(
        "{" T0 ", \"custom_fields\": ["
        "{\"object\": \"Lead\", \"name\": \"A__c\", \"type\": \"text\", "
        "\"default\": \"a\"},"
        "{\"object\": \"Lead\", \"name\": \"B__c\", \"type\": \"text\", "
        "\"default\": \"b\"},"
        "{\"object\": \"Lead\", \"name\": \"C__c\", \"type\": \"text\", "
        "\"default\": \"c\"}]}");
    const struct object_def *lead = schema_object(sim->schema, "Lead");
    const struct field_def *owner = schema_field(lead, "OwnerId");
    struct record *r = put(sim, "Lead", kv);
    size_t i, n = 3; /* the values given come first */

    (void)state;
    assert_string_equal(
        record_value(r, schema_field(lead, "B__c")->interned, &i), "given");
    for (i = 0; i < lead->nfields; i++) {
        const struct field_def *f = &lead->fields[i];

        if ((f->default_value == NULL && f != owner) ||
            strcmp(f->name, "B__c") == 0)
            continue;
        assert_true(n < r->nfields);
        assert_int_equal(r->fields[n++].field, f->interned);
    }
    assert_int_equal(n, r->nfields);
    assert_string_equal(
        record_value(r, schema_field(lead, "C__c")->interned, &i), "c");
    sim_free(sim);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_errors_name_rule_and_position),
        cmocka_unit_test(test_reference_errors),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_law_firm_fixture),
        cmocka_unit_test(test_header_allow_save),
        cmocka_unit_test(test_match_kinds_normalise),
        cmocka_unit_test(test_matching_follows_the_schema),
        cmocka_unit_test(test_rules_keep_to_their_object),
        cmocka_unit_test(test_save_of_many),
        cmocka_unit_test(test_email_bytes),
        cmocka_unit_test(test_match_filter_and_blanks),
        cmocka_unit_test(test_many_candidates_filtered),
        cmocka_unit_test(test_conditions_and_actions),
        cmocka_unit_test(test_update_ignores_itself_and_uses_edit_action),
        cmocka_unit_test(test_duplicate_result_structure),
        cmocka_unit_test(test_validation_order_fields_and_runtime_errors),
        cmocka_unit_test(test_intake_order),
        cmocka_unit_test(test_intake_reads_values_strictly),
        cmocka_unit_test(test_names_follow_the_schema),
        cmocka_unit_test(test_defaults_in_field_order),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
