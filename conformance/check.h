/*
 * check.h - verdicts: a case's expectations against the evidence.
 *
 * The evidence is what a trial (trial.h) collected, as one JSON object:
 *   "journal"  the sim's journal (GET /__sim/journal)
 *   "faults"   GET /__sim/faults at the end
 *   "records"  {"Lead": [...], "Contact": [...], "Account": [...]}
 *   "leads"    [{"id", "key", "lead"}] every lead handed to the client
 *   "runs"     [{"step", "leads": [ids], "exit", "timed_out", "outcomes":
 *               [lines], "bad_lines": [text], "seq_from", "seq_to"}]
 *   "final"    {lead id: the last outcome line the client wrote for it}
 *   "attempts" {lead id: [attempt]} (wire.h)
 * The wire comes first: most checks read the journal and the records, and
 * the client's outcomes are checked for truthfulness against them.
 *
 * Checks are a table (name -> function) so adding an expectation kind is
 * one line there and one paragraph in fixtures/README.md. Each check
 * judges what a correct client may do in any order and at any
 * concurrency: fixtures/README.md states the rule each one enforces.
 *
 * This module owns the vocabulary of expectations and the judging; it
 * knows nothing of case files (case.h validates them with
 * check_known() and check_keys()).
 */
#ifndef CONF_CHECK_H
#define CONF_CHECK_H

#include <jansson.h>
#include <stddef.h>

/* What check_case() judges: borrowed from the case for the call. */
struct check_plan {
    json_t *expect;       /* array of {"check": NAME, ...} */
    const char *lead_key; /* the lead field that identifies a lead */
    const char *profile;  /* expectations of other profiles are skipped */
};

/* 1 when name is a known expectation ("check"). */
int check_known(const char *name);
/* The keys an expectation called name may have (static, NULL-terminated),
 * or NULL when name is unknown. */
const char *const *check_keys(const char *name);

/*
 * Runs the client-run sanity checks (every run exited 0 in time) and each
 * expectation of p that applies to p->profile (one without "profile"
 * applies to all) against ev; appends one message string per failure to
 * failures (an array). Returns the number of failures.
 */
size_t check_case(const struct check_plan *p, json_t *ev, json_t *failures);

/*
 * Leads the client reported delivered although the sim did not accept
 * them (dropped, rejected, never sent). Appends their ids to ids (may be
 * NULL) and returns how many.
 */
size_t check_false_delivered(json_t *ev, json_t *ids);
/*
 * 1 when journal entry e matches the filters of sel, an object with any
 * of "kind" (default "request"), "verdict", "path" (a prefix), "method":
 * the "journal" check's, and a deliver step's "kill_when".
 */
int check_entry_matches(json_t *sel, json_t *e);

#endif
