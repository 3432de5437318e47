/*
 * rules_ref.h - what a name in a rule's formula refers to, its type and
 * its value.
 *
 * The formula engine hands every name it meets to its struct field_access
 * (fieldtype.h); for rules that access is this module's. A name is one of:
 *
 *   a field of the record          Email, Case_Type__c, a formula field
 *                                  (computed from its own formula)
 *   a field of a related record    Account.Name (Contact), Parent.Type
 *                                  (Account), Owner.Profile.Name,
 *                                  CreatedBy.Username, RecordType.Name,
 *                                  Lookup__r.Name (a custom lookup), up to
 *                                  RULES_REF_MAX_HOPS relationships deep
 *   a merge field                  $User.X, $Profile.X, $UserRole.X,
 *                                  $RecordType.X, $Organization.X,
 *                                  $Setup.Setting__c.Field__c,
 *                                  $Permission.Name, $Label.Name,
 *                                  $CustomMetadata.Type__mdt.Record.Field,
 *                                  $Api.X, $System.OriginDateTime
 *
 * answered from the org (its users, record types, custom settings, labels,
 * permissions, custom metadata) and, for related Leads, Contacts and
 * Accounts, from the store. The running user is the environment's user.
 * Names are matched case-insensitively, as Salesforce does.
 *
 * It knows nothing of rules, requests or HTTP: rules.c builds an
 * environment per evaluation and hands formula_eval_* an access from it.
 */
#ifndef SIM_RULES_REF_H
#define SIM_RULES_REF_H

#include <stddef.h>
#include <stdint.h>

#include "fieldtype.h"

/* Relationships one name may follow (Salesforce: 10). */
#define RULES_REF_MAX_HOPS 10
/* Formula fields computing each other, at most this deep. */
#define RULES_REF_MAX_DEPTH 8
/* Text one evaluation's names may produce (computed values). */
#define RULES_REF_MAX_BYTES (4u * 1024 * 1024)

struct org;
struct org_user;
struct schema;
struct store;
struct object_def;
struct fieldvals;
struct record;
struct formula;

/* A formula field compiled by rules.c (borrowed by the environment). */
struct rules_ref_formula {
    const char *object, *field;
    const struct formula *f; /* bound with formula_bind_value() */
    int scale;
};

/*
 * Everything names are resolved against, for one evaluation (or for a
 * compile, with store NULL). Fill in the first fields; the rest is
 * scratch, freed by rules_ref_env_done().
 */
struct rules_ref_env {
    const struct org *org;
    const struct schema *schema;
    struct store *store;         /* NULL: related records read as null */
    const struct org_user *user; /* the running user, or NULL */
    const struct rules_ref_formula *formulas;
    size_t nformulas;
    int64_t now_ms;
    struct rules_ref_memo *memo; /* or NULL (see below) */
    /* scratch */
    int depth;
    char **scratch;
    size_t nscratch, capscratch, bytes;
};

/*
 * Which field of an object a formula's plain name (a field of the record
 * itself, as nearly all are) is, remembered from one evaluation to the
 * next: rules.c keeps one with its compiled formulas and puts it in the
 * environments it makes. It is keyed by the name's address and the
 * object's uid (schema.h), so a rebuilt schema never meets an old entry,
 * and it is read only for the names a rules_ref_access() is asked for
 * and those of rules_ref_value_kept() and rules_ref_field_kept(): the
 * names of formulas and matching rules the same rules own, which stay
 * where they are while the memo lives. Fixed size (a name takes a clashing
 * one's slot); one thread at a time, the sim's. Caller frees a new memo with
 * rules_ref_memo_free() (NULL: nothing).
 */
struct rules_ref_memo;
struct rules_ref_memo *rules_ref_memo_new(void);
void rules_ref_memo_free(struct rules_ref_memo *m);

/* A record as rules read it: values (as they will be stored; a NULL value
 * clears its field) written over a stored record. Either may be NULL. */
struct rules_ref_rec {
    const struct object_def *obj;
    const struct fieldvals *values;
    const struct record *record;
};

/* The type of name on a record of obj, or FT_UNKNOWN when it refers to
 * nothing the sim knows. */
enum fieldtype rules_ref_type(const struct rules_ref_env *env,
                              const struct object_def *obj, const char *name);

/* The value of name on rec (*len set), or NULL when null or blank.
 * Borrowed: from the record, the org or env's scratch (valid until
 * rules_ref_env_done()). */
const char *rules_ref_value(struct rules_ref_env *env,
                            const struct rules_ref_rec *rec, const char *name,
                            size_t *len);

/*
 * rules_ref_value() and schema_field() for a name the rules own (a
 * matching rule's field names), remembered in env's memo as a formula's
 * names are: name must stay where it is while the memo lives.
 */
const char *rules_ref_value_kept(struct rules_ref_env *env,
                                 const struct rules_ref_rec *rec,
                                 const char *name, size_t *len);
const struct field_def *rules_ref_field_kept(struct rules_ref_env *env,
                                             const struct object_def *obj,
                                             const char *name);

/* A field_access (fieldtype.h) reading rec through env: value() and
 * type() as above. arg is the caller's storage for the pair; all three
 * must outlive the access. */
struct rules_ref_arg {
    struct rules_ref_env *env;
    const struct rules_ref_rec *rec;
};
void rules_ref_access(struct field_access *out, struct rules_ref_arg *arg,
                      struct rules_ref_env *env,
                      const struct rules_ref_rec *rec);

/* Frees env's scratch; env may be used again after. */
void rules_ref_env_done(struct rules_ref_env *env);

#endif
