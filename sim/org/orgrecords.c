/*
 * orgrecords.c - the User, Profile and Organization records of an org
 * (see orgrecords.h).
 *
 * Each object's record is a table of rows, field -> where its value comes
 * from: a constant, or something of the org, the user or the profile the
 * record is made for. A field the object lacks is skipped, so the tables
 * and the schema's field tables can grow apart without harm.
 */
#include "orgrecords.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "leadstatus.h"
#include "objects_std.h"
#include "org.h"
#include "schema.h"
#include "sfid.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define ALIAS_MAX 8
#define NICKNAME_MAX 40

/* Where a value comes from. */
enum src {
    SRC_CONST,
    SRC_ORG_NAME,
    SRC_INSTANCE,
    SRC_SANDBOX,
    SRC_TRIAL,
    SRC_ORG_TYPE,
    SRC_ADMIN_ID, /* the org's first user: who "created" everything */
    SRC_ADMIN_NAME,
    SRC_USERNAME,
    SRC_FIRST_NAME,
    SRC_LAST_NAME,
    SRC_EMAIL,
    SRC_ACTIVE,
    SRC_ALIAS,
    SRC_NICKNAME,
    SRC_PROFILE_ID,
    SRC_PROFILE_NAME,
    SRC_PROFILE_ADMIN, /* "true" for System Administrator */
    SRC_COUNT
};

struct row {
    const char *field;
    enum src src;
    const char *text; /* SRC_CONST */
};

#define AUDIT                                                                  \
    {"CreatedById", SRC_ADMIN_ID, NULL},                                       \
    {                                                                          \
        "LastModifiedById", SRC_ADMIN_ID, NULL                                 \
    }

static const struct row user_rows[] = {
    {"Username", SRC_USERNAME, NULL},
    {"FirstName", SRC_FIRST_NAME, NULL},
    {"LastName", SRC_LAST_NAME, NULL},
    {"CompanyName", SRC_ORG_NAME, NULL},
    {"Email", SRC_EMAIL, NULL},
    {"Alias", SRC_ALIAS, NULL},
    {"CommunityNickname", SRC_NICKNAME, NULL},
    {"IsActive", SRC_ACTIVE, NULL},
    {"TimeZoneSidKey", SRC_CONST, "America/Los_Angeles"},
    {"LocaleSidKey", SRC_CONST, "en_US"},
    {"EmailEncodingKey", SRC_CONST, "UTF-8"},
    {"LanguageLocaleKey", SRC_CONST, "en_US"},
    {"ProfileId", SRC_PROFILE_ID, NULL},
    {"UserType", SRC_CONST, "Standard"},
    AUDIT,
};

static const struct row profile_rows[] = {
    {"Name", SRC_PROFILE_NAME, NULL},
    {"PermissionsApiEnabled", SRC_CONST, "true"},
    {"PermissionsModifyAllData", SRC_PROFILE_ADMIN, NULL},
    {"PermissionsViewAllData", SRC_PROFILE_ADMIN, NULL},
    {"UserType", SRC_CONST, "Standard"},
    AUDIT,
};

static const struct row organization_rows[] = {
    {"Name", SRC_ORG_NAME, NULL},
    {"PrimaryContact", SRC_ADMIN_NAME, NULL},
    {"DefaultLocaleSidKey", SRC_CONST, "en_US"},
    {"TimeZoneSidKey", SRC_CONST, "America/Los_Angeles"},
    {"LanguageLocaleKey", SRC_CONST, "en_US"},
    {"FiscalYearStartMonth", SRC_CONST, "1"},
    {"UsesStartDateAsFiscalYearName", SRC_CONST, "false"},
    {"InstanceName", SRC_INSTANCE, NULL},
    {"IsSandbox", SRC_SANDBOX, NULL},
    {"TrialExpirationDate", SRC_TRIAL, NULL},
    {"OrganizationType", SRC_ORG_TYPE, NULL},
    {"IsReadOnly", SRC_CONST, "false"},
    AUDIT,
};

/* What one record is made for. */
struct subject {
    const struct org *org;
    const struct schema *schema;
    const char **profiles; /* every profile name, each once */
    size_t nprofiles;
    const struct org_user *user;      /* User */
    const char *profile;              /* Profile */
    char buf[SRC_COUNT][TIMEFMT_LEN]; /* values made here: one per source,
                                         all alive until stored */
};

static const char *
admin_name(const struct subject *s, char *out, size_t n)
{
    const struct org_user *u = s->org->nusers > 0 ? &s->org->users[0] : NULL;

    if (u == NULL)
        return NULL;
    snprintf(out, n, "%s%s%s", u->first_name ? u->first_name : "",
             u->first_name ? " " : "", u->last_name);
    return out;
}

/* Salesforce's default alias: the first letter of the first name and the
 * first four of the last, lower case. */
static const char *
alias_of(const struct org_user *u, char *out)
{
    size_t n = 0, i;

    if (u->first_name != NULL && u->first_name[0] != '\0')
        out[n++] = u->first_name[0];
    for (i = 0; u->last_name[i] != '\0' && i < 4 && n < ALIAS_MAX; i++)
        out[n++] = u->last_name[i];
    out[n] = '\0';
    for (i = 0; i < n; i++)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] = (char)(out[i] - 'A' + 'a');
    return out;
}

/* The username's local part, as Salesforce's default nickname. */
static const char *
nickname_of(const struct org_user *u, char *out)
{
    size_t n = strcspn(u->username, "@");

    n = n < NICKNAME_MAX ? n : NICKNAME_MAX;
    memcpy(out, u->username, n);
    out[n] = '\0';
    return out;
}

static const char *
id18_of(const char *id15, char *out)
{
    sfid_to18(id15, out);
    return out;
}

/* The id of profile name (org.h's org_profile_id). */
static int
profile_id(const struct subject *s, const char *name, char id15[16])
{
    org_profile_id(s->org, name, id15);
    return 0;
}

/* The value of row for s (borrowed from s, its org or the row), or NULL. */
static const char *
row_value(struct subject *s, const struct row *r)
{
    const struct org *o = s->org;
    char id15[SFID_LEN15 + 1], *buf = s->buf[r->src];

    switch (r->src) {
    case SRC_CONST: return r->text;
    case SRC_ORG_NAME: return o->name;
    case SRC_INSTANCE: return o->instance_name;
    case SRC_SANDBOX: return o->sandbox ? "true" : "false";
    case SRC_TRIAL:
        return o->trial_expiration_ms < 0
                   ? NULL
                   : timefmt_salesforce(o->trial_expiration_ms, buf);
    case SRC_ORG_TYPE: return edition_organization_type(o->edition);
    case SRC_ADMIN_ID:
        return o->nusers > 0 ? id18_of(o->users[0].id, buf) : NULL;
    case SRC_ADMIN_NAME: return admin_name(s, buf, TIMEFMT_LEN);
    case SRC_USERNAME: return s->user->username;
    case SRC_FIRST_NAME: return s->user->first_name;
    case SRC_LAST_NAME: return s->user->last_name;
    case SRC_EMAIL: return s->user->email;
    case SRC_ACTIVE: return s->user->active ? "true" : "false";
    case SRC_ALIAS: return alias_of(s->user, buf);
    case SRC_NICKNAME: return nickname_of(s->user, buf);
    case SRC_PROFILE_ID:
        if (profile_id(s, s->user->profile, id15) == -1)
            return NULL;
        return id18_of(id15, buf);
    case SRC_PROFILE_NAME: return s->profile;
    case SRC_PROFILE_ADMIN:
        return strcmp(s->profile, ORG_PROFILE_ADMIN) == 0 ? "true" : "false";
    case SRC_COUNT: break;
    }
    return NULL;
}

/* Makes one record of obj with id15 from rows[0..n). */
static void
make_record(struct store *store, const struct object_def *obj, const char *id15,
            const struct row *rows, size_t n, struct subject *s, int64_t now_ms)
{
    struct fieldvals fv = {0};
    const struct field_def *f;
    const char *v;
    size_t i;

    for (i = 0; i < n; i++) {
        if ((f = schema_field(obj, rows[i].field)) == NULL ||
            (v = row_value(s, &rows[i])) == NULL)
            continue;
        fieldvals_set(&fv, f->interned, v, strlen(v));
    }
    store_insert_id(store, obj->store_index, id15, &fv, now_ms);
    fieldvals_free(&fv);
}

static int
collect(struct record *r, void *arg)
{
    struct record ***v = arg;

    *(*v)++ = r;
    return 0;
}

/* What a record made again keeps of the one it replaces: when it began. */
struct born {
    char id[SFID_LEN15 + 1];
    int64_t created_ms;
};

/* Frees every record of obj, live or deleted, noting when each was made
 * (*born, caller frees; *nborn of them). */
static void
drop_all(struct store *store, const struct object_def *obj, struct born **born,
         size_t *nborn)
{
    size_t n = store_count(store, obj->store_index) +
               store_count_deleted(store, obj->store_index);
    struct record **all = xreallocarray(NULL, n + 1, sizeof(*all)), **end = all;
    size_t i;

    store_foreach_any(store, obj->store_index, collect, &end);
    *nborn = (size_t)(end - all);
    *born = xreallocarray(NULL, *nborn + 1, sizeof(**born));
    for (i = 0; i < *nborn; i++) {
        memcpy((*born)[i].id, all[i]->id, sizeof((*born)[i].id));
        (*born)[i].created_ms = all[i]->created_ms;
        store_delete(store, all[i]);
    }
    free(all);
}

/* The records of obj made again keep their CreatedDate (an org replaced
 * by PUT /__sim/org keeps its users' and its own). */
static void
keep_born(struct store *store, const struct born *born, size_t n)
{
    struct record *r;
    size_t i;

    for (i = 0; i < n; i++)
        if ((r = store_get(store, born[i].id)) != NULL &&
            born[i].created_ms < r->created_ms)
            r->created_ms = born[i].created_ms;
}

#define ROWS(t) t, sizeof(t) / sizeof((t)[0])

static void
make_users(struct subject *s, const struct object_def *obj, struct store *store,
           int64_t now_ms)
{
    size_t i;

    for (i = 0; i < s->org->nusers; i++) {
        s->user = &s->org->users[i];
        make_record(store, obj, s->user->id, ROWS(user_rows), s, now_ms);
    }
}

static void
make_profiles(struct subject *s, const struct object_def *obj,
              struct store *store, int64_t now_ms)
{
    char id15[SFID_LEN15 + 1];
    size_t i;

    for (i = 0; i < s->nprofiles; i++) {
        s->profile = s->profiles[i];
        if (profile_id(s, s->profile, id15) == 0)
            make_record(store, obj, id15, ROWS(profile_rows), s, now_ms);
    }
}

static void
make_organization(struct subject *s, const struct object_def *obj,
                  struct store *store, int64_t now_ms)
{
    make_record(store, obj, s->org->org_id, ROWS(organization_rows), s, now_ms);
}

/* Sets field name of obj in fv (v borrowed), when obj has it. */
static void
set_value(const struct object_def *obj, struct fieldvals *fv, const char *name,
          const char *v)
{
    const struct field_def *f = schema_field(obj, name);

    if (f != NULL && v != NULL)
        fieldvals_set(fv, f->interned, v, strlen(v));
}

static void
make_record_type(const struct object_def *obj, struct store *store,
                 const struct org_record_type *rt, const char *sobject,
                 int person, int64_t now_ms)
{
    struct fieldvals fv = {0};

    set_value(obj, &fv, "Name", rt->label);
    set_value(obj, &fv, "DeveloperName", rt->developer_name);
    set_value(obj, &fv, "Description", rt->description);
    set_value(obj, &fv, "SobjectType", sobject);
    set_value(obj, &fv, "IsActive", rt->active ? "true" : "false");
    set_value(obj, &fv, "IsPersonType", person ? "true" : "false");
    store_insert_id(store, obj->store_index, rt->id, &fv, now_ms);
    fieldvals_free(&fv);
}

/* The org's record types (of Lead, Contact, Account; of its custom
 * objects), and a Person Account org's two Account ones. Master is no
 * record, as in Salesforce. */
static void
make_record_types(struct subject *s, const struct object_def *obj,
                  struct store *store, int64_t now_ms)
{
    static const struct org_record_type person_rts[] = {
        {NULL, (char *)"Business_Account", (char *)"Business Account",
         PERSON_RT_BUSINESS, 1, 1, NULL},
        {NULL, (char *)"PersonAccount", (char *)"Person Account",
         PERSON_RT_PERSON, 0, 1, NULL},
    };
    const struct org *o = s->org;
    size_t i, k;

    for (i = 0; i < o->nrecord_types; i++)
        make_record_type(obj, store, &o->record_types[i],
                         o->record_types[i].object, 0, now_ms);
    for (i = 0; i < o->ncustom_objects; i++)
        for (k = 0; k < o->custom_objects[i].nrecord_types; k++)
            make_record_type(obj, store, &o->custom_objects[i].record_types[k],
                             o->custom_objects[i].name, 0, now_ms);
    for (i = 0; o->person_accounts && i < 2; i++)
        make_record_type(obj, store, &person_rts[i], "Account", i == 1, now_ms);
}

/* One LeadStatus per Lead Status value, in the picklist's order. */
static void
make_lead_statuses(struct subject *s, const struct object_def *obj,
                   struct store *store, int64_t now_ms)
{
    const struct object_def *lead = schema_object(s->schema, "Lead");
    const struct field_def *f =
        lead != NULL ? schema_field(lead, "Status") : NULL;
    char id15[SFID_LEN15 + 1], order[16];
    size_t i;

    for (i = 0; f != NULL && f->values != NULL && f->values[i] != NULL; i++) {
        struct fieldvals fv = {0};
        const char *v = f->values[i];

        snprintf(id15, sizeof(id15), "01J%012zu", i + 1);
        snprintf(order, sizeof(order), "%zu", i + 1);
        set_value(obj, &fv, "MasterLabel", v);
        set_value(obj, &fv, "ApiName", v);
        set_value(obj, &fv, "SortOrder", order);
        set_value(obj, &fv, "IsDefault",
                  f->default_value != NULL && strcmp(f->default_value, v) == 0
                      ? "true"
                      : "false");
        set_value(obj, &fv, "IsConverted",
                  leadstatus_is_converted(v) ? "true" : "false");
        store_insert_id(store, obj->store_index, id15, &fv, now_ms);
        fieldvals_free(&fv);
    }
}

/* Which records each object gets. */
static const struct {
    const char *object;
    void (*make)(struct subject *, const struct object_def *, struct store *,
                 int64_t);
} makers[] = {
    {"User", make_users},
    {"Profile", make_profiles},
    {"Organization", make_organization},
    {"RecordType", make_record_types},
    {"LeadStatus", make_lead_statuses},
};

/* System Administrator, Standard User, then the users' other profiles,
 * each at its first mention. */
static void
list_profiles(struct subject *s)
{
    size_t u, k;

    s->profiles = xreallocarray(NULL, s->org->nusers + 2, sizeof(char *));
    s->profiles[0] = ORG_PROFILE_ADMIN;
    s->profiles[1] = ORG_PROFILE_STANDARD;
    s->nprofiles = 2;
    for (u = 0; u < s->org->nusers; u++) {
        const char *name = s->org->users[u].profile;

        for (k = 0; k < s->nprofiles && strcmp(s->profiles[k], name) != 0; k++)
            ;
        if (k == s->nprofiles)
            s->profiles[s->nprofiles++] = name;
    }
}

void
orgrecords_load(const struct org *org, const struct schema *schema,
                struct store *store, int64_t now_ms)
{
    struct subject *s = xcalloc(1, sizeof(*s));
    const struct object_def *obj;
    struct born *born;
    size_t i, nborn;

    s->org = org;
    s->schema = schema;
    list_profiles(s);
    for (i = 0; i < sizeof(makers) / sizeof(makers[0]); i++) {
        if ((obj = schema_object(schema, makers[i].object)) == NULL ||
            !(obj->flags & OBJ_FROM_ORG))
            continue;
        drop_all(store, obj, &born, &nborn);
        s->user = NULL;
        s->profile = NULL;
        makers[i].make(s, obj, store, now_ms);
        keep_born(store, born, nborn);
        free(born);
    }
    free(s->profiles);
    free(s);
}
