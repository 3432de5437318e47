/*
 * test_metadata.c - the metadata importer (metadata.h), one metadata type
 * at a time: custom fields of each type, validation rules (and a formula
 * the engine refuses, located in the file), matching and duplicate rules
 * in Metadata API format, global value sets, and files that cannot be
 * used (a DOCTYPE, the wrong root, nothing usable), each reported with
 * its path, line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "metadata.h"
#include "xmalloc.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS "xmlns=\"http://soap.sforce.com/2006/04/metadata\""

/* A file of a tree: its path and text. */
struct mdfile {
    const char *path, *text;
};

static json_t *
import_one(const char *path, const char *text, struct metadata_report *rep)
{
    return metadata_import_buf(path, text, strlen(text), NULL, rep);
}

/* Writes files under a new temporary directory (into dir) and imports
 * it; the directory is removed. */
static json_t *
import_tree(const struct mdfile *files, struct metadata_report *rep)
{
    char dir[] = "/tmp/sfsim-mdunit-XXXXXX", path[512], cmd[600];
    const struct mdfile *f;
    json_t *doc;
    FILE *fp;
    char *slash;

    assert_non_null(mkdtemp(dir));
    for (f = files; f->path != NULL; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, f->path);
        for (slash = strchr(path + strlen(dir) + 1, '/'); slash != NULL;
             slash = strchr(slash + 1, '/')) {
            *slash = '\0';
            mkdir(path, 0700);
            *slash = '/';
        }
        assert_non_null(fp = fopen(path, "w"));
        fputs(f->text, fp);
        fclose(fp);
    }
    doc = metadata_import(dir, NULL, rep);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return doc;
}

/* The entry of section whose "name" is name (borrowed), or NULL. */
static json_t *
entry(json_t *doc, const char *section, const char *name)
{
    json_t *e;
    size_t i;

    json_array_foreach(json_object_get(doc, section), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0)
            return e;
    }
    return NULL;
}

static const char *
str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_int_t
num(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* The report holds a problem at path:line:column whose message has
 * want (line/column 0: any). */
static void
reported(const struct metadata_report *rep, const char *path, int line,
         int column, const char *want)
{
    size_t i;

    for (i = 0; i < rep->n; i++)
        if (strstr(rep->v[i].path, path) != NULL &&
            strstr(rep->v[i].message, want) != NULL &&
            (line == 0 || rep->v[i].line == line) &&
            (column == 0 || rep->v[i].column == column))
            return;
    for (i = 0; i < rep->n; i++)
        fprintf(stderr, "  %s:%d:%d: %s\n", rep->v[i].path, rep->v[i].line,
                rep->v[i].column, rep->v[i].message);
    fail_msg("no problem %s:%d:%d with \"%s\"", path, line, column, want);
}

#define FIELD(name, body)                                                      \
    HEAD "<CustomField " NS ">\n    <fullName>" name "</fullName>\n" body      \
         "</CustomField>\n"

static void
test_field_types(void **state)
{
    static const struct mdfile files[] = {
        {"objects/Lead/fields/Score__c.field-meta.xml",
         FIELD("Score__c",
               "    <label>Score</label>\n    <precision>5</precision>\n"
               "    <scale>1</scale>\n    <required>true</required>\n"
               "    <type>Number</type>\n")},
        {"objects/Lead/fields/Code__c.field-meta.xml",
         FIELD("Code__c",
               "    <label>Code</label>\n    <length>12</length>\n"
               "    <externalId>true</externalId>\n    <unique>true</unique>\n"
               "    <type>Text</type>\n")},
        {"objects/Lead/fields/Topics__c.field-meta.xml",
         FIELD(
             "Topics__c",
             "    <label>Topics</label>\n    <type>MultiselectPicklist</type>\n"
             "    <valueSet>\n        <valueSetDefinition>\n"
             "            "
             "<value><fullName>A</fullName><default>false</default></value>\n"
             "            "
             "<value><fullName>B</fullName><default>true</default></value>\n"
             "            "
             "<value><fullName>Old</fullName><isActive>false</isActive></"
             "value>\n"
             "        </valueSetDefinition>\n    </valueSet>\n"
             "    <visibleLines>4</visibleLines>\n")},
        {"objects/Lead/fields/Opt_In__c.field-meta.xml",
         FIELD("Opt_In__c",
               "    <defaultValue>true</defaultValue>\n"
               "    <label>Opt In</label>\n    <type>Checkbox</type>\n")},
        {"objects/Contact/fields/Referrer__c.field-meta.xml",
         FIELD("Referrer__c",
               "    <label>Referrer</label>\n"
               "    <referenceTo>Account</referenceTo>\n"
               "    <relationshipName>Referrer</relationshipName>\n"
               "    <type>Lookup</type>\n")},
        {"objects/Lead/fields/Score_Band__c.field-meta.xml",
         FIELD("Score_Band__c",
               "    <formula>IF(Score__c &gt; 50, &quot;high&quot;, "
               "&quot;low&quot;)</formula>\n"
               "    <label>Score Band</label>\n    <type>Text</type>\n")},
        {"objects/Lead/fields/Call_At__c.field-meta.xml",
         FIELD("Call_At__c",
               "    <label>Call at</label>\n    <type>Time</type>\n")},
        {"objects/Lead/fields/Region__c.field-meta.xml",
         FIELD("Region__c",
               "    <defaultValue>$User.Region__c</defaultValue>\n"
               "    <label>Region</label>\n    <length>20</length>\n"
               "    <type>Text</type>\n")},
        {NULL, NULL},
    };
    struct metadata_report rep;
    json_t *doc = import_tree(files, &rep), *f;

    (void)state;
    assert_non_null(doc);
    f = entry(doc, "custom_fields", "Score__c");
    assert_string_equal(str(f, "type"), "number");
    assert_int_equal(num(f, "precision"), 5);
    assert_int_equal(num(f, "scale"), 1);
    assert_true(json_is_true(json_object_get(f, "required")));
    f = entry(doc, "custom_fields", "Code__c");
    assert_string_equal(str(f, "type"), "text");
    assert_int_equal(num(f, "length"), 12);
    assert_true(json_is_true(json_object_get(f, "unique")));
    assert_true(json_is_true(json_object_get(f, "external_id")));
    f = entry(doc, "custom_fields", "Topics__c");
    assert_string_equal(str(f, "type"), "multipicklist");
    assert_int_equal(json_array_size(json_object_get(f, "values")), 2);
    assert_string_equal(str(f, "default"), "B");
    assert_true(json_is_false(json_object_get(f, "restricted")));
    f = entry(doc, "custom_fields", "Opt_In__c");
    assert_string_equal(str(f, "default"), "true");
    f = entry(doc, "custom_fields", "Referrer__c");
    assert_string_equal(str(f, "object"), "Contact");
    assert_string_equal(str(f, "type"), "lookup");
    assert_string_equal(str(f, "reference_to"), "Account");
    f = entry(doc, "custom_fields", "Score_Band__c");
    assert_string_equal(str(f, "formula"),
                        "IF(Score__c > 50, \"high\", \"low\")");
    /* Not simulated: reported and left out, never guessed. */
    assert_null(entry(doc, "custom_fields", "Call_At__c"));
    reported(&rep, "objects/Lead/fields/Call_At__c.field-meta.xml", 2, 1,
             "custom field Lead.Call_At__c not loaded: type Time");
    /* A default that is a formula: the field loads without it. */
    f = entry(doc, "custom_fields", "Region__c");
    assert_null(json_object_get(f, "default"));
    reported(&rep, "Region__c.field-meta.xml", 4, 5,
             "its default value is the formula $User.Region__c");
    assert_int_equal(rep.n, 2);
    json_decref(doc);
    metadata_report_free(&rep);
}

#define VRULE(name, formula)                                                   \
    HEAD "<ValidationRule " NS ">\n    <fullName>" name "</fullName>\n"        \
         "    <active>true</active>\n"                                         \
         "    <description>Why</description>\n"                                \
         "    <errorConditionFormula>" formula "</errorConditionFormula>\n"    \
         "    <errorDisplayField>Phone</errorDisplayField>\n"                  \
         "    <errorMessage>Bad phone.</errorMessage>\n"                       \
         "</ValidationRule>\n"

static void
test_validation_rule(void **state)
{
    struct metadata_report rep;
    json_t *doc, *v;

    (void)state;
    doc = import_one("force-app/main/default/objects/Lead/validationRules/"
                     "Phone_Len.validationRule-meta.xml",
                     VRULE("Phone_Len", "AND(NOT(ISNEW()), ISCHANGED(Phone),\n"
                                        "    LEN(PRIORVALUE(Phone)) &gt; 0)"),
                     &rep);
    assert_non_null(doc);
    assert_int_equal(rep.n, 0);
    assert_int_equal(rep.components, 1);
    v = entry(doc, "validation_rules", "Phone_Len");
    assert_string_equal(str(v, "object"), "Lead");
    assert_true(json_is_true(json_object_get(v, "active")));
    assert_string_equal(str(v, "message"), "Bad phone.");
    assert_string_equal(str(v, "error_field"), "Phone");
    assert_string_equal(str(v, "description"), "Why");
    assert_string_equal(str(v, "formula"),
                        "AND(NOT(ISNEW()), ISCHANGED(Phone),\n"
                        "    LEN(PRIORVALUE(Phone)) > 0)");
    json_decref(doc);
    metadata_report_free(&rep);
    /* A function the engine lacks: named, at its place in the file (the
     * formula's second line is the file's sixth). */
    doc = import_one("objects/Lead/validationRules/X.validationRule-meta.xml",
                     VRULE("X", "AND(\n    NOSUCHFN(Phone), TRUE)"), &rep);
    assert_null(doc); /* nothing usable is left */
    reported(&rep, "X.validationRule-meta.xml", 7, 5,
             "validation rule Lead.X not loaded: Unknown function NOSUCHFN");
    metadata_report_free(&rep);
    /* A field the org does not have. */
    doc = import_one("objects/Lead/validationRules/Y.validationRule-meta.xml",
                     VRULE("Y", "ISBLANK(Missing__c)"), &rep);
    assert_null(doc);
    reported(&rep, "Y.validationRule-meta.xml", 6, 0,
             "Field Missing__c does not exist");
    metadata_report_free(&rep);
}

/* Metadata API format: one file per object, rules without -meta.xml. */
static void
test_mdapi_format_rules(void **state)
{
    static const struct mdfile files[] = {
        {"src/objects/Lead.object",
         HEAD "<CustomObject " NS ">\n"
              "    <fields>\n        <fullName>Tier__c</fullName>\n"
              "        <label>Tier</label>\n        <type>Picklist</type>\n"
              "        <valueSet>\n"
              "            <valueSetName>Tiers</valueSetName>\n"
              "            <restricted>true</restricted>\n"
              "        </valueSet>\n    </fields>\n"
              "    <fields>\n        <fullName>Email</fullName>\n"
              "        <trackHistory>true</trackHistory>\n    </fields>\n"
              "    <validationRules>\n        <fullName>Tier_Set</fullName>\n"
              "        <active>false</active>\n"
              "        <errorConditionFormula>ISBLANK(TEXT(Tier__c))"
              "</errorConditionFormula>\n"
              "        <errorMessage>Tier, please.</errorMessage>\n"
              "    </validationRules>\n</CustomObject>\n"},
        {"src/globalValueSets/Tiers.globalValueSet",
         HEAD "<GlobalValueSet " NS ">\n"
              "    <customValue><fullName>Gold</fullName>"
              "<default>true</default></customValue>\n"
              "    <customValue><fullName>Lead</fullName>"
              "<default>false</default></customValue>\n"
              "    <masterLabel>Tiers</masterLabel>\n</GlobalValueSet>\n"},
        {"src/matchingRules/Lead.matchingRule", HEAD
         "<MatchingRules " NS ">\n    <matchingRules>\n"
         "        <fullName>Email_Or_Phone</fullName>\n"
         "        <booleanFilter>1 OR 2</booleanFilter>\n"
         "        <label>Email or phone</label>\n"
         "        <matchingRuleItems>\n"
         "            <blankValueBehavior>NullNotAllowed</blankValueBehavior>\n"
         "            <fieldName>Email</fieldName>\n"
         "            <matchingMethod>Exact</matchingMethod>\n"
         "        </matchingRuleItems>\n"
         "        <matchingRuleItems>\n"
         "            <blankValueBehavior>MatchBlanks</blankValueBehavior>\n"
         "            <fieldName>Phone</fieldName>\n"
         "            <matchingMethod>Phone</matchingMethod>\n"
         "        </matchingRuleItems>\n"
         "        <ruleStatus>Active</ruleStatus>\n"
         "    </matchingRules>\n</MatchingRules>\n"},
        {"src/duplicateRules/Lead.No_Dupes.duplicateRule",
         HEAD "<DuplicateRule " NS ">\n"
              "    <actionOnInsert>Allow</actionOnInsert>\n"
              "    <actionOnUpdate>Block</actionOnUpdate>\n"
              "    <alertText>Seen before.</alertText>\n"
              "    <duplicateRuleFilter>\n"
              "        <booleanFilter>1 OR 2</booleanFilter>\n"
              "        <duplicateRuleFilterItems>\n"
              "            <field>LeadSource</field>\n"
              "            <operation>equals</operation>\n"
              "            <value>Web, Phone Inquiry</value>\n"
              "            <sortOrder>1</sortOrder>\n"
              "            <table>Lead</table>\n"
              "        </duplicateRuleFilterItems>\n"
              "        <duplicateRuleFilterItems>\n"
              "            <field>Tier__c</field>\n"
              "            <operation>equals</operation>\n"
              "            <value>Gold</value>\n"
              "            <sortOrder>2</sortOrder>\n"
              "            <table>Lead</table>\n"
              "        </duplicateRuleFilterItems>\n"
              "    </duplicateRuleFilter>\n"
              "    <duplicateRuleMatchRules>\n"
              "        <matchRuleSObjectType>Lead</matchRuleSObjectType>\n"
              "        <matchingRule>Email_Or_Phone</matchingRule>\n"
              "    </duplicateRuleMatchRules>\n"
              "    <duplicateRuleMatchRules>\n"
              "        <matchRuleSObjectType>Contact</matchRuleSObjectType>\n"
              "        "
              "<matchingRule>Standard_Contact_Match_Rule_v1_1</matchingRule>\n"
              "        <objectMapping>\n"
              "            <inputObject>Lead</inputObject>\n"
              "            <mappingFields><inputField>Email</inputField>"
              "<outputField>Email</outputField></mappingFields>\n"
              "            <outputObject>Contact</outputObject>\n"
              "        </objectMapping>\n"
              "    </duplicateRuleMatchRules>\n"
              "    <isActive>true</isActive>\n"
              "    <operationsOnInsert>Alert</operationsOnInsert>\n"
              "    <sortOrder>1</sortOrder>\n</DuplicateRule>\n"},
        {NULL, NULL},
    };
    struct metadata_report rep;
    json_t *doc = import_tree(files, &rep), *e, *f, *mr;

    (void)state;
    assert_non_null(doc);
    assert_int_equal(rep.n, 0);
    /* The global value set's values; the standard field Email (listed
     * for its history tracking) is not a custom field. */
    e = entry(doc, "custom_fields", "Tier__c");
    assert_int_equal(json_array_size(json_object_get(e, "values")), 2);
    assert_string_equal(str(e, "default"), "Gold");
    assert_true(json_is_true(json_object_get(e, "restricted")));
    assert_null(entry(doc, "custom_fields", "Email"));
    e = entry(doc, "validation_rules", "Tier_Set");
    assert_true(json_is_false(json_object_get(e, "active")));
    /* The matching rule: methods, blanks, boolean filter. */
    e = entry(doc, "matching_rules", "Email_Or_Phone");
    assert_string_equal(str(e, "boolean_filter"), "1 OR 2");
    f = json_array_get(json_object_get(e, "fields"), 1);
    assert_string_equal(str(f, "field"), "Phone");
    assert_string_equal(str(f, "match"), "phone");
    assert_string_equal(str(f, "blank_values"), "match_blanks");
    /* The duplicate rule: actions, alert, the rules with their objects
     * and mapping (a standard rule by its name), the filter as a
     * formula. */
    e = entry(doc, "duplicate_rules", "No_Dupes");
    assert_string_equal(str(e, "action_on_create"), "allow_with_alert");
    assert_string_equal(str(e, "action_on_edit"), "block");
    assert_string_equal(str(e, "alert_text"), "Seen before.");
    mr = json_object_get(e, "matching_rules");
    assert_string_equal(json_string_value(json_array_get(mr, 0)),
                        "Email_Or_Phone");
    f = json_array_get(mr, 1);
    assert_string_equal(str(f, "rule"), "Standard_Contact_Match_Rule_v1_1");
    assert_string_equal(str(f, "object"), "Contact");
    assert_string_equal(str(json_object_get(f, "mapping"), "Email"), "Email");
    assert_non_null(strstr(str(e, "conditions"), "LOWER(\"Web\")"));
    assert_non_null(strstr(str(e, "conditions"), "LOWER(\"Phone Inquiry\")"));
    assert_non_null(strstr(str(e, "conditions"), "LOWER(\"Gold\")"));
    assert_non_null(strstr(str(e, "conditions"), "||"));
    json_decref(doc);
    metadata_report_free(&rep);
}

/* A matching rule on an optional standard field shows the org has it. */
static void
test_matching_rule_optional_field(void **state)
{
    struct metadata_report rep;
    json_t *doc;

    (void)state;
    doc = import_one(
        "matchingRules/Lead.matchingRule-meta.xml",
        HEAD "<MatchingRules " NS "><matchingRules>"
             "<fullName>By_Middle</fullName><label>x</label>"
             "<matchingRuleItems><blankValueBehavior>NullNotAllowed"
             "</blankValueBehavior><fieldName>MiddleName</fieldName>"
             "<matchingMethod>Exact</matchingMethod></matchingRuleItems>"
             "<ruleStatus>Active</ruleStatus></matchingRules>"
             "</MatchingRules>\n",
        &rep);
    assert_non_null(doc);
    assert_int_equal(rep.n, 0);
    assert_non_null(entry(doc, "matching_rules", "By_Middle"));
    assert_non_null(entry(doc, "custom_fields", "MiddleName"));
    json_decref(doc);
    metadata_report_free(&rep);
}

static void
test_unusable_files(void **state)
{
    static const struct mdfile files[] = {
        {"objects/Lead/fields/Bomb__c.field-meta.xml",
         HEAD "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>\n"
              "<CustomField " NS "><fullName>&a;</fullName></CustomField>\n"},
        {"objects/Lead/fields/Root__c.field-meta.xml",
         HEAD "<CustomObject " NS "/>\n"},
        {"objects/Lead/fields/Broken__c.field-meta.xml",
         HEAD "<CustomField " NS ">\n<fullName>Broken__c</fullName>\n"},
        {"objects/Lead/fields/Ok__c.field-meta.xml",
         FIELD("Ok__c", "    <label>Ok</label>\n    <type>Email</type>\n")},
        {"objects/Lead/validationRules/NoMsg.validationRule-meta.xml",
         HEAD "<ValidationRule " NS "><fullName>NoMsg</fullName>"
              "<errorConditionFormula>TRUE</errorConditionFormula>"
              "</ValidationRule>\n"},
        {"duplicateRules/NoDot.duplicateRule-meta.xml",
         HEAD "<DuplicateRule " NS "/>\n"},
        {"README.md", "not metadata\n"},
        {NULL, NULL},
    };
    struct metadata_report rep;
    json_t *doc = import_tree(files, &rep);

    (void)state;
    /* The rest loads. */
    assert_non_null(doc);
    assert_non_null(entry(doc, "custom_fields", "Ok__c"));
    assert_int_equal(rep.components, 1);
    reported(&rep, "Bomb__c.field-meta.xml", 2, 0, "not read: ");
    reported(&rep, "Bomb__c.field-meta.xml", 2, 0, "DOCTYPE");
    reported(&rep, "Root__c.field-meta.xml", 2, 1,
             "the root element is <CustomObject>");
    reported(&rep, "Broken__c.field-meta.xml", 4, 0, "not read: ");
    reported(&rep, "NoMsg.validationRule-meta.xml", 2, 1,
             "needs <errorConditionFormula> and <errorMessage>");
    reported(&rep, "NoDot.duplicateRule-meta.xml", 2, 1,
             "the file name should be Object.Name.duplicateRule");
    assert_int_equal(rep.n, 5);
    json_decref(doc);
    metadata_report_free(&rep);
    /* Nothing usable at all. */
    doc = import_one("objects/Lead/fields/X__c.field-meta.xml", "<", &rep);
    assert_null(doc);
    reported(&rep, ".", 0, 0, "nothing usable");
    metadata_report_free(&rep);
    doc = import_one("somewhere/else.xml", "<a/>", &rep);
    assert_null(doc);
    reported(&rep, "somewhere/else.xml", 0, 0, "not a path the importer reads");
    metadata_report_free(&rep);
}

#define OBJECT(body) HEAD "<CustomObject " NS ">\n" body "</CustomObject>\n"
#define REFERENCE(name, type, to, rel)                                         \
    FIELD(name, "    <label>" name "</label>\n    <referenceTo>" to            \
                "</referenceTo>\n    <relationshipName>" rel                   \
                "</relationshipName>\n    <type>" type "</type>\n")

/* got is the JSON want's text says. */
static void
assert_same_json(json_t *got, const char *want)
{
    json_t *w = json_loads(want, 0, NULL);
    char *text;

    assert_non_null(w);
    if (!json_equal(got, w)) {
        text = json_dumps(got, JSON_COMPACT);
        fail_msg("got %s, not %s", text ? text : "(null)", want);
    }
    json_decref(w);
}

/* The fields (or record types) of a custom_objects[] entry: the one
 * named name. */
static json_t *
nested_entry(json_t *object, const char *list, const char *key,
             const char *name)
{
    json_t *e;
    size_t i;

    json_array_foreach(json_object_get(object, list), i, e) {
        if (strcmp(str(e, key), name) == 0)
            return e;
    }
    return NULL;
}

/* Source format: the object file, its fields (a master-detail, a lookup,
 * a number), a record type and a validation rule; a standard object's
 * lookup to it; the sections written objects first. */
static void
test_custom_object_source(void **state)
{
    static const struct mdfile files[] = {
        {"objects/Vendor_Score__c/Vendor_Score__c.object-meta.xml",
         OBJECT("    <deploymentStatus>InDevelopment</deploymentStatus>\n"
                "    <description>Scores.</description>\n"
                "    <label>Vendor Score</label>\n"
                "    <nameField>\n"
                "        <displayFormat>VS-{0000}</displayFormat>\n"
                "        <label>Score Number</label>\n"
                "        <startingNumber>10</startingNumber>\n"
                "        <type>AutoNumber</type>\n"
                "    </nameField>\n"
                "    <pluralLabel>Vendor Scores</pluralLabel>\n"
                "    <sharingModel>ControlledByParent</sharingModel>\n")},
        {"objects/Vendor_Score__c/fields/Vendor__c.field-meta.xml",
         REFERENCE("Vendor__c", "MasterDetail", "Account", "Scores")},
        {"objects/Vendor_Score__c/fields/Lead__c.field-meta.xml",
         REFERENCE("Lead__c", "Lookup", "Lead", "Vendor_Scores")},
        {"objects/Vendor_Score__c/fields/Score__c.field-meta.xml",
         FIELD("Score__c", "    <label>Score</label>\n"
                           "    <precision>3</precision>\n"
                           "    <scale>0</scale>\n    <type>Number</type>\n")},
        {"objects/Vendor_Score__c/fields/Hidden__c.field-meta.xml",
         FIELD("Hidden__c",
               "    <label>When</label>\n    <type>Time</type>\n")},
        {"objects/Vendor_Score__c/recordTypes/Inbound.recordType-meta.xml",
         HEAD "<RecordType " NS ">\n    <fullName>Inbound</fullName>\n"
              "    <active>false</active>\n    <label>In</label>\n"
              "</RecordType>\n"},
        {"objects/Vendor_Score__c/validationRules/Range.validationRule-meta."
         "xml",
         HEAD "<ValidationRule " NS ">\n    <fullName>Range</fullName>\n"
              "    <active>true</active>\n"
              "    <errorConditionFormula>Score__c &gt; 100 || "
              "ISBLANK(Lead__r.Email)</errorConditionFormula>\n"
              "    <errorMessage>Out of range.</errorMessage>\n"
              "</ValidationRule>\n"},
        {"objects/Lead/fields/Best_Score__c.field-meta.xml",
         REFERENCE("Best_Score__c", "Lookup", "Vendor_Score__c", "Best_For")},
        {NULL, NULL},
    };
    struct metadata_report rep;
    json_t *doc = import_tree(files, &rep), *o, *f;
    const char *key;
    void *iter;
    int seen_objects = 0;

    (void)state;
    assert_non_null(doc);
    reported(&rep, "Hidden__c.field-meta.xml", 2, 1,
             "custom field Vendor_Score__c.Hidden__c not loaded: type Time");
    assert_int_equal(rep.n, 1);
    o = entry(doc, "custom_objects", "Vendor_Score__c");
    assert_non_null(o);
    assert_string_equal(str(o, "label"), "Vendor Score");
    assert_string_equal(str(o, "plural_label"), "Vendor Scores");
    assert_string_equal(str(o, "description"), "Scores.");
    assert_same_json(json_object_get(o, "name_field"),
                     "{\"label\":\"Score Number\",\"type\":\"auto_number\","
                     "\"display_format\":\"VS-{0000}\","
                     "\"starting_number\":10}");
    f = nested_entry(o, "fields", "name", "Vendor__c");
    assert_string_equal(str(f, "type"), "master_detail");
    assert_string_equal(str(f, "reference_to"), "Account");
    assert_string_equal(str(f, "relationship_name"), "Scores");
    assert_null(json_object_get(f, "object"));
    f = nested_entry(o, "fields", "name", "Lead__c");
    assert_string_equal(str(f, "type"), "lookup");
    assert_string_equal(str(f, "relationship_name"), "Vendor_Scores");
    assert_int_equal(
        num(nested_entry(o, "fields", "name", "Score__c"), "precision"), 3);
    assert_null(nested_entry(o, "fields", "name", "Hidden__c"));
    assert_same_json(json_object_get(o, "record_types"),
                     "[{\"developer_name\":\"Inbound\",\"label\":\"In\","
                     "\"active\":false}]");
    f = entry(doc, "validation_rules", "Range");
    assert_string_equal(str(f, "object"), "Vendor_Score__c");
    f = entry(doc, "custom_fields", "Best_Score__c");
    assert_string_equal(str(f, "reference_to"), "Vendor_Score__c");
    assert_string_equal(str(f, "relationship_name"), "Best_For");
    /* Objects before the fields and rules that refer to them. */
    for (iter = json_object_iter(doc); iter != NULL;
         iter = json_object_iter_next(doc, iter)) {
        key = json_object_iter_key(iter);
        seen_objects |= strcmp(key, "custom_objects") == 0;
        if (strcmp(key, "custom_fields") == 0 ||
            strcmp(key, "validation_rules") == 0)
            assert_true(seen_objects);
    }
    json_decref(doc);
    metadata_report_free(&rep);
}

/* Metadata API format: one X__c.object with its fields, rules, record
 * types and a Text name field. */
static void
test_custom_object_mdapi(void **state)
{
    static const struct mdfile files[] = {
        {"src/objects/Market__c.object",
         OBJECT("    <fields>\n        <fullName>Code__c</fullName>\n"
                "        <label>Code</label>\n        <length>3</length>\n"
                "        <type>Text</type>\n        <unique>true</unique>\n"
                "    </fields>\n"
                "    <label>Market</label>\n"
                "    <nameField>\n        <label>Market Name</label>\n"
                "        <type>Text</type>\n    </nameField>\n"
                "    <recordTypes>\n        <fullName>Retail</fullName>\n"
                "        <active>true</active>\n"
                "        <label>Retail</label>\n    </recordTypes>\n"
                "    <validationRules>\n        <fullName>Code_Len</fullName>\n"
                "        <active>true</active>\n"
                "        <errorConditionFormula>LEN(Code__c) &lt;&gt; 3"
                "</errorConditionFormula>\n"
                "        <errorMessage>Three letters.</errorMessage>\n"
                "    </validationRules>\n")},
        {"src/objects/Lead.object",
         OBJECT(
             "    <fields>\n        <fullName>Market__c</fullName>\n"
             "        <label>Market</label>\n"
             "        <referenceTo>Market__c</referenceTo>\n"
             "        <relationshipName>Leads</relationshipName>\n"
             "        <type>Lookup</type>\n    </fields>\n"
             "    <validationRules>\n        <fullName>Market_Code</fullName>\n"
             "        <active>true</active>\n"
             "        <errorConditionFormula>Market__r.Code__c = "
             "&quot;XXX&quot;</errorConditionFormula>\n"
             "        <errorMessage>Not that market.</errorMessage>\n"
             "    </validationRules>\n")},
        {NULL, NULL},
    };
    struct metadata_report rep;
    json_t *doc = import_tree(files, &rep), *o;

    (void)state;
    assert_non_null(doc);
    assert_int_equal(rep.n, 0);
    o = entry(doc, "custom_objects", "Market__c");
    assert_non_null(o);
    assert_same_json(json_object_get(o, "name_field"),
                     "{\"label\":\"Market Name\",\"type\":\"text\"}");
    assert_true(json_is_true(json_object_get(
        nested_entry(o, "fields", "name", "Code__c"), "unique")));
    assert_non_null(
        nested_entry(o, "record_types", "developer_name", "Retail"));
    assert_string_equal(
        str(entry(doc, "validation_rules", "Code_Len"), "object"), "Market__c");
    assert_string_equal(
        str(entry(doc, "custom_fields", "Market__c"), "reference_to"),
        "Market__c");
    /* A Lead rule reads the custom object's record through the lookup. */
    assert_non_null(entry(doc, "validation_rules", "Market_Code"));
    assert_int_equal(rep.components, 6);
    json_decref(doc);
    metadata_report_free(&rep);
}

/* What cannot be used: a child relationship name used twice on the same
 * parent (the second is left out, naming the first), a field the loader
 * refuses (left out alone, its object stays), fields of a custom object
 * whose object file is not in the tree. */
static void
test_custom_object_problems(void **state)
{
    static const struct mdfile files[] = {
        {"objects/Visit__c/Visit__c.object-meta.xml",
         OBJECT("    <label>Visit</label>\n")},
        {"objects/Visit__c/fields/Lead__c.field-meta.xml",
         REFERENCE("Lead__c", "Lookup", "Lead", "Visits")},
        {"objects/Visit__c/fields/Other_Lead__c.field-meta.xml",
         REFERENCE("Other_Lead__c", "Lookup", "Lead", "Visits__r")},
        {"objects/Visit__c/fields/Ghost__c.field-meta.xml",
         REFERENCE("Ghost__c", "Lookup", "Ghost__c", "Visits")},
        {"objects/Orphan__c/fields/Any__c.field-meta.xml",
         FIELD("Any__c", "    <label>Any</label>\n    <type>Text</type>\n")},
        {"objects/Orphan__c/fields/Other__c.field-meta.xml",
         FIELD("Other__c",
               "    <label>Other</label>\n    <type>Text</type>\n")},
        {"objects/pkg__Thing__c/pkg__Thing__c.object-meta.xml",
         OBJECT("    <label>Thing</label>\n")},
        {"objects/pkg__Thing__c/fields/Any__c.field-meta.xml",
         FIELD("Any__c", "    <label>Any</label>\n    <type>Text</type>\n")},
        {NULL, NULL},
    };
    struct metadata_report rep;
    json_t *doc = import_tree(files, &rep), *o;

    (void)state;
    assert_non_null(doc);
    reported(&rep, "Other_Lead__c.field-meta.xml", 2, 1,
             "custom field Visit__c.Other_Lead__c not loaded: Lead already "
             "has a child relationship named Visits__r (custom field "
             "Visit__c.Lead__c, objects/Visit__c/fields/Lead__c.field-meta."
             "xml:2)");
    reported(&rep, "Ghost__c.field-meta.xml", 2, 1,
             "custom field Visit__c.Ghost__c not loaded: \"Ghost__c\" is not "
             "an object of the org");
    reported(&rep, "objects/Orphan__c/fields/Any__c.field-meta.xml", 0, 0,
             "not read, nor the other fields, rules and record types of custom "
             "object Orphan__c");
    reported(&rep, "pkg__Thing__c.object-meta.xml", 2, 1,
             "custom object pkg__Thing__c not loaded, nor its fields, rules "
             "and record types: an installed package's object");
    /* Once per object, not per file. */
    assert_int_equal(rep.n, 4);
    assert_null(entry(doc, "custom_objects", "pkg__Thing__c"));
    o = entry(doc, "custom_objects", "Visit__c");
    assert_non_null(nested_entry(o, "fields", "name", "Lead__c"));
    assert_int_equal(json_array_size(json_object_get(o, "fields")), 1);
    json_decref(doc);
    metadata_report_free(&rep);
}

/* A huge file is not read, a symbolic link not followed, a tree past
 * the depth bound not walked further; each is reported. */
static void
test_walk_bounds(void **state)
{
    char dir[] = "/tmp/sfsim-mdunit-XXXXXX", path[1024], cmd[1100];
    struct metadata_report rep;
    json_t *doc;
    size_t i, n;
    int fd;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/objects", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/objects/Lead.object", dir);
    fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, METADATA_MAX_FILE + 1), 0);
    close(fd);
    snprintf(path, sizeof(path), "%s/objects/Contact.object", dir);
    assert_int_equal(symlink("/etc/passwd", path), 0);
    n = strlen(dir);
    snprintf(path, sizeof(path), "%s", dir);
    for (i = 0; i < METADATA_MAX_DEPTH + 2; i++) {
        n += (size_t)snprintf(path + n, sizeof(path) - n, "/d");
        assert_int_equal(mkdir(path, 0700), 0);
    }
    doc = metadata_import(dir, NULL, &rep);
    assert_null(doc);
    reported(&rep, "objects/Lead.object", 0, 0, "larger than 16777216 bytes");
    reported(&rep, ".", 0, 0, "deeper than 16 directories");
    reported(&rep, ".", 0, 0, "nothing usable");
    assert_int_equal(rep.n, 3); /* nothing about the link */
    assert_int_equal(rep.files, 0);
    metadata_report_free(&rep);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_types),
        cmocka_unit_test(test_validation_rule),
        cmocka_unit_test(test_mdapi_format_rules),
        cmocka_unit_test(test_matching_rule_optional_field),
        cmocka_unit_test(test_unusable_files),
        cmocka_unit_test(test_walk_bounds),
        cmocka_unit_test(test_custom_object_source),
        cmocka_unit_test(test_custom_object_mdapi),
        cmocka_unit_test(test_custom_object_problems),
    };

    xjson_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
