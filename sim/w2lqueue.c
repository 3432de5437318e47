/*
 * w2lqueue.c - Web-to-Lead's window and pending queue (see w2lqueue.h).
 */
#include "w2lqueue.h"

#include <stdlib.h>
#include <string.h>

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
