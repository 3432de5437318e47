/*
 * metadata_dup.c - duplicate rules and matching rules into org JSON (see
 * metadata_private.h).
 *
 * A matching rule keeps its fields, methods (a table to the org file's
 * match kinds), blank-value behaviour and boolean filter; an inactive one
 * is not loaded, as no duplicate rule may use it. A duplicate rule's
 * actions become block, allow_with_alert or allow; each matching rule it
 * uses keeps the object it compares with and the field mapping; its
 * filter criteria become the rule's "conditions", a formula written here
 * from the criteria and the fields' types, and checked like any other.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "formula.h"
#include "metadata_private.h"
#include "rules.h"
#include "xmalloc.h"

#define KEY_LEN 600
/* Longest conditions formula written from a filter. */
#define CONDITIONS_MAX 20000

/* Salesforce's matching methods: the org file's match kinds. */
static const struct {
    const char *method, *kind;
} methods[] = {
    {"Exact", "case_insensitive"},
    {"FirstName", "first_name"},
    {"LastName", "last_name"},
    {"CompanyName", "company"},
    {"Phone", "phone"},
    {"City", "city"},
    {"Street", "street"},
    {"Zip", "zip"},
    {"Title", "title"},
    {NULL, NULL},
};

static const char *
method_kind(const char *method)
{
    size_t i;

    for (i = 0; method != NULL && methods[i].method != NULL; i++)
        if (strcmp(methods[i].method, method) == 0)
            return methods[i].kind;
    return NULL;
}

/* A child's integer text, or 0. */
static json_int_t
child_int(const struct xmlread_node *n, const char *name)
{
    const char *t = md_text(n, name);

    return t != NULL ? (json_int_t)strtol(t, NULL, 10) : 0;
}

static void
set_text(json_t *j, const char *key, const char *value)
{
    if (value != NULL && *value != '\0')
        json_object_set_new(j, key, json_string(value));
}

/* ---- matching rules --------------------------------------------------------
 */

/* The fields of one matching rule; NULL (reported) on a method the sim
 * does not know. */
static json_t *
match_fields(struct md *m, const char *path, const char *object,
             const struct xmlread_node *r, const char *what)
{
    json_t *fields = json_array();
    const struct xmlread_node *it;
    const char *field, *method, *kind, *blank;
    size_t i;

    for (i = 0; i < r->nkids; i++) {
        it = r->kids[i];
        if (strcmp(it->name, "matchingRuleItems") != 0)
            continue;
        field = md_text(it, "fieldName");
        method = md_text(it, "matchingMethod");
        blank = md_text(it, "blankValueBehavior");
        if (field == NULL || (kind = method_kind(method)) == NULL) {
            md_problem_at(m, path, it,
                          "%s not loaded: matching method %s is not one the "
                          "sim knows",
                          what, method != NULL ? method : "(none)");
            json_decref(fields);
            return NULL;
        }
        /* An optional standard field (MiddleName) it compares is one
         * the org has. */
        md_note_formula(m, object, field);
        json_array_append_new(
            fields, json_pack("{s:s, s:s, s:s}", "field", field, "match", kind,
                              "blank_values",
                              blank != NULL && strcmp(blank, "MatchBlanks") == 0
                                  ? "match_blanks"
                                  : "null_not_allowed"));
    }
    return fields;
}

static void
read_matching_rule(struct md *m, const char *path, const char *object,
                   const struct xmlread_node *r)
{
    const char *name = md_text(r, "fullName");
    const char *status = md_text(r, "ruleStatus");
    char what[KEY_LEN + 32];
    json_t *fields, *j;

    if (name == NULL || *name == '\0') {
        md_problem_at(m, path, r,
                      "a matching rule without <fullName>: not "
                      "read");
        return;
    }
    /* A rule that is not active does nothing, and no duplicate rule may
     * use it: nothing to load, but a duplicate rule naming it is told
     * why (md_dup_conditions()). */
    if (status != NULL && strcmp(status, "Active") != 0) {
        json_object_set_new(m->inactive_matching, name, json_string(status));
        return;
    }
    snprintf(what, sizeof(what), "matching rule %s.%s", object, name);
    if ((fields = match_fields(m, path, object, r, what)) == NULL)
        return;
    j = json_pack("{s:s, s:s, s:o}", "name", name, "object", object, "fields",
                  fields);
    set_text(j, "boolean_filter", md_text(r, "booleanFilter"));
    set_text(j, "description", md_text(r, "description"));
    md_add(m, "matching_rules", j, name, path, r, what);
}

void
md_read_matching_rules(struct md *m, const char *path, const char *object,
                       const struct xmlread_node *root)
{
    size_t i;

    for (i = 0; i < root->nkids; i++)
        if (strcmp(root->kids[i]->name, "matchingRules") == 0)
            read_matching_rule(m, path, object, root->kids[i]);
}

/* ---- duplicate rules -------------------------------------------------------
 */

/* 1 when one of n's children called name has the text value. */
static int
has_operation(const struct xmlread_node *n, const char *name, const char *value)
{
    size_t i;

    for (i = 0; i < n->nkids; i++)
        if (strcmp(n->kids[i]->name, name) == 0 &&
            strcmp(n->kids[i]->text, value) == 0)
            return 1;
    return 0;
}

/* block, allow_with_alert (Allow with the Alert operation) or allow. */
static const char *
action(const struct xmlread_node *r, const char *action_el, const char *ops_el)
{
    const char *a = md_text(r, action_el);

    if (a != NULL && strcmp(a, "Block") == 0)
        return "block";
    return has_operation(r, ops_el, "Alert") ? "allow_with_alert" : "allow";
}

/* One duplicateRuleMatchRules: a name, or {"rule", "object", "mapping"}
 * when it compares with another object or maps fields. */
static json_t *
match_entry(const char *object, const struct xmlread_node *mr)
{
    const char *rule = md_text(mr, "matchingRule");
    const char *target = md_text(mr, "matchRuleSObjectType");
    const struct xmlread_node *om = xmlread_child(mr, "objectMapping");
    json_t *j, *mapping = json_object();
    size_t i;

    for (i = 0; om != NULL && !xmlread_nil(om) && i < om->nkids; i++) {
        const struct xmlread_node *mf = om->kids[i];
        const char *in, *out;

        if (strcmp(mf->name, "mappingFields") != 0 ||
            (in = md_text(mf, "inputField")) == NULL ||
            (out = md_text(mf, "outputField")) == NULL)
            continue;
        json_object_set_new(mapping, in, json_string(out));
    }
    if ((target == NULL || strcasecmp(target, object) == 0) &&
        json_object_size(mapping) == 0) {
        json_decref(mapping);
        return json_string(rule);
    }
    j = json_pack("{s:s}", "rule", rule);
    set_text(j, "object", target);
    if (json_object_size(mapping) > 0)
        json_object_set_new(j, "mapping", mapping);
    else
        json_decref(mapping);
    return j;
}

/* The filter criteria, kept for md_dup_conditions(). */
static json_t *
filter_of(const struct xmlread_node *root)
{
    const struct xmlread_node *f = xmlread_child(root, "duplicateRuleFilter");
    json_t *items, *j;
    size_t i;

    if (f == NULL || xmlread_nil(f))
        return NULL;
    items = json_array();
    for (i = 0; i < f->nkids; i++) {
        const struct xmlread_node *it = f->kids[i];

        if (strcmp(it->name, "duplicateRuleFilterItems") != 0)
            continue;
        j = json_object();
        set_text(j, "field", md_text(it, "field"));
        set_text(j, "operation", md_text(it, "operation"));
        json_object_set_new(j, "value",
                            json_string(md_text(it, "value") != NULL
                                            ? md_text(it, "value")
                                            : ""));
        set_text(j, "valueField", md_text(it, "valueField"));
        set_text(j, "table", md_text(it, "table"));
        json_object_set_new(j, "sortOrder",
                            json_integer(child_int(it, "sortOrder")));
        json_array_append_new(items, j);
    }
    if (json_array_size(items) == 0) {
        json_decref(items);
        return NULL;
    }
    j = json_pack("{s:o}", "items", items);
    set_text(j, "boolean_filter",
             md_text(f, "booleanFilter") != NULL &&
                     !xmlread_nil(xmlread_child(f, "booleanFilter"))
                 ? md_text(f, "booleanFilter")
                 : NULL);
    return j;
}

void
md_read_duplicate_rule(struct md *m, const char *path, const char *object,
                       const char *name, const struct xmlread_node *root)
{
    json_t *j, *matches = json_array();
    char what[KEY_LEN + 32];
    struct md_item *it;
    const char *alert;
    size_t i;

    snprintf(what, sizeof(what), "duplicate rule %s.%s", object, name);
    for (i = 0; i < root->nkids; i++)
        if (strcmp(root->kids[i]->name, "duplicateRuleMatchRules") == 0 &&
            md_text(root->kids[i], "matchingRule") != NULL)
            json_array_append_new(matches, match_entry(object, root->kids[i]));
    if (json_array_size(matches) == 0) {
        md_problem_at(m, path, root, "%s not loaded: it uses no matching rule",
                      what);
        json_decref(matches);
        return;
    }
    j = json_pack("{s:s, s:s, s:b, s:o, s:s, s:s}", "name", name, "object",
                  object, "active", md_bool(root, "isActive", 1),
                  "matching_rules", matches, "action_on_create",
                  action(root, "actionOnInsert", "operationsOnInsert"),
                  "action_on_edit",
                  action(root, "actionOnUpdate", "operationsOnUpdate"));
    alert = md_text(root, "alertText");
    set_text(j, "alert_text", alert);
    set_text(j, "description", md_text(root, "description"));
    it = md_add(m, "duplicate_rules", j, name, path, root, what);
    it->extra =
        json_pack("{s:I, s:o*}", "sort_order", child_int(root, "sortOrder"),
                  "filter", filter_of(root));
}

/* ---- filter criteria as a formula -----------------------------------------
 */

/* A formula string literal of s. */
static void
literal(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

/* Filter items name some lookups by the relationship, comparing with the
 * related record's name: what that is in a formula. */
static const char *
lookup_name(const char *field)
{
    static const struct {
        const char *field, *name;
    } names[] = {
        {"RecordType", "RecordType.Name"},
        {"Profile", "Profile.Name"},
        {"UserRole", "UserRole.Name"},
        {NULL, NULL},
    };
    size_t i;

    for (i = 0; names[i].field != NULL; i++)
        if (strcmp(names[i].field, field) == 0)
            return names[i].name;
    return field;
}

/* The formula name of a filter item's field: the record's own, the
 * running user's ($User, $Profile, $UserRole) or a related record's
 * (Account.Name). */
static void
item_ref(const char *object, json_t *item, char *out, size_t n)
{
    const char *table = json_string_value(json_object_get(item, "table"));
    const char *field =
        lookup_name(json_string_value(json_object_get(item, "field")));

    if (table == NULL || strcasecmp(table, object) == 0)
        snprintf(out, n, "%s", field);
    else if (strcasecmp(table, "User") == 0 && strchr(field, '.') != NULL)
        snprintf(out, n, "$%s", field);
    else if (strcasecmp(table, "User") == 0)
        snprintf(out, n, "$User.%s", field);
    else
        snprintf(out, n, "%s.%s", table, field);
}

static int
is_text(enum fieldtype t)
{
    return t == FT_STRING || t == FT_TEXTAREA || t == FT_EMAIL ||
           t == FT_PHONE || t == FT_URL || t == FT_ID || t == FT_REFERENCE ||
           t == FT_PICKLIST;
}

/* One value's test, for text: equals, contains, startsWith. */
static void
text_test(struct buf *b, const char *op, const char *ref, int pick,
          const char *v)
{
    const char *fn =
        strcmp(op, "contains") == 0 || strcmp(op, "notContain") == 0
            ? "CONTAINS"
        : strcmp(op, "startsWith") == 0 ? "BEGINS"
                                        : NULL;

    if (*v == '\0' && fn == NULL) {
        buf_printf(b, pick ? "ISBLANK(TEXT(%s))" : "ISBLANK(%s)", ref);
        return;
    }
    if (fn != NULL)
        buf_printf(b,
                   pick ? "%s(LOWER(TEXT(%s)), LOWER("
                        : "%s(LOWER(%s), "
                          "LOWER(",
                   fn, ref);
    else
        buf_printf(b, pick ? "LOWER(TEXT(%s)) = LOWER(" : "LOWER(%s) = LOWER(",
                   ref);
    literal(b, v);
    buf_puts(b, fn != NULL ? "))" : ")");
}

/* One value's test for numbers, dates, checkboxes; -1 when the value or
 * the operation does not fit the type. */
static int
value_test(struct buf *b, const char *op, const char *ref, enum fieldtype t,
           const char *v)
{
    static const struct {
        const char *op, *sym;
    } ops[] = {{"equals", "="},       {"notEqual", "="},
               {"lessThan", "<"},     {"greaterThan", ">"},
               {"lessOrEqual", "<="}, {"greaterOrEqual", ">="},
               {NULL, NULL}};
    char *end;
    size_t i;

    for (i = 0; ops[i].op != NULL && strcmp(ops[i].op, op) != 0; i++)
        ;
    if (ops[i].op == NULL || *v == '\0')
        return -1;
    if (t == FT_BOOLEAN) {
        if (i > 1 || (strcasecmp(v, "true") != 0 && strcasecmp(v, "false")))
            return -1;
        buf_printf(b, "%s = %s", ref,
                   strcasecmp(v, "true") == 0 ? "TRUE" : "FALSE");
        return 0;
    }
    if (FIELDTYPE_IS_NUMBER(t)) {
        strtod(v, &end);
        if (*end != '\0')
            return -1;
        buf_printf(b, "%s %s %s", ref, ops[i].sym, v);
        return 0;
    }
    if (t == FT_DATE || t == FT_DATETIME) {
        buf_printf(b, "%s %s %s(", ref, ops[i].sym,
                   t == FT_DATE ? "DATEVALUE" : "DATETIMEVALUE");
        literal(b, v);
        buf_putc(b, ')');
        return 0;
    }
    return -1;
}

/* The formula of one filter item into b; -1 with why. */
static int
item_formula(struct buf *b, struct rules_check *check, const char *object,
             json_t *item, char *why, size_t n)
{
    const char *op = json_string_value(json_object_get(item, "operation"));
    char ref[KEY_LEN], vals[1024], *v, *save = NULL;
    enum fieldtype t;
    int negate, first = 1, rc = 0;

    if (op == NULL || json_object_get(item, "field") == NULL) {
        snprintf(why, n, "a filter item without a field or operation");
        return -1;
    }
    item_ref(object, item, ref, sizeof(ref));
    if ((t = rules_check_type(check, object, ref)) == FT_UNKNOWN) {
        snprintf(why, n, "its filter tests %.200s, which the org does not have",
                 ref);
        return -1;
    }
    if (json_object_get(item, "valueField") != NULL ||
        strcmp(op, "within") == 0) {
        snprintf(why, n, "its filter's %.40s test of %.200s is not simulated",
                 op, ref);
        return -1;
    }
    negate = strcmp(op, "notEqual") == 0 || strcmp(op, "notContain") == 0 ||
             strcmp(op, "excludes") == 0;
    snprintf(vals, sizeof(vals), "%s",
             json_string_value(json_object_get(item, "value")));
    buf_puts(b, negate ? "NOT(OR(" : "OR(");
    /* "equals a, b" is "equals a or equals b". */
    for (v = strtok_r(vals, ",", &save); rc == 0 && (v != NULL || first);
         v = strtok_r(NULL, ",", &save)) {
        const char *val = v != NULL ? v : "";

        while (*val == ' ')
            val++;
        if (!first)
            buf_puts(b, ", ");
        first = 0;
        if (t == FT_MULTIPICKLIST &&
            (strcmp(op, "includes") == 0 || strcmp(op, "excludes") == 0)) {
            buf_printf(b, "INCLUDES(%s, ", ref);
            literal(b, val);
            buf_putc(b, ')');
        } else if (is_text(t) &&
                   (strcmp(op, "equals") == 0 || strcmp(op, "notEqual") == 0 ||
                    strcmp(op, "contains") == 0 ||
                    strcmp(op, "notContain") == 0 ||
                    strcmp(op, "startsWith") == 0)) {
            text_test(b, op, ref, t == FT_PICKLIST, val);
        } else if (value_test(b, op, ref, t, val) == -1) {
            snprintf(why, n,
                     "its filter's %.40s test of %.200s with \"%.100s\" is "
                     "not simulated",
                     op, ref, val);
            rc = -1;
        }
        if (v == NULL)
            break;
    }
    buf_puts(b, negate ? "))" : ")");
    return rc;
}

static int
sort_order_cmp(const void *a, const void *b)
{
    json_int_t x =
        json_integer_value(json_object_get(*(json_t *const *)a, "sortOrder"));
    json_int_t y =
        json_integer_value(json_object_get(*(json_t *const *)b, "sortOrder"));

    return x < y ? -1 : x > y;
}

/* The filter's items (sorted by their sortOrder, which is what the
 * boolean filter's numbers name) as formulas joined as the filter says
 * (without one, all must hold), into b; -1 with why. */
static int
filter_formula(struct buf *b, struct rules_check *check, const char *object,
               json_t *filter, char *why, size_t n)
{
    json_t *items = json_object_get(filter, "items");
    const char *bf =
        json_string_value(json_object_get(filter, "boolean_filter"));
    size_t i, k, count = json_array_size(items);
    json_t **sorted = xcalloc(count + 1, sizeof(*sorted));
    struct buf *parts = xcalloc(count + 1, sizeof(*parts));
    int rc = 0;

    for (i = 0; i < count; i++)
        sorted[i] = json_array_get(items, i);
    qsort(sorted, count, sizeof(*sorted), sort_order_cmp);
    for (i = 0; i < count && rc == 0; i++) {
        buf_init(&parts[i], CONDITIONS_MAX);
        rc = item_formula(&parts[i], check, object, sorted[i], why, n);
    }
    for (i = 0; rc == 0 && bf == NULL && i < count; i++)
        buf_printf(b, "%s(%s)", i ? " && " : "", parts[i].data);
    while (rc == 0 && bf != NULL && *bf != '\0') {
        if (isdigit((unsigned char)*bf)) {
            char *end;

            k = (size_t)strtoul(bf, &end, 10);
            bf = end;
            if (k < 1 || k > count) {
                snprintf(why, n,
                         "its filter's boolean filter names item "
                         "%zu",
                         k);
                rc = -1;
                break;
            }
            buf_printf(b, "(%s)", parts[k - 1].data);
        } else if (strncasecmp(bf, "AND", 3) == 0) {
            buf_puts(b, " && ");
            bf += 3;
        } else if (strncasecmp(bf, "OR", 2) == 0) {
            buf_puts(b, " || ");
            bf += 2;
        } else if (strncasecmp(bf, "NOT", 3) == 0) {
            buf_puts(b, " !");
            bf += 3;
        } else {
            buf_putc(b, *bf++);
        }
    }
    for (i = 0; i < count; i++)
        buf_free(&parts[i]);
    free(parts);
    free(sorted);
    return rc;
}

/* The name of a duplicateRuleMatchRules entry (match_entry()). */
static const char *
entry_rule(json_t *e)
{
    return json_is_string(e) ? json_string_value(e)
                             : json_string_value(json_object_get(e, "rule"));
}

/* Drops a duplicate rule that uses a matching rule the metadata holds
 * but not active (ruleStatus Inactive, DeactivationFailed, ...): the
 * sim cannot run what Salesforce would not. 1 when dropped. */
static int
uses_inactive(struct md *m, struct md_item *it)
{
    json_t *e, *status;
    const char *rule;
    size_t i;

    json_array_foreach(json_object_get(it->json, "matching_rules"), i, e) {
        rule = entry_rule(e);
        if (rule == NULL || md_item_exists(m, "matching_rules", rule) ||
            (status = json_object_get(m->inactive_matching, rule)) == NULL)
            continue;
        md_problem(m, it->path, it->line, it->column,
                   "%s not loaded: its matching rule %s is %s in the "
                   "metadata (ruleStatus), and Salesforce runs a duplicate "
                   "rule only on active matching rules%s",
                   it->what, rule, json_string_value(status),
                   json_is_true(json_object_get(it->json, "active"))
                       ? ""
                       : " (the duplicate rule is inactive too: nothing is "
                         "lost)");
        it->dropped = 1;
        return 1;
    }
    return 0;
}

/* Writes one duplicate rule's conditions; drops it when they cannot be. */
static void
rule_conditions(struct md *m, struct md_item *it, struct rules_check *check)
{
    json_t *filter = json_object_get(it->extra, "filter");
    const char *object = json_string_value(json_object_get(it->json, "object"));
    struct formula_error fe;
    char why[512];
    struct buf b;

    if (uses_inactive(m, it) || filter == NULL)
        return;
    buf_init(&b, CONDITIONS_MAX);
    if (filter_formula(&b, check, object, filter, why, sizeof(why)) == -1 ||
        b.toobig) {
        md_problem(m, it->path, it->line, it->column, "%s not loaded: %s",
                   it->what, b.toobig ? "its filter is too long" : why);
        it->dropped = 1;
    } else if (rules_check_formula(check, object, b.data, FT_BOOLEAN, &fe) ==
               -1) {
        md_problem(m, it->path, it->line, it->column,
                   "%s not loaded: its filter does not make a formula the "
                   "sim can run (%s): %s",
                   it->what, fe.message, b.data);
        it->dropped = 1;
    } else {
        json_object_set_new(it->json, "conditions", json_string(b.data));
    }
    buf_free(&b);
}

/* Duplicate rules run in their sortOrder (per object): the items are put
 * in that order among themselves. */
static int
dup_cmp(const void *a, const void *b)
{
    const struct md_item *x = a, *y = b;
    int c = strcasecmp(json_string_value(json_object_get(x->json, "object")),
                       json_string_value(json_object_get(y->json, "object")));
    json_int_t sx = json_integer_value(json_object_get(x->extra, "sort_order"));
    json_int_t sy = json_integer_value(json_object_get(y->extra, "sort_order"));

    if (c != 0)
        return c;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void
sort_rules(struct md *m)
{
    struct md_item *tmp = xcalloc(m->nitems + 1, sizeof(*tmp));
    size_t *slot = xcalloc(m->nitems + 1, sizeof(*slot));
    size_t i, n = 0;

    for (i = 0; i < m->nitems; i++)
        if (strcmp(m->items[i].section, "duplicate_rules") == 0) {
            slot[n] = i;
            tmp[n++] = m->items[i];
        }
    qsort(tmp, n, sizeof(*tmp), dup_cmp);
    for (i = 0; i < n; i++)
        m->items[slot[i]] = tmp[i];
    free(tmp);
    free(slot);
}

void
md_dup_conditions(struct md *m, struct rules_check *check)
{
    size_t i;

    sort_rules(m);
    for (i = 0; i < m->nitems; i++)
        if (!m->items[i].dropped &&
            strcmp(m->items[i].section, "duplicate_rules") == 0)
            rule_conditions(m, &m->items[i], check);
}
