/*
 * intake.c - conversion, defaults and checks before a record is stored
 * (see intake.h).
 */
#include "intake.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "org.h"
#include "schema.h"
#include "sim.h"
#include "timefmt.h"
#include "xmalloc.h"

#define INTAKE_MAX_OWNED 1024

/* Values made during conversion; freed once the record is stored. */
struct scratch {
    char *owned[INTAKE_MAX_OWNED];
    size_t n;
};

struct ctx {
    struct sim *sim;
    const struct object_def *obj;
    enum intake_source src;
    struct intake_result *res;
    struct fieldvals out;
    struct scratch scratch;
};

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

/* Characters (code points) in a UTF-8 string. */
static size_t
utf8_chars(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Byte length of the first max characters of s. */
static size_t
utf8_prefix(const char *s, size_t len, size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (n == max)
                return i;
            n++;
        }
    }
    return len;
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
    for (; *v != '\0'; v++)
        if (isspace((unsigned char)*v) || *v == ',' || *v == ';')
            return 0;
    return 1;
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
    char *end = NULL;
    double d;

    errno = 0;
    d = strtod(v, &end);
    if (end == v || *end != '\0' || errno != 0 || !isfinite(d))
        return NULL;
    if (f->type == FT_INT)
        return d == floor(d) ? xasprintf("%.0f", d) : NULL;
    return xasprintf("%.*f", f->scale, d);
}

/* YYYY-MM-DD, or M/D/YYYY (the en_US locale Web-to-Lead parses with). */
static char *
convert_date(const char *v)
{
    int y, m, d;
    char tail;
    int64_t ms;
    char iso[32];

    if (sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 &&
        sscanf(v, "%2d/%2d/%4d%c", &m, &d, &y, &tail) != 3)
        return NULL;
    snprintf(iso, sizeof(iso), "%04d-%02d-%02dT00:00:00Z", y, m, d);
    if (timefmt_parse(iso, &ms) == -1)
        return NULL;
    return xasprintf("%04d-%02d-%02d", y, m, d);
}

static char *
convert_datetime(const char *v)
{
    int64_t ms;
    char out[TIMEFMT_LEN];

    if (timefmt_parse(v, &ms) == -1)
        return NULL;
    return xstrdup(timefmt_salesforce(ms, out));
}

static int
check_length(struct ctx *c, const struct field_def *f, const char **v,
             size_t *len)
{
    if (f->length <= 0 || utf8_chars(*v, *len) <= (size_t)f->length)
        return 0;
    if (c->src == INTAKE_WEB_TO_LEAD) {
        *len = utf8_prefix(*v, *len, (size_t)f->length);
        note(c, "truncated_fields", f->name);
        return 0;
    }
    add_error(c, VERDICT_ERROR, "STRING_TOO_LONG", f->name,
              "%s: data value too large: %s (max length=%d)", f->label, *v,
              f->length);
    return -1;
}

/* Converts one value to its stored form; -1 when it is refused. */
static int
convert(struct ctx *c, const struct field_def *f, const char *v, size_t len)
{
    char *conv = NULL;
    int b;

    switch (f->type) {
    case FT_BOOLEAN:
        if ((b = parse_checkbox(v, c->src == INTAKE_WEB_TO_LEAD)) < 0)
            goto bad_value;
        fieldvals_set(&c->out, f->interned, b ? "true" : "false", b ? 4 : 5);
        return 0;
    case FT_DOUBLE:
    case FT_INT:
    case FT_CURRENCY:
    case FT_PERCENT: conv = convert_number(v, f); break;
    case FT_DATE: conv = convert_date(v); break;
    case FT_DATETIME: conv = convert_datetime(v); break;
    case FT_EMAIL:
        if (c->src != INTAKE_WEB_TO_LEAD && !is_email(v)) {
            add_error(c, VERDICT_ERROR, "INVALID_EMAIL_ADDRESS", f->name,
                      "%s: invalid email address: %s", f->label, v);
            return -1;
        }
        break;
    case FT_PICKLIST:
        if ((f->flags & FIELD_RESTRICTED) && !picklist_has(f, v)) {
            add_error(c, VERDICT_REJECTED_VALIDATION,
                      "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f->name,
                      "%s: bad value for restricted picklist field: %s",
                      f->label, v);
            return -1;
        }
        break;
    default: break;
    }
    if (FIELDTYPE_IS_NUMBER(f->type) || f->type == FT_DATE ||
        f->type == FT_DATETIME) {
        if (conv == NULL)
            goto bad_value;
        fieldvals_set(&c->out, f->interned, keep(c, conv), strlen(conv));
        return 0;
    }
    if (check_length(c, f, &v, &len) == -1)
        return -1;
    fieldvals_set(&c->out, f->interned, v, len);
    return 0;
bad_value:
    if (c->src == INTAKE_WEB_TO_LEAD) {
        note(c, "invalid_values", f->name);
        return 0;
    }
    add_error(c, VERDICT_ERROR, "JSON_PARSER_ERROR", NULL,
              "Cannot deserialize instance of %s from VALUE_STRING value %s "
              "or request may be missing a required field",
              fieldtype_describe_name(f->type), v);
    return -1;
}

static const struct field_def *
field_by_interned(const struct object_def *o, uint32_t id)
{
    size_t i;

    for (i = 0; i < o->nfields; i++)
        if (o->fields[i].interned == id)
            return &o->fields[i];
    return NULL;
}

static void
convert_all(struct ctx *c, const struct fieldvals *fv)
{
    size_t i;

    for (i = 0; i < fv->n; i++) {
        const struct field_def *f = field_by_interned(c->obj, fv->v[i].field);

        if (f == NULL || fv->v[i].value == NULL)
            continue;
        if (fv->v[i].len == 0) /* blank is null */
            continue;
        convert(c, f, fv->v[i].value, fv->v[i].len);
    }
}

static void
apply_defaults(struct ctx *c)
{
    const struct org_user *owner =
        c->sim->org->nusers > 0 ? &c->sim->org->users[0] : NULL;
    size_t i;

    for (i = 0; i < c->obj->nfields; i++) {
        const struct field_def *f = &c->obj->fields[i];

        if (f->default_value != NULL &&
            fieldvals_get(&c->out, f->interned) == NULL)
            fieldvals_set(&c->out, f->interned, f->default_value,
                          strlen(f->default_value));
        if (strcmp(f->name, "OwnerId") == 0 && owner != NULL) {
            char id18[SFID_LEN18 + 1];

            sfid_to18(owner->id, id18);
            fieldvals_set(&c->out, f->interned, keep(c, xstrdup(id18)),
                          SFID_LEN18);
        }
    }
}

static void
check_required(struct ctx *c)
{
    char names[1024] = "";
    size_t used = 0, i;
    json_t *fields = json_array();

    for (i = 0; i < c->obj->nfields; i++) {
        const struct field_def *f = &c->obj->fields[i];

        if (!(f->flags & FIELD_REQUIRED) ||
            fieldvals_get(&c->out, f->interned) != NULL)
            continue;
        if (strcmp(f->name, "Company") == 0 && c->sim->org->person_accounts)
            continue;
        json_array_append_new(fields, json_string(f->name));
        if (used < sizeof(names))
            used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
                                     used ? ", " : "", f->name);
    }
    if (json_array_size(fields) > 0) {
        char msg[1100];

        snprintf(msg, sizeof(msg), "Required fields are missing: [%s]", names);
        if (c->res->errors == NULL)
            c->res->errors = json_array();
        json_array_append_new(c->res->errors,
                              json_pack("{s:s, s:s, s:O}", "message", msg,
                                        "errorCode", "REQUIRED_FIELD_MISSING",
                                        "fields", fields));
        if (c->res->detail == NULL) {
            c->res->verdict = VERDICT_REJECTED_REQUIRED;
            c->res->detail = xasprintf("REQUIRED_FIELD_MISSING: %s", msg);
        }
    }
    json_decref(fields);
}

int
intake_create(struct sim *sim, const struct object_def *obj,
              const struct fieldvals *fv, enum intake_source src,
              int64_t now_ms, struct intake_result *res)
{
    struct ctx c;
    size_t i;
    int rc = -1;

    memset(&c, 0, sizeof(c));
    c.sim = sim;
    c.obj = obj;
    c.src = src;
    c.res = res;
    convert_all(&c, fv);
    apply_defaults(&c);
    check_required(&c);
    /* Validation and duplicate rules plug in here (issue: rules). */
    if (res->errors != NULL)
        goto out;
    res->record = store_insert(sim->store, obj->store_index, &c.out, now_ms);
    if (res->record == NULL) {
        add_error(&c, VERDICT_ERROR, "INVALID_FIELD", NULL,
                  "Too many fields in one record (max %d)",
                  STORE_MAX_FIELDS_PER_RECORD);
        goto out;
    }
    res->verdict = VERDICT_CREATED;
    rc = 0;
out:
    fieldvals_free(&c.out);
    for (i = 0; i < c.scratch.n; i++)
        free(c.scratch.owned[i]);
    return rc;
}
