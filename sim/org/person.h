/*
 * person.h - Person Accounts: which kind of Account a write makes, which
 * fields each kind accepts, the derived fields, and the hidden Contact.
 *
 * Only Accounts of orgs with person_accounts on are affected; for every
 * other record the functions here answer "nothing to do". Intake calls
 * them on the one creation/update path; this module decides, intake reports.
 * Record types are not a general feature of the sim: Person Account orgs
 * have exactly the three fixed record types below (facts 5.3).
 */
#ifndef SIM_PERSON_H
#define SIM_PERSON_H

#include <jansson.h>
#include <stdint.h>

#include "objects_std.h" /* PERSON_RT_*: the record type ids */
#include "store.h"

struct sim;
struct object_def;
struct field_def;

#define PERSON_NAME_MAX 512 /* "First Last": 40 + 80 characters of UTF-8 */

enum person_kind {
    PERSON_NONE,     /* not an Account of a Person Account org */
    PERSON_BUSINESS, /* a business account: Name, no person fields */
    PERSON_PERSON,   /* a person account: LastName, derived Name */
};

enum person_field {
    PERSON_FIELD_OK,
    PERSON_FIELD_READONLY, /* "Unable to create/update fields: …" */
    PERSON_FIELD_BAD,      /* "Account: bad field names on …" */
};

/* Derived values a write adds; strings live here, borrowed by fieldvals. */
struct person_derived {
    char name[PERSON_NAME_MAX];
    char record_type[SFID_LEN18 + 1];
};

/*
 * The kind of Account that fv (raw input values) makes: on create
 * (existing NULL) the RecordTypeId decides, and without one the presence of
 * person fields without Name; on update the existing record's kind stays.
 * Returns 0, or -1 with *error set (a new reference, one Salesforce error
 * object) for a record type that is not valid here.
 */
int person_kind(const struct sim *sim, const struct object_def *obj,
                const struct fieldvals *fv, const struct record *existing,
                enum person_kind *kind, json_t **error);

/* Whether f may be written on a record of kind (update: 1 for updates). */
enum person_field person_field_check(enum person_kind kind,
                                     const struct field_def *f, int update);

/* Whether f must have a value on a record of kind (the schema's flag
 * adjusted: person accounts need LastName, not Name). Only fields
 * schema_may_require() names can be (test_org_objects holds them so). */
int person_required(enum person_kind kind, const struct field_def *f);

/*
 * Adds the derived values of a person or business account to out (converted
 * values about to be written; existing is the record being updated or
 * NULL): Name from FirstName/LastName, IsPersonAccount and the record type.
 * The strings are kept in d, which must outlive out.
 */
void person_derive(const struct object_def *obj, enum person_kind kind,
                   struct fieldvals *out, const struct record *existing,
                   struct person_derived *d);

/*
 * After a person account acct was stored: creates its hidden Contact (and
 * sets PersonContactId) or brings the Contact's fields up to date.
 */
void person_sync_contact(struct sim *sim, const struct object_def *obj,
                         struct record *acct, int64_t now_ms);

/* Before acct is deleted: deletes its hidden Contact, if any. */
void person_delete_contact(struct sim *sim, const struct object_def *obj,
                           const struct record *acct);

#endif
