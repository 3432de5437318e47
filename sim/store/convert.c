/*
 * convert.c - lead conversion (see convert.h).
 *
 * The field mapping is Salesforce's standard one for a fresh org (lead
 * address to the Account's billing and the Contact's mailing address, and
 * so on); a field the schema lacks on either side is skipped. Errors are
 * Salesforce's statusCode and message where known, and the choices the
 * README's fidelity notes list where not.
 */
#include "convert.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake.h"
#include "leadstatus.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define VALUE_MAX 1024

enum target { T_ACCOUNT, T_CONTACT, T_OPPORTUNITY, T_COUNT };

static const char *const target_object[T_COUNT] = {"Account", "Contact",
                                                   "Opportunity"};

/* Lead field -> the field it fills on each target (NULL: none). */
static const struct {
    const char *lead;
    const char *to[T_COUNT];
} mapping[] = {
    {"Company", {"Name", NULL, NULL}},
    {"Salutation", {NULL, "Salutation", NULL}},
    {"FirstName", {NULL, "FirstName", NULL}},
    {"LastName", {NULL, "LastName", NULL}},
    {"Title", {NULL, "Title", NULL}},
    {"Email", {NULL, "Email", NULL}},
    {"Phone", {"Phone", "Phone", NULL}},
    {"MobilePhone", {NULL, "MobilePhone", NULL}},
    {"Fax", {"Fax", "Fax", NULL}},
    {"Website", {"Website", NULL, NULL}},
    {"Street", {"BillingStreet", "MailingStreet", NULL}},
    {"City", {"BillingCity", "MailingCity", NULL}},
    {"State", {"BillingState", "MailingState", NULL}},
    {"PostalCode", {"BillingPostalCode", "MailingPostalCode", NULL}},
    {"Country", {"BillingCountry", "MailingCountry", NULL}},
    {"Industry", {"Industry", NULL, NULL}},
    {"AnnualRevenue", {"AnnualRevenue", NULL, NULL}},
    {"NumberOfEmployees", {"NumberOfEmployees", NULL, NULL}},
    {"Rating", {"Rating", NULL, NULL}},
    {"LeadSource", {"AccountSource", "LeadSource", "LeadSource"}},
    {"Description", {NULL, "Description", NULL}},
    {"HasOptedOutOfEmail", {NULL, "HasOptedOutOfEmail", NULL}},
    {"HasOptedOutOfFax", {NULL, "HasOptedOutOfFax", NULL}},
    {"DoNotCall", {NULL, "DoNotCall", NULL}},
};

/* One conversion under way. */
struct conv {
    struct sim *sim;
    const struct convert_req *req;
    struct convert_result *out;
    const struct object_def *lead_obj, *obj[T_COUNT];
    struct record *lead, *existing[T_COUNT];
    char **owned; /* values the fieldvals borrow */
    size_t nowned, owned_cap;
};

static void fail(struct conv *c, const char *code, const char *field,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
fail(struct conv *c, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;

    snprintf(c->out->code, sizeof(c->out->code), "%s", code);
    snprintf(c->out->field, sizeof(c->out->field), "%s",
             field != NULL ? field : "");
    va_start(ap, fmt);
    vsnprintf(c->out->message, sizeof(c->out->message), fmt, ap);
    va_end(ap);
}

static const char *
keep(struct conv *c, const char *v)
{
    if (c->nowned == c->owned_cap) {
        c->owned_cap = c->owned_cap ? c->owned_cap * 2 : 64;
        c->owned = xreallocarray(c->owned, c->owned_cap, sizeof(*c->owned));
    }
    return c->owned[c->nowned++] = xstrdup(v);
}

/* The text of field name of r (obj), or NULL when empty or absent. */
static const char *
value_of(const struct object_def *obj, const struct record *r, const char *name,
         char *buf, size_t n)
{
    const struct field_def *f = schema_field(obj, name);
    const char *v =
        f != NULL ? sobject_field_text(obj, r, f, buf, n, NULL) : NULL;

    return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Sets field name of obj in fv to v (copied), when obj has it. */
static void
put(struct conv *c, const struct object_def *obj, struct fieldvals *fv,
    const char *name, const char *v)
{
    const struct field_def *f = schema_field(obj, name);
    const char *copy;

    if (f == NULL || v == NULL)
        return;
    copy = keep(c, v);
    fieldvals_set(fv, f->interned, copy, strlen(copy));
}

/* The record named by text as a live record of obj, or NULL after
 * failing with code on field. */
static struct record *
named_record(struct conv *c, const struct object_def *obj, const char *text,
             const char *field)
{
    char id15[SFID_LEN15 + 1];
    struct record *r = NULL;

    if (sfid_normalize(text, strlen(text), id15) == 0)
        r = store_get_any(c->sim->store, id15);
    if (r == NULL || r->object != obj->store_index) {
        fail(c, "INVALID_CROSS_REFERENCE_KEY", field,
             "invalid cross reference id");
        return NULL;
    }
    if (r->deleted) {
        fail(c, "ENTITY_IS_DELETED", field, "entity is deleted");
        return NULL;
    }
    return r;
}

/* 1 when text names a live User. */
static int
user_exists(struct conv *c, const char *text)
{
    const struct object_def *user = schema_object(c->sim->schema, "User");
    char id15[SFID_LEN15 + 1];
    const struct record *r;

    if (user == NULL || sfid_normalize(text, strlen(text), id15) == -1)
        return 0;
    r = store_get(c->sim->store, id15);
    return r != NULL && r->object == user->store_index;
}

/* The lead and the records named, checked before anything changes. */
static int
check_request(struct conv *c)
{
    const struct convert_req *q = c->req;
    char buf[VALUE_MAX];
    const char *acct;

    if (q->lead_id == NULL || q->lead_id[0] == '\0') {
        fail(c, "REQUIRED_FIELD_MISSING", "leadId",
             "Required fields are missing: [leadId]");
        return -1;
    }
    if ((c->lead = named_record(c, c->lead_obj, q->lead_id, "leadId")) == NULL)
        return -1;
    if (leadstatus_lead_converted(c->lead_obj, c->lead)) {
        fail(c, "CANNOT_UPDATE_CONVERTED_LEAD", NULL,
             "cannot reference converted lead");
        return -1;
    }
    if (q->converted_status == NULL ||
        !leadstatus_is_converted(q->converted_status)) {
        fail(c, "INVALID_STATUS", "convertedStatus",
             "invalid convertedStatus: %.200s",
             q->converted_status != NULL ? q->converted_status : "");
        return -1;
    }
    if (q->owner_id != NULL && !user_exists(c, q->owner_id)) {
        fail(c, "INVALID_CROSS_REFERENCE_KEY", "ownerId",
             "invalid cross reference id");
        return -1;
    }
    if (q->account_id != NULL &&
        (c->existing[T_ACCOUNT] = named_record(
             c, c->obj[T_ACCOUNT], q->account_id, "accountId")) == NULL)
        return -1;
    if (q->contact_id == NULL)
        return 0;
    if (q->account_id == NULL) {
        fail(c, "REQUIRED_FIELD_MISSING", "accountId",
             "Required fields are missing: [accountId]");
        return -1;
    }
    if ((c->existing[T_CONTACT] = named_record(
             c, c->obj[T_CONTACT], q->contact_id, "contactId")) == NULL)
        return -1;
    acct = value_of(c->obj[T_CONTACT], c->existing[T_CONTACT], "AccountId", buf,
                    sizeof(buf));
    if (acct == NULL ||
        strncmp(acct, c->existing[T_ACCOUNT]->id, SFID_LEN15) != 0) {
        fail(c, "INVALID_CROSS_REFERENCE_KEY", "contactId",
             "contact is not associated with the account");
        return -1;
    }
    return 0;
}

/* The last day of the quarter of the UTC day of ms, as YYYY-MM-DD. */
static void
quarter_end(int64_t ms, char *out, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    int last;

    gmtime_r(&t, &tm);
    last = (tm.tm_mon / 3 + 1) * 3;
    snprintf(out, n, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, last,
             last == 6 || last == 9 ? 30 : 31);
}

/* What only a new record of t gets: names, stage. */
static void
new_record_values(struct conv *c, enum target t, struct fieldvals *fv)
{
    const struct object_def *obj = c->obj[t];
    char buf[VALUE_MAX], close[TIMEFMT_LEN];
    const struct field_def *stage;

    if (t == T_ACCOUNT &&
        value_of(c->lead_obj, c->lead, "Company", buf, sizeof(buf)) == NULL)
        put(c, obj, fv, "Name",
            value_of(c->lead_obj, c->lead, "Name", buf, sizeof(buf)));
    if (t != T_OPPORTUNITY)
        return;
    put(c, obj, fv, "Name",
        c->req->opportunity_name != NULL
            ? c->req->opportunity_name
            : value_of(c->lead_obj, c->lead, "Company", buf, sizeof(buf)));
    stage = schema_field(obj, "StageName");
    if (stage != NULL && stage->values != NULL)
        put(c, obj, fv, "StageName", stage->values[0]);
    quarter_end(sim_now(c->sim), close, sizeof(close));
    put(c, obj, fv, "CloseDate", close);
}

/* The lead's mapped values for target t: all of them for a new record,
 * only where the existing one is empty otherwise. */
static void
mapped_values(struct conv *c, enum target t, struct fieldvals *fv)
{
    const struct object_def *obj = c->obj[t];
    const struct record *r = c->existing[t];
    char buf[VALUE_MAX], mine[VALUE_MAX];
    const char *to, *v;
    size_t i;

    for (i = 0; i < sizeof(mapping) / sizeof(mapping[0]); i++) {
        if ((to = mapping[i].to[t]) == NULL ||
            (v = value_of(c->lead_obj, c->lead, mapping[i].lead, buf,
                          sizeof(buf))) == NULL)
            continue;
        if (r != NULL && value_of(obj, r, to, mine, sizeof(mine)) != NULL &&
            !(t == T_CONTACT && c->req->overwrite_lead_source &&
              strcmp(to, "LeadSource") == 0))
            continue;
        put(c, obj, fv, to, v);
    }
}

/* The first error of an intake result, as the conversion's. */
static void
fail_intake(struct conv *c, const struct intake_result *res)
{
    json_t *e = json_array_get(res->errors, 0);
    const char *field =
        json_string_value(json_array_get(json_object_get(e, "fields"), 0));

    fail(c,
         e != NULL ? json_string_value(json_object_get(e, "errorCode"))
                   : "UNKNOWN_EXCEPTION",
         field, "%s",
         e != NULL ? json_string_value(json_object_get(e, "message"))
                   : "the record could not be saved");
}

/*
 * A new record of t is the lead's owner's, or ownerId's when given
 * (OwnerId is not writable through intake: the sim's API user owns what
 * it creates, so the owner is set after).
 */
static int
set_owner(struct conv *c, enum target t, struct record *r)
{
    const struct field_def *f = schema_field(c->obj[t], "OwnerId");
    const char *owner = c->req->owner_id;
    char buf[VALUE_MAX], id15[SFID_LEN15 + 1], id18[SFID_LEN18 + 1];
    struct fieldvals fv = {0};
    int rc;

    if (owner == NULL)
        owner = value_of(c->lead_obj, c->lead, "OwnerId", buf, sizeof(buf));
    if (f == NULL || owner == NULL)
        return 0;
    if (sfid_normalize(owner, strlen(owner), id15) == -1)
        return 0;
    sfid_to18(id15, id18);
    fieldvals_set(&fv, f->interned, id18, SFID_LEN18);
    rc = store_update(c->sim->store, r, &fv, sim_now(c->sim));
    fieldvals_free(&fv);
    if (rc == -1)
        fail(c, "UNKNOWN_EXCEPTION", NULL, "the record could not be saved");
    return rc;
}

/* Makes or fills the record of target t; its 18-character id into id. */
static int
save_target(struct conv *c, enum target t, const char *account18, char *id)
{
    struct fieldvals fv = {0};
    struct intake_result res;
    struct record *r = c->existing[t];
    int rc = 0;

    intake_result_init(&res);
    mapped_values(c, t, &fv);
    if (r == NULL)
        new_record_values(c, t, &fv);
    if (t != T_ACCOUNT && (r == NULL || t == T_CONTACT))
        put(c, c->obj[t], &fv, "AccountId", account18);
    if (r == NULL || fv.n > 0) {
        rc = r == NULL ? intake_create(c->sim, c->obj[t], &fv, INTAKE_REST,
                                       sim_now(c->sim), &res)
                       : intake_update(c->sim, c->obj[t], r, &fv, INTAKE_REST,
                                       sim_now(c->sim), &res);
        if (rc == -1)
            fail_intake(c, &res);
        else if (c->existing[t] == NULL)
            rc = set_owner(c, t, res.record);
        r = res.record;
    }
    if (rc == 0)
        sfid_to18(r->id, id);
    intake_result_free(&res);
    fieldvals_free(&fv);
    return rc;
}

/* The lead marked converted. */
static int
mark_lead(struct conv *c)
{
    struct fieldvals fv = {0};
    char today[TIMEFMT_LEN];
    int rc;

    timefmt_date(sim_now(c->sim), today);
    put(c, c->lead_obj, &fv, "Status", c->req->converted_status);
    put(c, c->lead_obj, &fv, "IsConverted", "true");
    put(c, c->lead_obj, &fv, "ConvertedDate", today);
    put(c, c->lead_obj, &fv, "ConvertedAccountId", c->out->account_id);
    put(c, c->lead_obj, &fv, "ConvertedContactId", c->out->contact_id);
    if (c->out->opportunity_id[0] != '\0')
        put(c, c->lead_obj, &fv, "ConvertedOpportunityId",
            c->out->opportunity_id);
    rc = store_update(c->sim->store, c->lead, &fv, sim_now(c->sim));
    if (rc == -1)
        fail(c, "UNKNOWN_EXCEPTION", NULL, "the lead could not be saved");
    fieldvals_free(&fv);
    return rc;
}

/* Every change, in Salesforce's order: Account, Contact, Opportunity,
 * the lead. */
static int
convert_all(struct conv *c)
{
    struct convert_result *o = c->out;

    if (save_target(c, T_ACCOUNT, NULL, o->account_id) == -1 ||
        save_target(c, T_CONTACT, o->account_id, o->contact_id) == -1)
        return -1;
    if (!c->req->do_not_create_opportunity && c->obj[T_OPPORTUNITY] != NULL &&
        save_target(c, T_OPPORTUNITY, o->account_id, o->opportunity_id) == -1)
        return -1;
    return mark_lead(c);
}

int
convert_lead(struct sim *sim, const struct convert_req *req,
             struct convert_result *out)
{
    struct conv c = {.sim = sim, .req = req, .out = out};
    size_t mark, i;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    c.lead_obj = schema_object(sim->schema, "Lead");
    for (i = 0; i < T_COUNT; i++)
        c.obj[i] = schema_object(sim->schema, target_object[i]);
    if (c.lead_obj == NULL || c.obj[T_ACCOUNT] == NULL ||
        c.obj[T_CONTACT] == NULL) {
        fail(&c, "UNKNOWN_EXCEPTION", NULL,
             "lead conversion needs Lead, "
             "Account and Contact");
        return -1;
    }
    if (check_request(&c) == -1)
        goto out;
    mark = store_savepoint(sim->store);
    if (convert_all(&c) == -1) {
        store_rollback(sim->store, mark);
        goto out;
    }
    store_release(sim->store, mark);
    sfid_to18(c.lead->id, out->lead_id);
    out->success = 1;
    rc = 0;
out:
    if (rc == -1)
        out->account_id[0] = out->contact_id[0] = out->opportunity_id[0] = '\0';
    for (i = 0; i < c.nowned; i++)
        free(c.owned[i]);
    free(c.owned);
    return rc;
}
