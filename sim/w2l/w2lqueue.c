/*
 * w2lqueue.c - Web-to-Lead's window and pending queue (see w2lqueue.h).
 */
#include "w2lqueue.h"

#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "timefmt.h"
#include "xmalloc.h"

struct w2lqueue *
w2lqueue_new(void)
{
    struct w2lqueue *w = xcalloc(1, sizeof(*w));

    window_init(&w->window, W2LQUEUE_PERIOD_S);
    return w;
}

static void
pending_free(struct w2l_pending *q)
{
    size_t i;

    for (i = 0; i < q->n; i++) {
        free(q->names[i]);
        free(q->values[i]);
    }
    free(q->names);
    free(q->values);
    memset(q, 0, sizeof(*q));
}

void
w2lqueue_clear(struct w2lqueue *w)
{
    while (w->qlen > 0)
        w2lqueue_pop(w);
    free(w->queue); /* a reset gives the queue's memory back */
    w->queue = NULL;
    w->qcap = w->qstart = 0;
    window_clear(&w->window);
    w->rejected_queue_full = 0;
}

void
w2lqueue_free(struct w2lqueue *w)
{
    if (w == NULL)
        return;
    w2lqueue_clear(w);
    window_free(&w->window);
    free(w);
}

void
w2lqueue_push(struct w2lqueue *w, const struct form *form, uint64_t seq)
{
    struct w2l_pending *q;
    size_t i;

    if (w->qlen == w->qcap) {
        size_t newcap = w->qcap ? w->qcap * 2 : 64;
        struct w2l_pending *nq = xcalloc(newcap, sizeof(*nq));

        for (i = 0; i < w->qlen; i++)
            nq[i] = w->queue[(w->qstart + i) % w->qcap];
        free(w->queue);
        w->queue = nq;
        w->qcap = newcap;
        w->qstart = 0;
    }
    q = &w->queue[(w->qstart + w->qlen) % w->qcap];
    q->seq = seq;
    q->n = form->n;
    q->names = xcalloc(form->n + 1, sizeof(char *));
    q->values = xcalloc(form->n + 1, sizeof(char *));
    for (i = 0; i < form->n; i++) {
        q->names[i] = xstrdup(form->fields[i].name);
        q->values[i] = xstrdup(form->fields[i].value);
    }
    w->qlen++;
}

const struct w2l_pending *
w2lqueue_head(const struct w2lqueue *w)
{
    return w->qlen > 0 ? &w->queue[w->qstart] : NULL;
}

void
w2lqueue_pop(struct w2lqueue *w)
{
    if (w->qlen == 0)
        return;
    pending_free(&w->queue[w->qstart]);
    w->qstart = (w->qstart + 1) % w->qcap;
    w->qlen--;
}

/* --- state files -----------------------------------------------------------
 */

json_t *
w2lqueue_to_json(const struct w2lqueue *w)
{
    char when[TIMEFMT_LEN];

    return json_pack("{s:o, s:s, s:I}", "window", window_to_json(&w->window),
                     "settled", timefmt_rfc3339(w->settled_ms, when),
                     "rejected_queue_full", (json_int_t)w->rejected_queue_full);
}

json_t *
w2lqueue_entry_json(const struct w2lqueue *w, size_t i, int secrets)
{
    const struct w2l_pending *q;
    json_t *fields;
    size_t k;

    if (i >= w->qlen)
        return NULL;
    q = &w->queue[(w->qstart + i) % w->qcap];
    fields = json_array();
    for (k = 0; k < q->n; k++)
        json_array_append_new(
            fields,
            json_pack("[s, s]", q->names[k],
                      secrets ? q->values[k]
                              : redact_value(q->names[k], q->values[k])));
    return json_pack("{s:I, s:o}", "seq", (json_int_t)q->seq, "fields", fields);
}

/* One queued post back into w. */
static int
entry_from_json(struct w2lqueue *w, json_t *e, struct conf *c, const char *path)
{
    static const char *const keys[] = {"seq", "fields", NULL};
    struct form form = {0};
    json_t *fields, *pair;
    int64_t seq;
    size_t i;
    int rc = -1;

    if (!json_is_object(e))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, e, path, keys) == -1 ||
        conf_int(c, e, path, "seq", 0, INT64_MAX, 0, &seq) == -1 ||
        conf_array(c, e, path, "fields", &fields) == -1)
        return -1;
    if (json_array_size(fields) > FORM_MAX_FIELDS)
        return conf_error(c, path, "more than %d fields", FORM_MAX_FIELDS);
    form.fields = xcalloc(json_array_size(fields) + 1, sizeof(*form.fields));
    json_array_foreach(fields, i, pair) {
        if (!json_is_array(pair) || json_array_size(pair) != 2 ||
            !json_is_string(json_array_get(pair, 0)) ||
            !json_is_string(json_array_get(pair, 1))) {
            conf_error(c, path, "fields[%zu] must be [name, value]", i);
            goto out;
        }
        form.fields[i].name =
            xstrdup(json_string_value(json_array_get(pair, 0)));
        form.fields[i].value =
            xstrdup(json_string_value(json_array_get(pair, 1)));
        form.n++;
    }
    w2lqueue_push(w, &form, (uint64_t)seq);
    rc = 0;
out:
    form_free(&form);
    return rc;
}

int
w2lqueue_from_json(struct w2lqueue *w, json_t *j, size_t max_queue,
                   struct conf *c, const char *path)
{
    static const char *const keys[] = {"window", "settled",
                                       "rejected_queue_full", "queue", NULL};
    char sub[CONF_PATH_MAX], list[CONF_PATH_MAX];
    const char *settled;
    json_t *queue, *e;
    int64_t rejected;
    size_t i;

    if (!json_is_object(j))
        return conf_error(c, path, "must be an object");
    if (conf_check_keys(c, j, path, keys) == -1 ||
        conf_string(c, j, path, "settled", NULL, &settled) == -1 ||
        conf_int(c, j, path, "rejected_queue_full", 0, INT64_MAX, 0,
                 &rejected) == -1 ||
        conf_array(c, j, path, "queue", &queue) == -1 ||
        window_from_json(&w->window, json_object_get(j, "window"), c,
                         conf_join(sub, sizeof(sub), path, "window")) == -1)
        return -1;
    if (settled != NULL && timefmt_parse(settled, &w->settled_ms) == -1)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "settled"),
                          "must be an RFC 3339 date-time");
    w->rejected_queue_full = (uint64_t)rejected;
    if (json_array_size(queue) > max_queue)
        return conf_error(c, conf_join(sub, sizeof(sub), path, "queue"),
                          "more than the org's queue_limit (%zu) posts",
                          max_queue);
    conf_join(list, sizeof(list), path, "queue");
    json_array_foreach(queue, i, e) {
        if (entry_from_json(w, e, c, conf_index(sub, sizeof(sub), list, i)) ==
            -1)
            return -1;
    }
    return 0;
}
