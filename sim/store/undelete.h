/*
 * undelete.h - bringing a record back from the recycle bin: what
 * Salesforce's undelete() does (the SOAP partner call; Apex's undelete is
 * the same operation; REST has none).
 *
 * A record deleted less than the retention period ago (sim.h) comes back
 * with its ID, values and relationships, live again for every API, its
 * LastModifiedDate the undelete's time, and the detail records deleted
 * with it come back too (recycle.h). One that is live, was purged or
 * never existed is refused, and so is a detail record whose master is not
 * live (it comes back only with its master). Knows nothing of HTTP or SOAP.
 */
#ifndef SIM_UNDELETE_H
#define SIM_UNDELETE_H

#include "sfid.h"

struct sim;

#define UNDELETE_CODE_MAX 64
#define UNDELETE_MESSAGE_MAX 256

/* An UndeleteResult: the 18-character id, or the error (success 0). */
struct undelete_result {
    int success;
    char id[SFID_LEN18 + 1];
    char code[UNDELETE_CODE_MAX];
    char message[UNDELETE_MESSAGE_MAX];
};

/* Undeletes the record named by id (15 or 18 characters) at the sim's
 * now: 0, or -1 with out's error and nothing changed. */
int undelete_record(struct sim *sim, const char *id,
                    struct undelete_result *out);

#endif
