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
#include <strings.h>

#include "handlers.h"
#include "org.h"
#include "person.h"
#include "relation.h"
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

/*
 * Describe answers as tables: each property once, with its JSON type and
 * where its value comes from: a constant, one of the field's FIELD_*
 * flags, or something of the object or field described (object_source(),
 * field_source()). Properties are written in table order.
 */
enum prop_type { PROP_BOOL, PROP_INT, PROP_STRING, PROP_JSON };

enum prop_from {
    FROM_FALSE,
    FROM_TRUE,
    FROM_FLAG,     /* the field has prop.flag */
    FROM_OBJ_FLAG, /* the object has prop.flag (OBJ_*) */
    FROM_OBJ_PREFIX,
    FROM_OBJ_LABEL,
    FROM_OBJ_LABEL_PLURAL,
    FROM_OBJ_NAME,
    FROM_OBJ_URLS,
    FROM_OBJ_CUSTOM,
    FROM_BYTE_LENGTH,
    FROM_CREATEABLE,
    FROM_DEFAULTED_ON_CREATE,
    FROM_DEFAULT_VALUE,
    FROM_DIGITS,
    FROM_FILTERABLE, /* and sortable */
    FROM_ID_LOOKUP,
    FROM_LABEL,
    FROM_LENGTH,
    FROM_NAME,
    FROM_NILLABLE,
    FROM_PICKLIST_VALUES,
    FROM_PRECISION,
    FROM_REFERENCE_TO,
    FROM_RELATIONSHIP,
    FROM_POLYMORPHIC,
    FROM_SCALE,
    FROM_SOAP_TYPE,
    FROM_TYPE,
    FROM_UPDATEABLE,
};

struct prop {
    const char *name;
    enum prop_type type;
    enum prop_from from;
    unsigned flag; /* FROM_FLAG, FROM_OBJ_FLAG */
};

/* What a property describes. */
struct subject {
    const struct object_def *obj;
    const struct field_def *f; /* field properties only */
    int v;                     /* API version, for URLs */
};

/* A property's value by its source: a number or truth in *n, text in *str
 * (NULL: null), or a new reference in *j. */
struct prop_value {
    int n;
    const char *str;
    json_t *j;
};

static json_t *picklist_values(const struct field_def *f);
static json_t *reference_to(const struct field_def *f);
static int nillable(const struct field_def *f);

static json_t *
object_urls(const struct subject *s)
{
    char u1[URL_MAX], u2[URL_MAX], u3[URL_MAX];

    return json_pack("{s:s, s:s, s:s}", "sobject",
                     object_url(s->v, s->obj, "", u1), "describe",
                     object_url(s->v, s->obj, "/describe", u2), "rowTemplate",
                     object_url(s->v, s->obj, "/{ID}", u3));
}

static void
object_source(enum prop_from from, const struct subject *s,
              struct prop_value *v)
{
    switch (from) {
    case FROM_OBJ_PREFIX: v->str = s->obj->prefix; break;
    case FROM_OBJ_LABEL: v->str = s->obj->label; break;
    case FROM_OBJ_LABEL_PLURAL: v->str = s->obj->label_plural; break;
    case FROM_OBJ_NAME: v->str = s->obj->name; break;
    case FROM_OBJ_URLS: v->j = object_urls(s); break;
    case FROM_OBJ_CUSTOM: v->n = s->obj->custom != NULL; break;
    default: break;
    }
}

static void
field_source(enum prop_from from, const struct subject *s, struct prop_value *v)
{
    const struct field_def *f = s->f;
    int text = f->length > 0, number = FIELDTYPE_IS_NUMBER(f->type);
    int writable = !(f->flags & FIELD_READONLY);

    switch (from) {
    case FROM_BYTE_LENGTH:
        v->n = f->type == FT_ID || f->type == FT_REFERENCE ? 18
               : text                                      ? f->length * 3
                                                           : 0;
        break;
    case FROM_CREATEABLE:
        v->n = writable && (s->obj->flags & OBJ_CREATEABLE);
        break;
    case FROM_DEFAULTED_ON_CREATE:
        v->n = !nillable(f) && !(f->flags & FIELD_REQUIRED);
        break;
    /* A picklist's default is in its values' defaultValue flags. */
    case FROM_DEFAULT_VALUE:
        v->str = f->type != FT_PICKLIST ? f->default_value : NULL;
        break;
    case FROM_DIGITS: v->n = f->type == FT_INT ? f->precision : 0; break;
    case FROM_FILTERABLE:
        v->n = f->type != FT_TEXTAREA || f->length <= 255;
        break;
    case FROM_ID_LOOKUP:
        v->n = f->type == FT_ID || f->type == FT_EMAIL ||
               (f->flags & (FIELD_EXTERNAL_ID | FIELD_NAME)) != 0;
        break;
    case FROM_LABEL: v->str = f->label; break;
    case FROM_LENGTH: v->n = text ? f->length : 0; break;
    case FROM_NAME: v->str = f->name; break;
    case FROM_NILLABLE: v->n = nillable(f); break;
    case FROM_PICKLIST_VALUES: v->j = picklist_values(f); break;
    case FROM_PRECISION: v->n = number ? f->precision : 0; break;
    case FROM_REFERENCE_TO: v->j = reference_to(f); break;
    case FROM_RELATIONSHIP: v->str = f->relationship; break;
    case FROM_POLYMORPHIC:
        v->n = f->reference_to[0] != NULL && f->reference_to[1] != NULL;
        break;
    case FROM_SCALE: v->n = number ? f->scale : 0; break;
    case FROM_SOAP_TYPE: v->str = soap_types[f->type]; break;
    case FROM_TYPE: v->str = fieldtype_describe_name(f->type); break;
    case FROM_UPDATEABLE:
        v->n = writable && f->type != FT_ID && (s->obj->flags & OBJ_UPDATEABLE);
        break;
    default: break;
    }
}

/* The properties of table (ended by a NULL name) as one object (new
 * reference). */
static json_t *
props_json(const struct prop *table, const struct subject *s)
{
    json_t *j = json_object();
    struct prop_value v;
    const struct prop *p;

    for (p = table; p->name != NULL; p++) {
        memset(&v, 0, sizeof(v));
        v.n = p->from == FROM_TRUE;
        if (p->from == FROM_FLAG)
            v.n = (s->f->flags & p->flag) != 0;
        else if (p->from == FROM_OBJ_FLAG)
            v.n = (s->obj->flags & p->flag) != 0;
        else if (s->f != NULL)
            field_source(p->from, s, &v);
        else
            object_source(p->from, s, &v);
        if (p->type == PROP_BOOL)
            v.j = json_boolean(v.n);
        else if (p->type == PROP_INT)
            v.j = json_integer(v.n);
        else if (p->type == PROP_STRING)
            v.j = v.str != NULL ? json_string(v.str) : json_null();
        json_object_set_new(j, p->name, v.j != NULL ? v.j : json_null());
    }
    return j;
}

/* An object as the global describe lists it: what the API may do with it
 * from its flags, the rest as a standard object of a fresh org has it. */
static const struct prop object_props[] = {
    {"activateable", PROP_BOOL, FROM_FALSE, 0},
    {"createable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_CREATEABLE},
    {"custom", PROP_BOOL, FROM_OBJ_CUSTOM, 0},
    {"customSetting", PROP_BOOL, FROM_FALSE, 0},
    {"deletable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_DELETABLE},
    {"deprecatedAndHidden", PROP_BOOL, FROM_FALSE, 0},
    {"feedEnabled", PROP_BOOL, FROM_OBJ_FLAG, OBJ_FEED},
    {"hasSubtypes", PROP_BOOL, FROM_FALSE, 0},
    {"isSubtype", PROP_BOOL, FROM_FALSE, 0},
    {"keyPrefix", PROP_STRING, FROM_OBJ_PREFIX, 0},
    {"label", PROP_STRING, FROM_OBJ_LABEL, 0},
    {"labelPlural", PROP_STRING, FROM_OBJ_LABEL_PLURAL, 0},
    {"layoutable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_LAYOUTABLE},
    {"mergeable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_MERGEABLE},
    {"mruEnabled", PROP_BOOL, FROM_OBJ_FLAG, OBJ_FEED},
    {"name", PROP_STRING, FROM_OBJ_NAME, 0},
    {"queryable", PROP_BOOL, FROM_TRUE, 0},
    {"replicateable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_REPLICATEABLE},
    {"retrieveable", PROP_BOOL, FROM_TRUE, 0},
    {"searchable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_SEARCHABLE},
    {"triggerable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_TRIGGERABLE},
    {"undeletable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_DELETABLE},
    {"updateable", PROP_BOOL, FROM_OBJ_FLAG, OBJ_UPDATEABLE},
    {"urls", PROP_JSON, FROM_OBJ_URLS, 0},
    {NULL, PROP_BOOL, FROM_FALSE, 0},
};

/* One field as describe shows it. */
static const struct prop field_props[] = {
    {"autoNumber", PROP_BOOL, FROM_FLAG, FIELD_AUTONUMBER},
    {"byteLength", PROP_INT, FROM_BYTE_LENGTH, 0},
    {"calculated", PROP_BOOL, FROM_FALSE, 0},
    {"cascadeDelete", PROP_BOOL, FROM_FLAG, FIELD_MASTER_DETAIL},
    {"caseSensitive", PROP_BOOL, FROM_FALSE, 0},
    {"createable", PROP_BOOL, FROM_CREATEABLE, 0},
    {"custom", PROP_BOOL, FROM_FLAG, FIELD_CUSTOM},
    {"defaultedOnCreate", PROP_BOOL, FROM_DEFAULTED_ON_CREATE, 0},
    {"digits", PROP_INT, FROM_DIGITS, 0},
    {"externalId", PROP_BOOL, FROM_FLAG, FIELD_EXTERNAL_ID},
    {"filterable", PROP_BOOL, FROM_FILTERABLE, 0},
    {"idLookup", PROP_BOOL, FROM_ID_LOOKUP, 0},
    {"label", PROP_STRING, FROM_LABEL, 0},
    {"length", PROP_INT, FROM_LENGTH, 0},
    {"name", PROP_STRING, FROM_NAME, 0},
    {"nameField", PROP_BOOL, FROM_FLAG, FIELD_NAME},
    {"nillable", PROP_BOOL, FROM_NILLABLE, 0},
    {"polymorphicForeignKey", PROP_BOOL, FROM_POLYMORPHIC, 0},
    {"precision", PROP_INT, FROM_PRECISION, 0},
    {"restrictedPicklist", PROP_BOOL, FROM_FLAG, FIELD_RESTRICTED},
    {"scale", PROP_INT, FROM_SCALE, 0},
    {"soapType", PROP_STRING, FROM_SOAP_TYPE, 0},
    {"sortable", PROP_BOOL, FROM_FILTERABLE, 0},
    {"type", PROP_STRING, FROM_TYPE, 0},
    {"unique", PROP_BOOL, FROM_FLAG, FIELD_UNIQUE},
    {"updateable", PROP_BOOL, FROM_UPDATEABLE, 0},
    {"picklistValues", PROP_JSON, FROM_PICKLIST_VALUES, 0},
    {"defaultValue", PROP_STRING, FROM_DEFAULT_VALUE, 0},
    {"referenceTo", PROP_JSON, FROM_REFERENCE_TO, 0},
    {"relationshipName", PROP_STRING, FROM_RELATIONSHIP, 0},
    {NULL, PROP_BOOL, FROM_FALSE, 0},
};

/* One object as the global describe lists it (new reference). */
static json_t *
object_entry(const struct object_def *obj, int v)
{
    const struct subject s = {obj, NULL, v};

    return props_json(object_props, &s);
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

/* referenceTo: what f points to (new reference). */
static json_t *
reference_to(const struct field_def *f)
{
    json_t *to = json_array();
    size_t k;

    for (k = 0; k < SCHEMA_MAX_TARGETS && f->reference_to[k] != NULL; k++)
        json_array_append_new(to, json_string(f->reference_to[k]));
    return to;
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
field_entry(const struct object_def *obj, const struct field_def *f)
{
    const struct subject s = {obj, f, 0};

    return props_json(field_props, &s);
}

/* One recordTypeInfos entry. */
static json_t *
rt_info(const struct object_def *obj, int v, const char *name,
        const char *developer_name, const char *id15, int is_default,
        int is_master, int active)
{
    char id18[SFID_LEN18 + 1], tail[64], url[URL_MAX];

    sfid_to18(id15, id18);
    snprintf(tail, sizeof(tail), "/describe/layouts/%s", id18);
    return json_pack("{s:b, s:b, s:b, s:s, s:b, s:s, s:s, s:{s:s}}", "active",
                     active, "available", active, "defaultRecordTypeMapping",
                     is_default, "developerName", developer_name, "master",
                     is_master, "name", name, "recordTypeId", id18, "urls",
                     "layout", object_url(v, obj, tail, url));
}

/* A custom object's record types from the org file, then Master. */
static void
custom_record_types(const struct object_def *obj, int v, json_t *arr)
{
    const struct org_object *co = obj->custom;
    size_t i;

    for (i = 0; i < co->nrecord_types; i++) {
        const struct org_record_type *rt = &co->record_types[i];

        json_array_append_new(arr,
                              rt_info(obj, v, rt->label, rt->developer_name,
                                      rt->id, rt->is_default, 0, rt->active));
    }
    json_array_append_new(arr,
                          rt_info(obj, v, "Master", "Master", PERSON_RT_MASTER,
                                  co->nrecord_types == 0, 1, 1));
}

/* The org file's record types of standard object obj (the RecordType
 * records, orgrecords.h) into arr; 1 when one of them is the default. */
static int
org_record_types(struct sim *sim, const struct object_def *obj, int v,
                 json_t *arr)
{
    const struct org *o = sim->org;
    int any_default = 0;
    size_t i;

    for (i = 0; i < o->nrecord_types; i++) {
        const struct org_record_type *rt = &o->record_types[i];

        if (rt->object == NULL || strcasecmp(rt->object, obj->name) != 0)
            continue;
        json_array_append_new(arr,
                              rt_info(obj, v, rt->label, rt->developer_name,
                                      rt->id, rt->is_default, 0, rt->active));
        any_default |= rt->is_default;
    }
    return any_default;
}

static json_t *
record_type_infos(struct sim *sim, const struct object_def *obj, int v)
{
    int person = sim->org->person_accounts && strcmp(obj->name, "Account") == 0;
    json_t *arr = json_array();
    int any_default;
    size_t i;

    if (obj->custom != NULL) {
        custom_record_types(obj, v, arr);
        return arr;
    }
    any_default = org_record_types(sim, obj, v, arr) || person;
    for (i = 0; i < sizeof(record_types) / sizeof(record_types[0]); i++) {
        if (record_types[i].person_only && !person)
            continue;
        json_array_append_new(
            arr, rt_info(obj, v, record_types[i].name,
                         record_types[i].developer_name, record_types[i].id15,
                         record_types[i].is_default ||
                             (record_types[i].is_master && !any_default),
                         record_types[i].is_master, 1));
    }
    return arr;
}

static void
add_child(const struct relation_child *c, void *arg)
{
    json_array_append_new(
        arg,
        json_pack("{s:b, s:s, s:b, s:s, s:[], s:[], s:o, s:b}", "cascadeDelete",
                  (c->field->flags & FIELD_MASTER_DETAIL) != 0, "childSObject",
                  c->child->name, "deprecatedAndHidden", 0, "field",
                  c->field->name, "junctionIdListNames", "junctionReferenceTo",
                  "relationshipName",
                  c->name != NULL ? json_string(c->name) : json_null(),
                  "restrictedDelete", 0));
}

/* childRelationships: every reference to obj, named or not (new
 * reference). */
static json_t *
child_relationships(struct sim *sim, const struct object_def *obj)
{
    json_t *arr = json_array();

    relation_children(sim->schema, obj, add_child, arr);
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
        json_array_append_new(fields, field_entry(obj, &obj->fields[i]));
    json_object_set_new(j, "fields", fields);
    json_object_set_new(j, "childRelationships", child_relationships(sim, obj));
    json_object_set_new(j, "recordTypeInfos", record_type_infos(sim, obj, v));
    response_json(resp, 200, j);
    resp->verdict = VERDICT_OK;
}

/* --- layouts ---------------------------------------------------------------
 *
 * describe/layouts and describe/compactLayouts, minimal but in
 * Salesforce's shape: one page layout per object whose one section lists
 * every field, one row each (edit: the fields the API may write), its
 * related lists the object's named child relationships; the compact
 * layout is the system default, the name field alone. Ids are the
 * object's own, stable for a schema: 00h (layout), 01B (section).
 */

static const char *
layout_id(const struct object_def *obj, const char *prefix, char *out18)
{
    char id15[SFID_LEN15 + 1];

    sfid_make(prefix, "00", (uint64_t)obj->store_index + 1, id15);
    sfid_to18(id15, out18);
    return out18;
}

/* One field as a layout item (new reference). */
static json_t *
layout_item(const struct object_def *obj, const struct field_def *f,
            int tab_order)
{
    int writable = !(f->flags & FIELD_READONLY) && f->type != FT_ID;

    return json_pack(
        "{s:b, s:b, s:s, s:[{s:o, s:i, s:i, s:s, s:s}], s:b, s:b}",
        "editableForNew", writable && (obj->flags & OBJ_CREATEABLE),
        "editableForUpdate", writable && (obj->flags & OBJ_UPDATEABLE), "label",
        f->label, "layoutComponents", "details", field_entry(obj, f),
        "displayLines", 1, "tabOrder", tab_order, "type", "Field", "value",
        f->name, "placeholder", 0, "required",
        (f->flags & FIELD_REQUIRED) != 0);
}

/* The one section: every field (edit: the writable ones), a row each. */
static json_t *
layout_sections(const struct object_def *obj, int edit)
{
    char section[SFID_LEN18 + 1], layout[SFID_LEN18 + 1];
    json_t *rows = json_array();
    size_t i;
    int n = 0;

    for (i = 0; i < obj->nfields; i++) {
        const struct field_def *f = &obj->fields[i];

        if (edit && ((f->flags & FIELD_READONLY) || f->type == FT_ID))
            continue;
        json_array_append_new(rows, json_pack("{s:[o], s:i}", "layoutItems",
                                              layout_item(obj, f, ++n),
                                              "numItems", 1));
    }
    return json_pack(
        "[{s:b, s:i, s:s, s:o, s:s, s:s, s:i, s:s, s:b, s:b}]", "collapsed", 0,
        "columns", 1, "heading", "Information", "layoutRows", rows,
        "layoutSectionId", layout_id(obj, "01B", section), "parentLayoutId",
        layout_id(obj, "00h", layout), "rows", n, "tabOrder", "TopToBottom",
        "useCollapsibleSection", 0, "useHeading", 1);
}

static void
add_related_list(const struct relation_child *c, void *arg)
{
    const struct field_def *name;
    json_t *cols;
    size_t i;

    if (c->name == NULL)
        return;
    cols = json_array();
    for (i = 0, name = NULL; i < c->child->nfields && name == NULL; i++)
        if (c->child->fields[i].flags & FIELD_NAME)
            name = &c->child->fields[i];
    if (name != NULL)
        json_array_append_new(
            cols,
            json_pack("{s:s, s:s, s:n, s:s, s:s, s:b}", "field", name->name,
                      "fieldApiName", name->name, "format", "label",
                      name->label, "lookupId", name->name, "sortable", 1));
    json_array_append_new(
        arg,
        json_pack("{s:[], s:o, s:b, s:s, s:s, s:s, s:i, s:s, s:[]}", "buttons",
                  "columns", cols, "custom", c->child->custom != NULL, "field",
                  c->field->name, "label", c->child->label_plural, "name",
                  c->name, "limitRows", 5, "sobject", c->child->name, "sort"));
}

/* The object's page layout (new reference). */
static json_t *
layout_json(struct sim *sim, const struct object_def *obj)
{
    char id[SFID_LEN18 + 1];
    json_t *related = json_array();

    relation_children(sim->schema, obj, add_related_list, related);
    return json_pack("{s:n, s:o, s:o, s:n, s:n, s:s, s:[], s:[], s:{s:[]}, "
                     "s:n, s:o, s:[]}",
                     "buttonLayoutSection", "detailLayoutSections",
                     layout_sections(obj, 0), "editLayoutSections",
                     layout_sections(obj, 1), "feedView",
                     "highlightsPanelLayoutSection", "id",
                     layout_id(obj, "00h", id), "multirowEditLayoutSections",
                     "offlineLinks", "quickActionList", "quickActionListItems",
                     "relatedContent", "relatedLists", related, "saveOptions");
}

/* A record type id of obj (15 or 18 characters) is one its describe
 * lists. */
static int
record_type_known(struct sim *sim, const struct object_def *obj, int v,
                  const char *id)
{
    json_t *infos = record_type_infos(sim, obj, v), *rt;
    char id15[SFID_LEN15 + 1], want[SFID_LEN18 + 1];
    size_t i;
    int found = 0;

    if (sfid_normalize(id, strlen(id), id15) == 0) {
        sfid_to18(id15, want);
        json_array_foreach(infos, i, rt) {
            found |=
                strcmp(json_string_value(json_object_get(rt, "recordTypeId")),
                       want) == 0;
        }
    }
    json_decref(infos);
    return found;
}

/* GET …/describe/layouts and …/describe/layouts/{recordTypeId} */
void
h_describe_layouts(struct sim *sim, struct sim_request *req,
                   struct sim_response *resp)
{
    const struct object_def *obj;
    json_t *maps, *rt;
    char id[SFID_LEN18 + 1];
    size_t i;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL)
        return;
    if (!(obj->flags & OBJ_LAYOUTABLE) ||
        (req->nparams > 2 && !record_type_known(sim, obj, v, req->params[2]))) {
        rest_not_found(resp);
        return;
    }
    resp->verdict = VERDICT_OK;
    if (req->nparams > 2) {
        response_json(resp, 200, layout_json(sim, obj));
        return;
    }
    maps = record_type_infos(sim, obj, v);
    json_array_foreach(maps, i, rt) {
        json_object_set_new(rt, "layoutId",
                            json_string(layout_id(obj, "00h", id)));
        json_object_set_new(rt, "picklistsForRecordType", json_array());
    }
    response_json(resp, 200,
                  json_pack("{s:[o], s:o, s:[b]}", "layouts",
                            layout_json(sim, obj), "recordTypeMappings", maps,
                            "recordTypeSelectorRequired", 0));
}

/* GET …/describe/compactLayouts: the system default, the name field. */
void
h_describe_compact_layouts(struct sim *sim, struct sim_request *req,
                           struct sim_response *resp)
{
    const struct object_def *obj;
    json_t *items = json_array(), *maps, *rt;
    size_t i;
    int v;

    if ((v = rest_version(req, resp)) == -1 ||
        (obj = rest_object(sim, req, 1, resp)) == NULL) {
        json_decref(items);
        return;
    }
    for (i = 0; i < obj->nfields; i++)
        if (obj->fields[i].flags & FIELD_NAME)
            json_array_append_new(items, layout_item(obj, &obj->fields[i], 1));
    maps = record_type_infos(sim, obj, v);
    json_array_foreach(maps, i, rt) {
        json_t *m = json_pack(
            "{s:b, s:n, s:s, s:O, s:O, s:O}", "available", 1, "compactLayoutId",
            "compactLayoutName", "SYSTEM", "recordTypeId",
            json_object_get(rt, "recordTypeId"), "recordTypeName",
            json_object_get(rt, "name"), "urls", json_object_get(rt, "urls"));

        json_array_set_new(maps, i, m);
    }
    response_json(
        resp, 200,
        json_pack("{s:[{s:[], s:o, s:n, s:[], s:s, s:s, s:s}], s:n, s:o}",
                  "compactLayouts", "actions", "fieldItems", items, "id",
                  "imageItems", "label", "System Default", "name", "SYSTEM",
                  "objectType", obj->name, "defaultCompactLayoutId",
                  "recordTypeCompactLayoutMappings", maps));
    resp->verdict = VERDICT_OK;
}
