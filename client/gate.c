/*
 * gate.c - filters, dedup, suppression and pause (see gate.h).
 */
#include "gate.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

#define GATE_OUTCOME(verdict, outcome) [verdict] = outcome,
static const enum outcome stop_outcomes[] = {GATE_STOPS(GATE_OUTCOME)};
#undef GATE_OUTCOME

enum outcome
gate_outcome(enum gate_verdict v)
{
    return stop_outcomes[v];
}

const char *
gate_verdict_str(enum gate_verdict v)
{
    return v == GATE_PASS ? "pass" : outcome_name(gate_outcome(v));
}

char *
gate_normalise(const char *value)
{
    size_t len, i, j, digits = 0;
    char *out;
    int phone = 1;

    while (isspace((unsigned char)*value))
        value++;
    len = strlen(value);
    while (len > 0 && isspace((unsigned char)value[len - 1]))
        len--;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];

        if (isdigit(c))
            digits++;
        else if (strchr(" +-().", c) == NULL)
            phone = 0;
    }
    out = xmalloc(len + 1);
    for (i = j = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];

        if (phone && digits >= 7) {
            if (isdigit(c))
                out[j++] = (char)c;
        } else
            out[j++] = (char)tolower(c);
    }
    out[j] = '\0';
    return out;
}

void
gate_init(struct gate *g, const struct buyer *b, json_t *dedup_doc)
{
    memset(g, 0, sizeof(*g));
    g->b = b;
    g->dedup =
        json_is_object(dedup_doc) ? json_incref(dedup_doc) : json_object();
    json_decref(dedup_doc);
    g->suppress = json_object();
    for (size_t i = 0; i < b->suppression.nvalues; i++) {
        char *v = gate_normalise(b->suppression.values[i]);

        json_object_set_new(g->suppress, v, json_true());
        free(v);
    }
}

void
gate_free(struct gate *g)
{
    json_decref(g->dedup);
    json_decref(g->suppress);
    memset(g, 0, sizeof(*g));
}

/* One filter; 0 when the lead passes it. */
static int
filter_one(const struct buyer_filter *f, const struct lead *l, char *why,
           size_t n)
{
    char *v = lead_get_string(l, f->field);
    int rc = -1;
    size_t i;

    if (v == NULL || *v == '\0') {
        if (f->required)
            snprintf(why, n, "%s is required", f->field);
        else
            rc = 0;
        goto out;
    }
    if (f->has_pattern && regexec(&f->re, v, 0, NULL, 0) != 0) {
        snprintf(why, n, "%s does not match the pattern", f->field);
        goto out;
    }
    for (i = 0; i < f->nallowed; i++)
        if (strcmp(f->allowed[i], v) == 0)
            break;
    if (f->nallowed > 0 && i == f->nallowed) {
        snprintf(why, n, "%s \"%s\" is not an allowed value", f->field, v);
        goto out;
    }
    rc = 0;
out:
    free(v);
    return rc;
}

/* The dedup keys of l: one per field ("any"), or one for all together
 * ("all", and only when every field has a value). A new array. */
static json_t *
dedup_keys(const struct buyer_dedup *d, const struct lead *l)
{
    json_t *keys = json_array();
    struct buf all;
    size_t i;

    buf_init(&all, 64 * 1024);
    for (i = 0; i < d->nfields; i++) {
        char *raw = lead_get_string(l, d->fields[i]);
        char *v = raw != NULL ? gate_normalise(raw) : NULL;

        if (v != NULL && *v != '\0') {
            if (d->match_all)
                buf_printf(&all, "%s%s=%s", i ? "\x1f" : "", d->fields[i], v);
            else
                json_array_append_new(keys,
                                      json_sprintf("%s=%s", d->fields[i], v));
        } else if (d->match_all) {
            all.toobig = 1; /* a missing field: no combined key */
        }
        free(raw);
        free(v);
    }
    if (d->match_all && !all.toobig && all.len > 0)
        json_array_append_new(keys, json_string(all.data));
    buf_free(&all);
    return keys;
}

static int
dedup_live(json_t *entry, int64_t now_ms, int64_t window_s)
{
    json_int_t t = json_integer_value(json_object_get(entry, "t"));

    return now_ms - t < window_s * 1000;
}

/* Records l under each of keys no other lead holds within the window
 * (in memory only when dry). */
static void
dedup_record(struct gate *g, json_t *keys, const struct lead *l, int64_t now_ms,
             int dry)
{
    json_t *k, *e;
    size_t i;

    json_array_foreach(keys, i, k) {
        e = json_object_get(g->dedup, json_string_value(k));
        if (e != NULL && dedup_live(e, now_ms, g->b->dedup.window_s))
            continue;
        json_object_set_new(
            g->dedup, json_string_value(k),
            json_pack("{s:s, s:I}", "id", l->id, "t", (json_int_t)now_ms));
        g->dirty_dedup |= !dry;
    }
}

/* GATE_DUPLICATE if another lead holds any of the keys within the window;
 * otherwise records l under each key it does not already hold. */
static enum gate_verdict
dedup_check(struct gate *g, const struct lead *l, int64_t now_ms, int dry,
            char *why, size_t n)
{
    const struct buyer_dedup *d = &g->b->dedup;
    json_t *keys = dedup_keys(d, l), *k, *e;
    enum gate_verdict v = GATE_PASS;
    size_t i;

    json_array_foreach(keys, i, k) {
        const char *other;

        e = json_object_get(g->dedup, json_string_value(k));
        other = json_string_value(json_object_get(e, "id"));
        if (e != NULL && other != NULL && strcmp(other, l->id) != 0 &&
            dedup_live(e, now_ms, d->window_s)) {
            snprintf(why, n, "duplicate of lead %s (%s)", other,
                     json_string_value(k));
            v = GATE_DUPLICATE;
            goto out;
        }
    }
    /* A dry run records too, in memory only (the caller saves nothing),
     * so that it shows duplicates within the file as a real run would. */
    dedup_record(g, keys, l, now_ms, dry);
out:
    json_decref(keys);
    return v;
}

void
gate_remember(struct gate *g, const struct lead *l, int64_t now_ms)
{
    json_t *keys;

    if (g->b->dedup.nfields == 0)
        return;
    keys = dedup_keys(&g->b->dedup, l);
    dedup_record(g, keys, l, now_ms, 0);
    json_decref(keys);
}

static int
suppressed(struct gate *g, const struct lead *l, char *why, size_t n)
{
    const struct buyer_suppression *s = &g->b->suppression;
    int hit = 0;

    for (size_t i = 0; i < s->nfields && !hit; i++) {
        char *raw = lead_get_string(l, s->fields[i]);
        char *v = raw != NULL ? gate_normalise(raw) : NULL;

        if (v != NULL && json_object_get(g->suppress, v) != NULL) {
            snprintf(why, n, "%s is on the suppression list", s->fields[i]);
            hit = 1;
        }
        free(raw);
        free(v);
    }
    return hit;
}

enum gate_verdict
gate_check(struct gate *g, const struct lead *l, int64_t now_ms, int dry,
           char *why, size_t n)
{
    enum gate_verdict v;

    *why = '\0';
    for (size_t i = 0; i < g->b->nfilters; i++)
        if (filter_one(&g->b->filters[i], l, why, n) == -1)
            return GATE_REJECTED;
    if (suppressed(g, l, why, n))
        return GATE_SUPPRESSED;
    if (g->b->dedup.nfields > 0) {
        v = dedup_check(g, l, now_ms, dry, why, n);
        if (v != GATE_PASS)
            return v;
    }
    if (g->b->paused) {
        snprintf(why, n, "buyer %s is paused", g->b->name);
        return GATE_HELD;
    }
    return GATE_PASS;
}

json_t *
gate_dedup_doc(struct gate *g, int64_t now_ms)
{
    const char *k;
    json_t *e, *tmp;

    json_object_foreach_safe(g->dedup, tmp, k, e) {
        if (!dedup_live(e, now_ms, g->b->dedup.window_s))
            json_object_del(g->dedup, k);
    }
    return g->dedup;
}
