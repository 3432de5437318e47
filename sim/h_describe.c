/*
 * h_describe.c - what the org's objects look like over REST: the global
 * describe (GET vNN.N/sobjects), an object's basic information (GET
 * vNN.N/sobjects/{Object}) and its full describe (…/describe).
 *
 * Everything comes from the schema; properties the sim does not model are
 * answered with the values a standard object has in a fresh org.
 */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "org.h"
#include "person.h"
#include "rest.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"

#define URL_MAX 192

/* SOAP types of the field types (describe's soapType). */
static const char *const soap_types[FT_COUNT] = {
    [FT_ID] = "tns:ID",
    [FT_REFERENCE] = "tns:ID",
    [FT_STRING] = "xsd:string",
    [FT_TEXTAREA] = "xsd:string",
    [FT_EMAIL] = "xsd:string",
    [FT_PHONE] = "xsd:string",
    [FT_URL] = "xsd:string",
    [FT_PICKLIST] = "xsd:string",
    [FT_MULTIPICKLIST] = "xsd:string",
    [FT_BOOLEAN] = "xsd:boolean",
    [FT_DOUBLE] = "xsd:double",
    [FT_INT] = "xsd:int",
    [FT_CURRENCY] = "xsd:double",
    [FT_PERCENT] = "xsd:double",
    [FT_DATE] = "xsd:date",
    [FT_DATETIME] = "xsd:dateTime",
};

/* What the standard reference fields point to. */
static const struct {
    const char *field, *relationship, *to[3];
} references[] = {
    {"OwnerId", "Owner", {"Group", "User", NULL}},
    {"CreatedById", "CreatedBy", {"User", NULL}},
    {"LastModifiedById", "LastModifiedBy", {"User", NULL}},
    {"RecordTypeId", "RecordType", {"RecordType", NULL}},
    {"AccountId", "Account", {"Account", NULL}},
    {"PersonContactId", "PersonContact", {"Contact", NULL}},
    {"ConvertedAccountId", "ConvertedAccount", {"Account", NULL}},
    {"ConvertedContactId", "ConvertedContact", {"Contact", NULL}},
};

/* The record types of an object: Master, plus the Person Account org's
 * two Account record types (person.h). */
static const struct {
    const char *name, *developer_name, *id15;
    int person_only, is_master, is_default;
} record_types[] = {
    {"Business Account", "Business_Account", PERSON_RT_BUSINESS, 1, 0, 1},
    {"Person Account", "PersonAccount", PERSON_RT_PERSON, 1, 0, 0},
    {"Master", "Master", PERSON_RT_MASTER, 0, 1, 0},
};

static const char *
object_url(int v, const struct object_def *obj, const char *tail, char *out)
{
    char rest[URL_MAX];

    snprintf(rest, sizeof(rest), "sobjects/%s%s", obj->name, tail);
    return rest_url(v, rest, out, URL_MAX);
}

/* One object as the global describe lists it (new reference). */
static json_t *
object_entry(const struct object_def *obj, int v)
{
    char plural[96], u1[URL_MAX], u2[URL_MAX], u3[URL_MAX];

    snprintf(plural, sizeof(plural), "%ss", obj->label);
    return json_pack(
        "{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s, s:s, s:s, s:b, "
        "s:b, s:b, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, "
        "s:{s:s, s:s, s:s}}",
        "activateable", 0, "createable", 1, "custom", 0, "customSetting", 0,
        "deletable", 1, "deprecatedAndHidden", 0, "feedEnabled", 1,
        "hasSubtypes", 0, "isSubtype", 0, "keyPrefix", obj->prefix, "label",
        obj->label, "labelPlural", plural, "layoutable", 1, "mergeable", 1,
        "mruEnabled", 1, "name", obj->name, "queryable", 1, "replicateable", 1,
        "retrieveable", 1, "searchable", 1, "triggerable", 1, "undeletable", 1,
        "updateable", 1, "urls", "sobject", object_url(v, obj, "", u1),
        "describe", object_url(v, obj, "/describe", u2), "rowTemplate",
        object_url(v, obj, "/{ID}", u3));
}

/* GET /services/data/vNN.N/sobjects */
void
h_describe_global(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    json_t *arr = json_array();
    size_t i;
    int v;

    if ((v = rest_version(req, resp)) == -1) {
        json_decref(arr);
        return;
    }
    for (i = 0; i < sim->schema->nobjects; i++)
        json_array_append_new(arr, object_entry(&sim->schema->objects[i], v));
    response_json(resp, 200,
                  json_pack("{s:s, s:i, s:o}", "encoding", "UTF-8",
                            "maxBatchSize", 200, "sobjects", arr));
    resp->verdict = VERDICT_OK;
}

/* GET /services/data/vNN.N/sobjects/{Object} */
void
h_describe_basic(struct sim *sim, struct sim_request *req,
                 struct sim_response *resp)
{
    const struct object_def *obj;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL)
        return;
    /* recentItems lists what the user viewed in the UI: nothing here. */
    response_json(resp, 200,
                  json_pack("{s:o, s:[]}", "objectDescribe",
                            object_entry(obj, v), "recentItems"));
    resp->verdict = VERDICT_OK;
}

static json_t *
picklist_values(const struct field_def *f)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; f->values != NULL && f->values[i] != NULL; i++)
        json_array_append_new(
            arr, json_pack(
                     "{s:b, s:b, s:s, s:n, s:s}", "active", 1, "defaultValue",
                     f->default_value != NULL &&
                         strcmp(f->default_value, f->values[i]) == 0,
                     "label", f->values[i], "validFor", "value", f->values[i]));
    return arr;
}

/* referenceTo and relationshipName of f into j. */
static void
set_reference(json_t *j, const struct field_def *f)
{
    json_t *to = json_array();
    const char *rel = NULL;
    size_t i, k;

    for (i = 0; f->type == FT_REFERENCE &&
                i < sizeof(references) / sizeof(references[0]);
         i++) {
        if (strcmp(references[i].field, f->name) != 0)
            continue;
        rel = references[i].relationship;
        for (k = 0; references[i].to[k] != NULL; k++)
            json_array_append_new(to, json_string(references[i].to[k]));
    }
    json_object_set_new(j, "referenceTo", to);
    json_object_set_new(j, "relationshipName",
                        rel ? json_string(rel) : json_null());
}

/* Whether describe reports f as able to hold null (nillable). */
static int
nillable(const struct field_def *f)
{
    return !(f->flags & (FIELD_REQUIRED | FIELD_NAME)) &&
           f->type != FT_BOOLEAN && f->type != FT_ID &&
           f->default_value == NULL && sobject_field_stored(f) &&
           strcmp(f->name, "OwnerId") != 0;
}

/* One field as describe shows it (new reference). */
static json_t *
field_entry(const struct field_def *f)
{
    int writable = !(f->flags & FIELD_READONLY), text = f->length > 0;
    int number = FIELDTYPE_IS_NUMBER(f->type);
    json_t *j = json_pack(
        "{s:b, s:i, s:b, s:b, s:b, s:b, s:b, s:i, s:b, s:b, s:b, s:s, s:i, "
        "s:s, s:b, s:b, s:i, s:b, s:i, s:s, s:b, s:s, s:b, s:b}",
        "autoNumber", 0, "byteLength",
        f->type == FT_ID || f->type == FT_REFERENCE
            ? 18
            : (text ? f->length * 3 : 0),
        "calculated", 0, "caseSensitive", 0, "createable", writable, "custom",
        (f->flags & FIELD_CUSTOM) != 0, "defaultedOnCreate",
        !nillable(f) && !(f->flags & FIELD_REQUIRED), "digits",
        f->type == FT_INT ? f->precision : 0, "externalId",
        (f->flags & FIELD_EXTERNAL_ID) != 0, "filterable",
        f->type != FT_TEXTAREA || f->length <= 255, "idLookup",
        f->type == FT_ID || f->type == FT_EMAIL ||
            (f->flags & (FIELD_EXTERNAL_ID | FIELD_NAME)) != 0,
        "label", f->label, "length", text ? f->length : 0, "name", f->name,
        "nameField", (f->flags & FIELD_NAME) != 0, "nillable", nillable(f),
        "precision", number ? f->precision : 0, "restrictedPicklist",
        (f->flags & FIELD_RESTRICTED) != 0, "scale", number ? f->scale : 0,
        "soapType", soap_types[f->type], "sortable",
        f->type != FT_TEXTAREA || f->length <= 255, "type",
        fieldtype_describe_name(f->type), "unique",
        (f->flags & FIELD_UNIQUE) != 0, "updateable",
        writable && f->type != FT_ID);

    json_object_set_new(j, "picklistValues", picklist_values(f));
    json_object_set_new(j, "defaultValue",
                        f->default_value && f->type != FT_PICKLIST
                            ? json_string(f->default_value)
                            : json_null());
    set_reference(j, f);
    return j;
}

static json_t *
record_type_infos(struct sim *sim, const struct object_def *obj, int v)
{
    int person = sim->org->person_accounts && strcmp(obj->name, "Account") == 0;
    json_t *arr = json_array();
    char id18[SFID_LEN18 + 1], tail[64], url[URL_MAX];
    size_t i;

    for (i = 0; i < sizeof(record_types) / sizeof(record_types[0]); i++) {
        if (record_types[i].person_only && !person)
            continue;
        sfid_to18(record_types[i].id15, id18);
        snprintf(tail, sizeof(tail), "/describe/layouts/%s", id18);
        json_array_append_new(
            arr,
            json_pack("{s:b, s:b, s:b, s:s, s:b, s:s, s:s, s:{s:s}}", "active",
                      1, "available", 1, "defaultRecordTypeMapping",
                      record_types[i].is_default || !person, "developerName",
                      record_types[i].developer_name, "master",
                      record_types[i].is_master, "name", record_types[i].name,
                      "recordTypeId", id18, "urls", "layout",
                      object_url(v, obj, tail, url)));
    }
    return arr;
}

/* GET /services/data/vNN.N/sobjects/{Object}/describe */
void
h_describe_object(struct sim *sim, struct sim_request *req,
                  struct sim_response *resp)
{
    const struct object_def *obj;
    json_t *j, *fields;
    size_t i;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL)
        return;
    j = object_entry(obj, v);
    fields = json_array();
    for (i = 0; i < obj->nfields; i++)
        json_array_append_new(fields, field_entry(&obj->fields[i]));
    json_object_set_new(j, "fields", fields);
    json_object_set_new(j, "childRelationships", json_array());
    json_object_set_new(j, "recordTypeInfos", record_type_infos(sim, obj, v));
    response_json(resp, 200, j);
    resp->verdict = VERDICT_OK;
}
