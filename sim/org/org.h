/*
 * org.h - the simulated org's configuration.
 *
 * An org is read from a JSON file (--org FILE, PUT /__sim/org) or is the
 * built-in default org, which is itself a JSON text run through the same
 * loader. Loading is strict: unknown keys, wrong types and bad values are
 * rejected with "label:line:column: path: what is wrong". The README's
 * "Org config" section documents every key.
 *
 * An org is immutable once loaded; replacing it builds a new one.
 */
#ifndef SIM_ORG_H
#define SIM_ORG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "fieldtype.h"
#include "sfid.h"

/* Bulk API settings: defaults and caps (README "Bulk API 2.0"). */
#define ORG_BULK_RATE 1000            /* ingest rows a simulated second */
#define ORG_BULK_QUERY_RATE 10000     /* query rows a simulated second */
#define ORG_BULK_MAX_RATE 1000000     /* either; keeps rate * time in 64 bits */
#define ORG_BULK_MAX_UPLOAD 117964800 /* 150 MB of base64, decoded */

enum edition {
    EDITION_ESSENTIALS,
    EDITION_PROFESSIONAL,
    EDITION_ENTERPRISE,
    EDITION_UNLIMITED,
    EDITION_PERFORMANCE,
    EDITION_DEVELOPER,
    EDITION_COUNT
};

enum w2l_over_limit {
    W2L_OVER_DROP,  /* past the daily limit: silently dropped (the seed) */
    W2L_OVER_QUEUE, /* Salesforce's pending queue, released later */
};

enum refresh_policy {
    REFRESH_UNTIL_REVOKED,
    REFRESH_EXPIRE_AFTER, /* refresh_token_ttl_seconds after issue */
    REFRESH_EXPIRE_IDLE,  /* refresh_token_ttl_seconds after last use */
    REFRESH_IMMEDIATELY,  /* no usable refresh token */
};

/*
 * A custom field of Lead, Contact or Account, or of User (what $User.X__c
 * reads; the sim has no User records to write). A name ending in __pc is
 * a Person Account field of Account (FIELD_PERSON). A formula field has a
 * formula, is read-only and is computed when a rule reads it.
 */
struct org_field {
    char *object, *name, *label, *id; /* id: 15-char 00N..., or NULL */
    enum fieldtype type;
    int length, precision, scale;
    unsigned flags; /* fieldtype.h FIELD_* */
    char *default_value;
    char **values; /* picklist values, NULL-terminated, or NULL */
    /* Lookup and master-detail fields (type FT_REFERENCE): the object
     * referred to and the child relationship name without "__r" (the
     * parent's list of these records), or NULL. */
    char *reference_to, *relationship_name;
    char *formula;     /* a formula field's formula, or NULL */
    char *description; /* or NULL */
};

/*
 * A record type: of Lead, Contact or Account (the root's "record_types":
 * RecordType.DeveloperName, $RecordType.Name in formulas; object set), or
 * of a custom object (org_objects.c; object NULL).
 */
struct org_record_type {
    char *object; /* or NULL: the custom object's own */
    char *developer_name, *label;
    char id[SFID_LEN15 + 1]; /* 012... */
    int is_default, active;
    char *description; /* or NULL */
};

/* A custom object (org_objects.c): "custom_objects" in the org file. */
struct org_object {
    char *name, *label, *label_plural; /* name ends in __c */
    char prefix[4];                    /* key prefix, given or generated */
    char *name_label;                  /* the Name field's label */
    int autonumber;                    /* Name is an auto number */
    char *display_format;              /* "INV-{0000}" when autonumber */
    int64_t starting_number;
    char *description;        /* or NULL */
    struct org_field *fields; /* object == name */
    size_t nfields;
    struct org_record_type *record_types;
    size_t nrecord_types;
};

/* A standard field that exists only with a feature (multiple currencies,
 * ...): custom_fields may declare it, of this type. */
struct org_optional_field {
    const char *object; /* NULL: Lead, Contact and Account */
    const char *name;
    enum fieldtype type;
};
/* The optional standard field name of object, or NULL. */
const struct org_optional_field *org_optional_field(const char *object,
                                                    const char *name);

struct org_user {
    char *username, *password, *email, *first_name, *last_name;
    char *profile;           /* the Profile's name */
    char id[SFID_LEN15 + 1]; /* 005... */
    int api_enabled;
    int active;           /* an inactive user cannot log in */
    char *security_token; /* appended to the password to log in, or NULL */
    /* What formulas read of the user ($User, $Profile, $UserRole,
     * $Permission, $Setup): */
    char profile_id[SFID_LEN15 + 1]; /* 00e..., given or derived */
    char *role;                      /* the UserRole's name, or NULL */
    char role_id[SFID_LEN15 + 1];    /* 00E..., or "" without a role */
    char **permissions;              /* custom permissions held, or NULL */
    json_t *fields; /* other User fields: {"Department": "Sales", ...} */
};

/* The profiles every org has; a user's profile names one of these or any
 * other name (orgrecords.h makes a Profile record of each). */
#define ORG_PROFILE_ADMIN "System Administrator"
#define ORG_PROFILE_STANDARD "Standard User"
#define ORG_INSTANCE_NAME_MAX 16

struct org_app {
    char *name, *client_id, *client_secret;
    char *run_as; /* username for client_credentials, or NULL */
    enum refresh_policy refresh_policy;
    int64_t refresh_ttl_s;
    char *certificate;     /* PEM X.509 (RSA) for the JWT bearer grant */
    int self_authorize;    /* "all_users" may self-authorize (else admin
                              approved users are pre-authorized) */
    char **approved_users; /* NULL-terminated usernames; NULL: everyone */
};

/* One "from -> to" pair: an input variable or JSON path -> a field. */
struct org_mapping {
    char *from, *to;
};

enum flow_creates {
    FLOW_CREATES_LEAD,
    FLOW_CREATES_CONTACT_ACCOUNT, /* an Account, then a Contact in it */
    FLOW_CREATES_PERSON_ACCOUNT,
    FLOW_CREATES_OBJECT, /* one record of org_flow.object */
};

/* An autolaunched flow callable at /actions/custom/flow/{api_name}. */
struct org_flow {
    char *api_name, *label;
    int active;
    enum flow_creates creates;
    char *object; /* what it creates, spelled as the schema does: Lead,
                     Contact (CONTACT_ACCOUNT), Account (PERSON_ACCOUNT),
                     or the OBJECT's name */
    struct org_mapping *inputs; /* input variable -> field of the record */
    size_t ninputs;
    struct org_mapping *account_inputs; /* -> Account (CONTACT_ACCOUNT) */
    size_t naccount_inputs;
    char *output_id;         /* output variable set to the new record's id */
    char *output_account_id; /* ... and to the Account's (CONTACT_ACCOUNT) */
};

/* An Apex REST endpoint at /services/apexrest/{url_mapping}. */
struct org_apex {
    char *url_mapping; /* e.g. "/leads/x": a trailing "*" matches the rest */
    char *class_name, *method_name; /* for APEX_ERROR stack lines */
    unsigned methods;               /* route.h METHOD_BIT set */
    char *object; /* what it creates, spelled as the schema does */
    struct org_mapping *mapping; /* JSON body path -> field */
    size_t nmapping;
    int success_status;
    json_t *success_body; /* template; "{{id}}" becomes the record id */
    int handled_errors;   /* 1: answer 400 JSON instead of APEX_ERROR */
};

/*
 * Validation rules, matching rules and duplicate rules (README "Org
 * config"); loaded by org_rules.c, compiled into org->rules by rules.c.
 */
struct org_vrule {
    char *object, *name;
    int active;
    char *formula; /* the error condition: TRUE rejects the record */
    char *message;
    char *error_field; /* NULL: shown at the top of the page ("fields":[]) */
    char *description; /* or NULL */
};

/*
 * X(enum suffix, config name): how a matching rule compares one field.
 * The last six are Salesforce's fuzzy matching methods by name
 * (FirstName, LastName, City, Street, Zip, Title; CompanyName is
 * "company"), approximated as README "Fidelity notes" says.
 */
#define MATCH_KIND_LIST(X)                                                     \
    X(EXACT, "exact")                                                          \
    X(CASE_INSENSITIVE, "case_insensitive")                                    \
    X(EMAIL, "email")                                                          \
    X(PHONE, "phone")                                                          \
    X(NAME, "name")                                                            \
    X(COMPANY, "company")                                                      \
    X(FIRST_NAME, "first_name")                                                \
    X(LAST_NAME, "last_name")                                                  \
    X(CITY, "city")                                                            \
    X(STREET, "street")                                                        \
    X(ZIP, "zip")                                                              \
    X(TITLE, "title")

enum match_kind {
#define MATCH_KIND_ENUM(e, s) MATCH_##e,
    MATCH_KIND_LIST(MATCH_KIND_ENUM)
#undef MATCH_KIND_ENUM
        MATCH_KIND_COUNT
};

struct org_match_field {
    char *field;
    enum match_kind kind;
    int match_blanks; /* blank matches blank (Salesforce MatchBlanks); 0:
                         a blank never matches (NullNotAllowed) */
};

/* A matching rule: records of object whose fields all match, or that
 * satisfy boolean_filter ("1 OR (2 AND 3)", numbering the fields). */
struct org_mrule {
    char *name, *object;
    struct org_match_field *fields;
    size_t nfields;
    char *boolean_filter; /* or NULL: every field */
    char *description;    /* or NULL */
};

enum dup_action {
    DUP_ALLOW,       /* save; the match is only reported */
    DUP_ALLOW_ALERT, /* API: refused until allowSave=true; W2L: blocked */
    DUP_BLOCK,       /* never saved */
};

/*
 * One matching rule a duplicate rule uses: compared with the records of
 * object (NULL: the duplicate rule's match_against, else the matching
 * rule's own object), the record's fields mapped onto the matching rule's
 * (NULL: by API name).
 */
struct org_drule_match {
    char *rule;
    char *object;
    struct org_mapping *mapping; /* from: record's field, to: rule's */
    size_t nmapping;
};

struct org_drule {
    char *name, *object;
    int active;
    struct org_drule_match *matches; /* the matching rules it uses */
    size_t nmatches;
    char **match_against; /* objects compared with, or NULL: each
                             matching rule's own object */
    char *conditions;     /* a formula, or NULL: always applies */
    enum dup_action on_create, on_edit;
    char *alert_text;
    char *description; /* or NULL */
};

/* A hierarchy custom setting ($Setup.Name__c.Field__c): its fields, and
 * values for the whole org, per profile and per user (the most specific
 * one that sets a field wins, as in Salesforce). */
struct org_setting {
    char *name;
    struct org_field *fields; /* object = name */
    size_t nfields;
    json_t *values;   /* {"Field__c": value} */
    json_t *profiles; /* {"Profile name": {"Field__c": value}} */
    json_t *users;    /* {"username": {"Field__c": value}} */
};

/* A custom label ($Label.Name). */
struct org_label {
    char *name, *value;
};

/* A custom metadata record ($CustomMetadata.Type__mdt.Record.Field__c):
 * values by field; types names the type of fields a JSON value cannot say
 * (a date, a null), the others read as their JSON type. */
struct org_cmdt {
    char *type, *record;
    json_t *values; /* {"Field__c": value} */
    json_t *types;  /* {"Field__c": "date"}, or NULL */
};

struct rules;

struct org {
    char *name;
    enum edition edition;
    char org_id[SFID_LEN15 + 1];
    /* What the Organization record says (the CLI reads it). */
    char instance_name[ORG_INSTANCE_NAME_MAX + 1];
    int sandbox;
    int64_t trial_expiration_ms; /* -1: none */
    int64_t clock_start_ms;      /* -1: the real time */
    int clock_frozen;
    struct {
        int enabled;
        int64_t daily_limit;
        enum w2l_over_limit over_limit;
        int64_t queue_limit;
        int recaptcha_required;
        char **recaptcha_tokens; /* NULL-terminated test tokens */
        char *default_lead_source;
        char *return_url; /* used when a post has no retURL */
        char *lead_creator;
    } w2l;
    int64_t session_timeout_s;
    /* Bulk API (README "Bulk API 2.0"): how fast jobs run on the
     * simulated clock, the upload cap and the daily allocations. */
    struct {
        int64_t records_per_second;       /* ingest rows */
        int64_t query_records_per_second; /* query result rows */
        int64_t max_upload_bytes;         /* one PUT of job data */
        int64_t daily_batches;            /* DailyBulkApiBatches */
        int64_t daily_query_jobs;         /* DailyBulkV2QueryJobs */
    } bulk;
    int person_accounts;
    int api_enabled; /* from the edition unless the file says */
    int64_t licenses;
    int64_t api_daily_limit; /* derived from edition and licences */
    struct org_field *custom_fields;
    size_t ncustom_fields;
    struct org_object *custom_objects;
    size_t ncustom_objects;
    struct org_user *users;
    size_t nusers;
    struct org_app *apps;
    size_t napps;
    struct org_flow *flows;
    size_t nflows;
    struct org_apex *apex;
    size_t napex;
    struct org_vrule *vrules;
    size_t nvrules;
    struct org_mrule *mrules;
    size_t nmrules;
    struct org_drule *drules;
    size_t ndrules;
    /* What formulas read beyond the record (org_formula.c): */
    struct org_record_type *record_types;
    size_t nrecord_types;
    struct org_setting *settings;
    size_t nsettings;
    char **custom_permissions; /* declared names, NULL-terminated, or NULL */
    struct org_label *labels;
    size_t nlabels;
    struct org_cmdt *cmdt;
    size_t ncmdt;
    struct rules *rules; /* compiled from the rules above; owned */
    char *my_domain;     /* "https://x.my.salesforce.com", or NULL */
};

/* Caller frees with org_free(). NULL (and err set) on any error. */
struct org *org_default(void);
struct org *org_load_file(const char *path, struct sf_err *err);
/* label names the text in messages (a file name, or "body"). A password
 * or client secret written as ORG_SECRET_MARK is an error here. */
struct org *org_load_buf(const char *label, const char *text, size_t len,
                         struct sf_err *err);
/*
 * org_load_buf() for PUT /__sim/org: a password or client secret written
 * as ORG_SECRET_MARK (as org_json_redact() left it) keeps the one current
 * has for the same username or client_id; an error when it has none.
 */
struct org *org_load_update(const char *label, const char *text, size_t len,
                            const struct org *current, struct sf_err *err);
void org_free(struct org *o);

/* The effective configuration, defaults filled in, secrets included; a
 * new reference that org_load_buf() accepts back unchanged. */
json_t *org_to_json(const struct org *o);
/* What GET /__sim/org shows by default: every user's password and
 * security token and every connected app's client_secret in j
 * (org_to_json's) become the mark. */
#define ORG_SECRET_MARK "[redacted]"
void org_json_redact(json_t *j);

const char *edition_name(enum edition e);
/* Organization.OrganizationType of an edition ("Enterprise Edition"). */
const char *edition_organization_type(enum edition e);
/* Default Web-to-Lead daily limit of an edition. */
int64_t edition_w2l_limit(enum edition e);

const struct org_user *org_user_find(const struct org *o, const char *username);
/* The id of profile name (orgrecords.h's Profile record, $Profile.Id): the
 * profile_id its users give, else 00e and the profile's place among System
 * Administrator, Standard User and the users' other profiles in
 * first-mention order, from 1 (a name no user has: derived from it). */
void org_profile_id(const struct org *o, const char *name,
                    char out[SFID_LEN15 + 1]);

/* A password as a login sends it, against the user's (org_logins.c). */
enum org_password {
    ORG_PASSWORD_OK,       /* the password, then the token if the user has
                              one */
    ORG_PASSWORD_BAD,      /* anything else */
    ORG_PASSWORD_NO_TOKEN, /* the right password without the user's token */
};
enum org_password org_user_password(const struct org_user *u,
                                    const char *given);
/* Whether username is among the app's approved users (every user when
 * the app names none). */
int org_app_approved(const struct org_app *a, const char *username);
const struct org_app *org_app_find(const struct org *o, const char *client_id);
/* The user with that 15- or 18-character id; NULL when unknown. */
const struct org_user *org_user_by_id(const struct org *o, const char *id);
/* The custom field of object (case-insensitive), a custom object's own
 * fields included; NULL when none. */
const struct org_field *org_field_find(const struct org *o, const char *object,
                                       const char *name);
/* A custom object by API name (case-insensitive); NULL when unknown. */
const struct org_object *org_object_find(const struct org *o, const char *name);
/* An exact flow API name; NULL when unknown. */
const struct org_flow *org_flow_find(const struct org *o, const char *api_name);

#endif
