/*
 * rules_ref.c - names in rules' formulas: their types and values (see
 * rules_ref.h).
 *
 * A name is split at its dots into segments and walked: each segment but
 * the last follows a relationship from the current "place" (a record of a
 * schema object, a user, a profile, a role, a record type, a queue, the
 * organization) to the next; the last names a field there. One walk gives
 * the type (no record at hand: compile time) or the type and the value.
 * Places other than Lead, Contact and Account records are small tables
 * here: the sim has no User, Profile, UserRole, RecordType or Queue
 * records, only what the org file says of them.
 */
#include "rules_ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "formula.h"
#include "org.h"
#include "schema.h"
#include "sfid.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

/* Longest name walked (Salesforce's are far shorter). */
#define NAME_MAX 512
/* Salesforce's $System.OriginDateTime: the origin of date/times. */
#define ORIGIN_DATETIME "1900-01-01T00:00:00.000Z"

enum kind {
    K_RECORD, /* a Lead, Contact or Account (schema object) */
    K_USER,
    K_PROFILE,
    K_ROLE,
    K_RECORD_TYPE,
    K_QUEUE,
    K_ORG,
};

/* Where a walk is. have: a value walk holds the thing itself (else every
 * field there is null). */
struct place {
    enum kind kind;
    const struct object_def *obj; /* K_RECORD */
    struct rules_ref_rec rec;     /* K_RECORD */
    const struct org_user *user;  /* K_USER, K_PROFILE, K_ROLE */
    const struct org_record_type *rt;
    int have;
};

/* What a walk found: the type, and (a value walk) the value. */
struct found {
    enum fieldtype type;
    const char *value;
    size_t len;
};

struct walk {
    struct rules_ref_env *env; /* NULL: a type walk */
    const struct rules_ref_env *cenv;
    const struct rules_ref_rec *subject;
    int memo; /* the name is a formula's: env->memo may remember it */
};

/* Slots of a memo (a power of two). */
#define MEMO_SLOTS 256

struct memo_slot {
    const char *name;
    uint64_t obj; /* object_def uid; 0: empty */
    const struct field_def *f;
};

struct rules_ref_memo {
    struct memo_slot slot[MEMO_SLOTS];
};

/* ---- the memo -------------------------------------------------------------
 */

struct rules_ref_memo *
rules_ref_memo_new(void)
{
    return xcalloc(1, sizeof(struct rules_ref_memo));
}

void
rules_ref_memo_free(struct rules_ref_memo *m)
{
    free(m);
}

/* The slot of m for name's address and obj. */
static struct memo_slot *
memo_slot_of(struct rules_ref_memo *m, const struct object_def *obj,
             const char *name)
{
    uintptr_t k = (uintptr_t)name;

    return &m->slot[((k >> 3) ^ (k >> 11) ^ (uintptr_t)(obj->uid * 31)) &
                    (MEMO_SLOTS - 1)];
}

/* The field memo_field() keeps for name of obj, or NULL when it keeps
 * none (then name need not even be a plain field name). */
static const struct field_def *
memo_kept(struct rules_ref_memo *m, const struct object_def *obj,
          const char *name)
{
    struct memo_slot *slot = memo_slot_of(m, obj, name);

    return slot->name == name && slot->obj == obj->uid && obj->uid != 0
               ? slot->f
               : NULL;
}

/* schema_field(obj, name), remembered in m for name's address. */
static const struct field_def *
memo_field(struct rules_ref_memo *m, const struct object_def *obj,
           const char *name)
{
    struct memo_slot *slot = memo_slot_of(m, obj, name);
    const struct field_def *f;

    if ((f = memo_kept(m, obj, name)) != NULL)
        return f;
    if ((f = schema_field(obj, name)) != NULL && obj->uid != 0) {
        slot->name = name;
        slot->obj = obj->uid;
        slot->f = f;
    }
    return f;
}

/* ---- scratch ------------------------------------------------------------- */

/* Takes s (a new string) into env's scratch; NULL past the byte cap. */
static const char *
keep(struct rules_ref_env *env, char *s)
{
    size_t n = strlen(s);

    if (n > RULES_REF_MAX_BYTES - env->bytes) {
        free(s);
        return NULL;
    }
    env->bytes += n;
    if (env->nscratch == env->capscratch) {
        env->capscratch = env->capscratch ? env->capscratch * 2 : 8;
        env->scratch =
            xreallocarray(env->scratch, env->capscratch, sizeof(char *));
    }
    env->scratch[env->nscratch++] = s;
    return s;
}

void
rules_ref_env_done(struct rules_ref_env *env)
{
    size_t i;

    for (i = 0; i < env->nscratch; i++)
        free(env->scratch[i]);
    free(env->scratch);
    env->scratch = NULL;
    env->nscratch = env->capscratch = env->bytes = 0;
    env->depth = 0;
}

static void
found_text(struct found *out, const char *s)
{
    out->value = s != NULL && *s != '\0' ? s : NULL;
    out->len = out->value != NULL ? strlen(s) : 0;
}

/* An id as its 18 characters, in scratch. */
static void
found_id(struct walk *w, struct found *out, const char *id15)
{
    char id18[SFID_LEN18 + 1];

    if (w->env == NULL || id15 == NULL || id15[0] == '\0')
        return;
    sfid_to18(id15, id18);
    found_text(out, keep(w->env, xstrdup(id18)));
}

/* A JSON scalar as a record value: booleans "true"/"false", numbers in
 * full, strings as they are; null is null. */
static void
found_json(struct walk *w, struct found *out, json_t *v)
{
    if (w->env == NULL || v == NULL || json_is_null(v))
        return;
    if (json_is_string(v))
        found_text(out, json_string_value(v));
    else if (json_is_boolean(v))
        found_text(out, json_is_true(v) ? "true" : "false");
    else if (json_is_integer(v))
        found_text(
            out,
            keep(w->env, xasprintf("%lld", (long long)json_integer_value(v))));
    else if (json_is_real(v))
        found_text(out, keep(w->env, xasprintf("%.17g", json_real_value(v))));
}

/* The type a JSON value reads as when nothing declares one. */
static enum fieldtype
scalar_type(json_t *v)
{
    if (json_is_boolean(v))
        return FT_BOOLEAN;
    if (json_is_number(v))
        return FT_DOUBLE;
    return FT_STRING;
}

/* json's member called name, case-insensitively. */
static json_t *
json_get_ci(json_t *obj, const char *name)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v) {
        if (strcasecmp(key, name) == 0)
            return v;
    }
    return NULL;
}

/* ---- records --------------------------------------------------------------
 */

static const struct rules_ref_formula *
formula_of(const struct rules_ref_env *env, const char *object,
           const char *field)
{
    size_t i;

    for (i = 0; i < env->nformulas; i++)
        if (strcasecmp(env->formulas[i].object, object) == 0 &&
            strcasecmp(env->formulas[i].field, field) == 0)
            return &env->formulas[i];
    return NULL;
}

/* A formula field's value on rec, computed (NULL on a runtime error, past
 * the nesting bound, or when null). */
static const char *
computed(struct rules_ref_env *env, const struct rules_ref_rec *rec,
         const struct rules_ref_formula *ff)
{
    struct rules_ref_arg arg;
    struct field_access fa;
    char *out = NULL;

    if (env->depth >= RULES_REF_MAX_DEPTH)
        return NULL;
    env->depth++;
    rules_ref_access(&fa, &arg, env, rec);
    if (formula_eval_text(ff->f, &fa, env->now_ms, ff->scale, &out, NULL) < 0)
        out = NULL;
    env->depth--;
    return out != NULL ? keep(env, out) : NULL;
}

/* The fields a record keeps outside its values: its id and dates. *handled
 * says whether f is one of them. */
static const char *
audit_value(struct walk *w, const struct rules_ref_rec *rec,
            const struct field_def *f, int *handled)
{
    struct found id = {FT_ID, NULL, 0};
    char iso[TIMEFMT_LEN];
    int64_t ms;

    *handled = 1;
    if (rec->record == NULL || w->env == NULL)
        return NULL;
    if (strcmp(f->name, "Id") == 0) {
        found_id(w, &id, rec->record->id);
        return id.value;
    }
    if (strcmp(f->name, "CreatedDate") == 0)
        ms = rec->record->created_ms;
    else if (strcmp(f->name, "LastModifiedDate") == 0 ||
             strcmp(f->name, "SystemModstamp") == 0)
        ms = rec->record->modified_ms;
    else {
        *handled = 0;
        return NULL;
    }
    return keep(w->env, xstrdup(timefmt_rfc3339(ms, iso)));
}

/* The value of field f on rec: the new values over the stored record. */
static const char *
record_field(struct walk *w, const struct rules_ref_rec *rec,
             const struct field_def *f, size_t *len)
{
    const struct fieldval *fv;
    const struct rules_ref_formula *ff;
    const char *v = NULL;
    int handled;

    *len = 0;
    if (rec == NULL)
        return NULL;
    if ((f->flags & FIELD_CUSTOM) && (f->flags & FIELD_READONLY) &&
        (ff = formula_of(w->cenv, rec->obj->name, f->name)) != NULL)
        v = computed(w->env, rec, ff);
    else if ((fv = rec->values != NULL ? fieldvals_get(rec->values, f->interned)
                                       : NULL) != NULL) {
        v = fv->value;
        *len = fv->len;
        return v != NULL && fv->len > 0 ? v : NULL;
    } else if (rec->record != NULL &&
               (v = record_value(rec->record, f->interned, len)) != NULL)
        return *len > 0 ? v : NULL;
    else
        v = audit_value(w, rec, f, &handled);
    *len = v != NULL ? strlen(v) : 0;
    return *len > 0 ? v : NULL;
}

/* ---- users, profiles, roles, record types, queues, the organization ----- */

/* What a field of a place that is not a record reads. */
enum vkey {
    V_ID,
    V_USERNAME,
    V_EMAIL,
    V_FIRST,
    V_LAST,
    V_NAME,
    V_ALIAS,
    V_NICK,
    V_ACTIVE,
    V_USER_TYPE,
    V_PROFILE_ID,
    V_ROLE_ID,
    V_PROFILE_NAME,
    V_ROLE_NAME,
    V_RT_NAME,
    V_RT_LABEL,
    V_RT_DESCR,
    V_RT_OBJECT,
    V_ORG_NAME,
    V_ORG_TYPE,
    V_FALSE,
    V_FIELDS, /* the user's "fields" in the org file */
    V_NULL,   /* a field the sim has no value for */
};

struct vfield {
    const char *name;
    enum fieldtype type;
    enum vkey key;
};

/* User's standard fields (Salesforce's object reference); those the org
 * file's users do not carry read from their "fields". */
static const struct vfield user_fields[] = {
    {"Id", FT_ID, V_ID},
    {"Username", FT_STRING, V_USERNAME},
    {"Email", FT_EMAIL, V_EMAIL},
    {"FirstName", FT_STRING, V_FIRST},
    {"LastName", FT_STRING, V_LAST},
    {"Name", FT_STRING, V_NAME},
    {"Alias", FT_STRING, V_ALIAS},
    {"CommunityNickname", FT_STRING, V_NICK},
    {"IsActive", FT_BOOLEAN, V_ACTIVE},
    {"UserType", FT_PICKLIST, V_USER_TYPE},
    {"ProfileId", FT_REFERENCE, V_PROFILE_ID},
    {"UserRoleId", FT_REFERENCE, V_ROLE_ID},
    {"CompanyName", FT_STRING, V_FIELDS},
    {"Division", FT_STRING, V_FIELDS},
    {"Department", FT_STRING, V_FIELDS},
    {"Title", FT_STRING, V_FIELDS},
    {"Street", FT_TEXTAREA, V_FIELDS},
    {"City", FT_STRING, V_FIELDS},
    {"State", FT_STRING, V_FIELDS},
    {"PostalCode", FT_STRING, V_FIELDS},
    {"Country", FT_STRING, V_FIELDS},
    {"Phone", FT_PHONE, V_FIELDS},
    {"MobilePhone", FT_PHONE, V_FIELDS},
    {"Fax", FT_PHONE, V_FIELDS},
    {"Extension", FT_PHONE, V_FIELDS},
    {"EmployeeNumber", FT_STRING, V_FIELDS},
    {"FederationIdentifier", FT_STRING, V_FIELDS},
    {"ManagerId", FT_REFERENCE, V_FIELDS},
    {"ContactId", FT_REFERENCE, V_FIELDS},
    {"AccountId", FT_REFERENCE, V_FIELDS},
    {"TimeZoneSidKey", FT_PICKLIST, V_FIELDS},
    {"LocaleSidKey", FT_PICKLIST, V_FIELDS},
    {"LanguageLocaleKey", FT_PICKLIST, V_FIELDS},
    {"EmailEncodingKey", FT_PICKLIST, V_FIELDS},
    {"LastLoginDate", FT_DATETIME, V_FIELDS},
    {"IsPortalEnabled", FT_BOOLEAN, V_FALSE},
    {NULL, FT_UNKNOWN, V_NULL},
};

static const struct vfield profile_fields[] = {
    {"Id", FT_ID, V_PROFILE_ID},
    {"Name", FT_STRING, V_PROFILE_NAME},
    {"UserType", FT_PICKLIST, V_USER_TYPE},
    {"UserLicenseId", FT_REFERENCE, V_NULL},
    {"Description", FT_STRING, V_NULL},
    {NULL, FT_UNKNOWN, V_NULL},
};

static const struct vfield role_fields[] = {
    {"Id", FT_ID, V_ROLE_ID},
    {"Name", FT_STRING, V_ROLE_NAME},
    {"DeveloperName", FT_STRING, V_ROLE_NAME},
    {"ParentRoleId", FT_REFERENCE, V_NULL},
    {"RollupDescription", FT_STRING, V_NULL},
    {"PortalType", FT_PICKLIST, V_NULL},
    {NULL, FT_UNKNOWN, V_NULL},
};

static const struct vfield record_type_fields[] = {
    {"Id", FT_ID, V_ID},
    {"Name", FT_STRING, V_RT_LABEL},
    {"DeveloperName", FT_STRING, V_RT_NAME},
    {"Description", FT_STRING, V_RT_DESCR},
    {"IsActive", FT_BOOLEAN, V_ACTIVE},
    {"SobjectType", FT_PICKLIST, V_RT_OBJECT},
    {"NamespacePrefix", FT_STRING, V_NULL},
    {"BusinessProcessId", FT_REFERENCE, V_NULL},
    {NULL, FT_UNKNOWN, V_NULL},
};

/* The sim has no queues: a record owned by one reads nothing of it. */
static const struct vfield queue_fields[] = {
    {"Id", FT_ID, V_NULL},
    {"Name", FT_STRING, V_NULL},
    {"DeveloperName", FT_STRING, V_NULL},
    {"Email", FT_EMAIL, V_NULL},
    {"Type", FT_PICKLIST, V_NULL},
    {NULL, FT_UNKNOWN, V_NULL},
};

static const struct vfield org_fields[] = {
    {"Id", FT_ID, V_ID},
    {"Name", FT_STRING, V_ORG_NAME},
    {"OrganizationType", FT_PICKLIST, V_ORG_TYPE},
    {"IsSandbox", FT_BOOLEAN, V_FALSE},
    {"Division", FT_STRING, V_NULL},
    {"Street", FT_TEXTAREA, V_NULL},
    {"City", FT_STRING, V_NULL},
    {"State", FT_STRING, V_NULL},
    {"PostalCode", FT_STRING, V_NULL},
    {"Country", FT_STRING, V_NULL},
    {"Phone", FT_PHONE, V_NULL},
    {"Fax", FT_PHONE, V_NULL},
    {"PrimaryContact", FT_STRING, V_NULL},
    {"DefaultLocaleSidKey", FT_PICKLIST, V_NULL},
    {"LanguageLocaleKey", FT_PICKLIST, V_NULL},
    {"TimeZoneSidKey", FT_PICKLIST, V_NULL},
    {"InstanceName", FT_STRING, V_NULL},
    {NULL, FT_UNKNOWN, V_NULL},
};

static const struct vfield *const vtables[] = {
    [K_RECORD] = NULL,
    [K_USER] = user_fields,
    [K_PROFILE] = profile_fields,
    [K_ROLE] = role_fields,
    [K_RECORD_TYPE] = record_type_fields,
    [K_QUEUE] = queue_fields,
    [K_ORG] = org_fields,
};

static const struct vfield *
vfield_find(const struct vfield *t, const char *name)
{
    for (; t != NULL && t->name != NULL; t++)
        if (strcasecmp(t->name, name) == 0)
            return t;
    return NULL;
}

/* Salesforce's default alias: the first letter of the first name and the
 * first four of the last name. */
static const char *
user_alias(struct walk *w, const struct org_user *u)
{
    char alias[16];

    snprintf(alias, sizeof(alias), "%.1s%.4s",
             u->first_name != NULL ? u->first_name : "", u->last_name);
    return keep(w->env, xstrdup(alias));
}

static const char *
user_name(struct walk *w, const struct org_user *u)
{
    if (u->first_name == NULL)
        return u->last_name;
    return keep(w->env, xasprintf("%s %s", u->first_name, u->last_name));
}

/* A user's value of a standard field the org file keeps elsewhere. */
static void
user_value(struct walk *w, const struct org_user *u, enum vkey key,
           const char *name, struct found *out)
{
    switch (key) {
    case V_ID: found_id(w, out, u->id); break;
    case V_USERNAME:
    case V_NICK: found_text(out, u->username); break;
    case V_EMAIL: found_text(out, u->email); break;
    case V_FIRST: found_text(out, u->first_name); break;
    case V_LAST: found_text(out, u->last_name); break;
    case V_NAME: found_text(out, user_name(w, u)); break;
    case V_ALIAS: found_text(out, user_alias(w, u)); break;
    case V_ACTIVE: found_text(out, "true"); break;
    case V_USER_TYPE: found_text(out, "Standard"); break;
    case V_PROFILE_ID: found_id(w, out, u->profile_id); break;
    case V_ROLE_ID: found_id(w, out, u->role_id); break;
    case V_PROFILE_NAME: found_text(out, u->profile); break;
    case V_ROLE_NAME: found_text(out, u->role); break;
    case V_FALSE: found_text(out, "false"); break;
    case V_FIELDS: found_json(w, out, json_get_ci(u->fields, name)); break;
    default: break;
    }
}

static void
vvalue(struct walk *w, const struct place *p, const struct vfield *vf,
       struct found *out)
{
    const struct org *org = w->cenv->org;

    if (!p->have || w->env == NULL)
        return;
    if (p->kind == K_RECORD_TYPE) {
        switch (vf->key) {
        case V_ID: found_id(w, out, p->rt->id); return;
        case V_RT_NAME: found_text(out, p->rt->developer_name); return;
        case V_RT_LABEL: found_text(out, p->rt->label); return;
        case V_RT_DESCR: found_text(out, p->rt->description); return;
        case V_RT_OBJECT: found_text(out, p->rt->object); return;
        case V_ACTIVE:
            found_text(out, p->rt->active ? "true" : "false");
            return;
        default: return;
        }
    }
    if (p->kind == K_ORG) {
        char type[64];

        switch (vf->key) {
        case V_ID: found_id(w, out, org->org_id); return;
        case V_ORG_NAME: found_text(out, org->name); return;
        case V_FALSE: found_text(out, "false"); return;
        case V_ORG_TYPE:
            snprintf(type, sizeof(type), "%s Edition",
                     edition_name(org->edition));
            found_text(out, keep(w->env, xstrdup(type)));
            return;
        default: return;
        }
    }
    if (p->user != NULL)
        user_value(w, p->user, vf->key, vf->name, out);
}

/* A custom User field the org declares ($User.X__c, Owner.X__c), or one
 * only the users' "fields" say (its JSON type). */
static enum fieldtype
user_custom_type(const struct org *org, const char *name)
{
    const struct org_field *f = org_field_find(org, "User", name);
    json_t *v;
    size_t i;

    if (f != NULL)
        return f->type;
    for (i = 0; i < org->nusers; i++)
        if ((v = json_get_ci(org->users[i].fields, name)) != NULL &&
            !json_is_null(v))
            return scalar_type(v);
    return FT_UNKNOWN;
}

/* The field name of place p (not a record). */
static void
vleaf(struct walk *w, const struct place *p, const char *name,
      struct found *out)
{
    const struct vfield *vf = vfield_find(vtables[p->kind], name);

    if (vf == NULL && p->kind == K_USER) {
        out->type = user_custom_type(w->cenv->org, name);
        if (out->type != FT_UNKNOWN && p->have && w->env != NULL)
            found_json(w, out, json_get_ci(p->user->fields, name));
        return;
    }
    if (vf == NULL)
        return;
    out->type = vf->type;
    vvalue(w, p, vf, out);
}

/* ---- relationships --------------------------------------------------------
 */

/* The standard relationships of Lead, Contact and Account the sim can
 * follow: a relationship name, the reference field it follows, and what
 * it reaches. */
static const struct rel {
    const char *object; /* NULL: any of them */
    const char *name, *field;
    enum kind kind;
    const char *target; /* K_RECORD: the object */
} rels[] = {
    {NULL, "Owner", "OwnerId", K_USER, NULL},
    {NULL, "CreatedBy", "CreatedById", K_USER, NULL},
    {NULL, "LastModifiedBy", "LastModifiedById", K_USER, NULL},
    {NULL, "RecordType", "RecordTypeId", K_RECORD_TYPE, NULL},
    {"Contact", "Account", "AccountId", K_RECORD, "Account"},
    {"Contact", "ReportsTo", "ReportsToId", K_RECORD, "Contact"},
    {"Account", "Parent", "ParentId", K_RECORD, "Account"},
    {"Account", "PersonContact", "PersonContactId", K_RECORD, "Contact"},
    {"Lead", "ConvertedAccount", "ConvertedAccountId", K_RECORD, "Account"},
    {"Lead", "ConvertedContact", "ConvertedContactId", K_RECORD, "Contact"},
    {NULL, NULL, NULL, K_RECORD, NULL},
};

/* What a relationship segment ("Owner", "Owner:User", "Lookup__r")
 * resolves to on object obj. */
struct hop {
    const char *field; /* the reference field followed */
    enum kind kind;
    const char *target; /* K_RECORD */
    int null;           /* polymorphic to something the sim lacks */
};

static int
user_hop(const char *rel, struct hop *h)
{
    static const struct {
        const char *name, *field;
        enum kind kind;
    } user_rels[] = {
        {"Profile", NULL, K_PROFILE},
        {"UserRole", NULL, K_ROLE},
        {"Manager", "ManagerId", K_USER},
        {NULL, NULL, K_USER},
    };
    size_t i;

    for (i = 0; user_rels[i].name != NULL; i++)
        if (strcasecmp(user_rels[i].name, rel) == 0) {
            h->field = user_rels[i].field;
            h->kind = user_rels[i].kind;
            return 0;
        }
    return -1;
}

/* A custom lookup's relationship: Name__r follows Name__c. */
static int
custom_hop(const struct org *org, const struct object_def *obj, const char *rel,
           struct hop *h)
{
    char field[NAME_MAX];
    const struct org_field *f;
    size_t n = strlen(rel);

    if (n < 4 || strcasecmp(rel + n - 3, "__r") != 0 || n >= sizeof(field))
        return -1;
    memcpy(field, rel, n - 1);
    field[n - 1] = 'c';
    field[n] = '\0';
    if ((f = org_field_find(org, obj->name, field)) == NULL ||
        f->type != FT_REFERENCE || f->reference_to == NULL)
        return -1;
    h->field = f->name;
    if (strcasecmp(f->reference_to, "User") == 0) {
        h->kind = K_USER;
        return 0;
    }
    h->kind = K_RECORD;
    h->target = f->reference_to;
    return 0;
}

/* Resolves segment seg on a record of obj into h; -1 when unknown. */
static int
record_hop(const struct org *org, const struct object_def *obj, const char *seg,
           struct hop *h)
{
    char rel[NAME_MAX];
    const char *colon = strchr(seg, ':');
    size_t i, n = colon != NULL ? (size_t)(colon - seg) : strlen(seg);

    memset(h, 0, sizeof(*h));
    if (n >= sizeof(rel))
        return -1;
    memcpy(rel, seg, n);
    rel[n] = '\0';
    for (i = 0; rels[i].name != NULL; i++) {
        if (strcasecmp(rels[i].name, rel) != 0 ||
            (rels[i].object != NULL &&
             strcasecmp(rels[i].object, obj->name) != 0) ||
            schema_field(obj, rels[i].field) == NULL)
            continue;
        h->field = rels[i].field;
        h->kind = rels[i].kind;
        h->target = rels[i].target;
        /* Owner:Queue, Owner:Group: the sim's owners are all users. */
        if (colon != NULL && strcasecmp(colon + 1, "User") != 0) {
            h->kind = K_QUEUE;
            h->null = 1;
        }
        return 0;
    }
    return custom_hop(org, obj, rel, h);
}

static const struct org_record_type *
record_type_by_id(const struct org *org, const char *id)
{
    char id15[SFID_LEN15 + 1];
    size_t i;

    if (id == NULL || sfid_normalize(id, strlen(id), id15) == -1)
        return NULL;
    for (i = 0; i < org->nrecord_types; i++)
        if (strcmp(org->record_types[i].id, id15) == 0)
            return &org->record_types[i];
    return NULL;
}

/* The reference field h follows, read on place p (a record). */
static const char *
hop_id(struct walk *w, const struct place *p, const struct hop *h)
{
    const struct field_def *f = schema_field(p->obj, h->field);
    size_t len;

    if (f == NULL || !p->have)
        return NULL;
    return record_field(w, &p->rec, f, &len);
}

/* A user reached from a record: its owner, creator, a lookup. A record
 * being created has no creator yet: the running user creates it. */
static const struct org_user *
hop_user(struct walk *w, const struct place *p, const struct hop *h,
         const char *id)
{
    const struct org_user *u =
        id != NULL ? org_user_by_id(w->cenv->org, id) : NULL;

    if (u == NULL && id == NULL && p->rec.record == NULL &&
        (strcmp(h->field, "CreatedById") == 0 ||
         strcmp(h->field, "LastModifiedById") == 0))
        u = w->cenv->user;
    return u;
}

/* A Lead, Contact or Account reached from a record, from the store. */
static void
hop_record(struct walk *w, const char *id, struct place *next)
{
    char id15[SFID_LEN15 + 1];
    const struct record *r;

    if (id == NULL || w->cenv->store == NULL ||
        sfid_normalize(id, strlen(id), id15) == -1 ||
        (r = store_get(w->cenv->store, id15)) == NULL ||
        schema_object_at(w->cenv->schema, r->object) != next->obj)
        return;
    next->rec.record = r;
    next->have = 1;
}

/* Follows segment seg from place p into next; -1 when it leads nowhere
 * the sim knows. */
static int
relate(struct walk *w, const struct place *p, const char *seg,
       struct place *next)
{
    struct hop h;
    const char *id;

    memset(next, 0, sizeof(*next));
    if (p->kind == K_USER) {
        if (user_hop(seg, &h) == -1)
            return -1;
        next->kind = h.kind;
        next->user = p->user;
        if (h.field != NULL) /* Manager: another user */
            next->user = p->have && p->user != NULL
                             ? org_user_by_id(w->cenv->org,
                                              json_string_value(json_get_ci(
                                                  p->user->fields, h.field)))
                             : NULL;
        next->have = next->user != NULL;
        return 0;
    }
    if (p->kind != K_RECORD || record_hop(w->cenv->org, p->obj, seg, &h) == -1)
        return -1;
    next->kind = h.kind;
    if (h.kind == K_RECORD &&
        (next->obj = schema_object(w->cenv->schema, h.target)) == NULL)
        return -1;
    next->rec.obj = next->obj;
    if (w->env == NULL || h.null)
        return 0;
    id = hop_id(w, p, &h);
    switch (h.kind) {
    case K_USER:
        next->user = hop_user(w, p, &h, id);
        next->have = next->user != NULL;
        break;
    case K_RECORD_TYPE:
        next->rt = record_type_by_id(w->cenv->org, id);
        next->have = next->rt != NULL;
        break;
    case K_RECORD: hop_record(w, id, next); break;
    default: break;
    }
    return 0;
}

/* ---- merge fields ($...) --------------------------------------------------
 */

/* The most specific value a hierarchy custom setting has for the running
 * user: the user's own, then the profile's, then the org's. */
static json_t *
setting_value(const struct org_setting *s, const struct org_user *u,
              const char *field)
{
    json_t *v;

    if (u != NULL &&
        (v = json_get_ci(json_get_ci(s->users, u->username), field)) != NULL &&
        !json_is_null(v))
        return v;
    if (u != NULL &&
        (v = json_get_ci(json_get_ci(s->profiles, u->profile), field)) !=
            NULL &&
        !json_is_null(v))
        return v;
    return json_get_ci(s->values, field);
}

/* $Setup.Setting__c.Field__c */
static int
setup_ref(struct walk *w, char **seg, int nseg, struct found *out)
{
    const struct org *org = w->cenv->org;
    size_t i, k;

    if (nseg != 3)
        return -1;
    for (i = 0; i < org->nsettings; i++) {
        const struct org_setting *s = &org->settings[i];

        if (strcasecmp(s->name, seg[1]) != 0)
            continue;
        for (k = 0; k < s->nfields; k++) {
            if (strcasecmp(s->fields[k].name, seg[2]) != 0)
                continue;
            out->type = s->fields[k].type;
            found_json(w, out, setting_value(s, w->cenv->user, seg[2]));
            return 0;
        }
    }
    return -1;
}

static int
holds_permission(const struct org_user *u, const char *name)
{
    size_t i;

    for (i = 0; u != NULL && u->permissions != NULL && u->permissions[i]; i++)
        if (strcasecmp(u->permissions[i], name) == 0)
            return 1;
    return 0;
}

/* $Permission.Name: any name reads as a checkbox (a retrieve may not hold
 * the permission's own file); TRUE when the running user holds it. */
static int
permission_ref(struct walk *w, char **seg, int nseg, struct found *out)
{
    if (nseg != 2)
        return -1;
    out->type = FT_BOOLEAN;
    if (w->env != NULL)
        found_text(out,
                   holds_permission(w->cenv->user, seg[1]) ? "true" : "false");
    return 0;
}

/* $Label.Name: only the labels the org defines. */
static int
label_ref(struct walk *w, char **seg, int nseg, struct found *out)
{
    const struct org *org = w->cenv->org;
    size_t i;

    if (nseg != 2)
        return -1;
    for (i = 0; i < org->nlabels; i++)
        if (strcasecmp(org->labels[i].name, seg[1]) == 0) {
            out->type = FT_STRING;
            found_text(out, org->labels[i].value);
            return 0;
        }
    return -1;
}

/* $CustomMetadata.Type__mdt.Record.Field__c */
static int
cmdt_ref(struct walk *w, char **seg, int nseg, struct found *out)
{
    const struct org *org = w->cenv->org;
    json_t *v, *t;
    size_t i;

    if (nseg != 4)
        return -1;
    for (i = 0; i < org->ncmdt; i++) {
        const struct org_cmdt *m = &org->cmdt[i];

        if (strcasecmp(m->type, seg[1]) != 0 ||
            strcasecmp(m->record, seg[2]) != 0)
            continue;
        v = json_get_ci(m->values, seg[3]);
        t = m->types != NULL ? json_get_ci(m->types, seg[3]) : NULL;
        if (v == NULL && t == NULL)
            return -1;
        out->type = t != NULL ? fieldtype_from_config(json_string_value(t))
                              : scalar_type(v);
        found_json(w, out, v);
        return 0;
    }
    return -1;
}

/* $Api.X: nothing the sim has (a session id, server URLs) reads; blank. */
static int
api_ref(struct walk *w, char **seg, int nseg, struct found *out)
{
    (void)w;
    (void)seg;
    if (nseg != 2)
        return -1;
    out->type = FT_STRING;
    return 0;
}

static int
system_ref(struct walk *w, char **seg, int nseg, struct found *out)
{
    if (nseg != 2 || strcasecmp(seg[1], "OriginDateTime") != 0)
        return -1;
    out->type = FT_DATETIME;
    if (w->env != NULL)
        found_text(out, ORIGIN_DATETIME);
    return 0;
}

static int walk(struct walk *w, const struct place *p, char **seg, int nseg,
                struct found *out);

/* $User, $Profile, $UserRole, $Organization, $RecordType: a walk from a
 * place that is not the record. */
static int
place_ref(struct walk *w, enum kind kind, char **seg, int nseg,
          struct found *out)
{
    struct place p;
    size_t len;

    memset(&p, 0, sizeof(p));
    p.kind = kind;
    p.user = w->cenv->user;
    p.have = kind == K_ORG || p.user != NULL;
    if (kind == K_RECORD_TYPE) {
        const struct field_def *f =
            schema_field(w->subject->obj, "RecordTypeId");

        if (f == NULL)
            return -1;
        p.have = 0;
        if (w->env != NULL) {
            p.rt = record_type_by_id(w->cenv->org,
                                     record_field(w, w->subject, f, &len));
            p.have = p.rt != NULL;
        }
    }
    return walk(w, &p, seg + 1, nseg - 1, out);
}

static int
user_global(struct walk *w, char **seg, int nseg, struct found *out)
{
    return place_ref(w, K_USER, seg, nseg, out);
}

static int
profile_global(struct walk *w, char **seg, int nseg, struct found *out)
{
    return place_ref(w, K_PROFILE, seg, nseg, out);
}

static int
role_global(struct walk *w, char **seg, int nseg, struct found *out)
{
    return place_ref(w, K_ROLE, seg, nseg, out);
}

static int
org_global(struct walk *w, char **seg, int nseg, struct found *out)
{
    return place_ref(w, K_ORG, seg, nseg, out);
}

static int
record_type_global(struct walk *w, char **seg, int nseg, struct found *out)
{
    return place_ref(w, K_RECORD_TYPE, seg, nseg, out);
}

/* The global variables a rule's formula may name. */
static const struct {
    const char *name;
    int (*ref)(struct walk *w, char **seg, int nseg, struct found *out);
} globals[] = {
    {"$User", user_global},
    {"$Profile", profile_global},
    {"$UserRole", role_global},
    {"$Organization", org_global},
    {"$RecordType", record_type_global},
    {"$Setup", setup_ref},
    {"$Permission", permission_ref},
    {"$Label", label_ref},
    {"$CustomMetadata", cmdt_ref},
    {"$Api", api_ref},
    {"$System", system_ref},
    {NULL, NULL},
};

/* ---- the walk -------------------------------------------------------------
 */

/* ---- compound address fields ----------------------------------------------
 */

/* The compound fields of an address (ISCHANGED(BillingAddress)): the text
 * of its parts, one a line, null when all are blank. */
static const struct {
    const char *object, *name, *prefix;
} addresses[] = {
    {"Lead", "Address", ""},
    {"Contact", "MailingAddress", "Mailing"},
    {"Contact", "OtherAddress", "Other"},
    {"Account", "BillingAddress", "Billing"},
    {"Account", "ShippingAddress", "Shipping"},
    {"Account", "PersonMailingAddress", "PersonMailing"},
    {"Account", "PersonOtherAddress", "PersonOther"},
    {NULL, NULL, NULL},
};

static const char *const address_parts[] = {"Street",     "City",    "State",
                                            "PostalCode", "Country", NULL};

/* The addresses[] entry of name on obj, or -1. */
static int
address_of(const struct object_def *obj, const char *name)
{
    char part[64];
    int i;

    for (i = 0; addresses[i].name != NULL; i++)
        if (strcasecmp(addresses[i].name, name) == 0 &&
            strcmp(addresses[i].object, obj->name) == 0) {
            /* The object has it when it has the parts (Person ones). */
            snprintf(part, sizeof(part), "%sStreet", addresses[i].prefix);
            return schema_field(obj, part) != NULL ? i : -1;
        }
    return -1;
}

static void
address_value(struct walk *w, const struct place *p, int a, struct found *out)
{
    const struct field_def *f;
    char part[64], *text = NULL, *next;
    const char *v;
    size_t len;
    int i, any = 0;

    for (i = 0; address_parts[i] != NULL; i++) {
        snprintf(part, sizeof(part), "%s%s", addresses[a].prefix,
                 address_parts[i]);
        f = schema_field(p->obj, part);
        v = f != NULL ? record_field(w, &p->rec, f, &len) : NULL;
        any |= v != NULL;
        next =
            xasprintf("%s%s%.*s", text != NULL ? text : "", i > 0 ? "\n" : "",
                      v != NULL ? (int)len : 0, v != NULL ? v : "");
        free(text);
        text = next;
    }
    if (any)
        found_text(out, keep(w->env, text));
    else
        free(text);
}

/* Field f of place p (a record). */
static int
field_leaf(struct walk *w, const struct place *p, const struct field_def *f,
           struct found *out)
{
    out->type = f->type;
    if (w->env != NULL && p->have)
        out->value = record_field(w, &p->rec, f, &out->len);
    return 0;
}

/* The last segment: a field at place p. */
static int
leaf(struct walk *w, const struct place *p, const char *name, struct found *out)
{
    const struct field_def *f;
    int a;

    if (p->kind != K_RECORD) {
        vleaf(w, p, name, out);
        return out->type == FT_UNKNOWN ? -1 : 0;
    }
    if ((f = schema_field(p->obj, name)) == NULL &&
        (a = address_of(p->obj, name)) >= 0) {
        out->type = FT_TEXTAREA;
        if (w->env != NULL && p->have)
            address_value(w, p, a, out);
        return 0;
    }
    if (f == NULL)
        return -1;
    return field_leaf(w, p, f, out);
}

static int
walk(struct walk *w, const struct place *p, char **seg, int nseg,
     struct found *out)
{
    struct place next;

    if (nseg <= 0)
        return -1;
    if (nseg == 1)
        return leaf(w, p, seg[0], out);
    if (relate(w, p, seg[0], &next) == -1)
        return -1;
    return walk(w, &next, seg + 1, nseg - 1, out);
}

/* Splits name at its dots into seg (at most RULES_REF_MAX_HOPS + 2
 * segments) in buf; the count, or -1. */
static int
split(const char *name, char *buf, size_t size, char **seg)
{
    size_t n = strlen(name);
    int k = 0;
    char *p;

    if (n == 0 || n >= size)
        return -1;
    memcpy(buf, name, n + 1);
    for (p = buf;; p++) {
        if (k == RULES_REF_MAX_HOPS + 2)
            return -1;
        seg[k++] = p;
        if ((p = strchr(p, '.')) == NULL)
            break;
        *p = '\0';
    }
    return k;
}

/* Resolves name on the record of obj (rec: a value walk). */
static int
resolve(struct walk *w, const struct object_def *obj, const char *name,
        struct found *out)
{
    char buf[NAME_MAX], *seg[RULES_REF_MAX_HOPS + 2];
    const struct field_def *f;
    struct place p;
    size_t n;
    int nseg, i;

    memset(out, 0, sizeof(*out));
    out->type = FT_UNKNOWN;
    memset(&p, 0, sizeof(p));
    p.kind = K_RECORD;
    p.obj = obj;
    if (w->subject != NULL) {
        p.rec = *w->subject;
        p.have = 1;
    }
    /* A field of the record itself, the common case: nothing to split. */
    n = strcspn(name, ".");
    if (name[n] == '\0' && name[0] != '$' && n > 0 && n < sizeof(buf)) {
        if (w->memo && w->cenv->memo != NULL &&
            (f = memo_field(w->cenv->memo, obj, name)) != NULL)
            return field_leaf(w, &p, f, out);
        return leaf(w, &p, name, out);
    }
    if ((nseg = split(name, buf, sizeof(buf), seg)) < 0)
        return -1;
    if (seg[0][0] == '$') {
        for (i = 0; globals[i].name != NULL; i++)
            if (strcasecmp(globals[i].name, seg[0]) == 0)
                return globals[i].ref(w, seg, nseg, out);
        return -1;
    }
    return walk(w, &p, seg, nseg, out);
}

enum fieldtype
rules_ref_type(const struct rules_ref_env *env, const struct object_def *obj,
               const char *name)
{
    struct rules_ref_rec none = {obj, NULL, NULL};
    struct walk w = {NULL, env, &none, 0};
    struct found out;

    if (resolve(&w, obj, name, &out) == -1)
        return FT_UNKNOWN;
    return out.type;
}

/* rules_ref_value(), the name a formula's when memo is set. */
static const char *
value_of(struct rules_ref_env *env, const struct rules_ref_rec *rec,
         const char *name, int memo, size_t *len)
{
    struct walk w = {env, env, rec, memo};
    const struct field_def *f;
    struct found out;

    *len = 0;
    /* A field of the record the memo knows (resolve() put it there, for
     * a plain name): what resolve() would find, without its walk. */
    if (memo && env->memo != NULL &&
        (f = memo_kept(env->memo, rec->obj, name)) != NULL) {
        memset(&out, 0, sizeof(out));
        out.value = record_field(&w, rec, f, &out.len);
    } else if (resolve(&w, rec->obj, name, &out) == -1) {
        return NULL;
    }
    if (out.value == NULL)
        return NULL;
    *len = out.len;
    return out.len > 0 ? out.value : NULL;
}

const char *
rules_ref_value(struct rules_ref_env *env, const struct rules_ref_rec *rec,
                const char *name, size_t *len)
{
    return value_of(env, rec, name, 0, len);
}

const char *
rules_ref_value_kept(struct rules_ref_env *env, const struct rules_ref_rec *rec,
                     const char *name, size_t *len)
{
    return value_of(env, rec, name, 1, len);
}

const struct field_def *
rules_ref_field_kept(struct rules_ref_env *env, const struct object_def *obj,
                     const char *name)
{
    if (env->memo == NULL)
        return schema_field(obj, name);
    return memo_field(env->memo, obj, name);
}

static const char *
access_value(void *arg, const char *field, size_t *len)
{
    struct rules_ref_arg *a = arg;

    return value_of(a->env, a->rec, field, 1, len);
}

static enum fieldtype
access_type(void *arg, const char *field)
{
    struct rules_ref_arg *a = arg;

    return rules_ref_type(a->env, a->rec->obj, field);
}

void
rules_ref_access(struct field_access *out, struct rules_ref_arg *arg,
                 struct rules_ref_env *env, const struct rules_ref_rec *rec)
{
    arg->env = env;
    arg->rec = rec;
    out->value = access_value;
    out->type = access_type;
    out->arg = arg;
    out->prior = NULL;
}
