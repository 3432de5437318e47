/*
 * intake.h - the one path every record creation goes through.
 *
 * Web-to-Lead, REST create and upsert, Flows and Apex REST all hand their
 * values here as strings under the schema's field names. Intake converts
 * them the way Salesforce converts them, applies defaults, checks required
 * fields, types, lengths and restricted picklists (and, as the org grows
 * rules, validation and duplicate rules), then stores the record.
 *
 * What a failure looks like depends on the source: the API paths get
 * Salesforce's error array; Web-to-Lead gets a silent verdict for the
 * journal, and over-long values are truncated instead (fidelity notes).
 */
#ifndef SIM_INTAKE_H
#define SIM_INTAKE_H

#include <jansson.h>

#include "journal.h"
#include "store.h"

struct sim;
struct object_def;

enum intake_source {
    INTAKE_WEB_TO_LEAD,
    INTAKE_REST,
    INTAKE_FLOW,
    INTAKE_APEX,
};

struct intake_result {
    struct record *record; /* the stored record (owned by the store) */
    enum verdict verdict;  /* CREATED, or why not */
    json_t *errors;        /* new ref: [{message, errorCode, fields}] */
    json_t *notes;         /* new ref: {truncated_fields: [...], ...} */
    char *detail;          /* owned: a one-line summary of the failure */
};

void intake_result_init(struct intake_result *res);
void intake_result_free(struct intake_result *res);

/*
 * Creates a record of obj from fv (values borrowed; fields interned in the
 * sim's store), dated now_ms (a queued Web-to-Lead post is created at the
 * time its place in the window came, not at the request that released it).
 * Returns 0 and res->record on success; -1 with res->verdict, res->errors and
 * res->detail when Salesforce would refuse it.
 */
int intake_create(struct sim *sim, const struct object_def *obj,
                  const struct fieldvals *fv, enum intake_source src,
                  int64_t now_ms, struct intake_result *res);

#endif
