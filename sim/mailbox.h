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

#define MAILBOX_MAX 10000

struct mailbox;

/* Caller frees with mailbox_free(). */
struct mailbox *mailbox_new(void);
void mailbox_free(struct mailbox *m);
void mailbox_clear(struct mailbox *m);
/* Copies every string. kind is a stable machine-readable tag. */
void mailbox_add(struct mailbox *m, int64_t time_ms, const char *kind,
                 const char *to, const char *subject, const char *body);
size_t mailbox_count(const struct mailbox *m, const char *kind);
/* New reference: array of {time, kind, to, subject, body}, oldest first. */
json_t *mailbox_to_json(const struct mailbox *m);

#endif
