/*
 * person.c - Person Account rules (see person.h).
 *
 * The error texts come from field reports (facts 5.3 leaves them open):
 * Name on a new person account is "Unable to create/update fields: Name…";
 * a field of the other kind is "Account: bad field names on insert/update
 * call: …", both INVALID_FIELD_FOR_INSERT_UPDATE.
 */
#include "person.h"

#include <stdio.h>
#include <string.h>

#include "org.h"
#include "schema.h"
#include "sfid.h"
#include "sim.h"

enum family {
    FAMILY_MALFORMED, /* not an id at all: intake answers MALFORMED_ID */
    FAMILY_UNKNOWN,   /* an id, but not one of this org's record types */
    FAMILY_BUSINESS,
    FAMILY_PERSON,
};

/* Which Account field the hidden Contact's field copies. */
static const struct {
    const char *account, *contact;
} contact_map[] = {
    {"Salutation", "Salutation"},
    {"FirstName", "FirstName"},
    {"LastName", "LastName"},
    {"OwnerId", "OwnerId"},
    {"Phone", "Phone"},
    {"PersonEmail", "Email"},
    {"PersonMobilePhone", "MobilePhone"},
    {"PersonMailingStreet", "MailingStreet"},
    {"PersonMailingCity", "MailingCity"},
    {"PersonMailingState", "MailingState"},
    {"PersonMailingPostalCode", "MailingPostalCode"},
    {"PersonMailingCountry", "MailingCountry"},
    {"PersonBirthdate", "Birthdate"},
    {"PersonLeadSource", "LeadSource"},
    {"PersonHasOptedOutOfEmail", "HasOptedOutOfEmail"},
};

static int
applies(const struct sim *sim, const struct object_def *obj)
{
    return sim->org->person_accounts && strcmp(obj->name, "Account") == 0;
}

static uint32_t
field_id(const struct object_def *obj, const char *name)
{
    const struct field_def *f = schema_field(obj, name);

    return f != NULL ? f->interned : UINT32_MAX;
}

static const char *
stored(const struct object_def *obj, const struct record *r, const char *name,
       size_t *len)
{
    return r != NULL ? record_value(r, field_id(obj, name), len) : NULL;
}

static int
is_person(const struct object_def *obj, const struct record *r)
{
    const char *v = stored(obj, r, "IsPersonAccount", NULL);

    return v != NULL && strcmp(v, "true") == 0;
}

static enum family
family_of(const char *v, size_t len)
{
    char id15[SFID_LEN15 + 1];

    if (sfid_normalize(v, len, id15) == -1)
        return FAMILY_MALFORMED;
    if (strcmp(id15, PERSON_RT_PERSON) == 0)
        return FAMILY_PERSON;
    if (strcmp(id15, PERSON_RT_BUSINESS) == 0 ||
        strcmp(id15, PERSON_RT_MASTER) == 0)
        return FAMILY_BUSINESS;
    return FAMILY_UNKNOWN;
}

/* A writable person field among fv's values, and no Name. */
static int
looks_like_person(const struct object_def *obj, const struct fieldvals *fv)
{
    size_t i, j;
    int person = 0;

    for (i = 0; i < fv->n; i++) {
        for (j = 0; j < obj->nfields; j++) {
            const struct field_def *f = &obj->fields[j];

            if (f->interned != fv->v[i].field)
                continue;
            if (f->flags & FIELD_NAME)
                return 0;
            if ((f->flags & FIELD_PERSON) && !(f->flags & FIELD_READONLY))
                person = 1;
        }
    }
    return person;
}

/* One error object: message is prefix followed by arg. */
static json_t *
error_new(const char *code, const char *field, const char *prefix,
          const char *arg)
{
    char msg[512];

    snprintf(msg, sizeof(msg), "%s%s", prefix, arg);
    return json_pack("{s:s, s:s, s:[s]}", "message", msg, "errorCode", code,
                     "fields", field);
}

int
person_kind(const struct sim *sim, const struct object_def *obj,
            const struct fieldvals *fv, const struct record *existing,
            enum person_kind *kind, json_t **error)
{
    const struct fieldval *rt;
    enum family fam = FAMILY_MALFORMED;
    char value[64];

    *kind = PERSON_NONE;
    *error = NULL;
    if (!applies(sim, obj))
        return 0;
    rt = fieldvals_get(fv, field_id(obj, "RecordTypeId"));
    if (rt != NULL && rt->value != NULL && rt->len > 0)
        fam = family_of(rt->value, rt->len);
    if (existing != NULL) {
        *kind = is_person(obj, existing) ? PERSON_PERSON : PERSON_BUSINESS;
        if ((fam == FAMILY_PERSON && *kind == PERSON_BUSINESS) ||
            (fam == FAMILY_BUSINESS && *kind == PERSON_PERSON))
            goto bad_change;
    } else if (fam == FAMILY_PERSON || fam == FAMILY_BUSINESS) {
        *kind = fam == FAMILY_PERSON ? PERSON_PERSON : PERSON_BUSINESS;
    } else {
        *kind = looks_like_person(obj, fv) ? PERSON_PERSON : PERSON_BUSINESS;
    }
    if (fam != FAMILY_UNKNOWN)
        return 0;
    snprintf(value, sizeof(value), "%.*s", (int)rt->len, rt->value);
    *error = error_new("INVALID_CROSS_REFERENCE_KEY", "RecordTypeId",
                       "Record Type ID: this ID value isn't valid for the "
                       "user: ",
                       value);
    return -1;
bad_change:
    /* Converting between the families is not simulated (README). */
    *error = error_new(
        "INVALID_FIELD_FOR_INSERT_UPDATE", "RecordTypeId",
        "Account: bad field names on insert/update call: ", "RecordTypeId");
    return -1;
}

enum person_field
person_field_check(enum person_kind kind, const struct field_def *f, int update)
{
    if (kind == PERSON_BUSINESS && (f->flags & FIELD_PERSON) &&
        !(f->flags & FIELD_READONLY))
        return PERSON_FIELD_BAD;
    if (kind == PERSON_PERSON && (f->flags & FIELD_NAME))
        return update ? PERSON_FIELD_BAD : PERSON_FIELD_READONLY;
    return PERSON_FIELD_OK;
}

int
person_required(enum person_kind kind, const struct field_def *f)
{
    if (kind == PERSON_PERSON) {
        if (f->flags & FIELD_NAME)
            return 0;
        if (strcmp(f->name, "LastName") == 0)
            return 1;
    }
    return (f->flags & FIELD_REQUIRED) != 0;
}

/* The value a write leaves in field name: the new one, else the stored. */
static const char *
after_write(const struct object_def *obj, const struct fieldvals *out,
            const struct record *existing, const char *name)
{
    const struct fieldval *v = fieldvals_get(out, field_id(obj, name));

    if (v != NULL)
        return v->value != NULL && v->len > 0 ? v->value : NULL;
    return stored(obj, existing, name, NULL);
}

void
person_derive(const struct object_def *obj, enum person_kind kind,
              struct fieldvals *out, const struct record *existing,
              struct person_derived *d)
{
    const char *first, *last;

    if (kind == PERSON_NONE)
        return;
    if (existing == NULL &&
        fieldvals_get(out, field_id(obj, "RecordTypeId")) == NULL) {
        sfid_to18(kind == PERSON_PERSON ? PERSON_RT_PERSON : PERSON_RT_BUSINESS,
                  d->record_type);
        fieldvals_set(out, field_id(obj, "RecordTypeId"), d->record_type,
                      SFID_LEN18);
    }
    if (kind != PERSON_PERSON)
        return;
    if (existing == NULL)
        fieldvals_set(out, field_id(obj, "IsPersonAccount"), "true", 4);
    first = after_write(obj, out, existing, "FirstName");
    last = after_write(obj, out, existing, "LastName");
    snprintf(d->name, sizeof(d->name), "%s%s%s", first ? first : "",
             first && last ? " " : "", last ? last : "");
    fieldvals_set(out, field_id(obj, "Name"), d->name, strlen(d->name));
}

/* The hidden Contact of acct, or NULL. */
static struct record *
person_contact(struct sim *sim, const struct object_def *obj,
               const struct record *acct)
{
    size_t len;
    const char *id = stored(obj, acct, "PersonContactId", &len);
    char id15[SFID_LEN15 + 1];

    if (id == NULL || sfid_normalize(id, len, id15) == -1)
        return NULL;
    return store_get(sim->store, id15);
}

void
person_sync_contact(struct sim *sim, const struct object_def *obj,
                    struct record *acct, int64_t now_ms)
{
    const struct object_def *cobj;
    struct fieldvals cv = {0}, link = {0};
    struct record *contact;
    char acct18[SFID_LEN18 + 1], contact18[SFID_LEN18 + 1];
    size_t i, len;

    if (!applies(sim, obj) ||
        (cobj = schema_object(sim->schema, "Contact")) == NULL ||
        !is_person(obj, acct))
        return;
    for (i = 0; i < sizeof(contact_map) / sizeof(contact_map[0]); i++) {
        const char *v = stored(obj, acct, contact_map[i].account, &len);

        fieldvals_set(&cv, field_id(cobj, contact_map[i].contact), v,
                      v ? len : 0);
    }
    sfid_to18(acct->id, acct18);
    fieldvals_set(&cv, field_id(cobj, "AccountId"), acct18, SFID_LEN18);
    contact = person_contact(sim, obj, acct);
    if (contact != NULL) {
        store_update(sim->store, contact, &cv, now_ms);
    } else if ((contact = store_insert(sim->store, cobj->store_index, &cv,
                                       now_ms)) != NULL) {
        sfid_to18(contact->id, contact18);
        fieldvals_set(&link, field_id(obj, "PersonContactId"), contact18,
                      SFID_LEN18);
        store_update(sim->store, acct, &link, acct->modified_ms);
    }
    fieldvals_free(&cv);
    fieldvals_free(&link);
}

void
person_delete_contact(struct sim *sim, const struct object_def *obj,
                      const struct record *acct)
{
    struct record *contact;

    if (!applies(sim, obj))
        return;
    if ((contact = person_contact(sim, obj, acct)) != NULL)
        store_recycle(sim->store, contact, sim_now(sim));
}
