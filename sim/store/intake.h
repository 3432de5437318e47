/*
 * intake.h - the one path every record creation goes through.
 *
 * Web-to-Lead, REST create, update and upsert, Flows and Apex REST all hand
 * their values here as strings under the schema's field names. Intake
 * converts them the way Salesforce converts them, applies defaults, checks
 * writability (API sources), required fields, ids, types, lengths and
 * restricted picklists, the Person Account rules (person.h) (and, as the org
 * grows rules, validation and duplicate rules), then stores the record.
 *
 * What a failure looks like depends on the source: the API paths get
 * Salesforce's error array; Web-to-Lead gets a silent verdict for the
 * journal, and over-long values are truncated instead (fidelity notes). A
 * Bulk API row's bad value is Bulk's INVALID_FIELD "Failed to deserialize
 * field" (facts 3.6) rather than REST's JSON_PARSER_ERROR.
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
    INTAKE_BULK, /* a row of a Bulk API job (ingest.h) */
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
 * What an API caller adds to a create or update. Validation rules and
 * duplicate rules (rules.h) run after the type checks on every path: a
 * rule that fires gives FIELD_CUSTOM_VALIDATION_EXCEPTION or
 * DUPLICATES_DETECTED errors (verdicts REJECTED_VALIDATION and
 * REJECTED_DUPLICATE, the rules' names in res->detail and res->notes).
 */
struct intake_opts {
    int allow_save;     /* Sforce-Duplicate-Rule-Header allowSave=true (REST:
                           rules_header_allow_save()); saves past Allow+Alert
                           duplicate rules, never past Block */
    int api_version;    /* version in the request path, for the matched
                           records' URLs; 0: the latest */
    const int *columns; /* INTAKE_BULK: the CSV column of each value in
                           fv (0-based), for "Failed to deserialize field
                           at col N"; NULL: the value's position */
};

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

/*
 * Updates r (a record of obj) from fv through the same conversions and
 * checks as intake_create(): values NULL or blank clear their field,
 * required fields may not be cleared, read-only fields are refused (API
 * sources), no defaults apply. Returns 0 with res->record == r and
 * res->verdict UPDATED; -1 with res->errors etc. and r unchanged.
 */
int intake_update(struct sim *sim, const struct object_def *obj,
                  struct record *r, const struct fieldvals *fv,
                  enum intake_source src, int64_t now_ms,
                  struct intake_result *res);

/* intake_create() and intake_update() with options (NULL: all zero). */
int intake_create_opts(struct sim *sim, const struct object_def *obj,
                       const struct fieldvals *fv, enum intake_source src,
                       int64_t now_ms, const struct intake_opts *opts,
                       struct intake_result *res);
int intake_update_opts(struct sim *sim, const struct object_def *obj,
                       struct record *r, const struct fieldvals *fv,
                       enum intake_source src, int64_t now_ms,
                       const struct intake_opts *opts,
                       struct intake_result *res);

/*
 * A save of many records at once (one chunk of an sObject Collections
 * call, an sObject Tree, a Bulk batch), as Salesforce saves a list: every
 * record is checked first, against the records as they were before the
 * save (so records of the same save are never compared with each other
 * by duplicate rules, as Salesforce documents), then the ones that passed
 * are stored together, in order.
 */
struct intake_save;

/* Caller frees with intake_save_free(). opts may be NULL. */
struct intake_save *intake_save_new(struct sim *sim, enum intake_source src,
                                    int64_t now_ms,
                                    const struct intake_opts *opts);
/*
 * Checks one record: a create of obj (r NULL) or an update of r. Returns 0
 * when it passed and will be stored by intake_save_commit(); -1 with
 * res->verdict, res->errors and res->detail when refused. fv's values and
 * res are borrowed until the save is committed or freed.
 */
int intake_save_check(struct intake_save *s, const struct object_def *obj,
                      struct record *r, const struct fieldvals *fv,
                      struct intake_result *res);
/*
 * Stores the records that passed, in the order they were checked, each
 * with its res->record and verdict (CREATED, UPDATED). One the store
 * refuses gets its error in res instead; returns how many did. The save
 * may take more records afterwards.
 */
size_t intake_save_commit(struct intake_save *s);
/* Forgets records not committed (nothing of them is stored). */
void intake_save_free(struct intake_save *s);

#endif
