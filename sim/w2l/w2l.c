/*
 * w2l.c - Web-to-Lead processing (see w2l.h).
 *
 * Order of checks for a post (fidelity notes in the README):
 *   1. oid missing or not this org      -> Exception header, no lead
 *   2. Web-to-Lead disabled             -> silent, Support "notified"
 *   3. reCAPTCHA required, no valid token -> silent, not counted
 *   4. daily limit reached (or a queue is waiting)
 *        drop mode  -> silent drop, Default Lead Creator mailed
 *        queue mode -> pending queue (FIFO), or dropped when it is full
 *   5. counted against the window, mapped, and sent through intake, whose
 *      refusals (required, picklist, rules) are silent here.
 */
#include "w2l.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "intake.h"
#include "mailbox.h"
#include "org.h"
#include "redact.h"
#include "schema.h"
#include "sim.h"
#include "store.h"
#include "timefmt.h"
#include "w2lqueue.h"
#include "window.h"
#include "xmalloc.h"

#define NOT_PROVIDED "[not provided]"

/* Form names Salesforce maps to Lead fields (facts 1.2). */
static const struct {
    const char *form, *field;
} standard_names[] = {
    {"first_name", "FirstName"},
    {"last_name", "LastName"},
    {"email", "Email"},
    {"company", "Company"},
    {"title", "Title"},
    {"URL", "Website"},
    {"phone", "Phone"},
    {"mobile", "MobilePhone"},
    {"fax", "Fax"},
    {"street", "Street"},
    {"city", "City"},
    {"state", "State"},
    {"zip", "PostalCode"},
    {"country", "Country"},
    {"description", "Description"},
    {"industry", "Industry"},
    {"rating", "Rating"},
    {"revenue", "AnnualRevenue"},
    {"employees", "NumberOfEmployees"},
    {"lead_source", "LeadSource"},
    {"emailOptOut", "HasOptedOutOfEmail"},
    {"faxOptOut", "HasOptedOutOfFax"},
    {"doNotCall", "DoNotCall"},
    {"recordType", "RecordTypeId"},
    {"salutation", "Salutation"},
    {NULL, NULL},
};

/* Parameters that steer the servlet rather than fill a field. */
static const char *const control_names[] = {"oid",
                                            "retURL",
                                            "debug",
                                            "debugEmail",
                                            "encoding",
                                            "captcha_settings",
                                            "g-recaptcha-response",
                                            "Campaign_ID",
                                            "member_status",
                                            "submit",
                                            NULL};

void
w2l_outcome_free(struct w2l_outcome *out)
{
    free(out->detail);
    json_decref(out->info);
    memset(out, 0, sizeof(*out));
}

static int
is_control(const char *name)
{
    size_t i;

    for (i = 0; control_names[i] != NULL; i++)
        if (strcmp(control_names[i], name) == 0)
            return 1;
    return 0;
}

static const char *
standard_field(const char *form_name)
{
    size_t i;

    for (i = 0; standard_names[i].form != NULL; i++)
        if (strcmp(standard_names[i].form, form_name) == 0)
            return standard_names[i].field;
    return NULL;
}

static void
info_list_add(json_t *info, const char *key, const char *value)
{
    json_t *arr = json_object_get(info, key);

    if (arr == NULL) {
        arr = json_array();
        json_object_set_new(info, key, arr);
    }
    if (json_array_size(arr) < 100)
        json_array_append_new(arr, json_string(value));
}

/*
 * Which Lead field a form name fills: a standard form name, a custom
 * field's 00N id, or a custom field's API name when it is not a picklist
 * (fidelity notes). NULL when Salesforce would ignore the name.
 */
static const struct field_def *
map_name(const struct object_def *lead, const char *name)
{
    const char *std = standard_field(name);
    const struct field_def *f;

    if (std != NULL)
        return schema_field(lead, std);
    if (strncmp(name, "00N", 3) == 0 &&
        (f = schema_field_by_id(lead, name)) != NULL)
        return f;
    f = schema_field(lead, name);
    if (f != NULL && (f->flags & FIELD_CUSTOM) && f->type != FT_PICKLIST &&
        f->type != FT_MULTIPICKLIST && strcmp(f->name, name) == 0)
        return f;
    return NULL;
}

/* All values posted under name joined with ';' (a multi-select). */
static char *
join_values(char *const *names, char *const *values, size_t n, const char *name)
{
    struct buf b;
    size_t i;

    buf_init(&b, 64 * 1024);
    for (i = 0; i < n; i++) {
        if (strcmp(names[i], name) != 0)
            continue;
        if (b.len > 0)
            buf_putc(&b, ';');
        buf_puts(&b, values[i]);
    }
    return buf_steal(&b, NULL);
}

/*
 * Builds the Lead's values from the form fields (names/values borrowed).
 * Strings it has to make are added to *owned (caller frees each).
 */
static void
map_fields(struct sim *sim, const struct object_def *lead, char *const *names,
           char *const *values, size_t n, struct fieldvals *fv, json_t *info,
           char **owned)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct field_def *f;

        if (is_control(names[i]))
            continue;
        if ((f = map_name(lead, names[i])) == NULL ||
            (f->flags & FIELD_READONLY)) {
            info_list_add(info, "ignored_fields", names[i]);
            continue;
        }
        if (fieldvals_get(fv, f->interned) != NULL)
            continue; /* the first occurrence wins, as getParameter() */
        if (f->type == FT_MULTIPICKLIST) {
            owned[i] = join_values(names, values, n, names[i]);
            fieldvals_set(fv, f->interned, owned[i], strlen(owned[i]));
        } else {
            fieldvals_set(fv, f->interned, values[i], strlen(values[i]));
        }
    }
    if (sim->org->w2l.default_lead_source != NULL) {
        const struct field_def *src = schema_field(lead, "LeadSource");
        const struct fieldval *have = fieldvals_get(fv, src->interned);

        if (have == NULL || have->len == 0)
            fieldvals_set(fv, src->interned, sim->org->w2l.default_lead_source,
                          strlen(sim->org->w2l.default_lead_source));
    }
}

static void
fill_not_provided(struct sim *sim, const struct object_def *lead,
                  struct fieldvals *fv)
{
    static const char *const required[] = {"LastName", "Company"};
    size_t i;

    for (i = 0; i < 2; i++) {
        const struct field_def *f = schema_field(lead, required[i]);
        const struct fieldval *have = fieldvals_get(fv, f->interned);

        if (i == 1 && sim->org->person_accounts)
            continue; /* Company is not required with Person Accounts */
        if (have == NULL || have->len == 0)
            fieldvals_set(fv, f->interned, NOT_PROVIDED, strlen(NOT_PROVIDED));
    }
}

static void mail_duplicate(struct sim *sim, char *const *names,
                           char *const *values, size_t n, const json_t *errors,
                           int64_t now);

/* Maps and creates one lead; fills out (verdict, record id, detail). */
static void
create_lead(struct sim *sim, char *const *names, char *const *values, size_t n,
            int64_t now, struct w2l_outcome *out)
{
    const struct object_def *lead = schema_object(sim->schema, "Lead");
    struct fieldvals fv = {0};
    struct intake_result res;
    char **owned = xcalloc(n + 1, sizeof(*owned));
    size_t i;

    intake_result_init(&res);
    map_fields(sim, lead, names, values, n, &fv, out->info, owned);
    fill_not_provided(sim, lead, &fv);
    if (intake_create(sim, lead, &fv, INTAKE_WEB_TO_LEAD, now, &res) == 0) {
        out->verdict = VERDICT_CREATED;
        sfid_to18(res.record->id, out->record_id);
    } else {
        out->verdict = res.verdict;
        out->detail = res.detail;
        res.detail = NULL;
        if (res.verdict == VERDICT_REJECTED_DUPLICATE)
            mail_duplicate(sim, names, values, n, res.errors, now);
    }
    if (res.notes != NULL)
        json_object_update(out->info, res.notes);
    fieldvals_free(&fv);
    intake_result_free(&res);
    for (i = 0; i < n; i++)
        free(owned[i]);
    free(owned);
}

static int
org_matches(const struct sim *sim, const char *oid)
{
    char id15[SFID_LEN15 + 1];

    return oid != NULL && sfid_normalize(oid, strlen(oid), id15) == 0 &&
           strcmp(id15, sim->org->org_id) == 0;
}

static int
recaptcha_ok(const struct sim *sim, const struct form *form)
{
    const char *token = form_get(form, "g-recaptcha-response");
    char **t;

    if (!sim->org->w2l.recaptcha_required)
        return 1;
    if (token == NULL || *token == '\0')
        return 0;
    for (t = sim->org->w2l.recaptcha_tokens; t != NULL && *t != NULL; t++)
        if (strcmp(*t, token) == 0)
            return 1;
    return 0;
}

/* The lead's data as an email body, the way Salesforce forwards it. */
static char *
lead_mail_body(const struct form *form)
{
    struct buf b;
    size_t i;

    buf_init(&b, 64 * 1024);
    for (i = 0; i < form->n; i++)
        if (!is_control(form->fields[i].name))
            buf_printf(
                &b, "%s: %s\n", form->fields[i].name,
                redact_value(form->fields[i].name, form->fields[i].value));
    return buf_steal(&b, NULL);
}

static const char *
lead_creator(const struct sim *sim)
{
    if (sim->org->w2l.lead_creator != NULL)
        return sim->org->w2l.lead_creator;
    return sim->org->nusers > 0 ? sim->org->users[0].username
                                : "default-lead-creator";
}

static void
mail_over_limit(struct sim *sim, const struct form *form, int64_t now)
{
    char *body = lead_mail_body(form);

    mailbox_add(sim->mail, now, "w2l_over_limit", lead_creator(sim),
                "Web-to-Lead: daily limit exceeded", body);
    free(body);
}

/*
 * A duplicate rule blocked a web lead: Salesforce mails the lead's data
 * with the rule's alert text as the reason (facts 1.5; KB 000387310).
 */
static void
mail_duplicate(struct sim *sim, char *const *names, char *const *values,
               size_t n, const json_t *errors, int64_t now)
{
    const char *reason = json_string_value(
        json_object_get(json_array_get(errors, 0), "message"));
    struct buf b;
    char *body;
    size_t i;

    buf_init(&b, 64 * 1024);
    buf_printf(&b,
               "Salesforce could not create this lead because of the reason "
               "listed below.\n\nReason: %s\n\nRecord Information:\n\n",
               reason != NULL ? reason : "duplicate record");
    for (i = 0; i < n; i++)
        if (!is_control(names[i]))
            buf_printf(&b, "%s: %s\n", names[i], values[i]);
    body = buf_steal(&b, NULL);
    mailbox_add(sim->mail, now, "w2l_duplicate", lead_creator(sim),
                "Web-to-Lead: lead not created (duplicate rule)", body);
    free(body);
}

static void
over_limit(struct sim *sim, const struct form *form, uint64_t seq, int64_t now,
           struct w2l_outcome *out)
{
    struct w2lqueue *w = sim->w2l;

    mail_over_limit(sim, form, now);
    if (sim->org->w2l.over_limit == W2L_OVER_DROP) {
        out->verdict = VERDICT_DROPPED_DAILY_LIMIT;
        out->detail = xasprintf("daily limit of %lld reached",
                                (long long)sim->org->w2l.daily_limit);
        return;
    }
    if ((int64_t)w->qlen >= sim->org->w2l.queue_limit ||
        w->qlen >= W2L_QUEUE_MAX_HARD) {
        out->verdict = VERDICT_DROPPED_QUEUE_FULL;
        out->detail = xasprintf("pending queue full (%zu)", w->qlen);
        if (w->rejected_queue_full++ < W2L_ADMIN_REJECT_MAILS) {
            char *body = lead_mail_body(form);

            mailbox_add(sim->mail, now, "w2l_queue_rejected", lead_creator(sim),
                        "Web-to-Lead: pending request rejected", body);
            free(body);
        }
        return;
    }
    if (w->qlen == 0)
        w->settled_ms = now;
    w2lqueue_push(w, form, seq);
    out->verdict = VERDICT_QUEUED_DAILY_LIMIT;
    out->detail = xasprintf("queued at position %zu", w->qlen);
}

void
w2l_submit(struct sim *sim, const struct form *form, uint64_t seq,
           struct w2l_outcome *out)
{
    struct w2lqueue *w = sim->w2l;
    int64_t now = sim_now(sim);
    char **names = NULL, **values = NULL;
    size_t i;

    memset(out, 0, sizeof(*out));
    out->info = json_object();
    if (!org_matches(sim, form_get(form, "oid"))) {
        out->verdict = VERDICT_REJECTED_BAD_OID;
        out->bad_org = 1;
        out->detail = xstrdup(form_get(form, "oid") == NULL
                                  ? "no oid in the form"
                                  : "oid does not name this org");
        return;
    }
    if (!sim->org->w2l.enabled) {
        out->verdict = VERDICT_W2L_DISABLED;
        mailbox_add(sim->mail, now, "w2l_disabled", "Salesforce Support",
                    "Web-to-Lead submission while disabled", "");
        return;
    }
    if (!recaptcha_ok(sim, form)) {
        out->verdict = VERDICT_REJECTED_RECAPTCHA;
        out->detail = xstrdup("reCAPTCHA required; no valid "
                              "g-recaptcha-response");
        return;
    }
    if (w->qlen > 0 ||
        (int64_t)window_count(&w->window, now) >= sim->org->w2l.daily_limit) {
        over_limit(sim, form, seq, now, out);
        return;
    }
    window_add(&w->window, now, 1);
    names = xcalloc(form->n + 1, sizeof(*names));
    values = xcalloc(form->n + 1, sizeof(*values));
    for (i = 0; i < form->n; i++) {
        names[i] = form->fields[i].name;
        values[i] = form->fields[i].value;
    }
    create_lead(sim, names, values, form->n, now, out);
    free(names);
    free(values);
}

/* Releases the queue head at release_ms and journals what became of it. */
static void
release_one(struct sim *sim, int64_t release_ms)
{
    struct w2lqueue *w = sim->w2l;
    const struct w2l_pending *q = w2lqueue_head(w);
    struct w2l_outcome out;
    struct journal_entry e;
    char *info = NULL;

    memset(&out, 0, sizeof(out));
    out.info = json_object();
    window_add(&w->window, release_ms, 1);
    create_lead(sim, q->names, q->values, q->n, release_ms, &out);
    if (out.verdict == VERDICT_CREATED)
        out.verdict = VERDICT_CREATED_FROM_QUEUE;
    memset(&e, 0, sizeof(e));
    e.time_ms = release_ms;
    e.kind = "event";
    e.path = "/servlet/servlet.WebToLead";
    e.verdict = out.verdict;
    e.object = "Lead";
    e.record_id = out.record_id[0] ? out.record_id : NULL;
    e.detail = out.detail;
    e.ref_seq = q->seq;
    if (json_object_size(out.info) > 0)
        e.info_json = info = json_dumps(out.info, JSON_COMPACT);
    journal_add(sim->journal, &e);
    free(info);
    w2l_outcome_free(&out);
    w2lqueue_pop(w);
}

/*
 * Works through the queue in simulated time, from where it was last left
 * (when the window was full) up to now: at each moment the window has room
 * the head of the queue is created, and otherwise time skips to when the
 * oldest counted post leaves the window. Exact to the second, however far
 * the clock jumped.
 */
void
w2l_settle(struct sim *sim)
{
    struct w2lqueue *w = sim->w2l;
    int64_t now, vt, next;

    if (w->qlen == 0 || sim->org->w2l.daily_limit <= 0)
        return;
    now = sim_now(sim);
    vt = w->settled_ms;
    while (w->qlen > 0 && vt <= now) {
        if ((int64_t)window_count(&w->window, vt) < sim->org->w2l.daily_limit) {
            release_one(sim, vt);
            continue;
        }
        next = window_next_expiry(&w->window, vt);
        vt = next > vt ? next : vt + 1000;
    }
    w->settled_ms = vt;
}

json_t *
w2l_status(struct sim *sim)
{
    struct w2lqueue *w = sim->w2l;
    int64_t now = sim_now(sim), frees;
    char when[TIMEFMT_LEN];
    json_t *j;

    w2l_settle(sim);
    frees = window_next_expiry(&w->window, now);
    j = json_pack("{s:b, s:I, s:I, s:I, s:s, s:I}", "enabled",
                  sim->org->w2l.enabled, "limit",
                  (json_int_t)sim->org->w2l.daily_limit, "used",
                  (json_int_t)window_count(&w->window, now), "queued",
                  (json_int_t)w->qlen, "over_limit",
                  sim->org->w2l.over_limit == W2L_OVER_QUEUE ? "queue" : "drop",
                  "rejected_queue_full", (json_int_t)w->rejected_queue_full);
    json_object_set_new(j, "window_frees_at",
                        frees < 0 ? json_null()
                                  : json_string(timefmt_rfc3339(frees, when)));
    return j;
}
