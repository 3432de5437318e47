/*
 * feed.h - the leads file, parsed on a thread of its own.
 *
 * feed.c owns a reader thread that parses the file (lead.c does the
 * parsing) while the caller is already delivering the first leads, and the
 * leads it made: each stays at its address until the caller releases it
 * with feed_release() or closes the feed, so a long file does not keep
 * every lead's fields in memory. Leads come out in file order, each once. Bad
 * lines are reported through on_bad on the reader thread; the callback must be
 * safe to run beside the caller's own thread (logging to stderr is).
 */
#ifndef CLIENT_FEED_H
#define CLIENT_FEED_H

#include <stddef.h>

#include "err.h"
#include "lead.h"

struct feed;

/*
 * Reads path (format as lead_load() settles it) and starts parsing it.
 * Returns NULL with err when the file cannot be read or no thread can be
 * started. Caller frees with feed_close().
 */
struct feed *feed_open(const char *path, lead_bad_fn *on_bad, void *arg,
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
/* Frees lead l (from feed_next() on f); l must not be used after. */
void feed_release(struct feed *f, const struct lead *l);
/* Bad lines reported so far (all of them once feed_next() set *end). */
size_t feed_bad(struct feed *f);
/* Stops the reader if it still runs and frees every lead. */
void feed_close(struct feed *f);

#endif
