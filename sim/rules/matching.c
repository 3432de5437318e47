/*
 * matching.c - matching rules against the store (see matching.h).
 *
 * A boolean filter is parsed into a small tree over the items. Finding
 * duplicates is in two steps: the candidates come from equality-index
 * lookups chosen by a "cover" of the tree (for an OR, every branch; for
 * an AND, the branch whose lookups hold the fewest records; a NOT, or an
 * item that cannot be looked up, covers nothing), then each candidate is
 * checked against the whole filter.
 */
#include "matching.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_ref.h"
#include "schema.h"
#include "sfid.h"
#include "store.h"
#include "xmalloc.h"

/* Candidates read at once from an index before the buffer grows. */
#define INLINE_CANDIDATES 64
/* Items a search keeps on the stack (rules have a handful). */
#define SMALL_ITEMS 16

/* How each kind compares: the index normalisation, and whether Salesforce
 * calls its method fuzzy. */
static const struct {
    enum store_norm norm;
    int fuzzy;
} kinds[MATCH_KIND_COUNT] = {
    [MATCH_EXACT] = {STORE_NORM_EXACT, 0},
    [MATCH_CASE_INSENSITIVE] = {STORE_NORM_CASEFOLD, 0},
    [MATCH_EMAIL] = {STORE_NORM_CASEFOLD, 0},
    [MATCH_PHONE] = {STORE_NORM_DIGITS, 1},
    [MATCH_NAME] = {STORE_NORM_CASEFOLD, 1},
    [MATCH_COMPANY] = {STORE_NORM_CASEFOLD, 1},
    [MATCH_FIRST_NAME] = {STORE_NORM_CASEFOLD, 1},
    [MATCH_LAST_NAME] = {STORE_NORM_CASEFOLD, 1},
    [MATCH_CITY] = {STORE_NORM_CASEFOLD, 1},
    [MATCH_STREET] = {STORE_NORM_CASEFOLD, 1},
    [MATCH_ZIP] = {STORE_NORM_CASEFOLD, 1},
    [MATCH_TITLE] = {STORE_NORM_CASEFOLD, 1},
};

struct item {
    const char *subject; /* the record's field; NULL: not mapped (blank) */
    const char *target;  /* the compared records' field */
    enum store_norm norm;
    int match_blanks;
    /* The compared field is a lookup and the record's is not: the looked
     * up record's Name is compared (a Lead's Company with a Contact's
     * Account). Such an item is never looked up in an index. */
    int by_name;
};

enum fop { F_ITEM, F_AND, F_OR, F_NOT };

struct fnode {
    enum fop op;
    int item;  /* F_ITEM: 0-based */
    int *kids; /* node indexes */
    int nkids;
};

struct filter {
    struct fnode *nodes;
    int n, cap, root;
};

struct matching {
    const struct org_mrule *m;
    const char *target;
    struct item *items;
    size_t nitems;
    struct filter f;
};

/* ---- the boolean filter ---------------------------------------------------
 */

struct fparser {
    const char *s;
    size_t pos;
    int depth;
    size_t nitems;
    struct filter *f;
    char *why;
    size_t n;
};

static int
fp_error(struct fparser *p, const char *what)
{
    snprintf(p->why, p->n, "boolean filter \"%.80s\": %s at character %zu",
             p->s, what, p->pos + 1);
    return -1;
}

static void
fp_space(struct fparser *p)
{
    while (isspace((unsigned char)p->s[p->pos]))
        p->pos++;
}

/* 1 and advances when the next word is kw (case-insensitive). */
static int
fp_word(struct fparser *p, const char *kw)
{
    size_t k = strlen(kw);

    fp_space(p);
    if (strncasecmp(p->s + p->pos, kw, k) != 0 ||
        isalnum((unsigned char)p->s[p->pos + k]))
        return 0;
    p->pos += k;
    return 1;
}

static int
fnode_add(struct filter *f, enum fop op, int item)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->nodes = xreallocarray(f->nodes, (size_t)f->cap, sizeof(*f->nodes));
    }
    memset(&f->nodes[f->n], 0, sizeof(f->nodes[f->n]));
    f->nodes[f->n].op = op;
    f->nodes[f->n].item = item;
    return f->n++;
}

static void
fnode_kid(struct filter *f, int parent, int kid)
{
    struct fnode *p = &f->nodes[parent];

    p->kids = xreallocarray(p->kids, (size_t)p->nkids + 1, sizeof(int));
    p->kids[p->nkids++] = kid;
}

static int fp_or(struct fparser *p);

static int
fp_unary(struct fparser *p)
{
    int node, kid;
    long v;
    char *end;

    if (++p->depth > MATCHING_FILTER_DEPTH)
        return fp_error(p, "nested too deeply");
    fp_space(p);
    if (fp_word(p, "NOT")) {
        if ((kid = fp_unary(p)) < 0)
            return -1;
        node = fnode_add(p->f, F_NOT, -1);
        fnode_kid(p->f, node, kid);
    } else if (p->s[p->pos] == '(') {
        p->pos++;
        if ((node = fp_or(p)) < 0)
            return -1;
        fp_space(p);
        if (p->s[p->pos] != ')')
            return fp_error(p, "missing ')'");
        p->pos++;
    } else if (isdigit((unsigned char)p->s[p->pos])) {
        v = strtol(p->s + p->pos, &end, 10);
        if (v < 1 || (size_t)v > p->nitems)
            return fp_error(p, "no such field number");
        p->pos = (size_t)(end - p->s);
        node = fnode_add(p->f, F_ITEM, (int)v - 1);
    } else {
        return fp_error(p, "expected a field number, NOT or '('");
    }
    p->depth--;
    return node;
}

/* One level: operands joined by op ("AND" or "OR"). */
static int
fp_level(struct fparser *p, enum fop op, int (*operand)(struct fparser *))
{
    int first, node = -1, kid;

    if ((first = operand(p)) < 0)
        return -1;
    while (fp_word(p, op == F_AND ? "AND" : "OR")) {
        if ((kid = operand(p)) < 0)
            return -1;
        if (node < 0) {
            node = fnode_add(p->f, op, -1);
            fnode_kid(p->f, node, first);
        }
        fnode_kid(p->f, node, kid);
    }
    return node < 0 ? first : node;
}

static int
fp_and(struct fparser *p)
{
    return fp_level(p, F_AND, fp_unary);
}

static int
fp_or(struct fparser *p)
{
    return fp_level(p, F_OR, fp_and);
}

static void
filter_free(struct filter *f)
{
    int i;

    for (i = 0; i < f->n; i++)
        free(f->nodes[i].kids);
    free(f->nodes);
    memset(f, 0, sizeof(*f));
}

/* Parses text (NULL: every item ANDed) into f; 0 or -1 with why. */
static int
filter_parse(const char *text, size_t nitems, struct filter *f, char *why,
             size_t n)
{
    struct fparser p = {text, 0, 0, nitems, f, why, n};
    size_t i;

    memset(f, 0, sizeof(*f));
    if (text == NULL) {
        f->root = fnode_add(f, F_AND, -1);
        for (i = 0; i < nitems; i++)
            fnode_kid(f, f->root, fnode_add(f, F_ITEM, (int)i));
        return 0;
    }
    if (strlen(text) > MATCHING_FILTER_MAX)
        return fp_error(&p, "too long");
    if ((f->root = fp_or(&p)) < 0)
        goto fail;
    fp_space(&p);
    if (text[p.pos] != '\0') {
        fp_error(&p, "unexpected text");
        goto fail;
    }
    return 0;
fail:
    filter_free(f);
    return -1;
}

int
matching_filter_check(const char *filter, size_t nitems, char *why, size_t n)
{
    struct filter f;

    if (filter_parse(filter, nitems, &f, why, n) == -1)
        return -1;
    filter_free(&f);
    return 0;
}

/* ---- compiling ------------------------------------------------------------
 */

/* The record's field mapped onto the rule's field to (NULL: unmapped). */
static const char *
mapped_from(const struct org_mapping *mapping, size_t nmapping, const char *to)
{
    size_t i;

    if (mapping == NULL)
        return to;
    for (i = 0; i < nmapping; i++)
        if (strcasecmp(mapping[i].to, to) == 0)
            return mapping[i].from;
    return NULL;
}

static int
compile_item(struct item *it, const struct org_match_field *mf,
             const struct object_def *subj, const struct object_def *target,
             const struct org_mapping *mapping, size_t nmapping, char *why,
             size_t n)
{
    const struct field_def *tf = schema_field(target, mf->field), *sf;

    if (tf == NULL) {
        snprintf(why, n, "compares %s, which %s does not have", mf->field,
                 target->name);
        return -1;
    }
    it->target = tf->name;
    it->subject = mapped_from(mapping, nmapping, mf->field);
    it->norm = kinds[mf->kind].norm;
    it->match_blanks = mf->match_blanks;
    if (it->subject == NULL)
        return 0;
    if ((sf = schema_field(subj, it->subject)) == NULL) {
        snprintf(why, n, "compares %s, which %s does not have", it->subject,
                 subj->name);
        return -1;
    }
    it->subject = sf->name;
    it->by_name = tf->type == FT_REFERENCE && sf->type != FT_REFERENCE;
    return 0;
}

struct matching *
matching_new(const struct org_mrule *m, const struct schema *schema,
             const char *subject, const char *target,
             const struct org_mapping *mapping, size_t nmapping, char *why,
             size_t n)
{
    const struct object_def *so = schema_object(schema, subject);
    const struct object_def *to = schema_object(schema, target);
    struct matching *mt;
    size_t i;

    if (so == NULL || to == NULL) {
        snprintf(why, n, "\"%s\" is not one of: Lead, Contact, Account",
                 so == NULL ? subject : target);
        return NULL;
    }
    mt = xcalloc(1, sizeof(*mt));
    mt->m = m;
    mt->target = to->name;
    mt->nitems = m->nfields;
    mt->items = xcalloc(m->nfields + 1, sizeof(*mt->items));
    for (i = 0; i < m->nfields; i++)
        if (compile_item(&mt->items[i], &m->fields[i], so, to, mapping,
                         nmapping, why, n) == -1)
            goto fail;
    if (filter_parse(m->boolean_filter, m->nfields, &mt->f, why, n) == -1)
        goto fail;
    return mt;
fail:
    matching_free(mt);
    return NULL;
}

void
matching_free(struct matching *mt)
{
    if (mt == NULL)
        return;
    filter_free(&mt->f);
    free(mt->items);
    free(mt);
}

const struct org_mrule *
matching_rule(const struct matching *mt)
{
    return mt->m;
}

const char *
matching_target(const struct matching *mt)
{
    return mt->target;
}

int
matching_fuzzy(const struct matching *mt)
{
    size_t i;

    for (i = 0; i < mt->m->nfields; i++)
        if (kinds[mt->m->fields[i].kind].fuzzy)
            return 1;
    return 0;
}

/* ---- finding --------------------------------------------------------------
 */

/* One search: the record, the compared object and the record's values of
 * each item, read once. */
struct search {
    const struct matching *mt;
    struct rules_ref_env *env;
    const struct object_def *target;
    const struct record *self;
    const char **val;
    size_t *len;
};

static uint32_t
target_field(const struct search *s, size_t i)
{
    return rules_ref_field_kept(s->env, s->target, s->mt->items[i].target)
        ->interned;
}

/* The Name of the record a lookup value points to (by_name items). */
static const char *
looked_up_name(const struct search *s, const char *id, size_t idlen,
               size_t *len)
{
    char id15[SFID_LEN15 + 1];
    const struct record *r;
    const struct object_def *o;
    const struct field_def *f;

    if (id == NULL || s->env->store == NULL ||
        sfid_normalize(id, idlen, id15) == -1 ||
        (r = store_get(s->env->store, id15)) == NULL ||
        (o = schema_object_at(s->env->schema, r->object)) == NULL ||
        (f = schema_field(o, "Name")) == NULL)
        return NULL;
    return record_value(r, f->interned, len);
}

/* Whether candidate r matches on item i. */
static int
item_matches(const struct search *s, size_t i, const struct record *r)
{
    const struct item *it = &s->mt->items[i];
    const char *a = s->val[i], *b;
    size_t alen = s->len[i], blen = 0;
    int ablank, bblank;

    b = record_value(r, target_field(s, i), &blen);
    if (it->by_name)
        b = looked_up_name(s, b, blen, &blen);
    ablank = a == NULL || store_norm_empty(it->norm, a, alen);
    bblank = b == NULL || store_norm_empty(it->norm, b, blen);
    if (ablank || bblank)
        return ablank && bblank && it->match_blanks;
    return store_norm_equal(it->norm, a, alen, b, blen);
}

static int
eval_node(const struct search *s, int node, const struct record *r)
{
    const struct fnode *n = &s->mt->f.nodes[node];
    int i;

    switch (n->op) {
    case F_ITEM: return item_matches(s, (size_t)n->item, r);
    case F_NOT: return !eval_node(s, n->kids[0], r);
    case F_AND:
        for (i = 0; i < n->nkids; i++)
            if (!eval_node(s, n->kids[i], r))
                return 0;
        return 1;
    default:
        for (i = 0; i < n->nkids; i++)
            if (eval_node(s, n->kids[i], r))
                return 1;
        return 0;
    }
}

/* Whether item i can find its candidates in an index. */
static int
lookupable(const struct search *s, size_t i)
{
    const struct item *it = &s->mt->items[i];

    return !it->by_name && s->val[i] != NULL &&
           !store_norm_empty(it->norm, s->val[i], s->len[i]);
}

/* Marks in pick[] the items whose lookups cover every match of node;
 * returns the records they would read, or -1 when node cannot be covered
 * (a NOT, an item without a value to look up). */
static long
cover(const struct search *s, int node, char *pick)
{
    const struct fnode *n = &s->mt->f.nodes[node];
    char *best = NULL, *tmp, small_tmp[SMALL_ITEMS], small_best[SMALL_ITEMS];
    long total = 0, c, best_c = -1;
    int i;

    if (n->op == F_ITEM) {
        if (!lookupable(s, (size_t)n->item))
            return -1;
        pick[n->item] = 1;
        return (long)store_find_equal(
            s->env->store, s->target->store_index, target_field(s, n->item),
            s->mt->items[n->item].norm, s->val[n->item], s->len[n->item], NULL,
            0);
    }
    if (n->op == F_NOT)
        return -1;
    if (n->op == F_OR) {
        for (i = 0; i < n->nkids; i++) {
            if ((c = cover(s, n->kids[i], pick)) < 0)
                return -1;
            total += c;
        }
        return total;
    }
    /* AND: the cheapest branch that can be covered. */
    tmp = s->mt->nitems <= SMALL_ITEMS ? small_tmp : xcalloc(s->mt->nitems, 1);
    best =
        s->mt->nitems <= SMALL_ITEMS ? small_best : xcalloc(s->mt->nitems, 1);
    memset(best, 0, s->mt->nitems);
    for (i = 0; i < n->nkids; i++) {
        memset(tmp, 0, s->mt->nitems);
        if ((c = cover(s, n->kids[i], tmp)) >= 0 &&
            (best_c < 0 || c < best_c)) {
            best_c = c;
            memcpy(best, tmp, s->mt->nitems);
        }
    }
    for (i = 0; best_c >= 0 && (size_t)i < s->mt->nitems; i++)
        pick[i] |= best[i];
    if (tmp != small_tmp) {
        free(tmp);
        free(best);
    }
    return best_c;
}

/* Oldest first: ids grow with each record the store makes. */
static int
id_cmp(const void *a, const void *b)
{
    const struct record *x = *(struct record *const *)a;
    const struct record *y = *(struct record *const *)b;

    return strcmp(x->id, y->id);
}

/* Appends the records item i's index holds for the record's value. */
static void
gather(const struct search *s, size_t i, struct record ***cand, size_t *n,
       size_t *cap)
{
    struct record *buf[INLINE_CANDIDATES], **got = buf;
    size_t k;

    k = store_find_equal(s->env->store, s->target->store_index,
                         target_field(s, i), s->mt->items[i].norm, s->val[i],
                         s->len[i], buf, INLINE_CANDIDATES);
    if (k > INLINE_CANDIDATES) {
        got = xcalloc(k, sizeof(*got));
        k = store_find_equal(s->env->store, s->target->store_index,
                             target_field(s, i), s->mt->items[i].norm,
                             s->val[i], s->len[i], got, k);
    }
    if (k == 0) /* nothing to add, and *cand may still be NULL */
        return;
    if (*n + k > *cap) {
        *cap = (*n + k) * 2;
        *cand = xreallocarray(*cand, *cap, sizeof(**cand));
    }
    memcpy(*cand + *n, got, k * sizeof(*got));
    *n += k;
    if (got != buf)
        free(got);
}

/* The record's value of each item, read once. */
static void
read_values(struct search *s, const struct rules_ref_rec *rec)
{
    size_t i;

    for (i = 0; i < s->mt->nitems; i++) {
        s->val[i] = s->mt->items[i].subject != NULL
                        ? rules_ref_value_kept(
                              s->env, rec, s->mt->items[i].subject, &s->len[i])
                        : NULL;
        if (s->val[i] == NULL)
            s->len[i] = 0;
    }
}

size_t
matching_find(const struct matching *mt, struct rules_ref_env *env,
              const struct rules_ref_rec *rec, struct record **out, size_t max)
{
    struct search s = {mt, env, NULL, rec->record, NULL, NULL};
    struct record **cand = NULL;
    const char *small_val[SMALL_ITEMS];
    size_t i, n = 0, cap = 0, found = 0, small_len[SMALL_ITEMS];
    char *pick, small_pick[SMALL_ITEMS];
    int small = mt->nitems <= SMALL_ITEMS;

    if (env->store == NULL || env->schema == NULL ||
        (s.target = schema_object(env->schema, mt->target)) == NULL)
        return 0;
    s.val = small ? small_val : xcalloc(mt->nitems + 1, sizeof(*s.val));
    s.len = small ? small_len : xcalloc(mt->nitems + 1, sizeof(*s.len));
    pick = small ? small_pick : xcalloc(mt->nitems + 1, 1);
    memset(pick, 0, small ? SMALL_ITEMS : mt->nitems + 1);
    read_values(&s, rec);
    /* A cover that reads no record leaves nothing to gather. */
    if (cover(&s, mt->f.root, pick) > 0)
        for (i = 0; i < mt->nitems; i++)
            if (pick[i])
                gather(&s, i, &cand, &n, &cap);
    if (n > 1)
        qsort(cand, n, sizeof(*cand), id_cmp);
    for (i = 0; i < n && found < max; i++) {
        if ((i > 0 && cand[i] == cand[i - 1]) || cand[i] == s.self)
            continue;
        if (eval_node(&s, mt->f.root, cand[i]))
            out[found++] = cand[i];
    }
    free(cand);
    if (!small) {
        free(pick);
        free(s.val);
        free(s.len);
    }
    return found;
}
