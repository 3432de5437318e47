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

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
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

/*
 * The state file's "web_to_lead" (snapshot.h): w2lqueue_to_json() gives
 * {"window", "settled", "rejected_queue_full"} (new reference), the queue
 * going into its "queue" array an entry at a time through
 * w2lqueue_entry_json() (entry i, 0 the oldest: {"seq", "fields": [[name,
 * value], ...]}, values of secret names redacted unless secrets; NULL past
 * the end). w2lqueue_from_json() reads the whole object back into w
 * (empty; at most max_queue entries); -1 with the error located at path.
 */
json_t *w2lqueue_to_json(const struct w2lqueue *w);
json_t *w2lqueue_entry_json(const struct w2lqueue *w, size_t i, int secrets);
int w2lqueue_from_json(struct w2lqueue *w, json_t *j, size_t max_queue,
                       struct conf *c, const char *path);

#endif
