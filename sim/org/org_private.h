/*
 * org_private.h - the sections of the org config loaded outside org.c.
 *
 * org.c reads the org's identity, Web-to-Lead, users and apps; larger
 * sections live in their own files and plug in through these calls. Each
 * loader reads its keys from the document root, records the first error in
 * c and returns -1 on failure; each *_free releases what it loaded (also
 * after a failed load); each *_json adds its keys to the effective config.
 */
#ifndef SIM_ORG_PRIVATE_H
#define SIM_ORG_PRIVATE_H

#include <jansson.h>

#include "conf.h"
#include "org.h"

/* Most entries of one org list (users, fields, values, ...). */
#define ORG_MAX_ITEMS 10000

/* org.c: an id at obj.key that must start with prefix (dflt when absent;
 * "" in out when absent without a default). */
int org_read_id(struct conf *c, json_t *obj, const char *path, const char *key,
                const char *prefix, const char *dflt, char out[SFID_LEN15 + 1]);
/* org.c: a 15-character id for a thing the file gives none (a profile,
 * a role, a record type): prefix and 12 base-62 characters of name's
 * hash, the same run after run. */
void org_derived_id(const char *prefix, const char *name,
                    char out[SFID_LEN15 + 1]);
/* org.c: an array of strings into a NULL-terminated list (caller frees
 * with org_strings_free); its JSON form (new reference). */
int org_strings_read(struct conf *c, json_t *arr, const char *path,
                     char ***out);
void org_strings_free(char **list);
json_t *org_strings_json(char **list);

/* org_rules.c: a required, non-empty string member obj.key; the array
 * root.key checked for size (NULL in *arr, 0, when absent). */
int org_need_string(struct conf *c, json_t *obj, const char *path,
                    const char *key, const char **out);
int org_section(struct conf *c, json_t *root, const char *key, json_t **arr);

/* org_fields.c: "custom_fields" (after "custom_objects", whose fields
 * they may be). */
int org_fields_load(struct conf *c, json_t *root, struct org *o);
void org_fields_free(struct org *o);
json_t *org_fields_json(const struct org *o);

/* org_formula.c: what formulas read beyond the record: "record_types",
 * "custom_settings", "custom_permissions", "labels", "custom_metadata". */
int org_formula_load(struct conf *c, json_t *root, struct org *o);
void org_formula_free(struct org *o);
void org_formula_json(const struct org *o, json_t *out);

/* org_actions.c: "flows" and "apex_rest". */
int org_actions_load(struct conf *c, json_t *root, struct org *o);
void org_actions_free(struct org *o);
void org_actions_json(const struct org *o, json_t *out);

/* org_rules.c: "validation_rules", "matching_rules", "duplicate_rules",
 * compiled into o->rules (rules.h). */
int org_rules_load(struct conf *c, json_t *root, struct org *o);
void org_rules_free(struct org *o);
void org_rules_json(const struct org *o, json_t *out);

/* A {"from": "to", ...} object of strings into pairs (caller frees with
 * org_mappings_free). */
int org_mappings_load(struct conf *c, json_t *obj, const char *path,
                      struct org_mapping **out, size_t *n);
void org_mappings_free(struct org_mapping *m, size_t n);
json_t *org_mappings_json(const struct org_mapping *m, size_t n);

/* org_logins.c: users' "security_token" and "active"; connected apps'
 * "certificate" / "certificate_file" (relative to dir, the org file's
 * directory; NULL for a body: refused), "permitted_users" and
 * "approved_users" (names of o's users, loaded before); the root's
 * "my_domain". */
int org_logins_user_load(struct conf *c, json_t *u, const char *path,
                         struct org_user *ou);
void org_logins_user_json(const struct org_user *u, json_t *out);
void org_logins_user_free(struct org_user *u);
int org_logins_app_load(struct conf *c, json_t *a, const char *path,
                        const char *dir, const struct org *o,
                        struct org_app *oa);
void org_logins_app_json(const struct org_app *a, json_t *out);
void org_logins_app_free(struct org_app *a);
int org_logins_root_load(struct conf *c, json_t *root, struct org *o);
void org_logins_root_json(const struct org *o, json_t *out);

/* org_fields.c: one custom field at path; owner is the custom object it
 * belongs to, or NULL for the root's "custom_fields" (which names its
 * "object", checked by org_fields_load()). Lookup fields are read by
 * org_objects_reference(). org_field_free() frees what one field owns (not
 * f itself). */
int org_field_load(struct conf *c, json_t *f, const char *path,
                   const char *owner, struct org_field *of);
void org_field_free(struct org_field *f);
json_t *org_field_json(const struct org_field *f);

/* org_objects.c: "custom_objects" (loaded before "custom_fields", whose
 * fields may belong to them). */
int org_objects_load(struct conf *c, json_t *root, struct org *o);
/* Checks every lookup's "reference_to" (and makes it canonical) once the
 * custom objects and custom fields are loaded. */
int org_objects_check(struct conf *c, struct org *o);
void org_objects_free(struct org *o);
void org_objects_json(const struct org *o, json_t *out);
/* A lookup or master-detail field's "reference_to" and
 * "relationship_name" into of (type "lookup" or "master_detail" given as
 * kind); -1 with the error. */
int org_objects_reference(struct conf *c, json_t *f, const char *path,
                          const char *kind, struct org_field *of);

#endif
