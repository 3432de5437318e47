/*
 * rules.c - compiling and applying validation and duplicate rules (see
 * rules.h).
 *
 * Compiled rules keep only what a request needs: the bound formulas (the
 * rules', the duplicate rules' conditions, the formula fields'), the
 * compiled matching rules and pointers to the org's own rule definitions.
 * Names in formulas (fields, related records, merge fields) are resolved
 * by rules_ref.c against the sim's live schema at run time, because
 * interned field ids belong to the sim's store, which does not exist yet
 * when an org is loaded; matching.c finds duplicates.
 */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formula.h"
#include "matching.h"
#include "org.h"
#include "objects.h"
#include "rules_ref.h"
#include "schema.h"
#include "sfapi.h"
#include "sim.h"
#include "store.h"
#include "xmalloc.h"

struct cvrule {
    const struct org_vrule *src;
    struct formula *f;
    uint64_t obj_uid; /* the last object found to be src's (for_object()) */
};

struct cdrule {
    const struct org_drule *src;
    uint64_t obj_uid;     /* as cvrule's */
    struct formula *cond; /* NULL: always applies */
    struct matching **match;
    size_t nmatch;
};

struct rules {
    const struct org *org;
    struct rules_ref_formula *ff; /* formula fields */
    size_t nff;
    struct cvrule *v;
    size_t nv;
    struct cdrule *d;
    size_t nd;
    struct rules_ref_memo *memo; /* the fields formulas' names are */
};

/* A schema to compile against, and the environment names resolve in. */
struct compiler {
    const struct org *org;
    struct store *store;
    struct schema *schema;
    struct rules_ref_env env;
    const struct object_def *obj; /* the record's object, while binding */
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

/*
 * Formulas are type-checked against the org's own schema. The sim's
 * schema needs the sim's store, which does not exist while an org is
 * loaded, so a throwaway store and schema serve for the check.
 */
static void
compiler_init(struct compiler *cc, const struct org *org, const struct rules *r)
{
    memset(cc, 0, sizeof(*cc));
    cc->org = org;
    cc->store = store_new("00", 1);
    cc->schema = objects_schema(org, cc->store);
    cc->env.org = org;
    cc->env.schema = cc->schema;
    cc->env.user = org->nusers > 0 ? &org->users[0] : NULL;
    if (r != NULL) {
        cc->env.formulas = r->ff;
        cc->env.nformulas = r->nff;
    }
}

static void
compiler_done(struct compiler *cc)
{
    rules_ref_env_done(&cc->env);
    schema_free(cc->schema);
    store_free(cc->store);
}

static enum fieldtype
bind_type(void *arg, const char *name)
{
    struct compiler *cc = arg;

    return rules_ref_type(&cc->env, cc->obj, name);
}

/* Parses text and binds it on obj as want (FT_BOOLEAN: a condition). */
static struct formula *
compile_text(struct compiler *cc, const struct object_def *obj,
             const char *text, enum fieldtype want, struct formula_error *ferr)
{
    struct formula *f;
    int rc;

    memset(ferr, 0, sizeof(*ferr));
    if ((f = formula_parse(text, strlen(text), ferr)) == NULL)
        return NULL;
    cc->obj = obj;
    rc = want == FT_BOOLEAN ? formula_bind(f, bind_type, cc, ferr)
                            : formula_bind_value(f, bind_type, cc, want, ferr);
    if (rc == 0)
        return f;
    formula_free(f);
    return NULL;
}

/* Parses and binds text against obj; -1 with the failure at path. */
static int
compile_formula(struct compiler *cc, const char *text,
                const struct object_def *obj, enum fieldtype want,
                const char *rule, const char *path, struct formula **out,
                struct rules_failure *fail)
{
    struct formula_error ferr;

    if ((*out = compile_text(cc, obj, text, want, &ferr)) != NULL)
        return 0;
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

/* Formula fields first: rules' formulas read them. Their types are the
 * fields' own, so they bind in any order (one may read another). */
static int
compile_formula_fields(struct rules *r, struct compiler *cc,
                       struct rules_failure *fail)
{
    const struct org *org = cc->org;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    r->ff = xcalloc(org->ncustom_fields + 1, sizeof(*r->ff));
    for (i = 0; i < org->ncustom_fields; i++) {
        const struct org_field *f = &org->custom_fields[i];
        struct rules_ref_formula *ff = &r->ff[r->nff];
        const struct object_def *obj;
        struct formula *compiled;

        if (f->formula == NULL || strcasecmp(f->object, "User") == 0)
            continue;
        conf_index(p, sizeof(p), "custom_fields", i);
        if ((obj = compile_object(cc->schema, f->object,
                                  conf_join(q, sizeof(q), p, "object"),
                                  fail)) == NULL ||
            compile_formula(cc, f->formula, obj, f->type, f->name,
                            conf_join(q, sizeof(q), p, "formula"), &compiled,
                            fail) == -1)
            return -1;
        ff->object = f->object;
        ff->field = f->name;
        ff->f = compiled;
        ff->scale = FIELDTYPE_IS_NUMBER(f->type) ? f->scale : 0;
        r->nff++;
    }
    cc->env.formulas = r->ff;
    cc->env.nformulas = r->nff;
    return 0;
}

static int
compile_vrules(struct rules *r, struct compiler *cc, struct rules_failure *fail)
{
    const struct org *org = cc->org;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX];
    size_t i;

    r->v = xcalloc(org->nvrules + 1, sizeof(*r->v));
    for (i = 0; i < org->nvrules; i++) {
        const struct org_vrule *v = &org->vrules[i];
        const struct object_def *obj;

        conf_index(p, sizeof(p), "validation_rules", i);
        r->v[i].src = v;
        r->nv = i + 1;
        if ((obj = compile_object(cc->schema, v->object,
                                  conf_join(q, sizeof(q), p, "object"),
                                  fail)) == NULL)
            return -1;
        if (v->error_field != NULL && schema_field(obj, v->error_field) == NULL)
            return fail_at(fail, conf_join(q, sizeof(q), p, "error_field"),
                           "%s: no field %s on %s", v->name, v->error_field,
                           obj->name);
        if (compile_formula(cc, v->formula, obj, FT_BOOLEAN, v->name,
                            conf_join(q, sizeof(q), p, "formula"), &r->v[i].f,
                            fail) == -1)
            return -1;
    }
    return 0;
}

/* Each matching rule's fields and filter, on its own object. */
static int
compile_mrules(struct compiler *cc, struct rules_failure *fail)
{
    const struct org *org = cc->org;
    char p[CONF_PATH_MAX], q[CONF_PATH_MAX], f[CONF_PATH_MAX], why[256];
    const struct object_def *obj;
    struct matching *mt;
    size_t i, k;

    for (i = 0; i < org->nmrules; i++) {
        const struct org_mrule *m = &org->mrules[i];

        conf_index(p, sizeof(p), "matching_rules", i);
        if ((obj = compile_object(cc->schema, m->object,
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
        if (m->boolean_filter != NULL &&
            matching_filter_check(m->boolean_filter, m->nfields, why,
                                  sizeof(why)) == -1)
            return fail_at(fail, conf_join(q, sizeof(q), p, "boolean_filter"),
                           "%s: %s", m->name, why);
        if ((mt = matching_new(m, cc->schema, m->object, m->object, NULL, 0,
                               why, sizeof(why))) == NULL)
            return fail_at(fail, conf_join(q, sizeof(q), p, "fields"), "%s: %s",
                           m->name, why);
        matching_free(mt);
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

/* Adds (m, target) to cd. */
static int
add_match(struct cdrule *cd, struct compiler *cc, const struct org_mrule *m,
          const char *target, const struct org_drule_match *dm,
          const char *path, struct rules_failure *fail)
{
    char why[256];
    struct matching *mt =
        matching_new(m, cc->schema, cd->src->object, target, dm->mapping,
                     dm->nmapping, why, sizeof(why));

    if (mt == NULL)
        return fail_at(fail, path, "%s: matching rule \"%s\" %s", cd->src->name,
                       m->name, why);
    cd->match[cd->nmatch++] = mt;
    return 0;
}

/*
 * Resolves the matching rules of one duplicate rule into compiled
 * (matching rule, object compared with) pairs. An entry compares with
 * its own "object" when it has one, else with each of the duplicate
 * rule's "match_against", else with the matching rule's own object;
 * fields are mapped by the entry's "mapping", else by API name.
 */
static int
compile_matches(struct cdrule *cd, struct compiler *cc, const char *path,
                struct rules_failure *fail)
{
    const struct org_drule *d = cd->src;
    char q[CONF_PATH_MAX], x[CONF_PATH_MAX];
    size_t na = 0, i, j;

    while (d->match_against != NULL && d->match_against[na] != NULL)
        na++;
    cd->match = xcalloc(d->nmatches * (na ? na : 1) + 1, sizeof(*cd->match));
    for (i = 0; i < d->nmatches; i++) {
        const struct org_drule_match *dm = &d->matches[i];
        const struct org_mrule *m = mrule_find(cc->org, dm->rule);

        conf_index(x, sizeof(x),
                   conf_join(q, sizeof(q), path, "matching_rules"), i);
        if (m == NULL)
            return fail_at(fail, x, "%s: no matching rule \"%s\"", d->name,
                           dm->rule);
        if (dm->object != NULL || na == 0) {
            if (add_match(cd, cc, m,
                          dm->object != NULL ? dm->object : m->object, dm, x,
                          fail) == -1)
                return -1;
            continue;
        }
        for (j = 0; j < na; j++) {
            conf_index(x, sizeof(x),
                       conf_join(q, sizeof(q), path, "match_against"), j);
            if (add_match(cd, cc, m, d->match_against[j], dm, x, fail) == -1)
                return -1;
        }
    }
    return 0;
}

static int
compile_drules(struct rules *r, struct compiler *cc, struct rules_failure *fail)
{
    const struct org *org = cc->org;
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
        if ((obj = compile_object(cc->schema, d->object,
                                  conf_join(q, sizeof(q), p, "object"),
                                  fail)) == NULL ||
            compile_matches(cd, cc, p, fail) == -1)
            return -1;
        if (d->conditions != NULL &&
            compile_formula(cc, d->conditions, obj, FT_BOOLEAN, d->name,
                            conf_join(q, sizeof(q), p, "conditions"), &cd->cond,
                            fail) == -1)
            return -1;
    }
    return 0;
}

static int
has_formula_fields(const struct org *org)
{
    size_t i;

    for (i = 0; i < org->ncustom_fields; i++)
        if (org->custom_fields[i].formula != NULL)
            return 1;
    return 0;
}

struct rules *
rules_new(const struct org *org, struct rules_failure *fail)
{
    struct rules *r = xcalloc(1, sizeof(*r));
    struct compiler cc;

    memset(fail, 0, sizeof(*fail));
    r->org = org;
    if (org->nvrules == 0 && org->nmrules == 0 && org->ndrules == 0 &&
        !has_formula_fields(org))
        return r;
    r->memo = rules_ref_memo_new();
    compiler_init(&cc, org, NULL);
    if (compile_formula_fields(r, &cc, fail) == -1 ||
        compile_vrules(r, &cc, fail) == -1 || compile_mrules(&cc, fail) == -1 ||
        compile_drules(r, &cc, fail) == -1) {
        rules_free(r);
        r = NULL;
    }
    compiler_done(&cc);
    return r;
}

void
rules_free(struct rules *r)
{
    size_t i, k;

    if (r == NULL)
        return;
    for (i = 0; i < r->nff; i++)
        formula_free((struct formula *)r->ff[i].f);
    for (i = 0; i < r->nv; i++)
        formula_free(r->v[i].f);
    for (i = 0; i < r->nd; i++) {
        formula_free(r->d[i].cond);
        for (k = 0; k < r->d[i].nmatch; k++)
            matching_free(r->d[i].match[k]);
        free(r->d[i].match);
    }
    free(r->ff);
    free(r->v);
    free(r->d);
    rules_ref_memo_free(r->memo);
    free(r);
}

/* --- checking formulas for the importer ----------------------------------- */

struct rules_check {
    struct compiler cc;
    struct rules *r; /* the org's formula fields, for what formulas read */
};

struct rules_check *
rules_check_new(const struct org *org)
{
    struct rules_check *c = xcalloc(1, sizeof(*c));

    c->r = org->rules;
    compiler_init(&c->cc, org, c->r);
    return c;
}

int
rules_check_formula(struct rules_check *c, const char *object, const char *text,
                    enum fieldtype want, struct formula_error *err)
{
    const struct object_def *obj = schema_object(c->cc.schema, object);
    struct formula_error dummy;
    struct formula *f;

    if (err == NULL)
        err = &dummy;
    if (obj == NULL) {
        memset(err, 0, sizeof(*err));
        snprintf(err->message, sizeof(err->message),
                 "\"%s\" is not an object of the org", object);
        return -1;
    }
    f = compile_text(&c->cc, obj, text, want, err);
    formula_free(f);
    return f != NULL ? 0 : -1;
}

enum fieldtype
rules_check_type(struct rules_check *c, const char *object, const char *name)
{
    const struct object_def *obj = schema_object(c->cc.schema, object);

    return obj != NULL ? rules_ref_type(&c->cc.env, obj, name) : FT_UNKNOWN;
}

void
rules_check_free(struct rules_check *c)
{
    if (c == NULL)
        return;
    compiler_done(&c->cc);
    free(c);
}

/* --- evaluating ------------------------------------------------------------
 */

/* The running user: the Default Lead Creator on Web-to-Lead, else the
 * org's first user. */
static const struct org_user *
running_user(const struct org *org, const struct rules_subject *s)
{
    const struct org_user *u = NULL;

    if (s->web && org->w2l.lead_creator != NULL)
        u = org_user_find(org, org->w2l.lead_creator);
    return u != NULL ? u : org->nusers > 0 ? &org->users[0] : NULL;
}

static void
env_init(struct rules_ref_env *env, const struct rules *r,
         const struct rules_subject *s, int64_t now_ms)
{
    memset(env, 0, sizeof(*env));
    env->org = r->org;
    env->schema = s->sim != NULL ? s->sim->schema : NULL;
    env->store = s->sim != NULL ? s->sim->store : NULL;
    env->user = running_user(r->org, s);
    env->formulas = r->ff;
    env->nformulas = r->nff;
    env->now_ms = now_ms;
    env->memo = r->memo;
}

/*
 * Evaluates a bound condition against s in env (env_init() for r and s):
 * 0 with *result, or -1 (a runtime error, which the caller treats as
 * FALSE) with *err. env is left as env_init() made it (its scratch
 * freed), for the next condition on s.
 */
static int
evaluate_in(struct rules_ref_env *env, const struct formula *f,
            const struct rules_subject *s, int64_t now_ms, int *result,
            struct formula_error *err)
{
    struct rules_ref_rec rec = {s->obj, s->values, s->existing};
    struct rules_ref_rec was = {s->obj, NULL, s->existing};
    struct rules_ref_arg arg, prior_arg;
    struct field_access acc, prior;
    int rc;

    rules_ref_access(&acc, &arg, env, &rec);
    if (s->existing != NULL) { /* PRIORVALUE() reads the stored record */
        rules_ref_access(&prior, &prior_arg, env, &was);
        acc.prior = &prior;
    }
    rc = formula_eval_bool(f, &acc, now_ms, result, err);
    rules_ref_env_done(env);
    return rc;
}

static int
evaluate(const struct rules *r, const struct formula *f,
         const struct rules_subject *s, int64_t now_ms, int *result,
         struct formula_error *err)
{
    struct rules_ref_env env;

    env_init(&env, r, s, now_ms);
    return evaluate_in(&env, f, s, now_ms, result, err);
}

static int
fires_in(struct rules_ref_env *env, const struct formula *f,
         const struct rules_subject *s, int64_t now_ms)
{
    int result = 0;

    if (evaluate_in(env, f, s, now_ms, &result, NULL) == -1)
        return 0;
    return result;
}

/* Whether a rule on object (its name, any case) is one of obj's; *uid
 * remembers the last object it was, by its uid (schema.h: never the same
 * for two objects, never 0), not to compare the names again. */
static int
for_object(const char *object, const struct object_def *obj, uint64_t *uid)
{
    if (obj->uid != 0 && *uid == obj->uid)
        return 1;
    if (strcasecmp(object, obj->name) != 0)
        return 0;
    *uid = obj->uid;
    return 1;
}

/* --- validation rules ----------------------------------------------------- */

/* Appends v (stolen) to *arr, made on first use: most saves fire no
 * rule. */
static void
append(json_t **arr, json_t *v)
{
    if (*arr == NULL)
        *arr = json_array();
    json_array_append_new(*arr, v);
}

int
rules_validate(struct rules *r, const struct rules_subject *s, int64_t now_ms,
               json_t **errors, json_t **names)
{
    struct rules_ref_env env;
    size_t i;
    int fired = 0, have_env = 0;

    if (r == NULL)
        return 0;
    for (i = 0; i < r->nv; i++) {
        const struct org_vrule *v = r->v[i].src;
        json_t *fields;
        const struct field_def *f;

        if (!v->active || !for_object(v->object, s->obj, &r->v[i].obj_uid))
            continue;
        if (!have_env) /* one environment for the rules of s */
            env_init(&env, r, s, now_ms);
        have_env = 1;
        if (!fires_in(&env, r->v[i].f, s, now_ms))
            continue;
        fields = json_array();
        if (v->error_field != NULL &&
            (f = schema_field(s->obj, v->error_field)) != NULL)
            json_array_append_new(fields, json_string(f->name));
        append(errors,
               json_pack("{s:s, s:s, s:o}", "message", v->message, "errorCode",
                         "FIELD_CUSTOM_VALIDATION_EXCEPTION", "fields",
                         fields));
        append(names, json_string(v->name));
        fired++;
    }
    return fired;
}

int
rules_eval_validation(struct rules *r, size_t index,
                      const struct rules_subject *s, int64_t now_ms,
                      int *result, struct formula_error *err)
{
    *result = 0;
    if (r == NULL || index >= r->nv) {
        if (err != NULL) {
            memset(err, 0, sizeof(*err));
            snprintf(err->message, sizeof(err->message),
                     "no validation rule %zu", index);
        }
        return -1;
    }
    return evaluate(r, r->v[index].f, s, now_ms, result, err);
}

/* --- duplicate rules ------------------------------------------------------ */

/* One matchResults entry: the records mt found (facts 3.8). */
static json_t *
match_result_json(const struct matching *mt, struct record *const *recs,
                  size_t n, int api_version)
{
    const char *target = matching_target(mt);
    json_t *records = json_array();
    char id18[SFID_LEN18 + 1], url[256];
    size_t i;

    for (i = 0; i < n; i++) {
        sfid_to18(recs[i]->id, id18);
        snprintf(url, sizeof(url), "%s/v%d.0/sobjects/%s/%s", SFAPI_DATA_PREFIX,
                 api_version, target, id18);
        json_array_append_new(
            records, json_pack("{s:[], s:[], s:f, s:{s:{s:s, s:s}, s:s}}",
                               "additionalInformation", "fieldDiffs",
                               "matchConfidence", 100.0, "record", "attributes",
                               "type", target, "url", url, "Id", id18));
    }
    return json_pack("{s:s, s:[], s:s, s:o, s:s, s:I, s:b}", "entityType",
                     target, "errors", "matchEngine",
                     matching_fuzzy(mt) ? "FuzzyMatchEngine"
                                        : "ExactMatchEngine",
                     "matchRecords", records, "rule", matching_rule(mt)->name,
                     "size", (json_int_t)n, "success", 1);
}

/* The matchResults of one duplicate rule; NULL when nothing matched. */
static json_t *
rule_matches(const struct cdrule *cd, struct rules_ref_env *env,
             const struct rules_subject *s, int api_version)
{
    struct record *recs[RULES_MAX_MATCH_RECORDS];
    struct rules_ref_rec rec = {s->obj, s->values, s->existing};
    json_t *results = NULL;
    size_t i, n;

    for (i = 0; i < cd->nmatch; i++) {
        n = matching_find(cd->match[i], env, &rec, recs,
                          RULES_MAX_MATCH_RECORDS);
        if (n == 0)
            continue;
        if (results == NULL)
            results = json_array();
        json_array_append_new(
            results, match_result_json(cd->match[i], recs, n, api_version));
    }
    rules_ref_env_done(env);
    return results;
}

int
rules_duplicates(struct rules *r, struct sim *sim,
                 const struct rules_subject *s, int64_t now_ms,
                 const struct rules_dup_opts *opts, json_t **errors,
                 json_t **names, json_t **reported)
{
    int version =
        opts->api_version > 0 ? opts->api_version : SFAPI_VERSION_LATEST;
    struct rules_subject at = *s;
    struct rules_ref_env env;
    int stopped = 0, have_env = 0;
    size_t i;

    if (r == NULL)
        return 0;
    if (at.sim == NULL)
        at.sim = sim;
    for (i = 0; i < r->nd; i++) {
        struct cdrule *cd = &r->d[i];
        const struct org_drule *d = cd->src;
        enum dup_action action =
            s->existing != NULL ? d->on_edit : d->on_create;
        json_t *results;
        int stop;

        if (!d->active || !for_object(d->object, s->obj, &cd->obj_uid))
            continue;
        if (!have_env) /* one environment for the rules of s */
            env_init(&env, r, &at, now_ms);
        have_env = 1;
        if ((cd->cond != NULL && !fires_in(&env, cd->cond, &at, now_ms)) ||
            (results = rule_matches(cd, &env, &at, version)) == NULL)
            continue;
        /* Web-to-Lead has no way to say allowSave: alerts block it. */
        stop = action == DUP_BLOCK ||
               (action == DUP_ALLOW_ALERT && (opts->web || !opts->allow_save));
        if (!stop) {
            append(reported, json_string(d->name));
            json_decref(results);
            continue;
        }
        append(errors,
               json_pack("{s:{s:b, s:s, s:s, s:s, s:o}, s:s, s:s}",
                         "duplicateResult", "allowSave", action != DUP_BLOCK,
                         "duplicateRule", d->name, "duplicateRuleEntityType",
                         s->obj->name, "errorMessage", d->alert_text,
                         "matchResults", results, "errorCode",
                         "DUPLICATES_DETECTED", "message", d->alert_text));
        append(names, json_string(d->name));
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
