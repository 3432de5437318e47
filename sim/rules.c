/*
 * rules.c - compiling and applying validation and duplicate rules (see
 * rules.h).
 *
 * Compiled rules keep only what a request needs: the bound formulas and
 * pointers to the org's own rule definitions. Fields are looked up by name
 * in the sim's live schema at run time, because interned field ids belong
 * to the sim's store, which does not exist yet when an org is loaded.
 */
#include "rules.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formula.h"
#include "org.h"
#include "objects.h"
#include "schema.h"
#include "sfapi.h"
#include "sim.h"
#include "store.h"
#include "xmalloc.h"

/* Candidates read at once from an index before the buffer grows. */
#define RULES_CANDIDATES_INLINE 64

struct cvrule {
    const struct org_vrule *src;
    struct formula *f;
};

/* A matching rule applied to one object's records. */
struct cmatch {
    const struct org_mrule *m;
    const char *target; /* canonical object name, static */
};

struct cdrule {
    const struct org_drule *src;
    struct formula *cond; /* NULL: always applies */
    struct cmatch *match;
    size_t nmatch;
};

struct rules {
    struct cvrule *v;
    size_t nv;
    struct cdrule *d;
    size_t nd;
};

/* What each match kind means: the index normalisation it is looked up
 * with, and whether Salesforce calls its method exact or fuzzy. */
static const struct {
    enum store_norm norm;
    int fuzzy;
} match_kinds[MATCH_KIND_COUNT] = {
    [MATCH_EXACT] = {STORE_NORM_EXACT, 0},
    [MATCH_CASE_INSENSITIVE] = {STORE_NORM_CASEFOLD, 0},
    [MATCH_EMAIL] = {STORE_NORM_CASEFOLD, 0},
    [MATCH_PHONE] = {STORE_NORM_DIGITS, 1},
    [MATCH_NAME] = {STORE_NORM_CASEFOLD, 1},
    [MATCH_COMPANY] = {STORE_NORM_CASEFOLD, 1},
};

/* --- compiling ------------------------------------------------------------ */

static int fail_at(struct rules_failure *fail, const char *path,
                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail_at(struct rules_failure *fail, const char *path, const char *fmt, ...)
{
    va_list ap;

    snprintf(fail->path, sizeof(fail->path), "%s", path);
    va_start(ap, fmt);
    vsnprintf(fail->message, sizeof(fail->message), fmt, ap);
    va_end(ap);
    return -1;
}

static enum fieldtype
bind_type(void *arg, const char *field)
{
    const struct field_def *f = schema_field(arg, field);

    return f != NULL ? f->type : FT_UNKNOWN;
}

/* Parses and binds text against obj; -1 with the failure at path. */
static int
compile_formula(const char *text, const struct object_def *obj,
                const char *rule, const char *path, struct formula **out,
                struct rules_failure *fail)
{
    struct formula_error ferr;
    struct formula *f;

    memset(&ferr, 0, sizeof(ferr));
    f = formula_parse(text, strlen(text), &ferr);
    if (f != NULL && formula_bind(f, bind_type, (void *)obj, &ferr) == 0) {
        *out = f;
        return 0;
    }
    formula_free(f);
    if (ferr.line > 0)
        return fail_at(fail, path, "%s: %s at formula line %d column %d", rule,
                       ferr.message, ferr.line, ferr.column);
    return fail_at(fail, path, "%s: %s", rule, ferr.message);
}

static const struct object_def *
compile_object(const struct schema *schema, const char *name, const char *path,
               struct rules_failure *fail)
{
    const struct object_def *obj = schema_object(schema, name);

    if (obj == NULL)
        fail_at(fail, path, "\"%s\" is not an object of the org", name);
    return obj;
}

static int
compile_vrules(struct rules *r, const struct org *org,
               const struct schema *schema, struct rules_failure *fail)
{
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    r->v = xcalloc(org->nvrules + 1, sizeof(*r->v));
    for (i = 0; i < org->nvrules; i++) {
        const struct org_vrule *v = &org->vrules[i];
        const struct object_def *obj;

        conf_index(p, sizeof(p), "validation_rules", i);
        r->v[i].src = v;
        r->nv = i + 1;
        if ((obj = compile_object(schema, v->object,
                                  conf_join(q, sizeof(q), p, "object"),
                                  fail)) == NULL)
            return -1;
        if (v->error_field != NULL && schema_field(obj, v->error_field) == NULL)
            return fail_at(fail, conf_join(q, sizeof(q), p, "error_field"),
                           "%s: no field %s on %s", v->name, v->error_field,
                           obj->name);
        if (compile_formula(v->formula, obj, v->name,
                            conf_join(q, sizeof(q), p, "formula"), &r->v[i].f,
                            fail) == -1)
            return -1;
    }
    return 0;
}

static int
compile_mrules(const struct org *org, const struct schema *schema,
               struct rules_failure *fail)
{
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX], f[CONF_PATH_MAX];
    size_t i, k;

    for (i = 0; i < org->nmrules; i++) {
        const struct org_mrule *m = &org->mrules[i];
        const struct object_def *obj;

        conf_index(p, sizeof(p), "matching_rules", i);
        if ((obj = compile_object(schema, m->object,
                                  conf_join(q, sizeof(q), p, "object"),
                                  fail)) == NULL)
            return -1;
        for (k = 0; k < m->nfields; k++)
            if (schema_field(obj, m->fields[k].field) == NULL)
                return fail_at(
                    fail,
                    conf_join(f, sizeof(f),
                              conf_index(q, sizeof(q),
                                         conf_join(f, sizeof(f), p, "fields"),
                                         k),
                              "field"),
                    "%s: no field %s on %s", m->name, m->fields[k].field,
                    obj->name);
    }
    return 0;
}

static const struct org_mrule *
mrule_find(const struct org *org, const char *name)
{
    size_t i;

    for (i = 0; i < org->nmrules; i++)
        if (strcmp(org->mrules[i].name, name) == 0)
            return &org->mrules[i];
    return NULL;
}

/* Adds (m, target) to cd, checking that both objects have m's fields. */
static int
add_match(struct cdrule *cd, const struct org_mrule *m,
          const struct object_def *obj, const struct object_def *target,
          const char *path, struct rules_failure *fail)
{
    size_t k;

    for (k = 0; k < m->nfields; k++) {
        const char *name = m->fields[k].field;

        if (schema_field(obj, name) == NULL ||
            schema_field(target, name) == NULL)
            return fail_at(fail, path,
                           "%s: matching rule \"%s\" compares %s, which %s "
                           "does not have",
                           cd->src->name, m->name, name,
                           schema_field(obj, name) == NULL ? obj->name
                                                           : target->name);
    }
    cd->match[cd->nmatch].m = m;
    cd->match[cd->nmatch].target = target->name;
    cd->nmatch++;
    return 0;
}

/*
 * Resolves the matching rules of one duplicate rule into (matching rule,
 * object compared with) pairs. A matching rule compares with its own
 * object unless the duplicate rule lists "match_against"; either way a
 * Lead compared with Contacts maps fields by API name, so each field must
 * exist on both objects.
 */
static int
compile_matches(struct cdrule *cd, const struct org *org,
                const struct schema *schema, const struct object_def *obj,
                const char *path, struct rules_failure *fail)
{
    const struct org_drule *d = cd->src;
    char q[CONF_PATH_MAX], x[CONF_PATH_MAX];
    size_t n = 0, na = 0, i, j;

    while (d->matching_rules[n] != NULL)
        n++;
    while (d->match_against != NULL && d->match_against[na] != NULL)
        na++;
    cd->match = xcalloc(n * (na ? na : 1) + 1, sizeof(*cd->match));
    for (i = 0; i < n; i++) {
        const char *name = d->matching_rules[i];
        const struct org_mrule *m = mrule_find(org, name);
        const struct object_def *target;

        conf_index(x, sizeof(x),
                   conf_join(q, sizeof(q), path, "matching_rules"), i);
        if (m == NULL)
            return fail_at(fail, x, "%s: no matching rule \"%s\"", d->name,
                           name);
        if (na == 0) {
            target = schema_object(schema, m->object);
            if (add_match(cd, m, obj, target, x, fail) == -1)
                return -1;
            continue;
        }
        for (j = 0; j < na; j++) {
            conf_index(x, sizeof(x),
                       conf_join(q, sizeof(q), path, "match_against"), j);
            if ((target = compile_object(schema, d->match_against[j], x,
                                         fail)) == NULL ||
                add_match(cd, m, obj, target, x, fail) == -1)
                return -1;
        }
    }
    return 0;
}

static int
compile_drules(struct rules *r, const struct org *org,
               const struct schema *schema, struct rules_failure *fail)
{
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    r->d = xcalloc(org->ndrules + 1, sizeof(*r->d));
    for (i = 0; i < org->ndrules; i++) {
        const struct org_drule *d = &org->drules[i];
        struct cdrule *cd = &r->d[i];
        const struct object_def *obj;

        conf_index(p, sizeof(p), "duplicate_rules", i);
        cd->src = d;
        r->nd = i + 1;
        if ((obj = compile_object(schema, d->object,
                                  conf_join(q, sizeof(q), p, "object"),
                                  fail)) == NULL ||
            compile_matches(cd, org, schema, obj, p, fail) == -1)
            return -1;
        if (d->conditions != NULL &&
            compile_formula(d->conditions, obj, d->name,
                            conf_join(q, sizeof(q), p, "conditions"), &cd->cond,
                            fail) == -1)
            return -1;
    }
    return 0;
}

struct rules *
rules_new(const struct org *org, struct rules_failure *fail)
{
    struct rules *r = xcalloc(1, sizeof(*r));
    struct store *store = NULL;
    struct schema *schema = NULL;

    memset(fail, 0, sizeof(*fail));
    if (org->nvrules == 0 && org->nmrules == 0 && org->ndrules == 0)
        return r;
    /*
     * Formulas are type-checked against the org's own schema. The sim's
     * schema needs the sim's store, which does not exist while an org is
     * loaded, so a throwaway store and schema serve for the check.
     */
    store = store_new("00", 1);
    schema = objects_schema(org, store);
    if (compile_vrules(r, org, schema, fail) == -1 ||
        compile_mrules(org, schema, fail) == -1 ||
        compile_drules(r, org, schema, fail) == -1) {
        rules_free(r);
        r = NULL;
    }
    schema_free(schema);
    store_free(store);
    return r;
}

void
rules_free(struct rules *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->nv; i++)
        formula_free(r->v[i].f);
    for (i = 0; i < r->nd; i++) {
        formula_free(r->d[i].cond);
        free(r->d[i].match);
    }
    free(r->v);
    free(r->d);
    free(r);
}

/* --- reading the subject -------------------------------------------------- */

/* The subject's value of a field (borrowed, *len set), NULL when null. */
static const char *
subject_value(const struct rules_subject *s, uint32_t field, size_t *len)
{
    const struct fieldval *fv =
        s->values != NULL ? fieldvals_get(s->values, field) : NULL;
    const char *v = NULL;

    *len = 0;
    if (fv != NULL) {
        v = fv->value;
        *len = fv->len;
    } else if (s->existing != NULL) {
        v = record_value(s->existing, field, len);
    }
    return v != NULL && *len > 0 ? v : NULL;
}

static const char *
access_value(void *arg, const char *field, size_t *len)
{
    const struct rules_subject *s = arg;
    const struct field_def *f = schema_field(s->obj, field);

    *len = 0;
    return f != NULL ? subject_value(s, f->interned, len) : NULL;
}

static enum fieldtype
access_type(void *arg, const char *field)
{
    const struct rules_subject *s = arg;

    return bind_type((void *)s->obj, field);
}

/* A field of the record as stored before an update (ISCHANGED). */
static const char *
prior_value(void *arg, const char *field, size_t *len)
{
    const struct rules_subject *s = arg;
    const struct field_def *f = schema_field(s->obj, field);

    *len = 0;
    return f != NULL ? record_value(s->existing, f->interned, len) : NULL;
}

/* Evaluates a bound formula against s; a run-time error is FALSE. */
static int
fires(const struct formula *f, const struct rules_subject *s, int64_t now_ms)
{
    struct field_access prior = {prior_value, access_type, (void *)s, NULL};
    struct field_access acc = {access_value, access_type, (void *)s,
                               s->existing != NULL ? &prior : NULL};
    int result = 0;

    if (formula_eval_bool(f, &acc, now_ms, &result, NULL) == -1)
        return 0;
    return result;
}

/* --- validation rules ----------------------------------------------------- */

int
rules_validate(struct rules *r, const struct rules_subject *s, int64_t now_ms,
               json_t *errors, json_t *names)
{
    size_t i;
    int fired = 0;

    if (r == NULL)
        return 0;
    for (i = 0; i < r->nv; i++) {
        const struct org_vrule *v = r->v[i].src;
        json_t *fields = json_array();
        const struct field_def *f;

        if (!v->active || strcasecmp(v->object, s->obj->name) != 0 ||
            !fires(r->v[i].f, s, now_ms)) {
            json_decref(fields);
            continue;
        }
        if (v->error_field != NULL &&
            (f = schema_field(s->obj, v->error_field)) != NULL)
            json_array_append_new(fields, json_string(f->name));
        json_array_append_new(
            errors,
            json_pack("{s:s, s:s, s:o}", "message", v->message, "errorCode",
                      "FIELD_CUSTOM_VALIDATION_EXCEPTION", "fields", fields));
        json_array_append_new(names, json_string(v->name));
        fired++;
    }
    return fired;
}

/* --- duplicate rules ------------------------------------------------------ */

/*
 * Records of m's object that match the subject on every field of m. A
 * blank field never matches (Salesforce's default). The first field is
 * looked up in its index; the others filter what it found. Writes up to
 * max records into out and returns how many it wrote.
 */
static size_t
find_matches(struct sim *sim, const struct rules_subject *s,
             const struct cmatch *cm, struct record **out, size_t max)
{
    const struct org_mrule *m = cm->m;
    const struct object_def *target = schema_object(sim->schema, cm->target);
    const struct field_def *tf0;
    struct record *inline_buf[RULES_CANDIDATES_INLINE], **cand = inline_buf;
    const char *v0;
    size_t len0, n, i, k, found = 0;
    enum store_norm norm0;

    if (target == NULL || m->nfields == 0)
        return 0;
    norm0 = match_kinds[m->fields[0].kind].norm;
    /* Every field must have a value before any index is consulted. */
    for (k = 0; k < m->nfields; k++) {
        const struct field_def *sf = schema_field(s->obj, m->fields[k].field);
        const char *v;
        size_t len;

        if (sf == NULL || schema_field(target, m->fields[k].field) == NULL ||
            (v = subject_value(s, sf->interned, &len)) == NULL ||
            store_norm_empty(match_kinds[m->fields[k].kind].norm, v, len))
            return 0;
    }
    tf0 = schema_field(target, m->fields[0].field);
    v0 = subject_value(s, schema_field(s->obj, m->fields[0].field)->interned,
                       &len0);
    n = store_find_equal(sim->store, target->store_index, tf0->interned, norm0,
                         v0, len0, cand, RULES_CANDIDATES_INLINE);
    if (n > RULES_CANDIDATES_INLINE) {
        cand = xcalloc(n, sizeof(*cand));
        n = store_find_equal(sim->store, target->store_index, tf0->interned,
                             norm0, v0, len0, cand, n);
    }
    for (i = 0; i < n && found < max; i++) {
        if (cand[i] == s->existing)
            continue;
        for (k = 1; k < m->nfields; k++) {
            enum store_norm norm = match_kinds[m->fields[k].kind].norm;
            const char *a, *b;
            size_t alen, blen;

            a = subject_value(
                s, schema_field(s->obj, m->fields[k].field)->interned, &alen);
            b = record_value(cand[i],
                             schema_field(target, m->fields[k].field)->interned,
                             &blen);
            if (b == NULL || !store_norm_equal(norm, a, alen, b, blen))
                break;
        }
        if (k == m->nfields)
            out[found++] = cand[i];
    }
    if (cand != inline_buf)
        free(cand);
    return found;
}

static int
engine_fuzzy(const struct org_mrule *m)
{
    size_t k;

    for (k = 0; k < m->nfields; k++)
        if (match_kinds[m->fields[k].kind].fuzzy)
            return 1;
    return 0;
}

/* One matchResults entry: the records cm found (facts 3.8). */
static json_t *
match_result_json(const struct cmatch *cm, struct record *const *recs, size_t n,
                  int api_version)
{
    const struct org_mrule *m = cm->m;
    json_t *records = json_array();
    char id18[SFID_LEN18 + 1], url[256];
    size_t i;

    for (i = 0; i < n; i++) {
        sfid_to18(recs[i]->id, id18);
        snprintf(url, sizeof(url), "%s/v%d.0/sobjects/%s/%s", SFAPI_DATA_PREFIX,
                 api_version, cm->target, id18);
        json_array_append_new(
            records, json_pack("{s:[], s:[], s:f, s:{s:{s:s, s:s}, s:s}}",
                               "additionalInformation", "fieldDiffs",
                               "matchConfidence", 100.0, "record", "attributes",
                               "type", cm->target, "url", url, "Id", id18));
    }
    return json_pack("{s:s, s:[], s:s, s:o, s:s, s:I, s:b}", "entityType",
                     cm->target, "errors", "matchEngine",
                     engine_fuzzy(m) ? "FuzzyMatchEngine" : "ExactMatchEngine",
                     "matchRecords", records, "rule", m->name, "size",
                     (json_int_t)n, "success", 1);
}

/* The matchResults of one duplicate rule; NULL when nothing matched. */
static json_t *
rule_matches(const struct cdrule *cd, struct sim *sim,
             const struct rules_subject *s, int api_version)
{
    struct record *recs[RULES_MAX_MATCH_RECORDS];
    json_t *results = NULL;
    size_t i, n;

    for (i = 0; i < cd->nmatch; i++) {
        n = find_matches(sim, s, &cd->match[i], recs, RULES_MAX_MATCH_RECORDS);
        if (n == 0)
            continue;
        if (results == NULL)
            results = json_array();
        json_array_append_new(
            results, match_result_json(&cd->match[i], recs, n, api_version));
    }
    return results;
}

int
rules_duplicates(struct rules *r, struct sim *sim,
                 const struct rules_subject *s, int64_t now_ms,
                 const struct rules_dup_opts *opts, json_t *errors,
                 json_t *names, json_t *reported)
{
    int version =
        opts->api_version > 0 ? opts->api_version : SFAPI_VERSION_LATEST;
    int stopped = 0;
    size_t i;

    if (r == NULL)
        return 0;
    for (i = 0; i < r->nd; i++) {
        const struct cdrule *cd = &r->d[i];
        const struct org_drule *d = cd->src;
        enum dup_action action =
            s->existing != NULL ? d->on_edit : d->on_create;
        json_t *results;
        int stop;

        if (!d->active || strcasecmp(d->object, s->obj->name) != 0 ||
            (cd->cond != NULL && !fires(cd->cond, s, now_ms)))
            continue;
        if ((results = rule_matches(cd, sim, s, version)) == NULL)
            continue;
        /* Web-to-Lead has no way to say allowSave: alerts block it. */
        stop = action == DUP_BLOCK ||
               (action == DUP_ALLOW_ALERT && (opts->web || !opts->allow_save));
        if (!stop) {
            json_array_append_new(reported, json_string(d->name));
            json_decref(results);
            continue;
        }
        json_array_append_new(
            errors,
            json_pack("{s:{s:b, s:s, s:s, s:s, s:o}, s:s, s:s}",
                      "duplicateResult", "allowSave", action != DUP_BLOCK,
                      "duplicateRule", d->name, "duplicateRuleEntityType",
                      s->obj->name, "errorMessage", d->alert_text,
                      "matchResults", results, "errorCode",
                      "DUPLICATES_DETECTED", "message", d->alert_text));
        json_array_append_new(names, json_string(d->name));
        stopped++;
    }
    return stopped;
}

int
rules_header_allow_save(const char *header)
{
    const char *p = header;

    while (p != NULL && *p != '\0') {
        size_t klen, vlen;
        const char *eq, *end;

        while (*p == ' ' || *p == '\t' || *p == ';' || *p == ',')
            p++;
        end = p + strcspn(p, ";,");
        eq = memchr(p, '=', (size_t)(end - p));
        if (eq != NULL) {
            const char *v = eq + 1;

            klen = (size_t)(eq - p);
            while (klen > 0 && (p[klen - 1] == ' ' || p[klen - 1] == '\t'))
                klen--;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            vlen = (size_t)(end - v);
            while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            if (klen == 9 && strncasecmp(p, "allowSave", 9) == 0)
                return vlen == 4 && strncasecmp(v, "true", 4) == 0;
        }
        p = end;
    }
    return 0;
}
