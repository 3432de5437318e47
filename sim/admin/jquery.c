/*
 * jquery.c - journal filters and near misses (see jquery.h).
 *
 * Matching looks at what journal_view keeps of an entry (verdict, status,
 * method, path, the lead values' bits) and reads an entry's text only to
 * confirm a lead value whose bits are all there, so a query over the whole
 * ring costs little more than walking it.
 */
#include "jquery.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jentry.h"
#include "leadval.h"
#include "parse.h"
#include "xmalloc.h"

/* Near misses compare at most this many bytes of a path or a value: the
 * edit distance costs their product. */
#define JQ_DISTANCE_BYTES 96

/* Records an error; -1. */
#define JQ_FAIL(err, ...) (err_set((err), __VA_ARGS__), -1)

static const char *const criterion_names[JQ_COUNT] = {
    "verdict", "method", "status", "path", "lead",
};

int
jquery_criterion(const char *name)
{
    int i;

    for (i = 0; i < JQ_COUNT; i++)
        if (strcmp(criterion_names[i], name) == 0)
            return i;
    return -1;
}

const char *
jquery_criterion_name(enum jquery_criterion c)
{
    return criterion_names[c];
}

void
jquery_init(struct jquery *q)
{
    memset(q, 0, sizeof(*q));
}

void
jquery_free(struct jquery *q)
{
    int i;

    free(q->path);
    free(q->lead);
    for (i = 0; i < JQ_COUNT; i++)
        free(q->given[i]);
    jquery_init(q);
}

/* --- setting criteria ----------------------------------------------------- */

static int
add_verdict(struct jquery *q, const char *s, size_t n, struct sf_err *err)
{
    int v = verdict_parse(s, n);

    if (v < 0 || v >= 64)
        return JQ_FAIL(err, "verdict: unknown verdict \"%.*s\"", (int)n, s);
    q->verdicts |= 1ULL << v;
    return 0;
}

static int
add_method(struct jquery *q, const char *s, size_t n, struct sf_err *err)
{
    size_t i;

    if (n == 0 || n >= sizeof(q->methods[0]))
        return JQ_FAIL(err, "method: \"%.*s\" is not an HTTP method", (int)n,
                       s);
    for (i = 0; i < n; i++)
        q->methods[q->nmethods][i] = (char)toupper((unsigned char)s[i]);
    q->methods[q->nmethods++][n] = '\0';
    return 0;
}

static int
add_status(struct jquery *q, const char *s, size_t n, struct sf_err *err)
{
    char tmp[8];
    int64_t v;

    if (n == 3 && s[0] >= '1' && s[0] <= '9' && tolower(s[1]) == 'x' &&
        tolower(s[2]) == 'x') {
        q->status_lo[q->nstatus] = (s[0] - '0') * 100;
        q->status_hi[q->nstatus++] = (s[0] - '0') * 100 + 99;
        return 0;
    }
    if (n >= sizeof(tmp))
        n = sizeof(tmp) - 1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (parse_int64(tmp, 100, 999, &v) == -1)
        return JQ_FAIL(err,
                       "status: \"%s\" is neither a status (100-999) nor a "
                       "class such as 4xx",
                       tmp);
    q->status_lo[q->nstatus] = q->status_hi[q->nstatus] = (int)v;
    q->nstatus++;
    return 0;
}

typedef int add_fn(struct jquery *q, const char *s, size_t n,
                   struct sf_err *err);

/* Each comma-separated item of text through add. */
static int
set_list(struct jquery *q, enum jquery_criterion c, const char *text,
         add_fn *add, struct sf_err *err)
{
    const char *p = text, *comma;
    size_t n, count = 0;

    for (;;) {
        comma = strchr(p, ',');
        n = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (++count > JQUERY_LIST_MAX)
            return JQ_FAIL(err, "%s: at most %d values", criterion_names[c],
                           JQUERY_LIST_MAX);
        if (add(q, p, n, err) == -1)
            return -1;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static int
set_value(char **dst, size_t *len, const char *text)
{
    *dst = xstrdup(text);
    if (len != NULL)
        *len = strlen(text);
    return 0;
}

int
jquery_set(struct jquery *q, enum jquery_criterion c, const char *text,
           struct sf_err *err)
{
    size_t n = strlen(text);
    int rc = 0;

    if (q->set & (1u << c))
        return JQ_FAIL(err, "%s given twice", criterion_names[c]);
    if (n == 0 || n > JQUERY_VALUE_MAX)
        return JQ_FAIL(err, "%s must be 1 to %d bytes", criterion_names[c],
                       JQUERY_VALUE_MAX);
    switch (c) {
    case JQ_VERDICT: rc = set_list(q, c, text, add_verdict, err); break;
    case JQ_METHOD: rc = set_list(q, c, text, add_method, err); break;
    case JQ_STATUS: rc = set_list(q, c, text, add_status, err); break;
    case JQ_PATH:
        set_value(&q->path, NULL, text);
        q->path_glob = strpbrk(text, "*?[") != NULL;
        break;
    case JQ_LEAD:
        set_value(&q->lead, &q->lead_len, text);
        q->lead_bits = journal_lead_bits(text, n);
        break;
    case JQ_COUNT: return JQ_FAIL(err, "no such criterion");
    }
    if (rc == 0) {
        q->set |= 1u << c;
        q->given[c] = xstrdup(text);
    }
    return rc;
}

/* A string or a number as text into out; -1 for anything else. */
static int
scalar_text(json_t *v, char *out, size_t n)
{
    if (json_is_string(v) && json_string_length(v) < n) {
        memcpy(out, json_string_value(v), json_string_length(v) + 1);
        return strlen(out) == json_string_length(v) ? 0 : -1;
    }
    if (json_is_integer(v)) {
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
        return 0;
    }
    return -1;
}

int
jquery_set_json(struct jquery *q, enum jquery_criterion c, json_t *v,
                struct sf_err *err)
{
    char text[JQUERY_VALUE_MAX * 2], item[JQUERY_VALUE_MAX + 1];
    size_t i, len = 0;
    int lists = c == JQ_VERDICT || c == JQ_METHOD || c == JQ_STATUS;

    if (!json_is_array(v)) {
        if (scalar_text(v, text, sizeof(text)) == -1)
            return JQ_FAIL(err, "%s must be a string%s", criterion_names[c],
                           lists ? ", a number or an array of them" : "");
        return jquery_set(q, c, text, err);
    }
    if (!lists || json_array_size(v) == 0 ||
        json_array_size(v) > JQUERY_LIST_MAX)
        return JQ_FAIL(err, "%s: %s", criterion_names[c],
                       lists ? "an array of 1 to 16 values" : "one value");
    for (i = 0; i < json_array_size(v); i++) {
        if (scalar_text(json_array_get(v, i), item, sizeof(item)) == -1 ||
            strchr(item, ',') != NULL || len + strlen(item) + 2 > sizeof(text))
            return JQ_FAIL(err, "%s[%zu] must be a string or a number",
                           criterion_names[c], i);
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s",
                                i ? "," : "", item);
    }
    return jquery_set(q, c, text, err);
}

/* --- matching ------------------------------------------------------------- */

static int
path_matches(const struct jquery *q, const char *path)
{
    if (q->path_glob)
        return fnmatch(q->path, path, 0) == 0;
    return strncmp(path, q->path, strlen(q->path)) == 0;
}

static int
method_matches(const struct jquery *q, const char *method)
{
    size_t i;

    for (i = 0; i < q->nmethods; i++)
        if (strcasecmp(q->methods[i], method) == 0)
            return 1;
    return 0;
}

static int
status_matches(const struct jquery *q, int status)
{
    size_t i;

    for (i = 0; i < q->nstatus; i++)
        if (status >= q->status_lo[i] && status <= q->status_hi[i])
            return 1;
    return 0;
}

static int
value_is_lead(const char *v, size_t len, void *arg)
{
    const struct jquery *q = arg;

    return leadval_equal(v, len, q->lead, q->lead_len);
}

static int
lead_matches(const struct jquery *q, const struct journal *j,
             const struct journal_view *v)
{
    struct journal_view ref;

    if ((v->lead_bits & q->lead_bits) != q->lead_bits)
        return 0;
    if (jentry_values(v->json, v->len, value_is_lead, (void *)q) == 1)
        return 1;
    return v->event && journal_view(j, v->ref_seq, &ref) == 0 &&
           jentry_values(ref.json, ref.len, value_is_lead, (void *)q) == 1;
}

static int
holds(const struct jquery *q, enum jquery_criterion c, const struct journal *j,
      const struct journal_view *v)
{
    switch (c) {
    case JQ_VERDICT: return v->verdict < 64 && (q->verdicts >> v->verdict & 1);
    case JQ_METHOD: return method_matches(q, v->method);
    case JQ_STATUS: return status_matches(q, v->status);
    case JQ_PATH: return path_matches(q, v->path);
    case JQ_LEAD: return lead_matches(q, j, v);
    case JQ_COUNT: break;
    }
    return 0;
}

int
jquery_match(const struct journal *j, const struct journal_view *v, void *arg)
{
    const struct jquery *q = arg;
    int c;

    /* The cheap criteria first: lead may read the entry's text. */
    for (c = 0; c < JQ_COUNT; c++)
        if ((q->set & (1u << c)) && !holds(q, (enum jquery_criterion)c, j, v))
            return 0;
    return 1;
}

/* --- near misses ---------------------------------------------------------- */

/* The edit distance of a and b (at most JQ_DISTANCE_BYTES of each), ASCII
 * case ignored, over the longer length: 0 (equal) to 1. */
static double
text_distance(const char *a, size_t an, const char *b, size_t bn)
{
    unsigned row[JQ_DISTANCE_BYTES + 1], diag, up;
    size_t i, k;

    an = an < JQ_DISTANCE_BYTES ? an : JQ_DISTANCE_BYTES;
    bn = bn < JQ_DISTANCE_BYTES ? bn : JQ_DISTANCE_BYTES;
    if (an == 0 && bn == 0)
        return 0;
    for (k = 0; k <= bn; k++)
        row[k] = (unsigned)k;
    for (i = 1; i <= an; i++) {
        diag = row[0];
        row[0] = (unsigned)i;
        for (k = 1; k <= bn; k++) {
            up = row[k];
            row[k] =
                tolower((unsigned char)a[i - 1]) ==
                        tolower((unsigned char)b[k - 1])
                    ? diag
                    : 1 + (diag < up ? (diag < row[k - 1] ? diag : row[k - 1])
                                     : (up < row[k - 1] ? up : row[k - 1]));
            diag = up;
        }
    }
    return (double)row[bn] / (double)(an > bn ? an : bn);
}

/* The value of an entry closest to the lead value. */
struct closest {
    const struct jquery *q;
    double best;
    char *value; /* owned */
};

static int
closer_value(const char *v, size_t len, void *arg)
{
    struct closest *c = arg;
    size_t longer = len > c->q->lead_len ? len : c->q->lead_len;
    size_t diff =
        len > c->q->lead_len ? len - c->q->lead_len : c->q->lead_len - len;
    double d;

    /* The lengths alone bound the distance from below. */
    if (longer > 0 && (double)diff / (double)longer >= c->best)
        return 0;
    d = text_distance(c->q->lead, c->q->lead_len, v, len);
    if (d < c->best) {
        c->best = d;
        free(c->value);
        c->value = xmemdup0(v, len);
    }
    return d == 0;
}

static double
lead_distance(const struct jquery *q, const struct journal *j,
              const struct journal_view *v, json_t **actual)
{
    struct closest c = {q, 1.0, NULL};
    struct journal_view ref;

    jentry_values(v->json, v->len, closer_value, &c);
    if (c.best > 0 && v->event && journal_view(j, v->ref_seq, &ref) == 0)
        jentry_values(ref.json, ref.len, closer_value, &c);
    *actual = c.value != NULL ? json_string(c.value) : json_null();
    free(c.value);
    return c.best;
}

static double
status_distance(const struct jquery *q, int status)
{
    size_t i;

    if (status_matches(q, status))
        return 0;
    for (i = 0; i < q->nstatus; i++)
        if (status / 100 == q->status_lo[i] / 100)
            return 0.5;
    return 1;
}

static double
path_distance(const struct jquery *q, const char *path)
{
    char bare[JQUERY_VALUE_MAX + 1];
    size_t n = 0, plen = strlen(path);
    const char *p;

    if (path_matches(q, path))
        return 0;
    /* A glob compares by its literal characters, a prefix with as much of
     * the path. */
    for (p = q->path; *p != '\0'; p++)
        if (!q->path_glob || strchr("*?[]", *p) == NULL)
            bare[n++] = *p;
    if (!q->path_glob && plen > n)
        plen = n;
    return text_distance(bare, n, path, plen);
}

/* One criterion's distance and the entry's side of it. */
static double
criterion_distance(const struct jquery *q, enum jquery_criterion c,
                   const struct journal *j, const struct journal_view *v,
                   json_t **actual)
{
    switch (c) {
    case JQ_VERDICT:
        *actual = json_string(verdict_name(v->verdict));
        return holds(q, c, j, v) ? 0 : 1;
    case JQ_METHOD:
        *actual = v->method[0] ? json_string(v->method) : json_null();
        return holds(q, c, j, v) ? 0 : 1;
    case JQ_STATUS:
        *actual = v->status ? json_integer(v->status) : json_null();
        return status_distance(q, v->status);
    case JQ_PATH:
        *actual = json_string(v->path);
        return path_distance(q, v->path);
    case JQ_LEAD: return lead_distance(q, j, v, actual);
    case JQ_COUNT: break;
    }
    *actual = json_null();
    return 1;
}

double
jquery_distance(const struct jquery *q, const struct journal *j,
                const struct journal_view *v, json_t *criteria)
{
    double sum = 0, d;
    json_t *actual;
    int c, n = 0;

    for (c = 0; c < JQ_COUNT; c++) {
        if (!(q->set & (1u << c)))
            continue;
        d = criterion_distance(q, (enum jquery_criterion)c, j, v, &actual);
        json_array_append_new(
            criteria, json_pack("{s:s, s:s, s:o, s:f}", "criterion",
                                criterion_names[c], "expected", q->given[c],
                                "actual", actual, "distance", d));
        sum += d;
        n++;
    }
    return n > 0 ? sum / n : 0;
}
