/*
 * objects_std.c - Opportunity, Task, Event, Campaign, CampaignMember,
 * Case, RecordType and LeadStatus as table rows (see objects_std.h). A new
 * standard object is a field table and a row of rows[]; its references go in
 * relation.c's table.
 */
#include "objects_std.h"

#include "fieldtype.h"

#define RO FIELD_READONLY
#define REQ FIELD_REQUIRED
#define F(n, l, t, len, fl)                                                    \
    {                                                                          \
        .name = n, .label = l, .type = FT_##t, .length = len, .flags = fl      \
    }
#define N(n, l, t, p, s, fl)                                                   \
    {                                                                          \
        .name = n, .label = l, .type = FT_##t, .precision = p, .scale = s,     \
        .flags = fl                                                            \
    }
#define P(n, l, fl, vals, dflt)                                                \
    {                                                                          \
        .name = n, .label = l, .type = FT_PICKLIST, .length = 255,             \
        .flags = fl, .default_value = dflt, .values = vals                     \
    }

static const char *const lead_sources[] = {
    "Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other",
    NULL};

static const char *const opportunity_stages[] = {"Prospecting",
                                                 "Qualification",
                                                 "Needs Analysis",
                                                 "Value Proposition",
                                                 "Id. Decision Makers",
                                                 "Perception Analysis",
                                                 "Proposal/Price Quote",
                                                 "Negotiation/Review",
                                                 "Closed Won",
                                                 "Closed Lost",
                                                 NULL};
static const char *const opportunity_types[] = {
    "Existing Customer - Upgrade", "Existing Customer - Replacement",
    "Existing Customer - Downgrade", "New Customer", NULL};
static const char *const forecast_categories[] = {
    "Omitted", "Pipeline", "Best Case", "Commit", "Closed", NULL};

static const struct field_def opportunity_fields[] = {
    F("AccountId", "Account ID", REFERENCE, 18, 0),
    F("Name", "Name", STRING, 120, REQ | FIELD_NAME),
    F("Description", "Description", TEXTAREA, 32000, 0),
    P("StageName", "Stage", REQ, opportunity_stages, NULL),
    N("Amount", "Amount", CURRENCY, 18, 2, 0),
    N("Probability", "Probability (%)", PERCENT, 3, 0, 0),
    F("CloseDate", "Close Date", DATE, 0, REQ),
    P("Type", "Opportunity Type", 0, opportunity_types, NULL),
    F("NextStep", "Next Step", STRING, 255, 0),
    P("LeadSource", "Lead Source", 0, lead_sources, NULL),
    F("IsClosed", "Closed", BOOLEAN, 0, RO),
    F("IsWon", "Won", BOOLEAN, 0, RO),
    P("ForecastCategoryName", "Forecast Category", 0, forecast_categories,
      NULL),
    F("CampaignId", "Campaign ID", REFERENCE, 18, 0),
    F("ContactId", "Contact ID", REFERENCE, 18, 0),
};

static const char *const task_statuses[] = {
    "Not Started", "In Progress", "Completed", "Waiting on someone else",
    "Deferred",    NULL};
static const char *const task_priorities[] = {"High", "Normal", "Low", NULL};
static const char *const task_subtypes[] = {"Task", "Email", "Call", NULL};
static const char *const event_show_as[] = {"Busy", "OutOfOffice", "Free",
                                            NULL};

static const struct field_def task_fields[] = {
    F("WhoId", "Name ID", REFERENCE, 18, 0),
    F("WhatId", "Related To ID", REFERENCE, 18, 0),
    F("Subject", "Subject", STRING, 255, 0),
    F("ActivityDate", "Due Date Only", DATE, 0, 0),
    P("Status", "Status", REQ, task_statuses, "Not Started"),
    P("Priority", "Priority", REQ, task_priorities, "Normal"),
    F("IsClosed", "Closed", BOOLEAN, 0, RO),
    F("Description", "Description", TEXTAREA, 32000, 0),
    P("TaskSubtype", "Task Subtype", 0, task_subtypes, NULL),
    F("CallDurationInSeconds", "Call Duration", INT, 0, 0),
};

static const struct field_def event_fields[] = {
    F("WhoId", "Name ID", REFERENCE, 18, 0),
    F("WhatId", "Related To ID", REFERENCE, 18, 0),
    F("Subject", "Subject", STRING, 255, 0),
    F("Location", "Location", STRING, 255, 0),
    F("IsAllDayEvent", "All-Day Event", BOOLEAN, 0, 0),
    F("ActivityDateTime", "Due Date Time", DATETIME, 0, 0),
    F("ActivityDate", "Due Date Only", DATE, 0, 0),
    F("DurationInMinutes", "Duration", INT, 0, 0),
    F("StartDateTime", "Start Date Time", DATETIME, 0, 0),
    F("EndDateTime", "End Date Time", DATETIME, 0, 0),
    F("Description", "Description", TEXTAREA, 32000, 0),
    P("ShowAs", "Show Time As", 0, event_show_as, "Busy"),
};

static const char *const campaign_types[] = {"Conference",
                                             "Webinar",
                                             "Trade Show",
                                             "Public Relations",
                                             "Partners",
                                             "Referral Program",
                                             "Advertisement",
                                             "Banner Ads",
                                             "Direct Mail",
                                             "Email",
                                             "Telemarketing",
                                             "Other",
                                             NULL};
static const char *const campaign_statuses[] = {"Planned", "In Progress",
                                                "Completed", "Aborted", NULL};
static const char *const member_statuses[] = {"Sent", "Responded", NULL};

static const struct field_def campaign_fields[] = {
    F("Name", "Name", STRING, 80, REQ | FIELD_NAME),
    F("ParentId", "Parent Campaign ID", REFERENCE, 18, 0),
    P("Type", "Type", 0, campaign_types, NULL),
    P("Status", "Status", 0, campaign_statuses, "Planned"),
    F("StartDate", "Start Date", DATE, 0, 0),
    F("EndDate", "End Date", DATE, 0, 0),
    N("ExpectedRevenue", "Expected Revenue in Campaign", CURRENCY, 18, 0, 0),
    N("BudgetedCost", "Budgeted Cost in Campaign", CURRENCY, 18, 0, 0),
    N("ActualCost", "Actual Cost in Campaign", CURRENCY, 18, 0, 0),
    N("ExpectedResponse", "Expected Response (%)", PERCENT, 10, 2, 0),
    N("NumberSent", "Num Sent in Campaign", DOUBLE, 18, 0, 0),
    F("IsActive", "Active", BOOLEAN, 0, 0),
    F("Description", "Description", TEXTAREA, 32000, 0),
};

static const struct field_def campaign_member_fields[] = {
    F("CampaignId", "Campaign ID", REFERENCE, 18, REQ),
    F("LeadId", "Lead ID", REFERENCE, 18, 0),
    F("ContactId", "Contact ID", REFERENCE, 18, 0),
    P("Status", "Status", 0, member_statuses, "Sent"),
    F("HasResponded", "Responded", BOOLEAN, 0, RO),
    F("FirstRespondedDate", "First Responded Date", DATE, 0, RO),
};

static const char *const case_statuses[] = {"New", "Working", "Escalated",
                                            "Closed", NULL};
static const char *const case_priorities[] = {"High", "Medium", "Low", NULL};
static const char *const case_origins[] = {"Phone", "Email", "Web", NULL};
static const char *const case_types[] = {
    "Mechanical", "Electrical", "Electronic", "Structural", "Other", NULL};

static const struct field_def case_fields[] = {
    {.name = "CaseNumber",
     .label = "Case Number",
     .type = FT_STRING,
     .length = 30,
     .flags = RO | FIELD_NAME | FIELD_AUTONUMBER,
     .display_format = "{00000000}"},
    F("ContactId", "Contact ID", REFERENCE, 18, 0),
    F("AccountId", "Account ID", REFERENCE, 18, 0),
    F("ParentId", "Parent Case ID", REFERENCE, 18, 0),
    F("SuppliedName", "Name", STRING, 80, 0),
    F("SuppliedEmail", "Email Address", EMAIL, 80, 0),
    F("SuppliedPhone", "Phone", STRING, 40, 0),
    F("SuppliedCompany", "Company", STRING, 80, 0),
    P("Type", "Case Type", 0, case_types, NULL),
    P("Status", "Status", 0, case_statuses, "New"),
    P("Origin", "Case Origin", 0, case_origins, NULL),
    P("Priority", "Priority", 0, case_priorities, "Medium"),
    F("Subject", "Subject", STRING, 255, 0),
    F("Description", "Description", TEXTAREA, 32000, 0),
    F("IsClosed", "Closed", BOOLEAN, 0, RO),
    F("ClosedDate", "Closed Date", DATETIME, 0, RO),
    F("IsEscalated", "Escalated", BOOLEAN, 0, 0),
};

/* The org's record types and lead statuses (orgrecords.h makes their
 * records): read-only, as OBJ_FROM_ORG objects are (a name field marked
 * read-only would be a compound name, sobject.h). */
static const struct field_def record_type_fields[] = {
    F("Name", "Name", STRING, 80, FIELD_NAME),
    F("DeveloperName", "Record Type Name", STRING, 80, RO),
    F("NamespacePrefix", "Namespace Prefix", STRING, 15, RO),
    F("Description", "Description", STRING, 255, RO),
    F("BusinessProcessId", "Business Process ID", REFERENCE, 18, RO),
    F("SobjectType", "SObject Type Name", STRING, 40, RO),
    F("IsActive", "Active", BOOLEAN, 0, RO),
    F("IsPersonType", "Is Person Type", BOOLEAN, 0, RO),
};

static const struct field_def lead_status_fields[] = {
    F("MasterLabel", "Master Label", STRING, 255, FIELD_NAME),
    F("ApiName", "Api Name", STRING, 255, RO),
    F("SortOrder", "Sort Order", INT, 0, RO),
    F("IsDefault", "Is Default", BOOLEAN, 0, RO),
    F("IsConverted", "Is Converted", BOOLEAN, 0, RO),
};

#define TABLE(t) t, sizeof(t) / sizeof((t)[0])

/* What the API may do with these: everything but merging, which only
 * Lead, Contact, Account and Case allow. */
#define WRITABLE                                                               \
    (OBJ_CREATEABLE | OBJ_UPDATEABLE | OBJ_DELETABLE | OBJ_SEARCHABLE |        \
     OBJ_REPLICATEABLE | OBJ_LAYOUTABLE | OBJ_TRIGGERABLE)

static const struct schema_row rows[] = {
    {"Opportunity", "Opportunity", "Opportunities", "006",
     WRITABLE | OBJ_OWNED | OBJ_FEED, TABLE(opportunity_fields)},
    {"Task", "Task", "Tasks", "00T", WRITABLE | OBJ_OWNED, TABLE(task_fields)},
    {"Event", "Event", "Events", "00U", WRITABLE | OBJ_OWNED,
     TABLE(event_fields)},
    {"Campaign", "Campaign", "Campaigns", "701",
     WRITABLE | OBJ_OWNED | OBJ_FEED, TABLE(campaign_fields)},
    {"CampaignMember", "Campaign Member", "Campaign Members", "00v",
     WRITABLE & ~OBJ_SEARCHABLE, TABLE(campaign_member_fields)},
    {"Case", "Case", "Cases", "500",
     WRITABLE | OBJ_OWNED | OBJ_FEED | OBJ_MERGEABLE, TABLE(case_fields)},
    {"RecordType", "Record Type", "Record Types", "012",
     OBJ_FROM_ORG | OBJ_REPLICATEABLE, TABLE(record_type_fields)},
    {"LeadStatus", "Lead Status Value", "Lead Status Values", "01J",
     OBJ_FROM_ORG | OBJ_REPLICATEABLE, TABLE(lead_status_fields)},
};

const struct schema_row *
objects_std_rows(size_t *n)
{
    *n = sizeof(rows) / sizeof(rows[0]);
    return rows;
}
