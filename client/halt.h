/*
 * halt.h - why a delivery run stopped sending, the first reason winning.
 *
 * Each sending engine (deliver: one lead a request; batchrun: sObject
 * Collections; bulkjob: Bulk API 2.0) keeps one struct halt by value.
 * Once halted a run sends nothing more; the leads it has not settled are
 * held with the halt's reason and error text. reason is a static string
 * (an outcome reason such as "auth" or "stopped"); error is a copy.
 */
#ifndef CLIENT_HALT_H
#define CLIENT_HALT_H

#include "err.h"

struct halt {
    int halted;
    const char *reason;         /* static; NULL until halted */
    char error[SF_ERR_MSG_MAX]; /* why, cut to fit */
};

/* Halts h for reason (static) and why (copied). A run halted already keeps
 * its first reason: 0 then, 1 when this call halted it. */
int halt_set(struct halt *h, const char *reason, const char *why);

#endif
