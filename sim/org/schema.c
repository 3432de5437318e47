/*
 * schema.c - standard object definitions plus the org's custom fields
 * (see schema.h). Lengths and picklist values follow Salesforce's field
 * reference (facts section 6) and its object reference for User, Profile
 * and Organization. A new standard object is a field table and a row of
 * standard_objects[]: nothing else here changes.
 */
#include "schema.h"

#include <stdatomic.h>
#include <stdio.h>
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
        n, l, FT_##t, len, 0, 0, fl, NULL, NULL, NULL, 0, NULL, {NULL}, NULL,  \
            NULL                                                               \
    }
#define P(n, l, fl, vals, dflt)                                                \
    {                                                                          \
        n, l, FT_PICKLIST, 255, 0, 0, fl, dflt, vals, NULL, 0, NULL, {NULL},   \
            NULL, NULL                                                         \
    }

/* System fields, in describe order: Id, then OwnerId and IsDeleted where
 * the object's flags say so, then the audit fields. */
static const struct field_def id_field[] = {
    F("Id", "Record ID", ID, 18, RO),
};
static const struct field_def owner_field[] = {
    F("OwnerId", "Owner ID", REFERENCE, 18, RO),
};
static const struct field_def deleted_field[] = {
    F("IsDeleted", "Deleted", BOOLEAN, 0, RO),
};
static const struct field_def audit_fields[] = {
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

/* Locale settings: the values an org made in the United States has, and
 * a few others (the real lists have hundreds). */
static const char *const time_zones[] = {"America/Los_Angeles",
                                         "America/Denver",
                                         "America/Chicago",
                                         "America/New_York",
                                         "Europe/London",
                                         "Europe/Paris",
                                         "Asia/Tokyo",
                                         "GMT",
                                         NULL};
static const char *const locales[] = {"en_US", "en_GB", "fr_FR", "de_DE",
                                      "es_ES", "ja_JP", NULL};
static const char *const languages[] = {"en_US", "fr", "de", "es", "ja", NULL};
static const char *const encodings[] = {"UTF-8", "ISO-8859-1", "Shift_JIS",
                                        NULL};
static const char *const user_types[] = {"Standard", "PowerPartner", "CsnOnly",
                                         "Guest", NULL};
static const char *const org_types[] = {"Team Edition",
                                        "Professional Edition",
                                        "Enterprise Edition",
                                        "Developer Edition",
                                        "Personal Edition",
                                        "Unlimited Edition",
                                        "Contact Manager Edition",
                                        "Base Edition",
                                        NULL};

static const struct field_def user_fields[] = {
    F("Username", "Username", STRING, 80, FIELD_REQUIRED | FIELD_UNIQUE),
    F("LastName", "Last Name", STRING, 80, FIELD_REQUIRED),
    F("FirstName", "First Name", STRING, 40, 0),
    F("Name", "Full Name", STRING, 121, RO | FIELD_NAME),
    F("CompanyName", "Company Name", STRING, 80, 0),
    F("Division", "Division", STRING, 80, 0),
    F("Department", "Department", STRING, 80, 0),
    F("Title", "Title", STRING, 80, 0),
    F("Street", "Street", TEXTAREA, 255, 0),
    F("City", "City", STRING, 40, 0),
    F("State", "State/Province", STRING, 80, 0),
    F("PostalCode", "Zip/Postal Code", STRING, 20, 0),
    F("Country", "Country", STRING, 80, 0),
    F("Email", "Email", EMAIL, 128, FIELD_REQUIRED),
    F("Phone", "Phone", PHONE, 40, 0),
    F("MobilePhone", "Mobile", PHONE, 40, 0),
    F("Alias", "Alias", STRING, 8, FIELD_REQUIRED),
    F("CommunityNickname", "Nickname", STRING, 40, FIELD_REQUIRED),
    F("IsActive", "Active", BOOLEAN, 0, 0),
    P("TimeZoneSidKey", "Time Zone", FIELD_REQUIRED, time_zones, NULL),
    F("UserRoleId", "Role ID", REFERENCE, 18, 0),
    P("LocaleSidKey", "Locale", FIELD_REQUIRED, locales, NULL),
    P("EmailEncodingKey", "Email Encoding", FIELD_REQUIRED, encodings, NULL),
    F("ProfileId", "Profile ID", REFERENCE, 18, FIELD_REQUIRED),
    P("UserType", "User Type", RO, user_types, NULL),
    P("LanguageLocaleKey", "Language", FIELD_REQUIRED, languages, NULL),
    F("EmployeeNumber", "Employee Number", STRING, 20, 0),
    F("ManagerId", "Manager ID", REFERENCE, 18, 0),
    F("LastLoginDate", "Last Login", DATETIME, 0, RO),
    F("FederationIdentifier", "SAML Federation ID", STRING, 512, 0),
};

static const struct field_def profile_fields[] = {
    F("Name", "Name", STRING, 255, FIELD_REQUIRED | FIELD_NAME),
    F("PermissionsApiEnabled", "API Enabled", BOOLEAN, 0, 0),
    F("PermissionsModifyAllData", "Modify All Data", BOOLEAN, 0, 0),
    F("PermissionsViewAllData", "View All Data", BOOLEAN, 0, 0),
    P("UserType", "User Type", RO, user_types, NULL),
    F("Description", "Description", STRING, 255, 0),
};

static const struct field_def organization_fields[] = {
    F("Name", "Name", STRING, 80, FIELD_REQUIRED | FIELD_NAME),
    F("Division", "Division", STRING, 80, 0),
    F("Street", "Street", TEXTAREA, 255, 0),
    F("City", "City", STRING, 40, 0),
    F("State", "State/Province", STRING, 80, 0),
    F("PostalCode", "Zip/Postal Code", STRING, 20, 0),
    F("Country", "Country", STRING, 80, 0),
    F("Phone", "Phone", PHONE, 40, 0),
    F("Fax", "Fax", PHONE, 40, 0),
    F("PrimaryContact", "Primary Contact", STRING, 80, 0),
    P("DefaultLocaleSidKey", "Locale", FIELD_REQUIRED, locales, NULL),
    P("TimeZoneSidKey", "Time Zone", FIELD_REQUIRED, time_zones, NULL),
    P("LanguageLocaleKey", "Language", FIELD_REQUIRED, languages, NULL),
    F("FiscalYearStartMonth", "Fiscal Year Starts In", INT, 0, RO),
    F("UsesStartDateAsFiscalYearName", "Fiscal Year Name by Start", BOOLEAN, 0,
      RO),
    F("InstanceName", "Instance Name", STRING, 5, RO),
    F("IsSandbox", "Is Sandbox", BOOLEAN, 0, RO),
    F("TrialExpirationDate", "Trial Expiration Date", DATETIME, 0, RO),
    F("NamespacePrefix", "Namespace Prefix", STRING, 15, RO),
    P("OrganizationType", "Edition", RO, org_types, NULL),
    F("IsReadOnly", "Is Read Only", BOOLEAN, 0, RO),
};

#define TABLE_N(t) (sizeof(t) / sizeof((t)[0]))
#define TABLE(t) t, TABLE_N(t)

/* What Lead, Contact and Account allow: everything. */
#define DATA_OBJECT                                                            \
    (OBJ_CREATEABLE | OBJ_UPDATEABLE | OBJ_DELETABLE | OBJ_SEARCHABLE |        \
     OBJ_OWNED | OBJ_REPLICATEABLE | OBJ_FEED | OBJ_LAYOUTABLE |               \
     OBJ_MERGEABLE | OBJ_TRIGGERABLE)

static const struct schema_row standard_objects[] = {
    {"Lead", "Lead", "Leads", "00Q", DATA_OBJECT, TABLE(lead_fields)},
    {"Contact", "Contact", "Contacts", "003", DATA_OBJECT,
     TABLE(contact_fields)},
    {"Account", "Account", "Accounts", "001", DATA_OBJECT,
     TABLE(account_fields)},
    {"User", "User", "Users", "005",
     OBJ_SEARCHABLE | OBJ_FROM_ORG | OBJ_REPLICATEABLE | OBJ_FEED |
         OBJ_LAYOUTABLE | OBJ_TRIGGERABLE,
     TABLE(user_fields)},
    {"Profile", "Profile", "Profiles", "00e", OBJ_FROM_ORG | OBJ_REPLICATEABLE,
     TABLE(profile_fields)},
    {"Organization", "Organization", "Organizations", "00D",
     OBJ_FROM_ORG | OBJ_LAYOUTABLE, TABLE(organization_fields)},
};

static void
add_fields(struct object_def *o, const struct field_def *defs, size_t n)
{
    o->fields = xreallocarray(o->fields, o->nfields + n, sizeof(*o->fields));
    memcpy(o->fields + o->nfields, defs, n * sizeof(*defs));
    o->nfields += n;
}

const char *
schema_keep(struct schema *s, char *str)
{
    s->owned = xreallocarray(s->owned, s->nowned + 1, sizeof(*s->owned));
    s->owned[s->nowned++] = str;
    return str;
}

/* A custom lookup's relationships: "Account__c" is "Account__r" to its
 * parent; its parent lists it as relationship_name + "__r". */
static void
custom_reference(struct schema *s, struct field_def *d,
                 const struct org_field *cf)
{
    size_t n = strlen(cf->name);

    d->reference_to[0] = cf->reference_to;
    d->relationship =
        schema_keep(s, xasprintf("%.*s__r", (int)(n - 3), cf->name));
    if (cf->relationship_name != NULL)
        d->child_relationship =
            schema_keep(s, xasprintf("%s__r", cf->relationship_name));
}

/* Copies the org fields for object o (all of them when any) into it. */
static void
add_org_fields(struct schema *s, struct object_def *o,
               const struct org_field *fields, size_t n, int any)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct org_field *cf = &fields[i];
        struct field_def d;

        if (!any && strcasecmp(cf->object, o->name) != 0)
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
        if (cf->reference_to != NULL)
            custom_reference(s, &d, cf);
        add_fields(o, &d, 1);
    }
}

/* FNV-1a over the name folded to ASCII lower case: names that strcasecmp()
 * finds equal hash alike. */
static size_t
name_hash(const char *name)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *name != '\0'; name++) {
        unsigned char c = (unsigned char)*name;

        h ^= c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

/* strcasecmp() of the C locale (the sim's): ASCII letters fold. Written
 * out because it runs for every name a request or a rule looks up. */
static int
name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

        if (x != y) {
            x = x >= 'A' && x <= 'Z' ? x + ('a' - 'A') : x;
            y = y >= 'A' && y <= 'Z' ? y + ('a' - 'A') : y;
            if (x != y)
                return 0;
        }
        if (x == '\0')
            return 1;
    }
}

static size_t
interned_hash(uint32_t id)
{
    return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 32);
}

/*
 * The lookup tables of o's fields (at most half full). Of two fields whose
 * names differ only by case the first keeps the name, as a scan finds it.
 */
static void
index_build(struct object_def *o)
{
    const struct field_def *owner;
    size_t cap = 16, i, h;

    while (cap < o->nfields * 2 + 2)
        cap *= 2;
    o->index_mask = cap - 1;
    o->by_name = xcalloc(cap, sizeof(*o->by_name));
    o->by_interned = xcalloc(cap, sizeof(*o->by_interned));
    o->defaults = xcalloc(o->nfields + 1, sizeof(*o->defaults));
    o->required = xcalloc(o->nfields + 1, sizeof(*o->required));
    for (i = 0; i < o->nfields; i++) {
        const struct field_def *f = &o->fields[i];

        if (f->default_value != NULL)
            o->defaults[o->ndefaults++] = (uint32_t)i;
        if (schema_may_require(f))
            o->required[o->nrequired++] = (uint32_t)i;
        if ((f->flags & FIELD_AUTONUMBER) && o->autonumber == 0)
            o->autonumber = (uint32_t)i + 1;
        for (h = name_hash(f->name) & o->index_mask; o->by_name[h] != 0;
             h = (h + 1) & o->index_mask)
            if (name_eq(o->fields[o->by_name[h] - 1].name, f->name))
                break;
        if (o->by_name[h] == 0)
            o->by_name[h] = (uint32_t)i + 1;
        for (h = interned_hash(f->interned) & o->index_mask;
             o->by_interned[h] != 0; h = (h + 1) & o->index_mask)
            if (o->fields[o->by_interned[h] - 1].interned == f->interned)
                break;
        if (o->by_interned[h] == 0)
            o->by_interned[h] = (uint32_t)i + 1;
    }
    if ((owner = schema_field(o, "OwnerId")) != NULL)
        o->owner = (uint32_t)(owner - o->fields) + 1;
}

static atomic_uint_fast64_t next_uid = 1;

struct object_def *
schema_add(struct schema *s, const struct schema_row *row,
           const struct org_field *extra, size_t n, const struct org *org,
           struct store *store)
{
    struct object_def *o;
    int at = store_object_add(store, row->name, row->prefix);
    size_t f;

    if (at < 0)
        return NULL;
    s->objects = xreallocarray(s->objects, s->nobjects + 1, sizeof(*o));
    o = &s->objects[s->nobjects++];
    memset(o, 0, sizeof(*o));
    o->name = row->name;
    o->label = row->label;
    o->label_plural = row->label_plural;
    o->prefix = row->prefix;
    o->flags = row->flags;
    o->store_index = at;
    /* The system fields the object's flags call for, its own fields, and
     * the org's additions. */
    add_fields(o, TABLE(id_field));
    if (o->flags & OBJ_OWNED)
        add_fields(o, TABLE(owner_field));
    if (o->flags & OBJ_DELETABLE)
        add_fields(o, TABLE(deleted_field));
    add_fields(o, TABLE(audit_fields));
    add_fields(o, row->fields, row->nfields);
    if (org->person_accounts && strcmp(o->name, "Account") == 0)
        add_fields(o, TABLE(person_fields));
    add_org_fields(s, o, extra, n, 1);
    add_org_fields(s, o, org->custom_fields, org->ncustom_fields, 0);
    for (f = 0; f < o->nfields; f++)
        o->fields[f].interned = store_intern(store, o->fields[f].name);
    index_build(o);
    o->uid = (uint64_t)atomic_fetch_add(&next_uid, 1);
    return o;
}

const struct schema_row *
schema_rows(size_t *n)
{
    *n = TABLE_N(standard_objects);
    return standard_objects;
}

struct schema *
schema_new(const struct org *org, struct store *store)
{
    struct schema *s = xcalloc(1, sizeof(*s));
    size_t i;

    for (i = 0; i < TABLE_N(standard_objects); i++)
        schema_add(s, &standard_objects[i], NULL, 0, org, store);
    return s;
}

void
schema_free(struct schema *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->nobjects; i++) {
        free(s->objects[i].fields);
        free(s->objects[i].by_name);
        free(s->objects[i].by_interned);
        free(s->objects[i].defaults);
        free(s->objects[i].required);
    }
    free(s->objects);
    for (i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s);
}

const struct object_def *
schema_object(const struct schema *s, const char *name)
{
    size_t i;

    /* The first letter (either case) before the whole name: this runs
     * for every record of a batch. */
    for (i = 0; i < s->nobjects; i++)
        if ((s->objects[i].name[0] | 0x20) == (name[0] | 0x20) &&
            name_eq(s->objects[i].name, name))
            return &s->objects[i];
    return NULL;
}

int
schema_refusal(const struct object_def *obj, unsigned what, char *msg, size_t n)
{
    if (obj->flags & what)
        return 0;
    snprintf(msg, n, "entity type cannot be %s: %s",
             what == OBJ_CREATEABLE   ? "inserted"
             : what == OBJ_UPDATEABLE ? "updated"
                                      : "deleted",
             obj->label);
    return -1;
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
    size_t i, h;

    if (o->by_name == NULL) { /* an object not made by schema_add() */
        for (i = 0; i < o->nfields; i++)
            if (name_eq(o->fields[i].name, name))
                return &o->fields[i];
        return NULL;
    }
    for (h = name_hash(name) & o->index_mask; o->by_name[h] != 0;
         h = (h + 1) & o->index_mask)
        if (name_eq(o->fields[o->by_name[h] - 1].name, name))
            return &o->fields[o->by_name[h] - 1];
    return NULL;
}

int
schema_may_require(const struct field_def *f)
{
    return (f->flags & FIELD_REQUIRED) || strcmp(f->name, "LastName") == 0;
}

const struct field_def *
schema_field_interned(const struct object_def *o, uint32_t interned)
{
    size_t i, h;

    if (o->by_interned == NULL) {
        for (i = 0; i < o->nfields; i++)
            if (o->fields[i].interned == interned)
                return &o->fields[i];
        return NULL;
    }
    for (h = interned_hash(interned) & o->index_mask; o->by_interned[h] != 0;
         h = (h + 1) & o->index_mask)
        if (o->fields[o->by_interned[h] - 1].interned == interned)
            return &o->fields[o->by_interned[h] - 1];
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
