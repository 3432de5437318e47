/*
 * org.h - the simulated org's configuration.
 *
 * An org is read from a JSON file (--org FILE, PUT /__sim/org) or is the
 * built-in default org, which is itself a JSON text run through the same
 * loader. Loading is strict: unknown keys, wrong types and bad values are
 * rejected with "label:line:column: path: what is wrong". The README's
 * "Org config" section documents every key.
 *
 * An org is immutable once loaded; replacing it builds a new one.
 */
#ifndef SIM_ORG_H
#define SIM_ORG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "fieldtype.h"
#include "sfid.h"

enum edition {
    EDITION_ESSENTIALS,
    EDITION_PROFESSIONAL,
    EDITION_ENTERPRISE,
    EDITION_UNLIMITED,
    EDITION_PERFORMANCE,
    EDITION_DEVELOPER,
    EDITION_COUNT
};

enum w2l_over_limit {
    W2L_OVER_DROP,  /* past the daily limit: silently dropped (the seed) */
    W2L_OVER_QUEUE, /* Salesforce's pending queue, released later */
};

enum refresh_policy {
    REFRESH_UNTIL_REVOKED,
    REFRESH_EXPIRE_AFTER, /* refresh_token_ttl_seconds after issue */
    REFRESH_EXPIRE_IDLE,  /* refresh_token_ttl_seconds after last use */
    REFRESH_IMMEDIATELY,  /* no usable refresh token */
};

struct org_field {
    char *object, *name, *label, *id; /* id: 15-char 00N..., or NULL */
    enum fieldtype type;
    int length, precision, scale;
    unsigned flags; /* schema.h FIELD_* */
    char *default_value;
    char **values; /* picklist values, NULL-terminated, or NULL */
};

struct org_user {
    char *username, *password, *email, *first_name, *last_name;
    char id[SFID_LEN15 + 1]; /* 005... */
    int api_enabled;
};

struct org_app {
    char *name, *client_id, *client_secret;
    char *run_as; /* username for client_credentials, or NULL */
    enum refresh_policy refresh_policy;
    int64_t refresh_ttl_s;
};

struct org {
    char *name;
    enum edition edition;
    char org_id[SFID_LEN15 + 1];
    int64_t clock_start_ms; /* -1: the real time */
    int clock_frozen;
    struct {
        int enabled;
        int64_t daily_limit;
        enum w2l_over_limit over_limit;
        int64_t queue_limit;
        int recaptcha_required;
        char **recaptcha_tokens; /* NULL-terminated test tokens */
        char *default_lead_source;
        char *return_url; /* used when a post has no retURL */
        char *lead_creator;
    } w2l;
    int64_t session_timeout_s;
    int person_accounts;
    int api_enabled; /* from the edition unless the file says */
    int64_t licenses;
    int64_t api_daily_limit; /* derived from edition and licences */
    struct org_field *custom_fields;
    size_t ncustom_fields;
    struct org_user *users;
    size_t nusers;
    struct org_app *apps;
    size_t napps;
};

/* Caller frees with org_free(). NULL (and err set) on any error. */
struct org *org_default(void);
struct org *org_load_file(const char *path, struct sf_err *err);
/* label names the text in messages (a file name, or "body"). */
struct org *org_load_buf(const char *label, const char *text, size_t len,
                         struct sf_err *err);
void org_free(struct org *o);

/* The effective configuration, defaults filled in; a new reference that
 * org_load_buf() accepts back unchanged. */
json_t *org_to_json(const struct org *o);

const char *edition_name(enum edition e);
/* Default Web-to-Lead daily limit of an edition. */
int64_t edition_w2l_limit(enum edition e);

const struct org_user *org_user_find(const struct org *o, const char *username);
const struct org_app *org_app_find(const struct org *o, const char *client_id);

#endif
