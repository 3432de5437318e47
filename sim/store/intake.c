/*
 * intake.c - conversion, defaults and checks before a record is stored
 * (see intake.h).
 */
#include "intake.h"

#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "leadstatus.h"
#include "objects_custom.h"
#include "org.h"
#include "person.h"
#include "rules.h"
#include "schema.h"
#include "sim.h"
#include "timefmt.h"
#include "utf8.h"
#include "value.h"
#include "xmalloc.h"

#define INTAKE_MAX_OWNED 1024
/* A record's converted values and the values made for it, held in its
 * ctx up to these counts (most records), on the heap past them: this is
 * the path of every record created. The ctx stays below the sizes
 * malloc serves from its large bins. */
#define INTAKE_ROOM_VALUES 24
#define INTAKE_ROOM_OWNED 8
/* How records' numbers and dates are read (value.h): a decimal literal
 * never out of range, and a day the calendar has, as Salesforce reads a
 * field's value. */
#define INTAKE_NUMBERS VALUE_NUM_NO_UNDERFLOW
#define INTAKE_DATES 0

/*
 * Values made during conversion; freed once the record is stored. Grown on
 * demand (past room): most records convert a handful of values, and this
 * is on the path of every record created.
 */
struct scratch {
    char **owned; /* room, or owned */
    size_t n, cap;
    char *room[INTAKE_ROOM_OWNED];
};

/* The 18-character id of the owner a save's records get, made once for
 * the save (its records share the owner), keyed by the owner's 15. */
struct owner_memo {
    char id15[SFID_LEN15 + 1], id18[SFID_LEN18 + 1];
};

struct ctx {
    struct sim *sim;
    const struct object_def *obj;
    enum intake_source src;
    struct intake_result *res;
    struct record *existing; /* the record being updated, or NULL */
    struct intake_opts opts;
    enum person_kind kind;
    struct person_derived *derived; /* owned; a person account's only */
    struct fieldvals out;
    struct scratch scratch;
    size_t cur;                    /* the fv entry being converted */
    char owner18[SFID_LEN18 + 1];  /* set_owner()'s value */
    struct owner_memo *owner_memo; /* the save's, or NULL */
    struct fieldval out_room[INTAKE_ROOM_VALUES]; /* out's first values */
};

_Static_assert(sizeof(struct ctx) < 1000, "a ctx from malloc's small bins");

void
intake_result_init(struct intake_result *res)
{
    memset(res, 0, sizeof(*res));
}

void
intake_result_free(struct intake_result *res)
{
    json_decref(res->errors);
    json_decref(res->notes);
    free(res->detail);
    memset(res, 0, sizeof(*res));
}

static const char *
keep(struct ctx *c, char *s)
{
    if (c->scratch.n >= INTAKE_MAX_OWNED) {
        free(s);
        return "";
    }
    if (c->scratch.n == c->scratch.cap) {
        c->scratch.cap *= 2;
        if (c->scratch.owned == c->scratch.room) {
            c->scratch.owned =
                xreallocarray(NULL, c->scratch.cap, sizeof(*c->scratch.owned));
            memcpy(c->scratch.owned, c->scratch.room, sizeof(c->scratch.room));
        } else {
            c->scratch.owned = xreallocarray(c->scratch.owned, c->scratch.cap,
                                             sizeof(*c->scratch.owned));
        }
    }
    c->scratch.owned[c->scratch.n++] = s;
    return s;
}

static void add_error(struct ctx *c, enum verdict v, const char *code,
                      const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
add_error(struct ctx *c, enum verdict v, const char *code, const char *field,
          const char *fmt, ...)
{
    va_list ap;
    char msg[1024];
    json_t *fields = json_array();

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (field != NULL)
        json_array_append_new(fields, json_string(field));
    if (c->res->errors == NULL)
        c->res->errors = json_array();
    json_array_append_new(c->res->errors,
                          json_pack("{s:s, s:s, s:o}", "message", msg,
                                    "errorCode", code, "fields", fields));
    if (c->res->detail == NULL) {
        c->res->verdict = v;
        c->res->detail = xasprintf("%s: %s", code, msg);
    }
}

/* Appends err (a Salesforce error object; stolen) to the result. */
static void
add_error_json(struct ctx *c, enum verdict v, json_t *err)
{
    if (c->res->errors == NULL)
        c->res->errors = json_array();
    if (c->res->detail == NULL) {
        c->res->verdict = v;
        c->res->detail = xasprintf(
            "%s: %s", json_string_value(json_object_get(err, "errorCode")),
            json_string_value(json_object_get(err, "message")));
    }
    json_array_append_new(c->res->errors, err);
}

static void
note(struct ctx *c, const char *what, const char *field)
{
    json_t *arr;

    if (c->res->notes == NULL)
        c->res->notes = json_object();
    if ((arr = json_object_get(c->res->notes, what)) == NULL) {
        arr = json_array();
        json_object_set_new(c->res->notes, what, arr);
    }
    json_array_append_new(arr, json_string(field));
}

static int
is_email(const char *v)
{
    const char *at = strchr(v, '@'), *dot;

    if (at == NULL || at == v || strchr(at + 1, '@') != NULL)
        return 0;
    dot = strrchr(at, '.');
    if (dot == NULL || dot == at + 1 || dot[1] == '\0')
        return 0;
    /* No isspace() byte of the C locale (the sim's), ',' or ';': one
     * strcspn() (this runs for every email). */
    return v[strcspn(v, " \t\n\v\f\r,;")] == '\0';
}

static int
picklist_has(const struct field_def *f, const char *v)
{
    size_t i;

    for (i = 0; f->values != NULL && f->values[i] != NULL; i++)
        if (strcmp(f->values[i], v) == 0)
            return 1;
    return 0;
}

/* -1 with the first value (*bad, caller frees) a restricted multi-select
 * picklist does not have; its values are separated by ';'. */
static int
multipicklist_bad(const struct field_def *f, const char *v, char **bad)
{
    const char *p = v;

    while (*p != '\0') {
        size_t n = strcspn(p, ";");
        char *one = xstrndup(p, n);

        if (!picklist_has(f, one)) {
            *bad = one;
            return -1;
        }
        free(one);
        p += n + (p[n] == ';');
    }
    return 0;
}

/* Checkbox strings Salesforce accepts. -1 when not a boolean. */
static int
parse_checkbox(const char *v, int lenient)
{
    static const char *const yes[] = {"true", "1", "on", "yes", NULL};
    static const char *const no[] = {"false", "0", "off", "no", "", NULL};
    int i;

    for (i = 0; yes[i] != NULL; i++)
        if (strcasecmp(v, yes[i]) == 0 && (lenient || i == 0))
            return 1;
    for (i = 0; no[i] != NULL; i++)
        if (strcasecmp(v, no[i]) == 0 && (lenient || i == 0))
            return 0;
    return -1;
}

static char *
convert_number(const char *v, const struct field_def *f)
{
    double d;

    if (value_parse_number(v, strlen(v), INTAKE_NUMBERS, &d) == -1)
        return NULL;
    if (f->type == FT_INT)
        return d == floor(d) ? xasprintf("%.0f", d) : NULL;
    return xasprintf("%.*f", f->scale, d);
}

/* YYYY-MM-DD, or (Web-to-Lead, lenient) M/D/YYYY: the en_US locale
 * Web-to-Lead parses with. The API takes ISO 8601 dates only. */
static char *
convert_date(const char *v, int lenient)
{
    struct value_date d;

    if (value_parse_date(v, strlen(v),
                         INTAKE_DATES | (lenient ? VALUE_DATE_LOOSE : 0),
                         &d) == -1)
        return NULL;
    return xasprintf("%04d-%02d-%02d", d.year, d.month, d.day);
}

static char *
convert_datetime(const char *v)
{
    int64_t ms;
    char out[TIMEFMT_LEN];

    if (value_parse_datetime(v, strlen(v), 0, &ms) == -1)
        return NULL;
    return xstrdup(timefmt_salesforce(ms, out));
}

static int
check_length(struct ctx *c, const struct field_def *f, const char **v,
             size_t *len)
{
    /* No more characters than bytes: a short value needs no count. */
    if (f->length <= 0 || *len <= (size_t)f->length ||
        utf8_count(*v, *len) <= (size_t)f->length)
        return 0;
    if (c->src == INTAKE_WEB_TO_LEAD) {
        *len = utf8_offset(*v, *len, (size_t)f->length);
        note(c, "truncated_fields", f->name);
        return 0;
    }
    add_error(c, VERDICT_ERROR, "STRING_TOO_LONG", f->name,
              "%s: data value too large: %s (max length=%d)", f->label, *v,
              f->length);
    return -1;
}

/* API sources: an id in 15 or 18 characters, stored in 18. */
/*
 * A custom lookup must name a record of the object it refers to: another
 * object's id is FIELD_INTEGRITY_EXCEPTION, an id of no record
 * INVALID_CROSS_REFERENCE_KEY, one in the recycle bin ENTITY_IS_DELETED.
 */
static int
check_reference(struct ctx *c, const struct field_def *f, const char *v,
                const char *id15)
{
    const struct record *r = store_get_any(c->sim->store, id15);
    const struct object_def *to =
        schema_object(c->sim->schema, f->reference_to[0]);

    if (to == NULL || strncmp(id15, to->prefix, 3) != 0) {
        add_error(c, VERDICT_ERROR, "FIELD_INTEGRITY_EXCEPTION", f->name,
                  "%s: id value of incorrect type: %s", f->label, v);
        return -1;
    }
    if (r == NULL || r->object != to->store_index) {
        add_error(c, VERDICT_ERROR, "INVALID_CROSS_REFERENCE_KEY", f->name,
                  "invalid cross reference id");
        return -1;
    }
    if (r->deleted) {
        add_error(c, VERDICT_ERROR, "ENTITY_IS_DELETED", f->name,
                  "entity is deleted");
        return -1;
    }
    return 0;
}

static int
convert_id(struct ctx *c, const struct field_def *f, const char *v, size_t len)
{
    char id15[SFID_LEN15 + 1], id18[SFID_LEN18 + 1];

    if (sfid_normalize(v, len, id15) == -1) {
        add_error(c, VERDICT_ERROR, "MALFORMED_ID", f->name,
                  "%s: id value of incorrect type: %s", f->label, v);
        return -1;
    }
    if ((f->flags & FIELD_CUSTOM) && f->reference_to[0] != NULL &&
        check_reference(c, f, v, id15) == -1)
        return -1;
    sfid_to18(id15, id18);
    fieldvals_set(&c->out, f->interned, keep(c, xstrdup(id18)), SFID_LEN18);
    return 0;
}

/* The XML Schema type the Bulk API names for a value it cannot read. */
static const char *
xsd_name(enum fieldtype t)
{
    static const struct {
        enum fieldtype type;
        const char *xsd;
    } xsd[] = {
        {FT_BOOLEAN, "boolean"},   {FT_INT, "int"},
        {FT_DOUBLE, "double"},     {FT_CURRENCY, "double"},
        {FT_PERCENT, "double"},    {FT_DATE, "date"},
        {FT_DATETIME, "dateTime"},
    };
    size_t i;

    for (i = 0; i < sizeof(xsd) / sizeof(xsd[0]); i++)
        if (xsd[i].type == t)
            return xsd[i].xsd;
    return "string";
}

/* Converts one value to its stored form; -1 when it is refused. */
/*
 * A value the field's type cannot hold: Web-to-Lead drops it and notes
 * the field; the API refuses the request. 0 or -1 as convert() answers.
 */
static int
bad_value(struct ctx *c, const struct field_def *f, const char *v)
{
    if (c->src == INTAKE_WEB_TO_LEAD) {
        note(c, "invalid_values", f->name);
        return 0;
    }
    if (c->src == INTAKE_BULK) {
        add_error(c, VERDICT_ERROR, "INVALID_FIELD", f->name,
                  "Failed to deserialize field at col %d. Due to, '%s' is "
                  "not a valid value for the type xsd:%s",
                  c->opts.columns != NULL ? c->opts.columns[c->cur]
                                          : (int)c->cur,
                  v, xsd_name(f->type));
        return -1;
    }
    add_error(c, VERDICT_ERROR, "JSON_PARSER_ERROR", NULL,
              "Cannot deserialize instance of %s from VALUE_STRING value %s "
              "or request may be missing a required field",
              fieldtype_describe_name(f->type), v);
    return -1;
}

/* The checks on a value kept as text (email, restricted picklists):
 * 0, or -1 with the error added. */
static int
check_text(struct ctx *c, const struct field_def *f, const char *v)
{
    char *bad = NULL;

    if (f->type == FT_EMAIL && c->src != INTAKE_WEB_TO_LEAD && !is_email(v)) {
        add_error(c, VERDICT_ERROR, "INVALID_EMAIL_ADDRESS", f->name,
                  "%s: invalid email address: %s", f->label, v);
        return -1;
    }
    if (!(f->flags & FIELD_RESTRICTED))
        return 0;
    if ((f->type == FT_PICKLIST && !picklist_has(f, v)) ||
        (f->type == FT_MULTIPICKLIST && multipicklist_bad(f, v, &bad) == -1)) {
        add_error(c, VERDICT_REJECTED_VALIDATION,
                  "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f->name,
                  "%s: bad value for restricted picklist field: %s", f->label,
                  bad != NULL ? bad : v);
        free(bad);
        return -1;
    }
    return 0;
}

/* Stores a value kept as text, once checked; 0 or -1 as convert(). */
static int
store_text(struct ctx *c, const struct field_def *f, const char *v, size_t len)
{
    if (check_text(c, f, v) == -1 || check_length(c, f, &v, &len) == -1)
        return -1;
    fieldvals_set(&c->out, f->interned, v, len);
    return 0;
}

/* Converts and stores one field's value; 0, or -1 when the request is
 * refused (the error added). */
static int
convert(struct ctx *c, const struct field_def *f, const char *v, size_t len)
{
    char *conv;
    int b;

    switch (f->type) {
    case FT_BOOLEAN:
        if ((b = parse_checkbox(v, c->src == INTAKE_WEB_TO_LEAD)) < 0)
            return bad_value(c, f, v);
        fieldvals_set(&c->out, f->interned, b ? "true" : "false", b ? 4 : 5);
        return 0;
    case FT_DOUBLE:
    case FT_INT:
    case FT_CURRENCY:
    case FT_PERCENT: conv = convert_number(v, f); break;
    case FT_DATE: conv = convert_date(v, c->src == INTAKE_WEB_TO_LEAD); break;
    case FT_DATETIME: conv = convert_datetime(v); break;
    case FT_ID:
    case FT_REFERENCE:
        /* Web-to-Lead keeps an id as text. */
        return c->src != INTAKE_WEB_TO_LEAD ? convert_id(c, f, v, len)
                                            : store_text(c, f, v, len);
    default: return store_text(c, f, v, len);
    }
    if (conv == NULL)
        return bad_value(c, f, v);
    fieldvals_set(&c->out, f->interned, keep(c, conv), strlen(conv));
    return 0;
}

/*
 * Salesforce deserialises the JSON body before it checks any value, so a
 * value of the wrong type ends the request with that one JSON_PARSER_ERROR
 * (no "fields") and nothing else is reported.
 */
static void
parser_error_alone(struct ctx *c)
{
    size_t i;

    for (i = 0; i < json_array_size(c->res->errors); i++) {
        json_t *e = json_array_get(c->res->errors, i);
        const char *code = json_string_value(json_object_get(e, "errorCode"));

        if (code == NULL || strcmp(code, "JSON_PARSER_ERROR") != 0)
            continue;
        json_object_del(e, "fields");
        json_incref(e);
        json_array_clear(c->res->errors);
        json_array_append_new(c->res->errors, e);
        free(c->res->detail);
        c->res->verdict = VERDICT_ERROR;
        c->res->detail =
            xasprintf("JSON_PARSER_ERROR: %s",
                      json_string_value(json_object_get(e, "message")));
        return;
    }
}

/* The field of fv's entry i: defs[i] when the caller looked them up
 * (defs not NULL), else looked up now. */
static const struct field_def *
field_at(const struct ctx *c, const struct fieldvals *fv,
         const struct field_def *const *defs, size_t i)
{
    return defs != NULL ? defs[i]
                        : schema_field_interned(c->obj, fv->v[i].field);
}

static void
convert_all(struct ctx *c, const struct fieldvals *fv,
            const struct field_def *const *defs)
{
    size_t i;

    for (i = 0; i < fv->n; i++) {
        const struct field_def *f = field_at(c, fv, defs, i);

        if (f == NULL)
            continue;
        c->cur = i;
        if (fv->v[i].value == NULL || fv->v[i].len == 0) {
            /* Blank is null: nothing to create, a field to clear. */
            if (c->existing != NULL)
                fieldvals_set(&c->out, f->interned, NULL, 0);
            continue;
        }
        convert(c, f, fv->v[i].value, fv->v[i].len);
    }
    parser_error_alone(c);
}

/* The owner's id as OwnerId (f). */
static void
set_owner(struct ctx *c, const struct field_def *f,
          const struct org_user *owner)
{
    struct owner_memo *m = c->owner_memo;

    if (m == NULL) {
        sfid_to18(owner->id, c->owner18);
    } else {
        if (strcmp(m->id15, owner->id) != 0) {
            snprintf(m->id15, sizeof(m->id15), "%s", owner->id);
            sfid_to18(owner->id, m->id18);
        }
        memcpy(c->owner18, m->id18, sizeof(c->owner18));
    }
    fieldvals_set(&c->out, f->interned, c->owner18, SFID_LEN18);
}

/* obj's OwnerId field, or NULL (found once by schema_add()). */
static const struct field_def *
owner_field(const struct object_def *obj)
{
    if (obj->by_name == NULL)
        return schema_field(obj, "OwnerId");
    return obj->owner != 0 ? &obj->fields[obj->owner - 1] : NULL;
}

static void
apply_defaults(struct ctx *c)
{
    const struct org_user *owner =
        c->sim->org->nusers > 0 ? &c->sim->org->users[0] : NULL;
    const struct field_def *an = objects_autonumber_field(c->obj);
    const struct field_def *own = owner != NULL ? owner_field(c->obj) : NULL;
    char number[128];
    size_t k;

    if (an != NULL) {
        objects_autonumber(c->obj, an, c->sim->store, number, sizeof(number));
        fieldvals_set(&c->out, an->interned, keep(c, xstrdup(number)),
                      strlen(number));
    }
    /* In field order (the order out keeps): each default not given, and
     * the owner at OwnerId's place, after OwnerId's own default. */
    for (k = 0; k < c->obj->ndefaults; k++) {
        const struct field_def *f = &c->obj->fields[c->obj->defaults[k]];

        if (own != NULL && own < f) {
            set_owner(c, own, owner);
            own = NULL;
        }
        if (fieldvals_get(&c->out, f->interned) == NULL)
            fieldvals_set(&c->out, f->interned, f->default_value,
                          strlen(f->default_value));
        if (own == f) {
            set_owner(c, own, owner);
            own = NULL;
        }
    }
    if (own != NULL)
        set_owner(c, own, owner);
}

/* "A, B, C" from an array of strings, into out. */
static const char *
join_names(json_t *names, char *out, size_t n)
{
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < json_array_size(names) && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "",
                                 json_string_value(json_array_get(names, i)));
    return out;
}

/* Appends name to *arr, made on first use: most records add none. */
static void
append_name(json_t **arr, const char *name)
{
    if (*arr == NULL)
        *arr = json_array();
    json_array_append_new(*arr, json_string(name));
}

/*
 * The API may write only createable/updateable fields, and Person Accounts
 * narrow that by kind. Salesforce refuses such a request with one error,
 * before looking at any value; -1 after adding it.
 */
static int
check_writable(struct ctx *c, const struct fieldvals *fv,
               const struct field_def *const *defs)
{
    json_t *ro = NULL, *bad = NULL;
    char names[1024];
    size_t i;
    int rc = -1;

    for (i = 0; i < fv->n; i++) {
        const struct field_def *f = field_at(c, fv, defs, i);
        enum person_field st;

        if (f == NULL)
            continue;
        st = person_field_check(c->kind, f, c->existing != NULL);
        if (st == PERSON_FIELD_BAD)
            append_name(&bad, f->name);
        else if ((f->flags & FIELD_READONLY) || st == PERSON_FIELD_READONLY)
            append_name(&ro, f->name);
    }
    if (json_array_size(bad) > 0)
        add_error_json(c, VERDICT_ERROR,
                       json_pack("{s:s+++, s:s, s:O}", "message", c->obj->name,
                                 ": bad field names on insert/update call: ",
                                 join_names(bad, names, sizeof(names)), "",
                                 "errorCode", "INVALID_FIELD_FOR_INSERT_UPDATE",
                                 "fields", bad));
    else if (json_array_size(ro) > 0)
        add_error_json(
            c, VERDICT_ERROR,
            json_pack("{s:s++, s:s, s:O}", "message",
                      "Unable to create/update fields: ",
                      join_names(ro, names, sizeof(names)),
                      ". Please check the security settings of this field and "
                      "verify that it is read/write for your profile or "
                      "permission set.",
                      "errorCode", "INVALID_FIELD_FOR_INSERT_UPDATE", "fields",
                      ro));
    else
        rc = 0;
    json_decref(ro);
    json_decref(bad);
    return rc;
}

/* Required on create: absent; on update: being cleared. */
static int
is_missing(const struct ctx *c, const struct field_def *f)
{
    const struct fieldval *v;

    if (!person_required(c->kind, f))
        return 0;
    if (strcmp(f->name, "Company") == 0 && c->sim->org->person_accounts)
        return 0;
    v = fieldvals_get(&c->out, f->interned);
    if (c->existing != NULL)
        return v != NULL && v->value == NULL;
    return v == NULL || v->value == NULL;
}

static void
check_required(struct ctx *c)
{
    const struct object_def *o = c->obj;
    const struct field_def *f;
    char names[1024];
    size_t i, n = o->by_name != NULL ? o->nrequired : o->nfields;
    json_t *fields = NULL;

    /* The fields that may be required (schema_add() lists them), else
     * all of them. */
    for (i = 0; i < n; i++) {
        f = o->by_name != NULL ? &o->fields[o->required[i]] : &o->fields[i];
        if (is_missing(c, f))
            append_name(&fields, f->name);
    }
    if (json_array_size(fields) > 0)
        add_error_json(c, VERDICT_REJECTED_REQUIRED,
                       json_pack("{s:s++, s:s, s:O}", "message",
                                 "Required fields are missing: [",
                                 join_names(fields, names, sizeof(names)), "]",
                                 "errorCode", "REQUIRED_FIELD_MISSING",
                                 "fields", fields));
    json_decref(fields);
}

/* Stores the checked values: a new record, or the update of c->existing. */
static int
store_values(struct ctx *c, int64_t now_ms)
{
    struct record *r = c->existing;

    if (r == NULL)
        r = store_insert(c->sim->store, c->obj->store_index, &c->out, now_ms);
    else if (store_update(c->sim->store, r, &c->out, now_ms) == -1)
        r = NULL;
    if (r == NULL) {
        add_error(c, VERDICT_ERROR, "INVALID_FIELD", NULL,
                  "Too many fields in one record (max %d)",
                  STORE_MAX_FIELDS_PER_RECORD);
        return -1;
    }
    person_sync_contact(c->sim, c->obj, r, now_ms);
    c->res->record = r;
    c->res->verdict = c->existing != NULL ? VERDICT_UPDATED : VERDICT_CREATED;
    return 0;
}

/* Appends the errors of the rules that fired (stolen) with their names. */
static void
rule_errors(struct ctx *c, enum verdict v, json_t *errors, json_t *names,
            const char *note_key)
{
    char list[512];
    size_t i;

    for (i = 0; i < json_array_size(names); i++)
        note(c, note_key, json_string_value(json_array_get(names, i)));
    if (c->res->detail == NULL) {
        c->res->verdict = v;
        c->res->detail = xasprintf("%s: %s: %s",
                                   json_string_value(json_object_get(
                                       json_array_get(errors, 0), "errorCode")),
                                   join_names(names, list, sizeof(list)),
                                   json_string_value(json_object_get(
                                       json_array_get(errors, 0), "message")));
    }
    if (c->res->errors == NULL)
        c->res->errors = json_array();
    json_array_extend(c->res->errors, errors);
    json_decref(errors);
}

/*
 * Validation rules, then duplicate rules (only for a record that passed
 * them), as Salesforce orders its save: on the converted values, for
 * creates and updates alike.
 */
static void
apply_rules(struct ctx *c, int64_t now_ms)
{
    struct rules *r = c->sim->org->rules;
    struct rules_subject s = {c->obj, &c->out, c->existing, c->sim,
                              c->src == INTAKE_WEB_TO_LEAD};
    struct rules_dup_opts d = {c->src == INTAKE_WEB_TO_LEAD, c->opts.allow_save,
                               c->opts.api_version};
    json_t *errors = NULL, *names = NULL, *reported = NULL;
    size_t i;

    if (rules_validate(r, &s, now_ms, &errors, &names) > 0) {
        rule_errors(c, VERDICT_REJECTED_VALIDATION, errors, names,
                    "validation_rules");
        errors = NULL;
    } else if (rules_duplicates(r, c->sim, &s, now_ms, &d, &errors, &names,
                                &reported) > 0) {
        rule_errors(c, VERDICT_REJECTED_DUPLICATE, errors, names,
                    "duplicate_rules");
        errors = NULL;
    }
    for (i = 0; i < json_array_size(reported); i++)
        note(c, "duplicates_reported",
             json_string_value(json_array_get(reported, i)));
    json_decref(errors);
    json_decref(names);
    json_decref(reported);
}

/* Every check of the one path, creates (c->existing NULL) and updates
 * alike: 0 when the record may be stored, -1 with the errors. */
static int
check(struct ctx *c, const struct fieldvals *fv, int64_t now_ms)
{
    const struct field_def *small[INTAKE_ROOM_VALUES], **defs = NULL;
    json_t *err = NULL;
    char msg[160];
    size_t i;

    /* Objects the org file makes (User, Profile, Organization), whatever
     * the batch call that names them. */
    if (schema_refusal(c->obj,
                       c->existing == NULL ? OBJ_CREATEABLE : OBJ_UPDATEABLE,
                       msg, sizeof(msg)) == -1) {
        add_error(c, VERDICT_ERROR, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
                  NULL, "%s", msg);
        return -1;
    }
    if (c->existing != NULL && leadstatus_lead_converted(c->obj, c->existing)) {
        add_error(c, VERDICT_ERROR, "CANNOT_UPDATE_CONVERTED_LEAD", NULL,
                  "cannot reference converted lead");
        return -1;
    }

    if (person_kind(c->sim, c->obj, fv, c->existing, &c->kind, &err) == -1) {
        add_error_json(c, VERDICT_ERROR, err);
        return -1;
    }
    /* Each value's field, looked up once for the checks that follow. */
    if (fv->n <= INTAKE_ROOM_VALUES) {
        defs = small;
        for (i = 0; i < fv->n; i++)
            defs[i] = schema_field_interned(c->obj, fv->v[i].field);
    }
    if (c->src != INTAKE_WEB_TO_LEAD && check_writable(c, fv, defs) == -1)
        return -1;
    convert_all(c, fv, defs);
    if (c->kind != PERSON_NONE) {
        c->derived = xcalloc(1, sizeof(*c->derived));
        person_derive(c->obj, c->kind, &c->out, c->existing, c->derived);
    }
    if (c->existing == NULL)
        apply_defaults(c);
    check_required(c);
    if (c->res->errors == NULL)
        apply_rules(c, now_ms);
    return c->res->errors != NULL ? -1 : 0;
}

/* Makes c (its storage, which need not be zero) a new ctx. */
static struct ctx *
ctx_init(struct ctx *c, struct sim *sim, const struct object_def *obj,
         struct record *r, enum intake_source src,
         const struct intake_opts *opts, struct intake_result *res)
{
    /* All but out_room (the last member), which out fills as it goes. */
    memset(c, 0, offsetof(struct ctx, out_room));
    c->sim = sim;
    c->obj = obj;
    c->src = src;
    c->res = res;
    c->existing = r;
    if (opts != NULL)
        c->opts = *opts;
    fieldvals_init_room(&c->out, c->out_room, INTAKE_ROOM_VALUES);
    c->scratch.owned = c->scratch.room;
    c->scratch.cap = INTAKE_ROOM_OWNED;
    return c;
}

/* Frees what c holds (not c itself). */
static void
ctx_release(struct ctx *c)
{
    size_t i;

    fieldvals_free(&c->out);
    for (i = 0; i < c->scratch.n; i++)
        free(c->scratch.owned[i]);
    if (c->scratch.owned != c->scratch.room)
        free(c->scratch.owned);
    free(c->derived);
}

static int
intake_run(struct sim *sim, const struct object_def *obj, struct record *r,
           const struct fieldvals *fv, enum intake_source src, int64_t now_ms,
           const struct intake_opts *opts, struct intake_result *res)
{
    struct ctx *c = ctx_init(xmalloc(sizeof(*c)), sim, obj, r, src, opts, res);
    int rc;

    rc = check(c, fv, now_ms);
    if (rc == 0)
        rc = store_values(c, now_ms);
    ctx_release(c);
    free(c);
    return rc;
}

/* --- a save of many records ----------------------------------------------- */

/* A save's ctxs come INTAKE_SAVE_CHUNK at a time, kept until it is freed:
 * the n that passed their checks are slots 0..n-1, waiting to be stored;
 * slot n is the next record's (again, when its check failed). */
#define INTAKE_SAVE_CHUNK 32

struct intake_save {
    struct sim *sim;
    enum intake_source src;
    int64_t now_ms;
    struct intake_opts opts;
    struct ctx **chunks; /* owned, each INTAKE_SAVE_CHUNK ctxs */
    size_t nchunks;
    size_t n; /* checked, waiting to be stored */
    struct owner_memo owner;
};

/* The ctx of slot k (its chunk made when first needed). */
static struct ctx *
save_slot(struct intake_save *s, size_t k)
{
    if (k / INTAKE_SAVE_CHUNK == s->nchunks) {
        s->chunks =
            xreallocarray(s->chunks, s->nchunks + 1, sizeof(*s->chunks));
        s->chunks[s->nchunks++] =
            xreallocarray(NULL, INTAKE_SAVE_CHUNK, sizeof(**s->chunks));
    }
    return &s->chunks[k / INTAKE_SAVE_CHUNK][k % INTAKE_SAVE_CHUNK];
}

struct intake_save *
intake_save_new(struct sim *sim, enum intake_source src, int64_t now_ms,
                const struct intake_opts *opts)
{
    struct intake_save *s = xcalloc(1, sizeof(*s));

    s->sim = sim;
    s->src = src;
    s->now_ms = now_ms;
    if (opts != NULL)
        s->opts = *opts;
    return s;
}

int
intake_save_check(struct intake_save *s, const struct object_def *obj,
                  struct record *r, const struct fieldvals *fv,
                  struct intake_result *res)
{
    struct ctx *c =
        ctx_init(save_slot(s, s->n), s->sim, obj, r, s->src, &s->opts, res);

    c->owner_memo = &s->owner;
    if (check(c, fv, s->now_ms) == -1) {
        ctx_release(c);
        return -1;
    }
    s->n++;
    return 0;
}

size_t
intake_save_commit(struct intake_save *s)
{
    size_t i, refused = 0;

    for (i = 0; i < s->n; i++) {
        if (store_values(save_slot(s, i), s->now_ms) == -1)
            refused++;
        ctx_release(save_slot(s, i));
    }
    s->n = 0;
    return refused;
}

void
intake_save_free(struct intake_save *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->n; i++)
        ctx_release(save_slot(s, i));
    for (i = 0; i < s->nchunks; i++)
        free(s->chunks[i]);
    free(s->chunks);
    free(s);
}

int
intake_create(struct sim *sim, const struct object_def *obj,
              const struct fieldvals *fv, enum intake_source src,
              int64_t now_ms, struct intake_result *res)
{
    return intake_run(sim, obj, NULL, fv, src, now_ms, NULL, res);
}

int
intake_update(struct sim *sim, const struct object_def *obj, struct record *r,
              const struct fieldvals *fv, enum intake_source src,
              int64_t now_ms, struct intake_result *res)
{
    return intake_run(sim, obj, r, fv, src, now_ms, NULL, res);
}

int
intake_create_opts(struct sim *sim, const struct object_def *obj,
                   const struct fieldvals *fv, enum intake_source src,
                   int64_t now_ms, const struct intake_opts *opts,
                   struct intake_result *res)
{
    return intake_run(sim, obj, NULL, fv, src, now_ms, opts, res);
}

int
intake_update_opts(struct sim *sim, const struct object_def *obj,
                   struct record *r, const struct fieldvals *fv,
                   enum intake_source src, int64_t now_ms,
                   const struct intake_opts *opts, struct intake_result *res)
{
    return intake_run(sim, obj, r, fv, src, now_ms, opts, res);
}
