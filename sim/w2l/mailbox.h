/*
 * mailbox.h - the emails Salesforce would have sent.
 *
 * Web-to-Lead failures are silent on the wire; Salesforce tells people by
 * email instead (the Default Lead Creator gets over-limit leads, the admin
 * gets pending-queue rejections, duplicate blocks are reported). The sim
 * keeps those messages here so tests and support engineers can see them
 * (GET /__sim/mail). The newest MAILBOX_MAX are kept.
 */
#ifndef SIM_MAILBOX_H
#define SIM_MAILBOX_H

#include <jansson.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"

#define MAILBOX_MAX 10000

struct mailbox;

/* Caller frees with mailbox_free(). */
struct mailbox *mailbox_new(void);
void mailbox_free(struct mailbox *m);
void mailbox_clear(struct mailbox *m);
/* Copies every string. kind is a stable machine-readable tag. */
void mailbox_add(struct mailbox *m, int64_t time_ms, const char *kind,
                 const char *to, const char *subject, const char *body);
/* Messages kept of kind (NULL: of any kind). */
size_t mailbox_count(const struct mailbox *m, const char *kind);
/*
 * The messages as a JSON array of {time, kind, to, subject, body}, oldest
 * first, a few at a time (GET /__sim/mail streams it): a
 * cursor skips offset of the messages kept when it starts, takes at most
 * limit, and ends with the newest message of that moment; messages pushed
 * out or cleared meanwhile are skipped.
 */
struct mailbox_cursor {
    uint64_t next, end; /* message numbers, counted since the start */
    uint64_t left;
    struct buf_array arr;
};

void mailbox_cursor_init(const struct mailbox *m, struct mailbox_cursor *c,
                         uint64_t offset, uint64_t limit);
/* Appends the next messages of the array to out, about max bytes; 1 while
 * more follow, 0 once its ']' is out. */
int mailbox_stream(const struct mailbox *m, struct mailbox_cursor *c,
                   struct buf *out, size_t max);

/*
 * The state file's "mail" (snapshot.h): {"added": messages ever added,
 * "messages": the array mailbox_stream() writes}. mailbox_added() is the
 * first; mailbox_from_json() reads the whole object back into m (empty;
 * the newest MAILBOX_MAX messages are kept), -1 with the error located at
 * path.
 */
uint64_t mailbox_added(const struct mailbox *m);
int mailbox_from_json(struct mailbox *m, json_t *j, struct conf *c,
                      const char *path);

#endif
