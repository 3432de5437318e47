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

/* org.c: one custom field at path; owner is the custom object it belongs
 * to, or NULL for the root's "custom_fields" (which names its "object").
 * Lookup fields are read by org_objects_reference(). */
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
