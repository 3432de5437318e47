/*
 * h_search.c - SOSL over REST (facts 7.4): GET vNN.N/search?q=FIND {...},
 * and parameterizedSearch, the same search given as parts (GET ?q=&sobject=
 * ..., POST JSON).
 *
 * The language is sosl.c's; here each RETURNING item runs over the store:
 * candidates from the equality indexes when the term is one email address
 * (IN EMAIL FIELDS) or phone number (IN PHONE FIELDS), otherwise a scan of
 * the object's live records; then the term, the item's WHERE, ORDER BY,
 * OFFSET and LIMIT, and the search's overall limit (SOSL_MAX_ROWS at most).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "handlers.h"
#include "parse.h"
#include "recview.h"
#include "rest.h"
#include "schema.h"
#include "sim.h"
#include "sobject.h"
#include "sosl.h"
#include "store.h"
#include "xmalloc.h"

/* Answers are {"searchRecords": [...]} from this version on, a bare array
 * before (facts 7.4). */
#define SEARCH_VERSION_WRAPPED 36
#define PSEARCH_ITEM_MAX 8192 /* one built RETURNING item */

/* --- one RETURNING item ----------------------------------------------------
 */

/* Whether scope searches field f (stored text only). */
static int
in_scope(enum sosl_scope scope, const struct field_def *f)
{
    if (!sobject_field_stored(f))
        return 0;
    switch (scope) {
    case SOSL_IN_EMAIL: return f->type == FT_EMAIL;
    case SOSL_IN_PHONE: return f->type == FT_PHONE;
    case SOSL_IN_NAME:
        return (f->flags & FIELD_NAME) || strcmp(f->name, "FirstName") == 0 ||
               strcmp(f->name, "LastName") == 0;
    case SOSL_IN_ALL:
        return f->type == FT_STRING || f->type == FT_TEXTAREA ||
               f->type == FT_EMAIL || f->type == FT_PHONE || f->type == FT_URL;
    }
    return 0;
}

struct item {
    struct sim *sim;
    const struct sosl_search *s;
    const struct soql_query *q;
    const struct object_def *obj;
    const struct field_def **fields; /* in scope; owned */
    struct sosl_text *texts;         /* one per field; owned */
    size_t nfields;
    struct field_access fa;
    struct recview view;
    int64_t now;
    struct recset *out;
};

static int
consider(struct record *r, void *arg)
{
    struct item *it = arg;
    size_t i;

    for (i = 0; i < it->nfields; i++) {
        it->texts[i].value =
            record_value(r, it->fields[i]->interned, &it->texts[i].len);
        it->texts[i].phone = it->fields[i]->type == FT_PHONE;
    }
    it->view.r = r;
    if (sosl_match(it->s, it->texts, it->nfields) &&
        soql_match(it->q, &it->fa, it->now))
        recset_add(it->out, r);
    return 0;
}

/*
 * Candidates from the indexes (1), or 0 when the term is no one email
 * address or phone number searched in those fields only.
 */
static int
candidates(struct item *it, struct recset *cand)
{
    enum sosl_scope scope = sosl_scope(it->s);
    const char *word;
    size_t i;

    if (!sosl_single_word(it->s, &word) ||
        (scope != SOSL_IN_EMAIL && scope != SOSL_IN_PHONE))
        return 0;
    if (scope == SOSL_IN_PHONE &&
        store_norm_empty(STORE_NORM_DIGITS, word, strlen(word)))
        return 1; /* no digits: no phone has them */
    for (i = 0; i < it->nfields; i++)
        recview_find_equal(it->sim->store, it->obj, it->fields[i]->interned,
                           scope == SOSL_IN_EMAIL ? STORE_NORM_CASEFOLD
                                                  : STORE_NORM_DIGITS,
                           word, cand);
    return 1;
}

static int
by_pointer(const void *a, const void *b)
{
    const struct record *x = *(struct record *const *)a;
    const struct record *y = *(struct record *const *)b;

    return x < y ? -1 : x > y;
}

/* The matches of one RETURNING item, in result order, into out. */
static void
run_item(struct sim *sim, const struct sosl_search *s,
         const struct soql_query *q, const struct object_def *obj,
         struct recset *out)
{
    struct recset cand = {0};
    struct item it;
    size_t i;
    int scanned = 0;

    memset(&it, 0, sizeof(it));
    it.sim = sim;
    it.s = s;
    it.q = q;
    it.obj = obj;
    it.now = sim_now(sim);
    it.out = out;
    it.fields = xreallocarray(NULL, obj->nfields + 1, sizeof(*it.fields));
    it.texts = xcalloc(obj->nfields + 1, sizeof(*it.texts));
    for (i = 0; i < obj->nfields; i++)
        if (in_scope(sosl_scope(s), &obj->fields[i]))
            it.fields[it.nfields++] = &obj->fields[i];
    recview_init(&it.view, sim, obj, &it.fa);
    if (candidates(&it, &cand)) {
        /* A record found through two fields is one match. */
        if (cand.n > 1)
            qsort(cand.v, cand.n, sizeof(*cand.v), by_pointer);
        for (i = 0; i < cand.n; i++)
            if (i == 0 || cand.v[i] != cand.v[i - 1])
                consider(cand.v[i], &it);
    } else {
        scanned = 1;
        store_foreach(sim->store, obj->store_index, consider, &it);
    }
    recview_sort(sim, q, obj, out, scanned);
    free(cand.v);
    free(it.fields);
    free(it.texts);
}

/* --- the search --------------------------------------------------------- */

static void
search_error(struct sim_response *resp, const struct soql_error *err)
{
    /* Search errors carry no "fields" (facts 7.4). */
    response_sf_error(resp, 400, err->code, err->message, NULL);
}

/* Adds a RETURNING item for every searchable object (a search without
 * one returns their Ids). */
static void
add_default_items(struct sim *sim, struct sosl_search *s)
{
    const struct object_def *o;
    size_t i, pos;

    for (i = 0; i < sim->schema->nobjects; i++) {
        o = &sim->schema->objects[i];
        pos = 0;
        if (o->flags & OBJ_SEARCHABLE)
            sosl_add_object(s,
                            soql_parse_returning(o->name, strlen(o->name), &pos,
                                                 "MALFORMED_SEARCH", NULL));
    }
}

/* Binds every item against the schema; -1 after answering 400. */
static int
bind_items(struct sim *sim, struct sosl_search *s, struct sim_response *resp)
{
    struct soql_schema schema = recview_schema(sim->schema);
    struct soql_error err = {0};
    const struct object_def *obj;
    size_t i;

    if (sosl_object_count(s) == 0)
        add_default_items(sim, s);
    for (i = 0; i < sosl_object_count(s); i++) {
        if (soql_bind(sosl_object(s, i), &schema, &err) == -1) {
            search_error(resp, &err);
            return -1;
        }
        obj = schema_object(sim->schema, soql_object(sosl_object(s, i)));
        if (!(obj->flags & OBJ_SEARCHABLE)) {
            snprintf(err.code, sizeof(err.code), "INVALID_TYPE");
            snprintf(err.message, sizeof(err.message),
                     "entity type %s does not support search", obj->name);
            search_error(resp, &err);
            return -1;
        }
    }
    return 0;
}

/* Runs s (bound) and answers 200 with what it found. */
static void
answer_search(struct sim *sim, const struct sosl_search *s, int version,
              struct sim_response *resp)
{
    json_t *records = json_array();
    const struct object_def *obj;
    const struct soql_query *q;
    size_t i, k, from, to, total = 0, limit = (size_t)sosl_limit(s);

    for (i = 0; i < sosl_object_count(s) && total < limit; i++) {
        struct recset found = {0};

        q = sosl_object(s, i);
        obj = schema_object(sim->schema, soql_object(q));
        run_item(sim, s, q, obj, &found);
        recview_window(q, &found, &from, &to);
        for (k = from; k < to && total < limit; k++, total++)
            json_array_append_new(
                records, recview_json(sim, q, obj, found.v[k], version, 1));
        free(found.v);
    }
    response_json(resp, 200,
                  version >= SEARCH_VERSION_WRAPPED
                      ? json_pack("{s:o}", "searchRecords", records)
                      : records);
    resp->verdict = VERDICT_OK;
    response_detail(resp, "%zu records found", total);
}

/* GET /services/data/vNN.N/search?q=FIND {...} ... */
void
h_search(struct sim *sim, struct sim_request *req, struct sim_response *resp)
{
    const char *text = request_query(req, "q");
    struct soql_error err = {0};
    struct sosl_search *s;
    int v;

    if ((v = rest_version(req, resp)) == -1)
        return;
    s = sosl_parse(text, text != NULL ? strlen(text) : 0, &err);
    if (s == NULL) {
        search_error(resp, &err);
        return;
    }
    if (bind_items(sim, s, resp) == 0)
        answer_search(sim, s, v, resp);
    sosl_free(s);
}

/* --- parameterizedSearch ---------------------------------------------------
 */

/* One sobject of a parameterized search, as given. */
struct psobject {
    const char *name;
    const char *fields; /* comma-separated, or NULL */
    const char *where;  /* or NULL */
    int64_t limit;      /* or -1 */
};

/*
 * Adds the item "name(fields WHERE where LIMIT n)" to s, parsed as a
 * RETURNING item of its own text; -1 (err set) when it does not parse as
 * exactly one.
 */
static int
add_item(struct sosl_search *s, const struct psobject *o,
         struct soql_error *err)
{
    struct soql_query *q = NULL;
    struct buf b;
    size_t pos = 0;
    int rc = -1;

    buf_init(&b, PSEARCH_ITEM_MAX);
    buf_puts(&b, o->name);
    if (o->fields != NULL || o->where != NULL || o->limit >= 0) {
        buf_printf(&b, "(%s", o->fields != NULL ? o->fields : "Id");
        if (o->where != NULL)
            buf_printf(&b, " WHERE %s", o->where);
        if (o->limit >= 0)
            buf_printf(&b, " LIMIT %lld", (long long)o->limit);
        buf_putc(&b, ')');
    }
    if (b.toobig) {
        snprintf(err->code, sizeof(err->code), "MALFORMED_SEARCH");
        snprintf(err->message, sizeof(err->message),
                 "the parts of sobject %.64s are longer than sfsim allows "
                 "(%d bytes)",
                 o->name, PSEARCH_ITEM_MAX);
        goto out;
    }
    q = soql_parse_returning(b.data, b.len, &pos, "MALFORMED_SEARCH", err);
    while (q != NULL && pos < b.len && b.data[pos] == ' ')
        pos++;
    if (q != NULL && pos < b.len) {
        soql_error_at(err, "MALFORMED_SEARCH", b.data, b.len, pos,
                      "unexpected token after the sobject's parts");
        goto out;
    }
    if (q != NULL && sosl_add_object(s, q) == 0)
        rc = 0;
    q = NULL;
    if (rc == -1 && err->code[0] == '\0') {
        snprintf(err->code, sizeof(err->code), "MALFORMED_SEARCH");
        snprintf(err->message, sizeof(err->message),
                 "more than %d sobjects in one search", SOSL_MAX_OBJECTS);
    }
out:
    soql_free(q);
    buf_free(&b);
    return rc;
}

/* The scope named by in ("ALL", "NAME", "EMAIL", "PHONE"; NULL: ALL); -1
 * when it names none. */
static int
scope_of(const char *in, enum sosl_scope *out)
{
    static const struct {
        const char *name;
        enum sosl_scope scope;
    } names[] = {{"ALL", SOSL_IN_ALL},
                 {"NAME", SOSL_IN_NAME},
                 {"EMAIL", SOSL_IN_EMAIL},
                 {"PHONE", SOSL_IN_PHONE}};
    size_t i;

    *out = SOSL_IN_ALL;
    if (in == NULL)
        return 0;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(in, names[i].name) == 0) {
            *out = names[i].scope;
            return 0;
        }
    return -1;
}

/* The search of q and in, or NULL with err set. */
static struct sosl_search *
psearch_new(const char *q, const char *in, struct soql_error *err)
{
    enum sosl_scope scope;

    if (scope_of(in, &scope) == -1) {
        snprintf(err->code, sizeof(err->code), "INVALID_SEARCH");
        snprintf(err->message, sizeof(err->message),
                 "in must be ALL, NAME, EMAIL or PHONE, not %.64s", in);
        return NULL;
    }
    return sosl_new(q, q != NULL ? strlen(q) : 0, scope, err);
}

/* A whole-number parameter in 0..SOSL_MAX_ROWS (-1 when absent); -2 when
 * it is something else. */
static int64_t
count_param(const char *v)
{
    int64_t n;

    if (v == NULL)
        return -1;
    return parse_int64(v, 0, SOSL_MAX_ROWS, &n) == 0 ? n : -2;
}

static int
bad_count(const char *name, struct soql_error *err)
{
    snprintf(err->code, sizeof(err->code), "INVALID_SEARCH");
    snprintf(err->message, sizeof(err->message),
             "%s must be a whole number from 0 to %d", name, SOSL_MAX_ROWS);
    return -1;
}

/* The "<sobject>.<part>" query parameter, or NULL. */
static const char *
sobject_param(const struct sim_request *req, const char *sobject,
              const char *part)
{
    char name[160];

    snprintf(name, sizeof(name), "%s.%s", sobject, part);
    return request_query(req, name);
}

/* The sobjects of a GET parameterizedSearch into s; -1 with err set. */
static int
get_items(const struct sim_request *req, struct sosl_search *s,
          struct soql_error *err)
{
    const char *dflt_fields = request_query(req, "fields");
    int64_t dflt_limit = count_param(request_query(req, "defaultLimit"));
    struct psobject o;
    size_t i;

    if (dflt_limit == -2)
        return bad_count("defaultLimit", err);
    for (i = 0; i < req->nquery; i++) {
        if (strcmp(req->query[i].name, "sobject") != 0 ||
            req->query[i].value == NULL)
            continue;
        o.name = req->query[i].value;
        o.fields = sobject_param(req, o.name, "fields");
        o.fields = o.fields != NULL ? o.fields : dflt_fields;
        o.where = sobject_param(req, o.name, "where");
        if ((o.limit = count_param(sobject_param(req, o.name, "limit"))) == -2)
            return bad_count("limit", err);
        o.limit = o.limit >= 0 ? o.limit : dflt_limit;
        if (add_item(s, &o, err) == -1)
            return -1;
    }
    return 0;
}

/* GET /services/data/vNN.N/parameterizedSearch?q=…&sobject=… */
void
h_psearch_get(struct sim *sim, struct sim_request *req,
              struct sim_response *resp)
{
    struct soql_error err = {0};
    struct sosl_search *s = NULL;
    int64_t overall;
    int v;

    if ((v = rest_version(req, resp)) == -1)
        return;
    if ((overall = count_param(request_query(req, "overallLimit"))) == -2)
        bad_count("overallLimit", &err);
    else if ((s = psearch_new(request_query(req, "q"), request_query(req, "in"),
                              &err)) != NULL &&
             get_items(req, s, &err) == 0) {
        if (overall >= 0)
            sosl_set_limit(s, overall);
        if (bind_items(sim, s, resp) == 0)
            answer_search(sim, s, v, resp);
        sosl_free(s);
        return;
    }
    sosl_free(s);
    search_error(resp, &err);
}

/* A JSON string member, or NULL; a JSON array of strings joined with ','
 * into b (NULL when absent). */
static const char *
joined_fields(json_t *arr, struct buf *b)
{
    json_t *f;
    size_t i;

    if (!json_is_array(arr))
        return NULL;
    buf_reset(b);
    json_array_foreach(arr, i, f) {
        if (json_is_string(f))
            buf_printf(b, "%s%s", b->len ? "," : "", json_string_value(f));
    }
    return b->len > 0 && !b->toobig ? b->data : NULL;
}

/* One entry of "sobjects" into s; -1 with err set. */
static int
post_item(json_t *e, const char *dflt_fields, int64_t dflt_limit,
          struct sosl_search *s, struct soql_error *err)
{
    json_t *lim = json_object_get(e, "limit");
    struct psobject o;
    struct buf b;
    int rc;

    o.name = json_string_value(json_object_get(e, "name"));
    if (o.name == NULL) {
        snprintf(err->code, sizeof(err->code), "INVALID_SEARCH");
        snprintf(err->message, sizeof(err->message),
                 "each sobjects entry needs a \"name\"");
        return -1;
    }
    buf_init(&b, PSEARCH_ITEM_MAX);
    o.fields = joined_fields(json_object_get(e, "fields"), &b);
    o.fields = o.fields != NULL ? o.fields : dflt_fields;
    o.where = json_string_value(json_object_get(e, "where"));
    o.limit = json_is_integer(lim) ? json_integer_value(lim) : dflt_limit;
    if (o.limit > SOSL_MAX_ROWS || o.limit < -1 ||
        (lim != NULL && !json_is_integer(lim)))
        rc = bad_count("limit", err);
    else
        rc = add_item(s, &o, err);
    buf_free(&b);
    return rc;
}

/* POST /services/data/vNN.N/parameterizedSearch {"q": …, "sobjects": […]} */
void
h_psearch_post(struct sim *sim, struct sim_request *req,
               struct sim_response *resp)
{
    json_t *body = req->json, *lim, *e;
    struct soql_error err = {0};
    struct sosl_search *s = NULL;
    const char *dflt_fields;
    struct buf b;
    size_t i;
    int v;

    if ((v = rest_version(req, resp)) == -1)
        return;
    buf_init(&b, PSEARCH_ITEM_MAX);
    if (!json_is_object(body)) {
        snprintf(err.code, sizeof(err.code), "INVALID_SEARCH");
        snprintf(err.message, sizeof(err.message),
                 "the body must be a JSON object with \"q\"");
        goto fail;
    }
    if ((s = psearch_new(json_string_value(json_object_get(body, "q")),
                         json_string_value(json_object_get(body, "in")),
                         &err)) == NULL)
        goto fail;
    dflt_fields = joined_fields(json_object_get(body, "fields"), &b);
    lim = json_object_get(body, "defaultLimit");
    json_array_foreach(json_object_get(body, "sobjects"), i, e) {
        if (post_item(e, dflt_fields,
                      json_is_integer(lim) ? json_integer_value(lim) : -1, s,
                      &err) == -1)
            goto fail;
    }
    if (json_is_integer(lim = json_object_get(body, "overallLimit")))
        sosl_set_limit(s, json_integer_value(lim));
    if (bind_items(sim, s, resp) == 0)
        answer_search(sim, s, v, resp);
    sosl_free(s);
    buf_free(&b);
    return;
fail:
    sosl_free(s);
    buf_free(&b);
    search_error(resp, &err);
}
