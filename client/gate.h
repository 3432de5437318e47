/*
 * gate.h - decisions taken before a lead may be sent.
 *
 * In order: inbound filters (-> rejected), campaign duplicate detection
 * within a window against history kept in the state directory (->
 * duplicate), the buyer's suppression list (-> suppressed), a paused buyer
 * (-> held). The Web-to-Lead budget, consulted before every send, is
 * budget.c's. gate.c decides and keeps the history document; it does not
 * read or write files (main.c moves it to and from state.c).
 */
#ifndef CLIENT_GATE_H
#define CLIENT_GATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buyer.h"
#include "lead.h"
#include "outcome.h"

/* The verdicts that stop a lead: X(verdict, the lead's outcome). */
#define GATE_STOPS(X)                                                          \
    X(GATE_REJECTED, OUTCOME_REJECTED)                                         \
    X(GATE_DUPLICATE, OUTCOME_DUPLICATE)                                       \
    X(GATE_SUPPRESSED, OUTCOME_SUPPRESSED)                                     \
    X(GATE_HELD, OUTCOME_HELD)

#define GATE_ENUM(verdict, outcome) verdict,
enum gate_verdict { GATE_PASS, GATE_STOPS(GATE_ENUM) };
#undef GATE_ENUM

struct gate {
    const struct buyer *b; /* borrowed */
    json_t *dedup;         /* {"key": {"id": lead, "t": ms}}; owned */
    json_t *suppress;      /* set of normalised values; owned */
    int dirty_dedup;
};

/* dedup_doc is the document state.c loaded (NULL when none); the
 * reference is stolen. A malformed document is treated as empty. */
void gate_init(struct gate *g, const struct buyer *b, json_t *dedup_doc);
void gate_free(struct gate *g);

/*
 * Runs the pre-send rules for l at calendar time now_ms. A lead that passes
 * dedup is recorded in the history; with dry set the history changes in
 * memory only (dirty_dedup stays as it was), so a dry run still finds
 * duplicates within one file. why (size n) gets a human reason for any
 * verdict but GATE_PASS.
 */
enum gate_verdict gate_check(struct gate *g, const struct lead *l,
                             int64_t now_ms, int dry, char *why, size_t n);
/* "pass", or the name of the outcome v gives a lead (static). */
const char *gate_verdict_str(enum gate_verdict v);
/* The outcome of a lead stopped with v (v is not GATE_PASS). */
enum outcome gate_outcome(enum gate_verdict v);
/*
 * Records l in the dedup history at now_ms, as a lead that passed dedup,
 * unless another lead holds its keys: for --resume, whose leads already
 * final (sent by a run that may have been killed before it saved the
 * history) are not checked again but must still block their duplicates.
 */
void gate_remember(struct gate *g, const struct lead *l, int64_t now_ms);

/* The document to save (borrowed, valid until the next call; pruned of
 * entries outside the window at now_ms). */
json_t *gate_dedup_doc(struct gate *g, int64_t now_ms);

/*
 * The comparable form of a value: trimmed and lower-cased; a value that
 * looks like a phone number (only digits, spaces and +-(). with at least 7
 * digits) is reduced to its digits. Caller frees with free().
 */
char *gate_normalise(const char *value);

#endif
