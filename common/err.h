/*
 * err.h - human-readable error detail handed back to the caller.
 *
 * Functions that can fail for a reason worth telling the user take a
 * caller-provided struct sf_err and return -1/NULL. The first error written
 * wins, so a low-level message is never overwritten by a vaguer one.
 */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

#define SF_ERR_MSG_MAX 512

struct sf_err {
    char msg[SF_ERR_MSG_MAX];
    int set;
};

void err_clear(struct sf_err *e);
/* Formats into e->msg unless e is NULL or already set. */
void err_set(struct sf_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
