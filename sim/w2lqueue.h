/*
 * w2lqueue.h - what Web-to-Lead remembers between requests: the rolling
 * 24-hour window of submissions counted against the daily limit, and the
 * FIFO of submissions pending because the limit was reached.
 *
 * struct sim owns one (sim->w2l); w2l.c decides what goes in, and when it
 * comes out. It is apart from w2l.c because that works on the whole sim,
 * and the sim's own lifetime code should need none of it.
 */
#ifndef SIM_W2LQUEUE_H
#define SIM_W2LQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "form.h"
#include "window.h"

#define W2LQUEUE_PERIOD_S 86400 /* the daily limit's rolling window */

/* One submission waiting for room in the window. */
struct w2l_pending {
    uint64_t seq; /* the journal sequence of the request that queued it */
    char **names; /* owned copies of the form */
    char **values;
    size_t n;
};

struct w2lqueue {
    struct window window;      /* counted submissions */
    struct w2l_pending *queue; /* ring of qcap entries */
    size_t qcap, qstart, qlen;
    int64_t settled_ms; /* the queue has been worked through up to here */
    uint64_t rejected_queue_full;
};

/* An empty window and queue. Caller frees with w2lqueue_free(). */
struct w2lqueue *w2lqueue_new(void);
void w2lqueue_free(struct w2lqueue *w);
/* Forgets the window, the queue and the counter. */
void w2lqueue_clear(struct w2lqueue *w);
/* Appends a copy of form's fields, tagged with seq (form borrowed). */
void w2lqueue_push(struct w2lqueue *w, const struct form *form, uint64_t seq);
/* The oldest pending submission, borrowed until w2lqueue_pop(); NULL when
 * none is. */
const struct w2l_pending *w2lqueue_head(const struct w2lqueue *w);
/* Drops the oldest pending submission (none: no-op). */
void w2lqueue_pop(struct w2lqueue *w);

#endif
