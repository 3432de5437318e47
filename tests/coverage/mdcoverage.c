/*
 * mdcoverage.c - how much of real metadata's validation rules the sim can
 * run (make formula-coverage CORPUS=DIR; README "Formula coverage").
 *
 * Each directory given (or each directory under one given with -r) is a
 * metadata tree, as a retrieve writes it. Every validation rule of Lead,
 * Contact and Account found in it counts; one is covered when the
 * importer loads it (its formula parses and binds against the org the
 * tree makes) and it evaluates without a runtime error on a synthetic
 * record, created and updated. The others are listed by cause; a cause
 * marked "(incomplete)" is metadata the rule needs that the tree does not
 * hold (a field, User field or custom metadata record that was not
 * retrieved), which no importer could make up. Prints a line per tree,
 * the totals over all rules and over the rules whose metadata is
 * complete; exit status 0.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "formula.h"
#include "journal.h"
#include "metadata.h"
#include "org.h"
#include "rules.h"
#include "schema.h"
#include "sim.h"
#include "store.h"
#include "xmalloc.h"

#define CAUSE_MAX 4096

struct tally {
    size_t found, loaded, evaluated, incomplete;
    char *cause[CAUSE_MAX];
    size_t ncause[CAUSE_MAX], ncauses;
};

static void
add_cause(struct tally *t, const char *cause)
{
    size_t i;

    for (i = 0; i < t->ncauses; i++)
        if (strcmp(t->cause[i], cause) == 0) {
            t->ncause[i]++;
            return;
        }
    if (t->ncauses < CAUSE_MAX) {
        t->cause[t->ncauses] = xstrdup(cause);
        t->ncause[t->ncauses++] = 1;
    }
}

/* Whether the tree under dir defines field of object: its own file
 * (source format) or an entry of the object's file (Metadata API). */
static int
field_in_tree(const char *dir, const char *object, const char *field)
{
    char path[4096], want[600];
    struct stat st;
    FILE *fp;
    char *text;
    long n;
    int found = 0;

    snprintf(path, sizeof(path), "%s/objects/%s/fields/%s.field-meta.xml", dir,
             object, field);
    if (stat(path, &st) == 0)
        return 1;
    snprintf(path, sizeof(path), "%s/objects/%s.object", dir, object);
    if ((fp = fopen(path, "rb")) == NULL)
        return 0;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    rewind(fp);
    text = xmalloc((size_t)(n > 0 ? n : 0) + 1);
    text[fread(text, 1, (size_t)(n > 0 ? n : 0), fp)] = '\0';
    fclose(fp);
    snprintf(want, sizeof(want), "<fullName>%s</fullName>", field);
    found = strstr(text, want) != NULL;
    free(text);
    return found;
}

static int
record_in_tree(const char *dir, const char *type, const char *record)
{
    char path[4096];
    struct stat st;
    size_t n = strlen(type);

    if (n > 5 && strcmp(type + n - 5, "__mdt") == 0)
        n -= 5;
    snprintf(path, sizeof(path), "%s/customMetadata/%.*s.%s.md-meta.xml", dir,
             (int)n, type, record);
    if (stat(path, &st) == 0)
        return 1;
    snprintf(path, sizeof(path), "%s/customMetadata/%.*s.%s.md", dir, (int)n,
             type, record);
    return stat(path, &st) == 0;
}

/* The target object of a standard relationship name, or NULL. */
static const char *
related_object(const char *rel)
{
    static const char *const rels[][2] = {
        {"Account", "Account"},    {"Parent", "Account"},
        {"ReportsTo", "Contact"},  {"ConvertedAccount", "Account"},
        {"Owner", "User"},         {"CreatedBy", "User"},
        {"LastModifiedBy", "User"}};
    size_t i;

    for (i = 0; i < sizeof(rels) / sizeof(rels[0]); i++)
        if (strcmp(rels[i][0], rel) == 0)
            return rels[i][1];
    return NULL;
}

/* The cause of a name that "does not exist": 1 when the tree lacks what
 * the rule needs (incomplete), 0 when the sim cannot use it. */
static int
missing_name(const char *dir, const char *object, const char *name, char *out,
             size_t n)
{
    char buf[512], *seg[5] = {0};
    const char *target;
    int k = 0;

    snprintf(buf, sizeof(buf), "%s", name);
    for (seg[k++] = buf; k < 5 && (seg[k] = strchr(seg[k - 1], '.')) != NULL;
         k++)
        *seg[k]++ = '\0';
    if (strcmp(seg[0], "$User") == 0 && k == 2) {
        if (!field_in_tree(dir, "User", seg[1]))
            return snprintf(out, n,
                            "User field not in the metadata "
                            "(incomplete)"),
                   1;
        return snprintf(out, n, "User field the sim leaves out"), 0;
    }
    if (strcmp(seg[0], "$CustomMetadata") == 0 && k == 4) {
        if (!record_in_tree(dir, seg[1], seg[2]))
            return snprintf(out, n,
                            "custom metadata record not in the "
                            "metadata (incomplete)"),
                   1;
        return snprintf(out, n, "custom metadata field not in its record"), 0;
    }
    if (seg[0][0] == '$')
        return snprintf(out, n, "merge field %.60s", seg[0]), 0;
    if (k == 1) {
        if (strstr(seg[0], "__") != NULL && !field_in_tree(dir, object, seg[0]))
            return snprintf(out, n,
                            "field not in the metadata "
                            "(incomplete)"),
                   1;
        return snprintf(out, n, "%s %.60s the sim leaves out",
                        strstr(seg[0], "__") ? "a custom field" : "field",
                        strstr(seg[0], "__") ? "" : seg[0]),
               0;
    }
    if (strstr(seg[0], "__r") != NULL)
        return snprintf(out, n,
                        "lookup to an object the sim does not "
                        "keep"),
               0;
    if ((target = related_object(seg[0])) != NULL && k == 2 &&
        strstr(seg[1], "__") != NULL && !field_in_tree(dir, target, seg[1]))
        return snprintf(out, n,
                        "related record's field not in the metadata "
                        "(incomplete)"),
               1;
    return snprintf(out, n, "related record's field (%.60s)", seg[0]), 0;
}

/* A short cause from an importer's message about a rule of object: the
 * function or name the engine lacks, or the kind of problem; 1 when the
 * tree is what lacks it. */
static int
classify(const char *dir, const char *object, const char *msg, char *out,
         size_t n)
{
    const char *p;
    char name[512];
    size_t k;

    /* After the rule's own name, which may hold "Field". */
    if ((p = strstr(msg, " not loaded: ")) != NULL)
        msg = p;
    if ((p = strstr(msg, "Unknown function ")) != NULL) {
        k = strcspn(p + 17, ". ");
        snprintf(out, n, "function %.*s", (int)k, p + 17);
    } else if ((p = strstr(msg, "Field ")) != NULL &&
               strstr(p, " does not exist") != NULL) {
        k = strcspn(p + 6, " ");
        snprintf(name, sizeof(name), "%.*s", (int)k, p + 6);
        return missing_name(dir, object, name, out, n);
    } else if ((p = strstr(msg, "not loaded: ")) != NULL) {
        snprintf(out, n, "%.60s", p + 12);
    } else {
        snprintf(out, n, "%.60s", msg);
    }
    return 0;
}

/* A plausible value of field f's type. */
static const char *
sample(const struct field_def *f)
{
    switch (f->type) {
    case FT_BOOLEAN: return "true";
    case FT_DOUBLE:
    case FT_INT:
    case FT_CURRENCY:
    case FT_PERCENT: return "1";
    case FT_DATE: return "2024-01-15";
    case FT_DATETIME: return "2024-01-15T10:30:00.000Z";
    case FT_EMAIL: return "ada@example.com";
    case FT_PHONE: return "5551234567";
    case FT_URL: return "https://example.com";
    case FT_ID:
    case FT_REFERENCE: return NULL;
    case FT_PICKLIST:
    case FT_MULTIPICKLIST:
        return f->values != NULL && f->values[0] != NULL ? f->values[0] : "A";
    default: return "12345";
    }
}

static void
synthetic(const struct object_def *o, struct fieldvals *fv)
{
    const char *v;
    size_t i;

    for (i = 0; i < o->nfields; i++)
        if (!(o->fields[i].flags & FIELD_READONLY) &&
            (v = sample(&o->fields[i])) != NULL)
            fieldvals_set(fv, o->fields[i].interned, v, strlen(v));
}

/* Evaluates rule i of the sim's org, created and updated; 0 when both
 * run, else -1 with the cause. */
static int
evaluate(struct sim *sim, size_t i, char *cause, size_t n)
{
    const struct org_vrule *v = &sim->org->vrules[i];
    const struct object_def *o = schema_object(sim->schema, v->object);
    struct fieldvals fv = {0};
    struct rules_subject s;
    struct formula_error err;
    struct record *r;
    int fires, rc = -1;

    synthetic(o, &fv);
    memset(&s, 0, sizeof(s));
    s.obj = o;
    s.values = &fv;
    s.sim = sim;
    if (rules_eval_validation(sim->org->rules, i, &s, sim_now(sim), &fires,
                              &err) == -1)
        goto fail;
    r = store_insert(sim->store, o->store_index, &fv, sim_now(sim));
    s.existing = r;
    if (rules_eval_validation(sim->org->rules, i, &s, sim_now(sim), &fires,
                              &err) == -1)
        goto fail;
    rc = 0;
    goto out;
fail:
    snprintf(cause, n, "runtime: %.60s", err.message);
out:
    fieldvals_free(&fv);
    return rc;
}

/* The objects whose rules are measured (a custom object's rules load
 * too, and are not counted). */
static int
measured(const char *object)
{
    return strcasecmp(object, "Lead") == 0 ||
           strcasecmp(object, "Contact") == 0 ||
           strcasecmp(object, "Account") == 0;
}

static void
measure(const char *dir, struct tally *all)
{
    struct sim_config cfg = {.bind = "127.0.0.1",
                             .journal_ring = 16,
                             .journal_body_max = 0,
                             .max_body = SIM_DEFAULT_MAX_BODY};
    struct tally t;
    struct metadata_report rep;
    struct sf_err err;
    struct org *org = NULL;
    struct sim *sim = NULL;
    char cause[200], *text;
    json_t *doc;
    size_t i;

    memset(&t, 0, sizeof(t));
    doc = metadata_import(dir, NULL, &rep);
    for (i = 0; i < rep.n; i++)
        if (strncmp(rep.v[i].message, "validation rule ", 16) == 0 &&
            strstr(rep.v[i].message, " not loaded: ") != NULL) {
            char object[64];

            snprintf(object, sizeof(object), "%.*s",
                     (int)strcspn(rep.v[i].message + 16, "."),
                     rep.v[i].message + 16);
            if (!measured(object))
                continue;
            t.found++;
            t.incomplete +=
                classify(dir, object, rep.v[i].message, cause, sizeof(cause));
            add_cause(all, cause);
        }
    if (doc != NULL) {
        text = json_dumps(doc, JSON_COMPACT);
        err_clear(&err);
        org = org_load_buf(dir, text, strlen(text), &err);
        free(text);
    }
    if (org != NULL && (sim = sim_new(&cfg, org, &err)) != NULL) {
        for (i = 0; i < sim->org->nvrules; i++) {
            if (!measured(sim->org->vrules[i].object))
                continue;
            t.found++;
            t.loaded++;
            if (evaluate(sim, i, cause, sizeof(cause)) == 0)
                t.evaluated++;
            else
                add_cause(all, cause);
        }
    } else if (org != NULL) {
        org_free(org);
    }
    printf("%-60s %5zu found %5zu loaded %5zu evaluated\n", dir, t.found,
           t.loaded, t.evaluated);
    all->found += t.found;
    all->loaded += t.loaded;
    all->evaluated += t.evaluated;
    all->incomplete += t.incomplete;
    sim_free(sim);
    json_decref(doc);
    metadata_report_free(&rep);
}

/* Each directory under root holding a tree: one with objects/ or rules
 * directories is measured; another is looked into (a repository's
 * packages). */
static void
measure_under(const char *root, struct tally *all, int depth)
{
    char path[4096], probe[4200];
    struct dirent **names;
    struct stat st;
    int n, i;

    snprintf(probe, sizeof(probe), "%s/objects", root);
    if (stat(probe, &st) == 0 ||
        (snprintf(probe, sizeof(probe), "%s/duplicateRules", root),
         stat(probe, &st) == 0)) {
        measure(root, all);
        return;
    }
    if (depth > 3 || (n = scandir(root, &names, NULL, alphasort)) < 0)
        return;
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", root, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 &&
            S_ISDIR(st.st_mode))
            measure_under(path, all, depth + 1);
        free(names[i]);
    }
    free(names);
}

int
main(int argc, char **argv)
{
    struct tally all;
    size_t i, j;
    int a;

    xjson_init();
    memset(&all, 0, sizeof(all));
    for (a = 1; a < argc; a++)
        measure_under(argv[a], &all, 0);
    /* Causes, most frequent first. */
    for (i = 0; i < all.ncauses; i++)
        for (j = i + 1; j < all.ncauses; j++)
            if (all.ncause[j] > all.ncause[i]) {
                size_t tn = all.ncause[i];
                char *tc = all.cause[i];

                all.ncause[i] = all.ncause[j];
                all.cause[i] = all.cause[j];
                all.ncause[j] = tn;
                all.cause[j] = tc;
            }
    printf("\nvalidation rules found: %zu; loaded: %zu; evaluated: %zu "
           "(%.1f%%)\n",
           all.found, all.loaded, all.evaluated,
           all.found ? 100.0 * (double)all.evaluated / (double)all.found : 0);
    printf("whose metadata is complete: %zu; evaluated: %zu (%.1f%%)\n",
           all.found - all.incomplete, all.evaluated,
           all.found > all.incomplete ? 100.0 * (double)all.evaluated /
                                            (double)(all.found - all.incomplete)
                                      : 0);
    printf("not covered, by cause:\n");
    for (i = 0; i < all.ncauses; i++) {
        printf("%6zu  %s\n", all.ncause[i], all.cause[i]);
        free(all.cause[i]);
    }
    return 0;
}
