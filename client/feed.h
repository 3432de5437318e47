/*
 * feed.h - the leads file, parsed on a thread of its own.
 *
 * feed.c owns a reader thread that parses the file (lead.c does the
 * parsing) while the caller is already delivering the first leads, and the
 * leads it made: each stays at its address until the caller releases it
 * with feed_release() or closes the feed, so a long file does not keep
 * every lead's fields in memory. Leads come out in file order, each once. Bad
 * lines are reported through on_bad, and leads prepared by prepare, on the
 * reader thread: those hooks must be safe to run beside the caller's own
 * thread (logging to stderr is).
 */
#ifndef CLIENT_FEED_H
#define CLIENT_FEED_H

#include <stddef.h>

#include "err.h"
#include "lead.h"

struct feed;

struct feed_hooks {
    lead_bad_fn *on_bad; /* each bad line; may be NULL */
    /*
     * Work on each good lead done on the reader thread before the lead is
     * handed out, so that it is off the caller's thread; the result goes
     * in l->prep. It may read only what the caller's thread leaves alone
     * while the feed is open. May be NULL.
     */
    void *(*prepare)(void *arg, const struct lead *l);
    /* Frees a prep nobody took (feed_take_prep()); may run on either
     * thread. Required with prepare. */
    void (*discard)(void *arg, void *prep);
    void *arg;
    /* Leads parsed and not taken yet, at most (at least 256, whatever is
     * asked; 0 for that). A caller that takes leads a batch at a time
     * wants at least two batches: the reader then parses the next while
     * the caller sends this one. */
    size_t ahead;
};

/*
 * Reads path (format as lead_load() settles it) and starts parsing it with
 * hooks (copied; NULL for none). Returns NULL with err when the file cannot
 * be read or no thread can be started. Caller frees with feed_close().
 */
struct feed *feed_open(const char *path, const struct feed_hooks *hooks,
                       struct sf_err *err);
/*
 * The next lead (borrowed from f), or NULL: with *end set when every lead
 * has been handed out, else because the next is not parsed yet. With wait
 * set it blocks until a lead or the end is there.
 */
const struct lead *feed_next(struct feed *f, int wait, int *end);
/*
 * A descriptor that becomes readable after feed_next() answered "not
 * parsed yet", once it has something new: for the caller's poll().
 */
int feed_fd(const struct feed *f);
/* Takes what prepare made of l (the caller owns it now), or NULL. */
void *feed_take_prep(struct feed *f, const struct lead *l);
/* Frees lead l (from feed_next() on f); l must not be used after. */
void feed_release(struct feed *f, const struct lead *l);
/*
 * Leads not handed out yet, for a progress line: an estimate from the
 * file's line count (blank and bad lines and a CSV header count as leads)
 * until feed_next() has answered the end, 0 after. *exact is set when the
 * answer is exact.
 */
size_t feed_left(const struct feed *f, int *exact);
/* Bad lines reported so far (all of them once feed_next() set *end). */
size_t feed_bad(struct feed *f);
/* Stops the reader if it still runs and frees every lead. */
void feed_close(struct feed *f);

#endif
