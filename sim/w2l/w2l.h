/*
 * w2l.h - Web-to-Lead as Salesforce runs it: the org check, reCAPTCHA, the
 * rolling 24-hour limit with its drop or pending-queue behaviour, the
 * mapping of form names to Lead fields, and the silent failures.
 *
 * The HTTP side (the HTML page, the Is-Processed header) is in h_w2l.c;
 * this module decides what happens to a submission and is unit-testable.
 * What it remembers between requests (the window and the pending queue)
 * is w2lqueue.h's.
 */
#ifndef SIM_W2L_H
#define SIM_W2L_H

#include <jansson.h>
#include <stdint.h>

#include "form.h"
#include "journal.h"
#include "sfid.h"

#define W2L_QUEUE_MAX_HARD 10000000
#define W2L_ADMIN_REJECT_MAILS 5

struct sim;

struct w2l_outcome {
    enum verdict verdict;
    int bad_org;                    /* answer with the Exception header */
    char record_id[SFID_LEN18 + 1]; /* when created */
    char *detail;                   /* owned; why, for the journal */
    json_t *info;                   /* new ref: details for the journal */
};

/*
 * Handles one submission whose form was decoded (form borrowed). seq is the
 * journal sequence the request will get, referenced by later events. Fills
 * *out (caller frees with w2l_outcome_free()).
 */
void w2l_submit(struct sim *sim, const struct form *form, uint64_t seq,
                struct w2l_outcome *out);
void w2l_outcome_free(struct w2l_outcome *out);

/*
 * Creates queued leads whose place in the window has come, each at the
 * simulated time its slot freed, and journals them as events. Cheap when
 * nothing is queued; called before every request.
 */
void w2l_settle(struct sim *sim);

/* New reference: {"used", "limit", "queued", "window_frees_at", ...}. */
json_t *w2l_status(struct sim *sim);

#endif
