/*
 * gate.h - decisions taken before a lead may be sent.
 *
 * In order: inbound filters (-> rejected), campaign duplicate detection
 * within a window against history kept in the state directory (->
 * duplicate), the buyer's suppression list (-> suppressed), a paused buyer
 * (-> held). Separately, the Web-to-Lead budget: a rolling window count of
 * sends per org, consulted before every send (-> held, with the time the
 * lead may be sent). gate.c decides and keeps the history documents; it
 * does not read or write files (main.c moves them to and from state.c).
 */
#ifndef CLIENT_GATE_H
#define CLIENT_GATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buyer.h"
#include "lead.h"

#define GATE_VERDICTS(X)                                                       \
    X(GATE_PASS, "pass")                                                       \
    X(GATE_REJECTED, "rejected")                                               \
    X(GATE_DUPLICATE, "duplicate")                                             \
    X(GATE_SUPPRESSED, "suppressed")                                           \
    X(GATE_HELD, "held")

#define GATE_ENUM(name, str) name,
enum gate_verdict { GATE_VERDICTS(GATE_ENUM) };
#undef GATE_ENUM

/* The W2L sends of one second: how many, and the time of the latest. A
 * bucket leaves the window when its latest send does, so the count is
 * never lower than with every send kept apart, and memory is at most one
 * bucket per second of the window, whatever the budget. */
struct gate_bucket {
    int64_t last_ms;
    int64_t count;
};

struct gate {
    const struct buyer *b;     /* borrowed */
    json_t *dedup;             /* {"key": {"id": lead, "t": ms}}; owned */
    json_t *suppress;          /* set of normalised values; owned */
    struct gate_bucket *sends; /* owned; [first, first + nsends) ascending */
    size_t first, nsends, cap;
    int64_t sent; /* W2L sends in the buckets */
    json_t *doc;  /* owned; the last gate_sends_doc() */
    int dirty_dedup, dirty_sends;
};

/*
 * dedup_doc and sends_doc are the documents state.c loaded (NULL when
 * none); references are stolen. Malformed documents are treated as empty.
 * The sends document is an array of [latest_ms, count] pairs; a plain
 * send time (the format before buckets) counts as one send.
 */
void gate_init(struct gate *g, const struct buyer *b, json_t *dedup_doc,
               json_t *sends_doc);
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
const char *gate_verdict_str(enum gate_verdict v);

/*
 * Takes one Web-to-Lead send from the budget at now_ms. Returns 0 when the
 * send may go (recorded), or -1 with *retry_at_ms set to when the oldest
 * counted send leaves the window. Always 0 for non-form buyers.
 */
int gate_budget_take(struct gate *g, int64_t now_ms, int64_t *retry_at_ms);
/* Gives back a send taken at at_ms whose post never went out (so the org
 * never counted it either). */
void gate_budget_refund(struct gate *g, int64_t at_ms);

/* The documents to save (borrowed, valid until the next call; pruned of
 * entries outside their windows at now_ms). */
json_t *gate_dedup_doc(struct gate *g, int64_t now_ms);
json_t *gate_sends_doc(struct gate *g, int64_t now_ms);

/*
 * The comparable form of a value: trimmed and lower-cased; a value that
 * looks like a phone number (only digits, spaces and +-(). with at least 7
 * digits) is reduced to its digits. Caller frees with free().
 */
char *gate_normalise(const char *value);

#endif
