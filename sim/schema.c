/*
 * schema.c - standard object definitions plus the org's custom fields
 * (see schema.h). Lengths and picklist values follow Salesforce's field
 * reference (facts section 6).
 */
#include "schema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "org.h"
#include "sfid.h"
#include "store.h"
#include "xmalloc.h"

static const char *const salutations[] = {"Mr.", "Ms.",   "Mrs.",
                                          "Dr.", "Prof.", NULL};
static const char *const lead_sources[] = {
    "Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other",
    NULL};
static const char *const lead_statuses[] = {
    "Open - Not Contacted", "Working - Contacted", "Closed - Converted",
    "Closed - Not Converted", NULL};
static const char *const ratings[] = {"Hot", "Warm", "Cold", NULL};
static const char *const account_types[] = {"Prospect",
                                            "Customer - Direct",
                                            "Customer - Channel",
                                            "Channel Partner / Reseller",
                                            "Installation Partner",
                                            "Technology Partner",
                                            "Other",
                                            NULL};
static const char *const ownerships[] = {"Public", "Private", "Subsidiary",
                                         "Other", NULL};
static const char *const industries[] = {"Agriculture",
                                         "Apparel",
                                         "Banking",
                                         "Biotechnology",
                                         "Chemicals",
                                         "Communications",
                                         "Construction",
                                         "Consulting",
                                         "Education",
                                         "Electronics",
                                         "Energy",
                                         "Engineering",
                                         "Entertainment",
                                         "Environmental",
                                         "Finance",
                                         "Food & Beverage",
                                         "Government",
                                         "Healthcare",
                                         "Hospitality",
                                         "Insurance",
                                         "Machinery",
                                         "Manufacturing",
                                         "Media",
                                         "Not For Profit",
                                         "Recreation",
                                         "Retail",
                                         "Shipping",
                                         "Technology",
                                         "Telecommunications",
                                         "Transportation",
                                         "Utilities",
                                         "Other",
                                         NULL};

#define RO FIELD_READONLY
#define F(n, l, t, len, fl)                                                    \
    {                                                                          \
        n, l, FT_##t, len, 0, 0, fl, NULL, NULL, NULL, 0                       \
    }
#define P(n, l, fl, vals, dflt)                                                \
    {                                                                          \
        n, l, FT_PICKLIST, 255, 0, 0, fl, dflt, vals, NULL, 0                  \
    }

static const struct field_def system_fields[] = {
    F("Id", "Record ID", ID, 18, RO),
    F("OwnerId", "Owner ID", REFERENCE, 18, RO),
    F("IsDeleted", "Deleted", BOOLEAN, 0, RO),
    F("CreatedDate", "Created Date", DATETIME, 0, RO),
    F("CreatedById", "Created By ID", REFERENCE, 18, RO),
    F("LastModifiedDate", "Last Modified Date", DATETIME, 0, RO),
    F("LastModifiedById", "Last Modified By ID", REFERENCE, 18, RO),
    F("SystemModstamp", "System Modstamp", DATETIME, 0, RO),
};

static const struct field_def lead_fields[] = {
    P("Salutation", "Salutation", 0, salutations, NULL),
    F("FirstName", "First Name", STRING, 40, 0),
    F("LastName", "Last Name", STRING, 80, FIELD_REQUIRED),
    F("Name", "Full Name", STRING, 121, RO | FIELD_NAME),
    F("Company", "Company", STRING, 255, FIELD_REQUIRED),
    F("Title", "Title", STRING, 128, 0),
    F("Email", "Email", EMAIL, 80, 0),
    F("Phone", "Phone", PHONE, 40, 0),
    F("MobilePhone", "Mobile Phone", PHONE, 40, 0),
    F("Fax", "Fax", PHONE, 40, 0),
    F("Website", "Website", URL, 255, 0),
    F("Street", "Street", TEXTAREA, 255, 0),
    F("City", "City", STRING, 40, 0),
    F("State", "State/Province", STRING, 80, 0),
    F("PostalCode", "Zip/Postal Code", STRING, 20, 0),
    F("Country", "Country", STRING, 80, 0),
    F("Description", "Description", TEXTAREA, 32000, 0),
    P("Industry", "Industry", 0, industries, NULL),
    P("LeadSource", "Lead Source", 0, lead_sources, NULL),
    P("Status", "Status", 0, lead_statuses, "Open - Not Contacted"),
    P("Rating", "Rating", 0, ratings, NULL),
    F("AnnualRevenue", "Annual Revenue", CURRENCY, 0, 0),
    F("NumberOfEmployees", "Employees", INT, 0, 0),
    F("HasOptedOutOfEmail", "Email Opt Out", BOOLEAN, 0, 0),
    F("HasOptedOutOfFax", "Fax Opt Out", BOOLEAN, 0, 0),
    F("DoNotCall", "Do Not Call", BOOLEAN, 0, 0),
    F("RecordTypeId", "Record Type ID", REFERENCE, 18, 0),
    F("IsConverted", "Converted", BOOLEAN, 0, RO),
    F("ConvertedDate", "Converted Date", DATE, 0, RO),
    F("ConvertedAccountId", "Converted Account ID", REFERENCE, 18, RO),
    F("ConvertedContactId", "Converted Contact ID", REFERENCE, 18, RO),
    F("ConvertedOpportunityId", "Converted Opportunity ID", REFERENCE, 18, RO),
    F("LastActivityDate", "Last Activity", DATE, 0, RO),
    F("LastTransferDate", "Last Transfer Date", DATE, 0, RO),
};

static const struct field_def contact_fields[] = {
    P("Salutation", "Salutation", 0, salutations, NULL),
    F("FirstName", "First Name", STRING, 40, 0),
    F("LastName", "Last Name", STRING, 80, FIELD_REQUIRED),
    F("Name", "Full Name", STRING, 121, RO | FIELD_NAME),
    F("AccountId", "Account ID", REFERENCE, 18, 0),
    F("Title", "Title", STRING, 128, 0),
    F("Email", "Email", EMAIL, 80, 0),
    F("Phone", "Business Phone", PHONE, 40, 0),
    F("MobilePhone", "Mobile Phone", PHONE, 40, 0),
    F("MailingStreet", "Mailing Street", TEXTAREA, 255, 0),
    F("MailingCity", "Mailing City", STRING, 40, 0),
    F("MailingState", "Mailing State/Province", STRING, 80, 0),
    F("MailingPostalCode", "Mailing Zip/Postal Code", STRING, 20, 0),
    F("MailingCountry", "Mailing Country", STRING, 80, 0),
    F("Birthdate", "Birthdate", DATE, 0, 0),
    P("LeadSource", "Lead Source", 0, lead_sources, NULL),
    F("Description", "Contact Description", TEXTAREA, 32000, 0),
    F("HasOptedOutOfEmail", "Email Opt Out", BOOLEAN, 0, 0),
    F("DoNotCall", "Do Not Call", BOOLEAN, 0, 0),
    F("RecordTypeId", "Record Type ID", REFERENCE, 18, 0),
    F("ReportsToId", "Reports To ID", REFERENCE, 18, 0),
    F("Department", "Department", STRING, 80, 0),
    F("HomePhone", "Home Phone", PHONE, 40, 0),
    F("OtherPhone", "Other Phone", PHONE, 40, 0),
    F("Fax", "Business Fax", PHONE, 40, 0),
    F("AssistantName", "Assistant's Name", STRING, 40, 0),
    F("AssistantPhone", "Asst. Phone", PHONE, 40, 0),
    F("OtherStreet", "Other Street", TEXTAREA, 255, 0),
    F("OtherCity", "Other City", STRING, 40, 0),
    F("OtherState", "Other State/Province", STRING, 80, 0),
    F("OtherPostalCode", "Other Zip/Postal Code", STRING, 20, 0),
    F("OtherCountry", "Other Country", STRING, 80, 0),
    F("HasOptedOutOfFax", "Fax Opt Out", BOOLEAN, 0, 0),
    F("LastActivityDate", "Last Activity", DATE, 0, RO),
};

static const struct field_def account_fields[] = {
    F("Name", "Account Name", STRING, 255, FIELD_REQUIRED | FIELD_NAME),
    F("Phone", "Account Phone", PHONE, 40, 0),
    F("Website", "Website", URL, 255, 0),
    P("Industry", "Industry", 0, industries, NULL),
    F("BillingStreet", "Billing Street", TEXTAREA, 255, 0),
    F("BillingCity", "Billing City", STRING, 40, 0),
    F("BillingState", "Billing State/Province", STRING, 80, 0),
    F("BillingPostalCode", "Billing Zip/Postal Code", STRING, 20, 0),
    F("BillingCountry", "Billing Country", STRING, 80, 0),
    F("AnnualRevenue", "Annual Revenue", CURRENCY, 0, 0),
    F("NumberOfEmployees", "Employees", INT, 0, 0),
    P("AccountSource", "Account Source", 0, lead_sources, NULL),
    F("Description", "Account Description", TEXTAREA, 32000, 0),
    F("RecordTypeId", "Record Type ID", REFERENCE, 18, 0),
    P("Type", "Account Type", 0, account_types, NULL),
    F("ParentId", "Parent Account ID", REFERENCE, 18, 0),
    F("AccountNumber", "Account Number", STRING, 40, 0),
    F("Site", "Account Site", STRING, 80, 0),
    F("Fax", "Account Fax", PHONE, 40, 0),
    P("Rating", "Account Rating", 0, ratings, NULL),
    P("Ownership", "Ownership", 0, ownerships, NULL),
    F("Sic", "SIC Code", STRING, 20, 0),
    F("TickerSymbol", "Ticker Symbol", STRING, 20, 0),
    F("ShippingStreet", "Shipping Street", TEXTAREA, 255, 0),
    F("ShippingCity", "Shipping City", STRING, 40, 0),
    F("ShippingState", "Shipping State/Province", STRING, 80, 0),
    F("ShippingPostalCode", "Shipping Zip/Postal Code", STRING, 20, 0),
    F("ShippingCountry", "Shipping Country", STRING, 80, 0),
    F("LastActivityDate", "Last Activity", DATE, 0, RO),
};

#define PA FIELD_PERSON
static const struct field_def person_fields[] = {
    P("Salutation", "Salutation", PA, salutations, NULL),
    F("FirstName", "First Name", STRING, 40, PA),
    F("LastName", "Last Name", STRING, 80, PA),
    F("IsPersonAccount", "Is Person Account", BOOLEAN, 0, RO | PA),
    F("PersonContactId", "Person Contact ID", REFERENCE, 18, RO | PA),
    F("PersonEmail", "Email", EMAIL, 80, PA),
    F("PersonMobilePhone", "Mobile", PHONE, 40, PA),
    F("PersonHomePhone", "Home Phone", PHONE, 40, PA),
    F("PersonMailingStreet", "Mailing Street", TEXTAREA, 255, PA),
    F("PersonMailingCity", "Mailing City", STRING, 40, PA),
    F("PersonMailingState", "Mailing State/Province", STRING, 80, PA),
    F("PersonMailingPostalCode", "Mailing Zip/Postal Code", STRING, 20, PA),
    F("PersonMailingCountry", "Mailing Country", STRING, 80, PA),
    F("PersonBirthdate", "Birthdate", DATE, 0, PA),
    P("PersonLeadSource", "Lead Source", PA, lead_sources, NULL),
    F("PersonHasOptedOutOfEmail", "Email Opt Out", BOOLEAN, 0, PA),
    F("PersonOtherPhone", "Other Phone", PHONE, 40, PA),
    F("PersonOtherStreet", "Other Street", TEXTAREA, 255, PA),
    F("PersonOtherCity", "Other City", STRING, 40, PA),
    F("PersonOtherState", "Other State/Province", STRING, 80, PA),
    F("PersonOtherPostalCode", "Other Zip/Postal Code", STRING, 20, PA),
    F("PersonOtherCountry", "Other Country", STRING, 80, PA),
    F("PersonTitle", "Title", STRING, 80, PA),
    F("PersonDepartment", "Department", STRING, 80, PA),
    F("PersonAssistantName", "Assistant", STRING, 40, PA),
    F("PersonAssistantPhone", "Asst. Phone", PHONE, 40, PA),
    F("PersonDoNotCall", "Do Not Call", BOOLEAN, 0, PA),
    F("PersonHasOptedOutOfFax", "Fax Opt Out", BOOLEAN, 0, PA),
};

#define TABLE(t) t, sizeof(t) / sizeof((t)[0])

static const struct {
    const char *name, *label, *prefix;
    const struct field_def *fields;
    size_t nfields;
} standard_objects[] = {
    {"Lead", "Lead", "00Q", TABLE(lead_fields)},
    {"Contact", "Contact", "003", TABLE(contact_fields)},
    {"Account", "Account", "001", TABLE(account_fields)},
};

static void
add_fields(struct object_def *o, const struct field_def *defs, size_t n)
{
    o->fields = xreallocarray(o->fields, o->nfields + n, sizeof(*o->fields));
    memcpy(o->fields + o->nfields, defs, n * sizeof(*defs));
    o->nfields += n;
}

/* Copies the org's custom fields for object o into it. */
static void
add_custom_fields(struct object_def *o, const struct org *org)
{
    size_t i;

    for (i = 0; i < org->ncustom_fields; i++) {
        const struct org_field *cf = &org->custom_fields[i];
        struct field_def d;

        if (strcasecmp(cf->object, o->name) != 0)
            continue;
        memset(&d, 0, sizeof(d));
        d.name = cf->name;
        d.label = cf->label;
        d.type = cf->type;
        d.length = cf->length;
        d.precision = cf->precision;
        d.scale = cf->scale;
        /* An optional standard field (CurrencyIsoCode) is not custom. */
        d.flags =
            (org_optional_field(cf->object, cf->name) != NULL ? 0
                                                              : FIELD_CUSTOM) |
            cf->flags;
        d.default_value = cf->default_value;
        d.values = (const char *const *)cf->values;
        d.custom_id = cf->id;
        add_fields(o, &d, 1);
    }
}

struct schema *
schema_new(const struct org *org, struct store *store)
{
    struct schema *s = xcalloc(1, sizeof(*s));
    size_t i, f;

    s->nobjects = sizeof(standard_objects) / sizeof(standard_objects[0]);
    s->objects = xcalloc(s->nobjects, sizeof(*s->objects));
    for (i = 0; i < s->nobjects; i++) {
        struct object_def *o = &s->objects[i];

        o->name = standard_objects[i].name;
        o->label = standard_objects[i].label;
        o->prefix = standard_objects[i].prefix;
        add_fields(o, TABLE(system_fields));
        add_fields(o, standard_objects[i].fields, standard_objects[i].nfields);
        if (org->person_accounts && strcmp(o->name, "Account") == 0)
            add_fields(o, TABLE(person_fields));
        add_custom_fields(o, org);
        o->store_index = store_object_add(store, o->name, o->prefix);
        for (f = 0; f < o->nfields; f++)
            o->fields[f].interned = store_intern(store, o->fields[f].name);
    }
    return s;
}

void
schema_free(struct schema *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nobjects; i++)
        free(s->objects[i].fields);
    free(s->objects);
    free(s);
}

const struct object_def *
schema_object(const struct schema *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->nobjects; i++)
        if (strcasecmp(s->objects[i].name, name) == 0)
            return &s->objects[i];
    return NULL;
}

const struct object_def *
schema_object_at(const struct schema *s, int store_index)
{
    size_t i;

    for (i = 0; i < s->nobjects; i++)
        if (s->objects[i].store_index == store_index)
            return &s->objects[i];
    return NULL;
}

const struct field_def *
schema_field(const struct object_def *o, const char *name)
{
    size_t i;

    for (i = 0; i < o->nfields; i++)
        if (strcasecmp(o->fields[i].name, name) == 0)
            return &o->fields[i];
    return NULL;
}

const struct field_def *
schema_field_by_id(const struct object_def *o, const char *id)
{
    char id15[SFID_LEN15 + 1];
    size_t i;

    if (sfid_normalize(id, strlen(id), id15) == -1)
        return NULL;
    for (i = 0; i < o->nfields; i++)
        if (o->fields[i].custom_id != NULL &&
            strcmp(o->fields[i].custom_id, id15) == 0)
            return &o->fields[i];
    return NULL;
}
