/*
 * rules.h - an org's validation rules and duplicate rules, compiled once
 * and applied to every record intake is about to save.
 *
 * rules_new() compiles the org's "validation_rules", "matching_rules" and
 * "duplicate_rules" (org.h) when the org loads: every formula is parsed
 * and type-checked against the org's schema, every field and rule name is
 * resolved, so a request never meets a broken rule. The compiled rules
 * belong to the org and are freed with it.
 *
 * This module decides which rules fire and builds Salesforce's error
 * objects for them; intake.c decides what a firing rule means for the
 * request (an error array on the API, a silent verdict on Web-to-Lead).
 * Duplicate matching goes through the store's equality indexes only, so
 * its cost does not grow with the number of stored records.
 */
#ifndef SIM_RULES_H
#define SIM_RULES_H

#include <jansson.h>
#include <stdint.h>

#include "conf.h"
#include "fieldtype.h"

/* Most matched records listed per matching rule in a duplicateResult. */
#define RULES_MAX_MATCH_RECORDS 100

struct org;
struct sim;
struct object_def;
struct record;
struct fieldvals;
struct rules;
struct formula_error;

/* Where a rule failed to compile: a config path such as
 * "validation_rules[2].formula" and what is wrong there. */
struct rules_failure {
    char path[CONF_PATH_MAX];
    char message[512];
};

/*
 * Compiles org's rules. Returns the compiled rules (caller frees with
 * rules_free(); they borrow strings from org, which must outlive them), or
 * NULL with *fail filled in: a formula that does not parse or bind, an
 * unknown object, field or matching rule. Never crashes on any formula.
 */
struct rules *rules_new(const struct org *org, struct rules_failure *fail);
void rules_free(struct rules *r);

/*
 * The record rules look at: values (converted, as they will be stored;
 * a NULL value clears a field) written over existing (the stored record
 * being updated, or NULL on create). sim gives the related records
 * formulas read (Account.Name) and the running user ($User): the org's
 * first user, or on Web-to-Lead (web) its Default Lead Creator; without
 * a sim related records read as null. Borrowed for one call.
 */
struct rules_subject {
    const struct object_def *obj;
    const struct fieldvals *values;
    const struct record *existing;
    struct sim *sim;
    int web;
};

/*
 * Evaluates every active validation rule of the subject's object, in the
 * order of the org file, at now_ms (what TODAY() and NOW() see). For each
 * rule that fires, appends to *errors (a JSON array, made when NULL: the
 * caller's reference either way) Salesforce's error object {"message",
 * "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "fields"} and to
 * *names (the same) the rule's name. A rule whose evaluation fails at run
 * time (division by zero, ...) does not fire. Returns the number of rules
 * that fired. r may be NULL (no rules).
 */
int rules_validate(struct rules *r, const struct rules_subject *s,
                   int64_t now_ms, json_t **errors, json_t **names);

/* How the caller treats duplicate-rule actions. */
struct rules_dup_opts {
    int web;         /* Web-to-Lead: Allow+Alert blocks too, no allowSave */
    int allow_save;  /* Sforce-Duplicate-Rule-Header allowSave=true */
    int api_version; /* for the matched records' URLs; 0: the latest */
};

/*
 * Runs every active duplicate rule of the subject's object whose
 * conditions hold, with the create or edit action (existing != NULL means
 * edit; the record itself never matches). For each rule that matched and
 * stops the save, appends a DUPLICATES_DETECTED error object with its full
 * "duplicateResult" to *errors and the rule's name to *names; for each
 * rule that matched but lets the record be saved (Allow, or Allow+Alert
 * past allowSave), appends its name to *reported (each a JSON array, made
 * when NULL, as rules_validate()). Returns the number of rules that stop
 * the save. r may be NULL (no rules).
 */
int rules_duplicates(struct rules *r, struct sim *sim,
                     const struct rules_subject *s, int64_t now_ms,
                     const struct rules_dup_opts *opts, json_t **errors,
                     json_t **names, json_t **reported);

/*
 * Evaluates the org's index-th validation rule (in file order, active or
 * not) against s, for tools that measure what the engine can run: 0 with
 * *fires set, or -1 with *err filled in (a runtime error, or no such rule).
 */
int rules_eval_validation(struct rules *r, size_t index,
                          const struct rules_subject *s, int64_t now_ms,
                          int *fires, struct formula_error *err);

/*
 * Checks formulas against an org before they go into it (the metadata
 * importer): rules_check_new() builds the org's schema once; then
 * rules_check_formula() parses and binds text on a record of object, as
 * a condition (want FT_BOOLEAN) or as a formula field's formula of type
 * want, and rules_check_type() gives the type of a field or other name
 * (FT_UNKNOWN when there is none). 0, or -1 with *err filled in.
 */
struct rules_check;
struct rules_check *rules_check_new(const struct org *org);
int rules_check_formula(struct rules_check *c, const char *object,
                        const char *text, enum fieldtype want,
                        struct formula_error *err);
enum fieldtype rules_check_type(struct rules_check *c, const char *object,
                                const char *name);
void rules_check_free(struct rules_check *c);

/* Parses an Sforce-Duplicate-Rule-Header value ("allowSave=true;
 * includeRecordDetails=false"); 1 when it sets allowSave to true. NULL: 0. */
int rules_header_allow_save(const char *header);

#endif
